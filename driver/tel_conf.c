// SPDX-License-Identifier: GPL-2.0
/*
 * tel_conf.c - conferences mixed by the card (TAPI's lineSetupConference,
 * lineAddToConference, lineRemoveFromConference)
 *
 * A conference belongs to the file that set it up, as its calls do: its
 * handle comes from the same table (reserved there, so no call ever gets
 * it, and every call ioctl answers ENOENT for it) and lives in
 * tel_file.confs.  The card does the mixing: a member's channel joins
 * the conference's number on the card (TEL_OP_CONF_JOIN) and its far
 * party hears the far parties of all the others.  A member is a call
 * whose @conf names the conference; tel_call_set_state() clears that
 * whenever the call leaves CONFERENCED (removed, cleared by the far end,
 * dropped, the card gone), so the members are always the calls the card
 * mixes, with nothing to undo when one goes.
 *
 * TEL_IOC_CALL_DROP of a conference drops every member (each keeps its
 * record until its own DEALLOC); TEL_IOC_CALL_DEALLOC releases an empty
 * conference's handle.  Documentation/userspace-api.rst has every errno.
 *
 * The application's own party in a conference (TEL_ALLOC_F_CONF) is a
 * member too, a call whose channel is the conference's port on the card
 * (TEL_OP_CONF_PORT, tel_conf_port()): its rings carry what it hears and
 * says.  It has no far party, so REMOVE does not take it (EINVAL); DROP
 * ends it as any call, and a DROP of the conference drops it with the
 * others.
 */
#include <linux/atomic.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tel.h"

/* card-wide numbers for TEL_OP_CONF_JOIN: unique, never 0 */
static atomic_t tel_conf_next = ATOMIC_INIT(0);

static u32 tel_conf_number(void)
{
	u32 n;

	do {
		n = (u32)atomic_inc_return(&tel_conf_next) & 0x7fffffff;
	} while (!n);
	return n;
}

/* Members of @conf now.  Caller holds card->lock. */
static unsigned int tel_conf_count(struct tel_card *card,
				   const struct tel_conf *conf)
{
	struct tel_call *call;
	unsigned int n = 0;

	lockdep_assert_held(&card->lock);
	list_for_each_entry(call, &card->calls, node)
		n += call->conf == conf;
	return n;
}

/*
 * The conference a handle names, or NULL: -ENOENT for no such handle,
 * -EINVAL for one that names a call.  Caller holds tf->conf_lock, which
 * keeps the conference alive.
 */
struct tel_conf *tel_conf_lookup(struct tel_file *tf, u32 handle, int *err)
{
	struct tel_conf *conf;
	struct tel_call *call;

	lockdep_assert_held(&tf->conf_lock);
	conf = handle ? xa_load(&tf->confs, handle) : NULL;
	if (conf)
		return conf;
	call = tel_file_lookup(tf, handle);
	*err = call ? -EINVAL : -ENOENT;
	if (call)
		tel_call_put(call);
	return NULL;
}

int tel_ioctl_conf_setup(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_conf_setup req;
	struct tel_conf *conf;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.handle || req.max_members ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (!(card->caps & TEL_CAP_CONFERENCE))
		return -EOPNOTSUPP;
	if (READ_ONCE(card->gone))
		return -ENODEV;

	conf = tel_should_fail() ? NULL : kzalloc(sizeof(*conf), GFP_KERNEL);
	if (!conf)
		return -ENOMEM;
	conf->number = tel_conf_number();
	mutex_lock(&tf->conf_lock);
	ret = tel_file_reserve_handle(tf, &conf->handle);
	if (ret)
		goto out_free;
	ret = xa_insert(&tf->confs, conf->handle, conf, GFP_KERNEL);
	if (ret)
		goto out_unreserve;
	req.handle = conf->handle;
	req.max_members = card->conf_members;
	/* copy-back last, and undone if it fails: nothing was set up */
	if (tel_should_fail_copyout() || copy_to_user(uarg, &req, sizeof(req))) {
		ret = -EFAULT;
		xa_erase(&tf->confs, conf->handle);
		goto out_unreserve;
	}
	mutex_unlock(&tf->conf_lock);
	return 0;

out_unreserve:
	tel_file_unreserve_handle(tf, conf->handle);
out_free:
	mutex_unlock(&tf->conf_lock);
	kfree(conf);
	return ret;
}

