#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# module_test.sh - tel.ko unloads and loads again cleanly, and cannot be
# unloaded while a file is open.  KTAP output, kselftest style.
set -u
ko=${TEL_TOP:-$(pwd)}/build/$(uname -r)/tel.ko
pass=0 fail=0 n=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }

cards() { ls -d /sys/class/tel/tel* 2>/dev/null | wc -l; }

echo "TAP version 13"
echo "1..6"
want=${TEL_CARDS:-1}

exec 7<>/dev/tel0
check module_unload_refused_while_open bash -c '! rmmod tel 2>/dev/null'
exec 7>&-

check module_unloads rmmod tel
check module_gone_after_unload bash -c '[ ! -e /sys/module/tel ] && [ ! -e /dev/tel0 ]'
check module_reloads insmod "$ko"
for _ in $(seq 50); do [ "$(cards)" -ge "$want" ] && break; sleep 0.1; done
check cards_back_after_reload bash -c "[ \"\$(ls -d /sys/class/tel/tel* | wc -l)\" = $want ]"

# unload/load cycles: all clean (the kernel log is checked by the runner;
# the debug kernel adds kmemleak).  50 on Debian's kernels; 10 on the
# debug kernels, where a cycle takes 4 s (208 s of the debug kernel's
# 380 s main suite went to 50) and each of the 10 runs every probe and
# remove path under KASAN, lockdep and KCSAN; what only accumulates over
# many cycles (ids, minors, names) the 50 elsewhere find.
case $(uname -r) in
*-tel-*) nr_cycles=10 ;;
*) nr_cycles=50 ;;
esac
cycles() {
	local i
	for i in $(seq "$nr_cycles"); do
		rmmod tel || return 1
		insmod "$ko" || return 1
	done
	for _ in $(seq 50); do [ -e /dev/tel0 ] && break; sleep 0.1; done
	[ "$(cat /sys/class/tel/tel0/calls)" = 0 ] && [ -r /proc/driver/tel/calls ]
}
echo "# $nr_cycles unload/load cycles"
check unload_load_cycles cycles

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
