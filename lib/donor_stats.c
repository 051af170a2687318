/*
 * donor_stats.c - donor-register stats: the donor KPIs of SPEC 5.1 per
 * period or site, each with its growth against the previous period of
 * the same length.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "donor.h"

/* Counts for one period (and optionally one site). */
struct kpi {
	long donations, donors, new_donors, repeat, young, wb, plt, refusals;
	double wb_ml;
	long *tested, *reactive;	/* per marker */
};

struct stats_state {
	char **markers;
	int nm;
	long young_age;
	struct bb_dur repeat_window;
	struct bb_writer *w;
	int by_site;
};

static const char SQL_MAIN[] =
	"SELECT count(*), count(DISTINCT donor_id), "
	"coalesce(sum(kind = 'WB'), 0), "
	"coalesce(sum(CASE WHEN kind = 'WB' THEN volume_ml END), 0), "
	"coalesce(sum(kind = 'PLT'), 0) FROM donations "
	"WHERE collected_at >= ?1 AND collected_at < ?2 "
	"AND (?3 IS NULL OR coalesce(site, '') = ?3)";
/* a donor's first donation ever falls in the period */
static const char SQL_NEW[] =
	"SELECT count(*) FROM donations x WHERE x.collected_at >= ?1 "
	"AND x.collected_at < ?2 AND (?3 IS NULL OR coalesce(x.site, '') = ?3) "
	"AND NOT EXISTS (SELECT 1 FROM donations y WHERE y.donor_id = x.donor_id "
	"AND y.collected_at < x.collected_at)";
/* donors of the period with >= 2 donations in the window ending with it */
static const char SQL_REPEAT[] =
	"SELECT count(*) FROM (SELECT DISTINCT donor_id FROM donations "
	"WHERE collected_at >= ?1 AND collected_at < ?2 "
	"AND (?3 IS NULL OR coalesce(site, '') = ?3)) p "
	"WHERE (SELECT count(*) FROM donations y WHERE y.donor_id = p.donor_id "
	"AND y.collected_at >= ?4 AND y.collected_at < ?2) >= 2";
/* completed years at the donation, from the date texts */
static const char SQL_YOUNG[] =
	"SELECT count(DISTINCT x.donor_id) FROM donations x "
	"JOIN donors d ON d.donor_id = x.donor_id "
	"WHERE x.collected_at >= ?1 AND x.collected_at < ?2 "
	"AND (?3 IS NULL OR coalesce(x.site, '') = ?3) "
	"AND CAST(substr(x.collected_at, 1, 4) AS INTEGER) "
	"- CAST(substr(d.birth_date, 1, 4) AS INTEGER) "
	"- (substr(x.collected_at, 6, 5) < substr(d.birth_date, 6, 5)) < ?4";
static const char SQL_REFUSALS[] =
	"SELECT count(*) FROM refusals WHERE at >= ?1 AND at < ?2 "
	"AND (?3 IS NULL OR coalesce(site, '') = ?3)";
static const char SQL_REACTIVE[] =
	"SELECT count(DISTINCT t.din), "
	"count(DISTINCT CASE WHEN t.reactive THEN t.din END) "
	"FROM test_results t JOIN donations x ON x.din = t.din "
	"WHERE x.collected_at >= ?1 AND x.collected_at < ?2 "
	"AND (?3 IS NULL OR coalesce(x.site, '') = ?3) AND t.marker = ?4";
static const char SQL_MARKERS[] =
	"SELECT marker FROM rule_markers WHERE marker NOT IN ('ABO', 'RhD') "
	"ORDER BY rowid";
static const char SQL_SITES[] =
	"SELECT DISTINCT coalesce(site, '') FROM donations "
	"WHERE collected_at >= ?1 AND collected_at < ?2 UNION "
	"SELECT DISTINCT coalesce(site, '') FROM refusals "
	"WHERE at >= ?1 AND at < ?2 ORDER BY 1";

