/*
 * csv.c - reading and writing records: CSV (RFC 4180, parsed by libcsv),
 * TSV (TAB, no quoting) and, for output, JSON Lines.
 *
 * Input goes through zlib (gzip by magic bytes, plain files pass through),
 * then iconv when --encoding is given, then a line splitter that counts
 * physical lines.  CSV lines are fed to libcsv one at a time so that every
 * record knows the line it starts on; a record that spans lines (quoted
 * newlines) keeps the lines after its first one so that, when it turns out
 * malformed, reading resumes on the line after the one it started on.
 * Memory is bounded by the longest record (RECORD_MAX), not by the input.
 */
#define _GNU_SOURCE	/* fopencookie */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bb_int.h"
#include "csv_alias.h"

#define CHUNK (128 * 1024)		/* read size */
#define RECORD_MAX (4 * 1024 * 1024)	/* longest line or record, bytes */
#define SHOW_MAX 80			/* longest value shown in a message */
/* iconv failures are marked in the converted text by this byte, which
 * never occurs in UTF-8, so the field holding it can be rejected. */
#define BADSEQ 0xff

enum rec_err {
	E_NONE, E_NUL, E_UTF8, E_ENC, E_LONG
};

/* A finished record waiting to be handed out. */
struct qrec {
	long line;
	char *inplace;		/* fields cut in this line; NULL: in the arena */
	size_t first;		/* index of its first field in r->off */
	int nf;
	enum rec_err err;
	int errfield;
};

struct bb_reader {
	struct bb_ctx *ctx;
	char *name;		/* for messages: "stdin" or the path */
	gzFile gz;
	const char *mem;	/* bb_reader_open_mem: input in memory */
	size_t memlen, mempos;
	iconv_t cd;		/* (iconv_t)-1 when UTF-8 */
	int tsv;
	char delim;
	int eof, done, dead, ioerr;

	/* raw bytes waiting for iconv */
	char *raw;
	size_t rawlen;

	/* decoded text; lines are cut out of buf[pos..end) */
	char *buf;
	size_t pos, end, cap;
	int first_line;		/* BOM check pending */
	int skipping;		/* discarding an over-long line */
	long lineno;

	/* lines to read again after a malformed multi-line record */
	char *replay;
	size_t rplen, rppos;
	/* continuation lines of the record being parsed */
	char *saved;
	size_t svlen, svcap;

	/* libcsv and the record being built */
	struct csv_parser p;
	int in_rec;
	long rec_start;
	size_t rec_first;	/* index in off[] of its first field */
	size_t rec_arena;	/* arena length at its start */
	int rec_nf;
	char *rec_inplace;	/* the line its fields are cut in, if so */
	enum rec_err rec_err;
	int rec_errfield;

	/* field storage: NUL-terminated texts in arena, offsets in off[] */
	char *arena;
	size_t alen, acap;
	size_t *off;
	size_t noff, offcap;
	struct qrec *q;
	size_t qcap;
	int nq, qhead;

	/* the record handed out */
	struct bb_rec rec;
	char **fv;
	int fvcap;

	/* header and columns */
	char **hdr;		/* header names as read (trimmed) */
	int nhdr;
	long hdr_line;
	int have_header;
	int expect_nf;		/* 0 = any */
	const char *const *cols;
	int ncols;
	int *colidx;		/* cols[i] -> field index or -1 */
	struct colmemo *memo;	/* bb_reader_col's answers by name pointer */
};

/* Callers ask for a column by the same name (a literal) on every record:
 * remember which declared column a name's address is, so that a lookup is
 * a load and a compare instead of a search of the declared columns. */
#define MEMO_SLOTS 64	/* 2^6: the hash keeps 6 bits */
struct colmemo {
	const char *name[MEMO_SLOTS];
	int idx[MEMO_SLOTS];	/* index in cols[] */
};

static const char *rec_err_text(const struct bb_reader *r, enum rec_err e,
				char *buf, size_t n);

/* ---------------------------------------------------------------- text */

/*
 * Check a field: 0 = fine, else the rec_err.  ASCII is checked a word at a
 * time; multibyte sequences per RFC 3629 (no overlongs, no surrogates).
 */
static inline int plain_ascii_word(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	/* no high bit and no zero byte in the word */
	return !(w & 0x8080808080808080ULL) &&
	       !((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL);
}

static enum rec_err check_text(const unsigned char *s, size_t n, int enc)
{
	size_t i = 0;
	while (i < n) {
		if (i + 8 <= n) {
			if (plain_ascii_word(s + i)) {
				i += 8;
				continue;
			}
		} else if (n >= 8 && plain_ascii_word(s + n - 8)) {
			break;	/* the last word, overlapping, is the rest */
		}
		unsigned c = s[i];
		if (c == 0)
			return E_NUL;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c == BADSEQ && enc)
			return E_ENC;
		size_t len;
		unsigned lo = 0x80, hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			return E_UTF8;
		if (i + len > n)
			return E_UTF8;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return E_UTF8;
		for (size_t k = 2; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return E_UTF8;
		i += len;
	}
	return E_NONE;
}


/* Blanks at the ends of a field of n bytes (ASCII space, TAB, CR, LF,
 * U+00A0, U+3000): *start skipped, the new length returned.  Checked once
 * per field when it is read, so bb_get has nothing left to do. */
static size_t trim_span_slow(const char *s, size_t n, size_t *start)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t b = 0;

	while (b < n) {
		unsigned c = u[b];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			b++;
		else if (c == 0xc2 && b + 1 < n && u[b + 1] == 0xa0)
			b += 2;
		else if (c == 0xe3 && b + 2 < n && u[b + 1] == 0x80 &&
			 u[b + 2] == 0x80)
			b += 3;
		else
			break;
	}
	while (n > b) {
		unsigned c = u[n - 1];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			n--;
		else if (c == 0xa0 && n - b >= 2 && u[n - 2] == 0xc2)
			n -= 2;
		else if (c == 0x80 && n - b >= 3 && u[n - 2] == 0x80 &&
			 u[n - 3] == 0xe3)
			n -= 3;
		else
			break;
	}
	*start = b;
	return n - b;
}

/* inline: once per field read; most fields neither start nor end with a
 * byte that can belong to a blank */
static inline size_t trim_span(const char *s, size_t n, size_t *start)
{
	/* bytes a blank can start with (bit 0) or end with (bit 1) */
	static const unsigned char edge[256] = {
		['\t'] = 3, ['\n'] = 3, ['\r'] = 3, [' '] = 3,
		[0x80] = 2, [0xa0] = 2, [0xc2] = 1, [0xe3] = 1,
	};
	if (n && !(edge[(unsigned char)s[0]] & 1) &&
	    !(edge[(unsigned char)s[n - 1]] & 2)) {
		*start = 0;
		return n;
	}
	return trim_span_slow(s, n, start);
}


/* Header name → lookup key: trimmed, ASCII lowercase, runs of blanks,
 * '-' and '.' as one '_', no leading/trailing '_'. */
