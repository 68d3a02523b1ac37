// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for FLOWMESH_A_RECORDS payloads straight, without the
 * framing reply_fuzz has to get through first: any length, any bytes.  A
 * payload is accepted only if it is whole records, and then every record
 * it hands out converts to JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/flowmesh.h>
#include "lib/record.h"

static int fuzz_record_cb(const struct flowmesh_record *rec, void *data)
{
	json_t *json = fm_record_to_json(rec);
	size_t *n = data;

	if (!json)
		abort();
	json_decref(json);
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t count = 0, handed = 0;
	void *buf;
	int err;

	/* 4-byte aligned, as an attribute's payload is */
	buf = malloc(size + 4);
	if (!buf)
		return 0;
	memcpy((char *)buf + 4, data, size);
	err = fm_records_decode((char *)buf + 4, size, fuzz_record_cb, &handed,
				&count);
	if (err && (handed || count))
		abort();	/* all or nothing */
	if (!err && (size % sizeof(struct flowmesh_record) || handed > count))
		abort();
	free(buf);
	return 0;
}
