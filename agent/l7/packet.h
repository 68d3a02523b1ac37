/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IP (v4, v6) and TCP/UDP headers of one packet, as the L7 engine
 * needs them: shared by `flowmesh classify` (captures) and flowmeshd
 * (NFQUEUE), so both read packets the same way.
 */
#ifndef FLOWMESH_L7_PACKET_H
#define FLOWMESH_L7_PACKET_H

#include <stddef.h>
#include <stdint.h>

struct fm_packet {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t src[16];	/* network order; IPv4 fills the first 4 */
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t ip_len;	/* IP bytes: the IP header's total length */
	uint32_t seq;		/* TCP */
	uint8_t tcp_flags;	/* TCP flag byte (FIN 0x01 ... CWR 0x80) */
	const uint8_t *payload;	/* the L4 payload, as far as captured */
	size_t payload_len;
};

enum fm_packet_verdict {
	FM_PACKET_OK,
	FM_PACKET_OTHER,	/* not TCP or UDP over IP */
	FM_PACKET_FRAGMENT,	/* an IP fragment: not reassembled */
	FM_PACKET_TRUNCATED,	/* headers cut short by the capture */
};

/* TCP flag bits of fm_packet.tcp_flags */
#define FM_TCP_FIN	0x01
#define FM_TCP_SYN	0x02
#define FM_TCP_RST	0x04
#define FM_TCP_ACK	0x10

/*
 * An IPv4 or IPv6 packet of @caplen captured bytes, from its IP header
 * on; IPv6 extension headers are skipped.  Only FM_PACKET_OK fills @pkt
 * wholly (@pkt is cleared first).
 */
enum fm_packet_verdict fm_packet_parse_ip(const uint8_t *data, size_t caplen,
					  struct fm_packet *pkt);
/* The same when the version is known (a link layer said it). */
enum fm_packet_verdict fm_packet_parse_ipv4(const uint8_t *data,
					    size_t caplen,
					    struct fm_packet *pkt);
enum fm_packet_verdict fm_packet_parse_ipv6(const uint8_t *data,
					    size_t caplen,
					    struct fm_packet *pkt);

#endif /* FLOWMESH_L7_PACKET_H */
