/* mask.c - national IDs and phone numbers are masked in every output and
 * message unless --show-pii (SPEC 3.6). */
#include <string.h>

#include "bb.h"

/* Keep `head` leading and `tail` trailing characters, star the middle. */
static char *mask_middle(const char *s, size_t head, size_t tail, char *buf,
			 size_t n)
{
	size_t len = strlen(s), i;

	if (len <= head + tail) {
		head = 0;
		tail = len > 2 ? 1 : 0;
	}
	for (i = 0; i < len && i + 1 < n; i++)
		buf[i] = (i < head || i >= len - tail) ? s[i] : '*';
	buf[i] = '\0';
	return buf;
}

char *bb_mask_natid(const struct bb_ctx *ctx, const char *id, char *buf,
		    size_t n)
{
	if (ctx->show_pii) {
		snprintf(buf, n, "%s", id);
		return buf;
	}
	return mask_middle(id, 6, 4, buf, n);
}

char *bb_mask_phone(const struct bb_ctx *ctx, const char *ph, char *buf,
		    size_t n)
{
	if (ctx->show_pii) {
		snprintf(buf, n, "%s", ph);
		return buf;
	}
	return mask_middle(ph, 3, 4, buf, n);
}

int bb_field_is_pii(const char *canonical)
{
	return !strcmp(canonical, "national_id") || !strcmp(canonical, "phone");
}
