// SPDX-License-Identifier: GPL-2.0
/*
 * monitor_test.c - TEL_IOC_CARD_MONITOR (issue 14, monitors): a file that
 * sees every call of the card, by card-wide id, from TEL_EVENT_CALL_NEW to
 * TEL_EVENT_CALL_DEALLOC, reads their records, and can change nothing;
 * numbers, names and digits as /proc shows them; its queue and its close
 * never disturb the owners.
 *
 * Card 0 of the VM, with the emulator playing the far end.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD	0
#define NOBODY	65534

static int card_monitor(int fd, uint32_t flags)
{
	struct tel_card_monitor req = { .flags = flags };

	return ioctl(fd, TEL_IOC_CARD_MONITOR, &req);
}

static int open_monitor(void)
{
	int fd = tel_open_card(CARD);

	if (fd >= 0 && card_monitor(fd, 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int party(int fd, uint32_t h, struct tel_call_party *p)
{
	memset(p, 0, sizeof(*p));
	p->handle = h;
	return ioctl(fd, TEL_IOC_CALL_PARTY, p);
}

/* The next event, whatever it is; 0, or -1 if none came in time. */
static int next_event(int fd, struct tel_event *ev, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, timeout_ms) != 1)
		return -1;
	return read(fd, ev, sizeof(*ev)) == sizeof(*ev) ? 0 : -1;
}

/* Nothing more is queued (within @ms). */
static bool quiet(int fd, int ms)
{
	struct tel_event ev;

	return next_event(fd, &ev, ms) != 0;
}

static void drain(int fd)
{
	struct tel_event ev;

	while (!next_event(fd, &ev, 50))
		;
}

/* The card-wide id of the owner's call @h. */
static uint32_t call_id(int fd, uint32_t h)
{
	struct tel_call_info info;

	return tel_info(fd, h, &info) ? 0 : info.id;
}

/* A CONNECTED call of a new file on @ch; the file's events drained. */
static int connected_call(int ch, uint32_t *h)
{
	int fd = tel_open_card(CARD);

	emu_cmd(NULL, 0, "far %d %d answer 20", CARD, ch);
	emu_cmd(NULL, 0, "audio %d %d silence", CARD, ch);
	if (fd < 0 || tel_alloc(fd, ch, "100", h) ||
	    tel_wait_state(fd, *h, TEL_CALL_CONNECTED, TEL_WAIT_MS))
		return -1;
	drain(fd);
	return fd;
}

TEST(feature_announced)
{
	struct tel_card_info info = { };
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &info));
	EXPECT_EQ(TEL_FEAT_MONITOR, info.features & TEL_FEAT_MONITOR);
	close(fd);
}

/*
 * Another file's outbound call, seen from its creation to its DEALLOC:
 * every state in order, nothing else; the record by id after DROP, then
 * ENOENT.  The owner sees its own events as before.
 */
TEST(follows_a_call_from_alloc_to_dealloc)
{
	struct tel_call_list_entry e[8];
	struct tel_call_list list = { .entries = (uintptr_t)e, .capacity = 8 };
	static const uint32_t want[][2] = {
		{ TEL_EVENT_CALL_NEW, TEL_CALL_DIALING },
		{ TEL_EVENT_STATE, TEL_CALL_RINGBACK },
		{ TEL_EVENT_STATE, TEL_CALL_CONNECTED },
		{ TEL_EVENT_STATE, TEL_CALL_IDLE },
		{ TEL_EVENT_CALL_DEALLOC, TEL_CALL_IDLE },
	};
	struct tel_call_info info;
	struct tel_call_party p;
	struct proc_line pl;
	struct tel_event ev;
	int mon = open_monitor(), fd = tel_open_card(CARD);
	uint32_t h, id, i, seen = 0;

	ASSERT_LE(0, mon);
	ASSERT_LE(0, fd);
	emu_cmd(NULL, 0, "far %d 1 answer 20", CARD);
	ASSERT_EQ(0, tel_alloc(fd, 1, "5550101", &h));
	id = call_id(fd, h);
	ASSERT_NE(0, id);
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	/* the id is the one TEL_IOC_CALL_LIST shows */
	ASSERT_EQ(0, ioctl(mon, TEL_IOC_CALL_LIST, &list));
	for (i = 0; i < list.count; i++)
		seen += e[i].id == id && e[i].handle == h && e[i].channel == 1;
	EXPECT_EQ(1, seen);
	/* and the one /proc shows */
	ASSERT_EQ(1, proc_find(CARD, h, getpid(), &pl));
	EXPECT_EQ(id, pl.id);
	ASSERT_EQ(0, tel_drop(fd, h, 0));

	/* after DROP, until DEALLOC: the record, by id */
	ASSERT_EQ(0, tel_info(mon, id, &info));
	EXPECT_EQ(id, info.handle);
	EXPECT_EQ(id, info.id);
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_ORIGIN_LOCAL, info.origin);
	EXPECT_EQ(1, info.channel);
	EXPECT_STREQ("5550101", info.called);
	EXPECT_EQ(0, info.flags);
	ASSERT_EQ(0, party(mon, id, &p));
	EXPECT_EQ(id, p.handle);
	EXPECT_EQ(0, p.flags);
	/* the monitor's handle namespace is the ids: the owner's is not */
	ASSERT_EQ(0, tel_dealloc(fd, h));

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
		EXPECT_EQ(want[i][0], ev.type);
		EXPECT_EQ(want[i][1], ev.state);
		EXPECT_EQ(id, ev.handle);
		EXPECT_EQ(1, ev.channel);
	}
	EXPECT_TRUE(quiet(mon, 200));
	EXPECT_EQ(-1, tel_info(mon, id, &info));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, party(mon, id, &p));
	EXPECT_EQ(ENOENT, errno);
	/* the owner heard its own call as ever: RINGBACK, CONNECTED, IDLE */
	ASSERT_EQ(0, tel_wait_state_event(fd, h, TEL_CALL_IDLE, &ev,
					  TEL_WAIT_MS));
	close(fd);
	close(mon);
}

