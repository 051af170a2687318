/*
 * bb.h - libbloodbank core: context, options, errors, CSV, time, database,
 * rules, ABO/RhD, national ID, masking.
 *
 * Every function takes the context of the running program; the library has
 * no mutable globals.  Programs (cmd/) are thin: they build a command table
 * and call bb_main(); the subcommands live in lib/ so they can be tested.
 */
#ifndef BB_H
#define BB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#define BB_VERSION "0.1.0"

/* Exit statuses (SPEC 3.3): the same table is in every man page. */
enum bb_status {
	BB_OK = 0,	/* success */
	BB_EROWS = 1,	/* some input rows were rejected, the rest applied */
	BB_EUSAGE = 2,	/* usage error */
	BB_ESYS = 3,	/* system, I/O or database error; nothing changed */
	BB_EATTN = 4	/* attention: a condition the user asked to hear of */
};

enum bb_format { BB_FMT_CSV, BB_FMT_TSV, BB_FMT_JSON };

/* Naive local wall-clock time in seconds since 1970-01-01 00:00 (no time
 * zone, no DST: blood-bank times are local and to the minute). */
typedef int64_t bb_time;
#define BB_DAY ((bb_time)86400)

struct bb_stmt_cache;
struct bb_regex_cache;

struct bb_ctx {
	const char *prog;	/* program name, for messages */
	const char *sub;	/* subcommand or NULL */
	const char *usage;	/* "import [OPTIONS] [FILE...]" of the subcommand */
	const struct bb_opt *sub_opts;	/* extra options, for --help */

	/* common options (SPEC 3.1) */
	const char *db_path;
	const char **db_extra;	/* further --db files (read-only views) */
	int ndb_extra;
	enum bb_format out_fmt;
	int out_fmt_set;	/* --csv/--tsv/--json given */
	const char *format_arg;	/* --format NAME (programs that offer it) */
	int in_tsv;		/* --tsv: input is TSV too */
	char delim;		/* --delimiter, 0 = by format / file name */
	int no_header;
	const char *encoding;	/* --encoding NAME, NULL = UTF-8 */
	int bom;
	const char *out_path;	/* -o FILE */
	bb_time now;
	const char *user;
	int dry_run;
	const char *rejects_path;
	int strict;
	int quiet, verbose;
	int show_pii;
	int sync_full;
	const char *profile;	/* rule profile at init: "cn" (default), "us" */

	/* state */
	int nrejected;		/* rows rejected so far */
	int stop;		/* --strict hit a bad row: abort the batch */
	FILE *rejects_fp;
	int rejects_header_done;
	sqlite3 *db;
	int db_writable;
	int db_created;		/* this run made the file: see bb_db_open */
	struct bb_stmt_cache *stmts;
	struct bb_regex_cache *regex;
	/* Output written inside a write transaction is held back until the
	 * commit, so `a --reserve | b` on one database cannot deadlock and
	 * what is printed is what was done. */
	int in_write_txn;
	struct bb_writer *held;	/* closed writers waiting for the commit */
	char **phone_patterns;	/* rule_phone_patterns, read at first use */
	int nphone_patterns;	/* -1 until read */
};

/* ---- ctx.c ---- */
void bb_ctx_init(struct bb_ctx *ctx, const char *prog);
void bb_ctx_free(struct bb_ctx *ctx);	/* closes db, rejects, caches */

/* ---- err.c ---- */
/* "prog: message\n" on stderr; returns BB_ESYS etc. for chaining. */
void bb_err(struct bb_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bb_warn(struct bb_ctx *ctx, const char *fmt, ...)	/* silent with -q */
	__attribute__((format(printf, 2, 3)));
void bb_info(struct bb_ctx *ctx, const char *fmt, ...)	/* only with -v */
	__attribute__((format(printf, 2, 3)));
int bb_usage_error(struct bb_ctx *ctx, const char *fmt, ...)	/* BB_EUSAGE */
	__attribute__((format(printf, 2, 3)));
/* progress on stderr, only when stderr is a TTY and not -q */
void bb_progress(struct bb_ctx *ctx, const char *what, long done);
void *bb_xmalloc(size_t n);	/* abort with a message on OOM */
void *bb_xrealloc(void *p, size_t n);
/* Room for one more element in a growing array `arr` that holds `n` in
 * room for `cap`: doubles the room (from `first`) when it is full.  The
 * arguments are lvalues and are evaluated more than once. */
#define BB_GROW(arr, n, cap, first) do {				\
	if ((n) >= (cap)) {						\
		(cap) = (cap) ? 2 * (cap) : (first);			\
		(arr) = bb_xrealloc((arr), (size_t)(cap) * sizeof *(arr)); \
	}								\
} while (0)
char *bb_xstrdup(const char *s);

