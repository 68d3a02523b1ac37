#!/bin/bash
# Network RTT against a known delay: netem adds 50 ms each way on the veth
# between two pods, so every round trip takes 100 ms plus the stack.  In
# both pods and for IPv4 and IPv6, over three connections each: the
# handshake RTT (client side + server side) and the timestamp RTT must be
# within max(1 ms, 10 %) of 100 ms, and agree with the kernel's own
# minimum for the client socket (ss -ti).  The emulated guest only ever
# adds delay (it stalls now and then, by up to ~10 %), so the path's RTT is
# the smallest of the measurements: that is what is held to 10 %; the
# median sample is held to 20 %.
. "$(dirname "$0")/lib.sh"

cleanup() { pods_del; module_unload; }
trap cleanup EXIT

DELAY_MS=50
TOTAL_US=$((2 * DELAY_MS * 1000))
CONNECTIONS=3

pod_add a b
pod_veth a eth0 b eth0
pod_addr a eth0 198.18.0.1/24 fd00::1/64
pod_addr b eth0 198.18.0.2/24 fd00::2/64
in_pod a tc qdisc add dev eth0 root netem delay ${DELAY_MS}ms
in_pod b tc qdisc add dev eth0 root netem delay ${DELAY_MS}ms
# Resolve neighbours first: a SYN waiting for ARP/ND would time that too.
in_pod a ping -c 2 -i 0.2 198.18.0.2 >/dev/null
in_pod a ping -c 2 -i 0.2 fd00::2 >/dev/null
module_load
flowmesh config set timeout_tcp_closed=600 >/dev/null

# The emulator translates code on first use: a first connection runs slow,
# so warm the paths up before the measured ones.
for server in 198.18.0.2 fd00::2; do
	in_pod b "$TRAFFIC" tcp-server "$server" 7999 >/dev/null &
	wait_port b 7999 tcp || fail "warm-up server on $server did not start"
	in_pod a "$TRAFFIC" tcp-client "$server" 7999 100000
	wait
done
flowmesh events >/dev/null	# start the sample log empty

# ss_capture FILE: the client socket's own RTT estimate, once it has one.
ss_capture() {
	in_pod a ss -Htin state established '( dport = :7000 )' >"$1"
	grep -q minrtt "$1"
}

for server in 198.18.0.2 fd00::2; do
	: >"/tmp/ss-$server"
	for i in $(seq $CONNECTIONS); do
		in_pod b "$TRAFFIC" tcp-server "$server" 7000 >/dev/null &
		wait_port b 7000 tcp || fail "server on $server did not start"
		in_pod a "$TRAFFIC" tcp-hold "$server" 7000 300000 3 >/dev/null &
		# While the connection is open, ask the client's kernel.
		wait_for 30 ss_capture "/tmp/ss-$server.$i" ||
			fail "no RTT from ss for the client socket to $server"
		cat "/tmp/ss-$server.$i" >>"/tmp/ss-$server"
		wait
	done
done
flowmesh events -o json >/tmp/events.json
flowmesh flows -o json --port 7000 >/tmp/flows.json

# rtt_ok POD SERVER
rtt_ok() {
	python3 - "$(netns_inum "$1")" "$2" "$TOTAL_US" "$1" <<'PY'
import json, re, statistics, sys
netns, server, total, pod = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
flows = [f for f in json.load(open("/tmp/flows.json"))
         if f["netns"] == netns and f["server"] == server]
assert len(flows) == 3, flows
ids = {f["id"] for f in flows}
samples = [e["value_us"] for e in map(json.loads, open("/tmp/events.json"))
           if e["type"] == "rtt" and e["flow_id"] in ids]
tol = max(1000, total // 10)
ok = True
def near(name, got, want=total):
    global ok
    good = got is not None and abs(got - want) <= tol
    print(f"{pod} {server}: {name} = {got} us, want {want} +- {tol}: {'ok' if good else 'BAD'}")
    ok &= good
hs = [(f["rtt_handshake_client_us"] or 0) + (f["rtt_handshake_server_us"] or 0) for f in flows]
print(f"{pod} {server}: handshakes {hs}; {len(samples)} timestamp samples, "
      f"per flow min/avg/max {[(f['rtt_us']['min'], f['rtt_us']['avg'], f['rtt_us']['max']) for f in flows]}")
near("smallest handshake RTT (client + server side)", min(hs))
assert samples, "no RTT samples"
near("smallest timestamp RTT", min(samples))
med = statistics.median(samples)
good = abs(med - total) <= total // 5
print(f"{pod} {server}: median timestamp RTT = {med} us, want {total} +- {total // 5}: {'ok' if good else 'BAD'}")
ok &= good
ss = [int(float(m) * 1000) for m in re.findall(r"minrtt:([0-9.]+)", open(f"/tmp/ss-{server}").read())]
assert ss, "no minrtt from ss"
near("smallest timestamp RTT vs ss -ti minrtt", min(f["rtt_us"]["min"] for f in flows), min(ss))
sys.exit(0 if ok else 1)
PY
}

for pod in a b; do
	check "$pod: RTT of IPv4 flows matches netem" rtt_ok $pod 198.18.0.2
	check "$pod: RTT of IPv6 flows matches netem" rtt_ok $pod fd00::2
done
