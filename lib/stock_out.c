/*
 * stock_out.c - stock lines as text, CSV/TSV/JSON (bb_writer), SVG, HTML.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stock.h"

enum { MAXCOLS = 16 };

/* Column names of the report: Appendix A stock line, or for `levels` the
 * figures that were fed in. */
static int report_columns(const struct stock_report *rep,
			  const char *cols[MAXCOLS])
{
	int n = 0;

	cols[n++] = "component";
	cols[n++] = "abo";
	cols[n++] = "rhd";
	if (rep->by_site)
		cols[n++] = "site";
	if (rep->dates)
		cols[n++] = "date";
	if (rep->counts) {
		cols[n++] = "available";
		cols[n++] = "reserved";
		cols[n++] = "quarantine";
		cols[n++] = "expiring_24h";
		cols[n++] = "expiring_72h";
		cols[n++] = "issues_per_day";
	}
	cols[n++] = "days_of_supply";
	cols[n++] = "target";
	cols[n++] = "level";
	return n;
}

/* The values of one line; `bufs` holds the formatted numbers. */
static int line_values(const struct stock_report *rep,
		       const struct stock_line *l, const char *vals[MAXCOLS],
		       char bufs[MAXCOLS][32])
{
	int n = 0, b = 0;

	vals[n++] = l->component;
	vals[n++] = l->abo;
	vals[n++] = l->rhd;
	if (rep->by_site)
		vals[n++] = l->site;
	if (rep->dates)
		vals[n++] = l->date;
	if (rep->counts) {
		long c[5] = { l->available, l->reserved, l->quarantine,
			      l->exp24, l->exp72 };
		for (int i = 0; i < 5; i++) {
			snprintf(bufs[b], 32, "%ld", c[i]);
			vals[n++] = bufs[b++];
		}
		snprintf(bufs[b], 32, "%.2f", l->issues_per_day);
		vals[n++] = bufs[b++];
	}
	vals[n++] = stock_fmt_days(l->days, bufs[b++]);
	if (l->has_target)
		snprintf(bufs[b], 32, "%g", l->target);
	else
		bufs[b][0] = '\0';
	vals[n++] = bufs[b++];
	vals[n++] = stock_level_name(l->level);
	return n;
}

static int write_table(struct bb_ctx *ctx, const struct stock_report *rep)
{
	const char *cols[MAXCOLS];
	int ncols = report_columns(rep, cols);
	struct bb_writer *w = bb_writer_open(ctx, cols, ncols);

	if (!w)
		return BB_ESYS;
	for (int i = 0; i < rep->n; i++) {
		const char *vals[MAXCOLS];
		char bufs[MAXCOLS][32];
		line_values(rep, &rep->v[i], vals, bufs);
		bb_writer_row(w, vals);
	}
	return bb_writer_close(w);
}

/* Aligned columns for people; numbers right-aligned. */
static void write_text(FILE *fp, const struct stock_report *rep)
{
	const char *cols[MAXCOLS];
	int ncols = report_columns(rep, cols);
	int width[MAXCOLS];
	int nfirst_num = 3 + rep->by_site + rep->dates;

	for (int c = 0; c < ncols; c++)
		width[c] = (int)strlen(cols[c]);
	for (int i = 0; i < rep->n; i++) {
		const char *vals[MAXCOLS];
		char bufs[MAXCOLS][32];
		line_values(rep, &rep->v[i], vals, bufs);
		for (int c = 0; c < ncols; c++)
			if ((int)strlen(vals[c]) > width[c])
				width[c] = (int)strlen(vals[c]);
	}
	if (rep->counts)
		fprintf(fp, "stock at %s, issues over %s, rules %s\n",
			rep->when, rep->window, rep->rules);
	for (int c = 0; c < ncols; c++)
		fprintf(fp, "%s%-*s", c ? "  " : "",
			c == ncols - 1 ? 0 : width[c], cols[c]);
	fputc('\n', fp);
	for (int i = 0; i < rep->n; i++) {
		const char *vals[MAXCOLS];
		char bufs[MAXCOLS][32], line[1024];
		size_t n = 0;
		line_values(rep, &rep->v[i], vals, bufs);
		for (int c = 0; c < ncols && n < sizeof line; c++) {
			int right = c >= nfirst_num && c < ncols - 1;
			n += snprintf(line + n, sizeof line - n, "%s%*s",
				      c ? "  " : "", c == ncols - 1 ? 0 :
				      right ? width[c] : -width[c], vals[c]);
		}
		if (n >= sizeof line)
			n = sizeof line - 1;
		while (n > 0 && line[n - 1] == ' ')
			n--;	/* no trailing blanks on a line */
		line[n] = '\0';
		fprintf(fp, "%s\n", line);
	}
}

int stock_report_write(struct bb_ctx *ctx, const struct stock_report *rep)
{
	const char *f = ctx->format_arg;
	FILE *fp;

	if (!f || !strcmp(f, "csv") || !strcmp(f, "tsv") ||
	    !strcmp(f, "json")) {
		if (f && !strcmp(f, "csv"))
			ctx->out_fmt = BB_FMT_CSV;
		else if (f && !strcmp(f, "tsv"))
			ctx->out_fmt = BB_FMT_TSV;
		else if (f && !strcmp(f, "json"))
			ctx->out_fmt = BB_FMT_JSON;
		return write_table(ctx, rep);
	}
	fp = bb_output_open(ctx);
	if (!fp)
		return BB_ESYS;
	if (!strcmp(f, "text"))
		write_text(fp, rep);
	else if (!strcmp(f, "svg"))
		chart_svg(fp, rep);
	else
		chart_html(fp, rep);
	return bb_output_close(ctx, fp);
}
