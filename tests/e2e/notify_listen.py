#!/usr/bin/env python3
"""Wait for one FLOWMESH_CMD_DATA_READY notification.

Joins the flowmesh family's "events" multicast group with a raw generic
netlink socket (nothing of flowmesh's own userspace involved), prints
"joined", then exits 0 on the first DATA_READY message, or 1 after
--timeout seconds.  Usage: notify_listen.py [TIMEOUT]
"""
import select
import socket
import struct
import sys

from nl import (CTRL_ATTR_FAMILY_ID, NETLINK_GENERIC, SOL_NETLINK, attrs,
                flowmesh_family)

NETLINK_ADD_MEMBERSHIP = 1
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
FLOWMESH_CMD_DATA_READY = 6


def family_info(sock):
    family, group = None, None
    for kind, val in attrs(flowmesh_family(sock)):
        if kind == CTRL_ATTR_FAMILY_ID:
            family = struct.unpack("H", val[:2])[0]
        elif kind == CTRL_ATTR_MCAST_GROUPS:
            for _, grp in attrs(val):
                info = dict(attrs(grp))
                if info.get(CTRL_ATTR_MCAST_GRP_NAME, b"").rstrip(b"\0") == b"events":
                    group = struct.unpack("I", info[CTRL_ATTR_MCAST_GRP_ID][:4])[0]
    return family, group


def main():
    timeout = float(sys.argv[1]) if len(sys.argv) > 1 else 30
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    family, group = family_info(sock)
    if family is None or group is None:
        sys.exit("notify_listen: no flowmesh family or events group")
    sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)
    print("joined", flush=True)
    while select.select([sock], [], [], timeout)[0]:
        data = sock.recv(65536)
        kind, cmd = struct.unpack_from("H", data, 4)[0], data[16]
        if kind == family and cmd == FLOWMESH_CMD_DATA_READY:
            print("data ready")
            return 0
    print("notify_listen: no notification", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
