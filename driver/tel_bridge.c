// SPDX-License-Identifier: GPL-2.0
/*
 * tel_bridge.c - the card's channels for a telephony stack in another
 * module (tel_dahdi.ko): bridge calls and the frame clock.
 *
 * A channel the bridge holds is held by a bridge call: a struct tel_call
 * whose owner is the card's bridge_owner (the bridge as the call core's
 * owner of calls, like an open file), created by tel_bridge_claim() and
 * kept on the channel (card->channels[ch].call) until tel_bridge_release().
 * Each time the bridge goes off hook the same call object is reused for a
 * new call (its record restarts); the DMA rings are the call's, exactly as
 * for a /dev/telN call, and the card's shutdown treats them the same way.
 *
 * Audio moves in the tick interrupt: tel_bridge_tick() hands the bridge
 * the number of frame ticks the card ran, and the bridge moves one frame
 * per tick and channel with tel_bridge_rx()/tel_bridge_tx().  Those only
 * touch a call published in card->channels[ch].audio, under
 * card->bridge_lock; a call is published there only while it is bound,
 * CONNECTED and its rings are DMA memory, and is taken out (under the same
 * lock) before its rings are unbound, moved or freed.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "tel.h"
#include "tel_bridge.h"

/* Silence primed into the tx ring at connect: jitter the tick may have. */
#define TEL_BRIDGE_PRIME_FRAMES	4
/* More ticks than this between two interrupts: nothing was connected. */
#define TEL_BRIDGE_MAX_CATCHUP	(TEL_RING_BYTES / TEL_FRAME_BYTES / 2)
#define TEL_ULAW_SILENCE	0xff

/* The registered bridge; registration and card attach/detach. */
static DEFINE_MUTEX(tel_bridge_mutex);
static const struct tel_bridge_ops *tel_bridge_ops;

/* ---- attach and detach ---- */

/* Give a card to the bridge.  Caller holds tel_bridge_mutex. */
static void tel_bridge_attach(struct tel_card *card,
			      const struct tel_bridge_ops *ops)
{
	struct tel_bridge_card_info info = {
		.dev = &card->pdev->dev,
		.index = card->index,
		.channels = card->nr_channels,
	};
	void *priv = NULL;
	int ret;

	lockdep_assert_held(&tel_bridge_mutex);
	if (card->bridge_removed || card->bridge_ops || READ_ONCE(card->gone))
		return;
	strscpy(info.model, card->model, sizeof(info.model));
	strscpy(info.serial, card->serial, sizeof(info.serial));
	ret = ops->attach(card, &info, &priv);
	if (ret) {
		dev_warn(&card->dev, "%s bridge not attached: %d\n",
			 ops->name, ret);
		return;
	}
	get_device(&card->dev);
	mutex_lock(&card->lock);
	card->bridge_owner.name = ops->name;
	list_add_tail(&card->bridge_owner.node, &card->owners);
	spin_lock_irq(&card->bridge_lock);
	card->bridge_priv = priv;
	card->bridge_ops = ops;
	if (!card->gone) {
		card->bridge_ticks = tel_win_read(card, TEL_STATUS_TICKS);
		/* DAHDI's clock must run on an idle span too */
		tel_win_write(card, TEL_CTRL,
			      TEL_CTRL_ENABLE | TEL_CTRL_TICK_ALWAYS);
	}
	spin_unlock_irq(&card->bridge_lock);
	mutex_unlock(&card->lock);
}

/*
 * Take a card from the bridge.  Caller holds tel_bridge_mutex.  The ops
 * are unpublished first, so no tick or signal reaches the bridge while it
 * tears down; it then releases its channels (tel_bridge_release() needs no
 * ops).
 */
static void tel_bridge_detach(struct tel_card *card)
{
	const struct tel_bridge_ops *ops;
	void *priv;

	lockdep_assert_held(&tel_bridge_mutex);
	mutex_lock(&card->lock);
	spin_lock_irq(&card->bridge_lock);
	ops = card->bridge_ops;
	priv = card->bridge_priv;
	card->bridge_ops = NULL;
	card->bridge_priv = NULL;
	spin_unlock_irq(&card->bridge_lock);
	if (ops)
		list_del_init(&card->bridge_owner.node);
	if (ops && !card->gone)
		tel_win_write(card, TEL_CTRL, TEL_CTRL_ENABLE);
	mutex_unlock(&card->lock);
	if (!ops)
		return;
	ops->detach(card, priv);
	put_device(&card->dev);
}

