// SPDX-License-Identifier: GPL-2.0
/* flowmesh status: the kernel module's version, counters and settings. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/flowmesh.h>
#include "cli/cli.h"
#include "lib/agent_config.h"
#include "lib/config.h"
#include "lib/genl.h"
#include "lib/json.h"
#include "lib/stats.h"

static const char status_usage[] =
	"Usage: flowmesh status [-o table|json] [--socket PATH]\n";

static const char status_description[] =
	"\n"
	"Show the flowmesh kernel module's version, its counters and its\n"
	"settings, then the agent's (flowmeshd's) counters and settings, as\n"
	"its control socket reports them.  The module's counters are summed\n"
	"over all CPUs and, except flows_active, flows_max and records_queued,\n"
	"count since the module was loaded.\n"
	"Always: records_produced = records_drained + records_dropped +\n"
	"records_queued, in total and per CPU (up to counting in flight).\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT  table (the default) or json\n"
	"      --socket PATH    flowmeshd's control socket (default: the\n"
	"                       'socket' setting of " FM_AGENT_CONFIG_PATH ",\n"
	"                       else " FM_AGENT_SOCKET_PATH ")\n"
	"  -h, --help           show this help and exit\n"
	"\n"
	"The version is read from " STATUS_VERSION_PATH ".\n"
	"\n"
	"Counters, in the COUNTER column of the table and as names in the\n"
	"JSON object; each is a plain count, null if the module does not\n"
	"report it:\n";

static const char status_json[] =
	"\n"
	"JSON output: one object:\n"
	"  version  string  the module's version; null if it cannot be read\n"
	"  (the counters above)  number\n"
	"  cpus     array   per CPU: {cpu, records_produced, records_drained,\n"
	"                   records_dropped, packets_seen}\n"
	"  config   object  the settings, as 'flowmesh config get -o json'\n"
	"                   prints them; null if the module has none\n"
	"  agent    object  flowmeshd's status (docs/api.md lists its\n"
	"                   fields); null when flowmeshd is not running\n"
	"\n";

static const char status_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh status\n"
	"  flowmesh status -o json | jq .records_dropped\n";

/* The counters' list comes from the same table the parser uses. */
void status_help(FILE *out)
{
	const struct fm_stats_field *f;

	fputs(status_usage, out);
	fputs(status_description, out);
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		cli_print_wrapped(out, f->name, 20, f->help);
	fputs(status_json, out);
	fputs(cli_exit_status_help, out);
	fputs(status_examples, out);
}

enum { STATUS_OPT_SOCKET = 256 };

static const struct option status_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "socket", required_argument, NULL, STATUS_OPT_SOCKET },
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
			if (cli_opt_format(optarg, &opts->format, err, errlen))
				return CLI_PARSE_BAD;
			break;
		case STATUS_OPT_SOCKET:
			if (cli_opt_path("socket", optarg, &opts->socket, err,
					 errlen))
				return CLI_PARSE_BAD;
			break;
		default:
			cli_bad_option(c, argv, err, errlen);
			return CLI_PARSE_BAD;
		}
	}
	return cli_no_operands(argc, argv, err, errlen);
}

/* The first line, printable characters only; NULL if there is none. */
const char *status_read_version(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return NULL;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			return NULL;
	return n ? buf : NULL;
}

static const struct cli_column status_columns[] = {
	{ "COUNTER", CLI_ALIGN_LEFT },
	{ "VALUE", CLI_ALIGN_RIGHT },
	{ "MEANING", CLI_ALIGN_LEFT },
};

static const struct cli_column status_cpu_columns[] = {
	{ "CPU", CLI_ALIGN_RIGHT },
	{ "PACKETS_SEEN", CLI_ALIGN_RIGHT },
	{ "RECORDS_PRODUCED", CLI_ALIGN_RIGHT },
	{ "RECORDS_DRAINED", CLI_ALIGN_RIGHT },
	{ "RECORDS_DROPPED", CLI_ALIGN_RIGHT },
};

static int status_counters_table(FILE *out, const struct fm_stats *stats)
{
	const struct fm_stats_field *f;
	struct cli_table t;
	char value[24];
	int err = 0;

	cli_table_init(&t, status_columns, 3);
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++) {
		const char *cells[] = { f->name, value, f->help };

		if (fm_stats_present(stats, f))
			snprintf(value, sizeof(value), "%" PRIu64,
				 fm_stats_value(stats, f));
		else
			snprintf(value, sizeof(value), "-");
		err = cli_table_add(&t, cells);
		if (err)
			break;
	}
	if (!err)
		err = cli_table_print(&t, out);
	cli_table_free(&t);
	return err;
}

static int status_cpu_table(FILE *out, const struct fm_stats *stats)
{
	char num[5][24];
	const char *cells[5] = { num[0], num[1], num[2], num[3], num[4] };
	const struct fm_cpu_stats *c;
	struct cli_table t;
	size_t i;
	int err = 0;

	cli_table_init(&t, status_cpu_columns, 5);
	for (i = 0; i < stats->ncpus && !err; i++) {
		c = &stats->cpus[i];
		snprintf(num[0], sizeof(num[0]), "%" PRIu32, c->cpu);
		snprintf(num[1], sizeof(num[1]), "%" PRIu64, c->packets_seen);
		snprintf(num[2], sizeof(num[2]), "%" PRIu64,
			 c->records_produced);
		snprintf(num[3], sizeof(num[3]), "%" PRIu64,
			 c->records_drained);
		snprintf(num[4], sizeof(num[4]), "%" PRIu64,
			 c->records_dropped);
		err = cli_table_add(&t, cells);
	}
	if (!err)
		err = cli_table_print(&t, out);
	cli_table_free(&t);
	return err;
}

