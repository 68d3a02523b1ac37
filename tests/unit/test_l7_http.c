// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP/1.x detection and request following, on bytes from real captures
 * and on hand-built conversations; route templating.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "l7/l7.h"

#define MAX_REQUESTS	64

struct conv {
	void *state;
	struct fm_l7_sink sink;
	struct fm_l7_request reqs[MAX_REQUESTS];
	size_t nreqs;
};

static void collect(void *ctx, const struct fm_l7_request *req)
{
	struct conv *c = ctx;

	assert_true(c->nreqs < MAX_REQUESTS);
	c->reqs[c->nreqs++] = *req;
}

static struct conv *conv_new(void)
{
	struct conv *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->state = calloc(1, fm_l7_http1.state_size);
	assert_non_null(c->state);
	c->sink.request = collect;
	c->sink.ctx = c;
	return c;
}

static void conv_free(struct conv *c)
{
	if (fm_l7_http1.release)
		fm_l7_http1.release(c->state);
	free(c->state);
	free(c);
}

static enum fm_l7_verdict feed(struct conv *c, enum fm_l7_dir dir,
			       const void *data, size_t len, uint64_t ts)
{
	return fm_l7_http1.feed(c->state, &c->sink, dir, false, data, len, ts);
}

/* A string literal, without its NUL. */
#define FEED(c, dir, s, ts)	feed(c, dir, s, sizeof(s) - 1, ts)
#define C2S			FM_L7_TO_SERVER
#define S2C			FM_L7_TO_CLIENT

static void assert_req(const struct fm_l7_request *r, const char *method,
		       const char *route, int status, uint64_t latency)
{
	assert_string_equal(r->method, method);
	assert_string_equal(r->route, route);
	assert_int_equal(r->status, status);
	assert_int_equal(r->failed, status >= 500);
	assert_int_equal(r->latency_ns, latency);
}

static json_t *describe(struct conv *c)
{
	json_t *l7 = json_object();

	assert_non_null(l7);
	assert_int_equal(fm_l7_http1.describe(c->state, l7), 0);
	return l7;
}

static json_int_t count_of(json_t *l7, const char *obj, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(l7, obj),
						  key));
}

/* http.pcapng */
static const char google_req[] =
	"GET / HTTP/1.1\r\n"
	"Host: google.com\r\n"
	"User-Agent: curl/7.68.0\r\n"
	"Accept: */*\r\n"
	"\r\n";
static const char google_resp[] =
	"HTTP/1.1 301 Moved Permanently\r\n"
	"Location: http://www.google.com/\r\n"
	"Content-Type: text/html; charset=UTF-8\r\n"
	"Date: Tue, 25 Jan 2022 16:50:41 GMT\r\n"
	"Expires: Thu, 24 Feb 2022 16:50:41 GMT\r\n"
	"Cache-Control: public, max-age=2592000\r\n"
	"Server: gws\r\n"
	"Content-Length: 219\r\n"
	"X-XSS-Protection: 0\r\n"
	"X-Frame-Options: SAMEORIGIN\r\n"
	"\r\n"
	"<HTML><HEAD><meta http-equiv=\"content-type\" content=\"t"
	"ext/html;charset=utf-8\">\n"
	"<TITLE>301 Moved</TITLE></HEAD><BODY>\n"
	"<H1>301 Moved</H1>\n"
	"The document has moved\n"
	"<A HREF=\"http://www.google.com/\">here</A>.\r\n"
	"</BODY></HTML>\r\n";
static const char long_uri_req[] =
	"GET                  /aaaaaaaaaaaaaaaaaaaaaaaa_very_long_"
	"uri HTTP/1.1\r\n"
	"Host: www.lan:8080\r\n"
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:81.0) Geck"
	"o/20100101 Firefox/81.0\r\n"
	"Accept: text/html,application/xhtml+xml,application/xml;q"
	"=0.9,image/webp,*/*;q=0.8\r\n"
	"Accept-Language: en-US,en;q=0.5\r\n"
	"Accept-Encoding: gzip, deflate\r\n"
	"DNT: 1\r\n"
	"Connection: keep-alive\r\n"
	"Upgrade-Insecure-Requests: 1\r\n"
	"\r\n";
