/*
 * opts.c - the command line every program shares (SPEC 3.1): common
 * options plus the subcommand's own, help text, and subcommand dispatch.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bb.h"

enum {
	O_DB = 256, O_TSV, O_CSV, O_JSON, O_FORMAT, O_DELIM, O_NOHEADER,
	O_ENCODING, O_BOM, O_NOW, O_USER, O_REJECTS, O_STRICT, O_SHOWPII,
	O_SYNC, O_PROFILE, O_EXTRA	/* extra options follow from here */
};

static const struct {
	struct option lo;
	const char *help;
} common[] = {
	{ { "db", 1, 0, O_DB }, "--db FILE         database (else $BLOODBANK_DB, else ./bloodbank.db)" },
	{ { "csv", 0, 0, O_CSV }, "--csv             CSV output (the default)" },
	{ { "tsv", 0, 0, O_TSV }, "--tsv             TSV output, and TSV input" },
	{ { "json", 0, 0, O_JSON }, "--json            JSON Lines output" },
	{ { "format", 1, 0, O_FORMAT }, NULL },
	{ { "delimiter", 1, 0, O_DELIM }, "--delimiter C     single-character field delimiter" },
	{ { "no-header", 0, 0, O_NOHEADER }, "--no-header       input and output without a header row" },
	{ { "encoding", 1, 0, O_ENCODING }, "--encoding NAME   input encoding, e.g. GB18030" },
	{ { "bom", 0, 0, O_BOM }, "--bom             write a UTF-8 BOM (for Excel)" },
	{ { "output", 1, 0, 'o' }, "-o FILE           output to FILE (.gz compresses)" },
	{ { "now", 1, 0, O_NOW }, "--now TIME        the current time (else $BLOODBANK_NOW)" },
	{ { "user", 1, 0, O_USER }, "--user NAME       actor for the audit log" },
	{ { "dry-run", 0, 0, 'n' }, "-n, --dry-run     do and report everything, change nothing" },
	{ { "rejects", 1, 0, O_REJECTS }, "--rejects FILE    write rejected rows there" },
	{ { "strict", 0, 0, O_STRICT }, "--strict          the first bad row aborts the batch" },
	{ { "show-pii", 0, 0, O_SHOWPII }, "--show-pii        do not mask national IDs and phones" },
	{ { "sync", 0, 0, O_SYNC }, "--sync            synchronous=FULL" },
	{ { "profile", 1, 0, O_PROFILE }, "--profile NAME    rule profile for a new database (cn, us)" },
	{ { "quiet", 0, 0, 'q' }, "-q, --quiet       no warnings" },
	{ { "verbose", 0, 0, 'v' }, "-v, --verbose     more detail on stderr" },
	{ { "help", 0, 0, 'h' }, "-h, --help        this help" },
	{ { "version", 0, 0, 'V' }, "-V, --version     version" },
};
#define NCOMMON (int)(sizeof common / sizeof common[0])

static void print_help(struct bb_ctx *ctx, const struct bb_opt *extra,
		       int has_format)
{
	printf("usage: %s %s\n", ctx->prog, ctx->usage ? ctx->usage : "");
	if (extra && extra->name) {
		printf("\noptions:\n");
		for (const struct bb_opt *o = extra; o->name; o++)
			printf("  %s\n", o->help ? o->help : o->name);
	}
	printf("\ncommon options:\n");
	for (int i = 0; i < NCOMMON; i++)
		if (common[i].help)
			printf("  %s\n", common[i].help);
	if (has_format)
		printf("  --format NAME     output format\n");
	printf("\nexit status: 0 ok, 1 rows rejected, 2 usage, 3 system or "
	       "database error, 4 attention\nsee %s(1)\n", ctx->prog);
}

static const char *login_name(void)
{
	const char *u = getenv("BLOODBANK_USER");
	struct passwd *pw;

	if (u && *u)
		return u;
	if ((u = getenv("LOGNAME")) && *u)
		return u;
	if ((u = getenv("USER")) && *u)
		return u;
	pw = getpwuid(getuid());
	return pw ? pw->pw_name : "unknown";
}

