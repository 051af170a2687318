/*
 * fc_model.c - forecasting methods and prediction intervals.
 *
 * The calendar model (method "calendar", the default through "auto"):
 *
 *   z_t = log(y_t + 1) = L_t + S_t + e_t
 *   S_t = intercept + day of week + yearly Fourier terms
 *         + sum over holidays of an effect per day offset (a week before,
 *           each day or week of the holiday period, a week after)
 *
 * S is fitted by weighted ridge least squares (recent years weigh more,
 * outliers are down-weighted by Huber weights) alternating with L, a
 * centred one-year moving average of z - S (so the yearly waves stay in
 * S).  The forecast level is an ETS model (A,N,N or A,Ad,N by AICc) on
 * a_t = z_t - S_t; forecasts are exp(level + S) - 1, the median.
 * Intervals come from the empirical quantiles of the errors that the same
 * level forecast made from every origin of the last three years, per
 * horizon (days) and per week (sums), so they carry the real, fat-tailed,
 * holiday-heavy error distribution rather than a normal one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc.h"

/* Model constants; a build with -DFC_TUNE reads overrides from the
 * environment (FC_TAU=...) for tuning experiments. */
static double tun(const char *k, double d)
{
#ifdef FC_TUNE
	const char *v = getenv(k);
	return v ? atof(v) : d;
#else
	(void)k;
	return d;
#endif
}

static const char *const method_names[FC_NMETHODS] = {
	"snaive", "naive", "mean", "ses", "holt", "damped", "hw-add", "hw-mul",
	"ets", "calendar", "auto"
};

const char *fc_method_name(enum fc_method m)
{
	return m < FC_NMETHODS ? method_names[m] : "?";
}

int fc_method_parse(const char *s, enum fc_method *m)
{
	for (int i = 0; i < FC_NMETHODS; i++)
		if (!strcmp(s, method_names[i])) {
			*m = (enum fc_method)i;
			return 0;
		}
	return -1;
}

void fc_opts_default(struct fc_opts *o)
{
	memset(o, 0, sizeof *o);
	o->method = FC_AUTO;
	o->period = 7;
	o->levels[0] = 80;
	o->levels[1] = 95;
}

static void *xcalloc(size_t n, size_t s)
{
	void *p = calloc(n ? n : 1, s);
	if (!p)
		abort();
	return p;
}

static void result_alloc(struct fc_result *r, int h)
{
	memset(r, 0, sizeof *r);
	r->h = h;
	r->nweeks = h / 7;
	r->mean = xcalloc((size_t)h, sizeof(double));
	r->wmean = xcalloc((size_t)r->nweeks, sizeof(double));
	for (int k = 0; k < 2; k++) {
		r->lo[k] = xcalloc((size_t)h, sizeof(double));
		r->hi[k] = xcalloc((size_t)h, sizeof(double));
		r->wlo[k] = xcalloc((size_t)r->nweeks, sizeof(double));
		r->whi[k] = xcalloc((size_t)r->nweeks, sizeof(double));
	}
}

void fc_result_free(struct fc_result *r)
{
	free(r->mean);
	free(r->wmean);
	for (int k = 0; k < 2; k++) {
		free(r->lo[k]);
		free(r->hi[k]);
		free(r->wlo[k]);
		free(r->whi[k]);
	}
	memset(r, 0, sizeof *r);
}

static int weekday(int day)	/* 0 = Sunday */
{
	int w = (day + 4) % 7;
	return w < 0 ? w + 7 : w;
}

/* Fill gaps: the value a season earlier, else later, else the mean. */
static double *fill_gaps(const double *y, int n, int m, int *ngaps)
{
	double *x = xcalloc((size_t)n, sizeof(double)), mean = 0;
	int i, cnt = 0;

	*ngaps = 0;
	for (i = 0; i < n; i++)
		if (isfinite(y[i])) {
			mean += y[i] < 0 ? 0 : y[i];
			cnt++;
		}
	mean = cnt ? mean / cnt : 0;
	for (i = 0; i < n; i++) {
		if (isfinite(y[i])) {
			x[i] = y[i] < 0 ? 0 : y[i];
			continue;
		}
		(*ngaps)++;
		if (i >= m)
			x[i] = x[i - m];
		else {
			int j;
			for (j = i + m; j < n && !isfinite(y[j]); j += m)
				;
			x[i] = j < n ? y[j] : mean;
		}
	}
	return x;
}