/*
 * Attach @attach to every card that exists, or with NULL detach every
 * card.  The list lock is not held across that (it registers DAHDI
 * devices, and a put_device() there may free a card, which takes
 * tel_cards_lock): the cards are collected first.
 */
static void tel_bridge_all_cards(const struct tel_bridge_ops *attach)
{
	struct tel_card **cards;
	struct tel_card *card;
	unsigned int n = 0, i;

	cards = kcalloc(TEL_MAX_CARDS, sizeof(*cards), GFP_KERNEL);
	if (!cards)
		return;
	mutex_lock(&tel_cards_lock);
	list_for_each_entry(card, &tel_cards, node) {
		if (n == TEL_MAX_CARDS)
			break;
		get_device(&card->dev);
		cards[n++] = card;
	}
	mutex_unlock(&tel_cards_lock);
	for (i = 0; i < n; i++) {
		if (attach)
			tel_bridge_attach(cards[i], attach);
		else
			tel_bridge_detach(cards[i]);
		put_device(&cards[i]->dev);
	}
	kfree(cards);
}

/**
 * tel_bridge_register() - become the bridge of every card
 * @ops: the callbacks; @ops->attach is called for every card now present
 *	and every card probed later
 *
 * Return: 0, or -EBUSY if another bridge is registered.
 */
int tel_bridge_register(const struct tel_bridge_ops *ops)
{
	mutex_lock(&tel_bridge_mutex);
	if (tel_bridge_ops) {
		mutex_unlock(&tel_bridge_mutex);
		return -EBUSY;
	}
	tel_bridge_ops = ops;
	tel_bridge_all_cards(ops);
	mutex_unlock(&tel_bridge_mutex);
	return 0;
}
EXPORT_SYMBOL_GPL(tel_bridge_register);

/**
 * tel_bridge_unregister() - detach from every card
 * @ops: as registered
 *
 * On return no callback of @ops runs or will run.
 */
void tel_bridge_unregister(const struct tel_bridge_ops *ops)
{
	mutex_lock(&tel_bridge_mutex);
	if (tel_bridge_ops == ops) {
		tel_bridge_all_cards(NULL);
		tel_bridge_ops = NULL;
	}
	mutex_unlock(&tel_bridge_mutex);
}
EXPORT_SYMBOL_GPL(tel_bridge_unregister);

/* Probe: a new card is working and registered. */
void tel_bridge_card_added(struct tel_card *card)
{
	mutex_lock(&tel_bridge_mutex);
	if (tel_bridge_ops)
		tel_bridge_attach(card, tel_bridge_ops);
	mutex_unlock(&tel_bridge_mutex);
}

/* Removal, first thing: the bridge lets go while the card still works. */
void tel_bridge_card_removed(struct tel_card *card)
{
	mutex_lock(&tel_bridge_mutex);
	card->bridge_removed = true;
	tel_bridge_detach(card);
	mutex_unlock(&tel_bridge_mutex);
}

/* ---- audio: the tick path ---- */

/* Publish a connected bridge call to the tick path.  card->lock held. */
static bool tel_bridge_audio_on(struct tel_call *call)
{
	struct tel_card *card = call->card;
	struct tel_channel *chan = &card->channels[call->channel];
	u8 prime[TEL_BRIDGE_PRIME_FRAMES * TEL_FRAME_BYTES];

	lockdep_assert_held(&card->lock);
	if (chan->audio || !call->ring_is_dma ||
	    !tel_call_on_card(call) || call->info.state != TEL_CALL_CONNECTED)
		return false;
	/*
	 * The card takes a frame every tick and we give one per tick from
	 * the interrupt: a little silence ahead absorbs interrupt latency.
	 * The tx ring is empty: this is the call's first audio.
	 */
	memset(prime, TEL_ULAW_SILENCE, sizeof(prime));
	tel_ring_write(call, prime, sizeof(prime));
	tel_ring_tx_commit(card, call, sizeof(prime), true);
	spin_lock_irq(&card->bridge_lock);
	chan->audio = call;
	spin_unlock_irq(&card->bridge_lock);
	return true;
}

