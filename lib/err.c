/* err.c - diagnostics on stderr: "prog: message", lowercase, subject quoted. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bb.h"

static void vmsg(const struct bb_ctx *ctx, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", ctx->prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void bb_err(struct bb_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, fmt, ap);
	va_end(ap);
}

void bb_warn(struct bb_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	vmsg(ctx, fmt, ap);
	va_end(ap);
}

void bb_info(struct bb_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!ctx->verbose)
		return;
	va_start(ap, fmt);
	vmsg(ctx, fmt, ap);
	va_end(ap);
}

int bb_usage_error(struct bb_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: try '%s%s%s --help'\n", ctx->prog, ctx->prog,
		ctx->sub ? " " : "", ctx->sub ? ctx->sub : "");
	return BB_EUSAGE;
}

/* A count that overwrites itself; only for a person watching a TTY. */
void bb_progress(struct bb_ctx *ctx, const char *what, long done)
{
	if (ctx->quiet || !isatty(2))
		return;
	if (done < 0)
		fprintf(stderr, "\r\033[K");
	else
		fprintf(stderr, "\r%s: %s %ld", ctx->prog, what, done);
}

static void *oom(void)
{
	fputs("bloodbank: out of memory\n", stderr);
	exit(BB_ESYS);
}

void *bb_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom();
}

void *bb_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom();
}

char *bb_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(bb_xmalloc(n), s, n);
}
