/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The node inventory: which addresses belong to which workload.  One
 * entry per line (see docs/agent.md):
 *
 *   # comment
 *   ADDRESS[/PREFIX]  SERVICE  [name=NAME] [namespace=NS] [KEY=VALUE ...]
 *
 * The most specific prefix wins.  A file with any bad line is refused as
 * a whole, with every bad line reported as "FILE:LINE: reason", so a
 * reload never half-applies (the daemon keeps the previous inventory).
 */
#ifndef FLOWMESH_LIB_INVENTORY_H
#define FLOWMESH_LIB_INVENTORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/identity.h"

struct fm_inventory_entry {
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t prefix;			/* bits */
	uint8_t addr[16];		/* network order, host bits zero */
	struct fm_identity id;
};

struct fm_inventory {
	struct fm_inventory_entry *v;	/* most specific prefix first */
	size_t len;
	size_t cap;
};

#define FM_INVENTORY_MAX_ENTRIES 65536
#define FM_INVENTORY_LINE_MAX	 1024

/*
 * Parses @in into @out (replaced only on success).  Each bad line is
 * written to @errs (may be NULL) as "@name:LINE: reason\n".  Returns 0,
 * -EINVAL when any line was bad, -ENOMEM.
 */
int fm_inventory_parse(FILE *in, const char *name, struct fm_inventory *out,
		       FILE *errs);
/* fm_inventory_parse() of the file at @path; -errno when it can't be read. */
int fm_inventory_load(const char *path, struct fm_inventory *out, FILE *errs);
void fm_inventory_free(struct fm_inventory *inv);
/* An fm_identity_source over @inv (which must outlive it). */
void fm_inventory_source(struct fm_inventory *inv,
			 struct fm_identity_source *src);

#endif /* FLOWMESH_LIB_INVENTORY_H */
