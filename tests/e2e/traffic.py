#!/usr/bin/env python3
"""Small traffic generators for scenarios: known sizes, bounded runs.

  traffic.py tcp-server ADDR PORT        accept one connection, read to EOF,
                                         reply "got N", close
  traffic.py tcp-client ADDR PORT BYTES  send BYTES, half-close, read reply
  traffic.py udp-echo ADDR PORT COUNT    echo COUNT datagrams, then exit
  traffic.py udp-client ADDR PORT SIZE...  send each SIZE, await each echo
Every run ends by itself within --timeout seconds (default 30).
"""
import socket
import sys

TIMEOUT = 30.0


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def tcp_server(addr, port):
    with socket.socket(family(addr), socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(TIMEOUT)
        s.bind((addr, int(port)))
        s.listen(1)
        print("listening", flush=True)
        conn, _ = s.accept()
        with conn:
            conn.settimeout(TIMEOUT)
            got = 0
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                got += len(chunk)
            conn.sendall(f"got {got}\n".encode())


def tcp_client(addr, port, nbytes):
    nbytes = int(nbytes)
    with socket.create_connection((addr, int(port)), timeout=TIMEOUT) as c:
        block = b"x" * 65536
        left = nbytes
        while left:
            n = min(left, len(block))
            c.sendall(block[:n])
            left -= n
        c.shutdown(socket.SHUT_WR)
        reply = b""
        while True:
            chunk = c.recv(4096)
            if not chunk:
                break
            reply += chunk
    if reply.decode().strip() != f"got {nbytes}":
        sys.exit(f"tcp-client: server said {reply!r}, sent {nbytes}")


def udp_echo(addr, port, count):
    with socket.socket(family(addr), socket.SOCK_DGRAM) as s:
        s.settimeout(TIMEOUT)
        s.bind((addr, int(port)))
        print("listening", flush=True)
        for _ in range(int(count)):
            data, peer = s.recvfrom(65536)
            s.sendto(data, peer)


def udp_client(addr, port, *sizes):
    with socket.socket(family(addr), socket.SOCK_DGRAM) as s:
        s.settimeout(TIMEOUT)
        s.connect((addr, int(port)))
        for size in sizes:
            s.send(b"u" * int(size))
            if len(s.recv(65536)) != int(size):
                sys.exit("udp-client: short echo")


MODES = {"tcp-server": tcp_server, "tcp-client": tcp_client,
         "udp-echo": udp_echo, "udp-client": udp_client}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in MODES:
        sys.exit(__doc__)
    MODES[sys.argv[1]](*sys.argv[2:])