/* ---- normal intervals around point forecasts ---- */
static void normal_intervals(struct fc_result *r, const struct fc_opts *o,
			     const double *var, const double *wvar, int clip)
{
	for (int k = 0; k < 2; k++) {
		double z = fc_qnorm(0.5 + o->levels[k] / 200);
		for (int j = 0; j < r->h; j++) {
			double sd = sqrt(var[j] > 0 ? var[j] : 0);
			r->lo[k][j] = r->mean[j] - z * sd;
			r->hi[k][j] = r->mean[j] + z * sd;
			if (clip && r->lo[k][j] < 0)
				r->lo[k][j] = 0;
		}
		for (int j = 0; j < r->nweeks; j++) {
			double sd = sqrt(wvar[j] > 0 ? wvar[j] : 0);
			r->wlo[k][j] = r->wmean[j] - z * sd;
			r->whi[k][j] = r->wmean[j] + z * sd;
			if (clip && r->wlo[k][j] < 0)
				r->wlo[k][j] = 0;
		}
	}
}

static void week_means(struct fc_result *r)
{
	fc_week_sums(r->mean, r->h, r->wmean);
}

/* ---- seasonal naive, naive, mean: exactly as R's forecast package ---- */
static int simple_method(const double *y, const double *y0, int n, int h, int m,
			 const struct fc_opts *o, enum fc_method meth,
			 struct fc_result *r)
{
	int j, lag = meth == FC_SNAIVE ? m : 1;
	double *var = xcalloc((size_t)h, sizeof(double));
	double *wvar = xcalloc((size_t)(h / 7 + 1), sizeof(double));

	if (meth == FC_SNAIVE && n < m)
		lag = 1;	/* R falls back to naive on too short series */
	if (meth == FC_MEAN) {
		double s = 0, ss = 0;
		for (j = 0; j < n; j++)
			s += y[j];
		s /= n;
		for (j = 0; j < n; j++)
			ss += (y[j] - s) * (y[j] - s);
		double sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
		for (j = 0; j < h; j++) {
			r->mean[j] = s;
			var[j] = sd * sd * (1 + 1.0 / n);
		}
		for (j = 0; j < r->nweeks; j++)
			wvar[j] = 7 * sd * sd + 49.0 * sd * sd / n;
		snprintf(r->model, sizeof r->model, "mean");
	} else {
		/* sigma^2 = mean of squared lag differences (R: lagwalk),
		 * pairs with a gap left out as R's na.rm */
		double ss = 0;
		int cnt = 0;
		for (j = lag; j < n; j++) {
			if (!isfinite(y0[j]) || !isfinite(y0[j - lag]))
				continue;
			double d = y[j] - y[j - lag];
			ss += d * d;
			cnt++;
		}
		double s2 = cnt ? ss / cnt : 0;
		for (j = 0; j < h; j++) {
			r->mean[j] = y[n - lag + j % lag];
			var[j] = s2 * (double)(j / lag + 1);
		}
		/* week sums: seasonal naive = 7 independent walks; naive:
		 * sum_u eps_u * #{days of the week at or after u} */
		for (j = 0; j < r->nweeks; j++)
			wvar[j] = lag == 7 ? 7 * s2 * (j + 1) :
				  s2 * (343.0 * j + 140.0);
		snprintf(r->model, sizeof r->model, lag == 1 ? "naive" :
			 "snaive(m=%d)", lag);
	}
	week_means(r);
	normal_intervals(r, o, var, wvar, 0);
	free(var);
	free(wvar);
	return 0;
}

/* ---- the ETS family ---- */
static int ets_method(const double *y, int n, int h, int m,
		      const struct fc_opts *o, enum fc_method meth,
		      struct fc_result *r)
{
	struct fc_ets e;
	int rc = -1, start = 0;
	int maxn = o->max_train > 0 ? o->max_train : 3 * 364;

