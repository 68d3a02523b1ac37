#!/bin/bash
# Service response time against a server that waits a known time before
# each answer: 10 requests on one TCP connection and 10 over UDP, the
# server sleeping 50 ms each time.  Each flow must count 10 exchanges, none
# shorter than the sleep, with the median sample within max(1 ms, 10 %) of
# 50 ms plus the network RTT (near zero here; medians, because an emulated
# guest stalls now and then), and the UDP flow must be established.
. "$(dirname "$0")/lib.sh"

cleanup() { pods_del; module_unload; }
trap cleanup EXIT

SLEEP_MS=50
COUNT=10

pod_add a b
pod_veth a eth0 b eth0
pod_addr a eth0 198.18.0.1/24
pod_addr b eth0 198.18.0.2/24
module_load
flowmesh config set timeout_tcp_closed=600 timeout_udp=600 >/dev/null

flowmesh events >/dev/null	# start the sample log empty
for kind in tcp udp; do
	in_pod b "$TRAFFIC" rr-server $kind 198.18.0.2 8000 $SLEEP_MS $COUNT >/dev/null &
	wait_port b 8000 $kind || fail "$kind server did not start"
	in_pod a "$TRAFFIC" rr-client $kind 198.18.0.2 8000 $COUNT ||
		fail "$kind requests"
	wait
done
flowmesh events -o json >/tmp/events.json

# response_ok POD PROTO
response_ok() {
	flowmesh flows -o json --netns "$(netns_inum "$1")" --proto "$2" --port 8000 >/tmp/flows.json
	python3 - "$1" "$2" "$SLEEP_MS" "$COUNT" <<'PY'
import json, statistics, sys
pod, proto, sleep_ms, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
flows = json.load(open("/tmp/flows.json"))
assert len(flows) == 1, flows
f = flows[0]
r = f["response_us"]
samples = [e["value_us"] for e in map(json.loads, open("/tmp/events.json"))
           if e["type"] == "response" and e["flow_id"] == f["id"]]
want = sleep_ms * 1000
tol = max(1000, want // 10)
median = statistics.median(samples) if samples else None
print(f"{pod} {proto}: state {f['state']}, {r['count']} exchanges, "
      f"median {median} us, avg {r['avg']} us, min {r['min']} us, "
      f"max {r['max']} us (want {count} x {want} +- {tol})")
ok = (r["count"] == count and len(samples) == count and
      abs(median - want) <= tol and r["min"] >= want - tol)
if proto == "udp":
    ok &= f["state"] == "established"
sys.exit(0 if ok else 1)
PY
}

for pod in a b; do
	check "$pod: TCP response time is the server's delay" response_ok $pod tcp
	check "$pod: UDP request/reply time is the server's delay" response_ok $pod udp
done
