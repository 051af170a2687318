/*
 * isbt128.c - ISBT 128 data structures (reference/isbt128.md).
 */
#include "isbt128.h"
#include "bb.h"

#include <stdio.h>
#include <string.h>

static const char mod37_chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

char *isbt_err_fmt(const struct isbt_err *e, char *buf, size_t n)
{
	if (e->pos > 0)
		snprintf(buf, n, "%s at position %d: %s", e->ds, e->pos,
			 e->why);
	else
		snprintf(buf, n, "%s: %s", e->ds, e->why);
	return buf;
}

static int fail(struct isbt_err *e, const char *ds, int pos, const char *why)
{
	if (e) {
		e->ds = ds;
		e->pos = pos;
		e->why = why;
	}
	return -1;
}

int isbt_char_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	if (c == '*')
		return 36;
	return -1;
}

char isbt_value_char(int v)
{
	return v >= 0 && v <= 36 ? mod37_chars[v] : 0;
}

/* 2^k mod 37 for k = 0..35 (2 has order 36 modulo 37). */
static const unsigned char pow2_mod37[36] = {
	1, 2, 4, 8, 16, 32, 27, 17, 34, 31, 25, 13, 26, 15, 30, 23, 9, 18,
	36, 35, 33, 29, 21, 5, 10, 20, 3, 6, 12, 24, 11, 22, 7, 14, 28, 19
};

/* ISO/IEC 7064 MOD 37-2 in its weighted form: the i-th character from the
 * right weighs 2^i.  Independent products and one reduction at the end
 * instead of the recursive form's chain of 13 reductions (bench/labels.sh);
 * the sum stays far below overflow for any input this library sees. */
int isbt_mod37_2(const char *s, size_t n)
{
	unsigned long sum = 0;
	size_t k = n % 36;	/* s[0] weighs 2^n; the weights cycle by 36 */
	for (size_t i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i], v;
		if (c - '0' < 10u)
			v = c - '0';
		else if (c - 'A' < 26u)
			v = c - 'A' + 10;
		else
			return -1;	/* ('*' is a check character only) */
		sum += (unsigned long)v * pow2_mod37[k];
		k = k ? k - 1 : 35;
	}
	return (int)((38 - sum % 37) % 37);
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
/* A-N, P-Z: capital letters without O */
static int is_fin_alpha(int c) { return is_upper(c) && c != 'O'; }

int isbt_din_check(const char *din, size_t n, int offset, struct isbt_err *e)
{
	if (n < ISBT_DIN_LEN)
		return fail(e, "DIN", offset + (int)n + 1,
			    "too short: a DIN has 13 characters");
	if (n > ISBT_DIN_LEN)
		return fail(e, "DIN", offset + ISBT_DIN_LEN + 1,
			    "too long: a DIN has 13 characters");
	int c = (unsigned char)din[0];
	if (!(is_fin_alpha(c) || (c >= '1' && c <= '9')))
		return fail(e, "DIN", offset + 1,
			    "facility must start with A-N, P-Z or 1-9");
	for (int i = 1; i < 3; i++) {
		c = (unsigned char)din[i];
		if (!(is_fin_alpha(c) || is_digit(c)))
			return fail(e, "DIN", offset + i + 1,
				    "not a facility character (A-N, P-Z, 0-9)");
	}
	for (int i = 3; i < ISBT_DIN_LEN; i++)
		if (!is_digit((unsigned char)din[i]))
			return fail(e, "DIN", offset + i + 1, "not a digit");
	return 0;
}

int isbt_din_mod37(const char *din)
{
	unsigned long sum = 0;
	/* three letters or digits (A-Z = 10-35, no branch on which), then
	 * ten digits; the i-th character weighs 2^(13 - i) */
	for (int i = 0; i < 3; i++) {
		unsigned c = (unsigned char)din[i];
		sum += (c - '0' - 7u * (c >= 'A')) * pow2_mod37[13 - i];
	}
	for (int i = 3; i < ISBT_DIN_LEN; i++)
		sum += (unsigned)(din[i] - '0') * pow2_mod37[13 - i];
	return (int)((38 - sum % 37) % 37);
}

/* isbt_din_check and isbt_din_mod37 in one pass over a DIN's 13
 * characters: the checksum, or -1 with *e set. */
