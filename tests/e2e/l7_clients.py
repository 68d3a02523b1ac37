#!/usr/bin/env python3
"""Clients and servers of L7 protocols for scenarios; raw bytes, no schemas.

  l7_clients.py grpc-serve ADDR PORT
        unary gRPC methods /demo.Echo/Ok (echoes the request), Slow (the
        same after 50 ms) and Fail (aborts with UNAVAILABLE); prints
        "listening" once bound
  l7_clients.py grpc-call ADDR PORT METHOD...
        call each method of /demo.Echo in turn on one channel; exit 1 when
        Fail succeeds or another method fails
  l7_clients.py memcache ADDR PORT
        set k, get k, then incr k (not a number: CLIENT_ERROR), on one
        connection; exit 1 on any other answer
  l7_clients.py dns ADDR NAME RCODE
        one A query for NAME over UDP; exit 1 unless the answer has rcode
        RCODE (0 NOERROR, 3 NXDOMAIN, 5 REFUSED, ...)
  l7_clients.py smtp ADDR PORT
        send one message with smtplib
"""
import argparse
import concurrent.futures
import random
import smtplib
import socket
import struct
import sys
import time

SLOW_MS = 50


def grpc_serve(addr, port):
    import grpc

    def ok(request, context):
        return request

    def slow(request, context):
        time.sleep(SLOW_MS / 1000)
        return request

    def fail(request, context):
        context.abort(grpc.StatusCode.UNAVAILABLE, "failing on purpose")

    # No (de)serializers: requests and responses are raw bytes.
    handlers = {name: grpc.unary_unary_rpc_method_handler(fn)
                for name, fn in (("Ok", ok), ("Slow", slow), ("Fail", fail))}
    srv = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=4))
    srv.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("demo.Echo", handlers),))
    srv.add_insecure_port(f"{addr}:{port}")
    srv.start()
    print("listening", flush=True)
    srv.wait_for_termination()


def grpc_call(addr, port, methods):
    import grpc

    with grpc.insecure_channel(f"{addr}:{port}") as channel:
        for m in methods:
            call = channel.unary_unary(f"/demo.Echo/{m}")
            try:
                answer = call(b"x", timeout=10)
            except grpc.RpcError as e:
                if m == "Fail" and e.code() == grpc.StatusCode.UNAVAILABLE:
                    continue
                raise SystemExit(f"{m}: {e.code()}")
            if m == "Fail" or answer != b"x":
                raise SystemExit(f"{m}: unexpected answer {answer!r}")


def read_until(sock, end):
    buf = b""
    while not buf.endswith(end):
        chunk = sock.recv(4096)
        if not chunk:
            raise SystemExit(f"connection closed after {buf!r}")
        buf += chunk
    return buf


def memcache(addr, port):
    exchanges = (
        (b"set k 0 0 1\r\nv\r\n", b"\r\n", b"STORED\r\n"),
        (b"get k\r\n", b"END\r\n", b"VALUE k 0 1\r\nv\r\nEND\r\n"),
        (b"incr k 1\r\n", b"\r\n", b"CLIENT_ERROR "),
    )
    with socket.create_connection((addr, port), timeout=10) as s:
        for request, end, want in exchanges:
            s.sendall(request)
            got = read_until(s, end)
            if not got.startswith(want):
                raise SystemExit(f"{request!r}: answer {got!r}")


def dns(addr, name, rcode):
    qid = random.randrange(1 << 16)
    # header: id, RD, one question; then the name, type A, class IN
    query = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        query += bytes([len(label)]) + label.encode()
    query += b"\0" + struct.pack("!HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(10)
        s.sendto(query, (addr, 53))
        answer = s.recv(4096)
    got_id, flags = struct.unpack("!HH", answer[:4])
    if got_id != qid or not flags & 0x8000 or flags & 0xF != rcode:
        raise SystemExit(f"{name}: answer id {got_id} flags {flags:#06x}")


def smtp(addr, port):
    with smtplib.SMTP(addr, port, timeout=10) as s:
        s.sendmail("a@example.test", ["b@example.test"],
                   "Subject: test\r\n\r\nhello\r\n")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("grpc-serve", "grpc-call", "memcache", "smtp"):
        p = sub.add_parser(name)
        p.add_argument("addr")
        p.add_argument("port", type=int)
        if name == "grpc-call":
            p.add_argument("methods", nargs="+",
                           choices=("Ok", "Slow", "Fail"))
    p = sub.add_parser("dns")
    p.add_argument("addr")
    p.add_argument("name")
    p.add_argument("rcode", type=int)
    a = ap.parse_args()
    if a.cmd == "grpc-serve":
        grpc_serve(a.addr, a.port)
    elif a.cmd == "grpc-call":
        grpc_call(a.addr, a.port, a.methods)
    elif a.cmd == "memcache":
        memcache(a.addr, a.port)
    elif a.cmd == "dns":
        dns(a.addr, a.name, a.rcode)
    else:
        smtp(a.addr, a.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
