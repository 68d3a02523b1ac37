/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict attribute parsing shared by every reply parser: an attribute
 * stream must fill its container exactly, known attributes must have their
 * exact size, unknown ones are skipped.
 */
#ifndef FLOWMESH_LIB_ATTR_H
#define FLOWMESH_LIB_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/flowmesh.h>

int fm_attr_parse_payload(const void *payload, size_t len, mnl_attr_cb_t cb,
			  void *data);
int fm_attr_parse_nested(const struct nlattr *nest, mnl_attr_cb_t cb,
			 void *data);

/* Checks the generic netlink header for @cmd and parses what follows it. */
int fm_genl_parse(const struct nlmsghdr *nlh, uint8_t cmd, mnl_attr_cb_t cb,
		  void *data);

/* Top-level flowmesh attributes into tb[FLOWMESH_A_MAX + 1]. */
int fm_parse_flowmesh_attr_cb(const struct nlattr *attr, void *data);

/* A scalar: exactly @len bytes of payload and not marked as a nest. */
bool fm_attr_scalar_ok(const struct nlattr *attr, size_t len);

#endif /* FLOWMESH_LIB_ATTR_H */
