/*
 * chart_series.c - the chart of days-of-supply figures over time
 * (`stock-report levels` fed a dated series, e.g. NHSBT's daily days of
 * stock): one panel per component and group, the figure as a line over
 * the critical and low zones, with the target as a line.
 *
 * Black and white: the zones are patterned (critical cross-hatched, low
 * hatched), critical days are marked under the axis, and each panel names
 * its minimum and its count of low and critical days.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stock.h"

enum {
	SW = 820,		/* image width */
	PX = 150,		/* plot left */
	PW = 620,		/* plot width */
	PH = 70,		/* plot height */
	PANEL = 112,		/* panel pitch */
	STOP = 100		/* first panel */
};

static int series_cmp(const void *pa, const void *pb)
{
	const struct stock_line *a = *(const struct stock_line *const *)pa;
	const struct stock_line *b = *(const struct stock_line *const *)pb;
	int d;

	if ((d = stock_component_rank(a->component) -
		 stock_component_rank(b->component)) != 0)
		return d;
	if ((d = strcmp(a->site, b->site)) != 0)
		return d;
	if ((d = stock_rhd_rank(a->rhd) - stock_rhd_rank(b->rhd)) != 0)
		return d;
	if ((d = stock_abo_rank(a->abo) - stock_abo_rank(b->abo)) != 0)
		return d;
	return strcmp(a->date, b->date);
}

static int same_series(const struct stock_line *a, const struct stock_line *b)
{
	return !strcmp(a->component, b->component) &&
	       !strcmp(a->site, b->site) && !strcmp(a->abo, b->abo) &&
	       !strcmp(a->rhd, b->rhd);
}

int chart_is_series(const struct stock_report *rep)
{
	for (int i = 1; i < rep->n; i++)
		if (strcmp(rep->v[i].date, rep->v[0].date) != 0)
			return 1;
	return 0;
}

static long day_of(const char *date)
{
	bb_time t;
	const char *why;

	if (bb_parse_time(date, &t, &why) != 0)
		return 0;
	return (long)(t / BB_DAY);
}

/* Month ticks: every 3, 6 or 12 months by span. */
static void month_ticks(FILE *fp, long d0, long d1, int y)
{
	int y0, m0, dd, h, mi, s, step;
	long span = d1 - d0;

	step = span > 3 * 365 ? 12 : span > 365 ? 6 : span > 120 ? 3 : 1;
	bb_split_time((bb_time)d0 * BB_DAY, &y0, &m0, &dd, &h, &mi, &s);
	for (int yy = y0, mm = m0; ; ) {
		long d;
		char lab[32];
		if (++mm > 12) {
			mm = 1;
			yy++;
		}
		d = (long)(bb_make_time(yy, mm, 1, 0, 0, 0) / BB_DAY);
		if (d > d1)
			break;
		if ((mm - 1) % step)
			continue;
		double x = PX + (double)(d - d0) / (d1 > d0 ? d1 - d0 : 1) * PW;
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
			" stroke=\"#bbb\"/>\n", x, y - PH, x, y + 3);
		snprintf(lab, sizeof lab, "%04d-%02d", yy, mm);
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\""
			" class=\"tick\">%s</text>\n", x, y + 13, lab);
	}
}

static void panel(FILE *fp, struct stock_line **v, int n, long d0, long d1,
		  double ymax, int top)
{
	const struct stock_line *l = v[0];
	int base = top + 20 + PH, ncrit = 0, nlow = 0, imin = 0;
	double sx = (double)PW / (d1 > d0 ? d1 - d0 : 1), sy = PH / ymax;
	char lab[64], dmin[32];

#define YP(d) (base - ((d) > ymax ? ymax : (d)) * sy)
	/* zones */
	if (l->has_rule) {
		double lo = l->low > ymax ? ymax : l->low;
		double cr = l->critical > ymax ? ymax : l->critical;
		fprintf(fp, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\""
			" fill=\"url(#lv-low)\" opacity=\"0.35\"/>\n", PX, YP(lo),
			PW, (lo - cr) * sy);
		fprintf(fp, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\""
			" fill=\"url(#lv-critical)\" opacity=\"0.35\"/>\n", PX,
			YP(cr), PW, cr * sy);
		if (l->has_target && l->target <= ymax)
			fprintf(fp, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\""
				" y2=\"%.1f\" stroke=\"#000\" stroke-width=\"1\""
				" stroke-dasharray=\"6,3\"/>\n", PX,
				YP(l->target), PX + PW, YP(l->target));
	}
	fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
		" fill=\"none\" stroke=\"#000\" stroke-width=\"0.8\"/>\n", PX,
		base - PH, PW, PH);
	month_ticks(fp, d0, d1, base);
	/* the series */
	fputs("<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"1.2\""
	      " points=\"", fp);
	for (int i = 0; i < n; i++) {
		fprintf(fp, "%s%.1f,%.1f", i ? " " : "",
			PX + (day_of(v[i]->date) - d0) * sx, YP(v[i]->days));
		if (v[i]->days < v[imin]->days)
			imin = i;
		ncrit += v[i]->level == LEVEL_CRITICAL;
		nlow += v[i]->level == LEVEL_LOW;
	}
	fputs("\"/>\n", fp);
	/* critical days: marks under the axis */
	for (int i = 0; i < n; i++)
		if (v[i]->level == LEVEL_CRITICAL)
			fprintf(fp, "<path d=\"M%.1f,%d l-3,6 l6,0 z\""
				" fill=\"#c62828\" stroke=\"#000\""
				" stroke-width=\"0.5\"/>\n",
				PX + (day_of(v[i]->date) - d0) * sx, base + 15);
	/* labels */
	snprintf(lab, sizeof lab, "%s %s%s", l->component, l->abo,
		 !strcmp(l->rhd, "neg") ? "\xe2\x88\x92" :
		 !strcmp(l->rhd, "pos") ? "+" : "");
	fprintf(fp, "<text x=\"20\" y=\"%d\" class=\"head\">", base - PH + 14);
	chart_xml_put(fp, lab);
	fputs("</text>\n", fp);
	if (*l->site) {
		fprintf(fp, "<text x=\"20\" y=\"%d\" class=\"tick\">",
			base - PH + 28);
		chart_xml_put(fp, l->site);
		fputs("</text>\n", fp);
	}
	fprintf(fp, "<text x=\"20\" y=\"%d\" class=\"tick\">min %s d</text>\n",
		base - PH + 42, stock_fmt_days(v[imin]->days, dmin));
	fprintf(fp, "<text x=\"20\" y=\"%d\" class=\"tick\">on ", base - PH + 54);
	chart_xml_put(fp, v[imin]->date);
	fputs("</text>\n", fp);
	fprintf(fp, "<text x=\"20\" y=\"%d\" class=\"tick\">%d critical, %d low"
		"</text>\n", base - PH + 66, ncrit, nlow);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">"
		"%g</text>\n", PX - 4, base - PH + 8, ymax);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">"
		"0</text>\n", PX - 4, base);
