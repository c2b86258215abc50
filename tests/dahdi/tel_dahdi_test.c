// SPDX-License-Identifier: GPL-2.0
/*
 * tel_dahdi_test - the DAHDI bridge seen from DAHDI's side, in the VM.
 *
 *   tel_dahdi_test            the functional tests, KTAP on stdout
 *   tel_dahdi_test hold SECS  keep card 0 channel 8 off hook and connected
 *                             for SECS s (the span ticks: dahdi_test)
 *   tel_dahdi_test unplug     removal of card 1 with DAHDI channels open
 *   tel_dahdi_test cid        caller ID between the first and second ring,
 *                             decoded by spandsp's ADSI receiver
 *   tel_dahdi_test hwdtmf     DAHDI_TONEDETECT: the card's detector as
 *                             DTMFDOWN/UP events, muted audio
 *   tel_dahdi_test lie        card 0 lies about a ring the bridge reads
 *                             (leaves card 0 failed: run it last)
 *
 * Channels: DAHDI channel = basechan of span "TEL/<card>" + channel.  The
 * emulator is driven through $TEL_EMU_CTL (tests/selftests/tel_test.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <dahdi/user.h>
#include <spandsp.h>

#include "tel_test.h"

static int pass, fail, skip, num;

static void result(bool ok, const char *name, const char *why)
{
	num++;
	if (ok) {
		pass++;
		printf("ok %d %s\n", num, name);
	} else {
		fail++;
		printf("not ok %d %s%s%s\n", num, name, why ? " # " : "",
		       why ? why : "");
	}
	fflush(stdout);
}

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: %s: ", __FILE__, __LINE__, #cond);	\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		return false;						\
	}								\
} while (0)

/* DAHDI's first channel number of card @card's span, -1 if none. */
static int basechan(int card)
{
	char path[256], buf[64], want[32];

	snprintf(want, sizeof(want), "TEL/%d", card);
	for (int s = 1; s < 64; s++) {
		snprintf(path, sizeof(path),
			 "/sys/bus/dahdi_spans/devices/span-%d/name", s);
		if (tel_read_sysfs(path, buf, sizeof(buf)) || strcmp(buf, want))
			continue;
		snprintf(path, sizeof(path),
			 "/sys/bus/dahdi_spans/devices/span-%d/basechan", s);
		if (tel_read_sysfs(path, buf, sizeof(buf)))
			return -1;
		return atoi(buf);
	}
	return -1;
}

/* Open DAHDI channel @channo through /dev/dahdi/channel; -errno. */
static int dahdi_open(int channo)
{
	int fd = open("/dev/dahdi/channel", O_RDWR);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, DAHDI_SPECIFY, &channo)) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static int dahdi_hook(int fd, int hook)
{
	return ioctl(fd, DAHDI_HOOK, &hook);
}

/* Wait up to @ms for a DAHDI event on @fd; the event or -1. */
static int dahdi_wait_event(int fd, int ms)
{
	uint64_t end = tel_test_now_ms() + ms;

	while (tel_test_now_ms() < end) {
		struct pollfd p = { .fd = fd, .events = POLLPRI };
		int ev = 0;

		if (poll(&p, 1, 100) > 0 && (p.revents & POLLPRI) &&
		    !ioctl(fd, DAHDI_GETEVENT, &ev) && ev)
			return ev;
	}
	return -1;
}

/* Wait for event @want, skipping others; true if it came. */
static bool dahdi_expect_event(int fd, int want, int ms)
{
	uint64_t end = tel_test_now_ms() + ms;
	int ev;

	while (tel_test_now_ms() < end) {
		ev = dahdi_wait_event(fd, end - tel_test_now_ms());
		if (ev == want)
			return true;
		if (ev >= 0)
			printf("#   (event %d while waiting for %d)\n", ev, want);
	}
	return false;
}

/* Wait until the emulator's channel has state @state; true if so. */
static bool emu_wait_state(int card, int ch, long state, int ms)
{
	uint64_t end = tel_test_now_ms() + ms;

	do {
		if (emu_num_stat(card, ch, "state") == state)
			return true;
		usleep(20000);
	} while (tel_test_now_ms() < end);
	return false;
}

static bool big_buffers(int fd)
{
	struct dahdi_bufferinfo bi = {
		.txbufpolicy = DAHDI_POLICY_IMMEDIATE,
		.rxbufpolicy = DAHDI_POLICY_IMMEDIATE,
		.numbufs = 32,
		.bufsize = 1024,
	};

	return !ioctl(fd, DAHDI_SET_BUFINFO, &bi);
}

/* read()/write() on a DAHDI channel, skipping pending events (ELAST). */
static ssize_t dahdi_io(int fd, void *buf, size_t len, bool wr)
{
	for (int tries = 0; tries < 100; tries++) {
		ssize_t n = wr ? write(fd, buf, len) : read(fd, buf, len);
		int ev;

		if (n >= 0 || errno != ELAST)
			return n;
		ioctl(fd, DAHDI_GETEVENT, &ev);
		printf("#   (event %d on %s)\n", ev, wr ? "write" : "read");
	}
	return -1;
}

static int base0, base1;
#define CH_OFFHOOK	0
#define CH_TX		1
#define CH_RX		2
#define CH_HANGUP	3
#define CH_RING		4
#define CH_EBUSY	5
#define CH_IOCTL	6
#define CH_HOLD		7
#define CH_FLASH	CH_OFFHOOK	/* idle again after test_offhook */
#define CH_CID		CH_RING		/* idle again after test_ring */
#define CH_MONITOR	CH_RX		/* idle again after test_rx */
#define EMU_CONNECTED	3

static bool sysfs_is(int card, int ch, const char *attr, const char *want)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/ch%d/%s", card, ch,
		 attr);
	if (tel_read_sysfs(path, buf, sizeof(buf)))
		return false;
	if (strcmp(buf, want))
		printf("#   %s is \"%s\", not \"%s\"\n", path, buf, want);
	return !strcmp(buf, want);
}

/* Off hook seizes the line: the emulator sees the hook and a DIAL. */
static bool test_offhook(void)
{
	char pid[16];
	long dials = emu_num_stat(0, CH_OFFHOOK, "dials");
	int fd = dahdi_open(base0 + CH_OFFHOOK);

	CHECK(fd >= 0, "open: %s", strerror(-fd));
	snprintf(pid, sizeof(pid), "%d", getpid());
	CHECK(sysfs_is(0, CH_OFFHOOK, "holder", "dahdi"), "holder");
	CHECK(sysfs_is(0, CH_OFFHOOK, "owner_pid", pid), "owner_pid");
	CHECK(emu_num_stat(0, CH_OFFHOOK, "hook") == 0, "on hook at first");
	CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(0, CH_OFFHOOK, EMU_CONNECTED, TEL_WAIT_MS),
	      "not connected");
	CHECK(emu_num_stat(0, CH_OFFHOOK, "hook") == 1, "hook");
	CHECK(emu_num_stat(0, CH_OFFHOOK, "dials") == dials + 1, "dials");
	CHECK(dahdi_expect_event(fd, DAHDI_EVENT_POLARITY, TEL_WAIT_MS),
	      "no answer supervision (POLARITY)");
	CHECK(!dahdi_hook(fd, DAHDI_ONHOOK), "on hook: %m");
	CHECK(emu_wait_state(0, CH_OFFHOOK, 0, TEL_WAIT_MS), "not idle");
	CHECK(emu_num_stat(0, CH_OFFHOOK, "hook") == 0, "still off hook");
	close(fd);
	CHECK(sysfs_is(0, CH_OFFHOOK, "holder", "none"), "holder after close");
	return true;
}