static int din_check_mod37(const char *din, int offset, struct isbt_err *e)
{
	unsigned long sum = 0;
	for (int i = 0; i < 3; i++) {
		unsigned c = (unsigned char)din[i];
		if (!(is_fin_alpha((int)c) ||
		      (c >= (i ? '0' : '1') && c <= '9')))
			return isbt_din_check(din, ISBT_DIN_LEN, offset, e);
		sum += (c - '0' - 7u * (c >= 'A')) * pow2_mod37[13 - i];
	}
	for (int i = 3; i < ISBT_DIN_LEN; i++) {
		unsigned v = (unsigned char)din[i] - (unsigned)'0';
		if (v > 9)
			return isbt_din_check(din, ISBT_DIN_LEN, offset, e);
		sum += v * pow2_mod37[13 - i];
	}
	unsigned r = 38 - (unsigned)(sum % 37);
	return (int)(r >= 37 ? r - 37 : r);
}

char isbt_din_k(const char *din)
{
	if (strnlen(din, ISBT_DIN_LEN + 1) != ISBT_DIN_LEN ||
	    isbt_din_check(din, ISBT_DIN_LEN, 0, NULL) < 0)
		return 0;
	return isbt_value_char(isbt_din_mod37(din));
}

int isbt_fin_check(const char *fin, struct isbt_err *e)
{
	size_t n = strlen(fin);
	if (n != ISBT_FIN_LEN)
		return fail(e, "FIN", n < ISBT_FIN_LEN ? (int)n + 1 : 6,
			    "a facility identification number has 5 characters");
	int c = (unsigned char)fin[0];
	if (!(is_fin_alpha(c) || (c >= '1' && c <= '9')))
		return fail(e, "FIN", 1, "must start with A-N, P-Z or 1-9");
	for (int i = 1; i < 3; i++) {
		c = (unsigned char)fin[i];
		if (!(is_fin_alpha(c) || is_digit(c)))
			return fail(e, "FIN", i + 1,
				    "not a facility character (A-N, P-Z, 0-9)");
	}
	for (int i = 3; i < 5; i++)
		if (!is_digit((unsigned char)fin[i]))
			return fail(e, "FIN", i + 1, "not a digit");
	return 0;
}

/* Flag characters allowed by the element table: 0-9, A-H, J-N, P, R-Y. */
static int is_flag_char(int c)
{
	if (is_digit(c))
		return 1;
	if (!is_upper(c))
		return 0;
	return c != 'I' && c != 'O' && c != 'Q' && c != 'Z';
}

enum isbt_flag_type isbt_flag_type(const char ff[2])
{
	if (!is_flag_char((unsigned char)ff[0]) ||
	    !is_flag_char((unsigned char)ff[1]))
		return ISBT_FLAG_BAD;
	if (!is_digit((unsigned char)ff[0]) || !is_digit((unsigned char)ff[1]))
		return ISBT_FLAG_RESERVED;
	int v = (ff[0] - '0') * 10 + (ff[1] - '0');
	if (v <= 19)
		return v == 14 ? ISBT_FLAG_RESERVED : ISBT_FLAG_1;
	if (v <= 59)
		return ISBT_FLAG_2;
	if (v <= 96)
		return ISBT_FLAG_3;
	return ISBT_FLAG_RESERVED;
}

void isbt_flag3(const char *din, char out[3])
{
	int v = 60 + isbt_mod37_2(din, ISBT_DIN_LEN);
	out[0] = (char)('0' + v / 10);
	out[1] = (char)('0' + v % 10);
	out[2] = 0;
}

/* ---- dates ---- */

int64_t isbt_date_to_time(const struct isbt_date *d)
{
	int64_t days = bb_days_from_civil(d->year, d->month, d->day);
	return days * 86400 + d->hour * 3600 + d->min * 60;
}

void isbt_time_to_date(int64_t t, struct isbt_date *d)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	bb_civil_from_days(days, &d->year, &d->month, &d->day);
	d->hour = (int)(secs / 3600);
	d->min = (int)(secs % 3600 / 60);
	d->has_time = 1;
}

static void put_digits(char *p, int v, int k)
{
	while (k-- > 0) {
		p[k] = (char)('0' + v % 10);
		v /= 10;
	}
}

