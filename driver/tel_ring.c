// SPDX-License-Identifier: GPL-2.0
/*
 * tel_ring.c - a call's two audio rings and the card's indices into them,
 * for every path that moves audio: the READ and WRITE ioctls and the
 * bridge's tick.
 *
 * Each ring is TEL_RING_BYTES long (a power of two) and its indices run
 * free (mod 2^32): rx is written by the card, which moves RX_HEAD, and read
 * by the owner, which moves RX_TAIL; tx the other way round.  The card's
 * two indices are device-controlled: they reach call->pos only through
 * tel_ring_sync(), which checks them against what the driver knows, so no
 * value the card wrote ever becomes a length or an offset unchecked.
 */
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tel.h"

/*
 * Possible values of the card's indices, given what we know: the card
 * moves them by whole frames and only forwards; rx_head stays within one
 * ring of our rx_tail, tx_tail never passes our tx_head.
 */
bool tel_ring_rx_head_ok(const struct tel_ring_state *pos, u32 head)
{
	u32 fill = head - pos->rx_tail;

	return !(head & (TEL_FRAME_BYTES - 1)) && fill <= TEL_RING_BYTES &&
	       fill >= pos->rx_head - pos->rx_tail;
}

bool tel_ring_tx_tail_ok(const struct tel_ring_state *pos, u32 tail)
{
	return !(tail & (TEL_FRAME_BYTES - 1)) &&
	       tail - pos->tx_tail <= pos->tx_head - pos->tx_tail;
}

/**
 * tel_ring_sync() - read the card's indices of a bound call, checked
 * @card: the card; its window is mapped and it is not gone
 * @call: a call whose rings the card holds (bound); the caller holds
 *	card->lock, or for a call published to the bridge's tick,
 *	card->bridge_lock
 * @rx: read RX_HEAD
 * @tx: read TX_TAIL
 *
 * Return: 0 with call->pos updated; -EIO if the card reported an
 * impossible index: call->pos keeps the last good values, and the card
 * is failed (tel_card_error()).
 */
int tel_ring_sync(struct tel_card *card, struct tel_call *call, bool rx,
		  bool tx)
{
	u32 ch = call->channel, head = 0, tail = 0;

	lockdep_assert(lockdep_is_held(&card->lock) ||
		       lockdep_is_held(&card->bridge_lock));
	if (rx)
		head = tel_win_read(card, tel_ch_off(ch, TEL_CH_RX_HEAD));
	if (tx)
		tail = tel_win_read(card, tel_ch_off(ch, TEL_CH_TX_TAIL));
	if ((rx && !tel_ring_rx_head_ok(&call->pos, head)) ||
	    (tx && !tel_ring_tx_tail_ok(&call->pos, tail))) {
		tel_card_error(card, true,
			       "ring index of channel %u: rx head %u (was %u, tail %u), tx tail %u (was %u, head %u)",
			       ch, rx ? head : call->pos.rx_head, call->pos.rx_head,
			       call->pos.rx_tail, tx ? tail : call->pos.tx_tail,
			       call->pos.tx_tail, call->pos.tx_head);
		return -EIO;
	}
	rmb();	/* ring contents were written before the indices */
	if (rx && call->tap)
		tel_tap_feed(call, false, call->pos.rx_head,
			     head - call->pos.rx_head);
	if (rx)
		call->pos.rx_head = head;
	if (tx)
		call->pos.tx_tail = tail;
	return 0;
}

u32 tel_ring_rx_fill(const struct tel_call *call)
{
	return call->ring ? call->pos.rx_head - call->pos.rx_tail : 0;
}

u32 tel_ring_tx_room(const struct tel_call *call)
{
	return TEL_RING_BYTES - (call->pos.tx_head - call->pos.tx_tail);
}

static void *tel_ring_rx(const struct tel_call *call, u32 pos)
{
	return call->ring + (pos & (TEL_RING_BYTES - 1));
}

