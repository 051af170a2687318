/*
 * ul_make.c - `unit-label make`: the components of donations, from input
 * rows (din, product_code or component/additive/attributes, volume_ml) or
 * a named recipe (rule_recipes).  New units are quarantined; their expiry
 * comes from rule_shelf_life (day 0 = collection day).
 */
#include <math.h>
#include <string.h>

#include "ul.h"

static const char *const make_cols[] = {
	"din", "product_code", "component", "additive", "attributes",
	"volume_ml", "recipe",
	/* columns of `unit-label assign` output, accepted quietly */
	"check", "flags", "donor_id", "collected_at", "kind", "din_text", NULL
};
static const char *const make_req[] = { "din", NULL };

struct donation {
	char din[ISBT_DIN_LEN + 1];
	char kind[8];
	char collected_at[17];
	bb_time collected;
	double volume_ml;
	char abo[3], rhd[4];
};

struct spec {
	char component[8];
	char attributes[256];
	char additive[32];
	char pdc[ISBT_PDC_LEN + 1];	/* given product code, or "" */
	char tail[4];			/* collection type + division */
};

struct make_args {
	const char *recipe, *location;
	struct bb_writer *w;
	long made;
};

static int load_donation(struct bb_ctx *ctx, const char *din,
			 struct donation *d)
{
	sqlite3_stmt *st = bb_sql(ctx,
		"SELECT d.kind, d.collected_at, d.volume_ml, p.abo, p.rhd "
		"FROM donations d JOIN donors p ON p.donor_id = d.donor_id "
		"WHERE d.din = ?1", "s", din);
	int rc;
	const char *why;

