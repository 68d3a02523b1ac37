// SPDX-License-Identifier: GPL-2.0
/*
 * The request/reply loop, fed canned datagrams: multi-part dumps, errors,
 * interrupted dumps, stale and foreign messages, family resolution and
 * the stats request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <linux/flowmesh.h>
#include "lib/flow.h"
#include "lib/genl.h"
#include "lib/stats.h"
#include "fake_nl.h"
#include "nlbuild.h"

struct fixture {
	struct fake_nl fake;
	struct fm_nl nl;
	struct fm_flows flows;
	struct nlb_dgram d;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fake_nl_init(&fx->fake, &fx->nl);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	fake_nl_free(&fx->fake);
	fm_flows_free(&fx->flows);
	free(fx);
	return 0;
}

/* Flow number @i: distinct client ports tell flows apart. */
static void numbered_flow(struct fm_flow *f, unsigned int i)
{
	nlb_flow_v4(f);
	f->client_port = 40000 + i;
}

static struct nlmsghdr *add_flow(struct nlb_dgram *d, unsigned int i,
				 uint16_t flags)
{
	struct fm_flow f;
	struct nlmsghdr *nlh;

	numbered_flow(&f, i);
	nlh = nlb_flow(nlb_tail(d), &f, NULL);
	nlh->nlmsg_flags |= flags;
	nlb_add(d, nlh);
	return nlh;
}

static struct nlmsghdr *add_done(struct nlb_dgram *d, int32_t status,
				 uint16_t flags)
{
	struct nlmsghdr *nlh = nlb_done(nlb_tail(d), status);

	nlh->nlmsg_flags |= flags;
	nlb_add(d, nlh);
	return nlh;
}

static void add_error(struct nlb_dgram *d, int32_t error)
{
	nlb_add(d, nlb_error(nlb_tail(d), error));
}

/* Sends the datagram built so far and starts the next one. */
static void send_dgram(struct fixture *fx)
{
	fake_nl_queue(&fx->fake, fx->d.u.buf, fx->d.len);
	fx->d.len = 0;
}

static void assert_flow_ports(const struct fm_flows *flows,
			      const unsigned int *want, size_t n)
{
	size_t i;

	assert_int_equal(flows->len, n);
	for (i = 0; i < n; i++)
		assert_int_equal(flows->v[i].client_port, 40000 + want[i]);
}

static void test_dump_multipart(void **state)
{
	static const unsigned int want[] = { 1, 2, 3, 4, 5 };
	struct fixture *fx = *state;

	add_flow(&fx->d, 1, 0);
	add_flow(&fx->d, 2, 0);
	send_dgram(fx);
	add_flow(&fx->d, 3, 0);
	send_dgram(fx);
	add_flow(&fx->d, 4, 0);
	add_flow(&fx->d, 5, 0);
	add_done(&fx->d, 0, 0);
	send_dgram(fx);

	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), 0);
	assert_flow_ports(&fx->flows, want, 5);
	assert_int_equal(fx->fake.next, 3);

	/* the request: one dump of GET_FLOW to the flowmesh family */
	assert_int_equal(fx->fake.nsent, 1);
	assert_int_equal(fx->fake.sent[0].nlmsg_type, NLB_FAMILY_ID);
	assert_int_equal(fx->fake.sent[0].nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(fx->fake.sent[0].nlmsg_seq, 1001);
	assert_int_equal(fx->fake.sent_genl[0].cmd, FLOWMESH_CMD_GET_FLOW);
	assert_int_equal(fx->fake.sent_genl[0].version, FLOWMESH_GENL_VERSION);
}

static void test_dump_empty(void **state)
{
	struct fixture *fx = *state;

	add_done(&fx->d, 0, 0);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), 0);
	assert_int_equal(fx->flows.len, 0);
}

static void test_dump_filter_netns(void **state)
{
	struct fm_flow_filter filter = { .netns_set = true, .netns = 77 };
	static const unsigned int want[] = { 2, 4 };
	struct fixture *fx = *state;
	unsigned int i;

	for (i = 1; i <= 4; i++) {
		struct nlmsghdr *nlh = add_flow(&fx->d, i, 0);
		struct nlattr *attr;

		/* even flows live in namespace 77 */
		mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
			struct nlattr *in;

			mnl_attr_for_each_nested(in, attr)
				if (mnl_attr_get_type(in) == FLOWMESH_FLOW_A_NETNS &&
				    !(i % 2))
					*(uint32_t *)mnl_attr_get_payload(in) = 77;
		}
	}
	add_done(&fx->d, 0, 0);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, &filter, &fx->flows), 0);
	assert_flow_ports(&fx->flows, want, 2);
	assert_int_equal(fx->flows.v[0].netns, 77);
}