/*
 * What DAHDI writes reaches the far end intact: the emulator's CRC of all
 * it received must be that of silence, then our bytes, then silence.
 */
static bool test_tx(void)
{
	enum { LEN = 4000, BACK = 3 * LEN };
	static uint8_t data[LEN], back[BACK];
	size_t off = 0, got = 0, k, j = 0;
	long bytes;
	char reply[512];
	int fd;

	/*
	 * DAHDI passes every byte through mu-law -> linear -> mu-law and
	 * never produces 0xff: both zeros (0x7f, 0xff) come out as 0x7f, and
	 * that is also its silence.  The data avoids both, so whatever is
	 * not silence on the way back must be our bytes, in order.
	 */
	for (int i = 0; i < LEN; i++) {
		data[i] = (uint8_t)(i * 7 + 3);
		if ((data[i] & 0x7f) == 0x7f)
			data[i] ^= 1;
	}
	CHECK(!emu_cmd(NULL, 0, "audio 0 %d echo", CH_TX), "audio echo");
	fd = dahdi_open(base0 + CH_TX);
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	CHECK(big_buffers(fd), "DAHDI_SET_BUFINFO: %m");
	CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(0, CH_TX, EMU_CONNECTED, TEL_WAIT_MS),
	      "not connected");
	while (off < LEN) {
		ssize_t n = dahdi_io(fd, data + off, LEN - off, true);

		CHECK(n > 0, "write: %m");
		off += n;
	}
	/* the far end echoes what it receives: read it back through DAHDI */
	while (got < BACK && j < LEN) {
		ssize_t n = dahdi_io(fd, back + got, BACK - got, false);

		CHECK(n > 0, "read: %m");
		for (k = got; k < got + n && j < LEN; k++) {
			if (back[k] == 0x7f || back[k] == 0xff)
				continue;
			CHECK(back[k] == data[j],
			      "byte %zu came back as %02x, not %02x", j,
			      back[k], data[j]);
			j++;
		}
		got += n;
	}
	CHECK(!emu_cmd(reply, sizeof(reply), "stats 0 %d", CH_TX), "stats");
	bytes = emu_num(reply, "far_rx_bytes");
	printf("# the far end received %ld bytes; our %zu of %d came back intact\n",
	       bytes, j, LEN);
	CHECK(j == LEN, "only %zu of %d bytes came back", j, LEN);
	CHECK(bytes >= LEN, "far_rx_bytes %ld", bytes);
	CHECK(!emu_cmd(NULL, 0, "audio 0 %d pattern", CH_TX), "audio");
	dahdi_hook(fd, DAHDI_ONHOOK);
	close(fd);
	return true;
}

/* The far end's pattern comes out of DAHDI's read() in order. */
static bool test_rx(void)
{
	enum { LEN = 8192, RUN = 3000 };
	static uint8_t buf[LEN];
	size_t got = 0;
	int fd, best = 0, run = 1;

	CHECK(!emu_cmd(NULL, 0, "audio 0 %d pattern", CH_RX), "audio");
	fd = dahdi_open(base0 + CH_RX);
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	CHECK(big_buffers(fd), "DAHDI_SET_BUFINFO: %m");
	CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(0, CH_RX, EMU_CONNECTED, TEL_WAIT_MS),
	      "not connected");
	while (got < LEN) {
		ssize_t n = dahdi_io(fd, buf + got, LEN - got, false);

		CHECK(n > 0, "read: %m");
		got += n;
	}
	for (int i = 1; i < LEN; i++) {
		run = buf[i] == (uint8_t)(buf[i - 1] + 1) ? run + 1 : 1;
		if (run > best)
			best = run;
	}
	printf("# longest run of the far end's pattern: %d of %d bytes read\n",
	       best, LEN);
	CHECK(best >= RUN, "pattern broken: longest run %d", best);
	dahdi_hook(fd, DAHDI_ONHOOK);
	close(fd);
	return true;
}

/*
 * DTMF is in-band on the bridge: digits the far end plays reach DAHDI in
 * the audio, where Asterisk's own detector hears them.  Decoded here by
 * multimon-ng (tel_dtmf_decode()), which neither the card nor the far
 * end uses.
 */
static bool test_dtmf_inband(void)
{
	enum { LEN = 24000 };	/* 3 s: what DAHDI buffered, then the tones */
	static uint8_t buf[LEN];
	char heard[64];
	size_t got = 0;
	int fd;

	if (!tel_have_dtmf_decoder()) {
		printf("#   multimon-ng or sox not installed: passed vacuously\n");
		return true;
	}
	CHECK(!emu_cmd(NULL, 0, "audio 0 %d silence", CH_TX), "audio");
	fd = dahdi_open(base0 + CH_TX);
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	CHECK(big_buffers(fd), "DAHDI_SET_BUFINFO: %m");
	CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(0, CH_TX, EMU_CONNECTED, TEL_WAIT_MS),
	      "not connected");
	CHECK(!emu_cmd(NULL, 0, "digits 0 %d 159# 100 100", CH_TX), "digits");
	while (got < LEN) {
		ssize_t r = dahdi_io(fd, buf + got, LEN - got, false);

		CHECK(r > 0, "read: %m");
		got += r;
	}
	dahdi_hook(fd, DAHDI_ONHOOK);
	close(fd);
	CHECK(!tel_dtmf_decode(buf, got, heard, sizeof(heard)),
	      "multimon-ng did not run");
	printf("#   multimon-ng heard \"%s\" in DAHDI's audio\n", heard);
	CHECK(!strcmp(heard, "159#"), "not 159#");
	return true;
}

/*
 * Hardware DTMF (DAHDI_TONEDETECT): read @len bytes of audio from @fd,
 * keeping the DTMF events that come meanwhile (read() answers ELAST while
 * one is pending) in @evs, then @tail_ms more of events alone.  The number
 * of DTMF events, or -1 if a read failed.
 */