static int one_long(struct bb_ctx *ctx, sqlite3_stmt *st, long *out)
{
	int rc;

	if (!st)
		return BB_ESYS;
	rc = bb_step(ctx, st);
	*out = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? BB_OK : BB_ESYS;
}

/* [a, b): period; site NULL = all. */
static int measure(struct bb_ctx *ctx, struct stats_state *s, bb_time a,
		   bb_time b, const char *site, struct kpi *k)
{
	sqlite3_stmt *st;
	int rc;

	memset(k, 0, offsetof(struct kpi, tested));
	if (!(st = bb_sql(ctx, SQL_MAIN, "tts", a, b, site)))
		return BB_ESYS;
	rc = bb_step(ctx, st);
	if (rc == SQLITE_ROW) {
		k->donations = (long)sqlite3_column_int64(st, 0);
		k->donors = (long)sqlite3_column_int64(st, 1);
		k->wb = (long)sqlite3_column_int64(st, 2);
		k->wb_ml = sqlite3_column_double(st, 3);
		k->plt = (long)sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return BB_ESYS;
	bb_time rw = bb_add_dur(b, s->repeat_window, -1);
	if (one_long(ctx, bb_sql(ctx, SQL_NEW, "tts", a, b, site), &k->new_donors) ||
	    one_long(ctx, bb_sql(ctx, SQL_REPEAT, "ttst", a, b, site, rw), &k->repeat) ||
	    one_long(ctx, bb_sql(ctx, SQL_YOUNG, "ttsi", a, b, site,
				 (int64_t)s->young_age), &k->young) ||
	    one_long(ctx, bb_sql(ctx, SQL_REFUSALS, "tts", a, b, site), &k->refusals))
		return BB_ESYS;
	for (int i = 0; i < s->nm; i++) {
		if (!(st = bb_sql(ctx, SQL_REACTIVE, "ttss", a, b, site, s->markers[i])))
			return BB_ESYS;
		rc = bb_step(ctx, st);
		k->tested[i] = (long)sqlite3_column_int64(st, 0);
		k->reactive[i] = (long)sqlite3_column_int64(st, 1);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return BB_ESYS;
	}
	return BB_OK;
}

static char *pct(double num, double den, char *buf, size_t n)
{
	if (den <= 0)
		buf[0] = 0;
	else
		snprintf(buf, n, "%.1f", 100.0 * num / den);
	return buf;
}

static char *growth(double now, double before, char *buf, size_t n)
{
	if (before <= 0)
		buf[0] = 0;
	else
		snprintf(buf, n, "%.1f", 100.0 * (now - before) / before);
	return buf;
}

#define NFIX 20
static const char *const fixed_cols[NFIX] = {
	"period", "from", "to", "donations", "donors", "new_donors",
	"repeat_donors", "repeat_donor_pct", "donors_under_35", "under_35_pct",
	"wb_donations", "wb_volume_ml", "wb_u", "wb_tonnes", "plt_donations",
	"refusals", "deferral_rate_pct", "donations_growth_pct",
	"donors_growth_pct", "site"
};

static int write_row(struct stats_state *s, const char *label, bb_time a,
		     bb_time b, const char *site, const struct kpi *k,
		     const struct kpi *prev)
{
	char v[NFIX + 16][32], from[11], to[11];
	const char *row[NFIX + 16];
	int n = 0;

	row[n++] = label;
	row[n++] = bb_fmt_date(a, from);
	row[n++] = bb_fmt_date(b - BB_DAY, to);
#define L(x) (snprintf(v[n], 32, "%ld", (long)(x)), row[n] = v[n], n++)
	L(k->donations);
	L(k->donors);
	L(k->new_donors);
	L(k->repeat);
	row[n] = pct(k->repeat, k->donors, v[n], 32); n++;
	L(k->young);
	row[n] = pct(k->young, k->donors, v[n], 32); n++;
	L(k->wb);
	row[n] = bb_num_fmt(k->wb_ml, v[n], 32); n++;
	row[n] = bb_num_fmt(k->wb_ml / 200.0, v[n], 32); n++;
	snprintf(v[n], 32, "%.3f", k->wb_ml / 1e6); row[n] = v[n]; n++;
	L(k->plt);
	L(k->refusals);
	row[n] = pct(k->refusals, k->donations + k->refusals, v[n], 32); n++;
	row[n] = growth(k->donations, prev->donations, v[n], 32); n++;
	row[n] = growth(k->donors, prev->donors, v[n], 32); n++;
	row[n++] = site ? site : "";
	for (int i = 0; i < s->nm; i++) {
		row[n] = pct(k->reactive[i], k->tested[i], v[n], 32);
		n++;
	}
#undef L
	bb_writer_row(s->w, row);
	return BB_OK;
}

/* Measure [a, b) and the period before it, and write the row. */
static int period(struct bb_ctx *ctx, struct stats_state *s,
		  const char *label, bb_time a, bb_time b, int months,
		  const char *site)
{
	struct kpi k, p;
	long t1[32], r1[32], t2[32], r2[32];
	bb_time pa, pb = a;

	k.tested = t1; k.reactive = r1;
	p.tested = t2; p.reactive = r2;
	/* the previous period of the same length: whole months shift by
	 * months, anything else by its length in days */
	pa = months ? bb_add_months(a, -months) : a - (b - a);
	if (measure(ctx, s, a, b, site, &k) || measure(ctx, s, pa, pb, site, &p))
		return BB_ESYS;
	return write_row(s, label, a, b, site, &k, &p);
}

static int by_time(struct bb_ctx *ctx, struct stats_state *s, bb_time from,
		   bb_time end, int months)
{
	bb_time a = from;

	while (a < end) {
		int y, m;
		bb_time start, b;
		char label[32];

		bb_split_time(a, &y, &m, NULL, NULL, NULL, NULL);
		if (months == 12) {
			start = bb_make_time(y, 1, 1, 0, 0, 0);
			snprintf(label, sizeof label, "%04d", y);
		} else if (months == 3) {
			int q = (m - 1) / 3;
			start = bb_make_time(y, 3 * q + 1, 1, 0, 0, 0);
			snprintf(label, sizeof label, "%04d-Q%d", y, q + 1);
		} else {
			start = bb_make_time(y, m, 1, 0, 0, 0);
			snprintf(label, sizeof label, "%04d-%02d", y, m);
		}
		b = bb_add_months(start, months);
		/* a partial first or last period compares with the same
		 * number of days before it */
		int whole = a == start && b <= end;
		if (b > end)
			b = end;
		if (period(ctx, s, label, a, b, whole ? months : 0, NULL))
			return BB_ESYS;
		a = b;
	}
	return BB_OK;
}

static int by_site(struct bb_ctx *ctx, struct stats_state *s, bb_time from,
		   bb_time end, const char *label)
{
	sqlite3_stmt *st = bb_sql(ctx, SQL_SITES, "tt", from, end);
	char **sites = NULL;
	int n = 0, rc;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		sites = bb_xrealloc(sites, (size_t)(n + 1) * sizeof *sites);
		sites[n++] = bb_xstrdup(bb_col_text(st, 0));
	}
	sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		if (rc == SQLITE_DONE && period(ctx, s, label, from, end, 0, sites[i]))
			rc = -1;
		free(sites[i]);
	}
	free(sites);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

