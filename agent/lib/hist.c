// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "lib/hist.h"

#define FM_HIST_LINEAR		(2 * FM_HIST_SUB_BUCKETS)	/* 256 */
#define FM_HIST_LINEAR_BITS	8
#define FM_HIST_VERSION		1

uint32_t fm_hist_index(uint64_t value)
{
	unsigned int e;
	uint32_t m;

	if (value < FM_HIST_LINEAR)
		return (uint32_t)value;
	e = 63 - __builtin_clzll(value);
	m = (value >> (e - FM_HIST_SUB_BITS)) & (FM_HIST_SUB_BUCKETS - 1);
	return FM_HIST_LINEAR + (e - FM_HIST_LINEAR_BITS) * FM_HIST_SUB_BUCKETS
	       + m;
}

/* The largest index fm_hist_index() returns: that of UINT64_MAX. */
static uint32_t hist_index_last(void)
{
	return FM_HIST_LINEAR + (63 - FM_HIST_LINEAR_BITS) * FM_HIST_SUB_BUCKETS
	       + FM_HIST_SUB_BUCKETS - 1;
}

uint64_t fm_hist_bucket_lo(uint32_t index)
{
	unsigned int e;
	uint64_t m;

	if (index < FM_HIST_LINEAR)
		return index;
	e = (index - FM_HIST_LINEAR) / FM_HIST_SUB_BUCKETS
	    + FM_HIST_LINEAR_BITS;
	m = (index - FM_HIST_LINEAR) % FM_HIST_SUB_BUCKETS;
	return (FM_HIST_SUB_BUCKETS + m) << (e - FM_HIST_SUB_BITS);
}

uint64_t fm_hist_bucket_hi(uint32_t index)
{
	unsigned int e;

	if (index < FM_HIST_LINEAR)
		return index;
	e = (index - FM_HIST_LINEAR) / FM_HIST_SUB_BUCKETS
	    + FM_HIST_LINEAR_BITS;
	/* lo + width - 1 does not overflow: the last bucket ends at 2^64-1 */
	return fm_hist_bucket_lo(index) + ((1ULL << (e - FM_HIST_SUB_BITS)) - 1);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

static int hist_reserve(struct fm_hist *h, size_t need)
{
	struct fm_hist_bucket *b;
	size_t cap;

	if (need <= h->cap)
		return 0;
	cap = h->cap ? h->cap : 8;
	while (cap < need)
		cap *= 2;
	b = realloc(h->b, cap * sizeof(*b));
	if (!b)
		return -ENOMEM;
	h->b = b;
	h->cap = cap;
	return 0;
}

/* The position of @index in the buckets, or where it would go. */
static size_t hist_find(const struct fm_hist *h, uint32_t index)
{
	size_t lo = 0, hi = h->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->b[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void hist_account(struct fm_hist *h, uint64_t count, uint64_t sum,
			 uint64_t min, uint64_t max)
{
	if (!h->count || min < h->min)
		h->min = min;
	if (!h->count || max > h->max)
		h->max = max;
	h->count = add_sat(h->count, count);
	h->sum = add_sat(h->sum, sum);
}

int fm_hist_add(struct fm_hist *h, uint64_t value, uint64_t count)
{
	uint32_t index = fm_hist_index(value);
	size_t pos;

	if (!count)
		return 0;
	pos = hist_find(h, index);
	if (pos < h->len && h->b[pos].index == index) {
		h->b[pos].count = add_sat(h->b[pos].count, count);
	} else {
		if (hist_reserve(h, h->len + 1))
			return -ENOMEM;
		memmove(h->b + pos + 1, h->b + pos,
			(h->len - pos) * sizeof(*h->b));
		h->b[pos].index = index;
		h->b[pos].count = count;
		h->len++;
	}
	hist_account(h, count, mul_sat(value, count), value, value);
	return 0;
}

int fm_hist_merge(struct fm_hist *dst, const struct fm_hist *src)
{
	struct fm_hist_bucket *out;
	size_t i = 0, j = 0, n = 0;

	if (!src->count)
		return 0;
	/* into a fresh array: @dst stays whole if it can't be had */
	out = malloc((dst->len + src->len) * sizeof(*out));
	if (!out)
		return -ENOMEM;
	while (i < dst->len || j < src->len) {
		if (j == src->len ||
		    (i < dst->len && dst->b[i].index < src->b[j].index)) {
			out[n++] = dst->b[i++];
		} else if (i == dst->len || src->b[j].index < dst->b[i].index) {
			out[n++] = src->b[j++];
		} else {
			out[n] = dst->b[i++];
			out[n].count = add_sat(out[n].count, src->b[j++].count);
			n++;
		}
	}
	free(dst->b);
	dst->b = out;
	dst->len = n;
	dst->cap = n;
	hist_account(dst, src->count, src->sum, src->min, src->max);
	return 0;
}

void fm_hist_reset(struct fm_hist *h)
{
	h->len = 0;
	h->count = 0;
	h->sum = 0;
	h->min = 0;
	h->max = 0;
}

void fm_hist_free(struct fm_hist *h)
{
	free(h->b);
	memset(h, 0, sizeof(*h));
}

uint64_t fm_hist_quantile(const struct fm_hist *h, double q)
{
	uint64_t rank, seen = 0, lo, hi, mid;
	double x;
	size_t i;

	if (!h->count)
		return 0;
	if (!(q > 0))	/* NaN too */
		q = 0;
	if (q > 1)
		q = 1;
	x = q * (double)h->count;
	/* in double, q * count may round up to count or past it */
	if (x >= (double)h->count) {
		rank = h->count;
	} else {
		rank = (uint64_t)x;
		if ((double)rank < x)
			rank++;		/* ceil() */
		if (!rank)
			rank = 1;
	}
	for (i = 0; i < h->len; i++) {
		seen += h->b[i].count;
		if (seen >= rank)
			break;
	}
	if (i == h->len)
		i = h->len - 1;
	lo = fm_hist_bucket_lo(h->b[i].index);
	hi = fm_hist_bucket_hi(h->b[i].index);
	mid = lo + (hi - lo) / 2;
	if (mid < h->min)
		return h->min;
	if (mid > h->max)
		return h->max;
	return mid;
}

double fm_hist_mean(const struct fm_hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Strict: no overlong forms, so each value has exactly one encoding. */
static int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	unsigned int shift = 0;
	uint64_t r = 0;

	for (;;) {
		uint8_t byte;

		if (*p == end)
			return -EBADMSG;
		byte = *(*p)++;
		if (shift == 63 && byte > 1)
			return -EBADMSG;
		r |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80)) {
			if (!byte && shift)
				return -EBADMSG;
			*v = r;
			return 0;
		}
		shift += 7;
	}
}

long fm_hist_encode(const struct fm_hist *h, uint8_t *buf, size_t len)
{
	uint8_t tmp[10];
	uint32_t prev = 0;
	size_t n = 0, i;

	/* varints are written to tmp first so a short @buf is never overrun */
#define PUT(v) do {							\
		size_t k_ = put_varint(tmp, (v));			\
		if (n + k_ > len)					\
			return -ENOSPC;					\
		memcpy(buf + n, tmp, k_);				\
		n += k_;						\
	} while (0)

	if (len < 1)
		return -ENOSPC;
	buf[n++] = FM_HIST_VERSION;
	PUT(h->count);
	PUT(h->sum);
	PUT(h->count ? h->min : 0);
	PUT(h->count ? h->max : 0);
	for (i = 0; i < h->len; i++) {
		/* the first delta is from index 0, the rest from the previous */
		PUT(h->b[i].index - prev);
		PUT(h->b[i].count);
		prev = h->b[i].index;
	}
#undef PUT
	return (long)n;
}