/* ---- opts.c ---- */
enum { BB_NOARG = 0, BB_ARG = 1 };
struct bb_opt {
	const char *name;	/* long name without "--" */
	int key;		/* short option letter, or 0 */
	int has_arg;		/* BB_NOARG / BB_ARG */
	const char **val;	/* BB_ARG: the argument is stored here */
	int *flag;		/* BB_NOARG: set to 1; BB_ARG: optional, set 1 */
	const char *help;	/* "--kind K   donation kind (WB, PLT, PLS, DRBC)" */
};
#define BB_OPT_END { NULL, 0, 0, NULL, NULL, NULL }

/*
 * Parse the common options (SPEC 3.1) plus `extra` from argv[1..argc-1]
 * (argv[0] is the subcommand or program).  Options and operands may mix.
 * On return *first_operand is the index of the first operand after the
 * operands were moved to the end.  -h/--help prints help to stdout and
 * returns -1 (the caller exits 0); a usage error returns BB_EUSAGE.
 * Also initialises ctx->now from --now / $BLOODBANK_NOW / the clock.
 */
int bb_args(struct bb_ctx *ctx, int argc, char **argv,
	    const struct bb_opt *extra, int *first_operand);
/* bb_args for commands that take no FILE operands: an operand is a usage
 * error "unexpected operand 'x'[: hint]".  Returns as bb_args. */
int bb_args_no_files(struct bb_ctx *ctx, int argc, char **argv,
		     const struct bb_opt *extra, const char *hint);

struct bb_cmd {
	const char *name;
	int (*run)(struct bb_ctx *ctx, int argc, char **argv);
	const char *usage;	/* "import [FILE...]" */
	const char *summary;	/* one line for the program's --help */
};
/* Dispatch argv[1] to the matching command (NULL-terminated table);
 * handles -h/--help and -V/--version at program level.  Returns the exit
 * status.  A command whose name is "" is the default (no subcommand). */
int bb_main(int argc, char **argv, const char *prog,
	    const struct bb_cmd *cmds, const char *summary);

/* ---- time.c ---- */
/* Parse "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" (a 'T' is accepted) into *t.
 * A date alone means 00:00.  Returns 0, or -1 with *why set. */
int bb_parse_time(const char *s, bb_time *t, const char **why);
/* The same for an expiry: a date alone means the end of that day, 23:59,
 * as ISBT 128 dates it.  A unit has expired when this time is not after
 * the clock (bb_unit_expiry reads stored ones the same way). */
int bb_parse_expiry(const char *s, bb_time *t, const char **why);
/* A time field (an expiry when `expiry`) parsed into *t and written into
 * out as "YYYY-MM-DD HH:MM"; -1 with *why when it is not a time. */
int bb_time_text(const char *v, int expiry, char out[static 17], bb_time *t,
		 const char **why);
/* The same rule in SQL, for an expires_at column read as time text. */
#define BB_SQL_EXPIRY(col) \
	"(CASE WHEN length(" col ") = 10 THEN " col " || ' 23:59'" \
	" ELSE " col " END)"
int bb_parse_date(const char *s, bb_time *t, const char **why); /* date only */
/* "YYYY-MM-DD HH:MM" (17 bytes incl. NUL) and "YYYY-MM-DD" (11). */
char *bb_fmt_time(bb_time t, char buf[static 17]);
char *bb_fmt_date(bb_time t, char buf[static 11]);
bb_time bb_make_time(int y, int mon, int d, int h, int min, int s);
/* The proleptic Gregorian calendar: days since 1970-01-01 and back. */
int64_t bb_days_from_civil(int64_t y, int m, int d);
void bb_civil_from_days(int64_t days, int *y, int *m, int *d);
int bb_is_leap(int y);
int bb_month_days(int y, int m);
void bb_split_time(bb_time t, int *y, int *mon, int *d, int *h, int *min,
		   int *s);
