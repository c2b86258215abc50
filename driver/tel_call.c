// SPDX-License-Identifier: GPL-2.0
/*
 * tel_call.c - the call core: the call object, its DMA rings, its state
 * machine and post-connection record, and the operations every owner of
 * calls (an open file, the DAHDI bridge) goes through: dial, answer, hang
 * up.  A state change is told to the call's owner through its
 * struct tel_owner_ops, whoever it is, and to every monitor of the card
 * (struct tel_monitor) in one place, tel_call_notify(): from the call's
 * first state (TEL_EVENT_CALL_NEW) to the moment its owner lets go of its
 * record (TEL_EVENT_CALL_DEALLOC).
 *
 * A call's rings live in one coherent DMA page for as long as the card
 * exists; when the card goes away (tel_card_shutdown()) they are copied to
 * ordinary memory so that the record and the audio already received stay
 * readable until DEALLOC, and no DMA memory outlives the device.
 */
#include <linux/dma-mapping.h>
#include <linux/math64.h>
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

/* DTMF digits a card sends and detects: 0-9 * # A-D. */
bool tel_digit_valid(int c)
{
	return (c >= '0' && c <= '9') || c == '*' || c == '#' ||
	       (c >= 'A' && c <= 'D');
}

/* What this driver and @card can do beyond ABI version 2's commands. */
u64 tel_card_features(const struct tel_card *card)
{
	u64 features = TEL_FEATURES;

	if (card->caps & TEL_CAP_DTMF)
		features |= TEL_FEAT_DIGITS;
	if (card->caps & TEL_CAP_CALLER_ID)
		features |= TEL_FEAT_CALLER_ID;
	if (card->caps & TEL_CAP_FLASH)
		features |= TEL_FEAT_FLASH;
	if (card->caps & TEL_CAP_HOLD)
		features |= TEL_FEAT_HOLD;
	if (card->caps & TEL_CAP_REDIRECT)
		features |= TEL_FEAT_REDIRECT;
	if (card->caps & TEL_CAP_TRANSFER)
		features |= TEL_FEAT_TRANSFER;
	/* the ring page must be whole pages to be mapped (tel_mmap.c) */
	if (IS_ALIGNED(TEL_CALL_DMA_BYTES, PAGE_SIZE))
		features |= TEL_FEAT_MMAP;
	if (card->caps & TEL_CAP_JOIN)
		features |= TEL_FEAT_CONSULT;
	if (card->caps & TEL_CAP_CONFERENCE)
		features |= TEL_FEAT_CONFERENCE;
	if (card->caps & TEL_CAP_CONF_PORT)
		features |= TEL_FEAT_CONF_PARTY;
	return features;
}

/**
 * tel_call_takes_audio() - may the owner queue audio for the call now?
 * @call: the call; the caller holds card->lock
 *
 * A CONNECTED call, an ONHOLD one (its ring fills and waits for UNHOLD),
 * and the application's own party in a conference (TEL_ALLOC_F_CONF),
 * whose rings carry the conference's audio: the one test READ, WRITE,
 * mapped rings and watermarks share, so that a port is a connected call
 * to each of them.  A far party's member (TEL_IOC_CONF_ADD) is not: its
 * rings move nothing while it is in the conference.
 */
bool tel_call_takes_audio(const struct tel_call *call)
{
	u32 state = call->info.state;

	lockdep_assert_held(&call->card->lock);
	return state == TEL_CALL_CONNECTED || state == TEL_CALL_ONHOLD ||
	       (state == TEL_CALL_CONFERENCED && call->conf_port);
}

u64 tel_now_ns(void)
{
	return ktime_get_ns();
}

/**
 * tel_id_alloc() - a cyclic id in an allocating xarray (XA_FLAGS_ALLOC1)
 * @xa: the table: a file's handles, or the card's call ids
 * @id: the id given
 * @entry: what it names, NULL to reserve it
 * @limit: the range
 * @next: the cyclic cursor
 * @held: the id tel_id_free() left reserved last, 0 for none; the caller
 *	serializes @held with tel_id_free()
 *
 * xa_alloc_cyclic(), then the reservation tel_id_free() kept is let go.
 * Ids only grow, so with one call at a time every id lands in a part of
 * the tree that the last one's erase emptied: without the reservation
 * each cycle would build and free the nodes down to it (three, past id
 * 4096).  Kept until the next id is in place, it keeps those nodes
 * alive; the next id shares its leaf 63 times in 64.  A reserved id
 * names nothing (xa_load() gives NULL) and is not given out, so it
 * answers as any stale one does.
 *
 * Return: as xa_alloc_cyclic().
 */
int tel_id_alloc(struct xarray *xa, u32 *id, void *entry,
		 struct xa_limit limit, u32 *next, u32 *held)
{
	int ret = xa_alloc_cyclic(xa, id, entry, limit, next, GFP_KERNEL);

	if (ret >= 0 && *held) {
		xa_release(xa, *held);
		*held = 0;
	}
	return ret;
}

/**
 * tel_id_free() - give back an id of tel_id_alloc()
 * @xa: the table
 * @id: the id, in @xa
 * @held: as for tel_id_alloc()
 *
 * @id stays reserved (a NULL entry, which in an allocating xarray takes
 * no memory beyond its slot) until the next tel_id_alloc() on @xa; the
 * one reserved before is let go now.
 */
void tel_id_free(struct xarray *xa, u32 id, u32 *held)
{
	if (*held)
		xa_release(xa, *held);
	/* a NULL store in an allocating xarray reserves; nothing to allocate */
	if (xa_is_err(xa_store(xa, id, NULL, GFP_NOWAIT))) {
		xa_erase(xa, id);
		*held = 0;
		return;
	}
	*held = id;
}

/*
 * Calls come from their own cache: kmalloc() would round a struct
 * tel_call up to a power of two (704 bytes to 1024 on x86-64).
 */
