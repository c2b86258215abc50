// SPDX-License-Identifier: GPL-2.0
/*
 * consult_test.c - consultation transfer (issue 14: lineSetupTransfer,
 * lineCompleteTransfer, and going back).  The first call A is held (or
 * talks), a consultation call B is placed on another channel of the same
 * card, then TEL_IOC_CALL_COMPLETE_TRANSFER joins A's far party to B's
 * and leaves, or the consultation call is dropped and A unheld.
 *
 * What the far parties get is read from the emulated network, never from
 * the driver's state: whom each is connected to now (stats connected_to),
 * and what each hears, measured from its samples: once joined, each far
 * party says its own number in DTMF, and the other one's own detector
 * must find exactly that number, nothing of the host (far_rx_bytes stops),
 * and then exactly what the other says after.  Our two calls end
 * DISCONNECTED, origin TRANSFER, mode TRANSFERRED; every errno, each
 * leaving both calls and both far parties as they were.
 */
#include <sys/ioctl.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD	0
#define CH_A	2	/* the first call */
#define CH_B	3	/* the consultation call */
#define BARE	1	/* the card stripped of join, then failed */
#define NUM_A	"2001"
#define NUM_B	"3002"
#define CALLER	"5551234"

static int complete(int fd, uint32_t h, uint32_t consult)
{
	struct tel_call_complete_transfer req = { .handle = h,
						  .consult_handle = consult };

	return ioctl(fd, TEL_IOC_CALL_COMPLETE_TRANSFER, &req);
}

static int hold(int fd, uint32_t h, unsigned long cmd)
{
	struct tel_call_hold req = { .handle = h };

	return ioctl(fd, cmd, &req);
}

static long far(int card, int ch, const char *key)
{
	char reply[1024];

	if (emu_cmd(reply, sizeof(reply), "stats %d %d", card, ch))
		return -1;
	return emu_num(reply, key);
}

static void far_str(int ch, const char *key, char *out, size_t len)
{
	char reply[1024];

	out[0] = '\0';
	if (!emu_cmd(reply, sizeof(reply), "stats %d %d", CARD, ch))
		emu_val(reply, key, out, len);
}

/* Wait until the far party's own detector heard exactly @want. */
static bool far_hears(int ch, const char *want, char *heard, size_t len)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;

	do {
		far_str(ch, "far_digits", heard, len);
		if (!strcmp(heard, want))
			return true;
		usleep(20000);
	} while (tel_test_now_ms() < end);
	return false;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Wait until the far party's stats say @key="@want". */
static bool far_is(int ch, const char *key, const char *want, char *v,
		   size_t len)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;

	do {
		far_str(ch, key, v, len);
		if (!strcmp(v, want))
			return true;
		usleep(20000);
	} while (tel_test_now_ms() < end);
	return false;
}

/* The far party on @ch says @digits (once done with what it says now). */
static int far_says(int ch, const char *digits)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;
	char reply[256];

	while (emu_cmd(reply, sizeof(reply), "digits %d %d %s", CARD, ch,
		       digits)) {
		if (strcmp(reply, "err busy") || tel_test_now_ms() > end)
			return -1;
		usleep(20000);
	}
	return 0;
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

