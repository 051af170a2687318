/*
 * chart.c - stock-report --format svg|html: days of supply per group as
 * horizontal bars against the critical and low thresholds and the target.
 *
 * Readable in black and white: each level has its own fill pattern (ok
 * solid, low hatched, critical cross-hatched) and the bar is labelled with
 * its figure and level; the thresholds are drawn as distinct line styles
 * (critical dashed, low dotted, target solid) explained in the legend.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stock.h"

enum {
	W = 820,		/* image width */
	LABEL_X = 20,		/* group label */
	BAR_X = 170,		/* x of 0 days */
	BAR_W = 480,		/* width of the scale */
	ROW_H = 24,
	BAR_H = 14,
	HEAD_H = 28,
	TOP = 118		/* first section */
};

void chart_xml_put(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

static const char *level_fill(enum stock_level l)
{
	switch (l) {
	case LEVEL_OK: return "url(#lv-ok)";
	case LEVEL_LOW: return "url(#lv-low)";
	case LEVEL_CRITICAL: return "url(#lv-critical)";
	default: return "url(#lv-none)";
	}
}

/* Sections: consecutive lines of the sorted report with the same date,
 * site and component. */
static int same_section(const struct stock_line *a, const struct stock_line *b)
{
	return !strcmp(a->date, b->date) && !strcmp(a->site, b->site) &&
	       !strcmp(a->component, b->component);
}

/* Days at the right end of the scale: whole days, at least 7, room for
 * every figure, threshold and target. */
static double scale_max(const struct stock_report *rep)
{
	double m = 7;

	for (int i = 0; i < rep->n; i++) {
		const struct stock_line *l = &rep->v[i];
		if (l->days > m)
			m = l->days;
		if (l->has_target && l->target * 1.2 > m)
			m = l->target * 1.2;
		if (l->has_rule && l->low > m)
			m = l->low;
	}
	if (m > 60)
		m = 60;		/* longer bars are drawn cut with an arrow */
	return ceil(m);
}

static double tick_step(double max)
{
	if (max <= 10)
		return 1;
	if (max <= 20)
		return 2;
	if (max <= 40)
		return 5;
	return 10;
}

static double xpos(double days, double max)
{
	if (days > max)
		days = max;
	return BAR_X + days / max * BAR_W;
}

void chart_defs(FILE *fp)
{
	fputs("<defs>\n"
	      "<pattern id=\"lv-ok\" width=\"8\" height=\"8\""
	      " patternUnits=\"userSpaceOnUse\">"
	      "<rect width=\"8\" height=\"8\" fill=\"#5b9e5f\"/></pattern>\n"
	      "<pattern id=\"lv-low\" width=\"8\" height=\"8\""
	      " patternUnits=\"userSpaceOnUse\">"
	      "<rect width=\"8\" height=\"8\" fill=\"#f2c14e\"/>"
	      "<path d=\"M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4\""
	      " stroke=\"#000\" stroke-width=\"1.2\"/></pattern>\n"
	      "<pattern id=\"lv-critical\" width=\"8\" height=\"8\""
	      " patternUnits=\"userSpaceOnUse\">"
	      "<rect width=\"8\" height=\"8\" fill=\"#d9534f\"/>"
	      "<path d=\"M0,0 l8,8 M8,0 l-8,8\" stroke=\"#000\""
	      " stroke-width=\"1.4\"/></pattern>\n"
	      "<pattern id=\"lv-none\" width=\"8\" height=\"8\""
	      " patternUnits=\"userSpaceOnUse\">"
	      "<rect width=\"8\" height=\"8\" fill=\"#cccccc\"/>"
	      "<circle cx=\"4\" cy=\"4\" r=\"1\" fill=\"#000\"/></pattern>\n"
	      "</defs>\n", fp);
}

static void svg_legend(FILE *fp, int y)
{
	static const struct { const char *fill, *name; } lv[] = {
		{ "url(#lv-ok)", "ok" },
		{ "url(#lv-low)", "low" },
		{ "url(#lv-critical)", "critical" },
		{ "url(#lv-none)", "no threshold" },
	};
	int x = LABEL_X;

	for (int i = 0; i < 4; i++) {
		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"12\""
			" fill=\"%s\" stroke=\"#000\" stroke-width=\"0.8\"/>"
			"<text x=\"%d\" y=\"%d\">%s</text>\n", x, y, lv[i].fill,
			x + 30, y + 11, lv[i].name);
		x += i == 3 ? 120 : 95;
	}
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
		" stroke=\"#000\" stroke-width=\"1.5\""
		" stroke-dasharray=\"5,3\"/><text x=\"%d\" y=\"%d\">critical"
		"</text>\n", x, y - 2, x, y + 14, x + 6, y + 11);
	x += 70;
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
		" stroke=\"#000\" stroke-width=\"1.5\""
		" stroke-dasharray=\"1.5,2\"/><text x=\"%d\" y=\"%d\">low"
		"</text>\n", x, y - 2, x, y + 14, x + 6, y + 11);
	x += 45;
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
		" stroke=\"#000\" stroke-width=\"2.5\"/><text x=\"%d\" y=\"%d\">"
		"target</text>\n", x, y - 2, x, y + 14, x + 6, y + 11);
}

