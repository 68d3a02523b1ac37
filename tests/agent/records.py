#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes a stream of struct flowmesh_record (uapi/linux/flowmesh.h) the
way the kernel's rings would hand them out, for flowmeshd --source FILE.

  records.py [--flows N] [--start UNIX_S] [--span S] [--seed K]
             [--first-id ID] [--clients C] [--servers S] OUT|-

Flows go from 10.0.1.<c> to 10.0.2.<s>:80 over TCP; each has an OPEN, an
RTT and a RESPONSE sample per second of its life, an UPDATE every 10 s and
a CLOSE, with cumulative counters as the kernel keeps them.  Records are
in time order.  The totals the agent must end up with are printed to
stderr as JSON: per (client, server) address pair, opened, closed,
tx/rx bytes and packets, exchanges, rtt and response sample counts.
"""
import argparse
import json
import random
import socket
import struct
import sys
import time

FMT = "<8Q16s16sI2H4B11I2I"
assert struct.calcsize(FMT) == 160

OPEN, UPDATE, CLOSE, RTT, RESPONSE = 1, 2, 3, 4, 5
AF_INET, TCP = 2, 6
ESTABLISHED, CLOSED = 1, 3


def addr(text):
    return socket.inet_pton(socket.AF_INET, text) + bytes(12)


class Flow:
    def __init__(self, fid, client, server, cport, t0, life, rng):
        self.fid, self.client, self.server = fid, client, server
        self.cport, self.t0, self.life = cport, t0, life
        self.rng = rng
        self.tx_b = self.tx_p = self.rx_b = self.rx_p = 0
        self.rtt = []
        self.resp = []

    def rec(self, kind, t_ns, value=0, state=ESTABLISHED):
        rtt = self.rtt
        resp = self.resp
        return struct.pack(
            FMT, self.fid, t_ns, self.tx_b, self.tx_p, self.rx_b,
            self.rx_p, sum(rtt), sum(resp), addr(self.client),
            addr(self.server), 4026531840, self.cport, 80, kind, AF_INET,
            TCP, state, value, len(rtt), min(rtt, default=0),
            max(rtt, default=0), 150, 120, len(resp), max(resp, default=0),
            0, 0, 0, 0, 0)

    def events(self):
        """(time_ns, bytes) of every record of this flow."""
        ns = 10**9
        t = self.t0 * ns
        yield t, self.rec(OPEN, t)
        for sec in range(self.life):
            t = (self.t0 + sec) * ns + 500_000_000
            self.tx_b += 200
            self.tx_p += 2
            self.rx_b += 1200
            self.rx_p += 3
            r = self.rng.randint(100, 5000)
            self.rtt.append(r)
            yield t, self.rec(RTT, t, r)
            s = self.rng.randint(1000, 200000)
            self.resp.append(s)
            yield t + 1, self.rec(RESPONSE, t + 1, s)
            if sec % 10 == 9:
                yield t + 2, self.rec(UPDATE, t + 2)
        t = (self.t0 + self.life) * ns
        yield t, self.rec(CLOSE, t, state=CLOSED)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--flows", type=int, default=100)
    # two hours back, on the hour: recent enough for any retention, and
    # whole minutes and hours to roll up
    ap.add_argument("--start", type=int,
                    default=(int(time.time()) // 3600 - 2) * 3600)
    ap.add_argument("--span", type=int, default=120,
                    help="flows open within this many seconds")
    ap.add_argument("--life", type=int, default=30, help="max flow life, s")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--first-id", type=int, default=1)
    ap.add_argument("--clients", type=int, default=3)
    ap.add_argument("--servers", type=int, default=2)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    flows = []
    for i in range(a.flows):
        c = rng.randrange(a.clients) + 1
        s = rng.randrange(a.servers) + 1
        flows.append(Flow(a.first_id + i, f"10.0.1.{c}", f"10.0.2.{s}",
                          10000 + i % 50000, a.start + rng.randrange(a.span),
                          rng.randint(1, a.life), rng))
    events = []
    for f in flows:
        events.extend(f.events())
    events.sort(key=lambda e: e[0])
    out = sys.stdout.buffer if a.out == "-" else open(a.out, "wb")
    for _, b in events:
        out.write(b)
    out.flush()
    totals = {}
    for f in flows:
        k = f"{f.client}->{f.server}"
        t = totals.setdefault(k, dict(opened=0, closed=0, tx_bytes=0,
                                      rx_bytes=0, tx_packets=0,
                                      rx_packets=0, exchanges=0, rtt=0,
                                      response=0))
        t["opened"] += 1
        t["closed"] += 1
        t["tx_bytes"] += f.tx_b
        t["rx_bytes"] += f.rx_b
        t["tx_packets"] += f.tx_p
        t["rx_packets"] += f.rx_p
        t["exchanges"] += len(f.resp)
        t["rtt"] += len(f.rtt)
        t["response"] += len(f.resp)
    json.dump(dict(records=len(events), edges=totals), sys.stderr, indent=1)
    sys.stderr.write("\n")


if __name__ == "__main__":
    main()
