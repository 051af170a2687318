/*
 * donor_check.c - donor-register check (can this donor give KIND on DATE?)
 * and recall (who to ask for a campaign, most useful first).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "donor.h"

static const char *const elig_out[] = {
	"donor_id", "kind", "on", "eligible", "next_eligible", "reasons",
	"rules"
};
static const char *const check_in[] = { "donor_id", "kind", "on", NULL };
static const char *const check_req[] = { "donor_id", NULL };

struct check_state {
	struct elig_rules rules;
	struct donor_hist hist;
	struct bb_writer *w;
	const char *kind;	/* --kind, default WB */
	bb_time on;		/* --on, default now */
	char rules_name[64];
	int ineligible;
};

/* Check one donor; 1 eligible, 0 not, -1 unknown donor, -2 db error. */
static int check_one(struct bb_ctx *ctx, struct check_state *s,
		     const char *id, const char *kind, bb_time on)
{
	struct elig_result res;
	char onb[11], nextb[11] = "";
	int rc = donor_hist_load(ctx, &s->rules, id, on, &s->hist);

	if (rc <= 0)
		return rc < 0 ? -2 : -1;
	elig_check(&s->rules, &s->hist.d, kind, on, NULL, &res);
	if (res.next != ELIG_NEVER)
		bb_fmt_date(res.next, nextb);
	const char *row[] = { id, kind, bb_fmt_date(on, onb),
			      res.eligible ? "yes" : "no", nextb, res.reasons,
			      s->rules_name };
	bb_writer_row(s->w, row);
	if (!res.eligible)
		s->ineligible++;
	return res.eligible;
}

static int check_row(struct bb_ctx *ctx, struct bb_reader *r,
		     struct bb_rec *rec, void *arg)
{
	struct check_state *s = arg;
	const char *id = bb_get(r, rec, "donor_id");
	const char *kind_in = bb_get(r, rec, "kind"), *kind = s->kind;
	const char *on_in = bb_get(r, rec, "on"), *why = "";
	bb_time on = s->on;
	int rc;

	if (*kind_in && !(kind = donor_kind_parse(kind_in))) {
		bb_reject(ctx, r, rec, "kind", "not WB, PLT, PLS or DRBC", kind_in);
		return BB_OK;
	}
	if (*on_in && bb_parse_time(on_in, &on, &why) < 0) {
		bb_reject(ctx, r, rec, "on", why, on_in);
		return BB_OK;
	}
	rc = check_one(ctx, s, id, kind, on);
	if (rc == -2)
		return BB_ESYS;
	if (rc == -1)
		bb_reject(ctx, r, rec, "donor_id", "unknown donor", id);
	return BB_OK;
}