/* Take a call out of the tick path.  card->lock held. */
static void tel_bridge_audio_off(struct tel_call *call)
{
	struct tel_card *card = call->card;
	struct tel_channel *chan = &card->channels[call->channel];

	lockdep_assert_held(&card->lock);
	spin_lock_irq(&card->bridge_lock);
	if (chan->audio == call)
		chan->audio = NULL;
	spin_unlock_irq(&card->bridge_lock);
}

/**
 * tel_bridge_tick() - the card's tick interrupt: run the bridge's clock
 * @card: the card
 *
 * Hard interrupt context.  The number of ticks comes from the card's
 * heartbeat, so coalesced interrupts lose no frame; a long gap means no
 * channel was connected (the card raises no tick interrupt then), and
 * counts as one tick.  Ticks that ran backwards are a card error.
 */
void tel_bridge_tick(struct tel_card *card)
{
	const struct tel_bridge_ops *ops;
	u32 ticks, n;

	spin_lock(&card->bridge_lock);
	ops = card->bridge_ops;
	if (ops && !READ_ONCE(card->gone)) {
		ticks = tel_win_read(card, TEL_STATUS_TICKS);
		n = ticks - card->bridge_ticks;
		if ((s32)n < 0)
			tel_card_error(card, false, "frame ticks ran back from %u to %u",
				       card->bridge_ticks, ticks);
		card->bridge_ticks = ticks;
		if (n > TEL_BRIDGE_MAX_CATCHUP)
			n = 1;
		if (n)
			ops->tick(card->bridge_priv, n);
	}
	spin_unlock(&card->bridge_lock);
}

/**
 * tel_bridge_rx() - take one received frame of a channel
 * @card: the card; called from the bridge's @tick callback only
 * @ch: the channel
 * @frame: TEL_FRAME_BYTES (DAHDI_CHUNKSIZE) bytes
 *
 * Return: true if a frame was there; false if none (not connected, or the
 * card has not written it yet): @frame is untouched.
 */
bool tel_bridge_rx(struct tel_card *card, u32 ch, u8 *frame)
{
	struct tel_call *call;

	lockdep_assert_held(&card->bridge_lock);
	call = card->channels[ch].audio;
	if (!call || tel_ring_sync(card, call, true, false) ||
	    tel_ring_rx_fill(call) < TEL_FRAME_BYTES)
		return false;
	tel_ring_read(call, frame, TEL_FRAME_BYTES);
	tel_ring_rx_consume(card, call, TEL_FRAME_BYTES, true);
	return true;
}
EXPORT_SYMBOL_GPL(tel_bridge_rx);

/**
 * tel_bridge_tx() - give the card one frame to send on a channel
 * @card: the card; called from the bridge's @tick callback only
 * @ch: the channel
 * @frame: TEL_FRAME_BYTES bytes
 *
 * Return: true if queued; false if the channel is not connected or its
 * ring is full (the frame is dropped).
 */
bool tel_bridge_tx(struct tel_card *card, u32 ch, const u8 *frame)
{
	struct tel_call *call;

	lockdep_assert_held(&card->bridge_lock);
	call = card->channels[ch].audio;
	if (!call)
		return false;
	/* on hook for a flash, the card takes no audio: nor do we */
	if (READ_ONCE(call->flashing))
		return true;
	if (tel_ring_sync(card, call, false, true) ||
	    tel_ring_tx_room(call) < TEL_FRAME_BYTES)
		return false;
	tel_ring_write(call, frame, TEL_FRAME_BYTES);
	tel_ring_tx_commit(card, call, TEL_FRAME_BYTES, true);
	return true;
}
EXPORT_SYMBOL_GPL(tel_bridge_tx);

/* ---- signalling: card events for bridge calls ---- */

static_assert(TEL_BRIDGE_NUMBER_LEN == TEL_NUMBER_LEN);
static_assert(TEL_BRIDGE_NAME_LEN == TEL_NAME_LEN);

