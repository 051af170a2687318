/*
 * gen_common.h - what the benchmark data generators share: a seeded
 * xorshift generator (the same seed gives the same data) and SQLite
 * helpers that end the program on an error.  Define GEN_PROG (the
 * program's name, for messages) before including it.
 */
#ifndef GEN_COMMON_H
#define GEN_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

static unsigned long long rng = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static sqlite3 *db;

static void die(const char *what)
{
	fprintf(stderr, GEN_PROG ": %s: %s\n", what, sqlite3_errmsg(db));
	exit(3);
}

static void exec(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql);
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(sql);
	return st;
}

#endif
