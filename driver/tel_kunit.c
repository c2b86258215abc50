// SPDX-License-Identifier: GPL-2.0
/*
 * tel_kunit.c - KUnit tests of the driver's internal logic
 *
 * Linked into tel.ko when the kernel has CONFIG_KUNIT (the debug kernel
 * of tests/debugkernel; Debian's kernels have none), so the suites run
 * when the module loads and report KTAP in the kernel log, which
 * tests/selftests/kunit.sh reads back.  No card is needed: the objects
 * are built by hand.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "tel.h"

/* ---- ring index arithmetic ---- */

static void tel_ring_first_piece(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, tel_ring_first(0, 100), 100U);
	KUNIT_EXPECT_EQ(test, tel_ring_first(TEL_RING_BYTES - 8, 16), 8U);
	KUNIT_EXPECT_EQ(test, tel_ring_first(TEL_RING_BYTES, 16), 16U);
	KUNIT_EXPECT_EQ(test, tel_ring_first(3 * TEL_RING_BYTES - 1, 2), 1U);
	/* whole ring from the middle: two pieces */
	KUNIT_EXPECT_EQ(test, tel_ring_first(TEL_RING_BYTES / 2,
					     TEL_RING_BYTES),
			(u32)TEL_RING_BYTES / 2);
}

static void tel_ring_indices_wrap(struct kunit *test)
{
	u32 tail = 0xfffffffbU, head = tail + 10;	/* head wrapped */

	KUNIT_EXPECT_EQ(test, head, 5U);
	KUNIT_EXPECT_EQ(test, head - tail, 10U);
	KUNIT_EXPECT_EQ(test, tel_ring_first(tail, 10),
			TEL_RING_BYTES - (tail & (TEL_RING_BYTES - 1)));
}

/* What the card may say of its indices: forwards, whole frames, in range. */
static void tel_ring_card_indices(struct kunit *test)
{
	struct tel_ring_state pos = {
		.rx_head = 0xfffffff0U, .rx_tail = 0xffffffe0U,
		.tx_head = 0x20, .tx_tail = 0xfffffff8U,
	};
	u32 full = pos.rx_tail + TEL_RING_BYTES;

	/* rx: 16 queued across the wrap; up to a full ring is fine */
	KUNIT_EXPECT_TRUE(test, tel_ring_rx_head_ok(&pos, 0xfffffff0U));
	KUNIT_EXPECT_TRUE(test, tel_ring_rx_head_ok(&pos, 0x8));
	KUNIT_EXPECT_TRUE(test, tel_ring_rx_head_ok(&pos, full));
	/* beyond the ring, backwards, or not a whole frame */
	KUNIT_EXPECT_FALSE(test, tel_ring_rx_head_ok(&pos, full + 8));
	KUNIT_EXPECT_FALSE(test, tel_ring_rx_head_ok(&pos, 60000));
	KUNIT_EXPECT_FALSE(test, tel_ring_rx_head_ok(&pos, 0xffffffe8U));
	KUNIT_EXPECT_FALSE(test, tel_ring_rx_head_ok(&pos, 0xfffffff4U));
	/* tx: the tail may reach our head, not pass it, not go back */
	KUNIT_EXPECT_TRUE(test, tel_ring_tx_tail_ok(&pos, 0xfffffff8U));
	KUNIT_EXPECT_TRUE(test, tel_ring_tx_tail_ok(&pos, 0x20));
	KUNIT_EXPECT_FALSE(test, tel_ring_tx_tail_ok(&pos, 0x28));
	KUNIT_EXPECT_FALSE(test, tel_ring_tx_tail_ok(&pos, 0xfffffff0U));
	KUNIT_EXPECT_FALSE(test, tel_ring_tx_tail_ok(&pos, 0x4));
}

/* ---- numbers ---- */

static void tel_numbers(struct kunit *test)
{
	char long_number[TEL_NUMBER_LEN];

	KUNIT_EXPECT_TRUE(test, tel_number_valid("5551234"));
	KUNIT_EXPECT_TRUE(test, tel_number_valid("+49*30#"));
	KUNIT_EXPECT_FALSE(test, tel_number_valid(""));
	KUNIT_EXPECT_FALSE(test, tel_number_valid("1+2"));
	KUNIT_EXPECT_FALSE(test, tel_number_valid("12a"));
	memset(long_number, '1', sizeof(long_number));
	KUNIT_EXPECT_FALSE(test, tel_number_valid(long_number));
	long_number[sizeof(long_number) - 1] = '\0';
	KUNIT_EXPECT_TRUE(test, tel_number_valid(long_number));
}

/* ---- the handle table ---- */

