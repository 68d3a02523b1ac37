// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for stored histograms (SQLite BLOBs): any bytes.  A
 * BLOB is accepted only in the one form fm_hist_encode writes, so a
 * decoded histogram encodes back to the very same bytes, and its
 * quantiles lie between its min and max.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/hist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double qs[] = { 0.001, 0.5, 0.9, 0.99, 0.999, 1 };
	struct fm_hist h = FM_HIST_INIT, twice = FM_HIST_INIT;
	uint8_t *again;
	size_t i;
	long n;

	if (fm_hist_decode(&h, data, size)) {
		if (h.count || h.len)
			abort();	/* a refused BLOB leaves it empty */
		fm_hist_free(&h);
		return 0;
	}
	again = malloc(FM_HIST_ENCODED_MAX(&h));
	if (!again)
		abort();
	n = fm_hist_encode(&h, again, FM_HIST_ENCODED_MAX(&h));
	if (n < 0 || (size_t)n != size || memcmp(again, data, size))
		abort();
	for (i = 0; i < sizeof(qs) / sizeof(*qs); i++) {
		uint64_t v = fm_hist_quantile(&h, qs[i]);

		if (h.count && (v < h.min || v > h.max))
			abort();
	}
	/* merging with itself doubles every bucket, when nothing saturates */
	if (!fm_hist_merge(&twice, &h) && !fm_hist_merge(&twice, &h) &&
	    h.count <= UINT64_MAX / 2 && twice.count != 2 * h.count)
		abort();
	free(again);
	fm_hist_free(&twice);
	fm_hist_free(&h);
	return 0;
}
