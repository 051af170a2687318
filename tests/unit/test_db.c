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

/* A context on PATH, opened for writing. */
static void open_write(struct bb_ctx *ctx, const char *path)
{
	bb_ctx_init(ctx, "test_db");
	ctx->db_path = path;
	T_INTEQ(bb_db_open(ctx, BB_DB_WRITE), BB_OK);
}

/* The file's journal mode as its header records it (bytes 18 and 19: 1
 * rollback journal, 2 WAL), read without SQLite. */
static int header_wal(const char *path)
{
	unsigned char h[20] = {0};
	FILE *fp = fopen(path, "rb");

	if (fp) {
		if (fread(h, 1, sizeof h, fp) != sizeof h)
			h[18] = 0;
		fclose(fp);
	}
	return h[18] == 2 && h[19] == 2;
}

static int journal_is(struct bb_ctx *ctx, const char *mode)
{
	sqlite3_stmt *st = bb_sql(ctx, "PRAGMA journal_mode", "");
	int same = 0;

	if (st && bb_step(ctx, st) == SQLITE_ROW)
		same = !strcmp(bb_col_text(st, 0), mode);
	if (st)
		sqlite3_reset(st);
	return same;
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
	/* the run that made the file fills it with a rollback journal,
	 * synced in full ... */
	T_OK(journal_is(&ctx, "delete"), "new file: rollback journal");
	T_INTEQ(count(&ctx, "PRAGMA synchronous"), 2);
	bb_ctx_free(&ctx);
	T_INTEQ(header_wal(path), 1);
	/* ... and it is WAL, synced at checkpoints, for every later run */
	open_write(&ctx, path);
	T_OK(journal_is(&ctx, "wal"), "WAL after the creating run");
	T_INTEQ(count(&ctx, "PRAGMA synchronous"), 1);
	bb_ctx_free(&ctx);
}

/* The creating run ends inside a transaction (killed, or a path that
 * never commits): nothing of it stays, and the next run turns on WAL. */
