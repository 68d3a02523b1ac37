// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP/1.0 and HTTP/1.1 (RFC 9112).  A flow is claimed on a complete
 * request line with a known method from the client, or on the start of a
 * status line ("HTTP/1.x NNN ") from the server.  Messages are then parsed
 * line by line: a line is read where it was delivered, and only one cut by
 * a packet boundary is held, in a buffer allocated the first time; bodies
 * (by Content-Length or chunked) are skipped as they stream past, and
 * responses are matched in order to the requests waiting for them
 * (pipelining).  Each request is reported when its final response's
 * header fields are complete.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "l7/l7.h"

/* Bytes of one line, LF included; a longer one is not followed. */
#define H1_LINE_MAX		FM_L7_REASM_MAX
/* Header fields per message; more is not a message we follow. */
#define H1_FIELDS_MAX		128
/* Distinct status codes counted for describe(); others are not. */
#define H1_STATUSES_MAX		16
/* Content-Length and chunk sizes above this make no sense. */
#define H1_BODY_MAX		(UINT64_C(1) << 60)

static const char *const h1_methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
	"TRACE", "PATCH",
};
#define H1_NMETHODS	(sizeof(h1_methods) / sizeof(h1_methods[0]))
enum { H1_HEAD = 1, H1_CONNECT = 5 };	/* indexes in h1_methods */

enum h1_phase {
	H1_START,		/* request or status line */
	H1_FIELDS,		/* header fields */
	H1_BODY,		/* body_left bytes of a Content-Length body */
	H1_CHUNK_SIZE,
	H1_CHUNK_DATA,		/* body_left bytes of one chunk */
	H1_CHUNK_END,		/* the CRLF after a chunk's data */
	H1_TRAILERS,
	H1_UNTIL_CLOSE,		/* a response body up to the connection end */
	H1_DONE,		/* tunnel, upgrade or close: nothing to parse */
};

/* What the start line and header fields of the message in progress say. */
struct h1_msg {
	uint64_t content_length;
	int status;
	char minor;		/* HTTP/1.<minor> */
	bool has_length;
	bool chunked;
	bool close;
	bool keep_alive;
};

struct h1_dir {
	char *line;		/* H1_LINE_MAX bytes; NULL: none held yet */
	size_t line_len;	/* bytes of the line in progress held */
	enum h1_phase phase;
	uint64_t body_left;
	unsigned int fields;
	uint64_t start_ts;	/* first byte of the message in progress */
	struct h1_msg msg;
};

struct h1_pending {
	uint64_t ts;
	unsigned int method;	/* index in h1_methods */
	char route[FM_L7_ROUTE_MAX];
};

struct h1_status_count {
	uint16_t status;
	uint32_t count;
};

struct h1_state {
	struct h1_dir dir[2];
	/* FM_L7_PENDING_MAX, allocated with the first request; or NULL */
	struct h1_pending *pending;
	unsigned int pending_head, npending;
	bool matched;
	bool stopped;
	char minor;		/* of the first start line; 0: none yet */
	uint64_t requests;
	uint32_t methods[H1_NMETHODS];
	struct h1_status_count statuses[H1_STATUSES_MAX];
	unsigned int nstatuses;
};

/* Parse results: the line or message may go on, or the stream is lost. */
#define H1_OK		0
#define H1_LOST		(-1)

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * How much of "METHOD SP request-target SP HTTP/1.x [CR] LF" @s holds:
 * FM_L7_MATCH with the whole line, FM_L7_NEED_MORE for a proper prefix,
 * FM_L7_NO_MATCH otherwise.  Runs of spaces are accepted between the
 * parts, as servers do.  On a match, fills the method index, target and
 * minor version.
 */
