/*
 * stock_gen.c - a database for bench/sweep.sh and bench/stock.sh: a large
 * history and the same live stock on top of it.
 *
 *   stock_gen DB NHIST
 *
 * DB must exist with the current schema (`bloodbank init`).  Writes
 *   NHIST historical units (transfused 90%, expired 5%, discarded 4%,
 *     issued 1%) with their final event, all before 2026-10-01, and 1% of
 *     their donations with a reactive result;
 *   2,000 units issued in the 28 days before 2026-11-22 08:00;
 *   the live stock: 5,000 units expiring from 2026-11-26 on, and 1,000
 *     units due for the sweep at 2026-11-22 08:00: 700 past expiry,
 *     100 reservations older than 3 days, 100 issued units that expired
 *     since the previous run, 100 units of reactive donations;
 *   the previous sweep run at 2026-11-21 08:00.
 * Rows go straight into SQLite (no audit chain: a benchmark, not data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#define GEN_PROG "stock_gen"
#include "gen_common.h"

/* "YYYY-MM-DD HH:MM" of minute m after 2021-01-01 00:00 (via SQLite's
 * date functions once per call would be slow: a small civil calendar). */
static void fmt_minutes(long long m, char out[32])
{
	long long days = m / 1440, mins = m % 1440;
	/* days since 1970-01-01 of 2021-01-01 = 18628 */
	long long z = days + 18628 + 719468;
	long long era = z / 146097, doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	long long mo = mp < 10 ? mp + 3 : mp - 9;
	y += mo <= 2;
	snprintf(out, 32, "%04lld-%02lld-%02lld %02lld:%02lld", y, mo, d,
		 mins / 60, mins % 60);
}

/* minutes from 2021-01-01 00:00 to 2026-11-22 08:00 */
#define NOW_MIN (2151LL * 1440 + 8 * 60)
#define DAY_MIN 1440LL

static const char *const abo[] = { "O", "A", "B", "AB" };
static const char *const comp[] = { "RBC", "RBC", "RBC", "PLT", "FFP" };

static sqlite3_stmt *ins_unit, *ins_event, *ins_result;