	if (n > maxn)
		start = n - maxn;
	y += start;
	n -= start;
	switch (meth) {
	case FC_SES:
		rc = fc_ets_fit(y, n, FC_A, FC_N, FC_N, m, &e);
		break;
	case FC_HOLT:
		rc = fc_ets_fit(y, n, FC_A, FC_A, FC_N, m, &e);
		break;
	case FC_DAMPED:
		rc = fc_ets_fit(y, n, FC_A, FC_AD, FC_N, m, &e);
		break;
	case FC_HWADD:
		rc = fc_ets_fit(y, n, FC_A, FC_A, FC_A, m, &e);
		break;
	case FC_HWMUL:
		rc = fc_ets_fit(y, n, FC_M, FC_A, FC_M, m, &e);
		break;
	default:
		rc = fc_ets_auto(y, n, m, 1, &e);
		break;
	}
	if (rc && meth != FC_SES)	/* e.g. zeros in a multiplicative model */
		rc = fc_ets_auto(y, n, m, 0, &e);
	if (rc)
		return -1;
	double *var = xcalloc((size_t)h, sizeof(double));
	double *wvar = xcalloc((size_t)(h / 7 + 1), sizeof(double));
	fc_ets_forecast(&e, h, r->mean, var, 7, wvar);
	for (int j = 0; j < h; j++)
		if (r->mean[j] < 0)
			r->mean[j] = 0;
	week_means(r);
	normal_intervals(r, o, var, wvar, 1);
	snprintf(r->model, sizeof r->model, "%s", e.name);
	free(var);
	free(wvar);
	return 0;
}

/* ---- the calendar model ---- */
#define MAXHCOL 24
#define FOURIER_K 8

struct calmodel {
	int n, h, day0;		/* training length, horizon, first day */
	int nd;			/* n + h days covered */
	int K;			/* Fourier pairs */
	int ncol;
	int hbase;		/* first holiday column */
	int nhcol;		/* holiday columns used */
	unsigned char *hn;	/* per day: number of holiday columns */
	unsigned char *off;	/* per day: 1 day off (holiday), 2 in lieu */
	unsigned char *hday;	/* per day: inside a short holiday */
	int *hc;		/* per day: MAXHCOL column indexes */
	int nhol;		/* holiday names with effects */
	int pre, post;		/* days of effect before and after */
	int dk;			/* day of week x yearly wave pairs */
};

static int in_period_buckets(int len)
{
	return len <= 9 ? len : 3 + (len - 1 - 3) / 7 + 1;
}

static int bucket_of(int o, int len)
{
	return len <= 9 || o < 3 ? o : 3 + (o - 3) / 7;
}

