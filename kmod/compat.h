/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel API differences between the kernels flowmesh supports,
 * each keyed by a FLOWMESH_HAVE_* probe of the target's headers (Kbuild).
 */
#ifndef _FLOWMESH_COMPAT_H
#define _FLOWMESH_COMPAT_H

#include <net/genetlink.h>

static inline struct nlattr **flowmesh_dump_attrs(struct netlink_callback *cb)
{
#ifdef FLOWMESH_HAVE_DUMPIT_GENL_INFO
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif
