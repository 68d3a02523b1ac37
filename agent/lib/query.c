// SPDX-License-Identifier: GPL-2.0
/*
 * Golden metrics read back from the store, and their JSON.  Sums and
 * histogram merges happen in SQL (hist_merge()), so a query returns one
 * row per service or edge however many windows it spans.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include "lib/json.h"
#include "lib/query.h"
#include "lib/store.h"

/* The columns after the name(s) of a metrics query, in this order. */
#define METRICS_SUMS							\
	"SUM(opened), SUM(closed), SUM(tx_bytes), SUM(rx_bytes),"	\
	" SUM(tx_packets), SUM(rx_packets), SUM(retransmits),"		\
	" SUM(exchanges), SUM(requests), SUM(failures),"		\
	" MIN(sample_rate), hist_merge(latency), hist_merge(rtt)"
#define METRICS_IN_PERIOD	"res = ?1 AND start >= ?2 AND start < ?3"

/*
 * What each service served, then the services that only called others
 * in the period, with nothing served.
 */
static const char stat_sql[] =
	"SELECT server, " METRICS_SUMS " FROM windows"
	" WHERE " METRICS_IN_PERIOD " AND (?4 IS NULL OR server = ?4)"
	" GROUP BY server"
	" UNION ALL"
	" SELECT DISTINCT client, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL,"
	" NULL, NULL FROM windows"
	" WHERE " METRICS_IN_PERIOD " AND (?4 IS NULL OR client = ?4)"
	" AND client NOT IN (SELECT server FROM windows"
	"  WHERE " METRICS_IN_PERIOD ")"
	" ORDER BY 1";

static const char edges_sql[] =
	"SELECT client, server, " METRICS_SUMS " FROM windows"
	" WHERE " METRICS_IN_PERIOD " AND (?4 IS NULL OR client = ?4)"
	" AND (?5 IS NULL OR server = ?5)"
	" GROUP BY client, server ORDER BY client, server";

/* Routes summed over clients, or of the client ?5 alone. */
static const char routes_sql[] =
	"SELECT server, protocol, method, route, SUM(requests),"
	" SUM(failures), MIN(sample_rate), hist_merge(latency) FROM routes"
	" WHERE " METRICS_IN_PERIOD " AND (?4 IS NULL OR server = ?4)"
	" AND (?5 IS NULL OR client = ?5) AND (?6 IS NULL OR protocol = ?6)"
	" GROUP BY server, protocol, method, route"
	" ORDER BY server, protocol, route, method";

static const char flows_sql[] =
	"SELECT flow_id, netns, family, proto, client, client_port, server,"
	" server_port, opened_ns, closed_ns, tx_bytes, tx_packets, rx_bytes,"
	" rx_packets, state, rtt_samples, rtt_min_us, rtt_max_us, rtt_sum_us,"
	" rtt_hs_client_us, rtt_hs_server_us, response_count,"
	" response_sum_us, response_max_us, retransmits, resets,"
	" zero_windows FROM flows"
	" WHERE closed_ns >= ?1 AND closed_ns < ?2"
	" AND (?3 IS NULL OR client_service = ?3)"
	" AND (?4 IS NULL OR server_service = ?4)"
	" ORDER BY closed_ns, rowid LIMIT ?5";

static const char first_sql[] =
	"SELECT MIN(start) FROM windows"
	" WHERE res = ?1 AND start >= ?2 AND start < ?3";
static const char finest_sql[] = "SELECT MIN(res) FROM windows";

static int query_fail(struct fm_store *s, int rc, const char *doing)
{
	char msg[FM_STORE_ERR_MAX];
	sqlite3 *db = fm_store_db(s);

	snprintf(msg, sizeof(msg), "%s: %s", doing, sqlite3_errmsg(db));
	fm_store_set_errmsg(s, msg);
	return fm_store_sqlite_errno(rc);
}

