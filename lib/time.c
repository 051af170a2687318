/*
 * time.c - the one clock and all date arithmetic.  Times are naive local
 * wall-clock seconds (bb_time); civil-date conversion uses the proleptic
 * Gregorian calendar, so no time zone or DST rule can shift a result.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bb.h"

int64_t bb_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void bb_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int bb_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int bb_month_days(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && bb_is_leap(y) ? 29 : md[m - 1];
}

bb_time bb_make_time(int y, int mon, int d, int h, int min, int s)
{
	return bb_days_from_civil(y, mon, d) * BB_DAY + h * 3600 + min * 60 + s;
}

void bb_split_time(bb_time t, int *y, int *mon, int *d, int *h, int *min,
		   int *s)
{
	int64_t days = t >= 0 ? t / BB_DAY : -((-t + BB_DAY - 1) / BB_DAY);
	int64_t sec = t - days * BB_DAY;
	int yy, mm, dd;

	bb_civil_from_days(days, &yy, &mm, &dd);
	if (y) *y = yy;
	if (mon) *mon = mm;
	if (d) *d = dd;
	if (h) *h = (int)(sec / 3600);
	if (min) *min = (int)(sec / 60 % 60);
	if (s) *s = (int)(sec % 60);
}

bb_time bb_day_start(bb_time t)
{
	int y, m, d;

	bb_split_time(t, &y, &m, &d, NULL, NULL, NULL);
	return bb_make_time(y, m, d, 0, 0, 0);
}

int bb_weekday(bb_time t)
{
	int64_t days = (bb_day_start(t)) / BB_DAY;	/* 1970-01-01: Thursday */
	int w = (int)((days + 4) % 7);

	return w < 0 ? w + 7 : w;
}

/* Read 1..maxd digits; returns digits read or 0. */
static int digits(const char **p, int maxd, int *v)
{
	int n = 0;

	*v = 0;
	while (n < maxd && isdigit((unsigned char)**p)) {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n;
}

static int parse_date_part(const char **pp, int *y, int *m, int *d,
			   const char **why)
{
	const char *p = *pp;
	char sep;

	if (digits(&p, 4, y) != 4 || (*p != '-' && *p != '/'))
		return *why = "not a date (want YYYY-MM-DD)", -1;
	sep = *p++;
	if (!digits(&p, 2, m) || *p != sep)
		return *why = "not a date (want YYYY-MM-DD)", -1;
	p++;
	if (!digits(&p, 2, d))
		return *why = "not a date (want YYYY-MM-DD)", -1;
	if (*y < 1900 || *y > 2200)
		return *why = "year out of range", -1;
	if (*m < 1 || *m > 12)
		return *why = "no such month", -1;
	if (*d < 1 || *d > bb_month_days(*y, *m))
		return *why = "no such day in that month", -1;
	*pp = p;
	return 0;
}

int bb_parse_date(const char *s, bb_time *t, const char **why)
{
	int y, m, d;
	const char *p = s;

	if (!s || !*s)
		return *why = "empty date", -1;
	if (parse_date_part(&p, &y, &m, &d, why))
		return -1;
	if (*p)
		return *why = "not a date (want YYYY-MM-DD)", -1;
	*t = bb_make_time(y, m, d, 0, 0, 0);
	return 0;
}

int bb_parse_time(const char *s, bb_time *t, const char **why)
{
	int y, m, d, h = 0, mi = 0, sec = 0;
	const char *p = s;

	if (!s || !*s)
		return *why = "empty time", -1;
	if (parse_date_part(&p, &y, &m, &d, why))
		return -1;
	if (*p == ' ' || *p == 'T') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) != 2)
			return *why = "not a time (want YYYY-MM-DD HH:MM)", -1;
		if (*p == ':' && (p++, digits(&p, 2, &sec) != 2))
			return *why = "not a time (want YYYY-MM-DD HH:MM)", -1;
		if (h > 23 || mi > 59 || sec > 59)
			return *why = "no such time of day", -1;
	}
	if (*p)
		return *why = "not a time (want YYYY-MM-DD HH:MM)", -1;
	*t = bb_make_time(y, m, d, h, mi, sec);
	return 0;
}

int bb_parse_expiry(const char *s, bb_time *t, const char **why)
{
	const char *p = s;
	int y, m, d;

	if (bb_parse_time(s, t, why))
		return -1;
	if (!parse_date_part(&p, &y, &m, &d, why) && !*p)
		*t += BB_DAY - 60;	/* a date alone: its 23:59 */
	return 0;
}

/* "YYYY-MM-DD HH:MM" as is, with a real day and time of day in 1900-2200:
 * 1 with *t, by hand (a label run reads two per record); else 0, for
 * bb_parse_time and its reasons. */
static int fast_canonical(const char *v, bb_time *t)
{
#define DIG(i) ((unsigned)(v[i] - '0') <= 9)
	if (!(DIG(0) && DIG(1) && DIG(2) && DIG(3) && v[4] == '-' &&
	      DIG(5) && DIG(6) && v[7] == '-' && DIG(8) && DIG(9) &&
	      v[10] == ' ' && DIG(11) && DIG(12) && v[13] == ':' &&
	      DIG(14) && DIG(15) && v[16] == 0))
		return 0;
#undef DIG
#define N2(i) ((v[i] - '0') * 10 + (v[i + 1] - '0'))
	int y = N2(0) * 100 + N2(2), m = N2(5), d = N2(8), h = N2(11),
	    mi = N2(14);
#undef N2
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || h > 23 || mi > 59 ||
	    d < 1 || d > bb_month_days(y, m))
		return 0;
	*t = bb_make_time(y, m, d, h, mi, 0);
	return 1;
}

