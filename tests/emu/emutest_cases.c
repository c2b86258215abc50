// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * emutest_cases.c - the behaviours emutest checks, one function each.
 * The order matters only where a case says so (the unplug and the card
 * disconnect cases come last).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <stdint.h>
#include <spandsp/telephony.h>
#include <spandsp/logging.h>
#include <spandsp/super_tone_rx.h>
#include <spandsp/dtmf.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>

#include "emutest.h"

static struct card *c0 = &cards[0];

static void case_identity(void)
{
	struct card *c = c0;
	char serial[TEL_ID_STR_LEN];
	uint32_t t0;

	check(card_attach(c, 0), "card0: ivshmem handshake");
	check(!memcmp(c->win + TEL_ID_MAGIC, TEL_MAGIC, TEL_MAGIC_LEN),
	      "magic");
	check(rd(c, TEL_ID_VERSION) == TEL_VERSION, "version");
	check(rd(c, TEL_ID_CHANNELS) == NCH, "channels");
	check(rd(c, TEL_ID_FRAME_SAMPLES) == 8 &&
	      rd(c, TEL_ID_SAMPLE_RATE) == 8000, "frame samples, rate");
	check(rd(c, TEL_ID_CAPS) == (TEL_CAP_G711 | TEL_CAP_DTMF |
				     TEL_CAP_CALLER_ID | TEL_CAP_FLASH |
				     TEL_CAP_HOLD | TEL_CAP_REDIRECT |
				     TEL_CAP_TRANSFER | TEL_CAP_CONFERENCE |
				     TEL_CAP_JOIN | TEL_CAP_CONF_PORT),
	      "caps: G711, DTMF, caller id, flash, hold, redirect, transfer, conference, join, conference port");
	check(rd(c, TEL_ID_DOORBELL_PEER) == 0, "doorbell peer 0");
	check(!strcmp((char *)c->win + TEL_ID_MODEL, "tel-emu E4"), "model");
	check(!strcmp((char *)c->win + TEL_ID_FIRMWARE, "emu-1.0"),
	      "firmware");
	snprintf(serial, sizeof(serial), "EMU-%04d", SERIAL_BASE);
	check(!strcmp((char *)c->win + TEL_ID_SERIAL, serial), "serial");
	check(rd(c, TEL_STATUS) == TEL_STATUS_READY, "status ready");
	t0 = rd(c, TEL_STATUS_TICKS);
	msleep(50);
	check(rd(c, TEL_STATUS_TICKS) - t0 >= 10, "ticks run (%u in 50 ms)",
	      rd(c, TEL_STATUS_TICKS) - t0);
	wr(c, TEL_CTRL, TEL_CTRL_ENABLE);
}

static void case_ctl_basics(void)
{
	char want[160];
	int fd2;

	check(ctl_is("ok", "ping"), "ctl: ping");
	snprintf(want, sizeof(want), "ok model=\"tel-emu E4\" "
		 "firmware=\"emu-1.0\" serial=\"EMU-%04d\" channels=4 "
		 "caps=0x3ff",
		 SERIAL_BASE + 1);
	check(ctl_is(want, "info 1"), "ctl: info");
	check(ctl_is("err range", "info 2"), "ctl: info bad card");
	check(ctl_is("err usage", "info x"), "ctl: info not a number");
	check(ctl_is("err usage", "info"), "ctl: info no card");
	check(ctl_is("err usage", "frobnicate 1 2"), "ctl: unknown command");
	check(ctl_is("err usage", " "), "ctl: blank line");
	check(ctl_is("err range", "stats 0 4"), "ctl: bad channel");
	check(ctl_is("err usage", "far 0 0 sometimes"), "ctl: bad far mode");
	check(ctl_is("err usage", "audio 0 0 jazz"), "ctl: bad audio mode");
	check(ctl_is("err usage", "fault 0 meltdown on"), "ctl: bad fault");
	check(ctl_is("err usage", "hangup 0 0 whatever"), "ctl: bad cause");
	check(ctl_is("err state", "hangup 0 0 normal"), "ctl: hangup idle");
	check(ctl_is("err state", "cancel 0 0"), "ctl: cancel idle");
	check(ctl_is("ok", "ping\r"), "ctl: CRLF accepted");

	/* a request written in pieces, and two on one write */
	if (write(ctl_fd, "pi", 2) != 2)
		die("write");
	msleep(20);
	if (write(ctl_fd, "n", 1) != 1)
		die("write");
	msleep(20);
	check(!strcmp(ctl("g"), "ok"), "ctl: request in pieces");
	if (write(ctl_fd, "ping\ncard 9\n", 12) != 12)
		die("write");
	check(!strcmp(ctl_read_reply(), "ok"), "ctl: pipelined request 1");
	check(!strcmp(ctl_read_reply(), "err range"),
	      "ctl: pipelined request 2");

	fd2 = unix_connect_ctl();
	check(fd2 >= 0 && !strcmp(ctl_on(fd2, "ping"), "ok"),
	      "ctl: second connection");
	check(!strcmp(ctl("ping"), "ok"), "ctl: first still served");
	if (fd2 >= 0)
		close(fd2);
}

static void case_mailbox(void)
{
	struct card *c = c0;
	struct cmd k = { .op = TEL_OP_DIAL, .ch = 0, .ring = 4096,
			 .digits = "123" };
	uint32_t seq;

	seq = c->seq;
	check(card_cmd(c, TEL_OP_NOP, 0, 0) == TEL_CMDST_OK, "NOP");
	check(rd(c, TEL_CMD_DONE_SEQ) == seq + 1, "DONE_SEQ = SEQ");
	check(card_cmd(c, 99, 0, 0) == TEL_CMDST_INVAL, "unknown op: INVAL");
	check(card_cmd(c, TEL_OP_HANGUP, NCH, 0) == TEL_CMDST_BADCHAN,
	      "HANGUP bad channel: BADCHAN");
	check(card_cmd(c, TEL_OP_DIAL, 1000, 0) == TEL_CMDST_BADCHAN,
	      "DIAL bad channel: BADCHAN");
	check(card_cmd(c, TEL_OP_ANSWER, 0, 0) == TEL_CMDST_BUSY,
	      "ANSWER idle channel: BUSY");

	k.rx = 0;
	k.tx = tx_ring(0, 0);
	check(card_cmd_wait(c, &k, 1000) == TEL_CMDST_BADADDR,
	      "DIAL rx addr 0: BADADDR");
	k.rx = rx_ring(0, 0);
	k.tx = RAM_SIZE - 2048;
	check(card_cmd_wait(c, &k, 1000) == TEL_CMDST_BADADDR,
	      "DIAL tx ring past RAM end: BADADDR");
	k.tx = 0xffffffffffffff00ULL;
	check(card_cmd_wait(c, &k, 1000) == TEL_CMDST_BADADDR,
	      "DIAL tx addr wraps: BADADDR");
	k.tx = tx_ring(0, 0);
	k.ring = 100;
	check(card_cmd_wait(c, &k, 1000) == TEL_CMDST_BADADDR,
	      "DIAL ring not 2^n: BADADDR");
	k.ring = 32;
	check(card_cmd_wait(c, &k, 1000) == TEL_CMDST_BADADDR,
	      "DIAL ring 32: BADADDR");
	k.ring = 131072;
	check(card_cmd_wait(c, &k, 1000) == TEL_CMDST_BADADDR,
	      "DIAL ring 128K: BADADDR");
	k.ring = 4096;
	k.digits = "";
	check(card_cmd_wait(c, &k, 1000) == TEL_CMDST_INVAL,
	      "DIAL no digits: INVAL");
	check(chr(c, 0, TEL_CH_STATE) == TEL_CHST_IDLE &&
	      chr(c, 0, TEL_CH_RING_BYTES) == 0, "refused DIAL: still idle");
	check(rd(c, TEL_EVQ_HEAD) == c->evq_tail, "no events so far");
}

static void case_dial_answer(void)
{
	struct card *c = c0;
	uint32_t t0, t1 = 0;

	check(ctl_is("ok", "far 0 0 answer"), "far answer (default)");
	t0 = rd(c, TEL_STATUS_TICKS);
	check(card_dial(c, 0, 0, 4096, "5551000") == TEL_CMDST_OK, "DIAL");
	/* RINGBACK may already have come if we were descheduled */
	check((chr(c, 0, TEL_CH_STATE) == TEL_CHST_DIALING ||
	       rd(c, TEL_STATUS_TICKS) != t0) &&
	      chr(c, 0, TEL_CH_HOOK) == 1 &&
	      chr(c, 0, TEL_CH_RING_BYTES) == 4096,
	      "DIALING, off hook, ring bound");
	check(expect_state(c, 0, TEL_CHST_RINGBACK, 0, 500),
	      "event: RINGBACK");
	check(expect_state(c, 0, TEL_CHST_CONNECTED, 0, 500),
	      "event: CONNECTED");
	t1 = rd(c, TEL_STATUS_TICKS);
	check(t1 - t0 >= 19 && t1 - t0 <= 60,
	      "connected about 20 ticks after DIAL (%u)", t1 - t0);
	check(card_dial(c, 0, 0, 4096, "1") == TEL_CMDST_BUSY,
	      "DIAL busy channel: BUSY");
	ctl("stats 0 0");
	check(kv("state") == 3 && kv("hook") == 1 && kv("dials") == 1 &&
	      strstr(reply, "digits=\"5551000\""), "stats after DIAL: %s",
	      reply);
}

static void wait_rx(struct card *c, unsigned int ch, uint32_t bytes)
{
	uint64_t deadline = now_ms() + 2000;

	while (chr(c, ch, TEL_CH_RX_HEAD) < bytes && now_ms() < deadline)
		msleep(2);
}

/* ch0 is CONNECTED with a 4096 ring, pattern audio, nothing written. */
static void case_audio(void)
{
	struct card *c = c0;
	uint8_t *rx = ram + rx_ring(0, 0), *tx = ram + tx_ring(0, 0);
	uint8_t data[256];
	uint32_t head, i, bad = 0;
	uint64_t deadline;

	check(chr(c, 0, TEL_CH_TX_UNDERRUNS) == 0,
	      "no underruns before the driver wrote anything");
	wait_rx(c, 0, 256);
	head = chr(c, 0, TEL_CH_RX_HEAD);
	for (i = 0; i < head && i < 4096; i++)
		bad += rx[i] != (i & 0xff);
	check(head >= 256 && head % 8 == 0 && !bad,
	      "rx pattern bytes (%u bytes, %u bad)", head, bad);
	check(chr(c, 0, TEL_CH_RX_FRAMES) >= head / 8, "RX_FRAMES counted");

	for (i = 0; i < sizeof(data); i++)
		data[i] = i * 7 + 3;
	memcpy(tx, data, sizeof(data));
	chw(c, 0, TEL_CH_TX_HEAD, sizeof(data));
	deadline = now_ms() + 2000;
	while (chr(c, 0, TEL_CH_TX_TAIL) != sizeof(data) &&
	       now_ms() < deadline)
		msleep(2);
	check(chr(c, 0, TEL_CH_TX_TAIL) == sizeof(data) &&
	      chr(c, 0, TEL_CH_TX_FRAMES) == sizeof(data) / 8,
	      "tx ring consumed, TX_FRAMES = 32");
	ctl("stats 0 0");
	check(kv("far_rx_bytes") == sizeof(data) &&
	      kv("far_rx_crc") == crc32_buf(data, sizeof(data)),
	      "far end received the bytes (crc %08llx)", kv("far_rx_crc"));
	msleep(20);
	check(chr(c, 0, TEL_CH_TX_UNDERRUNS) >= 10,
	      "underruns counted once TX_HEAD != 0 (%u)",
	      chr(c, 0, TEL_CH_TX_UNDERRUNS));

	/* stop consuming rx: the 4096 ring fills, then overruns */
	head = chr(c, 0, TEL_CH_RX_HEAD);
	chw(c, 0, TEL_CH_RX_TAIL, head);
	msleep(600);
	check(chr(c, 0, TEL_CH_RX_HEAD) - head == 4096 &&
	      chr(c, 0, TEL_CH_RX_OVERRUNS) > 0,
	      "rx ring full at 4096, overruns %u",
	      chr(c, 0, TEL_CH_RX_OVERRUNS));
	ctl("stats 0 0");
	check(kv("rx_overruns") == chr(c, 0, TEL_CH_RX_OVERRUNS) ||
	      kv("rx_overruns") + 1 == chr(c, 0, TEL_CH_RX_OVERRUNS) ||
	      kv("rx_overruns") == chr(c, 0, TEL_CH_RX_OVERRUNS) + 1,
	      "stats rx_overruns matches the window");
	/* the stream position went on while frames were lost */
	chw(c, 0, TEL_CH_RX_TAIL, chr(c, 0, TEL_CH_RX_HEAD));
	head = chr(c, 0, TEL_CH_RX_HEAD);
	wait_rx(c, 0, head + 8);
	i = head % 4096;
	check(rx[i] != (head & 0xff) && (uint8_t)(rx[i + 1] - rx[i]) == 1,
	      "pattern index advanced across lost frames");
	check(ctl_is("ok", "audio 0 0 silence"), "audio silence");
	head = chr(c, 0, TEL_CH_RX_HEAD);
	chw(c, 0, TEL_CH_RX_TAIL, head);
	wait_rx(c, 0, head + 16);
	i = (head + 8) % 4096;
	check(rx[i] == 0xff && rx[i + 7] == 0xff, "silence frames are 0xff");
	ctl("audio 0 0 pattern");
}

