// SPDX-License-Identifier: GPL-2.0
/*
 * tel_consult.c - consultation transfer (TAPI's lineSetupTransfer,
 *	lineCompleteTransfer)
 *
 * The consultation call is an ordinary call on another channel of the
 * same card: lineSetupTransfer is TEL_IOC_CALL_HOLD of the first call and
 * TEL_IOC_CALL_ALLOC of the second, going back is DROP of the second and
 * UNHOLD of the first.  What only the card can do is the end: join the
 * two far parties to each other and leave (TEL_OP_JOIN), both calls at
 * once.  That is TEL_IOC_CALL_COMPLETE_TRANSFER, the one ioctl here; it
 * names two calls of one file, so it takes both calls' op_locks, the
 * lower address first, which makes two JOINs of the same pair in
 * opposite order wait for each other instead of deadlocking.
 *
 * The card's answer, a STATE event (DISCONNECTED, cause TRANSFERRED) for
 * each channel, is believed only while the JOIN runs and only for the two
 * calls it names (tel_call.transferring, as for a blind transfer); any
 * other is a card error (tel_hw.c).
 */
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tel.h"

static_assert(sizeof(struct tel_call_complete_transfer) == 32);

/* @call's channel leaves: origin TRANSFER, unless the far end was first. */
static int tel_consult_end(struct tel_call *call)
{
	lockdep_assert_held(&call->card->lock);
	if (call->info.state != TEL_CALL_DISCONNECTED) {
		tel_call_set_state(call, TEL_CALL_DISCONNECTED,
				   TEL_ORIGIN_TRANSFER, TEL_DISC_TRANSFERRED);
		return 0;
	}
	return call->info.origin == TEL_ORIGIN_TRANSFER ? 0 : -ENOTCONN;
}

/**
 * tel_call_complete_transfer() - join the far parties of two calls
 *	(lineCompleteTransfer)
 * @call: the first call, CONNECTED or ONHOLD
 * @consult: the consultation call, CONNECTED or RINGBACK, not @call
 *
 * The caller holds hw_rwsem (read) and both calls' op_locks.  Each
 * call's @transferring says the JOIN runs, so that the card's STATE
 * event for it, written before the completion, is believed and left to
 * this function.  The events are drained after the command, as for HOLD;
 * both calls then go DISCONNECTED, origin TRANSFER, mode TRANSFERRED (also
 * if the card's events were lost: the completion says it is done), and
 * keep their channels, moving no audio, until DROP.
 *
 * Return: 0, -EOPNOTSUPP, -ENODEV, -ENOTCONN if a call is in none of its
 * states (or the far end cleared it as the command ran), -EBUSY during a
 * hook flash on either, -ETIMEDOUT, -EINVAL (the card refused the
 * channels), -EIO.
 */
int tel_call_complete_transfer(struct tel_call *call, struct tel_call *consult)
{
	struct tel_card *card = call->card;
	u32 first, second;
	int ret = 0;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	lockdep_assert_held(&consult->op_lock);
	if (!(card->caps & TEL_CAP_JOIN))
		return -EOPNOTSUPP;
	if (READ_ONCE(card->gone))
		return -ENODEV;
	mutex_lock(&card->lock);
	first = call->info.state;
	second = consult->info.state;
	if (!tel_call_on_card(call) || !tel_call_on_card(consult) ||
	    (first != TEL_CALL_CONNECTED && first != TEL_CALL_ONHOLD) ||
	    (second != TEL_CALL_CONNECTED && second != TEL_CALL_RINGBACK))
		ret = -ENOTCONN;
	else if (call->flashing || consult->flashing)
		ret = -EBUSY;
	if (!ret) {
		call->transferring = true;
		consult->transferring = true;
	}
	mutex_unlock(&card->lock);
	if (ret)
		return ret;

	ret = tel_hw_command(card, TEL_OP_JOIN, call->channel,
			     consult->channel, NULL, NULL);
	if (ret == -EBUSY)
		ret = -ENOTCONN;	/* the far end cleared one meanwhile */
	if (!ret)
		tel_hw_events(card);
	mutex_lock(&card->lock);
	call->transferring = false;
	consult->transferring = false;
	if (!ret) {
		int a = tel_consult_end(call), b = tel_consult_end(consult);

		ret = a ?: b;
	}
	mutex_unlock(&card->lock);
	atomic_inc(&card->audio_gen);
	wake_up_interruptible_all(&card->audio_wq);
	return ret;
}

/* Both op_locks, the lower address first. */
static void tel_consult_lock(struct tel_call *a, struct tel_call *b)
{
	if (a > b)
		swap(a, b);
	mutex_lock(&a->op_lock);
	mutex_lock_nested(&b->op_lock, SINGLE_DEPTH_NESTING);
}

static void tel_consult_unlock(struct tel_call *a, struct tel_call *b)
{
	mutex_unlock(&a->op_lock);
	mutex_unlock(&b->op_lock);
}

int tel_ioctl_complete_transfer(struct tel_file *tf, void __user *uarg)
{
	struct tel_call_complete_transfer req;
	struct tel_card *card = tf->card;
	struct tel_call *call, *consult;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    req.handle == req.consult_handle)
		return -EINVAL;
	call = tel_file_lookup(tf, req.handle);
	if (!call)
		return -ENOENT;
	consult = tel_file_lookup(tf, req.consult_handle);
	if (!consult) {
		tel_call_put(call);
		return -ENOENT;
	}
	down_read(&card->hw_rwsem);
	tel_consult_lock(call, consult);
	/* either exported (TEL_IOC_CALL_EXPORT) since the lookup */
	if (!tel_file_owns(tf, call) || !tel_file_owns(tf, consult))
		ret = -ENOENT;
	else
		ret = tel_call_complete_transfer(call, consult);
	tel_consult_unlock(call, consult);
	up_read(&card->hw_rwsem);
	tel_call_put(consult);
	tel_call_put(call);
	return ret;
}