/* An offer reaches a monitor too; it can not take it. */
TEST(sees_offers_and_inbound_calls)
{
	struct tel_call_answer ans = { .channel = 2 };
	struct tel_event ev;
	int mon = open_monitor(), fd = tel_open_card(CARD);

	ASSERT_LE(0, mon);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 2 5550202", CARD));
	ASSERT_EQ(0, tel_wait_event(mon, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	EXPECT_EQ(2, ev.channel);
	EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
	EXPECT_EQ(TEL_EVENT_CALL_NEW, ev.type);
	EXPECT_EQ(TEL_CALL_OFFERING, ev.state);
	EXPECT_EQ(TEL_DIR_INBOUND, ev.detail);
	EXPECT_EQ(call_id(fd, ans.handle), ev.handle);
	ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
	EXPECT_EQ(TEL_EVENT_STATE, ev.type);
	EXPECT_EQ(TEL_CALL_CONNECTED, ev.state);
	close(fd);	/* closing drops and deallocates */
	ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
	EXPECT_EQ(TEL_EVENT_STATE, ev.type);
	EXPECT_EQ(TEL_CALL_IDLE, ev.state);
	ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
	EXPECT_EQ(TEL_EVENT_CALL_DEALLOC, ev.type);
	EXPECT_EQ(TEL_OWNER_FILE, ev.detail);
	close(mon);
}

/* Digits heard, digits sent, a flash: the monitor sees each, by id. */
TEST(sees_digits_and_flash)
{
	struct tel_call_monitor dm = { .flags = TEL_MONITOR_F_DIGITS };
	struct tel_call_digits dg = { .digits = "9" };
	struct tel_call_flash fl = { .ms = 100 };
	struct tel_call_party p;
	struct tel_event ev;
	int mon, fd, i;
	uint32_t h, id;

	fd = connected_call(3, &h);
	ASSERT_LE(0, fd);
	id = call_id(fd, h);
	mon = open_monitor();
	ASSERT_LE(0, mon);
	dm.handle = dg.handle = fl.handle = h;
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_MONITOR, &dm));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d 3 12# 80 80", CARD));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
		EXPECT_EQ(TEL_EVENT_DIGIT, ev.type);
		EXPECT_EQ(id, ev.handle);
		EXPECT_EQ(3, ev.channel);
		EXPECT_EQ((uint32_t)"12#"[i], ev.detail);
	}
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_DIGITS, &dg));
	ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
	EXPECT_EQ(TEL_EVENT_DIGITS_SENT, ev.type);
	EXPECT_EQ(id, ev.handle);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_FLASH, &fl));
	ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
	EXPECT_EQ(TEL_EVENT_FLASH, ev.type);
	EXPECT_EQ(id, ev.handle);
	EXPECT_EQ(100, ev.duration_ms);
	ASSERT_EQ(0, party(mon, id, &p));
	EXPECT_STREQ("12#", p.digits_rx);
	EXPECT_STREQ("9", p.digits_tx);
	EXPECT_EQ(1, p.flashes);
	/* the owner's own events are all there */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_DIGIT, &ev,
					    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_FLASH, &ev, TEL_WAIT_MS));
	EXPECT_EQ(h, ev.handle);
	close(fd);
	close(mon);
}

