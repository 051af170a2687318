/* test_stock.c - level logic, targets, stock lines, expiry times and
 * temperature excursions (stock_level.c, sweep.c, sweep_temps.c). */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "stock.h"
#include "sweep.h"

static struct stock_target row(const char *c, const char *abo,
			       const char *rhd, double target, double low,
			       double crit)
{
	struct stock_target t;
	memset(&t, 0, sizeof t);
	snprintf(t.component, sizeof t.component, "%s", c);
	snprintf(t.abo, sizeof t.abo, "%s", abo);
	snprintf(t.rhd, sizeof t.rhd, "%s", rhd);
	t.target = target;
	t.has_target = target > 0;
	t.low = low;
	t.critical = crit;
	return t;
}

static void test_levels(void)
{
	struct stock_target rbc = row("RBC", "*", "*", 6, 3, 2);
	struct stock_target plt = row("PLT", "*", "*", 1, 1, 0.5);

	T_INTEQ(stock_level_of(&rbc, 1.99), LEVEL_CRITICAL);
	T_INTEQ(stock_level_of(&rbc, 2.0), LEVEL_LOW);
	T_INTEQ(stock_level_of(&rbc, 2.99), LEVEL_LOW);
	T_INTEQ(stock_level_of(&rbc, 3.0), LEVEL_OK);
	T_INTEQ(stock_level_of(&rbc, 0), LEVEL_CRITICAL);
	T_INTEQ(stock_level_of(&rbc, -1), LEVEL_OK);	/* no demand */
	T_INTEQ(stock_level_of(&plt, 0.49), LEVEL_CRITICAL);
	T_INTEQ(stock_level_of(&plt, 0.5), LEVEL_LOW);
	T_INTEQ(stock_level_of(&plt, 0.99), LEVEL_LOW);
	T_INTEQ(stock_level_of(&plt, 1.0), LEVEL_OK);
	T_INTEQ(stock_level_of(NULL, 1.0), LEVEL_NONE);
	T_STREQ(stock_level_name(LEVEL_CRITICAL), "critical");
	T_STREQ(stock_level_name(LEVEL_NONE), "");
}

static void test_targets(void)
{
	struct stock_targets ts = { 0 };
	struct stock_target a = row("RBC", "*", "*", 6, 3, 2);
	struct stock_target b = row("RBC", "O", "neg", 8, 4, 3);
	struct stock_target c = row("RBC", "*", "neg", 7, 3.5, 2.5);
	const struct stock_target *t;

	stock_targets_add(&ts, &a);
	stock_targets_add(&ts, &b);
	stock_targets_add(&ts, &c);
	t = stock_target_find(&ts, "RBC", "O", "neg");
	T_OK(t && t->target == 8, "exact group wins over wildcards");
	t = stock_target_find(&ts, "RBC", "A", "neg");
	T_OK(t && t->target == 7, "RhD row wins over the component row");
	t = stock_target_find(&ts, "RBC", "A", "pos");
	T_OK(t && t->target == 6, "component row for the rest");
	T_OK(stock_target_find(&ts, "FFP", "A", "pos") == NULL,
	     "no row for a component without targets");
	stock_targets_free(&ts);
}

static void test_lines(void)
{
	struct stock_report rep;
	char buf[32];

	memset(&rep, 0, sizeof rep);
	stock_line_get(&rep, "PLT", "A", "pos", "", "")->available = 1;
	stock_line_get(&rep, "RBC", "AB", "neg", "", "")->available = 2;
	stock_line_get(&rep, "RBC", "O", "pos", "", "")->available = 3;
	stock_line_get(&rep, "RBC", "O", "neg", "", "")->available = 4;
	stock_line_get(&rep, "RBC", "O", "pos", "", "")->available += 10;
	T_INTEQ(rep.n, 4);
	stock_report_sort(&rep);
	T_STREQ(rep.v[0].abo, "O");
	T_STREQ(rep.v[0].rhd, "neg");
	T_INTEQ(rep.v[1].available, 13);
	T_STREQ(rep.v[2].abo, "AB");
	T_STREQ(rep.v[3].component, "PLT");
	T_STREQ(stock_fmt_days(-1, buf), "");
	T_STREQ(stock_fmt_days(1.575, buf), "1.57");
	T_OK(!stock_report_any_critical(&rep), "no levels yet");
	rep.v[2].level = LEVEL_CRITICAL;
	T_OK(stock_report_any_critical(&rep), "a critical line is seen");
	stock_report_free(&rep);
}

static void test_expiry(void)
{
	bb_time t;
	const char *why;

	/* a date alone is its 23:59, as in crossmatch and stock-report */
	bb_parse_time("2026-11-21 23:59", &t, &why);
	T_INTEQ(sweep_expiry_time("2026-11-21"), t);
	bb_parse_time("2026-11-21 23:59", &t, &why);
	T_INTEQ(sweep_expiry_time("2026-11-21 23:59"), t);
	T_INTEQ(sweep_expiry_time("soon"), 0);
}

static void test_excursions(void)
{
	struct temp_range rbc = { 1, 1, 2, 6 }, ffp = { 0, 1, 0, -18 };
	struct temp_reading r[6];
	struct excursion ex[4];
	const char *why;
	const char *at[6] = { "2026-11-21 22:00", "2026-11-21 22:30",
			      "2026-11-21 23:00", "2026-11-21 23:30",
			      "2026-11-22 00:00", "2026-11-22 00:30" };
	double c[6] = { 4.1, 7.2, 8.5, 6.8, 4.0, 1.0 };

	for (int i = 0; i < 6; i++) {
		bb_parse_time(at[i], &r[i].at, &why);
		r[i].celsius = c[i];
	}
	T_INTEQ(sweep_excursions(r, 6, &rbc, 30 * 60, ex, 4), 1);
	T_INTEQ((ex[0].end - ex[0].start) / 60, 90);
	T_OK(ex[0].worst == 8.5, "worst reading of the warm spell");
	/* the cold last reading has no end yet: 0 min, not counted; the
	 * warm spell is exactly 90 min: not longer than 90 */
	T_INTEQ(sweep_excursions(r, 6, &rbc, 90 * 60, ex, 4), 0);
	T_INTEQ(sweep_excursions(r, 6, &rbc, 89 * 60, ex, 4), 1);
	T_OK(sweep_temp_out(&ffp, -17.5), "-17.5 C is too warm for plasma");
	T_OK(!sweep_temp_out(&ffp, -30), "-30 C is fine for plasma");
	T_OK(!sweep_temp_out(&rbc, 6), "the range is inclusive");
}

int main(void)
{
	test_levels();
	test_targets();
	test_lines();
	test_expiry();
	test_excursions();
	return t_done();
}
