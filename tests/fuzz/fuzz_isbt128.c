/*
 * fuzz_isbt128.c - libFuzzer target for the ISBT 128 parsers: scans
 * (single, concatenated, compound messages), typed DINs, product codes.
 * Properties: a DIN that parses has a check character, passes the strict
 * check, and its generated DS001 scans back to the same DIN.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isbt128.h"

/* A broken property: named on stderr (tests/fuzz/known-bugs matches the
 * name), then a crash for libFuzzer. */
static void fail(const char *what, const char *input)
{
	fprintf(stderr, "fuzz property failed: %s: input '%s'\n", what, input);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;

	struct isbt_scan sc;
	struct isbt_err e;
	char msg[256];
	memset(&e, 0, sizeof e);
	if (isbt_scan(s, size, &sc, &e) != 0)
		isbt_err_fmt(&e, msg, sizeof msg);

	char din[ISBT_DIN_LEN + 1];
	int had_k = 0;
	memset(&e, 0, sizeof e);
	if (isbt_din_parse(s, din, &had_k, &e) == 0) {
		if (strlen(din) != ISBT_DIN_LEN)
			fail("din-parse-length", s);
		if (isbt_din_check(din, ISBT_DIN_LEN, 0, &e) != 0)
			fail("din-parse-check", s);
		if (!isbt_din_k(din))
			fail("din-parse-k", s);
		char ds[64], flags[3];
		isbt_flag3(din, flags);
		int n = isbt_gen_din(din, flags, ds, sizeof ds);
		if (n > 0) {
			struct isbt_scan back;
			if (isbt_scan(ds, (size_t)n, &back, &e) != 0 ||
			    strcmp(back.din, din))
				fail("din-generate-scan", s);
		}
		char text[64];
		isbt_din_text(din, text, sizeof text);
	} else
		isbt_err_fmt(&e, msg, sizeof msg);

	isbt_product_check(s, size, 0, &e);
	isbt_din_check(s, size, 0, &e);
	isbt_mod37_2(s, size);
	if (size >= 2) {
		char abo[3], rhd[4];
		isbt_abo_decode(s, abo, rhd);
		isbt_flag_type(s);
	}
	free(s);
	return 0;
}
