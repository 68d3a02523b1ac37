// SPDX-License-Identifier: GPL-2.0
/*
 * The aggregator: deltas of cumulative records into windows, samples into
 * histograms, duplicate observations, bounds, late records, grace, flush
 * failures, restore after a restart, service names, and L7 requests into
 * edges and routes.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <linux/flowmesh.h>
#include "daemon/aggregate.h"
#include "nlbuild.h"

#define NS		1000000000ull
#define T0		1700000000ull	/* a multiple of every window here */
#define AT(s)		((T0 + (s)) * NS)
#define MAX_ROWS	64

enum fail_point {
	FAIL_NONE, FAIL_WINDOW, FAIL_ROUTE, FAIL_CLOSED, FAIL_LIVE, FAIL_GONE
};

struct collected {
	struct fm_window_row win[MAX_ROWS];
	size_t nwin;
	struct fm_route_row routes[MAX_ROWS];
	size_t nroutes;
	struct fm_flow_row flows[MAX_ROWS];
	size_t nflows;
	struct fm_live_flow live[MAX_ROWS];
	size_t nlive;
	uint64_t gone[MAX_ROWS];
	size_t ngone;
	enum fail_point fail;
};

static int on_window(void *ctx, const struct fm_window_row *row)
{
	struct collected *c = ctx;
	struct fm_window_row *copy;

	if (c->fail == FAIL_WINDOW)
		return -EIO;
	assert_true(c->nwin < MAX_ROWS);
	copy = &c->win[c->nwin++];
	*copy = *row;
	/* the aggregator frees its histograms once the flush is done */
	memset(&copy->latency, 0, sizeof(copy->latency));
	memset(&copy->rtt, 0, sizeof(copy->rtt));
	assert_int_equal(fm_hist_merge(&copy->latency, &row->latency), 0);
	assert_int_equal(fm_hist_merge(&copy->rtt, &row->rtt), 0);
	return 0;
}

static int on_route(void *ctx, const struct fm_route_row *row)
{
	struct collected *c = ctx;
	struct fm_route_row *copy;

	if (c->fail == FAIL_ROUTE)
		return -EIO;
	assert_true(c->nroutes < MAX_ROWS);
	copy = &c->routes[c->nroutes++];
	*copy = *row;
	memset(&copy->latency, 0, sizeof(copy->latency));
	assert_int_equal(fm_hist_merge(&copy->latency, &row->latency), 0);
	return 0;
}

static int on_closed(void *ctx, const struct fm_flow_row *row)
{
	struct collected *c = ctx;

	if (c->fail == FAIL_CLOSED)
		return -EIO;
	assert_true(c->nflows < MAX_ROWS);
	c->flows[c->nflows++] = *row;
	return 0;
}

static int on_live(void *ctx, const struct fm_live_flow *lf)
{
	struct collected *c = ctx;

	if (c->fail == FAIL_LIVE)
		return -EIO;
	assert_true(c->nlive < MAX_ROWS);
	c->live[c->nlive++] = *lf;
	return 0;
}

static int on_gone(void *ctx, uint64_t flow_id)
{
	struct collected *c = ctx;

	if (c->fail == FAIL_GONE)
		return -EIO;
	assert_true(c->ngone < MAX_ROWS);
	c->gone[c->ngone++] = flow_id;
	return 0;
}

static void collected_reset(struct collected *c)
{
	size_t i;

	for (i = 0; i < c->nwin; i++) {
		fm_hist_free(&c->win[i].latency);
		fm_hist_free(&c->win[i].rtt);
	}
	for (i = 0; i < c->nroutes; i++)
		fm_hist_free(&c->routes[i].latency);
	memset(c, 0, sizeof(*c));
}

static int flush(struct fm_aggregator *agg, uint64_t now_ns, bool all,
		 struct collected *c)
{
	const struct fm_agg_sink sink = {
		.window = on_window,
		.route = on_route,
		.flow_closed = on_closed,
		.live = on_live,
		.live_gone = on_gone,
		.ctx = c,
	};

	return fm_agg_flush(agg, now_ns, all, &sink);
}

static const struct fm_agg_config default_cfg = {
	.window_s = 10,
	.grace_s = 5,
	.max_series = 100,
	.max_flows = 100,
};

static struct fm_aggregator *agg_new(const struct fm_agg_config *cfg,
				     const struct fm_identity_map *ids)
{
	struct fm_aggregator *agg;

	assert_int_equal(fm_agg_new(&agg, cfg ? cfg : &default_cfg, ids), 0);
	assert_non_null(agg);
	return agg;
}

/*
 * A record of flow @id (IPv4 TCP 198.18.0.2:43512 -> 198.18.0.1:80) with
 * totals derived from @tx and @rx, so every counter moves.
 */
static void rec_make(struct flowmesh_record *r, uint8_t type, uint64_t id,
		     uint64_t time_ns, uint64_t tx, uint64_t rx)
{
	nlb_record_sample(r, 0);
	r->type = type;
	r->flow_id = id;
	r->time_ns = time_ns;
	r->tx_bytes = tx;
	r->tx_packets = tx / 100;
	r->rx_bytes = rx;
	r->rx_packets = rx / 100;
	r->retransmits = (uint32_t)(tx / 1000);
	r->response_count = (uint32_t)(rx / 1000);
	r->value_us = 0;
}

static void feed(struct fm_aggregator *agg, uint8_t type, uint64_t id,
		 uint64_t time_ns, uint64_t tx, uint64_t rx)
{
	struct flowmesh_record r;

	rec_make(&r, type, id, time_ns, tx, rx);
	assert_int_equal(fm_agg_record(agg, &r), 0);
}

static const struct fm_window_row *find_row(const struct collected *c,
					    uint64_t start_s,
					    const char *client,
					    const char *server)
{
	size_t i;

	for (i = 0; i < c->nwin; i++)
		if (c->win[i].start_s == start_s &&
		    !strcmp(c->win[i].client, client) &&
		    !strcmp(c->win[i].server, server))
			return &c->win[i];
	return NULL;
}

/* The row of the test flow's edge in the window starting T0 + @s. */
static const struct fm_window_row *row_at(const struct collected *c,
					  uint64_t s)
{
	return find_row(c, T0 + s, "198.18.0.2", "198.18.0.1");
}

/* Every record lands in exactly one outcome counter. */
static void assert_outcomes_add_up(const struct fm_aggregator *agg)
{
	const struct fm_agg_counters *c = fm_agg_counters(agg);

	assert_int_equal(c->records,
			 c->opens + c->updates + c->closes + c->rtt_samples +
			 c->response_samples + c->duplicates +
			 c->unknown_type);
}

static void test_new_rejects_zero_window(void **state)
{
	struct fm_agg_config cfg = default_cfg;
	struct fm_aggregator *agg = (void *)1;

	(void)state;
	cfg.window_s = 0;
	assert_int_equal(fm_agg_new(&agg, &cfg, NULL), -EINVAL);
	assert_null(agg);
	fm_agg_free(NULL);
}

