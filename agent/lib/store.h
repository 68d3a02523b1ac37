/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's SQLite store (docs/store.md has the schema): windows of
 * golden metrics per caller -> callee edge and of L7 requests per route
 * at three resolutions (10 s, 1 min, 1 h), closed flows, and the per-flow state the agent needs to
 * resume after a restart without counting anything twice.
 *
 * One writer (flowmeshd) in WAL mode with prepared statements and batched
 * transactions; any number of readers (the CLI, the HTTP API) that never
 * block it.  Per-service figures are not stored: they are the edges
 * summed by callee, so there is one place each number lives.
 */
#ifndef FLOWMESH_LIB_STORE_H
#define FLOWMESH_LIB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/flowmesh.h>

#include "lib/hist.h"
#include "lib/identity.h"

#define FM_STORE_SCHEMA_VERSION	2
#define FM_STORE_BUSY_MS	5000
#define FM_STORE_ERR_MAX	256

/* Window resolutions, seconds; the finest is the agent's window setting. */
enum {
	FM_RES_FINE = 10,
	FM_RES_MINUTE = 60,
	FM_RES_HOUR = 3600,
};

/* One edge in one window.  Counters are what happened in the window. */
struct fm_window_row {
	uint32_t res_s;
	uint64_t start_s;		/* Unix seconds, a multiple of res_s */
	char client[FM_NAME_MAX];	/* service names */
	char server[FM_NAME_MAX];
	uint64_t opened;		/* connections opened */
	uint64_t closed;
	uint64_t tx_bytes;		/* client -> server, IP bytes */
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t rx_packets;
	uint64_t retransmits;
	uint64_t exchanges;		/* request -> response, seen at L4 */
	bool l7;			/* the next three are known */
	uint64_t requests;		/* L7 requests (estimated: scaled) */
	uint64_t failures;		/* L7 requests that failed */
	double sample_rate;		/* fraction of flows L7 looked at */
	struct fm_hist latency;		/* response time, us */
	struct fm_hist rtt;		/* network RTT, us */
};

/* Text lengths of a route row, NUL included (those of agent/l7/l7.h). */
#define FM_ROUTE_PROTO_MAX	16
#define FM_ROUTE_METHOD_MAX	16
#define FM_ROUTE_PATH_MAX	128

/*
 * The L7 requests of one route (client, server, protocol, method, route)
 * in one window.  Every request is an estimate scaled by its sample rate.
 */
struct fm_route_row {
	uint32_t res_s;
	uint64_t start_s;		/* Unix seconds, a multiple of res_s */
	char client[FM_NAME_MAX];	/* service names */
	char server[FM_NAME_MAX];
	char protocol[FM_ROUTE_PROTO_MAX];	/* "http", "grpc", "redis" */
	char method[FM_ROUTE_METHOD_MAX];	/* GET, QUERY, SET; may be "" */
	char route[FM_ROUTE_PATH_MAX];	/* /users/{id}, SELECT; may be "" */
	uint64_t requests;		/* scaled by the sample rate */
	uint64_t failures;
	double sample_rate;		/* fraction of flows L7 looked at */
	struct fm_hist latency;		/* request to response, us */
};

/* What a closed flow leaves behind: its last record, named. */
struct fm_flow_row {
	struct flowmesh_record rec;	/* the CLOSE record (final counters) */
	uint64_t opened_ns;		/* 0 when the open was not seen */
	char client_service[FM_NAME_MAX];
	char server_service[FM_NAME_MAX];
};

/*
 * What the agent has already counted of a live flow.  A record's counters
 * are totals; the agent adds the difference to the present window.
 */
struct fm_live_flow {
	uint64_t flow_id;
	uint32_t netns;
	uint8_t family;
	uint8_t proto;
	uint16_t client_port;
	uint16_t server_port;
	uint8_t client[16];
	uint8_t server[16];
	uint64_t opened_ns;
	char client_service[FM_NAME_MAX];
	char server_service[FM_NAME_MAX];
	uint64_t tx_bytes;
	uint64_t tx_packets;
	uint64_t rx_bytes;
	uint64_t rx_packets;
	uint32_t retransmits;
	uint32_t response_count;
};

struct fm_store;

enum fm_store_mode {
	FM_STORE_WRITE,		/* create, migrate; the daemon */
	FM_STORE_READ,		/* must exist and be current; readers */
};

/*
 * Opens the database at @path.  FM_STORE_WRITE creates the file (not its
 * directory) and migrates the schema to FM_STORE_SCHEMA_VERSION.  A database newer than this program is refused.
 * 0 or a negative errno, with the reason in @err.
 */
