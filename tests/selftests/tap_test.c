// SPDX-License-Identifier: GPL-2.0
/*
 * tap_test.c - TEL_IOC_CALL_TAP (issue 14, privileged monitors): a
 * monitor opened by root or by the tap_gid group reads a call's audio both
 * ways, at its own positions, exactly the bytes the parties exchanged,
 * while the owner reads and the far end hears everything unchanged; a tap
 * that falls behind is told exactly how many bytes it lost; the errnos.
 *
 * Card 0 of the VM, with the emulator playing the far end: its "pattern"
 * audio sends byte (k + channel) & 0xff as the k-th byte of the call.
 */
#include <grp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD	0
#define NOBODY	65534
#define TAP_GID	"/sys/module/tel/parameters/tap_gid"
#define HIST	4096	/* TEL_TAP_BYTES */

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	size_t i;
	int k;

	crc = ~crc;
	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static int open_monitor(void)
{
	struct tel_card_monitor req = { 0 };
	int fd = tel_open_card(CARD);

	if (fd >= 0 && ioctl(fd, TEL_IOC_CARD_MONITOR, &req)) {
		close(fd);
		return -1;
	}
	return fd;
}

static long emu_stat(int ch, const char *key)
{
	char reply[512];

	if (emu_cmd(reply, sizeof(reply), "stats %d %d", CARD, ch))
		return -1;
	return emu_num(reply, key);
}

/* A CONNECTED call on @ch with pattern audio: its handle and id. */
static int connected_call(int fd, int ch, uint32_t *h, uint32_t *id)
{
	struct tel_call_info info;

	emu_cmd(NULL, 0, "far %d %d answer 20", CARD, ch);
	emu_cmd(NULL, 0, "audio %d %d pattern", CARD, ch);
	if (tel_alloc(fd, ch, "5550100", h) ||
	    tel_wait_state(fd, *h, TEL_CALL_CONNECTED, TEL_WAIT_MS) ||
	    tel_info(fd, *h, &info))
		return -1;
	*id = info.id;
	return 0;
}

static void tap_req(struct tel_call_tap *t, uint32_t id, void *rx, void *tx,
		    uint32_t len)
{
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->rx_buf = (uintptr_t)rx;
	t->tx_buf = (uintptr_t)tx;
	t->rx_len = rx ? len : 0;
	t->tx_len = tx ? len : 0;
}

/* One TAP of both directions into @rx and @tx (@len each); 0 or -1. */
static int tap(int mon, uint32_t id, void *rx, void *tx, uint32_t len,
	       struct tel_call_tap *t)
{
	tap_req(t, id, rx, tx, len);
	return ioctl(mon, TEL_IOC_CALL_TAP, t);
}

/* Is @p[0..n) the far end's pattern from stream position @pos? */
static int pattern_bad(const uint8_t *p, uint32_t n, uint64_t pos, int ch)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (uint8_t)(pos + i + ch))
			return (int)i + 1;
	return 0;
}

TEST(feature_announced)
{
	struct tel_card_info info = { 0 };
	char buf[256];
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &info));
	EXPECT_TRUE(info.features & TEL_FEAT_TAP);
	ASSERT_EQ(0, tel_read_sysfs("/sys/class/tel/tel0/features", buf,
				    sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, " tap"));
	close(fd);
}

/*
 * The owner writes a pattern and reads what the far end sends; a root
 * monitor taps both ways meanwhile and gets exactly those bytes, in order,
 * from the call's first; the owner's bytes and the far end's are intact.
 */