static void cal_build(struct calmodel *cm, const struct fc_cal *cal)
{
	int nn = cal ? cal->nnames : 0, i;
	int *maxlen = xcalloc((size_t)nn + 1, sizeof(int));
	int *base = xcalloc((size_t)nn + 1, sizeof(int));
	int first = cm->day0, last = cm->day0 + cm->nd - 1;

	cm->hbase = 1 + 6 + 2 * cm->K + 12 * cm->dk + 2;	/* + in lieu, weekend */
	cm->hn = xcalloc((size_t)cm->nd, 1);
	cm->off = xcalloc((size_t)cm->nd, 1);
	cm->hc = xcalloc((size_t)cm->nd * MAXHCOL, sizeof(int));
	cm->nhcol = 0;
	cm->nhol = 0;
	for (i = 0; cal && i < cal->n; i++) {
		int nm = cal->name[i];
		if (cal->day[i] + cal->len[i] + cm->post < first ||
		    cal->day[i] - cm->pre > last)
			continue;
		if (cal->len[i] > maxlen[nm])
			maxlen[nm] = cal->len[i];
	}
	/* names with at least one occurrence in the training part */
	for (int nm = 0; nm < nn; nm++) {
		int seen = 0;
		for (i = 0; i < cal->n && !seen; i++)
			if (cal->name[i] == nm && cal->day[i] + cal->len[i] > first &&
			    cal->day[i] <= cm->day0 + cm->n - 1)
				seen = 1;
		if (!seen || !maxlen[nm]) {
			maxlen[nm] = 0;
			continue;
		}
		base[nm] = cm->hbase + cm->nhcol;
		cm->nhcol += cm->pre + in_period_buckets(maxlen[nm]) + cm->post;
		cm->nhol++;
	}
	for (i = 0; cal && i < cal->n; i++) {
		int nm = cal->name[i], len = cal->len[i];
		if (!maxlen[nm])
			continue;
		int L = maxlen[nm], nin = in_period_buckets(L);
		for (int o = -cm->pre; o < len + cm->post; o++) {
			int d = cal->day[i] + o - cm->day0;
			if (d < 0 || d >= cm->nd || cm->hn[d] >= MAXHCOL)
				continue;
			int col;
			if (o < 0)
				col = cm->pre + o;
			else if (o < len)
				col = cm->pre + bucket_of(o, L);
			else
				col = cm->pre + nin + (o - len);
			cm->hc[d * MAXHCOL + cm->hn[d]++] = base[nm] + col;
		}
	}
	/* Days off: a short holiday replaces the day of the week (a holiday
	 * Monday is neither a Monday nor a Sunday); one falling on a Sunday
	 * gives the Monday after in lieu (Malaysia's rule; learnt, so it
	 * costs nothing where it does not hold).  Off by default: on the
	 * Malaysian series it made the backtests worse (0.655 against 0.652
	 * daily MASE over 53 origins), kept for calendars where it helps. */
	int offmax = (int)tun("FC_OFFLEN", 9);
	for (i = 0; cal && i < cal->n; i++) {
		if (!maxlen[cal->name[i]] || cal->len[i] > offmax)
			continue;
		for (int o = 0; o < cal->len[i]; o++) {
			int d = cal->day[i] + o - cm->day0;
			if (d >= 0 && d < cm->nd)
				cm->off[d] = 1;
		}
	}
	for (i = 0; cal && tun("FC_INLIEU", 1) > 0 && i < cal->n; i++) {
		if (!maxlen[cal->name[i]] || cal->len[i] > offmax)
			continue;
		int lastd = cal->day[i] + cal->len[i] - 1;
		for (int day = cal->day[i]; day <= lastd; day++) {
			int d = lastd + 1 - cm->day0;
			if (weekday(day) != 0 || d < 0 || d >= cm->nd)
				continue;
			while (d < cm->nd && cm->off[d])
				d++;
			if (d < cm->nd)
				cm->off[d] = 2;
		}
	}
	cm->hday = xcalloc((size_t)cm->nd, 1);
	for (i = 0; i < cm->nd; i++)
		cm->hday[i] = cm->off[i];
	if (tun("FC_OFFDOW", 0) <= 0)
		memset(cm->off, 0, (size_t)cm->nd);
	cm->ncol = cm->hbase + cm->nhcol;
	free(maxlen);
	free(base);
}

/* Sparse row of the design for day index d: column indexes and values. */
static int cal_row(const struct calmodel *cm, int d, int *idx, double *val)
{
	int k = 0, day = cm->day0 + d, w = weekday(day);

	idx[k] = 0;
	val[k++] = 1;
	if (cm->off[d] == 2 || (cm->hday[d] == 2 && tun("FC_INL", 1) > 0)) {
		idx[k] = cm->hbase - 1;	/* the Monday after a Sunday holiday */
		val[k++] = 1;
	}
	/* a holiday on a weekend changes the day less than on a weekday */
	if (cm->hday[d] == 1 && (w == 0 || w == 6) && tun("FC_HWE", 1) > 0) {
		idx[k] = cm->hbase - 2;
		val[k++] = 1;
	}
	if (w > 0 && !cm->off[d]) {
		idx[k] = w;	/* Mon..Sat = 1..6, Sunday is the baseline */
		val[k++] = 1;
	}
	for (int j = 0; j < cm->K; j++) {
		double ang = 2 * M_PI * (j + 1) * (day / 365.2425);
		idx[k] = 7 + 2 * j;
		val[k++] = sin(ang);
		idx[k] = 8 + 2 * j;
		val[k++] = cos(ang);
	}
	/* the weekly pattern changes with the season (school terms) */
	if (w > 0 && !cm->off[d])
		for (int j = 0; j < cm->dk; j++) {
			double ang = 2 * M_PI * (j + 1) * (day / 365.2425);
			int base = 7 + 2 * cm->K + 12 * j + 2 * (w - 1);
			idx[k] = base;
			val[k++] = sin(ang);
			idx[k] = base + 1;
			val[k++] = cos(ang);
		}
	for (int j = 0; j < cm->hn[d]; j++) {
		idx[k] = cm->hc[d * MAXHCOL + j];
		val[k++] = 1;
	}
	return k;
}

