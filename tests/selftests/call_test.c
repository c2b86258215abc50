// SPDX-License-Identifier: GPL-2.0
/*
 * call_test.c - the call-session contract: ALLOC, ANSWER, DROP, DEALLOC,
 * INFO, events and audio, each rule and each errno on its own.
 *
 * Card 0 of the VM, driven from the far end by the emulator.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD	0

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

static int nr_channels(void)
{
	return (int)tel_sysfs_num(CARD, "channels");
}

/* Every channel back to the emulator's defaults. */
static void emu_defaults(void)
{
	int ch;

	for (ch = 0; ch < nr_channels(); ch++) {
		emu_cmd(NULL, 0, "far %d %d answer 20", CARD, ch);
		emu_cmd(NULL, 0, "audio %d %d pattern", CARD, ch);
	}
}

static long emu_stat(int ch, const char *key)
{
	char reply[512];

	if (emu_cmd(reply, sizeof(reply), "stats %d %d", CARD, ch))
		return -1;
	return emu_num(reply, key);
}

FIXTURE(call) {
	int fd;
};

FIXTURE_SETUP(call)
{
	emu_defaults();
	self->fd = tel_open_card(CARD);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(call)
{
	close(self->fd);
}

/* Place a call on @ch and wait until it is CONNECTED. */
static uint32_t connect_call(struct __test_metadata *_metadata, int fd, int ch)
{
	uint32_t h = 0;

	EXPECT_EQ(0, tel_alloc(fd, ch, "5551234", &h));
	EXPECT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	return h;
}

TEST_F(call, alloc_dials_and_connects)
{
	struct tel_call_alloc req = { .channel = TEL_CHANNEL_ANY };
	struct tel_call_info info;
	char reply[512], v[64];

	strcpy(req.number, "+4930123#");
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
	EXPECT_NE(0, req.handle);
	EXPECT_EQ(0, req.out_channel);
	ASSERT_EQ(0, tel_wait_state(self->fd, req.handle, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_info(self->fd, req.handle, &info));
	EXPECT_EQ(TEL_DIR_OUTBOUND, info.direction);
	EXPECT_EQ(CARD, info.card);
	EXPECT_EQ(0, info.channel);
	EXPECT_STREQ("+4930123#", info.called);
	EXPECT_EQ(TEL_ORIGIN_NONE, info.origin);
	EXPECT_EQ(4096, info.dma_bytes);
	EXPECT_NE(0, info.alloc_ns);
	EXPECT_LE(info.alloc_ns, info.connect_ns);
	EXPECT_NE(0, info.start_realtime_ns);

	ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "stats %d 0", CARD));
	EXPECT_STREQ("+4930123#", emu_val(reply, "digits", v, sizeof(v)));
	EXPECT_EQ(1, emu_num(reply, "hook"));
	EXPECT_EQ(3, emu_num(reply, "state"));	/* TEL_CHST_CONNECTED */
}

TEST_F(call, alloc_progress_events_ringback_then_connected)
{
	struct tel_event ev;
	uint32_t h;

	emu_cmd(NULL, 0, "far %d 1 answer 50", CARD);
	ASSERT_EQ(0, tel_alloc(self->fd, 1, "100", &h));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_STATE, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(h, ev.handle);
	EXPECT_EQ(1, ev.channel);
	EXPECT_EQ(TEL_CALL_RINGBACK, ev.state);
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_STATE, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(h, ev.handle);
	EXPECT_EQ(TEL_CALL_CONNECTED, ev.state);
	EXPECT_LT(0, ev.seq);
}

TEST_F(call, alloc_specific_channel_busy_is_ebusy)
{
	uint32_t h;

	ASSERT_EQ(0, tel_alloc(self->fd, 3, "100", &h));
	EXPECT_EQ(-1, tel_alloc(self->fd, 3, "101", NULL));
	EXPECT_EQ(EBUSY, errno);
}

TEST_F(call, alloc_all_channels_busy_is_ebusy)
{
	int ch, n = nr_channels();
	uint32_t h;

	for (ch = 0; ch < n; ch++) {
		struct tel_call_alloc req = { .channel = TEL_CHANNEL_ANY };

		strcpy(req.number, "200");
		ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
		EXPECT_EQ(ch, req.out_channel);
	}
	EXPECT_EQ(-1, tel_alloc(self->fd, TEL_CHANNEL_ANY, "201", &h));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(n, tel_sysfs_num(CARD, "calls"));
}

