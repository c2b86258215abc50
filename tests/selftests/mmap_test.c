// SPDX-License-Identifier: GPL-2.0
/*
 * mmap_test.c - mapped audio rings (issue 16): TEL_IOC_CALL_MAP, mmap()
 * of /dev/telN, TEL_IOC_CALLS_SYNC.  The rules, not the speed:
 *   - the layout handed out, one offset per call, the same one twice;
 *   - audio intact both ways, in place: received bytes are the far end's
 *     pattern, sent bytes reach the far end with their CRC; the receive
 *     side driven by watermark events and one sync per wake-up;
 *   - each mapping is its own call's memory; another file's offset is
 *     EACCES, anything but exactly one call EINVAL, PROT_EXEC EPERM;
 *   - a dropped call's rings stay readable; DEALLOC revokes (SIGBUS);
 *   - a handoff revokes the old owner's mapping; fork() does not copy it;
 *     close() with a live mapping keeps the call until munmap(); a killed
 *     owner leaves no call and no DMA memory;
 *   - the owner's indices are checked: a bad one is refused and counted,
 *     and the card never sees it (the far end receives nothing);
 *   - card removal: the mapping reads the ordinary-memory copy;
 *   - every errno of the two ioctls.
 *
 * Card 0 of the VM, and card 1 for the removal (unbound and bound again,
 * the PCI remove path that a hot-unplug takes).
 */
#include <setjmp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD	0
#define RING	2048	/* each ring (userspace-api.rst) */
#define MARK	160	/* 20 ms of 8 kHz G.711 */

struct mapped {
	struct tel_call_map m;
	uint8_t *base;
	volatile struct tel_map_ctl *ctl;
	volatile uint8_t *rx, *tx;
};

static int map_call(int fd, uint32_t h, struct mapped *mp)
{
	void *p;

	memset(mp, 0, sizeof(*mp));
	mp->m.handle = h;
	if (ioctl(fd, TEL_IOC_CALL_MAP, &mp->m))
		return -1;
	p = mmap(NULL, mp->m.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 mp->m.offset);
	if (p == MAP_FAILED)
		return -1;
	mp->base = p;
	mp->ctl = p + mp->m.ctl_offset;
	mp->rx = mp->base + mp->m.rx_offset;
	mp->tx = mp->base + mp->m.tx_offset;
	return 0;
}

static int calls_sync(int fd)
{
	struct tel_calls_sync req = { 0 };

	return ioctl(fd, TEL_IOC_CALLS_SYNC, &req);
}

static int watermark(int fd, uint32_t h, uint32_t rx, uint32_t tx)
{
	struct tel_call_watermark req = {
		.handle = h, .rx_bytes = rx, .tx_bytes = tx,
	};

	return ioctl(fd, TEL_IOC_CALL_WATERMARK, &req);
}

/* A connected call on @ch whose far end sends its pattern (k + ch). */
static int connect_call(int fd, int card, int ch, uint32_t *h)
{
	emu_cmd(NULL, 0, "far %d %d answer 20", card, ch);
	emu_cmd(NULL, 0, "audio %d %d pattern", card, ch);
	if (tel_alloc(fd, ch, "100", h))
		return -1;
	return tel_wait_state(fd, *h, TEL_CALL_CONNECTED, TEL_WAIT_MS);
}

static void end_call(int fd, uint32_t h)
{
	tel_drop(fd, h, 0);
	tel_dealloc(fd, h);
}

static sigjmp_buf probe_env;

static void probe_handler(int sig)
{
	siglongjmp(probe_env, sig);
}

/* Touch @p (read, or write if @write): 0, or the signal it got. */
static int probe(volatile uint8_t *p, bool write)
{
	struct sigaction sa = { .sa_handler = probe_handler }, obus, osegv;
	int sig;

	sigaction(SIGBUS, &sa, &obus);
	sigaction(SIGSEGV, &sa, &osegv);
	sig = sigsetjmp(probe_env, 1);
	if (!sig) {
		if (write)
			*p = *p;
		else
			(void)*p;
	}
	sigaction(SIGBUS, &obus, NULL);
	sigaction(SIGSEGV, &osegv, NULL);
	return sig;
}

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

