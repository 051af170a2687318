/*
 * csv_read.c - read a CSV/TSV file with libbloodbank's reader, fetching
 * every donor column of every record; prints the record count.  Used by
 * bench/csv.sh against sqlite3's .import of the same file.
 */
#include <stdio.h>

#include "bb.h"

int main(int argc, char **argv)
{
	static const char *const cols[] = { "donor_id", "national_id", "name",
		"sex", "birth_date", "abo", "rhd", "phone", "region",
		"registered", NULL };
	struct bb_ctx ctx;
	bb_ctx_init(&ctx, "csv_read");
	struct bb_reader *r = bb_reader_open(&ctx, argc > 1 ? argv[1] : "-");
	if (!r || bb_reader_columns(r, cols, NULL) != BB_OK)
		return BB_ESYS;
	struct bb_rec *rec;
	long n = 0, bytes = 0;
	int rc;
	while ((rc = bb_reader_next(r, &rec)) > 0) {
		for (int i = 0; cols[i]; i++)
			bytes += (long)bb_get(r, rec, cols[i])[0];
		n++;
	}
	bb_reader_close(r);
	printf("%ld\n", n + (bytes < 0));
	return rc < 0 ? BB_ESYS : BB_OK;
}
