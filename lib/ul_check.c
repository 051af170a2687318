/*
 * ul_check.c - `unit-label check`: validate DINs and parse scanned ISBT 128
 * strings (SPEC Appendix A "scan").  No database.
 */
#include <string.h>

#include "ul.h"

static const char *const scan_cols[] = {
	"input", "valid", "din", "check", "flags", "abo", "rhd",
	"product_code", "expires_at", "error", "flag_type", "collected_at",
	"special_testing", NULL
};
#define NSCAN 13

/* v (0-99) as two digits, from a table of the hundred pairs */
static inline void put2(char *p, int v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324"
		"25262728293031323334353637383940414243444546474849"
		"50515253545556575859606162636465666768697071727374"
		"75767778798081828384858687888990919293949596979899";
	memcpy(p, pairs + 2 * (v % 100), 2);
}

/* "YYYY-MM-DD HH:MM" by hand: snprintf per field was a tenth of the time
 * of a million-code check.  No time in the structure: the day ends at
 * 23:59. */
static inline void fmt_date(const struct isbt_date *d, char *out, size_t n)
{
	if (!d->year || n < 17) {
		out[0] = 0;
		return;
	}
	put2(out, d->year / 100);
	put2(out + 2, d->year % 100);
	out[4] = '-';
	put2(out + 5, d->month);
	out[7] = '-';
	put2(out + 8, d->day);
	out[10] = ' ';
	put2(out + 11, d->has_time ? d->hour : 23);
	out[13] = ':';
	put2(out + 14, d->has_time ? d->min : 59);
	out[16] = 0;
}

static const char *flag_type_name(enum isbt_flag_type t)
{
	switch (t) {
	case ISBT_FLAG_1: return "1";
	case ISBT_FLAG_2: return "2";
	case ISBT_FLAG_3: return "3";
	case ISBT_FLAG_RESERVED: return "reserved";
	default: return "";
	}
}

/* Check one code (n bytes) and write its row; returns 1 when valid. */
static int check_code(struct bb_writer *w, const char *code, size_t n)
{
	static const struct isbt_scan none;	/* (see isbt_scan) */
	struct isbt_scan s;
	struct isbt_err e;
	char err[160], k[2] = "", exp[17], col[17];
	int ok;

	err[0] = 0;
	if (code[0] == '=' || code[0] == '&') {	/* isbt_scan clears s */
		ok = isbt_scan(code, n, &s, &e) == 0;
		if (ok && s.din[0])
			k[0] = s.k;
	} else {
		s = none;
		ok = isbt_din_parse(code, s.din, NULL, &e) == 0;
		if (ok)		/* a checked DIN */
			k[0] = isbt_value_char(isbt_din_mod37(s.din));
	}
	if (!ok) {
		isbt_err_fmt(&e, err, sizeof err);
		s = none;	/* no half-parsed fields */
	}
	fmt_date(&s.expiry, exp, sizeof exp);
	fmt_date(&s.collection, col, sizeof col);
	/* a collection date without time is a date, not 23:59 */
	if (col[0] && !s.collection.has_time)
		col[10] = 0;
	const char *ft = s.din[0] && s.flags[0] ? flag_type_name(s.flag_type)
						: "";
	const char *v[NSCAN] = {
		code, ok ? "yes" : "no", s.din, k, s.flags, s.abo, s.rhd,
		s.product, exp, err, ft, col, s.special
	};
	bb_writer_row(w, v);
	return ok;
}

struct check_args {
	struct bb_writer *w;
	int invalid;
};

static int check_row(struct bb_ctx *ctx, struct bb_reader *r,
		     struct bb_rec *rec, void *arg)
{
	struct check_args *a = arg;
	const char *code = bb_col(rec, 0);	/* "code", the one column */

	if (!*code) {
		bb_reject(ctx, r, rec, "code", "missing", NULL);
		return BB_OK;
	}
	if (!check_code(a->w, code, strlen(code)))
		a->invalid++;
	return BB_OK;
}

int ul_check(struct bb_ctx *ctx, int argc, char **argv)
{
	static const char *const cols[] = { "code", NULL };
	static const char *const req[] = { "code", NULL };
	const char *code = NULL;
	const struct bb_opt opts[] = {
		{ "code", 'c', BB_ARG, &code, NULL,
		  "--code STRING  check this code instead of reading CSV" },
		BB_OPT_END
	};
	struct check_args a = { NULL, 0 };
	int first, rc;

	if ((rc = bb_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc < 0 ? BB_OK : rc;
	if (code && first < argc)
		return bb_usage_error(ctx, "give --code or files, not both");
	if (!(a.w = bb_writer_open(ctx, scan_cols, NSCAN)))
		return BB_ESYS;
	bb_writer_batch(a.w);	/* nothing else goes to the output */
	if (code) {
		char buf[BB_FIELD_MAX];
		snprintf(buf, sizeof buf, "%s", code);
		const char *c = bb_trim(buf);
		if (!check_code(a.w, c, strlen(c)))
			a.invalid++;
		rc = BB_OK;
	} else {
		rc = ul_each_file(ctx, argc, argv, first, cols, req, 0, check_row,
				  &a);
	}
	int wrc = bb_writer_close(a.w);
	if (rc == BB_OK)
		rc = wrc;
	if (rc == BB_OK && ctx->nrejected)
		rc = BB_EROWS;
	if (rc == BB_OK && a.invalid)
		rc = BB_EATTN;
	return rc;
}
