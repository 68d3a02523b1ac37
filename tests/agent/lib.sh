# shellcheck shell=bash
# Helpers for the agent's host tests: the real flowmeshd (the ASan build
# from `make unit`) on replayed records, no kernel involved.  Source it:
#
#   . "$(dirname "$0")/lib.sh"
set -eu

AGENT_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$AGENT_TEST_DIR/../lib/common.sh"
TOP=$(cd "$AGENT_TEST_DIR/../.." && pwd)
: "${BUILD:=$TOP/build}"
FLOWMESHD=${FLOWMESHD:-$BUILD/asan/flowmeshd}
RECORDS=$AGENT_TEST_DIR/records.py
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

WORK=$(mktemp -d /tmp/flowmesh-agent-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# daemon ARGS...: flowmeshd with a private database and socket, no HTTP.
# `daemon ... &` makes $! the subshell running the function; for the
# daemon's own pid, start "${DAEMON[@]}" ARGS... & instead.
DAEMON=("$FLOWMESHD" --set database="$WORK/flowmesh.db"
	--set socket="$WORK/flowmeshd.sock" --set http_listen=off
	--set inventory=none)
daemon() { "${DAEMON[@]}" "$@"; }

sql() { sqlite3 -batch -noheader "$WORK/flowmesh.db" "$@"; }

# pv_slow: copy stdin to stdout at about 10,000 records (1.6 MB) a second,
# so a daemon reading it is always in the middle of something.
pv_slow() {
	python3 -c '
import sys, time
i, o = sys.stdin.buffer, sys.stdout.buffer
while True:
    b = i.read(160 * 200)
    if not b:
        break
    o.write(b)
    o.flush()
    time.sleep(0.02)
'
}