static struct kmem_cache *tel_call_cache;

int tel_call_cache_init(void)
{
	tel_call_cache = KMEM_CACHE(tel_call, 0);
	return tel_call_cache ? 0 : -ENOMEM;
}

void tel_call_cache_exit(void)
{
	kmem_cache_destroy(tel_call_cache);
}

/* What a call takes of the slab, for debugfs slab_bytes. */
static long tel_call_slab_size(void)
{
	return kmem_cache_size(tel_call_cache);
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
	u64 t = tel_ctl_now();
	int ret;

	lockdep_assert_held(&card->hw_rwsem);

	call = tel_should_fail() ? NULL :
		kmem_cache_zalloc(tel_call_cache, GFP_KERNEL);
	if (!call)
		return ERR_PTR(-ENOMEM);
	t = tel_ctl_account(card, TEL_CTL_CALL_ALLOC, t);

	if (!tel_should_fail())
		call->ring = dma_alloc_coherent(&card->pdev->dev,
						TEL_CALL_DMA_BYTES,
						&call->ring_dma, GFP_KERNEL);
	if (!call->ring) {
		kmem_cache_free(tel_call_cache, call);
		return ERR_PTR(-ENOMEM);
	}
	call->ring_is_dma = true;
	t = tel_ctl_account(card, TEL_CTL_RING_ALLOC, t);
	/* the card-wide id, for monitors and the listings; never 0 */
	mutex_lock(&card->lock);	/* for call_id_held */
	ret = tel_id_alloc(&card->call_ids, &call->id, call,
			   XA_LIMIT(1, INT_MAX), &card->next_call_id,
			   &card->call_id_held);
	mutex_unlock(&card->lock);
	if (ret < 0) {
		dma_free_coherent(&card->pdev->dev, TEL_CALL_DMA_BYTES,
				  call->ring, call->ring_dma);
		kmem_cache_free(tel_call_cache, call);
		return ERR_PTR(-ENOMEM);
	}
	t = tel_ctl_account(card, TEL_CTL_ID_ALLOC, t);
	kref_init(&call->ref);
	mutex_init(&call->op_lock);
	INIT_LIST_HEAD(&call->wm.node);
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
	card->slab_bytes += tel_call_slab_size();
	mutex_unlock(&card->lock);
	tel_ctl_account(card, TEL_CTL_CALL_INIT, t);
	return call;
}

/* Free the rings, DMA or not.  Caller holds card->lock. */
void tel_call_release_ring(struct tel_call *call)
{
	struct tel_card *card = call->card;

	lockdep_assert_held(&card->lock);
	if (!call->ring)
		return;
	/* no mapping may reach the memory once it is freed */
	tel_call_unmap_ring(call);
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
	u64 t0 = tel_ctl_now(), t;

	/*
	 * card->lock, not hw_rwsem, makes this safe against shutdown: the
	 * shutdown moves every ring out of DMA memory under card->lock, so a
	 * ring still marked DMA here belongs to a card that is still bound.
	 */
	mutex_lock(&card->lock);
	list_del(&call->node);
	t = tel_ctl_now();
	tel_id_free(&card->call_ids, call->id, &card->call_id_held);
	t0 += tel_ctl_account(card, TEL_CTL_ID_ERASE, t) - t;
	card->nr_calls--;
	card->slab_bytes -= tel_call_slab_size();
	tel_tap_free(call);
	tel_call_unmap(call);
	t = tel_ctl_now();
	tel_call_release_ring(call);
	t0 += tel_ctl_account(card, TEL_CTL_RING_FREE, t) - t;
	mutex_unlock(&card->lock);
	put_pid(call->owner_pid);
	mutex_destroy(&call->op_lock);
	kmem_cache_free(tel_call_cache, call);
	/* all but the two above, which were taken out of it */
	tel_ctl_account(card, TEL_CTL_CALL_FREE, t0);
}

void tel_call_put(struct tel_call *call)
{
	kref_put(&call->ref, tel_call_release);
}

/*
 * Tell every monitor of the card an event of @call: @ev is complete but for
 * the handle, which is the call's card-wide id.  The one place monitors
 * hear of calls.  Caller holds card->lock.
 */
static void tel_call_notify(struct tel_call *call, const struct tel_event *ev)
{
	struct tel_card *card = call->card;
	struct tel_monitor *mon;
	struct tel_event e;

	lockdep_assert_held(&card->lock);
	if (!call->announced || list_empty(&card->monitors))
		return;
	e = *ev;
	e.handle = call->id;
	list_for_each_entry(mon, &card->monitors, node)
		mon->event(mon, call, &e);
}

/* A TEL_EVENT_STATE, _CALL_NEW or _CALL_DEALLOC of @call for monitors. */
static void tel_call_notify_state(struct tel_call *call, u32 type, u32 detail,
				  u64 now)
{
	struct tel_event ev = {
		.type = type,
		.channel = call->channel,
		.state = call->info.state,
		.origin = call->info.origin,
		.disconnect_mode = call->info.disconnect_mode,
		.timestamp_ns = now,
		.detail = detail,
	};

	tel_call_notify(call, &ev);
}

/**
 * tel_call_begin() - the first state of a new call, or of a bridge call's
 *	new record
 * @call: the call, not yet known to its owner in this state; the caller
 *	holds card->lock
 * @state: TEL_CALL_DIALING or TEL_CALL_OFFERING
 *
 * No notification of the owner: it learns the state from the result of
 * the operation that begins the call (ALLOC, ANSWER, the bridge's off
 * hook).  Monitors hear TEL_EVENT_CALL_NEW with the first state; from
 * here on they see the call's events and its record.  A bridge call's
 * object begins again for each call on its line: monitors hear CALL_NEW
 * again, with the same id.
 */
