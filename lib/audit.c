/*
 * audit.c - the unit_events trail.  Each row carries chain =
 * SHA-256(previous chain | the row's fields), so `bloodbank check` can tell
 * a trail edited behind the triggers' back from an intact one.
 */
#include <stdint.h>
#include <string.h>

#include "bb.h"

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
			      ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
			      ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha_init(struct sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
		0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, h0, sizeof h0);
	s->len = 0;
	s->nbuf = 0;
}

static void sha_update(struct sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;

	s->len += n;
	while (n--) {
		s->buf[s->nbuf++] = *p++;
		if (s->nbuf == 64) {
			sha_block(s, s->buf);
			s->nbuf = 0;
		}
	}
}

static void sha_hex(struct sha256 *s, char out[static 65])
{
	uint64_t bits = s->len * 8;
	unsigned char pad = 0x80, len[8];

	sha_update(s, &pad, 1);
	pad = 0;
	while (s->nbuf != 56)
		sha_update(s, &pad, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha_update(s, len, 8);
	for (int i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", s->h[i]);
}

/* The chain value of a row given its predecessor's; fields separated by
 * a unit separator so no two rows hash alike by shifting text. */
void bb_audit_chain(const char *prev, const char *const fields[9],
		    char out[static 65])
{
	struct sha256 s;

	sha_init(&s);
	sha_update(&s, prev, strlen(prev));
	for (int i = 0; i < 9; i++) {
		sha_update(&s, "\x1f", 1);
		if (fields[i])
			sha_update(&s, fields[i], strlen(fields[i]));
	}
	sha_hex(&s, out);
}

int bb_unit_event(struct bb_ctx *ctx, const char *din, const char *product,
		  const char *from, const char *to, const char *event,
		  const char *reason, const char *ref)
{
	char at[17], chain[65], prev[65] = "";
	const char *fields[9];
	sqlite3_stmt *st;

	st = bb_sql(ctx, "SELECT chain FROM unit_events ORDER BY id DESC LIMIT 1", "");
	if (!st)
		return BB_ESYS;
	if (bb_step(ctx, st) == SQLITE_ROW)
		snprintf(prev, sizeof prev, "%s", bb_col_text(st, 0));
	sqlite3_reset(st);
	bb_fmt_time(ctx->now, at);
	fields[0] = din; fields[1] = product; fields[2] = at;
	fields[3] = from; fields[4] = to; fields[5] = event;
	fields[6] = reason; fields[7] = ctx->user; fields[8] = ref;
	bb_audit_chain(prev, fields, chain);
	return bb_exec(ctx,
		"INSERT INTO unit_events (din, product_code, at, from_status, "
		"to_status, event, reason, actor, ref, chain) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		"ssssssssss", din, product, at, from, to, event, reason,
		ctx->user, ref, chain) == BB_OK ? BB_OK : BB_ESYS;
}

/* `from` may list several statuses: "available;reserved". */
static int status_in(const char *status, const char *from)
{
	size_t n = strlen(status);
	const char *p = from;

	if (!from)
		return 1;
	while ((p = strstr(p, status))) {
		if ((p == from || p[-1] == ';') && (p[n] == ';' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

int bb_unit_set_status(struct bb_ctx *ctx, const char *din,
		       const char *product, const char *from, const char *to,
		       const char *event, const char *reason,
		       const char *ref)
{
	char cur[16];
	sqlite3_stmt *st = bb_sql(ctx, "SELECT status FROM units WHERE din = ?1 "
				  "AND product_code = ?2", "ss", din, product);

	if (!st)
		return BB_ESYS;
	if (bb_step(ctx, st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return BB_EROWS;
	}
	snprintf(cur, sizeof cur, "%s", bb_col_text(st, 0));
	sqlite3_reset(st);
	if (!status_in(cur, from))
		return BB_EROWS;
	if (bb_exec(ctx, "UPDATE units SET status = ?3, status_at = ?4 "
		    "WHERE din = ?1 AND product_code = ?2", "ssst", din,
		    product, to, ctx->now) != BB_OK)
		return BB_ESYS;
	return bb_unit_event(ctx, din, product, cur, to, event, reason, ref);
}
