#!/usr/bin/env python3
"""Compare one flow from `flowmesh flows -o json` with conntrack's entry.

Reads the CLI's JSON from FLOWS_JSON and `conntrack -L -o extended` output
from CONNTRACK_TXT (both taken in the same namespace), finds the flow by
protocol, family, endpoints and server port, and checks that endpoints,
direction and tx/rx bytes and packets equal conntrack's original/reply
accounting exactly.  Prints PASS:/FAIL: lines; exit status 1 on mismatch.
"""
import argparse
import ipaddress
import json
import sys


def conntrack_entries(text, proto):
    """Yield (orig, reply) dicts of src/dst/sport/dport/packets/bytes."""
    for line in text.splitlines():
        words = line.split()
        if proto not in words:
            continue
        sides, cur = [], None
        for w in words:
            if "=" not in w:
                continue
            k, v = w.split("=", 1)
            if k == "src":
                cur = {}
                sides.append(cur)
            if cur is not None and k in ("src", "dst", "sport", "dport",
                                         "packets", "bytes"):
                cur[k] = v
        if len(sides) >= 2 and "bytes" in sides[0] and "bytes" in sides[1]:
            yield sides[0], sides[1]


def same_addr(a, b):
    return ipaddress.ip_address(a) == ipaddress.ip_address(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("flows_json")
    ap.add_argument("conntrack_txt")
    ap.add_argument("--netns", type=int, required=True)
    ap.add_argument("--proto", required=True, choices=["tcp", "udp"])
    ap.add_argument("--client", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--min-tx-bytes", type=int, default=0)
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    label = a.label or f"{a.proto} {a.client}->{a.server}:{a.port}"

    flows = json.load(open(a.flows_json))
    mine = [f for f in flows
            if f["netns"] == a.netns and f["proto"] == a.proto
            and f["server_port"] == a.port
            and (same_addr(f["client"], a.client) and same_addr(f["server"], a.server)
                 or same_addr(f["client"], a.server) and same_addr(f["server"], a.client))]
    if len(mine) != 1:
        print(f"FAIL: {label}: expected exactly one flow, found {len(mine)}")
        print(json.dumps([f for f in flows if f["netns"] == a.netns], indent=1))
        return 1
    f = mine[0]
    ok = True
    if not (same_addr(f["client"], a.client) and same_addr(f["server"], a.server)):
        print(f"FAIL: {label}: direction reversed: client={f['client']} server={f['server']}")
        ok = False
    fam = ipaddress.ip_address(a.client).version
    if f["family"] != fam:
        print(f"FAIL: {label}: family {f['family']} != {fam}")
        ok = False

    cts = [(o, r) for o, r in conntrack_entries(open(a.conntrack_txt).read(), a.proto)
           if same_addr(o["src"], a.client) and same_addr(o["dst"], a.server)
           and int(o["dport"]) == a.port and int(o["sport"]) == f["client_port"]]
    if len(cts) != 1:
        print(f"FAIL: {label}: expected one conntrack entry, found {len(cts)}")
        print(open(a.conntrack_txt).read())
        return 1
    orig, reply = cts[0]
    want = {"tx_bytes": int(orig["bytes"]), "tx_packets": int(orig["packets"]),
            "rx_bytes": int(reply["bytes"]), "rx_packets": int(reply["packets"])}
    got = {k: f[k] for k in want}
    if got != want:
        print(f"FAIL: {label}: flowmesh {got} != conntrack {want}")
        ok = False
    if f["tx_bytes"] < a.min_tx_bytes:
        print(f"FAIL: {label}: tx_bytes {f['tx_bytes']} < payload {a.min_tx_bytes}")
        ok = False
    if not f["first_seen"] <= f["last_seen"]:
        print(f"FAIL: {label}: first_seen {f['first_seen']} > last_seen {f['last_seen']}")
        ok = False
    if ok:
        print(f"PASS: {label}: {got} equals conntrack")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
