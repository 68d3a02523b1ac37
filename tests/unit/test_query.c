// SPDX-License-Identifier: GPL-2.0
/*
 * Reading golden metrics back: resolution choice, per service and per
 * edge sums, filters, rates, percentiles, JSON names, closed flows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "lib/query.h"
#include "lib/store.h"
#include "store_fixture.h"

#define T0	1699999200ULL	/* a multiple of 10, 60 and 3600 s */

static int setup(void **state)
{
	struct store_fixture *f;
	char err[FM_STORE_ERR_MAX];

	if (store_fixture_setup(state, "query"))
		return -1;
	f = *state;
	if (fm_store_open(&f->s, f->d.path, FM_STORE_WRITE, err, sizeof(err))) {
		store_fixture_teardown(state);
		return -1;
	}
	return 0;
}

static void raw_exec(struct fm_store *s, const char *sql)
{
	assert_int_equal(sqlite3_exec(fm_store_db(s), sql, NULL, NULL, NULL),
			 SQLITE_OK);
}

static void window(struct fm_window_row *w, uint32_t res, uint64_t start,
		   const char *client, const char *server, uint64_t n)
{
	memset(w, 0, sizeof(*w));
	w->res_s = res;
	w->start_s = start;
	snprintf(w->client, sizeof(w->client), "%s", client);
	snprintf(w->server, sizeof(w->server), "%s", server);
	w->opened = n;
	w->closed = 2 * n;
	w->tx_bytes = 100 * n;
	w->rx_bytes = 200 * n;
	w->tx_packets = 3 * n;
	w->rx_packets = 4 * n;
	w->retransmits = 5 * n;
	w->exchanges = 6 * n;
}

static void put_simple(struct fm_store *s, uint32_t res, uint64_t start,
		       const char *client, const char *server, uint64_t n)
{
	struct fm_window_row w;

	window(&w, res, start, client, server, n);
	put_window_ok(s, &w);
}

static uint32_t resolution(struct fm_store *s, uint64_t from_s,
			   uint64_t to_s)
{
	struct fm_query q = { .from_s = from_s, .to_s = to_s };
	uint32_t res;

	assert_int_equal(fm_query_resolution(s, &q, &res), 0);
	return res;
}

/*
 * The finest resolution with windows in the period, unless a coarser one
 * reaches back further by one of its windows.
 */
static void test_resolution(void **state)
{
	struct store_fixture *f = *state;
	struct fm_query q = { .from_s = T0, .to_s = T0 + 60, .res_s = 60 };
	uint32_t res;

	/* nothing stored: the finest, reading nothing */
	assert_int_equal(resolution(f->s, T0, T0 + 60), FM_RES_FINE);

	/* minutes and hours only */
	put_simple(f->s, FM_RES_MINUTE, T0 - 600, "a", "b", 1);
	put_simple(f->s, FM_RES_HOUR, T0 - 7200, "a", "b", 1);
	assert_int_equal(resolution(f->s, T0 - 600, T0), FM_RES_MINUTE);
	assert_int_equal(resolution(f->s, T0 - 7200, T0), FM_RES_HOUR);

	put_simple(f->s, FM_RES_FINE, T0, "a", "b", 1);
	put_simple(f->s, FM_RES_FINE, T0 + 10, "a", "b", 1);
	assert_int_equal(resolution(f->s, T0, T0 + 60), FM_RES_FINE);
	/*
	 * the agent started within the period: no coarser window starts in
	 * it (the minute before from_s would not count), the fine ones do
	 */
	assert_int_equal(resolution(f->s, T0 - 30, T0 + 30), FM_RES_FINE);
	/* finer rows gone (retention): the coarser ones reach back further */
	assert_int_equal(resolution(f->s, T0 - 600, T0 + 60), FM_RES_MINUTE);
	assert_int_equal(resolution(f->s, T0 - 86400, T0 + 60), FM_RES_HOUR);
	/* a tie goes to the finer */
	put_simple(f->s, FM_RES_MINUTE, T0, "a", "b", 1);
	assert_int_equal(resolution(f->s, T0, T0 + 60), FM_RES_FINE);
	/*
	 * the agent started within a minute that is rolled up: that minute
	 * starts before the first fine window but not a whole minute
	 * before, and the fine windows since the roll-up must not be lost
	 */
	put_simple(f->s, FM_RES_MINUTE, T0 - 60, "a", "b", 1);
	put_simple(f->s, FM_RES_FINE, T0 - 30, "a", "b", 1);
	assert_int_equal(resolution(f->s, T0 - 120, T0 + 60), FM_RES_FINE);
	/* nothing in the period: any reads nothing */
	assert_int_equal(resolution(f->s, T0 + 3600, T0 + 3660), FM_RES_FINE);

	/* a resolution asked for is the one used */
	assert_int_equal(fm_query_resolution(f->s, &q, &res), 0);
	assert_int_equal(res, 60);
}

