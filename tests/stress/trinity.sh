#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# trinity.sh [SECONDS] - Debian's trinity syscall fuzzer aimed at
# /dev/tel0 (ioctl, read, poll, openat on its fd pool, as user nobody),
# bounded in time.  Passes if trinity ran and stopped when told, and the
# card holds nothing afterwards; the kernel log is checked by the runner.
# KTAP, with the kselftest "# Totals:" line.
set -u
secs=${1:-30}
echo "TAP version 13"
echo "1..1"
if ! command -v trinity >/dev/null; then
	echo "ok 1 trinity # SKIP trinity is not installed"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 0
fi
mode=$(stat -c %a /dev/tel0)
chmod 0666 /dev/tel0	# trinity drops to nobody (-X)
log=$(mktemp)
(cd /tmp && timeout -s INT -k 10 "$secs" trinity -l off -N 10000000 -X -C 2 \
	--disable-fds=sockets -c ioctl -c read -c poll -c openat \
	-V /dev/tel0 >"$log" 2>&1)
rc=$?
chmod "$mode" /dev/tel0
ran=$(sed -nE 's/.*Ran ([0-9]+) syscalls.*/\1/p' "$log" | tail -n 1)
echo "# trinity: $(grep -m1 'random seed' "$log" | sed 's/.*: //' | sed 's/^/seed /')"
echo "# trinity: ran ${ran:-no} syscalls in $secs s (exit $rc)"
calls=$(cat /sys/class/tel/tel0/calls)
rm -f "$log"
if [ -n "$ran" ] && [ "$ran" -gt 0 ] && [ "$calls" = 0 ]; then
	echo "ok 1 trinity"
	echo "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0"
	exit 0
fi
echo "not ok 1 trinity (calls left: $calls)"
echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
exit 1
