/*
 * donor_defer.c - donor-register defer (record deferrals), results (test
 * results; a reactive marker defers the donor and discards the donation's
 * units) and lookback (earlier donations -> units -> where they are now ->
 * the patients who received them).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "donor.h"

static const char *const deferral_cols[] = {
	"donor_id", "code", "start", "until", "note", NULL
};
static const char *const deferral_req[] = { "donor_id", "code", "start", NULL };
static const char *const deferral_out[] = {
	"donor_id", "code", "start", "until", "note"
};

static const char SQL_DEFER[] =
	"INSERT INTO deferrals (donor_id, code, start, until, permanent, note, "
	"source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	"ON CONFLICT (donor_id, code, start) DO UPDATE SET "
	"until = excluded.until, permanent = excluded.permanent, "
	"note = coalesce(excluded.note, note)";
static const char SQL_DONOR_EXISTS[] = "SELECT 1 FROM donors WHERE donor_id = ?";

static int donor_exists(struct bb_ctx *ctx, const char *id)
{
	return bb_exists(ctx, SQL_DONOR_EXISTS, "s", id);
}

struct defer_state {
	struct elig_rules rules;
	struct bb_writer *w;
};

/*
 * Record one deferral.  until_in: "" = the code's default, "permanent",
 * or a date.  Returns BB_OK, BB_EROWS with *field and *why set, or BB_ESYS.
 */
static int record_deferral(struct bb_ctx *ctx, struct defer_state *s,
			   const char *id, const char *code_in,
			   const char *start_in, const char *until_in,
			   const char *note, const char *source,
			   const char **field, const char **why)
{
	const struct elig_code *c;
	char code[32], startb[11], untilb[11] = "";
	bb_time start, until = ELIG_NEVER;
	int perm, rc;
	size_t i;

	for (i = 0; code_in[i] && i < sizeof code - 1; i++)
		code[i] = (char)toupper((unsigned char)code_in[i]);
	code[i] = 0;
	if ((rc = donor_exists(ctx, id)) <= 0) {
		*field = "donor_id";
		*why = "unknown donor";
		return rc < 0 ? BB_ESYS : BB_EROWS;
	}
	if (!(c = elig_code_find(&s->rules, code))) {
		*field = "code";
		*why = "not in rule_deferral_codes";
		return BB_EROWS;
	}
	*field = "start";
	if (bb_parse_time(start_in, &start, why) < 0)
		return BB_EROWS;
	start = bb_day_start(start);
	if (!*until_in) {
		until = elig_deferral_until(c, start);
	} else if (!strcmp(until_in, "permanent")) {
		until = ELIG_NEVER;
	} else {
		*field = "until";
		if (bb_parse_time(until_in, &until, why) < 0)
			return BB_EROWS;
		until = bb_day_start(until);
		if (until <= start) {
			*why = "not after start";
			return BB_EROWS;
		}
	}
	perm = until == ELIG_NEVER;
	if (!perm)
		bb_fmt_date(until, untilb);
	bb_fmt_date(start, startb);
	if (bb_exec(ctx, SQL_DEFER, "ssssIss", id, code, startb, untilb, perm,
		    note, source) != BB_OK)
		return BB_ESYS;
	if (s->w) {
		const char *row[] = { id, code, startb, perm ? "permanent" : untilb,
				      note };
		bb_writer_row(s->w, row);
	}
	return BB_OK;
}

static int defer_row(struct bb_ctx *ctx, struct bb_reader *r,
		     struct bb_rec *rec, void *arg)
{
	const char *field = "", *why = "";
	int rc = record_deferral(ctx, arg, bb_get(r, rec, "donor_id"),
				 bb_get(r, rec, "code"), bb_get(r, rec, "start"),
				 bb_get(r, rec, "until"), bb_get(r, rec, "note"),
				 "manual", &field, &why);

	if (rc == BB_EROWS)
		bb_reject(ctx, r, rec, field, why, bb_get(r, rec, field));
	return rc == BB_ESYS ? BB_ESYS : BB_OK;
}