TEST(taps_both_ways_exactly)
{
	enum { CH = 1, N = 1600 };
	static uint8_t out[N], in[N], trx[2 * HIST], ttx[2 * HIST];
	uint8_t rbuf[HIST], xbuf[HIST];
	uint32_t h, id, nrx = 0, ntx = 0;
	int fd = tel_open_card(CARD), mon = open_monitor(), i, got = 0;
	struct tel_call_tap t;
	uint64_t end;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, mon);
	ASSERT_EQ(0, connected_call(fd, CH, &h, &id));
	ASSERT_EQ(0, tap(mon, id, rbuf, xbuf, HIST, &t));	/* arms it */
	EXPECT_EQ(0, t.rx_pos);
	EXPECT_EQ(0, t.tx_pos);
	EXPECT_EQ(0, t.rx_lost);
	EXPECT_EQ(TEL_CALL_CONNECTED, t.state);
	memcpy(trx, rbuf, t.rx_len);
	nrx = t.rx_len;
	EXPECT_EQ(0, t.tx_len);

	for (i = 0; i < N; i++)
		out[i] = (uint8_t)(i * 7 + 3);
	ASSERT_EQ(N, tel_audio(fd, TEL_IOC_CALL_WRITE, h, out, N, 0));
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while ((got < N || nrx < N || ntx < N) && tel_test_now_ms() < end) {
		if (got < N) {
			int n = tel_audio(fd, TEL_IOC_CALL_READ, h, in + got,
					  N - got, TEL_AUDIO_F_WAIT);

			ASSERT_LT(0, n);
			got += n;
		} else {
			usleep(10000);
		}
		ASSERT_EQ(0, tap(mon, id, rbuf, xbuf, HIST, &t));
		ASSERT_EQ(nrx, t.rx_pos);
		ASSERT_EQ(ntx, t.tx_pos);
		ASSERT_EQ(0, t.rx_lost);
		ASSERT_EQ(0, t.tx_lost);
		ASSERT_GE(sizeof(trx), nrx + t.rx_len);
		ASSERT_GE(sizeof(ttx), ntx + t.tx_len);
		memcpy(trx + nrx, rbuf, t.rx_len);
		memcpy(ttx + ntx, xbuf, t.tx_len);
		nrx += t.rx_len;
		ntx += t.tx_len;
	}
	ASSERT_EQ(N, got);
	EXPECT_EQ(N, ntx);
	ASSERT_LE(N, nrx);
	/* the owner heard the far end's pattern from its first byte ... */
	EXPECT_EQ(0, pattern_bad(in, N, 0, CH));
	/* ... and the tap the same bytes, and what the owner sent */
	EXPECT_EQ(0, memcmp(in, trx, N));
	EXPECT_EQ(0, pattern_bad(trx, nrx, 0, CH));
	EXPECT_EQ(0, memcmp(out, ttx, N));
	/* the far end heard the owner's bytes, no more, no fewer */
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while (emu_stat(CH, "far_rx_bytes") < N && tel_test_now_ms() < end)
		usleep(10000);
	{
		char reply[512];

		ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "stats %d %d",
				     CARD, CH));
		EXPECT_EQ(N, emu_num(reply, "far_rx_bytes"));
		EXPECT_EQ(crc32_update(0, out, N),
			  (uint32_t)emu_hex(reply, "far_rx_crc"));
	}
	EXPECT_EQ(0, emu_stat(CH, "rx_overruns"));
	/* what one tap costs, both ways, the history full (printed only) */
	{
		struct timespec a, b;
		int k;

		clock_gettime(CLOCK_MONOTONIC, &a);
		for (k = 0; k < 200; k++) {
			int m = open_monitor();

			ASSERT_LE(0, m);
			ASSERT_EQ(0, tap(m, id, rbuf, xbuf, HIST, &t));
			close(m);
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		ksft_print_msg("200 x (open, monitor, first tap of %u+%u bytes, close): %.1f us each\n",
			       t.rx_len, t.tx_len,
			       ((b.tv_sec - a.tv_sec) * 1e9 +
				(b.tv_nsec - a.tv_nsec)) / 200 / 1e3);
	}
	/* a second monitor starts at the oldest byte still held */
	{
		int mon2 = open_monitor();

		ASSERT_LE(0, mon2);
		ASSERT_EQ(0, tap(mon2, id, rbuf, xbuf, HIST, &t));
		EXPECT_EQ(0, t.tx_pos);
		EXPECT_EQ(N, t.tx_len);
		EXPECT_EQ(0, memcmp(out, xbuf, N));
		EXPECT_EQ(0, pattern_bad(rbuf, t.rx_len, t.rx_pos, CH));
		close(mon2);
	}
	close(mon);
	close(fd);
}

/*
 * A tap that does not keep up loses the oldest bytes: it is told how many,
 * exactly, and goes on from the oldest byte held with no gap.
 */