/* The filter goes to the kernel with the request, retries included. */
static void test_dump_filter_request(void **state)
{
	struct fm_flow_filter filter = { .proto = IPPROTO_UDP, .port = 53,
					 .netns_set = true, .netns = 9 };
	struct fixture *fx = *state;
	struct nlmsghdr *req = (struct nlmsghdr *)fx->fake.last;
	struct nlattr *attr, *nest = NULL;
	unsigned int types = 0;

	add_flow(&fx->d, 1, NLM_F_DUMP_INTR);
	add_done(&fx->d, 0, 0);
	send_dgram(fx);
	add_done(&fx->d, 0, 0);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, &filter, &fx->flows), 0);
	assert_int_equal(fx->fake.nsent, 2);
	assert_int_equal(fx->fake.sent[1].nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_DUMP);
	/* the last request, whole: the same filter */
	mnl_attr_for_each(attr, req, GENL_HDRLEN)
		nest = attr;
	assert_non_null(nest);
	assert_int_equal(mnl_attr_get_type(nest), FLOWMESH_A_FILTER);
	mnl_attr_for_each_nested(attr, nest)
		types |= 1u << mnl_attr_get_type(attr);
	assert_int_equal(types, 1u << FLOWMESH_FILTER_A_PROTO |
				1u << FLOWMESH_FILTER_A_PORT |
				1u << FLOWMESH_FILTER_A_NETNS);
	assert_int_equal(fx->fake.sent[0].nlmsg_len, fx->fake.sent[1].nlmsg_len);

	/* no filter: no attributes at all, as before */
	add_done(&fx->d, 0, 0);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), 0);
	assert_int_equal(fx->fake.sent[2].nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
}

static void test_dump_eperm(void **state)
{
	struct fixture *fx = *state;

	add_error(&fx->d, -EPERM);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -EPERM);
	assert_int_equal(fx->flows.len, 0);
	assert_int_equal(fx->fake.nsent, 1);
}

/* An error after some flows: nothing partial is handed back. */
static void test_dump_error_midway(void **state)
{
	struct fixture *fx = *state;

	add_flow(&fx->d, 1, 0);
	send_dgram(fx);
	add_error(&fx->d, -EACCES);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -EACCES);
	assert_int_equal(fx->flows.len, 0);
}

/* A dump that fails part way says so inside NLMSG_DONE. */
static void test_dump_done_with_error(void **state)
{
	struct fixture *fx = *state;

	add_flow(&fx->d, 1, 0);
	add_done(&fx->d, -EMSGSIZE, 0);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -EMSGSIZE);
	assert_int_equal(fx->flows.len, 0);
}

/* Error codes the kernel cannot send are a protocol error. */
static void test_dump_bogus_error_code(void **state)
{
	struct fixture *fx = *state;

	add_error(&fx->d, -100000);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -EPROTO);

	fake_nl_free(&fx->fake);
	fake_nl_init(&fx->fake, &fx->nl);
	add_error(&fx->d, INT32_MIN);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -EPROTO);
}

/*
 * NLM_F_DUMP_INTR: the first dump is read to its end, then the whole dump
 * runs again and only the second dump's flows are kept.
 */
static void test_dump_interrupted_retried(void **state)
{
	static const unsigned int want[] = { 7, 8 };
	struct fixture *fx = *state;

	add_flow(&fx->d, 1, 0);
	add_flow(&fx->d, 2, NLM_F_DUMP_INTR);
	send_dgram(fx);
	add_flow(&fx->d, 3, 0);
	add_done(&fx->d, 0, 0);
	send_dgram(fx);
	add_flow(&fx->d, 7, 0);
	add_flow(&fx->d, 8, 0);
	add_done(&fx->d, 0, 0);
	send_dgram(fx);

	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), 0);
	assert_flow_ports(&fx->flows, want, 2);
	assert_int_equal(fx->fake.nsent, 2);
	/* the second request only went out once the first reply was drained */
	assert_int_equal(fx->fake.next_at_send[1], 2);
	assert_int_equal(fx->fake.sent[1].nlmsg_seq,
			 fx->fake.sent[0].nlmsg_seq + 1);
	assert_int_equal(fx->fake.sent[1].nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_DUMP);
}

