/*
 * test_fc.c - forecasting numerics: hand-computed cases, R's forecast
 * package (8.20, run here: numbers pasted below), and synthetic series
 * with a planted weekly pattern and holiday dip.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "bb.h"
#include "fc.h"

#define NEAR(a, b, tol) (fabs((a) - (b)) <= (tol))

static double rosen(const double *x, void *arg)
{
	(void)arg;
	return 100 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0]) +
	       (1 - x[0]) * (1 - x[0]);
}

static void test_optim(void)
{
	double x[2] = { -1.2, 1 }, st[2] = { 0.5, 0.5 };
	double f = fc_nelder_mead(rosen, NULL, x, st, 2, 5000, 1e-14);
	T_OK(f < 1e-8 && NEAR(x[0], 1, 1e-3) && NEAR(x[1], 1, 2e-3),
	     "nelder-mead finds the Rosenbrock minimum (1,1)");

	/* [4 2 0; 2 5 1; 0 1 3] x = [2 -1 5]: x = (1, -1, 2) */
	double A[9] = { 4, 2, 0, 2, 5, 1, 0, 1, 3 }, b[3] = { 2, -1, 5 };
	T_OK(fc_cholesky_solve(A, b, 3) == 0 && NEAR(b[0], 1, 1e-12) &&
	     NEAR(b[1], -1, 1e-12) && NEAR(b[2], 2, 1e-12),
	     "cholesky solves a 3x3 system");
	double N[4] = { 1, 2, 2, 1 }, c[2] = { 1, 1 };
	T_OK(fc_cholesky_solve(N, c, 2) == -1, "cholesky refuses an indefinite matrix");

	double q[] = { 5, 1, 4, 2, 3 };
	T_OK(NEAR(fc_quantile(q, 5, 0.5), 3, 1e-12), "median of 1..5 is 3");
	double q2[] = { 10, 20, 30, 40 };
	/* R: quantile(c(10,20,30,40), 0.8) = 34 (type 7) */
	T_OK(NEAR(fc_quantile(q2, 4, 0.8), 34, 1e-12), "type 7 quantile as R");
	T_OK(NEAR(fc_qnorm(0.975), 1.959963984540054, 1e-12), "qnorm(0.975)");
	T_OK(NEAR(fc_qnorm(0.1), -1.281551565544601, 1e-12), "qnorm(0.1)");
	T_OK(NEAR(fc_qnorm(1e-6), -4.753424308822899, 1e-9), "qnorm tail");
}

static const double snaive_y[] = { 10, 12, 15, 11, 9, 20, 25, 11, 13, 14, 12,
				   10, 22, 27, 12, 14, 16, 11, 10, 21, 26 };

static void test_snaive(void)
{
	struct fc_opts o;
	struct fc_result r;
	/* R: snaive(ts(y, frequency = 7), h = 10, level = c(80, 95)) */
	static const double mean[] = { 12, 14, 16, 11, 10, 21, 26, 12, 14, 16 };
	static const double lo80_1 = 10.39349009310564, lo95_1 = 9.54305511929855;
	static const double lo80_8 = 9.72805190158326, hi95_8 = 15.4746447722911;
	int ok = 1;

	fc_opts_default(&o);
	o.method = FC_SNAIVE;
	T_OK(fc_forecast(snaive_y, 21, 0, 10, &o, &r) == 0, "snaive runs");
	for (int j = 0; j < 10; j++)
		ok &= r.mean[j] == mean[j];
	T_OK(ok, "snaive points equal R's exactly");
	T_OK(NEAR(r.lo[0][0], lo80_1, 1e-9) && NEAR(r.lo[1][0], lo95_1, 1e-9),
	     "snaive h=1 intervals equal R's (1e-9)");
	T_OK(NEAR(r.lo[0][7], lo80_8, 1e-9) && NEAR(r.hi[1][7], hi95_8, 1e-9),
	     "snaive h=8 intervals widen by sqrt(2) as R's");
	T_OK(r.nweeks == 1 && NEAR(r.wmean[0], 12 + 14 + 16 + 11 + 10 + 21 + 26, 1e-9),
	     "weekly sum of the first 7 days");
	T_STREQ(r.model, "snaive(m=7)");
	fc_result_free(&r);

	o.method = FC_NAIVE;
	T_OK(fc_forecast(snaive_y, 21, 0, 3, &o, &r) == 0 && r.mean[0] == 26 &&
	     r.mean[2] == 26, "naive repeats the last value");
	fc_result_free(&r);
	o.method = FC_MEAN;
	T_OK(fc_forecast(snaive_y, 7, 0, 2, &o, &r) == 0 &&
	     NEAR(r.mean[1], 102.0 / 7, 1e-12), "mean method");
	fc_result_free(&r);
}

