// SPDX-License-Identifier: GPL-2.0
/*
 * tel_ioctl.c - the call-session ioctls of /dev/telN
 *
 * Every ioctl copies its whole struct in, rejects unknown flags and
 * non-zero reserved fields with EINVAL before doing anything, and on
 * failure leaves no state changed.  Documentation/userspace-api.rst lists
 * every errno.
 */
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tel.h"

/* The ABI's sizes are fixed: a change here breaks every binary built. */
static_assert(sizeof(struct tel_card_info) == 144);
static_assert(sizeof(struct tel_call_alloc) == 64);
static_assert(sizeof(struct tel_call_answer) == 32);
static_assert(sizeof(struct tel_call_drop) == 16);
static_assert(sizeof(struct tel_call_dealloc) == 16);
static_assert(sizeof(struct tel_call_info) == 216);
static_assert(sizeof(struct tel_call_audio) == 32);
static_assert(sizeof(struct tel_event) == 80);

static bool tel_is_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/* Look a handle up in this file only; returns a reference or NULL. */
static struct tel_call *tel_file_lookup(struct tel_file *tf, u32 handle)
{
	struct tel_call *call;

	mutex_lock(&tf->lock);
	call = xa_load(&tf->calls, handle);
	if (call)
		kref_get(&call->ref);
	mutex_unlock(&tf->lock);
	return call;
}

