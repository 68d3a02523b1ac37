// SPDX-License-Identifier: GPL-2.0
/* Stats reply parsing: counters, per-CPU nests, and their JSON names. */
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

/* Parses the sample spoiled by @opts; frees what it parsed. */
static int parse_spoiled(const struct nlb_opts *opts)
{
	struct fm_stats in, out;
	union nlb_msg m;
	struct nlmsghdr *nlh;
	int err;

	nlb_stats_sample(&in);
	nlh = nlb_stats(m.buf, &in, opts);
	err = parse_exact(nlh, nlh->nlmsg_len, &out);
	if (err) {
		/* nothing is left allocated after an error */
		assert_null(out.cpus);
		assert_int_equal(out.ncpus, 0);
	}
	fm_stats_free(&out);
	return err;
}

static void assert_cpu_equal(const struct fm_cpu_stats *a,
			     const struct fm_cpu_stats *b)
{
	assert_int_equal(a->cpu, b->cpu);
	assert_int_equal(a->records_produced, b->records_produced);
	assert_int_equal(a->records_drained, b->records_drained);
	assert_int_equal(a->records_dropped, b->records_dropped);
	assert_int_equal(a->packets_seen, b->packets_seen);
}

static void assert_stats_equal(const struct fm_stats *a,
			       const struct fm_stats *b)
{
	const struct fm_stats_field *f;
	size_t i;

	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		if (fm_stats_value(a, f) != fm_stats_value(b, f))
			fail_msg("%s differs", f->name);
	assert_int_equal(a->present, b->present);
	assert_int_equal(a->ncpus, b->ncpus);
	for (i = 0; i < a->ncpus; i++)
		assert_cpu_equal(&a->cpus[i], &b->cpus[i]);
}

static void test_stats_parse(void **state)
{
	struct nlb_opts pad = { .pad64 = true };
	struct fm_stats in, out;
	struct nlmsghdr *nlh;
	union nlb_msg m;

	(void)state;
	nlb_stats_sample(&in);
	nlh = nlb_stats(m.buf, &in, NULL);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
	assert_stats_equal(&out, &in);
	assert_int_equal(out.flows_max, 65536);
	assert_int_equal(out.packets_skipped, 4321);
	assert_int_equal(out.records_queued, 78);
	assert_int_equal(out.cpus[1].packets_seen, 387654321);
	fm_stats_free(&out);
	assert_null(out.cpus);

	nlh = nlb_stats(m.buf, &in, &pad);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
	assert_stats_equal(&out, &in);
	fm_stats_free(&out);
}

/* Every field has its own attribute: distinct values catch a mix-up. */
static void test_stats_fields_distinct(void **state)
{
	const struct fm_stats_field *f;
	const struct fm_cpu_field *cf;
	struct fm_cpu_stats cpus[3];
	struct fm_stats in, out;
	struct nlmsghdr *nlh;
	union nlb_msg m;
	uint64_t v = 0x0101010101010101ull;
	size_t i;

	(void)state;
	nlb_stats_sample(&in);
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		*(uint64_t *)((char *)&in + f->offset) = v++;
	/* sent out of order: parsed in CPU order */
	for (i = 0; i < 3; i++) {
		cpus[i].cpu = (uint32_t)(2 - i) * 7;
		for (cf = fm_cpu_fields; cf < fm_cpu_fields + FM_CPU_NFIELDS; cf++)
			*(uint64_t *)((char *)&cpus[i] + cf->offset) = v++;
	}
	in.cpus = cpus;
	in.ncpus = 3;
	nlh = nlb_stats(m.buf, &in, NULL);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		if (fm_stats_value(&out, f) != fm_stats_value(&in, f))
			fail_msg("%s differs", f->name);
	assert_int_equal(out.ncpus, 3);
	for (i = 0; i < 3; i++)
		assert_cpu_equal(&out.cpus[i], &cpus[2 - i]);
	fm_stats_free(&out);
}

