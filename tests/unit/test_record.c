// SPDX-License-Identifier: GPL-2.0
/*
 * Event records: decoding arrays of struct flowmesh_record (whole records
 * only, all or nothing), DRAIN messages, the JSON of a record, and the
 * DRAIN dump itself.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <linux/genetlink.h>
#include <linux/flowmesh.h>
#include "lib/genl.h"
#include "lib/record.h"
#include "fake_nl.h"
#include "nlbuild.h"

#define REC_SIZE sizeof(struct flowmesh_record)
#define NSAMPLES 10

struct seen {
	struct flowmesh_record v[64];
	size_t n;
	size_t fail_at;		/* 1-based; 0: never */
};

static int collect(const struct flowmesh_record *rec, void *data)
{
	struct seen *s = data;

	assert_true(s->n < 64);
	s->v[s->n++] = *rec;
	if (s->fail_at && s->n == s->fail_at)
		return -ECANCELED;
	return 0;
}

static void samples(struct flowmesh_record *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		nlb_record_sample(&r[i], (unsigned int)i);
}

/* Decodes a heap copy of exactly @len bytes, at an odd address. */
static int decode_exact(const void *recs, size_t len, struct seen *s,
			size_t *count)
{
	char *buf = malloc(len + 4);
	int err;

	assert_non_null(buf);
	/* attribute payloads are only 4-byte aligned: never 8 */
	memcpy(buf + 4, recs, len);
	err = fm_records_decode(buf + 4, len, collect, s, count);
	free(buf);
	return err;
}

static void test_record_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct flowmesh_record), 160);
	assert_int_equal(offsetof(struct flowmesh_record, client), 64);
	assert_int_equal(offsetof(struct flowmesh_record, netns), 96);
	assert_int_equal(offsetof(struct flowmesh_record, type), 104);
	assert_int_equal(offsetof(struct flowmesh_record, value_us), 108);
	assert_int_equal(offsetof(struct flowmesh_record, l7_proto), 152);
	assert_int_equal(offsetof(struct flowmesh_record, sampled), 154);
	assert_int_equal(offsetof(struct flowmesh_record, reserved), 156);
}

static void test_record_decode(void **state)
{
	struct flowmesh_record recs[NSAMPLES];
	struct seen s = { .n = 0 };
	size_t count = 99, i;

	(void)state;
	samples(recs, NSAMPLES);
	assert_int_equal(decode_exact(recs, sizeof(recs), &s, &count), 0);
	assert_int_equal(count, NSAMPLES);
	assert_int_equal(s.n, NSAMPLES);
	for (i = 0; i < NSAMPLES; i++)
		assert_memory_equal(&s.v[i], &recs[i], REC_SIZE);

	/* nothing at all is a valid, empty batch */
	s.n = 0;
	assert_int_equal(decode_exact(recs, 0, &s, &count), 0);
	assert_int_equal(count, 0);
	assert_int_equal(s.n, 0);
}

/* A payload that is not whole records is rejected, and nothing handed out. */
static void test_record_short_or_misaligned(void **state)
{
	static const size_t lens[] = {
		1, 4, 8, 80, REC_SIZE - 1, REC_SIZE + 1, REC_SIZE + 4,
		2 * REC_SIZE - 8, 3 * REC_SIZE - 1, 3 * REC_SIZE + 152,
	};
	struct flowmesh_record recs[4];
	struct seen s;
	size_t count, i;

	(void)state;
	samples(recs, 4);
	for (i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
		s.n = 0;
		s.fail_at = 0;
		count = 99;
		if (decode_exact(recs, lens[i], &s, &count) != -EBADMSG)
			fail_msg("%zu bytes of records decoded", lens[i]);
		assert_int_equal(s.n, 0);
		assert_int_equal(count, 0);
	}
}

/* One bad record spoils its batch: no record of it is handed out. */
static void test_record_bad_values(void **state)
{
	struct flowmesh_record recs[3];
	struct seen s = { .n = 0 };
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		samples(recs, 3);
		switch (i) {
		case 0: recs[2].family = AF_UNIX; break;
		case 1: recs[2].family = 0; break;
		case 2: recs[1].proto = IPPROTO_ICMP; break;
		case 3: recs[2].proto = 0; break;
		}
		s.n = 0;
		assert_int_equal(decode_exact(recs, sizeof(recs), &s, NULL),
				 -EBADMSG);
		assert_int_equal(s.n, 0);
	}
}

