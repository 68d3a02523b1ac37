/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A netlink transport that replays canned datagrams instead of talking to
 * a kernel, and records the requests it was sent.
 */
#ifndef FLOWMESH_TEST_FAKE_NL_H
#define FLOWMESH_TEST_FAKE_NL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include "lib/genl.h"

#define FAKE_NL_MAX_DGRAMS	64
#define FAKE_NL_MAX_REQUESTS	32

struct fake_nl {
	struct {
		void *data;
		size_t len;
	} dgrams[FAKE_NL_MAX_DGRAMS];
	size_t ndgrams;
	size_t next;		/* next datagram recv hands out */
	int recv_error;		/* negative errno recv returns when set */

	unsigned int nsent;
	struct nlmsghdr sent[FAKE_NL_MAX_REQUESTS];
	struct genlmsghdr sent_genl[FAKE_NL_MAX_REQUESTS];
	size_t next_at_send[FAKE_NL_MAX_REQUESTS];	/* datagrams read */
	char last[FM_NL_REQ_SIZE];	/* the last request, whole */
	unsigned int peeks;	/* datagram lengths asked for */
	uint32_t seq;		/* of the last request */
	unsigned int closed;
};

/* @nl then talks to @fake; the family is already resolved. */
void fake_nl_init(struct fake_nl *fake, struct fm_nl *nl);
void fake_nl_queue(struct fake_nl *fake, const void *buf, size_t len);
void fake_nl_free(struct fake_nl *fake);

#endif /* FLOWMESH_TEST_FAKE_NL_H */