static void tel_bridge_signal(struct tel_card *card, u32 ch,
			      enum tel_bridge_sig sig)
{
	lockdep_assert_held(&card->lock);
	if (card->bridge_ops)
		card->bridge_ops->signal(card->bridge_priv, ch, sig, NULL);
}

/* A call rings on a bridge line: tell the bridge who calls. */
static void tel_bridge_ring(struct tel_card *card, struct tel_call *call)
{
	union tel_bridge_sig_data data = {};
	struct tel_bridge_caller *caller = &data.caller;

	lockdep_assert_held(&card->lock);
	if (!card->bridge_ops)
		return;
	switch (call->party.presentation) {
	case TEL_PRES_ALLOWED:
		caller->presentation = TEL_BRIDGE_PRES_ALLOWED;
		strscpy(caller->number, call->info.calling,
			sizeof(caller->number));
		strscpy(caller->name, call->party.name, sizeof(caller->name));
		break;
	case TEL_PRES_RESTRICTED:
		caller->presentation = TEL_BRIDGE_PRES_RESTRICTED;
		break;
	default:
		caller->presentation = TEL_BRIDGE_PRES_UNAVAILABLE;
		break;
	}
	card->bridge_ops->signal(card->bridge_priv, call->channel,
				 TEL_BRIDGE_RING, &data);
}

/*
 * Start a new record on a bridge call that is on hook (not bound): the
 * bridge reuses one call object for every call it makes on the channel.
 * Its stream positions start again.  Monitors hear TEL_EVENT_CALL_NEW
 * again, and a tap of the new call must not hand them the last call's
 * audio: tel_tap_restart().
 */
static void tel_bridge_recycle(struct tel_call *call, u32 direction)
{
	struct tel_call_info *info = &call->info;

	lockdep_assert_held(&call->card->lock);
	memset(info, 0, sizeof(*info));
	info->card = call->card->index;
	info->channel = call->channel;
	info->direction = direction;
	info->alloc_ns = tel_now_ns();
	info->start_realtime_ns = ktime_get_real_ns();
	memset(&call->pos, 0, sizeof(call->pos));
	tel_tap_restart(call);
	memset(&call->hw, 0, sizeof(call->hw));
	memset(&call->party, 0, sizeof(call->party));
	call->digits_queued = 0;
	call->digits_sent = 0;
}

/*
 * A bridge call changed state: the bridge's half of the call core's owner
 * interface (a file's is in tel_file.c).  card->lock held.
 */
static void tel_bridge_call_state(struct tel_owner *owner,
				  struct tel_call *call, u64 now)
{
	struct tel_card *card = call->card;

	lockdep_assert_held(&card->lock);
	switch (call->info.state) {
	case TEL_CALL_CONNECTED:
		if (tel_bridge_audio_on(call))
			tel_bridge_signal(card, call->channel, TEL_BRIDGE_ANSWER);
		break;
	case TEL_CALL_DISCONNECTED:
		/* before the rings are unbound or moved */
		tel_bridge_audio_off(call);
		if (card->gone)
			break;	/* the bridge hears TEL_BRIDGE_HANGUP for all */
		if (!call->bound) {
			/* an offer given up before anyone answered it */
			tel_call_set_state(call, TEL_CALL_IDLE, TEL_ORIGIN_REMOTE,
					   TEL_DISC_CANCELLED);
			tel_bridge_signal(card, call->channel, TEL_BRIDGE_CANCEL);
		} else {
			tel_bridge_signal(card, call->channel, TEL_BRIDGE_HANGUP);
		}
		break;
	}
}

/*
 * An offer on a channel a bridge call holds: a line on hook rings.
 * card->lock held.
 */
static bool tel_bridge_call_offered(struct tel_owner *owner,
				    struct tel_call *call)
{
	lockdep_assert_held(&call->card->lock);
	if (call->bound || call->info.state != TEL_CALL_IDLE)
		return false;
	tel_bridge_recycle(call, TEL_DIR_INBOUND);
	tel_call_take_offer(call);
	tel_call_begin(call, TEL_CALL_OFFERING);
	tel_bridge_ring(call->card, call);
	return true;
}

/*
 * The card failed or was removed: every bridge call already went
 * DISCONNECTED (and out of the tick path); now the bridge hears it once.
 */