TEST_F(call, alloc_bad_channel_is_einval)
{
	EXPECT_EQ(-1, tel_alloc(self->fd, nr_channels(), "100", NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, tel_sysfs_num(CARD, "calls"));
}

TEST_F(call, alloc_bad_number_is_einval)
{
	const char *bad[] = { "", "12a4", "1+2", " 12", "12-3" };
	struct tel_call_alloc req;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, tel_alloc(self->fd, 0, bad[i], NULL))
			TH_LOG("number '%s'", bad[i]);
		EXPECT_EQ(EINVAL, errno);
	}
	/* not NUL terminated */
	memset(&req, 0, sizeof(req));
	memset(req.number, '1', sizeof(req.number));
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, tel_sysfs_num(CARD, "calls"));
}

TEST_F(call, alloc_flags_or_reserved_is_einval)
{
	struct tel_call_alloc req;

	memset(&req, 0, sizeof(req));
	strcpy(req.number, "100");
	req.flags = 2;		/* unknown; 1 is TEL_ALLOC_F_CONF */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
	EXPECT_EQ(EINVAL, errno);

	memset(&req, 0, sizeof(req));
	strcpy(req.number, "100");
	req.reserved[2] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
	EXPECT_EQ(EINVAL, errno);

	memset(&req, 0, sizeof(req));
	strcpy(req.number, "100");
	req.handle = 7;		/* output field must come in zero */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, tel_sysfs_num(CARD, "calls"));
}

TEST_F(call, alloc_bad_pointer_is_efault_and_leaves_nothing)
{
	void *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tel_call_alloc *req = ro;

	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* readable but not writable: the card is never told */
	ASSERT_NE(MAP_FAILED, ro);
	memset(req, 0, sizeof(*req));
	strcpy(req->number, "100");
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, req));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(CARD, "dma_bytes"));
	EXPECT_EQ(0, emu_stat(0, "hook"));
	/* and the channel is free again */
	EXPECT_EQ(0, tel_alloc(self->fd, 0, "100", NULL));
	munmap(ro, 4096);
}

TEST_F(call, drop_goes_idle_and_keeps_record)
{
	struct tel_call_info info;
	uint32_t h = connect_call(_metadata, self->fd, 0);
	long hangups = emu_stat(0, "hangups");

	usleep(100 * 1000);	/* let frames flow */
	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_ORIGIN_LOCAL, info.origin);
	EXPECT_EQ(TEL_DISC_NORMAL, info.disconnect_mode);
	EXPECT_EQ(0, info.app_reason);
	EXPECT_LT(0, info.duration_ns);
	EXPECT_LT(0, info.rx_frames);
	EXPECT_EQ(info.rx_frames * 8, info.rx_bytes);
	EXPECT_EQ(4096, info.dma_bytes);	/* buffers stay until DEALLOC */
	EXPECT_LE(info.connect_ns, info.disconnect_ns);
	EXPECT_LE(info.disconnect_ns, info.idle_ns);
	EXPECT_EQ(info.disconnect_ns - info.connect_ns, info.duration_ns);
	EXPECT_EQ(4096, tel_sysfs_num(CARD, "dma_bytes"));

	/* the card went on hook: the far end saw the hangup */
	EXPECT_EQ(0, emu_stat(0, "hook"));
	EXPECT_EQ(0, emu_stat(0, "state"));
	EXPECT_EQ(hangups + 1, emu_stat(0, "hangups"));

	/* the record is frozen: it does not change any more */
	usleep(50 * 1000);
	{
		struct tel_call_info again;

		ASSERT_EQ(0, tel_info(self->fd, h, &again));
		EXPECT_EQ(info.rx_frames, again.rx_frames);
		EXPECT_EQ(info.duration_ns, again.duration_ns);
	}
}

TEST_F(call, drop_event_reports_idle)
{
	struct tel_event ev;
	uint32_t h = connect_call(_metadata, self->fd, 0);

	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, h, TEL_CALL_IDLE, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(TEL_ORIGIN_LOCAL, ev.origin);
	EXPECT_EQ(TEL_DISC_NORMAL, ev.disconnect_mode);
}

TEST_F(call, drop_with_reason_is_origin_application)
{
	struct tel_call_info info;
	uint32_t h = connect_call(_metadata, self->fd, 0);

	ASSERT_EQ(0, tel_drop(self->fd, h, 4242));
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(TEL_ORIGIN_APPLICATION, info.origin);
	EXPECT_EQ(4242, info.app_reason);
}

TEST_F(call, drop_while_ringing_ends_call)
{
	struct tel_call_info info;
	uint32_t h;

	emu_cmd(NULL, 0, "far %d 0 noanswer", CARD);
	ASSERT_EQ(0, tel_alloc(self->fd, 0, "100", &h));
	ASSERT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_RINGBACK,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(0, info.connect_ns);
	EXPECT_EQ(0, info.duration_ns);
	EXPECT_EQ(0, emu_stat(0, "hook"));
}

