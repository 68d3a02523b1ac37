// SPDX-License-Identifier: GPL-2.0
/*
 * The HTTP API.  Requests are served one at a time by libmicrohttpd's
 * internal thread, which alone uses the read-only store connection, so
 * that connection needs no lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <microhttpd.h>
#include "daemon/http.h"
#include "daemon/prometheus.h"
#include "l7/l7.h"
#include "lib/genl.h"
#include "lib/json.h"
#include "lib/period.h"
#include "lib/query.h"
#include "lib/stats.h"
#include "lib/store.h"

struct fm_http {
	struct MHD_Daemon *mhd;
	struct fm_http_ctx ctx;
	struct fm_store *store;		/* the HTTP thread's, opened on use */
	char address[80];
};

int fm_http_parse_listen(const char *listen, struct sockaddr_storage *ss,
			 socklen_t *len, char *err, size_t errlen)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char host[64];
	const char *colon, *port_str, *given = listen;
	unsigned long port;
	size_t hlen;
	char *end;
	bool v6 = listen[0] == '[';

	memset(ss, 0, sizeof(*ss));
	if (v6) {
		colon = strstr(listen, "]:");
		if (!colon)
			goto bad;
		hlen = (size_t)(colon - listen - 1);
		port_str = colon + 2;
		listen++;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			goto bad;
		hlen = (size_t)(colon - listen);
		port_str = colon + 1;
	}
	if (!hlen || hlen >= sizeof(host) || !*port_str ||
	    *port_str < '0' || *port_str > '9')
		goto bad;
	memcpy(host, listen, hlen);
	host[hlen] = '\0';
	errno = 0;
	port = strtoul(port_str, &end, 10);
	if (errno || *end || port > 65535)
		goto bad;
	if (v6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			goto bad;
		*len = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			goto bad;
		*len = sizeof(*sin);
	}
	return 0;
bad:
	snprintf(err, errlen, "invalid listen address '%s'; use ADDR:PORT or [ADDR6]:PORT",
		 given);
	return -EINVAL;
}

/* --- replies --------------------------------------------------------------- */

static enum MHD_Result fm_http_send(struct MHD_Connection *conn,
				    unsigned int status, char *body,
				    const char *type)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (!body)
		return MHD_NO;	/* out of memory: drop the connection */
	resp = MHD_create_response_from_buffer(strlen(body), body,
					       MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/*
 * Takes @json; a trailing newline like the CLI's output, and its number
 * format (@flags: FM_JSON_FLAGS, FM_JSON_METRICS_FLAGS).
 */
static enum MHD_Result fm_http_json_flags(struct MHD_Connection *conn,
					  unsigned int status, json_t *json,
					  size_t flags)
{
	char *text = json ? json_dumps(json, flags) : NULL;
	char *body = NULL;

	json_decref(json);
	if (text && asprintf(&body, "%s\n", text) < 0)
		body = NULL;
	free(text);
	return fm_http_send(conn, status, body, "application/json");
}

static enum MHD_Result fm_http_json(struct MHD_Connection *conn,
				    unsigned int status, json_t *json)
{
	return fm_http_json_flags(conn, status, json, FM_JSON_FLAGS);
}

static enum MHD_Result fm_http_error(struct MHD_Connection *conn,
				     unsigned int status, const char *reason)
{
	json_t *obj = json_object();

	if (obj && fm_json_put(obj, "error", json_string(reason))) {
		json_decref(obj);
		obj = NULL;
	}
	return fm_http_json(conn, status, obj);
}

/* --- parameters -------------------------------------------------------------- */

struct fm_http_params {
	const char *const *allowed;
	const char *unknown;		/* the first parameter not allowed */
};

static enum MHD_Result fm_http_check_param(void *cls, enum MHD_ValueKind kind,
					   const char *key, const char *value)
{
	struct fm_http_params *p = cls;
	const char *const *a;

	(void)kind;
	(void)value;
	for (a = p->allowed; *a; a++)
		if (!strcmp(*a, key))
			return MHD_YES;
	p->unknown = key;
	return MHD_NO;
}

static const char *fm_http_param(struct MHD_Connection *conn, const char *key)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND,
						    key);

	/* "?service=" names nothing: as if it were not given */
	return v && *v ? v : NULL;
}