FIXTURE(mmap) {
	int fd;
};

FIXTURE_SETUP(mmap)
{
	self->fd = tel_open_card(CARD);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(mmap)
{
	close(self->fd);
}

TEST_F(mmap, map_hands_out_one_offset_per_call)
{
	struct tel_card_info ci = { 0 };
	struct tel_call_map again = { 0 };
	struct mapped a, b;
	uint32_t ha, hb;

	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CARD_INFO, &ci));
	ASSERT_EQ(TEL_FEAT_MMAP, ci.features & TEL_FEAT_MMAP);
	ASSERT_EQ(0, tel_alloc(self->fd, 0, "100", &ha));
	ASSERT_EQ(0, tel_alloc(self->fd, 1, "100", &hb));
	ASSERT_EQ(0, map_call(self->fd, ha, &a));
	ASSERT_EQ(0, map_call(self->fd, hb, &b));
	EXPECT_EQ(0, a.m.offset % 4096);
	EXPECT_EQ(2 * 4096, a.m.length);
	EXPECT_EQ(RING, a.m.ring_bytes);
	EXPECT_EQ(0, a.m.ctl_offset);
	EXPECT_EQ(4096, a.m.rx_offset);
	EXPECT_EQ(4096 + RING, a.m.tx_offset);
	EXPECT_NE(a.m.offset, b.m.offset);
	/* offsets of two calls never overlap */
	EXPECT_LE(a.m.length, a.m.offset > b.m.offset ?
		  a.m.offset - b.m.offset : b.m.offset - a.m.offset);
	again.handle = ha;
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_MAP, &again));
	EXPECT_EQ(a.m.offset, again.offset);
	/* the owner's indices start at the driver's: 0 for a new call */
	EXPECT_EQ(0, a.ctl->rx_head);
	EXPECT_EQ(0, a.ctl->rx_tail);
	EXPECT_EQ(0, a.ctl->tx_head);
	EXPECT_EQ(0, a.ctl->bad);
	EXPECT_NE(0, a.ctl->seq);
	munmap(a.base, a.m.length);
	munmap(b.base, b.m.length);
	end_call(self->fd, ha);
	end_call(self->fd, hb);
}

/*
 * The media server's loop, for two calls: poll() on the file, read the
 * events, take each ready call's audio in place, one sync for all.
 */
TEST_F(mmap, audio_received_in_place_poll_driven)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	struct tel_event evs[16];
	struct mapped mp[2];
	uint32_t h[2], tail[2] = { 0, 0 }, ch[2] = { 3, 4 };
	long wakeups = 0, syncs = 0;
	uint64_t end;
	int i, k;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, connect_call(self->fd, CARD, ch[i], &h[i]));
		ASSERT_EQ(0, map_call(self->fd, h[i], &mp[i]));
		ASSERT_EQ(0, watermark(self->fd, h[i], MARK, 0));
	}
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while ((tail[0] < 800 || tail[1] < 800) && tel_test_now_ms() < end) {
		ssize_t got;

		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		wakeups++;
		got = read(self->fd, evs, sizeof(evs));
		for (k = 0; k < got / (ssize_t)sizeof(evs[0]); k++) {
			uint32_t head;

			if (evs[k].type != TEL_EVENT_AUDIO_READY)
				continue;
			for (i = 0; i < 2 && evs[k].handle != h[i]; i++)
				;
			ASSERT_LT(i, 2);
			/* the event's indices are in the page already */
			head = __atomic_load_n(&mp[i].ctl->rx_head,
					       __ATOMIC_ACQUIRE);
			ASSERT_LE(MARK, head - tail[i]);
			ASSERT_GE(RING, head - tail[i]);
			for (; tail[i] != head; tail[i]++)
				ASSERT_EQ((uint8_t)(tail[i] + ch[i]),
					  mp[i].rx[tail[i] % RING])
					TH_LOG("call %d byte %u", i, tail[i]);
			mp[i].ctl->rx_tail = tail[i];
		}
		ASSERT_EQ(2, calls_sync(self->fd));
		syncs++;
	}
	EXPECT_LE(800, tail[0]);
	EXPECT_LE(800, tail[1]);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(TEL_MAP_ON_CARD, mp[i].ctl->flags);
		EXPECT_EQ(0, mp[i].ctl->bad);
		EXPECT_EQ(0, emu_num_stat(CARD, ch[i], "rx_overruns"));
	}
	/* one wake-up and one sync serve both calls: fewer than one a block */
	EXPECT_GE((tail[0] + tail[1]) / MARK, wakeups);
	ksft_print_msg("%u + %u bytes in %ld wake-ups, %ld syncs\n", tail[0],
		       tail[1], wakeups, syncs);
	for (i = 0; i < 2; i++) {
		munmap(mp[i].base, mp[i].m.length);
		end_call(self->fd, h[i]);
	}
}