TEST(slow_tap_counts_lost_bytes)
{
	enum { CH = 2, N = 9600, W = 6000 };
	static uint8_t in[N], out[W];
	uint8_t rbuf[HIST], xbuf[HIST];
	uint32_t h, id, seen_rx, seen_tx;
	int fd = tel_open_card(CARD), mon = open_monitor(), i, got = 0, put = 0;
	struct tel_call_tap t;
	uint64_t end;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, mon);
	ASSERT_EQ(0, connected_call(fd, CH, &h, &id));
	ASSERT_EQ(0, tap(mon, id, rbuf, xbuf, HIST, &t));
	seen_rx = t.rx_len;
	seen_tx = t.tx_len;
	for (i = 0; i < W; i++)
		out[i] = (uint8_t)(i * 13 + 1);
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while ((got < N || put < W) && tel_test_now_ms() < end) {
		int n;

		if (put < W) {
			n = tel_audio(fd, TEL_IOC_CALL_WRITE, h, out + put,
				      W - put, 0);
			if (n > 0)
				put += n;
		}
		n = tel_audio(fd, TEL_IOC_CALL_READ, h, in + got, N - got,
			      TEL_AUDIO_F_WAIT);
		ASSERT_LT(0, n);
		got += n;
	}
	ASSERT_EQ(N, got);
	ASSERT_EQ(W, put);
	EXPECT_EQ(0, pattern_bad(in, N, 0, CH));

	ASSERT_EQ(0, tap(mon, id, rbuf, xbuf, HIST, &t));
	/* rx: the lost bytes and the copied ones follow what was seen */
	EXPECT_LT(0, t.rx_lost);
	EXPECT_EQ(seen_rx + t.rx_lost, t.rx_pos);
	EXPECT_LE(N, t.rx_pos + t.rx_len);
	EXPECT_EQ(HIST, t.rx_len);
	EXPECT_EQ(0, pattern_bad(rbuf, t.rx_len, t.rx_pos, CH));
	/* tx: all W written, the last HIST of them held */
	EXPECT_EQ(seen_tx + t.tx_lost, t.tx_pos);
	EXPECT_EQ(W - HIST, t.tx_pos);
	EXPECT_EQ(HIST, t.tx_len);
	EXPECT_EQ(0, memcmp(out + W - HIST, xbuf, HIST));
	/* and the next tap goes on where this one ended, nothing lost */
	seen_rx = t.rx_pos + t.rx_len;
	usleep(20000);
	ASSERT_EQ(0, tap(mon, id, rbuf, xbuf, HIST, &t));
	EXPECT_EQ(0, t.rx_lost);
	EXPECT_EQ(seen_rx, t.rx_pos);
	EXPECT_EQ(0, t.tx_lost);
	EXPECT_EQ(W, t.tx_pos);
	EXPECT_EQ(0, t.tx_len);
	close(mon);
	close(fd);
}

/* After a drop, the audio still held stays tappable until DEALLOC. */
TEST(tap_after_drop_reads_the_rest_then_dealloc_is_enoent)
{
	enum { CH = 3 };
	uint8_t rbuf[HIST], xbuf[HIST];
	struct tel_call_info info;
	uint32_t h, id;
	int fd = tel_open_card(CARD), mon = open_monitor();
	struct tel_call_tap t;
	uint64_t next;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, mon);
	ASSERT_EQ(0, connected_call(fd, CH, &h, &id));
	ASSERT_EQ(0, tap(mon, id, rbuf, NULL, HIST, &t));	/* arms it */
	memset(xbuf, 0x5a, 800);
	ASSERT_EQ(800, tel_audio(fd, TEL_IOC_CALL_WRITE, h, xbuf, 800, 0));
	memset(xbuf, 0, sizeof(xbuf));
	/* rx only: the tx position stays */
	ASSERT_EQ(0, tap(mon, id, rbuf, NULL, HIST, &t));
	EXPECT_EQ(0, t.tx_len);
	EXPECT_EQ(0, pattern_bad(rbuf, t.rx_len, t.rx_pos, CH));
	next = t.rx_pos + t.rx_len;
	usleep(60 * 1000);	/* received, read by nobody */
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_IDLE, TEL_WAIT_MS));
	ASSERT_EQ(0, tel_info(fd, h, &info));
	ASSERT_LT(0, info.rx_pending);
	/* the rest: up to what the owner could still read, then nothing */
	ASSERT_EQ(0, tap(mon, id, rbuf, xbuf, HIST, &t));
	EXPECT_EQ(next, t.rx_pos);
	EXPECT_EQ(0, t.rx_lost);
	EXPECT_EQ(info.rx_pending, t.rx_pos + t.rx_len);
	EXPECT_EQ(0, pattern_bad(rbuf, t.rx_len, t.rx_pos, CH));
	EXPECT_EQ(TEL_CALL_IDLE, t.state);
	EXPECT_EQ(0, t.tx_pos);
	EXPECT_EQ(0, t.tx_lost);
	EXPECT_EQ(800, t.tx_len);
	EXPECT_EQ(0x5a, xbuf[0]);
	EXPECT_EQ(0x5a, xbuf[799]);
	ASSERT_EQ(0, tap(mon, id, rbuf, xbuf, HIST, &t));
	EXPECT_EQ(0, t.rx_len);
	EXPECT_EQ(0, t.tx_len);
	/* the owner's READ is untouched by it all */
	EXPECT_EQ((int)info.rx_pending,
		  tel_audio(fd, TEL_IOC_CALL_READ, h, rbuf, HIST, 0));
	EXPECT_EQ(0, pattern_bad(rbuf, info.rx_pending, 0, CH));
	ASSERT_EQ(0, tel_dealloc(fd, h));
	EXPECT_EQ(-1, tap(mon, id, rbuf, xbuf, HIST, &t));
	EXPECT_EQ(ENOENT, errno);
	close(mon);
	close(fd);
}

