/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowmeshd's control socket: a unix stream socket (mode 0600) where a
 * client sends one JSON request line (docs/api.md):
 *
 *   {"request":"status"}   one JSON line, every counter and setting; close
 *   {"request":"tap","from":SVC|null,"to":SVC|null,"port":N|null,
 *    "events":"all"|"records"|"requests"|null}
 *                          one JSON line per record and per L7 request
 *                          that matches, until the client closes; at most
 *                          tap_rate a second, {"dropped":N} when some were
 *                          not sent
 *
 * Anything else gets {"error":"..."} and the connection is closed.
 * Clients are non-blocking with a bounded output buffer: a slow reader
 * loses events (counted), it never stalls the daemon.
 */
#ifndef FLOWMESH_DAEMON_CONTROL_H
#define FLOWMESH_DAEMON_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>
#include <linux/flowmesh.h>

#include "daemon/aggregate.h"
#include "lib/identity.h"

#define FM_CONTROL_MAX_CLIENTS	16
#define FM_CONTROL_REQUEST_MAX	4096		/* bytes of a request line */
#define FM_CONTROL_OUTBUF_MAX	(256 * 1024)	/* unsent bytes per client */
#define FM_CONTROL_IDLE_MS	5000		/* to send the request */

enum fm_control_kind {
	FM_CONTROL_STATUS,
	FM_CONTROL_TAP,
};

/* Which events a tap wants: the kernel's records, L7 requests, or both. */
enum fm_tap_events {
	FM_TAP_ALL,
	FM_TAP_RECORDS,
	FM_TAP_REQUESTS,
};

/* A tap's filters; an event passes when it matches every one set. */
struct fm_tap_filter {
	enum fm_tap_events events;
	bool from_set;
	char from[FM_NAME_MAX];		/* the client's service */
	bool to_set;
	char to[FM_NAME_MAX];		/* the server's service */
	bool port_set;
	uint16_t port;			/* the client's or the server's */
};

struct fm_control_request {
	enum fm_control_kind kind;
	struct fm_tap_filter tap;
};

/* One request line (without its newline): 0, or -EINVAL with @err. */
int fm_control_parse_request(const char *line, size_t len,
			     struct fm_control_request *req, char *err,
			     size_t errlen);
bool fm_tap_match(const struct fm_tap_filter *f,
		  const struct flowmesh_record *rec,
		  const char *client_service, const char *server_service);
bool fm_tap_match_request(const struct fm_tap_filter *f,
			  const struct fm_agg_request *r,
			  const char *client_service,
			  const char *server_service);
/* fm_record_to_json() with "client_service" and "server_service". */
json_t *fm_tap_event_json(const struct flowmesh_record *rec,
			  const char *client_service,
			  const char *server_service);
/*
 * One L7 request as a "request" event (docs/api.md); NULL when out of
 * memory or @r is malformed (an unknown family or protocol, one_in 0).
 */
json_t *fm_tap_request_json(const struct fm_agg_request *r,
			    const char *client_service,
			    const char *server_service);

struct fm_control_ops {
	json_t *(*status)(void *ctx);	/* the status document */
	void *ctx;
};

struct fm_control_counters {
	uint64_t tap_sent;
	uint64_t tap_dropped;
	uint64_t clients;		/* connected now */
	uint64_t taps;			/* of them, tapping */
};

struct fm_control;

/*
 * Listens at @path: its directory is created (0755) when missing, a stale
 * socket is replaced, a live one (another daemon) refused.  @ids names
 * tapped records and must outlive the control socket.
 */
int fm_control_open(struct fm_control **out, const char *path,
		    uint32_t tap_rate, const struct fm_identity_map *ids,
		    const struct fm_control_ops *ops, char *err,
		    size_t errlen);
/* Closes every client and removes the socket file. */
void fm_control_close(struct fm_control *ctl);
/* One descriptor (an epoll set) that is readable when there is work. */
int fm_control_fd(const struct fm_control *ctl);
/* Does the work: accepts, reads requests, writes replies. */
void fm_control_handle(struct fm_control *ctl, uint64_t now_ms);
/* Once a second: idle clients closed, {"dropped":N} lines sent. */
void fm_control_tick(struct fm_control *ctl, uint64_t now_ms);
bool fm_control_tapping(const struct fm_control *ctl);
/* Hands @rec to every tap client whose filter it passes. */
void fm_control_tap(struct fm_control *ctl, const struct flowmesh_record *rec,
		    uint64_t now_ms);
/* The same for one finished L7 request of an inspected flow. */
void fm_control_tap_request(struct fm_control *ctl,
			    const struct fm_agg_request *r, uint64_t now_ms);
void fm_control_counters(const struct fm_control *ctl,
			 struct fm_control_counters *out);

/*
 * mkdir -p of @path's directory, new directories @mode: for the control
 * socket's and the database's; 0 or a negative errno.
 */
int fm_mkdir_parent(const char *path, mode_t mode);

#endif /* FLOWMESH_DAEMON_CONTROL_H */