static void header_key(const char *h, char *out, size_t n)
{
	size_t o = 0;
	int sep = 0;
	while (*h == ' ' || *h == '\t')
		h++;
	for (; *h && o + 2 < n; h++) {
		unsigned char c = (unsigned char)*h;
		if (c == ' ' || c == '\t' || c == '-' || c == '.' ||
		    c == '_') {
			sep = 1;
			continue;
		}
		if (sep && o > 0)
			out[o++] = '_';
		sep = 0;
		out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
	}
	out[o] = 0;
}

static const char *alias_of(const char *key)
{
	for (const struct csv_alias *a = csv_aliases; a->header; a++)
		if (!strcmp(a->header, key))
			return a->canonical;
	return key;
}

/* ---------------------------------------------------------------- input */

static void *grow_slow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	*cap = c;
	return bb_xrealloc(p, c * elem);
}

/* inline: several calls per field read and written */
static inline void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	return need <= *cap ? p : grow_slow(p, cap, need, elem);
}

static int read_error(struct bb_reader *r)
{
	int zerr = 0;
	const char *msg = gzerror(r->gz, &zerr);
	if (zerr == Z_ERRNO)
		msg = strerror(errno);
	else if (zerr == Z_BUF_ERROR)
		msg = "truncated gzip data";
	bb_err(r->ctx, "read error: '%s': %s", r->name, msg);
	r->ioerr = 1;
	return -1;
}

/* Room for at least `need` more bytes at buf+end, keeping buf[pos..end). */
static void buf_room(struct bb_reader *r, size_t need)
{
	if (r->pos > 0 && r->cap - r->end < need) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->pos = 0;
	}
	r->buf = grow(r->buf, &r->cap, r->end + need, 1);
}

/* Convert r->raw through iconv onto the buffer.  Invalid sequences become
 * BADSEQ; an incomplete one at the end waits for more input. */
static void convert(struct bb_reader *r)
{
	char *in = r->raw;
	size_t inleft = r->rawlen;
	while (inleft > 0) {
		buf_room(r, inleft * 2 + 16);
		char *out = r->buf + r->end;
		size_t outleft = r->cap - r->end;
		size_t rc = iconv(r->cd, &in, &inleft, &out, &outleft);
		r->end = (size_t)(out - r->buf);
		if (rc != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !r->eof)
			break;	/* split sequence: wait for the rest */
		/* EILSEQ, or EINVAL at the end of input */
		buf_room(r, 1);
		r->buf[r->end++] = (char)BADSEQ;
		in++;
		inleft--;
		iconv(r->cd, NULL, NULL, NULL, NULL);
	}
	memmove(r->raw, in, inleft);
	r->rawlen = inleft;
}

/* gzread: bytes read, 0 at the end, -1 on an error (a truncated gzip
 * stream is only flagged by gzerror). */
static int read_some(struct bb_reader *r, char *buf, unsigned n)
{
	int got = gzread(r->gz, buf, n);
	if (got == 0) {
		int zerr = 0;
		gzerror(r->gz, &zerr);
		if (zerr != Z_OK)
			return -1;
	}
	return got;
}

/* Read up to n bytes from the file or the memory source. */
static int src_read(struct bb_reader *r, char *dst, unsigned n)
{
	size_t k;

	if (!r->mem)
		return read_some(r, dst, n);
	k = r->memlen - r->mempos < n ? r->memlen - r->mempos : n;
	memcpy(dst, r->mem + r->mempos, k);
	r->mempos += k;
	return (int)k;
}

/* Read more input onto the buffer: 1 = got some, 0 = end, -1 = error. */
static int fill(struct bb_reader *r)
{
	if (r->eof)
		return 0;
	if (r->cd == (iconv_t)-1) {
		buf_room(r, CHUNK);
		int n = src_read(r, r->buf + r->end, CHUNK);
		if (n < 0)
			return read_error(r);
		if (n == 0) {
			r->eof = 1;
			return 0;
		}
		r->end += (size_t)n;
		return 1;
	}
	int n = src_read(r, r->raw + r->rawlen,
			 (unsigned)(CHUNK - r->rawlen));
	if (n < 0)
		return read_error(r);
	size_t before = r->end;
	if (n == 0)
		r->eof = 1;
	r->rawlen += (size_t)n;
	convert(r);
	if (r->eof && r->rawlen) {	/* cannot happen: EINVAL at eof */
		r->rawlen = 0;
	}
	return r->end > before || !r->eof ? 1 : 0;
}

/*
 * Next physical line (with its newline if any) into line and len.
 * Returns 1, 0 at the end, -1 on a read error, 2 for a line longer than
 * RECORD_MAX (discarded; *len is 0).
 */
static int next_line(struct bb_reader *r, char **line, size_t *len)
{
	if (r->replay) {
		if (r->rppos < r->rplen) {
			char *s = r->replay + r->rppos;
			char *nl = memchr(s, '\n', r->rplen - r->rppos);
			size_t n = nl ? (size_t)(nl - s) + 1 :
				r->rplen - r->rppos;
			r->rppos += n;
			*line = s;
			*len = n;
			r->lineno++;
			return 1;
		}
		free(r->replay);
		r->replay = NULL;
		r->rplen = r->rppos = 0;
	}
	if (!r->buf)
		buf_room(r, CHUNK);
	size_t scan = r->pos;
	for (;;) {
		char *s = r->buf + r->pos;
		char *nl = r->end > scan ?
			memchr(r->buf + scan, '\n', r->end - scan) : NULL;
		size_t avail = r->end - r->pos;
		if (nl || (r->eof && avail > 0) ||
		    (r->skipping && avail > 0)) {
			size_t n = nl ? (size_t)(nl + 1 - s) : avail;
			r->pos += n;
			if (r->skipping) {
				if (!nl)
					goto more;
				r->skipping = 0;
				*len = 0;
				return 2;
			}
			if (r->first_line) {
				r->first_line = 0;
				if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
					s += 3;
					n -= 3;
				}
			}
			*line = s;
			*len = n;
			r->lineno++;
			return 1;
		}
		if (r->eof) {
			if (r->skipping) {
				r->skipping = 0;
				*len = 0;
				return 2;
			}
			return 0;
		}
		if (avail > RECORD_MAX) {
			/* over-long line: drop what we have, skip to '\n' */
			r->pos = r->end;
			r->skipping = 1;
			r->lineno++;
		}
	more:
		scan = r->end;
		size_t off = scan - r->pos;
		int rc = fill(r);
		if (rc < 0)
			return -1;
		scan = r->pos + off;
	}
}

/* ---------------------------------------------------------------- records */

static void arena_put(struct bb_reader *r, const void *s, size_t n)
{
	r->arena = grow(r->arena, &r->acap, r->alen + n + 1, 1);
	if (n)
		memcpy(r->arena + r->alen, s, n);
	r->alen += n;
	r->arena[r->alen++] = 0;
}

static void field_done(struct bb_reader *r, const char *s, size_t n)
{
	if (!r->in_rec) {	/* a record starting mid-line (lone CR) */
		r->in_rec = 1;
		r->rec_start = r->lineno;
		r->rec_first = r->noff;
		r->rec_arena = r->alen;
	}
	r->off = grow(r->off, &r->offcap, r->noff + 1, sizeof *r->off);
	r->off[r->noff++] = r->alen;
	if (r->rec_err == E_NONE) {
		enum rec_err e = n > BB_FIELD_MAX ? E_LONG :
			check_text((const unsigned char *)s, n,
				   r->cd != (iconv_t)-1);
		if (e != E_NONE) {
			r->rec_err = e;
			r->rec_errfield = r->rec_nf;
		}
	}
	size_t b;
	n = trim_span(s, n, &b);
	arena_put(r, s + b, n);
	r->rec_nf++;
}