TEST_F(call, drop_idle_is_ealready)
{
	uint32_t h = connect_call(_metadata, self->fd, 0);
	long hangups;

	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	hangups = emu_stat(0, "hangups");
	EXPECT_EQ(-1, tel_drop(self->fd, h, 0));
	EXPECT_EQ(EALREADY, errno);
	EXPECT_EQ(hangups, emu_stat(0, "hangups"));	/* nothing sent */
}

TEST_F(call, drop_reserved_is_einval_and_changes_nothing)
{
	struct tel_call_drop req = { };
	uint32_t h = connect_call(_metadata, self->fd, 0);

	req.handle = h;
	req.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_DROP, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_CONNECTED, 10));
}

TEST_F(call, dropped_call_frees_channel_keeps_handle)
{
	struct tel_call_info info;
	uint32_t h1 = connect_call(_metadata, self->fd, 2), h2;

	ASSERT_EQ(0, tel_drop(self->fd, h1, 0));
	ASSERT_EQ(0, tel_alloc(self->fd, 2, "300", &h2));
	EXPECT_NE(h1, h2);
	ASSERT_EQ(0, tel_info(self->fd, h1, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(2, info.channel);
	EXPECT_EQ(2 * 4096, tel_sysfs_num(CARD, "dma_bytes"));
}

TEST_F(call, dealloc_live_call_is_ebusy)
{
	uint32_t h = connect_call(_metadata, self->fd, 0);

	EXPECT_EQ(-1, tel_dealloc(self->fd, h));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_CONNECTED, 10));
	EXPECT_EQ(4096, tel_sysfs_num(CARD, "dma_bytes"));
}

TEST_F(call, dealloc_frees_buffers_and_handle)
{
	struct tel_call_info info;
	uint8_t buf[16];
	uint32_t h = connect_call(_metadata, self->fd, 0);

	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(self->fd, h));
	EXPECT_EQ(0, tel_sysfs_num(CARD, "dma_bytes"));
	EXPECT_EQ(0, tel_sysfs_num(CARD, "calls"));

	EXPECT_EQ(-1, tel_info(self->fd, h, &info));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_drop(self->fd, h, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_dealloc(self->fd, h));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_audio(self->fd, TEL_IOC_CALL_READ, h, buf,
				sizeof(buf), 0));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(call, stale_handle_never_reaches_newer_call)
{
	uint32_t prev = 0, h;
	int i;

	for (i = 0; i < 20; i++) {
		struct tel_call_info info;

		ASSERT_EQ(0, tel_alloc(self->fd, 0, "100", &h));
		EXPECT_GT(h, prev);	/* cyclic: never reused soon */
		if (prev) {
			EXPECT_EQ(-1, tel_info(self->fd, prev, &info));
			EXPECT_EQ(ENOENT, errno);
			EXPECT_EQ(-1, tel_drop(self->fd, prev, 0));
			EXPECT_EQ(ENOENT, errno);
		}
		ASSERT_EQ(0, tel_drop(self->fd, h, 0));
		ASSERT_EQ(0, tel_dealloc(self->fd, h));
		prev = h;
	}
}

TEST_F(call, handle_zero_is_enoent)
{
	struct tel_call_info info;

	EXPECT_EQ(-1, tel_info(self->fd, 0, &info));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_dealloc(self->fd, 0));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(call, other_files_handle_is_enoent)
{
	struct tel_call_info info;
	uint32_t h = connect_call(_metadata, self->fd, 0);
	int fd2 = tel_open_card(CARD);

	ASSERT_LE(0, fd2);
	EXPECT_EQ(-1, tel_info(fd2, h, &info));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_drop(fd2, h, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_dealloc(fd2, h));
	EXPECT_EQ(ENOENT, errno);
	close(fd2);
	/* untouched in its owner */
	EXPECT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_CONNECTED, 10));
}

TEST_F(call, info_bad_pointer_is_efault)
{
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(call, remote_hangup_gives_disconnected_and_event)
{
	struct tel_call_info info;
	struct tel_event ev;
	uint32_t h = connect_call(_metadata, self->fd, 0);

	ASSERT_EQ(0, emu_cmd(NULL, 0, "hangup %d 0 congestion", CARD));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, h,
					  TEL_CALL_DISCONNECTED, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(TEL_ORIGIN_REMOTE, ev.origin);
	EXPECT_EQ(TEL_DISC_CONGESTION, ev.disconnect_mode);
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_REMOTE, info.origin);
	EXPECT_EQ(TEL_DISC_CONGESTION, info.disconnect_mode);
	EXPECT_NE(0, info.disconnect_ns);

	/* still the owner's to drop; the first cause stays */
	EXPECT_EQ(-1, tel_dealloc(self->fd, h));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_ORIGIN_REMOTE, info.origin);
	EXPECT_EQ(TEL_DISC_CONGESTION, info.disconnect_mode);
	EXPECT_EQ(0, emu_stat(0, "hook"));
	ASSERT_EQ(0, tel_dealloc(self->fd, h));
}

