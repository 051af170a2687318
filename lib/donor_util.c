/*
 * donor_util.c - what the donor-register subcommands share: the end of a
 * batch, and a donor's history for elig_check().
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "donor.h"

int donor_finish(struct bb_ctx *ctx, int rc)
{
	if (rc == BB_ESYS) {
		bb_db_rollback(ctx);
		return BB_ESYS;
	}
	/* a batch that read no record never began its transaction */
	if (!sqlite3_get_autocommit(ctx->db) && bb_db_commit(ctx) != BB_OK)
		return BB_ESYS;
	if (ctx->stop)
		bb_err(ctx, "--strict: stopped at the first bad row, nothing "
		       "was changed");
	return ctx->nrejected > 0 ? BB_EROWS : BB_OK;
}

void donor_hist_init(struct donor_hist *h)
{
	memset(h, 0, sizeof *h);
}

void donor_hist_free(struct donor_hist *h)
{
	free(h->don);
	free(h->def);
	donor_hist_init(h);
}

/*
 * One statement per donor: the donor, one row per donation from the
 * window on (and later ones; one row of NULLs when none), and every
 * deferral as ';'-joined 'a|b|c|d' text.  Without the deferrals when the
 * caller knows the table is empty for the whole batch (h->no_deferrals).
 */
#define SQL_DONOR_HEAD \
	"SELECT d.sex, d.birth_date, n.collected_at, n.kind, n.volume_ml, "
#define SQL_DONOR_TAIL \
	" FROM donors d LEFT JOIN donations n ON n.donor_id = ?1 " \
	"AND n.collected_at >= ?2 WHERE d.donor_id = ?1"
static const char SQL_DONOR[] = SQL_DONOR_HEAD
	"(SELECT group_concat(code || '|' || start || '|' || coalesce(until, '') "
	"  || '|' || permanent, ';') FROM deferrals WHERE donor_id = ?1)"
	SQL_DONOR_TAIL;
static const char SQL_DONOR_NODEF[] = SQL_DONOR_HEAD "''" SQL_DONOR_TAIL;
/* Whether an older donation makes a repeat donor: asked only when the
 * answer can matter (repeat_matters). */
static const char SQL_REPEAT[] =
	"SELECT EXISTS (SELECT 1 FROM donations WHERE donor_id = ?1 "
	"AND collected_at < ?2)";

/* elig_check() looks at the repeat flag only for a donor older than the
 * upper limit of an "age" criterion; younger than every such limit, the
 * flag cannot change a decision.  The lowest such limit (INT_MAX: none),
 * worked out once per rules. */
static int repeat_age(const struct elig_rules *r)
{
	int lim = INT_MAX;

	for (int i = 0; i < r->ncrit; i++)
		if (r->crit[i].has_max && !strcmp(r->crit[i].name, "age") &&
		    r->crit[i].max < lim)	/* int age > max: > floor(max) */
			lim = r->crit[i].max < INT_MIN + 1.0 ? INT_MIN + 1
				: (int)floor(r->crit[i].max);
	return lim;
}

/* h->memo_start(_s): the history window's start for a check on `on`;
 * the same day as the last donor's (a batch is mostly one day or a
 * few) is known already. */
static void window_start(const struct elig_rules *rules, bb_time on,
			 struct donor_hist *h)
{
	bb_time day = elig_day_start(on);

	if (h->memo_rules != rules || h->memo_day != day) {
		h->memo_start = elig_history_start(rules, on);
		bb_fmt_time(h->memo_start, h->memo_start_s);
		h->memo_day = day;
		if (h->memo_rules != rules)
			h->repeat_age = repeat_age(rules);
		h->memo_rules = rules;
	}
}

static bb_time parse_or_zero(const char *s)
{
	bb_time t = 0;
	const char *why;

	if (!*s || bb_parse_time(s, &t, &why) < 0)
		return 0;
	return t;
}

static struct elig_donation *new_donation(struct donor_hist *h)
{
	BB_GROW(h->don, h->ndon, h->adon, 16);
	return &h->don[h->ndon++];
}

static struct elig_deferral *new_deferral(struct donor_hist *h)
{
	BB_GROW(h->def, h->ndef, h->adef, 8);
	return &h->def[h->ndef++];
}

static void point(struct donor_hist *h, int repeat)
{
	h->d.sex = h->sex;
	h->d.birth = h->birth;
	h->d.repeat = repeat;
	h->d.hist = h->don;
	h->d.nhist = h->ndon;
	h->d.def = h->def;
	h->d.ndef = h->ndef;
}

/* Split "a|b|c|d" in place into at most n fields; returns the count. */
static int fields(char *s, char **f, int n)
{
	int k = 0;

	while (k < n) {
		f[k++] = s;
		if (!(s = strchr(s, '|')))
			break;
		*s++ = 0;
	}
	return k;
}

