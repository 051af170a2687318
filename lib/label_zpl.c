/*
 * label_zpl.c - the 100 x 100 mm ISBT 128 label as ZPL II for Zebra
 * printers at 203 or 300 dpi: one ^XA...^XZ per label, Code 128 through
 * ^BC with explicit subset invocation codes (subset C for digit runs),
 * Data Matrix ECC 200 through ^BX.  Layout as in label_svg.c.
 */
#include <string.h>

#include "ul.h"

/* Length of the digit run at s. */
static size_t digit_run(const char *s)
{
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* Append one data character in subset B, escaped for ^FD. */
static int put_b(char *out, size_t n, size_t *len, char c)
{
	const char *esc = c == '>' ? ">0" : c == '^' ? "><" : c == '~' ? ">=" : NULL;
	size_t need = esc ? 2 : 1;
	if (*len + need + 1 > n)
		return -1;
	if (esc) {
		memcpy(out + *len, esc, 2);
	} else {
		out[*len] = c;
	}
	*len += need;
	out[*len] = 0;
	return 0;
}

static int put_s(char *out, size_t n, size_t *len, const char *s, size_t k)
{
	if (*len + k + 1 > n)
		return -1;
	memcpy(out + *len, s, k);
	*len += k;
	out[*len] = 0;
	return 0;
}

/*
 * Subset choice as ISO/IEC 15417 Annex E recommends: start in C for a
 * leading run of 4 or more digits (or an all-digit even string); in B,
 * switch to C for an even run of 4+ digits at the end or 6+ inside (an
 * odd run leaves its first digit in B).  Data characters outside
 * ASCII 32-126 are refused: ISBT 128 uses none.
 */
int label_code128_zpl(const char *data, char *out, size_t n)
{
	size_t len = 0, i = 0, total = strlen(data);
	int c_mode;

	out[0] = 0;
	for (size_t k = 0; k < total; k++)
		if ((unsigned char)data[k] < 32 || (unsigned char)data[k] > 126)
			return -1;
	size_t run = digit_run(data);
	c_mode = run >= 4 || (run == total && run >= 2 && run % 2 == 0);
	if (c_mode && run % 2)
		c_mode = 0;	/* odd leading run: first digit in B */
	if (put_s(out, n, &len, c_mode ? ">;" : ">:", 2) < 0)
		return -1;
	while (i < total) {
		run = digit_run(data + i);
		if (c_mode) {
			if (run >= 2) {
				if (put_s(out, n, &len, data + i, 2) < 0)
					return -1;
				i += 2;
				continue;
			}
			if (put_s(out, n, &len, ">6", 2) < 0)
				return -1;
			c_mode = 0;
			continue;
		}
		int at_end = i + run == total;
		if ((run >= 6 || (run >= 4 && at_end))) {
			if (run % 2) {
				if (put_b(out, n, &len, data[i]) < 0)
					return -1;
				i++;
			}
			if (put_s(out, n, &len, ">5", 2) < 0)
				return -1;
			c_mode = 1;
			continue;
		}
		if (put_b(out, n, &len, data[i]) < 0)
			return -1;
		i++;
	}
	return (int)len;
}

struct zpl {
	FILE *fp;
	double dpm;	/* dots per mm */
};

static int d(const struct zpl *z, double mm)
{
	return (int)(mm * z->dpm + 0.5);
}

/* Text field: ^FD with the ZPL specials replaced (labels carry no ^ or ~). */
static void text(const struct zpl *z, double x, double y, double h,
		 const char *s)
{
	fprintf(z->fp, "^FO%d,%d^A0N,%d,%d^FD", d(z, x), d(z, y), d(z, h),
		d(z, h * 0.8));
	for (; *s; s++)
		fputc(*s == '^' || *s == '~' ? ' ' : *s, z->fp);
	fputs("^FS\n", z->fp);
}

static void code128(const struct zpl *z, double x, double y, double h,
		    const char *data)
{
	char enc[128];
	if (label_code128_zpl(data, enc, sizeof enc) < 0)
		return;
	fprintf(z->fp, "^FO%d,%d^BCN,%d,N,N,N,N^FD%s^FS\n", d(z, x), d(z, y),
		d(z, h), enc);
}

int label_zpl(FILE *fp, const struct ul_label *l, int dpi, int datamatrix)
{
	struct zpl z = { fp, dpi / 25.4 };
	const struct ul_unit *u = &l->u;
	char k[2] = { l->k, 0 };

	fprintf(fp, "^XA\n^CI28\n^PW%d\n^LL%d\n^LH0,0\n", d(&z, 100),
		d(&z, 100));
	/* module width: 2 dots = 0.25 mm at 203 dpi, 3 dots = 0.254 mm at 300 */
	fprintf(fp, "^BY%d,3,%d\n", dpi >= 300 ? 3 : 2, d(&z, 8));
	/* upper left: DIN */
	code128(&z, 5, 5, 8, l->din_ds);
	text(&z, 5, 15, 3.5, l->din_text);
	fprintf(fp, "^FO%d,%d^GB%d,%d,2^FS\n", d(&z, 38.3), d(&z, 14.4),
		d(&z, 3.4), d(&z, 4.6));
	text(&z, 39, 15, 3.5, k);
	if (strcmp(l->flags, "00") &&
	    (isbt_flag_type(l->flags) == ISBT_FLAG_1 ||
	     isbt_flag_type(l->flags) == ISBT_FLAG_2))
		fprintf(fp, "^FO%d,%d^A0R,%d,%d^FD%s^FS\n", d(&z, 42.5),
			d(&z, 14.5), d(&z, 2.5), d(&z, 2), l->flags);
	if (u->collected_at[0]) {
		char line[40];
		snprintf(line, sizeof line, "Collected %.10s", u->collected_at);
		text(&z, 5, 21, 3, line);
	}
	text(&z, 5, 25.5, 3, l->facility);
	/* upper right: ABO/RhD */
	code128(&z, 52, 5, 8, l->abo_ds);
	text(&z, 54, 17, 18, u->abo[0] ? u->abo : "--");
	text(&z, 54, 37, 5, !strcmp(u->rhd, "pos") ? "RhD POSITIVE"
			   : !strcmp(u->rhd, "neg") ? "RhD NEGATIVE" : "RhD --");
	fprintf(fp, "^FO%d,%d^GB%d,1,1^FS\n", d(&z, 2), d(&z, 50), d(&z, 96));
	/* lower left: product */
	code128(&z, 5, 55, 8, l->product_ds);
	text(&z, 5, 65, 3.5, u->product);
	fprintf(fp, "^FO%d,%d^A0N,%d,%d^FB%d,4,0,L,0^FD", d(&z, 5), d(&z, 71),
		d(&z, 3.2), d(&z, 2.6), d(&z, 42));
	for (const char *s = l->desc_en; *s; s++)
		fputc(*s == '^' || *s == '~' ? ' ' : *s, fp);
	fputs("^FS\n", fp);
	if (u->volume_ml[0]) {
		char line[64];
		snprintf(line, sizeof line, "%s ml  %s U", u->volume_ml,
			 u->units[0] ? u->units : "-");
		text(&z, 5, 90, 3, line);
	}
	/* lower right: expiry */
	code128(&z, 52, 55, 8, l->expiry_ds);
	{
		char line[40];
		snprintf(line, sizeof line, "EXP %s", u->expires_at);
		text(&z, 52, 65, 3.5, line);
	}
	if (u->attributes[0])
		text(&z, 52, 71, 3, u->attributes);
	if (datamatrix && l->compound[0])
		fprintf(fp, "^FO%d,%d^BXN,%d,200,0,0,1,_^FD%s^FS\n", d(&z, 78),
			d(&z, 76), dpi >= 300 ? 5 : 3, l->compound);
	fputs("^XZ\n", fp);
	return ferror(fp) ? -1 : 0;
}
