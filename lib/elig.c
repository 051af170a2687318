/*
 * elig.c - donor eligibility engine (see elig.h).  Everything here except
 * elig_rules_load() is a pure function of its arguments.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "elig.h"

static const char *const kinds[] = { "WB", "PLT", "PLS", "DRBC", NULL };

/* The criteria elig_check() looks up (the memo's last index). */
enum { CR_AGE, CR_AGE_REPEAT, CR_WEIGHT, CR_HB, CR_SBP, CR_DBP, CR_PP,
       CR_PULSE, CR_TEMP, CR_VOLUME, CR_N };
static const char *const crit_names[CR_N] = {
	"age", "age_repeat", "weight", "hb", "sbp", "dbp", "pulse_pressure",
	"pulse", "temp", "volume",
};

static int kind_index(const char *kind)
{
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(kind, kinds[i]))
			return i;
	return -1;
}

int elig_kind_valid(const char *kind)
{
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	return 0;
}

void elig_rules_init(struct elig_rules *r)
{
	memset(r, 0, sizeof *r);
	r->horizon.n = 0;
	r->horizon.unit = BB_DAYU;
}

void elig_rules_free(struct elig_rules *r)
{
	free(r->crit);
	free(r->iv);
	free(r->cap);
	free(r->code);
	elig_rules_init(r);
}


/* Approximate length in days, only to compare durations. */
static long dur_days(struct bb_dur d)
{
	switch (d.unit) {
	case BB_MIN: return d.n / 1440 + 1;
	case BB_HOUR: return d.n / 24 + 1;
	case BB_DAYU: return d.n;
	case BB_WEEK: return 7L * d.n;
	case BB_MONTH: return 31L * d.n;
	case BB_YEAR: return 366L * d.n;
	}
	return d.n;
}

static void widen_horizon(struct elig_rules *r, struct bb_dur d)
{
	if (dur_days(d) > dur_days(r->horizon))
		r->horizon = d;
}

static int opt_num(const char *s, int *has, double *v, const char **why)
{
	*has = 0;
	if (!s || !*s)
		return 0;
	if (bb_parse_num(s, -1e9, 1e9, v) < 0) {
		*why = "not a number";
		return -1;
	}
	*has = 1;
	return 0;
}

int elig_add_criterion(struct elig_rules *r, const char *name,
		       const char *kind, const char *sex, const char *min,
		       const char *max, const char **why)
{
	struct elig_crit c = { 0 };

	r->memo_ok = 0;		/* r->crit may move */
	if (!*name || strlen(name) >= sizeof c.name) {
		*why = "bad criterion name";
		return -1;
	}
	if (!kind || !*kind)
		kind = "*";
	if (strcmp(kind, "*") && !elig_kind_valid(kind)) {
		*why = "unknown kind";
		return -1;
	}
	if (!sex || !*sex)
		sex = "*";
	if (strcmp(sex, "*") && strcmp(sex, "M") && strcmp(sex, "F")) {
		*why = "sex must be M, F or *";
		return -1;
	}
	if (opt_num(min, &c.has_min, &c.min, why) < 0 ||
	    opt_num(max, &c.has_max, &c.max, why) < 0)
		return -1;
	bb_copy(c.name, sizeof c.name, name);
	bb_copy(c.kind, sizeof c.kind, kind);
	c.sex = sex[0];
	BB_GROW(r->crit, r->ncrit, r->acrit, 16);
	r->crit[r->ncrit++] = c;
	return 0;
}

int elig_add_interval(struct elig_rules *r, const char *prev,
		      const char *next, const char *interval,
		      const char **why)
{
	struct elig_interval iv = { 0 };

	if (!elig_kind_valid(prev) || !elig_kind_valid(next)) {
		*why = "unknown kind";
		return -1;
	}
	if (bb_parse_dur(interval, &iv.dur, why) < 0)
		return -1;
	bb_copy(iv.prev, sizeof iv.prev, prev);
	bb_copy(iv.next, sizeof iv.next, next);
	bb_copy(iv.text, sizeof iv.text, interval);
	BB_GROW(r->iv, r->niv, r->aiv, 16);
	r->iv[r->niv++] = iv;
	widen_horizon(r, iv.dur);
	return 0;
}