/* Types newer than this program are skipped; the rest go through. */
static void test_record_unknown_type(void **state)
{
	struct flowmesh_record recs[4];
	struct seen s = { .n = 0 };
	size_t count;

	(void)state;
	samples(recs, 4);
	recs[1].type = 0;
	recs[2].type = FLOWMESH_REC_RESPONSE + 1;
	assert_int_equal(decode_exact(recs, sizeof(recs), &s, &count), 0);
	assert_int_equal(count, 4);
	assert_int_equal(s.n, 2);
	assert_memory_equal(&s.v[1], &recs[3], REC_SIZE);
	/* and future fields in the reserved words change nothing */
	samples(recs, 4);
	recs[0].reserved8 = 0xa5;
	recs[0].reserved = 0xdeadbeef;
	s.n = 0;
	assert_int_equal(decode_exact(recs, sizeof(recs), &s, &count), 0);
	assert_int_equal(s.n, 4);
}

static void test_record_callback_stops(void **state)
{
	struct flowmesh_record recs[5];
	struct seen s = { .n = 0, .fail_at = 2 };

	(void)state;
	samples(recs, 5);
	assert_int_equal(decode_exact(recs, sizeof(recs), &s, NULL),
			 -ECANCELED);
	assert_int_equal(s.n, 2);
}

static int parse_msg(const struct nlmsghdr *nlh, struct seen *s,
		     size_t *count)
{
	struct nlmsghdr *copy = malloc(nlh->nlmsg_len);
	int err;

	assert_non_null(copy);
	memcpy(copy, nlh, nlh->nlmsg_len);
	err = fm_records_parse(copy, collect, s, count);
	free(copy);
	return err;
}

static void test_record_message(void **state)
{
	struct flowmesh_record recs[NSAMPLES];
	struct seen s = { .n = 0 };
	struct nlmsghdr *nlh;
	struct nlattr *attr;
	union nlb_msg m;
	size_t count;

	(void)state;
	samples(recs, NSAMPLES);
	nlh = nlb_records(m.buf, recs, NSAMPLES, 0);
	assert_int_equal(parse_msg(nlh, &s, &count), 0);
	assert_int_equal(count, NSAMPLES);
	assert_int_equal(s.n, NSAMPLES);

	/* cut records inside a well-formed message */
	s.n = 0;
	nlh = nlb_records(m.buf, recs, 3, 4);
	assert_int_equal(parse_msg(nlh, &s, &count), -EBADMSG);
	assert_int_equal(s.n, 0);

	/* a message whose attribute runs past its end */
	nlh = nlb_records(m.buf, recs, 3, 0);
	nlh->nlmsg_len -= REC_SIZE;
	assert_int_equal(parse_msg(nlh, &s, &count), -EBADMSG);

	/* no records attribute; records marked as a nest; another command */
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, NLM_F_MULTI, FLOWMESH_CMD_DRAIN);
	assert_int_equal(parse_msg(nlh, &s, &count), -EBADMSG);
	nlh = nlb_records(m.buf, recs, 2, 0);
	attr = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	attr->nla_type |= NLA_F_NESTED;
	assert_int_equal(parse_msg(nlh, &s, &count), -EBADMSG);
	nlh = nlb_records(m.buf, recs, 2, 0);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd =
		FLOWMESH_CMD_GET_FLOW;
	assert_int_equal(parse_msg(nlh, &s, &count), -EBADMSG);

	/* unknown attributes beside the records are skipped */
	s.n = 0;
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, NLM_F_MULTI, FLOWMESH_CMD_DRAIN);
	mnl_attr_put_u32(nlh, FLOWMESH_A_MAX + 1, 7);
	mnl_attr_put(nlh, FLOWMESH_A_RECORDS, 2 * REC_SIZE, recs);
	assert_int_equal(parse_msg(nlh, &s, &count), 0);
	assert_int_equal(s.n, 2);
}

static json_t *json_of(const struct flowmesh_record *r)
{
	json_t *obj = fm_record_to_json(r);

	assert_non_null(obj);
	return obj;
}

/* The JSON names are an interface: exactly these, in this order. */
static void test_record_json_names(void **state)
{
	static const char *const names[] = {
		"type", "flow_id", "time", "proto", "family", "netns",
		"client", "server", "client_port", "server_port", "state",
		"tx_bytes", "tx_packets", "rx_bytes", "rx_packets", "value_us",
		"rtt_samples", "rtt_min_us", "rtt_max_us", "rtt_avg_us",
		"rtt_handshake_client_us", "rtt_handshake_server_us",
		"response_count", "response_avg_us", "response_max_us",
		"retransmits", "resets", "zero_windows", "protocol",
	};
	struct flowmesh_record r;
	json_t *obj;
	void *iter;
	size_t i = 0;

	(void)state;
	nlb_record_sample(&r, 1);	/* an RTT sample */
	obj = json_of(&r);
	for (iter = json_object_iter(obj); iter;
	     iter = json_object_iter_next(obj, iter), i++) {
		assert_true(i < sizeof(names) / sizeof(*names));
		assert_string_equal(json_object_iter_key(iter), names[i]);
	}
	assert_int_equal(i, sizeof(names) / sizeof(*names));
	assert_string_equal(json_string_value(json_object_get(obj, "type")),
			    "rtt");
	assert_int_equal(json_integer_value(json_object_get(obj, "value_us")),
			 1500);
	assert_true(json_is_real(json_object_get(obj, "time")));
	json_decref(obj);

	/* value_us only on sample records */
	nlb_record_sample(&r, 0);
	obj = json_of(&r);
	assert_null(json_object_get(obj, "value_us"));
	assert_int_equal(json_object_size(obj), i - 1);
	json_decref(obj);
	nlb_record_sample(&r, 2);
	obj = json_of(&r);
	assert_int_equal(json_integer_value(json_object_get(obj, "value_us")),
			 20000);
	json_decref(obj);
}

