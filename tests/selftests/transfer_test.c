// SPDX-License-Identifier: GPL-2.0
/*
 * transfer_test.c - redirect (issue 14: lineRedirect): an offered call
 * sent on by the network to another number before it is answered.  What
 * the caller's network did is read from the emulator (stats
 * redirected_to, redirects), not from the driver's state:
 *   - an offer no call took: every file hears it end (IDLE, origin LOCAL,
 *     mode FORWARDED), the network sent it to the number given, and it can
 *     no longer be answered;
 *   - an accepted offer (TEL_ANSWER_F_ACCEPT): the call goes IDLE with
 *     that origin and mode, its record stays until DEALLOC, a monitor sees
 *     the change;
 * plus every errno of TEL_IOC_CALL_REDIRECT and a card without redirect.
 * (Blind transfer is not built yet: see Documentation/userspace-api.rst.)
 */
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD	0
#define CH_IN	3	/* offers */
#define CH	2	/* an outbound call, for EBUSY */
#define BARE	1	/* the card stripped of redirect, then failed */
#define CALLER	"5551234"
#define TARGET	"7001"

static int redirect(int fd, uint32_t ch, const char *number)
{
	struct tel_call_redirect req = { .channel = ch };

	snprintf(req.number, sizeof(req.number), "%s", number);
	return ioctl(fd, TEL_IOC_CALL_REDIRECT, &req);
}

/* The caller's network: where it sent the channel's last offer. */
static void redirected_to(int card, int ch, char *out, size_t len)
{
	char reply[1024];

	out[0] = '\0';
	if (!emu_cmd(reply, sizeof(reply), "stats %d %d", card, ch))
		emu_val(reply, "redirected_to", out, len);
}

static long far(int card, int ch, const char *key)
{
	char reply[1024];

	if (emu_cmd(reply, sizeof(reply), "stats %d %d", card, ch))
		return -1;
	return emu_num(reply, key);
}

static void offer(struct __test_metadata *_metadata, int fd, int card)
{
	struct tel_event ev;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d %d " CALLER, card, CH_IN));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	ASSERT_EQ(CH_IN, ev.channel);
}

static int accept_offer(int fd, uint32_t *h)
{
	struct tel_call_answer ans = { .channel = CH_IN,
				       .flags = TEL_ANSWER_F_ACCEPT };

	if (ioctl(fd, TEL_IOC_CALL_ANSWER, &ans))
		return -1;
	*h = ans.handle;
	return 0;
}

static int open_monitor(void)
{
	struct tel_card_monitor req = { };
	int fd = tel_open_card(CARD);

	if (fd >= 0 && ioctl(fd, TEL_IOC_CARD_MONITOR, &req)) {
		close(fd);
		return -1;
	}
	return fd;
}

TEST(features_announced)
{
	struct tel_card_info info = { };
	char buf[256];
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &info));
	EXPECT_EQ(TEL_FEAT_REDIRECT, info.features & TEL_FEAT_REDIRECT);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", CARD);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, " redirect"));
	close(fd);
}

/* An offer nobody took: it ends for every file, the network sent it on. */
TEST(redirect_an_offer)
{
	struct tel_call_answer ans = { .channel = CH_IN };
	int fd = tel_open_card(CARD), other = tel_open_card(CARD);
	struct tel_event ev;
	char to[64];
	long before;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, other);
	before = far(CARD, CH_IN, "redirects");
	ASSERT_LE(0, before);
	offer(_metadata, fd, CARD);
	ASSERT_EQ(0, tel_wait_event(other, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, redirect(fd, CH_IN, TARGET));
	/* each file hears the offer end, sent on by one of them */
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_STATE, &ev, TEL_WAIT_MS));
	EXPECT_EQ(CH_IN, ev.channel);
	EXPECT_EQ(0, ev.handle);
	EXPECT_EQ(TEL_CALL_IDLE, ev.state);
	EXPECT_EQ(TEL_ORIGIN_LOCAL, ev.origin);
	EXPECT_EQ(TEL_DISC_FORWARDED, ev.disconnect_mode);
	ASSERT_EQ(0, tel_wait_event(other, TEL_EVENT_STATE, &ev, TEL_WAIT_MS));
	EXPECT_EQ(TEL_DISC_FORWARDED, ev.disconnect_mode);
	/* the far end's view: its call went to TARGET, our channel is idle */
	redirected_to(CARD, CH_IN, to, sizeof(to));
	EXPECT_STREQ(TARGET, to);
	EXPECT_EQ(before + 1, far(CARD, CH_IN, "redirects"));
	EXPECT_EQ(0, far(CARD, CH_IN, "state"));
	EXPECT_EQ(0, far(CARD, CH_IN, "hook"));
	/* gone: nobody answers or redirects it */
	EXPECT_EQ(-1, ioctl(other, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, redirect(other, CH_IN, TARGET));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_wait_event(fd, TEL_EVENT_STATE, &ev, 100));
	close(other);
	close(fd);
}

/*
 * An accepted offer: the call goes IDLE, LOCAL, FORWARDED; the record
 * stays until DEALLOC; a monitor sees it go.
 */
