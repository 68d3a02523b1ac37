// SPDX-License-Identifier: GPL-2.0
/*
 * flowmesh: per-flow accounting from netfilter hooks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mm.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include "flowmesh.h"

static unsigned int max_flows;
module_param(max_flows, uint, 0444);
MODULE_PARM_DESC(max_flows,
		 "Most flows tracked at once; 0 scales with RAM (default 0)");

static unsigned int idle_timeout = 300;
module_param(idle_timeout, uint, 0644);
MODULE_PARM_DESC(idle_timeout,
		 "Seconds without packets before a flow is removed (default 300)");

#define FLOWMESH_GC_INTERVAL	(5 * HZ)

struct flowmesh_table flowmesh_flows;

static void flowmesh_gc(struct work_struct *work);
static DECLARE_DELAYED_WORK(flowmesh_gc_work, flowmesh_gc);

static void flowmesh_gc(struct work_struct *work)
{
	u64 idle_ns = (u64)max(READ_ONCE(idle_timeout), 1U) * NSEC_PER_SEC;

	flowmesh_table_expire(&flowmesh_flows, ktime_get_ns(), idle_ns);
	queue_delayed_work(system_power_efficient_wq, &flowmesh_gc_work,
			   FLOWMESH_GC_INTERVAL);
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

	err = flowmesh_table_init(&flowmesh_flows, max_flows, "flowmesh_flow");
	if (err)
		goto err_table;
	err = flowmesh_netlink_init();
	if (err)
		goto err_netlink;
	err = flowmesh_hooks_init();
	if (err)
		goto err_hooks;
	queue_delayed_work(system_power_efficient_wq, &flowmesh_gc_work,
			   FLOWMESH_GC_INTERVAL);
	pr_info("version %s loaded, max_flows=%u\n", FLOWMESH_VERSION,
		max_flows);
	return 0;

err_hooks:
	flowmesh_netlink_exit();
err_netlink:
	flowmesh_table_destroy(&flowmesh_flows);
err_table:
	return err;
}

static void __exit flowmesh_exit(void)
{
	flowmesh_hooks_exit();
	cancel_delayed_work_sync(&flowmesh_gc_work);
	flowmesh_netlink_exit();
	flowmesh_table_destroy(&flowmesh_flows);
}

module_init(flowmesh_init);
module_exit(flowmesh_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-flow bytes, packets and timing from netfilter hooks");
MODULE_VERSION(FLOWMESH_VERSION);
MODULE_ALIAS_GENL_FAMILY(FLOWMESH_GENL_NAME);