static enum fm_l7_verdict request_line(const char *s, size_t n,
				       unsigned int *method,
				       const char **target, size_t *target_len,
				       char *minor)
{
	static const char version[] = "HTTP/1.";
	size_t i, j, k;

	for (i = 0; i < H1_NMETHODS; i++) {
		size_t mlen = strlen(h1_methods[i]);

		if (n <= mlen) {
			if (!strncmp(s, h1_methods[i], n))
				return FM_L7_NEED_MORE;
		} else if (!strncmp(s, h1_methods[i], mlen) && s[mlen] == ' ') {
			break;
		}
	}
	if (i == H1_NMETHODS)
		return FM_L7_NO_MATCH;
	*method = i;
	for (j = strlen(h1_methods[i]); j < n && s[j] == ' '; j++)
		;
	*target = s + j;
	for (k = j; k < n && s[k] > ' ' && s[k] < 0x7f; k++)
		;
	*target_len = k - j;
	if (k == n)
		return FM_L7_NEED_MORE;
	if (k == j || s[k] != ' ')
		return FM_L7_NO_MATCH;
	while (k < n && s[k] == ' ')
		k++;
	for (i = 0; i < sizeof(version) - 1 && k < n; i++, k++)
		if (s[k] != version[i])
			return FM_L7_NO_MATCH;
	if (k == n)
		return FM_L7_NEED_MORE;
	if (!is_digit(s[k]))
		return FM_L7_NO_MATCH;
	*minor = s[k++];
	if (k < n && s[k] == '\r')
		k++;
	if (k == n)
		return FM_L7_NEED_MORE;
	return s[k] == '\n' && k + 1 == n ? FM_L7_MATCH : FM_L7_NO_MATCH;
}

/*
 * How much of "HTTP/1.x NNN" followed by a space or the line's end @s
 * holds, as request_line(); on a match, fills status and minor version.
 */
static enum fm_l7_verdict status_line(const char *s, size_t n, int *status,
				      char *minor)
{
	/* D: a digit, E: what may follow the status code */
	static const char pattern[] = "HTTP/1.D DDDE";
	size_t i;

	for (i = 0; i < sizeof(pattern) - 1; i++) {
		if (i == n)
			return FM_L7_NEED_MORE;
		if (pattern[i] == 'D' ? !is_digit(s[i]) :
		    pattern[i] == 'E' ? !strchr(" \r\n", s[i]) || !s[i] :
		    s[i] != pattern[i])
			return FM_L7_NO_MATCH;
	}
	*minor = s[7];
	*status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	return FM_L7_MATCH;
}

/* The value of a decimal field: false unless only digits, not too big. */
static bool parse_length(const char *s, size_t n, uint64_t *value)
{
	uint64_t v = 0;
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]) || v > H1_BODY_MAX / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*value = v;
	return v <= H1_BODY_MAX;
}

static bool token_is(const char *s, size_t n, const char *token)
{
	return n == strlen(token) && !strncasecmp(s, token, n);
}

/*
 * Calls @fn on each element of a comma-separated list, spaces trimmed;
 * the last element is what Transfer-Encoding cares about.
 */
static void each_token(const char *s, size_t n, struct h1_msg *msg,
		       void (*fn)(struct h1_msg *msg, const char *t,
				  size_t len, bool last))
{
	size_t i = 0;

	while (i < n) {
		size_t start, end;

		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		start = i;
		while (i < n && s[i] != ',')
			i++;
		end = i;
		while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
			end--;
		if (end > start)
			fn(msg, s + start, end - start, i >= n);
	}
}

static void connection_token(struct h1_msg *msg, const char *t, size_t len,
			     bool last)
{
	(void)last;
	if (token_is(t, len, "close"))
		msg->close = true;
	else if (token_is(t, len, "keep-alive"))
		msg->keep_alive = true;
}

static void coding_token(struct h1_msg *msg, const char *t, size_t len,
			 bool last)
{
	/* chunked is the last coding when it applies (RFC 9112 6.1) */
	msg->chunked = last && token_is(t, len, "chunked");
}

