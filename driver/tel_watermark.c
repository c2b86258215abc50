// SPDX-License-Identifier: GPL-2.0
/*
 * tel_watermark.c - per-call audio watermarks: one wake-up per block
 *
 * An owner arms a call with a receive mark ("tell me when at least N bytes
 * are readable") and/or a transmit mark ("... when N bytes of space are
 * free"); when a mark is reached the owner is told once, through its
 * audio_ready op (an open file queues TEL_EVENT_AUDIO_READY, which wakes
 * its poll()), and that direction stays quiet until it is re-armed by the
 * owner moving audio (tel_call_wm_moved()) or arming again.
 *
 * The tick does not look at every call.  Audio moves at a known rate
 * (TEL_FRAME_BYTES per frame tick), so the tick at which a call can reach
 * its mark is known when it is armed: armed calls wait in a timer wheel
 * of TEL_WM_SLOTS lists per card, indexed by that due tick, and the tick
 * interrupt looks only at the slots of the ticks that passed and, in
 * them, at the calls due.  A due call's real position is read from the
 * card (checked, as tel_ring_sync() would: the card is not trusted); a
 * call not ready yet (the card is late, or the call is held) is put back
 * for the tick at which it can be, at least the next one.  A card with no
 * armed call pays one register read and one lock per tick.
 *
 * Everything here is under card->wm_lock, a spinlock the tick interrupt
 * takes: the wheel, every call's struct tel_watermark, wm_tick and the
 * counters.  It nests inside card->lock (arming, re-arming and disarming
 * happen there, from the call core) and outside tel_file.ev_lock (the
 * event is queued from inside it).
 */
#include <linux/minmax.h>
#include <linux/spinlock.h>

#include "tel.h"

void tel_card_wm_init(struct tel_card *card)
{
	unsigned int i;

	spin_lock_init(&card->wm_lock);
	for (i = 0; i < TEL_WM_SLOTS; i++)
		INIT_LIST_HEAD(&card->wm_slot[i]);
}

/* Bytes still to come before the pending directions can be ready. */
static u32 tel_wm_need(const struct tel_watermark *wm)
{
	u32 need = U32_MAX, have;

	if (wm->pending & TEL_WATERMARK_RX) {
		have = wm->rx_head - wm->rx_tail;
		need = wm->rx_bytes > have ? wm->rx_bytes - have : 0;
	}
	if (wm->pending & TEL_WATERMARK_TX) {
		have = TEL_RING_BYTES - (wm->tx_head - wm->tx_tail);
		need = min(need, wm->tx_bytes > have ? wm->tx_bytes - have : 0);
	}
	return need;
}

/* Put an armed call in the slot of the tick it can be ready at. */
static void tel_wm_schedule(struct tel_card *card, struct tel_call *call)
{
	struct tel_watermark *wm = &call->wm;
	u32 ticks = DIV_ROUND_UP(tel_wm_need(wm), TEL_FRAME_BYTES);

	lockdep_assert_held(&card->wm_lock);
	/* at least the next tick; a later lap is looked at again */
	ticks = clamp_t(u32, ticks, 1, TEL_WM_SLOTS - 1);
	wm->due = card->wm_tick + ticks;
	if (list_empty(&wm->node))
		card->wm_armed++;
	list_move_tail(&wm->node, &card->wm_slot[wm->due % TEL_WM_SLOTS]);
}

static void tel_wm_unqueue(struct tel_card *card, struct tel_watermark *wm)
{
	lockdep_assert_held(&card->wm_lock);
	if (!list_empty(&wm->node)) {
		list_del_init(&wm->node);
		card->wm_armed--;
	}
}

/**
 * tel_call_wm_disarm() - the call's watermarks are off, nothing is told
 * @call: the call; the caller holds card->lock
 *
 * Called by the core wherever the call can no longer be reported: it
 * leaves CONNECTED and ONHOLD, changes owner, loses its owner, or its
 * rings are unbound.  Once this returns the tick no longer sees it.
 */
void tel_call_wm_disarm(struct tel_call *call)
{
	struct tel_card *card = call->card;
	unsigned long flags;

	lockdep_assert_held(&card->lock);
	spin_lock_irqsave(&card->wm_lock, flags);
	tel_wm_unqueue(card, &call->wm);
	memset(&call->wm, 0, offsetof(struct tel_watermark, node));
	spin_unlock_irqrestore(&card->wm_lock, flags);
}