int bb_weekday(bb_time t);		/* 0 = Sunday */
bb_time bb_day_start(bb_time t);	/* 00:00 of that day */
/* Calendar months: same day of month, clamped to the month's end. */
bb_time bb_add_months(bb_time t, int months);
/* Completed years from birth to t (a birthday counts from that day). */
int bb_age_years(bb_time birth, bb_time t);
/* Durations: "90m", "48h", "3d", "2w", "6mo", "1y", also "6 months",
 * "2 weeks", "180 days", "24 hours".  Months/years are calendar units. */
enum bb_dur_unit { BB_MIN, BB_HOUR, BB_DAYU, BB_WEEK, BB_MONTH, BB_YEAR };
struct bb_dur { int n; enum bb_dur_unit unit; };
int bb_parse_dur(const char *s, struct bb_dur *d, const char **why);
bb_time bb_add_dur(bb_time t, struct bb_dur d, int sign);	/* t +/- d */
char *bb_fmt_dur(struct bb_dur d, char buf[static 24]);	/* "6mo", "14d" */
/* The clock: --now, else $BLOODBANK_NOW, else the local wall clock. */
int bb_clock_init(struct bb_ctx *ctx, const char *now_arg);

/* ---- csv.c ---- */
struct bb_rec {
	const char *file;	/* display name ("-" shown as "stdin") */
	long line;		/* physical line where the record starts */
	int nf;
	char **f;		/* fields, NUL-terminated, never NULL */
	const int *col;		/* declared column k (bb_reader_columns'
				 * order) -> field index or -1; NULL when
				 * none were declared */
};
struct bb_reader;
/* Open a path ("-" or NULL = stdin).  gzip by magic bytes, --encoding via
 * iconv, BOM skipped, CRLF accepted, .tsv/.tab or --tsv = TAB without
 * quoting.  Reads the header unless --no-header.  NULL on failure
 * (message printed). */
struct bb_reader *bb_reader_open(struct bb_ctx *ctx, const char *path);
/*
 * Declare the record type: canonical column names, `required` ones must be
 * present (else the whole file is rejected: returns BB_EROWS after
 * reporting), unknown header columns are warned about once and ignored.
 * Header names are matched case-insensitively after mapping the aliases
 * (Chinese headers and common variants) to canonical names.  With
 * --no-header, the columns are taken in the order of `cols`.
 */
int bb_reader_columns(struct bb_reader *r, const char *const *cols,
		      const char *const *required);
/* Index of a canonical column in the record, -1 when absent.  Answers are
 * remembered by the name's address (and checked): literals and the
 * declared columns are found fastest. */
int bb_reader_col(const struct bb_reader *r, const char *canonical);
/* Next record: 1 = got one, 0 = end, -1 = I/O error (reported).  Records
 * that are malformed (field count, bad quoting, NUL, invalid UTF-8,
 * over-long field) are rejected with bb_reject() and skipped here. */
int bb_reader_next(struct bb_reader *r, struct bb_rec **rec);

/*
 * The batch loop: every operand argv[first..argc-1] (standard input when
 * there is none) read as records with `cols` (`required` must be in the
 * header) and handed to fn one record at a time.  fn returns BB_OK to go
 * on (it rejects bad rows itself, with bb_reject); anything else ends the
 * batch and is returned.  A file whose header is refused is reported and
 * counted by the reader, and the next file is read.  Stops at --strict's
 * first rejected row (ctx->stop).  flags: BB_EACH_BEGIN begins the write
 * transaction at the first record rather than before any input is read.
 * BB_OK, fn's status, or BB_ESYS (a file could not be read).
 */
typedef int (*bb_rec_fn)(struct bb_ctx *ctx, struct bb_reader *r,
			 struct bb_rec *rec, void *arg);
enum { BB_EACH_BEGIN = 1 };
int bb_each_record(struct bb_ctx *ctx, int argc, char **argv, int first,
		   const char *const *cols, const char *const *required,
		   int flags, bb_rec_fn fn, void *arg);
/* Field by canonical column name ("" when absent), leading/trailing
 * blanks trimmed (ASCII blanks, CR, LF, U+00A0, U+3000: every field is
 * trimmed when it is read).  Names as for bb_reader_col. */
const char *bb_get(const struct bb_reader *r, const struct bb_rec *rec,
		   const char *canonical);
