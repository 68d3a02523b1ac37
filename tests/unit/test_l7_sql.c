// SPDX-License-Identifier: GPL-2.0
/* MySQL and PostgreSQL detection: handshakes, commands, replies. */
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

/* mysql.pcapng: a MariaDB session (one query) and a MySQL 8 one that
 * turns to TLS; pgsql.pcap: an extended-protocol session, an SSLRequest
 * refused then a startup, a GSSENCRequest accepted. */
static const struct chunk mariadb[] = {
	{ 1, 0ULL, 110, false,
	  "j\x00\x00\x00\x0a""5.5.5-10.6.12-MariaDB-0ubuntu0.22.04.1\x00 "
		"\x00\x00\x00GgP=!+TH\x00\xfe\xf7-\x02\x00\xff\x81\x15\x00\x00"
		"\x00\x00\x00\x00\x1d\x00\x00\x00Iv7Oe/YRmR1>\x00mysql_native_pas"
		"sword\x00" },
	{ 0, 35920000ULL, 218, false,
	  "\xd6\x00\x00\x01\x84\xa6\xff \x00\x00\x00\x01!\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x1d"
		"\x00\x00\x00""admin\x00\x14\xe3\x87!\xfb\xab\x83\x05\xd5GF[\x19"
		"\xe4\x0b\x1c\xe5\x8b\xdf\x1b\x8fmysql_native_password\x00\x84"
		"\x03_os\x05Linux\x0c_client_name\x0alibmariadb\x04_pid\x06""7378"
		"12\x0f_client_version\x05""3.3.4\x09_platform\x06x86_64\x0cprogr"
		"am_name\x05mysql\x0c_server_host\x0e""192.168.88.201" },
	{ 1, 119101000ULL, 11, false,
	  "\x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00" },
	{ 0, 1240009000ULL, 37, false,
	  "!\x00\x00\x00\x03select @@version_comment limit 1" },
	{ 1, 1371070000ULL, 85, false,
	  "\x02\x00\x00\x01\x01\x01(\x00\x00\x02\x03""def\x00\x00\x00\x11@@"
		"version_comment\x00\x00\x0c!\x00$\x00\x00\x00\xfd\x00\x00'\x00"
		"\x00\x05\x00\x00\x03\xfe\x00\x00\x02\x00\x0d\x00\x00\x04\x0cUbun"
		"tu 22.04\x05\x00\x00\x05\xfe\x00\x00\x02\x00" },
	{ 0, 2265592938000ULL, 5, false,
	  "\x01\x00\x00\x00\x01" },
};

static const struct chunk mysql_ssl[] = {
	{ 1, 0ULL, 78, false,
	  "J\x00\x00\x00\x0a""8.0.36\x00\x0c\x00\x00\x00""1tugx_#V\x00\xff"
		"\xff\xff\x02\x00\xff\xdf\x15\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00p\x22>4m\x0f""6|1\x22j|\x00""caching_sha2_password\x00" },
	{ 0, 27280000ULL, 36, false,
	  " \x00\x00\x01\x85\xae\xff\x19\x00\x00\x00\x01\xff\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00" },
	{ 0, 14145092000ULL, 322, false,
	  "\x16\x03\x01\x01=\x01\x00\x01""9\x03\x03\x5c\x11Z\x81HkH\xcaY"
		"\x1d+\x13\x5cxq\xcb@\x89]$\xae\xa5\xfa\xce\x87\x22\xe7\x95\xce"
		"\xec\x09\x0e \x17Q\xfe\xdb""1\xc8{\xfem\xc5\x9f\xf9\x94\xc6\x9c"
		"\x1d\xad\xddw\x0b\xa0\x18\xc8\xf9\x9d""9,\xd9\x1f{\x84m\x00H\x13"
		"\x02\x13\x03\x13\x01\xc0+\xc0,\xc0/\xc0#\xc0'\xc0""0\xc0$\xc0("
		"\x00\x9e\x00\xa2\x00g\x00@\x00\xa3\x00k\x00j\x00\x9f\xc0\x13\xc0"
		"\x09\xc0\x14\xc0\x0a\x00""2\x00""3\x00""8\x00""9\x00""5\x00\x84"
		"\x00""A\x00\x9c\x00\x9d\x00<\x00=\x00/\x00\xff\x01\x00\x00\xa8"
		"\x00\x0b\x00\x04\x03\x00\x01\x02\x00\x0a\x00\x08\x00\x06\x00\x17"
		"\x00\x18\x00\x19\x00#\x00\x00\x00\x16\x00\x00\x00\x17\x00\x00"
		"\x00\x0d\x00*\x00(\x04\x03\x05\x03\x06\x03\x08\x07\x08\x08\x08"
		"\x09\x08\x0a\x08\x0b\x08\x04\x08\x05\x08\x06\x04\x01\x05\x01\x06"
		"\x01\x03\x03\x03\x01\x03\x02\x04\x02\x05\x02\x06\x02\x00+\x00"
		"\x05\x04\x03\x04\x03\x03\x00-\x00\x02\x01\x01\x00""3\x00G\x00""E"
		"\x00\x17\x00""A\x04Y^\xda\x5c\x02v\x04""4ahW\x1aJ\xa0\xc5\xd2#"
		"\x1b""aH\xee\x87\xdc+\xa2\x09\xf7O:\xf1\x0c""f\xc8\xf6\xb0\x00R"
		"\xe2X\xd6\x98\xe7\xdb\x02\xbc?\xad\x7f\xc7\xee\xbb""6J\xf3\xc7"
		"\xc6\xb0Xnr\x1cG\x0cS" },
};

