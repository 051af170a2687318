/*
 * db.c - the SQLite file: open/create (0600), WAL, busy timeout, foreign
 * keys, forward migrations counted by PRAGMA user_version, and cached
 * prepared statements with typed binding.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bb_int.h"

#define BUSY_TIMEOUT_MS 10000

struct bb_stmt_cache {
	int n, cap;
	struct { const char *sql; sqlite3_stmt *st; } *e;
};

int bb_db_error(struct bb_ctx *ctx, const char *what)
{
	bb_err(ctx, "database error: %s: '%s': %s", what, ctx->db_path,
	       ctx->db ? sqlite3_errmsg(ctx->db) : "not open");
	return BB_ESYS;
}

int bb_db_schema_version(void)
{
	int n = 0;

	for (const struct bb_embedded *e = bb_embedded_files; e->name; e++)
		if (!strncmp(e->name, "sql/", 4))
			n++;
	return n;
}

int bb_exec_script(struct bb_ctx *ctx, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(ctx->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		bb_err(ctx, "database error: '%s': %s", ctx->db_path,
		       msg ? msg : sqlite3_errmsg(ctx->db));
		sqlite3_free(msg);
		return BB_ESYS;
	}
	return BB_OK;
}

static int user_version(struct bb_ctx *ctx)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(ctx->db, "PRAGMA user_version", -1, &st, NULL))
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * A new file gets 16 KiB pages (SQLite's default is 4 KiB).  The programs
 * write in batches of records: an import, a day's donations, a delivery
 * of units, a nightly sweep.  Bigger pages mean fewer b-tree levels, page
 * splits and WAL frames per batch: donor-register import ran 12% faster,
 * donate 7% (8 KiB pages: 8%; 32 and 64 KiB: no better than 16).  A
 * single-row change writes a whole page to the WAL, 16 KiB instead of 4:
 * still small.  Only before the file's first write: an existing file
 * keeps its page size.
 */
#define BB_DB_PAGE_SIZE "PRAGMA page_size = 16384"

