// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include "lib/addr.h"
#include "lib/identity.h"

int fm_identity_add_source(struct fm_identity_map *map,
			   const struct fm_identity_source *src)
{
	if (map->nsrc == FM_IDENTITY_SOURCES_MAX)
		return -ENOSPC;
	map->src[map->nsrc++] = *src;
	return 0;
}

bool fm_identity_resolve(const struct fm_identity_map *map, uint8_t family,
			 const uint8_t *addr, struct fm_identity *out)
{
	size_t i;

	for (i = 0; i < map->nsrc; i++) {
		const struct fm_identity_source *s = &map->src[i];

		memset(out, 0, sizeof(*out));
		if (s->lookup(s->ctx, family, addr, out))
			return true;
	}
	memset(out, 0, sizeof(*out));
	/* an address text always fits: FM_ADDR_STRLEN < FM_NAME_MAX */
	if (fm_addr_str(family, addr, out->service, sizeof(out->service)) < 0)
		strcpy(out->service, "unknown");
	return false;
}
