// SPDX-License-Identifier: GPL-2.0
/* flowmesh config: read and change the kernel module's settings. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <linux/flowmesh.h>
#include "cli/cli.h"
#include "lib/config.h"
#include "lib/genl.h"

static const char config_usage[] =
	"Usage: flowmesh config get [-o table|json]\n"
	"       flowmesh config set KEY=VALUE...\n";

static const char config_description[] =
	"\n"
	"Read or change the flowmesh kernel module's settings.  They are\n"
	"node-wide: 'config set' works only in the initial network namespace,\n"
	"and what it sets lasts until the module is unloaded.\n"
	"\n"
	"'config get' prints every setting.  'config set' sends all the given\n"
	"settings in one request, which the kernel applies all together or, if\n"
	"it refuses any of them, not at all; its reason is printed.  Settings\n"
	"not given keep their values.  'config set' prints nothing on success.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT  (get) table (the default) or json\n"
	"  -h, --help           show this help and exit\n"
	"\n"
	"Settings (KEY, what it means, its unit, range and default):\n";

static const char config_values[] =
	"\n"
	"Numbers are decimal.  samples takes a comma-separated list of rtt and\n"
	"response (the sample records the rings get: one per RTT measurement,\n"
	"one per response timed), or all, or none.  skip_ports and\n"
	"opaque_ports take a comma-separated list of ports, or none.  Only\n"
	"the syntax is checked here; the kernel checks the ranges and says\n"
	"which setting it refused.\n"
	"\n"
	"JSON output: one object with a member per setting, named by its KEY:\n"
	"numbers, except samples (an array of \"rtt\", \"response\"), and\n"
	"skip_ports and opaque_ports (arrays of port numbers).\n"
	"\n";

static const char config_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh config get\n"
	"  flowmesh config set timeout_tcp_established=3600 timeout_udp=30\n"
	"  flowmesh config set samples=rtt skip_ports=22,2049\n"
	"  flowmesh config get -o json | jq .ring_size\n";

void config_help(FILE *out)
{
	const struct fm_config_field *f;
	char text[512];

	fputs(config_usage, out);
	fputs(config_description, out);
	for (f = fm_config_fields; f < fm_config_fields + FM_CONFIG_NFIELDS; f++) {
		snprintf(text, sizeof(text), "%s.%s%s%s  Range: %s.  Default: %s.",
			 f->help, f->unit[0] ? "  Unit: " : "",
			 strcmp(f->unit, "s") ? f->unit : "seconds",
			 f->unit[0] ? "." : "", f->range, f->def);
		cli_print_wrapped(out, f->name, 27, text);
	}
	fputs(config_values, out);
	fputs(cli_exit_status_help, out);
	fputs(config_examples, out);
}

static const struct option config_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int config_parse_args(int argc, char **argv, struct config_opts *opts,
		      char *err, size_t errlen)
{
	const char *action;
	int c, i;

	*opts = (struct config_opts){ .format = CLI_FORMAT_TABLE };
	if (argc < 2) {
		snprintf(err, errlen, "no action given; use get or set");
		return CLI_PARSE_BAD;
	}
	action = argv[1];
	if (!strcmp(action, "-h") || !strcmp(action, "--help"))
		return CLI_PARSE_HELP;
	if (!strcmp(action, "get")) {
		opts->action = CONFIG_GET;
	} else if (!strcmp(action, "set")) {
		opts->action = CONFIG_SET;
	} else {
		snprintf(err, errlen, "unknown action '%s'; use get or set",
			 action);
		return CLI_PARSE_BAD;
	}

	/* the action's own options and arguments */
	argc--;
	argv++;
	optind = 0;	/* a fresh argv: make getopt start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", config_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			return CLI_PARSE_HELP;
		case 'o':
			if (opts->action == CONFIG_SET) {
				snprintf(err, errlen, "config set prints nothing; -o is for config get");
				return CLI_PARSE_BAD;
			}
			if (cli_opt_format(optarg, &opts->format, err, errlen))
				return CLI_PARSE_BAD;
			break;
		default:
			cli_bad_option(c, argv, err, errlen);
			return CLI_PARSE_BAD;
		}
	}
	if (opts->action == CONFIG_GET)
		return cli_no_operands(argc, argv, err, errlen);
	if (optind >= argc) {
		snprintf(err, errlen, "config set needs at least one KEY=VALUE");
		return CLI_PARSE_BAD;
	}
	for (i = optind; i < argc; i++)
		if (fm_config_assign(&opts->set, argv[i], err, errlen))
			return CLI_PARSE_BAD;
	return CLI_PARSE_OK;
}

static const struct cli_column config_columns[] = {
	{ "KEY", CLI_ALIGN_LEFT },
	{ "VALUE", CLI_ALIGN_LEFT },
	{ "UNIT", CLI_ALIGN_LEFT },
	{ "MEANING", CLI_ALIGN_LEFT },
};

int config_print_table(FILE *out, const struct fm_config *cfg)
{
	const struct fm_config_field *f;
	struct cli_table t;
	/* 64 ports of 5 digits and commas */
	char value[FLOWMESH_MAX_PORTS * 6 + 8];
	int err = 0;

	cli_table_init(&t, config_columns, 4);
	for (f = fm_config_fields; f < fm_config_fields + FM_CONFIG_NFIELDS; f++) {
		const char *cells[] = { f->name, value, f->unit, f->help };

		if (!fm_config_has(cfg, f->attr))
			continue;
		fm_config_value_str(cfg, f, value, sizeof(value));
		err = cli_table_add(&t, cells);
		if (err)
			break;
	}
	if (!err)
		err = cli_table_print(&t, out);
	cli_table_free(&t);
	return err;
}

