#!/bin/bash
# MariaDB and PostgreSQL servers in one pod and their command-line clients
# (mariadb, psql) in the other, with flowmeshd inspecting every flow
# (inspect_one_in = 1) and no opaque port: the flows carry the protocols
# mysql and postgresql in both pods' views, and each statement is a request
# counted under its verb, an error answer failing it.  DO SLEEP(0.2) and a
# PL/pgSQL DO block that runs pg_sleep(0.2) have a median latency of 200 ms
# to 200 ms + 20 % + 5 ms.
. "$(dirname "$0")/lib.sh"

STATE=/var/cache/flowmesh-e2e-l7-sql
CLIENT=198.18.3.1
SRV=198.18.3.2
PG_BINS=(/usr/lib/postgresql/*/bin)
PG_BIN=${PG_BINS[-1]}
# PostgreSQL refuses to run as root.
AS_POSTGRES=(setpriv --reuid=postgres --regid=postgres --clear-groups)

trap l7_cleanup EXIT

rm -rf "$STATE" && mkdir -p "$STATE/mysql" "$STATE/pg"
l7_pods $CLIENT $SRV

flowmeshd_conf "$STATE" \
	"inventory = none" \
	"http_listen = off" \
	"inspect_one_in = 1"

module_load
# the checks look at flows after their connections closed
flowmesh config set timeout_tcp_closed=600 timeout_udp=600 >/dev/null
# The MySQL and PostgreSQL ports are opaque by default: never inspected.
flowmesh config set opaque_ports=none >/dev/null
flowmeshd_start "$STATE"
pass "flowmeshd started"

logs() { tail -n 20 "$STATE/$1.log"; }
# Both data directories are made at once (each takes seconds under
# emulation); the databases are throwaway, so nothing is synced.
mariadb-install-db --no-defaults --datadir="$STATE/mysql" --user=root \
	--auth-root-authentication-method=normal --skip-test-db \
	--innodb-log-file-size=8M --innodb-flush-method=fsync \
	>"$STATE/mysql-install.log" 2>&1 &
INSTALL_DB=$!
chown postgres: "$STATE/pg"
"${AS_POSTGRES[@]}" "$PG_BIN/initdb" -D "$STATE/pg" -U postgres -A trust \
	--locale=C -E UTF8 --no-sync >"$STATE/initdb.log" 2>&1 ||
	fail "initdb: $(logs initdb)"
wait "$INSTALL_DB" || fail "mariadb-install-db: $(logs mysql-install)"
echo "host all all $CLIENT/32 trust" >>"$STATE/pg/pg_hba.conf"
pass "data directories made (${SECONDS} s)"

# No grant tables: any user may connect, with no password.
in_pod server mariadbd --no-defaults --datadir="$STATE/mysql" --user=root \
	--socket="$STATE/mysql.sock" --pid-file="$STATE/mysql.pid" \
	--bind-address=$SRV --port=3306 --skip-grant-tables \
	--skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=16M \
	--innodb-log-file-size=8M --innodb-flush-method=fsync \
	>"$STATE/mysql.log" 2>&1 &
# No Unix socket: /run/postgresql does not exist here.
in_pod server "${AS_POSTGRES[@]}" "$PG_BIN/postgres" -D "$STATE/pg" \
	-c listen_addresses=$SRV -c port=5432 -c unix_socket_directories= \
	-c ssl=off -c fsync=off \
	>"$STATE/pg.log" 2>&1 &
wait_port server 3306 tcp 60 || fail "no MariaDB server: $(logs mysql)"
wait_port server 5432 tcp 60 || fail "no PostgreSQL server: $(logs pg)"
pass "servers started (${SECONDS} s)"

l7_pods_bound "$STATE" $SRV

# Each client call is one connection.  In batch mode (-e) the mariadb
# client sends each statement as it is, nothing else but COM_QUIT;
# --force goes on past an error.  psql -X reads no startup file and sends
# each -c as one simple query, nothing else.
my() {
	in_pod client mariadb --no-defaults -h $SRV -P 3306 -u root -N -B \
		--force -e "$1" 2>"$STATE/client.err"
}
pg() {
	local args=() sql
	for sql in "$@"; do
		args+=(-c "$sql")
	done
	in_pod client psql -X -q -A -t -h $SRV -p 5432 -U postgres \
		-d postgres "${args[@]}" 2>"$STATE/client.err"
}
OUT=$(my "CREATE DATABASE d; CREATE TABLE d.t (k INT);
	INSERT INTO d.t VALUES (7); SELECT k FROM d.t;
	SELECT k FROM d.missing;") && fail "mariadb: no error reported"
[ "$OUT" = 7 ] && grep -q '^ERROR 1146 ' "$STATE/client.err" ||
	fail "mariadb session: '$OUT' $(cat "$STATE/client.err")"
# 5 statements answered 200 ms late, on one connection
OUT=$(my "DO SLEEP(0.2); DO SLEEP(0.2); DO SLEEP(0.2); DO SLEEP(0.2);
	DO SLEEP(0.2);") && [ -z "$OUT" ] ||
	fail "mariadb DO SLEEP: '$OUT' $(cat "$STATE/client.err")"
OUT=$(pg "CREATE TABLE t (k int)" "INSERT INTO t VALUES (7)" \
	"SELECT k FROM t" "SELECT k FROM missing") &&
	fail "psql: no error reported"
[ "$OUT" = 7 ] &&
	grep -q 'relation "missing" does not exist' "$STATE/client.err" ||
	fail "psql session: '$OUT' $(cat "$STATE/client.err")"
SLEEP_PG="DO 'BEGIN PERFORM pg_sleep(0.2); END'"
OUT=$(pg "$SLEEP_PG" "$SLEEP_PG" "$SLEEP_PG" "$SLEEP_PG" "$SLEEP_PG") &&
	[ -z "$OUT" ] ||
	fail "psql DO pg_sleep: '$OUT' $(cat "$STATE/client.err")"
pass "clients done"

for pp in 3306:mysql 5432:postgresql; do
	wait_for 20 flows_labelled "$STATE" "${pp%:*}" "${pp#*:}" ||
		fail "flows to port ${pp%:*} not labelled ${pp#*:}: $(cat "$STATE/flows.json")"
	pass "flows to port ${pp%:*} labelled ${pp#*:} in both pods"
done

# CREATE DATABASE and CREATE TABLE share their verb; of the two SELECTs
# the one from a missing table fails (ERR 1146, ErrorResponse 42P01).
check_l7_routes "$STATE" mysql "QUERY|CREATE|2|1" "QUERY|INSERT|1|1" \
	"QUERY|SELECT|2|0.5" "QUERY|DO|5|1"
check_l7_routes "$STATE" postgresql "QUERY|CREATE|1|1" "QUERY|INSERT|1|1" \
	"QUERY|SELECT|2|0.5" "QUERY|DO|5|1"

# Both servers answer after sleeping 200 ms: within 200 ms + 20 % + 5 ms.
for proto in mysql postgresql; do
	P50=$(l7_route_p50 "$STATE" $proto DO 200 245) ||
		fail "$proto DO p50 latency $P50 ms: $(cat "$STATE/routes.json")"
	pass "$proto DO (200 ms sleep) p50 latency $P50 ms (200 .. 245)"
done
