// SPDX-License-Identifier: GPL-2.0
/*
 * flowmeshd's record sources.  The kernel hands records out in DRAIN dumps;
 * a file is read in batches of whole records.  Both feed the same callback,
 * so a replayed file goes through exactly the pipeline live data does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <libmnl/libmnl.h>
#include "daemon/source.h"

int fm_source_open_file(struct fm_source *src, const char *path, char *err,
			size_t errlen)
{
	struct stat st;
	int fd;

	memset(src, 0, sizeof(*src));
	src->fd = -1;
	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		/* a FIFO's open waits for its writer: what a replay wants */
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			snprintf(err, errlen, "cannot open %s: %s", path,
				 strerror(errno));
			return -errno;
		}
		src->own_fd = true;
	}
	if (fstat(fd, &st)) {
		snprintf(err, errlen, "cannot stat %s: %s", path,
			 strerror(errno));
		if (src->own_fd)
			close(fd);
		return -errno;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is a directory", path);
		if (src->own_fd)
			close(fd);
		return -EISDIR;
	}
	/* epoll refuses regular files: they are always ready anyway */
	src->pollable = !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode);
	src->fd = fd;
	return 0;
}

int fm_source_open_netlink(struct fm_source *src, char *err, size_t errlen)
{
	int ret;

	memset(src, 0, sizeof(*src));
	src->fd = -1;
	src->netlink = true;
	ret = fm_nl_open(&src->nl);
	if (ret) {
		snprintf(err, errlen, "cannot open a netlink socket: %s",
			 strerror(-ret));
		return ret;
	}
	src->nl_open = true;
	ret = fm_nl_resolve_family(&src->nl);
	if (ret == -ENOENT)
		snprintf(err, errlen, "the flowmesh kernel module is not loaded (modprobe flowmesh)");
	else if (ret == -EPROTONOSUPPORT)
		snprintf(err, errlen, "the kernel module speaks netlink version %u, this program version %d; install matching versions",
			 src->nl.family_version, FLOWMESH_GENL_VERSION);
	else if (ret)
		snprintf(err, errlen, "looking up the flowmesh netlink family: %s",
			 strerror(-ret));
	return ret;
}

int fm_source_open_notify(struct fm_source *src, char *err, size_t errlen)
{
	int ret = fm_notify_open(&src->notify, src->nl.family_id,
				 src->nl.events_group);

	if (ret == -ENOENT)
		snprintf(err, errlen, "the kernel module has no '%s' multicast group",
			 FLOWMESH_MCGRP_EVENTS);
	else if (ret)
		snprintf(err, errlen, "joining the events multicast group: %s",
			 strerror(-ret));
	return ret;
}

static int fm_source_rcvbuf(int fd, uint32_t bytes)
{
	int val = bytes > INT32_MAX / 2 ? INT32_MAX / 2 : (int)bytes;

	/* FORCE needs CAP_NET_ADMIN; without it, rmem_max caps the size */
	if (!setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val)))
		return 0;
	if (!setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val)))
		return 0;
	return -errno;
}

int fm_source_set_rcvbuf(struct fm_source *src, uint32_t bytes)
{
	int ret = 0, fd;

	if (!src->netlink)
		return 0;
	/* the request socket's ctx is its struct mnl_socket */
	if (src->nl_open)
		ret = fm_source_rcvbuf(mnl_socket_get_fd(src->nl.ctx), bytes);
	fd = fm_notify_fd(&src->notify);
	if (!ret && fd >= 0)
		ret = fm_source_rcvbuf(fd, bytes);
	return ret;
}

int fm_source_fd(const struct fm_source *src)
{
	if (src->netlink)
		return fm_notify_fd(&src->notify);
	return src->pollable ? src->fd : -1;
}

static int fm_source_read_file(struct fm_source *src, fm_record_cb cb,
			       void *data, size_t *count)
{
	size_t whole, i, one;
	ssize_t n;
	int ret;

	*count = 0;
	if (src->eof)
		return 0;
	do
		n = read(src->fd, src->buf + src->have,
			 sizeof(src->buf) - src->have);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (!n) {
		src->eof = true;
		src->trailing = src->have;
		return 0;
	}
	src->have += (size_t)n;
	whole = src->have / FM_SOURCE_RECORD_SIZE;
	for (i = 0; i < whole; i++) {
		ret = fm_records_decode(src->buf + i * FM_SOURCE_RECORD_SIZE,
					FM_SOURCE_RECORD_SIZE, cb, data, &one);
		if (ret == -EBADMSG)
			src->invalid++;
		else if (ret)
			return ret;
	}
	*count = whole;
	src->have -= whole * FM_SOURCE_RECORD_SIZE;
	memmove(src->buf, src->buf + whole * FM_SOURCE_RECORD_SIZE,
		src->have);
	return 0;
}

int fm_source_read(struct fm_source *src, fm_record_cb cb, void *data,
		   size_t *count)
{
	if (src->netlink) {
		*count = 0;
		return fm_drain(&src->nl, cb, data, count);
	}
	return fm_source_read_file(src, cb, data, count);
}

void fm_source_close(struct fm_source *src)
{
	if (src->netlink) {
		fm_notify_close(&src->notify);
		if (src->nl_open)
			fm_nl_close(&src->nl);
		src->nl_open = false;
	} else if (src->own_fd && src->fd >= 0) {
		close(src->fd);
	}
	src->fd = -1;
}
