// SPDX-License-Identifier: GPL-2.0
/*
 * untrusted_test.c - the card lies (the emulator's "lie" command): ring
 * indices beyond the ring or running backwards, an event queue head beyond
 * the queue, events for channels or of types that don't exist, states out
 * of range, a counter that jumps, a heartbeat that outruns the clock or
 * runs backwards, a hook state that is none, an undocumented cause, command
 * status or calling number.  Nothing impossible may become a length, an index or a
 * state: each is counted in sysfs card_errors, and a card that lied about
 * memory is failed the documented way (calls DISCONNECTED, origin
 * HARDWARE).  On the debug kernel KASAN and UBSAN watch the same runs.
 *
 * Card 1 is the liar; after a test that failed it, the card is unbound
 * and bound again, which is a fresh card (the driver resets it at probe).
 * Card 0 must stay unharmed.
 */
#include <limits.h>
#include <sys/mman.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define LIAR	1

static void card_state(char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/state", LIAR);
	if (tel_read_sysfs(path, buf, len))
		buf[0] = '\0';
}

static int lie(int ch, const char *what, long n)
{
	if (n < 0)
		return emu_cmd(NULL, 0, "lie %d %d %s", LIAR, ch, what);
	return emu_cmd(NULL, 0, "lie %d %d %s %ld", LIAR, ch, what, n);
}

/* The emulator's count of RESETs that came after ENABLE (card CARD). */
static long late_resets(void)
{
	char reply[512];

	if (emu_cmd(reply, sizeof(reply), "card %d", LIAR))
		return -1;
	return emu_num(reply, "late_resets");
}

FIXTURE(liar) {
	int fd;
	uint32_t h;		/* a CONNECTED call on channel 0 */
	long errors;		/* card_errors before the lie */
};

FIXTURE_SETUP(liar)
{
	emu_cmd(NULL, 0, "far %d 0 answer 20", LIAR);
	emu_cmd(NULL, 0, "audio %d 0 pattern", LIAR);
	self->fd = tel_open_card(LIAR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, tel_alloc(self->fd, 0, "100", &self->h));
	ASSERT_EQ(0, tel_wait_state(self->fd, self->h, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	self->errors = tel_sysfs_num(LIAR, "card_errors");
	ASSERT_LE(0, self->errors);
}

FIXTURE_TEARDOWN(liar)
{
	char state[32];

	close(self->fd);
	card_state(state, sizeof(state));
	/*
	 * A failed card comes back; so does one that counted lies, so that
	 * each test has the whole card_error_limit: the count never resets.
	 */
	if (strcmp(state, "running") ||
	    tel_sysfs_num(LIAR, "card_errors") > self->errors)
		EXPECT_EQ(0, tel_rebind(LIAR));
	/*
	 * A failed card is never RESET: it still had channel 0 connected,
	 * its rings freed.  The new binding must RESET it before it sets
	 * ENABLE, or a tick may move a frame into that memory.
	 */
	EXPECT_EQ(0, late_resets());
}

/* The card was failed the documented way, and nothing leaked. */
static void expect_failed(struct __test_metadata *_metadata,
			  FIXTURE_DATA(liar) *self)
{
	struct tel_call_info info;
	struct tel_event ev;
	char state[32];

	EXPECT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_CARD_GONE, &ev,
				    TEL_WAIT_MS));
	card_state(state, sizeof(state));
	EXPECT_STREQ("failed", state);
	EXPECT_LT(self->errors, tel_sysfs_num(LIAR, "card_errors"));
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	EXPECT_EQ(TEL_ORIGIN_HARDWARE, info.origin);
	EXPECT_EQ(TEL_DISC_OUTOFORDER, info.disconnect_mode);
	EXPECT_GE(2048, info.rx_pending);
	EXPECT_EQ(0, info.dma_bytes);
	EXPECT_EQ(0, tel_sysfs_num(LIAR, "dma_bytes"));
	EXPECT_EQ(0, tel_drop(self->fd, self->h, 0));
	EXPECT_EQ(0, tel_dealloc(self->fd, self->h));
	EXPECT_EQ(0, tel_sysfs_num(LIAR, "calls"));
}