static int dtmf_collect(int fd, uint8_t *buf, size_t len, int *evs, int max,
			int tail_ms)
{
	uint64_t t0 = tel_test_now_ms(), end;
	size_t got = 0;
	int n = 0, ev;

	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);

		if (r > 0) {
			got += r;
			continue;
		}
		if (r == 0 || errno != ELAST)
			return -1;
		ev = 0;
		ioctl(fd, DAHDI_GETEVENT, &ev);
		if (!(ev & (DAHDI_EVENT_DTMFDOWN | DAHDI_EVENT_DTMFUP))) {
			printf("#   (event %d on read)\n", ev);
			continue;
		}
		printf("#   %llu ms: DTMF%s '%c'\n",
		       (unsigned long long)(tel_test_now_ms() - t0),
		       ev & DAHDI_EVENT_DTMFDOWN ? "DOWN" : "UP", ev & 0xff);
		if (n < max)
			evs[n] = ev;
		n++;
	}
	end = tel_test_now_ms() + tail_ms;
	while (tel_test_now_ms() < end) {
		ev = dahdi_wait_event(fd, end - tel_test_now_ms());
		if (ev < 0)
			break;
		if (!(ev & (DAHDI_EVENT_DTMFDOWN | DAHDI_EVENT_DTMFUP)))
			continue;
		if (n < max)
			evs[n] = ev;
		n++;
	}
	return n;
}

/* @evs (@n of them) are a DOWN and an UP for each digit of @digits. */
static bool dtmf_pairs(const int *evs, int n, const char *digits)
{
	int want = 2 * strlen(digits);

	CHECK(n == want, "%d DTMF events, not %d", n, want);
	for (int i = 0; digits[i]; i++) {
		CHECK(evs[2 * i] == (DAHDI_EVENT_DTMFDOWN | digits[i]),
		      "event %d is %#x, not DTMFDOWN '%c'", 2 * i, evs[2 * i],
		      digits[i]);
		CHECK(evs[2 * i + 1] == (DAHDI_EVENT_DTMFUP | digits[i]),
		      "event %d is %#x, not DTMFUP '%c'", 2 * i + 1,
		      evs[2 * i + 1], digits[i]);
	}
	return true;
}

static int tonedetect(int fd, int val)
{
	return ioctl(fd, DAHDI_TONEDETECT, &val);
}

/*
 * Have the far end play @digits, the audio DAHDI buffered meanwhile (while
 * multimon-ng ran: seconds on the debug kernel) thrown away first, so the
 * tones are in the next 3 s read.
 */
static bool far_end_digits(int fd, int ch, const char *digits)
{
	int flush = DAHDI_FLUSH_READ;

	CHECK(!ioctl(fd, DAHDI_FLUSH, &flush), "DAHDI_FLUSH: %m");
	CHECK(!emu_cmd(NULL, 0, "digits 0 %d %s 100 100", ch, digits),
	      "digits");
	return true;
}

/*
 * The tones in mu-law audio whose far end plays silence: runs of samples
 * louder than mu-law's first segment (|x| > 31 of 8159), gaps shorter than
 * 1 ms (a sine's zero crossings) bridged.  Each run's length in ms (to
 * @max of them) into @ms; the number of runs.  *@total: loud samples.
 */
static int tone_runs(const uint8_t *buf, size_t len, int *ms, int max,
		     long *total)
{
	size_t i, start = 0, last = 0;
	bool in = false;
	int n = 0;

	*total = 0;
	for (i = 0; i <= len; i++) {
		bool loud = i < len && ((~buf[i]) & 0x70);

		if (loud) {
			(*total)++;
			if (!in)
				start = i;
			in = true;
			last = i;
		} else if (in && (i == len || i - last > 8)) {
			if (n < max)
				ms[n] = (last + 1 - start) / 8;
			n++;
			in = false;
		}
	}
	return n;
}

/* Report the tones in @buf; the loud samples. */
static long report_tones(const char *what, const uint8_t *buf, size_t len)
{
	int ms[16], n;
	long total;
	char line[256];
	size_t pos = 0;

	n = tone_runs(buf, len, ms, 16, &total);
	line[0] = '\0';
	for (int i = 0; i < n && i < 16; i++)
		pos += snprintf(line + pos, sizeof(line) - pos, " %d", ms[i]);
	printf("#   %s: %d tone(s) in DAHDI's audio, ms:%s (%ld samples)\n",
	       what, n, line, total);
	return total;
}

/*
 * DAHDI_TONEDETECT ON|MUTE on a connected call: the far end's 159# come as
 * DTMFDOWN/DTMFUP pairs, and the audio DAHDI reads has them muted but for
 * the card's leak, a tone's first 25-38 ms (at most 40 ms of each tone
 * gets through; what multimon-ng makes of that is reported: enough for
 * it).  Then TONEDETECT 0: no events, the tones whole, multimon-ng hears
 * all four in-band again.
 */
static bool hw_dtmf_on_call(int fd)
{
	enum { LEN = 24000, MAXEV = 16 };	/* 3 s, as test_dtmf_inband */
	static uint8_t buf[LEN];
	int evs[MAXEV], n;
	bool decoder = tel_have_dtmf_decoder();
	char heard[64];
	long muted, unmuted;

	if (!decoder)
		printf("#   multimon-ng or sox not installed: not decoded\n");
	CHECK(big_buffers(fd), "DAHDI_SET_BUFINFO: %m");
	CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(0, CH_TX, EMU_CONNECTED, TEL_WAIT_MS),
	      "not connected");
	CHECK(!tonedetect(fd, DAHDI_TONEDETECT_ON | DAHDI_TONEDETECT_MUTE),
	      "DAHDI_TONEDETECT ON|MUTE: %m");
	CHECK(emu_num_stat(0, CH_TX, "detect") == 3, "card's detect %ld, not 3",
	      emu_num_stat(0, CH_TX, "detect"));
	if (!far_end_digits(fd, CH_TX, "159#"))
		return false;
	n = dtmf_collect(fd, buf, LEN, evs, MAXEV, 500);
	CHECK(n >= 0, "read: %m");
	CHECK(dtmf_pairs(evs, n, "159#"), "events");
	muted = report_tones("muted", buf, LEN);
	if (decoder) {
		CHECK(!tel_dtmf_decode(buf, LEN, heard, sizeof(heard)),
		      "multimon-ng did not run");
		/* the mute's leak (the tones' first 25-38 ms) may be enough */
		printf("#   muted: multimon-ng heard \"%s\" (reported, not asserted)\n",
		       heard);
	}

	CHECK(!tonedetect(fd, 0), "DAHDI_TONEDETECT 0: %m");
	CHECK(emu_num_stat(0, CH_TX, "detect") == 0, "card's detect still on");
	if (!far_end_digits(fd, CH_TX, "159#"))
		return false;
	n = dtmf_collect(fd, buf, LEN, evs, MAXEV, 500);
	CHECK(n == 0, "%d DTMF events with detection off", n);
	unmuted = report_tones("detection off", buf, LEN);
	/* 4 tones of 100 ms unmuted; muted, at most 40 ms of each got out */
	CHECK(unmuted >= 4 * 90 * 8, "only %ld tone samples unmuted", unmuted);
	CHECK(muted <= 4 * 40 * 8, "%ld tone samples got through the mute",
	      muted);
	if (decoder) {
		CHECK(!tel_dtmf_decode(buf, LEN, heard, sizeof(heard)),
		      "multimon-ng did not run");
		printf("#   detection off: multimon-ng heard \"%s\"\n", heard);
		CHECK(!strcmp(heard, "159#"), "not 159#");
	}
	return true;
}

