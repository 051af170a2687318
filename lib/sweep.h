/*
 * sweep.h - expiry-sweep internals: actions and temperature excursions.
 */
#ifndef SWEEP_H
#define SWEEP_H

#include "bb.h"

/* One output row: a change (from != to), a report (issued units past
 * expiry) or a due unit.  The trailing fields are the appended columns. */
struct sweep_action {
	char *din, *product, *from, *to, *reason;
	char *component, *abo, *rhd, *location, *expires;
	bb_time expiry;		/* when it is expired (sweep_expiry_time) */
	int skip;		/* the unit changed under us: not done */
};

struct sweep_actions {
	struct sweep_action *v;
	int n, cap;
};

void sweep_action_clear(struct sweep_action *x);
void sweep_actions_free(struct sweep_actions *a);
/* The unit columns sweep_action_add() reads, in its order. */
#define SWEEP_UNIT_COLS "din, product_code, status, component,"\
	" coalesce(abo, ''), coalesce(rhd, ''), coalesce(location, ''),"\
	" expires_at"
/* Append an action from a unit row whose columns 0-7 are SWEEP_UNIT_COLS;
 * to = NULL keeps the status. */
struct sweep_action *sweep_action_add(struct sweep_actions *a,
				      sqlite3_stmt *st, const char *to,
				      const char *reason);
/* Change the status of the units of actions from..a->n (event and ref as
 * for bb_unit_set_status); a unit that changed under us is skipped. */
int sweep_actions_apply(struct bb_ctx *ctx, struct sweep_actions *a,
			int from, const char *event, const char *ref);
/* The time a unit is expired: its expiry time, or for a date alone the
 * next midnight (the date is usable through its day); 0 if unreadable. */
bb_time sweep_expiry_time(const char *s);

/* A temperature reading and a storage excursion. */
struct temp_reading {
	bb_time at;
	double celsius;
};

struct temp_range {
	int has_min, has_max;
	double min, max;
};

struct excursion {
	bb_time start, end;	/* first reading out, first back in (or last) */
	double worst;		/* furthest reading from the range */
};

/* Excursions of readings (sorted by time) out of range lasting longer
 * than `tolerance` seconds; at most `max` are stored in out[]; returns
 * how many were found.  A run still out at the last reading ends there. */
int sweep_excursions(const struct temp_reading *r, int n,
		     const struct temp_range *range, bb_time tolerance,
		     struct excursion *out, int max);
int sweep_temp_out(const struct temp_range *range, double c);

/* --temps FILE: store the readings, quarantine after excursions. */
int sweep_temps(struct bb_ctx *ctx, struct sweep_actions *a,
		const char *path, struct bb_dur tolerance);

#endif