static int query_bad_row(struct fm_store *s, const char *what)
{
	char msg[FM_STORE_ERR_MAX];

	snprintf(msg, sizeof(msg), "malformed %s in the database", what);
	fm_store_set_errmsg(s, msg);
	return -EBADMSG;
}

static int query_prepare(struct fm_store *s, const char *sql,
			 sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(fm_store_db(s), sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : query_fail(s, rc, "preparing a query");
}

static sqlite3_int64 query_i64(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (sqlite3_int64)v;
}

static void bind_name(sqlite3_stmt *st, int i, const char *name)
{
	if (name)
		sqlite3_bind_text(st, i, name, -1, SQLITE_STATIC);
}

/* A single integer result; false (and 0) when it is NULL. */
static int query_u64(struct fm_store *s, const char *sql,
		     const int64_t *args, size_t nargs, uint64_t *out,
		     bool *found)
{
	sqlite3_stmt *st;
	int rc, err;
	size_t i;

	*found = false;
	err = query_prepare(s, sql, &st);
	if (err)
		return err;
	for (i = 0; i < nargs; i++)
		sqlite3_bind_int64(st, (int)i + 1, args[i]);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		if (fm_store_col_u64(st, 0, out))
			*found = true;
		else
			err = query_bad_row(s, "window");
	} else if (rc != SQLITE_ROW) {
		err = query_fail(s, rc, "reading windows");
	}
	sqlite3_finalize(st);
	return err;
}

/*
 * A period is read at the finest resolution with windows in it, unless a
 * coarser one reaches back further by at least one of its windows: then
 * the finer rows are gone (retention).  A coarser window that merely
 * starts before the first finer one (the agent started within it) does
 * not win: its rows end at the last roll-up, and the finer windows since
 * then would be left out.
 */
int fm_query_resolution(struct fm_store *s, const struct fm_query *q,
			uint32_t *res_s)
{
	uint64_t finest, first, best = 0;
	uint32_t cand[3];
	int64_t args[3];
	size_t n = 0, i;
	bool found, any = false;
	int err;

	*res_s = q->res_s;
	if (q->res_s)
		return 0;
	*res_s = FM_RES_FINE;	/* no data at all: any will do */
	err = query_u64(s, finest_sql, NULL, 0, &finest, &found);
	if (err || !found)
		return err;
	if (finest < FM_RES_MINUTE)
		cand[n++] = (uint32_t)finest;
	cand[n++] = FM_RES_MINUTE;
	cand[n++] = FM_RES_HOUR;
	args[1] = query_i64(q->from_s);
	args[2] = query_i64(q->to_s);
	for (i = 0; i < n; i++) {
		args[0] = cand[i];
		err = query_u64(s, first_sql, args, 3, &first, &found);
		if (err)
			return err;
		if (found && (!any || first + cand[i] <= best)) {
			any = true;
			best = first;
			*res_s = cand[i];
		}
	}
	return 0;
}

void fm_metrics_rows_free(struct fm_metrics_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->len; i++) {
		fm_hist_free(&rows->v[i].latency);
		fm_hist_free(&rows->v[i].rtt);
	}
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

/*
 * Makes room for one more of @size-byte elements in the array at *@v
 * holding @len of @cap; doubles it so that appending stays linear.
 */
static int rows_grow(void *v, size_t len, size_t *cap, size_t size)
{
	void *old, *grown;
	size_t n;

	if (len < *cap)
		return 0;
	n = *cap ? *cap * 2 : 16;
	memcpy(&old, v, sizeof(old));
	grown = reallocarray(old, n, size);
	if (!grown)
		return -ENOMEM;
	memcpy(v, &grown, sizeof(grown));
	*cap = n;
	return 0;
}

static struct fm_metrics_row *rows_add(struct fm_metrics_rows *rows)
{
	struct fm_metrics_row *v;

