// SPDX-License-Identifier: GPL-2.0
/* Redis (RESP) and memcached (text and binary) detection. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
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

/* resp.pcap: PING, SET, GET; memcached.cap: stats. */
static const struct chunk resp_cap[] = {
	{ 0, 3185396000ULL, 14, false,
	  "*1\x0d\x0a$4\x0d\x0aping\x0d\x0a" },
	{ 1, 3188594000ULL, 7, false,
	  "+PONG\x0d\x0a" },
	{ 0, 21331896000ULL, 42, false,
	  "*3\x0d\x0a$3\x0d\x0aset\x0d\x0a$4\x0d\x0atest\x0d\x0a$12\x0d\x0a"
		"Hello world!\x0d\x0a" },
	{ 1, 21334985000ULL, 5, false,
	  "+OK\x0d\x0a" },
	{ 0, 25438120000ULL, 23, false,
	  "*2\x0d\x0a$3\x0d\x0aget\x0d\x0a$4\x0d\x0atest\x0d\x0a" },
	{ 1, 25441472000ULL, 19, false,
	  "$12\x0d\x0aHello world!\x0d\x0a" },
};

static const struct chunk mc_cap[] = {
	{ 0, 0ULL, 7, false,
	  "stats\x0d\x0a" },
	{ 1, 116000ULL, 1028, false,
	  "STAT pid 8837\x0d\x0aSTAT uptime 193\x0d\x0aSTAT time 1534343744"
		"\x0d\x0aSTAT version 1.4.15\x0d\x0aSTAT libevent 2.0.21-stable"
		"\x0d\x0aSTAT pointer_size 64\x0d\x0aSTAT rusage_user 0.005382"
		"\x0d\x0aSTAT rusage_system 0.006280\x0d\x0aSTAT curr_connections"
		" 10\x0d\x0aSTAT total_connections 13\x0d\x0aSTAT connection_stru"
		"ctures 11\x0d\x0aSTAT reserved_fds 20\x0d\x0aSTAT cmd_get 0\x0d"
		"\x0aSTAT cmd_set 0\x0d\x0aSTAT cmd_flush 0\x0d\x0aSTAT cmd_touch"
		" 0\x0d\x0aSTAT get_hits 0\x0d\x0aSTAT get_misses 0\x0d\x0aSTAT d"
		"elete_misses 0\x0d\x0aSTAT delete_hits 0\x0d\x0aSTAT incr_misses"
		" 0\x0d\x0aSTAT incr_hits 0\x0d\x0aSTAT decr_misses 0\x0d\x0aSTAT"
		" decr_hits 0\x0d\x0aSTAT cas_misses 0\x0d\x0aSTAT cas_hits 0\x0d"
		"\x0aSTAT cas_badval 0\x0d\x0aSTAT touch_hits 0\x0d\x0aSTAT touch"
		"_misses 0\x0d\x0aSTAT auth_cmds 0\x0d\x0aSTAT auth_errors 0\x0d"
		"\x0aSTAT bytes_read 21\x0d\x0aSTAT bytes_written 2051\x0d\x0aSTA"
		"T limit_maxbytes 67108864\x0d\x0aSTAT accepting_conns 1\x0d\x0aS"
		"TAT listen_disabled_num 0\x0d\x0aSTAT threads 4\x0d\x0aSTAT conn"
		"_yields 0\x0d\x0aSTAT hash_power_level 16\x0d\x0aSTAT hash_bytes"
		" 524288\x0d\x0aSTAT hash_is_expanding 0\x0d\x0aSTAT bytes 0\x0d"
		"\x0aSTAT curr_items 0\x0d\x0aSTAT total_items 0\x0d\x0aSTAT expi"
		"red_unfetched 0\x0d\x0aSTAT evicted_unfetched 0\x0d\x0aSTAT evic"
		"tions 0\x0d\x0aSTAT reclaimed 0\x0d\x0a""END\x0d\x0a" },
};

#define S(s) s, sizeof(s) - 1

static void expect(const struct flow *f, size_t i, const char *method,
		   int32_t status, bool failed)
{
	assert_true(i < f->nreqs);
	assert_string_equal(f->reqs[i].method, method);
	assert_string_equal(f->reqs[i].route, method);
	assert_int_equal(f->reqs[i].status, status);
	assert_int_equal(f->reqs[i].failed, failed);
}

