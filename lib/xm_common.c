/*
 * xm_common.c - crossmatch: rules, patients and units from the database.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xm.h"

void xm_fmt(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}


/* One SQL text per table: the statement cache is keyed by the pointer. */
static const struct { const char *table, *sql; } rule_sql[] = {
	{ "compat", "SELECT * FROM rule_compat" },
	{ "rhd", "SELECT * FROM rule_rhd" },
	{ "antibodies", "SELECT * FROM rule_antibodies" },
	{ "antigen_freq", "SELECT * FROM rule_antigen_freq" },
	{ "emergency_order", "SELECT * FROM rule_emergency_order" },
	{ "requirements", "SELECT * FROM rule_requirements" },
	{ "settings", "SELECT * FROM rule_settings" },
	{ NULL, NULL }
};

static int load_table(struct bb_ctx *ctx, struct compat_rules *r,
		      const char *table, const char *sql)
{
	sqlite3_stmt *st = bb_sql(ctx, sql, "");
	const char *cols[16], *vals[16], *why = NULL;
	int n, rc;

	if (!st)
		return BB_ESYS;
	n = sqlite3_column_count(st);
	if (n > 16)
		n = 16;
	for (int i = 0; i < n; i++)
		cols[i] = sqlite3_column_name(st, i);
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			vals[i] = bb_col_text(st, i);
		if (compat_rules_add(r, table, n, cols, vals, &why)) {
			bb_err(ctx, "rule table 'rule_%s': %s: '%s': fix it "
			       "with 'bloodbank rules import %s'", table, why,
			       vals[0], table);
			sqlite3_reset(st);
			return BB_ESYS;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

int xm_rules_load(struct bb_ctx *ctx, struct compat_rules *r)
{
	compat_rules_init(r);
	for (int i = 0; rule_sql[i].table; i++)
		if (load_table(ctx, r, rule_sql[i].table, rule_sql[i].sql)) {
			compat_rules_free(r);
			return BB_ESYS;
		}
	if (!r->nabo || !r->nrhd)
		bb_warn(ctx, "rule tables 'rule_compat'/'rule_rhd' are empty: "
			"every unit will be refused");
	return BB_OK;
}

int xm_rules_load_csv(struct bb_ctx *ctx, struct compat_rules *r,
		      const char *table, const char *name, const void *data,
		      size_t len, const char **why)
{
	const char *const *cols = compat_rules_columns(table);
	const char *vals[8];
	long rejected = ctx->nrejected;
	struct bb_reader *rd;
	struct bb_rec *rec;
	int n = 0, got = 0, rc = 0;

	if (!cols)
		return *why = "not a crossmatch rule table", -1;
	while (cols[n])
		n++;
	if (!(rd = bb_reader_open_mem(ctx, name, data, len)))
		return *why = "cannot read the table", -1;
	if (bb_reader_columns(rd, cols, NULL) != BB_OK)
		rc = -1, *why = "bad header";
	while (!rc && (got = bb_reader_next(rd, &rec)) == 1) {
		for (int i = 0; i < n; i++)
			vals[i] = bb_get(rd, rec, cols[i]);
		rc = compat_rules_add(r, table, n, cols, vals, why);
	}
	bb_reader_close(rd);
	if (!rc && (got < 0 || ctx->nrejected != rejected))
		rc = -1, *why = "malformed CSV row";
	return rc;
}

static void split_into(const char *list, char out[][COMPAT_NAME], int *n)
{
	int k;
	char **items = bb_split_list(list, &k);

	*n = 0;
	for (int i = 0; i < k; i++)
		if (*items[i])
			compat_list_add(out, n, items[i]);
	free(items);
}

int xm_patient_load(struct bb_ctx *ctx, const char *id, bb_time at,
		    struct xm_patient *out)
{
	static const char sql[] =
		"SELECT patient_id, name, sex, birth_date, abo, rhd, "
		"abo_checks, antibodies, requirements, screen "
		"FROM patients WHERE patient_id = ?1";
	sqlite3_stmt *st = bb_sql(ctx, sql, "s", id);
	struct compat_patient *p = &out->p;
	bb_time birth;
	const char *why;
	int rc;

	memset(out, 0, sizeof *out);
	p->age = -1;
	if (!st)
		return -1;
	rc = bb_step(ctx, st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	bb_copy(out->id, sizeof out->id, bb_col_text(st, 0));
	bb_copy(out->name, sizeof out->name, bb_col_text(st, 1));
	p->sex = *bb_col_text(st, 2);
	bb_copy(out->birth_date, sizeof out->birth_date, bb_col_text(st, 3));
	if (*out->birth_date && !bb_parse_date(out->birth_date, &birth, &why))
		p->age = bb_age_years(birth, at);
	bb_copy(p->abo, sizeof p->abo, bb_col_text(st, 4));
	bb_copy(p->rhd, sizeof p->rhd, bb_col_text(st, 5));
	p->abo_checks = sqlite3_column_int(st, 6);
	split_into(bb_col_text(st, 7), p->antibodies, &p->nantibodies);
	split_into(bb_col_text(st, 8), p->requirements, &p->nrequirements);
	bb_copy(p->screen, sizeof p->screen, bb_col_text(st, 9));
	sqlite3_reset(st);
	return 1;
}

int xm_rec_unit(struct bb_ctx *ctx, struct bb_reader *rd, struct bb_rec *rec,
		const char *din, const char *prod, struct bb_unit *u)
{
	int k = bb_unit_load(ctx, din, prod, u);

	if (k == 0)
		bb_reject(ctx, rd, rec, "din",
			  "unknown unit (din and product_code)", din);
	return k;
}

void xm_unit_compat(const struct bb_unit *x, struct compat_unit *u)
{
	u->component = x->component;
	u->abo = x->abo;
	u->rhd = x->rhd;
	u->expires = x->expires;
	u->antigens = x->antigens;
	u->attributes = x->attributes;
}

int xm_unit_sole_product(struct bb_ctx *ctx, const char *din, char *out,
			 size_t n)
{
	static const char sql[] =
		"SELECT product_code FROM units WHERE din = ?1 LIMIT 2";
	sqlite3_stmt *st = bb_sql(ctx, sql, "s", din);
	int found = 0;

	if (!st)
		return -1;
	while (bb_step(ctx, st) == SQLITE_ROW) {
		if (!found)
			bb_copy(out, n, bb_col_text(st, 0));
		found++;
	}
	sqlite3_reset(st);
	return found == 1;
}

int xm_time_or_now(struct bb_ctx *ctx, const char *s, bb_time *t,
		   const char **why)
{
	if (!s || !*s) {
		*t = ctx->now;
		return 0;
	}
	return bb_parse_time(s, t, why);
}

int xm_each_record(struct bb_ctx *ctx, int argc, char **argv, int first,
		   const char *const *cols, const char *const *required,
		   bb_rec_fn row, void *arg)
{
	/* `select --reserve | issue`: no lock while waiting for input */
	return bb_each_record(ctx, argc, argv, first, cols, required,
			      BB_EACH_BEGIN, row, arg);
}

int xm_begin(struct bb_ctx *ctx, int argc, char **argv,
	     const struct bb_opt *opts, int *first, struct compat_rules *r)
{
	int rc = bb_args(ctx, argc, argv, opts, first);

	if (rc)
		return rc;
	if (bb_db_open(ctx, BB_DB_WRITE) || xm_rules_load(ctx, r))
		return BB_ESYS;
	return BB_OK;
}

int xm_each_record_out(struct bb_ctx *ctx, int argc, char **argv, int first,
		       const char *const *cols, const char *const *required,
		       bb_rec_fn row, void *arg, const char *const *out_cols,
		       int nout, struct bb_writer **w)
{
	int rc;

	if (!(*w = bb_writer_open(ctx, out_cols, nout)))
		return BB_ESYS;
	rc = xm_each_record(ctx, argc, argv, first, cols, required, row, arg);
	if (bb_writer_close(*w) && rc == BB_OK)
		rc = BB_ESYS;
	*w = NULL;
	return rc;
}

int xm_finish(struct bb_ctx *ctx, int rc)
{
	if (rc == BB_ESYS) {
		bb_db_rollback(ctx);
		return rc;
	}
	if (!sqlite3_get_autocommit(ctx->db) && bb_db_commit(ctx))
		return BB_ESYS;
	if (ctx->nrejected)
		rc = BB_EROWS;	/* bad input first, then attention */
	return rc;
}
