/*
 * fc_input.c - forecast: shared options, calendars and the series input
 * (CSV/TSV "date,value" or "date,series,value", or the database: daily
 * issues per component x ABO/RhD, daily collections per donation kind).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc_cmd.h"

char *fc_day_str(int day, char buf[static 11])
{
	return bb_fmt_date((bb_time)day * BB_DAY, buf);
}

static int day_of(bb_time t)
{
	return (int)(t >= 0 ? t / BB_DAY : -((-t + BB_DAY - 1) / BB_DAY));
}

int fc_month_of_day(int day)
{
	int y, m, d;
	bb_civil_from_days(day, &y, &m, &d);
	return y * 12 + m - 1;
}

int fc_month_first_day(int month)
{
	return (int)bb_days_from_civil(month / 12, month % 12 + 1, 1);
}

char *fc_step_str(const struct fc_common *c, int i, char buf[static 11])
{
	return fc_day_str(c->monthly ? fc_month_first_day(i) : i, buf);
}

static int load_calendar(struct bb_ctx *ctx, struct fc_common *c)
{
	char err[160], path[64];
	const char *name = c->holidays ? c->holidays : "cn";

	c->have_cal = 0;
	if (!strcmp(name, "none"))
		return BB_OK;
	if (!strcmp(name, "cn") || !strcmp(name, "my")) {
		snprintf(path, sizeof path, "data/holidays-%s.csv", name);
		const struct bb_embedded *e = bb_embedded_find(path);
		if (!e) {
			bb_err(ctx, "built-in calendar '%s' missing from this build", name);
			return BB_ESYS;
		}
		if (fc_cal_parse(ctx, &c->cal, path, (const char *)e->data,
				 e->len, err, sizeof err)) {
			bb_err(ctx, "calendar '%s': %s", name, err);
			return BB_ESYS;
		}
		c->have_cal = 1;
		return BB_OK;
	}
	FILE *fp = fopen(name, "rb");
	if (!fp) {
		bb_err(ctx, "cannot open calendar '%s': %m; use cn, my, none or a "
		       "CSV file with columns date,name,days", name);
		return BB_EUSAGE;
	}
	size_t cap = 1 << 16, len = 0, got;
	char *buf = bb_xmalloc(cap);
	while ((got = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += got;
		if (len == cap)
			buf = bb_xrealloc(buf, cap *= 2);
	}
	fclose(fp);
	int rc = fc_cal_parse(ctx, &c->cal, name, buf, len, err, sizeof err);
	free(buf);
	if (rc) {
		bb_err(ctx, "calendar '%s': %s", name, err);
		return BB_EUSAGE;
	}
	c->have_cal = 1;
	return BB_OK;
}

/* The series is monthly (given or found): a yearly season, no holidays,
 * the horizon in months. */
static void month_setup(struct bb_ctx *ctx, struct fc_common *c)
{
	if (c->holidays && strcmp(c->holidays, "none"))
		bb_warn(ctx, "--holidays '%s' ignored: holiday calendars are "
			"for daily series, not monthly ones", c->holidays);
	c->monthly = 1;
	c->weekly = 0;
	c->fo.period = 12;
	c->fo.no_calendar = 1;
	c->fo.cal = NULL;
	if (!c->horizon)
		c->h = 12;
}

