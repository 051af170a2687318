/*
 * ul_receive.c - `unit-label receive` and `unit-label ship`: unit records
 * (SPEC Appendix A) in and out, so `ship | receive` moves stock.
 */
#include <string.h>

#include "ul.h"

/* A time field (an expiry: a date alone is its 23:59) into out as
 * "YYYY-MM-DD HH:MM"; rejected when bad. */
static int rec_time(struct bb_ctx *ctx, struct bb_reader *r,
		    struct bb_rec *rec, const char *field, int required,
		    int expiry, char out[static 17], bb_time *t)
{
	const char *v = bb_get(r, rec, field), *why;
	bb_time tt;

	out[0] = 0;
	if (!*v) {
		if (required)
			bb_reject(ctx, r, rec, field, "missing", NULL);
		return required ? -1 : 0;
	}
	if (bb_time_text(v, expiry, out, &tt, &why) < 0) {
		bb_reject(ctx, r, rec, field, why, v);
		return -1;
	}
	if (t)
		*t = tt;
	return 0;
}

static int rec_num(struct bb_ctx *ctx, struct bb_reader *r,
		   struct bb_rec *rec, const char *field, double hi,
		   char *out, size_t n)
{
	const char *v = bb_get(r, rec, field);
	double d;

	out[0] = 0;
	if (!*v)
		return 0;
	if (bb_parse_num(v, 0, hi, &d) < 0 || d <= 0) {
		bb_reject(ctx, r, rec, field, "not a positive number in range", v);
		return -1;
	}
	bb_num_fmt(d, out, n);
	return 0;
}

/* Fill u from a unit record; 0, or -1 after rejecting the row. */
static int unit_from_rec(struct bb_ctx *ctx, struct bb_reader *r,
			 struct bb_rec *rec, struct bb_unit *u)
{
	struct ul_product p;
	const char *comp = bb_get(r, rec, "component");
	const char *v;
	bb_time exp;
	int found;

	memset(u, 0, sizeof *u);
	if (ul_rec_unit_key(ctx, r, rec, u->din, u->product) < 0)
		return -1;
	if (*comp && !ul_component(comp)) {
		bb_reject(ctx, r, rec, "component",
			  "not one of WB, RBC, PLT, FFP, FP, CRYO", comp);
		return -1;
	}
	if ((found = ul_product_get(ctx, u->product, &p)) < 0)
		return -2;
	if (found && *comp && strcmp(ul_component(comp), p.component)) {
		char why[96];
		snprintf(why, sizeof why, "product code %.5s is %s",
			 u->product, p.component);
		bb_reject(ctx, r, rec, "component", why, comp);
		return -1;
	}
	if (!found && !*comp) {
		bb_reject(ctx, r, rec, "product_code",
			  "unknown product code: give the component",
			  u->product);
		return -1;
	}
	snprintf(u->component, sizeof u->component, "%s",
		 found ? p.component : ul_component(comp));
	if (bb_abo_from_rec(ctx, bb_get(r, rec, "abo"), bb_get(r, rec, "rhd"),
			    u->abo, u->rhd) < 0) {
		bb_reject(ctx, r, rec, "abo", "not a blood group",
			  bb_get(r, rec, "abo"));
		return -1;
	}
	if (rec_time(ctx, r, rec, "expires_at", 1, 1, u->expires_at, &exp) < 0 ||
	    rec_time(ctx, r, rec, "collected_at", 0, 0, u->collected_at,
		     NULL) < 0 ||
	    rec_num(ctx, r, rec, "volume_ml", 5000, u->volume_ml,
		    sizeof u->volume_ml) < 0 ||
	    rec_num(ctx, r, rec, "units", 100, u->units, sizeof u->units) < 0)
		return -1;
	if (exp <= ctx->now) {
		bb_reject(ctx, r, rec, "expires_at", "expired", u->expires_at);
		return -1;
	}
	v = bb_get(r, rec, "attributes");
	if (ul_attrs_norm(v, u->attributes, sizeof u->attributes) < 0) {
		bb_reject(ctx, r, rec, "attributes", "too long", v);
		return -1;
	}
	v = bb_get(r, rec, "antigens");
	if (strlen(v) >= sizeof u->antigens) {
		bb_reject(ctx, r, rec, "antigens", "too long", v);
		return -1;
	}
	snprintf(u->antigens, sizeof u->antigens, "%s", v);
	return 0;
}

struct recv_args {
	const char *location, *status;
	struct bb_writer *w;
};

static int receive_one(struct bb_ctx *ctx, struct bb_reader *r,
		       struct bb_rec *rec, void *arg)
{
	struct recv_args *a = arg;
	const char *location = a->location, *status = a->status;
	struct bb_writer *w = a->w;
	struct bb_unit u, old;
	const char *loc = location;
	int rc;

