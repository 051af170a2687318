/*
 * ul_products.c - `unit-label products export|import`: the product code
 * table.  ICCBBA's Product Description Code database is licensed, so the
 * built-in table holds local codes; a licensee imports theirs here.
 */
#include <string.h>

#include "ul.h"

static const char *const prod_cols[] = {
	"product_code", "component", "attributes", "additive",
	"description_en", "description_zh", "volume_ml", "units", "source",
	NULL
};
static const char *const prod_req[] = { "product_code", "component",
					"description_en", NULL };

static int products_export(struct bb_ctx *ctx)
{
	struct bb_writer *w;
	sqlite3_stmt *st;
	int rc;

	if ((rc = bb_db_open(ctx, BB_DB_READ)) != BB_OK)
		return rc;
	if (!(w = bb_writer_open(ctx, prod_cols, 9)))
		return BB_ESYS;
	st = bb_sql(ctx, "SELECT product_code, component, attributes, additive, "
		    "description_en, description_zh, volume_ml, units, source "
		    "FROM rule_products ORDER BY product_code", "");
	while (st && (rc = bb_step(ctx, st)) == SQLITE_ROW) {
		char vol[24], units[24];
		const char *v[9];
		for (int i = 0; i < 9; i++)
			v[i] = bb_col_text(st, i);
		bb_col_num(st, 6, vol, sizeof vol);
		bb_col_num(st, 7, units, sizeof units);
		v[6] = vol;
		v[7] = units;
		bb_writer_row(w, v);
	}
	if (st)
		sqlite3_reset(st);
	int wrc = bb_writer_close(w);
	return !st || rc < 0 ? BB_ESYS : wrc;
}

static int import_row(struct bb_ctx *ctx, struct bb_reader *r,
		      struct bb_rec *rec, void *arg)
{
	const char *code = bb_get(r, rec, "product_code");
	const char *comp = ul_component(bb_get(r, rec, "component"));
	char full[16], attrs[256], msg[160];
	struct isbt_err e;
	double vol = -1, units = -1;
	const char *v;

	snprintf(full, sizeof full, "%sV00", code);
	if (strlen(code) != ISBT_PDC_LEN ||
	    isbt_product_check(full, strlen(full), 0, &e) < 0) {
		bb_reject(ctx, r, rec, "product_code", strlen(code) != ISBT_PDC_LEN
			  ? "a product description code has 5 characters"
			  : isbt_err_fmt(&e, msg, sizeof msg), code);
		return BB_OK;
	}
	if (!comp) {
		bb_reject(ctx, r, rec, "component",
			  "not one of WB, RBC, PLT, FFP, FP, CRYO",
			  bb_get(r, rec, "component"));
		return BB_OK;
	}
	if (ul_attrs_norm(bb_get(r, rec, "attributes"), attrs, sizeof attrs) < 0) {
		bb_reject(ctx, r, rec, "attributes", "too long", NULL);
		return BB_OK;
	}
	if (!*bb_get(r, rec, "description_en")) {
		bb_reject(ctx, r, rec, "description_en", "missing", NULL);
		return BB_OK;
	}
	v = bb_get(r, rec, "volume_ml");
	if (*v && bb_parse_num(v, 0.1, 5000, &vol) < 0) {
		bb_reject(ctx, r, rec, "volume_ml", "not a volume in ml", v);
		return BB_OK;
	}
	v = bb_get(r, rec, "units");
	if (*v && bb_parse_num(v, 0.1, 100, &units) < 0) {
		bb_reject(ctx, r, rec, "units", "not a number of units", v);
		return BB_OK;
	}
	char vs[24] = "", us[24] = "";
	if (vol > 0)
		bb_num_fmt(vol, vs, sizeof vs);
	if (units > 0)
		bb_num_fmt(units, us, sizeof us);
	if (bb_exec(ctx, "INSERT OR REPLACE INTO rule_products (product_code, "
		    "component, attributes, additive, description_en, "
		    "description_zh, volume_ml, units, source) VALUES (?1, ?2, "
		    "?3, ?4, ?5, ?6, CAST(?7 AS REAL), CAST(?8 AS REAL), ?9)",
		    "sssssssss", code, comp, attrs, bb_get(r, rec, "additive"),
		    bb_get(r, rec, "description_en"),
		    bb_get(r, rec, "description_zh"), vs, us,
		    bb_get(r, rec, "source")) != BB_OK)
		return BB_ESYS;
	(*(long *)arg)++;
	return BB_OK;
}

static int products_import(struct bb_ctx *ctx, int argc, char **argv,
			   int first, int replace)
{
	long n = 0;
	int rc;

	if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
		return rc;
	/* --replace: the DELETE and the rows are one transaction */
	if (replace && (rc = bb_db_begin(ctx)) != BB_OK)
		return rc;
	if (replace && bb_exec(ctx, "DELETE FROM rule_products", "") != BB_OK) {
		bb_db_rollback(ctx);
		return BB_ESYS;
	}
	rc = ul_each_file(ctx, argc, argv, first, prod_cols, prod_req, 1,
			  import_row, &n);
	rc = ul_finish(ctx, rc, NULL);
	if (rc == BB_OK || rc == BB_EROWS)
		bb_info(ctx, "%ld product codes loaded", n);
	return rc;
}

int ul_products(struct bb_ctx *ctx, int argc, char **argv)
{
	int replace = 0, first, rc;
	const struct bb_opt opts[] = {
		{ "replace", 0, BB_NOARG, NULL, &replace,
		  "--replace      import: drop the codes not in the file" },
		BB_OPT_END
	};

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc < 0 ? BB_OK : rc;
	if (first >= argc)
		return bb_usage_error(ctx, "products needs 'import' or 'export'");
	if (!strcmp(argv[first], "export")) {
		if (first + 1 < argc)
			return bb_usage_error(ctx, "products export takes no files");
		return products_export(ctx);
	}
	if (!strcmp(argv[first], "import"))
		return products_import(ctx, argc, argv, first + 1, replace);
	return bb_usage_error(ctx, "unknown products action '%s': use import "
			      "or export", argv[first]);
}