TEST(redirect_an_accepted_offer)
{
	int fd = tel_open_card(CARD), mon = open_monitor();
	struct tel_call_info info, minfo;
	struct tel_event ev;
	uint32_t h;
	char to[64];

	ASSERT_LE(0, fd);
	ASSERT_LE(0, mon);
	offer(_metadata, fd, CARD);
	ASSERT_EQ(0, accept_offer(fd, &h));
	ASSERT_EQ(0, tel_info(fd, h, &info));
	ASSERT_EQ(TEL_CALL_OFFERING, info.state);
	ASSERT_EQ(0, tel_wait_event(mon, TEL_EVENT_CALL_NEW, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(info.id, ev.handle);

	ASSERT_EQ(0, redirect(fd, CH_IN, TARGET));
	ASSERT_EQ(0, tel_wait_state_event(fd, h, TEL_CALL_IDLE, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(TEL_ORIGIN_LOCAL, ev.origin);
	EXPECT_EQ(TEL_DISC_FORWARDED, ev.disconnect_mode);
	ASSERT_EQ(0, tel_info(fd, h, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_ORIGIN_LOCAL, info.origin);
	EXPECT_EQ(TEL_DISC_FORWARDED, info.disconnect_mode);
	EXPECT_EQ(TEL_DIR_INBOUND, info.direction);
	EXPECT_STREQ(CALLER, info.calling);
	EXPECT_EQ(0, info.connect_ns);
	EXPECT_NE(0, info.idle_ns);
	redirected_to(CARD, CH_IN, to, sizeof(to));
	EXPECT_STREQ(TARGET, to);
	EXPECT_EQ(0, far(CARD, CH_IN, "state"));
	EXPECT_EQ(0, far(CARD, CH_IN, "answers") < 0);

	/* the monitor saw the same, by the call's id */
	ASSERT_EQ(0, tel_wait_event(mon, TEL_EVENT_STATE, &ev, TEL_WAIT_MS));
	EXPECT_EQ(info.id, ev.handle);
	EXPECT_EQ(TEL_CALL_IDLE, ev.state);
	EXPECT_EQ(TEL_DISC_FORWARDED, ev.disconnect_mode);
	ASSERT_EQ(0, tel_info(mon, info.id, &minfo));
	EXPECT_EQ(TEL_DISC_FORWARDED, minfo.disconnect_mode);
	EXPECT_EQ(-1, redirect(mon, CH_IN, TARGET));
	EXPECT_EQ(EPERM, errno);

	/* not again: the offer is gone; the record stays until DEALLOC */
	EXPECT_EQ(-1, redirect(fd, CH_IN, TARGET));
	EXPECT_EQ(ENOENT, errno);
	usleep(200000);
	ASSERT_EQ(0, tel_info(fd, h, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(-1, tel_drop(fd, h, 0));
	EXPECT_EQ(EALREADY, errno);
	ASSERT_EQ(0, tel_dealloc(fd, h));
	EXPECT_EQ(-1, tel_info(fd, h, &info));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, tel_wait_event(mon, TEL_EVENT_CALL_DEALLOC, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(info.id, ev.handle);
	close(mon);
	close(fd);
}

/* The arguments: EFAULT, EINVAL; then what there is to redirect. */
TEST(redirect_errnos)
{
	struct tel_call_redirect req = { .channel = CH_IN };
	struct tel_call_answer ans = { .channel = CH_IN };
	struct tel_event ev;
	int fd = tel_open_card(CARD), other = tel_open_card(CARD);
	uint32_t h, h2;
	void *ro;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, other);
	offer(_metadata, fd, CARD);

	/* EFAULT: nothing readable */
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_REDIRECT, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* the struct need not be writable: nothing is copied out */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	/* EINVAL: no number, a bad digit, no NUL, flags, reserved, channel */
	EXPECT_EQ(-1, redirect(fd, CH_IN, ""));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, redirect(fd, CH_IN, "12a4"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, redirect(fd, CH_IN, "12 4"));
	EXPECT_EQ(EINVAL, errno);
	memset(req.number, '1', sizeof(req.number));
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_REDIRECT, &req));
	EXPECT_EQ(EINVAL, errno);
	strcpy(req.number, TARGET);
	for (unsigned int i = 0; i < 32; i++) {
		req.flags = 1u << i;
		EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_REDIRECT, &req));
		EXPECT_EQ(EINVAL, errno);
	}
	req.flags = 0;
	for (unsigned int i = 0; i < 4; i++) {
		req.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_REDIRECT, &req));
		EXPECT_EQ(EINVAL, errno);
		req.reserved[i] = 0;
	}
	EXPECT_EQ(-1, redirect(fd, 8, TARGET));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, redirect(fd, TEL_CHANNEL_ANY, TARGET));
	EXPECT_EQ(EINVAL, errno);
	/* a read-only struct is fine: REDIRECT writes nothing back */
	memcpy(ro, &req, sizeof(req));
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	/* none of the failures touched the offer */
	EXPECT_EQ(-1, redirect(fd, 1, TARGET));
	EXPECT_EQ(ENOENT, errno);	/* no offer there */

	/* EBUSY: another file's accepted offer, then this file's answered */
	ASSERT_EQ(0, accept_offer(other, &h2));
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_REDIRECT, ro));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_drop(other, h2, 0));
	ASSERT_EQ(0, tel_dealloc(other, h2));
	EXPECT_EQ(-1, redirect(fd, CH_IN, TARGET));
	EXPECT_EQ(ENOENT, errno);	/* the drop rejected it */
	offer(_metadata, fd, CARD);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	ASSERT_EQ(0, tel_wait_state(fd, ans.handle, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	EXPECT_EQ(-1, redirect(fd, CH_IN, TARGET));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, redirect(other, CH_IN, TARGET));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_drop(fd, ans.handle, 0));
	ASSERT_EQ(0, tel_dealloc(fd, ans.handle));

	/* an accepted offer the caller gave up: DISCONNECTED, EBUSY */
	offer(_metadata, fd, CARD);
	ASSERT_EQ(0, accept_offer(fd, &h));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "cancel %d %d", CARD, CH_IN));
	ASSERT_EQ(0, tel_wait_state_event(fd, h, TEL_CALL_DISCONNECTED, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(-1, ioctl(fd, TEL_IOC_CALL_REDIRECT, ro));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));

	/* a read-only struct redirects an offer */
	offer(_metadata, fd, CARD);
	EXPECT_EQ(0, ioctl(fd, TEL_IOC_CALL_REDIRECT, ro));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_STATE, &ev, TEL_WAIT_MS));
	EXPECT_EQ(TEL_DISC_FORWARDED, ev.disconnect_mode);
	munmap(ro, 4096);
	close(other);
	close(fd);
}

