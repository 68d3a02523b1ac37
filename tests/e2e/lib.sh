# shellcheck shell=bash
# Helpers for end-to-end scenarios, which run as root inside the qemu guest
# (tools/vm/run). Source it first:
#
#   . "$(dirname "$0")/lib.sh"
#
# A "pod" is a network namespace; pods are joined by veth pairs and get
# addresses from 198.18.0.0/15 and fd00::/8.
set -eu

: "${E2E_NAME:=$(basename "$0" .sh)}"
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$E2E_DIR/../lib/common.sh"
: "${E2E_ROOT:=$(cd "$E2E_DIR/../.." && pwd)}"
# shellcheck disable=SC2034 # for the scenarios
TRAFFIC=$E2E_DIR/traffic.py
PODS=()

# The CLI: the checkout's build (make userspace), else an installed one.
FLOWMESH_BIN=$E2E_ROOT/build/flowmesh
if [ ! -x "$FLOWMESH_BIN" ] && type -P flowmesh >/dev/null; then
	FLOWMESH_BIN=$(type -P flowmesh)
fi
flowmesh() { "$FLOWMESH_BIN" "$@"; }

pass() { echo "PASS: $*"; }

# Print what the pods looked like, then stop the scenario.
fail() {
	echo "FAIL: $*" >&2
	pods_dump >&2 || true
	exit 1
}

# check DESCRIPTION COMMAND...: COMMAND must succeed.
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# pod_add NAME...: new network namespaces with loopback up.
pod_add() {
	local p
	for p in "$@"; do
		ip netns add "$p"
		PODS+=("$p")
		ip -n "$p" link set lo up
	done
}

# in_pod POD COMMAND...: run COMMAND inside POD.
in_pod() {
	local p=$1
	shift
	ip netns exec "$p" "$@"
}

# pod_veth POD_A IF_A POD_B IF_B: a veth pair between two pods, both ends up.
pod_veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# pod_addr POD IF ADDR/LEN...: add addresses; IPv6 ones skip DAD so they are
# usable at once.
pod_addr() {
	local p=$1 dev=$2 a
	shift 2
	for a in "$@"; do
		case $a in
		*:*) ip -n "$p" addr add "$a" dev "$dev" nodad ;;
		*) ip -n "$p" addr add "$a" dev "$dev" ;;
		esac
	done
}

# wait_port POD PORT [tcp|udp] [SECS]: wait until something listens on PORT.
wait_port() {
	local flag=-t
	[ "${3:-tcp}" = udp ] && flag=-u
	wait_for "${4:-30}" port_bound "$1" "$2" "$flag"
}
port_bound() { in_pod "$1" ss -Hln "$3" "sport = :$2" | grep -q .; }

# conntrack_track POD: make conntrack follow POD's flows with byte counters
# (conntrack only tracks a namespace once some rule uses it).
conntrack_track() {
	in_pod "$1" nft -f - <<-'NFT'
		table inet e2e_ct {
			chain pre { type filter hook prerouting priority 0; ct state new,established accept; }
			chain out { type filter hook output priority 0; ct state new,established accept; }
		}
	NFT
	# The rule loaded nf_conntrack; the sysctls exist from then on.
	in_pod "$1" sysctl -qw net.netfilter.nf_conntrack_acct=1
	# conntrack leaves a segment it judges outside the TCP window
	# unaccounted (it is "invalid" to it), while the stack still handles
	# it and flowmesh counts it; be liberal so both count every segment.
	in_pod "$1" sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1
	# Scenarios compare long after the exchanges end: keep the entries.
	in_pod "$1" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600 \
		net.netfilter.nf_conntrack_udp_timeout_stream=600 \
		net.netfilter.nf_conntrack_tcp_timeout_time_wait=600 \
		net.netfilter.nf_conntrack_tcp_timeout_close=600
}

