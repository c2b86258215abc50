// SPDX-License-Identifier: GPL-2.0
/*
 * transfer_test.c - redirect and blind transfer (issue 14: lineRedirect,
 * lineBlindTransfer).  Redirect: an offered call sent on by the network
 * to another number before it is answered.  What the caller's network
 * did is read from the emulator (stats redirected_to, redirects), not from
 * the driver's state:
 *   - an offer no call took: every file hears it end (IDLE, origin LOCAL,
 *     mode FORWARDED), the network sent it to the number given, and it can
 *     no longer be answered;
 *   - an accepted offer (TEL_ANSWER_F_ACCEPT): the call goes IDLE with
 *     that origin and mode, its record stays until DEALLOC, a monitor sees
 *     the change;
 * plus every errno of TEL_IOC_CALL_REDIRECT and a card without redirect.
 *
 * Blind transfer of a connected or a held call: the far party's view is
 * the emulator's (connected_to, transfer_result), and what it hears is
 * measured from its samples: its own DTMF detector finds the target's
 * number, which the emulated target plays once it answers, and the
 * host's audio (far_rx_bytes) stops at the transfer.  Our call ends
 * DISCONNECTED, origin TRANSFER, mode TRANSFERRED; every errno.
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

static int transfer(int fd, uint32_t h, const char *number)
{
	struct tel_call_transfer req = { .handle = h };

	snprintf(req.number, sizeof(req.number), "%s", number);
	return ioctl(fd, TEL_IOC_CALL_TRANSFER, &req);
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
	EXPECT_EQ(TEL_FEAT_TRANSFER, info.features & TEL_FEAT_TRANSFER);
	EXPECT_NE(NULL, strstr(buf, " transfer"));
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
	uint32_t h, id;
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
	id = info.id;

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
	EXPECT_EQ(id, ev.handle);
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
	uint32_t h;
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

	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x3ff", BARE));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", BARE);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_STREQ("call_list digits caller_id flash call_party handoff monitor tap hold redirect transfer watermark conference consult mmap conf_party",
		     buf);
	emu_cmd(NULL, 0, "far %d %d answer 20", BARE, CH);
	ASSERT_EQ(0, tel_alloc(fd, CH, "100", &h));
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	offer(_metadata, fd, BARE);
	/* a status that does not exist: EIO, and the card is failed */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "lie %d %d cmd-status 99", BARE, CH_IN));
	EXPECT_EQ(-1, redirect(fd, CH_IN, TARGET));
	EXPECT_EQ(EIO, errno);
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_CARD_GONE, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(-1, redirect(fd, CH_IN, TARGET));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, transfer(fd, h, TARGET));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));
	close(fd);
	ASSERT_EQ(0, tel_rebind(BARE));
}

static void far_str(int card, int ch, const char *key, char *out, size_t len)
{
	char reply[1024];

	out[0] = '\0';
	if (!emu_cmd(reply, sizeof(reply), "stats %d %d", card, ch))
		emu_val(reply, key, out, len);
}

/* Wait until the far party's detector heard @want (the target's number). */
static bool far_hears(int ch, const char *want, char *heard, size_t len)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;

	do {
		far_str(CARD, ch, "far_digits", heard, len);
		if (!strcmp(heard, want))
			return true;
		usleep(20000);
	} while (tel_test_now_ms() < end);
	return false;
}

/* The host's audio: a ramp, no tone at all. */
static int write_ramp(int fd, uint32_t h, uint32_t len)
{
	uint8_t buf[2048];
	uint32_t i;

	for (i = 0; i < len && i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	return tel_audio(fd, TEL_IOC_CALL_WRITE, h, buf, len, 0);
}

static long far_rx_reaches(int ch, long want)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;
	long got;

	do {
		got = far(CARD, ch, "far_rx_bytes");
		if (got >= want)
			break;
		usleep(10000);
	} while (tel_test_now_ms() < end);
	return got;
}

FIXTURE(call) {
	int fd;
	uint32_t h;	/* CONNECTED on CH */
};

