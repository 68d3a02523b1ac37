// SPDX-License-Identifier: GPL-2.0
/*
 * The L7 engine with detectors of the test's own: a recorder that keeps
 * every byte it is fed (reassembly), and scripted detectors that match,
 * refuse or give up on given words (dispatch).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "l7/engine.h"

/* --- the recorder: what reached it, per direction ----------------------- */

#define REC_MAX 16384

static struct recorder {
	uint8_t bytes[2][REC_MAX];
	size_t len[2];
	unsigned int calls[2];
	unsigned int datagrams;
	unsigned int gaps[2];
	uint64_t last_ts;
	enum fm_l7_verdict verdict;	/* what feed returns */
} rec;

static enum fm_l7_verdict rec_feed(void *state, const struct fm_l7_sink *sink,
				   enum fm_l7_dir dir, bool datagram,
				   const uint8_t *data, size_t len,
				   uint64_t ts_ns)
{
	(void)state;
	(void)sink;
	assert_true(len > 0);
	assert_true(rec.len[dir] + len <= REC_MAX);
	memcpy(rec.bytes[dir] + rec.len[dir], data, len);
	rec.len[dir] += len;
	rec.calls[dir]++;
	rec.datagrams += datagram;
	rec.last_ts = ts_ns;
	return rec.verdict;
}

static enum fm_l7_verdict rec_gap(void *state, enum fm_l7_dir dir)
{
	(void)state;
	rec.gaps[dir]++;
	return FM_L7_NEED_MORE;
}

static const struct fm_l7_detector rec_detector = {
	.proto = FM_L7_HTTP,
	.name = "http",
	.state_size = 8,
	.feed = rec_feed,
	.gap = rec_gap,
};

static const struct fm_l7_detector *const rec_only[] = { &rec_detector };

static int reset(void **state)
{
	(void)state;
	memset(&rec, 0, sizeof(rec));
	rec.verdict = FM_L7_MATCH;
	return 0;
}

static struct fm_l7_flow *tcp_flow(void)
{
	struct fm_l7_flow *flow = fm_l7_flow_new_with(IPPROTO_TCP, rec_only, 1);

	assert_non_null(flow);
	return flow;
}

static void seg(struct fm_l7_flow *flow, enum fm_l7_dir dir, uint32_t seq,
		uint8_t flags, const char *data)
{
	struct fm_l7_segment s = {
		.seq = seq, .flags = flags, .data = (const uint8_t *)data,
		.len = strlen(data), .ts_ns = seq,
	};

	assert_int_equal(fm_l7_flow_packet(flow, dir, &s, NULL), 0);
}

static void expect_stream(enum fm_l7_dir dir, const char *want)
{
	if (rec.len[dir] != strlen(want) ||
	    memcmp(rec.bytes[dir], want, rec.len[dir]))
		fail_msg("delivered '%.*s', want '%s'", (int)rec.len[dir],
			 rec.bytes[dir], want);
}

static void test_in_order(void **state)
{
	struct fm_l7_flow *flow = tcp_flow();
	struct fm_l7_counters c;

	(void)state;
	seg(flow, FM_L7_TO_SERVER, 1000, FM_L7_SEG_SYN, "");
	seg(flow, FM_L7_TO_CLIENT, 5000, FM_L7_SEG_SYN, "");
	seg(flow, FM_L7_TO_SERVER, 1001, 0, "hello");
	seg(flow, FM_L7_TO_SERVER, 1006, 0, " world");
	seg(flow, FM_L7_TO_CLIENT, 5001, 0, "ok");
	expect_stream(FM_L7_TO_SERVER, "hello world");
	expect_stream(FM_L7_TO_CLIENT, "ok");
	assert_int_equal(rec.calls[FM_L7_TO_SERVER], 2);
	assert_int_equal(rec.datagrams, 0);
	fm_l7_flow_counters(flow, &c);
	assert_int_equal(c.bytes[FM_L7_TO_SERVER], 11);
	assert_int_equal(c.packets[FM_L7_TO_SERVER], 2);
	assert_int_equal(c.bytes[FM_L7_TO_CLIENT], 2);
	assert_int_equal(c.gaps[FM_L7_TO_SERVER] + c.gaps[FM_L7_TO_CLIENT], 0);
	fm_l7_flow_free(flow);
}