# flowmeshd_conf DIR [LINE...]: DIR/flowmeshd.conf for a scenario's
# flowmeshd: its database and socket in DIR, 5 s windows flushed every
# second, then the LINEs ("key = value").
flowmeshd_conf() {
	local dir=$1
	shift
	printf '%s\n' "database = $dir/flowmesh.db" \
		"socket = $dir/flowmeshd.sock" "window = 5s" "grace = 1s" \
		"flush_interval = 1s" "$@" >"$dir/flowmeshd.conf"
}

# flowmeshd_start DIR: the checkout's flowmeshd in the background with
# DIR/flowmeshd.conf, which puts its socket at DIR/flowmeshd.sock; its
# stderr goes to DIR/flowmeshd.log, its pid to DAEMON.  Returns once the
# socket is there, fails the scenario if it is not within 30 s.
flowmeshd_start() {
	"$E2E_ROOT/build/flowmeshd" -c "$1/flowmeshd.conf" 2>"$1/flowmeshd.log" &
	# shellcheck disable=SC2034 # for the scenario's cleanup
	DAEMON=$!
	wait_for 30 test -S "$1/flowmeshd.sock" ||
		fail "flowmeshd did not start: $(cat "$1/flowmeshd.log")"
}

# udp_poke POD ADDR: one datagram from POD to ADDR's discard port, so that
# records name both ends' namespaces (flowmeshd binds a namespace's L7
# queues when a record first names it).
udp_poke() {
	in_pod "$1" python3 -c "import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('$2', 9))"
}

# l7_pods CLIENT_ADDR SERVER_ADDR: pods client and server joined by a veth
# pair, each with its /24 address.
l7_pods() {
	pod_add client server
	pod_veth client eth0 server eth0
	pod_addr client eth0 "$1/24"
	pod_addr server eth0 "$2/24"
	in_pod client ping -c 1 "$2" >/dev/null
}

# l7_pods_bound DIR SERVER_ADDR: flowmeshd (socket in DIR) has bound its
# queues in both l7_pods, or the scenario fails.
l7_pods_bound() {
	udp_poke client "$2"
	wait_for 20 l7_netns_watched "$1" 2 ||
		fail "queues not bound in both pods: $(cat "$1/flowmeshd.log")"
	pass "queues bound in both pods"
}

# pods_empty: no process is left in any pod.
pods_empty() {
	local p
	for p in ${PODS[@]+"${PODS[@]}"}; do
		[ -z "$(ip netns pids "$p" 2>/dev/null)" ] || return 1
	done
}

# l7_cleanup: the cleanup trap of a scenario with flowmeshd (DAEMON) and
# servers in pods: everything killed, and gone before STATE is removed, so
# that nothing writes there meanwhile.
l7_cleanup() {
	# (set -e holds in the trap too: nothing here may fail)
	if [ -n "${DAEMON:-}" ]; then
		kill -9 "$DAEMON" 2>/dev/null || true
		wait "$DAEMON" 2>/dev/null || true
	fi
	local p
	for p in ${PODS[@]+"${PODS[@]}"}; do
		ip netns pids "$p" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
	done
	wait_for 10 pods_empty || true
	pods_del
	module_unload
	rm -rf "$STATE"
}

# l7_netns_watched DIR N: flowmeshd (socket in DIR) has bound its L7 queues
# in at least N network namespaces.
l7_netns_watched() {
	flowmesh status -o json --socket "$1/flowmeshd.sock" | python3 -c '
import json, sys
sys.exit(json.load(sys.stdin)["agent"]["l7_netns_watched"] < int(sys.argv[1]))' "$2"
}

# flows_labelled DIR PORT NAME: the live flows to PORT, at least two (one
# view per pod), all carry the L7 protocol NAME; they are left in
# DIR/flows.json.
flows_labelled() {
	flowmesh flows -o json >"$1/flows.json" &&
	python3 - "$1/flows.json" "$2" "$3" <<-'PY'
	import json, sys
	port, want = int(sys.argv[2]), sys.argv[3]
	flows = [f for f in json.load(open(sys.argv[1]))
	         if f.get("server_port") == port]
	got = {f.get("protocol") for f in flows}
	sys.exit(0 if len(flows) >= 2 and got == {want} else 1)
	PY
}

