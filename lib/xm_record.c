/*
 * xm_record.c - crossmatch record: store serological crossmatch results
 * (saline, polybrene, IAT/gel; major and minor side) and electronic
 * crossmatches for the patients who qualify.  An incompatible result
 * releases the unit's reservation for that patient.  Each recorded row is
 * printed as a crossmatch result record (canonical method, the time
 * stored) with the unit's status after it.
 */
#include <string.h>

#include "xm.h"

static const char *const cols[] = {
	"request_id", "patient_id", "din", "product_code", "method", "major",
	"minor", "tech", "at", NULL
};
static const char *const required[] = {
	"patient_id", "din", "product_code", "method", "major", NULL
};
static const char *const out_cols[] = {
	"request_id", "patient_id", "din", "product_code", "method", "major",
	"minor", "tech", "at", "status"
};

struct rec_state {
	struct compat_rules rules;
	struct bb_writer *w;
	long count;
};

static const char *method_name(const char *m)
{
	static const char *const names[][2] = {
		{ "saline", "saline" }, { "polybrene", "polybrene" },
		{ "iat", "iat" }, { "gel", "iat" }, { "IAT", "iat" },
		{ "electronic", "electronic" }, { NULL, NULL }
	};
	for (int i = 0; names[i][0]; i++)
		if (!strcmp(m, names[i][0]))
			return names[i][1];
	return NULL;
}

static int side_ok(const char *v, int may_be_empty)
{
	return (may_be_empty && !*v) || !strcmp(v, "compatible") ||
	       !strcmp(v, "incompatible");
}

/* Electronic crossmatch: the patient qualifies and the computer check of
 * ABO/RhD and antigens passes.  0 ok, -1 rejected. */
static int check_electronic(struct bb_ctx *ctx, struct rec_state *s,
			    struct bb_reader *rd, struct bb_rec *rec,
			    const struct xm_patient *x, const struct bb_unit *u,
			    bb_time at)
{
	char why[96], msg[160];
	struct compat_unit cu;
	struct compat_query q = { at, 0, 0 };
	struct compat_result res;

	if (!compat_ecm_eligible(&s->rules, &x->p, why, sizeof why)) {
		xm_fmt(msg, sizeof msg, "patient not eligible for an "
			 "electronic crossmatch (%s): do a serological one", why);
		return bb_reject(ctx, rd, rec, "method", msg, "electronic"), -1;
	}
	xm_unit_compat(u, &cu);
	if (!compat_check(&s->rules, &x->p, &cu, &q, &res)) {
		xm_fmt(msg, sizeof msg, "electronic crossmatch blocked: %s",
			 res.code);
		return bb_reject(ctx, rd, rec, "din", msg, u->din), -1;
	}
	if (strcmp(bb_get(rd, rec, "major"), "compatible"))
		return bb_reject(ctx, rd, rec, "major", "an electronic "
				 "crossmatch can only be compatible",
				 bb_get(rd, rec, "major")), -1;
	return 0;
}

/* Release the reservation; u->status follows. */
static int release_reservation(struct bb_ctx *ctx, struct bb_unit *u,
			       const char *ref)
{
	int rc = bb_unit_release(ctx, u->din, u->product,
				 "crossmatch:incompatible", ref);
	if (rc)
		return rc == BB_EROWS ? BB_OK : rc;
	bb_copy(u->status, sizeof u->status, "available");
	return BB_OK;
}

/* The recorded row, as stored, and the unit's status after it. */
static void emit(struct rec_state *s, struct bb_reader *rd,
		 struct bb_rec *rec, const char *method, bb_time at,
		 const struct bb_unit *u)
{
	char t[17];
	const char *v[10];

	v[0] = bb_get(rd, rec, "request_id");
	v[1] = bb_get(rd, rec, "patient_id");
	v[2] = u->din;
	v[3] = u->product;
	v[4] = method;
	v[5] = bb_get(rd, rec, "major");
	v[6] = bb_get(rd, rec, "minor");
	v[7] = bb_get(rd, rec, "tech");
	v[8] = bb_fmt_time(at, t);
	v[9] = u->status;
	bb_writer_row(s->w, v);
}

