// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: event rings keep order, drop and count when full, and always
 * conserve records: produced = drained + dropped + queued.
 */
#include <kunit/test.h>
#include "ring.h"

struct ring_ctx {
	struct flowmesh_rings rings;
	atomic_t notified;
};

static void count_notify(struct flowmesh_rings *rings)
{
	atomic_inc(&container_of(rings, struct ring_ctx, rings)->notified);
}

static int ring_test_init(struct kunit *test)
{
	struct ring_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	return flowmesh_rings_init(&ctx->rings, 16, count_notify);
}

static void ring_test_exit(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;

	flowmesh_rings_destroy(&ctx->rings);
}

static struct flowmesh_record *records(struct kunit *test, unsigned int n)
{
	struct flowmesh_record *r = kunit_kcalloc(test, n, sizeof(*r),
						  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	return r;
}

static void put_ids(struct flowmesh_rings *rings, u64 from, u64 to,
		    unsigned int *stored)
{
	struct flowmesh_record rec = {};

	for (; from < to; from++) {
		rec.flow_id = from;
		*stored += flowmesh_ring_put(rings, &rec);
	}
}

/* Sums every CPU's counts and checks conservation on each. */
static void counts(struct kunit *test, struct flowmesh_rings *rings,
		   struct flowmesh_ring_counts *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct flowmesh_ring_counts c;

		flowmesh_ring_counts(rings, cpu, &c);
		KUNIT_EXPECT_EQ(test, c.produced,
				c.drained + c.dropped + c.queued);
		sum->produced += c.produced;
		sum->drained += c.drained;
		sum->dropped += c.dropped;
		sum->queued += c.queued;
	}
}

static unsigned int take_all(struct flowmesh_rings *rings,
			     struct flowmesh_record *out, unsigned int max)
{
	unsigned int n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += flowmesh_ring_take(rings, cpu, out + n, max - n);
	return n;
}

static void ring_keeps_order(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct flowmesh_record *out = records(test, 16);
	unsigned int stored = 0, i;

	put_ids(&ctx->rings, 100, 110, &stored);
	KUNIT_EXPECT_EQ(test, stored, 10U);
	KUNIT_ASSERT_EQ(test, take_all(&ctx->rings, out, 4), 4U);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, out[i].flow_id, 100ULL + i);
	KUNIT_ASSERT_EQ(test, take_all(&ctx->rings, out, 16), 6U);
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_EQ(test, out[i].flow_id, 104ULL + i);
	KUNIT_EXPECT_EQ(test, take_all(&ctx->rings, out, 16), 0U);
}

static void ring_overflow_is_counted(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct flowmesh_ring_counts c;
	struct flowmesh_record *out = records(test, 16);
	unsigned int stored = 0;

	put_ids(&ctx->rings, 0, 20, &stored);
	KUNIT_EXPECT_EQ(test, stored, 16U);
	counts(test, &ctx->rings, &c);
	KUNIT_EXPECT_EQ(test, c.produced, 20ULL);
	KUNIT_EXPECT_EQ(test, c.dropped, 4ULL);
	KUNIT_EXPECT_EQ(test, c.queued, 16ULL);

	/* The oldest survive: a full ring drops the newest. */
	KUNIT_ASSERT_EQ(test, take_all(&ctx->rings, out, 16), 16U);
	KUNIT_EXPECT_EQ(test, out[0].flow_id, 0ULL);
	KUNIT_EXPECT_EQ(test, out[15].flow_id, 15ULL);
	counts(test, &ctx->rings, &c);
	KUNIT_EXPECT_EQ(test, c.drained, 16ULL);
	KUNIT_EXPECT_EQ(test, c.queued, 0ULL);

	/* Room again after draining; the counters keep adding up. */
	put_ids(&ctx->rings, 20, 25, &stored);
	counts(test, &ctx->rings, &c);
	KUNIT_EXPECT_EQ(test, c.produced, 25ULL);
	KUNIT_EXPECT_EQ(test, c.produced, c.drained + c.dropped + c.queued);
}

static void ring_wraps_around(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct flowmesh_record *out = records(test, 16);
	unsigned int stored = 0, round, i;

	for (round = 0; round < 10; round++) {
		put_ids(&ctx->rings, round * 11, round * 11 + 11, &stored);
		KUNIT_ASSERT_EQ(test, take_all(&ctx->rings, out, 16), 11U);
		for (i = 0; i < 11; i++)
			KUNIT_EXPECT_EQ(test, out[i].flow_id, round * 11ULL + i);
	}
	KUNIT_EXPECT_EQ(test, stored, 110U);
}

static void ring_resize_keeps_oldest(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct flowmesh_ring_counts c;
	struct flowmesh_record *out = records(test, 32);
	unsigned int stored = 0;

	put_ids(&ctx->rings, 0, 12, &stored);
	KUNIT_ASSERT_EQ(test, flowmesh_rings_resize(&ctx->rings, 8), 0);
	counts(test, &ctx->rings, &c);
	KUNIT_EXPECT_EQ(test, c.dropped, 4ULL);
	KUNIT_EXPECT_EQ(test, c.queued, 8ULL);
	KUNIT_ASSERT_EQ(test, take_all(&ctx->rings, out, 32), 8U);
	KUNIT_EXPECT_EQ(test, out[0].flow_id, 0ULL);
	KUNIT_EXPECT_EQ(test, out[7].flow_id, 7ULL);

	KUNIT_ASSERT_EQ(test, flowmesh_rings_resize(&ctx->rings, 32), 0);
	put_ids(&ctx->rings, 100, 140, &stored);
	counts(test, &ctx->rings, &c);
	KUNIT_EXPECT_EQ(test, c.queued, 32ULL);
	KUNIT_EXPECT_EQ(test, c.produced, 52ULL);
}

static void ring_notifies_when_data_arrives(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	unsigned int stored = 0;

	put_ids(&ctx->rings, 0, 5, &stored);
	flush_delayed_work(&ctx->rings.notify);
	/* Five records into an empty ring: one notification, not five. */
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->notified), 1);
	put_ids(&ctx->rings, 5, 6, &stored);
	flush_delayed_work(&ctx->rings.notify);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->notified), 1);
}

static struct kunit_case ring_cases[] = {
	KUNIT_CASE(ring_keeps_order),
	KUNIT_CASE(ring_overflow_is_counted),
	KUNIT_CASE(ring_wraps_around),
	KUNIT_CASE(ring_resize_keeps_oldest),
	KUNIT_CASE(ring_notifies_when_data_arrives),
	{}
};

static struct kunit_suite ring_suite = {
	.name = "flowmesh_ring",
	.init = ring_test_init,
	.exit = ring_test_exit,
	.test_cases = ring_cases,
};

kunit_test_suite(ring_suite);