int fc_common_parse(struct bb_ctx *ctx, struct fc_common *c, int default_h)
{
	long v;
	int rc;

	c->weekly = c->monthly = 0;
	if (c->freq) {
		if (!strcmp(c->freq, "week"))
			c->weekly = 1;
		else if (!strcmp(c->freq, "month"))
			c->monthly = 1;
		else if (strcmp(c->freq, "day"))
			return bb_usage_error(ctx, "--freq '%s': want day, week or "
					      "month", c->freq);
	}
	c->h = default_h ? default_h : (c->weekly || c->monthly ? 12 : 28);
	if (c->horizon) {
		if (bb_parse_int(c->horizon, 1, 3660, &v) < 0)
			return bb_usage_error(ctx, "--horizon '%s': want a number "
					      "of %s from 1 to 3660", c->horizon,
					      c->weekly ? "weeks" : c->monthly ?
					      "months" : "days");
		c->h = (int)v;
	}
	fc_opts_default(&c->fo);
	c->meth = FC_AUTO;
	if (c->method && fc_method_parse(c->method, &c->meth))
		return bb_usage_error(ctx, "--method '%s': want snaive, naive, "
				      "mean, ses, holt, damped, hw-add, hw-mul, "
				      "ets, calendar or auto", c->method);
	c->fo.method = c->meth;
	if (c->level) {
		double a, b;
		char extra;
		if (sscanf(c->level, "%lf,%lf%c", &a, &b, &extra) != 2 ||
		    !(a > 0 && a < 100 && b > 0 && b < 100))
			return bb_usage_error(ctx, "--level '%s': want two "
					      "percentages such as 80,95", c->level);
		c->fo.levels[0] = a;
		c->fo.levels[1] = b;
	}
	if (c->train) {
		if (bb_parse_int(c->train, c->monthly ? 13 : 28, 100000, &v) < 0)
			return bb_usage_error(ctx, "--train '%s': want a number of "
					      "%s", c->train, c->monthly ?
					      "months from 13" : "days from 28");
		c->fo.max_train = (int)v;
	}
	c->origin_day = -1;
	if (c->origin) {
		const char *why;
		if (fc_parse_day(c->origin, &c->origin_day, &why) < 0)
			return bb_usage_error(ctx, "--origin '%s': %s", c->origin, why);
	}
	if (c->from && strcmp(c->from, "issues") && strcmp(c->from, "collections"))
		return bb_usage_error(ctx, "--from '%s': want issues or collections",
				      c->from);
	if (c->monthly) {
		month_setup(ctx, c);
		return fc_month_methods(ctx, c, &c->meth, 1);
	}
	if ((rc = load_calendar(ctx, c)) != BB_OK)
		return rc;
	c->fo.cal = c->have_cal ? &c->cal : NULL;
	return BB_OK;
}

int fc_month_methods(struct bb_ctx *ctx, const struct fc_common *c,
		     const enum fc_method *meths, int nm)
{
	for (int i = 0; c->monthly && i < nm; i++)
		if (meths[i] == FC_CALENDAR)
			return bb_usage_error(ctx, "--method calendar models days "
					      "(day of week, holidays); monthly "
					      "series take snaive, naive, mean, "
					      "ses, holt, damped, hw-add, hw-mul, "
					      "ets or auto");
	return BB_OK;
}

void fc_common_free(struct fc_common *c)
{
	if (c->have_cal)
		fc_cal_free(&c->cal);
	c->have_cal = 0;
}

void fc_data_free(struct fc_data *d)
{
	for (int i = 0; i < d->ns; i++)
		free(d->s[i].y);
	free(d->s);
	memset(d, 0, sizeof *d);
}

/* ---- collecting rows before the day range is known ---- */
struct row { int day, ser; double v; };
struct rows {
	struct row *r;
	int n, cap;
	char (*names)[64];
	int nnames;
};

static int series_index(struct rows *rs, const char *name)
{
	for (int i = 0; i < rs->nnames; i++)
		if (!strcmp(rs->names[i], name))
			return i;
	rs->names = bb_xrealloc(rs->names, sizeof *rs->names * (rs->nnames + 1));
	snprintf(rs->names[rs->nnames], 64, "%s", name);
	return rs->nnames++;
}

static void add_row(struct rows *rs, int day, int ser, double v)
{
	BB_GROW(rs->r, rs->n, rs->cap, 1024);
	rs->r[rs->n++] = (struct row){ day, ser, v };
}

static int wanted(const struct fc_common *c, const char *name)
{
	if (!c->series)
		return 1;
	size_t l = strlen(name);
	for (const char *p = c->series; *p;) {
		const char *e = strchr(p, ',');
		size_t k = e ? (size_t)(e - p) : strlen(p);
		if (k == l && !strncmp(p, name, l))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

static int ser_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fc_ser *)a)->name,
		      ((const struct fc_ser *)b)->name);
}

/* Spread the rows over one day range; `zero_fill` makes missing days 0
 * (counts from the database) instead of gaps (CSV). */