static void far_end_refuses(struct __test_metadata *_metadata, int fd,
			    const char *how, uint32_t mode)
{
	struct tel_call_info info;
	uint32_t h;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d 4 %s", CARD, how));
	ASSERT_EQ(0, tel_alloc(fd, 4, "100", &h));
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_DISCONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_info(fd, h, &info));
	EXPECT_EQ(TEL_ORIGIN_REMOTE, info.origin);
	EXPECT_EQ(mode, info.disconnect_mode);
	EXPECT_EQ(0, info.connect_ns);
}

TEST_F(call, far_end_busy)
{
	far_end_refuses(_metadata, self->fd, "busy", TEL_DISC_BUSY);
}

TEST_F(call, far_end_reject)
{
	far_end_refuses(_metadata, self->fd, "reject", TEL_DISC_REJECT);
}

TEST_F(call, far_end_unreachable)
{
	far_end_refuses(_metadata, self->fd, "unreachable",
			TEL_DISC_UNREACHABLE);
}

/* Inbound: the offer is broadcast, ANSWER takes it. */
TEST_F(call, inbound_offer_answer)
{
	struct tel_call_answer ans = { .channel = 5 };
	struct tel_call_info info;
	struct tel_event ev;
	long answers = emu_stat(5, "answers");

	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 5 0301234567", CARD));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OFFER, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(5, ev.channel);
	EXPECT_EQ(0, ev.handle);
	EXPECT_STREQ("0301234567", ev.number);

	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_NE(0, ans.handle);
	ASSERT_EQ(0, tel_info(self->fd, ans.handle, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(TEL_DIR_INBOUND, info.direction);
	EXPECT_STREQ("0301234567", info.calling);
	EXPECT_EQ(4096, info.dma_bytes);
	EXPECT_EQ(answers + 1, emu_stat(5, "answers"));
	EXPECT_EQ(1, emu_stat(5, "hook"));

	ASSERT_EQ(0, tel_drop(self->fd, ans.handle, 0));
	ASSERT_EQ(0, tel_info(self->fd, ans.handle, &info));
	EXPECT_EQ(TEL_ORIGIN_LOCAL, info.origin);
	EXPECT_EQ(0, emu_stat(5, "hook"));
}

TEST_F(call, answer_without_offer_is_enoent)
{
	struct tel_call_answer ans = { .channel = 5 };

	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(call, answer_bad_args_are_einval)
{
	struct tel_call_answer ans = { .channel = 1000 };

	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(EINVAL, errno);
	memset(&ans, 0, sizeof(ans));
	ans.flags = 0x80;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(EINVAL, errno);
	memset(&ans, 0, sizeof(ans));
	ans.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(call, answer_taken_offer_is_ebusy)
{
	struct tel_call_answer ans = { .channel = 6 };
	struct tel_event ev;
	int fd2 = tel_open_card(CARD);

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 6 777", CARD));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OFFER, &ev,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	memset(&ans, 0, sizeof(ans));
	ans.channel = 6;
	EXPECT_EQ(-1, ioctl(fd2, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(EBUSY, errno);
	close(fd2);
}

TEST_F(call, dropping_an_offered_call_rejects_it)
{
	struct tel_call_answer ans = {
		.channel = 5, .flags = TEL_ANSWER_F_ACCEPT,
	};
	struct tel_call_info info;
	struct tel_event ev;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 5 12345", CARD));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OFFER, &ev,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	ASSERT_EQ(0, tel_info(self->fd, ans.handle, &info));
	EXPECT_EQ(TEL_CALL_OFFERING, info.state);
	EXPECT_EQ(0, emu_stat(5, "hook"));	/* still ringing */
	EXPECT_EQ(4, emu_stat(5, "state"));	/* TEL_CHST_OFFERING */

	ASSERT_EQ(0, tel_drop(self->fd, ans.handle, 0));
	ASSERT_EQ(0, tel_info(self->fd, ans.handle, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_DISC_REJECT, info.disconnect_mode);
	EXPECT_EQ(TEL_DISC_REJECT, emu_stat(5, "hangup_cause"));
	EXPECT_EQ(0, emu_stat(5, "state"));
}

TEST_F(call, accepted_call_answers_with_same_handle)
{
	struct tel_call_answer ans = {
		.channel = 5, .flags = TEL_ANSWER_F_ACCEPT,
	};
	struct tel_event ev;
	uint32_t h;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 5 12345", CARD));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OFFER, &ev,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	h = ans.handle;
	ans.handle = 0;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(EALREADY, errno);
	memset(&ans, 0, sizeof(ans));
	ans.channel = 5;
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(h, ans.handle);
	EXPECT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_CONNECTED, 10));
}

TEST_F(call, offer_withdrawn_by_far_end)
{
	struct tel_call_answer ans = { .channel = 7 };
	struct tel_event ev;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 7 999", CARD));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OFFER, &ev,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "cancel %d 7", CARD));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_STATE, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(7, ev.channel);
	EXPECT_EQ(0, ev.handle);
	EXPECT_EQ(TEL_CALL_IDLE, ev.state);
	EXPECT_EQ(TEL_DISC_CANCELLED, ev.disconnect_mode);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(ENOENT, errno);
}

/* What the owner writes reaches the far end byte for byte. */
TEST_F(call, audio_sent_arrives_intact)
{
	uint8_t buf[1600];
	uint64_t end;
	int i, done = 0;
	uint32_t h = connect_call(_metadata, self->fd, 0);

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while (done < (int)sizeof(buf) && tel_test_now_ms() < end) {
		int n = tel_audio(self->fd, TEL_IOC_CALL_WRITE, h, buf + done,
				  sizeof(buf) - done, TEL_AUDIO_F_WAIT);

		ASSERT_LE(0, n) TH_LOG("write: %s", strerror(errno));
		done += n;
	}
	ASSERT_EQ((int)sizeof(buf), done);
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while (emu_stat(0, "far_rx_bytes") < (long)sizeof(buf) &&
	       tel_test_now_ms() < end)
		usleep(10000);
	EXPECT_EQ((long)sizeof(buf), emu_stat(0, "far_rx_bytes"));
	{
		char reply[512];

		ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "stats %d 0", CARD));
		EXPECT_EQ(crc32_update(0, buf, sizeof(buf)),
			  (uint32_t)emu_hex(reply, "far_rx_crc"));
	}
}

/* Read @len bytes with waiting reads; returns bytes read. */
static int read_audio(int fd, uint32_t h, uint8_t *buf, int len)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;
	int done = 0;

	while (done < len && tel_test_now_ms() < end) {
		int n = tel_audio(fd, TEL_IOC_CALL_READ, h, buf + done,
				  len - done, TEL_AUDIO_F_WAIT);

		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

/* What the far end sends arrives byte for byte: the pattern is k + ch. */
TEST_F(call, audio_received_arrives_intact)
{
	uint8_t buf[800];
	int i;
	uint32_t h = connect_call(_metadata, self->fd, 3);

	ASSERT_EQ((int)sizeof(buf), read_audio(self->fd, h, buf, sizeof(buf)));
	for (i = 0; i < (int)sizeof(buf); i++)
		ASSERT_EQ((uint8_t)(i + 3), buf[i]) TH_LOG("byte %d", i);
	EXPECT_EQ(0, emu_stat(3, "rx_overruns"));
}

TEST_F(call, audio_echo_round_trip)
{
	uint8_t out[400], in[2400];
	int i, n, start;
	uint32_t h;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "audio %d 1 echo", CARD));
	h = connect_call(_metadata, self->fd, 1);
	for (i = 0; i < (int)sizeof(out); i++)
		out[i] = (uint8_t)(i % 120);	/* never 0xff, the silence */
	ASSERT_EQ((int)sizeof(out), tel_audio(self->fd, TEL_IOC_CALL_WRITE, h,
					      out, sizeof(out), 0));
	n = read_audio(self->fd, h, in, sizeof(in));
	ASSERT_EQ((int)sizeof(in), n);
	for (start = 0; start < n && in[start] == 0xff; start++)
		;
	ASSERT_LE(start + (int)sizeof(out), n);
	EXPECT_EQ(0, memcmp(out, in + start, sizeof(out)));
}

TEST_F(call, audio_received_before_remote_hangup_stays_readable)
{
	struct tel_call_info info;
	uint8_t buf[4096];
	int n, i;
	uint32_t h = connect_call(_metadata, self->fd, 2);

	usleep(100 * 1000);	/* received, not yet read */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "hangup %d 2 normal", CARD));
	ASSERT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_DISCONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_LT(0, info.rx_pending);
	n = tel_audio(self->fd, TEL_IOC_CALL_READ, h, buf, sizeof(buf), 0);
	EXPECT_EQ((int)info.rx_pending, n);
	for (i = 0; i < n; i++)
		ASSERT_EQ((uint8_t)(i + 2), buf[i]) TH_LOG("byte %d", i);
	/* nothing more can arrive: end of stream, also when waiting */
	EXPECT_EQ(0, tel_audio(self->fd, TEL_IOC_CALL_READ, h, buf,
			       sizeof(buf), TEL_AUDIO_F_WAIT));
}

