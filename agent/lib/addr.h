/* SPDX-License-Identifier: GPL-2.0 */
/* Text forms of flow addresses and endpoints. */
#ifndef FLOWMESH_LIB_ADDR_H
#define FLOWMESH_LIB_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define FM_ADDR_STRLEN		INET6_ADDRSTRLEN
/* "[" address "]:" and five port digits */
#define FM_ENDPOINT_STRLEN	(INET6_ADDRSTRLEN + 8)

/* Both return the string length, or -EAFNOSUPPORT / -ENOSPC. */
int fm_addr_str(uint8_t family, const void *addr, char *buf, size_t len);
int fm_endpoint_str(uint8_t family, const void *addr, uint16_t port,
		    char *buf, size_t len);

#endif /* FLOWMESH_LIB_ADDR_H */
