/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IP packets built byte by byte, in network order, for the code that
 * parses what NFQUEUE and captures deliver.  Checksums are left zero.
 */
#ifndef FLOWMESH_TEST_PKTBUILD_H
#define FLOWMESH_TEST_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>

void pkt_put16(uint8_t *p, uint16_t v);
void pkt_put32(uint8_t *p, uint32_t v);

/* A TCP header (20 bytes) and @payload at @p; their length. */
size_t pkt_tcp(uint8_t *p, uint16_t sport, uint16_t dport, uint32_t seq,
	       uint8_t flags, const char *payload);

/* A UDP header and @len bytes of @data at @p; their length. */
size_t pkt_udp(uint8_t *p, uint16_t sport, uint16_t dport, const void *data,
	       size_t len);

/*
 * An IPv4 header (20 bytes) at @p before an L4 segment of @l4len bytes
 * at @p + 20, @frag its flags and fragment offset; the packet's length.
 */
size_t pkt_ipv4(uint8_t *p, const uint8_t *src, const uint8_t *dst,
		uint8_t proto, size_t l4len, uint16_t frag);

#endif /* FLOWMESH_TEST_PKTBUILD_H */
