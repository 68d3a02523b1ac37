#!/usr/bin/env python3
"""Three-tier HTTP services for scenarios: each request is a new connection.

  services.py serve ADDR PORT [--upstream URL] [--sleep-ms N]
        answer GET with 200 (after calling URL once, if given, and after
        sleeping N ms); prints "listening" once bound
  services.py load URL COUNT
        COUNT GET requests, one connection each; exit 1 on any failure
"""
import argparse
import http.client
import http.server
import sys
import time
import urllib.parse


def get(url, timeout=30):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.request("GET", u.path or "/", headers={"Connection": "close"})
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{url}: HTTP {resp.status}")
        return body
    finally:
        conn.close()


def serve(addr, port, upstream, sleep_ms):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self):
            body = b"ok\n"
            if upstream:
                body += get(upstream)
            time.sleep(sleep_ms / 1000)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer((addr, port), Handler)
    print("listening", flush=True)
    srv.serve_forever()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("addr")
    s.add_argument("port", type=int)
    s.add_argument("--upstream")
    s.add_argument("--sleep-ms", type=int, default=0)
    ld = sub.add_parser("load")
    ld.add_argument("url")
    ld.add_argument("count", type=int)
    a = ap.parse_args()
    if a.cmd == "serve":
        serve(a.addr, a.port, a.upstream, a.sleep_ms)
    else:
        for _ in range(a.count):
            get(a.url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
