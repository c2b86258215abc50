// SPDX-License-Identifier: GPL-2.0
/*
 * tel_list.c - TEL_IOC_CALL_LIST: the calls of a card, without text
 *
 * One rule for what is listed and what is shown, shared with
 * /proc/driver/tel/calls (tel_proc.c): every call that still exists and
 * has an owner, whether an open /dev/telN (live, or dropped and not yet
 * deallocated) or the DAHDI bridge (from its claim of the channel to its
 * release).  Phone numbers are personal data: they go to the user who
 * owns the call and to CAP_SYS_ADMIN, judged by the credentials of whoever
 * opened the file asked, so that a file handed to another process shows
 * no more than it did to its opener.
 *
 * The listing is taken in one pass under tel_card.lock, so it is a
 * consistent snapshot, and copied out after the lock is dropped.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "tel.h"
#include "tel_list.h"

/* The ABI's sizes are fixed: a change here breaks every binary built. */
static_assert(sizeof(struct tel_call_list_entry) == 184);
static_assert(sizeof(struct tel_call_list) == 40);
static_assert(offsetof(struct tel_call_list_entry, id) == 168);

/**
 * tel_list_shows() - is this call listed?
 * @call: a call on card->calls; the caller holds card->lock
 *
 * Return: true for a call with an owner: a file that holds its handle,
 * the bridge while the call holds its channel, an exported call's fd
 * (in flight, handle 0).
 */
bool tel_list_shows(struct tel_call *call)
{
	struct tel_card *card = call->card;

	lockdep_assert_held(&card->lock);
	if (!call->owner)
		return false;
	if (call->owner->kind == TEL_OWNER_BRIDGE)
		return call->channel < card->nr_channels &&
		       card->channels[call->channel].call == call;
	if (call->owner->kind == TEL_OWNER_HANDOFF)
		return true;
	return call->handle;
}

/**
 * tel_may_see() - the privacy rule: may this viewer see a call's numbers,
 *	the caller's name and the digits?
 * @cred: the viewer's credentials (of the file it opened)
 * @admin: the viewer had CAP_SYS_ADMIN (tel_viewer_is_admin())
 * @call: the call
 *
 * The one rule of /proc/driver/tel/calls, TEL_IOC_CALL_LIST and a
 * monitor's view (tel_monitor.c): the user who owns the call and
 * CAP_SYS_ADMIN see them, nobody else.
 */
bool tel_may_see(const struct cred *cred, bool admin,
		 const struct tel_call *call)
{
	return admin || uid_eq(cred->fsuid, call->owner_uid);
}

/* CAP_SYS_ADMIN, judged by the credentials of whoever opened @opener. */
bool tel_viewer_is_admin(const struct file *opener)
{
	return file_ns_capable(opener, &init_user_ns, CAP_SYS_ADMIN);
}

/**
 * tel_list_fill() - one listed call, as @opener may see it
 * @call: the call; the caller holds card->lock
 * @opener: the file asking (its f_cred decides the numbers)
 * @e: filled, every byte
 *
 * The pid is given in the pid namespace of the current task, the uid in
 * the user namespace of @opener.
 */
void tel_list_fill(struct tel_call *call, const struct file *opener,
		   struct tel_call_list_entry *e)
{
	const struct cred *cred = opener->f_cred;
	struct tel_call_info info;

	lockdep_assert_held(&call->card->lock);
	tel_call_fill_info(call, &info);
	memset(e, 0, sizeof(*e));
	e->card = info.card;
	e->channel = info.channel;
	e->handle = info.handle;
	e->pid = pid_vnr(call->owner_pid);
	e->uid = from_kuid_munged(cred->user_ns, call->owner_uid);
	e->state = info.state;
	e->direction = info.direction;
	e->origin = info.origin;
	e->disconnect_mode = info.disconnect_mode;
	e->owner = call->owner->kind;
	e->dma_bytes = info.dma_bytes;
	e->duration_ns = info.duration_ns;
	e->rx_frames = info.rx_frames;
	e->tx_frames = info.tx_frames;
	e->rx_bytes = info.rx_bytes;
	e->tx_bytes = info.tx_bytes;
	e->rx_overruns = info.rx_overruns;
	e->tx_underruns = info.tx_underruns;
	e->id = call->id;
	if (tel_may_see(cred, tel_viewer_is_admin(opener), call)) {
		strscpy(e->called, info.called, sizeof(e->called));
		strscpy(e->calling, info.calling, sizeof(e->calling));
	} else {
		e->flags |= TEL_LIST_F_HIDDEN;
	}
}

/*
 * Count the listed calls and, if @capacity holds them all, fill a kernel
 * copy of them (*@out, kvfree() it).  Returns the count or an errno; on
 * -ENOSPC nothing is filled.
 */
static int tel_list_snapshot(struct file *filp, u32 capacity,
			     struct tel_call_list_entry **out)
{
	struct tel_file *tf = filp->private_data;
	struct tel_card *card = tf->card;
	struct tel_call_list_entry *buf = NULL;
	struct tel_call *call;
	u32 n = 0, i = 0;
	int ret;

	mutex_lock(&card->lock);
	list_for_each_entry(call, &card->calls, node)
		n += tel_list_shows(call);
	ret = n;
	if (!capacity || !n)
		goto out_unlock;
	if (capacity < n) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	buf = tel_should_fail() ? NULL : kvcalloc(n, sizeof(*buf), GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	list_for_each_entry(call, &card->calls, node)
		if (tel_list_shows(call))
			tel_list_fill(call, filp, &buf[i++]);
out_unlock:
	mutex_unlock(&card->lock);
	*out = buf;
	return ret;
}

/**
 * tel_ioctl_call_list() - TEL_IOC_CALL_LIST
 * @filp: an open /dev/telN
 * @uarg: struct tel_call_list
 *
 * Return: 0; -EINVAL for flags, reserved fields or the output @count set
 * on input, -ENOSPC if
 * capacity is non-zero and too small, -ENOMEM, -EFAULT.  On failure
 * count is not written.
 */
int tel_ioctl_call_list(struct file *filp, void __user *uarg)
{
	struct tel_call_list __user *ureq = uarg;
	struct tel_call_list_entry *buf;
	struct tel_call_list req;
	int n, ret = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.count ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;

	n = tel_list_snapshot(filp, req.capacity, &buf);
	if (n < 0)
		return n;
	if (buf && copy_to_user(u64_to_user_ptr(req.entries), buf,
				array_size(n, sizeof(*buf))))
		ret = -EFAULT;
	kvfree(buf);
	if (!ret && put_user(n, &ureq->count))
		ret = -EFAULT;
	return ret;
}