	if (!st)
		return -1;
	rc = bb_step(ctx, st);
	if (rc == SQLITE_ROW) {
		snprintf(d->din, sizeof d->din, "%s", din);
		snprintf(d->kind, sizeof d->kind, "%s", bb_col_text(st, 0));
		snprintf(d->collected_at, sizeof d->collected_at, "%s",
			 bb_col_text(st, 1));
		d->volume_ml = sqlite3_column_double(st, 2);
		snprintf(d->abo, sizeof d->abo, "%s", bb_col_text(st, 3));
		snprintf(d->rhd, sizeof d->rhd, "%s", bb_col_text(st, 4));
		if (bb_parse_time(d->collected_at, &d->collected, &why) < 0)
			rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Units (1 U = 200 ml whole blood; plasma 100 ml) to the nearest half. */
static double donation_units(const struct donation *d)
{
	double u;
	if (!strcmp(d->kind, "PLT"))
		return 1;
	u = !strcmp(d->kind, "PLS") ? d->volume_ml / 100 : d->volume_ml / 200;
	u = floor(u * 2 + 0.5) / 2;
	return u < 0.5 ? 0.5 : u;
}

static int component_fits(const char *kind, const char *comp)
{
	if (!strcmp(kind, "WB"))
		return 1;
	if (!strcmp(kind, "PLT"))
		return !strcmp(comp, "PLT");
	if (!strcmp(kind, "PLS"))
		return !strcmp(comp, "FFP") || !strcmp(comp, "FP");
	if (!strcmp(kind, "DRBC"))
		return !strcmp(comp, "RBC");
	return 0;
}

static int make_one(struct bb_ctx *ctx, struct bb_reader *r,
		    struct bb_rec *rec, const struct donation *d,
		    const struct spec *sp, const char *vol_s,
		    struct make_args *a)
{
	struct ul_product p;
	struct bb_unit u;
	char why[96], ref[80];
	double units = donation_units(d), vol;
	bb_time exp;
	int rc;

	if (!component_fits(d->kind, sp->component)) {
		char msg[96];
		snprintf(msg, sizeof msg, "cannot be made from a %s donation",
			 d->kind);
		bb_reject(ctx, r, rec, "component", msg, sp->component);
		return BB_OK;
	}
	if (sp->pdc[0]) {
		if ((rc = ul_product_get(ctx, sp->pdc, &p)) < 0)
			return BB_ESYS;
	} else {
		rc = ul_product_pick(ctx, sp->component, sp->attributes,
				     sp->additive, units, &p);
		if (rc < 0)
			return BB_ESYS;
	}
	if (rc == 0) {
		char msg[400];
		snprintf(msg, sizeof msg, "no product code for %s%s%s%s%s: add "
			 "one with 'unit-label products import'", sp->component,
			 sp->additive[0] ? " in " : "", sp->additive,
			 sp->attributes[0] ? " " : "", sp->attributes);
		bb_reject(ctx, r, rec, sp->pdc[0] ? "product_code" : "component",
			  msg, sp->pdc[0] ? sp->pdc : sp->component);
		return BB_OK;
	}
	if (!component_fits(d->kind, p.component)) {
		bb_reject(ctx, r, rec, "product_code",
			  "its component cannot be made from this donation",
			  p.code);
		return BB_OK;
	}
	memset(&u, 0, sizeof u);
	snprintf(u.din, sizeof u.din, "%s", d->din);
	snprintf(u.product, sizeof u.product, "%s%s", p.code,
		 sp->tail[0] ? sp->tail : "V00");
	snprintf(u.component, sizeof u.component, "%s", p.component);
	snprintf(u.abo, sizeof u.abo, "%s", d->abo);
	snprintf(u.rhd, sizeof u.rhd, "%s", d->rhd);
	snprintf(u.attributes, sizeof u.attributes, "%s", p.attributes);
	snprintf(u.collected_at, sizeof u.collected_at, "%s", d->collected_at);
	snprintf(u.status, sizeof u.status, "quarantine");
	snprintf(u.location, sizeof u.location, "%s",
		 a->location ? a->location : "");
	if (p.units > 0)
		units = p.units == units || sp->pdc[0] ? p.units : units;
	if (vol_s && *vol_s) {
		if (bb_parse_num(vol_s, 1, 5000, &vol) < 0) {
			bb_reject(ctx, r, rec, "volume_ml",
				  "not a volume in ml (1-5000)", vol_s);
			return BB_OK;
		}
	} else if (p.volume_ml > 0 && p.units > 0) {
		vol = p.volume_ml * units / p.units;
	} else {
		vol = NAN;
	}
	bb_num_fmt(vol, u.volume_ml, sizeof u.volume_ml);
	bb_num_fmt(units, u.units, sizeof u.units);
	rc = ul_expiry(ctx, p.component, p.attributes, p.additive,
		       d->collected, d->collected, 0, &exp, why, sizeof why);
	if (rc == BB_ESYS)
		return rc;
	if (rc == BB_EROWS) {
		bb_reject(ctx, r, rec, "component",
			  "no shelf life in rule_shelf_life", p.component);
		return BB_OK;
	}
	bb_fmt_time(exp, u.expires_at);
	if ((rc = ul_unit_insert(ctx, &u)) == BB_EROWS) {
		char msg[64];
		snprintf(msg, sizeof msg, "unit %s exists", u.product);
		bb_reject(ctx, r, rec, "din", msg, u.din);
		return BB_OK;
	}
	snprintf(ref, sizeof ref, "%s%s", a->recipe ? "recipe:" : "",
		 a->recipe ? a->recipe : "");
	if (rc != BB_OK ||
	    bb_unit_event(ctx, u.din, u.product, NULL, "quarantine", "made",
			  why, ref) != BB_OK)
		return BB_ESYS;
	ul_unit_row(a->w, &u);
	a->made++;
	return BB_OK;
}

static int make_recipe(struct bb_ctx *ctx, struct bb_reader *r,
		       struct bb_rec *rec, const struct donation *d,
		       const char *recipe, struct make_args *a)
{
	struct spec specs[16];
	int n = 0, rc;
	char kind[8] = "";
	sqlite3_stmt *st = bb_sql(ctx,
		"SELECT kind, component, IFNULL(attributes, ''), "
		"IFNULL(additive, '') FROM rule_recipes WHERE recipe = ?1 "
		"ORDER BY seq", "s", recipe);

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW && n < 16) {
		memset(&specs[n], 0, sizeof specs[n]);
		snprintf(kind, sizeof kind, "%s", bb_col_text(st, 0));
		snprintf(specs[n].component, sizeof specs[n].component, "%s",
			 bb_col_text(st, 1));
		ul_attrs_norm(bb_col_text(st, 2), specs[n].attributes,
			      sizeof specs[n].attributes);
		snprintf(specs[n].additive, sizeof specs[n].additive, "%s",
			 bb_col_text(st, 3));
		n++;
	}
	sqlite3_reset(st);
	if (rc < 0)
		return BB_ESYS;
	if (n == 0) {
		bb_reject(ctx, r, rec, "recipe",
			  "no such recipe in rule_recipes", recipe);
		return BB_OK;
	}
	if (strcmp(kind, d->kind)) {
		char msg[96];
		snprintf(msg, sizeof msg, "recipe '%s' is for %s donations, "
			 "this is %s", recipe, kind, d->kind);
		bb_reject(ctx, r, rec, "din", msg, d->din);
		return BB_OK;
	}
	for (int i = 0; i < n && !ctx->stop; i++)
		if ((rc = make_one(ctx, r, rec, d, &specs[i], NULL, a)) != BB_OK)
			return rc;
	return BB_OK;
}

static int make_row(struct bb_ctx *ctx, struct bb_reader *r,
		    struct bb_rec *rec, void *arg)
{
	struct make_args *a = arg;
	struct donation d;
	struct isbt_err e;
	struct spec sp;
	char din[ISBT_DIN_LEN + 1], msg[160];
	const char *v = bb_get(r, rec, "din"), *recipe = a->recipe;
	int rc;

