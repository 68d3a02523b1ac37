// SPDX-License-Identifier: GPL-2.0
/*
 * Node-wide settings: defaults, netlink get/set with validation, and the
 * RCU-protected copy the packet path reads.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/log2.h>
#include <net/netlink.h>
#include "config.h"
#include "flowmesh.h"

#define FLOWMESH_TIMEOUT_MAX	(30 * 24 * 3600)

struct flowmesh_config __rcu *flowmesh_config;
static DEFINE_MUTEX(flowmesh_config_lock);	/* serialises writers */

static struct netlink_range_validation flowmesh_max_flows_range = {
	.min = 16, .max = 1U << 26,
};

static struct netlink_range_validation flowmesh_timeout_range = {
	.min = 1, .max = FLOWMESH_TIMEOUT_MAX,
};

static struct netlink_range_validation flowmesh_interval_range = {
	.max = 86400,
};

static struct netlink_range_validation flowmesh_ring_range = {
	.min = FLOWMESH_RING_SIZE_MIN, .max = FLOWMESH_RING_SIZE_MAX,
};

static struct netlink_range_validation flowmesh_detect_range = {
	.max = FLOWMESH_DETECT_PACKETS_MAX,
};

/* A "1 in M" fits 16 bits. */
static struct netlink_range_validation flowmesh_u16_range = {
	.max = U16_MAX,
};

/* queue_num is the first of FLOWMESH_QUEUES queue numbers (16 bits). */
static struct netlink_range_validation flowmesh_queue_range = {
	.max = U16_MAX + 1 - FLOWMESH_QUEUES,
};

/* Linkerd's default opaque ports: protocols where the server speaks first. */
static const u16 flowmesh_opaque_default[] = {
	25, 587, 3306, 4444, 5432, 6379, 9300, 11211,
};

const struct nla_policy flowmesh_config_policy[FLOWMESH_CONFIG_A_MAX + 1] = {
	[FLOWMESH_CONFIG_A_MAX_FLOWS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowmesh_max_flows_range),
	[FLOWMESH_CONFIG_A_TIMEOUT_TCP_OPEN] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowmesh_timeout_range),
	[FLOWMESH_CONFIG_A_TIMEOUT_TCP_ESTABLISHED] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowmesh_timeout_range),
	[FLOWMESH_CONFIG_A_TIMEOUT_TCP_CLOSING] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowmesh_timeout_range),
	[FLOWMESH_CONFIG_A_TIMEOUT_TCP_CLOSED] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowmesh_timeout_range),
	[FLOWMESH_CONFIG_A_TIMEOUT_UDP] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowmesh_timeout_range),
	[FLOWMESH_CONFIG_A_UPDATE_INTERVAL] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowmesh_interval_range),
	[FLOWMESH_CONFIG_A_RING_SIZE] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowmesh_ring_range),
	[FLOWMESH_CONFIG_A_SAMPLES] = NLA_POLICY_MASK(NLA_U32,
						      FLOWMESH_SAMPLES_ALL),
	[FLOWMESH_CONFIG_A_SKIP_PORTS] = {
		.type = NLA_BINARY,
		.len = FLOWMESH_MAX_PORTS * sizeof(u16),
	},
	[FLOWMESH_CONFIG_A_DETECT_PACKETS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowmesh_detect_range),
	[FLOWMESH_CONFIG_A_INSPECT_ONE_IN] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowmesh_u16_range),
	[FLOWMESH_CONFIG_A_QUEUE_NUM] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &flowmesh_queue_range),
	[FLOWMESH_CONFIG_A_OPAQUE_PORTS] = {
		.type = NLA_BINARY,
		.len = FLOWMESH_MAX_PORTS * sizeof(u16),
	},
};

static struct flowmesh_config *flowmesh_config_alloc(void)
{
	return kvzalloc(sizeof(struct flowmesh_config), GFP_KERNEL);
}

static void flowmesh_config_free_rcu(struct rcu_head *head)
{
	kvfree(container_of(head, struct flowmesh_config, rcu));
}

static void flowmesh_ports_add(struct flowmesh_ports *ports, u16 port)
{
	if (!__test_and_set_bit(port, ports->map))	/* else listed twice */
		ports->list[ports->n++] = port;
}

