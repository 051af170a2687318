/*
 * compat.c - compatibility decisions from rule rows (see compat.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compat.h"

static const char *const rank_names[] = {
	"no", "identical", "compatible", "emergency", "horizon"
};

const char *compat_rank_name(enum compat_rank k)
{
	return (unsigned)k < 5 ? rank_names[k] : "no";
}

enum compat_rank compat_rank_parse(const char *s)
{
	for (int i = 1; i < 5; i++)
		if (!strcmp(s, rank_names[i]))
			return (enum compat_rank)i;
	return COMPAT_NO;
}

void compat_rules_init(struct compat_rules *r)
{
	memset(r, 0, sizeof *r);
	r->horizon = (struct bb_dur){ 72, BB_HOUR };
	r->return_window = (struct bb_dur){ 30, BB_MIN };
	r->sample_validity = (struct bb_dur){ 3, BB_DAYU };
	r->female_age = 50;
	r->ecm_enabled = 1;
	r->ecm_abo_checks = 2;
	strcpy(r->antigen_components, "WB;RBC");
}

void compat_rules_free(struct compat_rules *r)
{
	free(r->abo);
	free(r->rhd);
	free(r->ab);
	free(r->freq);
	free(r->order);
	free(r->req);
	compat_rules_init(r);
}

/* Value of column `name` in one row, "" when absent. */
static const char *col(int n, const char *const *cols,
		       const char *const *vals, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(cols[i], name))
			return vals[i] ? vals[i] : "";
	return "";
}

/* Copy into a fixed field; -1 when empty or too long. */
static int copy_field(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);

	if (len == 0 || len >= n)
		return -1;
	memcpy(dst, src, len + 1);
	return 0;
}

#define GROW(arr, cnt) \
	((arr) = bb_xrealloc((arr), sizeof *(arr) * (size_t)((cnt) + 1)), \
	 memset(&(arr)[(cnt)], 0, sizeof *(arr)), &(arr)[(cnt)])

static int is_abo(const char *s)
{
	return !strcmp(s, "O") || !strcmp(s, "A") || !strcmp(s, "B") ||
	       !strcmp(s, "AB");
}

static int is_rhd(const char *s)
{
	return !strcmp(s, "pos") || !strcmp(s, "neg");
}

static int add_compat(struct compat_rules *r, int n, const char *const *c,
		      const char *const *v, const char **why)
{
	struct compat_abo_row row = { 0 };
	long pref = 1;
	const char *p = col(n, c, v, "pref");

	row.rank = compat_rank_parse(col(n, c, v, "rank"));
	if (copy_field(row.recipient, sizeof row.recipient,
		       col(n, c, v, "recipient")) ||
	    copy_field(row.component, sizeof row.component,
		       col(n, c, v, "component")) ||
	    !is_abo(col(n, c, v, "donor")) || row.rank == COMPAT_NO ||
	    row.rank == COMPAT_HORIZON || (*p && bb_parse_int(p, 1, 99, &pref)))
		return *why = "bad compat row", -1;
	strcpy(row.donor, col(n, c, v, "donor"));
	row.pref = (int)pref;
	*GROW(r->abo, r->nabo) = row;
	r->nabo++;
	return 0;
}

static int add_rhd(struct compat_rules *r, int n, const char *const *c,
		   const char *const *v, const char **why)
{
	struct compat_rhd_row row = { 0 };

	row.rank = compat_rank_parse(col(n, c, v, "rank"));
	if (copy_field(row.component, sizeof row.component,
		       col(n, c, v, "component")) ||
	    copy_field(row.patient, sizeof row.patient,
		       col(n, c, v, "patient_rhd")) ||
	    !is_rhd(col(n, c, v, "unit_rhd")) || row.rank == COMPAT_NO)
		return *why = "bad rhd row", -1;
	strcpy(row.unit, col(n, c, v, "unit_rhd"));
	*GROW(r->rhd, r->nrhd) = row;
	r->nrhd++;
	return 0;
}

