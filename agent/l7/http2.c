// SPDX-License-Identifier: GPL-2.0
/*
 * Cleartext HTTP/2 (RFC 9113) and gRPC over it.  A flow is claimed on the
 * client connection preface.  When the client's bytes are missing (a
 * capture of one direction), the server's alone are claimed only if they
 * open with a well-formed SETTINGS frame followed by two more well-formed
 * frames of known types: a SETTINGS frame alone is too little to go on.
 *
 * Frames are followed as they stream past, payloads skipped, except for
 * header blocks: each direction has its own HPACK state, decoded with
 * libnghttp2's inflater.  A block that does not decode (the capture began
 * mid-connection, the dynamic table is unknown) ends the following of
 * requests.  A request is reported when the server ends its stream
 * (END_STREAM) or either side resets it (RST_STREAM).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <nghttp2/nghttp2.h>

#include "l7/l7.h"

#define H2_PREFACE		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define H2_PREFACE_LEN		(sizeof(H2_PREFACE) - 1)
#define H2_FRAME_HEADER_LEN	9
/* Frames the server must send well-formed to be claimed on its own. */
#define H2_SERVER_ONLY_FRAMES	3
/* Largest HPACK dynamic table followed: bounds memory per flow. */
#define H2_TABLE_MAX		65536
#define H2_STATUSES_MAX		16

enum {
	H2_DATA = 0x0,
	H2_HEADERS = 0x1,
	H2_PRIORITY = 0x2,
	H2_RST_STREAM = 0x3,
	H2_SETTINGS = 0x4,
	H2_PUSH_PROMISE = 0x5,
	H2_PING = 0x6,
	H2_GOAWAY = 0x7,
	H2_WINDOW_UPDATE = 0x8,
	H2_CONTINUATION = 0x9,
};

enum {
	H2_FLAG_END_STREAM = 0x1,
	H2_FLAG_ACK = 0x1,
	H2_FLAG_END_HEADERS = 0x4,
	H2_FLAG_PADDED = 0x8,
	H2_FLAG_PRIORITY = 0x20,
};

enum {
	H2_SETTINGS_HEADER_TABLE_SIZE = 0x1,
	H2_SETTINGS_ENABLE_PUSH = 0x2,
	H2_SETTINGS_INITIAL_WINDOW_SIZE = 0x4,
	H2_SETTINGS_MAX_FRAME_SIZE = 0x5,
};

enum h2_stage {
	H2_STAGE_HEADER,	/* the 9-byte frame header */
	H2_STAGE_FIXED,		/* a fixed-size part of the payload */
	H2_STAGE_FRAGMENT,	/* a header block fragment */
	H2_STAGE_SKIP,		/* the rest of the payload */
};

struct h2_stream {
	uint32_t id;		/* 0: a free slot */
	char method[FM_L7_METHOD_MAX];
	char path[FM_L7_ROUTE_MAX];
	int32_t status;		/* the final response's :status, or -1 */
	int32_t grpc_status;	/* -1: none (yet) */
	uint64_t req_ts;
	uint64_t resp_ts;
	bool grpc;
	bool responded;
};

struct h2_dir {
	nghttp2_hd_inflater *hd;
	size_t preface;		/* bytes of the client preface seen */
	uint8_t header[H2_FRAME_HEADER_LEN];
	size_t nheader;
	enum h2_stage stage;
	/* the frame in progress */
	uint32_t length;	/* of the payload */
	uint32_t left;		/* payload bytes still to come */
	uint8_t type, flags;
	uint32_t stream;
	uint64_t frame_ts;
	uint8_t fixed[8];
	size_t nfixed, want_fixed;
	uint32_t fragment_left;
	/* the header block in progress */
	bool in_block;
	uint32_t block_stream;
	bool block_end_stream;
	bool block_push;	/* a PUSH_PROMISE's: decoded, not followed */
	uint64_t block_ts;
	int32_t block_status;
	uint32_t frames;	/* complete frames */
	/* SETTINGS_HEADER_TABLE_SIZE of the peer, for the next block */
	uint32_t table_size;
	bool table_size_pending;
};

