// SPDX-License-Identifier: GPL-2.0
/*
 * tel_tap.c - a privileged monitor's tap on a call's audio
 * (TEL_IOC_CALL_TAP), for call recording
 *
 * Neither ring can be read by a third party after its owner is done with
 * it: the card may overwrite received bytes as soon as the owner consumed
 * them, and the owner may overwrite sent ones as soon as the card took
 * them.  So the first TAP of a call arms a history of it (struct tel_tap):
 * per direction the last TEL_TAP_BYTES of the stream, copied at the two
 * moments each byte is known to be stable, by the ring code that moves
 * the indices (tel_tap_feed()):
 *
 *  - rx: when the driver takes a new, checked RX_HEAD from the card
 *    (tel_ring_sync()): the bytes up to it are the card's last word, and
 *    the owner has not consumed them;
 *  - tx: when the owner's written bytes are committed
 *    (tel_ring_tx_commit()): they are the owner's, and the card has not
 *    taken them.
 *
 * Both happen under the lock that guards the call's indices (card->lock,
 * or bridge_lock for a call the bridge's tick moves audio for), so the
 * history is guarded by the same locks: a feeder holds either, a tap
 * holds both.  The owner's path gains a memcpy of the bytes it moves, and
 * only on a tapped call; it never waits for a tap.
 *
 * Each monitor file reads the history at its own positions (struct
 * tel_tap_reader, one per file and call, on the call's history), 64-bit
 * byte counts of the stream so that wrap is never ambiguous.  A reader the
 * history overtook skips to its oldest byte and is told how many it lost.
 * The history lives until the call is freed (after DEALLOC), readers until
 * their file closes or the call is freed.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "tel.h"

static_assert(sizeof(struct tel_call_tap) == 80);

static int tel_tap_gid = -1;
module_param_named(tap_gid, tel_tap_gid, int, 0644);
MODULE_PARM_DESC(tap_gid,
		 "group whose members may tap calls' audio as monitors (-1: CAP_SYS_ADMIN only)");

/**
 * struct tel_tap_reader - one monitor file's positions in one call's tap
 * @node: in tel_tap.readers (under card->lock)
 * @tf: the monitor file (removed before it is freed: tel_tap_release())
 * @pos: next stream byte to read, [0] rx, [1] tx (under @tf->tap_lock)
 */
struct tel_tap_reader {
	struct list_head node;
	struct tel_file *tf;
	u64 pos[2];
};

/* Stream position of the oldest byte the history holds. */
static u64 tel_tap_oldest(const struct tel_tap_hist *h)
{
	return h->head - h->fill;
}

/**
 * tel_tap_feed() - append stream bytes from a ring to a call's history
 * @call: the call, tapped (call->tap set); the caller holds the lock that
 *	guards its indices (card->lock, or bridge_lock for a ticked call)
 * @tx: the tx ring (else rx)
 * @from: ring index of the first byte
 * @len: bytes, at most TEL_RING_BYTES: stable while the caller holds
 *	that lock
 */
void tel_tap_feed(struct tel_call *call, bool tx, u32 from, u32 len)
{
	struct tel_tap_hist *h = &call->tap->dir[tx];
	const u8 *ring = call->ring + (tx ? TEL_RING_BYTES : 0);

	while (len) {
		u32 at = h->head & (TEL_TAP_BYTES - 1);
		u32 n = min(tel_ring_first(from, len), TEL_TAP_BYTES - at);

		memcpy(h->buf + at, ring + (from & (TEL_RING_BYTES - 1)), n);
		h->head += n;
		h->fill = min_t(u32, h->fill + n, TEL_TAP_BYTES);
		from += n;
		len -= n;
	}
}

/* Copy [@pos, @pos + @n) of a history out; @n bytes are in it. */
static void tel_tap_copy(const struct tel_tap_hist *h, u8 *dst, u64 pos, u32 n)
{
	u32 at = pos & (TEL_TAP_BYTES - 1);
	u32 first = min(n, TEL_TAP_BYTES - at);

	memcpy(dst, h->buf + at, first);
	memcpy(dst + first, h->buf, n - first);
}

/*
 * Arm the history of @call: seeded with what the rings still hold stably
 * (received bytes the owner has not read, written ones the card has not
 * taken), its stream positions those of the call's indices since it was
 * bound.  Caller holds card->lock, with the rings' indices synced.
 */
