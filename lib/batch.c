/*
 * batch.c - the input loop every batch command runs: each operand file
 * (standard input when there is none) read as records of the command's
 * columns and handed to its record handler, one at a time.
 */
#include "bb.h"

/* One file: 1 to go on to the next, 0 to stop the batch (*rc says why). */
static int each_in_file(struct bb_ctx *ctx, const char *path,
			const char *const *cols, const char *const *required,
			int flags, bb_rec_fn fn, void *arg, int *rc)
{
	struct bb_reader *r = bb_reader_open(ctx, path);
	struct bb_rec *rec;
	int got = 0;

	if (!r) {
		*rc = BB_ESYS;
		return 0;
	}
	/* a refused header is reported and counted as a rejected row by
	 * the reader: the other files still go in */
	if (bb_reader_columns(r, cols, required) == BB_OK)
		while (!ctx->stop && (got = bb_reader_next(r, &rec)) == 1) {
			/* the write transaction begins with the first record,
			 * not before reading: in `a | b` the writer upstream
			 * can commit before b takes the write lock */
			if ((flags & BB_EACH_BEGIN) && ctx->db &&
			    sqlite3_get_autocommit(ctx->db) &&
			    bb_db_begin(ctx) != BB_OK) {
				*rc = BB_ESYS;
				break;
			}
			if ((*rc = fn(ctx, r, rec, arg)) != BB_OK)
				break;
		}
	if (got < 0)
		*rc = BB_ESYS;
	bb_reader_close(r);
	return *rc == BB_OK;
}

int bb_each_record(struct bb_ctx *ctx, int argc, char **argv, int first,
		   const char *const *cols, const char *const *required,
		   int flags, bb_rec_fn fn, void *arg)
{
	int rc = BB_OK;

	if (first >= argc) {
		each_in_file(ctx, "-", cols, required, flags, fn, arg, &rc);
		return rc;
	}
	for (int i = first; i < argc && !ctx->stop; i++)
		if (!each_in_file(ctx, argv[i], cols, required, flags, fn,
				  arg, &rc))
			break;
	return rc;
}
