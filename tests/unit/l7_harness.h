/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs an L7 detector over a flow given as chunks of a capture, collects
 * the requests it reports, and checks what every detector must do: give
 * the same result however the stream is cut, and refuse other protocols.
 */
#ifndef FLOWMESH_TEST_L7_HARNESS_H
#define FLOWMESH_TEST_L7_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "l7/l7.h"

/* One stretch of one direction, as a capture delivered it. */
struct l7_chunk {
	int dir;		/* enum fm_l7_dir */
	uint64_t ts;		/* ns from the first packet */
	size_t len;
	bool datagram;
	const char *data;
};

#define NCHUNKS(a) (sizeof(a) / sizeof((a)[0]))
#define L7_MAX_REQS 64

struct l7_flow {
	const struct fm_l7_detector *d;
	void *state;
	enum fm_l7_verdict verdict;
	struct fm_l7_request reqs[L7_MAX_REQS];
	size_t nreqs;
};

void l7_flow_init(struct l7_flow *f, const struct fm_l7_detector *d);
void l7_flow_free(struct l7_flow *f);

/* Feeds @len bytes in pieces of at most @piece (0: whole). */
enum fm_l7_verdict l7_flow_feed(struct l7_flow *f, int dir, bool datagram,
				const void *data, size_t len, uint64_t ts,
				size_t piece);

/*
 * Feeds @n chunks, each at 1 s plus its ts; chunk @split_chunk is cut at
 * byte @split_at, the others fed in pieces of @piece (0: whole).
 */
enum fm_l7_verdict l7_flow_run(struct l7_flow *f, const struct l7_chunk *c,
			       size_t n, size_t split_chunk, size_t split_at,
			       size_t piece);

/* The detector's description, as a compact JSON string the caller frees. */
char *l7_flow_describe(struct l7_flow *f);

/* Same methods, routes, statuses and failures, in the same order. */
void l7_assert_same_requests(const struct l7_flow *a,
			     const struct l7_flow *b);

/*
 * Every byte boundary of every chunk, and byte by byte: the requests and
 * the description must be those of the whole chunks.
 */
void l7_check_splits(const struct fm_l7_detector *d,
		     const struct l7_chunk *c, size_t n);

/*
 * @d must refuse, within FM_L7_REASM_MAX bytes, the first bytes of each of
 * these flows but the ones named in @own (NULL-terminated; may be
 * NULL): "http get", "http reply", "ssh client", "ssh server",
 * "tls hello", "random", "random reply", "smtp banner", "redis",
 * "memcache", "pg startup", "mysql greeting", "dns query".
 */
void l7_check_foreign(const struct fm_l7_detector *d,
		      const char *const *own);

#endif /* FLOWMESH_TEST_L7_HARNESS_H */