int elig_add_cap(struct elig_rules *r, const char *kinds_list,
		 const char *window, const char *max_count,
		 const char *max_volume, const char **why)
{
	struct elig_cap c = { 0 };
	int has;
	double v;

	if (!*kinds_list || strlen(kinds_list) >= sizeof c.kinds) {
		*why = "bad kinds";
		return -1;
	}
	if (bb_parse_dur(window, &c.window, why) < 0)
		return -1;
	if (opt_num(max_count, &has, &v, why) < 0)
		return -1;
	c.max_count = has ? (int)v : 0;
	if (opt_num(max_volume, &has, &v, why) < 0)
		return -1;
	c.max_volume = has ? v : 0;
	bb_copy(c.kinds, sizeof c.kinds, kinds_list);
	bb_copy(c.window_text, sizeof c.window_text, window);
	BB_GROW(r->cap, r->ncap, r->acap, 16);
	r->cap[r->ncap++] = c;
	widen_horizon(r, c.window);
	return 0;
}

int elig_add_code(struct elig_rules *r, const char *code,
		  const char *duration, const char **why)
{
	struct elig_code c = { 0 };

	if (!*code || strlen(code) >= sizeof c.code) {
		*why = "bad deferral code";
		return -1;
	}
	if (!strcmp(duration, "permanent"))
		c.permanent = 1;
	else if (bb_parse_dur(duration, &c.dur, why) < 0)
		return -1;
	bb_copy(c.code, sizeof c.code, code);
	bb_copy(c.text, sizeof c.text, duration);
	BB_GROW(r->code, r->ncode, r->acode, 16);
	r->code[r->ncode++] = c;
	return 0;
}

static int load_table(struct bb_ctx *ctx, struct elig_rules *r,
		      const char *sql, int which)
{
	sqlite3_stmt *st = bb_sql(ctx, sql, "");
	const char *why = NULL;
	int rc, bad;

	if (!st)
		return BB_ESYS;
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		const char *c0 = bb_col_text(st, 0), *c1 = bb_col_text(st, 1);
		const char *c2 = bb_col_text(st, 2), *c3 = bb_col_text(st, 3);
		const char *c4 = bb_col_text(st, 4);

		switch (which) {
		case 0: bad = elig_add_criterion(r, c0, c1, c2, c3, c4, &why); break;
		case 1: bad = elig_add_interval(r, c0, c1, c2, &why); break;
		case 2: bad = elig_add_cap(r, c0, c1, c2, c3, &why); break;
		default: bad = elig_add_code(r, c0, c1, &why); break;
		}
		if (bad < 0)
			bb_warn(ctx, "rule row '%s,%s,%s' ignored: %s", c0, c1,
				c2, why);
	}
	sqlite3_reset(st);
	return rc < 0 ? BB_ESYS : BB_OK;
}

int elig_rules_load(struct bb_ctx *ctx, struct elig_rules *r)
{
	static const char *const sql[] = {
		"SELECT criterion, kind, sex, min, max FROM rule_criteria",
		"SELECT prev_kind, next_kind, interval FROM rule_intervals",
		"SELECT kinds, window, max_count, max_volume_ml FROM rule_caps",
		"SELECT code, duration FROM rule_deferral_codes",
	};

	elig_rules_init(r);
	for (int i = 0; i < 4; i++)
		if (load_table(ctx, r, sql[i], i) != BB_OK)
			return BB_ESYS;
	for (int k = 0; k < 4; k++)
		for (int x = 0; x < 2; x++)
			for (int n = 0; n < CR_N; n++)
				r->memo[k][x][n] = elig_crit_find(r, crit_names[n],
						kinds[k], "MF"[x]);
	r->memo_ok = 1;
	return BB_OK;
}

