#!/bin/bash
# Replayed records end up in the store exactly: per edge, the fine windows
# sum to the generator's totals (bytes, packets, connections, exchanges),
# every 1-minute and 1-hour row is the sum of what it rolls up, and an
# inventory names the services.  Then the same records in two halves, with
# a restart in between: the daemon resumes from its saved flow state and
# counts nothing twice.
. "$(dirname "$0")/lib.sh"

"$RECORDS" "$WORK/all.bin" --flows 300 --span 4000 --life 90 \
	2>"$WORK/expected.json"
cat >"$WORK/inventory" <<-'INV'
	# clients
	10.0.1.0/24   web   namespace=shop  tier=front
	10.0.2.1      api   namespace=shop
	10.0.2.2      db    namespace=shop
INV

# totals NAMING: the fine windows' sums per edge vs the generator's
totals() {
	sql "SELECT client, server, SUM(opened), SUM(closed), SUM(tx_bytes),
	            SUM(rx_bytes), SUM(tx_packets), SUM(rx_packets),
	            SUM(exchanges)
	     FROM windows WHERE res = 10 GROUP BY client, server;" \
		>"$WORK/got.txt"
	python3 - "$WORK/expected.json" "$WORK/got.txt" "$1" <<-'PY'
	import json, sys
	exp = json.load(open(sys.argv[1]))["edges"]
	names = {"10.0.2.1": "api", "10.0.2.2": "db"}
	want = {}
	for k, t in exp.items():
	    c, s = k.split("->")
	    key = ("web", names[s]) if sys.argv[3] == "named" else (c, s)
	    w = want.setdefault(key, [0] * 7)
	    for i, f in enumerate(("opened", "closed", "tx_bytes", "rx_bytes",
	                           "tx_packets", "rx_packets", "exchanges")):
	        w[i] += t[f]
	got = {}
	for line in open(sys.argv[2]):
	    f = line.rstrip("\n").split("|")
	    got[(f[0], f[1])] = [int(x) for x in f[2:]]
	if got != want:
	    print("want", sorted(want.items()))
	    print("got ", sorted(got.items()))
	    sys.exit(1)
	PY
}

# rolled_up FINE COARSE: every COARSE row is the sum of the FINE rows it
# covers, and every FINE period before the last COARSE row is rolled up.
# (Periods still open at the end of the records stay fine only, until
# later records show they are complete.)  Prints the COARSE row count.
rolled_up() {
	local cols="opened closed tx_bytes rx_bytes tx_packets rx_packets exchanges retransmits"
	local diff="" c
	for c in $cols; do
		diff="$diff OR c.$c != (SELECT SUM(f.$c) FROM windows f
			WHERE f.res = $1 AND f.start >= c.start
			  AND f.start < c.start + $2
			  AND f.client = c.client AND f.server = c.server)"
	done
	sql "SELECT COUNT(*) FROM windows c WHERE c.res = $2 AND (0 $diff);
	     SELECT COUNT(*) FROM windows f WHERE f.res = $1
	       AND f.start < (SELECT MAX(start) + $2 FROM windows WHERE res = $2)
	       AND NOT EXISTS (SELECT 1 FROM windows c WHERE c.res = $2
	         AND c.start = f.start / $2 * $2
	         AND c.client = f.client AND c.server = f.server);
	     SELECT COUNT(*) FROM windows WHERE res = $2;" | {
		read -r bad; read -r missing; read -r n
		[ "$bad" = 0 ] && [ "$missing" = 0 ] && [ "$n" -gt 0 ] || {
			echo "res $2: $bad rows differ, $missing not rolled up, $n rows" >&2
			return 1
		}
		echo "$n"
	}
}

check_all() {
	totals "$1" || fail "$2: 10 s windows differ from the records"
	minutes=$(rolled_up 10 60) || fail "$2: 1 min roll-up is wrong"
	hours=$(rolled_up 60 3600) || fail "$2: 1 h roll-up is wrong"
}

daemon --source "$WORK/all.bin" --set inventory="$WORK/inventory" \
	--set window=10s 2>"$WORK/d1.log" || fail "daemon: $(tail -n3 "$WORK/d1.log")"
check_all named "one run"
pass "one run: 10 s windows equal the records' totals, services named by the inventory; $minutes 1 min and $hours 1 h rows each equal what they roll up"

[ "$(sql 'SELECT COUNT(*) FROM flows;')" = 300 ] ||
	fail "closed flows: $(sql 'SELECT COUNT(*) FROM flows;') of 300"
[ "$(sql 'SELECT COUNT(*) FROM live_flows;')" = 0 ] ||
	fail "live flows left after every flow closed"
pass "every closed flow stored, no live flow state left"

rm -f "$WORK"/flowmesh.db*
n=$(($(stat -c %s "$WORK/all.bin") / 160))
head -c $((n / 2 * 160)) "$WORK/all.bin" >"$WORK/first.bin"
tail -c +$((n / 2 * 160 + 1)) "$WORK/all.bin" >"$WORK/second.bin"
daemon --source "$WORK/first.bin" 2>"$WORK/d2.log" ||
	fail "first half: $(tail -n3 "$WORK/d2.log")"
live=$(sql 'SELECT COUNT(*) FROM live_flows;')
[ "$live" -gt 0 ] || fail "no live flow state saved at a stop mid-stream"
daemon --source "$WORK/second.bin" 2>"$WORK/d3.log" ||
	fail "second half: $(tail -n3 "$WORK/d3.log")"
check_all addresses "two runs"
pass "two runs with a restart ($live live flows carried over): totals exact, nothing counted twice, roll-ups consistent"
