/*
 * donor_import.c - donor-register import: upsert donor records.
 *
 * Every row is validated (national ID MOD 11-2 with its birth date and
 * sex, phone against rule_phone_patterns, dates, ABO/RhD) before it is
 * written; one transaction for the whole run.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "donor.h"

static const char *const donor_cols[] = {
	"donor_id", "national_id", "name", "sex", "birth_date", "abo", "rhd",
	"phone", "region", "registered", NULL
};
/* their places, for bb_col */
enum { D_ID, D_NID, D_NAME, D_SEX, D_BIRTH, D_ABO, D_RHD, D_PHONE, D_REGION,
       D_REGISTERED };
static const char *const donor_required[] = {
	"donor_id", "sex", "birth_date", NULL
};

/* A plain INSERT first (new donors are the common case and the cheapest
 * to write); on a constraint the row is an update or a clash. */
static const char SQL_INSERT[] =
	"INSERT INTO donors (donor_id, national_id, name, sex, birth_date, "
	"abo, rhd, phone, region, registered, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?10, ?11), ?12)";
static const char SQL_UPDATE[] =
	"UPDATE donors SET national_id = coalesce(?2, national_id), "
	"name = coalesce(?3, name), sex = ?4, birth_date = ?5, "
	"abo = coalesce(?6, abo), rhd = coalesce(?7, rhd), "
	"phone = coalesce(?8, phone), region = coalesce(?9, region), "
	"registered = coalesce(?10, registered), updated_at = ?12 "
	"WHERE donor_id = ?1 AND ?11 IS NOT NULL";
static const char SQL_ANY_DONOR[] = "SELECT 1 FROM donors LIMIT 1";
static const char SQL_OWNER[] =
	"SELECT donor_id FROM donors WHERE national_id = ?";
/* donors_dup holds (birth_date, sex, name) and the key donor_id: the
 * probe never reads the table. */
static const char SQL_DUP[] =
	"SELECT donor_id FROM donors WHERE name = ?1 AND birth_date = ?2 "
	"AND sex = ?3 AND donor_id <> ?4 LIMIT 1";

/*
 * The same-person check costs an index probe per new donor.  A batch
 * that starts on an empty donors table keeps a Bloom filter of the
 * (name, birth date, sex) keys it wrote: a key it has not seen cannot be
 * another donor's, and only a hit (a real one, or a false one: two in a
 * thousand once SEEN_MAX keys are in, none in 100 k keys when simulated
 * with random hashes) asks the database.
 * Blocked: a key's SEEN_K bits all lie in one 64-byte line, so a test
 * costs one cache miss at most, and the line is fetched while the row's
 * INSERT runs.  2 MB, allocated whole at the start (memory does not grow
 * with the batch; an 8 MB hash table of the keys measured 10 % slower on
 * its cache misses).  Not with -q (no warning to give).  Off beyond
 * SEEN_MAX keys and after an update (its stored name is not known
 * here): the database answers then.
 */
#define SEEN_LINE_BITS 15
#define SEEN_LINES (1u << SEEN_LINE_BITS)	/* 64-byte lines: 2 MB */
#define SEEN_K 6			/* bits per key */
#define SEEN_MAX (1u << 20)
struct seen_keys {
	int on;
	uint64_t (*line)[8];
	size_t n;
};

/*
 * Loading an empty register (a centre's first import: the biggest batch
 * it will run) keeps the same-person index out of the way: it is dropped
 * before the first row is written and built again, sorted in one go, at
 * the end of the batch (in the same transaction: a rollback brings it
 * back), which costs a fraction of keeping it up to date row by row.
 * Meanwhile the Bloom filter clears the keys nobody else has; a row it
 * cannot clear waits in `wait` and is asked once the index is back, so
 * its warning comes at the end of the batch.  The index comes back early,
 * before anything that needs it: the first row that is not new (an
 * update, a clash), the filter switching off, a full list.
 */
#define WAIT_MAX 4096
/*
 * The page cache of an import, 6 MB: its working set is small (the table
 * grows at its end, the national ID index at a few places), and CREATE
 * INDEX sorts within the same budget (a 100 k-row register's keys fit,
 * 1 M rows spill to temporary files).  Peak memory 19 MB at 100 k rows
 * and at 1 M; donate's 16 MB cache was no faster here and, with the sort
 * on top, grew from 28 to 39 MB.
 */
