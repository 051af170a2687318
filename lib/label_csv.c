/*
 * label_csv.c - a label as a CSV row: the unit record (SPEC Appendix A)
 * followed by the label's data structures and texts, for label software
 * that draws its own layout.
 */
#include "ul.h"

const char *const label_csv_cols[] = {
	"din", "product_code", "component", "abo", "rhd", "volume_ml",
	"units", "collected_at", "expires_at", "status", "location",
	"antigens", "attributes", "check", "din_text", "flags", "din_ds",
	"abo_ds", "product_ds", "expiry_ds", "collection_ds", "compound",
	"description_en", "description_zh", "facility", NULL
};

int label_csv_ncols(void)
{
	int n = 0;
	while (label_csv_cols[n])
		n++;
	return n;
}

void label_csv_row(struct bb_writer *w, const struct ul_label *l)
{
	const struct bb_unit *u = &l->u;
	char k[2] = { l->k, 0 };
	const char *v[] = {
		u->din, u->product, u->component, u->abo, u->rhd, u->volume_ml,
		u->units, u->collected_at, u->expires_at, u->status,
		u->location, u->antigens, u->attributes, k, l->din_text,
		l->flags, l->din_ds, l->abo_ds, l->product_ds, l->expiry_ds,
		l->collect_ds, l->compound, l->desc_en, l->desc_zh,
		l->facility
	};
	bb_writer_row(w, v);
}