/* Field i of a record (i from bb_reader_col): "" when i < 0 or the record
 * is shorter. */
static inline const char *bb_field(const struct bb_rec *rec, int i)
{
	return i >= 0 && i < rec->nf ? rec->f[i] : "";
}
/* The field of declared column k (its index in the cols given to
 * bb_reader_columns): bb_get without looking the name up, for hot loops. */
static inline const char *bb_col(const struct bb_rec *rec, int k)
{
	return bb_field(rec, rec->col ? rec->col[k] : -1);
}
void bb_reader_close(struct bb_reader *r);
/* Read CSV from memory (embedded rule tables); `name` is shown in
 * messages.  The data must outlive the reader. */
struct bb_reader *bb_reader_open_mem(struct bb_ctx *ctx, const char *name,
				     const void *data, size_t len);
const char *bb_reader_name(const struct bb_reader *r);
#define BB_FIELD_MAX 4096	/* documented maximum field length, bytes */

/* Report a rejected row: "prog: FILE:LINE: field 'x': reason: 'value'"
 * (value masked when the field holds PII, omitted when NULL), write it to
 * --rejects, count it; with --strict set ctx->stop. */
void bb_reject(struct bb_ctx *ctx, const struct bb_reader *r,
	       const struct bb_rec *rec, const char *field,
	       const char *reason, const char *value);

struct bb_writer;
/* Output to -o FILE (.gz compresses) or stdout, in ctx->out_fmt. */
struct bb_writer *bb_writer_open(struct bb_ctx *ctx, const char *const *cols,
				 int ncols);
/* Like bb_writer_open but onto an already open stream (not closed). */
struct bb_writer *bb_writer_stream(struct bb_ctx *ctx, FILE *fp,
				   const char *const *cols, int ncols);
void bb_writer_row(struct bb_writer *w, const char *const *vals);
/* Let rows wait in the writer (64 KiB at a time) instead of going to the
 * stream one by one: for streams nothing else writes to while the writer
 * is open.  Not on a terminal. */
void bb_writer_batch(struct bb_writer *w);
/* Flush and close; BB_ESYS (reported) on a write error, else BB_OK. */
int bb_writer_close(struct bb_writer *w);
/* Open -o FILE (or stdout) for programs that write their own text/svg. */
FILE *bb_output_open(struct bb_ctx *ctx);
int bb_output_close(struct bb_ctx *ctx, FILE *fp);
/* The same after a write on fp failed with errno e (0: none known), so
 * that the message says why. */
int bb_output_close_after(struct bb_ctx *ctx, FILE *fp, int e);
/* CSV-quote one field onto fp (RFC 4180). */
void bb_csv_put(FILE *fp, const char *s, char delim);

/* ---- db.c ---- */
enum { BB_DB_READ = 0, BB_DB_WRITE = 1 };
/* Open ctx->db_path (created 0600 with the current schema and the profile's
 * rule tables on first write; older schema migrated; newer refused).
 * Returns BB_OK or BB_ESYS (reported). */
int bb_db_open(struct bb_ctx *ctx, int mode);
int bb_db_begin(struct bb_ctx *ctx);	/* BEGIN IMMEDIATE for writers */
/* Commit, or roll back when ctx->dry_run or ctx->stop. */
int bb_db_commit(struct bb_ctx *ctx);
void bb_db_rollback(struct bb_ctx *ctx);
/* Finalise the statements and close; a file this run created is turned
 * to WAL first (bb_db_open). */
void bb_db_close(struct bb_ctx *ctx);
/*
 * Prepared statements, cached per SQL text pointer for the ctx's lifetime.
 * `types` gives one letter per parameter: 's' text (NULL or "" = NULL),
 * 'S' text kept as "" when empty, 'i' int64, 'I' int (int), 'd' double,
 * 'n' NULL (no argument consumed), 't' bb_time as "YYYY-MM-DD HH:MM",
 * 'D' bb_time as "YYYY-MM-DD".
 * bb_sql() returns the bound statement ready to step (NULL on error,
 * reported); bb_exec() steps it to completion and returns BB_OK/BB_ESYS.
 * Strings are bound in place, not copied: keep them unchanged until the
 * statement has been stepped to the end or reset.
 */
sqlite3_stmt *bb_sql(struct bb_ctx *ctx, const char *sql, const char *types,
		     ...);
