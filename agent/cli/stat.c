// SPDX-License-Identifier: GPL-2.0
/* flowmesh stat: golden metrics per service, from the agent's database. */
#include <stdio.h>
#include "cli/cli.h"

static const char stat_usage[] =
	"Usage: flowmesh stat [-o table|wide|json] [--window DUR | --since TIME|DUR]\n"
	"                     [--db PATH] [--config PATH] [SERVICE]\n";

static const char stat_description[] =
	"\n"
	"Show the golden metrics of each service over a period, from the\n"
	"database flowmeshd writes: success rate, requests per second,\n"
	"response time percentiles, network round-trip time, connections and\n"
	"bytes.  A service's figures are those of the traffic it served (where\n"
	"it is the server); services seen only as clients are listed with\n"
	"zeros.  With SERVICE, only that service.  Rows are sorted by name.\n";

static const char stat_fields[] =
	"\n"
	"Table columns (\"-\" where there is no value):\n"
	"  SERVICE      the service, as the agent's inventory names it, else\n"
	"               its address\n";

static const char stat_json[] =
	"\n"
	"JSON output: an array with one object per service, \"service\" naming\n"
	"it; the same document the agent's HTTP API serves (fields and units in\n"
	"docs/metrics.md).\n"
	"\n";

static const char stat_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh stat\n"
	"  flowmesh stat --window 1h web\n"
	"  flowmesh stat -o wide --since '2025-11-26 12:00:00'\n"
	"  flowmesh stat -o json | jq '.[] | select(.service == \"api\")'\n";

void stat_help(FILE *out)
{
	fputs(stat_usage, out);
	fputs(stat_description, out);
	fputs(metrics_windows_help, out);
	fputs(metrics_common_help, out);
	fputs(stat_fields, out);
	fputs(metrics_columns_help, out);
	fputs(stat_json, out);
	fputs(cli_exit_status_help, out);
	fputs(stat_examples, out);
}

int stat_main(int argc, char **argv)
{
	return metrics_run(METRICS_STAT, argc, argv, stat_help);
}