static double row_dot(const int *idx, const double *val, int k,
		      const double *beta)
{
	double s = 0;
	for (int j = 0; j < k; j++)
		s += val[j] * beta[idx[j]];
	return s;
}

/* Weighted ridge regression of r on the design rows 0..n-1. */
static int cal_solve(const struct calmodel *cm, const double *r,
		     const double *w, double *beta, double lam_hol)
{
	int p = cm->ncol, i, a, b;
	double *A = xcalloc((size_t)p * p, sizeof(double));
	double *rhs = xcalloc((size_t)p, sizeof(double));
	int idx[96];
	double val[96];

	for (i = 0; i < cm->n; i++) {
		if (!(w[i] > 0))
			continue;
		int k = cal_row(cm, i, idx, val);
		for (a = 0; a < k; a++) {
			double wa = w[i] * val[a];
			rhs[idx[a]] += wa * r[i];
			for (b = 0; b < k; b++)
				A[idx[a] * p + idx[b]] += wa * val[b];
		}
	}
	for (a = 1; a < p; a++)
		A[a * p + a] += a >= cm->hbase ? lam_hol : 1e-3;
	A[0] += 1e-9;
	int rc = fc_cholesky_solve(A, rhs, p);
	if (!rc)
		memcpy(beta, rhs, sizeof(double) * p);
	free(A);
	free(rhs);
	return rc;
}

static double median_abs(const double *x, int n)
{
	double *t = xcalloc((size_t)n, sizeof(double));
	for (int i = 0; i < n; i++)
		t[i] = fabs(x[i]);
	double m = fc_quantile(t, n, 0.5);
	free(t);
	return m;
}

/* Centred moving average of x over 2k+1 days (shorter at the ends). */
static void moving_average(const double *x, int n, int k, double *out)
{
	double *cs = xcalloc((size_t)n + 1, sizeof(double));
	for (int i = 0; i < n; i++)
		cs[i + 1] = cs[i] + x[i];
	for (int i = 0; i < n; i++) {
		int lo = i - k < 0 ? 0 : i - k, hi = i + k >= n ? n - 1 : i + k;
		out[i] = (cs[hi + 1] - cs[lo]) / (hi - lo + 1);
	}
	free(cs);
}

/* Level recursion of ETS(A,N,N) / (A,Ad,N) from fitted parameters over
 * a[0..n-1]; lev/tr get the states after each step. */
static void level_path(const struct fc_ets *e, const double *a, int n,
		       double l0, double b0, double *lev, double *tr)
{
	double l = l0, b = e->trend ? b0 : 0;
	double phi = e->trend == FC_AD ? e->phi : 1;
	for (int t = 0; t < n; t++) {
		double q = l + phi * b, err = a[t] - q;
		l = q + e->alpha * err;
		b = phi * b + e->beta * err;
		lev[t] = l;
		tr[t] = b;
	}
}

static double level_ahead(const struct fc_ets *e, double l, double b, int j)
{
	if (!e->trend)
		return l;
	double phi = e->trend == FC_AD ? e->phi : 1, s = 0, pw = 1;
	for (int i = 0; i <= j; i++) {
		pw *= phi;
		s += pw;
	}
	return l + s * b;
}

/* Mean squared error of the SES level as a forecast 1..H days ahead,
 * over every origin: the level is fitted for the horizons we forecast,
 * not for one step. */
struct hfit {
	const double *a;
	int n;
	double l0;
	int H;
	double *cs, *cs2;	/* prefix sums of a and a^2 */
};

