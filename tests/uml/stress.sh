#!/bin/bash
# Stress for the User-Mode Linux debug kernel (make stress):
#
#   tools/kunit/run --script tests/uml/stress.sh build/uml-stress/flowmesh.ko
#
# Runs as root inside UML with flowmesh already loaded by the harness, and
# leaves it loaded for the harness to unload before its kmemleak scan.
#   load:  100 rounds of insmod, traffic, rmmod while TCP and UDP over IPv4
#          and IPv6 keep flowing between pods (through a routing pod) and a
#          netlink client keeps dumping, draining and reconfiguring
#   netns: 50 rounds of a new pod under traffic, deleted while it flows
# Each round prints a KTAP result line, which the harness counts; a kernel
# report (lockdep, RCU, KASAN, UBSAN, WARN, BUG) fails the round it shows in.
# FLOWMESH_KO names the module; by default it is the flowmesh.ko next to this
# script (where the harness copies both) or in /run/kunit.
set -eu

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
LOAD_ROUNDS=100
NETNS_ROUNDS=50
# Every traffic process stops by itself after this long, whatever happens.
LIMIT=420
PORT=7000

ko=${FLOWMESH_KO:-}
if [ -z "$ko" ]; then
	for c in "${1:-}" "$(dirname "$0")/flowmesh.ko" /run/kunit/flowmesh.ko; do
		if [ -n "$c" ] && [ -f "$c" ]; then
			ko=$c
			break
		fi
	done
fi
[ -n "$ko" ] || { echo "stress: no flowmesh.ko (set FLOWMESH_KO)"; exit 1; }

work=$(mktemp -d /tmp/stress.XXXXXX)
gen=$work/traffic.py
stop=$work/stop
pids=()

cleanup() {
	: >"$stop"
	local p
	for p in ${pids[@]+"${pids[@]}"}; do
		kill -KILL "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	ip -all netns delete 2>/dev/null || true
}
trap cleanup EXIT