static void tel_handles_cyclic(struct kunit *test)
{
	u32 next = 0, id, first;
	int i, token = 1;
	struct xarray xa;

	xa_init_flags(&xa, XA_FLAGS_ALLOC1);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_GE(test, xa_alloc_cyclic(&xa, &id, &token,
						      TEL_HANDLE_LIMIT, &next,
						      GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, id, 3U);		/* never 0: starts at 1 */
	xa_erase(&xa, 2);
	KUNIT_ASSERT_GE(test, xa_alloc_cyclic(&xa, &id, &token,
					      TEL_HANDLE_LIMIT, &next,
					      GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, id, 4U);		/* 2 is not handed out again */

	/* at the end of the range it wraps to the lowest free id */
	next = INT_MAX;
	KUNIT_ASSERT_GE(test, xa_alloc_cyclic(&xa, &id, &token,
					      TEL_HANDLE_LIMIT, &next,
					      GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, id, (u32)INT_MAX);
	KUNIT_EXPECT_EQ(test, xa_alloc_cyclic(&xa, &first, &token,
					      TEL_HANDLE_LIMIT, &next,
					      GFP_KERNEL), 1);	/* wrapped */
	KUNIT_EXPECT_EQ(test, first, 2U);
	xa_destroy(&xa);
}

/* tel_id_free() keeps the id reserved until the next one is in place */
static void tel_handles_held(struct kunit *test)
{
	u32 next = 0, held = 0, id, id2;
	unsigned long index = 0;
	int token = 1;
	struct xarray xa;

	xa_init_flags(&xa, XA_FLAGS_ALLOC1);
	KUNIT_ASSERT_GE(test, tel_id_alloc(&xa, &id, &token, TEL_HANDLE_LIMIT,
					   &next, &held), 0);
	tel_id_free(&xa, id, &held);
	KUNIT_EXPECT_EQ(test, held, id);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&xa, id), NULL);	/* names nothing */
	KUNIT_EXPECT_FALSE(test, xa_empty(&xa));		/* but is kept */
	KUNIT_ASSERT_GE(test, tel_id_alloc(&xa, &id2, &token, TEL_HANDLE_LIMIT,
					   &next, &held), 0);
	KUNIT_EXPECT_EQ(test, id2, id + 1);	/* still cyclic */
	KUNIT_EXPECT_EQ(test, held, 0U);
	/* the old one let go: the new one is all the table holds */
	KUNIT_EXPECT_PTR_EQ(test, xa_find(&xa, &index, ULONG_MAX, XA_PRESENT),
			    (void *)&token);
	KUNIT_EXPECT_EQ(test, index, (unsigned long)id2);
	tel_id_free(&xa, id2, &held);
	xa_release(&xa, held);
	KUNIT_EXPECT_TRUE(test, xa_empty(&xa));
	xa_destroy(&xa);
}

/* ---- per-file event queue ---- */

static struct tel_file *tel_test_file(struct kunit *test)
{
	struct tel_file *tf = kunit_kzalloc(test, sizeof(*tf), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tf);
	spin_lock_init(&tf->ev_lock);
	INIT_KFIFO(tf->events);
	init_waitqueue_head(&tf->ev_wq);
	return tf;
}

static void tel_events_overflow_counted(struct kunit *test)
{
	struct tel_file *tf = tel_test_file(test);
	struct tel_event ev = { .type = TEL_EVENT_STATE }, out;
	int i;

	for (i = 0; i < TEL_FILE_EVENTS + 4; i++)
		tel_file_event(tf, &ev);
	KUNIT_EXPECT_EQ(test, kfifo_len(&tf->events), TEL_FILE_EVENTS);
	KUNIT_EXPECT_EQ(test, tf->ev_lost, 4U);
	KUNIT_EXPECT_EQ(test, tf->ev_seq, TEL_FILE_EVENTS + 4U);

	/* once lost, later events are lost too until the reader drains */
	KUNIT_ASSERT_TRUE(test, kfifo_get(&tf->events, &out));
	tel_file_event(tf, &ev);
	KUNIT_EXPECT_EQ(test, tf->ev_lost, 5U);
	KUNIT_EXPECT_EQ(test, out.seq, 0U);
}

static void tel_events_card_gone_marks_file(struct kunit *test)
{
	struct tel_file *tf = tel_test_file(test);
	struct tel_event ev = { .type = TEL_EVENT_CARD_GONE };
	struct tel_event state = { .type = TEL_EVENT_STATE };
	int i;

	for (i = 0; i < TEL_FILE_EVENTS; i++)
		tel_file_event(tf, &state);
	KUNIT_EXPECT_FALSE(test, tf->gone);
	tel_file_event(tf, &ev);	/* lost: the queue is full */
	KUNIT_EXPECT_TRUE(test, tf->gone);
	KUNIT_EXPECT_EQ(test, tf->ev_lost, 1U);
}

/* ---- call state machine ---- */

struct tel_state_ctx {
	struct tel_card card;
	struct tel_call call;
};

static struct tel_call *tel_test_call(struct kunit *test)
{
	struct tel_state_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx),
						  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	mutex_init(&ctx->card.lock);
	tel_card_wm_init(&ctx->card);
	ctx->call.card = &ctx->card;
	INIT_LIST_HEAD(&ctx->call.wm.node);
	ctx->call.info.state = TEL_CALL_DIALING;
	return &ctx->call;
}

