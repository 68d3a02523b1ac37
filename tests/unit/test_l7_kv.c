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
#include "l7_harness.h"

/* resp.pcap: PING, SET, GET; memcached.cap: stats. */
static const struct l7_chunk resp_cap[] = {
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

static const struct l7_chunk mc_cap[] = {
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

static void expect(const struct l7_flow *f, size_t i, const char *method,
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
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_redis);
	assert_int_equal(l7_flow_run(&f, resp_cap, NCHUNKS(resp_cap), 99, 0, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 3);
	expect(&f, 0, "PING", -1, false);
	expect(&f, 1, "SET", -1, false);
	expect(&f, 2, "GET", -1, false);
	assert_int_equal(f.reqs[2].latency_ns, resp_cap[5].ts - resp_cap[4].ts);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"errors\":0,\"requests\":3}");
	free(desc);
	l7_flow_free(&f);
	l7_check_splits(&fm_l7_redis, resp_cap, NCHUNKS(resp_cap));
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
	struct l7_flow f;
	char *desc;
	int n;

	(void)state;
	n = snprintf(big, sizeof(big), "*2\r\n*3\r\n$%d\r\n", 15000);
	memset(big + n, 'x', 15000);
	l7_flow_init(&f, &fm_l7_redis);
	l7_flow_feed(&f, 0, false, S(reqs), 100, 0);
	l7_flow_feed(&f, 1, false, big, (size_t)n + 15000, 200, 1000);
	l7_flow_feed(&f, 1, false, S("\r\n:1\r\n$-1\r\n$-1"), 200, 0);
	assert_int_equal(f.nreqs, 0);
	l7_flow_feed(&f, 1, false, S(after_big), 300, 7);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	assert_int_equal(f.nreqs, 6);
	expect(&f, 0, "COMMAND", -1, false);
	assert_int_equal(f.reqs[0].latency_ns, 100);
	expect(&f, 1, "GET", -1, true);
	expect(&f, 2, "CLIENT", -1, false);
	expect(&f, 3, "HELLO", -1, false);
	expect(&f, 4, "INCR", -1, false);
	expect(&f, 5, "SCAN", -1, false);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"errors\":1,\"requests\":6}");
	free(desc);
	l7_flow_free(&f);
}

/* More commands in flight than the queue holds: counted, kept in step. */
static void test_redis_queue_bound(void **state)
{
	struct l7_flow f;
	int i;

	(void)state;
	l7_flow_init(&f, &fm_l7_redis);
	for (i = 0; i < FM_L7_PENDING_MAX + 5; i++)
		l7_flow_feed(&f, 0, false, S("*1\r\n$4\r\nPING\r\n"), 1, 0);
	for (i = 0; i < FM_L7_PENDING_MAX + 5; i++)
		l7_flow_feed(&f, 1, false, S("+PONG\r\n"), 2, 0);
	l7_flow_feed(&f, 0, false, S("*1\r\n$4\r\nQUIT\r\n"), 3, 0);
	l7_flow_feed(&f, 1, false, S("-ERR bye\r\n"), 4, 0);
	assert_int_equal(f.nreqs, FM_L7_PENDING_MAX + 1);
	expect(&f, FM_L7_PENDING_MAX, "QUIT", -1, true);
	l7_flow_free(&f);
}

