/*
 * label_zpl.c - the 100 x 100 mm ISBT 128 label as ZPL II for Zebra
 * printers at 203 or 300 dpi: one ^XA...^XZ per label, Code 128 through
 * ^BC with explicit subset invocation codes (subset C for digit runs),
 * Data Matrix ECC 200 through ^BX.  Layout as in label_svg.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
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

/* Append one data character in subset B, escaped for ^FD (the string
 * is terminated once, at the end: room for the NUL is kept). */
static inline int put_b(char *out, size_t n, size_t *len, char c)
{
	if ((unsigned char)c < 32 || (unsigned char)c > 126)
		return -1;	/* (digits never come here) */
	if (c != '>' && c != '^' && c != '~') {
		if (*len + 2 > n)
			return -1;
		out[(*len)++] = c;
		return 0;
	}
	if (*len + 3 > n)
		return -1;
	out[*len] = '>';
	out[*len + 1] = c == '>' ? '0' : c == '^' ? '<' : '=';
	*len += 2;
	return 0;
}

static inline int put_s(char *out, size_t n, size_t *len, const char *s,
			size_t k)
{
	if (*len + k + 1 > n)
		return -1;
	memcpy(out + *len, s, k);
	*len += k;
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

	/* characters outside 32-126 are refused as put_b meets them: out is
	 * then "" */
	out[0] = 0;
	size_t run = digit_run(data);
	c_mode = run >= 4 || (run == total && run >= 2 && run % 2 == 0);
	if (c_mode && run % 2)
		c_mode = 0;	/* odd leading run: first digit in B */
	if (put_s(out, n, &len, c_mode ? ">;" : ">:", 2) < 0)
		return out[0] = 0, -1;
	while (i < total) {
		if (!c_mode && (data[i] < '0' || data[i] > '9')) {
			if (put_b(out, n, &len, data[i]) < 0)
				return out[0] = 0, -1;
			i++;
			continue;
		}
		run = digit_run(data + i);
		if (c_mode) {
			if (run >= 2) {	/* all the pairs of the run at once */
				size_t k = run & ~(size_t)1;
				if (put_s(out, n, &len, data + i, k) < 0)
					return out[0] = 0, -1;
				i += k;
				continue;
			}
			if (put_s(out, n, &len, ">6", 2) < 0)
				return out[0] = 0, -1;
			c_mode = 0;
			continue;
		}
		int at_end = i + run == total;
		if ((run >= 6 || (run >= 4 && at_end))) {
			if (run % 2) {
				if (put_b(out, n, &len, data[i]) < 0)
					return out[0] = 0, -1;
				i++;
			}
			if (put_s(out, n, &len, ">5", 2) < 0)
				return out[0] = 0, -1;
			c_mode = 1;
			continue;
		}
		if (put_b(out, n, &len, data[i]) < 0)
			return out[0] = 0, -1;
		i++;
	}
	out[len] = 0;
	return (int)len;
}

/*
 * The layout is fixed per dpi: every ^FO/^A0/^BC/^GB command and its dot
 * counts are rendered once into a template (label_zpl_tmpl), and each
 * label is the template's pieces with the unit's fields spliced in,
 * written with one fwrite.  Formatting the ~65 numbers of a label every
 * time cost more than everything else together (bench/labels.sh).
 */
#define LABEL_MAX 8192		/* room a label may take */
#define OUT_CAP (64 * 1024)	/* labels written in one go */

struct zpl {
	double dpm;	/* dots per mm */
	char *b;	/* a label's own buffer, or the batch's */
	size_t n, cap;
	char own[LABEL_MAX];
};

/* inline: some twenty pieces a label, most under 32 bytes, where a call
 * to memcpy costs more than the copy */
static inline void app_n(struct zpl *z, const char *s, size_t k)
{
	if (z->n + k >= z->cap)
		return;
	char *d = z->b + z->n;
	if (k >= 8 && k <= 32) {	/* whole words, the last overlapping */
		size_t i = 0;
		for (; i + 8 < k; i += 8)
			memcpy(d + i, s + i, 8);
		memcpy(d + k - 8, s + k - 8, 8);
	} else if (k > 32) {
		memcpy(d, s, k);
	} else {
		for (size_t i = 0; i < k; i++)
			d[i] = s[i];
	}
	z->n += k;
}

static inline void app(struct zpl *z, const char *s)
{
	app_n(z, s, strlen(s));
}