/* The eight counters of the first version must be there; newer may not. */
static void test_stats_missing(void **state)
{
	const struct fm_stats_field *f;
	struct fm_stats in, out;
	struct nlmsghdr *nlh;
	union nlb_msg m;
	size_t required = 0;

	(void)state;
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++) {
		struct nlb_opts opts = { .omit = f->attr };

		if (f->required) {
			required++;
			if (parse_spoiled(&opts) != -EBADMSG)
				fail_msg("stats without %s parsed", f->name);
			continue;
		}
		nlb_stats_sample(&in);
		nlh = nlb_stats(m.buf, &in, &opts);
		assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
		assert_false(fm_stats_present(&out, f));
		assert_int_equal(fm_stats_value(&out, f), 0);
		fm_stats_free(&out);
	}
	assert_int_equal(required, 8);

	/* a reply of the first version: no new counters, no CPUs */
	nlb_stats_sample(&in);
	in.present = 0;
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		if (f->required)
			in.present |= 1u << (f - fm_stats_fields);
	in.ncpus = 0;
	nlh = nlb_stats(m.buf, &in, NULL);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
	assert_int_equal(out.present, in.present);
	assert_int_equal(out.ncpus, 0);
	fm_stats_free(&out);
}

static void test_stats_wrong_length(void **state)
{
	static const uint16_t lens[] = { 0, 1, 4, 7, 9, 16 };
	struct nlb_opts nested = { 0 };
	uint16_t type;
	size_t i;

	(void)state;
	for (type = FLOWMESH_STATS_A_FLOWS_ACTIVE;
	     type <= FLOWMESH_STATS_A_RECORDS_QUEUED; type++) {
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

/* A CPU nest is all there or broken. */
static void test_stats_cpu_nest(void **state)
{
	static const struct {
		uint16_t type;
		uint16_t len;
	} bad[] = {
		{ FLOWMESH_CPU_A_ID, 8 }, { FLOWMESH_CPU_A_ID, 2 },
		{ FLOWMESH_CPU_A_RECORDS_PRODUCED, 4 },
		{ FLOWMESH_CPU_A_RECORDS_DRAINED, 0 },
		{ FLOWMESH_CPU_A_RECORDS_DROPPED, 12 },
		{ FLOWMESH_CPU_A_PACKETS_SEEN, 7 },
	};
	uint16_t type;
	size_t i;

	(void)state;
	/* the CPU attributes the agent reads (not packets_queued) */
	for (type = FLOWMESH_CPU_A_ID; type <= FLOWMESH_CPU_A_PACKETS_SEEN;
	     type++) {
		struct nlb_opts omit = { .inner_omit = type };
		struct nlb_opts nest = { .inner_nested = type };

		if (parse_spoiled(&omit) != -EBADMSG)
			fail_msg("CPU without attribute %u parsed", type);
		if (parse_spoiled(&nest) != -EBADMSG)
			fail_msg("CPU attribute %u marked nested parsed", type);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct nlb_opts opts = { .inner_resize = bad[i].type,
					 .inner_resize_len = bad[i].len };

		if (parse_spoiled(&opts) != -EBADMSG)
			fail_msg("CPU attribute %u with %u bytes parsed",
				 bad[i].type, bad[i].len);
	}
	/* the nest itself: too short, or not attributes */
	{
		struct nlb_opts s = { .resize = FLOWMESH_STATS_A_CPU,
				      .resize_len = 2 };
		struct nlb_opts g = { .resize = FLOWMESH_STATS_A_CPU,
				      .resize_len = 8 };

		assert_int_equal(parse_spoiled(&s), -EBADMSG);
		assert_int_equal(parse_spoiled(&g), -EBADMSG);
	}
	/* unknown attributes and padding inside a CPU are skipped */
	{
		struct nlb_opts u = { .inner_unknown = FLOWMESH_CPU_A_MAX + 1,
				      .pad64 = true };

		assert_int_equal(parse_spoiled(&u), 0);
	}
}

/* More CPUs than fit a 32 KiB datagram still make one reply. */
static void test_stats_many_cpus(void **state)
{
	enum { NCPUS = 1024 };
	struct fm_cpu_stats *cpus = calloc(NCPUS, sizeof(*cpus));
	struct fm_stats in, out;
	struct nlmsghdr *nlh;
	char *buf = calloc(1, 128 * 1024);
	size_t i;

	(void)state;
	assert_non_null(cpus);
	assert_non_null(buf);
	for (i = 0; i < NCPUS; i++) {
		cpus[i].cpu = (uint32_t)i;
		cpus[i].packets_seen = i * 10;
	}
	nlb_stats_sample(&in);
	in.cpus = cpus;
	in.ncpus = NCPUS;
	nlh = nlb_stats(buf, &in, NULL);
	assert_true(nlh->nlmsg_len > 32768);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
	assert_int_equal(out.ncpus, NCPUS);
	assert_int_equal(out.cpus[NCPUS - 1].packets_seen, (NCPUS - 1) * 10);
	fm_stats_free(&out);
	free(buf);
	free(cpus);
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
	static const char *const names[] = {
		"flows_active", "flows_max", "flows_created", "flows_expired",
		"flows_untracked", "flows_evicted", "alloc_failed",
		"packets_seen", "packets_skipped", "records_produced",
		"records_drained", "records_dropped", "records_queued",
		"packets_queued", "labels_set", "cpus",
	};
	static const char *const cpu_names[] = {
		"cpu", "records_produced", "records_drained",
		"records_dropped", "packets_seen",
	};
	struct fm_stats in;
	json_t *obj, *cpu;
	void *iter;
	size_t i = 0;

	(void)state;
	nlb_stats_sample(&in);
	in.packets_seen = UINT64_MAX;	/* beyond jansson: saturates */
	in.present &= ~(1u << 5);	/* flows_evicted not reported */
	obj = fm_stats_to_json(&in);
	assert_non_null(obj);
	/* the names are an interface: exactly these, in this order */
	for (iter = json_object_iter(obj); iter;
	     iter = json_object_iter_next(obj, iter), i++) {
		assert_true(i < sizeof(names) / sizeof(*names));
		assert_string_equal(json_object_iter_key(iter), names[i]);
	}
	assert_int_equal(i, sizeof(names) / sizeof(*names));
	assert_int_equal(json_integer_value(json_object_get(obj, "flows_max")),
			 65536);
	assert_int_equal(json_integer_value(json_object_get(obj,
							    "packets_seen")),
			 FM_JSON_INT_MAX);
	assert_true(json_is_null(json_object_get(obj, "flows_evicted")));

	cpu = json_array_get(json_object_get(obj, "cpus"), 1);
	i = 0;
	for (iter = json_object_iter(cpu); iter;
	     iter = json_object_iter_next(cpu, iter), i++)
		assert_string_equal(json_object_iter_key(iter), cpu_names[i]);
	assert_int_equal(i, 5);
	assert_int_equal(json_integer_value(json_object_get(cpu, "cpu")), 1);
	assert_int_equal(json_integer_value(json_object_get(cpu,
						"records_dropped")), 2);
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_parse),
		cmocka_unit_test(test_stats_fields_distinct),
		cmocka_unit_test(test_stats_missing),
		cmocka_unit_test(test_stats_wrong_length),
		cmocka_unit_test(test_stats_cpu_nest),
		cmocka_unit_test(test_stats_many_cpus),
		cmocka_unit_test(test_stats_unknown_skipped),
		cmocka_unit_test(test_stats_truncated),
		cmocka_unit_test(test_stats_wrong_command),
		cmocka_unit_test(test_stats_json),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
