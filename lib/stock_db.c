/*
 * stock_db.c - several --db files as one regional view (SPEC 3.7).
 *
 * The first --db is "main"; the others are attached read-only as db1,
 * db2...  Queries are written once with "%S." before every table and run
 * once per schema; the callers add the results up.  The schema names are
 * ours, never input, so building that text is safe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stock.h"

const char *stock_schema(int i, char buf[static 16])
{
	if (i == 0)
		snprintf(buf, 16, "main");
	else
		snprintf(buf, 16, "db%d", i);
	return buf;
}

int stock_attach(struct bb_ctx *ctx)
{
	for (int i = 0; i < ctx->ndb_extra; i++) {
		char name[16];
		sqlite3_stmt *st;
		int rc;

		stock_schema(i + 1, name);
		/* "file:" URIs are not enabled on every build: attach by
		 * name on the read-only connection, which keeps it
		 * read-only too. */
		st = stock_prepare(ctx, "ATTACH DATABASE ?1 AS %S", name);
		if (!st)
			return -1;
		sqlite3_bind_text(st, 1, ctx->db_extra[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			bb_err(ctx, "cannot attach '%s': %s", ctx->db_extra[i],
			       sqlite3_errmsg(ctx->db));
			return -1;
		}
		/* an attached file that is not a bloodbank database */
		st = stock_prepare(ctx, "SELECT 1 FROM %S.sqlite_master"
				   " WHERE name = 'units'", name);
		if (!st)
			return -1;
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW) {
			bb_err(ctx, "'%s' is not a bloodbank database: no"
			       " units table", ctx->db_extra[i]);
			return -1;
		}
	}
	return 1 + ctx->ndb_extra;
}

sqlite3_stmt *stock_prepare(struct bb_ctx *ctx, const char *tmpl,
			    const char *schema)
{
	size_t ns = strlen(schema), cap = strlen(tmpl) + 1, n = 0;
	char *sql;
	sqlite3_stmt *st = NULL;

	for (const char *p = tmpl; *p; p++)
		if (p[0] == '%' && p[1] == 'S')
			cap += ns;
	sql = bb_xmalloc(cap);
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '%' && p[1] == 'S') {
			memcpy(sql + n, schema, ns);
			n += ns;
			p++;
		} else {
			sql[n++] = *p;
		}
	}
	sql[n] = '\0';
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK) {
		bb_err(ctx, "cannot prepare a query on '%s': %s", schema,
		       sqlite3_errmsg(ctx->db));
		st = NULL;
	}
	free(sql);
	return st;
}