static int add_antibody(struct compat_rules *r, int n, const char *const *c,
			const char *const *v, const char **why)
{
	struct compat_antibody row = { 0 };
	const char *sig = col(n, c, v, "significant");

	if (copy_field(row.antibody, sizeof row.antibody,
		       col(n, c, v, "antibody")) ||
	    copy_field(row.antigen, sizeof row.antigen,
		       col(n, c, v, "antigen")))
		return *why = "bad antibodies row", -1;
	row.significant = !(*sig == '0' || !strcmp(sig, "no"));
	*GROW(r->ab, r->nab) = row;
	r->nab++;
	return 0;
}

static int add_freq(struct compat_rules *r, int n, const char *const *c,
		    const char *const *v, const char **why)
{
	struct compat_freq row = { 0 };

	if (copy_field(row.antigen, sizeof row.antigen,
		       col(n, c, v, "antigen")) ||
	    bb_parse_num(col(n, c, v, "neg_freq"), 1e-9, 1, &row.neg))
		return *why = "bad antigen_freq row", -1;
	*GROW(r->freq, r->nfreq) = row;
	r->nfreq++;
	return 0;
}

static int add_order(struct compat_rules *r, int n, const char *const *c,
		     const char *const *v, const char **why)
{
	struct compat_order row = { 0 };
	long seq;

	if (!is_abo(col(n, c, v, "patient_abo")) ||
	    !is_rhd(col(n, c, v, "patient_rhd")) ||
	    !is_abo(col(n, c, v, "unit_abo")) ||
	    !is_rhd(col(n, c, v, "unit_rhd")) ||
	    bb_parse_int(col(n, c, v, "seq"), 1, 99, &seq))
		return *why = "bad emergency_order row", -1;
	strcpy(row.patient_abo, col(n, c, v, "patient_abo"));
	strcpy(row.patient_rhd, col(n, c, v, "patient_rhd"));
	strcpy(row.unit_abo, col(n, c, v, "unit_abo"));
	strcpy(row.unit_rhd, col(n, c, v, "unit_rhd"));
	row.seq = (int)seq;
	*GROW(r->order, r->norder) = row;
	r->norder++;
	return 0;
}

static int add_req(struct compat_rules *r, int n, const char *const *c,
		   const char *const *v, const char **why)
{
	struct compat_req row = { 0 };
	const char *req = compat_requirement_name(col(n, c, v, "requirement"));

	if (!req || copy_field(row.component, sizeof row.component,
			       col(n, c, v, "component")) ||
	    copy_field(row.attribute, sizeof row.attribute,
		       col(n, c, v, "attribute")))
		return *why = "bad requirements row", -1;
	strcpy(row.requirement, req);
	*GROW(r->req, r->nreq) = row;
	r->nreq++;
	return 0;
}

static int add_setting(struct compat_rules *r, int n, const char *const *c,
		       const char *const *v, const char **why)
{
	const char *key = col(n, c, v, "key"), *val = col(n, c, v, "value");
	long num;

	if (!strcmp(key, "rhd_neg_horizon"))
		return bb_parse_dur(val, &r->horizon, why);
	if (!strcmp(key, "return_window"))
		return bb_parse_dur(val, &r->return_window, why);
	if (!strcmp(key, "sample_validity"))
		return bb_parse_dur(val, &r->sample_validity, why);
	if (!strcmp(key, "rhd_neg_female_age")) {
		if (bb_parse_int(val, 0, 150, &num))
			return *why = "bad rhd_neg_female_age", -1;
		r->female_age = (int)num;
	} else if (!strcmp(key, "ecm_abo_checks")) {
		if (bb_parse_int(val, 1, 10, &num))
			return *why = "bad ecm_abo_checks", -1;
		r->ecm_abo_checks = (int)num;
	} else if (!strcmp(key, "antigen_neg_components")) {
		if (strlen(val) >= sizeof r->antigen_components)
			return *why = "antigen_neg_components too long", -1;
		strcpy(r->antigen_components, val);
	} else if (!strcmp(key, "electronic_crossmatch")) {
		r->ecm_enabled = !strcmp(val, "yes") || !strcmp(val, "1");
	}
	return 0;	/* other programs' settings */
}

