/* regex.c - PCRE2 patterns compiled once per context and kept there. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "bb_int.h"

struct bb_regex_cache {
	struct bb_regex_cache *next;
	char *pattern;
	pcre2_code *code;
	pcre2_match_data *md;
};

static struct bb_regex_cache *regex_get(struct bb_ctx *ctx,
					const char *pattern)
{
	struct bb_regex_cache *c;
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code;

	for (c = ctx->regex; c; c = c->next)
		if (!strcmp(c->pattern, pattern))
			return c;
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			     PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_ANCHORED |
			     PCRE2_ENDANCHORED, &errcode,
			     &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		bb_err(ctx, "bad pattern '%s' at offset %zu: %s", pattern,
		       (size_t)erroff, (char *)msg);
		return NULL;
	}
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);	/* best effort */
	c = bb_xmalloc(sizeof *c);
	c->pattern = bb_xstrdup(pattern);
	c->code = code;
	c->md = pcre2_match_data_create_from_pattern(code, NULL);
	c->next = ctx->regex;
	ctx->regex = c;
	return c;
}

/* Whole-subject match, caseless, UTF-8. */
int bb_regex_match(struct bb_ctx *ctx, const char *pattern,
		   const char *subject)
{
	struct bb_regex_cache *c = regex_get(ctx, pattern);
	int rc;

	if (!c)
		return -1;
	rc = pcre2_match(c->code, (PCRE2_SPTR)subject, strlen(subject), 0,
			 0, c->md, NULL);
	return rc >= 0;
}

/* Match and copy capture group `group` into buf (empty when unset). */
int bb_regex_capture(struct bb_ctx *ctx, const char *pattern,
		     const char *subject, int ngroups, char **groups,
		     size_t cap)
{
	struct bb_regex_cache *c = regex_get(ctx, pattern);
	int rc;

	if (!c)
		return -1;
	rc = pcre2_match(c->code, (PCRE2_SPTR)subject, strlen(subject), 0,
			 0, c->md, NULL);
	if (rc < 0)
		return 0;
	for (int g = 0; g < ngroups; g++) {
		PCRE2_SIZE len = cap;
		if (pcre2_substring_copy_bynumber(c->md, (uint32_t)g + 1,
						  (PCRE2_UCHAR *)groups[g],
						  &len) != 0)
			groups[g][0] = '\0';
	}
	return 1;
}

void bb_regex_cache_free(struct bb_ctx *ctx)
{
	struct bb_regex_cache *c, *next;

	for (c = ctx->regex; c; c = next) {
		next = c->next;
		pcre2_match_data_free(c->md);
		pcre2_code_free(c->code);
		free(c->pattern);
		free(c);
	}
	ctx->regex = NULL;
}
