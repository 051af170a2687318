/*
 * xm_select.c - crossmatch select: choose units for requests.
 *
 * For each request the live stock of the acceptable ABO/RhD groups is read
 * through the partial index units_live_group (component, abo, rhd,
 * expires_at; status IN available/reserved/quarantine), first-expiring
 * first, so the cost follows the live stock and never the history.  Each
 * unit goes through compat_check(); so do the units already reserved for
 * the request (read through units_reserved_for).  The acceptable ones are
 * ranked:
 *   0. units already reserved for the request (selecting again keeps them)
 *   1. emergency order of the patient's group (emergency release only)
 *   2. match: identical, compatible, emergency
 *   3. RhD rank (RhD-identical first: RhD-negative stock is kept)
 *   4. ABO rank, then the ABO preference of rule_compat
 *   5. expiry, first-expiring first
 *   6. units at --location first, then DIN.
 * With --reserve, units reserved for the request that the new selection
 * does not keep go back to available (event unreserve, reason reselect:...).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xm.h"

static const char *const req_cols[] = {
	"request_id", "patient_id", "component", "quantity", "needed_by",
	"priority", "ward", "sex", "age", "name", NULL
};
static const char *const req_required[] = {
	"request_id", "patient_id", "component", "quantity", NULL
};
static const char *const sel_cols[] = {
	"request_id", "patient_id", "din", "product_code", "component", "abo",
	"rhd", "expires_at", "location", "match", "rank", "reasons"
};

struct cand {
	char din[32], product[16], abo[3], rhd[4], expires_at[17];
	char location[64], reasons[256];
	bb_time expires;
	int seq, match, rhd_rank, abo_rank, pref, away, held;
};

/* Units picked by earlier requests of this run (not reserved yet with
 * --reserve off): an open-addressing set of "DIN\tPRODUCT". */
struct picked {
	char **slot;
	size_t cap, n;
};

/* A unit reserved for the request before this selection, and why a new
 * selection would not keep it ("" when it is acceptable). */
struct held {
	char din[32], product[16], why[48];
};

struct sel {
	struct compat_rules rules;
	struct bb_writer *w;
	int all, reserve, emergency;
	const char *sex_opt, *age_opt, *location;
	struct picked picked;
	struct cand *c;
	int nc, capc;
	struct held *h;		/* reserved for the current request */
	int nh, caph, nheld_ok;	/* nheld_ok: of them acceptable */
	/* refusal codes seen while scanning, for the shortfall message */
	char codes[16][40];
	int code_n[16], ncodes;
	char egroups[128];	/* groups only --emergency would allow */
	int short_requests;
};

