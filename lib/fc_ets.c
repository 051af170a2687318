/*
 * fc_ets.c - ETS(error, trend, season) models of Hyndman et al. (2008):
 * error A or M, trend N, A or Ad (damped), season N, A or M.  Smoothing
 * parameters are fitted by maximum likelihood with Nelder-Mead; the
 * initial states come from a classical decomposition of the first seasons
 * (R optimises them too; we do not, which costs a little fit on short
 * series and saves most of the time).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc.h"

#define MMAX 32

struct ets_run {
	const double *y;
	int n;
	int error, trend, season, m;
	double l0, b0, s0[MMAX];	/* initial states, s0[0] most recent */
	double l0base, b0base, scale;	/* heuristic states, their scale */
	int il;				/* index of the level offset in x */
};

/* One pass of the filter: returns -2 log likelihood (up to a constant),
 * leaves the final states in *e when e is not NULL. */
static double ets_filter(const struct ets_run *r, double alpha, double beta,
			 double gamma, double phi, struct fc_ets *e,
			 double *sse_out)
{
	double l = r->l0, b = r->b0, s[MMAX];
	double sse = 0, slog = 0;
	int m = r->season ? r->m : 1, t, k;

	memcpy(s, r->s0, sizeof(double) * m);
	if (r->trend == FC_N)
		b = 0;
	if (r->trend != FC_AD)
		phi = 1;
	for (t = 0; t < r->n; t++) {
		double q = l + phi * b, sm = s[m - 1];
		double yhat = r->season == FC_A ? q + sm :
			      r->season == FC_M ? q * sm : q;
		double err = r->y[t] - yhat;
		if (r->error == FC_M) {
			if (!(yhat > 0))
				return INFINITY;
			sse += (err / yhat) * (err / yhat);
			slog += log(yhat);
		} else {
			sse += err * err;
		}
		double dl, ds;
		if (r->season == FC_M) {
			if (!(sm > 1e-8) || !(fabs(q) > 1e-8))
				return INFINITY;
			dl = err / sm;
			ds = err / q;
		} else {
			dl = err;
			ds = err;
		}
		double lnew = q + alpha * dl;
		b = phi * b + beta * dl;
		if (r->season != FC_N) {
			double snew = sm + gamma * ds;
			for (k = m - 1; k > 0; k--)
				s[k] = s[k - 1];
			s[0] = snew;
		}
		l = lnew;
		if (!isfinite(l))
			return INFINITY;
	}
	if (e) {
		e->l = l;
		e->b = r->trend == FC_N ? 0 : b;
		memcpy(e->s, s, sizeof(double) * m);
	}
	if (sse_out)
		*sse_out = sse;
	if (!(sse > 0))
		sse = 1e-300;
	return r->n * log(sse / r->n) + 2 * slog;
}

/* Parameter vector: alpha, [beta], [gamma], [phi]; admissible region as
 * R's "usual" bounds. */
struct ets_obj {
	struct ets_run *r;
};

static void unpack(const struct ets_run *r, const double *x, double *a,
		   double *b, double *g, double *p)
{
	int i = 0;
	*a = x[i++];
	*b = r->trend != FC_N ? x[i++] : 0;
	*g = r->season != FC_N ? x[i++] : 0;
	*p = r->trend == FC_AD ? x[i++] : 1;
}

static double ets_objective(const double *x, void *arg)
{
	struct ets_run *r = arg;
	double a, b, g, p;
	unpack(r, x, &a, &b, &g, &p);
	/* the initial level (and trend) are fitted too, as offsets */
	r->l0 = r->l0base + x[r->il] * r->scale;
	if (r->trend != FC_N)
		r->b0 = r->b0base + x[r->il + 1] * r->scale / 10;
	if (a < 1e-4 || a > 0.9999)
		return 1e100;
	if (r->trend != FC_N && (b < 1e-4 || b > a))
		return 1e100;
	if (r->season != FC_N && (g < 1e-4 || g > 1 - a))
		return 1e100;
	if (r->trend == FC_AD && (p < 0.8 || p > 0.98))
		return 1e100;
	double v = ets_filter(r, a, b, g, p, NULL, NULL);
	return isfinite(v) ? v : 1e100;
}

