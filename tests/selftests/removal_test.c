// SPDX-License-Identifier: GPL-2.0
/*
 * removal_test.c - card removal (QMP device_del) with live calls
 *
 * Destructive: unplugs the VM's last card (card 1 of 2), so tests/check
 * runs it after the other tests that share its VM, which use the first
 * three cards.
 * Every call goes DISCONNECTED (origin HARDWARE, mode OUTOFORDER), every
 * file gets TEL_EVENT_CARD_GONE, INFO, READ, DROP and DEALLOC keep working
 * on existing handles, everything else answers ENODEV, and no DMA memory
 * outlives the device.
 */
#include <pthread.h>
#include <sys/stat.h>

#include "tel_test.h"
#include "kselftest_harness.h"

/* the last card (TEL_CARDS, from the VM runner), card 1 of 2 by default */
static int last_card(void)
{
	const char *s = getenv("TEL_CARDS");
	int n = s ? atoi(s) : 2;

	return n > 1 ? n - 1 : 1;
}

#define CARD	last_card()

/* Blocked when the card goes: an audio read with nothing to come yet. */
struct blocked {
	int fd;
	uint32_t handle;
	int ret, err;
};

static void *blocked_audio_read(void *arg)
{
	struct blocked *b = arg;
	uint8_t buf[64];

	b->ret = tel_audio(b->fd, TEL_IOC_CALL_READ, b->handle, buf,
			   sizeof(buf), TEL_AUDIO_F_WAIT);
	b->err = errno;
	return NULL;
}

static void *blocked_event_read(void *arg)
{
	struct blocked *b = arg;
	struct tel_event ev;

	b->ret = read(b->fd, &ev, sizeof(ev));	/* blocking */
	b->err = errno;
	b->handle = b->ret == sizeof(ev) ? ev.type : 0;
	return NULL;
}