static const char long_uri_resp[] =
	"HTTP/1.1 200 OK\r\n"
	"Content-Type: text/html\r\n"
	"Accept-Ranges: bytes\r\n"
	"ETag: \"2564964297\"\r\n"
	"Last-Modified: Mon, 26 Jul 2021 00:39:43 GMT\r\n"
	"Content-Length: 366\r\n"
	"Date: Thu, 05 Aug 2021 13:19:02 GMT\r\n"
	"Server: gamma_httpd\r\n"
	"\r\n"
	"<html>\n"
	"<head>\n"
	"<title> Rick Rolled </title>\n"
	"<!-- rickrolled -->\n"
	"<style type=\"text/css\">\n"
	"html {\n"
	"\x09""background: #000;\n"
	"}\n"
	"#rickrolled {\n"
	"\x09width: 100%;\n"
	"\x09height: 100%;\n"
	"\x09""background: url('/rick.gif');\n"
	"\x09""background-size: 100% 100%;\n"
	"}\n"
	"</style>\n"
	"</head>\n"
	"<body>\n"
	"<div id=\"rickrolled\">\n"
	"<audio src=\"/rick.ogg\" type=\"audio/ogg\" autoplay=auto"
	"play loop=loop></audio>\n"
	"</div>\n"
	"</body>\n"
	"</html>\n";
static const char gif_req[] =
	"GET /rick.gif HTTP/1.1\r\n"
	"Host: www.lan:8080\r\n"
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:81.0) Geck"
	"o/20100101 Firefox/81.0\r\n"
	"Accept: image/webp,*/*\r\n"
	"Accept-Language: en-US,en;q=0.5\r\n"
	"Accept-Encoding: gzip, deflate\r\n"
	"DNT: 1\r\n"
	"Connection: keep-alive\r\n"
	"Referer: http://www.lan:8080/aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaa_very_long_uri\r\n"
	"\r\n";
static const char gif_resp_head[] =
	"HTTP/1.1 200 OK\r\n"
	"Content-Type: application/octet-stream\r\n"
	"Accept-Ranges: bytes\r\n"
	"Content-Length: 889479\r\n"
	"Date: Thu, 05 Aug 2021 13:19:02 GMT\r\n"
	"Server: gamma_httpd\r\n"
	"\r\n";

static void test_real_google(void **state)
{
	struct conv *c = conv_new();
	json_t *l7;

	(void)state;
	assert_int_equal(FEED(c, C2S, google_req, 1000), FM_L7_MATCH);
	assert_int_equal(FEED(c, S2C, google_resp, 1800), FM_L7_MATCH);
	assert_int_equal(c->nreqs, 1);
	assert_req(&c->reqs[0], "GET", "/", 301, 800);
	l7 = describe(c);
	assert_string_equal(json_string_value(json_object_get(l7, "version")),
			    "1.1");
	assert_int_equal(json_integer_value(json_object_get(l7, "requests")),
			 1);
	assert_int_equal(count_of(l7, "statuses", "301"), 1);
	assert_int_equal(count_of(l7, "methods", "GET"), 1);
	json_decref(l7);
	conv_free(c);
}

