/*
 * fc_cal.c - holiday calendars: "date,name,days,source" rows, one per
 * occurrence of a holiday or a holiday period (Ramadan: 29 or 30 days).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int parse_day(const char *s, int *day)
{
	int y, m, d, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*day = days_from_civil(y, m, d);
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
static int split(char *line, char **f, int nf)
{
	int n = 0;
	char *p = line;
	while (n < nf) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = 0;
	}
	for (int i = 0; i < n; i++) {
		char *e = f[i] + strlen(f[i]);
		while (e > f[i] && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '"'))
			*--e = 0;
		while (*f[i] == ' ' || *f[i] == '"')
			f[i]++;
	}
	return n;
}

int fc_cal_parse(struct fc_cal *cal, const char *text, size_t len, char *err,
		 size_t errn)
{
	size_t i = 0;
	int lineno = 0, cap = 0, header = 0;
	int c_date = 0, c_name = 1, c_days = 2;

	memset(cal, 0, sizeof *cal);
	while (i < len) {
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		char line[512];
		size_t l = j - i < sizeof line - 1 ? j - i : sizeof line - 1;
		memcpy(line, text + i, l);
		line[l] = 0;
		i = j + 1;
		lineno++;
		if (lineno == 1 && !memcmp(line, "\xef\xbb\xbf", 3))
			memmove(line, line + 3, strlen(line + 3) + 1);
		char *f[8];
		if (line[0] == '#' || line[0] == 0 || line[0] == '\r')
			continue;
		int nf = split(line, f, 8);
		if (!header) {
			header = 1;
			c_date = c_name = c_days = -1;
			for (int k = 0; k < nf; k++) {
				if (!strcmp(f[k], "date"))
					c_date = k;
				else if (!strcmp(f[k], "name") || !strcmp(f[k], "holiday"))
					c_name = k;
				else if (!strcmp(f[k], "days"))
					c_days = k;
			}
			if (c_date < 0 || c_name < 0) {
				snprintf(err, errn, "line 1: header needs columns date and name");
				fc_cal_free(cal);
				return -1;
			}
			continue;
		}
		int day, days = 1;
		if (c_date >= nf || parse_day(f[c_date], &day)) {
			snprintf(err, errn, "line %d: bad date '%s'", lineno,
				 c_date < nf ? f[c_date] : "");
			fc_cal_free(cal);
			return -1;
		}
		if (c_name >= nf || !*f[c_name]) {
			snprintf(err, errn, "line %d: empty name", lineno);
			fc_cal_free(cal);
			return -1;
		}
		if (c_days >= 0 && c_days < nf && *f[c_days]) {
			char *end;
			long v = strtol(f[c_days], &end, 10);
			if (*end || v < 1 || v > 60) {
				snprintf(err, errn, "line %d: days must be 1..60: '%s'",
					 lineno, f[c_days]);
				fc_cal_free(cal);
				return -1;
			}
			days = (int)v;
		}
		if (cal->n == cap) {
			cap = cap ? cap * 2 : 256;
			cal->day = realloc(cal->day, sizeof(int) * cap);
			cal->len = realloc(cal->len, sizeof(int) * cap);
			cal->name = realloc(cal->name, sizeof(int) * cap);
			if (!cal->day || !cal->len || !cal->name)
				abort();
		}
		cal->day[cal->n] = day;
		cal->len[cal->n] = days;
		cal->name[cal->n] = name_index(cal, f[c_name]);
		cal->n++;
	}
	return 0;
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
