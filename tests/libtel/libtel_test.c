// SPDX-License-Identifier: GPL-2.0
/*
 * libtel_test.c - every public libtel function and its error paths, on
 * card 0 of the VM, with the emulator playing the far end
 */
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* <linux/tel.h> (in tel_test.h) before libtel.h, which then defers to it */
#include "../selftests/tel_test.h"
#include <libtel.h>
#include "kselftest_harness.h"

#define CARD	0

static void emu_defaults(unsigned int channels)
{
	unsigned int ch;

	for (ch = 0; ch < channels; ch++) {
		emu_cmd(NULL, 0, "far %d %u answer 20", CARD, ch);
		emu_cmd(NULL, 0, "audio %d %u pattern", CARD, ch);
	}
}

TEST(names)
{
	static const char *const modes[] = {
		"normal", "unknown", "reject", "busy", "noanswer",
		"badaddress", "unreachable", "congestion", "incompatible",
		"unavail", "nodialtone", "numberchanged", "outoforder",
		"tempfailure", "blocked", "cancelled",
	};
	unsigned int i;

	EXPECT_STREQ("idle", tel_state_name(TEL_CALL_IDLE));
	EXPECT_STREQ("ringback", tel_state_name(TEL_CALL_RINGBACK));
	EXPECT_STREQ("disconnected", tel_state_name(TEL_CALL_DISCONNECTED));
	EXPECT_STREQ("application", tel_origin_name(TEL_ORIGIN_APPLICATION));
	EXPECT_STREQ("in", tel_direction_name(TEL_DIR_INBOUND));
	EXPECT_STREQ("offer", tel_event_type_name(TEL_EVENT_OFFER));
	EXPECT_STREQ("busy", tel_disconnect_mode_name(TEL_DISC_BUSY));
	EXPECT_STREQ("file", tel_owner_name(TEL_OWNER_FILE));
	EXPECT_STREQ("dahdi", tel_owner_name(TEL_OWNER_BRIDGE));
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		int64_t m = tel_disconnect_mode_from_name(modes[i]);

		ASSERT_GT(m, 0);
		EXPECT_STREQ(modes[i], tel_disconnect_mode_name((uint32_t)m));
	}
	for (i = 0; i <= TEL_CALL_DISCONNECTED; i++)
		EXPECT_EQ((int)i, tel_state_from_name(tel_state_name(i)));
	for (i = 0; i <= TEL_ORIGIN_HARDWARE; i++)
		EXPECT_EQ((int)i, tel_origin_from_name(tel_origin_name(i)));
	EXPECT_EQ(TEL_DIR_OUTBOUND, tel_direction_from_name("out"));

	errno = 0;
	EXPECT_EQ(NULL, tel_state_name(99));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, tel_origin_name(99));
	EXPECT_EQ(NULL, tel_direction_name(2));
	EXPECT_EQ(NULL, tel_event_type_name(0));
	EXPECT_STREQ("handoff", tel_owner_name(TEL_OWNER_HANDOFF));
	EXPECT_EQ(NULL, tel_owner_name(3));
	EXPECT_EQ(NULL, tel_disconnect_mode_name(0));
	EXPECT_EQ(-1, tel_state_from_name("nope"));
	EXPECT_EQ(-1, tel_origin_from_name(NULL));
	EXPECT_EQ(-1, tel_direction_from_name("sideways"));
	EXPECT_EQ(-1, tel_disconnect_mode_from_name("BUSY"));
	{
		char v[32];

		snprintf(v, sizeof(v), "%d.%d.%d", LIBTEL_VERSION_MAJOR,
			 LIBTEL_VERSION_MINOR, LIBTEL_VERSION_PATCH);
		EXPECT_STREQ(v, tel_version());
	}
}