	if (rows_grow(&rows->v, rows->len, &rows->cap, sizeof(*v)))
		return NULL;
	v = &rows->v[rows->len++];
	memset(v, 0, sizeof(*v));
	return v;
}

/* A hist_merge() result: NULL is no samples. */
static int col_hist(sqlite3_stmt *st, int col, struct fm_hist *h)
{
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		return 0;
	case SQLITE_BLOB:
		return fm_hist_decode(h, sqlite3_column_blob(st, col),
				      (size_t)sqlite3_column_bytes(st, col));
	}
	return -EBADMSG;
}

/*
 * The METRICS_SUMS columns from @col on.  The L7 figures are known when
 * some window had them: then all three are there.
 */
static int row_metrics(sqlite3_stmt *st, int col, struct fm_metrics_row *r)
{
	uint64_t *counters[] = {
		&r->opened, &r->closed, &r->tx_bytes, &r->rx_bytes,
		&r->tx_packets, &r->rx_packets, &r->retransmits,
		&r->exchanges,
	};
	size_t i;
	int err;

	for (i = 0; i < sizeof(counters) / sizeof(*counters); i++)
		if (!fm_store_col_u64(st, col++, counters[i]))
			return -EBADMSG;
	r->l7 = sqlite3_column_type(st, col) != SQLITE_NULL;
	r->sample_rate = 1.0;
	if (r->l7) {
		if (!fm_store_col_u64(st, col, &r->requests) ||
		    !fm_store_col_u64(st, col + 1, &r->failures))
			return -EBADMSG;
		if (sqlite3_column_type(st, col + 2) != SQLITE_FLOAT &&
		    sqlite3_column_type(st, col + 2) != SQLITE_INTEGER)
			return -EBADMSG;
		r->sample_rate = sqlite3_column_double(st, col + 2);
		if (!(r->sample_rate >= 0 && r->sample_rate <= 1))
			return -EBADMSG;
	}
	col += 3;
	err = col_hist(st, col, &r->latency);
	if (!err)
		err = col_hist(st, col + 1, &r->rtt);
	return err;
}

/*
 * Runs a metrics query whose rows are @names name columns (1: server,
 * 2: client and server) and the METRICS_SUMS.
 */
static int query_metrics(struct fm_store *s, sqlite3_stmt *st, int names,
			 uint64_t seconds, struct fm_metrics_rows *out)
{
	struct fm_metrics_row *r;
	int rc, err = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = rows_add(out);
		if (!r) {
			err = -ENOMEM;
			fm_store_set_errmsg(s, "out of memory");
			break;
		}
		r->seconds = seconds;
		if (names == 2 && !fm_store_col_name(st, 0, r->client)) {
			err = query_bad_row(s, "client name");
			break;
		}
		if (!fm_store_col_name(st, names - 1, r->server)) {
			err = query_bad_row(s, "server name");
			break;
		}
		err = row_metrics(st, names, r);
		if (err == -ENOMEM) {
			fm_store_set_errmsg(s, "out of memory");
			break;
		}
		if (err) {
			err = query_bad_row(s, "window");
			break;
		}
	}
	if (!err && rc != SQLITE_DONE)
		err = query_fail(s, rc, "reading windows");
	sqlite3_finalize(st);
	if (err)
		fm_metrics_rows_free(out);
	return err;
}

/* Prepares @sql and binds the resolution and period of @q. */
static int query_start(struct fm_store *s, const struct fm_query *q,
		       const char *sql, sqlite3_stmt **st)
{
	uint32_t res;
	int err;

	err = fm_query_resolution(s, q, &res);
	if (!err)
		err = query_prepare(s, sql, st);
	if (err)
		return err;
	sqlite3_bind_int64(*st, 1, res);
	sqlite3_bind_int64(*st, 2, query_i64(q->from_s));
	sqlite3_bind_int64(*st, 3, query_i64(q->to_s));
	return 0;
}

