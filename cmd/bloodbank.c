/* bloodbank - administration: database, rule tables, integrity, audit. */
#include "admin.h"

static const struct bb_cmd cmds[] = {
	{ "init", admin_init, "init [--profile cn|us]", "create the database with a rule profile" },
	{ "rules", admin_rules, "rules list|export TABLE|import TABLE [FILE]", "list, export or replace a rule table" },
	{ "check", admin_check, "check", "integrity, foreign keys, audit trail (exit 4 on a problem)" },
	{ "backup", admin_backup, "backup FILE[.gz]", "online backup of the database" },
	{ "audit", admin_audit, "audit [--din DIN] [--since TIME] [--until TIME] [--actor NAME]", "the unit audit trail" },
	{ NULL, NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	return bb_main(argc, argv, "bloodbank", cmds,
		       "administration of a bloodbank database");
}
