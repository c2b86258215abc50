// SPDX-License-Identifier: GPL-2.0
/*
 * tel_main.c - module entry, the tel class, /dev/telN and sysfs identity
 */
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "tel.h"

unsigned int tel_max_dropped = 128;
module_param_named(max_dropped, tel_max_dropped, uint, 0644);
MODULE_PARM_DESC(max_dropped,
		 "dropped calls one open file may keep before DEALLOC; more ALLOC/ANSWER answer EDQUOT (default 128)");

static dev_t tel_devt;
static DEFINE_IDA(tel_ida);

static struct class tel_class = {
	.name = "tel",
};

static struct tel_card *to_tel_card(struct device *dev)
{
	return container_of(dev, struct tel_card, dev);
}

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", to_tel_card(dev)->model);
}
static DEVICE_ATTR_RO(model);

static ssize_t firmware_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_tel_card(dev)->firmware);
}
static DEVICE_ATTR_RO(firmware);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", to_tel_card(dev)->serial);
}
static DEVICE_ATTR_RO(serial);

static ssize_t channels_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_tel_card(dev)->nr_channels);
}
static DEVICE_ATTR_RO(channels);

static ssize_t calls_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct tel_card *card = to_tel_card(dev);
	unsigned int n;

	mutex_lock(&card->lock);
	n = card->nr_calls;
	mutex_unlock(&card->lock);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(calls);

static ssize_t dma_bytes_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct tel_card *card = to_tel_card(dev);
	unsigned long n;

	mutex_lock(&card->lock);
	n = card->dma_bytes;
	mutex_unlock(&card->lock);
	return sysfs_emit(buf, "%lu\n", n);
}
static DEVICE_ATTR_RO(dma_bytes);

static ssize_t interrupts_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%ld\n",
			  atomic_long_read(&to_tel_card(dev)->irqs));
}
static DEVICE_ATTR_RO(interrupts);

static struct attribute *tel_card_attrs[] = {
	&dev_attr_model.attr,
	&dev_attr_firmware.attr,
	&dev_attr_serial.attr,
	&dev_attr_channels.attr,
	&dev_attr_calls.attr,
	&dev_attr_dma_bytes.attr,
	&dev_attr_interrupts.attr,
	NULL,
};

static const struct attribute_group tel_card_group = {
	.attrs = tel_card_attrs,
};

const struct attribute_group *tel_card_groups[] = {
	&tel_card_group,
	NULL,
};

static void tel_card_release(struct device *dev)
{
	struct tel_card *card = to_tel_card(dev);

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
	ret = pci_register_driver(&tel_pci_driver);
	if (ret)
		goto err_unregister_class;
	return 0;

err_unregister_class:
	class_unregister(&tel_class);
err_unregister_chrdev:
	unregister_chrdev_region(tel_devt, TEL_MAX_CARDS);
	return ret;
}

static void __exit tel_exit(void)
{
	pci_unregister_driver(&tel_pci_driver);
	class_unregister(&tel_class);
	unregister_chrdev_region(tel_devt, TEL_MAX_CARDS);
	ida_destroy(&tel_ida);
}

module_init(tel_init);
module_exit(tel_exit);

MODULE_DESCRIPTION("tel telephony card: calls with DMA-backed audio, TAPI-style drop and deallocate");
MODULE_AUTHOR("The tel developers");
MODULE_LICENSE("GPL");