static void tel_bridge_card_event(struct tel_owner *owner,
				  const struct tel_event *ev)
{
	struct tel_card *card = container_of(owner, struct tel_card,
					     bridge_owner);
	u32 ch;

	lockdep_assert_held(&card->lock);
	if (ev->type != TEL_EVENT_CARD_GONE)
		return;
	spin_lock_irq(&card->bridge_lock);
	for (ch = 0; ch < card->nr_channels; ch++)
		card->channels[ch].audio = NULL;
	spin_unlock_irq(&card->bridge_lock);
	tel_bridge_signal(card, U32_MAX, TEL_BRIDGE_HANGUP);
}

/*
 * A digit the card's detector heard on a bridge call (only while
 * tel_bridge_monitor() has it on: the call core drops the others), when
 * its tone ended.  card->lock held.  The flash and DIGITS_SENT events are
 * of no use to the bridge (it sends no digits, and a flash is over when
 * tel_bridge_flash() has started it).
 */
static void tel_bridge_call_event(struct tel_owner *owner,
				  struct tel_call *call,
				  const struct tel_event *ev)
{
	struct tel_card *card = call->card;
	union tel_bridge_sig_data data = {};

	lockdep_assert_held(&card->lock);
	if (ev->type != TEL_EVENT_DIGIT || !card->bridge_ops)
		return;
	data.digit.digit = ev->detail;
	data.digit.duration_ms = ev->duration_ms;
	card->bridge_ops->signal(card->bridge_priv, call->channel,
				 TEL_BRIDGE_DIGIT, &data);
}

static const struct tel_owner_ops tel_bridge_owner_ops = {
	.state = tel_bridge_call_state,
	.offered = tel_bridge_call_offered,
	.card_event = tel_bridge_card_event,
	.call_event = tel_bridge_call_event,
};

/* At card allocation: the bridge owner exists, linked while attached. */
void tel_bridge_card_init(struct tel_card *card)
{
	card->bridge_owner.ops = &tel_bridge_owner_ops;
	card->bridge_owner.name = "bridge";
	card->bridge_owner.kind = TEL_OWNER_BRIDGE;
	INIT_LIST_HEAD(&card->bridge_owner.node);
}

/* ---- the bridge's operations on its channels (process context) ---- */

/* The bridge call on @ch, referenced, or NULL.  hw_rwsem held. */
static struct tel_call *tel_bridge_get(struct tel_card *card, u32 ch)
{
	struct tel_call *call = NULL;

	lockdep_assert_held(&card->hw_rwsem);
	if (ch >= card->nr_channels)
		return NULL;
	mutex_lock(&card->lock);
	if (card->channels[ch].call &&
	    card->channels[ch].call->owner == &card->bridge_owner) {
		call = card->channels[ch].call;
		kref_get(&call->ref);
	}
	mutex_unlock(&card->lock);
	return call;
}

/**
 * tel_bridge_claim() - hold a channel for the bridge
 * @card: the card
 * @ch: the channel
 *
 * The channel must be free; if the card offers a call on it, the bridge
 * takes the offer (and is told TEL_BRIDGE_RING).  May sleep.
 *
 * Return: 0; -EBUSY if a /dev/telN call or the bridge already holds it;
 * -ENODEV if the card is gone or being detached; -EINVAL, -ENOMEM.
 */
int tel_bridge_claim(struct tel_card *card, u32 ch)
{
	struct tel_channel *chan;
	struct tel_call *call;
	int ret = 0;

	if (ch >= card->nr_channels)
		return -EINVAL;
	chan = &card->channels[ch];
	down_read(&card->hw_rwsem);
	if (card->gone) {
		up_read(&card->hw_rwsem);
		return -ENODEV;
	}
	call = tel_call_create(card, ch, TEL_DIR_OUTBOUND);
	if (IS_ERR(call)) {
		up_read(&card->hw_rwsem);
		return PTR_ERR(call);
	}

	mutex_lock(&card->lock);
	if (!card->bridge_ops || card->gone) {
		ret = -ENODEV;
	} else if (chan->call) {
		ret = -EBUSY;
	} else {
		call->owner = &card->bridge_owner;
		chan->call = call;
		if (chan->offered) {
			chan->offered = false;
			tel_bridge_call_offered(call->owner, call);
		}
	}
	mutex_unlock(&card->lock);
	up_read(&card->hw_rwsem);
	if (ret)
		tel_call_put(call);
	return ret;
}
EXPORT_SYMBOL_GPL(tel_bridge_claim);