int isbt_fmt_date(int64_t t, int with_time, char *out, size_t n)
{
	struct isbt_date d;
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	bb_civil_from_days(days, &d.year, &d.month, &d.day);
	d.hour = (int)(secs / 3600);
	d.min = (int)(secs % 3600 / 60);	/* as isbt_time_to_date */
	if (d.year < 2000 || d.year > 2999 || n < (with_time ? 11u : 7u))
		return -1;
	int jjj = (int)(days - bb_days_from_civil(d.year, 1, 1)) + 1;
	put_digits(out, (d.year - 2000) / 100, 1);
	put_digits(out + 1, d.year % 100, 2);
	put_digits(out + 3, jjj, 3);
	if (!with_time) {
		out[6] = 0;
		return 6;
	}
	put_digits(out + 6, d.hour, 2);
	put_digits(out + 8, d.min, 2);
	out[10] = 0;
	return 10;
}

/* Parse cyyjjj[hhmm] at s (length known to be 6 or 10, digits checked). */
static int parse_date(const char *s, int with_time, const char *ds, int pos,
		      struct isbt_date *d, struct isbt_err *e)
{
	int c = s[0] - '0';
	int yy = (s[1] - '0') * 10 + (s[2] - '0');
	int jjj = (s[3] - '0') * 100 + (s[4] - '0') * 10 + (s[5] - '0');
	d->year = 2000 + 100 * c + yy;
	int leap = bb_is_leap(d->year);
	if (jjj < 1 || jjj > (leap ? 366 : 365))
		return fail(e, ds, pos + 3, "day of year out of range");
	/* day of the year to month and day: the month is jjj / 32 + 1 or
	 * one or two more (a table beats two calendar conversions) */
	static const short before[2][13] = {
		{ 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365 },
		{ 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366 },
	};
	int m = jjj / 32 + 1;
	while (jjj > before[leap][m])
		m++;
	d->month = m;
	d->day = jjj - before[leap][m - 1];
	d->hour = 23;
	d->min = 59;		/* no time given: the day's end (2359) */
	d->has_time = 0;
	if (with_time) {
		int hh = (s[6] - '0') * 10 + (s[7] - '0');
		int mm = (s[8] - '0') * 10 + (s[9] - '0');
		if (hh > 23)
			return fail(e, ds, pos + 6, "hour out of range");
		if (mm > 59)
			return fail(e, ds, pos + 8, "minute out of range");
		d->hour = hh;
		d->min = mm;
		d->has_time = 1;
	}
	return 0;
}

/* ---- ABO/RhD, Table 4/5 ---- */

struct abo_row {
	const char *abo, *rhd;
	int dir;		/* code of the "directed only" column */
};
/* Columns from "directed": dir, emergency, dir+bio, dir+X, default,
 * auto+X, auto, auto+bio. */
static const struct abo_row abo_rows[] = {
	{ "O", "neg", 91 }, { "O", "pos", 47 }, { "A", "neg", 2 },
	{ "A", "pos", 58 }, { "B", "neg", 13 }, { "B", "pos", 69 },
	{ "AB", "neg", 24 }, { "AB", "pos", 80 },
};
static const char *const abo_columns[] = {
	"directed", "emergency", "directed biohazard", "directed crossover",
	"default", "autologous crossover", "autologous",
	"autologous biohazard",
};
/* RhD not given: default codes and the letters of the other columns */
static const struct { const char *abo; const char *def; char letter; }
abo_norh[] = {
	{ "O", "55", 'P' }, { "A", "66", 'A' }, { "B", "77", 'B' },
	{ "AB", "88", 'C' },
};
static const char *const abo_defaults[8] = {
	"95", "51", "06", "62", "17", "73", "28", "84"
};

/* strcmp(a, b) == 0 for the table's few-byte names, without the calls
 * (every label printed looks its group up) */
static inline int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

const char *isbt_abo_code(const char *abo, const char *rhd)
{
	for (size_t i = 0; i < 8; i++)
		if (same(abo, abo_rows[i].abo) && same(rhd, abo_rows[i].rhd))
			return abo_defaults[i];
	if (!rhd[0])
		for (size_t i = 0; i < 4; i++)
			if (same(abo, abo_norh[i].abo))
				return abo_norh[i].def;
	return NULL;
}

