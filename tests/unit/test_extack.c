// SPDX-License-Identifier: GPL-2.0
/*
 * Extended ACKs: the kernel's reason for refusing a request, read from
 * NLMSG_ERROR (capped or not) and NLMSG_DONE, mapped back onto the request,
 * and printed by every verb.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/flowmesh.h>
#include "cli/cli.h"
#include "lib/config.h"
#include "lib/flow.h"
#include "lib/genl.h"
#include "fake_nl.h"
#include "golden.h"
#include "nlbuild.h"

static int parse_copy(const struct nlmsghdr *nlh, struct fm_nl_extack *ext)
{
	struct nlmsghdr *copy = malloc(nlh->nlmsg_len);
	int err;

	assert_non_null(copy);
	memcpy(copy, nlh, nlh->nlmsg_len);
	err = fm_nl_parse_extack(copy, ext);
	free(copy);
	return err;
}

static void test_extack_capped(void **state)
{
	struct fm_nl_extack ext;
	union nlb_msg m;

	(void)state;
	assert_int_equal(parse_copy(nlb_error_ext(m.buf, -EINVAL,
						  "ring_size must be a power of two",
						  true, 44, true, NULL), &ext), 0);
	assert_int_equal(ext.error, -EINVAL);
	assert_string_equal(ext.msg, "ring_size must be a power of two");
	assert_true(ext.has_offset);
	assert_int_equal(ext.offset, 44);
	assert_int_equal(ext.depth, 0);
}

/* Without NETLINK_CAP_ACK the request comes back first, padded. */
static void test_extack_uncapped(void **state)
{
	union nlb_msg req, m;
	struct fm_nl_extack ext;
	struct nlmsghdr *r;

	(void)state;
	r = nlb_genl(req.buf, NLB_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK,
		     FLOWMESH_CMD_SET_CONFIG);
	mnl_attr_put(r, FLOWMESH_A_CONFIG, 3, "abc");	/* an odd length */
	assert_int_equal(parse_copy(nlb_error_ext(m.buf, -ERANGE, "too big",
						  true, 20, false, r), &ext), 0);
	assert_int_equal(ext.error, -ERANGE);
	assert_string_equal(ext.msg, "too big");
	assert_int_equal(ext.offset, 20);

	/* no message, only an offset; and no TLVs at all */
	assert_int_equal(parse_copy(nlb_error_ext(m.buf, -EINVAL, NULL, true, 8,
						  false, NULL), &ext), 0);
	assert_string_equal(ext.msg, "");
	assert_true(ext.has_offset);
	assert_int_equal(parse_copy(nlb_error(m.buf, -ENOENT), &ext), 0);
	assert_int_equal(ext.error, -ENOENT);
	assert_string_equal(ext.msg, "");
	assert_false(ext.has_offset);

	/* an acknowledgement can carry a warning */
	assert_int_equal(parse_copy(nlb_error_ext(m.buf, 0, "deprecated", false,
						  0, true, NULL), &ext), 0);
	assert_int_equal(ext.error, 0);
	assert_string_equal(ext.msg, "deprecated");
}

static void test_extack_done(void **state)
{
	struct fm_nl_extack ext;
	union nlb_msg m;

	(void)state;
	assert_int_equal(parse_copy(nlb_done_ext(m.buf, -EMSGSIZE,
						 "dump failed"), &ext), 0);
	assert_int_equal(ext.error, -EMSGSIZE);
	assert_string_equal(ext.msg, "dump failed");
	assert_int_equal(parse_copy(nlb_done(m.buf, 0), &ext), 0);
	assert_int_equal(ext.error, 0);
}

/* Broken TLVs lose the message, never the error. */
static void test_extack_malformed(void **state)
{
	struct fm_nl_extack ext;
	struct nlmsghdr *nlh;
	struct nlattr *attr;
	union nlb_msg m;

	(void)state;
	/* a message without its terminating NUL */
	nlh = nlb_error_ext(m.buf, -EINVAL, NULL, false, 0, true, NULL);
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 4, "oops");
	assert_int_equal(parse_copy(nlh, &ext), -EBADMSG);
	assert_int_equal(ext.error, -EINVAL);
	assert_string_equal(ext.msg, "");

	/* an offset that is not a u32 */
	nlh = nlb_error_ext(m.buf, -EINVAL, "x", false, 0, true, NULL);
	mnl_attr_put_u16(nlh, NLMSGERR_ATTR_OFFS, 4);
	assert_int_equal(parse_copy(nlh, &ext), -EBADMSG);

	/* a TLV running past the message */
	nlh = nlb_error_ext(m.buf, -EINVAL, "hello", false, 0, true, NULL);
	attr = (struct nlattr *)((char *)nlh + NLMSG_HDRLEN +
				 sizeof(struct nlmsgerr));
	attr->nla_len += 64;
	assert_int_equal(parse_copy(nlh, &ext), -EBADMSG);

	/* uncapped, claiming a request longer than the message */
	nlh = nlb_error_ext(m.buf, -EINVAL, "hello", false, 0, false, NULL);
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len =
		0xfffffffd;
	assert_int_equal(parse_copy(nlh, &ext), -EBADMSG);
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 3;
	assert_int_equal(parse_copy(nlh, &ext), -EBADMSG);

	/* too short to be an error at all */
	nlh = mnl_nlmsg_put_header(m.buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;
	assert_int_equal(parse_copy(nlh, &ext), -EBADMSG);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(parse_copy(nlh, &ext), -EBADMSG);
	nlh->nlmsg_type = NLB_FAMILY_ID;
	assert_int_equal(parse_copy(nlh, &ext), -EBADMSG);
}

