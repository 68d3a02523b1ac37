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
#include "l7_harness.h"

/* dns.pcap: a stray response, then a query and its response. */
static const struct l7_chunk dns_cap[] = {
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
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_dns);
	assert_int_equal(l7_flow_run(&f, dns_cap, NCHUNKS(dns_cap), 9, 0, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	assert_string_equal(f.reqs[0].method, "AAAA");
	assert_string_equal(f.reqs[0].route, "www.example.com");
	assert_int_equal(f.reqs[0].status, 0);
	assert_false(f.reqs[0].failed);
	assert_int_equal(f.reqs[0].latency_ns, 233143000);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"queries\":1,\"rcodes\":{\"NOERROR\":2}}");
	free(desc);
	l7_flow_free(&f);
}

/* The same exchange over TCP, split at every byte. */
static void test_tcp_splits(void **state)
{
	static uint8_t q[64], r[64];
	struct l7_chunk tcp[2];
	struct l7_flow f;

	(void)state;
	q[1] = (uint8_t)dns_cap[1].len;
	memcpy(q + 2, dns_cap[1].data, dns_cap[1].len);
	r[1] = (uint8_t)dns_cap[2].len;
	memcpy(r + 2, dns_cap[2].data, dns_cap[2].len);
	tcp[0] = (struct l7_chunk){ 0, 0, dns_cap[1].len + 2, false,
				 (const char *)q };
	tcp[1] = (struct l7_chunk){ 1, 500, dns_cap[2].len + 2, false,
				 (const char *)r };
	l7_flow_init(&f, &fm_l7_dns);
	assert_int_equal(l7_flow_run(&f, tcp, 2, 9, 0, 0), FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	assert_string_equal(f.reqs[0].route, "www.example.com");
	assert_int_equal(f.reqs[0].latency_ns, 500);
	l7_flow_free(&f);
	l7_check_splits(&fm_l7_dns, tcp, 2);
	/* both in one stretch, response first: nothing pending to pair */
	l7_flow_init(&f, &fm_l7_dns);
	l7_flow_feed(&f, 1, false, r, dns_cap[2].len + 2, 1, 0);
	l7_flow_feed(&f, 1, false, r, dns_cap[2].len + 2, 1, 0);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	assert_int_equal(f.nreqs, 0);
	l7_flow_free(&f);
}

static void exchange(struct l7_flow *f, uint16_t id, const char *name,
		     size_t name_len, uint16_t qtype, unsigned int rcode)
{
	uint8_t msg[300];
	size_t n;

	n = build(msg, id, 0x0100, name, name_len, qtype);
	l7_flow_feed(f, 0, true, msg, n, 1000, 0);
	n = build(msg, id, 0x8180 | rcode, name, name_len, qtype);
	l7_flow_feed(f, 1, true, msg, n, 3000, 0);
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
	struct l7_flow f;
	size_t i;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_dns);
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
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"queries\":12,\"rcodes\":{\"NOERROR\":8,"
			    "\"NOTIMP\":1,\"NXDOMAIN\":1,\"REFUSED\":1,"
			    "\"SERVFAIL\":1}}");
	free(desc);
	l7_flow_free(&f);
}

static void test_names(void **state)
{
	struct l7_flow f;
	uint8_t msg[400], *p;
	size_t n, i;

	(void)state;
	l7_flow_init(&f, &fm_l7_dns);
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
	assert_int_equal(l7_flow_feed(&f, 0, true, msg, n, 1, 0), FM_L7_MATCH);
	msg[12 + 3 * 64] = 61;		/* last label shorter: 255 bytes */
	memmove(msg + 12 + 3 * 64 + 62, msg + 12 + 3 * 64 + 64, 5);
	n -= 2;
	l7_flow_feed(&f, 0, true, msg, n, 1, 0);
	msg[2] = 0x81;
	l7_flow_feed(&f, 1, true, msg, n, 1, 0);
	assert_int_equal(f.nreqs, 2);
	assert_int_equal(strlen(f.reqs[1].route), FM_L7_ROUTE_MAX - 1);
	assert_int_equal(f.reqs[1].route[63], '.');
	l7_flow_free(&f);
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
	struct l7_flow f;
	size_t i, n;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		memset(msg, 0, sizeof(msg));
		memcpy(msg + 2, "\x01\x00\x00\x01", 4);
		memcpy(msg + 12, bad[i].name, bad[i].len);
		/* no question type after a broken name */
		n = 12 + bad[i].len;
		l7_flow_init(&f, &fm_l7_dns);
		if (l7_flow_feed(&f, 0, true, msg, n, 1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		l7_flow_free(&f);
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
		l7_flow_init(&f, &fm_l7_dns);
		if (l7_flow_feed(&f, 0, true, msg, n, 1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted header fault %zu", i);
		l7_flow_free(&f);
	}
}

/* A bad datagram after a match is skipped; a bad TCP message stops. */
static void test_after_match(void **state)
{
	struct l7_flow f;

	(void)state;
	l7_flow_init(&f, &fm_l7_dns);
	l7_flow_run(&f, dns_cap, 1, 9, 0, 0);
	assert_int_equal(l7_flow_feed(&f, 0, true, "junk", 4, 2, 0),
			 FM_L7_MATCH);
	l7_flow_run(&f, dns_cap + 1, 2, 9, 0, 0);
	assert_int_equal(f.nreqs, 1);
	assert_int_equal(fm_l7_dns.gap(f.state, 0), FM_L7_MATCH);
	l7_flow_free(&f);
	l7_flow_init(&f, &fm_l7_dns);
	l7_flow_feed(&f, 0, false, "\x00\x05junk!", 7, 1, 0);
	assert_int_equal(f.verdict, FM_L7_NO_MATCH);
	l7_flow_free(&f);
	l7_flow_init(&f, &fm_l7_dns);
	assert_int_equal(fm_l7_dns.gap(f.state, 0), FM_L7_NO_MATCH);
	l7_flow_free(&f);
}

/* More queries than the table holds: the oldest are forgotten. */
static void test_pending_bound(void **state)
{
	uint8_t msg[64];
	struct l7_flow f;
	size_t i, n;

	(void)state;
	l7_flow_init(&f, &fm_l7_dns);
	for (i = 0; i < FM_L7_PENDING_MAX + 8; i++) {
		n = build(msg, (uint16_t)i, 0x0100, NAME("\x01" "a\x00"), 1);
		l7_flow_feed(&f, 0, true, msg, n, 1 + i, 0);
	}
	/* a retransmission keeps its first time */
	n = build(msg, (uint16_t)(FM_L7_PENDING_MAX + 7), 0x0100,
		  NAME("\x01" "a\x00"), 1);
	l7_flow_feed(&f, 0, true, msg, n, 5000, 0);
	for (i = 0; i < FM_L7_PENDING_MAX + 8; i++) {
		n = build(msg, (uint16_t)i, 0x8180, NAME("\x01" "a\x00"), 1);
		l7_flow_feed(&f, 1, true, msg, n, 10000, 0);
	}
	assert_int_equal(f.nreqs, FM_L7_PENDING_MAX);
	assert_int_equal(f.reqs[FM_L7_PENDING_MAX - 1].latency_ns,
			 10000 - (FM_L7_PENDING_MAX + 8));
	l7_flow_free(&f);
}

static void test_foreign(void **state)
{
	static const char *const own[] = { "dns query", NULL };

	(void)state;
	l7_check_foreign(&fm_l7_dns, own);
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