static double hfit_obj(const double *x, void *arg)
{
	const struct hfit *hf = arg;
	double alpha = x[0], l = hf->l0, sse = 0;
	long cnt = 0;

	if (alpha < 0.002 || alpha > 0.9)
		return 1e100;
	for (int t = 0; t < hf->n - 1; t++) {
		l += alpha * (hf->a[t] - l);
		if (t < 28)
			continue;
		int hi = t + hf->H < hf->n - 1 ? t + hf->H : hf->n - 1;
		int k = hi - t;
		double sa = hf->cs[hi + 1] - hf->cs[t + 1];
		double sa2 = hf->cs2[hi + 1] - hf->cs2[t + 1];
		sse += sa2 - 2 * l * sa + k * l * l;
		cnt += k;
	}
	return cnt ? sse / cnt : 1e100;
}

static int calendar_method(const double *y, const double *miss, int n, int h,
			   int day0, const struct fc_opts *o,
			   struct fc_result *r)
{
	int maxn = o->max_train > 0 ? o->max_train : (int)tun("FC_MAXN", 8 * 365);
	int start = n > maxn ? n - maxn : 0, i, it;
	struct calmodel cm = { 0 };

	y += start;
	miss += start;
	n -= start;
	cm.n = n;
	cm.h = h;
	cm.day0 = day0 + start;
	cm.nd = n + h;
	cm.pre = (int)tun("FC_PRE", 7);
	cm.dk = n >= 2 * 365 ? (int)tun("FC_DOWK", 2) : 0;
	cm.post = (int)tun("FC_POST", 7);
	cm.K = n >= 2 * 365 ? (int)tun("FC_K", FOURIER_K) : 0;
	cal_build(&cm, n >= 2 * 365 ? o->cal : NULL);

	double *z = xcalloc((size_t)n, sizeof(double));
	double *w0 = xcalloc((size_t)n, sizeof(double));
	double *w = xcalloc((size_t)n, sizeof(double));
	double *L = xcalloc((size_t)n, sizeof(double));
	double *S = xcalloc((size_t)cm.nd, sizeof(double));
	double *res = xcalloc((size_t)n, sizeof(double));
	double *beta = xcalloc((size_t)cm.ncol, sizeof(double));
	int idx[96];
	double val[96];
	double tau = tun("FC_TAU", 3000);

	for (i = 0; i < n; i++) {
		z[i] = log(y[i] + 1);
		w0[i] = miss[i] ? 0 : exp(-(n - 1 - i) / tau);
		w[i] = w0[i];
	}
	int kma = n >= 2 * 365 ? 182 : (n >= 56 ? 14 : 3);
	double lam = 2;
	for (it = 0; it < 5; it++) {
		for (i = 0; i < n; i++)
			res[i] = z[i] - S[i];
		moving_average(res, n, kma, L);
		for (i = 0; i < n; i++)
			res[i] = z[i] - L[i];
		if (cal_solve(&cm, res, w, beta, lam))
			break;
		for (i = 0; i < cm.nd; i++) {
			int k = cal_row(&cm, i, idx, val);
			S[i] = row_dot(idx, val, k, beta);
		}
		/* Huber weights from the residuals */
		for (i = 0; i < n; i++)
			res[i] = z[i] - L[i] - S[i];
		double s = 1.4826 * median_abs(res, n) + 1e-9;
		/* ridge on the holiday effects as a prior: effects of about
		 * tauh on the log scale, against the noise s of a day */
		double tauh = tun("FC_TAUH", 0.18);
		lam = (s / tauh) * (s / tauh);
		lam = lam < 0.05 ? 0.05 : lam > 20 ? 20 : lam;
		for (i = 0; i < n; i++) {
			double u = fabs(res[i]) / (tun("FC_HUB", 2) * s);
			w[i] = w0[i] * (u > 1 ? 1 / u : 1);
		}
	}
	/* adjusted series, clipped at 3 robust sds around the smooth level */
	double *a = xcalloc((size_t)n, sizeof(double));
	for (i = 0; i < n; i++)
		res[i] = z[i] - S[i] - L[i];
	double s = 1.4826 * median_abs(res, n) + 1e-9;
	for (i = 0; i < n; i++) {
		double d = res[i];
		if (d > 3 * s)
			d = 3 * s;
		if (d < -3 * s)
			d = -3 * s;
		a[i] = L[i] + d;
	}
	/*
	 * The level: simple exponential smoothing of the adjusted series over
	 * the last two years, alpha fitted to the errors of the level as a
	 * forecast 1..28 days ahead (one-step likelihood picks an alpha that
	 * chases the daily noise).
	 */
	int nlm = (int)tun("FC_NL", 730), nl = n > nlm ? nlm : n, ls = n - nl;
	struct fc_ets e;
	double l0 = 0;
	int n0 = nl < 28 ? nl : 28;
	for (i = ls; i < ls + n0; i++)
		l0 += a[i] / n0;
	{
		struct hfit hf = { a + ls, nl, l0, (int)tun("FC_HH", 28), NULL, NULL };
		double x = 0.05, st = 0.03;
		hf.cs = xcalloc((size_t)nl + 1, sizeof(double));
		hf.cs2 = xcalloc((size_t)nl + 1, sizeof(double));
		for (i = 0; i < nl; i++) {
			hf.cs[i + 1] = hf.cs[i] + a[ls + i];
			hf.cs2[i + 1] = hf.cs2[i] + a[ls + i] * a[ls + i];
		}
		fc_nelder_mead(hfit_obj, &hf, &x, &st, 1, 200, 1e-10);
		free(hf.cs);
		free(hf.cs2);
		memset(&e, 0, sizeof e);
		e.alpha = x < 0.002 ? 0.002 : x > 0.9 ? 0.9 : x;
	}
	double *lev = xcalloc((size_t)n, sizeof(double));
	double *tr = xcalloc((size_t)n, sizeof(double));
	level_path(&e, a + ls, nl, l0, 0, lev + ls, tr + ls);

