// SPDX-License-Identifier: GPL-2.0
/*
 * tel_ioctl.c - the call-session ioctls of /dev/telN
 *
 * Every ioctl copies its whole struct in, rejects unknown flags and
 * non-zero reserved and output fields with EINVAL before doing anything,
 * and on failure leaves no state changed, also when only the copy-back
 * failed.  Dialling, answering and hanging up are the call core's
 * (tel_call.c), the handle table the file's (tel_file.c): what is here is
 * the ABI.  Documentation/userspace-api.rst lists every errno.
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
static_assert(sizeof(struct tel_call_digits) == 64);
static_assert(sizeof(struct tel_call_monitor) == 16);
static_assert(sizeof(struct tel_call_flash) == 16);
static_assert(sizeof(struct tel_call_party) == 184);
static_assert(sizeof(struct tel_call_hold) == 16);
static_assert(sizeof(struct tel_call_watermark) == 32);
static_assert(sizeof(struct tel_call_redirect) == 56);
static_assert(sizeof(struct tel_call_transfer) == 56);
static_assert(sizeof(struct tel_conf_setup) == 32);
static_assert(sizeof(struct tel_conf_member) == 16);
/* the card's limits are the ABI's */
static_assert(TEL_DIGITS_MAX + 1 == TEL_DIGITS_LEN);
static_assert(TEL_EV_NAME_LEN == TEL_NAME_LEN);
static_assert(offsetof(struct tel_card_info, features) == 120);

