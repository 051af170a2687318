/*
 * sweep.c - expiry-sweep, the nightly job (SPEC 5.6).
 *
 * At ctx->now, in one transaction and in this order:
 *   1. units of donations with reactive results -> discarded
 *   2. quarantine/available/reserved units past expiry -> expired
 *   3. issued units whose expiry fell since the previous run: reported
 *   4. reservations older than the sample validity -> available
 *   5. --temps: storage excursions longer than the tolerance ->
 *      the units stored there at the time -> quarantine
 * then, with --within, the live units expiring soon (reason "due").
 *
 * Every step reads a partial index of the units that can be due
 * (units_live_expiry, units_reserved, units_issued_expiry), so the cost
 * follows what is due, not the history.  Output comes after the commit,
 * so what is printed is what was done; nothing at all when nothing was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stock.h"
#include "sweep.h"

void sweep_action_clear(struct sweep_action *x)
{
	free(x->din); free(x->product); free(x->from); free(x->to);
	free(x->reason); free(x->component); free(x->abo);
	free(x->rhd); free(x->location); free(x->expires);
	memset(x, 0, sizeof *x);
}

void sweep_actions_free(struct sweep_actions *a)
{
	for (int i = 0; i < a->n; i++)
		sweep_action_clear(&a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

struct sweep_action *sweep_action_add(struct sweep_actions *a,
				      sqlite3_stmt *st, const char *to,
				      const char *reason)
{
	struct sweep_action *x;

	BB_GROW(a->v, a->n, a->cap, 64);
	x = &a->v[a->n++];
	memset(x, 0, sizeof *x);
	x->din = bb_xstrdup(bb_col_text(st, 0));
	x->product = bb_xstrdup(bb_col_text(st, 1));
	x->from = bb_xstrdup(bb_col_text(st, 2));
	x->to = bb_xstrdup(to ? to : bb_col_text(st, 2));
	x->reason = bb_xstrdup(reason);
	x->component = bb_xstrdup(bb_col_text(st, 3));
	x->abo = bb_xstrdup(bb_col_text(st, 4));
	x->rhd = bb_xstrdup(bb_col_text(st, 5));
	x->location = bb_xstrdup(bb_col_text(st, 6));
	x->expires = bb_xstrdup(bb_col_text(st, 7));
	x->expiry = sweep_expiry_time(x->expires);
	return x;
}

int sweep_actions_apply(struct bb_ctx *ctx, struct sweep_actions *a,
			int from, const char *event, const char *ref)
{
	for (int i = from; i < a->n; i++) {
		struct sweep_action *x = &a->v[i];
		int rc = bb_unit_set_status(ctx, x->din, x->product, x->from,
					    x->to, event, x->reason, ref);
		if (rc == BB_ESYS)
			return rc;
		x->skip = rc != BB_OK;
	}
	return BB_OK;
}

bb_time sweep_expiry_time(const char *s)
{
	bb_time t;

	/* a date alone expires at its 23:59, as everywhere (bb_unit_expiry) */
	if (bb_unit_expiry(s, &t) != 0)
		return 0;	/* unreadable: treated as long expired */
	return t;
}