FIXTURE_SETUP(call)
{
	struct tel_event ev;

	emu_cmd(NULL, 0, "far %d %d answer 20", CARD, CH);
	emu_cmd(NULL, 0, "audio %d %d pattern", CARD, CH);
	emu_cmd(NULL, 0, "target %d %d answer", CARD, CH);
	self->fd = tel_open_card(CARD);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, tel_alloc(self->fd, CH, "100", &self->h));
	ASSERT_EQ(0, tel_wait_state(self->fd, self->h, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	while (!tel_wait_event(self->fd, TEL_EVENT_STATE, &ev, 10))
		;
}

FIXTURE_TEARDOWN(call)
{
	emu_cmd(NULL, 0, "target %d %d answer", CARD, CH);
	close(self->fd);
}

/* Ours ends TRANSFERRED; the far party hears the target, not us. */
static void expect_transferred(struct __test_metadata *_metadata,
			       FIXTURE_DATA(call) *self)
{
	struct tel_call_info info, later;
	struct tel_event ev;
	struct proc_line pl;
	char to[64];
	long rx;

	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h,
					  TEL_CALL_DISCONNECTED, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(TEL_ORIGIN_TRANSFER, ev.origin);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, ev.disconnect_mode);
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_TRANSFER, info.origin);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, info.disconnect_mode);
	EXPECT_NE(0, info.disconnect_ns);

	/* nothing of the host after the transfer: not written, not sent */
	rx = far(CARD, CH, "far_rx_bytes");
	EXPECT_EQ(-1, write_ramp(self->fd, self->h, 160));
	EXPECT_EQ(EPIPE, errno);
	usleep(300000);
	EXPECT_EQ(rx, far(CARD, CH, "far_rx_bytes"));
	ASSERT_EQ(0, tel_info(self->fd, self->h, &later));
	EXPECT_EQ(info.tx_frames, later.tx_frames);	/* counters stopped */
	EXPECT_EQ(info.rx_frames, later.rx_frames);

	/* the far party's view, and its ears */
	far_str(CARD, CH, "connected_to", to, sizeof(to));
	EXPECT_STREQ(TARGET, to);
	far_str(CARD, CH, "transfer_result", to, sizeof(to));
	EXPECT_STREQ("answer", to);
	EXPECT_TRUE(far_hears(CH, TARGET, to, sizeof(to)))
		TH_LOG("the far party's detector heard \"%s\"", to);

	ASSERT_EQ(1, proc_find(CARD, self->h, getpid(), &pl));
	EXPECT_STREQ("disconnected", pl.state);
	EXPECT_STREQ("transfer", pl.origin);
	EXPECT_STREQ("transferred", pl.mode);

	/* not again; DROP keeps who ended it; DEALLOC as ever */
	EXPECT_EQ(-1, transfer(self->fd, self->h, TARGET));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, tel_drop(self->fd, self->h, 0));
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_ORIGIN_TRANSFER, info.origin);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, info.disconnect_mode);
	/* the far party stays with the target after our hangup */
	far_str(CARD, CH, "connected_to", to, sizeof(to));
	EXPECT_STREQ(TARGET, to);
	ASSERT_EQ(0, tel_dealloc(self->fd, self->h));
}

TEST_F(call, transfer_a_connected_call)
{
	long before = far(CARD, CH, "transfers");

	ASSERT_EQ(160, write_ramp(self->fd, self->h, 160));
	ASSERT_LE(160, far_rx_reaches(CH, 160));	/* it heard us */
	ASSERT_EQ(0, transfer(self->fd, self->h, TARGET));
	EXPECT_EQ(before + 1, far(CARD, CH, "transfers"));
	expect_transferred(_metadata, self);
}

TEST_F(call, transfer_a_held_call)
{
	struct tel_call_hold hold = { .handle = self->h };
	struct tel_event ev;

	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_HOLD, &hold));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h, TEL_CALL_ONHOLD,
					  &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, transfer(self->fd, self->h, TARGET));
	expect_transferred(_metadata, self);
}

/* Blind: a busy target is the far party's; our call is transferred. */
TEST_F(call, transfer_to_a_busy_target)
{
	struct tel_call_info info;
	char v[64];

	ASSERT_EQ(0, emu_cmd(NULL, 0, "target %d %d busy", CARD, CH));
	ASSERT_EQ(0, transfer(self->fd, self->h, "7002"));
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, info.disconnect_mode);
	far_str(CARD, CH, "transfer_to", v, sizeof(v));
	EXPECT_STREQ("7002", v);
	far_str(CARD, CH, "transfer_result", v, sizeof(v));
	EXPECT_STREQ("busy", v);
	far_str(CARD, CH, "connected_to", v, sizeof(v));
	EXPECT_STREQ("", v);
	usleep(500000);
	far_str(CARD, CH, "far_digits", v, sizeof(v));
	EXPECT_STREQ("", v);	/* nobody speaks to it */
	ASSERT_EQ(0, tel_drop(self->fd, self->h, 0));
	ASSERT_EQ(0, tel_dealloc(self->fd, self->h));
}

