/* forecast - demand and collection forecasts, backtests and collection
 * plans (SPEC 5.5). */
#include "fc_cmd.h"

static const struct bb_cmd cmds[] = {
	{ "", fc_cmd_forecast,
	  "[--method M] [--horizon N] [--freq day|week|month] [--holidays CAL] [--from SRC [--db FILE]...] [--svg FILE] [FILE...]",
	  "forecast lines with 80% and 95% intervals" },
	{ "backtest", fc_cmd_backtest,
	  "backtest [--method LIST] [--origins LIST | --folds N --step N] [--per-origin] [FILE...]",
	  "rolling-origin accuracy: MAPE, sMAPE, MASE, interval coverage" },
	{ "plan", fc_cmd_plan,
	  "plan [--component C] [--days N] [--lead N] [--deferral-rate R] [--no-show R] [--commands] [--db FILE]...",
	  "collections and donors to recall per group and day" },
	{ NULL, NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	return bb_main(argc, argv, "forecast", cmds,
		       "demand and collection forecasts, backtests, plans");
}
