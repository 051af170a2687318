/*
 * stock_kpi.c - stock-report kpi --from --to: the inventory KPIs of SPEC
 * 5.4, per component class and for all components together.
 *
 * Everything is counted from the events of the period [from, to) (the
 * unit_events_at index), the crossmatches and the transfusions of the
 * period; the formulas are in stock-report(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stock.h"

enum { NCOMP = 7, ALL = 6, MAXREASONS = 64 };

static const char *const comp_names[NCOMP] =
	{ "WB", "RBC", "PLT", "FFP", "FP", "CRYO", "all" };

struct reason_count {
	char code[48];
	long n;
};

struct kpi_acc {
	long received;		/* entry events (from_status empty) */
	double received_u, received_wb_u;
	long issued, issued_oneg;
	long discarded, expired, returned;
	long xm, transfused, emergency;
	long neg_issues;	/* RhD-negative issues with a known entry */
	double neg_days;	/* their summed time in stock, days */
	struct reason_count reasons[MAXREASONS];
	int nreasons;
};

static const char events_sql[] =
	"SELECT u.component, coalesce(u.abo, ''), coalesce(u.rhd, ''),"
	" coalesce(e.event, ''), coalesce(e.from_status, ''), e.to_status,"
	" coalesce(e.reason, ''), coalesce(u.units, 1),"
	" CASE WHEN u.rhd = 'neg' AND (e.event = 'issue' OR"
	"  e.to_status = 'issued') THEN julianday(e.at) - julianday(coalesce("
	"  (SELECT min(x.at) FROM %S.unit_events x WHERE x.din = e.din"
	"   AND x.product_code = e.product_code), u.collected_at)) END"
	" FROM %S.unit_events e JOIN %S.units u"
	" ON u.din = e.din AND u.product_code = e.product_code"
	" WHERE e.at >= ?1 AND e.at < ?2";

static const char xm_sql[] =
	"SELECT coalesce(u.component, 'RBC'), count(*)"
	" FROM %S.crossmatches c LEFT JOIN %S.units u"
	" ON u.din = c.din AND u.product_code = c.product_code"
	" WHERE c.at >= ?1 AND c.at < ?2 GROUP BY 1";

static const char tx_sql[] =
	"SELECT coalesce(u.component, 'RBC'), sum(t.returned_at IS NULL),"
	" sum(t.emergency != 0)"
	" FROM %S.transfusions t LEFT JOIN %S.units u"
	" ON u.din = t.din AND u.product_code = t.product_code"
	" WHERE t.issued_at >= ?1 AND t.issued_at < ?2 GROUP BY 1";

static int comp_index(const char *c)
{
	int i = stock_component_rank(c);
	return i < ALL ? i : -1;
}

static void add_reason(struct kpi_acc *a, const char *reason)
{
	char code[48];
	size_t n = strcspn(reason, ":");

	/* the reason code's first field: "reactive", "temperature"... */
	if (n >= sizeof code)
		n = sizeof code - 1;
	memcpy(code, reason, n);
	code[n] = '\0';
	if (!*code)
		snprintf(code, sizeof code, "unspecified");
	for (int i = 0; i < a->nreasons; i++)
		if (!strcmp(a->reasons[i].code, code)) {
			a->reasons[i].n++;
			return;
		}
	if (a->nreasons < MAXREASONS) {
		snprintf(a->reasons[a->nreasons].code, sizeof code, "%s", code);
		a->reasons[a->nreasons++].n = 1;
	}
}

static void count_event(struct kpi_acc *a, sqlite3_stmt *st)
{
	const char *comp = bb_col_text(st, 0), *abo = bb_col_text(st, 1);
	const char *rhd = bb_col_text(st, 2), *event = bb_col_text(st, 3);
	const char *from = bb_col_text(st, 4), *to = bb_col_text(st, 5);
	double u = sqlite3_column_double(st, 7);
	int issue = !strcmp(event, "issue") || !strcmp(to, "issued");

	if (!*from) {
		a->received++;
		a->received_u += u;
		if (!strcmp(comp, "WB"))
			a->received_wb_u += u;
	}
	if (issue) {
		a->issued++;
		if (!strcmp(abo, "O") && !strcmp(rhd, "neg"))
			a->issued_oneg++;
		if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
			a->neg_issues++;
			a->neg_days += sqlite3_column_double(st, 8);
		}
	}
	if (!strcmp(to, "discarded")) {
		a->discarded++;
		add_reason(a, bb_col_text(st, 6));
	}
	if (!strcmp(to, "expired"))
		a->expired++;
	if (!strcmp(to, "returned") || !strcmp(event, "return"))
		a->returned++;
}

