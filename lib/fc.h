/*
 * fc.h - forecasting numerics for the forecast program: seasonal naive,
 * exponential smoothing (ETS state-space family fitted by maximum
 * likelihood, AICc selection), the calendar model (day of week, yearly
 * waves and holiday effects learnt from history on the log scale, local
 * level by ETS), prediction intervals, accuracy measures.
 *
 * Pure numerics: no I/O, no context.  Days are integer day numbers since
 * 1970-01-01 (day % 7 == 3 is a Sunday).  Missing values are NAN.
 */
#ifndef FC_H
#define FC_H

#include <stddef.h>

/* ---- fc_opt.c: Nelder-Mead minimiser, linear algebra ---- */
typedef double (*fc_objfn)(const double *x, void *arg);
/* Minimise f over x[0..n-1] (n <= FC_NM_MAX) from x with initial steps
 * step[]; x gets the best point.  Returns the minimum. */
#define FC_NM_MAX 16
double fc_nelder_mead(fc_objfn f, void *arg, double *x, const double *step,
		      int n, int maxit, double tol);
/* Solve the symmetric positive definite system A x = b in place (A is
 * n x n row-major, overwritten by its Cholesky factor, b by x).
 * Returns 0, or -1 when A is not positive definite. */
int fc_cholesky_solve(double *A, double *b, int n);
/* q-quantile (0..1) of v[0..n-1] (sorted in place), type 7 as R. */
double fc_quantile(double *v, int n, double q);
double fc_qnorm(double p);	/* standard normal quantile */

/* ---- fc_cal.c: holiday calendars ---- */
#define FC_NAME_MAX 40
struct fc_cal {
	int n;			/* occurrences */
	int *day;		/* first day of each occurrence */
	int *len;		/* its length in days (>= 1) */
	int *name;		/* index into names */
	int nnames;
	char (*names)[FC_NAME_MAX];
};
/* Parse CSV text with header date,name[,days[,source]] (extra columns
 * ignored, '#' lines skipped).  Returns 0, or -1 with a message in err
 * naming the line. */
struct bb_ctx;
int fc_cal_parse(struct bb_ctx *ctx, struct fc_cal *cal, const char *what,
		 const char *text, size_t len, char *err, size_t errn);
void fc_cal_free(struct fc_cal *cal);
/* Name of the holiday covering day d (first match) or NULL. */
const char *fc_cal_at(const struct fc_cal *cal, int d);

/* ---- fc_ets.c: exponential smoothing state-space models ---- */
enum fc_comp { FC_N = 0, FC_A = 1, FC_M = 2, FC_AD = 3 };
struct fc_ets {
	int error, trend, season;	/* FC_A/FC_M; FC_N/FC_A/FC_AD; FC_N/FC_A/FC_M */
	int m;				/* season length */
	double alpha, beta, gamma, phi;
	double l, b, s[32];		/* final states; s[0] is the most recent */
	double sigma2;			/* innovation variance */
	double loglik, aicc;
	int nparam;
	char name[24];			/* "ETS(A,Ad,M)" */
};
/* Fit one model by maximum likelihood; y has no NANs.  Returns 0, or -1
 * when the model is not admissible for the data (e.g. M with y <= 0). */
int fc_ets_fit(const double *y, int n, int error, int trend, int season,
	       int m, struct fc_ets *e);
/* Try the usual family and keep the lowest AICc. */
int fc_ets_auto(const double *y, int n, int m, int allow_mul,
		struct fc_ets *best);
/* Point forecasts and the variance of the h-step error (and of the sums
 * of the errors over blocks of `block` steps, var_blk[k] for block k,
 * when var_blk is not NULL). */
void fc_ets_forecast(const struct fc_ets *e, int h, double *mean,
		     double *var, int block, double *var_blk);

/* ---- fc_model.c: methods, forecasts, intervals ---- */
enum fc_method {
	FC_SNAIVE, FC_NAIVE, FC_MEAN, FC_SES, FC_HOLT, FC_DAMPED, FC_HWADD,
	FC_HWMUL, FC_ETSAUTO, FC_CALENDAR, FC_AUTO, FC_NMETHODS
};
const char *fc_method_name(enum fc_method m);
int fc_method_parse(const char *s, enum fc_method *m);

struct fc_opts {
	enum fc_method method;
	int period;		/* weekly season: 7; monthly series: 12 */
	int no_calendar;	/* the steps are not days (months): auto never
				 * picks the calendar model, and a series too
				 * short for the season gets non-seasonal ETS */
	const struct fc_cal *cal;	/* NULL: no holidays */
	int max_train;		/* days of history used (0 = model default) */
	double levels[2];	/* interval levels, e.g. 80 and 95 */
};
void fc_opts_default(struct fc_opts *o);

struct fc_result {
	int h;			/* days forecast */
	double *mean, *lo[2], *hi[2];	/* h each */
	int nweeks;		/* h / 7 */
	double *wmean, *wlo[2], *whi[2];	/* weekly sums */
	char model[96];		/* e.g. "calendar(log;dow;yearly6;hol=14)+ETS(A,N,N)" */
};
/*
 * Forecast h days after the last observation y[n-1] (day day0+n-1).
 * With o->no_calendar the steps are months (day0 is not used).
 * Gaps (NAN) are filled before fitting; negative values are treated as 0.
 * Returns 0 or -1 (too short: fewer than 2 observations).
 */
int fc_forecast(const double *y, int n, int day0, int h,
		const struct fc_opts *o, struct fc_result *r);
void fc_result_free(struct fc_result *r);

/* ---- fc_acc.c: accuracy ---- */
struct fc_acc {
	double mape, smape, mase;
	int n, nzero;		/* points scored; actual zeros skipped by MAPE */
	double cover[2];	/* share of actuals inside the intervals (%) */
};
/* Accuracy of f against a over n points; scale = MASE denominator. */
void fc_accuracy(const double *a, const double *f, int n, double scale,
		 const double *lo0, const double *hi0, const double *lo1,
		 const double *hi1, struct fc_acc *acc);
/* MASE scales as the yardstick: mean |y_t - y_{t-7}| over the training
 * days, and mean |W_k - W_{k-1}| over 7-day blocks ending at y[n-1]. */
double fc_scale_daily(const double *y, int n, int m);
double fc_scale_weekly(const double *y, int n);
/* Sums of consecutive 7-day blocks starting at x[0]. */
int fc_week_sums(const double *x, int n, double *w);

#endif