int flowmesh_config_init(u32 max_flows, u32 ring_size)
{
	struct flowmesh_config *cfg = flowmesh_config_alloc();
	unsigned int i;

	if (!cfg)
		return -ENOMEM;
	cfg->max_flows = max_flows;
	cfg->timeouts.tcp[FLOWMESH_STATE_OPEN] = 60;
	cfg->timeouts.tcp[FLOWMESH_STATE_ESTABLISHED] = 7200;
	cfg->timeouts.tcp[FLOWMESH_STATE_CLOSING] = 120;
	cfg->timeouts.tcp[FLOWMESH_STATE_CLOSED] = 10;
	cfg->timeouts.udp = 60;
	cfg->timeouts.update_interval = 10;
	cfg->ring_size = ring_size;
	cfg->samples = FLOWMESH_SAMPLES_ALL;
	cfg->detect_packets = 4;
	cfg->queue_num = FLOWMESH_QUEUE_NUM_DEFAULT;
	for (i = 0; i < ARRAY_SIZE(flowmesh_opaque_default); i++)
		flowmesh_ports_add(&cfg->opaque, flowmesh_opaque_default[i]);
	rcu_assign_pointer(flowmesh_config, cfg);
	return 0;
}

void flowmesh_config_exit(void)
{
	struct flowmesh_config *cfg;

	cfg = rcu_replace_pointer(flowmesh_config, NULL, true);
	synchronize_rcu();
	kvfree(cfg);
}

int flowmesh_config_fill(struct sk_buff *skb, const struct flowmesh_config *cfg)
{
	struct nlattr *nest = nla_nest_start(skb, FLOWMESH_A_CONFIG);

	if (!nest ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_MAX_FLOWS, cfg->max_flows) ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_TIMEOUT_TCP_OPEN,
			cfg->timeouts.tcp[FLOWMESH_STATE_OPEN]) ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_TIMEOUT_TCP_ESTABLISHED,
			cfg->timeouts.tcp[FLOWMESH_STATE_ESTABLISHED]) ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_TIMEOUT_TCP_CLOSING,
			cfg->timeouts.tcp[FLOWMESH_STATE_CLOSING]) ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_TIMEOUT_TCP_CLOSED,
			cfg->timeouts.tcp[FLOWMESH_STATE_CLOSED]) ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_TIMEOUT_UDP, cfg->timeouts.udp) ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_UPDATE_INTERVAL,
			cfg->timeouts.update_interval) ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_RING_SIZE, cfg->ring_size) ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_SAMPLES, cfg->samples) ||
	    nla_put(skb, FLOWMESH_CONFIG_A_SKIP_PORTS,
		    cfg->skip.n * sizeof(u16), cfg->skip.list) ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_DETECT_PACKETS,
			cfg->detect_packets) ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_INSPECT_ONE_IN,
			cfg->inspect_one_in) ||
	    nla_put_u32(skb, FLOWMESH_CONFIG_A_QUEUE_NUM, cfg->queue_num) ||
	    nla_put(skb, FLOWMESH_CONFIG_A_OPAQUE_PORTS,
		    cfg->opaque.n * sizeof(u16), cfg->opaque.list)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Replaces @set with the ports of @attr.  The messages name the setting:
 * extack messages must be string literals.
 */
static int flowmesh_config_ports(struct flowmesh_ports *set,
				 const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	unsigned int i, n = nla_len(attr) / sizeof(u16);
	const u16 *ports = nla_data(attr);
	bool skip = nla_type(attr) == FLOWMESH_CONFIG_A_SKIP_PORTS;

	if (nla_len(attr) % sizeof(u16)) {
		if (skip)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "skip_ports must be an array of 16-bit ports");
		else
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "opaque_ports must be an array of 16-bit ports");
		return -EINVAL;
	}
	bitmap_zero(set->map, 65536);
	set->n = 0;
	for (i = 0; i < n; i++) {
		if (ports[i]) {
			flowmesh_ports_add(set, ports[i]);
			continue;
		}
		if (skip)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "skip_ports: port 0 is not a port");
		else
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "opaque_ports: port 0 is not a port");
		return -EINVAL;
	}
	return 0;
}