static const struct cli_column status_agent_columns[] = {
	{ "AGENT", CLI_ALIGN_LEFT },
	{ "VALUE", CLI_ALIGN_RIGHT },
};

static void status_agent_value(json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.6f", json_real_value(v));
	else
		snprintf(buf, len, "-");
}

/* flowmeshd's numbers, then its settings prefixed "settings.". */
static int status_agent_table(FILE *out, json_t *agent)
{
	const char *cells[2];
	char name[96], value[PATH_MAX];
	struct cli_table t;
	const char *key, *skey;
	json_t *v, *sv;
	int err = 0;

	cli_table_init(&t, status_agent_columns, 2);
	json_object_foreach(agent, key, v) {
		if (json_is_object(v)) {
			json_object_foreach(v, skey, sv) {
				snprintf(name, sizeof(name), "%s.%s", key, skey);
				status_agent_value(sv, value, sizeof(value));
				cells[0] = name;
				cells[1] = value;
				err = err ? err : cli_table_add(&t, cells);
			}
			continue;
		}
		status_agent_value(v, value, sizeof(value));
		cells[0] = key;
		cells[1] = value;
		err = err ? err : cli_table_add(&t, cells);
	}
	if (!err)
		err = cli_table_print(&t, out);
	cli_table_free(&t);
	return err;
}

/*
 * Version, counters, per-CPU counters, settings, then the agent: blank
 * lines between.
 */
int status_print_table(FILE *out, const struct status_info *info)
{
	int err;

	fprintf(out, "module version: %s\n\n",
		info->version ? info->version : "unknown");
	err = status_counters_table(out, info->stats);
	if (!err && info->stats->ncpus) {
		fputc('\n', out);
		err = status_cpu_table(out, info->stats);
	}
	if (!err && info->config) {
		fputc('\n', out);
		err = config_print_table(out, info->config);
	}
	if (err)
		return err;
	if (!info->agent) {
		fprintf(out, "\nagent: flowmeshd is not running (no socket at %s)\n",
			info->agent_socket ? info->agent_socket :
			FM_AGENT_SOCKET_PATH);
		return ferror(out) ? -EIO : 0;
	}
	fputc('\n', out);
	return status_agent_table(out, info->agent);
}

static json_t *status_to_json(const struct status_info *info)
{
	json_t *obj = json_object(), *stats;
	int err = 0;

	if (!obj)
		return NULL;
	err |= fm_json_put(obj, "version", info->version ?
			   json_string(info->version) : json_null());
	stats = fm_stats_to_json(info->stats);
	if (!stats || json_object_update(obj, stats))
		err = -1;
	json_decref(stats);
	err |= fm_json_put(obj, "config", info->config ?
			   fm_config_to_json(info->config) : json_null());
	err |= fm_json_put(obj, "agent", info->agent ?
			   json_incref(info->agent) : json_null());
	if (err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

int status_print_json(FILE *out, const struct status_info *info)
{
	json_t *json = status_to_json(info);
	int err;

	err = cli_print_json(out, json);
	json_decref(json);
	return err;
}

int status_main(int argc, char **argv)
{
	struct status_opts opts;
	struct status_info info = { 0 };
	char reason[CLI_ERR_MAX], version[64], socket[PATH_MAX];
	struct fm_config config;
	struct fm_stats stats;
	struct fm_nl nl;
	int ret, err;

	ret = cli_parsed(status_parse_args(argc, argv, &opts, reason,
					   sizeof(reason)),
			 "status", status_help, reason);
	if (ret >= 0)
		return ret;

	ret = cli_agent_socket_path(opts.socket, socket, sizeof(socket));
	if (ret)
		return ret;
	ret = cli_connect(&nl);
	if (ret)
		return ret;
	err = fm_stats_get(&nl, &stats);
	if (err) {
		fm_nl_close(&nl);
		return cli_report_nl(&nl, err, "reading statistics");
	}
	err = fm_config_get(&nl, &config);
	fm_nl_close(&nl);
	/* a module without settings to report still has counters */
	if (err && err != -EOPNOTSUPP) {
		fm_stats_free(&stats);
		return cli_report_nl(&nl, err, "reading the configuration");
	}

	info.version = status_read_version(STATUS_VERSION_PATH, version,
					   sizeof(version));
	info.stats = &stats;
	info.config = err ? NULL : &config;
	info.agent_socket = socket;
	/* an agent that answers wrongly is shown as not running, and said */
	err = cli_agent_status(socket, &info.agent);
	if (err)
		fprintf(stderr, "flowmesh: flowmeshd at %s: %s\n", socket,
			err == -EPROTO ? "malformed status reply" :
			strerror(-err));
	if (opts.format == CLI_FORMAT_JSON)
		err = status_print_json(stdout, &info);
	else
		err = status_print_table(stdout, &info);
	json_decref(info.agent);
	fm_stats_free(&stats);
	return err ? cli_report(err, "printing statistics") : CLI_EXIT_OK;
}