/* The card kept working; the lie was counted and nothing else changed. */
static void expect_counted(struct __test_metadata *_metadata,
			   FIXTURE_DATA(liar) *self, long lies)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;
	char state[32];

	while (tel_sysfs_num(LIAR, "card_errors") < self->errors + lies &&
	       tel_test_now_ms() < end)
		usleep(2000);
	EXPECT_EQ(self->errors + lies, tel_sysfs_num(LIAR, "card_errors"));
	card_state(state, sizeof(state));
	EXPECT_STREQ("running", state);
}

static void wait_rx_pending(struct __test_metadata *_metadata, int fd,
			    uint32_t h, uint32_t want)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;
	struct tel_call_info info;

	do {
		ASSERT_EQ(0, tel_info(fd, h, &info));
	} while (info.rx_pending < want && tel_test_now_ms() < end);
	ASSERT_LE(want, info.rx_pending);
}

/*
 * The report that started this: an rx head 60,000 bytes ahead once made
 * one READ return 60,016 bytes from the 2,048-byte ring.
 */
TEST_F(liar, rx_head_beyond_the_ring_fails_the_card)
{
	static uint8_t buf[65536];

	wait_rx_pending(_metadata, self->fd, self->h, 16);
	ASSERT_EQ(0, lie(0, "rx-ahead", 60000));
	EXPECT_EQ(-1, tel_audio(self->fd, TEL_IOC_CALL_READ, self->h, buf,
				sizeof(buf), 0));
	EXPECT_EQ(EIO, errno);
	expect_failed(_metadata, self);
}

/* The ring is full (the head stands still), then the head runs back. */
TEST_F(liar, rx_head_running_backwards_fails_the_card)
{
	wait_rx_pending(_metadata, self->fd, self->h, 2048);
	ASSERT_EQ(0, lie(0, "rx-back", 64));
	wait_rx_pending(_metadata, self->fd, self->h, 0);  /* INFO reads it */
	expect_failed(_metadata, self);
}

TEST_F(liar, tx_tail_past_our_head_fails_the_card)
{
	uint8_t buf[8] = { };

	ASSERT_EQ(0, lie(0, "tx-ahead", 64));
	EXPECT_EQ(-1, tel_audio(self->fd, TEL_IOC_CALL_WRITE, self->h, buf,
				sizeof(buf), 0));
	EXPECT_EQ(EIO, errno);
	expect_failed(_metadata, self);
}

TEST_F(liar, tx_tail_running_backwards_fails_the_card)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;
	struct tel_call_info info;
	uint8_t buf[512] = { };

	ASSERT_EQ(512, tel_audio(self->fd, TEL_IOC_CALL_WRITE, self->h, buf,
				 sizeof(buf), 0));
	do {
		ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	} while (info.tx_frames < 64 && tel_test_now_ms() < end);
	ASSERT_EQ(64, info.tx_frames);
	/* this WRITE reads the tail: 512 */
	ASSERT_EQ(8, tel_audio(self->fd, TEL_IOC_CALL_WRITE, self->h, buf, 8,
			       0));
	ASSERT_EQ(0, lie(0, "tx-back", 64));
	EXPECT_EQ(-1, tel_audio(self->fd, TEL_IOC_CALL_WRITE, self->h, buf, 8,
				0));
	EXPECT_EQ(EIO, errno);
	expect_failed(_metadata, self);
}

TEST_F(liar, event_queue_head_beyond_the_queue_fails_the_card)
{
	ASSERT_EQ(0, lie(0, "evq-ahead", 1000));
	expect_failed(_metadata, self);
}

