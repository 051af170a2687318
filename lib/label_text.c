/*
 * label_text.c - a label as plain text: what the printed label says, one
 * field per line, labels separated by a blank line.  The check character
 * is shown boxed as [K].
 */
#include <string.h>

#include "ul.h"

int label_text(FILE *fp, const struct ul_label *l)
{
	const struct bb_unit *u = &l->u;

	fprintf(fp, "DIN         %s [%c]", l->din_text, l->k);
	if (strcmp(l->flags, "00") && isbt_flag_type(l->flags) != ISBT_FLAG_3)
		fprintf(fp, "  flags %s", l->flags);
	fputc('\n', fp);
	fprintf(fp, "Facility    %s\n", l->facility);
	if (u->collected_at[0])
		fprintf(fp, "Collected   %.10s\n", u->collected_at);
	fprintf(fp, "ABO/RhD     %s %s\n", u->abo[0] ? u->abo : "--",
		!strcmp(u->rhd, "pos") ? "RhD POSITIVE"
		: !strcmp(u->rhd, "neg") ? "RhD NEGATIVE" : "RhD --");
	fprintf(fp, "Product     %s  %s\n", u->product, l->desc_en);
	if (l->desc_zh[0])
		fprintf(fp, "            %s\n", l->desc_zh);
	if (u->volume_ml[0] || u->units[0])
		fprintf(fp, "Volume      %s ml, %s U\n",
			u->volume_ml[0] ? u->volume_ml : "-",
			u->units[0] ? u->units : "-");
	if (u->attributes[0])
		fprintf(fp, "Attributes  %s\n", u->attributes);
	if (u->antigens[0])
		fprintf(fp, "Antigens    %s\n", u->antigens);
	fprintf(fp, "Expires     %s\n", u->expires_at);
	fprintf(fp, "Bar codes   %s %s / %s %s\n", l->din_ds, l->abo_ds,
		l->product_ds, l->expiry_ds);
	fprintf(fp, "Data Matrix %s\n", l->compound);
	return ferror(fp) ? -1 : 0;
}
