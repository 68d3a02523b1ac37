/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FLOWMESH_H
#define _FLOWMESH_H

#include <linux/flowmesh.h>
#include "flow_table.h"

/* FLOWMESH_VERSION comes from dkms.conf through Kbuild. */

/* The one table of this module instance. */
extern struct flowmesh_table flowmesh_flows;

int flowmesh_hooks_init(void);
void flowmesh_hooks_exit(void);
int flowmesh_netlink_init(void);
void flowmesh_netlink_exit(void);

#endif
