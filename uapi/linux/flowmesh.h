/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * flowmesh: per-flow accounting from netfilter hooks, read over generic
 * netlink.  This header is the whole contract between flowmesh.ko and its
 * userspace (flowmeshd, flowmesh); both sides include it unchanged.
 *
 * Family: FLOWMESH_GENL_NAME, version FLOWMESH_GENL_VERSION.  Every command
 * needs CAP_NET_ADMIN in the user namespace owning the socket's network
 * namespace.  A socket in the initial network namespace sees the flows of
 * every namespace; a socket elsewhere sees only its own namespace's flows.
 *
 * FLOWMESH_CMD_GET_FLOW (dump only)
 *   Request: no attributes.
 *   Reply: one message per flow, each holding
 *     FLOWMESH_A_FLOW (nested):
 *       FLOWMESH_FLOW_A_FAMILY       u8   AF_INET or AF_INET6
 *       FLOWMESH_FLOW_A_PROTO        u8   IPPROTO_TCP or IPPROTO_UDP
 *       FLOWMESH_FLOW_A_NETNS        u32  inode number of the network
 *                                         namespace (as in /proc/PID/ns/net)
 *       FLOWMESH_FLOW_A_CLIENT_ADDR  binary, 4 or 16 bytes, network order
 *       FLOWMESH_FLOW_A_SERVER_ADDR  binary, 4 or 16 bytes, network order
 *       FLOWMESH_FLOW_A_CLIENT_PORT  u16, host order
 *       FLOWMESH_FLOW_A_SERVER_PORT  u16, host order
 *       FLOWMESH_FLOW_A_TX_BYTES     u64  IP bytes client -> server
 *       FLOWMESH_FLOW_A_TX_PACKETS   u64  packets client -> server
 *       FLOWMESH_FLOW_A_RX_BYTES     u64  IP bytes server -> client
 *       FLOWMESH_FLOW_A_RX_PACKETS   u64  packets server -> client
 *       FLOWMESH_FLOW_A_FIRST_SEEN   u64  ns since the Unix epoch
 *       FLOWMESH_FLOW_A_LAST_SEEN    u64  ns since the Unix epoch
 *   A dump that raced with flow insertion or removal carries
 *   NLM_F_DUMP_INTR; the reader should dump again.
 *
 * FLOWMESH_CMD_GET_STATS (do)
 *   Request: no attributes.
 *   Reply: FLOWMESH_A_STATS (nested), totals over all CPUs:
 *       FLOWMESH_STATS_A_FLOWS_ACTIVE     u64  flows in the table now
 *       FLOWMESH_STATS_A_FLOWS_MAX        u64  table bound (max_flows)
 *       FLOWMESH_STATS_A_FLOWS_CREATED    u64  flows ever inserted
 *       FLOWMESH_STATS_A_FLOWS_EXPIRED    u64  flows removed when idle
 *       FLOWMESH_STATS_A_FLOWS_UNTRACKED  u64  new flows not tracked
 *                                              because the table was full
 *       FLOWMESH_STATS_A_ALLOC_FAILED     u64  flow allocations that failed
 *       FLOWMESH_STATS_A_PACKETS_SEEN     u64  packets the hooks accounted
 *       FLOWMESH_STATS_A_PACKETS_SKIPPED  u64  packets not accounted: not
 *                                              TCP/UDP, truncated headers,
 *                                              or non-first fragments
 *
 * Rules for changing this file: attributes and commands are append-only;
 * never renumber or change the type of an existing one.  Adding attributes
 * keeps FLOWMESH_GENL_VERSION; changing the meaning of an existing one
 * bumps it.
 */
#ifndef _UAPI_LINUX_FLOWMESH_H
#define _UAPI_LINUX_FLOWMESH_H

#define FLOWMESH_GENL_NAME	"flowmesh"
#define FLOWMESH_GENL_VERSION	1

