#!/bin/bash
# flowmesh top in a real terminal: script(1) gives it a pseudo-terminal,
# on a database flowmeshd made from replayed records.  After its first
# frame a 'q' must end it with status 0; the frame holds the services, the
# edges and the column headers, and the terminal is given back (the
# alternate screen it entered is left again).
. "$(dirname "$0")/lib.sh"

FLOWMESH=${FLOWMESH:-$BUILD/asan/flowmesh}
now=$(date +%s)
"$RECORDS" "$WORK/r.bin" --flows 100 --clients 2 --servers 2 \
	--start $((now - 900)) --span 300 --life 60 2>/dev/null
cat >"$WORK/inventory" <<-'INV'
	10.0.1.0/24  web
	10.0.2.1     api
	10.0.2.2     db
INV
daemon --source "$WORK/r.bin" --set inventory="$WORK/inventory" \
	2>"$WORK/daemon.log" || fail "flowmeshd: $(tail -n 3 "$WORK/daemon.log")"

keys=$WORK/keys
mkfifo "$keys"
# -e: script exits with top's status; the size is what curses reads
TERM=xterm COLUMNS=160 LINES=40 script -qefc \
	"$FLOWMESH top --db $WORK/flowmesh.db --window 1h --interval 1s" \
	"$WORK/screen" <"$keys" >/dev/null 2>&1 &
pid=$!
exec 4>"$keys"
wait_for 30 grep -q LATENCY_P95 "$WORK/screen" ||
	fail "no frame after 30 s: $(cat -v "$WORK/screen")"
sleep 0.5
printf q >&4
status=0
wait "$pid" || status=$?
exec 4>&-
[ "$status" = 0 ] || fail "top exited $status: $(tail -c 600 "$WORK/screen" | cat -v)"
pass "top drew a frame and quit on 'q' with status 0"

# Curses draws with cursor moves, not spaces: look for the words.
for word in SERVICE CLIENT SERVER SUCCESS RPS LATENCY_P50 LATENCY_P99 \
	RTT_P50 CONNS web api db; do
	grep -q "$word" "$WORK/screen" || fail "no '$word' on the screen: $(cat -v "$WORK/screen")"
done
pass "the frame shows web, api and db and the column headers"

# xterm's smcup and rmcup: the alternate screen, entered and then left
python3 - "$WORK/screen" <<'PY' || fail "the terminal was not restored"
import sys
s = open(sys.argv[1], "rb").read()
enter, leave = s.rfind(b"\x1b[?1049h"), s.rfind(b"\x1b[?1049l")
print(f"alternate screen entered at byte {enter}, left at {leave}")
sys.exit(0 if 0 <= enter < leave else 1)
PY
pass "the alternate screen was left on exit"