/* 1. Units of donations with a reactive result whose marker discards. */
static int step_reactive(struct bb_ctx *ctx, struct sweep_actions *a)
{
	static const char sql[] =
		"SELECT " SWEEP_UNIT_COLS
		" FROM units u INDEXED BY units_live_expiry"
		" WHERE status IN ('quarantine','available','reserved')"
		" AND EXISTS (SELECT 1 FROM test_results t"
		"  LEFT JOIN rule_markers m ON m.marker = t.marker"
		"  WHERE t.din = u.din AND t.reactive = 1"
		"  AND coalesce(m.discard, 1) = 1)"
		" ORDER BY din, product_code";
	static const char markers_sql[] =
		"SELECT DISTINCT t.marker FROM test_results t"
		" LEFT JOIN rule_markers m ON m.marker = t.marker"
		" WHERE t.din = ? AND t.reactive = 1"
		" AND coalesce(m.discard, 1) = 1 ORDER BY 1";
	sqlite3_stmt *st = bb_sql(ctx, sql, "");
	int rc, n0 = a->n;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		char reason[256] = "reactive:";
		sqlite3_stmt *m = bb_sql(ctx, markers_sql, "s",
					 bb_col_text(st, 0));
		int first = 1;
		if (!m)
			break;
		while (bb_step(ctx, m) == SQLITE_ROW) {
			size_t len = strlen(reason);
			snprintf(reason + len, sizeof reason - len, "%s%s",
				 first ? "" : "+", bb_col_text(m, 0));
			first = 0;
		}
		sqlite3_reset(m);
		sweep_action_add(a, st, "discarded", reason);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return BB_ESYS;
	/* change after reading: the statement above is done */
	return sweep_actions_apply(ctx, a, n0, "discard", NULL);
}

/* Expiry candidates by index range; the exact test is on the parsed
 * time (a date alone lasts through its day). */
static int step_expire(struct bb_ctx *ctx, struct sweep_actions *a)
{
	static const char sql[] =
		"SELECT " SWEEP_UNIT_COLS " FROM units"
		" WHERE status IN ('quarantine','available','reserved')"
		" AND expires_at <= ? ORDER BY expires_at, din, product_code";
	char now[17];
	sqlite3_stmt *st = bb_sql(ctx, sql, "s", bb_fmt_time(ctx->now, now));
	int rc, n0 = a->n;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		char reason[64];
		struct sweep_action *x;
		snprintf(reason, sizeof reason, "expired:%s",
			 bb_col_text(st, 7));
		x = sweep_action_add(a, st, "expired", reason);
		if (x->expiry > ctx->now)
			a->n--, sweep_action_clear(x);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return BB_ESYS;
	return sweep_actions_apply(ctx, a, n0, "expire", NULL);
}