static bool tel_is_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static int tel_ioctl_card_info(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_card_info info;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	/* every field is output */
	if (!tel_is_zero(&info, sizeof(info)))
		return -EINVAL;

	/* the identity is immutable after probe: also after removal */
	strscpy(info.model, card->model, sizeof(info.model));
	strscpy(info.firmware, card->firmware, sizeof(info.firmware));
	strscpy(info.serial, card->serial, sizeof(info.serial));
	info.index = card->index;
	info.channels = card->nr_channels;
	info.frame_samples = TEL_FRAME_BYTES;
	info.sample_rate = 8000;
	info.flags = READ_ONCE(card->gone) ? TEL_CARD_F_GONE : 0;
	info.abi_version = TEL_ABI_VERSION;
	info.features = tel_card_features(card);
	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/*
 * An ioctl that acts and then copies its result back must not act when
 * the copy-back is bound to fail: write the caller's own struct back
 * first (the same bytes, so nothing changes), which faults on memory that
 * is readable but not writable.  Only a struct unmapped by another thread
 * between this and the copy-back gets past it; each caller says what
 * happens then.
 */
static int tel_user_writable(void __user *uarg, const void *req, size_t len)
{
	return copy_to_user(uarg, req, len) ? -EFAULT : 0;
}

/*
 * The card took a call that userspace never learnt of (its result could
 * not be copied out): hang it up quietly and forget it.
 */
static void tel_call_undo(struct tel_file *tf, struct tel_call *call)
{
	struct tel_card *card = tf->card;

	mutex_lock(&card->lock);
	tel_call_disown(call);	/* no events for a handle never returned */
	mutex_unlock(&card->lock);
	tel_call_hangup(call, TEL_DISC_NORMAL);
	mutex_unlock(&card->lock);
	tel_file_abandon(tf, call);
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
	return 0;
}

/*
 * ALLOC: an outbound call, dialled; or with TEL_ALLOC_F_CONF the
 * application's own party in conference @req.conf (tel_conf_port()),
 * the same call but begun by CONF_PORT instead of DIAL.  The conference
 * stays alive under conf_lock, taken before hw_rwsem as for ADD.
 */
static int tel_ioctl_alloc(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_conf *conf = NULL;
	struct tel_call_alloc req;
	struct tel_call *call;
	bool port;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	port = req.flags & TEL_ALLOC_F_CONF;
	if ((req.flags & ~TEL_ALLOC_F_CONF) || req.handle || req.out_channel ||
	    !tel_is_zero(req.reserved, sizeof(req.reserved)))
		return -EINVAL;
	if (port ? !tel_is_zero(req.number, sizeof(req.number)) :
		   req.conf || !tel_number_valid(req.number))
		return -EINVAL;
	if (port && !(card->caps & TEL_CAP_CONF_PORT))
		return -EOPNOTSUPP;
	if (tel_user_writable(uarg, &req, sizeof(req)))
		return -EFAULT;

	if (port) {
		mutex_lock(&tf->conf_lock);
		conf = tel_conf_lookup(tf, req.conf, &ret);
		if (!conf) {
			mutex_unlock(&tf->conf_lock);
			return ret;
		}
	}
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
	ret = tel_file_reserve(tf, call);
	if (ret)
		goto out_abandon;

	mutex_lock(&card->lock);
	ret = tel_claim_channel(card, call, req.channel);
	mutex_unlock(&card->lock);
	if (ret)
		goto out_abandon;

	ret = port ? tel_conf_port(conf, call) : tel_call_dial(call, req.number);
	if (ret)
		goto out_abandon;

	req.handle = call->handle;
	req.out_channel = call->channel;
	if (tel_should_fail_copyout() || copy_to_user(uarg, &req, sizeof(req))) {
		ret = -EFAULT;
		tel_call_undo(tf, call);
		goto out_unlock;
	}
	tel_file_publish(tf, call);
	ret = 0;
	goto out_unlock;

out_abandon:
	tel_file_abandon(tf, call);
out_unlock:
	up_read(&card->hw_rwsem);
	if (port)
		mutex_unlock(&tf->conf_lock);
	return ret;
}

/* ANSWER on a channel this file already accepted: answer that call. */
static int tel_ioctl_answer_accepted(struct tel_file *tf,
				     struct tel_call_answer *req,
				     struct tel_call *call)
{
	int ret = 0;

	mutex_lock(&call->op_lock);
	if (!tel_file_owns(tf, call))
		ret = -EBUSY;	/* exported meanwhile: another's now */
	else if (req->flags & TEL_ANSWER_F_ACCEPT)
		ret = -EALREADY;
	else
		ret = tel_call_answer_offer(call);
	mutex_unlock(&call->op_lock);
	req->handle = call->handle;
	return ret;
}

static int tel_ioctl_answer(struct tel_file *tf, void __user *uarg)
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
	if (tel_user_writable(uarg, &req, sizeof(req)))
		return -EFAULT;

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
	if (held && held->owner == &tf->owner &&
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
		ret = tel_ioctl_answer_accepted(tf, &req, held);
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
		tel_call_take_offer(call);
		tel_call_begin(call, TEL_CALL_OFFERING);
	}
	mutex_unlock(&card->lock);
	if (ret)
		goto out_abandon;

	if (!(req.flags & TEL_ANSWER_F_ACCEPT)) {
		ret = tel_call_answer_offer(call);
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
	if (tel_should_fail_copyout() || copy_to_user(uarg, &req, sizeof(req))) {
		ret = -EFAULT;
		tel_call_undo(tf, call);
		goto out_unlock;
	}
	tel_file_publish(tf, call);
	up_read(&card->hw_rwsem);
	return 0;

out_copy:
	up_read(&card->hw_rwsem);
	if (!ret && (tel_should_fail_copyout() ||
		     copy_to_user(uarg, &req, sizeof(req))))
		return -EFAULT;
	return ret;

out_abandon:
	tel_file_abandon(tf, call);
out_unlock:
	up_read(&card->hw_rwsem);
	return ret;
}

/*
 * A call operation from an ioctl: the call of @handle in this file, with
 * the card's hardware lock (read) and the call's op_lock taken, in that
 * order; NULL (ENOENT) if there is none, or no longer.  tel_ioctl_op_end() undoes it.
 */
static struct tel_call *tel_ioctl_op_begin(struct tel_file *tf, u32 handle)
{
	struct tel_call *call = tel_file_lookup(tf, handle);

	if (!call)
		return NULL;
	down_read(&tf->card->hw_rwsem);
	mutex_lock(&call->op_lock);
	if (!tel_file_owns(tf, call)) {
		/* exported (TEL_IOC_CALL_EXPORT) since the lookup */
		mutex_unlock(&call->op_lock);
		up_read(&tf->card->hw_rwsem);
		tel_call_put(call);
		return NULL;
	}
	return call;
}

static void tel_ioctl_op_end(struct tel_call *call)
{
	struct tel_card *card = call->card;

	mutex_unlock(&call->op_lock);
	up_read(&card->hw_rwsem);
	tel_call_put(call);
}

static int tel_ioctl_drop(struct tel_file *tf, void __user *uarg)
{
	struct tel_call_drop req;
	struct tel_call *call;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!tel_is_zero(req.reserved, sizeof(req.reserved)))
		return -EINVAL;
	call = tel_ioctl_op_begin(tf, req.handle);
	if (!call)	/* lineDrop of a conference drops its members */
		return tel_conf_drop(tf, req.handle, req.reason);
	ret = tel_file_drop(tf, call, req.reason);
	tel_ioctl_op_end(call);
	return ret;
}

