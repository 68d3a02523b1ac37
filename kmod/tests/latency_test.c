// SPDX-License-Identifier: GPL-2.0
/* KUnit: latency summaries and histogram buckets; response-time turns. */
#include <kunit/test.h>
#include "latency.h"
#include "response.h"

static void hist_bucket_bounds(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, flowmesh_hist_bucket(0), 0U);
	KUNIT_EXPECT_EQ(test, flowmesh_hist_bucket(31), 0U);
	KUNIT_EXPECT_EQ(test, flowmesh_hist_bucket(32), 1U);
	KUNIT_EXPECT_EQ(test, flowmesh_hist_bucket(63), 1U);
	KUNIT_EXPECT_EQ(test, flowmesh_hist_bucket(64), 2U);
	KUNIT_EXPECT_EQ(test, flowmesh_hist_bucket((1U << 19) - 1), 14U);
	KUNIT_EXPECT_EQ(test, flowmesh_hist_bucket(1U << 19), 15U);
	KUNIT_EXPECT_EQ(test, flowmesh_hist_bucket(U32_MAX), 15U);
}

static void latency_summary(struct kunit *test)
{
	struct flowmesh_latency l = {};

	flowmesh_latency_add(&l, 500);
	flowmesh_latency_add(&l, 100);
	flowmesh_latency_add(&l, 900);
	KUNIT_EXPECT_EQ(test, l.count, 3U);
	KUNIT_EXPECT_EQ(test, l.min_us, 100U);
	KUNIT_EXPECT_EQ(test, l.max_us, 900U);
	KUNIT_EXPECT_EQ(test, l.last_us, 900U);
	KUNIT_EXPECT_EQ(test, l.sum_us, 1500ULL);
	KUNIT_EXPECT_EQ(test, l.hist[flowmesh_hist_bucket(100)], 1U);
	KUNIT_EXPECT_EQ(test, l.hist[flowmesh_hist_bucket(500)] +
			l.hist[flowmesh_hist_bucket(900)], 2U);
}

static void latency_hist_saturates(struct kunit *test)
{
	struct flowmesh_latency l = {};
	unsigned int i;

	for (i = 0; i < 70000; i++)
		flowmesh_latency_add(&l, 40);
	KUNIT_EXPECT_EQ(test, l.hist[1], (u16)U16_MAX);
	KUNIT_EXPECT_EQ(test, l.count, 70000U);
	/* A zero first sample is a real minimum. */
	flowmesh_latency_add(&l, 0);
	KUNIT_EXPECT_EQ(test, l.min_us, 0U);
}

static void response_one_sample_per_turn(struct kunit *test)
{
	struct flowmesh_response r = {};
	u32 us = 0;

	/* Server speaks first (a banner): nothing to answer. */
	KUNIT_EXPECT_FALSE(test, flowmesh_response_track(&r, FLOWMESH_DIR_RX,
							  100, 1000, &us));
	/* Request in two segments: timed from the first. */
	KUNIT_EXPECT_FALSE(test, flowmesh_response_track(&r, FLOWMESH_DIR_TX,
							  500, 2000000, &us));
	KUNIT_EXPECT_FALSE(test, flowmesh_response_track(&r, FLOWMESH_DIR_TX,
							  500, 2500000, &us));
	/* Pure ACKs carry no payload and change nothing. */
	KUNIT_EXPECT_FALSE(test, flowmesh_response_track(&r, FLOWMESH_DIR_RX,
							  0, 3000000, &us));
	KUNIT_EXPECT_TRUE(test, flowmesh_response_track(&r, FLOWMESH_DIR_RX,
							 1400, 7000000, &us));
	KUNIT_EXPECT_EQ(test, us, 5000U);
	/* The rest of the response is not another sample. */
	KUNIT_EXPECT_FALSE(test, flowmesh_response_track(&r, FLOWMESH_DIR_RX,
							  1400, 8000000, &us));
	/* Next request on the same connection. */
	KUNIT_EXPECT_FALSE(test, flowmesh_response_track(&r, FLOWMESH_DIR_TX,
							  50, 9000000, &us));
	KUNIT_EXPECT_TRUE(test, flowmesh_response_track(&r, FLOWMESH_DIR_RX,
							 60, 9250000, &us));
	KUNIT_EXPECT_EQ(test, us, 250U);
}

static struct kunit_case latency_cases[] = {
	KUNIT_CASE(hist_bucket_bounds),
	KUNIT_CASE(latency_summary),
	KUNIT_CASE(latency_hist_saturates),
	KUNIT_CASE(response_one_sample_per_turn),
	{}
};

static struct kunit_suite latency_suite = {
	.name = "flowmesh_latency",
	.test_cases = latency_cases,
};

kunit_test_suite(latency_suite);