static void svg_axis(FILE *fp, int y, double max, int labels_below)
{
	double step = tick_step(max);

	for (double d = 0; d <= max + 1e-9; d += step) {
		double x = xpos(d, max);
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\""
			" class=\"tick\">%g</text>\n", x,
			labels_below ? y + 14 : y - 4, d);
	}
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\""
		" class=\"tick\">days of supply</text>\n", BAR_X - 8,
		labels_below ? y + 14 : y - 4);
}

static void group_label(const struct stock_line *l, char *buf, size_t n)
{
	if (!*l->abo)
		snprintf(buf, n, "untyped");
	else
		snprintf(buf, n, "%s%s", l->abo,
			 !strcmp(l->rhd, "neg") ? "\xe2\x88\x92" :
			 !strcmp(l->rhd, "pos") ? "+" : "");
}

/* Threshold marks across a row: critical dashed, low dotted, target
 * solid. */
static void svg_marks(FILE *fp, const struct stock_line *l, int y,
		      double max)
{
	if (!l->has_rule)
		return;
	fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
		" stroke=\"#000\" stroke-width=\"1.5\""
		" stroke-dasharray=\"5,3\"/>\n", xpos(l->critical, max), y - 4,
		xpos(l->critical, max), y + BAR_H + 4);
	fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
		" stroke=\"#000\" stroke-width=\"1.5\""
		" stroke-dasharray=\"1.5,2\"/>\n", xpos(l->low, max), y - 4,
		xpos(l->low, max), y + BAR_H + 4);
	if (l->has_target)
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
			" stroke=\"#000\" stroke-width=\"2.5\"/>\n",
			xpos(l->target, max), y - 4, xpos(l->target, max),
			y + BAR_H + 4);
}

/* One group: the bar, the threshold marks over it, then the labels over
 * everything (white halo). */
