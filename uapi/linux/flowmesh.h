/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * flowmesh: per-flow accounting from netfilter hooks, read over generic
 * netlink.  This header is the whole contract between flowmesh.ko and its
 * userspace (flowmeshd, flowmesh); both sides include it unchanged.
 *
 * Family: FLOWMESH_GENL_NAME, version FLOWMESH_GENL_VERSION, multicast group
 * FLOWMESH_MCGRP_EVENTS.  Every command needs CAP_NET_ADMIN in the user
 * namespace owning the socket's network namespace.  A socket in the initial
 * network namespace sees the flows of every namespace; a socket elsewhere
 * sees only its own namespace's flows and may not drain events or change
 * the configuration, which are node-wide.  Invalid requests fail with an
 * extended ACK message naming the attribute.
 *
 * FLOWMESH_CMD_GET_FLOW (dump)
 *   Request: optional FLOWMESH_A_FILTER (nested flowmesh_filter_attr); a
 *   flow is listed when it matches every filter given.
 *       FLOWMESH_FILTER_A_NETNS   u32  namespace inode number
 *       FLOWMESH_FILTER_A_PROTO   u8   IPPROTO_TCP or IPPROTO_UDP
 *       FLOWMESH_FILTER_A_FAMILY  u8   AF_INET or AF_INET6
 *       FLOWMESH_FILTER_A_ADDR    binary, 4 or 16 bytes: client or server
 *       FLOWMESH_FILTER_A_PORT    u16  client or server port
 *   Reply: one message per flow, each holding FLOWMESH_A_FLOW (nested):
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
 *       FLOWMESH_FLOW_A_ID           u64  flow id, as in event records
 *       FLOWMESH_FLOW_A_STATE        u8   enum flowmesh_state
 *       FLOWMESH_FLOW_A_TCP_FLAGS_TX u8   OR of TCP flag bytes client ->
 *                                         server (FIN 0x01, SYN 0x02, RST
 *                                         0x04, PSH 0x08, ACK 0x10, ...)
 *       FLOWMESH_FLOW_A_TCP_FLAGS_RX u8   the same, server -> client
 *       FLOWMESH_FLOW_A_RETRANSMITS  u32  retransmitted TCP segments
 *       FLOWMESH_FLOW_A_RESETS       u32  TCP segments with RST
 *       FLOWMESH_FLOW_A_ZERO_WINDOWS u32  times a side closed its window
 *       FLOWMESH_FLOW_A_RTT_HS_CLIENT u32 us, SYN-ACK -> ACK (0: none)
 *       FLOWMESH_FLOW_A_RTT_HS_SERVER u32 us, SYN -> SYN-ACK (0: none)
 *       FLOWMESH_FLOW_A_RTT          nested flowmesh_latency_attr: network
 *                                         RTT from TCP timestamp echoes
 *       FLOWMESH_FLOW_A_RESPONSE     nested flowmesh_latency_attr: service
 *                                         response time
 *       FLOWMESH_FLOW_A_L7_PROTO     u8   FLOWMESH_L7_*, as last labelled
 *                                         (FLOWMESH_CMD_SET_LABEL); 0 until
 *                                         the flow is labelled
 *       FLOWMESH_FLOW_A_SAMPLED      u8   FLOWMESH_SAMPLED_* bits: why the
 *                                         flow's payload is handed to the
 *                                         agent (see "L7 sampling")
 *   TCP-only attributes are absent on UDP flows.  A dump never lists a flow
 *   twice and lists every flow that existed for its whole duration.
 *
 *   flowmesh_latency_attr:
 *       FLOWMESH_LAT_A_COUNT   u32  samples
 *       FLOWMESH_LAT_A_SUM_US  u64  sum of samples, us
 *       FLOWMESH_LAT_A_MIN_US  u32
 *       FLOWMESH_LAT_A_MAX_US  u32
 *       FLOWMESH_LAT_A_LAST_US u32
 *       FLOWMESH_LAT_A_HIST    binary, FLOWMESH_HIST_BUCKETS x __u32
 *
 * FLOWMESH_CMD_GET_STATS (do)
 *   Reply: FLOWMESH_A_STATS (nested), totals over all CPUs:
 *       FLOWMESH_STATS_A_FLOWS_ACTIVE      u64  flows in the table now
 *       FLOWMESH_STATS_A_FLOWS_MAX         u64  table bound (max_flows)
 *       FLOWMESH_STATS_A_FLOWS_CREATED     u64  flows ever inserted
 *       FLOWMESH_STATS_A_FLOWS_EXPIRED     u64  flows removed by timeout
 *       FLOWMESH_STATS_A_FLOWS_UNTRACKED   u64  new flows not tracked
 *                                               because the table was full
 *       FLOWMESH_STATS_A_ALLOC_FAILED      u64  flow allocations that failed
 *       FLOWMESH_STATS_A_PACKETS_SEEN      u64  packets the hooks accounted
 *       FLOWMESH_STATS_A_PACKETS_SKIPPED   u64  packets not accounted: not
 *                                               TCP/UDP, truncated headers,
 *                                               non-first fragments, or a
 *                                               skip port
 *       FLOWMESH_STATS_A_FLOWS_EVICTED     u64  closed flows removed early
 *                                               to make room for new ones
 *       FLOWMESH_STATS_A_RECORDS_PRODUCED  u64  event records emitted
 *       FLOWMESH_STATS_A_RECORDS_DRAINED   u64  records read by userspace
 *       FLOWMESH_STATS_A_RECORDS_DROPPED   u64  records lost to a full ring
 *       FLOWMESH_STATS_A_RECORDS_QUEUED    u64  records waiting in rings
 *       FLOWMESH_STATS_A_PACKETS_QUEUED    u64  packets handed to the agent
 *                                               (NFQUEUE verdicts given,
 *                                               listener or not)
 *       FLOWMESH_STATS_A_LABELS_SET        u64  FLOWMESH_CMD_SET_LABEL
 *                                               requests that found a flow
 *       FLOWMESH_STATS_A_CPU  nested, once per possible CPU:
 *           FLOWMESH_CPU_A_ID                u32
 *           FLOWMESH_CPU_A_RECORDS_PRODUCED  u64
 *           FLOWMESH_CPU_A_RECORDS_DRAINED   u64
 *           FLOWMESH_CPU_A_RECORDS_DROPPED   u64
 *           FLOWMESH_CPU_A_PACKETS_SEEN      u64
 *           FLOWMESH_CPU_A_PACKETS_QUEUED    u64
 *   Always: produced = drained + dropped + queued, per CPU and in total.
 *
 * FLOWMESH_CMD_DRAIN (dump; initial namespace only)
 *   Takes event records out of every CPU's ring, oldest first.  Each reply
 *   message holds FLOWMESH_A_RECORDS: binary, an array of struct
 *   flowmesh_record, many per message.  The dump ends when the rings are
 *   empty or, so that it always ends, after at most one ring's worth of
 *   records per CPU; issue it again to read more.
 *
 * FLOWMESH_CMD_GET_CONFIG (do) / FLOWMESH_CMD_SET_CONFIG (do; initial
 * namespace only)
 *   FLOWMESH_A_CONFIG (nested flowmesh_config_attr).  SET takes any subset
 *   and applies all of it or nothing; GET returns every attribute:
 *       FLOWMESH_CONFIG_A_MAX_FLOWS           u32  table bound, 16 .. 2^26
 *       FLOWMESH_CONFIG_A_TIMEOUT_TCP_OPEN    u32  s, handshake in progress
 *       FLOWMESH_CONFIG_A_TIMEOUT_TCP_ESTABLISHED u32 s
 *       FLOWMESH_CONFIG_A_TIMEOUT_TCP_CLOSING u32  s, after a FIN
 *       FLOWMESH_CONFIG_A_TIMEOUT_TCP_CLOSED  u32  s, after close or RST
 *       FLOWMESH_CONFIG_A_TIMEOUT_UDP         u32  s
 *           (timeouts: 1 .. 2592000, defaults 60, 7200, 120, 10 and 60;
 *           a flow idle that long is removed)
 *       FLOWMESH_CONFIG_A_UPDATE_INTERVAL     u32  s between UPDATE records
 *                                                  of an active flow;
 *                                                  0 = none, max 86400,
 *                                                  default 10
 *       FLOWMESH_CONFIG_A_RING_SIZE           u32  records per CPU, a power
 *                                                  of two, 16 .. 1048576
 *       FLOWMESH_CONFIG_A_SAMPLES             u32  FLOWMESH_SAMPLES_* bits:
 *                                                  which sample records to
 *                                                  emit; default all
 *       FLOWMESH_CONFIG_A_SKIP_PORTS          binary, array of __u16 (host
 *                                                  order), at most
 *                                                  FLOWMESH_MAX_PORTS, no
 *                                                  port 0; empty clears it:
 *                                                  packets from or to these
 *                                                  ports are not tracked
 *       FLOWMESH_CONFIG_A_DETECT_PACKETS      u32  0 .. 64, default 4: payload
 *                                                  packets handed over per
 *                                                  direction of every new
 *                                                  flow; 0 = no detection
 *       FLOWMESH_CONFIG_A_INSPECT_ONE_IN      u32  0 .. 65535, default 0 (off):
 *                                                  1 in this many new flows
 *                                                  has every payload packet
 *                                                  handed over
 *       FLOWMESH_CONFIG_A_QUEUE_NUM           u32  0 .. 65532, default 7000:
 *                                                  the first of the agent's
 *                                                  FLOWMESH_QUEUES NFQUEUE
 *                                                  queue numbers
 *       FLOWMESH_CONFIG_A_OPAQUE_PORTS        binary, like SKIP_PORTS;
 *                                                  default 25, 587, 3306,
 *                                                  4444, 5432, 6379, 9300,
 *                                                  11211: flows from or to
 *                                                  these ports are tracked
 *                                                  but never handed over
 *
 * FLOWMESH_CMD_SET_LABEL (do)
 *   What the agent learned about one flow.  Request:
 *       FLOWMESH_A_FLOW (nested flowmesh_flow_attr) naming the flow with
 *           the attributes a dump lists it with: FLOWMESH_FLOW_A_FAMILY,
 *           _PROTO, _CLIENT_ADDR, _SERVER_ADDR, _CLIENT_PORT and
 *           _SERVER_PORT (required; client and server may be swapped),
 *           FLOWMESH_FLOW_A_NETNS (optional: the socket's namespace when
 *           absent; a socket outside the initial namespace names only its
 *           own).  Any other flow attribute is refused.
 *       FLOWMESH_A_LABEL_PROTO  u8   FLOWMESH_L7_*: replaces the flow's
 *       FLOWMESH_A_LABEL_FLAGS  u32  FLOWMESH_LABEL_* bits, added to the
 *                                    flow's (they are never cleared)
 *   At least one of the two.  -ENOENT (with a message) when no such flow
 *   is tracked.  The label shows in the flow's later records and dumps.
 *
 * L7 sampling
 *   Payload packets (TCP or UDP with a payload of at least one byte) of
 *   chosen flows get the verdict NF_QUEUE_NR(queue_num + FLOWMESH_QUEUE_*)
 *   with NF_VERDICT_FLAG_QUEUE_BYPASS: with no program bound to the queue
 *   in the packet's network namespace they pass untouched.  The queue says
 *   what the packet alone cannot: its direction (the flow's client is the
 *   side that opened it) and whether its flow is inspected.  A flow is chosen
 *   when it is created, not on an opaque port: for detection
 *   (FLOWMESH_SAMPLED_DETECT) while detect_packets > 0, its first
 *   detect_packets payload packets each way are handed over, until it is
 *   labelled FLOWMESH_LABEL_DONE; for inspection (FLOWMESH_SAMPLED_INSPECT)
 *   1 in inspect_one_in flows, chosen by a hash of the flow's key, has
 *   every payload packet handed over.  FLOWMESH_LABEL_STOP ends both.
 *   Setting detect_packets or inspect_one_in to 0 stops that kind at once;
 *   a port added to opaque_ports stops the flows from or to it at once.
 *   A packet is accounted before it is handed over, once: a queued packet
 *   accepted by the agent (NF_ACCEPT, never NF_REPEAT) resumes at the next
 *   hook.
 *
 * FLOWMESH_CMD_DATA_READY (notification to FLOWMESH_MCGRP_EVENTS, from the
 * kernel only, initial namespace only)
 *   Sent, at most every few milliseconds, when a record lands in a ring
 *   that was empty.  No attributes.  A reader that drains every ring to
 *   empty after each notification never misses data; one whose socket
 *   overran (ENOBUFS) should drain once to resynchronise.  Joining the
 *   group needs CAP_NET_ADMIN on kernels that can enforce it (6.7 and
 *   later); the notification carries no flow data either way.
 *
 * Rules for changing this file: attributes, commands, record types and
 * enum values are append-only; never renumber or change the type of an
 * existing one.  struct flowmesh_record only grows into its reserved
 * fields.  Adding keeps FLOWMESH_GENL_VERSION; changing the meaning of an
 * existing item bumps it.
 */
