#!/bin/bash
# Two pods exchange a TCP transfer of known size and a UDP request/reply,
# over IPv4 and IPv6.  In each pod, flowmesh must show every flow once, with
# the right client and server, and tx/rx bytes and packets equal to what
# conntrack accounting counted for the same flow in the same namespace.
. "$(dirname "$0")/lib.sh"

cleanup() { pods_del; module_unload; }
trap cleanup EXIT

pod_add a b
pod_veth a eth0 b eth0
pod_addr a eth0 198.18.0.1/24 fd00::1/64
pod_addr b eth0 198.18.0.2/24 fd00::2/64
conntrack_track a
conntrack_track b
module_load
# Compared long after the exchanges end: keep their flows listed.
flowmesh config set timeout_tcp_closed=600 timeout_udp=600 >/dev/null
check "module came from DKMS" module_from_dkms

TCP_BYTES=1048576
run_tcp() {	# SERVER_ADDR PORT
	in_pod b "$TRAFFIC" tcp-server "$1" "$2" &
	wait_port b "$2" tcp || fail "tcp server on $2 did not start"
	in_pod a "$TRAFFIC" tcp-client "$1" "$2" "$TCP_BYTES" ||
		fail "tcp transfer to $1:$2"
	wait
}
run_udp() {	# SERVER_ADDR PORT
	in_pod b "$TRAFFIC" udp-echo "$1" "$2" 3 &
	wait_port b "$2" udp || fail "udp server on $2 did not start"
	in_pod a "$TRAFFIC" udp-client "$1" "$2" 100 700 1400 ||
		fail "udp exchange with $1:$2"
	wait
}

run_tcp 198.18.0.2 5001
run_tcp fd00::2 5002
run_udp 198.18.0.2 5301
run_udp fd00::2 5302

# compare POD PROTO CLIENT SERVER PORT [MIN_TX]: against that pod's conntrack.
# TCP's last ACK may still be in flight: retry briefly until both agree.
compare() {
	local pod=$1 proto=$2 client=$3 server=$4 port=$5 min=${6:-0} i
	local inum out
	inum=$(netns_inum "$pod")
	out=$(mktemp -d)
	for i in $(seq 20); do
		in_pod "$pod" conntrack -L -o extended >"$out/ct" 2>/dev/null
		flowmesh flows -o json >"$out/flows"
		if "$E2E_DIR/conntrack_compare.py" "$out/flows" "$out/ct" \
			--netns "$inum" --proto "$proto" --client "$client" \
			--server "$server" --port "$port" --min-tx-bytes "$min" \
			--label "$pod: $proto $client -> [$server]:$port" >"$out/result"; then
			cat "$out/result"
			return 0
		fi
		sleep 0.2
	done
	cat "$out/result"
	return 1
}

for pod in a b; do
	check "$pod sees tcp/4" compare $pod tcp 198.18.0.1 198.18.0.2 5001 $TCP_BYTES
	check "$pod sees tcp/6" compare $pod tcp fd00::1 fd00::2 5002 $TCP_BYTES
	check "$pod sees udp/4" compare $pod udp 198.18.0.1 198.18.0.2 5301 2200
	check "$pod sees udp/6" compare $pod udp fd00::1 fd00::2 5302 2200
done

# Nothing crossed the initial namespace: flowmesh must not invent flows there.
root=$(netns_inum_self)
n=$(flowmesh flows -o json | python3 -c "import json,sys; print(sum(f['netns'] == $root for f in json.load(sys.stdin)))")
check "no flow in the initial namespace" [ "$n" = 0 ]