static const struct chunk pg_ext[] = {
	{ 0, 0ULL, 38, false,
	  "\x00\x00\x00&\x00\x03\x00\x00user\x00oryx\x00""database\x00mails"
		"tore\x00\x00" },
	{ 1, 297000ULL, 13, false,
	  "R\x00\x00\x00\x0c\x00\x00\x00\x05\xad""D\xffT" },
	{ 0, 502000ULL, 41, false,
	  "p\x00\x00\x00(md5ceffc01dcde7541829deef6b5e9c9142\x00" },
	{ 1, 75030000ULL, 161, false,
	  "R\x00\x00\x00\x08\x00\x00\x00\x00S\x00\x00\x00\x1c""client_encod"
		"ing\x00UNICODE\x00S\x00\x00\x00\x17""DateStyle\x00ISO, MDY\x00S"
		"\x00\x00\x00\x15is_superuser\x00off\x00S\x00\x00\x00\x19server_v"
		"ersion\x00""7.4.6\x00S\x00\x00\x00\x1fsession_authorization\x00o"
		"ryx\x00K\x00\x00\x00\x0c\x00\x00X\xe8#\xde\x9d\xb8Z\x00\x00\x00"
		"\x05I" },
	{ 0, 75642000ULL, 126, false,
	  "P\x00\x00\x00\x0d\x00""begin\x00\x00\x00""B\x00\x00\x00\x0e\x00"
		"\x00\x00\x00\x00\x00\x00\x01\x00\x01""E\x00\x00\x00\x09\x00\x00"
		"\x00\x00\x00P\x00\x00\x00""1\x00select revision from mailstore f"
		"or update\x00\x00\x00""B\x00\x00\x00\x0e\x00\x00\x00\x00\x00\x00"
		"\x00\x01\x00\x01""D\x00\x00\x00\x06P\x00""E\x00\x00\x00\x09\x00"
		"\x00\x00\x00\x00S\x00\x00\x00\x04" },
	{ 1, 77950000ULL, 98, false,
	  "1\x00\x00\x00\x04""2\x00\x00\x00\x04""C\x00\x00\x00\x0a""BEGIN"
		"\x00""1\x00\x00\x00\x04""2\x00\x00\x00\x04T\x00\x00\x00!\x00\x01"
		"revision\x00\x00\x00""C?\x00\x01\x00\x00\x00\x17\x00\x04\xff\xff"
		"\xff\xff\x00\x01""D\x00\x00\x00\x0e\x00\x01\x00\x00\x00\x04\x00"
		"\x00\x00\x03""C\x00\x00\x00\x0bSELECT\x00Z\x00\x00\x00\x05T" },
	{ 0, 78422000ULL, 52, false,
	  "P\x00\x00\x00\x0e\x00""commit\x00\x00\x00""B\x00\x00\x00\x0e\x00"
		"\x00\x00\x00\x00\x00\x00\x01\x00\x01""D\x00\x00\x00\x06P\x00""E"
		"\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04" },
	{ 1, 79547000ULL, 33, false,
	  "1\x00\x00\x00\x04""2\x00\x00\x00\x04n\x00\x00\x00\x04""C\x00\x00"
		"\x00\x0b""COMMIT\x00Z\x00\x00\x00\x05I" },
	{ 0, 8946480000ULL, 261, false,
	  "P\x00\x00\x00\xd5""4\x00select u.id, u.address, u.inbox, n.name "
		"as parentspace, u.login, u.id, u.secret, a.name, a.localpart, a."
		"domain from users u, addresses a, namespaces n where u.login=$1 "
		"and u.id=a.id and n.id=u.parentspace\x00\x00\x00""B\x00\x00\x00"
		"\x18\x00""4\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x03""ams\x00"
		"\x01\x00\x01""D\x00\x00\x00\x06P\x00""E\x00\x00\x00\x09\x00\x00"
		"\x00\x00\x00S\x00\x00\x00\x04" },
	{ 1, 9096240000ULL, 282, false,
	  "1\x00\x00\x00\x04""2\x00\x00\x00\x04T\x00\x00\x00\xfd\x00\x0aid"
		"\x00\x00\x00""CF\x00\x01\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff"
		"\x00\x01""address\x00\x00\x00""CF\x00\x04\x00\x00\x00\x17\x00"
		"\x04\xff\xff\xff\xff\x00\x01inbox\x00\x00\x00""CF\x00\x05\x00"
		"\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x01parentspace\x00\x00"
		"\x00""CR\x00\x02\x00\x00\x04\x13\xff\xff\x00\x00\x00\x84\x00\x01"
		"login\x00\x00\x00""CF\x00\x02\x00\x00\x00\x19\xff\xff\xff\xff"
		"\xff\xff\x00\x01id\x00\x00\x00""CF\x00\x01\x00\x00\x00\x17\x00"
		"\x04\xff\xff\xff\xff\x00\x01secret\x00\x00\x00""CF\x00\x03\x00"
		"\x00\x00\x19\xff\xff\xff\xff\xff\xff\x00\x01name\x00\x00\x00""C"
		"\xd2\x00\x02\x00\x00\x04\x13\xff\xff\x00\x00\x00\x84\x00\x01loca"
		"lpart\x00\x00\x00""C\xd2\x00\x03\x00\x00\x04\x13\xff\xff\x00\x00"
		"\x00\x84\x00\x01""domain\x00\x00\x00""C\xd2\x00\x04\x00\x00\x04"
		"\x13\xff\xff\x00\x00\x00\x84\x00\x01""C\x00\x00\x00\x0bSELECT"
		"\x00Z\x00\x00\x00\x05I" },
	{ 0, 15396968000ULL, 48, false,
	  "B\x00\x00\x00\x19\x00""4\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00"
		"\x04""arnt\x00\x01\x00\x01""D\x00\x00\x00\x06P\x00""E\x00\x00"
		"\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04" },
	{ 1, 15397551000ULL, 277, false,
	  "2\x00\x00\x00\x04T\x00\x00\x00\xfd\x00\x0aid\x00\x00\x00""CF\x00"
		"\x01\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x01""address"
		"\x00\x00\x00""CF\x00\x04\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff"
		"\x00\x01inbox\x00\x00\x00""CF\x00\x05\x00\x00\x00\x17\x00\x04"
		"\xff\xff\xff\xff\x00\x01parentspace\x00\x00\x00""CR\x00\x02\x00"
		"\x00\x04\x13\xff\xff\x00\x00\x00\x84\x00\x01login\x00\x00\x00""C"
		"F\x00\x02\x00\x00\x00\x19\xff\xff\xff\xff\xff\xff\x00\x01id\x00"
		"\x00\x00""CF\x00\x01\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00"
		"\x01secret\x00\x00\x00""CF\x00\x03\x00\x00\x00\x19\xff\xff\xff"
		"\xff\xff\xff\x00\x01name\x00\x00\x00""C\xd2\x00\x02\x00\x00\x04"
		"\x13\xff\xff\x00\x00\x00\x84\x00\x01localpart\x00\x00\x00""C\xd2"
		"\x00\x03\x00\x00\x04\x13\xff\xff\x00\x00\x00\x84\x00\x01""domain"
		"\x00\x00\x00""C\xd2\x00\x04\x00\x00\x04\x13\xff\xff\x00\x00\x00"
		"\x84\x00\x01""C\x00\x00\x00\x0bSELECT\x00Z\x00\x00\x00\x05I" },
};