/* set.seed(1); z <- 100 + cumsum(rnorm(60, 0, 2)) + rnorm(60, 0, 3) */
static const double ses_y[] = {
	105.951946, 98.996659, 99.512340, 100.717690, 99.062879, 100.218139,
	95.211744, 106.499934, 103.714592, 109.161891, 107.094147, 104.317465,
	107.037002, 97.973131, 99.264385, 103.809757, 101.573162, 104.794026,
	106.656176, 105.852392, 107.752904, 110.617647, 114.706573, 102.622909,
	110.215099, 109.319854, 111.198711, 104.155355, 105.221664, 105.748787,
	106.037289, 111.082877, 111.715825, 110.227648, 110.133388, 106.218358,
	99.924542, 101.915896, 102.161905, 105.941892, 105.171947, 106.652671,
	105.187486, 109.507663, 105.692312, 111.542937, 109.120362, 111.237828,
	109.435169, 115.091356, 108.933830, 108.232053, 114.596073, 106.088411,
	110.284405, 113.688924, 113.172926, 111.207295, 114.666639, 112.381974
};

/* ts(100 + rep(c(30,-10,0,5,-20,10,-15), 12) + rnorm(84, 0, 4) + 0.2 t, 7) */
static const double hw_y[] = {
	128.176170, 95.772155, 99.741682, 105.081774, 80.599237, 114.050665,
	86.105742, 131.449463, 89.073358, 100.702919, 107.440642, 80.044422,
	114.725985, 81.726424, 134.226231, 87.054201, 102.196095, 106.486880,
	81.191621, 113.772413, 81.542562, 139.106333, 87.940110, 102.945878,
	105.536320, 82.196724, 123.748666, 90.669582, 130.654798, 89.437578,
	108.000748, 111.325761, 85.327727, 113.082551, 86.050159, 132.899231,
	101.400115, 105.114933, 107.262293, 95.477162, 119.900402, 92.445412,
	142.833932, 102.345691, 106.523028, 123.024410, 88.379892, 113.902021,
	94.222402, 140.830153, 109.431914, 110.823209, 117.427995, 90.491388,
	119.663997, 96.061096, 144.550558, 109.900980, 115.909570, 121.831634,
	87.274706, 126.335582, 98.479699, 136.931000, 105.084091, 112.564982,
	124.258349, 90.535672, 122.079153, 95.295562, 143.491584, 106.008047,
	111.673007, 123.121493, 90.167669, 121.008062, 106.164631, 141.536610,
	107.447899, 114.475696, 122.837607, 103.155493, 132.946354, 100.476369
};

static void test_ets(void)
{
	struct fc_ets e;
	double mean[7], var[7];

	/*
	 * R: ets(z, "ANN"): alpha 0.392, forecast 112.680, 80% 107.857 ..
	 * 117.503.  R also optimises the initial level; we take it from the
	 * first ten values, so we state a tolerance: point within 0.5%,
	 * interval half-width within 10%.
	 */
	T_OK(fc_ets_fit(ses_y, 60, FC_A, FC_N, FC_N, 1, &e) == 0, "ETS(A,N,N) fits");
	fc_ets_forecast(&e, 3, mean, var, 0, NULL);
	T_OK(NEAR(mean[0], 112.679832691064, 0.005 * 112.68), "SES point within 0.5% of R");
	double hw = 1.2815515655446 * sqrt(var[0]);
	T_OK(NEAR(hw, 117.503107554472 - 112.679832691064, 0.1 * 4.8233),
	     "SES 80% half-width within 10% of R");
	T_OK(var[2] > var[1] && var[1] > var[0], "SES variance grows with h");
	T_STREQ(e.name, "ETS(A,N,N)");

	/* R: ets(w, "AAA") forecast for the next week */
	static const double r_aaa[] = { 147.020390835259, 109.749348289126,
		117.927096192966, 124.531562060134, 98.095389442665,
		129.606048147823, 102.911150881744 };
	T_OK(fc_ets_fit(hw_y, 84, FC_A, FC_A, FC_A, 7, &e) == 0, "ETS(A,A,A) fits");
	fc_ets_forecast(&e, 7, mean, NULL, 0, NULL);
	int ok = 1;
	for (int j = 0; j < 7; j++)
		ok &= NEAR(mean[j], r_aaa[j], 0.01 * r_aaa[j]);
	T_OK(ok, "Holt-Winters additive week within 1% of R's ETS(A,A,A)");
	/* the season is found: Sunday-like day 0 highest, day 4 lowest */
	T_OK(mean[0] > mean[5] && mean[4] < mean[6], "planted season recovered");

	struct fc_ets best;
	T_OK(fc_ets_auto(hw_y, 84, 7, 1, &best) == 0 && best.season != FC_N,
	     "AICc selection keeps a seasonal model (R picks ETS(A,A,A))");
	T_OK(fc_ets_fit(ses_y, 3, FC_A, FC_N, FC_N, 1, &e) == -1,
	     "too short a series is refused");
	double neg[20];
	for (int i = 0; i < 20; i++)
		neg[i] = i % 3 ? 5 : 0;
	T_OK(fc_ets_fit(neg, 20, FC_M, FC_N, FC_N, 1, &e) == -1,
	     "multiplicative errors refuse zeros");
}