/* 1 .. FM_HTTP_FLOWS_MAX, decimal digits only */
static int fm_http_parse_limit(const char *v, uint32_t *limit)
{
	unsigned long n;
	char *end;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || !n || n > FM_HTTP_FLOWS_MAX)
		return -EINVAL;
	*limit = (uint32_t)n;
	return 0;
}

static int fm_http_store(struct fm_http *h, char *err, size_t errlen)
{
	if (h->store)
		return 0;
	return fm_store_open(&h->store, h->ctx.cfg->db_path, FM_STORE_READ,
			     err, errlen);
}

/* A query failed: the next request opens the store afresh. */
static enum MHD_Result fm_http_store_failed(struct fm_http *h,
					    struct MHD_Connection *conn,
					    int err)
{
	char reason[FM_STORE_ERR_MAX + 64];

	snprintf(reason, sizeof(reason), "reading the store: %s",
		 h->store ? fm_store_errmsg(h->store) : strerror(-err));
	if (h->store)
		fm_store_close(h->store);
	h->store = NULL;
	return fm_http_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, reason);
}

/* --- routes ------------------------------------------------------------------ */

enum fm_http_route {
	FM_ROUTE_STAT,
	FM_ROUTE_EDGES,
	FM_ROUTE_TOPOLOGY,
	FM_ROUTE_FLOWS,
	FM_ROUTE_ROUTES,
};

static const char *const fm_http_stat_params[] = {
	"window", "since", "service", NULL
};
static const char *const fm_http_edges_params[] = {
	"window", "since", "client", "server", NULL
};
static const char *const fm_http_topology_params[] = {
	"window", "since", NULL
};
static const char *const fm_http_flows_params[] = { "since", "limit", NULL };
static const char *const fm_http_routes_params[] = {
	"window", "since", "service", "client", "protocol", NULL
};
static const char *const fm_http_no_params[] = { NULL };

static json_t *fm_http_metrics(struct fm_http *h, enum fm_http_route route,
			       const struct fm_query *q, int *err)
{
	struct fm_metrics_rows services = { 0 }, edges = { 0 };
	json_t *json = NULL;

	*err = 0;
	if (route != FM_ROUTE_EDGES)
		*err = fm_query_stat(h->store, q, &services);
	if (!*err && route != FM_ROUTE_STAT)
		*err = fm_query_edges(h->store, q, &edges);
	if (!*err) {
		if (route == FM_ROUTE_STAT)
			json = fm_stat_rows_to_json(&services);
		else if (route == FM_ROUTE_EDGES)
			json = fm_edge_rows_to_json(&edges);
		else
			json = fm_topology_to_json(&services, &edges);
		if (!json)
			*err = -ENOMEM;
	}
	fm_metrics_rows_free(&services);
	fm_metrics_rows_free(&edges);
	return json;
}

static json_t *fm_http_routes(struct fm_http *h, const struct fm_query *q,
			      int *err)
{
	struct fm_route_rows rows = { 0 };
	json_t *json = NULL;

	*err = fm_query_routes(h->store, q, &rows);
	if (!*err) {
		json = fm_route_rows_to_json(&rows);
		if (!json)
			*err = -ENOMEM;
	}
	fm_route_rows_free(&rows);
	return json;
}

static enum MHD_Result fm_http_query(struct fm_http *h,
				     struct MHD_Connection *conn,
				     enum fm_http_route route)
{
	struct fm_query q = { 0 };
	struct fm_flows flows = { 0 };
	char reason[FM_STORE_ERR_MAX + 64];
	uint32_t limit = FM_HTTP_FLOWS_LIMIT;
	const char *v;
	json_t *json;
	int err;

