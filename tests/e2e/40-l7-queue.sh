#!/bin/bash
# L7 sampling over NFQUEUE between pods a (client) and b (server), both
# namespaces accounting each flow.  With detect_packets=4 the first 4
# payload packets each way of every new flow are queued, in each pod:
#   (a) with no listener, the bypass flag lets them through: request/answer
#       exchanges (10 each, TCP and UDP) and a 1 MiB transfer complete, and
#       packets_queued grows by exactly 4 + 4 per flow per pod (the
#       transfer's server answers once: 4 + 1);
#   (b) a raw nfnetlink_queue listener in b gets exactly those packets and
#       accepts them; a flow labelled DONE after 2 exchanges sends it no
#       more, while the flow goes on counting; labelling an unknown flow
#       fails with "no such flow";
#   (c) a flow to an opaque port (6379) is never queued, yet tracked;
#   (d) with every flow inspected, the listener killed (-9) in the middle of
#       a transfer: the transfer still completes.
. "$(dirname "$0")/lib.sh"

LISTEN=$E2E_DIR/nfqueue_listen.py
LABEL=$E2E_DIR/flow_label.py
QUEUE=7000
L7_HTTP=1
LABEL_DONE=1

# (lib.sh sets -e: a listener already gone is no failure)
listener_kill() {
	if [ -s /tmp/nfq.pid ]; then kill -9 "$(cat /tmp/nfq.pid)" 2>/dev/null || true; fi
	rm -f /tmp/nfq.pid
}
cleanup() { listener_kill; pods_del; module_unload; }
trap cleanup EXIT

pod_add a b
pod_veth a eth0 b eth0
pod_addr a eth0 198.18.0.1/24
pod_addr b eth0 198.18.0.2/24
module_load
flowmesh config set timeout_tcp_closed=600 timeout_udp=600 >/dev/null

queued() {
	flowmesh status -o json | python3 -c 'import json, sys; print(json.load(sys.stdin)["packets_queued"])'
}

# rr KIND PORT COUNT: COUNT request/answer exchanges from a to b.
rr() {
	in_pod b "$TRAFFIC" rr-server "$1" 198.18.0.2 "$2" 0 "$3" >/dev/null &
	wait_port b "$2" "$1" || fail "$1 server on $2 did not start"
	in_pod a "$TRAFFIC" rr-client "$1" 198.18.0.2 "$2" "$3" || return 1
	wait $!
}

# queued_by DELTA COMMAND...: COMMAND succeeds and packets_queued grows by DELTA.
queued_by() {
	local want=$1 before after
	shift
	before=$(queued)
	"$@" || return 1
	after=$(queued)
	echo "packets_queued $before -> $after (+$((after - before)), expected +$want)"
	[ $((after - before)) = "$want" ]
}

defaults() {
	flowmesh config get -o json | python3 -c '
import json, sys
c = json.load(sys.stdin)
print({k: c[k] for k in ("detect_packets", "inspect_one_in", "queue_num", "opaque_ports")})
assert c["detect_packets"] == 4 and c["inspect_one_in"] == 0 and c["queue_num"] == 7000
assert c["opaque_ports"] == [25, 587, 3306, 4444, 5432, 6379, 9300, 11211]'
}
check "defaults: 4 packets each way detected, none inspected, queue 7000, Linkerd's opaque ports" defaults

# --- (a) nobody reads the queue --------------------------------------------
check "(a) TCP 10 exchanges pass, 16 packets queued (4 + 4 in each pod)" \
	queued_by 16 rr tcp 8000 10
check "(a) UDP 10 exchanges pass, 16 packets queued" queued_by 16 rr udp 8001 10
transfer() {
	in_pod b "$TRAFFIC" tcp-server 198.18.0.2 "$1" >/dev/null &
	wait_port b "$1" || return 1
	in_pod a "$TRAFFIC" tcp-client 198.18.0.2 "$1" "$2" || return 1
	wait $!
}
check "(a) a 1 MiB transfer completes, 10 packets queued (4 + 1 in each pod)" \
	queued_by 10 transfer 8002 1048576

# --- (c) opaque port ---------------------------------------------------------
opaque_tracked() {
	flowmesh flows -o json --netns "$(netns_inum b)" --port 6379 | python3 -c '
import json, sys
f = json.load(sys.stdin)
assert len(f) == 1 and f[0]["tx_packets"] >= 10 and f[0]["rx_packets"] >= 10, f'
}
check "(c) 10 exchanges with port 6379 pass, nothing queued" queued_by 0 rr tcp 6379 10
check "(c) the opaque flow is tracked" opaque_tracked