static uint64_t query_seconds(const struct fm_query *q)
{
	return q->to_s > q->from_s ? q->to_s - q->from_s : 0;
}

int fm_query_stat(struct fm_store *s, const struct fm_query *q,
		  struct fm_metrics_rows *out)
{
	sqlite3_stmt *st;
	int err;

	memset(out, 0, sizeof(*out));
	err = query_start(s, q, stat_sql, &st);
	if (err)
		return err;
	bind_name(st, 4, q->service);
	return query_metrics(s, st, 1, query_seconds(q), out);
}

int fm_query_edges(struct fm_store *s, const struct fm_query *q,
		   struct fm_metrics_rows *out)
{
	sqlite3_stmt *st;
	int err;

	memset(out, 0, sizeof(*out));
	err = query_start(s, q, edges_sql, &st);
	if (err)
		return err;
	bind_name(st, 4, q->client);
	bind_name(st, 5, q->server);
	return query_metrics(s, st, 2, query_seconds(q), out);
}

void fm_route_rows_free(struct fm_route_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->len; i++)
		fm_hist_free(&rows->v[i].latency);
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

static struct fm_route_metrics *route_rows_add(struct fm_route_rows *rows)
{
	struct fm_route_metrics *v;

	if (rows_grow(&rows->v, rows->len, &rows->cap, sizeof(*v)))
		return NULL;
	v = &rows->v[rows->len++];
	memset(v, 0, sizeof(*v));
	return v;
}

/* One row of routes_sql; -EBADMSG for anything the store cannot hold. */
static int route_from_row(sqlite3_stmt *st, struct fm_route_metrics *r)
{
	int type;

	if (!fm_store_col_name(st, 0, r->server) ||
	    !fm_store_col_text(st, 1, r->protocol, sizeof(r->protocol)) ||
	    !r->protocol[0] ||
	    !fm_store_col_text(st, 2, r->method, sizeof(r->method)) ||
	    !fm_store_col_text(st, 3, r->route, sizeof(r->route)) ||
	    !fm_store_col_u64(st, 4, &r->requests) ||
	    !fm_store_col_u64(st, 5, &r->failures))
		return -EBADMSG;
	type = sqlite3_column_type(st, 6);
	if (type != SQLITE_FLOAT && type != SQLITE_INTEGER)
		return -EBADMSG;
	r->sample_rate = sqlite3_column_double(st, 6);
	if (!(r->sample_rate > 0 && r->sample_rate <= 1))
		return -EBADMSG;
	return col_hist(st, 7, &r->latency);
}

int fm_query_routes(struct fm_store *s, const struct fm_query *q,
		    struct fm_route_rows *out)
{
	struct fm_route_metrics *r;
	sqlite3_stmt *st;
	int rc, err;

	memset(out, 0, sizeof(*out));
	err = query_start(s, q, routes_sql, &st);
	if (err)
		return err;
	bind_name(st, 4, q->service);
	bind_name(st, 5, q->client);
	bind_name(st, 6, q->protocol);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = route_rows_add(out);
		if (!r) {
			err = -ENOMEM;
			fm_store_set_errmsg(s, "out of memory");
			break;
		}
		r->seconds = query_seconds(q);
		if (q->client)
			snprintf(r->client, sizeof(r->client), "%s", q->client);
		err = route_from_row(st, r);
		if (err == -ENOMEM) {
			fm_store_set_errmsg(s, "out of memory");
			break;
		}
		if (err) {
			err = query_bad_row(s, "route");
			break;
		}
	}
	if (!err && rc != SQLITE_DONE)
		err = query_fail(s, rc, "reading routes");
	sqlite3_finalize(st);
	if (err)
		fm_route_rows_free(out);
	return err;
}

/*
 * A closed flow as the kernel would list it.  The record keeps no last
 * sample and no response minimum: those read 0.  No TCP flags either.
 */
