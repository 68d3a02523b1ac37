// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the node inventory file: any bytes.  A file that
 * parses gives entries most specific first, each naming its own network
 * address through the inventory source.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_inventory inv = { 0 };
	struct fm_identity_source src;
	struct fm_identity id;
	FILE *in, *errs;
	char *msgs = NULL;
	size_t msglen, i;
	int err;

	if (!size)
		return 0;	/* fmemopen wants a buffer */
	in = fmemopen((void *)data, size, "r");
	errs = open_memstream(&msgs, &msglen);
	if (!in || !errs)
		abort();
	err = fm_inventory_parse(in, "fuzz", &inv, errs);
	fclose(in);
	fclose(errs);
	if (!err && msglen)
		abort();	/* accepted, yet something was reported */
	if (err && (!msglen || inv.len))
		abort();
	fm_inventory_source(&inv, &src);
	for (i = 0; i < inv.len; i++) {
		const struct fm_inventory_entry *e = &inv.v[i];

		if (i && inv.v[i - 1].prefix < e->prefix)
			abort();
		if (!src.lookup(src.ctx, e->family, e->addr, &id))
			abort();
	}
	free(msgs);
	fm_inventory_free(&inv);
	return 0;
}