/* The columns of each crossmatch rule table, as in lib/rules/PROFILE/. */
static const struct {
	const char *table;
	const char *const cols[7];
} table_cols[] = {
	{ "compat", { "recipient", "component", "donor", "rank", "pref",
		      "source", NULL } },
	{ "rhd", { "component", "patient_rhd", "unit_rhd", "rank", "source",
		   NULL } },
	{ "antibodies", { "antibody", "antigen", "significant", "source",
			  NULL } },
	{ "antigen_freq", { "antigen", "neg_freq", "source", NULL } },
	{ "emergency_order", { "patient_abo", "patient_rhd", "seq",
			       "unit_abo", "unit_rhd", "source", NULL } },
	{ "requirements", { "requirement", "component", "attribute",
			    "source", NULL } },
	{ "settings", { "key", "value", "source", NULL } },
};

const char *const *compat_rules_columns(const char *table)
{
	for (size_t i = 0; i < sizeof table_cols / sizeof table_cols[0]; i++)
		if (!strcmp(table_cols[i].table, table))
			return table_cols[i].cols;
	return NULL;
}

int compat_rules_add(struct compat_rules *r, const char *table, int n,
		     const char *const *cols, const char *const *vals,
		     const char **why)
{
	if (!strcmp(table, "compat"))
		return add_compat(r, n, cols, vals, why);
	if (!strcmp(table, "rhd"))
		return add_rhd(r, n, cols, vals, why);
	if (!strcmp(table, "antibodies"))
		return add_antibody(r, n, cols, vals, why);
	if (!strcmp(table, "antigen_freq"))
		return add_freq(r, n, cols, vals, why);
	if (!strcmp(table, "emergency_order"))
		return add_order(r, n, cols, vals, why);
	if (!strcmp(table, "requirements"))
		return add_req(r, n, cols, vals, why);
	if (!strcmp(table, "settings"))
		return add_setting(r, n, cols, vals, why);
	return *why = "not a crossmatch rule table", -1;
}

static const char *or_unknown(const char *s)
{
	return s && *s ? s : "unknown";
}

enum compat_rank compat_abo(const struct compat_rules *r,
			    const char *recipient, const char *component,
			    const char *donor, int *pref)
{
	recipient = or_unknown(recipient);
	for (int i = 0; i < r->nabo; i++) {
		const struct compat_abo_row *a = &r->abo[i];
		if (!strcmp(a->recipient, recipient) &&
		    !strcmp(a->component, component) &&
		    !strcmp(a->donor, donor)) {
			if (pref)
				*pref = a->pref;
			return a->rank;
		}
	}
	return COMPAT_NO;
}

enum compat_rank compat_rhd(const struct compat_rules *r,
			    const char *component, const char *patient,
			    const char *unit)
{
	patient = or_unknown(patient);
	for (int i = 0; i < r->nrhd; i++) {
		const struct compat_rhd_row *h = &r->rhd[i];
		if (!strcmp(h->component, component) &&
		    !strcmp(h->patient, patient) && !strcmp(h->unit, unit))
			return h->rank;
	}
	return COMPAT_NO;
}

int compat_keep_rhd_neg(const struct compat_rules *r,
			const struct compat_patient *p)
{
	if (p->age >= 0 && p->age < 18)
		return 1;		/* children */
	if (p->sex == 'M')
		return 0;
	if (p->sex != 'F' || p->age < 0)
		return 1;		/* sex or age unknown */
	return p->age < r->female_age;
}

int compat_emergency_seq(const struct compat_rules *r,
			 const struct compat_patient *p, const char *abo,
			 const char *rhd)
{
	for (int i = 0; i < r->norder; i++) {
		const struct compat_order *o = &r->order[i];
		if (!strcmp(o->patient_abo, p->abo) &&
		    !strcmp(o->patient_rhd, p->rhd) &&
		    !strcmp(o->unit_abo, abo) && !strcmp(o->unit_rhd, rhd))
			return o->seq;
	}
	return 0;
}

/* "anti-E", "Anti E", "antiE", "抗-E", "抗E" -> "E" (pointer into s). */
static const char *antibody_spec(const char *s)
{
	if (!strncasecmp(s, "anti", 4))
		s += 4;
	else if (!strncmp(s, "\xe6\x8a\x97", 3))	/* 抗 */
		s += 3;
	while (*s == '-' || *s == ' ' || *s == '_')
		s++;
	return s;
}