/* Non-negative dot counts, digits straight into the buffer. */
static void app_int(struct zpl *z, int v)
{
	char d[12];
	int i = sizeof d;
	if (v < 0)
		v = 0;
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	/* (byte by byte: app_n's path for long pieces made gcc -O2 with
	 * the sanitizers see a memcpy past d) */
	size_t k = sizeof d - (size_t)i;
	if (z->n + k >= z->cap)
		return;
	for (size_t j = 0; j < k; j++)
		z->b[z->n + j] = d[(size_t)i + j];
	z->n += k;
}

/* Field data with the ZPL specials blanked (labels carry no ^ or ~). */
static void app_fd(struct zpl *z, const char *s)
{
	/* '^' 0x5e and '~' 0x7e differ in bit 0x20 alone: 8 bytes at a
	 * time are checked for either with the has-a-zero-byte test */
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t k = strlen(s), room = z->cap - 1 - z->n, i = 0;
	char *p = z->b + z->n;
	if (k > room)
		k = room;
	for (; i + 8 <= k; i += 8) {
		uint64_t w, x;
		memcpy(&w, s + i, 8);
		x = (w | 0x2020202020202020u) ^ 0x7e7e7e7e7e7e7e7eu;
		if ((x - ones) & ~x & highs)
			break;
		memcpy(p + i, &w, 8);
	}
	if (i + 4 <= k) {
		uint32_t w, x;
		memcpy(&w, s + i, 4);
		x = (w | 0x20202020u) ^ 0x7e7e7e7eu;
		if (!((x - 0x01010101u) & ~x & 0x80808080u)) {
			memcpy(p + i, &w, 4);
			i += 4;
		}
	}
	for (; i < k; i++)
		p[i] = (s[i] | 0x20) == '~' ? ' ' : s[i];
	z->n += k;
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
	char o[2] = { orient, 0 };
	app(z, "^A0");
	app(z, o);
	app(z, ",");
	app_int(z, d(z, h));
	app(z, ",");
	app_int(z, d(z, w));
}

/* Head of a text field up to its data: "^FO..^A0N,h,w^FDpre". */
static void text_head(struct zpl *z, double x, double y, double h,
		      const char *pre)
{
	fo(z, x, y);
	font(z, 'N', h, h * 0.8);
	app(z, "^FD");
	app(z, pre);
}