static void set_group(char abo[static 3], char rhd[static 4], const char *a,
		      const char *r)
{
	/* the table strings fit; copied as snprintf would, without its
	 * cost (a check of a million codes decodes ABO/RhD 400 k times) */
	size_t i;

	for (i = 0; i < 2 && a[i]; i++)
		abo[i] = a[i];
	abo[i] = '\0';
	for (i = 0; i < 3 && r[i]; i++)
		rhd[i] = r[i];
	rhd[i] = '\0';
}

const char *isbt_abo_decode(const char gg[2], char abo[static 3],
			    char rhd[static 4])
{
	set_group(abo, rhd, "", "");
	int g0 = (unsigned char)gg[0], g1 = (unsigned char)gg[1];
	if (is_digit(g0) && is_digit(g1)) {
		int v = (g0 - '0') * 10 + (g1 - '0');
		if (v == 0)
			return "no ABO/RhD information";
		for (size_t i = 0; i < 8; i++)
			if (v >= abo_rows[i].dir && v < abo_rows[i].dir + 8) {
				set_group(abo, rhd, abo_rows[i].abo,
					  abo_rows[i].rhd);
				return abo_columns[v - abo_rows[i].dir];
			}
		for (size_t i = 0; i < 4; i++)
			if (v == (abo_norh[i].def[0] - '0') * 10 +
				     (abo_norh[i].def[1] - '0')) {
				set_group(abo, rhd, abo_norh[i].abo, "");
				return "default";
			}
		return NULL;
	}
	if (g0 == 'M') {
		switch (g1) {
		case 'a': return "autologous";
		case 'b': return "biohazardous";
		case 'd': return "discard";
		case 'f': return "fractionation only";
		case 'q': return "quarantine";
		case 'r': return "research only";
		case 'x': return "not for transfusion";
		}
		return NULL;
	}
	if (g0 == 'T' && g1 >= '1' && g1 <= '6')
		return "tissue";
	if (g1 == '0') {
		static const struct { char c; const char *abo, *rhd; } pooled[] = {
			{ 'A', "A", "" }, { 'B', "B", "" }, { 'C', "AB", "" },
			{ 'D', "O", "" }, { 'E', "", "pos" }, { 'F', "", "neg" },
			{ 'G', "", "" }, { 'H', "", "" }, { 'I', "A", "" },
			{ 'J', "A", "" }, { 'K', "AB", "" }, { 'L', "AB", "" },
		};
		for (size_t i = 0; i < sizeof pooled / sizeof pooled[0]; i++)
			if (pooled[i].c == g0) {
				set_group(abo, rhd, pooled[i].abo,
					  pooled[i].rhd);
				return g0 >= 'I' ? "subgroup" : "pooled";
			}
		return NULL;
	}
	if (g1 >= '2' && g1 <= '9') {
		for (size_t i = 0; i < 4; i++)
			if (g0 == abo_norh[i].letter && g1 != '6') {
				set_group(abo, rhd, abo_norh[i].abo, "");
				return abo_columns[g1 - '2'];
			}
		if (strchr("DEGHIJKLMNOQ", g0))
			return "Bombay or para-Bombay";
	}
	return NULL;
}

/* ---- product code ---- */

/* Is c one of the characters of set?  (strchr, without the call and
 * without matching the terminating NUL) */
static inline int in_set(int c, const char *set)
{
	for (; *set; set++)
		if (*set == c)
			return 1;
	return 0;
}