static int tel_tap_arm(struct tel_call *call)
{
	struct tel_card *card = call->card;
	struct tel_tap *tap;

	lockdep_assert_held(&card->lock);
	tap = kzalloc(sizeof(*tap), GFP_KERNEL);
	if (!tap)
		return -ENOMEM;
	tap->dir[0].buf = kmalloc(TEL_TAP_BYTES, GFP_KERNEL);
	tap->dir[1].buf = kmalloc(TEL_TAP_BYTES, GFP_KERNEL);
	if (!tap->dir[0].buf || !tap->dir[1].buf) {
		kfree(tap->dir[0].buf);
		kfree(tap->dir[1].buf);
		kfree(tap);
		return -ENOMEM;
	}
	INIT_LIST_HEAD(&tap->readers);
	card->slab_bytes += tel_perf_slab_size(sizeof(*tap)) +
			    2 * tel_perf_slab_size(TEL_TAP_BYTES);

	spin_lock_irq(&card->bridge_lock);
	tap->dir[0].head = call->pos.rx_tail;
	tap->dir[1].head = call->pos.tx_tail;
	call->tap = tap;
	if (call->ring) {
		tel_tap_feed(call, false, call->pos.rx_tail,
			     call->pos.rx_head - call->pos.rx_tail);
		tel_tap_feed(call, true, call->pos.tx_tail,
			     call->pos.tx_head - call->pos.tx_tail);
	}
	spin_unlock_irq(&card->bridge_lock);
	return 0;
}

/* The call is freed: its history and the readers left on it. */
void tel_tap_free(struct tel_call *call)
{
	struct tel_tap *tap = call->tap;
	struct tel_tap_reader *r, *next;

	lockdep_assert_held(&call->card->lock);
	if (!tap)
		return;
	list_for_each_entry_safe(r, next, &tap->readers, node) {
		list_del(&r->node);
		kfree(r);
	}
	call->card->slab_bytes -= tel_perf_slab_size(sizeof(*tap)) +
				  2 * tel_perf_slab_size(TEL_TAP_BYTES);
	kfree(tap->dir[0].buf);
	kfree(tap->dir[1].buf);
	kfree(tap);
	call->tap = NULL;
}

/*
 * A bridge call begins again on its line (tel_bridge.c): what the history
 * holds is the last call's audio, and goes.  Tap positions go on counting
 * from where they were, so a monitor's own position stays valid (what it
 * had not read of the last call is counted lost).  The readers are kept:
 * a tap running now may still use its reader once it let go of card->lock.
 * Caller holds card->lock; the call is not bound, so no tick feeds it.
 */
void tel_tap_restart(struct tel_call *call)
{
	struct tel_card *card = call->card;

	lockdep_assert_held(&card->lock);
	if (!call->tap)
		return;
	spin_lock_irq(&card->bridge_lock);
	call->tap->dir[0].fill = 0;
	call->tap->dir[1].fill = 0;
	spin_unlock_irq(&card->bridge_lock);
}

/* A file closes: a monitor's positions on every call go. */
void tel_tap_release(struct tel_file *tf)
{
	struct tel_card *card = tf->card;
	struct tel_tap_reader *r, *next;
	struct tel_call *call;

	kfree(tf->tap_buf);
	mutex_destroy(&tf->tap_lock);
	if (!tf->is_monitor)
		return;
	mutex_lock(&card->lock);
	list_for_each_entry(call, &card->calls, node) {
		if (!call->tap)
			continue;
		list_for_each_entry_safe(r, next, &call->tap->readers, node) {
			if (r->tf != tf)
				continue;
			list_del(&r->node);
			kfree(r);
		}
	}
	mutex_unlock(&card->lock);
}

/*
 * May this monitor tap?  CAP_SYS_ADMIN of its opener (judged when it
 * became a monitor), or its opener's credentials (file->f_cred) in the
 * tap_gid group, as fsgid or supplementary group.
 */
static bool tel_tap_privileged(const struct tel_file *tf)
{
	int gid = READ_ONCE(tel_tap_gid);
	const struct cred *cred = tf->monitor_cred;
	kgid_t kgid;
	int i;

	if (tf->monitor_admin)
		return true;
	if (gid < 0)
		return false;
	kgid = make_kgid(&init_user_ns, gid);
	if (!gid_valid(kgid))
		return false;
	if (gid_eq(cred->fsgid, kgid))
		return true;
	for (i = 0; i < cred->group_info->ngroups; i++)
		if (gid_eq(cred->group_info->gid[i], kgid))
			return true;
	return false;
}

static struct tel_tap_reader *tel_tap_reader(struct tel_call *call,
					     struct tel_file *tf, bool *created)
{
	struct tel_tap_reader *r;

	lockdep_assert_held(&call->card->lock);
	*created = false;
	list_for_each_entry(r, &call->tap->readers, node)
		if (r->tf == tf)
			return r;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	r->tf = tf;
	spin_lock_irq(&call->card->bridge_lock);
	r->pos[0] = tel_tap_oldest(&call->tap->dir[0]);
	r->pos[1] = tel_tap_oldest(&call->tap->dir[1]);
	spin_unlock_irq(&call->card->bridge_lock);
	list_add_tail(&r->node, &call->tap->readers);
	*created = true;
	return r;
}

