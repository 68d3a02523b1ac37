// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "l7_harness.h"

static void collect(void *ctx, const struct fm_l7_request *req)
{
	struct l7_flow *f = ctx;

	assert_non_null(memchr(req->method, 0, sizeof(req->method)));
	assert_non_null(memchr(req->route, 0, sizeof(req->route)));
	assert_true(f->nreqs < L7_MAX_REQS);
	f->reqs[f->nreqs++] = *req;
}

void l7_flow_init(struct l7_flow *f, const struct fm_l7_detector *d)
{
	memset(f, 0, sizeof(*f));
	f->d = d;
	f->state = calloc(1, d->state_size);
	assert_non_null(f->state);
	f->verdict = FM_L7_NEED_MORE;
}

void l7_flow_free(struct l7_flow *f)
{
	if (f->d->release)
		f->d->release(f->state);
	free(f->state);
}

enum fm_l7_verdict l7_flow_feed(struct l7_flow *f, int dir, bool datagram,
				const void *data, size_t len, uint64_t ts,
				size_t piece)
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

enum fm_l7_verdict l7_flow_run(struct l7_flow *f, const struct l7_chunk *c,
			       size_t n, size_t split_chunk, size_t split_at,
			       size_t piece)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t ts = 1000000000ULL + c[i].ts;

		if (i == split_chunk && split_at && split_at < c[i].len) {
			l7_flow_feed(f, c[i].dir, c[i].datagram, c[i].data,
				     split_at, ts, 0);
			l7_flow_feed(f, c[i].dir, c[i].datagram,
				     c[i].data + split_at, c[i].len - split_at,
				     ts, 0);
		} else {
			l7_flow_feed(f, c[i].dir, c[i].datagram, c[i].data,
				     c[i].len, ts, piece);
		}
	}
	return f->verdict;
}

char *l7_flow_describe(struct l7_flow *f)
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

void l7_assert_same_requests(const struct l7_flow *a,
			     const struct l7_flow *b)
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

void l7_check_splits(const struct fm_l7_detector *d,
		     const struct l7_chunk *c, size_t n)
{
	struct l7_flow whole, cut;
	char *want, *got;
	size_t i, at;

	l7_flow_init(&whole, d);
	l7_flow_run(&whole, c, n, n, 0, 0);
	want = l7_flow_describe(&whole);
	for (i = 0; i <= n; i++) {
		for (at = 1; i == n ? at <= 1 : at < c[i].len; at++) {
			l7_flow_init(&cut, d);
			if (i == n)
				l7_flow_run(&cut, c, n, n, 0, 1);
			else
				l7_flow_run(&cut, c, n, i, at, 0);
			assert_int_equal(cut.verdict, whole.verdict);
			l7_assert_same_requests(&whole, &cut);
			got = l7_flow_describe(&cut);
			assert_string_equal(got, want);
			free(got);
			l7_flow_free(&cut);
		}
	}
	free(want);
	l7_flow_free(&whole);
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

void l7_check_foreign(const struct fm_l7_detector *d,
		      const char *const *own)
{
	static uint8_t filler[512];
	size_t i, j, fed;

	memset(filler, 'a', sizeof(filler));
	for (i = 0; i < NCHUNKS(foreign); i++) {
		struct l7_flow f;
		bool skip = false;

		for (j = 0; own && own[j]; j++)
			skip |= !strcmp(own[j], foreign[i].name);
		if (skip)
			continue;
		l7_flow_init(&f, d);
		l7_flow_feed(&f, foreign[i].dir, false, foreign[i].data,
			     foreign[i].len, 1000, 0);
		for (fed = foreign[i].len;
		     f.verdict == FM_L7_NEED_MORE && fed <= FM_L7_REASM_MAX;
		     fed += sizeof(filler))
			l7_flow_feed(&f, foreign[i].dir, false, filler,
				     sizeof(filler), 2000, 0);
		if (f.verdict != FM_L7_NO_MATCH)
			fail_msg("%s claimed \"%s\"", d->name,
				 foreign[i].name);
		l7_flow_free(&f);
	}
}
