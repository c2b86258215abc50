// SPDX-License-Identifier: GPL-2.0
/*
 * tel_file.c - an open /dev/telN: its handle table, its event queue, and
 * the file as the owner of its calls
 *
 * Handles: a file's calls live in its table (an xarray, cyclic ids from
 * 1, DRM GEM's rules): a handle is reserved while its call is built (so
 * events may name it), published once the call is complete, and only the
 * file that made it can reach it.  Closing the file drops and deallocates
 * every call it still owns, in whatever state: a program that crashes or
 * is killed leaks nothing.
 *
 * Events: a full queue never holds up the card or the other files: the
 * event is counted as lost, and once the reader has drained what was
 * queued it gets one TEL_EVENT_OVERFLOW record carrying the count.  The
 * records queued before the loss come first, so the order of what the
 * reader sees is the order things happened.  A record leaves the queue
 * only once read() has copied it to userspace.
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "tel.h"

/* ---- the handle table ---- */

/* Look a handle up in this file only; returns a reference or NULL. */
struct tel_call *tel_file_lookup(struct tel_file *tf, u32 handle)
{
	struct tel_call *call;

	mutex_lock(&tf->lock);
	call = xa_load(&tf->calls, handle);
	if (call)
		kref_get(&call->ref);
	mutex_unlock(&tf->lock);
	return call;
}

/*
 * A new handle, reserved (it names nothing yet); 0, -EPERM for a monitor,
 * or -ENOMEM/-EBUSY.
 */
int tel_file_reserve_handle(struct tel_file *tf, u32 *handle)
{
	int ret;

	mutex_lock(&tf->lock);
	/* under tf->lock: a racing TEL_IOC_CARD_MONITOR sees the handle */
	if (!tel_file_may_act(tf))
		ret = -EPERM;
	else
		ret = tel_should_fail() ? -ENOMEM :
		      tel_id_alloc(&tf->calls, handle, NULL, TEL_HANDLE_LIMIT,
				   &tf->next_handle, &tf->handle_held);
	mutex_unlock(&tf->lock);
	return ret < 0 ? ret : 0;
}

/* Give back a handle reserved and never published. */
void tel_file_unreserve_handle(struct tel_file *tf, u32 handle)
{
	mutex_lock(&tf->lock);
	xa_erase(&tf->calls, handle);
	mutex_unlock(&tf->lock);
}

/*
 * Does this file still own @call?  An ioctl that looked a handle up
 * checks it again once it holds call->op_lock: a TEL_IOC_CALL_EXPORT
 * (which holds op_lock while it moves the call) may have taken the call
 * away in between.
 */
bool tel_file_owns(struct tel_file *tf, struct tel_call *call)
{
	bool ret;

	lockdep_assert_held(&call->op_lock);
	mutex_lock(&tf->card->lock);
	ret = call->owner == &tf->owner;
	mutex_unlock(&tf->card->lock);
	return ret;
}

/*
 * Reserve a handle for a call being built: events may name it before it
 * is published, lookups do not find it yet (DRM GEM's rule: the object
 * is complete before userspace can reach it).
 */
int tel_file_reserve(struct tel_file *tf, struct tel_call *call)
{
	u64 t = tel_ctl_now();
	int ret = tel_file_reserve_handle(tf, &call->handle);

	if (ret)
		return ret;
	mutex_lock(&tf->card->lock);
	call->owner = &tf->owner;
	mutex_unlock(&tf->card->lock);
	tel_ctl_account(tf->card, TEL_CTL_HANDLE_ALLOC, t);
	return 0;
}

void tel_file_publish(struct tel_file *tf, struct tel_call *call)
{
	u64 t = tel_ctl_now();

	mutex_lock(&tf->lock);
	xa_store(&tf->calls, call->handle, call, GFP_KERNEL);
	tf->owned = true;
	mutex_unlock(&tf->lock);
	tel_ctl_account(tf->card, TEL_CTL_HANDLE_PUBLISH, t);
}

/* Undo tel_file_reserve() and tel_call_create() for a call never used. */
void tel_file_abandon(struct tel_file *tf, struct tel_call *call)
{
	struct tel_card *card = tf->card;

	mutex_lock(&card->lock);
	if (call->channel < card->nr_channels &&
	    card->channels[call->channel].call == call)
		card->channels[call->channel].call = NULL;
	call->bound = false;
	call->started = false;
	tel_call_disown(call);
	mutex_unlock(&card->lock);
	if (call->handle) {
		mutex_lock(&tf->lock);
		xa_erase(&tf->calls, call->handle);
		mutex_unlock(&tf->lock);
	}
	tel_call_put(call);
}

int tel_file_check_quota(struct tel_file *tf)
{
	struct tel_card *card = tf->card;
	int ret = 0;

	mutex_lock(&card->lock);
	if (tf->nr_dropped >= READ_ONCE(tel_max_dropped))
		ret = -EDQUOT;
	mutex_unlock(&card->lock);
	return ret;
}

/**
 * tel_file_drop() - DROP: end a call of this file, keep its handle
 * @tf: the owner
 * @call: the call; the caller holds call->op_lock and hw_rwsem (read)
 * @reason: application reason, 0 for none
 *
 * Return: 0, or -EALREADY if the call is already IDLE.
 */
