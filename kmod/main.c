// SPDX-License-Identifier: GPL-2.0
/*
 * flowmesh: per-flow accounting from netfilter hooks.  Module parameters
 * give the initial table bound and ring size; everything else, and those
 * two, can be changed at run time over netlink (FLOWMESH_CMD_SET_CONFIG).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mm.h>
#include <linux/log2.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include "flowmesh.h"

static unsigned int max_flows;
module_param(max_flows, uint, 0444);
MODULE_PARM_DESC(max_flows,
		 "Most flows tracked at once; 0 scales with RAM (default 0)");

static unsigned int ring_size = 4096;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size,
		 "Event records per CPU ring, a power of two (default 4096)");

#define FLOWMESH_GC_INTERVAL	HZ

struct flowmesh_table flowmesh_flows;
struct flowmesh_rings flowmesh_rings;

static void flowmesh_gc(struct work_struct *work);
static DECLARE_DELAYED_WORK(flowmesh_gc_work, flowmesh_gc);

static void flowmesh_gc(struct work_struct *work)
{
	struct flowmesh_timeouts timeouts;

	/* A copy: the scan sleeps, and the config may be replaced meanwhile. */
	rcu_read_lock();
	timeouts = flowmesh_config_get()->timeouts;
	rcu_read_unlock();
	flowmesh_table_gc(&flowmesh_flows, &timeouts, ktime_get_ns());
	queue_delayed_work(system_power_efficient_wq, &flowmesh_gc_work,
			   FLOWMESH_GC_INTERVAL);
}

/* The last word on a flow leaving the table: expired, evicted or flushed. */
static void flowmesh_flow_removed(struct flowmesh_table *t,
				  struct flowmesh_flow *flow)
{
	flowmesh_flow_emit(t, flow, FLOWMESH_REC_CLOSE, ktime_get_ns());
}

void flowmesh_totals(struct flowmesh_totals *tot)
{
	int cpu;

	memset(tot, 0, sizeof(*tot));
	flowmesh_table_stats(&flowmesh_flows, &tot->flows);
	tot->flows_active = atomic_read(&flowmesh_flows.count);
	tot->flows_max = READ_ONCE(flowmesh_flows.max_flows);
	for_each_possible_cpu(cpu) {
		struct flowmesh_ring_counts c;

		flowmesh_ring_counts(&flowmesh_rings, cpu, &c);
		tot->records.produced += c.produced;
		tot->records.drained += c.drained;
		tot->records.dropped += c.dropped;
		tot->records.queued += c.queued;
	}
}

/* Like conntrack: one flow per 16 KiB of RAM, within sane bounds. */
static unsigned int flowmesh_default_max_flows(void)
{
	unsigned long flows = (totalram_pages() << PAGE_SHIFT) / SZ_16K;

	return clamp_t(unsigned long, flows, 4096, 4U << 20);
}

static int __init flowmesh_init(void)
{
	int err;

	if (!max_flows)
		max_flows = flowmesh_default_max_flows();
	if (ring_size < FLOWMESH_RING_SIZE_MIN ||
	    ring_size > FLOWMESH_RING_SIZE_MAX || !is_power_of_2(ring_size)) {
		pr_err("ring_size must be a power of two from %u to %u\n",
		       FLOWMESH_RING_SIZE_MIN, FLOWMESH_RING_SIZE_MAX);
		return -EINVAL;
	}

	err = flowmesh_config_init(max_flows, ring_size);
	if (err)
		goto err_config;
	err = flowmesh_rings_init(&flowmesh_rings, ring_size,
				  flowmesh_netlink_data_ready);
	if (err)
		goto err_rings;
	err = flowmesh_table_init(&flowmesh_flows, max_flows, "flowmesh_flow");
	if (err)
		goto err_table;
	flowmesh_flows.rings = &flowmesh_rings;
	flowmesh_flows.on_remove = flowmesh_flow_removed;
	err = flowmesh_netlink_init();
	if (err)
		goto err_netlink;
	err = flowmesh_proc_init();
	if (err)
		goto err_proc;
	err = flowmesh_bench_init();
	if (err)
		goto err_bench;
	err = flowmesh_hooks_init();
	if (err)
		goto err_hooks;
	queue_delayed_work(system_power_efficient_wq, &flowmesh_gc_work,
			   FLOWMESH_GC_INTERVAL);
	pr_info("version %s loaded, max_flows=%u ring_size=%u\n",
		FLOWMESH_VERSION, max_flows, ring_size);
	return 0;

err_hooks:
	flowmesh_bench_exit();
err_bench:
	flowmesh_proc_exit();
err_proc:
	flowmesh_netlink_exit();
err_netlink:
	flowmesh_flows.on_remove = NULL;
	flowmesh_table_destroy(&flowmesh_flows);
err_table:
	flowmesh_rings_destroy(&flowmesh_rings);
err_rings:
	flowmesh_config_exit();
err_config:
	return err;
}

static void __exit flowmesh_exit(void)
{
	/* Stop every producer, then the notifier, before the family goes. */
	flowmesh_hooks_exit();
	cancel_delayed_work_sync(&flowmesh_gc_work);
	cancel_delayed_work_sync(&flowmesh_rings.notify);
	flowmesh_bench_exit();
	flowmesh_proc_exit();
	flowmesh_netlink_exit();
	flowmesh_flows.on_remove = NULL;
	flowmesh_table_destroy(&flowmesh_flows);
	flowmesh_rings_destroy(&flowmesh_rings);
	flowmesh_config_exit();
}

module_init(flowmesh_init);
module_exit(flowmesh_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-flow bytes, packets, RTT and response time from netfilter hooks");
MODULE_VERSION(FLOWMESH_VERSION);
MODULE_ALIAS_GENL_FAMILY(FLOWMESH_GENL_NAME);