TEST(card_list_and_open_errors)
{
	unsigned int idx[16];
	int n = tel_card_list(idx, 16);

	ASSERT_GE(n, 1);
	EXPECT_EQ(atoi(getenv("TEL_CARDS") ? : "1"), n);
	EXPECT_EQ(0u, idx[0]);
	EXPECT_EQ(n, tel_card_list(NULL, 0));
	EXPECT_EQ(-1, tel_card_list(NULL, 1));
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(NULL, tel_card_open(77));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(NULL, tel_card_open_path("/dev/null"));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(NULL, tel_card_open_path(NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_card_close(NULL));
	EXPECT_EQ(EINVAL, errno);
}

TEST(card_identity_and_sysfs)
{
	struct tel_channel_status st;
	struct tel_card *card = tel_card_open_path("/dev/tel0");
	char buf[64];
	uint64_t v;

	ASSERT_NE(NULL, card);
	EXPECT_GE(tel_card_fd(card), 0);
	EXPECT_EQ(0u, tel_card_index(card));
	EXPECT_EQ((unsigned int)tel_sysfs_num(CARD, "channels"),
		  tel_card_channel_count(card));
	EXPECT_EQ(0, strncmp(tel_card_model(card), "tel-emu E", 9));
	EXPECT_STREQ("emu-1.0", tel_card_firmware(card));
	EXPECT_STREQ("EMU-0001", tel_card_serial(card));
	EXPECT_EQ(8000u, tel_card_sample_rate(card));
	EXPECT_EQ(8u, tel_card_frame_samples(card));
	EXPECT_EQ(0, tel_card_is_gone(card));

	EXPECT_EQ((int)strlen(tel_card_model(card)),
		  tel_card_attr(CARD, "model", buf, sizeof(buf)));
	EXPECT_STREQ(tel_card_model(card), buf);
	EXPECT_EQ(0, tel_card_attr_u64(CARD, "channels", &v));
	EXPECT_EQ(tel_card_channel_count(card), v);
	EXPECT_EQ(-1, tel_card_attr(CARD, "no_such_attr", buf, sizeof(buf)));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_card_attr(CARD, "../../x", buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_card_attr_u64(CARD, "model", &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_card_attr(77, "model", buf, sizeof(buf)));
	EXPECT_EQ(ENOENT, errno);

	if (tel_channel_status(CARD, 0, &st) == 0) {
		EXPECT_STREQ("idle", st.state);
		EXPECT_EQ(0, st.hook);
		EXPECT_EQ(0, st.held);
		EXPECT_EQ(-1, st.owner_pid);
	} else {
		EXPECT_EQ(EOPNOTSUPP, errno);
	}
	EXPECT_EQ(-1, tel_channel_status(CARD, 9999, &st));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(0, tel_card_close(card));
}

FIXTURE(lib) {
	struct tel_card *card;
};

FIXTURE_SETUP(lib)
{
	self->card = tel_card_open(CARD);
	ASSERT_NE(NULL, self->card);
	emu_defaults(tel_card_channel_count(self->card));
}

FIXTURE_TEARDOWN(lib)
{
	tel_card_close(self->card);
	emu_defaults(8);
}

/* dial, connect, audio both ways, drop, post-drop read, dealloc */
TEST_F(lib, call_lifecycle)
{
	unsigned char tx[800], rx[4096];
	struct tel_call_record rec;
	struct tel_channel_status st;
	struct tel_call *call;
	size_t got = 0, i;
	ssize_t n;
	uint64_t before;

	ASSERT_EQ(0, tel_card_attr_u64(CARD, "dma_bytes", &before));
	call = tel_call_dial(self->card, 2, "5551234");
	ASSERT_NE(NULL, call);
	EXPECT_EQ(2u, tel_call_channel(call));
	EXPECT_NE(0u, tel_call_handle(call));
	EXPECT_EQ(self->card, tel_call_card(call));
	EXPECT_EQ(call, tel_card_find_call(self->card, tel_call_handle(call)));
	EXPECT_EQ(NULL, tel_card_find_call(self->card, 0x7ffffff0));
	EXPECT_EQ(ENOENT, errno);

	/* not connected yet: no audio either way */
	EXPECT_EQ(-1, tel_call_write(call, tx, 8, 0));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, tel_call_read(call, rx, sizeof(rx), 0));
	EXPECT_EQ(EAGAIN, errno);

	ASSERT_EQ(0, tel_call_wait_state(call, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(call));
	if (tel_channel_status(CARD, 2, &st) == 0) {
		EXPECT_STREQ("connected", st.state);
		EXPECT_EQ(1, st.hook);
		EXPECT_EQ(1, st.held);
		EXPECT_EQ(getpid(), st.owner_pid);
	}
	memset(tx, 0x55, sizeof(tx));
	EXPECT_EQ((ssize_t)sizeof(tx), tel_call_write(call, tx, sizeof(tx),
						      TEL_AUDIO_F_WAIT));
	while (got < 400) {
		n = tel_call_read(call, rx + got, sizeof(rx) - got,
				  TEL_AUDIO_F_WAIT);
		ASSERT_GT(n, 0);
		got += (size_t)n;
	}
	/* the pattern: byte k is (k + channel) & 0xff */
	for (i = 1; i < got; i++)
		ASSERT_EQ((unsigned char)(rx[i - 1] + 1), rx[i]);
	usleep(150 * 1000);	/* let the far end take our 100 ms */

	ASSERT_EQ(0, tel_call_drop(call, 0));
	EXPECT_EQ(-1, tel_call_drop(call, 0));
	EXPECT_EQ(EALREADY, errno);
	ASSERT_EQ(0, tel_call_get_record(call, &rec));
	EXPECT_EQ(TEL_CALL_IDLE, rec.state);
	EXPECT_EQ(TEL_DIR_OUTBOUND, rec.direction);
	EXPECT_EQ(TEL_ORIGIN_LOCAL, rec.origin);
	EXPECT_EQ(2u, rec.channel);
	EXPECT_STREQ("5551234", rec.called);
	EXPECT_NE(0u, rec.connect_ns);
	EXPECT_NE(0u, rec.idle_ns);
	EXPECT_GT(rec.duration_ns, 0u);
	EXPECT_EQ(sizeof(tx), rec.tx_bytes);
	EXPECT_GE(rec.rx_bytes, got);
	EXPECT_GT(rec.dma_bytes, 0u);

	/* DROP kept the received audio: read it to the end of stream */
	for (;;) {
		n = tel_call_read(call, rx, sizeof(rx), 0);
		ASSERT_GE(n, 0);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	EXPECT_EQ(rec.rx_bytes, got);
	EXPECT_EQ(-1, tel_call_write(call, tx, 8, 0));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, tel_call_wait_state(call, TEL_CALL_CONNECTED, 100));
	EXPECT_EQ(EPIPE, errno);

	ASSERT_EQ(0, tel_call_dealloc(call));
	EXPECT_EQ(NULL, tel_card_find_call(self->card, rec.handle));
	{
		uint64_t after;

		ASSERT_EQ(0, tel_card_attr_u64(CARD, "dma_bytes", &after));
		EXPECT_EQ(before, after);
	}
}

TEST_F(lib, busy_channel_is_ebusy)
{
	struct tel_call *a = tel_call_dial(self->card, 3, "100"), *b;

	ASSERT_NE(NULL, a);
	b = tel_call_dial(self->card, 3, "101");
	EXPECT_EQ(NULL, b);
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, tel_call_destroy(a));
}

TEST_F(lib, dial_bad_arguments_are_einval)
{
	char longnum[64];

	memset(longnum, '1', sizeof(longnum) - 1);
	longnum[sizeof(longnum) - 1] = '\0';
	EXPECT_EQ(NULL, tel_call_dial(self->card, 0, "12ab"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, tel_call_dial(self->card, 0, ""));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, tel_call_dial(self->card, 0, longnum));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, tel_call_dial(self->card, 999, "1"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, tel_call_dial(NULL, 0, "1"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, tel_call_dial(self->card, 0, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_drop(NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_dealloc(NULL));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(lib, dealloc_live_call_is_ebusy)
{
	struct tel_call *call = tel_call_dial(self->card, TEL_CHANNEL_ANY, "1");

	ASSERT_NE(NULL, call);
	EXPECT_EQ(-1, tel_call_dealloc(call));
	EXPECT_EQ(EBUSY, errno);
	/* the object survived the failure */
	EXPECT_EQ(0, tel_call_drop(call, 42));
	EXPECT_EQ(0, tel_call_dealloc(call));
}

TEST_F(lib, drop_with_reason_is_application)
{
	struct tel_call *call = tel_call_dial(self->card, 1, "200");
	struct tel_call_record rec;

	ASSERT_NE(NULL, call);
	ASSERT_EQ(0, tel_call_wait_state(call, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	ASSERT_EQ(0, tel_call_drop(call, 7));
	ASSERT_EQ(0, tel_call_get_record(call, &rec));
	EXPECT_EQ(TEL_ORIGIN_APPLICATION, rec.origin);
	EXPECT_EQ(7u, rec.app_reason);
	EXPECT_EQ(0, tel_call_dealloc(call));
}

TEST_F(lib, far_end_busy_ends_wait_with_epipe)
{
	struct tel_call_record rec;
	struct tel_card_event ev;
	struct tel_call *call;
	bool seen = false;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d 4 busy 5", CARD));
	call = tel_call_dial(self->card, 4, "300");
	ASSERT_NE(NULL, call);
	EXPECT_EQ(-1, tel_call_wait_state(call, TEL_CALL_CONNECTED,
					  TEL_WAIT_MS));
	EXPECT_EQ(EPIPE, errno);
	ASSERT_EQ(0, tel_call_get_record(call, &rec));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, rec.state);
	EXPECT_EQ(TEL_ORIGIN_REMOTE, rec.origin);
	EXPECT_EQ(TEL_DISC_BUSY, rec.disconnect_mode);
	EXPECT_EQ(0, tel_call_wait_state(call, TEL_CALL_DISCONNECTED, 0));

	/* the events wait_state read were kept for the application */
	while (tel_card_read_event(self->card, &ev, 0) == 0)
		if (ev.type == TEL_EVENT_STATE &&
		    ev.handle == tel_call_handle(call) &&
		    ev.state == TEL_CALL_DISCONNECTED) {
			EXPECT_EQ(TEL_DISC_BUSY, ev.disconnect_mode);
			EXPECT_EQ(TEL_ORIGIN_REMOTE, ev.origin);
			seen = true;
		}
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_TRUE(seen);
	/* DISCONNECTED still needs a DROP: DEALLOC refuses */
	EXPECT_EQ(-1, tel_call_dealloc(call));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, tel_call_destroy(call));
}

TEST_F(lib, wait_state_times_out)
{
	struct tel_call *call;
	uint64_t t0;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d 5 noanswer", CARD));
	call = tel_call_dial(self->card, 5, "400");
	ASSERT_NE(NULL, call);
	t0 = tel_test_now_ms();
	EXPECT_EQ(-1, tel_call_wait_state(call, TEL_CALL_CONNECTED, 300));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_GE(tel_test_now_ms() - t0, 290u);
	EXPECT_EQ(TEL_CALL_RINGBACK, tel_call_state(call));
	EXPECT_EQ(-1, tel_call_wait_state(call, 99, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, tel_call_destroy(call));
}

TEST_F(lib, events_timeouts)
{
	struct tel_card_event ev;
	uint64_t t0;

	while (tel_card_read_event(self->card, &ev, 0) == 0)
		;
	EXPECT_EQ(EAGAIN, errno);
	t0 = tel_test_now_ms();
	EXPECT_EQ(-1, tel_card_read_event(self->card, &ev, 200));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_GE(tel_test_now_ms() - t0, 190u);
	EXPECT_EQ(-1, tel_card_read_event(self->card, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
}

/* OFFER, then ANSWER(ACCEPT) and ANSWER give one object */
TEST_F(lib, offer_accept_answer)
{
	struct tel_call_record rec;
	struct tel_card_event ev;
	struct tel_call *a, *b;
	struct pollfd pfd = { .fd = tel_card_fd(self->card), .events = POLLIN };

	EXPECT_EQ(NULL, tel_call_answer(self->card, 6, 0));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 6 0301234567", CARD));
	/* the fd is for poll(): it wakes for the offer */
	ASSERT_EQ(1, poll(&pfd, 1, TEL_WAIT_MS));
	do {
		ASSERT_EQ(0, tel_card_read_event(self->card, &ev, -1));
	} while (ev.type != TEL_EVENT_OFFER);
	EXPECT_EQ(6u, ev.channel);
	EXPECT_EQ(0u, ev.handle);
	EXPECT_STREQ("0301234567", ev.number);

	a = tel_call_answer(self->card, 6, TEL_ANSWER_F_ACCEPT);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(TEL_CALL_OFFERING, tel_call_state(a));
	EXPECT_EQ(NULL, tel_call_answer(self->card, 6, TEL_ANSWER_F_ACCEPT));
	EXPECT_EQ(EALREADY, errno);
	b = tel_call_answer(self->card, 6, 0);
	EXPECT_EQ(a, b);
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(a));
	ASSERT_EQ(0, tel_call_get_record(a, &rec));
	EXPECT_EQ(TEL_DIR_INBOUND, rec.direction);
	EXPECT_STREQ("0301234567", rec.calling);
	EXPECT_EQ(0, tel_call_drop(a, 0));
	EXPECT_EQ(0, tel_call_dealloc(a));
}

/*
 * From TEL_IOC_CALL_LIST, not /proc.  The entries carry values as
 * numbers, so a state this library has no name for cannot fail the list
 * (there is no parsing left to fail); the driver never reports such a
 * value today, so that is guaranteed by construction, not provoked here.
 */
TEST_F(lib, call_list_shows_our_calls)
{
	struct tel_call_entry *e;
	struct tel_call *call;
	ssize_t n, i;
	bool found = false;

	call = tel_call_dial(self->card, 7, "5550007");
	ASSERT_NE(NULL, call);
	n = tel_call_list(&e);
	ASSERT_GE(n, 1);
	for (i = 0; i < n; i++) {
		if (e[i].card == CARD && e[i].channel == 7 &&
		    e[i].handle == tel_call_handle(call)) {
			found = true;
			EXPECT_EQ(getpid(), e[i].pid);
			EXPECT_EQ(TEL_DIR_OUTBOUND, e[i].direction);
			EXPECT_EQ(TEL_OWNER_FILE, e[i].owner);
			EXPECT_EQ(0u, e[i].flags);
			EXPECT_STREQ("5550007", e[i].called);
			EXPECT_STREQ("", e[i].calling);
			EXPECT_GT(e[i].dma_bytes, 0u);
		}
	}
	EXPECT_TRUE(found);
	tel_call_list_free(e);
	EXPECT_EQ(0, tel_call_destroy(call));
	EXPECT_EQ(-1, tel_call_list(NULL));
	EXPECT_EQ(EINVAL, errno);
}

/* One card's calls only; the list agrees with the call's record. */
TEST_F(lib, card_list_calls_lists_this_card)
{
	struct tel_call_record rec;
	struct tel_call_entry *e;
	struct tel_call *a, *b;
	ssize_t n;

	EXPECT_EQ(-1, tel_card_list_calls(NULL, &e));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_card_list_calls(self->card, NULL));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, tel_card_list_calls(self->card, &e));
	EXPECT_EQ(NULL, e);

	a = tel_call_dial(self->card, 2, "5550002");
	b = tel_call_dial(self->card, 3, "5550003");
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, tel_call_drop(b, 0));
	n = tel_card_list_calls(self->card, &e);
	ASSERT_EQ(2, n);
	/* the kernel lists a card's calls in the order they were made */
	EXPECT_EQ(tel_call_handle(a), e[0].handle);
	EXPECT_EQ(tel_call_handle(b), e[1].handle);
	EXPECT_EQ(TEL_CALL_IDLE, e[1].state);
	EXPECT_EQ(TEL_ORIGIN_LOCAL, e[1].origin);
	EXPECT_EQ(TEL_DISC_NORMAL, e[1].disconnect_mode);
	ASSERT_EQ(0, tel_call_get_record(b, &rec));
	EXPECT_EQ(rec.duration_ns / 1000000, e[1].duration_ms);
	EXPECT_EQ(rec.rx_frames, e[1].rx_frames);
	EXPECT_STREQ("file", tel_owner_name(e[1].owner));
	tel_call_list_free(e);
	EXPECT_EQ(0, tel_call_destroy(a));
	EXPECT_EQ(0, tel_call_destroy(b));
}

/*
 * The library's queue holds what the application sized it for and no
 * more; past that, events stay in the kernel's queue, whose overflow
 * reaches the application as TEL_EVENT_OVERFLOW.  tel_call_wait_state()
 * still works with both queues full.
 */
TEST_F(lib, event_queue_is_bounded_and_reports_overflow)
{
	struct pollfd pfd = { .events = POLLIN };
	struct tel_card_event ev;
	struct tel_call *call;
	unsigned int i, got = 0, overflows = 0, lost = 0;

	EXPECT_EQ((size_t)TEL_EVENT_QUEUE_DEFAULT,
		  tel_card_event_queue_capacity(self->card));
	EXPECT_EQ(-1, tel_card_set_event_queue_capacity(self->card, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_card_set_event_queue_capacity(self->card,
						TEL_EVENT_QUEUE_MAX + 1));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, tel_card_set_event_queue_capacity(self->card, 4));
	EXPECT_EQ(4u, tel_card_event_queue_capacity(self->card));

	/* 300 offers and withdrawals: 600 records for a 256-record queue */
	for (i = 0; i < 300; i++) {
		ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 5 0300%04u", CARD, i));
		ASSERT_EQ(0, emu_cmd(NULL, 0, "cancel %d 5", CARD));
	}
	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d 0 answer 200", CARD));
	call = tel_call_dial(self->card, 0, "5550000");
	ASSERT_NE(NULL, call);
	ASSERT_EQ(0, tel_call_wait_state(call, TEL_CALL_CONNECTED,
					 TEL_WAIT_MS));
	EXPECT_EQ(4u, tel_card_event_queue_len(self->card));
	/* the rest waits in the kernel */
	pfd.fd = tel_card_fd(self->card);
	EXPECT_EQ(1, poll(&pfd, 1, 0));

	/* cannot shrink below what is queued; can grow, keeping it */
	EXPECT_EQ(-1, tel_card_set_event_queue_capacity(self->card, 2));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_card_set_event_queue_capacity(self->card, 8));
	EXPECT_EQ(4u, tel_card_event_queue_len(self->card));

	while (tel_card_read_event(self->card, &ev, 0) == 0) {
		got++;
		if (ev.type == TEL_EVENT_OVERFLOW) {
			overflows++;
			lost += ev.lost;
		}
		ASSERT_LE(tel_card_event_queue_len(self->card), 8u);
	}
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_GE(overflows, 1u);
	/* 600 records plus the call's, less the 256 the kernel kept */
	EXPECT_GE(lost, 600u - 256u);
	/* what was queued in both, the reports, and a few late ones */
	EXPECT_LE(got, 4u + 256u + overflows + 4u);
	TH_LOG("records read %u, overflow records %u, lost %u", got,
	       overflows, lost);
	EXPECT_EQ(0, tel_call_destroy(call));
}

/* closing the card drops and deallocates in the kernel, frees objects */
TEST(close_releases_everything)
{
	struct tel_card *card = tel_card_open(CARD);
	uint64_t calls, dma;

	ASSERT_NE(NULL, card);
	ASSERT_NE(NULL, tel_call_dial(card, 0, "1"));
	ASSERT_NE(NULL, tel_call_dial(card, 1, "2"));
	ASSERT_EQ(0, tel_card_attr_u64(CARD, "calls", &calls));
	EXPECT_EQ(2u, calls);
	EXPECT_EQ(0, tel_card_close(card));
	ASSERT_EQ(0, tel_card_attr_u64(CARD, "calls", &calls));
	EXPECT_EQ(0u, calls);
	ASSERT_EQ(0, tel_card_attr_u64(CARD, "dma_bytes", &dma));
	EXPECT_EQ(0u, dma);
}

struct waiter {
	struct tel_card *card;
	struct tel_card_event ev;
	int ret;
};

static void *wait_offer(void *arg)
{
	struct waiter *w = arg;

	do {
		w->ret = tel_card_read_event(w->card, &w->ev, TEL_WAIT_MS);
	} while (!w->ret && w->ev.type != TEL_EVENT_OFFER);
	return NULL;
}

/* one thread blocks on events while another places calls */
TEST(threads_share_a_card)
{
	struct waiter w = { .card = tel_card_open(CARD) };
	struct tel_call *call;
	pthread_t t;

	ASSERT_NE(NULL, w.card);
	ASSERT_EQ(0, pthread_create(&t, NULL, wait_offer, &w));
	call = tel_call_dial(w.card, 0, "123");
	ASSERT_NE(NULL, call);
	ASSERT_EQ(0, tel_call_wait_state(call, TEL_CALL_CONNECTED,
					 TEL_WAIT_MS));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 4 999", CARD));
	pthread_join(t, NULL);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(TEL_EVENT_OFFER, w.ev.type);
	EXPECT_EQ(4u, w.ev.channel);
	EXPECT_EQ(0, emu_cmd(NULL, 0, "cancel %d 4", CARD));
	EXPECT_EQ(0, tel_call_destroy(call));
	EXPECT_EQ(0, tel_card_close(w.card));
}

/*
 * ---- 1.2: digits both ways, hook flash, caller ID ----------------------
 *
 * Written against Documentation/libtel.rst and the emulator's commands
 * "digits CARD CH STRING [tone_ms gap_ms [level twist]]" (the far end
 * sends DTMF), "stats CARD CH" (far_digits="...": what the far end
 * detected in our audio; flashes=N) and "offer CARD CH NUMBER [name
 * NAME] [pres allowed|restricted|unavailable]".  Each skips on a card
 * without the feature.
 */

static int has(struct tel_card *card, uint64_t feature)
{
	return tel_card_has_feature(card, feature) == 1;
}

/* A connected outbound call on @ch. */
static struct tel_call *connected_call(struct __test_metadata *_metadata,
				       struct tel_card *card, unsigned int ch)
{
	struct tel_call *call = tel_call_dial(card, ch, "5551200");

	EXPECT_NE(NULL, call);
	if (call)
		EXPECT_EQ(0, tel_call_wait_state(call, TEL_CALL_CONNECTED,
						 TEL_WAIT_MS));
	return call;
}

/* The far end's detected digits, polled until they equal @want. */
static int far_digits_are(unsigned int ch, const char *want)
{
	char reply[512], v[128];
	int i;

	for (i = 0; i < 100; i++) {
		if (emu_cmd(reply, sizeof(reply), "stats %d %u", CARD, ch) == 0 &&
		    emu_val(reply, "far_digits", v, sizeof(v)) &&
		    !strcmp(v, want))
			return 1;
		usleep(20 * 1000);
	}
	return 0;
}

TEST(names_1_2)
{
	EXPECT_STREQ("digit", tel_event_type_name(TEL_EVENT_DIGIT));
	EXPECT_STREQ("digits_sent", tel_event_type_name(TEL_EVENT_DIGITS_SENT));
	EXPECT_STREQ("flash", tel_event_type_name(TEL_EVENT_FLASH));
	EXPECT_STREQ("call_new", tel_event_type_name(TEL_EVENT_CALL_NEW));
	EXPECT_STREQ("call_dealloc",
		     tel_event_type_name(TEL_EVENT_CALL_DEALLOC));
	EXPECT_EQ(NULL, tel_event_type_name(TEL_EVENT_CALL_DEALLOC + 1));
	EXPECT_STREQ("allowed", tel_presentation_name(TEL_PRES_ALLOWED));
	EXPECT_STREQ("restricted", tel_presentation_name(TEL_PRES_RESTRICTED));
	EXPECT_STREQ("unavailable",
		     tel_presentation_name(TEL_PRES_UNAVAILABLE));
	errno = 0;
	EXPECT_EQ(NULL, tel_presentation_name(3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_STREQ("1.6.0", tel_version());
}

TEST_F(lib, features_query)
{
	uint64_t all = TEL_FEAT_CALL_LIST | TEL_FEAT_DIGITS |
		       TEL_FEAT_CALLER_ID | TEL_FEAT_FLASH |
		       TEL_FEAT_CALL_PARTY | TEL_FEAT_HANDOFF |
		       TEL_FEAT_MONITOR;

	EXPECT_EQ(-1, tel_card_has_feature(NULL, TEL_FEAT_DIGITS));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_card_has_feature(self->card, 0));
	EXPECT_EQ(EINVAL, errno);
	/* the emulated card has everything */
	EXPECT_EQ(all, tel_card_features(self->card) & all);
	EXPECT_EQ(1, tel_card_has_feature(self->card, all));
	EXPECT_EQ(0, tel_card_has_feature(self->card, 1ULL << 63));
}

TEST_F(lib, send_digits_reach_the_far_end)
{
	struct tel_call_party_info party;
	struct tel_card_event ev;
	struct tel_call *call, *ringing;
	char longd[TEL_DIGITS_MAX + 2];

	if (!has(self->card, TEL_FEAT_DIGITS))
		SKIP(return, "no TEL_FEAT_DIGITS");
	call = connected_call(_metadata, self->card, 2);
	ASSERT_NE(NULL, call);

	EXPECT_EQ(0, tel_call_send_digits(call, "1234#", 0, 0));
	ASSERT_EQ(0, tel_call_wait_event(call, TEL_EVENT_DIGITS_SENT, &ev,
					 TEL_WAIT_MS));
	EXPECT_EQ(tel_call_handle(call), ev.handle);
	EXPECT_EQ(5u, ev.detail);
	EXPECT_TRUE(far_digits_are(2, "1234#"));
	/* the slowest and the fastest tones are both heard */
	EXPECT_EQ(0, tel_call_send_digits(call, "*0", 40, 40));
	EXPECT_EQ(0, tel_call_send_digits(call, "AD", 200, 100));
	ASSERT_EQ(0, tel_call_wait_event(call, TEL_EVENT_DIGITS_SENT, &ev,
					 TEL_WAIT_MS));
	if (ev.detail == 2)	/* the two were sent as two batches */
		ASSERT_EQ(0, tel_call_wait_event(call, TEL_EVENT_DIGITS_SENT,
						 &ev, TEL_WAIT_MS));
	EXPECT_TRUE(far_digits_are(2, "1234#*0AD"));

	/* the library's and the kernel's EINVAL */
	memset(longd, '1', sizeof(longd) - 1);
	longd[sizeof(longd) - 1] = '\0';
	EXPECT_EQ(-1, tel_call_send_digits(call, longd, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_send_digits(call, "12x", 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_send_digits(call, "", 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_send_digits(call, "1", 39, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_send_digits(call, "1", 0, 1001));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_send_digits(call, NULL, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_send_digits(NULL, "1", 0, 0));
	EXPECT_EQ(EINVAL, errno);

	/* the record, also after the hangup */
	ASSERT_EQ(0, tel_call_drop(call, 0));
	ASSERT_EQ(0, tel_call_get_party(call, &party));
	EXPECT_STREQ("1234#*0AD", party.digits_tx);
	EXPECT_EQ(9u, party.digits_tx_count);
	EXPECT_EQ(0u, party.digits_rx_count);
	EXPECT_EQ(-1, tel_call_send_digits(call, "1", 0, 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, tel_call_wait_event(call, TEL_EVENT_DIGITS_SENT, &ev,
					  100));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, tel_call_dealloc(call));

	/* not connected yet */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d 5 noanswer", CARD));
	ringing = tel_call_dial(self->card, 5, "5551205");
	ASSERT_NE(NULL, ringing);
	EXPECT_EQ(-1, tel_call_send_digits(ringing, "1", 0, 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, tel_call_destroy(ringing));
}

TEST_F(lib, digit_events_while_monitoring)
{
	struct tel_call_party_info party;
	struct tel_card_event ev;
	struct tel_call *call, *ringing;

	if (!has(self->card, TEL_FEAT_DIGITS))
		SKIP(return, "no TEL_FEAT_DIGITS");
	call = connected_call(_metadata, self->card, 3);
	ASSERT_NE(NULL, call);

	EXPECT_EQ(-1, tel_call_monitor_digits(call, TEL_MONITOR_F_MUTE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_monitor_digits(call, 0x4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_monitor_digits(NULL, TEL_MONITOR_F_DIGITS));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, tel_call_monitor_digits(call, TEL_MONITOR_F_DIGITS));

	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d 3 5 120 80", CARD));
	ASSERT_EQ(0, tel_call_wait_event(call, TEL_EVENT_DIGIT, &ev,
					 TEL_WAIT_MS));
	EXPECT_EQ('5', (int)ev.detail);
	EXPECT_EQ(tel_call_handle(call), ev.handle);
	EXPECT_EQ(3u, ev.channel);
	EXPECT_GE(ev.duration_ms, 90u);
	EXPECT_LE(ev.duration_ms, 150u);
	EXPECT_NE(0u, ev.timestamp_ns);

	/* muted: still an event per digit */
	ASSERT_EQ(0, tel_call_monitor_digits(call, TEL_MONITOR_F_DIGITS |
					     TEL_MONITOR_F_MUTE));
	emu_wait_far_idle(CARD, 3);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d 3 7", CARD));
	ASSERT_EQ(0, tel_call_wait_event(call, TEL_EVENT_DIGIT, &ev,
					 TEL_WAIT_MS));
	EXPECT_EQ('7', (int)ev.detail);

	/* off: no more events */
	ASSERT_EQ(0, tel_call_monitor_digits(call, 0));
	emu_wait_far_idle(CARD, 3);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d 3 9", CARD));
	EXPECT_EQ(-1, tel_call_wait_event(call, TEL_EVENT_DIGIT, &ev, 1000));
	EXPECT_EQ(ETIMEDOUT, errno);

	ASSERT_EQ(0, tel_call_get_party(call, &party));
	EXPECT_STREQ("57", party.digits_rx);
	EXPECT_EQ(2u, party.digits_rx_count);
	EXPECT_EQ(-1, tel_call_wait_event(NULL, TEL_EVENT_DIGIT, &ev, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_wait_event(call, 0, &ev, 0));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, tel_call_drop(call, 0));
	EXPECT_EQ(-1, tel_call_monitor_digits(call, TEL_MONITOR_F_DIGITS));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, tel_call_dealloc(call));

	/* allowed while ringing */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d 5 noanswer", CARD));
	ringing = tel_call_dial(self->card, 5, "5551205");
	ASSERT_NE(NULL, ringing);
	ASSERT_EQ(0, tel_call_wait_state(ringing, TEL_CALL_RINGBACK,
					 TEL_WAIT_MS));
	EXPECT_EQ(0, tel_call_monitor_digits(ringing, TEL_MONITOR_F_DIGITS));
	EXPECT_EQ(0, tel_call_destroy(ringing));
}

TEST_F(lib, gather_digits_stops_as_documented)
{
	struct tel_card_event ev;
	struct tel_call *call;
	unsigned int why;
	bool offer = false;
	char buf[16];
	uint64_t t0;

	if (!has(self->card, TEL_FEAT_DIGITS))
		SKIP(return, "no TEL_FEAT_DIGITS");
	call = connected_call(_metadata, self->card, 4);
	ASSERT_NE(NULL, call);
	while (tel_card_read_event(self->card, &ev, 0) == 0)
		;

	/* a terminator: kept in the buffer and counted (TAPI) */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 6 5550006", CARD));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d 4 4711#9", CARD));
	EXPECT_EQ(5, tel_call_gather_digits(call, buf, 10, "#*", 5000, 2000,
					    &why));
	EXPECT_STREQ("4711#", buf);
	EXPECT_EQ(TEL_GATHER_TERMDIGIT, why);

	/* no first digit: 0, first timeout, after about that long */
	usleep(500 * 1000);	/* the trailing 9 went unheard: monitoring off */
	t0 = tel_test_now_ms();
	EXPECT_EQ(0, tel_call_gather_digits(call, buf, 4, NULL, 300, 300, &why));
	EXPECT_GE(tel_test_now_ms() - t0, 290u);
	EXPECT_STREQ("", buf);
	EXPECT_EQ(TEL_GATHER_FIRSTTIMEOUT, why);

	/* two digits, then silence: inter-digit timeout */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d 4 12", CARD));
	EXPECT_EQ(2, tel_call_gather_digits(call, buf, 8, "#", 5000, 600,
					    &why));
	EXPECT_STREQ("12", buf);
	EXPECT_EQ(TEL_GATHER_INTERTIMEOUT, why);

	/* monitoring on first: nothing is lost between two gatherings */
	ASSERT_EQ(0, tel_call_monitor_digits(call, TEL_MONITOR_F_DIGITS));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d 4 98765", CARD));
	EXPECT_EQ(3, tel_call_gather_digits(call, buf, 3, NULL, 5000, 2000,
					    &why));
	EXPECT_STREQ("987", buf);
	EXPECT_EQ(TEL_GATHER_BUFFERFULL, why);
	usleep(800 * 1000);
	EXPECT_EQ(2, tel_call_gather_digits(call, buf, 2, NULL, 0, 0, NULL));
	EXPECT_STREQ("65", buf);

	/* the other events stayed queued; the digits were taken */
	while (tel_card_read_event(self->card, &ev, 0) == 0) {
		EXPECT_NE(TEL_EVENT_DIGIT, ev.type);
		if (ev.type == TEL_EVENT_OFFER && ev.channel == 6)
			offer = true;
	}
	EXPECT_TRUE(offer);
	EXPECT_EQ(0, emu_cmd(NULL, 0, "cancel %d 6", CARD));

	/* the call ends: cancel, not an error */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "hangup %d 4 normal", CARD));
	ASSERT_EQ(0, tel_call_wait_state(call, TEL_CALL_DISCONNECTED,
					 TEL_WAIT_MS));
	EXPECT_EQ(0, tel_call_gather_digits(call, buf, 4, NULL, 2000, 2000,
					    &why));
	EXPECT_EQ(TEL_GATHER_CANCEL, why);

	EXPECT_EQ(-1, tel_call_gather_digits(call, buf, 0, NULL, 0, 0, &why));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_gather_digits(call, NULL, 4, NULL, 0, 0, &why));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, tel_call_destroy(call));
}

/* monitoring off and the call not live: the MONITOR's ENOTCONN */
TEST_F(lib, gather_on_a_dropped_call_is_enotconn)
{
	struct tel_call *call;
	char buf[8];

	if (!has(self->card, TEL_FEAT_DIGITS))
		SKIP(return, "no TEL_FEAT_DIGITS");
	call = connected_call(_metadata, self->card, 5);
	ASSERT_NE(NULL, call);
	ASSERT_EQ(0, tel_call_drop(call, 0));
	EXPECT_EQ(-1, tel_call_gather_digits(call, buf, 4, NULL, 100, 100,
					     NULL));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, tel_call_dealloc(call));
}

TEST_F(lib, hook_flash)
{
	struct tel_call_party_info party;
	struct tel_card_event ev;
	struct tel_call *call;

	if (!has(self->card, TEL_FEAT_FLASH))
		SKIP(return, "no TEL_FEAT_FLASH");
	call = connected_call(_metadata, self->card, 6);
	ASSERT_NE(NULL, call);
	EXPECT_EQ(-1, tel_call_flash(call, 49));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_flash(call, 2001));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_flash(NULL, 0));
	EXPECT_EQ(EINVAL, errno);

	ASSERT_EQ(0, tel_call_flash(call, 200));
	EXPECT_EQ(-1, tel_call_flash(call, 200));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_call_wait_event(call, TEL_EVENT_FLASH, &ev,
					 TEL_WAIT_MS));
	EXPECT_EQ(tel_call_handle(call), ev.handle);
	EXPECT_GE(ev.duration_ms, 190u);
	EXPECT_LE(ev.duration_ms, 260u);
	/* the call survived it */
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(call));
	EXPECT_EQ(1, emu_num_stat(CARD, 6, "flashes"));
	/* the default, 750 ms */
	ASSERT_EQ(0, tel_call_flash(call, 0));
	ASSERT_EQ(0, tel_call_wait_event(call, TEL_EVENT_FLASH, &ev,
					 TEL_WAIT_MS));
	EXPECT_GE(ev.duration_ms, 740u);
	EXPECT_LE(ev.duration_ms, 800u);

	ASSERT_EQ(0, tel_call_drop(call, 0));
	if (has(self->card, TEL_FEAT_CALL_PARTY)) {
		ASSERT_EQ(0, tel_call_get_party(call, &party));
		EXPECT_EQ(2u, party.flashes);
	}
	EXPECT_EQ(-1, tel_call_flash(call, 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, tel_call_dealloc(call));
}

