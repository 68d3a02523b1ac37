// SPDX-License-Identifier: GPL-2.0
/*
 * Cleartext HTTP/2 and gRPC detection and request following: bytes from
 * a real capture, and conversations built here with nghttp2's HPACK
 * deflater.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <nghttp2/nghttp2.h>
#include "l7/l7.h"

#define MAX_REQUESTS	64
#define C2S		FM_L7_TO_SERVER
#define S2C		FM_L7_TO_CLIENT
#define PREFACE		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

enum {
	DATA = 0x0, HEADERS = 0x1, RST_STREAM = 0x3, SETTINGS = 0x4,
	PING = 0x6, GOAWAY = 0x7, WINDOW_UPDATE = 0x8, CONTINUATION = 0x9,
};
enum {
	END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4, PADDED = 0x8,
	PRIORITY = 0x20,
};

/* The bytes of one direction, as they are built. */
struct bytes {
	uint8_t buf[16384];
	size_t len;
};

struct conv {
	void *state;
	struct fm_l7_sink sink;
	struct fm_l7_request reqs[MAX_REQUESTS];
	size_t nreqs;
	nghttp2_hd_deflater *hd[2];	/* per direction, as the peers' */
	struct bytes out[2];
};

static void collect(void *ctx, const struct fm_l7_request *req)
{
	struct conv *c = ctx;

	assert_true(c->nreqs < MAX_REQUESTS);
	c->reqs[c->nreqs++] = *req;
}

static struct conv *conv_new(void)
{
	struct conv *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->state = calloc(1, fm_l7_http2.state_size);
	assert_non_null(c->state);
	c->sink.request = collect;
	c->sink.ctx = c;
	assert_int_equal(nghttp2_hd_deflate_new(&c->hd[C2S], 4096), 0);
	assert_int_equal(nghttp2_hd_deflate_new(&c->hd[S2C], 4096), 0);
	return c;
}

static void conv_free(struct conv *c)
{
	fm_l7_http2.release(c->state);
	nghttp2_hd_deflate_del(c->hd[C2S]);
	nghttp2_hd_deflate_del(c->hd[S2C]);
	free(c->state);
	free(c);
}

static void put(struct bytes *b, const void *data, size_t len)
{
	assert_true(b->len + len <= sizeof(b->buf));
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
}

static void frame(struct bytes *b, uint8_t type, uint8_t flags,
		  uint32_t stream, const void *payload, size_t len)
{
	const uint8_t h[9] = { len >> 16, len >> 8, len, type, flags,
			       stream >> 24, stream >> 16, stream >> 8,
			       stream };

	put(b, h, sizeof(h));
	put(b, payload, len);
}

/* A header block of name, value, ..., NULL pairs; returns its length. */
static size_t block(struct conv *c, enum fm_l7_dir dir, uint8_t *out,
		    size_t size, const char *const *fields)
{
	nghttp2_nv nv[16];
	size_t n = 0;
	ssize_t len;

	for (; fields[2 * n]; n++) {
		assert_true(n < 16);
		nv[n] = (nghttp2_nv){
			.name = (uint8_t *)fields[2 * n],
			.namelen = strlen(fields[2 * n]),
			.value = (uint8_t *)fields[2 * n + 1],
			.valuelen = strlen(fields[2 * n + 1]),
		};
	}
	len = nghttp2_hd_deflate_hd(c->hd[dir], out, size, nv, n);
	assert_true(len > 0);
	return (size_t)len;
}

/* One HEADERS frame with END_HEADERS, into direction @dir's bytes. */
static void headers(struct conv *c, enum fm_l7_dir dir, uint8_t flags,
		    uint32_t stream, const char *const *fields)
{
	uint8_t b[1024];

	frame(&c->out[dir], HEADERS, flags | END_HEADERS, stream, b,
	      block(c, dir, b, sizeof(b), fields));
}

static void start(struct conv *c)
{
	put(&c->out[C2S], PREFACE, strlen(PREFACE));
	frame(&c->out[C2S], SETTINGS, 0, 0, NULL, 0);
	frame(&c->out[S2C], SETTINGS, 0, 0, NULL, 0);
	frame(&c->out[S2C], SETTINGS, ACK, 0, NULL, 0);
	frame(&c->out[C2S], SETTINGS, ACK, 0, NULL, 0);
}

/* Feeds what was built for @dir so far, at @ts; returns the verdict. */
static enum fm_l7_verdict flush(struct conv *c, enum fm_l7_dir dir,
				uint64_t ts)
{
	enum fm_l7_verdict v = fm_l7_http2.feed(c->state, &c->sink, dir, false,
						c->out[dir].buf,
						c->out[dir].len, ts);

	c->out[dir].len = 0;
	return v;
}