/* Classical decomposition of the first (up to) four seasons. */
static int ets_init(struct ets_run *r)
{
	int m = r->m, n = r->n, i, k;
	const double *y = r->y;

	if (r->season != FC_N) {
		int np = n / m < 4 ? n / m : 4;
		if (np < 2)
			return -1;
		double idx[MMAX] = { 0 };
		for (k = 0; k < np; k++) {
			double mean = 0;
			for (i = 0; i < m; i++)
				mean += y[k * m + i];
			mean /= m;
			for (i = 0; i < m; i++) {
				if (r->season == FC_M) {
					if (!(mean > 0))
						return -1;
					idx[i] += y[k * m + i] / mean;
				} else {
					idx[i] += y[k * m + i] - mean;
				}
			}
		}
		double tot = 0;
		for (i = 0; i < m; i++) {
			idx[i] /= np;
			tot += idx[i];
		}
		for (i = 0; i < m; i++) {
			if (r->season == FC_M)
				idx[i] *= m / tot;
			else
				idx[i] -= tot / m;
		}
		/* s0[m-1] is used first, at t = 0 */
		for (i = 0; i < m; i++)
			r->s0[m - 1 - i] = idx[i];
		double d1 = 0, d2 = 0;
		for (i = 0; i < m; i++) {
			double s = idx[i];
			d1 += r->season == FC_M ? y[i] / s : y[i] - s;
			d2 += r->season == FC_M ? y[m + i] / s : y[m + i] - s;
		}
		r->l0 = d1 / m;
		r->b0 = (d2 - d1) / m / m;
	} else {
		int w = n < 10 ? n : 10;
		double s = 0;
		for (i = 0; i < w; i++)
			s += y[i];
		r->l0 = s / w;
		r->b0 = n > 1 ? (y[w - 1] - y[0]) / (w > 1 ? w - 1 : 1) : 0;
		if (n >= 2 * w) {
			double s2 = 0;
			for (i = w; i < 2 * w; i++)
				s2 += y[i];
			r->b0 = (s2 - s) / w / w;
		}
	}
	if (r->trend == FC_N)
		r->b0 = 0;
	r->l0 -= r->b0;		/* states at t = -1 */
	return 0;
}

static void ets_name(struct fc_ets *e)
{
	static const char *tn[] = { "N", "A", "M", "Ad" };
	snprintf(e->name, sizeof e->name, "ETS(%s,%s,%s)", tn[e->error],
		 tn[e->trend], tn[e->season]);
}

int fc_ets_fit(const double *y, int n, int error, int trend, int season,
	       int m, struct fc_ets *e)
{
	struct ets_run r = { y, n, error, trend, season, season ? m : 1, 0, 0,
			     { 0 }, 0, 0, 0, 0 };
	double x[6], step[6];
	int np = 0, i;

	if (m > MMAX || n < 4 || (season && n < 2 * m + 2))
		return -1;
	if (error == FC_M || season == FC_M)
		for (i = 0; i < n; i++)
			if (!(y[i] > 0))
				return -1;
	if (ets_init(&r))
		return -1;
	x[np] = season ? 0.2 : 0.3;
	step[np++] = 0.1;
	if (trend != FC_N) {
		x[np] = 0.02;
		step[np++] = 0.02;
	}
	if (season != FC_N) {
		x[np] = 0.05;
		step[np++] = 0.04;
	}
	if (trend == FC_AD) {
		x[np] = 0.95;
		step[np++] = 0.02;
	}
	{
		double mu = 0, v = 0;
		for (i = 0; i < n; i++)
			mu += y[i] / n;
		for (i = 0; i < n; i++)
			v += (y[i] - mu) * (y[i] - mu) / n;
		r.scale = sqrt(v) > 0 ? sqrt(v) : 1;
	}
	r.l0base = r.l0;
	r.b0base = r.b0;
	r.il = np;
	x[np] = 0;
	step[np++] = 0.2;
	if (trend != FC_N) {
		x[np] = 0;
		step[np++] = 0.1;
	}
	double best = fc_nelder_mead(ets_objective, &r, x, step, np, 400, 1e-8);
	/* one restart from the best point: Nelder-Mead stalls on the flat
	 * valleys of these likelihoods */
	for (i = 0; i < np; i++)
		step[i] *= 0.5;
	best = fc_nelder_mead(ets_objective, &r, x, step, np, 300, 1e-10);
	if (best >= 1e99)
		return -1;
	memset(e, 0, sizeof *e);
	e->error = error;
	e->trend = trend;
	e->season = season;
	e->m = season ? m : 1;
	unpack(&r, x, &e->alpha, &e->beta, &e->gamma, &e->phi);
	double sse;
	ets_objective(x, &r);	/* sets the fitted initial states */
	double lik2 = ets_filter(&r, e->alpha, e->beta, e->gamma, e->phi, e, &sse);
	e->sigma2 = sse / n;
	/* -2 log L = n log(2 pi sigma2) + n + 2 sum log|yhat| */
	e->loglik = -0.5 * (lik2 + n * (log(2 * M_PI) + 1));
	int k = np + (season ? m - 1 : 0) + 1;
	e->nparam = k;
	double aic = -2 * e->loglik + 2 * k;
	e->aicc = n - k - 1 > 0 ? aic + 2.0 * k * (k + 1) / (n - k - 1) : INFINITY;
	ets_name(e);
	return 0;
}