static bool flow_from_row(sqlite3_stmt *st, struct fm_flow *f)
{
	memset(f, 0, sizeof(*f));
	if (!fm_store_col_id(st, 0, &f->id) ||
	    !fm_store_col_u32(st, 1, &f->netns) ||
	    !fm_store_col_u8(st, 2, &f->family) ||
	    !fm_store_col_u8(st, 3, &f->proto) || !fm_proto_name(f->proto) ||
	    !fm_store_col_addr(st, 4, f->family, f->client) ||
	    !fm_store_col_u16(st, 5, &f->client_port) ||
	    !fm_store_col_addr(st, 6, f->family, f->server) ||
	    !fm_store_col_u16(st, 7, &f->server_port) ||
	    !fm_store_col_u64(st, 8, &f->first_seen_ns) ||
	    !fm_store_col_u64(st, 9, &f->last_seen_ns) ||
	    !fm_store_col_u64(st, 10, &f->tx_bytes) ||
	    !fm_store_col_u64(st, 11, &f->tx_packets) ||
	    !fm_store_col_u64(st, 12, &f->rx_bytes) ||
	    !fm_store_col_u64(st, 13, &f->rx_packets) ||
	    !fm_store_col_u8(st, 14, &f->state) ||
	    !fm_store_col_u32(st, 15, &f->rtt.count) ||
	    !fm_store_col_u32(st, 16, &f->rtt.min_us) ||
	    !fm_store_col_u32(st, 17, &f->rtt.max_us) ||
	    !fm_store_col_u64(st, 18, &f->rtt.sum_us) ||
	    !fm_store_col_u32(st, 19, &f->rtt_hs_client_us) ||
	    !fm_store_col_u32(st, 20, &f->rtt_hs_server_us) ||
	    !fm_store_col_u32(st, 21, &f->response.count) ||
	    !fm_store_col_u64(st, 22, &f->response.sum_us) ||
	    !fm_store_col_u32(st, 23, &f->response.max_us) ||
	    !fm_store_col_u32(st, 24, &f->retransmits) ||
	    !fm_store_col_u32(st, 25, &f->resets) ||
	    !fm_store_col_u32(st, 26, &f->zero_windows))
		return false;
	f->attrs = 1ull << FLOWMESH_FLOW_A_ID |
		   1ull << FLOWMESH_FLOW_A_STATE |
		   1ull << FLOWMESH_FLOW_A_RETRANSMITS |
		   1ull << FLOWMESH_FLOW_A_RESETS |
		   1ull << FLOWMESH_FLOW_A_ZERO_WINDOWS |
		   1ull << FLOWMESH_FLOW_A_RTT_HS_CLIENT |
		   1ull << FLOWMESH_FLOW_A_RTT_HS_SERVER |
		   1ull << FLOWMESH_FLOW_A_RTT |
		   1ull << FLOWMESH_FLOW_A_RESPONSE;
	f->rtt.no_last = true;
	f->response.no_last = true;
	f->response.no_min = true;
	return true;
}

/* Unix seconds as nanoseconds, saturating at what SQLite can hold. */
static sqlite3_int64 query_ns(uint64_t s)
{
	return s > INT64_MAX / 1000000000 ? INT64_MAX :
	       (sqlite3_int64)s * 1000000000;
}

int fm_query_flows(struct fm_store *s, const struct fm_query *q,
		   size_t limit, struct fm_flows *out)
{
	struct fm_flow flow;
	sqlite3_stmt *st;
	int rc, err;

	memset(out, 0, sizeof(*out));
	err = query_prepare(s, flows_sql, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, query_ns(q->from_s));
	sqlite3_bind_int64(st, 2, query_ns(q->to_s));
	bind_name(st, 3, q->client);
	bind_name(st, 4, q->server);
	/* a negative LIMIT is none */
	sqlite3_bind_int64(st, 5, limit && limit <= INT64_MAX ?
			   (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!flow_from_row(st, &flow)) {
			err = query_bad_row(s, "closed flow");
			break;
		}
		err = fm_flows_add(out, &flow);
		if (err) {
			fm_store_set_errmsg(s, "out of memory");
			break;
		}
	}
	if (!err && rc != SQLITE_DONE)
		err = query_fail(s, rc, "reading closed flows");
	sqlite3_finalize(st);
	if (err)
		fm_flows_free(out);
	return err;
}

