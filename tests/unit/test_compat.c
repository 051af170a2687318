/*
 * test_compat.c - compatibility rules of both built-in profiles: the full
 * recipient x donor x component ABO matrix against the tables of
 * reference/rules.md 4A written out by hand here, RhD with the horizon
 * exception, antigen-negative and special requirements, the emergency
 * order and electronic-crossmatch eligibility.
 */
#include <stdlib.h>
#include <string.h>

#include "bb.h"
#include "compat.h"
#include "t.h"
#include "xm.h"

static const char *const tables[] = {
	"compat", "rhd", "antibodies", "antigen_freq", "emergency_order",
	"requirements", "settings", NULL
};

/* Rule tables are CSV read by the core reader, which reports on a ctx. */
static struct bb_ctx ctx;

static void load(struct compat_rules *r, const char *profile)
{
	char name[64];
	const char *why = NULL;

	compat_rules_init(r);
	for (int i = 0; tables[i]; i++) {
		snprintf(name, sizeof name, "rules/%s/%s.csv", profile, tables[i]);
		const struct bb_embedded *e = bb_embedded_find(name);
		T_OK(e != NULL, "embedded table present");
		if (!e)
			continue;
		int rc = xm_rules_load_csv(&ctx, r, tables[i], name, e->data,
					   e->len, &why);
		T_OK(rc == 0, "table loads");
		if (rc)
			printf("#   %s: %s\n", name, why);
	}
}

/* Expected ABO matrix: rows recipient O A B AB unknown, columns donor
 * O A B AB; i identical, c compatible, e emergency only, - refused. */
struct matrix { const char *component; const char *row[5]; };

static const struct matrix cn_matrix[] = {
	{ "WB",   { "i---", "-i--", "--i-", "---i", "----" } },
	{ "RBC",  { "i---", "ei--", "e-i-", "eeei", "e---" } },
	{ "PLT",  { "ieee", "eiee", "eeie", "eeei", "-e-e" } },
	{ "FFP",  { "iccc", "-i-c", "--ic", "-e-i", "-e-e" } },
	{ "FP",   { "iccc", "-i-c", "--ic", "-e-i", "-e-e" } },
	{ "CRYO", { "iccc", "-i-c", "--ic", "---i", "---e" } },
	{ NULL, { NULL } }
};
static const struct matrix us_matrix[] = {
	{ "WB",   { "i---", "-i--", "--i-", "---i", "e---" } },
	{ "RBC",  { "i---", "ci--", "c-i-", "ccci", "e---" } },
	{ "PLT",  { "iccc", "cicc", "ccic", "ccci", "-e-e" } },
	{ "FFP",  { "iccc", "-i-c", "--ic", "-e-i", "-e-e" } },
	{ "FP",   { "iccc", "-i-c", "--ic", "-e-i", "-e-e" } },
	{ "CRYO", { "iccc", "cicc", "ccic", "ccci", "eeee" } },
	{ NULL, { NULL } }
};

static const char *const groups[] = { "O", "A", "B", "AB", "" };

static char rank_letter(enum compat_rank k)
{
	return "-icex"[k];
}

static void test_matrix(const struct compat_rules *r, const char *profile,
			const struct matrix *m)
{
	int cells = 0, bad = 0;

	for (; m->component; m++)
		for (int rec = 0; rec < 5; rec++)
			for (int don = 0; don < 4; don++) {
				char got = rank_letter(compat_abo(r, groups[rec],
					m->component, groups[don], NULL));
				char want = m->row[rec][don];
				cells++;
				if (got != want) {
					bad++;
					printf("#   %s %s: recipient %s donor %s: got %c want %c\n",
					       profile, m->component,
					       *groups[rec] ? groups[rec] : "unknown",
					       groups[don], got, want);
				}
			}
	T_INTEQ(cells, 6 * 5 * 4);
	T_INTEQ(bad, 0);
}

