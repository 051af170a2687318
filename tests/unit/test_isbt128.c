/* test_isbt128.c - ISBT 128 check characters, flags, data structures.
 * Vectors from reference/isbt128.md 1.4 and 3. */
#include "bb.h"
#include "isbt128.h"
#include "t.h"

#include <string.h>

static const struct { const char *din; int sum; char k; const char *t3; }
vectors[] = {
	{ "G123417654321", 10, 'A', "70" },
	{ "G123498654321", 17, 'H', "77" },
	{ "A999921123456", 3, '3', "63" },
	{ "W000009123456", 16, 'G', "76" },
	{ "A999818123456", 23, 'N', "83" },
	{ "G123489654321", 34, 'Y', "94" },
	{ "A999917123456", 9, '9', "69" },
	{ "A999917123458", 5, '5', "65" },
	{ "A999617987654", 25, 'P', "85" },
	{ "A999917345658", 24, 'O', "84" },
	{ "A999915000001", 22, 'M', "82" },
	{ "Z549917123456", 25, 'P', "85" },
	{ "A999924000078", 0, '0', "60" },
	{ "A999924000003", 1, '1', "61" },
	{ "A999924000079", 35, 'Z', "95" },
	{ "A999924000004", 36, '*', "96" },
};

static void test_vectors(void)
{
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		const char *d = vectors[i].din;
		char k[2] = { isbt_din_k(d), 0 }, want[2] = { vectors[i].k, 0 };
		T_INTEQ(isbt_mod37_2(d, 13), vectors[i].sum);
		T_STREQ(k, want);
		char f[3];
		isbt_flag3(d, f);
		T_STREQ(f, vectors[i].t3);
		/* the type-3 flags scan back as valid */
		char code[20];
		T_OK(isbt_gen_din(d, f, code, sizeof code) == 16, "gen =DIN");
		struct isbt_scan s;
		struct isbt_err e;
		T_OK(isbt_scan(code, 16, &s, &e) == 0, "type 3 flags accepted");
		T_INTEQ(s.flag_type, ISBT_FLAG_3);
		/* DIN + K parses, a wrong K does not */
		char withk[16];
		snprintf(withk, sizeof withk, "%s%c", d, vectors[i].k);
		char din[14];
		int had;
		T_OK(isbt_din_parse(withk, din, &had, &e) == 0 && had,
		     "DIN+K accepted");
		withk[13] = vectors[i].k == 'Z' ? 'Y' : 'Z';
		T_OK(isbt_din_parse(withk, din, &had, &e) < 0, "wrong K refused");
	}
	/* generic MOD 37-2 vectors */
	T_INTEQ(isbt_char_value(isbt_value_char(isbt_mod37_2("1234ABCD", 8))),
		isbt_char_value('V'));
	T_INTEQ(isbt_mod37_2("079", 3), isbt_char_value('T'));
	T_INTEQ(isbt_mod37_2("10100", 5), isbt_char_value('Z'));
	T_INTEQ(isbt_mod37_2("100110", 6), 36);
	T_INTEQ(isbt_mod37_2("ab", 2), -1);
	T_INTEQ(isbt_char_value('*'), 36);
	T_INTEQ(isbt_char_value('a'), -1);
}