/*
 * ADD: a CONNECTED or ONHOLD call into @conf.  @call->conf_op names the
 * command while it runs, so that the card's STATE event (CONF), written
 * before the completion, is believed (tel_hw.c); the events are drained
 * after it, as for HOLD, and the call is CONFERENCED even if the event
 * was lost (the completion says it is).
 */
static int tel_conf_join(struct tel_conf *conf, struct tel_call *call)
{
	struct tel_card *card = call->card;
	int ret = 0;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	if (READ_ONCE(card->gone))
		return -ENODEV;
	mutex_lock(&card->lock);
	if (call->conf == conf)
		ret = -EALREADY;
	else if (call->conf)
		ret = -EBUSY;	/* a member of another conference */
	else if (!tel_call_on_card(call) ||
		 (call->info.state != TEL_CALL_CONNECTED &&
		  call->info.state != TEL_CALL_ONHOLD))
		ret = -ENOTCONN;
	else if (call->flashing)
		ret = -EBUSY;
	else if (tel_conf_count(card, conf) >= card->conf_members)
		ret = -ENOSPC;
	if (!ret)
		call->conf_op = TEL_OP_CONF_JOIN;
	mutex_unlock(&card->lock);
	if (ret)
		return ret;

	ret = tel_call_command(call, BIT(TEL_CALL_CONNECTED) |
			       BIT(TEL_CALL_ONHOLD), TEL_OP_CONF_JOIN,
			       conf->number, NULL);
	if (ret == -EAGAIN)
		ret = -ENOSPC;	/* the card's FULL: its own count */
	if (!ret)
		tel_hw_events(card);
	mutex_lock(&card->lock);
	call->conf_op = 0;
	if (!ret && (call->info.state == TEL_CALL_CONNECTED ||
		     call->info.state == TEL_CALL_ONHOLD))
		tel_call_set_state(call, TEL_CALL_CONFERENCED, TEL_ORIGIN_NONE,
				   0);
	else if (!ret && call->info.state != TEL_CALL_CONFERENCED)
		ret = -ENOTCONN;	/* the far end cleared it meanwhile */
	/*
	 * A card that joined and then failed the command (EIO) had its
	 * STATE (CONF) believed while the command ran: the call is in the
	 * card's conference, so it is a member, as for a failed HOLD.
	 */
	if (!ret || call->info.state == TEL_CALL_CONFERENCED)
		call->conf = conf;
	mutex_unlock(&card->lock);
	return ret;
}

/* REMOVE: a member of @conf back to CONNECTED, its own audio again. */
static int tel_conf_leave(struct tel_conf *conf, struct tel_call *call)
{
	struct tel_card *card = call->card;
	int ret = 0;

	lockdep_assert_held(&card->hw_rwsem);
	lockdep_assert_held(&call->op_lock);
	if (READ_ONCE(card->gone))
		return -ENODEV;
	mutex_lock(&card->lock);
	if (call->conf_port)
		ret = -EINVAL;	/* no far party's: DROP ends it */
	else if (call->conf && call->conf != conf)
		ret = -EBUSY;	/* a member of another conference */
	else if (!call->conf)
		ret = -ENOTCONN;	/* not a member (any more) */
	else
		call->conf_op = TEL_OP_CONF_LEAVE;
	mutex_unlock(&card->lock);
	if (ret)
		return ret;

	ret = tel_call_command(call, BIT(TEL_CALL_CONFERENCED),
			       TEL_OP_CONF_LEAVE, 0, NULL);
	if (!ret)
		tel_hw_events(card);
	mutex_lock(&card->lock);
	call->conf_op = 0;
	if (!ret && call->info.state == TEL_CALL_CONFERENCED)
		tel_call_set_state(call, TEL_CALL_CONNECTED, TEL_ORIGIN_NONE, 0);
	else if (!ret && call->info.state != TEL_CALL_CONNECTED)
		ret = -ENOTCONN;	/* the far end cleared it meanwhile */
	mutex_unlock(&card->lock);
	atomic_inc(&card->audio_gen);
	wake_up_interruptible_all(&card->audio_wq);
	return ret;
}

