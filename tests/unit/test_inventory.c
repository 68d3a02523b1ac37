// SPDX-License-Identifier: GPL-2.0
/* The node inventory file and naming addresses through identity sources. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "lib/inventory.h"

/* Parses @len bytes of @text as file "inv"; the errors, if any, in *errs. */
static int parse_buf(const char *text, size_t len, struct fm_inventory *inv,
		     char **errs)
{
	size_t errlen;
	FILE *in, *err;
	int rc;

	in = fmemopen((void *)text, len, "r");
	assert_non_null(in);
	err = open_memstream(errs, &errlen);
	assert_non_null(err);
	rc = fm_inventory_parse(in, "inv", inv, err);
	fclose(in);
	fclose(err);
	return rc;
}

static int parse(const char *text, struct fm_inventory *inv, char **errs)
{
	return parse_buf(text, strlen(text), inv, errs);
}

static const char good[] =
	"# the nodes of rack 4\n"
	"\n"
	"10.0.0.0/8        corp\n"
	"10.1.0.0/16  web  name=web-1 namespace=prod tier=front app=shop # ok\n"
	"  10.1.2.3\tdb\t\n"
	"fd00::/8 v6net\n"
	"FD00::7 v6host zone=a app.kubernetes.io/name=api\r\n"
	"::ffff:10.1.2.3 mapped\n"
	"0.0.0.0/0 world";			/* no final newline */

static bool lookup(struct fm_inventory *inv, int family, const char *text,
		   struct fm_identity *id)
{
	struct fm_identity_source src;
	uint8_t addr[16] = { 0 };

	assert_int_equal(inet_pton(family, text, addr), 1);
	fm_inventory_source(inv, &src);
	assert_string_equal(src.kind, "inventory");
	return src.lookup(src.ctx, (uint8_t)family, addr, id);
}

static const char *service_of(struct fm_inventory *inv, int family,
			      const char *text)
{
	static struct fm_identity id;

	if (!lookup(inv, family, text, &id))
		return NULL;
	return id.service;
}

static void test_good_file(void **state)
{
	struct fm_inventory inv = { 0 };
	struct fm_identity id;
	char *errs;
	size_t i;

	(void)state;
	assert_int_equal(parse(good, &inv, &errs), 0);
	assert_string_equal(errs, "");
	free(errs);
	assert_int_equal(inv.len, 7);
	for (i = 1; i < inv.len; i++)
		assert_true(inv.v[i - 1].prefix >= inv.v[i].prefix);

	assert_true(lookup(&inv, AF_INET, "10.1.9.9", &id));
	assert_string_equal(id.service, "web");
	assert_string_equal(id.name, "web-1");
	assert_string_equal(id.namespace_, "prod");
	assert_string_equal(id.labels, "app=shop,tier=front");

	assert_true(lookup(&inv, AF_INET6, "fd00::7", &id));
	assert_string_equal(id.service, "v6host");
	assert_string_equal(id.name, "");
	assert_string_equal(id.labels, "app.kubernetes.io/name=api,zone=a");
	fm_inventory_free(&inv);
	assert_null(inv.v);
}

static void test_longest_prefix(void **state)
{
	struct fm_inventory inv = { 0 };
	char *errs;

	(void)state;
	assert_int_equal(parse(good, &inv, &errs), 0);
	free(errs);
	assert_string_equal(service_of(&inv, AF_INET, "10.1.2.3"), "db");
	assert_string_equal(service_of(&inv, AF_INET, "10.1.2.4"), "web");
	assert_string_equal(service_of(&inv, AF_INET, "10.1.255.255"), "web");
	assert_string_equal(service_of(&inv, AF_INET, "10.2.0.0"), "corp");
	assert_string_equal(service_of(&inv, AF_INET, "192.0.2.1"), "world");
	assert_string_equal(service_of(&inv, AF_INET6, "fd00::7"), "v6host");
	assert_string_equal(service_of(&inv, AF_INET6, "fdff::1"), "v6net");
	/* 0.0.0.0/0 is IPv4 only */
	assert_null(service_of(&inv, AF_INET6, "2001:db8::1"));
	assert_null(service_of(&inv, AF_INET6, "fe00::1"));
	fm_inventory_free(&inv);
}

