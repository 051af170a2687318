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
			if (run >= 2) {	/* all the pairs of the run at once */
				size_t k = run & ~(size_t)1;
				if (put_s(out, n, &len, data + i, k) < 0)
					return -1;
				i += k;
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

/* The label is built in memory with plain appends and written with one
 * fwrite: printf-style formatting of ~60 fields per label cost more than
 * everything else together (bench/labels.sh). */
struct zpl {
	double dpm;	/* dots per mm */
	char b[8192];
	size_t n;
};

static inline void app(struct zpl *z, const char *s)
{
	size_t k = strlen(s);
	if (z->n + k < sizeof z->b) {
		memcpy(z->b + z->n, s, k);
		z->n += k;
	}
}

/* Non-negative dot counts (0..99999), digits straight into the buffer. */
static inline void app_int(struct zpl *z, int v)
{
	/* two digits per division: some 65 numbers per label */
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324"
		"25262728293031323334353637383940414243444546474849"
		"50515253545556575859606162636465666768697071727374"
		"75767778798081828384858687888990919293949596979899";
	char *p = z->b + z->n;
	if (z->n + 6 >= sizeof z->b)
		return;
	if (v < 0)
		v = 0;
	if (v < 100000) {
		int nd = v >= 10000 ? 5 : v >= 1000 ? 4 : v >= 100 ? 3 :
			 v >= 10 ? 2 : 1;
		char *q = p + nd;	/* digits from the right */
		while (v >= 100) {
			int r = v % 100;
			v /= 100;
			q -= 2;
			q[0] = pairs[2 * r];
			q[1] = pairs[2 * r + 1];
		}
		if (v >= 10) {
			q[-2] = pairs[2 * v];
			q[-1] = pairs[2 * v + 1];
		} else {
			q[-1] = (char)('0' + v);
		}
		z->n += (size_t)nd;
		return;
	}
	/* (no such dot count on a 100 mm label: the low five digits) */
	if (v >= 10000)
		*p++ = (char)('0' + v / 10000 % 10);
	if (v >= 1000)
		*p++ = (char)('0' + v / 1000 % 10);
	if (v >= 100)
		*p++ = (char)('0' + v / 100 % 10);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	z->n = (size_t)(p - z->b);
}

/* Field data with the ZPL specials blanked (labels carry no ^ or ~). */
static void app_fd(struct zpl *z, const char *s)
{
	for (; *s && z->n + 1 < sizeof z->b; s++)
		z->b[z->n++] = *s == '^' || *s == '~' ? ' ' : *s;
}

static int d(const struct zpl *z, double mm)
{
	return (int)(mm * z->dpm + 0.5);
}

static void fo(struct zpl *z, double x, double y)
{
	app(z, "^FO");
	app_int(z, d(z, x));
	app(z, ",");
	app_int(z, d(z, y));
}

static void font(struct zpl *z, char orient, double h, double w)
{
	app(z, "^A0");
	z->b[z->n++] = orient;
	app(z, ",");
	app_int(z, d(z, h));
	app(z, ",");
	app_int(z, d(z, w));
}

/* A text field "pre s post" (pre and post are ours, s is data). */
static void text3(struct zpl *z, double x, double y, double h,
		  const char *pre, const char *s, const char *post)
{
	fo(z, x, y);
	font(z, 'N', h, h * 0.8);
	app(z, "^FD");
	app(z, pre);
	app_fd(z, s);
	app(z, post);
	app(z, "^FS\n");
}

static void text(struct zpl *z, double x, double y, double h, const char *s)
{
	text3(z, x, y, h, "", s, "");
}

static void code128(struct zpl *z, double x, double y, double h,
		    const char *data)
{
	char enc[128];
	if (label_code128_zpl(data, enc, sizeof enc) < 0)
		return;
	fo(z, x, y);
	app(z, "^BCN,");
	app_int(z, d(z, h));
	app(z, ",N,N,N,N^FD");
	app(z, enc);
	app(z, "^FS\n");
}

static void box(struct zpl *z, double x, double y, double w, double h, int t)
{
	fo(z, x, y);
	app(z, "^GB");
	app_int(z, d(z, w));
	app(z, ",");
	app_int(z, h < 0 ? 1 : d(z, h));
	app(z, ",");
	app_int(z, t);
	app(z, "^FS\n");
}

int label_zpl(FILE *fp, const struct ul_label *l, int dpi, int datamatrix)
{
	struct zpl z;
	const struct bb_unit *u = &l->u;
	char k[2] = { l->k, 0 };

	z.dpm = dpi / 25.4;
	z.n = 0;
	app(&z, "^XA\n^CI28\n^PW");
	app_int(&z, d(&z, 100));
	app(&z, "\n^LL");
	app_int(&z, d(&z, 100));
	/* module width: 2 dots = 0.25 mm at 203 dpi, 3 dots = 0.254 mm at 300 */
	app(&z, "\n^LH0,0\n^BY");
	app_int(&z, dpi >= 300 ? 3 : 2);
	app(&z, ",3,");
	app_int(&z, d(&z, 8));
	app(&z, "\n");
	/* upper left: DIN, K boxed, type 1/2 flags rotated */
	code128(&z, 5, 5, 8, l->din_ds);
	text(&z, 5, 15, 3.5, l->din_text);
	box(&z, 38.3, 14.4, 3.4, 4.6, 2);
	text(&z, 39, 15, 3.5, k);
	if (strcmp(l->flags, "00") &&
	    (isbt_flag_type(l->flags) == ISBT_FLAG_1 ||
	     isbt_flag_type(l->flags) == ISBT_FLAG_2)) {
		fo(&z, 42.5, 14.5);
		font(&z, 'R', 2.5, 2);
		app(&z, "^FD");
		app(&z, l->flags);
		app(&z, "^FS\n");
	}
	if (u->collected_at[0]) {
		char day[11];
		memcpy(day, u->collected_at, 10);
		day[10] = 0;
		text3(&z, 5, 21, 3, "Collected ", day, "");
	}
	text(&z, 5, 25.5, 3, l->facility);
	/* upper right: ABO/RhD */
	code128(&z, 52, 5, 8, l->abo_ds);
	text(&z, 54, 17, 18, u->abo[0] ? u->abo : "--");
	text(&z, 54, 37, 5, !strcmp(u->rhd, "pos") ? "RhD POSITIVE"
			   : !strcmp(u->rhd, "neg") ? "RhD NEGATIVE" : "RhD --");
	box(&z, 2, 50, 96, -1, 1);
	/* lower left: product */
	code128(&z, 5, 55, 8, l->product_ds);
	text(&z, 5, 65, 3.5, u->product);
	fo(&z, 5, 71);
	font(&z, 'N', 3.2, 2.6);
	app(&z, "^FB");
	app_int(&z, d(&z, 42));
	app(&z, ",4,0,L,0^FD");
	app_fd(&z, l->desc_en);
	app(&z, "^FS\n");
	if (u->volume_ml[0]) {
		fo(&z, 5, 90);
		font(&z, 'N', 3, 2.4);
		app(&z, "^FD");
		app_fd(&z, u->volume_ml);
		app(&z, " ml  ");
		app_fd(&z, u->units[0] ? u->units : "-");
		app(&z, " U^FS\n");
	}
	/* lower right: expiry */
	code128(&z, 52, 55, 8, l->expiry_ds);
	text3(&z, 52, 65, 3.5, "EXP ", u->expires_at, "");
	if (u->attributes[0])
		text(&z, 52, 71, 3, u->attributes);
	if (u->antigens[0])	/* special testing as its interpretation */
		text3(&z, 52, 76, 3, "Ag ", u->antigens, "");
	if (datamatrix && l->compound[0]) {
		fo(&z, 86, 87);
		app(&z, "^BXN,");
		app_int(&z, dpi >= 300 ? 5 : 3);
		app(&z, ",200,0,0,1,_^FD");
		app(&z, l->compound);
		app(&z, "^FS\n");
	}
	app(&z, "^XZ\n");
	return fwrite(z.b, 1, z.n, fp) == z.n ? 0 : -1;
}