static const struct chunk pg_ssl[] = {
	{ 0, 0ULL, 8, false,
	  "\x00\x00\x00\x08\x04\xd2\x16/" },
	{ 1, 952000ULL, 1, false,
	  "N" },
	{ 0, 1005000ULL, 80, false,
	  "\x00\x00\x00P\x00\x03\x00\x00user\x00test\x00""database\x00postg"
		"res\x00""application_name\x00psql\x00""client_encoding\x00UTF8"
		"\x00\x00" },
	{ 1, 3053000ULL, 24, false,
	  "R\x00\x00\x00\x17\x00\x00\x00\x0aSCRAM-SHA-256\x00\x00" },
};

static const struct chunk pg_gss[] = {
	{ 0, 0ULL, 8, false,
	  "\x00\x00\x00\x08\x04\xd2\x16""0" },
	{ 1, 500000ULL, 1, false,
	  "G" },
};

/* MariaDB: greeting, login, "select @@version_comment limit 1", quit. */
static void test_mysql_capture(void **state)
{
	struct flow f;
	char *desc;

	(void)state;
	flow_init(&f, &fm_l7_mysql);
	assert_int_equal(flow_run(&f, mariadb, 1, 99, 0, 0), FM_L7_MATCH);
	flow_run(&f, mariadb + 1, NCHUNKS(mariadb) - 1, 99, 0, 0);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	assert_string_equal(f.reqs[0].method, "QUERY");
	assert_string_equal(f.reqs[0].route, "SELECT");
	assert_int_equal(f.reqs[0].status, 0);
	assert_false(f.reqs[0].failed);
	assert_int_equal(f.reqs[0].latency_ns,
			 mariadb[4].ts - mariadb[3].ts);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"requests\":1,\"server_version\":"
			    "\"5.5.5-10.6.12-MariaDB-0ubuntu0.22.04.1\","
			    "\"ssl\":false}");
	free(desc);
	flow_free(&f);
	check_splits(&fm_l7_mysql, mariadb, NCHUNKS(mariadb));
}

