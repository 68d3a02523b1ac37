/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading golden metrics back out of the store: what `flowmesh stat`,
 * `edges`, `routes`, `topology` and `flows --since` print, and what the agent's
 * HTTP API serves.  One function builds each JSON document, so the CLI
 * and the API cannot drift apart (names and units in docs/metrics.md).
 */
#ifndef FLOWMESH_LIB_QUERY_H
#define FLOWMESH_LIB_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/flow.h"
#include "lib/hist.h"
#include "lib/identity.h"
#include "lib/store.h"

struct fm_store;

struct fm_query {
	uint64_t from_s;		/* [from_s, to_s), Unix seconds */
	uint64_t to_s;
	uint32_t res_s;			/* 0: finest kept that covers from_s */
	const char *service;		/* stat: this service; NULL: all */
	const char *client;		/* edges, routes: filters; NULL: any */
	const char *server;
	const char *protocol;		/* routes: this L7 protocol; NULL: any */
};

/* A service (client empty, server = the service) or an edge. */
struct fm_metrics_row {
	char client[FM_NAME_MAX];
	char server[FM_NAME_MAX];
	uint64_t seconds;		/* time the row covers */
	uint64_t opened;
	uint64_t closed;
	uint64_t tx_bytes;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t rx_packets;
	uint64_t retransmits;
	uint64_t exchanges;
	bool l7;
	uint64_t requests;
	uint64_t failures;
	double sample_rate;
	struct fm_hist latency;
	struct fm_hist rtt;
};

struct fm_metrics_rows {
	struct fm_metrics_row *v;
	size_t len;
	size_t cap;
};

void fm_metrics_rows_free(struct fm_metrics_rows *rows);

/*
 * The resolution a query reads: q->res_s when set, else the finest (the
 * finest in the store, then 60, then 3600) with windows in the period,
 * unless a coarser one's first window there starts at least one of its
 * windows earlier (retention removed the finer rows).  With no windows
 * in the period, FM_RES_FINE.
 */
int fm_query_resolution(struct fm_store *s, const struct fm_query *q,
			uint32_t *res_s);

/*
 * Per service: what it served (traffic where it is the callee).  Services
 * seen only as callers are listed too, with zero counters, so every
 * service is on the list.  Sorted by name.
 */
int fm_query_stat(struct fm_store *s, const struct fm_query *q,
		  struct fm_metrics_rows *out);
/* Per caller -> callee edge, sorted by client then server. */
int fm_query_edges(struct fm_store *s, const struct fm_query *q,
		   struct fm_metrics_rows *out);
/*
 * Closed flows that ended in [from_s, to_s), oldest first, up to @limit
 * (0: all); q->client and q->server filter by service name.  The record
 * a flow leaves keeps neither a last sample nor a response minimum:
 * those read 0, and TCP flags are absent.
 */
int fm_query_flows(struct fm_store *s, const struct fm_query *q,
		   size_t limit, struct fm_flows *out);

/*
 * The L7 requests of one route of a server over the period: summed over
 * every client, or those of q->client only (then named here).
 */
struct fm_route_metrics {
	char client[FM_NAME_MAX];	/* "" when summed over clients */
	char server[FM_NAME_MAX];
	char protocol[FM_ROUTE_PROTO_MAX];
	char method[FM_ROUTE_METHOD_MAX];
	char route[FM_ROUTE_PATH_MAX];
	uint64_t seconds;		/* time the row covers */
	uint64_t requests;		/* scaled by the sample rate */
	uint64_t failures;
	double sample_rate;		/* the smallest of its windows */
	struct fm_hist latency;		/* request to response, us */
};

struct fm_route_rows {
	struct fm_route_metrics *v;
	size_t len;
	size_t cap;
};

void fm_route_rows_free(struct fm_route_rows *rows);

/*
 * Per route (server, protocol, method, route), sorted by server,
 * protocol, route and method; q->service keeps the routes of that
 * server, q->client the requests of that client, q->protocol those of
 * that protocol name.
 */
int fm_query_routes(struct fm_store *s, const struct fm_query *q,
		    struct fm_route_rows *out);
/* Requests per second, success rate of a route; < 0 unknown. */
double fm_route_rps(const struct fm_route_metrics *row);
double fm_route_success_rate(const struct fm_route_metrics *row);
/* JSON: one object per route ({"client", "server", "protocol", ...}). */
json_t *fm_route_rows_to_json(const struct fm_route_rows *rows);

/* Requests per second, success rate: what the row says, or < 0 unknown. */
double fm_metrics_rps(const struct fm_metrics_row *row);
double fm_metrics_success_rate(const struct fm_metrics_row *row);

/*
 * JSON: stat rows ({"service": ...}), edge rows ({"client", "server"}),
 * and the topology ({"nodes": [...], "edges": [...]}) of @services and
 * @edges.  NULL only when out of memory.
 */
json_t *fm_stat_rows_to_json(const struct fm_metrics_rows *rows);
json_t *fm_edge_rows_to_json(const struct fm_metrics_rows *rows);
json_t *fm_topology_to_json(const struct fm_metrics_rows *services,
			    const struct fm_metrics_rows *edges);

#endif /* FLOWMESH_LIB_QUERY_H */
