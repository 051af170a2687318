/*
 * donor_export.c - donor-register export (donors, donations, deferrals,
 * results as the records of Appendix A; PII masked unless --show-pii) and
 * certificate (a donor's donation record).
 */
#include <string.h>

#include "donor.h"

struct export_kind {
	const char *name;
	const char *sql;	/* ?1, ?2: [from, to) on the record's time */
	const char *const *cols;
	int ncols;
	int natid_col, phone_col;	/* -1: none */
};

static const char *const donor_cols[] = {
	"donor_id", "national_id", "name", "sex", "birth_date", "abo", "rhd",
	"phone", "region", "registered"
};
static const char *const donation_cols[] = {
	"din", "donor_id", "collected_at", "kind", "volume_ml", "site",
	"hb_g_l", "weight_kg", "sbp", "dbp", "pulse", "temp_c"
};
static const char *const deferral_cols[] = {
	"donor_id", "code", "start", "until", "note"
};
static const char *const result_cols[] = {
	"din", "marker", "result", "tested_at"
};

static const char SQL_DONORS[] =
	"SELECT donor_id, national_id, name, sex, birth_date, abo, rhd, phone, "
	"region, registered FROM donors WHERE coalesce(registered, '') >= ?1 "
	"AND coalesce(registered, '') < ?2 ORDER BY donor_id";
static const char SQL_DONATIONS[] =
	"SELECT din, donor_id, collected_at, kind, volume_ml, site, hb_g_l, "
	"weight_kg, sbp, dbp, pulse, temp_c FROM donations "
	"WHERE collected_at >= ?1 AND collected_at < ?2 "
	"ORDER BY collected_at, donor_id";
static const char SQL_DEFERRALS[] =
	"SELECT donor_id, code, start, CASE WHEN permanent THEN 'permanent' "
	"ELSE until END, note FROM deferrals WHERE start >= ?1 AND start < ?2 "
	"ORDER BY donor_id, start, code";
static const char SQL_RESULTS[] =
	"SELECT din, marker, result, tested_at FROM test_results "
	"WHERE coalesce(tested_at, '') >= ?1 AND coalesce(tested_at, '') < ?2 "
	"ORDER BY din, marker, tested_at";

static const struct export_kind kinds[] = {
	{ "donors", SQL_DONORS, donor_cols, 10, 1, 7 },
	{ "donations", SQL_DONATIONS, donation_cols, 12, -1, -1 },
	{ "deferrals", SQL_DEFERRALS, deferral_cols, 5, -1, -1 },
	{ "results", SQL_RESULTS, result_cols, 4, -1, -1 },
};

/* Column text; numbers as the shortest decimal ("400", "37.5"). */
static const char *col(sqlite3_stmt *st, int i, char *buf, size_t n)
{
	if (sqlite3_column_type(st, i) == SQLITE_FLOAT)
		return bb_num_fmt(sqlite3_column_double(st, i), buf, n);
	return bb_col_text(st, i);
}

