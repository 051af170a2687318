/*
 * xm_history.c - crossmatch history --patient ID: the patient's record,
 * then every unit issued to the patient with its crossmatch, transfusion,
 * reaction and return.
 */
#include <string.h>

#include "xm.h"

static const char *const out_cols[] = {
	"patient_id", "request_id", "din", "product_code", "component", "abo",
	"rhd", "issued_at", "emergency", "crossmatch", "started_at",
	"ended_at", "reaction", "severity", "returned_at", "status"
};

static const char history_sql[] =
	"SELECT t.patient_id, coalesce(t.request_id, ''), t.din, "
	"t.product_code, coalesce(u.component, ''), coalesce(u.abo, ''), "
	"coalesce(u.rhd, ''), t.issued_at, CASE WHEN t.emergency THEN 'yes' "
	"ELSE 'no' END, coalesce((SELECT c.method || ':' || c.major "
	"FROM crossmatches c WHERE c.patient_id = t.patient_id AND "
	"c.din = t.din AND c.product_code = t.product_code "
	"ORDER BY c.at DESC, c.id DESC LIMIT 1), ''), "
	"coalesce(t.started_at, ''), coalesce(t.ended_at, ''), "
	"coalesce(t.reaction, ''), coalesce(t.severity, ''), "
	"coalesce(t.returned_at, ''), coalesce(u.status, '') "
	"FROM transfusions t LEFT JOIN units u ON u.din = t.din AND "
	"u.product_code = t.product_code WHERE t.patient_id = ?1 "
	"ORDER BY t.issued_at, t.id";

int xm_history(struct bb_ctx *ctx, int argc, char **argv)
{
	const char *patient = NULL;
	const struct bb_opt opts[] = {
		{ "patient", 0, BB_ARG, &patient, NULL,
		  "--patient ID      the patient (required)" },
		BB_OPT_END
	};
	struct xm_patient x;
	struct bb_writer *w;
	sqlite3_stmt *st;
	int first, rc, k;

	rc = bb_args(ctx, argc, argv, opts, &first);
	if (rc < 0)
		return BB_OK;
	if (rc)
		return rc;
	if (!patient || !*patient)
		return bb_usage_error(ctx, "history: --patient ID is required");
	if (first < argc)
		return bb_usage_error(ctx, "history: unexpected operand '%s'",
				      argv[first]);
	if (bb_db_open(ctx, BB_DB_READ))
		return BB_ESYS;
	if ((k = xm_patient_load(ctx, patient, ctx->now, &x)) < 0)
		return BB_ESYS;
	if (k == 0)
		return bb_usage_error(ctx, "history: unknown patient '%s'",
				      patient);
	if (x.p.abo[0] || x.p.nantibodies)
		bb_info(ctx, "patient '%s': %s %s, %d ABO checks, antibodies "
			"%d", patient, x.p.abo, x.p.rhd, x.p.abo_checks,
			x.p.nantibodies);
	w = bb_writer_open(ctx, out_cols, 16);
	st = w ? bb_sql(ctx, history_sql, "s", patient) : NULL;
	if (!st) {
		if (w)
			bb_writer_close(w);
		return BB_ESYS;
	}
	while ((rc = bb_step(ctx, st)) == SQLITE_ROW) {
		const char *v[16];
		for (int i = 0; i < 16; i++)
			v[i] = bb_col_text(st, i);
		bb_writer_row(w, v);
	}
	sqlite3_reset(st);
	if (bb_writer_close(w) || rc != SQLITE_DONE)
		return BB_ESYS;
	return BB_OK;
}
