// SPDX-License-Identifier: GPL-2.0
/*
 * What stat, edges, topology, top and flows --since print, read back from
 * a store written here: goldens in every format, the period parser, each
 * verb's arguments, and the whole program against missing or bad
 * databases (the ASan build of flowmesh).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "cli/cli.h"
#include "cli_run.h"
#include "golden.h"
#include "lib/period.h"
#include "lib/query.h"
#include "lib/store.h"

/* 2025-11-26T12:01:00Z: every period below ends here */
#define NOW_S		1764158460ULL
#define MINUTE_S	(NOW_S - 60)
#define MAX_ARGS	16

static char tmpdir[] = "/tmp/fm-metrics-XXXXXX";
static char db_path[64];

/* --- the store ---------------------------------------------------------- */

static void hist_fill(struct fm_hist *h, uint64_t first_us, uint64_t step_us,
		      unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		assert_int_equal(fm_hist_add(h, first_us + i * step_us, 1), 0);
}

static void put_window(struct fm_store *s, uint64_t start_s,
		       const char *client, const char *server,
		       const struct fm_window_row *counters, uint64_t lat_us,
		       uint64_t rtt_us)
{
	struct fm_window_row row = *counters;

	row.res_s = FM_RES_FINE;
	row.start_s = start_s;
	snprintf(row.client, sizeof(row.client), "%s", client);
	snprintf(row.server, sizeof(row.server), "%s", server);
	row.latency = (struct fm_hist)FM_HIST_INIT;
	row.rtt = (struct fm_hist)FM_HIST_INIT;
	if (lat_us)
		hist_fill(&row.latency, lat_us, lat_us / 10, 40);
	if (rtt_us)
		hist_fill(&row.rtt, rtt_us, rtt_us / 20, 20);
	assert_int_equal(fm_store_put_window(s, &row), 0);
	fm_hist_free(&row.latency);
	fm_hist_free(&row.rtt);
}

static void put_flow(struct fm_store *s, uint64_t id, uint64_t close_s,
		     const char *client, const char *server, uint16_t port)
{
	struct fm_flow_row row = {
		.rec = {
			.flow_id = id,
			.time_ns = close_s * 1000000000 + 250000,
			.tx_bytes = 4200 + id,
			.tx_packets = 12,
			.rx_bytes = 98000,
			.rx_packets = 70,
			.rtt_sum_us = 3 * 480,
			.response_sum_us = 2 * 12500,
			.client = { 198, 18, 0, (uint8_t)id },
			.server = { 198, 18, 1, 2 },
			.netns = 4026531840u,
			.client_port = 40000 + (uint16_t)id,
			.server_port = port,
			.type = FLOWMESH_REC_CLOSE,
			.family = AF_INET,
			.proto = IPPROTO_TCP,
			.state = FLOWMESH_STATE_CLOSED,
			.rtt_samples = 3,
			.rtt_min_us = 410,
			.rtt_max_us = 560,
			.rtt_hs_client_us = 90,
			.rtt_hs_server_us = 380,
			.response_count = 2,
			.response_max_us = 14000,
			.retransmits = 1,
		},
		.opened_ns = (close_s - 5) * 1000000000,
	};

	snprintf(row.client_service, FM_NAME_MAX, "%s", client);
	snprintf(row.server_service, FM_NAME_MAX, "%s", server);
	assert_int_equal(fm_store_put_flow(s, &row), 0);
}

static void put_route(struct fm_store *s, uint64_t start_s,
		      const char *client, const char *server,
		      const char *protocol, const char *method,
		      const char *route, uint64_t requests, uint64_t failures,
		      double sample_rate, uint64_t lat_us)
{
	struct fm_route_row row = {
		.res_s = FM_RES_FINE, .start_s = start_s,
		.requests = requests, .failures = failures,
		.sample_rate = sample_rate,
	};

	snprintf(row.client, sizeof(row.client), "%s", client);
	snprintf(row.server, sizeof(row.server), "%s", server);
	snprintf(row.protocol, sizeof(row.protocol), "%s", protocol);
	snprintf(row.method, sizeof(row.method), "%s", method);
	snprintf(row.route, sizeof(row.route), "%s", route);
	hist_fill(&row.latency, lat_us, lat_us / 10, 20);
	assert_int_equal(fm_store_put_route(s, &row), 0);
	fm_hist_free(&row.latency);
}

/*
 * loadgen -> web -> api -> db over the last minute: web fully looked at
 * by L7, api sampled (its rates are estimates), db at L4 only.  A window
 * before the minute must not count.
 */