static void test_retransmit(void **state)
{
	struct fm_l7_flow *flow = tcp_flow();
	struct fm_l7_counters c;

	(void)state;
	seg(flow, FM_L7_TO_SERVER, 1000, FM_L7_SEG_SYN, "");
	seg(flow, FM_L7_TO_SERVER, 1000, FM_L7_SEG_SYN, "");
	seg(flow, FM_L7_TO_SERVER, 1001, 0, "hello");
	seg(flow, FM_L7_TO_SERVER, 1001, 0, "hello");	/* full */
	seg(flow, FM_L7_TO_SERVER, 1003, 0, "llo wor");	/* partial */
	seg(flow, FM_L7_TO_SERVER, 1001, 0, "hello world!");
	expect_stream(FM_L7_TO_SERVER, "hello world!");
	fm_l7_flow_counters(flow, &c);
	assert_int_equal(c.bytes[FM_L7_TO_SERVER], 12);
	/* the full retransmit brought nothing new */
	assert_int_equal(c.packets[FM_L7_TO_SERVER], 3);
	fm_l7_flow_free(flow);
}

static void test_reorder(void **state)
{
	struct fm_l7_flow *flow = tcp_flow();
	struct fm_l7_counters c;

	(void)state;
	seg(flow, FM_L7_TO_SERVER, 1000, FM_L7_SEG_SYN, "");
	seg(flow, FM_L7_TO_SERVER, 1007, 0, "world");
	seg(flow, FM_L7_TO_SERVER, 1012, 0, "!");
	seg(flow, FM_L7_TO_SERVER, 1005, 0, "o wo");	/* overlaps the held */
	assert_int_equal(rec.len[FM_L7_TO_SERVER], 0);
	seg(flow, FM_L7_TO_SERVER, 1001, 0, "hell");
	expect_stream(FM_L7_TO_SERVER, "hello world!");
	/* held bytes are delivered with the time of the packet that freed
	 * them */
	assert_int_equal(rec.last_ts, 1001);
	seg(flow, FM_L7_TO_SERVER, 1013, 0, "?");
	expect_stream(FM_L7_TO_SERVER, "hello world!?");
	fm_l7_flow_counters(flow, &c);
	assert_int_equal(c.gaps[FM_L7_TO_SERVER], 0);
	assert_int_equal(c.bytes[FM_L7_TO_SERVER], 13);
	fm_l7_flow_free(flow);
}

static void test_hole_bound(void **state)
{
	struct fm_l7_flow *flow = tcp_flow();
	struct fm_l7_counters c;
	char byte[2] = "a";
	uint32_t i;

	(void)state;
	seg(flow, FM_L7_TO_SERVER, 1000, FM_L7_SEG_SYN, "");
	seg(flow, FM_L7_TO_SERVER, 1001, 0, "A");
	/* 1002 .. 1009 never come */
	for (i = 0; i < FM_L7_HOLE_SEGMENTS - 1; i++) {
		byte[0] = (char)('a' + i);
		seg(flow, FM_L7_TO_SERVER, 1010 + i, 0, byte);
	}
	expect_stream(FM_L7_TO_SERVER, "A");
	assert_int_equal(rec.gaps[FM_L7_TO_SERVER], 0);
	byte[0] = 'h';
	seg(flow, FM_L7_TO_SERVER, 1010 + i, 0, byte);
	assert_int_equal(rec.gaps[FM_L7_TO_SERVER], 1);
	expect_stream(FM_L7_TO_SERVER, "Aabcdefgh");
	/* delivery goes on after the hole; the lost bytes are refused */
	seg(flow, FM_L7_TO_SERVER, 1002, 0, "lost");
	seg(flow, FM_L7_TO_SERVER, 1018, 0, "Z");
	expect_stream(FM_L7_TO_SERVER, "AabcdefghZ");
	fm_l7_flow_counters(flow, &c);
	assert_int_equal(c.gaps[FM_L7_TO_SERVER], 1);
	assert_int_equal(c.gaps[FM_L7_TO_CLIENT], 0);
	fm_l7_flow_free(flow);
}

