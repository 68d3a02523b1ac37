// SPDX-License-Identifier: GPL-2.0
/* DNS detection: UDP and TCP messages, questions, pairing by id. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "l7/l7.h"

/* One stretch of one direction, as a capture delivered it. */
struct chunk {
	int dir;		/* enum fm_l7_dir */
	uint64_t ts;		/* ns from the first packet */
	size_t len;
	bool datagram;
	const char *data;
};

#define NCHUNKS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_REQS 64

struct flow {
	const struct fm_l7_detector *d;
	void *state;
	enum fm_l7_verdict verdict;
	struct fm_l7_request reqs[MAX_REQS];
	size_t nreqs;
};

static void collect(void *ctx, const struct fm_l7_request *req)
{
	struct flow *f = ctx;

	assert_non_null(memchr(req->method, 0, sizeof(req->method)));
	assert_non_null(memchr(req->route, 0, sizeof(req->route)));
	assert_true(f->nreqs < MAX_REQS);
	f->reqs[f->nreqs++] = *req;
}

static void flow_init(struct flow *f, const struct fm_l7_detector *d)
{
	memset(f, 0, sizeof(*f));
	f->d = d;
	f->state = calloc(1, d->state_size);
	assert_non_null(f->state);
	f->verdict = FM_L7_NEED_MORE;
}

static void flow_free(struct flow *f)
{
	if (f->d->release)
		f->d->release(f->state);
	free(f->state);
}

/* Feeds @len bytes in pieces of at most @piece (0: whole). */
static enum fm_l7_verdict flow_feed(struct flow *f, int dir, bool datagram,
				    const void *data, size_t len,
				    uint64_t ts, size_t piece)
{
	const struct fm_l7_sink sink = { .request = collect, .ctx = f };
	const uint8_t *p = data;

	do {
		size_t n = piece && piece < len ? piece : len;

		if (f->verdict == FM_L7_NO_MATCH)
			break;
		f->verdict = f->d->feed(f->state, &sink, dir, datagram, p, n,
					ts);
		p += n;
		len -= n;
	} while (len);
	return f->verdict;
}

/* Feeds chunks; chunk @split_chunk is cut at byte @split_at. */
static enum fm_l7_verdict flow_run(struct flow *f, const struct chunk *c,
				   size_t n, size_t split_chunk,
				   size_t split_at, size_t piece)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t ts = 1000000000ULL + c[i].ts;

		if (i == split_chunk && split_at && split_at < c[i].len) {
			flow_feed(f, c[i].dir, c[i].datagram, c[i].data,
				  split_at, ts, 0);
			flow_feed(f, c[i].dir, c[i].datagram,
				  c[i].data + split_at, c[i].len - split_at,
				  ts, 0);
		} else {
			flow_feed(f, c[i].dir, c[i].datagram, c[i].data,
				  c[i].len, ts, piece);
		}
	}
	return f->verdict;
}

