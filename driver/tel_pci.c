// SPDX-License-Identifier: GPL-2.0
/*
 * tel_pci.c - binding to the card: probe, identity, interrupts, removal
 * (the card's life itself is in tel_card.c)
 *
 * The card sits behind QEMU's generic ivshmem-doorbell function, whose PCI
 * id says nothing about what is behind it.  We claim a function only when
 * its memory window carries TEL_MAGIC and a version we speak, and leave
 * every other ivshmem device alone.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tel.h"

#define PCI_VENDOR_ID_IVSHMEM	0x1af4
#define PCI_DEVICE_ID_IVSHMEM	0x1110

static irqreturn_t tel_irq_command(int irq, void *data)
{
	struct tel_card *card = data;

	/* where the mailbox's time splits: the card's, then the wake-up's */
	if (static_branch_unlikely(&tel_ctl_acct_on))
		WRITE_ONCE(card->perf.cmd_irq_ns, ktime_get_ns());
	atomic_long_inc(&card->irqs);
	wake_up(&card->cmd_wq);
	return IRQ_HANDLED;
}

static irqreturn_t tel_irq_event_thread(int irq, void *data)
{
	struct tel_card *card = data;

	atomic_long_inc(&card->irqs);
	tel_hw_events(card);
	return IRQ_HANDLED;
}

static irqreturn_t tel_irq_tick(int irq, void *data)
{
	tel_card_tick(data);
	return IRQ_HANDLED;
}

static void tel_read_id_string(struct tel_card *card, u32 off, char *dst)
{
	memcpy_fromio(dst, card->win + off, TEL_ID_STR_LEN);
	dst[TEL_ID_STR_LEN - 1] = '\0';
}

/* Is this ivshmem function one of our cards?  Fills in the identity. */
static int tel_identify(struct pci_dev *pdev, struct tel_card *card)
{
	char magic[TEL_MAGIC_LEN];
	u32 version;

	memcpy_fromio(magic, card->win + TEL_ID_MAGIC, sizeof(magic));
	if (memcmp(magic, TEL_MAGIC, TEL_MAGIC_LEN))
		return -ENODEV;
	version = tel_win_read(card, TEL_ID_VERSION);
	if (version != TEL_VERSION) {
		dev_info(&pdev->dev, "tel card interface version %u not supported\n",
			 version);
		return -ENODEV;
	}
	card->nr_channels = tel_win_read(card, TEL_ID_CHANNELS);
	if (!card->nr_channels || card->nr_channels > TEL_MAX_CHANNELS ||
	    tel_win_read(card, TEL_ID_FRAME_SAMPLES) != TEL_FRAME_BYTES ||
	    !(tel_win_read(card, TEL_ID_CAPS) & TEL_CAP_G711) ||
	    !(tel_win_read(card, TEL_STATUS) & TEL_STATUS_READY)) {
		dev_err(&pdev->dev, "tel card identity block is inconsistent\n");
		return -ENODEV;
	}
	card->caps = tel_win_read(card, TEL_ID_CAPS);
	if (card->caps & TEL_CAP_CONFERENCE) {
		/* a limit that makes no conference is no capability */
		card->conf_members = tel_win_read(card, TEL_ID_CONF_MEMBERS);
		if (card->conf_members < 3 ||
		    card->conf_members > TEL_MAX_CHANNELS) {
			dev_warn(&pdev->dev, "tel card conference of %u members: no conference\n",
				 card->conf_members);
			card->caps &= ~TEL_CAP_CONFERENCE;
			card->conf_members = 0;
		}
	}
	/* a port is a party of a conference: none without conferences */
	if (!(card->caps & TEL_CAP_CONFERENCE))
		card->caps &= ~TEL_CAP_CONF_PORT;
	card->doorbell_peer = tel_win_read(card, TEL_ID_DOORBELL_PEER);
	tel_read_id_string(card, TEL_ID_MODEL, card->model);
	tel_read_id_string(card, TEL_ID_FIRMWARE, card->firmware);
	tel_read_id_string(card, TEL_ID_SERIAL, card->serial);
	return 0;
}

