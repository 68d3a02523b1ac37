// SPDX-License-Identifier: GPL-2.0
/* SMTP detection: greeting, commands, multi-line replies, DATA, STARTTLS. */
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

/* smtp.pcap: greeting, EHLO refused, HELO, MAIL, RCPTs, DATA. */
static const struct l7_chunk smtp_cap[] = {
	{ 1, 0ULL, 84, false,
	  "220 pigeon.eyrie.af.mil ESMTP Sendmail 8.8.7/8.8.7; Sat, 7 Aug 1"
		"999 08:20:11 -0400\x0d\x0a" },
	{ 0, 36816000ULL, 22, false,
	  "EHLO delta.peach.mil\x0d\x0a" },
	{ 1, 57326000ULL, 26, false,
	  "500 Command unrecognized\x0d\x0a" },
	{ 0, 58198000ULL, 22, false,
	  "HELO delta.peach.mil\x0d\x0a" },
	{ 1, 58468000ULL, 44, false,
	  "250 (delta.peach.mil) pleased to meet you.\x0d\x0a" },
	{ 0, 59364000ULL, 36, false,
	  "MAIL From:<coreys@delta.peach.mil>\x0d\x0a" },
	{ 1, 59593000ULL, 43, false,
	  "250 <coreys@delta.peach.mil>... Sender Ok\x0d\x0a" },
	{ 0, 60594000ULL, 39, false,
	  "RCPT To:<camronm@pigeon.eyrie.af.mil>\x0d\x0a" },
	{ 1, 60818000ULL, 38, false,
	  "250 <camronm@pigeon.eyrie.af.mil> OK\x0d\x0a" },
	{ 0, 91496000ULL, 40, false,
	  "RCPT To:<channinm@pigeon.eyrie.af.mil>\x0d\x0a" },
	{ 1, 91723000ULL, 39, false,
	  "250 <channinm@pigeon.eyrie.af.mil> OK\x0d\x0a" },
	{ 0, 92571000ULL, 6, false,
	  "DATA\x0d\x0a" },
};

#define S(s) s, sizeof(s) - 1

static void expect(const struct l7_flow *f, size_t i, const char *method,
		   int32_t status)
{
	assert_true(i < f->nreqs);
	assert_string_equal(f->reqs[i].method, method);
	assert_string_equal(f->reqs[i].route, method);
	assert_int_equal(f->reqs[i].status, status);
	assert_int_equal(f->reqs[i].failed, status >= 400);
}

static void test_capture(void **state)
{
	static const char *const want[] = { "EHLO", "HELO", "MAIL", "RCPT",
					    "RCPT" };
	struct l7_flow f;
	char *desc;
	size_t i;

	(void)state;
	l7_flow_init(&f, &fm_l7_smtp);
	assert_int_equal(l7_flow_run(&f, smtp_cap, 1, 99, 0, 0), FM_L7_MATCH);
	l7_flow_run(&f, smtp_cap + 1, NCHUNKS(smtp_cap) - 1, 99, 0, 0);
	assert_int_equal(f.nreqs, NCHUNKS(want));
	for (i = 0; i < NCHUNKS(want); i++)
		expect(&f, i, want[i], i ? 250 : 500);
	assert_int_equal(f.reqs[0].latency_ns, smtp_cap[2].ts - smtp_cap[1].ts);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"banner\":\"pigeon.eyrie.af.mil ESMTP "
			    "Sendmail 8.8.7/8.8.7; Sat, 7 Aug 1\","
			    "\"requests\":6,\"starttls\":false}");
	free(desc);
	/* the message, passed over unread, then QUIT */
	l7_flow_feed(&f, 1, false, S("354 Enter mail\r\n"), 2000000000, 0);
	l7_flow_feed(&f, 0, false, S("Subject: x\r\n\r\n..\r\n.x\r\n"),
		     2000000001, 0);
	l7_flow_feed(&f, 0, false, S("x.\r\n\r"), 2000000002, 0);
	l7_flow_feed(&f, 0, false, S("\n.\r\nQUIT\r\n"), 2000000003, 0);
	l7_flow_feed(&f, 1, false, S("250 Mail accepted\r\n221 Bye\r\n"),
		     2000000004, 0);
	assert_int_equal(f.nreqs, NCHUNKS(want) + 2);
	expect(&f, NCHUNKS(want), "DATA", 250);
	assert_int_equal(f.reqs[NCHUNKS(want)].latency_ns,
			 2000000000 - (1000000000 + smtp_cap[11].ts));
	expect(&f, NCHUNKS(want) + 1, "QUIT", 221);
	l7_flow_free(&f);
	l7_check_splits(&fm_l7_smtp, smtp_cap, NCHUNKS(smtp_cap));
}

static const struct l7_chunk session[] = {
	{ 1, 0, 0, false, "220-mx.example.org ESMTP\r\n220 welcome\r\n" },
	{ 0, 10, 0, false, "EHLO [192.0.2.1]\r\n" },
	{ 1, 20, 0, false, "250-mx.example.org\r\n250-PIPELINING\r\n"
			   "250-AUTH LOGIN PLAIN\r\n250 STARTTLS\r\n" },
	{ 0, 30, 0, false, "AUTH LOGIN\r\n" },
	{ 1, 40, 0, false, "334 VXNlcm5hbWU6\r\n" },
	{ 0, 50, 0, false, "dXNlcg==\r\n" },
	{ 1, 60, 0, false, "334 UGFzc3dvcmQ6\r\n" },
	{ 0, 70, 0, false, "cGFzcw==\r\n" },
	{ 1, 80, 0, false, "535 5.7.8 Authentication failed\r\n" },
	{ 0, 90, 0, false, "MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\n"
			   "RCPT TO:<c@z>\r\nDATA\r\n" },
	{ 1, 100, 0, false, "250 ok\r\n550 no such user\r\n250 ok\r\n"
			    "554 no valid recipients\r\n" },
	{ 0, 110, 0, false, "RSET\r\nNOOP\r\nVRFY b\r\nSTARTTLS\r\n" },
	{ 1, 120, 0, false, "250 ok\r\n250 ok\r\n252 maybe\r\n220 go ahead\r\n" },
	{ 0, 130, 0, false, "\x16\x03\x01\x00\x05hello" },
};