static int migrate_abort(struct bb_ctx *ctx)
{
	sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(ctx->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return BB_ESYS;
}

/* Rows whose foreign key finds no parent (-1 on an error).  A file may
 * hold some already (written with enforcement off): the migrations must
 * only not add to them. */
static long fk_violations(struct bb_ctx *ctx)
{
	sqlite3_stmt *st;
	long n = 0;
	int rc;

	if (sqlite3_prepare_v2(ctx->db, "PRAGMA foreign_key_check", -1, &st,
			       NULL) != SQLITE_OK)
		return bb_db_error(ctx, "cannot check foreign keys"), -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n++;
	if (rc != SQLITE_DONE) {
		bb_db_error(ctx, "cannot check foreign keys");
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}

/* Did the migrations leave more rows without their parent than there
 * were?  (Says so.) */
static int keys_broken(struct bb_ctx *ctx, long before)
{
	long after = fk_violations(ctx);

	if (after < 0)
		return 1;
	if (after > before)
		bb_err(ctx, "database '%s': migrating would leave %ld rows "
		       "without their parent row: nothing was changed",
		       ctx->db_path, after - before);
	return after > before;
}

/* Apply the embedded migrations above the file's version, in one
 * transaction; a concurrent opener waits on the lock and then finds the
 * work done. */
static int migrate(struct bb_ctx *ctx, int *fresh)
{
	long orphans;
	int have, want = bb_db_schema_version(), k = 0;
	char pragma[48];

	*fresh = 0;
	have = user_version(ctx);
	if (have < 0)
		return bb_db_error(ctx, "cannot read the schema version");
	if (have > want) {
		bb_err(ctx, "database '%s' has schema version %d, newer than "
		       "this program's %d: upgrade bloodbank", ctx->db_path,
		       have, want);
		return BB_ESYS;
	}
	if (have == want)
		return BB_OK;
	/* Migrations rebuild tables (create, copy, drop, rename): SQLite's
	 * procedure runs that with foreign keys unenforced, which can only
	 * be switched outside a transaction, and checks them all at the
	 * end instead. */
	if (bb_exec_script(ctx, "PRAGMA foreign_keys = OFF") ||
	    bb_exec_script(ctx, "BEGIN IMMEDIATE"))
		return BB_ESYS;
	have = user_version(ctx);
	*fresh = have == 0;
	if ((orphans = *fresh ? 0 : fk_violations(ctx)) < 0)
		return migrate_abort(ctx);
	for (const struct bb_embedded *e = bb_embedded_files; e->name; e++) {
		if (strncmp(e->name, "sql/", 4))
			continue;
		if (++k <= have)
			continue;
		bb_info(ctx, "applying migration %s", e->name);
		if (bb_exec_script(ctx, (const char *)e->data))
			return migrate_abort(ctx);
	}
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", want);
	if (bb_exec_script(ctx, pragma) || keys_broken(ctx, orphans) ||
	    bb_rules_seed(ctx, *fresh ? ctx->profile : NULL) ||
	    bb_exec_script(ctx, "COMMIT"))
		return migrate_abort(ctx);
	if (bb_exec_script(ctx, "PRAGMA foreign_keys = ON"))
		return BB_ESYS;
	return BB_OK;
}

/*
 * SQLite builds and drops temporary b-trees (ORDER BY, IN lists, the
 * pages of a rolled-back --dry-run) a page at a time.  glibc gives the top
 * of the heap back to the kernel whenever 128 KiB are free there and
 * faults it in again on the next malloc: the nightly sweep of a 5 M-unit
 * file spent most of its time in page faults (0.09 s; 0.02 s with this).
 * The programs are short-lived: keep up to 64 MiB for reuse instead.
 */
static void keep_heap(void)
{
#ifdef M_TRIM_THRESHOLD
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

/* Create the file ourselves so it is 0600 whatever the umask. */
static int create_private(struct bb_ctx *ctx)
{
	int fd = open(ctx->db_path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd < 0 && errno != EEXIST) {
		bb_err(ctx, "cannot create database '%s': %s", ctx->db_path,
		       strerror(errno));
		return BB_ESYS;
	}
	if (fd >= 0)
		close(fd);
	return BB_OK;
}

int bb_db_open(struct bb_ctx *ctx, int mode)
{
	struct stat sb;
	int flags = SQLITE_OPEN_READWRITE, fresh, exists;
	char pragma[64];

	if (ctx->db)
		return BB_OK;
	exists = stat(ctx->db_path, &sb) == 0 && sb.st_size > 0;
	if (!exists && mode == BB_DB_READ) {
		bb_err(ctx, "no database '%s': load data first or run "
		       "'bloodbank init'", ctx->db_path);
		return BB_ESYS;
	}
	if (!exists && create_private(ctx))
		return BB_ESYS;
	if (exists && access(ctx->db_path, W_OK) != 0) {
		if (mode == BB_DB_WRITE) {
			bb_err(ctx, "database '%s' is read-only: %s",
			       ctx->db_path, strerror(errno));
			return BB_ESYS;
		}
		flags = SQLITE_OPEN_READONLY;
	}
	/* one connection per process, used by one thread: no mutexes.  No
	 * memory statistics either: they take a global mutex on every
	 * malloc (3% of an import).  Only before SQLite initialises, so a
	 * second open in the process gets SQLITE_MISUSE: harmless. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	keep_heap();
	if (sqlite3_open_v2(ctx->db_path, &ctx->db, flags | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		int rc = bb_db_error(ctx, "cannot open");
		sqlite3_close(ctx->db);
		ctx->db = NULL;
		return rc;
	}
	ctx->db_writable = flags == SQLITE_OPEN_READWRITE;
	sqlite3_busy_timeout(ctx->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(ctx->db, 0);
	/*
	 * A file this run creates has no other users yet: it is filled with
	 * a rollback journal, which writes each new page once, where WAL
	 * writes it to the log and again at the checkpoint (bench/import:
	 * a first import of 1 M donors takes 3.5 s instead of 3.9 s).  bb_db_close turns it to WAL;
	 * until then other programs wait for it as for any writer.  Rollback
	 * mode syncs in full: NORMAL is only safe with WAL.
	 */
	ctx->db_created = !exists;
	snprintf(pragma, sizeof pragma, "PRAGMA synchronous = %s",
		 ctx->sync_full || ctx->db_created ? "FULL" : "NORMAL");
	if ((ctx->db_created && bb_exec_script(ctx, BB_DB_PAGE_SIZE)) ||
	    bb_exec_script(ctx, "PRAGMA foreign_keys = ON") ||
	    (ctx->db_writable &&
	     ((!ctx->db_created &&
	       bb_exec_script(ctx, "PRAGMA journal_mode = WAL")) ||
	      bb_exec_script(ctx, pragma))))
		return BB_ESYS;
	if (ctx->db_writable)
		return migrate(ctx, &fresh);
	if (user_version(ctx) != bb_db_schema_version()) {
		bb_err(ctx, "database '%s' is read-only and has another schema "
		       "version (%d, want %d)", ctx->db_path, user_version(ctx),
		       bb_db_schema_version());
		return BB_ESYS;
	}
	return BB_OK;
}

static void reset_all(struct bb_ctx *ctx)
{
	if (!ctx->stmts)
		return;
	for (int i = 0; i < ctx->stmts->n; i++)
		sqlite3_reset(ctx->stmts->e[i].st);
}

int bb_db_begin(struct bb_ctx *ctx)
{
	int rc = bb_exec_script(ctx, ctx->db_writable ? "BEGIN IMMEDIATE"
						      : "BEGIN");

	if (rc == BB_OK && ctx->db_writable)
		ctx->in_write_txn = 1;
	return rc;
}

/* End of the transaction: output held back by the writers goes out. */
static int end_txn(struct bb_ctx *ctx)
{
	ctx->in_write_txn = 0;
	return bb_writers_release(ctx);
}

int bb_db_commit(struct bb_ctx *ctx)
{
	reset_all(ctx);
	if (ctx->dry_run || ctx->stop) {
		if (!sqlite3_get_autocommit(ctx->db))
			sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
		return end_txn(ctx);
	}
	if (sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int rc = bb_db_error(ctx, "commit failed, nothing was changed");
		bb_db_rollback(ctx);
		return rc;
	}
	return end_txn(ctx);
}

void bb_db_rollback(struct bb_ctx *ctx)
{
	reset_all(ctx);
	if (ctx->db && !sqlite3_get_autocommit(ctx->db))
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	end_txn(ctx);
}

static sqlite3_stmt *cached(struct bb_ctx *ctx, const char *sql)
{
	struct bb_stmt_cache *c = ctx->stmts;
	sqlite3_stmt *st;

	if (!c)
		c = ctx->stmts = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	for (int i = 0; i < c->n; i++)
		if (c->e[i].sql == sql)
			return c->e[i].st;
	if (sqlite3_prepare_v3(ctx->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &st, NULL) != SQLITE_OK) {
		bb_db_error(ctx, "cannot prepare a statement");
		return NULL;
	}
	BB_GROW(c->e, c->n, c->cap, 32);
	c->e[c->n].sql = sql;
	c->e[c->n].st = st;
	c->n++;
	return st;
}

/* Text arguments are bound in place (SQLITE_STATIC), not copied: the
 * import path binds millions of them.  So a string given to bb_sql() must
 * stay as it is until the caller has finished stepping the statement. */
static sqlite3_stmt *vbind(struct bb_ctx *ctx, const char *sql,
			   sqlite3_destructor_type keep, const char *types,
			   va_list ap)
{
	sqlite3_stmt *st = ctx->db ? cached(ctx, sql) : NULL;
	char buf[17];
	int i = 1;

	if (!st)
		return NULL;
	sqlite3_reset(st);
	if (sqlite3_bind_parameter_count(st) != (int)strlen(types ? types : ""))
		sqlite3_clear_bindings(st);
	for (const char *t = types; t && *t; t++, i++) {
		const char *s;
		bb_time tm;

		switch (*t) {
		case 's':
		case 'S':
			s = va_arg(ap, const char *);
			if (!s || (!*s && *t == 's'))
				sqlite3_bind_null(st, i);
			else
				sqlite3_bind_text(st, i, s, -1, keep);
			break;
		case 'i': sqlite3_bind_int64(st, i, va_arg(ap, int64_t)); break;
		case 'I': sqlite3_bind_int(st, i, va_arg(ap, int)); break;
		case 'd': sqlite3_bind_double(st, i, va_arg(ap, double)); break;
		case 'n': sqlite3_bind_null(st, i); break;
		case 't':
			tm = va_arg(ap, bb_time);
			sqlite3_bind_text(st, i, bb_fmt_time(tm, buf), -1,
					  SQLITE_TRANSIENT);
			break;
		case 'D':
			tm = va_arg(ap, bb_time);
			sqlite3_bind_text(st, i, bb_fmt_date(tm, buf), -1,
					  SQLITE_TRANSIENT);
			break;
		default:
			bb_err(ctx, "internal error: bad bind type '%c'", *t);
			return NULL;
		}
	}
	return st;
}

sqlite3_stmt *bb_sql(struct bb_ctx *ctx, const char *sql, const char *types,
		     ...)
{
	va_list ap;
	sqlite3_stmt *st;

	va_start(ap, types);
	st = vbind(ctx, sql, SQLITE_STATIC, types, ap);
	va_end(ap);
	return st;
}

int bb_step(struct bb_ctx *ctx, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW || rc == SQLITE_DONE || rc == SQLITE_CONSTRAINT)
		return rc;
	bb_db_error(ctx, "statement failed");
	return -1;
}

/* Bind, step once (or to the end) and reset; the last step's code. */
static int vrun(struct bb_ctx *ctx, const char *sql, const char *types,
		va_list ap, int to_end)
{
	sqlite3_stmt *st = vbind(ctx, sql, SQLITE_STATIC, types, ap);
	int rc;

	if (!st)
		return -1;
	do
		rc = bb_step(ctx, st);
	while (to_end && rc == SQLITE_ROW);
	sqlite3_reset(st);
	return rc;
}

int bb_exec(struct bb_ctx *ctx, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = vrun(ctx, sql, types, ap, 1);
	va_end(ap);
	if (rc == SQLITE_CONSTRAINT)
		return BB_EROWS;
	return rc == SQLITE_DONE ? BB_OK : BB_ESYS;
}

int bb_exists(struct bb_ctx *ctx, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = vrun(ctx, sql, types, ap, 0);
	va_end(ap);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

const char *bb_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

static void stmt_cache_free(struct bb_ctx *ctx)
{
	if (!ctx->stmts)
		return;
	for (int i = 0; i < ctx->stmts->n; i++)
		sqlite3_finalize(ctx->stmts->e[i].st);
	free(ctx->stmts->e);
	free(ctx->stmts);
	ctx->stmts = NULL;
}

/*
 * The file this run created leaves in WAL mode, like every database.  If
 * that cannot be done now (a transaction left open, another program
 * holding the lock past the timeout), the next program that opens the
 * file for writing does it.
 */
void bb_db_close(struct bb_ctx *ctx)
{
	if (!ctx->db)
		return;
	stmt_cache_free(ctx);
	if (ctx->db_created && ctx->db_writable &&
	    sqlite3_get_autocommit(ctx->db))
		sqlite3_exec(ctx->db, "PRAGMA journal_mode = WAL", NULL, NULL,
			     NULL);
	sqlite3_close(ctx->db);
	ctx->db = NULL;
}

const struct bb_embedded *bb_embedded_find(const char *name)
{
	for (const struct bb_embedded *e = bb_embedded_files; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}