/* Every command that acts answers EPERM, with otherwise valid input. */
TEST(acting_is_eperm)
{
	uint8_t buf[16] = { 0 };
	struct tel_call_alloc al = { .channel = TEL_CHANNEL_ANY, .number = "1" };
	struct tel_call_answer an = { .channel = 4 };
	struct tel_call_drop dr = { 0 };
	struct tel_call_dealloc de = { 0 };
	struct tel_call_audio au = { .buf = (uintptr_t)buf, .len = 8 };
	struct tel_call_digits dg = { .digits = "1" };
	struct tel_call_monitor dm = { .flags = TEL_MONITOR_F_DIGITS };
	struct tel_call_flash fl = { 0 };
	struct tel_call_hold ho = { 0 };
	struct tel_call_redirect rd = { .channel = 4, .number = "2" };
	struct tel_call_transfer tr = { .number = "2" };
	struct tel_call_complete_transfer ct = { .consult_handle = 9999 };
	struct tel_call_watermark wm = { .rx_bytes = 160 };
	struct tel_call_map mp = { 0 };
	struct tel_calls_sync sy = { 0 };
	struct tel_conf_setup cs = { 0 };
	struct tel_conf_member cm = { .conf = 1 };
	struct tel_call_info info;
	int mon, fd;
	uint32_t h, id;

	fd = connected_call(4, &h);
	ASSERT_LE(0, fd);
	id = call_id(fd, h);
	mon = open_monitor();
	ASSERT_LE(0, mon);
	/* by the id and by the owner's handle: neither may be acted on */
	for (int pass = 0; pass < 2; pass++) {
		uint32_t x = pass ? h : id;

		dr.handle = de.handle = au.handle = x;
		dg.handle = dm.handle = fl.handle = x;
		ho.handle = tr.handle = wm.handle = mp.handle = x;
		ct.handle = cm.handle = x;
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_ALLOC, &al));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_ANSWER, &an));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_DROP, &dr));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_DEALLOC, &de));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_READ, &au));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_WRITE, &au));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_DIGITS, &dg));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_MONITOR, &dm));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_FLASH, &fl));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_HOLD, &ho));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_UNHOLD, &ho));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_REDIRECT, &rd));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_TRANSFER, &tr));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_WATERMARK, &wm));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_MAP, &mp));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALLS_SYNC, &sy));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_COMPLETE_TRANSFER, &ct));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CONF_SETUP, &cs));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CONF_ADD, &cm));
		EXPECT_EQ(EPERM, errno);
		EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CONF_REMOVE, &cm));
		EXPECT_EQ(EPERM, errno);
	}
	EXPECT_EQ(-1, card_monitor(mon, 0));
	EXPECT_EQ(EALREADY, errno);
	/* nothing changed: the call is connected, the card's detector off */
	ASSERT_EQ(0, tel_info(fd, h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(0, emu_num_stat(CARD, 4, "detect"));
	EXPECT_EQ(0, emu_num_stat(CARD, 4, "flashes"));
	EXPECT_EQ(0, emu_num_stat(CARD, 4, "holds"));
	EXPECT_EQ(0, emu_num_stat(CARD, 4, "transfers"));
	EXPECT_EQ(0, emu_num_stat(CARD, 4, "joins"));
	EXPECT_EQ(0, emu_num_stat(CARD, 4, "state") == 7);
	close(mon);
	close(fd);
}

/* A file is an owner or a monitor: one that owned a call is EBUSY. */
TEST(owner_is_ebusy)
{
	struct tel_call_alloc bad = { .channel = TEL_CHANNEL_ANY };
	int fd = tel_open_card(CARD);
	uint32_t h;

	ASSERT_LE(0, fd);
	emu_cmd(NULL, 0, "far %d 5 silent", CARD);
	/* a refused ALLOC owned nothing */
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_ALLOC, &bad));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, tel_alloc(fd, 5, "5550105", &h));
	EXPECT_EQ(-1, card_monitor(fd, 0));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));
	/* owned once, even with nothing left */
	EXPECT_EQ(-1, card_monitor(fd, 0));
	EXPECT_EQ(EBUSY, errno);
	/* and it is still an owner */
	ASSERT_EQ(0, tel_alloc(fd, 5, "5550105", &h));
	close(fd);

	fd = tel_open_card(CARD);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_ALLOC, &bad));
	EXPECT_EQ(0, card_monitor(fd, 0));
	close(fd);
}

