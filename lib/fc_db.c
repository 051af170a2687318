/*
 * fc_db.c - forecast: the database side of the series input, over one or
 * several --db files (SPEC 3.7: a regional view across hospitals and
 * stations).
 *
 * The first --db is "main"; the others are attached as db1, db2...  and
 * only read.  Each query is written once for one schema ("%S." before the
 * tables) and repeated for every schema, joined by UNION ALL; the outer
 * query keeps one row per unit (DIN + product code, globally unique) or
 * per event of a unit, so a record held in two files counts once, and
 * then counts per day and series: the regional series is the sum of the
 * sites' series (with one file the callers keep the plain count: no
 * sort to find records held twice).  The schema names are ours, never
 * input, so building that text is safe; values are bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fc_cmd.h"

static void schema_name(int i, char buf[static 16])
{
	if (i == 0)
		snprintf(buf, 16, "main");
	else
		snprintf(buf, 16, "db%d", i);
}

/* The tables the forecast reads; every bloodbank database has them. */
static const char *const needed[] = { "units", "unit_events", "donations",
				      NULL };

static int check_tables(struct bb_ctx *ctx, const char *schema,
			const char *path)
{
	char sql[96];
	sqlite3_stmt *st;

	snprintf(sql, sizeof sql, "SELECT 1 FROM %s.sqlite_master"
		 " WHERE type = 'table' AND name = ?1", schema);
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		return bb_db_error(ctx, "cannot read an attached database");
	for (int i = 0; needed[i]; i++) {
		sqlite3_bind_text(st, 1, needed[i], -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW) {
			sqlite3_finalize(st);
			if (rc != SQLITE_DONE)
				return bb_db_error(ctx, "cannot read an attached"
						   " database");
			bb_err(ctx, "'%s' is not a bloodbank database: no %s"
			       " table", path, needed[i]);
			return BB_ESYS;
		}
	}
	sqlite3_finalize(st);
	return BB_OK;
}

static int attach_one(struct bb_ctx *ctx, int i)
{
	const char *path = ctx->db_extra[i];
	char name[16], sql[48];
	struct stat sb;
	sqlite3_stmt *st;
	int rc;

	schema_name(i + 1, name);
	if (sqlite3_db_filename(ctx->db, name))
		return BB_OK;		/* attached by an earlier load */
	/* ATTACH would create a missing file on a writable connection */
	if (stat(path, &sb) != 0 || sb.st_size == 0) {
		bb_err(ctx, "no database '%s': each --db names an existing "
		       "site's database", path);
		return BB_ESYS;
	}
	snprintf(sql, sizeof sql, "ATTACH DATABASE ?1 AS %s", name);
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		return bb_db_error(ctx, "cannot attach");
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		bb_err(ctx, "cannot attach '%s': %s", path,
		       sqlite3_errmsg(ctx->db));
		return BB_ESYS;
	}
	return check_tables(ctx, name, path);
}

int fc_db_open(struct bb_ctx *ctx)
{
	int rc = bb_db_open(ctx, BB_DB_READ);

	for (int i = 0; rc == BB_OK && i < ctx->ndb_extra; i++)
		rc = attach_one(ctx, i);
	return rc;
}

/* head + member for every schema (joined by UNION ALL) + tail, with each
 * "%S" of member replaced by the schema's name. */
sqlite3_stmt *fc_db_prepare(struct bb_ctx *ctx, const char *head,
			    const char *member, const char *tail)
{
	int nschema = 1 + ctx->ndb_extra;
	size_t cap = strlen(head) + strlen(tail) + 1, n = 0, nsub = 0;
	char *sql;
	sqlite3_stmt *st = NULL;

	for (const char *p = member; *p; p++)
		if (p[0] == '%' && p[1] == 'S')
			nsub++;
	cap += (size_t)nschema * (strlen(member) + nsub * 16 + 16);
	sql = bb_xmalloc(cap);
	n = (size_t)snprintf(sql, cap, "%s", head);
	for (int i = 0; i < nschema; i++) {
		char name[16];
		size_t ns;

		schema_name(i, name);
		ns = strlen(name);
		if (i > 0)
			n += (size_t)snprintf(sql + n, cap - n, " UNION ALL ");
		for (const char *p = member; *p; p++) {
			if (p[0] == '%' && p[1] == 'S') {
				memcpy(sql + n, name, ns);
				n += ns;
				p++;
			} else {
				sql[n++] = *p;
			}
		}
	}
	snprintf(sql + n, cap - n, "%s", tail);
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK) {
		bb_db_error(ctx, "cannot prepare the regional query");
		st = NULL;
	}
	free(sql);
	return st;
}