TEST_F(mmap, audio_sent_in_place_reaches_far_end_intact)
{
	char reply[2048];
	struct mapped mp;
	uint8_t buf[1600];
	uint32_t h, head = 0;
	uint64_t end;
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	ASSERT_EQ(0, connect_call(self->fd, CARD, 1, &h));
	ASSERT_EQ(0, map_call(self->fd, h, &mp));
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while (head < sizeof(buf) && tel_test_now_ms() < end) {
		uint32_t room = RING - (head - mp.ctl->tx_tail);

		for (; room && head < sizeof(buf); room--, head++)
			mp.tx[head % RING] = buf[head];
		__atomic_store_n(&mp.ctl->tx_head, head, __ATOMIC_RELEASE);
		ASSERT_EQ(1, calls_sync(self->fd));
		usleep(20 * 1000);
	}
	ASSERT_EQ(sizeof(buf), head);
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while (emu_num_stat(CARD, 1, "far_rx_bytes") < (long)sizeof(buf) &&
	       tel_test_now_ms() < end)
		usleep(10 * 1000);
	ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "stats %d 1", CARD));
	EXPECT_EQ((long)sizeof(buf), emu_num(reply, "far_rx_bytes"));
	EXPECT_EQ(crc32_update(0, buf, sizeof(buf)),
		  (uint32_t)emu_hex(reply, "far_rx_crc"));
	EXPECT_EQ(0, mp.ctl->bad);
	munmap(mp.base, mp.m.length);
	end_call(self->fd, h);
}

/* Two mapped calls: each mapping holds its own call's audio only. */
TEST_F(mmap, each_mapping_is_its_own_call)
{
	struct mapped a, b;
	uint32_t ha, hb, i;

	ASSERT_EQ(0, connect_call(self->fd, CARD, 4, &ha));
	ASSERT_EQ(0, connect_call(self->fd, CARD, 5, &hb));
	ASSERT_EQ(0, map_call(self->fd, ha, &a));
	ASSERT_EQ(0, map_call(self->fd, hb, &b));
	usleep(100 * 1000);
	ASSERT_EQ(2, calls_sync(self->fd));
	ASSERT_LE(64, a.ctl->rx_head);
	ASSERT_LE(64, b.ctl->rx_head);
	for (i = 0; i < 64; i++) {
		ASSERT_EQ((uint8_t)(i + 4), a.rx[i]);
		ASSERT_EQ((uint8_t)(i + 5), b.rx[i]);
	}
	munmap(a.base, a.m.length);
	munmap(b.base, b.m.length);
	end_call(self->fd, ha);
	end_call(self->fd, hb);
}