static void rec_done(struct bb_reader *r)
{
	r->q = grow(r->q, &r->qcap, (size_t)r->nq + 1, sizeof *r->q);
	struct qrec *q = &r->q[r->nq++];
	q->line = r->rec_start;
	q->inplace = r->rec_inplace;
	q->first = r->rec_first;
	q->nf = r->rec_nf;
	q->err = r->rec_err;
	q->errfield = r->rec_errfield;
	r->in_rec = 0;
	r->rec_nf = 0;
	r->rec_inplace = NULL;
	r->rec_err = E_NONE;
	r->svlen = 0;
}

static void cb_field(void *s, size_t n, void *data)
{
	field_done(data, s ? s : "", s ? n : 0);
}

static void cb_row(int c, void *data)
{
	struct bb_reader *r = data;
	if (!r->in_rec)		/* nothing in it */
		return;
	rec_done(r);
}

static void parser_init(struct bb_reader *r)
{
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		bb_err(r->ctx, "out of memory");
	csv_set_delim(&r->p, (unsigned char)r->delim);
}

/* Point r->rec at a stored record's fields: in the arena, or in place in
 * the line they were cut in (inplace). */
static struct bb_rec *make_rec(struct bb_reader *r, long line, char *inplace,
			       size_t first, int nf)
{
	char *base = inplace ? inplace : r->arena;
	if (nf > r->fvcap) {
		r->fvcap = nf * 2;
		r->fv = bb_xrealloc(r->fv, (size_t)r->fvcap * sizeof *r->fv);
	}
	for (int i = 0; i < nf; i++)
		r->fv[i] = base + r->off[first + (size_t)i];
	r->rec.file = r->name;
	r->rec.line = line;
	r->rec.nf = nf;
	r->rec.f = r->fv;
	r->rec.col = r->colidx;
	return &r->rec;
}

/*
 * The record being parsed is malformed: reject it (with the fields read so
 * far), reset the parser and arrange to read again from the line after the
 * one it started on.
 */
static void abandon_record(struct bb_reader *r, const char *reason)
{
	long start = r->in_rec ? r->rec_start : r->lineno;
	struct bb_rec *rec = make_rec(r, start, NULL, r->rec_first,
				      r->in_rec ? r->rec_nf : 0);
	bb_reject(r->ctx, r, rec, NULL, reason, NULL);
	if (!r->have_header)
		r->dead = 1;
	csv_free(&r->p);
	parser_init(r);
	if (r->in_rec) {
		r->alen = r->rec_arena;
		r->noff = r->rec_first;
	}
	r->in_rec = 0;
	r->rec_nf = 0;
	r->rec_inplace = NULL;
	r->rec_err = E_NONE;
	if (r->svlen > 0 && start < r->lineno) {
		/* saved lines + the rest of any earlier replay */
		size_t rest = r->replay ? r->rplen - r->rppos : 0;
		char *nb = bb_xmalloc(r->svlen + rest + 1);
		memcpy(nb, r->saved, r->svlen);
		if (rest)
			memcpy(nb + r->svlen, r->replay + r->rppos, rest);
		free(r->replay);
		r->replay = nb;
		r->rplen = r->svlen + rest;
		r->rppos = 0;
		r->lineno = start;
	}
	r->svlen = 0;
}

static int blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			return 0;
	return 1;
}

static void begin_record(struct bb_reader *r)
{
	r->in_rec = 1;
	r->rec_start = r->lineno;
	r->rec_first = r->noff;
	r->rec_arena = r->alen;
	r->rec_nf = 0;
	r->rec_inplace = NULL;
	r->rec_err = E_NONE;
}

/* The record begun is s[0..n) cut at each delim, field by field (each
 * field checked on its own). */
static void split_fields(struct bb_reader *r, const char *s, size_t n,
			 char delim)
{
	for (;;) {
		const char *t = memchr(s, delim, n);
		size_t k = t ? (size_t)(t - s) : n;
		field_done(r, s, k);
		if (!t)
			break;
		s += k + 1;
		n -= k + 1;
	}
	rec_done(r);
}

/* TSV: one line, one record, split on TAB; no quoting. */
static void feed_tsv(struct bb_reader *r, const char *s, size_t n)
{
	if (n && s[n - 1] == '\n')
		n--;
	if (n && s[n - 1] == '\r')
		n--;
	if (blank_line(s, n))
		return;
	begin_record(r);
	split_fields(r, s, n, '\t');
}

/* Is this line free of quotes and lone CRs, so splitting it on the
 * delimiter gives what libcsv would give? */
/* High bits where the word has a byte equal to those of `rep`. */
static inline uint64_t bytes_eq(uint64_t w, uint64_t rep)
{
	uint64_t x = w ^ rep;
	return (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
}

/* High bits for a high bit, zero byte, quote or CR in the word (0: a
 * plain word); *delims gets high bits where the delimiter is. */
static inline uint64_t word_not_plain(uint64_t w, uint64_t delim,
				      uint64_t *delims)
{
	*delims |= bytes_eq(w, delim);
	return (w & 0x8080808080808080ULL) |
	       bytes_eq(w, 0) | bytes_eq(w, 0x2222222222222222ULL) |
	       bytes_eq(w, 0x0d0d0d0d0d0d0d0dULL);
}

/* The common case in one pass, eight bytes at a time: ASCII without NUL,
 * quotes or CRs but a final CRLF, so that plain_line and check_text
 * would both pass it.  0: not so; 1: so, and no delimiter in it (one
 * field); 2: so, with delimiters. */
static int plain_ascii_line(const char *s, size_t n, char delim)
{
	const uint64_t dl = 0x0101010101010101ULL * (unsigned char)delim;
	uint64_t w, delims = 0;
	size_t i = 0;

	if (n && s[n - 1] == '\n')
		n--;
	if (n && s[n - 1] == '\r')
		n--;
#ifdef __SSE2__
	/* sixteen bytes at a time where the vector unit is there (every
	 * x86-64): loads stay inside s[0..n), the last one overlapping */
	if (n >= 16) {
		const __m128i q = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r');
		const __m128i z = _mm_setzero_si128();
		const __m128i d = _mm_set1_epi8(delim);
		int bad = 0, dm = 0;
		for (;; i += 16) {
			if (i + 16 > n)
				i = n - 16;
			__m128i x = _mm_loadu_si128((const __m128i *)(s + i));
			__m128i o = _mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(x, q),
					     _mm_cmpeq_epi8(x, cr)),
				_mm_or_si128(_mm_cmpeq_epi8(x, z), x));
			bad |= _mm_movemask_epi8(o);	/* x: high bits */
			dm |= _mm_movemask_epi8(_mm_cmpeq_epi8(x, d));
			if (i + 16 >= n)
				break;
		}
		return bad ? 0 : dm ? 2 : 1;
	}