static int tel_ioctl_dealloc(struct tel_file *tf, void __user *uarg)
{
	struct tel_call_dealloc req;
	struct tel_call *call;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!tel_is_zero(req.reserved, sizeof(req.reserved)))
		return -EINVAL;
	call = tel_file_lookup(tf, req.handle);
	if (!call)
		return tel_conf_dealloc(tf, req.handle);
	ret = tel_file_forget(tf, call);
	tel_call_put(call);		/* ours: the last one frees the rings */
	return ret;
}

static int tel_ioctl_info(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_call_info info;
	struct tel_call *call;
	u64 t;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	/* only the handle is input */
	if (!tel_is_zero((u8 *)&info + sizeof(info.handle),
			 sizeof(info) - sizeof(info.handle)))
		return -EINVAL;
	if (!tel_file_may_act(tf)) {
		/* a monitor: the handle is the call's card-wide id */
		int ret = tel_monitor_info(tf, &info);

		if (ret)
			return ret;
		goto out_copy;
	}
	call = tel_file_lookup(tf, info.handle);
	if (!call)
		return -ENOENT;
	t = tel_ctl_now();
	mutex_lock(&card->lock);
	tel_call_fill_info(call, &info);
	mutex_unlock(&card->lock);
	tel_ctl_account(card, TEL_CTL_INFO_FILL, t);
	tel_call_put(call);
out_copy:
	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/*
 * One attempt at moving audio: the bytes are copied, but the ring index
 * is not moved yet, so the caller can still back out (see
 * tel_ioctl_audio()).  Returns the bytes copied, 0 at end of stream (READ
 * only), -EAGAIN when nothing can move now, -EIO if the card reported an
 * impossible ring index (it is being failed).  Caller holds call->op_lock
 * and hw_rwsem (read), which keep the rings where they are.
 */
static int tel_audio_copy(struct tel_call *call, struct tel_call_audio *req,
			  bool write)
{
	struct tel_card *card = call->card;
	u8 __user *ubuf = u64_to_user_ptr(req->buf);
	u32 avail, n, state;
	bool takes;
	int ret = 0;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	mutex_lock(&card->lock);
	state = call->info.state;
	takes = tel_call_takes_audio(call);
	if (tel_call_on_card(call))
		ret = tel_ring_sync(card, call, !write, write);
	mutex_unlock(&card->lock);
	if (ret)
		return ret;

	if (write) {
		if (card->gone)
			return -ENODEV;
		/* a held call's ring fills, and waits for UNHOLD */
		if (!takes)
			return -EPIPE;
		avail = tel_ring_tx_room(call);
	} else {
		avail = tel_ring_rx_fill(call);
	}
	n = min(avail, req->len);
	if (!n) {
		/* after the far end or the owner ended it, nothing can arrive */
		if (!write && (state == TEL_CALL_IDLE ||
			       state == TEL_CALL_DISCONNECTED))
			return 0;
		return -EAGAIN;
	}

	ret = write ? tel_ring_write_user(call, ubuf, n) :
		      tel_ring_read_user(call, ubuf, n);
	return ret ? ret : n;
}

/* The copied bytes are the caller's now: move the ring index. */
static void tel_audio_commit(struct tel_call *call, u32 n, bool write)
{
	struct tel_card *card = call->card;

	lockdep_assert_held(&call->op_lock);
	mutex_lock(&card->lock);
	if (write)
		tel_ring_tx_commit(card, call, n, tel_call_on_card(call));
	else
		tel_ring_rx_consume(card, call, n, tel_call_on_card(call));
	tel_call_wm_moved(call, write);
	mutex_unlock(&card->lock);
}

/*
 * READ and WRITE.  A failed call changes nothing, also when the result
 * cannot be copied back: the length is written to the caller's struct
 * before the ring index moves, so an EFAULT there leaves the audio
 * unread (READ) or unqueued (WRITE).  op_lock keeps every other reader
 * and writer of the call out in between.
 */
static int tel_ioctl_audio(struct tel_file *tf, void __user *uarg, bool write)
{
	struct tel_card *card = tf->card;
	u32 __user *ulen = uarg + offsetof(struct tel_call_audio, len);
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
		if (!tel_file_owns(tf, call))
			ret = -ENOENT;	/* exported since the lookup */
		else
			ret = req.len ? tel_audio_copy(call, &req, write) : 0;
		if (ret > 0) {
			if (put_user(ret, ulen))
				ret = -EFAULT;
			else
				tel_audio_commit(call, ret, write);
		}
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
	/* nothing moved (end of stream, or len 0): report 0 */
	if (!ret && put_user(0, ulen))
		return -EFAULT;
	return 0;
}

/* 0, or a duration between @min and @max ms */
static bool tel_ms_valid(u32 ms, u32 min, u32 max)
{
	return !ms || (ms >= min && ms <= max);
}

static int tel_ioctl_digits(struct tel_file *tf, void __user *uarg)
{
	struct tel_call_digits req;
	struct tel_call *call;
	size_t i, len;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	len = strnlen(req.digits, sizeof(req.digits));
	if (req.flags || !tel_is_zero(req.reserved, sizeof(req.reserved)) ||
	    !len || len > TEL_DIGITS_MAX ||
	    !tel_is_zero(req.digits + len, sizeof(req.digits) - len) ||
	    !tel_ms_valid(req.tone_ms, TEL_DTMF_MIN_MS, TEL_DTMF_MAX_MS) ||
	    !tel_ms_valid(req.gap_ms, TEL_DTMF_MIN_MS, TEL_DTMF_MAX_MS))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!tel_digit_valid(req.digits[i]))
			return -EINVAL;
	call = tel_ioctl_op_begin(tf, req.handle);
	if (!call)
		return -ENOENT;
	ret = tel_call_send_digits(call, req.digits, req.tone_ms, req.gap_ms);
	tel_ioctl_op_end(call);
	return ret;
}