int fc_ets_auto(const double *y, int n, int m, int allow_mul,
		struct fc_ets *best)
{
	static const int fam[][3] = {
		{ FC_A, FC_N, FC_N }, { FC_A, FC_A, FC_N }, { FC_A, FC_AD, FC_N },
		{ FC_A, FC_N, FC_A }, { FC_A, FC_A, FC_A }, { FC_A, FC_AD, FC_A },
		{ FC_M, FC_N, FC_N }, { FC_M, FC_AD, FC_N },
		{ FC_M, FC_N, FC_A }, { FC_M, FC_N, FC_M }, { FC_M, FC_AD, FC_M },
	};
	struct fc_ets e;
	int got = 0;

	for (size_t i = 0; i < sizeof fam / sizeof fam[0]; i++) {
		if (!allow_mul && (fam[i][0] == FC_M || fam[i][2] == FC_M))
			continue;
		if (m <= 1 && fam[i][2] != FC_N)
			continue;
		if (fc_ets_fit(y, n, fam[i][0], fam[i][1], fam[i][2], m, &e))
			continue;
		if (!got || e.aicc < best->aicc)
			*best = e;
		got = 1;
	}
	return got ? 0 : -1;
}

/* Impulse responses psi_j (j = 0..h-1, psi_0 = 1) of the linear
 * (additive) version of the model: psi_j = w' F^{j-1} g. */
static void ets_psi(const struct fc_ets *e, int h, double *psi)
{
	int m = e->season ? e->m : 0, j, k;
	double phi = e->trend == FC_AD ? e->phi : 1;
	double l = e->alpha, b = e->trend ? e->beta : 0, s[MMAX + 1] = { 0 };

	if (m)
		s[0] = e->gamma;
	psi[0] = 1;
	for (j = 1; j < h; j++) {
		/* w' x: level + phi b + oldest season */
		double sm = m ? s[m - 1] : 0;
		psi[j] = l + phi * b + sm;
		/* x = F x (no error): level += phi b; b *= phi; rotate s */
		l = l + phi * b;
		b = phi * b;
		if (m) {
			for (k = m - 1; k > 0; k--)
				s[k] = s[k - 1];
			s[0] = sm;
		}
	}
}

void fc_ets_forecast(const struct fc_ets *e, int h, double *mean, double *var,
		     int block, double *var_blk)
{
	int m = e->season ? e->m : 1, j, i;
	double phi = e->trend == FC_AD ? e->phi : 1, damp = 0, pw = 1;
	double *psi = malloc(sizeof(double) * (h > 0 ? h : 1));

	if (!psi)
		abort();
	for (j = 0; j < h; j++) {
		pw *= phi;
		damp += e->trend == FC_AD ? pw : 1;
		double q = e->l + (e->trend ? damp * e->b : 0);
		double sm = e->s[m - 1 - (j % m)];
		mean[j] = e->season == FC_A ? q + sm : e->season == FC_M ? q * sm : q;
	}
	ets_psi(e, h, psi);
	if (var) {
		double acc = 0;
		for (j = 0; j < h; j++) {
			acc += psi[j] * psi[j];
			double s2 = e->sigma2;
			if (e->error == FC_M)
				s2 *= mean[j] * mean[j];
			var[j] = s2 * acc;
		}
	}
	if (var_blk && block > 0) {
		/* sum of errors over block k: sum_i eps_i * sum_{j>=i in block} psi_{j-i} */
		for (int k = 0; k < h / block; k++) {
			double v = 0, mb = 0;
			int hi = (k + 1) * block;
			for (j = k * block; j < hi; j++)
				mb += mean[j] / block;
			for (i = 0; i < hi; i++) {
				double c = 0;
				for (j = i > k * block ? i : k * block; j < hi; j++)
					c += psi[j - i];
				v += c * c;
			}
			var_blk[k] = e->sigma2 * v * (e->error == FC_M ? mb * mb : 1);
		}
	}
	free(psi);
}