/* Runs of spaces in the request line; a body cut by the capture's end. */
static void test_real_manipulated(void **state)
{
	static const uint8_t gif_body[] = { 'G', 'I', 'F', '8', '9', 'a',
					    0x40, 0x01, 0xf0, 0x00, 0x77 };
	struct conv *c = conv_new();

	(void)state;
	assert_int_equal(FEED(c, C2S, long_uri_req, 10), FM_L7_MATCH);
	assert_int_equal(FEED(c, S2C, long_uri_resp, 25), FM_L7_MATCH);
	assert_int_equal(FEED(c, C2S, gif_req, 100), FM_L7_MATCH);
	assert_int_equal(FEED(c, S2C, gif_resp_head, 140), FM_L7_MATCH);
	assert_int_equal(feed(c, S2C, gif_body, sizeof(gif_body), 141),
			 FM_L7_MATCH);
	assert_int_equal(c->nreqs, 2);
	assert_req(&c->reqs[0], "GET",
		   "/aaaaaaaaaaaaaaaaaaaaaaaa_very_long_uri", 200, 15);
	assert_req(&c->reqs[1], "GET", "/rick.gif", 200, 40);
	conv_free(c);
}

static void test_keep_alive(void **state)
{
	struct conv *c = conv_new();
	json_t *l7;

	(void)state;
	assert_int_equal(FEED(c, C2S, "GET /users/42 HTTP/1.1\r\n"
			      "Host: a\r\nConnection: keep-alive\r\n\r\n", 100),
			 FM_L7_MATCH);
	FEED(c, S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 150);
	FEED(c, C2S, "POST /users HTTP/1.1\r\nContent-Length: 7\r\n\r\n"
		     "{\"a\":1}", 200);
	FEED(c, S2C, "HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n", 210);
	FEED(c, C2S, "DELETE /users/7?force=1 HTTP/1.1\r\n\r\n", 300);
	assert_int_equal(FEED(c, S2C, "HTTP/1.1 204 No Content\r\n\r\n", 333),
			 FM_L7_MATCH);
	assert_int_equal(c->nreqs, 3);
	assert_req(&c->reqs[0], "GET", "/users/{id}", 200, 50);
	assert_req(&c->reqs[1], "POST", "/users", 201, 10);
	assert_req(&c->reqs[2], "DELETE", "/users/{id}", 204, 33);
	l7 = describe(c);
	assert_int_equal(json_integer_value(json_object_get(l7, "requests")),
			 3);
	assert_int_equal(count_of(l7, "statuses", "200"), 1);
	assert_int_equal(count_of(l7, "statuses", "204"), 1);
	assert_int_equal(count_of(l7, "methods", "POST"), 1);
	assert_int_equal(count_of(l7, "methods", "DELETE"), 1);
	json_decref(l7);
	conv_free(c);
}

