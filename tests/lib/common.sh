# shellcheck shell=bash
# Shell helpers shared by the agent's host tests and the e2e scenarios;
# their own lib.sh sources it.

# wait_for SECS COMMAND...: poll until COMMAND succeeds; false after SECS.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}