/* 1.3: an accepted offer redirected: IDLE, FORWARDED, until dealloc */
TEST_F(lib, redirect_accepted_offer)
{
	struct tel_call_record rec;
	struct tel_card_event ev;
	struct tel_call *call;
	char reply[1024], to[40];

	if (!has(self->card, TEL_FEAT_REDIRECT))
		SKIP(return, "no TEL_FEAT_REDIRECT");
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 6 0301234567", CARD));
	do {
		ASSERT_EQ(0, tel_card_read_event(self->card, &ev, TEL_WAIT_MS));
	} while (ev.type != TEL_EVENT_OFFER);
	call = tel_call_answer(self->card, 6, TEL_ANSWER_F_ACCEPT);
	ASSERT_NE(NULL, call);
	EXPECT_EQ(-1, tel_call_redirect(NULL, "7001"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_redirect(call, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_redirect(call, ""));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_redirect(call, "12x"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_redirect(call,
					"12345678901234567890123456789012"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(TEL_CALL_OFFERING, tel_call_state(call));

	ASSERT_EQ(0, tel_call_redirect(call, "7001"));
	EXPECT_EQ(TEL_CALL_IDLE, tel_call_state(call));
	ASSERT_EQ(0, tel_call_get_record(call, &rec));
	EXPECT_EQ(TEL_ORIGIN_LOCAL, rec.origin);
	EXPECT_EQ(TEL_DISC_FORWARDED, rec.disconnect_mode);
	EXPECT_STREQ("forwarded", tel_disconnect_mode_name(TEL_DISC_FORWARDED));
	ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "stats %d 6", CARD));
	emu_val(reply, "redirected_to", to, sizeof(to));
	EXPECT_STREQ("7001", to);
	EXPECT_EQ(-1, tel_call_redirect(call, "7001"));	/* sent on: gone */
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, tel_call_dealloc(call));
}

/* 1.3: a blind transfer: DISCONNECTED, origin TRANSFER, the far party moved */
TEST_F(lib, blind_transfer)
{
	struct tel_call_record rec;
	struct tel_call *call;
	char reply[1024], to[40];

	if (!has(self->card, TEL_FEAT_TRANSFER))
		SKIP(return, "no TEL_FEAT_TRANSFER");
	call = connected_call(_metadata, self->card, 5);
	ASSERT_NE(NULL, call);
	EXPECT_EQ(-1, tel_call_transfer(NULL, "7001"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_transfer(call, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_transfer(call, "7x"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(call));
	ASSERT_EQ(0, tel_call_transfer(call, "7001"));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, tel_call_state(call));
	ASSERT_EQ(0, tel_call_get_record(call, &rec));
	EXPECT_EQ(TEL_ORIGIN_TRANSFER, rec.origin);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, rec.disconnect_mode);
	EXPECT_STREQ("transfer", tel_origin_name(TEL_ORIGIN_TRANSFER));
	EXPECT_STREQ("transferred",
		     tel_disconnect_mode_name(TEL_DISC_TRANSFERRED));
	ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "stats %d 5", CARD));
	emu_val(reply, "connected_to", to, sizeof(to));
	EXPECT_STREQ("7001", to);
	EXPECT_EQ(-1, tel_call_transfer(call, "7001"));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, tel_call_drop(call, 0));
	EXPECT_EQ(0, tel_call_dealloc(call));
}

