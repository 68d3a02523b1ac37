/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From the kernel's event records to golden metrics per caller -> callee
 * edge in fixed windows.
 *
 * Records carry each flow's totals so far; the aggregator remembers what
 * it has counted of every live flow (struct fm_live_flow) and adds the
 * difference to the window the record falls in, so a lost or repeated
 * UPDATE costs nothing.  RTT and response samples go into the window's
 * histograms.  A connection seen from several namespaces of the node
 * (client pod, host, server pod) is counted once, from the namespace that
 * reported it first; the others are counted as duplicate observations.
 *
 * L7 requests of inspected flows add to their edge's request counts and
 * to windows of their own per route (client, server, protocol, method,
 * route).
 *
 * Windows stay in memory until @grace_s after they end, then a flush
 * hands them and their routes to a sink (the store) together with closed
 * flows and the live flows that changed, so that one transaction keeps
 * them consistent.  Memory is bounded: at most max_series edges and
 * max_series routes per window and max_flows live flows; beyond that
 * records are counted, not kept.
 */
#ifndef FLOWMESH_DAEMON_AGGREGATE_H
#define FLOWMESH_DAEMON_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/flowmesh.h>

#include "l7/l7.h"
#include "lib/identity.h"
#include "lib/store.h"

struct fm_agg_config {
	uint32_t window_s;
	uint32_t grace_s;
	uint32_t max_series;
	uint32_t max_flows;
};

/* Every record is counted in exactly one of the outcome counters. */
struct fm_agg_counters {
	uint64_t records;		/* fed in */
	uint64_t opens;
	uint64_t updates;
	uint64_t closes;
	uint64_t rtt_samples;
	uint64_t response_samples;
	uint64_t duplicates;		/* other namespaces' view of a flow */
	uint64_t unknown_type;		/* types this agent does not know */
	/* losses, each also counted above by type */
	uint64_t series_overflow;	/* no room for another edge */
	uint64_t flows_overflow;	/* no room for another live flow */
	uint64_t late;			/* window already handed over */
	/*
	 * drained after a newer record of the same flow (another CPU's
	 * ring), or after its CLOSE: samples count, totals were counted
	 */
	uint64_t stale;
	uint64_t alloc_failures;
	/* records whose edge had no room in the totals (max_series edges) */
	uint64_t totals_overflow;
	/*
	 * L7 requests (fm_agg_request()), apart from the records: each is
	 * counted in requests, and if it was not counted in its edge, in
	 * one of request_duplicates, request_overflow or alloc_failures.
	 */
	uint64_t requests;
	uint64_t request_duplicates;	/* from a non-owner namespace */
	uint64_t request_overflow;	/* no room for its edge or flow */
	/* requests counted in their edge, not in their route (max_series) */
	uint64_t routes_overflow;
	/* state */
	uint64_t live_flows;
	uint64_t open_windows;
};

/* Totals per edge since the agent started: Prometheus counters. */
struct fm_edge_totals {
	char client[FM_NAME_MAX];
	char server[FM_NAME_MAX];
	uint64_t opened;
	uint64_t closed;
	uint64_t tx_bytes;
	uint64_t rx_bytes;
	uint64_t exchanges;
	uint64_t requests;
	uint64_t failures;
};

/* Where a flush goes; any callback failing stops the flush (returned). */
struct fm_agg_sink {
	int (*window)(void *ctx, const struct fm_window_row *row);
	int (*route)(void *ctx, const struct fm_route_row *row);
	int (*flow_closed)(void *ctx, const struct fm_flow_row *row);
	int (*live)(void *ctx, const struct fm_live_flow *lf);
	int (*live_gone)(void *ctx, uint64_t flow_id);
	void *ctx;
};

struct fm_aggregator;

/* @ids must outlive the aggregator; NULL: every address names itself. */
int fm_agg_new(struct fm_aggregator **out, const struct fm_agg_config *cfg,
	       const struct fm_identity_map *ids);
void fm_agg_free(struct fm_aggregator *agg);

/* The state a previous run stored: counted as already seen. */
int fm_agg_restore(struct fm_aggregator *agg, const struct fm_live_flow *lf);
/*
 * Flows the kernel no longer has (e.g. after a module reload) are dropped
 * from the restored state: call with every live flow id the kernel
 * reported, then fm_agg_restore_done().
 */
void fm_agg_restore_keep(struct fm_aggregator *agg, uint64_t flow_id);
void fm_agg_restore_done(struct fm_aggregator *agg);

/*
 * One finished L7 request of an inspected flow, as the NFQUEUE consumer
 * hands it over: the flow's key as the module tracks it (client = the
 * module's client), its protocol, and how many flows the inspected one
 * stands for (the module's inspect_one_in when it was chosen).
 */
struct fm_agg_request {
	uint64_t time_ns;		/* first byte of the response */
	uint32_t netns;
	uint8_t family;
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t client_port;
	uint16_t server_port;
	uint8_t client[16];
	uint8_t server[16];
	uint8_t l7_proto;		/* enum fm_l7_proto */
	uint32_t one_in;		/* sampling: 1 in this many flows */
	struct fm_l7_request req;
};

/* One record; 0, or -ENOMEM (counted, the record is lost). */
int fm_agg_record(struct fm_aggregator *agg, const struct flowmesh_record *rec);

/*
 * Hands windows that ended more than grace_s before @now_ns (all of them
 * with @all, on stop), closed flows and changed live flows to @sink.  What
 * was handed over is forgotten only when every callback succeeded; on
 * failure the same data is handed over again at the next flush.
 */
int fm_agg_flush(struct fm_aggregator *agg, uint64_t now_ns, bool all,
		 const struct fm_agg_sink *sink);

/*
 * One L7 request: counted in the window of its time, in the edge of its
 * connection (requests and failures, scaled by one_in; the edge's latency
 * histogram stays the L4 response time) and in its route (requests,
 * failures, and the request's own latency).  Only the namespace that
 * owns the connection counts; others' requests are duplicates.  A
 * request for a connection whose records were not seen yet starts the
 * connection's state, owned by its namespace; the first record of that
 * namespace takes it over, and it is forgotten at a flush once no
 * request came for window_s + grace_s.  0; -EINVAL for one_in 0 (nothing
 * counted but requests); -ENOMEM (counted, the request is lost).
 */
int fm_agg_request(struct fm_aggregator *agg, const struct fm_agg_request *r);

const struct fm_agg_counters *fm_agg_counters(const struct fm_aggregator *agg);
/* A copy of the per-edge totals; caller frees *out. */
int fm_agg_totals(const struct fm_aggregator *agg,
		  struct fm_edge_totals **out, size_t *len);

#endif /* FLOWMESH_DAEMON_AGGREGATE_H */