static void test_record_json_values(void **state)
{
	struct flowmesh_record r;
	json_t *obj;

	(void)state;
	/* an open record: no samples yet, so null figures */
	nlb_record_sample(&r, 0);
	obj = json_of(&r);
	assert_string_equal(json_string_value(json_object_get(obj, "state")),
			    "open");
	assert_int_equal(json_integer_value(json_object_get(obj,
							    "rtt_samples")), 0);
	assert_true(json_is_null(json_object_get(obj, "rtt_min_us")));
	assert_true(json_is_null(json_object_get(obj, "rtt_max_us")));
	assert_true(json_is_null(json_object_get(obj, "rtt_avg_us")));
	assert_true(json_is_null(json_object_get(obj, "response_avg_us")));
	assert_true(json_is_null(json_object_get(obj, "response_max_us")));
	assert_int_equal(json_integer_value(json_object_get(obj,
				"rtt_handshake_server_us")), 1200);
	assert_int_equal(json_integer_value(json_object_get(obj, "resets")), 0);
	json_decref(obj);

	/* a close record: means, to the nanosecond */
	nlb_record_sample(&r, 4);
	obj = json_of(&r);
	assert_string_equal(json_string_value(json_object_get(obj, "type")),
			    "close");
	assert_string_equal(json_string_value(json_object_get(obj, "state")),
			    "closed");
	assert_true(json_real_value(json_object_get(obj, "response_avg_us")) ==
		    15000.5);
	assert_int_equal(json_integer_value(json_object_get(obj,
				"response_max_us")), 20000);
	json_decref(obj);

	/* UDP: TCP-only counters and handshakes are null */
	nlb_record_sample(&r, 5);
	assert_int_equal(r.proto, IPPROTO_UDP);
	r.retransmits = 3;	/* whatever the kernel put there */
	obj = json_of(&r);
	assert_int_equal(json_integer_value(json_object_get(obj, "family")), 6);
	assert_string_equal(json_string_value(json_object_get(obj, "client")),
			    "fd00::2");
	assert_true(json_is_null(json_object_get(obj, "retransmits")));
	assert_true(json_is_null(json_object_get(obj, "resets")));
	assert_true(json_is_null(json_object_get(obj, "zero_windows")));
	assert_true(json_is_null(json_object_get(obj,
				"rtt_handshake_client_us")));
	json_decref(obj);

	/* a state from a newer module: null; a bad record: no JSON */
	nlb_record_sample(&r, 3);
	r.state = 7;
	obj = json_of(&r);
	assert_true(json_is_null(json_object_get(obj, "state")));
	json_decref(obj);
	r.family = 99;
	assert_null(fm_record_to_json(&r));
	nlb_record_sample(&r, 3);
	r.type = 42;
	assert_null(fm_record_to_json(&r));
}

struct drain_fixture {
	struct fake_nl fake;
	struct fm_nl nl;
	struct nlb_dgram d;
};

static int drain_setup(void **state)
{
	struct drain_fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fake_nl_init(&fx->fake, &fx->nl);
	*state = fx;
	return 0;
}

static int drain_teardown(void **state)
{
	struct drain_fixture *fx = *state;

	fake_nl_free(&fx->fake);
	free(fx);
	return 0;
}

static void send_dgram(struct drain_fixture *fx)
{
	fake_nl_queue(&fx->fake, fx->d.u.buf, fx->d.len);
	fx->d.len = 0;
}

static void add_records(struct drain_fixture *fx, size_t first, size_t n,
			uint16_t flags)
{
	struct flowmesh_record recs[16];
	struct nlmsghdr *nlh;
	size_t i;

	assert_true(n <= 16);
	for (i = 0; i < n; i++)
		nlb_record_sample(&recs[i], (unsigned int)(first + i));
	nlh = nlb_records(nlb_tail(&fx->d), recs, n, 0);
	nlh->nlmsg_flags |= flags;
	nlb_add(&fx->d, nlh);
}