static bool test_hw_dtmf(void)
{
	bool ok;
	int fd;

	if (emu_cmd(NULL, 0, "audio 0 %d silence", CH_TX))
		return false;
	fd = dahdi_open(base0 + CH_TX);
	if (fd < 0) {
		printf("#   open: %s\n", strerror(-fd));
		return false;
	}
	ok = hw_dtmf_on_call(fd);
	dahdi_hook(fd, DAHDI_ONHOOK);
	close(fd);
	return ok;
}

/*
 * The setting is the channel's until close: asked on hook, it reaches the
 * next call; the card turns detection off at each DIAL, and the bridge
 * turns it on again for the call after an on hook and off hook.
 */
static bool test_hw_dtmf_next_call(void)
{
	enum { LEN = 12000, MAXEV = 8 };
	static uint8_t buf[LEN];
	int evs[MAXEV], n, fd;

	/* another channel: test_hw_dtmf's may still be on its way on hook */
	CHECK(!emu_cmd(NULL, 0, "audio 0 %d silence", CH_RX), "audio");
	fd = dahdi_open(base0 + CH_RX);
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	CHECK(big_buffers(fd), "DAHDI_SET_BUFINFO: %m");
	CHECK(!tonedetect(fd, DAHDI_TONEDETECT_ON), "on hook: %m");
	CHECK(tonedetect(fd, 4) < 0 && errno == EINVAL, "unknown bit taken");
	for (int call = 0; call < 2; call++) {
		const char *digit = call ? "3" : "7";

		CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
		CHECK(emu_wait_state(0, CH_RX, EMU_CONNECTED, TEL_WAIT_MS),
		      "call %d not connected", call);
		CHECK(emu_num_stat(0, CH_RX, "detect") == 1,
		      "call %d: card's detect %ld, not 1", call,
		      emu_num_stat(0, CH_RX, "detect"));
		if (!far_end_digits(fd, CH_RX, digit))
			return false;
		n = dtmf_collect(fd, buf, LEN, evs, MAXEV, 500);
		CHECK(n >= 0, "read: %m");
		if (!dtmf_pairs(evs, n, digit))
			return false;
		CHECK(!dahdi_hook(fd, DAHDI_ONHOOK), "on hook: %m");
		CHECK(emu_wait_state(0, CH_RX, 0, TEL_WAIT_MS), "not idle");
	}
	close(fd);
	return true;
}

/* A far-end hangup reaches DAHDI as an on-hook event. */
static bool test_far_hangup(void)
{
	int fd = dahdi_open(base0 + CH_HANGUP);

	CHECK(fd >= 0, "open: %s", strerror(-fd));
	CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(0, CH_HANGUP, EMU_CONNECTED, TEL_WAIT_MS),
	      "not connected");
	/*
	 * DAHDI ignores loop drops during its off-hook debounce (600 ms of
	 * span time: the card's clock, which the bridge keeps running).
	 */
	sleep(1);
	CHECK(!emu_cmd(NULL, 0, "hangup 0 %d normal", CH_HANGUP), "hangup");
	CHECK(dahdi_expect_event(fd, DAHDI_EVENT_ONHOOK, TEL_WAIT_MS),
	      "no DAHDI_EVENT_ONHOOK");
	CHECK(!dahdi_hook(fd, DAHDI_ONHOOK), "on hook: %m");
	CHECK(emu_wait_state(0, CH_HANGUP, 0, TEL_WAIT_MS), "not idle");
	/* the line works again: a second call, a second far-end hangup */
	CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(0, CH_HANGUP, EMU_CONNECTED, TEL_WAIT_MS),
	      "not connected again");
	sleep(1);
	CHECK(!emu_cmd(NULL, 0, "hangup 0 %d busy", CH_HANGUP), "hangup");
	CHECK(dahdi_expect_event(fd, DAHDI_EVENT_ONHOOK, TEL_WAIT_MS),
	      "no second DAHDI_EVENT_ONHOOK");
	close(fd);
	CHECK(emu_wait_state(0, CH_HANGUP, 0, TEL_WAIT_MS), "close: not idle");
	return true;
}

static void on_alarm(int sig)
{
	(void)sig;	/* only interrupts a DAHDI_HOOK that never returns */
}

/*
 * A hook flash (DAHDI_HOOK DAHDI_FLASH: on hook for DAHDI's flash time,
 * 750 ms by default, then off hook) is not a hangup: the bridge makes it
 * the card's own flash (TEL_OP_FLASH, which the far end counts) and the
 * call goes on, audio and all.
 */
static bool test_flash(void)
{
	enum { LEN = 4096, RUN = 2000 };
	static uint8_t buf[LEN];
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	long dials, hangups, far_rx, flashes;
	size_t got = 0;
	int fd, ret, best = 0, run = 1, ev;
	char reply[512];

	CHECK(!emu_cmd(NULL, 0, "audio 0 %d pattern", CH_FLASH), "audio");
	fd = dahdi_open(base0 + CH_FLASH);
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	CHECK(big_buffers(fd), "DAHDI_SET_BUFINFO: %m");
	CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(0, CH_FLASH, EMU_CONNECTED, TEL_WAIT_MS),
	      "not connected");
	dials = emu_num_stat(0, CH_FLASH, "dials");
	hangups = emu_num_stat(0, CH_FLASH, "hangups");
	far_rx = emu_num_stat(0, CH_FLASH, "far_rx_bytes");
	flashes = emu_num_stat(0, CH_FLASH, "flashes");

	/*
	 * DAHDI refuses a flash (EBUSY) until its off-hook debounce is over
	 * (600 ms of span time).  A blocking DAHDI_FLASH returns once the
	 * line is off hook again; the alarm only guards against a hang.
	 */
	sigaction(SIGALRM, &sa, NULL);
	for (int i = 0; i < 50; i++) {
		alarm(10);
		ret = dahdi_hook(fd, DAHDI_FLASH);
		alarm(0);
		if (!ret || errno != EBUSY)
			break;
		usleep(100000);
	}
	CHECK(!ret, "DAHDI_HOOK DAHDI_FLASH: %m");
	/* DAHDI is off hook again: the card must still be in the call */
	CHECK(emu_num_stat(0, CH_FLASH, "state") == EMU_CONNECTED,
	      "the call did not survive the flash (state %ld)",
	      emu_num_stat(0, CH_FLASH, "state"));
	/* the far end saw the card's own flash, then the line off hook */
	for (int i = 0; i < 200; i++) {
		if (emu_num_stat(0, CH_FLASH, "flashes") == flashes + 1 &&
		    emu_num_stat(0, CH_FLASH, "hook") == 1)
			break;
		usleep(20000);
	}
	CHECK(emu_num_stat(0, CH_FLASH, "flashes") == flashes + 1,
	      "the far end saw no flash");
	CHECK(emu_num_stat(0, CH_FLASH, "hook") == 1, "left on hook");
	CHECK(emu_num_stat(0, CH_FLASH, "hangups") == hangups,
	      "the far end saw a hangup");
	CHECK(emu_num_stat(0, CH_FLASH, "dials") == dials,
	      "the card dialled again");
	/* no disconnect for DAHDI either: no ONHOOK event is pending */
	ev = dahdi_wait_event(fd, 300);
	CHECK(ev != DAHDI_EVENT_ONHOOK, "DAHDI_EVENT_ONHOOK after the flash");

	/* audio still flows both ways */
	while (got < LEN) {
		ssize_t n = dahdi_io(fd, buf + got, LEN - got, false);

		CHECK(n > 0, "read: %m");
		got += n;
	}
	for (int i = 1; i < LEN; i++) {
		run = buf[i] == (uint8_t)(buf[i - 1] + 1) ? run + 1 : 1;
		if (run > best)
			best = run;
	}
	CHECK(!emu_cmd(reply, sizeof(reply), "stats 0 %d", CH_FLASH), "stats");
	printf("# after the flash: longest run of the far end's pattern %d of %d bytes, the far end received %ld more bytes\n",
	       best, LEN, emu_num(reply, "far_rx_bytes") - far_rx);
	CHECK(best >= RUN, "rx pattern broken: longest run %d", best);
	CHECK(emu_num(reply, "far_rx_bytes") > far_rx,
	      "the far end received nothing after the flash");
	CHECK(emu_num(reply, "state") == EMU_CONNECTED, "call lost while reading");
	CHECK(!dahdi_hook(fd, DAHDI_ONHOOK), "on hook: %m");
	CHECK(emu_wait_state(0, CH_FLASH, 0, TEL_WAIT_MS), "not idle");
	CHECK(emu_num_stat(0, CH_FLASH, "hangups") == hangups + 1,
	      "on hook after the flash is no hangup");
	close(fd);
	return true;
}