static void build_store(const char *path)
{
	const struct fm_window_row web = {
		.opened = 30, .closed = 28, .tx_bytes = 1843200,
		.rx_bytes = 52428800, .tx_packets = 2400, .rx_packets = 36000,
		.retransmits = 3, .exchanges = 300, .l7 = true,
		.requests = 300, .failures = 2, .sample_rate = 1.0,
	};
	const struct fm_window_row api = {
		.opened = 4, .closed = 4, .tx_bytes = 51200, .rx_bytes = 870,
		.tx_packets = 200, .rx_packets = 190, .exchanges = 150,
		.l7 = true, .requests = 200, .failures = 10,
		.sample_rate = 0.25,
	};
	const struct fm_window_row db = {
		.opened = 2, .closed = 1, .tx_bytes = 900, .rx_bytes = 5000000,
		.tx_packets = 40, .rx_packets = 3500, .exchanges = 600,
	};
	char err[FM_STORE_ERR_MAX];
	struct fm_store *s;

	assert_int_equal(fm_store_open(&s, path, FM_STORE_WRITE, err,
				       sizeof(err)), 0);
	assert_int_equal(fm_store_begin(s), 0);
	put_window(s, MINUTE_S, "loadgen", "web", &web, 12000, 300);
	put_window(s, MINUTE_S + 30, "loadgen", "web", &web, 15000, 320);
	put_window(s, MINUTE_S + 10, "web", "api", &api, 4000, 90);
	put_window(s, MINUTE_S + 20, "web", "api", &api, 5000, 110);
	put_window(s, MINUTE_S + 20, "api", "db", &db, 800, 60);
	put_window(s, MINUTE_S - 3600, "api", "db", &db, 100000, 60);
	/* web's routes in full, api's sampled, db's cache without a route */
	put_route(s, MINUTE_S, "loadgen", "web", "http", "GET", "/", 240, 0,
		  1.0, 9000);
	put_route(s, MINUTE_S + 30, "loadgen", "web", "http", "POST",
		  "/cart/{id}", 60, 2, 1.0, 21000);
	put_route(s, MINUTE_S + 10, "web", "api", "grpc", "POST",
		  "/shop.Users/Get", 160, 8, 0.25, 3500);
	put_route(s, MINUTE_S + 20, "web", "api", "grpc", "POST",
		  "/shop.Users/Get", 240, 12, 0.25, 4200);
	put_route(s, MINUTE_S + 20, "api", "cache", "memcache", "get", "",
		  400, 0, 1.0, 150);
	put_route(s, MINUTE_S - 3600, "web", "api", "grpc", "POST",
		  "/shop.Users/Get", 1000, 1000, 1.0, 90000);
	put_flow(s, 1, MINUTE_S + 5, "loadgen", "web", 80);
	put_flow(s, 2, MINUTE_S + 15, "web", "api", 8080);
	put_flow(s, 3, MINUTE_S + 25, "web", "api", 8080);
	put_flow(s, 4, MINUTE_S - 600, "web", "api", 8080);
	assert_int_equal(fm_store_commit(s), 0);
	fm_store_close(s);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(db_path, sizeof(db_path), "%s/flowmesh.db", tmpdir);
	build_store(db_path);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) ? -1 : 0;
}

static struct fm_store *open_read(void)
{
	char err[FM_STORE_ERR_MAX];
	struct fm_store *s;

	assert_int_equal(fm_store_open(&s, db_path, FM_STORE_READ, err,
				       sizeof(err)), 0);
	return s;
}

/* The rows of the last minute, as the verbs ask for them. */
static void query_minute(const struct metrics_opts *opts,
			 struct fm_metrics_rows *services,
			 struct fm_metrics_rows *edges)
{
	struct fm_store *s = open_read();

	assert_int_equal(metrics_query(s, opts, MINUTE_S, NOW_S, services,
				       edges), 0);
	fm_store_close(s);
}

/* --- goldens ------------------------------------------------------------- */

struct print_arg {
	const struct fm_metrics_rows *rows;
	const struct fm_metrics_rows *edges;
	bool is_edges;
	enum cli_format format;
};

static int print_metrics(FILE *out, const void *p)
{
	const struct print_arg *a = p;

	return metrics_print(out, a->rows, a->is_edges, a->format);
}

static int print_dot(FILE *out, const void *p)
{
	const struct print_arg *a = p;

	return topology_print_dot(out, a->rows, a->edges, MINUTE_S, NOW_S);
}

static int print_topology_json(FILE *out, const void *p)
{
	const struct print_arg *a = p;
	json_t *json = fm_topology_to_json(a->rows, a->edges);
	int err = cli_print_json(out, json);

	json_decref(json);
	return err;
}

static void check_golden(const char *name, struct print_arg *a,
			 enum cli_format format, const char *must_have)
{
	char *text;

	a->format = format;
	text = capture(print_metrics, a);
	assert_golden(name, text);
	if (must_have && !strstr(text, must_have))
		fail_msg("%s: no '%s' in\n%s", name, must_have, text);
	free(text);
}

static void test_stat_golden(void **state)
{
	struct metrics_opts opts = { 0 };
	struct fm_metrics_rows rows = { 0 };
	struct print_arg a = { .rows = &rows };

	(void)state;
	query_minute(&opts, &rows, NULL);
	/* every service, the client-only one too, sorted */
	assert_int_equal(rows.len, 4);
	assert_string_equal(rows.v[0].server, "api");
	assert_string_equal(rows.v[2].server, "loadgen");
	check_golden("metrics_stat.table", &a, CLI_FORMAT_TABLE, "~");
	check_golden("metrics_stat.wide", &a, CLI_FORMAT_WIDE, "RETRANS");
	check_golden("metrics_stat.json", &a, CLI_FORMAT_JSON,
		     "\"service\": \"web\"");
	fm_metrics_rows_free(&rows);

	/* one service */
	opts.service = "db";
	query_minute(&opts, &rows, NULL);
	assert_int_equal(rows.len, 1);
	assert_string_equal(rows.v[0].server, "db");
	fm_metrics_rows_free(&rows);
}

static void test_edges_golden(void **state)
{
	struct metrics_opts opts = { 0 };
	struct fm_metrics_rows rows = { 0 };
	struct print_arg a = { .rows = &rows, .is_edges = true };

	(void)state;
	query_minute(&opts, NULL, &rows);
	assert_int_equal(rows.len, 3);
	check_golden("metrics_edges.table", &a, CLI_FORMAT_TABLE,
		     "CLIENT   SERVER");
	check_golden("metrics_edges.wide", &a, CLI_FORMAT_WIDE, "EXCHANGES");
	check_golden("metrics_edges.json", &a, CLI_FORMAT_JSON,
		     "\"client\": \"loadgen\"");
	fm_metrics_rows_free(&rows);

	opts.client = "web";
	query_minute(&opts, NULL, &rows);
	assert_int_equal(rows.len, 1);
	assert_string_equal(rows.v[0].server, "api");
	fm_metrics_rows_free(&rows);
	opts.client = NULL;
	opts.server = "db";
	query_minute(&opts, NULL, &rows);
	assert_int_equal(rows.len, 1);
	assert_string_equal(rows.v[0].client, "api");
	fm_metrics_rows_free(&rows);
}

