/*
 * abo.c - ABO/RhD and sex in the spellings clerks use, parsed once (PCRE2)
 * and written canonically: abo O|A|B|AB, rhd pos|neg, sex M|F.
 */
#include <string.h>

#include "bb.h"

/* Group, optional 型, optional Rh/RhD/Rh(D) word, optional sign or word. */
#define RH_WORD "(?:rh\\s*\\(\\s*d\\s*\\)|rhd|rh)"
#define RH_SIGN "(\\+|-|\xe2\x88\x92|pos|positive|neg|negative|" \
	"\xe9\x98\xb3\xe6\x80\xa7|\xe9\x98\xb4\xe6\x80\xa7|" \
	"\xe9\x98\xb3|\xe9\x98\xb4|\\(\\+\\)|\\(-\\))"
static const char abo_pattern[] =
	"\\s*(ab|a|b|o|0)\\s*(?:\xe5\x9e\x8b)?\\s*(?:" RH_WORD "\\s*)?"
	"(?:" RH_SIGN ")?\\s*(?:\xe8\xa1\x80)?\\s*";
static const char rhd_pattern[] = "\\s*(?:" RH_WORD "\\s*)?" RH_SIGN "\\s*";

/* "+", "pos", "阳性"... -> "pos"; "-", "neg", "阴性"... -> "neg". */
static const char *rhd_word(const char *w)
{
	if (!*w)
		return "";
	if (!strcmp(w, "+") || !strcmp(w, "(+)") || (w[0] | 32) == 'p' ||
	    !strncmp(w, "\xe9\x98\xb3", 3))
		return "pos";
	return "neg";
}

/* The spellings nearly every row uses ("A", "ab+", "O-", "pos") without
 * PCRE2; the same result as the patterns give.  0 when not one of them. */
static int abo_plain(const char *s, char abo[static 3], char rhd[static 4])
{
	const char *t;

	if (bb_streq_ci(s, "pos") || bb_streq_ci(s, "neg")) {
		strcpy(rhd, (s[0] | 32) == 'p' ? "pos" : "neg");
		return 1;
	}
	if ((s[0] | 32) == 'a' && (s[1] | 32) == 'b')
		t = "AB";
	else if ((s[0] | 32) == 'a')
		t = "A";
	else if ((s[0] | 32) == 'b')
		t = "B";
	else if ((s[0] | 32) == 'o' || s[0] == '0')
		t = "O";
	else
		return 0;
	s += t[1] ? 2 : 1;
	if (*s && (s[1] || (*s != '+' && *s != '-')))
		return 0;
	strcpy(abo, t);
	strcpy(rhd, *s == '+' ? "pos" : *s == '-' ? "neg" : "");
	return 1;
}

int bb_abo_parse(struct bb_ctx *ctx, const char *s, char abo[static 3],
		 char rhd[static 4])
{
	char g1[16], g2[16], *groups[2] = { g1, g2 };
	int rc;

	abo[0] = rhd[0] = '\0';
	if (!s || !*s)
		return 0;
	if (abo_plain(s, abo, rhd))
		return 0;
	rc = bb_regex_capture(ctx, abo_pattern, s, 2, groups, sizeof g1);
	if (rc != 1) {
		/* the rhd alone ("RhD neg") leaves abo empty */
		if (bb_regex_capture(ctx, rhd_pattern, s, 1, groups + 1, 16) == 1) {
			strcpy(rhd, rhd_word(g2));
			return 0;
		}
		return -1;
	}
	if (g1[0] == '0' || (g1[0] | 32) == 'o')
		strcpy(abo, "O");
	else if (g1[1])
		strcpy(abo, "AB");
	else
		abo[0] = (char)(g1[0] & ~32), abo[1] = '\0';
	strcpy(rhd, rhd_word(g2));
	return 0;
}

/* Either column may hold the whole group; the rhd column wins for RhD. */
int bb_abo_from_rec(struct bb_ctx *ctx, const char *abo_field,
		    const char *rhd_field, char abo[static 3],
		    char rhd[static 4])
{
	char a2[3], r2[4];

	if (bb_abo_parse(ctx, abo_field, abo, rhd))
		return -1;
	if (rhd_field && *rhd_field) {
		if (bb_abo_parse(ctx, rhd_field, a2, r2) || !*r2 ||
		    (*a2 && *abo && strcmp(a2, abo)))
			return -1;
		if (*rhd && strcmp(rhd, r2))
			return -1;	/* "A+" with rhd "neg" contradicts */
		strcpy(rhd, r2);
		if (!*abo)
			strcpy(abo, a2);
	}
	return 0;
}

int bb_sex_parse(const char *s, char *sex)
{
	static const struct { const char *word; char sex; } words[] = {
		{ "m", 'M' }, { "male", 'M' }, { "man", 'M' },
		{ "\xe7\x94\xb7", 'M' },	/* 男 */
		{ "f", 'F' }, { "female", 'F' }, { "woman", 'F' },
		{ "\xe5\xa5\xb3", 'F' },	/* 女 */
	};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (bb_streq_ci(s, words[i].word)) {
			*sex = words[i].sex;
			return 0;
		}
	return -1;
}
