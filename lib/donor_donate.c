/*
 * donor_donate.c - donor-register donate: record donations after the
 * pre-donation checks of the eligibility engine.  A refused donation is
 * rejected with its reason codes and recorded in `refusals` (the deferral
 * rate's numerator).  --no-check back-loads history: formats, the donor
 * and duplicates are still checked, eligibility is not.
 */
#include <stddef.h>
#include <string.h>

#include "donor.h"
#include "isbt128.h"

static const char *const donation_cols[] = {
	"din", "donor_id", "collected_at", "kind", "volume_ml", "site",
	"hb_g_l", "weight_kg", "sbp", "dbp", "pulse", "temp_c", NULL
};
/* the fields of a record, in the order of donation_cols */
enum { C_DIN, C_DONOR, C_AT, C_KIND, C_VOL, C_SITE, C_HB, C_WEIGHT, C_SBP,
       C_DBP, C_PULSE, C_TEMP, C_N };
static const char *const donation_required[] = {
	"donor_id", "collected_at", "kind", "volume_ml", NULL
};

static const char SQL_INSERT[] =
	"INSERT INTO donations (din, donor_id, collected_at, kind, volume_ml, "
	"site, hb_g_l, weight_kg, sbp, dbp, pulse, temp_c, checked) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
static const char SQL_REFUSAL[] =
	"INSERT INTO refusals (donor_id, at, kind, site, reasons) "
	"VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_DIN_OWNER[] =
	"SELECT donor_id, collected_at FROM donations WHERE din = ?";
static const char SQL_SAME_TIME[] =
	"SELECT kind, coalesce(din, '') FROM donations "
	"WHERE donor_id = ?1 AND collected_at = ?2";
static const char SQL_ANY_DEFERRAL[] = "SELECT 1 FROM deferrals LIMIT 1";
static const char SQL_DONOR_EXISTS[] =
	"SELECT 1 FROM donors WHERE donor_id = ?";
/*
 * With the eligibility checks, a row is written only after
 * donor_hist_load() found its donor, in this batch's write transaction:
 * nothing deletes donors in it, and no other writer can.  The foreign-key
 * probe of donors that SQLite would repeat for each INSERT into donations
 * and refusals (their only parent) then cannot fail: leave it out (about
 * a tenth of a donation's cost).  Must be set outside a transaction;
 * the connection ends with the run.  --no-check keeps the database's
 * check ("unknown donor").
 */
static const char SQL_FK_OFF[] = "PRAGMA foreign_keys = OFF";

struct donate_state {
	int no_check;
	int started;		/* the batch's transaction has begun */
	struct elig_rules rules;
	struct donor_hist hist;
	long added, refused, unchanged;
};

/* One optional measurement: range-checked number. */
struct measure_field {
	const char *col;
	int idx;		/* in donation_cols */
	unsigned bit;
	double lo, hi;
	size_t off;
};
#define MOFF(f) offsetof(struct elig_measure, f)
static const struct measure_field measure_fields[] = {
	{ "hb_g_l", C_HB, ELIG_M_HB, 20, 260, MOFF(hb) },
	{ "weight_kg", C_WEIGHT, ELIG_M_WEIGHT, 20, 350, MOFF(weight) },
	{ "sbp", C_SBP, ELIG_M_SBP, 40, 300, MOFF(sbp) },
	{ "dbp", C_DBP, ELIG_M_DBP, 20, 200, MOFF(dbp) },
	{ "pulse", C_PULSE, ELIG_M_PULSE, 20, 250, MOFF(pulse) },
	{ "temp_c", C_TEMP, ELIG_M_TEMP, 30, 45, MOFF(temp) },
};

static int reject(struct bb_ctx *ctx, struct bb_reader *r,
		  struct bb_rec *rec, const char *field, const char *why,
		  const char *value)
{
	bb_reject(ctx, r, rec, field, why, value);
	return BB_OK;
}

static int refuse(struct bb_ctx *ctx, struct bb_reader *r,
		  struct bb_rec *rec, struct donate_state *s, const char *id,
		  const char *at, const char *kind, const char *site,
		  const char *reasons)
{
	char why[ELIG_REASONS_MAX + 32];

	if (bb_exec(ctx, SQL_REFUSAL, "sssss", id, at, kind, site, reasons)
	    == BB_ESYS)
		return BB_ESYS;
	s->refused++;
	snprintf(why, sizeof why, "donation refused: %s", reasons);
	return reject(ctx, r, rec, "donor_id", why, id);
}

/*
 * A donation of this donor at this time already on record: 1 when it is
 * the same one (same kind, and the same DIN or none given: a re-run of
 * the same file, skipped), 2 when it is another (rejected), 0 none, -1 on
 * a database error.
 */