static enum fm_l7_verdict feed(struct conv *c, enum fm_l7_dir dir,
			       const void *data, size_t len, uint64_t ts)
{
	return fm_l7_http2.feed(c->state, &c->sink, dir, false, data, len, ts);
}

static void assert_req(const struct fm_l7_request *r, const char *method,
		       const char *route, int status, bool failed,
		       uint64_t latency)
{
	assert_string_equal(r->method, method);
	assert_string_equal(r->route, route);
	assert_int_equal(r->status, status);
	assert_int_equal(r->failed, failed);
	assert_int_equal(r->latency_ns, latency);
}

static json_t *describe(struct conv *c)
{
	json_t *l7 = json_object();

	assert_non_null(l7);
	assert_int_equal(fm_l7_http2.describe(c->state, l7), 0);
	return l7;
}

static const char *const grpc_request[] = {
	":method", "POST", ":scheme", "http",
	":path", "/helloworld.v1.Greeter/SayHello12345",
	":authority", "greeter:50051", "content-type", "application/grpc",
	"te", "trailers", NULL,
};
static const char *const grpc_response[] = {
	":status", "200", "content-type", "application/grpc+proto", NULL,
};
static const uint8_t grpc_message[] = { 0, 0, 0, 0, 2, 0x0a, 0x00 };

/*
 * A unary gRPC call on stream 1: request at ts 1000, response headers at
 * 3000, message and trailers (@trailers, or none: END_STREAM on DATA)
 * at 4000.
 */
static void grpc_call(struct conv *c, const char *const *trailers)
{
	start(c);
	headers(c, C2S, 0, 1, grpc_request);
	frame(&c->out[C2S], DATA, END_STREAM, 1, grpc_message,
	      sizeof(grpc_message));
	assert_int_equal(flush(c, C2S, 1000), FM_L7_MATCH);
	headers(c, S2C, 0, 1, grpc_response);
	assert_int_equal(flush(c, S2C, 3000), FM_L7_MATCH);
	frame(&c->out[S2C], DATA, trailers ? 0 : END_STREAM, 1, grpc_message,
	      sizeof(grpc_message));
	if (trailers)
		headers(c, S2C, END_STREAM, 1, trailers);
	assert_int_equal(flush(c, S2C, 4000), FM_L7_MATCH);
}

/* TO_SERVER */
static const char h2_real_0[] =
	"PRI * HTTP/2.0\r\n"
	"\r\n"
	"SM\r\n"
	"\r\n"
	"\x00\x00\x12\x04\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00"
	"\x00\x04\x00@\x00\x00\x00\x06\x00\xa0\x00\x00\x00\x00\x04"
	"\x08\x00\x00\x00\x00\x00@\x00\x00\x00";
/* TO_SERVER */
static const char h2_real_1[] =
	"\x00\x00]\x01\x04\x00\x00\x00\x03""A\x8b\x08\x9d\\\x0b\x81"
	"p\xdc\x13\xed\x85\xef\x83""E\x93""b\xa1\xd3*\xc4=4\xb1\xdc"
	",\"\xd8\xd0K\rZLz\x91\x86_\x8b\x1du\xd0""b\r&=LtA\xeaS\x8b"
	"\x1du\xd0""b\r&=LtA\xeaz\x93\xd5Yj\x87^E\xb1\x16\xa2\xd8""4"
	"\x9e\xc6\x02\xb8\x17\x03\x13\x1f\\\x03""135P\x83\x9b\xd9\xab";
/* TO_SERVER */
static const char h2_real_2[] =
	"\x00\x00\x87\x00\x01\x00\x00\x00\x03{\"amfStatusUri\":\"h"
	"ttp://127.0.0.1:29507/npcf-callback/v1/amfstatus\",\"guam"
	"iList\":[{\"plmnId\":{\"mcc\":\"208\",\"mnc\":\"93\"},\"a"
	"mfId\":\"cafe00\"}]}";
/* TO_CLIENT */
static const char h2_real_3[] =
	"\x00\x00\x18\x04\x00\x00\x00\x00\x00\x00\x05\x00\x10\x00\x00"
	"\x00\x03\x00\x00\x00\xfa\x00\x06\x00\x10\x01@\x00\x04\x00"
	"\x10\x00\x00";
/* TO_CLIENT */
static const char h2_real_4[] =
	"\x00\x00\x00\x04\x01\x00\x00\x00\x00\x00\x00\x04\x08\x00\x00"
	"\x00\x00\x00\x00\x0f\x00\x01";