static void flowmesh_config_u32(u32 *field, struct nlattr **tb, int attr)
{
	if (tb[attr])
		*field = nla_get_u32(tb[attr]);
}

/*
 * Applies the attributes in @tb (already checked against the policy) on
 * top of the current settings, all or nothing.
 */
int flowmesh_config_set(struct nlattr **tb, struct netlink_ext_ack *extack)
{
	struct flowmesh_config *cfg, *old;
	int err = 0;

	if (tb[FLOWMESH_CONFIG_A_RING_SIZE] &&
	    !is_power_of_2(nla_get_u32(tb[FLOWMESH_CONFIG_A_RING_SIZE]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLOWMESH_CONFIG_A_RING_SIZE],
				    "ring_size must be a power of two");
		return -EINVAL;
	}
	cfg = flowmesh_config_alloc();
	if (!cfg)
		return -ENOMEM;

	mutex_lock(&flowmesh_config_lock);
	old = rcu_dereference_protected(flowmesh_config,
					lockdep_is_held(&flowmesh_config_lock));
	memcpy(cfg, old, sizeof(*cfg));
	flowmesh_config_u32(&cfg->max_flows, tb, FLOWMESH_CONFIG_A_MAX_FLOWS);
	flowmesh_config_u32(&cfg->timeouts.tcp[FLOWMESH_STATE_OPEN], tb,
			    FLOWMESH_CONFIG_A_TIMEOUT_TCP_OPEN);
	flowmesh_config_u32(&cfg->timeouts.tcp[FLOWMESH_STATE_ESTABLISHED], tb,
			    FLOWMESH_CONFIG_A_TIMEOUT_TCP_ESTABLISHED);
	flowmesh_config_u32(&cfg->timeouts.tcp[FLOWMESH_STATE_CLOSING], tb,
			    FLOWMESH_CONFIG_A_TIMEOUT_TCP_CLOSING);
	flowmesh_config_u32(&cfg->timeouts.tcp[FLOWMESH_STATE_CLOSED], tb,
			    FLOWMESH_CONFIG_A_TIMEOUT_TCP_CLOSED);
	flowmesh_config_u32(&cfg->timeouts.udp, tb,
			    FLOWMESH_CONFIG_A_TIMEOUT_UDP);
	flowmesh_config_u32(&cfg->timeouts.update_interval, tb,
			    FLOWMESH_CONFIG_A_UPDATE_INTERVAL);
	flowmesh_config_u32(&cfg->ring_size, tb, FLOWMESH_CONFIG_A_RING_SIZE);
	flowmesh_config_u32(&cfg->samples, tb, FLOWMESH_CONFIG_A_SAMPLES);
	flowmesh_config_u32(&cfg->detect_packets, tb,
			    FLOWMESH_CONFIG_A_DETECT_PACKETS);
	flowmesh_config_u32(&cfg->inspect_one_in, tb,
			    FLOWMESH_CONFIG_A_INSPECT_ONE_IN);
	flowmesh_config_u32(&cfg->queue_num, tb, FLOWMESH_CONFIG_A_QUEUE_NUM);
	if (tb[FLOWMESH_CONFIG_A_SKIP_PORTS])
		err = flowmesh_config_ports(&cfg->skip,
					    tb[FLOWMESH_CONFIG_A_SKIP_PORTS],
					    extack);
	if (!err && tb[FLOWMESH_CONFIG_A_OPAQUE_PORTS])
		err = flowmesh_config_ports(&cfg->opaque,
					    tb[FLOWMESH_CONFIG_A_OPAQUE_PORTS],
					    extack);
	if (!err && cfg->ring_size != old->ring_size)
		err = flowmesh_rings_resize(&flowmesh_rings, cfg->ring_size);
	if (err) {
		mutex_unlock(&flowmesh_config_lock);
		kvfree(cfg);
		return err;
	}
	WRITE_ONCE(flowmesh_flows.max_flows, cfg->max_flows);
	rcu_assign_pointer(flowmesh_config, cfg);
	mutex_unlock(&flowmesh_config_lock);
	call_rcu(&old->rcu, flowmesh_config_free_rcu);
	return 0;
}