const struct compat_antibody *compat_antibody(const struct compat_rules *r,
					      const char *name)
{
	const char *want = antibody_spec(name);

	if (!*want)
		return NULL;
	for (int i = 0; i < r->nab; i++)
		if (!strcmp(antibody_spec(r->ab[i].antibody), want))
			return &r->ab[i];
	return NULL;
}

struct alias { const char *from, *to; };
static const struct alias req_aliases[] = {
	{ "irradiated", "irradiated" }, { "irr", "irradiated" },
	{ "\xe8\xbe\x90\xe7\x85\xa7", "irradiated" },		/* 辐照 */
	{ "washed", "washed" },
	{ "\xe6\xb4\x97\xe6\xb6\xa4", "washed" },		/* 洗涤 */
	{ "leukoreduced", "leukoreduced" }, { "lr", "leukoreduced" },
	{ "leukocyte_reduced", "leukoreduced" },
	{ "leucodepleted", "leukoreduced" },
	{ "\xe5\x8e\xbb\xe7\x99\xbd", "leukoreduced" },		/* 去白 */
	{ "cmv_neg", "cmv_neg" }, { "cmv_negative", "cmv_neg" },
	{ "cmvneg", "cmv_neg" }, { "cmv_seronegative", "cmv_neg" },
	{ NULL, NULL }
};

const char *compat_requirement_name(const char *s)
{
	char buf[COMPAT_NAME];
	size_t i;

	for (i = 0; s[i] && i + 1 < sizeof buf; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[i] = (c == '-' || c == ' ') ? '_' : (char)tolower(c);
	}
	if (s[i])
		return NULL;
	buf[i] = '\0';
	for (const struct alias *a = req_aliases; a->from; a++)
		if (!strcmp(buf, a->from))
			return a->to;
	return NULL;
}

/* Call fn on each trimmed ';'-separated item of list until it returns 1. */
static int list_any(const char *list, const void *item,
		    int (*fn)(const char *tok, size_t n, const void *item))
{
	const char *p = list ? list : "";

	while (*p) {
		const char *e = strchr(p, ';');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *t = p;
		size_t m = n;
		while (m && (*t == ' ' || *t == ',')) {
			t++;
			m--;
		}
		while (m && t[m - 1] == ' ')
			m--;
		if (m && fn(t, m, item))
			return 1;
		p += n;
		if (*p == ';')
			p++;
	}
	return 0;
}

static int tok_equal(const char *tok, size_t n, const void *item)
{
	return strlen(item) == n && !strncmp(tok, item, n);
}

int compat_list_has(const char *list, const char *item)
{
	return list_any(list, item, tok_equal);
}

static int tok_is_attr(const char *tok, size_t n, const void *attr)
{
	char buf[COMPAT_NAME];
	const char *canon;

	if (n >= sizeof buf)
		return 0;
	memcpy(buf, tok, n);
	buf[n] = '\0';
	canon = compat_requirement_name(buf);
	return !strcmp(canon ? canon : buf, attr);
}

int compat_list_add(char list[][COMPAT_NAME], int *n, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(list[i], name))
			return 0;
	if (*n >= COMPAT_MAXLIST || strlen(name) >= COMPAT_NAME)
		return -1;
	strcpy(list[(*n)++], name);
	return 0;
}

int compat_required_antigens(const struct compat_rules *r,
			     const struct compat_patient *p,
			     char out[][COMPAT_NAME], int max)
{
	int n = 0;

	for (int i = 0; i < p->nantibodies; i++) {
		const struct compat_antibody *a =
			compat_antibody(r, p->antibodies[i]);
		int dup = 0;
		if (!a || !a->significant)
			continue;
		for (int j = 0; j < n; j++)
			dup |= !strcmp(out[j], a->antigen);
		if (!dup && n < max)
			strcpy(out[n++], a->antigen);
	}
	return n;
}

/* Typed antigen token "E-", "Fy(a-)", "K+" -> name "E"/"Fya" and sign. */
static int antigen_token(const char *tok, size_t n, char name[COMPAT_NAME],
			 char *sign)
{
	size_t k = 0;

	if (n < 2 || (tok[n - 1] != '-' && tok[n - 1] != '+' &&
		      !(n > 2 && tok[n - 1] == ')')))
		return -1;
	for (size_t i = 0; i < n && k + 1 < COMPAT_NAME; i++) {
		char c = tok[i];
		if (c == '(' || c == ')' || c == ' ')
			continue;
		if (c == '-' || c == '+') {
			*sign = c;
			continue;
		}
		name[k++] = c;
	}
	name[k] = '\0';
	return k ? 0 : -1;
}

