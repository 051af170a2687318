/*
 * ul_modify.c - `unit-label modify OP`: child units made from units.
 *   irradiate, wash, thaw: one child with the attribute added, a new
 *     product code and the shelf life of rule_shelf_life counted from the
 *     processing (never past the parent's expiry);
 *   divide --into N: N children with division codes A0, B0... (or Aa, Ab...
 *     when the parent is itself a division), volume and units shared;
 *   pool: every input unit into one child with a new DIN.
 * Parents become `modified`; children keep the parent's status.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ul.h"

enum op { OP_IRRADIATE, OP_WASH, OP_THAW, OP_DIVIDE, OP_POOL };
static const char *const op_names[] = { "irradiate", "wash", "thaw",
					"divide", "pool", NULL };
static const char *const op_attr[] = { "irradiated", "washed", "thawed",
				       NULL, "pooled" };

struct mod_args {
	enum op op;
	bb_time at;
	long into;
	const char *location;
	const char *pool_din, *facility;
	struct bb_writer *w;
	struct bb_unit *pool;	/* OP_POOL: the parents, collected */
	size_t npool;
	long made;
};

static double num(const char *s)
{
	return *s ? strtod(s, NULL) : NAN;
}

/* Additive of a unit's product ("" when the code is not in the table). */
static int unit_product(struct bb_ctx *ctx, const struct bb_unit *u,
			struct ul_product *p)
{
	int rc = ul_product_get(ctx, u->product, p);
	if (rc == 0)
		memset(p, 0, sizeof *p);
	return rc;
}

/* Store a child and log both sides; BB_EROWS after a reject-like warning. */
static int save_child(struct bb_ctx *ctx, struct bb_unit *c,
		      const struct bb_unit *parent, const char *event,
		      const char *why, struct mod_args *a)
{
	char ref[40];
	int rc = ul_unit_insert(ctx, c);

	if (rc == BB_EROWS) {
		bb_warn(ctx, "unit '%s %s' exists already", c->din, c->product);
		ctx->nrejected++;
		return BB_EROWS;
	}
	snprintf(ref, sizeof ref, "%s %s", parent->din, parent->product);
	if (rc != BB_OK ||
	    bb_unit_event(ctx, c->din, c->product, NULL, c->status, event, why,
			  ref) != BB_OK)
		return BB_ESYS;
	ul_unit_row(a->w, c);
	a->made++;
	return BB_OK;
}

static int mark_parent(struct bb_ctx *ctx, const struct bb_unit *p,
		       const char *event, const struct bb_unit *child)
{
	char ref[40];
	snprintf(ref, sizeof ref, "%s %s", child->din, child->product);
	int rc = bb_unit_set_status(ctx, p->din, p->product,
				    "available;quarantine", "modified", event,
				    NULL, ref);
	return rc == BB_EROWS ? BB_ESYS : rc;
}

static int modify_one(struct bb_ctx *ctx, struct bb_reader *r,
		      struct bb_rec *rec, struct bb_unit *u, struct mod_args *a)
{
	struct ul_product pp, cp;
	struct bb_unit c = *u;
	char why[96], msg[400];
	const char *attr = op_attr[a->op];
	bb_time collected, original, exp;
	const char *e;
	int rc;