int config_print_json(FILE *out, const struct fm_config *cfg)
{
	json_t *json = fm_config_to_json(cfg);
	int err;

	err = cli_print_json(out, json);
	json_decref(json);
	return err;
}

/*
 * The kernel's reason, and the setting it is about when the extended ACK
 * points at one and the reason does not already name it.
 */
int config_report_set(const struct fm_nl *nl, int err)
{
	const struct fm_nl_extack *ext = &nl->extack;
	const struct fm_config_field *f = NULL;
	const char *msg;

	if (err == -EPERM || err == -EACCES || err >= 0 || ext->error != err)
		return cli_report_nl(nl, err, "changing the configuration");
	msg = ext->msg[0] ? ext->msg : strerror(-err);
	if (ext->depth >= 2 && ext->path[0] == FLOWMESH_A_CONFIG)
		f = fm_config_field_by_attr(ext->path[1]);
	if (f && !strstr(msg, f->name))
		fprintf(stderr, "flowmesh: the kernel rejected the configuration: %s: %s\n",
			f->name, msg);
	else
		fprintf(stderr, "flowmesh: the kernel rejected the configuration: %s\n",
			msg);
	return CLI_EXIT_RUNTIME;
}

int config_main(int argc, char **argv)
{
	struct config_opts opts;
	char reason[CLI_ERR_MAX];
	struct fm_config cfg;
	struct fm_nl nl;
	int ret, err;

	ret = cli_parsed(config_parse_args(argc, argv, &opts, reason,
					   sizeof(reason)),
			 "config", config_help, reason);
	if (ret >= 0)
		return ret;

	ret = cli_connect(&nl);
	if (ret)
		return ret;
	if (opts.action == CONFIG_SET) {
		err = fm_config_set(&nl, &opts.set);
		fm_nl_close(&nl);
		return err ? config_report_set(&nl, err) : CLI_EXIT_OK;
	}

	err = fm_config_get(&nl, &cfg);
	fm_nl_close(&nl);
	if (err)
		return cli_report_nl(&nl, err, "reading the configuration");
	if (opts.format == CLI_FORMAT_JSON)
		err = config_print_json(stdout, &cfg);
	else
		err = config_print_table(stdout, &cfg);
	return err ? cli_report(err, "printing the configuration") : CLI_EXIT_OK;
}