#ifndef _UAPI_LINUX_FLOWMESH_H
#define _UAPI_LINUX_FLOWMESH_H

#include <linux/types.h>

#define FLOWMESH_GENL_NAME	"flowmesh"
#define FLOWMESH_GENL_VERSION	1
#define FLOWMESH_MCGRP_EVENTS	"events"

/*
 * Latency histograms (RTT, response time) have FLOWMESH_HIST_BUCKETS log2
 * buckets in microseconds: bucket 0 is [0, 2^FLOWMESH_HIST_SHIFT), bucket
 * i > 0 is [2^(FLOWMESH_HIST_SHIFT + i - 1), 2^(FLOWMESH_HIST_SHIFT + i)),
 * and the last bucket is open-ended.  With 16 buckets from 32 us: the last
 * starts at 2^19 us (~524 ms).
 */
#define FLOWMESH_HIST_BUCKETS	16
#define FLOWMESH_HIST_SHIFT	5

#define FLOWMESH_MAX_PORTS	64

/* Application protocols, as the agent names them in labels. */
#define FLOWMESH_L7_UNKNOWN	0
#define FLOWMESH_L7_HTTP	1
#define FLOWMESH_L7_HTTP2	2
#define FLOWMESH_L7_GRPC	3
#define FLOWMESH_L7_TLS		4
#define FLOWMESH_L7_DNS		5
#define FLOWMESH_L7_MYSQL	6
#define FLOWMESH_L7_POSTGRESQL	7
#define FLOWMESH_L7_REDIS	8
#define FLOWMESH_L7_MEMCACHE	9
#define FLOWMESH_L7_SMTP	10
#define FLOWMESH_L7_MAX		FLOWMESH_L7_SMTP

