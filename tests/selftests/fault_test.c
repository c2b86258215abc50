// SPDX-License-Identifier: GPL-2.0
/*
 * fault_test.c - the card misbehaves: a ring address refused, a command
 * that never completes, a card that stops answering.
 *
 * Destructive for cards 1 and 2 (they end up failed), so tests/check runs
 * it in a VM of its own with three cards.  Card 0 must stay unharmed.
 */
#include <fcntl.h>

#include "tel_test.h"
#include "kselftest_harness.h"

static const char *card_state(int card, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/state", card);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (f) {
		if (fgets(buf, len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
	return buf;
}

static void set_fail_alloc(struct __test_metadata *_metadata, int n)
{
	FILE *f = fopen("/sys/kernel/debug/tel/fail_alloc", "w");

	ASSERT_NE(NULL, f);
	fprintf(f, "%d\n", n);
	fclose(f);
}

static int fail_alloc_left(void)
{
	FILE *f = fopen("/sys/kernel/debug/tel/fail_alloc", "r");
	int n = -1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/*
 * Fail the 1st, 2nd, ... allocation of ALLOC until it succeeds: every
 * failure is ENOMEM and leaves nothing (no call, no DMA, no handle, the
 * card never told), and the next try works.
 */
TEST(alloc_failure_at_every_site_leaves_nothing)
{
	int fd = tel_open_card(0), n, sites = 0;
	long dials;
	uint32_t h;

	ASSERT_LE(0, fd);
	for (n = 1; n < 20; n++) {
		dials = emu_num_stat(0, 0, "dials");
		set_fail_alloc(_metadata, n);
		if (!tel_alloc(fd, 0, "100", &h)) {
			set_fail_alloc(_metadata, 0);
			break;		/* fewer than n sites */
		}
		sites++;
		EXPECT_EQ(ENOMEM, errno) TH_LOG("site %d", n);
		EXPECT_EQ(0, fail_alloc_left());
		EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
		EXPECT_EQ(0, tel_sysfs_num(0, "dma_bytes"));
		EXPECT_EQ(0, tel_sysfs_num(0, "ch0/held"));
		EXPECT_EQ(dials, emu_num_stat(0, 0, "dials"));
	}
	ksft_print_msg("ALLOC has %d allocation sites\n", sites);
	EXPECT_LE(3, sites);	/* call, DMA rings, handle */
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
	close(fd);
}

TEST(answer_failure_at_every_site_keeps_the_offer)
{
	struct tel_call_answer ans;
	struct tel_event ev;
	int fd = tel_open_card(0), n;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer 0 2 4711"));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	for (n = 1; n < 20; n++) {
		memset(&ans, 0, sizeof(ans));
		ans.channel = 2;
		set_fail_alloc(_metadata, n);
		if (!ioctl(fd, TEL_IOC_CALL_ANSWER, &ans)) {
			set_fail_alloc(_metadata, 0);
			break;
		}
		EXPECT_EQ(ENOMEM, errno);
		EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
		EXPECT_EQ(0, tel_sysfs_num(0, "dma_bytes"));
		EXPECT_EQ(4, emu_num_stat(0, 2, "state"));	/* still offered */
	}
	EXPECT_LT(1, n);
	EXPECT_NE(0, ans.handle);
	close(fd);
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
}

static void set_fail_copyout(struct __test_metadata *_metadata, int n)
{
	FILE *f = fopen("/sys/kernel/debug/tel/fail_copyout", "w");

	ASSERT_NE(NULL, f);
	fprintf(f, "%d\n", n);
	fclose(f);
}

/*
 * Handle @h was never returned: the events queued meanwhile (which may
 * name it) are read, and the handle answers ENOENT.
 */
static void expect_handle_gone(struct __test_metadata *_metadata, int fd,
			       uint32_t h)
{
	struct tel_call_info info;
	struct tel_event ev;
	int flags = fcntl(fd, F_GETFL);

	ASSERT_EQ(0, fcntl(fd, F_SETFL, flags | O_NONBLOCK));
	while (read(fd, &ev, sizeof(ev)) == sizeof(ev))
		;
	ASSERT_EQ(0, fcntl(fd, F_SETFL, flags));
	EXPECT_EQ(-1, tel_info(fd, h, &info));
	EXPECT_EQ(ENOENT, errno);
}

/*
 * The documented exception to "a failed ioctl changes nothing": ALLOC's
 * result can't be copied out after the card dialled (another thread
 * unmapped the struct).  The call is hung up and forgotten: EFAULT, no
 * call, no DMA, the channel free, the far end saw one dial and one hangup.
 */
TEST(alloc_result_lost_hangs_up_and_forgets_the_call)
{
	struct tel_call_alloc req = { .channel = 4 };
	long dials = emu_num_stat(0, 4, "dials");
	long hangups = emu_num_stat(0, 4, "hangups");
	int fd = tel_open_card(0);
	uint32_t h;

	ASSERT_LE(0, fd);
	strcpy(req.number, "100");
	set_fail_copyout(_metadata, 1);
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_ALLOC, &req));
	EXPECT_EQ(EFAULT, errno);
	set_fail_copyout(_metadata, 0);
	EXPECT_EQ(0u, req.handle);	/* nothing came back */
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dma_bytes"));
	EXPECT_EQ(0, tel_sysfs_num(0, "ch4/held"));
	EXPECT_EQ(dials + 1, emu_num_stat(0, 4, "dials"));
	EXPECT_EQ(hangups + 1, emu_num_stat(0, 4, "hangups"));
	expect_handle_gone(_metadata, fd, 1);	/* the file's first handle */
	/* the channel takes the next call */
	ASSERT_EQ(0, tel_alloc(fd, 4, "100", &h));
	EXPECT_NE(1u, h);	/* handles are not reused */
	close(fd);
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
}