/* The time of the latest earlier run, or 0. */
static bb_time last_run(struct bb_ctx *ctx)
{
	static const char sql[] =
		"SELECT max(at) FROM sweep_runs WHERE at <= ?";
	char now[17];
	sqlite3_stmt *st = bb_sql(ctx, sql, "s", bb_fmt_time(ctx->now, now));
	bb_time t = 0;
	const char *why;

	if (st && bb_step(ctx, st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		bb_parse_time(bb_col_text(st, 0), &t, &why);
	if (st)
		sqlite3_reset(st);
	return t;
}

/* 3. Issued units that expired since the last run: reported, unchanged. */
static int step_issued(struct bb_ctx *ctx, struct sweep_actions *a)
{
	static const char sql[] =
		"SELECT " SWEEP_UNIT_COLS " FROM units"
		" WHERE status = 'issued' AND expires_at <= ? AND expires_at > ?"
		" ORDER BY expires_at, din, product_code";
	char now[17], lo[17];
	bb_time last = last_run(ctx);
	sqlite3_stmt *st;
	int rc;

	/* a day earlier so that dates alone are caught; filtered below */
	if (last)
		bb_fmt_date(last - BB_DAY, lo);
	else
		lo[0] = '\0';
	st = bb_sql(ctx, sql, "sS", bb_fmt_time(ctx->now, now), lo);
	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		char reason[64];
		struct sweep_action *x;
		snprintf(reason, sizeof reason, "expired-issued:%s",
			 bb_col_text(st, 7));
		x = sweep_action_add(a, st, NULL, reason);
		if (x->expiry > ctx->now || (last && x->expiry <= last))
			a->n--, sweep_action_clear(x);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

/* 4. Reservations older than the sample validity go back to stock. */
static int step_reservations(struct bb_ctx *ctx, struct sweep_actions *a,
			     struct bb_dur validity)
{
	static const char sql[] =
		"SELECT " SWEEP_UNIT_COLS ", reserved_at, coalesce(reserved_for, '')"
		" FROM units WHERE status = 'reserved' AND reserved_at < ?"
		" ORDER BY reserved_at, din, product_code";
	char cut[17], vb[24];
	sqlite3_stmt *st;
	int rc, n0 = a->n;
	char **refs = NULL;

	bb_fmt_dur(validity, vb);
	st = bb_sql(ctx, sql, "s",
		    bb_fmt_time(bb_add_dur(ctx->now, validity, -1), cut));
	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		char reason[96];
		snprintf(reason, sizeof reason, "sample-validity:%s:reserved=%s",
			 vb, bb_col_text(st, 8));
		sweep_action_add(a, st, "available", reason);
		refs = bb_xrealloc(refs, (a->n - n0) * sizeof *refs);
		refs[a->n - n0 - 1] = bb_xstrdup(bb_col_text(st, 9));
	}
	sqlite3_reset(st);
	for (int i = n0; rc == SQLITE_DONE && i < a->n; i++) {
		struct sweep_action *x = &a->v[i];
		const char *ref = refs[i - n0];
		int r = bb_unit_release(ctx, x->din, x->product, x->reason,
					*ref ? ref : NULL);
		if (r == BB_ESYS) {
			rc = -1;
			break;
		}
		x->skip = r != BB_OK;
	}
	for (int i = 0; i < a->n - n0; i++)
		free(refs[i]);
	free(refs);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

/* Live units expiring within `within`, first-expiring first. */
static int expiry_cmp(const void *pa, const void *pb)
{
	const struct sweep_action *x = pa, *y = pb;
	int d;

	if (x->expiry != y->expiry)
		return x->expiry < y->expiry ? -1 : 1;
	if ((d = strcmp(x->din, y->din)) != 0)
		return d;
	return strcmp(x->product, y->product);
}

static int step_due(struct bb_ctx *ctx, struct sweep_actions *a,
		    bb_time until)
{
	static const char sql[] =
		"SELECT " SWEEP_UNIT_COLS " FROM units"
		" WHERE status IN ('quarantine','available','reserved')"
		" AND expires_at > ? AND expires_at <= ?";
	char lo[11], hi[17];
	sqlite3_stmt *st = bb_sql(ctx, sql, "ss",
				  bb_fmt_date(ctx->now - BB_DAY, lo),
				  bb_fmt_time(until, hi));
	int rc, n0 = a->n;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		struct sweep_action *x = sweep_action_add(a, st, NULL, "due");
		if (x->expiry <= ctx->now || x->expiry > until)
			a->n--, sweep_action_clear(x);
	}
	sqlite3_reset(st);
	if (a->n - n0 > 1)
		qsort(a->v + n0, a->n - n0, sizeof *a->v, expiry_cmp);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

static int record_run(struct bb_ctx *ctx, int nactions)
{
	static const char sql[] =
		"INSERT INTO sweep_runs (at, actor, actions) VALUES (?, ?, ?)"
		" ON CONFLICT (at) DO UPDATE SET actor = excluded.actor,"
		" actions = actions + excluded.actions";
	char now[17];

	return bb_exec(ctx, sql, "ssI", bb_fmt_time(ctx->now, now),
		       ctx->user, nactions);
}

static int write_actions(struct bb_ctx *ctx, const struct sweep_actions *a)
{
	static const char *const cols[] =
		{ "din", "product_code", "from_status", "to_status", "reason",
		  "at", "component", "abo", "rhd", "location", "expires_at" };
	struct bb_writer *w = NULL;
	char now[17];

	bb_fmt_time(ctx->now, now);
	for (int i = 0; i < a->n; i++) {
		const struct sweep_action *x = &a->v[i];
		const char *vals[11] = { x->din, x->product, x->from, x->to,
			x->reason, now, x->component, x->abo, x->rhd,
			x->location, x->expires };
		if (x->skip)
			continue;
		if (!w && !(w = bb_writer_open(ctx, cols, 11)))
			return BB_ESYS;
		bb_writer_row(w, vals);
	}
	return w ? bb_writer_close(w) : BB_OK;
}

static int count_done(const struct sweep_actions *a)
{
	int n = 0;
	for (int i = 0; i < a->n; i++)
		n += !a->v[i].skip && strcmp(a->v[i].reason, "due") != 0 &&
		     strcmp(a->v[i].from, a->v[i].to) != 0;
	return n;
}

int sweep_cmd_run(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *within_arg = NULL, *temps_arg = NULL, *tol_arg = NULL;
	struct bb_opt opts[] = {
		{ "within", 0, BB_ARG, &within_arg, NULL,
		  "--within DUR      then list live units expiring within DUR" },
		{ "temps", 0, BB_ARG, &temps_arg, NULL,
		  "--temps FILE      temperature records: quarantine after"
		  " excursions" },
		{ "tolerance", 0, BB_ARG, &tol_arg, NULL,
		  "--tolerance DUR   excursions up to DUR are tolerated"
		  " (default: rule setting temp_tolerance, 30m)" },
		BB_OPT_END
	};
	struct sweep_actions acts = { 0 };
	struct bb_dur within = { 0, BB_HOUR }, validity, tolerance;
	char buf[64];
	const char *why;
	int rc;

	rc = bb_args_no_files(ctx, argc, argv, opts,
			      "give temperature files with --temps");
	if (rc == -1)
		return BB_OK;
	if (rc != BB_OK)
		return rc;
	if (within_arg && bb_parse_dur(within_arg, &within, &why) != 0)
		return bb_usage_error(ctx, "bad --within '%s': %s", within_arg,
				      why);
	if (within_arg && within.n <= 0)
		return bb_usage_error(ctx, "bad --within '%s': must be longer"
				      " than zero", within_arg);
	if (tol_arg && bb_parse_dur(tol_arg, &tolerance, &why) != 0)
		return bb_usage_error(ctx, "bad --tolerance '%s': %s", tol_arg,
				      why);

	if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
		return rc;
	if (bb_parse_dur(bb_setting(ctx, "sample_validity", "3d", buf,
				    sizeof buf), &validity, &why) != 0) {
		bb_err(ctx, "rule setting sample_validity '%s': %s; fix it"
		       " with 'bloodbank rules import settings'", buf, why);
		return BB_ESYS;
	}
	if (!tol_arg && bb_parse_dur(bb_setting(ctx, "temp_tolerance", "30m",
						buf, sizeof buf),
				     &tolerance, &why) != 0) {
		bb_err(ctx, "rule setting temp_tolerance '%s': %s", buf, why);
		return BB_ESYS;
	}
	if ((rc = bb_db_begin(ctx)) != BB_OK)
		return rc;
	rc = step_reactive(ctx, &acts);
	if (rc == BB_OK)
		rc = step_expire(ctx, &acts);
	if (rc == BB_OK)
		rc = step_issued(ctx, &acts);
	if (rc == BB_OK)
		rc = step_reservations(ctx, &acts, validity);
	if (rc == BB_OK && temps_arg)
		rc = sweep_temps(ctx, &acts, temps_arg, tolerance);
	if (rc == BB_OK && within_arg)
		rc = step_due(ctx, &acts, bb_add_dur(ctx->now, within, 1));
	if (rc == BB_OK)
		rc = record_run(ctx, count_done(&acts));
	if (rc != BB_OK) {
		bb_db_rollback(ctx);
		sweep_actions_free(&acts);
		return BB_ESYS;
	}
	if (ctx->stop) {	/* --strict and a bad temperature row */
		bb_db_rollback(ctx);
		sweep_actions_free(&acts);
		return BB_EROWS;
	}
	if ((rc = bb_db_commit(ctx)) != BB_OK) {
		sweep_actions_free(&acts);
		return rc;
	}
	rc = write_actions(ctx, &acts);
	sweep_actions_free(&acts);
	if (rc == BB_OK && ctx->nrejected > 0)
		rc = BB_EROWS;
	return rc;
}
