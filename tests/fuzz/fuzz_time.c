/*
 * fuzz_time.c - libFuzzer target for dates, times and durations.
 * Properties: a parsed time prints and parses back to itself (to the
 * minute); adding and subtracting whole days is exact; ages are never
 * negative for a birth before the date.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	const char *why;
	bb_time t, t2;
	char buf[24];

	if (bb_parse_time(s, &t, &why) == 0) {
		bb_fmt_time(t, buf);
		/* to the minute: t % 60 is negative before 1970 */
		if (bb_parse_time(buf, &t2, &why) != 0 ||
		    t2 != t - ((t % 60) + 60) % 60) {
			fprintf(stderr, "'%s' -> '%s'\n", s, buf);
			abort();
		}
		int y, mo, d, h, mi, se;
		bb_split_time(t, &y, &mo, &d, &h, &mi, &se);
		if (bb_make_time(y, mo, d, h, mi, se) != t)
			abort();
		if (bb_weekday(t) < 0 || bb_weekday(t) > 6)
			abort();
		if (bb_day_start(t) > t || t - bb_day_start(t) >= BB_DAY)
			abort();
		bb_time now = bb_make_time(2026, 11, 22, 8, 0, 0);
		if (t <= now && bb_age_years(t, now) < 0)
			abort();
	}
	if (bb_parse_date(s, &t, &why) == 0) {
		bb_fmt_date(t, buf);
		if (bb_parse_date(buf, &t2, &why) != 0 || t2 != t)
			abort();
	}
	struct bb_dur d;
	if (bb_parse_dur(s, &d, &why) == 0) {
		bb_fmt_dur(d, buf);
		struct bb_dur d2;
		if (bb_parse_dur(buf, &d2, &why) != 0 || d2.n != d.n ||
		    d2.unit != d.unit) {
			fprintf(stderr, "'%s' -> '%s'\n", s, buf);
			abort();
		}
		bb_time base = bb_make_time(2026, 1, 31, 12, 0, 0);
		bb_time up = bb_add_dur(base, d, 1);
		bb_add_dur(base, d, -1);
		if (d.n >= 0 && up < base)
			abort();
		if (d.unit == BB_DAYU && bb_add_dur(up, d, -1) != base)
			abort();
	}
	free(s);
	return 0;
}
