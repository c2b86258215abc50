// SPDX-License-Identifier: GPL-2.0
/*
 * tel_call.c - the call object: its DMA rings, its state machine and its
 * post-connection record.
 *
 * A call's rings live in one coherent DMA page for as long as the card
 * exists; when the card goes away (tel_card_shutdown()) they are copied to
 * ordinary memory so that the record and the audio already received stay
 * readable until DEALLOC, and no DMA memory outlives the device.
 */
#include <linux/dma-mapping.h>
#include <linux/cred.h>
#include <linux/pci.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "tel.h"

/* Digits a card can dial: 0-9 * # and a leading +, NUL terminated. */
bool tel_number_valid(const char *number)
{
	size_t len = strnlen(number, TEL_NUMBER_LEN);
	size_t i;

	if (!len || len == TEL_NUMBER_LEN)
		return false;
	for (i = 0; i < len; i++) {
		char c = number[i];

		if (!((c >= '0' && c <= '9') || c == '*' || c == '#' ||
		      (c == '+' && i == 0)))
			return false;
	}
	return true;
}

u64 tel_now_ns(void)
{
	return ktime_get_ns();
}

/**
 * tel_call_create() - a new call with its DMA rings, not yet on a channel
 * @card: a card that is not gone; the caller holds hw_rwsem for reading
 * @channel: the channel it will take
 * @direction: TEL_DIR_*
 *
 * Return: the call with one reference, or an ERR_PTR.
 */
struct tel_call *tel_call_create(struct tel_card *card, u32 channel,
				 u32 direction)
{
	struct tel_call *call;

	lockdep_assert_held(&card->hw_rwsem);

	call = tel_should_fail() ? NULL : kzalloc(sizeof(*call), GFP_KERNEL);
	if (!call)
		return ERR_PTR(-ENOMEM);

	if (!tel_should_fail())
		call->ring = dma_alloc_coherent(&card->pdev->dev,
						TEL_CALL_DMA_BYTES,
						&call->ring_dma, GFP_KERNEL);
	if (!call->ring) {
		kfree(call);
		return ERR_PTR(-ENOMEM);
	}
	call->ring_is_dma = true;
	kref_init(&call->ref);
	mutex_init(&call->op_lock);
	call->card = card;
	call->channel = channel;
	call->info.card = card->index;
	call->info.channel = channel;
	call->info.direction = direction;
	call->owner_pid = get_pid(task_tgid(current));
	call->owner_uid = current_fsuid();
	call->info.alloc_ns = tel_now_ns();
	call->info.start_realtime_ns = ktime_get_real_ns();

	mutex_lock(&card->lock);
	list_add_tail(&call->node, &card->calls);
	card->nr_calls++;
	card->dma_bytes += TEL_CALL_DMA_BYTES;
	card->slab_bytes += tel_perf_slab_size(sizeof(*call));
	mutex_unlock(&card->lock);
	return call;
}

/* Free the rings, DMA or not.  Caller holds card->lock. */
void tel_call_release_ring(struct tel_call *call)
{
	struct tel_card *card = call->card;

	lockdep_assert_held(&card->lock);
	if (!call->ring)
		return;
	if (call->ring_is_dma) {
		dma_free_coherent(&card->pdev->dev, TEL_CALL_DMA_BYTES,
				  call->ring, call->ring_dma);
		card->dma_bytes -= TEL_CALL_DMA_BYTES;
	} else {
		kfree(call->ring);
		card->slab_bytes -= tel_perf_slab_size(TEL_CALL_DMA_BYTES);
	}
	call->ring = NULL;
	call->ring_is_dma = false;
}

static void tel_call_release(struct kref *ref)
{
	struct tel_call *call = container_of(ref, struct tel_call, ref);
	struct tel_card *card = call->card;

	/*
	 * card->lock, not hw_rwsem, makes this safe against shutdown: the
	 * shutdown moves every ring out of DMA memory under card->lock, so a
	 * ring still marked DMA here belongs to a card that is still bound.
	 */
	mutex_lock(&card->lock);
	list_del(&call->node);
	card->nr_calls--;
	card->slab_bytes -= tel_perf_slab_size(sizeof(*call));
	tel_call_release_ring(call);
	mutex_unlock(&card->lock);
	put_pid(call->owner_pid);
	mutex_destroy(&call->op_lock);
	kfree(call);
}

void tel_call_put(struct tel_call *call)
{
	kref_put(&call->ref, tel_call_release);
}

/**
 * tel_call_set_state() - move a call to a new state and tell its owner
 * @call: the call; the caller holds card->lock
 * @state: enum tel_call_state
 * @origin: who ended it, for DISCONNECTED and IDLE; kept if already set
 * @mode: TEL_DISC_* for DISCONNECTED and IDLE; kept if already set
 *
 * The first cause wins: a call that the far end cleared and the owner
 * then dropped keeps origin REMOTE and the far end's mode.
 */
