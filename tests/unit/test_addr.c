// SPDX-License-Identifier: GPL-2.0
/* Address and endpoint formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "lib/addr.h"

struct addr_case {
	int family;
	const char *in;		/* parsed with inet_pton */
	uint16_t port;
	const char *addr;	/* expected fm_addr_str() */
	const char *endpoint;	/* expected fm_endpoint_str() */
};

static const struct addr_case addr_cases[] = {
	{ AF_INET, "198.18.0.1", 80, "198.18.0.1", "198.18.0.1:80" },
	{ AF_INET, "0.0.0.0", 0, "0.0.0.0", "0.0.0.0:0" },
	{ AF_INET, "255.255.255.255", 65535, "255.255.255.255",
	  "255.255.255.255:65535" },
	{ AF_INET6, "fd00::1", 443, "fd00::1", "[fd00::1]:443" },
	/* RFC 5952: lower case, longest zero run compressed */
	{ AF_INET6, "FD00:0:0:1:0:0:0:1", 8080, "fd00:0:0:1::1",
	  "[fd00:0:0:1::1]:8080" },
	{ AF_INET6, "::", 1, "::", "[::]:1" },
	{ AF_INET6, "::ffff:198.18.0.9", 53, "::ffff:198.18.0.9",
	  "[::ffff:198.18.0.9]:53" },
	{ AF_INET6, "2001:db8:1234:5678:9abc:def0:1234:5678", 65535,
	  "2001:db8:1234:5678:9abc:def0:1234:5678",
	  "[2001:db8:1234:5678:9abc:def0:1234:5678]:65535" },
};

static void test_addr_cases(void **state)
{
	char buf[FM_ENDPOINT_STRLEN];
	unsigned char raw[16];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(addr_cases) / sizeof(*addr_cases); i++) {
		const struct addr_case *c = &addr_cases[i];

		assert_int_equal(inet_pton(c->family, c->in, raw), 1);
		n = fm_addr_str(c->family, raw, buf, FM_ADDR_STRLEN);
		assert_int_equal(n, strlen(c->addr));
		assert_string_equal(buf, c->addr);
		n = fm_endpoint_str(c->family, raw, c->port, buf, sizeof(buf));
		assert_int_equal(n, strlen(c->endpoint));
		assert_string_equal(buf, c->endpoint);
	}
}

static void test_addr_bad_family(void **state)
{
	unsigned char raw[16] = { 0 };
	char buf[FM_ENDPOINT_STRLEN];

	(void)state;
	assert_int_equal(fm_addr_str(AF_UNIX, raw, buf, sizeof(buf)),
			 -EAFNOSUPPORT);
	assert_int_equal(fm_endpoint_str(0, raw, 1, buf, sizeof(buf)),
			 -EAFNOSUPPORT);
}

/* Exactly sized heap buffers: ASan catches a write past the end. */
static void test_addr_short_buffer(void **state)
{
	static const char full[] = "[2001:db8:1234:5678:9abc:def0:1234:5678]:65535";
	unsigned char raw[16];
	char *buf;
	size_t len;

	(void)state;
	inet_pton(AF_INET6, "2001:db8:1234:5678:9abc:def0:1234:5678", raw);
	for (len = 1; len <= sizeof(full); len++) {
		buf = malloc(len);
		assert_non_null(buf);
		if (len < sizeof(full))
			assert_int_equal(fm_endpoint_str(AF_INET6, raw, 65535,
							 buf, len), -ENOSPC);
		else
			assert_int_equal(fm_endpoint_str(AF_INET6, raw, 65535,
							 buf, len),
					 sizeof(full) - 1);
		free(buf);
	}
	buf = malloc(3);
	assert_non_null(buf);
	assert_int_equal(fm_addr_str(AF_INET6, raw, buf, 3), -ENOSPC);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_cases),
		cmocka_unit_test(test_addr_bad_family),
		cmocka_unit_test(test_addr_short_buffer),
	};

	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