TEST_F(mmap, dropped_call_stays_readable_then_dealloc_is_sigbus)
{
	struct tel_call_info info;
	struct mapped mp;
	uint32_t h, head, i;
	void *p;

	ASSERT_EQ(0, connect_call(self->fd, CARD, 2, &h));
	ASSERT_EQ(0, map_call(self->fd, h, &mp));
	usleep(100 * 1000);	/* received, not consumed */
	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	ASSERT_EQ(TEL_CALL_IDLE, info.state);
	ASSERT_EQ(1, calls_sync(self->fd));
	head = mp.ctl->rx_head;
	EXPECT_EQ(0, mp.ctl->flags);	/* no longer on the card */
	ASSERT_LE(64, head);
	ASSERT_GE(RING, head);
	for (i = 0; i < head; i++)
		ASSERT_EQ((uint8_t)(i + 2), mp.rx[i]) TH_LOG("byte %u", i);
	/* consuming after the drop still works */
	mp.ctl->rx_tail = head;
	ASSERT_EQ(1, calls_sync(self->fd));
	EXPECT_EQ(0, mp.ctl->bad);

	ASSERT_EQ(0, tel_dealloc(self->fd, h));
	EXPECT_EQ(SIGBUS, probe((volatile uint8_t *)mp.ctl, false));
	EXPECT_EQ(SIGBUS, probe(mp.rx, false));
	EXPECT_EQ(SIGBUS, probe(mp.tx, true));
	/* the offset is gone for good */
	p = mmap(NULL, mp.m.length, PROT_READ, MAP_SHARED, self->fd,
		 mp.m.offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, calls_sync(self->fd));
	munmap(mp.base, mp.m.length);
}

TEST_F(mmap, other_file_is_eacces_and_bad_mappings_einval)
{
	struct tel_call_map other = { 0 };
	struct mapped mp;
	uint32_t h;
	void *p;
	int fd2 = tel_open_card(CARD);

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, tel_alloc(self->fd, 6, "100", &h));
	ASSERT_EQ(0, map_call(self->fd, h, &mp));
	/* another file: the offset is not its call's, the handle unknown */
	p = mmap(NULL, mp.m.length, PROT_READ, MAP_SHARED, fd2, mp.m.offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EACCES, errno);
	other.handle = h;
	EXPECT_EQ(-1, ioctl(fd2, TEL_IOC_CALL_MAP, &other));
	EXPECT_EQ(ENOENT, errno);
	/* anything but exactly one call */
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd, mp.m.offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, 3 * 4096, PROT_READ, MAP_SHARED, self->fd, mp.m.offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd,
		 mp.m.offset + 4096);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, mp.m.length, PROT_READ, MAP_SHARED, self->fd,
		 mp.m.offset + mp.m.length * 1000);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, mp.m.length, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->fd, mp.m.offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, mp.m.length, PROT_READ | PROT_EXEC, MAP_SHARED,
		 self->fd, mp.m.offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	/* and never executable later */
	EXPECT_EQ(-1, mprotect(mp.base, mp.m.length, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	/* the owner's mapping still works */
	EXPECT_EQ(0, probe(mp.tx, true));
	munmap(mp.base, mp.m.length);
	end_call(self->fd, h);
	close(fd2);
}

/*
 * Owner indices out of range are refused and counted: the next valid
 * consumption reads the right bytes, and the far end hears nothing of a
 * transmit index that would have sent more than was written.
 */
TEST_F(mmap, bad_user_indices_are_refused_and_never_reach_card)
{
	struct mapped mp;
	uint32_t h, head, i;

	ASSERT_EQ(0, connect_call(self->fd, CARD, 6, &h));
	ASSERT_EQ(0, map_call(self->fd, h, &mp));
	usleep(50 * 1000);
	ASSERT_EQ(1, calls_sync(self->fd));
	head = mp.ctl->rx_head;
	ASSERT_LE(16, head);
	/* past what the card wrote */
	mp.ctl->rx_tail = head + RING;
	ASSERT_EQ(1, calls_sync(self->fd));
	EXPECT_EQ(1, mp.ctl->bad);
	/* more than the ring to send */
	mp.ctl->rx_tail = 0;
	mp.ctl->tx_head = RING + 8;
	ASSERT_EQ(1, calls_sync(self->fd));
	EXPECT_EQ(2, mp.ctl->bad);
	/* a valid consumption, then backwards */
	mp.ctl->tx_head = 0;
	mp.ctl->rx_tail = 8;
	ASSERT_EQ(1, calls_sync(self->fd));
	EXPECT_EQ(2, mp.ctl->bad);
	mp.ctl->rx_tail = 0;
	ASSERT_EQ(1, calls_sync(self->fd));
	EXPECT_EQ(3, mp.ctl->bad);
	usleep(100 * 1000);	/* 100 frame ticks to send what it was told */
	EXPECT_EQ(0, emu_num_stat(CARD, 6, "far_rx_bytes"));
	/* the stream goes on from where the valid index left it */
	mp.ctl->rx_tail = 8;
	ASSERT_EQ(1, calls_sync(self->fd));
	head = mp.ctl->rx_head;
	for (i = 8; i < head && i < RING; i++)
		ASSERT_EQ((uint8_t)(i + 6), mp.rx[i % RING]);
	EXPECT_EQ(3, mp.ctl->bad);
	munmap(mp.base, mp.m.length);
	end_call(self->fd, h);
}

TEST_F(mmap, handoff_revokes_the_old_owners_mapping)
{
	struct tel_call_export ex = { 0 };
	struct tel_call_import im = { 0 };
	struct mapped old, cur;
	uint32_t h;
	void *p;
	int fd2 = tel_open_card(CARD);

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, connect_call(self->fd, CARD, 7, &h));
	ASSERT_EQ(0, map_call(self->fd, h, &old));
	EXPECT_EQ(0, probe(old.rx, false));
	ex.handle = h;
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_EXPORT, &ex));
	EXPECT_EQ(SIGBUS, probe(old.rx, false));
	EXPECT_EQ(SIGBUS, probe((volatile uint8_t *)old.ctl, false));
	im.fd = ex.fd;
	ASSERT_EQ(0, ioctl(fd2, TEL_IOC_CALL_IMPORT, &im));
	close(ex.fd);
	/* the new owner maps it anew, at a new offset; the old one is gone */
	p = mmap(NULL, old.m.length, PROT_READ, MAP_SHARED, fd2, old.m.offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, map_call(fd2, im.handle, &cur));
	EXPECT_NE(old.m.offset, cur.m.offset);
	usleep(50 * 1000);
	ASSERT_EQ(1, calls_sync(fd2));
	EXPECT_LT(0, cur.ctl->rx_head);
	EXPECT_EQ(0, calls_sync(self->fd));
	munmap(old.base, old.m.length);
	munmap(cur.base, cur.m.length);
	end_call(fd2, im.handle);
	close(fd2);
}