struct h2_status_count {
	int32_t status;
	uint32_t count;
};

struct h2_state {
	struct h2_dir dir[2];
	/* FM_L7_PENDING_MAX, allocated with the first request; or NULL */
	struct h2_stream *streams;
	uint32_t last_stream;	/* highest stream the client opened */
	bool matched;
	bool stopped;
	bool grpc;
	uint64_t requests;
	struct h2_status_count statuses[H2_STATUSES_MAX];
	unsigned int nstatuses;
};

#define H2_OK		0
#define H2_LOST		(-1)

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static struct h2_stream *stream_find(struct h2_state *st, uint32_t id)
{
	unsigned int i;

	if (!st->streams)
		return NULL;
	for (i = 0; i < FM_L7_PENDING_MAX; i++)
		if (st->streams[i].id == id)
			return &st->streams[i];
	return NULL;
}

/* A slot for a new request; NULL when FM_L7_PENDING_MAX are open. */
static struct h2_stream *stream_new(struct h2_state *st, uint32_t id,
				    uint64_t ts)
{
	struct h2_stream *s = stream_find(st, 0);

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->status = -1;
	s->grpc_status = -1;
	s->req_ts = ts;
	return s;
}

/* Copies a header value, printable ASCII only, cut to @size - 1. */
static void copy_printable(char *dst, size_t size, const uint8_t *src,
			   size_t len)
{
	size_t i;

	if (len > size - 1)
		len = size - 1;
	for (i = 0; i < len; i++)
		dst[i] = src[i] > ' ' && src[i] < 0x7f ? (char)src[i] : '_';
	dst[len] = '\0';
}

static bool is_grpc_type(const uint8_t *v, size_t len)
{
	static const char type[] = "application/grpc";
	size_t n = sizeof(type) - 1;

	return len >= n && !strncasecmp((const char *)v, type, n) &&
	       (len == n || v[n] == '+' || v[n] == ';');
}

/* A decimal header value (a status), or -1 if it is not one. */
static int32_t parse_status(const uint8_t *v, size_t len)
{
	int32_t n = 0;
	size_t i;

	if (!len || len > 9)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (v[i] - '0');
	}
	return n;
}

static bool name_is(const nghttp2_nv *nv, const char *name)
{
	return nv->namelen == strlen(name) &&
	       !memcmp(nv->name, name, nv->namelen);
}

/* One decoded header field of the block in progress. */
static void header_field(struct h2_state *st, enum fm_l7_dir dir,
			 const nghttp2_nv *nv)
{
	struct h2_dir *d = &st->dir[dir];
	struct h2_stream *s;

	if (d->block_push)
		return;
	s = stream_find(st, d->block_stream);
	if (!s)
		return;
	if (name_is(nv, "content-type") && is_grpc_type(nv->value,
							 nv->valuelen)) {
		s->grpc = true;
		st->grpc = true;
	} else if (dir == FM_L7_TO_SERVER && name_is(nv, ":method")) {
		copy_printable(s->method, sizeof(s->method), nv->value,
			       nv->valuelen);
	} else if (dir == FM_L7_TO_SERVER && name_is(nv, ":path")) {
		copy_printable(s->path, sizeof(s->path), nv->value,
			       nv->valuelen);
	} else if (dir == FM_L7_TO_CLIENT && name_is(nv, ":status")) {
		d->block_status = parse_status(nv->value, nv->valuelen);
	} else if (dir == FM_L7_TO_CLIENT && name_is(nv, "grpc-status")) {
		s->grpc_status = parse_status(nv->value, nv->valuelen);
		/* a present but unreadable status is not OK */
		if (s->grpc_status < 0)
			s->grpc_status = INT32_MAX;
	}
}

static void count_status(struct h2_state *st, int32_t status)
{
	unsigned int i;

	if (status < 0)
		return;
	for (i = 0; i < st->nstatuses; i++)
		if (st->statuses[i].status == status)
			break;
	if (i == st->nstatuses) {
		if (i == H2_STATUSES_MAX)
			return;
		st->statuses[i].status = status;
		st->nstatuses++;
	}
	st->statuses[i].count++;
}