/* Walk the ";"-joined deferrals, "code|start|until|permanent" each. */
static void parse_deferrals(struct donor_hist *h, const char *list)
{
	char buf[256], *f[4];

	for (const char *p = list; *p;) {
		const char *e = strchr(p, ';');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n < sizeof buf) {
			memcpy(buf, p, n);
			buf[n] = 0;
			if (fields(buf, f, 4) == 4) {
				struct elig_deferral *d = new_deferral(h);
				snprintf(d->code, sizeof d->code, "%s", f[0]);
				d->start = parse_or_zero(f[1]);
				d->permanent = atoi(f[3]);
				d->until = d->permanent ? ELIG_NEVER : parse_or_zero(f[2]);
			}
		}
		if (!e)
			break;
		p = e + 1;
	}
}

/* A stored volume as elig_check() gets it: as text read back, as the
 * lists had it (the same rounding).  A whole number of ml (the usual)
 * reads back as itself: no text needed. */
static double volume(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_FLOAT ||
	    sqlite3_column_type(st, i) == SQLITE_INTEGER) {
		double v = sqlite3_column_double(st, i);

		if (v == floor(v) && fabs(v) < 1e15)
			return v;
	}
	return atof(bb_col_text(st, i));
}

int donor_hist_load(struct bb_ctx *ctx, const struct elig_rules *rules,
		    const char *id, bb_time on, struct donor_hist *h)
{
	sqlite3_stmt *st;
	int rc, repeat;
	size_t n = strlen(id);

	h->ndon = h->ndef = 0;
	if (n >= sizeof h->donor_id)
		return 0;
	memcpy(h->donor_id, id, n + 1);
	window_start(rules, on, h);
	/* the window start as text formatted once per day, bound in place */
	if (!(st = bb_sql(ctx, h->no_deferrals ? SQL_DONOR_NODEF : SQL_DONOR,
			  "ss", id, h->memo_start_s)))
		return -1;
	rc = bb_step(ctx, st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	h->sex = bb_col_text(st, 0)[0];
	h->birth = parse_or_zero(bb_col_text(st, 1));
	parse_deferrals(h, bb_col_text(st, 5));
	do {
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			struct elig_donation *d = new_donation(h);
			d->at = parse_or_zero(bb_col_text(st, 2));
			bb_copy(d->kind, sizeof d->kind, bb_col_text(st, 3));
			d->volume_ml = volume(st, 4);
		}
	} while ((rc = bb_step(ctx, st)) == SQLITE_ROW);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	repeat = 0;
	if (h->repeat_age != INT_MAX &&
	    bb_age_years(h->birth, on) > h->repeat_age) {
		if (!(st = bb_sql(ctx, SQL_REPEAT, "ss", id, h->memo_start_s)))
			return -1;
		rc = bb_step(ctx, st);
		repeat = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return -1;
	}
	/* group_concat order is not promised: sort the few donations */
	for (int i = 1; i < h->ndon; i++)
		for (int j = i; j > 0 && h->don[j - 1].at > h->don[j].at; j--) {
			struct elig_donation t = h->don[j];
			h->don[j] = h->don[j - 1];
			h->don[j - 1] = t;
		}
	point(h, repeat);
	return 1;
}

void donor_hist_add(struct donor_hist *h, bb_time at, const char *kind,
		    double volume_ml)
{
	struct elig_donation *d = new_donation(h);
	int i;

	/* insertion sort: the new one is usually the latest */
	for (i = h->ndon - 1; i > 0 && h->don[i - 1].at > at; i--)
		h->don[i] = h->don[i - 1];
	d = &h->don[i];
	d->at = at;
	snprintf(d->kind, sizeof d->kind, "%s", kind);
	d->volume_ml = volume_ml;
	point(h, h->d.repeat);
}

const char *donor_date(bb_time t, char buf[static 11])
{
	return bb_fmt_date(t, buf);
}

const char *donor_kind_parse(const char *s)
{
	static const struct { const char *in, *kind; } k[] = {
		{ "WB", "WB" }, { "PLT", "PLT" }, { "PLS", "PLS" },
		{ "DRBC", "DRBC" }, { "全血", "WB" }, { "血小板", "PLT" },
		{ "单采血小板", "PLT" }, { "机采血小板", "PLT" },
		{ "血浆", "PLS" }, { "单采血浆", "PLS" },
		{ "双份红细胞", "DRBC" }, { "2RBC", "DRBC" },
	};

	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
		if (bb_streq_ci(s, k[i].in))
			return k[i].kind;
	return NULL;
}

int donor_opt_date(struct bb_ctx *ctx, const char *opt, const char *s,
		   bb_time *t)
{
	const char *why = "";

	if (bb_parse_time(s, t, &why) < 0)
		return bb_usage_error(ctx, "--%s '%s': %s (want YYYY-MM-DD)",
				      opt, s, why);
	return BB_OK;
}
