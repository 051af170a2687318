/*
 * stock.h - stock-report and expiry-sweep: stock lines, alert levels,
 * KPIs, charts and the nightly sweep.
 */
#ifndef STOCK_H
#define STOCK_H

#include "bb.h"

/* Alert level of a stock line (stock_level.c). */
enum stock_level { LEVEL_NONE = -1, LEVEL_OK = 0, LEVEL_LOW, LEVEL_CRITICAL };

/* One row of rule_stock_targets; abo and rhd may be "*". */
struct stock_target {
	char component[8];
	char abo[4];
	char rhd[4];
	double target, low, critical;
	int has_target;		/* target_days not empty */
};

struct stock_targets {
	struct stock_target *v;
	int n, cap;
};

void stock_targets_add(struct stock_targets *ts, const struct stock_target *t);
void stock_targets_free(struct stock_targets *ts);
/* Load rule_stock_targets of the main database. */
int stock_targets_load(struct bb_ctx *ctx, struct stock_targets *ts);
/* The profile's built-in table (rules/PROFILE/stock_targets.csv). */
int stock_targets_builtin(struct bb_ctx *ctx, const char *profile,
			  struct stock_targets *ts);
/* The most specific row for a group (exact abo/rhd beat "*"), or NULL. */
const struct stock_target *stock_target_find(const struct stock_targets *ts,
					     const char *component,
					     const char *abo, const char *rhd);
/* Level of `days` of supply against a target row; days < 0 means
 * "no demand" (infinite supply): ok.  No row: LEVEL_NONE. */
enum stock_level stock_level_of(const struct stock_target *t, double days);
const char *stock_level_name(enum stock_level l);	/* "ok", "" ... */

/* Canonical sort keys: WB RBC PLT FFP FP CRYO; O A B AB; neg pos. */
int stock_component_rank(const char *c);
int stock_abo_rank(const char *abo);
int stock_rhd_rank(const char *rhd);

/* A stock line (Appendix A) or, for `levels`, a days-of-supply figure. */
struct stock_line {
	char component[8];
	char abo[4];
	char rhd[4];
	char *site;		/* "" unless --by-site / a site column */
	char *date;		/* "" unless `levels` input had a date */
	long available, reserved, quarantine, exp24, exp72;
	long issues;		/* issue events in the window */
	double issues_per_day;
	double days;		/* days of supply; < 0: no demand */
	int has_target;
	double target;
	int has_rule;		/* a rule_stock_targets row applies */
	double low, critical;	/* its thresholds */
	enum stock_level level;
};

struct stock_report {
	struct stock_line *v;
	int n, cap;
	int by_site;		/* output a site column */
	int counts;		/* lines carry stock counts (not `levels`) */
	int dates;		/* output a date column (`levels`) */
	char when[32];		/* "2026-11-22 08:00" */
	char window[24];	/* "28d" */
	char rules[64];		/* rule-set name */
};

/* Find or append the line of a group (linear: a report has few lines). */
struct stock_line *stock_line_get(struct stock_report *rep,
				  const char *component, const char *abo,
				  const char *rhd, const char *site,
				  const char *date);
void stock_report_sort(struct stock_report *rep);
/* Fill target and level of every line from the target table. */
void stock_report_levels(struct stock_report *rep,
			 const struct stock_targets *ts);
int stock_report_any_critical(const struct stock_report *rep);
void stock_report_free(struct stock_report *rep);
/* "2.35", "" for no demand. */
char *stock_fmt_days(double d, char buf[static 32]);

/* --format NAME is one of text csv tsv json svg html (usage error). */
int stock_format_check(struct bb_ctx *ctx);

/* Output in ctx->format_arg: text csv tsv json svg html (stock_out.c). */
int stock_report_write(struct bb_ctx *ctx, const struct stock_report *rep);

/* Charts (chart.c): days of supply as bars against the thresholds. */
void chart_svg(FILE *fp, const struct stock_report *rep);
void chart_html(FILE *fp, const struct stock_report *rep);
/* More than one date: the series chart (chart_series.c). */
int chart_is_series(const struct stock_report *rep);
void chart_series_body(FILE *fp, const struct stock_report *rep);
/* <defs> of the level fill patterns lv-ok, lv-low, lv-critical, lv-none. */
void chart_defs(FILE *fp);
/* XML-escape s onto fp. */
void chart_xml_put(FILE *fp, const char *s);

/* Subcommands. */
int stock_cmd_report(struct bb_ctx *ctx, int argc, char **argv);
int stock_cmd_levels(struct bb_ctx *ctx, int argc, char **argv);
int stock_cmd_kpi(struct bb_ctx *ctx, int argc, char **argv);
int sweep_cmd_run(struct bb_ctx *ctx, int argc, char **argv);

/* Database helpers shared by the stock programs (stock_db.c). */
/* ATTACH every --db after the first, read-only, as db1, db2...;
 * returns the number of schemas (main included) or -1. */
int stock_attach(struct bb_ctx *ctx);
/* Schema name of the i-th database: "main", "db1"... */
const char *stock_schema(int i, char buf[static 16]);
/* Prepare SQL whose text holds "%S" for a schema name (not from input:
 * the names are ours).  Caller finalizes. */
sqlite3_stmt *stock_prepare(struct bb_ctx *ctx, const char *tmpl,
			    const char *schema);

#endif
