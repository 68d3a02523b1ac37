// SPDX-License-Identifier: GPL-2.0
/*
 * FLOWMESH_CMD_SET_LABEL requests as the kernel checks them: the flow
 * named by exactly the attributes of flowmesh_flow_name_policy, each of
 * its size, then the label's proto and flags.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/genetlink.h>
#include <linux/flowmesh.h>
#include "l7/l7.h"
#include "lib/genl.h"
#include "lib/label.h"
#include "fake_nl.h"
#include "nlbuild.h"

union msgbuf {
	char buf[FM_NL_REQ_SIZE];
	struct nlmsghdr align;
};

static void label_v4(struct fm_label *l)
{
	static const uint8_t c[4] = { 10, 0, 0, 1 }, s[4] = { 10, 0, 0, 2 };

	memset(l, 0, sizeof(*l));
	l->netns = 4026532001U;
	l->family = AF_INET;
	l->proto = IPPROTO_TCP;
	memcpy(l->client, c, 4);
	memcpy(l->server, s, 4);
	l->client_port = 40000;
	l->server_port = 8080;
	l->l7_proto = FM_L7_HTTP;
	l->flags = FLOWMESH_LABEL_DONE;
}

/* Walks what fm_label_put wrote, checking each attribute's size. */
static void check_request(const struct nlmsghdr *nlh,
			  const struct fm_label *want)
{
	size_t alen = want->family == AF_INET ? 4 : 16;
	const struct nlattr *a, *n;
	unsigned int seen = 0, nseen = 0;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case FLOWMESH_A_FLOW:
			assert_true(a->nla_type & NLA_F_NESTED);
			mnl_attr_for_each_nested(n, a) {
				uint16_t t = mnl_attr_get_type(n);
				size_t len = mnl_attr_get_payload_len(n);

				/* the kernel refuses any other attribute */
				assert_in_range(t, FLOWMESH_FLOW_A_FAMILY,
						FLOWMESH_FLOW_A_SERVER_PORT);
				nseen |= 1U << t;
				switch (t) {
				case FLOWMESH_FLOW_A_FAMILY:
					assert_int_equal(len, 1);
					assert_int_equal(mnl_attr_get_u8(n),
							 want->family);
					break;
				case FLOWMESH_FLOW_A_PROTO:
					assert_int_equal(len, 1);
					assert_int_equal(mnl_attr_get_u8(n),
							 want->proto);
					break;
				case FLOWMESH_FLOW_A_NETNS:
					assert_int_equal(len, 4);
					assert_int_equal(mnl_attr_get_u32(n),
							 want->netns);
					break;
				case FLOWMESH_FLOW_A_CLIENT_ADDR:
					assert_int_equal(len, alen);
					assert_memory_equal(mnl_attr_get_payload(n),
							    want->client, alen);
					break;
				case FLOWMESH_FLOW_A_SERVER_ADDR:
					assert_int_equal(len, alen);
					assert_memory_equal(mnl_attr_get_payload(n),
							    want->server, alen);
					break;
				case FLOWMESH_FLOW_A_CLIENT_PORT:
					assert_int_equal(len, 2);
					assert_int_equal(mnl_attr_get_u16(n),
							 want->client_port);
					break;
				case FLOWMESH_FLOW_A_SERVER_PORT:
					assert_int_equal(len, 2);
					assert_int_equal(mnl_attr_get_u16(n),
							 want->server_port);
					break;
				}
			}
			break;
		case FLOWMESH_A_LABEL_PROTO:
			assert_int_equal(mnl_attr_get_payload_len(a), 1);
			assert_int_equal(mnl_attr_get_u8(a), want->l7_proto);
			break;
		case FLOWMESH_A_LABEL_FLAGS:
			assert_int_equal(mnl_attr_get_payload_len(a), 4);
			assert_int_equal(mnl_attr_get_u32(a), want->flags);
			break;
		default:
			fail_msg("unexpected attribute %u",
				 mnl_attr_get_type(a));
		}
		seen |= 1U << mnl_attr_get_type(a);
	}
	assert_int_equal(seen, 1U << FLOWMESH_A_FLOW |
			 1U << FLOWMESH_A_LABEL_PROTO |
			 1U << FLOWMESH_A_LABEL_FLAGS);
	/* every name attribute, netns included */
	assert_int_equal(nseen, 1U << FLOWMESH_FLOW_A_FAMILY |
			 1U << FLOWMESH_FLOW_A_PROTO |
			 1U << FLOWMESH_FLOW_A_NETNS |
			 1U << FLOWMESH_FLOW_A_CLIENT_ADDR |
			 1U << FLOWMESH_FLOW_A_SERVER_ADDR |
			 1U << FLOWMESH_FLOW_A_CLIENT_PORT |
			 1U << FLOWMESH_FLOW_A_SERVER_PORT);
}