/* VM_DONTCOPY: a forked child has no mapping there at all. */
TEST_F(mmap, fork_does_not_copy_the_mapping)
{
	struct mapped mp;
	uint32_t h;
	pid_t pid;
	int status;

	ASSERT_EQ(0, tel_alloc(self->fd, 3, "100", &h));
	ASSERT_EQ(0, map_call(self->fd, h, &mp));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(probe(mp.rx, false));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(SIGSEGV, WEXITSTATUS(status));
	EXPECT_EQ(0, probe(mp.rx, false));
	munmap(mp.base, mp.m.length);
	end_call(self->fd, h);
}

/*
 * close() with a live mapping does not release the file (the mapping
 * holds it): the call lives on and stays mapped; munmap() then releases
 * the file, which frees the call and its DMA memory.
 */
TEST_F(mmap, close_with_live_mapping_frees_at_munmap)
{
	long calls = tel_sysfs_num(CARD, "calls");
	long dma = tel_sysfs_num(CARD, "dma_bytes");
	struct mapped mp;
	uint32_t h;
	uint64_t end;
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_call(fd, CARD, 5, &h));
	ASSERT_EQ(0, map_call(fd, h, &mp));
	close(fd);
	usleep(50 * 1000);
	EXPECT_EQ(calls + 1, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(0, probe(mp.rx, false));
	munmap(mp.base, mp.m.length);
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while (tel_sysfs_num(CARD, "calls") != calls && tel_test_now_ms() < end)
		usleep(10 * 1000);
	EXPECT_EQ(calls, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(dma, tel_sysfs_num(CARD, "dma_bytes"));
}

/* A mapping owner killed: no call, no DMA memory left behind. */
TEST_F(mmap, killed_owner_leaves_nothing)
{
	long calls = tel_sysfs_num(CARD, "calls");
	long dma = tel_sysfs_num(CARD, "dma_bytes");
	int pfd[2], status;
	uint64_t end;
	char c = 0;
	pid_t pid;

	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct mapped mp;
		uint32_t h;
		int fd = tel_open_card(CARD);

		if (fd < 0 || connect_call(fd, CARD, 0, &h) ||
		    map_call(fd, h, &mp) || probe(mp.tx, true))
			_exit(1);
		if (write(pfd[1], "m", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	ASSERT_EQ(1, read(pfd[0], &c, 1));
	EXPECT_EQ(calls + 1, tel_sysfs_num(CARD, "calls"));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while (tel_sysfs_num(CARD, "calls") != calls && tel_test_now_ms() < end)
		usleep(10 * 1000);
	EXPECT_EQ(calls, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(dma, tel_sysfs_num(CARD, "dma_bytes"));
	close(pfd[0]);
}

TEST_F(mmap, map_errnos)
{
	struct tel_call_map req = { 0 };
	uint32_t h;

	ASSERT_EQ(0, tel_alloc(self->fd, 4, "100", &h));
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_MAP, NULL));
	EXPECT_EQ(EFAULT, errno);
	req.handle = h;
	req.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_MAP, &req));
	EXPECT_EQ(EINVAL, errno);
	req.flags = 0;
	req.reserved[2] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_MAP, &req));
	EXPECT_EQ(EINVAL, errno);
	req.reserved[2] = 0;
	req.offset = 4096;	/* an output: must come in zero */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_MAP, &req));
	EXPECT_EQ(EINVAL, errno);
	req.offset = 0;
	req.handle = 0;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_MAP, &req));
	EXPECT_EQ(ENOENT, errno);
	req.handle = 0x7fffffff;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_MAP, &req));
	EXPECT_EQ(ENOENT, errno);
	/* none of these mapped anything */
	EXPECT_EQ(0, calls_sync(self->fd));
	req.handle = h;
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_MAP, &req));
	EXPECT_EQ(1, calls_sync(self->fd));
	end_call(self->fd, h);
}