static void test_prefix_bits(void **state)
{
	struct fm_inventory inv = { 0 };
	char *errs;

	(void)state;
	/* prefixes that end inside a byte */
	assert_int_equal(parse("192.168.4.0/22 a\n192.168.0.0/21 b\n"
			       "fd00:0:0:ff80::/57 c\n", &inv, &errs), 0);
	free(errs);
	assert_string_equal(service_of(&inv, AF_INET, "192.168.7.255"), "a");
	assert_string_equal(service_of(&inv, AF_INET, "192.168.3.1"), "b");
	assert_null(service_of(&inv, AF_INET, "192.168.8.0"));
	assert_string_equal(service_of(&inv, AF_INET6, "fd00:0:0:ffff::1"),
			    "c");
	assert_null(service_of(&inv, AF_INET6, "fd00:0:0:ff00::1"));
	fm_inventory_free(&inv);
}

static void test_mapped_is_v6(void **state)
{
	struct fm_inventory inv = { 0 };
	char *errs;

	(void)state;
	assert_int_equal(parse(good, &inv, &errs), 0);
	free(errs);
	/* the mapped entry names the IPv6 address only, and back */
	assert_string_equal(service_of(&inv, AF_INET6, "::ffff:10.1.2.3"),
			    "mapped");
	assert_null(service_of(&inv, AF_INET6, "::ffff:10.1.2.4"));
	assert_string_equal(service_of(&inv, AF_INET, "10.1.2.3"), "db");
	fm_inventory_free(&inv);
}

struct bad_case {
	const char *line;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{ "10.0.0.256 x", "'10.0.0.256' is not an IPv4 or IPv6 address" },
	{ "web 10.0.0.1", "'web' is not an IPv4 or IPv6 address" },
	{ "fd00:::1 x", "'fd00:::1' is not an IPv4 or IPv6 address" },
	{ "10.0.0.0/33 x", "prefix '/33' is not a number from 0 to 32" },
	{ "fd00::/129 x", "prefix '/129' is not a number from 0 to 128" },
	{ "10.0.0.0/ x", "prefix '/' is not a number from 0 to 32" },
	{ "10.0.0.0/+8 x", "prefix '/+8' is not a number from 0 to 32" },
	{ "10.0.0.0/0008 x", "prefix '/0008' is not a number from 0 to 32" },
	{ "10.0.0.1/8 x",
	  "host bits are set in 10.0.0.1/8 (the network is 10.0.0.0/8)" },
	{ "fd00::1/64 x",
	  "host bits are set in fd00::1/64 (the network is fd00::/64)" },
	{ "10.0.0.0/8", "missing service after the address" },
	{ "10.0.0.0/8 # web", "missing service after the address" },
	{ "10.0.0.0/8 we$b",
	  "service 'we$b' is not 1 to 63 of A-Z a-z 0-9 . _ -" },
	{ "10.0.0.0/8 a=b", "service 'a=b' is not 1 to 63 of A-Z a-z 0-9 . _ -" },
	{ "10.0.0.0/8 "
	  "s123456789012345678901234567890123456789012345678901234567890123",
	  "service 's123456789012345678901234567890123456789012345678901234567890123' is not 1 to 63 of A-Z a-z 0-9 . _ -" },
	{ "10.0.0.0/8 web tier", "expected KEY=VALUE, got 'tier'" },
	{ "10.0.0.0/8 web =x",
	  "key '' is not 1 to 63 of A-Z a-z 0-9 . _ / -" },
	{ "10.0.0.0/8 web a:b=x",
	  "key 'a:b' is not 1 to 63 of A-Z a-z 0-9 . _ / -" },
	{ "10.0.0.0/8 web a=",
	  "a: value '' is not 1 to 63 of A-Z a-z 0-9 . _ -" },
	{ "10.0.0.0/8 web a=b=c",
	  "a: value 'b=c' is not 1 to 63 of A-Z a-z 0-9 . _ -" },
	{ "10.0.0.0/8 web name=\"x\"",
	  "name: value '\"x\"' is not 1 to 63 of A-Z a-z 0-9 . _ -" },
	{ "10.0.0.0/8 web a=1 b=2 a=3", "key 'a' given twice" },
	{ "10.0.0.0/8 web name=a name=b", "key 'name' given twice" },
};

static void test_bad_lines(void **state)
{
	struct fm_inventory inv = { 0 };
	char text[512], want[512], *errs;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		/* on line 3, after a good line and a comment */
		snprintf(text, sizeof(text), "10.9.0.0/16 ok\n# c\n%s\n",
			 bad_cases[i].line);
		snprintf(want, sizeof(want), "inv:3: %s\n", bad_cases[i].msg);
		assert_int_equal(parse(text, &inv, &errs), -EINVAL);
		assert_string_equal(errs, want);
		free(errs);
		assert_null(inv.v);
	}
}

