/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Application protocol (L7) detection: what a flow speaks, and for the
 * protocols that have them, its requests (method, route, status, latency).
 *
 * A detector is a pure function of the bytes of one flow, in order, each
 * direction separately, plus the detector's own bounded per-flow state:
 * no sockets, no clocks, no globals, so that the same code runs on live
 * packets (NFQUEUE), on captures (flowmesh classify) and under libFuzzer.
 * Reassembly (sequence numbers, retransmits, gaps) happens before a
 * detector sees anything: it gets each direction's stream, and is told
 * about a gap it cannot bridge.
 *
 * Every detector of a flow is offered the first bytes until one claims
 * the flow (FM_L7_MATCH); those that refuse (FM_L7_NO_MATCH) are not asked
 * again.  A protocol is never guessed from the port alone.  Servers that
 * speak first (MySQL, SMTP, ...) are matched from the server's bytes:
 * nothing waits for the client.
 */
#ifndef FLOWMESH_L7_H
#define FLOWMESH_L7_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Protocol ids: stable, they travel to the kernel as a flow's label. */
enum fm_l7_proto {
	FM_L7_UNKNOWN = 0,
	FM_L7_HTTP = 1,		/* HTTP/1.x */
	FM_L7_HTTP2 = 2,	/* cleartext HTTP/2 (prior knowledge or h2c) */
	FM_L7_GRPC = 3,		/* HTTP/2 with content-type application/grpc */
	FM_L7_TLS = 4,
	FM_L7_DNS = 5,
	FM_L7_MYSQL = 6,
	FM_L7_POSTGRESQL = 7,
	FM_L7_REDIS = 8,
	FM_L7_MEMCACHE = 9,
	FM_L7_SMTP = 10,
	FM_L7_PROTO_COUNT
};

/* "http", "http2", "grpc", "tls", "dns", "mysql", "postgresql", "redis",
 * "memcache", "smtp", "unknown"; "unknown" for any other value. */
const char *fm_l7_proto_name(unsigned int proto);
/* The id of a name above; FM_L7_UNKNOWN for anything else. */
enum fm_l7_proto fm_l7_proto_by_name(const char *name);

enum fm_l7_dir {
	FM_L7_TO_SERVER = 0,	/* client -> server */
	FM_L7_TO_CLIENT = 1,
};

enum fm_l7_verdict {
	FM_L7_NEED_MORE,	/* undecided: offer more bytes */
	FM_L7_MATCH,		/* this flow speaks my protocol */
	FM_L7_NO_MATCH,		/* it does not: never ask me again */
};

#define FM_L7_METHOD_MAX	16
#define FM_L7_ROUTE_MAX		128

/*
 * One finished request: what the detector saw of it.  Latency is from
 * the first byte of the request to the first byte of its response, in
 * the timestamps the caller passed with the data.
 */
struct fm_l7_request {
	char method[FM_L7_METHOD_MAX];	/* GET, POST, QUERY, GET (redis), A */
	char route[FM_L7_ROUTE_MAX];	/* templated: /users/{id}, /pkg.Svc/M,
					 * SELECT, SET, example.com */
	int32_t status;			/* HTTP status, grpc-status, DNS rcode,
					 * ...; -1 when the protocol has none */
	bool failed;			/* HTTP 5xx, gRPC non-OK, Redis error,
					 * DNS SERVFAIL/REFUSED, SQL error */
	uint64_t latency_ns;
};

/* What detectors report through; the engine (or a test) provides it. */
struct fm_l7_sink {
	void (*request)(void *ctx, const struct fm_l7_request *req);
	void *ctx;
};

/* Limits every detector keeps to (bounded per-flow state). */
#define FM_L7_REASM_MAX		4096	/* bytes buffered per direction */
#define FM_L7_PENDING_MAX	32	/* outstanding requests per flow */

struct fm_l7_detector {
	enum fm_l7_proto proto;
	const char *name;		/* as fm_l7_proto_name() */
	size_t state_size;		/* zeroed before first use */
	/*
	 * The next @len bytes of direction @dir, seen at @ts_ns: one whole
	 * UDP datagram when @datagram, else the next stretch of the TCP
	 * stream (any length, split anywhere).  Before a
	 * match, returns the verdict; after FM_L7_MATCH, parses on and
	 * reports finished requests to @sink, returning FM_L7_MATCH (or
	 * FM_L7_NO_MATCH if the stream stops making sense: the flow then
	 * keeps its protocol but its requests are no longer followed).
	 */
	enum fm_l7_verdict (*feed)(void *state, const struct fm_l7_sink *sink,
				   enum fm_l7_dir dir, bool datagram,
				   const uint8_t *data, size_t len,
				   uint64_t ts_ns);
	/* Bytes of direction @dir were lost: resynchronise or give up. */
	enum fm_l7_verdict (*gap)(void *state, enum fm_l7_dir dir);
	/*
	 * Adds what the detector learnt (e.g. "sni", "alpn", "version",
	 * "server_version", "requests", "statuses") to the flow's "l7"
	 * object; may be NULL.
	 */
	int (*describe)(const void *state, json_t *l7);
	/* Frees what the state points to (not the state); may be NULL. */
	void (*release)(void *state);
	/*
	 * A protocol HTTP/2's detector can turn into: the engine asks
	 * which one the flow is now (FM_L7_GRPC once a gRPC content-type
	 * was seen); NULL means always @proto.
	 */
	enum fm_l7_proto (*refine)(const void *state);
};

/* Every detector, in the order they are offered a new flow's bytes. */
extern const struct fm_l7_detector *const fm_l7_detectors[];
extern const size_t fm_l7_ndetectors;

/* The detectors themselves, one file each under agent/l7/. */
extern const struct fm_l7_detector fm_l7_http1;		/* http1.c */
extern const struct fm_l7_detector fm_l7_http2;		/* http2.c */
extern const struct fm_l7_detector fm_l7_tls;		/* tls.c */
extern const struct fm_l7_detector fm_l7_dns;		/* dns.c */
extern const struct fm_l7_detector fm_l7_mysql;		/* mysql.c */
extern const struct fm_l7_detector fm_l7_postgresql;	/* postgresql.c */
extern const struct fm_l7_detector fm_l7_redis;		/* redis.c */
extern const struct fm_l7_detector fm_l7_memcache;	/* memcache.c */
extern const struct fm_l7_detector fm_l7_smtp;		/* smtp.c */

/*
 * HTTP paths templated to bound cardinality: the query string dropped,
 * segments that are numbers, UUIDs or long hex become "{id}"; the result
 * is cut to @len - 1 bytes.  Shared by HTTP/1 and HTTP/2.
 */
void fm_l7_route_template(const char *path, size_t path_len, char *out,
			  size_t len);

#endif /* FLOWMESH_L7_H */
