// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "lib/addr.h"

int fm_addr_str(uint8_t family, const void *addr, char *buf, size_t len)
{
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (!inet_ntop(family, addr, buf, len))
		return -errno;
	return (int)strlen(buf);
}

/* IPv6 goes in brackets so the port separator stays unambiguous. */
int fm_endpoint_str(uint8_t family, const void *addr, uint16_t port,
		    char *buf, size_t len)
{
	char host[FM_ADDR_STRLEN];
	int err, n;

	err = fm_addr_str(family, addr, host, sizeof(host));
	if (err < 0)
		return err;
	n = snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		     host, port);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}