/*
 * Put a bridge call on hook: HANGUP if the card has its rings, then the
 * same order as DROP (drain the events the card wrote before, unbind).
 * Caller holds hw_rwsem (read) and call->op_lock.
 */
static void tel_bridge_hangup(struct tel_card *card, struct tel_call *call)
{
	bool bound;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	mutex_lock(&card->lock);
	tel_bridge_audio_off(call);
	bound = call->bound;
	mutex_unlock(&card->lock);

	if (bound)
		tel_call_hangup(call, TEL_DISC_NORMAL);	/* returns locked */
	else
		mutex_lock(&card->lock);
	if (call->info.state != TEL_CALL_OFFERING)
		tel_call_set_state(call, TEL_CALL_IDLE, TEL_ORIGIN_LOCAL,
				   TEL_DISC_NORMAL);
	mutex_unlock(&card->lock);
}

/**
 * tel_bridge_release() - the bridge lets go of a channel
 * @card: the card
 * @ch: a channel the bridge claimed
 *
 * Hangs up if off hook; an offer not yet answered goes back to the card's
 * pool for /dev/telN users.  Then the bridge call is freed.  May sleep.
 */
void tel_bridge_release(struct tel_card *card, u32 ch)
{
	struct tel_call *call;

	down_read(&card->hw_rwsem);
	call = tel_bridge_get(card, ch);
	if (!call) {
		up_read(&card->hw_rwsem);
		return;
	}
	mutex_lock(&call->op_lock);
	tel_bridge_hangup(card, call);
	mutex_lock(&card->lock);
	if (card->channels[ch].call == call) {
		card->channels[ch].call = NULL;
		tel_call_disown(call);
		if (call->info.state == TEL_CALL_OFFERING && !card->gone) {
			card->channels[ch].offered = true;
			strscpy(card->channels[ch].offer_number,
				call->info.calling,
				sizeof(card->channels[ch].offer_number));
		}
	}
	mutex_unlock(&card->lock);
	mutex_unlock(&call->op_lock);
	up_read(&card->hw_rwsem);
	tel_call_put(call);	/* tel_bridge_get()'s */
	tel_call_put(call);	/* the channel's: frees the rings */
}
EXPORT_SYMBOL_GPL(tel_bridge_release);

/**
 * tel_bridge_offhook() - the bridge's line goes off hook
 * @card: the card
 * @ch: a channel the bridge claimed, on hook
 * @number: what to DIAL when no call is offered on the channel
 *
 * Answers the offered call if there is one, else dials @number.  The
 * bridge hears TEL_BRIDGE_ANSWER once the call is connected, or
 * TEL_BRIDGE_HANGUP if the far end refuses it.  May sleep.
 *
 * Return: 0, -EALREADY if off hook already, -ENOENT if the bridge does not
 * hold @ch, -ENODEV if the card is gone, or the card's refusal (the line
 * is then on hook again).
 */
int tel_bridge_offhook(struct tel_card *card, u32 ch, const char *number)
{
	struct tel_call *call;
	bool answer = false;
	int ret = 0;

	down_read(&card->hw_rwsem);
	call = tel_bridge_get(card, ch);
	if (!call) {
		up_read(&card->hw_rwsem);
		return -ENOENT;
	}
	mutex_lock(&call->op_lock);
	mutex_lock(&card->lock);
	if (card->gone)
		ret = -ENODEV;
	else if (call->bound)
		ret = -EALREADY;
	else if (call->info.state == TEL_CALL_OFFERING)
		answer = true;
	else
		tel_bridge_recycle(call, TEL_DIR_OUTBOUND);
	mutex_unlock(&card->lock);
	if (ret)
		goto out;

	/* the bridge hears TEL_BRIDGE_ANSWER from the state change */
	ret = answer ? tel_call_answer_offer(call) : tel_call_dial(call, number);
	if (ret) {
		mutex_lock(&card->lock);
		tel_call_set_state(call, TEL_CALL_IDLE, TEL_ORIGIN_HARDWARE,
				   ret == -EBUSY ? TEL_DISC_CANCELLED :
				   TEL_DISC_UNKNOWN);
		mutex_unlock(&card->lock);
	}
out:
	mutex_unlock(&call->op_lock);
	up_read(&card->hw_rwsem);
	tel_call_put(call);
	return ret;
}
EXPORT_SYMBOL_GPL(tel_bridge_offhook);

