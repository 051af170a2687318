/* test_core.c - time, durations, ABO/RhD, sex, national ID, masking,
 * strings: the pure parts of the core. */
#include <stdlib.h>
#include <string.h>

#include "bb.h"
#include "t.h"

static bb_time T(const char *s)
{
	bb_time t = 0;
	const char *why;

	if (bb_parse_time(s, &t, &why))
		printf("# bad time in test: %s\n", s);
	return t;
}

static const char *fmt(bb_time t)
{
	static char buf[4][17];
	static int k;

	k = (k + 1) % 4;
	return bb_fmt_time(t, buf[k]);
}

static void test_time(void)
{
	bb_time t;
	const char *why = NULL;
	struct bb_dur d;
	char b[24];

	T_STREQ(fmt(T("2026-11-22 08:00")), "2026-11-22 08:00");
	T_STREQ(fmt(T("2026-11-22T08:05:59")), "2026-11-22 08:05");
	T_STREQ(fmt(T("2026/1/5")), "2026-01-05 00:00");
	T_OK(bb_parse_time("2026-02-30", &t, &why) < 0, "2026-02-30 rejected");
	T_STREQ(why, "no such day in that month");
	T_OK(bb_parse_time("2024-02-29", &t, &why) == 0, "leap day 2024 accepted");
	T_OK(bb_parse_time("2023-02-29", &t, &why) < 0, "2023-02-29 rejected");
	T_OK(bb_parse_time("2026-11-22 24:00", &t, &why) < 0, "hour 24 rejected");
	T_OK(bb_parse_time("2026-11-22 08:00x", &t, &why) < 0, "trailing junk rejected");
	T_OK(bb_parse_date("2026-11-22 08:00", &t, &why) < 0, "a date is only a date");
	T_OK(bb_parse_time("", &t, &why) < 0, "empty rejected");
	/* an expiry: a date alone is its 23:59, in every spelling of a date */
	T_OK(bb_parse_expiry("2026-11-22", &t, &why) == 0 &&
	     t == T("2026-11-22 23:59"), "expiry date alone: 23:59");
	T_OK(bb_parse_expiry("2026/1/5", &t, &why) == 0 &&
	     t == T("2026-01-05 23:59"), "expiry 2026/1/5: 23:59");
	T_OK(bb_parse_expiry("2026-11-22 06:00", &t, &why) == 0 &&
	     t == T("2026-11-22 06:00"), "expiry with a time: as given");
	T_OK(bb_parse_expiry("2026-11-31", &t, &why) < 0 &&
	     !strcmp(why, "no such day in that month"), "bad expiry: why");
	T_OK(bb_unit_expiry("2026-11-22", &t) == 0 &&
	     t == T("2026-11-22 23:59"), "stored expiry, date alone");
	T_INTEQ(bb_weekday(T("2026-11-22")), 0);	/* a Sunday */
	T_INTEQ(bb_weekday(T("1970-01-01")), 4);
	T_INTEQ(bb_weekday(T("1969-12-31")), 3);
	/* calendar months, clamped to the month's end (SPEC 5.1) */
	T_STREQ(fmt(bb_add_months(T("2026-07-01"), 6)), "2027-01-01 00:00");
	T_STREQ(fmt(bb_add_months(T("2026-08-31"), 6)), "2027-02-28 00:00");
	T_STREQ(fmt(bb_add_months(T("2027-08-31"), 6)), "2028-02-29 00:00");
	T_STREQ(fmt(bb_add_months(T("2026-03-31 10:30"), -1)), "2026-02-28 10:30");
	T_STREQ(fmt(bb_add_months(T("2026-01-15"), -13)), "2024-12-15 00:00");
	/* completed years: the 18th birthday counts */
	T_INTEQ(bb_age_years(T("2008-11-22"), T("2026-11-22")), 18);
	T_INTEQ(bb_age_years(T("2008-11-23"), T("2026-11-22")), 17);
	T_INTEQ(bb_age_years(T("2008-02-29"), T("2026-02-28")), 17);
	T_INTEQ(bb_age_years(T("2008-02-29"), T("2026-03-01")), 18);
	T_STREQ(fmt(bb_day_start(T("2026-11-22 23:59"))), "2026-11-22 00:00");
	/* durations */
	T_OK(bb_parse_dur("90m", &d, &why) == 0 && d.n == 90 && d.unit == BB_MIN, "90m");
	T_OK(bb_parse_dur("48h", &d, &why) == 0 && d.unit == BB_HOUR, "48h");
	T_OK(bb_parse_dur("3d", &d, &why) == 0 && d.unit == BB_DAYU, "3d");
	T_OK(bb_parse_dur("2w", &d, &why) == 0 && d.unit == BB_WEEK, "2w");
	T_OK(bb_parse_dur("6mo", &d, &why) == 0 && d.unit == BB_MONTH, "6mo");
	T_OK(bb_parse_dur("6 months", &d, &why) == 0 && d.n == 6 && d.unit == BB_MONTH, "6 months");
	T_OK(bb_parse_dur("1 year", &d, &why) == 0 && d.unit == BB_YEAR, "1 year");
	T_OK(bb_parse_dur("3x", &d, &why) < 0, "3x rejected");
	T_OK(bb_parse_dur("d", &d, &why) < 0, "unit alone rejected");
	T_OK(bb_parse_dur("-3d", &d, &why) < 0, "negative rejected");
	bb_parse_dur("6mo", &d, &why);
	T_STREQ(fmt(bb_add_dur(T("2026-07-01"), d, 1)), "2027-01-01 00:00");
	T_STREQ(bb_fmt_dur(d, b), "6mo");
	bb_parse_dur("90m", &d, &why);
	T_STREQ(fmt(bb_add_dur(T("2026-11-22 23:00"), d, 1)), "2026-11-23 00:30");
	T_STREQ(fmt(bb_add_dur(T("2026-11-22 00:30"), d, -1)), "2026-11-21 23:00");
}