/* MySQL 8: greeting, SSLRequest, then TLS which is not followed. */
static void test_mysql_ssl(void **state)
{
	struct flow f;
	char *desc;

	(void)state;
	flow_init(&f, &fm_l7_mysql);
	assert_int_equal(flow_run(&f, mysql_ssl, NCHUNKS(mysql_ssl), 99, 0,
				  0), FM_L7_MATCH);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"requests\":0,\"server_version\":"
			    "\"8.0.36\",\"ssl\":true}");
	free(desc);
	flow_free(&f);
}

/* The client's HandshakeResponse first waits for the greeting. */
static void test_mysql_client_first(void **state)
{
	static uint8_t filler[1024];
	struct flow f;
	int i;

	(void)state;
	flow_init(&f, &fm_l7_mysql);
	assert_int_equal(flow_feed(&f, 0, false, mariadb[1].data,
				   mariadb[1].len, 1, 0), FM_L7_NEED_MORE);
	assert_int_equal(flow_feed(&f, 1, false, mariadb[0].data,
				   mariadb[0].len, 2, 0), FM_L7_MATCH);
	flow_run(&f, mariadb + 2, NCHUNKS(mariadb) - 2, 99, 0, 0);
	assert_int_equal(f.nreqs, 1);
	flow_free(&f);
	/* without a greeting: refused within the buffer's size */
	flow_init(&f, &fm_l7_mysql);
	flow_feed(&f, 0, false, mariadb[1].data, mariadb[1].len, 1, 0);
	for (i = 0; i < 5 && f.verdict == FM_L7_NEED_MORE; i++)
		flow_feed(&f, 0, false, filler, sizeof(filler), 2, 0);
	assert_int_equal(f.verdict, FM_L7_NO_MATCH);
	flow_free(&f);
}

static size_t my_packet(uint8_t *out, uint8_t seq, const void *payload,
			size_t len)
{
	out[0] = (uint8_t)len;
	out[1] = (uint8_t)(len >> 8);
	out[2] = 0;
	out[3] = seq;
	memcpy(out + 4, payload, len);
	return len + 4;
}

