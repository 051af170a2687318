/*
 * fc_cmd.c - forecast [FILE...] and forecast backtest.
 *
 * forecast: one forecast line (Appendix A: series, date, method, point,
 * lo80, hi80, lo95, hi95; model added at the end) per series and day, or
 * per 7-day block with --freq week (date = the block's first day, values
 * are sums), or per calendar month with --freq month (date = the first
 * of the month; the steps of the data are months).
 *
 * backtest: rolling origin.  For every origin the model sees the history
 * up to that day only and forecasts the horizon; MAPE, sMAPE and MASE are
 * averaged over the origins, coverage is pooled over all points.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fc_cmd.h"

static void fmt_num(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		snprintf(buf, n, "%s", "");
	else
		snprintf(buf, n, "%.1f", fabs(v) < 0.05 ? 0.0 : v);
}

/* Counts cannot be negative: lower bounds are clipped at 0 on output
 * (the numerics keep R's unclipped normal bounds). */
static void fmt_lo(char *buf, size_t n, double v)
{
	fmt_num(buf, n, v < 0 ? 0 : v);
}

static void level_names(const struct fc_common *c, char names[4][24])
{
	snprintf(names[0], 24, "lo%g", c->fo.levels[0]);
	snprintf(names[1], 24, "hi%g", c->fo.levels[0]);
	snprintf(names[2], 24, "lo%g", c->fo.levels[1]);
	snprintf(names[3], 24, "hi%g", c->fo.levels[1]);
}

static int series_span(const struct fc_ser *s, int *n)
{
	*n = s->last - s->first + 1;
	return *n;
}

int fc_cmd_forecast(struct bb_ctx *ctx, int argc, char **argv)
{
	struct fc_common c = { 0 };
	const struct bb_opt opts[] = {
		FC_COMMON_OPTS(c),
		{ "method", 0, BB_ARG, &c.method, NULL,
		  "--method M        snaive naive mean ses holt damped hw-add hw-mul ets calendar auto" },
		{ "svg", 0, BB_ARG, &c.svg, NULL,
		  "--svg FILE        also draw history, forecast and intervals" },
		BB_OPT_END
	};
	struct fc_data d = { 0 };
	int first, rc, status;

	rc = bb_args(ctx, argc, argv, opts, &first);
	if (rc == -1)
		return BB_OK;
	if (rc != BB_OK)
		return rc;
	if ((rc = fc_common_parse(ctx, &c, 0)) != BB_OK) {
		fc_common_free(&c);
		return rc;
	}
	status = fc_data_load(ctx, &c, argv + first, argc - first, &d);
	if (status != BB_OK && status != BB_EROWS) {
		fc_common_free(&c);
		return status;
	}
	char ln[4][24];
	level_names(&c, ln);
	const char *cols[] = { "series", "date", "method", "point", ln[0], ln[1],
			       ln[2], ln[3], "model" };
	struct bb_writer *w = bb_writer_open(ctx, cols, 9);
	if (!w) {
		fc_data_free(&d);
		fc_common_free(&c);
		return BB_ESYS;
	}
	struct fc_result *res = bb_xmalloc(sizeof *res * (d.ns ? d.ns : 1));
	int *lastday = bb_xmalloc(sizeof(int) * (d.ns ? d.ns : 1));
	int H = c.weekly ? 7 * c.h : c.h;
	for (int k = 0; k < d.ns; k++) {
		const struct fc_ser *s = &d.s[k];
		int n;
		memset(&res[k], 0, sizeof res[k]);
		lastday[k] = -1;
		if (series_span(s, &n) < 2) {
			bb_warn(ctx, "series '%s': %d value%s; need at least 2 to "
				"forecast", s->name, n < 0 ? 0 : n, n == 1 ? "" : "s");
			continue;
		}
		int day0 = d.day0 + s->first;
		if (fc_forecast(s->y + s->first, n, day0, H, &c.fo, &res[k])) {
			bb_warn(ctx, "series '%s': cannot forecast", s->name);
			continue;
		}
		lastday[k] = day0 + n - 1;
		const struct fc_result *r = &res[k];
		int np = c.weekly ? r->nweeks : r->h;
		for (int j = 0; j < np; j++) {
			char date[11], v[5][32];
			int day = lastday[k] + 1 + (c.weekly ? 7 * j : j);
			fc_step_str(&c, day, date);
			if (c.weekly) {
				fmt_num(v[0], 32, r->wmean[j]);
				fmt_lo(v[1], 32, r->wlo[0][j]);
				fmt_num(v[2], 32, r->whi[0][j]);
				fmt_lo(v[3], 32, r->wlo[1][j]);
				fmt_num(v[4], 32, r->whi[1][j]);
			} else {
				fmt_num(v[0], 32, r->mean[j]);
				fmt_lo(v[1], 32, r->lo[0][j]);
				fmt_num(v[2], 32, r->hi[0][j]);
				fmt_lo(v[3], 32, r->lo[1][j]);
				fmt_num(v[4], 32, r->hi[1][j]);
			}
			const char *row[] = { s->name, date, fc_method_name(c.meth),
					      v[0], v[1], v[2], v[3], v[4], r->model };
			bb_writer_row(w, row);
		}
	}
	rc = bb_writer_close(w);
	if (rc == BB_OK && c.svg)
		rc = fc_svg_write(ctx, c.svg, &d, res, lastday, &c);
	for (int k = 0; k < d.ns; k++)
		if (res[k].mean)
			fc_result_free(&res[k]);
	free(res);
	free(lastday);
	fc_data_free(&d);
	fc_common_free(&c);
	if (rc != BB_OK)
		return rc;
	return status;
}

