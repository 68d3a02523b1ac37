// SPDX-License-Identifier: GPL-2.0
/* flowmesh status: the kernel module's flow table counters. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <linux/flowmesh.h>
#include "cli/cli.h"
#include "lib/genl.h"
#include "lib/stats.h"

static const char status_usage[] =
	"Usage: flowmesh status [-o table|json]\n";

static const char status_description[] =
	"\n"
	"Show the flowmesh kernel module's flow table counters, summed over all\n"
	"CPUs.  Counters other than flows_active and flows_max count since the\n"
	"module was loaded.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT  table (the default) or json\n"
	"  -h, --help           show this help and exit\n"
	"\n"
	"Counters, in the COUNTER column of the table and as the names of the\n"
	"JSON object; each is a plain count:\n";

static const char status_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh status\n"
	"  flowmesh status -o json | jq .flows_untracked\n";

/* The counters' list comes from the same table the parser uses. */
void status_help(FILE *out)
{
	const struct fm_stats_field *f;

	fputs(status_usage, out);
	fputs(status_description, out);
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		fprintf(out, "  %-16s %s\n", f->name, f->help);
	fputc('\n', out);
	fputs(cli_exit_status_help, out);
	fputs(status_examples, out);
}

static const struct option status_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int status_parse_args(int argc, char **argv, struct status_opts *opts,
		      char *err, size_t errlen)
{
	int c;

	*opts = (struct status_opts){ .format = CLI_FORMAT_TABLE };
	optind = 0;	/* a fresh argv: make getopt start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", status_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			return CLI_PARSE_HELP;
		case 'o':
			if (cli_parse_format(optarg, &opts->format)) {
				snprintf(err, errlen, "unknown output format '%s'; use table or json",
					 optarg);
				return CLI_PARSE_BAD;
			}
			break;
		default:
			cli_bad_option(c, argv, err, errlen);
			return CLI_PARSE_BAD;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return CLI_PARSE_BAD;
	}
	return CLI_PARSE_OK;
}

static const struct cli_column status_columns[] = {
	{ "COUNTER", CLI_ALIGN_LEFT },
	{ "VALUE", CLI_ALIGN_RIGHT },
	{ "MEANING", CLI_ALIGN_LEFT },
};

int status_print_table(FILE *out, const struct fm_stats *stats)
{
	const struct fm_stats_field *f;
	struct cli_table t;
	char value[24];
	int err = 0;

	cli_table_init(&t, status_columns, 3);
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++) {
		const char *cells[] = { f->name, value, f->help };

		snprintf(value, sizeof(value), "%" PRIu64,
			 fm_stats_value(stats, f));
		err = cli_table_add(&t, cells);
		if (err)
			break;
	}
	if (!err)
		err = cli_table_print(&t, out);
	cli_table_free(&t);
	return err;
}

int status_print_json(FILE *out, const struct fm_stats *stats)
{
	json_t *json = fm_stats_to_json(stats);
	int err;

	err = cli_print_json(out, json);
	json_decref(json);
	return err;
}

int status_main(int argc, char **argv)
{
	struct status_opts opts;
	char reason[CLI_ERR_MAX];
	struct fm_stats stats;
	struct fm_nl nl;
	int ret, err;

	switch (status_parse_args(argc, argv, &opts, reason, sizeof(reason))) {
	case CLI_PARSE_HELP:
		status_help(stdout);
		return CLI_EXIT_OK;
	case CLI_PARSE_BAD:
		return cli_usage_error("status", reason);
	case CLI_PARSE_OK:
		break;
	}

	ret = cli_connect(&nl);
	if (ret)
		return ret;
	err = fm_stats_get(&nl, &stats);
	fm_nl_close(&nl);
	if (err)
		return cli_report(err, "reading statistics");

	if (opts.format == CLI_FORMAT_JSON)
		err = status_print_json(stdout, &stats);
	else
		err = status_print_table(stdout, &stats);
	return err ? cli_report(err, "printing statistics") : CLI_EXIT_OK;
}