int tel_file_drop(struct tel_file *tf, struct tel_call *call, u32 reason)
{
	return tel_call_drop(call, reason, &tf->nr_dropped);
}

/**
 * tel_file_forget() - DEALLOC: the handle of an IDLE call goes
 * @tf: the owner
 * @call: the call, referenced by the caller
 *
 * Return: 0 (the table's reference is dropped), -EBUSY if the call is not
 * IDLE, -ENOENT if the handle no longer names it (a DEALLOC raced).
 */
int tel_file_forget(struct tel_file *tf, struct tel_call *call)
{
	struct tel_card *card = tf->card;
	bool erased = false;
	int ret = 0;

	mutex_lock(&call->op_lock);
	mutex_lock(&card->lock);
	if (call->info.state != TEL_CALL_IDLE)
		ret = -EBUSY;
	mutex_unlock(&card->lock);
	if (!ret) {
		u64 t = tel_ctl_now();

		mutex_lock(&tf->lock);
		erased = xa_load(&tf->calls, call->handle) == call;
		if (erased)
			tel_id_free(&tf->calls, call->handle, &tf->handle_held);
		mutex_unlock(&tf->lock);
		tel_ctl_account(card, TEL_CTL_HANDLE_ERASE, t);
		ret = erased ? 0 : -ENOENT;
	}
	if (erased) {
		mutex_lock(&card->lock);
		tf->nr_dropped--;
		tel_call_disown(call);
		mutex_unlock(&card->lock);
	}
	mutex_unlock(&call->op_lock);
	if (erased)
		tel_call_put(call);	/* the handle's reference */
	return ret;
}

/* ---- events ---- */

/* Any context, also the tick interrupt (TEL_EVENT_AUDIO_READY). */
void tel_file_event(struct tel_file *tf, const struct tel_event *ev)
{
	struct tel_event e = *ev;
	unsigned long flags;

	spin_lock_irqsave(&tf->ev_lock, flags);
	e.seq = tf->ev_seq++;
	if (tf->ev_lost || !kfifo_put(&tf->events, e))
		tf->ev_lost++;
	if (e.type == TEL_EVENT_CARD_GONE)
		tf->gone = true;
	spin_unlock_irqrestore(&tf->ev_lock, flags);
	wake_up_interruptible_poll(&tf->ev_wq, EPOLLIN | EPOLLRDNORM);
}

/* ---- an open file as the owner of its calls ---- */

static void tel_file_call_state(struct tel_owner *owner, struct tel_call *call,
				u64 now)
{
	struct tel_file *tf = container_of(owner, struct tel_file, owner);
	struct tel_event ev = {
		.type = TEL_EVENT_STATE,
		.handle = call->handle,
		.channel = call->channel,
		.state = call->info.state,
		.origin = call->info.origin,
		.disconnect_mode = call->info.disconnect_mode,
		.timestamp_ns = now,
	};

	tel_file_event(tf, &ev);
}

static void tel_file_card_event(struct tel_owner *owner,
				const struct tel_event *ev)
{
	tel_file_event(container_of(owner, struct tel_file, owner), ev);
}

static void tel_file_call_event(struct tel_owner *owner, struct tel_call *call,
				const struct tel_event *ev)
{
	struct tel_event e = *ev;

	e.handle = call->handle;
	tel_file_event(container_of(owner, struct tel_file, owner), &e);
}

/* From the tick interrupt: the event is complete, queue it. */
static void tel_file_audio_ready(struct tel_owner *owner,
				 const struct tel_event *ev)
{
	tel_file_event(container_of(owner, struct tel_file, owner), ev);
}

/* A file's calls never take offers: the card offers only free channels. */
const struct tel_owner_ops tel_file_owner_ops = {
	.state = tel_file_call_state,
	.card_event = tel_file_card_event,
	.call_event = tel_file_call_event,
	.audio_ready = tel_file_audio_ready,
};

/* ---- open, release, read, poll ---- */

static int tel_open(struct inode *inode, struct file *filp)
{
	struct tel_card *card = container_of(inode->i_cdev, struct tel_card,
					     cdev);
	struct tel_file *tf;

	tf = tel_should_fail() ? NULL : kzalloc(sizeof(*tf), GFP_KERNEL);
	if (!tf)
		return -ENOMEM;
	get_device(&card->dev);
	tf->card = card;
	mutex_init(&tf->lock);
	xa_init_flags(&tf->calls, XA_FLAGS_ALLOC1);
	spin_lock_init(&tf->ev_lock);
	INIT_KFIFO(tf->events);
	init_waitqueue_head(&tf->ev_wq);
	mutex_init(&tf->read_lock);
	mutex_init(&tf->tap_lock);
	mutex_init(&tf->conf_lock);
	xa_init(&tf->confs);

	tf->owner.ops = &tel_file_owner_ops;
	tf->owner.name = "call";
	tf->owner.kind = TEL_OWNER_FILE;
	mutex_lock(&card->lock);
	list_add_tail(&tf->owner.node, &card->owners);
	tf->gone = card->gone;	/* opened after the CARD_GONE broadcast */
	mutex_unlock(&card->lock);

	filp->private_data = tf;
	return nonseekable_open(inode, filp);
}