int fm_store_open(struct fm_store **out, const char *path,
		  enum fm_store_mode mode, char *err, size_t errlen);
void fm_store_close(struct fm_store *s);
/*
 * Migrates the raw SQLite database @sqlite_db (sqlite3 *) up to schema
 * @version and no further, with the steps fm_store_open() uses: tests
 * and tools build databases of older schemas with it.  0 or a negative
 * errno (-EINVAL for a version this flowmesh does not know).
 */
int fm_store_migrate_to(void *sqlite_db, int version);
/* The schema version of the open database. */
int fm_store_schema_version(struct fm_store *s);
/* sqlite3 *, for the query functions and tests. */
void *fm_store_db(struct fm_store *s);
/* The last SQLite error message. */
const char *fm_store_errmsg(struct fm_store *s);
/* Sets the message fm_store_errmsg() returns (for query.c). */
void fm_store_set_errmsg(struct fm_store *s, const char *msg);
/* A negative errno for an SQLite result code. */
int fm_store_sqlite_errno(int rc);

/*
 * Column readers (@stmt: sqlite3_stmt *) that treat stored values as the
 * untrusted input they are: false when the value is NULL, of another type
 * or out of range.  _uint: an integer in [0, @max]; _id: any 64-bit
 * pattern;
 * _text: text shorter than @size without NULs inside (empty is fine);
 * _name: a service name shorter than FM_NAME_MAX; _addr: a 16-byte
 * address of an AF_INET or AF_INET6 @family.  _u8 to _u64: _uint up to
 * the type's maximum, stored into that type.
 */
bool fm_store_col_uint(void *stmt, int col, uint64_t max, uint64_t *out);
bool fm_store_col_u8(void *stmt, int col, uint8_t *out);
bool fm_store_col_u16(void *stmt, int col, uint16_t *out);
bool fm_store_col_u32(void *stmt, int col, uint32_t *out);
bool fm_store_col_u64(void *stmt, int col, uint64_t *out);
bool fm_store_col_id(void *stmt, int col, uint64_t *out);
bool fm_store_col_text(void *stmt, int col, char *out, size_t size);
bool fm_store_col_name(void *stmt, int col, char *out);
bool fm_store_col_addr(void *stmt, int col, uint8_t family, uint8_t *out);

int fm_store_begin(struct fm_store *s);
int fm_store_commit(struct fm_store *s);
void fm_store_rollback(struct fm_store *s);

/* Adds @row to the row of its (res, start, client, server), merging. */
int fm_store_put_window(struct fm_store *s, const struct fm_window_row *row);
/*
 * Adds @row to the row of its (res, start, client, server, protocol,
 * method, route), merging like windows; -EINVAL for texts without their
 * NUL, an empty protocol or a zero resolution.
 */
int fm_store_put_route(struct fm_store *s, const struct fm_route_row *row);
int fm_store_put_flow(struct fm_store *s, const struct fm_flow_row *row);
int fm_store_put_live(struct fm_store *s, const struct fm_live_flow *lf);
int fm_store_del_live(struct fm_store *s, uint64_t flow_id);
int fm_store_load_live(struct fm_store *s,
		       int (*cb)(const struct fm_live_flow *lf, void *data),
		       void *data);

/*
 * Rolls finished windows up: every minute that ended before @upto_s whose
 * fine windows are all written becomes a 1 min row, every such hour a
 * 1 h row; routes alike, over the same ranges.  Idempotent: what was
 * rolled up is remembered in the database.  @fine_res_s must divide 60
 * (-EINVAL).  Runs in the caller's transaction
 * when one is open, else in its own.
 */
int fm_store_rollup(struct fm_store *s, uint32_t fine_res_s, uint64_t upto_s);

struct fm_retention {
	uint32_t fine_s;
	uint32_t minute_s;
	uint32_t hour_s;
	uint32_t flows_s;
};
/*
 * Deletes what is older than @now_s minus each retention (0: keep
 * forever); routes go with the windows of their resolution.  Runs in the
 * caller's transaction when one is open.
 */
int fm_store_expire(struct fm_store *s, const struct fm_retention *r,
		    uint64_t now_s);
/* A passive WAL checkpoint, so the WAL stays bounded. */
int fm_store_checkpoint(struct fm_store *s);

/*
 * The SQL aggregate hist_merge(blob) the store registers on every
 * connection it opens, so rollups and readers merge histograms in SQL.
 */
int fm_store_register_functions(void *sqlite_db);

#endif /* FLOWMESH_LIB_STORE_H */