struct routes_print_arg {
	const struct fm_route_rows *rows;
	enum cli_format format;
};

static int print_routes(FILE *out, const void *p)
{
	const struct routes_print_arg *a = p;

	return routes_print(out, a->rows, a->format);
}

static void routes_golden(const char *name, const struct fm_route_rows *rows,
			  enum cli_format format, const char *must_have)
{
	struct routes_print_arg a = { rows, format };
	char *text = capture(print_routes, &a);

	assert_golden(name, text);
	if (!strstr(text, must_have))
		fail_msg("%s: no '%s' in\n%s", name, must_have, text);
	free(text);
}

static void test_routes_golden(void **state)
{
	struct fm_query q = { .from_s = MINUTE_S, .to_s = NOW_S };
	struct fm_route_rows rows = { 0 };
	struct fm_store *s = open_read();

	(void)state;
	assert_int_equal(fm_query_routes(s, &q, &rows), 0);
	/* the window an hour before is not in the period */
	assert_int_equal(rows.len, 4);
	assert_string_equal(rows.v[0].server, "api");
	assert_string_equal(rows.v[1].server, "cache");
	assert_int_equal(rows.v[0].requests, 400);
	routes_golden("routes.table", &rows, CLI_FORMAT_TABLE,
		      "POST /shop.Users/Get");
	routes_golden("routes.wide", &rows, CLI_FORMAT_WIDE, "SAMPLE");
	routes_golden("routes.json", &rows, CLI_FORMAT_JSON,
		      "\"route\": \"/cart/{id}\"");
	fm_route_rows_free(&rows);

	q.service = "web";
	q.client = "loadgen";
	q.protocol = "http";
	assert_int_equal(fm_query_routes(s, &q, &rows), 0);
	assert_int_equal(rows.len, 2);
	assert_string_equal(rows.v[0].client, "loadgen");
	fm_route_rows_free(&rows);
	fm_store_close(s);
}

/* The cells of the routes table, beyond the golden's bytes. */
static void test_routes_cells(void **state)
{
	struct fm_route_metrics r = {
		.server = "api", .protocol = "grpc", .method = "POST",
		.route = "/a.B/C", .seconds = 10, .requests = 40,
		.failures = 10, .sample_rate = 0.5,
	};
	struct fm_route_rows rows = { .v = &r, .len = 1 };
	struct routes_print_arg a = { &rows, CLI_FORMAT_TABLE };
	char *text;

	(void)state;
	text = capture(print_routes, &a);
	assert_non_null(strstr(text, "POST /a.B/C"));
	assert_non_null(strstr(text, "~75.00%"));
	assert_non_null(strstr(text, "~4.00"));
	free(text);
	/* one of method and route, neither, no requests, no period */
	r.route[0] = '\0';
	r.requests = 0;
	r.seconds = 0;
	r.sample_rate = 1;
	text = capture(print_routes, &a);
	assert_non_null(strstr(text, "\napi     POST   grpc"));
	assert_null(strstr(text, "%"));
	free(text);
	r.method[0] = '\0';
	snprintf(r.route, sizeof(r.route), "example.com");
	text = capture(print_routes, &a);
	assert_non_null(strstr(text, "\napi     example.com  grpc"));
	free(text);
	r.route[0] = '\0';
	text = capture(print_routes, &a);
	assert_non_null(strstr(text, "\napi     -      grpc"));
	free(text);
}

/* What the table cells say, row by row, beyond the golden's bytes. */
static void test_table_cells(void **state)
{
	struct metrics_opts opts = { 0 };
	struct fm_metrics_rows rows = { 0 };
	struct print_arg a = { .rows = &rows, .format = CLI_FORMAT_TABLE };
	char *text;

	(void)state;
	query_minute(&opts, &rows, NULL);
	text = capture(print_metrics, &a);
	/* web: 600 requests in 60 s, 4 failed; bytes 2 x 1.8 MiB out */
	assert_non_null(strstr(text, "\nweb "));
	assert_non_null(strstr(text, " 99.33% "));
	assert_non_null(strstr(text, " 10.00 "));
	assert_non_null(strstr(text, " 3.5MiB "));
	/* api is sampled: ~ on its rates */
	assert_non_null(strstr(text, " ~"));
	/* loadgen served nothing: no success, no latency */
	assert_non_null(strstr(text, "\nloadgen  "));
	free(text);
	fm_metrics_rows_free(&rows);
}

static void test_topology_golden(void **state)
{
	struct metrics_opts opts = { 0 };
	struct fm_metrics_rows services = { 0 }, edges = { 0 };
	struct print_arg a = { .rows = &services, .edges = &edges };
	char *text;

	(void)state;
	query_minute(&opts, &services, &edges);
	text = capture(print_dot, &a);
	assert_golden("metrics_topology.dot", text);
	assert_non_null(strstr(text, "\t\"web\" -> \"api\" [label="));
	assert_non_null(strstr(text,
		"/* flowmesh topology from 2025-11-26T12:00:00Z to 2025-11-26T12:01:00Z */\n"));
	free(text);
	text = capture(print_topology_json, &a);
	assert_golden("metrics_topology.json", text);
	free(text);
	fm_metrics_rows_free(&services);
	fm_metrics_rows_free(&edges);
}

