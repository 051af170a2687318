/* stock-report - stock lines, days of supply, alert levels, KPIs and
 * charts (SPEC 5.4). */
#include "stock.h"

static const struct bb_cmd cmds[] = {
	{ "", stock_cmd_report,
	  "[report] [--window DUR] [--by-site] [--at TIME] [--alert] [--format F]",
	  "stock lines with days of supply and level" },
	{ "report", stock_cmd_report,
	  "report [--window DUR] [--by-site] [--at TIME] [--alert] [--format F]",
	  "stock lines with days of supply and level" },
	{ "levels", stock_cmd_levels, "levels [--alert] [--format F] [FILE...]",
	  "levels of given days-of-supply figures" },
	{ "kpi", stock_cmd_kpi, "kpi [--from TIME] [--to TIME]",
	  "inventory KPIs over a period" },
	{ NULL, NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	return bb_main(argc, argv, "stock-report", cmds,
		       "stock, days of supply, alert levels and KPIs");
}
