// SPDX-License-Identifier: GPL-2.0
/* Log-linear latency histograms: buckets, quantiles, merge, stored form. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/hist.h"
#include "store_fixture.h"

#define NSAMPLES 20000

static uint64_t rng_state;

/* splitmix64: the same samples on every run */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void fill_hist(struct fm_hist *h, const uint64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(fm_hist_add(h, v[i], 1), 0);
}

/* quantiles in thousandths, against the sorted samples' nearest rank */
static const unsigned int permille[] = { 500, 900, 950, 990, 999, 1000, 1 };

static void check_quantiles(uint64_t *v, size_t n)
{
	struct fm_hist h = FM_HIST_INIT;
	size_t i;

	fill_hist(&h, v, n);
	qsort(v, n, sizeof(*v), cmp_u64);
	assert_int_equal(h.count, n);
	assert_int_equal(h.min, v[0]);
	assert_int_equal(h.max, v[n - 1]);
	for (i = 0; i < sizeof(permille) / sizeof(*permille); i++) {
		size_t rank = (permille[i] * n + 999) / 1000;
		uint64_t exact = v[(rank ? rank : 1) - 1];
		uint64_t got = fm_hist_quantile(&h, permille[i] / 1000.0);
		uint64_t diff = got > exact ? got - exact : exact - got;

		assert_true(got >= h.min && got <= h.max);
		/* diff <= exact / 100, without the rounding of a division */
		assert_true((unsigned __int128)diff * 100 <= exact);
	}
	fm_hist_free(&h);
}

static void test_quantile_uniform(void **state)
{
	static uint64_t v[NSAMPLES];
	size_t i;

	(void)state;
	rng_state = 1;
	for (i = 0; i < NSAMPLES; i++)
		v[i] = rng() % 100000;
	check_quantiles(v, NSAMPLES);
}

static void test_quantile_lognormal(void **state)
{
	static uint64_t v[NSAMPLES];
	size_t i;

	(void)state;
	rng_state = 2;
	/* the sum of uniforms is near normal; its power of two, log-normal */
	for (i = 0; i < NSAMPLES; i++) {
		unsigned int e = (unsigned int)(rng() % 9 + rng() % 9 +
						rng() % 9);

		v[i] = (1ULL << (e + 4)) + rng() % (1ULL << (e + 4));
	}
	check_quantiles(v, NSAMPLES);
}

static void test_quantile_bimodal(void **state)
{
	static uint64_t v[NSAMPLES];
	size_t i;

	(void)state;
	rng_state = 3;
	/* 70 % fast answers near 200 us, 30 % slow near 80 ms */
	for (i = 0; i < NSAMPLES; i++)
		v[i] = rng() % 10 < 7 ? 150 + rng() % 100 :
					 70000 + rng() % 20000;
	check_quantiles(v, NSAMPLES);
}

static void test_quantile_constant(void **state)
{
	static uint64_t v[1000];
	size_t i;

	(void)state;
	for (i = 0; i < 1000; i++)
		v[i] = 123457;
	check_quantiles(v, 1000);
	/* clamped to [min, max]: the bucket's midpoint is not the value */
	{
		struct fm_hist h = FM_HIST_INIT;

		assert_int_equal(fm_hist_add(&h, 123457, 1000), 0);
		assert_int_equal(fm_hist_quantile(&h, 0.5), 123457);
		assert_int_equal(fm_hist_quantile(&h, 1), 123457);
		fm_hist_free(&h);
	}
}

static void test_quantile_tiny(void **state)
{
	uint64_t one[] = { 42 }, two[] = { 1000, 5 }, three[] = { 7, 0, 9000 };

	(void)state;
	check_quantiles(one, 1);
	check_quantiles(two, 2);
	check_quantiles(three, 3);
}

static void test_quantile_huge(void **state)
{
	static uint64_t v[2000];
	struct fm_hist h = FM_HIST_INIT;
	size_t i;

	(void)state;
	rng_state = 4;
	for (i = 0; i < 2000; i++)
		v[i] = (1ULL << 63) - (1ULL << 60) + rng() % (1ULL << 61);
	check_quantiles(v, 2000);
	/* the sum saturates instead of wrapping */
	fill_hist(&h, v, 3);
	assert_int_equal(h.sum, UINT64_MAX);
	assert_int_equal(fm_hist_add(&h, UINT64_MAX, 1), 0);
	assert_int_equal(h.max, UINT64_MAX);
	assert_int_equal(fm_hist_index(fm_hist_quantile(&h, 1)),
			 fm_hist_index(UINT64_MAX));
	fm_hist_free(&h);
}