int bb_exec(struct bb_ctx *ctx, const char *sql, const char *types, ...);
/* Does the query return a row?  1 yes, 0 no, -1 database error (reported). */
int bb_exists(struct bb_ctx *ctx, const char *sql, const char *types, ...);
/* Run a statement list without parameters (schema, PRAGMAs). */
int bb_exec_script(struct bb_ctx *ctx, const char *sql);
/* Step: returns SQLITE_ROW / SQLITE_DONE; SQLITE_CONSTRAINT is returned
 * unreported (the caller turns it into a row rejection, the text is in
 * sqlite3_errmsg(ctx->db)); anything else is reported and gives -1.
 * bb_exec() returns BB_OK, BB_EROWS on a constraint violation (unreported),
 * or BB_ESYS (reported). */
int bb_step(struct bb_ctx *ctx, sqlite3_stmt *st);
/* Column helpers: text never NULL ("" for NULL). */
const char *bb_col_text(sqlite3_stmt *st, int i);
int bb_db_error(struct bb_ctx *ctx, const char *what);	/* BB_ESYS */
int bb_db_schema_version(void);	/* the version this build writes */
/* Append one row to unit_events (the audit trail). */
int bb_unit_event(struct bb_ctx *ctx, const char *din, const char *product,
		  const char *from, const char *to, const char *event,
		  const char *reason, const char *ref);
/* Change a unit's status and log it in one call; fails if the unit is not
 * in `from` (NULL = any).  Returns BB_OK, BB_EROWS when the unit was not
 * found in that status, BB_ESYS on a database error. */
int bb_unit_set_status(struct bb_ctx *ctx, const char *din,
		       const char *product, const char *from, const char *to,
		       const char *event, const char *reason,
		       const char *ref);

/* SHA-256 hash chain over unit_events rows (fields: din, product_code,
 * at, from_status, to_status, event, reason, actor, ref). */
void bb_audit_chain(const char *prev, const char *const fields[9],
		    char out[static 65]);

/* ---- embed (generated) ---- */
/* Files built into the library: "sql/001-init.sql", "rules/cn/x.csv"... */
struct bb_embedded { const char *name; const unsigned char *data; size_t len; };
extern const struct bb_embedded bb_embedded_files[];
const struct bb_embedded *bb_embedded_find(const char *name);

/* ---- rules.c ---- */
/* Load the profile's built-in tables into rule_* tables (init). */
int bb_rules_seed(struct bb_ctx *ctx, const char *profile);
int bb_rules_export(struct bb_ctx *ctx, const char *table);
int bb_rules_import(struct bb_ctx *ctx, const char *table, const char *path);
/* A rule_settings value (sample_validity, return_window...) or dflt. */
const char *bb_setting(struct bb_ctx *ctx, const char *key, const char *dflt,
		       char *buf, size_t n);
/* "cn-2026.1": rule-set name and version, stated in decision output. */
const char *bb_rules_name(struct bb_ctx *ctx, char buf[static 64]);

/* ---- abo.c ---- */
/* Parse any common spelling ("A+", "A Rh+", "A pos", "A RhD positive",
 * "A型 RhD阳性", "O-", "O neg", "AB"...).  abo gets "O","A","B","AB" or ""
 * when absent; rhd gets "pos","neg" or "".  Returns 0 or -1 when s is not
 * a blood group (an empty s gives 0 and two empty strings). */
int bb_abo_parse(struct bb_ctx *ctx, const char *s, char abo[static 3],
		 char rhd[static 4]);
/* Read abo/rhd from a record that has either an "abo" column holding the
 * whole group ("A+") or separate abo and rhd columns. */
int bb_abo_from_rec(struct bb_ctx *ctx, const char *abo_field,
		    const char *rhd_field, char abo[static 3],
		    char rhd[static 4]);
int bb_sex_parse(const char *s, char *sex);	/* M/F, 男/女, male/female */

/* ---- natid.c ---- */
/* GB 11643 18-character ID: MOD 11-2 check, birth date and sex derived.
 * Returns 0 or -1 with *why. */
int bb_natid_check(const char *id, bb_time *birth, char *sex,
		   const char **why);
char bb_natid_check_char(const char *first17);
/* Phone: PCRE2 patterns of rule_phone_patterns; 0 valid, -1 not. */
int bb_phone_check(struct bb_ctx *ctx, const char *phone);

