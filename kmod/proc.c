// SPDX-License-Identifier: GPL-2.0
/* /proc/net/flowmesh/stat: the module's counters for humans. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include "flowmesh.h"

static struct proc_dir_entry *flowmesh_proc_dir;

static int flowmesh_stat_show(struct seq_file *m, void *v)
{
	struct flowmesh_totals tot;
	int cpu;

	flowmesh_totals(&tot);
	seq_printf(m, "version %s\n", FLOWMESH_VERSION);
	seq_printf(m, "flows_active %llu\n", tot.flows_active);
	seq_printf(m, "flows_max %llu\n", tot.flows_max);
	seq_printf(m, "flows_created %llu\n", tot.flows.created);
	seq_printf(m, "flows_expired %llu\n", tot.flows.expired);
	seq_printf(m, "flows_evicted %llu\n", tot.flows.evicted);
	seq_printf(m, "flows_untracked %llu\n", tot.flows.untracked);
	seq_printf(m, "alloc_failed %llu\n", tot.flows.alloc_failed);
	seq_printf(m, "packets_seen %llu\n", tot.flows.packets_seen);
	seq_printf(m, "packets_skipped %llu\n", tot.flows.packets_skipped);
	seq_printf(m, "records_produced %llu\n", tot.records.produced);
	seq_printf(m, "records_drained %llu\n", tot.records.drained);
	seq_printf(m, "records_dropped %llu\n", tot.records.dropped);
	seq_printf(m, "records_queued %llu\n", tot.records.queued);
	seq_printf(m, "packets_queued %llu\n", tot.flows.packets_queued);
	seq_printf(m, "labels_set %llu\n", tot.flows.labels_set);
	for_each_possible_cpu(cpu) {
		struct flowmesh_ring_counts c;

		flowmesh_ring_counts(&flowmesh_rings, cpu, &c);
		seq_printf(m, "cpu%d records_produced %llu records_drained %llu records_dropped %llu records_queued %llu packets_queued %llu\n",
			   cpu, c.produced, c.drained, c.dropped, c.queued,
			   READ_ONCE(per_cpu_ptr(flowmesh_flows.stats,
						 cpu)->packets_queued));
	}
	return 0;
}

int flowmesh_proc_init(void)
{
	flowmesh_proc_dir = proc_mkdir("flowmesh", init_net.proc_net);
	if (!flowmesh_proc_dir)
		return -ENOMEM;
	if (!proc_create_single("stat", 0444, flowmesh_proc_dir,
				flowmesh_stat_show)) {
		proc_remove(flowmesh_proc_dir);
		return -ENOMEM;
	}
	return 0;
}

void flowmesh_proc_exit(void)
{
	proc_remove(flowmesh_proc_dir);
}