static void case_hangup_stops_dma(void)
{
	struct card *c = c0;
	uint8_t *rx = ram + rx_ring(0, 0);
	uint32_t i, bad = 0;

	check(card_cmd(c, TEL_OP_HANGUP, 0, TEL_DISC_NORMAL) == TEL_CMDST_OK,
	      "HANGUP");
	check(chr(c, 0, TEL_CH_STATE) == TEL_CHST_IDLE &&
	      chr(c, 0, TEL_CH_HOOK) == 0 &&
	      chr(c, 0, TEL_CH_RING_BYTES) == 0, "IDLE, on hook, unbound");
	memset(rx, 0xaa, 4096);
	chw(c, 0, TEL_CH_RX_TAIL, chr(c, 0, TEL_CH_RX_HEAD));
	msleep(20);
	for (i = 0; i < 4096; i++)
		bad += rx[i] != 0xaa;
	check(!bad, "no DMA after HANGUP");
	ctl("stats 0 0");
	check(kv("state") == 0 && kv("hook") == 0 && kv("hangups") == 1 &&
	      kv("hangup_cause") == TEL_DISC_NORMAL, "stats after HANGUP");
	check(rd(c, TEL_EVQ_HEAD) == c->evq_tail,
	      "no event for a driver hangup");
}

static void case_echo(void)
{
	struct card *c = c0;
	uint8_t *rx = ram + rx_ring(0, 1), *tx = ram + tx_ring(0, 1);
	uint8_t data[64], seen[4096];
	uint32_t i, head, tail, n = 0;
	bool found = false;
	int tries;

	check(ctl_is("ok", "audio 0 1 echo"), "audio echo");
	check(ctl_is("ok", "far 0 1 answer 0"), "far answer 0");
	check(card_dial(c, 0, 1, 1024, "42") == TEL_CMDST_OK, "DIAL ch1");
	check(expect_state(c, 1, TEL_CHST_RINGBACK, 0, 500) &&
	      expect_state(c, 1, TEL_CHST_CONNECTED, 0, 500),
	      "RINGBACK and CONNECTED on the first tick");
	for (i = 0; i < sizeof(data); i++)
		data[i] = i + 1;
	/*
	 * Read the rx ring as the driver would, from an empty ring on: the
	 * card drops frames once the 1024-byte ring is full (128 ms), which
	 * a loaded machine can take before the echo comes back.
	 */
	tail = chr(c, 1, TEL_CH_RX_HEAD);
	chw(c, 1, TEL_CH_RX_TAIL, tail);
	memcpy(tx + 1000, data, 24);	/* wraps at 1024 */
	memcpy(tx, data + 24, 40);
	chw(c, 1, TEL_CH_TX_TAIL, 1000);	/* card's: test pokes it */
	chw(c, 1, TEL_CH_TX_HEAD, 1000 + sizeof(data));
	/* 8 frames out, 8 back: a few ms, but wait up to 2 s */
	for (tries = 0; !found && tries < 100; tries++) {
		msleep(20);
		head = chr(c, 1, TEL_CH_RX_HEAD);
		while (tail != head && n < sizeof(seen))
			seen[n++] = rx[tail++ % 1024];
		chw(c, 1, TEL_CH_RX_TAIL, tail);
		for (i = 0; i + sizeof(data) <= n; i++) {
			if ((!i || seen[i - 1] == 0xff) &&
			    !memcmp(seen + i, data, sizeof(data))) {
				found = true;
				break;
			}
		}
	}
	check(found, "echo returns the tx bytes across the ring wrap");
	check(card_cmd(c, TEL_OP_HANGUP, 1, 0) == TEL_CMDST_OK, "HANGUP ch1");
	ctl("audio 0 1 pattern");
}

static void case_far_modes(void)
{
	static const struct {
		const char *mode;
		uint32_t cause;
	} m[] = {
		{ "busy", TEL_DISC_BUSY },
		{ "reject", TEL_DISC_REJECT },
		{ "unreachable", TEL_DISC_UNREACHABLE },
	};
	struct card *c = c0;
	struct event e;
	unsigned int i;
	uint32_t t0;

	for (i = 0; i < 3; i++) {
		ctl("far 0 2 %s", m[i].mode);
		t0 = rd(c, TEL_STATUS_TICKS);
		check(card_dial(c, 0, 2, 256, "9") == TEL_CMDST_OK,
		      "%s: DIAL", m[i].mode);
		check(expect_state(c, 2, TEL_CHST_DISCONNECTED, m[i].cause,
				   500) &&
		      chr(c, 2, TEL_CH_CAUSE) == m[i].cause &&
		      chr(c, 2, TEL_CH_HOOK) == 1,
		      "%s: DISCONNECTED with its cause, still off hook",
		      m[i].mode);
		check(rd(c, TEL_STATUS_TICKS) - t0 >= 5, "%s: after ~5 ticks",
		      m[i].mode);
		check(card_cmd(c, TEL_OP_HANGUP, 2, 0) == TEL_CMDST_OK,
		      "%s: HANGUP", m[i].mode);
	}
	ctl("far 0 2 noanswer");
	check(card_dial(c, 0, 2, 256, "9") == TEL_CMDST_OK, "noanswer: DIAL");
	check(expect_state(c, 2, TEL_CHST_RINGBACK, 0, 500),
	      "noanswer: RINGBACK");
	check(!next_event(c, &e, 100), "noanswer: nothing more");
	check(ctl_is("ok", "hangup 0 2 noanswer"), "ctl hangup ringing call");
	check(expect_state(c, 2, TEL_CHST_DISCONNECTED, TEL_DISC_NOANSWER,
			   500), "far hangup: DISCONNECTED noanswer");
	card_cmd(c, TEL_OP_HANGUP, 2, 0);
	ctl("far 0 2 answer");
}

static void case_far_hangup(void)
{
	struct card *c = c0;
	uint32_t head;

	ctl("far 0 0 answer 1");
	check(card_dial(c, 0, 0, 256, "77") == TEL_CMDST_OK, "DIAL");
	check(expect_state(c, 0, TEL_CHST_RINGBACK, 0, 500) &&
	      expect_state(c, 0, TEL_CHST_CONNECTED, 0, 500), "connected");
	check(ctl_is("ok", "hangup 0 0 congestion"), "ctl hangup");
	check(expect_state(c, 0, TEL_CHST_DISCONNECTED, TEL_DISC_CONGESTION,
			   500) && chr(c, 0, TEL_CH_CAUSE) ==
			   TEL_DISC_CONGESTION, "DISCONNECTED congestion");
	head = chr(c, 0, TEL_CH_RX_HEAD);
	chw(c, 0, TEL_CH_RX_TAIL, head);
	msleep(20);
	check(chr(c, 0, TEL_CH_RX_HEAD) == head, "audio stopped");
	check(ctl_is("err state", "hangup 0 0 normal"),
	      "ctl hangup of a disconnected call: err state");
	check(card_cmd(c, TEL_OP_HANGUP, 0, TEL_DISC_NORMAL) == TEL_CMDST_OK,
	      "driver HANGUP after far hangup");
	check(card_dial(c, 0, 0, 256, "78") == TEL_CMDST_OK, "DIAL again");
	check(expect_state(c, 0, TEL_CHST_RINGBACK, 0, 500) &&
	      expect_state(c, 0, TEL_CHST_CONNECTED, 0, 500), "connected");
	check(ctl_is("ok", "hangup 0 0 0x8000"), "ctl hangup numeric cause");
	check(expect_state(c, 0, TEL_CHST_DISCONNECTED, TEL_DISC_TEMPFAILURE,
			   500), "DISCONNECTED tempfailure");
	card_cmd(c, TEL_OP_HANGUP, 0, 0);
	ctl("far 0 0 answer");
}

static void case_offer(void)
{
	struct card *c = c0;
	struct event e;

	check(ctl_is("ok", "offer 0 3 5551234"), "offer");
	check(next_event(c, &e, 500) && e.type == TEL_HWEV_OFFER &&
	      e.ch == 3 && e.state == TEL_CHST_OFFERING &&
	      !strcmp(e.number, "5551234"), "OFFER event with number");
	check(chr(c, 3, TEL_CH_STATE) == TEL_CHST_OFFERING, "OFFERING");
	check(ctl_is("err busy", "offer 0 3 1"), "offer busy channel");
	check(card_dial(c, 0, 3, 256, "1") == TEL_CMDST_BUSY,
	      "DIAL offering channel: BUSY");
	check(card_answer(c, 0, 3, 512) == TEL_CMDST_OK, "ANSWER");
	check(expect_state(c, 3, TEL_CHST_CONNECTED, 0, 500) &&
	      chr(c, 3, TEL_CH_HOOK) == 1, "event: CONNECTED");
	wait_rx(c, 3, 16);
	check(ram[rx_ring(0, 3)] == 3 && ram[rx_ring(0, 3) + 1] == 4,
	      "inbound audio, pattern offset by channel");
	check(card_cmd(c, TEL_OP_HANGUP, 3, 0) == TEL_CMDST_OK, "HANGUP");
	ctl("stats 0 3");
	check(kv("answers") == 1 && kv("far_tx_bytes") > 0, "stats answers");

	check(ctl_is("ok", "offer 0 3 600"), "offer again");
	check(next_event(c, &e, 500) && e.type == TEL_HWEV_OFFER, "OFFER");
	check(card_cmd(c, TEL_OP_HANGUP, 3, TEL_DISC_REJECT) == TEL_CMDST_OK,
	      "reject the offer (HANGUP)");
	check(stat_of(0, 3, "hangup_cause") == TEL_DISC_REJECT &&
	      kv("state") == 0, "rejected: idle, cause recorded");

	check(ctl_is("ok", "offer 0 3 601"), "offer a third time");
	check(next_event(c, &e, 500) && e.type == TEL_HWEV_OFFER, "OFFER");
	check(ctl_is("ok", "cancel 0 3"), "cancel");
	check(expect_state(c, 3, TEL_CHST_IDLE, TEL_DISC_CANCELLED, 500) &&
	      chr(c, 3, TEL_CH_CAUSE) == TEL_DISC_CANCELLED,
	      "event: IDLE cancelled");
	check(ctl_is("err state", "cancel 0 3"), "cancel again: err state");
	check(card_answer(c, 0, 3, 512) == TEL_CMDST_BUSY,
	      "ANSWER a cancelled offer: BUSY");
	check(ctl_is("err usage", "offer 0 3 a\"b"), "offer bad number");
	check(ctl_is("err usage",
		     "offer 0 3 12345678901234567890123456789012"),
	      "offer number too long");
}

static void case_reset(void)
{
	struct card *c = c0;
	unsigned int i, idle = 0;

	ctl("far 0 0 answer 0");
	check(card_dial(c, 0, 0, 256, "1") == TEL_CMDST_OK, "DIAL ch0");
	check(card_dial(c, 0, 1, 256, "2") == TEL_CMDST_OK, "DIAL ch1");
	ctl("offer 0 2 3");
	msleep(10);
	check(card_cmd(c, TEL_OP_RESET, 0, 0) == TEL_CMDST_OK, "RESET");
	for (i = 0; i < NCH; i++)
		idle += chr(c, i, TEL_CH_STATE) == TEL_CHST_IDLE &&
			chr(c, i, TEL_CH_HOOK) == 0 &&
			chr(c, i, TEL_CH_RING_BYTES) == 0;
	check(idle == NCH, "every channel idle, on hook, unbound");
	check(stat_of(0, 0, "dials") == 4, "counters kept over RESET");
	drain_events(c);
	ctl("far 0 0 answer");
}

static void case_tick_irq(void)
{
	struct card *c = c0;
	uint32_t t0, t1 = 0;
	uint64_t n;

	wait_irq(c, TEL_IRQ_TICK, 0);
	wr(c, TEL_CTRL_TICK_IRQ, 4);
	msleep(50);
	check(wait_irq(c, TEL_IRQ_TICK, 0) == 0,
	      "no tick irq without a connected channel");
	ctl("far 0 0 answer 0");
	card_dial(c, 0, 0, 4096, "1");
	msleep(5);
	/* irqs coalesce in the eventfd: compare the count with the ticks */
	wr(c, TEL_CTRL, 0);
	wait_irq(c, TEL_IRQ_TICK, 0);
	t0 = rd(c, TEL_STATUS_TICKS);
	wr(c, TEL_CTRL, TEL_CTRL_ENABLE);
	msleep(200);
	wr(c, TEL_CTRL, 0);
	t1 = rd(c, TEL_STATUS_TICKS) - t0;
	n = wait_irq(c, TEL_IRQ_TICK, 0);
	wr(c, TEL_CTRL, TEL_CTRL_ENABLE);
	check(t1 >= 40 && n + 2 >= t1 / 4 && n <= t1 / 4 + 2,
	      "tick irq every 4 ticks (%llu in %u ticks)",
	      (unsigned long long)n, t1);
	wr(c, TEL_CTRL_TICK_IRQ, 0);

	/* no DMA while ENABLE is clear */
	wr(c, TEL_CTRL, 0);
	msleep(3);
	t0 = chr(c, 0, TEL_CH_RX_HEAD);
	t1 = chr(c, 0, TEL_CH_TX_UNDERRUNS);
	msleep(30);
	check(chr(c, 0, TEL_CH_RX_HEAD) == t0 &&
	      chr(c, 0, TEL_CH_TX_UNDERRUNS) == t1,
	      "disabled card: no audio DMA");
	wr(c, TEL_CTRL, TEL_CTRL_ENABLE);
	msleep(30);
	check(chr(c, 0, TEL_CH_RX_HEAD) != t0, "enabled again: audio moves");
	card_cmd(c, TEL_OP_HANGUP, 0, 0);
	drain_events(c);
	ctl("far 0 0 answer");
}