double fm_metrics_rps(const struct fm_metrics_row *row)
{
	if (!row->seconds)
		return -1;
	return (double)(row->l7 ? row->requests : row->exchanges) /
	       (double)row->seconds;
}

/* (requests - failures) / requests; < 0 without requests. */
static double success_rate(uint64_t requests, uint64_t failures)
{
	if (!requests)
		return -1;
	/* scaled estimates may disagree a little: never below 0 */
	if (failures >= requests)
		return 0;
	return (double)(requests - failures) / (double)requests;
}

double fm_metrics_success_rate(const struct fm_metrics_row *row)
{
	return row->l7 ? success_rate(row->requests, row->failures) : -1;
}

double fm_route_rps(const struct fm_route_metrics *row)
{
	if (!row->seconds)
		return -1;
	return (double)row->requests / (double)row->seconds;
}

double fm_route_success_rate(const struct fm_route_metrics *row)
{
	return success_rate(row->requests, row->failures);
}

/* @v rounded to @scale (1000: three decimals); @v >= 0. */
static double round_to(double v, double scale)
{
	if (v * scale >= 1e15)
		return v;	/* already beyond the digits kept */
	return (double)(uint64_t)(v * scale + 0.5) / scale;
}

/* A number, or null when @v < 0 (unknown). */
static json_t *rounded_or_null(double v, double scale)
{
	return v < 0 ? json_null() : json_real(round_to(v, scale));
}

