/*
 * xm_patients.c - crossmatch patients import: upsert patient records.
 * Antibodies and special requirements accumulate: a later import never
 * drops one, since a historical antibody (an evanescent anti-Jka) still
 * counts.  An ABO or RhD that differs from the record is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "xm.h"

static const char *const cols[] = {
	"patient_id", "name", "sex", "birth_date", "abo", "rhd", "abo_checks",
	"antibodies", "requirements", "screen", NULL
};
static const char *const required[] = { "patient_id", NULL };

/* Join a list into "a;b;c". */
static void join(char list[][COMPAT_NAME], int n, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					i ? ";" : "", list[i]);
}

/* Add the antibodies of field s (canonical names from rule_antibodies). */
static int merge_antibodies(struct bb_ctx *ctx, const struct compat_rules *r,
			    struct bb_reader *rd, struct bb_rec *rec,
			    const char *s, struct compat_patient *p)
{
	int n;
	char **items = bb_split_list(s, &n);
	int rc = 0;

	for (int i = 0; i < n && !rc; i++) {
		const struct compat_antibody *a = compat_antibody(r, items[i]);
		if (!a) {
			bb_reject(ctx, rd, rec, "antibodies", "unknown antibody, "
				  "not in rule_antibodies", items[i]);
			rc = -1;
		} else if (compat_list_add(p->antibodies, &p->nantibodies,
					   a->antibody)) {
			bb_reject(ctx, rd, rec, "antibodies", "too many "
				  "antibodies", items[i]);
			rc = -1;
		}
	}
	free(items);
	return rc;
}

static int merge_requirements(struct bb_ctx *ctx, struct bb_reader *rd,
			      struct bb_rec *rec, const char *s,
			      struct compat_patient *p)
{
	int n;
	char **items = bb_split_list(s, &n);
	int rc = 0;

	for (int i = 0; i < n && !rc; i++) {
		const char *req = compat_requirement_name(items[i]);
		if (!req) {
			bb_reject(ctx, rd, rec, "requirements", "unknown "
				  "requirement (irradiated, washed, "
				  "leukoreduced, cmv_neg)", items[i]);
			rc = -1;
		} else if (compat_list_add(p->requirements, &p->nrequirements,
					   req)) {
			rc = -1;
		}
	}
	free(items);
	return rc;
}

/* Check one record against the patient on file (if any) and merge it into
 * *x.  0 = ok, -1 = rejected. */
static int merge_row(struct bb_ctx *ctx, const struct compat_rules *r,
		     struct bb_reader *rd, struct bb_rec *rec,
		     struct xm_patient *x, int exists)
{
	struct compat_patient *p = &x->p;
	const char *v, *why;
	char abo[3], rhd[4], sex;
	bb_time t;
	long num;

	v = bb_get(rd, rec, "name");
	if (*v)
		bb_copy(x->name, sizeof x->name, v);
	v = bb_get(rd, rec, "sex");
	if (*v) {
		if (bb_sex_parse(v, &sex))
			return bb_reject(ctx, rd, rec, "sex", "want M or F", v), -1;
		p->sex = sex;
	}
	v = bb_get(rd, rec, "birth_date");
	if (*v) {
		if (bb_parse_date(v, &t, &why))
			return bb_reject(ctx, rd, rec, "birth_date", why, v), -1;
		if (t > ctx->now)
			return bb_reject(ctx, rd, rec, "birth_date",
					 "in the future", v), -1;
		bb_fmt_date(t, x->birth_date);
	}
	if (bb_abo_from_rec(ctx, bb_get(rd, rec, "abo"), bb_get(rd, rec, "rhd"),
			    abo, rhd))
		return bb_reject(ctx, rd, rec, "abo", "not a blood group",
				 bb_get(rd, rec, "abo")), -1;
	if (*abo && exists && *p->abo && strcmp(abo, p->abo)) {
		char msg[96];
		xm_fmt(msg, sizeof msg, "differs from the record '%s': "
			 "resolve the ABO discrepancy first", p->abo);
		return bb_reject(ctx, rd, rec, "abo", msg, abo), -1;
	}
	if (*rhd && exists && *p->rhd && strcmp(rhd, p->rhd)) {
		char msg[96];
		xm_fmt(msg, sizeof msg, "differs from the record '%s': "
			 "resolve the RhD discrepancy first", p->rhd);
		return bb_reject(ctx, rd, rec, "rhd", msg, rhd), -1;
	}
	if (*abo)
		strcpy(p->abo, abo);
	if (*rhd)
		strcpy(p->rhd, rhd);
	v = bb_get(rd, rec, "abo_checks");
	if (*v) {
		if (bb_parse_int(v, 0, 99, &num))
			return bb_reject(ctx, rd, rec, "abo_checks",
					 "want a count 0-99", v), -1;
		if (num > p->abo_checks)	/* determinations only add up */
			p->abo_checks = (int)num;
	}
	v = bb_get(rd, rec, "screen");
	if (*v) {
		if (strcmp(v, "neg") && strcmp(v, "pos"))
			return bb_reject(ctx, rd, rec, "screen",
					 "want neg or pos", v), -1;
		bb_copy(p->screen, sizeof p->screen, v);
	}
	if (merge_antibodies(ctx, r, rd, rec, bb_get(rd, rec, "antibodies"), p) ||
	    merge_requirements(ctx, rd, rec, bb_get(rd, rec, "requirements"), p))
		return -1;
	return 0;
}