/* FLOWMESH_A_LABEL_FLAGS bits */
#define FLOWMESH_LABEL_DONE	(1U << 0)	/* detection finished */
#define FLOWMESH_LABEL_STOP	(1U << 1)	/* hand nothing more over */
#define FLOWMESH_LABEL_ALL	(FLOWMESH_LABEL_DONE | FLOWMESH_LABEL_STOP)

/* Offsets from queue_num of the queues sampled packets go to. */
#define FLOWMESH_QUEUE_DETECT_TO_SERVER		0
#define FLOWMESH_QUEUE_DETECT_TO_CLIENT		1
#define FLOWMESH_QUEUE_INSPECT_TO_SERVER	2
#define FLOWMESH_QUEUE_INSPECT_TO_CLIENT	3
#define FLOWMESH_QUEUES				4

/* FLOWMESH_FLOW_A_SAMPLED bits */
#define FLOWMESH_SAMPLED_DETECT		(1U << 0)
#define FLOWMESH_SAMPLED_INSPECT	(1U << 1)

/* Flow states; UDP flows are OPEN until the server replies. */
enum flowmesh_state {
	FLOWMESH_STATE_OPEN,		/* TCP handshake in progress */
	FLOWMESH_STATE_ESTABLISHED,
	FLOWMESH_STATE_CLOSING,		/* a FIN was seen */
	FLOWMESH_STATE_CLOSED,		/* FIN both ways, or a RST */
	__FLOWMESH_STATE_MAX
};

