/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Service response time: from the first client payload of an exchange to
 * the server's first payload after it.  One exchange is one client turn
 * followed by one server turn, so keep-alive connections give one sample
 * per request; server data with no request pending (a banner, a push)
 * gives none, and repeated client data keeps the exchange's start time.
 */
#ifndef _FLOWMESH_RESPONSE_H
#define _FLOWMESH_RESPONSE_H

#include <linux/types.h>
#include "flow_key.h"

struct flowmesh_response {
	u64 request_ns;		/* 0: no request pending */
};

/*
 * Feeds a packet carrying @payload bytes sent in @dir.  Returns true and
 * sets *us when it answers a pending request.
 */
static inline bool flowmesh_response_track(struct flowmesh_response *r,
					   enum flowmesh_dir dir, u32 payload,
					   u64 now_ns, u32 *us)
{
	if (!payload)
		return false;
	if (dir == FLOWMESH_DIR_TX) {
		if (!r->request_ns)
			r->request_ns = now_ns ?: 1;
		return false;
	}
	if (!r->request_ns)
		return false;
	*us = min_t(u64, (now_ns - r->request_ns) / NSEC_PER_USEC, U32_MAX);
	r->request_ns = 0;
	return true;
}

#endif
