// SPDX-License-Identifier: GPL-2.0
/* TLS detection: record layer, ClientHello and ServerHello fields. */
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

/* 443-curl.pcap: the ClientHello, the start of the ServerHello flight;
 * tls_1.3_unidirectional_client.pcapng: a client side only;
 * 443-chrome.pcap: one server segment from the middle of a stream. */
static const struct l7_chunk curl_hello[] = {
	{ 0, 0ULL, 517, false,
	  "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03>8A\xed\xcc \xf6\xd0"
		"\xe5\xf7\x16z\xb7\xee\x91\xa8\x00\xc8\xefp\xc2\xd6$\xc7\xc7\x94:"
		"$\x02m\x9f\xbc\x00\x00\x86\xcc\x14\xcc\x13\xcc\x15\xc0""0\xc0,"
		"\xc0(\xc0$\xc0\x14\xc0\x0a\x00\xa3\x00\x9f\x00k\x00j\x00""9\x00"
		"""8\xff\x85\x00\xc4\x00\xc3\x00\x88\x00\x87\x00\x81\xc0""2\xc0."
		"\xc0*\xc0&\xc0\x0f\xc0\x05\x00\x9d\x00=\x00""5\x00\xc0\x00\x84"
		"\xc0/\xc0+\xc0'\xc0#\xc0\x13\xc0\x09\x00\xa2\x00\x9e\x00g\x00@"
		"\x00""3\x00""2\x00\xbe\x00\xbd\x00""E\x00""D\xc0""1\xc0-\xc0)"
		"\xc0%\xc0\x0e\xc0\x04\x00\x9c\x00<\x00/\x00\xba\x00""A\xc0\x12"
		"\xc0\x08\x00\x16\x00\x13\xc0\x0d\xc0\x03\x00\x0a\x00\xff\x01\x00"
		"\x01M\x00\x00\x00\x11\x00\x0f\x00\x00\x0cwww.ntop.org\x00\x0b"
		"\x00\x04\x03\x00\x01\x02\x00\x0a\x00:\x00""8\x00\x0e\x00\x0d\x00"
		"\x19\x00\x1c\x00\x0b\x00\x0c\x00\x1b\x00\x18\x00\x09\x00\x0a\x00"
		"\x1a\x00\x16\x00\x17\x00\x08\x00\x06\x00\x07\x00\x14\x00\x15\x00"
		"\x04\x00\x05\x00\x12\x00\x13\x00\x01\x00\x02\x00\x03\x00\x0f\x00"
		"\x10\x00\x11\x00\x0d\x00&\x00$\x06\x01\x06\x02\x06\x03\xef\xef"
		"\x05\x01\x05\x02\x05\x03\x04\x01\x04\x02\x04\x03\xee\xee\xed\xed"
		"\x03\x01\x03\x02\x03\x03\x02\x01\x02\x02\x02\x03""3t\x00\x00\x00"
		"\x10\x00\x0e\x00\x0c\x02h2\x08http/1.1\x00\x15\x00\xae\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" },
	{ 1, 40678000ULL, 200, false,
	  "\x16\x03\x03\x00""f\x02\x00\x00""b\x03\x03\x8fr\xdd.5\xdc\xf5"
		"\xdd\xf3\x8a\xe7]\xb8U\xd1""a\x0bM\xb3)7\xcb \xcd""1\x87\xee\xc1"
		" W\xfb% \xea\x8f\xcd\x1d\xa8\xf8""c[\xd5\xdf*E\xb6\x03vM\xd7\xcf"
		"\xb5\xf8&f\xffw\xfdGc[\xf9\xa8\xf0\xcb\xc0/\x00\x00\x1a\xff\x01"
		"\x00\x01\x00\x00\x00\x00\x00\x00\x0b\x00\x04\x03\x00\x01\x02\x00"
		"\x10\x00\x05\x00\x03\x02h2\x16\x03\x03\x09\xf8\x0b\x00\x09\xf4"
		"\x00\x09\xf1\x00\x05U0\x82\x05Q0\x82\x04""9\xa0\x03\x02\x01\x02"
		"\x02\x12\x03\xc5of6\xed\xa7/\x7fLVe\xfa\x05]\x93""2U0\x0d\x06"
		"\x09*\x86H\x86\xf7\x0d\x01\x01\x0b\x05\x00""0J1\x0b""0\x09\x06"
		"\x03U\x04\x06\x13\x02US1\x16""0\x14\x06\x03U\x04\x0a\x13\x0dLet'" },
};

static const struct l7_chunk google_13[] = {
	{ 0, 0ULL, 564, false,
	  "\x16\x03\x01\x02/\x01\x00\x02+\x03\x03\xd3\xa2]ya\xee\xeey\x19"
		"\xcd""aK\xd8\xb0\xf6=Zo\x8cl\xa4\xde\x18(\xbd\xa0T\xf9V\xf1\xaf$"
		" i\x1c\xe2\x01""6\xf8\xbc(\xa7\x0a""3\xe7\xef""8\xc0\x1b\x82\x1e"
		"K\xab;\x87u\xd4i\x17\x89\xde\xb9\xcax\x14\x00\x22\x13\x01\x13"
		"\x02\x13\x03\xc0+\xc0,\xcc\xa9\xc0/\xc0""0\xcc\xa8\xc0\x09\xc0"
		"\x0a\xc0\x13\xc0\x14\x00\x9c\x00\x9d\x00/\x00""5\x01\x00\x01\xc0"
		"\x00\x00\x00\x13\x00\x11\x00\x00\x0ewww.google.com\x00\x17\x00"
		"\x00\xff\x01\x00\x01\x00\x00\x0a\x00\x08\x00\x06\x00\x1d\x00\x17"
		"\x00\x18\x00\x0b\x00\x02\x01\x00\x00#\x00\x00\x00\x10\x00\x0b"
		"\x00\x09\x08http/1.1\x00\x05\x00\x05\x01\x00\x00\x00\x00\x00\x0d"
		"\x00\x14\x00\x12\x04\x03\x08\x04\x04\x01\x05\x03\x08\x05\x05\x01"
		"\x08\x06\x06\x01\x02\x01\x00""3\x00&\x00$\x00\x1d\x00 \xdd\x05"
		"\xc9\xf3N\x95""a\xb8{3\xae\x99S N\x9c\xdf\x17\xa4\xd7\x1f\xbe,"
		"\x1b\xf6""c\x0f\x98\xd5\x04\xe4>\x00-\x00\x02\x01\x01\x00+\x00"
		"\x09\x08\x03\x04\x03\x03\x03\x02\x03\x01\x00)\x01\x19\x00\xf4"
		"\x00\xee\x01\xc1\x09/\xcf.Uf\xda\xa6""8?S\x9fU\xad\xeb\x88""a"
		"\xe8\x13\xcb\xdb\x08\xd1*\xed\x07\x9e\xb5\x84\xfa""E\x1e\xe8up"
		"\x1f\xef\x81\xfa-\xaf\xa2\xb1\xca`\x00""5\xa6RM\xcc\xab\xbb\x90w"
		"\xa5~\x8f\x82""D\xa6\xe0X\xd2\x1e\x9d\xd1\xef""7\xbf""9\x0e\xe4"
		"\xb5Q\xd5\xda|..\x93-x\xaa""B\xe1\xa5\x16\xcd\xce""f\xf9\x99\x89"
		"(\xbc\xb8\xdf\xab\xb7\x01\x84""f\xe8i\x94\xc7\xd9\x86\x96\x22"
		"\x08!\xcb\xfa\xc5""B\x86(i\x88\xdf\x5c\x06\xf6\x00""f{\x93@\xb4"
		"\x18\xdc,\xa4""D\xf0Xw\x90\x88\xb6\xd9""C\xf1\xa6<\x9ck\xc8M\x0d"
		">5)\xd9\x95""2$\xcb\x1c\xf7iq\xf3\x16h\xeb\x1f""ah\x17YV\xf3$D."
		"\xd9X<\xacp\x11\x8d\x00\xeb\xc9\x94\x1e\xaajT\xdd\xdc\x8e:\xca"
		"\x02t\xa4\x9c\xc3(|\x8c\xa4\xbd\xf5\xb9u\xf8\x0ew+\xce\xc1|<\xa7"
		"G\x1bg\x8a\x05\xf8\x8e\xd6u\x11\x9a""e\xc0""DBs\xe7\x97\xc5\xe3"
		"\x00! \x91\xe4/\xe2\x13`\x16S\xa1\xe5\xe7\x95\xb7\xa6\xfc\x93"
		"\x8b\xdfq\xb5\x1c\x8e\xa6\x15\x0e\x91\xae\xc6TWbY" },
	{ 0, 29193373000ULL, 64, false,
	  "\x14\x03\x03\x00\x01\x01\x17\x03\x03\x00""56OKv\x00Iq\xa3\xf0'"
		"\xa5\xdd>8\xfd\x1c\xf0w\xa9\xb6h`\xcd\x1b \xb0/w\x7f\x84t\x8b"
		"\xd8jwBE\xb9\x09\x02]\xfa\x0a\xed""8\x99\xd2\xb6\xcf\x89\xdf\x98"
		"u" },
};

static const struct l7_chunk chrome_mid[] = {
	{ 1, 0ULL, 64, false,
	  "\x01\xb0""d\x85\x09\x06\x0d,\x17\x03\x03\x05$\x1e\xd4.FXO}x\x09y"
		"=\xaf\xc3\xe5`\x9c\xa0?~8\x1f\xa0~\x22\xd4\xf5""C'A9D\xd3\xff"
		"\xa0\xf7\xd4""c\xd5\xcc\xabNB4\x95\xc6\x16\xd3\xf2x\xf2\xf1" },
};

static void test_curl_capture(void **state)
{
	json_t *l7 = json_object();
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_tls);
	assert_int_equal(l7_flow_run(&f, curl_hello, 1, 1, 0, 0), FM_L7_MATCH);
	assert_int_equal(l7_flow_run(&f, curl_hello + 1, 1, 1, 0, 0),
			 FM_L7_MATCH);
	assert_int_equal(f.nreqs, 0);
	/* ServerHello 40.678 ms after the ClientHello */
	assert_int_equal(fm_l7_tls.describe(f.state, l7), 0);
	assert_true(json_real_value(json_object_get(l7, "handshake_ms")) >
		    40.677);
	assert_true(json_real_value(json_object_get(l7, "handshake_ms")) <
		    40.679);
	json_object_del(l7, "handshake_ms");
	desc = json_dumps(l7, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(desc,
			    "{\"alpn\":[\"h2\",\"http/1.1\"],"
			    "\"alpn_selected\":\"h2\","
			    "\"client_version\":\"1.2\","
			    "\"server_version\":\"1.2\","
			    "\"sni\":\"www.ntop.org\",\"version\":\"1.2\"}");
	free(desc);
	json_decref(l7);
	l7_flow_free(&f);
}

static void test_client_only_13(void **state)
{
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_tls);
	assert_int_equal(l7_flow_run(&f, google_13, NCHUNKS(google_13), 9, 0, 0),
			 FM_L7_MATCH);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc,
			    "{\"alpn\":[\"http/1.1\"],"
			    "\"client_version\":\"1.3\","
			    "\"sni\":\"www.google.com\",\"version\":\"1.3\"}");
	free(desc);
	l7_flow_free(&f);
}

/*
 * Joined mid-stream: 443-chrome.pcap's one segment starts 8 bytes into a
 * record; the next record (application data, 1316 bytes) is followed by
 * another header at byte 1329.  The test keeps the capture's first 64
 * bytes and that second header, in their places.  The same bytes with
 * the first length one off (no chain), or cut before the second header,
 * are not TLS.
 */
#define CHROME_NEXT_HDR	1329

static void test_mid_stream(void **state)
{
	static const uint8_t next_hdr[] = { 0x17, 0x03, 0x03, 0x05, 0x24 };
	const struct l7_chunk *c = &chrome_mid[0];
	size_t len = CHROME_NEXT_HDR + sizeof(next_hdr) + 16;
	uint8_t *seg = calloc(1, len);
	struct l7_flow f;
	char *desc;

	(void)state;
	assert_non_null(seg);
	memcpy(seg, c->data, c->len);
	memcpy(seg + CHROME_NEXT_HDR, next_hdr, sizeof(next_hdr));

	l7_flow_init(&f, &fm_l7_tls);
	assert_int_equal(l7_flow_feed(&f, FM_L7_TO_CLIENT, false, seg, len,
				      0, 0),
			 FM_L7_MATCH);
	desc = l7_flow_describe(&f);
	assert_non_null(strstr(desc, "\"midstream\":true"));
	free(desc);
	l7_flow_free(&f);

	l7_flow_init(&f, &fm_l7_tls);
	assert_int_not_equal(l7_flow_feed(&f, FM_L7_TO_CLIENT, false, seg,
					  CHROME_NEXT_HDR + 4, 0, 0),
			     FM_L7_MATCH);
	l7_flow_free(&f);

	seg[8 + 4]++;
	l7_flow_init(&f, &fm_l7_tls);
	assert_int_not_equal(l7_flow_feed(&f, FM_L7_TO_CLIENT, false, seg, len,
					  0, 0),
			     FM_L7_MATCH);
	l7_flow_free(&f);
	free(seg);
}

static void test_splits(void **state)
{
	(void)state;
	l7_check_splits(&fm_l7_tls, curl_hello, NCHUNKS(curl_hello));
	l7_check_splits(&fm_l7_tls, google_13, 1);
}

/* The server's hello first (or alone) still matches; no handshake time. */
static void test_server_first(void **state)
{
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_tls);
	l7_flow_feed(&f, FM_L7_TO_CLIENT, false, curl_hello[1].data,
		     curl_hello[1].len, 5000, 0);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	l7_flow_feed(&f, FM_L7_TO_SERVER, false, curl_hello[0].data,
		     curl_hello[0].len, 6000, 0);
	desc = l7_flow_describe(&f);
	assert_null(strstr(desc, "handshake_ms"));
	assert_non_null(strstr(desc, "\"server_version\":\"1.2\""));
	assert_non_null(strstr(desc, "\"sni\":\"www.ntop.org\""));
	free(desc);
	l7_flow_free(&f);
}

/* A hello split over several records, 5 handshake bytes in each. */
static void test_fragmented_records(void **state)
{
	const uint8_t *hs = (const uint8_t *)curl_hello[0].data + 5;
	size_t hs_len = curl_hello[0].len - 5, off;
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_tls);
	for (off = 0; off < hs_len; off += 5) {
		uint8_t rec[10] = { 22, 3, 1, 0, 0 };
		size_t n = hs_len - off < 5 ? hs_len - off : 5;

		rec[4] = (uint8_t)n;
		memcpy(rec + 5, hs + off, n);
		l7_flow_feed(&f, FM_L7_TO_SERVER, false, rec, 5 + n, 1000, 0);
		assert_int_equal(f.verdict,
				 off ? FM_L7_MATCH : FM_L7_NEED_MORE);
	}
	desc = l7_flow_describe(&f);
	assert_non_null(strstr(desc, "\"sni\":\"www.ntop.org\""));
	free(desc);
	l7_flow_free(&f);
}

#define BIG_HELLO	6000	/* handshake body bytes: more than kept */
#define SNI_EXT_LEN	18	/* server_name "a.example", its header in */

/*
 * A ClientHello record of BIG_HELLO body bytes: server_name "a.example"
 * then padding to the end, or, @sni_last, padding then server_name, past
 * the bytes kept.
 */
static void big_hello(uint8_t *rec, bool sni_last)
{
	static const uint8_t sni[SNI_EXT_LEN] =
		"\x00\x00\x00\x0e\x00\x0c\x00\x00\x09" "a.example";
	size_t body = 4 + BIG_HELLO, off, ext, pad;
	uint8_t *p = rec + 9;

	memset(rec, 0, 9 + BIG_HELLO);
	rec[0] = 22; rec[1] = 3; rec[2] = 1;
	rec[3] = body >> 8; rec[4] = body & 0xff;
	rec[5] = 1; rec[7] = BIG_HELLO >> 8; rec[8] = BIG_HELLO & 0xff;
	p[0] = 3; p[1] = 3;			/* legacy version */
	off = 2 + 32;
	p[off++] = 0;				/* session id */
	p[off++] = 0; p[off++] = 2; p[off++] = 0x13; p[off++] = 1;
	p[off++] = 1; p[off++] = 0;		/* compression */
	ext = BIG_HELLO - off - 2;		/* extensions to the end */
	p[off] = ext >> 8;
	p[off + 1] = ext & 0xff;
	off += 2;
	pad = ext - SNI_EXT_LEN - 4;
	if (!sni_last) {
		memcpy(p + off, sni, SNI_EXT_LEN);
		off += SNI_EXT_LEN;
	}
	p[off] = 0; p[off + 1] = 21;		/* padding */
	p[off + 2] = pad >> 8;
	p[off + 3] = pad & 0xff;
	if (sni_last)
		memcpy(p + off + 4 + pad, sni, SNI_EXT_LEN);
}

/*
 * A ClientHello larger than the buffer: read as far as it would be kept,
 * whether it came whole (read where it is) or in pieces (gathered).
 */
static void test_oversized_hello(void **state)
{
	static uint8_t rec[9 + BIG_HELLO];
	static const size_t pieces[] = { 0, 700 };
	struct l7_flow f;
	unsigned int sni_last, i;
	char *desc, *sni;

	(void)state;
	for (sni_last = 0; sni_last < 2; sni_last++) {
		big_hello(rec, sni_last);
		for (i = 0; i < NCHUNKS(pieces); i++) {
			l7_flow_init(&f, &fm_l7_tls);
			assert_int_equal(l7_flow_feed(&f, FM_L7_TO_SERVER,
						      false, rec, sizeof(rec),
						      1000, pieces[i]),
					 FM_L7_MATCH);
			desc = l7_flow_describe(&f);
			sni = strstr(desc, "\"sni\":\"a.example\"");
			assert_int_equal(sni != NULL, !sni_last);
			assert_non_null(strstr(desc,
					       "\"client_version\":\"1.2\""));
			free(desc);
			l7_flow_free(&f);
		}
	}
}

/*
 * A direction whose first handshake message is no hello says nothing
 * more: a ServerHello after it, in the same record but the next segment,
 * is not read.
 */
static void test_hello_not_first(void **state)
{
	/* curl's ServerHello message, without its record header */
	const uint8_t *server_hello = (const uint8_t *)curl_hello[1].data + 5;
	const size_t hello_len = 4 + 0x62, cert_len = 4 + 0x2c;
	uint8_t rec[5 + 4 + 0x2c] = { 22, 3, 3, 0, 0, 11, 0, 0, 0x2c, 3, 3 };
	struct l7_flow f;
	char *desc;

	(void)state;
	rec[4] = (uint8_t)(cert_len + hello_len);
	l7_flow_init(&f, &fm_l7_tls);
	l7_flow_feed(&f, FM_L7_TO_SERVER, false, curl_hello[0].data,
		     curl_hello[0].len, 1000, 0);
	assert_int_equal(l7_flow_feed(&f, FM_L7_TO_CLIENT, false, rec,
				      sizeof(rec), 2000, 0), FM_L7_MATCH);
	assert_int_equal(l7_flow_feed(&f, FM_L7_TO_CLIENT, false,
				      server_hello, hello_len, 3000, 0),
			 FM_L7_MATCH);
	desc = l7_flow_describe(&f);
	assert_non_null(strstr(desc, "\"sni\":\"www.ntop.org\""));
	assert_null(strstr(desc, "server_version"));
	free(desc);
	l7_flow_free(&f);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *name;
		const char *data;
		size_t len;
	} bad[] = {
#define BAD(n, s) { n, s, sizeof(s) - 1 }
		BAD("application data", "\x17\x03\x03\x00\x10" "0123456789"),
		BAD("version 0x0305", "\x16\x03\x05\x00\x30\x01\x00\x00\x2c"),
		BAD("version 0x0300", "\x16\x03\x00\x00\x30\x01\x00\x00\x2c"),
		BAD("empty record", "\x16\x03\x01\x00\x00\x01\x00\x00\x2c"),
		BAD("huge record", "\x16\x03\x01\xff\xff\x01\x00\x00\x2c"),
		BAD("certificate first",
		    "\x16\x03\x03\x00\x30\x0b\x00\x00\x2c\x03\x03"),
		BAD("short hello", "\x16\x03\x03\x00\x30\x01\x00\x00\x10\x03\x03"),
		BAD("hello version", "\x16\x03\x03\x00\x30\x01\x00\x00\x2c\x07\x03"),
#undef BAD
	};
	size_t i;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		struct l7_flow f;

		l7_flow_init(&f, &fm_l7_tls);
		if (l7_flow_feed(&f, FM_L7_TO_SERVER, false, bad[i].data,
				 bad[i].len, 1000, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].name);
		l7_flow_free(&f);
	}
}

static void test_datagram_and_gap(void **state)
{
	struct l7_flow f;

	(void)state;
	l7_flow_init(&f, &fm_l7_tls);
	assert_int_equal(l7_flow_feed(&f, 0, true, curl_hello[0].data,
				      curl_hello[0].len, 1, 0), FM_L7_NO_MATCH);
	l7_flow_free(&f);
	l7_flow_init(&f, &fm_l7_tls);
	l7_flow_feed(&f, 0, false, curl_hello[0].data, 100, 1, 0);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	assert_int_equal(fm_l7_tls.gap(f.state, 0), FM_L7_MATCH);
	l7_flow_free(&f);
	l7_flow_init(&f, &fm_l7_tls);
	assert_int_equal(fm_l7_tls.gap(f.state, 0), FM_L7_NO_MATCH);
	l7_flow_free(&f);
}

static void test_foreign(void **state)
{
	static const char *const own[] = { "tls hello", NULL };

	(void)state;
	l7_check_foreign(&fm_l7_tls, own);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curl_capture),
		cmocka_unit_test(test_client_only_13),
		cmocka_unit_test(test_mid_stream),
		cmocka_unit_test(test_splits),
		cmocka_unit_test(test_server_first),
		cmocka_unit_test(test_fragmented_records),
		cmocka_unit_test(test_oversized_hello),
		cmocka_unit_test(test_hello_not_first),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_datagram_and_gap),
		cmocka_unit_test(test_foreign),
	};

	return cmocka_run_group_tests_name("l7_tls", tests, NULL, NULL);
}