/* The kernel may flag only the final NLMSG_DONE. */
static void test_dump_interrupted_on_done(void **state)
{
	static const unsigned int want[] = { 9 };
	struct fixture *fx = *state;

	add_flow(&fx->d, 1, 0);
	add_done(&fx->d, 0, NLM_F_DUMP_INTR);
	send_dgram(fx);
	add_flow(&fx->d, 9, 0);
	add_done(&fx->d, 0, 0);
	send_dgram(fx);

	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), 0);
	assert_flow_ports(&fx->flows, want, 1);
	assert_int_equal(fx->fake.nsent, 2);
}

static void test_dump_interrupted_always(void **state)
{
	struct fixture *fx = *state;
	int i;

	for (i = 0; i < FM_NL_DUMP_ATTEMPTS; i++) {
		add_flow(&fx->d, i, NLM_F_DUMP_INTR);
		add_done(&fx->d, 0, 0);
		send_dgram(fx);
	}
	/* a further, clean dump is never asked for */
	add_flow(&fx->d, 99, 0);
	add_done(&fx->d, 0, 0);
	send_dgram(fx);

	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -EINTR);
	assert_int_equal(fx->fake.nsent, FM_NL_DUMP_ATTEMPTS);
	assert_int_equal(fx->flows.len, 0);
}

/* Replies to an earlier request, even an NLMSG_DONE, are not ours. */
static void test_dump_stale_messages_skipped(void **state)
{
	static const unsigned int want[] = { 2 };
	struct fixture *fx = *state;

	add_flow(&fx->d, 1, 0)->nlmsg_seq = 5;
	add_done(&fx->d, 0, 0)->nlmsg_seq = 5;
	send_dgram(fx);
	add_error(&fx->d, -EPERM);
	((struct nlmsghdr *)fx->d.u.buf)->nlmsg_seq = 6;
	send_dgram(fx);
	add_flow(&fx->d, 3, 0)->nlmsg_pid = NLB_PORTID + 1;
	add_flow(&fx->d, 2, 0);
	add_done(&fx->d, 0, 0);
	send_dgram(fx);

	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), 0);
	assert_flow_ports(&fx->flows, want, 1);
}

static void test_dump_noop_skipped(void **state)
{
	static const unsigned int want[] = { 1 };
	struct fixture *fx = *state;
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(nlb_tail(&fx->d));
	nlh->nlmsg_type = NLMSG_NOOP;
	nlb_add(&fx->d, nlh);
	add_flow(&fx->d, 1, 0);
	add_done(&fx->d, 0, 0);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), 0);
	assert_flow_ports(&fx->flows, want, 1);
}

/* A data message of another family on our sequence: protocol error. */
static void test_dump_wrong_type(void **state)
{
	struct fixture *fx = *state;

	add_flow(&fx->d, 1, 0)->nlmsg_type = NLB_FAMILY_ID + 1;
	add_done(&fx->d, 0, 0);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -EPROTO);
}

static void test_dump_malformed_flow(void **state)
{
	struct nlb_opts opts = { .omit = FLOWMESH_FLOW_A_SERVER_PORT };
	struct fixture *fx = *state;
	struct fm_flow f;

	add_flow(&fx->d, 1, 0);
	nlb_flow_v4(&f);
	nlb_add(&fx->d, nlb_flow(nlb_tail(&fx->d), &f, &opts));
	add_done(&fx->d, 0, 0);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -EBADMSG);
	assert_int_equal(fx->flows.len, 0);
}

/* A datagram whose last message is cut short. */
static void test_dump_cut_datagram(void **state)
{
	struct fixture *fx = *state;

	add_flow(&fx->d, 1, 0);
	add_flow(&fx->d, 2, 0);
	fx->d.len -= 8;
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -EBADMSG);
}

static void test_dump_short_error_message(void **state)
{
	struct fixture *fx = *state;
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(nlb_tail(&fx->d));
	nlh->nlmsg_type = NLMSG_ERROR;
	*(int32_t *)mnl_nlmsg_put_extra_header(nlh, sizeof(int32_t)) = -EPERM;
	nlb_add(&fx->d, nlh);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -EBADMSG);
}

