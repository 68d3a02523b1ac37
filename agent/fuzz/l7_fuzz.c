// SPDX-License-Identifier: GPL-2.0
/*
 * One L7 detector under libFuzzer: the build names it with
 * -DFM_L7_FUZZ_DETECTOR=fm_l7_<name>.  The input is a sequence of chunks,
 * each a header byte (bit 0: direction to the client, bit 1: a whole
 * datagram, bit 2: a gap before it) and a 16-bit little-endian length,
 * then that many bytes; a short last chunk is fed as far as it goes.
 * Whatever the bytes, the detector must not crash, leak, read out of
 * bounds or report a request with unterminated strings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l7/l7.h"

#ifndef FM_L7_FUZZ_DETECTOR
#error "the build names the detector: -DFM_L7_FUZZ_DETECTOR=fm_l7_<name>"
#endif

static void check_request(void *ctx, const struct fm_l7_request *req)
{
	(void)ctx;
	if (!memchr(req->method, 0, sizeof(req->method)) ||
	    !memchr(req->route, 0, sizeof(req->route)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fm_l7_detector *d = &FM_L7_FUZZ_DETECTOR;
	const struct fm_l7_sink sink = { .request = check_request };
	enum fm_l7_verdict v = FM_L7_NEED_MORE;
	uint64_t ts = 1000000000;
	void *state = calloc(1, d->state_size ? d->state_size : 1);
	json_t *l7;

	if (!state)
		return 0;
	while (size >= 3 && v != FM_L7_NO_MATCH) {
		uint8_t flags = data[0];
		size_t len = data[1] | (size_t)data[2] << 8;
		enum fm_l7_dir dir = flags & 1 ? FM_L7_TO_CLIENT :
						  FM_L7_TO_SERVER;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (flags & 4 && d->gap)
			v = d->gap(state, dir);
		if (v != FM_L7_NO_MATCH)
			v = d->feed(state, &sink, dir, flags & 2, data, len, ts);
		data += len;
		size -= len;
		ts += 1000;
	}
	l7 = json_object();
	if (l7 && d->describe)
		d->describe(state, l7);
	json_decref(l7);
	if (d->refine)
		d->refine(state);
	if (d->release)
		d->release(state);
	free(state);
	return 0;
}
