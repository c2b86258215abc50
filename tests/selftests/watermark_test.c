// SPDX-License-Identifier: GPL-2.0
/*
 * watermark_test.c - per-call audio watermarks (issue 16: one wake-up per
 * block for all calls).  What is counted is events and wake-ups, not
 * time: with a 160-byte (20 ms) receive mark a call is reported about 50
 * times a second, not about 1000 (the tick's rate); the bounds are wide,
 * since the emulator under TCG runs late and catches up.
 *   - READY once per block, poll() on the file wakes for it;
 *   - the event names the call that is ready among several;
 *   - a call reported is not reported again until it is read (or
 *     written, for tx), re-armed by that;
 *   - the tx mark: reported once the card has taken enough;
 *   - DROP disarms, DEALLOC and close with armed calls leave the wheel
 *     empty (debugfs wm_armed; kmemleak on the debug kernel);
 *   - every errno, and a failed ioctl changes nothing.
 */
#include <sys/ioctl.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD	0
#define MARK	160	/* 20 ms of 8 kHz G.711 */
#define TEL_RING_BYTES_TEST	2048	/* each ring (userspace-api.rst) */

static int watermark(int fd, uint32_t h, uint32_t rx, uint32_t tx)
{
	struct tel_call_watermark req = {
		.handle = h, .rx_bytes = rx, .tx_bytes = tx,
	};

	return ioctl(fd, TEL_IOC_CALL_WATERMARK, &req);
}

/* Read whatever audio is there now, without waiting: the bytes read. */
static long drain_rx(int fd, uint32_t h)
{
	uint8_t buf[2048];
	long total = 0;
	int n;

	while ((n = tel_audio(fd, TEL_IOC_CALL_READ, h, buf, sizeof(buf),
			      0)) > 0)
		total += n;
	return total;
}

/* Fill the tx ring: the bytes written. */
static long fill_tx(int fd, uint32_t h)
{
	uint8_t buf[2048];
	long total = 0;
	int n;

	memset(buf, 0x55, sizeof(buf));
	while ((n = tel_audio(fd, TEL_IOC_CALL_WRITE, h, buf, sizeof(buf),
			      0)) > 0)
		total += n;
	return total;
}

/* A connected call on @ch whose far end sends audio. */
static int connect_call(int fd, int ch, uint32_t *h)
{
	emu_cmd(NULL, 0, "far %d %d answer 20", CARD, ch);
	emu_cmd(NULL, 0, "audio %d %d pattern", CARD, ch);
	if (tel_alloc(fd, ch, "100", h))
		return -1;
	return tel_wait_state(fd, *h, TEL_CALL_CONNECTED, TEL_WAIT_MS);
}

/* Throw away the events queued so far. */
static void drain_events(int fd)
{
	struct tel_event ev;

	while (!tel_wait_event(fd, 0xffffffff, &ev, 20))
		;
}

/*
 * Run a poll loop on the file for @ms: on each AUDIO_READY of a call in
 * @h[0..n), count it in @ready[i] and, if @read, read the call dry (which
 * re-arms it).  Events naming any other call are counted in @stray.
 * Returns the number of poll() wake-ups.
 */
static long poll_loop(int fd, const uint32_t *h, const uint32_t *ch, int n,
		      long *ready, long *stray, bool do_read, int ms)
{
	uint64_t end = tel_test_now_ms() + ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct tel_event evs[16];
	long wakeups = 0;
	int i, k, left;
	ssize_t got;

	while ((left = (int)(end - tel_test_now_ms())) > 0) {
		if (poll(&pfd, 1, left) <= 0)
			continue;
		wakeups++;
		if (!(pfd.revents & POLLIN))
			break;
		got = read(fd, evs, sizeof(evs));
		for (k = 0; k < got / (ssize_t)sizeof(evs[0]); k++) {
			if (evs[k].type != TEL_EVENT_AUDIO_READY)
				continue;
			for (i = 0; i < n; i++)
				if (evs[k].handle == h[i])
					break;
			if (i == n || evs[k].channel != ch[i] ||
			    !(evs[k].detail & TEL_WATERMARK_RX)) {
				(*stray)++;
				continue;
			}
			ready[i]++;
			if (do_read)
				drain_rx(fd, h[i]);
		}
	}
	return wakeups;
}

TEST(features_announced)
{
	struct tel_card_info info = { };
	char buf[256];
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &info));
	EXPECT_EQ(TEL_FEAT_WATERMARK, info.features & TEL_FEAT_WATERMARK);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", CARD);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, " watermark"));
	close(fd);
}

/*
 * One call, a 160-byte rx mark, read each time it is reported: about 50
 * reports and wake-ups in a second, each of which found the call ready.
 * A reader woken by every tick would count about 1000.
 */
