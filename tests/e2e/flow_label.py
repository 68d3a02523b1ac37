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

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLA_F_NESTED = 0x8000
NLMSG_ERROR = 2
NLMSGERR_ATTR_MSG = 1
NETLINK_EXT_ACK = 11
SOL_NETLINK = 270
FLOWMESH_CMD_SET_LABEL = 7
FLOWMESH_A_FLOW, FLOWMESH_A_LABEL_PROTO, FLOWMESH_A_LABEL_FLAGS = 1, 6, 7
(FLOW_A_FAMILY, FLOW_A_PROTO, FLOW_A_NETNS, FLOW_A_CLIENT_ADDR,
 FLOW_A_SERVER_ADDR, FLOW_A_CLIENT_PORT, FLOW_A_SERVER_PORT) = range(2, 9)


def attr(kind, payload):
    data = struct.pack("HH", 4 + len(payload), kind) + payload
    return data + b"\0" * (-len(data) % 4)


def attrs(data):
    while len(data) >= 4:
        length, kind = struct.unpack_from("HH", data)
        if length < 4:
            return
        yield kind & 0x3FFF, data[4:length]
        data = data[(length + 3) & ~3:]


def request(sock, family, cmd, payload, flags=NLM_F_REQUEST | NLM_F_ACK):
    msg = struct.pack("BBH", cmd, 1, 0) + payload
    sock.send(struct.pack("IHHII", 16 + len(msg), family, flags, 1, 0) + msg)
    return sock.recv(65536)


def main():
    if len(sys.argv) != 9:
        sys.exit(__doc__)
    netns, proto, client, cport, server, sport, l7, flags = sys.argv[1:]
    fam = socket.AF_INET6 if ":" in client else socket.AF_INET
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    reply = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                    attr(CTRL_ATTR_FAMILY_NAME, b"flowmesh\0"), NLM_F_REQUEST)
    family = dict(attrs(reply[20:])).get(CTRL_ATTR_FAMILY_ID)
    if family is None:
        sys.exit("flow_label: no flowmesh family")
    name = (attr(FLOW_A_FAMILY, struct.pack("B", fam)) +
            attr(FLOW_A_PROTO, struct.pack("B", socket.getprotobyname(proto))) +
            attr(FLOW_A_NETNS, struct.pack("I", int(netns))) +
            attr(FLOW_A_CLIENT_ADDR, socket.inet_pton(fam, client)) +
            attr(FLOW_A_SERVER_ADDR, socket.inet_pton(fam, server)) +
            attr(FLOW_A_CLIENT_PORT, struct.pack("H", int(cport))) +
            attr(FLOW_A_SERVER_PORT, struct.pack("H", int(sport))))
    reply = request(sock, struct.unpack("H", family[:2])[0],
                    FLOWMESH_CMD_SET_LABEL,
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
