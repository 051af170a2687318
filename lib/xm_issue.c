/*
 * xm_issue.c - crossmatch issue: hand units out at the bedside.
 *
 * A unit is issued only when all of these hold, else it is refused with
 * every reason code that applies:
 *   unknown-unit, unknown-patient   the DIN/product or patient is not known
 *   identity-mismatch               name or birth_date differs from the record
 *   already-issued                  the unit is out already
 *   not-reserved                    not reserved for this patient (request)
 *   expired                         expires_at at or before issued_at
 *   incompatible:CODE               compat_check refuses it (abo, rhd,
 *                                   antigen, requirement)
 *   no-crossmatch, crossmatch-incompatible, crossmatch-expired
 *                                   red cells and whole blood need a
 *                                   compatible crossmatch within the sample
 *                                   validity, unless released as emergency
 */
#include <string.h>

#include "xm.h"

/* Selection records (select output) are accepted too: their extra
 * columns are ignored. */
static const char *const cols[] = {
	"patient_id", "din", "product_code", "name", "birth_date",
	"request_id", "issued_at", "component", "abo", "rhd", "expires_at",
	"location", "match", "rank", "reasons", NULL
};
static const char *const required[] = {
	"patient_id", "din", "product_code", NULL
};
static const char *const out_cols[] = {
	"patient_id", "din", "product_code", "request_id", "issued_at",
	"issued", "reasons"
};

struct issue_state {
	const char *name, *birth_date;	/* --name, --birth-date */
	struct compat_rules rules;
	struct bb_writer *w;
	int refused;
};

struct reasons {
	char text[256];
};

static void add(struct reasons *r, const char *code)
{
	size_t len = strlen(r->text);

	snprintf(r->text + len, sizeof r->text - len, "%s%s", len ? ";" : "",
		 code);
}

/* Is the request an emergency release? */
static int request_emergency(struct bb_ctx *ctx, const char *request_id)
{
	sqlite3_stmt *st = bb_sql(ctx, "SELECT priority FROM requests "
				  "WHERE request_id = ?1", "s", request_id);
	int e = 0;

	if (st && bb_step(ctx, st) == SQLITE_ROW)
		e = !strcmp(bb_col_text(st, 0), "emergency");
	if (st)
		sqlite3_reset(st);
	return e;
}

/* The patient's latest crossmatch of this unit. */
static void check_crossmatch(struct bb_ctx *ctx, struct issue_state *s,
			     const char *pid, const struct bb_unit *u,
			     bb_time issued_at, struct reasons *r,
			     char *method, size_t n)
{
	sqlite3_stmt *st = bb_sql(ctx, "SELECT method, major, "
		"coalesce(minor, ''), at FROM crossmatches WHERE patient_id = ?1 "
		"AND din = ?2 AND product_code = ?3 ORDER BY at DESC, id DESC "
		"LIMIT 1", "sss", pid, u->din, u->product);
	const char *why;
	bb_time at;

	if (!st)
		return;
	if (bb_step(ctx, st) != SQLITE_ROW) {
		add(r, "no-crossmatch");
	} else if (strcmp(bb_col_text(st, 1), "compatible") ||
		   !strcmp(bb_col_text(st, 2), "incompatible")) {
		add(r, "crossmatch-incompatible");
	} else if (bb_parse_time(bb_col_text(st, 3), &at, &why) ||
		   bb_add_dur(at, s->rules.sample_validity, 1) < issued_at) {
		add(r, "crossmatch-expired");
	} else {
		bb_copy(method, n, bb_col_text(st, 0));
	}
	sqlite3_reset(st);
}

static const char *field_or(struct bb_reader *rd, struct bb_rec *rec,
			    const char *field, const char *dflt)
{
	const char *v = bb_get(rd, rec, field);
	return *v || !dflt ? v : dflt;
}

static int identity_ok(struct issue_state *s, struct bb_reader *rd,
		       struct bb_rec *rec, const struct xm_patient *x)
{
	const char *name = field_or(rd, rec, "name", s->name);
	const char *birth = field_or(rd, rec, "birth_date", s->birth_date);
	bb_time t;
	const char *why;
	char buf[11];

	if (*name && strcmp(name, x->name) && !bb_streq_ci(name, x->name))
		return 0;
	if (*birth && (bb_parse_date(birth, &t, &why) ||
		       strcmp(bb_fmt_date(t, buf), x->birth_date)))
		return 0;
	return 1;
}

