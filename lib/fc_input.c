/*
 * fc_input.c - forecast: shared options, calendars and the series input
 * (CSV/TSV "date,value" or "date,series,value", or the database: daily
 * issues per component x ABO/RhD, daily collections per donation kind).
 */
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

int fc_common_parse(struct bb_ctx *ctx, struct fc_common *c, int default_h)
{
	long v;
	int rc;

	c->weekly = 0;
	if (c->freq) {
		if (!strcmp(c->freq, "week"))
			c->weekly = 1;
		else if (strcmp(c->freq, "day"))
			return bb_usage_error(ctx, "--freq '%s': want day or week",
					      c->freq);
	}
	c->h = default_h ? default_h : (c->weekly ? 12 : 28);
	if (c->horizon) {
		if (bb_parse_int(c->horizon, 1, 3660, &v) < 0)
			return bb_usage_error(ctx, "--horizon '%s': want a number "
					      "of %s from 1 to 3660", c->horizon,
					      c->weekly ? "weeks" : "days");
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
		if (bb_parse_int(c->train, 28, 100000, &v) < 0)
			return bb_usage_error(ctx, "--train '%s': want a number of "
					      "days from 28", c->train);
		c->fo.max_train = (int)v;
	}
	c->origin_day = -1;
	if (c->origin) {
		bb_time t;
		const char *why;
		if (bb_parse_date(c->origin, &t, &why) < 0)
			return bb_usage_error(ctx, "--origin '%s': %s", c->origin, why);
		c->origin_day = day_of(t);
	}
	if (c->from && strcmp(c->from, "issues") && strcmp(c->from, "collections"))
		return bb_usage_error(ctx, "--from '%s': want issues or collections",
				      c->from);
	if ((rc = load_calendar(ctx, c)) != BB_OK)
		return rc;
	c->fo.cal = c->have_cal ? &c->cal : NULL;
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
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 1024;
		rs->r = bb_xrealloc(rs->r, sizeof *rs->r * rs->cap);
	}
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

static int load_db(struct bb_ctx *ctx, struct fc_common *c, struct fc_data *d)
{
	struct rows rs = { 0 };
	int end = c->origin_day >= 0 ? c->origin_day + 1 : day_of(ctx->now);
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
	rows_to_data(&rs, d, 1, end - 1);
	return BB_OK;
}

static int load_csv(struct bb_ctx *ctx, struct fc_common *c, char **files,
		    int nfiles, struct fc_data *d)
{
	const char *vcol = c->value_col ? c->value_col : "value";
	const char *scol = c->series_col ? c->series_col : "series";
	const char *cols[] = { "date", scol, vcol, NULL };
	const char *req[] = { "date", vcol, NULL };
	struct rows rs = { 0 };
	int status = BB_OK;

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
			bb_time t;
			const char *why;
			double v = NAN;
			if (bb_parse_date(ds, &t, &why) < 0) {
				bb_reject(ctx, r, rec, "date", why, ds);
				continue;
			}
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
			int day = day_of(t);
			if (c->origin_day >= 0 && day > c->origin_day)
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
	rows_to_data(&rs, d, 0, -1);
	if (status == BB_OK && ctx->nrejected)
		status = BB_EROWS;
	return status;
}

int fc_data_load(struct bb_ctx *ctx, struct fc_common *c, char **files,
		 int nfiles, struct fc_data *d)
{
	if (c->from) {
		if (nfiles)
			return bb_usage_error(ctx, "--from %s reads the database; "
					      "drop the FILE operands", c->from);
		return load_db(ctx, c, d);
	}
	if (ctx->ndb_extra)
		return bb_usage_error(ctx, "several --db files are read with "
				      "--from issues or --from collections");
	return load_csv(ctx, c, files, nfiles, d);
}
