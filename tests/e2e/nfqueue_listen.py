#!/usr/bin/env python3
"""Read flowmesh's NFQUEUE queues and accept every packet, logging each.

Speaks nfnetlink_queue over a raw NETLINK_NETFILTER socket (no library):
binds the four queues QUEUE .. QUEUE+3 (the module's queue_num: detection
to server and to client, inspection to server and to client) in the
caller's network namespace (queues are per namespace), copy-packet mode,
NFQA_CFG_F_FAIL_OPEN (a full queue or socket lets packets through instead
of dropping them).  Writes its pid to PIDFILE, prints "bound", then for
every packet issues an NF_ACCEPT verdict after DELAY_MS and prints one
line:  PROTO SRC:SPORT DST:DPORT PAYLOAD_BYTES qOFFSET
Usage: nfqueue_listen.py QUEUE PIDFILE [DELAY_MS]
"""
import errno
import os
import socket
import struct
import sys
import time

from nl import NLM_F_ACK, NLM_F_REQUEST, NLMSG_ERROR, attr, attrs

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_PACKET_HDR, NFQA_VERDICT_HDR, NFQA_PAYLOAD = 1, 2, 10
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_MASK, NFQA_CFG_FLAGS = 1, 2, 4, 5
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_PACKET = 2
NFQA_CFG_F_FAIL_OPEN = 1
NF_ACCEPT = 1
QUEUES = 4	# FLOWMESH_QUEUES


def send(sock, msg_type, queue, payload, flags=NLM_F_REQUEST):
    body = struct.pack("!BBH", socket.AF_UNSPEC, 0, queue) + payload
    sock.send(struct.pack("IHHII", 16 + len(body),
                          NFNL_SUBSYS_QUEUE << 8 | msg_type, flags, 0, 0) +
              body)


def config(sock, queue, payload):
    """One config request; exits on a negative acknowledgement."""
    send(sock, NFQNL_MSG_CONFIG, queue, payload, NLM_F_REQUEST | NLM_F_ACK)
    reply = sock.recv(65536)
    if struct.unpack_from("H", reply, 4)[0] == NLMSG_ERROR:
        err = struct.unpack_from("i", reply, 16)[0]
        if err:
            sys.exit(f"nfqueue_listen: config: {os.strerror(-err)}")


def describe(packet):
    version = packet[0] >> 4
    if version == 4:
        hlen = (packet[0] & 15) * 4
        total, proto = struct.unpack_from("!H", packet, 2)[0], packet[9]
        src = socket.inet_ntop(socket.AF_INET, packet[12:16])
        dst = socket.inet_ntop(socket.AF_INET, packet[16:20])
    else:
        hlen, proto = 40, packet[6]
        total = 40 + struct.unpack_from("!H", packet, 4)[0]
        src = socket.inet_ntop(socket.AF_INET6, packet[8:24])
        dst = socket.inet_ntop(socket.AF_INET6, packet[24:40])
    sport, dport = struct.unpack_from("!HH", packet, hlen)
    if proto == socket.IPPROTO_TCP:
        name, payload = "tcp", total - hlen - (packet[hlen + 12] >> 4) * 4
    else:
        name, payload = "udp", total - hlen - 8
    return f"{name} {src}:{sport} {dst}:{dport} {payload}"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    queue, pidfile = int(sys.argv[1]), sys.argv[2]
    delay = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                         NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    for q in range(queue, queue + QUEUES):
        config(sock, q, attr(NFQA_CFG_CMD, struct.pack(
            "!BxH", NFQNL_CFG_CMD_BIND, socket.AF_INET)))
        config(sock, q, attr(NFQA_CFG_PARAMS, struct.pack(
            "!IB", 0xFFFF, NFQNL_COPY_PACKET)))
        config(sock, q,
               attr(NFQA_CFG_MASK, struct.pack("!I", NFQA_CFG_F_FAIL_OPEN)) +
               attr(NFQA_CFG_FLAGS, struct.pack("!I", NFQA_CFG_F_FAIL_OPEN)))
    with open(pidfile, "w") as f:
        f.write(f"{os.getpid()}\n")
    print("bound", flush=True)
    while True:
        try:
            data = sock.recv(1 << 17)
        except OSError as e:
            if e.errno == errno.ENOBUFS:	# fail-open let those through
                continue
            raise
        while len(data) >= 16:
            length, kind = struct.unpack_from("IH", data)
            msg, data = data[:length], data[(length + 3) & ~3:]
            if kind != NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_PACKET:
                continue
            found = dict(attrs(msg[20:]))
            packet_id = struct.unpack_from("!I", found[NFQA_PACKET_HDR])[0]
            res_id = struct.unpack_from("!H", msg, 18)[0]
            print(describe(found[NFQA_PAYLOAD]), f"q{res_id - queue}",
                  flush=True)
            if delay:
                time.sleep(delay)
            send(sock, NFQNL_MSG_VERDICT, res_id, attr(
                NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, packet_id)))


if __name__ == "__main__":
    main()