static void test_dump_transport_errors(void **state)
{
	struct fixture *fx = *state;

	/* the reply never ends */
	add_flow(&fx->d, 1, 0);
	send_dgram(fx);
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -ECONNRESET);

	fx->fake.recv_error = -ENOBUFS;
	assert_int_equal(fm_flow_dump(&fx->nl, NULL, &fx->flows), -ENOBUFS);
}

/* libmnl's own check would take a length of 2 GiB or more as fitting. */
static void test_walk_huge_length(void **state)
{
	static const uint32_t lens[] = { 0x80000010u, 0xfffffff0u, 17, 15 };
	struct fm_nl_reply reply = { .seq = 1 };
	struct nlmsghdr *nlh;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
		nlh = calloc(1, 16);
		assert_non_null(nlh);
		nlh->nlmsg_len = lens[i];
		nlh->nlmsg_type = NLMSG_DONE;
		nlh->nlmsg_seq = 1;
		assert_int_equal(fm_nl_walk(&reply, nlh, 16), -EBADMSG);
		free(nlh);
	}
}

/* The last message of a datagram may lack its padding. */
static void test_walk_unpadded_last(void **state)
{
	struct fm_nl_reply reply = { .seq = 1 };
	struct nlmsghdr *nlh;

	(void)state;
	nlh = calloc(1, 17);
	assert_non_null(nlh);
	nlh->nlmsg_len = 17;
	nlh->nlmsg_type = NLMSG_NOOP;
	nlh->nlmsg_seq = 1;
	assert_int_equal(fm_nl_walk(&reply, nlh, 17), FM_NL_MORE);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(fm_nl_walk(&reply, nlh, 17), FM_NL_DONE);
	free(nlh);
}

static void test_resolve_family(void **state)
{
	struct fixture *fx = *state;
	struct nlattr *attr;
	bool named = false;

	fx->nl.family_id = 0;
	nlb_add(&fx->d, nlb_family(nlb_tail(&fx->d), 0x2a,
				   FLOWMESH_GENL_VERSION));
	send_dgram(fx);
	add_error(&fx->d, 0);
	send_dgram(fx);

	assert_int_equal(fm_nl_resolve_family(&fx->nl), 0);
	assert_int_equal(fx->nl.family_id, 0x2a);
	assert_int_equal(fx->fake.sent[0].nlmsg_type, GENL_ID_CTRL);
	assert_int_equal(fx->fake.sent[0].nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(fx->fake.sent_genl[0].cmd, CTRL_CMD_GETFAMILY);
	mnl_attr_for_each(attr, (struct nlmsghdr *)fx->fake.last, GENL_HDRLEN)
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME) {
			assert_string_equal(mnl_attr_get_str(attr), "flowmesh");
			named = true;
		}
	assert_true(named);
}

static void test_resolve_family_not_loaded(void **state)
{
	struct fixture *fx = *state;

	fx->nl.family_id = 0;
	add_error(&fx->d, -ENOENT);
	send_dgram(fx);
	assert_int_equal(fm_nl_resolve_family(&fx->nl), -ENOENT);
	assert_int_equal(fx->nl.family_id, 0);
}

static void test_resolve_family_other_version(void **state)
{
	struct fixture *fx = *state;

	fx->nl.family_id = 0;
	nlb_add(&fx->d, nlb_family(nlb_tail(&fx->d), 0x2a,
				   FLOWMESH_GENL_VERSION + 1));
	add_error(&fx->d, 0);
	send_dgram(fx);
	assert_int_equal(fm_nl_resolve_family(&fx->nl), -EPROTONOSUPPORT);
	assert_int_equal(fx->nl.family_version, FLOWMESH_GENL_VERSION + 1);
	assert_int_equal(fx->nl.family_id, 0);
}

static void test_resolve_family_bad_reply(void **state)
{
	struct fixture *fx = *state;
	struct nlmsghdr *nlh;

	/* acknowledged without a reply */
	add_error(&fx->d, 0);
	send_dgram(fx);
	assert_int_equal(fm_nl_resolve_family(&fx->nl), -EBADMSG);

	/* a family id given as a u32 */
	nlh = nlb_genl(nlb_tail(&fx->d), GENL_ID_CTRL, 0, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u32(nlh, CTRL_ATTR_FAMILY_ID, 0x2a);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, FLOWMESH_GENL_VERSION);
	nlb_add(&fx->d, nlh);
	add_error(&fx->d, 0);
	send_dgram(fx);
	assert_int_equal(fm_nl_resolve_family(&fx->nl), -EBADMSG);
}