static void test_hole_overflow(void **state)
{
	struct fm_l7_flow *flow = tcp_flow();
	char *big = malloc(FM_L7_REASM_MAX + 1);
	struct fm_l7_counters c;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', FM_L7_REASM_MAX);
	big[FM_L7_REASM_MAX] = '\0';
	seg(flow, FM_L7_TO_CLIENT, 1000, 0, "a");
	seg(flow, FM_L7_TO_CLIENT, 1010, 0, "held");
	/* would not fit behind the hole: the hole is lost, and the held
	 * bytes and this segment are delivered after it */
	seg(flow, FM_L7_TO_CLIENT, 1014, 0, big);
	assert_int_equal(rec.gaps[FM_L7_TO_CLIENT], 1);
	assert_int_equal(rec.len[FM_L7_TO_CLIENT], 1 + 4 + FM_L7_REASM_MAX);
	assert_memory_equal(rec.bytes[FM_L7_TO_CLIENT], "aheldxxx", 8);
	/* nothing held: a segment too far ahead is delivered after a gap */
	seg(flow, FM_L7_TO_CLIENT, 1014 + 2 * FM_L7_REASM_MAX, 0, big);
	assert_int_equal(rec.gaps[FM_L7_TO_CLIENT], 2);
	assert_int_equal(rec.len[FM_L7_TO_CLIENT], 5 + 2 * FM_L7_REASM_MAX);
	fm_l7_flow_counters(flow, &c);
	assert_int_equal(c.gaps[FM_L7_TO_CLIENT], 2);
	free(big);
	fm_l7_flow_free(flow);
}

static void test_fin_flushes(void **state)
{
	struct fm_l7_flow *flow = tcp_flow();

	(void)state;
	seg(flow, FM_L7_TO_SERVER, 1, 0, "ab");
	seg(flow, FM_L7_TO_SERVER, 10, 0, "end");
	expect_stream(FM_L7_TO_SERVER, "ab");
	seg(flow, FM_L7_TO_SERVER, 13, FM_L7_SEG_FIN, "");
	expect_stream(FM_L7_TO_SERVER, "abend");
	assert_int_equal(rec.gaps[FM_L7_TO_SERVER], 1);
	fm_l7_flow_free(flow);
}

static void test_wraparound(void **state)
{
	struct fm_l7_flow *flow = tcp_flow();

	(void)state;
	seg(flow, FM_L7_TO_SERVER, 0xfffffff8u, FM_L7_SEG_SYN, "");
	/* 0xfffffff9: "0123456" then "789" across zero */
	seg(flow, FM_L7_TO_SERVER, 0xfffffff9u, 0, "0123456789");
	/* ahead across the wrap: 3 .. held, then filled */
	seg(flow, FM_L7_TO_SERVER, 6, 0, "def");
	seg(flow, FM_L7_TO_SERVER, 3, 0, "abc");
	/* old data from before the wrap is a retransmit */
	seg(flow, FM_L7_TO_SERVER, 0xfffffffeu, 0, "56789abc");
	seg(flow, FM_L7_TO_SERVER, 9, 0, "g");
	expect_stream(FM_L7_TO_SERVER, "0123456789abcdefg");
	assert_int_equal(rec.gaps[FM_L7_TO_SERVER], 0);
	fm_l7_flow_free(flow);
}

static void test_synless(void **state)
{
	struct fm_l7_flow *flow = tcp_flow();

	(void)state;
	seg(flow, FM_L7_TO_CLIENT, 5000, 0, "abc");
	seg(flow, FM_L7_TO_CLIENT, 4990, 0, "older");
	seg(flow, FM_L7_TO_CLIENT, 5003, 0, "def");
	expect_stream(FM_L7_TO_CLIENT, "abcdef");
	assert_int_equal(rec.len[FM_L7_TO_SERVER], 0);
	fm_l7_flow_free(flow);
}

