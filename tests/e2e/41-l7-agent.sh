#!/bin/bash
# flowmeshd consuming the module's NFQUEUE queues in two pods: with
# inspect_one_in = 1 every flow is inspected.  (a) curl to python's
# http.server, a GET (200) and a DELETE (501): the flows are labelled
# "http" in both pods' views and the edge has exactly 2 requests with a
# success rate of 0.5, and `flowmesh tap --requests` streams both requests
# (method, route, status) from each pod's view; (b) TLS with SNI is
# labelled "tls"; (c) a 20 MB transfer survives flowmeshd being killed -9
# in the middle (fail-open, then the queue bypass): the longest stall is
# measured and printed.
. "$(dirname "$0")/lib.sh"

STATE=/var/cache/flowmesh-e2e-l7
SRV=198.18.2.2
BIG_MB=20

trap l7_cleanup EXIT

rm -rf "$STATE" && mkdir -p "$STATE/www"
l7_pods 198.18.2.1 $SRV
echo hello >"$STATE/www/hello.txt"
head -c $((BIG_MB << 20)) /dev/urandom >"$STATE/www/big.bin"

flowmeshd_conf "$STATE" \
	"inventory = none" \
	"http_listen = off" \
	"inspect_one_in = 1"
cli() { flowmesh "$@" --config "$STATE/flowmeshd.conf"; }

module_load
# the checks look at flows after their connections closed
flowmesh config set timeout_tcp_closed=600 >/dev/null
flowmeshd_start "$STATE"
pass "flowmeshd started"

in_pod server python3 -m http.server -b $SRV -d "$STATE/www" 8000 \
	>/dev/null 2>&1 &
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=example.test -days 1 \
	-keyout "$STATE/key.pem" -out "$STATE/cert.pem" 2>/dev/null ||
	fail "no test certificate"
in_pod server openssl s_server -quiet -accept $SRV:8443 -www \
	-cert "$STATE/cert.pem" -key "$STATE/key.pem" >/dev/null 2>&1 &
wait_port server 8000 && wait_port server 8443 || fail "servers did not start"

l7_pods_bound "$STATE" $SRV

# a tap of the requests to port 8000, connected before they are made
flowmesh tap --socket "$STATE/flowmeshd.sock" --requests --port 8000 \
	-o json --count 4 >"$STATE/tap.jsonl" 2>"$STATE/tap.err" &
TAP=$!
tapping() {
	flowmesh status -o json --socket "$STATE/flowmeshd.sock" | python3 -c '
import json, sys
sys.exit(json.load(sys.stdin)["agent"]["tap_clients"] < 1)'
}
wait_for 20 tapping || fail "flowmesh tap did not connect: $(cat "$STATE/tap.err")"

# (a) GET 200, then a method http.server does not implement (501)
in_pod client curl -s -o /dev/null http://$SRV:8000/hello.txt \
	--next -s -o /dev/null -X DELETE http://$SRV:8000/hello.txt ||
	fail "HTTP requests failed"
# (b) TLS with SNI
echo | in_pod client openssl s_client -connect $SRV:8443 \
	-servername example.test >/dev/null 2>&1 || fail "TLS handshake failed"

wait_for 20 flows_labelled "$STATE" 8443 tls ||
	fail "TLS flow not labelled tls: $(cat "$STATE/flows.json")"
pass "TLS flow labelled tls in both pods"
wait_for 20 flows_labelled "$STATE" 8000 http ||
	fail "HTTP flows not labelled http: $(cat "$STATE/flows.json")"
pass "HTTP flows labelled http in both pods"

# each request once from the client pod's view, once from the server's
tap_done() { ! kill -0 "$TAP" 2>/dev/null; }
wait_for 30 tap_done ||
	fail "flowmesh tap got $(wc -l <"$STATE/tap.jsonl") of 4 requests: $(cat "$STATE/tap.jsonl")"
wait "$TAP" || fail "flowmesh tap failed: $(cat "$STATE/tap.err")"
python3 - "$STATE/tap.jsonl" <<-'PY' || fail "tap requests: $(cat "$STATE/tap.jsonl")"
import json, sys
evs = [json.loads(line) for line in open(sys.argv[1])]
ok = all(e["type"] == "request" and e["protocol"] == "http" and
	 e["server_port"] == 8000 and e["route"] == "/hello.txt" and
	 e["latency_us"] > 0 and e["failed"] == (e["status"] == 501) and
	 e["estimated"] is False for e in evs)
seen = sorted((e["method"], e["status"], e["netns"]) for e in evs)
views = {(m, s): len({n for m2, s2, n in seen if (m2, s2) == (m, s)})
	 for m, s, n in seen}
sys.exit(0 if ok and views == {("GET", 200): 2, ("DELETE", 501): 2} else 1)
PY
pass "tap streamed the requests: $(python3 -c 'import json,sys; \
	print(sorted({(e["method"], e["route"], e["status"]) for e in \
	map(json.loads, open(sys.argv[1]))}))' "$STATE/tap.jsonl")"

edge_requests() {
	cli edges -o json --window 10m >"$STATE/edges.json" &&
	python3 - "$STATE/edges.json" <<-'PY'
	import json, sys
	rows = [r for r in json.load(open(sys.argv[1]))
		if (r.get("requests") or 0) > 0]
	# GET 200 and DELETE 501: 2 requests, one failed
	sys.exit(0 if len(rows) == 1 and rows[0]["requests"] == 2 and
		 rows[0]["success_rate"] == 0.5 else 1)
	PY
}
wait_for 30 edge_requests ||
	fail "no requests on the edge: $(cat "$STATE/edges.json")"
pass "requests on the edge: $(python3 -c 'import json,sys; \
	print([(r["requests"], r["success_rate"]) for r in json.load(open(sys.argv[1])) \
	if r.get("requests")])' "$STATE/edges.json")"

# (c) kill -9 in the middle of a transfer: it must complete
in_pod client curl -s --limit-rate 4M -o "$STATE/big.out" \
	http://$SRV:8000/big.bin &
CURL=$!
python3 - "$STATE/big.out" "$DAEMON" >"$STATE/stall" <<-'PY' &
import os, sys, time, signal
path, pid = sys.argv[1], int(sys.argv[2])
total = 20 << 20
killed = last_size = 0
last_change = time.monotonic()
stall = 0.0
while True:
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    now = time.monotonic()
    if size != last_size:
        if killed:
            stall = max(stall, now - last_change)
        last_size, last_change = size, now
    if not killed and size > total // 4:
        os.kill(pid, signal.SIGKILL)
        killed = now
    if size >= total or now - last_change > 30:
        break
    time.sleep(0.005)
print("%.3f" % stall)
PY
WATCH=$!
wait "$CURL" || fail "the transfer failed after flowmeshd was killed"
wait "$WATCH"
wait "$DAEMON" 2>/dev/null || true	# killed -9 by the watcher
DAEMON=
[ "$(stat -c %s "$STATE/big.out")" = $((BIG_MB << 20)) ] ||
	fail "the transfer is short: $(stat -c %s "$STATE/big.out") bytes"
cmp -s "$STATE/big.out" "$STATE/www/big.bin" || fail "the transfer differs"
pass "$BIG_MB MB transfer completed across kill -9; longest stall $(cat "$STATE/stall") s"
