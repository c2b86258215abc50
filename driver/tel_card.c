// SPDX-License-Identifier: GPL-2.0
/*
 * tel_card.c - a card's life: allocation, registration as /dev/telN and
 * /sys/class/tel/telN, start, the heartbeat watchdog, the tick, and the
 * end, whether it is removed or fails (tel_card_shutdown()).
 *
 * The PCI side (probe, interrupts, identity) is in tel_pci.c, the card's
 * mailbox and event queue in tel_hw.c; both call in here.  What uses a
 * card (the open files, the DAHDI bridge) hears of it through the call
 * core's owner interface (tel.h, struct tel_owner_ops), and the bridge is
 * attached and detached here, once the card works and before it goes.
 */
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "tel.h"
#include "tel_bridge.h"

#define TEL_WATCHDOG_MS		100

static unsigned int tel_stall_ms = 1000;
module_param_named(stall_ms, tel_stall_ms, uint, 0644);
MODULE_PARM_DESC(stall_ms,
		 "ms without a frame tick before the card is declared failed (default 1000)");

static unsigned int tel_tick_irq = 1;
module_param_named(tick_irq, tel_tick_irq, uint, 0444);
MODULE_PARM_DESC(tick_irq,
		 "frame ticks per tick interrupt while calls are connected (default 1: every 1 ms)");

/* Every card that still exists, removed or not: /proc lists their calls. */
LIST_HEAD(tel_cards);
DEFINE_MUTEX(tel_cards_lock);	/* tel_cards */

static dev_t tel_devt;
static DEFINE_IDA(tel_ida);

static struct class tel_class = {
	.name = "tel",
};

static void tel_card_release(struct device *dev)
{
	struct tel_card *card = to_tel_card(dev);

	mutex_lock(&tel_cards_lock);
	if (!list_empty(&card->node))
		list_del(&card->node);
	mutex_unlock(&tel_cards_lock);
	tel_sysfs_free_channels(card);
	mutex_destroy(&card->lock);
	mutex_destroy(&card->evq_lock);
	mutex_destroy(&card->cmd_lock);
	xa_destroy(&card->call_ids);
	xa_destroy(&card->maps);
	kfree(card->channels);
	kfree(card);
}

/* The tel class and the /dev/telN numbers, at module load and unload. */
int tel_cards_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&tel_devt, 0, TEL_MAX_CARDS, "tel");
	if (ret)
		return ret;
	ret = class_register(&tel_class);
	if (ret)
		unregister_chrdev_region(tel_devt, TEL_MAX_CARDS);
	return ret;
}

void tel_cards_exit(void)
{
	class_unregister(&tel_class);
	unregister_chrdev_region(tel_devt, TEL_MAX_CARDS);
	ida_destroy(&tel_ida);
}

/* Set up the class device; from then on put_device() frees the card. */
static void tel_card_init_device(struct tel_card *card, struct device *parent)
{
	device_initialize(&card->dev);
	card->dev.class = &tel_class;
	card->dev.parent = parent;
	card->dev.groups = tel_card_groups;
	card->dev.release = tel_card_release;
	card->index = -1;
	INIT_LIST_HEAD(&card->node);
}

/* Give a started card its number, /dev/telN and /sys/class/tel/telN. */
int tel_card_register(struct tel_card *card)
{
	int ret;

	ret = ida_alloc_max(&tel_ida, TEL_MAX_CARDS - 1, GFP_KERNEL);
	if (ret < 0)
		return ret;
	card->index = ret;
	card->dev.devt = MKDEV(MAJOR(tel_devt), card->index);
	ret = dev_set_name(&card->dev, "tel%d", card->index);
	if (ret)
		goto err_free_index;

	cdev_init(&card->cdev, &tel_fops);
	card->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&card->cdev, &card->dev);
	if (ret)
		goto err_free_index;

	mutex_lock(&tel_cards_lock);
	list_add_tail(&card->node, &tel_cards);
	mutex_unlock(&tel_cards_lock);
	return 0;

err_free_index:
	ida_free(&tel_ida, card->index);
	card->index = -1;
	return ret;
}

/* No new opens; the card lives on while files are open. */
void tel_card_unregister(struct tel_card *card)
{
	cdev_device_del(&card->cdev, &card->dev);
	ida_free(&tel_ida, card->index);
}

