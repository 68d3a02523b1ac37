#!/bin/bash
# The guest runs the kernel the host asked for, and two pods joined by a veth
# pair reach each other over IPv4 and IPv6.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

cleanup() { pods_del; }
trap cleanup EXIT

want=${E2E_KVER:?run scenarios with tools/vm/run}
check "guest kernel is $want" [ "$(uname -r)" = "$want" ]

pod_add a b
pod_veth a eth0 b eth0
pod_addr a eth0 198.18.0.1/24 fd00::1/64
pod_addr b eth0 198.18.0.2/24 fd00::2/64

ping1() { in_pod "$1" ping -c 1 -W 1 "$2"; }
check "a reaches b over IPv4" wait_for 20 ping1 a 198.18.0.2
check "b reaches a over IPv4" wait_for 20 ping1 b 198.18.0.1
check "a reaches b over IPv6" wait_for 20 ping1 a fd00::2
check "b reaches a over IPv6" wait_for 20 ping1 b fd00::1