static void test_udp(void **state)
{
	struct fm_l7_flow *flow = fm_l7_flow_new_with(IPPROTO_UDP, rec_only, 1);
	struct fm_l7_counters c;

	(void)state;
	assert_non_null(flow);
	/* sequence numbers mean nothing to UDP: the same payload twice is
	 * two datagrams */
	seg(flow, FM_L7_TO_SERVER, 0, 0, "query");
	seg(flow, FM_L7_TO_SERVER, 0, 0, "query");
	seg(flow, FM_L7_TO_CLIENT, 0, 0, "answer");
	seg(flow, FM_L7_TO_CLIENT, 0, 0, "");
	expect_stream(FM_L7_TO_SERVER, "queryquery");
	expect_stream(FM_L7_TO_CLIENT, "answer");
	assert_int_equal(rec.calls[FM_L7_TO_SERVER], 2);
	assert_int_equal(rec.datagrams, 3);
	fm_l7_flow_counters(flow, &c);
	assert_int_equal(c.packets[FM_L7_TO_SERVER], 2);
	assert_int_equal(c.packets[FM_L7_TO_CLIENT], 1);
	fm_l7_flow_free(flow);
	assert_null(fm_l7_flow_new_with(IPPROTO_ICMP, rec_only, 1));
}

/* --- scripted detectors: dispatch ---------------------------------------- */

/*
 * Detector i matches when it sees script[i].match, refuses on
 * script[i].refuse, and after a match stops making sense on
 * script[i].stop; it holds a heap allocation so that a missed release
 * leaks.
 */
#define NFAKE 3

static struct fake_script {
	const char *match;
	const char *refuse;
	const char *stop;
	unsigned int fed;
	unsigned int released;
} script[NFAKE];

struct fake_state {
	char *heap;
	bool matched;
	unsigned int fed;
	bool grpc;
};

static bool contains(const uint8_t *data, size_t len, const char *word)
{
	return word && memmem(data, len, word, strlen(word));
}

static enum fm_l7_verdict fake_feed(int i, struct fake_state *st,
				    const struct fm_l7_sink *sink,
				    const uint8_t *data, size_t len)
{
	struct fm_l7_request req = { .method = "GET", .route = "/x",
				     .status = 200 };

	script[i].fed++;
	st->fed++;
	if (!st->heap) {
		st->heap = malloc(32);
		assert_non_null(st->heap);
	}
	if (st->matched) {
		if (contains(data, len, script[i].stop))
			return FM_L7_NO_MATCH;
		st->grpc |= contains(data, len, "grpc");
		sink->request(sink->ctx, &req);
		return FM_L7_MATCH;
	}
	if (contains(data, len, script[i].refuse))
		return FM_L7_NO_MATCH;
	if (contains(data, len, script[i].match)) {
		st->matched = true;
		return FM_L7_MATCH;
	}
	return FM_L7_NEED_MORE;
}

static void fake_release(int i, struct fake_state *st)
{
	script[i].released++;
	free(st->heap);
}

static int fake_describe(const void *state, json_t *l7)
{
	const struct fake_state *st = state;

	return json_object_set_new(l7, "fed", json_integer(st->fed));
}

static enum fm_l7_proto fake_refine(const void *state)
{
	const struct fake_state *st = state;

	return st->grpc ? FM_L7_GRPC : FM_L7_HTTP2;
}

#define FAKE(i, protocol, gap_fn, refine_fn)				\
static enum fm_l7_verdict fake_feed##i(void *state,			\
				       const struct fm_l7_sink *sink,	\
				       enum fm_l7_dir dir, bool datagram, \
				       const uint8_t *data, size_t len,	\
				       uint64_t ts_ns)			\
{									\
	(void)dir;							\
	(void)datagram;							\
	(void)ts_ns;							\
	return fake_feed(i, state, sink, data, len);			\
}									\
static void fake_release##i(void *state)				\
{									\
	fake_release(i, state);						\
}									\
static const struct fm_l7_detector fake##i = {				\
	.proto = protocol,						\
	.name = "fake" #i,						\
	.state_size = sizeof(struct fake_state),			\
	.feed = fake_feed##i,						\
	.gap = gap_fn,							\
	.describe = fake_describe,					\
	.release = fake_release##i,					\
	.refine = refine_fn,						\
}

