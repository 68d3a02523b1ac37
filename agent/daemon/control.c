// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: status and tap.  Every client socket is
 * non-blocking and sits in an epoll set of the control socket's own, whose
 * descriptor the daemon's loop waits on, so the loop never blocks on a
 * client.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "daemon/control.h"
#include "lib/addr.h"
#include "lib/flow.h"
#include "lib/json.h"
#include "lib/record.h"

/* --- requests ------------------------------------------------------------ */

/* A service name: a string, or null for any. */
static int fm_control_name(json_t *v, const char *key, bool *set, char *name,
			   char *err, size_t errlen)
{
	const char *s;

	*set = false;
	if (!v || json_is_null(v))
		return 0;
	s = json_string_value(v);
	if (!s || !*s || strlen(s) >= FM_NAME_MAX) {
		snprintf(err, errlen, "'%s' must be a service name (1 to %d bytes) or null",
			 key, FM_NAME_MAX - 1);
		return -EINVAL;
	}
	strcpy(name, s);
	*set = true;
	return 0;
}

/* "events": which kinds; null or absent for all of them. */
static int fm_control_events(json_t *v, enum fm_tap_events *events,
			     char *err, size_t errlen)
{
	const char *s = json_string_value(v);

	*events = FM_TAP_ALL;
	if (!v || json_is_null(v) || (s && !strcmp(s, "all")))
		return 0;
	if (s && !strcmp(s, "records")) {
		*events = FM_TAP_RECORDS;
		return 0;
	}
	if (s && !strcmp(s, "requests")) {
		*events = FM_TAP_REQUESTS;
		return 0;
	}
	snprintf(err, errlen, "'events' must be \"all\", \"records\", \"requests\" or null");
	return -EINVAL;
}

static int fm_control_parse_tap(json_t *obj, struct fm_tap_filter *f,
				char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		if (strcmp(key, "request") && strcmp(key, "from") &&
		    strcmp(key, "to") && strcmp(key, "port") &&
		    strcmp(key, "events")) {
			snprintf(err, errlen, "unknown field '%s' in a tap request",
				 key);
			return -EINVAL;
		}
	}
	if (fm_control_name(json_object_get(obj, "from"), "from",
			    &f->from_set, f->from, err, errlen) ||
	    fm_control_name(json_object_get(obj, "to"), "to", &f->to_set,
			    f->to, err, errlen) ||
	    fm_control_events(json_object_get(obj, "events"), &f->events, err,
			      errlen))
		return -EINVAL;
	v = json_object_get(obj, "port");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 65535) {
			snprintf(err, errlen, "'port' must be 1 to 65535 or null");
			return -EINVAL;
		}
		f->port = (uint16_t)json_integer_value(v);
		f->port_set = true;
	}
	return 0;
}

int fm_control_parse_request(const char *line, size_t len,
			     struct fm_control_request *req, char *err,
			     size_t errlen)
{
	json_error_t jerr;
	const char *what;
	json_t *obj;
	int ret = -EINVAL;

	memset(req, 0, sizeof(*req));
	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj) {
		snprintf(err, errlen, "not JSON: %s", jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(obj)) {
		snprintf(err, errlen, "a request is a JSON object");
		goto out;
	}
	what = json_string_value(json_object_get(obj, "request"));
	if (!what) {
		snprintf(err, errlen, "a request needs \"request\": \"status\" or \"tap\"");
	} else if (!strcmp(what, "status")) {
		if (json_object_size(obj) != 1)
			snprintf(err, errlen, "a status request has no other fields");
		else
			ret = 0;
		req->kind = FM_CONTROL_STATUS;
	} else if (!strcmp(what, "tap")) {
		req->kind = FM_CONTROL_TAP;
		ret = fm_control_parse_tap(obj, &req->tap, err, errlen);
	} else {
		snprintf(err, errlen, "unknown request '%.64s'; use status or tap",
			 what);
	}
out:
	json_decref(obj);
	return ret;
}

static bool fm_tap_match_flow(const struct fm_tap_filter *f,
			      uint16_t client_port, uint16_t server_port,
			      const char *client_service,
			      const char *server_service)
{
	if (f->from_set && strcmp(f->from, client_service))
		return false;
	if (f->to_set && strcmp(f->to, server_service))
		return false;
	if (f->port_set && client_port != f->port && server_port != f->port)
		return false;
	return true;
}