static void test_put_v4(void **state)
{
	union msgbuf m;
	struct fm_label l;
	struct nlmsghdr *nlh;

	(void)state;
	label_v4(&l);
	nlh = fm_genl_msg_start(m.buf, NLB_FAMILY_ID, NLM_F_REQUEST,
				FLOWMESH_CMD_SET_LABEL, FLOWMESH_GENL_VERSION);
	assert_int_equal(fm_label_put(nlh, sizeof(m.buf), &l), 0);
	check_request(nlh, &l);
}

static void test_put_v6(void **state)
{
	union msgbuf m;
	struct fm_label l;
	struct nlmsghdr *nlh;

	(void)state;
	label_v4(&l);
	l.family = AF_INET6;
	l.proto = IPPROTO_UDP;
	memset(l.client, 0xfd, 16);
	memset(l.server, 0x20, 16);
	l.l7_proto = FM_L7_DNS;
	l.flags = FLOWMESH_LABEL_STOP;
	nlh = fm_genl_msg_start(m.buf, NLB_FAMILY_ID, NLM_F_REQUEST,
				FLOWMESH_CMD_SET_LABEL, FLOWMESH_GENL_VERSION);
	assert_int_equal(fm_label_put(nlh, sizeof(m.buf), &l), 0);
	check_request(nlh, &l);
}

static void test_put_errors(void **state)
{
	union msgbuf m;
	struct fm_label l;
	struct nlmsghdr *nlh;
	size_t room;

	(void)state;
	label_v4(&l);
	l.family = AF_UNIX;
	nlh = fm_genl_msg_start(m.buf, NLB_FAMILY_ID, NLM_F_REQUEST,
				FLOWMESH_CMD_SET_LABEL, FLOWMESH_GENL_VERSION);
	assert_int_equal(fm_label_put(nlh, sizeof(m.buf), &l), -EINVAL);
	/* every buffer too short by a byte or more says so */
	label_v4(&l);
	assert_int_equal(fm_label_put(nlh, sizeof(m.buf), &l), 0);
	room = nlh->nlmsg_len;
	for (size_t len = NLMSG_HDRLEN + GENL_HDRLEN; len < room; len++) {
		nlh = fm_genl_msg_start(m.buf, NLB_FAMILY_ID, NLM_F_REQUEST,
					FLOWMESH_CMD_SET_LABEL,
					FLOWMESH_GENL_VERSION);
		assert_int_equal(fm_label_put(nlh, len, &l), -EMSGSIZE);
		assert_true(nlh->nlmsg_len <= len);
	}
}

static void test_set(void **state)
{
	struct nlb_dgram *d = calloc(1, sizeof(*d));
	struct fake_nl fake;
	struct fm_label l;
	struct fm_nl nl;

	(void)state;
	assert_non_null(d);
	label_v4(&l);
	fake_nl_init(&fake, &nl);
	nlb_add(d, nlb_error(nlb_tail(d), 0));
	fake_nl_queue(&fake, d->u.buf, d->len);
	assert_int_equal(fm_label_set(&nl, &l), 0);
	assert_int_equal(fake.nsent, 1);
	assert_int_equal(fake.sent[0].nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(fake.sent_genl[0].cmd, FLOWMESH_CMD_SET_LABEL);
	check_request((struct nlmsghdr *)fake.last, &l);

	/* the flow is gone: -ENOENT, as the kernel says it */
	d->len = 0;
	nlb_add(d, nlb_error(nlb_tail(d), -ENOENT));
	fake_nl_queue(&fake, d->u.buf, d->len);
	assert_int_equal(fm_label_set(&nl, &l), -ENOENT);
	fake_nl_free(&fake);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_v4),
		cmocka_unit_test(test_put_v6),
		cmocka_unit_test(test_put_errors),
		cmocka_unit_test(test_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