TEST(flags_and_reserved_are_einval)
{
	struct tel_card_monitor req = { 0 };
	int fd = tel_open_card(CARD), i;
	uint32_t h;

	ASSERT_LE(0, fd);
	for (i = 0; i < 32; i++) {
		req.flags = 1u << i;
		EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CARD_MONITOR, &req));
		EXPECT_EQ(EINVAL, errno);
	}
	req.flags = 0;
	for (i = 0; i < 3; i++) {
		memset(req.reserved, 0, sizeof(req.reserved));
		req.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CARD_MONITOR, &req));
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CARD_MONITOR, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	/* refused: the file is not a monitor, it may still own calls */
	emu_cmd(NULL, 0, "far %d 5 silent", CARD);
	ASSERT_EQ(0, tel_alloc(fd, 5, "5550105", &h));
	close(fd);
}

struct nobody_args {
	int ready[2];	/* child -> parent: monitoring */
	int done[2];	/* parent -> child: the digit was heard */
};

/*
 * As nobody: a monitor of its own sees root's call with the number and the
 * digit withheld, and nobody's own call in full.  A bit per failed check.
 */
static int nobody_watches(void *arg)
{
	struct nobody_args *a = arg;
	struct tel_call_info info;
	struct tel_call_party p;
	struct tel_event ev;
	int mon = open_monitor(), own, bad = 0;
	uint32_t id, h;
	char c = 1;

	if (mon < 0)
		return 0x80;
	if (write(a->ready[1], &c, 1) != 1)
		return 0x80;
	if (tel_wait_event(mon, TEL_EVENT_CALL_NEW, &ev, TEL_WAIT_MS))
		return 0x40;
	id = ev.handle;
	if (tel_info(mon, id, &info) || info.called[0] ||
	    !(info.flags & TEL_CALL_F_HIDDEN) || info.id != id)
		bad |= 0x1;
	if (tel_wait_event(mon, TEL_EVENT_DIGIT, &ev, TEL_WAIT_MS) ||
	    ev.handle != id || ev.detail != 0)
		bad |= 0x2;
	if (read(a->done[0], &c, 1) != 1)
		return 0x80;
	if (party(mon, id, &p) || p.digits_rx[0] || p.digits_rx_count != 1 ||
	    !(p.flags & TEL_CALL_F_HIDDEN))
		bad |= 0x4;
	/* its own user's call: everything */
	own = tel_open_card(CARD);
	emu_cmd(NULL, 0, "far %d 7 silent", CARD);
	if (own < 0 || tel_alloc(own, 7, "5550107", &h) ||
	    tel_wait_event(mon, TEL_EVENT_CALL_NEW, &ev, TEL_WAIT_MS) ||
	    tel_info(mon, ev.handle, &info) ||
	    strcmp(info.called, "5550107") || info.flags)
		bad |= 0x8;
	close(own);
	close(mon);
	return bad;
}