/*
 * Closing the file drops and deallocates every call it still owns, in
 * whatever state: a program that crashes or is killed leaks nothing.
 */
static int tel_release(struct inode *inode, struct file *filp)
{
	struct tel_file *tf = filp->private_data;
	struct tel_card *card = tf->card;
	struct tel_call *call;
	unsigned long handle;

	down_read(&card->hw_rwsem);
	xa_for_each(&tf->calls, handle, call) {
		xa_erase(&tf->calls, handle);
		tel_call_let_go(call);
	}
	up_read(&card->hw_rwsem);
	tel_conf_release(tf);	/* its members were dropped just now */

	mutex_lock(&card->lock);
	list_del(&tf->owner.node);
	mutex_unlock(&card->lock);
	tel_tap_release(tf);
	tel_monitor_release(tf);

	xa_destroy(&tf->calls);
	mutex_destroy(&tf->conf_lock);
	mutex_destroy(&tf->read_lock);
	mutex_destroy(&tf->lock);
	kfree(tf);
	put_device(&card->dev);
	return 0;
}

static bool tel_file_readable(struct tel_file *tf)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&tf->ev_lock, flags);
	ret = !kfifo_is_empty(&tf->events) || tf->ev_lost;
	spin_unlock_irqrestore(&tf->ev_lock, flags);
	return ret;
}

/* The card is gone for this file once its CARD_GONE record was queued. */
static bool tel_file_gone(struct tel_file *tf)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&tf->ev_lock, flags);
	ret = tf->gone;
	spin_unlock_irqrestore(&tf->ev_lock, flags);
	return ret;
}

/* Take the next record: a queued event, else the overflow report. */
static bool tel_file_peek(struct tel_file *tf, struct tel_event *ev)
{
	unsigned long flags;
	bool ret = true;

	spin_lock_irqsave(&tf->ev_lock, flags);
	if (kfifo_peek(&tf->events, ev)) {
		/* removed by tel_file_consume() once copied out */
	} else if (tf->ev_lost) {
		memset(ev, 0, sizeof(*ev));
		ev->type = TEL_EVENT_OVERFLOW;
		ev->lost = tf->ev_lost;
		ev->seq = tf->ev_seq - 1;
		ev->timestamp_ns = tel_now_ns();
	} else {
		ret = false;
	}
	spin_unlock_irqrestore(&tf->ev_lock, flags);
	return ret;
}

static void tel_file_consume(struct tel_file *tf, const struct tel_event *ev)
{
	unsigned long flags;

	spin_lock_irqsave(&tf->ev_lock, flags);
	if (!kfifo_is_empty(&tf->events))
		kfifo_skip(&tf->events);
	else if (ev->type == TEL_EVENT_OVERFLOW)
		tf->ev_lost -= ev->lost;
	spin_unlock_irqrestore(&tf->ev_lock, flags);
}

/*
 * read() returns whole struct tel_event records, as many as fit.  A record
 * leaves the queue only once it reached userspace (EFAULT loses nothing).
 */
static ssize_t tel_read(struct file *filp, char __user *buf, size_t count,
			loff_t *ppos)
{
	struct tel_file *tf = filp->private_data;
	struct tel_event ev;
	ssize_t done = 0;
	int ret;

	if (count < sizeof(ev))
		return -EINVAL;

	ret = mutex_lock_interruptible(&tf->read_lock);
	if (ret)
		return ret;
	while (done + sizeof(ev) <= count) {
		if (!tel_file_peek(tf, &ev)) {
			if (done)
				break;
			if (tel_file_gone(tf)) {
				ret = -ENODEV;
				goto out;
			}
			if (filp->f_flags & O_NONBLOCK) {
				ret = -EAGAIN;
				goto out;
			}
			mutex_unlock(&tf->read_lock);
			ret = wait_event_interruptible(tf->ev_wq,
						       tel_file_readable(tf) ||
						       tel_file_gone(tf));
			if (ret)
				return ret;
			ret = mutex_lock_interruptible(&tf->read_lock);
			if (ret)
				return ret;
			continue;
		}
		if (copy_to_user(buf + done, &ev, sizeof(ev))) {
			ret = done ? 0 : -EFAULT;
			goto out;
		}
		tel_file_consume(tf, &ev);
		done += sizeof(ev);
	}
out:
	mutex_unlock(&tf->read_lock);
	return done ? done : ret;
}

static __poll_t tel_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct tel_file *tf = filp->private_data;

	poll_wait(filp, &tf->ev_wq, wait);
	if (tel_file_readable(tf))
		return EPOLLIN | EPOLLRDNORM;
	if (tel_file_gone(tf))
		return EPOLLHUP;
	return 0;
}

const struct file_operations tel_fops = {
	.owner = THIS_MODULE,
	.open = tel_open,
	.release = tel_release,
	.read = tel_read,
	.poll = tel_poll,
	.mmap = tel_file_mmap,
	.unlocked_ioctl = tel_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