# The L7 routes flowmeshd (configuration DIR/flowmeshd.conf) stored over
# the last 10 minutes, a period it started within, are checked below; the
# last answer is left in DIR/routes.json.
l7_routes_json() {
	flowmesh routes -o json --window 10m --protocol "$2" \
		--config "$1/flowmeshd.conf" >"$1/routes.json"
}

# l7_routes_are DIR PROTOCOL "METHOD|ROUTE|REQUESTS|SUCCESS_RATE"...:
# PROTOCOL has exactly these routes.
l7_routes_are() {
	l7_routes_json "$1" "$2" &&
	python3 - "$1/routes.json" "${@:3}" <<-'PY'
	import json, sys
	got = sorted((r["method"], r["route"], r["requests"], r["success_rate"])
	             for r in json.load(open(sys.argv[1])))
	want = []
	for spec in sys.argv[2:]:
	    method, route, requests, rate = spec.split("|")
	    want.append((method, route, int(requests), float(rate)))
	sys.exit(0 if got == sorted(want) else 1)
	PY
}

# check_l7_routes DIR PROTOCOL SPEC...: l7_routes_are within 30 s, or the
# scenario fails with what flowmeshd has.
check_l7_routes() {
	wait_for 30 l7_routes_are "$@" ||
		fail "$2 routes: $(cat "$1/routes.json")
all routes: $(flowmesh routes --window 10m -o wide --config "$1/flowmeshd.conf")
edges: $(flowmesh edges --window 10m -o json --config "$1/flowmeshd.conf")
flowmeshd: $(tail -n 20 "$1/flowmeshd.log")"
	pass "$2 routes: ${*:3}"
}

# l7_route_p50 DIR PROTOCOL ROUTE MIN_MS MAX_MS: prints the route's median
# latency; false unless it is within the bounds.
l7_route_p50() {
	l7_routes_json "$1" "$2" &&
	python3 - "$1/routes.json" "${@:3}" <<-'PY'
	import json, sys
	route, low, high = sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
	p50 = [r for r in json.load(open(sys.argv[1]))
	       if r["route"] == route][0]["latency_ms"]["p50"]
	print(p50)
	sys.exit(0 if low <= p50 <= high else 1)
	PY
}

# module_load [PARAM=VALUE...]: load flowmesh (installed by DKMS) if needed.
module_load() {
	modprobe flowmesh "$@" || fail "modprobe flowmesh $*"
}

# module_unload: for cleanup traps; a module that will not unload fails the
# scenario (the guest also fails it on any kernel warning while unloading).
module_unload() {
	[ -d /sys/module/flowmesh ] || return 0
	rmmod flowmesh || fail "rmmod flowmesh"
}

module_from_dkms() { modinfo -n flowmesh | grep -q '/updates/dkms/'; }

# netns_inum POD / netns_inum_self: the namespace inode number flows carry.
netns_inum() { stat -L -c %i "/run/netns/$1"; }
netns_inum_self() { stat -L -c %i /proc/self/ns/net; }

# as_user COMMAND...: run COMMAND as nobody, with no capabilities.
as_user() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all "$@"
}

pods_dump() {
	local p
	for p in ${PODS[@]+"${PODS[@]}"}; do
		echo "---- pod $p ----"
		ip -n "$p" -br addr
		ip -n "$p" route
		ip -n "$p" -6 route
	done
}

# pods_del: remove every pod this scenario made (for its cleanup trap).
pods_del() {
	local p
	for p in ${PODS[@]+"${PODS[@]}"}; do
		ip netns pids "$p" 2>/dev/null | xargs -r kill 2>/dev/null || true
		ip netns del "$p" 2>/dev/null || true
	done
	PODS=()
}