TEST(removal_with_live_calls)
{
	struct tel_call_answer ans = { .channel = 3 };
	struct tel_call_info info;
	struct tel_card_info cinfo = { };
	uint32_t connected, ringing, dropped, answered, cleared, dialing;
	struct tel_call_answer acc = { .channel = 6,
				       .flags = TEL_ANSWER_F_ACCEPT };
	struct blocked reader = { }, evreader = { };
	pthread_t t_audio, t_event;
	int evfd;
	uint8_t buf[4096];
	struct tel_event ev;
	struct stat st;
	char path[64];
	int fd, watcher, n;

	fd = tel_open_card(CARD);
	ASSERT_LE(0, fd);
	watcher = tel_open_card(CARD);	/* a file with no calls at all */
	ASSERT_LE(0, watcher);

	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d 1 noanswer", CARD));
	ASSERT_EQ(0, tel_alloc(fd, 0, "100", &connected));
	ASSERT_EQ(0, tel_wait_state(fd, connected, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_alloc(fd, 1, "101", &ringing));
	ASSERT_EQ(0, tel_wait_state(fd, ringing, TEL_CALL_RINGBACK,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_alloc(fd, 2, "102", &dropped));
	ASSERT_EQ(0, tel_wait_state(fd, dropped, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	usleep(100 * 1000);	/* audio received, not read */
	ASSERT_EQ(0, tel_drop(fd, dropped, 0));
	ASSERT_EQ(0, tel_alloc(fd, 4, "104", &cleared));
	ASSERT_EQ(0, tel_wait_state(fd, cleared, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "hangup %d 4 normal", CARD));
	ASSERT_EQ(0, tel_wait_state(fd, cleared, TEL_CALL_DISCONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d 5 silent", CARD));
	ASSERT_EQ(0, tel_alloc(fd, 5, "105", &dialing));
	usleep(50 * 1000);
	ASSERT_EQ(0, tel_info(fd, dialing, &info));
	ASSERT_EQ(TEL_CALL_DIALING, info.state);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 6 4712", CARD));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &acc));	/* OFFERING */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 3 4711", CARD));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	answered = ans.handle;
	usleep(100 * 1000);
	ASSERT_EQ(7 * 4096, tel_sysfs_num(CARD, "dma_bytes"));

	/* in the middle of ioctls: a waiting audio read, a blocking read() */
	reader.fd = fd;
	reader.handle = ringing;	/* rings: nothing to read yet */
	ASSERT_EQ(0, pthread_create(&t_audio, NULL, blocked_audio_read,
				    &reader));
	evfd = tel_open_card(CARD);
	ASSERT_LE(0, evfd);
	evreader.fd = evfd;
	ASSERT_EQ(0, pthread_create(&t_event, NULL, blocked_event_read,
				    &evreader));
	usleep(200 * 1000);

	ASSERT_EQ(0, emu_cmd(NULL, 0, "unplug %d", CARD));
	ASSERT_EQ(0, tel_wait_event(watcher, TEL_EVENT_CARD_GONE, &ev,
				    TEL_WAIT_MS * 3));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_CARD_GONE, &ev,
				    TEL_WAIT_MS));
	pthread_join(t_audio, NULL);
	EXPECT_EQ(0, reader.ret);		/* end of stream */
	pthread_join(t_event, NULL);
	EXPECT_EQ((int)sizeof(ev), evreader.ret);
	EXPECT_EQ(TEL_EVENT_CARD_GONE, evreader.handle);
	close(evfd);

	/* the class device is gone, the files are not */
	snprintf(path, sizeof(path), "/sys/class/tel/tel%d", CARD);
	EXPECT_NE(0, stat(path, &st));

	/* every live call: DISCONNECTED, HARDWARE, OUTOFORDER */
	ASSERT_EQ(0, tel_info(fd, connected, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_HARDWARE, info.origin);
	EXPECT_EQ(TEL_DISC_OUTOFORDER, info.disconnect_mode);
	EXPECT_EQ(0, info.dma_bytes);
	EXPECT_LT(0, info.rx_frames);
	ASSERT_EQ(0, tel_info(fd, ringing, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_HARDWARE, info.origin);
	ASSERT_EQ(0, tel_info(fd, answered, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_HARDWARE, info.origin);
	/* a call still dialling and an accepted offer end the same way */
	ASSERT_EQ(0, tel_info(fd, dialing, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_HARDWARE, info.origin);
	ASSERT_EQ(0, tel_info(fd, acc.handle, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_HARDWARE, info.origin);
	EXPECT_EQ(TEL_DISC_OUTOFORDER, info.disconnect_mode);

	/* the call the far end had cleared keeps its cause */
	ASSERT_EQ(0, tel_info(fd, cleared, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_REMOTE, info.origin);
	EXPECT_EQ(TEL_DISC_NORMAL, info.disconnect_mode);
	/* the dropped call keeps its own record */
	ASSERT_EQ(0, tel_info(fd, dropped, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_ORIGIN_LOCAL, info.origin);
	EXPECT_EQ(0, info.dma_bytes);
	EXPECT_LT(0, info.rx_pending);

	/* audio received before the removal is still there */
	n = tel_audio(fd, TEL_IOC_CALL_READ, dropped, buf, sizeof(buf), 0);
	EXPECT_EQ((int)info.rx_pending, n);
	EXPECT_EQ(2, buf[0]);

	/* everything needing the card: ENODEV */
	/* the identity stays readable, saying the card is gone */
	memset(&cinfo, 0, sizeof(cinfo));
	EXPECT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &cinfo));
	EXPECT_EQ(TEL_CARD_F_GONE, cinfo.flags);
	EXPECT_EQ(-1, tel_alloc(fd, 4, "100", NULL));
	EXPECT_EQ(ENODEV, errno);
	memset(&ans, 0, sizeof(ans));
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, tel_audio(fd, TEL_IOC_CALL_WRITE, connected, buf, 8, 0));
	EXPECT_EQ(ENODEV, errno);

	/* DROP and DEALLOC keep working */
	EXPECT_EQ(0, tel_drop(fd, connected, 0));
	ASSERT_EQ(0, tel_info(fd, connected, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_ORIGIN_HARDWARE, info.origin);
	EXPECT_EQ(0, tel_dealloc(fd, connected));
	EXPECT_EQ(-1, tel_info(fd, connected, &info));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, tel_drop(fd, ringing, 0));
	EXPECT_EQ(0, tel_dealloc(fd, dropped));
	EXPECT_EQ(-1, tel_dealloc(fd, answered));
	EXPECT_EQ(EBUSY, errno);

	/* reading events after the CARD_GONE: ENODEV, poll: HUP */
	{
		struct pollfd pfd = { .fd = watcher, .events = POLLIN };

		EXPECT_EQ(1, poll(&pfd, 1, 0));
		EXPECT_TRUE(pfd.revents & POLLHUP);
		EXPECT_EQ(-1, read(watcher, &ev, sizeof(ev)));
		EXPECT_EQ(ENODEV, errno);
	}
	close(watcher);
	close(fd);	/* frees ringing and answered */

	/* card 0 was not touched */
	fd = tel_open_card(0);
	ASSERT_LE(0, fd);
	memset(&cinfo, 0, sizeof(cinfo));
	EXPECT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &cinfo));
	EXPECT_EQ(0, tel_alloc(fd, 0, "100", NULL));
	close(fd);
	EXPECT_EQ(0, tel_sysfs_num(0, "dma_bytes"));
}

TEST_HARNESS_MAIN
