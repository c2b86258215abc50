#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# telctl_test.sh - telctl's subcommands, exit codes, tables and JSON, a
# run under valgrind, and the example program built from an installed
# libtel with pkg-config.  KTAP output with a kselftest "# Totals:" line.
set -u
top=${TEL_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$top/build/userspace/telctl
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0 n=0

exec 5<>"$TEL_EMU_CTL"
emu() { local r; echo "$*" >&5; read -r -t 10 r <&5; [[ $r == ok* ]]; }
# emu_reply COMMAND: print the emulator's reply line
emu_reply() { local r; echo "$*" >&5; read -r -t 10 r <&5; echo "$r"; [[ $r == ok* ]]; }

# t NAME COMMAND...: one test case
t() {
	local name=$1 out
	shift
	n=$((n + 1))
	# TESTS="name ..." runs only those (for debugging)
	if [ -n "${TESTS:-}" ] && [[ " $TESTS " != *" $name "* ]]; then
		echo "ok $n $name # SKIP not in \$TESTS"
		skip=$((skip + 1))
		return
	fi
	# traced, so a failure shows the command that failed
	if out=$( (set -x; "$@") 2>&1); then
		echo "ok $n $name"
		pass=$((pass + 1))
	else
		echo "$out" | tail -n 40 | sed 's/^/# /'
		echo "not ok $n $name"
		fail=$((fail + 1))
	fi
}
skipped() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
	skip=$((skip + 1))
}

