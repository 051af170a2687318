/*
 * rules.c - rule tables as data (SPEC 3.5).  Every table named rule_* is a
 * rule table; its default contents are the embedded CSV
 * rules/PROFILE/NAME.csv.  Table and column names used in SQL text here come
 * only from the database's own schema (sqlite_master, table_info), never
 * from input: a user's TABLE argument is looked up in that list first.
 */
#include <stdlib.h>
#include <string.h>

#include "bb_int.h"

#define RULES_VERSION "2026.1"
#define MAXCOLS 32

struct table_cols {
	int n;
	char *name[MAXCOLS];
	int required[MAXCOLS];
};

static void cols_free(struct table_cols *tc)
{
	for (int i = 0; i < tc->n; i++)
		free(tc->name[i]);
	tc->n = 0;
}

/* Is `table` one of the database's rule tables?  Copies the schema's own
 * spelling into out. */
static int rule_table_lookup(struct bb_ctx *ctx, const char *table,
			     char out[static 64])
{
	sqlite3_stmt *st = bb_sql(ctx,
		"SELECT name FROM sqlite_master WHERE type = 'table' AND "
		"name = ?1 AND name LIKE 'rule\\_%' ESCAPE '\\' AND "
		"name <> 'rule_meta'", "s", table);
	int found = 0;

	if (st && bb_step(ctx, st) == SQLITE_ROW) {
		snprintf(out, 64, "%s", bb_col_text(st, 0));
		found = 1;
	}
	if (st)
		sqlite3_reset(st);
	return found;
}

static int table_columns(struct bb_ctx *ctx, const char *table,
			 struct table_cols *tc)
{
	sqlite3_stmt *st;
	char sql[128];

	tc->n = 0;
	snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", table);
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		return bb_db_error(ctx, "cannot read a rule table's columns");
	while (sqlite3_step(st) == SQLITE_ROW && tc->n < MAXCOLS) {
		tc->name[tc->n] = bb_xstrdup(bb_col_text(st, 1));
		tc->required[tc->n] = sqlite3_column_int(st, 3) &&
				      sqlite3_column_type(st, 4) == SQLITE_NULL;
		tc->n++;
	}
	sqlite3_finalize(st);
	return BB_OK;
}

/* Name the column SQLite's constraint message names, if it does. */
static void reject_constraint(struct bb_ctx *ctx, struct bb_reader *r,
			      struct bb_rec *rec, struct table_cols *tc)
{
	const char *msg = sqlite3_errmsg(ctx->db), *dot = strrchr(msg, '.');
	const char *field = tc->name[0];

	for (int i = 0; dot && i < tc->n; i++)
		if (!strcmp(dot + 1, tc->name[i]))
			field = tc->name[i];
	if (strstr(msg, "NOT NULL"))
		bb_reject(ctx, r, rec, field, "required", NULL);
	else if (strstr(msg, "UNIQUE"))
		bb_reject(ctx, r, rec, field, "duplicate key", NULL);
	else
		bb_reject(ctx, r, rec, field, msg, NULL);
}

/* Insert every record of r into table (already emptied by the caller). */
static int load_rows(struct bb_ctx *ctx, struct bb_reader *r,
		     const char *table, struct table_cols *tc)
{
	const char *cols[MAXCOLS + 1], *req[MAXCOLS + 1];
	char sql[2048];
	size_t len;
	int nreq = 0, rc, k;
	sqlite3_stmt *st;
	struct bb_rec *rec;

	for (int i = 0; i < tc->n; i++) {
		cols[i] = tc->name[i];
		if (tc->required[i])
			req[nreq++] = tc->name[i];
	}
	cols[tc->n] = NULL;
	req[nreq] = NULL;
	if ((rc = bb_reader_columns(r, cols, req)) != BB_OK)
		return rc;
	len = (size_t)snprintf(sql, sizeof sql, "INSERT INTO \"%s\" (", table);
	for (int i = 0; i < tc->n; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s\"%s\"",
					i ? "," : "", tc->name[i]);
	len += (size_t)snprintf(sql + len, sizeof sql - len, ") VALUES (");
	for (int i = 0; i < tc->n; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s?",
					i ? "," : "");
	snprintf(sql + len, sizeof sql - len, ")");
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		return bb_db_error(ctx, "cannot prepare a rule insert");
	while ((k = bb_reader_next(r, &rec)) == 1 && !ctx->stop) {
		sqlite3_reset(st);
		for (int i = 0; i < tc->n; i++) {
			const char *v = bb_get(r, rec, tc->name[i]);
			if (*v)
				sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, i + 1);
		}
		rc = sqlite3_step(st);
		if (rc == SQLITE_CONSTRAINT)
			reject_constraint(ctx, r, rec, tc);
		else if (rc != SQLITE_DONE) {
			sqlite3_finalize(st);
			return bb_db_error(ctx, "cannot load a rule row");
		}
	}
	sqlite3_finalize(st);
	return k < 0 ? BB_ESYS : BB_OK;
}

