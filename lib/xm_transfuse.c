/*
 * xm_transfuse.c - crossmatch transfuse (start, end, reaction) and
 * crossmatch return (back to available within the return window with the
 * cold chain kept, else discarded).
 */
#include <string.h>

#include "xm.h"

/* The open transfusion record of an issued unit: id, patient, issued_at,
 * started_at (0: not started).  1 found. */
struct tx {
	long long id;
	char patient_id[64], request_id[64];
	bb_time issued_at, started_at;
};

static int tx_load(struct bb_ctx *ctx, const char *din, const char *prod,
		   struct tx *t)
{
	sqlite3_stmt *st = bb_sql(ctx, "SELECT id, patient_id, "
		"coalesce(request_id, ''), issued_at, coalesce(started_at, '') "
		"FROM transfusions WHERE din = ?1 AND product_code = ?2 AND "
		"returned_at IS NULL ORDER BY id DESC LIMIT 1", "ss", din, prod);
	const char *why;
	int rc;

	memset(t, 0, sizeof *t);
	if (!st)
		return -1;
	rc = bb_step(ctx, st);
	if (rc == SQLITE_ROW) {
		t->id = sqlite3_column_int64(st, 0);
		bb_copy(t->patient_id, sizeof t->patient_id, bb_col_text(st, 1));
		bb_copy(t->request_id, sizeof t->request_id, bb_col_text(st, 2));
		if (bb_parse_time(bb_col_text(st, 3), &t->issued_at, &why))
			t->issued_at = 0;
		if (bb_parse_time(bb_col_text(st, 4), &t->started_at, &why))
			t->started_at = 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The open issue record of the unit a record names, issued to pid when
 * given; else the row is rejected.  1 found, 0 rejected, -1 error. */
static int rec_tx(struct bb_ctx *ctx, struct bb_reader *rd,
		  struct bb_rec *rec, const char *din, const char *prod,
		  const char *pid, struct tx *t)
{
	int k = tx_load(ctx, din, prod, t);

	if (k == 0)
		bb_reject(ctx, rd, rec, "din", "no issue record for the unit",
			  din);
	else if (k > 0 && *pid && strcmp(pid, t->patient_id))
		return bb_reject(ctx, rd, rec, "patient_id", "the unit was "
				 "issued to another patient", pid), 0;
	return k;
}

/* ---- transfuse ---- */

static const char *const tf_cols[] = {
	"din", "product_code", "patient_id", "started_at", "ended_at",
	"reaction", "severity", NULL
};
static const char *const tf_required[] = { "din", "product_code", NULL };
/* printed: the transfusion record as stored after the row */
static const char *const tf_out_cols[] = {
	"din", "product_code", "patient_id", "request_id", "issued_at",
	"started_at", "ended_at", "reaction", "severity", "status"
};
enum { TF_NOUT = sizeof tf_out_cols / sizeof tf_out_cols[0] };

struct tf_state {
	struct bb_writer *w;
	long count;
};

static const char *const reactions[] = {
	"none", "febrile", "allergic", "anaphylactic", "hemolytic-acute",
	"hemolytic-delayed", "taco", "trali", "septic", "hypotensive",
	"other", NULL
};
static const char *const severities[] = {
	"mild", "moderate", "severe", "life-threatening", "death", NULL
};

static int in_list(const char *v, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(v, list[i]))
			return 1;
	return 0;
}

static int opt_time(struct bb_ctx *ctx, struct bb_reader *rd,
		    struct bb_rec *rec, const char *field, bb_time *t)
{
	const char *v = bb_get(rd, rec, field), *why;

	*t = 0;
	if (!*v)
		return 0;
	if (bb_parse_time(v, t, &why))
		return bb_reject(ctx, rd, rec, field, why, v), -1;
	if (*t > ctx->now)
		return bb_reject(ctx, rd, rec, field, "in the future", v), -1;
	return 0;
}

/* Print transfusion `id` of unit din/prod as it now stands. */
static int tf_emit(struct bb_ctx *ctx, struct tf_state *s, const char *din,
		   const char *prod, long long id)
{
	sqlite3_stmt *st = bb_sql(ctx, "SELECT patient_id, "
		"coalesce(request_id, ''), coalesce(issued_at, ''), "
		"coalesce(started_at, ''), coalesce(ended_at, ''), "
		"coalesce(reaction, ''), coalesce(severity, '') "
		"FROM transfusions WHERE id = ?1", "i", (int64_t)id);
	const char *v[TF_NOUT];
	int rc;

	if (!st)
		return BB_ESYS;
	if ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		v[0] = din;
		v[1] = prod;
		for (int i = 0; i < 7; i++)
			v[2 + i] = bb_col_text(st, i);
		v[9] = "transfused";
		bb_writer_row(s->w, v);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? BB_OK : BB_ESYS;
}

static int transfuse_row(struct bb_ctx *ctx, struct bb_reader *rd,
			 struct bb_rec *rec, void *arg)
{
	const char *din = bb_get(rd, rec, "din");
	const char *prod = bb_get(rd, rec, "product_code");
	const char *pid = bb_get(rd, rec, "patient_id");
	const char *reaction = bb_get(rd, rec, "reaction");
	const char *severity = bb_get(rd, rec, "severity");
	bb_time start, end;
	struct bb_unit u;
	struct tx t;
	int k;
	struct tf_state *s = arg;