void tel_call_begin(struct tel_call *call, u32 state)
{
	u64 now = tel_now_ns();

	lockdep_assert_held(&call->card->lock);
	call->info.state = state;
	call->announced = true;
	tel_call_notify_state(call, TEL_EVENT_CALL_NEW, call->info.direction,
			      now);
	tel_ctl_account(call->card, TEL_CTL_NOTIFY_NEW, now);
}

/**
 * tel_call_disown() - the call's owner let go of it: its record is gone
 * @call: the call; the caller holds card->lock
 *
 * DEALLOC, the close of the owner's file, an ALLOC or ANSWER undone, the
 * bridge's release of its channel.  Monitors hear TEL_EVENT_CALL_DEALLOC
 * (if they heard the call begin) and no more of the call; no owner hears
 * its events either.
 */
void tel_call_disown(struct tel_call *call)
{
	struct tel_owner *owner = call->owner;
	u64 now;

	lockdep_assert_held(&call->card->lock);
	tel_call_wm_disarm(call);
	tel_call_unmap(call);
	now = tel_now_ns();
	tel_call_notify_state(call, TEL_EVENT_CALL_DEALLOC,
			      owner ? owner->kind : 0, now);
	tel_ctl_account(call->card, TEL_CTL_NOTIFY_DEALLOC, now);
	call->announced = false;
	call->owner = NULL;
}

/**
 * tel_call_set_state() - move a call to a new state and tell its owner
 * @call: the call; the caller holds card->lock
 * @state: enum tel_call_state
 * @origin: who ended it, for DISCONNECTED and IDLE; kept if already set
 * @mode: TEL_DISC_* for DISCONNECTED and IDLE; kept if already set
 *
 * The first cause wins: a call that the far end cleared and the owner
 * then dropped keeps origin REMOTE and the far end's mode.  This is the
 * only place a call's state changes after it began.
 */