TEST_F(liar, event_for_a_channel_that_does_not_exist_is_counted)
{
	ASSERT_EQ(0, lie(0, "event-channel", 5));
	expect_counted(_metadata, self, 1);
	EXPECT_EQ(0, tel_wait_state(self->fd, self->h, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
}

TEST_F(liar, event_of_an_unknown_type_is_counted)
{
	ASSERT_EQ(0, lie(0, "event-type", 99));
	expect_counted(_metadata, self, 1);
	EXPECT_EQ(0, tel_wait_state(self->fd, self->h, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
}

TEST_F(liar, state_out_of_range_is_counted_and_changes_nothing)
{
	char path[64], buf[32];
	struct tel_call_info info;

	ASSERT_EQ(0, lie(0, "state", 42));
	expect_counted(_metadata, self, 1);
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/ch0/state", LIAR);
	ASSERT_EQ(0, tel_read_sysfs(path, buf, sizeof(buf)));
	EXPECT_STREQ("unknown", buf);
}

TEST_F(liar, counter_jump_is_counted_and_not_reported)
{
	struct tel_call_info info;

	ASSERT_EQ(0, lie(0, "counter", 1000000));
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_GT(1000000, info.rx_overruns);
	expect_counted(_metadata, self, 1);
}

/*
 * The heartbeat jumps a million ticks (17 minutes) ahead, or 1000 back:
 * the card's clock can't outrun ours, so the jump is counted once and does
 * not let a counter jump along with it.
 */
TEST_F(liar, ticks_ahead_of_the_clock_are_counted_once)
{
	struct tel_call_info info;

	ASSERT_EQ(0, lie(0, "ticks-ahead", 1000000));
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	expect_counted(_metadata, self, 1);
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	expect_counted(_metadata, self, 1);	/* counted from there on */
}

TEST_F(liar, ticks_running_backwards_are_counted_once)
{
	struct tel_call_info info;

	ASSERT_EQ(0, lie(0, "ticks-back", 1000));
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	expect_counted(_metadata, self, 1);
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	expect_counted(_metadata, self, 1);
}

/* Before the clock bound, a counter that jumped with the ticks passed. */
TEST_F(liar, counter_jump_hidden_by_a_ticks_jump_is_counted)
{
	struct tel_call_info info;

	ASSERT_EQ(0, lie(0, "ticks-ahead", 1000000));
	ASSERT_EQ(0, lie(0, "counter", 500000));
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_GT(500000, info.rx_overruns);
	expect_counted(_metadata, self, 2);
}

/* The count of events the card lost runs backwards: counted, no resync. */
TEST_F(liar, lost_event_count_running_backwards_is_counted)
{
	struct tel_call_info info;

	ASSERT_EQ(0, lie(0, "evq-lost-back", 5));
	expect_counted(_metadata, self, 1);
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
}

TEST_F(liar, hook_state_that_is_none_is_counted_and_shown_unknown)
{
	char path[64], buf[32];

	ASSERT_EQ(0, lie(0, "hook", 7));
	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/ch0/hook", LIAR);
	ASSERT_EQ(0, tel_read_sysfs(path, buf, sizeof(buf)));
	EXPECT_STREQ("unknown", buf);
	expect_counted(_metadata, self, 1);
	/* the other files of the channel do not read it */
	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/ch0/state", LIAR);
	ASSERT_EQ(0, tel_read_sysfs(path, buf, sizeof(buf)));
	EXPECT_STREQ("connected", buf);
	expect_counted(_metadata, self, 1);
}

TEST_F(liar, undocumented_cause_is_counted_as_unknown)
{
	struct tel_call_info info;

	ASSERT_EQ(0, lie(0, "cause", 0x12345));
	ASSERT_EQ(0, tel_wait_state(self->fd, self->h, TEL_CALL_DISCONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_ORIGIN_REMOTE, info.origin);
	EXPECT_EQ(TEL_DISC_UNKNOWN, info.disconnect_mode);
	expect_counted(_metadata, self, 1);
}

/*
 * Did the card take the rings of a DIAL it answered with a status that
 * does not exist?  Nobody knows: it is failed (cut off from memory)
 * before the rings are freed.
 */
TEST_F(liar, undocumented_command_status_is_eio_and_fails_the_card)
{
	long calls = tel_sysfs_num(LIAR, "calls");
	uint32_t h;

	ASSERT_EQ(0, lie(0, "cmd-status", 77));
	EXPECT_EQ(-1, tel_alloc(self->fd, 1, "101", &h));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(calls, tel_sysfs_num(LIAR, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(LIAR, "ch1/held"));
	expect_failed(_metadata, self);
}

TEST_F(liar, calling_number_without_end_is_counted_and_dropped)
{
	struct tel_event ev;

	ASSERT_EQ(0, lie(2, "number", -1));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OFFER, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(2, ev.channel);
	EXPECT_STREQ("", ev.number);
	expect_counted(_metadata, self, 1);
	EXPECT_EQ(0, emu_cmd(NULL, 0, "cancel %d 2", LIAR));
}

/*
 * The digit, digits-sent and flash events (issue 13), each field: a digit
 * that is none, a tone longer than a minute or longer than the time since
 * it began, a start in the future, more digits sent than were queued, a
 * flash nobody asked for.  The call is monitored, so that a good event
 * would reach the file: none of these does.
 */
TEST_F(liar, digit_events_that_cannot_be_are_counted_and_dropped)
{
	struct tel_call_monitor mon = {
		.handle = self->h, .flags = TEL_MONITOR_F_DIGITS,
	};
	struct tel_call_party p = { .handle = self->h };
	struct tel_event ev;

	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_MONITOR, &mon));
	ASSERT_EQ(0, lie(0, "digit", 'X'));
	ASSERT_EQ(0, lie(0, "digit", 0x135));
	ASSERT_EQ(0, lie(0, "digit-duration", 100000));
	ASSERT_EQ(0, lie(0, "digit-duration", 5000));	/* began 80 ms ago */
	ASSERT_EQ(0, lie(0, "digit-start", 1000000));
	ASSERT_EQ(0, lie(0, "sent", 5));		/* none was queued */
	ASSERT_EQ(0, lie(0, "flash", 300));		/* none was asked */
	expect_counted(_metadata, self, 7);
	while (!tel_wait_event(self->fd, TEL_EVENT_DIGIT, &ev, 100) ||
	       !tel_wait_event(self->fd, TEL_EVENT_DIGITS_SENT, &ev, 100) ||
	       !tel_wait_event(self->fd, TEL_EVENT_FLASH, &ev, 100))
		ASSERT_TRUE(false) TH_LOG("event type %u passed", ev.type);
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_PARTY, &p));
	EXPECT_EQ(0, p.digits_rx_count);
	EXPECT_EQ(0, p.flashes);
	/* and a true digit still gets through */
	ASSERT_EQ(0, lie(0, "digit", '7'));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_DIGIT, &ev, TEL_WAIT_MS));
	EXPECT_EQ('7', ev.detail);
	expect_counted(_metadata, self, 7);
}