TEST_F(call, audio_received_before_drop_stays_readable_until_dealloc)
{
	struct tel_call_info info;
	uint8_t buf[4096];
	int n;
	uint32_t h = connect_call(_metadata, self->fd, 2);

	usleep(100 * 1000);
	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_LT(0, info.rx_pending);
	n = tel_audio(self->fd, TEL_IOC_CALL_READ, h, buf, 100, 0);
	EXPECT_EQ(100, n);
	EXPECT_EQ(2, buf[0]);
	n = tel_audio(self->fd, TEL_IOC_CALL_READ, h, buf, sizeof(buf), 0);
	EXPECT_EQ((int)info.rx_pending - 100, n);
	EXPECT_EQ(0, tel_audio(self->fd, TEL_IOC_CALL_READ, h, buf,
			       sizeof(buf), 0));
}

TEST_F(call, audio_write_when_not_connected_is_epipe)
{
	uint8_t buf[8] = { };
	uint32_t h = connect_call(_metadata, self->fd, 0);

	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	EXPECT_EQ(-1, tel_audio(self->fd, TEL_IOC_CALL_WRITE, h, buf,
				sizeof(buf), 0));
	EXPECT_EQ(EPIPE, errno);
}

TEST_F(call, audio_nothing_yet_is_eagain)
{
	uint8_t buf[8];
	uint32_t h;

	emu_cmd(NULL, 0, "far %d 0 noanswer", CARD);
	ASSERT_EQ(0, tel_alloc(self->fd, 0, "100", &h));
	ASSERT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_RINGBACK,
				    TEL_WAIT_MS));
	EXPECT_EQ(-1, tel_audio(self->fd, TEL_IOC_CALL_WRITE, h, buf,
				sizeof(buf), 0));
	EXPECT_EQ(EPIPE, errno);
	/* ringing: nothing received yet, but more may come */
	emu_cmd(NULL, 0, "far %d 0 answer 20", CARD);
	EXPECT_EQ(-1, tel_audio(self->fd, TEL_IOC_CALL_READ, h, buf,
				sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(call, audio_bad_args)
{
	struct tel_call_audio req = { };
	uint32_t h = connect_call(_metadata, self->fd, 0);

	req.handle = h;
	req.len = 64;
	req.buf = 0;
	usleep(50 * 1000);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_READ, &req));
	EXPECT_EQ(EFAULT, errno);
	req.flags = 2;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_READ, &req));
	EXPECT_EQ(EINVAL, errno);
	req.flags = 0;
	req.reserved[2] = 9;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_WRITE, &req));
	EXPECT_EQ(EINVAL, errno);
	/* a failed read lost nothing: the stream still starts at byte 0 */
	{
		uint8_t b[4];

		ASSERT_EQ(4, read_audio(self->fd, h, b, 4));
		EXPECT_EQ(0, b[0]);
		EXPECT_EQ(3, b[3]);
	}
}