	if (isbt_din_parse(v, din, NULL, &e) < 0) {
		bb_reject(ctx, r, rec, "din", isbt_err_fmt(&e, msg, sizeof msg), v);
		return BB_OK;
	}
	if ((rc = load_donation(ctx, din, &d)) < 0)
		return BB_ESYS;
	if (rc == 0) {
		bb_reject(ctx, r, rec, "din", "no donation with this DIN "
			  "(load it with donor-register, number it with "
			  "'unit-label assign')", din);
		return BB_OK;
	}
	if (!recipe && *bb_get(r, rec, "recipe"))
		recipe = bb_get(r, rec, "recipe");
	if (recipe) {
		const char *saved = a->recipe;
		a->recipe = recipe;
		rc = make_recipe(ctx, r, rec, &d, recipe, a);
		a->recipe = saved;
		return rc;
	}
	memset(&sp, 0, sizeof sp);
	v = bb_get(r, rec, "product_code");
	if (*v) {
		if (v[0] == '=' && v[1] == '<')
			v += 2;
		char full[16];
		size_t len = strlen(v);
		snprintf(full, sizeof full, "%s%s", v, len == ISBT_PDC_LEN ? "V00" : "");
		if ((len != ISBT_PDC_LEN && len != ISBT_PRODUCT_LEN) ||
		    isbt_product_check(full, strlen(full), 0, &e) < 0) {
			bb_reject(ctx, r, rec, "product_code",
				  len != ISBT_PDC_LEN && len != ISBT_PRODUCT_LEN
				  ? "not a product code (5 or 8 characters)"
				  : isbt_err_fmt(&e, msg, sizeof msg), v);
			return BB_OK;
		}
		if (len == ISBT_PRODUCT_LEN)
			snprintf(sp.tail, sizeof sp.tail, "%s", v + 5);
		snprintf(sp.pdc, sizeof sp.pdc, "%.5s", v);
		snprintf(sp.component, sizeof sp.component, "%s", "WB");
		struct ul_product p;
		if ((rc = ul_product_get(ctx, sp.pdc, &p)) < 0)
			return BB_ESYS;
		if (rc == 1)
			snprintf(sp.component, sizeof sp.component, "%s",
				 p.component);
	} else {
		const char *c = ul_component(bb_get(r, rec, "component"));
		if (!c) {
			bb_reject(ctx, r, rec, "component", *bb_get(r, rec, "component")
				  ? "not one of WB, RBC, PLT, FFP, FP, CRYO"
				  : "missing: give product_code, component or "
				    "--recipe", *bb_get(r, rec, "component") ?
				  bb_get(r, rec, "component") : NULL);
			return BB_OK;
		}
		snprintf(sp.component, sizeof sp.component, "%s", c);
		snprintf(sp.additive, sizeof sp.additive, "%s",
			 bb_get(r, rec, "additive"));
		if (ul_attrs_norm(bb_get(r, rec, "attributes"), sp.attributes,
				  sizeof sp.attributes) < 0) {
			bb_reject(ctx, r, rec, "attributes", "too long", NULL);
			return BB_OK;
		}
	}
	return make_one(ctx, r, rec, &d, &sp, bb_get(r, rec, "volume_ml"), a);
}

int ul_make(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *recipe = NULL, *location = NULL;
	const struct bb_opt opts[] = {
		{ "recipe", 'r', BB_ARG, &recipe, NULL,
		  "--recipe NAME  make the components of recipe NAME (rule_recipes)" },
		{ "location", 'l', BB_ARG, &location, NULL,
		  "--location L   where the new units are stored" },
		BB_OPT_END
	};
	struct make_args a = { NULL, NULL, NULL, 0 };
	int first, rc;

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc < 0 ? BB_OK : rc;
	a.recipe = recipe;
	a.location = location;
	if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
		return rc;
	if (!(a.w = bb_writer_open(ctx, ul_unit_cols, UL_UNIT_NCOLS)))
		return BB_ESYS;
	rc = ul_each_file(ctx, argc, argv, first, make_cols, make_req, 1,
			  make_row, &a);
	bb_info(ctx, "%ld units made", a.made);
	return ul_finish(ctx, rc, a.w);
}
