/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where flowmeshd's records come from: the kernel module over generic
 * netlink (FLOWMESH_CMD_DRAIN, woken by DATA_READY notifications), or a
 * file of raw struct flowmesh_record, back to back, as `flowmesh events
 * -o raw` writes them: the same pipeline without a kernel, for replays,
 * host tests and benchmarks.
 */
#ifndef FLOWMESH_DAEMON_SOURCE_H
#define FLOWMESH_DAEMON_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/flowmesh.h>

#include "lib/genl.h"
#include "lib/notify.h"
#include "lib/record.h"

/* Records read from a file per batch. */
#define FM_SOURCE_BATCH		256
#define FM_SOURCE_RECORD_SIZE	sizeof(struct flowmesh_record)

struct fm_source {
	bool netlink;
	/* netlink: one socket for requests, one for notifications */
	struct fm_nl nl;
	bool nl_open;
	struct fm_notify notify;
	/* file */
	int fd;			/* -1 when closed */
	bool own_fd;		/* not stdin */
	bool pollable;		/* a pipe or socket: wait for it */
	bool eof;
	size_t have;		/* bytes of a partial record in buf */
	size_t trailing;	/* bytes of a partial record at EOF */
	uint64_t invalid;	/* records that did not decode */
	unsigned char buf[FM_SOURCE_BATCH * FM_SOURCE_RECORD_SIZE];
};

/*
 * @path: a file, a FIFO, or "-" for standard input.  0, or a negative
 * errno with the reason in @err.
 */
int fm_source_open_file(struct fm_source *src, const char *path, char *err,
			size_t errlen);
/*
 * Opens the netlink socket and resolves the family: -ENOENT when the
 * module is not loaded.  The notification socket is opened apart
 * (fm_source_open_notify), once the kernel's flows were read.
 */
int fm_source_open_netlink(struct fm_source *src, char *err, size_t errlen);
int fm_source_open_notify(struct fm_source *src, char *err, size_t errlen);
/* Both netlink sockets' receive buffers, forced past rmem_max if allowed. */
int fm_source_set_rcvbuf(struct fm_source *src, uint32_t bytes);
/* The descriptor to wait on (notifications, or a pipe), or -1. */
int fm_source_fd(const struct fm_source *src);

/*
 * One batch: a DRAIN dump, or one read of the file.  Every whole record
 * goes to @cb; *@count gets how many records there were (0 and src->eof
 * at the end of a file).  A file's records that do not decode are counted
 * in src->invalid and skipped.
 */
int fm_source_read(struct fm_source *src, fm_record_cb cb, void *data,
		   size_t *count);
void fm_source_close(struct fm_source *src);

#endif /* FLOWMESH_DAEMON_SOURCE_H */