n=0 failed=0
result() { # OK(0|1) DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

# What the harness counts as a kernel report. dmesg -c hands over only what
# is new since the last call; the console log the harness reads keeps all.
reports='possible recursive locking|possible circular|inconsistent lock state'
reports+='|suspicious RCU usage|BUG: KASAN|UBSAN:|BUG:|WARNING:|Oops'
reports+='|kernel BUG|general protection|Kernel panic|detected stall'
kernel_quiet() {
	local bad
	bad=$(dmesg -c | grep -aE "$reports") || return 0
	printf '# %s\n' "$bad" | head -n 20
	return 1
}

# stat_value KEY: a counter from /proc/net/flowmesh/stat (builtins only:
# every fork costs UML a tenth of a second).
stat_value() {
	local k v
	while read -r k v; do
		if [ "$k" = "$1" ]; then
			echo "$v"
			return 0
		fi
	done </proc/net/flowmesh/stat
	return 1
}

# wait_seen SECS: until the hooks have accounted a packet.
wait_seen() {
	local end=$((SECONDS + $1)) v
	while [ "$SECONDS" -lt "$end" ]; do
		v=$(stat_value packets_seen 2>/dev/null) || v=0
		[ "$v" -gt 0 ] && return 0
		sleep 0.05
	done
	return 1
}

alive() { kill -0 "$1" 2>/dev/null; }

# unload: rmmod, retried while a netlink dump in progress holds a reference
# to the module ("in use"), which is the kernel working as meant.
unload() {
	local end=$((SECONDS + 10))
	until rmmod flowmesh 2>/dev/null; do
		if [ "$SECONDS" -ge "$end" ]; then
			rmmod flowmesh
			return
		fi
		sleep 0.05
	done
}

# Traffic generators, one process each so that forks stay few:
#   peer:  echo server (TCP and UDP, every listen address) and client (one
#          long-lived and one new TCP connection, one new UDP socket per
#          step, to every remote address, or to those in --target FILE)
#   genl:  generic netlink client: flow dumps, stats, drains and config
#          changes, plus /proc/net/flowmesh/stat reads; the family comes and
#          goes with the module, which it must survive
cat >"$gen" <<'EOF'
import argparse, errno, os, selectors, socket, struct, time

ap = argparse.ArgumentParser()
ap.add_argument("mode", choices=["peer", "genl"])
ap.add_argument("--listen", action="append", default=[])
ap.add_argument("--connect", action="append", default=[])
ap.add_argument("--target")
ap.add_argument("--port", type=int, default=7000)
ap.add_argument("--abort", action="store_true",
                help="close with RST, so a dying pod leaves no orphan socket")
ap.add_argument("--stop", required=True)
ap.add_argument("--limit", type=float, default=420)
ap.add_argument("--ready")
a = ap.parse_args()
deadline = time.monotonic() + a.limit
LINGER0 = struct.pack("ii", 1, 0)


def running():
    return time.monotonic() < deadline and not os.path.exists(a.stop)


def fam(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def abortive(s):
    """With --abort, closing, even by the process's death, sends a RST."""
    if a.abort:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
    return s


def connect(addr):
    return abortive(socket.create_connection((addr, a.port), timeout=0.3))


def close(s):
    try:
        s.close()
    except OSError:
        pass


def peer():
    sel = selectors.DefaultSelector()
    conns = {}
    for addr in a.listen:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(fam(addr), kind)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if ":" in addr:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, a.port))
            if kind == socket.SOCK_STREAM:
                s.listen(64)
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, kind)
    if a.ready:
        open(a.ready, "w").close()
    held = {}
    step = 0
    while running():
        for key, _ in sel.select(0.005):
            s = key.fileobj
            try:
                if key.data == "conn":
                    data = s.recv(65536)
                    if not data:
                        raise OSError("eof")
                    s.send(data)
                    conns[s] = time.monotonic()
                elif key.data == socket.SOCK_STREAM:
                    c, _ = s.accept()
                    abortive(c).setblocking(False)
                    sel.register(c, selectors.EVENT_READ, "conn")
                    conns[c] = time.monotonic()
                else:
                    data, src = s.recvfrom(65536)
                    s.sendto(data, src)
            except OSError:
                if key.data == "conn":
                    sel.unregister(s)
                    conns.pop(s, None)
                    close(s)
        # Peers in deleted pods never say goodbye.
        now = time.monotonic()
        for c, seen in list(conns.items()):
            if now - seen > 3:
                sel.unregister(c)
                del conns[c]
                close(c)
        remotes = a.connect
        if a.target:
            try:
                with open(a.target) as f:
                    remotes = f.read().split()
            except OSError:
                remotes = []
        if not remotes:
            time.sleep(0.05)
            continue
        addr = remotes[step % len(remotes)]
        step += 1
        size = 64 + step * 37 % 1400
        # A long-lived connection per address: flows the module meets
        # mid-stream after a load and still holds at an unload.
        c = held.get(addr)
        try:
            if c is None:
                c = connect(addr)
                held[addr] = c
            c.sendall(b"h" * size)
            c.recv(65536)
        except OSError:
            held.pop(addr, None)
            if c is not None:
                close(c)
        # A new connection and a new UDP socket: flows opened and closed.
        try:
            c = connect(addr)
            try:
                c.sendall(b"t" * size)
                c.recv(65536)
            finally:
                close(c)
        except OSError:
            pass
        try:
            with socket.socket(fam(addr), socket.SOCK_DGRAM) as u:
                u.settimeout(0.2)
                u.sendto(b"u" * size, (addr, a.port))
                u.recv(65536)
        except OSError:
            pass
        time.sleep(0.01)


NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE, GENL_ID_CTRL = 2, 3, 16
# uapi/linux/flowmesh.h (append-only numbers)
GET_FLOW, GET_STATS, DRAIN, GET_CONFIG, SET_CONFIG = 1, 2, 3, 4, 5
A_CONFIG, CONFIG_A_MAX_FLOWS, CONFIG_A_RING_SIZE = 5, 1, 8


def nla(kind, payload):
    pad = b"\0" * (-len(payload) % 4)
    return struct.pack("HH", 4 + len(payload), kind) + payload + pad


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        self.s.settimeout(5)
        self.s.bind((0, 0))
        self.seq = 0

    def ask(self, family, cmd, flags, attrs=b""):
        """Send one request; return (error, [payloads]) once it is done."""
        self.seq += 1
        body = struct.pack("BBH", cmd, 1, 0) + attrs
        self.s.send(struct.pack("IHHII", 16 + len(body), family,
                                flags, self.seq, 0) + body)
        out = []
        while True:
            data = self.s.recv(1 << 16)
            off = 0
            while off + 16 <= len(data):
                ln, kind, _, seq, _ = struct.unpack_from("IHHII", data, off)
                if ln < 16:
                    return -errno.EPROTO, out
                if seq == self.seq:
                    if kind == NLMSG_ERROR:
                        return struct.unpack_from("i", data, off + 16)[0], out
                    if kind == NLMSG_DONE:
                        return 0, out
                    out.append(data[off + 20:off + ln])
                off += (ln + 3) & ~3

    def family(self, name):
        err, out = self.ask(GENL_ID_CTRL, 3, NLM_F_REQUEST | NLM_F_ACK,
                            nla(2, name.encode() + b"\0"))
        for p in out:
            off = 0
            while off + 4 <= len(p):
                ln, kind = struct.unpack_from("HH", p, off)
                if kind == 1:
                    return struct.unpack_from("H", p, off + 4)[0]
                off += (ln + 3) & ~3
        return None