/* ---- backtest ---- */
struct bt_acc {
	double mape, smape, mase, secs;
	int nmape, norig, npts, in0, in1;
};

static double now_secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);	/* CPU: the machine may be busy */
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void bt_row(struct bb_writer *w, const char *series, const char *meth,
		   const char *origin, const struct fc_common *c,
		   const struct bt_acc *a)
{
	char h[16], pts[16], v[6][32];
	snprintf(h, sizeof h, "%d", c->h);
	snprintf(pts, sizeof pts, "%d", a->npts);
	fmt_num(v[0], 32, a->nmape ? a->mape / a->nmape : NAN);
	fmt_num(v[1], 32, a->norig ? a->smape / a->norig : NAN);
	snprintf(v[2], 32, "%.3f", a->norig ? a->mase / a->norig : NAN);
	fmt_num(v[3], 32, a->npts ? 100.0 * a->in0 / a->npts : NAN);
	fmt_num(v[4], 32, a->npts ? 100.0 * a->in1 / a->npts : NAN);
	snprintf(v[5], 32, "%.3f", a->secs);
	const char *row[] = { series, meth, origin, c->weekly ? "week" :
			      c->monthly ? "month" : "day",
			      h, pts, v[0], v[1], v[2], v[3], v[4], v[5] };
	bb_writer_row(w, row);
}

/* Score one forecast against the actuals after index t (inclusive end of
 * the training part); NAN actuals are left out. */