/* TO_CLIENT */
static const char h2_real_5[] =
	"\x00\x00\x04\x08\x00\x00\x00\x00\x00\x00\x00\x00\x87";
/* TO_CLIENT */
static const char h2_real_6[] =
	"\x00\x00S\x01\x04\x00\x00\x00\x03N\x82\x10\x03_\x8b\x1du\xd0"
	"b\r&=LtA\xean\xa4\x9d)\xae\xe3\x0c\x04N\xae\x05\xc0\xb8n\x09"
	"\xf6\xc0\xeb\x15VIV \xe8\xa2""1\x93\xab\x1d\xc2\xc0\xe9\x95"
	"\x09\x1amC\x01\\\x02""86a\x96\xdf=\xbfJ\x04*e\xb6\xa5\x04"
	"\x01\x01@=p.\xdch\n"
	"b\xd1\xbf";
/* TO_CLIENT */
static const char h2_real_7[] =
	"\x00\x00V\x00\x01\x00\x00\x00\x03{\"amfStatusUri\":\"\",\""
	"guamiList\":[{\"plmnId\":{\"mcc\":\"208\",\"mnc\":\"93\"}"
	",\"amfId\":\"cafe00\"}]}";
/* TO_SERVER */
static const char h2_real_8[] =
	"\x00\x00\x00\x04\x01\x00\x00\x00\x00";
/* TO_CLIENT */
static const char h2_real_9[] =
	"\x00\x00\x08\x07\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00"
	"\x00\x00";

static void test_real_capture(void **state)
{
	static const struct {
		enum fm_l7_dir dir;
		const char *bytes;
		size_t len;
	} segs[] = {
#define SEG(dir, s) { dir, s, sizeof(s) - 1 }
		SEG(C2S, h2_real_0), SEG(C2S, h2_real_1), SEG(C2S, h2_real_2),
		SEG(S2C, h2_real_3), SEG(S2C, h2_real_4), SEG(S2C, h2_real_5),
		SEG(S2C, h2_real_6), SEG(S2C, h2_real_7), SEG(C2S, h2_real_8),
		SEG(S2C, h2_real_9),
#undef SEG
	};
	struct conv *c = conv_new();
	json_t *l7;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
		assert_int_equal(feed(c, segs[i].dir, segs[i].bytes,
				      segs[i].len, 1000 * i),
				 FM_L7_MATCH);
	assert_int_equal(c->nreqs, 1);
	/* request HEADERS in segment 1, response HEADERS in segment 6 */
	assert_req(&c->reqs[0], "POST", "/namf-comm/v1/subscriptions", 201,
		   false, 5000);
	assert_int_equal(fm_l7_http2.refine(c->state), FM_L7_HTTP2);
	l7 = describe(c);
	assert_int_equal(json_integer_value(json_object_get(l7, "requests")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(l7, "statuses"), "201")), 1);
	assert_true(json_is_false(json_object_get(l7, "grpc")));
	json_decref(l7);
	conv_free(c);
}

static void test_grpc_ok(void **state)
{
	static const char *const trailers[] = {
		"grpc-status", "0", "grpc-message", "", NULL };
	struct conv *c = conv_new();
	json_t *l7;

	(void)state;
	grpc_call(c, trailers);
	assert_int_equal(c->nreqs, 1);
	/* the full method name, never templated */
	assert_req(&c->reqs[0], "POST", "/helloworld.v1.Greeter/SayHello12345",
		   0, false, 2000);
	assert_int_equal(fm_l7_http2.refine(c->state), FM_L7_GRPC);
	l7 = describe(c);
	assert_true(json_is_true(json_object_get(l7, "grpc")));
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(l7, "statuses"), "0")), 1);
	json_decref(l7);
	conv_free(c);
}

static void test_grpc_unavailable(void **state)
{
	static const char *const trailers[] = {
		"grpc-status", "14", "grpc-message", "connection refused",
		NULL };
	struct conv *c = conv_new();

	(void)state;
	grpc_call(c, trailers);
	assert_int_equal(c->nreqs, 1);
	assert_req(&c->reqs[0], "POST", "/helloworld.v1.Greeter/SayHello12345",
		   14, true, 2000);
	conv_free(c);
}

/* A gRPC stream that ends without grpc-status failed, status unknown. */
static void test_grpc_no_status(void **state)
{
	static const char *const bad[] = { "grpc-status", "OK", NULL };
	struct conv *c = conv_new();

	(void)state;
	grpc_call(c, NULL);
	assert_int_equal(c->nreqs, 1);
	assert_req(&c->reqs[0], "POST", "/helloworld.v1.Greeter/SayHello12345",
		   -1, true, 2000);
	conv_free(c);

	c = conv_new();
	grpc_call(c, bad);
	assert_int_equal(c->nreqs, 1);
	assert_req(&c->reqs[0], "POST", "/helloworld.v1.Greeter/SayHello12345",
		   -1, true, 2000);
	conv_free(c);
}

