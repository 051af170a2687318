/*
 * sweep_temps.c - expiry-sweep --temps: storage-temperature excursions.
 *
 * The readings (location, at, celsius) are stored in `temperatures`.  For
 * every location in the file and every component class stored there, the
 * readings around the file's time span are walked in time order: a run of
 * readings outside the class's range (rule_storage) is an excursion from
 * its first reading out to the first reading back in range (or to the
 * last reading when it never came back).  An excursion longer than the
 * tolerance quarantines the live units of that class at that location
 * that were in stock before it ended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stock.h"
#include "sweep.h"

int sweep_temp_out(const struct temp_range *range, double c)
{
	return (range->has_min && c < range->min) ||
	       (range->has_max && c > range->max);
}

/* How far a reading is outside the range, degrees. */
static double distance_out(const struct temp_range *range, double c)
{
	if (range->has_min && c < range->min)
		return range->min - c;
	if (range->has_max && c > range->max)
		return c - range->max;
	return 0;
}

int sweep_excursions(const struct temp_reading *r, int n,
		     const struct temp_range *range, bb_time tolerance,
		     struct excursion *out, int max)
{
	int found = 0;

	for (int i = 0; i < n; ) {
		struct excursion e;
		int j;

		if (!sweep_temp_out(range, r[i].celsius)) {
			i++;
			continue;
		}
		e.start = r[i].at;
		e.worst = r[i].celsius;
		for (j = i; j < n && sweep_temp_out(range, r[j].celsius); j++)
			if (distance_out(range, r[j].celsius) >
			    distance_out(range, e.worst))
				e.worst = r[j].celsius;
		e.end = j < n ? r[j].at : r[j - 1].at;
		if (e.end - e.start > tolerance) {
			if (found < max)
				out[found] = e;
			found++;
		}
		i = j;
	}
	return found;
}

struct location {
	char *name;
	bb_time first, last;
};

struct locations {
	struct location *v;
	int n, cap;
};

static void note_location(struct locations *ls, const char *name, bb_time at)
{
	for (int i = 0; i < ls->n; i++)
		if (!strcmp(ls->v[i].name, name)) {
			if (at < ls->v[i].first)
				ls->v[i].first = at;
			if (at > ls->v[i].last)
				ls->v[i].last = at;
			return;
		}
	BB_GROW(ls->v, ls->n, ls->cap, 8);
	ls->v[ls->n].name = bb_xstrdup(name);
	ls->v[ls->n].first = ls->v[ls->n].last = at;
	ls->n++;
}

static void free_locations(struct locations *ls)
{
	for (int i = 0; i < ls->n; i++)
		free(ls->v[i].name);
	free(ls->v);
}

/* Read the file into `temperatures`; bad rows rejected. */
static int store_readings(struct bb_ctx *ctx, const char *path,
			  struct locations *ls)
{
	static const char *const cols[] = { "location", "at", "celsius", NULL };
	static const char sql[] =
		"INSERT OR REPLACE INTO temperatures (location, at, celsius)"
		" VALUES (?, ?, ?)";
	struct bb_reader *r = bb_reader_open(ctx, path);
	struct bb_rec *rec;
	int got = 0, rc = BB_OK;

	if (!r)
		return BB_ESYS;
	if (bb_reader_columns(r, cols, cols) != BB_OK) {
		bb_reader_close(r);
		return BB_OK;	/* reported and counted as rejected */
	}
	while (!ctx->stop && (got = bb_reader_next(r, &rec)) == 1) {
		const char *loc = bb_get(r, rec, "location");
		const char *at_s = bb_get(r, rec, "at");
		const char *c_s = bb_get(r, rec, "celsius");
		const char *why;
		bb_time at;
		double c;

		if (!*loc) {
			bb_reject(ctx, r, rec, "location", "missing", NULL);
			continue;
		}
		if (bb_parse_time(at_s, &at, &why) != 0) {
			bb_reject(ctx, r, rec, "at", why, at_s);
			continue;
		}
		if (bb_parse_num(c_s, -273.15, 100, &c) != 0) {
			bb_reject(ctx, r, rec, "celsius",
				  "not a temperature in degrees Celsius", c_s);
			continue;
		}
		if ((rc = bb_exec(ctx, sql, "std", loc, at, c)) != BB_OK)
			break;
		note_location(ls, loc, at);
	}
	bb_reader_close(r);
	if (got < 0)
		return BB_ESYS;
	return rc;
}

/* Readings of a location from the last one before `first` to `last`. */
static int load_readings(struct bb_ctx *ctx, const struct location *l,
			 struct temp_reading **out, int *n)
{
	static const char sql[] =
		"SELECT at, celsius FROM temperatures WHERE location = ?1"
		" AND at >= coalesce((SELECT max(at) FROM temperatures"
		"  WHERE location = ?1 AND at < ?2), ?2) AND at <= ?3"
		" ORDER BY at";
	sqlite3_stmt *st = bb_sql(ctx, sql, "stt", l->name, l->first, l->last);
	int rc, cap = 0;