static int tel_ioctl_monitor(struct tel_file *tf, void __user *uarg)
{
	struct tel_call_monitor req;
	struct tel_call *call;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!tel_is_zero(req.reserved, sizeof(req.reserved)) ||
	    req.flags & ~(TEL_MONITOR_F_DIGITS | TEL_MONITOR_F_MUTE) ||
	    req.flags == TEL_MONITOR_F_MUTE)
		return -EINVAL;
	call = tel_ioctl_op_begin(tf, req.handle);
	if (!call)
		return -ENOENT;
	ret = tel_call_detect_digits(call, req.flags);
	tel_ioctl_op_end(call);
	return ret;
}

static int tel_ioctl_flash(struct tel_file *tf, void __user *uarg)
{
	struct tel_call_flash req;
	struct tel_call *call;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!tel_is_zero(req.reserved, sizeof(req.reserved)) ||
	    !tel_ms_valid(req.ms, TEL_FLASH_MIN_MS, TEL_FLASH_MAX_MS))
		return -EINVAL;
	call = tel_ioctl_op_begin(tf, req.handle);
	if (!call)
		return -ENOENT;
	ret = tel_call_hook_flash(call, req.ms);
	tel_ioctl_op_end(call);
	return ret;
}

/* HOLD and UNHOLD: the same request, one way or the other */
static int tel_ioctl_hold(struct tel_file *tf, void __user *uarg, bool hold)
{
	struct tel_call_hold req;
	struct tel_call *call;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!tel_is_zero(req.reserved, sizeof(req.reserved)))
		return -EINVAL;
	call = tel_ioctl_op_begin(tf, req.handle);
	if (!call)
		return -ENOENT;
	ret = tel_call_hold(call, hold);
	tel_ioctl_op_end(call);
	return ret;
}

static int tel_ioctl_watermark(struct tel_file *tf, void __user *uarg)
{
	struct tel_call_watermark req;
	struct tel_call *call;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || !tel_is_zero(req.reserved, sizeof(req.reserved)) ||
	    req.rx_bytes > TEL_RING_BYTES || req.tx_bytes > TEL_RING_BYTES)
		return -EINVAL;
	call = tel_ioctl_op_begin(tf, req.handle);
	if (!call)
		return -ENOENT;
	ret = tel_call_set_watermark(call, req.rx_bytes, req.tx_bytes);
	tel_ioctl_op_end(call);
	return ret;
}

/*
 * REDIRECT names the offer as ANSWER does, by its channel: the call this
 * file accepted there (TEL_ANSWER_F_ACCEPT), or an offer nobody took.
 */
