/*
 * ul_common.c - unit-label helpers: unit records, the product table,
 * attribute lists and expiry dating from rule_shelf_life.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ul.h"

const char *const ul_unit_cols[UL_UNIT_NCOLS + 1] = {
	"din", "product_code", "component", "abo", "rhd", "volume_ml",
	"units", "collected_at", "expires_at", "status", "location",
	"antigens", "attributes", NULL
};


int ul_unit_insert(struct bb_ctx *ctx, const struct bb_unit *u)
{
	sqlite3_stmt *st = bb_sql(ctx,
		"INSERT INTO units (din, product_code, component, abo, rhd, "
		"volume_ml, units, collected_at, expires_at, status, location, "
		"antigens, attributes, parent_din, parent_product, status_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, CAST(?6 AS REAL), CAST(?7 AS REAL), "
		"?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
		"ssssssssssssssst", u->din, u->product, u->component, u->abo,
		u->rhd, u->volume_ml, u->units, u->collected_at, u->expires_at,
		u->status, u->location, u->antigens, u->attributes,
		u->parent_din, u->parent_product, ctx->now);
	int rc;

	if (!st)
		return BB_ESYS;
	rc = bb_step(ctx, st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT)
		return BB_EROWS;
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

void ul_unit_row(struct bb_writer *w, const struct bb_unit *u)
{
	const char *v[UL_UNIT_NCOLS] = {
		u->din, u->product, u->component, u->abo, u->rhd,
		u->volume_ml, u->units, u->collected_at, u->expires_at,
		u->status, u->location, u->antigens, u->attributes
	};
	bb_writer_row(w, v);
}

int ul_rec_unit_key(struct bb_ctx *ctx, struct bb_reader *r,
		    struct bb_rec *rec, char din[static ISBT_DIN_LEN + 1],
		    char product[static ISBT_PRODUCT_LEN + 1])
{
	return ul_unit_key(ctx, r, rec, bb_get(r, rec, "din"),
			   bb_get(r, rec, "product_code"), din, product);
}

int ul_unit_key(struct bb_ctx *ctx, struct bb_reader *r, struct bb_rec *rec,
		const char *d, const char *p, char din[static ISBT_DIN_LEN + 1],
		char product[static ISBT_PRODUCT_LEN + 1])
{
	const char *given = p;
	struct isbt_err e;
	char msg[160];

	if (!*d) {
		bb_reject(ctx, r, rec, "din", "missing", NULL);
		return -1;
	}
	if (isbt_din_parse(d, din, NULL, &e) < 0) {
		bb_reject(ctx, r, rec, "din", isbt_err_fmt(&e, msg, sizeof msg), d);
		return -1;
	}
	if (!*p) {
		bb_reject(ctx, r, rec, "product_code", "missing", NULL);
		return -1;
	}
	if (p[0] == '=' && p[1] == '<')
		p += 2;
	if (isbt_product_check(p, strlen(p), 0, &e) < 0) {
		bb_reject(ctx, r, rec, "product_code",
			  isbt_err_fmt(&e, msg, sizeof msg), given);
		return -1;
	}
	memcpy(product, p, ISBT_PRODUCT_LEN + 1);
	return 0;
}

int ul_rec_unit(struct bb_ctx *ctx, struct bb_reader *r, struct bb_rec *rec,
		const char *statuses, const char *not, struct bb_unit *u)
{
	char din[ISBT_DIN_LEN + 1], pc[ISBT_PRODUCT_LEN + 1], why[64];
	int rc;

	if (ul_rec_unit_key(ctx, r, rec, din, pc) < 0)
		return 0;
	if ((rc = bb_unit_load(ctx, din, pc, u)) <= 0) {
		if (rc == 0)
			bb_reject(ctx, r, rec, "din", "no such unit", din);
		return rc;
	}
	if (!ul_attrs_has(statuses, u->status)) {
		snprintf(why, sizeof why, "unit is %s%s", u->status, not);
		bb_reject(ctx, r, rec, "din", why, din);
		return 0;
	}
	return 1;
}

/* ---- products ---- */