static void abo_case(struct bb_ctx *ctx, const char *in, const char *abo,
		     const char *rhd)
{
	char a[3], r[4], desc[96];
	int rc = bb_abo_parse(ctx, in, a, r);

	snprintf(desc, sizeof desc, "'%s' -> %s %s", in, abo, rhd);
	T_OK(rc == 0 && !strcmp(a, abo) && !strcmp(r, rhd), desc);
}

static void test_abo(struct bb_ctx *ctx)
{
	char a[3], r[4], sex;

	abo_case(ctx, "A+", "A", "pos");
	abo_case(ctx, "A Rh+", "A", "pos");
	abo_case(ctx, "A pos", "A", "pos");
	abo_case(ctx, "A RhD positive", "A", "pos");
	abo_case(ctx, "A\xe5\x9e\x8b RhD\xe9\x98\xb3\xe6\x80\xa7", "A", "pos");	/* A型 RhD阳性 */
	abo_case(ctx, "AB\xe5\x9e\x8b", "AB", "");				/* AB型 */
	abo_case(ctx, "B\xe5\x9e\x8bRh\xe9\x98\xb4\xe6\x80\xa7", "B", "neg");	/* B型Rh阴性 */
	abo_case(ctx, "O-", "O", "neg");
	abo_case(ctx, "O neg", "O", "neg");
	abo_case(ctx, "o negative", "O", "neg");
	abo_case(ctx, "AB Rh(D) -", "AB", "neg");
	abo_case(ctx, "0+", "O", "pos");
	abo_case(ctx, "ab", "AB", "");
	abo_case(ctx, "", "", "");
	abo_case(ctx, "RhD neg", "", "neg");
	T_OK(bb_abo_parse(ctx, "C+", a, r) < 0, "C+ is not a group");
	T_OK(bb_abo_parse(ctx, "A++", a, r) < 0, "A++ rejected");
	T_OK(bb_abo_parse(ctx, "AB0", a, r) < 0, "AB0 rejected");
	T_OK(bb_abo_from_rec(ctx, "A", "neg", a, r) == 0 && !strcmp(r, "neg"), "separate rhd column");
	T_OK(bb_abo_from_rec(ctx, "A+", "neg", a, r) < 0, "A+ with rhd neg contradicts");
	T_OK(bb_abo_from_rec(ctx, "B", "\xe9\x98\xb3\xe6\x80\xa7", a, r) == 0 && !strcmp(r, "pos"), "rhd 阳性");
	T_OK(bb_sex_parse("\xe7\x94\xb7", &sex) == 0 && sex == 'M', "男 -> M");
	T_OK(bb_sex_parse("female", &sex) == 0 && sex == 'F', "female -> F");
	T_OK(bb_sex_parse("x", &sex) < 0, "x is no sex");
}

