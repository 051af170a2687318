/*
 * donor-register - donors, donations, eligibility, deferrals, test
 * results, lookback, statistics (SPEC 5.1).
 */
#include "donor.h"

static const struct bb_cmd cmds[] = {
	{ "import", donor_import, "import [FILE...]",
	  "add or update donors (upsert by donor_id)" },
	{ "donate", donor_donate, "donate [--no-check] [FILE...]",
	  "record donations after the pre-donation checks" },
	{ "check", donor_check, "check [--donor ID | --all | FILE...] [--kind K] [--on DATE]",
	  "eligibility of donors for a kind and day (exit 4: someone is not)" },
	{ "recall", donor_recall, "recall --on DATE --kind K [--abo G] [--rhd R] [--site S] [--not-asked-within DUR] [--limit N]",
	  "eligible donors to ask, most useful first" },
	{ "defer", donor_defer, "defer [--donor ID --code C [--start D] [--until D|permanent] [--note T]] [FILE...]",
	  "record deferrals" },
	{ "results", donor_results, "results [FILE...]",
	  "record test results; a reactive marker defers, discards, prints the lookback" },
	{ "lookback", donor_lookback, "lookback --donor ID | --din DIN [--window DUR]",
	  "earlier donations, their units, where they are, who received them" },
	{ "stats", donor_stats, "stats [--from DATE] [--to DATE] [--by month|quarter|year|site]",
	  "donor and donation KPIs with growth against the previous period" },
	{ "export", donor_export, "export donors|donations|deferrals|results [--from D] [--to D]",
	  "records as CSV (PII masked unless --show-pii)" },
	{ "certificate", donor_certificate, "certificate --donor ID",
	  "donation count, volume, first and last donation" },
	{ NULL, NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	return bb_main(argc, argv, "donor-register", cmds,
		       "donors, donations, eligibility, deferrals, test results");
}