/* FLOWMESH_CONFIG_A_SAMPLES bits */
#define FLOWMESH_SAMPLES_RTT		(1U << 0)
#define FLOWMESH_SAMPLES_RESPONSE	(1U << 1)
#define FLOWMESH_SAMPLES_ALL		(FLOWMESH_SAMPLES_RTT | \
					 FLOWMESH_SAMPLES_RESPONSE)

enum flowmesh_record_type {
	FLOWMESH_REC_OPEN = 1,	/* first packet of a flow */
	FLOWMESH_REC_UPDATE,	/* active flow, every update_interval */
	FLOWMESH_REC_CLOSE,	/* flow removed: final counters */
	FLOWMESH_REC_RTT,	/* one RTT sample in value_us */
	FLOWMESH_REC_RESPONSE,	/* one response time sample in value_us */
};

/*
 * One event, fixed size.  Every record carries the flow's identity and its
 * counters at the time of the event, so a reader needs no other state.
 * Addresses are in network order (IPv4 in the first 4 bytes, rest zero);
 * everything else in host order.
 */
struct flowmesh_record {
	__u64 flow_id;		/* unique per flow while the module is loaded */
	__u64 time_ns;		/* event time, ns since the Unix epoch */
	__u64 tx_bytes;		/* IP bytes client -> server so far */
	__u64 tx_packets;
	__u64 rx_bytes;		/* IP bytes server -> client so far */
	__u64 rx_packets;
	__u64 rtt_sum_us;	/* sum of the flow's RTT samples */
	__u64 response_sum_us;	/* sum of its response time samples */
	__u8 client[16];
	__u8 server[16];
	__u32 netns;		/* namespace inode number */
	__u16 client_port;
	__u16 server_port;
	__u8 type;		/* enum flowmesh_record_type */
	__u8 family;		/* AF_INET or AF_INET6 */
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 state;		/* enum flowmesh_state */
	__u32 value_us;		/* RTT and RESPONSE: the sample */
	__u32 rtt_samples;
	__u32 rtt_min_us;
	__u32 rtt_max_us;
	__u32 rtt_hs_client_us;	/* SYN-ACK -> ACK, 0 if not seen */
	__u32 rtt_hs_server_us;	/* SYN -> SYN-ACK, 0 if not seen */
	__u32 response_count;
	__u32 response_max_us;
	__u32 retransmits;
	__u32 resets;
	__u32 zero_windows;
	__u8 l7_proto;		/* FLOWMESH_L7_*, as labelled */
	__u8 l7_flags;		/* FLOWMESH_LABEL_* */
	__u8 sampled;		/* FLOWMESH_SAMPLED_* */
	__u8 reserved8;		/* zero */
	__u32 reserved;		/* zero */
};