/*
 * The stream ended (@reset: by RST_STREAM) at @ts: reports its request.
 * gRPC: status is grpc-status, and a stream that ended without one
 * failed (status -1).  Plain HTTP/2: status is :status, -1 and failed
 * without a response.  Latency runs to the final response's HEADERS, or
 * to the end of a stream that got none.
 */
static void stream_end(struct h2_state *st, const struct fm_l7_sink *sink,
		       struct h2_stream *s, bool reset, uint64_t ts)
{
	struct fm_l7_request req = { .status = s->status };
	uint64_t end = s->responded ? s->resp_ts : ts;

	snprintf(req.method, sizeof(req.method), "%s", s->method);
	if (s->grpc) {
		/* gRPC routes are the method's full name, never templated */
		snprintf(req.route, sizeof(req.route), "%s", s->path);
		req.status = s->grpc_status == INT32_MAX ? -1 : s->grpc_status;
		req.failed = s->grpc_status != 0;
	} else {
		fm_l7_route_template(s->path, strlen(s->path), req.route,
				     sizeof(req.route));
		req.failed = s->status < 0 || s->status >= 500;
	}
	req.failed |= reset;
	req.latency_ns = end > s->req_ts ? end - s->req_ts : 0;
	st->requests++;
	count_status(st, req.status);
	if (sink && sink->request)
		sink->request(sink->ctx, &req);
	s->id = 0;
}

/* A whole header block of direction @dir was decoded. */
static void block_done(struct h2_state *st, const struct fm_l7_sink *sink,
		       enum fm_l7_dir dir)
{
	struct h2_dir *d = &st->dir[dir];
	struct h2_stream *s;

	d->in_block = false;
	if (d->block_push || dir == FM_L7_TO_SERVER)
		return;
	s = stream_find(st, d->block_stream);
	if (!s)
		return;
	/* 1xx are interim: latency runs to the final response */
	if (!s->responded && d->block_status >= 200) {
		s->responded = true;
		s->status = d->block_status;
		s->resp_ts = d->block_ts;
	}
	if (d->block_end_stream)
		stream_end(st, sink, s, false, d->frame_ts);
}

/* Decodes @len bytes of a header block; @final: its last ones. */
static int inflate(struct h2_state *st, const struct fm_l7_sink *sink,
		   enum fm_l7_dir dir, const uint8_t *in, size_t len,
		   bool final)
{
	struct h2_dir *d = &st->dir[dir];

	for (;;) {
		int flags = 0;
		nghttp2_nv nv;
		ssize_t used;

		used = nghttp2_hd_inflate_hd2(d->hd, &nv, &flags, in, len,
					      final);
		if (used < 0)
			return H2_LOST;
		in += used;
		len -= (size_t)used;
		if (flags & NGHTTP2_HD_INFLATE_EMIT)
			header_field(st, dir, &nv);
		if (flags & NGHTTP2_HD_INFLATE_FINAL) {
			nghttp2_hd_inflate_end_headers(d->hd);
			block_done(st, sink, dir);
			return H2_OK;
		}
		if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && !len)
			return H2_OK;
	}
}

/* The frame's payload goes on in @want bytes to collect, or skipped. */
static void expect_fixed(struct h2_dir *d, size_t want)
{
	d->nfixed = 0;
	d->want_fixed = want;
	d->stage = want ? H2_STAGE_FIXED : H2_STAGE_SKIP;
}

/*
 * Whether a frame header is well-formed for its type (RFC 9113 section
 * 6); unknown types are ignored once the flow is claimed, and refused
 * before.
 */
static bool frame_valid(const struct h2_state *st, const struct h2_dir *d)
{
	uint32_t len = d->length;
	bool zero = !d->stream;

	if (d->in_block)
		return d->type == H2_CONTINUATION &&
		       d->stream == d->block_stream;
	switch (d->type) {
	case H2_DATA:
	case H2_HEADERS:
	case H2_PUSH_PROMISE:
		return !zero;
	case H2_PRIORITY:
		return !zero && len == 5;
	case H2_RST_STREAM:
		return !zero && len == 4;
	case H2_SETTINGS:
		return zero && (d->flags & H2_FLAG_ACK ? !len : !(len % 6));
	case H2_PING:
		return zero && len == 8;
	case H2_GOAWAY:
		return zero && len >= 8;
	case H2_WINDOW_UPDATE:
		return len == 4;
	case H2_CONTINUATION:
		return false;	/* outside a block */
	default:
		return st->matched;
	}
}