TEST_F(call, dropped_calls_quota_is_edquot)
{
	FILE *f = fopen("/sys/module/tel/parameters/max_dropped", "r+");
	int old = 0, i;
	uint32_t h[3];

	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%d", &old));
	fclose(f);
	f = fopen("/sys/module/tel/parameters/max_dropped", "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "3\n");
	fclose(f);

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, tel_alloc(self->fd, 0, "100", &h[i]));
		ASSERT_EQ(0, tel_drop(self->fd, h[i], 0));
	}
	EXPECT_EQ(-1, tel_alloc(self->fd, 0, "100", NULL));
	EXPECT_EQ(EDQUOT, errno);
	EXPECT_EQ(3, tel_sysfs_num(CARD, "calls"));
	ASSERT_EQ(0, tel_dealloc(self->fd, h[0]));
	EXPECT_EQ(0, tel_alloc(self->fd, 0, "100", NULL));

	f = fopen("/sys/module/tel/parameters/max_dropped", "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "%d\n", old);
	fclose(f);
}

/* 100 calls in mixed states: close() returns everything. */
TEST_F(call, close_with_100_calls_frees_all_dma)
{
	int fd = tel_open_card(CARD), i, n = nr_channels();
	volatile uint32_t h;
	struct tel_call_answer ans = { .channel = n - 1,
				       .flags = TEL_ANSWER_F_ACCEPT };
	struct tel_event ev;

	ASSERT_LE(0, fd);
	for (i = 0; i < 100 - (n - 1); i++) {		/* dropped */
		ASSERT_EQ(0, tel_alloc(fd, 0, "100", (uint32_t *)&h));
		if (i % 2)
			ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED,
						    TEL_WAIT_MS));
		ASSERT_EQ(0, tel_drop(fd, h, i));
	}
	emu_cmd(NULL, 0, "far %d 1 noanswer", CARD);
	emu_cmd(NULL, 0, "far %d 2 busy", CARD);
	for (i = 0; i < n - 2; i++)			/* live, mixed */
		ASSERT_EQ(0, tel_alloc(fd, i, "100", NULL));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d %d 55", CARD, n - 1));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));	/* offering */

	EXPECT_EQ(100, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(100 * 4096, tel_sysfs_num(CARD, "dma_bytes"));
	close(fd);
	EXPECT_EQ(0, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(CARD, "dma_bytes"));
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, emu_stat(i, "hook")) TH_LOG("channel %d", i);
}