/* One header field line; only framing and connection fields matter. */
static int field_line(struct h1_dir *d, const char *s, size_t n)
{
	const char *value;
	size_t name_len, value_len;

	/* obsolete line folding continues a value no one here reads */
	if (s[0] == ' ' || s[0] == '\t')
		return H1_OK;
	if (++d->fields > H1_FIELDS_MAX)
		return H1_LOST;
	for (name_len = 0; name_len < n && is_tchar(s[name_len]); name_len++)
		;
	if (!name_len || name_len == n || s[name_len] != ':')
		return H1_LOST;
	value = s + name_len + 1;
	value_len = n - name_len - 1;
	while (value_len && (*value == ' ' || *value == '\t')) {
		value++;
		value_len--;
	}
	while (value_len && (value[value_len - 1] == ' ' ||
			     value[value_len - 1] == '\t'))
		value_len--;
	if (token_is(s, name_len, "content-length")) {
		uint64_t len;

		/* conflicting lengths: framing is unknowable (smuggling) */
		if (!parse_length(value, value_len, &len) ||
		    (d->msg.has_length && d->msg.content_length != len))
			return H1_LOST;
		d->msg.has_length = true;
		d->msg.content_length = len;
	} else if (token_is(s, name_len, "transfer-encoding")) {
		each_token(value, value_len, &d->msg, coding_token);
	} else if (token_is(s, name_len, "connection")) {
		each_token(value, value_len, &d->msg, connection_token);
	}
	return H1_OK;
}

static void count_status(struct h1_state *st, int status)
{
	unsigned int i;

	for (i = 0; i < st->nstatuses; i++)
		if (st->statuses[i].status == status)
			break;
	if (i == st->nstatuses) {
		if (i == H1_STATUSES_MAX)
			return;
		st->statuses[i].status = (uint16_t)status;
		st->nstatuses++;
	}
	st->statuses[i].count++;
}

/* The oldest request waiting for a response, answered with @status. */
static void report(struct h1_state *st, const struct fm_l7_sink *sink,
		   int status, uint64_t ts)
{
	struct h1_pending *p = &st->pending[st->pending_head];
	struct fm_l7_request req = {
		.status = status,
		.failed = status >= 500,
		.latency_ns = ts > p->ts ? ts - p->ts : 0,
	};

	snprintf(req.method, sizeof(req.method), "%s", h1_methods[p->method]);
	snprintf(req.route, sizeof(req.route), "%s", p->route);
	st->requests++;
	st->methods[p->method]++;
	count_status(st, status);
	if (sink && sink->request)
		sink->request(sink->ctx, &req);
}

/* The end of a message: the next one, unless the connection ends. */
static void message_done(struct h1_dir *d)
{
	bool persistent = d->msg.minor == '0' ? d->msg.keep_alive :
						 !d->msg.close;

	d->phase = persistent ? H1_START : H1_DONE;
}

/* Where a message goes after its header fields, given it has a body. */
static void body_start(struct h1_dir *d, bool to_close)
{
	if (d->msg.chunked) {
		d->phase = H1_CHUNK_SIZE;
	} else if (d->msg.has_length && d->msg.content_length) {
		d->phase = H1_BODY;
		d->body_left = d->msg.content_length;
	} else if (to_close && !d->msg.has_length) {
		d->phase = H1_UNTIL_CLOSE;
	} else {
		message_done(d);
	}
}

static void stop_both(struct h1_state *st)
{
	st->dir[FM_L7_TO_SERVER].phase = H1_DONE;
	st->dir[FM_L7_TO_CLIENT].phase = H1_DONE;
}

static int request_start(struct h1_state *st, struct h1_dir *d,
			 const char *s, size_t n)
{
	struct h1_pending *p;
	const char *target;
	size_t target_len;
	unsigned int method;

	if (request_line(s, n, &method, &target, &target_len,
			 &d->msg.minor) != FM_L7_MATCH ||
	    st->npending == FM_L7_PENDING_MAX)
		return H1_LOST;
	if (!st->pending) {
		st->pending = calloc(FM_L7_PENDING_MAX, sizeof(*st->pending));
		if (!st->pending)
			return H1_LOST;
	}
	p = &st->pending[(st->pending_head + st->npending++) %
			 FM_L7_PENDING_MAX];
	p->ts = d->start_ts;
	p->method = method;
	fm_l7_route_template(target, target_len, p->route, sizeof(p->route));
	return H1_OK;
}

static void response_done(struct h1_state *st, const struct fm_l7_sink *sink,
			  struct h1_dir *d)
{
	int status = d->msg.status;
	unsigned int method = H1_NMETHODS;

