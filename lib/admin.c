/*
 * admin.c - the `bloodbank` administration commands (SPEC 5.7): init,
 * rules, check, backup, audit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "admin.h"

static int open_args(struct bb_ctx *ctx, int argc, char **argv,
		     const struct bb_opt *opts, int *first)
{
	return bb_args(ctx, argc, argv, opts, first);
}

int admin_init(struct bb_ctx *ctx, int argc, char **argv)
{
	char name[64];
	int first, rc;
	sqlite3_stmt *st;

	if ((rc = open_args(ctx, argc, argv, NULL, &first)) != BB_OK)
		return rc;
	if (first < argc)
		return bb_usage_error(ctx, "init takes no operands");
	if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
		return rc;
	st = bb_sql(ctx, "SELECT value FROM rule_meta WHERE key = 'profile'", "");
	if (st && bb_step(ctx, st) == SQLITE_ROW &&
	    strcmp(bb_col_text(st, 0), ctx->profile)) {
		bb_err(ctx, "database '%s' already uses rule profile '%s'; "
		       "change single tables with 'bloodbank rules import'",
		       ctx->db_path, bb_col_text(st, 0));
		sqlite3_reset(st);
		return BB_EUSAGE;
	}
	if (st)
		sqlite3_reset(st);
	if (!ctx->quiet)
		fprintf(stderr, "%s: '%s': schema %d, rules %s\n", ctx->prog,
			ctx->db_path, bb_db_schema_version(),
			bb_rules_name(ctx, name));
	return BB_OK;
}

static int rules_list(struct bb_ctx *ctx)
{
	static const char *const cols[] = { "table", "rows" };
	struct bb_writer *w = bb_writer_open(ctx, cols, 2);
	sqlite3_stmt *st = bb_sql(ctx, "SELECT name FROM sqlite_master WHERE "
		"type = 'table' AND name LIKE 'rule\\_%' ESCAPE '\\' AND "
		"name <> 'rule_meta' ORDER BY name", "");

	if (!w || !st)
		return BB_ESYS;
	while (bb_step(ctx, st) == SQLITE_ROW) {
		/* the name comes from the schema itself, not from input */
		char sql[128], n[24];
		const char *vals[2];
		sqlite3_stmt *cnt;

		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"",
			 bb_col_text(st, 0));
		if (sqlite3_prepare_v2(ctx->db, sql, -1, &cnt, NULL) != SQLITE_OK)
			return bb_db_error(ctx, "cannot count a rule table");
		snprintf(n, sizeof n, "%d", sqlite3_step(cnt) == SQLITE_ROW ?
			 sqlite3_column_int(cnt, 0) : 0);
		sqlite3_finalize(cnt);
		vals[0] = bb_col_text(st, 0) + 5;
		vals[1] = n;
		bb_writer_row(w, vals);
	}
	sqlite3_reset(st);
	return bb_writer_close(w);
}

/* Accept "intervals" and "rule_intervals". */
static const char *table_arg(const char *a, char buf[static 64])
{
	snprintf(buf, 64, "%s%s", strncmp(a, "rule_", 5) ? "rule_" : "", a);
	return buf;
}

int admin_rules(struct bb_ctx *ctx, int argc, char **argv)
{
	int first, rc;
	const char *verb;
	char tbuf[64];

	if ((rc = open_args(ctx, argc, argv, NULL, &first)) != BB_OK)
		return rc;
	if (first >= argc)
		return bb_usage_error(ctx, "rules: want list, export TABLE or import TABLE [FILE]");
	verb = argv[first];
	if (!strcmp(verb, "list")) {
		if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
			return rc;
		return rules_list(ctx);
	}
	if (!strcmp(verb, "export") && first + 2 == argc) {
		if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
			return rc;
		return bb_rules_export(ctx, table_arg(argv[first + 1], tbuf));
	}
	if (!strcmp(verb, "import") && (first + 2 == argc || first + 3 == argc)) {
		if ((rc = bb_db_open(ctx, BB_DB_WRITE)) != BB_OK)
			return rc;
		return bb_rules_import(ctx, table_arg(argv[first + 1], tbuf),
				       first + 3 == argc ? argv[first + 2] : "-");
	}
	return bb_usage_error(ctx, "rules: want list, export TABLE or import TABLE [FILE]");
}

struct check_out {
	struct bb_writer *w;
	int problems;
};

static void check_row(struct check_out *co, const char *check,
		      const char *result, const char *detail)
{
	const char *vals[3] = { check, result, detail };

	bb_writer_row(co->w, vals);
	if (strcmp(result, "ok"))
		co->problems++;
}