static void test_plain_get(void **state)
{
	static const char *const get1[] = {
		":method", "GET", ":scheme", "http", ":path", "/users/42?x=1",
		":authority", "api", NULL };
	static const char *const get2[] = {
		":method", "GET", ":scheme", "http", ":path", "/users/43",
		":authority", "api", NULL };
	static const char *const ok[] = {
		":status", "200", "content-type", "application/json", NULL };
	static const char *const busy[] = { ":status", "503", NULL };
	static const uint8_t body[] = "{}";
	struct conv *c = conv_new();
	json_t *l7;

	(void)state;
	start(c);
	headers(c, C2S, END_STREAM, 1, get1);
	assert_int_equal(flush(c, C2S, 100), FM_L7_MATCH);
	headers(c, S2C, 0, 1, ok);
	frame(&c->out[S2C], DATA, END_STREAM, 1, body, 2);
	assert_int_equal(flush(c, S2C, 150), FM_L7_MATCH);
	headers(c, C2S, END_STREAM, 3, get2);
	assert_int_equal(flush(c, C2S, 200), FM_L7_MATCH);
	headers(c, S2C, END_STREAM, 3, busy);
	assert_int_equal(flush(c, S2C, 270), FM_L7_MATCH);
	assert_int_equal(c->nreqs, 2);
	assert_req(&c->reqs[0], "GET", "/users/{id}", 200, false, 50);
	assert_req(&c->reqs[1], "GET", "/users/{id}", 503, true, 70);
	assert_int_equal(fm_l7_http2.refine(c->state), FM_L7_HTTP2);
	l7 = describe(c);
	assert_int_equal(json_integer_value(json_object_get(l7, "requests")),
			 2);
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(l7, "statuses"), "503")), 1);
	json_decref(l7);
	conv_free(c);
}

static void test_interleaved(void **state)
{
	static const char *const a[] = {
		":method", "GET", ":path", "/a", NULL };
	static const char *const b[] = {
		":method", "PUT", ":path", "/b/9f3c2a1b7d6e5f40", NULL };
	static const char *const info[] = { ":status", "103", NULL };
	static const char *const ok[] = { ":status", "200", NULL };
	static const char *const created[] = { ":status", "201", NULL };
	struct conv *c = conv_new();

	(void)state;
	start(c);
	headers(c, C2S, END_STREAM, 1, a);
	flush(c, C2S, 100);
	headers(c, C2S, 0, 3, b);
	flush(c, C2S, 200);
	frame(&c->out[C2S], DATA, END_STREAM, 3, "x", 1);
	flush(c, C2S, 210);
	headers(c, S2C, 0, 1, info);
	flush(c, S2C, 250);
	headers(c, S2C, END_STREAM, 3, created);
	flush(c, S2C, 300);
	headers(c, S2C, 0, 1, ok);
	flush(c, S2C, 400);
	assert_int_equal(c->nreqs, 1);
	frame(&c->out[S2C], DATA, END_STREAM, 1, "y", 1);
	assert_int_equal(flush(c, S2C, 500), FM_L7_MATCH);
	assert_int_equal(c->nreqs, 2);
	assert_req(&c->reqs[0], "PUT", "/b/{id}", 201, false, 100);
	/* a 103 is interim: latency runs to the final response */
	assert_req(&c->reqs[1], "GET", "/a", 200, false, 300);
	conv_free(c);
}