/* Head of a Code 128 field up to its data. */
static void code128_head(struct zpl *z, double x, double y, double h)
{
	fo(z, x, y);
	app(z, "^BCN,");
	app_int(z, d(z, h));
	app(z, ",N,N,N,N^FD");
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

/* The template's pieces, in label order: each is what precedes a field. */
enum {
	P_HEAD, P_DIN_BC, P_DIN_TEXT, P_K, P_FLAGS, P_COLLECTED, P_FACILITY,
	P_ABO_BC, P_ABO_TEXT, P_RHD, P_RULE, P_PRODUCT_BC, P_PRODUCT_TEXT,
	P_DESC, P_VOLUME, P_EXPIRY_BC, P_EXPIRY_TEXT, P_ATTRS, P_ANTIGENS,
	P_DM, P_N
};

/*
 * The last few encodings of each barcode (DIN, ABO, product, expiry):
 * a print run repeats the product, expiry and group codes label after
 * label, and their Code 128 encoding is the costliest part of a label.
 */
enum { BC_DIN, BC_ABO, BC_PRODUCT, BC_EXPIRY, BC_N, BC_WAYS = 8 };
#define BC_KEY 4		/* words of a memo key: data up to 31 bytes */
struct bc_memo {
	uint64_t key[BC_KEY];	/* the data, zero-padded; all 0 = unused */
	char enc[96];
	int len;		/* label_code128_zpl's result */
};

struct zpl_tmpl {
	char *out;		/* labels not yet written (label_zpl_tmpl) */
	size_t nout;
	int err;		/* errno of the first failed write */
	unsigned short off[P_N], len[P_N];
	char s[2048];
	struct bc_memo memo[BC_N][BC_WAYS];
	unsigned char next[BC_N];	/* way to replace next */
};



static void tmpl_render(struct zpl_tmpl *t, int dpi)
{
	struct zpl z;
	size_t from;
	int p;

	z.dpm = dpi / 25.4;
	z.b = z.own;
	z.n = 0;
	z.cap = sizeof z.own;
#define PIECE(id) (p = (id), from = z.n)
#define END() (t->off[p] = (unsigned short)from, \
	       t->len[p] = (unsigned short)(z.n - from))
	PIECE(P_HEAD);
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
	END();
	/* upper left: DIN, K boxed, type 1/2 flags rotated */
	PIECE(P_DIN_BC), code128_head(&z, 5, 5, 8), END();
	PIECE(P_DIN_TEXT), text_head(&z, 5, 15, 3.5, ""), END();
	PIECE(P_K);
	box(&z, 38.3, 14.4, 3.4, 4.6, 2);
	text_head(&z, 39, 15, 3.5, "");
	END();
	PIECE(P_FLAGS);
	fo(&z, 42.5, 14.5);
	font(&z, 'R', 2.5, 2);
	app(&z, "^FD");
	END();
	PIECE(P_COLLECTED), text_head(&z, 5, 21, 3, "Collected "), END();
	PIECE(P_FACILITY), text_head(&z, 5, 25.5, 3, ""), END();
	/* upper right: ABO/RhD */
	PIECE(P_ABO_BC), code128_head(&z, 52, 5, 8), END();
	PIECE(P_ABO_TEXT), text_head(&z, 54, 17, 18, ""), END();
	PIECE(P_RHD), text_head(&z, 54, 37, 5, ""), END();
	PIECE(P_RULE), box(&z, 2, 50, 96, -1, 1), END();
	/* lower left: product */
	PIECE(P_PRODUCT_BC), code128_head(&z, 5, 55, 8), END();
	PIECE(P_PRODUCT_TEXT), text_head(&z, 5, 65, 3.5, ""), END();
	PIECE(P_DESC);
	fo(&z, 5, 71);
	font(&z, 'N', 3.2, 2.6);
	app(&z, "^FB");
	app_int(&z, d(&z, 42));
	app(&z, ",4,0,L,0^FD");
	END();
	PIECE(P_VOLUME);
	fo(&z, 5, 90);
	font(&z, 'N', 3, 2.4);
	app(&z, "^FD");
	END();
	/* lower right: expiry */
	PIECE(P_EXPIRY_BC), code128_head(&z, 52, 55, 8), END();
	PIECE(P_EXPIRY_TEXT), text_head(&z, 52, 65, 3.5, "EXP "), END();
	PIECE(P_ATTRS), text_head(&z, 52, 71, 3, ""), END();
	PIECE(P_ANTIGENS), text_head(&z, 52, 76, 3, "Ag "), END();
	PIECE(P_DM);
	fo(&z, 86, 87);
	app(&z, "^BXN,");
	app_int(&z, dpi >= 300 ? 5 : 3);
	app(&z, ",200,0,0,1,_^FD");
	END();
#undef PIECE
#undef END
	memcpy(t->s, z.b, z.n < sizeof t->s ? z.n : sizeof t->s);
	for (int b = 0; b < BC_N; b++) {
		for (int w = 0; w < BC_WAYS; w++)
			memset(t->memo[b][w].key, 0, sizeof t->memo[b][w].key);
		t->next[b] = 0;
	}
}

/* The layout at dpi, rendered once for a run of labels, which are written
 * OUT_CAP bytes at a time (label_zpl_end writes the rest and frees t). */
struct zpl_tmpl *label_zpl_tmpl(int dpi)
{
	struct zpl_tmpl *t = malloc(sizeof *t);
	if (!t)
		return NULL;
	tmpl_render(t, dpi);
	t->nout = 0;
	t->err = 0;
	if (!(t->out = malloc(OUT_CAP))) {
		free(t);
		return NULL;
	}
	return t;
}

static int flush_out(FILE *fp, struct zpl_tmpl *t)
{
	size_t n = t->nout;
	t->nout = 0;
	if (fwrite(t->out, 1, n, fp) == n)
		return 0;
	if (!t->err)
		t->err = errno ? errno : EIO;
	return -1;
}

int label_zpl_end(FILE *fp, struct zpl_tmpl *t)
{
	int rc = 0;
	if (t) {
		if (t->out && fp)
			flush_out(fp, t);
		if (t->err) {
			errno = t->err;	/* for the caller's message */
			rc = -1;
		}
		free(t->out);
		free(t);
	}
	return rc;
}

static inline void piece(struct zpl *z, const struct zpl_tmpl *t, int p)
{
	app_n(z, t->s + t->off[p], t->len[p]);
}

static inline void fs(struct zpl *z)
{
	app_n(z, "^FS\n", 4);
}

/* A text field: the piece, the data escaped, ^FS. */
static void text(struct zpl *z, const struct zpl_tmpl *t, int p,
		 const char *s)
{
	piece(z, t, p);
	app_fd(z, s);
	fs(z);
}

