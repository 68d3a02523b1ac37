/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowmeshd's HTTP API (libmicrohttpd, one thread of its own): GET only,
 * JSON documents built by the same functions as the CLI's -o json, and
 * Prometheus /metrics.  Routes and parameters are listed in docs/api.md.
 * The thread reads the store over a read-only connection of its own and
 * the loop's state only through struct fm_daemon_shared.
 */
#ifndef FLOWMESH_DAEMON_HTTP_H
#define FLOWMESH_DAEMON_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "daemon/daemon.h"
#include "lib/agent_config.h"

#define FM_HTTP_FLOWS_LIMIT	100	/* /api/v1/flows without ?limit= */
#define FM_HTTP_FLOWS_MAX	10000
#define FM_HTTP_CONNECTIONS	32
#define FM_HTTP_TIMEOUT_S	10

struct fm_http_ctx {
	const struct fm_agent_config *cfg;	/* outlives the server */
	struct fm_daemon_shared *shared;
	bool module_stats;	/* /metrics asks the kernel for its counters */
};

/* "ADDR:PORT" or "[ADDR6]:PORT": 0, or -EINVAL with the reason in @err. */
int fm_http_parse_listen(const char *listen, struct sockaddr_storage *ss,
			 socklen_t *len, char *err, size_t errlen);

struct fm_http;

int fm_http_start(struct fm_http **out, const struct fm_http_ctx *ctx,
		  char *err, size_t errlen);
/* Where it listens, with the port the kernel chose for port 0. */
const char *fm_http_address(const struct fm_http *h);
void fm_http_stop(struct fm_http *h);

#endif /* FLOWMESH_DAEMON_HTTP_H */
