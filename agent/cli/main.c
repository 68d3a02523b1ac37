// SPDX-License-Identifier: GPL-2.0
/* flowmesh: command-line view of the flowmesh kernel module and agent. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

#ifndef FLOWMESH_VERSION
#error "the build defines FLOWMESH_VERSION"
#endif

static const struct verb {
	const char *name;
	const char *summary;
	int (*main)(int argc, char **argv);
	void (*help)(FILE *out);
} verbs[] = {
	{ "stat", "golden metrics per service, from the agent's store",
	  stat_main, stat_help },
	{ "edges", "golden metrics per caller -> callee pair",
	  edges_main, edges_help },
	{ "routes", "L7 golden metrics per route of each service",
	  routes_main, routes_help },
	{ "flows", "list live flows, or closed flows from the store",
	  flows_main, flows_help },
	{ "top", "a refreshing view of services and edges",
	  top_main, top_help },
	{ "tap", "stream the agent's flow and sample events live",
	  tap_main, tap_help },
	{ "topology", "the service graph with edge metrics (dot, json, svg)",
	  topology_main, topology_help },
	{ "classify", "detect the L7 protocol of each flow of a capture",
	  classify_main, classify_help },
	{ "status", "module and agent health, counters and settings",
	  status_main, status_help },
	{ "config", "read or change the kernel module's settings",
	  config_main, config_help },
	{ "events", "drain and print the kernel module's event records",
	  events_main, events_help },
};

#define NVERBS (sizeof(verbs) / sizeof(*verbs))

static void usage(FILE *out)
{
	size_t i;

	fputs("Usage: flowmesh [-h | --help] [-V | --version] VERB [OPTIONS]\n"
	      "       flowmesh help [VERB]\n"
	      "\n"
	      "Show what flowmesh sees of this node's TCP and UDP traffic.  The\n"
	      "kernel module tracks every flow; the agent, flowmeshd, turns its\n"
	      "records into golden metrics per service and per caller -> callee\n"
	      "pair and keeps them in a database.  flows (live), status, config\n"
	      "and events talk to the module over generic netlink and need\n"
	      "CAP_NET_ADMIN; stat, edges, routes, top, topology and flows\n"
	      "--since read the agent's database; tap talks to the agent's\n"
	      "socket.\n"
	      "\n"
	      "Verbs:\n", out);
	for (i = 0; i < NVERBS; i++)
		fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
	fputs("  help     show the help of a verb\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help     show this help and exit\n"
	      "  -V, --version  print the version and exit\n"
	      "\n"
	      "'flowmesh help VERB' or 'flowmesh VERB --help' describes a verb's\n"
	      "options and output fields.\n"
	      "\n", out);
	fputs(cli_exit_status_help, out);
}

static const struct verb *find_verb(const char *name)
{
	size_t i;

	for (i = 0; i < NVERBS; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static int unknown_verb(const char *name)
{
	char reason[CLI_ERR_MAX];

	snprintf(reason, sizeof(reason), "unknown verb '%s'", name);
	return cli_usage_error(NULL, reason);
}

static int help_main(int argc, char **argv)
{
	const struct verb *verb;

	if (argc < 2) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc > 2)
		return cli_usage_error(NULL, "help takes at most one verb");
	verb = find_verb(argv[1]);
	if (!verb)
		return unknown_verb(argv[1]);
	verb->help(stdout);
	return CLI_EXIT_OK;
}

static int run(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char reason[CLI_ERR_MAX];
	const struct verb *verb;
	int c;

	opterr = 0;
	/* '+': options after the verb are the verb's own */
	while ((c = getopt_long(argc, argv, "+:hV", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		case 'V':
			printf("flowmesh %s\n", FLOWMESH_VERSION);
			return CLI_EXIT_OK;
		default:
			cli_bad_option(c, argv, reason, sizeof(reason));
			return cli_usage_error(NULL, reason);
		}
	}
	if (optind >= argc)
		return cli_usage_error(NULL, "no verb given");

	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "help"))
		return help_main(argc, argv);
	verb = find_verb(argv[0]);
	if (!verb)
		return unknown_verb(argv[0]);
	return verb->main(argc, argv);
}

int main(int argc, char **argv)
{
	int ret = run(argc, argv);

	/* output that never reached its file is a failure too */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "flowmesh: write error: %s\n", strerror(errno));
		return ret ? ret : CLI_EXIT_RUNTIME;
	}
	return ret;
}
