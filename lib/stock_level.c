/*
 * stock_level.c - stock targets, alert levels and the stock-line table.
 *
 * The level logic is the whole of NHSBT's trigger rule applied per group:
 * a line is critical below the critical threshold (NHSBT: red cells < 2
 * days, platelets < 0.5 day, the Amber trigger), low below the low
 * threshold, else ok.  A line with stock and no demand is ok.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "stock.h"

static void copy_field(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

void stock_targets_add(struct stock_targets *ts, const struct stock_target *t)
{
	BB_GROW(ts->v, ts->n, ts->cap, 16);
	ts->v[ts->n++] = *t;
}

void stock_targets_free(struct stock_targets *ts)
{
	free(ts->v);
	ts->v = NULL;
	ts->n = ts->cap = 0;
}

int stock_targets_load(struct bb_ctx *ctx, struct stock_targets *ts)
{
	static const char sql[] =
		"SELECT component, abo, rhd, target_days, low_days,"
		" critical_days FROM main.rule_stock_targets";
	sqlite3_stmt *st = bb_sql(ctx, sql, "");
	int rc;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		struct stock_target t;
		memset(&t, 0, sizeof t);
		copy_field(t.component, sizeof t.component, bb_col_text(st, 0));
		copy_field(t.abo, sizeof t.abo, bb_col_text(st, 1));
		copy_field(t.rhd, sizeof t.rhd, bb_col_text(st, 2));
		t.has_target = sqlite3_column_type(st, 3) != SQLITE_NULL;
		t.target = sqlite3_column_double(st, 3);
		t.low = sqlite3_column_double(st, 4);
		t.critical = sqlite3_column_double(st, 5);
		stock_targets_add(ts, &t);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

/* 0 no match, else 1 + the number of exact (non-wildcard) fields. */
static int target_score(const struct stock_target *t, const char *component,
			const char *abo, const char *rhd)
{
	int score = 1;

	if (strcmp(t->component, component) != 0)
		return 0;
	if (strcmp(t->abo, "*") != 0) {
		if (strcmp(t->abo, abo) != 0)
			return 0;
		score += 2;	/* a group beats an RhD type */
	}
	if (strcmp(t->rhd, "*") != 0) {
		if (strcmp(t->rhd, rhd) != 0)
			return 0;
		score += 1;
	}
	return score;
}

const struct stock_target *stock_target_find(const struct stock_targets *ts,
					     const char *component,
					     const char *abo, const char *rhd)
{
	const struct stock_target *best = NULL;
	int best_score = 0;

	for (int i = 0; i < ts->n; i++) {
		int s = target_score(&ts->v[i], component, abo, rhd);
		if (s > best_score) {
			best = &ts->v[i];
			best_score = s;
		}
	}
	return best;
}

enum stock_level stock_level_of(const struct stock_target *t, double days)
{
	if (!t)
		return LEVEL_NONE;
	if (days < 0)
		return LEVEL_OK;	/* no demand: nothing runs short */
	if (days < t->critical)
		return LEVEL_CRITICAL;
	if (days < t->low)
		return LEVEL_LOW;
	return LEVEL_OK;
}

const char *stock_level_name(enum stock_level l)
{
	switch (l) {
	case LEVEL_OK: return "ok";
	case LEVEL_LOW: return "low";
	case LEVEL_CRITICAL: return "critical";
	default: return "";
	}
}

static int rank_in(const char *const *names, const char *s)
{
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(names[i], s))
			return i;
	return i;
}

int stock_component_rank(const char *c)
{
	static const char *const order[] =
		{ "WB", "RBC", "PLT", "FFP", "FP", "CRYO", NULL };
	return rank_in(order, c);
}

int stock_abo_rank(const char *abo)
{
	static const char *const order[] = { "O", "A", "B", "AB", NULL };
	return rank_in(order, abo);
}

int stock_rhd_rank(const char *rhd)
{
	static const char *const order[] = { "neg", "pos", NULL };
	return rank_in(order, rhd);
}

