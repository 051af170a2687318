/* test_elig.c - the eligibility engine against the built-in cn and us
 * rule tables (read from the embedded CSVs, as the database seeds them). */
#include <stdlib.h>
#include <string.h>

#include "elig.h"
#include "t.h"

static bb_time D(const char *s)
{
	bb_time t = 0;
	const char *why;

	if (bb_parse_time(s, &t, &why) < 0) {
		printf("# bad date in test: %s\n", s);
		abort();
	}
	return t;
}

/* Split one CSV line (quotes allowed) into at most max fields in place. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line, *w;

	while (n < max) {
		f[n++] = w = p;
		if (*p == '"') {
			p++;
			for (; *p; p++) {
				if (*p == '"' && p[1] == '"')
					*w++ = '"', p++;
				else if (*p == '"')
					break;
				else
					*w++ = *p;
			}
			if (*p)
				p++;
		} else {
			while (*p && *p != ',')
				*w++ = *p++;
		}
		if (*p != ',') {
			*w = 0;
			break;
		}
		p++;
		*w = 0;
	}
	return n;
}

static void load(struct elig_rules *r, const char *profile)
{
	static const char *const tables[] = { "criteria", "intervals", "caps",
					      "deferral_codes" };
	char name[64];

	elig_rules_init(r);
	for (int t = 0; t < 4; t++) {
		snprintf(name, sizeof name, "rules/%s/%s.csv", profile, tables[t]);
		const struct bb_embedded *e = bb_embedded_find(name);
		if (!e) {
			printf("# missing %s\n", name);
			abort();
		}
		char *text = malloc(e->len + 1), *line, *save = NULL;
		memcpy(text, e->data, e->len);
		text[e->len] = 0;
		int first = 1;
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *f[8];
			const char *why = "";
			int n, bad;

			if (first) {
				first = 0;
				continue;
			}
			n = split(line, f, 6);
			switch (t) {
			case 0: bad = n < 5 || elig_add_criterion(r, f[0], f[1], f[2], f[3], f[4], &why); break;
			case 1: bad = n < 3 || elig_add_interval(r, f[0], f[1], f[2], &why); break;
			case 2: bad = n < 4 || elig_add_cap(r, f[0], f[1], f[2], f[3], &why); break;
			default: bad = n < 3 || elig_add_code(r, f[0], f[2], &why); break;
			}
			T_OK(!bad, "rule row loads");
			if (bad)
				printf("#   %s: %s (%s)\n", name, line, why);
		}
		free(text);
	}
}

static const struct elig_measure good = {
	ELIG_M_HB | ELIG_M_WEIGHT | ELIG_M_SBP | ELIG_M_DBP | ELIG_M_PULSE |
	ELIG_M_TEMP | ELIG_M_VOLUME,
	130, 60, 120, 80, 72, 36.6, 400
};

static struct elig_rules cn, us;
static struct elig_result res;
static char buf[11];

static const char *next_s(void)
{
	return res.next == ELIG_NEVER ? "never" : bb_fmt_date(res.next, buf);
}

/* A 30-year-old male repeat donor with the given history. */
static int chk(const struct elig_rules *r, const struct elig_donation *h,
	       int nh, const char *kind, const char *on)
{
	struct elig_donor d = { 'M', 0, 0, h, nh, NULL, 0 };

	d.birth = D("1990-05-10");
	return elig_check(r, &d, kind, D(on), NULL, &res);
}