/* A gRPC call's bytes fed in two parts, split at every byte. */
static void test_split_every_byte(void **state)
{
	static const char *const trailers[] = { "grpc-status", "0", NULL };
	struct conv *built = conv_new();
	struct bytes dirs[2];
	enum fm_l7_dir dir;
	size_t split, i;

	(void)state;
	start(built);
	headers(built, C2S, 0, 1, grpc_request);
	frame(&built->out[C2S], DATA, END_STREAM, 1, grpc_message,
	      sizeof(grpc_message));
	headers(built, S2C, 0, 1, grpc_response);
	frame(&built->out[S2C], DATA, 0, 1, grpc_message,
	      sizeof(grpc_message));
	headers(built, S2C, END_STREAM, 1, trailers);
	dirs[C2S] = built->out[C2S];
	dirs[S2C] = built->out[S2C];
	conv_free(built);

	for (dir = C2S; dir <= S2C; dir++) {
		for (split = 0; split <= dirs[dir].len; split++) {
			struct conv *c = conv_new();

			if (dir == S2C)
				feed(c, C2S, dirs[C2S].buf, dirs[C2S].len, 10);
			feed(c, dir, dirs[dir].buf, split, 20);
			feed(c, dir, dirs[dir].buf + split,
			     dirs[dir].len - split, 30);
			if (dir == C2S)
				assert_int_equal(feed(c, S2C, dirs[S2C].buf,
						      dirs[S2C].len, 40),
						 FM_L7_MATCH);
			assert_int_equal(c->nreqs, 1);
			assert_string_equal(c->reqs[0].route,
				"/helloworld.v1.Greeter/SayHello12345");
			assert_int_equal(c->reqs[0].status, 0);
			assert_false(c->reqs[0].failed);
			conv_free(c);
		}
	}

	/* and byte by byte, both directions */
	built = conv_new();
	for (i = 0; i < dirs[C2S].len; i++)
		assert_int_not_equal(feed(built, C2S, dirs[C2S].buf + i, 1, i),
				     FM_L7_NO_MATCH);
	for (i = 0; i < dirs[S2C].len; i++)
		assert_int_equal(feed(built, S2C, dirs[S2C].buf + i, 1, 1000),
				 FM_L7_MATCH);
	assert_int_equal(built->nreqs, 1);
	/* from the first byte of the request's HEADERS, after the preface
	 * and two SETTINGS frames */
	assert_int_equal(built->reqs[0].latency_ns,
			 1000 - (strlen(PREFACE) + 2 * 9));
	conv_free(built);
}

/* A block over HEADERS and CONTINUATIONs; padding and priority fields. */
static void test_continuation(void **state)
{
	static const char *const ok[] = {
		":status", "200", "server", "test", NULL };
	uint8_t b[1024], padded[1100];
	struct conv *c = conv_new();
	size_t len, third;

	(void)state;
	start(c);
	len = block(c, C2S, b, sizeof(b), grpc_request);
	third = len / 3;
	frame(&c->out[C2S], HEADERS, 0, 1, b, third);
	frame(&c->out[C2S], CONTINUATION, 0, 1, b + third, third);
	frame(&c->out[C2S], CONTINUATION, END_HEADERS, 1, b + 2 * third,
	      len - 2 * third);
	assert_int_equal(flush(c, C2S, 10), FM_L7_MATCH);

	/* pad length 3, then stream dependency and weight */
	len = block(c, S2C, b, sizeof(b), ok);
	padded[0] = 3;
	memset(padded + 1, 0, 5);
	memcpy(padded + 6, b, len);
	memset(padded + 6 + len, 0, 3);
	frame(&c->out[S2C], HEADERS, END_HEADERS | END_STREAM | PADDED |
	      PRIORITY, 1, padded, len + 9);
	assert_int_equal(flush(c, S2C, 25), FM_L7_MATCH);
	assert_int_equal(c->nreqs, 1);
	/* a gRPC request without trailers: failed, status unknown */
	assert_req(&c->reqs[0], "POST", "/helloworld.v1.Greeter/SayHello12345",
		   -1, true, 15);
	conv_free(c);
}

/* Anything but the block's CONTINUATION in the middle of it is lost. */
static void test_continuation_interrupted(void **state)
{
	uint8_t b[1024];
	struct conv *c = conv_new();
	size_t len;

	(void)state;
	start(c);
	len = block(c, C2S, b, sizeof(b), grpc_request);
	frame(&c->out[C2S], HEADERS, 0, 1, b, len / 2);
	assert_int_equal(flush(c, C2S, 10), FM_L7_MATCH);
	frame(&c->out[C2S], DATA, 0, 1, "x", 1);
	assert_int_equal(flush(c, C2S, 11), FM_L7_NO_MATCH);
	conv_free(c);
}

static void test_rst_stream(void **state)
{
	static const char *const get[] = {
		":method", "GET", ":path", "/slow", NULL };
	static const char *const ok[] = { ":status", "200", NULL };
	static const uint8_t refused[] = { 0, 0, 0, 7 };
	static const uint8_t cancel[] = { 0, 0, 0, 8 };
	struct conv *c = conv_new();

	(void)state;
	start(c);
	headers(c, C2S, END_STREAM, 1, get);
	headers(c, C2S, END_STREAM, 3, get);
	flush(c, C2S, 100);
	frame(&c->out[S2C], RST_STREAM, 0, 1, refused, 4);
	headers(c, S2C, 0, 3, ok);
	assert_int_equal(flush(c, S2C, 160), FM_L7_MATCH);
	frame(&c->out[C2S], RST_STREAM, 0, 3, cancel, 4);
	/* a reset of a stream no longer followed changes nothing */
	frame(&c->out[C2S], RST_STREAM, 0, 1, cancel, 4);
	assert_int_equal(flush(c, C2S, 300), FM_L7_MATCH);
	assert_int_equal(c->nreqs, 2);
	assert_req(&c->reqs[0], "GET", "/slow", -1, true, 60);
	assert_req(&c->reqs[1], "GET", "/slow", 200, true, 60);
	conv_free(c);
}

