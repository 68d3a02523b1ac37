#!/bin/bash
# A flood of 100000 distinct UDP flows into a table bounded at 1000: the
# table stays at its bound, every flow beyond it is counted as untracked,
# and no packet is lost on the way (the receiving interface sees all).
. "$(dirname "$0")/lib.sh"

cleanup() { pods_del; module_unload; }
trap cleanup EXIT

FLOWS=100000
MAX=1000

pod_add a b
pod_veth a eth0 b eth0
pod_addr a eth0 198.18.0.1/24
pod_addr b eth0 198.18.0.2/24
module_load max_flows=$MAX
flowmesh config set timeout_udp=600 >/dev/null

rx_packets() { in_pod b cat /sys/class/net/eth0/statistics/rx_packets; }
before=$(rx_packets)
in_pod a "$TRAFFIC" udp-flood 198.18.0.2 20000 $FLOWS >/dev/null
wait_for 30 sh -c "[ \$(ip netns exec b cat /sys/class/net/eth0/statistics/rx_packets) -ge $((before + FLOWS)) ]" || true
after=$(rx_packets)

check "all $FLOWS packets arrived ($((after - before)) received)" \
	[ $((after - before)) -ge $FLOWS ]

bounded() {
	flowmesh status -o json | python3 -c "
import json, sys
s = json.load(sys.stdin)
print({k: s[k] for k in ('flows_active', 'flows_max', 'flows_created', 'flows_untracked', 'flows_evicted', 'alloc_failed')})
# Each flow is seen twice: leaving pod a and entering pod b.
assert s['flows_max'] == $MAX
assert s['flows_active'] == $MAX
assert s['flows_created'] + s['flows_untracked'] == 2 * $FLOWS
assert s['alloc_failed'] == 0
"
}
check "table held at max_flows, the rest counted untracked" bounded
