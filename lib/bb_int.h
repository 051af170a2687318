/* bb_int.h - core internals shared between core files, not for programs. */
#ifndef BB_INT_H
#define BB_INT_H
#include "bb.h"

void bb_regex_cache_free(struct bb_ctx *ctx);
/* Write out what writers held back during a write transaction. */
int bb_writers_release(struct bb_ctx *ctx);
#endif