#define IMPORT_CACHE "PRAGMA cache_size = -6144"
struct bulk {
	int wanted;		/* empty register: at the first row to write */
	char *index_sql;	/* the index's definition while it is away */
	struct waiting {
		size_t file;	/* in files */
		long line;
		char id[64];
	} *wait;
	size_t n;
	char **files;		/* the inputs the waiting rows came from */
	size_t nfiles;
};

struct import_state {
	int started;		/* the batch's transaction has begun */
	char today[11];
	char stamp[17];
	long added;
	struct seen_keys seen;
	struct bulk bulk;
};

/* FNV-1a over the three parts, then a 64-bit finaliser (FNV's high bits
 * alone mix poorly, and they pick the line). */
static uint64_t key_hash(const char *name, const char *birth, const char *sex)
{
	const char *parts[3] = { name, birth, sex };
	uint64_t h = 14695981039346656037u;

	for (int i = 0; i < 3; i++) {
		for (const char *p = parts[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211u;
		h = (h ^ 0xff) * 1099511628211u;	/* separator */
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 33);
}

static uint64_t *seen_line(const struct seen_keys *k, uint64_t h)
{
	return k->line[h >> (64 - SEEN_LINE_BITS)];
}

/* Add h; 1 when it may have been there (or the filter is full: ask). */
static int seen_add(struct seen_keys *k, uint64_t h)
{
	uint64_t *w = seen_line(k, h);
	int there = 1;

	if (k->n + 1 > SEEN_MAX) {
		k->on = 0;
		return 1;
	}
	for (int i = 0; i < SEEN_K; i++, h >>= 9) {
		unsigned bit = (unsigned)h & 511;
		uint64_t m = (uint64_t)1 << (bit & 63);

		there &= (w[bit >> 6] & m) != 0;
		w[bit >> 6] |= m;
	}
	k->n++;
	return there;
}

/* Is the donors table empty at the start of the batch?  (The write
 * transaction keeps it so for other writers.)  Then *empty, and the
 * filter, unless -q leaves no warning to give. */
static int seen_start(struct bb_ctx *ctx, struct seen_keys *k, int *empty)
{
	int rc = bb_exists(ctx, SQL_ANY_DONOR, "");

	*empty = rc == 0;
	k->on = *empty && !ctx->quiet;
	/* lines on cache lines; without the memory the database answers */
	if (k->on) {
		k->line = aligned_alloc(64, SEEN_LINES * sizeof *k->line);
		if (k->line)
			memset(k->line, 0, SEEN_LINES * sizeof *k->line);
		else
			k->on = 0;
	}
	return rc < 0 ? BB_ESYS : BB_OK;
}

/* A donor_id: printable, no blanks inside, at most 63 bytes. */
static int id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || *s == 0x7f)
			return 0;
	return 1;
}

static int reject(struct bb_ctx *ctx, struct bb_reader *r,
		  struct bb_rec *rec, const char *field, const char *why,
		  const char *value)
{
	bb_reject(ctx, r, rec, field, why, value);
	return BB_OK;
}