static int tel_card_info(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_card_info info;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	if (!tel_is_zero(info.reserved, sizeof(info.reserved)))
		return -EINVAL;
	if (READ_ONCE(card->gone))
		return -ENODEV;

	memset(&info, 0, sizeof(info));
	strscpy(info.model, card->model, sizeof(info.model));
	strscpy(info.firmware, card->firmware, sizeof(info.firmware));
	strscpy(info.serial, card->serial, sizeof(info.serial));
	info.index = card->index;
	info.channels = card->nr_channels;
	info.frame_samples = TEL_FRAME_BYTES;
	info.sample_rate = 8000;
	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/*
 * Reserve a handle for a call being built: events may name it before it
 * is published, lookups do not find it yet (DRM GEM's rule: the object
 * is complete before userspace can reach it).
 */
static int tel_file_reserve(struct tel_file *tf, struct tel_call *call)
{
	int ret;

	mutex_lock(&tf->lock);
	ret = tel_should_fail() ? -ENOMEM :
	      xa_alloc_cyclic(&tf->calls, &call->handle, NULL, TEL_HANDLE_LIMIT,
			      &tf->next_handle, GFP_KERNEL);
	mutex_unlock(&tf->lock);
	if (ret < 0)
		return ret;
	call->file = tf;
	return 0;
}

static void tel_file_publish(struct tel_file *tf, struct tel_call *call)
{
	mutex_lock(&tf->lock);
	xa_store(&tf->calls, call->handle, call, GFP_KERNEL);
	mutex_unlock(&tf->lock);
}

/* Undo tel_file_reserve() and tel_call_create() for a call never used. */
static void tel_file_abandon(struct tel_file *tf, struct tel_call *call)
{
	struct tel_card *card = tf->card;

	mutex_lock(&card->lock);
	if (call->channel < card->nr_channels &&
	    card->channels[call->channel].call == call)
		card->channels[call->channel].call = NULL;
	call->bound = false;
	call->file = NULL;
	mutex_unlock(&card->lock);
	if (call->handle) {
		mutex_lock(&tf->lock);
		xa_erase(&tf->calls, call->handle);
		mutex_unlock(&tf->lock);
	}
	tel_call_put(call);
}

/*
 * The card took a call that userspace never learnt of (its result could
 * not be copied out): hang it up quietly and forget it.
 */
static void tel_call_undo(struct tel_file *tf, struct tel_call *call)
{
	struct tel_card *card = tf->card;

	mutex_lock(&card->lock);
	call->file = NULL;	/* no events for a handle never returned */
	mutex_unlock(&card->lock);
	if (!tel_hw_command(card, TEL_OP_HANGUP, call->channel,
			    TEL_DISC_NORMAL, NULL, NULL))
		tel_hw_events(card);
	tel_file_abandon(tf, call);
}

static int tel_file_check_quota(struct tel_file *tf)
{
	struct tel_card *card = tf->card;
	int ret = 0;

	mutex_lock(&card->lock);
	if (tf->nr_dropped >= READ_ONCE(tel_max_dropped))
		ret = -EDQUOT;
	mutex_unlock(&card->lock);
	return ret;
}

/* Pick the channel for an outbound call and claim it.  card->lock held. */
static int tel_claim_channel(struct tel_card *card, struct tel_call *call,
			     u32 want)
{
	u32 ch;

	lockdep_assert_held(&card->lock);
	if (want != TEL_CHANNEL_ANY) {
		if (card->channels[want].call || card->channels[want].offered)
			return -EBUSY;
		ch = want;
	} else {
		for (ch = 0; ch < card->nr_channels; ch++)
			if (!card->channels[ch].call &&
			    !card->channels[ch].offered)
				break;
		if (ch == card->nr_channels)
			return -EBUSY;
	}
	card->channels[ch].call = call;
	call->channel = ch;
	call->info.channel = ch;
	/* the card may write the rings as soon as it reads the command */
	call->bound = true;
	call->info.state = TEL_CALL_DIALING;
	return 0;
}

static int tel_call_alloc(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_call_alloc req;
	struct tel_call *call;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.handle || req.out_channel ||
	    !tel_is_zero(req.reserved, sizeof(req.reserved)) ||
	    !tel_number_valid(req.number))
		return -EINVAL;

	down_read(&card->hw_rwsem);
	ret = -ENODEV;
	if (card->gone)
		goto out_unlock;
	ret = -EINVAL;
	if (req.channel != TEL_CHANNEL_ANY && req.channel >= card->nr_channels)
		goto out_unlock;
	ret = tel_file_check_quota(tf);
	if (ret)
		goto out_unlock;

	call = tel_call_create(card, 0, TEL_DIR_OUTBOUND);
	if (IS_ERR(call)) {
		ret = PTR_ERR(call);
		goto out_unlock;
	}
	strscpy(call->info.called, req.number, sizeof(call->info.called));
	ret = tel_file_reserve(tf, call);
	if (ret)
		goto out_abandon;

	mutex_lock(&card->lock);
	ret = tel_claim_channel(card, call, req.channel);
	mutex_unlock(&card->lock);
	if (ret)
		goto out_abandon;

	ret = tel_hw_command(card, TEL_OP_DIAL, call->channel, 0, call,
			     req.number);
	if (ret)
		goto out_abandon;

	req.handle = call->handle;
	req.out_channel = call->channel;
	if (copy_to_user(uarg, &req, sizeof(req))) {
		ret = -EFAULT;
		tel_call_undo(tf, call);
		goto out_unlock;
	}
	tel_file_publish(tf, call);
	up_read(&card->hw_rwsem);
	return 0;

out_abandon:
	tel_file_abandon(tf, call);
out_unlock:
	up_read(&card->hw_rwsem);
	return ret;
}

/* Send ANSWER for a call that holds an offered channel. */
static int tel_call_do_answer(struct tel_card *card, struct tel_call *call)
{
	int ret;

	mutex_lock(&card->lock);
	if (call->info.state != TEL_CALL_OFFERING) {
		mutex_unlock(&card->lock);
		return -EBUSY;	/* the far end gave up meanwhile */
	}
	call->bound = true;
	mutex_unlock(&card->lock);

	ret = tel_hw_command(card, TEL_OP_ANSWER, call->channel, 0, call, NULL);

	mutex_lock(&card->lock);
	if (ret)
		call->bound = false;
	else
		tel_call_set_state(call, TEL_CALL_CONNECTED, TEL_ORIGIN_NONE, 0);
	mutex_unlock(&card->lock);
	atomic_inc(&card->audio_gen);
	return ret;
}

/* ANSWER on a channel this file already accepted: answer that call. */
static int tel_call_answer_accepted(struct tel_file *tf,
				    struct tel_call_answer *req,
				    struct tel_call *call)
{
	struct tel_card *card = tf->card;
	int ret = 0;