	if (unit_product(ctx, u, &pp) < 0)
		return BB_ESYS;
	if (a->op == OP_WASH && strcmp(u->component, "RBC")) {
		bb_reject(ctx, r, rec, "component", "only red cells are washed",
			  u->component);
		return BB_OK;
	}
	if (a->op == OP_THAW && strcmp(u->component, "FFP") &&
	    strcmp(u->component, "FP") && strcmp(u->component, "CRYO")) {
		bb_reject(ctx, r, rec, "component",
			  "only plasma and cryoprecipitate are thawed",
			  u->component);
		return BB_OK;
	}
	if (ul_attrs_has(u->attributes, attr)) {
		snprintf(msg, sizeof msg, "already %s", attr);
		bb_reject(ctx, r, rec, "attributes", msg, u->attributes);
		return BB_OK;
	}
	if (ul_attrs_add(c.attributes, sizeof c.attributes, attr) < 0) {
		bb_reject(ctx, r, rec, "attributes", "too long", u->attributes);
		return BB_OK;
	}
	const char *additive = a->op == OP_WASH ? "NaCl" : pp.additive;
	rc = ul_product_pick(ctx, u->component, c.attributes, additive,
			     num(u->units) > 0 ? num(u->units) : -1, &cp);
	if (rc < 0)
		return BB_ESYS;
	if (rc == 0) {
		snprintf(msg, sizeof msg, "no product code for %s %s: add one "
			 "with 'unit-label products import'", u->component,
			 c.attributes);
		bb_reject(ctx, r, rec, "product_code", msg, u->product);
		return BB_OK;
	}
	snprintf(c.product, sizeof c.product, "%s%s", cp.code, u->product + 5);
	if (bb_parse_time(u->collected_at, &collected, &e) < 0)
		collected = a->at;
	if (bb_unit_expiry(u->expires_at, &original) < 0)
		original = a->at;
	rc = ul_expiry(ctx, u->component, c.attributes, cp.additive, collected,
		       a->at, original, &exp, why, sizeof why);
	if (rc == BB_ESYS)
		return rc;
	bb_fmt_time(exp, c.expires_at);
	snprintf(c.parent_din, sizeof c.parent_din, "%s", u->din);
	snprintf(c.parent_product, sizeof c.parent_product, "%s", u->product);
	if (a->location)
		snprintf(c.location, sizeof c.location, "%s", a->location);
	if ((rc = mark_parent(ctx, u, op_names[a->op], &c)) != BB_OK)
		return rc;
	rc = save_child(ctx, &c, u, op_names[a->op], why, a);
	return rc == BB_EROWS ? BB_OK : rc;
}

static int divide_one(struct bb_ctx *ctx, struct bb_reader *r,
		      struct bb_rec *rec, struct bb_unit *u, struct mod_args *a)
{
	char d = u->product[6], s = u->product[7];
	double vol = num(u->volume_ml), units = num(u->units);
	struct bb_unit kids[26];
	int rc;

	if (!((d == '0' && s == '0') || (d >= 'A' && d <= 'Z' && s == '0'))) {
		bb_reject(ctx, r, rec, "product_code",
			  "cannot divide a sub-division further", u->product);
		return BB_OK;
	}
	if (strchr("MNRTVW", u->product[0])) {
		bb_reject(ctx, r, rec, "product_code",
			  "division codes of this product class are numeric",
			  u->product);
		return BB_OK;
	}
	for (int i = 0; i < a->into; i++) {
		struct bb_unit *c = &kids[i];
		*c = *u;
		if (d == '0') {
			c->product[6] = (char)('A' + i);
			c->product[7] = '0';
		} else {
			c->product[7] = (char)('a' + i);
		}
		/* shares to 0.1 ml and 0.01 U */
		bb_num_fmt(round(vol / (double)a->into * 10) / 10, c->volume_ml,
			   sizeof c->volume_ml);
		bb_num_fmt(round(units / (double)a->into * 100) / 100, c->units,
			   sizeof c->units);
		snprintf(c->parent_din, sizeof c->parent_din, "%s", u->din);
		snprintf(c->parent_product, sizeof c->parent_product, "%s",
			 u->product);
		if (a->location)
			snprintf(c->location, sizeof c->location, "%s",
				 a->location);
	}
	if ((rc = mark_parent(ctx, u, "divide", &kids[0])) != BB_OK)
		return rc;
	for (int i = 0; i < a->into; i++)
		if ((rc = save_child(ctx, &kids[i], u, "divide", "shelf:original",
				     a)) == BB_ESYS)
			return rc;
	return BB_OK;
}

static int modify_row(struct bb_ctx *ctx, struct bb_reader *r,
		      struct bb_rec *rec, void *arg)
{
	struct mod_args *a = arg;
	struct bb_unit u;
	int rc;

	if ((rc = ul_rec_unit(ctx, r, rec, "available;quarantine", "",
			      &u)) <= 0)
		return rc < 0 ? BB_ESYS : BB_OK;
	switch (a->op) {
	case OP_DIVIDE:
		return divide_one(ctx, r, rec, &u, a);
	case OP_POOL:
		for (size_t i = 0; i < a->npool; i++)
			if (!strcmp(a->pool[i].din, u.din) &&
			    !strcmp(a->pool[i].product, u.product)) {
				bb_reject(ctx, r, rec, "din", "listed twice",
					  u.din);
				return BB_OK;
			}
		if (a->npool && strcmp(a->pool[0].component, u.component)) {
			bb_reject(ctx, r, rec, "component",
				  "a pool holds one component", u.component);
			return BB_OK;
		}
		a->pool = bb_xrealloc(a->pool, (a->npool + 1) * sizeof *a->pool);
		a->pool[a->npool++] = u;
		return BB_OK;
	default:
		return modify_one(ctx, r, rec, &u, a);
	}
}

