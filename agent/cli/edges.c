// SPDX-License-Identifier: GPL-2.0
/* flowmesh edges: golden metrics per caller -> callee pair of services. */
#include <stdio.h>
#include "cli/cli.h"

static const char edges_usage[] =
	"Usage: flowmesh edges [-o table|wide|json] [--window DUR | --since TIME|DUR]\n"
	"                      [--from SERVICE] [--to SERVICE] [--db PATH]\n"
	"                      [--config PATH]\n";

static const char edges_description[] =
	"\n"
	"Show the golden metrics of each caller -> callee pair of services over\n"
	"a period, from the database flowmeshd writes: success rate, requests\n"
	"per second, response time percentiles, network round-trip time,\n"
	"connections and bytes.  Rows are sorted by client, then server.\n";

static const char edges_options[] =
	"      --from SERVICE   only edges whose client is SERVICE\n"
	"      --to SERVICE     only edges whose server is SERVICE\n";

static const char edges_fields[] =
	"\n"
	"Table columns (\"-\" where there is no value):\n"
	"  CLIENT       the calling service (it opened the connections)\n"
	"  SERVER       the called service\n";

static const char edges_json[] =
	"\n"
	"JSON output: an array with one object per edge, \"client\" and\n"
	"\"server\" naming it; the same document the agent's HTTP API\n"
	"serves (fields and units in docs/metrics.md).\n"
	"\n";

static const char edges_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh edges\n"
	"  flowmesh edges --to db --window 5m\n"
	"  flowmesh edges -o json --from web | jq '.[].server'\n";

void edges_help(FILE *out)
{
	fputs(edges_usage, out);
	fputs(edges_description, out);
	fputs(metrics_windows_help, out);
	fputs(edges_options, out);
	fputs(metrics_common_help, out);
	fputs(edges_fields, out);
	fputs(metrics_columns_help, out);
	fputs(edges_json, out);
	fputs(cli_exit_status_help, out);
	fputs(edges_examples, out);
}

int edges_main(int argc, char **argv)
{
	return metrics_run(METRICS_EDGES, argc, argv, edges_help);
}