	double lT = lev[n - 1], bT = tr[n - 1];
	double bw = tun("FC_BLEND", 0.5);
	double *fadj = NULL;
	char blend[32] = "";
	if (bw > 0) {
		/* ETS with a weekly season on the holiday- and year-adjusted
		 * log series (day of week put back) */
		double *b2 = xcalloc((size_t)nl, sizeof(double));
		for (i = ls; i < n; i++) {
			int wd = weekday(cm.day0 + i);
			b2[i - ls] = a[i] + (wd && !cm.off[i] ? beta[wd] : 0);
		}
		struct fc_ets e3;
		fadj = xcalloc((size_t)h, sizeof(double));
		if (!fc_ets_fit(b2, nl, FC_A, FC_N, FC_A, 7, &e3)) {
			snprintf(blend, sizeof blend, "+%s", e3.name);
			fc_ets_forecast(&e3, h, fadj, NULL, 0, NULL);
			for (int j = 0; j < h; j++) {
				int wd = weekday(cm.day0 + n + j);
				fadj[j] += S[n + j] - (wd && !cm.off[n + j] ? beta[wd] : 0);
			}
		} else {
			free(fadj);
			fadj = NULL;
		}
		free(b2);
	}
	for (int j = 0; j < h; j++) {
		double zf = level_ahead(&e, lT, bT, j) + S[n + j];
		if (fadj)
			zf = (1 - bw) * zf + bw * fadj[j];
		r->mean[j] = exp(zf) - 1 > 0 ? exp(zf) - 1 : 0;
	}
	free(fadj);
	week_means(r);