static int tel_ioctl_redirect(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_call_redirect req;
	struct tel_call *call = NULL;
	int ret = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || !tel_is_zero(req.reserved, sizeof(req.reserved)) ||
	    !tel_number_valid(req.number))
		return -EINVAL;
	if (!(card->caps & TEL_CAP_REDIRECT))
		return -EOPNOTSUPP;

	down_read(&card->hw_rwsem);
	ret = -ENODEV;
	if (card->gone)
		goto out_unlock;
	ret = -EINVAL;
	if (req.channel >= card->nr_channels)
		goto out_unlock;
	ret = 0;
	mutex_lock(&card->lock);
	call = card->channels[req.channel].call;
	if (call && call->owner == &tf->owner)
		kref_get(&call->ref);
	else if (call)
		ret = -EBUSY;	/* another owner's call */
	mutex_unlock(&card->lock);
	if (ret)
		goto out_unlock;

	if (call) {
		mutex_lock(&call->op_lock);
		if (!tel_file_owns(tf, call))
			ret = -EBUSY;	/* exported meanwhile */
		else
			ret = tel_call_redirect(card, req.channel, call,
						req.number, &tf->nr_dropped);
		mutex_unlock(&call->op_lock);
		tel_call_put(call);
	} else {
		ret = tel_call_redirect(card, req.channel, NULL, req.number,
					NULL);
	}
out_unlock:
	up_read(&card->hw_rwsem);
	return ret;
}

static int tel_ioctl_transfer(struct tel_file *tf, void __user *uarg)
{
	struct tel_call_transfer req;
	struct tel_call *call;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || !tel_is_zero(req.reserved, sizeof(req.reserved)) ||
	    !tel_number_valid(req.number))
		return -EINVAL;
	call = tel_ioctl_op_begin(tf, req.handle);
	if (!call)
		return -ENOENT;
	ret = tel_call_transfer(call, req.number);
	tel_ioctl_op_end(call);
	return ret;
}

static int tel_ioctl_party(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_call_party party;
	struct tel_call *call;

	if (copy_from_user(&party, uarg, sizeof(party)))
		return -EFAULT;
	/* only the handle is input */
	if (!tel_is_zero((u8 *)&party + sizeof(party.handle),
			 sizeof(party) - sizeof(party.handle)))
		return -EINVAL;
	if (!tel_file_may_act(tf)) {
		/* a monitor: the handle is the call's card-wide id */
		int ret = tel_monitor_party(tf, &party);

		if (ret)
			return ret;
		goto out_copy;
	}
	call = tel_file_lookup(tf, party.handle);
	if (!call)
		return -ENOENT;
	mutex_lock(&card->lock);
	party = call->party;
	party.handle = call->handle;
	mutex_unlock(&card->lock);
	tel_call_put(call);
out_copy:
	if (copy_to_user(uarg, &party, sizeof(party)))
		return -EFAULT;
	return 0;
}

/*
 * The commands that act on a call or on the card (digit detection changes
 * the card's detector): a file that may not act (a monitor) gets EPERM for
 * each, before its arguments are looked at.  A new command that acts is
 * added here.
 */
static bool tel_ioctl_acts(unsigned int cmd)
{
	switch (cmd) {
	case TEL_IOC_CALL_ALLOC:
	case TEL_IOC_CALL_ANSWER:
	case TEL_IOC_CALL_DROP:
	case TEL_IOC_CALL_DEALLOC:
	case TEL_IOC_CALL_READ:
	case TEL_IOC_CALL_WRITE:
	case TEL_IOC_CALL_DIGITS:
	case TEL_IOC_CALL_MONITOR:
	case TEL_IOC_CALL_FLASH:
	case TEL_IOC_CALL_EXPORT:
	case TEL_IOC_CALL_IMPORT:
	case TEL_IOC_CALL_HOLD:
	case TEL_IOC_CALL_UNHOLD:
	case TEL_IOC_CALL_WATERMARK:
	case TEL_IOC_CALL_REDIRECT:
	case TEL_IOC_CALL_TRANSFER:
	case TEL_IOC_CALL_MAP:
	case TEL_IOC_CALLS_SYNC:
	case TEL_IOC_CALL_COMPLETE_TRANSFER:
	case TEL_IOC_CONF_SETUP:
	case TEL_IOC_CONF_ADD:
	case TEL_IOC_CONF_REMOVE:
		return true;
	default:
		return false;
	}
}

