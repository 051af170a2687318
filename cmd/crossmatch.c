/*
 * crossmatch - patients, compatible unit selection, crossmatch records,
 * bedside issue, transfusions and returns (SPEC 5.3).
 */
#include "bb.h"
#include "xm.h"

static const struct bb_cmd cmds[] = {
	{ "patients", xm_patients, "patients import [FILE...]",
	  "load or update patients (antibodies accumulate)" },
	{ "select", xm_select, "select [--all] [--reserve] [--emergency] "
	  "[FILE...]",
	  "choose compatible units for requests" },
	{ "record", xm_record, "record [FILE...]",
	  "record crossmatch results" },
	{ "issue", xm_issue, "issue [--name N | --birth-date D] [FILE...]",
	  "issue units at the bedside (identity and compatibility checked)" },
	{ "transfuse", xm_transfuse, "transfuse [FILE...]",
	  "record transfusion start, end and reactions" },
	{ "return", xm_return, "return [FILE...]",
	  "return issued units: restocked within the window, else discarded" },
	{ "history", xm_history, "history --patient ID",
	  "a patient's crossmatches, issues and transfusions" },
	{ NULL, NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	return bb_main(argc, argv, "crossmatch", cmds,
		       "compatible blood selection, crossmatch and issue");
}