static void test_pipelining(void **state)
{
	struct conv *c = conv_new();

	(void)state;
	assert_int_equal(FEED(c, C2S, "GET /a HTTP/1.1\r\n\r\n"
				      "GET /b HTTP/1.1\r\n\r\n", 100),
			 FM_L7_MATCH);
	FEED(c, C2S, "GET /c HTTP/1.1\r\n\r\n", 110);
	FEED(c, S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"
		     "HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nB",
	     500);
	assert_int_equal(c->nreqs, 2);
	FEED(c, S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nC", 600);
	assert_int_equal(c->nreqs, 3);
	assert_req(&c->reqs[0], "GET", "/a", 200, 400);
	assert_req(&c->reqs[1], "GET", "/b", 404, 400);
	assert_req(&c->reqs[2], "GET", "/c", 200, 490);
	conv_free(c);
}

/* At most FM_L7_PENDING_MAX requests wait; one more is not followed. */
static void test_pipelining_bound(void **state)
{
	struct conv *c = conv_new();
	unsigned int i;

	(void)state;
	for (i = 0; i < FM_L7_PENDING_MAX; i++)
		assert_int_equal(FEED(c, C2S, "GET / HTTP/1.1\r\n\r\n", i),
				 FM_L7_MATCH);
	assert_int_equal(FEED(c, C2S, "GET / HTTP/1.1\r\n\r\n", i),
			 FM_L7_NO_MATCH);
	assert_int_equal(FEED(c, S2C, "HTTP/1.1 200 OK\r\n\r\n", i),
			 FM_L7_NO_MATCH);
	assert_int_equal(c->nreqs, 0);
	conv_free(c);
}

/* A chunked body, split at every byte, is skipped to the next response. */
static void test_chunked_every_split(void **state)
{
#define LAST "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
	static const char reqs[] = "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"
				   "GET /next HTTP/1.1\r\n\r\n";
	static const char resp[] =
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
		"5;ext=1\r\nhello\r\n"
		"1A\r\nHTTP/1.1 999 NotAResp\r\n\r\n\r\n"
		"0\r\nX-Trailer: 1\r\n\r\n" LAST;
	const size_t len = sizeof(resp) - 1, last = len - strlen(LAST);
	/* a request is reported once its response's fields are complete */
	const size_t fields_end = (size_t)(strstr(resp, "\r\n\r\n") - resp) + 4;
	size_t split;
#undef LAST

	(void)state;
	for (split = 0; split <= len; split++) {
		struct conv *c = conv_new();

		assert_int_equal(FEED(c, C2S, reqs, 10), FM_L7_MATCH);
		assert_int_equal(feed(c, S2C, resp, split, 20), FM_L7_MATCH);
		assert_int_equal(c->nreqs,
				 (split >= fields_end) + (split == len));
		assert_int_equal(feed(c, S2C, resp + split, len - split, 30),
				 FM_L7_MATCH);
		assert_int_equal(c->nreqs, 2);
		/* latency runs to the first byte of each response */
		assert_req(&c->reqs[0], "GET", "/stream", 200,
			   split > 0 ? 10 : 20);
		assert_req(&c->reqs[1], "GET", "/next", 503,
			   split > last ? 10 : 20);
		conv_free(c);
	}
}

/* HEAD, 204 and 304 responses have no body whatever their fields say. */
static void test_no_body(void **state)
{
	struct conv *c = conv_new();

	(void)state;
	FEED(c, C2S, "HEAD /file HTTP/1.1\r\n\r\nGET /x HTTP/1.1\r\n\r\n"
		     "GET /y HTTP/1.1\r\n\r\nGET /z HTTP/1.1\r\n\r\n", 1);
	assert_int_equal(FEED(c, S2C,
			      "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
			      "HTTP/1.1 304 Not Modified\r\n"
			      "Content-Length: 100\r\n\r\n"
			      "HTTP/1.1 204 No Content\r\n\r\n"
			      "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n"
			      "\r\nabc", 2),
			 FM_L7_MATCH);
	assert_int_equal(c->nreqs, 4);
	assert_req(&c->reqs[0], "HEAD", "/file", 200, 1);
	assert_req(&c->reqs[1], "GET", "/x", 304, 1);
	assert_req(&c->reqs[2], "GET", "/y", 204, 1);
	assert_req(&c->reqs[3], "GET", "/z", 404, 1);
	conv_free(c);
}

/* An interim 100 Continue is not the response: latency runs past it. */
static void test_continue(void **state)
{
	struct conv *c = conv_new();

	(void)state;
	FEED(c, C2S, "POST /upload HTTP/1.1\r\nExpect: 100-continue\r\n"
		     "Content-Length: 5\r\n\r\n", 1000);
	FEED(c, S2C, "HTTP/1.1 100 Continue\r\n\r\n", 2000);
	assert_int_equal(c->nreqs, 0);
	FEED(c, C2S, "hello", 3000);
	FEED(c, S2C, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 9000);
	FEED(c, C2S, "GET /done HTTP/1.1\r\n\r\n", 9500);
	assert_int_equal(FEED(c, S2C, "HTTP/1.1 200 OK\r\n"
				      "Content-Length: 0\r\n\r\n", 9600),
			 FM_L7_MATCH);
	assert_int_equal(c->nreqs, 2);
	assert_req(&c->reqs[0], "POST", "/upload", 201, 8000);
	assert_req(&c->reqs[1], "GET", "/done", 200, 100);
	conv_free(c);
}

static void test_server_errors(void **state)
{
	struct conv *c = conv_new();
	json_t *l7;

	(void)state;
	FEED(c, C2S, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0);
	FEED(c, S2C, "HTTP/1.0 500 Internal Server Error\r\n"
		     "Connection: keep-alive\r\nContent-Length: 0\r\n\r\n", 5);
	FEED(c, C2S, "GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 10);
	FEED(c, S2C, "HTTP/1.0 499 Client Closed\r\n"
		     "Connection: keep-alive\r\nContent-Length: 0\r\n\r\n", 15);
	FEED(c, C2S, "GET /c HTTP/1.0\r\n\r\n", 20);
	FEED(c, S2C, "HTTP/1.0 503 Service Unavailable\r\n\r\nbusy", 30);
	assert_int_equal(c->nreqs, 3);
	assert_req(&c->reqs[0], "GET", "/a", 500, 5);
	assert_true(c->reqs[0].failed);
	assert_req(&c->reqs[1], "GET", "/b", 499, 5);
	assert_false(c->reqs[1].failed);
	assert_req(&c->reqs[2], "GET", "/c", 503, 10);
	assert_true(c->reqs[2].failed);
	l7 = describe(c);
	assert_string_equal(json_string_value(json_object_get(l7, "version")),
			    "1.0");
	json_decref(l7);
	conv_free(c);
}

/* A body to the connection's end is not parsed for responses. */
static void test_body_until_close(void **state)
{
	struct conv *c = conv_new();

	(void)state;
	FEED(c, C2S, "GET / HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n", 0);
	assert_int_equal(FEED(c, S2C, "HTTP/1.1 200 OK\r\n\r\n"
				      "HTTP/1.1 200 OK\r\n\r\n", 1),
			 FM_L7_MATCH);
	assert_int_equal(c->nreqs, 1);
	conv_free(c);
}

static void test_oversized_headers(void **state)
{
	struct conv *c = conv_new();
	char *big = malloc(FM_L7_REASM_MAX + 100);
	size_t n;
	int i;

	(void)state;
	assert_non_null(big);
	/* one field line longer than the line buffer */
	n = (size_t)sprintf(big, "X-Big: ");
	memset(big + n, 'a', FM_L7_REASM_MAX);
	FEED(c, C2S, "GET / HTTP/1.1\r\n", 0);
	assert_int_equal(feed(c, C2S, big, n + FM_L7_REASM_MAX, 1),
			 FM_L7_NO_MATCH);
	assert_int_equal(FEED(c, S2C, "HTTP/1.1 200 OK\r\n\r\n", 2),
			 FM_L7_NO_MATCH);
	assert_int_equal(c->nreqs, 0);
	conv_free(c);

	/* too many short fields */
	c = conv_new();
	assert_int_equal(FEED(c, C2S, "GET / HTTP/1.1\r\n", 0), FM_L7_MATCH);
	for (i = 0; i < 128; i++)
		assert_int_equal(FEED(c, C2S, "X-A: 1\r\n", 1), FM_L7_MATCH);
	assert_int_equal(FEED(c, C2S, "X-A: 1\r\n", 1), FM_L7_NO_MATCH);
	conv_free(c);

	/* a request line that never ends is not claimed */
	c = conv_new();
	memcpy(big, "GET /", 5);
	memset(big + 5, 'b', FM_L7_REASM_MAX + 95);
	assert_int_equal(feed(c, C2S, big, FM_L7_REASM_MAX - 1, 0),
			 FM_L7_NEED_MORE);
	assert_int_equal(feed(c, C2S, big + FM_L7_REASM_MAX - 1, 100, 0),
			 FM_L7_NO_MATCH);
	conv_free(c);
	free(big);
}

/*
 * A header line of FM_L7_REASM_MAX bytes, CRLF included, is followed and
 * one byte more is not, whether the line comes whole (read where it is)
 * or cut by a packet boundary (held until it ends).
 */
static void test_line_limit_whole_or_cut(void **state)
{
	static const char prefix[] = "X-Big: ";
	char *line = malloc(FM_L7_REASM_MAX + 1);
	size_t len, cut;
	struct conv *c;

	(void)state;
	assert_non_null(line);
	for (len = FM_L7_REASM_MAX; len <= FM_L7_REASM_MAX + 1; len++) {
		memcpy(line, prefix, sizeof(prefix) - 1);
		memset(line + sizeof(prefix) - 1, 'a',
		       len - sizeof(prefix) + 1 - 2);
		memcpy(line + len - 2, "\r\n", 2);
		/* 0: whole; else cut there, the rest in a later packet */
		for (cut = 0; cut < len; cut += len / 3) {
			enum fm_l7_verdict want = len == FM_L7_REASM_MAX ?
						  FM_L7_MATCH : FM_L7_NO_MATCH;

			c = conv_new();
			FEED(c, C2S, "GET /big HTTP/1.1\r\n", 0);
			if (cut)
				assert_int_equal(feed(c, C2S, line, cut, 1),
						 FM_L7_MATCH);
			assert_int_equal(feed(c, C2S, line + cut, len - cut, 1),
					 want);
			FEED(c, C2S, "\r\n", 1);
			FEED(c, FM_L7_TO_CLIENT,
			     "HTTP/1.1 204 No Content\r\n\r\n", 2);
			assert_int_equal(c->nreqs, want == FM_L7_MATCH);
			conv_free(c);
		}
	}
	free(line);
}

/* Framing that makes no sense ends the following of requests. */
static void test_bad_framing(void **state)
{
	static const char *const bad[] = {
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"1\r\naXY\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n",
		"HTTP/1.1 200 OK\r\nno colon here\r\n",
		"HTTP/1.1 200 OK\r\n: empty name\r\n",
		"HTTP/1.1 2000 OK\r\n",
		"SSH-2.0-OpenSSH_9.2\r\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct conv *c = conv_new();

		assert_int_equal(FEED(c, C2S, "GET / HTTP/1.1\r\n\r\n", 0),
				 FM_L7_MATCH);
		assert_int_equal(feed(c, S2C, bad[i], strlen(bad[i]), 1),
				 FM_L7_NO_MATCH);
		conv_free(c);
	}
}

static void test_not_http(void **state)
{
	static const uint8_t client_hello[] = {
		0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03,
		0x03, 0x5a, 0x1b };
	static const struct {
		enum fm_l7_dir dir;
		const char *bytes;
	} refused[] = {
		{ C2S, "GETX / HTTP/1.1\r\n" },
		{ C2S, "get / HTTP/1.1\r\n" },
		{ C2S, "GET / FTP/1.1\r\n" },
		{ C2S, "GET / HTTP/2.0\r\n" },
		{ C2S, "GET / HTTP/1.1 \r\n" },
		{ C2S, "GET  HTTP/1.1\r\n" },
		{ C2S, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" },
		{ C2S, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" },
		{ S2C, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" },
		{ S2C, "HTTP/2 200\r\n" },
		{ S2C, "HTTP/1.1 20x OK\r\n" },
		{ S2C, "220 mail.example.com ESMTP\r\n" },
		{ C2S, "\r\nGET / HTTP/1.1\r\n" },
	};
	struct conv *c;
	uint8_t noise[256];
	uint32_t x = 12345;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		c = conv_new();
		assert_int_equal(feed(c, refused[i].dir, refused[i].bytes,
				      strlen(refused[i].bytes), 0),
				 FM_L7_NO_MATCH);
		/* and it stays so */
		assert_int_equal(FEED(c, C2S, "GET / HTTP/1.1\r\n", 1),
				 FM_L7_NO_MATCH);
		conv_free(c);
	}

	/* decided on the first byte that cannot be a method */
	c = conv_new();
	assert_int_equal(feed(c, C2S, client_hello, 1, 0), FM_L7_NO_MATCH);
	conv_free(c);
	c = conv_new();
	assert_int_equal(feed(c, C2S, client_hello, sizeof(client_hello), 0),
			 FM_L7_NO_MATCH);
	conv_free(c);
	c = conv_new();
	assert_int_equal(FEED(c, C2S, "GET", 0), FM_L7_NEED_MORE);
	assert_int_equal(FEED(c, C2S, "X", 0), FM_L7_NO_MATCH);
	conv_free(c);

	for (i = 0; i < sizeof(noise); i++) {
		x = x * 1103515245 + 12345;
		noise[i] = (uint8_t)(x >> 16);
	}
	c = conv_new();
	assert_int_equal(feed(c, S2C, noise, sizeof(noise), 0),
			 FM_L7_NO_MATCH);
	conv_free(c);

	/* HTTP/1 is a stream: a datagram is never it */
	c = conv_new();
	assert_int_equal(fm_l7_http1.feed(c->state, &c->sink, C2S, true,
					  (const uint8_t *)"GET / HTTP/1.1\r\n",
					  16, 0),
			 FM_L7_NO_MATCH);
	conv_free(c);
}

/* The server's bytes alone can claim the flow: no request to report. */
static void test_server_first(void **state)
{
	struct conv *c = conv_new();

	(void)state;
	assert_int_equal(FEED(c, S2C, "HTTP/1.1 20", 0), FM_L7_NEED_MORE);
	assert_int_equal(FEED(c, S2C, "0 ", 0), FM_L7_MATCH);
	assert_int_equal(FEED(c, S2C, "OK\r\nContent-Length: 3\r\n\r\nabc", 0),
			 FM_L7_MATCH);
	assert_int_equal(FEED(c, C2S, "GET /next HTTP/1.1\r\n\r\n", 10),
			 FM_L7_MATCH);
	assert_int_equal(FEED(c, S2C, "HTTP/1.1 200\r\n\r\n", 12), FM_L7_MATCH);
	assert_int_equal(c->nreqs, 1);
	assert_req(&c->reqs[0], "GET", "/next", 200, 2);
	conv_free(c);
}

static void test_connect_tunnel(void **state)
{
	static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x00, 0x05, 1, 2,
				       3, 4, 5 };
	struct conv *c = conv_new();

	(void)state;
	FEED(c, C2S, "CONNECT example.com:443 HTTP/1.1\r\n"
		     "Host: example.com:443\r\n\r\n", 0);
	FEED(c, S2C, "HTTP/1.1 200 Connection established\r\n\r\n", 7);
	assert_int_equal(feed(c, C2S, tls, sizeof(tls), 8), FM_L7_MATCH);
	assert_int_equal(feed(c, S2C, tls, sizeof(tls), 9), FM_L7_MATCH);
	assert_int_equal(c->nreqs, 1);
	assert_req(&c->reqs[0], "CONNECT", "example.com:443", 200, 7);
	conv_free(c);
}

/* h2c: after 101 the flow stays http, HTTP/2 bytes are not followed. */
static void test_upgrade(void **state)
{
	struct conv *c = conv_new();

	(void)state;
	FEED(c, C2S, "GET / HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
		     "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n",
	     0);
	FEED(c, S2C, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade"
		     "\r\nUpgrade: h2c\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00"
		     "\x00", 3);
	assert_int_equal(FEED(c, C2S, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 4),
			 FM_L7_MATCH);
	assert_int_equal(c->nreqs, 1);
	assert_req(&c->reqs[0], "GET", "/", 101, 3);
	conv_free(c);
}

static void test_gap(void **state)
{
	struct conv *c = conv_new();

	(void)state;
	FEED(c, C2S, "GET / HTTP/1.1\r\n\r\n", 0);
	assert_int_equal(fm_l7_http1.gap(c->state, S2C), FM_L7_NO_MATCH);
	assert_int_equal(FEED(c, S2C, "HTTP/1.1 200 OK\r\n\r\n", 1),
			 FM_L7_NO_MATCH);
	assert_int_equal(c->nreqs, 0);
	conv_free(c);
}

static void test_route_template(void **state)
{
	static const struct {
		const char *path, *route;
	} cases[] = {
		{ "/", "/" },
		{ "", "/" },
		{ "/users/42", "/users/{id}" },
		{ "/users/42/orders/7", "/users/{id}/orders/{id}" },
		{ "/users/42?expand=1&x=2", "/users/{id}" },
		{ "/page#frag", "/page" },
		{ "/items/550e8400-e29b-41d4-a716-446655440000",
		  "/items/{id}" },
		{ "/items/550E8400-E29B-41D4-A716-446655440000/x",
		  "/items/{id}/x" },
		{ "/blob/0123456789abcdef0123", "/blob/{id}" },
		{ "/blob/deadbeefdeadbeef", "/blob/{id}" },
		{ "/blob/deadbeef", "/blob/deadbeef" },
		{ "/v1/api2/oauth2", "/v1/api2/oauth2" },
		{ "/orders/ord-20240115-001", "/orders/{id}" },
		{ "/reports/2024-01-15", "/reports/{id}" },
		{ "/static/app.js", "/static/app.js" },
		{ "/a//b/", "/a//b/" },
		{ "http://example.com/users/9?q", "/users/{id}" },
		{ "HTTPS://example.com", "/" },
		{ "*", "*" },
		{ "example.com:443", "example.com:443" },
		{ "/na\x01me/\xc3\xa9", "/na_me/__" },
		{ "?only=query", "/" },
	};
	char out[FM_L7_ROUTE_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fm_l7_route_template(cases[i].path, strlen(cases[i].path),
				     out, sizeof(out));
		assert_string_equal(out, cases[i].route);
	}
	/* the length bounds the path: what follows is not read */
	fm_l7_route_template("/users/42", 6, out, sizeof(out));
	assert_string_equal(out, "/users");
}

static void test_route_cut(void **state)
{
	char out[16], big[400];

	(void)state;
	/* a placeholder is never cut in two */
	fm_l7_route_template("/users/12345", 12, out, 10);
	assert_string_equal(out, "/users/");
	fm_l7_route_template("/abcdefghijklmnopqrstuvwxyz", 27, out, 8);
	assert_string_equal(out, "/abcdef");
	memset(out, 'x', sizeof(out));
	fm_l7_route_template("/a", 2, out, 0);
	assert_int_equal(out[0], 'x');
	fm_l7_route_template("/a", 2, out, 1);
	assert_string_equal(out, "");
	memset(big, 'z', sizeof(big));
	big[0] = '/';
	fm_l7_route_template(big, sizeof(big), out, sizeof(out));
	assert_int_equal(strlen(out), sizeof(out) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_google),
		cmocka_unit_test(test_real_manipulated),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_pipelining_bound),
		cmocka_unit_test(test_chunked_every_split),
		cmocka_unit_test(test_no_body),
		cmocka_unit_test(test_continue),
		cmocka_unit_test(test_server_errors),
		cmocka_unit_test(test_body_until_close),
		cmocka_unit_test(test_oversized_headers),
		cmocka_unit_test(test_line_limit_whole_or_cut),
		cmocka_unit_test(test_bad_framing),
		cmocka_unit_test(test_not_http),
		cmocka_unit_test(test_server_first),
		cmocka_unit_test(test_connect_tunnel),
		cmocka_unit_test(test_upgrade),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_route_template),
		cmocka_unit_test(test_route_cut),
	};

	return cmocka_run_group_tests_name("l7_http", tests, NULL, NULL);
}