static void test_intervals(void)
{
	struct elig_donation wb = { 0, "WB", 400 };

	/* calendar months: 2026-07-01 + 6 months = 2027-01-01 */
	wb.at = D("2026-07-01 09:30");
	T_OK(!chk(&cn, &wb, 1, "WB", "2026-12-31 23:59"), "WB>WB day before 6 months");
	T_STREQ(res.reasons, "interval:WB>WB:6mo:last=2026-07-01");
	T_STREQ(next_s(), "2027-01-01");
	T_OK(chk(&cn, &wb, 1, "WB", "2027-01-01 08:00"), "WB>WB on 2027-01-01");
	T_STREQ(res.reasons, "");

	/* month-end clamping: 08-31 + 6 months = 02-28 (2027), 02-29 (2028) */
	wb.at = D("2026-08-31");
	T_OK(!chk(&cn, &wb, 1, "WB", "2027-02-27"), "WB>WB clamped: 02-27 refused");
	T_STREQ(next_s(), "2027-02-28");
	T_OK(chk(&cn, &wb, 1, "WB", "2027-02-28"), "WB>WB clamped: 02-28 ok");
	wb.at = D("2027-08-31");
	T_OK(!chk(&cn, &wb, 1, "WB", "2028-02-28"), "leap year: 02-28 refused");
	T_STREQ(next_s(), "2028-02-29");

	/* the cn matrix */
	struct elig_donation plt = { D("2026-11-01"), "PLT", 250 };
	T_OK(!chk(&cn, &plt, 1, "PLT", "2026-11-14"), "PLT>PLT 13 days");
	T_STREQ(res.reasons, "interval:PLT>PLT:14d:last=2026-11-01");
	T_STREQ(next_s(), "2026-11-15");
	T_OK(chk(&cn, &plt, 1, "PLT", "2026-11-15"), "PLT>PLT 14 days");
	T_OK(!chk(&cn, &plt, 1, "WB", "2026-11-28"), "PLT>WB 27 days");
	T_STREQ(res.reasons, "interval:PLT>WB:28d:last=2026-11-01");
	T_OK(chk(&cn, &plt, 1, "WB", "2026-11-29"), "PLT>WB 28 days");
	wb.at = D("2026-01-31");
	T_OK(!chk(&cn, &wb, 1, "PLT", "2026-04-29"), "WB>PLT before 3 months");
	T_STREQ(res.reasons, "interval:WB>PLT:3mo:last=2026-01-31");
	T_STREQ(next_s(), "2026-04-30");	/* 04-31 clamps to 04-30 */
	T_OK(chk(&cn, &wb, 1, "PLT", "2026-04-30"), "WB>PLT 3 months");
	T_OK(!chk(&cn, &wb, 1, "PLS", "2026-03-01"), "WB>PLS filled in: 3 months");
	T_OK(!chk(&cn, &wb, 1, "DRBC", "2026-07-30"), "WB>DRBC filled in: 6 months");
	struct elig_donation pls = { D("2026-11-01"), "PLS", 500 };
	T_OK(!chk(&cn, &pls, 1, "PLT", "2026-11-14"), "PLS>PLT 2 weeks");
	T_OK(chk(&cn, &pls, 1, "PLT", "2026-11-15"), "PLS>PLT after 2 weeks");

	/* every pair of the matrix has a rule in both profiles */
	const char *k[] = { "WB", "PLT", "PLS", "DRBC" };
	int all = 1;
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			all &= elig_interval_find(&cn, k[i], k[j]) &&
			       elig_interval_find(&us, k[i], k[j]);
	T_OK(all, "interval matrix complete (cn and us)");

	/* several earlier donations: each kind's latest counts */
	struct elig_donation two[] = { { D("2026-06-01"), "WB", 400 },
				       { D("2026-11-10"), "PLT", 250 } };
	T_OK(!chk(&cn, two, 2, "WB", "2026-11-20"), "two intervals");
	T_STREQ(res.reasons, "interval:WB>WB:6mo:last=2026-06-01;interval:PLT>WB:28d:last=2026-11-10");
	T_STREQ(next_s(), "2026-12-08");
	T_INTEQ(res.nreasons, 2);

	/* a back-loaded donation before a later one */
	wb.at = D("2026-09-01");
	T_OK(!chk(&cn, &wb, 1, "WB", "2026-07-01"), "clash with a later donation");
	T_STREQ(res.reasons, "interval:WB>WB:6mo:next=2026-09-01");
	T_STREQ(next_s(), "never");

	/* us: 56 days */
	wb.at = D("2026-07-01");
	T_OK(!chk(&us, &wb, 1, "WB", "2026-08-25"), "us WB>WB 55 days");
	T_STREQ(res.reasons, "interval:WB>WB:56d:last=2026-07-01");
	T_OK(chk(&us, &wb, 1, "WB", "2026-08-26"), "us WB>WB 56 days");
}

