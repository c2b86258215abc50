// SPDX-License-Identifier: GPL-2.0
/*
 * tel_main.c - module entry, the tel class, /dev/telN registration
 */
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "tel.h"

unsigned int tel_max_dropped = 128;
module_param_named(max_dropped, tel_max_dropped, uint, 0644);
MODULE_PARM_DESC(max_dropped,
		 "dropped calls one open file may keep before DEALLOC; more ALLOC/ANSWER answer EDQUOT (default 128)");

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
	kfree(card->channels);
	kfree(card);
}

/* Set up the class device; from then on put_device() frees the card. */
void tel_card_init_device(struct tel_card *card, struct device *parent)
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

static int __init tel_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&tel_devt, 0, TEL_MAX_CARDS, "tel");
	if (ret)
		return ret;
	ret = class_register(&tel_class);
	if (ret)
		goto err_unregister_chrdev;
	ret = tel_proc_init();
	if (ret)
		goto err_unregister_class;
	tel_debugfs_init();
	ret = pci_register_driver(&tel_pci_driver);
	if (ret)
		goto err_proc_exit;
	return 0;

err_proc_exit:
	tel_debugfs_exit();
	tel_proc_exit();
err_unregister_class:
	class_unregister(&tel_class);
err_unregister_chrdev:
	unregister_chrdev_region(tel_devt, TEL_MAX_CARDS);
	return ret;
}

static void __exit tel_exit(void)
{
	pci_unregister_driver(&tel_pci_driver);
	tel_debugfs_exit();
	tel_proc_exit();
	class_unregister(&tel_class);
	unregister_chrdev_region(tel_devt, TEL_MAX_CARDS);
	ida_destroy(&tel_ida);
}

module_init(tel_init);
module_exit(tel_exit);

MODULE_DESCRIPTION("tel telephony card: calls with DMA-backed audio, TAPI-style drop and deallocate");
MODULE_AUTHOR("The tel developers");
MODULE_LICENSE("GPL");