/* The pool's DIN: --din, or the next of --facility's sequence. */
static int pool_din(struct bb_ctx *ctx, struct mod_args *a,
		    char din[static ISBT_DIN_LEN + 1])
{
	struct isbt_err e;
	char msg[128];
	int y, mo, d, h, mi, s;

	if (a->pool_din) {
		if (isbt_din_parse(a->pool_din, din, NULL, &e) < 0) {
			bb_err(ctx, "--din '%s': %s", a->pool_din,
			       isbt_err_fmt(&e, msg, sizeof msg));
			return BB_EUSAGE;
		}
		return BB_OK;
	}
	bb_split_time(ctx->now, &y, &mo, &d, &h, &mi, &s);
	if (bb_exec(ctx, "INSERT OR IGNORE INTO din_sequences (facility, year, "
		    "last) VALUES (?1, ?2, 0)", "sI", a->facility, y) != BB_OK)
		return BB_ESYS;
	for (;;) {
		sqlite3_stmt *st = bb_sql(ctx,
			"UPDATE din_sequences SET last = last + 1 WHERE "
			"facility = ?1 AND year = ?2 AND last < 999999 "
			"RETURNING last", "sI", a->facility, y);
		long n = -1;
		int rc;
		char buf[32];
		if (!st)
			return BB_ESYS;
		if ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
			n = (long)sqlite3_column_int64(st, 0);
			rc = bb_step(ctx, st);
		}
		sqlite3_reset(st);
		if (rc < 0)
			return BB_ESYS;
		if (n < 0) {
			bb_err(ctx, "facility '%s' year %d: the sequence is used "
			       "up (999999)", a->facility, y);
			return BB_ESYS;
		}
		snprintf(buf, sizeof buf, "%.5s%02d%06d", a->facility, y % 100,
			 (int)(n % 1000000));
		memcpy(din, buf, ISBT_DIN_LEN + 1);
		st = bb_sql(ctx, "SELECT 1 FROM donations WHERE din = ?1 UNION ALL "
			    "SELECT 1 FROM units WHERE din = ?1 LIMIT 1", "s", din);
		if (!st)
			return BB_ESYS;
		rc = bb_step(ctx, st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return BB_OK;
		if (rc < 0)
			return BB_ESYS;
	}
}

static int make_pool(struct bb_ctx *ctx, struct mod_args *a)
{
	struct bb_unit c;
	struct ul_product pp, cp;
	char why[96], msg[400];
	double vol = 0, units = 0;
	bb_time collected = 0, original = 0, t;
	const char *e;
	int rc, same_abo = 1, same_rhd = 1;

	if (a->npool < 2) {
		bb_err(ctx, "pool needs at least two units (got %zu)", a->npool);
		return BB_EUSAGE;
	}
	c = a->pool[0];
	for (size_t i = 0; i < a->npool; i++) {
		const struct bb_unit *u = &a->pool[i];
		vol += num(u->volume_ml);
		units += num(u->units);
		same_abo &= !strcmp(u->abo, c.abo);
		same_rhd &= !strcmp(u->rhd, c.rhd);
		if (bb_parse_time(u->collected_at, &t, &e) == 0 &&
		    (!collected || t < collected))
			collected = t;
		if (bb_unit_expiry(u->expires_at, &t) == 0 &&
		    (!original || t < original))
			original = t;
	}
	if (!same_abo)
		c.abo[0] = 0;
	if (!same_rhd)
		c.rhd[0] = 0;
	if (unit_product(ctx, &a->pool[0], &pp) < 0)
		return BB_ESYS;
	if (ul_attrs_add(c.attributes, sizeof c.attributes, "pooled") < 0)
		return BB_ESYS;
	if ((rc = ul_product_pick(ctx, c.component, c.attributes, pp.additive,
				  -1, &cp)) < 0)
		return BB_ESYS;
	if (rc == 0) {
		bb_err(ctx, "no product code for pooled %s %s: add one with "
		       "'unit-label products import'", c.component, c.attributes);
		return BB_EUSAGE;
	}
	if ((rc = pool_din(ctx, a, c.din)) != BB_OK)
		return rc;
	snprintf(c.product, sizeof c.product, "%sV00", cp.code);
	bb_num_fmt(vol, c.volume_ml, sizeof c.volume_ml);
	bb_num_fmt(units, c.units, sizeof c.units);
	if (collected)
		bb_fmt_time(collected, c.collected_at);
	if (!collected)
		collected = a->at;
	rc = ul_expiry(ctx, c.component, c.attributes, cp.additive, collected,
		       a->at, original ? original : a->at, &t, why, sizeof why);
	if (rc == BB_ESYS)
		return rc;
	bb_fmt_time(t, c.expires_at);
	c.antigens[0] = 0;
	snprintf(c.parent_din, sizeof c.parent_din, "%s", a->pool[0].din);
	snprintf(c.parent_product, sizeof c.parent_product, "%s",
		 a->pool[0].product);
	if (a->location)
		snprintf(c.location, sizeof c.location, "%s", a->location);
	for (size_t i = 0; i < a->npool; i++)
		if ((rc = mark_parent(ctx, &a->pool[i], "pool", &c)) != BB_OK)
			return rc;
	snprintf(msg, sizeof msg, "%s;pool:%zu", why, a->npool);
	rc = save_child(ctx, &c, &a->pool[0], "pool", msg, a);
	return rc == BB_EROWS ? BB_EUSAGE : rc;
}

