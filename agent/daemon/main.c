// SPDX-License-Identifier: GPL-2.0
/* flowmeshd: the flowmesh node agent.  Options, settings, start and stop. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/daemon.h"
#include "lib/agent_config.h"

static const char usage[] =
	"Usage: flowmeshd [-c FILE] [--set KEY=VALUE]... [--source netlink|FILE]\n"
	"                 [--print-config] [-h] [-V]\n";

static const char description[] =
	"\n"
	"The flowmesh node agent.  It drains the event records of the flowmesh\n"
	"kernel module, aggregates them into golden metrics per caller -> callee\n"
	"edge in windows of `window` seconds, and keeps them in an SQLite\n"
	"database that the flowmesh CLI and the HTTP API read.  It serves\n"
	"status and a live tap of the records on a unix socket, and a JSON API\n"
	"and Prometheus /metrics over HTTP.  It logs to standard error, one line\n"
	"per event.\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE     settings file (default " FM_AGENT_CONFIG_PATH ";\n"
	"                        the defaults apply when that file is missing)\n"
	"  -s, --set KEY=VALUE   a setting, over the file's; may be repeated\n"
	"      --source SOURCE   where records come from: netlink (the default:\n"
	"                        the kernel module), or a FILE of raw records as\n"
	"                        'flowmesh events -o raw' writes them, '-' for\n"
	"                        standard input; at the end of the file the\n"
	"                        agent flushes everything and exits\n"
	"      --print-config    print the settings in effect and exit\n"
	"  -h, --help            show this help and exit\n"
	"  -V, --version         show the version and exit\n"
	"\n"
	"Settings (KEY = VALUE in the file, --set KEY=VALUE; durations take\n"
	"s, m, h, d suffixes; see docs/agent.md):\n";

static const char trailer[] =
	"\n"
	"Signals:\n"
	"  SIGTERM, SIGINT  drain the kernel's rings, write every window to the\n"
	"                   database, and exit 0; a restart resumes without\n"
	"                   counting anything twice\n"
	"  SIGHUP           reload the inventory; a file with bad lines is\n"
	"                   refused (each is logged) and the previous one kept\n"
	"\n"
	"Files:\n"
	"  " FM_AGENT_CONFIG_PATH "   settings\n"
	"  " FM_AGENT_INVENTORY_PATH "          addresses to services\n"
	"  " FM_AGENT_DB_PATH "   the database\n"
	"  " FM_AGENT_SOCKET_PATH "    the control socket\n"
	"\n"
	"Exit status:\n"
	"  0  stopped by a signal, or the end of the --source file\n"
	"  1  runtime error: the kernel module is not loaded, the database or a\n"
	"     socket cannot be opened, a records file that cannot be read or\n"
	"     ends with a partial record\n"
	"  2  usage error: bad option, bad settings or inventory (every bad line\n"
	"     is printed as FILE:LINE: reason)\n";

#define HELP_COL	19
#define HELP_WIDTH	79

/* "  NAME  text", the text wrapped at HELP_WIDTH, indented to HELP_COL. */
static void help_key(FILE *out, const char *name, const char *text)
{
	size_t col = (size_t)fprintf(out, "  %-*s", HELP_COL - 3, name);
	const char *word = text;
	size_t len;

	for (; *word; word += len) {
		while (*word == ' ')
			word++;
		len = strcspn(word, " ");
		if (!len)
			break;
		if (col + 1 + len > HELP_WIDTH && col > HELP_COL) {
			fprintf(out, "\n%*s", HELP_COL - 1, "");
			col = HELP_COL - 1;
		}
		fprintf(out, " %.*s", (int)len, word);
		col += 1 + len;
	}
	fputc('\n', out);
}

static void help(FILE *out)
{
	const struct fm_agent_key *k;
	char text[512];
	size_t i;

	fputs(usage, out);
	fputs(description, out);
	for (i = 0; i < fm_agent_config_nkeys; i++) {
		k = &fm_agent_config_keys[i];
		snprintf(text, sizeof(text), "%s (default: %s)", k->help,
			 k->def[0] ? k->def : "none");
		help_key(out, k->name, text);
	}
	fputs(trailer, out);
}

