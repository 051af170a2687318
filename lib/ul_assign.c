/*
 * ul_assign.c - `unit-label assign --facility FIN`: give the next DINs of
 * the facility's sequence to donations that have none.  The sequence is
 * per facility and (collection) year, advanced inside the batch's
 * BEGIN IMMEDIATE transaction, so two clerks never get the same number.
 */
#include <stdlib.h>
#include <string.h>

#include "ul.h"

static const char *const assign_cols[] = {
	"din", "check", "flags", "donor_id", "collected_at", "kind",
	"din_text", NULL
};

/* Is din already used by a donation or a unit (back-loaded data)? */
static int din_taken(struct bb_ctx *ctx, const char *din)
{
	return bb_exists(ctx, "SELECT 1 FROM donations WHERE din = ?1 UNION ALL "
			 "SELECT 1 FROM units WHERE din = ?1 LIMIT 1", "s", din);
}

/* Next free number of (fin, year) into din; BB_EROWS when exhausted. */
static int next_din(struct bb_ctx *ctx, const char *fin, int year,
		    char din[static ISBT_DIN_LEN + 1])
{
	for (;;) {
		sqlite3_stmt *st = bb_sql(ctx,
			"UPDATE din_sequences SET last = last + 1 "
			"WHERE facility = ?1 AND year = ?2 AND last < 999999 "
			"RETURNING last", "sI", fin, year);
		long n;
		int rc, taken;
		if (!st)
			return BB_ESYS;
		rc = bb_step(ctx, st);
		n = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
		if (rc == SQLITE_ROW)
			rc = bb_step(ctx, st);
		sqlite3_reset(st);
		if (rc < 0)
			return BB_ESYS;
		if (n < 0)
			return BB_EROWS;
		char buf[32];
		snprintf(buf, sizeof buf, "%.5s%02d%06d", fin, year % 100,
			 (int)(n % 1000000));
		memcpy(din, buf, ISBT_DIN_LEN + 1);
		if ((taken = din_taken(ctx, din)) < 0)
			return BB_ESYS;
		if (!taken)
			return BB_OK;
	}
}