/* Take the indices the driver knows (call->pos, under card->lock). */
static void tel_wm_take_pos(struct tel_watermark *wm,
			    const struct tel_call *call)
{
	wm->rx_head = call->pos.rx_head;
	wm->rx_tail = call->pos.rx_tail;
	wm->tx_head = call->pos.tx_head;
	wm->tx_tail = call->pos.tx_tail;
}

/**
 * tel_call_set_watermark() - arm or disarm a call's watermarks
 * @call: the call; the caller holds hw_rwsem (read) and call->op_lock
 * @rx_bytes: the receive mark, 0 for none, at most TEL_RING_BYTES
 * @tx_bytes: the transmit mark, likewise
 *
 * Both 0 disarms, in any state.  Arming replaces the marks set before
 * and re-arms both directions; a direction already past its mark is
 * reported at the next tick.
 *
 * Return: 0; -EINVAL for a mark larger than the ring; -ENODEV if the card
 * is gone; -EOPNOTSUPP for an owner that cannot be told; -ENOTCONN if the
 * call is not CONNECTED or ONHOLD (or a conference port:
 * tel_call_takes_audio()); -EIO if the card reported an
 * impossible ring index.  On error nothing changed.
 */
int tel_call_set_watermark(struct tel_call *call, u32 rx_bytes, u32 tx_bytes)
{
	struct tel_card *card = call->card;
	struct tel_watermark *wm = &call->wm;
	unsigned long flags;
	int ret = 0;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	if (rx_bytes > TEL_RING_BYTES || tx_bytes > TEL_RING_BYTES)
		return -EINVAL;
	if (READ_ONCE(card->gone))
		return -ENODEV;
	mutex_lock(&card->lock);
	if (!call->owner || !call->owner->ops->audio_ready)
		ret = -EOPNOTSUPP;
	else if (!rx_bytes && !tx_bytes)
		tel_call_wm_disarm(call);
	else if (!tel_call_takes_audio(call) || !tel_call_on_card(call))
		ret = -ENOTCONN;
	else
		ret = tel_ring_sync(card, call, true, true);
	if (ret || (!rx_bytes && !tx_bytes)) {
		mutex_unlock(&card->lock);
		return ret;
	}

	spin_lock_irqsave(&card->wm_lock, flags);
	wm->owner = call->owner;
	wm->handle = call->handle;
	wm->channel = call->channel;
	wm->rx_bytes = rx_bytes;
	wm->tx_bytes = tx_bytes;
	wm->pending = (rx_bytes ? TEL_WATERMARK_RX : 0) |
		      (tx_bytes ? TEL_WATERMARK_TX : 0);
	tel_wm_take_pos(wm, call);
	tel_wm_schedule(card, call);
	spin_unlock_irqrestore(&card->wm_lock, flags);
	mutex_unlock(&card->lock);
	return 0;
}

/**
 * tel_call_wm_moved_locked() - the owner moved audio of the call: re-arm
 * @call: the call; the caller holds card->lock and card->wm_lock, and
 *	call->pos is up to date
 * @dirs: the directions moved, TEL_WATERMARK_RX (it read) and/or
 *	TEL_WATERMARK_TX (it wrote)
 *
 * Each direction moved is armed again (if it has a mark), from the
 * indices as they are now: at or past its mark it is reported at the
 * next tick, else when the audio can have reached it.  For a caller
 * that takes wm_lock anyway (a mapped call's sync publishes its indices
 * under it): one lock section for everything.
 */
void tel_call_wm_moved_locked(struct tel_call *call, u32 dirs)
{
	struct tel_card *card = call->card;
	struct tel_watermark *wm = &call->wm;

	lockdep_assert_held(&card->lock);
	lockdep_assert_held(&card->wm_lock);
	if (!wm->owner)
		return;
	dirs &= (wm->rx_bytes ? TEL_WATERMARK_RX : 0) |
		(wm->tx_bytes ? TEL_WATERMARK_TX : 0);
	if (dirs) {
		wm->pending |= dirs;
		tel_wm_take_pos(wm, call);
		tel_wm_schedule(card, call);
	}
}