/* The same for ANSWER of an offer: it was answered, then hung up. */
TEST(answer_result_lost_hangs_up_and_forgets_the_call)
{
	struct tel_call_answer ans = { .channel = 2 };
	long answers = emu_num_stat(0, 2, "answers");
	long hangups = emu_num_stat(0, 2, "hangups");
	int fd = tel_open_card(0);
	struct tel_event ev;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer 0 2 4711"));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	set_fail_copyout(_metadata, 1);
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(EFAULT, errno);
	set_fail_copyout(_metadata, 0);
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dma_bytes"));
	EXPECT_EQ(0, tel_sysfs_num(0, "ch2/held"));
	EXPECT_EQ(answers + 1, emu_num_stat(0, 2, "answers"));
	EXPECT_EQ(hangups + 1, emu_num_stat(0, 2, "hangups"));
	EXPECT_EQ(0, emu_num_stat(0, 2, "state"));	/* idle */
	expect_handle_gone(_metadata, fd, 1);
	close(fd);
}

/*
 * ANSWER of a call the file already accepted: its handle is known, so the
 * call stays the file's, answered, and the STATE event says so.
 */
TEST(answer_of_accepted_call_result_lost_keeps_the_call)
{
	struct tel_call_answer ans = {
		.channel = 2, .flags = TEL_ANSWER_F_ACCEPT,
	};
	struct tel_call_info info;
	struct tel_event ev;
	int fd = tel_open_card(0);
	uint32_t h;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer 0 2 4712"));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	h = ans.handle;
	memset(&ans, 0, sizeof(ans));
	ans.channel = 2;
	set_fail_copyout(_metadata, 1);
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(EFAULT, errno);
	set_fail_copyout(_metadata, 0);
	EXPECT_EQ(0, tel_wait_state_event(fd, h, TEL_CALL_CONNECTED, &ev,
					  TEL_WAIT_MS));
	ASSERT_EQ(0, tel_info(fd, h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(1, tel_sysfs_num(0, "calls"));
	close(fd);
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
}

TEST(open_failure_is_enomem)
{
	int fd;

	set_fail_alloc(_metadata, 1);
	fd = tel_open_card(0);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(ENOMEM, errno);
	set_fail_alloc(_metadata, 0);
	fd = tel_open_card(0);
	EXPECT_LE(0, fd);
	close(fd);
}

/* The card refuses the rings' bus address: EIO, nothing left behind. */
TEST(dma_address_refused_is_eio_and_leaks_nothing)
{
	int fd = tel_open_card(0);
	uint32_t h;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "fault 0 badaddr on"));
	EXPECT_EQ(-1, tel_alloc(fd, 0, "100", &h));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dma_bytes"));
	EXPECT_EQ(0, tel_sysfs_num(0, "ch0/held"));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "fault 0 badaddr off"));
	EXPECT_EQ(0, tel_alloc(fd, 0, "100", &h));	/* channel still free */
	close(fd);
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
}