static int is_collection_type(int c)
{
	/* "0VRSTPA1XD23456EFCQBHJGLrsd78" as a table */
	static const unsigned char coll[128] = {
		['0'] = 1, ['V'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
		['P'] = 1, ['A'] = 1, ['1'] = 1, ['X'] = 1, ['D'] = 1,
		['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
		['E'] = 1, ['F'] = 1, ['C'] = 1, ['Q'] = 1, ['B'] = 1,
		['H'] = 1, ['J'] = 1, ['G'] = 1, ['L'] = 1, ['r'] = 1,
		['s'] = 1, ['d'] = 1, ['7'] = 1, ['8'] = 1,
	};
	return c > 0 && c < 128 && coll[c];
}

int isbt_product_check(const char *p, size_t n, int offset,
		       struct isbt_err *e)
{
	if (n != ISBT_PRODUCT_LEN)
		return fail(e, "DS003", offset + (int)(n < 8 ? n : 8) + 1,
			    n < 8 ? "too short: a product code has 8 characters"
				  : "too long: a product code has 8 characters");
	if (!is_upper((unsigned char)p[0]))
		return fail(e, "DS003", offset + 1,
			    "product description code must start with A-Z");
	for (int i = 1; i < 5; i++)
		if (!is_upper((unsigned char)p[i]) && !is_digit((unsigned char)p[i]))
			return fail(e, "DS003", offset + i + 1,
				    "not a product description character (A-Z, 0-9)");
	if (in_set(p[0], "MNRTVW")) {
		for (int i = 5; i < 8; i++)
			if (!is_digit((unsigned char)p[i]))
				return fail(e, "DS003", offset + i + 1,
					    "division code must be digits");
		return 0;
	}
	if (!is_collection_type((unsigned char)p[5]))
		return fail(e, "DS003", offset + 6, "unknown collection type");
	int d = (unsigned char)p[6], s = (unsigned char)p[7];
	if ((d == '0' && s == '0') || (d == '9' && s == '9'))
		return 0;
	if (!is_upper(d))
		return fail(e, "DS003", offset + 7,
			    "division must be A-Z, 00 or 99");
	if (s != '0' && !is_lower(s))
		return fail(e, "DS003", offset + 8,
			    "sub-division must be a-z or 0");
	return 0;
}

/* ---- scanning ---- */

struct di {
	char c0, c1;
	enum isbt_ds ds;
	const char *name;
	int len;		/* content length after the 2-char DI */
};
static const struct di dis[] = {
	{ '=', '%', ISBT_DS002, "DS002", 4 },
	{ '=', '<', ISBT_DS003, "DS003", 8 },
	{ '=', '>', ISBT_DS004, "DS004", 6 },
	{ '&', '>', ISBT_DS005, "DS005", 10 },
	{ '=', '*', ISBT_DS006, "DS006", 6 },
	{ '&', '*', ISBT_DS007, "DS007", 10 },
	{ '=', '}', ISBT_DS008, "DS008", 6 },
	{ '&', '}', ISBT_DS009, "DS009", 10 },
	{ '&', '(', ISBT_DS010, "DS010", 5 },
	{ '=', '\\', ISBT_DS012, "DS012", 18 },
	{ '&', '\\', ISBT_DS013, "DS013", 18 },
	{ '&', '{', ISBT_DS014, "DS014", 18 },
	{ '=', ')', ISBT_DS017, "DS017", 10 },
	{ '&', ')', ISBT_DS018, "DS018", 10 },
	{ '=', '+', ISBT_DS023, "DS023", 5 },
	{ '=', ',', ISBT_DS032, "DS032", 6 },
};
/* dis[] by the identifier's second character, 1-based (0: none), one
 * table for '=' and one for '&': a lookup instead of a search */
static const unsigned char dis_eq[128] = {
	['%'] = 1, ['<'] = 2, ['>'] = 3, ['*'] = 5, ['}'] = 7, ['\\'] = 10,
	[')'] = 13, ['+'] = 15, [','] = 16,
};
static const unsigned char dis_amp[128] = {
	['>'] = 4, ['*'] = 6, ['}'] = 8, ['('] = 9, ['\\'] = 11, ['{'] = 12,
	[')'] = 14,
};

static int all_digits(const char *s, int n, const char *ds, int pos,
		      struct isbt_err *e)
{
	for (int i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return fail(e, ds, pos + i, "not a digit");
	return 0;
}

static int all_alnum(const char *s, int n, const char *ds, int pos,
		     struct isbt_err *e)
{
	for (int i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]) &&
		    !is_upper((unsigned char)s[i]))
			return fail(e, ds, pos + i, "not A-Z or 0-9");
	return 0;
}

/* DS001 at s (s[0] == '='); pos is the 1-based position of s. */
static int scan_din(const char *s, size_t avail, int pos,
		    struct isbt_scan *o, struct isbt_err *e)
{
	if (avail < 16)
		return fail(e, "DS001", pos + (int)avail,
			    "too short: =DIN and 2 flag characters are 16");
	struct isbt_err de;
	int cs = din_check_mod37(s + 1, pos, &de);
	if (cs < 0)
		return fail(e, "DS001", de.pos, de.why);
	memcpy(o->din, s + 1, ISBT_DIN_LEN);
	o->din[ISBT_DIN_LEN] = 0;
	o->k = isbt_value_char(cs);
	o->flags[0] = s[14];
	o->flags[1] = s[15];
	o->flags[2] = 0;
	o->flag_type = isbt_flag_type(o->flags);
	if (o->flag_type == ISBT_FLAG_BAD)
		return fail(e, "DS001",
			    pos + (is_flag_char((unsigned char)s[14]) ? 15 : 14),
			    "not a flag character (0-9, A-H, J-N, P, R-Y)");
	if (o->flag_type == ISBT_FLAG_3 &&
	    (s[14] - '0') * 10 + (s[15] - '0') != 60 + cs)
		return fail(e, "DS001", pos + 14,
			    "type 3 flags do not match the DIN's check");
	return 0;
}

/* *got is the structure at s, *adv its length with the identifier. */
static int scan_one(const char *s, size_t avail, int pos,
		    struct isbt_scan *o, struct isbt_err *e, enum isbt_ds *got,
		    size_t *adv)
{
	if (avail < 2)
		return fail(e, "scan", pos, "truncated data identifier");
	if (s[0] == '=' && (is_digit((unsigned char)s[1]) ||
			    is_upper((unsigned char)s[1]))) {
		*got = ISBT_DS001;
		*adv = 16;
		if (o->seen & (UINT64_C(1) << ISBT_DS001))
			return fail(e, "DS001", pos, "second DIN in one scan");
		return scan_din(s, avail, pos, o, e);
	}
	const struct di *d = NULL;
	unsigned c1 = (unsigned char)s[1];
	int k = c1 >= 128 ? 0 : s[0] == '=' ? dis_eq[c1] :
		s[0] == '&' ? dis_amp[c1] : 0;
	if (k)
		d = &dis[k - 1];
	if (!d)
		return fail(e, "scan", pos, "unknown data identifier");
	*got = d->ds;
	*adv = 2 + (size_t)d->len;
	if (o->seen & (UINT64_C(1) << d->ds))
		return fail(e, d->name, pos, "appears twice in one scan");
	if (avail - 2 < (size_t)d->len)
		return fail(e, d->name, pos + (int)avail,
			    "too short for its data identifier");
	const char *c = s + 2;
	int cp = pos + 2;	/* position of the content's first character */
	switch (d->ds) {
	case ISBT_DS002: {
		const char *m = isbt_abo_decode(c, o->abo, o->rhd);
		if (!m)
			return fail(e, "DS002", cp, "unknown ABO/RhD code");
		memcpy(o->abo_code, c, 2);
		o->abo_code[2] = 0;
		if (!is_digit((unsigned char)c[2]) && !is_upper((unsigned char)c[2]))
			return fail(e, "DS002", cp + 2,
				    "not a phenotype character (A-Z, 0-9)");
		o->rh_pheno = c[2];
		if (c[3] != '0')
			return fail(e, "DS002", cp + 3, "reserved character must be 0");
		break;
	}
	case ISBT_DS003:
		if (isbt_product_check(c, 8, cp - 1, e) < 0)
			return -1;
		memcpy(o->product, c, 8);
		o->product[8] = 0;
		break;
	case ISBT_DS004: case ISBT_DS005:
	case ISBT_DS006: case ISBT_DS007:
	case ISBT_DS008: case ISBT_DS009: {
		int wt = d->len == 10;
		struct isbt_date *dt = d->ds <= ISBT_DS005 ? &o->expiry
				     : d->ds <= ISBT_DS007 ? &o->collection
				     : &o->production;
		if (all_digits(c, d->len, d->name, cp, e) < 0 ||
		    parse_date(c, wt, d->name, cp, dt, e) < 0)
			return -1;
		break;
	}
	case ISBT_DS010:
		if (all_alnum(c, 5, "DS010", cp, e) < 0)
			return -1;
		memcpy(o->special, c, 5);
		o->special[5] = 0;
		break;
	case ISBT_DS012: case ISBT_DS013: case ISBT_DS014:
		if (all_alnum(c, 18, d->name, cp, e) < 0)
			return -1;
		memcpy(o->antigens, c, 18);
		o->antigens[18] = 0;
		break;
	case ISBT_DS017: case ISBT_DS018:
		if (all_alnum(c, 10, d->name, cp, e) < 0)
			return -1;
		break;
	case ISBT_DS023:
		if (all_digits(c, 5, "DS023", cp, e) < 0)
			return -1;
		o->compound_count = (c[0] - '0') * 10 + (c[1] - '0');
		memcpy(o->compound_seq, c + 2, 3);
		o->compound_seq[3] = 0;
		if (o->compound_count < 1)
			return fail(e, "DS023", cp, "no structures announced");
		break;
	case ISBT_DS032:
		if (all_digits(c, 6, "DS032", cp, e) < 0)
			return -1;
		break;
	default:
		break;
	}
	return 0;
}

int isbt_scan(const char *s, size_t n, struct isbt_scan *o, struct isbt_err *e)
{
	/* copied from a zero struct: compilers clear it with vector stores,
	 * where memset became a slow-starting `rep stos` */
	static const struct isbt_scan none;
	*o = none;
	if (n == 0)
		return fail(e, "scan", 0, "empty");
	size_t i = 0;
	int compound = 0;
	while (i < n) {
		enum isbt_ds ds = ISBT_DS_NONE;
		size_t len = 0;
		if (s[i] != '=' && s[i] != '&')
			return fail(e, "scan", (int)i + 1,
				    "data identifier must start with '=' or '&'");
		if (scan_one(s + i, n - i, (int)i + 1, o, e, &ds, &len) < 0)
			return -1;
		if (ds == ISBT_DS023) {
			if (i != 0)
				return fail(e, "DS023", (int)i + 1,
					    "compound message header must come first");
			compound = 1;
		} else {
			o->nstruct++;
		}
		o->seen |= UINT64_C(1) << ds;
		i += len;
	}
	if (compound && o->nstruct != o->compound_count)
		return fail(e, "DS023", 3,
			    o->nstruct < o->compound_count
				    ? "fewer structures than announced"
				    : "more structures than announced");
	return 0;
}

int isbt_din_parse(const char *s, char din[static ISBT_DIN_LEN + 1],
		   int *had_k, struct isbt_err *e)
{
	char buf[40];
	size_t n = 0;
	if (had_k)
		*had_k = 0;
	din[0] = 0;
	if (s[0] == '=') {
		struct isbt_scan sc;
		size_t len = strlen(s);
		if (len != 16)
			return fail(e, "DS001", len < 16 ? (int)len + 1 : 17,
				    "=DIN with 2 flag characters has 16 characters");
		if (isbt_scan(s, len, &sc, e) < 0)
			return -1;
		/* 16 characters may also be other structures ("=%6200=<...") */
		if (!(sc.seen & (UINT64_C(1) << ISBT_DS001)))
			return fail(e, "DS001", 1, "not a DIN (=DIN and flags)");
		memcpy(din, sc.din, ISBT_DIN_LEN + 1);
		return 0;
	}
	/* most often the 13 characters alone */
	if (strnlen(s, ISBT_DIN_LEN + 1) == ISBT_DIN_LEN &&
	    isbt_din_check(s, ISBT_DIN_LEN, 0, NULL) == 0) {
		memcpy(din, s, ISBT_DIN_LEN + 1);
		return 0;
	}
	/* people type "A9998 18 123456 N" or box K in brackets */
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '[' || *p == ']' || *p == '|' ||
		    *p == '-')
			continue;
		if (n + 1 >= sizeof buf)
			return fail(e, "DIN", (int)(p - s) + 1, "too long");
		buf[n++] = *p;
	}
	buf[n] = 0;
	if (n == ISBT_DIN_LEN + 1) {
		if (isbt_din_check(buf, ISBT_DIN_LEN, 0, e) < 0)
			return -1;
		int want = isbt_mod37_2(buf, ISBT_DIN_LEN);
		if (isbt_char_value((unsigned char)buf[13]) != want)
			return fail(e, "DIN", 14, "check character does not match");
		if (had_k)
			*had_k = 1;
	} else if (isbt_din_check(buf, n, 0, e) < 0) {
		return -1;
	}
	memcpy(din, buf, ISBT_DIN_LEN);
	din[ISBT_DIN_LEN] = 0;
	return 0;
}

