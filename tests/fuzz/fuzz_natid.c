/*
 * fuzz_natid.c - libFuzzer target for the GB 11643 national ID check and
 * the PII masks.  Properties: a valid ID's last character is the computed
 * check character and its sex is M or F; a mask never reveals more than
 * its head and tail and never overruns its buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bb_ctx ctx;
	if (!ctx.prog)
		bb_ctx_init(&ctx, "fuzz");
	if (size > 512)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	bb_time birth;
	char sex = 0;
	const char *why = NULL;
	if (bb_natid_check(s, &birth, &sex, &why) == 0) {
		if (strlen(s) != 18 || (sex != 'M' && sex != 'F'))
			abort();
		char k = bb_natid_check_char(s);
		if (k != s[17] && !(k == 'X' && s[17] == 'x'))
			abort();
	} else if (!why)
		abort();
	size_t len = strlen(s);
	if (len >= 17)
		bb_natid_check_char(s);

	/* masks into a buffer of every small size */
	for (size_t n = 1; n < 24; n++) {
		char *buf = malloc(n);
		bb_mask_natid(&ctx, s, buf, n);
		if (strlen(buf) >= n)
			abort();
		bb_mask_phone(&ctx, s, buf, n);
		if (strlen(buf) >= n)
			abort();
		free(buf);
	}
	char m[600];
	bb_mask_natid(&ctx, s, m, sizeof m);
	if (len >= 18 && !strncmp(m + 6, s + 6, 8) &&
	    strncmp(s + 6, "********", 8))
		abort();	/* the birth date must not show */
	free(s);
	return 0;
}