TEST(sigkill_in_every_state_leaks_nothing)
{
	int pipefd[2];
	pid_t pid;
	char c;

	emu_defaults();
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* one call in each state, then wait to be killed */
		struct tel_call_answer acc = { .channel = 6,
					       .flags = TEL_ANSWER_F_ACCEPT };
		int fd = tel_open_card(CARD);
		struct tel_event ev;
		uint32_t h = 0;

		emu_cmd(NULL, 0, "far %d 3 silent", CARD);
		emu_cmd(NULL, 0, "far %d 4 noanswer", CARD);
		tel_alloc(fd, 0, "100", &h);				/* CONNECTED */
		tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS);
		tel_alloc(fd, 1, "100", &h);				/* IDLE */
		tel_drop(fd, h, 0);
		tel_alloc(fd, 3, "100", NULL);				/* DIALING */
		tel_alloc(fd, 4, "100", &h);				/* RINGBACK */
		tel_wait_state(fd, h, TEL_CALL_RINGBACK, TEL_WAIT_MS);
		tel_alloc(fd, 5, "100", &h);			/* DISCONNECTED */
		tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS);
		emu_cmd(NULL, 0, "hangup %d 5 busy", CARD);
		tel_wait_state(fd, h, TEL_CALL_DISCONNECTED, TEL_WAIT_MS);
		emu_cmd(NULL, 0, "offer %d 6 123", CARD);		/* OFFERING */
		tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS);
		ioctl(fd, TEL_IOC_CALL_ANSWER, &acc);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	EXPECT_EQ(6, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(5, tel_sysfs_num(CARD, "active_calls"));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(0, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(CARD, "dma_bytes"));
	for (int ch = 0; ch < 7; ch++) {
		EXPECT_EQ(0, emu_stat(ch, "hook")) TH_LOG("channel %d", ch);
		EXPECT_EQ(0, emu_stat(ch, "state")) TH_LOG("channel %d", ch);
	}
}

TEST_F(call, events_poll_wakes)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };

	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 7 1", CARD));
	EXPECT_EQ(1, poll(&pfd, 1, TEL_WAIT_MS));
	EXPECT_TRUE(pfd.revents & POLLIN);
	emu_cmd(NULL, 0, "cancel %d 7", CARD);
}

TEST_F(call, events_read_rules)
{
	void *volatile bad_buf = NULL;
	struct tel_event ev[2];
	int fl = fcntl(self->fd, F_GETFL);

	EXPECT_EQ(-1, read(self->fd, ev, sizeof(ev[0]) - 1));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, fl | O_NONBLOCK));
	EXPECT_EQ(-1, read(self->fd, ev, sizeof(ev)));
	EXPECT_EQ(EAGAIN, errno);
	/* a fault loses nothing: the record is still there */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 7 42", CARD));
	usleep(200 * 1000);
	EXPECT_EQ(-1, read(self->fd, bad_buf, sizeof(ev)));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ((ssize_t)sizeof(ev[0]), read(self->fd, ev, sizeof(ev)));
	EXPECT_EQ(TEL_EVENT_OFFER, ev[0].type);
	EXPECT_STREQ("42", ev[0].number);
	emu_cmd(NULL, 0, "cancel %d 7", CARD);
}

/* A file that never reads loses events, counted, and is told so. */
TEST_F(call, events_file_queue_overflow_is_reported)
{
	struct tel_event ev;
	int i, got = 0, lost = 0, fl;
	uint32_t last_seq = 0;

	for (i = 0; i < 130; i++) {	/* two events each */
		ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 7 1", CARD));
		ASSERT_EQ(0, emu_cmd(NULL, 0, "cancel %d 7", CARD));
	}
	usleep(300 * 1000);
	fl = fcntl(self->fd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, fl | O_NONBLOCK));
	while (read(self->fd, &ev, sizeof(ev)) == sizeof(ev)) {
		if (ev.type == TEL_EVENT_OVERFLOW) {
			lost += ev.lost;
			last_seq = ev.seq;
			continue;
		}
		EXPECT_EQ(0, lost) TH_LOG("event after the overflow record");
		got++;
	}
	EXPECT_EQ(256, got);
	EXPECT_EQ(260 - 256, lost);
	EXPECT_EQ(259, last_seq);
}

