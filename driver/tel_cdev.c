// SPDX-License-Identifier: GPL-2.0
/*
 * tel_cdev.c - /dev/telN: open, release, event read() and poll()
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "tel.h"

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

	mutex_lock(&card->lock);
	list_add_tail(&tf->node, &card->files);
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
		mutex_lock(&call->op_lock);
		tel_file_drop(tf, call, 0);
		mutex_unlock(&call->op_lock);
		xa_erase(&tf->calls, handle);
		mutex_lock(&card->lock);
		call->file = NULL;
		mutex_unlock(&card->lock);
		tel_call_put(call);
	}
	up_read(&card->hw_rwsem);

	mutex_lock(&card->lock);
	list_del(&tf->node);
	mutex_unlock(&card->lock);

	xa_destroy(&tf->calls);
	mutex_destroy(&tf->read_lock);
	mutex_destroy(&tf->lock);
	kfree(tf);
	put_device(&card->dev);
	return 0;
}

static bool tel_file_readable(struct tel_file *tf)
{
	bool ret;

	spin_lock(&tf->ev_lock);
	ret = !kfifo_is_empty(&tf->events) || tf->ev_lost;
	spin_unlock(&tf->ev_lock);
	return ret;
}

/* The card is gone for this file once its CARD_GONE record was queued. */
static bool tel_file_gone(struct tel_file *tf)
{
	bool ret;

	spin_lock(&tf->ev_lock);
	ret = tf->gone;
	spin_unlock(&tf->ev_lock);
	return ret;
}

/* Take the next record: a queued event, else the overflow report. */
static bool tel_file_peek(struct tel_file *tf, struct tel_event *ev)
{
	bool ret = true;

	spin_lock(&tf->ev_lock);
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
	spin_unlock(&tf->ev_lock);
	return ret;
}

static void tel_file_consume(struct tel_file *tf, const struct tel_event *ev)
{
	spin_lock(&tf->ev_lock);
	if (!kfifo_is_empty(&tf->events))
		kfifo_skip(&tf->events);
	else if (ev->type == TEL_EVENT_OVERFLOW)
		tf->ev_lost -= ev->lost;
	spin_unlock(&tf->ev_lock);
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
	.unlocked_ioctl = tel_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
