/* expiry-sweep - the nightly job: expire, release stale reservations,
 * discard reactive donations' units, quarantine after temperature
 * excursions, list what is due (SPEC 5.6). */
#include "stock.h"

static const struct bb_cmd cmds[] = {
	{ "", sweep_cmd_run, "[--within DUR] [--temps FILE] [--tolerance DUR]",
	  "sweep the stock at --now; print one row per action" },
	{ NULL, NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	return bb_main(argc, argv, "expiry-sweep", cmds,
		       "the nightly stock sweep");
}
