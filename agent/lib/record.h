/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event records (struct flowmesh_record) as FLOWMESH_CMD_DRAIN hands them
 * out: many per message, in FLOWMESH_A_RECORDS.
 */
#ifndef FLOWMESH_LIB_RECORD_H
#define FLOWMESH_LIB_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <linux/flowmesh.h>

struct fm_nl;
struct nlmsghdr;

/*
 * Called for each record, in ring order; a negative errno stops the walk
 * and is returned.  @rec is an aligned copy.
 */
typedef int (*fm_record_cb)(const struct flowmesh_record *rec, void *data);

/* "open", "update", "close", "rtt", "response"; NULL for other types. */
const char *fm_record_type_name(uint8_t type);

/*
 * An array of records: @len must be a whole number of records and every
 * record must have a known family and protocol, or nothing is handed out
 * and -EBADMSG returned.  Records of types newer than this program are
 * skipped.  *@count (may be NULL) gets the number of records in @len.
 */
int fm_records_decode(const void *payload, size_t len, fm_record_cb cb,
		      void *data, size_t *count);

/* A DRAIN reply message, decoded as above. */
int fm_records_parse(const struct nlmsghdr *nlh, fm_record_cb cb, void *data,
		     size_t *count);

/* One record as a JSON object; NULL only when out of memory. */
json_t *fm_record_to_json(const struct flowmesh_record *rec);

/*
 * One FLOWMESH_CMD_DRAIN dump: every record it takes out of the rings goes
 * to @cb; *@count gets how many there were (0: the rings were empty).  A
 * drain is never retried: what it read is gone from the rings.  When @cb
 * fails the dump is abandoned; the caller should close the socket.
 */
int fm_drain(struct fm_nl *nl, fm_record_cb cb, void *data, size_t *count);

#endif /* FLOWMESH_LIB_RECORD_H */