int ul_assign(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *fin = NULL, *flags = "00", *site = NULL, *limit_s = NULL;
	const struct bb_opt opts[] = {
		{ "facility", 'f', BB_ARG, &fin, NULL,
		  "--facility FIN   facility identification number (5 characters)" },
		{ "flags", 0, BB_ARG, &flags, NULL,
		  "--flags FF       flag characters printed with the DIN: 00 (default), a type 1/2 pair, or 'check' (type 3)" },
		{ "site", 0, BB_ARG, &site, NULL,
		  "--site S         only donations collected at site S" },
		{ "limit", 0, BB_ARG, &limit_s, NULL,
		  "--limit N        at most N donations" },
		BB_OPT_END
	};
	struct isbt_err e;
	struct bb_writer *w;
	sqlite3_stmt *st;
	long limit = -1, done = 0;
	int first, rc, exhausted = 0;
	char msg[128];

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc < 0 ? BB_OK : rc;
	if (first < argc)
		return bb_usage_error(ctx, "assign takes no operands");
	if (!fin)
		return bb_usage_error(ctx, "assign needs --facility FIN");
	if (isbt_fin_check(fin, &e) < 0)
		return bb_usage_error(ctx, "--facility '%s': %s", fin,
				      isbt_err_fmt(&e, msg, sizeof msg));
	if (strcmp(flags, "check") &&
	    (strlen(flags) != 2 || isbt_flag_type(flags) == ISBT_FLAG_BAD ||
	     isbt_flag_type(flags) == ISBT_FLAG_3))
		return bb_usage_error(ctx, "--flags '%s': use 00-59 or 'check'",
				      flags);
	if (limit_s && bb_parse_int(limit_s, 1, 100000000, &limit) < 0)
		return bb_usage_error(ctx, "--limit '%s': not a count", limit_s);
	if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
		return rc;
	if (!(w = bb_writer_open(ctx, assign_cols, 7)))
		return BB_ESYS;
	if ((rc = bb_db_begin(ctx)) != BB_OK) {
		bb_writer_close(w);
		return rc;
	}
	/* Collect the work first: the UPDATEs below must not run while a
	 * SELECT over donations is open. */
	struct todo {
		char donor[64], at[17], kind[8], din[ISBT_DIN_LEN + 1];
	} *todo = NULL;
	size_t ntodo = 0;
	st = bb_sql(ctx, "SELECT donor_id, collected_at, kind FROM donations "
		    "WHERE din IS NULL AND (?1 IS NULL OR site = ?1) "
		    "ORDER BY collected_at, donor_id", "s", site);
	if (!st)
		rc = BB_ESYS;
	while (rc == BB_OK && (limit < 0 || (long)ntodo < limit)) {
		int s = bb_step(ctx, st);
		if (s != SQLITE_ROW) {
			if (s < 0)
				rc = BB_ESYS;
			break;
		}
		todo = bb_xrealloc(todo, (ntodo + 1) * sizeof *todo);
		todo[ntodo].din[0] = 0;
		snprintf(todo[ntodo].donor, sizeof todo[ntodo].donor, "%s",
			 bb_col_text(st, 0));
		snprintf(todo[ntodo].at, sizeof todo[ntodo].at, "%s",
			 bb_col_text(st, 1));
		snprintf(todo[ntodo].kind, sizeof todo[ntodo].kind, "%s",
			 bb_col_text(st, 2));
		ntodo++;
	}
	if (st)
		sqlite3_reset(st);
	for (size_t i = 0; rc == BB_OK && i < ntodo; i++) {
		char *din = todo[i].din;
		bb_time t;
		const char *why;
		int y, mo, d, h, mi, sec;
		if (bb_parse_time(todo[i].at, &t, &why) < 0) {
			bb_warn(ctx, "donation of donor '%s': collected_at "
				"'%s': %s", todo[i].donor, todo[i].at, why);
			ctx->nrejected++;
			continue;
		}
		bb_split_time(t, &y, &mo, &d, &h, &mi, &sec);
		if (bb_exec(ctx, "INSERT OR IGNORE INTO din_sequences "
			    "(facility, year, last) VALUES (?1, ?2, 0)", "sI",
			    fin, y) != BB_OK) {
			rc = BB_ESYS;
			break;
		}
		rc = next_din(ctx, fin, y, din);
		if (rc == BB_EROWS) {
			bb_err(ctx, "facility '%s' year %d: the sequence is used up "
			       "(999999); nothing was assigned", fin, y);
			exhausted = 1;
			rc = BB_ESYS;
			break;
		}
		if (rc != BB_OK)
			break;
		if (bb_exec(ctx, "UPDATE donations SET din = ?3 WHERE "
			    "donor_id = ?1 AND collected_at = ?2", "sss",
			    todo[i].donor, todo[i].at, din) != BB_OK) {
			rc = BB_ESYS;
			break;
		}
		done++;
	}
	if (exhausted) {
		free(todo);
		bb_db_rollback(ctx);
		bb_writer_close(w);
		return BB_ESYS;
	}
	/* Commit before printing: in `assign | make` the next command can
	 * only take the database once this batch is committed. */
	if (rc == BB_OK)
		rc = bb_db_commit(ctx);
	else
		bb_db_rollback(ctx);
	for (size_t i = 0; rc == BB_OK && i < ntodo; i++) {
		char k[2] = "", ff[3], text[24];
		const char *din = todo[i].din;
		if (!din[0])
			continue;
		k[0] = isbt_din_k(din);
		if (!strcmp(flags, "check"))
			isbt_flag3(din, ff);
		else
			snprintf(ff, sizeof ff, "%s", flags);
		isbt_din_text(din, text, sizeof text);
		const char *v[7] = { din, k, ff, todo[i].donor, todo[i].at,
				     todo[i].kind, text };
		bb_writer_row(w, v);
	}
	free(todo);
	bb_info(ctx, "%ld donations given DINs of facility %s", done, fin);
	int wrc = bb_writer_close(w);
	if (rc == BB_OK)
		rc = wrc;
	if (rc == BB_OK && ctx->nrejected)
		rc = BB_EROWS;
	return rc;
}
