#!/bin/bash
# flowmeshd stopped and started again while traffic goes on: a long TCP
# connection sends 100 kB before the stop, 200 kB while the agent is down
# and 300 kB after it is back, and 10 short connections are made in each
# of the three phases.  The agent restores the live flows it saved,
# confirms them against the module's own list, and drains what the rings
# kept meanwhile: every connection is opened and closed exactly once in the
# stored windows, and the windows' bytes equal the module's final counters
# of the closed flows (nothing lost, nothing counted twice).
. "$(dirname "$0")/lib.sh"

FLOWMESHD_BIN=$E2E_ROOT/build/flowmeshd
STATE=/var/cache/flowmesh-e2e-restart
SRV=198.18.3.2

cleanup() {
	if [ -n "${DAEMON:-}" ]; then
		kill "$DAEMON" 2>/dev/null || true
		wait "$DAEMON" 2>/dev/null || true
	fi
	pods_del
	module_unload
	rm -rf "$STATE"
}
trap cleanup EXIT

rm -rf "$STATE" && mkdir -p "$STATE"
pod_add a b
pod_veth a eth0 b eth0
pod_addr a eth0 198.18.3.1/24
pod_addr b eth0 $SRV/24
in_pod a ping -c 1 $SRV >/dev/null
module_load
# closed flows leave the table (and their CLOSE record comes) soon
flowmesh config set timeout_tcp_closed=2 >/dev/null
flowmeshd_conf "$STATE" \
	"inventory = none" \
	"http_listen = off" \
	"l7 = off"

start_daemon() {
	"$FLOWMESHD_BIN" -c "$STATE/flowmeshd.conf" 2>>"$STATE/flowmeshd.log" &
	DAEMON=$!
	wait_for 30 test -S "$STATE/flowmeshd.sock" ||
		fail "flowmeshd did not start: $(cat "$STATE/flowmeshd.log")"
}
stop_daemon() {
	kill "$DAEMON"
	wait "$DAEMON" || fail "flowmeshd did not stop cleanly: $(tail -n3 "$STATE/flowmeshd.log")"
	DAEMON=
}
short_connections() {
	local i
	for i in $(seq 10); do
		in_pod a "$TRAFFIC" tcp-client $SRV 8001 100 >/dev/null ||
			fail "short connection $i"
	done
}

in_pod b python3 - $SRV 8001 >/dev/null <<-'PY' &
	import socket, sys, threading
	s = socket.socket()
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind((sys.argv[1], int(sys.argv[2])))
	s.listen(64)
	def serve(c):	# as traffic.py tcp-server, for many connections
	    with c:
	        got = 0
	        while chunk := c.recv(65536):
	            got += len(chunk)
	        c.sendall(f"got {got}\n".encode())
	while True:
	    threading.Thread(target=serve, args=(s.accept()[0],)).start()
PY
SERVER=$!
wait_port b 8001 || fail "server did not start"

start_daemon
rm -f "$STATE/go1" "$STATE/go2" "$STATE/sent1" "$STATE/sent2"
in_pod a python3 - $SRV 8001 "$STATE" <<-'PY' &
	import os, socket, sys, time
	def wait(path):
	    end = time.time() + 120
	    while not os.path.exists(path):
	        assert time.time() < end, path
	        time.sleep(0.05)
	c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=120)
	c.sendall(b"x" * 100000)
	open(sys.argv[3] + "/sent1", "w").close()
	wait(sys.argv[3] + "/go1")
	c.sendall(b"y" * 200000)
	open(sys.argv[3] + "/sent2", "w").close()
	wait(sys.argv[3] + "/go2")
	c.sendall(b"z" * 300000)
	c.shutdown(socket.SHUT_WR)
	while c.recv(4096):
	    pass
PY
HOLD=$!
wait_for 30 test -e "$STATE/sent1" || fail "long connection did not start"
short_connections
sleep 7		# the first phase's windows are written

stop_daemon
live=$(sqlite3 "$STATE/flowmesh.db" 'SELECT COUNT(*) FROM live_flows;')
[ "$live" -ge 1 ] || fail "no live flow saved at the stop"
pass "flowmeshd stopped with $live live flows saved"

touch "$STATE/go1"
wait_for 30 test -e "$STATE/sent2" || fail "long connection stalled"
short_connections

start_daemon
grep -q "$live live flows restored" "$STATE/flowmeshd.log" ||
	fail "restore not logged: $(cat "$STATE/flowmeshd.log")"
pass "flowmeshd started again and restored them"
short_connections
touch "$STATE/go2"
wait "$HOLD" || fail "long connection failed"
# every flow closed: its CLOSE record drained and written
all_closed() {
	[ "$(sqlite3 "$STATE/flowmesh.db" 'SELECT COUNT(*) FROM flows;')" = 31 ]
}
wait_for 60 all_closed ||
	fail "closed flows stored: $(sqlite3 "$STATE/flowmesh.db" 'SELECT COUNT(*) FROM flows;') of 31"
stop_daemon
kill "$SERVER" 2>/dev/null || true

counted_once() {
	python3 - "$STATE/flowmesh.db" <<-'PY'
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	w = db.execute("SELECT SUM(opened), SUM(closed), SUM(tx_bytes), SUM(rx_bytes),"
	               " SUM(tx_packets), SUM(rx_packets) FROM windows WHERE res = 5").fetchone()
	f = db.execute("SELECT COUNT(*), SUM(tx_bytes), SUM(rx_bytes), SUM(tx_packets),"
	               " SUM(rx_packets), MAX(tx_bytes) FROM flows").fetchone()
	print("windows: opened, closed, tx, rx, tx_pkts, rx_pkts =", w)
	print("closed flows: count, tx, rx, tx_pkts, rx_pkts, largest tx =", f)
	assert w[0] == 31 and w[1] == 31, w
	assert f[0] == 31, f
	assert tuple(w[2:6]) == tuple(f[1:5]), (w, f)
	assert f[5] > 600000, f		# the long connection: 600 kB and headers
	PY
}
if ! counted_once; then
	cat "$STATE/flowmeshd.log" || true
	sqlite3 "$STATE/flowmesh.db" 'SELECT start, opened, closed, tx_bytes FROM windows WHERE res = 5 ORDER BY start;
		SELECT flow_id, netns, client_port, opened_ns, closed_ns, tx_bytes FROM flows ORDER BY closed_ns;' || true
	fail "connections or bytes counted twice or lost across the restart"
fi
pass "31 connections, each opened and closed once; window bytes equal the module's final counters"
