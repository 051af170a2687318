/*
 * stock_report.c - stock-report [report] and stock-report levels.
 *
 * Stock lines (Appendix A) per component x ABO x RhD [x site]: live units
 * by status, units expiring within 24 h and 72 h, mean daily issues over
 * the window, days of supply = available / issues per day, and the level
 * against rule_stock_targets.  Only live units are read (the partial
 * index units_live_group) and only the window's issue events, so the
 * cost follows the stock, not the history.  --at rebuilds the stock at a
 * past time from unit_events (that one reads the history up to then).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stock.h"

#define EXPIRY_EXPR(col) BB_SQL_EXPIRY(col)	/* a date alone: 23:59 */

/* ?1 by site, ?2 now, ?3 now+24h, ?4 now+72h */
static const char live_sql[] =
	"SELECT component, coalesce(abo, ''), coalesce(rhd, ''),"
	" CASE WHEN ?1 THEN coalesce(location, '') ELSE '' END, status,"
	" count(*), sum(" EXPIRY_EXPR("expires_at") " <= ?3),"
	" sum(" EXPIRY_EXPR("expires_at") " <= ?4)"
	" FROM %S.units"
	" WHERE status IN ('available','reserved','quarantine')"
	" AND " EXPIRY_EXPR("expires_at") " > ?2"
	" GROUP BY 1, 2, 3, 4, 5";

/* The same at a past time ?2: the status of each unit is the to_status of
 * its last event at or before then. */
static const char live_at_sql[] =
	"SELECT u.component, coalesce(u.abo, ''), coalesce(u.rhd, ''),"
	" CASE WHEN ?1 THEN coalesce(u.location, '') ELSE '' END, e.to_status,"
	" count(*), sum(" EXPIRY_EXPR("u.expires_at") " <= ?3),"
	" sum(" EXPIRY_EXPR("u.expires_at") " <= ?4)"
	" FROM %S.unit_events e JOIN %S.units u"
	" ON u.din = e.din AND u.product_code = e.product_code"
	" WHERE e.at <= ?2"
	" AND e.to_status IN ('available','reserved','quarantine')"
	" AND e.id = (SELECT x.id FROM %S.unit_events x"
	"  WHERE x.din = e.din AND x.product_code = e.product_code"
	"  AND x.at <= ?2 ORDER BY x.at DESC, x.id DESC LIMIT 1)"
	" AND " EXPIRY_EXPR("u.expires_at") " > ?2"
	" GROUP BY 1, 2, 3, 4, 5";

/* ?1 by site, ?2 window start (exclusive), ?3 end (inclusive) */
static const char issues_sql[] =
	"SELECT u.component, coalesce(u.abo, ''), coalesce(u.rhd, ''),"
	" CASE WHEN ?1 THEN coalesce(u.location, '') ELSE '' END, count(*)"
	" FROM %S.unit_events e JOIN %S.units u"
	" ON u.din = e.din AND u.product_code = e.product_code"
	" WHERE e.at > ?2 AND e.at <= ?3"
	" AND (e.event = 'issue' OR e.to_status = 'issued')"
	" GROUP BY 1, 2, 3, 4";

static void bind_time(sqlite3_stmt *st, int i, bb_time t)
{
	char buf[17];
	sqlite3_bind_text(st, i, bb_fmt_time(t, buf), -1, SQLITE_TRANSIENT);
}

static int add_live(struct bb_ctx *ctx, struct stock_report *rep,
		    const char *schema, bb_time at, int historic)
{
	sqlite3_stmt *st = stock_prepare(ctx, historic ? live_at_sql : live_sql,
					 schema);
	int rc;

	if (!st)
		return BB_ESYS;
	sqlite3_bind_int(st, 1, rep->by_site);
	bind_time(st, 2, at);
	bind_time(st, 3, at + BB_DAY);
	bind_time(st, 4, at + 3 * BB_DAY);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct stock_line *l = stock_line_get(rep,
			bb_col_text(st, 0), bb_col_text(st, 1),
			bb_col_text(st, 2), bb_col_text(st, 3), "");
		const char *status = bb_col_text(st, 4);
		long n = sqlite3_column_int64(st, 5);

		if (!strcmp(status, "available"))
			l->available += n;
		else if (!strcmp(status, "reserved"))
			l->reserved += n;
		else
			l->quarantine += n;
		l->exp24 += sqlite3_column_int64(st, 6);
		l->exp72 += sqlite3_column_int64(st, 7);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? BB_OK : bb_db_error(ctx, "stock");
}

