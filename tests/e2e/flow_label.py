#!/usr/bin/env python3
"""Label one flow with FLOWMESH_CMD_SET_LABEL over raw generic netlink.

Usage: flow_label.py NETNS tcp|udp CLIENT CPORT SERVER SPORT PROTO FLAGS
PROTO is a FLOWMESH_L7_* number, FLAGS a FLOWMESH_LABEL_* mask.  Exits 0
on success; otherwise prints the kernel's error and message and exits 1.
"""
import os
import socket
import struct
import sys

from nl import (CTRL_ATTR_FAMILY_ID, NETLINK_GENERIC, NLMSG_ERROR, SOL_NETLINK,
                attr, attrs, flowmesh_family, genl_request)

NLA_F_NESTED = 0x8000
NLMSGERR_ATTR_MSG = 1
NETLINK_EXT_ACK = 11
FLOWMESH_CMD_SET_LABEL = 7
FLOWMESH_A_FLOW, FLOWMESH_A_LABEL_PROTO, FLOWMESH_A_LABEL_FLAGS = 1, 6, 7
(FLOW_A_FAMILY, FLOW_A_PROTO, FLOW_A_NETNS, FLOW_A_CLIENT_ADDR,
 FLOW_A_SERVER_ADDR, FLOW_A_CLIENT_PORT, FLOW_A_SERVER_PORT) = range(2, 9)


def main():
    if len(sys.argv) != 9:
        sys.exit(__doc__)
    netns, proto, client, cport, server, sport, l7, flags = sys.argv[1:]
    fam = socket.AF_INET6 if ":" in client else socket.AF_INET
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    family = dict(attrs(flowmesh_family(sock))).get(CTRL_ATTR_FAMILY_ID)
    if family is None:
        sys.exit("flow_label: no flowmesh family")
    name = (attr(FLOW_A_FAMILY, struct.pack("B", fam)) +
            attr(FLOW_A_PROTO, struct.pack("B", socket.getprotobyname(proto))) +
            attr(FLOW_A_NETNS, struct.pack("I", int(netns))) +
            attr(FLOW_A_CLIENT_ADDR, socket.inet_pton(fam, client)) +
            attr(FLOW_A_SERVER_ADDR, socket.inet_pton(fam, server)) +
            attr(FLOW_A_CLIENT_PORT, struct.pack("H", int(cport))) +
            attr(FLOW_A_SERVER_PORT, struct.pack("H", int(sport))))
    reply = genl_request(
        sock, struct.unpack("H", family[:2])[0], FLOWMESH_CMD_SET_LABEL,
        attr(FLOWMESH_A_FLOW | NLA_F_NESTED, name) +
        attr(FLOWMESH_A_LABEL_PROTO, struct.pack("B", int(l7))) +
        attr(FLOWMESH_A_LABEL_FLAGS, struct.pack("I", int(flags))))
    if struct.unpack_from("H", reply, 4)[0] != NLMSG_ERROR:
        sys.exit("flow_label: no acknowledgement")
    err = struct.unpack_from("i", reply, 16)[0]
    if not err:
        return 0
    # the echoed request follows the error code; the extended ACK follows it
    echoed = struct.unpack_from("I", reply, 20)[0]
    ext = dict(attrs(reply[20 + ((echoed + 3) & ~3):]))
    text = ext.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
    print(f"flow_label: {os.strerror(-err)}: {text}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