static void test_accuracy(void)
{
	double a[] = { 100, 0, 50 }, f[] = { 90, 10, 50 };
	double lo[] = { 95, -1, 40 }, hi[] = { 105, 5, 60 };
	struct fc_acc acc;

	/* MAPE over A > 0: (10 + 0) / 2 = 5; sMAPE: (200*10/190 + 200 + 0)/3;
	 * MASE: mean |e| = 20/3 over scale 4 */
	fc_accuracy(a, f, 3, 4, lo, hi, lo, hi, &acc);
	T_OK(NEAR(acc.mape, 5, 1e-12), "MAPE skips zero actuals");
	T_INTEQ(acc.nzero, 1);
	T_OK(NEAR(acc.smape, (2000.0 / 190 + 200) / 3, 1e-9), "sMAPE");
	T_OK(NEAR(acc.mase, 20.0 / 3 / 4, 1e-12), "MASE");
	T_OK(NEAR(acc.cover[0], 100.0 * 3 / 3, 1e-9), "coverage counts inside");

	double y[] = { 1, 2, 3, 4, 5, 6, 7, 3, 2, 3, 4, 5, 6, 9 };
	/* |y_t - y_{t-7}|: 2,0,0,0,0,0,2 -> 4/7 */
	T_OK(NEAR(fc_scale_daily(y, 14, 7), 4.0 / 7, 1e-12), "daily MASE scale");
	/* weeks 28 and 32 -> |32 - 28| = 4 */
	T_OK(NEAR(fc_scale_weekly(y, 14), 4, 1e-12), "weekly MASE scale");
}

/* The calendar is read by the core CSV reader, which reports on a ctx. */
static struct bb_ctx cal_ctx;

static void test_calendar(void)
{
	struct fc_cal cal;
	char err[128];
	const char good[] = "date,name,days,source\n# comment\n"
			    "2024-02-10,chinese_new_year,2,lunardate\n"
			    "2024-03-11,ramadan,30,x\n2025-01-29,chinese_new_year,,x\n";
	T_OK(fc_cal_parse(&cal_ctx, &cal, "test", good, strlen(good), err, sizeof err) == 0,
	     "calendar parses");
	T_INTEQ(cal.n, 3);
	T_INTEQ(cal.nnames, 2);
	T_INTEQ(cal.len[1], 30);
	T_INTEQ(cal.len[2], 1);
	/* 2024-02-11 = day 19764 */
	T_STREQ(fc_cal_at(&cal, 19764), "chinese_new_year");
	T_OK(fc_cal_at(&cal, 19766) == NULL, "no holiday on 2024-02-13");
	fc_cal_free(&cal);
	const char bad[] = "date,name\n2024-13-01,x\n";
	T_OK(fc_cal_parse(&cal_ctx, &cal, "test", bad, strlen(bad), err, sizeof err) == -1 &&
	     strstr(err, "line 2"), "a bad date names its line");
	const char bad2[] = "day,what\n";
	T_OK(fc_cal_parse(&cal_ctx, &cal, "test", bad2, strlen(bad2), err, sizeof err) == -1,
	     "header without date,name is refused");
	const char bad3[] = "date,name,days\n2024-01-01,x,0\n";
	T_OK(fc_cal_parse(&cal_ctx, &cal, "test", bad3, strlen(bad3), err, sizeof err) == -1,
	     "days must be at least 1");
}