static int set_common(struct bb_ctx *ctx, int c, const char **now_arg)
{
	switch (c) {
	case O_DB:
		if (!ctx->db_path) {
			ctx->db_path = optarg;
		} else {
			ctx->db_extra = bb_xrealloc(ctx->db_extra,
				(size_t)(ctx->ndb_extra + 1) * sizeof *ctx->db_extra);
			ctx->db_extra[ctx->ndb_extra++] = optarg;
		}
		break;
	case O_CSV: ctx->out_fmt = BB_FMT_CSV; ctx->out_fmt_set = 1; break;
	case O_TSV:
		ctx->out_fmt = BB_FMT_TSV; ctx->out_fmt_set = 1;
		ctx->in_tsv = 1;
		break;
	case O_JSON: ctx->out_fmt = BB_FMT_JSON; ctx->out_fmt_set = 1; break;
	case O_FORMAT:
		ctx->format_arg = optarg;
		if (!strcmp(optarg, "csv"))
			ctx->out_fmt = BB_FMT_CSV;
		else if (!strcmp(optarg, "tsv"))
			ctx->out_fmt = BB_FMT_TSV;
		else if (!strcmp(optarg, "json"))
			ctx->out_fmt = BB_FMT_JSON;
		break;
	case O_DELIM:
		if (strlen(optarg) != 1 && strcmp(optarg, "\\t"))
			return bb_usage_error(ctx, "--delimiter '%s': want a single character", optarg);
		ctx->delim = strcmp(optarg, "\\t") ? optarg[0] : '\t';
		break;
	case O_NOHEADER: ctx->no_header = 1; break;
	case O_ENCODING: ctx->encoding = optarg; break;
	case O_BOM: ctx->bom = 1; break;
	case 'o': ctx->out_path = optarg; break;
	case O_NOW: *now_arg = optarg; break;
	case O_USER: ctx->user = optarg; break;
	case 'n': ctx->dry_run = 1; break;
	case O_REJECTS: ctx->rejects_path = optarg; break;
	case O_STRICT: ctx->strict = 1; break;
	case O_SHOWPII: ctx->show_pii = 1; break;
	case O_SYNC: ctx->sync_full = 1; break;
	case O_PROFILE:
		if (strcmp(optarg, "cn") && strcmp(optarg, "us"))
			return bb_usage_error(ctx, "--profile '%s': want cn or us", optarg);
		ctx->profile = optarg;
		break;
	case 'q': ctx->quiet = 1; break;
	case 'v': ctx->verbose = 1; break;
	default: return -2;
	}
	return BB_OK;
}

int bb_args(struct bb_ctx *ctx, int argc, char **argv,
	    const struct bb_opt *extra, int *first_operand)
{
	int nextra = 0, c, rc = BB_OK, has_format = 0;
	const char *now_arg = NULL;
	struct option *lo;
	char shorts[128] = "+";	/* placeholder, replaced below */
	size_t sl = 0;

	while (extra && extra[nextra].name)
		nextra++;
	for (int i = 0; i < nextra; i++)
		if (!strcmp(extra[i].name, "format"))
			has_format = 1;
	lo = bb_xmalloc((size_t)(NCOMMON + nextra + 1) * sizeof *lo);
	for (int i = 0; i < NCOMMON; i++)
		lo[i] = common[i].lo;
	for (int i = 0; i < nextra; i++) {
		lo[NCOMMON + i].name = extra[i].name;
		lo[NCOMMON + i].has_arg = extra[i].has_arg;
		lo[NCOMMON + i].flag = NULL;
		lo[NCOMMON + i].val = O_EXTRA + i;
		/* a program's own --format replaces the common one */
		if (!strcmp(extra[i].name, "format"))
			lo[4].name = "format-common-unused";
	}
	memset(&lo[NCOMMON + nextra], 0, sizeof *lo);
	sl = 0;
	shorts[sl++] = ':';
	memcpy(shorts + sl, "o:nqvhV", 7);
	sl += 7;
	for (int i = 0; i < nextra && sl < sizeof shorts - 3; i++)
		if (extra[i].key) {
			shorts[sl++] = (char)extra[i].key;
			if (extra[i].has_arg)
				shorts[sl++] = ':';
		}
	shorts[sl] = '\0';

	ctx->sub_opts = extra;
	optind = 0;	/* full re-initialisation of GNU getopt */
	opterr = 0;
	while (rc == BB_OK &&
	       (c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (c == 'h') {
			print_help(ctx, extra, has_format);
			rc = -1;
		} else if (c == 'V') {
			printf("%s (bloodbank) %s\n", ctx->prog, BB_VERSION);
			rc = -1;
		} else if (c == '?') {
			rc = optopt ? bb_usage_error(ctx, "unknown option '-%c'", optopt)
				    : bb_usage_error(ctx, "unknown option '%s'", argv[optind - 1]);
		} else if (c == ':') {
			rc = bb_usage_error(ctx, "option '%s' needs a value", argv[optind - 1]);
		} else if (c >= O_EXTRA || (c < 256 && !strchr("onqvhV", c))) {
			int i = c >= O_EXTRA ? c - O_EXTRA : -1;
			for (int k = 0; i < 0 && k < nextra; k++)
				if (extra[k].key == c)
					i = k;
			if (i < 0) {
				rc = bb_usage_error(ctx, "unknown option");
				break;
			}
			if (extra[i].has_arg && extra[i].val)
				*extra[i].val = optarg;
			if (extra[i].flag)
				(*extra[i].flag)++;
			if (!strcmp(extra[i].name, "format"))
				set_common(ctx, O_FORMAT, &now_arg);
		} else {
			rc = set_common(ctx, c, &now_arg);
		}
	}
	free(lo);
	if (rc != BB_OK)
		return rc;
	*first_operand = optind;
	if (!ctx->db_path)
		ctx->db_path = getenv("BLOODBANK_DB");
	if (!ctx->db_path || !*ctx->db_path)
		ctx->db_path = "bloodbank.db";
	if (!ctx->user)
		ctx->user = login_name();
	return bb_clock_init(ctx, now_arg);
}

int bb_args_no_files(struct bb_ctx *ctx, int argc, char **argv,
		     const struct bb_opt *extra, const char *hint)
{
	int first, rc = bb_args(ctx, argc, argv, extra, &first);

	if (rc != BB_OK || first >= argc)
		return rc;
	return bb_usage_error(ctx, "unexpected operand '%s'%s%s", argv[first],
			      hint ? ": " : "", hint ? hint : "");
}

static void program_help(const char *prog, const struct bb_cmd *cmds,
			 const char *summary)
{
	printf("usage: %s COMMAND [OPTIONS] [FILE...]\n%s\n\ncommands:\n",
	       prog, summary);
	for (const struct bb_cmd *c = cmds; c->name; c++)
		printf("  %-34s %s\n", c->usage, c->summary);
	printf("\n'%s COMMAND --help' shows a command's options; see %s(1).\n",
	       prog, prog);
}

static const struct bb_cmd *find_cmd(const struct bb_cmd *cmds,
				     const char *name)
{
	for (const struct bb_cmd *c = cmds; c->name; c++)
		if (name && !strcmp(c->name, name) && *c->name)
			return c;
	return NULL;
}

/* Does this common option take its value as the next word? */
static int takes_value(const char *a)
{
	if (!strcmp(a, "-o"))
		return 1;
	if (strncmp(a, "--", 2) || strchr(a, '='))
		return 0;
	for (int i = 0; i < NCOMMON; i++)
		if (common[i].lo.has_arg && !strcmp(a + 2, common[i].lo.name))
			return 1;
	return 0;
}

/* Let common options come before the command ("bloodbank --db x init"):
 * move the first command word to argv[1]. */
static void hoist_command(int argc, char **argv, const struct bb_cmd *cmds)
{
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-') {
			char *w = argv[i];
			if (!find_cmd(cmds, w))
				return;
			memmove(argv + 2, argv + 1, (size_t)(i - 1) * sizeof *argv);
			argv[1] = w;
			return;
		}
		if (!strcmp(argv[i], "--"))
			return;
		if (takes_value(argv[i]))
			i++;
	}
}