static void tel_state_first_cause_wins(struct kunit *test)
{
	struct tel_call *call = tel_test_call(test);
	struct tel_call_info *info = &call->info;

	mutex_lock(&call->card->lock);
	tel_call_set_state(call, TEL_CALL_CONNECTED, TEL_ORIGIN_NONE, 0);
	KUNIT_EXPECT_NE(test, info->connect_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, info->origin, (u32)TEL_ORIGIN_NONE);

	tel_call_set_state(call, TEL_CALL_DISCONNECTED, TEL_ORIGIN_REMOTE,
			   TEL_DISC_BUSY);
	KUNIT_EXPECT_EQ(test, info->origin, (u32)TEL_ORIGIN_REMOTE);
	KUNIT_EXPECT_EQ(test, info->disconnect_mode, (u32)TEL_DISC_BUSY);
	KUNIT_EXPECT_GE(test, info->disconnect_ns, info->connect_ns);

	tel_call_set_state(call, TEL_CALL_IDLE, TEL_ORIGIN_LOCAL,
			   TEL_DISC_NORMAL);
	KUNIT_EXPECT_EQ(test, info->state, (u32)TEL_CALL_IDLE);
	KUNIT_EXPECT_EQ(test, info->origin, (u32)TEL_ORIGIN_REMOTE);
	KUNIT_EXPECT_EQ(test, info->disconnect_mode, (u32)TEL_DISC_BUSY);
	KUNIT_EXPECT_GE(test, info->idle_ns, info->disconnect_ns);
	mutex_unlock(&call->card->lock);
}

static void tel_state_same_state_changes_nothing(struct kunit *test)
{
	struct tel_call *call = tel_test_call(test);
	u64 connected;

	mutex_lock(&call->card->lock);
	tel_call_set_state(call, TEL_CALL_CONNECTED, TEL_ORIGIN_NONE, 0);
	connected = call->info.connect_ns;
	tel_call_set_state(call, TEL_CALL_CONNECTED, TEL_ORIGIN_NONE, 0);
	KUNIT_EXPECT_EQ(test, call->info.connect_ns, connected);
	mutex_unlock(&call->card->lock);
}

static void tel_state_drop_without_connect(struct kunit *test)
{
	struct tel_call *call = tel_test_call(test);
	struct tel_call_info *info = &call->info;

	mutex_lock(&call->card->lock);
	tel_call_set_state(call, TEL_CALL_IDLE, TEL_ORIGIN_APPLICATION,
			   TEL_DISC_NORMAL);
	KUNIT_EXPECT_EQ(test, info->connect_ns, 0ULL);
	KUNIT_EXPECT_NE(test, info->disconnect_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, info->disconnect_ns, info->idle_ns);
	KUNIT_EXPECT_EQ(test, info->origin, (u32)TEL_ORIGIN_APPLICATION);
	mutex_unlock(&call->card->lock);
	KUNIT_EXPECT_STREQ(test, tel_state_name(TEL_CALL_IDLE), "idle");
	KUNIT_EXPECT_STREQ(test, tel_state_name(99), "unknown");
}

/* The latency stamps are indexed the same on both sides of the wrap. */
static void tel_perf_stamps_wrap(struct kunit *test)
{
	struct tel_card *card = kunit_kzalloc(test, sizeof(*card), GFP_KERNEL);
	u32 gens[] = { 0, 7, 8, 0x7fffffff, 0x80000000, 0xffffffff };
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, card);
	for (i = 0; i < ARRAY_SIZE(gens); i++) {
		u32 gen = gens[i];
		long long samples = atomic64_read(&card->perf.wake_samples);

		tel_perf_tick_begin(card, gen);
		KUNIT_EXPECT_EQ(test, card->perf.stamp[gen % TEL_PERF_STAMPS].gen,
				gen);
		/* a reader that slept from gen - 1 is timed from this stamp */
		tel_perf_wake(card, gen - 1);
		KUNIT_EXPECT_EQ(test, atomic64_read(&card->perf.wake_samples),
				samples + 1);
	}
	/* eight ticks later the stamp is gone: counted stale, not timed */
	tel_perf_tick_begin(card, 0xffffffff + 8);
	tel_perf_wake(card, 0xffffffff - 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&card->perf.wake_stale), 1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&card->perf.wake_samples),
			(long long)ARRAY_SIZE(gens));
}

static struct kunit_case tel_kunit_cases[] = {
	KUNIT_CASE(tel_ring_first_piece),
	KUNIT_CASE(tel_ring_indices_wrap),
	KUNIT_CASE(tel_ring_card_indices),
	KUNIT_CASE(tel_numbers),
	KUNIT_CASE(tel_handles_cyclic),
	KUNIT_CASE(tel_handles_held),
	KUNIT_CASE(tel_events_overflow_counted),
	KUNIT_CASE(tel_events_card_gone_marks_file),
	KUNIT_CASE(tel_state_first_cause_wins),
	KUNIT_CASE(tel_state_same_state_changes_nothing),
	KUNIT_CASE(tel_state_drop_without_connect),
	KUNIT_CASE(tel_perf_stamps_wrap),
	{}
};

static struct kunit_suite tel_kunit_suite = {
	.name = "tel",
	.test_cases = tel_kunit_cases,
};

kunit_test_suite(tel_kunit_suite);