static void svg_row(FILE *fp, const struct stock_line *l, int y,
		    double max)
{
	char lab[32], d[32];
	double x1 = BAR_X;
	int cut = l->days > max;

	group_label(l, lab, sizeof lab);
	if (l->days >= 0) {
		x1 = xpos(l->days, max);
		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\""
			" height=\"%d\" fill=\"%s\" stroke=\"#000\""
			" stroke-width=\"0.8\"><title>", BAR_X, y,
			x1 - BAR_X < 0.5 ? 0.5 : x1 - BAR_X, BAR_H,
			level_fill(l->level));
		chart_xml_put(fp, l->component);
		fprintf(fp, " %s: %s days, %s</title></rect>\n", lab,
			stock_fmt_days(l->days, d),
			*stock_level_name(l->level) ?
			stock_level_name(l->level) : "no threshold");
		if (cut)
			fprintf(fp, "<path d=\"M%.1f,%d l8,%d l-8,%d z\""
				" fill=\"#000\"/>\n", x1, y, BAR_H / 2,
				BAR_H / 2);
	}
	svg_marks(fp, l, y, max);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"grp\">%s</text>\n",
		LABEL_X + 16, y + BAR_H - 2, lab);
	if (l->days < 0)	/* stock without demand */
		fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"val\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"4\" stroke-linejoin=\"round\">no issues"
			" in the window (%ld available)</text>\n", BAR_X + 4,
			y + BAR_H - 2, l->available);
	else
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" class=\"val\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"4\" stroke-linejoin=\"round\">%s d%s%s"
			"</text>\n", x1 + (cut ? 12 : 5), y + BAR_H - 2,
			stock_fmt_days(l->days, d),
			*stock_level_name(l->level) ? "  " : "",
			l->level == LEVEL_CRITICAL ? "CRITICAL" :
			l->level == LEVEL_LOW ? "LOW" :
			stock_level_name(l->level));
}

/* The image's height for the report's sections and rows. */
static int svg_height(const struct stock_report *rep)
{
	int h = TOP + 40;

	for (int i = 0; i < rep->n; i++) {
		if (i == 0 || !same_section(&rep->v[i - 1], &rep->v[i]))
			h += HEAD_H;
		h += ROW_H;
	}
	if (rep->n == 0)
		h += ROW_H;
	return h;
}

static void chart_body(FILE *fp, const struct stock_report *rep)
{
	double max = scale_max(rep);
	int h = svg_height(rep), y = TOP;
	int ncrit = 0, nlow = 0;

	for (int i = 0; i < rep->n; i++) {
		ncrit += rep->v[i].level == LEVEL_CRITICAL;
		nlow += rep->v[i].level == LEVEL_LOW;
	}
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
		" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans,"
		" Arial, sans-serif\" font-size=\"12\">\n", W, h, W, h);
	fputs("<style>.tick{font-size:10px;fill:#333}.grp{font-weight:bold}"
	      ".val{font-size:11px}"
	      ".head{font-size:14px;font-weight:bold}"
	      "</style>\n", fp);
	chart_defs(fp);
	fprintf(fp, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", W, h);
	fputs("<text x=\"20\" y=\"30\" font-size=\"20\" font-weight=\"bold\">"
	      "Blood stock: days of supply</text>\n", fp);
	fputs("<text x=\"20\" y=\"52\" font-size=\"12\">", fp);
	if (rep->counts) {
		fputs("at ", fp);
		chart_xml_put(fp, rep->when);
		fputs(", mean daily issues over ", fp);
		chart_xml_put(fp, rep->window);
		fputs(", rules ", fp);
		chart_xml_put(fp, rep->rules);
	} else {
		fputs("figures supplied, levels by rules ", fp);
		chart_xml_put(fp, rep->rules);
		fputs(", drawn ", fp);
		chart_xml_put(fp, rep->when);
	}
	fprintf(fp, "; %d critical, %d low</text>\n", ncrit, nlow);
	svg_legend(fp, 68);
	if (rep->n == 0) {
		fprintf(fp, "<text x=\"20\" y=\"%d\">no stock and no issues"
			"</text>\n</svg>\n", TOP + 20);
		return;
	}
	svg_axis(fp, TOP - 2, max, 0);
	for (int i = 0; i < rep->n; i++) {
		const struct stock_line *l = &rep->v[i];
		if (i == 0 || !same_section(&rep->v[i - 1], l)) {
			int rows = 0;
			for (int j = i; j < rep->n && same_section(l, &rep->v[j]); j++)
				rows++;
			/* light grid behind the section */
			for (double d = 0; d <= max + 1e-9; d += tick_step(max))
				fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\""
					" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\""
					"/>\n", xpos(d, max), y + 6,
					xpos(d, max), y + HEAD_H + rows * ROW_H - 6);
			fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"head\">",
				LABEL_X, y + 18);
			chart_xml_put(fp, l->component);
			if (*l->site) {
				fputs(" at ", fp);
				chart_xml_put(fp, l->site);
			}
			if (*l->date) {
				fputs(", ", fp);
				chart_xml_put(fp, l->date);
			}
			fputs("</text>\n", fp);
			y += HEAD_H;
		}
		svg_row(fp, l, y + 4, max);
		y += ROW_H;
	}
	svg_axis(fp, y + 4, max, 1);
	fputs("</svg>\n", fp);
}