static double col_num(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		       ? -1 : sqlite3_column_double(st, i);
}

static void product_from(sqlite3_stmt *st, struct ul_product *p)
{
	bb_copy(p->code, sizeof p->code, bb_col_text(st, 0));
	bb_copy(p->component, sizeof p->component, bb_col_text(st, 1));
	bb_copy(p->attributes, sizeof p->attributes, bb_col_text(st, 2));
	bb_copy(p->additive, sizeof p->additive, bb_col_text(st, 3));
	bb_copy(p->desc_en, sizeof p->desc_en, bb_col_text(st, 4));
	bb_copy(p->desc_zh, sizeof p->desc_zh, bb_col_text(st, 5));
	p->volume_ml = col_num(st, 6);
	p->units = col_num(st, 7);
}

int ul_product_get(struct bb_ctx *ctx, const char *pdc, struct ul_product *p)
{
	char code[ISBT_PDC_LEN + 1];
	sqlite3_stmt *st;
	int rc;

	snprintf(code, sizeof code, "%s", pdc);
	st = bb_sql(ctx, "SELECT product_code, component, attributes, additive, "
		    "description_en, description_zh, volume_ml, units "
		    "FROM rule_products WHERE product_code = ?1", "s", code);
	if (!st)
		return -1;
	rc = bb_step(ctx, st);
	if (rc == SQLITE_ROW)
		product_from(st, p);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int ul_product_pick(struct bb_ctx *ctx, const char *component,
		    const char *attributes, const char *additive, double units,
		    struct ul_product *p)
{
	sqlite3_stmt *st = bb_sql(ctx,
		"SELECT product_code, component, attributes, additive, "
		"description_en, description_zh, volume_ml, units "
		"FROM rule_products WHERE component = ?1 "
		"AND IFNULL(attributes, '') = ?2 "
		"AND (?3 = '' OR additive IS NULL OR additive = ?3) "
		"ORDER BY product_code", "sSS", component, attributes, additive);
	struct ul_product cur;
	double best = INFINITY;
	int found = 0, rc;

	if (!st)
		return -1;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		product_from(st, &cur);
		/* exact size first, then a variable-size code, then the
		 * nearest size */
		double dist = units < 0 ? 0
			    : cur.units < 0 ? 0.001
			    : fabs(cur.units - units);
		if (dist < best) {
			best = dist;
			*p = cur;
			found = 1;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	return found;
}

/* ---- attributes ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ul_attrs_norm(const char *in, char *out, size_t n)
{
	char buf[512], *items[32], *save = NULL;
	int k = 0;
	size_t len = 0;

	snprintf(buf, sizeof buf, "%s", in ? in : "");
	for (char *t = strtok_r(buf, ";,", &save); t;
	     t = strtok_r(NULL, ";,", &save)) {
		t = bb_trim(t);
		if (!*t)
			continue;
		for (char *c = t; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if (k == 32)
			return -1;
		items[k++] = t;
	}
	qsort(items, (size_t)k, sizeof *items, cmp_str);
	out[0] = 0;
	for (int i = 0; i < k; i++) {
		if (i && !strcmp(items[i], items[i - 1]))
			continue;
		int r = snprintf(out + len, n - len, "%s%s", len ? ";" : "",
				 items[i]);
		if (r < 0 || (size_t)r >= n - len)
			return -1;
		len += (size_t)r;
	}
	return 0;
}

int ul_attrs_has(const char *attrs, const char *a)
{
	size_t n = strlen(a);
	for (const char *p = attrs; p && *p;) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !strncmp(p, a, n))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

int ul_attrs_add(char *attrs, size_t n, const char *a)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s;%s", attrs, a);
	return ul_attrs_norm(buf, attrs, n);
}

const char *ul_component(const char *s)
{
	static const char *const comps[] = { "WB", "RBC", "PLT", "FFP", "FP",
					     "CRYO" };
	for (size_t i = 0; i < sizeof comps / sizeof comps[0]; i++)
		if (bb_streq_ci(s, comps[i]))
			return comps[i];
	return NULL;
}

/* ---- expiry ---- */

/* Day-based dating ends at 23:59 of the last day (day 0 = the start
 * day); hour- and minute-based dating runs to the minute. */
static bb_time add_shelf(bb_time from, struct bb_dur d)
{
	if (d.unit == BB_MIN || d.unit == BB_HOUR)
		return bb_add_dur(from, d, 1);
	return bb_add_dur(bb_day_start(from), d, 1) + 23 * 3600 + 59 * 60;
}

int ul_expiry(struct bb_ctx *ctx, const char *component, const char *attrs,
	      const char *additive, bb_time collected, bb_time process,
	      bb_time original, bb_time *out, char *why, size_t nwhy)
{
	sqlite3_stmt *st = bb_sql(ctx,
		"SELECT attributes, additive, duration, basis FROM rule_shelf_life "
		"WHERE component = ?1 AND (additive = '*' OR additive = ?2) "
		"ORDER BY attributes, additive = '*'", "sS", component,
		additive ? additive : "");
	bb_time base = 0, attr = 0;
	int have_base = 0, have_attr = 0, rc;
	char base_why[96] = "", attr_why[96] = "", dur[24];

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		const char *a = bb_col_text(st, 0), *ad = bb_col_text(st, 1);
		const char *basis = bb_col_text(st, 3);
		struct bb_dur d;
		const char *e;
		if (bb_parse_dur(bb_col_text(st, 2), &d, &e) < 0) {
			sqlite3_reset(st);
			bb_err(ctx, "rule_shelf_life %s/%s: bad duration '%s': %s",
			       component, a, bb_col_text(st, 2), e);
			return BB_ESYS;
		}
		bb_fmt_dur(d, dur);
		if (!strcmp(a, "*")) {
			/* rows come specific additive first */
			if (have_base)
				continue;
			base = add_shelf(strcmp(basis, "process") ? collected
							: process, d);
			have_base = 1;
			snprintf(base_why, sizeof base_why, "shelf:%s:%s:%s",
				 component, strcmp(ad, "*") ? ad : "any", dur);
		} else if (ul_attrs_has(attrs, a)) {
			bb_time t;
			if (!strcmp(basis, "process")) {
				/* never outlives the original dating */
				bb_time cap = original ? original
					    : have_base ? base : 0;
				t = add_shelf(process, d);
				if (cap && cap < t)
					t = cap;
			} else {
				t = add_shelf(collected, d);
			}
			if (!have_attr || t < attr) {
				attr = t;
				snprintf(attr_why, sizeof attr_why,
					 "shelf:%s:%s:%s", component, a, dur);
			}
			have_attr = 1;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return BB_ESYS;
	if (original) {
		base = original;	/* the parent's dating carries over */
		have_base = 1;
		snprintf(base_why, sizeof base_why, "shelf:original");
	}
	if (have_attr) {
		*out = attr;
		snprintf(why, nwhy, "%s", attr_why);
		return BB_OK;
	}
	if (!have_base)
		return BB_EROWS;
	*out = base;
	snprintf(why, nwhy, "%s", base_why);
	return BB_OK;
}

/* ---- batch plumbing ---- */

int ul_each_file(struct bb_ctx *ctx, int argc, char **argv, int first,
		 const char *const *cols, const char *const *req, int txn,
		 bb_rec_fn fn, void *arg)
{
	static const char *const unit_req[] = { "din", "product_code", NULL };

	return bb_each_record(ctx, argc, argv, first, cols,
			      req ? req : unit_req, txn ? BB_EACH_BEGIN : 0,
			      fn, arg);
}

int ul_finish(struct bb_ctx *ctx, int rc, struct bb_writer *w)
{
	int wrc;

	if (rc == BB_OK && ctx->db && !sqlite3_get_autocommit(ctx->db))
		rc = bb_db_commit(ctx);
	else if (rc != BB_OK)
		bb_db_rollback(ctx);
	wrc = w ? bb_writer_close(w) : BB_OK;
	if (rc == BB_OK)
		rc = wrc;
	if (rc == BB_OK && ctx->nrejected)
		rc = BB_EROWS;
	return rc;
}
