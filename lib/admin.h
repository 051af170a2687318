/* admin.h - `bloodbank` administration subcommands. */
#ifndef ADMIN_H
#define ADMIN_H
#include "bb.h"

int admin_init(struct bb_ctx *ctx, int argc, char **argv);
int admin_rules(struct bb_ctx *ctx, int argc, char **argv);
int admin_check(struct bb_ctx *ctx, int argc, char **argv);
int admin_backup(struct bb_ctx *ctx, int argc, char **argv);
int admin_audit(struct bb_ctx *ctx, int argc, char **argv);
#endif