void tel_call_set_state(struct tel_call *call, u32 state, u32 origin,
			u32 mode)
{
	struct tel_call_info *info = &call->info;
	struct tel_event ev = { .type = TEL_EVENT_STATE };
	u64 now = tel_now_ns();

	lockdep_assert_held(&call->card->lock);
	if (info->state == state)
		return;

	info->state = state;
	switch (state) {
	case TEL_CALL_CONNECTED:
		info->connect_ns = now;
		break;
	case TEL_CALL_DISCONNECTED:
	case TEL_CALL_IDLE:
		if (!info->disconnect_ns)
			info->disconnect_ns = now;
		if (info->origin == TEL_ORIGIN_NONE) {
			info->origin = origin;
			info->disconnect_mode = mode;
		}
		if (state == TEL_CALL_IDLE)
			info->idle_ns = now;
		break;
	}

	if (!call->file)
		return;
	ev.handle = call->handle;
	ev.channel = call->channel;
	ev.state = state;
	ev.origin = info->origin;
	ev.disconnect_mode = info->disconnect_mode;
	ev.timestamp_ns = now;
	tel_file_event(call->file, &ev);
}

/**
 * tel_call_unbind() - the card no longer touches the call's rings
 * @call: the call; the caller holds card->lock and the card's window is
 *	still mapped
 *
 * Copies the card's side of the ring indices and the frame counters into
 * the call, where they stay for INFO and READ after the drop.
 */
void tel_call_unbind(struct tel_call *call)
{
	struct tel_card *card = call->card;
	u32 ch = call->channel;

	lockdep_assert_held(&card->lock);
	if (!call->bound)
		return;
	call->pos.rx_head = tel_win_read(card, tel_ch_off(ch, TEL_CH_RX_HEAD));
	call->pos.tx_tail = tel_win_read(card, tel_ch_off(ch, TEL_CH_TX_TAIL));
	call->hw.rx_frames = tel_win_read(card,
					  tel_ch_off(ch, TEL_CH_RX_FRAMES));
	call->hw.tx_frames = tel_win_read(card,
					  tel_ch_off(ch, TEL_CH_TX_FRAMES));
	call->hw.rx_overruns = tel_win_read(card,
					    tel_ch_off(ch, TEL_CH_RX_OVERRUNS));
	call->hw.tx_underruns = tel_win_read(card,
					     tel_ch_off(ch, TEL_CH_TX_UNDERRUNS));
	call->bound = false;
	card->done.rx_frames += call->hw.rx_frames;
	card->done.tx_frames += call->hw.tx_frames;
	card->done.rx_overruns += call->hw.rx_overruns;
	card->done.tx_underruns += call->hw.tx_underruns;
}

/**
 * tel_call_fill_info() - the call's record, counters up to date
 * @call: the call; the caller holds card->lock
 * @info: filled completely (reserved fields zero)
 */
void tel_call_fill_info(struct tel_call *call, struct tel_call_info *info)
{
	struct tel_card *card = call->card;
	u32 rx_frames, tx_frames, rx_over, tx_under, rx_head;
	u64 end;

	lockdep_assert_held(&card->lock);
	*info = call->info;
	if (call->bound && card->gone == TEL_ALIVE) {
		u32 ch = call->channel;

		rx_frames = tel_win_read(card, tel_ch_off(ch, TEL_CH_RX_FRAMES));
		tx_frames = tel_win_read(card, tel_ch_off(ch, TEL_CH_TX_FRAMES));
		rx_over = tel_win_read(card, tel_ch_off(ch, TEL_CH_RX_OVERRUNS));
		tx_under = tel_win_read(card,
					tel_ch_off(ch, TEL_CH_TX_UNDERRUNS));
		rx_head = tel_win_read(card, tel_ch_off(ch, TEL_CH_RX_HEAD));
	} else {
		rx_frames = call->hw.rx_frames;
		tx_frames = call->hw.tx_frames;
		rx_over = call->hw.rx_overruns;
		tx_under = call->hw.tx_underruns;
		rx_head = call->pos.rx_head;
	}
	info->handle = call->handle;
	info->rx_frames = rx_frames;
	info->tx_frames = tx_frames;
	info->rx_bytes = (u64)rx_frames * TEL_FRAME_BYTES;
	info->tx_bytes = (u64)tx_frames * TEL_FRAME_BYTES;
	info->rx_overruns = rx_over;
	info->tx_underruns = tx_under;
	info->dma_bytes = call->ring_is_dma ? TEL_CALL_DMA_BYTES : 0;
	info->rx_pending = call->ring ? rx_head - call->pos.rx_tail : 0;

	if (info->connect_ns) {
		end = info->disconnect_ns ? info->disconnect_ns : tel_now_ns();
		info->duration_ns = end - info->connect_ns;
	}
}