/* What reaches the terminal is printable ASCII, and bounded. */
static void test_extack_sanitized(void **state)
{
	char longmsg[600];
	struct fm_nl_extack ext;
	union nlb_msg m;

	(void)state;
	assert_int_equal(parse_copy(nlb_error_ext(m.buf, -EINVAL,
						  "bad\033[31m\tvalue\n\xc3\xa9",
						  false, 0, true, NULL), &ext), 0);
	assert_string_equal(ext.msg, "bad?[31m?value???");

	memset(longmsg, 'x', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	assert_int_equal(parse_copy(nlb_error_ext(m.buf, -EINVAL, longmsg,
						  false, 0, true, NULL), &ext), 0);
	assert_int_equal(strlen(ext.msg), FM_NL_EXTACK_MSG_MAX - 1);
}

/* An offset names the attribute of the request it points at. */
static void test_extack_attr_path(void **state)
{
	struct fm_config cfg = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest, *attr;
	uint16_t path[FM_NL_EXTACK_DEPTH];
	union nlb_msg m;
	uint32_t off;
	char err[128];
	size_t n = 0;

	(void)state;
	assert_int_equal(fm_config_assign(&cfg, "timeout_udp=5", err,
					  sizeof(err)), 0);
	assert_int_equal(fm_config_assign(&cfg, "ring_size=1000", err,
					  sizeof(err)), 0);
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_SET_CONFIG);
	assert_int_equal(fm_config_put(nlh, sizeof(m.buf), &cfg), 0);
	nest = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	off = (uint32_t)((char *)nest - (char *)nlh);
	assert_int_equal(fm_nl_attr_path(nlh, GENL_HDRLEN, off, path, 4), 1);
	assert_int_equal(path[0], FLOWMESH_A_CONFIG);

	mnl_attr_for_each_nested(attr, nest) {
		off = (uint32_t)((char *)attr - (char *)nlh);
		assert_int_equal(fm_nl_attr_path(nlh, GENL_HDRLEN, off, path, 4),
				 2);
		assert_int_equal(path[0], FLOWMESH_A_CONFIG);
		assert_int_equal(path[1], mnl_attr_get_type(attr));
		/* inside a value, or past the end: nothing */
		assert_int_equal(fm_nl_attr_path(nlh, GENL_HDRLEN, off + 4,
						 path, 4), 0);
		n++;
	}
	assert_int_equal(n, 2);
	assert_int_equal(fm_nl_attr_path(nlh, GENL_HDRLEN, 0, path, 4), 0);
	assert_int_equal(fm_nl_attr_path(nlh, GENL_HDRLEN, 2, path, 4), 0);
	assert_int_equal(fm_nl_attr_path(nlh, GENL_HDRLEN, nlh->nlmsg_len,
					 path, 4), 0);
	assert_int_equal(fm_nl_attr_path(nlh, GENL_HDRLEN, 0xffffffff, path,
					 4), 0);
	/* deeper than the caller has room for */
	off = (uint32_t)((char *)mnl_attr_get_payload(nest) - (char *)nlh);
	assert_int_equal(fm_nl_attr_path(nlh, GENL_HDRLEN, off, path, 1), 0);
}

/* What stderr got from @fn, in a string the caller frees. */
static char *stderr_of(int (*fn)(const void *arg), const void *arg, int *ret)
{
	FILE *tmp = tmpfile();
	int saved;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	*ret = fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	return slurp(tmp);
}

struct set_case {
	struct fm_nl *nl;
	struct fm_config *cfg;
};

static int run_set(const void *arg)
{
	const struct set_case *c = arg;
	int err = fm_config_set(c->nl, c->cfg);

	assert_true(err < 0);
	return config_report_set(c->nl, err);
}