static void bind_period(sqlite3_stmt *st, bb_time from, bb_time to)
{
	char a[17], b[17];
	sqlite3_bind_text(st, 1, bb_fmt_time(from, a), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, bb_fmt_time(to, b), -1, SQLITE_TRANSIENT);
}

static int count_schema(struct bb_ctx *ctx, struct kpi_acc *acc,
			const char *schema, bb_time from, bb_time to)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = stock_prepare(ctx, events_sql, schema)))
		return BB_ESYS;
	bind_period(st, from, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int c = comp_index(bb_col_text(st, 0));
		if (c >= 0)
			count_event(&acc[c], st);
		count_event(&acc[ALL], st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return bb_db_error(ctx, "kpi events");

	if (!(st = stock_prepare(ctx, xm_sql, schema)))
		return BB_ESYS;
	bind_period(st, from, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int c = comp_index(bb_col_text(st, 0));
		long n = sqlite3_column_int64(st, 1);
		if (c >= 0)
			acc[c].xm += n;
		acc[ALL].xm += n;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return bb_db_error(ctx, "kpi crossmatches");

	if (!(st = stock_prepare(ctx, tx_sql, schema)))
		return BB_ESYS;
	bind_period(st, from, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int c = comp_index(bb_col_text(st, 0));
		long n = sqlite3_column_int64(st, 1);
		long e = sqlite3_column_int64(st, 2);
		if (c >= 0) {
			acc[c].transfused += n;
			acc[c].emergency += e;
		}
		acc[ALL].transfused += n;
		acc[ALL].emergency += e;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? BB_OK : bb_db_error(ctx, "kpi transfusions");
}

struct kpi_out {
	struct bb_writer *w;
	const char *from, *to;
};

/* One KPI row; den < 0: a plain count (value = num). */
static void put(struct kpi_out *o, const char *kpi, const char *comp,
		const char *detail, const char *unit, double num, double den,
		double scale)
{
	char v[32] = "", n[32], d[32] = "";
	const char *vals[9];

	snprintf(n, sizeof n, "%.10g", num);
	if (den < 0) {
		snprintf(v, sizeof v, "%.10g", num);
	} else {
		snprintf(d, sizeof d, "%.10g", den);
		if (den > 0)
			snprintf(v, sizeof v, "%.2f", num / den * scale);
	}
	vals[0] = kpi; vals[1] = comp; vals[2] = detail; vals[3] = v;
	vals[4] = unit; vals[5] = n; vals[6] = d; vals[7] = o->from;
	vals[8] = o->to;
	bb_writer_row(o->w, vals);
}

static int reason_cmp(const void *pa, const void *pb)
{
	const struct reason_count *a = pa, *b = pb;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return strcmp(a->code, b->code);
}

static void put_component(struct kpi_out *o, struct kpi_acc *a, int c)
{
	const char *cn = comp_names[c];
	int red = c == 0 || c == 1 || c == ALL;

	put(o, "received", cn, "", "units", a->received, -1, 1);
	put(o, "issued", cn, "", "units", a->issued, -1, 1);
	put(o, "discard_rate", cn, "", "%", a->discarded, a->received, 100);
	if (a->nreasons > 1)
		qsort(a->reasons, a->nreasons, sizeof *a->reasons, reason_cmp);
	for (int i = 0; i < a->nreasons; i++)
		put(o, "discard_reason", cn, a->reasons[i].code, "%",
		    a->reasons[i].n, a->discarded, 100);
	put(o, "outdate_rate", cn, "", "%", a->expired, a->received, 100);
	put(o, "wastage_of_issues", cn, "", "%", a->discarded + a->expired,
	    a->issued, 100);
	if (c == 2)
		put(o, "platelets_within_shelf_life", cn, "", "%", a->issued,
		    a->issued + a->expired, 100);
	put(o, "rhd_neg_turnover", cn, "", "days", a->neg_days,
	    a->neg_issues, 1);
	if (c == ALL)
		put(o, "component_preparation_rate", cn, "", "%",
		    a->received_u - a->received_wb_u, a->received_u, 100);
	if (red) {
		put(o, "crossmatch_to_transfusion", cn, "", "ratio", a->xm,
		    a->transfused, 1);
		put(o, "o_neg_share_of_issues", cn, "", "%", a->issued_oneg,
		    a->issued, 100);
	}
	put(o, "emergency_releases", cn, "", "units", a->emergency, -1, 1);
	put(o, "returns", cn, "", "%", a->returned, a->issued, 100);
}

int stock_cmd_kpi(struct bb_ctx *ctx, int argc, char **argv)
{
	static const char *const cols[] =
		{ "kpi", "component", "detail", "value", "unit", "numerator",
		  "denominator", "from", "to" };
	const char *from_arg = NULL, *to_arg = NULL, *why;
	struct bb_opt opts[] = {
		{ "from", 0, BB_ARG, &from_arg, NULL,
		  "--from DATE    start of the period (default: 28 days ago)" },
		{ "to", 0, BB_ARG, &to_arg, NULL,
		  "--to DATE      end of the period, exclusive (default: now)" },
		BB_OPT_END
	};
	struct kpi_acc *acc;
	struct kpi_out o;
	bb_time from, to;
	char fbuf[17], tbuf[17];
	int rc, nschema;

	rc = bb_args_no_files(ctx, argc, argv, opts, NULL);
	if (rc == -1)
		return BB_OK;
	if (rc != BB_OK)
		return rc;
	if (ctx->format_arg && strcmp(ctx->format_arg, "csv") &&
	    strcmp(ctx->format_arg, "tsv") && strcmp(ctx->format_arg, "json"))
		return bb_usage_error(ctx, "kpi writes csv, tsv or json, not"
				      " '%s'", ctx->format_arg);
	if (ctx->format_arg)
		ctx->out_fmt = !strcmp(ctx->format_arg, "tsv") ? BB_FMT_TSV :
			!strcmp(ctx->format_arg, "json") ? BB_FMT_JSON :
			BB_FMT_CSV;
	to = ctx->now;
	if (to_arg && bb_parse_time(to_arg, &to, &why) != 0)
		return bb_usage_error(ctx, "bad --to '%s': %s", to_arg, why);
	from = to - 28 * BB_DAY;
	if (from_arg && bb_parse_time(from_arg, &from, &why) != 0)
		return bb_usage_error(ctx, "bad --from '%s': %s", from_arg, why);
	if (from >= to)
		return bb_usage_error(ctx, "empty period: --from '%s' is not"
				      " before --to '%s'", bb_fmt_time(from, fbuf),
				      bb_fmt_time(to, tbuf));

	if ((rc = bb_db_open(ctx, BB_DB_READ)) != BB_OK)
		return rc;
	if ((nschema = stock_attach(ctx)) < 0)
		return BB_ESYS;
	acc = calloc(NCOMP, sizeof *acc);
	if (!acc)
		return BB_ESYS;
	for (int i = 0; i < nschema && rc == BB_OK; i++) {
		char schema[16];
		rc = count_schema(ctx, acc, stock_schema(i, schema), from, to);
	}
	if (rc == BB_OK) {
		o.from = bb_fmt_time(from, fbuf);
		o.to = bb_fmt_time(to, tbuf);
		o.w = bb_writer_open(ctx, cols, 9);
		if (!o.w) {
			rc = BB_ESYS;
		} else {
			for (int c = 0; c < NCOMP; c++)
				if (c == ALL || acc[c].received ||
				    acc[c].issued || acc[c].discarded ||
				    acc[c].expired || acc[c].xm ||
				    acc[c].transfused)
					put_component(&o, &acc[c], c);
			rc = bb_writer_close(o.w);
		}
	}
	free(acc);
	return rc;
}