	mutex_lock(&call->op_lock);
	if (req->flags & TEL_ANSWER_F_ACCEPT)
		ret = -EALREADY;
	else
		ret = tel_call_do_answer(card, call);
	mutex_unlock(&call->op_lock);
	req->handle = call->handle;
	return ret;
}

static int tel_call_answer(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_call_answer req;
	struct tel_channel *chan;
	struct tel_call *call, *held;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~TEL_ANSWER_F_ACCEPT) || req.handle ||
	    !tel_is_zero(req.reserved, sizeof(req.reserved)))
		return -EINVAL;

	down_read(&card->hw_rwsem);
	ret = -ENODEV;
	if (card->gone)
		goto out_unlock;
	ret = -EINVAL;
	if (req.channel >= card->nr_channels)
		goto out_unlock;
	chan = &card->channels[req.channel];

	mutex_lock(&card->lock);
	held = chan->call;
	if (held && held->file == tf &&
	    held->info.state == TEL_CALL_OFFERING) {
		kref_get(&held->ref);
		ret = 0;
	} else if (held) {
		ret = -EBUSY;
	} else {
		ret = chan->offered ? 0 : -ENOENT;
	}
	mutex_unlock(&card->lock);
	if (ret)
		goto out_unlock;

	if (held) {
		ret = tel_call_answer_accepted(tf, &req, held);
		tel_call_put(held);
		goto out_copy;
	}

	ret = tel_file_check_quota(tf);
	if (ret)
		goto out_unlock;
	call = tel_call_create(card, req.channel, TEL_DIR_INBOUND);
	if (IS_ERR(call)) {
		ret = PTR_ERR(call);
		goto out_unlock;
	}
	ret = tel_file_reserve(tf, call);
	if (ret)
		goto out_abandon;

	mutex_lock(&card->lock);
	if (chan->call || !chan->offered) {
		ret = chan->call ? -EBUSY : -ENOENT;
	} else {
		chan->call = call;
		chan->offered = false;
		strscpy(call->info.calling, chan->offer_number,
			sizeof(call->info.calling));
		call->info.state = TEL_CALL_OFFERING;
	}
	mutex_unlock(&card->lock);
	if (ret)
		goto out_abandon;

	if (!(req.flags & TEL_ANSWER_F_ACCEPT)) {
		ret = tel_call_do_answer(card, call);
		if (ret) {
			/* the offer is still the card's: put it back */
			mutex_lock(&card->lock);
			if (call->info.state == TEL_CALL_OFFERING)
				chan->offered = true;
			mutex_unlock(&card->lock);
			goto out_abandon;
		}
	}
	req.handle = call->handle;
	if (copy_to_user(uarg, &req, sizeof(req))) {
		ret = -EFAULT;
		tel_call_undo(tf, call);
		goto out_unlock;
	}
	tel_file_publish(tf, call);
	up_read(&card->hw_rwsem);
	return 0;

out_copy:
	up_read(&card->hw_rwsem);
	if (!ret && copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return ret;

out_abandon:
	tel_file_abandon(tf, call);
out_unlock:
	up_read(&card->hw_rwsem);
	return ret;
}

/**
 * tel_file_drop() - end a call, keep its record, buffers and handle
 * @tf: the owner
 * @call: the call; the caller holds call->op_lock and hw_rwsem (read)
 * @reason: application reason, 0 for none
 *
 * Return: 0, or -EALREADY if the call is already IDLE.
 */