int ul_modify(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *at_s = NULL, *into_s = NULL, *location = NULL;
	const char *din = NULL, *facility = NULL;
	const struct bb_opt opts[] = {
		{ "at", 0, BB_ARG, &at_s, NULL,
		  "--at TIME      when the processing was done (default: now)" },
		{ "into", 0, BB_ARG, &into_s, NULL,
		  "--into N       divide: number of parts (2-26, default 2)" },
		{ "din", 0, BB_ARG, &din, NULL,
		  "--din DIN      pool: the pool's DIN" },
		{ "facility", 'f', BB_ARG, &facility, NULL,
		  "--facility FIN pool: take the pool's DIN from this facility's sequence" },
		{ "location", 'l', BB_ARG, &location, NULL,
		  "--location L   where the children are stored" },
		BB_OPT_END
	};
	struct mod_args a;
	struct isbt_err e;
	char msg[128];
	const char *why;
	int first, rc, k;

	memset(&a, 0, sizeof a);
	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc < 0 ? BB_OK : rc;
	if (first >= argc)
		return bb_usage_error(ctx, "modify needs an operation: "
				      "irradiate, wash, thaw, divide or pool");
	for (k = 0; op_names[k] && strcmp(op_names[k], argv[first]); k++)
		;
	if (!op_names[k])
		return bb_usage_error(ctx, "unknown operation '%s': use "
				      "irradiate, wash, thaw, divide or pool",
				      argv[first]);
	a.op = (enum op)k;
	first++;
	a.at = ctx->now;
	if (at_s && bb_parse_time(at_s, &a.at, &why) < 0)
		return bb_usage_error(ctx, "--at '%s': %s", at_s, why);
	a.into = 2;
	if (into_s && bb_parse_int(into_s, 2, 26, &a.into) < 0)
		return bb_usage_error(ctx, "--into '%s': use 2 to 26", into_s);
	if (a.op == OP_POOL && !din && !facility)
		return bb_usage_error(ctx, "pool needs --facility FIN or --din DIN");
	if (facility && isbt_fin_check(facility, &e) < 0)
		return bb_usage_error(ctx, "--facility '%s': %s", facility,
				      isbt_err_fmt(&e, msg, sizeof msg));
	a.pool_din = din;
	a.facility = facility;
	a.location = location;
	if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
		return rc;
	if (!(a.w = bb_writer_open(ctx, ul_unit_cols, UL_UNIT_NCOLS)))
		return BB_ESYS;
	rc = ul_each_file(ctx, argc, argv, first, ul_unit_cols, NULL, 1,
			  modify_row, &a);
	if (rc == BB_OK && a.op == OP_POOL && ctx->nrejected) {
		bb_err(ctx, "pool not made: %d input rows were rejected",
		       ctx->nrejected);
		rc = BB_EUSAGE;
	} else if (rc == BB_OK && a.op == OP_POOL && !ctx->stop) {
		rc = make_pool(ctx, &a);
	}
	free(a.pool);
	if (rc == BB_EUSAGE) {
		bb_db_rollback(ctx);
		bb_writer_close(a.w);
		return BB_EROWS;
	}
	return ul_finish(ctx, rc, a.w);
}