static int check_all(struct bb_ctx *ctx, struct check_state *s)
{
	static const char sql[] = "SELECT donor_id FROM donors ORDER BY donor_id";
	sqlite3_stmt *st = bb_sql(ctx, sql, "");
	int rc;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		char id[64];
		snprintf(id, sizeof id, "%s", bb_col_text(st, 0));
		if (check_one(ctx, s, id, s->kind, s->on) == -2)
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

int donor_check(struct bb_ctx *ctx, int argc, char **argv)
{
	struct check_state s = { 0 };
	const char *donor = NULL, *kind = NULL, *on = NULL;
	int all = 0, first, rc;
	const struct bb_opt opts[] = {
		{ "donor", 0, BB_ARG, &donor, NULL, "--donor ID        check this donor (else donor_id rows from FILE)" },
		{ "kind", 0, BB_ARG, &kind, NULL, "--kind K          WB (default), PLT, PLS, DRBC" },
		{ "on", 0, BB_ARG, &on, NULL, "--on DATE         the day of the donation (default: today)" },
		{ "all", 0, BB_NOARG, NULL, &all, "--all             check every donor" },
		BB_OPT_END
	};

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc;
	s.kind = "WB";
	if (kind && !(s.kind = donor_kind_parse(kind)))
		return bb_usage_error(ctx, "--kind '%s': want WB, PLT, PLS or DRBC", kind);
	s.on = ctx->now;
	if (on && donor_opt_date(ctx, "on", on, &s.on) != BB_OK)
		return BB_EUSAGE;
	if ((donor || all) && first < argc)
		return bb_usage_error(ctx, "give --donor, --all or FILE, not both");
	if (donor && all)
		return bb_usage_error(ctx, "give --donor or --all, not both");
	if (bb_db_open(ctx, BB_DB_READ) != BB_OK ||
	    elig_rules_load(ctx, &s.rules) != BB_OK)
		return BB_ESYS;
	bb_rules_name(ctx, s.rules_name);
	donor_hist_init(&s.hist);
	s.w = bb_writer_open(ctx, elig_out, 7);
	if (!s.w) {
		rc = BB_ESYS;
		goto out;
	}
	if (donor) {
		rc = check_one(ctx, &s, donor, s.kind, s.on);
		if (rc == -1) {
			bb_err(ctx, "unknown donor '%s': see 'donor-register "
			       "export donors'", donor);
			ctx->nrejected++;
		}
		rc = rc == -2 ? BB_ESYS : BB_OK;
	} else if (all) {
		rc = check_all(ctx, &s);
	} else {
		rc = bb_each_record(ctx, argc, argv, first, check_in,
				    check_req, 0, check_row, &s);
	}
	if (bb_writer_close(s.w) != BB_OK)
		rc = BB_ESYS;
	if (rc == BB_OK && ctx->nrejected)
		rc = BB_EROWS;
	else if (rc == BB_OK && s.ineligible)
		rc = BB_EATTN;
out:
	donor_hist_free(&s.hist);
	elig_rules_free(&s.rules);
	return rc;
}

/* ---------------------------------------------------------------- recall */

struct cand {
	char *id, *name, *sex, *abo, *rhd, *phone, *region, *last, *site;
	int recent;		/* donations in the 12 months before --on */
	long total;
	double score;		/* group supply index: lower = more needed */
	char why[64];
};

struct group_supply {
	char abo[3], rhd[4];
	double donors, units;
};

static const char *const recall_out[] = {
	"donor_id", "name", "sex", "abo", "rhd", "phone", "region", "kind",
	"on", "last_donation", "last_site", "donations_12m", "rank", "reasons"
};

static const char SQL_CANDS[] =
	"SELECT d.donor_id, d.name, d.sex, d.abo, d.rhd, d.phone, d.region, "
	"(SELECT max(collected_at) FROM donations x WHERE x.donor_id = d.donor_id), "
	"(SELECT site FROM donations x WHERE x.donor_id = d.donor_id "
	" ORDER BY collected_at DESC LIMIT 1), "
	"(SELECT count(*) FROM donations x WHERE x.donor_id = d.donor_id "
	" AND x.collected_at >= ?1 AND x.collected_at < ?2), "
	"(SELECT count(*) FROM donations x WHERE x.donor_id = d.donor_id) "
	"FROM donors d WHERE (?3 IS NULL OR d.abo = ?3) "
	"AND (?4 IS NULL OR d.rhd = ?4) "
	"AND NOT EXISTS (SELECT 1 FROM recalls c WHERE c.donor_id = d.donor_id "
	" AND c.asked_at >= ?5) ORDER BY d.donor_id";
static const char SQL_GROUP_DONORS[] =
	"SELECT abo, rhd, count(*) FROM donors WHERE abo IS NOT NULL "
	"AND rhd IS NOT NULL GROUP BY abo, rhd";
static const char SQL_GROUP_UNITS[] =
	"SELECT abo, rhd, count(*) FROM units WHERE status = 'available' "
	"AND abo IS NOT NULL AND rhd IS NOT NULL AND component IN (?1, ?2) "
	"GROUP BY abo, rhd";
static const char SQL_RECALL_ADD[] =
	"INSERT OR IGNORE INTO recalls (donor_id, asked_at, kind) VALUES (?1, ?2, ?3)";

static int load_supply(struct bb_ctx *ctx, const char *kind,
		       struct group_supply *g, int *ng, int *have_units)
{
	const char *c1 = "RBC", *c2 = "WB";
	sqlite3_stmt *st;
	int rc;

	*ng = 0;
	*have_units = 0;
	if (!(st = bb_sql(ctx, SQL_GROUP_DONORS, "")))
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW && *ng < 8) {
		snprintf(g[*ng].abo, sizeof g->abo, "%s", bb_col_text(st, 0));
		snprintf(g[*ng].rhd, sizeof g->rhd, "%s", bb_col_text(st, 1));
		g[*ng].donors = sqlite3_column_double(st, 2);
		g[*ng].units = 0;
		(*ng)++;
	}
	sqlite3_reset(st);
	if (rc < 0)
		return BB_ESYS;
	if (!strcmp(kind, "PLT"))
		c1 = c2 = "PLT";
	else if (!strcmp(kind, "PLS"))
		c1 = "FFP", c2 = "FP";
	if (!(st = bb_sql(ctx, SQL_GROUP_UNITS, "ss", c1, c2)))
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		for (int i = 0; i < *ng; i++)
			if (!strcmp(g[i].abo, bb_col_text(st, 0)) &&
			    !strcmp(g[i].rhd, bb_col_text(st, 1))) {
				g[i].units = sqlite3_column_double(st, 2);
				*have_units = 1;
			}
	}
	sqlite3_reset(st);
	return rc < 0 ? BB_ESYS : BB_OK;
}