static void tel_watchdog(struct work_struct *work)
{
	struct tel_card *card = container_of(to_delayed_work(work),
					     struct tel_card, watchdog);
	u32 ticks = tel_win_read(card, TEL_STATUS_TICKS);

	if (ticks != card->last_ticks) {
		card->last_ticks = ticks;
		card->stalled_ms = 0;
	} else {
		card->stalled_ms += TEL_WATCHDOG_MS;
	}
	if (card->stalled_ms >= tel_stall_ms) {
		dev_err(&card->dev, "no frame tick for %u ms: card failed\n",
			card->stalled_ms);
		tel_card_fail(card);
		return;
	}
	schedule_delayed_work(&card->watchdog,
			      msecs_to_jiffies(TEL_WATCHDOG_MS));
}

static void tel_fail_work(struct work_struct *work)
{
	tel_card_shutdown(container_of(work, struct tel_card, fail_work),
			  TEL_GONE_FAILED);
}

struct tel_card *tel_card_alloc(struct pci_dev *pdev)
{
	struct tel_card *card = kzalloc(sizeof(*card), GFP_KERNEL);

	if (!card)
		return NULL;
	card->pdev = pdev;
	init_rwsem(&card->hw_rwsem);
	mutex_init(&card->cmd_lock);
	init_waitqueue_head(&card->cmd_wq);
	mutex_init(&card->evq_lock);
	init_waitqueue_head(&card->audio_wq);
	mutex_init(&card->lock);
	spin_lock_init(&card->bridge_lock);
	INIT_LIST_HEAD(&card->calls);
	INIT_LIST_HEAD(&card->owners);
	INIT_LIST_HEAD(&card->monitors);
	xa_init_flags(&card->call_ids, XA_FLAGS_ALLOC1);
	tel_card_wm_init(card);
	tel_card_map_init(card);
	tel_bridge_card_init(card);
	INIT_WORK(&card->fail_work, tel_fail_work);
	INIT_DELAYED_WORK(&card->watchdog, tel_watchdog);
	/* from here on the card is freed by put_device() */
	tel_card_init_device(card, &pdev->dev);
	return card;
}

/* Start the card: events from now on, every channel on hook. */
int tel_card_start(struct tel_card *card)
{
	int ret;

	card->evq_tail = tel_win_read(card, TEL_EVQ_HEAD);
	card->evq_lost = tel_win_read(card, TEL_STATUS_EVQ_LOST);
	card->cmd_seq = tel_win_read(card, TEL_CMD_DONE_SEQ);
	tel_win_write(card, TEL_CTRL_EVQ_TAIL, card->evq_tail);
	tel_win_write(card, TEL_CTRL_TICK_IRQ, tel_tick_irq);

	/*
	 * RESET before ENABLE.  A card a driver gave up on (failed, or the
	 * module unloaded under a stalled card) may still have channels
	 * connected, with the addresses of rings freed since and perhaps
	 * reused: with ENABLE set it would move a frame into that memory
	 * on its next tick.  Without ENABLE it does no DMA and raises no
	 * interrupt, but completes commands: this one is polled.
	 */
	down_read(&card->hw_rwsem);
	card->cmd_polled = true;
	ret = tel_hw_command(card, TEL_OP_RESET, 0, 0, NULL, NULL);
	card->cmd_polled = false;
	up_read(&card->hw_rwsem);
	if (ret)
		return ret;
	tel_win_write(card, TEL_CTRL, TEL_CTRL_ENABLE);
	card->last_ticks = tel_win_read(card, TEL_STATUS_TICKS);
	schedule_delayed_work(&card->watchdog,
			      msecs_to_jiffies(TEL_WATCHDOG_MS));
	return 0;
}

void tel_card_stop(struct tel_card *card)
{
	cancel_delayed_work_sync(&card->watchdog);
	cancel_work_sync(&card->fail_work);
	tel_win_write(card, TEL_CTRL, 0);
}

/*
 * Probe is done: the card works and is registered.  Its debugfs files
 * appear, and the bridge, if one is registered, is attached.
 */
void tel_card_added(struct tel_card *card)
{
	tel_perf_card_add(card);
	tel_bridge_card_added(card);
}

/*
 * Removal, first thing: the bridge lets go while the card still answers,
 * and the debugfs files go.
 */
void tel_card_removing(struct tel_card *card)
{
	tel_bridge_card_removed(card);
	tel_perf_card_remove(card);
}

/*
 * The card's tick interrupt (hard interrupt context): run the bridge's
 * clock, if one is attached, report the armed calls due now, and wake the
 * audio readers.
 */