/* Commands after login: errors, ping, prepared statements. */
static void test_mysql_commands(void **state)
{
	static const struct {
		int dir;
		uint8_t seq;
		const char *payload;
		size_t len;
	} steps[] = {
#define STEP(d, q, s) { d, q, s, sizeof(s) - 1 }
		STEP(0, 0, "\x03  /* hint */ insert into t values (1)"),
		STEP(1, 1, "\xff\x26\x04#42S02Table 't' doesn't exist"),
		STEP(0, 0, "\x0e"),
		STEP(1, 1, "\x00\x00\x00\x02\x00\x00\x00"),
		STEP(0, 0, "\x16update t set a = ?"),
		STEP(1, 1, "\x00\x07\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00"),
		STEP(0, 0, "\x17\x07\x00\x00\x00\x00\x01\x00\x00\x00"),
		STEP(1, 1, "\x00\x01\x00\x02\x00\x00\x00"),
		STEP(0, 0, "\x19\x07\x00\x00\x00"),
		STEP(0, 0, "\x03"),
		STEP(1, 1, "\x01"),
		STEP(1, 2, "\x03" "def"),
		STEP(0, 0, "\x01"),
#undef STEP
	};
	static const char *const want[][3] = {
		{ "QUERY", "INSERT", "1062" }, { "PING", "PING", "0" },
		{ "PREPARE", "UPDATE", "0" }, { "EXECUTE", "UPDATE", "0" },
		{ "QUERY", "OTHER", "0" },
	};
	uint8_t pkt[128];
	struct flow f;
	size_t i, n;

	(void)state;
	flow_init(&f, &fm_l7_mysql);
	flow_run(&f, mariadb, 3, 99, 0, 0);
	for (i = 0; i < NCHUNKS(steps); i++) {
		n = my_packet(pkt, steps[i].seq, steps[i].payload,
			      steps[i].len);
		assert_int_equal(flow_feed(&f, steps[i].dir, false, pkt, n,
					   100 * i, 0), FM_L7_MATCH);
	}
	assert_int_equal(f.nreqs, NCHUNKS(want));
	for (i = 0; i < NCHUNKS(want); i++) {
		assert_string_equal(f.reqs[i].method, want[i][0]);
		assert_string_equal(f.reqs[i].route, want[i][1]);
		assert_int_equal(f.reqs[i].status, atoi(want[i][2]));
		assert_int_equal(f.reqs[i].failed, i == 0);
		assert_int_equal(f.reqs[i].latency_ns, 100);
	}
	flow_free(&f);
}