TEST_F(mmap, sync_errnos)
{
	struct tel_calls_sync req = { 0 };

	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALLS_SYNC, NULL));
	EXPECT_EQ(EFAULT, errno);
	req.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALLS_SYNC, &req));
	EXPECT_EQ(EINVAL, errno);
	req.flags = 0;
	req.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALLS_SYNC, &req));
	EXPECT_EQ(EINVAL, errno);
	req.reserved[0] = 0;
	EXPECT_EQ(0, ioctl(self->fd, TEL_IOC_CALLS_SYNC, &req));
}

/*
 * Card removal (the PCI remove path a hot-unplug takes): the rings move
 * to ordinary memory, and the mapping reads that copy: the same bytes,
 * no SIGBUS, until DEALLOC.  MAP answers ENODEV.
 */
TEST(removal_maps_the_ordinary_memory_copy)
{
	struct tel_call_map again = { 0 };
	struct mapped mp;
	uint32_t h, head, i;
	int fd = tel_open_card(1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect_call(fd, 1, 2, &h));
	ASSERT_EQ(0, map_call(fd, h, &mp));
	usleep(100 * 1000);
	ASSERT_EQ(0, tel_rebind(1));	/* our file stays on the old card */
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_DISCONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(1, calls_sync(fd));
	EXPECT_EQ(0, mp.ctl->flags);
	head = mp.ctl->rx_head;
	ASSERT_LE(64, head);
	ASSERT_GE(RING, head);
	ASSERT_EQ(0, probe(mp.rx, false));
	for (i = 0; i < head; i++)
		ASSERT_EQ((uint8_t)(i + 2), mp.rx[i]) TH_LOG("byte %u", i);
	mp.ctl->rx_tail = head;
	ASSERT_EQ(1, calls_sync(fd));
	EXPECT_EQ(0, mp.ctl->bad);
	again.handle = h;
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_MAP, &again));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));
	EXPECT_EQ(SIGBUS, probe(mp.rx, false));
	munmap(mp.base, mp.m.length);
	close(fd);
}

TEST_HARNESS_MAIN