	/* empirical intervals: errors of the level forecast from past origins */
	int nor = nl - 1 < 3 * 365 ? nl - 1 : 3 * 365;
	int nw = r->nweeks;
	double *ed = xcalloc((size_t)nor * h, sizeof(double));
	double *ew = xcalloc((size_t)nor * (nw ? nw : 1), sizeof(double));
	int *cd = xcalloc((size_t)h, sizeof(int)), *cw = xcalloc((size_t)nw + 1, sizeof(int));
	for (int oi = 0; oi < nor; oi++) {
		int t0 = n - 1 - nor + oi;	/* origin (last known day) */
		if (t0 < ls + 28)
			continue;
		double wf = 0, wa = 0;
		int wk = 0;
		for (int j = 0; j < h && t0 + 1 + j < n; j++) {
			int t = t0 + 1 + j;
			double zf = level_ahead(&e, lev[t0], tr[t0], j) + S[t];
			if (!miss[t])
				ed[(size_t)j * nor + cd[j]++] = z[t] - zf;
			wf += exp(zf) - 1 > 0 ? exp(zf) - 1 : 0;
			wa += y[t];
			if (j % 7 == 6) {
				if (wk < nw)
					ew[(size_t)wk * nor + cw[wk]++] = log((wa + 1) / (wf + 1));
				wk++;
				wf = wa = 0;
			}
		}
	}
	const double infl = tun("FC_INFL", 1.1), winfl = tun("FC_WINFL", 1.2);
	for (int k = 0; k < 2; k++) {
		double pl = 0.5 - o->levels[k] / 200, ph = 0.5 + o->levels[k] / 200;
		double ql = 0, qh = 0;
		for (int j = 0; j < h; j++) {
			int c = cd[j];
			double *v = ed + (size_t)j * nor;
			if (c >= 20) {
				ql = fc_quantile(v, c, pl) * infl;
				qh = fc_quantile(v, c, ph) * infl;
			}	/* else: keep the last horizon's quantiles */
			double zf = log(r->mean[j] + 1);
			r->lo[k][j] = exp(zf + ql) - 1 > 0 ? exp(zf + ql) - 1 : 0;
			r->hi[k][j] = exp(zf + qh) - 1;
		}
		ql = qh = 0;
		for (int j = 0; j < nw; j++) {
			int c = cw[j];
			double *v = ew + (size_t)j * nor;
			if (c >= 20) {
				ql = fc_quantile(v, c, pl) * winfl;
				qh = fc_quantile(v, c, ph) * winfl;
			}
			double zf = log(r->wmean[j] + 1);
			r->wlo[k][j] = exp(zf + ql) - 1 > 0 ? exp(zf + ql) - 1 : 0;
			r->whi[k][j] = exp(zf + qh) - 1;
		}
	}
	snprintf(r->model, sizeof r->model, "calendar(log;dow;yearly%d;hol=%d)"
		 "+SES(%.3f)%s", cm.K, cm.nhol, e.alpha, blend);
	free(ed);
	free(ew);
	free(cd);
	free(cw);
	free(lev);
	free(tr);
	free(a);
	free(z);
	free(w0);
	free(w);
	free(L);
	free(S);
	free(res);
	free(beta);
	free(cm.hn);
	free(cm.hc);
	free(cm.off);
	free(cm.hday);
	return 0;
}

int fc_forecast(const double *y0, int n, int day0, int h,
		const struct fc_opts *o, struct fc_result *r)
{
	int m = o->period > 0 ? o->period : 7, ngaps, rc;
	enum fc_method meth = o->method;

	if (n < 2 || h < 1 || (meth == FC_CALENDAR && o->no_calendar))
		return -1;
	result_alloc(r, h);
	double *y = fill_gaps(y0, n, m, &ngaps);
	double *miss = xcalloc((size_t)n, sizeof(double));
	for (int i = 0; i < n; i++)
		miss[i] = !isfinite(y0[i]);
	/* months: ETS, seasonal once there are two seasons and two points,
	 * else non-seasonal ETS (fc_ets_auto skips seasons too long for y) */
	int short_ets = 0;
	if (meth == FC_AUTO && o->no_calendar) {
		meth = n >= 4 ? FC_ETSAUTO : FC_NAIVE;
		short_ets = n < 2 * m + 2;
	}
	if (meth == FC_AUTO)
		meth = n >= 56 ? FC_CALENDAR : (n >= 2 * m + 2 ? FC_ETSAUTO : FC_NAIVE);
	if ((meth == FC_CALENDAR && n < 28) ||
	    (meth >= FC_SES && meth <= FC_ETSAUTO && n < 2 * m + 2 && !short_ets &&
	     meth != FC_SES && meth != FC_HOLT && meth != FC_DAMPED))
		meth = n > m ? FC_SNAIVE : FC_NAIVE;
	switch (meth) {
	case FC_SNAIVE:
	case FC_NAIVE:
	case FC_MEAN:
		rc = simple_method(y, y0, n, h, m, o, meth, r);
		break;
	case FC_CALENDAR:
		rc = calendar_method(y, miss, n, h, day0, o, r);
		break;
	default:
		rc = ets_method(y, n, h, m, o, meth, r);
		if (rc)
			rc = simple_method(y, y0, n, h, m, o, FC_SNAIVE, r);
		break;
	}
	free(y);
	free(miss);
	if (rc)
		fc_result_free(r);
	return rc;
}