	if ((rc = unit_from_rec(ctx, r, rec, &u)) < 0)
		return rc == -2 ? BB_ESYS : BB_OK;
	if (!loc || !*loc)
		loc = bb_get(r, rec, "location");
	if (!*loc) {
		bb_reject(ctx, r, rec, "location", "missing: give --location",
			  NULL);
		return BB_OK;
	}
	if (strlen(loc) >= sizeof u.location) {
		bb_reject(ctx, r, rec, "location", "too long", loc);
		return BB_OK;
	}
	snprintf(u.location, sizeof u.location, "%s", loc);
	snprintf(u.status, sizeof u.status, "%s", status);
	if ((rc = bb_unit_load(ctx, u.din, u.product, &old)) < 0)
		return BB_ESYS;
	if (rc == 1) {
		/* a unit we shipped comes back */
		if (strcmp(old.status, "shipped")) {
			char why[64];
			snprintf(why, sizeof why, "already in stock as %s",
				 old.status);
			bb_reject(ctx, r, rec, "din", why, u.din);
			return BB_OK;
		}
		if (bb_exec(ctx, "UPDATE units SET location = ?3, expires_at = ?4 "
			    "WHERE din = ?1 AND product_code = ?2", "ssss",
			    u.din, u.product, u.location, u.expires_at) != BB_OK)
			return BB_ESYS;
		rc = bb_unit_set_status(ctx, u.din, u.product, "shipped",
					status, "received", NULL, u.location);
		if (rc != BB_OK)
			return BB_ESYS;
		if (bb_unit_load(ctx, u.din, u.product, &u) < 0)
			return BB_ESYS;
		ul_unit_row(w, &u);
		return BB_OK;
	}
	if ((rc = ul_unit_insert(ctx, &u)) == BB_EROWS) {
		bb_reject(ctx, r, rec, "din", "unit exists", u.din);
		return BB_OK;
	}
	if (rc != BB_OK ||
	    bb_unit_event(ctx, u.din, u.product, NULL, status, "received",
			  NULL, u.location) != BB_OK)
		return BB_ESYS;
	ul_unit_row(w, &u);
	return BB_OK;
}

int ul_receive(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *location = NULL, *status = "available";
	const struct bb_opt opts[] = {
		{ "location", 'l', BB_ARG, &location, NULL,
		  "--location L   site/fridge the units go to (default: the record's)" },
		{ "status", 0, BB_ARG, &status, NULL,
		  "--status S     available (default) or quarantine" },
		BB_OPT_END
	};
	struct bb_writer *w;
	int first, rc;

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc < 0 ? BB_OK : rc;
	if (strcmp(status, "available") && strcmp(status, "quarantine"))
		return bb_usage_error(ctx, "--status '%s': use available or "
				      "quarantine", status);
	if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
		return rc;
	if (!(w = bb_writer_open(ctx, ul_unit_cols, UL_UNIT_NCOLS)))
		return BB_ESYS;
	struct recv_args a = { location, status, w };
	rc = ul_each_file(ctx, argc, argv, first, ul_unit_cols, NULL, 1,
			  receive_one, &a);
	return ul_finish(ctx, rc, w);
}

struct ship_args {
	const char *site;
	struct bb_writer *w;
};

static int ship_one(struct bb_ctx *ctx, struct bb_reader *r,
		    struct bb_rec *rec, void *arg)
{
	const char *site = ((struct ship_args *)arg)->site;
	struct bb_writer *w = ((struct ship_args *)arg)->w;
	struct bb_unit u;
	int rc;

	if ((rc = ul_rec_unit(ctx, r, rec, "available", ", not available",
			      &u)) <= 0)
		return rc < 0 ? BB_ESYS : BB_OK;
	rc = bb_unit_set_status(ctx, u.din, u.product, "available", "shipped",
				"shipped", NULL, site);
	if (rc == BB_EROWS) {
		bb_reject(ctx, r, rec, "din", "unit changed meanwhile", u.din);
		return BB_OK;
	}
	if (rc != BB_OK ||
	    bb_exec(ctx, "UPDATE units SET location = ?3 WHERE din = ?1 AND "
		    "product_code = ?2", "sss", u.din, u.product, site) != BB_OK)
		return BB_ESYS;
	snprintf(u.status, sizeof u.status, "shipped");
	snprintf(u.location, sizeof u.location, "%s", site);
	ul_unit_row(w, &u);
	return BB_OK;
}

int ul_ship(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *to = NULL;
	const struct bb_opt opts[] = {
		{ "to", 0, BB_ARG, &to, NULL,
		  "--to SITE      the receiving site (required)" },
		BB_OPT_END
	};
	struct bb_writer *w;
	int first, rc;

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc < 0 ? BB_OK : rc;
	if (!to || !*to)
		return bb_usage_error(ctx, "ship needs --to SITE");
	if (strlen(to) >= sizeof ((struct bb_unit *)0)->location)
		return bb_usage_error(ctx, "--to '%s': too long", to);
	if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
		return rc;
	if (!(w = bb_writer_open(ctx, ul_unit_cols, UL_UNIT_NCOLS)))
		return BB_ESYS;
	struct ship_args a = { to, w };
	rc = ul_each_file(ctx, argc, argv, first, ul_unit_cols, NULL, 1,
			  ship_one, &a);
	return ul_finish(ctx, rc, w);
}