static void *tel_ring_tx(const struct tel_call *call, u32 pos)
{
	return call->ring + TEL_RING_BYTES + (pos & (TEL_RING_BYTES - 1));
}

/**
 * tel_ring_read() - copy received audio out, without consuming it
 * @call: the call; the caller keeps its rings in place (hw_rwsem or
 *	card->lock, or bridge_lock for a call the tick moves audio for) and
 *	is its only reader (op_lock, or the tick)
 * @dst: the bytes
 * @len: at most tel_ring_rx_fill()
 *
 * tel_ring_rx_consume() moves the index after.
 */
void tel_ring_read(const struct tel_call *call, void *dst, u32 len)
{
	u32 pos = call->pos.rx_tail, first = tel_ring_first(pos, len);

	lockdep_assert(lockdep_is_held(&call->card->hw_rwsem) ||
		       lockdep_is_held(&call->card->lock) ||
		       lockdep_is_held(&call->card->bridge_lock));
	memcpy(dst, tel_ring_rx(call, pos), first);
	memcpy(dst + first, tel_ring_rx(call, 0), len - first);
}

/* tel_ring_read() to userspace.  Return: 0 or -EFAULT. */
int tel_ring_read_user(const struct tel_call *call, u8 __user *dst, u32 len)
{
	u32 pos = call->pos.rx_tail, first = tel_ring_first(pos, len);

	if (copy_to_user(dst, tel_ring_rx(call, pos), first) ||
	    copy_to_user(dst + first, tel_ring_rx(call, 0), len - first))
		return -EFAULT;
	return 0;
}

/**
 * tel_ring_write() - copy audio to send in, without publishing it
 * @call: as for tel_ring_read(), its only writer
 * @src: the bytes
 * @len: at most tel_ring_tx_room()
 *
 * tel_ring_tx_commit() publishes it after.
 */
void tel_ring_write(struct tel_call *call, const void *src, u32 len)
{
	u32 pos = call->pos.tx_head, first = tel_ring_first(pos, len);

	lockdep_assert(lockdep_is_held(&call->card->hw_rwsem) ||
		       lockdep_is_held(&call->card->lock) ||
		       lockdep_is_held(&call->card->bridge_lock));
	memcpy(tel_ring_tx(call, pos), src, first);
	memcpy(tel_ring_tx(call, 0), src + first, len - first);
}

/* tel_ring_write() from userspace.  Return: 0 or -EFAULT. */
int tel_ring_write_user(struct tel_call *call, const u8 __user *src, u32 len)
{
	u32 pos = call->pos.tx_head, first = tel_ring_first(pos, len);

	if (copy_from_user(tel_ring_tx(call, pos), src, first) ||
	    copy_from_user(tel_ring_tx(call, 0), src + first, len - first))
		return -EFAULT;
	return 0;
}

/**
 * tel_ring_rx_consume() - the first @len received bytes were taken
 * @card: the card
 * @call: the call
 * @len: bytes read by tel_ring_read()
 * @tell_card: the card holds the rings: give it the room back
 */
void tel_ring_rx_consume(struct tel_card *card, struct tel_call *call,
			 u32 len, bool tell_card)
{
	call->pos.rx_tail += len;
	if (!tell_card)
		return;
	mb();	/* done with the bytes before the card may reuse them */
	tel_win_write(card, tel_ch_off(call->channel, TEL_CH_RX_TAIL),
		      call->pos.rx_tail);
}

/**
 * tel_ring_tx_commit() - publish @len bytes written by tel_ring_write()
 * @card: the card
 * @call: the call
 * @len: the bytes
 * @tell_card: the card holds the rings
 */
void tel_ring_tx_commit(struct tel_card *card, struct tel_call *call, u32 len,
			bool tell_card)
{
	if (call->tap)
		tel_tap_feed(call, true, call->pos.tx_head, len);
	call->pos.tx_head += len;
	/* iowrite32 orders the ring writes before the index */
	if (tell_card)
		tel_win_write(card, tel_ch_off(call->channel, TEL_CH_TX_HEAD),
			      call->pos.tx_head);
}