static size_t hash_str(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static int picked_has(const struct picked *p, const char *key)
{
	if (!p->cap)
		return 0;
	for (size_t i = hash_str(key) & (p->cap - 1); p->slot[i];
	     i = (i + 1) & (p->cap - 1))
		if (!strcmp(p->slot[i], key))
			return 1;
	return 0;
}

static void picked_add(struct picked *p, const char *key)
{
	if ((p->n + 1) * 2 > p->cap) {
		struct picked bigger = { 0 };
		bigger.cap = p->cap ? p->cap * 2 : 256;
		bigger.slot = calloc(bigger.cap, sizeof *bigger.slot);
		if (!bigger.slot)
			bb_xmalloc((size_t)-1);	/* reports and aborts */
		for (size_t i = 0; i < p->cap; i++)
			if (p->slot[i])
				picked_add(&bigger, p->slot[i]);
		for (size_t i = 0; i < p->cap; i++)
			free(p->slot[i]);
		free(p->slot);
		*p = bigger;
	}
	size_t i = hash_str(key) & (p->cap - 1);
	while (p->slot[i])
		i = (i + 1) & (p->cap - 1);
	p->slot[i] = bb_xstrdup(key);
	p->n++;
}

static void picked_free(struct picked *p)
{
	for (size_t i = 0; i < p->cap; i++)
		free(p->slot[i]);
	free(p->slot);
}

static void note_code(struct sel *s, const char *code)
{
	for (int i = 0; i < s->ncodes; i++)
		if (!strcmp(s->codes[i], code)) {
			s->code_n[i]++;
			return;
		}
	if (s->ncodes < 16) {
		bb_copy(s->codes[s->ncodes], sizeof s->codes[0], code);
		s->code_n[s->ncodes++] = 1;
	}
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int sx = x->seq ? x->seq : 99, sy = y->seq ? y->seq : 99;

	if (x->held != y->held)
		return y->held - x->held;
	if (sx != sy)
		return sx - sy;
	if (x->match != y->match)
		return x->match - y->match;
	if (x->rhd_rank != y->rhd_rank)
		return x->rhd_rank - y->rhd_rank;
	if (x->abo_rank != y->abo_rank)
		return x->abo_rank - y->abo_rank;
	if (x->pref != y->pref)
		return x->pref - y->pref;
	if (x->expires != y->expires)
		return x->expires < y->expires ? -1 : 1;
	if (x->away != y->away)
		return x->away - y->away;
	int d = strcmp(x->din, y->din);
	return d ? d : strcmp(x->product, y->product);
}

struct request {
	const char *id, *patient_id, *component, *ward, *priority;
	long quantity;
	bb_time needed_by;
	int emergency, known;
	struct xm_patient x;
};

/* Live units of one group, first-expiring first.  ?4 lower bound on the
 * expiry (a date: date-only expiries last the whole day), ?5 upper bound
 * (the RhD horizon, or far away). */
static const char group_sql[] =
	"SELECT din, product_code, expires_at, coalesce(location, ''), "
	"coalesce(antigens, ''), coalesce(attributes, ''), status "
	"FROM units WHERE component = ?1 AND abo = ?2 AND rhd = ?3 "
	"AND status IN ('available','reserved','quarantine') "
	"AND expires_at >= ?4 AND expires_at <= ?5 "
	"ORDER BY expires_at, din, product_code";

static struct cand *new_cand(struct sel *s)
{
	BB_GROW(s->c, s->nc, s->capc, 64);
	return memset(&s->c[s->nc++], 0, sizeof *s->c);
}

/* An acceptable unit (res from compat_check) becomes a candidate. */
static void add_cand(struct sel *s, const char *din, const char *prod,
		     const char *abo, const char *rhd, const char *exp,
		     const char *location, bb_time expires,
		     const struct compat_result *res, int held)
{
	struct cand *c = new_cand(s);

	bb_copy(c->din, sizeof c->din, din);
	bb_copy(c->product, sizeof c->product, prod);
	bb_copy(c->abo, sizeof c->abo, abo);
	bb_copy(c->rhd, sizeof c->rhd, rhd);
	bb_copy(c->expires_at, sizeof c->expires_at, exp);
	bb_copy(c->location, sizeof c->location, location);
	bb_copy(c->reasons, sizeof c->reasons, res->reasons);
	c->expires = expires;
	c->seq = res->seq;
	c->match = res->match;
	c->rhd_rank = res->rhd_rank;
	c->abo_rank = res->abo_rank;
	c->pref = res->pref;
	c->held = held;
	c->away = s->location && strcmp(s->location, c->location);
}

/* Units reserved for this request, by the index units_reserved_for. */
static const char held_sql[] =
	"SELECT din, product_code, component, coalesce(abo, ''), "
	"coalesce(rhd, ''), expires_at, coalesce(location, ''), "
	"coalesce(antigens, ''), coalesce(attributes, '') FROM units "
	"WHERE status = 'reserved' AND reserved_for = ?1 "
	"ORDER BY din, product_code";

static struct held *new_held(struct sel *s)
{
	BB_GROW(s->h, s->nh, s->caph, 16);
	return memset(&s->h[s->nh++], 0, sizeof *s->h);
}

/* The units already reserved for the request: the acceptable ones are
 * candidates (ranked first), all are listed in s->h with the reason a
 * new selection would not keep them. */
static int scan_held(struct bb_ctx *ctx, struct sel *s,
		     const struct request *rq)
{
	struct compat_query q = { ctx->now, rq->needed_by, rq->emergency };
	sqlite3_stmt *st = bb_sql(ctx, held_sql, "s", rq->id);
	int rc;

	s->nh = s->nheld_ok = 0;
	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		const char *comp = bb_col_text(st, 2);
		const char *exp = bb_col_text(st, 5);
		struct compat_unit u = { comp, bb_col_text(st, 3),
					 bb_col_text(st, 4), 0,
					 bb_col_text(st, 7), bb_col_text(st, 8) };
		struct compat_result res;
		struct held *h = new_held(s);

		bb_copy(h->din, sizeof h->din, bb_col_text(st, 0));
		bb_copy(h->product, sizeof h->product, bb_col_text(st, 1));
		if (strcmp(comp, rq->component))
			xm_fmt(h->why, sizeof h->why, "component:%s>%s", comp,
			       rq->component);
		else if (bb_unit_expiry(exp, &u.expires))
			xm_fmt(h->why, sizeof h->why, "expires_at:unreadable");
		else if (!compat_check(&s->rules, &rq->x.p, &u, &q, &res))
			bb_copy(h->why, sizeof h->why, res.code);
		else {
			add_cand(s, h->din, h->product, u.abo, u.rhd, exp,
				 bb_col_text(st, 6), u.expires, &res, 1);
			s->nheld_ok++;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

/* Read one group's available stock into s->c (the units reserved for the
 * request are scan_held's).  Stops early (unless --all) once, with those,
 * `quantity` units are acceptable and the expiry moves past the last one. */
static int scan_group(struct bb_ctx *ctx, struct sel *s,
		      const struct request *rq, const char *abo,
		      const char *rhd, int horizon_only)
{
	struct compat_query q = { ctx->now, rq->needed_by, rq->emergency };
	bb_time need = rq->needed_by > ctx->now ? rq->needed_by : ctx->now;
	char lo[11], hi[17], key[64];
	sqlite3_stmt *st;
	int rc, got = s->nheld_ok;
	bb_time last = 0;

	bb_fmt_date(need, lo);
	if (horizon_only)
		bb_fmt_time(bb_add_dur(ctx->now, s->rules.horizon, 1), hi);
	else
		strcpy(hi, "9999");
	st = bb_sql(ctx, group_sql, "sssss", rq->component, abo, rhd, lo, hi);
	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		const char *din = bb_col_text(st, 0), *prod = bb_col_text(st, 1);
		const char *exp = bb_col_text(st, 2), *status = bb_col_text(st, 6);
		struct compat_unit u = { rq->component, abo, rhd, 0,
					 bb_col_text(st, 4), bb_col_text(st, 5) };
		struct compat_result res;

		if (strcmp(status, "available"))
			continue;	/* quarantined or reserved */
		if (bb_unit_expiry(exp, &u.expires))
			continue;
		if (!s->all && got >= rq->quantity && u.expires != last) {
			rc = SQLITE_DONE;	/* enough: the rest expire later */
			break;
		}
		xm_fmt(key, sizeof key, "%s\t%s", din, prod);
		if (picked_has(&s->picked, key))
			continue;
		if (!compat_check(&s->rules, &rq->x.p, &u, &q, &res)) {
			note_code(s, res.code);
			continue;
		}
		add_cand(s, din, prod, abo, rhd, exp, bb_col_text(st, 3),
			 u.expires, &res, 0);
		got++;
		last = u.expires;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

static const char *const abo_groups[] = { "O", "A", "B", "AB" };
static const char *const rhd_groups[] = { "pos", "neg" };

/* Which groups can hold acceptable units at all, and scan them. */
static int scan_stock(struct bb_ctx *ctx, struct sel *s,
		      const struct request *rq)
{
	const struct compat_patient *p = &rq->x.p;

	for (int a = 0; a < 4; a++)
		for (int h = 0; h < 2; h++) {
			enum compat_rank ra, rh;
			int rc;
			ra = compat_abo(&s->rules, p->abo, rq->component,
					abo_groups[a], NULL);
			rh = compat_rhd(&s->rules, rq->component, p->rhd,
					rhd_groups[h]);
			if (ra == COMPAT_NO || rh == COMPAT_NO)
				continue;
			if (!rq->emergency && (ra == COMPAT_EMERGENCY ||
					       rh == COMPAT_EMERGENCY)) {
				size_t len = strlen(s->egroups);
				int rhd_matters = compat_rhd(&s->rules,
					rq->component, p->rhd, "pos") !=
					compat_rhd(&s->rules, rq->component,
						   p->rhd, "neg");
				if (rhd_matters || h == 0)
					xm_fmt(s->egroups + len,
					       sizeof s->egroups - len,
					       "%s%s%s%s", len ? ", " : "",
					       abo_groups[a],
					       rhd_matters ? " " : "",
					       rhd_matters ? rhd_groups[h] : "");
				continue;
			}
			rc = scan_group(ctx, s, rq, abo_groups[a], rhd_groups[h],
					rh == COMPAT_HORIZON && !rq->emergency);
			if (rc)
				return rc;
		}
	return BB_OK;
}

static void list_text(const char (*list)[COMPAT_NAME], int n, char *out,
		      size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					i ? ";" : "", list[i]);
}

/* "... about 8 random B pos units would have to be typed (E- 0.60 x c-
 * 0.45)" */
static void typing_estimate(const struct sel *s, const struct request *rq,
			    long missing, char *out, size_t size)
{
	char need[COMPAT_MAXLIST][COMPAT_NAME];
	int n = compat_required_antigens(&s->rules, &rq->x.p, need,
					 COMPAT_MAXLIST);
	double prod = 1;
	size_t len = 0;
	char unknown[64] = "";

	out[0] = '\0';
	if (!n)
		return;
	len += (size_t)snprintf(out + len, size - len, "; antigen-negative:");
	for (int i = 0; i < n; i++) {
		double f = compat_antigen_freq(&s->rules, need[i]);
		if (f < 0) {
			xm_fmt(unknown, sizeof unknown, "%s", need[i]);
			continue;
		}
		prod *= f;
		len += (size_t)snprintf(out + len, len < size ? size - len : 0,
					" %s- %.3g%s", need[i], f,
					i + 1 < n ? " x" : "");
	}
	if (*unknown) {
		snprintf(out + len, len < size ? size - len : 0,
			 "; frequency of %s- unknown (rule_antigen_freq)",
			 unknown);
		return;
	}
	snprintf(out + len, len < size ? size - len : 0,
		 " = %.3g: about %.0f random %s%s%s units would have to be "
		 "typed", prod, ceil((double)missing / prod),
		 *rq->x.p.abo ? rq->x.p.abo : "",
		 *rq->x.p.abo && *rq->x.p.rhd ? " " : "", rq->x.p.rhd);
}

static void report_shortfall(struct bb_ctx *ctx, struct sel *s,
			     const struct request *rq, int found)
{
	char ab[512], rq_text[256], codes[512], typing[512], rules[64];
	size_t len = 0;

	list_text((const char (*)[COMPAT_NAME])rq->x.p.antibodies,
		  rq->x.p.nantibodies, ab, sizeof ab);
	list_text((const char (*)[COMPAT_NAME])rq->x.p.requirements,
		  rq->x.p.nrequirements, rq_text, sizeof rq_text);
	codes[0] = '\0';
	for (int i = 0; i < s->ncodes && len < sizeof codes; i++)
		len += (size_t)snprintf(codes + len, sizeof codes - len,
					"%s%d %s", i ? ", " : "; refused: ",
					s->code_n[i], s->codes[i]);
	if (!s->ncodes)
		xm_fmt(codes, sizeof codes, "; no %sunit of the acceptable "
		       "groups in stock", found ? "other " : "");
	typing_estimate(s, rq, rq->quantity - found, typing, sizeof typing);
	bb_err(ctx, "request '%s': short by %ld of %ld %s for patient '%s' "
	       "(%s%s%s%s%s%s%s)%s%s%s%s%s; rules %s", rq->id,
	       rq->quantity - found, rq->quantity, rq->component,
	       rq->patient_id, *rq->x.p.abo ? rq->x.p.abo : "group unknown",
	       *rq->x.p.rhd ? " " : "", rq->x.p.rhd, *ab ? "; " : "", ab,
	       *rq_text ? "; " : "", rq_text, typing, codes,
	       *s->egroups ? "; --emergency would allow " : "", s->egroups,
	       *rq->x.p.abo || rq->emergency ? "" :
	       "; type the patient or use --emergency",
	       bb_rules_name(ctx, rules));
}

static const char upsert_request_sql[] =
	"INSERT INTO requests (request_id, patient_id, component, quantity, "
	"needed_by, priority, ward, status, created_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
	"ON CONFLICT (request_id) DO UPDATE SET component = ?3, "
	"quantity = ?4, needed_by = ?5, priority = ?6, ward = ?7, status = ?8";

static const char reserve_sql[] =
	"UPDATE units SET reserved_for = ?3, reserved_at = ?4, "
	"patient_id = ?5 WHERE din = ?1 AND product_code = ?2";

static int reserve(struct bb_ctx *ctx, const struct request *rq,
		   const struct cand *c)
{
	int rc;

	if (c->held)
		return BB_OK;
	rc = bb_unit_set_status(ctx, c->din, c->product, "available",
				"reserved", "reserve",
				rq->emergency ? "emergency-release" : c->reasons,
				rq->id);
	if (rc)
		return rc;
	return bb_exec(ctx, reserve_sql, "ssstS", c->din, c->product, rq->id,
		       ctx->now, rq->patient_id);
}

/* Is the unit of h among the first n candidates (the ones chosen)? */
static int chosen(const struct sel *s, int n, const struct held *h)
{
	for (int i = 0; i < n; i++)
		if (s->c[i].held && !strcmp(s->c[i].din, h->din) &&
		    !strcmp(s->c[i].product, h->product))
			return 1;
	return 0;
}

/* Units reserved for the request before that the new selection (its
 * first n candidates) does not keep go back to available: the request
 * was selected again with a smaller quantity, another component, or a
 * unit is no longer acceptable.  Issued units are not reserved, so they
 * are never touched. */
static int release_unchosen(struct bb_ctx *ctx, const struct sel *s,
			    const struct request *rq, int n)
{
	char reason[64];
	int rc;

	for (int i = 0; i < s->nh; i++) {
		const struct held *h = &s->h[i];
		if (chosen(s, n, h))
			continue;
		if (*h->why)
			xm_fmt(reason, sizeof reason, "reselect:%s", h->why);
		else
			xm_fmt(reason, sizeof reason, "reselect:quantity=%ld",
			       rq->quantity);
		rc = bb_unit_release(ctx, h->din, h->product, reason, rq->id);
		if (rc == BB_EROWS)
			continue;	/* not reserved any more */
		if (rc)
			return BB_ESYS;
		bb_warn(ctx, "request '%s': reservation of unit '%s' released "
			"(%s)", rq->id, h->din, reason);
	}
	return BB_OK;
}

static int store_request(struct bb_ctx *ctx, const struct request *rq,
			 int found)
{
	char nb[17] = "";

	if (rq->needed_by)
		bb_fmt_time(rq->needed_by, nb);
	return bb_exec(ctx, upsert_request_sql, "sssIsssst", rq->id,
		       rq->patient_id, rq->component, (int)rq->quantity, nb,
		       rq->emergency ? "emergency" : rq->priority, rq->ward,
		       found >= rq->quantity ? "filled" : "open", ctx->now);
}

/* A placeholder patient for an emergency release to an unknown patient. */
static int store_unknown_patient(struct bb_ctx *ctx, const struct request *rq)
{
	char sex[2] = { rq->x.p.sex, 0 };

	return bb_exec(ctx, "INSERT OR IGNORE INTO patients (patient_id, name, "
		       "sex, updated_at) VALUES (?1, ?2, ?3, ?4)", "ssst",
		       rq->patient_id, rq->x.name, sex, ctx->now);
}

static void emit(struct sel *s, const struct request *rq, const struct cand *c,
		 int rank)
{
	char rk[12];
	const char *v[12];

	xm_fmt(rk, sizeof rk, "%d", rank);
	v[0] = rq->id;
	v[1] = rq->patient_id;
	v[2] = c->din;
	v[3] = c->product;
	v[4] = rq->component;
	v[5] = c->abo;
	v[6] = c->rhd;
	v[7] = c->expires_at;
	v[8] = c->location;
	v[9] = compat_rank_name((enum compat_rank)c->match);
	v[10] = rk;
	v[11] = c->reasons;
	bb_writer_row(s->w, v);
}

static int valid_component(const char *c)
{
	static const char *const comps[] = {
		"WB", "RBC", "PLT", "FFP", "FP", "CRYO", NULL
	};
	for (int i = 0; comps[i]; i++)
		if (!strcmp(c, comps[i]))
			return 1;
	return 0;
}

/* Parse and check one request record; 0 ok, -1 rejected, BB_ESYS. */
static int read_request(struct bb_ctx *ctx, struct sel *s,
			struct bb_reader *rd, struct bb_rec *rec,
			struct request *rq)
{
	const char *v, *why;
	long age;
	char sex;
	int found;

	memset(rq, 0, sizeof *rq);
	rq->id = bb_get(rd, rec, "request_id");
	rq->patient_id = bb_get(rd, rec, "patient_id");
	rq->component = bb_get(rd, rec, "component");
	rq->ward = bb_get(rd, rec, "ward");
	rq->priority = bb_get(rd, rec, "priority");
	if (!*rq->id)
		return bb_reject(ctx, rd, rec, "request_id", "empty", NULL), -1;
	if (!*rq->patient_id)
		return bb_reject(ctx, rd, rec, "patient_id", "empty", NULL), -1;
	found = bb_exists(ctx, "SELECT 1 FROM requests WHERE request_id = ?1 "
			  "AND patient_id <> ?2", "ss", rq->id, rq->patient_id);
	if (found < 0)
		return BB_ESYS;
	if (found)	/* its units are held for that patient */
		return bb_reject(ctx, rd, rec, "patient_id", "the request is "
				 "on file for another patient: give a new "
				 "request_id", rq->patient_id), -1;
	if (!valid_component(rq->component))
		return bb_reject(ctx, rd, rec, "component", "want WB, RBC, PLT, "
				 "FFP, FP or CRYO", rq->component), -1;
	if (bb_parse_int(bb_get(rd, rec, "quantity"), 1, 99, &rq->quantity))
		return bb_reject(ctx, rd, rec, "quantity", "want 1-99",
				 bb_get(rd, rec, "quantity")), -1;
	v = bb_get(rd, rec, "needed_by");
	if (*v && bb_parse_time(v, &rq->needed_by, &why))
		return bb_reject(ctx, rd, rec, "needed_by", why, v), -1;
	if (!*rq->priority)
		rq->priority = "routine";
	if (strcmp(rq->priority, "routine") && strcmp(rq->priority, "urgent") &&
	    strcmp(rq->priority, "emergency"))
		return bb_reject(ctx, rd, rec, "priority", "want routine, "
				 "urgent or emergency", rq->priority), -1;
	rq->emergency = s->emergency || !strcmp(rq->priority, "emergency");
	found = xm_patient_load(ctx, rq->patient_id, ctx->now, &rq->x);
	if (found < 0)
		return BB_ESYS;
	if (!found && !rq->emergency)
		return bb_reject(ctx, rd, rec, "patient_id", "unknown patient: "
				 "load it with 'crossmatch patients import' "
				 "or use --emergency", rq->patient_id), -1;
	rq->known = found;
	if (!found) {	/* emergency release to an unregistered patient */
		bb_copy(rq->x.id, sizeof rq->x.id, rq->patient_id);
		bb_copy(rq->x.name, sizeof rq->x.name,
			bb_get(rd, rec, "name"));
	}
	v = *bb_get(rd, rec, "sex") ? bb_get(rd, rec, "sex") : s->sex_opt;
	if (v && *v) {
		if (bb_sex_parse(v, &sex))
			return bb_reject(ctx, rd, rec, "sex", "want M or F", v), -1;
		rq->x.p.sex = sex;
	}
	v = *bb_get(rd, rec, "age") ? bb_get(rd, rec, "age") : s->age_opt;
	if (v && *v) {
		if (bb_parse_int(v, 0, 150, &age))
			return bb_reject(ctx, rd, rec, "age", "want years 0-150",
					 v), -1;
		rq->x.p.age = (int)age;
	}
	return 0;
}

static int select_row(struct bb_ctx *ctx, struct bb_reader *rd,
		      struct bb_rec *rec, void *arg)
{
	struct sel *s = arg;
	struct request rq;
	int rc, n;
	char key[64];

	rc = read_request(ctx, s, rd, rec, &rq);
	if (rc)
		return rc == BB_ESYS ? BB_ESYS : BB_OK;
	s->nc = 0;
	s->ncodes = 0;
	s->egroups[0] = '\0';
	if ((rc = scan_held(ctx, s, &rq)) || (rc = scan_stock(ctx, s, &rq)))
		return rc;
	if (s->nc > 1)
		qsort(s->c, (size_t)s->nc, sizeof *s->c, cand_cmp);
	n = s->nc < rq.quantity ? s->nc : (int)rq.quantity;
	if (s->reserve || rq.emergency) {
		if (!rq.known &&
		    (rc = store_unknown_patient(ctx, &rq)))
			return rc;
		if ((rc = store_request(ctx, &rq, n)))
			return rc;
	}
	for (int i = 0; i < (s->all ? s->nc : n); i++) {
		emit(s, &rq, &s->c[i], i + 1);
		if (i >= n)
			continue;
		xm_fmt(key, sizeof key, "%s\t%s", s->c[i].din,
			 s->c[i].product);
		picked_add(&s->picked, key);
		if ((s->reserve || rq.emergency) &&
		    (rc = reserve(ctx, &rq, &s->c[i])))
			return rc == BB_EROWS ? BB_ESYS : rc;
	}
	if ((s->reserve || rq.emergency) &&
	    (rc = release_unchosen(ctx, s, &rq, n)))
		return rc;
	if (n < rq.quantity) {
		report_shortfall(ctx, s, &rq, n);
		s->short_requests++;
	}
	return BB_OK;
}

int xm_select(struct bb_ctx *ctx, int argc, char **argv)
{
	struct sel s;
	const struct bb_opt opts[] = {
		{ "all", 0, BB_NOARG, NULL, &s.all,
		  "--all             every acceptable unit, ranked" },
		{ "reserve", 0, BB_NOARG, NULL, &s.reserve,
		  "--reserve         hold the chosen units for the request" },
		{ "emergency", 0, BB_NOARG, NULL, &s.emergency,
		  "--emergency       uncrossmatched emergency release" },
		{ "sex", 0, BB_ARG, &s.sex_opt, NULL,
		  "--sex M|F         the patient's sex (emergency release)" },
		{ "age", 0, BB_ARG, &s.age_opt, NULL,
		  "--age YEARS       the patient's age (emergency release)" },
		{ "location", 0, BB_ARG, &s.location, NULL,
		  "--location L      prefer units stored at L" },
		BB_OPT_END
	};
	int first, rc;

	memset(&s, 0, sizeof s);
	rc = bb_args(ctx, argc, argv, opts, &first);
	if (rc < 0)
		return BB_OK;
	if (rc)
		return rc;
	if (bb_db_open(ctx, (s.reserve || s.emergency) ? BB_DB_WRITE
							: BB_DB_READ) ||
	    xm_rules_load(ctx, &s.rules))
		return BB_ESYS;
	/* a batch of requests revisits the same live-stock pages: keep them
	 * (64 MB at most) rather than re-read them from the OS */
	if (bb_exec_script(ctx, "PRAGMA cache_size = -65536")) {
		compat_rules_free(&s.rules);
		return BB_ESYS;
	}
	rc = xm_each_record_out(ctx, argc, argv, first, req_cols, req_required,
				select_row, &s, sel_cols, 12, &s.w);
	compat_rules_free(&s.rules);
	picked_free(&s.picked);
	free(s.c);
	free(s.h);
	if (rc == BB_OK && s.short_requests)
		rc = BB_EATTN;
	return xm_finish(ctx, rc);
}