	if (status >= 100 && status < 200 && status != 101) {
		/* interim (100 Continue, 103 Early Hints): the final
		 * response is still to come, and latency runs to it */
		d->phase = H1_START;
		return;
	}
	if (st->npending) {
		method = st->pending[st->pending_head].method;
		report(st, sink, status, d->start_ts);
		st->pending_head = (st->pending_head + 1) % FM_L7_PENDING_MAX;
		st->npending--;
	}
	/*
	 * 101 Switching Protocols (h2c, WebSocket) and a CONNECT's 2xx turn
	 * the connection into something else: the flow stays http, its
	 * later bytes are not followed.
	 */
	if (status == 101 ||
	    (method == H1_CONNECT && status >= 200 && status < 300)) {
		stop_both(st);
		return;
	}
	if (method == H1_HEAD || status == 204 || status == 304)
		message_done(d);
	else
		body_start(d, true);
}

static int chunk_size_line(struct h1_dir *d, const char *s, size_t n)
{
	uint64_t size = 0;
	size_t i;

	for (i = 0; i < n && s[i] != ';' && s[i] != ' ' && s[i] != '\t'; i++) {
		char c = s[i];
		unsigned int v;

		if (is_digit(c))
			v = (unsigned int)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = (unsigned int)((c | 0x20) - 'a' + 10);
		else
			return H1_LOST;
		if (size > H1_BODY_MAX / 16)
			return H1_LOST;
		size = size * 16 + v;
	}
	if (!i)
		return H1_LOST;
	d->body_left = size;
	d->phase = size ? H1_CHUNK_DATA : H1_TRAILERS;
	return H1_OK;
}

/* One complete line of direction @dir, @raw bytes with its LF. */
static int line(struct h1_state *st, const struct fm_l7_sink *sink,
		enum fm_l7_dir dir, const char *s, size_t raw)
{
	struct h1_dir *d = &st->dir[dir];
	size_t n = raw - 1;

	if (n && s[n - 1] == '\r')
		n--;

	switch (d->phase) {
	case H1_START:
		/* stray CRLFs between messages are allowed (RFC 9112 2.2) */
		if (!n)
			return H1_OK;
		memset(&d->msg, 0, sizeof(d->msg));
		d->fields = 0;
		d->phase = H1_FIELDS;
		if (dir == FM_L7_TO_CLIENT) {
			if (status_line(s, raw, &d->msg.status,
					&d->msg.minor) != FM_L7_MATCH)
				return H1_LOST;
		} else if (request_start(st, d, s, raw) != H1_OK) {
			return H1_LOST;
		}
		if (!st->minor)
			st->minor = d->msg.minor;
		return H1_OK;
	case H1_FIELDS:
		if (n)
			return field_line(d, s, n);
		if (dir == FM_L7_TO_CLIENT)
			response_done(st, sink, d);
		else
			body_start(d, false);
		return H1_OK;
	case H1_CHUNK_SIZE:
		return chunk_size_line(d, s, n);
	case H1_CHUNK_END:
		if (n)
			return H1_LOST;
		d->phase = H1_CHUNK_SIZE;
		return H1_OK;
	case H1_TRAILERS:
		if (!n)
			message_done(d);
		return H1_OK;
	default:
		return H1_LOST;
	}
}

/* Before a match: whether the start line so far can be HTTP/1.x. */
static enum fm_l7_verdict start_verdict(enum fm_l7_dir dir, const char *s,
					size_t n)
{
	const char *target;
	size_t target_len;
	unsigned int method;
	int status;
	char minor;

	if (dir == FM_L7_TO_CLIENT)
		return status_line(s, n, &status, &minor);
	return request_line(s, n, &method, &target, &target_len, &minor);
}

/*
 * Takes bytes into the line in progress; a whole line is then parsed, where
 * it was delivered when it came whole, else from the bytes held.
 */
