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
#include "lib/flow.h"
#include "lib/stats.h"

#define NLB_FAMILY_ID	0x1d
#define NLB_PORTID	4242
#define NLB_MSG_SIZE	1024
#define NLB_DGRAM_SIZE	16384

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

/* Ways to spoil a flow or stats message; zero means none. */
struct nlb_opts {
	uint16_t omit;		/* leave this attribute out */
	uint16_t resize;	/* give this attribute ... */
	uint16_t resize_len;	/* ... this many payload bytes */
	uint16_t nested;	/* mark this attribute NLA_F_NESTED */
	bool pad64;		/* a PAD attribute before each u64 */
	uint16_t unknown;	/* add an attribute of this type, 12 bytes */
};

void nlb_flow_v4(struct fm_flow *f);
void nlb_flow_v6(struct fm_flow *f);
void nlb_stats_sample(struct fm_stats *s);

struct nlmsghdr *nlb_genl(void *buf, uint16_t type, uint16_t flags,
			  uint8_t cmd);
struct nlmsghdr *nlb_flow(void *buf, const struct fm_flow *f,
			  const struct nlb_opts *opts);
struct nlmsghdr *nlb_stats(void *buf, const struct fm_stats *s,
			   const struct nlb_opts *opts);
struct nlmsghdr *nlb_done(void *buf, int32_t status);
struct nlmsghdr *nlb_error(void *buf, int32_t error);
struct nlmsghdr *nlb_family(void *buf, uint16_t id, uint32_t version);

/* Where the next message of @d goes, and adding it once built. */
void *nlb_tail(struct nlb_dgram *d);
void nlb_add(struct nlb_dgram *d, const struct nlmsghdr *nlh);

#endif /* FLOWMESH_TEST_NLBUILD_H */
