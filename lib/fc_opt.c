/*
 * fc_opt.c - the one optimiser (Nelder-Mead), a Cholesky solver, sample
 * quantiles and the normal quantile function.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fc.h"

/*
 * Nelder-Mead with the standard coefficients (reflection 1, expansion 2,
 * contraction 0.5, shrink 0.5).  Stops when the spread of the simplex
 * values falls below tol (relative) or after maxit evaluations.
 */
double fc_nelder_mead(fc_objfn f, void *arg, double *x, const double *step,
		      int n, int maxit, double tol)
{
	double p[FC_NM_MAX + 1][FC_NM_MAX], v[FC_NM_MAX + 1];
	double c[FC_NM_MAX], xr[FC_NM_MAX], xe[FC_NM_MAX], xc[FC_NM_MAX];
	int i, j, it = 0;

	for (i = 0; i <= n; i++) {
		memcpy(p[i], x, sizeof(double) * n);
		if (i > 0)
			p[i][i - 1] += step[i - 1];
		v[i] = f(p[i], arg);
	}
	it = n + 1;
	while (it < maxit) {
		int lo = 0, hi = 0, nh = 0;
		for (i = 1; i <= n; i++) {
			if (v[i] < v[lo])
				lo = i;
			if (v[i] > v[hi])
				hi = i;
		}
		nh = lo;
		for (i = 0; i <= n; i++)
			if (i != hi && v[i] > v[nh])
				nh = i;
		if (fabs(v[hi] - v[lo]) <= tol * (fabs(v[lo]) + tol))
			break;
		for (j = 0; j < n; j++) {
			c[j] = 0;
			for (i = 0; i <= n; i++)
				if (i != hi)
					c[j] += p[i][j];
			c[j] /= n;
			xr[j] = c[j] + (c[j] - p[hi][j]);
		}
		double fr = f(xr, arg);
		it++;
		if (fr < v[lo]) {
			for (j = 0; j < n; j++)
				xe[j] = c[j] + 2 * (c[j] - p[hi][j]);
			double fe = f(xe, arg);
			it++;
			if (fe < fr) {
				memcpy(p[hi], xe, sizeof(double) * n);
				v[hi] = fe;
			} else {
				memcpy(p[hi], xr, sizeof(double) * n);
				v[hi] = fr;
			}
			continue;
		}
		if (fr < v[nh]) {
			memcpy(p[hi], xr, sizeof(double) * n);
			v[hi] = fr;
			continue;
		}
		/* contraction, outside when the reflection helped a bit */
		int outside = fr < v[hi];
		for (j = 0; j < n; j++)
			xc[j] = outside ? c[j] + 0.5 * (xr[j] - c[j])
					: c[j] + 0.5 * (p[hi][j] - c[j]);
		double fc = f(xc, arg);
		it++;
		if (fc < (outside ? fr : v[hi])) {
			memcpy(p[hi], xc, sizeof(double) * n);
			v[hi] = fc;
			continue;
		}
		for (i = 0; i <= n; i++) {
			if (i == lo)
				continue;
			for (j = 0; j < n; j++)
				p[i][j] = p[lo][j] + 0.5 * (p[i][j] - p[lo][j]);
			v[i] = f(p[i], arg);
			it++;
		}
	}
	int best = 0;
	for (i = 1; i <= n; i++)
		if (v[i] < v[best])
			best = i;
	memcpy(x, p[best], sizeof(double) * n);
	return v[best];
}

int fc_cholesky_solve(double *A, double *b, int n)
{
	int i, j, k;

	for (j = 0; j < n; j++) {
		double d = A[j * n + j];
		for (k = 0; k < j; k++)
			d -= A[j * n + k] * A[j * n + k];
		if (!(d > 1e-12))
			return -1;
		d = sqrt(d);
		A[j * n + j] = d;
		for (i = j + 1; i < n; i++) {
			double s = A[i * n + j];
			for (k = 0; k < j; k++)
				s -= A[i * n + k] * A[j * n + k];
			A[i * n + j] = s / d;
		}
	}
	for (i = 0; i < n; i++) {	/* L z = b */
		double s = b[i];
		for (k = 0; k < i; k++)
			s -= A[i * n + k] * b[k];
		b[i] = s / A[i * n + i];
	}
	for (i = n - 1; i >= 0; i--) {	/* L' x = z */
		double s = b[i];
		for (k = i + 1; k < n; k++)
			s -= A[k * n + i] * b[k];
		b[i] = s / A[i * n + i];
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double fc_quantile(double *v, int n, double q)
{
	if (n <= 0)
		return NAN;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	double h = (n - 1) * q;
	int i = (int)floor(h);
	if (i >= n - 1)
		return v[n - 1];
	if (i < 0)
		return v[0];
	return v[i] + (h - i) * (v[i + 1] - v[i]);
}

/* Acklam's rational approximation, refined by one Halley step
 * (relative error below 1e-12). */
double fc_qnorm(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02,
		-3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
		-1.556989798598866e+02, 6.680131188771972e+01,
		-1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00,
		4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
		2.445134137142996e+00, 3.754408661907416e+00 };
	double q, r, x;

	if (p <= 0)
		return -INFINITY;
	if (p >= 1)
		return INFINITY;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p > 1 - 0.02425) {
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	double e = 0.5 * erfc(-x / sqrt(2)) - p;
	double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}