/* A monitor may not redirect: EPERM, before anything else is looked at. */
TEST(monitor_may_not_redirect)
{
	struct tel_call_answer ans = { .channel = CH_IN };
	int fd = tel_open_card(CARD), mon = open_monitor();
	struct tel_event ev;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, mon);
	offer(_metadata, fd, CARD);
	EXPECT_EQ(-1, redirect(mon, CH_IN, TARGET));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_REDIRECT, NULL));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, redirect(mon, CH_IN, ""));
	EXPECT_EQ(EPERM, errno);
	/* the offer is still there */
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	ASSERT_EQ(0, tel_wait_state(fd, ans.handle, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_drop(fd, ans.handle, 0));
	ASSERT_EQ(0, tel_dealloc(fd, ans.handle));
	while (!tel_wait_event(mon, TEL_EVENT_STATE, &ev, 10))
		;
	close(mon);
	close(fd);
}

/*
 * A card without TEL_CAP_REDIRECT: no feature bit, EOPNOTSUPP, the offer
 * untouched.  Then the card with redirect, failed by a status that does
 * not exist (EIO), and gone (ENODEV).
 */
TEST(card_without_redirect_then_gone)
{
	struct tel_call_answer ans = { .channel = CH_IN };
	struct tel_card_info ci = { };
	struct tel_event ev;
	char buf[256];
	int fd;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x1f", BARE));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &ci));
	EXPECT_EQ(0, ci.features & TEL_FEAT_REDIRECT);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", BARE);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_EQ(NULL, strstr(buf, "redirect"));
	offer(_metadata, fd, BARE);
	EXPECT_EQ(-1, redirect(fd, CH_IN, TARGET));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, redirect(fd, 1, TARGET));	/* no offer there either */
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(4, far(BARE, CH_IN, "state"));	/* still offering */
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	ASSERT_EQ(0, tel_drop(fd, ans.handle, 0));
	ASSERT_EQ(0, tel_dealloc(fd, ans.handle));
	close(fd);

	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x3f", BARE));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", BARE);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_STREQ("call_list digits caller_id flash call_party handoff monitor hold redirect",
		     buf);
	offer(_metadata, fd, BARE);
	/* a status that does not exist: EIO, and the card is failed */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "lie %d %d cmd-status 99", BARE, CH_IN));
	EXPECT_EQ(-1, redirect(fd, CH_IN, TARGET));
	EXPECT_EQ(EIO, errno);
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_CARD_GONE, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(-1, redirect(fd, CH_IN, TARGET));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
	ASSERT_EQ(0, tel_rebind(BARE));
}

/* /proc names the mode. */
TEST(proc_shows_forwarded)
{
	int fd = tel_open_card(CARD);
	struct proc_line pl;
	uint32_t h;

	ASSERT_LE(0, fd);
	offer(_metadata, fd, CARD);
	ASSERT_EQ(0, accept_offer(fd, &h));
	ASSERT_EQ(0, redirect(fd, CH_IN, TARGET));
	ASSERT_EQ(1, proc_find(CARD, h, getpid(), &pl));
	EXPECT_STREQ("idle", pl.state);
	EXPECT_STREQ("local", pl.origin);
	EXPECT_STREQ("forwarded", pl.mode);
	ASSERT_EQ(0, tel_dealloc(fd, h));
	close(fd);
}

TEST_HARNESS_MAIN