/* A complete frame header: validates it and sets up its payload. */
static int frame_start(struct h2_state *st, enum fm_l7_dir dir)
{
	struct h2_dir *d = &st->dir[dir];
	const uint8_t *h = d->header;
	size_t prefix = 0;

	d->length = (uint32_t)h[0] << 16 | (uint32_t)h[1] << 8 | h[2];
	d->left = d->length;
	d->type = h[3];
	d->flags = h[4];
	d->stream = get_u32(h + 5) & 0x7fffffff;
	if (!frame_valid(st, d))
		return H2_LOST;
	/* a server on its own: its first frame must be SETTINGS (3.4) */
	if (!st->matched && dir == FM_L7_TO_CLIENT && !d->frames &&
	    (d->type != H2_SETTINGS || d->flags & H2_FLAG_ACK))
		return H2_LOST;
	switch (d->type) {
	case H2_HEADERS:
	case H2_PUSH_PROMISE:
		if (d->flags & H2_FLAG_PADDED)
			prefix++;
		if (d->type == H2_PUSH_PROMISE)
			prefix += 4;
		else if (d->flags & H2_FLAG_PRIORITY)
			prefix += 5;
		if (d->length < prefix)
			return H2_LOST;
		d->in_block = true;
		d->block_stream = d->stream;
		d->block_end_stream = d->flags & H2_FLAG_END_STREAM;
		d->block_push = d->type == H2_PUSH_PROMISE;
		d->block_ts = d->frame_ts;
		d->block_status = -1;
		/* allocated only for flows that get this far */
		if (!d->hd && nghttp2_hd_inflate_new(&d->hd))
			return H2_LOST;
		/* the table size changes between blocks only */
		if (d->table_size_pending &&
		    nghttp2_hd_inflate_change_table_size(d->hd,
							 d->table_size))
			return H2_LOST;
		d->table_size_pending = false;
		/* new streams have higher ids: a lower one is a trailer */
		if (d->type == H2_HEADERS && dir == FM_L7_TO_SERVER &&
		    d->stream & 1 && d->stream > st->last_stream) {
			if (!st->streams) {
				st->streams = calloc(FM_L7_PENDING_MAX,
						     sizeof(*st->streams));
				if (!st->streams)
					return H2_LOST;
			}
			st->last_stream = d->stream;
			stream_new(st, d->stream, d->frame_ts);
		}
		expect_fixed(d, prefix);
		if (!prefix) {
			d->stage = H2_STAGE_FRAGMENT;
			d->fragment_left = d->length;
		}
		return H2_OK;
	case H2_CONTINUATION:
		d->stage = H2_STAGE_FRAGMENT;
		d->fragment_left = d->length;
		return H2_OK;
	case H2_RST_STREAM:
		expect_fixed(d, 4);
		return H2_OK;
	case H2_SETTINGS:
		expect_fixed(d, d->length ? 6 : 0);
		return H2_OK;
	case H2_GOAWAY:
		expect_fixed(d, 8);
		return H2_OK;
	default:
		expect_fixed(d, 0);
		return H2_OK;
	}
}