#endif
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		if (word_not_plain(w, dl, &delims))
			return 0;
	}
	if (i < n && n >= 8) {	/* the last eight, overlapping */
		memcpy(&w, s + n - 8, 8);
		if (word_not_plain(w, dl, &delims))
			return 0;
	} else {
		for (; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (!c || c >= 0x80 || c == '"' || c == '\r')
				return 0;
			delims |= c == (unsigned char)delim;
		}
	}
	return delims ? 2 : 1;
}

static int plain_line(const char *s, size_t n)
{
	if (memchr(s, '"', n))
		return 0;
	const char *cr = memchr(s, '\r', n);
	return !cr || cr + 2 == s + n;	/* only a final CRLF */
}

/* The quote-free common case, split by hand; libcsv's rules: unquoted
 * fields lose their leading and trailing spaces and TABs (and we trim the
 * other blanks bb_get promises). */
/* good: 0 = the text is to be checked; known good text with (2) or
 * without (1) a delimiter */
static void feed_plain(struct bb_reader *r, char *s, size_t n, int good)
{
	size_t given = n;
	if (n && s[n - 1] == '\n')
		n--;
	if (n && s[n - 1] == '\r')
		n--;
	begin_record(r);
	if (n > BB_FIELD_MAX || (!good &&
	    check_text((const unsigned char *)s, n, r->cd != (iconv_t)-1))) {
		split_fields(r, s, n, r->delim);	/* names the bad one */
		return;
	}
	/*
	 * The whole line is good text: cut it into fields where it lies.
	 * The record is handed out before another line is read, so the
	 * buffer holds still while it is in use.  A last line without a
	 * newline has no byte for its NUL: that one is copied.
	 */
	char *a = s;
	size_t base = 0;
	if (n < given) {
		r->rec_inplace = s;
	} else {
		r->arena = grow(r->arena, &r->acap, r->alen + n + 1, 1);
		a = r->arena + r->alen;
		base = r->alen;
		memcpy(a, s, n);
		r->alen += n + 1;
	}
	a[n] = 0;
	for (size_t i = 0;;) {
		char *t = good == 1 ? NULL : memchr(a + i, r->delim, n - i);
		size_t end = t ? (size_t)(t - a) : n, b;
		size_t k = trim_span(a + i, end - i, &b);
		a[i + b + k] = 0;
		r->off = grow(r->off, &r->offcap, r->noff + 1,
			      sizeof *r->off);
		r->off[r->noff++] = base + i + b;
		r->rec_nf++;
		if (!t)
			break;
		i = end + 1;
	}
	rec_done(r);
}

static void feed_csv(struct bb_reader *r, char *s, size_t n)
{
	if (r->in_rec) {	/* continuation of a multi-line record */
		r->saved = grow(r->saved, &r->svcap, r->svlen + n, 1);
		memcpy(r->saved + r->svlen, s, n);
		r->svlen += n;
		if (r->svlen > RECORD_MAX) {
			abandon_record(r, "record too long (a quote not "
				       "closed?)");
			return;
		}
	} else {
		if (blank_line(s, n))
			return;
		int plain = plain_ascii_line(s, n, r->delim);
		if (plain) {
			feed_plain(r, s, n, plain);
			return;
		}
		if (plain_line(s, n)) {
			feed_plain(r, s, n, 0);
			return;
		}
		begin_record(r);
	}
	size_t done = csv_parse(&r->p, s, n, cb_field, cb_row, r);
	if (done < n) {
		if (csv_error(&r->p) == CSV_EPARSE)
			abandon_record(r, "malformed quoting (a quote inside "
				       "an unquoted field, or text after a "
				       "closing quote)");
		else
			abandon_record(r, csv_strerror(csv_error(&r->p)));
	}
}

/* End of input: finish the last record, or reject an open quote. */
static void finish_csv(struct bb_reader *r)
{
	if (csv_fini(&r->p, cb_field, cb_row, r) != 0)
		abandon_record(r, "quoted field not closed");
	else {
		csv_free(&r->p);
		parser_init(r);
	}
}

/* Parse input until at least one record is queued: 1, or 0 at the end,
 * -1 on an I/O error. */
static int parse_more(struct bb_reader *r)
{
	while (r->nq == r->qhead) {
		if (r->done)
			return 0;
		char *s;
		size_t n;
		int rc = next_line(r, &s, &n);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			if (!r->tsv)
				finish_csv(r);
			if (!r->replay)
				r->done = 1;
			continue;
		}
		if (rc == 2) {
			if (!r->in_rec)
				begin_record(r);
			r->svlen = 0;	/* do not replay around it */
			abandon_record(r, "line longer than 4 MiB");
			continue;
		}
		if (r->tsv)
			feed_tsv(r, s, n);
		else
			feed_csv(r, s, n);
		if (r->dead)
			return 0;
	}
	return 1;
}

/* Next queued record, checked for bad text; the raw form for the header. */
static int next_raw(struct bb_reader *r, const struct qrec **out)
{
	if (r->nq == r->qhead) {
		/* nothing handed out is still needed: recycle storage,
		 * keeping a record that is still being parsed */
		r->nq = r->qhead = 0;
		if (!r->in_rec) {
			r->alen = 0;
			r->noff = 0;
		}
		int rc = parse_more(r);
		if (rc <= 0)
			return rc;
	}
	/* a pointer, not a copy: the copy's wide loads of the fields just
	 * stored one by one stalled (valid until the next call) */
	*out = &r->q[r->qhead++];
	return 1;
}

/* ---------------------------------------------------------------- open */

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && bb_streq_ci(s + n - k, suf);
}

static int is_utf8_name(const char *e)
{
	return bb_streq_ci(e, "UTF-8") || bb_streq_ci(e, "UTF8");
}

/* The reader over an opened source (gz or memory); reads the header. */
static struct bb_reader *reader_new(struct bb_ctx *ctx, const char *name,
				    gzFile gz, const char *mem, size_t memlen,
				    iconv_t cd, int tsv_name)
{
	struct bb_reader *r = bb_xmalloc(sizeof *r);
	memset(r, 0, sizeof *r);
	r->ctx = ctx;
	r->name = bb_xstrdup(name);
	r->gz = gz;
	r->mem = mem;
	r->memlen = memlen;
	r->cd = cd;
	if (cd != (iconv_t)-1)
		r->raw = bb_xmalloc(CHUNK);
	r->delim = ctx->delim ? ctx->delim : ',';
	r->tsv = ctx->in_tsv || r->delim == '\t' || tsv_name;
	if (r->tsv)
		r->delim = '\t';
	r->first_line = 1;
	parser_init(r);

	if (ctx->no_header)
		return r;
	const struct qrec *q;
	int rc = next_raw(r, &q);
	if (rc < 0) {
		bb_reader_close(r);
		return NULL;
	}
	if (rc == 0)
		return r;	/* empty input: no records */
	r->have_header = 1;
	r->hdr_line = q->line;
	if (q->err != E_NONE) {
		char buf[128];
		struct bb_rec *rec = make_rec(r, q->line, q->inplace, q->first, q->nf);
		bb_reject(ctx, r, rec, NULL, rec_err_text(r, q->err, buf,
							    sizeof buf), NULL);
		r->dead = 1;
		return r;
	}
	r->nhdr = q->nf;
	r->hdr = bb_xmalloc((size_t)q->nf * sizeof *r->hdr);
	for (int i = 0; i < q->nf; i++)
		r->hdr[i] = bb_xstrdup((q->inplace ? q->inplace : r->arena) +
				       r->off[q->first + (size_t)i]);
	r->expect_nf = q->nf;
	return r;
}


