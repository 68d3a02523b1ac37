#!/bin/bash
# The agent end to end: three services in pods on one bridge, web calling
# api and api calling db over HTTP (a new connection per request), db
# answering after 20 ms and 5 ms of netem delay on db's link.  flowmeshd
# drains the module, names the pods from an inventory and stores windows;
# then `flowmesh stat`, `edges` and `topology -o json` must show exactly
# those three services and two edges with every connection counted once
# (each one is seen from two namespaces), RTT and latency that fit the
# delays, and a real Prometheus server scraping /metrics must return our
# series from its query API.
. "$(dirname "$0")/lib.sh"

STATE=/var/cache/flowmesh-e2e-agent
REQUESTS=20
SLEEP_MS=20
DELAY_MS=5
HTTP=127.0.0.1:9465

cleanup() {
	[ -n "${PROM:-}" ] && kill "$PROM" 2>/dev/null
	[ -n "${DAEMON:-}" ] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON"
	pods_del
	module_unload
	rm -rf "$STATE"
}
trap cleanup EXIT

rm -rf "$STATE" && mkdir -p "$STATE"
pod_add sw web api db
in_pod sw ip link add br0 type bridge
in_pod sw ip link set br0 up
n=1
for p in web api db; do
	pod_veth "$p" eth0 sw "$p"
	in_pod sw ip link set "$p" master br0
	pod_addr "$p" eth0 198.18.1.$n/24
	n=$((n + 1))
done
in_pod db tc qdisc add dev eth0 root netem delay ${DELAY_MS}ms
in_pod web ping -c 1 198.18.1.2 >/dev/null
in_pod api ping -c 1 198.18.1.3 >/dev/null

cat >"$STATE/inventory" <<-'INV'
	198.18.1.1  web  namespace=shop
	198.18.1.2  api  namespace=shop
	198.18.1.3  db   namespace=shop  tier=data
INV
flowmeshd_conf "$STATE" \
	"inventory = $STATE/inventory" \
	"http_listen = $HTTP"

module_load
flowmeshd_start "$STATE"
pass "flowmeshd started"

in_pod db "$E2E_DIR/services.py" serve 198.18.1.3 5000 --sleep-ms $SLEEP_MS >/dev/null &
in_pod api "$E2E_DIR/services.py" serve 198.18.1.2 8080 \
	--upstream http://198.18.1.3:5000/ >/dev/null &
wait_port db 5000 && wait_port api 8080 || fail "services did not start"
in_pod web "$E2E_DIR/services.py" load http://198.18.1.2:8080/ $REQUESTS ||
	fail "web's requests failed"
pass "$REQUESTS requests web -> api -> db"

cli() { flowmesh "$@" --config "$STATE/flowmeshd.conf"; }
# The connections land in the store once their windows are written.
edges_done() {
	cli edges -o json --window 10m >"$STATE/edges.json" &&
	python3 - "$STATE/edges.json" "$REQUESTS" <<-'PY'
	import json, sys
	rows = {(r["client"], r["server"]): r for r in json.load(open(sys.argv[1]))}
	n = int(sys.argv[2])
	sys.exit(0 if all(rows.get(k, {}).get("connections") == n
	                  for k in (("web", "api"), ("api", "db"))) else 1)
	PY
}
wait_for 60 edges_done || fail "edges never showed $REQUESTS connections each: $(cat "$STATE/edges.json")"

cli stat -o json --window 10m >"$STATE/stat.json"
cli topology -o json --window 10m >"$STATE/topology.json"
check "stat, edges and topology show exactly web, api, db and their two edges" \
	python3 - "$STATE" "$REQUESTS" "$SLEEP_MS" "$DELAY_MS" <<-'PY'
	import json, sys
	d, n, sleep_ms, delay_ms = sys.argv[1], *map(int, sys.argv[2:])
	stat = json.load(open(f"{d}/stat.json"))
	edges = json.load(open(f"{d}/edges.json"))
	topo = json.load(open(f"{d}/topology.json"))
	for r in stat + edges:
	    print(json.dumps(r))
	services = {r["service"] for r in stat}
	assert services == {"web", "api", "db"}, services
	pairs = {(r["client"], r["server"]) for r in edges}
	assert pairs == {("web", "api"), ("api", "db")}, pairs
	assert {x["name"] for x in topo["nodes"]} == services, topo
	assert {(e["client"], e["server"]) for e in topo["edges"]} == pairs, topo
	e = {(r["client"], r["server"]): r for r in edges}
	s = {r["service"]: r for r in stat}
	for k in pairs:
	    r = e[k]
	    assert r["connections"] == n, r
	    assert r["tx_bytes"] > 0 and r["rx_bytes"] > 0, r
	    assert r["success_rate"] is None, r	# no L7 without sampling
	# db: served n requests, each at least the sleep, rtt at least netem
	db = e[("api", "db")]
	assert db["latency_ms"]["p50"] >= sleep_ms, db
	assert db["latency_ms"]["p50"] < sleep_ms * 5, db
	assert delay_ms <= db["rtt_ms"]["p50"] < delay_ms * 5, db
	# api answers after db did: its latency includes db's
	api = e[("web", "api")]
	assert api["latency_ms"]["p50"] >= db["latency_ms"]["p50"], (api, db)
	assert s["db"]["connections"] == n and s["api"]["connections"] == n
	assert s["web"]["connections"] == 0	# web only calls
	PY

flowmesh status -o json --socket "$STATE/flowmeshd.sock" >"$STATE/status.json"
check "status reports the agent with no records lost" \
	python3 - "$STATE/status.json" <<-'PY'
	import json, sys
	st = json.load(open(sys.argv[1]))
	a = st["agent"]
	assert a is not None, st
	print({k: v for k, v in a.items() if not isinstance(v, (dict, list))})
	assert st["records_dropped"] == 0, st
	PY

cat >"$STATE/prometheus.yml" <<-PROM
	global: { scrape_interval: 1s, evaluation_interval: 1s }
	scrape_configs:
	  - job_name: flowmesh
	    static_configs: [ { targets: ["$HTTP"] } ]
PROM
prometheus --config.file="$STATE/prometheus.yml" \
	--storage.tsdb.path="$STATE/prom" --web.listen-address=127.0.0.1:9090 \
	>"$STATE/prometheus.log" 2>&1 &
PROM=$!
prom_has_edges() {
	curl -sf 'http://127.0.0.1:9090/api/v1/query?query=flowmesh_edge_connections_opened_total' \
		>"$STATE/prom.json" &&
	python3 - "$STATE/prom.json" "$REQUESTS" <<-'PY'
	import json, sys
	r = json.load(open(sys.argv[1]))["data"]["result"]
	got = {(x["metric"]["client"], x["metric"]["server"]): float(x["value"][1]) for x in r}
	sys.exit(0 if got.get(("web", "api")) == float(sys.argv[2]) and
	         got.get(("api", "db")) == float(sys.argv[2]) else 1)
	PY
}
wait_for 120 prom_has_edges ||
	fail "Prometheus never returned our series: $(cat "$STATE/prom.json" 2>/dev/null; tail -n5 "$STATE/prometheus.log")"
pass "Prometheus scraped /metrics and its query API returns both edges"

kill "$DAEMON"
wait "$DAEMON" || fail "flowmeshd did not stop cleanly: $(tail -n5 "$STATE/flowmeshd.log")"
DAEMON=
pass "flowmeshd stopped cleanly on SIGTERM"