static void drain(int fd)
{
	struct tel_event ev;

	while (!tel_wait_event(fd, TEL_EVENT_STATE, &ev, 10))
		;
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

FIXTURE(consult) {
	int fd;
	uint32_t a;	/* CONNECTED on CH_A, to NUM_A */
	uint32_t b;	/* the consultation call on CH_B, once placed */
};

FIXTURE_SETUP(consult)
{
	emu_cmd(NULL, 0, "far %d %d answer 20", CARD, CH_A);
	emu_cmd(NULL, 0, "far %d %d answer 20", CARD, CH_B);
	emu_cmd(NULL, 0, "audio %d %d pattern", CARD, CH_A);
	emu_cmd(NULL, 0, "audio %d %d pattern", CARD, CH_B);
	self->fd = tel_open_card(CARD);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, tel_alloc(self->fd, CH_A, NUM_A, &self->a));
	ASSERT_EQ(0, tel_wait_state(self->fd, self->a, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	self->b = 0;
	drain(self->fd);
}

FIXTURE_TEARDOWN(consult)
{
	emu_cmd(NULL, 0, "far %d %d answer 20", CARD, CH_B);
	close(self->fd);	/* drops and deallocates what is left */
}

/* lineSetupTransfer: A on hold, B placed and answered. */
static void setup_transfer(struct __test_metadata *_metadata,
			   FIXTURE_DATA(consult) *self)
{
	struct tel_event ev;

	ASSERT_EQ(0, hold(self->fd, self->a, TEL_IOC_CALL_HOLD));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->a, TEL_CALL_ONHOLD,
					  &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, tel_alloc(self->fd, CH_B, NUM_B, &self->b));
	ASSERT_EQ(0, tel_wait_state(self->fd, self->b, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	drain(self->fd);
}

/* One of ours after the join: ended TRANSFERRED, its counters stopped. */
static void expect_left(struct __test_metadata *_metadata, int fd,
			uint32_t h, int ch)
{
	struct tel_call_info info, later;
	struct tel_event ev;
	struct proc_line pl;
	long rx;

	ASSERT_EQ(0, tel_wait_state_event(fd, h, TEL_CALL_DISCONNECTED, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(TEL_ORIGIN_TRANSFER, ev.origin);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, ev.disconnect_mode);
	ASSERT_EQ(0, tel_info(fd, h, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_TRANSFER, info.origin);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, info.disconnect_mode);
	EXPECT_NE(0, info.disconnect_ns);
	/* nothing of the host after the join: not written, not sent */
	rx = far(CARD, ch, "far_rx_bytes");
	EXPECT_EQ(-1, write_ramp(fd, h, 160));
	EXPECT_EQ(EPIPE, errno);
	usleep(200000);
	EXPECT_EQ(rx, far(CARD, ch, "far_rx_bytes"));
	ASSERT_EQ(0, tel_info(fd, h, &later));
	EXPECT_EQ(info.tx_frames, later.tx_frames);
	EXPECT_EQ(info.rx_frames, later.rx_frames);
	ASSERT_EQ(1, proc_find(CARD, h, getpid(), &pl));
	EXPECT_STREQ("disconnected", pl.state);
	EXPECT_STREQ("transfer", pl.origin);
	EXPECT_STREQ("transferred", pl.mode);
}

/*
 * The far parties of CH_A and CH_B are joined: each is connected to the
 * other, hears the other's number and nothing else, and then what the
 * other says: only them.
 */
static void expect_joined(struct __test_metadata *_metadata,
			  const char *num_a, const char *num_b)
{
	char v[80], want[80];

	EXPECT_TRUE(far_is(CH_A, "connected_to", num_b, v, sizeof(v)))
		TH_LOG("A is connected to \"%s\"", v);
	EXPECT_TRUE(far_is(CH_B, "connected_to", num_a, v, sizeof(v)))
		TH_LOG("B is connected to \"%s\"", v);
	EXPECT_TRUE(far_hears(CH_A, num_b, v, sizeof(v)))
		TH_LOG("A's detector heard \"%s\", not B's number", v);
	EXPECT_TRUE(far_hears(CH_B, num_a, v, sizeof(v)))
		TH_LOG("B's detector heard \"%s\", not A's number", v);
	/* B speaks: A hears it, B does not hear itself */
	ASSERT_EQ(0, far_says(CH_B, "47"));
	snprintf(want, sizeof(want), "%s47", num_b);
	EXPECT_TRUE(far_hears(CH_A, want, v, sizeof(v)))
		TH_LOG("A's detector heard \"%s\"", v);
	far_str(CH_B, "far_digits", v, sizeof(v));
	EXPECT_STREQ(num_a, v);
	/* A speaks: B hears it */
	ASSERT_EQ(0, far_says(CH_A, "9#"));
	snprintf(want, sizeof(want), "%s9#", num_a);
	EXPECT_TRUE(far_hears(CH_B, want, v, sizeof(v)))
		TH_LOG("B's detector heard \"%s\"", v);
}

/* Both of ours are over: DROP keeps who ended them; the two stay joined. */
static void expect_released(struct __test_metadata *_metadata, int fd,
			    uint32_t a, uint32_t b, const char *num_b)
{
	struct tel_call_info info;
	char v[80];

	EXPECT_EQ(-1, complete(fd, a, b));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, tel_drop(fd, a, 0));
	ASSERT_EQ(0, tel_drop(fd, b, 0));
	ASSERT_EQ(0, tel_info(fd, a, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_ORIGIN_TRANSFER, info.origin);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, info.disconnect_mode);
	far_str(CH_A, "connected_to", v, sizeof(v));
	EXPECT_STREQ(num_b, v);
	ASSERT_EQ(0, tel_dealloc(fd, a));
	ASSERT_EQ(0, tel_dealloc(fd, b));
}

TEST(features_announced)
{
	struct tel_card_info info = { };
	char buf[256];
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &info));
	EXPECT_EQ(TEL_FEAT_CONSULT, info.features & TEL_FEAT_CONSULT);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", CARD);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, " consult"));
	close(fd);
}

/* The TAPI sequence: hold A, consult B, complete: A and B talk. */
TEST_F(consult, complete_a_held_call)
{
	long joins = far(CARD, CH_A, "joins");
	uint64_t t0;

	setup_transfer(_metadata, self);
	ASSERT_EQ(160, write_ramp(self->fd, self->b, 160));
	ASSERT_LE(160, far_rx_reaches(CH_B, 160));	/* B heard us */
	t0 = now_us();
	ASSERT_EQ(0, complete(self->fd, self->a, self->b));
	/* a figure, not a bound: the JOIN's round trip through the card */
	ksft_print_msg("COMPLETE_TRANSFER took %llu us\n",
		       (unsigned long long)(now_us() - t0));
	EXPECT_EQ(joins + 1, far(CARD, CH_A, "joins"));
	expect_left(_metadata, self->fd, self->a, CH_A);
	expect_left(_metadata, self->fd, self->b, CH_B);
	expect_joined(_metadata, NUM_A, NUM_B);
	expect_released(_metadata, self->fd, self->a, self->b, NUM_B);
}

/* A first call that talks (not held) may be completed as well. */
TEST_F(consult, complete_a_connected_call)
{
	ASSERT_EQ(0, tel_alloc(self->fd, CH_B, NUM_B, &self->b));
	ASSERT_EQ(0, tel_wait_state(self->fd, self->b, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, complete(self->fd, self->a, self->b));
	expect_left(_metadata, self->fd, self->a, CH_A);
	expect_left(_metadata, self->fd, self->b, CH_B);
	expect_joined(_metadata, NUM_A, NUM_B);
	expect_released(_metadata, self->fd, self->a, self->b, NUM_B);
}

/* An answered offer is the first call: B hears the caller's number. */
TEST(complete_an_answered_offer)
{
	struct tel_call_answer ans = { .channel = CH_A };
	struct tel_event ev;
	uint32_t b;
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	emu_cmd(NULL, 0, "far %d %d answer 20", CARD, CH_B);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d %d " CALLER, CARD, CH_A));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	ASSERT_EQ(0, hold(fd, ans.handle, TEL_IOC_CALL_HOLD));
	ASSERT_EQ(0, tel_alloc(fd, CH_B, NUM_B, &b));
	ASSERT_EQ(0, tel_wait_state(fd, b, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	ASSERT_EQ(0, complete(fd, ans.handle, b));
	expect_left(_metadata, fd, ans.handle, CH_A);
	expect_left(_metadata, fd, b, CH_B);
	expect_joined(_metadata, CALLER, NUM_B);
	expect_released(_metadata, fd, ans.handle, b, NUM_B);
	close(fd);
}

/*
 * Completed while B still rings (TAPI allows it): ours end at once; A is
 * connected to nobody and hears nothing until B answers, then to B.
 */
TEST_F(consult, complete_on_ringback)
{
	char v[80];

	ASSERT_EQ(0, hold(self->fd, self->a, TEL_IOC_CALL_HOLD));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d %d answer 3000", CARD, CH_B));
	ASSERT_EQ(0, tel_alloc(self->fd, CH_B, NUM_B, &self->b));
	ASSERT_EQ(0, tel_wait_state(self->fd, self->b, TEL_CALL_RINGBACK,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, complete(self->fd, self->a, self->b));
	expect_left(_metadata, self->fd, self->a, CH_A);
	expect_left(_metadata, self->fd, self->b, CH_B);
	far_str(CH_A, "connected_to", v, sizeof(v));
	EXPECT_STREQ("", v);	/* B has not answered yet */
	far_str(CH_A, "far_digits", v, sizeof(v));
	EXPECT_STREQ("", v);
	/* B answers: the network connects them, ours stay ended */
	expect_joined(_metadata, NUM_A, NUM_B);
	expect_released(_metadata, self->fd, self->a, self->b, NUM_B);
}

/* Completed on ringback, and B never answers: A is left with nobody. */
TEST_F(consult, complete_on_ringback_never_answered)
{
	char v[80];

	ASSERT_EQ(0, hold(self->fd, self->a, TEL_IOC_CALL_HOLD));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d %d noanswer", CARD, CH_B));
	ASSERT_EQ(0, tel_alloc(self->fd, CH_B, NUM_B, &self->b));
	ASSERT_EQ(0, tel_wait_state(self->fd, self->b, TEL_CALL_RINGBACK,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, complete(self->fd, self->a, self->b));
	expect_left(_metadata, self->fd, self->a, CH_A);
	expect_left(_metadata, self->fd, self->b, CH_B);
	usleep(1000000);
	far_str(CH_A, "connected_to", v, sizeof(v));
	EXPECT_STREQ("", v);
	far_str(CH_A, "far_digits", v, sizeof(v));
	EXPECT_STREQ("", v);	/* nobody speaks to it */
	far_str(CH_B, "connected_to", v, sizeof(v));
	EXPECT_STREQ("", v);
	expect_released(_metadata, self->fd, self->a, self->b, "");
}

/*
 * Going back: drop the consultation call, unhold the first.  A is on
 * our call again: it hears the host again, and nobody was joined.
 */
TEST_F(consult, go_back)
{
	long joins = far(CARD, CH_A, "joins"), rx;
	struct tel_call_info info;
	char v[80];

	setup_transfer(_metadata, self);
	ASSERT_EQ(0, tel_drop(self->fd, self->b, 0));
	ASSERT_EQ(0, tel_dealloc(self->fd, self->b));
	ASSERT_EQ(0, hold(self->fd, self->a, TEL_IOC_CALL_UNHOLD));
	ASSERT_EQ(0, tel_info(self->fd, self->a, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(joins, far(CARD, CH_A, "joins"));
	far_str(CH_A, "connected_to", v, sizeof(v));
	EXPECT_STREQ("", v);	/* still on our call */
	EXPECT_EQ(0, far(CARD, CH_B, "state"));	/* B hung up: idle */
	rx = far(CARD, CH_A, "far_rx_bytes");
	ASSERT_EQ(160, write_ramp(self->fd, self->a, 160));
	EXPECT_LE(rx + 160, far_rx_reaches(CH_A, rx + 160));
	ASSERT_EQ(0, tel_drop(self->fd, self->a, 0));
	ASSERT_EQ(0, tel_dealloc(self->fd, self->a));
}

/* Every errno: each leaves both calls and both far parties as they were. */
TEST_F(consult, complete_errnos)
{
	struct tel_call_complete_transfer req = { .handle = self->a };
	struct tel_call_flash f = { .ms = 2000 };
	struct tel_call_info info;
	struct tel_event ev;
	long joins, joins_b;

	setup_transfer(_metadata, self);
	joins = far(CARD, CH_A, "joins");
	joins_b = far(CARD, CH_B, "joins");
	req.consult_handle = self->b;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_COMPLETE_TRANSFER, NULL));
	EXPECT_EQ(EFAULT, errno);
	for (unsigned int i = 0; i < 32; i++) {
		req.flags = 1u << i;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_COMPLETE_TRANSFER,
				    &req));
		EXPECT_EQ(EINVAL, errno);
	}
	req.flags = 0;
	for (unsigned int i = 0; i < 5; i++) {
		req.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_COMPLETE_TRANSFER,
				    &req));
		EXPECT_EQ(EINVAL, errno);
		req.reserved[i] = 0;
	}
	EXPECT_EQ(-1, complete(self->fd, self->a, self->a));
	EXPECT_EQ(EINVAL, errno);	/* the same call twice */
	EXPECT_EQ(-1, complete(self->fd, self->a + 1000, self->b));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, complete(self->fd, self->a, self->b + 1000));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, complete(self->fd, 0, self->b));
	EXPECT_EQ(ENOENT, errno);
	/* the wrong way round: B is not held, A is not a consultation */
	EXPECT_EQ(-1, complete(self->fd, self->b, self->a));
	EXPECT_EQ(ENOTCONN, errno);
	/* the consultation call held: ENOTCONN */
	ASSERT_EQ(0, hold(self->fd, self->b, TEL_IOC_CALL_HOLD));
	EXPECT_EQ(-1, complete(self->fd, self->a, self->b));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, hold(self->fd, self->b, TEL_IOC_CALL_UNHOLD));
	/* during a hook flash on the consultation call: EBUSY */
	f.handle = self->b;
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_FLASH, &f));
	EXPECT_EQ(-1, complete(self->fd, self->a, self->b));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_FLASH, &ev,
				    TEL_WAIT_MS));
	/* none of it moved a far party, nor changed a call */
	EXPECT_EQ(joins, far(CARD, CH_A, "joins"));
	EXPECT_EQ(joins_b, far(CARD, CH_B, "joins"));
	ASSERT_EQ(0, tel_info(self->fd, self->a, &info));
	EXPECT_EQ(TEL_CALL_ONHOLD, info.state);
	ASSERT_EQ(0, tel_info(self->fd, self->b, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(6, far(CARD, CH_A, "state"));	/* HELD */
	EXPECT_EQ(3, far(CARD, CH_B, "state"));	/* CONNECTED */

	/* the first call's far end clears it: ENOTCONN, B untouched */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "hangup %d %d normal", CARD, CH_A));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->a,
					  TEL_CALL_DISCONNECTED, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(-1, complete(self->fd, self->a, self->b));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, tel_info(self->fd, self->b, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	ASSERT_EQ(0, tel_drop(self->fd, self->a, 0));
	EXPECT_EQ(-1, complete(self->fd, self->a, self->b));	/* IDLE */
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(joins, far(CARD, CH_A, "joins"));
}