static void test_quantile_edges(void **state)
{
	struct fm_hist h = FM_HIST_INIT;

	(void)state;
	assert_int_equal(fm_hist_quantile(&h, 0.5), 0);
	assert_true(fm_hist_mean(&h) == 0);
	assert_int_equal(fm_hist_add(&h, 10, 1), 0);
	assert_int_equal(fm_hist_add(&h, 20, 3), 0);
	assert_int_equal(fm_hist_add(&h, 30, 0), 0);	/* nothing */
	assert_int_equal(h.count, 4);
	assert_int_equal(h.sum, 70);
	assert_true(fm_hist_mean(&h) == 17.5);
	/* q clamped to (0, 1]: the first and the last sample */
	assert_int_equal(fm_hist_quantile(&h, 0), 10);
	assert_int_equal(fm_hist_quantile(&h, -3), 10);
	assert_int_equal(fm_hist_quantile(&h, 0.25), 10);
	assert_int_equal(fm_hist_quantile(&h, 0.26), 20);
	assert_int_equal(fm_hist_quantile(&h, 7), 20);
	fm_hist_reset(&h);
	assert_int_equal(h.count, 0);
	assert_int_equal(h.len, 0);
	assert_non_null(h.b);		/* memory kept */
	assert_int_equal(fm_hist_quantile(&h, 0.5), 0);
	fm_hist_free(&h);
	assert_null(h.b);
}

static void test_index_boundaries(void **state)
{
	uint32_t last = fm_hist_index(UINT64_MAX), i;

	(void)state;
	assert_true(last < FM_HIST_INDEX_MAX);
	assert_int_equal(fm_hist_index(255), 255);
	assert_int_equal(fm_hist_index(256), 256);
	assert_int_equal(fm_hist_bucket_lo(0), 0);
	assert_int_equal(fm_hist_bucket_hi(last), UINT64_MAX);
	for (i = 0; i <= last; i++) {
		uint64_t lo = fm_hist_bucket_lo(i), hi = fm_hist_bucket_hi(i);

		assert_true(lo <= hi);
		assert_int_equal(fm_hist_index(lo), i);
		assert_int_equal(fm_hist_index(hi), i);
		if (lo)
			assert_int_equal(fm_hist_index(lo - 1), i - 1);
		if (i < last)
			assert_int_equal(fm_hist_bucket_lo(i + 1), hi + 1);
		/* never wider than 1/128 of its values */
		assert_true(hi - lo + 1 <= (lo / FM_HIST_SUB_BUCKETS > 1 ?
					    lo / FM_HIST_SUB_BUCKETS : 1));
	}
}

static void test_merge_is_union(void **state)
{
	struct fm_hist a = FM_HIST_INIT, b = FM_HIST_INIT, all = FM_HIST_INIT;
	struct fm_hist empty = FM_HIST_INIT;
	static uint64_t v[4000];
	size_t i;

	(void)state;
	rng_state = 5;
	for (i = 0; i < 4000; i++)
		v[i] = rng() % (i < 2000 ? 5000 : 5000000);
	/* overlapping and disjoint buckets both */
	fill_hist(&a, v, 2500);
	fill_hist(&b, v + 2500, 1500);
	fill_hist(&all, v, 4000);
	assert_int_equal(fm_hist_merge(&a, &b), 0);
	assert_hist_equal(&a, &all);
	for (i = 1; i < a.len; i++)
		assert_true(a.b[i - 1].index < a.b[i].index);
	/* empty either side */
	assert_int_equal(fm_hist_merge(&a, &empty), 0);
	assert_hist_equal(&a, &all);
	assert_int_equal(fm_hist_merge(&empty, &b), 0);
	assert_hist_equal(&empty, &b);
	fm_hist_free(&a);
	fm_hist_free(&b);
	fm_hist_free(&all);
	fm_hist_free(&empty);
}

static long encode(const struct fm_hist *h, uint8_t *buf, size_t len)
{
	long n = fm_hist_encode(h, buf, len);

	assert_true(n > 0 && (size_t)n <= FM_HIST_ENCODED_MAX(h));
	return n;
}

static void test_round_trip(void **state)
{
	struct fm_hist h = FM_HIST_INIT, back = FM_HIST_INIT;
	uint64_t edge[] = { 0, 1, 255, 256, 257, 1ULL << 40, UINT64_MAX };
	uint8_t buf[4096], again[4096];
	long n, i;

	(void)state;
	/* the empty histogram, then one of every kind of value */
	n = encode(&h, buf, sizeof(buf));
	assert_int_equal(n, 5);
	assert_int_equal(fm_hist_decode(&back, buf, (size_t)n), 0);
	assert_hist_equal(&back, &h);
	fill_hist(&h, edge, sizeof(edge) / sizeof(*edge));
	assert_int_equal(fm_hist_add(&h, 300, 1ULL << 50), 0);
	n = encode(&h, buf, sizeof(buf));
	assert_int_equal(fm_hist_decode(&back, buf, (size_t)n), 0);
	assert_hist_equal(&back, &h);
	assert_int_equal(fm_hist_encode(&back, again, sizeof(again)), n);
	assert_memory_equal(buf, again, (size_t)n);
	/* every buffer too short is refused, without writing past it */
	for (i = 0; i < n; i++) {
		memset(again, 0xa5, sizeof(again));
		assert_int_equal(fm_hist_encode(&h, again, (size_t)i), -ENOSPC);
		assert_int_equal(again[i], 0xa5);
	}
	fm_hist_free(&h);
	fm_hist_free(&back);
}

