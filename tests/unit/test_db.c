/* test_db.c - database open, migrations, typed statements, unit status
 * changes and their audit rows. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bb.h"
#include "t.h"

static int count(struct bb_ctx *ctx, const char *sql)
{
	sqlite3_stmt *st = bb_sql(ctx, sql, "");
	int n = -1;

	if (st && bb_step(ctx, st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	if (st)
		sqlite3_reset(st);
	return n;
}

static void test_create(const char *path)
{
	struct bb_ctx ctx;
	struct stat sb;

	bb_ctx_init(&ctx, "test_db");
	ctx.db_path = path;
	ctx.quiet = 1;
	T_INTEQ(bb_db_open(&ctx, BB_DB_READ), BB_ESYS);	/* nothing to read */
	T_INTEQ(bb_db_open(&ctx, BB_DB_WRITE), BB_OK);
	T_OK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "created 0600");
	T_INTEQ(count(&ctx, "PRAGMA user_version"), bb_db_schema_version());
	T_OK(count(&ctx, "SELECT count(*) FROM rule_intervals") > 0, "rules seeded");
	T_INTEQ(count(&ctx, "PRAGMA foreign_keys"), 1);
	bb_ctx_free(&ctx);
}

/* An old file (schema 1 only) is migrated forward and the rule tables the
 * later migrations add are seeded from the file's own profile. */
static void test_migrate(const char *path)
{
	struct bb_ctx ctx;
	const struct bb_embedded *first = bb_embedded_find("sql/001-init.sql");
	sqlite3 *db;

	unlink(path);
	T_OK(first != NULL, "migration 001 embedded");
	if (!first)
		return;
	sqlite3_open(path, &db);
	sqlite3_exec(db, (const char *)first->data, NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA user_version = 1; INSERT INTO rule_meta "
		     "VALUES ('profile', 'us')", NULL, NULL, NULL);
	sqlite3_close(db);
	bb_ctx_init(&ctx, "test_db");
	ctx.db_path = path;
	T_INTEQ(bb_db_open(&ctx, BB_DB_WRITE), BB_OK);
	T_INTEQ(count(&ctx, "PRAGMA user_version"), bb_db_schema_version());
	T_INTEQ(count(&ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'rule_intervals'"), 1);
	bb_ctx_free(&ctx);
}

static void test_statements(const char *path)
{
	struct bb_ctx ctx;
	sqlite3_stmt *st;

	bb_ctx_init(&ctx, "test_db");
	ctx.db_path = path;
	ctx.user = "tester";
	ctx.now = bb_make_time(2026, 11, 22, 8, 0, 0);
	T_INTEQ(bb_db_open(&ctx, BB_DB_WRITE), BB_OK);
	T_INTEQ(bb_db_begin(&ctx), BB_OK);
	T_INTEQ(bb_exec(&ctx, "INSERT INTO units (din, product_code, component, "
		"expires_at, status) VALUES (?1, ?2, 'RBC', ?3, 'quarantine')",
		"sst", "A999926000001", "E0001V00", ctx.now + 35 * BB_DAY), BB_OK);
	/* a duplicate key is a constraint error, not a system error */
	T_INTEQ(bb_exec(&ctx, "INSERT INTO units (din, product_code, component, "
		"expires_at, status) VALUES (?1, ?2, 'RBC', ?3, 'quarantine')",
		"sst", "A999926000001", "E0001V00", ctx.now), BB_EROWS);
	st = bb_sql(&ctx, "SELECT expires_at FROM units WHERE din = ?1", "s", "A999926000001");
	T_OK(st && bb_step(&ctx, st) == SQLITE_ROW, "unit found");
	T_STREQ(bb_col_text(st, 0), "2026-12-27 08:00");
	T_INTEQ(bb_unit_set_status(&ctx, "A999926000001", "E0001V00", "available",
		"issued", "issue", NULL, NULL), BB_EROWS);	/* not available */
	T_INTEQ(bb_unit_set_status(&ctx, "A999926000001", "E0001V00",
		"quarantine;available", "available", "release", "tests-negative",
		"batch-1"), BB_OK);
	T_INTEQ(bb_unit_set_status(&ctx, "NOSUCH", "E0001V00", NULL, "expired",
		"expire", NULL, NULL), BB_EROWS);
	T_INTEQ(count(&ctx, "SELECT count(*) FROM unit_events WHERE "
		"from_status = 'quarantine' AND to_status = 'available' AND "
		"actor = 'tester' AND ref = 'batch-1' AND length(chain) = 64"), 1);
	T_INTEQ(bb_db_commit(&ctx), BB_OK);
	/* dry run: everything is done, then rolled back */
	ctx.dry_run = 1;
	T_INTEQ(bb_db_begin(&ctx), BB_OK);
	T_INTEQ(bb_unit_set_status(&ctx, "A999926000001", "E0001V00", NULL,
		"discarded", "discard", "test", NULL), BB_OK);
	T_INTEQ(bb_db_commit(&ctx), BB_OK);
	T_INTEQ(count(&ctx, "SELECT count(*) FROM units WHERE status = 'available'"), 1);
	bb_ctx_free(&ctx);
}

int main(void)
{
	char dir[] = "/tmp/test_db.XXXXXX", path[64];

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	test_create(path);
	test_statements(path);
	test_migrate(path);
	unlink(path);
	snprintf(path, sizeof path, "%s/t.db-wal", dir); unlink(path);
	snprintf(path, sizeof path, "%s/t.db-shm", dir); unlink(path);
	rmdir(dir);
	return t_done();
}