/* A hook flash on the first call: EBUSY too. */
TEST_F(consult, complete_during_a_flash_of_the_first)
{
	struct tel_call_flash f = { .handle = self->a, .ms = 2000 };
	struct tel_call_info info;
	struct tel_event ev;

	ASSERT_EQ(0, tel_alloc(self->fd, CH_B, NUM_B, &self->b));
	ASSERT_EQ(0, tel_wait_state(self->fd, self->b, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_FLASH, &f));
	EXPECT_EQ(-1, complete(self->fd, self->a, self->b));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_FLASH, &ev,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_info(self->fd, self->a, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	ASSERT_EQ(0, tel_info(self->fd, self->b, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
}

/* A first call dialing, or a consultation call dialing: ENOTCONN. */
TEST_F(consult, complete_needs_the_states)
{
	struct tel_call_info info;
	uint32_t c;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d %d silent", CARD, CH_B));
	ASSERT_EQ(0, tel_alloc(self->fd, CH_B, NUM_B, &c));
	ASSERT_EQ(0, tel_info(self->fd, c, &info));
	ASSERT_EQ(TEL_CALL_DIALING, info.state);
	EXPECT_EQ(-1, complete(self->fd, self->a, c));
	EXPECT_EQ(ENOTCONN, errno);	/* B only dialing */
	EXPECT_EQ(-1, complete(self->fd, c, self->a));
	EXPECT_EQ(ENOTCONN, errno);	/* the first dialing */
	ASSERT_EQ(0, tel_drop(self->fd, c, 0));
	EXPECT_EQ(-1, complete(self->fd, self->a, c));
	EXPECT_EQ(ENOTCONN, errno);	/* B idle */
	ASSERT_EQ(0, tel_dealloc(self->fd, c));
	ASSERT_EQ(0, tel_info(self->fd, self->a, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
}

/*
 * Another file's call is not ours to name: ENOENT, as for any handle,
 * though the number is a handle of that file.
 */
TEST_F(consult, another_files_call_is_enoent)
{
	int fd2 = tel_open_card(CARD);
	struct tel_call_info info;
	uint32_t c;

	ASSERT_LE(0, fd2);
	setup_transfer(_metadata, self);
	emu_cmd(NULL, 0, "far %d 1 answer 20", CARD);
	ASSERT_EQ(0, tel_alloc(fd2, 1, "100", &c));
	ASSERT_EQ(0, tel_wait_state(fd2, c, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	ASSERT_NE(c, self->b);	/* a handle fd2 does not have */
	EXPECT_EQ(-1, complete(fd2, c, self->b));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, complete(fd2, self->b, c));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, tel_info(fd2, c, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	ASSERT_EQ(0, tel_info(self->fd, self->b, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	close(fd2);
}

/* A monitor sees both calls end, and may not complete a transfer. */
TEST_F(consult, monitor_sees_the_join)
{
	struct tel_call_info ia, ib;
	struct tel_event ev;
	int mon = open_monitor(), seen = 0;

	ASSERT_LE(0, mon);
	setup_transfer(_metadata, self);
	ASSERT_EQ(0, tel_info(self->fd, self->a, &ia));
	ASSERT_EQ(0, tel_info(self->fd, self->b, &ib));
	EXPECT_EQ(-1, complete(mon, ia.id, ib.id));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CALL_COMPLETE_TRANSFER, NULL));
	EXPECT_EQ(EPERM, errno);
	drain(mon);
	ASSERT_EQ(0, complete(self->fd, self->a, self->b));
	while (seen != 3) {
		ASSERT_EQ(0, tel_wait_event(mon, TEL_EVENT_STATE, &ev,
					    TEL_WAIT_MS));
		if (ev.state != TEL_CALL_DISCONNECTED)
			continue;
		EXPECT_EQ(TEL_ORIGIN_TRANSFER, ev.origin);
		EXPECT_EQ(TEL_DISC_TRANSFERRED, ev.disconnect_mode);
		seen |= ev.handle == ia.id ? 1 : ev.handle == ib.id ? 2 : 0;
	}
	close(mon);
}

/*
 * A card without TEL_CAP_JOIN: no feature bit, EOPNOTSUPP, nothing
 * moved.  Then the card with join, failing under a JOIN (EIO: a status
 * that does not exist), and gone (ENODEV).  (A command that times out
 * leaves a card that no rebind brings back in this VM: fault_test's
 * ETIMEDOUT is the same path, tel_hw_command(), for every command.)
 */
TEST(card_without_join_then_gone)
{
	struct tel_card_info ci = { };
	struct tel_event ev;
	uint32_t a, b;
	char buf[256];
	int fd;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x7f", BARE));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &ci));
	EXPECT_EQ(0, ci.features & TEL_FEAT_CONSULT);
	EXPECT_EQ(TEL_FEAT_TRANSFER, ci.features & TEL_FEAT_TRANSFER);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", BARE);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_EQ(NULL, strstr(buf, "consult"));
	emu_cmd(NULL, 0, "far %d %d answer 20", BARE, CH_A);
	emu_cmd(NULL, 0, "far %d %d answer 20", BARE, CH_B);
	ASSERT_EQ(0, tel_alloc(fd, CH_A, NUM_A, &a));
	ASSERT_EQ(0, tel_alloc(fd, CH_B, NUM_B, &b));
	ASSERT_EQ(0, tel_wait_state(fd, a, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	ASSERT_EQ(0, tel_wait_state(fd, b, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	EXPECT_EQ(-1, complete(fd, a, b));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(3, far(BARE, CH_A, "state"));	/* both still connected */
	EXPECT_EQ(3, far(BARE, CH_B, "state"));
	close(fd);

	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x3ff", BARE));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", BARE);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, " consult"));
	ASSERT_EQ(0, tel_alloc(fd, CH_A, NUM_A, &a));
	ASSERT_EQ(0, tel_alloc(fd, CH_B, NUM_B, &b));
	ASSERT_EQ(0, tel_wait_state(fd, a, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	ASSERT_EQ(0, tel_wait_state(fd, b, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	/* a status that does not exist: EIO, and the card is failed */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "lie %d %d cmd-status 99", BARE, CH_A));
	EXPECT_EQ(-1, complete(fd, a, b));
	EXPECT_EQ(EIO, errno);
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_CARD_GONE, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(-1, complete(fd, a, b));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, tel_drop(fd, a, 0));
	ASSERT_EQ(0, tel_drop(fd, b, 0));
	ASSERT_EQ(0, tel_dealloc(fd, a));
	ASSERT_EQ(0, tel_dealloc(fd, b));
	close(fd);
	ASSERT_EQ(0, tel_rebind(BARE));
}

TEST_HARNESS_MAIN
