/*
 * fc_plan.c - forecast plan: collections needed per blood group and day,
 * and the donors to recall for them.
 *
 * For each ABO/RhD group of the component: forecast the daily issues of
 * the plan window, start from the live stock (available + quarantine,
 * not expired), take off each day's forecast demand and the units that
 * expire that day, and whenever the stock would fall below the target
 * (target_days of rule_stock_targets x the mean forecast demand) collect
 * the difference, `--lead` days before it is needed (testing and
 * processing).  Donors to recall = collections / yield /
 * ((1 - deferral rate) (1 - no-show rate)), rounded up.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc_cmd.h"

#define MAXG 16

struct group {
	char abo[3], rhd[4];
	int ser;		/* series index, -1 when no issue history */
	double stock;
	double *expiring;	/* per plan day */
};

/* Live stock of the region: one row per unit (DIN + product code) over
 * the --db files, so a unit found in two files counts once.  ?1
 * component, ?2 now. */
static const char stock_head[] =
	"SELECT coalesce(abo, ''), coalesce(rhd, ''), substr(x, 1, 10),"
	" count(*) FROM (SELECT max(abo) AS abo, max(rhd) AS rhd,"
	" min(expires_at) AS x FROM (";
static const char stock_member[] =
	"SELECT din, product_code AS pc, abo, rhd, expires_at FROM %S.units"
	" WHERE component = ?1 AND status IN ('available', 'quarantine')"
	" AND " BB_SQL_EXPIRY("expires_at") " > ?2";
static const char stock_tail[] = ") GROUP BY din, pc) GROUP BY 1, 2, 3";
/* one file: each unit once already */
static const char stock_head1[] =
	"SELECT coalesce(abo, ''), coalesce(rhd, ''), substr(expires_at, 1, 10),"
	" count(*) FROM (";
static const char stock_tail1[] = ") GROUP BY 1, 2, 3";

static const char target_sql[] =
	"SELECT target_days FROM rule_stock_targets WHERE component = ?1"
	" AND abo IN (?2, '*') AND rhd IN (?3, '*') AND target_days IS NOT NULL"
	" ORDER BY (abo = '*') + (rhd = '*') LIMIT 1";

static double default_target(const char *comp)
{
	if (!strcmp(comp, "PLT"))
		return 3;
	if (!strcmp(comp, "FFP") || !strcmp(comp, "FP") || !strcmp(comp, "CRYO"))
		return 14;
	return 6;		/* red cells, whole blood: NHSBT's 6 days */
}

static const char *kind_of(const char *comp)
{
	if (!strcmp(comp, "PLT"))
		return "PLT";
	if (!strcmp(comp, "FFP") || !strcmp(comp, "FP"))
		return "PLS";
	return "WB";
}

static int find_group(struct group *g, int *ng, const char *abo,
		      const char *rhd, int ndays)
{
	for (int i = 0; i < *ng; i++)
		if (!strcmp(g[i].abo, abo) && !strcmp(g[i].rhd, rhd))
			return i;
	if (*ng == MAXG)
		return -1;
	struct group *n = &g[(*ng)++];
	memset(n, 0, sizeof *n);
	snprintf(n->abo, sizeof n->abo, "%s", abo);
	snprintf(n->rhd, sizeof n->rhd, "%s", rhd);
	n->ser = -1;
	n->expiring = calloc((size_t)ndays, sizeof(double));
	if (!n->expiring)
		abort();
	return *ng - 1;
}

/* "RBC:O+" -> abo "O", rhd "pos" */
static int split_name(const char *name, const char *comp, char abo[3],
		      char rhd[4])
{
	size_t l = strlen(comp);
	if (strncmp(name, comp, l) || name[l] != ':')
		return -1;
	const char *g = name + l + 1;
	size_t gl = strlen(g);
	if (gl < 1 || gl > 3)
		return -1;
	char last = g[gl - 1];
	snprintf(rhd, 4, "%s", last == '+' ? "pos" : last == '-' ? "neg" : "");
	if (last == '+' || last == '-')
		gl--;
	snprintf(abo, 3, "%.*s", (int)gl, g);
	return 0;
}

static int group_rank(const struct group *g)
{
	static const char *const order[] = { "O", "A", "B", "AB" };
	int r = 4;
	for (int i = 0; i < 4; i++)
		if (!strcmp(g->abo, order[i]))
			r = i;
	return r * 3 + (!strcmp(g->rhd, "pos") ? 0 : !strcmp(g->rhd, "neg") ? 1 : 2);
}

static int group_cmp(const void *a, const void *b)
{
	return group_rank(a) - group_rank(b);
}

static void recall_cmd(FILE *out, int on, const char *comp,
		       const struct group *gr, double need, double rate)
{
	char onb[11];
	if (need <= 0)
		return;
	fprintf(out, "donor-register recall --on %s --kind %s%s%s%s%s --limit %.0f\n",
		fc_day_str(on, onb), kind_of(comp), *gr->abo ? " --abo " : "",
		gr->abo, *gr->rhd ? " --rhd " : "", gr->rhd,
		ceil(need / rate - 1e-9));
}