static int add_issues(struct bb_ctx *ctx, struct stock_report *rep,
		      const char *schema, bb_time from, bb_time to)
{
	sqlite3_stmt *st = stock_prepare(ctx, issues_sql, schema);
	int rc;

	if (!st)
		return BB_ESYS;
	sqlite3_bind_int(st, 1, rep->by_site);
	bind_time(st, 2, from);
	bind_time(st, 3, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct stock_line *l = stock_line_get(rep,
			bb_col_text(st, 0), bb_col_text(st, 1),
			bb_col_text(st, 2), bb_col_text(st, 3), "");
		l->issues += sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? BB_OK : bb_db_error(ctx, "issues");
}

static void compute_days(struct stock_report *rep, double window_days)
{
	for (int i = 0; i < rep->n; i++) {
		struct stock_line *l = &rep->v[i];
		l->issues_per_day = window_days > 0 ? l->issues / window_days : 0;
		l->days = l->issues_per_day > 0 ?
			l->available / l->issues_per_day : -1;
	}
}

/* Checked before any work so that a typo costs nothing. */
int stock_format_check(struct bb_ctx *ctx)
{
	static const char *const ok[] =
		{ "text", "csv", "tsv", "json", "svg", "html", NULL };
	if (!ctx->format_arg)
		return BB_OK;
	for (int i = 0; ok[i]; i++)
		if (!strcmp(ctx->format_arg, ok[i]))
			return BB_OK;
	return bb_usage_error(ctx, "unknown format '%s': use text, csv, tsv,"
			      " json, svg or html", ctx->format_arg);
}

/* Levels, sort, output; --alert.  Targets from the database unless
 * `ts` is already loaded (levels without a database). */
static int finish(struct bb_ctx *ctx, struct stock_report *rep, int alert,
		  struct stock_targets *preloaded)
{
	struct stock_targets own = { 0 }, *tsp = preloaded ? preloaded : &own;
	int rc = preloaded ? BB_OK : stock_targets_load(ctx, &own);

	if (rc == BB_OK) {
		stock_report_levels(rep, tsp);
		stock_report_sort(rep);
		if (!preloaded)
			bb_rules_name(ctx, rep->rules);
		rc = stock_report_write(ctx, rep);
	}
	if (rc == BB_OK && alert && stock_report_any_critical(rep)) {
		for (int i = 0; i < rep->n; i++) {
			const struct stock_line *l = &rep->v[i];
			char d[32];
			if (l->level != LEVEL_CRITICAL)
				continue;
			bb_warn(ctx, "critical: %s %s %s%s%s: %s days of supply"
				" (below %g)", l->component, l->abo, l->rhd,
				*l->site ? " at " : "", l->site,
				stock_fmt_days(l->days, d),
				l->critical);
		}
		rc = BB_EATTN;
	}
	stock_targets_free(tsp);
	stock_report_free(rep);
	return rc;
}

int stock_cmd_report(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *window_arg = NULL, *at_arg = NULL;
	int by_site = 0, alert = 0, rc, nschema;
	struct bb_opt opts[] = {
		{ "window", 0, BB_ARG, &window_arg, NULL,
		  "--window DUR   mean daily issues over DUR (default 28d)" },
		{ "by-site", 0, BB_NOARG, NULL, &by_site,
		  "--by-site      one line per site (units.location)" },
		{ "at", 0, BB_ARG, &at_arg, NULL,
		  "--at TIME      stock as it was then, from unit_events" },
		{ "alert", 0, BB_NOARG, NULL, &alert,
		  "--alert        exit 4 when any line is critical" },
		BB_OPT_END
	};
	struct stock_report rep;
	struct bb_dur window = { 28, BB_DAYU };
	bb_time at, from;
	const char *why;

	rc = bb_args_no_files(ctx, argc, argv, opts, NULL);
	if (rc == -1)
		return BB_OK;
	if (rc != BB_OK)
		return rc;
	if ((rc = stock_format_check(ctx)) != BB_OK)
		return rc;
	if (window_arg && bb_parse_dur(window_arg, &window, &why) != 0)
		return bb_usage_error(ctx, "bad --window '%s': %s", window_arg,
				      why);
	at = ctx->now;
	if (at_arg && bb_parse_time(at_arg, &at, &why) != 0)
		return bb_usage_error(ctx, "bad --at '%s': %s", at_arg, why);
	from = bb_add_dur(at, window, -1);
	if (from >= at)
		return bb_usage_error(ctx, "bad --window '%s': must be longer"
				      " than zero", window_arg);

	memset(&rep, 0, sizeof rep);
	rep.by_site = by_site;
	rep.counts = 1;
	bb_fmt_time(at, rep.when);
	bb_fmt_dur(window, rep.window);

	if ((rc = bb_db_open(ctx, BB_DB_READ)) != BB_OK)
		return rc;
	if ((nschema = stock_attach(ctx)) < 0)
		return BB_ESYS;
	for (int i = 0; i < nschema && rc == BB_OK; i++) {
		char schema[16];
		stock_schema(i, schema);
		rc = add_live(ctx, &rep, schema, at, at_arg != NULL);
		if (rc == BB_OK)
			rc = add_issues(ctx, &rep, schema, from, at);
	}
	if (rc != BB_OK) {
		stock_report_free(&rep);
		return rc;
	}
	compute_days(&rep, (double)(at - from) / BB_DAY);
	return finish(ctx, &rep, alert, NULL);
}

/*
 * stock-report levels: days-of-supply figures (component, abo, rhd or a
 * whole group in abo, days_of_supply; optional date and site) through the
 * same level logic and output as the stock lines.  This is how published
 * figures (NHSBT's daily days of stock) are checked and charted.
 */
int stock_cmd_levels(struct bb_ctx *ctx, int argc, char **argv)
{
	static const char *const cols[] =
		{ "component", "abo", "rhd", "days_of_supply", "date", "site",
		  NULL };
	static const char *const req[] =
		{ "component", "abo", "days_of_supply", NULL };
	int alert = 0, first, rc;
	struct bb_opt opts[] = {
		{ "alert", 0, BB_NOARG, NULL, &alert,
		  "--alert        exit 4 when any line is critical" },
		BB_OPT_END
	};
	struct stock_report rep;
	struct stock_targets ts = { 0 }, *preloaded = NULL;

	rc = bb_args(ctx, argc, argv, opts, &first);
	if (rc == -1)
		return BB_OK;
	if (rc != BB_OK)
		return rc;
	if ((rc = stock_format_check(ctx)) != BB_OK)
		return rc;
	memset(&rep, 0, sizeof rep);
	bb_fmt_time(ctx->now, rep.when);
	/* The figures need only the target table: without a database, the
	 * profile's built-in one. */
	if (access(ctx->db_path, F_OK) != 0) {
		const char *profile = ctx->profile ? ctx->profile : "cn";
		if (stock_targets_builtin(ctx, profile, &ts) != BB_OK)
			return BB_ESYS;
		snprintf(rep.rules, sizeof rep.rules, "%s (built-in)", profile);
		preloaded = &ts;
	} else if ((rc = bb_db_open(ctx, BB_DB_READ)) != BB_OK) {
		return rc;
	}
	for (int i = first; i == first || i < argc; i++) {
		const char *path = i < argc ? argv[i] : "-";
		struct bb_reader *r = bb_reader_open(ctx, path);
		struct bb_rec *rec;
		int got = 0;

		if (!r) {
			stock_report_free(&rep);
			stock_targets_free(&ts);
			return BB_ESYS;
		}
		if (bb_reader_columns(r, cols, req) != BB_OK) {
			bb_reader_close(r);
			continue;
		}
		if (bb_reader_col(r, "date") >= 0)
			rep.dates = 1;
		if (bb_reader_col(r, "site") >= 0)
			rep.by_site = 1;
		while (!ctx->stop && (got = bb_reader_next(r, &rec)) == 1) {
			char abo[3], rhd[4];
			const char *comp = bb_get(r, rec, "component");
			const char *ds = bb_get(r, rec, "days_of_supply");
			double days;
			struct stock_line *l;

			if (stock_component_rank(comp) > 5) {
				bb_reject(ctx, r, rec, "component",
					  "not WB, RBC, PLT, FFP, FP or CRYO",
					  comp);
				continue;
			}
			if (bb_abo_from_rec(ctx, bb_get(r, rec, "abo"),
					    bb_get(r, rec, "rhd"), abo, rhd) != 0 ||
			    !*abo) {
				bb_reject(ctx, r, rec, "abo",
					  "not a blood group",
					  bb_get(r, rec, "abo"));
				continue;
			}
			if (!*ds)
				continue;	/* a gap in a published series */
			if (bb_parse_num(ds, 0, 1e6, &days) != 0) {
				bb_reject(ctx, r, rec, "days_of_supply",
					  "not a number of days >= 0", ds);
				continue;
			}
			l = stock_line_get(&rep, comp, abo, rhd,
					   bb_get(r, rec, "site"),
					   bb_get(r, rec, "date"));
			l->days = days;
		}
		bb_reader_close(r);
		if (got < 0) {
			stock_report_free(&rep);
			stock_targets_free(&ts);
			return BB_ESYS;
		}
	}
	rc = finish(ctx, &rep, alert, preloaded);
	if (rc == BB_OK && ctx->nrejected > 0)
		rc = BB_EROWS;
	return rc;
}