static void test_labels_too_long(void **state)
{
	struct fm_inventory inv = { 0 };
	char text[1024], *errs;
	int i, n;

	(void)state;
	/* five labels of 55 characters: 279 with the commas */
	n = snprintf(text, sizeof(text), "10.0.0.0/8 web");
	for (i = 0; i < 5; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      " k%d=%052d", i, i);
	assert_int_equal(parse(text, &inv, &errs), -EINVAL);
	assert_string_equal(errs,
			    "inv:1: labels longer than 255 characters in all\n");
	free(errs);
	/* four fit: 223 */
	text[strlen(text) - 56] = '\0';
	assert_int_equal(parse(text, &inv, &errs), 0);
	assert_string_equal(errs, "");
	free(errs);
	assert_int_equal(strlen(inv.v[0].id.labels), 4 * 55 + 3);
	fm_inventory_free(&inv);
}

static void test_long_line_and_nul(void **state)
{
	struct fm_inventory inv = { 0 };
	static const char nul[] = "10.0.0.0/8 web\n10.1.0.0/16 w\0x\n";
	char text[4096], *errs;

	(void)state;
	/* 1023 characters are allowed, 1024 are not */
	memset(text, ' ', sizeof(text));
	memcpy(text, "10.0.0.0/8 web", 14);
	text[1023] = '\n';
	memcpy(text + 1024, "10.1.0.0/16 w2", 14);
	text[1024 + 1024] = '\n';
	text[1024 + 1025] = '\0';
	assert_int_equal(parse(text, &inv, &errs), -EINVAL);
	assert_string_equal(errs, "inv:2: line longer than 1023 characters\n");
	free(errs);
	text[1024 + 1023] = '\n';
	text[1024 + 1024] = '\0';
	assert_int_equal(parse(text, &inv, &errs), 0);
	free(errs);
	assert_int_equal(inv.len, 2);
	fm_inventory_free(&inv);

	assert_int_equal(parse_buf(nul, sizeof(nul) - 1, &inv, &errs), -EINVAL);
	assert_string_equal(errs, "inv:2: NUL byte in the line\n");
	free(errs);
}

static void test_duplicates(void **state)
{
	struct fm_inventory inv = { 0 };
	char *errs;

	(void)state;
	/* the same network however written; every line with a fault */
	assert_int_equal(parse("10.0.0.0/8 a\n"
			       "10.0.0.1 b\n"
			       "fd00::0/16 c\n"
			       "10.0.0.0/8 d\n"
			       "bad e\n"
			       "FD00:0::/16 f\n"
			       "10.0.0.0/08 g\n", &inv, &errs), -EINVAL);
	assert_string_equal(errs,
			    "inv:5: 'bad' is not an IPv4 or IPv6 address\n"
			    "inv:4: 10.0.0.0/8 is already on line 1\n"
			    "inv:6: fd00::/16 is already on line 3\n"
			    "inv:7: 10.0.0.0/8 is already on line 1\n");
	free(errs);
	/* one address, two families: no duplicate */
	assert_int_equal(parse("10.0.0.1 a\n::ffff:10.0.0.1 b\n", &inv, &errs),
			 0);
	free(errs);
	fm_inventory_free(&inv);
}

static void test_too_many(void **state)
{
	struct fm_inventory inv = { 0 };
	size_t n = 0, cap = (FM_INVENTORY_MAX_ENTRIES + 2) * 24;
	char *text = malloc(cap), *errs;
	unsigned int i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < FM_INVENTORY_MAX_ENTRIES + 2; i++)
		n += (size_t)snprintf(text + n, cap - n, "10.%u.%u.%u s\n",
				      i >> 16, (i >> 8) & 255, i & 255);
	assert_int_equal(parse_buf(text, n, &inv, &errs), -EINVAL);
	/* said once, on the first line too many */
	assert_string_equal(errs, "inv:65537: more than 65536 entries\n");
	free(errs);
	/* the cap itself is fine */
	n = (size_t)(strstr(text, "10.0.1.0 s\n") - text);
	assert_int_equal(parse_buf(text, n, &inv, &errs), 0);
	free(errs);
	assert_int_equal(inv.len, 256);
	fm_inventory_free(&inv);
	free(text);
}

