/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FLOWMESH_H
#define _FLOWMESH_H

#include <linux/flowmesh.h>
#include "config.h"
#include "flow_table.h"
#include "ring.h"

/* FLOWMESH_VERSION comes from dkms.conf through Kbuild. */

/* The module's one table and one set of rings. */
extern struct flowmesh_table flowmesh_flows;
extern struct flowmesh_rings flowmesh_rings;

/* Totals over all CPUs, for netlink and /proc. */
struct flowmesh_totals {
	struct flowmesh_stats flows;
	struct flowmesh_ring_counts records;
	u64 flows_active;
	u64 flows_max;
};

void flowmesh_totals(struct flowmesh_totals *tot);

/* What the module registers in every namespace (hooks.c). */
#define FLOWMESH_HOOK_OPS 4
extern const struct nf_hook_ops flowmesh_hook_ops[FLOWMESH_HOOK_OPS];

int flowmesh_hooks_init(void);
void flowmesh_hooks_exit(void);
int flowmesh_netlink_init(void);
void flowmesh_netlink_exit(void);
void flowmesh_netlink_data_ready(struct flowmesh_rings *rings);
int flowmesh_proc_init(void);
void flowmesh_proc_exit(void);

/* The in-kernel benchmark, only in the FLOWMESH_BENCH=y build (bench.c). */
#ifdef FLOWMESH_BENCH
int flowmesh_bench_init(void);
void flowmesh_bench_exit(void);
#else
static inline int flowmesh_bench_init(void)
{
	return 0;
}

static inline void flowmesh_bench_exit(void)
{
}
#endif

#endif