/* {"p50", "p95", "p99"} in ms to the microsecond; null without samples. */
static json_t *quantiles_json(const struct fm_hist *h)
{
	static const struct {
		const char *name;
		double q;
	} qs[] = { { "p50", 0.50 }, { "p95", 0.95 }, { "p99", 0.99 } };
	json_t *obj = json_object();
	size_t i;

	if (!obj)
		return NULL;
	for (i = 0; i < sizeof(qs) / sizeof(*qs); i++) {
		json_t *v = h->count ?
			json_real((double)fm_hist_quantile(h, qs[i].q) / 1000.0) :
			json_null();

		if (fm_json_put(obj, qs[i].name, v)) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

/* The metrics of @r added to @obj, after its name(s). */
static int metrics_json(json_t *obj, const struct fm_metrics_row *r)
{
	int err = 0;

	err |= fm_json_put(obj, "connections",
			   json_integer(fm_json_uint(r->opened)));
	err |= fm_json_put(obj, "connections_closed",
			   json_integer(fm_json_uint(r->closed)));
	err |= fm_json_put(obj, "tx_bytes",
			   json_integer(fm_json_uint(r->tx_bytes)));
	err |= fm_json_put(obj, "rx_bytes",
			   json_integer(fm_json_uint(r->rx_bytes)));
	err |= fm_json_put(obj, "tx_packets",
			   json_integer(fm_json_uint(r->tx_packets)));
	err |= fm_json_put(obj, "rx_packets",
			   json_integer(fm_json_uint(r->rx_packets)));
	err |= fm_json_put(obj, "retransmits",
			   json_integer(fm_json_uint(r->retransmits)));
	err |= fm_json_put(obj, "exchanges",
			   json_integer(fm_json_uint(r->exchanges)));
	err |= fm_json_put(obj, "requests",
			   fm_json_uint_or_null(r->l7, r->requests));
	err |= fm_json_put(obj, "rps",
			   rounded_or_null(fm_metrics_rps(r), 1e3));
	err |= fm_json_put(obj, "success_rate",
			   rounded_or_null(fm_metrics_success_rate(r), 1e6));
	err |= fm_json_put(obj, "estimated",
			   json_boolean(r->l7 && r->sample_rate < 1));
	err |= fm_json_put(obj, "latency_ms", quantiles_json(&r->latency));
	err |= fm_json_put(obj, "rtt_ms", quantiles_json(&r->rtt));
	err |= fm_json_put(obj, "window_s",
			   json_integer(fm_json_uint(r->seconds)));
	return err ? -1 : 0;
}

enum row_kind { ROW_SERVICE, ROW_EDGE, ROW_NODE };

static json_t *row_json(const struct fm_metrics_row *r, enum row_kind kind)
{
	json_t *obj = json_object();
	int err = 0;

	if (!obj)
		return NULL;
	switch (kind) {
	case ROW_SERVICE:
		err |= fm_json_put(obj, "service", json_string(r->server));
		break;
	case ROW_NODE:
		err |= fm_json_put(obj, "name", json_string(r->server));
		break;
	case ROW_EDGE:
		err |= fm_json_put(obj, "client", json_string(r->client));
		err |= fm_json_put(obj, "server", json_string(r->server));
		break;
	}
	if (err || metrics_json(obj, r)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *rows_json(const struct fm_metrics_rows *rows,
			 enum row_kind kind)
{
	json_t *array = json_array();
	size_t i;

	if (!array)
		return NULL;
	for (i = 0; i < rows->len; i++) {
		if (json_array_append_new(array, row_json(&rows->v[i], kind))) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

json_t *fm_stat_rows_to_json(const struct fm_metrics_rows *rows)
{
	return rows_json(rows, ROW_SERVICE);
}

json_t *fm_edge_rows_to_json(const struct fm_metrics_rows *rows)
{
	return rows_json(rows, ROW_EDGE);
}

json_t *fm_topology_to_json(const struct fm_metrics_rows *services,
			    const struct fm_metrics_rows *edges)
{
	json_t *obj = json_object();

	if (!obj)
		return NULL;
	if (fm_json_put(obj, "nodes", rows_json(services, ROW_NODE)) ||
	    fm_json_put(obj, "edges", rows_json(edges, ROW_EDGE))) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *route_json(const struct fm_route_metrics *r)
{
	json_t *obj = json_object();
	int err = 0;

	if (!obj)
		return NULL;
	err |= fm_json_put(obj, "client", r->client[0] ?
			   json_string(r->client) : json_null());
	err |= fm_json_put(obj, "server", json_string(r->server));
	err |= fm_json_put(obj, "protocol", json_string(r->protocol));
	err |= fm_json_put(obj, "method", json_string(r->method));
	err |= fm_json_put(obj, "route", json_string(r->route));
	err |= fm_json_put(obj, "requests",
			   json_integer(fm_json_uint(r->requests)));
	err |= fm_json_put(obj, "rps", rounded_or_null(fm_route_rps(r), 1e3));
	err |= fm_json_put(obj, "success_rate",
			   rounded_or_null(fm_route_success_rate(r), 1e6));
	err |= fm_json_put(obj, "estimated", json_boolean(r->sample_rate < 1));
	err |= fm_json_put(obj, "sample_rate",
			   json_real(round_to(r->sample_rate, 1e6)));
	err |= fm_json_put(obj, "latency_ms", quantiles_json(&r->latency));
	err |= fm_json_put(obj, "window_s",
			   json_integer(fm_json_uint(r->seconds)));
	if (err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

json_t *fm_route_rows_to_json(const struct fm_route_rows *rows)
{
	json_t *array = json_array();
	size_t i;

	if (!array)
		return NULL;
	for (i = 0; i < rows->len; i++) {
		if (json_array_append_new(array, route_json(&rows->v[i]))) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}
