// SPDX-License-Identifier: GPL-2.0
/* Stats reply parsing and the counters' JSON names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/genetlink.h>
#include <linux/flowmesh.h>
#include "lib/json.h"
#include "lib/stats.h"
#include "nlbuild.h"

static int parse_exact(const struct nlmsghdr *nlh, size_t len,
		       struct fm_stats *stats)
{
	struct nlmsghdr *copy = malloc(len);
	int err;

	assert_non_null(copy);
	memcpy(copy, nlh, len);
	copy->nlmsg_len = len;
	err = fm_stats_parse(copy, stats);
	free(copy);
	return err;
}

static int parse_spoiled(const struct nlb_opts *opts)
{
	struct fm_stats in, out;
	union nlb_msg m;
	struct nlmsghdr *nlh;

	nlb_stats_sample(&in);
	nlh = nlb_stats(m.buf, &in, opts);
	return parse_exact(nlh, nlh->nlmsg_len, &out);
}

static void assert_stats_equal(const struct fm_stats *a,
			       const struct fm_stats *b)
{
	const struct fm_stats_field *f;

	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		if (fm_stats_value(a, f) != fm_stats_value(b, f))
			fail_msg("%s differs", f->name);
}

static void test_stats_parse(void **state)
{
	struct nlb_opts pad = { .pad64 = true };
	struct fm_stats in, out;
	struct nlmsghdr *nlh;
	union nlb_msg m;

	(void)state;
	nlb_stats_sample(&in);
	memset(&out, 0, sizeof(out));
	nlh = nlb_stats(m.buf, &in, NULL);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
	assert_stats_equal(&out, &in);
	assert_int_equal(out.flows_max, 65536);
	assert_int_equal(out.packets_skipped, 4321);

	memset(&out, 0, sizeof(out));
	nlh = nlb_stats(m.buf, &in, &pad);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
	assert_stats_equal(&out, &in);
}

/* Every field has its own attribute: distinct values catch a mix-up. */
static void test_stats_fields_distinct(void **state)
{
	const struct fm_stats_field *f;
	struct fm_stats in, out;
	struct nlmsghdr *nlh;
	union nlb_msg m;
	uint64_t v = 0x0101010101010101ull;

	(void)state;
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		*(uint64_t *)((char *)&in + f->offset) = v++;
	nlh = nlb_stats(m.buf, &in, NULL);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
	assert_stats_equal(&out, &in);
}

static void test_stats_missing(void **state)
{
	uint16_t type;

	(void)state;
	for (type = FLOWMESH_STATS_A_FLOWS_ACTIVE; type <= FLOWMESH_STATS_A_MAX;
	     type++) {
		struct nlb_opts opts = { .omit = type };

		if (parse_spoiled(&opts) != -EBADMSG)
			fail_msg("stats without attribute %u parsed", type);
	}
}

static void test_stats_wrong_length(void **state)
{
	static const uint16_t lens[] = { 0, 1, 4, 7, 9, 16 };
	struct nlb_opts nested = { 0 };
	uint16_t type;
	size_t i;

	(void)state;
	for (type = FLOWMESH_STATS_A_FLOWS_ACTIVE; type <= FLOWMESH_STATS_A_MAX;
	     type++) {
		for (i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
			struct nlb_opts opts = { .resize = type,
						 .resize_len = lens[i] };

			if (parse_spoiled(&opts) != -EBADMSG)
				fail_msg("stats attribute %u with %u bytes parsed",
					 type, lens[i]);
		}
		nested.nested = type;
		assert_int_equal(parse_spoiled(&nested), -EBADMSG);
	}
}

static void test_stats_unknown_skipped(void **state)
{
	struct nlb_opts opts = { .unknown = FLOWMESH_STATS_A_MAX + 1 };
	struct nlb_opts far = { .unknown = 0x7ffe };

	(void)state;
	assert_int_equal(parse_spoiled(&opts), 0);
	assert_int_equal(parse_spoiled(&far), 0);
}

static void test_stats_truncated(void **state)
{
	struct fm_stats in, out;
	struct nlmsghdr *nlh;
	union nlb_msg m;
	size_t len;

	(void)state;
	nlb_stats_sample(&in);
	nlh = nlb_stats(m.buf, &in, NULL);
	for (len = nlh->nlmsg_len - 1; len >= NLMSG_HDRLEN; len--)
		if (parse_exact(nlh, len, &out) != -EBADMSG)
			fail_msg("stats cut to %zu bytes parsed", len);
}

/* A flow reply is not a stats reply, even with a stats nest inside. */
static void test_stats_wrong_command(void **state)
{
	struct fm_stats in, out;
	struct nlmsghdr *nlh;
	union nlb_msg m;

	(void)state;
	nlb_stats_sample(&in);
	nlh = nlb_stats(m.buf, &in, NULL);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd =
		FLOWMESH_CMD_GET_FLOW;
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), -EBADMSG);
}

static void test_stats_json(void **state)
{
	static const char *const names[FM_STATS_NFIELDS] = {
		"flows_active", "flows_max", "flows_created", "flows_expired",
		"flows_untracked", "alloc_failed", "packets_seen",
		"packets_skipped",
	};
	struct fm_stats in;
	json_t *obj;
	size_t i;

	(void)state;
	nlb_stats_sample(&in);
	in.packets_seen = UINT64_MAX;	/* beyond jansson: saturates */
	obj = fm_stats_to_json(&in);
	assert_non_null(obj);
	assert_int_equal(json_object_size(obj), FM_STATS_NFIELDS);
	for (i = 0; i < FM_STATS_NFIELDS; i++) {
		json_t *v = json_object_get(obj, names[i]);

		if (!json_is_integer(v))
			fail_msg("no integer %s", names[i]);
	}
	assert_int_equal(json_integer_value(json_object_get(obj, "flows_max")),
			 65536);
	assert_int_equal(json_integer_value(json_object_get(obj,
							    "packets_seen")),
			 FM_JSON_INT_MAX);
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_parse),
		cmocka_unit_test(test_stats_fields_distinct),
		cmocka_unit_test(test_stats_missing),
		cmocka_unit_test(test_stats_wrong_length),
		cmocka_unit_test(test_stats_unknown_skipped),
		cmocka_unit_test(test_stats_truncated),
		cmocka_unit_test(test_stats_wrong_command),
		cmocka_unit_test(test_stats_json),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