static void case_events(void)
{
	struct card *c = c0;
	uint32_t lost, head;
	struct event e;

	lost = rd(c, TEL_STATUS_EVQ_LOST);
	check(ctl_is("ok", "fault 0 evq-flood 300"), "evq-flood 300");
	head = rd(c, TEL_EVQ_HEAD);
	check(head - c->evq_tail == TEL_EVQ_ENTRIES,
	      "queue full at %d entries", TEL_EVQ_ENTRIES);
	check(rd(c, TEL_STATUS_EVQ_LOST) - lost == 300 - TEL_EVQ_ENTRIES,
	      "the rest counted lost");
	check(wait_irq(c, TEL_IRQ_EVENT, 100) >= 1, "event irq raised");
	check(next_event(c, &e, 0) && e.type == TEL_HWEV_STATE && e.ch == 0,
	      "flood entries are channel 0 STATE events");
	drain_events(c);
	ctl("card 0");
	check(kv("evq_lost") == rd(c, TEL_STATUS_EVQ_LOST), "card evq_lost");

	/* with ENABLE clear the card neither queues nor interrupts */
	wr(c, TEL_CTRL, 0);
	head = rd(c, TEL_EVQ_HEAD);
	ctl("offer 0 1 99");
	msleep(10);
	check(rd(c, TEL_EVQ_HEAD) == head &&
	      wait_irq(c, TEL_IRQ_EVENT, 0) == 0, "disabled: no event, no irq");
	check(chr(c, 1, TEL_CH_STATE) == TEL_CHST_OFFERING,
	      "disabled: state still changes");
	ctl("cancel 0 1");
	wr(c, TEL_CTRL, TEL_CTRL_ENABLE);
}

static void case_faults(void)
{
	struct card *c = c0;
	struct cmd k = { .op = TEL_OP_NOP };
	uint32_t t0, lost_seq;

	check(ctl_is("ok", "fault 0 badaddr on"), "fault badaddr on");
	check(card_dial(c, 0, 0, 256, "1") == TEL_CMDST_BADADDR,
	      "badaddr: DIAL refused");
	ctl("offer 0 1 5");
	drain_events(c);
	check(card_answer(c, 0, 1, 256) == TEL_CMDST_BADADDR,
	      "badaddr: ANSWER refused");
	check(ctl_is("ok", "fault 0 badaddr off"), "fault badaddr off");
	check(card_answer(c, 0, 1, 256) == TEL_CMDST_OK, "ANSWER works again");
	card_cmd(c, TEL_OP_HANGUP, 1, 0);
	drain_events(c);

	check(ctl_is("ok", "fault 0 cmd-timeout on"), "fault cmd-timeout on");
	check(card_cmd_wait(c, &k, 200) == -1, "cmd-timeout: no completion");
	lost_seq = c->seq;
	check(ctl_is("ok", "fault 0 cmd-timeout off"), "cmd-timeout off");
	msleep(20);
	check(rd(c, TEL_CMD_DONE_SEQ) != lost_seq,
	      "the dropped command never completes");
	check(card_cmd(c, TEL_OP_NOP, 0, 0) == TEL_CMDST_OK,
	      "next command completes");

	check(ctl_is("ok", "fault 0 stall on"), "fault stall on");
	msleep(5);
	t0 = rd(c, TEL_STATUS_TICKS);
	check(card_cmd_wait(c, &k, 100) == -1, "stall: no completion");
	check(rd(c, TEL_STATUS_TICKS) == t0, "stall: ticks stop");
	check(ctl_is("ok", "fault 0 stall off"), "fault stall off");
	msleep(20);
	check(rd(c, TEL_CMD_DONE_SEQ) == c->seq &&
	      rd(c, TEL_STATUS_TICKS) != t0,
	      "unstalled: pending command completes, ticks resume");
	wait_irq(c, TEL_IRQ_COMMAND, 0);
	check(ctl_is("err usage", "fault 0 stall maybe"), "fault bad arg");
}

/* The guest may write anything: telemu must survive and recover. */
static void case_garbage(void)
{
	struct card *c = c0;
	unsigned int i, v;
	uint32_t off;

	srand(1);
	for (i = 0; i < 3000; i++) {
		off = (TEL_STATUS + (rand() % (0x9000 - TEL_STATUS))) & ~3u;
		wr(c, off, rand() * 2654435761u);
		if (i % 10 == 0) {
			wr(c, TEL_CMD_OP, rand() % 6);
			wr(c, TEL_CMD_CHANNEL, rand() % (NCH + 2));
			wr(c, TEL_CMD_RX_ADDR_LO, rand() % RAM_SIZE);
			wr(c, TEL_CMD_RX_ADDR_HI, rand() % 20 == 0);
			wr(c, TEL_CMD_TX_ADDR_LO, rand() % RAM_SIZE);
			wr(c, TEL_CMD_RING_BYTES, 64u << (rand() % 12));
			wr(c, TEL_CMD_SEQ, rand());
		}
		v = rand() % 8;
		ring_doorbell(c, v < TEL_NR_IRQS ? v : 0);
		if (i % 100 == 0)
			msleep(1);
	}
	msleep(50);
	check(ctl_is("ok", "ping"), "survived 3000 random window writes");
	wr(c, TEL_CTRL, TEL_CTRL_ENABLE);
	wr(c, TEL_CTRL_TICK_IRQ, 0);
	c->seq = rd(c, TEL_CMD_DONE_SEQ);
	check(card_cmd(c, TEL_OP_RESET, 0, 0) == TEL_CMDST_OK,
	      "RESET after garbage");
	c->evq_tail = rd(c, TEL_EVQ_HEAD);
	wr(c, TEL_CTRL_EVQ_TAIL, c->evq_tail);
	for (i = 0; i < 3; i++)
		wait_irq(c, i, 0);
}

static void case_second_card(void)
{
	struct card *c1 = &cards[1], extra;
	char buf[8];

	check(card_attach(c1, 1), "card1: handshake");
	wr(c1, TEL_CTRL, TEL_CTRL_ENABLE);
	check(card_cmd(c1, TEL_OP_NOP, 0, 0) == TEL_CMDST_OK, "card1: NOP");
	check(ctl_is("ok", "offer 1 0 11"), "card1: offer");
	check(rd(c1, TEL_EVQ_HEAD) == 1 && rd(c0, TEL_EVQ_HEAD) ==
	      c0->evq_tail, "event went to card1 only");

	/* a second QEMU on card0 is refused */
	memset(&extra, 0, sizeof(extra));
	extra.sock = unix_connect_path("card0.sock");
	check(extra.sock >= 0 && recv(extra.sock, buf, sizeof(buf), 0) == 0,
	      "second QEMU on card0: closed");
	if (extra.sock >= 0)
		close(extra.sock);

	card_detach(c1);
	msleep(20);
	ctl("card 1");
	check(kv("connected") == 0, "card1 gone after disconnect");
	check(ctl_is("err gone", "offer 1 0 1"), "offer on a gone card");
	check(card_cmd(c0, TEL_OP_NOP, 0, 0) == TEL_CMDST_OK,
	      "card0 still served");
	check(card_attach(c1, 1), "card1: reattach");
	check(rd(c1, TEL_STATUS) == TEL_STATUS_READY &&
	      rd(c1, TEL_EVQ_HEAD) == 0 &&
	      rd(c1, TEL_CH_BASE + TEL_CH_STATE) == TEL_CHST_IDLE,
	      "card1: fresh window after reattach");
	check(!strcmp(ctl("card 1"), reply) && kv("connected") == 1,
	      "card1 connected again");
	card_detach(c1);
}

static void qmp_say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die("qmp write");
}