static void test_age(void)
{
	struct elig_donor d = { 'F', 0, 0, NULL, 0, NULL, 0 };
	struct elig_donation old = { D("2020-01-01"), "WB", 200 };

	d.birth = D("2008-11-22");
	T_OK(!elig_check(&cn, &d, "WB", D("2026-11-21 23:00"), NULL, &res),
	     "day before 18th birthday");
	T_STREQ(res.reasons, "age:min:18");
	T_STREQ(next_s(), "2026-11-22");
	T_OK(elig_check(&cn, &d, "WB", D("2026-11-22"), NULL, &res),
	     "on the 18th birthday");

	d.birth = D("2008-02-29");	/* leap-day birthday */
	T_OK(!elig_check(&cn, &d, "WB", D("2026-02-27"), NULL, &res), "leap: 02-27");
	T_STREQ(next_s(), "2026-02-28");
	T_OK(elig_check(&cn, &d, "WB", D("2026-03-01"), NULL, &res), "leap: 03-01");

	/* 55 for first-time donors, 60 for repeat donors */
	d.birth = D("1970-01-15");
	T_OK(elig_check(&cn, &d, "WB", D("2026-01-14"), NULL, &res),
	     "first-time donor aged 55");
	T_OK(!elig_check(&cn, &d, "WB", D("2026-01-15"), NULL, &res),
	     "first-time donor aged 56");
	T_STREQ(res.reasons, "age:max:55");
	T_STREQ(next_s(), "never");
	d.hist = &old;
	d.nhist = 1;
	T_OK(elig_check(&cn, &d, "WB", D("2026-01-15"), NULL, &res),
	     "repeat donor aged 56");
	T_OK(elig_check(&cn, &d, "WB", D("2031-01-14"), NULL, &res),
	     "repeat donor aged 60");
	T_OK(!elig_check(&cn, &d, "WB", D("2031-01-15"), NULL, &res),
	     "repeat donor aged 61");
	T_STREQ(res.reasons, "age:max:60");
	d.hist = NULL;
	d.nhist = 0;
	d.repeat = 1;	/* history outside the loaded window */
	T_OK(elig_check(&cn, &d, "WB", D("2027-01-15"), NULL, &res),
	     "repeat flag without history");

	/* us: 17 and no upper limit */
	d.birth = D("1940-01-01");
	d.repeat = 0;
	T_OK(elig_check(&us, &d, "WB", D("2026-11-22"), NULL, &res), "us: 86 ok");
	d.birth = D("2009-11-23");
	T_OK(!elig_check(&us, &d, "WB", D("2026-11-22"), NULL, &res), "us: 16");
	T_STREQ(res.reasons, "age:min:17");
}

/* Check one measurement change for a donor of sex `sex`. */
static const char *measure(char sex, const char *kind, double *field,
			   double v, unsigned drop)
{
	struct elig_measure m = good;
	struct elig_donor d = { sex, 0, 0, NULL, 0, NULL, 0 };

	d.birth = D("1990-05-10");
	if (field)
		*(double *)((char *)&m + ((char *)field - (char *)&good)) = v;
	m.have &= ~drop;
	elig_check(&cn, &d, kind, D("2026-11-22"), &m, &res);
	return res.reasons;
}

