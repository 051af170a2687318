/*
 * fc_cal.c - holiday calendars: "date,name,days,source" rows, one per
 * occurrence of a holiday or a holiday period (Ramadan: 29 or 30 days).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bb.h"
#include "fc.h"


/* A calendar date as days since 1970-01-01, through the core parser. */
static int parse_day(const char *s, int *day)
{
	const char *why;
	bb_time t;

	if (bb_parse_date(s, &t, &why))
		return -1;
	*day = (int)(t / BB_DAY);
	return 0;
}

static int name_index(struct fc_cal *cal, const char *name)
{
	int i;
	for (i = 0; i < cal->nnames; i++)
		if (!strcmp(cal->names[i], name))
			return i;
	cal->names = realloc(cal->names, sizeof *cal->names * (cal->nnames + 1));
	if (!cal->names)
		abort();
	snprintf(cal->names[cal->nnames], FC_NAME_MAX, "%s", name);
	return cal->nnames++;
}

/* Split one line on commas into at most nf fields (no quoting: calendar
 * names are plain words). */
/* Calendar files may carry '#' comment lines: empty them, keeping the
 * line numbers, so the core CSV reader sees plain CSV. */
static void drop_comments(const char *text, size_t len, char *out)
{
	int at_start = 1, skip = 0;

	for (size_t i = 0; i < len; i++) {
		if (at_start)
			skip = text[i] == '#';
		at_start = text[i] == '\n';
		out[i] = skip && !at_start ? ' ' : text[i];
	}
}

static void cal_add(struct fc_cal *cal, int *cap, int day, int days,
		    const char *name)
{
	if (cal->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		cal->day = bb_xrealloc(cal->day, sizeof(int) * (size_t)*cap);
		cal->len = bb_xrealloc(cal->len, sizeof(int) * (size_t)*cap);
		cal->name = bb_xrealloc(cal->name, sizeof(int) * (size_t)*cap);
	}
	cal->day[cal->n] = day;
	cal->len[cal->n] = days;
	cal->name[cal->n] = name_index(cal, name);
	cal->n++;
}

/* One calendar row into cal; -1 with err naming the line. */
static int cal_row(struct fc_cal *cal, int *cap, const struct bb_reader *r,
		   const struct bb_rec *rec, char *err, size_t errn)
{
	const char *date = bb_get(r, rec, "date"), *name = bb_get(r, rec, "name");
	const char *dv = bb_get(r, rec, "days");
	long days = 1;
	int day;

	if (!*name)
		name = bb_get(r, rec, "holiday");
	if (parse_day(date, &day)) {
		snprintf(err, errn, "line %ld: bad date '%s'", rec->line, date);
		return -1;
	}
	if (!*name) {
		snprintf(err, errn, "line %ld: empty name", rec->line);
		return -1;
	}
	if (*dv && bb_parse_int(dv, 1, 60, &days)) {
		snprintf(err, errn, "line %ld: days must be 1..60: '%s'",
			 rec->line, dv);
		return -1;
	}
	cal_add(cal, cap, day, (int)days, name);
	return 0;
}

int fc_cal_parse(struct bb_ctx *ctx, struct fc_cal *cal, const char *what,
		 const char *text, size_t len, char *err, size_t errn)
{
	static const char *const cols[] = { "date", "name", "holiday", "days",
					    "source", NULL };
	static const char *const req[] = { "date", NULL };
	char *buf = bb_xmalloc(len + 1);
	int cap = 0, k = 0, rc = -1, rejected = ctx->nrejected;
	struct bb_reader *r;
	struct bb_rec *rec;

	memset(cal, 0, sizeof *cal);
	drop_comments(text, len, buf);
	snprintf(err, errn, "cannot read the calendar");
	if (!(r = bb_reader_open_mem(ctx, what, buf, len)))
		goto out;
	if (bb_reader_columns(r, cols, req) != BB_OK ||
	    (bb_reader_col(r, "name") < 0 && bb_reader_col(r, "holiday") < 0)) {
		snprintf(err, errn, "line 1: header needs columns date and name");
		goto out;
	}
	while ((k = bb_reader_next(r, &rec)) == 1)
		if (cal_row(cal, &cap, r, rec, err, errn))
			goto out;
	if (k < 0 || ctx->nrejected != rejected) {
		snprintf(err, errn, "malformed rows (reported above)");
		goto out;
	}
	rc = 0;
out:
	bb_reader_close(r);
	free(buf);
	if (rc)
		fc_cal_free(cal);
	return rc;
}

void fc_cal_free(struct fc_cal *cal)
{
	free(cal->day);
	free(cal->len);
	free(cal->name);
	free(cal->names);
	memset(cal, 0, sizeof *cal);
}

const char *fc_cal_at(const struct fc_cal *cal, int d)
{
	if (!cal)
		return NULL;
	for (int i = 0; i < cal->n; i++)
		if (d >= cal->day[i] && d < cal->day[i] + cal->len[i])
			return cal->names[cal->name[i]];
	return NULL;
}