int bb_time_text(const char *v, int expiry, char out[static 17], bb_time *t,
		 const char **why)
{
	if (fast_canonical(v, t)) {
		memcpy(out, v, 17);
		return 0;
	}
	if ((expiry ? bb_parse_expiry(v, t, why) : bb_parse_time(v, t, why)))
		return -1;
	bb_fmt_time(*t, out);
	return 0;
}

/* Digits by hand: dates are formatted for every imported row. */
static char *put2(char *p, int v)
{
	*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

static char *put_date(char *p, int y, int m, int d)
{
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	p = put2(p, y / 100);
	p = put2(p, y % 100);
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	return put2(p, d);
}

char *bb_fmt_time(bb_time t, char buf[static 17])
{
	int y, m, d, h, mi;
	char *p;

	bb_split_time(t, &y, &m, &d, &h, &mi, NULL);
	p = put_date(buf, y, m, d);
	*p++ = ' ';
	p = put2(p, h);
	*p++ = ':';
	p = put2(p, mi);
	*p = '\0';
	return buf;
}

char *bb_fmt_date(bb_time t, char buf[static 11])
{
	int y, m, d;

	bb_split_time(t, &y, &m, &d, NULL, NULL, NULL);
	*put_date(buf, y, m, d) = '\0';
	return buf;
}

bb_time bb_add_months(bb_time t, int months)
{
	int y, m, d, h, mi, s;
	int64_t idx;

	bb_split_time(t, &y, &m, &d, &h, &mi, &s);
	idx = (int64_t)y * 12 + (m - 1) + months;
	y = (int)(idx >= 0 ? idx / 12 : (idx - 11) / 12);
	m = (int)(idx - (int64_t)y * 12) + 1;
	if (d > bb_month_days(y, m))
		d = bb_month_days(y, m);
	return bb_make_time(y, m, d, h, mi, s);
}

int bb_age_years(bb_time birth, bb_time t)
{
	int by, bm, bd, ty, tm, td;

	bb_split_time(birth, &by, &bm, &bd, NULL, NULL, NULL);
	bb_split_time(t, &ty, &tm, &td, NULL, NULL, NULL);
	return ty - by - (tm < bm || (tm == bm && td < bd));
}

static const struct {
	const char *name;
	enum bb_dur_unit unit;
} dur_units[] = {
	{ "m", BB_MIN }, { "min", BB_MIN }, { "mins", BB_MIN },
	{ "minute", BB_MIN }, { "minutes", BB_MIN },
	{ "h", BB_HOUR }, { "hr", BB_HOUR }, { "hrs", BB_HOUR },
	{ "hour", BB_HOUR }, { "hours", BB_HOUR },
	{ "d", BB_DAYU }, { "day", BB_DAYU }, { "days", BB_DAYU },
	{ "w", BB_WEEK }, { "wk", BB_WEEK }, { "week", BB_WEEK },
	{ "weeks", BB_WEEK },
	{ "mo", BB_MONTH }, { "mon", BB_MONTH }, { "month", BB_MONTH },
	{ "months", BB_MONTH },
	{ "y", BB_YEAR }, { "yr", BB_YEAR }, { "year", BB_YEAR },
	{ "years", BB_YEAR },
};

int bb_parse_dur(const char *s, struct bb_dur *dur, const char **why)
{
	const char *p = s;
	int n;

	if (!s || !*s)
		return *why = "empty duration", -1;
	if (!digits(&p, 6, &n))
		return *why = "not a duration (want e.g. 90m, 48h, 3d, 2w, 6mo)", -1;
	while (*p == ' ')
		p++;
	for (size_t i = 0; i < sizeof dur_units / sizeof dur_units[0]; i++)
		if (bb_streq_ci(p, dur_units[i].name)) {
			dur->n = n;
			dur->unit = dur_units[i].unit;
			return 0;
		}
	return *why = "not a duration (want e.g. 90m, 48h, 3d, 2w, 6mo)", -1;
}

bb_time bb_add_dur(bb_time t, struct bb_dur d, int sign)
{
	int n = sign < 0 ? -d.n : d.n;

	switch (d.unit) {
	case BB_MIN: return t + (bb_time)n * 60;
	case BB_HOUR: return t + (bb_time)n * 3600;
	case BB_DAYU: return t + (bb_time)n * BB_DAY;
	case BB_WEEK: return t + (bb_time)n * 7 * BB_DAY;
	case BB_MONTH: return bb_add_months(t, n);
	case BB_YEAR: return bb_add_months(t, n * 12);
	}
	return t;
}

char *bb_fmt_dur(struct bb_dur d, char buf[static 24])
{
	static const char *const suffix[] = { "m", "h", "d", "w", "mo", "y" };

	snprintf(buf, 24, "%d%s", d.n, suffix[d.unit]);
	return buf;
}

int bb_clock_init(struct bb_ctx *ctx, const char *now_arg)
{
	const char *src = now_arg ? now_arg : getenv("BLOODBANK_NOW");
	const char *why;
	struct tm tm;
	time_t now;

	if (src && *src) {
		if (bb_parse_time(src, &ctx->now, &why))
			return bb_usage_error(ctx, "%s '%s': %s",
					      now_arg ? "--now" : "BLOODBANK_NOW",
					      src, why);
		return BB_OK;
	}
	now = time(NULL);
	localtime_r(&now, &tm);
	ctx->now = bb_make_time(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				tm.tm_hour, tm.tm_min, tm.tm_sec);
	return BB_OK;
}
