/*
 * ul_release.c - `unit-label release`: quarantined units become available
 * when every required marker (rule_markers.required = 1) has a negative
 * result for the donation and ABO/RhD are confirmed by test results that
 * agree with the unit.  Otherwise the unit stays in quarantine and the
 * reasons are said: missing:HIV, reactive:TP, mismatch:ABO:unit=A:test=B.
 */
#include <stdlib.h>
#include <string.h>

#include "ul.h"

struct release_args {
	struct bb_writer *w;
	long released, held;
};

static void add_reason(char *buf, size_t n, const char *fmt, const char *a,
		       const char *b, const char *c)
{
	size_t len = strlen(buf);
	if (len && len + 1 < n)
		buf[len++] = ';';
	snprintf(buf + len, n - len, fmt, a, b, c);
}

/* RhD in a test result: pos/neg in the usual spellings. */
static const char *rhd_result(struct bb_ctx *ctx, const char *s)
{
	static const char *const pos[] = { "pos", "positive", "+", "D+",
					   "RhD+", "阳性", "Rh+", NULL };
	static const char *const neg[] = { "neg", "negative", "-", "D-",
					   "RhD-", "阴性", "Rh-", NULL };
	char abo[3], rhd[4];
	for (int i = 0; pos[i]; i++)
		if (bb_streq_ci(s, pos[i]))
			return "pos";
	for (int i = 0; neg[i]; i++)
		if (bb_streq_ci(s, neg[i]))
			return "neg";
	if (bb_abo_parse(ctx, s, abo, rhd) == 0 && rhd[0])
		return !strcmp(rhd, "pos") ? "pos" : "neg";
	return "";
}

/* Reasons that hold the unit back ("" when it may be released). */
static int release_reasons(struct bb_ctx *ctx, const struct bb_unit *u,
			   char *why, size_t n)
{
	sqlite3_stmt *st;
	int rc, abo_req = 1, rhd_req = 1;
	bb_time exp;

	why[0] = 0;
	if (bb_unit_expiry(u->expires_at, &exp) == 0 && exp <= ctx->now)
		add_reason(why, n, "expired:%s%s%s", u->expires_at, "", "");
	/* the latest result of each required marker decides */
	st = bb_sql(ctx,
		"SELECT m.marker, t.result, t.reactive, t.id IS NOT NULL "
		"FROM rule_markers m LEFT JOIN test_results t "
		"ON t.din = ?1 AND t.marker = m.marker AND t.id = "
		"(SELECT id FROM test_results t2 WHERE t2.din = ?1 AND "
		"t2.marker = m.marker ORDER BY tested_at DESC, id DESC LIMIT 1) "
		"WHERE m.required = 1 ORDER BY m.rowid", "s", u->din);
	if (!st)
		return -1;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		const char *m = bb_col_text(st, 0), *res = bb_col_text(st, 1);
		int reactive = sqlite3_column_int(st, 2);
		int have = sqlite3_column_int(st, 3);
		if (bb_streq_ci(m, "ABO") || bb_streq_ci(m, "RhD")) {
			int is_abo = bb_streq_ci(m, "ABO");
			char abo[3] = "", rhd[4] = "";
			const char *got;
			if (is_abo)
				abo_req = 0;
			else
				rhd_req = 0;
			if (!have) {
				add_reason(why, n, "missing:%s%s%s", m, "", "");
				continue;
			}
			if (is_abo) {
				if (bb_abo_parse(ctx, res, abo, rhd) < 0)
					abo[0] = 0;
				got = abo;
			} else {
				got = rhd_result(ctx, res);
			}
			const char *want = is_abo ? u->abo : u->rhd;
			if (!*got || strcmp(got, want))
				add_reason(why, n, "mismatch:%s:unit=%s:test=%s",
					   m, *want ? want : "none",
					   *got ? got : res);
			continue;
		}
		if (!have)
			add_reason(why, n, "missing:%s%s%s", m, "", "");
		else if (reactive || bb_streq_ci(res, "pos") ||
			 bb_streq_ci(res, "reactive") ||
			 bb_streq_ci(res, "positive"))
			add_reason(why, n, "reactive:%s%s%s", m, "", "");
	}
	sqlite3_reset(st);
	if (rc < 0)
		return -1;
	/* ABO/RhD confirmation is required even when the table omits it */
	if (abo_req || rhd_req) {
		st = bb_sql(ctx, "SELECT marker, result FROM test_results "
			    "WHERE din = ?1 AND marker IN ('ABO','RhD') "
			    "ORDER BY tested_at DESC, id DESC", "s", u->din);
		char got_abo[3] = "", got_rhd[4] = "";
		int seen_abo = 0, seen_rhd = 0;
		while (st && (rc = bb_step(ctx, st)) == SQLITE_ROW) {
			char abo[3], rhd[4];
			if (!strcmp(bb_col_text(st, 0), "ABO") && !seen_abo) {
				seen_abo = 1;
				if (bb_abo_parse(ctx, bb_col_text(st, 1), abo, rhd) == 0)
					snprintf(got_abo, sizeof got_abo, "%s", abo);
			} else if (!seen_rhd) {
				seen_rhd = 1;
				snprintf(got_rhd, sizeof got_rhd, "%s",
					 rhd_result(ctx, bb_col_text(st, 1)));
			}
		}
		if (st)
			sqlite3_reset(st);
		if (abo_req && !seen_abo)
			add_reason(why, n, "missing:%s%s%s", "ABO", "", "");
		else if (abo_req && strcmp(got_abo, u->abo))
			add_reason(why, n, "mismatch:ABO:unit=%s:test=%s%s",
				   *u->abo ? u->abo : "none",
				   *got_abo ? got_abo : "?", "");
		if (rhd_req && !seen_rhd)
			add_reason(why, n, "missing:%s%s%s", "RhD", "", "");
		else if (rhd_req && strcmp(got_rhd, u->rhd))
			add_reason(why, n, "mismatch:RhD:unit=%s:test=%s%s",
				   *u->rhd ? u->rhd : "none",
				   *got_rhd ? got_rhd : "?", "");
	}
	return 0;
}