# status WANT COMMAND...: COMMAND exits WANT
status() {
	local want=$1 got
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" = "$want" ] || { echo "exit $got, want $want: $*"; cat "$tmp/out" "$tmp/err"; return 1; }
}
# PID has /dev/tel0 open (builtins only: forks are slow under TCG)
has_card_open() {
	local f
	for f in /proc/$1/fd/*; do
		[ "$f" -ef /dev/tel0 ] && return 0
	done
	return 1
}
wait_card_open() {
	local i
	for i in $(seq 200); do
		has_card_open "$1" && return 0
		sleep 0.05
	done
	return 1
}
json_ok() { python3 -c 'import json,sys; json.load(sys.stdin)'; }
stderr_has() { grep -qF -- "$1" "$tmp/err" || { echo "stderr lacks '$1':"; cat "$tmp/err"; return 1; }; }

help_all() {
	local c
	status 0 "$T" --help || return 1
	for c in cards channels calls dial answer monitor record; do
		status 0 "$T" $c --help || return 1
		grep -q "usage: telctl $c" "$tmp/out" || return 1
	done
}
usage_errors() {
	status 2 "$T" || return 1
	status 2 "$T" frobnicate || return 1
	status 2 "$T" cards --bogus || return 1
	status 2 "$T" channels || return 1
	status 2 "$T" channels tel0x || return 1
	status 2 "$T" dial 0 || return 1
	status 2 "$T" dial 0:x 123 || return 1
	status 2 "$T" dial 0 123 --duration abc || return 1
	status 2 "$T" answer 0 --count 0 || return 1
	status 2 "$T" monitor 0 --timeout -1 || return 1
}
cards_table() {
	status 0 "$T" cards || return 1
	head -1 "$tmp/out" | grep -qE "^CARD +MODEL +FIRMWARE +SERIAL +CHANNELS +STATE +CALLS +DMA_BYTES$" || return 1
	grep -qE "^tel0 +tel-emu E8 +emu-1.0 +EMU-0001 +8 +running +0 +0$" "$tmp/out" || return 1
	[ "$(wc -l <"$tmp/out")" = $((TEL_CARDS + 1)) ]
}
cards_json() {
	status 0 "$T" cards --json || return 1
	python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
assert len(c) == int(sys.argv[2]), c
assert c[0]["name"] == "tel0" and c[0]["channels"] == 8, c[0]
assert c[0]["serial"] == "EMU-0001" and c[0]["dma_bytes"] == 0, c[0]
' "$tmp/out" "$TEL_CARDS"
}
channels_views() {
	status 0 "$T" channels tel0 || return 1
	[ "$(wc -l <"$tmp/out")" = 9 ] || return 1
	grep -qE "^0 +idle +on +no +- " "$tmp/out" || return 1
	status 0 "$T" channels /dev/tel0 --json || return 1
	json_ok <"$tmp/out" || return 1
	status 1 "$T" channels 9 || return 1
	stderr_has "tel9: no such card"
}
calls_views() {
	status 0 "$T" calls || return 1
	grep -q "no calls" "$tmp/out" || return 1
	status 0 "$T" calls --json || return 1
	[ "$(cat "$tmp/out")" = "[]" ] || return 1
	status 0 "$T" calls 0 --json
}
dial_json_record() {
	status 0 "$T" dial 0:1 5551234 --duration 0.5 --reason 7 --json || return 1
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["state"] == "idle" and r["origin"] == "application", r
assert r["app_reason"] == 7 and r["called"] == "5551234", r
assert r["channel"] == 1 and r["direction"] == "out", r
assert r["rx_bytes"] > 2000 and r["dma_bytes"] > 0, r
' "$tmp/out" || return 1
	stderr_has "deallocated call"
}
dial_record_file() {
	status 0 "$T" dial tel0:2 5551234 --duration 0.5 --record "$tmp/rx" || return 1
	python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
assert len(d) > 3000, len(d)
assert all((d[i] + 1) & 255 == d[i + 1] for i in range(len(d) - 1)), "not the pattern"
' "$tmp/rx"
}
dial_play_file() {
	head -c 4000 /dev/urandom >"$tmp/play" &&
	emu "audio 0 3 echo" || return 1
	status 0 "$T" dial 0:3 5551234 --duration 1 --play "$tmp/play" --record "$tmp/echo" || return 1
	emu "audio 0 3 pattern" || return 1
	# the far end echoes what we sent: our bytes come back in order
	python3 -c '
import sys
p = open(sys.argv[1], "rb").read()
e = open(sys.argv[2], "rb").read().replace(b"\xff" * 8, b"")
assert p[:1000] in e, "the played audio did not come back"
' "$tmp/play" "$tmp/echo"
}
dial_far_busy() {
	emu "far 0 4 busy" || return 1
	status 3 "$T" dial 0:4 5551234 --duration 1
	local rc=$?
	emu "far 0 4 answer" || return 1
	[ $rc = 0 ] && grep -q "ended by      remote, busy" "$tmp/out"
}
chan_connected() {
	local s
	read -r s <"/sys/class/tel/tel0/ch$1/state" 2>/dev/null
	[ "$s" = connected ]
}
dial_far_hangup() {
	"$T" dial 0:5 5551234 --duration 20 >"$tmp/h.out" 2>&1 &
	local pid=$! i
	for i in $(seq 200); do
		chan_connected 5 && break
		sleep 0.05
	done
	emu "hangup 0 5 congestion" || return 1
	wait $pid || { cat "$tmp/h.out"; return 1; }
	grep -q "the far end hung up: congestion" "$tmp/h.out"
}
dial_busy_channel() {
	"$T" dial 0:3 5551234 --duration 20 >/dev/null 2>&1 &
	local pid=$! i rc
	for i in $(seq 100); do
		[ "$(cat /sys/class/tel/tel0/calls)" != 0 ] && break
		sleep 0.05
	done
	status 1 "$T" dial 0:3 5550000 && stderr_has "tel0: channel 3 is busy"
	rc=$?
	# the live call in the calls table, owned by a file, number shown
	status 0 "$T" calls 0 || rc=1
	grep -qE "^tel0 +3 +[0-9]+ +[0-9]+ +file +(dialing|ringback|connected) +out .* 5551234\$" \
		"$tmp/out" || { cat "$tmp/out"; rc=1; }
	kill -INT $pid
	wait $pid
	return $rc
}
dial_errors() {
	status 1 "$T" dial 7:1 123 || return 1
	stderr_has "tel7: no such card" || return 1
	status 1 "$T" dial 0:8 123 || return 1
	stderr_has "tel0: no channel 8" || return 1
	status 1 "$T" dial 0 12ab || return 1
	stderr_has "cannot dial '12ab'"
}
dial_keep() {
	"$T" dial 0:6 5551234 --duration 0.3 --keep >"$tmp/k.out" 2>&1 &
	local pid=$! i
	for i in $(seq 200); do
		grep -q "keeping call" "$tmp/k.out" && break
		sleep 0.05
	done
	[ "$(cat /sys/class/tel/tel0/dma_bytes)" -gt 0 ] || return 1
	grep -q " idle " /proc/driver/tel/calls || return 1
	kill -TERM $pid
	wait $pid || return 1
	[ "$(cat /sys/class/tel/tel0/dma_bytes)" = 0 ]
}
answer_calls() {
	"$T" answer 0 --count 2 --duration 0.3 --timeout 20 --json >"$tmp/a.out" 2>"$tmp/a.err" &
	local pid=$! i
	wait_card_open $pid || return 1
	emu "offer 0 6 5559876" || return 1
	for i in $(seq 100); do
		emu "offer 0 7 5559877" && break
		sleep 0.05
	done
	wait $pid || { cat "$tmp/a.out" "$tmp/a.err"; return 1; }
	[ "$(wc -l <"$tmp/a.out")" = 2 ] || return 1
	while read -r line; do
		echo "$line" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["direction"] == "in" and r["origin"] == "local", r
assert r["calling"] in ("5559876", "5559877"), r
' || return 1
	done <"$tmp/a.out"
}
answer_timeout() {
	status 3 "$T" answer 0 --timeout 0.3 || return 1
	stderr_has "no call offered within"
}
monitor_events() {
	"$T" monitor 0 --count 2 --timeout 20 --json >"$tmp/m.out" 2>&1 &
	local pid=$!
	wait_card_open $pid || return 1
	emu "offer 0 2 5551111" || return 1
	emu "cancel 0 2" || return 1
	wait $pid || { cat "$tmp/m.out"; return 1; }
	python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert ev[0]["type"] == "offer" and ev[0]["number"] == "5551111", ev
assert ev[1]["type"] == "state" and ev[1]["handle"] == 0, ev
assert ev[1]["disconnect_mode"] == "cancelled", ev
' "$tmp/m.out" || return 1
	status 3 "$T" monitor 0 --timeout 0.2 || return 1
	grep -q "monitoring" "$tmp/out"
}
valgrind_dial() {
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=9 "$T" dial 0:1 5551234 --duration 0.5 \
		--record "$tmp/v" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ $rc = 0 ] || { echo "valgrind exit $rc"; cat "$tmp/err"; return 1; }
}
pkgconfig_example() {
	local d=$tmp/inst
	make -s -C "$top/userspace" install DESTDIR="$d" PREFIX=/usr >/dev/null || return 1
	[ -f "$d/usr/include/libtel.h" ] && [ -f "$d/usr/lib/pkgconfig/libtel.pc" ] &&
	[ -L "$d/usr/lib/libtel.so.1" ] && [ -x "$d/usr/bin/telctl" ] || return 1
	export PKG_CONFIG_PATH=$d/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$d
	cc -Wall -Werror -o "$tmp/call-demo" "$top/userspace/examples/call-demo.c" \
		$(pkg-config --cflags --libs libtel) || return 1
	LD_LIBRARY_PATH=$d/usr/lib "$tmp/call-demo" 0 5551234 >"$tmp/out" || return 1
	cat "$tmp/out"
	grep -q "ended by local" "$tmp/out"
}

# ---- 1.2: digits both ways, hook flash, caller ID ---------------------
# Written against Documentation/telctl.rst and the emulator's announced
# commands (digits CARD CH STRING, stats ... far_digits="..." flashes=N,
# offer CARD CH NUMBER [name NAME] [pres P]); each its own function, to
# adjust once run.
# The emulated card has every feature: these expect them all.
new_usage_errors() {
	status 2 "$T" dial 0 123 --digits 12x || return 1
	status 2 "$T" dial 0 123 --digits 11111111111111111111111111111111 || return 1
	status 2 "$T" dial 0 123 --tone 39 || return 1
	status 2 "$T" dial 0 123 --gap 1001 || return 1
	status 2 "$T" dial 0 123 --flash=49 || return 1
	status 2 "$T" answer 0 --gather 0 || return 1
	status 2 "$T" answer 0 --gather 257 || return 1
	status 2 "$T" answer 0 --terminator '#' || return 1
	status 2 "$T" answer 0 --gather 4 --terminator x || return 1
	status 2 "$T" answer 0 --gather 4 --first-timeout -1 || return 1
	status 0 "$T" dial --help || return 1
	grep -q -- "--digits" "$tmp/out" && grep -q -- "--flash" "$tmp/out" &&
	grep -q -- "--gather" "$tmp/out"
}
dial_digits() {
	status 0 "$T" dial 0:1 5551234 --duration 0.3 --digits '1234#' --json || return 1
	stderr_has "sent 5 digits" || return 1
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["digits_tx"] == "1234#" and r["digits_tx_count"] == 5, r
assert r["state"] == "idle", r
' "$tmp/out" || return 1
	emu_reply "stats 0 1" | grep -qF 'far_digits="1234#"'
}
dial_digits_table() {
	status 0 "$T" dial 0:2 5551234 --duration 0.2 --digits 9 --tone 120 --gap 60 || return 1
	grep -q "sent 1 digits" "$tmp/out" || return 1
	grep -qE "^  digits sent +9 \(1\)$" "$tmp/out"
}
dial_flash() {
	status 0 "$T" dial 0:3 5551234 --duration 0.2 --flash=200 --json || return 1
	stderr_has "hook flash: " || return 1
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["flashes"] == 1, r
' "$tmp/out" || return 1
	emu_reply "stats 0 3" | grep -qE '(^| )flashes=1( |$)'
}
# ---- 1.3: hold --------------------------------------------------------
dial_hold() {
	status 2 "$T" dial 0 123 --hold 99 || return 1
	status 2 "$T" dial 0 123 --hold x || return 1
	status 0 "$T" dial 0:4 5551234 --duration 0.2 --hold 1500 || return 1
	grep -q "on hold for 1500 ms" "$tmp/out" && grep -q "off hold" "$tmp/out" ||
		return 1
	# the far end heard the hold tone, measured from its samples
	python3 -c '
import re, sys
m = re.search(r" held_ms=(\d+) far_tone_ms=(\d+)", sys.argv[1])
held, tone = int(m.group(1)), int(m.group(2))
on = held // 1000 * 500 + min(held % 1000, 500)	# 500 ms on each second
assert held >= 1400 and abs(tone - on) <= 40, (held, tone, on)
' "$(emu_reply "stats 0 4")"
}
# ---- 1.3: redirect ----------------------------------------------------
answer_redirect() {
	status 2 "$T" answer 0 --redirect 12a || return 1
	status 2 "$T" answer 0 --redirect '' || return 1
	status 2 "$T" dial 0 123 --redirect 7001 || return 1
	"$T" answer 0 --redirect 7001 --timeout 20 --json >"$tmp/r.out" \
		2>"$tmp/r.err" &
	local pid=$!
	wait_card_open $pid || return 1
	emu "offer 0 6 5559876" || return 1
	wait $pid || { cat "$tmp/r.out" "$tmp/r.err"; return 1; }
	grep -qE "redirected call [0-9]+ to 7001" "$tmp/r.err" || { cat "$tmp/r.err"; return 1; }
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["state"] == "idle" and r["origin"] == "local", r
assert r["disconnect_mode"] == "forwarded", r
assert r["calling"] == "5559876", r
' "$tmp/r.out" || return 1
	# the caller's network sent it on, and nothing answered here
	emu_reply "stats 0 6" | grep -qF ' redirected_to="7001"'
}
dial_transfer() {
	status 2 "$T" dial 0 123 --transfer 7x || return 1
	status 2 "$T" dial 0 123 --transfer 7001 --after x || return 1
	status 0 "$T" dial 0:4 5551234 --transfer 7001 --after 300 --json ||
		return 1
	grep -q "transferred to 7001" "$tmp/err" || { cat "$tmp/err"; return 1; }
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["origin"] == "transfer", r
assert r["disconnect_mode"] == "transferred", r
' "$tmp/out" || return 1
	# the far party went on to the target, by its own view
	emu_reply "stats 0 4" | grep -qF ' connected_to="7001"'
}
dial_consult() {
	status 2 "$T" dial 0 123 --consult 7x || return 1
	status 2 "$T" dial 0 123 --consult 7001 --transfer 7002 || return 1
	status 2 "$T" dial 0 123 --back || return 1
	# ch4 talks to 5551234, then it is joined to 3002 (the first free
	# channel, 0), which answers: each far party's view names the other
	status 0 "$T" dial 0:4 5551234 --consult 3002 --after 300 --json ||
		return 1
	grep -q "transferred: joined to 3002 (answered)" "$tmp/err" ||
		{ cat "$tmp/err"; return 1; }
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["origin"] == "transfer", r
assert r["disconnect_mode"] == "transferred", r
' "$tmp/out" || return 1
	emu_reply "stats 0 4" | grep -qF ' connected_to="3002"' || return 1
	emu_reply "stats 0 0" | grep -qF ' connected_to="5551234"' || return 1
	# --back: the consultation call hung up, ours off hold, then dropped
	status 0 "$T" dial 0:4 5551234 --consult 3002 --after 300 --back \
		--json || return 1
	grep -q "back from 3002 (connected)" "$tmp/err" ||
		{ cat "$tmp/err"; return 1; }
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["origin"] == "local", r
' "$tmp/out"
}
conference_far_parties_hear_each_other() {
	status 2 "$T" conference 0 2011 || return 1
	local ch pid i
	for ch in 0 1 2; do
		emu "far 0 $ch answer 20" || return 1
	done
	"$T" conference 0 2011 2022 2033 --seconds 2 >"$tmp/c.out" 2>&1 &
	pid=$!
	for i in $(seq 200); do
		emu_reply "conf 0 0" | grep -qF ' with="1,2"' && break
		sleep 0.05
	done
	# each far party is with the other two, by its own view
	emu_reply "conf 0 0" | grep -qF ' with="1,2"' &&
		emu_reply "conf 0 1" | grep -qF ' with="0,2"' &&
		emu_reply "conf 0 2" | grep -qF ' with="0,1"' ||
		{ kill $pid; cat "$tmp/c.out"; return 1; }
	wait $pid || { cat "$tmp/c.out"; return 1; }
	[ "$(grep -c '^joined: .* conferenced' "$tmp/c.out")" = 3 ] ||
		{ cat "$tmp/c.out"; return 1; }
	emu_reply "conf 0 0" | grep -qF ' conf=0 '
}
conference_telctl_speaks_and_hears() {
	local ch pid i want0 want1 ok=0
	for ch in 0 1; do
		emu "far 0 $ch answer 20" || return 1
	done
	emu "audio 0 0 level 8000" && emu "audio 0 1 silence" || return 1
	# telctl says one mu-law byte, 0x9e, over and over
	python3 -c 'import sys; sys.stdout.buffer.write(b"\x9e" * 24000)' >"$tmp/say"
	"$T" conference 0 2011 2022 --seconds 2 --play "$tmp/say" \
		--record "$tmp/heard" >"$tmp/c.out" 2>&1 &
	pid=$!
	# far party 0 hears telctl alone (party 1 is silent): 0x9e as is;
	# far party 1 hears party 0's 8000 and telctl, summed
	want0=$(printf '9e%.0s' $(seq 16))
	want1=$(python3 -W ignore -c '
import audioop, struct
a = struct.unpack("<h", audioop.ulaw2lin(audioop.lin2ulaw(struct.pack("<h", 8000), 2), 2))[0]
b = struct.unpack("<h", audioop.ulaw2lin(b"\x9e", 2))[0]
s = max(-32124, min(32124, a + b))
print(audioop.lin2ulaw(struct.pack("<h", s), 2).hex() * 16)')
	for i in $(seq 100); do
		emu_reply "conf 0 0" | grep -qE "heard=${want0}( |$)" &&
			emu_reply "conf 0 1" | grep -qE "heard=${want1}( |$)" &&
			{ ok=1; break; }
		sleep 0.05
	done
	wait $pid || { cat "$tmp/c.out"; return 1; }
	emu "audio 0 0 pattern" && emu "audio 0 1 pattern" || return 1
	[ $ok = 1 ] || { echo "# far parties: $(emu_reply "conf 0 0") / $(emu_reply "conf 0 1"), want $want0 / $want1"; cat "$tmp/c.out"; return 1; }
	grep -q '^telctl joins as a party (call [0-9]* channel 2)$' "$tmp/c.out" &&
		grep -q '^conference [0-9]*: 3 parties' "$tmp/c.out" &&
		grep -qE '^telctl said [0-9]+ bytes, heard [0-9]+ bytes$' "$tmp/c.out" ||
		{ cat "$tmp/c.out"; return 1; }
	# what telctl heard settles to party 0's 8000, party 1 being silent
	python3 -W ignore -c '
import audioop, struct, sys
d = open(sys.argv[1], "rb").read()
want = audioop.lin2ulaw(struct.pack("<h", 8000), 2)[0]
assert len(d) > 8000, len(d)
tail = d[len(d) // 2:len(d) // 2 + 4000]
assert all(b == want for b in tail), (hex(want), tail[:16].hex())
' "$tmp/heard"
}
answer_gather() {
	"$T" answer 0 --gather 5 --terminator '#' --first-timeout 10 \
		--duration 0.2 --timeout 20 --json >"$tmp/g.out" 2>"$tmp/g.err" &
	local pid=$! i
	wait_card_open $pid || return 1
	emu "offer 0 6 5559876 name ALICE pres allowed" || return 1
	for i in $(seq 200); do
		chan_connected 6 && break
		sleep 0.05
	done
	emu "digits 0 6 42#7" || return 1
	wait $pid || { cat "$tmp/g.out" "$tmp/g.err"; return 1; }
	grep -qF "caller: name ALICE, presentation allowed" "$tmp/g.err" || { cat "$tmp/g.err"; return 1; }
	grep -qF 'gathered "42#" (terminator)' "$tmp/g.err" || { cat "$tmp/g.err"; return 1; }
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["gathered"] == "42#", r
assert r["digits_rx"].startswith("42#"), r
assert r["calling_name"] == "ALICE" and r["presentation"] == "allowed", r
assert r["calling"] == "5559876" and r["direction"] == "in", r
' "$tmp/g.out"
}
answer_gather_text() {
	"$T" answer 0 --gather 3 --first-timeout 10 --inter-timeout 0.5 \
		--duration 0.1 --timeout 20 >"$tmp/g2.out" 2>&1 &
	local pid=$! i
	wait_card_open $pid || return 1
	emu "offer 0 7 5559877" || return 1
	for i in $(seq 200); do
		chan_connected 7 && break
		sleep 0.05
	done
	emu "digits 0 7 5" || return 1
	wait $pid || { cat "$tmp/g2.out"; return 1; }
	grep -qx "digits: 5" "$tmp/g2.out" || { cat "$tmp/g2.out"; return 1; }
	grep -qF "(no next digit in time)" "$tmp/g2.out"
}
answer_gather_timeout() {
	"$T" answer 0 --gather 3 --first-timeout 0.5 --duration 0.1 \
		--timeout 20 >"$tmp/g3.out" 2>&1 &
	local pid=$!
	wait_card_open $pid || return 1
	emu "offer 0 5 5559875" || return 1
	wait $pid || { cat "$tmp/g3.out"; return 1; }
	grep -qF "(no first digit in time)" "$tmp/g3.out" &&
	grep -qx "digits: " "$tmp/g3.out"
}
monitor_presentation() {
	"$T" monitor 0 --count 2 --timeout 20 --json >"$tmp/mp.out" 2>&1 &
	local pid=$!
	wait_card_open $pid || return 1
	emu "offer 0 2 5551111 name CAROL pres restricted" || return 1
	emu "cancel 0 2" || return 1
	wait $pid || { cat "$tmp/mp.out"; return 1; }
	python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert ev[0]["type"] == "offer" and ev[0]["presentation"] == "restricted", ev
assert ev[0]["number"] == "", ev
' "$tmp/mp.out" || return 1
	"$T" monitor 0 --count 1 --timeout 20 >"$tmp/mp2.out" 2>&1 &
	pid=$!
	wait_card_open $pid || return 1
	emu "offer 0 2 5551112 pres allowed" || return 1
	wait $pid || { cat "$tmp/mp2.out"; return 1; }
	emu "cancel 0 2" || return 1
	grep -qE "tel0:2 offer from 5551112 \(allowed\)$" "$tmp/mp2.out"
}
# ---- 1.3: monitor --all ---------------------------------------------
monitor_all() {
	"$T" monitor 0 --all --count 5 --timeout 30 --json >"$tmp/ma.out" 2>&1 &
	local pid=$!
	wait_card_open $pid || return 1
	status 0 "$T" dial 0:1 5551313 --duration 0.2 || return 1
	wait $pid || { cat "$tmp/ma.out"; return 1; }
	python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert [e["type"] for e in ev] == ["call_new", "state", "state", "state",
                                  "call_dealloc"], ev
assert len({e["handle"] for e in ev}) == 1 and ev[0]["handle"] > 0, ev
assert ev[0]["number"] == "5551313" and ev[0]["direction"] == "out", ev
assert [e["state"] for e in ev] == ["dialing", "ringback", "connected",
                                   "idle", "idle"], ev
assert all(e["channel"] == 1 for e in ev), ev
' "$tmp/ma.out" || return 1
	"$T" monitor 0 --all --count 1 --timeout 30 >"$tmp/ma2.out" 2>&1 &
	pid=$!
	wait_card_open $pid || return 1
	status 0 "$T" dial 0:1 5551314 --duration 0.1 || return 1
	wait $pid || { cat "$tmp/ma2.out"; return 1; }
	grep -qE "tel0:1 call [0-9]+ new, to 5551314 dialing$" "$tmp/ma2.out"
}
# The card-wide id of the call on tel0 channel $1, once there is one.
call_id_on() {
	local i id
	for i in $(seq 200); do
		id=$(awk -v ch="$1" '$1 == "0" && $2 == ch { print $NF; exit }' /proc/driver/tel/calls)
		[ -n "$id" ] && { echo "$id"; return 0; }
		sleep 0.05
	done
	return 1
}
record_tap() {
	local pid id
	status 2 "$T" record 0 "$tmp/x.wav" || return 1
	status 2 "$T" record --tap 0 0 "$tmp/x.wav" || return 1
	status 1 "$T" record --tap 999999 0 "$tmp/x.wav" || return 1
	stderr_has "no such call" || return 1
	head -c 12000 /dev/urandom >"$tmp/play" &&
	emu "audio 0 5 pattern" || return 1
	"$T" dial 0:5 5551515 --duration 2 --play "$tmp/play" --record "$tmp/rx" >"$tmp/dial.out" 2>&1 &
	pid=$!
	id=$(call_id_on 5) || return 1
	status 0 "$T" record --tap "$id" 0 "$tmp/tap.wav" || return 1
	grep -qE "^call $id: [0-9.]+ s recorded to .*; far party [0-9]+ bytes, 0 lost; owner [0-9]+ bytes, 0 lost$" "$tmp/out" || { cat "$tmp/out"; return 1; }
	wait $pid || { cat "$tmp/dial.out"; return 1; }
	# left: what the owner received, right: what it played, decoded
	python3 -c '
import struct, sys, wave
def ulaw(u):
    u = ~u & 0xff
    t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4)
    return 0x84 - t if u & 0x80 else t - 0x84
w = wave.open(sys.argv[1])
assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 8000)
s = struct.unpack("<%dh" % (2 * w.getnframes()), w.readframes(w.getnframes()))
left, right = s[0::2], s[1::2]
rx = [ulaw(b) for b in open(sys.argv[2], "rb").read()]
play = [ulaw(b) for b in open(sys.argv[3], "rb").read()]
def within(part, whole):
    part, whole = bytes(struct.pack("<%dh" % len(part), *part)), \
        bytes(struct.pack("<%dh" % len(whole), *whole))
    return part in whole
assert len(left) > 4000, len(left)
assert within(left[:2000], rx), "left is not the far end"
assert within(right[:2000], play), "right is not the owner"
' "$tmp/tap.wav" "$tmp/rx" "$tmp/play"
}

echo "TAP version 13"
echo "1..35"
t help_on_every_command help_all
t usage_errors_exit_2 usage_errors
t cards_table cards_table
t cards_json cards_json
t channels_table_and_json channels_views
t calls_table_and_json calls_views
t dial_json_record_with_reason dial_json_record
t dial_records_the_far_end dial_record_file
t dial_plays_a_file dial_play_file
t dial_far_end_busy_exit_3 dial_far_busy
t dial_far_end_hangup_cause dial_far_hangup
t dial_busy_channel_message dial_busy_channel
t dial_error_messages dial_errors
t dial_keep_holds_buffers dial_keep
t answer_count_json answer_calls
t answer_timeout_exit_3 answer_timeout
t monitor_events monitor_events
t new_options_usage_errors new_usage_errors
t dial_digits_reach_far_end dial_digits
t dial_digits_in_the_record dial_digits_table
t dial_hook_flash dial_flash
t dial_hold_far_end_hears_tone dial_hold
t answer_redirect_sends_offer_on answer_redirect
t dial_transfer_far_party_moves dial_transfer
t dial_consult_far_parties_joined dial_consult
t conference_far_parties_hear_each_other conference_far_parties_hear_each_other
t conference_telctl_speaks_and_hears conference_telctl_speaks_and_hears
t answer_gather_terminator_caller_id answer_gather
t answer_gather_inter_timeout answer_gather_text
t answer_gather_first_timeout answer_gather_timeout
t monitor_offer_presentation monitor_presentation
t monitor_all_follows_a_call monitor_all
t record_tap_both_sides record_tap
if command -v valgrind >/dev/null; then
	t valgrind_dial_no_leaks valgrind_dial
else
	skipped valgrind_dial_no_leaks "no valgrind"
fi
if command -v pkg-config >/dev/null; then
	t pkgconfig_example pkgconfig_example
else
	skipped pkgconfig_example "no pkg-config"
fi
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ $fail = 0 ]
