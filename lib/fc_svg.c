/*
 * fc_svg.c - forecast --svg FILE: one panel per series with the recent
 * history (black), the forecast (blue), its 80% and 95% intervals (blue
 * bands, darker = 80%) and the holidays of the calendar (grey columns,
 * named at the top).  Weekly forecasts are drawn against weekly sums.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc_cmd.h"

enum { W = 960, PH = 330, LM = 70, RM = 20, TM = 70, BM = 40 };

static void xml_text(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", fp);
		else if (*s == '>')
			fputs("&gt;", fp);
		else if (*s == '&')
			fputs("&amp;", fp);
		else if (*s == '"')
			fputs("&quot;", fp);
		else
			fputc(*s, fp);
	}
}

static double nice_step(double max)
{
	double raw = max / 5, p = pow(10, floor(log10(raw > 0 ? raw : 1)));
	double m = raw / p;
	return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

struct panel {
	int np, nf;		/* history points, forecast points */
	double *hist;		/* np */
	const double *mean, *lo0, *hi0, *lo1, *hi1;	/* nf */
	int day_first;		/* day (month with monthly) of hist[0] */
	int per;		/* days per point: 1 or 7 */
	int monthly;		/* points are calendar months */
	double ymax;
	int top;
};

static double px(const struct panel *p, double i)
{
	int tot = p->np + p->nf;
	return LM + (W - LM - RM) * (i + 0.5) / (tot > 0 ? tot : 1);
}

static double py(const struct panel *p, double v)
{
	return p->top + PH - BM - (PH - TM - BM) * (v / (p->ymax > 0 ? p->ymax : 1));
}

static void band(FILE *fp, const struct panel *p, const double *lo,
		 const double *hi, const char *fill)
{
	fprintf(fp, "<path fill=\"%s\" stroke=\"none\" d=\"", fill);
	for (int j = 0; j < p->nf; j++)
		fprintf(fp, "%c%.1f,%.1f ", j ? 'L' : 'M', px(p, p->np + j),
			py(p, hi[j]));
	for (int j = p->nf - 1; j >= 0; j--)
		fprintf(fp, "L%.1f,%.1f ", px(p, p->np + j), py(p, lo[j]));
	fputs("Z\"/>\n", fp);
}

static void polyline(FILE *fp, const struct panel *p, const double *v, int n,
		     int off, const char *style)
{
	int pen = 0;
	fprintf(fp, "<path fill=\"none\" %s d=\"", style);
	for (int j = 0; j < n; j++) {
		if (!isfinite(v[j])) {
			pen = 0;
			continue;
		}
		fprintf(fp, "%c%.1f,%.1f ", pen ? 'L' : 'M', px(p, off + j),
			py(p, v[j]));
		pen = 1;
	}
	fputs("\"/>\n", fp);
}

static void holidays(FILE *fp, const struct panel *p, const struct fc_cal *cal)
{
	int lo = p->day_first, hi = p->day_first + (p->np + p->nf) * p->per - 1;
	double colw = (double)(W - LM - RM) / (p->np + p->nf) / p->per;
	for (int i = 0; cal && i < cal->n; i++) {
		int d0 = cal->day[i], d1 = cal->day[i] + cal->len[i] - 1;
		if (d1 < lo || d0 > hi)
			continue;
		if (d0 < lo)
			d0 = lo;
		if (d1 > hi)
			d1 = hi;
		double x0 = LM + (W - LM - RM) * (double)(d0 - lo) /
			    ((p->np + p->nf) * p->per);
		double w = colw * (d1 - d0 + 1);
		fprintf(fp, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
			"fill=\"#000\" fill-opacity=\"0.08\"/>\n", x0, p->top + TM,
			w < 1 ? 1 : w, PH - TM - BM);
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" fill=\"#555\" "
			"transform=\"rotate(-35 %.1f %d)\">", x0, p->top + TM - 2,
			x0, p->top + TM - 2);
		xml_text(fp, cal->names[cal->name[i]]);
		fputs("</text>\n", fp);
	}
}

static void tick(FILE *fp, double x, int y0, int day)
{
	char buf[11];
	fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
		"stroke=\"#999\"/>\n", x, x, y0, y0 + 4);
	fprintf(fp, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" "
		"text-anchor=\"middle\">%s</text>\n", x, y0 + 16,
		fc_day_str(day, buf));
}

/* Monthly points: a label each January (each quarter on spans up to
 * three years, each month up to one). */
static void month_ticks(FILE *fp, const struct panel *p, int y0)
{
	int n = p->np + p->nf, every = n > 36 ? 12 : n > 12 ? 3 : 1;
	for (int i = 0; i < n; i++)
		if ((p->day_first + i) % every == 0)
			tick(fp, px(p, i), y0, fc_month_first_day(p->day_first + i));
}