/**
 * tel_bridge_onhook() - the bridge's line goes on hook
 * @card: the card
 * @ch: a channel the bridge claimed
 *
 * Ends the call on the channel, if any.  May sleep.
 */
void tel_bridge_onhook(struct tel_card *card, u32 ch)
{
	struct tel_call *call;

	down_read(&card->hw_rwsem);
	call = tel_bridge_get(card, ch);
	if (call) {
		mutex_lock(&call->op_lock);
		tel_bridge_hangup(card, call);
		mutex_unlock(&call->op_lock);
		tel_call_put(call);
	}
	up_read(&card->hw_rwsem);
}
EXPORT_SYMBOL_GPL(tel_bridge_onhook);

/**
 * tel_bridge_flash() - a hook flash on a bridge line's call
 * @card: the card
 * @ch: a channel the bridge claimed
 * @ms: time on hook (clamped to what the card takes), 0 for the card's
 *	default
 *
 * The call goes on (tel_call_hook_flash(): the one path a file's flash takes
 * too).  May sleep.
 *
 * Return: 0, -ENOTCONN if no connected call is on the line, or
 * tel_call_hook_flash()'s error (-EOPNOTSUPP on a card without hook flash).
 */
int tel_bridge_flash(struct tel_card *card, u32 ch, u32 ms)
{
	struct tel_call *call;
	int ret = -ENOTCONN;

	down_read(&card->hw_rwsem);
	call = tel_bridge_get(card, ch);
	if (call) {
		mutex_lock(&call->op_lock);
		if (ms)
			ms = clamp_t(u32, ms, TEL_FLASH_MIN_MS, TEL_FLASH_MAX_MS);
		ret = tel_call_hook_flash(call, ms);
		mutex_unlock(&call->op_lock);
		tel_call_put(call);
	}
	up_read(&card->hw_rwsem);
	return ret;
}
EXPORT_SYMBOL_GPL(tel_bridge_flash);

/**
 * tel_bridge_monitor() - the card's DTMF detector on a bridge line's call
 * @card: the card
 * @ch: a channel the bridge claimed
 * @digits: detect digits (each one a TEL_BRIDGE_DIGIT when its tone ends),
 *	or false for off
 * @mute: and replace the tones in the received audio by silence (only
 *	with @digits)
 *
 * tel_call_detect_digits(), the one path TEL_IOC_CALL_MONITOR takes too.  The
 * card turns detection off with every DIAL, ANSWER and HANGUP, so it
 * lasts for the current call only: the bridge asks again for the next.
 * Process context; sleeps on the card's mailbox: never call it from
 * atomic context or from a bridge callback.
 *
 * Return: 0; -EOPNOTSUPP if the card has no DTMF detector (checked first,
 * with or without a call); -ENOTCONN if no call is on the line (or it is
 * not dialling, ringing back or connected); -ETIMEDOUT, -ENODEV.
 */
int tel_bridge_monitor(struct tel_card *card, u32 ch, bool digits, bool mute)
{
	struct tel_call *call;
	u32 flags = 0;
	int ret = -ENOTCONN;

	if (!(card->caps & TEL_CAP_DTMF))
		return -EOPNOTSUPP;
	if (digits)
		flags = TEL_MONITOR_F_DIGITS | (mute ? TEL_MONITOR_F_MUTE : 0);
	down_read(&card->hw_rwsem);
	call = tel_bridge_get(card, ch);
	if (call) {
		mutex_lock(&call->op_lock);
		ret = tel_call_detect_digits(call, flags);
		mutex_unlock(&call->op_lock);
		tel_call_put(call);
	}
	up_read(&card->hw_rwsem);
	return ret;
}
EXPORT_SYMBOL_GPL(tel_bridge_monitor);