/**
 * tel_call_wm_moved() - tel_call_wm_moved_locked() for one direction
 * @call: the call; the caller holds card->lock, call->pos is up to date
 * @write: the owner wrote (tx), else it read (rx)
 */
void tel_call_wm_moved(struct tel_call *call, bool write)
{
	struct tel_card *card = call->card;
	unsigned long flags;

	lockdep_assert_held(&card->lock);
	spin_lock_irqsave(&card->wm_lock, flags);
	tel_call_wm_moved_locked(call, write ? TEL_WATERMARK_TX :
				 TEL_WATERMARK_RX);
	spin_unlock_irqrestore(&card->wm_lock, flags);
}

/*
 * Which pending directions of a due call are ready, from the card's
 * indices, checked against what the driver knows (the card is not
 * trusted: an impossible value is ignored here, and the next READ or
 * WRITE, which checks the same, fails the card).
 */
static u32 tel_wm_check(struct tel_card *card, struct tel_watermark *wm)
{
	u32 ready = 0, v;

	if (wm->pending & TEL_WATERMARK_RX) {
		v = tel_win_read(card, tel_ch_off(wm->channel, TEL_CH_RX_HEAD));
		if (!(v & (TEL_FRAME_BYTES - 1)) &&
		    v - wm->rx_tail <= TEL_RING_BYTES &&
		    v - wm->rx_tail >= wm->rx_head - wm->rx_tail)
			wm->rx_head = v;
		if (wm->rx_head - wm->rx_tail >= wm->rx_bytes)
			ready |= TEL_WATERMARK_RX;
	}
	if (wm->pending & TEL_WATERMARK_TX) {
		v = tel_win_read(card, tel_ch_off(wm->channel, TEL_CH_TX_TAIL));
		if (!(v & (TEL_FRAME_BYTES - 1)) &&
		    v - wm->tx_tail <= wm->tx_head - wm->tx_tail)
			wm->tx_tail = v;
		if (TEL_RING_BYTES - (wm->tx_head - wm->tx_tail) >= wm->tx_bytes)
			ready |= TEL_WATERMARK_TX;
	}
	/* a mapped call's reader finds the indices with the event */
	tel_map_publish_wm(container_of(wm, struct tel_call, wm));
	return ready;
}

/* Look at the calls of one slot that are due by @now. */
static void tel_wm_slot(struct tel_card *card, struct list_head *slot,
			u32 now)
{
	struct tel_watermark *wm, *next;
	struct tel_event ev = { .type = TEL_EVENT_AUDIO_READY };
	u32 ready;

	list_for_each_entry_safe(wm, next, slot, node) {
		if ((s32)(wm->due - now) > 0)
			continue;	/* a later lap */
		card->wm_checks++;
		ready = tel_wm_check(card, wm);
		if (ready) {
			wm->pending &= ~ready;
			ev.handle = wm->handle;
			ev.channel = wm->channel;
			ev.detail = ready;
			ev.timestamp_ns = tel_now_ns();
			wm->owner->ops->audio_ready(wm->owner, &ev);
			card->wm_events++;
		}
		if (wm->pending)
			tel_wm_schedule(card, container_of(wm, struct tel_call,
							   wm));
		else
			tel_wm_unqueue(card, wm);
	}
}

/**
 * tel_card_wm_tick() - the tick's share: the armed calls due now
 * @card: the card; from its tick interrupt, the window mapped
 *
 * Walks the slots of the ticks run since the last call (all of them,
 * once, after a gap of a whole wheel), and in each only the calls due.
 */
void tel_card_wm_tick(struct tel_card *card)
{
	u32 now = tel_win_read(card, TEL_STATUS_TICKS), t, steps;

	spin_lock(&card->wm_lock);
	steps = min_t(u32, now - card->wm_tick, TEL_WM_SLOTS);
	/* calls put back are due from @now on */
	card->wm_tick = now;
	if (card->wm_armed)
		for (t = now - steps + 1; steps--; t++)
			tel_wm_slot(card, &card->wm_slot[t % TEL_WM_SLOTS], now);
	spin_unlock(&card->wm_lock);
}