static void rows_to_data(struct rows *rs, struct fc_data *d, int zero_fill,
			 int last_day)
{
	int lo = 0, hi = -1;
	memset(d, 0, sizeof *d);
	for (int i = 0; i < rs->n; i++) {
		if (i == 0 || rs->r[i].day < lo)
			lo = rs->r[i].day;
		if (i == 0 || rs->r[i].day > hi)
			hi = rs->r[i].day;
	}
	if (last_day >= 0 && (rs->n == 0 || last_day > hi))
		hi = last_day;
	if (rs->n == 0)
		lo = hi;
	d->day0 = lo;
	d->nd = hi - lo + 1;
	d->ns = rs->nnames;
	d->s = bb_xmalloc(sizeof *d->s * (rs->nnames ? rs->nnames : 1));
	for (int k = 0; k < rs->nnames; k++) {
		struct fc_ser *s = &d->s[k];
		snprintf(s->name, sizeof s->name, "%s", rs->names[k]);
		s->y = bb_xmalloc(sizeof(double) * (d->nd ? d->nd : 1));
		for (int i = 0; i < d->nd; i++)
			s->y[i] = zero_fill ? 0 : NAN;
		s->first = d->nd;
		s->last = -1;
	}
	for (int i = 0; i < rs->n; i++) {
		struct fc_ser *s = &d->s[rs->r[i].ser];
		int t = rs->r[i].day - lo;
		if (!isfinite(rs->r[i].v))
			continue;
		s->y[t] = isfinite(s->y[t]) ? s->y[t] + rs->r[i].v : rs->r[i].v;
		if (t < s->first)
			s->first = t;
		if (t > s->last)
			s->last = t;
	}
	if (zero_fill) {	/* counts: every day of the range is known */
		for (int k = 0; k < d->ns; k++) {
			d->s[k].first = 0;
			d->s[k].last = d->nd - 1;
		}
		qsort(d->s, (size_t)d->ns, sizeof *d->s, ser_cmp);
	}
	free(rs->r);
	free(rs->names);
	memset(rs, 0, sizeof *rs);
}

/*
 * One row per issue event (DIN, product code, time and transition) and
 * one per donation (its DIN; a donation not yet labelled is its file's
 * own), so an event or a donation found in two --db files counts once.
 * Units received from another site are not collections: only the
 * donations table is.  ?1 is the first day not read.
 */
static const char issues_head[] =
	"SELECT substr(at, 1, 10), ser, count(*) FROM"
	" (SELECT at, max(ser) AS ser FROM (";
static const char issues_member[] =
	"SELECT e.din AS din, e.product_code AS pc, e.at AS at,"
	" coalesce(e.from_status, '') AS fs, e.to_status AS ts, e.event AS ev,"
	" u.component || ':' || coalesce(u.abo, '')"
	" || CASE u.rhd WHEN 'pos' THEN '+' WHEN 'neg' THEN '-' ELSE '' END"
	" AS ser"
	" FROM %S.unit_events e JOIN %S.units u"
	" ON u.din = e.din AND u.product_code = e.product_code"
	" WHERE (e.event = 'issue' OR e.to_status = 'issued') AND e.at < ?1";
static const char issues_tail[] =
	") GROUP BY din, pc, at, fs, ts, ev) GROUP BY 1, 2";

static const char collections_head[] =
	"SELECT substr(c, 1, 10), kind, count(*) FROM"
	" (SELECT min(c) AS c, min(kind) AS kind FROM (";
static const char collections_member[] =
	"SELECT coalesce(din, '%S#' || donor_id || '@' || collected_at) AS k,"
	" collected_at AS c, kind"
	" FROM %S.donations WHERE collected_at < ?1";
static const char collections_tail[] = ") GROUP BY k) GROUP BY 1, 2";
/* One file holds each record once: the plain count, without the sort
 * that finds the records held twice. */
static const char issues_head1[] =
	"SELECT substr(at, 1, 10), ser, count(*) FROM (";
static const char collections_head1[] =
	"SELECT substr(c, 1, 10), kind, count(*) FROM (";
static const char tail1[] = ") GROUP BY 1, 2";

/*
 * The first day the database history does not read.  Days: the day after
 * --origin, or --now's day.  Months: whole months, up to the month of
 * --origin or the last month before --now's; an --origin month that is
 * not over yet is read as far as it goes, and said to be partial.
 */
static int db_history_end(struct bb_ctx *ctx, const struct fc_common *c)
{
	int today = day_of(ctx->now), this_month = fc_month_of_day(today);
	char a[11], b[11];

	if (!c->monthly)
		return c->origin_day >= 0 ? c->origin_day + 1 : today;
	if (c->origin_day < 0)
		return fc_month_first_day(this_month);
	int last = fc_month_of_day(c->origin_day);
	if (last >= this_month)
		bb_warn(ctx, "--origin %s: the month %.7s is not over (now is "
			"%s): its counts are partial", c->origin,
			fc_day_str(fc_month_first_day(last), a),
			fc_day_str(today, b));
	return fc_month_first_day(last + 1);
}