static int release_unit(struct bb_ctx *ctx, struct bb_unit *u,
			struct release_args *a)
{
	char why[512];
	int rc;

	if (release_reasons(ctx, u, why, sizeof why) < 0)
		return BB_ESYS;
	if (why[0]) {
		bb_warn(ctx, "unit '%s %s' held: %s", u->din, u->product, why);
		a->held++;
		return BB_OK;
	}
	rc = bb_unit_set_status(ctx, u->din, u->product, "quarantine",
				"available", "released", "tests:complete", NULL);
	if (rc == BB_EROWS) {
		bb_warn(ctx, "unit '%s %s' changed meanwhile", u->din, u->product);
		a->held++;
		return BB_OK;
	}
	if (rc != BB_OK)
		return rc;
	snprintf(u->status, sizeof u->status, "available");
	ul_unit_row(a->w, u);
	a->released++;
	return BB_OK;
}

static int release_row(struct bb_ctx *ctx, struct bb_reader *r,
		       struct bb_rec *rec, void *arg)
{
	struct bb_unit u;
	int rc;

	if ((rc = ul_rec_unit(ctx, r, rec, "quarantine", ", not in quarantine",
			      &u)) <= 0)
		return rc < 0 ? BB_ESYS : BB_OK;
	return release_unit(ctx, &u, arg);
}

static int release_all(struct bb_ctx *ctx, struct release_args *a)
{
	/* collect the keys first: releasing updates the rows we scan */
	struct key { char din[ISBT_DIN_LEN + 1], pc[ISBT_PRODUCT_LEN + 1]; } *k = NULL;
	size_t nk = 0;
	int rc = BB_OK;
	sqlite3_stmt *st = bb_sql(ctx, "SELECT din, product_code FROM units "
				  "WHERE status = 'quarantine' "
				  "ORDER BY din, product_code", "");
	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		k = bb_xrealloc(k, (nk + 1) * sizeof *k);
		snprintf(k[nk].din, sizeof k[nk].din, "%s", bb_col_text(st, 0));
		snprintf(k[nk].pc, sizeof k[nk].pc, "%s", bb_col_text(st, 1));
		nk++;
	}
	sqlite3_reset(st);
	rc = rc < 0 ? BB_ESYS : BB_OK;
	for (size_t i = 0; rc == BB_OK && i < nk; i++) {
		struct bb_unit u;
		int got = bb_unit_load(ctx, k[i].din, k[i].pc, &u);
		if (got < 0)
			rc = BB_ESYS;
		else if (got)
			rc = release_unit(ctx, &u, a);
	}
	free(k);
	return rc;
}

int ul_release(struct bb_ctx *ctx, int argc, char **argv)
{
	int all = 0, first, rc;
	const struct bb_opt opts[] = {
		{ "all", 'a', BB_NOARG, NULL, &all,
		  "--all          every unit in quarantine (no input)" },
		BB_OPT_END
	};
	struct release_args a = { NULL, 0, 0 };

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc < 0 ? BB_OK : rc;
	if (all && first < argc)
		return bb_usage_error(ctx, "give --all or files, not both");
	if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
		return rc;
	if (!(a.w = bb_writer_open(ctx, ul_unit_cols, UL_UNIT_NCOLS)))
		return BB_ESYS;
	if (all && (rc = bb_db_begin(ctx)) != BB_OK) {
		bb_writer_close(a.w);
		return rc;
	}
	if (all)
		rc = release_all(ctx, &a);
	else
		rc = ul_each_file(ctx, argc, argv, first, ul_unit_cols, NULL, 1,
				  release_row, &a);
	bb_info(ctx, "%ld released, %ld held", a.released, a.held);
	rc = ul_finish(ctx, rc, a.w);
	if (rc == BB_OK && a.held)
		rc = BB_EATTN;
	return rc;
}