void tel_call_set_state(struct tel_call *call, u32 state, u32 origin,
			u32 mode)
{
	struct tel_call_info *info = &call->info;
	u64 now = tel_now_ns();
	u32 old = info->state;

	lockdep_assert_held(&call->card->lock);
	if (old == state)
		return;

	info->state = state;
	if (state != TEL_CALL_CONFERENCED)
		call->conf = NULL;	/* out of its conference, however */
	switch (state) {
	case TEL_CALL_CONNECTED:
		/* back from hold or a conference: connected earlier, still is */
		if (old != TEL_CALL_ONHOLD && old != TEL_CALL_CONFERENCED)
			info->connect_ns = now;
		break;
	case TEL_CALL_DISCONNECTED:
	case TEL_CALL_IDLE:
		/* a clear ends a flash without its event (card.rst) */
		WRITE_ONCE(call->flashing, false);
		/* no AUDIO_READY after the STATE that says it ended */
		tel_call_wm_disarm(call);
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
	if (call->owner)
		call->owner->ops->state(call->owner, call, now);
	tel_call_notify_state(call, TEL_EVENT_STATE, 0, now);
	/* from the start: the whole state change, most of it the telling */
	tel_ctl_account(call->card, TEL_CTL_NOTIFY_STATE, now);
}

/**
 * tel_call_offered() - the card offers a call on a channel @call holds
 * @call: the channel's call; the caller holds card->lock
 *
 * The offer's party is the channel's (offer_number, _name, _pres).
 *
 * Return: true if the owner took it for @call (a bridge line on hook,
 * which now rings).
 */
bool tel_call_offered(struct tel_call *call)
{
	struct tel_owner *owner = call->owner;

	lockdep_assert_held(&call->card->lock);
	return owner && owner->ops->offered && owner->ops->offered(owner, call);
}

/**
 * tel_call_take_offer() - @call takes its channel's offer: the caller's
 *	number, name and presentation, into its record
 * @call: an inbound call; the caller holds card->lock
 *
 * The one place an offer's party becomes a call's, whoever owns it.
 */
void tel_call_take_offer(struct tel_call *call)
{
	const struct tel_channel *chan = &call->card->channels[call->channel];

	lockdep_assert_held(&call->card->lock);
	strscpy(call->info.calling, chan->offer_number,
		sizeof(call->info.calling));
	strscpy(call->party.name, chan->offer_name, sizeof(call->party.name));
	call->party.presentation = chan->offer_pres;
}

/**
 * tel_call_event() - tell the call's owner and the card's monitors of a
 *	digit, the digits sent or a flash
 * @call: the call; the caller holds card->lock
 * @ev: the event, handle 0 (the owner's to fill in)
 */
void tel_call_event(struct tel_call *call, const struct tel_event *ev)
{
	struct tel_owner *owner = call->owner;

	lockdep_assert_held(&call->card->lock);
	if (owner && owner->ops->call_event)
		owner->ops->call_event(owner, call, ev);
	tel_call_notify(call, ev);
}

/*
 * Add @n digits to a record's log: the first TEL_DIGITS_LOG_LEN - 1 are
 * kept, NUL terminated; the count counts them all.
 */
static void tel_digits_log(char *log, u32 *count, const char *digits,
			   size_t n)
{
	size_t len = strnlen(log, TEL_DIGITS_LOG_LEN - 1);
	size_t room = TEL_DIGITS_LOG_LEN - 1 - len;

	memcpy(log + len, digits, min(n, room));
	log[len + min(n, room)] = '\0';
	*count += n;
}

/* A digit the card heard on the call's channel: into the record. */
void tel_call_digit_heard(struct tel_call *call, char digit)
{
	lockdep_assert_held(&call->card->lock);
	tel_digits_log(call->party.digits_rx, &call->party.digits_rx_count,
		       &digit, 1);
}

/*
 * One command for the call's channel, if the call is on the card in one of
 * @states (a mask of BIT(TEL_CALL_*)): else -ENOTCONN.  The card's BUSY
 * means the same (the far end cleared the call meanwhile).  Caller holds
 * call->op_lock and hw_rwsem (read).
 */
int tel_call_command(struct tel_call *call, u32 states, u32 op, u32 arg,
		     const char *digits)
{
	struct tel_card *card = call->card;
	bool ok;
	int ret;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	if (READ_ONCE(card->gone))
		return -ENODEV;
	mutex_lock(&card->lock);
	ok = tel_call_on_card(call) && (states & BIT(call->info.state));
	mutex_unlock(&card->lock);
	if (!ok)
		return -ENOTCONN;
	ret = tel_hw_command(card, op, call->channel, arg, NULL, digits);
	return ret == -EBUSY ? -ENOTCONN : ret;
}

/**
 * tel_call_send_digits() - queue DTMF digits on a connected call
 * @call: the call; the caller holds call->op_lock and hw_rwsem (read)
 * @digits: 1 to TEL_DIGITS_MAX valid digits (tel_digit_valid()), NUL
 *	terminated
 * @tone_ms: 0 or TEL_DTMF_MIN_MS..TEL_DTMF_MAX_MS
 * @gap_ms: the same
 *
 * The digits count as queued before the command, so that the card's
 * DIGITS_SENT, which may come before this returns, is checked against
 * them; they are taken back if the card refused.
 *
 * Return: 0 (queued, and in the record), -EOPNOTSUPP, -ENOTCONN, -EAGAIN
 * if the card's queue can not take them (none was queued), -ETIMEDOUT,
 * -ENODEV, -EIO.
 */
int tel_call_send_digits(struct tel_call *call, const char *digits,
			 u32 tone_ms, u32 gap_ms)
{
	struct tel_card *card = call->card;
	size_t len = strlen(digits);
	int ret;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	if (!(card->caps & TEL_CAP_DTMF))
		return -EOPNOTSUPP;
	mutex_lock(&card->lock);
	call->digits_queued += len;
	mutex_unlock(&card->lock);
	ret = tel_call_command(call, BIT(TEL_CALL_CONNECTED), TEL_OP_DIGITS,
			       tone_ms | gap_ms << 16, digits);
	mutex_lock(&card->lock);
	if (ret)
		call->digits_queued -= len;
	else
		tel_digits_log(call->party.digits_tx,
			       &call->party.digits_tx_count, digits, len);
	mutex_unlock(&card->lock);
	return ret;
}

/**
 * tel_call_detect_digits() - digit monitoring on or off (lineMonitorDigits)
 * @call: the call; the caller holds call->op_lock and hw_rwsem (read)
 * @flags: TEL_MONITOR_F_* (checked by the caller), 0 for off
 *
 * The owner gets a TEL_EVENT_DIGIT for each digit heard while @flags has
 * TEL_MONITOR_F_DIGITS; set before the command, so that none the card
 * reports after it is lost, and put back if the card refused.
 *
 * Return: 0, -EOPNOTSUPP, -ENOTCONN (not DIALING, RINGBACK or CONNECTED),
 * -ETIMEDOUT, -ENODEV.
 */
int tel_call_detect_digits(struct tel_call *call, u32 flags)
{
	struct tel_card *card = call->card;
	u32 arg = 0, old;
	int ret;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	if (!(card->caps & TEL_CAP_DTMF))
		return -EOPNOTSUPP;
	if (flags & TEL_MONITOR_F_DIGITS)
		arg |= TEL_DETECT_ON;
	if (flags & TEL_MONITOR_F_MUTE)
		arg |= TEL_DETECT_MUTE;
	mutex_lock(&card->lock);
	old = call->monitor;
	call->monitor = flags;
	mutex_unlock(&card->lock);
	ret = tel_call_command(call, BIT(TEL_CALL_DIALING) |
			       BIT(TEL_CALL_RINGBACK) | BIT(TEL_CALL_CONNECTED),
			       TEL_OP_DETECT, arg, NULL);
	if (ret) {
		mutex_lock(&card->lock);
		if (call->monitor == flags)
			call->monitor = old;
		mutex_unlock(&card->lock);
	}
	return ret;
}

/**
 * tel_call_hook_flash() - a hook flash on a connected call
 * @call: the call; the caller holds call->op_lock and hw_rwsem (read)
 * @ms: 0 or TEL_FLASH_MIN_MS..TEL_FLASH_MAX_MS (checked by the caller)
 *
 * @call->flashing is set before the command, so that the card's FLASH
 * event, which may come before this returns, finds it; and read by the
 * bridge's tick, which queues no audio while the line is on hook.
 *
 * Return: 0 (started: TEL_EVENT_FLASH follows), -EOPNOTSUPP, -ENODEV,
 * -ENOTCONN, -EBUSY if a flash of the call is still running, -ETIMEDOUT,
 * -EIO.
 */
int tel_call_hook_flash(struct tel_call *call, u32 ms)
{
	struct tel_card *card = call->card;
	int ret = 0;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	if (!(card->caps & TEL_CAP_FLASH))
		return -EOPNOTSUPP;
	if (READ_ONCE(card->gone))
		return -ENODEV;
	mutex_lock(&card->lock);
	if (!tel_call_on_card(call) ||
	    call->info.state != TEL_CALL_CONNECTED)
		ret = -ENOTCONN;
	else if (call->flashing)
		ret = -EBUSY;
	if (ret) {
		mutex_unlock(&card->lock);
		return ret;
	}
	call->flash_ms = ms ? ms : TEL_FLASH_DEFAULT_MS;
	WRITE_ONCE(call->flashing, true);
	mutex_unlock(&card->lock);
	ret = tel_call_command(call, BIT(TEL_CALL_CONNECTED), TEL_OP_FLASH, ms,
			       NULL);
	mutex_lock(&card->lock);
	if (ret)
		WRITE_ONCE(call->flashing, false);
	else
		call->party.flashes++;
	mutex_unlock(&card->lock);
	return ret;
}

/**
 * tel_call_hold() - hold a connected call, or take it off hold
 *	(lineHold, lineUnhold)
 * @call: the call; the caller holds call->op_lock and hw_rwsem (read)
 * @hold: true to hold (CONNECTED -> ONHOLD), false to unhold (back)
 *
 * @call->hold_op names the command while it runs, so that the card's
 * STATE event for it (HELD, or CONNECTED from HELD), which the card
 * writes before it completes the command, is believed; one at any other
 * time is a card error (tel_hw.c).  After the command the event queue is
 * drained, so that no such event is handled once @call->hold_op is
 * cleared; the state is then the new one even if the card's event was
 * lost (the command's completion says it is).
 *
 * Return: 0 (the call is in its new state), -EOPNOTSUPP, -ENODEV,
 * -EALREADY if it already is, -ENOTCONN if it is in neither state (or
 * left it meanwhile), -EBUSY to hold during a hook flash, -ETIMEDOUT,
 * -EIO.
 */
int tel_call_hold(struct tel_call *call, bool hold)
{
	struct tel_card *card = call->card;
	u32 from = hold ? TEL_CALL_CONNECTED : TEL_CALL_ONHOLD;
	u32 to = hold ? TEL_CALL_ONHOLD : TEL_CALL_CONNECTED;
	u32 op = hold ? TEL_OP_HOLD : TEL_OP_UNHOLD;
	int ret = 0;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	if (!(card->caps & TEL_CAP_HOLD))
		return -EOPNOTSUPP;
	if (READ_ONCE(card->gone))
		return -ENODEV;
	mutex_lock(&card->lock);
	if (!tel_call_on_card(call))
		ret = -ENOTCONN;
	else if (call->info.state == to)
		ret = -EALREADY;
	else if (call->info.state != from)
		ret = -ENOTCONN;
	else if (call->flashing)
		ret = -EBUSY;
	if (!ret)
		call->hold_op = op;
	mutex_unlock(&card->lock);
	if (ret)
		return ret;

	ret = tel_call_command(call, BIT(from), op, 0, NULL);
	if (!ret)
		tel_hw_events(card);
	mutex_lock(&card->lock);
	call->hold_op = 0;
	if (!ret && call->info.state == from)
		tel_call_set_state(call, to, TEL_ORIGIN_NONE, 0);
	else if (!ret && call->info.state != to)
		ret = -ENOTCONN;	/* the far end cleared it meanwhile */
	mutex_unlock(&card->lock);
	atomic_inc(&card->audio_gen);
	wake_up_interruptible(&card->audio_wq);
	return ret;
}

/**
 * tel_call_redirect() - send an offered call to another number
 *	(lineRedirect)
 * @card: the card; the caller holds hw_rwsem (read)
 * @ch: the offering channel
 * @call: the call that accepted the offer (TEL_ANSWER_F_ACCEPT), its
 *	op_lock held by the caller; NULL for an offer no call took
 * @number: where to, valid (tel_number_valid())
 * @nr_dropped: with @call: its owner's count of IDLE calls awaiting
 *	DEALLOC, bumped with the state change; NULL for none
 *
 * The channel's @redirect says the command runs, so that the card's
 * STATE event for it (IDLE, cause FORWARDED), which the card writes
 * before it completes the command, is believed; at any other time it is
 * a card error (tel_hw.c).  The events are drained after the command, so
 * none for it is handled once @redirect is cleared.  @call then goes IDLE
 * (origin LOCAL, mode FORWARDED) as a DROP would leave it, its record kept
 * until DEALLOC; an offer no call took ends for every file with a
 * TEL_EVENT_STATE (IDLE, LOCAL, FORWARDED).  A refused command leaves the
 * offer as it was.
 *
 * Return: 0, -EOPNOTSUPP, -ENODEV, -EBUSY if the channel's call is not
 * @call or @call is not OFFERING, -ENOENT if there is no offer (or the
 * caller gave up as the command ran), -ETIMEDOUT, -EINVAL, -EIO (the card
 * completed the command for an offer it had ended).
 */
int tel_call_redirect(struct tel_card *card, u32 ch, struct tel_call *call,
		      const char *number, unsigned int *nr_dropped)
{
	struct tel_channel *chan = &card->channels[ch];
	struct tel_event ev = {
		.type = TEL_EVENT_STATE,
		.channel = ch,
		.state = TEL_CALL_IDLE,
		.origin = TEL_ORIGIN_LOCAL,
		.disconnect_mode = TEL_DISC_FORWARDED,
	};
	u8 step;
	int ret = 0;

	lockdep_assert_held(&card->hw_rwsem);
	if (call)
		lockdep_assert_held(&call->op_lock);
	if (!(card->caps & TEL_CAP_REDIRECT))
		return -EOPNOTSUPP;
	if (READ_ONCE(card->gone))
		return -ENODEV;
	mutex_lock(&card->lock);
	if (chan->call != call ||
	    (call && call->info.state != TEL_CALL_OFFERING))
		ret = -EBUSY;
	else if (!call && !chan->offered)
		ret = -ENOENT;
	if (!ret) {
		/* nobody else answers or redirects it meanwhile */
		chan->offered = false;
		chan->redirect = TEL_REDIRECT_RUNNING;
	}
	mutex_unlock(&card->lock);
	if (ret)
		return ret;

	ret = tel_hw_command(card, TEL_OP_REDIRECT, ch, 0, NULL, number);
	if (!ret)
		tel_hw_events(card);
	mutex_lock(&card->lock);
	step = chan->redirect;
	chan->redirect = TEL_REDIRECT_NONE;
	if (ret == -EBUSY) {
		ret = -ENOENT;	/* no longer offering: the caller gave up */
	} else if (!ret && step == TEL_REDIRECT_ENDED) {
		tel_card_error(card, false,
			       "REDIRECT done on channel %u after its offer ended",
			       ch);
		ret = -EIO;
	}
	if (ret) {
		/* the offer is still the card's if it did not end */
		if (!call && step != TEL_REDIRECT_ENDED && !card->gone)
			chan->offered = true;
		mutex_unlock(&card->lock);
		return ret;
	}
	/* done, even if the card's event was lost: its completion says so */
	if (call) {
		chan->call = NULL;
		tel_call_set_state(call, TEL_CALL_IDLE, TEL_ORIGIN_LOCAL,
				   TEL_DISC_FORWARDED);
		if (nr_dropped)
			(*nr_dropped)++;
	} else {
		ev.timestamp_ns = tel_now_ns();
		tel_card_broadcast(card, &ev);
	}
	mutex_unlock(&card->lock);
	return 0;
}

/**
 * tel_call_transfer() - a blind transfer of a connected or held call
 *	(lineBlindTransfer)
 * @call: the call; the caller holds call->op_lock and hw_rwsem (read)
 * @number: where to, valid (tel_number_valid())
 *
 * The card flashes, dials and hangs up; the network joins the far party
 * to @number.  @call->transferring says the command runs, so that the
 * card's STATE event for it (DISCONNECTED, cause TRANSFERRED), written
 * before the completion, is believed and left to this function; at any
 * other time it is a card error (tel_hw.c).  The events are drained
 * after the command, as for HOLD.  The call then goes DISCONNECTED,
 * origin TRANSFER, mode TRANSFERRED (even if the card's event was lost:
 * the completion says it is done); it keeps its channel, moving no audio,
 * until DROP, as a call the far end cleared.
 *
 * Return: 0, -EOPNOTSUPP, -ENODEV, -ENOTCONN if the call is neither
 * CONNECTED nor ONHOLD (or the far end cleared it as the command ran),
 * -EBUSY during a hook flash, -EINVAL, -ETIMEDOUT, -EIO.
 */
int tel_call_transfer(struct tel_call *call, const char *number)
{
	struct tel_card *card = call->card;
	int ret = 0;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	if (!(card->caps & TEL_CAP_TRANSFER))
		return -EOPNOTSUPP;
	if (READ_ONCE(card->gone))
		return -ENODEV;
	mutex_lock(&card->lock);
	if (!tel_call_on_card(call) ||
	    (call->info.state != TEL_CALL_CONNECTED &&
	     call->info.state != TEL_CALL_ONHOLD))
		ret = -ENOTCONN;
	else if (call->flashing)
		ret = -EBUSY;
	if (!ret)
		call->transferring = true;
	mutex_unlock(&card->lock);
	if (ret)
		return ret;

	ret = tel_call_command(call, BIT(TEL_CALL_CONNECTED) |
			       BIT(TEL_CALL_ONHOLD), TEL_OP_TRANSFER, 0,
			       number);
	if (!ret)
		tel_hw_events(card);
	mutex_lock(&card->lock);
	call->transferring = false;
	if (!ret && call->info.state != TEL_CALL_DISCONNECTED)
		tel_call_set_state(call, TEL_CALL_DISCONNECTED,
				   TEL_ORIGIN_TRANSFER, TEL_DISC_TRANSFERRED);
	else if (!ret && call->info.origin != TEL_ORIGIN_TRANSFER)
		ret = -ENOTCONN;	/* the far end cleared it first */
	mutex_unlock(&card->lock);
	atomic_inc(&card->audio_gen);
	wake_up_interruptible_all(&card->audio_wq);
	return ret;
}

/**
 * tel_call_dial() - go off hook on the call's channel and dial
 * @call: a call that holds its channel, not bound; the caller holds
 *	hw_rwsem (read)
 * @number: a valid number (tel_number_valid())
 *
 * The call begins DIALING with its rings bound; progress comes as card
 * events.  On failure the rings are not the card's.
 *
 * Return: 0, or the card's refusal, -ETIMEDOUT, -ENODEV.
 */
int tel_call_dial(struct tel_call *call, const char *number)
{
	struct tel_card *card = call->card;
	int ret;

	lockdep_assert_held(&card->hw_rwsem);
	mutex_lock(&card->lock);
	strscpy(call->info.called, number, sizeof(call->info.called));
	tel_call_begin(call, TEL_CALL_DIALING);
	/* the card may write the rings as soon as it reads the command */
	tel_call_bind(call);
	mutex_unlock(&card->lock);

	ret = tel_hw_command(card, TEL_OP_DIAL, call->channel, 0, call, number);
	mutex_lock(&card->lock);
	if (ret)
		call->bound = false;
	else
		call->started = true;
	mutex_unlock(&card->lock);
	return ret;
}

/**
 * tel_call_answer_offer() - answer the call offered on the call's channel
 * @call: a call in OFFERING that holds its channel; the caller holds
 *	hw_rwsem (read)
 *
 * Return: 0 (the call is CONNECTED), -EBUSY if the far end gave up
 * meanwhile, or the card's refusal, -ETIMEDOUT, -ENODEV.
 */
int tel_call_answer_offer(struct tel_call *call)
{
	struct tel_card *card = call->card;
	int ret;

	lockdep_assert_held(&card->hw_rwsem);
	mutex_lock(&card->lock);
	if (call->info.state != TEL_CALL_OFFERING) {
		mutex_unlock(&card->lock);
		return -EBUSY;
	}
	tel_call_bind(call);
	mutex_unlock(&card->lock);

	ret = tel_hw_command(card, TEL_OP_ANSWER, call->channel, 0, call, NULL);

	mutex_lock(&card->lock);
	if (ret) {
		call->bound = false;
	} else {
		call->started = true;
		if (call->info.state == TEL_CALL_OFFERING)
			tel_call_set_state(call, TEL_CALL_CONNECTED,
					   TEL_ORIGIN_NONE, 0);
	}
	mutex_unlock(&card->lock);
	atomic_inc(&card->audio_gen);
	return ret;
}

/**
 * tel_call_hangup() - put the call's channel on hook
 * @call: the call; the caller holds call->op_lock, or owns a call nobody
 *	else can reach, and hw_rwsem (read)
 * @mode: the cause given to the card (TEL_DISC_NORMAL, or REJECT for an
 *	offer)
 *
 * The driver's subtlest ordering, in one place: HANGUP; then the events
 * the card wrote before it completed the HANGUP are handled while the
 * channel still points at this call (so none can reach a newer call on
 * the channel); then, under card->lock, the rings are unbound, but only
 * if the card confirmed: after a failed HANGUP the card may still write
 * them until the shutdown that the failure started has cut it off and
 * moved them out of DMA memory.
 *
 * Returns with card->lock held, so that the caller finishes its own state
 * change (free the channel, IDLE) before any other event is applied.
 *
 * Return: 0, -ENODEV if the card is gone (nothing sent), or the
 * command's error.
 */
int tel_call_hangup(struct tel_call *call, u32 mode)
{
	struct tel_card *card = call->card;
	int ret = -ENODEV;
	u64 t;

	lockdep_assert_held(&card->hw_rwsem);
	if (!READ_ONCE(card->gone)) {
		ret = tel_hw_command(card, TEL_OP_HANGUP, call->channel, mode,
				     NULL, NULL);
		t = tel_ctl_now();
		if (!ret) {
			tel_hw_events(card);
			tel_ctl_account(card, TEL_CTL_HANGUP_EVENTS, t);
		}
	}
	mutex_lock(&card->lock);
	if (!ret) {
		t = tel_ctl_now();
		tel_call_unbind(call);
		tel_ctl_account(card, TEL_CTL_UNBIND, t);
	}
	return ret;
}

/**
 * tel_call_bind() - the card may take the call's rings from now on
 * @call: the call; the caller holds card->lock and is about to send the
 *	DIAL or ANSWER that hands the rings over
 *
 * That command zeroes the card's indices and counters of the channel:
 * ours start from zero with them.
 */
void tel_call_bind(struct tel_call *call)
{
	struct tel_card *card = call->card;

	lockdep_assert_held(&card->lock);
	memset(&call->pos, 0, sizeof(call->pos));
	memset(&call->hw, 0, sizeof(call->hw));
	call->hw_ns = ktime_get_ns();
	call->hw_ticks = tel_win_read(card, TEL_STATUS_TICKS);
	call->bind_ticks = call->hw_ticks;
	call->bound = true;
	call->started = false;	/* until the card zeroed its side too */
}

/*
 * The card holds the call's rings and has started it: the channel block's
 * indices and counters are this call's, live.  Before the DIAL or ANSWER
 * completed they may still be the previous call's.
 */
bool tel_call_on_card(const struct tel_call *call)
{
	lockdep_assert_held(&call->card->lock);
	return call->bound && call->started && call->card->gone == TEL_ALIVE;
}

/*
 * The most frame ticks a card may have run in @ns: one per millisecond
 * (card.rst), plus a quarter and a second for the runs it makes back to
 * back to catch up after being late (the emulator makes up to 100).
 */
static u32 tel_ticks_in(u64 ns)
{
	u64 ms = div_u64(ns, NSEC_PER_MSEC);

	return min_t(u64, ms + ms / 4 + MSEC_PER_SEC, U32_MAX / 2);
}

/*
 * Read the card's frame counters of a bound call, checked: each only grows,
 * by at most one per frame tick since the last good read (the card moves
 * one frame each way per tick; the one more allows for the tick that had
 * counted itself in TEL_STATUS_TICKS but not yet its frames then).  A
 * counter that ran backwards or jumped keeps its last good value, and the
 * ticks are counted from that read.  The ticks are the card's too: more of
 * them than the time since allows (or ticks running backwards) are counted
 * as a card error once, bound the counters by what the time allows, and
 * are counted from this read on.  Caller holds card->lock.
 */
static void tel_call_sync_counters(struct tel_call *call)
{
	struct tel_card *card = call->card;
	u32 *cnt[] = { &call->hw.rx_frames, &call->hw.tx_frames,
		       &call->hw.rx_overruns, &call->hw.tx_underruns };
	static const u32 reg[] = { TEL_CH_RX_FRAMES, TEL_CH_TX_FRAMES,
				   TEL_CH_RX_OVERRUNS, TEL_CH_TX_UNDERRUNS };
	u64 now = ktime_get_ns(), ns;
	u32 before = tel_win_read(card, TEL_STATUS_TICKS), v[4], ticks, most;
	bool good = true;
	int i;

	lockdep_assert_held(&card->lock);
	for (i = 0; i < ARRAY_SIZE(reg); i++)
		v[i] = tel_win_read(card, tel_ch_off(call->channel, reg[i]));
	/* read after the counters: bounds the ticks they may have seen */
	ticks = tel_win_read(card, TEL_STATUS_TICKS) - call->hw_ticks;
	ns = ktime_get_ns() - call->hw_ns;
	most = tel_ticks_in(ns);
	if (ticks > most) {
		tel_card_error(card, false, "%u frame ticks in %llu ms on channel %u",
			       ticks, div_u64(ns, NSEC_PER_MSEC), call->channel);
		ticks = most;
		call->hw_ticks = before;
		call->hw_ns = now;
	}
	for (i = 0; i < ARRAY_SIZE(reg); i++) {
		if (v[i] - *cnt[i] <= ticks + 1) {
			*cnt[i] = v[i];
			continue;
		}
		tel_card_error(card, false, "counter %#x of channel %u: %u after %u in %u ticks",
			       reg[i], call->channel, v[i], *cnt[i], ticks);
		good = false;
	}
	if (good) {
		call->hw_ticks = before;
		call->hw_ns = now;
	}
}

/**
 * tel_call_unbind() - the card no longer touches the call's rings
 * @call: the call; the caller holds card->lock and the card's window is
 *	still mapped
 *
 * Takes the card's last indices and counters (checked; after an
 * impossible value the last good ones), where they stay for INFO and READ
 * after the drop.
 */
void tel_call_unbind(struct tel_call *call)
{
	struct tel_card *card = call->card;

	lockdep_assert_held(&card->lock);
	tel_call_wm_disarm(call);
	if (!call->bound)
		return;
	if (call->started) {
		tel_ring_sync(card, call, true, true);
		tel_call_sync_counters(call);
	}
	call->bound = false;
	call->started = false;
	/* the HANGUP ended the card's detection and any flash */
	call->monitor = 0;
	WRITE_ONCE(call->flashing, false);
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
	/* the bridge's tick owns the indices of a call it moves audio for */
	bool ticked = card->channels[call->channel].audio == call;
	u64 end;

	lockdep_assert_held(&card->lock);
	if (tel_call_on_card(call)) {
		if (!ticked)
			tel_ring_sync(card, call, true, false);
		tel_call_sync_counters(call);
	}
	*info = call->info;
	info->handle = call->handle;
	info->id = call->id;
	info->rx_frames = call->hw.rx_frames;
	info->tx_frames = call->hw.tx_frames;
	info->rx_bytes = (u64)call->hw.rx_frames * TEL_FRAME_BYTES;
	info->tx_bytes = (u64)call->hw.tx_frames * TEL_FRAME_BYTES;
	info->rx_overruns = call->hw.rx_overruns;
	info->tx_underruns = call->hw.tx_underruns;
	info->dma_bytes = call->ring_is_dma ? TEL_CALL_DMA_BYTES : 0;
	info->rx_pending = ticked ? 0 : tel_ring_rx_fill(call);

	if (info->connect_ns) {
		end = info->disconnect_ns ? info->disconnect_ns : tel_now_ns();
		info->duration_ns = end - info->connect_ns;
	}
}

/**
 * tel_call_drop() - end a call, keep its record, buffers and handle
 * @call: the call; the caller holds call->op_lock and hw_rwsem (read)
 * @reason: application reason, 0 for none
 * @nr_dropped: the owner's count of IDLE calls awaiting DEALLOC, bumped
 *	under card->lock together with the state change; NULL for none
 *
 * Return: 0, or -EALREADY if the call is already IDLE.
 */
int tel_call_drop(struct tel_call *call, u32 reason, unsigned int *nr_dropped)
{
	struct tel_card *card = call->card;
	struct tel_channel *chan = &card->channels[call->channel];
	u32 state, origin, mode;
	u64 t;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	mutex_lock(&card->lock);
	state = call->info.state;
	/* no AUDIO_READY from here on, whatever the HANGUP does */
	if (state != TEL_CALL_IDLE)
		tel_call_wm_disarm(call);
	mutex_unlock(&card->lock);
	if (state == TEL_CALL_IDLE)
		return -EALREADY;

	mode = state == TEL_CALL_OFFERING ? TEL_DISC_REJECT : TEL_DISC_NORMAL;
	origin = reason ? TEL_ORIGIN_APPLICATION : TEL_ORIGIN_LOCAL;
	tel_call_hangup(call, mode);	/* returns holding card->lock */
	t = tel_ctl_now();
	if (chan->call == call)
		chan->call = NULL;
	call->info.app_reason = reason;
	tel_call_set_state(call, TEL_CALL_IDLE, origin, mode);
	if (nr_dropped)
		(*nr_dropped)++;
	t = tel_ctl_account(card, TEL_CTL_DROP_STATE, t);
	mutex_unlock(&card->lock);

	atomic_inc(&card->audio_gen);
	wake_up_interruptible_all(&card->audio_wq);
	tel_ctl_account(card, TEL_CTL_DROP_WAKE, t);
	return 0;
}

/**
 * tel_call_let_go() - an owner that goes away lets go of one of its calls
 * @call: the call, no longer reachable through the owner (its handle
 *	erased, or its handoff file released); the caller holds hw_rwsem
 *	(read) and passes its reference on the call
 *
 * The call is dropped if it is not yet, loses its owner (no more events)
 * and the owner's reference is put: the last one deallocates it.  The one
 * path for a closed /dev/telN file and a released handoff fd alike.
 */
void tel_call_let_go(struct tel_call *call)
{
	struct tel_card *card = call->card;

	lockdep_assert_held(&card->hw_rwsem);
	mutex_lock(&call->op_lock);
	tel_call_drop(call, 0, NULL);
	mutex_unlock(&call->op_lock);
	mutex_lock(&card->lock);
	tel_call_disown(call);
	mutex_unlock(&card->lock);
	tel_call_put(call);
}

/**
 * tel_call_set_owner() - the call changes hands (a handoff)
 * @call: the call; the caller holds card->lock and call->op_lock
 * @owner: the new owner
 * @handle: the new owner's handle for it, 0 for none
 *
 * The new owner is told the call's current state at once, so that it
 * starts from a known point; nothing that happens later is lost between
 * the two owners, since both changes are under card->lock.
 */
void tel_call_set_owner(struct tel_call *call, struct tel_owner *owner,
			u32 handle)
{
	lockdep_assert_held(&call->card->lock);
	lockdep_assert_held(&call->op_lock);
	/* the marks and the mapping were the old owner's */
	tel_call_wm_disarm(call);
	tel_call_unmap(call);
	call->owner = owner;
	call->handle = handle;
	owner->ops->state(owner, call, tel_now_ns());
}