	if (opt_time(ctx, rd, rec, "started_at", &start) ||
	    opt_time(ctx, rd, rec, "ended_at", &end))
		return BB_OK;
	if (*reaction && !in_list(reaction, reactions))
		return bb_reject(ctx, rd, rec, "reaction", "want none, febrile, "
				 "allergic, anaphylactic, hemolytic-acute, "
				 "hemolytic-delayed, taco, trali, septic, "
				 "hypotensive or other", reaction), BB_OK;
	if (*severity && !in_list(severity, severities))
		return bb_reject(ctx, rd, rec, "severity", "want mild, moderate, "
				 "severe, life-threatening or death",
				 severity), BB_OK;
	if (*reaction && strcmp(reaction, "none") && !*severity)
		return bb_reject(ctx, rd, rec, "severity", "a reaction needs a "
				 "severity", NULL), BB_OK;
	if ((k = xm_rec_unit(ctx, rd, rec, din, prod, &u)) <= 0)
		return k < 0 ? BB_ESYS : BB_OK;
	if (strcmp(u.status, "issued") && strcmp(u.status, "transfused"))
		return bb_reject(ctx, rd, rec, "din", "unit is not issued",
				 u.status), BB_OK;
	if ((k = rec_tx(ctx, rd, rec, din, prod, pid, &t)) <= 0)
		return k < 0 ? BB_ESYS : BB_OK;
	/* no start given: the one on record, else now */
	if (!start)
		start = t.started_at ? t.started_at : ctx->now;
	if (end && end < (t.started_at ? t.started_at : start))
		return bb_reject(ctx, rd, rec, "ended_at", "before started_at",
				 bb_get(rd, rec, "ended_at")), BB_OK;
	if (start < t.issued_at)
		return bb_reject(ctx, rd, rec, "started_at", "before the unit "
				 "was issued", bb_get(rd, rec, "started_at")),
		       BB_OK;
	if (!strcmp(u.status, "issued")) {
		char reason[64];
		xm_fmt(reason, sizeof reason, "reaction:%s",
			 *reaction ? reaction : "none");
		if (bb_unit_set_status(ctx, din, prod, "issued", "transfused",
				       "transfuse", reason, t.patient_id))
			return BB_ESYS;
	}
	if (bb_exec(ctx, "UPDATE transfusions SET "
		    "started_at = coalesce(started_at, ?2), "
		    "reaction = coalesce(?3, reaction), "
		    "severity = coalesce(?4, severity) WHERE id = ?1", "itss",
		    (int64_t)t.id, start, reaction, severity))
		return BB_ESYS;
	if (end && bb_exec(ctx, "UPDATE transfusions SET ended_at = ?2 "
			   "WHERE id = ?1", "it", (int64_t)t.id, end))
		return BB_ESYS;
	if (*reaction && strcmp(reaction, "none"))
		bb_warn(ctx, "transfusion reaction '%s' (%s) to unit '%s' in "
			"patient '%s': report it to haemovigilance", reaction,
			severity, din, t.patient_id);
	s->count++;
	return tf_emit(ctx, s, din, prod, t.id);
}

int xm_transfuse(struct bb_ctx *ctx, int argc, char **argv)
{
	struct tf_state s = { 0 };
	int first, rc;

	rc = bb_args(ctx, argc, argv, NULL, &first);
	if (rc < 0)
		return BB_OK;
	if (rc)
		return rc;
	if (bb_db_open(ctx, BB_DB_WRITE))
		return BB_ESYS;
	rc = xm_each_record_out(ctx, argc, argv, first, tf_cols, tf_required,
				transfuse_row, &s, tf_out_cols, TF_NOUT, &s.w);
	rc = xm_finish(ctx, rc);
	if (rc != BB_ESYS)
		bb_info(ctx, "%ld transfusion%s recorded", s.count,
			s.count == 1 ? "" : "s");
	return rc;
}

/* ---- return ---- */

static const char *const rt_cols[] = {
	"din", "product_code", "returned_at", "cold_chain", "patient_id", NULL
};
static const char *const rt_required[] = { "din", "product_code", NULL };
static const char *const action_cols[] = {
	"din", "product_code", "from_status", "to_status", "reason", "at"
};

struct ret_state {
	struct compat_rules rules;
	struct bb_writer *w;
};

static void action(struct ret_state *s, const char *din, const char *prod,
		   const char *from, const char *to, const char *reason,
		   const char *at)
{
	const char *v[6] = { din, prod, from, to, reason, at };
	bb_writer_row(s->w, v);
}

static int return_row(struct bb_ctx *ctx, struct bb_reader *rd,
		      struct bb_rec *rec, void *arg)
{
	struct ret_state *s = arg;
	const char *din = bb_get(rd, rec, "din");
	const char *prod = bb_get(rd, rec, "product_code");
	const char *cold = bb_get(rd, rec, "cold_chain");
	const char *pid = bb_get(rd, rec, "patient_id");
	char reason[96], at_s[17], win[24], took[24];
	struct bb_unit u;
	struct tx t;
	bb_time at;
	int k, ok;

