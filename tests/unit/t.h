/*
 * t.h - the smallest useful unit-test harness: TAP lines on stdout,
 * the exit status is the number of failed checks (capped at 100).
 */
#ifndef T_H
#define T_H
#include <stdio.h>
#include <string.h>

static int t_run, t_failed;

#define T_OK(cond, ...) t_ok(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)
#define T_STREQ(got, want) t_streq((got), (want), __FILE__, __LINE__, #got)
#define T_INTEQ(got, want) t_inteq((long long)(got), (long long)(want), \
	__FILE__, __LINE__, #got)

static void t_ok(int ok, const char *file, int line, const char *expr,
		 const char *desc, ...)
{
	t_run++;
	if (ok) {
		printf("ok %d - %s\n", t_run, desc);
		return;
	}
	t_failed++;
	printf("not ok %d - %s\n#   %s:%d: %s\n", t_run, desc, file, line,
	       expr);
}

static void t_streq(const char *got, const char *want, const char *file,
		    int line, const char *expr)
{
	int ok = (got && want) ? !strcmp(got, want) : got == want;
	t_run++;
	if (ok) {
		printf("ok %d - %s == \"%s\"\n", t_run, expr, want ? want : "(null)");
		return;
	}
	t_failed++;
	printf("not ok %d - %s\n#   %s:%d: got \"%s\", want \"%s\"\n", t_run,
	       expr, file, line, got ? got : "(null)", want ? want : "(null)");
}

static void t_inteq(long long got, long long want, const char *file,
		    int line, const char *expr)
{
	t_run++;
	if (got == want) {
		printf("ok %d - %s == %lld\n", t_run, expr, want);
		return;
	}
	t_failed++;
	printf("not ok %d - %s\n#   %s:%d: got %lld, want %lld\n", t_run, expr,
	       file, line, got, want);
}

static int t_done(void)
{
	printf("1..%d\n", t_run);
	return t_failed > 100 ? 100 : t_failed;
}
#endif