/* ---- generators ---- */

/* out = di a b (no printf: labels are made by the hundred thousand). */
/* out = di a b; the pieces are a few characters each, so a byte loop
 * costs less than three strlen and three memcpy calls (a label makes
 * four of these). */
static int put(char *out, size_t n, const char *di, const char *a,
	       const char *b)
{
	const char *const pieces[3] = { di, a, b };
	size_t k = 0;

	for (int i = 0; i < 3; i++)
		for (const char *c = pieces[i]; *c; c++) {
			if (k + 1 >= n) {
				if (n)
					out[0] = 0;
				return -1;
			}
			out[k++] = *c;
		}
	out[k] = 0;
	return (int)k;
}

/* The fixed-length structures are assembled by fixed-size copies: a label
 * makes three of them. */
int isbt_gen_din(const char *din, const char *flags, char *out, size_t n)
{
	if (strnlen(din, ISBT_DIN_LEN + 1) != ISBT_DIN_LEN ||
	    isbt_din_check(din, ISBT_DIN_LEN, 0, NULL) < 0)
		return -1;
	if (!flags || !*flags)
		flags = "00";
	if (strnlen(flags, 3) != 2 || isbt_flag_type(flags) == ISBT_FLAG_BAD ||
	    n < 17)
		return -1;
	out[0] = '=';
	memcpy(out + 1, din, ISBT_DIN_LEN);
	memcpy(out + 14, flags, 2);
	out[16] = 0;
	return 16;
}

