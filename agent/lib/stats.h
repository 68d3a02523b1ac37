/* SPDX-License-Identifier: GPL-2.0 */
/* Counters of the kernel module, in host form. */
#ifndef FLOWMESH_LIB_STATS_H
#define FLOWMESH_LIB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct fm_nl;
struct nlmsghdr;

/* One CPU's share of the event rings and of the packets seen. */
struct fm_cpu_stats {
	uint32_t cpu;
	uint64_t records_produced;
	uint64_t records_drained;
	uint64_t records_dropped;
	uint64_t packets_seen;
};

struct fm_stats {
	uint64_t flows_active;
	uint64_t flows_max;
	uint64_t flows_created;
	uint64_t flows_expired;
	uint64_t flows_untracked;
	uint64_t flows_evicted;
	uint64_t alloc_failed;
	uint64_t packets_seen;
	uint64_t packets_skipped;
	uint64_t records_produced;
	uint64_t records_drained;
	uint64_t records_dropped;
	uint64_t records_queued;
	uint64_t packets_queued;
	uint64_t labels_set;

	uint32_t present;		/* bit i: fm_stats_fields[i] reported */
	struct fm_cpu_stats *cpus;	/* by CPU number; free with fm_stats_free */
	size_t ncpus;
};

/*
 * One counter: its attribute, its name in JSON, what it counts, and
 * whether every module reports it (the first eight) or only newer ones.
 */
struct fm_stats_field {
	uint16_t attr;
	size_t offset;
	const char *name;
	const char *help;
	bool required;
};

#define FM_STATS_NFIELDS 15
extern const struct fm_stats_field fm_stats_fields[FM_STATS_NFIELDS];

static inline uint64_t fm_stats_value(const struct fm_stats *stats,
				      const struct fm_stats_field *field)
{
	return *(const uint64_t *)((const char *)stats + field->offset);
}

static inline bool fm_stats_present(const struct fm_stats *stats,
				    const struct fm_stats_field *field)
{
	return stats->present >> (field - fm_stats_fields) & 1;
}

/* The per-CPU counters, in JSON order. */
struct fm_cpu_field {
	uint16_t attr;
	size_t offset;
	const char *name;
};

#define FM_CPU_NFIELDS 4
extern const struct fm_cpu_field fm_cpu_fields[FM_CPU_NFIELDS];

/*
 * 0, or -EBADMSG for any message that is not a well-formed stats reply
 * (-ENOMEM too).  @stats is overwritten: free a previous result first.
 */
int fm_stats_parse(const struct nlmsghdr *nlh, struct fm_stats *stats);
void fm_stats_free(struct fm_stats *stats);
json_t *fm_stats_to_json(const struct fm_stats *stats);
json_t *fm_cpu_stats_to_json(const struct fm_stats *stats);
int fm_stats_get(struct fm_nl *nl, struct fm_stats *out);

#endif /* FLOWMESH_LIB_STATS_H */
