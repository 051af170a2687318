/*
 * ul_print.c - `unit-label print`: ISBT 128 labels of unit records as
 * text, ZPL, SVG or CSV.  Units found in the database are printed as the
 * database has them; others from the record itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ul.h"

enum fmt { F_TEXT, F_ZPL, F_SVG, F_CSV };


/* dst = src, truncated to n - 1 bytes (snprintf "%s" without printf) */

struct print_args {
	enum fmt fmt;
	int dpi, datamatrix;
	const char *flags, *facility_name;
	FILE *fp;
	struct bb_writer *w;
	struct zpl_tmpl *zpl;
	long n;
	char stem[4096], ext[32];	/* -o FILE for SVG: stem-N.ext */
};

static void fill_desc(struct bb_ctx *ctx, struct ul_label *l)
{
	struct ul_product p;
	if (ctx->db && ul_product_get(ctx, l->u.product, &p) == 1) {
		bb_copy(l->desc_en, sizeof l->desc_en, p.desc_en);
		bb_copy(l->desc_zh, sizeof l->desc_zh, p.desc_zh);
		return;
	}
	bb_copy(l->desc_en, sizeof l->desc_en, l->u.component);
	if (l->u.attributes[0]) {
		size_t k = strlen(l->desc_en);
		l->desc_en[k] = ' ';
		bb_copy(l->desc_en + k + 1, sizeof l->desc_en - k - 1,
		      l->u.attributes);
	}
	l->desc_zh[0] = 0;
}

/*
 * ul_label_build with the unit's times when the caller has them parsed
 * already (pexp, pcol; NULL: parse u's).  Every string of l starts empty:
 * clearing the whole ~1 KB label for each of 100 k labels showed up.
 * Without `compound`, the collection date structure and the compound
 * message (only the Data Matrix, the text and CSV forms show them) stay
 * empty: they were a sixth of a ZPL label's time.
 */
static int label_build(struct bb_ctx *ctx, const struct bb_unit *u,
		       const char *flags, struct ul_label *l, const char **why,
		       const bb_time *pexp, const bb_time *pcol, int compound)
{
	bb_time exp, col;
	const char *e;
	const char *parts[5];
	int n = 0;

	if (&l->u != u)
		l->u = *u;
	l->din_ds[0] = l->abo_ds[0] = l->product_ds[0] = 0;
	l->expiry_ds[0] = l->collect_ds[0] = l->compound[0] = 0;
	l->k = 0;
	l->din_text[0] = l->desc_en[0] = l->desc_zh[0] = 0;
	l->facility[0] = l->flags[0] = 0;
	if (!flags || !*flags)
		flags = "00";
	if (!strcmp(flags, "check"))
		isbt_flag3(u->din, l->flags);
	else
		bb_copy(l->flags, sizeof l->flags, flags);
	if (isbt_gen_din(u->din, l->flags, l->din_ds, sizeof l->din_ds) < 0) {
		*why = "not a DIN";
		return -1;
	}
	/* the DIN passed isbt_gen_din's check: isbt_din_k without its own */
	l->k = isbt_value_char(isbt_din_mod37(u->din));
	isbt_din_text(u->din, l->din_text, sizeof l->din_text);
	isbt_gen_abo(u->abo, u->rhd, l->abo_ds, sizeof l->abo_ds);
	if (isbt_gen_product(u->product, l->product_ds, sizeof l->product_ds) < 0) {
		*why = "not a product code";
		return -1;
	}
	if (pexp)
		exp = *pexp;
	if ((!pexp && bb_parse_time(u->expires_at, &exp, &e) < 0) ||
	    isbt_gen_expiry(exp, l->expiry_ds, sizeof l->expiry_ds) < 0) {
		*why = "expires_at is not a time in 2000-2999";
		return -1;
	}
	if (!compound) {
		fill_desc(ctx, l);
		return 0;
	}
	parts[n++] = l->din_ds;
	parts[n++] = l->abo_ds;
	parts[n++] = l->product_ds;
	parts[n++] = l->expiry_ds;
	if (pcol && u->collected_at[0])
		col = *pcol;
	if (u->collected_at[0] &&
	    (pcol || bb_parse_time(u->collected_at, &col, &e) == 0) &&
	    isbt_gen_collection(col, 0, l->collect_ds, sizeof l->collect_ds) > 0)
		parts[n++] = l->collect_ds;
	isbt_gen_compound(parts, n, l->compound, sizeof l->compound);
	fill_desc(ctx, l);
	return 0;
}