/*
 * Daily database counts summed into calendar months.  A first month that
 * the history covers only in part (the database went live, or was
 * back-loaded from, the 17th) would enter the model as a low month: it
 * is left out, and said so.
 */
static void db_months(struct bb_ctx *ctx, struct rows *rs)
{
	int first = INT_MAX, k = 0;
	char a[11];

	if (rs->n == 0)
		return;
	for (int i = 0; i < rs->n; i++)
		if (rs->r[i].day < first)
			first = rs->r[i].day;
	int m0 = fc_month_of_day(first);
	if (first != fc_month_first_day(m0)) {
		fc_day_str(first, a);
		bb_warn(ctx, "the database's history starts on %s: the month "
			"%.7s is partial and left out", a, a);
		m0++;
	}
	for (int i = 0; i < rs->n; i++) {
		struct row r = rs->r[i];
		r.day = fc_month_of_day(r.day);
		if (r.day >= m0)
			rs->r[k++] = r;
	}
	rs->n = k;
}

static int load_db(struct bb_ctx *ctx, struct fc_common *c, struct fc_data *d)
{
	struct rows rs = { 0 };
	int end = db_history_end(ctx, c);
	int issues = !strcmp(c->from, "issues");
	char endbuf[11];
	int rc = fc_db_open(ctx);

	if (rc != BB_OK)
		return rc;
	fc_day_str(end, endbuf);
	int several = ctx->ndb_extra > 0;
	sqlite3_stmt *st = issues ?
		fc_db_prepare(ctx, several ? issues_head : issues_head1,
			      issues_member, several ? issues_tail : tail1) :
		fc_db_prepare(ctx, several ? collections_head :
			      collections_head1, collections_member,
			      several ? collections_tail : tail1);
	if (!st)
		return BB_ESYS;
	sqlite3_bind_text(st, 1, endbuf, -1, SQLITE_STATIC);
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		bb_time t;
		const char *why;
		const char *name = bb_col_text(st, 1);
		if (bb_parse_date(bb_col_text(st, 0), &t, &why) < 0 ||
		    !wanted(c, name))
			continue;
		add_row(&rs, day_of(t), series_index(&rs, name),
			sqlite3_column_double(st, 2));
	}
	sqlite3_finalize(st);
	if (rc < 0) {
		free(rs.r);
		free(rs.names);
		return BB_ESYS;
	}
	if (c->monthly)
		db_months(ctx, &rs);
	rows_to_data(&rs, d, 1, c->monthly ? fc_month_of_day(end - 1) :
		     end - 1);
	return BB_OK;
}

/* The first day of a month written "YYYY-MM" (or "YYYY/MM"); -1 when
 * `s` is not one. */
static int month_day(const char *s, int *day)
{
	char buf[11];
	const char *why;
	bb_time t;

	if (strlen(s) != 7)
		return -1;
	memcpy(buf, s, 7);	/* YYYY-MM -> YYYY-MM-01 */
	buf[7] = s[4];
	memcpy(buf + 8, "01", 3);
	if (bb_parse_date(buf, &t, &why) < 0)
		return -1;
	*day = day_of(t);
	return 0;
}

static const char NOT_DAY_OR_MONTH[] =
	"not a date or month (want YYYY-MM-DD or YYYY-MM)";

/* The day of a date (0), or of a month when `month` allows one (1); -1
 * with the date's *why. */
static int date_or_month(const char *s, int month, int *day,
			 const char **why)
{
	bb_time t;

	if (bb_parse_date(s, &t, why) == 0) {
		*day = day_of(t);
		return 0;
	}
	return month && month_day(s, day) == 0 ? 1 : -1;
}

int fc_parse_day(const char *s, int *day, const char **why)
{
	if (date_or_month(s, 1, day, why) >= 0)
		return 0;
	*why = NOT_DAY_OR_MONTH;
	return -1;
}

/*
 * The day of a date; a month "YYYY-MM" (its first day) with --freq month,
 * or without --freq as the first date read, which makes the series
 * monthly.  -1 with *why when neither.
 */