static void test_negative(void)
{
	struct isbt_err e;
	char din[14], msg[128];
	T_OK(isbt_din_parse("G123489654322Y", din, NULL, &e) < 0,
	     "G123489654322Y invalid (K is W)");
	T_STREQ(e.why, "check character does not match");
	T_OK(isbt_din_parse("G123489654322W", din, NULL, &e) == 0,
	     "G123489654322W valid");
	struct isbt_scan s;
	T_OK(isbt_scan("=G12341765432171", 16, &s, &e) < 0,
	     "wrong type 3 flag");
	T_STREQ(isbt_err_fmt(&e, msg, sizeof msg),
		"DS001 at position 15: type 3 flags do not match the DIN's check");
	T_OK(isbt_scan("=G12341765432170", 16, &s, &e) == 0, "type 3 flag 70");
	/* character sets and lengths */
	T_OK(isbt_din_parse("O999921123456", din, NULL, &e) < 0, "O refused");
	T_INTEQ(e.pos, 1);
	T_OK(isbt_din_parse("0999921123456", din, NULL, &e) < 0, "0 refused");
	T_OK(isbt_din_parse("A99992112345X", din, NULL, &e) < 0, "X refused");
	T_INTEQ(e.pos, 13);
	T_STREQ(e.why, "not a digit");
	T_OK(isbt_din_parse("A99992112345", din, NULL, &e) < 0, "12 chars");
	T_OK(isbt_din_parse("A9999211234567", din, NULL, &e) < 0,
	     "14 chars with bad K");
	T_OK(isbt_din_parse("A9999 21 123456 [3]", din, NULL, &e) == 0,
	     "eye-readable with boxed K");
	T_STREQ(din, "A999921123456");
	T_OK(isbt_din_parse("=A99992112345601", din, NULL, &e) == 0,
	     "=DIN flags");
	T_STREQ(din, "A999921123456");
	/* 16 characters of other structures are not a DIN (fuzz) */
	T_OK(isbt_din_parse("=%15M0=<NLM2E279", din, NULL, &e) < 0,
	     "=%...=<... is not a DIN");
	T_OK(isbt_din_parse("=%6200=<E1234V00", din, NULL, &e) < 0,
	     "blood group + product is not a DIN");
	T_STREQ(e.why, "not a DIN (=DIN and flags)");
	T_OK(isbt_scan("=A9999211234560I", 16, &s, &e) < 0, "flag I refused");
	T_INTEQ(e.pos, 16);
	T_OK(isbt_scan("=A99992112345", 13, &s, &e) < 0, "short DS001");
	T_STREQ(e.ds, "DS001");
	T_OK(isbt_fin_check("A9999", &e) == 0, "FIN ok");
	T_OK(isbt_fin_check("A99A9", &e) < 0, "FIN pos 4 digit");
	T_INTEQ(e.pos, 4);
	T_OK(isbt_fin_check("A999", &e) < 0, "FIN short");
}

static void test_flags(void)
{
	T_INTEQ(isbt_flag_type("00"), ISBT_FLAG_1);
	T_INTEQ(isbt_flag_type("19"), ISBT_FLAG_1);
	T_INTEQ(isbt_flag_type("14"), ISBT_FLAG_RESERVED);
	T_INTEQ(isbt_flag_type("20"), ISBT_FLAG_2);
	T_INTEQ(isbt_flag_type("59"), ISBT_FLAG_2);
	T_INTEQ(isbt_flag_type("60"), ISBT_FLAG_3);
	T_INTEQ(isbt_flag_type("96"), ISBT_FLAG_3);
	T_INTEQ(isbt_flag_type("97"), ISBT_FLAG_RESERVED);
	T_INTEQ(isbt_flag_type("A1"), ISBT_FLAG_RESERVED);
	T_INTEQ(isbt_flag_type("0O"), ISBT_FLAG_BAD);
	T_INTEQ(isbt_flag_type("Z0"), ISBT_FLAG_BAD);
}

static int64_t tm(int y, int mo, int d, int h, int mi)
{
	struct isbt_date dt = { y, mo, d, h, mi, 1 };
	return isbt_date_to_time(&dt);
}

