/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FLOWMESH_CMD_SET_LABEL: what the agent learnt about one flow (its
 * application protocol, whether the module may stop handing its packets
 * over), sent back to the module.
 */
#ifndef FLOWMESH_LIB_LABEL_H
#define FLOWMESH_LIB_LABEL_H

#include <stddef.h>
#include <stdint.h>

struct fm_nl;
struct nlmsghdr;

struct fm_label {
	uint32_t netns;		/* namespace inode number */
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t client[16];	/* network order; IPv4 fills the first 4 */
	uint8_t server[16];
	uint16_t client_port;
	uint16_t server_port;
	uint8_t l7_proto;	/* enum fm_l7_proto = FLOWMESH_L7_* */
	uint32_t flags;		/* FLOWMESH_LABEL_* */
};

/*
 * The request's attributes: FLOWMESH_A_FLOW naming the flow (netns
 * included), FLOWMESH_A_LABEL_PROTO and FLOWMESH_A_LABEL_FLAGS.  0,
 * -EINVAL for a family other than AF_INET/AF_INET6, or -EMSGSIZE.
 */
int fm_label_put(struct nlmsghdr *nlh, size_t buflen,
		 const struct fm_label *label);
/*
 * One acknowledged SET_LABEL on @nl: 0, -ENOENT when the module no longer
 * tracks the flow, another negative errno (extended ACK in nl->extack).
 */
int fm_label_set(struct fm_nl *nl, const struct fm_label *label);

#endif /* FLOWMESH_LIB_LABEL_H */