static int meta_set(struct bb_ctx *ctx, const char *key, const char *value)
{
	return bb_exec(ctx, "INSERT OR REPLACE INTO rule_meta (key, value) "
			    "VALUES (?1, ?2)", "ss", key, value);
}

static int table_is_empty(struct bb_ctx *ctx, const char *table)
{
	char sql[128];
	sqlite3_stmt *st;
	int empty = 1;

	snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" LIMIT 1", table);
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) == SQLITE_OK) {
		empty = sqlite3_step(st) != SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return empty;
}

static int seed_table(struct bb_ctx *ctx, const char *profile,
		      const char *table)
{
	char name[128];
	const struct bb_embedded *e;
	struct table_cols tc;
	struct bb_reader *r;
	int rc;

	snprintf(name, sizeof name, "rules/%s/%s.csv", profile, table + 5);
	if (!(e = bb_embedded_find(name)) || !table_is_empty(ctx, table))
		return BB_OK;
	if ((rc = table_columns(ctx, table, &tc)) != BB_OK)
		return rc;
	r = bb_reader_open_mem(ctx, name, e->data, e->len);
	rc = r ? load_rows(ctx, r, table, &tc) : BB_ESYS;
	if (r)
		bb_reader_close(r);
	cols_free(&tc);
	if (rc == BB_OK && ctx->nrejected) {
		bb_err(ctx, "built-in rule table '%s' is broken", name);
		rc = BB_ESYS;
	}
	return rc;
}