	if (strcmp(cold, "yes") && strcmp(cold, "no"))
		return bb_reject(ctx, rd, rec, "cold_chain", "say yes or no: "
				 "was the unit kept cold", cold), BB_OK;
	if (opt_time(ctx, rd, rec, "returned_at", &at))
		return BB_OK;
	if (!at)
		at = ctx->now;
	bb_fmt_time(at, at_s);
	if ((k = xm_rec_unit(ctx, rd, rec, din, prod, &u)) <= 0)
		return k < 0 ? BB_ESYS : BB_OK;
	if (strcmp(u.status, "issued"))
		return bb_reject(ctx, rd, rec, "din", "only an issued unit can "
				 "be returned; its status is", u.status), BB_OK;
	if ((k = rec_tx(ctx, rd, rec, din, prod, pid, &t)) <= 0)
		return k < 0 ? BB_ESYS : BB_OK;
	if (t.started_at)
		return bb_reject(ctx, rd, rec, "din", "the transfusion has "
				 "started: record it with 'crossmatch "
				 "transfuse'", din), BB_OK;
	if (at < t.issued_at)
		return bb_reject(ctx, rd, rec, "returned_at", "before the "
				 "unit was issued", at_s), BB_OK;
	bb_fmt_dur(s->rules.return_window, win);
	xm_fmt(took, sizeof took, "%lldm",
		 (long long)((at - t.issued_at) / 60));
	ok = at <= bb_add_dur(t.issued_at, s->rules.return_window, 1) &&
	     !strcmp(cold, "yes");
	if (bb_unit_set_status(ctx, din, prod, "issued", "returned", "return",
			       took, *t.request_id ? t.request_id
						   : t.patient_id) ||
	    bb_exec(ctx, "UPDATE transfusions SET returned_at = ?2 "
		    "WHERE id = ?1", "it", (int64_t)t.id, at))
		return BB_ESYS;
	action(s, din, prod, "issued", "returned", took, at_s);
	if (ok)
		xm_fmt(reason, sizeof reason, "return:within:%s<=%s", took,
			 win);
	else if (strcmp(cold, "yes"))
		xm_fmt(reason, sizeof reason, "return:cold-chain-broken");
	else
		xm_fmt(reason, sizeof reason, "return:late:%s>%s", took, win);
	if (bb_unit_set_status(ctx, din, prod, "returned",
			       ok ? "available" : "discarded",
			       ok ? "restock" : "discard", reason,
			       *t.request_id ? t.request_id : t.patient_id))
		return BB_ESYS;
	if (ok && bb_unit_unreserve(ctx, din, prod))
		return BB_ESYS;
	action(s, din, prod, "returned", ok ? "available" : "discarded", reason,
	       at_s);
	return BB_OK;
}

int xm_return(struct bb_ctx *ctx, int argc, char **argv)
{
	struct ret_state s;
	int first, rc;

	memset(&s, 0, sizeof s);
	if ((rc = xm_begin(ctx, argc, argv, NULL, &first, &s.rules)))
		return rc < 0 ? BB_OK : rc;
	rc = xm_each_record_out(ctx, argc, argv, first, rt_cols, rt_required,
				return_row, &s, action_cols, 6, &s.w);
	compat_rules_free(&s.rules);
	return xm_finish(ctx, rc);
}
