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

/* smtp.pcap: greeting, EHLO refused, HELO, MAIL, RCPTs, DATA. */
static const struct chunk smtp_cap[] = {
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

static void expect(const struct flow *f, size_t i, const char *method,
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
	struct flow f;
	char *desc;
	size_t i;

	(void)state;
	flow_init(&f, &fm_l7_smtp);
	assert_int_equal(flow_run(&f, smtp_cap, 1, 99, 0, 0), FM_L7_MATCH);
	flow_run(&f, smtp_cap + 1, NCHUNKS(smtp_cap) - 1, 99, 0, 0);
	assert_int_equal(f.nreqs, NCHUNKS(want));
	for (i = 0; i < NCHUNKS(want); i++)
		expect(&f, i, want[i], i ? 250 : 500);
	assert_int_equal(f.reqs[0].latency_ns, smtp_cap[2].ts - smtp_cap[1].ts);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"banner\":\"pigeon.eyrie.af.mil ESMTP "
			    "Sendmail 8.8.7/8.8.7; Sat, 7 Aug 1\","
			    "\"requests\":6,\"starttls\":false}");
	free(desc);
	/* the message, passed over unread, then QUIT */
	flow_feed(&f, 1, false, S("354 Enter mail\r\n"), 2000000000, 0);
	flow_feed(&f, 0, false, S("Subject: x\r\n\r\n..\r\n.x\r\n"),
		  2000000001, 0);
	flow_feed(&f, 0, false, S("x.\r\n\r"), 2000000002, 0);
	flow_feed(&f, 0, false, S("\n.\r\nQUIT\r\n"), 2000000003, 0);
	flow_feed(&f, 1, false, S("250 Mail accepted\r\n221 Bye\r\n"),
		  2000000004, 0);
	assert_int_equal(f.nreqs, NCHUNKS(want) + 2);
	expect(&f, NCHUNKS(want), "DATA", 250);
	assert_int_equal(f.reqs[NCHUNKS(want)].latency_ns,
			 2000000000 - (1000000000 + smtp_cap[11].ts));
	expect(&f, NCHUNKS(want) + 1, "QUIT", 221);
	flow_free(&f);
	check_splits(&fm_l7_smtp, smtp_cap, NCHUNKS(smtp_cap));
}

static const struct chunk session[] = {
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
	struct chunk c[NCHUNKS(session)];
	struct flow f;
	char *desc;
	size_t i;

	(void)state;
	memcpy(c, session, sizeof(c));
	for (i = 0; i < NCHUNKS(c); i++)
		c[i].len = strlen(c[i].data);
	c[NCHUNKS(c) - 1].len = 10;
	flow_init(&f, &fm_l7_smtp);
	assert_int_equal(flow_run(&f, c, NCHUNKS(c), 99, 0, 0), FM_L7_MATCH);
	assert_int_equal(f.nreqs, NCHUNKS(want));
	for (i = 0; i < NCHUNKS(want); i++)
		expect(&f, i, want[i].method, want[i].status);
	/* AUTH: to the first 334 */
	assert_int_equal(f.reqs[1].latency_ns, 10);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"banner\":\"mx.example.org ESMTP\","
			    "\"requests\":10,\"starttls\":true}");
	free(desc);
	flow_free(&f);
	check_splits(&fm_l7_smtp, c, NCHUNKS(c));
}

/* The client's EHLO seen before the greeting. */
static void test_client_first(void **state)
{
	struct flow f;
	char *desc;

	(void)state;
	flow_init(&f, &fm_l7_smtp);
	assert_int_equal(flow_feed(&f, 0, false, S("EHLO"), 1, 0),
			 FM_L7_NEED_MORE);
	assert_int_equal(flow_feed(&f, 0, false, S(" client.example\r\n"), 1,
				   0), FM_L7_MATCH);
	flow_feed(&f, 1, false, S("220 \x01mx\r\n250 hi\r\n"), 2, 0);
	assert_int_equal(f.nreqs, 1);
	expect(&f, 0, "EHLO", 250);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"banner\":\"?mx\",\"requests\":1,"
			    "\"starttls\":false}");
	free(desc);
	flow_free(&f);
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
	struct flow f;
	size_t i;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		flow_init(&f, &fm_l7_smtp);
		if (flow_feed(&f, bad[i].dir, false, bad[i].data, bad[i].len,
			      1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		flow_free(&f);
	}
	/* a line longer than SMTP allows */
	memcpy(longline, "220 ", 4);
	memset(longline + 4, 'x', sizeof(longline) - 4);
	flow_init(&f, &fm_l7_smtp);
	assert_int_equal(flow_feed(&f, 1, false, longline, sizeof(longline),
				   1, 0), FM_L7_NO_MATCH);
	flow_free(&f);
	/* after a match: a broken reply, a gap */
	flow_init(&f, &fm_l7_smtp);
	flow_feed(&f, 1, false, S("220 mx\r\n"), 1, 0);
	flow_feed(&f, 0, false, S("NOOP\r\n"), 1, 0);
	assert_int_equal(flow_feed(&f, 1, false, S("2x0 ok\r\n"), 1, 0),
			 FM_L7_MATCH);
	assert_int_equal(flow_feed(&f, 1, false, S("250 ok\r\n"), 1, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 0);
	assert_int_equal(fm_l7_smtp.gap(f.state, 1), FM_L7_MATCH);
	flow_free(&f);
	flow_init(&f, &fm_l7_smtp);
	assert_int_equal(fm_l7_smtp.gap(f.state, 0), FM_L7_NO_MATCH);
	flow_free(&f);
}

static void test_foreign(void **state)
{
	static const char *const own[] = { "smtp banner", NULL };

	(void)state;
	check_foreign(&fm_l7_smtp, own);
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