static int row_day(struct fc_common *c, const char *ds, int first, int *day,
		   const char **why)
{
	int k = date_or_month(ds, c->monthly || (first && !c->freq), day, why);

	if (k < 0 && c->monthly)
		*why = NOT_DAY_OR_MONTH;
	if (k > 0)
		c->monthly = 1;
	return k < 0 ? -1 : 0;
}

struct sd { int ser, day; };

static int sd_cmp(const void *a, const void *b)
{
	const struct sd *x = a, *y = b;
	if (x->ser != y->ser)
		return x->ser < y->ser ? -1 : 1;
	return (x->day > y->day) - (x->day < y->day);
}

/*
 * Monthly dates: in every series at most one row a calendar month and
 * consecutive rows at least 15 days apart, and most of them in
 * consecutive months (the others leave months out).
 */
/* The (series, day) of the rows up to day `cut` (-1: all), sorted; *n of
 * them.  Free it. */
static struct sd *rows_by_series(const struct rows *rs, int cut, int *n)
{
	struct sd *v = bb_xmalloc(sizeof *v * (size_t)(rs->n ? rs->n : 1));

	*n = 0;
	for (int i = 0; i < rs->n; i++)
		if (cut < 0 || rs->r[i].day <= cut)
			v[(*n)++] = (struct sd){ rs->r[i].ser, rs->r[i].day };
	qsort(v, (size_t)*n, sizeof *v, sd_cmp);
	return v;
}

static int rows_monthly(const struct rows *rs)
{
	int pairs = 0, one = 0, ok = 1, n;

	if (rs->n < 3)
		return 0;
	struct sd *v = rows_by_series(rs, -1, &n);
	for (int i = 1; i < n && ok; i++) {
		if (v[i].ser != v[i - 1].ser)
			continue;
		int dm = fc_month_of_day(v[i].day) - fc_month_of_day(v[i - 1].day);
		if (dm < 1 || v[i].day - v[i - 1].day < 15)
			ok = 0;
		pairs++;
		one += dm == 1;
	}
	free(v);
	return ok && pairs >= 2 && 2 * one > pairs;
}

/* Keep the rows up to step `cut` (--origin); series are numbered in the
 * order of their first row kept, as if the others had not been read. */
static void rows_cut(struct rows *rs, int cut)
{
	int nn = 0, k = 0, cap = rs->nnames ? rs->nnames : 1;
	int *map = bb_xmalloc(sizeof(int) * cap);
	char (*names)[64] = bb_xmalloc(sizeof *names * cap);

	for (int i = 0; i < rs->nnames; i++)
		map[i] = -1;
	for (int i = 0; i < rs->n; i++) {
		struct row r = rs->r[i];
		if (r.day > cut)
			continue;
		if (map[r.ser] < 0) {
			memcpy(names[nn], rs->names[r.ser], sizeof names[nn]);
			map[r.ser] = nn++;
		}
		r.ser = map[r.ser];
		rs->r[k++] = r;
	}
	rs->n = k;
	free(rs->names);
	rs->names = names;
	rs->nnames = nn;
	free(map);
}

/* Day numbers of the first and last day of the month of `day`. */
static void month_bounds(int day, int *first, int *last)
{
	int m = fc_month_of_day(day);

	*first = fc_month_first_day(m);
	*last = fc_month_first_day(m + 1) - 1;
}


/* Are the sorted days v[0..n-1] (one series) finer than months: more
 * than two different days per month on the average?  (A monthly file may
 * have a month written twice, on two days: that is still months.) */
static int days_not_months(const struct sd *v, int n)
{
	int days = 0, months = 0;

	for (int i = 0; i < n; i++) {
		days += i == 0 || v[i].day != v[i - 1].day;
		months += i == 0 || fc_month_of_day(v[i].day) !=
				    fc_month_of_day(v[i - 1].day);
	}
	return days > 2 * months;
}

/*
 * Daily (or weekly) rows summed into months: a month at either end that
 * the rows cover only in part (a file starting on the 17th, or cut by
 * --origin on the 10th) would enter the model as a low month.  Say so,
 * per series.  Rows about one per month (any day of it) are months.
 */