int donor_defer(struct bb_ctx *ctx, int argc, char **argv)
{
	struct defer_state s = { 0 };
	const char *donor = NULL, *code = NULL, *start = NULL, *until = NULL;
	const char *note = NULL;
	const struct bb_opt opts[] = {
		{ "donor", 0, BB_ARG, &donor, NULL, "--donor ID        defer this donor (else deferral rows from FILE)" },
		{ "code", 0, BB_ARG, &code, NULL, "--code C          deferral code of rule_deferral_codes" },
		{ "start", 0, BB_ARG, &start, NULL, "--start DATE      first day (default: today)" },
		{ "until", 0, BB_ARG, &until, NULL, "--until DATE|permanent  end (default: the code's duration)" },
		{ "note", 0, BB_ARG, &note, NULL, "--note TEXT       free text" },
		BB_OPT_END
	};
	char today[11];
	int first, rc;

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc;
	if (donor && first < argc)
		return bb_usage_error(ctx, "give --donor or FILE, not both");
	if (donor && !code)
		return bb_usage_error(ctx, "--donor needs --code");
	if (!donor && (code || start || until || note))
		return bb_usage_error(ctx, "--code, --start, --until and --note "
				      "go with --donor");
	if (bb_db_open(ctx, BB_DB_WRITE) != BB_OK ||
	    elig_rules_load(ctx, &s.rules) != BB_OK)
		return BB_ESYS;
	if (!(s.w = bb_writer_open(ctx, deferral_out, 5))) {
		rc = BB_ESYS;
		goto out;
	}
	if (donor && bb_db_begin(ctx) != BB_OK) {
		rc = BB_ESYS;
	} else if (donor) {
		const char *field = "", *why = "";
		rc = record_deferral(ctx, &s, donor, code,
				     start ? start : bb_fmt_date(ctx->now, today),
				     until ? until : "", note ? note : "",
				     "manual", &field, &why);
		if (rc == BB_EROWS) {
			const char *v = !strcmp(field, "donor_id") ? donor :
				!strcmp(field, "code") ? code :
				!strcmp(field, "start") ? start : until;
			bb_err(ctx, "--%s '%s': %s", !strcmp(field, "donor_id") ?
			       "donor" : field, v ? v : "", why);
			ctx->nrejected++;
			rc = BB_OK;
		}
	} else {
		rc = bb_each_record(ctx, argc, argv, first, deferral_cols,
				    deferral_req, BB_EACH_BEGIN, defer_row, &s);
	}
	if (bb_writer_close(s.w) != BB_OK && rc == BB_OK)
		rc = BB_ESYS;
	rc = donor_finish(ctx, rc);
out:
	elig_rules_free(&s.rules);
	return rc;
}

/* -------------------------------------------------------------- lookback */

static const char *const lookback_out[] = {
	"donor_id", "din", "collected_at", "kind", "product_code", "component",
	"status", "location", "patient_id", "issued_at", "reaction", "action"
};

static const char SQL_LOOKBACK[] =
	"SELECT dn.donor_id, dn.din, dn.collected_at, dn.kind, u.product_code, "
	"u.component, u.status, u.location, t.patient_id, t.issued_at, "
	"t.reaction FROM donations dn "
	"LEFT JOIN units u ON u.din = dn.din "
	"LEFT JOIN transfusions t ON t.din = u.din AND t.product_code = u.product_code "
	"WHERE dn.donor_id = ?1 AND dn.collected_at >= ?2 AND dn.collected_at <= ?3 "
	"ORDER BY dn.collected_at DESC, u.product_code, t.issued_at";
static const char SQL_DIN[] =
	"SELECT donor_id, collected_at FROM donations WHERE din = ?";
static const char SQL_LATEST[] =
	"SELECT max(collected_at) FROM donations WHERE donor_id = ?";