/* One SETTINGS parameter; the table size is the peer's to decode with. */
static int setting(struct h2_state *st, enum fm_l7_dir dir,
		   const uint8_t *p)
{
	struct h2_dir *peer = &st->dir[!dir];
	unsigned int id = (unsigned int)p[0] << 8 | p[1];
	uint32_t value = get_u32(p + 2);

	switch (id) {
	case H2_SETTINGS_HEADER_TABLE_SIZE:
		/* a larger table than this is not followed: blocks using
		 * more of it fail to decode */
		peer->table_size = value < H2_TABLE_MAX ? value : H2_TABLE_MAX;
		peer->table_size_pending = true;
		return H2_OK;
	case H2_SETTINGS_ENABLE_PUSH:
		return value <= 1 ? H2_OK : H2_LOST;
	case H2_SETTINGS_INITIAL_WINDOW_SIZE:
		return value <= 0x7fffffff ? H2_OK : H2_LOST;
	case H2_SETTINGS_MAX_FRAME_SIZE:
		return value >= 16384 && value <= 0xffffff ? H2_OK : H2_LOST;
	default:
		return H2_OK;
	}
}

/* The fixed part collected in d->fixed is complete. */
static int fixed_done(struct h2_state *st, const struct fm_l7_sink *sink,
		      enum fm_l7_dir dir)
{
	struct h2_dir *d = &st->dir[dir];
	struct h2_stream *s;
	unsigned int i;
	uint32_t last;
	size_t pad;

	switch (d->type) {
	case H2_HEADERS:
	case H2_PUSH_PROMISE:
		pad = d->flags & H2_FLAG_PADDED ? d->fixed[0] : 0;
		if (pad > d->left)
			return H2_LOST;
		d->stage = H2_STAGE_FRAGMENT;
		d->fragment_left = d->left - (uint32_t)pad;
		return H2_OK;
	case H2_RST_STREAM:
		s = stream_find(st, d->stream);
		if (s)
			stream_end(st, sink, s, true, d->frame_ts);
		break;
	case H2_SETTINGS:
		if (setting(st, dir, d->fixed))
			return H2_LOST;
		if (d->left) {
			expect_fixed(d, 6);
			return H2_OK;
		}
		break;
	case H2_GOAWAY:
		/* the server's: streams above the last one it processed
		 * were refused, the client retries them elsewhere; they are
		 * not reported */
		if (dir != FM_L7_TO_CLIENT)
			break;
		last = get_u32(d->fixed) & 0x7fffffff;
		for (i = 0; st->streams && i < FM_L7_PENDING_MAX; i++)
			if (st->streams[i].id > last)
				st->streams[i].id = 0;
		break;
	}
	d->stage = H2_STAGE_SKIP;
	return H2_OK;
}

/* The last payload byte of the frame went past. */
static void frame_done(struct h2_state *st, const struct fm_l7_sink *sink,
		       enum fm_l7_dir dir)
{
	struct h2_dir *d = &st->dir[dir];
	struct h2_stream *s;