enum flowmesh_cmd {
	FLOWMESH_CMD_UNSPEC,
	FLOWMESH_CMD_GET_FLOW,
	FLOWMESH_CMD_GET_STATS,
	FLOWMESH_CMD_DRAIN,
	FLOWMESH_CMD_GET_CONFIG,
	FLOWMESH_CMD_SET_CONFIG,
	FLOWMESH_CMD_DATA_READY,
	FLOWMESH_CMD_SET_LABEL,
	__FLOWMESH_CMD_MAX
};
#define FLOWMESH_CMD_MAX (__FLOWMESH_CMD_MAX - 1)

enum flowmesh_attr {
	FLOWMESH_A_UNSPEC,
	FLOWMESH_A_FLOW,	/* nested flowmesh_flow_attr */
	FLOWMESH_A_STATS,	/* nested flowmesh_stats_attr */
	FLOWMESH_A_FILTER,	/* nested flowmesh_filter_attr */
	FLOWMESH_A_RECORDS,	/* binary: struct flowmesh_record[] */
	FLOWMESH_A_CONFIG,	/* nested flowmesh_config_attr */
	FLOWMESH_A_LABEL_PROTO,	/* u8 FLOWMESH_L7_* */
	FLOWMESH_A_LABEL_FLAGS,	/* u32 FLOWMESH_LABEL_* */
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
	FLOWMESH_FLOW_A_ID,
	FLOWMESH_FLOW_A_STATE,
	FLOWMESH_FLOW_A_TCP_FLAGS_TX,
	FLOWMESH_FLOW_A_TCP_FLAGS_RX,
	FLOWMESH_FLOW_A_RETRANSMITS,
	FLOWMESH_FLOW_A_RESETS,
	FLOWMESH_FLOW_A_ZERO_WINDOWS,
	FLOWMESH_FLOW_A_RTT_HS_CLIENT,
	FLOWMESH_FLOW_A_RTT_HS_SERVER,
	FLOWMESH_FLOW_A_RTT,
	FLOWMESH_FLOW_A_RESPONSE,
	FLOWMESH_FLOW_A_L7_PROTO,
	FLOWMESH_FLOW_A_SAMPLED,
	__FLOWMESH_FLOW_A_LAST
};
#define FLOWMESH_FLOW_A_MAX (__FLOWMESH_FLOW_A_LAST - 1)