static int line_input(struct h1_state *st, const struct fm_l7_sink *sink,
		      enum fm_l7_dir dir, const uint8_t *data, size_t len,
		      uint64_t ts, size_t *used)
{
	struct h1_dir *d = &st->dir[dir];
	const uint8_t *nl = memchr(data, '\n', len);
	size_t take = nl ? (size_t)(nl - data) + 1 : len;
	const char *s = (const char *)data;
	size_t n = take;

	*used = take;
	if (take > H1_LINE_MAX - d->line_len)
		return H1_LOST;
	if (d->phase == H1_START && !d->line_len)
		d->start_ts = ts;
	if (d->line_len || !nl) {
		if (!d->line) {
			d->line = malloc(H1_LINE_MAX);
			if (!d->line)
				return H1_LOST;
		}
		memcpy(d->line + d->line_len, data, take);
		d->line_len += take;
		s = d->line;
		n = d->line_len;
	}
	if (!st->matched && d->phase == H1_START) {
		switch (start_verdict(dir, s, n)) {
		case FM_L7_NO_MATCH:
			return H1_LOST;
		case FM_L7_MATCH:
			st->matched = true;
			break;
		case FM_L7_NEED_MORE:
			break;
		}
	}
	if (!nl)
		return H1_OK;
	d->line_len = 0;
	return line(st, sink, dir, s, n);
}

static int dir_input(struct h1_state *st, const struct fm_l7_sink *sink,
		     enum fm_l7_dir dir, const uint8_t *data, size_t len,
		     uint64_t ts)
{
	struct h1_dir *d = &st->dir[dir];

	while (len) {
		size_t used = len;
		int err;

		switch (d->phase) {
		case H1_BODY:
		case H1_CHUNK_DATA:
			used = len < d->body_left ? len : (size_t)d->body_left;
			d->body_left -= used;
			if (d->body_left)
				break;
			if (d->phase == H1_CHUNK_DATA)
				d->phase = H1_CHUNK_END;
			else
				message_done(d);
			break;
		case H1_UNTIL_CLOSE:
		case H1_DONE:
			break;
		default:
			err = line_input(st, sink, dir, data, len, ts, &used);
			if (err)
				return err;
			break;
		}
		data += used;
		len -= used;
	}
	return H1_OK;
}

static enum fm_l7_verdict h1_feed(void *state, const struct fm_l7_sink *sink,
				  enum fm_l7_dir dir, bool datagram,
				  const uint8_t *data, size_t len,
				  uint64_t ts_ns)
{
	struct h1_state *st = state;

	if (st->stopped || datagram ||
	    dir_input(st, sink, dir, data, len, ts_ns) != H1_OK) {
		st->stopped = true;
		return FM_L7_NO_MATCH;
	}
	return st->matched ? FM_L7_MATCH : FM_L7_NEED_MORE;
}

/* Lost bytes leave message boundaries unknown: requests stop here. */
static enum fm_l7_verdict h1_gap(void *state, enum fm_l7_dir dir)
{
	struct h1_state *st = state;

	(void)dir;
	st->stopped = true;
	return FM_L7_NO_MATCH;
}

static void h1_release(void *state)
{
	struct h1_state *st = state;

	free(st->dir[FM_L7_TO_SERVER].line);
	free(st->dir[FM_L7_TO_CLIENT].line);
	free(st->pending);
}

static int h1_describe(const void *state, json_t *l7)
{
	const struct h1_state *st = state;
	json_t *statuses = json_object(), *methods = json_object();
	char key[8];
	unsigned int i;
	int err = 0;

	if (!statuses || !methods) {
		json_decref(statuses);
		json_decref(methods);
		return -1;
	}
	for (i = 0; i < st->nstatuses; i++) {
		snprintf(key, sizeof(key), "%u", st->statuses[i].status);
		err |= json_object_set_new(statuses, key,
				json_integer(st->statuses[i].count));
	}
	for (i = 0; i < H1_NMETHODS; i++)
		if (st->methods[i])
			err |= json_object_set_new(methods, h1_methods[i],
					json_integer(st->methods[i]));
	if (st->minor) {
		snprintf(key, sizeof(key), "1.%c", st->minor);
		err |= json_object_set_new(l7, "version", json_string(key));
	}
	err |= json_object_set_new(l7, "requests",
				   json_integer((json_int_t)st->requests));
	err |= json_object_set_new(l7, "statuses", statuses);
	err |= json_object_set_new(l7, "methods", methods);
	return err ? -1 : 0;
}

const struct fm_l7_detector fm_l7_http1 = {
	.proto = FM_L7_HTTP,
	.name = "http",
	.state_size = sizeof(struct h1_state),
	.feed = h1_feed,
	.gap = h1_gap,
	.describe = h1_describe,
	.release = h1_release,
};