/* Every live call of a failed card: DISCONNECTED/HARDWARE/OUTOFORDER. */
static void check_failed(struct __test_metadata *_metadata, int fd,
			 int card, uint32_t live, uint32_t dropped)
{
	struct tel_card_info cinfo = { };
	struct tel_call_info info;
	char buf[32];

	EXPECT_STREQ("failed", card_state(card, buf, sizeof(buf)));
	ASSERT_EQ(0, tel_info(fd, live, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_HARDWARE, info.origin);
	EXPECT_EQ(TEL_DISC_OUTOFORDER, info.disconnect_mode);
	EXPECT_EQ(0, info.dma_bytes);
	ASSERT_EQ(0, tel_info(fd, dropped, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_ORIGIN_LOCAL, info.origin);
	EXPECT_EQ(0, tel_sysfs_num(card, "dma_bytes"));

	/* the identity stays readable, saying the card is gone */
	memset(&cinfo, 0, sizeof(cinfo));
	EXPECT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &cinfo));
	EXPECT_EQ(TEL_CARD_F_GONE, cinfo.flags);
	EXPECT_EQ(-1, tel_alloc(fd, 3, "100", NULL));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(0, tel_drop(fd, live, 0));
	EXPECT_EQ(0, tel_dealloc(fd, live));
	EXPECT_EQ(0, tel_dealloc(fd, dropped));
	EXPECT_EQ(0, tel_sysfs_num(card, "calls"));
}

/* A command that never completes: ETIMEDOUT, and the card is failed. */
TEST(command_timeout_fails_the_card)
{
	int fd = tel_open_card(1);
	struct tel_event ev;
	uint32_t live, dropped;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tel_alloc(fd, 0, "100", &live));
	ASSERT_EQ(0, tel_wait_state(fd, live, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_alloc(fd, 1, "101", &dropped));
	ASSERT_EQ(0, tel_drop(fd, dropped, 0));

	ASSERT_EQ(0, emu_cmd(NULL, 0, "fault 1 cmd-timeout on"));
	EXPECT_EQ(-1, tel_alloc(fd, 2, "102", NULL));
	EXPECT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_CARD_GONE, &ev,
				    TEL_WAIT_MS));
	check_failed(_metadata, fd, 1, live, dropped);
	close(fd);
}

/*
 * A card whose frame clock stops: the watchdog notices within stall_ms
 * (plus one 100 ms period).  The time is reported, not asserted: only an
 * upper bound far above it guards against a hang.
 */
TEST(stalled_card_is_detected)
{
	int fd = tel_open_card(2);
	struct tel_event ev;
	uint32_t live, dropped;
	uint64_t t0;
	long stall_ms = 0;
	FILE *f;

	ASSERT_LE(0, fd);
	f = fopen("/sys/module/tel/parameters/stall_ms", "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%ld", &stall_ms));
	fclose(f);

	ASSERT_EQ(0, tel_alloc(fd, 0, "100", &live));
	ASSERT_EQ(0, tel_wait_state(fd, live, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_alloc(fd, 1, "101", &dropped));
	ASSERT_EQ(0, tel_drop(fd, dropped, 0));

	t0 = tel_test_now_ms();
	ASSERT_EQ(0, emu_cmd(NULL, 0, "fault 2 stall on"));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_CARD_GONE, &ev,
				    (int)stall_ms * 10));
	ksft_print_msg("stalled card detected after %llu ms (stall_ms=%ld)\n",
		       (unsigned long long)(tel_test_now_ms() - t0), stall_ms);
	check_failed(_metadata, fd, 2, live, dropped);
	/* the card comes back to life: it stays failed, nothing breaks */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "fault 2 stall off"));
	usleep(200 * 1000);
	EXPECT_EQ(-1, tel_alloc(fd, 0, "100", NULL));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
}

TEST(other_card_unharmed)
{
	struct tel_card_info cinfo = { };
	int fd = tel_open_card(0);
	uint32_t h;

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &cinfo));
	ASSERT_EQ(0, tel_alloc(fd, 0, "100", &h));
	EXPECT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	close(fd);
}

/*
 * The emulator killed outright (last: nothing answers afterwards): the
 * cards' clocks stop, the watchdog fails them, every live call ends with
 * HARDWARE/OUTOFORDER.
 */
TEST(emulator_killed_outright)
{
	struct tel_call_info info;
	struct tel_event ev;
	char buf[32];
	int fd = tel_open_card(0);
	uint32_t h;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tel_alloc(fd, 1, "100", &h));
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "fault 0 die now"));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_CARD_GONE, &ev,
				    TEL_WAIT_MS * 2));
	EXPECT_STREQ("failed", card_state(0, buf, sizeof(buf)));
	ASSERT_EQ(0, tel_info(fd, h, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_HARDWARE, info.origin);
	EXPECT_EQ(TEL_DISC_OUTOFORDER, info.disconnect_mode);
	EXPECT_EQ(0, tel_drop(fd, h, 0));
	EXPECT_EQ(0, tel_dealloc(fd, h));
	close(fd);
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dma_bytes"));
}

TEST_HARNESS_MAIN