/* A Code 128 field; none at all when data cannot be encoded. */
static void code128(struct zpl *z, struct zpl_tmpl *t, int p, int bc,
		    const char *data)
{
	struct bc_memo *m = t->memo[bc], *hit = NULL;
	uint64_t key[BC_KEY] = { 0 };
	char enc[128];
	const char *e = enc;
	size_t n = 0;
	int k;

	/* (every DIN is new: no memo) the key compares as four words: a
	 * ring of strcmp calls cost more than the encodings it saved */
	if (bc != BC_DIN && (n = strlen(data)) < sizeof key) {
		memcpy(key, data, n);
		for (int w = 0; w < BC_WAYS; w++)
			if (!((m[w].key[0] ^ key[0]) | (m[w].key[1] ^ key[1]) |
			      (m[w].key[2] ^ key[2]) | (m[w].key[3] ^ key[3]))) {
				hit = &m[w];
				break;
			}
	}
	if (hit && n) {
		k = hit->len;
		e = hit->enc;
	} else {
		k = label_code128_zpl(data, enc, sizeof enc);
		if (n && n < sizeof key && k < (int)sizeof m->enc) {
			struct bc_memo *f = &m[t->next[bc]];
			t->next[bc] = (unsigned char)((t->next[bc] + 1) %
						      BC_WAYS);
			memcpy(f->key, key, sizeof key);
			f->len = k;
			if (k > 0)
				memcpy(f->enc, enc, (size_t)k);
		}
	}
	if (k < 0)
		return;
	piece(z, t, p);
	app_n(z, e, (size_t)k);
	fs(z);
}

int label_zpl_with(FILE *fp, const struct ul_label *l,
		   struct zpl_tmpl *t, int datamatrix)
{
	struct zpl z;
	const struct bb_unit *u = &l->u;
	char k[2] = { l->k, 0 };

	/* straight into the batch when there is one */
	if (t->out && OUT_CAP - t->nout < LABEL_MAX && flush_out(fp, t) < 0)
		return -1;
	z.b = t->out ? t->out + t->nout : z.own;
	z.cap = t->out ? OUT_CAP - t->nout : sizeof z.own;
	z.n = 0;
	piece(&z, t, P_HEAD);
	code128(&z, t, P_DIN_BC, BC_DIN, l->din_ds);
	text(&z, t, P_DIN_TEXT, l->din_text);
	text(&z, t, P_K, k);
	if (strcmp(l->flags, "00") &&
	    (isbt_flag_type(l->flags) == ISBT_FLAG_1 ||
	     isbt_flag_type(l->flags) == ISBT_FLAG_2)) {
		piece(&z, t, P_FLAGS);
		app(&z, l->flags);
		fs(&z);
	}
	if (u->collected_at[0]) {
		char day[11];
		memcpy(day, u->collected_at, 10);
		day[10] = 0;
		text(&z, t, P_COLLECTED, day);
	}
	text(&z, t, P_FACILITY, l->facility);
	code128(&z, t, P_ABO_BC, BC_ABO, l->abo_ds);
	text(&z, t, P_ABO_TEXT, u->abo[0] ? u->abo : "--");
	text(&z, t, P_RHD, !strcmp(u->rhd, "pos") ? "RhD POSITIVE"
			   : !strcmp(u->rhd, "neg") ? "RhD NEGATIVE" : "RhD --");
	piece(&z, t, P_RULE);
	code128(&z, t, P_PRODUCT_BC, BC_PRODUCT, l->product_ds);
	text(&z, t, P_PRODUCT_TEXT, u->product);
	text(&z, t, P_DESC, l->desc_en);
	if (u->volume_ml[0]) {
		piece(&z, t, P_VOLUME);
		app_fd(&z, u->volume_ml);
		app_n(&z, " ml  ", 5);
		app_fd(&z, u->units[0] ? u->units : "-");
		app_n(&z, " U^FS\n", 6);
	}
	code128(&z, t, P_EXPIRY_BC, BC_EXPIRY, l->expiry_ds);
	text(&z, t, P_EXPIRY_TEXT, u->expires_at);
	if (u->attributes[0])
		text(&z, t, P_ATTRS, u->attributes);
	if (u->antigens[0])	/* special testing as its interpretation */
		text(&z, t, P_ANTIGENS, u->antigens);
	if (datamatrix && l->compound[0]) {
		piece(&z, t, P_DM);
		app(&z, l->compound);
		fs(&z);
	}
	app_n(&z, "^XZ\n", 4);
	if (t->out) {
		t->nout += z.n;
		return 0;
	}
	return fwrite(z.b, 1, z.n, fp) == z.n ? 0 : -1;
}

/* One label: a run of them should take label_zpl_tmpl once instead. */
int label_zpl(FILE *fp, const struct ul_label *l, int dpi, int datamatrix)
{
	struct zpl_tmpl t;
	tmpl_render(&t, dpi);
	t.out = NULL;	/* one label: written at once */
	t.nout = 0;
	t.err = 0;
	return label_zpl_with(fp, l, &t, datamatrix);
}