static int bt_score(const struct fc_common *c, const double *y, int t,
		    const struct fc_result *r, struct bt_acc *a)
{
	int np = c->weekly ? c->h : c->h, k = 0;
	double *act = bb_xmalloc(sizeof(double) * np * 6);
	double *f = act + np, *l0 = f + np, *h0 = l0 + np, *l1 = h0 + np,
	       *h1 = l1 + np;
	double scale;

	if (c->weekly) {
		scale = fc_scale_weekly(y, t + 1);
		for (int j = 0; j < np; j++) {
			double s = 0;
			for (int i = 0; i < 7; i++)
				s += y[t + 1 + 7 * j + i];
			if (!isfinite(s))
				continue;
			act[k] = s;
			f[k] = r->wmean[j];
			l0[k] = r->wlo[0][j];
			h0[k] = r->whi[0][j];
			l1[k] = r->wlo[1][j];
			h1[k] = r->whi[1][j];
			k++;
		}
	} else {	/* days, or months: seasonal naive of a year */
		scale = fc_scale_daily(y, t + 1, c->monthly ? 12 : 7);
		for (int j = 0; j < np; j++) {
			if (!isfinite(y[t + 1 + j]))
				continue;
			act[k] = y[t + 1 + j];
			f[k] = r->mean[j];
			l0[k] = r->lo[0][j];
			h0[k] = r->hi[0][j];
			l1[k] = r->lo[1][j];
			h1[k] = r->hi[1][j];
			k++;
		}
	}
	if (k == 0) {
		free(act);
		return -1;
	}
	struct fc_acc acc;
	fc_accuracy(act, f, k, scale, l0, h0, l1, h1, &acc);
	if (isfinite(acc.mape)) {
		a->mape += acc.mape;
		a->nmape++;
	}
	a->smape += acc.smape;
	a->mase += isfinite(acc.mase) ? acc.mase : 0;
	a->norig++;
	a->npts += k;
	a->in0 += (int)lround(acc.cover[0] * k / 100);
	a->in1 += (int)lround(acc.cover[1] * k / 100);
	free(act);
	return 0;
}

static int parse_origins(struct bb_ctx *ctx, const char *s, int **out, int *n)
{
	int cnt = 0;
	char **v = bb_split_list(s, &cnt);
	*out = bb_xmalloc(sizeof(int) * (cnt ? cnt : 1));
	*n = 0;
	for (int i = 0; i < cnt; i++) {
		const char *why;
		if (fc_parse_day(v[i], &(*out)[*n], &why) < 0) {
			int rc = bb_usage_error(ctx, "--origins '%s': %s", v[i], why);
			free(v);
			free(*out);
			*out = NULL;
			return rc;
		}
		(*n)++;
	}
	free(v);
	return BB_OK;
}