bool fm_tap_match(const struct fm_tap_filter *f,
		  const struct flowmesh_record *rec,
		  const char *client_service, const char *server_service)
{
	return f->events != FM_TAP_REQUESTS &&
	       fm_tap_match_flow(f, rec->client_port, rec->server_port,
				 client_service, server_service);
}

bool fm_tap_match_request(const struct fm_tap_filter *f,
			  const struct fm_agg_request *r,
			  const char *client_service,
			  const char *server_service)
{
	return f->events != FM_TAP_RECORDS &&
	       fm_tap_match_flow(f, r->client_port, r->server_port,
				 client_service, server_service);
}

json_t *fm_tap_event_json(const struct flowmesh_record *rec,
			  const char *client_service,
			  const char *server_service)
{
	json_t *obj = fm_record_to_json(rec);

	if (!obj)
		return NULL;
	if (fm_json_put(obj, "client_service", json_string(client_service)) ||
	    fm_json_put(obj, "server_service", json_string(server_service))) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* A detector's text field, which need not end with a NUL. */
static json_t *fm_tap_text(const char *s, size_t size)
{
	return json_stringn(s, strnlen(s, size));
}

json_t *fm_tap_request_json(const struct fm_agg_request *r,
			    const char *client_service,
			    const char *server_service)
{
	char client[FM_ADDR_STRLEN], server[FM_ADDR_STRLEN];
	const char *proto = fm_proto_name(r->proto);
	json_t *obj;
	int err = 0;

	if (!proto || !r->one_in ||
	    fm_addr_str(r->family, r->client, client, sizeof(client)) < 0 ||
	    fm_addr_str(r->family, r->server, server, sizeof(server)) < 0)
		return NULL;
	obj = json_pack("{s:s, s:f, s:s, s:i, s:I, s:s, s:s, s:i, s:i, s:s,"
			" s:s, s:s}",
			"type", "request",
			"time", fm_json_seconds(r->time_ns),
			"proto", proto,
			"family", r->family == AF_INET ? 4 : 6,
			"netns", (json_int_t)r->netns,
			"client", client,
			"server", server,
			"client_port", (int)r->client_port,
			"server_port", (int)r->server_port,
			"client_service", client_service,
			"server_service", server_service,
			"protocol", fm_l7_proto_name(r->l7_proto));
	if (!obj)
		return NULL;
	err |= fm_json_put(obj, "method", fm_tap_text(r->req.method,
						      sizeof(r->req.method)));
	err |= fm_json_put(obj, "route", fm_tap_text(r->req.route,
						     sizeof(r->req.route)));
	err |= fm_json_put(obj, "status", r->req.status < 0 ? json_null() :
			   json_integer(r->req.status));
	err |= fm_json_put(obj, "failed", json_boolean(r->req.failed));
	err |= fm_json_put(obj, "latency_us",
			   json_integer(fm_json_uint(r->req.latency_ns / 1000)));
	err |= fm_json_put(obj, "estimated", json_boolean(r->one_in > 1));
	err |= fm_json_put(obj, "sample_rate", json_real(1.0 / r->one_in));
	if (err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* --- clients -------------------------------------------------------------- */

struct fm_client {
	int fd;
	bool used;
	bool requested;			/* the request line came */
	bool tapping;
	bool closing;			/* close once the output is sent */
	bool want_out;			/* EPOLLOUT is on */
	uint64_t since_ms;		/* connected */
	struct fm_tap_filter tap;
	/* the rate limit: events sent in the present second */
	uint64_t second;
	uint64_t sent_this_second;
	uint64_t dropped;		/* not yet reported */
	char in[FM_CONTROL_REQUEST_MAX];
	size_t inlen;
	char *out;
	size_t outlen;
	size_t outcap;
};

struct fm_control {
	int epfd;
	int listen_fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uint32_t tap_rate;
	const struct fm_identity_map *ids;
	struct fm_control_ops ops;
	struct fm_client clients[FM_CONTROL_MAX_CLIENTS];
	struct fm_control_counters counters;
};

/* epoll data of the listening socket; clients carry their slot + 1 */
#define FM_CONTROL_LISTENER	0

static void fm_client_close(struct fm_control *ctl, struct fm_client *c)
{
	epoll_ctl(ctl->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	if (c->tapping)
		ctl->counters.taps--;
	ctl->counters.clients--;
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void fm_client_want_out(struct fm_control *ctl, struct fm_client *c,
			       bool on)
{
	struct epoll_event ev = {
		.events = EPOLLIN | (on ? EPOLLOUT : 0),
		.data.u64 = (uint64_t)(c - ctl->clients) + 1,
	};

	if (c->want_out == on)
		return;
	if (!epoll_ctl(ctl->epfd, EPOLL_CTL_MOD, c->fd, &ev))
		c->want_out = on;
}

/* Sends what it can; false when the client is gone (and closed). */
static bool fm_client_flush(struct fm_control *ctl, struct fm_client *c)
{
	ssize_t n;

	while (c->outlen) {
		n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			fm_client_close(ctl, c);
			return false;
		}
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
	}
	if (!c->outlen && c->closing) {
		fm_client_close(ctl, c);
		return false;
	}
	fm_client_want_out(ctl, c, c->outlen > 0);
	return true;
}

/* Queues one JSON line; -ENOBUFS when it does not fit the buffer. */
static int fm_client_queue(struct fm_client *c, json_t *json)
{
	char *line, *grown;
	size_t len, cap;

	if (!json)
		return -ENOMEM;
	line = json_dumps(json, FM_JSON_LINE_FLAGS);
	json_decref(json);
	if (!line)
		return -ENOMEM;
	len = strlen(line);
	if (c->outlen + len + 1 > FM_CONTROL_OUTBUF_MAX) {
		free(line);
		return -ENOBUFS;
	}
	if (c->outlen + len + 1 > c->outcap) {
		cap = c->outcap ? c->outcap : 4096;
		while (cap < c->outlen + len + 1)
			cap *= 2;
		grown = realloc(c->out, cap);
		if (!grown) {
			free(line);
			return -ENOMEM;
		}
		c->out = grown;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, line, len);
	c->out[c->outlen + len] = '\n';
	c->outlen += len + 1;
	free(line);
	return 0;
}

static void fm_client_error(struct fm_client *c, const char *reason)
{
	json_t *obj = json_object();

	if (obj && fm_json_put(obj, "error", json_string(reason))) {
		json_decref(obj);
		obj = NULL;
	}
	fm_client_queue(c, obj);
	c->closing = true;
}

static void fm_client_request(struct fm_control *ctl, struct fm_client *c,
			      size_t len)
{
	struct fm_control_request req;
	char err[256];

	c->requested = true;
	if (fm_control_parse_request(c->in, len, &req, err, sizeof(err))) {
		fm_client_error(c, err);
		return;
	}
	if (req.kind == FM_CONTROL_STATUS) {
		if (fm_client_queue(c, ctl->ops.status(ctl->ops.ctx)))
			fm_client_error(c, "out of memory");
		c->closing = true;
		return;
	}
	c->tap = req.tap;
	c->tapping = true;
	ctl->counters.taps++;
}

static void fm_client_read(struct fm_control *ctl, struct fm_client *c)
{
	char discard[512];
	char *nl;
	ssize_t n;

	for (;;) {
		if (c->requested)
			n = recv(c->fd, discard, sizeof(discard), MSG_DONTWAIT);
		else
			n = recv(c->fd, c->in + c->inlen,
				 sizeof(c->in) - c->inlen, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			/* a request without its newline ends at the EOF */
			if (!n && !c->requested && c->inlen) {
				c->closing = true;
				fm_client_request(ctl, c, c->inlen);
				break;
			}
			fm_client_close(ctl, c);
			return;
		}
		if (c->requested)
			continue;
		c->inlen += (size_t)n;
		nl = memchr(c->in, '\n', c->inlen);
		if (nl) {
			fm_client_request(ctl, c, (size_t)(nl - c->in));
		} else if (c->inlen == sizeof(c->in)) {
			c->requested = true;
			fm_client_error(c, "request line too long");
		}
		if (c->closing)
			break;
	}
	fm_client_flush(ctl, c);
}

static void fm_control_accept(struct fm_control *ctl, uint64_t now_ms)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct fm_client *c = NULL;
	size_t i;
	int fd;

	for (;;) {
		fd = accept4(ctl->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		for (i = 0, c = NULL; i < FM_CONTROL_MAX_CLIENTS; i++)
			if (!ctl->clients[i].used) {
				c = &ctl->clients[i];
				break;
			}
		if (!c) {
			static const char busy[] =
				"{\"error\":\"too many clients\"}\n";

			send(fd, busy, sizeof(busy) - 1,
			     MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->since_ms = now_ms;
		ev.data.u64 = i + 1;
		if (epoll_ctl(ctl->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			c->fd = -1;
			continue;
		}
		c->used = true;
		ctl->counters.clients++;
	}
}

void fm_control_handle(struct fm_control *ctl, uint64_t now_ms)
{
	struct epoll_event ev[16];
	struct fm_client *c;
	int n, i;

	n = epoll_wait(ctl->epfd, ev, 16, 0);
	for (i = 0; i < n; i++) {
		if (ev[i].data.u64 == FM_CONTROL_LISTENER) {
			fm_control_accept(ctl, now_ms);
			continue;
		}
		c = &ctl->clients[ev[i].data.u64 - 1];
		if (!c->used)
			continue;
		if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			fm_client_read(ctl, c);
		else if (ev[i].events & EPOLLOUT)
			fm_client_flush(ctl, c);
	}
}

static void fm_client_report_dropped(struct fm_control *ctl,
				     struct fm_client *c)
{
	json_t *obj;

	if (!c->dropped)
		return;
	obj = json_object();
	if (obj && fm_json_put(obj, "dropped",
			       json_integer(fm_json_uint(c->dropped)))) {
		json_decref(obj);
		obj = NULL;
	}
	/* no room: the count waits for the next try */
	if (!fm_client_queue(c, obj))
		c->dropped = 0;
	(void)ctl;
}

void fm_control_tick(struct fm_control *ctl, uint64_t now_ms)
{
	struct fm_client *c;
	size_t i;

	for (i = 0; i < FM_CONTROL_MAX_CLIENTS; i++) {
		c = &ctl->clients[i];
		if (!c->used)
			continue;
		if (!c->requested && now_ms - c->since_ms > FM_CONTROL_IDLE_MS) {
			fm_client_close(ctl, c);
			continue;
		}
		if (c->tapping && c->dropped && now_ms / 1000 != c->second) {
			fm_client_report_dropped(ctl, c);
			fm_client_flush(ctl, c);
		}
	}
}

bool fm_control_tapping(const struct fm_control *ctl)
{
	return ctl && ctl->counters.taps > 0;
}

/*
 * Whether the rate limit lets one more event go to @c this second; an
 * event it stops is counted as dropped.
 */
static bool fm_client_admit(struct fm_control *ctl, struct fm_client *c,
			    uint64_t now_ms)
{
	if (now_ms / 1000 != c->second) {
		c->second = now_ms / 1000;
		c->sent_this_second = 0;
		fm_client_report_dropped(ctl, c);
	}
	if (c->sent_this_second < ctl->tap_rate)
		return true;
	c->dropped++;
	ctl->counters.tap_dropped++;
	return false;
}

/* Queues an admitted event; one without memory or room is dropped. */
static void fm_client_send(struct fm_control *ctl, struct fm_client *c,
			   json_t *ev)
{
	if (fm_client_queue(c, ev)) {
		c->dropped++;
		ctl->counters.tap_dropped++;
		return;
	}
	c->sent_this_second++;
	ctl->counters.tap_sent++;
	fm_client_flush(ctl, c);
}

static bool fm_client_is_tap(const struct fm_client *c)
{
	return c->used && c->tapping;
}

void fm_control_tap(struct fm_control *ctl, const struct flowmesh_record *rec,
		    uint64_t now_ms)
{
	struct fm_identity cid, sid;
	struct fm_client *c;
	size_t i;

	if (!fm_control_tapping(ctl))
		return;
	fm_identity_resolve(ctl->ids, rec->family, rec->client, &cid);
	fm_identity_resolve(ctl->ids, rec->family, rec->server, &sid);
	for (i = 0; i < FM_CONTROL_MAX_CLIENTS; i++) {
		c = &ctl->clients[i];
		if (fm_client_is_tap(c) &&
		    fm_tap_match(&c->tap, rec, cid.service, sid.service) &&
		    fm_client_admit(ctl, c, now_ms))
			fm_client_send(ctl, c, fm_tap_event_json(rec,
					cid.service, sid.service));
	}
}

void fm_control_tap_request(struct fm_control *ctl,
			    const struct fm_agg_request *r, uint64_t now_ms)
{
	struct fm_identity cid, sid;
	struct fm_client *c;
	size_t i;

	if (!fm_control_tapping(ctl))
		return;
	fm_identity_resolve(ctl->ids, r->family, r->client, &cid);
	fm_identity_resolve(ctl->ids, r->family, r->server, &sid);
	for (i = 0; i < FM_CONTROL_MAX_CLIENTS; i++) {
		c = &ctl->clients[i];
		if (fm_client_is_tap(c) &&
		    fm_tap_match_request(&c->tap, r, cid.service,
					 sid.service) &&
		    fm_client_admit(ctl, c, now_ms))
			fm_client_send(ctl, c, fm_tap_request_json(r,
					cid.service, sid.service));
	}
}

void fm_control_counters(const struct fm_control *ctl,
			 struct fm_control_counters *out)
{
	*out = ctl->counters;
}

/* --- the listening socket --------------------------------------------------- */

int fm_mkdir_parent(const char *path, mode_t mode)
{
	char dir[PATH_MAX];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

/* A socket file nobody listens on is left from a previous run. */
static int fm_control_clear_stale(const struct sockaddr_un *sun, char *err,
				  size_t errlen)
{
	struct stat st;
	int fd, ret;

	if (lstat(sun->sun_path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket",
			 sun->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (!ret) {
		snprintf(err, errlen, "another flowmeshd is listening at %s",
			 sun->sun_path);
		return -EADDRINUSE;
	}
	if (unlink(sun->sun_path) && errno != ENOENT)
		return -errno;
	return 0;
}

int fm_control_open(struct fm_control **out, const char *path,
		    uint32_t tap_rate, const struct fm_identity_map *ids,
		    const struct fm_control_ops *ops, char *err,
		    size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.u64 = FM_CONTROL_LISTENER };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct fm_control *ctl;
	mode_t old_umask;
	size_t i;
	int ret;

	*out = NULL;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long (at most %zu bytes): %s",
			 sizeof(sun.sun_path) - 1, path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	ret = fm_mkdir_parent(path, 0755);
	if (ret) {
		snprintf(err, errlen, "cannot create the directory of %s: %s",
			 path, strerror(-ret));
		return ret;
	}
	err[0] = '\0';
	ret = fm_control_clear_stale(&sun, err, errlen);
	if (ret) {
		if (!err[0])
			snprintf(err, errlen, "cannot remove the stale socket %s: %s",
				 path, strerror(-ret));
		return ret;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < FM_CONTROL_MAX_CLIENTS; i++)
		ctl->clients[i].fd = -1;
	strcpy(ctl->path, path);
	ctl->tap_rate = tap_rate;
	ctl->ids = ids;
	ctl->ops = *ops;
	ctl->epfd = epoll_create1(EPOLL_CLOEXEC);
	ctl->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
				SOCK_CLOEXEC, 0);
	if (ctl->epfd < 0 || ctl->listen_fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot create the control socket: %s",
			 strerror(-ret));
		goto fail;
	}
	/* the file is born 0600: no window where others could connect */
	old_umask = umask(0177);
	ret = bind(ctl->listen_fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old_umask);
	if (ret || listen(ctl->listen_fd, FM_CONTROL_MAX_CLIENTS) ||
	    epoll_ctl(ctl->epfd, EPOLL_CTL_ADD, ctl->listen_fd, &ev)) {
		ret = -errno;
		snprintf(err, errlen, "cannot listen at %s: %s", path,
			 strerror(-ret));
		goto fail;
	}
	*out = ctl;
	return 0;
fail:
	if (ctl->listen_fd >= 0)
		close(ctl->listen_fd);
	if (ctl->epfd >= 0)
		close(ctl->epfd);
	free(ctl);
	return ret;
}

void fm_control_close(struct fm_control *ctl)
{
	size_t i;

	if (!ctl)
		return;
	for (i = 0; i < FM_CONTROL_MAX_CLIENTS; i++)
		if (ctl->clients[i].used)
			fm_client_close(ctl, &ctl->clients[i]);
	close(ctl->listen_fd);
	close(ctl->epfd);
	unlink(ctl->path);
	free(ctl);
}

int fm_control_fd(const struct fm_control *ctl)
{
	return ctl->epfd;
}