static int tel_request_irqs(struct pci_dev *pdev, struct tel_card *card)
{
	int ret;

	ret = pci_alloc_irq_vectors(pdev, TEL_NR_IRQS, TEL_NR_IRQS,
				    PCI_IRQ_MSIX);
	if (ret < 0)
		return ret;
	ret = request_irq(pci_irq_vector(pdev, TEL_IRQ_COMMAND),
			  tel_irq_command, 0, "tel-command", card);
	if (ret)
		goto err_free_vectors;
	ret = request_threaded_irq(pci_irq_vector(pdev, TEL_IRQ_EVENT), NULL,
				   tel_irq_event_thread, IRQF_ONESHOT,
				   "tel-event", card);
	if (ret)
		goto err_free_command;
	ret = request_irq(pci_irq_vector(pdev, TEL_IRQ_TICK), tel_irq_tick, 0,
			  "tel-tick", card);
	if (ret)
		goto err_free_event;
	return 0;

err_free_event:
	free_irq(pci_irq_vector(pdev, TEL_IRQ_EVENT), card);
err_free_command:
	free_irq(pci_irq_vector(pdev, TEL_IRQ_COMMAND), card);
err_free_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

static void tel_free_irqs(struct pci_dev *pdev, struct tel_card *card)
{
	free_irq(pci_irq_vector(pdev, TEL_IRQ_TICK), card);
	free_irq(pci_irq_vector(pdev, TEL_IRQ_EVENT), card);
	free_irq(pci_irq_vector(pdev, TEL_IRQ_COMMAND), card);
	pci_free_irq_vectors(pdev);
}

static int tel_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct tel_card *card;
	int ret;

	if (!(pci_resource_flags(pdev, 2) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, 2) < TEL_WIN_SIZE)
		return -ENODEV;

	card = tel_card_alloc(pdev);
	if (!card)
		return -ENOMEM;

	ret = pci_enable_device(pdev);
	if (ret)
		goto err_put_card;
	ret = pci_request_regions(pdev, KBUILD_MODNAME);
	if (ret)
		goto err_disable;
	card->win = pci_iomap(pdev, 2, TEL_WIN_SIZE);
	if (!card->win) {
		ret = -ENOMEM;
		goto err_release_regions;
	}
	card->regs = pci_iomap(pdev, 0, 0);
	if (!card->regs) {
		ret = -ENOMEM;
		goto err_unmap_win;
	}
	ret = tel_identify(pdev, card);
	if (ret)
		goto err_unmap_regs;	/* not ours: leave it alone */

	card->channels = kcalloc(card->nr_channels, sizeof(*card->channels),
				 GFP_KERNEL);
	if (!card->channels) {
		ret = -ENOMEM;
		goto err_unmap_regs;
	}
	ret = tel_sysfs_init_channels(card);
	if (ret)
		goto err_unmap_regs;
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_unmap_regs;
	pci_set_master(pdev);

	ret = tel_request_irqs(pdev, card);
	if (ret)
		goto err_clear_master;
	ret = tel_card_start(card);
	if (ret)
		goto err_stop;
	ret = tel_card_register(card);
	if (ret)
		goto err_stop;

	pci_set_drvdata(pdev, card);
	dev_info(&card->dev, "%s firmware %s serial %s, %u channels\n",
		 card->model, card->firmware, card->serial, card->nr_channels);
	tel_card_added(card);
	return 0;

err_stop:
	tel_card_stop(card);
	tel_free_irqs(pdev, card);
err_clear_master:
	pci_clear_master(pdev);
err_unmap_regs:
	pci_iounmap(pdev, card->regs);
err_unmap_win:
	pci_iounmap(pdev, card->win);
err_release_regions:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_put_card:
	put_device(&card->dev);
	return ret;
}

/*
 * Removal, in this order: no new opens; every call ended and its rings
 * moved out of DMA memory (while the card can still be told to stop);
 * then the interrupts, the mappings and the device.  Open files keep the
 * card structure; they see ENODEV for everything that needs the card.
 */
static void tel_pci_remove(struct pci_dev *pdev)
{
	struct tel_card *card = pci_get_drvdata(pdev);

	/* the bridge hangs up its channels while the card still answers */
	tel_card_removing(card);
	tel_card_unregister(card);
	tel_card_shutdown(card, TEL_GONE_REMOVED);
	tel_card_stop(card);
	tel_free_irqs(pdev, card);
	pci_iounmap(pdev, card->regs);
	pci_iounmap(pdev, card->win);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	put_device(&card->dev);
}

static const struct pci_device_id tel_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_IVSHMEM, PCI_DEVICE_ID_IVSHMEM) },
	{ }
};
MODULE_DEVICE_TABLE(pci, tel_pci_ids);

struct pci_driver tel_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = tel_pci_ids,
	.probe = tel_pci_probe,
	.remove = tel_pci_remove,
};