/*
 * An offered call rings on a DAHDI channel; off hook answers it.  The
 * ring lasts 2 s: RINGOFFHOOK comes when it is over (DAHDI's ring trailer,
 * 50 ms), so ~2 s after the offer (test_cid measures the cadence).
 */
static bool test_ring(void)
{
	long answers = emu_num_stat(0, CH_RING, "answers");
	int fd = dahdi_open(base0 + CH_RING);

	CHECK(fd >= 0, "open: %s", strerror(-fd));
	CHECK(!emu_cmd(NULL, 0, "offer 0 %d 5551234", CH_RING), "offer");
	CHECK(dahdi_expect_event(fd, DAHDI_EVENT_RINGOFFHOOK, TEL_WAIT_MS),
	      "no ring");
	CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(0, CH_RING, EMU_CONNECTED, TEL_WAIT_MS),
	      "not answered");
	CHECK(emu_num_stat(0, CH_RING, "answers") == answers + 1, "answers");
	close(fd);
	CHECK(emu_wait_state(0, CH_RING, 0, TEL_WAIT_MS), "close: not idle");
	return true;
}

/* One user per channel: DAHDI's, or a /dev/telN call's. */
static bool test_ebusy(void)
{
	struct tel_call_alloc req = { .channel = CH_EBUSY };
	int fd, tfd, fd2;

	strcpy(req.number, "200");
	fd = dahdi_open(base0 + CH_EBUSY);
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	tfd = open("/dev/tel0", O_RDWR);
	CHECK(tfd >= 0, "/dev/tel0: %m");
	CHECK(ioctl(tfd, TEL_IOC_CALL_ALLOC, &req) < 0 && errno == EBUSY,
	      "CALL_ALLOC on a DAHDI channel: %m");
	fd2 = dahdi_open(base0 + CH_EBUSY);
	CHECK(fd2 == -EBUSY, "second DAHDI open: %d", fd2);
	close(fd);

	memset(&req, 0, sizeof(req));
	req.channel = CH_IOCTL;
	strcpy(req.number, "200");
	CHECK(!ioctl(tfd, TEL_IOC_CALL_ALLOC, &req), "CALL_ALLOC: %m");
	CHECK(sysfs_is(0, CH_IOCTL, "holder", "call"), "holder");
	fd = dahdi_open(base0 + CH_IOCTL);
	CHECK(fd == -EBUSY, "DAHDI open of a /dev/tel0 call's channel: %d", fd);
	close(tfd);	/* drops and frees the call */
	fd = dahdi_open(base0 + CH_IOCTL);
	CHECK(fd >= 0, "DAHDI open once the call is gone: %s", strerror(-fd));
	close(fd);
	return true;
}

/* ---- caller ID ---- */

/* What spandsp's ADSI receiver (CLASS, i.e. Bell 202 GR-30) decoded. */
struct cid_seen {
	int msgs;
	int type;
	char datetime[16];
	char number[40];
	char name[40];
	char number_absent;
	char name_absent;
	int fields;
};

static adsi_rx_state_t *cid_rx;

static void cid_put_msg(void *user, const uint8_t *msg, int len)
{
	struct cid_seen *seen = user;
	const uint8_t *body;
	uint8_t type;
	int flen, pos = -1;

	seen->msgs++;
	while ((pos = adsi_next_field(cid_rx, msg, len, pos, &type, &body,
				      &flen)) > 0) {
		char *to = NULL;
		size_t max = 0;

		if (!body) {
			seen->type = type;
			continue;
		}
		seen->fields++;
		switch (type) {
		case MCLASS_DATETIME:
			to = seen->datetime;
			max = sizeof(seen->datetime);
			break;
		case MCLASS_CALLER_NUMBER:
			to = seen->number;
			max = sizeof(seen->number);
			break;
		case MCLASS_CALLER_NAME:
			to = seen->name;
			max = sizeof(seen->name);
			break;
		case MCLASS_ABSENCE1:
			seen->number_absent = flen ? body[0] : '?';
			break;
		case MCLASS_ABSENCE2:
			seen->name_absent = flen ? body[0] : '?';
			break;
		default:
			printf("#   (MDMF field 0x%02x, %d bytes)\n", type, flen);
			break;
		}
		if (to) {
			snprintf(to, max, "%.*s", flen, (const char *)body);
		}
	}
}

/* Positions in DAHDI's audio (samples read) of what the channel saw. */
struct cid_timing {
	long ring1_begin;	/* DAHDI_EVENT_RINGBEGIN */
	long ring1_offhook;	/* DAHDI_EVENT_RINGOFFHOOK: ring over + 50 ms */
	long ring2_begin;
	uint64_t wall_ring1, wall_off1, wall_ring2;
	long fsk_first, fsk_last;	/* samples louder than -40 dBm0 or so */
};

#define CID_RING_TRAILER	400	/* DAHDI_RINGTRAILER: 50 ms */
#define CID_MAX_SAMPLES		(8000 * 16)

/*
 * Offer a call with @args (after "offer 0 CH") on an open DAHDI channel,
 * read its audio and events until the second ring begins, answer during
 * the second ring; decode the audio between the rings.
 */