	err = fm_period_parse(route == FM_ROUTE_FLOWS ? NULL :
			      fm_http_param(conn, "window"),
			      fm_http_param(conn, "since"),
			      (uint64_t)time(NULL), &q.from_s, &q.to_s,
			      reason, sizeof(reason));
	if (err)
		return fm_http_error(conn, MHD_HTTP_BAD_REQUEST, reason);
	q.service = fm_http_param(conn, "service");
	q.client = fm_http_param(conn, "client");
	q.server = fm_http_param(conn, "server");
	q.protocol = fm_http_param(conn, "protocol");
	if (q.protocol &&
	    strcmp(fm_l7_proto_name(fm_l7_proto_by_name(q.protocol)),
		   q.protocol)) {
		snprintf(reason, sizeof(reason), "unknown protocol '%.64s'",
			 q.protocol);
		return fm_http_error(conn, MHD_HTTP_BAD_REQUEST, reason);
	}
	v = fm_http_param(conn, "limit");
	if (v && fm_http_parse_limit(v, &limit)) {
		snprintf(reason, sizeof(reason), "invalid limit '%s'; use 1 to %d",
			 v, FM_HTTP_FLOWS_MAX);
		return fm_http_error(conn, MHD_HTTP_BAD_REQUEST, reason);
	}
	err = fm_http_store(h, reason, sizeof(reason));
	if (err)
		return fm_http_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, reason);
	if (route == FM_ROUTE_FLOWS) {
		err = fm_query_flows(h->store, &q, limit, &flows);
		json = err ? NULL : fm_flows_to_json(&flows);
		fm_flows_free(&flows);
		if (!err && !json)
			err = -ENOMEM;
	} else if (route == FM_ROUTE_ROUTES) {
		json = fm_http_routes(h, &q, &err);
	} else {
		json = fm_http_metrics(h, route, &q, &err);
	}
	if (err)
		return fm_http_store_failed(h, conn, err);
	/* closed flows carry Unix times; the rest are metric documents */
	return fm_http_json_flags(conn, MHD_HTTP_OK, json,
				  route == FM_ROUTE_FLOWS ? FM_JSON_FLAGS :
				  FM_JSON_METRICS_FLAGS);
}

static void fm_http_snapshot(struct fm_http *h, struct fm_daemon_status *st,
			     struct fm_edge_totals **totals, size_t *ntotals)
{
	struct fm_daemon_shared *sh = h->ctx.shared;

	pthread_mutex_lock(&sh->lock);
	*st = sh->status;
	if (totals) {
		*ntotals = 0;
		*totals = sh->ntotals ? malloc(sh->ntotals * sizeof(**totals))
				      : NULL;
		if (*totals) {
			memcpy(*totals, sh->totals,
			       sh->ntotals * sizeof(**totals));
			*ntotals = sh->ntotals;
		}
	}
	pthread_mutex_unlock(&sh->lock);
}

static enum MHD_Result fm_http_status(struct fm_http *h,
				      struct MHD_Connection *conn)
{
	struct fm_daemon_status st;

	fm_http_snapshot(h, &st, NULL, NULL);
	return fm_http_json(conn, MHD_HTTP_OK,
			    fm_daemon_status_json(&st, h->ctx.cfg,
						  fm_real_ns()));
}

/* The kernel's counters, when it answers: none is fine. */
static bool fm_http_module_stats(struct fm_stats *stats)
{
	struct fm_nl nl;
	bool ok;

	if (fm_nl_open(&nl))
		return false;
	ok = !fm_nl_resolve_family(&nl) && !fm_stats_get(&nl, stats);
	fm_nl_close(&nl);
	return ok;
}

static enum MHD_Result fm_http_prometheus(struct fm_http *h,
					  struct MHD_Connection *conn)
{
	struct fm_metrics_rows recent = { 0 };
	struct fm_daemon_status st;
	struct fm_prom_input in = { .status = &st,
				    .max_series = h->ctx.cfg->max_series };
	struct fm_edge_totals *totals;
	struct fm_stats stats = { 0 };
	char reason[FM_STORE_ERR_MAX];
	uint64_t now = (uint64_t)time(NULL);
	struct fm_query q = { .from_s = now - 60, .to_s = now };
	char *body = NULL;
	size_t size = 0;
	bool module;
	FILE *out;
	int err;

