#!/bin/bash
# Event rings: a burst of flows overflows a tiny ring; the losses are
# counted, never hidden: after draining, records produced = drained +
# dropped, the drained count equals the records the reader received, and
# those records describe real flows.  Also: the first record into an empty
# ring sends the "data ready" notification to a plain netlink listener,
# /proc/net/flowmesh/stat shows the same counters, and a bad setting is
# refused with the kernel's own message.
. "$(dirname "$0")/lib.sh"

cleanup() { pods_del; module_unload; }
trap cleanup EXIT

pod_add a b
pod_veth a eth0 b eth0
pod_addr a eth0 198.18.0.1/24
pod_addr b eth0 198.18.0.2/24
module_load ring_size=16
# Nothing may expire or update behind the test's back.
flowmesh config set timeout_udp=600 update_interval=0 >/dev/null

"$E2E_DIR/notify_listen.py" 30 >/tmp/notify.out &
listener=$!
wait_for 20 grep -q joined /tmp/notify.out || fail "listener did not join"
in_pod a "$TRAFFIC" udp-flood 198.18.0.2 20000 300 >/dev/null
check "data ready notification received" wait $listener
flowmesh events -o json >/tmp/events.json
flowmesh status -o json >/tmp/status.json
cp /proc/net/flowmesh/stat /tmp/proc-stat

same_in_proc() {
	python3 - <<'PY'
import json
st = json.load(open("/tmp/status.json"))
proc = dict(l.split()[:2] for l in open("/tmp/proc-stat") if not l.startswith("cpu"))
for k in ("records_produced", "records_drained", "records_dropped", "flows_active"):
    assert int(proc[k]) == st[k], (k, proc[k], st[k])
print("proc and netlink agree:", {k: proc[k] for k in ("records_produced", "records_dropped")})
PY
}
check "/proc/net/flowmesh/stat agrees with flowmesh status" same_in_proc

refused() {
	local rc=0 err
	err=$(flowmesh config set ring_size=100 2>&1) || rc=$?
	echo "exit $rc: $err"
	[ "$rc" = 1 ] && grep -q "power of two" <<<"$err"
}
check "a ring size that is not a power of two is refused with a reason" refused

conserved() {
	python3 - <<'PY'
import json
st = json.load(open("/tmp/status.json"))
events = [json.loads(l) for l in open("/tmp/events.json") if l.strip()]
p, d, x, q = (st[k] for k in ("records_produced", "records_drained",
                              "records_dropped", "records_queued"))
print(f"produced {p} drained {d} dropped {x} queued {q}; reader got {len(events)}")
assert p == d + x + q, "not conserved"
assert q == 0, "rings not empty after draining"
assert x > 0, "the burst did not overflow the ring"
assert d == len(events), "drained count differs from records received"
for cpu in st["cpus"]:
    assert cpu["records_produced"] == cpu["records_drained"] + cpu["records_dropped"], cpu
opens = [e for e in events if e["type"] == "open"]
assert opens and all(e["proto"] == "udp" and e["server"] == "198.18.0.2" for e in opens), opens[:3]
PY
}
check "records produced = drained + dropped after a burst" conserved