/* A failed copy-out moves nothing: the next tap starts where it would. */
TEST(efault_does_not_advance)
{
	enum { CH = 4 };
	uint8_t rbuf[HIST], xbuf[HIST];
	uint32_t h, id;
	int fd = tel_open_card(CARD), mon = open_monitor();
	struct tel_call_tap t;
	uint64_t next;
	void *ro;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, mon);
	ro = mmap(NULL, HIST, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(0, connected_call(fd, CH, &h, &id));
	ASSERT_EQ(0, tap(mon, id, rbuf, xbuf, HIST, &t));
	next = t.rx_pos + t.rx_len;
	usleep(50 * 1000);
	EXPECT_EQ(-1, tap(mon, id, ro, xbuf, HIST, &t));
	EXPECT_EQ(EFAULT, errno);
	/* the data copied, but the struct not written back: the same */
	usleep(20 * 1000);
	ASSERT_EQ(0, munmap(ro, HIST));
	ro = mmap(NULL, HIST, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	tap_req(ro, id, rbuf, xbuf, HIST);
	ASSERT_EQ(0, mprotect(ro, HIST, PROT_READ));
	EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_TAP, ro));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, mprotect(ro, HIST, PROT_NONE));
	ASSERT_EQ(0, tap(mon, id, rbuf, xbuf, HIST, &t));
	EXPECT_EQ(next, t.rx_pos);
	EXPECT_EQ(0, t.rx_lost);
	EXPECT_LT(0, t.rx_len);
	EXPECT_EQ(0, pattern_bad(rbuf, t.rx_len, t.rx_pos, CH));
	/* a first tap that faults leaves no position either */
	{
		int mon2 = open_monitor();
		uint64_t first;

		ASSERT_LE(0, mon2);
		ASSERT_EQ(0, tap(mon2, id, rbuf, NULL, HIST, &t));
		first = t.rx_pos;
		close(mon2);
		mon2 = open_monitor();
		ASSERT_LE(0, mon2);
		EXPECT_EQ(-1, tap(mon2, id, ro, NULL, HIST, &t));
		EXPECT_EQ(EFAULT, errno);
		ASSERT_EQ(0, tap(mon2, id, rbuf, NULL, HIST, &t));
		EXPECT_EQ(0, t.rx_lost);
		EXPECT_LE(first, t.rx_pos);
		close(mon2);
	}
	tel_drop(fd, h, 0);
	munmap(ro, HIST);
	close(mon);
	close(fd);
}