static void test_criteria(void)
{
	struct elig_measure *g = (struct elig_measure *)&good;

	T_STREQ(measure('M', "WB", NULL, 0, 0), "");
	T_STREQ(measure('F', "WB", NULL, 0, 0), "");
	T_STREQ(measure('M', "WB", &g->weight, 49.9, 0), "weight:min:50");
	T_STREQ(measure('M', "WB", &g->weight, 50, 0), "");
	T_STREQ(measure('F', "WB", &g->weight, 45, 0), "");
	T_STREQ(measure('F', "WB", &g->weight, 44.9, 0), "weight:min:45");
	T_STREQ(measure('M', "WB", &g->hb, 119, 0), "hb:min:120");
	T_STREQ(measure('M', "WB", &g->hb, 120, 0), "");
	T_STREQ(measure('F', "WB", &g->hb, 115, 0), "");
	T_STREQ(measure('F', "WB", &g->hb, 114, 0), "hb:min:115");
	T_STREQ(measure('F', "WB", &g->sbp, 140, 0), "sbp:max:139");
	T_STREQ(measure('M', "WB", &g->sbp, 139, 0), "");
	T_STREQ(measure('M', "WB", &g->sbp, 89, 0), "sbp:min:90;pulse_pressure:min:30");
	T_STREQ(measure('M', "WB", &g->dbp, 90, 0), "dbp:max:89");
	T_STREQ(measure('F', "WB", &g->dbp, 59, 0), "dbp:min:60");
	T_STREQ(measure('M', "WB", &g->dbp, 95, 0), "dbp:max:89;pulse_pressure:min:30");
	T_STREQ(measure('M', "WB", &g->dbp, 89, 0), "");	/* 120-89 = 31 */
	T_STREQ(measure('F', "WB", &g->sbp, 110, 0), "");	/* 110-80 = 30 */
	T_STREQ(measure('F', "WB", &g->sbp, 109, 0), "pulse_pressure:min:30");
	T_STREQ(measure('M', "WB", &g->pulse, 59, 0), "pulse:min:60");
	T_STREQ(measure('F', "WB", &g->pulse, 101, 0), "pulse:max:100");
	T_STREQ(measure('M', "WB", &g->temp, 37.5, 0), "");
	T_STREQ(measure('F', "WB", &g->temp, 37.6, 0), "temp:max:37.5");
	T_STREQ(measure('M', "WB", &g->volume, 450, 0), "volume:max:400");
	T_STREQ(measure('M', "WB", &g->volume, 150, 0), "volume:min:200");
	T_STREQ(measure('M', "PLT", &g->volume, 450, 0), "");	/* WB only */
	T_STREQ(measure('M', "WB", NULL, 0, ELIG_M_HB), "hb:missing");
	T_STREQ(measure('F', "WB", NULL, 0, ELIG_M_SBP),
		"sbp:missing;pulse_pressure:missing");
	T_STREQ(measure('M', "WB", &g->hb, 100, ELIG_M_WEIGHT | ELIG_M_TEMP),
		"weight:missing;hb:min:120;temp:missing");
	T_STREQ(next_s(), "never");

	/* most specific row wins */
	const struct elig_crit *c = elig_crit_find(&cn, "hb", "PLT", 'F');
	T_OK(c && c->min == 115, "hb for F/PLT falls back to */F");
	c = elig_crit_find(&us, "hb", "WB", 'M');
	T_OK(c && c->min == 130, "us hb M 130 g/L");
	T_OK(!elig_crit_find(&cn, "nonesuch", "WB", 'M'), "unknown criterion");
}

static void test_caps(void)
{
	struct elig_donation h[26];
	bb_time t = D("2025-12-01");

	/* 24 platelet donations two weeks apart in the last 12 months */
	for (int i = 0; i < 24; i++) {
		h[i].at = bb_add_dur(t, (struct bb_dur){ 14 * i, BB_DAYU }, 1);
		strcpy(h[i].kind, "PLT");
		h[i].volume_ml = 250;
	}
	/* last one: 2025-12-01 + 322 d = 2026-10-19 */
	T_OK(!chk(&cn, h, 24, "PLT", "2026-11-02"), "25th platelet donation");
	T_STREQ(res.reasons, "cap:PLT:12mo:24");
	T_STREQ(next_s(), "2026-12-01");
	T_OK(chk(&cn, h, 24, "PLT", "2026-12-01"), "first one aged out");
	T_OK(chk(&cn, h, 23, "PLT", "2026-11-02"), "24th is fine");
	T_OK(!chk(&us, h, 24, "PLT", "2026-11-02"), "us cap 24 too");
	T_STREQ(res.reasons, "cap:PLT:12mo:24");

	/* cn volume cap platelets + plasma 10 L / 12 months */
	struct elig_donation v[3] = { { D("2026-02-01"), "PLS", 4000 },
				      { D("2026-05-01"), "PLS", 4000 },
				      { D("2026-08-01"), "PLT", 1500 } };
	struct elig_measure m = good;
	struct elig_donor d = { 'M', 0, 0, v, 3, NULL, 0 };
	d.birth = D("1990-05-10");
	m.volume = 600;
	T_OK(!elig_check(&cn, &d, "PLS", D("2026-11-01"), &m, &res),
	     "plasma + platelets over 10 L");
	T_STREQ(res.reasons, "cap:PLT+PLS:12mo:10000ml");
	T_STREQ(next_s(), "2027-02-01");	/* the first 4 L ages out */
	T_OK(elig_check(&cn, &d, "PLS", D("2026-11-01"), NULL, &res),
	     "volume cap: 9.5 L so far, this volume unknown");
	m.volume = 500;
	T_OK(elig_check(&cn, &d, "PLS", D("2026-11-01"), &m, &res),
	     "exactly 10 L is allowed");
}

