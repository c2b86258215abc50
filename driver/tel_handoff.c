// SPDX-License-Identifier: GPL-2.0
/*
 * tel_handoff.c - a call handed from one process to another (TAPI's
 * lineHandoff) as a file descriptor, the way dma-buf and pidfd hand
 * objects around
 *
 * TEL_IOC_CALL_EXPORT takes a call out of its file's handle table and
 * gives it to a new anonymous file, "[tel-call]", the call's owner while
 * it is in flight (TEL_OWNER_HANDOFF).  The fd travels by SCM_RIGHTS (or
 * fork, or pidfd_getfd); TEL_IOC_CALL_IMPORT on a /dev/telN file of the
 * same card moves the call into that file's table.  Ownership moves in
 * one step under card->lock each time, so the call always has exactly one
 * owner; the last close of a "[tel-call]" file that still holds its call
 * drops and deallocates it through the same path as the close of a
 * /dev/telN file (tel_call_let_go()).  Whoever dies at whatever point, the
 * call is freed once: by the exporting file's close before the export, by
 * the fd's last reference (the sender's, the one in a unix socket's queue,
 * the receiver's) while in flight, by the importing file's close after.
 *
 * While in flight, the call's state changes and events are recorded in
 * the call (state, record, counters) and queued to nobody; the card keeps
 * moving its audio, so the receive ring fills and overruns are counted,
 * as for an owner that does not read.  The importer gets one
 * TEL_EVENT_STATE with the call's state then.
 *
 * Locks: the handoff's lock (struct tel_handoff.lock, which of two
 * importers wins) comes after tel_card.hw_rwsem and before
 * tel_call.op_lock.
 */
#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tel.h"

static_assert(sizeof(struct tel_call_export) == 32);
static_assert(sizeof(struct tel_call_import) == 32);

/**
 * struct tel_handoff - a call in flight: the private data of an exported
 *	call's file
 * @owner: the file as the call's owner (not in card->owners: it wants no
 *	card events)
 * @lock: guards @call
 * @call: the call, with the reference its handle had; NULL once imported
 *	(or never moved in, if the export failed)
 *
 * While @call is set, the file holds a reference on its card's device.
 */
struct tel_handoff {
	struct tel_owner owner;
	struct mutex lock;		/* call */
	struct tel_call *call;
};

/* In flight: the change is in the call's record, for the importer. */
static void tel_handoff_call_state(struct tel_owner *owner,
				   struct tel_call *call, u64 now)
{
}

static const struct tel_owner_ops tel_handoff_owner_ops = {
	.state = tel_handoff_call_state,
};

/*
 * The last reference to the fd went (the sender closed it unsent, the
 * socket that carried it was released with the message unread, the
 * receiver died before importing, or the receiver closed it after the
 * import): a call still here is dropped and deallocated.
 */
static int tel_handoff_release(struct inode *inode, struct file *filp)
{
	struct tel_handoff *ho = filp->private_data;
	struct tel_call *call;

	mutex_lock(&ho->lock);
	call = ho->call;
	ho->call = NULL;
	mutex_unlock(&ho->lock);
	if (call) {
		struct tel_card *card = call->card;

		down_read(&card->hw_rwsem);
		tel_call_let_go(call);
		up_read(&card->hw_rwsem);
		put_device(&card->dev);
	}
	mutex_destroy(&ho->lock);
	kfree(ho);
	return 0;
}

static const struct file_operations tel_handoff_fops = {
	.owner = THIS_MODULE,
	.release = tel_handoff_release,
	.llseek = noop_llseek,
};

/*
 * Move @call from @tf's table to @ho.  @ref is the caller's reference
 * (from the lookup); the table's becomes @ho's.  -ENOENT if the handle
 * no longer names the call (a DEALLOC or another EXPORT won); -EBUSY for
 * a member of a conference, which is its file's (tel_conf.c) and would
 * be left naming a conference freed with that file.  Only ADD, under
 * op_lock, makes a call a member, so the answer holds until the move.
 */
static int tel_handoff_take(struct tel_file *tf, struct tel_call *call,
			    struct tel_handoff *ho)
{
	struct tel_card *card = tf->card;
	bool ours, member;

	mutex_lock(&ho->lock);
	mutex_lock(&call->op_lock);
	mutex_lock(&card->lock);
	member = call->conf;
	mutex_unlock(&card->lock);
	if (member) {
		mutex_unlock(&call->op_lock);
		mutex_unlock(&ho->lock);
		return -EBUSY;
	}
	mutex_lock(&tf->lock);
	ours = call->handle && xa_load(&tf->calls, call->handle) == call;
	if (ours)
		xa_erase(&tf->calls, call->handle);
	mutex_unlock(&tf->lock);
	if (ours) {
		mutex_lock(&card->lock);
		if (call->info.state == TEL_CALL_IDLE)
			tf->nr_dropped--;
		tel_call_set_owner(call, &ho->owner, 0);
		mutex_unlock(&card->lock);
		get_device(&card->dev);
		ho->call = call;
	}
	mutex_unlock(&call->op_lock);
	mutex_unlock(&ho->lock);
	return ours ? 0 : -ENOENT;
}

/**
 * tel_ioctl_call_export() - TEL_IOC_CALL_EXPORT
 * @tf: the file that owns the call
 * @uarg: struct tel_call_export
 *
 * The fd is reserved, its file made and the result copied out before the
 * call moves; only then is the fd installed.  Any failure before leaves
 * the call where it was.
 *
 * Return: 0; -EINVAL, -ENOENT, -EBUSY, -EMFILE, -ENFILE, -ENOMEM,
 * -EFAULT.
 */
