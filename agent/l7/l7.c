// SPDX-License-Identifier: GPL-2.0
/*
 * Protocol names and the registry of detectors, in the order a new flow's
 * bytes are offered to them.
 */
#include <string.h>

#include "l7/l7.h"

static const char *const fm_l7_names[FM_L7_PROTO_COUNT] = {
	[FM_L7_UNKNOWN] = "unknown",
	[FM_L7_HTTP] = "http",
	[FM_L7_HTTP2] = "http2",
	[FM_L7_GRPC] = "grpc",
	[FM_L7_TLS] = "tls",
	[FM_L7_DNS] = "dns",
	[FM_L7_MYSQL] = "mysql",
	[FM_L7_POSTGRESQL] = "postgresql",
	[FM_L7_REDIS] = "redis",
	[FM_L7_MEMCACHE] = "memcache",
	[FM_L7_SMTP] = "smtp",
};

const char *fm_l7_proto_name(unsigned int proto)
{
	return proto < FM_L7_PROTO_COUNT ? fm_l7_names[proto] : "unknown";
}

enum fm_l7_proto fm_l7_proto_by_name(const char *name)
{
	unsigned int i;

	for (i = 1; name && i < FM_L7_PROTO_COUNT; i++)
		if (!strcmp(name, fm_l7_names[i]))
			return (enum fm_l7_proto)i;
	return FM_L7_UNKNOWN;
}

/*
 * The order only matters when two detectors would claim the same bytes:
 * the strictest come first.  TLS records and the HTTP/2 preface are fixed
 * byte strings, and the preface is also a well-formed HTTP/1 request
 * line, so http2 goes before http1.  MySQL's greeting and PostgreSQL's
 * startup message carry fixed version numbers, a DNS header only small
 * counts.  SMTP's numbered greeting leads the text protocols.
 */
const struct fm_l7_detector *const fm_l7_detectors[] = {
	&fm_l7_tls,
	&fm_l7_http2,
	&fm_l7_http1,
	&fm_l7_mysql,
	&fm_l7_postgresql,
	&fm_l7_dns,
	&fm_l7_smtp,
	&fm_l7_memcache,
	&fm_l7_redis,
};

const size_t fm_l7_ndetectors =
	sizeof(fm_l7_detectors) / sizeof(fm_l7_detectors[0]);
