/*
 * fc_cmd.h - the forecast program's subcommands (forecast, backtest,
 * plan) and what they share: options, series input, calendars, charts.
 */
#ifndef FC_CMD_H
#define FC_CMD_H

#include "bb.h"
#include "fc.h"

int fc_cmd_forecast(struct bb_ctx *ctx, int argc, char **argv);
int fc_cmd_backtest(struct bb_ctx *ctx, int argc, char **argv);
int fc_cmd_plan(struct bb_ctx *ctx, int argc, char **argv);

/* One series over the common day range of a data set; NAN = no value.
 * With --freq month the steps are calendar months: day0 and the indexes
 * count months (fc_month_of_day), not days. */
struct fc_ser {
	char name[64];
	double *y;
	int first, last;	/* indexes of the first and last values */
};
struct fc_data {
	int day0, nd;		/* day number of y[0], days covered */
	int ns;
	struct fc_ser *s;
};
void fc_data_free(struct fc_data *d);

/* Options shared by the subcommands (pointers are option arguments). */
struct fc_common {
	const char *horizon, *freq, *method, *level, *holidays, *from;
	const char *series, *svg, *origin, *value_col, *series_col, *train;
	/* parsed */
	int h;			/* periods of freq */
	int weekly;
	int monthly;		/* --freq month, or monthly dates without --freq */
	enum fc_method meth;
	struct fc_opts fo;
	struct fc_cal cal;
	int have_cal;
	int origin_day;		/* -1: none */
};
#define FC_COMMON_OPTS(c)						\
	{ "horizon", 0, BB_ARG, &(c).horizon, NULL,			\
	  "--horizon N       periods ahead (default 28 days, 12 weeks or 12 months)" }, \
	{ "freq", 0, BB_ARG, &(c).freq, NULL,				\
	  "--freq F          day, week (7-day sums) or month (calendar months;\n" \
	  "                    default: month when the dates are, else day)" }, \
	{ "level", 0, BB_ARG, &(c).level, NULL,				\
	  "--level L1,L2     interval levels in % (default 80,95)" },	\
	{ "holidays", 0, BB_ARG, &(c).holidays, NULL,			\
	  "--holidays CAL    cn, my, none or a FILE (date,name,days)" }, \
	{ "from", 0, BB_ARG, &(c).from, NULL,				\
	  "--from SRC        issues or collections from the database (several\n" \
	  "                    --db: the region's sum, each unit once)" }, \
	{ "series", 0, BB_ARG, &(c).series, NULL,			\
	  "--series LIST     only these series (comma list)" },	\
	{ "origin", 0, BB_ARG, &(c).origin, NULL,			\
	  "--origin DATE     use the history up to DATE only" },	\
	{ "value-col", 0, BB_ARG, &(c).value_col, NULL,		\
	  "--value-col NAME  input column holding the value (default value)" }, \
	{ "series-col", 0, BB_ARG, &(c).series_col, NULL,		\
	  "--series-col NAME input column naming the series (default series)" }, \
	{ "train", 0, BB_ARG, &(c).train, NULL,			\
	  "--train N         at most N days (months) of history (default: model's)" }

/* Parse the shared options (after bb_args).  BB_OK or BB_EUSAGE. */
int fc_common_parse(struct bb_ctx *ctx, struct fc_common *c, int default_h);
void fc_common_free(struct fc_common *c);
/* Read the series: from the database (--from) or the FILE operands /
 * stdin.  Returns BB_OK, BB_EROWS (some rows rejected), BB_ESYS. */
int fc_data_load(struct bb_ctx *ctx, struct fc_common *c, char **files,
		 int nfiles, struct fc_data *d);
/* fc_db.c: open the --db files, the first as main, the others attached
 * as db1, db2... and only read.  BB_OK or BB_ESYS (reported). */
int fc_db_open(struct bb_ctx *ctx);
/* Prepare head + member (once per file, "%S" = its schema, joined by
 * UNION ALL) + tail.  NULL on error (reported). */
sqlite3_stmt *fc_db_prepare(struct bb_ctx *ctx, const char *head,
			    const char *member, const char *tail);
/* "YYYY-MM-DD" of a day number. */
char *fc_day_str(int day, char buf[static 11]);
/* Calendar months as step numbers (year * 12 + month - 1) and back to
 * the month's first day. */
int fc_month_of_day(int day);
/* The day number of a date "YYYY-MM-DD" or of a month "YYYY-MM" (its
 * first day): --origin, --origins.  -1 with *why. */
int fc_parse_day(const char *s, int *day, const char **why);
int fc_month_first_day(int month);
/* The date of step i of the data: the day, or the first of the month. */
char *fc_step_str(const struct fc_common *c, int i, char buf[static 11]);
/* With monthly data, --method calendar (day of week, holidays) is a
 * usage error.  BB_OK or BB_EUSAGE. */
int fc_month_methods(struct bb_ctx *ctx, const struct fc_common *c,
		     const enum fc_method *meths, int nm);
/* Chart of the series with their forecasts (fc_svg.c). */
int fc_svg_write(struct bb_ctx *ctx, const char *path,
		 const struct fc_data *d, const struct fc_result *r,
		 const int *last, const struct fc_common *c);

#endif
