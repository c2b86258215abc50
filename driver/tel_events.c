// SPDX-License-Identifier: GPL-2.0
/*
 * tel_events.c - per-file event queues
 *
 * A queue that is full never holds up the card or the other files: the
 * event is counted as lost, and once the reader has drained what was
 * queued it gets one TEL_EVENT_OVERFLOW record carrying the count.  The
 * records queued before the loss come first, so the order of what the
 * reader sees is the order things happened.
 */
#include <linux/poll.h>
#include <linux/spinlock.h>

#include "tel.h"

void tel_file_event(struct tel_file *tf, const struct tel_event *ev)
{
	struct tel_event e = *ev;

	spin_lock(&tf->ev_lock);
	e.seq = tf->ev_seq++;
	if (tf->ev_lost || !kfifo_put(&tf->events, e))
		tf->ev_lost++;
	if (e.type == TEL_EVENT_CARD_GONE)
		tf->gone = true;
	spin_unlock(&tf->ev_lock);
	wake_up_interruptible_poll(&tf->ev_wq, EPOLLIN | EPOLLRDNORM);
}

/* Caller holds card->lock. */
void tel_card_broadcast(struct tel_card *card, const struct tel_event *ev)
{
	struct tel_file *tf;

	lockdep_assert_held(&card->lock);
	list_for_each_entry(tf, &card->files, node)
		tel_file_event(tf, ev);
}