/* The card's own queue overflowing is reported too. */
TEST_F(call, events_card_queue_overflow_is_reported)
{
	struct tel_event ev;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "fault %d evq-flood 600", CARD));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OVERFLOW, &ev,
				    TEL_WAIT_MS));
	EXPECT_LT(0, ev.lost);
}

/*
 * DROP, a far-end hangup, DEALLOC and INFO racing on the same calls from
 * different threads: every call ends up deallocated exactly once, nothing
 * is left held, and the kernel log (checked by the runner) stays clean.
 */
struct race_ctx {
	int fd;
	volatile uint32_t handle;
	volatile int stop;
	int ch;
};

static void *race_hangup(void *arg)
{
	struct race_ctx *r = arg;

	while (!r->stop) {
		emu_cmd(NULL, 0, "hangup %d %d busy", CARD, r->ch);
		usleep(500);
	}
	return NULL;
}

static void *race_info(void *arg)
{
	struct race_ctx *r = arg;
	struct tel_call_info info;

	while (!r->stop)
		tel_info(r->fd, r->handle, &info);
	return NULL;
}

TEST_F(call, drop_hangup_dealloc_race)
{
	struct race_ctx r = { .fd = self->fd, .ch = 6 };
	pthread_t t1, t2;
	int i, deallocs = 0;

	ASSERT_EQ(0, pthread_create(&t1, NULL, race_hangup, &r));
	ASSERT_EQ(0, pthread_create(&t2, NULL, race_info, &r));
	for (i = 0; i < 60; i++) {
		uint32_t h;
		int ret;

		emu_cmd(NULL, 0, "far %d %d answer %d", CARD, r.ch, i % 3);
		if (tel_alloc(self->fd, r.ch, "100", &h))
			continue;	/* the channel was still clearing */
		r.handle = h;
		usleep((i % 5) * 1000);
		ret = tel_drop(self->fd, h, i);
		EXPECT_TRUE(ret == 0 || errno == EALREADY);
		ret = tel_dealloc(self->fd, h);
		EXPECT_EQ(0, ret) TH_LOG("dealloc: %s", strerror(errno));
		deallocs += !ret;
		EXPECT_EQ(-1, tel_dealloc(self->fd, h));
		EXPECT_EQ(ENOENT, errno);
	}
	r.stop = 1;
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	EXPECT_LT(0, deallocs);
	EXPECT_EQ(0, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(CARD, "dma_bytes"));
	EXPECT_EQ(0, emu_stat(r.ch, "hook"));
}

/* Nothing but the record leaves the kernel: no stale bytes anywhere. */
static bool zero_after_nul(const char *s, size_t len)
{
	size_t n = strnlen(s, len);

	for (; n < len; n++)
		if (s[n])
			return false;
	return true;
}

TEST_F(call, info_and_events_carry_no_stale_bytes)
{
	struct tel_call_info info;
	struct tel_card_info cinfo;
	struct tel_event ev;
	uint32_t h;
	size_t i;

	ASSERT_EQ(0, tel_alloc(self->fd, 0, "12", &h));
	/* output fields must come in zero; what comes back has no stale byte */
	memset(&info, 0, sizeof(info));
	info.handle = h;
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_INFO, &info));
	for (i = 0; i < sizeof(info.reserved) / sizeof(info.reserved[0]); i++)
		EXPECT_EQ(0, info.reserved[i]);
	EXPECT_TRUE(zero_after_nul(info.called, sizeof(info.called)));
	EXPECT_TRUE(zero_after_nul(info.calling, sizeof(info.calling)));
	EXPECT_EQ(0, info.app_reason);

	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_STATE, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(0, ev.reserved[0]);
	EXPECT_EQ(0, ev.reserved[1]);
	EXPECT_EQ(0, ev.lost);
	EXPECT_TRUE(zero_after_nul(ev.number, sizeof(ev.number)));

	memset(&cinfo, 0, sizeof(cinfo));
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CARD_INFO, &cinfo));
	EXPECT_TRUE(zero_after_nul(cinfo.model, sizeof(cinfo.model)));
	EXPECT_TRUE(zero_after_nul(cinfo.firmware, sizeof(cinfo.firmware)));
	EXPECT_TRUE(zero_after_nul(cinfo.serial, sizeof(cinfo.serial)));
	for (i = 0; i < sizeof(cinfo.reserved) / sizeof(cinfo.reserved[0]); i++)
		EXPECT_EQ(0, cinfo.reserved[i]);
}

TEST_HARNESS_MAIN
