#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh - the results of tel.ko's KUnit suite, which runs when the
# module loads on a kernel with KUnit (the debug kernel), read back from
# the kernel log and printed as KTAP with the kselftest "# Totals:" line.
# On a kernel without KUnit (Debian's) the suite does not exist: SKIP.
set -u
echo "TAP version 13"
if [ ! -d /sys/kernel/debug/kunit ] && ! grep -q "^CONFIG_KUNIT=y" "/boot/config-$(uname -r)" 2>/dev/null; then
	echo "1..1"
	echo "ok 1 kunit # SKIP this kernel has no KUnit (the debug kernel runs it)"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 0
fi
# the last run of the suite (module reloads run it again)
log=$(dmesg | sed -E 's/^\[[ 0-9.]+\] //' | awk '
	/# Subtest: tel$/ { buf = ""; inside = 1; next }
	inside && /^ +(not )?ok [0-9]+ / { buf = buf $0 "\n"; next }
	inside && /^(not )?ok [0-9]+ tel$/ { last = buf; inside = 0 }
	END { printf "%s", last }')
if [ -z "$log" ]; then
	echo "1..1"
	echo "not ok 1 kunit: no results of the tel suite in the kernel log"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	exit 1
fi
n=$(grep -c . <<<"$log")
echo "1..$n"
sed -E 's/^ +//' <<<"$log"
fail=$(grep -c "^ *not ok" <<<"$log")
skip=$(grep -c "# SKIP" <<<"$log")
echo "# Totals: pass:$((n - fail - skip)) fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ "$fail" = 0 ]
