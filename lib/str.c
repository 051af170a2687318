/* str.c - small string helpers shared by every module. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bb.h"

int bb_streq_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* Trim ASCII blanks in place; returns s advanced past leading blanks. */
char *bb_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Whole-string integer in [lo, hi]; 0 or -1. */
int bb_parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/*
 * "-ddd.ddd" with at most 15 digits in all, as strtod reads it, without
 * strtod (a donation row has seven numbers): the digits make an integer
 * below 2^53 and 10^k (k <= 15) is exact, so the one correctly rounded
 * division gives strtod's correctly rounded value.  0 when s is not of
 * that form (strtod decides).
 */
static int plain_decimal(const char *s, double *v)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
		1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	int neg = *s == '-', nd = 0, nf = 0;
	int64_t m = 0;

	s += neg;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++nd > 15)
			return 0;
		m = m * 10 + (*s - '0');
	}
	if (nd == 0)
		return 0;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (nd + ++nf > 15)
				return 0;
			m = m * 10 + (*s - '0');
		}
		if (nf == 0)
			return 0;
	}
	if (*s)
		return 0;
	*v = (double)m / p10[nf];
	if (neg)
		*v = -*v;
	return 1;
}

/* Whole-string finite decimal number in [lo, hi]; 0 or -1. */
int bb_parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	if (plain_decimal(s, &v)) {
		if (v < lo || v > hi)
			return -1;
		*out = v;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* "a;b;c" -> {"a","b","c",NULL}, items trimmed, empty items dropped.
 * One allocation: free(result) frees all. */
char **bb_split_list(const char *s, int *n)
{
	size_t len = s ? strlen(s) : 0, slots = 2;
	const char *p;
	char **v, *buf, *tok, *save;
	int k = 0;

	for (p = s; p && *p; p++)
		if (*p == ';' || *p == ',')
			slots++;
	v = bb_xmalloc(slots * sizeof *v + len + 1);
	buf = (char *)(v + slots);
	memcpy(buf, s ? s : "", len + 1);
	for (tok = strtok_r(buf, ";,", &save); tok;
	     tok = strtok_r(NULL, ";,", &save)) {
		tok = bb_trim(tok);
		if (*tok)
			v[k++] = tok;
	}
	v[k] = NULL;
	if (n)
		*n = k;
	return v;
}

void bb_copy(char *dst, size_t n, const char *src)
{
	size_t len = src ? strlen(src) : 0;

	if (!n)
		return;
	if (len >= n)
		len = n - 1;
	memcpy(dst, src ? src : "", len);
	dst[len] = '\0';
}

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
int bb_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + n;

	while (s < e) {
		unsigned c = *s;
		int len;
		unsigned cp;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, cp = c & 0x07;
		else
			return 0;
		if (e - s < len)
			return 0;
		for (int i = 1; i < len; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3F);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		s += len;
	}
	return 1;
}