int isbt_gen_abo(const char *abo, const char *rhd, char *out, size_t n)
{
	const char *gg = isbt_abo_code(abo, rhd);
	if (!gg)
		gg = "00";
	if (n < 7)
		return -1;
	memcpy(out, "=%", 2);
	memcpy(out + 2, gg, 2);	/* the table's codes have 2 characters */
	memcpy(out + 4, "00", 3);
	return 6;
}

int isbt_gen_product(const char *product, char *out, size_t n)
{
	if (strnlen(product, ISBT_PRODUCT_LEN + 1) != ISBT_PRODUCT_LEN ||
	    isbt_product_check(product, ISBT_PRODUCT_LEN, 0, NULL) < 0 ||
	    n < ISBT_PRODUCT_LEN + 3)
		return -1;
	memcpy(out, "=<", 2);
	memcpy(out + 2, product, ISBT_PRODUCT_LEN + 1);
	return ISBT_PRODUCT_LEN + 2;
}

int isbt_gen_expiry(int64_t t, char *out, size_t n)
{
	char d[16];
	if (isbt_fmt_date(t, 1, d, sizeof d) < 0)
		return -1;
	return put(out, n, "&>", d, "");
}

int isbt_gen_collection(int64_t t, int with_time, char *out, size_t n)
{
	char d[16];
	if (isbt_fmt_date(t, with_time, d, sizeof d) < 0)
		return -1;
	return put(out, n, with_time ? "&*" : "=*", d, "");
}

int isbt_gen_special(const char *code, char *out, size_t n)
{
	if (strlen(code) != 5 || all_alnum(code, 5, "DS010", 1, NULL) < 0)
		return -1;
	return put(out, n, "&(", code, "");
}

int isbt_gen_compound(const char *const *ds, int nds, char *out, size_t n)
{
	if (nds < 1 || nds > 99)
		return -1;
	if (n < 8)
		return -1;
	memcpy(out, "=+00000", 8);
	out[2] = (char)('0' + nds / 10);
	out[3] = (char)('0' + nds % 10);
	size_t len = 7;
	for (int i = 0; i < nds; i++) {
		size_t l = strlen(ds[i]);
		if (len + l + 1 > n)
			return -1;
		memcpy(out + len, ds[i], l + 1);
		len += l;
	}
	return (int)len;
}

char *isbt_din_text(const char *din, char *out, size_t n)
{
	if (n < 16 || strlen(din) < ISBT_DIN_LEN) {
		snprintf(out, n, "%s", din);
		return out;
	}
	memcpy(out, din, 5);
	out[5] = ' ';
	memcpy(out + 6, din + 5, 2);
	out[8] = ' ';
	memcpy(out + 9, din + 7, 6);
	out[15] = 0;
	return out;
}
