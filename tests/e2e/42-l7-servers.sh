#!/bin/bash
# Real servers and clients of each L7 protocol between two pods, with
# flowmeshd inspecting every flow (inspect_one_in = 1) and no opaque port:
# each flow carries its protocol in both pods' views, and its requests are
# counted per route with their failures (redis-server and redis-cli;
# memcached; dnsmasq; python's smtpd and smtplib; nghttpd and curl over
# HTTP/2 cleartext; a python gRPC server and client).  Redis's DEBUG SLEEP
# 0.05 has a median latency of 50 ms to 50 ms + 20 % + 5 ms, a gRPC method
# that answers after 50 ms one of at least 50 ms.
. "$(dirname "$0")/lib.sh"

CLIENTS=$E2E_DIR/l7_clients.py
STATE=/var/cache/flowmesh-e2e-l7-servers
SRV=198.18.2.2

trap l7_cleanup EXIT

rm -rf "$STATE" && mkdir -p "$STATE/www"
l7_pods 198.18.2.1 $SRV
echo hello >"$STATE/www/hello.txt"

flowmeshd_conf "$STATE" \
	"inventory = none" \
	"http_listen = off" \
	"inspect_one_in = 1"

module_load
# the checks look at flows after their connections closed
flowmesh config set timeout_tcp_closed=600 timeout_udp=600 >/dev/null
# Redis and memcache ports are opaque by default: never inspected.
flowmesh config set opaque_ports=none >/dev/null
# Routes are read over the last 10 minutes, a period flowmeshd started
# within: its first minute is rolled up while the scenario runs, and the
# 5 s windows since must still be read.
flowmeshd_start "$STATE"
pass "flowmeshd started"

# serve NAME COMMAND...: a server in the server pod, output in NAME.log
# (l7_cleanup kills it with everything else in the pods)
serve() {
	local name=$1
	shift
	in_pod server "$@" >"$STATE/$name.log" 2>&1 &
}
logs() { tail -n 20 "$STATE/$1.log"; }
serve redis redis-server --bind $SRV --port 6379 --protected-mode no \
	--enable-debug-command yes --save '' --appendonly no --daemonize no
serve memcache memcached -u nobody -l $SRV -p 11211
serve dns dnsmasq --no-resolv --no-hosts --address=/example.test/$SRV \
	--listen-address=$SRV --bind-interfaces --port 53 -k --pid-file= \
	-u root
serve smtp python3 -W ignore -m smtpd -n -c DebuggingServer $SRV:2525
serve http2 nghttpd --no-tls -a $SRV -d "$STATE/www" 8080
serve grpc python3 "$CLIENTS" grpc-serve $SRV 50051
for port in 6379 11211 2525 8080 50051; do
	wait_port server $port || fail "no server on port $port"
done
wait_port server 53 udp || fail "no DNS server"
pass "servers started"

l7_pods_bound "$STATE" $SRV

# The clients: one connection (or query) per command unless said.
rcli() { in_pod client redis-cli -h $SRV "$@"; }
[ "$(rcli SET k v)" = OK ] && [ "$(rcli GET k)" = v ] &&
	rcli INCR k | grep -q '^ERR ' ||
	fail "redis commands: $(logs redis)"
# 5 answers 50 ms late, on one connection
[ "$(rcli -r 5 DEBUG SLEEP 0.05 | grep -c '^OK$')" = 5 ] ||
	fail "redis DEBUG SLEEP: $(logs redis)"
in_pod client python3 "$CLIENTS" memcache $SRV 11211 || fail "memcache"
in_pod client python3 "$CLIENTS" dns $SRV example.test 0 &&
	in_pod client python3 "$CLIENTS" dns $SRV other.invalid 5 ||
	fail "DNS queries"
in_pod client python3 "$CLIENTS" smtp $SRV 2525 || fail "SMTP"
in_pod client curl -sf --http2-prior-knowledge -o /dev/null \
	http://$SRV:8080/hello.txt || fail "HTTP/2 GET"
[ "$(in_pod client curl -s --http2-prior-knowledge -o /dev/null \
	-w '%{http_code}' http://$SRV:8080/missing.txt)" = 404 ] ||
	fail "HTTP/2 GET of a missing file is not 404"
in_pod client python3 "$CLIENTS" grpc-call $SRV 50051 \
	Ok Fail Slow Slow Slow Slow Slow || fail "gRPC calls"
pass "clients done"

for pp in 6379:redis 11211:memcache 53:dns 2525:smtp 8080:http2 \
	50051:grpc; do
	wait_for 20 flows_labelled "$STATE" "${pp%:*}" "${pp#*:}" ||
		fail "flows to port ${pp%:*} not labelled ${pp#*:}: $(cat "$STATE/flows.json")"
	pass "flows to port ${pp%:*} labelled ${pp#*:} in both pods"
done

check_l7_routes "$STATE" redis "SET|SET|1|1" "GET|GET|1|1" "INCR|INCR|1|0" \
	"DEBUG|DEBUG|5|1"
check_l7_routes "$STATE" memcache "SET|SET|1|1" "GET|GET|1|1" "INCR|INCR|1|0"
check_l7_routes "$STATE" dns "A|example.test|1|1" "A|other.invalid|1|0"
check_l7_routes "$STATE" smtp "EHLO|EHLO|1|1" "MAIL|MAIL|1|1" "RCPT|RCPT|1|1" \
	"DATA|DATA|1|1" "QUIT|QUIT|1|1"
check_l7_routes "$STATE" http2 "GET|/hello.txt|1|1" "GET|/missing.txt|1|1"
check_l7_routes "$STATE" grpc "POST|/demo.Echo/Ok|1|1" "POST|/demo.Echo/Fail|1|0" \
	"POST|/demo.Echo/Slow|5|1"

# Redis answers DEBUG SLEEP 0.05 after 50 ms: within 50 ms + 20 % + 5 ms.
P50=$(l7_route_p50 "$STATE" redis DEBUG 50 65) ||
	fail "redis DEBUG p50 latency $P50 ms: $(cat "$STATE/routes.json")"
pass "redis DEBUG SLEEP 0.05 p50 latency $P50 ms (50 .. 65)"
# The Slow gRPC method answers after 50 ms (python's overhead on top of
# that varies too much for an upper bound).
P50=$(l7_route_p50 "$STATE" grpc /demo.Echo/Slow 50 1000) ||
	fail "gRPC Slow p50 latency $P50 ms: $(cat "$STATE/routes.json")"
pass "gRPC Slow p50 latency $P50 ms (at least 50)"