static void warn_partial_months(struct bb_ctx *ctx, const struct rows *rs,
				int cut)
{
	char a[11], b[11];
	int n, f, l;
	struct sd *v = rows_by_series(rs, cut, &n);

	for (int i = 0, j; i < n; i = j) {
		for (j = i; j < n && v[j].ser == v[i].ser; j++)
			;
		if (!days_not_months(v + i, j - i))
			continue;
		const char *name = rs->names[v[i].ser];
		month_bounds(v[i].day, &f, &l);
		if (v[i].day != f)
			bb_warn(ctx, "series '%s': its first month has days from "
				"%s on only: its sum is partial", name,
				fc_day_str(v[i].day, a));
		month_bounds(v[j - 1].day, &f, &l);
		if (v[j - 1].day != l)
			bb_warn(ctx, "series '%s': its last month has days to %s "
				"only: its sum is partial (end the history with "
				"--origin %s)", name, fc_day_str(v[j - 1].day, a),
				fc_day_str(f - 1, b));
	}
	free(v);
}

/* Rows read: decide day or month (without --freq), count months, keep
 * the history up to --origin. */
static void rows_steps(struct bb_ctx *ctx, struct fc_common *c,
		       struct rows *rs)
{
	if (!c->freq && (c->monthly || rows_monthly(rs))) {
		month_setup(ctx, c);
		bb_info(ctx, "the dates are a month apart: read as --freq month");
	}
	if (c->monthly) {
		warn_partial_months(ctx, rs, c->origin_day);
		for (int i = 0; i < rs->n; i++)
			rs->r[i].day = fc_month_of_day(rs->r[i].day);
	}
	if (c->origin_day >= 0)
		rows_cut(rs, c->monthly ? fc_month_of_day(c->origin_day) :
			 c->origin_day);
}

static int load_csv(struct bb_ctx *ctx, struct fc_common *c, char **files,
		    int nfiles, struct fc_data *d)
{
	const char *vcol = c->value_col ? c->value_col : "value";
	const char *scol = c->series_col ? c->series_col : "series";
	const char *cols[] = { "date", scol, vcol, NULL };
	const char *req[] = { "date", vcol, NULL };
	struct rows rs = { 0 };
	int status = BB_OK, first = 1;

	for (int f = 0; f < (nfiles ? nfiles : 1); f++) {
		struct bb_reader *r = bb_reader_open(ctx, nfiles ? files[f] : NULL);
		struct bb_rec *rec;
		int got;
		if (!r) {
			status = BB_ESYS;
			break;
		}
		if (bb_reader_columns(r, cols, req) != BB_OK) {
			bb_reader_close(r);
			status = BB_EROWS;
			continue;
		}
		while ((got = bb_reader_next(r, &rec)) == 1) {
			const char *ds = bb_get(r, rec, "date");
			const char *ss = bb_get(r, rec, scol);
			const char *vs = bb_get(r, rec, vcol);
			const char *why;
			double v = NAN;
			int day;
			if (row_day(c, ds, first, &day, &why) < 0) {
				bb_reject(ctx, r, rec, "date", why, ds);
				continue;
			}
			first = 0;
			if (*vs && bb_parse_num(vs, -1e15, 1e15, &v) < 0) {
				bb_reject(ctx, r, rec, vcol, "not a number", vs);
				continue;
			}
			if (*vs && v < 0) {
				bb_reject(ctx, r, rec, vcol, "negative", vs);
				continue;
			}
			if (!*ss)
				ss = vcol;	/* no series column: name it after the value */
			if (!wanted(c, ss))
				continue;
			add_row(&rs, day, series_index(&rs, ss), v);
			if (ctx->stop)
				break;
		}
		if (got < 0)
			status = BB_ESYS;
		bb_reader_close(r);
		if (ctx->stop || status == BB_ESYS)
			break;
	}
	rows_steps(ctx, c, &rs);
	rows_to_data(&rs, d, 0, -1);
	if (status == BB_OK && ctx->nrejected)
		status = BB_EROWS;
	return status;
}

int fc_data_load(struct bb_ctx *ctx, struct fc_common *c, char **files,
		 int nfiles, struct fc_data *d)
{
	int rc;

	if (c->from && nfiles)
		return bb_usage_error(ctx, "--from %s reads the database; "
				      "drop the FILE operands", c->from);
	if (!c->from && ctx->ndb_extra)
		return bb_usage_error(ctx, "several --db files are read with "
				      "--from issues or --from collections");
	rc = c->from ? load_db(ctx, c, d) : load_csv(ctx, c, files, nfiles, d);
	if ((rc == BB_OK || rc == BB_EROWS) && c->monthly &&
	    fc_month_methods(ctx, c, &c->meth, 1) != BB_OK) {
		fc_data_free(d);
		return BB_EUSAGE;
	}
	return rc;
}
