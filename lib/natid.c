/* natid.c - GB 11643-1999 citizen ID numbers, and phone numbers. */
#include <ctype.h>
#include <string.h>

#include "bb.h"

/* ISO 7064 MOD 11-2 as GB 11643 applies it to the first 17 digits. */
char bb_natid_check_char(const char *first17)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10,
				   5, 8, 4, 2 };
	static const char map[] = "10X98765432";
	int sum = 0;

	for (int i = 0; i < 17; i++) {
		if (!isdigit((unsigned char)first17[i]))
			return '?';
		sum += (first17[i] - '0') * w[i];
	}
	return map[sum % 11];
}

int bb_natid_check(const char *id, bb_time *birth, char *sex,
		   const char **why)
{
	char date[11];
	size_t n = strlen(id);
	char k;

	if (n != 18)
		return *why = "national ID must have 18 characters", -1;
	for (int i = 0; i < 17; i++)
		if (!isdigit((unsigned char)id[i]))
			return *why = "national ID: the first 17 characters must be digits", -1;
	if (id[0] == '0')
		return *why = "national ID: no such region code", -1;
	/* "YYYY-MM-DD" from the digits (no snprintf: import calls this per row) */
	memcpy(date, id + 6, 4);
	date[4] = '-';
	memcpy(date + 5, id + 10, 2);
	date[7] = '-';
	memcpy(date + 8, id + 12, 2);
	date[10] = '\0';
	if (bb_parse_date(date, birth, why))
		return *why = "national ID: the birth date in it is not a date", -1;
	k = bb_natid_check_char(id);
	if (toupper((unsigned char)id[17]) != k)
		return *why = "national ID: check character does not match (MOD 11-2)", -1;
	*sex = (id[16] - '0') % 2 ? 'M' : 'F';
	return 0;
}

int bb_phone_check(struct bb_ctx *ctx, const char *phone)
{
	static const char sql[] = "SELECT pattern FROM rule_phone_patterns";
	sqlite3_stmt *st = bb_sql(ctx, sql, "");
	int ok = 0, any = 0;

	while (st && !ok && bb_step(ctx, st) == SQLITE_ROW) {
		any = 1;
		ok = bb_regex_match(ctx, bb_col_text(st, 0), phone) == 1;
	}
	if (st)
		sqlite3_reset(st);
	return ok || !any ? 0 : -1;
}
