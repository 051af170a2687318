/* ctx.c - the per-run context: options, clock, database, caches. */
#include <stdlib.h>
#include <string.h>

#include "bb_int.h"

void bb_ctx_init(struct bb_ctx *ctx, const char *prog)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->prog = prog;
	ctx->out_fmt = BB_FMT_CSV;
	ctx->profile = "cn";
	ctx->nphone_patterns = -1;
}

void bb_ctx_free(struct bb_ctx *ctx)
{
	ctx->in_write_txn = 0;
	bb_writers_release(ctx);
	bb_db_close(ctx);
	bb_regex_cache_free(ctx);
	if (ctx->rejects_fp) {
		if (fclose(ctx->rejects_fp) != 0)
			bb_err(ctx, "write error: '%s'", ctx->rejects_path);
		ctx->rejects_fp = NULL;
	}
	free(ctx->db_extra);
	ctx->db_extra = NULL;
	for (int i = 0; i < ctx->nphone_patterns; i++)
		free(ctx->phone_patterns[i]);
	free(ctx->phone_patterns);
	ctx->phone_patterns = NULL;
	ctx->nphone_patterns = -1;
}