static void test_deferrals(void)
{
	struct elig_deferral f[2] = { { "TATTOO", 0, 0, 0 }, { "HIV", 0, 0, 1 } };
	struct elig_donor d = { 'M', 0, 0, NULL, 0, f, 1 };
	const struct elig_code *c = elig_code_find(&cn, "TATTOO");

	d.birth = D("1990-05-10");
	T_OK(c && !c->permanent, "TATTOO is temporary");
	f[0].start = D("2026-03-01");
	f[0].until = elig_deferral_until(c, f[0].start);
	T_STREQ(bb_fmt_date(f[0].until, buf), "2027-03-01");
	T_OK(!elig_check(&cn, &d, "WB", D("2026-11-22"), NULL, &res), "tattoo");
	T_STREQ(res.reasons, "deferral:TATTOO:until=2027-03-01");
	T_STREQ(next_s(), "2027-03-01");
	T_INTEQ(res.permanent, 0);
	T_OK(elig_check(&cn, &d, "WB", D("2027-03-01"), NULL, &res), "tattoo over");
	T_OK(elig_check(&cn, &d, "WB", D("2026-02-28"), NULL, &res),
	     "deferral not yet started");

	f[1].start = D("2026-10-01");
	d.ndef = 2;
	T_OK(!elig_check(&cn, &d, "PLT", D("2026-11-22"), NULL, &res), "HIV");
	T_STREQ(res.reasons, "deferral:TATTOO:until=2027-03-01;permanent:HIV");
	T_STREQ(next_s(), "never");
	T_INTEQ(res.permanent, 1);

	c = elig_code_find(&cn, "HIV");
	T_OK(c && c->permanent, "HIV code is permanent");
	T_OK(elig_deferral_until(c, D("2026-01-01")) == ELIG_NEVER, "no end");
	c = elig_code_find(&cn, "VACCINE_INACTIVATED");
	T_OK(c != NULL, "24 h code exists");
	T_STREQ(bb_fmt_date(elig_deferral_until(c, D("2026-11-22")), buf), "2026-11-23");
	c = elig_code_find(&cn, "TRANSFUSION");
	T_STREQ(c ? c->text : "", "5y");	/* stricter of 1 y / 5 y */
	c = elig_code_find(&us, "TATTOO");
	T_STREQ(c ? c->text : "", "3mo");
	T_OK(!elig_code_find(&cn, "NOSUCH"), "unknown code");
}

static void test_bad_rows(void)
{
	struct elig_rules r;
	const char *why = NULL;

	elig_rules_init(&r);
	T_OK(elig_add_interval(&r, "WB", "XX", "6mo", &why) < 0, "bad kind");
	T_OK(elig_add_interval(&r, "WB", "WB", "six", &why) < 0, "bad duration");
	T_OK(elig_add_criterion(&r, "hb", "*", "X", "1", "", &why) < 0, "bad sex");
	T_OK(elig_add_criterion(&r, "hb", "*", "M", "abc", "", &why) < 0, "bad min");
	T_OK(elig_add_code(&r, "X", "forever", &why) < 0, "bad code duration");
	T_OK(elig_add_cap(&r, "PLT", "12mo", "24", "", &why) == 0, "cap row");
	T_INTEQ(r.ncap, 1);
	elig_rules_free(&r);
	T_OK(elig_kind_valid("DRBC") && !elig_kind_valid("wb"), "kinds");
	char day[11];
	T_STREQ(bb_fmt_date(elig_history_start(&cn, D("2026-11-22 10:00")), day),
		"2025-11-22");
}

int main(void)
{
	load(&cn, "cn");
	load(&us, "us");
	test_intervals();
	test_age();
	test_criteria();
	test_caps();
	test_deferrals();
	test_bad_rows();
	elig_rules_free(&cn);
	elig_rules_free(&us);
	return t_done();
}