enum flowmesh_latency_attr {
	FLOWMESH_LAT_A_UNSPEC,
	FLOWMESH_LAT_A_PAD,
	FLOWMESH_LAT_A_COUNT,
	FLOWMESH_LAT_A_SUM_US,
	FLOWMESH_LAT_A_MIN_US,
	FLOWMESH_LAT_A_MAX_US,
	FLOWMESH_LAT_A_LAST_US,
	FLOWMESH_LAT_A_HIST,
	__FLOWMESH_LAT_A_LAST
};
#define FLOWMESH_LAT_A_MAX (__FLOWMESH_LAT_A_LAST - 1)

enum flowmesh_filter_attr {
	FLOWMESH_FILTER_A_UNSPEC,
	FLOWMESH_FILTER_A_NETNS,
	FLOWMESH_FILTER_A_PROTO,
	FLOWMESH_FILTER_A_FAMILY,
	FLOWMESH_FILTER_A_ADDR,
	FLOWMESH_FILTER_A_PORT,
	__FLOWMESH_FILTER_A_LAST
};
#define FLOWMESH_FILTER_A_MAX (__FLOWMESH_FILTER_A_LAST - 1)

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
	FLOWMESH_STATS_A_FLOWS_EVICTED,
	FLOWMESH_STATS_A_RECORDS_PRODUCED,
	FLOWMESH_STATS_A_RECORDS_DRAINED,
	FLOWMESH_STATS_A_RECORDS_DROPPED,
	FLOWMESH_STATS_A_RECORDS_QUEUED,
	FLOWMESH_STATS_A_CPU,
	FLOWMESH_STATS_A_PACKETS_QUEUED,
	FLOWMESH_STATS_A_LABELS_SET,
	__FLOWMESH_STATS_A_LAST
};
#define FLOWMESH_STATS_A_MAX (__FLOWMESH_STATS_A_LAST - 1)

enum flowmesh_cpu_attr {
	FLOWMESH_CPU_A_UNSPEC,
	FLOWMESH_CPU_A_PAD,
	FLOWMESH_CPU_A_ID,
	FLOWMESH_CPU_A_RECORDS_PRODUCED,
	FLOWMESH_CPU_A_RECORDS_DRAINED,
	FLOWMESH_CPU_A_RECORDS_DROPPED,
	FLOWMESH_CPU_A_PACKETS_SEEN,
	FLOWMESH_CPU_A_PACKETS_QUEUED,
	__FLOWMESH_CPU_A_LAST
};
#define FLOWMESH_CPU_A_MAX (__FLOWMESH_CPU_A_LAST - 1)

enum flowmesh_config_attr {
	FLOWMESH_CONFIG_A_UNSPEC,
	FLOWMESH_CONFIG_A_MAX_FLOWS,
	FLOWMESH_CONFIG_A_TIMEOUT_TCP_OPEN,
	FLOWMESH_CONFIG_A_TIMEOUT_TCP_ESTABLISHED,
	FLOWMESH_CONFIG_A_TIMEOUT_TCP_CLOSING,
	FLOWMESH_CONFIG_A_TIMEOUT_TCP_CLOSED,
	FLOWMESH_CONFIG_A_TIMEOUT_UDP,
	FLOWMESH_CONFIG_A_UPDATE_INTERVAL,
	FLOWMESH_CONFIG_A_RING_SIZE,
	FLOWMESH_CONFIG_A_SAMPLES,
	FLOWMESH_CONFIG_A_SKIP_PORTS,
	FLOWMESH_CONFIG_A_DETECT_PACKETS,
	FLOWMESH_CONFIG_A_INSPECT_ONE_IN,
	FLOWMESH_CONFIG_A_QUEUE_NUM,
	FLOWMESH_CONFIG_A_OPAQUE_PORTS,
	__FLOWMESH_CONFIG_A_LAST
};
#define FLOWMESH_CONFIG_A_MAX (__FLOWMESH_CONFIG_A_LAST - 1)

#endif /* _UAPI_LINUX_FLOWMESH_H */