TEST_F(call, transfer_errnos)
{
	struct tel_call_transfer req = { .handle = self->h };
	struct tel_call_flash f = { .handle = self->h, .ms = 2000 };
	long before = far(CARD, CH, "transfers");
	struct tel_call_info info;
	struct tel_event ev;

	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_TRANSFER, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, transfer(self->fd, self->h, ""));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, transfer(self->fd, self->h, "12a4"));
	EXPECT_EQ(EINVAL, errno);
	memset(req.number, '1', sizeof(req.number));
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_TRANSFER, &req));
	EXPECT_EQ(EINVAL, errno);
	strcpy(req.number, TARGET);
	for (unsigned int i = 0; i < 32; i++) {
		req.flags = 1u << i;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_TRANSFER, &req));
		EXPECT_EQ(EINVAL, errno);
	}
	req.flags = 0;
	for (unsigned int i = 0; i < 4; i++) {
		req.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_TRANSFER, &req));
		EXPECT_EQ(EINVAL, errno);
		req.reserved[i] = 0;
	}
	EXPECT_EQ(-1, transfer(self->fd, self->h + 1000, TARGET));
	EXPECT_EQ(ENOENT, errno);
	/* during a hook flash: EBUSY */
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_FLASH, &f));
	EXPECT_EQ(-1, transfer(self->fd, self->h, TARGET));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_FLASH, &ev,
				    TEL_WAIT_MS));
	/* none of it changed the call, nor moved the far party */
	EXPECT_EQ(before, far(CARD, CH, "transfers"));
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	/* the far end clears it: DISCONNECTED, ENOTCONN */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "hangup %d %d normal", CARD, CH));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h,
					  TEL_CALL_DISCONNECTED, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(-1, transfer(self->fd, self->h, TARGET));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, tel_drop(self->fd, self->h, 0));
	EXPECT_EQ(-1, transfer(self->fd, self->h, TARGET));	/* IDLE */
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, tel_dealloc(self->fd, self->h));
}

/* Transfer while dialing, ringing back or offered: ENOTCONN, as HOLD. */
TEST(transfer_needs_a_connected_call)
{
	struct tel_call_info info;
	uint32_t h;
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d 1 silent", CARD));
	ASSERT_EQ(0, tel_alloc(fd, 1, "100", &h));
	ASSERT_EQ(0, tel_info(fd, h, &info));
	ASSERT_EQ(TEL_CALL_DIALING, info.state);
	EXPECT_EQ(-1, transfer(fd, h, TARGET));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));

	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d 1 noanswer", CARD));
	ASSERT_EQ(0, tel_alloc(fd, 1, "100", &h));
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_RINGBACK, TEL_WAIT_MS));
	EXPECT_EQ(-1, transfer(fd, h, TARGET));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));
	emu_cmd(NULL, 0, "far %d 1 answer 20", CARD);

	offer(_metadata, fd, CARD);
	ASSERT_EQ(0, accept_offer(fd, &h));
	EXPECT_EQ(-1, transfer(fd, h, TARGET));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));
	close(fd);
}

/* A monitor sees the transfer, and may not make one. */
TEST_F(call, monitor_sees_transfer)
{
	struct tel_call_info info;
	struct tel_event ev;
	int mon = open_monitor();

	ASSERT_LE(0, mon);
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(-1, transfer(mon, info.id, TARGET));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_TRANSFER, NULL));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, transfer(self->fd, self->h, TARGET));
	do {
		ASSERT_EQ(0, tel_wait_event(mon, TEL_EVENT_STATE, &ev,
					    TEL_WAIT_MS));
	} while (ev.handle != info.id || ev.state != TEL_CALL_DISCONNECTED);
	EXPECT_EQ(TEL_ORIGIN_TRANSFER, ev.origin);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, ev.disconnect_mode);
	close(mon);
	ASSERT_EQ(0, tel_drop(self->fd, self->h, 0));
	ASSERT_EQ(0, tel_dealloc(self->fd, self->h));
}

/* A card without TEL_CAP_TRANSFER: no feature bit, EOPNOTSUPP. */
TEST(card_without_transfer)
{
	struct tel_card_info ci = { };
	char buf[256];
	uint32_t h;
	int fd;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x3f", BARE));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &ci));
	EXPECT_EQ(0, ci.features & TEL_FEAT_TRANSFER);
	EXPECT_EQ(TEL_FEAT_REDIRECT, ci.features & TEL_FEAT_REDIRECT);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", BARE);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_EQ(NULL, strstr(buf, "transfer"));
	emu_cmd(NULL, 0, "far %d %d answer 20", BARE, CH);
	ASSERT_EQ(0, tel_alloc(fd, CH, "100", &h));
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	EXPECT_EQ(-1, transfer(fd, h, TARGET));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(3, far(BARE, CH, "state"));	/* still connected */
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));
	close(fd);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x3ff", BARE));
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