/*
 * 1.5: consultation transfer: setup (hold + dial), swap hold both ways,
 * complete; the far parties' view is the emulator's; a failed setup
 * leaves the first call as it was.
 */
TEST_F(lib, consultation_transfer)
{
	struct tel_call *call, *consult;
	struct tel_call_record rec;
	char reply[1024], to[40];

	if (!has(self->card, TEL_FEAT_CONSULT))
		SKIP(return, "no TEL_FEAT_CONSULT");
	call = connected_call(_metadata, self->card, 5);
	ASSERT_NE(NULL, call);
	EXPECT_EQ(NULL, tel_call_setup_transfer(NULL, 6, "3002"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, tel_call_setup_transfer(call, 6, NULL));
	EXPECT_EQ(EINVAL, errno);
	/* the dial fails (a bad number): the hold is undone */
	EXPECT_EQ(NULL, tel_call_setup_transfer(call, 6, "3x"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(call));
	/* the channel is the first call's own: EBUSY, not held */
	EXPECT_EQ(NULL, tel_call_setup_transfer(call, 5, "3002"));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(call));

	consult = tel_call_setup_transfer(call, 6, "3002");
	ASSERT_NE(NULL, consult);
	EXPECT_EQ(TEL_CALL_ONHOLD, tel_call_state(call));
	ASSERT_EQ(0, tel_call_wait_state(consult, TEL_CALL_CONNECTED,
					 TEL_WAIT_MS));
	/* lineSwapHold: talk to the first again, then back */
	EXPECT_EQ(-1, tel_call_swap_hold(consult, consult));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_swap_hold(call, consult));	/* wrong way */
	EXPECT_EQ(EALREADY, errno);
	EXPECT_EQ(TEL_CALL_ONHOLD, tel_call_state(call));
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(consult));
	ASSERT_EQ(0, tel_call_swap_hold(consult, call));
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(call));
	EXPECT_EQ(TEL_CALL_ONHOLD, tel_call_state(consult));
	ASSERT_EQ(0, tel_call_swap_hold(call, consult));
	EXPECT_EQ(TEL_CALL_ONHOLD, tel_call_state(call));
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(consult));

	EXPECT_EQ(-1, tel_call_complete_transfer(NULL, consult));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_complete_transfer(call, call));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, tel_call_complete_transfer(call, consult));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, tel_call_state(call));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, tel_call_state(consult));
	ASSERT_EQ(0, tel_call_get_record(consult, &rec));
	EXPECT_EQ(TEL_ORIGIN_TRANSFER, rec.origin);
	EXPECT_EQ(TEL_DISC_TRANSFERRED, rec.disconnect_mode);
	ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "stats %d 5", CARD));
	emu_val(reply, "connected_to", to, sizeof(to));
	EXPECT_STREQ("3002", to);
	ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "stats %d 6", CARD));
	emu_val(reply, "connected_to", to, sizeof(to));
	EXPECT_STREQ("5551200", to);
	EXPECT_EQ(-1, tel_call_complete_transfer(call, consult));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, tel_call_drop(call, 0));
	EXPECT_EQ(0, tel_call_drop(consult, 0));
	EXPECT_EQ(0, tel_call_dealloc(call));
	EXPECT_EQ(0, tel_call_dealloc(consult));
}