static const struct fm_metrics_row *find(const struct fm_metrics_rows *rows,
					 const char *client,
					 const char *server)
{
	size_t i;

	for (i = 0; i < rows->len; i++)
		if (!strcmp(rows->v[i].client, client) &&
		    !strcmp(rows->v[i].server, server))
			return &rows->v[i];
	fail_msg("no row %s -> %s", client, server);
	return NULL;
}

/*
 * web -> api (L7), mobile -> api (not L7), api -> db, over two windows;
 * plus a window outside the period.
 */
static void put_mesh(struct fm_store *s)
{
	struct fm_window_row w;
	int i;

	for (i = 0; i < 2; i++) {
		window(&w, FM_RES_FINE, T0 + 10 * i, "web", "api", 1 + i);
		w.l7 = true;
		w.requests = 50;
		w.failures = 5 * i;
		w.sample_rate = i ? 0.5 : 1;
		assert_int_equal(fm_hist_add(&w.latency, 1000 + i, 1), 0);
		assert_int_equal(fm_hist_add(&w.rtt, 200, 1), 0);
		put_window_ok(s, &w);
		window(&w, FM_RES_FINE, T0 + 10 * i, "mobile", "api", 10);
		assert_int_equal(fm_hist_add(&w.latency, 3000, 2), 0);
		put_window_ok(s, &w);
		window(&w, FM_RES_FINE, T0 + 10 * i, "api", "db", 7);
		put_window_ok(s, &w);
	}
	put_simple(s, FM_RES_FINE, T0 + 100, "web", "api", 1000);
	put_simple(s, FM_RES_FINE, T0 + 100, "batch", "db", 1000);
}

static void assert_sums(const struct fm_metrics_row *r, uint64_t n)
{
	assert_int_equal(r->opened, n);
	assert_int_equal(r->closed, 2 * n);
	assert_int_equal(r->tx_bytes, 100 * n);
	assert_int_equal(r->rx_bytes, 200 * n);
	assert_int_equal(r->tx_packets, 3 * n);
	assert_int_equal(r->rx_packets, 4 * n);
	assert_int_equal(r->retransmits, 5 * n);
	assert_int_equal(r->exchanges, 6 * n);
}

static void test_stat_and_edges(void **state)
{
	struct store_fixture *f = *state;
	struct fm_query q = { .from_s = T0, .to_s = T0 + 100 };
	struct fm_metrics_rows stat, edges;
	const struct fm_metrics_row *r;
	size_t i;

	put_mesh(f->s);
	assert_int_equal(fm_query_edges(f->s, &q, &edges), 0);
	assert_int_equal(edges.len, 3);
	/* sorted by client, then server */
	assert_string_equal(edges.v[0].client, "api");
	assert_string_equal(edges.v[1].client, "mobile");
	assert_string_equal(edges.v[2].client, "web");
	r = find(&edges, "web", "api");
	assert_sums(r, 3);
	assert_true(r->l7);
	assert_int_equal(r->requests, 100);
	assert_int_equal(r->failures, 5);
	assert_true(r->sample_rate == 0.5);
	assert_int_equal(r->latency.count, 2);
	assert_int_equal(r->rtt.count, 2);
	assert_int_equal(r->seconds, 100);
	r = find(&edges, "mobile", "api");
	assert_sums(r, 20);
	assert_false(r->l7);
	assert_int_equal(r->latency.count, 4);
	assert_int_equal(r->rtt.count, 0);
	assert_sums(find(&edges, "api", "db"), 14);

	assert_int_equal(fm_query_stat(f->s, &q, &stat), 0);
	assert_int_equal(stat.len, 4);
	/* sorted by name; what each served is the sum of its edges in */
	assert_string_equal(stat.v[0].server, "api");
	assert_string_equal(stat.v[1].server, "db");
	assert_string_equal(stat.v[2].server, "mobile");
	assert_string_equal(stat.v[3].server, "web");
	for (i = 0; i < stat.len; i++)
		assert_string_equal(stat.v[i].client, "");
	assert_sums(&stat.v[0], 23);
	assert_true(stat.v[0].l7);
	assert_int_equal(stat.v[0].requests, 100);
	assert_int_equal(stat.v[0].latency.count, 6);
	assert_int_equal(stat.v[0].rtt.count, 2);
	assert_sums(&stat.v[1], 14);
	assert_false(stat.v[1].l7);
	/* callers only: listed, nothing served */
	for (i = 2; i < 4; i++) {
		assert_sums(&stat.v[i], 0);
		assert_false(stat.v[i].l7);
		assert_int_equal(stat.v[i].latency.count, 0);
		assert_int_equal(stat.v[i].rtt.count, 0);
		assert_int_equal(stat.v[i].seconds, 100);
	}
	fm_metrics_rows_free(&stat);
	fm_metrics_rows_free(&edges);

	/* an empty period is an empty list */
	q.from_s = T0 + 200;
	q.to_s = T0 + 300;
	assert_int_equal(fm_query_stat(f->s, &q, &stat), 0);
	assert_int_equal(stat.len, 0);
	fm_metrics_rows_free(&stat);
}