	d->stage = H2_STAGE_HEADER;
	d->frames++;
	if (d->type != H2_DATA || dir != FM_L7_TO_CLIENT ||
	    !(d->flags & H2_FLAG_END_STREAM))
		return;
	s = stream_find(st, d->stream);
	if (s)
		stream_end(st, sink, s, false, d->frame_ts);
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Frames of direction @dir, after the preface for the client's. */
static int frames_input(struct h2_state *st, const struct fm_l7_sink *sink,
			enum fm_l7_dir dir, const uint8_t *p, size_t n,
			uint64_t ts)
{
	struct h2_dir *d = &st->dir[dir];
	size_t take;
	bool final;

	for (;;) {
		switch (d->stage) {
		case H2_STAGE_HEADER:
			if (!n)
				return H2_OK;
			if (!d->nheader)
				d->frame_ts = ts;
			take = min_size(n, H2_FRAME_HEADER_LEN - d->nheader);
			memcpy(d->header + d->nheader, p, take);
			d->nheader += take;
			p += take;
			n -= take;
			if (d->nheader < H2_FRAME_HEADER_LEN)
				return H2_OK;
			d->nheader = 0;
			if (frame_start(st, dir))
				return H2_LOST;
			break;
		case H2_STAGE_FIXED:
			take = min_size(n, d->want_fixed - d->nfixed);
			memcpy(d->fixed + d->nfixed, p, take);
			d->nfixed += take;
			d->left -= (uint32_t)take;
			p += take;
			n -= take;
			if (d->nfixed < d->want_fixed)
				return H2_OK;
			if (fixed_done(st, sink, dir))
				return H2_LOST;
			break;
		case H2_STAGE_FRAGMENT:
			take = min_size(n, d->fragment_left);
			final = take == d->fragment_left &&
				d->flags & H2_FLAG_END_HEADERS;
			if ((take || final) &&
			    inflate(st, sink, dir, p, take, final))
				return H2_LOST;
			d->fragment_left -= (uint32_t)take;
			d->left -= (uint32_t)take;
			p += take;
			n -= take;
			if (d->fragment_left)
				return H2_OK;
			d->stage = H2_STAGE_SKIP;
			break;
		case H2_STAGE_SKIP:
			take = min_size(n, d->left);
			d->left -= (uint32_t)take;
			p += take;
			n -= take;
			if (d->left)
				return H2_OK;
			frame_done(st, sink, dir);
			break;
		}
	}
}

static enum fm_l7_verdict h2_feed(void *state, const struct fm_l7_sink *sink,
				  enum fm_l7_dir dir, bool datagram,
				  const uint8_t *data, size_t len,
				  uint64_t ts_ns)
{
	struct h2_state *st = state;
	struct h2_dir *d = &st->dir[dir];

	if (st->stopped || datagram)
		goto lost;
	if (!len)
		return st->matched ? FM_L7_MATCH : FM_L7_NEED_MORE;
	if (dir == FM_L7_TO_SERVER && d->preface < H2_PREFACE_LEN) {
		size_t take = min_size(len, H2_PREFACE_LEN - d->preface);

		if (memcmp(data, &H2_PREFACE[d->preface], take))
			goto lost;
		d->preface += take;
		data += take;
		len -= take;
		if (d->preface == H2_PREFACE_LEN)
			st->matched = true;
	}
	if (frames_input(st, sink, dir, data, len, ts_ns))
		goto lost;
	/* a server alone: claimed on enough well-formed frames, unless the
	 * client's bytes, when there are some, are no preface */
	if (!st->matched && !st->dir[FM_L7_TO_SERVER].preface &&
	    st->dir[FM_L7_TO_CLIENT].frames >= H2_SERVER_ONLY_FRAMES)
		st->matched = true;
	return st->matched ? FM_L7_MATCH : FM_L7_NEED_MORE;
lost:
	st->stopped = true;
	return FM_L7_NO_MATCH;
}

/* Lost bytes break framing and HPACK state alike: requests stop here. */
static enum fm_l7_verdict h2_gap(void *state, enum fm_l7_dir dir)
{
	struct h2_state *st = state;

	(void)dir;
	st->stopped = true;
	return FM_L7_NO_MATCH;
}

static int h2_describe(const void *state, json_t *l7)
{
	const struct h2_state *st = state;
	json_t *statuses = json_object();
	char key[16];
	unsigned int i;
	int err = 0;

	if (!statuses)
		return -1;
	for (i = 0; i < st->nstatuses; i++) {
		snprintf(key, sizeof(key), "%d", st->statuses[i].status);
		err |= json_object_set_new(statuses, key,
				json_integer(st->statuses[i].count));
	}
	err |= json_object_set_new(l7, "requests",
				   json_integer((json_int_t)st->requests));
	err |= json_object_set_new(l7, "statuses", statuses);
	err |= json_object_set_new(l7, "grpc", json_boolean(st->grpc));
	return err ? -1 : 0;
}

static void h2_release(void *state)
{
	struct h2_state *st = state;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (st->dir[i].hd)
			nghttp2_hd_inflate_del(st->dir[i].hd);
		st->dir[i].hd = NULL;
	}
	free(st->streams);
	st->streams = NULL;
}

static enum fm_l7_proto h2_refine(const void *state)
{
	const struct h2_state *st = state;

	return st->grpc ? FM_L7_GRPC : FM_L7_HTTP2;
}

const struct fm_l7_detector fm_l7_http2 = {
	.proto = FM_L7_HTTP2,
	.name = "http2",
	.state_size = sizeof(struct h2_state),
	.feed = h2_feed,
	.gap = h2_gap,
	.describe = h2_describe,
	.release = h2_release,
	.refine = h2_refine,
};