/*
 * 1.5: a conference: two calls join, each far party is with the other
 * (the card's view at the far end), REMOVE, DROP of the conference drops
 * the rest, DEALLOC frees it; the errnos libtel adds
 */
TEST_F(lib, conference)
{
	struct tel_call *a, *b;
	unsigned int max = 0;
	char reply[256], with[16];
	uint32_t conf;

	if (!has(self->card, TEL_FEAT_CONFERENCE))
		SKIP(return, "no TEL_FEAT_CONFERENCE");
	EXPECT_EQ(-1, tel_conf_setup(NULL, &conf, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_conf_setup(self->card, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, tel_conf_setup(self->card, &conf, &max));
	EXPECT_LE(3, max);
	a = connected_call(_metadata, self->card, 5);
	b = connected_call(_metadata, self->card, 6);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(-1, tel_conf_add(conf, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_conf_add(0, a));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, tel_conf_add(conf, a));
	ASSERT_EQ(0, tel_conf_add(conf, b));
	EXPECT_EQ(TEL_CALL_CONFERENCED, tel_call_state(a));
	EXPECT_STREQ("conferenced", tel_state_name(TEL_CALL_CONFERENCED));
	ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "conf %d 5", CARD));
	emu_val(reply, "with", with, sizeof(with));
	EXPECT_STREQ("6", with);
	EXPECT_EQ(-1, tel_conf_dealloc(self->card, conf));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_conf_remove(conf, a));
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(a));
	ASSERT_EQ(0, tel_conf_drop(self->card, conf, 0));
	EXPECT_EQ(TEL_CALL_IDLE, tel_call_state(b));
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(a));
	EXPECT_EQ(-1, tel_conf_drop(self->card, conf, 0));
	EXPECT_EQ(EALREADY, errno);
	ASSERT_EQ(0, tel_conf_dealloc(self->card, conf));
	EXPECT_EQ(-1, tel_conf_add(conf, a));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, tel_call_dealloc(b));
	EXPECT_EQ(0, tel_call_drop(a, 0));
	EXPECT_EQ(0, tel_call_dealloc(a));
}

