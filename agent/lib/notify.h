/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's FLOWMESH_CMD_DATA_READY notifications, on a socket of their
 * own joined to the multicast group FLOWMESH_MCGRP_EVENTS.
 */
#ifndef FLOWMESH_LIB_NOTIFY_H
#define FLOWMESH_LIB_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct mnl_socket;

struct fm_notify {
	struct mnl_socket *sock;	/* non-blocking */
	uint16_t family_id;
};

/* What reading the socket found. */
struct fm_notify_seen {
	unsigned int ready;	/* DATA_READY notifications */
	unsigned int overruns;	/* ENOBUFS: notifications were lost */
	unsigned int garbled;	/* datagrams that were not well formed */
};

/* -ENOENT when the family has no events group (@group 0). */
int fm_notify_open(struct fm_notify *n, uint16_t family_id, uint32_t group);
int fm_notify_fd(const struct fm_notify *n);

/*
 * Reads every datagram waiting, adding to @seen; 0 or a negative errno.
 * ENOBUFS is not an error: it is counted.
 */
int fm_notify_read(struct fm_notify *n, struct fm_notify_seen *seen);
void fm_notify_close(struct fm_notify *n);

/*
 * One datagram: counts the DATA_READY messages of @family_id from the
 * kernel into @seen.  0, or -EBADMSG when it is not well formed.
 */
int fm_notify_walk(const void *buf, size_t len, uint16_t family_id,
		   struct fm_notify_seen *seen);

#endif /* FLOWMESH_LIB_NOTIFY_H */