TEST(errnos)
{
	enum { CH = 5 };
	uint8_t buf[64];
	struct tel_call_tap t;
	uint32_t h, id;
	int fd = tel_open_card(CARD), mon = open_monitor(), i;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, mon);
	ASSERT_EQ(0, connected_call(fd, CH, &h, &id));
	/* not a monitor: EPERM, the owner of the call and a bare file */
	EXPECT_EQ(-1, tap(fd, id, buf, buf, sizeof(buf), &t));
	EXPECT_EQ(EPERM, errno);
	{
		int bare = tel_open_card(CARD);

		ASSERT_LE(0, bare);
		EXPECT_EQ(-1, tap(bare, id, buf, buf, sizeof(buf), &t));
		EXPECT_EQ(EPERM, errno);
		close(bare);
	}
	/* unknown ids */
	EXPECT_EQ(-1, tap(mon, 0, buf, buf, sizeof(buf), &t));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tap(mon, 0x7ffffff0, buf, buf, sizeof(buf), &t));
	EXPECT_EQ(ENOENT, errno);
	/* no direction */
	EXPECT_EQ(-1, tap(mon, id, NULL, NULL, 0, &t));
	EXPECT_EQ(EINVAL, errno);
	/* flags, output fields, reserved: each EINVAL */
	for (i = 0; i < 9; i++) {
		memset(&t, 0, sizeof(t));
		t.id = id;
		t.rx_buf = (uintptr_t)buf;
		t.rx_len = sizeof(buf);
		switch (i) {
		case 0: t.flags = 1; break;
		case 1: t.rx_pos = 1; break;
		case 2: t.tx_pos = 1; break;
		case 3: t.rx_lost = 1; break;
		case 4: t.tx_lost = 1; break;
		case 5: t.state = 1; break;
		case 6: t.reserved[0] = 1; break;
		case 7: t.reserved[1] = 1; break;
		case 8: t.reserved[2] = 1; break;
		}
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_TAP, &t)) TH_LOG("%d", i);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%d", i);
	}
	/* and the good one works */
	EXPECT_EQ(0, tap(mon, id, buf, buf, sizeof(buf), &t));
	tel_drop(fd, h, 0);
	close(mon);
	close(fd);
}

struct nobody_args {
	uint32_t id;
};

/* As nobody: 0 if a monitor may tap the call, errno if not, 0xff else. */
static int nobody_taps(void *arg)
{
	struct nobody_args *a = arg;
	struct tel_call_tap t;
	uint8_t buf[64];
	int mon = open_monitor();

	if (mon < 0)
		return 0xff;
	if (tap(mon, a->id, buf, buf, sizeof(buf), &t))
		return errno;
	close(mon);
	return 0;
}

/*
 * nobody_taps() as nobody, no capabilities, with @group as its only
 * supplementary group (none if 0); its exit status.
 */
static int as_nobody(gid_t group, struct nobody_args *a)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setgroups(group ? 1 : 0, &group) ||
		    setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		_exit(nobody_taps(a));
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * tap_gid -1: nobody's monitor is refused; tap_gid its group (as its
 * gid, or a supplementary group): allowed; another group: refused.
 */
TEST(privilege_cap_sys_admin_or_tap_gid)
{
	enum { CH = 6 };
	struct nobody_args a;
	struct stat st;
	char old[32];
	uint32_t h;
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tel_read_sysfs(TAP_GID, old, sizeof(old)));
	EXPECT_STREQ("-1", old);
	ASSERT_EQ(0, connected_call(fd, CH, &h, &a.id));
	ASSERT_EQ(0, stat("/dev/tel0", &st));
	ASSERT_EQ(0, chmod("/dev/tel0", 0666));
	EXPECT_EQ(EPERM, as_nobody(0, &a));
	EXPECT_EQ(EPERM, as_nobody(4242, &a));
	ASSERT_EQ(0, tel_write_file(TAP_GID, "65534"));
	EXPECT_EQ(0, as_nobody(0, &a));
	/* another group: refused; a supplementary group: allowed */
	ASSERT_EQ(0, tel_write_file(TAP_GID, "4242"));
	EXPECT_EQ(EPERM, as_nobody(0, &a));
	EXPECT_EQ(0, as_nobody(4242, &a));
	EXPECT_EQ(EPERM, as_nobody(4243, &a));
	ASSERT_EQ(0, tel_write_file(TAP_GID, "-1"));
	EXPECT_EQ(EPERM, as_nobody(4242, &a));
	EXPECT_EQ(0, chmod("/dev/tel0", st.st_mode & 07777));
	tel_drop(fd, h, 0);
	close(fd);
}

TEST_HARNESS_MAIN