/* Header blocks that cannot be decoded end the following of requests. */
static void test_bad_hpack(void **state)
{
	/* an index far beyond both tables */
	static const uint8_t huge_index[] = { 0xff, 0xff, 0xff, 0xff, 0x0f };
	/* dynamic entry 62: a capture that began mid-connection */
	static const uint8_t unknown_entry[] = { 0x82, 0xbe };
	/* a literal whose length runs past the block's end */
	static const uint8_t truncated[] = { 0x40, 0x0a, 'a', 'b' };
	static const struct {
		const uint8_t *block;
		size_t len;
		enum fm_l7_dir dir;
	} bad[] = {
		{ huge_index, sizeof(huge_index), C2S },
		{ unknown_entry, sizeof(unknown_entry), C2S },
		{ truncated, sizeof(truncated), C2S },
		{ unknown_entry, sizeof(unknown_entry), S2C },
	};
	static const char *const get[] = {
		":method", "GET", ":path", "/", NULL };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct conv *c = conv_new();

		start(c);
		headers(c, C2S, END_STREAM, 1, get);
		assert_int_equal(flush(c, C2S, 0), FM_L7_MATCH);
		flush(c, S2C, 0);
		frame(&c->out[bad[i].dir], HEADERS, END_HEADERS | END_STREAM,
		      bad[i].dir == C2S ? 3 : 1, bad[i].block, bad[i].len);
		assert_int_equal(flush(c, bad[i].dir, 1), FM_L7_NO_MATCH);
		/* and it stays so */
		frame(&c->out[S2C], PING, 0, 0, "12345678", 8);
		assert_int_equal(flush(c, S2C, 2), FM_L7_NO_MATCH);
		assert_int_equal(c->nreqs, 0);
		conv_free(c);
	}
}

static void test_not_http2(void **state)
{
	static const uint8_t client_hello[] = {
		0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc };
	static const struct {
		enum fm_l7_dir dir;
		const char *bytes;
		size_t len;
	} refused[] = {
#define R(dir, s) { dir, s, sizeof(s) - 1 }
		R(C2S, "GET / HTTP/1.1\r\n\r\n"),
		R(C2S, "PRI * HTTP/1.1\r\n"),
		R(C2S, "PRI * HTTP/2.0\r\n\r\nSM\r\n\n"),
		R(S2C, "SSH-2.0-OpenSSH_9.2\r\n"),
		R(S2C, "HTTP/1.1 200 OK\r\n\r\n"),
		/* a server's first frame must be SETTINGS */
		R(S2C, "\x00\x00\x08\x06\x00\x00\x00\x00\x00""12345678"),
		R(S2C, "\x00\x00\x00\x04\x01\x00\x00\x00\x00"),
		/* malformed SETTINGS: length, stream, values */
		R(S2C, "\x00\x00\x05\x04\x00\x00\x00\x00\x00"),
		R(S2C, "\x00\x00\x00\x04\x00\x00\x00\x00\x01"),
		R(S2C, "\x00\x00\x06\x04\x00\x00\x00\x00\x00"
		       "\x00\x02\x00\x00\x00\x02"),
		R(S2C, "\x00\x00\x06\x04\x00\x00\x00\x00\x00"
		       "\x00\x05\x00\x00\x00\x10"),
		/* SETTINGS, then a frame of an unknown type */
		R(S2C, "\x00\x00\x00\x04\x00\x00\x00\x00\x00"
		       "\x00\x00\x00\x0a\x00\x00\x00\x00\x00"),
		/* SETTINGS, then a PING of the wrong length */
		R(S2C, "\x00\x00\x00\x04\x00\x00\x00\x00\x00"
		       "\x00\x00\x04\x06\x00\x00\x00\x00\x00"),
#undef R
	};
	struct conv *c;
	uint8_t noise[256];
	uint32_t x = 777;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		c = conv_new();
		assert_int_equal(feed(c, refused[i].dir, refused[i].bytes,
				      refused[i].len, 0),
				 FM_L7_NO_MATCH);
		assert_int_equal(feed(c, C2S, PREFACE, strlen(PREFACE), 1),
				 FM_L7_NO_MATCH);
		conv_free(c);
	}
	c = conv_new();
	assert_int_equal(feed(c, C2S, client_hello, 1, 0), FM_L7_NO_MATCH);
	conv_free(c);

	c = conv_new();
	assert_int_equal(feed(c, C2S, "PRI * HT", 8, 0), FM_L7_NEED_MORE);
	assert_int_equal(feed(c, C2S, "TP/2.0\r\n\r\nSM\r\n\r", 15, 0),
			 FM_L7_NEED_MORE);
	assert_int_equal(feed(c, C2S, "\n", 1, 0), FM_L7_MATCH);
	conv_free(c);

	for (i = 0; i < sizeof(noise); i++) {
		x = x * 1103515245 + 12345;
		noise[i] = (uint8_t)(x >> 16);
	}
	c = conv_new();
	assert_int_equal(feed(c, S2C, noise, sizeof(noise), 0),
			 FM_L7_NO_MATCH);
	conv_free(c);

	c = conv_new();
	assert_int_equal(fm_l7_http2.feed(c->state, &c->sink, C2S, true,
					  (const uint8_t *)PREFACE,
					  strlen(PREFACE), 0),
			 FM_L7_NO_MATCH);
	conv_free(c);
}