int ul_label_build(struct bb_ctx *ctx, const struct bb_unit *u,
		   const char *flags, struct ul_label *l, const char **why)
{
	return label_build(ctx, u, flags, l, why, NULL, NULL, 1);
}

/* The canonical spellings need no regular expression. */
static int canonical_group(const char *abo, const char *rhd)
{
	/* O, A, B or AB; pos or neg (by character: every label asks) */
	int abo_ok = abo[0] == 'O' ? !abo[1] :
		     abo[0] == 'A' ? !abo[1] || (abo[1] == 'B' && !abo[2]) :
		     abo[0] == 'B' && !abo[1];
	int rhd_ok = (rhd[0] == 'p' && rhd[1] == 'o' && rhd[2] == 's' &&
		      !rhd[3]) ||
		     (rhd[0] == 'n' && rhd[1] == 'e' && rhd[2] == 'g' && !rhd[3]);
	return abo_ok && rhd_ok;
}

/* The times a record's unit came with, parsed (have_*: whether). */
struct unit_times {
	bb_time exp, col;
	int have_exp, have_col;
};

/* bb_copy for the short fields of each record, without its calls to
 * strlen and memcpy: dst gets at most n - 1 bytes and a NUL (n > 0). */
static inline void copy_field(char *dst, size_t n, const char *src)
{
	size_t i = 0;
	for (; i + 1 < n && src[i]; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

/* The unit a record names: the database's copy when there is one.  The
 * records are unit records (ul_unit_cols): fields by bb_col. */
static int print_unit(struct bb_ctx *ctx, struct bb_reader *r,
		      struct bb_rec *rec, struct bb_unit *u,
		      struct unit_times *ut)
{
	const char *v;
	const char *why;
	int rc;

	ut->have_exp = ut->have_col = 0;
	bb_unit_clear(u);
	if (ul_unit_key(ctx, r, rec, bb_col(rec, UC_DIN),
			bb_col(rec, UC_PRODUCT), u->din, u->product) < 0)
		return 0;
	if (ctx->db) {
		struct bb_unit db;
		if ((rc = bb_unit_load(ctx, u->din, u->product, &db)) < 0)
			return -1;
		if (rc == 1) {
			*u = db;
			return 1;
		}
	}
	v = bb_col(rec, UC_EXPIRES);
	if (!*v) {
		bb_reject(ctx, r, rec, "expires_at", ctx->db
			  ? "missing, and the unit is not in the database"
			  : "missing", NULL);
		return 0;
	}
	if (bb_time_text(v, 1, u->expires_at, &ut->exp, &why) < 0) {
		bb_reject(ctx, r, rec, "expires_at", why, v);
		return 0;
	}
	ut->have_exp = 1;
	v = bb_col(rec, UC_COLLECTED);
	if (*v && bb_time_text(v, 0, u->collected_at, &ut->col, &why) == 0)
		ut->have_col = 1;
	else
		u->collected_at[0] = 0;
	const char *abo = bb_col(rec, UC_ABO), *rhd = bb_col(rec, UC_RHD);
	if (canonical_group(abo, rhd)) {
		copy_field(u->abo, sizeof u->abo, abo);
		copy_field(u->rhd, sizeof u->rhd, rhd);
	} else if (bb_abo_from_rec(ctx, abo, rhd, u->abo, u->rhd) < 0) {
		bb_reject(ctx, r, rec, "abo", "not a blood group", abo);
		return 0;
	}
	v = ul_component(bb_col(rec, UC_COMPONENT));
	copy_field(u->component, sizeof u->component, v ? v : "");
	copy_field(u->volume_ml, sizeof u->volume_ml, bb_col(rec, UC_VOLUME));
	copy_field(u->units, sizeof u->units, bb_col(rec, UC_UNITS));
	copy_field(u->status, sizeof u->status, bb_col(rec, UC_STATUS));
	copy_field(u->location, sizeof u->location, bb_col(rec, UC_LOCATION));
	copy_field(u->antigens, sizeof u->antigens, bb_col(rec, UC_ANTIGENS));
	v = bb_col(rec, UC_ATTRIBUTES);
	if (*v)
		ul_attrs_norm(v, u->attributes, sizeof u->attributes);
	return 1;
}

static int svg_file(struct bb_ctx *ctx, struct print_args *a,
		    const struct ul_label *l)
{
	char path[4200];
	const char *why = "";
	FILE *fp;
	int rc;

	snprintf(path, sizeof path, "%s-%ld%s", a->stem, a->n, a->ext);
	if (!(fp = fopen(path, "w"))) {
		bb_err(ctx, "cannot write '%s': %s", path, strerror(errno));
		return BB_ESYS;
	}
	rc = label_svg(fp, l, a->datamatrix, &why);
	if (fclose(fp) != 0 || rc < 0) {
		bb_err(ctx, "cannot write '%s': %s", path,
		       rc < 0 && *why ? why : strerror(errno));
		return BB_ESYS;
	}
	return BB_OK;
}

static int print_row(struct bb_ctx *ctx, struct bb_reader *r,
		     struct bb_rec *rec, void *arg)
{
	struct print_args *a = arg;
	struct ul_label l;
	struct bb_unit *u = &l.u;	/* read straight into the label */
	struct unit_times ut;
	const char *why = "";
	int rc;

	if ((rc = print_unit(ctx, r, rec, u, &ut)) <= 0)
		return rc < 0 ? BB_ESYS : BB_OK;
	if (label_build(ctx, u, a->flags, &l, &why,
			ut.have_exp ? &ut.exp : NULL,
			ut.have_col ? &ut.col : NULL,
			a->fmt == F_CSV || a->fmt == F_TEXT || a->datamatrix) < 0) {
		bb_reject(ctx, r, rec, "din", why, u->din);
		return BB_OK;
	}
	if (a->facility_name)
		snprintf(l.facility, sizeof l.facility, "%.5s %s", u->din,
			 a->facility_name);
	else {
		memcpy(l.facility, "Facility ", 9);
		memcpy(l.facility + 9, u->din, 5);
		l.facility[14] = 0;
	}
	a->n++;
	switch (a->fmt) {
	case F_CSV:
		label_csv_row(a->w, &l);
		return BB_OK;
	case F_TEXT:
		if (a->n > 1)
			fputc('\n', a->fp);
		return label_text(a->fp, &l) < 0 ? BB_ESYS : BB_OK;
	case F_ZPL:
		return label_zpl_with(a->fp, &l, a->zpl, a->datamatrix) < 0
			       ? BB_ESYS : BB_OK;
	case F_SVG:
		if (!a->fp)
			return svg_file(ctx, a, &l);
		if (label_svg(a->fp, &l, a->datamatrix, &why) < 0) {
			bb_err(ctx, "label '%s %s': %s", u->din, u->product, why);
			return BB_ESYS;
		}
		return BB_OK;
	}
	return BB_OK;
}

int ul_print(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *dpi_s = NULL, *flags = "00", *fname = NULL, *f = "text";
	int dm = 0, first, rc;
	const struct bb_opt opts[] = {
		{ "format", 0, BB_ARG, &f, NULL,
		  "--format F     text (default), zpl, svg or csv" },
		{ "dpi", 0, BB_ARG, &dpi_s, NULL,
		  "--dpi N        ZPL printer resolution: 203 (default) or 300" },
		{ "datamatrix", 0, BB_NOARG, NULL, &dm,
		  "--datamatrix   add a Data Matrix with the compound message" },
		{ "flags", 0, BB_ARG, &flags, NULL,
		  "--flags FF     DIN flag characters (00 default, 01-59, or 'check')" },
		{ "facility-name", 0, BB_ARG, &fname, NULL,
		  "--facility-name TEXT  collecting facility's name on the label" },
		BB_OPT_END
	};
	struct print_args a;
	struct stat sb;

	memset(&a, 0, sizeof a);
	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc < 0 ? BB_OK : rc;
	if (!strcmp(f, "text"))
		a.fmt = F_TEXT;
	else if (!strcmp(f, "zpl"))
		a.fmt = F_ZPL;
	else if (!strcmp(f, "svg"))
		a.fmt = F_SVG;
	else if (!strcmp(f, "csv"))
		a.fmt = F_CSV;
	else
		return bb_usage_error(ctx, "--format '%s': use text, zpl, svg "
				      "or csv", f);
	a.dpi = 203;
	if (dpi_s) {
		if (!strcmp(dpi_s, "300"))
			a.dpi = 300;
		else if (strcmp(dpi_s, "203"))
			return bb_usage_error(ctx, "--dpi '%s': use 203 or 300",
					      dpi_s);
	}
	if (strcmp(flags, "check") &&
	    (strlen(flags) != 2 || isbt_flag_type(flags) == ISBT_FLAG_BAD ||
	     isbt_flag_type(flags) == ISBT_FLAG_3))
		return bb_usage_error(ctx, "--flags '%s': use 00-59 or 'check'",
				      flags);
	a.datamatrix = dm;
	a.flags = flags;
	a.facility_name = fname;
	/* the database is optional: records carry what a label needs */
	if (stat(ctx->db_path, &sb) == 0 && sb.st_size > 0 &&
	    (rc = bb_db_open(ctx, BB_DB_READ)) != BB_OK)
		return rc;
	if (a.fmt == F_CSV) {
		if (!(a.w = bb_writer_open(ctx, label_csv_cols, label_csv_ncols())))
			return BB_ESYS;
		bb_writer_batch(a.w);
	} else if (a.fmt == F_SVG && ctx->out_path && strcmp(ctx->out_path, "-")) {
		const char *dot = strrchr(ctx->out_path, '.');
		const char *slash = strrchr(ctx->out_path, '/');
		if (!dot || (slash && dot < slash))
			dot = ctx->out_path + strlen(ctx->out_path);
		snprintf(a.stem, sizeof a.stem, "%.*s",
			 (int)(dot - ctx->out_path), ctx->out_path);
		bb_copy(a.ext, sizeof a.ext, dot);
	} else if (!(a.fp = bb_output_open(ctx))) {
		return BB_ESYS;
	}
	if (a.fmt == F_ZPL && !(a.zpl = label_zpl_tmpl(a.dpi))) {
		bb_output_close(ctx, a.fp);
		bb_err(ctx, "out of memory");
		return BB_ESYS;
	}
	rc = ul_each_file(ctx, argc, argv, first, ul_unit_cols, NULL, 0,
			  print_row, &a);
	/* the last labels; a write error is reported on closing */
	int werr = label_zpl_end(a.fp, a.zpl) < 0 ? errno : 0;
	if (a.w) {
		int wrc = bb_writer_close(a.w);
		if (rc == BB_OK)
			rc = wrc;
	} else if (a.fp) {
		int wrc = bb_output_close_after(ctx, a.fp, werr);
		if (rc == BB_OK)
			rc = wrc;
	} else if (rc == BB_OK && a.n == 1) {
		/* one label: the file gets the name asked for */
		char from[4200];
		snprintf(from, sizeof from, "%s-1%s", a.stem, a.ext);
		if (rename(from, ctx->out_path) != 0) {
			bb_err(ctx, "cannot rename '%s': %s", from,
			       strerror(errno));
			rc = BB_ESYS;
		}
	}
	if (rc == BB_OK && ctx->nrejected)
		rc = BB_EROWS;
	return rc;
}