static bool cid_ring(const char *args, struct cid_seen *seen,
		     struct cid_timing *t)
{
	static uint8_t audio[CID_MAX_SAMPLES];
	static int16_t lin[CID_MAX_SAMPLES];
	struct dahdi_bufferinfo bi = {
		.txbufpolicy = DAHDI_POLICY_IMMEDIATE,
		.rxbufpolicy = DAHDI_POLICY_IMMEDIATE,
		.numbufs = 64,
		.bufsize = 80,		/* 10 ms: the events' resolution */
	};
	long answers = emu_num_stat(0, CH_CID, "answers");
	int flush = DAHDI_FLUSH_ALL;
	long got = 0, end;
	uint64_t deadline;
	int fd;

	memset(seen, 0, sizeof(*seen));
	memset(t, 0, sizeof(*t));
	t->ring1_begin = t->ring1_offhook = t->ring2_begin = -1;
	fd = dahdi_open(base0 + CH_CID);
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	CHECK(!ioctl(fd, DAHDI_SET_BUFINFO, &bi), "DAHDI_SET_BUFINFO: %m");
	/*
	 * DAHDI ignores rings for 2 s of span time after a channel goes
	 * on hook (RING_DEBOUNCE_TIME; opening it does too): let that pass,
	 * as it has on any line Asterisk has kept open a while.
	 */
	usleep(2500000);
	CHECK(!ioctl(fd, DAHDI_FLUSH, &flush), "DAHDI_FLUSH: %m");
	CHECK(!emu_cmd(NULL, 0, "offer 0 %d %s", CH_CID, args), "offer %s", args);
	deadline = tel_test_now_ms() + 15000;
	while (t->ring2_begin < 0 && tel_test_now_ms() < deadline &&
	       got < CID_MAX_SAMPLES) {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };
		int ev = 0;
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		if (p.revents & POLLPRI) {
			CHECK(!ioctl(fd, DAHDI_GETEVENT, &ev), "GETEVENT: %m");
			if (ev == DAHDI_EVENT_RINGBEGIN && t->ring1_begin < 0) {
				t->ring1_begin = got;
				t->wall_ring1 = tel_test_now_ms();
			} else if (ev == DAHDI_EVENT_RINGOFFHOOK &&
				   t->ring1_begin >= 0 && t->ring1_offhook < 0) {
				t->ring1_offhook = got;
				t->wall_off1 = tel_test_now_ms();
			} else if (ev == DAHDI_EVENT_RINGBEGIN &&
				   t->ring1_offhook >= 0) {
				t->ring2_begin = got;
				t->wall_ring2 = tel_test_now_ms();
			} else if (ev) {
				printf("#   (event %d at sample %ld)\n", ev, got);
			}
			continue;
		}
		if (!(p.revents & POLLIN))
			continue;
		n = read(fd, audio + got, CID_MAX_SAMPLES - got);
		if (n < 0 && errno == ELAST)
			continue;
		CHECK(n >= 0, "read: %m");
		got += n;
	}
	CHECK(t->ring1_begin >= 0, "no RINGBEGIN for the first ring");
	CHECK(t->ring1_offhook >= 0, "no RINGOFFHOOK after the first ring");
	CHECK(t->ring2_begin >= 0, "no second ring (%ld samples read)", got);

	/* the call is still there to answer: off hook in the second ring */
	CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(0, CH_CID, EMU_CONNECTED, TEL_WAIT_MS),
	      "not answered");
	CHECK(emu_num_stat(0, CH_CID, "answers") == answers + 1, "answers");
	close(fd);
	CHECK(emu_wait_state(0, CH_CID, 0, TEL_WAIT_MS), "close: not idle");

	/* the audio between the rings, as Asterisk's callerid_feed() gets it */
	t->fsk_first = t->fsk_last = -1;
	end = t->ring2_begin;
	for (long i = t->ring1_offhook - CID_RING_TRAILER; i < end; i++) {
		if (i < 0)
			continue;
		lin[i] = ulaw_to_linear(audio[i]);
		if (abs(lin[i]) > 500) {	/* the FSK's peak is ~5000 */
			if (t->fsk_first < 0)
				t->fsk_first = i;
			t->fsk_last = i;
		}
	}
	CHECK(t->fsk_first >= 0, "no FSK between the rings");
	cid_rx = adsi_rx_init(NULL, ADSI_STANDARD_CLASS, cid_put_msg, seen);
	CHECK(cid_rx, "adsi_rx_init");
	adsi_rx(cid_rx, lin + t->fsk_first, end - t->fsk_first);
	adsi_rx_free(cid_rx);
	cid_rx = NULL;
	return true;
}

static void cid_report(const char *what, const struct cid_timing *t)
{
	long ring_end = t->ring1_offhook - CID_RING_TRAILER;

	printf("#   %s: ring %ld ms on, %ld ms off (%llu ms, %llu ms by the wall clock); FSK from %ld ms after the ring to %ld ms before the next, %ld ms long\n",
	       what, (ring_end - t->ring1_begin) / 8,
	       (t->ring2_begin - ring_end) / 8,
	       (unsigned long long)(t->wall_off1 - t->wall_ring1 - 50),
	       (unsigned long long)(t->wall_ring2 - t->wall_off1 + 50),
	       (t->fsk_first - ring_end) / 8,
	       (t->ring2_begin - t->fsk_last) / 8,
	       (t->fsk_last - t->fsk_first + 1) / 8);
}

/*
 * What a real line gives chan_dahdi's cid_signalling=bell, cid_start=ring:
 * a ring of 2 s, 4 s of silence with the caller ID in it (from 500 ms
 * after the ring, over by 200 ms before the next, GR-30), then rings
 * until answered.  Event positions are known to a DAHDI buffer (10 ms).
 */
static bool cid_check_timing(const struct cid_timing *t)
{
	long ring_end = t->ring1_offhook - CID_RING_TRAILER;
	long on = (ring_end - t->ring1_begin) / 8;
	long off = (t->ring2_begin - ring_end) / 8;
	long start = (t->fsk_first - ring_end) / 8;
	long before = (t->ring2_begin - t->fsk_last) / 8;

	CHECK(on >= 1800 && on <= 2200, "ring %ld ms, not ~2000", on);
	CHECK(off >= 3800 && off <= 4200, "silence %ld ms, not ~4000", off);
	CHECK(start >= 480 && start <= 1000, "FSK %ld ms after the ring", start);
	CHECK(before >= 200, "FSK over only %ld ms before the next ring",
	      before);
	return true;
}