int tel_file_drop(struct tel_file *tf, struct tel_call *call, u32 reason)
{
	struct tel_card *card = call->card;
	struct tel_channel *chan = &card->channels[call->channel];
	u32 state, origin, mode;
	int ret = 0;

	lockdep_assert_held(&call->op_lock);
	mutex_lock(&card->lock);
	state = call->info.state;
	mutex_unlock(&card->lock);
	if (state == TEL_CALL_IDLE)
		return -EALREADY;

	mode = state == TEL_CALL_OFFERING ? TEL_DISC_REJECT : TEL_DISC_NORMAL;
	if (!READ_ONCE(card->gone)) {
		ret = tel_hw_command(card, TEL_OP_HANGUP, call->channel, mode,
				     NULL, NULL);
		/* handle what the card said before it hung up */
		if (!ret)
			tel_hw_events(card);
	}

	origin = reason ? TEL_ORIGIN_APPLICATION : TEL_ORIGIN_LOCAL;
	mutex_lock(&card->lock);
	/*
	 * Unbind only when the card confirmed: after a failed HANGUP the
	 * card may still write the rings until the shutdown that the
	 * failure started has moved them out of DMA memory.
	 */
	if (!ret)
		tel_call_unbind(call);
	if (chan->call == call)
		chan->call = NULL;
	call->info.app_reason = reason;
	tel_call_set_state(call, TEL_CALL_IDLE, origin, mode);
	tf->nr_dropped++;
	mutex_unlock(&card->lock);

	atomic_inc(&card->audio_gen);
	wake_up_interruptible_all(&card->audio_wq);
	return 0;
}

static int tel_call_drop(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_call_drop req;
	struct tel_call *call;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!tel_is_zero(req.reserved, sizeof(req.reserved)))
		return -EINVAL;
	call = tel_file_lookup(tf, req.handle);
	if (!call)
		return -ENOENT;

	down_read(&card->hw_rwsem);
	mutex_lock(&call->op_lock);
	ret = tel_file_drop(tf, call, req.reason);
	mutex_unlock(&call->op_lock);
	up_read(&card->hw_rwsem);
	tel_call_put(call);
	return ret;
}

static int tel_call_dealloc(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_call_dealloc req;
	struct tel_call *call;
	bool erased = false;
	int ret = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!tel_is_zero(req.reserved, sizeof(req.reserved)))
		return -EINVAL;
	call = tel_file_lookup(tf, req.handle);
	if (!call)
		return -ENOENT;

	mutex_lock(&call->op_lock);
	mutex_lock(&card->lock);
	if (call->info.state != TEL_CALL_IDLE)
		ret = -EBUSY;
	mutex_unlock(&card->lock);
	if (!ret) {
		mutex_lock(&tf->lock);
		erased = xa_load(&tf->calls, req.handle) == call;
		if (erased)
			xa_erase(&tf->calls, req.handle);
		mutex_unlock(&tf->lock);
		ret = erased ? 0 : -ENOENT;
	}
	if (erased) {
		mutex_lock(&card->lock);
		tf->nr_dropped--;
		call->file = NULL;
		mutex_unlock(&card->lock);
	}
	mutex_unlock(&call->op_lock);

	if (erased)
		tel_call_put(call);	/* the handle's reference */
	tel_call_put(call);		/* ours: frees the rings */
	return ret;
}