/*
 * 1.6: the application's own party in a conference: CONFERENCED, its
 * read is the far party's level as the card mixes it, the far party
 * hears what it writes; REMOVE of it EINVAL, DROP ends it; the errnos
 * libtel adds
 */
TEST_F(lib, conference_own_party)
{
	struct tel_call *a, *self_party;
	char reply[256], heard[64];
	uint8_t buf[2048], tone[2048];
	uint32_t conf;
	ssize_t n = 0;
	int i;

	if (!has(self->card, TEL_FEAT_CONF_PARTY))
		SKIP(return, "no TEL_FEAT_CONF_PARTY");
	ASSERT_EQ(0, tel_conf_setup(self->card, &conf, NULL));
	EXPECT_EQ(NULL, tel_conf_join_self(NULL, conf, TEL_CHANNEL_ANY));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, tel_conf_join_self(self->card, 0, TEL_CHANNEL_ANY));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, tel_conf_join_self(self->card, conf + 1000,
					   TEL_CHANNEL_ANY));
	EXPECT_EQ(ENOENT, errno);
	a = connected_call(_metadata, self->card, 5);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "audio %d 5 level 1000", CARD));
	ASSERT_EQ(0, tel_conf_add(conf, a));
	self_party = tel_conf_join_self(self->card, conf, 6);
	ASSERT_NE(NULL, self_party);
	EXPECT_EQ(TEL_CALL_CONFERENCED, tel_call_state(self_party));
	EXPECT_EQ(6u, tel_call_channel(self_party));
	EXPECT_EQ(-1, tel_conf_remove(conf, self_party));
	EXPECT_EQ(EINVAL, errno);
	/* mu-law of 1000 (0xce) both ways: it hears 1000, the far party too
	 * (its last 16 bytes, in hex)
	 */
	memset(tone, 0xce, sizeof(tone));
	for (i = 0; i < 50; i++) {
		tel_call_write(self_party, tone, sizeof(tone), 0);
		n = tel_call_read(self_party, buf, sizeof(buf), 0);
		usleep(20 * 1000);
	}
	ASSERT_LT(0, n);
	EXPECT_EQ(0xce, buf[n - 1]);
	ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "conf %d 5", CARD));
	emu_val(reply, "heard", heard, sizeof(heard));
	EXPECT_STREQ("cececececececececececececececece", heard);
	ASSERT_EQ(0, tel_call_drop(self_party, 0));
	EXPECT_EQ(TEL_CALL_IDLE, tel_call_state(self_party));
	EXPECT_EQ(0, tel_call_dealloc(self_party));
	ASSERT_EQ(0, tel_conf_drop(self->card, conf, 0));
	EXPECT_EQ(0, tel_conf_dealloc(self->card, conf));
	EXPECT_EQ(0, tel_call_dealloc(a));
	emu_cmd(NULL, 0, "audio %d 5 pattern", CARD);
}