static struct compat_patient patient(const char *abo, const char *rhd,
				     char sex, int age)
{
	struct compat_patient p;

	memset(&p, 0, sizeof p);
	snprintf(p.abo, sizeof p.abo, "%s", abo);
	snprintf(p.rhd, sizeof p.rhd, "%s", rhd);
	p.sex = sex;
	p.age = age;
	return p;
}

static bb_time now(void)
{
	return bb_make_time(2026, 11, 22, 8, 0, 0);
}

static struct compat_unit unit(const char *comp, const char *abo,
			       const char *rhd, int days)
{
	struct compat_unit u = { comp, abo, rhd, now() + days * BB_DAY, "", "" };
	return u;
}

static int check(const struct compat_rules *r, const struct compat_patient *p,
		 const struct compat_unit *u, int emergency,
		 struct compat_result *res)
{
	struct compat_query q = { now(), 0, emergency };
	return compat_check(r, p, u, &q, res);
}

static void test_rhd(const struct compat_rules *r, int us)
{
	struct compat_patient pos = patient("A", "pos", 'M', 40);
	struct compat_patient neg = patient("A", "neg", 'M', 60);
	struct compat_patient negf = patient("A", "neg", 'F', 30);
	struct compat_unit u;
	struct compat_result res;

	u = unit("RBC", "A", "neg", 20);
	T_OK(!check(r, &pos, &u, 0, &res), "RhD-neg RBC kept from RhD-pos patient");
	T_STREQ(res.code, "rhd:neg>pos:kept-for-rhd-neg");
	u = unit("RBC", "A", "neg", 2);
	T_OK(check(r, &pos, &u, 0, &res), "RhD-neg RBC expiring within 72h may go to RhD-pos");
	T_STREQ(compat_rank_name(res.match), "compatible");
	T_OK(strstr(res.reasons, "rhd:neg>pos:expires-within:72h") != NULL,
	     "horizon reason");
	u = unit("RBC", "A", "neg", 20);
	T_OK(check(r, &pos, &u, 1, &res), "RhD-neg RBC to RhD-pos in emergency");
	T_STREQ(compat_rank_name(res.match), "emergency");

	u = unit("RBC", "A", "pos", 20);
	T_OK(!check(r, &neg, &u, 0, &res), "RhD-pos RBC refused to RhD-neg");
	T_STREQ(res.code, "rhd:pos>neg:emergency-only");
	T_OK(check(r, &neg, &u, 1, &res), "RhD-pos RBC to RhD-neg man in emergency");
	T_OK(!check(r, &negf, &u, 1, &res), "never to RhD-neg woman under 50");
	T_STREQ(res.code, "rhd:pos>neg:keep-rhd-neg");

	u = unit("FFP", "A", "pos", 200);
	T_OK(check(r, &negf, &u, 0, &res), "plasma ignores RhD");
	T_STREQ(compat_rank_name(res.match), "identical");

	u = unit("PLT", "A", "pos", 3);
	T_INTEQ(check(r, &neg, &u, 0, &res), us);
	if (us)
		T_STREQ(compat_rank_name(res.match), "compatible");
	else
		T_STREQ(res.code, "rhd:pos>neg:emergency-only");
	T_INTEQ(check(r, &negf, &u, 0, &res), us);
	if (us)
		T_OK(strstr(res.reasons, "anti-D-Ig-advised") != NULL,
		     "anti-D Ig advised for D+ platelets to a young woman");

	u = unit("RBC", "A", "", 20);
	T_OK(!check(r, &pos, &u, 0, &res), "untyped RhD refused");
	T_STREQ(res.code, "rhd:unit-untyped");
}