/* elig_crit_find() of criterion n; kind_i from kind_index(). */
static const struct elig_crit *crit_of(const struct elig_rules *r, int n,
				       const char *kind, int kind_i, char sex)
{
	if (r->memo_ok && kind_i >= 0 && (sex == 'M' || sex == 'F'))
		return r->memo[kind_i][sex == 'F'][n];
	return elig_crit_find(r, crit_names[n], kind, sex);
}

const struct elig_crit *elig_crit_find(const struct elig_rules *r,
				       const char *name, const char *kind,
				       char sex)
{
	const struct elig_crit *best = NULL;
	int best_score = -1;

	for (int i = 0; i < r->ncrit; i++) {
		const struct elig_crit *c = &r->crit[i];
		int score = 0;

		/* first letters first: ten look-ups per donation */
		if (c->name[0] != name[0] || strcmp(c->name, name))
			continue;
		if (c->kind[0] != '*' || c->kind[1]) {
			if (strcmp(c->kind, kind))
				continue;
			score += 2;
		}
		if (c->sex != '*') {
			if (c->sex != sex)
				continue;
			score += 1;
		}
		if (score > best_score) {
			best = c;
			best_score = score;
		}
	}
	return best;
}

const struct elig_interval *elig_interval_find(const struct elig_rules *r,
					       const char *prev,
					       const char *next)
{
	for (int i = 0; i < r->niv; i++)
		if (!strcmp(r->iv[i].prev, prev) && !strcmp(r->iv[i].next, next))
			return &r->iv[i];
	return NULL;
}

const struct elig_code *elig_code_find(const struct elig_rules *r,
				       const char *code)
{
	for (int i = 0; i < r->ncode; i++)
		if (!strcmp(r->code[i].code, code))
			return &r->code[i];
	return NULL;
}

bb_time elig_history_start(const struct elig_rules *r, bb_time on)
{
	return bb_add_dur(elig_day_start(on), r->horizon, -1);
}

bb_time elig_deferral_until(const struct elig_code *c, bb_time start)
{
	bb_time t;

	if (c->permanent)
		return ELIG_NEVER;
	t = bb_add_dur(start, c->dur, 1);
	/* deferrals end on a day boundary: round a partial day up */
	if (elig_day_start(t) != t)
		t = elig_day_start(t) + BB_DAY;
	return t;
}

/* ---- the check ---- */

__attribute__((format(printf, 2, 3)))
static void reason(struct elig_result *res, const char *fmt, ...)
{
	size_t len = strlen(res->reasons);
	va_list ap;

	if (len + 2 >= sizeof res->reasons)
		return;
	if (len)
		res->reasons[len++] = ';';
	va_start(ap, fmt);
	vsnprintf(res->reasons + len, sizeof res->reasons - len, fmt, ap);
	va_end(ap);
	res->nreasons++;
	res->eligible = 0;
}

/* Push the next eligible day later; ELIG_NEVER wins over any date. */
static void wait_until(struct elig_result *res, bb_time t)
{
	if (res->next == ELIG_NEVER)
		return;
	if (t == ELIG_NEVER || t > res->next)
		res->next = t;
}

static int kind_in_list(const char *kind, const char *list)
{
	size_t n = strlen(kind);

	for (const char *p = list; *p;) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && !strncmp(p, kind, n))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

static void check_age(const struct elig_rules *r, const struct elig_donor *d,
		      const char *kind, int ki, bb_time on, int repeat,
		      struct elig_result *res)
{
	const struct elig_crit *c = crit_of(r, CR_AGE, kind, ki, d->sex);
	const struct elig_crit *cr = crit_of(r, CR_AGE_REPEAT, kind, ki,
					     d->sex);
	int age = bb_age_years(d->birth, on);