/* config set: the reason, and the setting the kernel pointed at. */
static void test_extack_config_set(void **state)
{
	struct nlb_dgram *d = calloc(1, sizeof(*d));
	struct fm_config cfg = { 0 };
	struct set_case c = { .cfg = &cfg };
	struct fake_nl fake;
	struct fm_nl nl;
	struct nlmsghdr *req;
	struct nlattr *nest, *attr, *ring = NULL;
	union nlb_msg m;
	char err[128], *msg;
	uint32_t off;
	int ret;

	(void)state;
	assert_non_null(d);
	c.nl = &nl;
	assert_int_equal(fm_config_assign(&cfg, "timeout_udp=5", err,
					  sizeof(err)), 0);
	assert_int_equal(fm_config_assign(&cfg, "ring_size=1000", err,
					  sizeof(err)), 0);
	/* where ring_size will sit in the request */
	req = nlb_genl(m.buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_SET_CONFIG);
	assert_int_equal(fm_config_put(req, sizeof(m.buf), &cfg), 0);
	nest = mnl_nlmsg_get_payload_offset(req, GENL_HDRLEN);
	mnl_attr_for_each_nested(attr, nest)
		if (mnl_attr_get_type(attr) == FLOWMESH_CONFIG_A_RING_SIZE)
			ring = attr;
	assert_non_null(ring);
	off = (uint32_t)((char *)ring - (char *)req);

	/* a policy failure: generic words, the offset tells which */
	fake_nl_init(&fake, &nl);
	nlb_add(d, nlb_error_ext(nlb_tail(d), -ERANGE, "integer out of range",
				 true, off, true, NULL));
	fake_nl_queue(&fake, d->u.buf, d->len);
	msg = stderr_of(run_set, &c, &ret);
	assert_int_equal(ret, CLI_EXIT_RUNTIME);
	assert_int_equal(nl.extack.depth, 2);
	assert_string_equal(msg, "flowmesh: the kernel rejected the configuration: ring_size: integer out of range\n");
	free(msg);
	fake_nl_free(&fake);

	/* a reason that names the setting already */
	d->len = 0;
	fake_nl_init(&fake, &nl);
	nlb_add(d, nlb_error_ext(nlb_tail(d), -EINVAL,
				 "ring_size must be a power of two", true, off,
				 true, NULL));
	fake_nl_queue(&fake, d->u.buf, d->len);
	msg = stderr_of(run_set, &c, &ret);
	assert_int_equal(ret, CLI_EXIT_RUNTIME);
	assert_string_equal(msg, "flowmesh: the kernel rejected the configuration: ring_size must be a power of two\n");
	free(msg);
	fake_nl_free(&fake);

	/* no reason given */
	d->len = 0;
	fake_nl_init(&fake, &nl);
	nlb_add(d, nlb_error(nlb_tail(d), -EINVAL));
	fake_nl_queue(&fake, d->u.buf, d->len);
	msg = stderr_of(run_set, &c, &ret);
	assert_int_equal(ret, CLI_EXIT_RUNTIME);
	assert_string_equal(msg, "flowmesh: the kernel rejected the configuration: Invalid argument\n");
	free(msg);
	fake_nl_free(&fake);

	/* outside the initial namespace: still permission denied */
	d->len = 0;
	fake_nl_init(&fake, &nl);
	nlb_add(d, nlb_error_ext(nlb_tail(d), -EPERM,
				 "node-wide command: run it in the initial network namespace",
				 false, 0, true, NULL));
	fake_nl_queue(&fake, d->u.buf, d->len);
	msg = stderr_of(run_set, &c, &ret);
	assert_int_equal(ret, CLI_EXIT_PERMISSION);
	assert_string_equal(msg, "flowmesh: permission denied: changing the configuration: node-wide command: run it in the initial network namespace\n");
	free(msg);
	fake_nl_free(&fake);

	/* without privileges: the kernel says nothing more */
	d->len = 0;
	fake_nl_init(&fake, &nl);
	nlb_add(d, nlb_error(nlb_tail(d), -EPERM));
	fake_nl_queue(&fake, d->u.buf, d->len);
	msg = stderr_of(run_set, &c, &ret);
	assert_int_equal(ret, CLI_EXIT_PERMISSION);
	assert_string_equal(msg, "flowmesh: permission denied: changing the configuration needs CAP_NET_ADMIN (run as root)\n");
	free(msg);
	fake_nl_free(&fake);
	free(d);
}

struct dump_case {
	struct fm_nl *nl;
	const struct fm_flow_filter *filter;
};

static int run_flows(const void *arg)
{
	const struct dump_case *c = arg;
	struct fm_flows flows = { 0 };
	int err = fm_flow_dump(c->nl, c->filter, &flows);

	fm_flows_free(&flows);
	return cli_report_nl(c->nl, err, "reading flows");
}