static void assert_bad(const uint8_t *buf, size_t len)
{
	struct fm_hist h = FM_HIST_INIT;

	assert_int_equal(fm_hist_add(&h, 77, 2), 0);
	assert_int_equal(fm_hist_decode(&h, buf, len), -EBADMSG);
	/* and the histogram is left empty */
	assert_int_equal(h.count, 0);
	assert_int_equal(h.len, 0);
	fm_hist_free(&h);
}

static void test_decode_rejects(void **state)
{
	struct fm_hist h = FM_HIST_INIT;
	uint8_t buf[4096];
	long n, i;

	(void)state;
	/* count 3, sum 30, min 10, max 10, then (10, 3): the good form */
	static const uint8_t good[] = { 1, 3, 30, 10, 10, 10, 3 };
	static const uint8_t version[] = { 2, 3, 30, 10, 10, 10, 3 };
	static const uint8_t zero_count[] = { 1, 3, 30, 10, 20, 10, 3, 10, 0 };
	static const uint8_t bad_total[] = { 1, 4, 30, 10, 10, 10, 3 };
	static const uint8_t no_pairs[] = { 1, 3, 30, 10, 10 };
	static const uint8_t out_of_order[] = { 1, 3, 30, 10, 20, 10, 1, 0, 2 };
	static const uint8_t min_elsewhere[] = { 1, 3, 30, 9, 10, 10, 3 };
	static const uint8_t max_elsewhere[] = { 1, 3, 30, 10, 11, 10, 3 };
	static const uint8_t min_over_max[] = { 1, 2, 30, 20, 10, 10, 1, 10, 1 };
	static const uint8_t empty_min[] = { 1, 0, 0, 1, 0 };
	static const uint8_t overlong[] = { 1, 0x83, 0x00, 30, 10, 10, 10, 3 };
	static const uint8_t varint_11[] = { 1, 0xff, 0xff, 0xff, 0xff, 0xff,
					     0xff, 0xff, 0xff, 0xff, 0x02 };
	/* index 7424 = 0x80 0x3a: one past the last */
	static const uint8_t index_range[] = { 1, 1, 1, 1, 1, 0x80, 0x3a, 1 };
	static const uint8_t half_pair[] = { 1, 3, 30, 10, 10, 10 };
	static const uint8_t total_wraps[] = {
		1, 1, 30, 10, 20, 10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0x01, 10, 2 };

	assert_int_equal(fm_hist_decode(&h, good, sizeof(good)), 0);
	assert_int_equal(h.count, 3);
	assert_int_equal(fm_hist_quantile(&h, 0.5), 10);
	fm_hist_free(&h);

	assert_bad(good, 0);
	assert_bad(version, sizeof(version));
	assert_bad(zero_count, sizeof(zero_count));
	assert_bad(bad_total, sizeof(bad_total));
	assert_bad(no_pairs, sizeof(no_pairs));
	assert_bad(out_of_order, sizeof(out_of_order));
	assert_bad(min_elsewhere, sizeof(min_elsewhere));
	assert_bad(max_elsewhere, sizeof(max_elsewhere));
	assert_bad(min_over_max, sizeof(min_over_max));
	assert_bad(empty_min, sizeof(empty_min));
	assert_bad(overlong, sizeof(overlong));
	assert_bad(varint_11, sizeof(varint_11));
	assert_bad(index_range, sizeof(index_range));
	assert_bad(half_pair, sizeof(half_pair));
	assert_bad(total_wraps, sizeof(total_wraps));

	/* every truncation of a real encoding but the whole */
	for (i = 0; i < 200; i++)
		assert_int_equal(fm_hist_add(&h, i * i * 37, 1 + i % 3), 0);
	n = encode(&h, buf, sizeof(buf));
	for (i = 1; i < n; i++) {
		struct fm_hist t = FM_HIST_INIT;
		int err = fm_hist_decode(&t, buf, (size_t)i);

		/* a cut between pairs is short of the total count */
		assert_int_equal(err, -EBADMSG);
		fm_hist_free(&t);
	}
	fm_hist_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantile_uniform),
		cmocka_unit_test(test_quantile_lognormal),
		cmocka_unit_test(test_quantile_bimodal),
		cmocka_unit_test(test_quantile_constant),
		cmocka_unit_test(test_quantile_tiny),
		cmocka_unit_test(test_quantile_huge),
		cmocka_unit_test(test_quantile_edges),
		cmocka_unit_test(test_index_boundaries),
		cmocka_unit_test(test_merge_is_union),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_decode_rejects),
	};

	return cmocka_run_group_tests_name("hist", tests, NULL, NULL);
}
