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

/* The patterns are read once per run: an import checks every row. */
static int load_phone_patterns(struct bb_ctx *ctx)
{
	sqlite3_stmt *st = bb_sql(ctx, "SELECT pattern FROM rule_phone_patterns", "");
	int n = 0;

	if (!st)
		return -1;
	while (bb_step(ctx, st) == SQLITE_ROW) {
		ctx->phone_patterns = bb_xrealloc(ctx->phone_patterns,
			(size_t)(n + 1) * sizeof *ctx->phone_patterns);
		ctx->phone_patterns[n++] = bb_xstrdup(bb_col_text(st, 0));
	}
	sqlite3_reset(st);
	ctx->nphone_patterns = n;
	return 0;
}

/* Valid when any pattern matches, or when the table is empty. */
int bb_phone_check(struct bb_ctx *ctx, const char *phone)
{
	if (ctx->nphone_patterns < 0 && load_phone_patterns(ctx))
		return -1;
	for (int i = 0; i < ctx->nphone_patterns; i++)
		if (bb_regex_match(ctx, ctx->phone_patterns[i], phone) == 1)
			return 0;
	return ctx->nphone_patterns == 0 ? 0 : -1;
}
