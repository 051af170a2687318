/*
 * fc_acc.c - accuracy measures, defined as in the R yardstick
 * (bench/forecast_baseline.R in the shared folder):
 *   MAPE  = mean 100 |A - F| / A over points with A > 0
 *   sMAPE = mean 200 |A - F| / (|A| + |F|), 0 when both are 0
 *   MASE  = mean |A - F| / scale
 */
#include <math.h>

#include "fc.h"

void fc_accuracy(const double *a, const double *f, int n, double scale,
		 const double *lo0, const double *hi0, const double *lo1,
		 const double *hi1, struct fc_acc *acc)
{
	double ape = 0, sape = 0, ae = 0;
	int npos = 0, in0 = 0, in1 = 0;

	acc->n = n;
	acc->nzero = 0;
	for (int i = 0; i < n; i++) {
		double d = fabs(a[i] - f[i]), den = fabs(a[i]) + fabs(f[i]);
		if (a[i] > 0) {
			ape += 100 * d / a[i];
			npos++;
		} else {
			acc->nzero++;
		}
		sape += den > 0 ? 200 * d / den : 0;
		ae += d;
		if (lo0 && a[i] >= lo0[i] && a[i] <= hi0[i])
			in0++;
		if (lo1 && a[i] >= lo1[i] && a[i] <= hi1[i])
			in1++;
	}
	acc->mape = npos ? ape / npos : NAN;
	acc->smape = n ? sape / n : NAN;
	acc->mase = n && scale > 0 ? ae / n / scale : NAN;
	acc->cover[0] = lo0 && n ? 100.0 * in0 / n : NAN;
	acc->cover[1] = lo1 && n ? 100.0 * in1 / n : NAN;
}

double fc_scale_daily(const double *y, int n, int m)
{
	double s = 0;
	int c = 0;
	for (int i = m; i < n; i++)
		if (isfinite(y[i]) && isfinite(y[i - m])) {
			s += fabs(y[i] - y[i - m]);
			c++;
		}
	return c ? s / c : NAN;
}

int fc_week_sums(const double *x, int n, double *w)
{
	int nw = n / 7;
	for (int k = 0; k < nw; k++) {
		double s = 0;
		for (int j = 0; j < 7; j++)
			s += x[7 * k + j];
		w[k] = s;
	}
	return nw;
}

double fc_scale_weekly(const double *y, int n)
{
	int nw = n / 7, off = n - 7 * nw;
	double s = 0, prev = 0;
	int c = 0;
	for (int k = 0; k < nw; k++) {
		double w = 0;
		for (int j = 0; j < 7; j++)
			w += y[off + 7 * k + j];
		if (k > 0 && isfinite(w) && isfinite(prev)) {
			s += fabs(w - prev);
			c++;
		}
		prev = w;
	}
	return c ? s / c : NAN;
}