static void axes(FILE *fp, const struct panel *p, const char *title)
{
	double step = nice_step(p->ymax);
	int y0 = p->top + PH - BM;

	fprintf(fp, "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">",
		LM, p->top + 16);
	xml_text(fp, title);
	fputs("</text>\n", fp);
	for (double v = 0; v <= p->ymax + 1e-9; v += step) {
		fprintf(fp, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/>\n", LM, W - RM, py(p, v), py(p, v));
		fprintf(fp, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" "
			"text-anchor=\"end\">%g</text>\n", LM - 4, py(p, v) + 3, v);
	}
	if (p->monthly)
		month_ticks(fp, p, y0);
	/* a date label at each month start (each quarter on long spans) */
	int days = (p->np + p->nf) * p->per, every = days > 400 ? 3 : 1;
	for (int i = 0; !p->monthly && i < p->np + p->nf; i++) {
		for (int k = 0; k < p->per; k++) {
			int day = p->day_first + i * p->per + k, y, mo, d, hh, mi, s;
			bb_split_time((bb_time)day * BB_DAY, &y, &mo, &d, &hh, &mi, &s);
			if (d != 1 || (mo - 1) % every)
				continue;
			tick(fp, px(p, i), y0, day);
		}
	}
	fprintf(fp, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
		LM, W - RM, y0, y0);
	double xo = px(p, p->np - 0.5);
	fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
		"stroke=\"#333\" stroke-dasharray=\"3,3\"/>\n", xo, xo,
		p->top + TM, y0);
}

int fc_svg_write(struct bb_ctx *ctx, const char *path, const struct fc_data *d,
		 const struct fc_result *r, const int *last,
		 const struct fc_common *c)
{
	int npan = 0;
	for (int k = 0; k < d->ns; k++)
		npan += last[k] >= 0;
	FILE *fp = fopen(path, "w");
	if (!fp) {
		bb_err(ctx, "cannot write chart '%s': %m", path);
		return BB_ESYS;
	}
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" font-family=\"sans-serif\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n", W,
		npan * PH + 30);
	/* holidays are drawn for daily series with a calendar only */
	fprintf(fp, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#333\">"
		"history (black), forecast (blue), %g%% and %g%% intervals "
		"(dark and light bands)%s</text>\n", LM, npan * PH + 20,
		c->fo.levels[0], c->fo.levels[1],
		c->have_cal && !c->monthly ? ", holidays (grey)" : "");
	int top = 0;
	for (int k = 0; k < d->ns; k++) {
		if (last[k] < 0)
			continue;
		const struct fc_ser *s = &d->s[k];
		const struct fc_result *res = &r[k];
		struct panel p = { 0 };
		p.per = c->weekly ? 7 : 1;
		p.monthly = c->monthly;
		p.nf = c->weekly ? res->nweeks : res->h;
		int want = p.nf * 3 < 56 ? 56 : p.nf * 3;
		if (want > 365)
			want = 365;
		int avail = (last[k] - d->day0 - s->first + 1) / p.per;
		p.np = want < avail ? want : avail;
		p.day_first = last[k] - p.np * p.per + 1;
		p.hist = bb_xmalloc(sizeof(double) * (p.np ? p.np : 1));
		for (int i = 0; i < p.np; i++) {
			double sum = 0;
			for (int j = 0; j < p.per; j++)
				sum += s->y[p.day_first - d->day0 + i * p.per + j];
			p.hist[i] = sum;
		}
		p.mean = c->weekly ? res->wmean : res->mean;
		p.lo0 = c->weekly ? res->wlo[0] : res->lo[0];
		p.hi0 = c->weekly ? res->whi[0] : res->hi[0];
		p.lo1 = c->weekly ? res->wlo[1] : res->lo[1];
		p.hi1 = c->weekly ? res->whi[1] : res->hi[1];
		p.top = top;
		for (int i = 0; i < p.np; i++)
			if (isfinite(p.hist[i]) && p.hist[i] > p.ymax)
				p.ymax = p.hist[i];
		for (int j = 0; j < p.nf; j++)
			if (isfinite(p.hi1[j]) && p.hi1[j] > p.ymax)
				p.ymax = p.hi1[j];
		p.ymax = ceil(p.ymax / nice_step(p.ymax)) * nice_step(p.ymax);
		char title[160];
		snprintf(title, sizeof title, "%s: %s", s->name, res->model);
		axes(fp, &p, title);
		holidays(fp, &p, c->have_cal && !c->monthly ? &c->cal : NULL);
		band(fp, &p, p.lo1, p.hi1, "#c6dbef");
		band(fp, &p, p.lo0, p.hi0, "#6baed6");
		polyline(fp, &p, p.hist, p.np, 0,
			 "stroke=\"#000\" stroke-width=\"1.2\"");
		polyline(fp, &p, p.mean, p.nf, p.np,
			 "stroke=\"#08519c\" stroke-width=\"2\"");
		free(p.hist);
		top += PH;
	}
	fputs("</svg>\n", fp);
	if (fclose(fp) != 0) {
		bb_err(ctx, "cannot write chart '%s': %m", path);
		return BB_ESYS;
	}
	return BB_OK;
}
