/*
 * donor.h - donor-register: the subcommands (SPEC 5.1) and the helpers
 * they share (input loops, donor history for the eligibility engine).
 */
#ifndef DONOR_H
#define DONOR_H

#include "bb.h"
#include "elig.h"

int donor_import(struct bb_ctx *ctx, int argc, char **argv);
int donor_donate(struct bb_ctx *ctx, int argc, char **argv);
int donor_check(struct bb_ctx *ctx, int argc, char **argv);
int donor_recall(struct bb_ctx *ctx, int argc, char **argv);
int donor_defer(struct bb_ctx *ctx, int argc, char **argv);
int donor_results(struct bb_ctx *ctx, int argc, char **argv);
int donor_lookback(struct bb_ctx *ctx, int argc, char **argv);
int donor_stats(struct bb_ctx *ctx, int argc, char **argv);
int donor_export(struct bb_ctx *ctx, int argc, char **argv);
int donor_certificate(struct bb_ctx *ctx, int argc, char **argv);

/* A batch touches pages of every index in turn: with SQLite's default
 * 2 MB page cache a 100 k-row batch spills pages to the WAL and reads
 * them back again and again.  A bigger cache for the batch's connection,
 * but one that a 100 k-row batch already fills, so memory does not grow
 * with the input (donate 23 MB resident at 100 k rows and at 1 M); 32 MB
 * was 2-8% faster at 1 M rows but grew from 30 to 44 MB. */
#define DONOR_BATCH_CACHE "PRAGMA cache_size = -16384"
/* The exit status at the end of a write batch: commits (or rolls back on
 * --dry-run/--strict stop) and maps rejected rows to BB_EROWS. */
int donor_finish(struct bb_ctx *ctx, int rc);

/* A donor and the part of the history an eligibility check needs; the
 * arrays are reused between donors. */
struct donor_hist {
	char donor_id[64];
	char sex;
	bb_time birth;
	struct elig_donation *don;
	int ndon, adon;
	struct elig_deferral *def;
	int ndef, adef;
	struct elig_donor d;		/* points into the arrays above */
	int no_deferrals;	/* set by a batch that found the deferrals
				 * table empty and adds none: skip it */
	/* what donor_hist_load() keeps between donors (same rules):
	 * the history window of the last day asked for, and the age
	 * above which the repeat flag matters */
	const struct elig_rules *memo_rules;
	bb_time memo_day, memo_start;
	char memo_start_s[17];	/* memo_start as bound */
	int repeat_age;		/* INT_MAX: never */
};
void donor_hist_init(struct donor_hist *h);
void donor_hist_free(struct donor_hist *h);
/* Load donor `id` with the history from elig_history_start(on) on (and
 * every later donation) and all deferrals.  1 found, 0 unknown donor,
 * -1 database error (reported). */
int donor_hist_load(struct bb_ctx *ctx, const struct elig_rules *rules,
		    const char *id, bb_time on, struct donor_hist *h);
/* Add a donation just recorded (keeps the arrays sorted). */
void donor_hist_add(struct donor_hist *h, bb_time at, const char *kind,
		    double volume_ml);

/* "2026-11-22" of a time for output (11 bytes). */
const char *donor_date(bb_time t, char buf[static 11]);
/* Parse a donation kind: WB, PLT, PLS, DRBC (any case; 全血, 血小板 ...). */
const char *donor_kind_parse(const char *s);
/* Parse --on/--from style dates for options; BB_EUSAGE reported. */
int donor_opt_date(struct bb_ctx *ctx, const char *opt, const char *s,
		   bb_time *t);

#endif
