// SPDX-License-Identifier: GPL-2.0
/*
 * TLS: the record layer up to the ClientHello and ServerHello, which are
 * the last plaintext worth reading (SNI, ALPN, versions); everything after
 * them is encrypted.  Handshake messages may span records and records may
 * be split anywhere: each direction's first handshake message is read where
 * it was delivered when it came whole, else gathered into a bounded buffer,
 * allocated then, and parsed as far as it goes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l7/l7.h"

#define TLS_HS_MAX		FM_L7_REASM_MAX	/* ClientHello bytes kept */
#define TLS_RECORD_MAX		(16384 + 2048)	/* RFC 8446 5.2 ciphertext */
#define TLS_SNI_MAX		256
#define TLS_ALPN_MAX		8
#define TLS_ALPN_LEN		32

enum {
	TLS_CT_HANDSHAKE = 22,
	TLS_HS_CLIENT_HELLO = 1,
	TLS_HS_SERVER_HELLO = 2,
	TLS_EXT_SERVER_NAME = 0,
	TLS_EXT_ALPN = 16,
	TLS_EXT_SUPPORTED_VERSIONS = 43,
};

struct tls_dir {
	uint8_t hdr[5];			/* record header being gathered */
	uint8_t hdr_len;
	uint32_t rec_left;		/* body bytes of the current record */
	uint8_t rec_type;
	bool done;			/* hello parsed: nothing more to read */
	bool fed;			/* bytes came before this feed */
	bool hello_started;
	uint64_t hello_ts;		/* first byte of the hello */
	size_t hs_len;			/* handshake bytes kept in hs */
	size_t hs_total;		/* handshake bytes seen */
	uint8_t *hs;			/* TLS_HS_MAX bytes, or NULL */
};