static void test_redis_inline_and_server_first(void **state)
{
	struct l7_flow f;

	(void)state;
	l7_flow_init(&f, &fm_l7_redis);
	assert_int_equal(l7_flow_feed(&f, 0, false, S("ping\r\n"), 1, 0),
			 FM_L7_MATCH);
	l7_flow_feed(&f, 0, false, S("get k\r\n"), 2, 0);
	l7_flow_feed(&f, 1, false, S("+PONG\r\n$-1\r\n"), 3, 0);
	assert_int_equal(f.nreqs, 2);
	expect(&f, 1, "GET", -1, false);
	l7_flow_free(&f);
	/* a reply seen before its command waits for it */
	l7_flow_init(&f, &fm_l7_redis);
	assert_int_equal(l7_flow_feed(&f, 1, false, S("+OK\r\n"), 5, 0),
			 FM_L7_NEED_MORE);
	assert_int_equal(l7_flow_feed(&f, 0, false,
				      S("*1\r\n$8\r\nFLUSHALL\r\n"), 4, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	assert_int_equal(f.reqs[0].latency_ns, 1);
	l7_flow_free(&f);
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
	struct l7_flow f;
	size_t i;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		l7_flow_init(&f, &fm_l7_redis);
		if (l7_flow_feed(&f, bad[i].dir, false, bad[i].data, bad[i].len,
				 1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		l7_flow_free(&f);
	}
	l7_flow_init(&f, &fm_l7_redis);
	l7_flow_feed(&f, 0, false, S("*1\r\n$4\r\nPING\r\n"), 1, 0);
	assert_int_equal(fm_l7_redis.gap(f.state, 0), FM_L7_MATCH);
	assert_int_equal(l7_flow_feed(&f, 1, false, S("+PONG\r\n"), 1, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 0);
	l7_flow_free(&f);
}

static void test_redis_foreign(void **state)
{
	static const char *const own[] = { "redis", NULL };

	(void)state;
	l7_check_foreign(&fm_l7_redis, own);
}

static void test_memcache_capture(void **state)
{
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_memcache);
	assert_int_equal(l7_flow_run(&f, mc_cap, NCHUNKS(mc_cap), 99, 0, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	expect(&f, 0, "STATS", -1, false);
	assert_int_equal(f.reqs[0].latency_ns, mc_cap[1].ts - mc_cap[0].ts);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"binary\":false,\"requests\":1}");
	free(desc);
	l7_flow_free(&f);
	l7_check_splits(&fm_l7_memcache, mc_cap, NCHUNKS(mc_cap));
}

static const struct l7_chunk mc_text[] = {
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
	struct l7_chunk c[2];
	struct l7_flow f;
	char *desc;
	size_t i;

	(void)state;
	memcpy(c, mc_text, sizeof(c));
	c[0].len = strlen(c[0].data);
	c[1].len = strlen(c[1].data);
	l7_flow_init(&f, &fm_l7_memcache);
	l7_flow_run(&f, c, 1, 99, 0, 0);
	/* "bogus" is no command: the stream is no longer followed */
	assert_int_equal(f.verdict, FM_L7_MATCH);
	c[0].len = (size_t)(strstr(c[0].data, "bogus") - c[0].data);
	l7_flow_free(&f);
	l7_flow_init(&f, &fm_l7_memcache);
	l7_flow_run(&f, c, 1, 99, 0, 0);
	l7_flow_feed(&f, 0, false, S("touch k 10\r\nversion\r\n"),
		     1000000001, 0);
	l7_flow_feed(&f, 1, false, c[1].data, c[1].len, 1000000041, 0);
	assert_int_equal(f.nreqs, NCHUNKS(want));
	for (i = 0; i < NCHUNKS(want); i++)
		expect(&f, i, want[i], -1, i == 3);
	assert_int_equal(f.reqs[0].latency_ns, 41);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"binary\":false,\"requests\":8}");
	free(desc);
	l7_flow_free(&f);
	c[0].len = strlen(c[0].data) - strlen(strstr(c[0].data, "bogus"));
	l7_check_splits(&fm_l7_memcache, c, 1);
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
	struct l7_flow f;
	char *desc;
	size_t n = 0;

	(void)state;
	n += mc_bin(buf + n, 0x80, 0x00, 0, 1, "k", "");	/* GET */
	n += mc_bin(buf + n, 0x80, 0x09, 0, 2, "q", "");	/* GETQ */
	n += mc_bin(buf + n, 0x80, 0x01, 0, 3, "k", "v");	/* SET */
	n += mc_bin(buf + n, 0x80, 0x10, 0, 4, "", "");	/* STAT */
	l7_flow_init(&f, &fm_l7_memcache);
	assert_int_equal(l7_flow_feed(&f, 0, false, buf, n, 10, 0), FM_L7_MATCH);
	n = mc_bin(buf, 0x81, 0x00, 1, 1, "", "Not found");
	n += mc_bin(buf + n, 0x81, 0x01, 5, 3, "", "");
	n += mc_bin(buf + n, 0x81, 0x10, 0, 4, "pid", "1");
	n += mc_bin(buf + n, 0x81, 0x10, 0, 4, "", "");
	l7_flow_feed(&f, 1, false, buf, n, 30, 0);
	assert_int_equal(f.nreqs, 3);
	expect(&f, 0, "GET", 1, false);
	expect(&f, 1, "SET", 5, true);
	expect(&f, 2, "STATS", 0, false);
	assert_int_equal(f.reqs[2].latency_ns, 20);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"binary\":true,\"requests\":4}");
	free(desc);
	l7_flow_free(&f);
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
	struct l7_flow f;
	size_t i;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		l7_flow_init(&f, &fm_l7_memcache);
		if (l7_flow_feed(&f, bad[i].dir, false, bad[i].data, bad[i].len,
				 1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		l7_flow_free(&f);
	}
	/* keys are at most 250 bytes */
	memcpy(line, "get ", 4);
	memset(line + 4, 'k', 251);
	memcpy(line + 255, "\r\n", 2);
	l7_flow_init(&f, &fm_l7_memcache);
	assert_int_equal(l7_flow_feed(&f, 0, false, line, 257, 1, 0),
			 FM_L7_NO_MATCH);
	l7_flow_free(&f);
	/* a reply first waits for the request */
	l7_flow_init(&f, &fm_l7_memcache);
	assert_int_equal(l7_flow_feed(&f, 1, false, S("END\r\n"), 2, 0),
			 FM_L7_NEED_MORE);
	assert_int_equal(l7_flow_feed(&f, 0, false, S("get a\r\n"), 1, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	assert_int_equal(fm_l7_memcache.gap(f.state, 0), FM_L7_MATCH);
	l7_flow_free(&f);
}

/*
 * Bytes are parsed where they were delivered: a header cut after its magic
 * byte must not be read past its end (ASan sees the exact allocation).
 */
static void test_memcache_binary_cut(void **state)
{
	uint8_t *magic = malloc(1);
	struct l7_flow f;

	(void)state;
	assert_non_null(magic);
	magic[0] = 0x80;
	l7_flow_init(&f, &fm_l7_memcache);
	assert_int_equal(l7_flow_feed(&f, 0, false, magic, 1, 1, 0),
			 FM_L7_NEED_MORE);
	l7_flow_free(&f);
	free(magic);
}

static void test_memcache_foreign(void **state)
{
	static const char *const own[] = { "memcache", NULL };

	(void)state;
	l7_check_foreign(&fm_l7_memcache, own);
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
		cmocka_unit_test(test_memcache_binary_cut),
		cmocka_unit_test(test_memcache_foreign),
	};

	return cmocka_run_group_tests_name("l7_kv", tests, NULL, NULL);
}