/* The server's bytes alone: SETTINGS and two more well-formed frames. */
static void test_server_only(void **state)
{
	static const uint8_t window[] = { 0, 0, 0x10, 0 };
	static const uint8_t settings[] = { 0, 3, 0, 0, 0, 100,
					    0, 4, 0, 1, 0, 0 };
	struct conv *c = conv_new();

	(void)state;
	frame(&c->out[S2C], SETTINGS, 0, 0, settings, sizeof(settings));
	assert_int_equal(flush(c, S2C, 0), FM_L7_NEED_MORE);
	frame(&c->out[S2C], SETTINGS, ACK, 0, NULL, 0);
	assert_int_equal(flush(c, S2C, 0), FM_L7_NEED_MORE);
	frame(&c->out[S2C], WINDOW_UPDATE, 0, 0, window, 4);
	assert_int_equal(flush(c, S2C, 0), FM_L7_MATCH);
	/* the client's bytes, when they come, must still be HTTP/2 */
	assert_int_equal(feed(c, C2S, "GET / HTTP/1.1\r\n", 16, 1),
			 FM_L7_NO_MATCH);
	conv_free(c);

	/* the client's preface, when it comes first, is enough */
	c = conv_new();
	frame(&c->out[S2C], SETTINGS, 0, 0, settings, sizeof(settings));
	assert_int_equal(flush(c, S2C, 0), FM_L7_NEED_MORE);
	assert_int_equal(feed(c, C2S, PREFACE, strlen(PREFACE), 1),
			 FM_L7_MATCH);
	conv_free(c);
}

/* The server's GOAWAY drops the streams it never processed. */
static void test_goaway(void **state)
{
	static const char *const get[] = {
		":method", "GET", ":path", "/x", NULL };
	static const char *const ok[] = { ":status", "200", NULL };
	static const uint8_t last1[] = { 0, 0, 0, 1, 0, 0, 0, 0 };
	struct conv *c = conv_new();
	json_t *l7;

	(void)state;
	start(c);
	headers(c, C2S, END_STREAM, 1, get);
	headers(c, C2S, END_STREAM, 3, get);
	flush(c, C2S, 0);
	frame(&c->out[S2C], GOAWAY, 0, 0, last1, sizeof(last1));
	headers(c, S2C, END_STREAM, 1, ok);
	headers(c, S2C, END_STREAM, 3, ok);
	assert_int_equal(flush(c, S2C, 5), FM_L7_MATCH);
	assert_int_equal(c->nreqs, 1);
	assert_req(&c->reqs[0], "GET", "/x", 200, false, 5);
	l7 = describe(c);
	assert_int_equal(json_integer_value(json_object_get(l7, "requests")),
			 1);
	json_decref(l7);
	conv_free(c);
}