static void test_mysql_malformed(void **state)
{
	static const struct {
		const char *what;
		int dir;
		const char *data;
		size_t len;
	} bad[] = {
#define BAD(w, d, s) { w, d, s, sizeof(s) - 1 }
		BAD("protocol 9", 1, "\x1a\x00\x00\x00\x09" "5.7.1\x00"
		    "12345678901234567890"),
		BAD("greeting seq 1", 1, "\x1a\x00\x00\x01\x0a" "5.7.1\x00"
		    "12345678901234567890"),
		BAD("no version end", 1, "\x08\x00\x00\x00\x0a" "5.7.1abc"),
		BAD("filler not zero", 1, "\x19\x00\x00\x00\x0a" "5.7.1\x00"
		    "1234" "12345678" "\x07" "12345"),
		BAD("client seq 0", 0, "\x40\x00\x00\x00\x85\xa6\xff\x01"),
		BAD("client no protocol 41", 0, "\x40\x00\x00\x01\x85\x00\x00"),
		BAD("empty packet", 1, "\x00\x00\x00\x00"),
#undef BAD
	};
	struct flow f;
	size_t i;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		flow_init(&f, &fm_l7_mysql);
		if (flow_feed(&f, bad[i].dir, false, bad[i].data, bad[i].len,
			      1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		flow_free(&f);
	}
	/* access denied: the flow stays MySQL, nothing more is followed */
	flow_init(&f, &fm_l7_mysql);
	flow_run(&f, mariadb, 2, 99, 0, 0);
	assert_int_equal(flow_feed(&f, 1, false,
				   "\x09\x00\x00\x02\xff\x15\x04#28000", 13,
				   1, 0), FM_L7_MATCH);
	assert_int_equal(flow_feed(&f, 0, false, mariadb[3].data,
				   mariadb[3].len, 2, 0), FM_L7_MATCH);
	assert_int_equal(f.nreqs, 0);
	assert_int_equal(fm_l7_mysql.gap(f.state, 0), FM_L7_MATCH);
	flow_free(&f);
}

static void test_mysql_foreign(void **state)
{
	static const char *const own[] = { "mysql greeting", NULL };

	(void)state;
	check_foreign(&fm_l7_mysql, own);
}

/* Startup, md5 login, three extended-protocol batches. */
static void test_pg_capture(void **state)
{
	static const char *const want[] = { "BEGIN", "COMMIT", "SELECT",
					    "SELECT" };
	struct flow f;
	char *desc;
	size_t i;

	(void)state;
	flow_init(&f, &fm_l7_postgresql);
	assert_int_equal(flow_run(&f, pg_ext, 1, 99, 0, 0), FM_L7_MATCH);
	flow_run(&f, pg_ext + 1, NCHUNKS(pg_ext) - 1, 99, 0, 0);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	assert_int_equal(f.nreqs, NCHUNKS(want));
	for (i = 0; i < NCHUNKS(want); i++) {
		assert_string_equal(f.reqs[i].method, "EXECUTE");
		assert_string_equal(f.reqs[i].route, want[i]);
		assert_int_equal(f.reqs[i].status, -1);
		assert_false(f.reqs[i].failed);
	}
	assert_int_equal(f.reqs[0].latency_ns, pg_ext[5].ts - pg_ext[4].ts);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"database\":\"mailstore\","
			    "\"requests\":4,\"server_version\":\"7.4.6\","
			    "\"sqlstate_classes\":{},\"ssl\":false,"
			    "\"user\":\"oryx\"}");
	free(desc);
	flow_free(&f);
	check_splits(&fm_l7_postgresql, pg_ext, NCHUNKS(pg_ext));
}

static void test_pg_ssl_refused(void **state)
{
	struct flow f;
	char *desc;

	(void)state;
	flow_init(&f, &fm_l7_postgresql);
	assert_int_equal(flow_run(&f, pg_ssl, NCHUNKS(pg_ssl), 99, 0, 0),
			 FM_L7_MATCH);
	desc = flow_describe(&f);
	assert_string_equal(desc, "{\"database\":\"postgres\","
			    "\"requests\":0,\"sqlstate_classes\":{},"
			    "\"ssl\":false,\"user\":\"test\"}");
	free(desc);
	flow_free(&f);
	check_splits(&fm_l7_postgresql, pg_ssl, NCHUNKS(pg_ssl));
	/* GSSENCRequest accepted: encrypted from then on */
	flow_init(&f, &fm_l7_postgresql);
	assert_int_equal(flow_run(&f, pg_gss, NCHUNKS(pg_gss), 99, 0, 0),
			 FM_L7_MATCH);
	assert_int_equal(flow_feed(&f, 0, false, "\x16\x03\x01", 3, 9, 0),
			 FM_L7_MATCH);
	flow_free(&f);
}

/* SSL accepted; the server's answer seen before the request. */
static void test_pg_ssl_accepted(void **state)
{
	struct flow f;
	char *desc;

	(void)state;
	flow_init(&f, &fm_l7_postgresql);
	assert_int_equal(flow_feed(&f, 1, false, "S", 1, 2, 0),
			 FM_L7_NEED_MORE);
	assert_int_equal(flow_feed(&f, 0, false, pg_ssl[0].data,
				   pg_ssl[0].len, 1, 0), FM_L7_MATCH);
	desc = flow_describe(&f);
	assert_non_null(strstr(desc, "\"ssl\":true"));
	free(desc);
	flow_free(&f);
}