/* 1.3: hold and unhold, the state both ways, the errnos */
TEST_F(lib, hold_unhold)
{
	struct tel_call_record rec;
	struct tel_call *call;
	uint64_t rx;

	if (!has(self->card, TEL_FEAT_HOLD))
		SKIP(return, "no TEL_FEAT_HOLD");
	call = connected_call(_metadata, self->card, 6);
	ASSERT_NE(NULL, call);
	EXPECT_EQ(-1, tel_call_hold(NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_unhold(NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_unhold(call));
	EXPECT_EQ(EALREADY, errno);

	ASSERT_EQ(0, tel_call_hold(call));
	EXPECT_EQ(TEL_CALL_ONHOLD, tel_call_state(call));
	EXPECT_EQ(0, tel_call_wait_state(call, TEL_CALL_ONHOLD, 0));
	EXPECT_STREQ("onhold", tel_state_name(TEL_CALL_ONHOLD));
	EXPECT_EQ(TEL_CALL_ONHOLD, tel_state_from_name("onhold"));
	EXPECT_EQ(-1, tel_call_hold(call));
	EXPECT_EQ(EALREADY, errno);
	EXPECT_EQ(1, emu_num_stat(CARD, 6, "holds"));
	ASSERT_EQ(0, tel_call_get_record(call, &rec));
	rx = rec.rx_frames;
	usleep(200 * 1000);
	ASSERT_EQ(0, tel_call_get_record(call, &rec));
	EXPECT_EQ(rx, rec.rx_frames);		/* nothing moves while held */

	ASSERT_EQ(0, tel_call_unhold(call));
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(call));
	usleep(100 * 1000);
	ASSERT_EQ(0, tel_call_get_record(call, &rec));
	EXPECT_LT(rx, rec.rx_frames);

	ASSERT_EQ(0, tel_call_drop(call, 0));
	EXPECT_EQ(-1, tel_call_hold(call));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, tel_call_dealloc(call));
}

/* 1.3: a watermark, its report as an event naming the call, the errnos */
TEST_F(lib, set_watermark)
{
	struct tel_card_event ev;
	struct tel_call *call;
	uint8_t buf[2048];

	if (!has(self->card, TEL_FEAT_WATERMARK))
		SKIP(return, "no TEL_FEAT_WATERMARK");
	call = connected_call(_metadata, self->card, 5);
	ASSERT_NE(NULL, call);
	EXPECT_EQ(-1, tel_call_set_watermark(NULL, 160, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_set_watermark(call, 4096, 0));
	EXPECT_EQ(EINVAL, errno);
	while (tel_call_read(call, buf, sizeof(buf), 0) > 0)
		;
	ASSERT_EQ(0, tel_call_set_watermark(call, 160, 0));
	ASSERT_EQ(0, tel_call_wait_event(call, TEL_EVENT_AUDIO_READY, &ev,
					 2000));
	EXPECT_EQ(call, tel_card_find_call(self->card, ev.handle));
	EXPECT_EQ(TEL_WATERMARK_RX, ev.detail);
	EXPECT_LE(160, tel_call_read(call, buf, sizeof(buf), 0));
	EXPECT_STREQ("audio_ready", tel_event_type_name(TEL_EVENT_AUDIO_READY));
	EXPECT_EQ(0, tel_call_set_watermark(call, 0, 0));
	ASSERT_EQ(0, tel_call_drop(call, 0));
	EXPECT_EQ(-1, tel_call_set_watermark(call, 160, 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, tel_call_dealloc(call));
}

/*
 * 1.5: mapped rings: the far end's pattern read in place across the
 * ring's wrap, audio sent in place reaching the far end, one sync for
 * all, the object freed with the call.
 */
TEST_F(lib, mapped_rings)
{
	struct tel_call *call;
	struct tel_rings *r;
	uint32_t pos = 0, sent = 0;
	char reply[2048];
	uint64_t end;

	if (!has(self->card, TEL_FEAT_MMAP))
		SKIP(return, "no TEL_FEAT_MMAP");
	EXPECT_EQ(NULL, tel_call_map(NULL));
	EXPECT_EQ(EINVAL, errno);
	call = connected_call(_metadata, self->card, 6);
	ASSERT_NE(NULL, call);
	r = tel_call_map(call);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(r, tel_call_map(call));
	end = tel_test_now_ms() + TEL_WAIT_MS;
	/* 3000 bytes: more than the ring, so the wrap is crossed */
	while ((pos < 3000 || sent < 3000) && tel_test_now_ms() < end) {
		const uint8_t *p;
		uint8_t *q;
		size_t len, i;

		ASSERT_EQ(1, tel_card_sync_rings(self->card));
		while (tel_rings_rx_avail(r) && pos < 3000) {
			p = tel_rings_rx_peek(r, &len);
			ASSERT_NE(NULL, p);
			for (i = 0; i < len; i++)
				ASSERT_EQ((uint8_t)(pos + i + 6), p[i]);
			tel_rings_rx_consume(r, len);
			pos += len;
		}
		while (tel_rings_tx_room(r) && sent < 3000) {
			q = tel_rings_tx_space(r, &len);
			ASSERT_NE(NULL, q);
			if (len > 3000 - sent)
				len = 3000 - sent;
			memset(q, 0x5a, len);
			tel_rings_tx_commit(r, len);
			sent += len;
		}
		usleep(20 * 1000);
	}
	EXPECT_LE(3000, pos);
	EXPECT_EQ(3000, sent);
	EXPECT_EQ(1, tel_card_sync_rings(self->card));
	EXPECT_EQ(1, tel_rings_on_card(r));
	EXPECT_EQ(0, tel_rings_refused(r));
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while (tel_test_now_ms() < end &&
	       !emu_cmd(reply, sizeof(reply), "stats %d 6", CARD) &&
	       !strstr(reply, "far_rx_bytes=3000 "))
		usleep(20 * 1000);
	EXPECT_NE(NULL, strstr(reply, "far_rx_bytes=3000 "));
	tel_call_unmap(r);
	r = tel_call_map(call);		/* again, then freed with the call */
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, tel_call_drop(call, 0));
	EXPECT_EQ(0, tel_call_dealloc(call));
	EXPECT_EQ(0, tel_card_sync_rings(self->card));
}

/* the OFFER's presentation, the name once accepted, kept after DROP */
TEST_F(lib, caller_id_and_party)
{
	struct tel_call_party_info party;
	struct tel_card_event ev;
	struct tel_call *call;

	if (!has(self->card, TEL_FEAT_CALLER_ID | TEL_FEAT_CALL_PARTY))
		SKIP(return, "no TEL_FEAT_CALLER_ID or _CALL_PARTY");
	while (tel_card_read_event(self->card, &ev, 0) == 0)
		;
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 7 5550199 name ALICE pres allowed",
			     CARD));
	do {
		ASSERT_EQ(0, tel_card_read_event(self->card, &ev, TEL_WAIT_MS));
	} while (ev.type != TEL_EVENT_OFFER);
	EXPECT_EQ(7u, ev.channel);
	EXPECT_EQ((uint32_t)TEL_PRES_ALLOWED, ev.detail);
	EXPECT_STREQ("5550199", ev.number);

	call = tel_call_answer(self->card, 7, TEL_ANSWER_F_ACCEPT);
	ASSERT_NE(NULL, call);
	ASSERT_EQ(0, tel_call_get_party(call, &party));
	EXPECT_EQ((uint32_t)TEL_PRES_ALLOWED, party.presentation);
	EXPECT_STREQ("ALICE", party.name);
	EXPECT_EQ(0u, party.flashes);
	EXPECT_STREQ("", party.digits_rx);
	EXPECT_EQ(call, tel_call_answer(self->card, 7, 0));
	ASSERT_EQ(0, tel_call_drop(call, 0));
	memset(&party, 0x5a, sizeof(party));
	ASSERT_EQ(0, tel_call_get_party(call, &party));
	EXPECT_STREQ("ALICE", party.name);
	EXPECT_EQ(0u, party.reserved[0]);
	EXPECT_EQ(-1, tel_call_get_party(call, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_get_party(NULL, &party));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, tel_call_dealloc(call));

	/* withheld: no number, no name */
	ASSERT_EQ(0, emu_cmd(NULL, 0,
			     "offer %d 7 5550199 name BOB pres restricted",
			     CARD));
	do {
		ASSERT_EQ(0, tel_card_read_event(self->card, &ev, TEL_WAIT_MS));
	} while (ev.type != TEL_EVENT_OFFER);
	EXPECT_EQ((uint32_t)TEL_PRES_RESTRICTED, ev.detail);
	EXPECT_STREQ("", ev.number);
	call = tel_call_answer(self->card, 7, TEL_ANSWER_F_ACCEPT);
	ASSERT_NE(NULL, call);
	ASSERT_EQ(0, tel_call_get_party(call, &party));
	EXPECT_EQ((uint32_t)TEL_PRES_RESTRICTED, party.presentation);
	EXPECT_STREQ("", party.name);
	EXPECT_EQ(0, tel_call_destroy(call));
}

/*
 * ---- 1.3: monitors ------------------------------------------------------
 *
 * tel_card_monitor() makes a second handle of the card a monitor: it sees
 * the other handle's call by id, reads its record and party by id, and
 * may not act.
 */