#undef YP
}

/* Top of the scale per component: the larger of twice the target and the
 * 95th percentile of its figures, in whole days. */
static double component_ymax(struct stock_line **v, int n, const char *comp)
{
	double *d = bb_xmalloc((size_t)(n ? n : 1) * sizeof *d), m = 1;
	int k = 0;

	for (int i = 0; i < n; i++)
		if (!strcmp(v[i]->component, comp) && v[i]->days >= 0) {
			d[k++] = v[i]->days;
			if (v[i]->has_target && v[i]->target * 2 > m)
				m = v[i]->target * 2;
		}
	if (k) {
		for (int i = 1; i < k; i++)	/* insertion sort: small n */
			for (int j = i; j > 0 && d[j - 1] > d[j]; j--) {
				double t = d[j];
				d[j] = d[j - 1];
				d[j - 1] = t;
			}
		if (d[k * 95 / 100] > m)
			m = d[k * 95 / 100];
	}
	free(d);
	return (double)(long)(m + 0.999);
}

void chart_series_body(FILE *fp, const struct stock_report *rep)
{
	struct stock_line **v = bb_xmalloc((size_t)rep->n * sizeof *v);
	long d0 = 0, d1 = 0;
	int npanels = 0, h, top = STOP;

	for (int i = 0; i < rep->n; i++) {
		long d = day_of(rep->v[i].date);
		v[i] = &rep->v[i];
		if (i == 0 || d < d0)
			d0 = d;
		if (i == 0 || d > d1)
			d1 = d;
	}
	if (rep->n > 1)
		qsort(v, rep->n, sizeof *v, series_cmp);
	for (int i = 0; i < rep->n; i++)
		npanels += i == 0 || !same_series(v[i - 1], v[i]);
	h = STOP + npanels * PANEL + 20;
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
		" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans,"
		" Arial, sans-serif\" font-size=\"12\">\n", SW, h, SW, h);
	fputs("<style>.tick{font-size:10px;fill:#333}"
	      ".head{font-size:13px;font-weight:bold}</style>\n", fp);
	chart_defs(fp);
	fprintf(fp, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", SW, h);
	fputs("<text x=\"20\" y=\"30\" font-size=\"20\" font-weight=\"bold\">"
	      "Blood stock: days of supply over time</text>\n", fp);
	{
		char a[11], b[11];
		fprintf(fp, "<text x=\"20\" y=\"52\">%s to %s, %d series,"
			" levels by rules ", bb_fmt_date((bb_time)d0 * BB_DAY, a),
			bb_fmt_date((bb_time)d1 * BB_DAY, b), npanels);
	}
	chart_xml_put(fp, rep->rules);
	fputs("</text>\n", fp);
	/* legend */
	fputs("<rect x=\"20\" y=\"66\" width=\"24\" height=\"12\""
	      " fill=\"url(#lv-critical)\" opacity=\"0.6\" stroke=\"#000\""
	      " stroke-width=\"0.5\"/><text x=\"50\" y=\"77\">critical zone"
	      "</text>\n<rect x=\"150\" y=\"66\" width=\"24\" height=\"12\""
	      " fill=\"url(#lv-low)\" opacity=\"0.6\" stroke=\"#000\""
	      " stroke-width=\"0.5\"/><text x=\"180\" y=\"77\">low zone</text>\n"
	      "<line x1=\"270\" y1=\"72\" x2=\"300\" y2=\"72\" stroke=\"#000\""
	      " stroke-dasharray=\"6,3\"/><text x=\"306\" y=\"77\">target"
	      "</text>\n<line x1=\"370\" y1=\"72\" x2=\"400\" y2=\"72\""
	      " stroke=\"#000\" stroke-width=\"1.2\"/><text x=\"406\" y=\"77\">"
	      "days of supply</text>\n<path d=\"M520,68 l-3,6 l6,0 z\""
	      " fill=\"#c62828\" stroke=\"#000\" stroke-width=\"0.5\"/>"
	      "<text x=\"530\" y=\"77\">a critical day</text>\n", fp);
	for (int i = 0; i < rep->n; ) {
		int j = i + 1;
		double ymax;
		while (j < rep->n && same_series(v[i], v[j]))
			j++;
		ymax = component_ymax(v, rep->n, v[i]->component);
		panel(fp, v + i, j - i, d0, d1, ymax, top);
		top += PANEL;
		i = j;
	}
	fputs("</svg>\n", fp);
	free(v);
}