/*
 * Hold is the owner's (issue 14): a channel that goes HELD, or back to
 * CONNECTED from HELD, without the driver's HOLD or UNHOLD is counted and
 * not believed: the call keeps its state and its file hears nothing.
 */
TEST_F(liar, hold_nobody_asked_for_is_counted_and_ignored)
{
	struct tel_call_hold req = { .handle = self->h };
	struct tel_call_info info;
	struct tel_event ev;

	while (!tel_wait_event(self->fd, TEL_EVENT_STATE, &ev, 10))
		;
	ASSERT_EQ(0, lie(0, "held", -1));
	expect_counted(_metadata, self, 1);
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(-1, tel_wait_event(self->fd, TEL_EVENT_STATE, &ev, 200));
	/* the card's channel is held: the card refuses a HOLD of its own */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_HOLD, &req));
	EXPECT_EQ(ENOTCONN, errno);
	/* back to CONNECTED: what the driver believed all along, no error */
	ASSERT_EQ(0, lie(0, "unheld", -1));
	expect_counted(_metadata, self, 1);

	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_HOLD, &req));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h, TEL_CALL_ONHOLD,
					  &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, lie(0, "unheld", -1));	/* no UNHOLD asked */
	expect_counted(_metadata, self, 2);
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_ONHOLD, info.state);
	EXPECT_EQ(-1, tel_wait_event(self->fd, TEL_EVENT_STATE, &ev, 200));
	/* held again on the card: the UNHOLD works as ever */
	ASSERT_EQ(0, lie(0, "held", -1));
	expect_counted(_metadata, self, 2);
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_UNHOLD, &req));
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	expect_counted(_metadata, self, 2);
}