int tel_ioctl_call_export(struct tel_file *tf, void __user *uarg)
{
	struct tel_call_export req;
	struct tel_handoff *ho;
	struct tel_call *call;
	struct file *file;
	int fd, ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~TEL_EXPORT_F_CLOEXEC) || req.fd ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	call = tel_file_lookup(tf, req.handle);
	if (!call)
		return -ENOENT;
	/* early, so that the usual refusal writes nothing back either */
	mutex_lock(&tf->card->lock);
	ret = call->conf ? -EBUSY : 0;
	mutex_unlock(&tf->card->lock);
	if (ret)
		goto out_put;

	ret = -ENOMEM;
	ho = tel_should_fail() ? NULL : kzalloc(sizeof(*ho), GFP_KERNEL);
	if (!ho)
		goto out_put;
	ho->owner.ops = &tel_handoff_owner_ops;
	ho->owner.name = "handoff";
	ho->owner.kind = TEL_OWNER_HANDOFF;
	INIT_LIST_HEAD(&ho->owner.node);
	mutex_init(&ho->lock);

	fd = get_unused_fd_flags(req.flags & TEL_EXPORT_F_CLOEXEC ?
				 O_CLOEXEC : 0);
	if (fd < 0) {
		ret = fd;
		goto out_free;
	}
	file = anon_inode_getfile("[tel-call]", &tel_handoff_fops, ho, O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out_put_fd;
	}
	/* from here on @ho is the file's, freed by its release */

	req.fd = fd;
	if (copy_to_user(uarg, &req, sizeof(req))) {
		ret = -EFAULT;
		goto out_fput;
	}
	ret = tel_handoff_take(tf, call, ho);
	if (ret)
		goto out_fput;
	fd_install(fd, file);
	tel_call_put(call);
	return 0;

out_fput:
	fput(file);		/* empty: its release frees only @ho */
	put_unused_fd(fd);
	tel_call_put(call);
	return ret;
out_put_fd:
	put_unused_fd(fd);
out_free:
	mutex_destroy(&ho->lock);
	kfree(ho);
out_put:
	tel_call_put(call);
	return ret;
}

/* Check the importer's quota of dropped calls for an IDLE call. */
static int tel_handoff_quota(struct tel_file *tf, struct tel_call *call)
{
	struct tel_card *card = tf->card;
	bool idle;

	mutex_lock(&card->lock);
	idle = call->info.state == TEL_CALL_IDLE;
	mutex_unlock(&card->lock);
	return idle ? tel_file_check_quota(tf) : 0;
}

/*
 * Move @ho's call into @tf's table.  Caller holds hw_rwsem (read) of
 * @tf's card and @ho->lock.  The handle is reserved and copied out before
 * the call moves: an EFAULT leaves it in flight.
 */
static int tel_handoff_give(struct tel_file *tf, struct tel_handoff *ho,
			    struct tel_call_import *req, void __user *uarg)
{
	struct tel_call *call = ho->call;
	struct tel_card *card = tf->card;
	struct pid *old_pid;
	u32 handle;
	int ret;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&ho->lock);
	if (!call)
		return -ENOENT;		/* imported already */
	if (call->card != card)
		return -EXDEV;
	if (card->gone)
		return -ENODEV;

	mutex_lock(&call->op_lock);
	ret = tel_handoff_quota(tf, call);
	if (ret)
		goto out_unlock;
	ret = tel_file_reserve_handle(tf, &handle);
	if (ret)
		goto out_unlock;
	req->handle = handle;
	if (copy_to_user(uarg, req, sizeof(*req))) {
		tel_file_unreserve_handle(tf, handle);
		ret = -EFAULT;
		goto out_unlock;
	}

	mutex_lock(&card->lock);
	if (call->info.state == TEL_CALL_IDLE)
		tf->nr_dropped++;
	/* the record follows the new owner: /proc's privacy rule too */
	old_pid = call->owner_pid;
	call->owner_pid = get_pid(task_tgid(current));
	call->owner_uid = current_fsuid();
	tel_call_set_owner(call, &tf->owner, handle);
	mutex_unlock(&card->lock);
	put_pid(old_pid);
	ho->call = NULL;
	/* complete: reachable from now on (the reference is the table's) */
	tel_file_publish(tf, call);
	put_device(&card->dev);	/* @ho's; @tf holds the card */
out_unlock:
	mutex_unlock(&call->op_lock);
	return ret;
}

/**
 * tel_ioctl_call_import() - TEL_IOC_CALL_IMPORT
 * @tf: the file that takes the call
 * @uarg: struct tel_call_import
 *
 * Return: 0; -EINVAL (flags, reserved or output set; an fd that is not
 * an exported call), -EBADF, -ENOENT (already imported), -EXDEV (a call
 * of another card), -ENODEV, -EDQUOT, -ENOMEM, -EFAULT.
 */
int tel_ioctl_call_import(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_call_import req;
	struct tel_handoff *ho;
	struct file *file;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.handle ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	file = fget(req.fd);
	if (!file)
		return -EBADF;
	if (file->f_op != &tel_handoff_fops) {
		fput(file);
		return -EINVAL;
	}
	ho = file->private_data;

	down_read(&card->hw_rwsem);
	mutex_lock(&ho->lock);
	ret = tel_handoff_give(tf, ho, &req, uarg);
	mutex_unlock(&ho->lock);
	up_read(&card->hw_rwsem);
	fput(file);
	return ret;
}
