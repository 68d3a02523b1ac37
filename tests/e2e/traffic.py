#!/usr/bin/env python3
"""Small traffic generators for scenarios: known sizes, bounded runs.

  traffic.py tcp-server ADDR PORT        accept one connection, read to EOF,
                                         reply "got N", close
  traffic.py tcp-client ADDR PORT BYTES  send BYTES, half-close, read reply
  traffic.py udp-echo ADDR PORT COUNT    echo COUNT datagrams, then exit
  traffic.py udp-client ADDR PORT SIZE...  send each SIZE, await each echo
  traffic.py tcp-hold ADDR PORT BYTES SECS  send BYTES, wait SECS,
                                         half-close, read to EOF
  traffic.py rr-server tcp|udp ADDR PORT DELAY_MS COUNT
                                         answer COUNT requests, each after
                                         DELAY_MS (tcp: one connection)
  traffic.py rr-client tcp|udp ADDR PORT COUNT  COUNT requests, one at a time
  traffic.py udp-flood ADDR FIRST_PORT FLOWS  FLOWS datagrams, each its own
                                         flow
No socket waits more than 30 s, so every run ends by itself.
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


def tcp_hold(addr, port, nbytes, secs):
    import time
    with socket.create_connection((addr, int(port)), timeout=TIMEOUT) as c:
        c.sendall(b"h" * int(nbytes))
        print("sent", flush=True)
        time.sleep(float(secs))
        c.shutdown(socket.SHUT_WR)
        while c.recv(4096):
            pass


REQUEST = b"request\n"
ANSWER = b"answer\n"


def rr_server(kind, addr, port, delay_ms, count):
    import time
    delay = int(delay_ms) / 1000.0
    if kind == "udp":
        with socket.socket(family(addr), socket.SOCK_DGRAM) as s:
            s.settimeout(TIMEOUT)
            s.bind((addr, int(port)))
            print("listening", flush=True)
            for _ in range(int(count)):
                _, peer = s.recvfrom(4096)
                time.sleep(delay)
                s.sendto(ANSWER, peer)
        return
    with socket.socket(family(addr), socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(TIMEOUT)
        s.bind((addr, int(port)))
        s.listen(1)
        print("listening", flush=True)
        conn, _ = s.accept()
        with conn, conn.makefile("rb") as r:
            for _ in range(int(count)):
                if r.readline() != REQUEST:
                    sys.exit("rr-server: bad request")
                time.sleep(delay)
                conn.sendall(ANSWER)


def rr_client(kind, addr, port, count):
    if kind == "udp":
        with socket.socket(family(addr), socket.SOCK_DGRAM) as s:
            s.settimeout(TIMEOUT)
            s.connect((addr, int(port)))
            for _ in range(int(count)):
                s.send(REQUEST)
                if s.recv(4096) != ANSWER:
                    sys.exit("rr-client: bad answer")
        return
    with socket.create_connection((addr, int(port)), timeout=TIMEOUT) as c:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with c.makefile("rb") as r:
            for _ in range(int(count)):
                c.sendall(REQUEST)
                if r.readline() != ANSWER:
                    sys.exit("rr-client: bad answer")


def udp_flood(addr, first_port, flows):
    """FLOWS datagrams, each its own flow: 250 source sockets x ports."""
    flows, first = int(flows), int(first_port)
    socks = []
    try:
        for _ in range(min(250, flows)):
            s = socket.socket(family(addr), socket.SOCK_DGRAM)
            s.bind(("", 0))
            socks.append(s)
        sent = 0
        for i in range(flows):
            sock = socks[i % len(socks)]
            sock.sendto(b"f", (addr, first + i // len(socks)))
            sent += 1
        print(f"sent {sent}", flush=True)
    finally:
        for s in socks:
            s.close()


MODES = {"tcp-server": tcp_server, "tcp-client": tcp_client,
         "udp-echo": udp_echo, "udp-client": udp_client,
         "tcp-hold": tcp_hold, "rr-server": rr_server,
         "rr-client": rr_client, "udp-flood": udp_flood}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in MODES:
        sys.exit(__doc__)
    MODES[sys.argv[1]](*sys.argv[2:])