/* The server's frames for streams no request opened report nothing. */
static void test_before_requests(void **state)
{
	static const char *const get[] = {
		":method", "GET", ":path", "/after", NULL };
	static const char *const ok[] = { ":status", "200", NULL };
	static const uint8_t last0[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t cancel[] = { 0, 0, 0, 8 };
	struct conv *c = conv_new();

	(void)state;
	start(c);
	assert_int_equal(flush(c, C2S, 0), FM_L7_MATCH);
	frame(&c->out[S2C], GOAWAY, 0, 0, last0, sizeof(last0));
	frame(&c->out[S2C], RST_STREAM, 0, 1, cancel, 4);
	headers(c, S2C, 0, 1, ok);
	frame(&c->out[S2C], DATA, END_STREAM, 1, "x", 1);
	assert_int_equal(flush(c, S2C, 10), FM_L7_MATCH);
	assert_int_equal(c->nreqs, 0);
	/* a request that comes later is followed */
	headers(c, C2S, END_STREAM, 3, get);
	assert_int_equal(flush(c, C2S, 20), FM_L7_MATCH);
	headers(c, S2C, END_STREAM, 3, ok);
	assert_int_equal(flush(c, S2C, 27), FM_L7_MATCH);
	assert_int_equal(c->nreqs, 1);
	assert_req(&c->reqs[0], "GET", "/after", 200, false, 7);
	conv_free(c);
}

/* Streams beyond FM_L7_PENDING_MAX open at once are not followed. */
static void test_stream_bound(void **state)
{
	static const char *const get[] = {
		":method", "GET", ":path", "/many", NULL };
	static const char *const ok[] = { ":status", "200", NULL };
	struct conv *c = conv_new();
	uint32_t i;

	(void)state;
	start(c);
	for (i = 0; i <= FM_L7_PENDING_MAX; i++)
		headers(c, C2S, END_STREAM, 2 * i + 1, get);
	assert_int_equal(flush(c, C2S, 0), FM_L7_MATCH);
	for (i = 0; i <= FM_L7_PENDING_MAX; i++)
		headers(c, S2C, END_STREAM, 2 * i + 1, ok);
	assert_int_equal(flush(c, S2C, 1), FM_L7_MATCH);
	assert_int_equal(c->nreqs, FM_L7_PENDING_MAX);
	/* the table frees as streams end */
	headers(c, C2S, END_STREAM, 2 * i + 1, get);
	flush(c, C2S, 2);
	headers(c, S2C, END_STREAM, 2 * i + 1, ok);
	flush(c, S2C, 3);
	assert_int_equal(c->nreqs, FM_L7_PENDING_MAX + 1);
	conv_free(c);
}

/* SETTINGS_HEADER_TABLE_SIZE of one side sizes the other's HPACK. */
static void test_table_size(void **state)
{
	static const uint8_t no_table[] = { 0, 1, 0, 0, 0, 0 };
	static const char *const get[] = {
		":method", "GET", ":path", "/t", "x-long", "value", NULL };
	static const char *const ok[] = {
		":status", "200", "x-long", "value", NULL };
	struct conv *c = conv_new();

	(void)state;
	put(&c->out[C2S], PREFACE, strlen(PREFACE));
	frame(&c->out[C2S], SETTINGS, 0, 0, no_table, sizeof(no_table));
	headers(c, C2S, END_STREAM, 1, get);
	assert_int_equal(flush(c, C2S, 0), FM_L7_MATCH);
	/* the server's encoder follows the client's setting */
	assert_int_equal(nghttp2_hd_deflate_change_table_size(c->hd[S2C], 0),
			 0);
	headers(c, S2C, END_STREAM, 1, ok);
	assert_int_equal(flush(c, S2C, 1), FM_L7_MATCH);
	assert_int_equal(c->nreqs, 1);
	conv_free(c);
}

static void test_gap(void **state)
{
	struct conv *c = conv_new();

	(void)state;
	start(c);
	assert_int_equal(flush(c, C2S, 0), FM_L7_MATCH);
	assert_int_equal(fm_l7_http2.gap(c->state, S2C), FM_L7_NO_MATCH);
	assert_int_equal(flush(c, S2C, 1), FM_L7_NO_MATCH);
	conv_free(c);
}

/* A state that never saw a byte is released and described safely. */
static void test_empty_state(void **state)
{
	struct conv *c = conv_new();
	json_t *l7;

	(void)state;
	l7 = describe(c);
	assert_int_equal(json_integer_value(json_object_get(l7, "requests")),
			 0);
	json_decref(l7);
	assert_int_equal(fm_l7_http2.refine(c->state), FM_L7_HTTP2);
	conv_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_capture),
		cmocka_unit_test(test_grpc_ok),
		cmocka_unit_test(test_grpc_unavailable),
		cmocka_unit_test(test_grpc_no_status),
		cmocka_unit_test(test_plain_get),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_split_every_byte),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_continuation_interrupted),
		cmocka_unit_test(test_rst_stream),
		cmocka_unit_test(test_bad_hpack),
		cmocka_unit_test(test_not_http2),
		cmocka_unit_test(test_server_only),
		cmocka_unit_test(test_goaway),
		cmocka_unit_test(test_before_requests),
		cmocka_unit_test(test_stream_bound),
		cmocka_unit_test(test_table_size),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_empty_state),
	};

	return cmocka_run_group_tests_name("l7_http2", tests, NULL, NULL);
}
