/*
 * isbt128.h - ISBT 128 data structures: donation identification numbers
 * (DIN) with their ISO/IEC 7064 MOD 37-2 check character, flags, blood
 * groups, product codes, dates, special testing and compound messages.
 *
 * Pure functions: no database, no allocation, no globals.  Every parser
 * checks the data identifier, the content's length and its character set,
 * and on failure fills a struct isbt_err naming the data structure and the
 * 1-based position in the scanned string.
 */
#ifndef ISBT128_H
#define ISBT128_H

#include <stddef.h>
#include <stdint.h>

#define ISBT_DIN_LEN 13		/* alpha pppp yy nnnnnn */
#define ISBT_FIN_LEN 5
#define ISBT_PRODUCT_LEN 8	/* alpha oooo t d s */
#define ISBT_PDC_LEN 5		/* product description code */

struct isbt_err {
	const char *ds;		/* "DS001", "DS005", "scan" ... */
	int pos;		/* 1-based position in the input, 0 = none */
	const char *why;	/* "bad check character" ... */
};

/* Render "DS001 at position 3: not a digit" into buf. */
char *isbt_err_fmt(const struct isbt_err *e, char *buf, size_t n);

/* Value of a MOD 37-2 character: 0-9, A-Z = 10-35, '*' = 36; else -1. */
int isbt_char_value(int c);
/* The character of a value 0..36. */
char isbt_value_char(int v);
/* ISO/IEC 7064 MOD 37-2 checksum (0..36) of s[0..n); -1 when s holds a
 * character outside 0-9 A-Z. */
int isbt_mod37_2(const char *s, size_t n);

/*
 * Check a 13-character DIN: first character A-N, P-Z or 1-9; the next two
 * A-N, P-Z or 0-9; the last ten digits.  Returns 0 or -1 with *e set
 * (position relative to din, plus `offset`).
 */
int isbt_din_check(const char *din, size_t n, int offset, struct isbt_err *e);
/* isbt_mod37_2 of a DIN that passed isbt_din_check, without looking at
 * what kind each character is. */
int isbt_din_mod37(const char *din);
/* The keyboard check character K of a valid 13-character DIN (0 when the
 * DIN is invalid). */
char isbt_din_k(const char *din);
/* Facility identification number: 5 characters as the DIN's first five. */
int isbt_fin_check(const char *fin, struct isbt_err *e);

/* Flag characters. */
enum isbt_flag_type {
	ISBT_FLAG_BAD = 0,
	ISBT_FLAG_1 = 1,	/* 00-19: ICCBBA process control */
	ISBT_FLAG_2 = 2,	/* 20-59: local */
	ISBT_FLAG_3 = 3,	/* 60-96: 60 + checksum */
	ISBT_FLAG_RESERVED = 4	/* 97-99, alphanumeric */
};
enum isbt_flag_type isbt_flag_type(const char ff[2]);
/* Type-3 flags "60".."96" for a DIN into out[3]. */
void isbt_flag3(const char *din, char out[3]);

/* Dates: cyyjjj[hhmm], c = century digit (0 = 2000-2099). */
struct isbt_date {
	int year, month, day, hour, min;
	int has_time;
};
/* Naive minutes-exact seconds since 1970-01-01 (the bb_time scale). */
int64_t isbt_date_to_time(const struct isbt_date *d);
void isbt_time_to_date(int64_t t, struct isbt_date *d);
/* "cyyjjj" or "cyyjjjhhmm" content (without DI) into out; -1 when the year
 * is outside 2000-2999. */
int isbt_fmt_date(int64_t t, int with_time, char *out, size_t n);

/* ABO/RhD (DS002 "gg"): default-column codes. */
/* abo "O","A","B","AB"; rhd "pos","neg" or "" (not given).  NULL when the
 * group is unknown. */
const char *isbt_abo_code(const char *abo, const char *rhd);
/* Decode gg: abo/rhd set to "" when the code carries no group (special
 * messages); returns a short meaning ("default", "directed", "autologous",
 * "pooled", "no ABO/RhD information", "quarantine"...) or NULL when gg is
 * not in Table 4/5. */
const char *isbt_abo_decode(const char gg[2], char abo[static 3],
			    char rhd[static 4]);

/* One scanned data structure. */
enum isbt_ds {
	ISBT_DS_NONE = 0,
	ISBT_DS001 = 1, ISBT_DS002 = 2, ISBT_DS003 = 3, ISBT_DS004 = 4,
	ISBT_DS005 = 5, ISBT_DS006 = 6, ISBT_DS007 = 7, ISBT_DS008 = 8,
	ISBT_DS009 = 9, ISBT_DS010 = 10, ISBT_DS012 = 12, ISBT_DS013 = 13,
	ISBT_DS014 = 14, ISBT_DS017 = 17, ISBT_DS018 = 18, ISBT_DS023 = 23,
	ISBT_DS032 = 32
};

/* Everything a scan (one or more concatenated structures) carried. */
struct isbt_scan {
	uint64_t seen;		/* bit (1 << ds) for each structure found */
	int nstruct;		/* structures parsed (without the 023 header) */
	/* 001 */
	char din[ISBT_DIN_LEN + 1];
	char k;			/* computed check character */
	char flags[3];
	enum isbt_flag_type flag_type;
	/* 002 */
	char abo_code[3];
	char abo[3], rhd[4];
	char rh_pheno;		/* r: Table 6 */
	/* 003 */
	char product[ISBT_PRODUCT_LEN + 1];
	/* 004/005, 006/007, 008/009 */
	struct isbt_date expiry, collection, production;
	/* 010 */
	char special[6];
	/* 012/013/014 raw content */
	char antigens[19];
	/* 023 */
	int compound_count;
	char compound_seq[4];
};

/*
 * Parse a scan: one data structure, several concatenated ones, or a
 * compound message (=+aabbb followed by aa structures).  Returns 0, or -1
 * with *e naming the structure and position of the first error.
 */
int isbt_scan(const char *s, size_t n, struct isbt_scan *out,
	      struct isbt_err *e);

/*
 * Parse a DIN as people type it: 13 characters; 14 with the check
 * character (verified); spaces and a bracketed/boxed K ignored
 * ("A9998 18 123456 N", "A999818123456[N]").  din gets the 13 characters.
 */
int isbt_din_parse(const char *s, char din[static ISBT_DIN_LEN + 1],
		   int *had_k, struct isbt_err *e);

/* Product code DS003 content "alpha oooo t d s" (8 characters). */
int isbt_product_check(const char *p, size_t n, int offset,
		       struct isbt_err *e);

/* Generators: write the full structure (with its DI) into out, NUL-
 * terminated; return its length or -1 when out is too small / data bad. */
int isbt_gen_din(const char *din, const char *flags, char *out, size_t n);
int isbt_gen_abo(const char *abo, const char *rhd, char *out, size_t n);
int isbt_gen_product(const char *product, char *out, size_t n);
int isbt_gen_expiry(int64_t t, char *out, size_t n);		/* 005 */
int isbt_gen_collection(int64_t t, int with_time, char *out, size_t n);
int isbt_gen_special(const char *code, char *out, size_t n);	/* 010 */
/* 023: "=+aa000" followed by the given structures (each with its DI). */
int isbt_gen_compound(const char *const *ds, int nds, char *out, size_t n);

/* Eye-readable DIN: "A9999 26 123456" (FIN, year, sequence). */
char *isbt_din_text(const char *din, char *out, size_t n);

#endif
