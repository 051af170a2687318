/*
 * fuzz_abo.c - libFuzzer target for the ABO/RhD and sex parsers (PCRE2).
 * Property: a group that parses, written canonically ("AB-"), parses back
 * to the same group.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bb.h"

static struct bb_ctx ctx;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready) {
		bb_ctx_init(&ctx, "fuzz");
		ready = 1;
	}
	if (size > 1024)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	char abo[3], rhd[4], sex = 0;
	if (bb_abo_parse(&ctx, s, abo, rhd) == 0) {
		if (strlen(abo) > 2 || strlen(rhd) > 3)
			abort();
		if (*abo) {
			char again[16], a2[3], r2[4];
			snprintf(again, sizeof again, "%s%s", abo,
				 !strcmp(rhd, "pos") ? "+" :
				 !strcmp(rhd, "neg") ? "-" : "");
			if (bb_abo_parse(&ctx, again, a2, r2) != 0 ||
			    strcmp(a2, abo) || strcmp(r2, rhd)) {
				fprintf(stderr, "'%s' -> %s/%s -> '%s' -> %s/%s\n",
					s, abo, rhd, again, a2, r2);
				abort();
			}
		}
	}
	/* the two-column form */
	size_t h = size / 2;
	char *b = strdup(s + h);
	s[h] = 0;
	bb_abo_from_rec(&ctx, s, b, abo, rhd);
	bb_sex_parse(s, &sex);
	free(b);
	free(s);
	return 0;
}