TEST(rx_once_per_block)
{
	uint32_t h, ch = 2;
	long ready = 0, stray = 0, wakeups;
	long long checks0, checks1;
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_call(fd, ch, &h));
	drain_events(fd);
	drain_rx(fd, h);
	ASSERT_EQ(0, watermark(fd, h, MARK, 0));
	checks0 = tel_perf_num(CARD, "wm_checks");
	wakeups = poll_loop(fd, &h, &ch, 1, &ready, &stray, true, 1000);
	checks1 = tel_perf_num(CARD, "wm_checks");
	TH_LOG("1 s, 160-byte mark: %ld READY, %ld wake-ups, %lld tick checks",
	       ready, wakeups, checks1 - checks0);
	EXPECT_EQ(0, stray);
	EXPECT_LE(20, ready);
	EXPECT_GE(100, ready);
	EXPECT_GE(150, wakeups);
	/* the tick looked at the call about once per block, not per tick */
	if (checks0 >= 0)
		EXPECT_GE(300, checks1 - checks0);
	close(fd);
}

/*
 * Three calls, two armed (160 and 320 bytes), one not: every event names
 * an armed call on its channel, the 320-byte one about half as often.
 */
TEST(event_names_the_ready_call)
{
	uint32_t h[3], ch[3] = { 1, 3, 4 };
	long ready[3] = { 0 }, stray = 0;
	int fd = tel_open_card(CARD), i;

	ASSERT_LE(0, fd);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, connect_call(fd, ch[i], &h[i]));
	drain_events(fd);
	for (i = 0; i < 3; i++)
		drain_rx(fd, h[i]);
	ASSERT_EQ(0, watermark(fd, h[0], MARK, 0));
	ASSERT_EQ(0, watermark(fd, h[2], 2 * MARK, 0));
	/* h[1] is counted as an armed call would be: it must stay 0 */
	poll_loop(fd, h, ch, 3, ready, &stray, true, 1000);
	TH_LOG("READY: %ld (160), %ld (none), %ld (320)", ready[0], ready[1],
	       ready[2]);
	EXPECT_EQ(0, stray);
	EXPECT_EQ(0, ready[1]);
	EXPECT_LE(20, ready[0]);
	EXPECT_LE(10, ready[2]);
	EXPECT_LT(ready[2], ready[0]);
	close(fd);
}

/*
 * Reported once, then quiet while nobody reads, however much more comes;
 * a READ re-arms it (the call, already past its mark, is reported again
 * at once).
 */
TEST(not_reported_again_until_read)
{
	uint32_t h, ch = 5;
	long ready = 0, stray = 0;
	struct tel_event ev;
	int fd = tel_open_card(CARD);
	uint8_t buf[8];

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_call(fd, ch, &h));
	drain_events(fd);
	drain_rx(fd, h);
	ASSERT_EQ(0, watermark(fd, h, MARK, 0));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_AUDIO_READY, &ev, 2000));
	EXPECT_EQ(h, ev.handle);
	EXPECT_EQ(TEL_WATERMARK_RX, ev.detail);
	/* 300 ms more audio, not read: no second report */
	poll_loop(fd, &h, &ch, 1, &ready, &stray, false, 300);
	EXPECT_EQ(0, ready);
	EXPECT_EQ(0, stray);
	/* a read of 8 bytes leaves it past the mark: reported again */
	ASSERT_EQ(8, tel_audio(fd, TEL_IOC_CALL_READ, h, buf, 8, 0));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_AUDIO_READY, &ev, 500));
	EXPECT_EQ(h, ev.handle);
	/* arming again re-arms too */
	ASSERT_EQ(0, watermark(fd, h, MARK, 0));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_AUDIO_READY, &ev, 500));
	EXPECT_EQ(h, ev.handle);
	close(fd);
}

/*
 * The tx mark: with the ring full, the call is reported once the card
 * has taken half of it, not before, and then not again until written.
 */
TEST(tx_watermark)
{
	uint32_t h, ch = 6;
	struct tel_event ev;
	int fd = tel_open_card(CARD), n = 0;
	uint64_t t0;
	long room;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_call(fd, ch, &h));
	drain_events(fd);
	ASSERT_LT(0, fill_tx(fd, h));
	t0 = tel_test_now_ms();
	ASSERT_EQ(0, watermark(fd, h, 0, 1024));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_AUDIO_READY, &ev, 3000));
	TH_LOG("tx READY after %llu ms",
	       (unsigned long long)(tel_test_now_ms() - t0));
	EXPECT_EQ(h, ev.handle);
	EXPECT_EQ(TEL_WATERMARK_TX, ev.detail);
	room = fill_tx(fd, h);
	EXPECT_LE(1024, room);
	/* that WRITE re-armed it: the next report comes when half is gone */
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_AUDIO_READY, &ev, 3000));
	EXPECT_EQ(TEL_WATERMARK_TX, ev.detail);
	/* not written since: quiet although the room grows */
	while (!tel_wait_event(fd, TEL_EVENT_AUDIO_READY, &ev, 400))
		n++;
	EXPECT_EQ(0, n);
	close(fd);
}