static void test_bad_keeps_old(void **state)
{
	struct fm_inventory inv = { 0 };
	char *errs;

	(void)state;
	assert_int_equal(parse(good, &inv, &errs), 0);
	free(errs);
	assert_int_equal(parse("10.0.0.0/8 new\n10.0.0.0/33 x\n", &inv, &errs),
			 -EINVAL);
	free(errs);
	assert_int_equal(inv.len, 7);
	assert_string_equal(service_of(&inv, AF_INET, "10.2.0.0"), "corp");
	/* an empty file is a good, empty inventory */
	assert_int_equal(parse("# nothing yet\n", &inv, &errs), 0);
	free(errs);
	assert_int_equal(inv.len, 0);
	assert_null(service_of(&inv, AF_INET, "10.2.0.0"));
	fm_inventory_free(&inv);
}

static void test_load(void **state)
{
	struct fm_inventory inv = { 0 };
	char path[] = "/tmp/fm-inventory-XXXXXX";
	FILE *f;
	int fd;

	(void)state;
	assert_int_equal(fm_inventory_load("/nonexistent/inventory", &inv,
					   NULL), -ENOENT);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(good, f);
	fclose(f);
	assert_int_equal(fm_inventory_load(path, &inv, NULL), 0);
	assert_int_equal(inv.len, 7);
	fm_inventory_free(&inv);
	unlink(path);
}

/* A source that knows one address, to stand before or after the file. */
static bool fixed_lookup(void *ctx, uint8_t family, const uint8_t *addr,
			 struct fm_identity *out)
{
	static const uint8_t known[4] = { 10, 1, 2, 3 };

	if (family != AF_INET || memcmp(addr, known, 4))
		return false;
	snprintf(out->service, sizeof(out->service), "%s", (char *)ctx);
	return true;
}

static void test_resolve(void **state)
{
	static char pod[] = "pod-x";
	struct fm_identity_source fixed = { "fixed", fixed_lookup, pod };
	struct fm_identity_map map = { .nsrc = 0 }, rev = { .nsrc = 0 };
	struct fm_inventory inv = { 0 };
	struct fm_identity_source src;
	struct fm_identity id;
	uint8_t v4[16] = { 0 }, v6[16];
	char *errs;

	(void)state;
	assert_int_equal(parse(good, &inv, &errs), 0);
	free(errs);
	fm_inventory_source(&inv, &src);

	/* no source at all: every address is its own name */
	inet_pton(AF_INET, "10.1.2.3", v4);
	assert_false(fm_identity_resolve(&map, AF_INET, v4, &id));
	assert_string_equal(id.service, "10.1.2.3");

	assert_int_equal(fm_identity_add_source(&map, &src), 0);
	assert_int_equal(fm_identity_add_source(&map, &fixed), 0);
	assert_int_equal(fm_identity_add_source(&rev, &fixed), 0);
	assert_int_equal(fm_identity_add_source(&rev, &src), 0);
	/* the first source that knows the address names it */
	assert_true(fm_identity_resolve(&map, AF_INET, v4, &id));
	assert_string_equal(id.service, "db");
	assert_true(fm_identity_resolve(&rev, AF_INET, v4, &id));
	assert_string_equal(id.service, "pod-x");
	inet_pton(AF_INET, "10.1.7.7", v4);
	assert_true(fm_identity_resolve(&rev, AF_INET, v4, &id));
	assert_string_equal(id.service, "web");
	assert_string_equal(id.labels, "app=shop,tier=front");

	/* unknown: the address text, nothing else */
	inet_pton(AF_INET6, "2001:db8::1", v6);
	assert_false(fm_identity_resolve(&map, AF_INET6, v6, &id));
	assert_string_equal(id.service, "2001:db8::1");
	assert_string_equal(id.name, "");
	assert_string_equal(id.namespace_, "");
	assert_string_equal(id.labels, "");
	inet_pton(AF_INET6, "::ffff:192.0.2.1", v6);
	assert_false(fm_identity_resolve(&map, AF_INET6, v6, &id));
	assert_string_equal(id.service, "::ffff:192.0.2.1");

	assert_int_equal(fm_identity_add_source(&map, &fixed), 0);
	assert_int_equal(fm_identity_add_source(&map, &fixed), 0);
	assert_int_equal(fm_identity_add_source(&map, &fixed), -ENOSPC);
	assert_int_equal(map.nsrc, FM_IDENTITY_SOURCES_MAX);
	fm_inventory_free(&inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_longest_prefix),
		cmocka_unit_test(test_prefix_bits),
		cmocka_unit_test(test_mapped_is_v6),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_labels_too_long),
		cmocka_unit_test(test_long_line_and_nul),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_bad_keeps_old),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests_name("inventory", tests, NULL, NULL);
}