/* Names come from the database: quotes and backslashes stay inside. */
static void test_topology_escape(void **state)
{
	struct fm_metrics_row row[2] = { 0 };
	struct fm_metrics_rows services = { .v = row, .len = 1 };
	struct fm_metrics_rows edges = { .v = row + 1, .len = 1 };
	struct print_arg a = { .rows = &services, .edges = &edges };
	char *text;

	(void)state;
	snprintf(row[0].server, FM_NAME_MAX, "a\"b\\");
	snprintf(row[1].client, FM_NAME_MAX, "x y");
	snprintf(row[1].server, FM_NAME_MAX, "a\"b\\");
	text = capture(print_dot, &a);
	assert_non_null(strstr(text, "\t\"a\\\"b\\\\\" [label=\"a\\\"b\\\\\"];\n"));
	assert_non_null(strstr(text, "\t\"x y\" -> \"a\\\"b\\\\\" [label=\"0B\"];\n"));
	free(text);
}

static void test_topology_svg(void **state)
{
	static const char dot[] = "digraph g { \"a\" -> \"b\"; }\n";
	FILE *out = tmpfile();
	int saved, ret;
	char *svg;

	(void)state;
	assert_non_null(out);
	assert_int_equal(topology_run_dot("dot", dot, strlen(dot),
					  fileno(out)), 0);
	svg = slurp(out);
	assert_non_null(strstr(svg, "<svg"));
	free(svg);

	assert_int_equal(topology_run_dot("/nonexistent/dot", dot, strlen(dot),
					  STDOUT_FILENO), -ENOENT);
	/* dot that fails: a non-zero exit, whatever it read */
	assert_int_equal(topology_run_dot("false", dot, strlen(dot),
					  STDOUT_FILENO), -EPROTO);
	/* dot's complaint goes to stderr: keep it out of the test's output */
	out = tmpfile();
	assert_non_null(out);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(out), STDERR_FILENO) >= 0);
	ret = topology_run_dot("dot", "digraph {", 9, fileno(out));
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	assert_int_equal(ret, -EPROTO);
	svg = slurp(out);
	assert_non_null(strstr(svg, "syntax error"));
	free(svg);
}