static int hist_decode(struct fm_hist *h, const uint8_t *buf, size_t len)
{
	const uint8_t *p = buf, *end = buf + len;
	uint64_t count, sum, min, max, total = 0, delta, c, index;
	bool first = true;
	uint64_t prev = 0;

	if (len < 1 || *p++ != FM_HIST_VERSION)
		return -EBADMSG;
	if (get_varint(&p, end, &count) || get_varint(&p, end, &sum) ||
	    get_varint(&p, end, &min) || get_varint(&p, end, &max))
		return -EBADMSG;
	while (p < end) {
		if (get_varint(&p, end, &delta) || get_varint(&p, end, &c))
			return -EBADMSG;
		/* strictly increasing: only the first index may be 0 */
		if ((!first && !delta) || delta > hist_index_last() ||
		    prev + delta > hist_index_last() || !c)
			return -EBADMSG;
		index = prev + delta;
		if (__builtin_add_overflow(total, c, &total))
			return -EBADMSG;
		if (hist_reserve(h, h->len + 1))
			return -ENOMEM;
		h->b[h->len].index = (uint32_t)index;
		h->b[h->len].count = c;
		h->len++;
		prev = index;
		first = false;
	}
	if (total != count)
		return -EBADMSG;
	if (!count)
		return min || max || sum ? -EBADMSG : 0;
	/* min and max lie in the first and last buckets */
	if (min > max || fm_hist_index(min) != h->b[0].index ||
	    fm_hist_index(max) != h->b[h->len - 1].index)
		return -EBADMSG;
	h->count = count;
	h->sum = sum;
	h->min = min;
	h->max = max;
	return 0;
}

int fm_hist_decode(struct fm_hist *h, const uint8_t *buf, size_t len)
{
	int err;

	fm_hist_reset(h);
	err = hist_decode(h, buf, len);
	if (err)
		fm_hist_free(h);	/* empty, and owning nothing */
	return err;
}
