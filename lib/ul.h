/* ul.h - unit-label: subcommands and the helpers they share. */
#ifndef UL_H
#define UL_H

#include "bb.h"
#include "isbt128.h"

/* Subcommands (cmd/unit-label.c). */
int ul_assign(struct bb_ctx *ctx, int argc, char **argv);
int ul_check(struct bb_ctx *ctx, int argc, char **argv);
int ul_make(struct bb_ctx *ctx, int argc, char **argv);
int ul_modify(struct bb_ctx *ctx, int argc, char **argv);
int ul_release(struct bb_ctx *ctx, int argc, char **argv);
int ul_receive(struct bb_ctx *ctx, int argc, char **argv);
int ul_ship(struct bb_ctx *ctx, int argc, char **argv);
int ul_print(struct bb_ctx *ctx, int argc, char **argv);
int ul_products(struct bb_ctx *ctx, int argc, char **argv);

/* The columns of a unit record (struct bb_unit, bb.h) as written. */
#define UL_UNIT_NCOLS 13
extern const char *const ul_unit_cols[UL_UNIT_NCOLS + 1];
/* Their positions in ul_unit_cols, for bb_col. */
enum ul_unit_col {
	UC_DIN, UC_PRODUCT, UC_COMPONENT, UC_ABO, UC_RHD, UC_VOLUME, UC_UNITS,
	UC_COLLECTED, UC_EXPIRES, UC_STATUS, UC_LOCATION, UC_ANTIGENS,
	UC_ATTRIBUTES
};
/* INSERT the unit; BB_OK, BB_EROWS when (din, product) exists, BB_ESYS. */
int ul_unit_insert(struct bb_ctx *ctx, const struct bb_unit *u);
void ul_unit_row(struct bb_writer *w, const struct bb_unit *u);

/*
 * Identify the unit a record names: din (13 characters, DIN+K, =DIN flags or
 * eye-readable) and product_code (8 characters, "=<" allowed).  Rejects the
 * row (and returns -1) when either is bad.
 */
int ul_rec_unit_key(struct bb_ctx *ctx, struct bb_reader *r,
		    struct bb_rec *rec, char din[static ISBT_DIN_LEN + 1],
		    char product[static ISBT_PRODUCT_LEN + 1]);
/* The same with the record's din and product_code fields at hand. */
int ul_unit_key(struct bb_ctx *ctx, struct bb_reader *r, struct bb_rec *rec,
		const char *d, const char *p, char din[static ISBT_DIN_LEN + 1],
		char product[static ISBT_PRODUCT_LEN + 1]);
/*
 * The unit a record names (ul_rec_unit_key), loaded into *u.  It must exist
 * and its status be one of the ';'-list `statuses`, else the row is
 * rejected ("unit is STATUS" followed by `not`, e.g. ", not available").
 * Returns 1 loaded, 0 rejected, -1 database error (reported).
 */
int ul_rec_unit(struct bb_ctx *ctx, struct bb_reader *r, struct bb_rec *rec,
		const char *statuses, const char *not, struct bb_unit *u);

/* bb_each_record() for unit records: req NULL = din and product_code;
 * txn: begin the batch's transaction at the first record. */
int ul_each_file(struct bb_ctx *ctx, int argc, char **argv, int first,
		 const char *const *cols, const char *const *req, int txn,
		 bb_rec_fn fn, void *arg);
/* Commit (or roll back on error), close w, BB_EROWS when rows were
 * rejected. */
int ul_finish(struct bb_ctx *ctx, int rc, struct bb_writer *w);

/* Product table (rule_products). */
struct ul_product {
	char code[ISBT_PDC_LEN + 1];
	char component[8];
	char attributes[256];
	char additive[32];
	char desc_en[256], desc_zh[256];
	double volume_ml, units;	/* < 0 when NULL */
};
int ul_product_get(struct bb_ctx *ctx, const char *pdc, struct ul_product *p);
/* The code for component + attributes (+ additive when not ""), closest to
 * `units` (< 0: any).  1 found, 0 none, -1 error. */
int ul_product_pick(struct bb_ctx *ctx, const char *component,
		    const char *attributes, const char *additive, double units,
		    struct ul_product *p);

/* Attribute lists: ';'-separated, lowercase, sorted, no duplicates. */
int ul_attrs_norm(const char *in, char *out, size_t n);
int ul_attrs_has(const char *attrs, const char *a);
int ul_attrs_add(char *attrs, size_t n, const char *a);	/* normalised */

/*
 * Expiry from rule_shelf_life.  collected: the collection time; process:
 * the time of the modification (== collected for new units); original:
 * the parent's expiry (0 for new units).  Writes a reason code
 * ("shelf:RBC:MAP:35d") into why.  BB_OK, BB_EROWS when no rule applies,
 * BB_ESYS.
 */
int ul_expiry(struct bb_ctx *ctx, const char *component, const char *attrs,
	      const char *additive, bb_time collected, bb_time process,
	      bb_time original, bb_time *out, char *why, size_t nwhy);

/* Canonical component class or NULL. */
const char *ul_component(const char *s);

/* The data structures of one label. */
struct ul_label {
	struct bb_unit u;
	char din_ds[24];	/* =DIN ff */
	char abo_ds[12];	/* =%gg00 */
	char product_ds[16];	/* =<PDC t ds */
	char expiry_ds[16];	/* &>cyyjjjhhmm */
	char collect_ds[16];	/* =*cyyjjj */
	char compound[96];	/* =+04000... */
	char k;
	char din_text[24];	/* A9999 26 000001 */
	char desc_en[256], desc_zh[256];
	char facility[128];
	char flags[3];
};
/* Fill l from u (and the product table when the DB is open).  -1 with
 * *why when the unit cannot be labelled. */
int ul_label_build(struct bb_ctx *ctx, const struct bb_unit *u,
		   const char *flags, struct ul_label *l, const char **why);

/* Label writers (lib/label_*.c). */
int label_text(FILE *fp, const struct ul_label *l);
int label_zpl(FILE *fp, const struct ul_label *l, int dpi, int datamatrix);
/* A run of ZPL labels: the fixed layout for a dpi rendered once, the
 * labels written 64 KiB at a time; label_zpl_end writes what is left
 * (-1 on a write error) and frees t. */
struct zpl_tmpl;
struct zpl_tmpl *label_zpl_tmpl(int dpi);
int label_zpl_with(FILE *fp, const struct ul_label *l, struct zpl_tmpl *t,
		   int datamatrix);
int label_zpl_end(FILE *fp, struct zpl_tmpl *t);
int label_svg(FILE *fp, const struct ul_label *l, int datamatrix,
	      const char **why);
extern const char *const label_csv_cols[];
int label_csv_ncols(void);
void label_csv_row(struct bb_writer *w, const struct ul_label *l);
/* Code 128 symbol characters for ZPL: ">:=A>5..." (subset C for digits). */
int label_code128_zpl(const char *data, char *out, size_t n);

#endif