static void test_bytes_format(void **state)
{
	static const struct {
		uint64_t bytes;
		const char *text;
	} cases[] = {
		{ 0, "0B" }, { 1023, "1023B" }, { 1024, "1.0KiB" },
		{ 1536, "1.5KiB" }, { 10188, "9.9KiB" }, { 10189, "10KiB" },
		{ 1048063, "1023KiB" }, { 1048064, "1.0MiB" },
		{ 5000000, "4.8MiB" }, { 3686400, "3.5MiB" },
		{ 1073741824, "1.0GiB" }, { UINT64_MAX, "16EiB" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		cli_format_bytes(cases[i].bytes, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
	}
	cli_format_utc(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	cli_format_utc(NOW_S, buf, sizeof(buf));
	assert_string_equal(buf, "2025-11-26T12:01:00Z");
}

/* --- top ----------------------------------------------------------------- */

static void test_top_render(void **state)
{
	struct metrics_opts opts = { 0 };
	struct fm_metrics_rows services = { 0 }, edges = { 0 };
	struct top_frame frame = {
		.services = &services,
		.edges = &edges,
		.now_s = NOW_S,
		.from_s = MINUTE_S,
		.to_s = NOW_S,
		.interval_s = 2,
	};
	char *text = NULL, *line;
	size_t len = 0;
	FILE *mem;
	int lines = 0;

	(void)state;
	query_minute(&opts, &services, &edges);
	mem = open_memstream(&text, &len);
	assert_non_null(mem);
	assert_int_equal(top_render(mem, &frame, 200, 50), 0);
	fclose(mem);
	assert_golden("metrics_top.txt", text);
	assert_non_null(strstr(text, "flowmesh top  2025-11-26T12:01:00Z  period 2025-11-26T12:00:00Z to 2025-11-26T12:01:00Z  every 2s  "));
	assert_non_null(strstr(text, "\nCLIENT "));
	free(text);

	/* a small terminal: lines cut to its width, rows to its height */
	mem = open_memstream(&text, &len);
	assert_non_null(mem);
	assert_int_equal(top_render(mem, &frame, 30, 5), 0);
	fclose(mem);
	for (line = text; *line; lines++) {
		assert_true(strcspn(line, "\n") <= 30);
		line += strcspn(line, "\n") + 1;
	}
	assert_int_equal(lines, 5);
	assert_non_null(strstr(text, "\nSERVICE  "));
	assert_null(strstr(text, "CLIENT"));
	free(text);

	/* edges hidden ('e') */
	frame.edges = NULL;
	mem = open_memstream(&text, &len);
	assert_non_null(mem);
	assert_int_equal(top_render(mem, &frame, 200, 50), 0);
	fclose(mem);
	assert_null(strstr(text, "CLIENT"));
	assert_non_null(strstr(text, "\nweb "));
	free(text);
	fm_metrics_rows_free(&services);
	fm_metrics_rows_free(&edges);
}

/* --- flows --since ------------------------------------------------------- */

struct flows_arg {
	const struct fm_flows *flows;
	bool json;
};

static int print_flows(FILE *out, const void *p)
{
	const struct flows_arg *a = p;

	if (a->json)
		return flows_print_json(out, a->flows);
	return flows_print_table(out, a->flows, NOW_S * 1000000000, false);
}

static void test_flows_history(void **state)
{
	struct fm_query q = { .from_s = MINUTE_S, .to_s = NOW_S };
	struct fm_flows flows = { 0 };
	struct flows_arg a = { .flows = &flows };
	struct fm_store *s = open_read();
	char *text;

	(void)state;
	assert_int_equal(fm_query_flows(s, &q, 1000, &flows), 0);
	/* the flow closed before the minute is not there; oldest first */
	assert_int_equal(flows.len, 3);
	assert_int_equal(flows.v[0].id, 1);
	assert_int_equal(flows.v[2].id, 3);
	text = capture(print_flows, &a);
	assert_golden("metrics_flows.table", text);
	assert_non_null(strstr(text, "198.18.0.2:40002"));
	free(text);
	a.json = true;
	text = capture(print_flows, &a);
	assert_golden("metrics_flows.json", text);
	free(text);
	fm_flows_free(&flows);

	/* --limit and --from as flows_history passes them */
	q.client = "web";
	assert_int_equal(fm_query_flows(s, &q, 1, &flows), 0);
	assert_int_equal(flows.len, 1);
	assert_int_equal(flows.v[0].id, 2);
	fm_flows_free(&flows);
	fm_store_close(s);
}

/* --- the period ---------------------------------------------------------- */

static void test_period(void **state)
{
	static const struct {
		const char *window, *since;
		uint64_t from_s;	/* 0: refused */
		const char *err;
	} cases[] = {
		{ NULL, NULL, NOW_S - 60, NULL },
		{ "10s", NULL, NOW_S - 10, NULL },
		{ "5m", NULL, NOW_S - 300, NULL },
		{ "24h", NULL, NOW_S - 86400, NULL },
		{ "7d", NULL, NOW_S - 7 * 86400, NULL },
		{ "90", NULL, NOW_S - 90, NULL },
		{ NULL, "1h", NOW_S - 3600, NULL },
		{ NULL, "1764158400", 1764158400, NULL },
		{ NULL, "2025-11-26T12:00:00Z", 1764158400, NULL },
		{ NULL, "2025-11-26 11:00:00", 1764154800, NULL },
		{ NULL, "2024-02-29T00:00:00Z", 1709164800, NULL },
		{ NULL, "1970-01-01T00:00:01Z", 1, NULL },
		{ NULL, "1764158460", NOW_S, NULL },
		{ "0s", NULL, 0, "window: '0s' is not a duration of 1s or more (e.g. 30s, 5m, 24h, 7d)" },
		{ "5x", NULL, 0, "window: '5x' is not a duration of 1s or more (e.g. 30s, 5m, 24h, 7d)" },
		{ "", NULL, 0, "window: '' is not a duration of 1s or more (e.g. 30s, 5m, 24h, 7d)" },
		{ "-5m", NULL, 0, "window: '-5m' is not a duration of 1s or more (e.g. 30s, 5m, 24h, 7d)" },
		{ "1m", "1h", 0, "window and since exclude each other; give one" },
		{ NULL, "1764158461", 0, "since: '1764158461' is in the future" },
		{ NULL, "2030-01-01T00:00:00Z", 0, "since: '2030-01-01T00:00:00Z' is in the future" },
		{ NULL, "99999999999999999999", 0, "since: '99999999999999999999' is neither a time (Unix seconds, YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD HH:MM:SS, UTC) nor a duration (e.g. 30s, 5m, 24h, 7d)" },
		{ NULL, "yesterday", 0, "since: 'yesterday' is neither a time (Unix seconds, YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD HH:MM:SS, UTC) nor a duration (e.g. 30s, 5m, 24h, 7d)" },
		{ NULL, "2025-02-29T00:00:00Z", 0, NULL },
		{ NULL, "2025-13-01T00:00:00Z", 0, NULL },
		{ NULL, "2025-11-26T24:00:00Z", 0, NULL },
		{ NULL, "2025-11-26T12:60:00Z", 0, NULL },
		{ NULL, "2025-11-26T12:00:60Z", 0, NULL },
		{ NULL, "2025-11-00T12:00:00Z", 0, NULL },
		{ NULL, "2025-11-26T12:00:00", 0, NULL },
		{ NULL, "2025-11-26 12:00:00Z", 0, NULL },
		{ NULL, "2025-11-26T12:00:00+01:00", 0, NULL },
		{ NULL, "2025-1-26T12:00:00Z", 0, NULL },
		{ NULL, " 2025-11-26T12:00:00Z", 0, NULL },
		{ NULL, "1969-12-31T23:59:59Z", 0, NULL },
		{ NULL, "2025-11-26", 0, NULL },
		{ NULL, "0s", 0, NULL },
		{ NULL, "", 0, NULL },
	};
	char err[256];
	uint64_t from, to;
	size_t i;
	int ret;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		from = to = 12345;
		err[0] = '\0';
		ret = fm_period_parse(cases[i].window, cases[i].since, NOW_S,
				      &from, &to, err, sizeof(err));
		if (cases[i].from_s) {
			if (ret)
				fail_msg("case %zu refused: %s", i, err);
			assert_int_equal(from, cases[i].from_s);
			assert_int_equal(to, NOW_S);
			continue;
		}
		if (ret != -EINVAL)
			fail_msg("case %zu (%s, %s) accepted", i,
				 cases[i].window, cases[i].since);
		assert_true(err[0]);
		assert_true(!strncmp(err, cases[i].since && !cases[i].window ?
				     "since: " : "window", 6));
		if (cases[i].err)
			assert_string_equal(err, cases[i].err);
	}
	/* a duration longer than the epoch so far starts at 0 */
	assert_int_equal(fm_period_parse("7d", NULL, 3600, &from, &to, err,
					 sizeof(err)), 0);
	assert_int_equal(from, 0);
	assert_int_equal(to, 3600);
}

/* --- arguments ----------------------------------------------------------- */

static int split_case(const char *line, char *copy, size_t copylen,
		      char **argv, const char **result)
{
	char *sep, *tok, *save = NULL;
	int argc = 0;

	snprintf(copy, copylen, "%s", line);
	sep = strstr(copy, " ; ");
	assert_non_null(sep);
	*sep = '\0';
	*result = sep + 3;
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		assert_true(argc < MAX_ARGS - 1);
		/* '_' stands for a space inside one argument */
		for (char *p = tok; *p; p++)
			if (*p == '_')
				*p = ' ';
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	return argc;
}

static int parse_verb(int argc, char **argv, char *err, size_t errlen)
{
	static const char *const verbs[] = {
		[METRICS_STAT] = "stat",
		[METRICS_EDGES] = "edges",
		[METRICS_TOPOLOGY] = "topology",
		[METRICS_TOP] = "top",
		[METRICS_ROUTES] = "routes",
	};
	struct metrics_opts mo;
	struct flows_opts fo;
	size_t v;

	if (!strcmp(argv[0], "flows"))
		return flows_parse_args(argc, argv, &fo, err, errlen);
	for (v = 0; v < sizeof(verbs) / sizeof(*verbs); v++)
		if (!strcmp(argv[0], verbs[v]))
			return metrics_parse_args(v, argc, argv, NOW_S, &mo,
						  err, errlen);
	fail_msg("no verb %s", argv[0]);
	return -1;
}

/* "VERB ARGS ; OK", "; HELP", or "; the exact usage error". */
static const char *const arg_cases[] = {
	"stat ; OK",
	"stat web ; OK",
	"stat -o wide web ; OK",
	"stat web -o json ; OK",
	"stat --output=table ; OK",
	"stat --window 5m ; OK",
	"stat --window=1h --db /tmp/x.db ; OK",
	"stat --since 1h ; OK",
	"stat --since 1764158400 ; OK",
	"stat --since 2025-11-26T12:00:00Z ; OK",
	"stat --since 2025-11-26_12:00:00 ; OK",
	"stat --config /etc/flowmesh/other.conf ; OK",
	"stat -h ; HELP",
	"stat --help ; HELP",
	"stat -o dot ; unknown output format 'dot'; use table, wide or json",
	"stat -o ; option '-o' needs an argument",
	"stat --window ; option '--window' needs an argument",
	"stat --window 5x ; --window: '5x' is not a duration of 1s or more (e.g. 30s, 5m, 24h, 7d)",
	"stat --window 0 ; --window: '0' is not a duration of 1s or more (e.g. 30s, 5m, 24h, 7d)",
	"stat --window 1m --since 1h ; --window and --since exclude each other; give one",
	"stat --since tomorrow ; --since: 'tomorrow' is neither a time (Unix seconds, YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD HH:MM:SS, UTC) nor a duration (e.g. 30s, 5m, 24h, 7d)",
	"stat --since 2030-01-01T00:00:00Z ; --since: '2030-01-01T00:00:00Z' is in the future",
	"stat web api ; unexpected argument 'api'",
	"stat --from web ; unknown option '--from'",
	"stat --interval 1s ; unknown option '--interval'",
	"stat --db= ; --db needs a path",
	"stat --config= ; --config needs a path",
	"stat -x ; unknown option '-x'",
	"stat 0123456789012345678901234567890123456789012345678901234567890123 ; invalid service '0123456789012345678901234567890123456789012345678901234567890123'; a service name has 1 to 63 bytes",
	"edges ; OK",
	"edges --from web ; OK",
	"edges --to db --from api -o wide ; OK",
	"edges -o json --since 10m ; OK",
	"edges --help ; HELP",
	"edges web ; unexpected argument 'web'",
	"edges --from ; option '--from' needs an argument",
	"edges --from= ; invalid --from service ''; a service name has 1 to 63 bytes",
	"edges --to= ; invalid --to service ''; a service name has 1 to 63 bytes",
	"edges -o svg ; unknown output format 'svg'; use table, wide or json",
	"topology ; OK",
	"topology -o dot ; OK",
	"topology -o svg ; OK",
	"topology -o json --window 1h ; OK",
	"topology -h ; HELP",
	"topology -o table ; unknown output format 'table'; use dot, json or svg",
	"topology -o wide ; unknown output format 'wide'; use dot, json or svg",
	"topology web ; unexpected argument 'web'",
	"topology --to db ; unknown option '--to'",
	"top ; OK",
	"top -o wide ; OK",
	"top --interval 1s ; OK",
	"top --interval 1h --window 1h ; OK",
	"top --help ; HELP",
	"top -o json ; unknown output format 'json'; use table or wide",
	"top --interval 0 ; invalid interval '0'; use 1s to 1h, e.g. 2s or 1m",
	"top --interval 2h ; invalid interval '2h'; use 1s to 1h, e.g. 2s or 1m",
	"top --interval fast ; invalid interval 'fast'; use 1s to 1h, e.g. 2s or 1m",
	"top web ; unexpected argument 'web'",
	"flows --since 1h ; OK",
	"flows --since 1764158400 --limit 10 ; OK",
	"flows --since 5m --from web --to api -o wide ; OK",
	"flows --since 5m --db /tmp/x.db --config /tmp/x.conf -o json ; OK",
	"flows --since 5m --limit 4294967295 ; OK",
	"flows --since 2030-01-01_00:00:00 ; --since: '2030-01-01 00:00:00' is in the future",
	"flows --since later ; --since: 'later' is neither a time (Unix seconds, YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD HH:MM:SS, UTC) nor a duration (e.g. 30s, 5m, 24h, 7d)",
	"flows --since ; option '--since' needs an argument",
	"flows --since 1h --limit 0 ; invalid limit '0'; use 1 to 4294967295",
	"flows --since 1h --limit x ; invalid limit 'x'; use 1 to 4294967295",
	"flows --since 1h --limit 4294967296 ; invalid limit '4294967296'; use 1 to 4294967295",
	"flows --since 1h --from= ; invalid --from service ''; a service name has 1 to 63 bytes",
	"flows --limit 5 ; --limit, --from, --to, --db and --config need --since",
	"flows --from web ; --limit, --from, --to, --db and --config need --since",
	"flows --db /tmp/x.db ; --limit, --from, --to, --db and --config need --since",
	"flows --since 1h --proto tcp ; --netns, --proto, --family, --addr and --port filter live flows; not with --since",
	"flows --port 80 --since 1h ; --netns, --proto, --family, --addr and --port filter live flows; not with --since",
	"flows --since 1h --window 1m ; unknown option '--window'",
	"flows -o wide --proto tcp ; OK",
	"routes ; OK",
	"routes api ; OK",
	"routes --from web --protocol grpc -o wide api ; OK",
	"routes -o json --since 10m --db /tmp/x.db --config /tmp/x.conf ; OK",
	"routes --protocol unknown ; OK",
	"routes --help ; HELP",
	"routes -o dot ; unknown output format 'dot'; use table, wide or json",
	"routes --protocol gopher ; unknown protocol 'gopher'; use http, http2, grpc, tls, dns, mysql, postgresql, redis, memcache, smtp or unknown",
	"routes --protocol ; option '--protocol' needs an argument",
	"routes --from= ; invalid --from service ''; a service name has 1 to 63 bytes",
	"routes --to api ; unknown option '--to'",
	"routes api web ; unexpected argument 'web'",
	"routes --window 1m --since 1h ; --window and --since exclude each other; give one",
	"routes --db= ; --db needs a path",
};

static void test_args(void **state)
{
	char copy[512], err[CLI_ERR_MAX];
	char *argv[MAX_ARGS];
	const char *want;
	int argc, got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(arg_cases) / sizeof(*arg_cases); i++) {
		argc = split_case(arg_cases[i], copy, sizeof(copy), argv,
				  &want);
		err[0] = '\0';
		got = parse_verb(argc, argv, err, sizeof(err));
		if (!strcmp(want, "OK") && got == CLI_PARSE_OK)
			continue;
		if (!strcmp(want, "HELP") && got == CLI_PARSE_HELP)
			continue;
		if (got == CLI_PARSE_BAD && !strcmp(err, want))
			continue;
		fail_msg("%s -> %d '%s'", arg_cases[i], got, err);
	}
}

static void test_parsed_values(void **state)
{
	char *edges[] = { "edges", "--from", "web", "--to", "api",
			  "--since", "2025-11-26 12:00:30", "--db", "/x.db",
			  "-o", "wide", NULL };
	char *top[] = { "top", "--interval", "5s", "--config", "/c", NULL };
	char *flows[] = { "flows", "--since", "90s", "--to", "db", NULL };
	char *routes[] = { "routes", "--from", "web", "--protocol", "grpc",
			   "api", NULL };
	struct metrics_opts mo;
	struct flows_opts fo;
	char err[CLI_ERR_MAX];

	(void)state;
	assert_int_equal(metrics_parse_args(METRICS_EDGES, 11, edges, NOW_S,
					    &mo, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(mo.format, CLI_FORMAT_WIDE);
	assert_string_equal(mo.client, "web");
	assert_string_equal(mo.server, "api");
	assert_string_equal(mo.db_path, "/x.db");
	assert_null(mo.config_path);
	assert_int_equal(mo.from_s, NOW_S - 30);
	assert_int_equal(mo.to_s, NOW_S);

	assert_int_equal(metrics_parse_args(METRICS_TOP, 5, top, NOW_S, &mo,
					    err, sizeof(err)), CLI_PARSE_OK);
	assert_int_equal(mo.interval_s, 5);
	assert_int_equal(mo.format, CLI_FORMAT_TABLE);
	assert_string_equal(mo.config_path, "/c");
	assert_int_equal(mo.from_s, NOW_S - 60);	/* the default 1m */
	assert_null(mo.window);

	assert_int_equal(metrics_parse_args(METRICS_ROUTES, 6, routes, NOW_S,
					    &mo, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_string_equal(mo.client, "web");
	assert_string_equal(mo.protocol, "grpc");
	assert_string_equal(mo.service, "api");
	assert_int_equal(mo.format, CLI_FORMAT_TABLE);

	/* defaults, and a fresh start */
	assert_int_equal(metrics_parse_args(METRICS_TOPOLOGY, 1, top, NOW_S,
					    &mo, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(mo.format, CLI_FORMAT_DOT);
	assert_int_equal(mo.interval_s, METRICS_INTERVAL_DEFAULT);
	assert_null(mo.config_path);

	assert_int_equal(flows_parse_args(5, flows, &fo, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_string_equal(fo.since, "90s");
	assert_string_equal(fo.server, "db");
	assert_int_equal(fo.limit, FLOWS_LIMIT_DEFAULT);
	assert_int_equal(fo.to_s - fo.from_s, 90);
}

/* --- the whole program --------------------------------------------------- */

static void expect_run(char **argv, const char *path, int status,
		       const char *out, const char *err)
{
	struct cli_run r;

	cli_run(argv, NULL, path, &r);
	if (r.status != status || (out && !strstr(r.out, out)) ||
	    (err && strcmp(r.err, err)))
		fail_msg("%s %s: status %d, stdout:\n%s\nstderr:\n%s", argv[1],
			 argv[2] ? argv[2] : "", r.status, r.out, r.err);
	free(r.out);
	free(r.err);
}

static void test_cli_database(void **state)
{
	char missing[128], garbage[128], conf[128], db_line[192];
	char *stat_missing[] = { "flowmesh", "stat", "--db", missing, NULL };
	char *flows_missing[] = { "flowmesh", "flows", "--since", "1h",
				  "--db", missing, NULL };
	/* the windows written lie in the past: a period from then on */
	char *stat_ok[] = { "flowmesh", "stat", "--db", db_path, "--since",
			    "2025-11-26T12:00:00Z", NULL };
	char *edges_conf[] = { "flowmesh", "edges", "--config", conf,
			       "--since", "1764158400", NULL };
	char *stat_garbage[] = { "flowmesh", "stat", "--db", garbage, NULL };
	char *svg[] = { "flowmesh", "topology", "-o", "svg", "--db", db_path,
			NULL };
	char *dot[] = { "flowmesh", "topology", "--db", db_path, NULL };
	char *top[] = { "flowmesh", "top", "--db", db_path, NULL };
	char *history[] = { "flowmesh", "flows", "--since", "3650d", "--db",
			    db_path, "--to", "web", NULL };
	char *routes_ok[] = { "flowmesh", "routes", "--db", db_path,
			      "--since", "2025-11-26T12:00:00Z", "web", NULL };
	char *routes_json[] = { "flowmesh", "routes", "--db", db_path,
				"--since", "2025-11-26T12:00:00Z", "-o",
				"json", "--protocol", "grpc", NULL };
	char *routes_missing[] = { "flowmesh", "routes", "--db", missing,
				   NULL };
	char want[256];
	FILE *f;

	(void)state;
	snprintf(missing, sizeof(missing), "%s/none.db", tmpdir);
	snprintf(garbage, sizeof(garbage), "%s/garbage.db", tmpdir);
	snprintf(conf, sizeof(conf), "%s/flowmeshd.conf", tmpdir);

	snprintf(want, sizeof(want),
		 "flowmesh: no database at %s (is flowmeshd running?)\n",
		 missing);
	expect_run(stat_missing, NULL, CLI_EXIT_NO_AGENT, NULL, want);
	expect_run(flows_missing, NULL, CLI_EXIT_NO_AGENT, NULL, want);
	expect_run(routes_missing, NULL, CLI_EXIT_NO_AGENT, NULL, want);

	/* an explicit config file must exist; its database is used */
	snprintf(want, sizeof(want),
		 "flowmesh: cannot read %s: No such file or directory\n",
		 conf);
	expect_run(edges_conf, NULL, CLI_EXIT_RUNTIME, NULL, want);
	f = fopen(conf, "w");
	assert_non_null(f);
	snprintf(db_line, sizeof(db_line), "database = %s\n", db_path);
	fputs(db_line, f);
	assert_int_equal(fclose(f), 0);
	expect_run(edges_conf, NULL, CLI_EXIT_OK, "\nweb      api ", "");

	f = fopen(garbage, "w");
	assert_non_null(f);
	fputs("this is not a database, but a text file of some length\n", f);
	assert_int_equal(fclose(f), 0);
	expect_run(stat_garbage, NULL, CLI_EXIT_RUNTIME, NULL, NULL);

	expect_run(stat_ok, NULL, CLI_EXIT_OK, "\nweb       99.33% ", "");
	expect_run(history, NULL, CLI_EXIT_OK, "198.18.0.1:40001", "");
	expect_run(routes_ok, NULL, CLI_EXIT_OK,
		   "\nweb     GET /            http      100.00% ", "");
	expect_run(routes_json, NULL, CLI_EXIT_OK,
		   "\"route\": \"/shop.Users/Get\"", "");
	expect_run(dot, NULL, CLI_EXIT_OK, "digraph flowmesh {", "");
	expect_run(svg, NULL, CLI_EXIT_OK, "<svg", "");
	expect_run(svg, "/nonexistent", CLI_EXIT_RUNTIME, NULL,
		   "flowmesh: -o svg needs Graphviz's dot (apt-get install graphviz)\n");
	expect_run(top, NULL, CLI_EXIT_USAGE, NULL,
		   "flowmesh top: standard output is not a terminal; 'flowmesh stat' and 'flowmesh edges' print to pipes and files (try 'flowmesh top --help')\n");
}

/* A database of a newer schema is refused with the store's reason. */
static void test_cli_schema(void **state)
{
	char path[128];
	char *argv[] = { "flowmesh", "edges", "--db", path, NULL };
	sqlite3 *db;
	struct cli_run r;

	(void)state;
	snprintf(path, sizeof(path), "%s/future.db", tmpdir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x); PRAGMA user_version = 99",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	cli_run(argv, NULL, NULL, &r);
	assert_int_equal(r.status, CLI_EXIT_RUNTIME);
	assert_true(!strncmp(r.err, "flowmesh: ", 10));
	assert_non_null(strstr(r.err, "newer"));
	assert_string_equal(r.out, "");
	free(r.out);
	free(r.err);
}

/* Each page has what a man page has, within 80 columns. */
static void test_help(void **state)
{
	static const char *const verbs[] = { "stat", "edges", "routes",
					     "topology", "top", "flows" };
	static const char *const musts[] = {
		"Usage: flowmesh ", "--since TIME|DUR", "--db PATH",
		"Examples:", "Exit status:", "  5  no agent:",
	};
	char *argv[] = { "flowmesh", NULL, "--help", NULL };
	const char *line;
	size_t i, j, len;
	struct cli_run r;

	(void)state;
	for (i = 0; i < sizeof(verbs) / sizeof(*verbs); i++) {
		argv[1] = (char *)verbs[i];
		cli_run(argv, NULL, NULL, &r);
		assert_int_equal(r.status, CLI_EXIT_OK);
		assert_string_equal(r.err, "");
		for (j = 0; j < sizeof(musts) / sizeof(*musts); j++)
			if (!strstr(r.out, musts[j]))
				fail_msg("%s --help lacks '%s'", verbs[i],
					 musts[j]);
		for (line = r.out; *line; line += len + 1) {
			len = strcspn(line, "\n");
			if (len > 80)
				fail_msg("%s --help: line too long: %.*s",
					 verbs[i], (int)len, line);
			if (!line[len])
				break;
		}
		free(r.out);
		free(r.err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_golden),
		cmocka_unit_test(test_edges_golden),
		cmocka_unit_test(test_table_cells),
		cmocka_unit_test(test_routes_golden),
		cmocka_unit_test(test_routes_cells),
		cmocka_unit_test(test_topology_golden),
		cmocka_unit_test(test_topology_escape),
		cmocka_unit_test(test_topology_svg),
		cmocka_unit_test(test_bytes_format),
		cmocka_unit_test(test_top_render),
		cmocka_unit_test(test_flows_history),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_parsed_values),
		cmocka_unit_test(test_cli_database),
		cmocka_unit_test(test_cli_schema),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests_name("metrics_output", tests, setup,
					   teardown);
}