static void test_stats_request(void **state)
{
	struct fixture *fx = *state;
	struct fm_stats in, out;

	nlb_stats_sample(&in);
	nlb_add(&fx->d, nlb_stats(nlb_tail(&fx->d), &in, NULL));
	send_dgram(fx);
	add_error(&fx->d, 0);
	send_dgram(fx);

	memset(&out, 0, sizeof(out));
	assert_int_equal(fm_stats_get(&fx->nl, &out), 0);
	assert_int_equal(out.flows_created, in.flows_created);
	assert_int_equal(out.packets_seen, in.packets_seen);
	assert_int_equal(out.ncpus, 2);
	assert_int_equal(out.cpus[1].records_drained, 2960);
	fm_stats_free(&out);
	assert_int_equal(fx->fake.sent[0].nlmsg_type, NLB_FAMILY_ID);
	assert_int_equal(fx->fake.sent[0].nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(fx->fake.sent_genl[0].cmd, FLOWMESH_CMD_GET_STATS);
	assert_int_equal(fx->fake.next, 2);
}

/*
 * A "do" reply bigger than 32 KiB: the buffer grows to the datagram.  (A
 * stats nest holds at most 64 KiB, about 1000 CPUs: nla_len is 16 bits.)
 */
static void test_stats_request_big(void **state)
{
	enum { NCPUS = 1000 };
	struct fixture *fx = *state;
	struct fm_cpu_stats *cpus = calloc(NCPUS, sizeof(*cpus));
	char *buf = calloc(1, 256 * 1024);
	struct fm_stats in, out;
	struct nlmsghdr *nlh;
	size_t i, len;

	assert_non_null(cpus);
	assert_non_null(buf);
	for (i = 0; i < NCPUS; i++)
		cpus[i].cpu = (uint32_t)i;
	nlb_stats_sample(&in);
	in.cpus = cpus;
	in.ncpus = NCPUS;
	nlh = nlb_stats(buf, &in, NULL);
	len = NLMSG_ALIGN(nlh->nlmsg_len);
	assert_true(len > FM_NL_RECV_SIZE);
	/* the acknowledgement in the same datagram */
	nlh = nlb_error(buf + len, 0);
	len += nlh->nlmsg_len;
	fake_nl_queue(&fx->fake, buf, len);

	assert_int_equal(fm_stats_get(&fx->nl, &out), 0);
	assert_int_equal(out.ncpus, NCPUS);
	assert_int_equal(out.cpus[NCPUS - 1].cpu, NCPUS - 1);
	assert_true(fx->fake.peeks >= 1);
	fm_stats_free(&out);
	free(buf);
	free(cpus);
}

static void test_stats_request_errors(void **state)
{
	struct fixture *fx = *state;
	struct fm_stats out;

	add_error(&fx->d, -EPERM);
	send_dgram(fx);
	assert_int_equal(fm_stats_get(&fx->nl, &out), -EPERM);

	add_error(&fx->d, 0);
	send_dgram(fx);
	assert_int_equal(fm_stats_get(&fx->nl, &out), -EBADMSG);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dump_multipart),
		T(test_dump_empty),
		T(test_dump_filter_netns),
		T(test_dump_filter_request),
		T(test_dump_eperm),
		T(test_dump_error_midway),
		T(test_dump_done_with_error),
		T(test_dump_bogus_error_code),
		T(test_dump_interrupted_retried),
		T(test_dump_interrupted_on_done),
		T(test_dump_interrupted_always),
		T(test_dump_stale_messages_skipped),
		T(test_dump_noop_skipped),
		T(test_dump_wrong_type),
		T(test_dump_malformed_flow),
		T(test_dump_cut_datagram),
		T(test_dump_short_error_message),
		T(test_dump_transport_errors),
		cmocka_unit_test(test_walk_huge_length),
		cmocka_unit_test(test_walk_unpadded_last),
		T(test_resolve_family),
		T(test_resolve_family_not_loaded),
		T(test_resolve_family_other_version),
		T(test_resolve_family_bad_reply),
		T(test_stats_request),
		T(test_stats_request_big),
		T(test_stats_request_errors),
	};

	return cmocka_run_group_tests_name("dump", tests, NULL, NULL);
}