static void test_redis_capture(void **state)
{
	struct flow f;
	char *desc;

	(void)state;
	flow_init(&f, &fm_l7_redis);
	assert_int_equal(flow_run(&f, resp_cap, NCHUNKS(resp_cap), 99, 0, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 3);
	expect(&f, 0, "PING", -1, false);
	expect(&f, 1, "SET", -1, false);
	expect(&f, 2, "GET", -1, false);
	assert_int_equal(f.reqs[2].latency_ns, resp_cap[5].ts - resp_cap[4].ts);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"errors\":0,\"requests\":3}");
	free(desc);
	flow_free(&f);
	check_splits(&fm_l7_redis, resp_cap, NCHUNKS(resp_cap));
}

/* Pipelined commands, nested and RESP3 replies, a large bulk skipped. */
static void test_redis_pipeline(void **state)
{
	static char big[20000];
	static const char reqs[] =
		"*1\r\n$7\r\nCOMMAND\r\n*2\r\n$3\r\nget\r\n$1\r\nk\r\n"
		"*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$1\r\nx\r\n"
		"*1\r\n$5\r\nHELLO\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"
		"*1\r\n$4\r\nSCAN\r\n";
	static const char after_big[] =
		"\r\n-ERR unknown\r\n"
		"|1\r\n+ttl\r\n:3\r\n%2\r\n+a\r\n_\r\n=7\r\ntxt:abc\r\n~1\r\n"
		"(12345678901234567890\r\n"
		">2\r\n+message\r\n,1.5\r\n"
		":7\r\n*2\r\n#t\r\n!3\r\nERR\r\n:0\r\n";
	struct flow f;
	char *desc;
	int n;

	(void)state;
	n = snprintf(big, sizeof(big), "*2\r\n*3\r\n$%d\r\n", 15000);
	memset(big + n, 'x', 15000);
	flow_init(&f, &fm_l7_redis);
	flow_feed(&f, 0, false, S(reqs), 100, 0);
	flow_feed(&f, 1, false, big, (size_t)n + 15000, 200, 1000);
	flow_feed(&f, 1, false, S("\r\n:1\r\n$-1\r\n$-1"), 200, 0);
	assert_int_equal(f.nreqs, 0);
	flow_feed(&f, 1, false, S(after_big), 300, 7);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	assert_int_equal(f.nreqs, 6);
	expect(&f, 0, "COMMAND", -1, false);
	assert_int_equal(f.reqs[0].latency_ns, 100);
	expect(&f, 1, "GET", -1, true);
	expect(&f, 2, "CLIENT", -1, false);
	expect(&f, 3, "HELLO", -1, false);
	expect(&f, 4, "INCR", -1, false);
	expect(&f, 5, "SCAN", -1, false);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"errors\":1,\"requests\":6}");
	free(desc);
	flow_free(&f);
}

/* More commands in flight than the queue holds: counted, kept in step. */
static void test_redis_queue_bound(void **state)
{
	struct flow f;
	int i;

	(void)state;
	flow_init(&f, &fm_l7_redis);
	for (i = 0; i < FM_L7_PENDING_MAX + 5; i++)
		flow_feed(&f, 0, false, S("*1\r\n$4\r\nPING\r\n"), 1, 0);
	for (i = 0; i < FM_L7_PENDING_MAX + 5; i++)
		flow_feed(&f, 1, false, S("+PONG\r\n"), 2, 0);
	flow_feed(&f, 0, false, S("*1\r\n$4\r\nQUIT\r\n"), 3, 0);
	flow_feed(&f, 1, false, S("-ERR bye\r\n"), 4, 0);
	assert_int_equal(f.nreqs, FM_L7_PENDING_MAX + 1);
	expect(&f, FM_L7_PENDING_MAX, "QUIT", -1, true);
	flow_free(&f);
}