static void test_dates(void)
{
	char buf[32];
	isbt_gen_expiry(tm(2018, 12, 31, 23, 59), buf, sizeof buf);
	T_STREQ(buf, "&>0183652359");
	isbt_gen_expiry(tm(2024, 2, 29, 23, 59), buf, sizeof buf);
	T_STREQ(buf, "&>0240602359");
	isbt_gen_expiry(tm(2024, 12, 31, 23, 59), buf, sizeof buf);
	T_STREQ(buf, "&>0243662359");
	isbt_gen_expiry(tm(2025, 1, 1, 0, 0), buf, sizeof buf);
	T_STREQ(buf, "&>0250010000");
	isbt_gen_collection(tm(2026, 11, 20, 9, 30), 0, buf, sizeof buf);
	T_STREQ(buf, "=*026324");
	isbt_gen_collection(tm(2026, 11, 20, 9, 30), 1, buf, sizeof buf);
	T_STREQ(buf, "&*0263240930");
	T_INTEQ(isbt_gen_expiry(tm(1999, 12, 31, 0, 0), buf, sizeof buf), -1);

	struct isbt_scan s;
	struct isbt_err e;
	T_OK(isbt_scan("&>0240602359", 12, &s, &e) == 0, "leap day");
	T_INTEQ(s.expiry.month, 2);
	T_INTEQ(s.expiry.day, 29);
	T_OK(isbt_scan("&>0243662359", 12, &s, &e) == 0, "day 366 of 2024");
	T_INTEQ(s.expiry.month, 12);
	T_INTEQ(s.expiry.day, 31);
	T_OK(isbt_scan("&>0253662359", 12, &s, &e) < 0, "no day 366 in 2025");
	T_STREQ(e.ds, "DS005");
	T_INTEQ(e.pos, 6);
	T_OK(isbt_scan("&>0250002359", 12, &s, &e) < 0, "no day 0");
	T_OK(isbt_scan("&>0250012400", 12, &s, &e) < 0, "hour 24");
	T_INTEQ(e.pos, 9);
	T_OK(isbt_scan("&>0250012360", 12, &s, &e) < 0, "minute 60");
	T_INTEQ(e.pos, 11);
	T_OK(isbt_scan("&>025001235", 11, &s, &e) < 0, "short DS005");
	T_OK(isbt_scan("&>02500123X9", 12, &s, &e) < 0, "DS005 not a digit");
	T_INTEQ(e.pos, 11);
	/* date only: the default time is 23:59 */
	T_OK(isbt_scan("=>025001", 8, &s, &e) == 0, "DS004");
	T_INTEQ(s.expiry.hour, 23);
	T_INTEQ(s.expiry.min, 59);
	T_INTEQ(s.expiry.has_time, 0);
	T_OK(isbt_scan("=*026001", 8, &s, &e) == 0, "DS006 first day");
	T_INTEQ(s.collection.month, 1);
	T_INTEQ(s.collection.day, 1);
	/* every data identifier is known by its table entry, no other one */
	static const char *const known[] = {
		"=%DS002", "=<DS003", "=>DS004", "&>DS005", "=*DS006",
		"&*DS007", "=}DS008", "&}DS009", "&(DS010", "=\\DS012",
		"&\\DS013", "&{DS014", "=)DS017", "&)DS018", "=+DS023",
		"=,DS032",
	};
	int right = 0, unknown = 0;
	for (int c0 = 0; c0 < 2; c0++)
		for (int c1 = 1; c1 < 256; c1++) {
			char di[3] = { c0 ? '&' : '=', (char)c1, 0 };
			if (c0 == 0 && ((c1 >= '0' && c1 <= '9') ||
					(c1 >= 'A' && c1 <= 'Z')))
				continue;	/* a DIN (DS001) */
			const char *want = NULL;
			for (size_t k = 0; k < sizeof known / sizeof *known; k++)
				if (!strncmp(known[k], di, 2))
					want = known[k] + 2;
			isbt_scan(di, 2, &s, &e);
			if (want)
				right += !strcmp(e.ds, want) &&
					 strstr(e.why, "too short") != NULL;
			else
				unknown += !strcmp(e.why,
						   "unknown data identifier");
		}
	T_INTEQ(right, 16);
	T_INTEQ(unknown, 2 * 255 - 36 - 16);
	/* the DIN-only MOD 37-2 against the general one */
	unsigned long seed = 12345;
	int same = 0;
	for (int i = 0; i < 20000; i++) {
		static const char fin[] = "ABCDEFGHIJKLMNPQRSTUVWXYZ1234567890";
		char din[ISBT_DIN_LEN + 1];
		for (int j = 0; j < ISBT_DIN_LEN; j++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			unsigned v = (unsigned)(seed >> 33);
			din[j] = j == 0 ? fin[v % 34] : j < 3 ? fin[v % 35]
							   : (char)('0' + v % 10);
		}
		din[ISBT_DIN_LEN] = 0;
		same += isbt_din_check(din, ISBT_DIN_LEN, 0, NULL) == 0 &&
			isbt_din_mod37(din) == isbt_mod37_2(din, ISBT_DIN_LEN);
	}
	T_INTEQ(same, 20000);
	/* every day of every year 2000-2103 (leap and common years, the
	 * common year 2100) against the calendar arithmetic of time.c */
	int agree = 0, days = 0;
	for (int y = 2000; y <= 2103; y++)
		for (int j = 1; j <= (bb_is_leap(y) ? 366 : 365); j++) {
			char code[16];
			int cy, cm, cd;
			snprintf(code, sizeof code, "&>%d%02d%03d2359",
				 (y - 2000) / 100, y % 100, j);
			bb_civil_from_days(bb_days_from_civil(y, 1, 1) + j - 1,
					   &cy, &cm, &cd);
			days++;
			agree += isbt_scan(code, 12, &s, &e) == 0 &&
				 s.expiry.year == cy && s.expiry.month == cm &&
				 s.expiry.day == cd;
		}
	T_INTEQ(agree, days);
	/* round trip at a year end */
	struct isbt_date d;
	isbt_time_to_date(tm(2026, 12, 31, 23, 59) + 60, &d);
	T_INTEQ(d.year, 2027);
	T_INTEQ(d.month, 1);
	T_INTEQ(d.day, 1);
	T_INTEQ(d.hour, 0);
}