/* One DRAIN dump over several messages and datagrams. */
static void test_drain_request(void **state)
{
	struct drain_fixture *fx = *state;
	struct seen s = { .n = 0 };
	size_t count = 0;

	add_records(fx, 0, 3, 0);
	add_records(fx, 3, 2, 0);
	send_dgram(fx);
	add_records(fx, 5, 4, 0);
	nlb_add(&fx->d, nlb_done(nlb_tail(&fx->d), 0));
	send_dgram(fx);

	assert_int_equal(fm_drain(&fx->nl, collect, &s, &count), 0);
	assert_int_equal(count, 9);
	assert_int_equal(s.n, 9);
	assert_int_equal(s.v[8].flow_id, 1001 + 8 / 5);
	assert_int_equal(fx->fake.nsent, 1);
	assert_int_equal(fx->fake.sent[0].nlmsg_type, NLB_FAMILY_ID);
	assert_int_equal(fx->fake.sent[0].nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(fx->fake.sent_genl[0].cmd, FLOWMESH_CMD_DRAIN);
	/* no attributes */
	assert_int_equal(fx->fake.sent[0].nlmsg_len,
			 NLMSG_HDRLEN + GENL_HDRLEN);
}

/* What a drain read is gone from the rings: it is never run again. */
static void test_drain_not_retried(void **state)
{
	struct drain_fixture *fx = *state;
	struct seen s = { .n = 0 };
	size_t count = 0;

	add_records(fx, 0, 2, NLM_F_DUMP_INTR);
	nlb_add(&fx->d, nlb_done(nlb_tail(&fx->d), 0));
	send_dgram(fx);
	add_records(fx, 2, 2, 0);
	nlb_add(&fx->d, nlb_done(nlb_tail(&fx->d), 0));
	send_dgram(fx);

	assert_int_equal(fm_drain(&fx->nl, collect, &s, &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(fx->fake.nsent, 1);
}

static void test_drain_empty_and_errors(void **state)
{
	struct drain_fixture *fx = *state;
	struct seen s = { .n = 0 };
	size_t count = 7;

	nlb_add(&fx->d, nlb_done(nlb_tail(&fx->d), 0));
	send_dgram(fx);
	assert_int_equal(fm_drain(&fx->nl, collect, &s, &count), 0);
	assert_int_equal(count, 0);

	/* refused outside the initial namespace, with the kernel's reason */
	nlb_add(&fx->d, nlb_error_ext(nlb_tail(&fx->d), -EPERM,
				      "node-wide command: run it in the initial network namespace",
				      false, 0, true, NULL));
	send_dgram(fx);
	assert_int_equal(fm_drain(&fx->nl, collect, &s, &count), -EPERM);
	assert_int_equal(fx->nl.extack.error, -EPERM);
	assert_string_equal(fx->nl.extack.msg,
			    "node-wide command: run it in the initial network namespace");

	/* records, then a broken batch: what came first was handed out */
	s.n = 0;
	add_records(fx, 0, 2, 0);
	{
		struct flowmesh_record recs[2];
		struct nlmsghdr *nlh;

		samples(recs, 2);
		nlh = nlb_records(nlb_tail(&fx->d), recs, 2, 8);
		nlb_add(&fx->d, nlh);
	}
	nlb_add(&fx->d, nlb_done(nlb_tail(&fx->d), 0));
	send_dgram(fx);
	assert_int_equal(fm_drain(&fx->nl, collect, &s, &count), -EBADMSG);
	assert_int_equal(s.n, 2);
	assert_int_equal(count, 2);
}

/* The callback stops the dump at once: nothing more is read. */
static void test_drain_stopped(void **state)
{
	struct drain_fixture *fx = *state;
	struct seen s = { .n = 0, .fail_at = 3 };
	size_t count = 0;

	add_records(fx, 0, 4, 0);
	send_dgram(fx);
	add_records(fx, 4, 4, 0);
	nlb_add(&fx->d, nlb_done(nlb_tail(&fx->d), 0));
	send_dgram(fx);
	assert_int_equal(fm_drain(&fx->nl, collect, &s, &count), -ECANCELED);
	assert_int_equal(s.n, 3);
	assert_int_equal(fx->fake.next, 1);
}

#define D(name) cmocka_unit_test_setup_teardown(name, drain_setup, \
						drain_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_layout),
		cmocka_unit_test(test_record_decode),
		cmocka_unit_test(test_record_short_or_misaligned),
		cmocka_unit_test(test_record_bad_values),
		cmocka_unit_test(test_record_unknown_type),
		cmocka_unit_test(test_record_callback_stops),
		cmocka_unit_test(test_record_message),
		cmocka_unit_test(test_record_json_names),
		cmocka_unit_test(test_record_json_values),
		D(test_drain_request),
		D(test_drain_not_retried),
		D(test_drain_empty_and_errors),
		D(test_drain_stopped),
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
