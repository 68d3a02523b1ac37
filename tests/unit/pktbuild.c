// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "pktbuild.h"

void pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void pkt_put32(uint8_t *p, uint32_t v)
{
	pkt_put16(p, (uint16_t)(v >> 16));
	pkt_put16(p + 2, (uint16_t)v);
}

size_t pkt_tcp(uint8_t *p, uint16_t sport, uint16_t dport, uint32_t seq,
	       uint8_t flags, const char *payload)
{
	size_t len = strlen(payload);

	memset(p, 0, 20);
	pkt_put16(p, sport);
	pkt_put16(p + 2, dport);
	pkt_put32(p + 4, seq);
	p[12] = 5 << 4;
	p[13] = flags;
	memcpy(p + 20, payload, len);
	return 20 + len;
}

size_t pkt_udp(uint8_t *p, uint16_t sport, uint16_t dport, const void *data,
	       size_t len)
{
	pkt_put16(p, sport);
	pkt_put16(p + 2, dport);
	pkt_put16(p + 4, (uint16_t)(8 + len));
	pkt_put16(p + 6, 0);
	memcpy(p + 8, data, len);
	return 8 + len;
}

size_t pkt_ipv4(uint8_t *p, const uint8_t *src, const uint8_t *dst,
		uint8_t proto, size_t l4len, uint16_t frag)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	pkt_put16(p + 2, (uint16_t)(20 + l4len));
	pkt_put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	return 20 + l4len;
}