/*
 * Synthetic: 6 years of a weekly pattern (Sunday 1.7x, Friday 0.65x), a
 * yearly holiday that halves the day and lowers the day before by 20%,
 * and multiplicative noise of about 5%.  The calendar model must give the
 * pattern and the dip back on a future occurrence.
 */
static unsigned long lcg = 12345;
static double unif(void)
{
	lcg = lcg * 6364136223846793005UL + 1442695040888963407UL;
	return ((lcg >> 11) & ((1UL << 53) - 1)) / 9007199254740992.0;
}

static void test_planted(void)
{
	static const double dow[7] = { 1.7, 0.9, 1.0, 1.05, 1.0, 0.65, 1.2 };
	int day0 = 16436;	/* 2015-01-01 */
	int n = 6 * 365, h = 60;
	double *y = malloc(sizeof(double) * (n + h));
	char caltext[4096] = "date,name,days\n";
	int hol[8];

	/* the holiday moves: day 30 + 3 k of each year */
	for (int k = 0; k < 7; k++) {
		hol[k] = day0 + 365 * k + 30 + 3 * k;
		int yy = 2015 + k, base = hol[k];
		/* day number -> date by hand: days since 1970 */
		long z = base + 719468, era = z / 146097, doe = z - era * 146097;
		long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
		long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
		(void)yy;
		char line[64];
		snprintf(line, sizeof line, "%04ld-%02ld-%02ld,festival,1\n",
			 yoe + era * 400 + (m <= 2), m, d);
		strcat(caltext, line);
	}
	for (int i = 0; i < n + h; i++) {
		int day = day0 + i, w = ((day + 4) % 7 + 7) % 7;
		double v = 500 * dow[w] * (1 + 0.1 * ((double)i / n));
		for (int k = 0; k < 7; k++) {
			if (day == hol[k])
				v *= 0.5;
			if (day == hol[k] - 1)
				v *= 0.8;
		}
		y[i] = round(v * exp(0.05 * (unif() + unif() + unif() - 1.5) * 2));
	}
	struct fc_cal cal;
	char err[128];
	T_OK(fc_cal_parse(&cal_ctx, &cal, "test", caltext, strlen(caltext), err, sizeof err) == 0,
	     "synthetic calendar parses");
	struct fc_opts o;
	struct fc_result r;
	fc_opts_default(&o);
	o.cal = &cal;
	o.method = FC_AUTO;
	/* the 7th occurrence falls inside the horizon */
	T_OK(fc_forecast(y, n, day0, h, &o, &r) == 0, "calendar model runs");
	T_OK(strncmp(r.model, "calendar(", 9) == 0, "auto picks the calendar model");
	int j = hol[6] - (day0 + n);
	T_OK(j > 7 && j < h - 7, "holiday inside the horizon");
	/* expected without the dip: same weekday a week later / earlier */
	double same_dow = (r.mean[j - 7] + r.mean[j + 7]) / 2;
	double ratio = r.mean[j] / same_dow;
	T_OK(ratio > 0.45 && ratio < 0.55, "holiday dip 0.5 recovered (0.45..0.55)");
	double pre = r.mean[j - 1] / ((r.mean[j - 8] + r.mean[j + 6]) / 2);
	T_OK(pre > 0.72 && pre < 0.88, "day-before dip 0.8 recovered (0.72..0.88)");
	/* weekly pattern: Sunday / Wednesday = 1.7 and Friday / Wednesday = 0.65,
	 * away from the holiday */
	int sun = -1, wed = -1, fri = -1;
	for (int t = 0; t < 14; t++) {
		int w = (((day0 + n + t) + 4) % 7 + 7) % 7;
		if (w == 0 && sun < 0)
			sun = t;
		if (w == 3 && wed < 0)
			wed = t;
		if (w == 5 && fri < 0)
			fri = t;
	}
	T_OK(NEAR(r.mean[sun] / r.mean[wed], 1.7 / 1.05, 0.05 * 1.7 / 1.05),
	     "Sunday factor within 5%");
	T_OK(NEAR(r.mean[fri] / r.mean[wed], 0.65 / 1.05, 0.05 * 0.65 / 1.05),
	     "Friday factor within 5%");
	/* intervals: ordered, and 80% ones cover about 80% of the truth */
	int in80 = 0, in95 = 0, ord = 1;
	for (int t = 0; t < h; t++) {
		ord &= r.lo[1][t] <= r.lo[0][t] && r.lo[0][t] <= r.mean[t] &&
		       r.mean[t] <= r.hi[0][t] && r.hi[0][t] <= r.hi[1][t];
		in80 += y[n + t] >= r.lo[0][t] && y[n + t] <= r.hi[0][t];
		in95 += y[n + t] >= r.lo[1][t] && y[n + t] <= r.hi[1][t];
	}
	T_OK(ord, "intervals nest around the point");
	T_OK(in80 >= 0.65 * h && in80 <= h, "80% interval covers 65%..100% of 60 days");
	T_OK(in95 >= 0.85 * h, "95% interval covers at least 85%");
	fc_result_free(&r);

	/* gaps and zeros: knock out 10 days and zero 3 */
	for (int i = 100; i < 110; i++)
		y[i] = NAN;
	y[200] = y[201] = y[202] = 0;
	T_OK(fc_forecast(y, n, day0, h, &o, &r) == 0 && isfinite(r.mean[0]) &&
	     r.mean[0] > 0, "gaps and zeros are handled");
	fc_result_free(&r);
	o.method = FC_ETSAUTO;
	T_OK(fc_forecast(y, n, day0, 14, &o, &r) == 0 && r.mean[0] > 0,
	     "ETS auto handles zeros (additive models only)");
	fc_result_free(&r);
	o.method = FC_HWMUL;
	T_OK(fc_forecast(y + 300, 200, day0 + 300, 14, &o, &r) == 0 &&
	     strstr(r.model, "M"), "Holt-Winters multiplicative");
	fc_result_free(&r);
	double two[2] = { 3, 4 };
	o.method = FC_AUTO;
	T_OK(fc_forecast(two, 2, day0, 3, &o, &r) == 0 && r.mean[0] == 4,
	     "two values: naive");
	fc_result_free(&r);
	T_OK(fc_forecast(two, 1, day0, 3, &o, &r) == -1, "one value is too short");
	fc_cal_free(&cal);
	free(y);
}