static enum fm_l7_verdict fake_gap(void *state, enum fm_l7_dir dir)
{
	(void)state;
	(void)dir;
	return FM_L7_NEED_MORE;
}

FAKE(0, FM_L7_MYSQL, fake_gap, NULL);
FAKE(1, FM_L7_HTTP2, NULL, fake_refine);
FAKE(2, FM_L7_REDIS, fake_gap, NULL);

static const struct fm_l7_detector *const fakes[NFAKE] = {
	&fake0, &fake1, &fake2,
};

static int reset_fakes(void **state)
{
	(void)state;
	memset(script, 0, sizeof(script));
	return 0;
}

static uint64_t requests_seen;

static void count_request(void *ctx, const struct fm_l7_request *req)
{
	assert_ptr_equal(ctx, &requests_seen);
	assert_string_equal(req->method, "GET");
	requests_seen++;
}

static const struct fm_l7_sink counting_sink = {
	.request = count_request,
	.ctx = &requests_seen,
};

static struct fm_l7_flow *fake_flow(uint8_t l4)
{
	struct fm_l7_flow *flow = fm_l7_flow_new_with(l4, fakes, NFAKE);

	assert_non_null(flow);
	requests_seen = 0;
	return flow;
}

static void feed(struct fm_l7_flow *flow, enum fm_l7_dir dir, uint32_t seq,
		 const char *data)
{
	struct fm_l7_segment s = {
		.seq = seq, .data = (const uint8_t *)data, .len = strlen(data),
	};

	assert_int_equal(fm_l7_flow_packet(flow, dir, &s, &counting_sink), 0);
}

static void test_first_match_wins(void **state)
{
	struct fm_l7_flow *flow = fake_flow(IPPROTO_TCP);
	json_t *l7 = json_object();

	(void)state;
	script[0].match = "zzz";
	script[1].match = "hello";
	script[2].match = "hello";	/* would match too: later in order */
	feed(flow, FM_L7_TO_CLIENT, 1, "say ");
	assert_false(fm_l7_flow_decided(flow));
	assert_int_equal(fm_l7_flow_proto(flow), FM_L7_UNKNOWN);
	feed(flow, FM_L7_TO_CLIENT, 5, "hello");
	assert_true(fm_l7_flow_decided(flow));
	assert_true(fm_l7_flow_parsing(flow));
	assert_int_equal(fm_l7_flow_proto(flow), FM_L7_HTTP2);
	/* the others are released: fake2 never saw "hello" */
	assert_int_equal(script[0].released, 1);
	assert_int_equal(script[2].released, 1);
	assert_int_equal(script[1].released, 0);
	assert_int_equal(script[2].fed, 1);
	/* only the owner is fed from now on; its requests reach the sink */
	feed(flow, FM_L7_TO_SERVER, 100, "more");
	feed(flow, FM_L7_TO_SERVER, 104, "grpc");
	assert_int_equal(script[0].fed, 2);
	assert_int_equal(script[1].fed, 4);
	assert_int_equal(requests_seen, 2);
	/* refine: the owner now says grpc */
	assert_int_equal(fm_l7_flow_proto(flow), FM_L7_GRPC);
	assert_non_null(l7);
	assert_int_equal(fm_l7_flow_describe(flow, l7), 0);
	assert_int_equal(json_integer_value(json_object_get(l7, "fed")), 4);
	json_decref(l7);
	fm_l7_flow_free(flow);
	assert_int_equal(script[1].released, 1);
}