static void check_integrity(struct bb_ctx *ctx, struct check_out *co)
{
	sqlite3_stmt *st;
	int ok = 0, n = 0;

	if (sqlite3_prepare_v2(ctx->db, "PRAGMA integrity_check", -1, &st, NULL))
		return check_row(co, "integrity", "error", sqlite3_errmsg(ctx->db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *m = bb_col_text(st, 0);
		if (!strcmp(m, "ok"))
			ok = 1;
		else if (n++ < 20)
			check_row(co, "integrity", "error", m);
	}
	sqlite3_finalize(st);
	if (ok)
		check_row(co, "integrity", "ok", "");
}

static void check_foreign_keys(struct bb_ctx *ctx, struct check_out *co)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(ctx->db, "PRAGMA foreign_key_check", -1, &st, NULL))
		return check_row(co, "foreign_keys", "error", sqlite3_errmsg(ctx->db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		char d[160];
		snprintf(d, sizeof d, "%s row %lld refers to a missing %s",
			 bb_col_text(st, 0), sqlite3_column_int64(st, 1),
			 bb_col_text(st, 2));
		if (n++ < 20)
			check_row(co, "foreign_keys", "error", d);
	}
	sqlite3_finalize(st);
	if (!n)
		check_row(co, "foreign_keys", "ok", "");
}

/* Recompute the hash chain of unit_events; report the first break. */
static void check_audit_chain(struct bb_ctx *ctx, struct check_out *co)
{
	sqlite3_stmt *st = bb_sql(ctx, "SELECT id, din, product_code, at, "
		"from_status, to_status, event, reason, actor, ref, chain "
		"FROM unit_events ORDER BY id", "");
	char prev[65] = "", want[65], d[128];
	long n = 0;

	while (st && bb_step(ctx, st) == SQLITE_ROW) {
		const char *f[9];
		for (int i = 0; i < 9; i++)
			f[i] = sqlite3_column_type(st, i + 1) == SQLITE_NULL
				? NULL : bb_col_text(st, i + 1);
		bb_audit_chain(prev, f, want);
		if (strcmp(want, bb_col_text(st, 10))) {
			snprintf(d, sizeof d, "event %lld does not match its "
				 "hash: the trail was changed",
				 sqlite3_column_int64(st, 0));
			sqlite3_reset(st);
			return check_row(co, "audit_chain", "error", d);
		}
		memcpy(prev, want, sizeof prev);
		n++;
	}
	if (st)
		sqlite3_reset(st);
	snprintf(d, sizeof d, "%ld events", n);
	check_row(co, "audit_chain", "ok", d);
}

/* Every unit's status must be the to_status of its last event. */
static void check_unit_status(struct bb_ctx *ctx, struct check_out *co)
{
	sqlite3_stmt *st = bb_sql(ctx, "SELECT u.din, u.product_code, u.status, "
		"(SELECT e.to_status FROM unit_events e WHERE e.din = u.din AND "
		"e.product_code = u.product_code ORDER BY e.id DESC LIMIT 1) "
		"FROM units u", "");
	int n = 0;

	while (st && bb_step(ctx, st) == SQLITE_ROW) {
		char d[160];
		if (!strcmp(bb_col_text(st, 2), bb_col_text(st, 3)))
			continue;
		snprintf(d, sizeof d, "unit %s %s is '%s' but its last event "
			 "says '%s'", bb_col_text(st, 0), bb_col_text(st, 1),
			 bb_col_text(st, 2), bb_col_text(st, 3));
		if (n++ < 20)
			check_row(co, "unit_status", "error", d);
	}
	if (st)
		sqlite3_reset(st);
	if (!n)
		check_row(co, "unit_status", "ok", "");
}

int admin_check(struct bb_ctx *ctx, int argc, char **argv)
{
	static const char *const cols[] = { "check", "result", "detail" };
	struct check_out co = { NULL, 0 };
	int first, rc;

	if ((rc = open_args(ctx, argc, argv, NULL, &first)) != BB_OK)
		return rc;
	if ((rc = bb_db_open(ctx, BB_DB_READ)) != BB_OK)
		return rc;
	if (!(co.w = bb_writer_open(ctx, cols, 3)))
		return BB_ESYS;
	check_integrity(ctx, &co);
	check_foreign_keys(ctx, &co);
	check_audit_chain(ctx, &co);
	check_unit_status(ctx, &co);
	if ((rc = bb_writer_close(co.w)) != BB_OK)
		return rc;
	return co.problems ? BB_EATTN : BB_OK;
}

