/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink messages as the kernel sends them, built in memory with libmnl,
 * plus ways to break them.  Messages leave nlmsg_seq at 0: the fake
 * transport stamps them with the sequence of the request they answer.
 */
#ifndef FLOWMESH_TEST_NLBUILD_H
#define FLOWMESH_TEST_NLBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/flowmesh.h>
#include "lib/config.h"
#include "lib/flow.h"
#include "lib/stats.h"

#define NLB_FAMILY_ID	0x1d
#define NLB_EVENTS_GROUP 7
#define NLB_PORTID	4242
#define NLB_MSG_SIZE	4096
#define NLB_DGRAM_SIZE	32768

union nlb_msg {
	char buf[NLB_MSG_SIZE];
	struct nlmsghdr align;
};

/* One datagram: messages appended back to back. */
struct nlb_dgram {
	union {
		char buf[NLB_DGRAM_SIZE];
		struct nlmsghdr align;
	} u;
	size_t len;
};

/*
 * Ways to spoil a message; zero means none.  The plain ones act on the
 * attributes of the message's main nest (flow, stats, config), the inner
 * ones on those inside its nests (latency, CPU).
 */
struct nlb_opts {
	uint16_t omit;		/* leave this attribute out */
	uint16_t resize;	/* give this attribute ... */
	uint16_t resize_len;	/* ... this many payload bytes */
	uint16_t nested;	/* mark this attribute NLA_F_NESTED */
	bool pad64;		/* a PAD attribute before each u64 */
	uint16_t unknown;	/* add an attribute of this type, 12 bytes */
	uint16_t inner_omit;
	uint16_t inner_resize;
	uint16_t inner_resize_len;
	uint16_t inner_nested;
	uint16_t inner_unknown;
};

/* A TCP flow over IPv4 with every attribute; a UDP one over IPv6. */
void nlb_flow_v4(struct fm_flow *f);
void nlb_flow_v6(struct fm_flow *f);
/* Every counter, two CPUs (static storage: never fm_stats_free it). */
void nlb_stats_sample(struct fm_stats *s);
/* Every setting, two skip ports. */
void nlb_config_sample(struct fm_config *c);
/* Record @i of a varied set: types, families and protocols in turn. */
void nlb_record_sample(struct flowmesh_record *r, unsigned int i);

struct nlmsghdr *nlb_genl(void *buf, uint16_t type, uint16_t flags,
			  uint8_t cmd);
struct nlmsghdr *nlb_flow(void *buf, const struct fm_flow *f,
			  const struct nlb_opts *opts);
struct nlmsghdr *nlb_stats(void *buf, const struct fm_stats *s,
			   const struct nlb_opts *opts);
struct nlmsghdr *nlb_config(void *buf, const struct fm_config *c,
			    const struct nlb_opts *opts);
/* A DRAIN reply with @n records; @trim bytes cut off the array's end. */
struct nlmsghdr *nlb_records(void *buf, const struct flowmesh_record *recs,
			     size_t n, size_t trim);
struct nlmsghdr *nlb_done(void *buf, int32_t status);
struct nlmsghdr *nlb_error(void *buf, int32_t error);

/*
 * An error with extended ACK TLVs, as a NETLINK_EXT_ACK socket gets it:
 * @msg (may be NULL), @offs (when @has_offs); capped (NETLINK_CAP_ACK) or
 * with the request @req copied in.
 */
struct nlmsghdr *nlb_error_ext(void *buf, int32_t error, const char *msg,
			       bool has_offs, uint32_t offs, bool capped,
			       const struct nlmsghdr *req);
/* NLMSG_DONE of a dump that failed, with its message. */
struct nlmsghdr *nlb_done_ext(void *buf, int32_t status, const char *msg);

struct nlmsghdr *nlb_family(void *buf, uint16_t id, uint32_t version);
/* With CTRL_ATTR_MCAST_GROUPS: "other" (id 3) then @name as @group. */
struct nlmsghdr *nlb_family_groups(void *buf, uint16_t id, uint32_t version,
				   const char *name, uint32_t group);
/* A DATA_READY notification, as the kernel multicasts it. */
struct nlmsghdr *nlb_data_ready(void *buf, uint16_t family);

/* Where the next message of @d goes, and adding it once built. */
void *nlb_tail(struct nlb_dgram *d);
void nlb_add(struct nlb_dgram *d, const struct nlmsghdr *nlh);

#endif /* FLOWMESH_TEST_NLBUILD_H */