struct bb_reader *bb_reader_open(struct bb_ctx *ctx, const char *path)
{
	int stdin_ = !path || !strcmp(path, "-");
	const char *name = stdin_ ? "stdin" : path;
	iconv_t cd = (iconv_t)-1;
	if (ctx->encoding && !is_utf8_name(ctx->encoding)) {
		cd = iconv_open("UTF-8", ctx->encoding);
		if (cd == (iconv_t)-1) {
			bb_err(ctx, "unknown encoding '%s' (see iconv -l)",
			       ctx->encoding);
			return NULL;
		}
	}
	int fd = stdin_ ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		bb_err(ctx, "cannot open '%s': %s", name, strerror(errno));
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		return NULL;
	}
	gzFile gz = gzdopen(fd, "rb");
	if (!gz) {
		bb_err(ctx, "cannot read '%s': out of memory", name);
		close(fd);
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		return NULL;
	}
	gzbuffer(gz, CHUNK);
	return reader_new(ctx, name, gz, NULL, 0, cd,
			  !stdin_ && (ends_with(path, ".tsv") ||
				      ends_with(path, ".tab") ||
				      ends_with(path, ".tsv.gz") ||
				      ends_with(path, ".tab.gz")));
}

struct bb_reader *bb_reader_open_mem(struct bb_ctx *ctx, const char *name,
				     const void *data, size_t len)
{
	return reader_new(ctx, name, NULL, data, len, (iconv_t)-1,
			  ends_with(name, ".tsv"));
}

const char *bb_reader_name(const struct bb_reader *r)
{
	return r->name;
}

void bb_reader_close(struct bb_reader *r)
{
	if (!r)
		return;
	if (r->gz)
		gzclose(r->gz);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	csv_free(&r->p);
	for (int i = 0; i < r->nhdr; i++)
		free(r->hdr[i]);
	free(r->hdr);
	free(r->colidx);
	free(r->memo);
	free(r->name);
	free(r->raw);
	free(r->buf);
	free(r->replay);
	free(r->saved);
	free(r->arena);
	free(r->off);
	free(r->q);
	free(r->fv);
	free(r);
}

/* ---------------------------------------------------------------- columns */

static int count_cols(const char *const *v)
{
	int n = 0;
	while (v && v[n])
		n++;
	return n;
}

static void header_reject(struct bb_reader *r, const char *field,
			  const char *reason)
{
	struct bb_rec rec = { r->name, r->hdr_line ? r->hdr_line : 1, 0, NULL, NULL };
	/* not a data row: nothing for --rejects */
	FILE *keep = r->ctx->rejects_fp;
	const char *kp = r->ctx->rejects_path;
	r->ctx->rejects_path = NULL;
	r->ctx->rejects_fp = NULL;
	int n = r->ctx->nrejected;
	bb_reject(r->ctx, r, &rec, field, reason, NULL);
	r->ctx->nrejected = n;
	r->ctx->rejects_fp = keep;
	r->ctx->rejects_path = kp;
}

/* Columns of any bloodbank record (bloodbank.5): one program's output is
 * the next one's input, so these are ignored quietly when not used; only
 * a name no record has (a typo, most likely) is warned about. */
static int known_column(const char *name)
{
	static const char *const known[] = {
		"abo", "abo_checks", "additive", "antibodies", "antigens", "at",
		"attributes", "available", "birth_date", "celsius", "check",
		"code", "collected_at", "component", "date", "days_of_supply",
		"dbp", "din", "donor_id", "eligible", "error", "expires_at",
		"expiring_24h", "expiring_72h", "flags", "from_status", "hb_g_l",
		"hi80", "hi95", "input", "issued_at", "issues_per_day", "kind",
		"level", "line", "lo80", "lo95", "location", "major", "marker",
		"match", "method", "minor", "name", "national_id", "needed_by",
		"next_eligible", "note", "on", "patient_id", "phone", "point",
		"priority", "product_code", "pulse", "quantity", "quarantine",
		"rank", "reason", "reasons", "region", "registered", "request_id",
		"requirements", "reserved", "result", "rhd", "rules", "sbp",
		"screen", "series", "sex", "site", "start", "status", "target",
		"tech", "temp_c", "tested_at", "to_status", "units", "until",
		"valid", "value", "volume_ml", "ward", "weight_kg",
	};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(known[i], name))
			return 1;
	return 0;
}

static int declared(const char *const *cols, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(cols[i], key))
			return 1;
	return 0;
}

int bb_reader_columns(struct bb_reader *r, const char *const *cols,
		      const char *const *required)
{
	r->cols = cols;
	r->ncols = count_cols(cols);
	free(r->colidx);
	r->colidx = bb_xmalloc(((size_t)r->ncols + 1) * sizeof *r->colidx);
	if (!r->memo)
		r->memo = bb_xmalloc(sizeof *r->memo);
	memset(r->memo, 0, sizeof *r->memo);	/* new columns: forget */
	if (r->dead)
		return BB_EROWS;
	if (r->ctx->no_header) {
		for (int i = 0; i < r->ncols; i++)
			r->colidx[i] = i;
		r->expect_nf = r->ncols;
		return BB_OK;
	}
	for (int i = 0; i < r->ncols; i++)
		r->colidx[i] = -1;
	if (!r->have_header)
		return BB_OK;	/* empty input */

	int bad = 0;
	char **canon = bb_xmalloc((size_t)r->nhdr * sizeof *canon + 1);
	for (int h = 0; h < r->nhdr; h++) {
		char key[256];
		header_key(r->hdr[h], key, sizeof key);
		/* a declared column's own name wins over an alias */
		canon[h] = bb_xstrdup(declared(cols, r->ncols, key) ? key
								    : alias_of(key));
		for (int k = 0; k < h; k++)
			if (!strcmp(canon[k], canon[h]) && !bad) {
				header_reject(r, canon[h],
					      "duplicate column");
				bad = 1;
			}
		int found = -1;
		for (int i = 0; i < r->ncols; i++)
			if (!strcmp(cols[i], canon[h])) {
				found = i;
				break;
			}
		if (found >= 0)
			r->colidx[found] = h;
		else if (!bad && !known_column(canon[h]))
			bb_warn(r->ctx, "%s:%ld: unknown column '%s' ignored",
				r->name, r->hdr_line, r->hdr[h]);
	}
	for (int h = 0; h < r->nhdr; h++)
		free(canon[h]);
	free(canon);
	for (int i = 0; !bad && required && required[i]; i++) {
		int have = 0;
		for (int c = 0; c < r->ncols; c++)
			if (!strcmp(cols[c], required[i]) && r->colidx[c] >= 0)
				have = 1;
		if (!have) {
			header_reject(r, required[i],
				      "required column missing");
			bad = 1;
		}
	}
	if (bad) {
		r->ctx->nrejected++;
		r->dead = 1;
		return BB_EROWS;
	}
	return BB_OK;
}