static void test_redis_inline_and_server_first(void **state)
{
	struct flow f;

	(void)state;
	flow_init(&f, &fm_l7_redis);
	assert_int_equal(flow_feed(&f, 0, false, S("ping\r\n"), 1, 0),
			 FM_L7_MATCH);
	flow_feed(&f, 0, false, S("get k\r\n"), 2, 0);
	flow_feed(&f, 1, false, S("+PONG\r\n$-1\r\n"), 3, 0);
	assert_int_equal(f.nreqs, 2);
	expect(&f, 1, "GET", -1, false);
	flow_free(&f);
	/* a reply seen before its command waits for it */
	flow_init(&f, &fm_l7_redis);
	assert_int_equal(flow_feed(&f, 1, false, S("+OK\r\n"), 5, 0),
			 FM_L7_NEED_MORE);
	assert_int_equal(flow_feed(&f, 0, false,
				   S("*1\r\n$8\r\nFLUSHALL\r\n"), 4, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	assert_int_equal(f.reqs[0].latency_ns, 1);
	flow_free(&f);
}

static void test_redis_malformed(void **state)
{
	static const struct {
		const char *what;
		int dir;
		const char *data;
		size_t len;
	} bad[] = {
		{ "digit in command", 0, S("*1\r\n$3\r\nG1T\r\n") },
		{ "empty array", 0, S("*0\r\n") },
		{ "bad count", 0, S("*x\r\n") },
		{ "bulk longer", 0, S("*1\r\n$3\r\nGETX\r\n") },
		{ "integer command", 0, S("*1\r\n:1\r\n") },
		{ "bare LF", 0, S("*1\n$4\nPING\n") },
		{ "inline unknown", 0, S("GET k\r\n") },
		{ "inline binary", 0, S("PING \x01\r\n") },
		{ "reply type", 1, S("?what\r\n") },
		{ "bulk length", 1, S("$-5\r\n") },
	};
	struct flow f;
	size_t i;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		flow_init(&f, &fm_l7_redis);
		if (flow_feed(&f, bad[i].dir, false, bad[i].data, bad[i].len,
			      1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		flow_free(&f);
	}
	flow_init(&f, &fm_l7_redis);
	flow_feed(&f, 0, false, S("*1\r\n$4\r\nPING\r\n"), 1, 0);
	assert_int_equal(fm_l7_redis.gap(f.state, 0), FM_L7_MATCH);
	assert_int_equal(flow_feed(&f, 1, false, S("+PONG\r\n"), 1, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 0);
	flow_free(&f);
}

static void test_redis_foreign(void **state)
{
	static const char *const own[] = { "redis", NULL };

	(void)state;
	check_foreign(&fm_l7_redis, own);
}

static void test_memcache_capture(void **state)
{
	struct flow f;
	char *desc;

	(void)state;
	flow_init(&f, &fm_l7_memcache);
	assert_int_equal(flow_run(&f, mc_cap, NCHUNKS(mc_cap), 99, 0, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	expect(&f, 0, "STATS", -1, false);
	assert_int_equal(f.reqs[0].latency_ns, mc_cap[1].ts - mc_cap[0].ts);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"binary\":false,\"requests\":1}");
	free(desc);
	flow_free(&f);
	check_splits(&fm_l7_memcache, mc_cap, NCHUNKS(mc_cap));
}

static const struct chunk mc_text[] = {
	{ 0, 0, 0, false,
	  "set k 0 0 5\r\nhello\r\nget k\r\nget x y\r\ndelete k noreply\r\n"
	  "incr n 1\r\ncas k 0 -1 2 77\r\nhi\r\nbogus\r\ntouch k 10\r\n"
	  "version\r\n" },
	{ 1, 40, 0, false,
	  "STORED\r\nVALUE k 0 5\r\nhello\r\nEND\r\nEND\r\n"
	  "SERVER_ERROR out of memory\r\nEXISTS\r\nTOUCHED\r\n"
	  "VERSION 1.6.21\r\n" },
};

static void test_memcache_text(void **state)
{
	static const char *const want[] = {
		"SET", "GET", "GET", "INCR", "CAS", "TOUCH", "VERSION",
	};
	struct chunk c[2];
	struct flow f;
	char *desc;
	size_t i;

	(void)state;
	memcpy(c, mc_text, sizeof(c));
	c[0].len = strlen(c[0].data);
	c[1].len = strlen(c[1].data);
	flow_init(&f, &fm_l7_memcache);
	flow_run(&f, c, 1, 99, 0, 0);
	/* "bogus" is no command: the stream is no longer followed */
	assert_int_equal(f.verdict, FM_L7_MATCH);
	c[0].len = (size_t)(strstr(c[0].data, "bogus") - c[0].data);
	flow_free(&f);
	flow_init(&f, &fm_l7_memcache);
	flow_run(&f, c, 1, 99, 0, 0);
	flow_feed(&f, 0, false, S("touch k 10\r\nversion\r\n"),
		  1000000001, 0);
	flow_feed(&f, 1, false, c[1].data, c[1].len, 1000000041, 0);
	assert_int_equal(f.nreqs, NCHUNKS(want));
	for (i = 0; i < NCHUNKS(want); i++)
		expect(&f, i, want[i], -1, i == 3);
	assert_int_equal(f.reqs[0].latency_ns, 41);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"binary\":false,\"requests\":8}");
	free(desc);
	flow_free(&f);
	c[0].len = strlen(c[0].data) - strlen(strstr(c[0].data, "bogus"));
	check_splits(&fm_l7_memcache, c, 1);
}

static size_t mc_bin(uint8_t *out, uint8_t magic, uint8_t op, uint16_t status,
		     uint32_t opaque, const char *key, const char *value)
{
	size_t klen = strlen(key), vlen = strlen(value);

	memset(out, 0, 24);
	out[0] = magic;
	out[1] = op;
	out[3] = (uint8_t)klen;
	out[6] = status >> 8;
	out[7] = status & 0xff;
	out[11] = (uint8_t)(klen + vlen);
	out[15] = (uint8_t)opaque;
	memcpy(out + 24, key, klen);
	memcpy(out + 24 + klen, value, vlen);
	return 24 + klen + vlen;
}

static void test_memcache_binary(void **state)
{
	uint8_t buf[512];
	struct flow f;
	char *desc;
	size_t n = 0;

	(void)state;
	n += mc_bin(buf + n, 0x80, 0x00, 0, 1, "k", "");	/* GET */
	n += mc_bin(buf + n, 0x80, 0x09, 0, 2, "q", "");	/* GETQ */
	n += mc_bin(buf + n, 0x80, 0x01, 0, 3, "k", "v");	/* SET */
	n += mc_bin(buf + n, 0x80, 0x10, 0, 4, "", "");	/* STAT */
	flow_init(&f, &fm_l7_memcache);
	assert_int_equal(flow_feed(&f, 0, false, buf, n, 10, 0), FM_L7_MATCH);
	n = mc_bin(buf, 0x81, 0x00, 1, 1, "", "Not found");
	n += mc_bin(buf + n, 0x81, 0x01, 5, 3, "", "");
	n += mc_bin(buf + n, 0x81, 0x10, 0, 4, "pid", "1");
	n += mc_bin(buf + n, 0x81, 0x10, 0, 4, "", "");
	flow_feed(&f, 1, false, buf, n, 30, 0);
	assert_int_equal(f.nreqs, 3);
	expect(&f, 0, "GET", 1, false);
	expect(&f, 1, "SET", 5, true);
	expect(&f, 2, "STATS", 0, false);
	assert_int_equal(f.reqs[2].latency_ns, 20);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"binary\":true,\"requests\":4}");
	free(desc);
	flow_free(&f);
}

static void test_memcache_malformed(void **state)
{
	static const struct {
		const char *what;
		int dir;
		const char *data;
		size_t len;
	} bad[] = {
		{ "set without bytes", 0, S("set k 0 0\r\n") },
		{ "get without key", 0, S("get\r\n") },
		{ "flags not a number", 0, S("set k x 0 5\r\n") },
		{ "bare LF", 0, S("get k\n") },
		{ "upper case", 0, S("GET k\r\n") },
		{ "version with args", 0, S("version 2\r\n") },
		{ "incr without value", 0, S("incr k\r\n") },
		{ "reply word", 1, S("HELLO\r\n") },
		{ "binary datatype", 0,
		  S("\x80\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00") },
		{ "binary opcode", 0,
		  S("\x80\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00") },
		{ "binary key past body", 0,
		  S("\x80\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x01"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00") },
		{ "response magic from client", 0,
		  S("\x81\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00") },
	};
	char line[300];
	struct flow f;
	size_t i;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		flow_init(&f, &fm_l7_memcache);
		if (flow_feed(&f, bad[i].dir, false, bad[i].data, bad[i].len,
			      1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		flow_free(&f);
	}
	/* keys are at most 250 bytes */
	memcpy(line, "get ", 4);
	memset(line + 4, 'k', 251);
	memcpy(line + 255, "\r\n", 2);
	flow_init(&f, &fm_l7_memcache);
	assert_int_equal(flow_feed(&f, 0, false, line, 257, 1, 0),
			 FM_L7_NO_MATCH);
	flow_free(&f);
	/* a reply first waits for the request */
	flow_init(&f, &fm_l7_memcache);
	assert_int_equal(flow_feed(&f, 1, false, S("END\r\n"), 2, 0),
			 FM_L7_NEED_MORE);
	assert_int_equal(flow_feed(&f, 0, false, S("get a\r\n"), 1, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	assert_int_equal(fm_l7_memcache.gap(f.state, 0), FM_L7_MATCH);
	flow_free(&f);
}

static void test_memcache_foreign(void **state)
{
	static const char *const own[] = { "memcache", NULL };

	(void)state;
	check_foreign(&fm_l7_memcache, own);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redis_capture),
		cmocka_unit_test(test_redis_pipeline),
		cmocka_unit_test(test_redis_queue_bound),
		cmocka_unit_test(test_redis_inline_and_server_first),
		cmocka_unit_test(test_redis_malformed),
		cmocka_unit_test(test_redis_foreign),
		cmocka_unit_test(test_memcache_capture),
		cmocka_unit_test(test_memcache_text),
		cmocka_unit_test(test_memcache_binary),
		cmocka_unit_test(test_memcache_malformed),
		cmocka_unit_test(test_memcache_foreign),
	};

	return cmocka_run_group_tests_name("l7_kv", tests, NULL, NULL);
}