/* Monthly series (period 12, no calendar): a planted yearly pattern comes
 * back from seasonal naive exactly and from Holt-Winters closely; auto
 * never picks the daily calendar model; a series shorter than two years
 * gets non-seasonal ETS. */
static void test_monthly(void)
{
	static const double f[12] = { 1.0, 0.7, 0.9, 1.0, 1.1, 1.5,
				      1.3, 1.2, 1.0, 0.9, 0.8, 1.1 };
	double y[72];
	struct fc_opts o;
	struct fc_result r;
	int ok = 1;

	for (int i = 0; i < 72; i++)
		y[i] = 300 * f[i % 12] * (0.97 + (i * 37 % 7) / 100.0);
	fc_opts_default(&o);
	o.period = 12;
	o.no_calendar = 1;
	o.method = FC_SNAIVE;
	T_OK(fc_forecast(y, 72, 0, 24, &o, &r) == 0, "monthly snaive runs");
	for (int j = 0; j < 24; j++)
		ok &= r.mean[j] == y[60 + j % 12];
	T_OK(ok, "monthly snaive: each month as 12 months before");
	T_STREQ(r.model, "snaive(m=12)");
	fc_result_free(&r);

	o.method = FC_HWADD;
	T_OK(fc_forecast(y, 72, 0, 12, &o, &r) == 0, "monthly hw-add runs");
	ok = 1;
	for (int j = 0; j < 12; j++)
		ok &= fabs(r.mean[j] / (300 * f[j]) - 1) < 0.06;
	T_OK(ok, "monthly hw-add gives back the yearly pattern (6%)");
	fc_result_free(&r);

	o.method = FC_AUTO;
	T_OK(fc_forecast(y, 72, 0, 12, &o, &r) == 0 && !strncmp(r.model, "ETS(", 4) &&
	     strchr(r.model, ')')[-1] != 'N', "monthly auto: seasonal ETS, no calendar");
	fc_result_free(&r);
	T_OK(fc_forecast(y, 20, 0, 6, &o, &r) == 0 && !strncmp(r.model, "ETS(", 4) &&
	     strchr(r.model, ')')[-1] == 'N', "20 months: non-seasonal ETS");
	fc_result_free(&r);
	o.method = FC_CALENDAR;
	T_OK(fc_forecast(y, 72, 0, 12, &o, &r) == -1,
	     "the calendar model refuses months");
}

int main(void)
{
	bb_ctx_init(&cal_ctx, "test_fc");
	test_optim();
	test_snaive();
	test_ets();
	test_accuracy();
	test_calendar();
	test_planted();
	test_monthly();
	bb_ctx_free(&cal_ctx);
	return t_done();
}
