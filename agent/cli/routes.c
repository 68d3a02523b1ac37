// SPDX-License-Identifier: GPL-2.0
/* flowmesh routes: L7 golden metrics per route of each service. */
#include <inttypes.h>
#include <time.h>
#include "cli/cli.h"
#include "lib/json.h"
#include "lib/query.h"
#include "lib/store.h"

static const char routes_usage[] =
	"Usage: flowmesh routes [-o table|wide|json] [--window DUR | --since TIME|DUR]\n"
	"                       [--from SERVICE] [--protocol NAME] [--db PATH]\n"
	"                       [--config PATH] [SERVICE]\n";

static const char routes_description[] =
	"\n"
	"Show the L7 golden metrics of each route a service serves over a\n"
	"period, from the database flowmeshd writes: success rate, requests per\n"
	"second and latency percentiles.  A route is a protocol, a method and a\n"
	"templated path or command (GET /users/{id}, QUERY SELECT, SET), as the\n"
	"L7 detectors report them.  Requests of every client of the service are\n"
	"summed; with --from, only those of that client.  With SERVICE, only\n"
	"the routes that service serves.  Rows are sorted by service, protocol,\n"
	"route and method.\n"
	"\n"
	"Only requests of the flows L7 inspected are seen (one flow in the\n"
	"module's inspect_one_in); each stands for that many, so the counts are\n"
	"estimates whenever not every flow is inspected.\n";

static const char routes_options[] =
	"      --from SERVICE   only requests whose client is SERVICE\n"
	"      --protocol NAME  only routes of protocol NAME: http, http2, grpc,\n"
	"                       tls, dns, mysql, postgresql, redis, memcache,\n"
	"                       smtp or unknown\n";

static const char routes_fields[] =
	"\n"
	"Table columns (\"-\" where there is no value):\n"
	"  SERVER       the service that serves the route\n"
	"  ROUTE        method and route (GET /users/{id}); either alone when\n"
	"               the protocol has only one\n"
	"  PROTOCOL     the L7 protocol\n"
	"  SUCCESS      share of the requests that did not fail (%); what fails\n"
	"               depends on the protocol (HTTP 5xx, gRPC non-OK status,\n"
	"               SQL and Redis errors, DNS SERVFAIL and REFUSED)\n"
	"  RPS          requests per second over the period\n"
	"  LATENCY_P50  request to first response byte, 50th, 95th and 99th\n"
	"  LATENCY_P95  percentile (us, ms, s), over the inspected requests\n"
	"  LATENCY_P99\n"
	"With -o wide, also:\n"
	"  REQUESTS     requests; FAILURES the failed ones\n"
	"  SAMPLE       the smallest share of flows inspected (%)\n"
	"A \"~\" before SUCCESS, RPS, REQUESTS or FAILURES marks an estimate:\n"
	"L7 looked at a sample of the flows and the counts were scaled up.\n"
	"Percentiles come from histograms whose buckets are within 0.4 % of\n"
	"their values.\n";

static const char routes_json[] =
	"\n"
	"JSON output: an array with one object per route: \"client\" (null when\n"
	"summed over clients), \"server\", \"protocol\", \"method\", \"route\",\n"
	"\"requests\", \"rps\", \"success_rate\" (0 to 1), \"estimated\",\n"
	"\"sample_rate\", \"latency_ms\" {\"p50\", \"p95\", \"p99\"} and \"window_s\";\n"
	"the same document the agent's HTTP API serves at /api/v1/routes\n"
	"(docs/metrics.md).\n"
	"\n";

static const char routes_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh routes\n"
	"  flowmesh routes --window 1h api\n"
	"  flowmesh routes --from web --protocol http api\n"
	"  flowmesh routes -o json | jq '.[] | select(.success_rate < 0.99)'\n";

void routes_help(FILE *out)
{
	fputs(routes_usage, out);
	fputs(routes_description, out);
	fputs(metrics_windows_help, out);
	fputs(routes_options, out);
	fputs(metrics_common_help, out);
	fputs(routes_fields, out);
	fputs(routes_json, out);
	fputs(cli_exit_status_help, out);
	fputs(routes_examples, out);
}

/* --- output -------------------------------------------------------------- */

enum routes_cell {
	RC_SERVER, RC_ROUTE, RC_PROTOCOL, RC_SUCCESS, RC_RPS, RC_P50, RC_P95,
	RC_P99,
	/* -o wide */
	RC_REQUESTS, RC_FAILURES, RC_SAMPLE,
	RC_NCELLS
};

#define ROUTES_NARROW	RC_REQUESTS
#define ROUTES_CELL_MAX	(FM_ROUTE_METHOD_MAX + FM_ROUTE_PATH_MAX + 8)