# --- (b) a listener in b ----------------------------------------------------
listener_start() {
	rm -f /tmp/nfq.pid
	in_pod b python3 "$LISTEN" $QUEUE /tmp/nfq.pid "${1:-0}" >/tmp/nfq.log &
	wait_for 20 grep -qx bound /tmp/nfq.log
}
check "(b) listener bound to queue $QUEUE in pod b" listener_start

# seen_for PORT: packets the listener got to or from PORT.
seen_for() { grep -cE ":$1 " /tmp/nfq.log || true; }
# listener_saw PORT N: at least N of them.
listener_saw() { [ "$(seen_for "$1")" -ge "$2" ]; }

listened() {
	local n
	n=$(seen_for 8010)
	echo "listener got $n packets of the flow"; grep -E ":8010 " /tmp/nfq.log
	[ "$n" = 8 ] &&
		[ "$(grep -cE "198.18.0.1:[0-9]+ 198.18.0.2:8010 8 q0$" /tmp/nfq.log)" = 4 ] &&
		[ "$(grep -cE "198.18.0.2:8010 198.18.0.1:[0-9]+ 7 q1$" /tmp/nfq.log)" = 4 ]
}
check "(b) TCP 10 exchanges through the listener" queued_by 16 rr tcp 8010 10
check "(b) it got exactly the 4 requests (queue +0) and 4 answers (queue +1) of b's flow" listened

# A client that pauses after 2 exchanges while the test labels its flow.
label_done() {
	rm -f /tmp/go /tmp/cport
	in_pod b "$TRAFFIC" rr-server tcp 198.18.0.2 8011 0 10 >/dev/null &
	local server=$!
	wait_port b 8011 || return 1
	in_pod a python3 - >/tmp/cport <<'PY' &
import os, socket, time
c = socket.create_connection(("198.18.0.2", 8011), timeout=30)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
r = c.makefile("rb")
def exchange():
    c.sendall(b"request\n")
    assert r.readline() == b"answer\n"
exchange(); exchange()
print(c.getsockname()[1], flush=True)
deadline = time.time() + 30
while not os.path.exists("/tmp/go") and time.time() < deadline:
    time.sleep(0.05)
for _ in range(8):
    exchange()
PY
	local client=$!
	wait_for 20 test -s /tmp/cport || return 1
	python3 "$LABEL" "$(netns_inum b)" tcp 198.18.0.1 "$(cat /tmp/cport)" \
		198.18.0.2 8011 $L7_HTTP $LABEL_DONE || return 1
	touch /tmp/go
	wait $client && wait $server
}
after_done() {
	local n
	n=$(seen_for 8011)
	echo "listener got $n packets of the labelled flow"
	flowmesh flows -o json --netns "$(netns_inum b)" --port 8011 >/tmp/flows.json
	[ "$n" = 4 ] && python3 -c '
import json
f = json.load(open("/tmp/flows.json"))
assert len(f) == 1, f
print({k: f[0][k] for k in ("tx_packets", "rx_packets", "protocol", "sampled")})
# 10 requests and 10 answers counted, besides handshake and ACKs
assert f[0]["tx_packets"] >= 12 and f[0]["rx_packets"] >= 11, f
assert f[0]["protocol"] == "http" and f[0]["sampled"] == "detect", f'
}
# Pod a still has its 4 + 4; b had 2 + 2 before the label.
check "(b) a flow labelled DONE after 2 exchanges completes" queued_by 12 label_done
check "(b) the listener got only the 2 + 2 before the label; the flow counted on" after_done

no_such_flow() {
	local err
	err=$(python3 "$LABEL" "$(netns_inum b)" tcp 198.18.0.1 1 198.18.0.2 1 \
		$L7_HTTP $LABEL_DONE 2>&1) && return 1
	echo "$err"
	grep -q "No such file or directory: no such flow" <<<"$err"
}
check "(b) labelling an unknown flow: no such flow" no_such_flow
listener_kill

# --- (d) the listener dies mid-transfer -------------------------------------
flowmesh config set inspect_one_in=1 >/dev/null
check "(d) a slow listener bound" listener_start 2
killed_mid_transfer() {
	local start=$SECONDS
	in_pod b "$TRAFFIC" tcp-server 198.18.0.2 8020 >/dev/null &
	local server=$!
	wait_port b 8020 || return 1
	in_pod a "$TRAFFIC" tcp-client 198.18.0.2 8020 4194304 &
	local client=$!
	wait_for 30 listener_saw 8020 20 || return 1
	kill -9 "$(cat /tmp/nfq.pid)"
	echo "listener killed after $(seen_for 8020) packets"
	wait $client && wait $server || return 1
	echo "transfer of 4 MiB completed in $((SECONDS - start)) s"
}
check "(d) the transfer completes after the listener is killed" killed_mid_transfer
flowmesh config set inspect_one_in=0 >/dev/null