static int parse_rate(struct bb_ctx *ctx, const char *opt, const char *s,
		      double lo, double hi, double *v)
{
	if (s && bb_parse_num(s, lo, hi, v) < 0)
		return bb_usage_error(ctx, "--%s '%s': want a number from %g to %g",
				      opt, s, lo, hi);
	return BB_OK;
}

int fc_cmd_plan(struct bb_ctx *ctx, int argc, char **argv)
{
	struct fc_common c = { 0 };
	const char *comp = "RBC", *days_s = NULL, *lead_s = NULL, *defer_s = NULL,
		   *noshow_s = NULL, *yield_s = NULL;
	int commands = 0, all = 0;
	const struct bb_opt opts[] = {
		FC_COMMON_OPTS(c),
		{ "method", 0, BB_ARG, &c.method, NULL,
		  "--method M        forecasting method (default auto)" },
		{ "component", 0, BB_ARG, &comp, NULL,
		  "--component C     RBC (default), WB, PLT, FFP, FP, CRYO" },
		{ "days", 0, BB_ARG, &days_s, NULL,
		  "--days N          days to plan (default 7)" },
		{ "lead", 0, BB_ARG, &lead_s, NULL,
		  "--lead N          days from collection to issuable (default 1)" },
		{ "deferral-rate", 0, BB_ARG, &defer_s, NULL,
		  "--deferral-rate R share of donors deferred at the session (default 0.1)" },
		{ "no-show", 0, BB_ARG, &noshow_s, NULL,
		  "--no-show R       share of recalled donors who do not come (default 0.5)" },
		{ "yield", 0, BB_ARG, &yield_s, NULL,
		  "--yield U         units of the component per donation (default 1)" },
		{ "commands", 0, BB_NOARG, NULL, &commands,
		  "--commands        print donor-register recall command lines" },
		{ "all", 0, BB_NOARG, NULL, &all,
		  "--all             also the days and groups that need nothing" },
		BB_OPT_END
	};
	struct fc_data d = { 0 };
	struct group g[MAXG];
	int ng = 0, rc;
	long ndays = 7, lead = 1;
	double defer = 0.1, noshow = 0.5, yield = 1;

	rc = bb_args_no_files(ctx, argc, argv, opts, "plan reads the database");
	if (rc == -1)
		return BB_OK;
	if (rc != BB_OK)
		return rc;
	if (strcmp(comp, "RBC") && strcmp(comp, "WB") && strcmp(comp, "PLT") &&
	    strcmp(comp, "FFP") && strcmp(comp, "FP") && strcmp(comp, "CRYO"))
		return bb_usage_error(ctx, "--component '%s': want WB, RBC, PLT, "
				      "FFP, FP or CRYO", comp);
	if (days_s && bb_parse_int(days_s, 1, 366, &ndays) < 0)
		return bb_usage_error(ctx, "--days '%s': want 1 to 366", days_s);
	if (lead_s && bb_parse_int(lead_s, 0, 30, &lead) < 0)
		return bb_usage_error(ctx, "--lead '%s': want 0 to 30 days", lead_s);
	if ((rc = parse_rate(ctx, "deferral-rate", defer_s, 0, 0.95, &defer)) ||
	    (rc = parse_rate(ctx, "no-show", noshow_s, 0, 0.95, &noshow)) ||
	    (rc = parse_rate(ctx, "yield", yield_s, 0.1, 10, &yield)))
		return rc;
	if (c.freq && !strcmp(c.freq, "month"))
		return bb_usage_error(ctx, "--freq month: plan works day by day "
				      "on the database's issues (see --days)");
	c.from = "issues";
	if ((rc = fc_common_parse(ctx, &c, (int)ndays)) != BB_OK)
		goto out;
	c.weekly = 0;
	c.h = (int)ndays;
	if ((rc = fc_data_load(ctx, &c, NULL, 0, &d)) != BB_OK)
		goto out;

	int today = (int)(ctx->now / BB_DAY);
	if (c.origin_day >= 0)
		today = c.origin_day + 1;
	char nowbuf[17];
	bb_fmt_time(c.origin_day >= 0 ? (bb_time)today * BB_DAY : ctx->now, nowbuf);
	for (int k = 0; k < d.ns; k++) {
		char abo[3], rhd[4];
		if (split_name(d.s[k].name, comp, abo, rhd))
			continue;
		int i = find_group(g, &ng, abo, rhd, (int)ndays);
		if (i >= 0)
			g[i].ser = k;
	}
	sqlite3_stmt *st = ctx->ndb_extra ?
		fc_db_prepare(ctx, stock_head, stock_member, stock_tail) :
		fc_db_prepare(ctx, stock_head1, stock_member, stock_tail1);
	if (!st) {
		rc = BB_ESYS;
		goto out_g;
	}
	sqlite3_bind_text(st, 1, comp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, nowbuf, -1, SQLITE_STATIC);
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		int i = find_group(g, &ng, bb_col_text(st, 0), bb_col_text(st, 1),
				   (int)ndays);
		bb_time t;
		const char *why;
		if (i < 0)
			continue;
		double n = sqlite3_column_double(st, 3);
		g[i].stock += n;
		if (bb_parse_date(bb_col_text(st, 2), &t, &why) == 0) {
			int off = (int)(t / BB_DAY) - today;
			/* a unit expiring on day off is gone after it */
			if (off >= 0 && off + 1 < ndays)
				g[i].expiring[off + 1] += n;
		}
	}
	sqlite3_finalize(st);
	if (rc < 0) {
		rc = BB_ESYS;
		goto out_g;
	}
	rc = BB_OK;

	const char *cols[] = { "on", "kind", "abo", "rhd", "component", "need_by",
			       "demand", "stock", "expiring", "target", "collect",
			       "recall", "reason" };
	struct bb_writer *w = NULL;
	FILE *out = NULL;
	if (commands)
		out = bb_output_open(ctx);
	else
		w = bb_writer_open(ctx, cols, 13);
	if (!w && !out) {
		rc = BB_ESYS;
		goto out_g;
	}
	qsort(g, (size_t)ng, sizeof *g, group_cmp);
	double rate = yield * (1 - defer) * (1 - noshow);
	for (int i = 0; i < ng; i++) {
		struct group *gr = &g[i];
		double *dem = calloc((size_t)ndays, sizeof(double)), mean = 0;
		char model[96] = "none";
		if (!dem)
			abort();
		if (gr->ser >= 0) {
			const struct fc_ser *s = &d.s[gr->ser];
			struct fc_result r;
			int n = s->last - s->first + 1;
			if (n >= 2 && !fc_forecast(s->y + s->first, n,
						   d.day0 + s->first, (int)ndays,
						   &c.fo, &r)) {
				memcpy(dem, r.mean, sizeof(double) * ndays);
				snprintf(model, sizeof model, "%s", r.model);
				fc_result_free(&r);
			}
		}
		for (int j = 0; j < ndays; j++)
			mean += dem[j] / ndays;
		double tdays = default_target(comp);
		sqlite3_stmt *ts = bb_sql(ctx, target_sql, "sss", comp, gr->abo,
					  gr->rhd);
		if (ts && bb_step(ctx, ts) == SQLITE_ROW)
			tdays = sqlite3_column_double(ts, 0);
		if (ts)
			sqlite3_reset(ts);
		double target = ceil(tdays * mean), stock = gr->stock;
		int pend_on = -1;
		double pend_need = 0;
		for (int j = 0; j < ndays; j++) {
			double start = stock;
			stock -= dem[j] + gr->expiring[j];
			double need = target - stock > 0 ? ceil(target - stock - 1e-9) : 0;
			stock += need;
			if (need <= 0 && !all)
				continue;
			int on = today + j - (int)lead;
			const char *late = on < today ? ";late" : "";
			if (on < today)
				on = today;
			double recall = need > 0 ? ceil(need / rate - 1e-9) : 0;
			char onb[11], nb[11], v[6][32], reason[320];
			fc_day_str(on, onb);
			fc_day_str(today + j, nb);
			snprintf(v[0], 32, "%.1f", dem[j]);
			snprintf(v[1], 32, "%.0f", start);
			snprintf(v[2], 32, "%.0f", gr->expiring[j]);
			snprintf(v[3], 32, "%.0f", target);
			snprintf(v[4], 32, "%.0f", need);
			snprintf(v[5], 32, "%.0f", recall);
			snprintf(reason, sizeof reason,
				 "plan:%.8s:%.2s%s:target=%gd*%.1f/d:lead=%ldd%s;%.96s",
				 comp, gr->abo, !strcmp(gr->rhd, "pos") ? "+" :
				 !strcmp(gr->rhd, "neg") ? "-" : "", tdays, mean,
				 lead, late, model);
			if (out) {
				/* one campaign per group and day: add up the needs */
				if (pend_on >= 0 && pend_on != on)
					recall_cmd(out, pend_on, comp, gr, pend_need, rate);
				if (pend_on != on)
					pend_need = 0;
				pend_on = on;
				pend_need += need;
			} else {
				const char *row[] = { onb, kind_of(comp), gr->abo, gr->rhd,
						      comp, nb, v[0], v[1], v[2], v[3],
						      v[4], v[5], reason };
				bb_writer_row(w, row);
			}
		}
		if (out && pend_on >= 0 && pend_need > 0)
			recall_cmd(out, pend_on, comp, gr, pend_need, rate);
		free(dem);
	}
	rc = w ? bb_writer_close(w) : bb_output_close(ctx, out);
out_g:
	for (int i = 0; i < ng; i++)
		free(g[i].expiring);
	fc_data_free(&d);
out:
	fc_common_free(&c);
	return rc;
}