/* gzip src into dst (created 0600). */
static int gzip_file(struct bb_ctx *ctx, const char *src, const char *dst)
{
	char buf[65536];
	ssize_t n;
	int in = open(src, O_RDONLY), out = -1, ok = 0;
	gzFile gz = NULL;

	if (in >= 0)
		out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out >= 0)
		gz = gzdopen(out, "wb9");
	if (gz) {
		ok = 1;
		while (ok && (n = read(in, buf, sizeof buf)) > 0)
			ok = gzwrite(gz, buf, (unsigned)n) == n;
		ok = gzclose(gz) == Z_OK && ok;
	} else if (out >= 0) {
		close(out);
	}
	if (in >= 0)
		close(in);
	if (!ok)
		bb_err(ctx, "cannot write backup '%s': %s", dst, strerror(errno));
	return ok ? BB_OK : BB_ESYS;
}

/* Online backup through SQLite's backup API: readers and writers go on. */
static int backup_to(struct bb_ctx *ctx, const char *path)
{
	sqlite3 *dst;
	sqlite3_backup *b;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), rc;

	if (fd < 0) {
		bb_err(ctx, "cannot create backup '%s': %s", path, strerror(errno));
		return BB_ESYS;
	}
	close(fd);
	if (sqlite3_open(path, &dst) != SQLITE_OK) {
		sqlite3_close(dst);
		bb_err(ctx, "cannot open backup '%s'", path);
		return BB_ESYS;
	}
	b = sqlite3_backup_init(dst, "main", ctx->db, "main");
	if (!b) {
		bb_err(ctx, "backup failed: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return BB_ESYS;
	}
	while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK ||
	       rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		sqlite3_sleep(5);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		bb_err(ctx, "backup failed: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return BB_ESYS;
	}
	/* a backup file stands alone: no WAL beside it */
	sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	sqlite3_close(dst);
	return BB_OK;
}

int admin_backup(struct bb_ctx *ctx, int argc, char **argv)
{
	int first, rc;
	const char *dst;
	size_t n;

	if ((rc = open_args(ctx, argc, argv, NULL, &first)) != BB_OK)
		return rc;
	if (first + 1 != argc)
		return bb_usage_error(ctx, "backup: want one FILE");
	dst = argv[first];
	if ((rc = bb_db_open(ctx, BB_DB_READ)) != BB_OK)
		return rc;
	n = strlen(dst);
	if (n > 3 && !strcmp(dst + n - 3, ".gz")) {
		char *tmp = bb_xmalloc(n + 8);
		snprintf(tmp, n + 8, "%.*s.tmp", (int)(n - 3), dst);
		rc = backup_to(ctx, tmp);
		if (rc == BB_OK)
			rc = gzip_file(ctx, tmp, dst);
		unlink(tmp);
		free(tmp);
		return rc;
	}
	return backup_to(ctx, dst);
}

int admin_audit(struct bb_ctx *ctx, int argc, char **argv)
{
	static const char *const cols[] = { "id", "din", "product_code", "at",
		"from_status", "to_status", "event", "reason", "actor", "ref" };
	const char *din = NULL, *since = NULL, *until = NULL, *actor = NULL;
	const struct bb_opt opts[] = {
		{ "din", 0, BB_ARG, &din, NULL, "--din DIN         only this donation's units" },
		{ "since", 0, BB_ARG, &since, NULL, "--since TIME      events at or after TIME" },
		{ "until", 0, BB_ARG, &until, NULL, "--until TIME      events before TIME" },
		{ "actor", 0, BB_ARG, &actor, NULL, "--actor NAME      only this user's events" },
		BB_OPT_END
	};
	bb_time t0 = 0, t1 = 0;
	const char *why;
	struct bb_writer *w;
	sqlite3_stmt *st;
	int first, rc;
	char s0[17] = "", s1[17] = "9999";

	if ((rc = open_args(ctx, argc, argv, opts, &first)) != BB_OK)
		return rc;
	if (since && bb_parse_time(since, &t0, &why))
		return bb_usage_error(ctx, "--since '%s': %s", since, why);
	if (until && bb_parse_time(until, &t1, &why))
		return bb_usage_error(ctx, "--until '%s': %s", until, why);
	if (since)
		bb_fmt_time(t0, s0);
	if (until)
		bb_fmt_time(t1, s1);
	if ((rc = bb_db_open(ctx, BB_DB_READ)) != BB_OK)
		return rc;
	st = bb_sql(ctx, "SELECT id, din, product_code, at, from_status, "
		"to_status, event, reason, actor, ref FROM unit_events "
		"WHERE (?1 IS NULL OR din = ?1) AND at >= ?2 AND at < ?3 "
		"AND (?4 IS NULL OR actor = ?4) ORDER BY id",
		"sSSs", din, s0, s1, actor);
	if (!st || !(w = bb_writer_open(ctx, cols, 10)))
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		const char *v[10];
		for (int i = 0; i < 10; i++)
			v[i] = bb_col_text(st, i);
		bb_writer_row(w, v);
	}
	sqlite3_reset(st);
	if (rc < 0) {
		bb_writer_close(w);
		return BB_ESYS;
	}
	return bb_writer_close(w);
}