static void test_abo(void)
{
	char buf[16], abo[3], rhd[4];
	isbt_gen_abo("A", "pos", buf, sizeof buf);
	T_STREQ(buf, "=%6200");
	isbt_gen_abo("O", "neg", buf, sizeof buf);
	T_STREQ(buf, "=%9500");
	isbt_gen_abo("AB", "neg", buf, sizeof buf);
	T_STREQ(buf, "=%2800");
	isbt_gen_abo("B", "", buf, sizeof buf);
	T_STREQ(buf, "=%7700");
	static const struct { const char *gg, *abo, *rhd, *m; } dec[] = {
		{ "95", "O", "neg", "default" }, { "91", "O", "neg", "directed" },
		{ "98", "O", "neg", "autologous biohazard" },
		{ "51", "O", "pos", "default" }, { "47", "O", "pos", "directed" },
		{ "02", "A", "neg", "directed" }, { "06", "A", "neg", "default" },
		{ "62", "A", "pos", "default" }, { "17", "B", "neg", "default" },
		{ "73", "B", "pos", "default" }, { "24", "AB", "neg", "directed" },
		{ "28", "AB", "neg", "default" }, { "31", "AB", "neg", "autologous biohazard" },
		{ "84", "AB", "pos", "default" }, { "87", "AB", "pos", "autologous biohazard" },
		{ "55", "O", "", "default" }, { "88", "AB", "", "default" },
		{ "P2", "O", "", "directed" }, { "C9", "AB", "", "autologous biohazard" },
		{ "A0", "A", "", "pooled" }, { "F0", "", "neg", "pooled" },
		{ "00", "", "", "no ABO/RhD information" },
		{ "Mq", "", "", "quarantine" },
	};
	for (size_t i = 0; i < sizeof dec / sizeof dec[0]; i++) {
		const char *m = isbt_abo_decode(dec[i].gg, abo, rhd);
		T_STREQ(m, dec[i].m);
		T_STREQ(abo, dec[i].abo);
		T_STREQ(rhd, dec[i].rhd);
	}
	T_OK(isbt_abo_decode("99", abo, rhd) == NULL, "99 unknown");
	T_OK(isbt_abo_decode("01", abo, rhd) == NULL, "01 unknown");
	T_OK(isbt_abo_decode("Mz", abo, rhd) == NULL, "Mz unknown");
	struct isbt_scan s;
	struct isbt_err e;
	T_OK(isbt_scan("=%6200", 6, &s, &e) == 0, "=%6200");
	T_STREQ(s.abo, "A");
	T_STREQ(s.rhd, "pos");
	T_OK(isbt_scan("=%6201", 6, &s, &e) < 0, "e must be 0");
	T_INTEQ(e.pos, 6);
	T_OK(isbt_scan("=%9900", 6, &s, &e) < 0, "unknown group");
	T_INTEQ(e.pos, 3);
	/* DS012 beginning with 62 is not a blood group */
	T_OK(isbt_scan("=\\620000000000000000", 20, &s, &e) == 0, "DS012");
	T_OK(!(s.seen & (UINT64_C(1) << ISBT_DS002)), "DS012 not taken for DS002");
	/* DS032 is bit 32 of `seen` (a 32-bit mask overflowed: fuzz) */
	T_OK(isbt_scan("=,123456", 8, &s, &e) == 0, "DS032 scans");
	T_OK(s.seen & (UINT64_C(1) << ISBT_DS032), "DS032 seen");
	T_OK(isbt_scan("=,\xb7" "6921A2692136\xd6", 16, &s, &e) < 0,
	     "fuzz input ds032-shift-32 is refused");
	T_STREQ(s.abo, "");
}