static void unit(const char *din, const char *component, long long collected,
		 long long expires, const char *status, const char *location,
		 const char *reserved_at)
{
	char c[32], e[32];
	fmt_minutes(collected, c);
	fmt_minutes(expires, e);
	sqlite3_bind_text(ins_unit, 1, din, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins_unit, 2, !strcmp(component, "PLT") ? "A3010V00" :
			  !strcmp(component, "FFP") ? "A4010V00" : "A1010V00",
			  -1, SQLITE_STATIC);
	sqlite3_bind_text(ins_unit, 3, component, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins_unit, 4, abo[rnd(4)], -1, SQLITE_STATIC);
	sqlite3_bind_text(ins_unit, 5, rnd(100) < 3 ? "neg" : "pos", -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(ins_unit, 6, c, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins_unit, 7, e, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins_unit, 8, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins_unit, 9, location, -1, SQLITE_STATIC);
	if (reserved_at)
		sqlite3_bind_text(ins_unit, 10, reserved_at, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(ins_unit, 10);
	if (sqlite3_step(ins_unit) != SQLITE_DONE)
		die("insert unit");
	sqlite3_reset(ins_unit);
}

static void event(const char *din, const char *component, long long at,
		  const char *from, const char *to, const char *ev)
{
	char a[32];
	fmt_minutes(at, a);
	sqlite3_bind_text(ins_event, 1, din, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins_event, 2, !strcmp(component, "PLT") ? "A3010V00" :
			  !strcmp(component, "FFP") ? "A4010V00" : "A1010V00",
			  -1, SQLITE_STATIC);
	sqlite3_bind_text(ins_event, 3, a, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins_event, 4, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins_event, 5, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins_event, 6, ev, -1, SQLITE_STATIC);
	if (sqlite3_step(ins_event) != SQLITE_DONE)
		die("insert event");
	sqlite3_reset(ins_event);
}

static void reactive(const char *din)
{
	sqlite3_bind_text(ins_result, 1, din, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(ins_result) != SQLITE_DONE)
		die("insert result");
	sqlite3_reset(ins_result);
}

/* The indexes of the big tables are dropped during the load and made
 * again from their own SQL afterwards: much faster than growing them. */
static char *index_sql[32];
static int nindex;

static void save_indexes(void)
{
	sqlite3_stmt *st = prep("SELECT name, sql FROM sqlite_master"
				" WHERE type = 'index' AND sql IS NOT NULL"
				" AND tbl_name IN ('units', 'unit_events',"
				" 'test_results')");
	char drop[256];

	while (sqlite3_step(st) == SQLITE_ROW && nindex < 32) {
		index_sql[nindex++] = strdup((const char *)
					     sqlite3_column_text(st, 1));
		snprintf(drop, sizeof drop, "DROP INDEX \"%s\"",
			 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		exec(drop);
		st = prep("SELECT name, sql FROM sqlite_master"
			  " WHERE type = 'index' AND sql IS NOT NULL"
			  " AND tbl_name IN ('units', 'unit_events',"
			  " 'test_results')");
	}
	sqlite3_finalize(st);
}

static void restore_indexes(void)
{
	for (int i = 0; i < nindex; i++) {
		exec(index_sql[i]);
		free(index_sql[i]);
	}
}

int main(int argc, char **argv)
{
	long nhist;
	char din[32];

	if (argc != 3 || (nhist = atol(argv[2])) < 0) {
		fprintf(stderr, "usage: stock_gen DB NHIST\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL))
		die(argv[1]);
	exec("PRAGMA journal_mode = DELETE; PRAGMA journal_mode = OFF;"
	     " PRAGMA synchronous = OFF; PRAGMA cache_size = -400000");
	save_indexes();
	exec("BEGIN");
	ins_unit = prep("INSERT INTO units (din, product_code, component, abo,"
			" rhd, collected_at, expires_at, status, location,"
			" reserved_at, reserved_for, units, status_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
			" CASE WHEN ?10 IS NULL THEN NULL ELSE 'R1' END, 1, ?6)");
	ins_event = prep("INSERT INTO unit_events (din, product_code, at,"
			 " from_status, to_status, event, actor)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'gen')");
	ins_result = prep("INSERT INTO test_results (din, marker, result,"
			  " reactive, tested_at) VALUES (?1, 'HBsAg',"
			  " 'reactive', 1, '2026-01-01 00:00')");

	/* history, before 2026-10-01 (minute 2099 days) */
	for (long i = 0; i < nhist; i++) {
		long long at = (long long)rnd(2090) * DAY_MIN + rnd(1440);
		unsigned r = rnd(100);
		const char *c = comp[rnd(5)];
		const char *st = r < 90 ? "transfused" : r < 95 ? "expired" :
			r < 99 ? "discarded" : "issued";
		snprintf(din, sizeof din, "H%012ld", i);
		unit(din, c, at - 5 * DAY_MIN, at + 30 * DAY_MIN, st, "BANK1",
		     NULL);
		event(din, c, at, "available", st,
		      r < 90 ? "issue" : r < 95 ? "expire" : r < 99 ?
		      "discard" : "issue");
		if (rnd(100) == 0)
			reactive(din);
	}
	/* the window's issues */
	for (int i = 0; i < 2000; i++) {
		long long at = NOW_MIN - 1 - rnd(28 * 1440 - 2);
		const char *c = comp[rnd(5)];
		snprintf(din, sizeof din, "W%012d", i);
		unit(din, c, at - 5 * DAY_MIN, at + 30 * DAY_MIN, "transfused",
		     "BANK1", NULL);
		event(din, c, at, "available", "issued", "issue");
	}
	/* live stock, not due */
	for (int i = 0; i < 5000; i++) {
		const char *c = comp[rnd(5)];
		long long exp = NOW_MIN + (4 + rnd(30)) * DAY_MIN;
		snprintf(din, sizeof din, "L%012d", i);
		unit(din, c, NOW_MIN - 5 * DAY_MIN, exp, rnd(10) ? "available" :
		     "quarantine", i % 2 ? "BANK1" : "BANK2", NULL);
		event(din, c, NOW_MIN - 5 * DAY_MIN, NULL, "available",
		      "receive");
	}
	/* due: past expiry, stale reservations, issued expired since the last
	 * run, reactive donations */
	for (int i = 0; i < 1000; i++) {
		const char *c = comp[rnd(3)];
		snprintf(din, sizeof din, "D%012d", i);
		if (i < 700) {
			unit(din, c, NOW_MIN - 40 * DAY_MIN,
			     NOW_MIN - 1 - rnd(600), "available", "BANK1",
			     NULL);
		} else if (i < 800) {
			unit(din, c, NOW_MIN - 10 * DAY_MIN,
			     NOW_MIN + 20 * DAY_MIN, "reserved", "BANK1",
			     "2026-11-18 10:00");
		} else if (i < 900) {
			unit(din, c, NOW_MIN - 40 * DAY_MIN,
			     NOW_MIN - 1 - rnd(1400), "issued", "BANK1", NULL);
		} else {
			unit(din, c, NOW_MIN - 2 * DAY_MIN,
			     NOW_MIN + 30 * DAY_MIN, "quarantine", "BANK1",
			     NULL);
			reactive(din);
		}
		event(din, c, NOW_MIN - 10 * DAY_MIN, NULL, "available",
		      "receive");
	}
	exec("INSERT INTO sweep_runs (at, actor, actions)"
	     " VALUES ('2026-11-21 08:00', 'gen', 0)");
	exec("COMMIT");
	restore_indexes();
	sqlite3_finalize(ins_unit);
	sqlite3_finalize(ins_event);
	sqlite3_finalize(ins_result);
	sqlite3_close(db);
	return 0;
}