static void test_pg_simple_query(void **state)
{
	static const char q1[] = "Q\x00\x00\x00\x17select * from nope\x00";
	static const char r1[] =
		"E\x00\x00\x00\x19" "SERROR\x00" "C42P01\x00" "Mno t\x00\x00"
		"Z\x00\x00\x00\x05I";
	static const char q2[] = "Q\x00\x00\x00\x0f" "-- x\nBEGIN\x00";
	static const char r2[] = "C\x00\x00\x00\x0a" "BEGIN\x00"
				 "Z\x00\x00\x00\x05T";
	struct flow f;
	char *desc;

	(void)state;
	flow_init(&f, &fm_l7_postgresql);
	flow_run(&f, pg_ssl + 2, 1, 99, 0, 0);
	/* pipelined: both queries before the replies */
	flow_feed(&f, 0, false, q1, sizeof(q1) - 1, 100, 0);
	flow_feed(&f, 0, false, q2, sizeof(q2) - 1, 150, 0);
	flow_feed(&f, 1, false, r1, sizeof(r1) - 1, 300, 0);
	flow_feed(&f, 1, false, r2, sizeof(r2) - 1, 400, 0);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	assert_int_equal(f.nreqs, 2);
	assert_string_equal(f.reqs[0].method, "QUERY");
	assert_string_equal(f.reqs[0].route, "SELECT");
	assert_true(f.reqs[0].failed);
	assert_int_equal(f.reqs[0].status, -1);
	assert_int_equal(f.reqs[0].latency_ns, 200);
	assert_string_equal(f.reqs[1].route, "BEGIN");
	assert_false(f.reqs[1].failed);
	assert_int_equal(f.reqs[1].latency_ns, 250);
	desc = flow_describe(&f);
	assert_non_null(strstr(desc, "\"sqlstate_classes\":{\"42\":1}"));
	free(desc);
	flow_free(&f);
}

static void test_pg_malformed(void **state)
{
	static const struct {
		const char *what;
		int dir;
		const char *data;
		size_t len;
	} bad[] = {
#define BAD(w, d, s) { w, d, s, sizeof(s) - 1 }
		BAD("protocol 2", 0, "\x00\x00\x00\x10\x00\x02\x00\x00user\x00x\x00\x00"),
		BAD("ssl request length", 0, "\x00\x00\x00\x09\x04\xd2\x16\x2f\x00"),
		BAD("unterminated parameters", 0,
		    "\x00\x00\x00\x0f\x00\x03\x00\x00user\x00x\x00"),
		BAD("trailing bytes", 0,
		    "\x00\x00\x00\x11\x00\x03\x00\x00user\x00x\x00\x00\x00"),
		BAD("server first", 1, "X\x00\x00\x00\x04"),
#undef BAD
	};
	struct flow f;
	size_t i;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		flow_init(&f, &fm_l7_postgresql);
		if (flow_feed(&f, bad[i].dir, false, bad[i].data, bad[i].len,
			      1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		flow_free(&f);
	}
	/* an unknown message type after the match stops the following */
	flow_init(&f, &fm_l7_postgresql);
	flow_run(&f, pg_ssl + 2, 1, 99, 0, 0);
	assert_int_equal(flow_feed(&f, 0, false, "!\x00\x00\x00\x04", 5, 1,
				   0), FM_L7_MATCH);
	assert_int_equal(flow_feed(&f, 0, false, "Q\x00\x00\x00\x05\x00", 6,
				   1, 0), FM_L7_MATCH);
	flow_feed(&f, 1, false, "Z\x00\x00\x00\x05I", 6, 2, 0);
	assert_int_equal(f.nreqs, 0);
	assert_int_equal(fm_l7_postgresql.gap(f.state, 1), FM_L7_MATCH);
	flow_free(&f);
}

static void test_pg_foreign(void **state)
{
	static const char *const own[] = { "pg startup", NULL };

	(void)state;
	check_foreign(&fm_l7_postgresql, own);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mysql_capture),
		cmocka_unit_test(test_mysql_ssl),
		cmocka_unit_test(test_mysql_client_first),
		cmocka_unit_test(test_mysql_commands),
		cmocka_unit_test(test_mysql_malformed),
		cmocka_unit_test(test_mysql_foreign),
		cmocka_unit_test(test_pg_capture),
		cmocka_unit_test(test_pg_ssl_refused),
		cmocka_unit_test(test_pg_ssl_accepted),
		cmocka_unit_test(test_pg_simple_query),
		cmocka_unit_test(test_pg_malformed),
		cmocka_unit_test(test_pg_foreign),
	};

	return cmocka_run_group_tests_name("l7_sql", tests, NULL, NULL);
}