/**
 * tel_conf_port() - the application's own party joins @conf
 *	(TEL_IOC_CALL_ALLOC with TEL_ALLOC_F_CONF)
 * @conf: a conference of the call's file; the caller holds its conf_lock
 * @call: a new call that holds its channel, not bound; the caller holds
 *	hw_rwsem (read)
 *
 * The port is a call like any other, so that READ, WRITE, MAP, TAP,
 * watermarks, INFO, /proc, DROP and DEALLOC are the call core's: it
 * only begins in another way.  Instead of DIAL the card gets CONF_PORT
 * with the rings, as DIAL gives them: the channel becomes the
 * conference's port, its tx ring the party's voice and its rx ring what
 * it hears.  The call begins CONFERENCED, a member (@call->conf) from
 * before the command, so that it counts towards the card's limit as a
 * member does and the card's STATE (CONF), written before the
 * completion, changes nothing.  On failure it is no member and its rings
 * are not the card's.
 *
 * Return: 0, -ENOSPC (the conference is full, by our count or the
 * card's), or the card's refusal, -ETIMEDOUT, -ENODEV.
 */
int tel_conf_port(struct tel_conf *conf, struct tel_call *call)
{
	struct tel_card *card = call->card;
	int ret = 0;

	lockdep_assert_held(&card->hw_rwsem);
	mutex_lock(&card->lock);
	if (tel_conf_count(card, conf) >= card->conf_members) {
		mutex_unlock(&card->lock);
		return -ENOSPC;
	}
	call->conf_port = true;
	call->conf = conf;
	tel_call_begin(call, TEL_CALL_CONFERENCED);
	/* the card may write the rings as soon as it reads the command */
	tel_call_bind(call);
	mutex_unlock(&card->lock);

	ret = tel_hw_command(card, TEL_OP_CONF_PORT, call->channel,
			     conf->number, call, NULL);
	if (ret == -EAGAIN)
		ret = -ENOSPC;	/* the card's FULL: its own count */
	mutex_lock(&card->lock);
	if (ret) {
		call->bound = false;
		call->conf = NULL;
	} else {
		call->started = true;
		/* "connected" to the conference: the duration runs from here */
		call->info.connect_ns = tel_now_ns();
	}
	mutex_unlock(&card->lock);
	atomic_inc(&card->audio_gen);
	return ret;
}

/* ADD and REMOVE: the same request, one way or the other */
int tel_ioctl_conf_member(struct tel_file *tf, void __user *uarg, bool add)
{
	struct tel_card *card = tf->card;
	struct tel_conf_member req;
	struct tel_conf *conf;
	struct tel_call *call;
	int ret = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (!(card->caps & TEL_CAP_CONFERENCE))
		return -EOPNOTSUPP;

	mutex_lock(&tf->conf_lock);
	conf = tel_conf_lookup(tf, req.conf, &ret);
	if (!conf)
		goto out_unlock;
	ret = -EINVAL;	/* a conference is no member of one */
	if (xa_load(&tf->confs, req.handle))
		goto out_unlock;
	ret = -ENOENT;
	call = tel_file_lookup(tf, req.handle);
	if (!call)
		goto out_unlock;
	down_read(&card->hw_rwsem);
	mutex_lock(&call->op_lock);
	if (!tel_file_owns(tf, call))
		ret = -ENOENT;	/* exported since the lookup */
	else
		ret = add ? tel_conf_join(conf, call) :
			    tel_conf_leave(conf, call);
	mutex_unlock(&call->op_lock);
	up_read(&card->hw_rwsem);
	tel_call_put(call);
out_unlock:
	mutex_unlock(&tf->conf_lock);
	return ret;
}

/*
 * A member of @conf this file owns, referenced, or NULL when none is
 * left.  Caller holds tf->conf_lock.
 */