/* Fill the empty rule tables from the profile (NULL: the database's). */
int bb_rules_seed(struct bb_ctx *ctx, const char *profile)
{
	char prof[16] = "cn", stamp[17], **names = NULL;
	sqlite3_stmt *st;
	int n = 0, rc = BB_OK;

	if (profile) {
		snprintf(prof, sizeof prof, "%s", profile);
		if (meta_set(ctx, "profile", prof) ||
		    meta_set(ctx, "version", RULES_VERSION) ||
		    meta_set(ctx, "loaded_at", bb_fmt_time(ctx->now, stamp)))
			return BB_ESYS;
	} else {
		st = bb_sql(ctx, "SELECT value FROM rule_meta WHERE key = 'profile'", "");
		if (st && bb_step(ctx, st) == SQLITE_ROW)
			snprintf(prof, sizeof prof, "%s", bb_col_text(st, 0));
		if (st)
			sqlite3_reset(st);
	}
	st = bb_sql(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' "
		    "AND name LIKE 'rule\\_%' ESCAPE '\\' AND name <> 'rule_meta' "
		    "ORDER BY name", "");
	while (st && bb_step(ctx, st) == SQLITE_ROW) {
		names = bb_xrealloc(names, (size_t)(n + 1) * sizeof *names);
		names[n++] = bb_xstrdup(bb_col_text(st, 0));
	}
	if (st)
		sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		if (rc == BB_OK)
			rc = seed_table(ctx, prof, names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

const char *bb_setting(struct bb_ctx *ctx, const char *key, const char *dflt,
		       char *buf, size_t n)
{
	sqlite3_stmt *st = bb_sql(ctx, "SELECT value FROM rule_settings "
				  "WHERE key = ?1", "s", key);

	snprintf(buf, n, "%s", dflt);
	if (st && bb_step(ctx, st) == SQLITE_ROW)
		snprintf(buf, n, "%s", bb_col_text(st, 0));
	if (st)
		sqlite3_reset(st);
	return buf;
}

const char *bb_rules_name(struct bb_ctx *ctx, char buf[static 64])
{
	sqlite3_stmt *st = bb_sql(ctx,
		"SELECT (SELECT value FROM rule_meta WHERE key = 'profile'), "
		"(SELECT value FROM rule_meta WHERE key = 'version')", "");

	snprintf(buf, 64, "unknown");
	if (st && bb_step(ctx, st) == SQLITE_ROW)
		snprintf(buf, 64, "%s-%s", bb_col_text(st, 0), bb_col_text(st, 1));
	if (st)
		sqlite3_reset(st);
	return buf;
}

int bb_rules_export(struct bb_ctx *ctx, const char *table)
{
	char tname[64], sql[128];
	struct table_cols tc;
	const char *vals[MAXCOLS];
	struct bb_writer *w;
	sqlite3_stmt *st;
	int rc;

	if (!rule_table_lookup(ctx, table, tname)) {
		bb_err(ctx, "no rule table '%s': see 'bloodbank rules list'", table);
		return BB_EUSAGE;
	}
	if ((rc = table_columns(ctx, tname, &tc)) != BB_OK)
		return rc;
	w = bb_writer_open(ctx, (const char *const *)tc.name, tc.n);
	snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY rowid", tname);
	if (!w || sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK) {
		cols_free(&tc);
		return w ? bb_db_error(ctx, "cannot read a rule table") : BB_ESYS;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < tc.n; i++)
			vals[i] = bb_col_text(st, i);
		bb_writer_row(w, vals);
	}
	sqlite3_finalize(st);
	cols_free(&tc);
	return bb_writer_close(w);
}

/* Replace a rule table's rows with the CSV's, in one transaction. */
int bb_rules_import(struct bb_ctx *ctx, const char *table, const char *path)
{
	char tname[64], sql[128], ver[64];
	struct table_cols tc;
	struct bb_reader *r;
	sqlite3_stmt *st;
	int rc, nimport = 0;

	if (!rule_table_lookup(ctx, table, tname)) {
		bb_err(ctx, "no rule table '%s': see 'bloodbank rules list'", table);
		return BB_EUSAGE;
	}
	if ((rc = table_columns(ctx, tname, &tc)) != BB_OK)
		return rc;
	if (!(r = bb_reader_open(ctx, path))) {
		cols_free(&tc);
		return BB_ESYS;
	}
	if ((rc = bb_db_begin(ctx)) == BB_OK) {
		snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", tname);
		rc = bb_exec_script(ctx, sql);
	}
	if (rc == BB_OK)
		rc = load_rows(ctx, r, tname, &tc);
	bb_reader_close(r);
	cols_free(&tc);
	if (rc == BB_OK && ctx->nrejected)
		ctx->stop = 1;	/* a rule table is loaded whole or not at all */
	st = bb_sql(ctx, "SELECT value FROM rule_meta WHERE key = 'imports'", "");
	if (st && bb_step(ctx, st) == SQLITE_ROW)
		nimport = sqlite3_column_int(st, 0);
	if (st)
		sqlite3_reset(st);
	snprintf(ver, sizeof ver, "%d", nimport + 1);
	if (rc == BB_OK)
		rc = meta_set(ctx, "imports", ver);
	if (rc == BB_OK) {
		snprintf(ver, sizeof ver, "%s+local.%d", RULES_VERSION, nimport + 1);
		rc = meta_set(ctx, "version", ver);
	}
	if (rc != BB_OK) {
		bb_db_rollback(ctx);
		return rc;
	}
	rc = bb_db_commit(ctx);
	if (rc == BB_OK && ctx->nrejected) {
		bb_err(ctx, "rule table '%s' not changed: fix the rows above", tname);
		return BB_EROWS;
	}
	return rc;
}