static const struct cli_column routes_columns[RC_NCELLS] = {
	[RC_SERVER] = { "SERVER", CLI_ALIGN_LEFT },
	[RC_ROUTE] = { "ROUTE", CLI_ALIGN_LEFT },
	[RC_PROTOCOL] = { "PROTOCOL", CLI_ALIGN_LEFT },
	[RC_SUCCESS] = { "SUCCESS", CLI_ALIGN_RIGHT },
	[RC_RPS] = { "RPS", CLI_ALIGN_RIGHT },
	[RC_P50] = { "LATENCY_P50", CLI_ALIGN_RIGHT },
	[RC_P95] = { "LATENCY_P95", CLI_ALIGN_RIGHT },
	[RC_P99] = { "LATENCY_P99", CLI_ALIGN_RIGHT },
	[RC_REQUESTS] = { "REQUESTS", CLI_ALIGN_RIGHT },
	[RC_FAILURES] = { "FAILURES", CLI_ALIGN_RIGHT },
	[RC_SAMPLE] = { "SAMPLE", CLI_ALIGN_RIGHT },
};

typedef char routes_cells_t[RC_NCELLS][ROUTES_CELL_MAX];

static void routes_quantile(char *cell, const struct fm_hist *h, double q)
{
	uint64_t us = fm_hist_quantile(h, q);

	if (!h->count)
		snprintf(cell, ROUTES_CELL_MAX, "-");
	else
		cli_format_us(us > UINT64_MAX / 1000 ? UINT64_MAX : us * 1000,
			      cell, ROUTES_CELL_MAX);
}

static void routes_fill(routes_cells_t c, const struct fm_route_metrics *r)
{
	const char *est = r->sample_rate < 1 ? "~" : "";
	double success = fm_route_success_rate(r);
	double rps = fm_route_rps(r);

	snprintf(c[RC_SERVER], ROUTES_CELL_MAX, "%s", r->server);
	snprintf(c[RC_ROUTE], ROUTES_CELL_MAX, "%s%s%s", r->method,
		 r->method[0] && r->route[0] ? " " : "", r->route);
	if (!c[RC_ROUTE][0])
		snprintf(c[RC_ROUTE], ROUTES_CELL_MAX, "-");
	snprintf(c[RC_PROTOCOL], ROUTES_CELL_MAX, "%s", r->protocol);
	if (success < 0)
		snprintf(c[RC_SUCCESS], ROUTES_CELL_MAX, "-");
	else
		snprintf(c[RC_SUCCESS], ROUTES_CELL_MAX, "%s%.2f%%", est,
			 success * 100);
	if (rps < 0)
		snprintf(c[RC_RPS], ROUTES_CELL_MAX, "-");
	else
		snprintf(c[RC_RPS], ROUTES_CELL_MAX, "%s%.2f", est, rps);
	routes_quantile(c[RC_P50], &r->latency, 0.50);
	routes_quantile(c[RC_P95], &r->latency, 0.95);
	routes_quantile(c[RC_P99], &r->latency, 0.99);
	snprintf(c[RC_REQUESTS], ROUTES_CELL_MAX, "%s%" PRIu64, est,
		 r->requests);
	snprintf(c[RC_FAILURES], ROUTES_CELL_MAX, "%s%" PRIu64, est,
		 r->failures);
	snprintf(c[RC_SAMPLE], ROUTES_CELL_MAX, "%.2f%%", r->sample_rate * 100);
}

static int routes_print_table(FILE *out, const struct fm_route_rows *rows,
			      bool wide)
{
	const char *row[RC_NCELLS];
	size_t i, ncols = wide ? RC_NCELLS : ROUTES_NARROW;
	routes_cells_t cells;
	struct cli_table t;
	int err = 0;

	for (i = 0; i < RC_NCELLS; i++)
		row[i] = cells[i];
	cli_table_init(&t, routes_columns, ncols);
	for (i = 0; i < rows->len && !err; i++) {
		routes_fill(cells, &rows->v[i]);
		err = cli_table_add(&t, row);
	}
	if (!err)
		err = cli_table_print(&t, out);
	cli_table_free(&t);
	return err;
}

int routes_print(FILE *out, const struct fm_route_rows *rows,
		 enum cli_format format)
{
	json_t *json;
	int err;

	if (format != CLI_FORMAT_JSON)
		return routes_print_table(out, rows,
					  format == CLI_FORMAT_WIDE);
	json = fm_route_rows_to_json(rows);
	err = cli_print_json_flags(out, json, FM_JSON_METRICS_FLAGS);
	json_decref(json);
	return err;
}

int routes_main(int argc, char **argv)
{
	struct fm_route_rows rows = { 0 };
	char reason[CLI_ERR_MAX];
	struct metrics_opts opts;
	struct fm_query q;
	struct fm_store *s;
	int ret, err;

	ret = cli_parsed(metrics_parse_args(METRICS_ROUTES, argc, argv,
					    (uint64_t)time(NULL), &opts,
					    reason, sizeof(reason)),
			 "routes", routes_help, reason);
	if (ret >= 0)
		return ret;
	ret = cli_open_store(opts.db_path, opts.config_path, &s);
	if (ret)
		return ret;
	q = (struct fm_query){
		.from_s = opts.from_s,
		.to_s = opts.to_s,
		.service = opts.service,
		.client = opts.client,
		.protocol = opts.protocol,
	};
	err = fm_query_routes(s, &q, &rows);
	if (err) {
		ret = cli_report_store(s, err);
	} else {
		err = routes_print(stdout, &rows, opts.format);
		if (err)
			ret = cli_report(err, "printing routes");
	}
	fm_route_rows_free(&rows);
	fm_store_close(s);
	return ret;
}