static bool test_cid_allowed(void)
{
	struct cid_seen seen;
	struct cid_timing t;

	if (!cid_ring("5551234 name Jane_Doe", &seen, &t))
		return false;
	cid_report("allowed", &t);
	printf("#   spandsp: %d message(s), type 0x%02x, date/time \"%s\", number \"%s\", name \"%s\"\n",
	       seen.msgs, seen.type, seen.datetime, seen.number, seen.name);
	CHECK(seen.msgs == 1, "%d messages decoded", seen.msgs);
	CHECK(seen.type == CLASS_MDMF_CALLERID, "type 0x%02x", seen.type);
	CHECK(strlen(seen.datetime) == 8 &&
	      strspn(seen.datetime, "0123456789") == 8, "date/time");
	CHECK(!strcmp(seen.number, "5551234"), "number \"%s\"", seen.number);
	CHECK(!strcmp(seen.name, "Jane Doe"), "name \"%s\"", seen.name);
	CHECK(!seen.number_absent && !seen.name_absent, "an absence reason");
	return cid_check_timing(&t);
}

/* Withheld (P) or not known (O): the reason only, never number or name */
static bool cid_absent(const char *pres, char reason)
{
	char args[128];
	struct cid_seen seen;
	struct cid_timing t;

	snprintf(args, sizeof(args), "5551234 name Jane_Doe pres %s", pres);
	if (!cid_ring(args, &seen, &t))
		return false;
	cid_report(pres, &t);
	printf("#   spandsp: %d message(s), type 0x%02x, date/time \"%s\", number \"%s\" absent '%c', name \"%s\" absent '%c'\n",
	       seen.msgs, seen.type, seen.datetime, seen.number,
	       seen.number_absent ? seen.number_absent : '-', seen.name,
	       seen.name_absent ? seen.name_absent : '-');
	CHECK(seen.msgs == 1, "%d messages decoded", seen.msgs);
	CHECK(seen.type == CLASS_MDMF_CALLERID, "type 0x%02x", seen.type);
	CHECK(!seen.number[0] && !seen.name[0], "number or name leaked");
	CHECK(seen.number_absent == reason, "number absent '%c', not '%c'",
	      seen.number_absent, reason);
	CHECK(seen.name_absent == reason, "name absent '%c', not '%c'",
	      seen.name_absent, reason);
	CHECK(seen.fields == 3, "%d fields", seen.fields);
	return cid_check_timing(&t);
}

static bool test_cid_restricted(void)
{
	return cid_absent("restricted", 'P');
}

static bool test_cid_unavailable(void)
{
	return cid_absent("unavailable", 'O');
}

/* The next event of a /dev/telN monitor, strictly; true if one came. */
static bool mon_next(int fd, struct tel_event *ev)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, TEL_WAIT_MS) == 1 &&
	       read(fd, ev, sizeof(*ev)) == sizeof(*ev);
}

/* @ev is a @type event of call @id in @state on the monitored channel. */
static bool mon_is(const struct tel_event *ev, uint32_t type, uint32_t id,
		   uint32_t state)
{
	if (ev->type == type && ev->handle == id && ev->state == state &&
	    ev->channel == CH_MONITOR)
		return true;
	printf("#   event type %u call %u state %u channel %u, want %u %u %u\n",
	       ev->type, ev->handle, ev->state, ev->channel, type, id, state);
	return false;
}

/*
 * Tap call @n of the monitored line (TEL_IOC_CALL_TAP by @id, as root).
 * The first call's tap arms the history and reads one byte, leaving the
 * rest unread.  The second call reuses the line's call object: its tap
 * must start with that call's first byte (the far end's pattern begins
 * again at the channel's number), the first call's unread audio counted
 * lost, never handed out as the second's.
 */
static bool tap_fresh(int mon, uint32_t id, int n)
{
	static uint8_t buf[4096];
	struct tel_call_tap t = {
		.id = id, .rx_buf = (uintptr_t)buf, .rx_len = n ? 4096 : 1,
	};

	if (n)
		usleep(100 * 1000);
	CHECK(!ioctl(mon, TEL_IOC_CALL_TAP, &t), "TAP: %m");
	if (!n) {
		usleep(200 * 1000);	/* audio the monitor leaves unread */
		return true;
	}
	printf("# second call's tap: %u bytes at %llu, %llu lost, first %u\n",
	       t.rx_len, (unsigned long long)t.rx_pos,
	       (unsigned long long)t.rx_lost, t.rx_len ? buf[0] : 0);
	CHECK(t.rx_len >= 8 && t.rx_lost > 0, "%u bytes, %llu lost", t.rx_len,
	      (unsigned long long)t.rx_lost);
	for (uint32_t i = 0; i < t.rx_len; i++)
		CHECK(buf[i] == (uint8_t)(CH_MONITOR + i),
		      "byte %u is %u, not the second call's %u", i, buf[i],
		      (uint8_t)(CH_MONITOR + i));
	return true;
}

/*
 * A /dev/telN monitor (TEL_IOC_CARD_MONITOR) sees a bridge call like any
 * other, through the same call core: each call on the line from its
 * CALL_NEW, the line's call object keeping its id, and CALL_DEALLOC
 * (owner dahdi) when DAHDI closes the channel; a tap of each call gets
 * that call's audio (tap_fresh()).
 */
static bool test_monitor_bridge_call(void)
{
	struct tel_card_monitor req = { 0 };
	struct tel_call_info info;
	struct tel_event ev;
	int mon = tel_open_card(0), fd;
	uint32_t id;

	CHECK(mon >= 0, "open /dev/tel0: %m");
	CHECK(!ioctl(mon, TEL_IOC_CARD_MONITOR, &req), "MONITOR: %m");
	CHECK(!emu_cmd(NULL, 0, "audio 0 %d pattern", CH_MONITOR), "audio");
	fd = dahdi_open(base0 + CH_MONITOR);
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	for (int call = 0; call < 2; call++) {
		CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
		CHECK(mon_next(mon, &ev), "no CALL_NEW");
		if (!call)
			id = ev.handle;
		CHECK(mon_is(&ev, TEL_EVENT_CALL_NEW, id, TEL_CALL_DIALING),
		      "CALL_NEW of call %d", call);
		CHECK(ev.detail == TEL_DIR_OUTBOUND, "direction");
		CHECK(mon_next(mon, &ev) &&
		      mon_is(&ev, TEL_EVENT_STATE, id, TEL_CALL_RINGBACK),
		      "RINGBACK");
		CHECK(mon_next(mon, &ev) &&
		      mon_is(&ev, TEL_EVENT_STATE, id, TEL_CALL_CONNECTED),
		      "CONNECTED");
		memset(&info, 0, sizeof(info));
		info.handle = id;
		CHECK(!ioctl(mon, TEL_IOC_CALL_INFO, &info) &&
		      info.state == TEL_CALL_CONNECTED && info.id == id,
		      "INFO by id");
		CHECK(tap_fresh(mon, id, call), "tap of call %d", call);
		if (!call) {
			CHECK(!dahdi_hook(fd, DAHDI_ONHOOK), "on hook: %m");
			CHECK(mon_next(mon, &ev) &&
			      mon_is(&ev, TEL_EVENT_STATE, id, TEL_CALL_IDLE),
			      "IDLE");
		}
	}
	close(fd);	/* the bridge hangs up and releases the channel */
	CHECK(mon_next(mon, &ev) &&
	      mon_is(&ev, TEL_EVENT_STATE, id, TEL_CALL_IDLE), "IDLE at close");
	CHECK(mon_next(mon, &ev) &&
	      mon_is(&ev, TEL_EVENT_CALL_DEALLOC, id, TEL_CALL_IDLE),
	      "CALL_DEALLOC");
	CHECK(ev.detail == TEL_OWNER_BRIDGE, "owner %u", ev.detail);
	memset(&info, 0, sizeof(info));
	info.handle = id;
	CHECK(ioctl(mon, TEL_IOC_CALL_INFO, &info) == -1 && errno == ENOENT,
	      "INFO after release");
	close(mon);
	return true;
}

