// SPDX-License-Identifier: GPL-2.0
/*
 * tel_monitor.c - an open /dev/telN as a monitor of its card's calls
 * (TAPI's LINECALLPRIVILEGE_MONITOR)
 *
 * TEL_IOC_CARD_MONITOR turns a file that never owned a call into a
 * monitor, for the rest of its life: the call core tells it every event of
 * every call of the card (tel_call_notify(): files' calls and the bridge's
 * alike), naming each call by its card-wide id, and TEL_IOC_CALL_INFO and
 * TEL_IOC_CALL_PARTY read a call's record by that id from its
 * TEL_EVENT_CALL_NEW to its TEL_EVENT_CALL_DEALLOC.  It owns nothing and
 * changes nothing: tel_file_may_act() is false for it, which every command
 * that acts checks (tel_ioctl()), and tel_file_reserve() checks again
 * under the file's lock, so no call can slip in while it becomes one.
 *
 * Numbers, the caller's name and digits follow the rule of /proc
 * (tel_may_see()): a monitor opened by CAP_SYS_ADMIN, judged once when it
 * becomes one, or by the call's owner's user sees them; any other sees
 * them withheld (empty, TEL_CALL_F_HIDDEN; a DIGIT event's digit 0).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tel.h"
#include "tel_list.h"

static_assert(sizeof(struct tel_card_monitor) == 16);

static bool tel_monitor_sees(const struct tel_file *tf,
			     const struct tel_call *call)
{
	return tel_may_see(tf->monitor_cred, tf->monitor_admin, call);
}

/* struct tel_monitor's callback: into the file's queue, as it may see it */
static void tel_monitor_event(struct tel_monitor *mon,
			      const struct tel_call *call,
			      const struct tel_event *ev)
{
	struct tel_file *tf = container_of(mon, struct tel_file, monitor);
	struct tel_event e = *ev;

	lockdep_assert_held(&call->card->lock);
	if (e.type == TEL_EVENT_DIGIT && !tel_monitor_sees(tf, call))
		e.detail = 0;
	tel_file_event(tf, &e);
}

/**
 * tel_ioctl_card_monitor() - TEL_IOC_CARD_MONITOR
 * @filp: an open /dev/telN
 * @uarg: struct tel_card_monitor
 *
 * Return: 0; -EINVAL for flags or reserved fields set, -EALREADY if the
 * file is a monitor already, -EBUSY if it owns or owned a call (or is
 * creating one), -ENODEV if the card is gone, -EFAULT.
 */
int tel_ioctl_card_monitor(struct file *filp, void __user *uarg)
{
	struct tel_file *tf = filp->private_data;
	struct tel_card *card = tf->card;
	struct tel_card_monitor req;
	int ret = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;

	mutex_lock(&tf->lock);
	if (tf->is_monitor)
		ret = -EALREADY;
	else if (tf->owned || !xa_empty(&tf->calls))
		ret = -EBUSY;
	if (ret)
		goto out_unlock;
	tf->monitor.event = tel_monitor_event;
	tf->monitor_admin = tel_viewer_is_admin(filp);
	tf->monitor_cred = get_cred(filp->f_cred);
	mutex_lock(&card->lock);
	if (card->gone) {
		ret = -ENODEV;
	} else {
		list_add_tail(&tf->monitor.node, &card->monitors);
		WRITE_ONCE(tf->is_monitor, true);
	}
	mutex_unlock(&card->lock);
	if (ret) {
		put_cred(tf->monitor_cred);
		tf->monitor_cred = NULL;
	}
out_unlock:
	mutex_unlock(&tf->lock);
	return ret;
}

/*
 * The call of card-wide @id that monitors may see (from its CALL_NEW to its
 * CALL_DEALLOC), or NULL.  Caller holds card->lock, which keeps it: a call
 * leaves call_ids under it before it is freed.
 */
struct tel_call *tel_monitor_find(struct tel_card *card, u32 id)
{
	struct tel_call *call;

	lockdep_assert_held(&card->lock);
	call = xa_load(&card->call_ids, id);
	return call && call->announced ? call : NULL;
}

/**
 * tel_monitor_info() - TEL_IOC_CALL_INFO on a monitor
 * @tf: a monitor
 * @info: in: handle, the card-wide id (checked by the caller); out: the
 *	record, with handle the id again
 *
 * Return: 0, or -ENOENT if no call of that id can be seen.
 */
int tel_monitor_info(struct tel_file *tf, struct tel_call_info *info)
{
	struct tel_card *card = tf->card;
	struct tel_call *call;
	u32 id = info->handle;

	mutex_lock(&card->lock);
	call = tel_monitor_find(card, id);
	if (call) {
		tel_call_fill_info(call, info);
		info->handle = id;
		if (!tel_monitor_sees(tf, call)) {
			memset(info->called, 0, sizeof(info->called));
			memset(info->calling, 0, sizeof(info->calling));
			info->flags |= TEL_CALL_F_HIDDEN;
		}
	}
	mutex_unlock(&card->lock);
	return call ? 0 : -ENOENT;
}

/**
 * tel_monitor_party() - TEL_IOC_CALL_PARTY on a monitor
 * @tf: a monitor
 * @party: in: handle, the card-wide id (checked by the caller); out: the
 *	record, with handle the id again
 *
 * Return: 0, or -ENOENT if no call of that id can be seen.
 */
int tel_monitor_party(struct tel_file *tf, struct tel_call_party *party)
{
	struct tel_card *card = tf->card;
	struct tel_call *call;
	u32 id = party->handle;

	mutex_lock(&card->lock);
	call = tel_monitor_find(card, id);
	if (call) {
		*party = call->party;
		party->handle = id;
		if (!tel_monitor_sees(tf, call)) {
			memset(party->name, 0, sizeof(party->name));
			memset(party->digits_rx, 0, sizeof(party->digits_rx));
			memset(party->digits_tx, 0, sizeof(party->digits_tx));
			party->flags |= TEL_CALL_F_HIDDEN;
		}
	}
	mutex_unlock(&card->lock);
	return call ? 0 : -ENOENT;
}

/* The file closes: it hears no more.  Its event queue goes with it. */
void tel_monitor_release(struct tel_file *tf)
{
	struct tel_card *card = tf->card;

	if (!tf->is_monitor)
		return;
	mutex_lock(&card->lock);
	list_del(&tf->monitor.node);
	mutex_unlock(&card->lock);
	put_cred(tf->monitor_cred);
}