static void test_deltas_split_across_windows(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	const struct fm_agg_counters *cnt = fm_agg_counters(agg);
	struct collected c = { 0 };
	const struct fm_window_row *w0, *w1, *w2;
	struct flowmesh_record last;

	(void)state;
	feed(agg, FLOWMESH_REC_OPEN, 7, AT(100) + 200000000, 100, 0);
	feed(agg, FLOWMESH_REC_UPDATE, 7, AT(105), 1200, 3400);
	feed(agg, FLOWMESH_REC_UPDATE, 7, AT(112), 5300, 9000);
	rec_make(&last, FLOWMESH_REC_CLOSE, 7, AT(125), 7700, 12100);
	assert_int_equal(fm_agg_record(agg, &last), 0);
	assert_int_equal(cnt->records, 4);
	assert_int_equal(cnt->opens, 1);
	assert_int_equal(cnt->updates, 2);
	assert_int_equal(cnt->closes, 1);
	assert_int_equal(cnt->live_flows, 0);
	assert_int_equal(cnt->open_windows, 3);
	assert_outcomes_add_up(agg);

	assert_int_equal(flush(agg, AT(126), true, &c), 0);
	assert_int_equal(c.nwin, 3);
	w0 = row_at(&c, 100);
	w1 = row_at(&c, 110);
	w2 = row_at(&c, 120);
	assert_non_null(w0);
	assert_non_null(w1);
	assert_non_null(w2);
	assert_int_equal(w0->res_s, 10);
	assert_int_equal(w0->tx_bytes, 1200);
	assert_int_equal(w1->tx_bytes, 5300 - 1200);
	assert_int_equal(w2->tx_bytes, 7700 - 5300);
	assert_int_equal(w0->tx_bytes + w1->tx_bytes + w2->tx_bytes,
			 last.tx_bytes);
	assert_int_equal(w0->rx_bytes + w1->rx_bytes + w2->rx_bytes,
			 last.rx_bytes);
	assert_int_equal(w0->tx_packets + w1->tx_packets + w2->tx_packets,
			 last.tx_packets);
	assert_int_equal(w0->rx_packets + w1->rx_packets + w2->rx_packets,
			 last.rx_packets);
	assert_int_equal(w0->retransmits + w1->retransmits + w2->retransmits,
			 last.retransmits);
	assert_int_equal(w0->exchanges + w1->exchanges + w2->exchanges,
			 last.response_count);
	assert_int_equal(w1->exchanges, 9 - 3);
	assert_int_equal(w0->opened, 1);
	assert_int_equal(w1->opened + w2->opened, 0);
	assert_int_equal(w2->closed, 1);
	assert_int_equal(w0->closed + w1->closed, 0);
	assert_false(w0->l7);

	assert_int_equal(c.nflows, 1);
	assert_memory_equal(&c.flows[0].rec, &last, sizeof(last));
	assert_int_equal(c.flows[0].opened_ns, AT(100) + 200000000);
	assert_string_equal(c.flows[0].client_service, "198.18.0.2");
	assert_string_equal(c.flows[0].server_service, "198.18.0.1");
	/* closed before any flush: never live in the store, gone anyway */
	assert_int_equal(c.nlive, 0);
	assert_int_equal(c.ngone, 1);
	assert_int_equal(c.gone[0], 7);
	assert_int_equal(cnt->open_windows, 0);

	collected_reset(&c);
	assert_int_equal(flush(agg, AT(200), true, &c), 0);
	assert_int_equal(c.nwin + c.nflows + c.nlive + c.ngone, 0);
	fm_agg_free(agg);
}