def genl():
    g = Genl()
    step = 0
    while running():
        step += 1
        try:
            with open("/proc/net/flowmesh/stat") as f:
                f.read()
        except OSError:
            pass
        try:
            fid = g.family("flowmesh")
            if fid is None:
                time.sleep(0.02)
                continue
            g.ask(fid, GET_FLOW, NLM_F_REQUEST | NLM_F_DUMP)
            g.ask(fid, GET_STATS, NLM_F_REQUEST | NLM_F_ACK)
            g.ask(fid, DRAIN, NLM_F_REQUEST | NLM_F_DUMP)
            g.ask(fid, GET_CONFIG, NLM_F_REQUEST | NLM_F_ACK)
            # Resize the ring and the table bound under traffic.
            if step % 8 == 0:
                small = step % 16 == 0
                cfg = nla(CONFIG_A_RING_SIZE,
                          struct.pack("I", 16 if small else 4096))
                cfg += nla(CONFIG_A_MAX_FLOWS,
                           struct.pack("I", 64 if small else 60000))
                g.ask(fid, SET_CONFIG, NLM_F_REQUEST | NLM_F_ACK,
                      nla(A_CONFIG | 0x8000, cfg))
        except socket.timeout:
            print("genl: no answer in 5 s", flush=True)
            g = Genl()
        except OSError:
            pass
        time.sleep(0.02)


peer() if a.mode == "peer" else genl()
EOF

traffic() { # NETNS ARGS...: start a generator in NETNS ("" = this one)
	local ns=$1
	shift
	if [ -n "$ns" ]; then
		ip netns exec "$ns" python3 "$gen" "$@" --stop "$stop" --limit "$LIMIT" &
	else
		python3 "$gen" "$@" --stop "$stop" --limit "$LIMIT" &
	fi
	pids+=($!)
}