	if (!c)
		return;
	if (c->has_min && age < c->min) {
		reason(res, "age:min:%g", c->min);
		wait_until(res, bb_add_months(d->birth, 12 * (int)c->min));
	}
	if (c->has_max && age > c->max) {
		if (repeat && cr && (!cr->has_max || age <= cr->max))
			return;
		reason(res, "age:max:%g", repeat && cr && cr->has_max ?
		       cr->max : c->max);
		wait_until(res, ELIG_NEVER);
	}
}

static void check_value(const struct elig_rules *r, int n, const char *kind,
			int ki, char sex, int have, double v,
			struct elig_result *res)
{
	const struct elig_crit *c = crit_of(r, n, kind, ki, sex);
	const char *name = crit_names[n];

	if (!c)
		return;
	if (!have) {
		reason(res, "%s:missing", name);
	} else if (c->has_min && v < c->min) {
		reason(res, "%s:min:%g", name, c->min);
	} else if (c->has_max && v > c->max) {
		reason(res, "%s:max:%g", name, c->max);
	} else {
		return;
	}
	wait_until(res, ELIG_NEVER);
}

static void check_measures(const struct elig_rules *r, char sex,
			   const char *kind, int ki,
			   const struct elig_measure *m,
			   struct elig_result *res)
{
	unsigned h = m->have;

	check_value(r, CR_WEIGHT, kind, ki, sex, h & ELIG_M_WEIGHT, m->weight, res);
	check_value(r, CR_HB, kind, ki, sex, h & ELIG_M_HB, m->hb, res);
	check_value(r, CR_SBP, kind, ki, sex, h & ELIG_M_SBP, m->sbp, res);
	check_value(r, CR_DBP, kind, ki, sex, h & ELIG_M_DBP, m->dbp, res);
	check_value(r, CR_PP, kind, ki, sex,
		    (h & ELIG_M_SBP) && (h & ELIG_M_DBP), m->sbp - m->dbp, res);
	check_value(r, CR_PULSE, kind, ki, sex, h & ELIG_M_PULSE, m->pulse, res);
	check_value(r, CR_TEMP, kind, ki, sex, h & ELIG_M_TEMP, m->temp, res);
	check_value(r, CR_VOLUME, kind, ki, sex, h & ELIG_M_VOLUME, m->volume, res);
}

/* Intervals from the latest earlier donation of each kind, and to the
 * earliest later donation of each kind (back-loaded entries). */
static void check_intervals(const struct elig_rules *r,
			    const struct elig_donor *d, const char *kind,
			    bb_time on, struct elig_result *res)
{
	bb_time day = elig_day_start(on);
	char buf[11];

	for (int k = 0; kinds[k]; k++) {
		const struct elig_donation *last = NULL, *next = NULL;
		const struct elig_interval *iv;

		for (int i = 0; i < d->nhist; i++) {
			const struct elig_donation *h = &d->hist[i];

			if (strcmp(h->kind, kinds[k]))
				continue;
			if (h->at <= on)
				last = h;
			else if (!next)
				next = h;
		}
		if (last && (iv = elig_interval_find(r, kinds[k], kind))) {
			bb_time ok = bb_add_dur(elig_day_start(last->at),
						iv->dur, 1);
			if (day < ok) {
				reason(res, "interval:%s>%s:%s:last=%s",
				       kinds[k], kind, iv->text,
				       bb_fmt_date(last->at, buf));
				wait_until(res, ok);
			}
		}
		if (next && (iv = elig_interval_find(r, kind, kinds[k]))) {
			bb_time ok = bb_add_dur(day, iv->dur, 1);
			if (elig_day_start(next->at) < ok) {
				reason(res, "interval:%s>%s:%s:next=%s", kind,
				       kinds[k], iv->text,
				       bb_fmt_date(next->at, buf));
				wait_until(res, ELIG_NEVER);
			}
		}
	}
}

static void cap_code(const char *kinds_list, char *out, size_t n)
{
	bb_copy(out, n, kinds_list);
	for (char *p = out; *p; p++)
		if (*p == ';')
			*p = '+';	/* ';' separates reason codes */
}

