#!/bin/bash
# Crash safety: flowmeshd is killed with SIGKILL in the middle of ingesting
# 50 times.  After every kill the database passes PRAGMA integrity_check,
# and every window row committed before an earlier kill is still there
# with counters no smaller than they were.
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-50}
fifo=$WORK/records.fifo
mkfifo "$fifo"
prev=$WORK/prev.txt
: >"$prev"
killed_mid=0
# rounds follow each other in time within the last day (retention)
base=$(($(date +%s) / 3600 * 3600 - 86400 + 3600))

for i in $(seq 1 "$ROUNDS"); do
	# each round's flows are new (ids, times), so rounds never overlap
	"$RECORDS" - --flows 400 --seed "$i" --first-id $((i * 1000000)) \
		--start $((base + i * 600)) --span 300 --life 60 \
		2>/dev/null | pv_slow 2>/dev/null >"$fifo" &
	writer=$!
	# the daemon itself in the background, so that SIGKILL hits it
	"${DAEMON[@]}" --source "$fifo" --set flush_interval=1s \
		--set window=10s --set grace=0 2>>"$WORK/daemon.log" &
	pid=$!
	sleep "$(python3 -c "import random; print(random.uniform(1.0, 2.5))")"
	if kill -0 "$pid" 2>/dev/null; then
		killed_mid=$((killed_mid + 1))
	fi
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	kill "$writer" 2>/dev/null || true
	wait "$writer" 2>/dev/null || true

	ok=$(sql 'PRAGMA integrity_check;')
	[ "$ok" = ok ] || fail "round $i: integrity_check: $ok"
	sql "SELECT res, start, client, server, tx_bytes, opened FROM windows ORDER BY 1, 2, 3, 4;" \
		>"$WORK/now.txt"
	python3 - "$prev" "$WORK/now.txt" "$i" <<'PY' || fail "round $i: committed rows lost"
import sys
def rows(p):
    out = {}
    for line in open(p):
        res, start, c, s, tx, op = line.rstrip("\n").split("|")
        out[(res, start, c, s)] = (int(tx), int(op))
    return out
prev, now = rows(sys.argv[1]), rows(sys.argv[2])
lost = [k for k in prev if k not in now]
shrunk = [k for k in prev if k in now and (now[k][0] < prev[k][0] or now[k][1] < prev[k][1])]
if lost or shrunk:
    print(f"lost {len(lost)} rows, {len(shrunk)} shrank, e.g. {(lost + shrunk)[:3]}")
    sys.exit(1)
PY
	cp "$WORK/now.txt" "$prev"
done
rows=$(wc -l <"$prev")
[ "$rows" -gt 0 ] || fail "nothing was ever committed"
[ "$killed_mid" -ge $((ROUNDS * 9 / 10)) ] ||
	fail "only $killed_mid of $ROUNDS kills hit a running daemon"
pass "$ROUNDS kills mid-ingest ($killed_mid while running): integrity ok, all $rows committed rows kept"