static int do_issue(struct bb_ctx *ctx, const char *pid, const char *req,
		    const struct bb_unit *u, bb_time issued_at, int emergency,
		    const char *method)
{
	char reason[48];
	int rc;

	if (emergency)
		xm_fmt(reason, sizeof reason, "emergency-release");
	else if (*method)
		xm_fmt(reason, sizeof reason, "crossmatch:%s", method);
	else
		xm_fmt(reason, sizeof reason, "compatible");
	rc = bb_unit_set_status(ctx, u->din, u->product, "reserved", "issued",
				"issue", reason, *req ? req : pid);
	if (rc)
		return rc == BB_EROWS ? BB_ESYS : rc;
	if (bb_exec(ctx, "UPDATE units SET patient_id = ?3 WHERE din = ?1 "
		    "AND product_code = ?2", "sss", u->din, u->product, pid) ||
	    bb_exec(ctx, "INSERT INTO transfusions (din, product_code, "
		    "patient_id, request_id, issued_at, emergency) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "sssstI",
		    u->din, u->product, pid, req, issued_at, emergency))
		return BB_ESYS;
	return BB_OK;
}

static int issue_row(struct bb_ctx *ctx, struct bb_reader *rd,
		     struct bb_rec *rec, void *arg)
{
	struct issue_state *s = arg;
	const char *pid = bb_get(rd, rec, "patient_id");
	const char *din = bb_get(rd, rec, "din");
	const char *prod = bb_get(rd, rec, "product_code");
	const char *req = bb_get(rd, rec, "request_id");
	struct reasons r = { "" };
	struct xm_patient x;
	struct bb_unit u;
	bb_time at;
	const char *why;
	char at_s[17], method[16] = "";
	int k, emergency = 0;

	if (!*field_or(rd, rec, "name", s->name) &&
	    !*field_or(rd, rec, "birth_date", s->birth_date))
		return bb_reject(ctx, rd, rec, "name", "the second patient "
				 "identifier is missing: give name or "
				 "birth_date", NULL), BB_OK;
	if (xm_time_or_now(ctx, bb_get(rd, rec, "issued_at"), &at, &why))
		return bb_reject(ctx, rd, rec, "issued_at", why,
				 bb_get(rd, rec, "issued_at")), BB_OK;
	if (at > ctx->now)
		return bb_reject(ctx, rd, rec, "issued_at", "in the future",
				 bb_get(rd, rec, "issued_at")), BB_OK;
	bb_fmt_time(at, at_s);
	if ((k = bb_unit_load(ctx, din, prod, &u)) < 0)
		return BB_ESYS;
	if (!k)
		add(&r, "unknown-unit");
	if ((k = xm_patient_load(ctx, pid, at, &x)) < 0)
		return BB_ESYS;
	if (!k)
		add(&r, "unknown-patient");
	if (*u.din && *x.id) {
		if (!*req)
			req = u.reserved_for;
		emergency = *req && request_emergency(ctx, req);
		if (!identity_ok(s, rd, rec, &x))
			add(&r, "identity-mismatch");
		if (!strcmp(u.status, "issued") || !strcmp(u.status, "transfused"))
			add(&r, "already-issued");
		else if (strcmp(u.status, "reserved") || strcmp(u.patient_id, pid) ||
			 strcmp(u.reserved_for, req))
			add(&r, "not-reserved");
		if (u.expires <= at)
			add(&r, "expired");
		struct compat_unit cu;
		struct compat_query q = { at, 0, emergency };
		struct compat_result res;
		xm_unit_compat(&u, &cu);
		if (cu.expires <= at)	/* expiry is reported above */
			cu.expires = at + 60;
		if (!compat_check(&s->rules, &x.p, &cu, &q, &res)) {
			char code[64];
			xm_fmt(code, sizeof code, "incompatible:%s", res.code);
			add(&r, code);
		}
		if (!emergency && (!strcmp(u.component, "RBC") ||
				   !strcmp(u.component, "WB")))
			check_crossmatch(ctx, s, pid, &u, at, &r, method,
					 sizeof method);
	}
	const char *v[7] = { pid, din, prod, req, at_s, *r.text ? "no" : "yes",
			     *r.text ? r.text : (emergency ? "emergency-release"
							   : "ok") };
	if (*r.text) {
		s->refused++;
		bb_warn(ctx, "issue of unit '%s' to patient '%s' refused: %s",
			din, pid, r.text);
	} else if (do_issue(ctx, pid, req, &u, at, emergency, method)) {
		return BB_ESYS;
	}
	bb_writer_row(s->w, v);
	return BB_OK;
}

int xm_issue(struct bb_ctx *ctx, int argc, char **argv)
{
	struct issue_state s = { .refused = 0 };
	const struct bb_opt opts[] = {
		{ "name", 0, BB_ARG, &s.name, NULL,
		  "--name NAME       the patient's name, for rows without one" },
		{ "birth-date", 0, BB_ARG, &s.birth_date, NULL,
		  "--birth-date D    the patient's birth date, for rows without one" },
		BB_OPT_END
	};
	int first, rc;

	if ((rc = xm_begin(ctx, argc, argv, opts, &first, &s.rules)))
		return rc < 0 ? BB_OK : rc;
	rc = xm_each_record_out(ctx, argc, argv, first, cols, required,
				issue_row, &s, out_cols, 7, &s.w);
	compat_rules_free(&s.rules);
	if (rc == BB_OK && s.refused)
		rc = BB_EATTN;
	return xm_finish(ctx, rc);
}