static void test_window_boundaries(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	struct collected c = { 0 };

	(void)state;
	feed(agg, FLOWMESH_REC_UPDATE, 1, AT(110) - 1, 100, 0);
	feed(agg, FLOWMESH_REC_UPDATE, 1, AT(110), 300, 0);
	feed(agg, FLOWMESH_REC_UPDATE, 1, AT(120) - 1, 600, 0);
	assert_int_equal(fm_agg_counters(agg)->open_windows, 2);
	assert_int_equal(flush(agg, 0, true, &c), 0);
	assert_int_equal(c.nwin, 2);
	assert_non_null(row_at(&c, 100));
	assert_non_null(row_at(&c, 110));
	assert_int_equal(row_at(&c, 100)->tx_bytes, 100);
	assert_int_equal(row_at(&c, 110)->tx_bytes, 500);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_samples_in_their_histograms(void **state)
{
	static const uint32_t rtts[] = { 100, 200, 300 };
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	const struct fm_agg_counters *cnt = fm_agg_counters(agg);
	struct collected c = { 0 };
	const struct fm_window_row *w;
	struct flowmesh_record r;
	size_t i;

	(void)state;
	feed(agg, FLOWMESH_REC_OPEN, 3, AT(100), 100, 0);
	for (i = 0; i < 3; i++) {
		rec_make(&r, FLOWMESH_REC_RTT, 3, AT(101 + i), 200, 0);
		r.value_us = rtts[i];
		assert_int_equal(fm_agg_record(agg, &r), 0);
	}
	rec_make(&r, FLOWMESH_REC_RESPONSE, 3, AT(104), 300, 1000);
	r.value_us = 5000;
	assert_int_equal(fm_agg_record(agg, &r), 0);
	/* the next window gets its own sample */
	rec_make(&r, FLOWMESH_REC_RESPONSE, 3, AT(111), 300, 2000);
	r.value_us = 70;
	assert_int_equal(fm_agg_record(agg, &r), 0);
	assert_int_equal(cnt->rtt_samples, 3);
	assert_int_equal(cnt->response_samples, 2);
	assert_outcomes_add_up(agg);

	assert_int_equal(flush(agg, 0, true, &c), 0);
	w = row_at(&c, 100);
	assert_non_null(w);
	assert_int_equal(w->rtt.count, 3);
	assert_int_equal(fm_hist_quantile(&w->rtt, 0.5), 200);
	assert_int_equal(w->rtt.max, 300);
	assert_int_equal(w->latency.count, 1);
	assert_int_equal(fm_hist_quantile(&w->latency, 0.99), 5000);
	/* counters of sample records count too */
	assert_int_equal(w->tx_bytes, 300);
	assert_int_equal(w->exchanges, 1);
	w = row_at(&c, 110);
	assert_non_null(w);
	assert_int_equal(w->rtt.count, 0);
	assert_int_equal(w->latency.count, 1);
	assert_int_equal(fm_hist_quantile(&w->latency, 0.5), 70);
	assert_int_equal(w->exchanges, 1);
	collected_reset(&c);
	fm_agg_free(agg);
}

/* The same connection as flow_id 1 reports it, seen from namespace @ns. */
static void feed_ns(struct fm_aggregator *agg, uint8_t type, uint64_t id,
		    uint32_t ns, uint64_t time_ns, uint64_t tx)
{
	struct flowmesh_record r;

	rec_make(&r, type, id, time_ns, tx, 0);
	r.netns = ns;
	assert_int_equal(fm_agg_record(agg, &r), 0);
}

/*
 * An HTTP request on the test flow's connection as namespace @ns (0: the
 * records' own) sees it, from a flow inspected one in @one_in.
 */
static void request_make(struct fm_agg_request *r, uint64_t time_ns,
			 uint32_t ns, uint32_t one_in, const char *method,
			 const char *route, bool failed, uint64_t latency_ns)
{
	struct flowmesh_record rec;

	rec_make(&rec, FLOWMESH_REC_UPDATE, 1, time_ns, 0, 0);
	memset(r, 0, sizeof(*r));
	r->time_ns = time_ns;
	r->netns = ns ? ns : rec.netns;
	r->family = rec.family;
	r->proto = rec.proto;
	r->client_port = rec.client_port;
	r->server_port = rec.server_port;
	memcpy(r->client, rec.client, sizeof(r->client));
	memcpy(r->server, rec.server, sizeof(r->server));
	r->l7_proto = FM_L7_HTTP;
	r->one_in = one_in;
	snprintf(r->req.method, sizeof(r->req.method), "%s", method);
	snprintf(r->req.route, sizeof(r->req.route), "%s", route);
	r->req.status = failed ? 503 : 200;
	r->req.failed = failed;
	r->req.latency_ns = latency_ns;
}

static void request(struct fm_aggregator *agg, uint64_t time_ns, uint32_t ns,
		    uint32_t one_in, const char *method, const char *route,
		    bool failed, uint64_t latency_ns)
{
	struct fm_agg_request r;

	request_make(&r, time_ns, ns, one_in, method, route, failed,
		     latency_ns);
	assert_int_equal(fm_agg_request(agg, &r), 0);
}

static const struct fm_route_row *find_route(const struct collected *c,
					     uint64_t start_s,
					     const char *method,
					     const char *route)
{
	size_t i;

	for (i = 0; i < c->nroutes; i++)
		if (c->routes[i].start_s == start_s &&
		    !strcmp(c->routes[i].method, method) &&
		    !strcmp(c->routes[i].route, route))
			return &c->routes[i];
	return NULL;
}

static void test_duplicate_observation(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	const struct fm_agg_counters *cnt = fm_agg_counters(agg);
	struct collected c = { 0 };
	struct fm_edge_totals *tot;
	size_t ntot;

	(void)state;
	feed_ns(agg, FLOWMESH_REC_OPEN, 1, 111, AT(100), 100);
	feed_ns(agg, FLOWMESH_REC_OPEN, 2, 222, AT(100), 100);
	feed_ns(agg, FLOWMESH_REC_UPDATE, 2, 222, AT(101), 900);
	feed_ns(agg, FLOWMESH_REC_UPDATE, 1, 111, AT(101), 1000);
	assert_int_equal(cnt->duplicates, 2);
	assert_int_equal(cnt->live_flows, 2);
	feed_ns(agg, FLOWMESH_REC_CLOSE, 1, 111, AT(102), 2000);
	/* the owner is gone; the shadow still counts nothing */
	feed_ns(agg, FLOWMESH_REC_UPDATE, 2, 222, AT(102), 1900);
	feed_ns(agg, FLOWMESH_REC_CLOSE, 2, 222, AT(103), 2000);
	assert_int_equal(cnt->duplicates, 4);
	assert_int_equal(cnt->opens, 1);
	assert_int_equal(cnt->updates, 1);
	assert_int_equal(cnt->closes, 1);
	assert_int_equal(cnt->live_flows, 0);
	/* a new connection of the same key, once both are closed, counts */
	feed_ns(agg, FLOWMESH_REC_OPEN, 3, 222, AT(104), 50);
	assert_int_equal(cnt->duplicates, 4);
	assert_int_equal(cnt->opens, 2);
	assert_outcomes_add_up(agg);

	assert_int_equal(flush(agg, 0, true, &c), 0);
	assert_int_equal(c.nwin, 1);
	assert_int_equal(c.win[0].tx_bytes, 2000 + 50);
	assert_int_equal(c.win[0].opened, 2);
	assert_int_equal(c.win[0].closed, 1);
	assert_int_equal(c.nflows, 1);
	assert_int_equal(c.flows[0].rec.flow_id, 1);
	assert_int_equal(c.nlive, 1);
	assert_int_equal(c.live[0].flow_id, 3);
	assert_int_equal(c.ngone, 1);
	assert_int_equal(c.gone[0], 1);

	assert_int_equal(fm_agg_totals(agg, &tot, &ntot), 0);
	assert_int_equal(ntot, 1);
	assert_int_equal(tot[0].tx_bytes, 2050);
	assert_int_equal(tot[0].opened, 2);
	assert_int_equal(tot[0].closed, 1);
	free(tot);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_counter_restart(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	struct collected c = { 0 };

	(void)state;
	feed(agg, FLOWMESH_REC_UPDATE, 5, AT(100), 1000, 5000);
	/* a new incarnation of id 5: its totals are all new */
	feed(agg, FLOWMESH_REC_UPDATE, 5, AT(101), 300, 6000);
	feed(agg, FLOWMESH_REC_UPDATE, 5, AT(102), 400, 6000);
	assert_int_equal(flush(agg, 0, true, &c), 0);
	assert_int_equal(c.nwin, 1);
	assert_int_equal(c.win[0].tx_bytes, 1000 + 300 + 100);
	assert_int_equal(c.win[0].rx_bytes, 6000);
	assert_int_equal(c.win[0].tx_packets, 10 + 3 + 1);
	assert_int_equal(c.nlive, 1);
	assert_int_equal(c.live[0].tx_bytes, 400);
	assert_int_equal(c.live[0].rx_bytes, 6000);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_first_seen_after_open(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	const struct fm_agg_counters *cnt = fm_agg_counters(agg);
	struct collected c = { 0 };

	(void)state;
	feed(agg, FLOWMESH_REC_UPDATE, 9, AT(100), 500, 700);
	/*
	 * its OPEN drained after it (another CPU's ring) opens it, once;
	 * a second OPEN opens nothing
	 */
	feed(agg, FLOWMESH_REC_OPEN, 9, AT(101), 500, 700);
	feed(agg, FLOWMESH_REC_OPEN, 9, AT(101), 500, 700);
	feed(agg, FLOWMESH_REC_CLOSE, 9, AT(102), 600, 900);
	assert_int_equal(cnt->opens, 2);
	assert_int_equal(flush(agg, 0, true, &c), 0);
	assert_int_equal(c.nwin, 1);
	assert_int_equal(c.win[0].tx_bytes, 600);
	assert_int_equal(c.win[0].rx_bytes, 900);
	assert_int_equal(c.win[0].opened, 1);
	assert_int_equal(c.win[0].closed, 1);
	assert_int_equal(c.nflows, 1);
	assert_int_equal(c.flows[0].opened_ns, AT(101));
	collected_reset(&c);
	fm_agg_free(agg);
}

/*
 * Records of one flow come from different CPUs' rings: an older record
 * drained after a newer one, or after the flow's CLOSE, adds nothing to
 * the totals (its samples still count) and does not bring the flow back.
 */
static void test_records_out_of_order(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	const struct fm_agg_counters *cnt = fm_agg_counters(agg);
	struct collected c = { 0 };
	uint64_t tx = 0;
	size_t i;

	(void)state;
	feed(agg, FLOWMESH_REC_OPEN, 7, AT(100), 100, 10);
	feed(agg, FLOWMESH_REC_UPDATE, 7, AT(103), 900, 90);
	/* the UPDATE of second 101, drained late */
	feed(agg, FLOWMESH_REC_UPDATE, 7, AT(101), 400, 40);
	feed(agg, FLOWMESH_REC_CLOSE, 7, AT(104), 1000, 100);
	/* an RTT sample of second 102, drained after the CLOSE */
	feed(agg, FLOWMESH_REC_RTT, 7, AT(102), 600, 60);
	assert_int_equal(cnt->stale, 2);
	assert_int_equal(cnt->live_flows, 0);
	assert_outcomes_add_up(agg);
	assert_int_equal(flush(agg, 0, true, &c), 0);
	for (i = 0; i < c.nwin; i++) {
		tx += c.win[i].tx_bytes;
		assert_true(c.win[i].opened <= 1 && c.win[i].closed <= 1);
	}
	assert_int_equal(tx, 1000);
	assert_int_equal(c.nflows, 1);
	assert_int_equal(c.flows[0].rec.tx_bytes, 1000);
	assert_int_equal(c.nlive, 0);
	collected_reset(&c);

	/*
	 * another namespace's view of the connection, drained after the
	 * CLOSE (a backlog drained CPU ring by CPU ring), is a duplicate
	 */
	feed_ns(agg, FLOWMESH_REC_OPEN, 8, 222, AT(100), 100);
	feed_ns(agg, FLOWMESH_REC_CLOSE, 8, 222, AT(104), 1000);
	assert_int_equal(cnt->duplicates, 2);
	assert_int_equal(cnt->live_flows, 0);
	/* the closed flow is kept until the flush after the one that wrote it */
	feed(agg, FLOWMESH_REC_UPDATE, 7, AT(103), 900, 90);
	assert_int_equal(cnt->stale, 3);
	assert_int_equal(flush(agg, 0, true, &c), 0);
	collected_reset(&c);
	/* then it is gone, and the key is free for a new connection */
	feed(agg, FLOWMESH_REC_OPEN, 9, AT(200), 50, 5);
	assert_int_equal(cnt->duplicates, 2);
	assert_int_equal(cnt->live_flows, 1);
	assert_outcomes_add_up(agg);
	assert_int_equal(flush(agg, 0, true, &c), 0);
	assert_int_equal(c.nwin, 1);
	assert_int_equal(c.win[0].opened, 1);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_unknown_type(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	const struct fm_agg_counters *cnt = fm_agg_counters(agg);
	struct flowmesh_record r;

	(void)state;
	rec_make(&r, 99, 1, AT(100), 100, 0);
	assert_int_equal(fm_agg_record(agg, &r), 0);
	rec_make(&r, 0, 1, AT(100), 100, 0);
	assert_int_equal(fm_agg_record(agg, &r), 0);
	assert_int_equal(cnt->records, 2);
	assert_int_equal(cnt->unknown_type, 2);
	assert_int_equal(cnt->live_flows, 0);
	assert_int_equal(cnt->open_windows, 0);
	assert_outcomes_add_up(agg);
	fm_agg_free(agg);
}

/* Flow @id to server 198.18.1.@id: an edge of its own. */
static void feed_server(struct fm_aggregator *agg, uint8_t type, uint64_t id,
			uint64_t time_ns, uint64_t tx)
{
	struct flowmesh_record r;

	rec_make(&r, type, id, time_ns, tx, 0);
	r.server[2] = 1;
	r.server[3] = (uint8_t)id;
	assert_int_equal(fm_agg_record(agg, &r), 0);
}

static void test_max_flows(void **state)
{
	struct fm_agg_config cfg = default_cfg;
	struct fm_aggregator *agg;
	const struct fm_agg_counters *cnt;
	struct collected c = { 0 };

	(void)state;
	cfg.max_flows = 3;
	agg = agg_new(&cfg, NULL);
	cnt = fm_agg_counters(agg);
	feed_server(agg, FLOWMESH_REC_OPEN, 1, AT(100), 100);
	feed_ns(agg, FLOWMESH_REC_OPEN, 2, 222, AT(100), 100);
	/* a shadow takes a place too */
	feed_ns(agg, FLOWMESH_REC_OPEN, 3, 333, AT(100), 100);
	assert_int_equal(cnt->live_flows, 3);
	feed_server(agg, FLOWMESH_REC_OPEN, 4, AT(100), 100);
	feed_server(agg, FLOWMESH_REC_UPDATE, 4, AT(101), 200);
	/* a duplicate with no room is not remembered */
	feed_ns(agg, FLOWMESH_REC_OPEN, 5, 555, AT(100), 100);
	assert_int_equal(cnt->flows_overflow, 3);
	assert_int_equal(cnt->live_flows, 3);
	assert_int_equal(cnt->records, 6);
	assert_int_equal(cnt->opens, 3);
	assert_int_equal(cnt->updates, 1);
	assert_int_equal(cnt->duplicates, 2);
	assert_outcomes_add_up(agg);

	/* a CLOSE makes room */
	feed_server(agg, FLOWMESH_REC_CLOSE, 1, AT(102), 100);
	assert_int_equal(cnt->live_flows, 2);
	feed_server(agg, FLOWMESH_REC_UPDATE, 4, AT(103), 300);
	assert_int_equal(cnt->live_flows, 3);
	assert_int_equal(cnt->flows_overflow, 3);

	assert_int_equal(flush(agg, 0, true, &c), 0);
	assert_int_equal(c.nwin, 3);
	assert_non_null(find_row(&c, T0 + 100, "198.18.0.2", "198.18.1.1"));
	assert_non_null(find_row(&c, T0 + 100, "198.18.0.2", "198.18.1.4"));
	assert_int_equal(find_row(&c, T0 + 100, "198.18.0.2",
				  "198.18.1.4")->tx_bytes, 300);
	/* the shadow is never stored */
	assert_int_equal(c.nlive, 2);
	assert_true(c.live[0].flow_id != 3 && c.live[1].flow_id != 3);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_max_series(void **state)
{
	struct fm_agg_config cfg = default_cfg;
	struct fm_aggregator *agg;
	const struct fm_agg_counters *cnt;
	struct collected c = { 0 };
	struct fm_edge_totals *tot;
	size_t ntot;

	(void)state;
	cfg.max_series = 2;
	agg = agg_new(&cfg, NULL);
	cnt = fm_agg_counters(agg);
	feed_server(agg, FLOWMESH_REC_OPEN, 1, AT(100), 100);
	feed_server(agg, FLOWMESH_REC_OPEN, 2, AT(100), 100);
	feed_server(agg, FLOWMESH_REC_OPEN, 3, AT(100), 100);
	feed_server(agg, FLOWMESH_REC_UPDATE, 3, AT(101), 200);
	assert_int_equal(cnt->series_overflow, 2);
	assert_int_equal(cnt->totals_overflow, 2);
	assert_int_equal(cnt->opens, 3);
	assert_int_equal(cnt->live_flows, 3);
	/* a known edge still counts */
	feed_server(agg, FLOWMESH_REC_UPDATE, 1, AT(101), 400);
	assert_int_equal(cnt->series_overflow, 2);
	/* the next window has room again; only new deltas go there */
	feed_server(agg, FLOWMESH_REC_UPDATE, 3, AT(111), 250);

	assert_int_equal(flush(agg, 0, true, &c), 0);
	assert_int_equal(c.nwin, 3);
	assert_null(find_row(&c, T0 + 100, "198.18.0.2", "198.18.1.3"));
	assert_int_equal(find_row(&c, T0 + 100, "198.18.0.2",
				  "198.18.1.1")->tx_bytes, 400);
	assert_int_equal(find_row(&c, T0 + 110, "198.18.0.2",
				  "198.18.1.3")->tx_bytes, 50);
	assert_int_equal(fm_agg_totals(agg, &tot, &ntot), 0);
	assert_int_equal(ntot, 2);
	assert_string_equal(tot[0].server, "198.18.1.1");
	assert_string_equal(tot[1].server, "198.18.1.2");
	free(tot);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_late_record(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	const struct fm_agg_counters *cnt = fm_agg_counters(agg);
	struct collected c = { 0 };

	(void)state;
	feed(agg, FLOWMESH_REC_UPDATE, 1, AT(101), 100, 0);
	assert_int_equal(flush(agg, AT(115), false, &c), 0);
	assert_int_equal(c.nwin, 1);
	assert_int_equal(cnt->open_windows, 0);
	collected_reset(&c);

	feed(agg, FLOWMESH_REC_UPDATE, 1, AT(108), 350, 0);
	assert_int_equal(cnt->late, 1);
	assert_int_equal(cnt->updates, 2);
	/* a window not handed over yet is on time */
	feed(agg, FLOWMESH_REC_UPDATE, 1, AT(111), 400, 0);
	assert_int_equal(cnt->late, 1);
	assert_int_equal(flush(agg, AT(116), false, &c), 0);
	assert_int_equal(c.nwin, 1);
	assert_int_equal(row_at(&c, 100)->tx_bytes, 250);
	collected_reset(&c);
	assert_int_equal(flush(agg, AT(125), false, &c), 0);
	assert_int_equal(c.nwin, 1);
	assert_int_equal(row_at(&c, 110)->tx_bytes, 50);
	collected_reset(&c);

	/* after a flush of everything, even the present window is late */
	feed(agg, FLOWMESH_REC_UPDATE, 1, AT(126), 500, 0);
	assert_int_equal(flush(agg, AT(126), true, &c), 0);
	collected_reset(&c);
	feed(agg, FLOWMESH_REC_UPDATE, 1, AT(127), 600, 0);
	assert_int_equal(cnt->late, 2);
	fm_agg_free(agg);
}

static void test_grace(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	struct collected c = { 0 };

	(void)state;
	feed(agg, FLOWMESH_REC_OPEN, 1, AT(100), 100, 0);
	feed(agg, FLOWMESH_REC_UPDATE, 1, AT(112), 200, 0);
	/* window 100 ends at 110; grace 5 */
	assert_int_equal(flush(agg, AT(115) - 1, false, &c), 0);
	assert_int_equal(c.nwin, 0);
	/* live flows go out at every flush, windows or not */
	assert_int_equal(c.nlive, 1);
	assert_int_equal(c.live[0].tx_bytes, 200);
	assert_int_equal(fm_agg_counters(agg)->open_windows, 2);
	collected_reset(&c);
	assert_int_equal(flush(agg, AT(115), false, &c), 0);
	assert_int_equal(c.nwin, 1);
	assert_non_null(row_at(&c, 100));
	/* not changed since: not handed over again */
	assert_int_equal(c.nlive, 0);
	assert_int_equal(fm_agg_counters(agg)->open_windows, 1);
	collected_reset(&c);
	assert_int_equal(flush(agg, AT(124), false, &c), 0);
	assert_int_equal(c.nwin, 0);
	assert_int_equal(flush(agg, AT(125), false, &c), 0);
	assert_int_equal(c.nwin, 1);
	assert_non_null(row_at(&c, 110));
	collected_reset(&c);
	fm_agg_free(agg);
}

/* Windows, samples, a closed flow, live flows and a shadow. */
static void feed_mix(struct fm_aggregator *agg)
{
	struct flowmesh_record r;

	feed(agg, FLOWMESH_REC_OPEN, 1, AT(100), 100, 0);
	rec_make(&r, FLOWMESH_REC_RTT, 1, AT(101), 200, 100);
	r.value_us = 420;
	assert_int_equal(fm_agg_record(agg, &r), 0);
	rec_make(&r, FLOWMESH_REC_RESPONSE, 1, AT(111), 300, 1000);
	r.value_us = 9000;
	assert_int_equal(fm_agg_record(agg, &r), 0);
	request(agg, AT(102), 0, 2, "GET", "/a", false, 1500000);
	request(agg, AT(111), 0, 2, "GET", "/a", true, 2500000);
	feed_ns(agg, FLOWMESH_REC_UPDATE, 4, 444, AT(111), 50);
	feed(agg, FLOWMESH_REC_CLOSE, 1, AT(112), 400, 2000);
	feed_server(agg, FLOWMESH_REC_OPEN, 2, AT(103), 100);
	feed_server(agg, FLOWMESH_REC_UPDATE, 3, AT(104), 700);
	feed_server(agg, FLOWMESH_REC_UPDATE, 2, AT(113), 800);
}

static void assert_rows_equal(const struct collected *a,
			      const struct collected *b)
{
	size_t i;

	assert_int_equal(a->nwin, b->nwin);
	for (i = 0; i < a->nwin; i++) {
		const struct fm_window_row *x = &a->win[i], *y = &b->win[i];

		assert_int_equal(x->res_s, y->res_s);
		assert_int_equal(x->start_s, y->start_s);
		assert_string_equal(x->client, y->client);
		assert_string_equal(x->server, y->server);
		assert_int_equal(x->opened, y->opened);
		assert_int_equal(x->closed, y->closed);
		assert_int_equal(x->tx_bytes, y->tx_bytes);
		assert_int_equal(x->rx_bytes, y->rx_bytes);
		assert_int_equal(x->tx_packets, y->tx_packets);
		assert_int_equal(x->rx_packets, y->rx_packets);
		assert_int_equal(x->retransmits, y->retransmits);
		assert_int_equal(x->exchanges, y->exchanges);
		assert_int_equal(x->rtt.count, y->rtt.count);
		assert_int_equal(x->rtt.sum, y->rtt.sum);
		assert_int_equal(x->latency.count, y->latency.count);
		assert_int_equal(x->latency.sum, y->latency.sum);
		assert_int_equal(x->l7, y->l7);
		assert_int_equal(x->requests, y->requests);
		assert_int_equal(x->failures, y->failures);
	}
	assert_int_equal(a->nroutes, b->nroutes);
	for (i = 0; i < a->nroutes; i++) {
		const struct fm_route_row *x = &a->routes[i];
		const struct fm_route_row *y = &b->routes[i];

		assert_int_equal(x->start_s, y->start_s);
		assert_string_equal(x->route, y->route);
		assert_int_equal(x->requests, y->requests);
		assert_int_equal(x->failures, y->failures);
		assert_int_equal(x->latency.count, y->latency.count);
		assert_int_equal(x->latency.sum, y->latency.sum);
	}
	assert_int_equal(a->nflows, b->nflows);
	assert_memory_equal(a->flows, b->flows,
			    a->nflows * sizeof(a->flows[0]));
	assert_int_equal(a->nlive, b->nlive);
	assert_memory_equal(a->live, b->live, a->nlive * sizeof(a->live[0]));
	assert_int_equal(a->ngone, b->ngone);
	assert_memory_equal(a->gone, b->gone, a->ngone * sizeof(a->gone[0]));
}

static void test_flush_failure_keeps_everything(void **state)
{
	static const enum fail_point points[] = {
		FAIL_WINDOW, FAIL_ROUTE, FAIL_CLOSED, FAIL_LIVE, FAIL_GONE,
	};
	struct fm_aggregator *ref_agg = agg_new(NULL, NULL), *agg;
	struct collected ref = { 0 }, c = { 0 };
	size_t i;

	(void)state;
	feed_mix(ref_agg);
	assert_int_equal(flush(ref_agg, AT(200), false, &ref), 0);
	/* everything there is to hand over */
	assert_int_equal(ref.nwin, 5);
	assert_int_equal(ref.nroutes, 2);
	assert_int_equal(ref.nflows, 1);
	assert_int_equal(ref.nlive, 2);
	assert_int_equal(ref.ngone, 1);

	for (i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		agg = agg_new(NULL, NULL);
		feed_mix(agg);
		c.fail = points[i];
		assert_int_equal(flush(agg, AT(200), false, &c), -EIO);
		assert_int_equal(fm_agg_counters(agg)->open_windows, 2);
		/* a second failure changes nothing either */
		collected_reset(&c);
		c.fail = points[i];
		assert_int_equal(flush(agg, AT(200), false, &c), -EIO);
		collected_reset(&c);
		assert_int_equal(flush(agg, AT(200), false, &c), 0);
		assert_rows_equal(&ref, &c);
		assert_int_equal(fm_agg_counters(agg)->open_windows, 0);
		collected_reset(&c);
		/* and once handed over, it is gone */
		assert_int_equal(flush(agg, AT(200), true, &c), 0);
		assert_int_equal(c.nwin + c.nroutes + c.nflows + c.nlive +
				 c.ngone, 0);
		fm_agg_free(agg);
	}
	collected_reset(&ref);
	fm_agg_free(ref_agg);
}

static void test_restore_no_double_count(void **state)
{
	struct fm_agg_config cfg = default_cfg;
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	struct collected run1 = { 0 }, run2 = { 0 };
	struct fm_live_flow saved;
	struct flowmesh_record last;
	uint64_t tx = 0, rx = 0;
	size_t i;

	(void)state;
	feed(agg, FLOWMESH_REC_OPEN, 8, AT(100), 100, 0);
	feed(agg, FLOWMESH_REC_UPDATE, 8, AT(105), 1000, 4000);
	assert_int_equal(flush(agg, AT(106), false, &run1), 0);
	assert_int_equal(run1.nlive, 1);
	saved = run1.live[0];
	/* the daemon stops: everything out */
	assert_int_equal(flush(agg, AT(106), true, &run1), 0);
	fm_agg_free(agg);

	cfg.max_flows = 1;
	agg = agg_new(&cfg, NULL);
	assert_int_equal(fm_agg_restore(agg, &saved), 0);
	assert_int_equal(fm_agg_restore(agg, &saved), -EEXIST);
	saved.flow_id++;
	assert_int_equal(fm_agg_restore(agg, &saved), -ENOSPC);
	saved.flow_id--;
	assert_int_equal(fm_agg_counters(agg)->live_flows, 1);
	fm_agg_restore_keep(agg, 8);
	fm_agg_restore_keep(agg, 12345);
	fm_agg_restore_done(agg);
	assert_int_equal(fm_agg_counters(agg)->live_flows, 1);

	/* restored state is not dirty: nothing to store yet */
	assert_int_equal(flush(agg, AT(107), false, &run2), 0);
	assert_int_equal(run2.nlive + run2.ngone, 0);

	feed(agg, FLOWMESH_REC_UPDATE, 8, AT(108), 1500, 6000);
	rec_make(&last, FLOWMESH_REC_CLOSE, 8, AT(112), 2000, 9000);
	assert_int_equal(fm_agg_record(agg, &last), 0);
	assert_int_equal(flush(agg, AT(112), true, &run2), 0);

	for (i = 0; i < run1.nwin; i++) {
		tx += run1.win[i].tx_bytes;
		rx += run1.win[i].rx_bytes;
	}
	for (i = 0; i < run2.nwin; i++) {
		tx += run2.win[i].tx_bytes;
		rx += run2.win[i].rx_bytes;
		assert_int_equal(run2.win[i].opened, 0);
	}
	assert_int_equal(tx, last.tx_bytes);
	assert_int_equal(rx, last.rx_bytes);
	assert_int_equal(row_at(&run2, 100)->tx_bytes, 500);
	assert_int_equal(row_at(&run2, 110)->tx_bytes, 500);
	assert_int_equal(run2.nflows, 1);
	assert_int_equal(run2.flows[0].opened_ns, AT(100));
	assert_string_equal(run2.flows[0].server_service, "198.18.0.1");
	collected_reset(&run1);
	collected_reset(&run2);
	fm_agg_free(agg);
}

static void test_restore_done_drops_unconfirmed(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	struct fm_live_flow lf = { 0 };
	struct collected c = { 0 };

	(void)state;
	lf.family = AF_INET;
	lf.proto = IPPROTO_TCP;
	lf.tx_bytes = 1000;
	strcpy(lf.client_service, "a");
	strcpy(lf.server_service, "b");
	lf.flow_id = 1;
	lf.client_port = 1001;
	assert_int_equal(fm_agg_restore(agg, &lf), 0);
	lf.flow_id = 2;
	lf.client_port = 1002;
	assert_int_equal(fm_agg_restore(agg, &lf), 0);
	lf.flow_id = 3;
	lf.client_port = 1003;
	assert_int_equal(fm_agg_restore(agg, &lf), 0);
	fm_agg_restore_keep(agg, 2);
	fm_agg_restore_done(agg);
	assert_int_equal(fm_agg_counters(agg)->live_flows, 1);

	assert_int_equal(flush(agg, AT(100), false, &c), 0);
	assert_int_equal(c.ngone, 2);
	assert_true((c.gone[0] == 1 && c.gone[1] == 3) ||
		    (c.gone[0] == 3 && c.gone[1] == 1));
	assert_int_equal(c.nlive, 0);
	collected_reset(&c);

	/* a dropped id that shows up again starts from nothing */
	feed(agg, FLOWMESH_REC_UPDATE, 1, AT(100), 300, 0);
	/* the kept one keeps its names and counts from its totals */
	feed(agg, FLOWMESH_REC_UPDATE, 2, AT(100), 1200, 0);
	assert_int_equal(flush(agg, AT(100), true, &c), 0);
	assert_int_equal(row_at(&c, 100)->tx_bytes, 300);
	assert_non_null(find_row(&c, T0 + 100, "a", "b"));
	assert_int_equal(find_row(&c, T0 + 100, "a", "b")->tx_bytes, 200);
	collected_reset(&c);
	fm_agg_free(agg);
}

/* Stored state is input: names without their NUL are cut, not overrun. */
static void test_restore_unterminated_names(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	struct fm_live_flow lf = { 0 };
	struct collected c = { 0 };
	char longest[FM_NAME_MAX];

	(void)state;
	lf.flow_id = 4;
	lf.family = AF_INET;
	lf.proto = IPPROTO_TCP;
	memset(lf.client_service, 'c', sizeof(lf.client_service));
	memset(lf.server_service, 's', sizeof(lf.server_service));
	assert_int_equal(fm_agg_restore(agg, &lf), 0);
	fm_agg_restore_keep(agg, 4);
	fm_agg_restore_done(agg);
	feed(agg, FLOWMESH_REC_UPDATE, 4, AT(100), 10, 0);
	assert_int_equal(flush(agg, 0, true, &c), 0);
	assert_int_equal(c.nwin, 1);
	memset(longest, 's', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	assert_string_equal(c.win[0].server, longest);
	assert_int_equal(strlen(c.win[0].client), FM_NAME_MAX - 1);
	assert_int_equal(c.nlive, 1);
	assert_string_equal(c.live[0].server_service, longest);
	collected_reset(&c);
	fm_agg_free(agg);
}

static bool lookup_web(void *ctx, uint8_t family, const uint8_t *addr,
		       struct fm_identity *out)
{
	const uint8_t *web = ctx;

	if (family != AF_INET || memcmp(addr, web, 4))
		return false;
	strcpy(out->service, "web");
	strcpy(out->name, "web-7d4f");
	return true;
}

static void test_identity_names(void **state)
{
	uint8_t web[4];
	struct fm_identity_map ids = { .nsrc = 0 };
	struct fm_identity_source src = {
		.kind = "inventory",
		.lookup = lookup_web,
		.ctx = web,
	};
	struct fm_aggregator *agg;
	struct collected c = { 0 };
	struct fm_edge_totals *tot;
	size_t ntot;

	(void)state;
	assert_int_equal(inet_pton(AF_INET, "198.18.0.1", web), 1);
	assert_int_equal(fm_identity_add_source(&ids, &src), 0);
	agg = agg_new(NULL, &ids);
	feed(agg, FLOWMESH_REC_OPEN, 1, AT(100), 100, 0);
	assert_int_equal(flush(agg, AT(101), false, &c), 0);
	assert_int_equal(c.nlive, 1);
	assert_string_equal(c.live[0].client_service, "198.18.0.2");
	assert_string_equal(c.live[0].server_service, "web");
	collected_reset(&c);

	/* the flow keeps its names even if the sources change their mind */
	web[3] = 99;
	feed(agg, FLOWMESH_REC_CLOSE, 1, AT(102), 200, 0);
	assert_int_equal(flush(agg, AT(102), true, &c), 0);
	assert_non_null(find_row(&c, T0 + 100, "198.18.0.2", "web"));
	assert_int_equal(c.nwin, 1);
	assert_int_equal(c.nflows, 1);
	assert_string_equal(c.flows[0].server_service, "web");
	assert_int_equal(fm_agg_totals(agg, &tot, &ntot), 0);
	assert_int_equal(ntot, 1);
	assert_string_equal(tot[0].server, "web");
	assert_int_equal(tot[0].tx_bytes, 200);
	free(tot);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_names_without_sources(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	struct fm_edge_totals *tot = (void *)1;
	struct collected c = { 0 };
	struct flowmesh_record r;
	size_t ntot = 1;

	(void)state;
	assert_int_equal(fm_agg_totals(agg, &tot, &ntot), 0);
	assert_null(tot);
	assert_int_equal(ntot, 0);
	nlb_record_sample(&r, 5);	/* IPv6 UDP, an OPEN */
	assert_int_equal(fm_agg_record(agg, &r), 0);
	assert_int_equal(flush(agg, 0, true, &c), 0);
	assert_int_equal(c.nwin, 1);
	assert_string_equal(c.win[0].client, "fd00::2");
	assert_string_equal(c.win[0].server, "fd00::53");
	assert_int_equal(c.win[0].opened, 1);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_totals_since_start(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	struct collected c = { 0 };
	struct fm_edge_totals *tot;
	size_t ntot;

	(void)state;
	feed_server(agg, FLOWMESH_REC_OPEN, 2, AT(100), 100);
	feed(agg, FLOWMESH_REC_OPEN, 1, AT(100), 100, 0);
	assert_int_equal(flush(agg, AT(200), false, &c), 0);
	collected_reset(&c);
	feed(agg, FLOWMESH_REC_CLOSE, 1, AT(300), 900, 5000);
	assert_int_equal(fm_agg_totals(agg, &tot, &ntot), 0);
	assert_int_equal(ntot, 2);
	/* sorted by client, then server */
	assert_string_equal(tot[0].server, "198.18.0.1");
	assert_string_equal(tot[1].server, "198.18.1.2");
	assert_int_equal(tot[0].opened, 1);
	assert_int_equal(tot[0].closed, 1);
	assert_int_equal(tot[0].tx_bytes, 900);
	assert_int_equal(tot[0].rx_bytes, 5000);
	assert_int_equal(tot[0].exchanges, 5);
	assert_int_equal(tot[0].requests + tot[0].failures, 0);
	assert_int_equal(tot[1].opened, 1);
	assert_int_equal(tot[1].closed, 0);
	assert_int_equal(tot[1].tx_bytes, 100);
	free(tot);
	fm_agg_free(agg);
}

static void test_requests_scaled(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	const struct fm_agg_counters *cnt = fm_agg_counters(agg);
	const struct fm_route_row *get, *post;
	const struct fm_window_row *w;
	struct collected c = { 0 };
	struct fm_edge_totals *tot;
	struct flowmesh_record r;
	size_t ntot;

	(void)state;
	feed(agg, FLOWMESH_REC_OPEN, 1, AT(100), 100, 0);
	rec_make(&r, FLOWMESH_REC_RESPONSE, 1, AT(101), 200, 1000);
	r.value_us = 900;
	assert_int_equal(fm_agg_record(agg, &r), 0);
	/* one flow in 4 inspected: each request stands for 4 */
	request(agg, AT(101), 0, 4, "GET", "/users/{id}", false, 2000000);
	request(agg, AT(102), 0, 4, "GET", "/users/{id}", true, 8000000);
	request(agg, AT(103), 0, 4, "POST", "/users", false, 500000);
	/* a flow inspected in full: the edge stays as estimated as its least */
	request(agg, AT(104), 0, 1, "GET", "/users/{id}", false, 3000000);
	/* the next window */
	request(agg, AT(111), 0, 1, "GET", "/users/{id}", false, 1000000);
	assert_int_equal(cnt->requests, 5);
	assert_int_equal(cnt->request_duplicates + cnt->request_overflow +
			 cnt->routes_overflow, 0);
	/* requests are no records */
	assert_int_equal(cnt->records, 2);
	assert_outcomes_add_up(agg);

	assert_int_equal(flush(agg, AT(200), false, &c), 0);
	w = row_at(&c, 100);
	assert_non_null(w);
	assert_true(w->l7);
	assert_int_equal(w->requests, 4 + 4 + 4 + 1);
	assert_int_equal(w->failures, 4);
	assert_true(w->sample_rate == 0.25);
	/* the edge's latency stays the L4 response time */
	assert_int_equal(w->latency.count, 1);
	assert_int_equal(w->latency.max, 900);
	w = row_at(&c, 110);
	assert_non_null(w);
	assert_true(w->l7);
	assert_int_equal(w->requests, 1);
	assert_true(w->sample_rate == 1);

	assert_int_equal(c.nroutes, 3);
	get = find_route(&c, T0 + 100, "GET", "/users/{id}");
	post = find_route(&c, T0 + 100, "POST", "/users");
	assert_non_null(get);
	assert_non_null(post);
	assert_int_equal(get->res_s, 10);
	assert_string_equal(get->client, "198.18.0.2");
	assert_string_equal(get->server, "198.18.0.1");
	assert_string_equal(get->protocol, "http");
	assert_int_equal(get->requests, 9);
	assert_int_equal(get->failures, 4);
	assert_true(get->sample_rate == 0.25);
	/* the request's own latency, in us, once per request seen */
	assert_int_equal(get->latency.count, 3);
	assert_int_equal(get->latency.min, 2000);
	assert_int_equal(get->latency.max, 8000);
	assert_int_equal(post->requests, 4);
	assert_int_equal(post->failures, 0);
	assert_int_equal(post->latency.count, 1);
	get = find_route(&c, T0 + 110, "GET", "/users/{id}");
	assert_non_null(get);
	assert_true(get->sample_rate == 1);

	assert_int_equal(fm_agg_totals(agg, &tot, &ntot), 0);
	assert_int_equal(ntot, 1);
	assert_int_equal(tot[0].requests, 14);
	assert_int_equal(tot[0].failures, 4);
	free(tot);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_request_bad_input(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	const struct fm_agg_counters *cnt = fm_agg_counters(agg);
	struct collected c = { 0 };
	struct fm_agg_request r;

	(void)state;
	feed(agg, FLOWMESH_REC_OPEN, 1, AT(100), 100, 0);
	request_make(&r, AT(101), 0, 0, "GET", "/", false, 1000);
	assert_int_equal(fm_agg_request(agg, &r), -EINVAL);
	/* texts without their NUL are cut; an unknown protocol is named so */
	request_make(&r, AT(101), 0, 1, "", "", true, 1000);
	memset(r.req.method, 'M', sizeof(r.req.method));
	memset(r.req.route, 'r', sizeof(r.req.route));
	r.l7_proto = 200;
	assert_int_equal(fm_agg_request(agg, &r), 0);
	assert_int_equal(cnt->requests, 2);
	assert_int_equal(flush(agg, AT(200), false, &c), 0);
	assert_int_equal(c.nroutes, 1);
	assert_int_equal(strlen(c.routes[0].method), FM_ROUTE_METHOD_MAX - 1);
	assert_int_equal(strlen(c.routes[0].route), FM_ROUTE_PATH_MAX - 1);
	assert_string_equal(c.routes[0].protocol, "unknown");
	assert_int_equal(c.routes[0].failures, 1);
	assert_int_equal(row_at(&c, 100)->requests, 1);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_request_duplicates(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	const struct fm_agg_counters *cnt = fm_agg_counters(agg);
	struct collected c = { 0 };
	struct fm_edge_totals *tot;
	size_t ntot;

	(void)state;
	feed_ns(agg, FLOWMESH_REC_OPEN, 1, 111, AT(100), 100);
	feed_ns(agg, FLOWMESH_REC_OPEN, 2, 222, AT(100), 100);
	/* the server's namespace saw the same request: counted once */
	request(agg, AT(101), 111, 2, "GET", "/", false, 1000000);
	request(agg, AT(101), 222, 2, "GET", "/", false, 1000000);
	request(agg, AT(101), 333, 2, "GET", "/", false, 1000000);
	assert_int_equal(cnt->requests, 3);
	assert_int_equal(cnt->request_duplicates, 2);
	assert_int_equal(flush(agg, AT(200), false, &c), 0);
	assert_int_equal(c.nwin, 1);
	assert_int_equal(c.win[0].requests, 2);
	assert_int_equal(c.nroutes, 1);
	assert_int_equal(c.routes[0].requests, 2);
	assert_int_equal(c.routes[0].latency.count, 1);
	assert_int_equal(fm_agg_totals(agg, &tot, &ntot), 0);
	assert_int_equal(tot[0].requests, 2);
	free(tot);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_request_before_records(void **state)
{
	struct fm_agg_config cfg = default_cfg;
	struct fm_aggregator *agg;
	const struct fm_agg_counters *cnt;
	struct collected c = { 0 };
	struct fm_agg_request r;

	(void)state;
	cfg.max_flows = 2;
	agg = agg_new(&cfg, NULL);
	cnt = fm_agg_counters(agg);
	/* the request came before its flow's records were drained */
	request(agg, AT(101), 111, 1, "GET", "/", false, 1000000);
	assert_int_equal(cnt->live_flows, 1);
	/* the namespace of the request owns the connection now */
	request(agg, AT(101), 222, 1, "GET", "/", false, 1000000);
	assert_int_equal(cnt->request_duplicates, 1);
	feed_ns(agg, FLOWMESH_REC_OPEN, 9, 222, AT(100), 100);
	assert_int_equal(cnt->duplicates, 1);
	/* its own records take the state over: one flow, opened once */
	feed_ns(agg, FLOWMESH_REC_OPEN, 5, 111, AT(100), 100);
	feed_ns(agg, FLOWMESH_REC_UPDATE, 5, 111, AT(102), 300);
	assert_int_equal(cnt->opens, 1);
	assert_int_equal(cnt->updates, 1);
	assert_int_equal(cnt->live_flows, 2);
	assert_outcomes_add_up(agg);
	/* no room for another connection's state: the request is lost */
	request_make(&r, AT(103), 111, 1, "GET", "/", false, 1000);
	r.client_port++;
	assert_int_equal(fm_agg_request(agg, &r), 0);
	assert_int_equal(cnt->request_overflow, 1);

	assert_int_equal(flush(agg, AT(105), false, &c), 0);
	assert_int_equal(c.nlive, 1);
	assert_int_equal(c.live[0].flow_id, 5);
	assert_int_equal(c.live[0].opened_ns, AT(100));
	assert_int_equal(c.live[0].tx_bytes, 300);
	collected_reset(&c);
	feed_ns(agg, FLOWMESH_REC_CLOSE, 5, 111, AT(106), 400);
	assert_int_equal(flush(agg, AT(200), false, &c), 0);
	assert_non_null(row_at(&c, 100));
	assert_int_equal(row_at(&c, 100)->requests, 1);
	assert_int_equal(row_at(&c, 100)->opened, 1);
	assert_int_equal(row_at(&c, 100)->closed, 1);
	assert_int_equal(row_at(&c, 100)->tx_bytes, 400);
	assert_int_equal(c.nflows, 1);
	collected_reset(&c);
	assert_int_equal(cnt->live_flows, 1);	/* the shadow */
	feed_ns(agg, FLOWMESH_REC_CLOSE, 9, 222, AT(106), 400);
	assert_int_equal(cnt->live_flows, 0);
	fm_agg_free(agg);
}

static void test_pending_forgotten(void **state)
{
	struct fm_aggregator *agg = agg_new(NULL, NULL);
	const struct fm_agg_counters *cnt = fm_agg_counters(agg);
	struct collected c = { 0 };

	(void)state;
	request(agg, AT(101), 111, 1, "GET", "/", false, 1000000);
	request(agg, AT(108), 111, 1, "GET", "/", false, 1000000);
	/* window 10 s + grace 5 s after the last request, it is kept */
	assert_int_equal(flush(agg, AT(108 + 15), false, &c), 0);
	assert_int_equal(cnt->live_flows, 1);
	/* the requests were counted all the same */
	assert_int_equal(c.nwin, 1);
	assert_int_equal(c.win[0].requests, 2);
	assert_int_equal(c.nlive, 0);
	collected_reset(&c);
	assert_int_equal(flush(agg, AT(108 + 15) + 1, false, &c), 0);
	assert_int_equal(cnt->live_flows, 0);
	/* records of the connection then start it afresh */
	feed_ns(agg, FLOWMESH_REC_UPDATE, 5, 222, AT(130), 100);
	assert_int_equal(cnt->duplicates, 0);
	assert_int_equal(cnt->live_flows, 1);
	collected_reset(&c);
	fm_agg_free(agg);
}

static void test_routes_bounded(void **state)
{
	struct fm_agg_config cfg = default_cfg;
	struct fm_aggregator *agg;
	const struct fm_agg_counters *cnt;
	struct collected c = { 0 };

	(void)state;
	cfg.max_series = 2;
	agg = agg_new(&cfg, NULL);
	cnt = fm_agg_counters(agg);
	feed(agg, FLOWMESH_REC_OPEN, 1, AT(100), 100, 0);
	request(agg, AT(101), 0, 1, "GET", "/a", false, 1000);
	request(agg, AT(101), 0, 1, "GET", "/b", false, 1000);
	request(agg, AT(101), 0, 1, "GET", "/c", false, 1000);
	/* a known route still counts */
	request(agg, AT(102), 0, 1, "GET", "/a", false, 1000);
	assert_int_equal(cnt->routes_overflow, 1);
	/* another window has room again */
	request(agg, AT(111), 0, 1, "GET", "/c", false, 1000);
	assert_int_equal(cnt->routes_overflow, 1);
	assert_int_equal(flush(agg, AT(200), false, &c), 0);
	assert_int_equal(c.nroutes, 3);
	assert_int_equal(find_route(&c, T0 + 100, "GET", "/a")->requests, 2);
	assert_non_null(find_route(&c, T0 + 100, "GET", "/b"));
	assert_null(find_route(&c, T0 + 100, "GET", "/c"));
	assert_non_null(find_route(&c, T0 + 110, "GET", "/c"));
	/* the edge counts every request */
	assert_int_equal(row_at(&c, 100)->requests, 4);
	collected_reset(&c);
	fm_agg_free(agg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_rejects_zero_window),
		cmocka_unit_test(test_deltas_split_across_windows),
		cmocka_unit_test(test_window_boundaries),
		cmocka_unit_test(test_samples_in_their_histograms),
		cmocka_unit_test(test_duplicate_observation),
		cmocka_unit_test(test_counter_restart),
		cmocka_unit_test(test_first_seen_after_open),
		cmocka_unit_test(test_records_out_of_order),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_max_flows),
		cmocka_unit_test(test_max_series),
		cmocka_unit_test(test_late_record),
		cmocka_unit_test(test_grace),
		cmocka_unit_test(test_flush_failure_keeps_everything),
		cmocka_unit_test(test_restore_no_double_count),
		cmocka_unit_test(test_restore_done_drops_unconfirmed),
		cmocka_unit_test(test_restore_unterminated_names),
		cmocka_unit_test(test_identity_names),
		cmocka_unit_test(test_names_without_sources),
		cmocka_unit_test(test_totals_since_start),
		cmocka_unit_test(test_requests_scaled),
		cmocka_unit_test(test_request_bad_input),
		cmocka_unit_test(test_request_duplicates),
		cmocka_unit_test(test_request_before_records),
		cmocka_unit_test(test_pending_forgotten),
		cmocka_unit_test(test_routes_bounded),
	};

	return cmocka_run_group_tests_name("aggregate", tests, NULL, NULL);
}
