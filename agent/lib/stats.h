/* SPDX-License-Identifier: GPL-2.0 */
/* Counters of the kernel's flow table, in host form. */
#ifndef FLOWMESH_LIB_STATS_H
#define FLOWMESH_LIB_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct fm_nl;
struct nlmsghdr;

struct fm_stats {
	uint64_t flows_active;
	uint64_t flows_max;
	uint64_t flows_created;
	uint64_t flows_expired;
	uint64_t flows_untracked;
	uint64_t alloc_failed;
	uint64_t packets_seen;
	uint64_t packets_skipped;
};

/* One counter: its attribute, its name in JSON, what it counts. */
struct fm_stats_field {
	uint16_t attr;
	size_t offset;
	const char *name;
	const char *help;
};

#define FM_STATS_NFIELDS 8
extern const struct fm_stats_field fm_stats_fields[FM_STATS_NFIELDS];

static inline uint64_t fm_stats_value(const struct fm_stats *stats,
				      const struct fm_stats_field *field)
{
	return *(const uint64_t *)((const char *)stats + field->offset);
}

/* 0, or -EBADMSG for any message that is not a well-formed stats reply. */
int fm_stats_parse(const struct nlmsghdr *nlh, struct fm_stats *stats);
json_t *fm_stats_to_json(const struct fm_stats *stats);
int fm_stats_get(struct fm_nl *nl, struct fm_stats *out);

#endif /* FLOWMESH_LIB_STATS_H */