/* The detector's description, as a compact JSON string to compare. */
static char *flow_describe(struct flow *f)
{
	json_t *l7 = json_object();
	char *s;

	assert_non_null(l7);
	assert_int_equal(f->d->describe(f->state, l7), 0);
	s = json_dumps(l7, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(l7);
	assert_non_null(s);
	return s;
}

static void assert_same_requests(const struct flow *a, const struct flow *b)
{
	size_t i;

	assert_int_equal(a->nreqs, b->nreqs);
	for (i = 0; i < a->nreqs; i++) {
		assert_string_equal(a->reqs[i].method, b->reqs[i].method);
		assert_string_equal(a->reqs[i].route, b->reqs[i].route);
		assert_int_equal(a->reqs[i].status, b->reqs[i].status);
		assert_int_equal(a->reqs[i].failed, b->reqs[i].failed);
	}
}

/*
 * Every byte boundary of every chunk, and byte by byte: the requests and
 * the description must be those of the whole chunks.
 */
static void check_splits(const struct fm_l7_detector *d,
			 const struct chunk *c, size_t n)
{
	struct flow whole, cut;
	char *want, *got;
	size_t i, at;

	flow_init(&whole, d);
	flow_run(&whole, c, n, n, 0, 0);
	want = flow_describe(&whole);
	for (i = 0; i <= n; i++) {
		for (at = 1; i == n ? at <= 1 : at < c[i].len; at++) {
			flow_init(&cut, d);
			if (i == n)
				flow_run(&cut, c, n, n, 0, 1);
			else
				flow_run(&cut, c, n, i, at, 0);
			assert_int_equal(cut.verdict, whole.verdict);
			assert_same_requests(&whole, &cut);
			got = flow_describe(&cut);
			assert_string_equal(got, want);
			free(got);
			flow_free(&cut);
		}
	}
	free(want);
	flow_free(&whole);
}

/* Other protocols' first bytes: each must be refused in bounded bytes. */
static const struct {
	const char *name;
	int dir;
	const char *data;
	size_t len;
} foreign[] = {
#define FOREIGN(name, dir, s) { name, dir, s, sizeof(s) - 1 }
	FOREIGN("http get", 0, "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"),
	FOREIGN("http reply", 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
	FOREIGN("ssh client", 0, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"),
	FOREIGN("ssh server", 1, "SSH-2.0-OpenSSH_8.9\r\n"),
	FOREIGN("tls hello", 0,
		"\x16\x03\x01\x00\x31\x01\x00\x00\x2d\x03\x03"
		"0123456789abcdef0123456789abcdef\x00\x00\x02\x13\x01\x01\x00"
		"\x00\x00"),
	FOREIGN("random", 0,
		"\x8e\x1f\x52\xd3\x9a\x07\xc4\x41\xbb\x2e\x60\x15\xf3\x7d\x09"
		"\xa8\x3c\x91\x5e\xe2\x44\x0b\xd7\x6f\x12\x88\xc9\x35\x7a\xfe"),
	FOREIGN("random reply", 1,
		"\xfe\x7a\x35\xc9\x88\x12\x6f\xd7\x0b\x44\xe2\x5e\x91\x3c\xa8"
		"\x09\x7d\xf3\x15\x60\x2e\xbb\x41\xc4\x07\x9a\xd3\x52\x1f\x8e"),
	FOREIGN("smtp banner", 1, "220 mx.example.org ESMTP Postfix\r\n"),
	FOREIGN("redis", 0, "*1\r\n$4\r\nPING\r\n"),
	FOREIGN("memcache", 0, "get foo\r\n"),
	FOREIGN("pg startup", 0,
		"\x00\x00\x00\x17\x00\x03\x00\x00user\x00" "bob\x00\x00"),
	FOREIGN("mysql greeting", 1,
		"\x23\x00\x00\x00\x0a" "8.0.36\x00\x0c\x00\x00\x00"
		"12345678\x00\xff\xff\x21\x02\x00\xff\xdf\x15"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	FOREIGN("dns query", 0,
		"\x00\x1d\xbc\x1f\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
		"\x03www\x07" "example\x03" "com\x00\x00\x1c\x00\x01"),
#undef FOREIGN
};

/*
 * @d must refuse every foreign flow but the ones named in @own, within
 * FM_L7_REASM_MAX bytes: the first bytes, then filler of the same kind.
 */
static void check_foreign(const struct fm_l7_detector *d,
			  const char *const *own)
{
	static uint8_t filler[512];
	size_t i, j, fed;

	memset(filler, 'a', sizeof(filler));
	for (i = 0; i < NCHUNKS(foreign); i++) {
		struct flow f;
		bool skip = false;

		for (j = 0; own && own[j]; j++)
			skip |= !strcmp(own[j], foreign[i].name);
		if (skip)
			continue;
		flow_init(&f, d);
		flow_feed(&f, foreign[i].dir, false, foreign[i].data,
			  foreign[i].len, 1000, 0);
		for (fed = foreign[i].len;
		     f.verdict == FM_L7_NEED_MORE && fed <= FM_L7_REASM_MAX;
		     fed += sizeof(filler))
			flow_feed(&f, foreign[i].dir, false, filler,
				  sizeof(filler), 2000, 0);
		if (f.verdict != FM_L7_NO_MATCH)
			fail_msg("%s claimed \"%s\"", d->name,
				 foreign[i].name);
		flow_free(&f);
	}
}

/* dns.pcap: a stray response, then a query and its response. */
static const struct chunk dns_cap[] = {
	{ 1, 0ULL, 34, true,
	  "\xdc\xa2\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x01l\x06"
		"google\x03""com\x00\x00\x1c\x00\x01" },
	{ 0, 40837821000ULL, 33, true,
	  "\xbc\x1f\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07""exa"
		"mple\x03""com\x00\x00\x1c\x00\x01" },
	{ 1, 41070964000ULL, 33, true,
	  "\xbc\x1f\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x07""exa"
		"mple\x03""com\x00\x00\x1c\x00\x01" },
};

/* A message with one question: @name in wire form (@name_len bytes). */
static size_t build(uint8_t *out, uint16_t id, uint16_t flags,
		    const char *name, size_t name_len, uint16_t qtype)
{
	size_t n = 12;

	memset(out, 0, 12);
	out[0] = id >> 8;
	out[1] = id & 0xff;
	out[2] = flags >> 8;
	out[3] = flags & 0xff;
	out[5] = 1;
	memcpy(out + n, name, name_len);
	n += name_len;
	out[n++] = qtype >> 8;
	out[n++] = qtype & 0xff;
	out[n++] = 0;
	out[n++] = 1;
	return n;
}

#define NAME(s) s, sizeof(s) - 1

static void test_capture(void **state)
{
	struct flow f;
	char *desc;

	(void)state;
	flow_init(&f, &fm_l7_dns);
	assert_int_equal(flow_run(&f, dns_cap, NCHUNKS(dns_cap), 9, 0, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	assert_string_equal(f.reqs[0].method, "AAAA");
	assert_string_equal(f.reqs[0].route, "www.example.com");
	assert_int_equal(f.reqs[0].status, 0);
	assert_false(f.reqs[0].failed);
	assert_int_equal(f.reqs[0].latency_ns, 233143000);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"queries\":1,\"rcodes\":{\"NOERROR\":2}}");
	free(desc);
	flow_free(&f);
}

/* The same exchange over TCP, split at every byte. */
static void test_tcp_splits(void **state)
{
	static uint8_t q[64], r[64];
	struct chunk tcp[2];
	struct flow f;

	(void)state;
	q[1] = (uint8_t)dns_cap[1].len;
	memcpy(q + 2, dns_cap[1].data, dns_cap[1].len);
	r[1] = (uint8_t)dns_cap[2].len;
	memcpy(r + 2, dns_cap[2].data, dns_cap[2].len);
	tcp[0] = (struct chunk){ 0, 0, dns_cap[1].len + 2, false,
				 (const char *)q };
	tcp[1] = (struct chunk){ 1, 500, dns_cap[2].len + 2, false,
				 (const char *)r };
	flow_init(&f, &fm_l7_dns);
	assert_int_equal(flow_run(&f, tcp, 2, 9, 0, 0), FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	assert_string_equal(f.reqs[0].route, "www.example.com");
	assert_int_equal(f.reqs[0].latency_ns, 500);
	flow_free(&f);
	check_splits(&fm_l7_dns, tcp, 2);
	/* both in one stretch, response first: nothing pending to pair */
	flow_init(&f, &fm_l7_dns);
	flow_feed(&f, 1, false, r, dns_cap[2].len + 2, 1, 0);
	flow_feed(&f, 1, false, r, dns_cap[2].len + 2, 1, 0);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	assert_int_equal(f.nreqs, 0);
	flow_free(&f);
}

static void exchange(struct flow *f, uint16_t id, const char *name,
		     size_t name_len, uint16_t qtype, unsigned int rcode)
{
	uint8_t msg[300];
	size_t n;

	n = build(msg, id, 0x0100, name, name_len, qtype);
	flow_feed(f, 0, true, msg, n, 1000, 0);
	n = build(msg, id, 0x8180 | rcode, name, name_len, qtype);
	flow_feed(f, 1, true, msg, n, 3000, 0);
}

static void test_types_and_rcodes(void **state)
{
	static const struct {
		uint16_t qtype;
		unsigned int rcode;
		const char *method;
		bool failed;
	} cases[] = {
		{ 1, 0, "A", false }, { 28, 3, "AAAA", false },
		{ 5, 2, "CNAME", true }, { 15, 5, "MX", true },
		{ 16, 0, "TXT", false }, { 12, 0, "PTR", false },
		{ 33, 0, "SRV", false }, { 2, 0, "NS", false },
		{ 6, 0, "SOA", false }, { 65, 0, "HTTPS", false },
		{ 255, 4, "ANY", false }, { 99, 0, "TYPE99", false },
	};
	struct flow f;
	size_t i;
	char *desc;

	(void)state;
	flow_init(&f, &fm_l7_dns);
	for (i = 0; i < NCHUNKS(cases); i++)
		exchange(&f, (uint16_t)(100 + i),
			 NAME("\x03WWW\x07" "Example\x03" "COM\x00"),
			 cases[i].qtype, cases[i].rcode);
	assert_int_equal(f.nreqs, NCHUNKS(cases));
	for (i = 0; i < NCHUNKS(cases); i++) {
		assert_string_equal(f.reqs[i].method, cases[i].method);
		assert_string_equal(f.reqs[i].route, "www.example.com");
		assert_int_equal(f.reqs[i].status, cases[i].rcode);
		assert_int_equal(f.reqs[i].failed, cases[i].failed);
		assert_int_equal(f.reqs[i].latency_ns, 2000);
	}
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"queries\":12,\"rcodes\":{\"NOERROR\":8,"
			    "\"NOTIMP\":1,\"NXDOMAIN\":1,\"REFUSED\":1,"
			    "\"SERVFAIL\":1}}");
	free(desc);
	flow_free(&f);
}

static void test_names(void **state)
{
	struct flow f;
	uint8_t msg[400], *p;
	size_t n, i;

	(void)state;
	flow_init(&f, &fm_l7_dns);
	exchange(&f, 1, NAME("\x00"), 2, 0);
	assert_int_equal(f.nreqs, 1);
	assert_string_equal(f.reqs[0].route, ".");
	/* a long name is cut to the route's size */
	n = build(msg, 2, 0x0100, "", 0, 1);
	p = msg + 12;
	for (i = 0; i < 4; i++) {
		*p++ = 63;
		memset(p, 'a' + i, 63);
		p += 63;
	}
	*p++ = 0;
	memcpy(p, "\x00\x01\x00\x01", 4);
	n = (size_t)(p + 4 - msg);
	assert_true(n > 12 + 255);	/* 257 wire bytes: too long */
	assert_int_equal(flow_feed(&f, 0, true, msg, n, 1, 0), FM_L7_MATCH);
	msg[12 + 3 * 64] = 61;		/* last label shorter: 255 bytes */
	memmove(msg + 12 + 3 * 64 + 62, msg + 12 + 3 * 64 + 64, 5);
	n -= 2;
	flow_feed(&f, 0, true, msg, n, 1, 0);
	msg[2] = 0x81;
	flow_feed(&f, 1, true, msg, n, 1, 0);
	assert_int_equal(f.nreqs, 2);
	assert_int_equal(strlen(f.reqs[1].route), FM_L7_ROUTE_MAX - 1);
	assert_int_equal(f.reqs[1].route[63], '.');
	flow_free(&f);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *what;
		const char *name;
		size_t len;
	} bad[] = {
		{ "pointer loop", NAME("\xc0\x0c") },
		{ "forward pointer", NAME("\xc0\x20\x00\x00\x00\x00\x00\x00") },
		{ "label past the end", NAME("\x3f" "abc") },
		{ "extended label type", NAME("\x41" "a\x00") },
		{ "no terminator", NAME("\x03" "www") },
	};
	uint8_t msg[64];
	struct flow f;
	size_t i, n;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		memset(msg, 0, sizeof(msg));
		memcpy(msg + 2, "\x01\x00\x00\x01", 4);
		memcpy(msg + 12, bad[i].name, bad[i].len);
		/* no question type after a broken name */
		n = 12 + bad[i].len;
		flow_init(&f, &fm_l7_dns);
		if (flow_feed(&f, 0, true, msg, n, 1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		flow_free(&f);
	}
	/* header faults on an otherwise good query */
	for (i = 0; i < 5; i++) {
		n = build(msg, 7, 0x0100, NAME("\x01" "a\x00"), 1);
		if (i == 0)
			msg[5] = 0;		/* no question */
		else if (i == 1)
			msg[5] = 9;		/* too many questions */
		else if (i == 2)
			msg[2] = 0x18;		/* opcode 3 */
		else if (i == 3)
			msg[3] = 0x02;		/* a query with an rcode */
		else
			msg[n - 1] = 9;		/* class 9 */
		flow_init(&f, &fm_l7_dns);
		if (flow_feed(&f, 0, true, msg, n, 1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted header fault %zu", i);
		flow_free(&f);
	}
}

/* A bad datagram after a match is skipped; a bad TCP message stops. */
static void test_after_match(void **state)
{
	struct flow f;

	(void)state;
	flow_init(&f, &fm_l7_dns);
	flow_run(&f, dns_cap, 1, 9, 0, 0);
	assert_int_equal(flow_feed(&f, 0, true, "junk", 4, 2, 0),
			 FM_L7_MATCH);
	flow_run(&f, dns_cap + 1, 2, 9, 0, 0);
	assert_int_equal(f.nreqs, 1);
	assert_int_equal(fm_l7_dns.gap(f.state, 0), FM_L7_MATCH);
	flow_free(&f);
	flow_init(&f, &fm_l7_dns);
	flow_feed(&f, 0, false, "\x00\x05junk!", 7, 1, 0);
	assert_int_equal(f.verdict, FM_L7_NO_MATCH);
	flow_free(&f);
	flow_init(&f, &fm_l7_dns);
	assert_int_equal(fm_l7_dns.gap(f.state, 0), FM_L7_NO_MATCH);
	flow_free(&f);
}

/* More queries than the table holds: the oldest are forgotten. */
static void test_pending_bound(void **state)
{
	uint8_t msg[64];
	struct flow f;
	size_t i, n;

	(void)state;
	flow_init(&f, &fm_l7_dns);
	for (i = 0; i < FM_L7_PENDING_MAX + 8; i++) {
		n = build(msg, (uint16_t)i, 0x0100, NAME("\x01" "a\x00"), 1);
		flow_feed(&f, 0, true, msg, n, 1 + i, 0);
	}
	/* a retransmission keeps its first time */
	n = build(msg, (uint16_t)(FM_L7_PENDING_MAX + 7), 0x0100,
		  NAME("\x01" "a\x00"), 1);
	flow_feed(&f, 0, true, msg, n, 5000, 0);
	for (i = 0; i < FM_L7_PENDING_MAX + 8; i++) {
		n = build(msg, (uint16_t)i, 0x8180, NAME("\x01" "a\x00"), 1);
		flow_feed(&f, 1, true, msg, n, 10000, 0);
	}
	assert_int_equal(f.nreqs, FM_L7_PENDING_MAX);
	assert_int_equal(f.reqs[FM_L7_PENDING_MAX - 1].latency_ns,
			 10000 - (FM_L7_PENDING_MAX + 8));
	flow_free(&f);
}

static void test_foreign(void **state)
{
	static const char *const own[] = { "dns query", NULL };

	(void)state;
	check_foreign(&fm_l7_dns, own);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_tcp_splits),
		cmocka_unit_test(test_types_and_rcodes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_after_match),
		cmocka_unit_test(test_pending_bound),
		cmocka_unit_test(test_foreign),
	};

	return cmocka_run_group_tests_name("l7_dns", tests, NULL, NULL);
}
