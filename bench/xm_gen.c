/*
 * xm_gen.c - data for bench/crossmatch.sh.
 *
 *   xm_gen DB NHIST REQUESTS.csv
 *
 * DB must exist with the current schema (e.g. after `crossmatch patients
 * import`).  Writes 1,000 patients (groups by Han frequencies, 4% RhD-neg,
 * some antibodies and requirements), 50,000 live available units (RBC,
 * FFP, PLT, CRYO; half typed for E and c) and NHIST historical units
 * (transfused, expired, discarded, issued) whose expiry is long past; and
 * 1,000 requests for those patients into REQUESTS.csv.  The same seed
 * gives the same live stock whatever NHIST is.  Rows go straight into
 * SQLite (no audit trail: a benchmark, not data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

#define GEN_PROG "xm_gen"
#include "gen_common.h"

static const char *abo(void)
{
	unsigned r = rnd(100);
	return r < 31 ? "O" : r < 59 ? "A" : r < 91 ? "B" : "AB";
}

static const char *rhd(void)
{
	return rnd(100) < 4 ? "neg" : "pos";
}

/* Calendar dates from 2026-11-22 - BACK days to + AHEAD days. */
#define BACK 3200
#define AHEAD 400
static char dates[BACK + AHEAD + 1][48];

static void make_dates(void)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	int y = 2026, m = 11, day = 22;

	for (int i = BACK; i >= 0; i--) {	/* backwards to -BACK */
		snprintf(dates[i], sizeof dates[i], "%04d-%02d-%02d", y, m, day);
		if (--day < 1) {
			if (--m < 1) {
				m = 12;
				y--;
			}
			day = mdays[m - 1] + (m == 2 && y % 4 == 0);
		}
	}
	y = 2026, m = 11, day = 22;
	for (int i = BACK; i <= BACK + AHEAD; i++) {
		snprintf(dates[i], sizeof dates[i], "%04d-%02d-%02d", y, m, day);
		if (++day > mdays[m - 1] + (m == 2 && y % 4 == 0)) {
			day = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}

/* "2026-11-22 08:00" plus d days and h hours (d may be negative). */
static void when(char *buf, size_t n, int d, int h)
{
	int hour = 8 + h;

	d += hour / 24;
	hour %= 24;
	if (d < -BACK)
		d = -BACK;
	if (d > AHEAD)
		d = AHEAD;
	snprintf(buf, n, "%s %02d:00", dates[BACK + d], hour);
}

static sqlite3_stmt *unit_st;

static void unit(long seq, const char *comp, const char *status, int days)
{
	char din[48], exp[72], antigens[16] = "";
	const char *prod = comp[0] == 'R' ? "A1010V00" : comp[0] == 'F'
			   ? "A4010V00" : comp[0] == 'P' ? "A3010V00"
			   : "A5010V00";

	snprintf(din, sizeof din, "W1234%02d%06d", (int)(26 - seq / 1000000),
		 (int)(seq % 1000000));
	when(exp, sizeof exp, days, 15);
	if (comp[0] == 'R' && rnd(2))
		snprintf(antigens, sizeof antigens, "E%c;c%c",
			 rnd(100) < 60 ? '-' : '+', rnd(100) < 45 ? '-' : '+');
	sqlite3_reset(unit_st);
	sqlite3_bind_text(unit_st, 1, din, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(unit_st, 2, prod, -1, SQLITE_STATIC);
	sqlite3_bind_text(unit_st, 3, comp, -1, SQLITE_STATIC);
	sqlite3_bind_text(unit_st, 4, abo(), -1, SQLITE_STATIC);
	sqlite3_bind_text(unit_st, 5, rhd(), -1, SQLITE_STATIC);
	sqlite3_bind_text(unit_st, 6, exp, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(unit_st, 7, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(unit_st, 8, rnd(3) ? "BANK-1" : "BANK-2", -1,
			  SQLITE_STATIC);
	if (*antigens)
		sqlite3_bind_text(unit_st, 9, antigens, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(unit_st, 9);
	sqlite3_bind_text(unit_st, 10, rnd(10) < 3 ? "irradiated;leukoreduced"
				       : "leukoreduced", -1, SQLITE_STATIC);
	if (sqlite3_step(unit_st) != SQLITE_DONE)
		die("insert unit");
}

static const char *component(void)
{
	unsigned r = rnd(100);
	return r < 60 ? "RBC" : r < 85 ? "FFP" : r < 95 ? "PLT" : "CRYO";
}

static int shelf_days(const char *comp)
{
	switch (comp[0]) {
	case 'R': return 1 + (int)rnd(35);
	case 'P': return 1 + (int)rnd(5);
	default: return 30 + (int)rnd(330);
	}
}

static void patients(void)
{
	sqlite3_stmt *st;
	char id[16];

	st = prep("INSERT OR REPLACE INTO patients (patient_id, sex, "
		  "birth_date, abo, rhd, abo_checks, antibodies, requirements, "
		  "screen) VALUES (?1, ?2, '1970-01-01', ?3, ?4, 2, ?5, ?6, "
		  "'neg')");
	for (int i = 0; i < 1000; i++) {
		unsigned r = rnd(100);
		snprintf(id, sizeof id, "BP%04d", i);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, rnd(2) ? "M" : "F", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, abo(), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, rhd(), -1, SQLITE_STATIC);
		if (r < 10)
			sqlite3_bind_text(st, 5, r < 3 ? "anti-E;anti-c" : "anti-E",
					  -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		if (rnd(100) < 5)
			sqlite3_bind_text(st, 6, "irradiated", -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 6);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("insert patient");
	}
	sqlite3_finalize(st);
}

static void requests(const char *path)
{
	FILE *fp = fopen(path, "w");
	char nb[72];

	if (!fp) {
		perror(path);
		exit(3);
	}
	fprintf(fp, "request_id,patient_id,component,quantity,needed_by\n");
	for (int i = 0; i < 1000; i++) {
		unsigned r = rnd(100);
		when(nb, sizeof nb, 0, (int)rnd(48));
		fprintf(fp, "BR%04d,BP%04u,%s,%u,%s\n", i, rnd(1000),
			r < 70 ? "RBC" : r < 90 ? "FFP" : "PLT", 1 + rnd(4), nb);
	}
	if (fclose(fp)) {
		perror(path);
		exit(3);
	}
}

int main(int argc, char **argv)
{
	static const char *const hist[] = { "transfused", "expired",
					    "discarded", "issued" };
	long nhist;

	if (argc != 4) {
		fprintf(stderr, "usage: xm_gen DB NHIST REQUESTS.csv\n");
		return 2;
	}
	nhist = atol(argv[2]);
	make_dates();
	if (sqlite3_open(argv[1], &db))
		die("open");
	exec("PRAGMA journal_mode = OFF");
	exec("PRAGMA synchronous = OFF");
	exec("PRAGMA cache_size = -400000");
	exec("BEGIN");
	patients();
	unit_st = prep("INSERT INTO units (din, product_code, component, abo, "
		       "rhd, expires_at, status, location, antigens, "
		       "attributes, units) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		       "?8, ?9, ?10, 1)");
	for (long i = 0; i < 50000; i++) {
		const char *c = component();
		unit(i, c, "available", shelf_days(c));
	}
	rng = 0x2545F4914F6CDD1DULL;	/* history: its own stream */
	for (long i = 0; i < nhist; i++) {
		unsigned r = rnd(100);
		unit(1000000 + i, component(),
		     hist[r < 90 ? 0 : r < 95 ? 1 : r < 99 ? 2 : 3],
		     -60 - (int)rnd(3000));
	}
	sqlite3_finalize(unit_st);
	exec("COMMIT");
	rng = 0x9E3779B97F4A7C15ULL;	/* requests: the same in every db */
	requests(argv[3]);
	sqlite3_close(db);
	return 0;
}