static void test_create_unfinished(const char *path)
{
	struct bb_ctx ctx;

	unlink(path);
	open_write(&ctx, path);
	T_INTEQ(bb_db_begin(&ctx), BB_OK);
	T_INTEQ(bb_exec(&ctx, "INSERT INTO donors (donor_id, sex, birth_date) "
		"VALUES ('D1', 'F', '1990-01-01')", ""), BB_OK);
	bb_ctx_free(&ctx);
	T_INTEQ(header_wal(path), 0);
	open_write(&ctx, path);
	T_INTEQ(header_wal(path), 1);
	T_OK(journal_is(&ctx, "wal"), "WAL from the next run");
	T_INTEQ(count(&ctx, "SELECT count(*) FROM donors"), 0);
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
	open_write(&ctx, path);
	T_INTEQ(count(&ctx, "PRAGMA user_version"), bb_db_schema_version());
	T_INTEQ(count(&ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'rule_intervals'"), 1);
	bb_ctx_free(&ctx);
}

/* A schema-5 file with a register (rowid tables, donations.id) is
 * rebuilt by 006 into the clustered layout with every row and value kept;
 * a row that was an orphan before (written with enforcement off) does not
 * stop the migration, and the rebuilt tables enforce their keys. */
static void test_migrate_register(const char *path)
{
	struct bb_ctx ctx;
	sqlite3 *db;
	sqlite3_stmt *st;
	int k = 0;

	unlink(path);
	sqlite3_open(path, &db);
	for (const struct bb_embedded *e = bb_embedded_files; e->name; e++)
		if (!strncmp(e->name, "sql/", 4) && ++k <= 5)
			sqlite3_exec(db, (const char *)e->data, NULL, NULL, NULL);
	T_INTEQ(sqlite3_exec(db, "PRAGMA user_version = 5;"
		"INSERT INTO rule_meta VALUES ('profile', 'cn');"
		"INSERT INTO donors (donor_id, name, sex, birth_date, abo, rhd) "
		"VALUES ('D1', 'Li', 'F', '1990-02-03', 'A', 'pos'),"
		" ('D2', 'Wang', 'M', '1985-07-08', NULL, NULL);"
		"INSERT INTO donations (id, din, donor_id, collected_at, kind, "
		"volume_ml, site, hb_g_l, checked) VALUES "
		"(7, 'A999926000001', 'D1', '2026-01-05 09:00', 'WB', 400, 'S1', 131.5, 1),"
		"(9, NULL, 'D1', '2026-07-06 10:30', 'WB', 200, NULL, NULL, 0),"
		"(12, NULL, 'D2', '2026-03-01 08:00', 'PLT', 250, 'S2', 150, 1),"
		"(13, NULL, 'GONE', '2026-03-02 08:00', 'WB', 200, 'S2', 150, 1);"
		"INSERT INTO deferrals (donor_id, code, start) VALUES "
		"('D2', 'TATTOO', '2026-04-01');", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	bb_ctx_init(&ctx, "test_db");
	ctx.db_path = path;
	ctx.quiet = 1;
	T_INTEQ(bb_db_open(&ctx, BB_DB_WRITE), BB_OK);
	T_INTEQ(count(&ctx, "PRAGMA user_version"), bb_db_schema_version());
	T_INTEQ(count(&ctx, "PRAGMA foreign_keys"), 1);
	T_INTEQ(count(&ctx, "SELECT count(*) FROM sqlite_master WHERE name IN "
		"('donors', 'donations') AND sql LIKE '%WITHOUT ROWID'"), 2);
	T_INTEQ(count(&ctx, "SELECT count(*) FROM sqlite_master WHERE name IN "
		"('donors_dup', 'donations_time', 'donors_v6', 'donations_v6')"), 2);
	T_INTEQ(count(&ctx, "SELECT count(*) FROM donors"), 2);
	T_INTEQ(count(&ctx, "SELECT count(*) FROM donations"), 4);
	st = bb_sql(&ctx, "SELECT group_concat(coalesce(din, '-') || '|' || "
		"donor_id || '|' || collected_at || '|' || kind || '|' || "
		"volume_ml || '|' || coalesce(site, '-') || '|' || "
		"coalesce(hb_g_l, '-') || '|' || checked, ';') FROM "
		"(SELECT * FROM donations ORDER BY donor_id, collected_at)", "");
	T_OK(st && bb_step(&ctx, st) == SQLITE_ROW, "donations read");
	if (st) {
		T_STREQ(bb_col_text(st, 0),
			"A999926000001|D1|2026-01-05 09:00|WB|400.0|S1|131.5|1;"
			"-|D1|2026-07-06 10:30|WB|200.0|-|-|0;"
			"-|D2|2026-03-01 08:00|PLT|250.0|S2|150.0|1;"
			"-|GONE|2026-03-02 08:00|WB|200.0|S2|150.0|1");
		sqlite3_reset(st);
	}
	T_INTEQ(count(&ctx, "SELECT count(*) FROM donors WHERE donor_id = 'D1' "
		"AND name = 'Li' AND abo = 'A' AND rhd = 'pos' "
		"AND birth_date = '1990-02-03'"), 1);
	T_INTEQ(count(&ctx, "SELECT count(*) FROM deferrals WHERE donor_id = 'D2'"), 1);
	/* the keys hold on the rebuilt tables */
	T_INTEQ(bb_exec(&ctx, "INSERT INTO donations (donor_id, collected_at, "
		"kind, volume_ml) VALUES ('D1', '2026-01-05 09:00', 'WB', 200)",
		""), BB_EROWS);
	T_INTEQ(bb_exec(&ctx, "INSERT INTO donations (donor_id, collected_at, "
		"kind, volume_ml) VALUES ('NOBODY', '2026-01-05 09:00', 'WB', 200)",
		""), BB_EROWS);
	T_INTEQ(bb_exec(&ctx, "DELETE FROM donors WHERE donor_id = 'D2'", ""),
		BB_EROWS);
	T_INTEQ(bb_exec(&ctx, "INSERT INTO donors (donor_id, sex, birth_date) "
		"VALUES ('D1', 'M', '2000-01-01')", ""), BB_EROWS);
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
	test_create_unfinished(path);
	test_statements(path);
	test_migrate(path);
	test_migrate_register(path);
	unlink(path);
	snprintf(path, sizeof path, "%s/t.db-wal", dir); unlink(path);
	snprintf(path, sizeof path, "%s/t.db-shm", dir); unlink(path);
	rmdir(dir);
	return t_done();
}
