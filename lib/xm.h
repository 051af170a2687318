/*
 * xm.h - crossmatch subcommands and their shared database helpers.
 */
#ifndef XM_H
#define XM_H

#include "bb.h"
#include "compat.h"

/* Subcommands (cmd/crossmatch.c). */
int xm_patients(struct bb_ctx *ctx, int argc, char **argv);
int xm_select(struct bb_ctx *ctx, int argc, char **argv);
int xm_record(struct bb_ctx *ctx, int argc, char **argv);
int xm_issue(struct bb_ctx *ctx, int argc, char **argv);
int xm_transfuse(struct bb_ctx *ctx, int argc, char **argv);
int xm_return(struct bb_ctx *ctx, int argc, char **argv);
int xm_history(struct bb_ctx *ctx, int argc, char **argv);

/* Load the compatibility rules from the open database's rule tables. */
int xm_rules_load(struct bb_ctx *ctx, struct compat_rules *r);
/* Add the rows of one rule table from CSV text (an embedded
 * lib/rules/PROFILE/TABLE.csv) read by the core CSV reader; `name` is
 * shown in messages.  Returns 0, or -1 with *why set. */
int xm_rules_load_csv(struct bb_ctx *ctx, struct compat_rules *r,
		      const char *table, const char *name, const void *data,
		      size_t len, const char **why);

/* A patient row as compat sees it, with the age at `at`.  Returns 1 found,
 * 0 not found, -1 database error (reported). */
struct xm_patient {
	char id[64];
	char name[128];
	char birth_date[11];
	struct compat_patient p;
};
int xm_patient_load(struct bb_ctx *ctx, const char *id, bb_time at,
		    struct xm_patient *out);

/* The unit (din, prod) a record names; the row is rejected when there is
 * none.  1 loaded, 0 rejected, -1 database error (reported). */
int xm_rec_unit(struct bb_ctx *ctx, struct bb_reader *rd, struct bb_rec *rec,
		const char *din, const char *prod, struct bb_unit *u);
void xm_unit_compat(const struct bb_unit *x, struct compat_unit *u);

/* The product code of a DIN when the unit is the only one with that DIN
 * (issue/return rows may leave product_code empty).  1 found. */
int xm_unit_sole_product(struct bb_ctx *ctx, const char *din, char *out,
			 size_t n);

/* "YYYY-MM-DD HH:MM" field or ctx->now when empty; -1 on a bad value. */
int xm_time_or_now(struct bb_ctx *ctx, const char *s, bb_time *t,
		   const char **why);

/*
 * bb_each_record() inside the batch's transaction, begun at the first
 * record.
 */
int xm_each_record(struct bb_ctx *ctx, int argc, char **argv, int first,
		   const char *const *cols, const char *const *required,
		   bb_rec_fn row, void *arg);
/* Parse the options, open the database for writing and load the rules:
 * BB_OK, -1 after --help, else the exit status (reported). */
int xm_begin(struct bb_ctx *ctx, int argc, char **argv,
	     const struct bb_opt *opts, int *first, struct compat_rules *r);
/* xm_each_record() writing to *w, opened on out_cols first and closed
 * after (a failure to open or close it is BB_ESYS). */
int xm_each_record_out(struct bb_ctx *ctx, int argc, char **argv, int first,
		       const char *const *cols, const char *const *required,
		       bb_rec_fn row, void *arg, const char *const *out_cols,
		       int nout, struct bb_writer **w);
/* End the batch: rollback on BB_ESYS, else commit; the exit status. */
int xm_finish(struct bb_ctx *ctx, int rc);

/* snprintf that truncates quietly (codes and keys are short by design). */
void xm_fmt(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copy a string into a fixed buffer (truncating). */

#endif