static void test_abo_check(const struct compat_rules *r, int us)
{
	struct compat_patient ab = patient("AB", "pos", 'M', 40);
	struct compat_patient o = patient("O", "pos", 'M', 40);
	struct compat_patient a = patient("A", "pos", 'M', 40);
	struct compat_unit u;
	struct compat_result res;

	u = unit("FFP", "A", "pos", 300);
	T_OK(!check(r, &ab, &u, 0, &res), "AB patient refused group-A plasma");
	T_STREQ(res.code, "abo:A>AB:emergency-only");
	T_OK(check(r, &ab, &u, 1, &res), "AB patient: group-A plasma in emergency");
	for (int g = 0; g < 4; g++) {
		u = unit("FFP", groups[g], "pos", 300);
		T_OK(check(r, &o, &u, 0, &res), "O patient given any plasma");
	}
	u = unit("RBC", "O", "pos", 20);
	T_INTEQ(check(r, &a, &u, 0, &res), us);
	if (!us)
		T_STREQ(res.code, "abo:O>A:emergency-only");
	u = unit("RBC", "B", "pos", 20);
	T_OK(!check(r, &a, &u, 1, &res), "B red cells never to A");
	T_STREQ(res.code, "abo:B>A:RBC");
	u = unit("RBC", "", "pos", 20);
	T_OK(!check(r, &a, &u, 1, &res), "untyped unit refused");
	T_STREQ(res.code, "abo:unit-untyped");
}

static void test_expiry(const struct compat_rules *r)
{
	struct compat_patient a = patient("A", "pos", 'M', 40);
	struct compat_unit u = unit("RBC", "A", "pos", 0);
	struct compat_result res;
	struct compat_query q = { now(), 0, 0 };

	T_OK(!compat_check(r, &a, &u, &q, &res), "unit expiring now refused");
	T_STREQ(res.code, "expired:2026-11-22 08:00");
	u = unit("RBC", "A", "pos", 1);
	q.needed_by = now() + 2 * BB_DAY;
	T_OK(!compat_check(r, &a, &u, &q, &res), "expires before needed_by");
	T_STREQ(res.code, "expires-before-needed:2026-11-23 08:00");
	q.needed_by = now() + BB_DAY / 2;
	T_OK(compat_check(r, &a, &u, &q, &res), "expires after needed_by");
}

static void test_antigens(const struct compat_rules *r)
{
	struct compat_patient p = patient("B", "pos", 'F', 30);
	struct compat_unit u = unit("RBC", "B", "pos", 10);
	struct compat_result res;

	strcpy(p.antibodies[p.nantibodies++], "anti-E");
	strcpy(p.antibodies[p.nantibodies++], "anti-M");
	u.antigens = "c+;E-";
	T_OK(check(r, &p, &u, 0, &res), "anti-E: E-negative unit accepted");
	T_STREQ(res.reasons, "abo:B>B:identical;rhd:pos>pos:identical;antigen:E-");
	u.antigens = "e-;E+";
	T_OK(!check(r, &p, &u, 0, &res), "anti-E: E-positive refused");
	T_STREQ(res.code, "antigen:E+");
	u.antigens = "e-;K-";
	T_OK(!check(r, &p, &u, 0, &res), "unknown E status is not negative");
	T_STREQ(res.code, "antigen:E:untyped");
	u.antigens = "";
	T_OK(!check(r, &p, &u, 0, &res), "untyped unit refused for anti-E");

	strcpy(p.antibodies[p.nantibodies++], "抗-Jka");
	u.antigens = "E-; Jk(a-)";
	T_OK(check(r, &p, &u, 0, &res), "Jk(a-) spelling and Chinese antibody name");
	T_STREQ(res.reasons, "abo:B>B:identical;rhd:pos>pos:identical;antigen:E-;antigen:Jka-");

	u = unit("PLT", "B", "pos", 3);
	T_OK(check(r, &p, &u, 0, &res), "anti-E: antigens do not matter for platelets");
	u = unit("FFP", "B", "pos", 300);
	T_OK(check(r, &p, &u, 0, &res), "anti-E: nor for plasma");

	struct compat_patient d = patient("O", "neg", 'M', 70);
	strcpy(d.antibodies[d.nantibodies++], "anti-D");
	u = unit("RBC", "O", "pos", 10);
	T_OK(!check(r, &d, &u, 1, &res), "anti-D: no RhD-pos even in emergency");
	T_STREQ(res.code, "antigen:D+");

	char need[8][COMPAT_NAME];
	struct compat_patient q = patient("A", "pos", 'M', 40);
	strcpy(q.antibodies[q.nantibodies++], "anti-c");
	strcpy(q.antibodies[q.nantibodies++], "anti-E");
	strcpy(q.antibodies[q.nantibodies++], "anti-Lea");
	strcpy(q.antibodies[q.nantibodies++], "anti-c");
	T_INTEQ(compat_required_antigens(r, &q, need, 8), 2);
	T_STREQ(need[0], "c");
	T_STREQ(need[1], "E");
	T_OK(compat_antibody(r, "anti-e") != NULL &&
	     !strcmp(compat_antibody(r, "anti-e")->antigen, "e"),
	     "anti-e is not anti-E");
	T_OK(compat_antibody(r, "anti-Xyz") == NULL, "unknown antibody");
	T_OK(compat_antibody(r, "Anti E") != NULL, "Anti E spelling");
}