int fc_cmd_backtest(struct bb_ctx *ctx, int argc, char **argv)
{
	struct fc_common c = { 0 };
	const char *origins = NULL, *folds = NULL, *step = NULL;
	int per_origin = 0;
	const struct bb_opt opts[] = {
		FC_COMMON_OPTS(c),
		{ "method", 0, BB_ARG, &c.method, NULL,
		  "--method LIST     methods to compare (default snaive,ets,auto)" },
		{ "origins", 0, BB_ARG, &origins, NULL,
		  "--origins LIST    forecast origins (dates, comma list)" },
		{ "folds", 0, BB_ARG, &folds, NULL,
		  "--folds N         else the last N origins (default 8)" },
		{ "step", 0, BB_ARG, &step, NULL,
		  "--step N          days between those origins (default 28)" },
		{ "per-origin", 0, BB_NOARG, NULL, &per_origin,
		  "--per-origin      also one line per origin" },
		BB_OPT_END
	};
	struct fc_data d = { 0 };
	int first, rc, status, *orig = NULL, norig = 0;
	long nfolds = 8, nstep = 28;

	rc = bb_args(ctx, argc, argv, opts, &first);
	if (rc == -1)
		return BB_OK;
	if (rc != BB_OK)
		return rc;
	const char *mlist = c.method ? c.method : "snaive,ets,auto";
	c.method = NULL;
	if ((rc = fc_common_parse(ctx, &c, 0)) != BB_OK)
		goto out;
	int nm = 0;
	char **mv = bb_split_list(mlist, &nm);
	enum fc_method *meths = bb_xmalloc(sizeof *meths * (nm ? nm : 1));
	for (int i = 0; i < nm; i++)
		if (fc_method_parse(mv[i], &meths[i])) {
			rc = bb_usage_error(ctx, "--method '%s': unknown method; want "
					    "snaive, naive, mean, ses, holt, damped, "
					    "hw-add, hw-mul, ets, calendar or auto", mv[i]);
			free(mv);
			free(meths);
			goto out;
		}
	if (folds && bb_parse_int(folds, 1, 1000, &nfolds) < 0) {
		rc = bb_usage_error(ctx, "--folds '%s': want 1 to 1000", folds);
		goto out_m;
	}
	if (step && bb_parse_int(step, 1, 3660, &nstep) < 0) {
		rc = bb_usage_error(ctx, "--step '%s': want 1 to 3660 %s", step,
				    c.monthly ? "months" : "days");
		goto out_m;
	}
	if (origins && (rc = parse_origins(ctx, origins, &orig, &norig)) != BB_OK)
		goto out_m;
	c.origin_day = -1;	/* the history after each origin is needed */
	status = fc_data_load(ctx, &c, argv + first, argc - first, &d);
	if (status != BB_OK && status != BB_EROWS) {
		rc = status;
		goto out_m;
	}
	if ((rc = fc_month_methods(ctx, &c, meths, nm)) != BB_OK)
		goto out_d;
	if (c.monthly) {	/* origins and steps in months */
		for (int i = 0; i < norig; i++)
			orig[i] = fc_month_of_day(orig[i]);
		if (!step)
			nstep = 1;
	}
	const char *cols[] = { "series", "method", "origin", "freq", "horizon",
			       "points", "mape", "smape", "mase", "cover80",
			       "cover95", "seconds" };
	char ln[4][24];
	level_names(&c, ln);
	snprintf(ln[0], 24, "cover%g", c.fo.levels[0]);
	snprintf(ln[1], 24, "cover%g", c.fo.levels[1]);
	cols[9] = ln[0];
	cols[10] = ln[1];
	struct bb_writer *w = bb_writer_open(ctx, cols, 12);
	if (!w) {
		rc = BB_ESYS;
		goto out_d;
	}
	int H = c.weekly ? 7 * c.h : c.h;
	int minhist = c.monthly ? 24 : 14;	/* months: two seasons */
	for (int k = 0; k < d.ns; k++) {
		const struct fc_ser *s = &d.s[k];
		const double *y = s->y;
		int *os = orig, no = norig, gen[1000];
		if (!orig) {	/* the last nfolds origins, nstep apart */
			no = 0;
			for (int t = s->last - H; no < nfolds && t > s->first + minhist;
			     t -= (int)nstep)
				gen[no++] = d.day0 + t;
			for (int i = 0; i < no / 2; i++) {
				int x = gen[i];
				gen[i] = gen[no - 1 - i];
				gen[no - 1 - i] = x;
			}
			os = gen;
		}
		for (int m = 0; m < nm; m++) {
			struct bt_acc tot = { 0 };
			c.fo.method = meths[m];
			for (int i = 0; i < no; i++) {
				int t = os[i] - d.day0;
				if (t < s->first + 1 || t + H > s->last) {
					char ds[11];
					if (m == 0)
						bb_warn(ctx, "series '%s': origin %s "
							"leaves no %d %s of history "
							"and %d after it; skipped",
							s->name, fc_step_str(&c, os[i], ds),
							2, c.monthly ? "months" : "days", H);
					continue;
				}
				struct fc_result r;
				double t0 = now_secs();
				if (fc_forecast(y + s->first, t - s->first + 1,
						d.day0 + s->first, H, &c.fo, &r))
					continue;
				double dt = now_secs() - t0;
				struct bt_acc one = { 0 };
				one.secs = dt;
				if (bt_score(&c, y, t, &r, &one) == 0) {
					tot.mape += one.mape;
					tot.nmape += one.nmape;
					tot.smape += one.smape;
					tot.mase += one.mase;
					tot.norig += one.norig;
					tot.npts += one.npts;
					tot.in0 += one.in0;
					tot.in1 += one.in1;
					tot.secs += dt;
					if (per_origin) {
						char ds[11];
						bt_row(w, s->name, fc_method_name(meths[m]),
						       fc_step_str(&c, os[i], ds), &c, &one);
					}
				}
				fc_result_free(&r);
			}
			if (tot.norig)
				bt_row(w, s->name, fc_method_name(meths[m]), "all",
				       &c, &tot);
		}
	}
	rc = bb_writer_close(w);
	if (rc == BB_OK)
		rc = status;
out_d:
	fc_data_free(&d);
out_m:
	free(mv);
	free(meths);
out:
	free(orig);
	fc_common_free(&c);
	return rc;
}