static void test_natid(struct bb_ctx *ctx)
{
	bb_time birth;
	char sex, buf[40];
	const char *why = NULL;

	T_OK(bb_natid_check("11010519491231002X", &birth, &sex, &why) == 0, "GB 11643 sample valid");
	T_STREQ(fmt(birth), "1949-12-31 00:00");
	T_OK(sex == 'F', "sample is female (17th digit even)");
	T_OK(bb_natid_check("11010519491231002x", &birth, &sex, &why) == 0, "lowercase x accepted");
	T_OK(bb_natid_check("110101199003071233", &birth, &sex, &why) == 0 && sex == 'M', "second sample, male");
	T_OK(bb_natid_check("440524188001010014", &birth, &sex, &why) < 0, "born 1880: year out of range");
	T_OK(bb_natid_check("110101200002290018", &birth, &sex, &why) == 0, "born on a leap day");
	T_OK(bb_natid_check("110101200102290016", &birth, &sex, &why) < 0, "2001-02-29 rejected");
	T_OK(bb_natid_check("110105194912310021", &birth, &sex, &why) < 0, "wrong check character");
	T_STREQ(why, "national ID: check character does not match (MOD 11-2)");
	T_OK(bb_natid_check("11010519491231002", &birth, &sex, &why) < 0, "17 characters rejected");
	T_OK(bb_natid_check("1101051949123100AX", &birth, &sex, &why) < 0, "letters rejected");
	T_INTEQ(bb_natid_check_char("11010519491231002"), 'X');
	T_STREQ(bb_mask_natid(ctx, "11010519491231002X", buf, sizeof buf), "110105********002X");
	T_STREQ(bb_mask_phone(ctx, "13812345678", buf, sizeof buf), "138****5678");
	ctx->show_pii = 1;
	T_STREQ(bb_mask_phone(ctx, "13812345678", buf, sizeof buf), "13812345678");
	ctx->show_pii = 0;
	T_OK(bb_field_is_pii("national_id") && bb_field_is_pii("phone") && !bb_field_is_pii("name"), "pii fields");
}

static void test_str(struct bb_ctx *ctx)
{
	long v;
	double d;
	int n;
	char **l, s[] = "  a b \t";

	T_STREQ(bb_trim(s), "a b");
	T_OK(bb_parse_int("42", 0, 100, &v) == 0 && v == 42, "int 42");
	T_OK(bb_parse_int("101", 0, 100, &v) < 0, "int out of range");
	T_OK(bb_parse_int("4x", 0, 100, &v) < 0, "int junk");
	T_OK(bb_parse_num("36.6", 30, 45, &d) == 0, "num 36.6");
	T_OK(bb_parse_num("nan", -1e9, 1e9, &d) < 0, "nan rejected");
	l = bb_split_list("anti-E; anti-Jka;;", &n);
	T_INTEQ(n, 2);
	T_STREQ(l[1], "anti-Jka");
	free(l);
	T_OK(bb_utf8_valid("\xe8\xa1\x80", 3), "valid UTF-8");
	T_OK(!bb_utf8_valid("\xc0\xaf", 2), "overlong rejected");
	T_OK(!bb_utf8_valid("\xed\xa0\x80", 3), "surrogate rejected");
	T_OK(!bb_utf8_valid("\xe8\xa1", 2), "truncated rejected");
	T_OK(bb_streq_ci("Donor_ID", "donor_id"), "case-insensitive compare");
	T_OK(bb_regex_match(ctx, "1[3-9][0-9]{9}", "13812345678") == 1, "regex full match");
	T_OK(bb_regex_match(ctx, "1[3-9][0-9]{9}", "138123456789") == 0, "regex is anchored at the end");
}

static void test_audit_chain(void)
{
	const char *f[9] = { "A", "B", "C", "D", "E", "F", "G", "H", "I" };
	char h1[65], h2[65];

	bb_audit_chain("", f, h1);
	bb_audit_chain("", f, h2);
	T_STREQ(h1, h2);
	f[8] = "J";
	bb_audit_chain("", f, h2);
	T_OK(strcmp(h1, h2) != 0, "a changed field changes the hash");
	T_INTEQ(strlen(h1), 64);
}

int main(void)
{
	struct bb_ctx ctx;

	bb_ctx_init(&ctx, "test_core");
	test_time();
	test_abo(&ctx);
	test_natid(&ctx);
	test_str(&ctx);
	test_audit_chain();
	bb_ctx_free(&ctx);
	return t_done();
}