static void test_session(void **state)
{
	static const struct {
		const char *method;
		int32_t status;
	} want[] = {
		{ "EHLO", 250 }, { "AUTH", 535 }, { "MAIL", 250 },
		{ "RCPT", 550 }, { "RCPT", 250 }, { "DATA", 554 },
		{ "RSET", 250 }, { "NOOP", 250 }, { "VRFY", 252 },
		{ "STARTTLS", 220 },
	};
	struct l7_chunk c[NCHUNKS(session)];
	struct l7_flow f;
	char *desc;
	size_t i;

	(void)state;
	memcpy(c, session, sizeof(c));
	for (i = 0; i < NCHUNKS(c); i++)
		c[i].len = strlen(c[i].data);
	c[NCHUNKS(c) - 1].len = 10;
	l7_flow_init(&f, &fm_l7_smtp);
	assert_int_equal(l7_flow_run(&f, c, NCHUNKS(c), 99, 0, 0), FM_L7_MATCH);
	assert_int_equal(f.nreqs, NCHUNKS(want));
	for (i = 0; i < NCHUNKS(want); i++)
		expect(&f, i, want[i].method, want[i].status);
	/* AUTH: to the first 334 */
	assert_int_equal(f.reqs[1].latency_ns, 10);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"banner\":\"mx.example.org ESMTP\","
			    "\"requests\":10,\"starttls\":true}");
	free(desc);
	l7_flow_free(&f);
	l7_check_splits(&fm_l7_smtp, c, NCHUNKS(c));
}

/* The client's EHLO seen before the greeting. */
static void test_client_first(void **state)
{
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_smtp);
	assert_int_equal(l7_flow_feed(&f, 0, false, S("EHLO"), 1, 0),
			 FM_L7_NEED_MORE);
	assert_int_equal(l7_flow_feed(&f, 0, false, S(" client.example\r\n"), 1,
				      0), FM_L7_MATCH);
	l7_flow_feed(&f, 1, false, S("220 \x01mx\r\n250 hi\r\n"), 2, 0);
	assert_int_equal(f.nreqs, 1);
	expect(&f, 0, "EHLO", 250);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"banner\":\"?mx\",\"requests\":1,"
			    "\"starttls\":false}");
	free(desc);
	l7_flow_free(&f);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *what;
		int dir;
		const char *data;
		size_t len;
	} bad[] = {
		{ "ftp banner", 1, S("220 ProFTPD Server (ftp.example.org)\r\n") },
		{ "busy banner", 1, S("421 busy\r\n") },
		{ "binary banner", 1, S("220 mx\x01\r\n") },
		{ "code too short", 1, S("22 mx\r\n") },
		{ "code separator", 1, S("220_mx\r\n") },
		{ "mail first", 0, S("MAIL FROM:<a@b>\r\n") },
		{ "helo without name", 0, S("HELO \r\n") },
		{ "helo two words", 0, S("EHLO a b\r\n") },
		{ "lower case text", 1, S("hello\r\n") },
	};
	static char longline[1200];
	struct l7_flow f;
	size_t i;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		l7_flow_init(&f, &fm_l7_smtp);
		if (l7_flow_feed(&f, bad[i].dir, false, bad[i].data, bad[i].len,
				 1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		l7_flow_free(&f);
	}
	/* a line longer than SMTP allows */
	memcpy(longline, "220 ", 4);
	memset(longline + 4, 'x', sizeof(longline) - 4);
	l7_flow_init(&f, &fm_l7_smtp);
	assert_int_equal(l7_flow_feed(&f, 1, false, longline, sizeof(longline),
				      1, 0), FM_L7_NO_MATCH);
	l7_flow_free(&f);
	/* after a match: a broken reply, a gap */
	l7_flow_init(&f, &fm_l7_smtp);
	l7_flow_feed(&f, 1, false, S("220 mx\r\n"), 1, 0);
	l7_flow_feed(&f, 0, false, S("NOOP\r\n"), 1, 0);
	assert_int_equal(l7_flow_feed(&f, 1, false, S("2x0 ok\r\n"), 1, 0),
			 FM_L7_MATCH);
	assert_int_equal(l7_flow_feed(&f, 1, false, S("250 ok\r\n"), 1, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 0);
	assert_int_equal(fm_l7_smtp.gap(f.state, 1), FM_L7_MATCH);
	l7_flow_free(&f);
	l7_flow_init(&f, &fm_l7_smtp);
	assert_int_equal(fm_l7_smtp.gap(f.state, 0), FM_L7_NO_MATCH);
	l7_flow_free(&f);
}

static void test_foreign(void **state)
{
	static const char *const own[] = { "smtp banner", NULL };

	(void)state;
	l7_check_foreign(&fm_l7_smtp, own);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_client_first),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_foreign),
	};

	return cmocka_run_group_tests_name("l7_smtp", tests, NULL, NULL);
}