/* ---- mask.c ---- */
/* "110101********123X", "138****5678"; unchanged with --show-pii. */
char *bb_mask_natid(const struct bb_ctx *ctx, const char *id, char *buf,
		    size_t n);
char *bb_mask_phone(const struct bb_ctx *ctx, const char *ph, char *buf,
		    size_t n);
int bb_field_is_pii(const char *canonical);	/* national_id, phone */

/* ---- regex.c ---- */
/* Compiled PCRE2 patterns cached on the ctx; 1 match, 0 no match,
 * -1 bad pattern (reported). Full match when anchored. */
int bb_regex_match(struct bb_ctx *ctx, const char *pattern,
		   const char *subject);
/* Whole match; copy capture groups 1..ngroups into groups[i] (cap bytes
 * each, "" when unset).  1 match, 0 no match, -1 bad pattern. */
int bb_regex_capture(struct bb_ctx *ctx, const char *pattern,
		     const char *subject, int ngroups, char **groups,
		     size_t cap);

/* ---- str.c ---- */
int bb_streq_ci(const char *a, const char *b);
char *bb_trim(char *s);
int bb_parse_int(const char *s, long lo, long hi, long *out);
int bb_parse_num(const char *s, double lo, double hi, double *out);
/* Split "a;b;c" into a NULL-terminated array (one allocation). */
char **bb_split_list(const char *s, int *n);
int bb_utf8_valid(const char *s, size_t n);
/* Copy src (NULL = "") into dst[n], cut to fit, always terminated. */
void bb_copy(char *dst, size_t n, const char *src);

/* ---- unit.c ---- */
/* A row of the units table (SPEC Appendix A "unit"), as text; "" for NULL.
 * din and product hold an ISBT 128 DIN (13) and product code (8). */
struct bb_unit {
	char din[14], product[9];
	char component[8];
	char abo[3], rhd[4];
	char volume_ml[24], units[24];	/* numbers as text, "" = NULL */
	char collected_at[17], expires_at[17];
	char status[16];
	char location[128];
	char antigens[256];
	char attributes[256];
	char parent_din[14], parent_product[9];
	char reserved_for[64], patient_id[64];
	bb_time expires;	/* expires_at parsed (bb_unit_expiry), 0 = bad */
};
/* Every field empty: the first byte of each string (a whole-struct memset
 * of the kilobyte cost more than the rest of a label's record reading).
 * Keep in step with struct bb_unit. */
static inline void bb_unit_clear(struct bb_unit *u)
{
	u->din[0] = u->product[0] = u->component[0] = 0;
	u->abo[0] = u->rhd[0] = u->volume_ml[0] = u->units[0] = 0;
	u->collected_at[0] = u->expires_at[0] = u->status[0] = 0;
	u->location[0] = u->antigens[0] = u->attributes[0] = 0;
	u->parent_din[0] = u->parent_product[0] = 0;
	u->reserved_for[0] = u->patient_id[0] = 0;
	u->expires = 0;
}
/* Load unit (din, product): 1 found, 0 not found, -1 database error
 * (reported). */
int bb_unit_load(struct bb_ctx *ctx, const char *din, const char *product,
		 struct bb_unit *u);
/* A unit's expires_at; a date alone lasts to 23:59 of that day.  -1 when
 * it is not a date/time. */
int bb_unit_expiry(const char *s, bb_time *t);
/* Forget the reservation (reserved_for, reserved_at, patient_id) of a
 * unit that is back in stock ('available'); bb_exec()'s status. */
int bb_unit_unreserve(struct bb_ctx *ctx, const char *din,
		      const char *product);
/* Give a reserved unit back to stock: 'reserved' -> 'available' (event
 * 'unreserve' with reason and ref in the audit trail) and its reservation
 * forgotten.  BB_OK; BB_EROWS when the unit is not reserved (nothing is
 * done); BB_ESYS. */
int bb_unit_release(struct bb_ctx *ctx, const char *din, const char *product,
		    const char *reason, const char *ref);
/* A number as the shortest decimal ("400", "37.5"; "%.10g", NaN = "");
 * returns buf.  bb_col_num: a REAL column that way (NULL = ""). */
const char *bb_num_fmt(double v, char *buf, size_t n);
void bb_col_num(sqlite3_stmt *st, int col, char *buf, size_t n);

#endif