/*
 * Redirect is the owner's (issue 14): an offer that ends FORWARDED with
 * no REDIRECT asked is counted, and ends as the card says it did, with
 * mode UNKNOWN: the caller's call went somewhere, not where anyone said.
 */
TEST_F(liar, forwarded_nobody_asked_for_is_counted)
{
	struct tel_call_answer ans = { .channel = 1,
				       .flags = TEL_ANSWER_F_ACCEPT };
	struct tel_call_info info;
	struct tel_event ev;

	while (!tel_wait_event(self->fd, TEL_EVENT_STATE, &ev, 10))
		;
	/* an offer no call took */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 1 5551234", LIAR));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OFFER, &ev,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, lie(1, "forwarded", -1));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_STATE, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(1, ev.channel);
	EXPECT_EQ(TEL_CALL_IDLE, ev.state);
	EXPECT_EQ(TEL_ORIGIN_REMOTE, ev.origin);
	EXPECT_EQ(TEL_DISC_UNKNOWN, ev.disconnect_mode);
	expect_counted(_metadata, self, 1);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(ENOENT, errno);

	/* an accepted one */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 1 5551234", LIAR));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OFFER, &ev,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	ASSERT_EQ(0, lie(1, "forwarded", -1));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, ans.handle,
					  TEL_CALL_DISCONNECTED, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(TEL_ORIGIN_REMOTE, ev.origin);
	EXPECT_EQ(TEL_DISC_UNKNOWN, ev.disconnect_mode);
	expect_counted(_metadata, self, 2);
	ASSERT_EQ(0, tel_info(self->fd, ans.handle, &info));
	EXPECT_EQ(TEL_DISC_UNKNOWN, info.disconnect_mode);
	ASSERT_EQ(0, tel_drop(self->fd, ans.handle, 0));
	ASSERT_EQ(0, tel_dealloc(self->fd, ans.handle));
}

/*
 * A transfer is the owner's: a call the card says was transferred with no
 * TRANSFER asked is counted, and ends as a far-end clear of unknown cause.
 */
TEST_F(liar, transferred_nobody_asked_for_is_counted)
{
	struct tel_event ev;

	while (!tel_wait_event(self->fd, TEL_EVENT_STATE, &ev, 10))
		;
	ASSERT_EQ(0, lie(0, "transferred", -1));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h,
					  TEL_CALL_DISCONNECTED, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(TEL_ORIGIN_REMOTE, ev.origin);
	EXPECT_EQ(TEL_DISC_UNKNOWN, ev.disconnect_mode);
	expect_counted(_metadata, self, 1);
	ASSERT_EQ(0, tel_drop(self->fd, self->h, 0));
	ASSERT_EQ(0, tel_dealloc(self->fd, self->h));
}

/*
 * A JOIN's answer is believed for the two calls it names only: a third
 * the card says it transferred along is counted, and ends as a far-end
 * clear of unknown cause; the two joined end TRANSFER as asked.
 */