static void test_requirements(const struct compat_rules *r)
{
	struct compat_patient p = patient("O", "pos", 'M', 60);
	struct compat_unit u = unit("RBC", "O", "pos", 10);
	struct compat_result res;

	strcpy(p.requirements[p.nrequirements++], "irradiated");
	u.attributes = "leukoreduced";
	T_OK(!check(r, &p, &u, 0, &res), "irradiated required");
	T_STREQ(res.code, "requirement:irradiated");
	u.attributes = "leukoreduced;Irradiated";
	T_OK(check(r, &p, &u, 0, &res), "irradiated unit accepted");
	u = unit("FFP", "O", "pos", 100);
	T_OK(check(r, &p, &u, 0, &res), "irradiation not needed for plasma");
	strcpy(p.requirements[p.nrequirements++], "cmv_neg");
	u = unit("PLT", "O", "pos", 3);
	u.attributes = "irradiated;CMV-negative";
	T_OK(check(r, &p, &u, 0, &res), "CMV-negative spelling");
	T_STREQ(compat_requirement_name("CMV negative"), "cmv_neg");
	T_STREQ(compat_requirement_name("Washed"), "washed");
	T_OK(compat_requirement_name("gold-plated") == NULL, "unknown requirement");
}

static void test_emergency(const struct compat_rules *r)
{
	struct compat_patient f = patient("", "", 'F', 30);
	struct compat_patient m = patient("", "", 'M', 60);
	struct compat_patient unk = patient("", "", 0, -1);
	struct compat_patient old = patient("", "", 'F', 62);
	struct compat_patient child = patient("", "", 'M', 8);
	struct compat_unit on = unit("RBC", "O", "neg", 10);
	struct compat_unit op = unit("RBC", "O", "pos", 10);
	struct compat_unit an = unit("RBC", "A", "neg", 10);
	struct compat_result res;

	T_OK(!check(r, &f, &on, 0, &res), "unknown group: nothing without --emergency");
	T_OK(check(r, &f, &on, 1, &res), "unknown group woman 30: O neg");
	T_STREQ(compat_rank_name(res.match), "emergency");
	T_OK(!check(r, &f, &op, 1, &res), "unknown group woman 30: not O pos");
	T_OK(!check(r, &unk, &op, 1, &res), "unknown sex: not O pos");
	T_OK(!check(r, &child, &op, 1, &res), "child: not O pos");
	T_OK(check(r, &m, &op, 1, &res), "unknown group man 60: O pos");
	T_OK(check(r, &old, &op, 1, &res), "unknown group woman 62: O pos");
	T_OK(!check(r, &m, &an, 1, &res), "unknown group: never group A red cells");

	struct compat_patient an_p = patient("A", "neg", 'M', 70);
	T_INTEQ(compat_emergency_seq(r, &an_p, "A", "neg"), 1);
	T_INTEQ(compat_emergency_seq(r, &an_p, "O", "neg"), 2);
	T_INTEQ(compat_emergency_seq(r, &an_p, "A", "pos"), 3);
	T_INTEQ(compat_emergency_seq(r, &an_p, "O", "pos"), 4);
	struct compat_patient abn = patient("AB", "neg", 'M', 70);
	T_INTEQ(compat_emergency_seq(r, &abn, "B", "neg"), 3);
	T_INTEQ(compat_emergency_seq(r, &abn, "O", "pos"), 8);
	T_OK(check(r, &an_p, &op, 1, &res), "A- man: O+ in emergency");
	T_INTEQ(res.seq, 4);
}