static void test_filters(void **state)
{
	struct store_fixture *f = *state;
	struct fm_query q = { .from_s = T0, .to_s = T0 + 100 };
	struct fm_metrics_rows rows;

	put_mesh(f->s);
	q.service = "api";
	assert_int_equal(fm_query_stat(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 1);
	assert_string_equal(rows.v[0].server, "api");
	assert_sums(&rows.v[0], 23);
	fm_metrics_rows_free(&rows);

	q.service = "web";	/* a caller only */
	assert_int_equal(fm_query_stat(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 1);
	assert_string_equal(rows.v[0].server, "web");
	assert_sums(&rows.v[0], 0);
	fm_metrics_rows_free(&rows);

	q.service = "nobody";
	assert_int_equal(fm_query_stat(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 0);
	fm_metrics_rows_free(&rows);

	q.service = NULL;
	q.server = "api";
	assert_int_equal(fm_query_edges(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 2);
	assert_string_equal(rows.v[0].client, "mobile");
	assert_string_equal(rows.v[1].client, "web");
	fm_metrics_rows_free(&rows);

	q.client = "web";
	assert_int_equal(fm_query_edges(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 1);
	assert_string_equal(rows.v[0].server, "api");
	fm_metrics_rows_free(&rows);

	q.server = NULL;
	q.client = "api";
	assert_int_equal(fm_query_edges(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 1);
	assert_string_equal(rows.v[0].server, "db");
	fm_metrics_rows_free(&rows);
}

static void test_rates(void **state)
{
	struct fm_metrics_row r = { .seconds = 50, .exchanges = 25 };

	(void)state;
	/* not L7: exchanges per second, success unknown */
	assert_true(fm_metrics_rps(&r) == 0.5);
	assert_true(fm_metrics_success_rate(&r) < 0);
	/* L7: requests per second */
	r.l7 = true;
	r.requests = 100;
	r.failures = 5;
	assert_true(fm_metrics_rps(&r) == 2);
	assert_true(fm_metrics_success_rate(&r) == 0.95);
	r.failures = 0;
	assert_true(fm_metrics_success_rate(&r) == 1);
	/* scaled estimates that disagree never go below 0 */
	r.failures = 101;
	assert_true(fm_metrics_success_rate(&r) == 0);
	/* no requests: unknown, and no time: unknown */
	r.requests = 0;
	r.failures = 0;
	assert_true(fm_metrics_success_rate(&r) < 0);
	assert_true(fm_metrics_rps(&r) == 0);
	r.seconds = 0;
	assert_true(fm_metrics_rps(&r) < 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_percentiles(void **state)
{
	static const double qs[] = { 0.5, 0.95, 0.99 };
	struct store_fixture *f = *state;
	struct fm_query q = { .from_s = T0, .to_s = T0 + 3600 };
	enum { N = 5000, WINDOWS = 50 };
	uint64_t *v = calloc(N, sizeof(*v)), seed = 12345, exact;
	struct fm_metrics_rows rows;
	struct fm_window_row w;
	double got;
	size_t i, k;

	assert_non_null(v);
	/* a long-tailed mix of latencies, spread over many windows */
	for (i = 0; i < N; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		v[i] = 50 + (seed >> 33) % 2000;
		if (i % 20 == 0)
			v[i] *= 40;
	}
	for (k = 0; k < WINDOWS; k++) {
		window(&w, FM_RES_FINE, T0 + 10 * k, "a", "b", 1);
		for (i = k; i < N; i += WINDOWS)
			assert_int_equal(fm_hist_add(&w.latency, v[i], 1), 0);
		put_window_ok(f->s, &w);
	}
	assert_int_equal(fm_query_edges(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 1);
	assert_int_equal(rows.v[0].latency.count, N);
	qsort(v, N, sizeof(*v), cmp_u64);
	for (i = 0; i < sizeof(qs) / sizeof(*qs); i++) {
		/* nearest rank */
		k = (size_t)(qs[i] * N + 0.999999) - 1;
		exact = v[k];
		got = (double)fm_hist_quantile(&rows.v[0].latency, qs[i]);
		if (got < exact * 0.99 || got > exact * 1.01)
			fail_msg("p%g: %g, exact %llu", qs[i] * 100, got,
				 (unsigned long long)exact);
	}
	fm_metrics_rows_free(&rows);
	free(v);
}

static void assert_quantiles(json_t *obj, bool null)
{
	static const char *const keys[] = { "p50", "p95", "p99" };
	size_t i;

	assert_true(json_is_object(obj));
	assert_int_equal(json_object_size(obj), 3);
	for (i = 0; i < 3; i++) {
		json_t *v = json_object_get(obj, keys[i]);

		assert_non_null(v);
		assert_true(null ? json_is_null(v) : json_is_real(v));
	}
}

/* Every metric name, and the type of its value in @row. */
static void assert_metrics_json(json_t *row, size_t names)
{
	static const char *const counters[] = {
		"connections", "connections_closed", "tx_bytes", "rx_bytes",
		"tx_packets", "rx_packets", "retransmits", "exchanges",
		"window_s",
	};
	size_t i;

	assert_true(json_is_object(row));
	for (i = 0; i < sizeof(counters) / sizeof(*counters); i++)
		if (!json_is_integer(json_object_get(row, counters[i])))
			fail_msg("%s is not an integer", counters[i]);
	assert_non_null(json_object_get(row, "requests"));
	assert_non_null(json_object_get(row, "rps"));
	assert_non_null(json_object_get(row, "success_rate"));
	assert_true(json_is_boolean(json_object_get(row, "estimated")));
	assert_non_null(json_object_get(row, "latency_ms"));
	assert_non_null(json_object_get(row, "rtt_ms"));
	/* nothing else */
	assert_int_equal(json_object_size(row), names + 15);
}

static json_t *get(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		fail_msg("no \"%s\"", key);
	return v;
}

static void test_json(void **state)
{
	struct store_fixture *f = *state;
	struct fm_query q = { .from_s = T0, .to_s = T0 + 100 };
	struct fm_metrics_rows stat, edges;
	json_t *j, *row, *lat;
	size_t i;

	put_mesh(f->s);
	assert_int_equal(fm_query_stat(f->s, &q, &stat), 0);
	assert_int_equal(fm_query_edges(f->s, &q, &edges), 0);

	j = fm_stat_rows_to_json(&stat);
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 4);
	json_array_foreach(j, i, row)
		assert_metrics_json(row, 1);
	/* api: L7, estimated, with samples */
	row = json_array_get(j, 0);
	assert_string_equal(json_string_value(get(row, "service")), "api");
	assert_int_equal(json_integer_value(get(row, "connections")), 23);
	assert_int_equal(json_integer_value(get(row, "connections_closed")),
			 46);
	assert_int_equal(json_integer_value(get(row, "requests")), 100);
	assert_true(json_real_value(get(row, "rps")) == 1.0);
	assert_true(json_real_value(get(row, "success_rate")) == 0.95);
	assert_true(json_is_true(get(row, "estimated")));
	assert_int_equal(json_integer_value(get(row, "window_s")), 100);
	lat = get(row, "latency_ms");
	assert_quantiles(lat, false);
	/* 6 samples: 1000, 1001, 3000 x 4 us; exact below 256 us only */
	assert_true(json_real_value(get(lat, "p99")) > 2.98 &&
		    json_real_value(get(lat, "p99")) < 3.02);
	assert_quantiles(get(row, "rtt_ms"), false);
	assert_true(json_real_value(get(get(row, "rtt_ms"), "p50")) == 0.2);
	/* db: not L7, no samples */
	row = json_array_get(j, 1);
	assert_true(json_is_null(get(row, "requests")));
	assert_true(json_is_null(get(row, "success_rate")));
	assert_true(json_is_false(get(row, "estimated")));
	assert_true(json_real_value(get(row, "rps")) == 0.84);	/* 84/100 */
	assert_quantiles(get(row, "latency_ms"), true);
	assert_quantiles(get(row, "rtt_ms"), true);
	json_decref(j);

	j = fm_edge_rows_to_json(&edges);
	assert_int_equal(json_array_size(j), 3);
	json_array_foreach(j, i, row)
		assert_metrics_json(row, 2);
	row = json_array_get(j, 2);
	assert_string_equal(json_string_value(get(row, "client")), "web");
	assert_string_equal(json_string_value(get(row, "server")), "api");
	assert_null(json_object_get(row, "service"));
	json_decref(j);

	j = fm_topology_to_json(&stat, &edges);
	assert_int_equal(json_object_size(j), 2);
	assert_int_equal(json_array_size(get(j, "nodes")), 4);
	assert_int_equal(json_array_size(get(j, "edges")), 3);
	json_array_foreach(get(j, "nodes"), i, row) {
		assert_metrics_json(row, 1);
		assert_string_equal(json_string_value(get(row, "name")),
				    stat.v[i].server);
	}
	json_array_foreach(get(j, "edges"), i, row)
		assert_metrics_json(row, 2);
	json_decref(j);

	/* rps to three decimals; no time: null */
	stat.v[1].exchanges = 2;
	stat.v[1].seconds = 3;
	j = fm_stat_rows_to_json(&stat);
	assert_true(json_real_value(get(json_array_get(j, 1), "rps")) ==
		    0.667);
	json_decref(j);
	stat.v[1].seconds = 0;
	j = fm_stat_rows_to_json(&stat);
	assert_true(json_is_null(get(json_array_get(j, 1), "rps")));
	json_decref(j);

	fm_metrics_rows_free(&stat);
	fm_metrics_rows_free(&edges);
}

static void put_flow(struct fm_store *s, uint64_t id, uint64_t closed_s,
		     const char *client, const char *server)
{
	struct fm_flow_row fr = { 0 };

	fr.rec.flow_id = id;
	fr.rec.time_ns = closed_s * 1000000000ULL + 500;
	fr.rec.family = AF_INET;
	fr.rec.proto = IPPROTO_TCP;
	fr.rec.state = FLOWMESH_STATE_CLOSED;
	fr.rec.client[0] = 10;
	fr.rec.client[3] = (uint8_t)id;
	fr.rec.server[0] = 10;
	fr.rec.server[3] = 200;
	fr.rec.client_port = 30000;
	fr.rec.server_port = 8080;
	fr.rec.tx_bytes = id * 100;
	fr.rec.rtt_samples = 2;
	fr.rec.rtt_sum_us = 300;
	fr.rec.rtt_min_us = 100;
	fr.rec.rtt_max_us = 200;
	fr.rec.response_count = 1;
	fr.rec.response_sum_us = 900;
	fr.rec.response_max_us = 900;
	fr.rec.retransmits = 4;
	fr.rec.rtt_hs_client_us = 50;
	fr.opened_ns = closed_s * 1000000000ULL - 1000000000ULL;
	strcpy(fr.client_service, client);
	strcpy(fr.server_service, server);
	assert_int_equal(fm_store_put_flow(s, &fr), 0);
}

static void test_flows(void **state)
{
	struct store_fixture *f = *state;
	struct fm_query q = { .from_s = T0, .to_s = T0 + 100 };
	struct fm_flows flows;
	json_t *j;

	put_flow(f->s, 3, T0 + 30, "web", "api");
	put_flow(f->s, 1, T0 + 10, "web", "api");
	put_flow(f->s, 2, T0 + 20, "api", "db");
	put_flow(f->s, 4, T0 - 1, "web", "api");	/* before */
	put_flow(f->s, 5, T0 + 100, "web", "api");	/* after */

	assert_int_equal(fm_query_flows(f->s, &q, 0, &flows), 0);
	assert_int_equal(flows.len, 3);
	assert_int_equal(flows.v[0].id, 1);
	assert_int_equal(flows.v[1].id, 2);
	assert_int_equal(flows.v[2].id, 3);
	assert_int_equal(flows.v[0].last_seen_ns,
			 (T0 + 10) * 1000000000ULL + 500);
	assert_int_equal(flows.v[0].first_seen_ns, (T0 + 9) * 1000000000ULL);
	assert_int_equal(flows.v[0].tx_bytes, 100);
	assert_int_equal(flows.v[0].client[3], 1);
	assert_int_equal(flows.v[0].rtt.count, 2);
	assert_int_equal(flows.v[0].response.sum_us, 900);
	assert_true(fm_flow_has(&flows.v[0], FLOWMESH_FLOW_A_ID));
	assert_true(fm_flow_has(&flows.v[0], FLOWMESH_FLOW_A_STATE));
	assert_false(fm_flow_has(&flows.v[0], FLOWMESH_FLOW_A_TCP_FLAGS_TX));

	/* the same JSON as live flows */
	j = fm_flow_to_json(&flows.v[0]);
	assert_non_null(j);
	assert_int_equal(json_integer_value(get(j, "id")), 1);
	assert_string_equal(json_string_value(get(j, "state")), "closed");
	assert_string_equal(json_string_value(get(j, "client")), "10.0.0.1");
	assert_int_equal(json_integer_value(get(j, "retransmits")), 4);
	assert_int_equal(json_integer_value(get(j,
				"rtt_handshake_client_us")), 50);
	assert_true(json_is_null(get(j, "rtt_handshake_server_us")));
	assert_true(json_is_null(get(j, "tcp_flags_tx")));
	assert_int_equal(json_integer_value(get(get(j, "rtt_us"), "samples")),
			 2);
	json_decref(j);
	fm_flows_free(&flows);

	/* oldest first, up to the limit */
	assert_int_equal(fm_query_flows(f->s, &q, 2, &flows), 0);
	assert_int_equal(flows.len, 2);
	assert_int_equal(flows.v[1].id, 2);
	fm_flows_free(&flows);

	q.client = "web";
	assert_int_equal(fm_query_flows(f->s, &q, 0, &flows), 0);
	assert_int_equal(flows.len, 2);
	assert_int_equal(flows.v[0].id, 1);
	assert_int_equal(flows.v[1].id, 3);
	fm_flows_free(&flows);
	q.client = NULL;
	q.server = "db";
	assert_int_equal(fm_query_flows(f->s, &q, 0, &flows), 0);
	assert_int_equal(flows.len, 1);
	assert_int_equal(flows.v[0].id, 2);
	fm_flows_free(&flows);
}

/* Stored data that is not what the store writes: an error, not a guess. */
static void test_malformed(void **state)
{
	struct store_fixture *f = *state;
	struct fm_query q = { .from_s = T0, .to_s = T0 + 100 };
	struct fm_metrics_rows rows;
	struct fm_flows flows;

	put_mesh(f->s);
	put_flow(f->s, 1, T0 + 10, "web", "api");

	raw_exec(f->s, "UPDATE windows SET latency = x'0102' WHERE"
		 " client = 'mobile'");
	assert_int_not_equal(fm_query_stat(f->s, &q, &rows), 0);
	assert_null(rows.v);
	assert_non_null(strstr(fm_store_errmsg(f->s), "malformed histogram"));
	assert_int_not_equal(fm_query_edges(f->s, &q, &rows), 0);
	raw_exec(f->s, "UPDATE windows SET latency = NULL");
	assert_int_equal(fm_query_edges(f->s, &q, &rows), 0);
	fm_metrics_rows_free(&rows);

	raw_exec(f->s, "UPDATE windows SET tx_bytes = 'lots'"
		 " WHERE client = 'api'");
	assert_int_equal(fm_query_edges(f->s, &q, &rows), -EBADMSG);
	assert_non_null(strstr(fm_store_errmsg(f->s), "malformed"));
	raw_exec(f->s, "UPDATE windows SET tx_bytes = 1, opened = -5"
		 " WHERE client = 'api'");
	assert_int_equal(fm_query_edges(f->s, &q, &rows), -EBADMSG);
	raw_exec(f->s, "UPDATE windows SET opened = 1, sample_rate = 2"
		 " WHERE client = 'web'");
	assert_int_equal(fm_query_edges(f->s, &q, &rows), -EBADMSG);
	raw_exec(f->s, "UPDATE windows SET sample_rate = 1,"
		 " client = printf('%100s', 'x') WHERE client = 'web'");
	assert_int_equal(fm_query_edges(f->s, &q, &rows), -EBADMSG);

	raw_exec(f->s, "UPDATE flows SET proto = 99");
	assert_int_equal(fm_query_flows(f->s, &q, 0, &flows), -EBADMSG);
	assert_null(flows.v);
	raw_exec(f->s, "UPDATE flows SET proto = 6, server = x'00'");
	assert_int_equal(fm_query_flows(f->s, &q, 0, &flows), -EBADMSG);
	raw_exec(f->s, "UPDATE flows SET server = zeroblob(16),"
		 " rtt_samples = 4294967296");
	assert_int_equal(fm_query_flows(f->s, &q, 0, &flows), -EBADMSG);
	assert_non_null(strstr(fm_store_errmsg(f->s), "closed flow"));
}

static void put_route(struct fm_store *s, uint64_t start, const char *client,
		      const char *server, const char *protocol,
		      const char *method, const char *route, uint64_t requests,
		      uint64_t failures, double rate, uint64_t latency_us)
{
	struct fm_route_row r = { .res_s = FM_RES_FINE, .start_s = start };

	snprintf(r.client, sizeof(r.client), "%s", client);
	snprintf(r.server, sizeof(r.server), "%s", server);
	snprintf(r.protocol, sizeof(r.protocol), "%s", protocol);
	snprintf(r.method, sizeof(r.method), "%s", method);
	snprintf(r.route, sizeof(r.route), "%s", route);
	r.requests = requests;
	r.failures = failures;
	r.sample_rate = rate;
	assert_int_equal(fm_hist_add(&r.latency, latency_us, 1), 0);
	assert_int_equal(fm_store_put_route(s, &r), 0);
	fm_hist_free(&r.latency);
}

/* Two clients of api, one of db; a window beyond the period. */
static void put_routes(struct fm_store *s)
{
	/* the resolution is chosen from the windows */
	put_simple(s, FM_RES_FINE, T0, "web", "api", 1);
	put_route(s, T0, "web", "api", "http", "GET", "/users/{id}", 40, 4,
		  0.25, 2000);
	put_route(s, T0 + 10, "web", "api", "http", "GET", "/users/{id}", 8,
		  0, 1, 4000);
	put_route(s, T0, "mobile", "api", "http", "GET", "/users/{id}", 12,
		  12, 1, 9000);
	put_route(s, T0, "web", "api", "grpc", "POST", "/pkg.Svc/Get", 10, 0,
		  1, 500);
	put_route(s, T0, "api", "db", "postgresql", "QUERY", "SELECT", 100, 1,
		  1, 300);
	put_route(s, T0 + 100, "web", "api", "http", "GET", "/later", 1, 0, 1,
		  100);
}

static const struct fm_route_metrics *find_route(const struct fm_route_rows *rows,
						 const char *server,
						 const char *route)
{
	size_t i;

	for (i = 0; i < rows->len; i++)
		if (!strcmp(rows->v[i].server, server) &&
		    !strcmp(rows->v[i].route, route))
			return &rows->v[i];
	return NULL;
}

static void test_routes(void **state)
{
	struct store_fixture *f = *state;
	struct fm_query q = { .from_s = T0, .to_s = T0 + 20 };
	const struct fm_route_metrics *r;
	struct fm_route_rows rows;

	put_routes(f->s);
	assert_int_equal(fm_query_routes(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 3);
	/* sorted by server, protocol, route */
	assert_string_equal(rows.v[0].server, "api");
	assert_string_equal(rows.v[0].protocol, "grpc");
	assert_string_equal(rows.v[1].protocol, "http");
	assert_string_equal(rows.v[2].server, "db");
	/* summed over clients and windows; the least sample rate */
	r = find_route(&rows, "api", "/users/{id}");
	assert_non_null(r);
	assert_string_equal(r->client, "");
	assert_string_equal(r->method, "GET");
	assert_int_equal(r->requests, 60);
	assert_int_equal(r->failures, 16);
	assert_true(r->sample_rate == 0.25);
	assert_int_equal(r->latency.count, 3);
	assert_int_equal(r->seconds, 20);
	assert_true(fm_route_rps(r) == 3.0);
	assert_true(fm_route_success_rate(r) == 44.0 / 60);
	fm_route_rows_free(&rows);

	/* filters: the server, the client, the protocol */
	q.service = "api";
	q.client = "web";
	q.protocol = "http";
	assert_int_equal(fm_query_routes(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 1);
	assert_string_equal(rows.v[0].client, "web");
	assert_int_equal(rows.v[0].requests, 48);
	assert_int_equal(rows.v[0].failures, 4);
	fm_route_rows_free(&rows);
	q.client = NULL;
	q.protocol = "redis";
	assert_int_equal(fm_query_routes(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 0);
	fm_route_rows_free(&rows);
	q.protocol = NULL;
	q.service = "db";
	assert_int_equal(fm_query_routes(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 1);
	assert_string_equal(rows.v[0].route, "SELECT");
	fm_route_rows_free(&rows);
}

static void test_routes_json(void **state)
{
	struct store_fixture *f = *state;
	struct fm_query q = { .from_s = T0, .to_s = T0 + 20 };
	struct fm_route_rows rows;
	json_t *json, *row, *lat;

	put_routes(f->s);
	q.service = "api";
	q.protocol = "http";
	assert_int_equal(fm_query_routes(f->s, &q, &rows), 0);
	json = fm_route_rows_to_json(&rows);
	assert_non_null(json);
	assert_int_equal(json_array_size(json), 1);
	row = json_array_get(json, 0);
	assert_int_equal(json_object_size(row), 12);
	assert_true(json_is_null(json_object_get(row, "client")));
	assert_string_equal(json_string_value(json_object_get(row, "server")),
			    "api");
	assert_string_equal(json_string_value(json_object_get(row,
							      "protocol")),
			    "http");
	assert_string_equal(json_string_value(json_object_get(row, "method")),
			    "GET");
	assert_string_equal(json_string_value(json_object_get(row, "route")),
			    "/users/{id}");
	assert_int_equal(json_integer_value(json_object_get(row, "requests")),
			 60);
	assert_true(json_real_value(json_object_get(row, "rps")) == 3.0);
	assert_true(json_real_value(json_object_get(row, "success_rate")) ==
		    0.733333);
	assert_true(json_is_true(json_object_get(row, "estimated")));
	assert_true(json_real_value(json_object_get(row, "sample_rate")) ==
		    0.25);
	lat = json_object_get(row, "latency_ms");
	assert_true(json_real_value(json_object_get(lat, "p50")) ==
		    fm_hist_quantile(&rows.v[0].latency, 0.5) / 1000.0);
	assert_true(json_real_value(json_object_get(lat, "p99")) ==
		    fm_hist_quantile(&rows.v[0].latency, 0.99) / 1000.0);
	assert_true(json_real_value(json_object_get(lat, "p50")) > 3.9 &&
		    json_real_value(json_object_get(lat, "p50")) < 4.1);
	assert_int_equal(json_integer_value(json_object_get(row, "window_s")),
			 20);
	json_decref(json);
	fm_route_rows_free(&rows);

	/* no requests: rates unknown; an empty period: no rate */
	memset(&rows, 0, sizeof(rows));
	rows.v = calloc(1, sizeof(*rows.v));
	assert_non_null(rows.v);
	rows.len = 1;
	snprintf(rows.v[0].client, sizeof(rows.v[0].client), "web");
	rows.v[0].sample_rate = 1;
	json = fm_route_rows_to_json(&rows);
	row = json_array_get(json, 0);
	assert_string_equal(json_string_value(json_object_get(row, "client")),
			    "web");
	assert_true(json_is_null(json_object_get(row, "rps")));
	assert_true(json_is_null(json_object_get(row, "success_rate")));
	assert_true(json_is_false(json_object_get(row, "estimated")));
	assert_true(json_is_null(json_object_get(json_object_get(row,
				"latency_ms"), "p50")));
	json_decref(json);
	fm_route_rows_free(&rows);
}

/* Edges and services carry the L7 figures of their windows. */
static void test_l7_in_stat_and_edges(void **state)
{
	struct store_fixture *f = *state;
	struct fm_query q = { .from_s = T0, .to_s = T0 + 10 };
	struct fm_metrics_rows rows;
	struct fm_window_row w;
	json_t *json, *row;

	window(&w, FM_RES_FINE, T0, "web", "api", 1);
	w.l7 = true;
	w.requests = 40;
	w.failures = 10;
	w.sample_rate = 0.5;
	put_window_ok(f->s, &w);
	put_simple(f->s, FM_RES_FINE, T0, "mobile", "api", 1);
	assert_int_equal(fm_query_stat(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 3);
	assert_string_equal(rows.v[0].server, "api");
	assert_true(rows.v[0].l7);
	assert_int_equal(rows.v[0].requests, 40);
	json = fm_stat_rows_to_json(&rows);
	row = json_array_get(json, 0);
	assert_int_equal(json_integer_value(json_object_get(row, "requests")),
			 40);
	assert_true(json_real_value(json_object_get(row, "rps")) == 4.0);
	assert_true(json_real_value(json_object_get(row, "success_rate")) ==
		    0.75);
	assert_true(json_is_true(json_object_get(row, "estimated")));
	json_decref(json);
	fm_metrics_rows_free(&rows);

	assert_int_equal(fm_query_edges(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 2);
	/* mobile -> api had no L7 data: unknown, not zero */
	assert_false(rows.v[0].l7);
	assert_true(fm_metrics_success_rate(&rows.v[0]) < 0);
	assert_true(rows.v[1].l7);
	assert_true(fm_metrics_success_rate(&rows.v[1]) == 0.75);
	fm_metrics_rows_free(&rows);
}

static void test_routes_malformed(void **state)
{
	struct store_fixture *f = *state;
	struct fm_query q = { .from_s = T0, .to_s = T0 + 20 };
	struct fm_route_rows rows;

	put_routes(f->s);
	raw_exec(f->s, "UPDATE routes SET latency = x'0102'"
		 " WHERE server = 'db'");
	assert_int_not_equal(fm_query_routes(f->s, &q, &rows), 0);
	assert_null(rows.v);
	raw_exec(f->s, "UPDATE routes SET latency = NULL, requests = -1"
		 " WHERE server = 'db'");
	assert_int_equal(fm_query_routes(f->s, &q, &rows), -EBADMSG);
	assert_non_null(strstr(fm_store_errmsg(f->s), "malformed route"));
	raw_exec(f->s, "UPDATE routes SET requests = 1, sample_rate = 0"
		 " WHERE server = 'db'");
	assert_int_equal(fm_query_routes(f->s, &q, &rows), -EBADMSG);
	raw_exec(f->s, "UPDATE routes SET sample_rate = 1,"
		 " route = printf('%200s', 'x') WHERE server = 'db'");
	assert_int_equal(fm_query_routes(f->s, &q, &rows), -EBADMSG);
	raw_exec(f->s, "UPDATE routes SET route = 'SELECT', protocol = ''"
		 " WHERE server = 'db'");
	assert_int_equal(fm_query_routes(f->s, &q, &rows), -EBADMSG);
	raw_exec(f->s, "UPDATE routes SET protocol = x'07' WHERE server = 'db'");
	assert_int_equal(fm_query_routes(f->s, &q, &rows), -EBADMSG);
	raw_exec(f->s, "UPDATE routes SET protocol = 'postgresql'"
		 " WHERE server = 'db'");
	assert_int_equal(fm_query_routes(f->s, &q, &rows), 0);
	assert_int_equal(rows.len, 3);
	fm_route_rows_free(&rows);
}

/* Each test on a store of its own. */
#define STORE_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, setup, store_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_resolution),
		STORE_TEST(test_stat_and_edges),
		STORE_TEST(test_filters),
		cmocka_unit_test(test_rates),
		STORE_TEST(test_percentiles),
		STORE_TEST(test_json),
		STORE_TEST(test_flows),
		STORE_TEST(test_malformed),
		STORE_TEST(test_routes),
		STORE_TEST(test_routes_json),
		STORE_TEST(test_l7_in_stat_and_edges),
		STORE_TEST(test_routes_malformed),
	};

	return cmocka_run_group_tests_name("query", tests, NULL, NULL);
}