/* Index in cols[] of a declared column, -1 when not declared. */
static int find_decl(const struct bb_reader *r, const char *canonical)
{
	/* callers pass the same literals they declared: try identity first */
	for (int i = 0; i < r->ncols; i++)
		if (r->cols[i] == canonical)
			return i;
	for (int i = 0; i < r->ncols; i++)
		if (!strcmp(r->cols[i], canonical))
			return i;
	return -1;
}

int bb_reader_col(const struct bb_reader *r, const char *canonical)
{
	struct colmemo *m = r->memo;
	/* Fibonacci hashing (literals sit a few bytes apart), then the
	 * next free slot */
	size_t h = (size_t)(((uint64_t)(uintptr_t)canonical *
			     0x9e3779b97f4a7c15ULL) >> 58);
	for (size_t k = 0; m && k < MEMO_SLOTS; k++, h = (h + 1) % MEMO_SLOTS) {
		if (m->name[h] == canonical) {
			/* the same address may hold another name now (a
			 * caller's buffer): the answer must still fit */
			const char *d = r->cols[m->idx[h]];
			if (d == canonical || !strcmp(d, canonical))
				return r->colidx[m->idx[h]];
			break;
		}
		if (!m->name[h]) {
			int j = find_decl(r, canonical);
			if (j < 0)
				return -1;
			m->name[h] = canonical;
			m->idx[h] = j;
			return r->colidx[j];
		}
	}
	int j = find_decl(r, canonical);	/* the slow way */
	return j < 0 ? -1 : r->colidx[j];
}

const char *bb_get(const struct bb_reader *r, const struct bb_rec *rec,
		   const char *canonical)
{
	int i = bb_reader_col(r, canonical);
	if (i < 0 || i >= rec->nf)
		return "";
	return rec->f[i];	/* trimmed when read */
}

/* ---------------------------------------------------------------- next */

static const char *rec_err_text(const struct bb_reader *r, enum rec_err e,
				char *buf, size_t n)
{
	switch (e) {
	case E_NUL:
		return "contains a NUL byte";
	case E_UTF8:
		return "invalid UTF-8 (wrong --encoding?)";
	case E_ENC:
		snprintf(buf, n, "invalid %s byte sequence",
			 r->ctx->encoding);
		return buf;
	case E_LONG:
		snprintf(buf, n, "longer than %d bytes", BB_FIELD_MAX);
		return buf;
	default:
		return "bad record";
	}
}

/* Only trailing empty fields beyond the header (Excel leaves those). */
static int extra_fields_empty(const struct bb_rec *rec, int from)
{
	for (int i = from; i < rec->nf; i++)
		if (*rec->f[i])
			return 0;
	return 1;
}

int bb_reader_next(struct bb_reader *r, struct bb_rec **recp)
{
	for (;;) {
		if (r->dead || r->ctx->stop)
			return 0;
		const struct qrec *q;
		int rc = next_raw(r, &q);
		if (rc <= 0)
			return rc;
		struct bb_rec *rec = make_rec(r, q->line, q->inplace, q->first, q->nf);
		if (q->err != E_NONE) {
			char buf[128];
			const char *field = NULL;
			if (q->errfield < r->nhdr)
				field = r->hdr[q->errfield];
			for (int i = 0; i < r->ncols; i++)
				if (r->colidx && r->colidx[i] == q->errfield)
					field = r->cols[i];
			bb_reject(r->ctx, r, rec, field,
				  rec_err_text(r, q->err, buf, sizeof buf),
				  NULL);
			continue;
		}
		if (r->expect_nf && rec->nf != r->expect_nf &&
		    !(rec->nf > r->expect_nf &&
		      extra_fields_empty(rec, r->expect_nf))) {
			char buf[96];
			snprintf(buf, sizeof buf,
				 "wrong number of fields: %d instead of %d",
				 rec->nf, r->expect_nf);
			bb_reject(r->ctx, r, rec, NULL, buf, NULL);
			continue;
		}
		*recp = rec;
		return 1;
	}
}

/* ---------------------------------------------------------------- reject */

/* A value fit for a message: at most SHOW_MAX bytes (cut on a character
 * boundary), control characters as '?'. */
static const char *shown(const char *v, char *buf, size_t n)
{
	size_t o = 0, i = 0;
	while (v[i] && o + 4 < n) {
		unsigned char c = (unsigned char)v[i];
		if (o >= SHOW_MAX && (c & 0xc0) != 0x80) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		i++;
	}
	buf[o] = 0;
	return buf;
}

static void put_reject_row(struct bb_ctx *ctx, const struct bb_reader *r,
			   const struct bb_rec *rec, const char *error)
{
	FILE *fp = ctx->rejects_fp;
	int ncol = r->nhdr ? r->nhdr : r->ncols;
	if (!ctx->rejects_header_done) {
		for (int i = 0; i < ncol; i++) {
			bb_csv_put(fp, r->nhdr ? r->hdr[i] : r->cols[i], ',');
			fputc(',', fp);
		}
		fputs("line,error\n", fp);
		ctx->rejects_header_done = 1;
	}
	for (int i = 0; i < ncol; i++) {
		if (rec && i < rec->nf)
			bb_csv_put(fp, rec->f[i], ',');
		fputc(',', fp);
	}
	fprintf(fp, "%ld,", rec ? rec->line : 0L);
	bb_csv_put(fp, error, ',');
	fputc('\n', fp);
}

static int open_rejects(struct bb_ctx *ctx)
{
	int fd = open(ctx->rejects_path, O_WRONLY | O_CREAT | O_APPEND |
		      O_CLOEXEC, 0600);
	if (fd < 0 || !(ctx->rejects_fp = fdopen(fd, "a"))) {
		bb_err(ctx, "cannot open '%s': %s", ctx->rejects_path,
		       strerror(errno));
		if (fd >= 0)
			close(fd);
		ctx->rejects_path = NULL;
		return -1;
	}
	/* an existing rejects file already has its header */
	if (lseek(fd, 0, SEEK_END) > 0)
		ctx->rejects_header_done = 1;
	return 0;
}

void bb_reject(struct bb_ctx *ctx, const struct bb_reader *r,
	       const struct bb_rec *rec, const char *field,
	       const char *reason, const char *value)
{
	const char *file = rec && rec->file ? rec->file :
		r ? r->name : "stdin";
	if (!strcmp(file, "-"))
		file = "stdin";
	long line = rec ? rec->line : 0;
	char where[64] = "";
	if (line > 0)
		snprintf(where, sizeof where, ":%ld", line);
	char fpart[160] = "";
	if (field)
		snprintf(fpart, sizeof fpart, " field '%s':", field);
	if (value) {
		char mbuf[128], sbuf[SHOW_MAX + 8];
		if (field && bb_field_is_pii(field))
			value = !strcmp(field, "phone") ?
				bb_mask_phone(ctx, value, mbuf, sizeof mbuf) :
				bb_mask_natid(ctx, value, mbuf, sizeof mbuf);
		bb_err(ctx, "%s%s:%s %s: '%s'", file, where, fpart, reason,
		       shown(value, sbuf, sizeof sbuf));
	} else
		bb_err(ctx, "%s%s:%s %s", file, where, fpart, reason);
	ctx->nrejected++;
	if (ctx->strict)
		ctx->stop = 1;
	if (ctx->rejects_path && r && (ctx->rejects_fp || !open_rejects(ctx))) {
		char err[512];
		if (field)
			snprintf(err, sizeof err, "field '%s': %s", field,
				 reason);
		else
			snprintf(err, sizeof err, "%s", reason);
		put_reject_row(ctx, r, rec, err);
	}
}