int donor_export(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *from_s = NULL, *to_s = NULL;
	const struct bb_opt opts[] = {
		{ "from", 0, BB_ARG, &from_s, NULL, "--from DATE       records from this day" },
		{ "to", 0, BB_ARG, &to_s, NULL, "--to DATE         records up to this day, included" },
		BB_OPT_END
	};
	const struct export_kind *k = NULL;
	bb_time from = bb_make_time(1, 1, 1, 0, 0, 0);
	bb_time to = bb_make_time(9999, 12, 31, 0, 0, 0);
	struct bb_writer *w;
	sqlite3_stmt *st;
	int first, rc;

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc;
	if (first + 1 != argc)
		return bb_usage_error(ctx, "export needs one of donors, "
				      "donations, deferrals, results");
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(argv[first], kinds[i].name))
			k = &kinds[i];
	if (!k)
		return bb_usage_error(ctx, "export '%s': want donors, donations, "
				      "deferrals or results", argv[first]);
	if ((from_s && donor_opt_date(ctx, "from", from_s, &from)) ||
	    (to_s && donor_opt_date(ctx, "to", to_s, &to)))
		return BB_EUSAGE;
	to = bb_day_start(to) + BB_DAY;
	if (bb_db_open(ctx, BB_DB_READ) != BB_OK)
		return BB_ESYS;
	char fb[11], tb[11];
	if (!(st = bb_sql(ctx, k->sql, "ss", bb_fmt_date(bb_day_start(from), fb),
			  bb_fmt_date(to, tb))))
		return BB_ESYS;
	if (!(w = bb_writer_open(ctx, k->cols, k->ncols))) {
		sqlite3_reset(st);
		return BB_ESYS;
	}
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		char buf[16][40], nid[64], ph[64];
		const char *row[16];

		for (int i = 0; i < k->ncols; i++)
			row[i] = col(st, i, buf[i], sizeof buf[i]);
		if (k->natid_col >= 0)
			row[k->natid_col] = bb_mask_natid(ctx, row[k->natid_col],
							  nid, sizeof nid);
		if (k->phone_col >= 0)
			row[k->phone_col] = bb_mask_phone(ctx, row[k->phone_col],
							  ph, sizeof ph);
		bb_writer_row(w, row);
	}
	sqlite3_reset(st);
	if (bb_writer_close(w) != BB_OK || rc != SQLITE_DONE)
		return BB_ESYS;
	return BB_OK;
}

static const char *const cert_cols[] = {
	"donor_id", "name", "donations", "volume_ml", "wb_donations",
	"plt_donations", "pls_donations", "drbc_donations", "first_donation",
	"last_donation"
};
static const char SQL_CERT[] =
	"SELECT d.donor_id, d.name, count(x.donor_id), "
	"coalesce(sum(x.volume_ml), 0), "
	"coalesce(sum(x.kind = 'WB'), 0), coalesce(sum(x.kind = 'PLT'), 0), "
	"coalesce(sum(x.kind = 'PLS'), 0), coalesce(sum(x.kind = 'DRBC'), 0), "
	"coalesce(substr(min(x.collected_at), 1, 10), ''), "
	"coalesce(substr(max(x.collected_at), 1, 10), '') "
	"FROM donors d LEFT JOIN donations x ON x.donor_id = d.donor_id "
	"WHERE d.donor_id = ?1 GROUP BY d.donor_id";

int donor_certificate(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *donor = NULL;
	const struct bb_opt opts[] = {
		{ "donor", 0, BB_ARG, &donor, NULL, "--donor ID        the donor (required)" },
		BB_OPT_END
	};
	struct bb_writer *w;
	sqlite3_stmt *st;
	int first, rc;

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc;
	if (!donor || first < argc)
		return bb_usage_error(ctx, "certificate needs --donor ID");
	if (bb_db_open(ctx, BB_DB_READ) != BB_OK ||
	    !(st = bb_sql(ctx, SQL_CERT, "s", donor)))
		return BB_ESYS;
	rc = bb_step(ctx, st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc < 0)
			return BB_ESYS;
		bb_err(ctx, "unknown donor '%s': see 'donor-register export "
		       "donors'", donor);
		return BB_EROWS;
	}
	char ml[40];
	const char *row[10];
	row[0] = bb_col_text(st, 0);
	row[1] = bb_col_text(st, 1);
	row[2] = bb_col_text(st, 2);
	row[3] = bb_num_fmt(sqlite3_column_double(st, 3), ml, sizeof ml);
	for (int i = 4; i < 10; i++)
		row[i] = bb_col_text(st, i);
	if (!(w = bb_writer_open(ctx, cert_cols, 10))) {
		sqlite3_reset(st);
		return BB_ESYS;
	}
	bb_writer_row(w, row);
	sqlite3_reset(st);
	return bb_writer_close(w);
}