/**
 * tel_ioctl_call_tap() - TEL_IOC_CALL_TAP
 * @tf: the file
 * @uarg: struct tel_call_tap
 *
 * The bytes are copied to a bounce buffer under the call's locks, then to
 * userspace with no lock but the file's tap_lock held; the positions move
 * only once everything reached userspace, so an EFAULT changes nothing.
 *
 * Return: 0; -EPERM for a file that is not a monitor or may not tap,
 * -EINVAL for flags, reserved or output fields set or no direction asked,
 * -ENOENT if the monitor can see no call of that id (never seen, or after
 * DEALLOC), -ENOMEM, -EIO if the card reported an impossible ring index,
 * -EFAULT.
 */
int tel_ioctl_call_tap(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_tap_reader *reader;
	struct tel_call_tap req;
	struct tel_call *call;
	u64 pos[2], lost[2];
	u32 want[2], got[2];
	bool created;
	int d, ret = 0;

	if (tel_file_may_act(tf) || !tel_tap_privileged(tf))
		return -EPERM;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.rx_pos || req.tx_pos || req.rx_lost ||
	    req.tx_lost || req.state ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    (!req.rx_len && !req.tx_len))
		return -EINVAL;
	want[0] = min_t(u32, req.rx_len, TEL_TAP_BYTES);
	want[1] = min_t(u32, req.tx_len, TEL_TAP_BYTES);

	mutex_lock(&tf->tap_lock);
	if (!tf->tap_buf) {
		tf->tap_buf = kmalloc(2 * TEL_TAP_BYTES, GFP_KERNEL);
		if (!tf->tap_buf) {
			ret = -ENOMEM;
			goto out_unlock;
		}
	}
	down_read(&card->hw_rwsem);
	mutex_lock(&card->lock);
	call = tel_monitor_find(card, req.id);
	if (!call || !kref_get_unless_zero(&call->ref)) {
		ret = -ENOENT;
		goto out_card;
	}
	/* the bridge's tick syncs the indices of a call it moves audio for */
	if (tel_call_on_card(call) &&
	    card->channels[call->channel].audio != call)
		ret = tel_ring_sync(card, call, true, false);
	if (!ret && !call->tap)
		ret = tel_tap_arm(call);
	if (ret)
		goto out_put;
	reader = tel_tap_reader(call, tf, &created);
	if (!reader) {
		ret = -ENOMEM;
		goto out_put;
	}
	spin_lock_irq(&card->bridge_lock);
	for (d = 0; d < 2; d++) {
		const struct tel_tap_hist *h = &call->tap->dir[d];
		u64 oldest = tel_tap_oldest(h);

		if (!want[d]) {
			/* a direction not asked for stays where it is */
			pos[d] = reader->pos[d];
			lost[d] = 0;
			got[d] = 0;
			continue;
		}
		pos[d] = max(reader->pos[d], oldest);
		lost[d] = pos[d] - reader->pos[d];
		got[d] = min_t(u64, want[d], h->head - pos[d]);
		tel_tap_copy(h, tf->tap_buf + d * TEL_TAP_BYTES, pos[d], got[d]);
	}
	spin_unlock_irq(&card->bridge_lock);
	req.state = call->info.state;
	mutex_unlock(&card->lock);
	up_read(&card->hw_rwsem);

	req.rx_len = got[0];
	req.tx_len = got[1];
	req.rx_pos = pos[0];
	req.tx_pos = pos[1];
	req.rx_lost = lost[0];
	req.tx_lost = lost[1];
	if ((got[0] && copy_to_user(u64_to_user_ptr(req.rx_buf), tf->tap_buf,
				    got[0])) ||
	    (got[1] && copy_to_user(u64_to_user_ptr(req.tx_buf),
				    tf->tap_buf + TEL_TAP_BYTES, got[1])) ||
	    copy_to_user(uarg, &req, sizeof(req))) {
		ret = -EFAULT;
		if (created) {
			/* not even the start position stays */
			mutex_lock(&card->lock);
			list_del(&reader->node);
			mutex_unlock(&card->lock);
			kfree(reader);
		}
	} else {
		/* only this file's tap_lock guards its positions */
		reader->pos[0] = pos[0] + got[0];
		reader->pos[1] = pos[1] + got[1];
	}
	tel_call_put(call);
	goto out_unlock;

out_put:
	mutex_unlock(&card->lock);
	up_read(&card->hw_rwsem);
	tel_call_put(call);
	goto out_unlock;
out_card:
	mutex_unlock(&card->lock);
	up_read(&card->hw_rwsem);
out_unlock:
	mutex_unlock(&tf->tap_lock);
	return ret;
}