# wait_file FILE SECS: a generator says it is listening.
wait_file() {
	local end=$((SECONDS + $2))
	until [ -e "$1" ]; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

echo "# stress: module $ko, $LOAD_ROUNDS load rounds, $NETNS_ROUNDS netns rounds"
start=$SECONDS
dmesg -c >/dev/null

# Pods a and b talk through r, which routes: each packet crosses the hooks
# of three namespaces (local out, forward, local in).
for p in a r b; do ip netns add "$p"; done
ip link add eth0 netns a type veth peer name ra netns r
ip link add eth0 netns b type veth peer name rb netns r
ip -n a -b - <<'EOF'
link set lo up
link set eth0 up
addr add 198.18.1.2/24 dev eth0
addr add fd00:1::2/64 dev eth0 nodad
route add default via 198.18.1.1
route add default via fd00:1::1
EOF
ip -n b -b - <<'EOF'
link set lo up
link set eth0 up
addr add 198.18.2.2/24 dev eth0
addr add fd00:2::2/64 dev eth0 nodad
route add default via 198.18.2.1
route add default via fd00:2::1
EOF
ip -n r -b - <<'EOF'
link set lo up
link set ra up
link set rb up
addr add 198.18.1.1/24 dev ra
addr add fd00:1::1/64 dev ra nodad
addr add 198.18.2.1/24 dev rb
addr add fd00:2::1/64 dev rb nodad
EOF
ip netns exec r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

# Both pods serve and call each other; the netlink client runs beside.
traffic a peer --listen 198.18.1.2 --listen fd00:1::2 --port $PORT \
	--connect 198.18.2.2 --connect fd00:2::2 --ready "$work/a.ready"
traffic b peer --listen 198.18.2.2 --listen fd00:2::2 --port $PORT \
	--connect 198.18.1.2 --connect fd00:1::2 --ready "$work/b.ready"
traffic "" genl
gens=("${pids[@]}")
if ! wait_file "$work/a.ready" 30 || ! wait_file "$work/b.ready" 30; then
	echo "stress: traffic did not start"
	exit 1
fi

# The harness loaded the module: start from unloaded.
unload
kernel_quiet || result 0 "first unload"

# load: every third round uses a tiny table and ring, so full-table and
# ring-overflow paths run at load and unload too.
for i in $(seq "$LOAD_ROUNDS"); do
	ok=1 why=
	params=()
	[ $((i % 3)) = 0 ] && params=(max_flows=16 ring_size=16)
	if ! insmod "$ko" ${params[@]+"${params[@]}"}; then
		ok=0 why="insmod failed"
	elif ! wait_seen 10; then
		ok=0 why="no packet accounted in 10 s"
	fi
	seen=$(stat_value packets_seen 2>/dev/null) || seen='?'
	if [ -d /sys/module/flowmesh ] && ! unload; then
		ok=0 why="${why:+$why, }rmmod failed"
	fi
	kernel_quiet || { ok=0 why="${why:+$why, }kernel report"; }
	for p in "${gens[@]}"; do
		alive "$p" || { ok=0 why="${why:+$why, }a traffic generator exited"; }
	done
	result $ok "load round $i${params[*]:+ (${params[*]})}: $seen packets seen${why:+: $why}"
	[ $((i % 10)) != 0 ] || echo "# $i load rounds in $((SECONDS - start)) s"
	if [ $ok = 0 ] && [ -d /sys/module/flowmesh ]; then
		break
	fi
done
echo "# load rounds took $((SECONDS - start)) s"

# netns: the module stays loaded. Pod dN hangs off r; a generator in r
# calls whichever pod is current (named in $target) and serves it; one in
# dN does the same the other way and is killed, with RST, the moment dN
# is deleted, so the namespace dies with packets in flight both ways.
: >"$stop"
for p in "${gens[@]}"; do wait "$p" 2>/dev/null || true; done
rm -f "$stop"
pids=()
ip netns del a
ip netns del b
insmod "$ko" || { result 0 "insmod before netns rounds"; exit 1; }
target=$work/target
: >"$target"
traffic r peer --listen 0.0.0.0 --listen :: --port $PORT --target "$target" \
	--abort --ready "$work/r.ready"
hub=$!
wait_file "$work/r.ready" 30 || { echo "stress: traffic did not start"; exit 1; }
nstart=$SECONDS
for i in $(seq "$NETNS_ROUNDS"); do
	ok=1 why=
	d=d$i
	ip netns add "$d"
	ip link add "h$i" netns r type veth peer name eth0 netns "$d"
	ip -n r -b - <<-EOF
		link set h$i up
		addr add 198.19.$i.1/24 dev h$i
		addr add fd00:b:$i::1/64 dev h$i nodad
	EOF
	ip -n "$d" -b - <<-EOF
		link set lo up
		link set eth0 up
		addr add 198.19.$i.2/24 dev eth0
		addr add fd00:b:$i::2/64 dev eth0 nodad
	EOF
	echo "198.19.$i.2 fd00:b:$i::2" >"$target"
	traffic "$d" peer --listen "198.19.$i.2" --listen "fd00:b:$i::2" --port $PORT \
		--connect "198.19.$i.1" --connect "fd00:b:$i::1" --abort \
		--ready "$work/$d.ready"
	pod=$!
	wait_file "$work/$d.ready" 30 || { ok=0 why="pod traffic did not start"; }
	# Let both directions open flows, then pull the namespace away.
	sleep 0.5
	created=$(stat_value flows_created 2>/dev/null) || created='?'
	ip netns del "$d"
	kill -KILL "$pod" 2>/dev/null || true
	wait "$pod" 2>/dev/null || true
	kernel_quiet || { ok=0 why="${why:+$why, }kernel report"; }
	alive "$hub" || { ok=0 why="${why:+$why, }the hub generator exited"; }
	[ -d /sys/module/flowmesh ] || { ok=0 why="${why:+$why, }module gone"; }
	result $ok "netns round $i: deleted under traffic, $created flows created so far${why:+: $why}"
done
: >"$target"

# Namespaces die in a workqueue: wait for the last ones before the harness
# unloads the module, so that their exit ran with it loaded.
end=$((SECONDS + 30))
while ip -n r link show h"$NETNS_ROUNDS" >/dev/null 2>&1 && [ $SECONDS -lt $end ]; do
	sleep 0.1
done
sleep 1
ok=1
stat_value flows_active >/dev/null || ok=0
kernel_quiet || ok=0
result $ok "netns rounds done in $((SECONDS - nstart)) s, module still answering"
echo "# stress took $((SECONDS - start)) s, $failed of $n failed"
[ "$failed" = 0 ]