/*
 * Latency histograms (RTT, response time) have FLOWMESH_HIST_BUCKETS log2
 * buckets in microseconds: bucket 0 is [0, 2^FLOWMESH_HIST_SHIFT), bucket
 * i > 0 is [2^(FLOWMESH_HIST_SHIFT + i - 1), 2^(FLOWMESH_HIST_SHIFT + i)),
 * and the last bucket is open-ended.  With 16 buckets from 32 us: the last
 * starts at 2^19 us (~524 ms).
 */
#define FLOWMESH_HIST_BUCKETS	16
#define FLOWMESH_HIST_SHIFT	5

/* Flow states; UDP flows are OPEN until the server replies. */
enum flowmesh_state {
	FLOWMESH_STATE_OPEN,		/* TCP handshake in progress */
	FLOWMESH_STATE_ESTABLISHED,
	FLOWMESH_STATE_CLOSING,		/* a FIN was seen */
	FLOWMESH_STATE_CLOSED,		/* FIN both ways, or a RST */
	__FLOWMESH_STATE_MAX
};

enum flowmesh_cmd {
	FLOWMESH_CMD_UNSPEC,
	FLOWMESH_CMD_GET_FLOW,
	FLOWMESH_CMD_GET_STATS,
	__FLOWMESH_CMD_MAX
};
#define FLOWMESH_CMD_MAX (__FLOWMESH_CMD_MAX - 1)

enum flowmesh_attr {
	FLOWMESH_A_UNSPEC,
	FLOWMESH_A_FLOW,	/* nested flowmesh_flow_attr */
	FLOWMESH_A_STATS,	/* nested flowmesh_stats_attr */
	__FLOWMESH_A_LAST
};
#define FLOWMESH_A_MAX (__FLOWMESH_A_LAST - 1)

enum flowmesh_flow_attr {
	FLOWMESH_FLOW_A_UNSPEC,
	FLOWMESH_FLOW_A_PAD,
	FLOWMESH_FLOW_A_FAMILY,
	FLOWMESH_FLOW_A_PROTO,
	FLOWMESH_FLOW_A_NETNS,
	FLOWMESH_FLOW_A_CLIENT_ADDR,
	FLOWMESH_FLOW_A_SERVER_ADDR,
	FLOWMESH_FLOW_A_CLIENT_PORT,
	FLOWMESH_FLOW_A_SERVER_PORT,
	FLOWMESH_FLOW_A_TX_BYTES,
	FLOWMESH_FLOW_A_TX_PACKETS,
	FLOWMESH_FLOW_A_RX_BYTES,
	FLOWMESH_FLOW_A_RX_PACKETS,
	FLOWMESH_FLOW_A_FIRST_SEEN,
	FLOWMESH_FLOW_A_LAST_SEEN,
	__FLOWMESH_FLOW_A_LAST
};
#define FLOWMESH_FLOW_A_MAX (__FLOWMESH_FLOW_A_LAST - 1)

enum flowmesh_stats_attr {
	FLOWMESH_STATS_A_UNSPEC,
	FLOWMESH_STATS_A_PAD,
	FLOWMESH_STATS_A_FLOWS_ACTIVE,
	FLOWMESH_STATS_A_FLOWS_MAX,
	FLOWMESH_STATS_A_FLOWS_CREATED,
	FLOWMESH_STATS_A_FLOWS_EXPIRED,
	FLOWMESH_STATS_A_FLOWS_UNTRACKED,
	FLOWMESH_STATS_A_ALLOC_FAILED,
	FLOWMESH_STATS_A_PACKETS_SEEN,
	FLOWMESH_STATS_A_PACKETS_SKIPPED,
	__FLOWMESH_STATS_A_LAST
};
#define FLOWMESH_STATS_A_MAX (__FLOWMESH_STATS_A_LAST - 1)

#endif /* _UAPI_LINUX_FLOWMESH_H */
