/*
 * elig.h - donor eligibility: pure functions over rule rows (rule_criteria,
 * rule_intervals, rule_caps, rule_deferral_codes) and one donor's history.
 *
 * The engine never touches the database; elig_rules_load() fills the rule
 * set from the rule tables once per run, and the callers (donor-register
 * donate, check, recall) load each donor's history themselves.  Every
 * failed check adds one machine-readable reason code:
 *
 *	age:min:18  age:max:55  hb:min:120  sbp:max:139  hb:missing
 *	interval:WB>WB:6mo:last=2026-06-01   interval:WB>PLT:3mo:next=2026-08-01
 *	cap:PLT:12mo:24   cap:PLT+PLS:12mo:10000ml
 *	deferral:TATTOO:until=2027-03-01   permanent:HIV
 */
#ifndef ELIG_H
#define ELIG_H

#include "bb.h"

#define ELIG_NEVER ((bb_time)-1)	/* no next eligible date */
#define ELIG_REASONS_MAX 1024

/* bb_day_start() for times from 1970 to 9999 by arithmetic: bb_time
 * counts wall-clock seconds, so whole days are BB_DAY apart and the
 * calendar round trip gives the same value.  Other times: the library. */
#define ELIG_FAST_TIME_MAX ((bb_time)253402300800)	/* 10000-01-01 */
static inline bb_time elig_day_start(bb_time t)
{
	return t >= 0 && t < ELIG_FAST_TIME_MAX ? t - t % BB_DAY
						: bb_day_start(t);
}

struct elig_crit {
	char name[24];		/* age, age_repeat, weight, hb, sbp, dbp,
				 * pulse_pressure, pulse, temp, volume */
	char kind[8];		/* WB, PLT, PLS, DRBC or "*" */
	char sex;		/* 'M', 'F' or '*' */
	int has_min, has_max;
	double min, max;
};

struct elig_interval {
	char prev[8], next[8];
	struct bb_dur dur;
	char text[16];		/* as written in the table: "6mo", "14d" */
};

struct elig_cap {
	char kinds[32];		/* "PLT" or "PLT;PLS" */
	struct bb_dur window;
	char window_text[16];
	int max_count;		/* 0: no count cap */
	double max_volume;	/* 0: no volume cap */
};

struct elig_code {
	char code[32];
	int permanent;
	struct bb_dur dur;
	char text[16];
};

struct elig_rules {
	struct elig_crit *crit;
	int ncrit, acrit;
	struct elig_interval *iv;
	int niv, aiv;
	struct elig_cap *cap;
	int ncap, acap;
	struct elig_code *code;
	int ncode, acode;
	struct bb_dur horizon;	/* how far back a check needs history */
	/* elig_crit_find() of each criterion elig_check() asks for, by
	 * kind (WB, PLT, PLS, DRBC) and sex (M, F): filled by
	 * elig_rules_load(), dropped by elig_add_criterion() */
	const struct elig_crit *memo[4][2][10];
	int memo_ok;
};

struct elig_donation {
	bb_time at;
	char kind[8];
	double volume_ml;
};

struct elig_deferral {
	char code[32];
	bb_time start;
	bb_time until;		/* first day eligible again */
	int permanent;
};

struct elig_donor {
	char sex;			/* 'M' or 'F' */
	bb_time birth;
	int repeat;			/* gave before, even outside the history */
	const struct elig_donation *hist;	/* ascending by time */
	int nhist;
	const struct elig_deferral *def;
	int ndef;
};

/* Pre-donation measurements; `have` has one bit per ELIG_M_* present. */
enum {
	ELIG_M_HB = 1 << 0, ELIG_M_WEIGHT = 1 << 1, ELIG_M_SBP = 1 << 2,
	ELIG_M_DBP = 1 << 3, ELIG_M_PULSE = 1 << 4, ELIG_M_TEMP = 1 << 5,
	ELIG_M_VOLUME = 1 << 6
};
struct elig_measure {
	unsigned have;
	double hb, weight, sbp, dbp, pulse, temp, volume;
};

struct elig_result {
	int eligible;
	int permanent;		/* a permanent deferral applies */
	bb_time next;		/* first day all waiting reasons clear, or
				 * ELIG_NEVER (permanent, age limit, bad
				 * measurement, clash with a later donation) */
	int nreasons;
	char reasons[ELIG_REASONS_MAX];	/* ';'-separated reason codes */
};

void elig_rules_init(struct elig_rules *r);
void elig_rules_free(struct elig_rules *r);
/* Add one rule row from its table text; -1 with *why on a bad value. */
int elig_add_criterion(struct elig_rules *r, const char *name,
		       const char *kind, const char *sex, const char *min,
		       const char *max, const char **why);
int elig_add_interval(struct elig_rules *r, const char *prev,
		      const char *next, const char *interval,
		      const char **why);
int elig_add_cap(struct elig_rules *r, const char *kinds, const char *window,
		 const char *max_count, const char *max_volume,
		 const char **why);
int elig_add_code(struct elig_rules *r, const char *code,
		  const char *duration, const char **why);
/* Fill from the database's rule tables (ctx->db open). BB_OK / BB_ESYS. */
int elig_rules_load(struct bb_ctx *ctx, struct elig_rules *r);

/* The most specific criterion row for kind and sex, or NULL. */
const struct elig_crit *elig_crit_find(const struct elig_rules *r,
				       const char *name, const char *kind,
				       char sex);
const struct elig_interval *elig_interval_find(const struct elig_rules *r,
					       const char *prev,
					       const char *next);
const struct elig_code *elig_code_find(const struct elig_rules *r,
				       const char *code);
int elig_kind_valid(const char *kind);	/* WB, PLT, PLS, DRBC */
/* Start of the earliest day whose history a check at `on` can need. */
bb_time elig_history_start(const struct elig_rules *r, bb_time on);

/*
 * Is the donor eligible to give `kind` at `on`?  Checks age (with the
 * repeat-donor extension), intervals to earlier and later donations,
 * caps, deferrals, and, when m is not NULL, every measured criterion
 * (a missing measurement is a reason of its own).  Returns res->eligible.
 */
int elig_check(const struct elig_rules *r, const struct elig_donor *d,
	       const char *kind, bb_time on, const struct elig_measure *m,
	       struct elig_result *res);

/* Deferral end for a code starting at `start` (day); ELIG_NEVER when
 * permanent. */
bb_time elig_deferral_until(const struct elig_code *c, bb_time start);

#endif