static int same_time(struct bb_ctx *ctx, struct bb_reader *r,
		     struct bb_rec *rec, const char *din, const char *id,
		     const char *at, const char *kind)
{
	sqlite3_stmt *st = bb_sql(ctx, SQL_SAME_TIME, "ss", id, at);
	char why[160];
	int rc, same = 0;

	if (!st)
		return -1;
	rc = bb_step(ctx, st);
	if (rc == SQLITE_ROW) {
		same = !strcmp(bb_col_text(st, 0), kind) &&
		       (!*din || !strcmp(bb_col_text(st, 1), din));
		snprintf(why, sizeof why, "donor '%s' already has a %s donation "
			 "at that time%s%s", id, bb_col_text(st, 0),
			 *bb_col_text(st, 1) ? " with DIN " : "",
			 bb_col_text(st, 1));
	}
	sqlite3_reset(st);
	if (rc < 0)
		return -1;
	if (rc != SQLITE_ROW)
		return 0;
	if (same)
		return 1;
	bb_reject(ctx, r, rec, "collected_at", why, at);
	return 2;
}

/* Say why an INSERT hit a constraint: DIN taken or no such donor. */
static int explain_conflict(struct bb_ctx *ctx, struct bb_reader *r,
			    struct bb_rec *rec, const char *din,
			    const char *id)
{
	sqlite3_stmt *st;
	char why[160];
	int rc;

	if (*din && (st = bb_sql(ctx, SQL_DIN_OWNER, "s", din))) {
		rc = bb_step(ctx, st);
		if (rc == SQLITE_ROW)
			snprintf(why, sizeof why, "already used by donor '%s' "
				 "at %s", bb_col_text(st, 0), bb_col_text(st, 1));
		sqlite3_reset(st);
		if (rc == SQLITE_ROW)
			return reject(ctx, r, rec, "din", why, din);
	}
	if ((st = bb_sql(ctx, SQL_DONOR_EXISTS, "s", id))) {
		rc = bb_step(ctx, st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return reject(ctx, r, rec, "donor_id", "unknown donor "
				      "(import the donor first)", id);
	}
	return reject(ctx, r, rec, "donor_id", "refused by the database "
		      "(constraint)", id);
}

static int read_measures(struct bb_ctx *ctx, struct bb_reader *r,
			 struct bb_rec *rec, const char *const *val,
			 double vol, struct elig_measure *m)
{
	memset(m, 0, sizeof *m);
	m->have = ELIG_M_VOLUME;
	m->volume = vol;
	for (size_t i = 0; i < sizeof measure_fields / sizeof measure_fields[0]; i++) {
		const struct measure_field *f = &measure_fields[i];
		const char *v = val[f->idx];
		double x;

		if (!*v)
			continue;
		if (bb_parse_num(v, f->lo, f->hi, &x) < 0) {
			char why[64];
			snprintf(why, sizeof why, "not a number from %g to %g",
				 f->lo, f->hi);
			bb_reject(ctx, r, rec, f->col, why, v);
			return -1;
		}
		*(double *)((char *)m + f->off) = x;
		m->have |= f->bit;
	}
	return 0;
}

/*
 * A measurement as the column's affinity would store the text (empty:
 * NULL): a plain whole number is bound as one, which is what REAL and
 * INTEGER affinity make of its text anyway, without SQLite parsing it
 * again; anything else ("36.4") as text.
 */
static void bind_measure(sqlite3_stmt *st, int i, const char *v)
{
	int64_t n = 0;
	int k;

	if (!*v)
		return;		/* bound NULL */
	for (k = 0; k < 9 && v[k] >= '0' && v[k] <= '9'; k++)
		n = n * 10 + (v[k] - '0');
	if (k > 0 && !v[k])
		sqlite3_bind_int64(st, i, n);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* A donation at a time already taken: skip a repeat, reject another;
 * -2 when there is none. */
static int dup_row(struct bb_ctx *ctx, struct bb_reader *r,
		   struct bb_rec *rec, struct donate_state *s, const char *din,
		   const char *id, const char *at, const char *kind)
{
	switch (same_time(ctx, r, rec, din, id, at, kind)) {
	case -1: return BB_ESYS;
	case 0: return -2;
	case 1: s->unchanged++; return BB_OK;
	default: return BB_OK;
	}
}

/* Donate adds no deferrals, and the write transaction keeps others from
 * adding any: when the table is empty now, it stays empty for the batch
 * and the donor look-up can leave it out.  -1 on a database error. */
static int no_deferrals(struct bb_ctx *ctx, struct donor_hist *h)
{
	int rc = bb_exists(ctx, SQL_ANY_DEFERRAL, "");

	h->no_deferrals = rc == 0;
	return rc < 0 ? -1 : 0;
}

static int donate_row(struct bb_ctx *ctx, struct bb_reader *r,
		      struct bb_rec *rec, void *arg)
{
	struct donate_state *s = arg;
	const char *v[C_N];
	const char *din, *id, *at_in, *kind_in, *vol_in, *site;
	const char *why = "", *kind;
	struct elig_measure m;
	struct elig_result res;
	struct isbt_err ie;
	bb_time at;
	double vol;
	char atbuf[17];
	int rc;

	/* the first record: the batch's transaction has just begun */
	if (!s->started) {
		s->started = 1;
		if (!s->no_check && no_deferrals(ctx, &s->hist) < 0)
			return BB_ESYS;
	}
	/* each field once, by its place in donation_cols (no look-up) */
	for (int i = 0; i < C_N; i++)
		v[i] = bb_col(rec, i);
	din = v[C_DIN], id = v[C_DONOR], at_in = v[C_AT];
	kind_in = v[C_KIND], vol_in = v[C_VOL], site = v[C_SITE];
	if (!*id)
		return reject(ctx, r, rec, "donor_id", "missing", NULL);
	if (*din && isbt_din_check(din, strlen(din), 0, &ie) < 0)
		return reject(ctx, r, rec, "din", ie.why, din);
	if (!*at_in)
		return reject(ctx, r, rec, "collected_at", "missing", NULL);
	if (bb_parse_time(at_in, &at, &why) < 0)
		return reject(ctx, r, rec, "collected_at", why, at_in);
	if (at > ctx->now)
		return reject(ctx, r, rec, "collected_at", "in the future", at_in);
	if (!(kind = donor_kind_parse(kind_in)))
		return reject(ctx, r, rec, "kind", *kind_in ? "not WB, PLT, PLS "
			      "or DRBC" : "missing", *kind_in ? kind_in : NULL);
	if (bb_parse_num(vol_in, 1, 2000, &vol) < 0)
		return reject(ctx, r, rec, "volume_ml", *vol_in ? "not a volume "
			      "from 1 to 2000 ml" : "missing", *vol_in ? vol_in : NULL);
	if (read_measures(ctx, r, rec, v, vol, &m) < 0)
		return BB_OK;
	bb_fmt_time(at, atbuf);

	if (!s->no_check) {
		rc = donor_hist_load(ctx, &s->rules, id, at, &s->hist);
		if (rc < 0)
			return BB_ESYS;
		if (rc == 0)
			return reject(ctx, r, rec, "donor_id", "unknown donor "
				      "(import the donor first)", id);
		for (int i = 0; i < s->hist.ndon; i++)
			if (s->hist.don[i].at == at &&
			    (rc = dup_row(ctx, r, rec, s, din, id, atbuf, kind)) != -2)
				return rc;
		if (!elig_check(&s->rules, &s->hist.d, kind, at, &m, &res))
			return refuse(ctx, r, rec, s, id, atbuf, kind, site,
				      res.reasons);
	}
	sqlite3_stmt *st = bb_sql(ctx, SQL_INSERT, "ssssdsnnnnnnI", din, id,
				  atbuf, kind, vol, site, !s->no_check);
	if (!st)
		return BB_ESYS;
	for (int i = C_HB; i <= C_TEMP; i++)
		bind_measure(st, i + 1, v[i]);
	rc = bb_step(ctx, st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT) {
		rc = dup_row(ctx, r, rec, s, din, id, atbuf, kind);
		if (rc != -2)
			return rc;
		return explain_conflict(ctx, r, rec, din, id);
	}
	if (rc != SQLITE_DONE)
		return BB_ESYS;
	s->added++;
	return BB_OK;
}

int donor_donate(struct bb_ctx *ctx, int argc, char **argv)
{
	struct donate_state s = { 0 };
	const struct bb_opt opts[] = {
		{ "no-check", 0, BB_NOARG, NULL, &s.no_check,
		  "--no-check        back-load history: check formats, not eligibility" },
		BB_OPT_END
	};
	int first, rc;

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc;
	if (bb_db_open(ctx, BB_DB_WRITE) != BB_OK ||
	    bb_exec_script(ctx, DONOR_BATCH_CACHE) != BB_OK ||
	    (!s.no_check && bb_exec_script(ctx, SQL_FK_OFF) != BB_OK))
		return BB_ESYS;
	if (elig_rules_load(ctx, &s.rules) != BB_OK)
		return BB_ESYS;
	donor_hist_init(&s.hist);
	rc = bb_each_record(ctx, argc, argv, first, donation_cols,
			    donation_required, BB_EACH_BEGIN, donate_row, &s);
	rc = donor_finish(ctx, rc);
	if (rc != BB_ESYS)
		bb_info(ctx, "%ld donations recorded, %ld already on record, "
			"%ld refused%s", s.added, s.unchanged, s.refused, ctx->dry_run ? " (dry run: nothing written)" : "");
	donor_hist_free(&s.hist);
	elig_rules_free(&s.rules);
	return rc;
}