struct antigen_probe { const char *antigen; char status; };

static int tok_antigen(const char *tok, size_t n, const void *probe)
{
	struct antigen_probe *pr = (struct antigen_probe *)probe;
	char name[COMPAT_NAME], sign = 0;

	if (antigen_token(tok, n, name, &sign) || !sign)
		return 0;
	if (strcmp(name, pr->antigen))
		return 0;
	pr->status = sign;
	return 1;
}

char compat_antigen_status(const struct compat_unit *u, const char *antigen)
{
	struct antigen_probe pr = { antigen, '?' };

	if (!strcmp(antigen, "D")) {
		if (u->rhd && !strcmp(u->rhd, "neg"))
			return '-';
		if (u->rhd && !strcmp(u->rhd, "pos"))
			return '+';
		return '?';
	}
	list_any(u->antigens, &pr, tok_antigen);
	return pr.status;
}

double compat_antigen_freq(const struct compat_rules *r, const char *antigen)
{
	for (int i = 0; i < r->nfreq; i++)
		if (!strcmp(r->freq[i].antigen, antigen))
			return r->freq[i].neg;
	return -1;
}

/* Refusal code; vsnprintf truncates quietly (codes are short by design). */
__attribute__((format(printf, 2, 3)))
static int refuse(struct compat_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->code, sizeof res->code, fmt, ap);
	va_end(ap);
	return 0;
}

__attribute__((format(printf, 2, 3)))
static void add_reason(struct compat_result *res, const char *fmt, ...)
{
	size_t len = strlen(res->reasons);
	va_list ap;

	if (len && len + 1 < sizeof res->reasons)
		res->reasons[len++] = ';';
	va_start(ap, fmt);
	vsnprintf(res->reasons + len, sizeof res->reasons - len, fmt, ap);
	va_end(ap);
}

static int check_rhd(const struct compat_rules *r,
		     const struct compat_patient *p, const struct compat_unit *u,
		     const struct compat_query *q, struct compat_result *res,
		     enum compat_rank *out)
{
	const char *prh = or_unknown(p->rhd);
	enum compat_rank rk;
	char dur[24];

	if (!u->rhd || !*u->rhd)
		return refuse(res, "rhd:unit-untyped");
	rk = compat_rhd(r, u->component, p->rhd, u->rhd);
	if (rk == COMPAT_NO)
		return refuse(res, "rhd:%s>%s:%s", u->rhd, prh, u->component);
	if (rk == COMPAT_HORIZON) {
		bb_fmt_dur(r->horizon, dur);
		if (u->expires <= bb_add_dur(q->now, r->horizon, 1)) {
			add_reason(res, "rhd:%s>%s:expires-within:%s", u->rhd,
				   prh, dur);
			rk = COMPAT_COMPATIBLE;
		} else if (q->emergency) {
			rk = COMPAT_EMERGENCY;
		} else {
			return refuse(res, "rhd:%s>%s:kept-for-rhd-neg",
				      u->rhd, prh);
		}
	}
	if (rk == COMPAT_EMERGENCY && !q->emergency)
		return refuse(res, "rhd:%s>%s:emergency-only", u->rhd, prh);
	/* Emergency D+ to a D-neg or untyped patient: never for women who may
	 * still bear children, children, or when sex or age is unknown. */
	if (rk == COMPAT_EMERGENCY && !strcmp(u->rhd, "pos") &&
	    compat_keep_rhd_neg(r, p))
		return refuse(res, "rhd:pos>%s:keep-rhd-neg", prh);
	if (rk == COMPAT_COMPATIBLE && !strcmp(u->rhd, "pos") &&
	    strcmp(prh, "pos") && compat_keep_rhd_neg(r, p))
		add_reason(res, "rhd:pos>%s:anti-D-Ig-advised", prh);
	if (!strstr(res->reasons, "rhd:"))
		add_reason(res, "rhd:%s>%s:%s", u->rhd, prh,
			   rk == COMPAT_IDENTICAL && strcmp(u->rhd, prh)
				   ? "ignored" : compat_rank_name(rk));
	*out = rk;
	return 1;
}