void tel_card_tick(struct tel_card *card)
{
	u64 begin = tel_perf_tick_begin(card,
					(u32)atomic_read(&card->audio_gen) + 1);

	atomic_long_inc(&card->irqs);
	/* DAHDI's clock runs here, in hard interrupt context, as its drivers' */
	tel_bridge_tick(card);
	tel_card_wm_tick(card);
	atomic_inc(&card->audio_gen);
	wake_up_interruptible(&card->audio_wq);
	tel_perf_tick_end(card, begin);
}

/* Tell every owner of calls on the card.  Caller holds card->lock. */
void tel_card_broadcast(struct tel_card *card, const struct tel_event *ev)
{
	struct tel_owner *owner;

	lockdep_assert_held(&card->lock);
	list_for_each_entry(owner, &card->owners, node)
		owner->ops->card_event(owner, ev);
}

/*
 * Move a call's rings out of DMA memory.  Caller holds card->lock, the
 * card no longer touches the rings.  If the copy cannot be allocated the
 * audio not yet read is lost (and said so); the record is not.
 */
static void tel_call_migrate_ring(struct tel_call *call)
{
	struct tel_card *card = call->card;
	void *copy;

	lockdep_assert_held(&card->lock);
	if (!call->ring_is_dma)
		return;
	copy = tel_should_fail() ? NULL :
	       kmemdup(call->ring, TEL_CALL_DMA_BYTES, GFP_KERNEL);
	if (!copy)
		dev_warn(&card->dev, "call %u: received audio lost on removal\n",
			 call->handle);
	tel_call_release_ring(call);
	call->ring = copy;
	if (copy)
		card->slab_bytes += tel_perf_slab_size(TEL_CALL_DMA_BYTES);
	else
		call->pos.rx_tail = call->pos.rx_head;
}

/**
 * tel_card_shutdown() - the card is gone: end every call, free all DMA
 * @card: the card
 * @why: TEL_GONE_REMOVED from the PCI remove callback, TEL_GONE_FAILED
 *	from the failure work
 *
 * Every live call becomes DISCONNECTED with origin HARDWARE and mode
 * OUTOFORDER; every file gets TEL_EVENT_CARD_GONE.  Handles stay valid:
 * INFO, READ, DROP and DEALLOC keep working, everything else answers
 * ENODEV.  Idempotent.
 */
void tel_card_shutdown(struct tel_card *card, enum tel_gone_reason why)
{
	struct tel_event ev = { .type = TEL_EVENT_CARD_GONE };
	struct tel_call *call;
	u32 ch;

	cancel_delayed_work_sync(&card->watchdog);
	down_write(&card->hw_rwsem);
	if (card->gone) {
		up_write(&card->hw_rwsem);
		return;
	}
	/* A card that still answers stops all DMA; a failed one may not. */
	if (why == TEL_GONE_REMOVED)
		tel_hw_command(card, TEL_OP_RESET, 0, 0, NULL, NULL);
	mutex_lock(&card->lock);
	card->gone = why;
	/* no DMA from here on, whether or not the RESET was obeyed */
	tel_win_write(card, TEL_CTRL, 0);
	pci_clear_master(card->pdev);
	ev.timestamp_ns = tel_now_ns();

	/*
	 * Each owner hears its calls end before their rings are unbound and
	 * moved (the bridge stops its tick from touching them), and, once
	 * all have, the card go: CARD_GONE is the last event of a card.
	 */
	list_for_each_entry(call, &card->calls, node) {
		if (call->info.state != TEL_CALL_IDLE)
			tel_call_set_state(call, TEL_CALL_DISCONNECTED,
					   TEL_ORIGIN_HARDWARE,
					   TEL_DISC_OUTOFORDER);
		tel_call_unbind(call);
		tel_call_migrate_ring(call);
	}
	for (ch = 0; ch < card->nr_channels; ch++)
		card->channels[ch].offered = false;
	tel_card_broadcast(card, &ev);
	mutex_unlock(&card->lock);
	up_write(&card->hw_rwsem);

	atomic_inc(&card->audio_gen);
	wake_up_interruptible_all(&card->audio_wq);
	dev_info(&card->dev, "card %s\n",
		 why == TEL_GONE_REMOVED ? "removed" : "failed");
}

/*
 * The card stopped answering, or can no longer be trusted.  Any context
 * (also the tick interrupt), while the card is bound: no DMA and no
 * interrupt from it from now on (its rings may be freed soon, and what
 * it says of them is not believed), then the shutdown, from a work item.
 */
void tel_card_fail(struct tel_card *card)
{
	tel_win_write(card, TEL_CTRL, 0);
	pci_clear_master(card->pdev);
	schedule_work(&card->fail_work);
}