static int load_stats_markers(struct bb_ctx *ctx, struct stats_state *s)
{
	sqlite3_stmt *st = bb_sql(ctx, SQL_MARKERS, "");
	int rc;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW && s->nm < 16) {
		s->markers = bb_xrealloc(s->markers, (size_t)(s->nm + 1) * sizeof *s->markers);
		s->markers[s->nm++] = bb_xstrdup(bb_col_text(st, 0));
	}
	sqlite3_reset(st);
	return rc < 0 ? BB_ESYS : BB_OK;
}

int donor_stats(struct bb_ctx *ctx, int argc, char **argv)
{
	struct stats_state s = { 0 };
	const char *from_s = NULL, *to_s = NULL, *by = NULL, *why = "";
	const struct bb_opt opts[] = {
		{ "from", 0, BB_ARG, &from_s, NULL, "--from DATE       first day (default: a year before --to)" },
		{ "to", 0, BB_ARG, &to_s, NULL, "--to DATE         last day, included (default: today)" },
		{ "by", 0, BB_ARG, &by, NULL, "--by month|quarter|year|site  one row per period or site" },
		BB_OPT_END
	};
	char buf[24], label[32], f1[11], f2[11];
	const char **cols = NULL;
	bb_time from, to;
	int first, rc, months = 0;

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc;
	if (first < argc)
		return bb_usage_error(ctx, "stats takes no FILE operands");
	to = bb_day_start(ctx->now);
	if (to_s && donor_opt_date(ctx, "to", to_s, &to) != BB_OK)
		return BB_EUSAGE;
	to = bb_day_start(to);
	from = bb_add_months(to, -12) + BB_DAY;
	if (from_s && donor_opt_date(ctx, "from", from_s, &from) != BB_OK)
		return BB_EUSAGE;
	from = bb_day_start(from);
	if (from > to)
		return bb_usage_error(ctx, "--from %s is after --to %s",
				      bb_fmt_date(from, f1), bb_fmt_date(to, f2));
	if (by) {
		if (!strcmp(by, "month")) months = 1;
		else if (!strcmp(by, "quarter")) months = 3;
		else if (!strcmp(by, "year")) months = 12;
		else if (!strcmp(by, "site")) s.by_site = 1;
		else
			return bb_usage_error(ctx, "--by '%s': want month, "
					      "quarter, year or site", by);
	}
	if (bb_db_open(ctx, BB_DB_READ) != BB_OK || load_stats_markers(ctx, &s))
		return BB_ESYS;
	bb_setting(ctx, "donor_young_age", "35", buf, sizeof buf);
	if (bb_parse_int(buf, 1, 150, &s.young_age) < 0)
		s.young_age = 35;
	bb_setting(ctx, "donor_repeat_window", "12mo", buf, sizeof buf);
	if (bb_parse_dur(buf, &s.repeat_window, &why) < 0)
		s.repeat_window = (struct bb_dur){ 12, BB_MONTH };

	cols = bb_xmalloc((size_t)(NFIX + s.nm) * sizeof *cols);
	char **names = bb_xmalloc((size_t)(s.nm + 1) * sizeof *names);
	for (int i = 0; i < NFIX; i++)
		cols[i] = fixed_cols[i];
	for (int i = 0; i < s.nm; i++) {
		snprintf(label, sizeof label, "reactive_%s_pct", s.markers[i]);
		cols[NFIX + i] = names[i] = bb_xstrdup(label);
	}
	if (!(s.w = bb_writer_open(ctx, cols, NFIX + s.nm))) {
		rc = BB_ESYS;
	} else {
		bb_time end = to + BB_DAY;
		snprintf(label, sizeof label, "%s..%s", bb_fmt_date(from, f1),
			 bb_fmt_date(to, f2));
		if (months)
			rc = by_time(ctx, &s, from, end, months);
		else if (s.by_site)
			rc = by_site(ctx, &s, from, end, label);
		else
			rc = period(ctx, &s, label, from, end, 0, NULL);
		if (bb_writer_close(s.w) != BB_OK)
			rc = BB_ESYS;
	}
	for (int i = 0; i < s.nm; i++) {
		free(names[i]);
		free(s.markers[i]);
	}
	free(names);
	free(s.markers);
	free(cols);
	return rc;
}