/* Every verb goes through the same path: the kernel's words are shown. */
static void test_extack_every_verb(void **state)
{
	struct fm_flow_filter filter = { .port = 80 };
	struct nlb_dgram *d = calloc(1, sizeof(*d));
	struct dump_case c;
	struct fake_nl fake;
	struct fm_nl nl;
	char *msg;
	int ret;

	(void)state;
	assert_non_null(d);
	c.nl = &nl;
	c.filter = &filter;

	/* refused when the dump starts */
	fake_nl_init(&fake, &nl);
	nlb_add(d, nlb_error_ext(nlb_tail(d), -EINVAL,
				 "protocol must be TCP or UDP", true, 28, true,
				 NULL));
	fake_nl_queue(&fake, d->u.buf, d->len);
	msg = stderr_of(run_flows, &c, &ret);
	assert_int_equal(ret, CLI_EXIT_RUNTIME);
	assert_string_equal(msg, "flowmesh: reading flows: the kernel rejected the request: protocol must be TCP or UDP\n");
	free(msg);
	fake_nl_free(&fake);

	/* failed part way, the reason in NLMSG_DONE */
	d->len = 0;
	fake_nl_init(&fake, &nl);
	nlb_add(d, nlb_done_ext(nlb_tail(d), -ENOBUFS, "table too busy"));
	fake_nl_queue(&fake, d->u.buf, d->len);
	msg = stderr_of(run_flows, &c, &ret);
	assert_int_equal(ret, CLI_EXIT_RUNTIME);
	assert_string_equal(msg, "flowmesh: reading flows: the kernel rejected the request: table too busy\n");
	free(msg);
	fake_nl_free(&fake);

	/* malformed TLVs: the error still comes through, plainly */
	d->len = 0;
	fake_nl_init(&fake, &nl);
	{
		struct nlmsghdr *nlh = nlb_error_ext(nlb_tail(d), -EINVAL, NULL,
						     false, 0, true, NULL);

		mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 3, "abc");
		nlb_add(d, nlh);
	}
	fake_nl_queue(&fake, d->u.buf, d->len);
	msg = stderr_of(run_flows, &c, &ret);
	assert_int_equal(ret, CLI_EXIT_RUNTIME);
	assert_string_equal(msg, "flowmesh: reading flows: Invalid argument\n");
	free(msg);
	fake_nl_free(&fake);

	free(d);
}

static int report_other(const void *arg)
{
	return cli_report_nl(arg, -ENOMEM, "reading flows");
}

static void test_extack_other_error(void **state)
{
	struct fm_nl nl;
	char *msg;
	int ret;

	(void)state;
	memset(&nl, 0, sizeof(nl));
	nl.extack.error = -EINVAL;
	snprintf(nl.extack.msg, sizeof(nl.extack.msg), "stale");
	msg = stderr_of(report_other, &nl, &ret);
	assert_int_equal(ret, CLI_EXIT_RUNTIME);
	assert_string_equal(msg, "flowmesh: reading flows: Cannot allocate memory\n");
	free(msg);
}

/* The socket asks for extended ACKs: the request loop keeps them. */
static void test_extack_exchange_resets(void **state)
{
	struct nlb_dgram *d = calloc(1, sizeof(*d));
	struct fake_nl fake;
	struct fm_nl nl;
	struct fm_flows flows = { 0 };

	(void)state;
	assert_non_null(d);
	fake_nl_init(&fake, &nl);
	nlb_add(d, nlb_error_ext(nlb_tail(d), -EINVAL, "first", false, 0, true,
				 NULL));
	fake_nl_queue(&fake, d->u.buf, d->len);
	d->len = 0;
	nlb_add(d, nlb_done(nlb_tail(d), 0));
	fake_nl_queue(&fake, d->u.buf, d->len);
	assert_int_equal(fm_flow_dump(&nl, NULL, &flows), -EINVAL);
	assert_string_equal(nl.extack.msg, "first");
	/* the next request starts with a clean slate */
	assert_int_equal(fm_flow_dump(&nl, NULL, &flows), 0);
	assert_string_equal(nl.extack.msg, "");
	assert_int_equal(nl.extack.error, 0);
	fm_flows_free(&flows);
	fake_nl_free(&fake);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extack_capped),
		cmocka_unit_test(test_extack_uncapped),
		cmocka_unit_test(test_extack_done),
		cmocka_unit_test(test_extack_malformed),
		cmocka_unit_test(test_extack_sanitized),
		cmocka_unit_test(test_extack_attr_path),
		cmocka_unit_test(test_extack_config_set),
		cmocka_unit_test(test_extack_every_verb),
		cmocka_unit_test(test_extack_other_error),
		cmocka_unit_test(test_extack_exchange_resets),
	};

	return cmocka_run_group_tests_name("extack", tests, NULL, NULL);
}