enum { OPT_SOURCE = 256, OPT_PRINT_CONFIG };

static const struct option options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "set", required_argument, NULL, 's' },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "print-config", no_argument, NULL, OPT_PRINT_CONFIG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *reason, const char *arg)
{
	fprintf(stderr, "flowmeshd: %s%s (try 'flowmeshd --help')\n", reason,
		arg ? arg : "");
	return FM_DAEMON_EXIT_USAGE;
}

/* Every --set, in order; every bad one is reported. */
static int apply_sets(struct fm_agent_config *cfg, char **sets, size_t nsets)
{
	char err[256], key[128];
	const char *eq;
	size_t i, n;
	int bad = 0;

	for (i = 0; i < nsets; i++) {
		eq = strchr(sets[i], '=');
		n = eq ? (size_t)(eq - sets[i]) : 0;
		if (!eq || !n || n >= sizeof(key)) {
			fprintf(stderr, "flowmeshd: --set %s: use KEY=VALUE\n",
				sets[i]);
			bad = -EINVAL;
			continue;
		}
		memcpy(key, sets[i], n);
		key[n] = '\0';
		if (fm_agent_config_assign(cfg, key, eq + 1, err, sizeof(err))) {
			fprintf(stderr, "flowmeshd: --set %s: %s\n", sets[i], err);
			bad = -EINVAL;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	const char *config_path = NULL, *source = NULL;
	struct fm_agent_config cfg;
	bool print_config = false;
	char **sets = NULL, **grown, err[256];
	size_t nsets = 0;
	struct fm_daemon *d;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:s:hV", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 's':
			grown = realloc(sets, (nsets + 1) * sizeof(*sets));
			if (!grown) {
				free(sets);
				fprintf(stderr, "flowmeshd: out of memory\n");
				return FM_DAEMON_EXIT_RUNTIME;
			}
			sets = grown;
			sets[nsets++] = optarg;
			break;
		case OPT_SOURCE:
			source = strcmp(optarg, "netlink") ? optarg : NULL;
			break;
		case OPT_PRINT_CONFIG:
			print_config = true;
			break;
		case 'h':
			free(sets);
			help(stdout);
			return FM_DAEMON_EXIT_OK;
		case 'V':
			free(sets);
			printf("flowmeshd %s\n", FLOWMESH_VERSION);
			return FM_DAEMON_EXIT_OK;
		case ':':
			free(sets);
			return usage_error("option needs an argument: ",
					   argv[optind - 1]);
		default:
			free(sets);
			return usage_error("unknown option: ", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		free(sets);
		return usage_error("unexpected argument: ", argv[optind]);
	}

	fm_agent_config_init(&cfg);
	ret = fm_agent_config_load(config_path ? config_path :
				   FM_AGENT_CONFIG_PATH, &cfg, stderr);
	/* no file at the default place: the defaults */
	if (ret == -ENOENT && !config_path)
		ret = 0;
	else if (ret && ret != -EINVAL)
		fprintf(stderr, "flowmeshd: cannot read %s: %s\n",
			config_path ? config_path : FM_AGENT_CONFIG_PATH,
			strerror(-ret));
	if (apply_sets(&cfg, sets, nsets))
		ret = -EINVAL;
	free(sets);
	if (!ret && fm_agent_config_check(&cfg, err, sizeof(err))) {
		fprintf(stderr, "flowmeshd: %s\n", err);
		ret = -EINVAL;
	}
	if (ret)
		return FM_DAEMON_EXIT_USAGE;
	if (print_config) {
		fm_agent_config_print(stdout, &cfg);
		return fflush(stdout) ? FM_DAEMON_EXIT_RUNTIME : FM_DAEMON_EXIT_OK;
	}

	ret = fm_daemon_start(&d, &cfg, source);
	if (ret)
		return ret;
	ret = fm_daemon_run(d);
	c = fm_daemon_stop(d);
	return ret ? ret : c;
}
