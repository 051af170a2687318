/* unit-label - ISBT 128 donation numbers, components, release, stock
 * transfer and labels (SPEC 5.2). */
#include "ul.h"

static const struct bb_cmd cmds[] = {
	{ "assign", ul_assign, "assign --facility FIN", "give DINs to donations without one" },
	{ "check", ul_check, "check [--code STRING] [FILE...]", "validate DINs and scanned ISBT 128 strings" },
	{ "make", ul_make, "make [--recipe NAME] [FILE...]", "make the components of donations (quarantined)" },
	{ "modify", ul_modify, "modify irradiate|wash|thaw|divide|pool [FILE...]", "make child units from units" },
	{ "release", ul_release, "release [--all] [FILE...]", "release tested units from quarantine" },
	{ "receive", ul_receive, "receive --location L [FILE...]", "take in units shipped from another site" },
	{ "ship", ul_ship, "ship --to SITE [FILE...]", "ship units to another site" },
	{ "print", ul_print, "print [--format text|zpl|svg|csv] [FILE...]", "print ISBT 128 labels" },
	{ "products", ul_products, "products import|export [FILE]", "the product code table" },
	{ NULL, NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	return bb_main(argc, argv, "unit-label", cmds,
		       "ISBT 128 donation numbers, components and labels");
}