/* What the lookback asks of a unit in this status (21 CFR 610.46 logic). */
static const char *lookback_action(const char *status, const char *patient)
{
	if (!*status)
		return "none";
	if (*patient || !strcmp(status, "issued") || !strcmp(status, "transfused"))
		return "notify-physician";
	if (!strcmp(status, "shipped"))
		return "notify-consignee";
	if (!strcmp(status, "quarantine") || !strcmp(status, "available") ||
	    !strcmp(status, "reserved") || !strcmp(status, "returned"))
		return "quarantine";
	return "none";	/* discarded, expired, modified */
}

/* Write the lookback of donor `id` for donations in [at - window, at]. */
static int lookback_rows(struct bb_ctx *ctx, struct bb_writer *w,
			 const char *id, bb_time at, struct bb_dur window)
{
	sqlite3_stmt *st = bb_sql(ctx, SQL_LOOKBACK, "stt", id,
				  bb_add_dur(at, window, -1), at);
	int rc;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		const char *row[12];
		for (int i = 0; i < 11; i++)
			row[i] = bb_col_text(st, i);
		row[11] = lookback_action(row[6], row[8]);
		bb_writer_row(w, row);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

/* "12m" means 12 months here (a minute-long window makes no sense). */
static int parse_window(const char *s, struct bb_dur *d, const char **why)
{
	size_t n = strlen(s);

	if (n >= 2 && s[n - 1] == 'm' && isdigit((unsigned char)s[n - 2])) {
		long v;
		char num[16];
		if (n - 1 >= sizeof num)
			return -1;
		memcpy(num, s, n - 1);
		num[n - 1] = 0;
		if (bb_parse_int(num, 1, 1200, &v) < 0) {
			*why = "not a number of months";
			return -1;
		}
		d->n = (int)v;
		d->unit = BB_MONTH;
		return 0;
	}
	return bb_parse_dur(s, d, why);
}

/* Donor and index time of a DIN: 1 found, 0 not, -1 error. */
static int din_donation(struct bb_ctx *ctx, const char *din, char *id,
			size_t n, bb_time *at)
{
	sqlite3_stmt *st = bb_sql(ctx, SQL_DIN, "s", din);
	const char *why;
	int rc;

	if (!st)
		return -1;
	rc = bb_step(ctx, st);
	if (rc == SQLITE_ROW) {
		snprintf(id, n, "%s", bb_col_text(st, 0));
		bb_parse_time(bb_col_text(st, 1), at, &why);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int donor_lookback(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *donor = NULL, *din = NULL, *win = NULL, *why = "";
	const struct bb_opt opts[] = {
		{ "donor", 0, BB_ARG, &donor, NULL, "--donor ID        from the donor's latest donation" },
		{ "din", 0, BB_ARG, &din, NULL, "--din DIN         from this donation" },
		{ "window", 0, BB_ARG, &win, NULL, "--window DUR      how far back (default 12m = 12 months)" },
		BB_OPT_END
	};
	struct bb_dur window;
	struct bb_writer *w;
	char id[64], wbuf[24];
	bb_time at = 0;
	int first, rc, got;

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc;
	if (first < argc)
		return bb_usage_error(ctx, "lookback takes no FILE operands");
	if (!donor == !din)
		return bb_usage_error(ctx, "lookback needs --donor ID or --din DIN");
	if (bb_db_open(ctx, BB_DB_READ) != BB_OK)
		return BB_ESYS;
	if (!win)
		win = bb_setting(ctx, "lookback_window", "12mo", wbuf, sizeof wbuf);
	if (parse_window(win, &window, &why) < 0)
		return bb_usage_error(ctx, "--window '%s': %s", win, why);
	if (din) {
		got = din_donation(ctx, din, id, sizeof id, &at);
	} else {
		sqlite3_stmt *st = bb_sql(ctx, SQL_LATEST, "s", donor);
		if (!st)
			return BB_ESYS;
		got = bb_step(ctx, st) == SQLITE_ROW && *bb_col_text(st, 0);
		if (got)
			bb_parse_time(bb_col_text(st, 0), &at, &why);
		sqlite3_reset(st);
		snprintf(id, sizeof id, "%s", donor);
	}
	if (got < 0)
		return BB_ESYS;
	if (!got) {
		if (din)
			bb_err(ctx, "no donation with DIN '%s'", din);
		else
			bb_err(ctx, "donor '%s' has no donations", donor);
		return BB_EROWS;
	}
	if (!(w = bb_writer_open(ctx, lookback_out, 12)))
		return BB_ESYS;
	rc = lookback_rows(ctx, w, id, at, window);
	if (bb_writer_close(w) != BB_OK)
		rc = BB_ESYS;
	return rc;
}

/* --------------------------------------------------------------- results */

static const char *const result_cols[] = {
	"din", "marker", "result", "tested_at", NULL
};
static const char *const result_req[] = { "din", "marker", "result", NULL };

struct marker {
	char name[16];
	int numeric;
	double above;
	char code[32];
	int discard;
};

struct results_state {
	struct defer_state def;
	struct marker *m;
	int nm;
	struct bb_writer *lookback;
	struct bb_dur window;
	char **done;		/* DINs whose lookback was printed */
	int ndone;
	long discarded;
};

static const char SQL_MARKERS[] =
	"SELECT marker, reactive_above, deferral_code, discard FROM rule_markers";
static const char SQL_DONATION[] =
	"SELECT dn.donor_id, dn.collected_at, d.abo, d.rhd FROM donations dn "
	"JOIN donors d ON d.donor_id = dn.donor_id WHERE dn.din = ?";
static const char SQL_RESULT[] =
	"INSERT INTO test_results (din, marker, result, reactive, tested_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (din, marker, tested_at) "
	"DO UPDATE SET result = excluded.result, reactive = excluded.reactive";
static const char SQL_SET_GROUP[] =
	"UPDATE donors SET abo = coalesce(abo, ?2), rhd = coalesce(rhd, ?3), "
	"updated_at = ?4 WHERE donor_id = ?1";
static const char SQL_LIVE_UNITS[] =
	"SELECT product_code FROM units WHERE din = ? AND status IN "
	"('quarantine','available','reserved','returned')";

static int load_markers(struct bb_ctx *ctx, struct results_state *s)
{
	sqlite3_stmt *st = bb_sql(ctx, SQL_MARKERS, "");
	int rc, a = 0;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		struct marker *m;
		BB_GROW(s->m, s->nm, a, 16);
		m = &s->m[s->nm++];
		memset(m, 0, sizeof *m);
		snprintf(m->name, sizeof m->name, "%s", bb_col_text(st, 0));
		m->numeric = sqlite3_column_type(st, 1) != SQLITE_NULL;
		m->above = sqlite3_column_double(st, 1);
		snprintf(m->code, sizeof m->code, "%s", bb_col_text(st, 2));
		m->discard = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

static const struct marker *find_marker(const struct results_state *s,
					const char *name)
{
	for (int i = 0; i < s->nm; i++)
		if (bb_streq_ci(s->m[i].name, name))
			return &s->m[i];
	return NULL;
}

/* neg / pos / reactive in the spellings labs use; NULL if none. */
static const char *serology(const char *s)
{
	static const struct { const char *in, *out; } v[] = {
		{ "neg", "neg" }, { "negative", "neg" }, { "-", "neg" },
		{ "nonreactive", "neg" }, { "non-reactive", "neg" },
		{ "nr", "neg" }, { "阴性", "neg" },
		{ "pos", "pos" }, { "positive", "pos" }, { "+", "pos" },
		{ "阳性", "pos" }, { "reactive", "reactive" }, { "r", "reactive" },
		{ "有反应性", "reactive" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (bb_streq_ci(s, v[i].in))
			return v[i].out;
	return NULL;
}

static int discard_units(struct bb_ctx *ctx, struct results_state *s,
			 const char *din, const char *marker)
{
	sqlite3_stmt *st = bb_sql(ctx, SQL_LIVE_UNITS, "s", din);
	char **codes = NULL, reason[48], ref[64];
	int n = 0, rc;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		codes = bb_xrealloc(codes, (size_t)(n + 1) * sizeof *codes);
		codes[n++] = bb_xstrdup(bb_col_text(st, 0));
	}
	sqlite3_reset(st);
	snprintf(reason, sizeof reason, "reactive:%s", marker);
	snprintf(ref, sizeof ref, "result:%s", din);
	for (int i = 0; i < n; i++) {
		if (rc == SQLITE_DONE &&
		    bb_unit_set_status(ctx, din, codes[i], NULL, "discarded",
				       "discard", reason, ref) == BB_ESYS)
			rc = -1;
		else
			s->discarded++;
		free(codes[i]);
	}
	free(codes);
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

static int lookback_once(struct bb_ctx *ctx, struct results_state *s,
			 const char *din, const char *id, bb_time at)
{
	for (int i = 0; i < s->ndone; i++)
		if (!strcmp(s->done[i], din))
			return BB_OK;
	s->done = bb_xrealloc(s->done, (size_t)(s->ndone + 1) * sizeof *s->done);
	s->done[s->ndone++] = bb_xstrdup(din);
	return lookback_rows(ctx, s->lookback, id, at, s->window);
}

/* Apply a reactive marker: defer the donor, discard the units. */
static int apply_reactive(struct bb_ctx *ctx, struct results_state *s,
			  const struct marker *m, const char *din,
			  const char *id, bb_time tested)
{
	char start[11], source[96], note[96];
	const char *field = "", *why = "";
	int rc;

	if (m->code[0]) {
		snprintf(source, sizeof source, "result:%s:%s", din, m->name);
		snprintf(note, sizeof note, "reactive %s on %s", m->name, din);
		struct bb_writer *w = s->def.w;
		s->def.w = NULL;	/* stdout is the lookback */
		rc = record_deferral(ctx, &s->def, id, m->code,
				     bb_fmt_date(tested, start), "", note,
				     source, &field, &why);
		s->def.w = w;
		if (rc == BB_ESYS)
			return BB_ESYS;
		if (rc == BB_EROWS)
			bb_warn(ctx, "marker %s: deferral code '%s' %s", m->name,
				m->code, why);
	}
	if (m->discard && discard_units(ctx, s, din, m->name) != BB_OK)
		return BB_ESYS;
	return BB_OK;
}

static int result_row(struct bb_ctx *ctx, struct bb_reader *r,
		      struct bb_rec *rec, void *arg)
{
	struct results_state *s = arg;
	const char *din = bb_get(r, rec, "din");
	const char *res_in = bb_get(r, rec, "result");
	const char *t_in = bb_get(r, rec, "tested_at"), *why = "";
	const struct marker *m = find_marker(s, bb_get(r, rec, "marker"));
	char id[64], dabo[3], drhd[4], abo[3], rhd[4], val[32], tbuf[17];
	bb_time at, tested = ctx->now;
	const char *result = NULL;
	int reactive = 0, rc;
	double x;

	if (!m) {
		bb_reject(ctx, r, rec, "marker", "not in rule_markers",
			  bb_get(r, rec, "marker"));
		return BB_OK;
	}
	if (*t_in && bb_parse_time(t_in, &tested, &why) < 0) {
		bb_reject(ctx, r, rec, "tested_at", why, t_in);
		return BB_OK;
	}
	sqlite3_stmt *st = bb_sql(ctx, SQL_DONATION, "s", din);
	if (!st)
		return BB_ESYS;
	rc = bb_step(ctx, st);
	if (rc == SQLITE_ROW) {
		snprintf(id, sizeof id, "%s", bb_col_text(st, 0));
		bb_parse_time(bb_col_text(st, 1), &at, &why);
		snprintf(dabo, sizeof dabo, "%s", bb_col_text(st, 2));
		snprintf(drhd, sizeof drhd, "%s", bb_col_text(st, 3));
	}
	sqlite3_reset(st);
	if (rc < 0)
		return BB_ESYS;
	if (rc != SQLITE_ROW) {
		bb_reject(ctx, r, rec, "din", "no donation with this DIN", din);
		return BB_OK;
	}

	if (!strcmp(m->name, "ABO") || !strcmp(m->name, "RhD")) {
		int is_abo = !strcmp(m->name, "ABO");
		char probe[40];
		/* "pos" alone is not a group: read RhD as "O <value>" */
		snprintf(probe, sizeof probe, "%s%s", is_abo ? "" : "O ", res_in);
		if (bb_abo_parse(ctx, probe, abo, rhd) < 0 ||
		    !*(is_abo ? abo : rhd)) {
			bb_reject(ctx, r, rec, "result", is_abo ? "not an ABO "
				  "group" : "not pos or neg", res_in);
			return BB_OK;
		}
		result = is_abo ? abo : rhd;
		const char *have = is_abo ? dabo : drhd;
		if (*have && strcmp(have, result)) {
			reactive = 1;	/* confirmation failed */
			bb_warn(ctx, "%s:%ld: warning: %s %s of '%s' disagrees "
				"with donor '%s' on record (%s): units stay "
				"unreleased", strcmp(rec->file, "-") ? rec->file :
				"stdin", rec->line, m->name, result, din, id, have);
		} else if (!*have && bb_exec(ctx, SQL_SET_GROUP, "ssst", id,
					     is_abo ? abo : "",
					     is_abo ? "" : rhd, ctx->now) != BB_OK) {
			return BB_ESYS;
		}
	} else if (m->numeric) {
		if (bb_parse_num(res_in, 0, 1e6, &x) < 0) {
			bb_reject(ctx, r, rec, "result", "not a number", res_in);
			return BB_OK;
		}
		result = bb_num_fmt(x, val, sizeof val);
		reactive = x > m->above;
	} else {
		if (!(result = serology(res_in))) {
			bb_reject(ctx, r, rec, "result", "not neg, pos or reactive",
				  res_in);
			return BB_OK;
		}
		reactive = strcmp(result, "neg") != 0;
	}
	if (bb_exec(ctx, SQL_RESULT, "sssIs", din, m->name, result, reactive,
		    bb_fmt_time(tested, tbuf)) != BB_OK)
		return BB_ESYS;
	if (!reactive || !strcmp(m->name, "ABO") || !strcmp(m->name, "RhD"))
		return BB_OK;
	if (apply_reactive(ctx, s, m, din, id, tested) != BB_OK)
		return BB_ESYS;
	return lookback_once(ctx, s, din, id, at);
}

int donor_results(struct bb_ctx *ctx, int argc, char **argv)
{
	struct results_state s = { 0 };
	char wbuf[24];
	const char *why = "";
	int first, rc;

	if ((rc = bb_args(ctx, argc, argv, NULL, &first)) != BB_OK)
		return rc;
	if (bb_db_open(ctx, BB_DB_WRITE) != BB_OK ||
	    elig_rules_load(ctx, &s.def.rules) != BB_OK ||
	    load_markers(ctx, &s) != BB_OK)
		return BB_ESYS;
	bb_setting(ctx, "lookback_window", "12mo", wbuf, sizeof wbuf);
	if (parse_window(wbuf, &s.window, &why) < 0)
		s.window = (struct bb_dur){ 12, BB_MONTH };
	if (!(s.lookback = bb_writer_open(ctx, lookback_out, 12))) {
		rc = BB_ESYS;
		goto out;
	}
	rc = bb_each_record(ctx, argc, argv, first, result_cols, result_req,
			    BB_EACH_BEGIN, result_row, &s);
	if (bb_writer_close(s.lookback) != BB_OK && rc == BB_OK)
		rc = BB_ESYS;
	rc = donor_finish(ctx, rc);
	if (rc != BB_ESYS)
		bb_info(ctx, "%ld units discarded%s", s.discarded,
			ctx->dry_run ? " (dry run: nothing written)" : "");
out:
	for (int i = 0; i < s.ndone; i++)
		free(s.done[i]);
	free(s.done);
	free(s.m);
	elig_rules_free(&s.def.rules);
	return rc;
}