static struct tel_call *tel_conf_member(struct tel_file *tf,
					const struct tel_conf *conf)
{
	struct tel_card *card = tf->card;
	struct tel_call *call, *found = NULL;

	mutex_lock(&card->lock);
	list_for_each_entry(call, &card->calls, node) {
		if (call->conf == conf && call->owner == &tf->owner) {
			kref_get(&call->ref);
			found = call;
			break;
		}
	}
	mutex_unlock(&card->lock);
	return found;
}

/**
 * tel_conf_drop() - TEL_IOC_CALL_DROP of a conference: drop its members
 * @tf: the file
 * @handle: the handle DROP was given, which names no call of @tf
 * @reason: DROP's application reason, given to every member
 *
 * Each member is dropped as TEL_IOC_CALL_DROP would drop it (IDLE, its
 * record kept until its own DEALLOC), one at a time: a dropped call is no
 * member any more (tel_call_set_state()), so the loop ends.  The
 * conference stays, empty, until TEL_IOC_CALL_DEALLOC.  A conference with
 * no member answers EALREADY, as an IDLE call does.
 *
 * Return: 0, -ENOENT (no such conference either), -EALREADY.
 */
int tel_conf_drop(struct tel_file *tf, u32 handle, u32 reason)
{
	struct tel_card *card = tf->card;
	struct tel_conf *conf;
	struct tel_call *call;
	int ret = -EALREADY;

	mutex_lock(&tf->conf_lock);
	conf = handle ? xa_load(&tf->confs, handle) : NULL;
	if (!conf) {
		mutex_unlock(&tf->conf_lock);
		return -ENOENT;
	}
	while ((call = tel_conf_member(tf, conf))) {
		down_read(&card->hw_rwsem);
		mutex_lock(&call->op_lock);
		if (tel_file_owns(tf, call)) {
			tel_file_drop(tf, call, reason);
			ret = 0;
		}
		mutex_unlock(&call->op_lock);
		up_read(&card->hw_rwsem);
		tel_call_put(call);	/* not under hw_rwsem: it may be the last */
	}
	mutex_unlock(&tf->conf_lock);
	return ret;
}

/* Forget @conf: no call names it any more.  Caller holds tf->conf_lock. */
static void tel_conf_free(struct tel_file *tf, struct tel_conf *conf)
{
	struct tel_card *card = tf->card;
	struct tel_call *call;

	mutex_lock(&card->lock);
	list_for_each_entry(call, &card->calls, node)
		if (call->conf == conf)
			call->conf = NULL;
	mutex_unlock(&card->lock);
	xa_erase(&tf->confs, conf->handle);
	kfree(conf);
}

/**
 * tel_conf_dealloc() - TEL_IOC_CALL_DEALLOC of a conference
 * @tf: the file
 * @handle: the handle DEALLOC was given, which names no call of @tf
 *
 * Return: 0 (the handle is gone), -ENOENT, -EBUSY while it has members.
 */
int tel_conf_dealloc(struct tel_file *tf, u32 handle)
{
	struct tel_card *card = tf->card;
	struct tel_conf *conf;
	int ret = 0;

	mutex_lock(&tf->conf_lock);
	conf = handle ? xa_load(&tf->confs, handle) : NULL;
	if (!conf) {
		ret = -ENOENT;
	} else {
		mutex_lock(&card->lock);
		if (tel_conf_count(card, conf))
			ret = -EBUSY;
		mutex_unlock(&card->lock);
	}
	if (!ret) {
		tel_conf_free(tf, conf);
		tel_file_unreserve_handle(tf, handle);
	}
	mutex_unlock(&tf->conf_lock);
	return ret;
}

/* The file closes: its calls were dropped; its conferences go. */
void tel_conf_release(struct tel_file *tf)
{
	struct tel_conf *conf;
	unsigned long handle;

	mutex_lock(&tf->conf_lock);
	xa_for_each(&tf->confs, handle, conf)
		tel_conf_free(tf, conf);
	mutex_unlock(&tf->conf_lock);
	xa_destroy(&tf->confs);
}