static int check_antigens(const struct compat_rules *r,
			  const struct compat_patient *p,
			  const struct compat_unit *u, struct compat_result *res)
{
	char need[COMPAT_MAXLIST][COMPAT_NAME];
	int n;

	/* red-cell antigens matter for components that carry red cells */
	if (!compat_list_has(r->antigen_components, u->component))
		return 1;
	n = compat_required_antigens(r, p, need, COMPAT_MAXLIST);
	for (int i = 0; i < n; i++) {
		char st = compat_antigen_status(u, need[i]);
		if (st == '+')
			return refuse(res, "antigen:%s+", need[i]);
		if (st != '-')
			return refuse(res, "antigen:%s:untyped", need[i]);
		add_reason(res, "antigen:%s-", need[i]);
	}
	return 1;
}

static int check_requirements(const struct compat_rules *r,
			      const struct compat_patient *p,
			      const struct compat_unit *u,
			      struct compat_result *res)
{
	for (int i = 0; i < p->nrequirements; i++) {
		const char *req = p->requirements[i];
		for (int k = 0; k < r->nreq; k++) {
			const struct compat_req *q = &r->req[k];
			if (strcmp(q->requirement, req) ||
			    strcmp(q->component, u->component))
				continue;
			if (!list_any(u->attributes, q->attribute, tok_is_attr))
				return refuse(res, "requirement:%s", req);
			add_reason(res, "req:%s", req);
		}
	}
	return 1;
}

int compat_check(const struct compat_rules *r, const struct compat_patient *p,
		 const struct compat_unit *u, const struct compat_query *q,
		 struct compat_result *res)
{
	enum compat_rank abo, rhd = COMPAT_IDENTICAL;
	bb_time need = q->needed_by > q->now ? q->needed_by : q->now;
	char t[17];

	memset(res, 0, sizeof *res);
	if (!u->abo || !*u->abo)
		return refuse(res, "abo:unit-untyped");
	abo = compat_abo(r, p->abo, u->component, u->abo, &res->pref);
	if (abo == COMPAT_NO)
		return refuse(res, "abo:%s>%s:%s", u->abo, or_unknown(p->abo),
			      u->component);
	if (abo == COMPAT_EMERGENCY && !q->emergency)
		return refuse(res, "abo:%s>%s:emergency-only", u->abo,
			      or_unknown(p->abo));
	add_reason(res, "abo:%s>%s:%s", u->abo, or_unknown(p->abo),
		   compat_rank_name(abo));
	if (!check_rhd(r, p, u, q, res, &rhd))
		return 0;
	if (u->expires <= q->now)
		return refuse(res, "expired:%s", bb_fmt_time(u->expires, t));
	if (u->expires <= need)
		return refuse(res, "expires-before-needed:%s",
			      bb_fmt_time(u->expires, t));
	if (!check_antigens(r, p, u, res) || !check_requirements(r, p, u, res))
		return 0;
	res->abo_rank = abo;
	res->rhd_rank = rhd;
	res->match = abo > rhd ? abo : rhd;
	if (q->emergency) {
		res->seq = compat_emergency_seq(r, p, u->abo, u->rhd);
		if (res->match == COMPAT_EMERGENCY || res->seq)
			add_reason(res, "emergency:uncrossmatched");
	}
	return 1;
}

int compat_ecm_eligible(const struct compat_rules *r,
			const struct compat_patient *p, char *why, size_t n)
{
	if (!r->ecm_enabled)
		snprintf(why, n, "ecm:disabled-by-profile");
	else if (!*p->abo || !*p->rhd)
		snprintf(why, n, "ecm:group-unknown");
	else if (p->abo_checks < r->ecm_abo_checks)
		snprintf(why, n, "ecm:abo-checks=%d<%d", p->abo_checks,
			 r->ecm_abo_checks);
	else if (strcmp(p->screen, "neg"))
		snprintf(why, n, "ecm:screen=%s", *p->screen ? p->screen :
			 "missing");
	else if (p->nantibodies > 0)
		snprintf(why, n, "ecm:antibody-history=%s", p->antibodies[0]);
	else
		return snprintf(why, n, "ecm:eligible"), 1;
	return 0;
}