struct stock_line *stock_line_get(struct stock_report *rep,
				  const char *component, const char *abo,
				  const char *rhd, const char *site,
				  const char *date)
{
	struct stock_line *l;

	site = site ? site : "";
	date = date ? date : "";
	for (int i = 0; i < rep->n; i++) {
		l = &rep->v[i];
		if (!strcmp(l->component, component) && !strcmp(l->abo, abo) &&
		    !strcmp(l->rhd, rhd) && !strcmp(l->site, site) &&
		    !strcmp(l->date, date))
			return l;
	}
	BB_GROW(rep->v, rep->n, rep->cap, 32);
	l = &rep->v[rep->n++];
	memset(l, 0, sizeof *l);
	copy_field(l->component, sizeof l->component, component);
	copy_field(l->abo, sizeof l->abo, abo);
	copy_field(l->rhd, sizeof l->rhd, rhd);
	l->site = bb_xstrdup(site);
	l->date = bb_xstrdup(date);
	l->days = -1;
	l->level = LEVEL_NONE;
	return l;
}

static int line_cmp(const void *pa, const void *pb)
{
	const struct stock_line *a = pa, *b = pb;
	int d;

	if ((d = strcmp(a->date, b->date)) != 0)
		return d;
	if ((d = strcmp(a->site, b->site)) != 0)
		return d;
	if ((d = stock_component_rank(a->component) -
		 stock_component_rank(b->component)) != 0)
		return d;
	if ((d = strcmp(a->component, b->component)) != 0)
		return d;
	if ((d = stock_abo_rank(a->abo) - stock_abo_rank(b->abo)) != 0)
		return d;
	return stock_rhd_rank(a->rhd) - stock_rhd_rank(b->rhd);
}

void stock_report_sort(struct stock_report *rep)
{
	if (rep->n > 1)
		qsort(rep->v, rep->n, sizeof *rep->v, line_cmp);
}

void stock_report_levels(struct stock_report *rep,
			 const struct stock_targets *ts)
{
	for (int i = 0; i < rep->n; i++) {
		struct stock_line *l = &rep->v[i];
		const struct stock_target *t =
			stock_target_find(ts, l->component, l->abo, l->rhd);
		l->has_target = t && t->has_target;
		l->target = t ? t->target : 0;
		l->has_rule = t != NULL;
		l->low = t ? t->low : 0;
		l->critical = t ? t->critical : 0;
		l->level = stock_level_of(t, l->days);
	}
}

int stock_report_any_critical(const struct stock_report *rep)
{
	for (int i = 0; i < rep->n; i++)
		if (rep->v[i].level == LEVEL_CRITICAL)
			return 1;
	return 0;
}

void stock_report_free(struct stock_report *rep)
{
	for (int i = 0; i < rep->n; i++) {
		free(rep->v[i].site);
		free(rep->v[i].date);
	}
	free(rep->v);
	rep->v = NULL;
	rep->n = rep->cap = 0;
}

char *stock_fmt_days(double d, char buf[static 32])
{
	if (d < 0)
		buf[0] = '\0';
	else
		snprintf(buf, 32, "%.2f", d);
	return buf;
}

/* Parse one CSV line of simple fields (no quotes in the target table). */
static int split_simple(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == ',') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

int stock_targets_builtin(struct bb_ctx *ctx, const char *profile,
			  struct stock_targets *ts)
{
	char name[64], *text, *line, *save = NULL;
	const struct bb_embedded *e;

	snprintf(name, sizeof name, "rules/%s/stock_targets.csv", profile);
	if (!(e = bb_embedded_find(name))) {
		bb_err(ctx, "no built-in stock targets for profile '%s'",
		       profile);
		return BB_ESYS;
	}
	text = bb_xmalloc(e->len + 1);
	memcpy(text, e->data, e->len);
	text[e->len] = '\0';
	line = strtok_r(text, "\r\n", &save);	/* the header */
	while ((line = strtok_r(NULL, "\r\n", &save))) {
		char *f[8];
		struct stock_target t;
		if (split_simple(line, f, 8) < 6)
			continue;
		memset(&t, 0, sizeof t);
		copy_field(t.component, sizeof t.component, f[0]);
		copy_field(t.abo, sizeof t.abo, f[1]);
		copy_field(t.rhd, sizeof t.rhd, f[2]);
		t.has_target = *f[3] != '\0';
		t.target = atof(f[3]);
		t.low = atof(f[4]);
		t.critical = atof(f[5]);
		stock_targets_add(ts, &t);
	}
	free(text);
	return BB_OK;
}