/* Supply index of a group: available units per share of donors when
 * there is stock to go by, else the group's share (rarer = lower). */
static void score(struct cand *c, const struct group_supply *g, int ng,
		  int have_units)
{
	double all = 0;

	for (int i = 0; i < ng; i++)
		all += g[i].donors;
	c->score = HUGE_VAL;
	snprintf(c->why, sizeof c->why, "group:unknown");
	for (int i = 0; i < ng; i++) {
		if (strcmp(g[i].abo, c->abo) || strcmp(g[i].rhd, c->rhd))
			continue;
		double share = all > 0 ? g[i].donors / all : 1;
		if (have_units) {
			c->score = g[i].units / share;
			snprintf(c->why, sizeof c->why, "stock:%s%s:%.0f",
				 c->abo, !strcmp(c->rhd, "pos") ? "+" : "-",
				 g[i].units);
		} else {
			c->score = share;
			snprintf(c->why, sizeof c->why, "share:%s%s:%.2f%%",
				 c->abo, !strcmp(c->rhd, "pos") ? "+" : "-",
				 100 * share);
		}
	}
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int rx = x->recent >= 2, ry = y->recent >= 2;

	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	if (rx != ry)
		return ry - rx;
	if (x->recent != y->recent)
		return y->recent - x->recent;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->id, y->id);
}

static void cand_free(struct cand *c)
{
	free(c->id); free(c->name); free(c->sex); free(c->abo); free(c->rhd);
	free(c->phone); free(c->region); free(c->last); free(c->site);
}

struct recall_opts {
	const char *on, *kind, *abo, *rhd, *site, *quiet, *limit;
};

static int recall_collect(struct bb_ctx *ctx, struct check_state *s,
			  const struct recall_opts *o, const char *abo,
			  const char *rhd, bb_time quiet_from,
			  struct cand **out, int *nout)
{
	struct group_supply g[8];
	int ng, have_units, rc, n = 0, a = 0;
	struct cand *c = NULL;
	sqlite3_stmt *st;
	bb_time from = bb_add_dur(bb_day_start(s->on),
				  (struct bb_dur){ 12, BB_MONTH }, -1);

	if (load_supply(ctx, s->kind, g, &ng, &have_units) != BB_OK)
		return BB_ESYS;
	if (!(st = bb_sql(ctx, SQL_CANDS, "ttsst", from, s->on, abo, rhd,
			  quiet_from)))
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		const char *site = bb_col_text(st, 8);
		struct elig_result res;
		struct cand k = { 0 };
		int got;

		if (o->site && strcmp(site, o->site))
			continue;
		got = donor_hist_load(ctx, &s->rules, bb_col_text(st, 0), s->on,
				      &s->hist);
		if (got < 0)
			break;
		if (!got || !elig_check(&s->rules, &s->hist.d, s->kind, s->on,
					NULL, &res))
			continue;
		k.id = bb_xstrdup(bb_col_text(st, 0));
		k.name = bb_xstrdup(bb_col_text(st, 1));
		k.sex = bb_xstrdup(bb_col_text(st, 2));
		k.abo = bb_xstrdup(bb_col_text(st, 3));
		k.rhd = bb_xstrdup(bb_col_text(st, 4));
		k.phone = bb_xstrdup(bb_col_text(st, 5));
		k.region = bb_xstrdup(bb_col_text(st, 6));
		k.last = bb_xstrdup(bb_col_text(st, 7));
		k.site = bb_xstrdup(site);
		k.recent = sqlite3_column_int(st, 9);
		k.total = sqlite3_column_int64(st, 10);
		score(&k, g, ng, have_units);
		BB_GROW(c, n, a, 64);
		c[n++] = k;
	}
	sqlite3_reset(st);
	*out = c;
	*nout = n;
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

static int recall_write(struct bb_ctx *ctx, struct check_state *s,
			struct cand *c, int n, long limit)
{
	char onb[11], rank[16], recent[16], phone[64], last[11], why[96];
	struct bb_writer *w = bb_writer_open(ctx, recall_out, 14);

