"""Raw netlink for the e2e scripts: attributes, generic netlink requests.

No library on purpose: the scripts check the kernel module with nothing
of flowmesh's own userspace involved.
"""
import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2


def attr(kind, payload):
    """One attribute, padded to 4 bytes."""
    data = struct.pack("HH", 4 + len(payload), kind) + payload
    return data + b"\0" * (-len(data) % 4)


def attrs(data):
    """Yield (type, payload) of a netlink attribute stream."""
    while len(data) >= 4:
        length, kind = struct.unpack_from("HH", data)
        if length < 4:
            return
        yield kind & 0x3FFF, data[4:length]
        data = data[(length + 3) & ~3:]


def genl_request(sock, family, cmd, payload,
                 flags=NLM_F_REQUEST | NLM_F_ACK):
    """Send one generic netlink request; return the first reply."""
    msg = struct.pack("BBH", cmd, 1, 0) + payload
    sock.send(struct.pack("IHHII", 16 + len(msg), family, flags, 1, 0) + msg)
    return sock.recv(65536)


def flowmesh_family(sock):
    """The controller's attribute stream describing the flowmesh family."""
    reply = genl_request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                         attr(CTRL_ATTR_FAMILY_NAME, b"flowmesh\0"),
                         NLM_F_REQUEST)
    return reply[20:]