struct tls_state {
	bool matched;
	bool midstream;			/* joined after the handshake */
	bool client_hello, server_hello;
	uint16_t legacy_version;	/* ClientHello.legacy_version */
	uint16_t client_max;		/* highest version offered */
	uint16_t server_version;	/* selected */
	char sni[TLS_SNI_MAX];
	char alpn[TLS_ALPN_MAX][TLS_ALPN_LEN];
	unsigned int nalpn;
	char alpn_selected[TLS_ALPN_LEN];
	uint64_t client_ts, server_ts;
	struct tls_dir dir[2];
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* GREASE values (RFC 8701) are offered only to be ignored. */
static bool tls_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static void tls_copy_name(char *out, size_t size, const uint8_t *p,
			  size_t len)
{
	size_t i;

	if (len >= size)
		len = size - 1;
	for (i = 0; i < len; i++)
		out[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	out[len] = '\0';
}

static void tls_client_ext(struct tls_state *s, uint16_t type,
			   const uint8_t *p, size_t len)
{
	size_t off, n;

	switch (type) {
	case TLS_EXT_SERVER_NAME:
		/* list length, then (type, length, name); host_name is 0 */
		if (len < 5 || p[2] != 0)
			return;
		n = be16(p + 3);
		if (n > len - 5)
			n = len - 5;
		tls_copy_name(s->sni, sizeof(s->sni), p + 5, n);
		return;
	case TLS_EXT_ALPN:
		for (off = 2; off < len && s->nalpn < TLS_ALPN_MAX; off += n) {
			n = p[off++];
			if (!n || n > len - off)
				return;
			tls_copy_name(s->alpn[s->nalpn++], TLS_ALPN_LEN,
				      p + off, n);
		}
		return;
	case TLS_EXT_SUPPORTED_VERSIONS:
		if (!len)
			return;
		n = p[0];
		for (off = 1; off + 1 < len && off + 1 <= n; off += 2) {
			uint16_t v = be16(p + off);

			if (!tls_grease(v) && v > s->client_max)
				s->client_max = v;
		}
		return;
	}
}

static void tls_server_ext(struct tls_state *s, uint16_t type,
			   const uint8_t *p, size_t len)
{
	if (type == TLS_EXT_SUPPORTED_VERSIONS && len >= 2)
		s->server_version = be16(p);
	else if (type == TLS_EXT_ALPN && len >= 3 && p[2] &&
		 p[2] <= len - 3)
		tls_copy_name(s->alpn_selected, TLS_ALPN_LEN, p + 3, p[2]);
}

/*
 * A hello's body from the version on, @len bytes of it kept (a hello
 * larger than the buffer is read as far as it was kept).
 */
static void tls_parse_hello(struct tls_state *s, uint8_t type,
			    const uint8_t *p, size_t len)
{
	size_t off = 34, end;	/* version, random */

	if (len < off + 1)
		return;
	if (type == TLS_HS_CLIENT_HELLO) {
		s->legacy_version = be16(p);
		if (s->legacy_version > s->client_max)
			s->client_max = s->legacy_version;
	} else {
		s->server_version = be16(p);
	}
	off += 1 + p[off];			/* session id */
	if (type == TLS_HS_CLIENT_HELLO) {
		if (off + 2 > len)
			return;
		off += 2 + be16(p + off);	/* cipher suites */
		if (off + 1 > len)
			return;
		off += 1 + p[off];		/* compression methods */
	} else {
		off += 3;			/* cipher suite, compression */
	}
	if (off + 2 > len)
		return;
	end = off + 2 + be16(p + off);
	if (end > len)
		end = len;
	for (off += 2; off + 4 <= end;) {
		uint16_t ext = be16(p + off);
		size_t n = be16(p + off + 2);

		off += 4;
		if (n > end - off)
			n = end - off;
		if (type == TLS_HS_CLIENT_HELLO)
			tls_client_ext(s, ext, p + off, n);
		else
			tls_server_ext(s, ext, p + off, n);
		off += n;
	}
}

static bool tls_version_ok(uint16_t v)
{
	return v >= 0x0301 && v <= 0x0304;
}

/* Nothing more is read in direction @d: what it held is of no use. */
static void tls_dir_done(struct tls_dir *d)
{
	d->done = true;
	free(d->hs);
	d->hs = NULL;
	d->hs_len = 0;
}

/*
 * Handshake bytes of @dir: returns false if they are not a hello.  A
 * message that starts and ends within @p is read there; one cut by a
 * record or segment boundary is gathered first.  Either way no more than
 * TLS_HS_MAX bytes of it are read.
 */
static bool tls_handshake(struct tls_state *s, struct tls_dir *d,
			  const uint8_t *p, size_t len, uint64_t ts)
{
	const uint8_t *hs = p;
	size_t have = len;
	uint32_t msg_len;
	uint8_t type;

	if (!d->hello_started) {
		d->hello_started = true;
		d->hello_ts = ts;
	}
	if (d->hs_len || len < 6 || len < 4 + (size_t)be24(p + 1)) {
		size_t keep = TLS_HS_MAX - d->hs_len;

		if (!d->hs) {
			d->hs = malloc(TLS_HS_MAX);
			if (!d->hs) {
				tls_dir_done(d);
				return s->matched;
			}
		}
		if (keep > len)
			keep = len;
		memcpy(d->hs + d->hs_len, p, keep);
		d->hs_len += keep;
		hs = d->hs;
		have = d->hs_len;
	} else if (have > TLS_HS_MAX) {
		have = TLS_HS_MAX;
	}
	d->hs_total += len;
	if (have < 6)
		return true;
	type = hs[0];
	msg_len = be24(hs + 1);
	if ((type != TLS_HS_CLIENT_HELLO && type != TLS_HS_SERVER_HELLO) ||
	    msg_len < 38 || hs[4] != 3) {
		/* whatever follows in this direction is no hello either */
		tls_dir_done(d);
		return false;
	}
	s->matched = true;
	if (d->hs_total < 4 + (size_t)msg_len && have < TLS_HS_MAX)
		return true;
	if (have > 4 + (size_t)msg_len)
		have = 4 + msg_len;
	tls_parse_hello(s, type, hs + 4, have - 4);
	if (type == TLS_HS_CLIENT_HELLO) {
		s->client_hello = true;
		s->client_ts = d->hello_ts;
	} else {
		s->server_hello = true;
		s->server_ts = d->hello_ts;
	}
	tls_dir_done(d);
	return true;
}

static bool tls_record_ok(const uint8_t *p)
{
	uint16_t len = be16(p + 3);

	return p[0] >= 20 && p[0] <= 23 && tls_version_ok(be16(p + 1)) &&
	       len && len <= TLS_RECORD_MAX;
}

/*
 * A stream seen from the middle (the capture or the flow table started
 * late) begins inside a record.  It is TLS when, within its first
 * TLS_MIDSTREAM_SCAN bytes, a record header starts a chain of two whole
 * records, the second header exactly where the first record ends: ten
 * bytes in fixed places that random data matches about once in 2^40.
 */
#define TLS_MIDSTREAM_SCAN	64

static bool tls_midstream(const uint8_t *p, size_t len)
{
	size_t o, next;

	for (o = 0; o < TLS_MIDSTREAM_SCAN && o + 5 <= len; o++) {
		if (!tls_record_ok(p + o))
			continue;
		next = o + 5 + be16(p + o + 3);
		if (next + 5 <= len && tls_record_ok(p + next))
			return true;
	}
	return false;
}

static enum fm_l7_verdict tls_feed(void *state, const struct fm_l7_sink *sink,
				   enum fm_l7_dir dir, bool datagram,
				   const uint8_t *data, size_t len,
				   uint64_t ts)
{
	struct tls_state *s = state;
	struct tls_dir *d = &s->dir[dir];

	(void)sink;
	if (datagram)
		return s->matched ? FM_L7_MATCH : FM_L7_NO_MATCH;
	if (!d->fed && !s->matched && len >= 5 &&
	    (data[0] != TLS_CT_HANDSHAKE || !tls_record_ok(data)) &&
	    tls_midstream(data, len)) {
		s->matched = true;
		s->midstream = true;
		d->done = true;
		return FM_L7_MATCH;
	}
	d->fed = true;
	while (len && !d->done) {
		size_t n;

		if (!d->rec_left) {
			n = sizeof(d->hdr) - d->hdr_len;
			if (n > len)
				n = len;
			memcpy(d->hdr + d->hdr_len, data, n);
			d->hdr_len += n;
			data += n;
			len -= n;
			if (d->hdr_len < sizeof(d->hdr))
				break;
			d->hdr_len = 0;
			d->rec_type = d->hdr[0];
			d->rec_left = be16(d->hdr + 3);
			/* the hello comes first, alone in its records */
			if (d->rec_type != TLS_CT_HANDSHAKE ||
			    !tls_version_ok(be16(d->hdr + 1)) ||
			    !d->rec_left || d->rec_left > TLS_RECORD_MAX)
				return s->matched ? FM_L7_MATCH :
						    FM_L7_NO_MATCH;
			continue;
		}
		n = d->rec_left < len ? d->rec_left : len;
		if (!tls_handshake(s, d, data, n, ts))
			return s->matched ? FM_L7_MATCH : FM_L7_NO_MATCH;
		d->rec_left -= n;
		data += n;
		len -= n;
	}
	return s->matched ? FM_L7_MATCH : FM_L7_NEED_MORE;
}

static enum fm_l7_verdict tls_gap(void *state, enum fm_l7_dir dir)
{
	struct tls_state *s = state;

	/* a hello cut short is not worth guessing at */
	tls_dir_done(&s->dir[dir]);
	return s->matched ? FM_L7_MATCH : FM_L7_NO_MATCH;
}

static void tls_release(void *state)
{
	struct tls_state *s = state;

	free(s->dir[FM_L7_TO_SERVER].hs);
	free(s->dir[FM_L7_TO_CLIENT].hs);
}

static const char *tls_version_name(uint16_t v, char *buf, size_t size)
{
	switch (v) {
	case 0x0300:
		return "ssl3";
	case 0x0301:
		return "1.0";
	case 0x0302:
		return "1.1";
	case 0x0303:
		return "1.2";
	case 0x0304:
		return "1.3";
	}
	snprintf(buf, size, "0x%04x", v);
	return buf;
}

static int tls_set(json_t *obj, const char *key, json_t *v)
{
	return v ? json_object_set_new(obj, key, v) : -1;
}

static int tls_describe(const void *state, json_t *l7)
{
	const struct tls_state *s = state;
	char buf[8];
	int err = 0;

	if (s->midstream)
		err |= tls_set(l7, "midstream", json_true());
	if (s->sni[0])
		err |= tls_set(l7, "sni", json_string(s->sni));
	if (s->nalpn) {
		json_t *alpn = json_array();
		unsigned int i;

		for (i = 0; alpn && i < s->nalpn; i++)
			err |= json_array_append_new(alpn,
						     json_string(s->alpn[i]));
		err |= tls_set(l7, "alpn", alpn);
	}
	if (s->alpn_selected[0])
		err |= tls_set(l7, "alpn_selected",
			       json_string(s->alpn_selected));
	if (s->client_hello)
		err |= tls_set(l7, "client_version",
			       json_string(tls_version_name(s->client_max,
							    buf, sizeof(buf))));
	if (s->server_hello)
		err |= tls_set(l7, "server_version",
			       json_string(tls_version_name(s->server_version,
							    buf, sizeof(buf))));
	if (s->server_hello || s->client_hello)
		err |= tls_set(l7, "version",
			       json_string(tls_version_name(
				       s->server_hello ? s->server_version :
							 s->client_max,
				       buf, sizeof(buf))));
	if (s->client_hello && s->server_hello && s->server_ts >= s->client_ts)
		err |= tls_set(l7, "handshake_ms",
			       json_real((double)(s->server_ts - s->client_ts) /
					 1e6));
	return err ? -1 : 0;
}

const struct fm_l7_detector fm_l7_tls = {
	.proto = FM_L7_TLS,
	.name = "tls",
	.state_size = sizeof(struct tls_state),
	.feed = tls_feed,
	.gap = tls_gap,
	.describe = tls_describe,
	.release = tls_release,
};