static void test_product_scan(void)
{
	struct isbt_scan s;
	struct isbt_err e;
	char buf[64];
	T_OK(isbt_scan("=<E1234V00", 10, &s, &e) == 0, "=<E1234V00");
	T_STREQ(s.product, "E1234V00");
	T_OK(isbt_scan("=<S12954A0", 10, &s, &e) == 0, "division A0");
	T_OK(isbt_scan("=<T1295003", 10, &s, &e) == 0, "tissue 003");
	T_OK(isbt_scan("=<E1234V0", 9, &s, &e) < 0, "short product");
	T_OK(isbt_scan("=<E1234Z00", 10, &s, &e) < 0, "bad collection type");
	/* exactly the collection types of the reference's table */
	int types = 0, listed = 0;
	for (int c = 1; c < 256; c++) {
		char pc[9] = "E1234V00";
		pc[5] = (char)c;
		int ok = isbt_product_check(pc, 8, 0, NULL) == 0;
		types += ok;
		listed += ok && strchr("0VRSTPA1XD23456EFCQBHJGLrsd78", c);
	}
	T_INTEQ(types, 29);
	T_INTEQ(listed, 29);
	T_INTEQ(e.pos, 8);
	T_OK(isbt_scan("=<E1234Va0", 10, &s, &e) < 0, "bad division");
	T_INTEQ(e.pos, 9);
	T_OK(isbt_gen_product("A1020V00", buf, sizeof buf) == 10, "gen 003");
	T_OK(isbt_gen_product("A1020V001", buf, sizeof buf) == -1 &&
	     isbt_gen_product("A1020V0", buf, sizeof buf) == -1,
	     "gen 003: 8 characters, no more, no fewer");
	T_OK(isbt_gen_product("A1020V00", buf, 10) == -1,
	     "gen 003: no room for the NUL");
	T_OK(isbt_gen_din("A99992612345", "00", buf, sizeof buf) == -1 &&
	     isbt_gen_din("A9999261234567", "00", buf, sizeof buf) == -1 &&
	     isbt_gen_din("A999926123456", "000", buf, sizeof buf) == -1 &&
	     isbt_gen_din("A999926123456", "00", buf, 16) == -1,
	     "gen 001: 13 characters, 2 flags, room for 16 and the NUL");
	T_OK(isbt_gen_abo("A", "pos", buf, 6) == -1, "gen 002: no room");
	T_STREQ(buf, "=<A1020V00");
	T_OK(isbt_gen_special("N0001", buf, sizeof buf) == 7, "gen 010");
	T_OK(isbt_scan("&(N0001", 7, &s, &e) == 0, "scan 010");
	T_STREQ(s.special, "N0001");
	T_OK(isbt_scan("&(N00a1", 7, &s, &e) < 0, "010 lowercase");
}

static void test_concat(void)
{
	struct isbt_scan s;
	struct isbt_err e;
	const char *top = "=A99992112345601=%5100";
	T_OK(isbt_scan(top, strlen(top), &s, &e) == 0, "001+002 concatenated");
	T_STREQ(s.din, "A999921123456");
	T_STREQ(s.flags, "01");
	T_STREQ(s.abo, "O");
	T_STREQ(s.rhd, "pos");
	T_INTEQ(s.nstruct, 2);
	const char *bottom = "=<E1234V00&>0183652359";
	T_OK(isbt_scan(bottom, strlen(bottom), &s, &e) == 0, "003+005");
	T_INTEQ(s.expiry.year, 2018);
	T_INTEQ(s.expiry.month, 12);
	T_INTEQ(s.expiry.day, 31);
	const char *twice = "=A99992112345601=A99992112345601";
	T_OK(isbt_scan(twice, strlen(twice), &s, &e) < 0, "two DINs");
	T_INTEQ(e.pos, 17);
	const char *junk = "=A99992112345601xx";
	T_OK(isbt_scan(junk, strlen(junk), &s, &e) < 0, "junk after");
	T_INTEQ(e.pos, 17);
	const char *unk = "=A99992112345601&,123";
	T_OK(isbt_scan(unk, strlen(unk), &s, &e) < 0, "unknown DI");
	T_STREQ(e.why, "unknown data identifier");

	/* compound message */
	const char *parts[] = { "=Z54991712345600", "=%5100", "=<T0416003",
				"&>0183652359" };
	char buf[128];
	T_OK(isbt_gen_compound(parts, 4, buf, sizeof buf) > 0, "gen 023");
	T_STREQ(buf, "=+04000=Z54991712345600=%5100=<T0416003&>0183652359");
	T_OK(isbt_scan(buf, strlen(buf), &s, &e) == 0, "scan 023");
	T_INTEQ(s.compound_count, 4);
	T_STREQ(s.product, "T0416003");
	const char *bad = "=+05000=Z54991712345600=%5100";
	T_OK(isbt_scan(bad, strlen(bad), &s, &e) < 0, "023 count");
	T_STREQ(e.why, "fewer structures than announced");
	const char *late = "=%5100=+01000=Z54991712345600";
	T_OK(isbt_scan(late, strlen(late), &s, &e) < 0, "023 not first");
	T_OK(isbt_scan("", 0, &s, &e) < 0, "empty scan");
}

static void test_text(void)
{
	char buf[32];
	T_STREQ(isbt_din_text("A999818123456", buf, sizeof buf),
		"A9998 18 123456");
}

int main(void)
{
	test_vectors();
	test_negative();
	test_flags();
	test_dates();
	test_abo();
	test_product_scan();
	test_concat();
	test_text();
	return t_done();
}
