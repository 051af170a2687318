/*
 * unit.c - a row of the units table as one struct, shared by the
 * programs that read units back (unit-label, crossmatch).
 */
#include <math.h>
#include <string.h>

#include "bb.h"


const char *bb_num_fmt(double v, char *buf, size_t n)
{
	if (isnan(v))
		buf[0] = 0;
	else
		snprintf(buf, n, "%.10g", v);
	return buf;
}

void bb_col_num(sqlite3_stmt *st, int col, char *buf, size_t n)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		buf[0] = 0;
	else
		bb_num_fmt(sqlite3_column_double(st, col), buf, n);
}

int bb_unit_expiry(const char *s, bb_time *t)
{
	const char *why;

	return bb_parse_expiry(s, t, &why);
}

int bb_unit_load(struct bb_ctx *ctx, const char *din, const char *product,
		 struct bb_unit *u)
{
	static const char sql[] =
		"SELECT din, product_code, component, abo, rhd, volume_ml, "
		"units, collected_at, expires_at, status, location, antigens, "
		"attributes, parent_din, parent_product, reserved_for, "
		"patient_id FROM units WHERE din = ?1 AND product_code = ?2";
	sqlite3_stmt *st = bb_sql(ctx, sql, "ss", din, product);
	int rc;

	if (!st)
		return -1;
	rc = bb_step(ctx, st);
	/* din and product may point into *u: clear it only after the step */
	memset(u, 0, sizeof *u);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	bb_copy(u->din, sizeof u->din, bb_col_text(st, 0));
	bb_copy(u->product, sizeof u->product, bb_col_text(st, 1));
	bb_copy(u->component, sizeof u->component, bb_col_text(st, 2));
	bb_copy(u->abo, sizeof u->abo, bb_col_text(st, 3));
	bb_copy(u->rhd, sizeof u->rhd, bb_col_text(st, 4));
	bb_col_num(st, 5, u->volume_ml, sizeof u->volume_ml);
	bb_col_num(st, 6, u->units, sizeof u->units);
	bb_copy(u->collected_at, sizeof u->collected_at, bb_col_text(st, 7));
	bb_copy(u->expires_at, sizeof u->expires_at, bb_col_text(st, 8));
	bb_copy(u->status, sizeof u->status, bb_col_text(st, 9));
	bb_copy(u->location, sizeof u->location, bb_col_text(st, 10));
	bb_copy(u->antigens, sizeof u->antigens, bb_col_text(st, 11));
	bb_copy(u->attributes, sizeof u->attributes, bb_col_text(st, 12));
	bb_copy(u->parent_din, sizeof u->parent_din, bb_col_text(st, 13));
	bb_copy(u->parent_product, sizeof u->parent_product, bb_col_text(st, 14));
	bb_copy(u->reserved_for, sizeof u->reserved_for, bb_col_text(st, 15));
	bb_copy(u->patient_id, sizeof u->patient_id, bb_col_text(st, 16));
	if (bb_unit_expiry(u->expires_at, &u->expires))
		u->expires = 0;
	sqlite3_reset(st);
	return 1;
}

int bb_unit_release(struct bb_ctx *ctx, const char *din, const char *product,
		    const char *reason, const char *ref)
{
	int rc = bb_unit_set_status(ctx, din, product, "reserved", "available",
				    "unreserve", reason, ref);

	if (rc != BB_OK)
		return rc;
	return bb_unit_unreserve(ctx, din, product) ? BB_ESYS : BB_OK;
}

int bb_unit_unreserve(struct bb_ctx *ctx, const char *din,
		      const char *product)
{
	static const char sql[] =
		"UPDATE units SET reserved_for = NULL, reserved_at = NULL,"
		" patient_id = NULL WHERE din = ?1 AND product_code = ?2"
		" AND status = 'available'";

	return bb_exec(ctx, sql, "ss", din, product);
}