void chart_svg(FILE *fp, const struct stock_report *rep)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	if (chart_is_series(rep))
		chart_series_body(fp, rep);
	else
		chart_body(fp, rep);
}

void chart_html(FILE *fp, const struct stock_report *rep)
{
	char d[32];

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>Blood stock ", fp);
	chart_xml_put(fp, rep->when);
	fputs("</title>\n<style>\nbody{font-family:\"DejaVu Sans\",Arial,"
	      "sans-serif;margin:1em}\ntable{border-collapse:collapse}\n"
	      "td,th{border:1px solid #999;padding:2px 6px}\n"
	      "td.n{text-align:right}\ntr.critical td{font-weight:bold}\n"
	      "@media print{svg{max-width:100%;height:auto}}\n</style>\n"
	      "</head>\n<body>\n", fp);
	if (chart_is_series(rep)) {
		/* thousands of figures: the chart says it, no table */
		chart_series_body(fp, rep);
		fputs("</body>\n</html>\n", fp);
		return;
	}
	chart_body(fp, rep);
	fputs("<table>\n<tr><th>component</th><th>group</th>", fp);
	if (rep->by_site)
		fputs("<th>site</th>", fp);
	if (rep->dates)
		fputs("<th>date</th>", fp);
	if (rep->counts)
		fputs("<th>available</th><th>reserved</th><th>quarantine</th>"
		      "<th>expiring 24 h</th><th>expiring 72 h</th>"
		      "<th>issues per day</th>", fp);
	fputs("<th>days of supply</th><th>target</th><th>level</th></tr>\n",
	      fp);
	for (int i = 0; i < rep->n; i++) {
		const struct stock_line *l = &rep->v[i];
		char lab[32];
		group_label(l, lab, sizeof lab);
		fprintf(fp, "<tr class=\"%s\"><td>", stock_level_name(l->level));
		chart_xml_put(fp, l->component);
		fprintf(fp, "</td><td>%s</td>", lab);
		if (rep->by_site) {
			fputs("<td>", fp);
			chart_xml_put(fp, l->site);
			fputs("</td>", fp);
		}
		if (rep->dates) {
			fputs("<td>", fp);
			chart_xml_put(fp, l->date);
			fputs("</td>", fp);
		}
		if (rep->counts)
			fprintf(fp, "<td class=\"n\">%ld</td><td class=\"n\">%ld"
				"</td><td class=\"n\">%ld</td><td class=\"n\">"
				"%ld</td><td class=\"n\">%ld</td><td class=\"n\">"
				"%.2f</td>", l->available, l->reserved,
				l->quarantine, l->exp24, l->exp72,
				l->issues_per_day);
		fprintf(fp, "<td class=\"n\">%s</td>", stock_fmt_days(l->days, d));
		if (l->has_target)
			fprintf(fp, "<td class=\"n\">%g</td>", l->target);
		else
			fputs("<td></td>", fp);
		fprintf(fp, "<td>%s</td></tr>\n", stock_level_name(l->level));
	}
	fputs("</table>\n</body>\n</html>\n", fp);
}