TEST(numbers_and_digits_follow_the_proc_rule)
{
	struct tel_call_monitor dm = { .flags = TEL_MONITOR_F_DIGITS };
	struct nobody_args a;
	struct tel_call_info info;
	struct tel_call_party p;
	struct tel_event ev;
	struct stat st;
	int root_mon, fd = -1, status;
	uint32_t h, id;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(a.ready));
	ASSERT_EQ(0, pipe(a.done));
	root_mon = open_monitor();
	ASSERT_LE(0, root_mon);
	ASSERT_EQ(0, stat("/dev/tel0", &st));
	ASSERT_EQ(0, chmod("/dev/tel0", 0666));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		_exit(nobody_watches(&a));
	}
	if (read(a.ready[0], &c, 1) == 1) {
		fd = connected_call(6, &h);
		dm.handle = h;
		if (fd >= 0 && !ioctl(fd, TEL_IOC_CALL_MONITOR, &dm) &&
		    !emu_cmd(NULL, 0, "digits %d 6 5 80 80", CARD))
			tel_wait_event(fd, TEL_EVENT_DIGIT, &ev, TEL_WAIT_MS);
	}
	c = 1;
	EXPECT_EQ(1, write(a.done[1], &c, 1));
	waitpid(pid, &status, 0);
	chmod("/dev/tel0", st.st_mode & 07777);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_LE(0, fd);

	/* root's monitor (CAP_SYS_ADMIN) sees everything */
	id = call_id(fd, h);
	ASSERT_EQ(0, tel_info(root_mon, id, &info));
	EXPECT_STREQ("100", info.called);
	EXPECT_EQ(0, info.flags);
	ASSERT_EQ(0, party(root_mon, id, &p));
	EXPECT_STREQ("5", p.digits_rx);
	EXPECT_EQ(0, p.flags);
	ASSERT_EQ(0, tel_wait_event(root_mon, TEL_EVENT_DIGIT, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ('5', ev.detail);
	close(fd);
	close(root_mon);
}

/*
 * A monitor that never reads loses events (one OVERFLOW with the count),
 * the owner loses none.
 */
TEST(monitor_overflow_leaves_the_owner_alone)
{
	const int calls = 100;	/* 3 monitor events each: more than 256 */
	struct tel_event ev;
	int mon = open_monitor(), fd = tel_open_card(CARD), i, n = 0;
	uint32_t h;

	ASSERT_LE(0, mon);
	ASSERT_LE(0, fd);
	emu_cmd(NULL, 0, "far %d 5 silent", CARD);
	for (i = 0; i < calls; i++) {
		ASSERT_EQ(0, tel_alloc(fd, 5, "5550105", &h));
		ASSERT_EQ(0, tel_drop(fd, h, 0));
		ASSERT_EQ(0, tel_dealloc(fd, h));
		/* the owner hears each drop; nothing is lost */
		ASSERT_EQ(0, next_event(fd, &ev, TEL_WAIT_MS));
		ASSERT_EQ(TEL_EVENT_STATE, ev.type);
		ASSERT_EQ(h, ev.handle);
		ASSERT_EQ(TEL_CALL_IDLE, ev.state);
		ASSERT_EQ(i, ev.seq);
	}
	EXPECT_TRUE(quiet(fd, 100));
	/* the monitor: 256 events in order, then the count of the rest */
	for (;;) {
		ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
		if (ev.type == TEL_EVENT_OVERFLOW)
			break;
		EXPECT_EQ(n, ev.seq);
		EXPECT_EQ(n % 3 == 0 ? TEL_EVENT_CALL_NEW :
			  n % 3 == 1 ? TEL_EVENT_STATE : TEL_EVENT_CALL_DEALLOC,
			  ev.type);
		n++;
	}
	EXPECT_EQ(256, n);
	EXPECT_EQ(3 * calls - 256, ev.lost);
	EXPECT_TRUE(quiet(mon, 100));
	close(fd);
	close(mon);
}

/*
 * Closing a monitor while calls run changes nothing for them; a monitor
 * opened during a call sees the rest of it.
 */
TEST(close_changes_nothing)
{
	uint8_t out[64], in[64];
	struct tel_call_info info;
	struct tel_event ev;
	int mon, fd, n;
	uint32_t h, id;

	fd = connected_call(1, &h);
	ASSERT_LE(0, fd);
	id = call_id(fd, h);
	mon = open_monitor();
	ASSERT_LE(0, mon);
	ASSERT_EQ(0, tel_info(mon, id, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	close(mon);
	memset(out, 0x55, sizeof(out));
	EXPECT_EQ((int)sizeof(out), tel_audio(fd, TEL_IOC_CALL_WRITE, h, out,
					       sizeof(out), 0));
	n = tel_audio(fd, TEL_IOC_CALL_READ, h, in, sizeof(in),
		      TEL_AUDIO_F_WAIT);
	EXPECT_LT(0, n);
	ASSERT_EQ(0, tel_info(fd, h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);

	/* a late monitor: the rest of the call, then its DEALLOC */
	mon = open_monitor();
	ASSERT_LE(0, mon);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "hangup %d 1 busy", CARD));
	ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
	EXPECT_EQ(TEL_EVENT_STATE, ev.type);
	EXPECT_EQ(TEL_CALL_DISCONNECTED, ev.state);
	EXPECT_EQ(TEL_ORIGIN_REMOTE, ev.origin);
	EXPECT_EQ(TEL_DISC_BUSY, ev.disconnect_mode);
	EXPECT_EQ(id, ev.handle);
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));
	ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
	EXPECT_EQ(TEL_CALL_IDLE, ev.state);
	ASSERT_EQ(0, next_event(mon, &ev, TEL_WAIT_MS));
	EXPECT_EQ(TEL_EVENT_CALL_DEALLOC, ev.type);
	EXPECT_EQ(TEL_ORIGIN_REMOTE, ev.origin);
	close(mon);
	close(fd);
}

TEST_HARNESS_MAIN
