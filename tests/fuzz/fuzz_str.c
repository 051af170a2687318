/*
 * fuzz_str.c - libFuzzer target for the string helpers every program
 * uses on input fields: numbers, lists, trimming, UTF-8 validation.
 * Properties: parsed numbers lie in the asked range and print back to
 * the same value; list items are non-empty, trimmed and free of the
 * separators; UTF-8 validation agrees with iconv's.
 */
#include <iconv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bb.h"

static void fail(const char *what, const char *input)
{
	fprintf(stderr, "fuzz property failed: %s: input '%s'\n", what, input);
	abort();
}

/* iconv's opinion on UTF-8 (it, too, refuses surrogates and overlongs). */
static int iconv_valid(const char *s, size_t n)
{
	static iconv_t cd = (iconv_t)-1;
	if (cd == (iconv_t)-1)
		cd = iconv_open("UTF-32LE", "UTF-8");
	char out[4 * 1100];
	char *in = (char *)s, *o = out;
	size_t il = n, ol = sizeof out;
	iconv(cd, NULL, NULL, NULL, NULL);
	return iconv(cd, &in, &il, &o, &ol) != (size_t)-1 && il == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1024)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	size_t len = strlen(s);

	long v;
	if (bb_parse_int(s, -1000, 1000, &v) == 0) {
		if (v < -1000 || v > 1000)
			fail("int-range", s);
		char b[32];
		snprintf(b, sizeof b, "%ld", v);
		long v2;
		if (bb_parse_int(b, -1000, 1000, &v2) != 0 || v2 != v)
			fail("int-print", s);
	}
	double d;
	if (bb_parse_num(s, -1e6, 1e6, &d) == 0) {
		if (!isfinite(d) || d < -1e6 || d > 1e6)
			fail("num-range", s);
		char b[64];
		snprintf(b, sizeof b, "%.17g", d);
		double d2;
		if (bb_parse_num(b, -1e6, 1e6, &d2) != 0 || d2 != d)
			fail("num-print", s);
	}

	int n = -1;
	char **items = bb_split_list(s, &n);
	if (n < 0)
		fail("list-count", s);
	for (int i = 0; i < n; i++) {
		const char *t = items[i];
		size_t k = strlen(t);
		if (!k || strpbrk(t, ";,") || t[0] == ' ' || t[k - 1] == ' ')
			fail("list-item", s);
	}
	if (items[n])
		fail("list-end", s);
	free(items);

	char *c = strdup(s);
	char *t = bb_trim(c);
	size_t k = strlen(t);
	if (t < c || t > c + len || (k && (t[0] == ' ' || t[k - 1] == ' ')))
		fail("trim", s);
	free(c);

	if (!!bb_utf8_valid((const char *)data, size) !=
	    iconv_valid((const char *)data, size))
		fail("utf8-vs-iconv", s);
	if (bb_streq_ci(s, s) != 1)
		fail("streq-self", s);
	free(s);
	return 0;
}