/* ---------------------------------------------------------------- output */

struct gzcookie {
	gzFile gz;
};

static ssize_t gz_write(void *c, const char *buf, size_t n)
{
	struct gzcookie *g = c;
	if (n == 0)
		return 0;
	int w = gzwrite(g->gz, buf, (unsigned)n);
	if (w <= 0) {
		int zerr;
		gzerror(g->gz, &zerr);
		if (zerr != Z_ERRNO)
			errno = EIO;
		return -1;
	}
	return w;
}

static int gz_close(void *c)
{
	struct gzcookie *g = c;
	int rc = gzclose(g->gz);
	free(g);
	if (rc != Z_OK) {
		if (rc != Z_ERRNO)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* fopen for -o: 0600 is not needed (outputs are masked), so 0666 & umask;
 * ".gz" compresses. */
static FILE *open_out(struct bb_ctx *ctx, const char *path)
{
	FILE *fp = NULL;
	if (ends_with(path, ".gz")) {
		gzFile gz = gzopen(path, "wb");
		if (gz) {
			struct gzcookie *g = bb_xmalloc(sizeof *g);
			g->gz = gz;
			cookie_io_functions_t io = { NULL, gz_write, NULL,
						     gz_close };
			fp = fopencookie(g, "w", io);
			if (!fp) {
				gzclose(gz);
				free(g);
			}
		}
	} else
		fp = fopen(path, "w");
	if (!fp)
		bb_err(ctx, "cannot create '%s': %s", path, strerror(errno));
	return fp;
}

FILE *bb_output_open(struct bb_ctx *ctx)
{
	if (!ctx->out_path || !strcmp(ctx->out_path, "-"))
		return stdout;
	return open_out(ctx, ctx->out_path);
}

/* Flush (and close what we opened); `e` is the errno of an earlier
 * failed write, if any. */
static int close_out(struct bb_ctx *ctx, FILE *fp, int own, int e)
{
	const char *name = own && ctx->out_path ? ctx->out_path :
		fp == stdout ? "stdout" : "output";
	int bad = ferror(fp);
	if (fflush(fp) != 0) {
		bad = 1;
		if (!e)
			e = errno;
	}
	if (own && fclose(fp) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (!bad)
		return BB_OK;
	if (fp == stdout)
		clearerr(stdout);	/* reported here, not again at exit */
	if (e == EPIPE)
		return BB_OK;	/* the reader went away: end quietly */
	bb_err(ctx, "write error: '%s': %s", name,
	       e ? strerror(e) : "I/O error");
	return BB_ESYS;
}

int bb_output_close(struct bb_ctx *ctx, FILE *fp)
{
	return bb_output_close_after(ctx, fp, 0);
}

int bb_output_close_after(struct bb_ctx *ctx, FILE *fp, int e)
{
	if (!fp)
		return BB_ESYS;
	return close_out(ctx, fp, fp != stdout, e);
}

#define BATCH_BYTES (64 * 1024)	/* bb_writer_batch: rows per write */

struct bb_writer {
	struct bb_ctx *ctx;
	FILE *fp;
	int own;		/* opened here: fclose at the end */
	enum bb_format fmt;
	char delim;
	const char **cols;
	int ncols;
	char *line;
	size_t len, cap;
	int werr;		/* errno of the first failed write */
	FILE *hold;		/* rows written inside a write transaction */
	int batch;		/* bb_writer_batch: rows wait in line[] */
	struct bb_writer *next;	/* in ctx->held once closed */
	unsigned char special[256];	/* NUL, delim, '"', CR, LF: stop a
					 * CSV field's scan */
};

/* n bytes from s to d: fixed-size (overlapping) moves for the short
 * fields most are, where a call to memcpy costs more than the copy */
static inline void wcopy(char *d, const char *s, size_t n)
{
	if (n >= 16) {
		memcpy(d, s, n);
	} else if (n >= 8) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	}
}

/* inline: called for every field and separator of every row written */
static inline void wput(struct bb_writer *w, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (w->len + n > w->cap)
		w->line = grow(w->line, &w->cap, w->len + n, 1);
	wcopy(w->line + w->len, s, n);
	w->len += n;
}

static inline void wputc(struct bb_writer *w, char c)
{
	if (w->len + 1 > w->cap)
		w->line = grow(w->line, &w->cap, w->len + 1, 1);
	w->line[w->len++] = c;
}

/* The field with quotes doubled, in quotes. */
static void put_quoted(struct bb_writer *w, const char *s)
{
	wputc(w, '"');
	for (; *s; s++) {
		if (*s == '"')
			wputc(w, '"');
		wputc(w, *s);
	}
	wputc(w, '"');
}

/* Leading/trailing blanks are quoted: unquoted ones are trimmed by readers
 * (libcsv, and ours); so is a leading U+FEFF, which a reader would take
 * for a BOM at the start of the file. */
static int edge_needs_quotes(const char *s, size_t n)
{
	return n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
		     s[n - 1] == '\t' || !strncmp(s, "\xef\xbb\xbf", 3));
}

static void put_csv_field(struct bb_writer *w, const char *s)
{
	const unsigned char *special = w->special;
	const char *p = s;

	/* one pass to the end or to the first character to quote */
	while (!special[(unsigned char)*p])
		p++;
	size_t n = *p ? strlen(s) : (size_t)(p - s);
	if (!*p) {	/* the common case: no blank or BOM at the ends */
		unsigned char c0 = (unsigned char)s[0];
		if (n == 0)
			return;
		if ((c0 != ' ' && c0 != '\t' && c0 != 0xef &&
		     p[-1] != ' ' && p[-1] != '\t') ||
		    !edge_needs_quotes(s, n)) {
			wput(w, s, n);
			return;
		}
	}
	put_quoted(w, s);	/* a delimiter, quote, CR or LF inside */
}

/*
 * A CSV row.  The same as put_csv_field for each field with delimiters
 * between, but the line's length stays in a local: stores into line[]
 * could alias the writer's fields, which made the compiler reload and
 * store them for every byte and separator written.
 */
static void put_csv_row(struct bb_writer *w, const char *const *vals)
{
	enum { ROOM = 256 };	/* bytes a field is copied in one go (+3) */
	const unsigned char *special = w->special;
	const int ncols = w->ncols;
	const char delim = w->delim;
	char *line = w->line;
	size_t len = w->len, cap = w->cap;

	for (int i = 0; i < ncols; i++) {
		const char *s = vals[i] ? vals[i] : "", *p = s;
		if (cap - len < ROOM + 5) {
			line = w->line = grow(line, &w->cap, len + ROOM + 5, 1);
			cap = w->cap;
		}
		/* copy while looking for the end or a character to quote:
		 * one pass, and byte stores that later loads forward from */
		char *d = line + len;
		const char *stop = s + ROOM;
		/* four at a time: a byte is read only after the one before
		 * it turned out not to end the string */
		while (p < stop) {
			unsigned char c0 = (unsigned char)p[0], c1, c2, c3;
			if (special[c0])
				break;
			d[0] = (char)c0;
			if (special[c1 = (unsigned char)p[1]]) {
				p += 1, d += 1;
				break;
			}
			d[1] = (char)c1;
			if (special[c2 = (unsigned char)p[2]]) {
				p += 2, d += 2;
				break;
			}
			d[2] = (char)c2;
			if (special[c3 = (unsigned char)p[3]]) {
				p += 3, d += 3;
				break;
			}
			d[3] = (char)c3;
			p += 4, d += 4;
		}
		size_t n = (size_t)(p - s);
		unsigned char c0 = (unsigned char)s[0];
		if (!*p && (n == 0 || (c0 != ' ' && c0 != '\t' && c0 != 0xef &&
				       p[-1] != ' ' && p[-1] != '\t'))) {
			len += n;
		} else {	/* long, or to be quoted: the careful way */
			w->len = len;
			put_csv_field(w, s);
			len = w->len;
			if (len + 1 > w->cap)
				w->line = grow(w->line, &w->cap, len + 1, 1);
			line = w->line;
			cap = w->cap;
		}
		line[len++] = i + 1 < ncols ? delim : '\n';
	}
	w->len = len;
	if (ncols == 0)
		wputc(w, '\n');
}

static void put_tsv_field(struct bb_writer *w, const char *s)
{
	for (; *s; s++)
		wputc(w, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void put_json_string(struct bb_writer *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	wputc(w, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': wput(w, "\\\"", 2); break;
		case '\\': wput(w, "\\\\", 2); break;
		case '\n': wput(w, "\\n", 2); break;
		case '\r': wput(w, "\\r", 2); break;
		case '\t': wput(w, "\\t", 2); break;
		case '\b': wput(w, "\\b", 2); break;
		case '\f': wput(w, "\\f", 2); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char u[6] = { '\\', 'u', '0', '0',
					      hex[c >> 4], hex[c & 15] };
				wput(w, u, 6);
			} else
				wputc(w, (char)c);
		}
	}
	wputc(w, '"');
}

/* Copy what was held back to the real output. */
static void release_hold(struct bb_writer *w)
{
	char buf[65536];
	size_t n;

	if (!w->hold)
		return;
	rewind(w->hold);
	while ((n = fread(buf, 1, sizeof buf, w->hold)) > 0 && !ferror(w->fp))
		if (fwrite(buf, 1, n, w->fp) != n && !w->werr)
			w->werr = errno ? errno : EIO;
	fclose(w->hold);
	w->hold = NULL;
}

static void flush_line(struct bb_writer *w)
{
	FILE *fp = w->fp;

	if (w->ctx->in_write_txn) {
		if (!w->hold && !(w->hold = tmpfile()) && !w->werr)
			w->werr = errno ? errno : EIO;
		fp = w->hold ? w->hold : w->fp;
	} else {
		release_hold(w);
	}
	if (w->len && !ferror(fp) &&
	    fwrite(w->line, 1, w->len, fp) != w->len && !w->werr)
		w->werr = errno ? errno : EIO;
	w->len = 0;
}

static void put_row(struct bb_writer *w, const char *const *vals)
{
	if (w->fmt == BB_FMT_JSON) {
		wputc(w, '{');
		for (int i = 0; i < w->ncols; i++) {
			if (i)
				wputc(w, ',');
			put_json_string(w, w->cols[i]);
			wputc(w, ':');
			put_json_string(w, vals[i] ? vals[i] : "");
		}
		wput(w, "}\n", 2);
	} else if (w->fmt == BB_FMT_TSV) {
		for (int i = 0; i < w->ncols; i++) {
			if (i)
				wputc(w, w->delim);
			put_tsv_field(w, vals[i] ? vals[i] : "");
		}
		wputc(w, '\n');
	} else {
		put_csv_row(w, vals);
	}
	if (!w->batch || w->len >= BATCH_BYTES)
		flush_line(w);
}

static struct bb_writer *writer_new(struct bb_ctx *ctx, FILE *fp, int own,
				    const char *const *cols, int ncols)
{
	struct bb_writer *w = bb_xmalloc(sizeof *w);
	memset(w, 0, sizeof *w);
	w->ctx = ctx;
	w->fp = fp;
	w->own = own;
	w->fmt = ctx->out_fmt;
	w->delim = w->fmt == BB_FMT_TSV ? '\t' :
		ctx->delim && ctx->delim != '\t' ? ctx->delim : ',';
	w->special[0] = w->special['"'] = w->special['\n'] = 1;
	w->special['\r'] = w->special[(unsigned char)w->delim] = 1;
	w->ncols = ncols;
	w->cols = bb_xmalloc(((size_t)ncols + 1) * sizeof *w->cols);
	for (int i = 0; i < ncols; i++)
		w->cols[i] = cols[i];
	if (ctx->bom && w->fmt != BB_FMT_JSON)
		wput(w, "\xef\xbb\xbf", 3);
	if (!ctx->no_header && w->fmt != BB_FMT_JSON)
		put_row(w, cols);
	else
		flush_line(w);
	return w;
}

struct bb_writer *bb_writer_open(struct bb_ctx *ctx, const char *const *cols,
				 int ncols)
{
	FILE *fp = bb_output_open(ctx);
	if (!fp)
		return NULL;
	return writer_new(ctx, fp, fp != stdout, cols, ncols);
}

struct bb_writer *bb_writer_stream(struct bb_ctx *ctx, FILE *fp,
				   const char *const *cols, int ncols)
{
	return writer_new(ctx, fp, 0, cols, ncols);
}

void bb_writer_batch(struct bb_writer *w)
{
	/* on a terminal each row shows as it is written */
	if (w && !isatty(fileno(w->fp)))
		w->batch = 1;
}

void bb_writer_row(struct bb_writer *w, const char *const *vals)
{
	if (w)
		put_row(w, vals);
}

static int writer_finish(struct bb_writer *w)
{
	release_hold(w);
	int rc = close_out(w->ctx, w->fp, w->own, w->werr);
	free(w->cols);
	free(w->line);
	free(w);
	return rc;
}

int bb_writer_close(struct bb_writer *w)
{
	if (!w)
		return BB_ESYS;
	if (w->len)
		flush_line(w);	/* rows of a batch: held or written */
	if (w->hold && w->ctx->in_write_txn) {
		/* finished at the commit or rollback */
		w->next = w->ctx->held;
		w->ctx->held = w;
		return BB_OK;
	}
	return writer_finish(w);
}

int bb_writers_release(struct bb_ctx *ctx)
{
	int rc = BB_OK;

	while (ctx->held) {
		struct bb_writer *w = ctx->held;
		ctx->held = w->next;
		if (writer_finish(w) != BB_OK)
			rc = BB_ESYS;
	}
	return rc;
}

void bb_csv_put(FILE *fp, const char *s, char delim)
{
	if (!s)
		return;
	size_t n = strlen(s);
	if (!strchr(s, delim) && !strpbrk(s, "\"\r\n") &&
	    !(n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
		    s[n - 1] == '\t'))) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}