/*
 * The call cycle's commands, timed whole inside the driver (debugfs
 * telN/perf, TEL_CTL_IOC_*): what a phase of them does not account for
 * is the rest of the driver's own code.
 */
static long tel_ioctl_cycle(struct tel_file *tf, unsigned int cmd,
			    void __user *uarg)
{
	u64 t = tel_ctl_now();
	enum tel_ctl_phase ph;
	long ret;

	switch (cmd) {
	case TEL_IOC_CALL_ALLOC:
		ret = tel_ioctl_alloc(tf, uarg);
		ph = TEL_CTL_IOC_ALLOC;
		break;
	case TEL_IOC_CALL_DROP:
		ret = tel_ioctl_drop(tf, uarg);
		ph = TEL_CTL_IOC_DROP;
		break;
	case TEL_IOC_CALL_DEALLOC:
		ret = tel_ioctl_dealloc(tf, uarg);
		ph = TEL_CTL_IOC_DEALLOC;
		break;
	default:
		ret = tel_ioctl_info(tf, uarg);
		ph = TEL_CTL_IOC_INFO;
		break;
	}
	tel_ctl_account(tf->card, ph, t);
	return ret;
}

long tel_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct tel_file *tf = filp->private_data;
	void __user *uarg = (void __user *)arg;

	if (tel_ioctl_acts(cmd) && !tel_file_may_act(tf))
		return -EPERM;

	switch (cmd) {
	case TEL_IOC_CARD_INFO:
		return tel_ioctl_card_info(tf, uarg);
	case TEL_IOC_CALL_ALLOC:
	case TEL_IOC_CALL_DROP:
	case TEL_IOC_CALL_DEALLOC:
	case TEL_IOC_CALL_INFO:
		return tel_ioctl_cycle(tf, cmd, uarg);
	case TEL_IOC_CALL_ANSWER:
		return tel_ioctl_answer(tf, uarg);
	case TEL_IOC_CALL_READ:
		return tel_ioctl_audio(tf, uarg, false);
	case TEL_IOC_CALL_WRITE:
		return tel_ioctl_audio(tf, uarg, true);
	case TEL_IOC_CALL_LIST:
		return tel_ioctl_call_list(filp, uarg);
	case TEL_IOC_CALL_DIGITS:
		return tel_ioctl_digits(tf, uarg);
	case TEL_IOC_CALL_MONITOR:
		return tel_ioctl_monitor(tf, uarg);
	case TEL_IOC_CALL_FLASH:
		return tel_ioctl_flash(tf, uarg);
	case TEL_IOC_CALL_PARTY:
		return tel_ioctl_party(tf, uarg);
	case TEL_IOC_CALL_EXPORT:
		return tel_ioctl_call_export(tf, uarg);
	case TEL_IOC_CALL_IMPORT:
		return tel_ioctl_call_import(tf, uarg);
	case TEL_IOC_CARD_MONITOR:
		return tel_ioctl_card_monitor(filp, uarg);
	case TEL_IOC_CALL_TAP:
		return tel_ioctl_call_tap(tf, uarg);
	case TEL_IOC_CALL_HOLD:
		return tel_ioctl_hold(tf, uarg, true);
	case TEL_IOC_CALL_UNHOLD:
		return tel_ioctl_hold(tf, uarg, false);
	case TEL_IOC_CALL_WATERMARK:
		return tel_ioctl_watermark(tf, uarg);
	case TEL_IOC_CALL_REDIRECT:
		return tel_ioctl_redirect(tf, uarg);
	case TEL_IOC_CALL_TRANSFER:
		return tel_ioctl_transfer(tf, uarg);
	case TEL_IOC_CALL_MAP:
		return tel_ioctl_call_map(filp, uarg);
	case TEL_IOC_CALLS_SYNC:
		return tel_ioctl_calls_sync(tf, uarg);
	case TEL_IOC_CALL_COMPLETE_TRANSFER:
		return tel_ioctl_complete_transfer(tf, uarg);
	case TEL_IOC_CONF_SETUP:
		return tel_ioctl_conf_setup(tf, uarg);
	case TEL_IOC_CONF_ADD:
		return tel_ioctl_conf_member(tf, uarg, true);
	case TEL_IOC_CONF_REMOVE:
		return tel_ioctl_conf_member(tf, uarg, false);
	default:
		return -ENOTTY;
	}
}