/* Poll wakes for a READY: the file's one wait covers all its calls. */
TEST(poll_wakes)
{
	struct pollfd pfd = { .events = POLLIN };
	uint32_t h, ch = 7;
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_call(fd, ch, &h));
	drain_events(fd);
	drain_rx(fd, h);
	pfd.fd = fd;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, watermark(fd, h, MARK, 0));
	EXPECT_EQ(1, poll(&pfd, 1, 2000));
	EXPECT_EQ(POLLIN, pfd.revents & POLLIN);
	close(fd);
}

/* DROP disarms: no READY after, and an IDLE call cannot be armed. */
TEST(drop_disarms)
{
	uint32_t h, ch = 2;
	struct tel_event ev;
	int fd = tel_open_card(CARD), n = 0;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_call(fd, ch, &h));
	drain_events(fd);
	drain_rx(fd, h);
	ASSERT_EQ(0, watermark(fd, h, 2048, 0));	/* 256 ms away */
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	while (!tel_wait_event(fd, TEL_EVENT_AUDIO_READY, &ev, 600))
		n++;
	EXPECT_EQ(0, n);
	EXPECT_EQ(-1, watermark(fd, h, MARK, 0));
	EXPECT_EQ(ENOTCONN, errno);
	/* disarming works in any state */
	EXPECT_EQ(0, watermark(fd, h, 0, 0));
	EXPECT_EQ(0, tel_dealloc(fd, h));
	close(fd);
}

/*
 * DEALLOC and close with armed calls: the wheel is empty after (and the
 * debug kernel's kmemleak finds nothing).
 */
TEST(dealloc_and_close_free)
{
	uint32_t h[4];
	int fd = tel_open_card(CARD), i;
	long long armed;

	ASSERT_LE(0, fd);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, connect_call(fd, 1 + i, &h[i]));
	/* empty rings, 2048-byte marks: none can be ready for 256 ms */
	for (i = 0; i < 4; i++)
		drain_rx(fd, h[i]);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, watermark(fd, h[i], 2048, 0));
	armed = tel_perf_num(CARD, "wm_armed");
	if (armed >= 0)
		EXPECT_EQ(4, armed);
	ASSERT_EQ(0, tel_drop(fd, h[0], 0));
	ASSERT_EQ(0, tel_dealloc(fd, h[0]));
	if (armed >= 0)
		EXPECT_EQ(3, tel_perf_num(CARD, "wm_armed"));
	close(fd);
	if (armed >= 0)
		EXPECT_EQ(0, tel_perf_num(CARD, "wm_armed"));
}

/* Every errno; a failed ioctl leaves the marks as they were. */
TEST(errnos)
{
	struct tel_call_watermark req = { };
	uint32_t h, ch = 3;
	struct tel_event ev;
	int fd = tel_open_card(CARD), mon;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_call(fd, ch, &h));
	drain_events(fd);

	EXPECT_EQ(-1, watermark(fd, h + 1000, MARK, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, watermark(fd, h, TEL_RING_BYTES_TEST + 1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, watermark(fd, h, 0, TEL_RING_BYTES_TEST * 2));
	EXPECT_EQ(EINVAL, errno);
	req.handle = h;
	req.rx_bytes = MARK;
	req.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_WATERMARK, &req));
	EXPECT_EQ(EINVAL, errno);
	req.flags = 0;
	req.reserved[3] = 1;
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_WATERMARK, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_WATERMARK, (void *)8));
	EXPECT_EQ(EFAULT, errno);

	mon = tel_open_card(CARD);
	ASSERT_LE(0, mon);
	{
		struct tel_card_monitor m = { };

		ASSERT_EQ(0, ioctl(mon, TEL_IOC_CARD_MONITOR, &m));
	}
	EXPECT_EQ(-1, watermark(mon, h, MARK, 0));
	EXPECT_EQ(EPERM, errno);
	close(mon);

	/* armed, then a failed change: it still reports at its mark */
	drain_rx(fd, h);
	ASSERT_EQ(0, watermark(fd, h, MARK, 0));
	EXPECT_EQ(-1, watermark(fd, h, TEL_RING_BYTES_TEST + 8, 0));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_AUDIO_READY, &ev, 2000));
	EXPECT_EQ(h, ev.handle);
	/* the whole ring is a valid mark */
	EXPECT_EQ(0, watermark(fd, h, TEL_RING_BYTES_TEST, TEL_RING_BYTES_TEST));
	close(fd);
}

TEST_HARNESS_MAIN