static int natid_owner(struct bb_ctx *ctx, const char *natid, char *owner,
		       size_t n)
{
	sqlite3_stmt *st = bb_sql(ctx, SQL_OWNER, "s", natid);
	int rc;

	if (!st)
		return -1;
	rc = bb_step(ctx, st);
	if (rc == SQLITE_ROW)
		snprintf(owner, n, "%s", bb_col_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc < 0 ? -1 : 0;
}

static void warn_same(struct bb_ctx *ctx, const char *file, long line,
		      const char *id, const char *other)
{
	bb_warn(ctx, "%s:%ld: warning: donor '%s' may be the same person as "
		"donor '%s' (same name, birth date and sex)",
		strcmp(file, "-") ? file : "stdin", line, id, other);
}

static const char SQL_INDEX_DEF[] =
	"SELECT sql FROM sqlite_master WHERE type = 'index' "
	"AND name = 'donors_dup' AND sql IS NOT NULL";
static const char SQL_INDEX_DROP[] = "DROP INDEX donors_dup";
/* the same-person question for a donor on record, by its id */
static const char SQL_DUP_OF[] =
	"SELECT o.donor_id FROM donors d JOIN donors o "
	"ON o.birth_date = d.birth_date AND o.sex = d.sex AND o.name = d.name "
	"AND o.donor_id <> d.donor_id WHERE d.donor_id = ?1 LIMIT 1";

/* Take the same-person index away for a batch into an empty register
 * (see struct bulk); without its definition, leave it. */
static int bulk_start(struct bb_ctx *ctx, struct bulk *b)
{
	sqlite3_stmt *st = bb_sql(ctx, SQL_INDEX_DEF, "");
	int rc;

	if (!st)
		return BB_ESYS;
	rc = bb_step(ctx, st);
	if (rc == SQLITE_ROW)
		b->index_sql = bb_xstrdup(bb_col_text(st, 0));
	sqlite3_reset(st);
	if (rc < 0)
		return BB_ESYS;
	if (b->index_sql && bb_exec_script(ctx, SQL_INDEX_DROP)) {
		free(b->index_sql);
		b->index_sql = NULL;
		return BB_ESYS;
	}
	return BB_OK;
}

static void bulk_free(struct bulk *b)
{
	free(b->index_sql);
	b->index_sql = NULL;
	free(b->wait);
	b->wait = NULL;
	b->n = 0;
	for (size_t i = 0; i < b->nfiles; i++)
		free(b->files[i]);
	free(b->files);
	b->files = NULL;
	b->nfiles = 0;
}

/* Build the index again and ask about the rows that waited for it. */
static int bulk_end(struct bb_ctx *ctx, struct bulk *b)
{
	int rc = BB_OK;

	if (!b->index_sql)
		return BB_OK;
	if (bb_exec_script(ctx, b->index_sql))
		rc = BB_ESYS;
	for (size_t i = 0; rc == BB_OK && i < b->n; i++) {
		const struct waiting *w = &b->wait[i];
		sqlite3_stmt *st = bb_sql(ctx, SQL_DUP_OF, "s", w->id);
		int k;

		if (!st) {
			rc = BB_ESYS;
			break;
		}
		k = bb_step(ctx, st);
		if (k == SQLITE_ROW)
			warn_same(ctx, b->files[w->file], w->line, w->id,
				  bb_col_text(st, 0));
		sqlite3_reset(st);
		if (k < 0)
			rc = BB_ESYS;
	}
	bulk_free(b);
	return rc;
}

/* Keep a new donor the filter could not clear for bulk_end(); 0 when the
 * list is full (the caller ends the bulk load and asks now).  id_ok()
 * keeps donor IDs within 63 bytes. */
static int bulk_wait(struct bulk *b, const struct bb_rec *rec,
		     const char *id)
{
	struct waiting *w;

	if (b->n == WAIT_MAX)
		return 0;
	if (!b->wait)
		b->wait = bb_xrealloc(NULL, WAIT_MAX * sizeof *b->wait);
	/* the reader's name goes with the reader: keep a copy */
	if (!b->nfiles || strcmp(b->files[b->nfiles - 1], rec->file)) {
		b->files = bb_xrealloc(b->files, (b->nfiles + 1) *
				       sizeof *b->files);
		b->files[b->nfiles++] = bb_xstrdup(rec->file);
	}
	w = &b->wait[b->n++];
	w->file = b->nfiles - 1;
	w->line = rec->line;
	bb_copy(w->id, sizeof w->id, id);
	return 1;
}

/* Is the key's filter line wanted for this row?  Then its hash, and the
 * line is on its way into the cache; 0 when not. */
static uint64_t seen_prefetch(const struct bb_ctx *ctx,
			      const struct seen_keys *k, const char *name,
			      const char *birth, const char *sex)
{
	uint64_t h;

	if (!k->on || !*name || ctx->quiet)
		return 0;
	h = key_hash(name, birth, sex);
	__builtin_prefetch(seen_line(k, h), 1);
	return h;
}

/* Does another donor share name, birth date and sex?  `h`: the key's
 * hash from seen_prefetch() for a new donor, 0 for an update.  (An
 * INSERT ... RETURNING with this as a subquery measured slower: it goes
 * through an ephemeral table.) */
static int warn_duplicate(struct bb_ctx *ctx, struct import_state *s,
			  struct bb_rec *rec, const char *id, const char *name,
			  const char *birth, const char *sex, int is_new,
			  uint64_t h)
{
	sqlite3_stmt *st;
	int rc;

	if (!is_new)
		s->seen.on = 0;		/* an update: see struct seen_keys */
	if (!*name || ctx->quiet)	/* the warning would not show */
		return BB_OK;
	if (s->seen.on && h && !seen_add(&s->seen, h))
		return BB_OK;		/* a key nobody else has */
	if (s->bulk.index_sql) {	/* the index is away */
		if (s->seen.on && bulk_wait(&s->bulk, rec, id))
			return BB_OK;
		if (bulk_end(ctx, &s->bulk) != BB_OK)
			return BB_ESYS;
	}
	if (!(st = bb_sql(ctx, SQL_DUP, "ssss", name, birth, sex, id)))
		return BB_ESYS;
	rc = bb_step(ctx, st);
	if (rc == SQLITE_ROW)
		warn_same(ctx, rec->file, rec->line, id, bb_col_text(st, 0));
	sqlite3_reset(st);
	return rc < 0 ? BB_ESYS : BB_OK;
}

/* A date as stored: bb_fmt_date() of what bb_parse_date() made of `in`,
 * which is `in` itself when it is written YYYY-MM-DD already. */
static void canon_date(const char *in, bb_time t, char out[static 11])
{
	if (strlen(in) == 10 && in[4] == '-' && in[7] == '-')
		memcpy(out, in, 11);
	else
		bb_fmt_date(t, out);
}

static int import_row(struct bb_ctx *ctx, struct bb_reader *r,
		      struct bb_rec *rec, void *arg)
{
	struct import_state *s = arg;
	const char *id = bb_col(rec, D_ID);
	const char *nid_in = bb_col(rec, D_NID);
	const char *sex_in = bb_col(rec, D_SEX);
	const char *birth_in = bb_col(rec, D_BIRTH);
	const char *phone = bb_col(rec, D_PHONE);
	const char *reg_in = bb_col(rec, D_REGISTERED);
	const char *why = "";
	char nid[19] = "", sex = 0, nsex = 0, abo[3], rhd[4], birth[11];
	char registered[11] = "", owner[64];
	bb_time tb = 0, nbirth = 0, treg;
	uint64_t h;
	int rc, is_new = 0;

	/* the first record: the batch's transaction has just begun, and
	 * what it finds stays so for the batch (see struct seen_keys) */
	if (!s->started) {
		s->started = 1;
		if (seen_start(ctx, &s->seen, &s->bulk.wanted) != BB_OK)
			return BB_ESYS;
	}
	if (!id_ok(id))
		return reject(ctx, r, rec, "donor_id", *id ? "not a donor ID "
			      "(1-63 characters, no blanks)" : "missing", *id ? id : NULL);
	if (*nid_in) {
		size_t n = strlen(nid_in);

		if (n != 18)
			return reject(ctx, r, rec, "national_id",
				      "not 18 characters", nid_in);
		for (size_t i = 0; i < n; i++)
			nid[i] = (char)toupper((unsigned char)nid_in[i]);
		if (bb_natid_check(nid, &nbirth, &nsex, &why) < 0)
			return reject(ctx, r, rec, "national_id", why, nid_in);
	}
	if (*sex_in) {
		if (bb_sex_parse(sex_in, &sex) < 0)
			return reject(ctx, r, rec, "sex", "not M or F", sex_in);
	} else if (nsex) {
		sex = nsex;
	} else {
		return reject(ctx, r, rec, "sex", "missing", NULL);
	}
	if (*birth_in) {
		if (bb_parse_date(birth_in, &tb, &why) < 0)
			return reject(ctx, r, rec, "birth_date", why, birth_in);
	} else if (nid[0]) {
		tb = nbirth;
	} else {
		return reject(ctx, r, rec, "birth_date", "missing", NULL);
	}
	if (tb > ctx->now)
		return reject(ctx, r, rec, "birth_date", "in the future", birth_in);
	if (bb_age_years(tb, ctx->now) > 120)
		return reject(ctx, r, rec, "birth_date", "more than 120 years ago",
			      birth_in);
	if (nid[0] && tb != nbirth)
		return reject(ctx, r, rec, "birth_date", "does not agree with "
			      "the national ID", birth_in);
	if (nid[0] && sex != nsex)
		return reject(ctx, r, rec, "sex", "does not agree with the "
			      "national ID", sex_in);
	if (bb_abo_from_rec(ctx, bb_col(rec, D_ABO), bb_col(rec, D_RHD),
			    abo, rhd) < 0)
		return reject(ctx, r, rec, "abo", "not a blood group",
			      *bb_col(rec, D_ABO) ? bb_col(rec, D_ABO) :
			      bb_col(rec, D_RHD));
	if (*phone && bb_phone_check(ctx, phone))
		return reject(ctx, r, rec, "phone", "not a phone number of "
			      "rule_phone_patterns", phone);
	if (*reg_in) {
		if (bb_parse_date(reg_in, &treg, &why) < 0)
			return reject(ctx, r, rec, "registered", why, reg_in);
		canon_date(reg_in, treg, registered);
	}
	if (*birth_in)
		canon_date(birth_in, tb, birth);
	else
		bb_fmt_date(tb, birth);

	const char sx[2] = { sex, 0 };
	const char *name = bb_col(rec, D_NAME), *region = bb_col(rec, D_REGION);
	h = seen_prefetch(ctx, &s->seen, name, birth, sx);
	if (s->bulk.wanted) {	/* not before: a run that writes nothing
				 * leaves the schema as it was */
		s->bulk.wanted = 0;
		if (bulk_start(ctx, &s->bulk) != BB_OK)
			return BB_ESYS;
	}
	sqlite3_stmt *st = bb_sql(ctx, SQL_INSERT, "ssssssssssss", id, nid,
				  name, sx, birth, abo, rhd, phone, region,
				  registered, s->today, s->stamp);
	if (!st)
		return BB_ESYS;
	rc = bb_step(ctx, st);
	sqlite3_reset(st);
	is_new = rc == SQLITE_DONE;
	/* an update or a clash: the rows before it see the index */
	if (rc == SQLITE_CONSTRAINT && bulk_end(ctx, &s->bulk) != BB_OK)
		return BB_ESYS;
	if (rc == SQLITE_CONSTRAINT) {
		st = bb_sql(ctx, SQL_UPDATE, "ssssssssssss", id, nid, name, sx,
			    birth, abo, rhd, phone, region, registered, s->today,
			    s->stamp);
		if (!st)
			return BB_ESYS;
		rc = bb_step(ctx, st);
		if (rc == SQLITE_DONE && sqlite3_changes(ctx->db) == 0)
			rc = SQLITE_CONSTRAINT;	/* no such donor: a clash */
		sqlite3_reset(st);
	}
	if (rc == SQLITE_CONSTRAINT) {
		int own = nid[0] ? natid_owner(ctx, nid, owner, sizeof owner) : 0;

		if (own < 0)
			return BB_ESYS;
		if (own) {
			char why2[128];
			snprintf(why2, sizeof why2, "already registered to donor '%s'",
				 owner);
			return reject(ctx, r, rec, "national_id", why2, nid_in);
		}
		return reject(ctx, r, rec, "donor_id", "refused by the database "
			      "(constraint)", id);
	}
	if (rc != SQLITE_DONE)
		return BB_ESYS;
	s->added++;
	return warn_duplicate(ctx, s, rec, id, name, birth, sx, is_new, h);
}

int donor_import(struct bb_ctx *ctx, int argc, char **argv)
{
	struct import_state s = { 0 };
	int first, rc;

	if ((rc = bb_args(ctx, argc, argv, NULL, &first)) != BB_OK)
		return rc;
	if (bb_db_open(ctx, BB_DB_WRITE) != BB_OK ||
	    bb_exec_script(ctx, IMPORT_CACHE) != BB_OK)
		return BB_ESYS;
	bb_fmt_date(ctx->now, s.today);
	bb_fmt_time(ctx->now, s.stamp);
	rc = bb_each_record(ctx, argc, argv, first, donor_cols,
			    donor_required, BB_EACH_BEGIN, import_row, &s);
	/* the index back before the commit (a rollback brings it back
	 * by itself: after an error or a --strict stop) */
	if (rc != BB_ESYS && !ctx->stop && bulk_end(ctx, &s.bulk) != BB_OK)
		rc = BB_ESYS;
	rc = donor_finish(ctx, rc);
	bulk_free(&s.bulk);
	free(s.seen.line);
	if (rc != BB_ESYS)
		bb_info(ctx, "%ld donors imported%s, %d rows rejected", s.added,
			ctx->dry_run ? " (dry run: nothing written)" : "",
			ctx->nrejected);
	return rc;
}