TEST_F(lib, monitor_sees_and_reads_by_id)
{
	struct tel_call_record rec, own;
	struct tel_call_party_info party;
	struct tel_card_event ev;
	struct tel_card *mon;
	struct tel_call *call;

	if (!has(self->card, TEL_FEAT_MONITOR))
		SKIP(return, "no TEL_FEAT_MONITOR");
	mon = tel_card_open(CARD);
	ASSERT_NE(NULL, mon);
	EXPECT_EQ(-1, tel_card_monitor(NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_card_monitor(mon, 1));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, tel_card_monitor(mon, 0));
	EXPECT_EQ(NULL, tel_call_dial(mon, 1, "5551300"));
	EXPECT_EQ(EPERM, errno);

	call = connected_call(_metadata, self->card, 1);
	ASSERT_NE(NULL, call);
	ASSERT_EQ(0, tel_call_get_record(call, &own));
	EXPECT_NE(0u, own.id);
	do {
		ASSERT_EQ(0, tel_card_read_event(mon, &ev, TEL_WAIT_MS));
	} while (ev.type != TEL_EVENT_CALL_NEW);
	EXPECT_EQ(own.id, ev.handle);
	EXPECT_EQ((uint32_t)TEL_CALL_DIALING, ev.state);
	ASSERT_EQ(0, tel_call_drop(call, 0));
	ASSERT_EQ(0, tel_card_get_call_record(mon, own.id, &rec));
	EXPECT_EQ(own.id, rec.id);
	EXPECT_EQ(own.id, rec.handle);
	EXPECT_EQ((uint32_t)TEL_CALL_IDLE, rec.state);
	EXPECT_STREQ("5551200", rec.called);
	EXPECT_EQ(0u, rec.flags);
	ASSERT_EQ(0, tel_card_get_call_party(mon, own.id, &party));
	EXPECT_EQ(0u, party.flags);
	EXPECT_EQ(-1, tel_card_get_call_record(mon, own.id, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_card_get_call_party(NULL, own.id, &party));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, tel_call_dealloc(call));
	do {
		ASSERT_EQ(0, tel_card_read_event(mon, &ev, TEL_WAIT_MS));
	} while (ev.type != TEL_EVENT_CALL_DEALLOC);
	EXPECT_EQ(own.id, ev.handle);
	EXPECT_EQ(-1, tel_card_get_call_record(mon, own.id, &rec));
	EXPECT_EQ(ENOENT, errno);
	/* an owner is no monitor */
	EXPECT_EQ(-1, tel_card_monitor(self->card, 0));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, tel_card_close(mon));
}

/* 1.3: a root monitor taps a call's audio both ways */
TEST_F(lib, tap_read_both_ways)
{
	uint8_t out[400], rx[4096], tx[4096];
	struct tel_tap_result res;
	struct tel_call_record own;
	struct tel_card *mon;
	struct tel_call *call;
	int i;

	if (!has(self->card, TEL_FEAT_TAP))
		SKIP(return, "no TEL_FEAT_TAP");
	mon = tel_card_open(CARD);
	ASSERT_NE(NULL, mon);
	ASSERT_EQ(0, tel_card_monitor(mon, 0));
	call = connected_call(_metadata, self->card, 2);
	ASSERT_NE(NULL, call);
	ASSERT_EQ(0, tel_call_get_record(call, &own));
	ASSERT_EQ(0, tel_card_tap_read(mon, own.id, rx, sizeof(rx), tx,
				       sizeof(tx), &res));
	EXPECT_EQ(0u, res.rx_pos);
	EXPECT_EQ(0u, res.tx_len);
	EXPECT_EQ(TEL_CALL_CONNECTED, res.state);
	for (i = 0; i < (int)sizeof(out); i++)
		out[i] = (uint8_t)(i * 3 + 1);
	ASSERT_EQ((ssize_t)sizeof(out),
		  tel_call_write(call, out, sizeof(out), 0));
	ASSERT_EQ(0, tel_card_tap_read(mon, own.id, NULL, 0, tx, sizeof(tx),
				       &res));
	EXPECT_EQ(sizeof(out), res.tx_len);
	EXPECT_EQ(0u, res.tx_pos);
	EXPECT_EQ(0u, res.tx_lost);
	EXPECT_EQ(0, memcmp(out, tx, sizeof(out)));
	/* the errnos libtel adds, and the kernel's */
	EXPECT_EQ(-1, tel_card_tap_read(mon, own.id, rx, 0, tx, 0, &res));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_card_tap_read(mon, own.id, NULL, 8, NULL, 0, &res));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_card_tap_read(mon, own.id, rx, 8, NULL, 0, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_card_tap_read(self->card, own.id, rx, 8, NULL, 0,
					&res));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, tel_call_drop(call, 0));
	EXPECT_EQ(0, tel_call_dealloc(call));
	EXPECT_EQ(-1, tel_card_tap_read(mon, own.id, rx, 8, NULL, 0, &res));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, tel_card_close(mon));
}

/* 1.3: a call handed to a child with tel_call_handoff(), received there */
TEST_F(lib, handoff_to_child_and_receive)
{
	struct tel_call_entry *e;
	struct tel_call *call;
	int sv[2], pid, status;
	ssize_t n;

	ASSERT_EQ(1, tel_card_has_feature(self->card, TEL_FEAT_HANDOFF));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	call = tel_call_dial(self->card, 2, "100");
	ASSERT_NE(NULL, call);
	ASSERT_EQ(0, tel_call_wait_state(call, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct tel_card *card = tel_card_open(CARD);
		struct tel_call *c;
		struct tel_card_event ev;

		close(sv[0]);
		c = card ? tel_card_receive_call(card, sv[1]) : NULL;
		if (!c)
			_exit(10);
		if (tel_call_channel(c) != 2 ||
		    tel_call_state(c) != TEL_CALL_CONNECTED)
			_exit(11);
		if (tel_card_read_event(card, &ev, TEL_WAIT_MS) ||
		    ev.type != TEL_EVENT_STATE ||
		    ev.handle != tel_call_handle(c) ||
		    ev.state != TEL_CALL_CONNECTED)
			_exit(12);
		if (tel_call_drop(c, 0) || tel_call_dealloc(c))
			_exit(13);
		/* a second message: no fd in it */
		if (tel_card_receive_call(card, sv[1]) || errno != EBADMSG)
			_exit(14);
		tel_card_close(card);
		_exit(0);
	}
	close(sv[1]);
	EXPECT_EQ(0, tel_call_handoff(call, sv[0]));	/* call freed */
	EXPECT_EQ(1, send(sv[0], "x", 1, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	n = tel_card_list_calls(self->card, &e);
	EXPECT_EQ(0, n);
	if (n >= 0)
		tel_call_list_free(e);
	close(sv[0]);
}

/* export and import by hand; a failed handoff keeps the caller's call */
TEST_F(lib, export_import_and_failed_handoff)
{
	struct tel_call_record rec;
	struct tel_call *call, *got;
	int sv[2], fd;
	uint32_t h;

	call = tel_call_dial(self->card, 3, "100");
	ASSERT_NE(NULL, call);
	ASSERT_EQ(0, tel_call_wait_state(call, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	EXPECT_EQ(-1, tel_call_export(call, 0x2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_call_export(NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, tel_card_import_call(NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, tel_card_import_call(self->card, 0));	/* stdin */
	EXPECT_EQ(EINVAL, errno);

	/* the peer is gone: EPIPE, and the call is still ours */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	close(sv[1]);
	h = tel_call_handle(call);
	EXPECT_EQ(-1, tel_call_handoff(call, sv[0]));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_NE(h, tel_call_handle(call));
	ASSERT_EQ(0, tel_call_get_record(call, &rec));
	EXPECT_EQ(TEL_CALL_CONNECTED, rec.state);
	EXPECT_EQ(call, tel_card_find_call(self->card, tel_call_handle(call)));
	EXPECT_EQ(NULL, tel_card_receive_call(self->card, sv[0]));
	EXPECT_EQ(ECONNRESET, errno);
	close(sv[0]);

	fd = tel_call_export(call, TEL_EXPORT_F_CLOEXEC);	/* call freed */
	ASSERT_LE(0, fd);
	EXPECT_EQ(NULL, tel_card_find_call(self->card, h));
	got = tel_card_import_call(self->card, fd);
	ASSERT_NE(NULL, got);
	EXPECT_EQ(3, tel_call_channel(got));
	EXPECT_EQ(TEL_CALL_CONNECTED, tel_call_state(got));
	EXPECT_EQ(NULL, tel_card_import_call(self->card, fd));
	EXPECT_EQ(ENOENT, errno);
	close(fd);
	EXPECT_EQ(0, tel_call_destroy(got));
}

TEST_HARNESS_MAIN