static void test_all_refuse(void **state)
{
	struct fm_l7_flow *flow = fake_flow(IPPROTO_UDP);
	json_t *l7 = json_object();

	(void)state;
	script[0].refuse = "x";
	script[1].refuse = "y";
	script[2].refuse = "x";
	feed(flow, FM_L7_TO_SERVER, 0, "x");
	assert_false(fm_l7_flow_decided(flow));
	assert_int_equal(script[0].released + script[2].released, 2);
	feed(flow, FM_L7_TO_SERVER, 0, "y");
	assert_true(fm_l7_flow_decided(flow));
	assert_false(fm_l7_flow_parsing(flow));
	assert_int_equal(fm_l7_flow_proto(flow), FM_L7_UNKNOWN);
	/* refused detectors are never asked again, and no one is now */
	assert_int_equal(script[0].fed, 1);
	assert_int_equal(script[1].fed, 2);
	feed(flow, FM_L7_TO_SERVER, 0, "z");
	assert_int_equal(script[1].fed, 2);
	assert_non_null(l7);
	assert_int_equal(fm_l7_flow_describe(flow, l7), 0);
	assert_int_equal(json_object_size(l7), 0);
	json_decref(l7);
	fm_l7_flow_free(flow);
}

static void test_give_up_packets(void **state)
{
	struct fm_l7_flow *flow = fake_flow(IPPROTO_TCP);
	unsigned int i;

	(void)state;
	/* alternating directions, each in order */
	for (i = 0; i < FM_L7_OFFER_PACKETS - 1; i++)
		feed(flow, i % 2, 1 + i / 2, "?");
	assert_false(fm_l7_flow_decided(flow));
	feed(flow, FM_L7_TO_SERVER, 1 + i / 2, "?");
	assert_true(fm_l7_flow_decided(flow));
	assert_int_equal(fm_l7_flow_proto(flow), FM_L7_UNKNOWN);
	assert_int_equal(script[0].released + script[1].released +
			 script[2].released, NFAKE);
	fm_l7_flow_free(flow);
}

static void test_give_up_bytes(void **state)
{
	struct fm_l7_flow *flow = fake_flow(IPPROTO_TCP);
	char *chunk = malloc(FM_L7_OFFER_BYTES / 2 + 1);

	(void)state;
	assert_non_null(chunk);
	memset(chunk, '.', FM_L7_OFFER_BYTES / 2);
	chunk[FM_L7_OFFER_BYTES / 2] = '\0';
	feed(flow, FM_L7_TO_SERVER, 1, chunk);
	/* the other direction's bytes do not add up with these */
	feed(flow, FM_L7_TO_CLIENT, 1, chunk);
	assert_false(fm_l7_flow_decided(flow));
	feed(flow, FM_L7_TO_SERVER, 1 + FM_L7_OFFER_BYTES / 2, chunk);
	assert_true(fm_l7_flow_decided(flow));
	assert_int_equal(fm_l7_flow_proto(flow), FM_L7_UNKNOWN);
	free(chunk);
	fm_l7_flow_free(flow);
}

static void test_owner_stops(void **state)
{
	struct fm_l7_flow *flow = fake_flow(IPPROTO_TCP);

	(void)state;
	script[0].match = "HELO";
	script[0].stop = "garbage";
	feed(flow, FM_L7_TO_CLIENT, 1, "HELO");
	feed(flow, FM_L7_TO_SERVER, 1, "fine");
	assert_int_equal(requests_seen, 1);
	feed(flow, FM_L7_TO_SERVER, 5, "garbage");
	assert_true(fm_l7_flow_decided(flow));
	assert_false(fm_l7_flow_parsing(flow));
	assert_int_equal(fm_l7_flow_proto(flow), FM_L7_MYSQL);
	feed(flow, FM_L7_TO_SERVER, 12, "more");
	assert_int_equal(script[0].fed, 3);
	assert_int_equal(requests_seen, 1);
	fm_l7_flow_free(flow);
	assert_int_equal(script[0].released, 1);
}

