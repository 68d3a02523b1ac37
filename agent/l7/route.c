// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP route templating: one route per handler rather than one per
 * resource, so that /users/17 and /users/42 count as the same route.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "l7/l7.h"

/* Digit-heavy segments: at least this many digits, a third of the bytes. */
#define ROUTE_ID_MIN_DIGITS	3
#define ROUTE_HEX_ID_MIN	16
#define ROUTE_UUID_LEN		36

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_uuid(const char *s, size_t n)
{
	size_t i;

	if (n != ROUTE_UUID_LEN)
		return false;
	for (i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !is_hex(s[i]))
			return false;
	}
	return true;
}

/* Whether a path segment names one resource rather than a handler. */
static bool is_id(const char *s, size_t n)
{
	size_t i, digits = 0, hex = 0;

	for (i = 0; i < n; i++) {
		digits += is_digit(s[i]);
		hex += is_hex(s[i]);
	}
	if (!n)
		return false;
	if (digits == n)
		return true;
	if (hex == n && n >= ROUTE_HEX_ID_MIN)
		return true;
	if (is_uuid(s, n))
		return true;
	return digits >= ROUTE_ID_MIN_DIGITS && 3 * digits >= n;
}

struct route_out {
	char *buf;
	size_t len, used;	/* used < len: room for the NUL */
	bool full;
};

/*
 * Appends what fits of @n bytes; a @whole token is appended entirely or
 * not at all, and nothing follows the first thing cut.
 */
static void put(struct route_out *o, const char *s, size_t n, bool whole)
{
	size_t i;

	if (o->full)
		return;
	if (o->used + n > o->len - 1) {
		o->full = true;
		n = whole ? 0 : o->len - 1 - o->used;
	}
	/* routes travel in JSON and logs: printable ASCII only */
	for (i = 0; i < n; i++)
		o->buf[o->used++] = s[i] > ' ' && s[i] < 0x7f ? s[i] : '_';
}

static bool has_prefix_nocase(const char *s, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix);

	return n >= plen && !strncasecmp(s, prefix, plen);
}

void fm_l7_route_template(const char *path, size_t path_len, char *out,
			  size_t len)
{
	struct route_out o = { .buf = out, .len = len };
	size_t end, i = 0;
	bool origin;

	if (!len)
		return;
	for (end = 0; end < path_len; end++)
		if (path[end] == '?' || path[end] == '#' || !path[end])
			break;
	/* absolute form (proxies): the route is the path after the host */
	if (has_prefix_nocase(path, end, "http://"))
		i = strlen("http://");
	else if (has_prefix_nocase(path, end, "https://"))
		i = strlen("https://");
	if (i)
		while (i < end && path[i] != '/')
			i++;
	/* "*" and CONNECT's host:port are kept as they are */
	origin = i < end && path[i] == '/';
	while (i < end) {
		size_t seg = i;

		if (path[i] == '/') {
			put(&o, "/", 1, false);
			i++;
			continue;
		}
		while (i < end && path[i] != '/')
			i++;
		if (origin && is_id(path + seg, i - seg))
			put(&o, "{id}", 4, true);
		else
			put(&o, path + seg, i - seg, false);
	}
	if (!o.used)
		put(&o, "/", 1, false);
	out[o.used] = '\0';
}
