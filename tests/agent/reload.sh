#!/bin/bash
# SIGHUP re-reads the inventory.  flowmeshd reads records from a FIFO held
# open, so it keeps running between batches.  A file with bad lines is
# refused: each bad line is logged with its number, the old inventory stays
# and inventory_reload_failures counts it.  A good file replaces the
# inventory and inventory_reloads counts it: flows that open after it are
# named by the new file in the store, those before by the old one.
. "$(dirname "$0")/lib.sh"

fifo=$WORK/records.fifo
mkfifo "$fifo"
now=$(date +%s)
# one client and one server address; batch 2 starts after batch 1 ends
"$RECORDS" "$WORK/one.bin" --flows 50 --clients 1 --servers 1 \
	--start $((now - 3600)) --span 300 --life 30 2>/dev/null
"$RECORDS" "$WORK/two.bin" --flows 50 --clients 1 --servers 1 \
	--first-id 1000000 --start $((now - 1800)) --span 300 --life 30 \
	2>/dev/null
n1=$(($(stat -c %s "$WORK/one.bin") / 160))
n2=$(($(stat -c %s "$WORK/two.bin") / 160))

cat >"$WORK/inventory" <<-'INV'
	10.0.1.1  web
	10.0.2.1  api-old
INV

# status: the daemon's counters, from its control socket
status() {
	python3 - "$WORK/flowmeshd.sock" <<-'PY'
	import json, socket, sys
	s = socket.socket(socket.AF_UNIX)
	s.connect(sys.argv[1])
	s.sendall(b'{"request": "status"}\n')
	print(s.makefile().readline().strip())
	PY
}
# counter NAME: one of them
counter() { status | python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
counter_is() { [ "$(counter "$1")" = "$2" ]; }

daemon --source "$fifo" --set inventory="$WORK/inventory" --set window=10s \
	--set grace=0 --set flush_interval=1s 2>"$WORK/daemon.log" &
pid=$!
exec 3>"$fifo"
cat "$WORK/one.bin" >&3
wait_for 30 counter_is records_read "$n1" ||
	fail "batch 1 not read: $(tail -n 3 "$WORK/daemon.log")"
# $pid is the shell running the function; the daemon says its own
daemon_pid=$(counter pid)
pass "flowmeshd up on a FIFO, $n1 records read"

# bad: line 2 has no name, line 3 an address that is none
cat >"$WORK/inventory" <<-'INV'
	10.0.1.1  web
	10.0.2.1
	10.0.2.300  db
INV
kill -HUP "$daemon_pid"
wait_for 10 counter_is inventory_reload_failures 1 ||
	fail "no reload failure counted: $(status)"
counter_is inventory_reloads 0 || fail "a bad file counted as reloaded"
grep -q "inventory:2: " "$WORK/daemon.log" ||
	fail "line 2 not logged: $(cat "$WORK/daemon.log")"
grep -q "inventory:3: " "$WORK/daemon.log" ||
	fail "line 3 not logged: $(cat "$WORK/daemon.log")"
grep -q "keeping the previous inventory (2 entries)" "$WORK/daemon.log" ||
	fail "not said that the old inventory stays: $(cat "$WORK/daemon.log")"
pass "bad inventory refused: each bad line logged, failure counted"

cat >"$WORK/inventory" <<-'INV'
	10.0.1.1  web
	10.0.2.1  api-new
INV
kill -HUP "$daemon_pid"
wait_for 10 counter_is inventory_reloads 1 || fail "reload not counted: $(status)"
counter_is inventory_reload_failures 1 || fail "a good file counted as failed"
pass "good inventory reloaded and counted"

cat "$WORK/two.bin" >&3
exec 3>&-
wait "$pid" || fail "flowmeshd: $(tail -n 3 "$WORK/daemon.log")"

# Each batch's flows under the name in force when they opened: the old
# file's (kept through the bad reload) for batch 1, the new one's after.
got=$(sql "SELECT server, SUM(opened) FROM windows WHERE res = 10
	   AND client = 'web' GROUP BY server ORDER BY server;" | tr '\n' ' ')
[ "$got" = "api-new|50 api-old|50 " ] ||
	fail "per server name: got '$got', want 50 opened each for api-new and api-old"
old_last=$(sql "SELECT MAX(start) FROM windows WHERE server = 'api-old';")
new_first=$(sql "SELECT MIN(start) FROM windows WHERE server = 'api-new';")
[ "$old_last" -lt "$new_first" ] ||
	fail "api-old windows reach $old_last, api-new start at $new_first"
pass "$n2 records after the reload named by the new inventory, the $n1 before by the old"