static int store(struct bb_ctx *ctx, const struct xm_patient *x)
{
	static const char sql[] =
		"INSERT INTO patients (patient_id, name, sex, birth_date, abo, "
		"rhd, abo_checks, antibodies, requirements, screen, updated_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
		"ON CONFLICT (patient_id) DO UPDATE SET name = ?2, sex = ?3, "
		"birth_date = ?4, abo = ?5, rhd = ?6, abo_checks = ?7, "
		"antibodies = ?8, requirements = ?9, screen = ?10, "
		"updated_at = ?11";
	const struct compat_patient *p = &x->p;
	char ab[COMPAT_MAXLIST * COMPAT_NAME], rq[COMPAT_MAXLIST * COMPAT_NAME];
	char sex[2] = { p->sex, 0 };

	join((char (*)[COMPAT_NAME])p->antibodies, p->nantibodies, ab,
	     sizeof ab);
	join((char (*)[COMPAT_NAME])p->requirements, p->nrequirements, rq,
	     sizeof rq);
	return bb_exec(ctx, sql, "ssssssIssst", x->id, x->name, sex,
		       x->birth_date, p->abo, p->rhd, p->abo_checks, ab, rq,
		       p->screen, ctx->now);
}

struct import_state {
	const struct compat_rules *rules;
	long count;
};

static int import_row(struct bb_ctx *ctx, struct bb_reader *rd,
		      struct bb_rec *rec, void *arg)
{
	struct import_state *is = arg;
	const char *id = bb_get(rd, rec, "patient_id");
	struct xm_patient x;
	int exists;

	if (!*id || strlen(id) >= sizeof x.id) {
		bb_reject(ctx, rd, rec, "patient_id", *id ? "too long" :
			  "empty", id);
		return BB_OK;
	}
	exists = xm_patient_load(ctx, id, ctx->now, &x);
	if (exists < 0)
		return BB_ESYS;
	bb_copy(x.id, sizeof x.id, id);
	if (merge_row(ctx, is->rules, rd, rec, &x, exists))
		return BB_OK;
	if (store(ctx, &x) == BB_ESYS)
		return BB_ESYS;
	is->count++;
	return BB_OK;
}

int xm_patients(struct bb_ctx *ctx, int argc, char **argv)
{
	struct compat_rules r;
	struct import_state is = { &r, 0 };
	int first, rc;

	rc = bb_args(ctx, argc, argv, NULL, &first);
	if (rc < 0)
		return BB_OK;
	if (rc)
		return rc;
	if (first >= argc || strcmp(argv[first], "import"))
		return bb_usage_error(ctx, "want 'patients import [FILE...]'");
	if (bb_db_open(ctx, BB_DB_WRITE) || xm_rules_load(ctx, &r))
		return BB_ESYS;
	rc = xm_each_record(ctx, argc, argv, first + 1, cols, required,
			    import_row, &is);
	compat_rules_free(&r);
	rc = xm_finish(ctx, rc);
	if (rc != BB_ESYS)
		bb_info(ctx, "%ld patient%s imported", is.count,
			is.count == 1 ? "" : "s");
	return rc;
}