	*out = NULL;
	*n = 0;
	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		const char *why;
		BB_GROW(*out, *n, cap, 64);
		if (bb_parse_time(bb_col_text(st, 0), &(*out)[*n].at, &why))
			continue;
		(*out)[*n].celsius = sqlite3_column_double(st, 1);
		(*n)++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

static int storage_range(struct bb_ctx *ctx, const char *component,
			 struct temp_range *range)
{
	static const char sql[] =
		"SELECT min_c, max_c FROM rule_storage WHERE component = ?";
	sqlite3_stmt *st = bb_sql(ctx, sql, "s", component);
	int found = 0;

	memset(range, 0, sizeof *range);
	if (st && bb_step(ctx, st) == SQLITE_ROW) {
		range->has_min = sqlite3_column_type(st, 0) != SQLITE_NULL;
		range->min = sqlite3_column_double(st, 0);
		range->has_max = sqlite3_column_type(st, 1) != SQLITE_NULL;
		range->max = sqlite3_column_double(st, 1);
		found = range->has_min || range->has_max;
	}
	if (st)
		sqlite3_reset(st);
	return found;
}

static void fmt_reason(char *buf, size_t n, const char *component,
		       const struct temp_range *range,
		       const struct excursion *e, struct bb_dur tolerance)
{
	char lo[24] = "", hi[24] = "", tol[24], since[17];

	if (range->has_min)
		snprintf(lo, sizeof lo, "%g", range->min);
	if (range->has_max)
		snprintf(hi, sizeof hi, "%g", range->max);
	snprintf(buf, n, "temperature:%s:%s..%sC:seen=%gC:%ldm>%s:since=%s",
		 component, lo, hi, e->worst, (long)((e->end - e->start) / 60),
		 bb_fmt_dur(tolerance, tol), bb_fmt_time(e->start, since));
}

/* Quarantine the live units of a class stored at a location that were in
 * stock before the excursion ended. */
static int quarantine_units(struct bb_ctx *ctx, struct sweep_actions *a,
			    const char *location, const char *component,
			    const struct excursion *e, const char *reason)
{
	static const char sql[] =
		"SELECT " SWEEP_UNIT_COLS
		" FROM units u INDEXED BY units_live_expiry"
		" WHERE status IN ('quarantine','available','reserved')"
		" AND status != 'quarantine' AND location = ? AND component = ?"
		" AND coalesce((SELECT min(x.at) FROM unit_events x"
		"  WHERE x.din = u.din AND x.product_code = u.product_code),"
		"  u.collected_at, '') <= ?"
		" ORDER BY din, product_code";
	sqlite3_stmt *st = bb_sql(ctx, sql, "sst", location, component, e->end);
	int rc, n0 = a->n;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW)
		sweep_action_add(a, st, "quarantine", reason);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return BB_ESYS;
	return sweep_actions_apply(ctx, a, n0, "quarantine", location);
}

static int sweep_location(struct bb_ctx *ctx, struct sweep_actions *a,
			  const struct location *l, struct bb_dur tolerance)
{
	static const char classes_sql[] =
		"SELECT DISTINCT component FROM units"
		" WHERE status IN ('quarantine','available','reserved')"
		" AND location = ? ORDER BY 1";
	bb_time tol = bb_add_dur(ctx->now, tolerance, 1) - ctx->now;
	struct temp_reading *r;
	char **classes = NULL;
	int nr, nclasses = 0, rc;
	sqlite3_stmt *st;

	if ((rc = load_readings(ctx, l, &r, &nr)) != BB_OK)
		return rc;
	if (!(st = bb_sql(ctx, classes_sql, "s", l->name))) {
		free(r);
		return BB_ESYS;
	}
	while (bb_step(ctx, st) == SQLITE_ROW) {
		classes = bb_xrealloc(classes, (nclasses + 1) * sizeof *classes);
		classes[nclasses++] = bb_xstrdup(bb_col_text(st, 0));
	}
	sqlite3_reset(st);
	for (int c = 0; c < nclasses && rc == BB_OK; c++) {
		struct temp_range range;
		struct excursion ex[64];
		int nex;

		if (!storage_range(ctx, classes[c], &range))
			continue;
		nex = sweep_excursions(r, nr, &range, tol, ex, 64);
		for (int i = 0; i < nex && i < 64 && rc == BB_OK; i++) {
			char reason[160];
			fmt_reason(reason, sizeof reason, classes[c], &range,
				   &ex[i], tolerance);
			rc = quarantine_units(ctx, a, l->name, classes[c],
					      &ex[i], reason);
		}
	}
	for (int c = 0; c < nclasses; c++)
		free(classes[c]);
	free(classes);
	free(r);
	return rc;
}

int sweep_temps(struct bb_ctx *ctx, struct sweep_actions *a,
		const char *path, struct bb_dur tolerance)
{
	struct locations ls = { 0 };
	int rc = store_readings(ctx, path, &ls);

	for (int i = 0; rc == BB_OK && i < ls.n; i++)
		rc = sweep_location(ctx, a, &ls.v[i], tolerance);
	free_locations(&ls);
	return rc;
}
