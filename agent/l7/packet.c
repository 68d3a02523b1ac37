// SPDX-License-Identifier: GPL-2.0
/* IP, TCP and UDP headers of captured or queued packets (packet.h). */
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "l7/packet.h"

#define IPV6_EXT_MAX	8	/* extension headers skipped at most */

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static enum fm_packet_verdict fm_packet_l4(const uint8_t *l4, size_t avail,
					 size_t ip_payload,
					 struct fm_packet *pkt)
{
	size_t hlen;

	/* the IP header's length rules; the capture may hold less */
	if (avail > ip_payload)
		avail = ip_payload;
	if (pkt->proto == IPPROTO_TCP) {
		if (avail < 20)
			return FM_PACKET_TRUNCATED;
		hlen = (size_t)(l4[12] >> 4) * 4;
		if (hlen < 20 || hlen > avail)
			return FM_PACKET_TRUNCATED;
		pkt->seq = get_be32(l4 + 4);
		pkt->tcp_flags = l4[13];
	} else if (pkt->proto == IPPROTO_UDP) {
		hlen = 8;
		if (avail < hlen)
			return FM_PACKET_TRUNCATED;
		/* a UDP length shorter than the IP payload bounds it */
		if (get_be16(l4 + 4) >= hlen && get_be16(l4 + 4) < avail)
			avail = get_be16(l4 + 4);
	} else {
		return FM_PACKET_OTHER;
	}
	pkt->sport = get_be16(l4);
	pkt->dport = get_be16(l4 + 2);
	pkt->payload = l4 + hlen;
	pkt->payload_len = avail - hlen;
	return FM_PACKET_OK;
}

enum fm_packet_verdict fm_packet_parse_ipv4(const uint8_t *ip, size_t caplen,
					   struct fm_packet *pkt)
{
	size_t ihl, total;

	memset(pkt, 0, sizeof(*pkt));
	if (caplen < 20)
		return FM_PACKET_TRUNCATED;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	total = get_be16(ip + 2);
	if (ihl < 20 || caplen < ihl)
		return FM_PACKET_TRUNCATED;
	if (total < ihl)
		return FM_PACKET_OTHER;
	/* more fragments, or an offset: not a whole datagram */
	if (get_be16(ip + 6) & 0x3fff)
		return FM_PACKET_FRAGMENT;
	pkt->family = AF_INET;
	pkt->proto = ip[9];
	pkt->ip_len = (uint32_t)total;
	memcpy(pkt->src, ip + 12, 4);
	memcpy(pkt->dst, ip + 16, 4);
	return fm_packet_l4(ip + ihl, caplen - ihl, total - ihl, pkt);
}

enum fm_packet_verdict fm_packet_parse_ipv6(const uint8_t *ip, size_t caplen,
					   struct fm_packet *pkt)
{
	size_t off = 40, payload, ext_len;
	uint8_t next;
	int i;

	memset(pkt, 0, sizeof(*pkt));
	if (caplen < 40)
		return FM_PACKET_TRUNCATED;
	payload = get_be16(ip + 4);
	next = ip[6];
	for (i = 0; i < IPV6_EXT_MAX; i++) {
		switch (next) {
		case 0:		/* hop-by-hop options */
		case 43:	/* routing */
		case 60:	/* destination options */
			if (caplen < off + 8)
				return FM_PACKET_TRUNCATED;
			ext_len = ((size_t)ip[off + 1] + 1) * 8;
			break;
		case 44:	/* fragment */
			if (caplen < off + 8)
				return FM_PACKET_TRUNCATED;
			if (get_be16(ip + off + 2) & 0xfff9)
				return FM_PACKET_FRAGMENT;
			ext_len = 8;	/* an atomic fragment: whole */
			break;
		case 51:	/* authentication header */
			if (caplen < off + 8)
				return FM_PACKET_TRUNCATED;
			ext_len = ((size_t)ip[off + 1] + 2) * 4;
			break;
		default:
			goto done;
		}
		next = ip[off];
		off += ext_len;
		if (off > caplen)
			return FM_PACKET_TRUNCATED;
	}
	return FM_PACKET_OTHER;
done:
	/* jumbograms (payload length 0) and headers beyond it: not ours */
	if (off - 40 > payload || !payload)
		return FM_PACKET_OTHER;
	pkt->family = AF_INET6;
	pkt->proto = next;
	pkt->ip_len = (uint32_t)(40 + payload);
	memcpy(pkt->src, ip + 8, 16);
	memcpy(pkt->dst, ip + 24, 16);
	return fm_packet_l4(ip + off, caplen - off, payload - (off - 40), pkt);
}

enum fm_packet_verdict fm_packet_parse_ip(const uint8_t *data, size_t caplen,
					  struct fm_packet *pkt)
{
	if (caplen < 1)
		return FM_PACKET_TRUNCATED;
	if (data[0] >> 4 == 4)
		return fm_packet_parse_ipv4(data, caplen, pkt);
	if (data[0] >> 4 == 6)
		return fm_packet_parse_ipv6(data, caplen, pkt);
	return FM_PACKET_OTHER;
}