static int record_row(struct bb_ctx *ctx, struct bb_reader *rd,
		      struct bb_rec *rec, void *arg)
{
	struct rec_state *s = arg;
	const char *pid = bb_get(rd, rec, "patient_id");
	const char *din = bb_get(rd, rec, "din");
	const char *prod = bb_get(rd, rec, "product_code");
	const char *method = method_name(bb_get(rd, rec, "method"));
	const char *major = bb_get(rd, rec, "major");
	const char *minor = bb_get(rd, rec, "minor");
	const char *req = bb_get(rd, rec, "request_id");
	const char *why;
	struct xm_patient x;
	struct bb_unit u;
	bb_time at;
	int k;

	if (!method)
		return bb_reject(ctx, rd, rec, "method", "want saline, "
				 "polybrene, iat (gel) or electronic",
				 bb_get(rd, rec, "method")), BB_OK;
	if (!side_ok(major, 0))
		return bb_reject(ctx, rd, rec, "major", "want compatible or "
				 "incompatible", major), BB_OK;
	if (!side_ok(minor, 1))
		return bb_reject(ctx, rd, rec, "minor", "want compatible or "
				 "incompatible", minor), BB_OK;
	if (xm_time_or_now(ctx, bb_get(rd, rec, "at"), &at, &why))
		return bb_reject(ctx, rd, rec, "at", why,
				 bb_get(rd, rec, "at")), BB_OK;
	if (at > ctx->now)
		return bb_reject(ctx, rd, rec, "at", "in the future",
				 bb_get(rd, rec, "at")), BB_OK;
	if ((k = xm_patient_load(ctx, pid, at, &x)) <= 0)
		return k < 0 ? BB_ESYS : (bb_reject(ctx, rd, rec, "patient_id",
			"unknown patient", pid), BB_OK);
	if ((k = xm_rec_unit(ctx, rd, rec, din, prod, &u)) <= 0)
		return k < 0 ? BB_ESYS : BB_OK;
	if (!strcmp(method, "electronic") &&
	    check_electronic(ctx, s, rd, rec, &x, &u, at))
		return BB_OK;
	if (bb_exec(ctx, "INSERT INTO crossmatches (request_id, patient_id, "
		    "din, product_code, method, major, minor, tech, at) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", "ssssssss"
		    "t", req, pid, din, prod, method, major, minor,
		    bb_get(rd, rec, "tech"), at) != BB_OK)
		return BB_ESYS;
	s->count++;
	if ((!strcmp(major, "incompatible") || !strcmp(minor, "incompatible")) &&
	    !strcmp(u.status, "reserved") && !strcmp(u.patient_id, pid)) {
		bb_warn(ctx, "unit '%s' incompatible with patient '%s': "
			"reservation released", din, pid);
		if ((k = release_reservation(ctx, &u, *req ? req : pid)))
			return k;
	}
	emit(s, rd, rec, method, at, &u);
	return BB_OK;
}

int xm_record(struct bb_ctx *ctx, int argc, char **argv)
{
	struct rec_state s = { .count = 0 };
	int first, rc;

	if ((rc = xm_begin(ctx, argc, argv, NULL, &first, &s.rules)))
		return rc < 0 ? BB_OK : rc;
	rc = xm_each_record_out(ctx, argc, argv, first, cols, required,
				record_row, &s, out_cols, 10, &s.w);
	compat_rules_free(&s.rules);
	rc = xm_finish(ctx, rc);
	if (rc != BB_ESYS)
		bb_info(ctx, "%ld crossmatch%s recorded", s.count,
			s.count == 1 ? "" : "es");
	return rc;
}