TEST_F(liar, join_that_ends_a_third_call_is_counted)
{
	struct tel_call_complete_transfer req = { 0 };
	struct tel_call_info info;
	struct tel_event ev;
	uint32_t a, b;

	emu_cmd(NULL, 0, "far %d 1 answer 20", LIAR);
	emu_cmd(NULL, 0, "far %d 2 answer 20", LIAR);
	ASSERT_EQ(0, tel_alloc(self->fd, 1, "2001", &a));
	ASSERT_EQ(0, tel_alloc(self->fd, 2, "3002", &b));
	ASSERT_EQ(0, tel_wait_state(self->fd, a, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_wait_state(self->fd, b, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	while (!tel_wait_event(self->fd, TEL_EVENT_STATE, &ev, 10))
		;
	ASSERT_EQ(0, lie(0, "join-stray", -1));
	req.handle = a;
	req.consult_handle = b;
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_COMPLETE_TRANSFER, &req));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h,
					  TEL_CALL_DISCONNECTED, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(TEL_ORIGIN_REMOTE, ev.origin);
	EXPECT_EQ(TEL_DISC_UNKNOWN, ev.disconnect_mode);
	ASSERT_EQ(0, tel_info(self->fd, a, &info));
	EXPECT_EQ(TEL_ORIGIN_TRANSFER, info.origin);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, info.disconnect_mode);
	ASSERT_EQ(0, tel_info(self->fd, b, &info));
	EXPECT_EQ(TEL_ORIGIN_TRANSFER, info.origin);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, info.disconnect_mode);
	expect_counted(_metadata, self, 1);
	ASSERT_EQ(0, tel_drop(self->fd, a, 0));
	ASSERT_EQ(0, tel_drop(self->fd, b, 0));
	ASSERT_EQ(0, tel_drop(self->fd, self->h, 0));
	ASSERT_EQ(0, tel_dealloc(self->fd, a));
	ASSERT_EQ(0, tel_dealloc(self->fd, b));
	ASSERT_EQ(0, tel_dealloc(self->fd, self->h));
}

/* Caller ID that breaks card.rst's rules: counted, and never shown. */
TEST_F(liar, caller_id_that_cannot_be_is_counted_and_dropped)
{
	static const char *const lies[] = {
		"offer-pres", "offer-name", "offer-name-ctrl", "offer-withheld",
	};
	struct tel_event ev;
	int fd1 = tel_open_card(LIAR);

	ASSERT_LE(0, fd1);
	for (unsigned int i = 0; i < 4; i++) {
		/* on channel 1, idle: the offer reaches every file */
		ASSERT_EQ(0, lie(1, lies[i], 7));
		ASSERT_EQ(0, tel_wait_event(fd1, TEL_EVENT_OFFER, &ev,
					    TEL_WAIT_MS)) TH_LOG("%s", lies[i]);
		EXPECT_EQ(1, ev.channel);
		if (i == 0 || i == 3) {	/* no number with a bad presentation */
			EXPECT_STREQ("", ev.number);
			EXPECT_NE(TEL_PRES_ALLOWED, ev.detail);
		} else {		/* a bad name alone: the number stays */
			EXPECT_STREQ("5551234", ev.number);
			EXPECT_EQ(TEL_PRES_ALLOWED, ev.detail);
		}
		/* the far end gives up: the channel is idle for the next */
		ASSERT_EQ(0, emu_cmd(NULL, 0, "cancel %d 1", LIAR));
		ASSERT_EQ(0, tel_wait_event(fd1, TEL_EVENT_STATE, &ev,
					    TEL_WAIT_MS));
	}
	expect_counted(_metadata, self, 4);
	close(fd1);
}

/* Lies that are only counted fail the card at card_error_limit. */
TEST_F(liar, card_error_limit_fails_the_card)
{
	const char *param = "/sys/module/tel/parameters/card_error_limit";
	char limit[32];

	snprintf(limit, sizeof(limit), "%ld", self->errors + 2);
	ASSERT_EQ(0, tel_write_file(param, limit));
	ASSERT_EQ(0, lie(0, "event-type", 98));
	ASSERT_EQ(0, lie(0, "event-type", 97));
	expect_failed(_metadata, self);
	EXPECT_EQ(0, tel_write_file(param, "16"));
}

TEST(other_card_unharmed)
{
	int fd = tel_open_card(0);
	uint32_t h;

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, tel_sysfs_num(0, "card_errors"));
	ASSERT_EQ(0, tel_alloc(fd, 0, "100", &h));
	EXPECT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	close(fd);
}

TEST_HARNESS_MAIN
