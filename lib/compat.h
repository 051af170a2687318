/*
 * compat.h - blood compatibility as data: ABO and RhD acceptability per
 * component with a rank, antigen-negative requirements for clinically
 * significant antibodies, special requirements, the emergency order for
 * RhD-negative patients and electronic-crossmatch eligibility.
 *
 * Pure: the rules are filled from rule_* rows (compat_rules_add), from the
 * database by xm_rules_load() or from CSV text by xm_rules_load_csv()
 * (xm.h).  Nothing here touches the database or the clock: the caller
 * passes `now`.
 */
#ifndef COMPAT_H
#define COMPAT_H

#include "bb.h"

enum compat_rank {
	COMPAT_NO = 0,		/* refused */
	COMPAT_IDENTICAL = 1,
	COMPAT_COMPATIBLE = 2,
	COMPAT_EMERGENCY = 3,	/* only under emergency release */
	COMPAT_HORIZON = 4	/* RhD rows only: compatible near expiry */
};

#define COMPAT_NAME 24		/* antibody, antigen, attribute names */
#define COMPAT_MAXLIST 24	/* antibodies or requirements of a patient */

struct compat_abo_row {
	char recipient[8], component[6], donor[3];
	enum compat_rank rank;
	int pref;
};
struct compat_rhd_row {
	char component[6], patient[8], unit[4];
	enum compat_rank rank;
};
struct compat_antibody {
	char antibody[COMPAT_NAME], antigen[COMPAT_NAME];
	int significant;
};
struct compat_freq {
	char antigen[COMPAT_NAME];
	double neg;
};
struct compat_order {
	char patient_abo[3], patient_rhd[4];
	int seq;
	char unit_abo[3], unit_rhd[4];
};
struct compat_req {
	char requirement[COMPAT_NAME], component[6], attribute[COMPAT_NAME];
};

struct compat_rules {
	struct compat_abo_row *abo;
	int nabo;
	struct compat_rhd_row *rhd;
	int nrhd;
	struct compat_antibody *ab;
	int nab;
	struct compat_freq *freq;
	int nfreq;
	struct compat_order *order;
	int norder;
	struct compat_req *req;
	int nreq;
	/* settings */
	struct bb_dur horizon;		/* rhd_neg_horizon, default 72h */
	struct bb_dur return_window;	/* return_window, default 30m */
	struct bb_dur sample_validity;	/* sample_validity, default 3d */
	int female_age;			/* rhd_neg_female_age, default 50 */
	int ecm_enabled;		/* electronic_crossmatch yes/no */
	int ecm_abo_checks;		/* ecm_abo_checks, default 2 */
	char antigen_components[64];	/* antigen_neg_components "WB;RBC" */
};

struct compat_patient {
	char abo[3];		/* "" = unknown */
	char rhd[4];		/* "" = unknown */
	char sex;		/* 'M', 'F', 0 = unknown */
	int age;		/* completed years, -1 = unknown */
	int abo_checks;
	char screen[4];		/* "neg", "pos", "" */
	int nantibodies;
	char antibodies[COMPAT_MAXLIST][COMPAT_NAME];
	int nrequirements;
	char requirements[COMPAT_MAXLIST][COMPAT_NAME];
};

struct compat_unit {
	const char *component, *abo, *rhd;
	bb_time expires;
	const char *antigens;	/* "E-;c+;K-" */
	const char *attributes;	/* "irradiated;leukoreduced" */
};

struct compat_query {
	bb_time now;
	bb_time needed_by;	/* 0 = now */
	int emergency;		/* uncrossmatched emergency release */
};

struct compat_result {
	enum compat_rank match;	/* identical / compatible / emergency */
	enum compat_rank abo_rank, rhd_rank;	/* the two parts of match */
	int pref;		/* ABO preference within the rank */
	int seq;		/* emergency order position, 0 = none */
	char code[40];		/* refusal: "abo:AB>A:FFP", "antigen:E" ... */
	char reasons[256];	/* accepted: "abo:A>A:identical;rhd:pos>pos" */
};

void compat_rules_init(struct compat_rules *r);
void compat_rules_free(struct compat_rules *r);
/* One row of the rule table `table` (without the "rule_" prefix): column
 * names and values.  Returns 0, or -1 with *why set. */
int compat_rules_add(struct compat_rules *r, const char *table, int n,
		     const char *const *cols, const char *const *vals,
		     const char **why);
/* The column names of rule table `table` (NULL-terminated), NULL when
 * it is not a crossmatch rule table. */
const char *const *compat_rules_columns(const char *table);

const char *compat_rank_name(enum compat_rank k);
enum compat_rank compat_rank_parse(const char *s);

/* ABO rank of donor group for recipient ("" = unknown) and component. */
enum compat_rank compat_abo(const struct compat_rules *r,
			    const char *recipient, const char *component,
			    const char *donor, int *pref);
/* RhD rank of unit rhd for patient rhd ("" = unknown). */
enum compat_rank compat_rhd(const struct compat_rules *r,
			    const char *component, const char *patient,
			    const char *unit);
/* Does an emergency release to this patient have to be RhD-negative
 * (female under the age limit, or sex or age unknown)? */
int compat_keep_rhd_neg(const struct compat_rules *r,
			const struct compat_patient *p);
/* Position of (abo, rhd) in the emergency order of the patient's group. */
int compat_emergency_seq(const struct compat_rules *r,
			 const struct compat_patient *p, const char *abo,
			 const char *rhd);

/* Find the antibody row (exact name, also "抗-E"/"anti E" spellings). */
const struct compat_antibody *compat_antibody(const struct compat_rules *r,
					      const char *name);
/* Canonical spelling of a special requirement ("CMV-negative" ->
 * "cmv_neg"); NULL when unknown. */
const char *compat_requirement_name(const char *s);
/* Antigens the units must lack (significant antibodies), deduplicated.
 * Returns the count. */
int compat_required_antigens(const struct compat_rules *r,
			     const struct compat_patient *p,
			     char out[][COMPAT_NAME], int max);
/* Unit status of an antigen: '-' negative, '+' positive, '?' unknown.
 * D is read from the unit's RhD. */
char compat_antigen_status(const struct compat_unit *u, const char *antigen);
/* Negative frequency of an antigen, or -1 when not in the table. */
double compat_antigen_freq(const struct compat_rules *r, const char *antigen);

/*
 * The whole decision for one unit and one patient: acceptable (returns 1,
 * res->match etc. set) or not (returns 0, res->code says why).  Checks
 * ABO, RhD (with the horizon exception), expiry against now/needed_by,
 * antigen-negative requirements and special requirements.
 */
int compat_check(const struct compat_rules *r, const struct compat_patient *p,
		 const struct compat_unit *u, const struct compat_query *q,
		 struct compat_result *res);

/* Electronic crossmatch allowed?  1 yes; 0 no with why ("ecm:screen"). */
int compat_ecm_eligible(const struct compat_rules *r,
			const struct compat_patient *p, char *why, size_t n);

/* Does a ';'-separated list hold item (exact)? */
int compat_list_has(const char *list, const char *item);
/* Add name to the patient's antibody/requirement list unless present;
 * -1 when the list is full. */
int compat_list_add(char list[][COMPAT_NAME], int *n, const char *name);

#endif