static int tel_call_info(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_call_info info;
	struct tel_call *call;
	u32 handle;

	if (get_user(handle, (u32 __user *)uarg))
		return -EFAULT;
	call = tel_file_lookup(tf, handle);
	if (!call)
		return -ENOENT;
	mutex_lock(&card->lock);
	tel_call_fill_info(call, &info);
	mutex_unlock(&card->lock);
	tel_call_put(call);
	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/*
 * Copy between a ring and userspace.  Rings are a power of two long and
 * the indices run free, so a transfer is at most two pieces.
 */
static int tel_ring_copy(void *ring, u32 pos, u8 __user *ubuf, u32 len,
			 bool to_user)
{
	u32 off = pos & (TEL_RING_BYTES - 1);
	u32 first = tel_ring_first(pos, len);
	unsigned long left;

	if (to_user) {
		left = copy_to_user(ubuf, ring + off, first);
		if (!left && len > first)
			left = copy_to_user(ubuf + first, ring, len - first);
	} else {
		left = copy_from_user(ring + off, ubuf, first);
		if (!left && len > first)
			left = copy_from_user(ring, ubuf + first, len - first);
	}
	return left ? -EFAULT : 0;
}

/*
 * One attempt at moving audio.  Returns bytes moved, 0 at end of stream
 * (READ only), -EAGAIN when nothing can move now.  Caller holds
 * call->op_lock and hw_rwsem (read).
 */
static int tel_audio_once(struct tel_call *call, struct tel_call_audio *req,
			  bool write)
{
	struct tel_card *card = call->card;
	u8 __user *ubuf = u64_to_user_ptr(req->buf);
	u32 avail, n, state;
	void *ring;
	int ret;

	mutex_lock(&card->lock);
	state = call->info.state;
	tel_hw_read_ring(card, call);
	mutex_unlock(&card->lock);

	if (write) {
		if (card->gone)
			return -ENODEV;
		if (state != TEL_CALL_CONNECTED)
			return -EPIPE;
		avail = TEL_RING_BYTES - (call->pos.tx_head - call->pos.tx_tail);
		ring = call->ring + TEL_RING_BYTES;
	} else {
		avail = call->ring ? call->pos.rx_head - call->pos.rx_tail : 0;
		ring = call->ring;
	}
	n = min(avail, req->len);
	if (!n) {
		/* after the far end or the owner ended it, nothing can arrive */
		if (!write && (state == TEL_CALL_IDLE ||
			       state == TEL_CALL_DISCONNECTED))
			return 0;
		return -EAGAIN;
	}

	ret = tel_ring_copy(ring, write ? call->pos.tx_head : call->pos.rx_tail,
			    ubuf, n, !write);
	if (ret)
		return ret;

	mutex_lock(&card->lock);
	if (write) {
		call->pos.tx_head += n;
		tel_hw_write_tx_head(card, call);
	} else {
		call->pos.rx_tail += n;
		tel_hw_write_rx_tail(card, call);
	}
	mutex_unlock(&card->lock);
	return n;
}

static int tel_call_audio(struct tel_file *tf, void __user *uarg, bool write)
{
	struct tel_card *card = tf->card;
	struct tel_call_audio req;
	struct tel_call *call;
	int ret, gen, slept_gen = 0;
	bool slept = false;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~TEL_AUDIO_F_WAIT) ||
	    !tel_is_zero(req.reserved, sizeof(req.reserved)))
		return -EINVAL;
	call = tel_file_lookup(tf, req.handle);
	if (!call)
		return -ENOENT;

	for (;;) {
		gen = atomic_read(&card->audio_gen);
		down_read(&card->hw_rwsem);
		mutex_lock(&call->op_lock);
		ret = req.len ? tel_audio_once(call, &req, write) : 0;
		mutex_unlock(&call->op_lock);
		up_read(&card->hw_rwsem);
		if (ret > 0 && slept && !write)
			tel_perf_wake(card, slept_gen);
		if (ret != -EAGAIN || !(req.flags & TEL_AUDIO_F_WAIT))
			break;
		slept = true;
		slept_gen = gen;
		/* woken by the next tick or state change; re-check each 100 ms */
		ret = wait_event_interruptible_timeout(card->audio_wq,
						       atomic_read(&card->audio_gen) != gen,
						       HZ / 10);
		if (ret < 0)
			break;
	}
	tel_call_put(call);
	if (ret < 0)
		return ret;
	req.len = ret;
	if (put_user(req.len, (u32 __user *)(uarg +
					     offsetof(struct tel_call_audio, len))))
		return -EFAULT;
	return 0;
}

long tel_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct tel_file *tf = filp->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case TEL_IOC_CARD_INFO:
		return tel_card_info(tf, uarg);
	case TEL_IOC_CALL_ALLOC:
		return tel_call_alloc(tf, uarg);
	case TEL_IOC_CALL_ANSWER:
		return tel_call_answer(tf, uarg);
	case TEL_IOC_CALL_DROP:
		return tel_call_drop(tf, uarg);
	case TEL_IOC_CALL_DEALLOC:
		return tel_call_dealloc(tf, uarg);
	case TEL_IOC_CALL_INFO:
		return tel_call_info(tf, uarg);
	case TEL_IOC_CALL_READ:
		return tel_call_audio(tf, uarg, false);
	case TEL_IOC_CALL_WRITE:
		return tel_call_audio(tf, uarg, true);
	case TEL_IOC_CALL_LIST:
		return tel_ioctl_call_list(filp, uarg);
	default:
		return -ENOTTY;
	}
}
