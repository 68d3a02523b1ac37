#!/bin/bash
# Flow data never reaches an unprivileged user: the CLI says "permission
# denied" and exits 3, and a privileged reader in a pod sees only that pod.
. "$(dirname "$0")/lib.sh"

cleanup() { pods_del; module_unload; }
trap cleanup EXIT

module_load
pod_add a b
pod_veth a eth0 b eth0
pod_addr a eth0 198.18.0.1/24
pod_addr b eth0 198.18.0.2/24
in_pod b "$TRAFFIC" udp-echo 198.18.0.2 9999 1 &
wait_port b 9999 udp || fail "udp server did not start"
in_pod a "$TRAFFIC" udp-client 198.18.0.2 9999 64 || fail "udp exchange"
wait

denied() {	# VERB...: as nobody, must fail with exit 3 and say why
	local rc=0 err
	err=$(as_user "$FLOWMESH_BIN" "$@" 2>&1 >/dev/null) || rc=$?
	echo "exit $rc: $err"
	[ "$rc" = 3 ] && grep -qi "permission denied" <<<"$err"
}
check "unprivileged flows is denied" denied flows
check "unprivileged flows -o json is denied" denied flows -o json
check "unprivileged status is denied" denied status

only_own_netns() {	# POD
	local inum
	inum=$(netns_inum "$1")
	in_pod "$1" "$FLOWMESH_BIN" flows -o json | python3 -c "
import json, sys
flows = json.load(sys.stdin)
assert flows, 'no flows'
assert all(f['netns'] == $inum for f in flows), flows
print(len(flows), 'flow(s), all in netns $inum')"
}
check "pod a sees only its own flows" only_own_netns a
check "pod b sees only its own flows" only_own_netns b