/* A fake QEMU QMP server for "unplug". */
static void case_unplug(const char *qmp_path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[512];
	int lfd, fd;
	ssize_t n;

	check(ctl_is("err range", "unplug 5"), "unplug bad card");
	check(!strncmp(ctl("unplug 0"), "err qmp", 7),
	      "unplug without QMP listener: %s", reply);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", qmp_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 4))
		die("qmp listen");
	if (write(ctl_fd, "unplug 0\nping\n", 14) != 14)
		die("write");
	fd = accept(lfd, NULL, NULL);
	qmp_say(fd, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n");
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	check(strstr(buf, "qmp_capabilities") != NULL, "qmp: capabilities");
	qmp_say(fd, "{\"return\": {}}\r\n");
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	check(strstr(buf, "device_del") && strstr(buf, "\"tel0\""),
	      "qmp: device_del tel0");
	qmp_say(fd, "{\"timestamp\": {}, \"event\": \"X\"}\r\n"
		"{\"return\": {}}\r\n");
	check(!strcmp(ctl_read_reply(), "ok"), "unplug: ok after return");
	check(!strcmp(ctl_read_reply(), "ok"), "queued ping answered next");
	check(card_cmd(c0, TEL_OP_NOP, 0, 0) == TEL_CMDST_OK,
	      "card works until DEVICE_DELETED");
	qmp_say(fd, "{\"timestamp\": {\"seconds\": 1}, \"event\": "
		"\"DEVICE_DELETED\", \"data\": {\"device\": \"tel0\", "
		"\"path\": \"/machine/peripheral/tel0\"}}\r\n");
	msleep(50);
	ctl("card 0");
	check(kv("connected") == 0, "card0 gone after DEVICE_DELETED");
	check(card_cmd_wait(c0, &(struct cmd){ .op = TEL_OP_NOP }, 100) == -1,
	      "gone card completes nothing");
	close(fd);

	/* a QMP server that never answers: err after 5 s, loop alive */
	if (write(ctl_fd, "unplug 1\n", 9) != 9)
		die("write");
	fd = accept(lfd, NULL, NULL);
	check(!strcmp(ctl_read_reply(), "err qmp timeout"),
	      "unplug: timeout");
	close(fd);
	close(lfd);
	unlink(qmp_path);
}

/* ---- DTMF, caller id, hook flash: all through the audio ---- */

#define DSP_RING	16384	/* 2 s of audio: a loaded host keeps up */
#define TONE(t, g)	((uint32_t)(t) | (uint32_t)(g) << 16)

/* A CONNECTED outbound call on card0 channel ch. */
static bool dsp_call(unsigned int ch, const char *audio)
{
	ctl("far 0 %u answer 0", ch);
	ctl("audio 0 %u %s", ch, audio);
	return card_dial(c0, 0, ch, DSP_RING, "100") == TEL_CMDST_OK &&
	       expect_state(c0, ch, TEL_CHST_RINGBACK, 0, 1000) &&
	       expect_state(c0, ch, TEL_CHST_CONNECTED, 0, 1000);
}

static int digits_cmd(unsigned int ch, const char *digits, uint32_t arg)
{
	struct cmd k = { .op = TEL_OP_DIGITS, .ch = ch, .arg = arg,
			 .digits = digits };

	return card_cmd_wait(c0, &k, 1000);
}

/*
 * The driver's side of a call's audio: drain the rx ring (keeping the
 * bytes if asked), keep the tx ring half full with quiet audio, or with
 * DTMF of the host's own when gen has some.
 */
struct pump {
	unsigned int ch;
	uint32_t rx_tail, tx_head;
	bool tx;
	dtmf_tx_state_t *gen;
	uint8_t *keep;
	size_t kept, keep_max;
};

static void pump_init(struct pump *p, unsigned int ch, bool tx)
{
	memset(p, 0, sizeof(*p));
	p->ch = ch;
	p->tx = tx;
	p->rx_tail = chr(c0, ch, TEL_CH_RX_HEAD);
	chw(c0, ch, TEL_CH_RX_TAIL, p->rx_tail);
	p->tx_head = chr(c0, ch, TEL_CH_TX_HEAD);
}

static void pump_run(struct pump *p)
{
	uint8_t *rx = ram + rx_ring(0, p->ch), *tx = ram + tx_ring(0, p->ch);
	uint32_t head = chr(c0, p->ch, TEL_CH_RX_HEAD), tail;
	int16_t amp[8];
	int i, n;

	while (p->rx_tail != head) {
		if (p->keep && p->kept < p->keep_max)
			p->keep[p->kept++] = rx[p->rx_tail % DSP_RING];
		p->rx_tail++;
	}
	chw(c0, p->ch, TEL_CH_RX_TAIL, p->rx_tail);
	if (!p->tx)
		return;
	tail = chr(c0, p->ch, TEL_CH_TX_TAIL);
	while (p->tx_head - tail < DSP_RING / 2) {
		n = p->gen ? dtmf_tx(p->gen, amp, 8) : 0;
		for (i = 0; i < 8; i++)	/* quiet: about -50 dBm0 */
			tx[(p->tx_head + i) % DSP_RING] = i < n ?
				linear_to_ulaw(amp[i]) : i & 1 ? 0xe7 : 0x67;
		p->tx_head += 8;
	}
	chw(c0, p->ch, TEL_CH_TX_HEAD, p->tx_head);
}

/* Pump until an event of type on the pump's channel; others skipped. */
static bool pump_event(struct pump *p, uint32_t type, struct event *e,
		       int ms)
{
	uint64_t deadline = now_ms() + ms;

	do {
		pump_run(p);
		while (next_event(c0, e, 0))
			if (e->type == type && e->ch == p->ch)
				return true;
		msleep(5);
	} while (now_ms() < deadline);
	return false;
}

/* Pump until the far end's stats show key="want" (or key=want). */
static bool pump_stat(struct pump *p, const char *key, const char *want,
		      int ms)
{
	uint64_t deadline = now_ms() + ms;
	char pat[96];

	snprintf(pat, sizeof(pat), " %s=%s", key, want);
	do {
		pump_run(p);
		ctl("stats 0 %u", p->ch);
		if (strstr(reply, pat))
			return true;
		msleep(10);
	} while (now_ms() < deadline);
	printf("# %s: want '%s': %s\n", key, want, reply);
	return false;
}

static void case_dtmf_send(void)
{
	static const char *const bad[] = {
		"", "12x", "1a", "1 2", "E",
		"01234567890123456789012345678901",	/* 32: no NUL */
	};
	struct card *c = c0;
	dtmf_tx_state_t *gen;
	struct event e;
	struct pump p;
	unsigned int i;

	check(rd(c, TEL_ID_CAPS) & TEL_CAP_DTMF, "DTMF cap");
	check(digits_cmd(2, "1", 0) == TEL_CMDST_BUSY, "DIGITS idle: BUSY");
	check(digits_cmd(NCH, "1", 0) == TEL_CMDST_BADCHAN,
	      "DIGITS bad channel: BADCHAN");
	check(dsp_call(0, "silence"), "DSP call on ch0");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check(digits_cmd(0, bad[i], 0) == TEL_CMDST_INVAL,
		      "DIGITS \"%s\": INVAL", bad[i]);
	check(digits_cmd(0, "1", TONE(39, 0)) == TEL_CMDST_INVAL &&
	      digits_cmd(0, "1", TONE(1001, 0)) == TEL_CMDST_INVAL &&
	      digits_cmd(0, "1", TONE(0, 39)) == TEL_CMDST_INVAL &&
	      digits_cmd(0, "1", TONE(80, 1001)) == TEL_CMDST_INVAL,
	      "DIGITS tone or gap out of 40..1000 ms: INVAL");
	check(stat_of(0, 0, "queued") == 0, "refused DIGITS queued nothing");

	/* nothing written by the host: the digits go out over silence */
	pump_init(&p, 0, false);
	check(digits_cmd(0, "123#", 0) == TEL_CMDST_OK, "DIGITS 123#");
	check(pump_event(&p, TEL_HWEV_DIGITS_SENT, &e, 5000) &&
	      ev32(&e, TEL_EV_SENT) == 4 && e.state == TEL_CHST_CONNECTED,
	      "DIGITS_SENT, 4 sent (%u)", ev32(&e, TEL_EV_SENT));
	check(pump_stat(&p, "far_digits", "\"123#\"", 3000),
	      "far end heard 123#");

	/* mixed into what the host writes; two batches, two timings */
	pump_init(&p, 0, true);
	pump_run(&p);
	check(digits_cmd(0, "A5", TONE(40, 40)) == TEL_CMDST_OK &&
	      digits_cmd(0, "*09", TONE(120, 60)) == TEL_CMDST_OK,
	      "DIGITS A5 at 40/40 ms, then *09 at 120/60 ms");
	check(pump_event(&p, TEL_HWEV_DIGITS_SENT, &e, 5000) &&
	      ev32(&e, TEL_EV_SENT) == 5, "one DIGITS_SENT for both (%u)",
	      ev32(&e, TEL_EV_SENT));
	check(pump_stat(&p, "far_digits", "\"123#A5*09\"", 3000),
	      "far end heard A5*09 over the host's audio");
	check(stat_of(0, 0, "tx_underruns") == 0 && kv("sent") == 9,
	      "no underruns while mixing, 9 sent in all");

	/* DTMF in the host's own audio: the card adds nothing */
	gen = dtmf_tx_init(NULL);
	dtmf_tx_put(gen, "7D", -1);
	p.gen = gen;
	check(pump_stat(&p, "far_digits", "\"123#A5*097D\"", 5000),
	      "far end heard 7D the host wrote itself");
	check(!next_event(c, &e, 0), "no DIGITS_SENT for the host's own");
	p.gen = NULL;
	dtmf_tx_free(gen);

	/* FULL: the queue holds 31; a refused batch queues nothing */
	check(digits_cmd(0, "0123456789ABCD*#0123456789ABCD*",
			 TONE(1000, 1000)) == TEL_CMDST_OK,
	      "DIGITS 31 at 1 s each");
	check(digits_cmd(0, "12", 0) == TEL_CMDST_FULL, "2 more: FULL");
	i = stat_of(0, 0, "queued");
	check(i == 31, "still 31 queued (%u)", i);
	check(card_cmd(c, TEL_OP_HANGUP, 0, 0) == TEL_CMDST_OK &&
	      !pump_event(&p, TEL_HWEV_DIGITS_SENT, &e, 300),
	      "HANGUP drops the queue: no DIGITS_SENT");
	check(stat_of(0, 0, "queued") == 0, "queue empty after HANGUP");
	check(digits_cmd(0, "1", 0) == TEL_CMDST_BUSY,
	      "DIGITS after HANGUP: BUSY");
}

/* The far end plays digits once it is done with any before. */
static bool far_digits(struct pump *p, const char *args)
{
	return pump_stat(p, "far_playing", "0", 5000) &&
	       ctl_is("ok", "digits 0 %u %s", p->ch, args);
}

/* Collect DIGIT events until n or ms; returns how many. */
static unsigned int pump_digits(struct pump *p, struct event *ev,
				unsigned int n, int ms)
{
	uint64_t deadline = now_ms() + ms;
	unsigned int got = 0;

	while (got < n && now_ms() < deadline)
		if (pump_event(p, TEL_HWEV_DIGIT, &ev[got], 50))
			got++;
	return got;
}

static void case_dtmf_detect(void)
{
	struct card *c = c0;
	struct event ev[8], e;
	struct pump p;
	uint32_t t0, t1, d, start;
	unsigned int i, n, ok;
	static uint8_t keep[40000];
	size_t loud;

	check(card_cmd(c, TEL_OP_DETECT, 1, 4) == TEL_CMDST_INVAL &&
	      card_cmd(c, TEL_OP_DETECT, 1, 0x80000001) == TEL_CMDST_INVAL,
	      "DETECT unknown bits: INVAL");
	check(card_cmd(c, TEL_OP_DETECT, 1, TEL_DETECT_ON) == TEL_CMDST_OK &&
	      stat_of(0, 1, "detect") == TEL_DETECT_ON,
	      "DETECT on an idle channel: OK");
	check(dsp_call(1, "silence") && stat_of(0, 1, "detect") == 0,
	      "DIAL turns detection off");
	check(ctl_is("err usage", "digits 0 1 12x") &&
	      ctl_is("err usage", "digits 0 1 1 80") &&
	      ctl_is("err usage", "digits 0 1 1 80 80 -61") &&
	      ctl_is("err usage", "digits 0 1 1 80 80 -10 21") &&
	      ctl_is("err state", "digits 0 2 1"),
	      "ctl digits: bad arguments, idle channel");

	pump_init(&p, 1, true);
	check(far_digits(&p, "3"), "far end plays 3, detection off");
	check(pump_stat(&p, "far_playing", "0", 3000) &&
	      !pump_event(&p, TEL_HWEV_DIGIT, &e, 200),
	      "no DIGIT event with detection off");

	check(card_cmd(c, TEL_OP_DETECT, 1, TEL_DETECT_ON) == TEL_CMDST_OK,
	      "DETECT on");
	t0 = rd(c, TEL_STATUS_TICKS);
	check(far_digits(&p, "159D 80 80"), "far end plays 159D");
	t1 = rd(c, TEL_STATUS_TICKS);
	check(ctl_is("err busy", "digits 0 1 1"), "digits while playing: busy");
	n = pump_digits(&p, ev, 4, 5000);
	check(n == 4 && ev32(&ev[0], TEL_EV_DIGIT) == '1' &&
	      ev32(&ev[1], TEL_EV_DIGIT) == '5' &&
	      ev32(&ev[2], TEL_EV_DIGIT) == '9' &&
	      ev32(&ev[3], TEL_EV_DIGIT) == 'D', "DIGIT events 1 5 9 D");
	for (i = ok = 0; i < n; i++) {
		d = ev32(&ev[i], TEL_EV_DURATION);
		start = ev32(&ev[i], TEL_EV_START);
		printf("# digit %c start %+d duration %u\n",
		       ev32(&ev[i], TEL_EV_DIGIT), (int)(start - t0), d);
		ok += d >= 60 && d <= 100 &&
		      ev[i].state == TEL_CHST_CONNECTED &&
		      (int)(start - (t0 + 160 * i)) >= -12 &&
		      (int)(start - (t1 + 160 * i)) <= 12;
	}
	check(n == 4 && ok == 4,
	      "each 80 ms (60..100), starting every 160 ticks from the play");

	/* ITU-T Q.24 edges, as spandsp's defaults take them */
	check(far_digits(&p, "12 40 40") &&
	      pump_digits(&p, ev, 2, 3000) == 2,
	      "40 ms tones, 40 ms gaps: detected");
	check(far_digits(&p, "12 20 60") &&
	      pump_stat(&p, "far_playing", "0", 3000) &&
	      !pump_event(&p, TEL_HWEV_DIGIT, &e, 300),
	      "20 ms tones: not detected");
	check(far_digits(&p, "4 80 80 -40") &&
	      pump_digits(&p, ev, 1, 3000) == 1 &&
	      ev32(&ev[0], TEL_EV_DIGIT) == '4', "-40 dBm0: detected");
	check(far_digits(&p, "4 80 80 -50") &&
	      pump_stat(&p, "far_playing", "0", 3000) &&
	      !pump_event(&p, TEL_HWEV_DIGIT, &e, 300),
	      "-50 dBm0: not detected");
	check(far_digits(&p, "6 80 80 -10 -6") &&
	      pump_digits(&p, ev, 1, 3000) == 1,
	      "high group 6 dB louder (normal twist): detected");
	check(far_digits(&p, "6 80 80 -10 8") &&
	      pump_stat(&p, "far_playing", "0", 3000) &&
	      !pump_event(&p, TEL_HWEV_DIGIT, &e, 300),
	      "low group 8 dB louder (reverse twist): not detected");

	/* mute: the tone becomes silence once detected */
	for (i = 0; i < 2; i++) {
		check(card_cmd(c, TEL_OP_DETECT, 1, i ? TEL_DETECT_ON |
			       TEL_DETECT_MUTE : TEL_DETECT_ON) ==
		      TEL_CMDST_OK, "DETECT %s", i ? "on, mute" : "on");
		p.keep = keep;
		p.kept = 0;
		p.keep_max = sizeof(keep);
		far_digits(&p, "8 200 200");
		n = pump_digits(&p, ev, 1, 3000);
		pump_stat(&p, "far_playing", "0", 3000);
		p.keep = NULL;
		for (loud = 0; p.kept--; )
			loud += keep[p.kept] != 0xff && keep[p.kept] != 0x7f;
		if (!i)
			check(n == 1 && loud >= 1500,
			      "unmuted: the tone reaches the host (%zu)",
			      loud);
		else
			check(n == 1 && loud > 0 && loud <= 40 * 8,
			      "muted: DIGIT raised, %zu samples (%zu ms) leak",
			      loud, loud / 8);
	}

	/* round trip: the card's digits, echoed, heard by its detector */
	check(ctl_is("ok", "audio 0 1 echo"), "far end echoes");
	check(digits_cmd(1, "42", 0) == TEL_CMDST_OK, "DIGITS 42 into echo");
	n = pump_digits(&p, ev, 2, 5000);
	check(n == 2 && ev32(&ev[0], TEL_EV_DIGIT) == '4' &&
	      ev32(&ev[1], TEL_EV_DIGIT) == '2',
	      "the card detects its own digits in the echo");
	check(card_cmd(c, TEL_OP_HANGUP, 1, 0) == TEL_CMDST_OK &&
	      stat_of(0, 1, "detect") == 0, "HANGUP turns detection off");
	drain_events(c);
	ctl("audio 0 1 pattern");
}

static void case_flash(void)
{
	static const uint32_t regs[] = {
		TEL_CH_RX_FRAMES, TEL_CH_TX_FRAMES, TEL_CH_RX_OVERRUNS,
		TEL_CH_TX_UNDERRUNS,
	};
	struct card *c = c0;
	uint32_t before[4], t0, t1;
	unsigned int i, same = 0;
	struct event e;
	struct pump p;

	check(rd(c, TEL_ID_CAPS) & TEL_CAP_FLASH, "FLASH cap");
	check(card_cmd(c, TEL_OP_FLASH, 2, 0) == TEL_CMDST_BUSY,
	      "FLASH idle: BUSY");
	check(dsp_call(2, "pattern"), "call on ch2");
	check(card_cmd(c, TEL_OP_FLASH, 2, 49) == TEL_CMDST_INVAL &&
	      card_cmd(c, TEL_OP_FLASH, 2, 2001) == TEL_CMDST_INVAL,
	      "FLASH out of 50..2000 ms: INVAL");
	pump_init(&p, 2, true);
	pump_run(&p);
	msleep(20);
	/* the host wrote, then stops: only a flash keeps underruns away */
	t0 = rd(c, TEL_STATUS_TICKS);
	check(card_cmd(c, TEL_OP_FLASH, 2, 2000) == TEL_CMDST_OK &&
	      chr(c, 2, TEL_CH_HOOK) == 0 &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_CONNECTED,
	      "FLASH 2000: on hook, still CONNECTED");
	check(card_cmd(c, TEL_OP_FLASH, 2, 100) == TEL_CMDST_BUSY,
	      "FLASH during a flash: BUSY");
	for (i = 0; i < 4; i++)
		before[i] = chr(c, 2, regs[i]);
	msleep(100);
	for (i = 0; i < 4; i++)
		same += chr(c, 2, regs[i]) == before[i];
	check(same == 4 && chr(c, 2, TEL_CH_HOOK) == 0,
	      "on hook: no frames, no overruns or underruns counted");
	check(pump_event(&p, TEL_HWEV_FLASH, &e, 5000) &&
	      ev32(&e, TEL_EV_DURATION) == 2000 &&
	      e.state == TEL_CHST_CONNECTED, "FLASH event, 2000 ms");
	t1 = rd(c, TEL_STATUS_TICKS);
	check(t1 - t0 >= 2000 && chr(c, 2, TEL_CH_HOOK) == 1,
	      "off hook again after %u ticks", t1 - t0);
	t0 = chr(c, 2, TEL_CH_RX_FRAMES);
	check(pump_stat(&p, "flashes", "1", 1000) && kv("flash_ms") == 2000 &&
	      kv("state") == TEL_CHST_CONNECTED, "far end saw one flash");
	for (i = 0; i < 200 && chr(c, 2, TEL_CH_RX_FRAMES) == t0; i++)
		msleep(5);
	check(chr(c, 2, TEL_CH_RX_FRAMES) != t0, "audio moves again");

	check(card_cmd(c, TEL_OP_FLASH, 2, 0) == TEL_CMDST_OK,
	      "FLASH default (750 ms)");
	check(card_cmd(c, TEL_OP_HANGUP, 2, 0) == TEL_CMDST_OK &&
	      !pump_event(&p, TEL_HWEV_FLASH, &e, 1200),
	      "HANGUP during a flash: no FLASH event");
	check(chr(c, 2, TEL_CH_HOOK) == 0 && stat_of(0, 2, "flashes") == 1,
	      "on hook, the flash was not counted");

	check(dsp_call(2, "pattern"), "call on ch2 again");
	check(card_cmd(c, TEL_OP_FLASH, 2, 1000) == TEL_CMDST_OK,
	      "FLASH 1000 ms");
	check(ctl_is("ok", "hangup 0 2 normal") &&
	      expect_state(c, 2, TEL_CHST_DISCONNECTED, TEL_DISC_NORMAL, 1000),
	      "far end clears during the flash");
	check(chr(c, 2, TEL_CH_HOOK) == 1 && !pump_event(&p, TEL_HWEV_FLASH,
							  &e, 1200),
	      "flash ended, no FLASH event, off hook");
	card_cmd(c, TEL_OP_HANGUP, 2, 0);
	drain_events(c);
}

/* Pump for ms, the host keeping its tx ring half full. */
static void pump_for(struct pump *p, int ms)
{
	uint64_t deadline = now_ms() + ms;

	do {
		pump_run(p);
		msleep(10);
	} while (now_ms() < deadline);
}

static void case_hold(void)
{
	static const uint32_t regs[] = {
		TEL_CH_RX_FRAMES, TEL_CH_TX_FRAMES, TEL_CH_RX_OVERRUNS,
		TEL_CH_TX_UNDERRUNS,
	};
	struct card *c = c0;
	unsigned long long far_rx, tone, held;
	uint32_t before[4];
	unsigned int i, same = 0;
	struct event e;
	struct pump p;

	check(rd(c, TEL_ID_CAPS) & TEL_CAP_HOLD, "HOLD cap");
	check(card_cmd(c, TEL_OP_HOLD, 2, 0) == TEL_CMDST_BUSY &&
	      card_cmd(c, TEL_OP_UNHOLD, 2, 0) == TEL_CMDST_BUSY,
	      "HOLD, UNHOLD idle: BUSY");
	check(dsp_call(2, "pattern"), "call on ch2");
	check(card_cmd(c, TEL_OP_UNHOLD, 2, 0) == TEL_CMDST_BUSY,
	      "UNHOLD of a connected channel: BUSY");
	pump_init(&p, 2, true);
	pump_for(&p, 200);
	check(stat_of(0, 2, "far_tone_ms") == 0 &&
	      stat_of(0, 2, "far_rx_bytes") > 0,
	      "connected: the far end hears the host, no hold tone");
	drain_events(c);
	check(card_cmd(c, TEL_OP_HOLD, 2, 0) == TEL_CMDST_OK &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_HELD, "HOLD: HELD");
	check(pump_event(&p, TEL_HWEV_STATE, &e, 1000) &&
	      e.state == TEL_CHST_HELD, "STATE event: HELD");
	check(card_cmd(c, TEL_OP_HOLD, 2, 0) == TEL_CMDST_BUSY &&
	      digits_cmd(2, "1", 0) == TEL_CMDST_BUSY &&
	      card_cmd(c, TEL_OP_FLASH, 2, 0) == TEL_CMDST_BUSY,
	      "held: HOLD, DIGITS, FLASH BUSY");
	far_rx = stat_of(0, 2, "far_rx_bytes");
	for (i = 0; i < 4; i++)
		before[i] = chr(c, 2, regs[i]);
	pump_for(&p, 1000);
	for (i = 0; i < 4; i++)
		same += chr(c, 2, regs[i]) == before[i];
	check(same == 4, "held: no frames, no overruns or underruns counted");
	tone = stat_of(0, 2, "far_tone_ms");
	held = kv("held_ms");
	check(stat_of(0, 2, "far_rx_bytes") == far_rx,
	      "held: nothing of the host reaches the far end");
	/* 500 ms on in each second: 20 ms blocks at the edges may miss */
	check(held >= 900 && tone >= held * 4 / 10 && tone <= held * 6 / 10,
	      "held %llu ms: the far end heard the hold tone %llu ms", held,
	      tone);
	check(card_cmd(c, TEL_OP_UNHOLD, 2, 0) == TEL_CMDST_OK &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_CONNECTED &&
	      pump_event(&p, TEL_HWEV_STATE, &e, 1000) &&
	      e.state == TEL_CHST_CONNECTED, "UNHOLD: CONNECTED, its event");
	before[0] = chr(c, 2, TEL_CH_RX_FRAMES);
	pump_for(&p, 200);
	check(stat_of(0, 2, "far_rx_bytes") > far_rx &&
	      kv("far_tone_ms") <= tone + 20 &&
	      chr(c, 2, TEL_CH_RX_FRAMES) > before[0],
	      "unheld: audio both ways again, the tone stopped");
	check(card_cmd(c, TEL_OP_HOLD, 2, 0) == TEL_CMDST_OK,
	      "HOLD again");
	drain_events(c);
	check(ctl_is("ok", "hangup 0 2 normal") &&
	      expect_state(c, 2, TEL_CHST_DISCONNECTED, TEL_DISC_NORMAL, 1000),
	      "the far end clears a held call");
	card_cmd(c, TEL_OP_HANGUP, 2, 0);
	drain_events(c);

	check(dsp_call(2, "pattern"), "call on ch2 again");
	check(card_cmd(c, TEL_OP_HOLD, 2, 0) == TEL_CMDST_OK &&
	      card_cmd(c, TEL_OP_HANGUP, 2, 0) == TEL_CMDST_OK &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_IDLE &&
	      chr(c, 2, TEL_CH_HOOK) == 0, "HANGUP of a held channel");
	drain_events(c);

	check(dsp_call(2, "pattern"), "call for the lies");
	drain_events(c);
	check(ctl_is("ok", "lie 0 2 held") &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_HELD &&
	      next_event(c, &e, 1000) && e.type == TEL_HWEV_STATE &&
	      e.state == TEL_CHST_HELD, "lie held: HELD without a HOLD");
	check(ctl_is("ok", "lie 0 2 unheld") &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_CONNECTED &&
	      next_event(c, &e, 1000) && e.type == TEL_HWEV_STATE &&
	      e.state == TEL_CHST_CONNECTED, "lie unheld: back, no UNHOLD");
	check(ctl_is("err state", "lie 0 2 unheld"),
	      "lie unheld of a channel not held: err state");
	check(ctl_is("ok", "caps 0 0xf") &&
	      card_cmd(c, TEL_OP_HOLD, 2, 0) == TEL_CMDST_INVAL &&
	      card_cmd(c, TEL_OP_UNHOLD, 2, 0) == TEL_CMDST_INVAL,
	      "a card without hold: HOLD, UNHOLD INVAL");
	ctl("caps 0 0x3ff");
	card_cmd(c, TEL_OP_HANGUP, 2, 0);
	drain_events(c);
}

/* What a member hears: the others' levels, summed and saturated. */
static uint8_t conf_mix(const int *level, unsigned int n, unsigned int self)
{
	unsigned int i;
	int sum = 0;

	for (i = 0; i < n; i++)
		if (i != self)
			sum += ulaw_to_linear(linear_to_ulaw(level[i]));
	return linear_to_ulaw(sum > 32124 ? 32124 : sum < -32124 ? -32124 :
			      sum);
}

static void case_conference(void)
{
	/* 3 joins: 1 hears 20000 + -3000, 2 hears 15000 + -3000, 3 clips */
	static const int level[3] = { 15000, 20000, -3000 };
	static const char *const with[3] = { "2,3", "1,3", "1,2" };
	struct card *c = c0;
	unsigned int i, ok = 0;
	char want[40], arg[32];
	struct event e;

	check(rd(c, TEL_ID_CAPS) & TEL_CAP_CONFERENCE &&
	      rd(c, TEL_ID_CONF_MEMBERS) == 4,
	      "CONFERENCE cap, members limit");
	check(card_cmd(c, TEL_OP_CONF_JOIN, 1, 5) == TEL_CMDST_BUSY &&
	      card_cmd(c, TEL_OP_CONF_LEAVE, 1, 0) == TEL_CMDST_BUSY,
	      "JOIN, LEAVE idle: BUSY");
	for (i = 0; i < 3; i++) {
		snprintf(arg, sizeof(arg), "level %d", level[i]);
		check(dsp_call(i + 1, arg), "call on ch%u", i + 1);
	}
	check(card_cmd(c, TEL_OP_CONF_JOIN, 1, 0) == TEL_CMDST_INVAL,
	      "JOIN conference 0: INVAL");
	drain_events(c);
	for (i = 0; i < 3; i++)
		ok += card_cmd(c, TEL_OP_CONF_JOIN, i + 1, 5) == TEL_CMDST_OK &&
		      chr(c, i + 1, TEL_CH_STATE) == TEL_CHST_CONF &&
		      next_event(c, &e, 1000) && e.type == TEL_HWEV_STATE &&
		      e.state == TEL_CHST_CONF && e.ch == i + 1;
	check(ok == 3, "JOIN: CONF, the STATE event first");
	check(card_cmd(c, TEL_OP_CONF_JOIN, 1, 5) == TEL_CMDST_BUSY &&
	      digits_cmd(1, "1", 0) == TEL_CMDST_BUSY &&
	      card_cmd(c, TEL_OP_HOLD, 1, 0) == TEL_CMDST_BUSY &&
	      card_cmd(c, TEL_OP_FLASH, 1, 0) == TEL_CMDST_BUSY,
	      "in conference: JOIN, DIGITS, HOLD, FLASH BUSY");
	msleep(100);
	for (i = 0, ok = 0; i < 3; i++) {
		uint8_t b = conf_mix(level, 3, i);

		snprintf(want, sizeof(want), "%02x%02x", b, b);
		ctl("conf 0 %u", i + 1);
		ok += kv("conf") == 5 && strstr(reply, with[i]) &&
		      strstr(reply, want) && kv("heard_bytes") >= 400;
	}
	check(ok == 3, "each far party hears the saturated sum of the others");
	check(conf_mix(level, 3, 2) == 0x80, "ch3's mix clips to 0x80");
	check(card_cmd(c, TEL_OP_CONF_LEAVE, 2, 0) == TEL_CMDST_OK &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_CONNECTED &&
	      next_event(c, &e, 1000) && e.state == TEL_CHST_CONNECTED,
	      "LEAVE: CONNECTED, its event");
	ctl("conf 0 1");
	check(strstr(reply, "with=\"3\""), "ch1 is with ch3 only");
	check(ctl_is("ok", "hangup 0 3 normal") &&
	      expect_state(c, 3, TEL_CHST_DISCONNECTED, TEL_DISC_NORMAL, 1000),
	      "the far end clears a member");
	ctl("conf 0 1");
	check(kv("conf") == 5 && strstr(reply, "with=\"\""),
	      "ch1 alone in its conference");
	check(ctl_is("ok", "lie 0 2 conf") &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_CONF &&
	      next_event(c, &e, 1000) && e.state == TEL_CHST_CONF &&
	      ctl_is("ok", "lie 0 2 unconf") &&
	      next_event(c, &e, 1000) && e.state == TEL_CHST_CONNECTED,
	      "lie conf, unconf: CONF and back, nothing asked");
	for (i = 1; i <= 3; i++)
		card_cmd(c, TEL_OP_HANGUP, i, 0);
	check(chr(c, 1, TEL_CH_STATE) == TEL_CHST_IDLE, "HANGUP of a member");
	drain_events(c);
	check(ctl_is("ok", "caps 0 0x7f") &&
	      card_cmd(c, TEL_OP_CONF_JOIN, 1, 5) == TEL_CMDST_INVAL,
	      "a card without conference: JOIN INVAL");
	ctl("caps 0 0x3ff");
	check(ctl_is("ok", "members 0 0xffffffff") &&
	      rd(c, TEL_ID_CONF_MEMBERS) == 0xffffffff &&
	      ctl_is("ok", "members 0 2") && rd(c, TEL_ID_CONF_MEMBERS) == 2 &&
	      ctl_is("err usage", "members 0 0x100000000") &&
	      ctl_is("err usage", "members 0 -1") &&
	      rd(c, TEL_ID_CONF_MEMBERS) == 2,
	      "members: what TEL_ID_CONF_MEMBERS says, any u32");
	ctl("members 0 4");
}

/* CONF_PORT of conference @conf on card0 channel @ch, its rings as DIAL's */
static int port_cmd(unsigned int ch, uint32_t conf)
{
	struct cmd k = {
		.op = TEL_OP_CONF_PORT, .ch = ch, .arg = conf,
		.rx = rx_ring(0, ch), .tx = tx_ring(0, ch), .ring = DSP_RING,
	};

	return card_cmd_wait(c0, &k, 1000);
}

/*
 * The host's own party: a port's voice is what it writes into its tx
 * ring, what it hears (the others' mix, never itself) comes into its rx
 * ring, by DMA; it counts as a member, leaves only by HANGUP.
 */
static void case_conf_port(void)
{
	/* ch1 and ch2 far members, ch0 the port: level[0] is the host's */
	static const int level[3] = { 5000, 12000, -3000 };
	struct card *c = c0;
	uint8_t *rx = ram + rx_ring(0, 0), *tx = ram + tx_ring(0, 0);
	uint32_t head, tail, i, bad = 0, got = 0;
	unsigned int k, ok = 0;
	uint8_t mine = conf_mix(level, 3, 0);
	char want[40], arg[32];
	struct event e;

	check(rd(c, TEL_ID_CAPS) & TEL_CAP_CONF_PORT, "CONF_PORT cap");
	check(port_cmd(0, 0) == TEL_CMDST_INVAL, "CONF_PORT conference 0: INVAL");
	drain_events(c);
	check(port_cmd(0, 9) == TEL_CMDST_OK &&
	      chr(c, 0, TEL_CH_STATE) == TEL_CHST_CONF &&
	      chr(c, 0, TEL_CH_HOOK) == 0 &&
	      chr(c, 0, TEL_CH_RING_BYTES) == DSP_RING &&
	      next_event(c, &e, 1000) && e.type == TEL_HWEV_STATE &&
	      e.state == TEL_CHST_CONF && e.ch == 0,
	      "CONF_PORT: CONF, on hook, rings bound, the STATE event first");
	ctl("conf 0 0");
	check(kv("conf") == 9 && kv("port") == 1 && kv("ports") >= 1,
	      "ctl conf: the port's conference, port=1");
	check(port_cmd(0, 9) == TEL_CMDST_BUSY &&
	      card_cmd(c, TEL_OP_CONF_LEAVE, 0, 0) == TEL_CMDST_BUSY &&
	      digits_cmd(0, "1", 0) == TEL_CMDST_BUSY &&
	      card_cmd(c, TEL_OP_HOLD, 0, 0) == TEL_CMDST_BUSY &&
	      ctl_is("err state", "hangup 0 0 normal") &&
	      ctl_is("err state", "digits 0 0 1"),
	      "a port: CONF_PORT again, LEAVE, DIGITS, HOLD BUSY; no far end");
	for (i = 1; i < 3; i++) {
		snprintf(arg, sizeof(arg), "level %d", level[i]);
		check(dsp_call(i, arg), "call on ch%u", i);
		check(card_cmd(c, TEL_OP_CONF_JOIN, i, 9) == TEL_CMDST_OK,
		      "ch%u joins the port's conference", i);
		drain_events(c);
	}
	check(port_cmd(1, 9) == TEL_CMDST_BUSY, "CONF_PORT of a busy channel");
	/* the host speaks level[0], its rx ring drained */
	tail = chr(c, 0, TEL_CH_RX_HEAD);
	for (k = 0; k < 40; k++) {
		head = chr(c, 0, TEL_CH_TX_TAIL);
		for (i = chr(c, 0, TEL_CH_TX_HEAD); i - head < DSP_RING / 2; i++)
			tx[i % DSP_RING] = linear_to_ulaw(level[0]);
		chw(c, 0, TEL_CH_TX_HEAD, i);
		head = chr(c, 0, TEL_CH_RX_HEAD);
		for (; tail != head; tail++, got++)
			bad += got >= 200 && rx[tail % DSP_RING] != mine;
		chw(c, 0, TEL_CH_RX_TAIL, tail);
		msleep(5);
	}
	check(got >= 400 && !bad, "the port's rx ring: the far parties' mix "
	      "(%u bytes, %u wrong)", got, bad);
	check(chr(c, 0, TEL_CH_RX_FRAMES) >= 50 &&
	      chr(c, 0, TEL_CH_TX_FRAMES) >= 50,
	      "the port's frames counted both ways");
	for (i = 1; i < 3; i++) {
		uint8_t b = conf_mix(level, 3, i);

		snprintf(want, sizeof(want), "heard=%02x%02x", b, b);
		ctl("conf 0 %u", i);
		ok += strstr(reply, want) != NULL && strstr(reply, "0,") != NULL;
	}
	check(ok == 2, "each far party hears the port's voice in its mix");
	check(card_cmd(c, TEL_OP_HANGUP, 0, 0) == TEL_CMDST_OK &&
	      chr(c, 0, TEL_CH_STATE) == TEL_CHST_IDLE &&
	      chr(c, 0, TEL_CH_RING_BYTES) == 0,
	      "HANGUP of a port: IDLE, unbound");
	ctl("conf 0 1");
	check(strstr(reply, "with=\"2\"") != NULL, "the port left the conference");
	check(port_cmd(0, 9) == TEL_CMDST_OK && card_cmd(c, TEL_OP_RESET, 0, 0)
	      == TEL_CMDST_OK && chr(c, 0, TEL_CH_STATE) == TEL_CHST_IDLE,
	      "RESET: the port idle");
	drain_events(c);
	check(ctl_is("ok", "caps 0 0x1ff") && port_cmd(0, 9) == TEL_CMDST_INVAL,
	      "a card without CONF_PORT: INVAL");
	check(ctl_is("ok", "caps 0 0x27f") && port_cmd(0, 9) == TEL_CMDST_INVAL,
	      "a port needs conferences: INVAL without them");
	ctl("caps 0 0x3ff");
	drain_events(c);
}

static int redirect_cmd(unsigned int ch, const char *number)
{
	struct cmd k = { .op = TEL_OP_REDIRECT, .ch = ch, .digits = number };

	return card_cmd_wait(c0, &k, 1000);
}

static void case_redirect(void)
{
	struct card *c = c0;
	struct event e;
	char raw[TEL_DIGITS_LEN];
	unsigned long long before;

	check(rd(c, TEL_ID_CAPS) & TEL_CAP_REDIRECT, "REDIRECT cap");
	drain_events(c);
	check(redirect_cmd(3, "700") == TEL_CMDST_BUSY,
	      "REDIRECT of an idle channel: BUSY");
	before = stat_of(0, 3, "redirects");
	check(ctl_is("ok", "offer 0 3 601") &&
	      next_event(c, &e, 500) && e.type == TEL_HWEV_OFFER,
	      "an offer on ch3");
	check(redirect_cmd(3, "") == TEL_CMDST_INVAL, "REDIRECT to \"\": INVAL");
	/* 32 digits fill the mailbox's field: no NUL */
	memset(raw, '7', sizeof(raw) - 1);
	raw[sizeof(raw) - 1] = 0;
	{
		char full[TEL_DIGITS_LEN + 1];

		snprintf(full, sizeof(full), "%s7", raw);
		check(redirect_cmd(3, full) == TEL_CMDST_INVAL,
		      "REDIRECT to a number with no NUL: INVAL");
	}
	check(chr(c, 3, TEL_CH_STATE) == TEL_CHST_OFFERING,
	      "refused: still offering");
	check(redirect_cmd(NCH, "700") == TEL_CMDST_BADCHAN,
	      "REDIRECT of no channel: BADCHAN");
	check(redirect_cmd(3, "700") == TEL_CMDST_OK &&
	      chr(c, 3, TEL_CH_STATE) == TEL_CHST_IDLE &&
	      chr(c, 3, TEL_CH_HOOK) == 0 &&
	      chr(c, 3, TEL_CH_CAUSE) == TEL_DISC_FORWARDED,
	      "REDIRECT: IDLE, on hook, cause FORWARDED");
	check(next_event(c, &e, 500) && e.type == TEL_HWEV_STATE &&
	      e.state == TEL_CHST_IDLE && e.cause == TEL_DISC_FORWARDED,
	      "STATE event: IDLE, FORWARDED");
	ctl("stats 0 3");
	check(kv("redirects") == before + 1 &&
	      strstr(ctl("stats 0 3"), " redirected_to=\"700\""),
	      "the caller's network: sent to 700");
	check(ctl_is("ok", "offer 0 3 602") &&
	      strstr(ctl("stats 0 3"), " redirected_to=\"\""),
	      "a new offer: not yet redirected");
	check(next_event(c, &e, 500) && e.type == TEL_HWEV_OFFER, "OFFER");
	check(card_answer(c, 0, 3, 512) == TEL_CMDST_OK &&
	      redirect_cmd(3, "700") == TEL_CMDST_BUSY,
	      "REDIRECT of an answered call: BUSY");
	card_cmd(c, TEL_OP_HANGUP, 3, 0);
	drain_events(c);

	check(ctl_is("ok", "offer 0 3 603"), "an offer for the lie");
	drain_events(c);
	check(ctl_is("ok", "lie 0 3 forwarded") &&
	      chr(c, 3, TEL_CH_STATE) == TEL_CHST_IDLE &&
	      next_event(c, &e, 1000) && e.type == TEL_HWEV_STATE &&
	      e.cause == TEL_DISC_FORWARDED &&
	      stat_of(0, 3, "redirects") == before + 1,
	      "lie forwarded: IDLE FORWARDED, no REDIRECT asked");
	check(ctl_is("err state", "lie 0 3 forwarded"),
	      "lie forwarded of a channel not offering: err state");
	check(ctl_is("ok", "offer 0 3 604") && ctl_is("ok", "caps 0 0x5f") &&
	      redirect_cmd(3, "700") == TEL_CMDST_INVAL &&
	      chr(c, 3, TEL_CH_STATE) == TEL_CHST_OFFERING,
	      "a card without redirect: REDIRECT INVAL");
	ctl("caps 0 0x3ff");
	ctl("cancel 0 3");
	drain_events(c);
}

static int transfer_cmd(unsigned int ch, const char *number)
{
	struct cmd k = { .op = TEL_OP_TRANSFER, .ch = ch, .digits = number };

	return card_cmd_wait(c0, &k, 1000);
}

/* The far party's digits, as its detector heard them. */
static const char *far_heard_digits(unsigned int ch, char *out, size_t len)
{
	const char *p = strstr(ctl("stats 0 %u", ch), "far_digits=\"");
	size_t i = 0;

	out[0] = 0;
	if (!p)
		return out;
	for (p += strlen("far_digits=\""); *p && *p != '"' && i < len - 1; p++)
		out[i++] = *p;
	out[i] = 0;
	return out;
}

static void case_transfer(void)
{
	struct card *c = c0;
	unsigned long long far_rx, before;
	char heard[80];
	uint32_t frames;
	struct event e;
	struct pump p;

	check(rd(c, TEL_ID_CAPS) & TEL_CAP_TRANSFER, "TRANSFER cap");
	check(transfer_cmd(2, "7001") == TEL_CMDST_BUSY,
	      "TRANSFER of an idle channel: BUSY");
	before = stat_of(0, 2, "transfers");
	check(dsp_call(2, "pattern"), "call on ch2");
	pump_init(&p, 2, true);
	pump_for(&p, 200);
	check(transfer_cmd(2, "") == TEL_CMDST_INVAL &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_CONNECTED,
	      "TRANSFER to \"\": INVAL, still connected");
	check(strstr(ctl("stats 0 2"), " transfer_result=none") &&
	      strstr(ctl("stats 0 2"), " connected_to=\"\""),
	      "before: the far party is on our call");
	drain_events(c);
	far_rx = stat_of(0, 2, "far_rx_bytes");
	check(far_rx > 0, "the far party heard the host");
	check(transfer_cmd(2, "7001") == TEL_CMDST_OK &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_DISCONNECTED &&
	      chr(c, 2, TEL_CH_HOOK) == 0 &&
	      chr(c, 2, TEL_CH_CAUSE) == TEL_DISC_TRANSFERRED,
	      "TRANSFER: DISCONNECTED, on hook, cause TRANSFERRED");
	check(pump_event(&p, TEL_HWEV_STATE, &e, 1000) &&
	      e.state == TEL_CHST_DISCONNECTED &&
	      e.cause == TEL_DISC_TRANSFERRED, "STATE event: TRANSFERRED");
	far_rx = stat_of(0, 2, "far_rx_bytes");
	frames = chr(c, 2, TEL_CH_TX_FRAMES);
	pump_for(&p, 1000);
	check(stat_of(0, 2, "far_rx_bytes") == far_rx &&
	      chr(c, 2, TEL_CH_TX_FRAMES) == frames,
	      "after: nothing of the host reaches the far party");
	check(kv("transfers") == before + 1 &&
	      strstr(ctl("stats 0 2"), " transfer_to=\"7001\"") &&
	      strstr(ctl("stats 0 2"), " transfer_result=answer") &&
	      strstr(ctl("stats 0 2"), " connected_to=\"7001\""),
	      "the far party's view: connected to 7001");
	check(!strcmp(far_heard_digits(2, heard, sizeof(heard)), "7001"),
	      "the far party hears the target (its detector: \"%s\")",
	      heard);
	check(card_cmd(c, TEL_OP_HANGUP, 2, 0) == TEL_CMDST_OK &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_IDLE &&
	      strstr(ctl("stats 0 2"), " connected_to=\"7001\""),
	      "HANGUP: idle; the far party stays with the target");
	drain_events(c);

	/* a held call, to a busy target: blind, the channel leaves anyway */
	check(ctl_is("ok", "target 0 2 busy") && dsp_call(2, "pattern") &&
	      strstr(ctl("stats 0 2"), " transfer_result=none"),
	      "a new call: the far party's view starts again");
	check(card_cmd(c, TEL_OP_HOLD, 2, 0) == TEL_CMDST_OK &&
	      transfer_cmd(2, "7002") == TEL_CMDST_OK &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_DISCONNECTED,
	      "TRANSFER of a held call: DISCONNECTED");
	check(strstr(ctl("stats 0 2"), " transfer_result=busy") &&
	      strstr(ctl("stats 0 2"), " connected_to=\"\""),
	      "a busy target: the far party is connected to nobody");
	check(transfer_cmd(2, "7001") == TEL_CMDST_BUSY,
	      "TRANSFER of a transferred call: BUSY");
	card_cmd(c, TEL_OP_HANGUP, 2, 0);
	ctl("target 0 2 answer");
	drain_events(c);

	check(dsp_call(2, "pattern"), "call for the lie");
	drain_events(c);
	check(ctl_is("ok", "lie 0 2 transferred") &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_DISCONNECTED &&
	      next_event(c, &e, 1000) && e.type == TEL_HWEV_STATE &&
	      e.cause == TEL_DISC_TRANSFERRED &&
	      strstr(ctl("stats 0 2"), " transfer_result=none"),
	      "lie transferred: TRANSFERRED, no TRANSFER asked, nobody moved");
	check(ctl_is("err state", "lie 0 2 transferred"),
	      "lie transferred of a channel not connected: err state");
	card_cmd(c, TEL_OP_HANGUP, 2, 0);
	check(dsp_call(2, "pattern") && ctl_is("ok", "caps 0 0x3f") &&
	      transfer_cmd(2, "7001") == TEL_CMDST_INVAL &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_CONNECTED,
	      "a card without transfer: TRANSFER INVAL");
	ctl("caps 0 0x3ff");
	card_cmd(c, TEL_OP_HANGUP, 2, 0);
	drain_events(c);
}

static int join_cmd(unsigned int ch, unsigned int other)
{
	struct cmd k = { .op = TEL_OP_JOIN, .ch = ch, .arg = other };

	return card_cmd_wait(c0, &k, 1000);
}

/* A CONNECTED (or, with far noanswer, RINGBACK) call to @number. */
static bool join_call(unsigned int ch, const char *number, bool answer)
{
	ctl("far 0 %u %s 0", ch, answer ? "answer" : "noanswer");
	ctl("audio 0 %u pattern", ch);
	return card_dial(c0, 0, ch, DSP_RING, number) == TEL_CMDST_OK &&
	       expect_state(c0, ch, TEL_CHST_RINGBACK, 0, 1000) &&
	       (!answer || expect_state(c0, ch, TEL_CHST_CONNECTED, 0, 1000));
}

static bool joined_to(unsigned int ch, const char *number)
{
	char want[64];

	snprintf(want, sizeof(want), " connected_to=\"%s\"", number);
	return strstr(ctl("stats 0 %u", ch), want);
}

static void join_hangup(void)
{
	card_cmd(c0, TEL_OP_HANGUP, 2, 0);
	card_cmd(c0, TEL_OP_HANGUP, 3, 0);
	drain_events(c0);
}

/*
 * TEL_OP_JOIN: far party A (ch2, 2001, held) and far party B (ch3,
 * 3002) are joined; each hears the other's number from the other's
 * samples, and nothing of the host.
 */
static void case_join(void)
{
	struct card *c = c0;
	unsigned long long rx2, rx3, before;
	char heard[80];
	struct event e;
	struct pump p;

	check(rd(c, TEL_ID_CAPS) & TEL_CAP_JOIN, "JOIN cap");
	check(join_cmd(2, 3) == TEL_CMDST_BUSY, "JOIN of idle channels: BUSY");
	before = stat_of(0, 2, "joins");
	check(join_call(2, "2001", true) && join_call(3, "3002", true),
	      "calls on ch2 and ch3");
	pump_init(&p, 2, true);
	pump_for(&p, 200);
	check(card_cmd(c, TEL_OP_HOLD, 2, 0) == TEL_CMDST_OK, "ch2 held");
	check(join_cmd(2, 2) == TEL_CMDST_INVAL &&
	      join_cmd(2, NCH) == TEL_CMDST_INVAL &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_HELD &&
	      chr(c, 3, TEL_CH_STATE) == TEL_CHST_CONNECTED,
	      "JOIN with itself or past the channels: INVAL, nothing moved");
	check(card_cmd(c, TEL_OP_HOLD, 3, 0) == TEL_CMDST_OK &&
	      join_cmd(2, 3) == TEL_CMDST_BUSY &&
	      card_cmd(c, TEL_OP_UNHOLD, 3, 0) == TEL_CMDST_OK,
	      "JOIN of a held consultation call: BUSY");
	check(card_cmd(c, TEL_OP_FLASH, 3, 300) == TEL_CMDST_OK &&
	      join_cmd(2, 3) == TEL_CMDST_BUSY, "JOIN during a flash: BUSY");
	pump_for(&p, 500);
	drain_events(c);
	rx2 = stat_of(0, 2, "far_rx_bytes");
	rx3 = stat_of(0, 3, "far_rx_bytes");
	check(join_cmd(2, 3) == TEL_CMDST_OK &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_DISCONNECTED &&
	      chr(c, 3, TEL_CH_STATE) == TEL_CHST_DISCONNECTED &&
	      chr(c, 2, TEL_CH_HOOK) == 0 && chr(c, 3, TEL_CH_HOOK) == 0 &&
	      chr(c, 2, TEL_CH_CAUSE) == TEL_DISC_TRANSFERRED &&
	      chr(c, 3, TEL_CH_CAUSE) == TEL_DISC_TRANSFERRED,
	      "JOIN: both DISCONNECTED, on hook, cause TRANSFERRED");
	check(next_event(c, &e, 1000) && e.type == TEL_HWEV_STATE &&
	      e.ch == 2 && e.cause == TEL_DISC_TRANSFERRED &&
	      next_event(c, &e, 1000) && e.type == TEL_HWEV_STATE &&
	      e.ch == 3 && e.cause == TEL_DISC_TRANSFERRED,
	      "STATE events: ch2, then ch3, TRANSFERRED");
	check(joined_to(2, "3002") && joined_to(3, "2001") &&
	      stat_of(0, 2, "joins") == before + 1,
	      "the network's view: A with B, B with A");
	/* the host keeps writing: none of it may reach either */
	pump_for(&p, 1500);
	check(!strcmp(far_heard_digits(2, heard, sizeof(heard)), "3002"),
	      "A hears B's number (its detector: \"%s\")", heard);
	check(!strcmp(far_heard_digits(3, heard, sizeof(heard)), "2001"),
	      "B hears A's number (its detector: \"%s\")", heard);
	check(stat_of(0, 2, "far_rx_bytes") == rx2 &&
	      stat_of(0, 3, "far_rx_bytes") == rx3,
	      "nothing of the host reaches A or B");
	check(ctl_is("ok", "digits 0 3 47") && (pump_for(&p, 600), true) &&
	      !strcmp(far_heard_digits(2, heard, sizeof(heard)), "300247") &&
	      !strcmp(far_heard_digits(3, heard, sizeof(heard)), "2001"),
	      "what B says after, A hears; B does not");
	check(join_cmd(2, 3) == TEL_CMDST_BUSY, "JOIN again: BUSY");
	join_hangup();
	check(joined_to(2, "3002") && joined_to(3, "2001"),
	      "HANGUP: A and B stay together, no longer ours");

	/* B rings: joined when it answers; A hears nothing until then */
	check(join_call(2, "2001", true), "A on ch2");
	ctl("far 0 3 answer 400");
	check(card_dial(c, 0, 3, DSP_RING, "3002") == TEL_CMDST_OK &&
	      expect_state(c, 3, TEL_CHST_RINGBACK, 0, 1000) &&
	      join_cmd(2, 3) == TEL_CMDST_OK &&
	      joined_to(2, "") && joined_to(3, ""),
	      "JOIN on ringback: OK, nobody connected yet");
	pump_for(&p, 1600);
	check(joined_to(2, "3002") && joined_to(3, "2001") &&
	      !strcmp(far_heard_digits(2, heard, sizeof(heard)), "3002"),
	      "B answers: A hears B (\"%s\")", heard);
	join_hangup();
	check(join_call(2, "2001", true) && join_call(3, "3002", false) &&
	      join_cmd(2, 3) == TEL_CMDST_OK, "JOIN to a B that never answers");
	pump_for(&p, 800);
	check(joined_to(2, "") && joined_to(3, "") &&
	      !strcmp(far_heard_digits(2, heard, sizeof(heard)), ""),
	      "B never answers: A is connected to nobody, hears nothing");
	join_hangup();

	/* lie join-stray: the next JOIN ends a third channel as well */
	check(join_call(1, "1003", true) && join_call(2, "2001", true) &&
	      join_call(3, "3002", true), "calls on ch1, ch2, ch3");
	drain_events(c);
	check(ctl_is("ok", "lie 0 1 join-stray") && join_cmd(2, 3) ==
	      TEL_CMDST_OK && chr(c, 1, TEL_CH_STATE) == TEL_CHST_DISCONNECTED &&
	      chr(c, 1, TEL_CH_CAUSE) == TEL_DISC_TRANSFERRED &&
	      joined_to(1, ""),
	      "lie join-stray: ch1 TRANSFERRED too, joined to nobody");
	card_cmd(c, TEL_OP_HANGUP, 1, 0);
	join_hangup();
	check(join_call(2, "2001", true) && join_call(3, "3002", true) &&
	      ctl_is("ok", "caps 0 0x7f") && join_cmd(2, 3) == TEL_CMDST_INVAL &&
	      chr(c, 2, TEL_CH_STATE) == TEL_CHST_CONNECTED,
	      "a card without join: JOIN INVAL");
	ctl("caps 0 0x3ff");
	join_hangup();
}

static bool offer_event(struct event *e, uint32_t pres, const char *number,
			const char *name)
{
	char nm[TEL_EV_NAME_LEN + 1] = "";

	if (!next_event(c0, e, 1000) || e->type != TEL_HWEV_OFFER)
		return false;
	memcpy(nm, e->raw + TEL_EV_NAME, TEL_EV_NAME_LEN);
	if (ev32(e, TEL_EV_PRESENTATION) != pres || strcmp(e->number, number) ||
	    strcmp(nm, name)) {
		printf("# offer: pres %u number '%s' name '%s'\n",
		       ev32(e, TEL_EV_PRESENTATION), e->number, nm);
		return false;
	}
	return true;
}

static void case_caller_id(void)
{
	struct card *c = c0;
	struct event e;

	check(rd(c, TEL_ID_CAPS) & TEL_CAP_CALLER_ID, "caller id cap");
	check(ctl_is("ok", "offer 0 3 5551234 name Alice_B.") &&
	      offer_event(&e, TEL_PRES_ALLOWED, "5551234", "Alice B."),
	      "offer with a name");
	ctl("cancel 0 3");
	drain_events(c);
	check(ctl_is("ok", "offer 0 3 5551234 pres allowed name "
		     "123456789012345") &&
	      offer_event(&e, TEL_PRES_ALLOWED, "5551234", "123456789012345"),
	      "pres allowed, a 15-character name");
	ctl("cancel 0 3");
	drain_events(c);
	check(ctl_is("ok", "offer 0 3 600") &&
	      offer_event(&e, TEL_PRES_ALLOWED, "600", ""),
	      "offer without a name: empty, allowed");
	ctl("cancel 0 3");
	drain_events(c);
	check(ctl_is("ok", "offer 0 3 5551234 name Bob pres restricted") &&
	      offer_event(&e, TEL_PRES_RESTRICTED, "", ""),
	      "restricted: no number, no name");
	ctl("cancel 0 3");
	drain_events(c);
	check(ctl_is("ok", "offer 0 3 5551234 pres unavailable") &&
	      offer_event(&e, TEL_PRES_UNAVAILABLE, "", ""),
	      "unavailable: no number, no name");
	check(card_answer(c, 0, 3, 512) == TEL_CMDST_OK &&
	      expect_state(c, 3, TEL_CHST_CONNECTED, 0, 1000),
	      "an unavailable caller can be answered");
	card_cmd(c, TEL_OP_HANGUP, 3, 0);
	check(ctl_is("err usage", "offer 0 3 1 name 1234567890123456") &&
	      ctl_is("err usage", "offer 0 3 1 name a\"b") &&
	      ctl_is("err usage", "offer 0 3 1 name") &&
	      ctl_is("err usage", "offer 0 3 1 pres hidden") &&
	      ctl_is("err usage", "offer 0 3 1 colour red") &&
	      chr(c, 3, TEL_CH_STATE) == TEL_CHST_IDLE,
	      "offer: bad name, presentation or keyword");
}

static void case_dtmf_lies(void)
{
	struct card *c = c0;
	struct event e;
	uint32_t now;

	check(ctl_is("ok", "lie 0 2 digit 120") && next_event(c, &e, 1000) &&
	      e.type == TEL_HWEV_DIGIT && ev32(&e, TEL_EV_DIGIT) == 'x',
	      "lie digit: a DIGIT event of 'x'");
	check(ctl_is("ok", "lie 0 2 digit 305") && next_event(c, &e, 1000) &&
	      ev32(&e, TEL_EV_DIGIT) == 305, "lie digit: past ASCII");
	check(ctl_is("ok", "lie 0 2 digit-duration 4000000000") &&
	      next_event(c, &e, 1000) && e.type == TEL_HWEV_DIGIT &&
	      ev32(&e, TEL_EV_DIGIT) == '5' &&
	      ev32(&e, TEL_EV_DURATION) == 4000000000u,
	      "lie digit-duration: absurd");
	now = rd(c, TEL_STATUS_TICKS);
	check(ctl_is("ok", "lie 0 2 digit-start 100000") &&
	      next_event(c, &e, 1000) &&
	      ev32(&e, TEL_EV_START) - now >= 99000,
	      "lie digit-start: a tone from the future");
	check(ctl_is("ok", "lie 0 2 sent 99") && next_event(c, &e, 1000) &&
	      e.type == TEL_HWEV_DIGITS_SENT && ev32(&e, TEL_EV_SENT) == 99,
	      "lie sent: 99 digits never queued");
	check(ctl_is("ok", "lie 0 2 flash 1") && next_event(c, &e, 1000) &&
	      e.type == TEL_HWEV_FLASH && ev32(&e, TEL_EV_DURATION) == 1 &&
	      chr(c, 2, TEL_CH_HOOK) == 0, "lie flash: no flash ran");
	check(ctl_is("ok", "lie 0 3 offer-pres 7") && next_event(c, &e, 1000) &&
	      e.type == TEL_HWEV_OFFER &&
	      ev32(&e, TEL_EV_PRESENTATION) == 7 &&
	      e.state == TEL_CHST_OFFERING, "lie offer-pres: 7");
	ctl("cancel 0 3");
	drain_events(c);
	check(ctl_is("ok", "lie 0 3 offer-name") && next_event(c, &e, 1000) &&
	      !memchr(e.raw + TEL_EV_NAME, 0, TEL_EV_NAME_LEN),
	      "lie offer-name: no NUL in the name");
	ctl("cancel 0 3");
	drain_events(c);
	check(ctl_is("ok", "lie 0 3 offer-name-ctrl") &&
	      next_event(c, &e, 1000) && e.raw[TEL_EV_NAME + 2] == 7,
	      "lie offer-name-ctrl: BEL in the name");
	ctl("cancel 0 3");
	drain_events(c);
	check(ctl_is("ok", "lie 0 3 offer-withheld") &&
	      next_event(c, &e, 1000) &&
	      ev32(&e, TEL_EV_PRESENTATION) == TEL_PRES_RESTRICTED &&
	      e.number[0] && e.raw[TEL_EV_NAME],
	      "lie offer-withheld: restricted, number and name given");
	check(ctl_is("err busy", "lie 0 3 offer-pres 1"),
	      "lie offer on a busy channel");
	ctl("cancel 0 3");
	drain_events(c);
	check(ctl_is("err usage", "lie 0 3 offer-colour"),
	      "lie offer-colour: usage");
}

/*
 * lie ticks-ahead, ticks-back, evq-lost-back, hook: the heartbeat, the
 * lost-event count and the hook state.
 */
static void case_clock_and_hook_lies(void)
{
	struct card *c = c0;
	uint32_t t0, t1 = 0;

	t0 = rd(c, TEL_STATUS_TICKS);
	check(ctl_is("ok", "lie 0 0 ticks-ahead 1000000") &&
	      (t1 = rd(c, TEL_STATUS_TICKS)) - t0 >= 1000000 &&
	      t1 - t0 < 1000000 + 5000,
	      "lie ticks-ahead: the heartbeat jumped a million ticks");
	t0 = rd(c, TEL_STATUS_TICKS);
	check(ctl_is("ok", "lie 0 0 ticks-back 1000") &&
	      (int32_t)((t1 = rd(c, TEL_STATUS_TICKS)) - t0) < 0,
	      "lie ticks-back: the heartbeat ran backwards");
	msleep(20);
	check(rd(c, TEL_STATUS_TICKS) != t1,
	      "lie ticks-back: and runs on from there");
	t0 = rd(c, TEL_STATUS_EVQ_LOST);
	check(ctl_is("ok", "lie 0 1 evq-lost-back 5") &&
	      rd(c, TEL_STATUS_EVQ_LOST) == t0 - 5,
	      "lie evq-lost-back: the lost count ran back by 5");
	drain_events(c);
	check(ctl_is("ok", "lie 0 1 hook 7") && chr(c, 1, TEL_CH_HOOK) == 7,
	      "lie hook: HOOK reads 7");
	chw(c, 1, TEL_CH_HOOK, 0);	/* as it was: the channel is idle */
}

/*
 * control: caps.  A card that does not advertise DTMF, caller id or
 * flash behaves as one without: its ops are unknown (INVAL, before the
 * channel is looked at), what was running stops without an event, an
 * OFFER carries only the number.  What it advertises outlives RESET
 * and a reattach.
 */
static void case_caps(void)
{
	static const char *const bad[] = {
		"0", "0xe", "14", "0x80", "0x7ff", "x", "-1", "+1", "0x", "1x",
		"99999999999999999999",
	};
	const uint32_t all = TEL_CAP_G711 | TEL_CAP_DTMF | TEL_CAP_CALLER_ID |
			     TEL_CAP_FLASH | TEL_CAP_HOLD | TEL_CAP_REDIRECT |
			     TEL_CAP_TRANSFER | TEL_CAP_CONFERENCE | TEL_CAP_JOIN |
			     TEL_CAP_CONF_PORT;
	struct card *c = c0, *c1 = &cards[1];
	struct event e;
	struct pump p;
	unsigned int i, n = 0;

	check(strstr(ctl("info 0"), " caps=0x3ff"), "info: caps=0x3ff");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		n += ctl_is("err usage", "caps 0 %s", bad[i]);
	check(n == sizeof(bad) / sizeof(bad[0]) &&
	      ctl_is("err usage", "caps 0") &&
	      ctl_is("err usage", "caps 0 1 2") &&
	      ctl_is("err range", "caps 2 1") &&
	      rd(c, TEL_ID_CAPS) == all,
	      "caps: no G711, unknown bits, not a number: usage; unchanged");

	/* what was running when the capability goes stops, silently */
	check(dsp_call(1, "silence"), "call on ch1");
	pump_init(&p, 1, true);
	check(card_cmd(c, TEL_OP_DETECT, 1, TEL_DETECT_ON) == TEL_CMDST_OK &&
	      digits_cmd(1, "123", TONE(200, 200)) == TEL_CMDST_OK &&
	      card_cmd(c, TEL_OP_FLASH, 1, 2000) == TEL_CMDST_OK,
	      "DETECT, DIGITS, FLASH under way");
	check(ctl_is("ok", "caps 0 0x1") && rd(c, TEL_ID_CAPS) == TEL_CAP_G711,
	      "caps 0 0x1: TEL_ID_CAPS is G711 at once");
	check(strstr(ctl("info 0"), " caps=0x1"), "info: caps=0x1");
	check(stat_of(0, 1, "queued") == 0 && kv("detect") == 0 &&
	      chr(c, 1, TEL_CH_HOOK) == 1,
	      "queue dropped, detection off, the flash over: off hook");
	check(ctl_is("ok", "digits 0 1 47 80 80") &&
	      pump_stat(&p, "far_playing", "0", 3000) &&
	      !pump_event(&p, TEL_HWEV_DIGIT, &e, 300) &&
	      !next_event(c, &e, 0),
	      "no DIGIT, DIGITS_SENT or FLASH event after");

	/* its ops are unknown to the card now, on any channel */
	check(digits_cmd(1, "1", 0) == TEL_CMDST_INVAL &&
	      card_cmd(c, TEL_OP_DETECT, 1, TEL_DETECT_ON) == TEL_CMDST_INVAL &&
	      card_cmd(c, TEL_OP_DETECT, 1, 0) == TEL_CMDST_INVAL &&
	      card_cmd(c, TEL_OP_FLASH, 1, 0) == TEL_CMDST_INVAL,
	      "no DTMF, no flash: DIGITS, DETECT, FLASH answer INVAL");
	check(digits_cmd(NCH, "1", 0) == TEL_CMDST_INVAL &&
	      card_cmd(c, TEL_OP_FLASH, NCH, 0) == TEL_CMDST_INVAL,
	      "INVAL before BADCHAN, as for an unknown op");
	check(card_cmd(c, TEL_OP_NOP, 0, 0) == TEL_CMDST_OK &&
	      card_cmd(c, TEL_OP_HANGUP, 1, 0) == TEL_CMDST_OK,
	      "NOP and HANGUP still OK");

	/* one capability at a time: each op only with its own */
	check(ctl_is("ok", "caps 0 3") && dsp_call(1, "silence") &&
	      digits_cmd(1, "1", TONE(40, 40)) == TEL_CMDST_OK &&
	      card_cmd(c, TEL_OP_FLASH, 1, 0) == TEL_CMDST_INVAL,
	      "caps 3 (G711, DTMF): DIGITS OK, FLASH INVAL");
	check(pump_event(&p, TEL_HWEV_DIGITS_SENT, &e, 3000),
	      "DIGITS_SENT with DTMF");
	check(ctl_is("ok", "caps 0 0x9") &&
	      digits_cmd(1, "1", 0) == TEL_CMDST_INVAL &&
	      card_cmd(c, TEL_OP_FLASH, 1, 50) == TEL_CMDST_OK &&
	      pump_event(&p, TEL_HWEV_FLASH, &e, 3000),
	      "caps 0x9 (G711, flash): DIGITS INVAL, FLASH OK and its event");
	card_cmd(c, TEL_OP_HANGUP, 1, 0);
	drain_events(c);

	/* no caller id: the number alone, and only if not withheld */
	check(ctl_is("ok", "offer 0 3 5551234 name Alice") &&
	      offer_event(&e, TEL_PRES_ALLOWED, "5551234", ""),
	      "no caller id: the number, no name");
	ctl("cancel 0 3");
	drain_events(c);
	check(ctl_is("ok", "offer 0 3 5551234 name Bob pres restricted") &&
	      offer_event(&e, TEL_PRES_ALLOWED, "", ""),
	      "no caller id, withheld: nothing, presentation 0");
	ctl("cancel 0 3");
	drain_events(c);

	/* kept across RESET, and across a new QEMU (fresh window) */
	check(card_cmd(c, TEL_OP_RESET, 0, 0) == TEL_CMDST_OK &&
	      rd(c, TEL_ID_CAPS) == 0x9, "caps kept across RESET");
	check(ctl_is("ok", "caps 1 0x5") && card_attach(c1, 1) &&
	      rd(c1, TEL_ID_CAPS) == 0x5 && rd(c1, TEL_STATUS) ==
	      TEL_STATUS_READY, "caps set while gone: the window has them");
	card_detach(c1);
	msleep(20);
	check(ctl_is("ok", "caps 1 1023") && ctl_is("ok", "caps 0 0x3FF") &&
	      rd(c, TEL_ID_CAPS) == all, "caps back to 0x3ff");
}

/*
 * An independent decoder: the card's digits, come back through the far
 * end's echo, decoded by multimon-ng (sox resamples the mu-law to its
 * 22050 Hz), which shares no code with spandsp.  Skipped without them.
 */
static void case_dtmf_multimon(void)
{
	static const char all[] = "0123456789ABCD*#";
	static uint8_t keep[16 * 160 * 8 + 16000];
	char path[] = "/tmp/emutest-dtmf.XXXXXX", cmd[256], line[128];
	char heard[64] = "";
	struct event e;
	struct pump p;
	size_t len = 0;
	FILE *f;
	int fd;

	if (system("command -v multimon-ng >/dev/null && "
		   "command -v sox >/dev/null")) {
		check(true, "# SKIP multimon-ng or sox not installed");
		return;
	}
	check(dsp_call(0, "echo"), "call on ch0, far end echoes");
	pump_init(&p, 0, false);
	p.keep = keep;
	p.keep_max = sizeof(keep);
	check(digits_cmd(0, all, 0) == TEL_CMDST_OK, "DIGITS %s", all);
	check(pump_event(&p, TEL_HWEV_DIGITS_SENT, &e, 10000) &&
	      ev32(&e, TEL_EV_SENT) == 16, "all 16 sent");
	msleep(50);
	pump_run(&p);
	fd = mkstemp(path);
	if (fd < 0 || write(fd, keep, p.kept) != (ssize_t)p.kept)
		die("write the audio");
	close(fd);
	snprintf(cmd, sizeof(cmd), "sox -q -t raw -r 8000 -e u-law -b 8 -c 1 "
		 "%s -t raw -r 22050 -e signed -b 16 -c 1 - | "
		 "multimon-ng -q -a DTMF -t raw - 2>/dev/null", path);
	f = popen(cmd, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "DTMF: ", 6) && len < sizeof(heard) - 1)
			heard[len++] = line[6];
	if (f)
		pclose(f);
	unlink(path);
	check(!strcmp(heard, all), "multimon-ng decodes the card's digits: %s",
	      heard);
	card_cmd(c0, TEL_OP_HANGUP, 0, 0);
	drain_events(c0);
	ctl("audio 0 0 pattern");
}

void run_cases(const char *qmp_path)
{
	ctl_fd = unix_connect_ctl();
	if (ctl_fd < 0)
		die("ctl connect");
	case_identity();
	case_ctl_basics();
	case_mailbox();
	case_dial_answer();
	case_audio();
	case_hangup_stops_dma();
	case_echo();
	case_far_modes();
	case_far_hangup();
	case_offer();
	case_reset();
	case_tick_irq();
	case_events();
	case_faults();
	case_dtmf_send();
	case_dtmf_detect();
	case_dtmf_multimon();
	case_flash();
	case_hold();
	case_redirect();
	case_transfer();
	case_join();
	case_conference();
	case_conf_port();
	case_caller_id();
	case_dtmf_lies();
	case_clock_and_hook_lies();
	case_caps();
	case_garbage();
	case_second_card();
	case_unplug(qmp_path);
	close(ctl_fd);
}