static int cmd_hold(int secs)
{
	int fd = dahdi_open(base0 + CH_HOLD);

	if (fd < 0 || dahdi_hook(fd, DAHDI_OFFHOOK) ||
	    !emu_wait_state(0, CH_HOLD, EMU_CONNECTED, TEL_WAIT_MS)) {
		fprintf(stderr, "hold: no connected call\n");
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	sleep(secs);
	close(fd);
	return 0;
}

/*
 * The card lies about a ring the bridge reads (an rx head 60,000 bytes
 * beyond the 1 ms ring): the bridge's tick path checks it with the same
 * tel_ring_sync() as the ioctls, so the lie is counted, the card is
 * failed, DAHDI sees a red alarm and the line go on hook, and nothing is
 * read beyond the ring (KASAN watches on the debug kernel).  Card 0 stays
 * failed: run last, before the modules are unloaded.
 */
static bool test_lie_on_bridge_channel(void)
{
	char state[32] = "";
	long errors = tel_sysfs_num(0, "card_errors");
	uint64_t end;
	int fd;

	fd = dahdi_open(base0 + CH_HOLD);
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	CHECK(!dahdi_hook(fd, DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(0, CH_HOLD, EMU_CONNECTED, TEL_WAIT_MS),
	      "not connected");
	usleep(50000);	/* the bridge moves audio on the ring a while */
	CHECK(!emu_cmd(NULL, 0, "lie 0 %d rx-ahead 60000", CH_HOLD), "lie");
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while (tel_test_now_ms() < end &&
	       (tel_read_sysfs("/sys/class/tel/tel0/state", state,
			       sizeof(state)) || strcmp(state, "failed")))
		usleep(20000);
	CHECK(!strcmp(state, "failed"), "card state \"%s\", not failed", state);
	CHECK(tel_sysfs_num(0, "card_errors") > errors, "lie not counted");
	CHECK(dahdi_expect_event(fd, DAHDI_EVENT_ALARM, TEL_WAIT_MS),
	      "no red alarm on the channel");
	dahdi_hook(fd, DAHDI_ONHOOK);
	close(fd);
	return true;
}

/* Unplug card 1 with every channel open and one in a call. */
static bool test_unplug(void)
{
	int fds[64], n = 0, ch, ev;
	char buf[64];
	const char *nch = getenv("TEL_CHANNELS");
	int channels = nch ? atoi(nch) : 8;

	if (channels > 64)
		channels = 64;
	for (ch = 0; ch < channels; ch++) {
		fds[n] = dahdi_open(base1 + ch);
		CHECK(fds[n] >= 0, "open %d: %s", base1 + ch, strerror(-fds[n]));
		n++;
	}
	CHECK(!dahdi_hook(fds[0], DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(emu_wait_state(1, 0, EMU_CONNECTED, TEL_WAIT_MS), "not connected");
	CHECK(!dahdi_hook(fds[1], DAHDI_OFFHOOK), "DAHDI_HOOK: %m");
	CHECK(!emu_cmd(NULL, 0, "unplug 1"), "unplug");
	for (int i = 0; i < 300 && !access("/sys/class/tel/tel1", F_OK); i++)
		usleep(100000);
	CHECK(access("/sys/class/tel/tel1", F_OK), "tel1 still there");
	/* the file is cut off from the channel: errors, no crash */
	ev = 0;
	errno = 0;
	CHECK(read(fds[0], buf, sizeof(buf)) < 0, "read after unplug worked");
	printf("#   read after unplug: %m\n");
	CHECK(ioctl(fds[0], DAHDI_GETEVENT, &ev) < 0, "ioctl after unplug");
	for (int i = 0; i < n; i++)
		close(fds[i]);
	CHECK(basechan(1) < 0, "span TEL/1 still registered");
	return true;
}

int main(int argc, char **argv)
{
	base0 = basechan(0);
	base1 = basechan(1);
	if (base0 < 0) {
		printf("# no DAHDI span TEL/0\n");
		return 1;
	}
	if (argc > 2 && !strcmp(argv[1], "hold"))
		return cmd_hold(atoi(argv[2]));
	/* an unknown mode must not run the default tests and pass */
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "lie") &&
			 strcmp(argv[1], "cid") && strcmp(argv[1], "unplug") &&
			 strcmp(argv[1], "hwdtmf"))) {
		fprintf(stderr, "usage: tel_dahdi_test [lie|cid|unplug|hwdtmf|hold SECONDS]\n");
		return 2;
	}

	printf("TAP version 13\n");
	if (argc > 1 && !strcmp(argv[1], "lie")) {
		printf("1..1\n");
		result(test_lie_on_bridge_channel(),
		       "lie_on_bridge_channel_fails_card", NULL);
	} else if (argc > 1 && !strcmp(argv[1], "cid")) {
		printf("1..3\n");
		result(test_cid_allowed(), "caller_id_number_and_name", NULL);
		result(test_cid_restricted(), "caller_id_restricted_private", NULL);
		result(test_cid_unavailable(), "caller_id_unavailable_out_of_area",
		       NULL);
	} else if (argc > 1 && !strcmp(argv[1], "hwdtmf")) {
		printf("1..2\n");
		result(test_hw_dtmf(), "hw_dtmf_events_and_mute", NULL);
		result(test_hw_dtmf_next_call(), "hw_dtmf_kept_for_next_call",
		       NULL);
	} else if (argc > 1 && !strcmp(argv[1], "unplug")) {
		printf("1..1\n");
		if (base1 < 0) {
			num++;
			skip++;
			printf("ok 1 unplug_with_dahdi_open # SKIP one card only\n");
		} else {
			result(test_unplug(), "unplug_with_dahdi_open", NULL);
		}
	} else {
		printf("1..9\n");
		result(test_offhook(), "offhook_reaches_card", NULL);
		result(test_tx(), "tx_audio_intact", NULL);
		result(test_rx(), "rx_audio_intact", NULL);
		result(test_far_hangup(), "far_hangup_is_onhook_event", NULL);
		result(test_ring(), "offer_rings_and_answers", NULL);
		result(test_ebusy(), "one_user_per_channel", NULL);
		result(test_flash(), "hook_flash_keeps_the_call", NULL);
		result(test_dtmf_inband(), "dtmf_inband_reaches_dahdi", NULL);
		result(test_monitor_bridge_call(), "monitor_sees_bridge_calls",
		       NULL);
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       pass, fail, skip);
	return fail ? 1 : 0;
}
