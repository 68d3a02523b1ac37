/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who an address belongs to.  Sources are tried in order; the first that
 * knows an address names it.  An address no source knows is named by
 * itself ("10.0.0.7", "fd00::7"), so nothing is ever dropped for want of
 * a name.  The node inventory file is the first source; others (e.g.
 * Kubernetes pods and services) plug in with the same interface.
 */
#ifndef FLOWMESH_LIB_IDENTITY_H
#define FLOWMESH_LIB_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FM_NAME_MAX		64	/* service, workload, namespace; with NUL */
#define FM_LABELS_MAX		256	/* "k=v,k=v", with NUL */

struct fm_identity {
	char service[FM_NAME_MAX];	/* what metrics are grouped by */
	char name[FM_NAME_MAX];		/* workload; "" when unknown */
	char namespace_[FM_NAME_MAX];	/* "" when unknown */
	char labels[FM_LABELS_MAX];	/* "k=v,k=v" sorted by key; "" */
};

struct fm_identity_source {
	const char *kind;		/* "inventory", ... */
	/*
	 * true and @out filled when the source knows @addr (@family
	 * AF_INET or AF_INET6, network order, IPv4 in the first 4 bytes).
	 */
	bool (*lookup)(void *ctx, uint8_t family, const uint8_t *addr,
		       struct fm_identity *out);
	void *ctx;
};

#define FM_IDENTITY_SOURCES_MAX 4

struct fm_identity_map {
	struct fm_identity_source src[FM_IDENTITY_SOURCES_MAX];
	size_t nsrc;
};

/* -ENOSPC when FM_IDENTITY_SOURCES_MAX are there already. */
int fm_identity_add_source(struct fm_identity_map *map,
			   const struct fm_identity_source *src);
/*
 * Names @addr: the first source that knows it, else the address in its
 * usual text form as service (and nothing else).  Returns true when a
 * source knew it.
 */
bool fm_identity_resolve(const struct fm_identity_map *map, uint8_t family,
			 const uint8_t *addr, struct fm_identity *out);

#endif /* FLOWMESH_LIB_IDENTITY_H */
