#!/bin/bash
# A router namespace forwards between two pods on different subnets.  The
# router sees the flow it forwards (PRE_ROUTING), with the pod that opened
# the connection as client and counts equal to the router's conntrack.
. "$(dirname "$0")/lib.sh"

cleanup() { pods_del; module_unload; }
trap cleanup EXIT

pod_add a r b
pod_veth a eth0 r a0
pod_veth b eth0 r b0
pod_addr a eth0 198.18.1.2/24 fd00:1::2/64
pod_addr r a0 198.18.1.1/24 fd00:1::1/64
pod_addr r b0 198.18.2.1/24 fd00:2::1/64
pod_addr b eth0 198.18.2.2/24 fd00:2::2/64
in_pod a ip route add default via 198.18.1.1
in_pod a ip -6 route add default via fd00:1::1
in_pod b ip route add default via 198.18.2.1
in_pod b ip -6 route add default via fd00:2::1
in_pod r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
conntrack_track r
module_load
# Compared long after the connections close: keep closed flows listed.
flowmesh config set timeout_tcp_closed=600 >/dev/null

for dst in 198.18.2.2 fd00:2::2; do
	in_pod b "$TRAFFIC" tcp-server "$dst" 8080 &
	wait_port b 8080 tcp || fail "server on $dst did not start"
	in_pod a "$TRAFFIC" tcp-client "$dst" 8080 300000 || fail "transfer to $dst"
	wait
done

compare_in_router() {	# CLIENT SERVER
	local out i
	out=$(mktemp -d)
	for i in $(seq 20); do
		in_pod r conntrack -L -o extended >"$out/ct" 2>/dev/null
		flowmesh flows -o json >"$out/flows"
		if "$E2E_DIR/conntrack_compare.py" "$out/flows" "$out/ct" \
			--netns "$(netns_inum r)" --proto tcp --client "$1" \
			--server "$2" --port 8080 --min-tx-bytes 300000 \
			--label "router: $1 -> [$2]:8080" >"$out/result"; then
			cat "$out/result"
			return 0
		fi
		sleep 0.2
	done
	cat "$out/result"
	return 1
}
check "router accounts forwarded tcp/4" compare_in_router 198.18.1.2 198.18.2.2
check "router accounts forwarded tcp/6" compare_in_router fd00:1::2 fd00:2::2