int bb_main(int argc, char **argv, const char *prog,
	    const struct bb_cmd *cmds, const char *summary)
{
	struct bb_ctx ctx;
	const struct bb_cmd *cmd = NULL, *dflt = find_cmd(cmds, NULL);
	const char *arg1 = argc > 1 ? argv[1] : NULL;
	int rc;

	for (const struct bb_cmd *c = cmds; c->name; c++)
		if (!*c->name)
			dflt = c;
	bb_ctx_init(&ctx, prog);
	hoist_command(argc, argv, cmds);
	arg1 = argc > 1 ? argv[1] : NULL;
	cmd = find_cmd(cmds, arg1);
	if (!cmd && !dflt) {
		if (arg1 && (!strcmp(arg1, "-h") || !strcmp(arg1, "--help"))) {
			program_help(prog, cmds, summary);
			return fflush(stdout) ? BB_ESYS : BB_OK;
		}
		if (arg1 && (!strcmp(arg1, "-V") || !strcmp(arg1, "--version"))) {
			printf("%s (bloodbank) %s\n", prog, BB_VERSION);
			return BB_OK;
		}
		if (!arg1) {
			fprintf(stderr, "%s: missing command\n", prog);
		} else {
			fprintf(stderr, "%s: unknown command '%s'\n", prog, arg1);
		}
		fprintf(stderr, "%s: try '%s --help'\n", prog, prog);
		return BB_EUSAGE;
	}
	if (cmd) {
		ctx.sub = cmd->name;
		ctx.usage = cmd->usage;
		rc = cmd->run(&ctx, argc - 1, argv + 1);
	} else {
		ctx.usage = dflt->usage;
		rc = dflt->run(&ctx, argc, argv);
	}
	if (rc < 0)	/* --help or --version was printed */
		rc = BB_OK;
	bb_ctx_free(&ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "%s: write error: %s\n", prog, strerror(errno));
		return BB_ESYS;
	}
	return rc;
}