static void test_ecm(const struct compat_rules *r, int us)
{
	struct compat_patient p = patient("A", "pos", 'M', 40);
	char why[64];

	p.abo_checks = 2;
	strcpy(p.screen, "neg");
	T_INTEQ(compat_ecm_eligible(r, &p, why, sizeof why), us);
	if (!us) {
		T_STREQ(why, "ecm:disabled-by-profile");
		return;
	}
	p.abo_checks = 1;
	T_OK(!compat_ecm_eligible(r, &p, why, sizeof why), "one ABO check");
	T_STREQ(why, "ecm:abo-checks=1<2");
	p.abo_checks = 2;
	strcpy(p.screen, "pos");
	T_OK(!compat_ecm_eligible(r, &p, why, sizeof why), "positive screen");
	T_STREQ(why, "ecm:screen=pos");
	strcpy(p.screen, "neg");
	strcpy(p.antibodies[p.nantibodies++], "anti-Jka");
	T_OK(!compat_ecm_eligible(r, &p, why, sizeof why), "antibody history");
	T_STREQ(why, "ecm:antibody-history=anti-Jka");
}

static void test_settings(const struct compat_rules *r, const char *profile)
{
	char buf[24];

	T_STREQ(bb_fmt_dur(r->return_window, buf), "30m");
	T_STREQ(bb_fmt_dur(r->horizon, buf), "72h");
	T_INTEQ(r->female_age, 50);
	T_OK(compat_antigen_freq(r, "E") > 0.5, "E-negative frequency above 50%");
	T_OK(compat_antigen_freq(r, "Xyz") < 0, "unknown antigen frequency");
	if (!strcmp(profile, "cn"))
		T_OK(compat_antigen_freq(r, "D") < 0.01, "Han RhD-neg rare");
	else
		T_OK(compat_antigen_freq(r, "D") > 0.1, "Caucasian RhD-neg 15%");
}

int main(void)
{
	struct compat_rules r;

	bb_ctx_init(&ctx, "test_compat");
	load(&r, "cn");
	test_matrix(&r, "cn", cn_matrix);
	test_rhd(&r, 0);
	test_abo_check(&r, 0);
	test_expiry(&r);
	test_antigens(&r);
	test_requirements(&r);
	test_emergency(&r);
	test_ecm(&r, 0);
	test_settings(&r, "cn");
	compat_rules_free(&r);

	load(&r, "us");
	test_matrix(&r, "us", us_matrix);
	test_rhd(&r, 1);
	test_abo_check(&r, 1);
	test_expiry(&r);
	test_antigens(&r);
	test_requirements(&r);
	test_emergency(&r);
	test_ecm(&r, 1);
	test_settings(&r, "us");
	compat_rules_free(&r);

	struct compat_rules bad;
	const char *why = NULL;
	compat_rules_init(&bad);
	T_OK(xm_rules_load_csv(&ctx, &bad, "compat", "bad.csv",
		"recipient,component,donor,rank\nA,RBC,Q,identical\n",
		strlen("recipient,component,donor,rank\nA,RBC,Q,identical\n"),
		&why) == -1, "bad donor group refused");
	compat_rules_free(&bad);

	const char *quoted = "antibody,antigen,significant,source\n"
		"anti-E,E,1,\"rules 5, \"\"HTR\"\"\"\n\"anti-c\",c,0,x\n";
	compat_rules_init(&bad);
	T_OK(xm_rules_load_csv(&ctx, &bad, "antibodies", "quoted.csv", quoted,
			       strlen(quoted), &why) == 0, "quoted CSV fields");
	T_INTEQ(bad.nab, 2);
	T_STREQ(bad.ab[1].antibody, "anti-c");
	T_INTEQ(bad.ab[1].significant, 0);
	compat_rules_free(&bad);
	bb_ctx_free(&ctx);
	return t_done();
}
