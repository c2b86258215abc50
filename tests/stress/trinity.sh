#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# trinity.sh [COUNT [LIMIT]] - Debian's trinity syscall fuzzer aimed at
# /dev/tel0 as user nobody: COUNT system calls (default 1500) on the open
# files of /dev/tel0, from 4 processes that share them, then trinity exits
# by itself.  LIMIT (default 300 s) only guards against a hang: trinity is
# then told to stop (SIGINT), and must.  KTAP, with the kselftest
# "# Totals:" line.  Documentation/testing.rst says what trinity adds beside
# telfuzz, and why it is run this way.
#
# Passes when trinity ran (its own "Ran N syscalls"), exited on its own
# after COUNT or when told at LIMIT, and the card holds no call afterwards;
# the kernel log is checked by the runner.  Slowness is not a failure: under
# TCG and the debug kernels the rate varies tenfold; the figures are printed.
#
# How it is run, and why (measured under TCG, Documentation/testing.rst):
#  - as nobody through setpriv, not trinity's own --dropprivs (-X): as root
#    with -X, trinity 2023.01 counts down 10 s before it starts;
#  - no ioctl: its ioctl generator dereferences NULL in every child that
#    picks ioctl on this device (each such child dies of SIGSEGV before the
#    call and is forked again), which held it to a few hundred calls in
#    30 s; telfuzz fuzzes the ioctls;
#  - /dev/tel0 is its only fd pool (every other fd provider off), so every
#    call lands on tel, not on trinity's pipes, timerfds or test files.
set -u
count=${1:-1500}
limit=${2:-300}
calls=(read readv pread64 write lseek poll ppoll select pselect6 openat
	close dup dup3 fcntl flock newfstat mmap)
echo "TAP version 13"
echo "1..1"
if ! command -v trinity >/dev/null || ! command -v setpriv >/dev/null; then
	echo "ok 1 trinity # SKIP trinity or setpriv is not installed"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 0
fi
args=()
for c in "${calls[@]}"; do args+=(-c "$c"); done
mode=$(stat -c %a /dev/tel0)
chmod 0666 /dev/tel0	# trinity runs as nobody
log=$(mktemp)
SECONDS=0
(cd /tmp && timeout -s INT -k 30 "$limit" \
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	trinity -q -l off -N "$count" -C 4 \
	--disable-fds=sockets,pipes,perf,epoll,eventfd,pseudo,timerfd,testfile,memfd,drm \
	"${args[@]}" -V /dev/tel0 >"$log" 2>&1)
rc=$?
secs=$SECONDS
chmod "$mode" /dev/tel0
# children that outlive the main process still hold the files
for _ in $(seq 50); do
	pgrep -u nobody -x 'trinity.*' >/dev/null || break
	sleep 0.1
done
ran=$(sed -nE 's/.*Ran ([0-9]+) syscalls.*/\1/p' "$log" | tail -n 1)
echo "# trinity: seed $(sed -nE 's/.*Initial random seed: ([0-9]+).*/\1/p' "$log" | head -n 1)"
calls_left=$(cat /sys/class/tel/tel0/calls)
why=
case $rc in
0)	stop="exited on its own" ;;
124)	stop="stopped when told at the $limit s limit" ;;
137)	stop="did not stop when told (SIGKILL)"; why="trinity did not stop" ;;
*)	stop="exit $rc"; why="trinity exited with status $rc" ;;
esac
echo "# trinity: ran ${ran:-no} of $count syscalls in $secs s, $stop"
[ -n "$ran" ] || why=${why:-"trinity did not report how many syscalls it ran"}
[ "$calls_left" = 0 ] || why=${why:+$why, }"calls left on the card: $calls_left"
if [ -z "$why" ] && pgrep -u nobody -x 'trinity.*' >/dev/null; then
	why="trinity processes left behind"
fi
if [ -n "$why" ]; then
	tail -n 20 "$log" | sed 's/^/# /'
	rm -f "$log"
	echo "not ok 1 trinity # $why"
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0"
	exit 1
fi
rm -f "$log"
echo "ok 1 trinity"
echo "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0"
exit 0