	fm_http_snapshot(h, &st, &totals, &in.ntotals);
	in.totals = totals;
	module = h->ctx.module_stats && fm_http_module_stats(&stats);
	in.module = module ? &stats : NULL;
	/* quantiles are best effort: the counters matter more */
	if (!fm_http_store(h, reason, sizeof(reason))) {
		if (fm_query_edges(h->store, &q, &recent)) {
			fm_store_close(h->store);
			h->store = NULL;
		} else {
			in.recent = &recent;
		}
	}
	out = open_memstream(&body, &size);
	err = out ? fm_prom_write(out, &in) : -ENOMEM;
	if (out && fclose(out))
		err = -EIO;
	fm_metrics_rows_free(&recent);
	if (module)
		fm_stats_free(&stats);
	free(totals);
	if (err) {
		free(body);
		return fm_http_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				     "cannot render the metrics");
	}
	return fm_http_send(conn, MHD_HTTP_OK, body, FM_PROM_CONTENT_TYPE);
}

static const struct fm_http_path {
	const char *path;
	const char *const *params;
	int route;			/* an fm_http_route, or below */
} fm_http_paths[] = {
	{ "/api/v1/stat", fm_http_stat_params, FM_ROUTE_STAT },
	{ "/api/v1/edges", fm_http_edges_params, FM_ROUTE_EDGES },
	{ "/api/v1/topology", fm_http_topology_params, FM_ROUTE_TOPOLOGY },
	{ "/api/v1/flows", fm_http_flows_params, FM_ROUTE_FLOWS },
	{ "/api/v1/routes", fm_http_routes_params, FM_ROUTE_ROUTES },
	{ "/api/v1/status", fm_http_no_params, -1 },
	{ "/metrics", fm_http_no_params, -2 },
};

static enum MHD_Result fm_http_handler(void *cls, struct MHD_Connection *conn,
				       const char *url, const char *method,
				       const char *version,
				       const char *upload_data,
				       size_t *upload_data_size, void **con_cls)
{
	struct fm_http_params params = { 0 };
	const struct fm_http_path *p = NULL;
	struct fm_http *h = cls;
	char reason[128];
	size_t i;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	for (i = 0; i < sizeof(fm_http_paths) / sizeof(*fm_http_paths); i++)
		if (!strcmp(url, fm_http_paths[i].path))
			p = &fm_http_paths[i];
	if (!p)
		return fm_http_error(conn, MHD_HTTP_NOT_FOUND, "no such path");
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return fm_http_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				     "only GET is supported");
	params.allowed = p->params;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND,
				  fm_http_check_param, &params);
	if (params.unknown) {
		snprintf(reason, sizeof(reason), "unknown parameter '%.64s'",
			 params.unknown);
		return fm_http_error(conn, MHD_HTTP_BAD_REQUEST, reason);
	}
	if (p->route == -1)
		return fm_http_status(h, conn);
	if (p->route == -2)
		return fm_http_prometheus(h, conn);
	return fm_http_query(h, conn, (enum fm_http_route)p->route);
}

int fm_http_start(struct fm_http **out, const struct fm_http_ctx *ctx,
		  char *err, size_t errlen)
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	char host[INET6_ADDRSTRLEN];
	struct fm_http *h;
	socklen_t len;
	int ret;

	*out = NULL;
	ret = fm_http_parse_listen(ctx->cfg->http_listen, &ss, &len, err,
				   errlen);
	if (ret)
		return ret;
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	h->ctx = *ctx;
	h->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
				  (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				  0, NULL, NULL, fm_http_handler, h,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				  MHD_OPTION_CONNECTION_LIMIT,
				  (unsigned int)FM_HTTP_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT,
				  (unsigned int)FM_HTTP_TIMEOUT_S,
				  MHD_OPTION_END);
	if (!h->mhd) {
		snprintf(err, errlen, "cannot listen for HTTP at %s (address in use or not local?)",
			 ctx->cfg->http_listen);
		free(h);
		return -EADDRNOTAVAIL;
	}
	info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
			  host, sizeof(host));
		snprintf(h->address, sizeof(h->address), "[%s]:%u", host,
			 info ? info->port : 0);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
			  host, sizeof(host));
		snprintf(h->address, sizeof(h->address), "%s:%u", host,
			 info ? info->port : 0);
	}
	*out = h;
	return 0;
}

const char *fm_http_address(const struct fm_http *h)
{
	return h->address;
}

void fm_http_stop(struct fm_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->mhd);
	if (h->store)
		fm_store_close(h->store);
	free(h);
}