static void check_caps(const struct elig_rules *r, const struct elig_donor *d,
		       const char *kind, bb_time on,
		       const struct elig_measure *m, struct elig_result *res)
{
	bb_time day = elig_day_start(on);

	for (int c = 0; c < r->ncap; c++) {
		const struct elig_cap *cap = &r->cap[c];
		int first = -1, count = 0;
		double vol = m && (m->have & ELIG_M_VOLUME) ? m->volume : 0;
		char code[40];

		if (!kind_in_list(kind, cap->kinds))
			continue;
		/* donations still inside the window on `day` */
		for (int i = 0; i < d->nhist; i++) {
			const struct elig_donation *h = &d->hist[i];

			if (h->at > on || !kind_in_list(h->kind, cap->kinds))
				continue;
			if (bb_add_dur(elig_day_start(h->at), cap->window, 1) <= day)
				continue;
			if (first < 0)
				first = i;
			count++;
			vol += h->volume_ml;
		}
		cap_code(cap->kinds, code, sizeof code);
		if (cap->max_count && count + 1 > cap->max_count) {
			/* wait until count - max_count + 1 of them age out */
			int drop = count - cap->max_count, i = first;

			for (; i < d->nhist; i++) {
				const struct elig_donation *h = &d->hist[i];

				if (h->at > on || !kind_in_list(h->kind, cap->kinds))
					continue;
				if (bb_add_dur(elig_day_start(h->at), cap->window, 1) <= day)
					continue;
				if (drop-- == 0)
					break;
			}
			reason(res, "cap:%s:%s:%d", code, cap->window_text,
			       cap->max_count);
			wait_until(res, bb_add_dur(elig_day_start(d->hist[i].at),
						   cap->window, 1));
		}
		if (cap->max_volume > 0 && vol > cap->max_volume) {
			reason(res, "cap:%s:%s:%gml", code, cap->window_text,
			       cap->max_volume);
			/* age out the oldest until the volume fits */
			for (int i = first; i >= 0 && i < d->nhist; i++) {
				const struct elig_donation *h = &d->hist[i];

				if (h->at > on || !kind_in_list(h->kind, cap->kinds))
					continue;
				if (bb_add_dur(elig_day_start(h->at), cap->window, 1) <= day)
					continue;
				vol -= h->volume_ml;
				if (vol <= cap->max_volume) {
					wait_until(res, bb_add_dur(
						elig_day_start(h->at), cap->window, 1));
					break;
				}
			}
			if (vol > cap->max_volume)
				wait_until(res, ELIG_NEVER);
		}
	}
}

static void check_deferrals(const struct elig_donor *d, bb_time on,
			    struct elig_result *res)
{
	char buf[11];

	for (int i = 0; i < d->ndef; i++) {
		const struct elig_deferral *f = &d->def[i];

		if (f->start > on)
			continue;
		if (f->permanent) {
			reason(res, "permanent:%s", f->code);
			res->permanent = 1;
			wait_until(res, ELIG_NEVER);
		} else if (on < f->until) {
			reason(res, "deferral:%s:until=%s", f->code,
			       bb_fmt_date(f->until, buf));
			wait_until(res, f->until);
		}
	}
}

int elig_check(const struct elig_rules *r, const struct elig_donor *d,
	       const char *kind, bb_time on, const struct elig_measure *m,
	       struct elig_result *res)
{
	int repeat = d->repeat, ki = kind_index(kind);

	memset(res, 0, sizeof *res);
	res->eligible = 1;
	res->next = elig_day_start(on);
	for (int i = 0; i < d->nhist && !repeat; i++)
		if (d->hist[i].at < on)
			repeat = 1;
	check_deferrals(d, on, res);
	check_age(r, d, kind, ki, on, repeat, res);
	check_intervals(r, d, kind, on, res);
	check_caps(r, d, kind, on, m, res);
	if (m)
		check_measures(r, d->sex, kind, ki, m, res);
	if (res->eligible)
		res->next = elig_day_start(on);
	return res->eligible;
}