	if (!w)
		return BB_ESYS;
	bb_fmt_date(s->on, onb);
	for (int i = 0; i < n && (limit <= 0 || i < limit); i++) {
		snprintf(rank, sizeof rank, "%d", i + 1);
		snprintf(recent, sizeof recent, "%d", c[i].recent);
		snprintf(last, sizeof last, "%.10s", c[i].last);
		snprintf(why, sizeof why, "%s%s", c[i].why,
			 c[i].recent >= 2 ? ";repeat" : "");
		bb_mask_phone(ctx, c[i].phone, phone, sizeof phone);
		const char *row[] = { c[i].id, c[i].name, c[i].sex, c[i].abo,
				      c[i].rhd, phone, c[i].region, s->kind,
				      onb, last, c[i].site, recent, rank, why };
		bb_writer_row(w, row);
		if (bb_exec(ctx, SQL_RECALL_ADD, "sts", c[i].id, ctx->now,
			    s->kind) == BB_ESYS) {
			bb_writer_close(w);
			return BB_ESYS;
		}
	}
	return bb_writer_close(w);
}

int donor_recall(struct bb_ctx *ctx, int argc, char **argv)
{
	struct check_state s = { 0 };
	struct recall_opts o = { 0 };
	const struct bb_opt opts[] = {
		{ "on", 0, BB_ARG, &o.on, NULL, "--on DATE         the campaign day (required)" },
		{ "kind", 0, BB_ARG, &o.kind, NULL, "--kind K          WB, PLT, PLS or DRBC (required)" },
		{ "abo", 0, BB_ARG, &o.abo, NULL, "--abo G           only this ABO group (or a whole group: O-)" },
		{ "rhd", 0, BB_ARG, &o.rhd, NULL, "--rhd pos|neg     only this RhD" },
		{ "site", 0, BB_ARG, &o.site, NULL, "--site S          donors whose last donation was at S" },
		{ "not-asked-within", 0, BB_ARG, &o.quiet, NULL, "--not-asked-within DUR  skip donors asked lately (default 30d)" },
		{ "limit", 0, BB_ARG, &o.limit, NULL, "--limit N         at most N donors" },
		BB_OPT_END
	};
	char abo[3] = "", rhd[4] = "", qbuf[24];
	struct bb_dur quiet;
	struct cand *c = NULL;
	long limit = 0;
	int first, rc, n = 0;
	const char *why = "";

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc;
	if (first < argc)
		return bb_usage_error(ctx, "recall takes no FILE operands");
	if (!o.on || !o.kind)
		return bb_usage_error(ctx, "recall needs --on DATE and --kind K");
	if (!(s.kind = donor_kind_parse(o.kind)))
		return bb_usage_error(ctx, "--kind '%s': want WB, PLT, PLS or DRBC", o.kind);
	if (donor_opt_date(ctx, "on", o.on, &s.on) != BB_OK)
		return BB_EUSAGE;
	if (o.abo && (bb_abo_parse(ctx, o.abo, abo, rhd) < 0 || !*abo))
		return bb_usage_error(ctx, "--abo '%s': want O, A, B or AB", o.abo);
	if (o.rhd) {
		char a2[3], r2[4];
		char tmp[32];
		snprintf(tmp, sizeof tmp, "O %s", o.rhd);
		if (bb_abo_parse(ctx, tmp, a2, r2) < 0 || !*r2)
			return bb_usage_error(ctx, "--rhd '%s': want pos or neg", o.rhd);
		memcpy(rhd, r2, sizeof rhd);
	}
	if (o.limit && bb_parse_int(o.limit, 1, 100000000, &limit) < 0)
		return bb_usage_error(ctx, "--limit '%s': want a positive number", o.limit);
	if (bb_db_open(ctx, BB_DB_WRITE) != BB_OK ||
	    elig_rules_load(ctx, &s.rules) != BB_OK)
		return BB_ESYS;
	if (!o.quiet)
		o.quiet = bb_setting(ctx, "recall_quiet", "30d", qbuf, sizeof qbuf);
	if (bb_parse_dur(o.quiet, &quiet, &why) < 0)
		return bb_usage_error(ctx, "--not-asked-within '%s': %s", o.quiet, why);
	donor_hist_init(&s.hist);
	if (bb_db_begin(ctx) != BB_OK) {
		rc = BB_ESYS;
		goto out;
	}
	rc = recall_collect(ctx, &s, &o, abo, rhd,
			    bb_add_dur(ctx->now, quiet, -1), &c, &n);
	if (rc == BB_OK) {
		if (n > 1)
			qsort(c, (size_t)n, sizeof *c, cand_cmp);
		rc = recall_write(ctx, &s, c, n, limit);
	}
	rc = donor_finish(ctx, rc);
out:
	for (int i = 0; i < n; i++)
		cand_free(&c[i]);
	free(c);
	donor_hist_free(&s.hist);
	elig_rules_free(&s.rules);
	return rc;
}