static void test_gap_before_match(void **state)
{
	struct fm_l7_flow *flow = fake_flow(IPPROTO_TCP);
	unsigned int i;

	(void)state;
	script[0].match = "M";
	feed(flow, FM_L7_TO_SERVER, 1, "a");
	/* fake1 has no gap(): it cannot follow the stream past a hole */
	for (i = 0; i < FM_L7_HOLE_SEGMENTS; i++)
		feed(flow, FM_L7_TO_SERVER, 10 + i, "b");
	assert_int_equal(script[1].released, 1);
	assert_int_equal(script[0].released + script[2].released, 0);
	feed(flow, FM_L7_TO_SERVER, 10 + i, "M");
	assert_int_equal(fm_l7_flow_proto(flow), FM_L7_MYSQL);
	fm_l7_flow_free(flow);
}

/* Freed while segments wait and states hold memory: ASan sees leaks. */
static void test_free_midway(void **state)
{
	struct fm_l7_flow *flow = fake_flow(IPPROTO_TCP);

	(void)state;
	feed(flow, FM_L7_TO_SERVER, 1, "a");
	feed(flow, FM_L7_TO_SERVER, 100, "held");
	feed(flow, FM_L7_TO_CLIENT, 7, "b");
	feed(flow, FM_L7_TO_CLIENT, 70, "held");
	fm_l7_flow_free(flow);
	assert_int_equal(script[0].released + script[1].released +
			 script[2].released, NFAKE);
	fm_l7_flow_free(NULL);
}

static void test_no_detectors(void **state)
{
	struct fm_l7_flow *flow = fm_l7_flow_new_with(IPPROTO_TCP, NULL, 0);

	(void)state;
	assert_non_null(flow);
	assert_true(fm_l7_flow_decided(flow));
	feed(flow, FM_L7_TO_SERVER, 1, "x");
	assert_int_equal(fm_l7_flow_proto(flow), FM_L7_UNKNOWN);
	fm_l7_flow_free(flow);
}

static void test_names(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < FM_L7_PROTO_COUNT; i++)
		assert_int_equal(fm_l7_proto_by_name(fm_l7_proto_name(i)), i);
	assert_string_equal(fm_l7_proto_name(FM_L7_POSTGRESQL), "postgresql");
	assert_string_equal(fm_l7_proto_name(FM_L7_PROTO_COUNT), "unknown");
	assert_string_equal(fm_l7_proto_name(~0u), "unknown");
	assert_int_equal(fm_l7_proto_by_name("HTTP"), FM_L7_UNKNOWN);
	assert_int_equal(fm_l7_proto_by_name(""), FM_L7_UNKNOWN);
	assert_int_equal(fm_l7_proto_by_name(NULL), FM_L7_UNKNOWN);
	/* every registered detector is named as its protocol */
	for (i = 0; i < fm_l7_ndetectors; i++)
		assert_string_equal(fm_l7_detectors[i]->name,
				    fm_l7_proto_name(fm_l7_detectors[i]->proto));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_in_order, reset),
		cmocka_unit_test_setup(test_retransmit, reset),
		cmocka_unit_test_setup(test_reorder, reset),
		cmocka_unit_test_setup(test_hole_bound, reset),
		cmocka_unit_test_setup(test_hole_overflow, reset),
		cmocka_unit_test_setup(test_fin_flushes, reset),
		cmocka_unit_test_setup(test_wraparound, reset),
		cmocka_unit_test_setup(test_synless, reset),
		cmocka_unit_test_setup(test_udp, reset),
		cmocka_unit_test_setup(test_first_match_wins, reset_fakes),
		cmocka_unit_test_setup(test_all_refuse, reset_fakes),
		cmocka_unit_test_setup(test_give_up_packets, reset_fakes),
		cmocka_unit_test_setup(test_give_up_bytes, reset_fakes),
		cmocka_unit_test_setup(test_owner_stops, reset_fakes),
		cmocka_unit_test_setup(test_gap_before_match, reset_fakes),
		cmocka_unit_test_setup(test_free_midway, reset_fakes),
		cmocka_unit_test(test_no_detectors),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("l7_engine", tests, NULL, NULL);
}
