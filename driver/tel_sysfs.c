// SPDX-License-Identifier: GPL-2.0
/*
 * tel_sysfs.c - /sys/class/tel/telN: identity, live counters, channels
 *
 * Documentation/ABI/testing/sysfs-class-tel describes every file.  The
 * class device and its files go away at removal, before the card's window
 * is unmapped (kernfs waits for readers), so a reader never sees a card
 * without registers; a card that failed keeps its files and says so.
 */
#include <linux/device.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "tel.h"

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

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct tel_card *card = to_tel_card(dev);

	return sysfs_emit(buf, "%s\n",
			  READ_ONCE(card->gone) ? "failed" : "running");
}
static DEVICE_ATTR_RO(state);

/* TEL_IOC_CARD_INFO's feature mask, as names (sysfs-class-tel) */
static ssize_t features_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	static const struct {
		u64 bit;
		const char *name;
	} names[] = {
		{ TEL_FEAT_CALL_LIST, "call_list" },
		{ TEL_FEAT_DIGITS, "digits" },
		{ TEL_FEAT_CALLER_ID, "caller_id" },
		{ TEL_FEAT_FLASH, "flash" },
		{ TEL_FEAT_CALL_PARTY, "call_party" },
		{ TEL_FEAT_HANDOFF, "handoff" },
		{ TEL_FEAT_MONITOR, "monitor" },
		{ TEL_FEAT_TAP, "tap" },
		{ TEL_FEAT_HOLD, "hold" },
		{ TEL_FEAT_REDIRECT, "redirect" },
		{ TEL_FEAT_TRANSFER, "transfer" },
		{ TEL_FEAT_WATERMARK, "watermark" },
		{ TEL_FEAT_CONFERENCE, "conference" },
		{ TEL_FEAT_CONSULT, "consult" },
		{ TEL_FEAT_MMAP, "mmap" },
		{ TEL_FEAT_CONF_PARTY, "conf_party" },
	};
	u64 features = tel_card_features(to_tel_card(dev));
	ssize_t len = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (features & names[i].bit)
			len += sysfs_emit_at(buf, len, "%s%s", len ? " " : "",
					     names[i].name);
		features &= ~names[i].bit;
	}
	/* a bit this table lacks is shown, not lost */
	if (features)
		len += sysfs_emit_at(buf, len, "%s0x%llx", len ? " " : "",
				     features);
	return len + sysfs_emit_at(buf, len, "\n");
}
static DEVICE_ATTR_RO(features);

/**
 * tel_card_counters() - the card's frame totals since it was bound
 * @card: the card; the caller holds card->lock
 * @sum: filled: finished calls' counters plus the bound calls' live ones
 */
void tel_card_counters(struct tel_card *card, struct tel_counters *sum)
{
	struct tel_call_info info;
	struct tel_call *call;

	lockdep_assert_held(&card->lock);
	*sum = card->done;
	list_for_each_entry(call, &card->calls, node) {
		if (!call->bound)
			continue;
		tel_call_fill_info(call, &info);
		sum->rx_frames += info.rx_frames;
		sum->tx_frames += info.tx_frames;
		sum->rx_overruns += info.rx_overruns;
		sum->tx_underruns += info.tx_underruns;
	}
}

enum tel_card_stat {
	TEL_STAT_CALLS,
	TEL_STAT_ACTIVE,
	TEL_STAT_DROPPED,
	TEL_STAT_DMA,
	TEL_STAT_RX_FRAMES,
	TEL_STAT_TX_FRAMES,
	TEL_STAT_RX_OVERRUNS,
	TEL_STAT_TX_UNDERRUNS,
};

static u64 tel_card_stat(struct tel_card *card, enum tel_card_stat which)
{
	struct tel_counters sum;
	struct tel_call *call;
	u64 n = 0;

	mutex_lock(&card->lock);
	switch (which) {
	case TEL_STAT_CALLS:
		n = card->nr_calls;
		break;
	case TEL_STAT_ACTIVE:
	case TEL_STAT_DROPPED:
		list_for_each_entry(call, &card->calls, node)
			n += call->info.state == TEL_CALL_IDLE;
		if (which == TEL_STAT_ACTIVE)
			n = card->nr_calls - n;
		break;
	case TEL_STAT_DMA:
		n = card->dma_bytes;
		break;
	default:
		tel_card_counters(card, &sum);
		n = which == TEL_STAT_RX_FRAMES ? sum.rx_frames :
		    which == TEL_STAT_TX_FRAMES ? sum.tx_frames :
		    which == TEL_STAT_RX_OVERRUNS ? sum.rx_overruns :
		    sum.tx_underruns;
		break;
	}
	mutex_unlock(&card->lock);
	return n;
}

#define TEL_STAT_ATTR(name, which)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n",				\
			  tel_card_stat(to_tel_card(dev), which));	\
}									\
static DEVICE_ATTR_RO(name)

TEL_STAT_ATTR(calls, TEL_STAT_CALLS);
TEL_STAT_ATTR(active_calls, TEL_STAT_ACTIVE);
TEL_STAT_ATTR(dropped_calls, TEL_STAT_DROPPED);
TEL_STAT_ATTR(dma_bytes, TEL_STAT_DMA);
TEL_STAT_ATTR(rx_frames, TEL_STAT_RX_FRAMES);
TEL_STAT_ATTR(tx_frames, TEL_STAT_TX_FRAMES);
TEL_STAT_ATTR(rx_overruns, TEL_STAT_RX_OVERRUNS);
TEL_STAT_ATTR(tx_underruns, TEL_STAT_TX_UNDERRUNS);

static ssize_t interrupts_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%ld\n",
			  atomic_long_read(&to_tel_card(dev)->irqs));
}
static DEVICE_ATTR_RO(interrupts);

static ssize_t card_errors_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%ld\n",
			  atomic_long_read(&to_tel_card(dev)->card_errors));
}
static DEVICE_ATTR_RO(card_errors);

static ssize_t missed_ticks_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct tel_card *card = to_tel_card(dev);
	u32 n = 0;

	mutex_lock(&card->lock);
	if (!card->gone)
		n = tel_win_read(card, TEL_STATUS_MISSED);
	mutex_unlock(&card->lock);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(missed_ticks);

static struct attribute *tel_card_attrs[] = {
	&dev_attr_model.attr,
	&dev_attr_firmware.attr,
	&dev_attr_serial.attr,
	&dev_attr_channels.attr,
	&dev_attr_state.attr,
	&dev_attr_features.attr,
	&dev_attr_calls.attr,
	&dev_attr_active_calls.attr,
	&dev_attr_dropped_calls.attr,
	&dev_attr_dma_bytes.attr,
	&dev_attr_rx_frames.attr,
	&dev_attr_tx_frames.attr,
	&dev_attr_rx_overruns.attr,
	&dev_attr_tx_underruns.attr,
	&dev_attr_interrupts.attr,
	&dev_attr_missed_ticks.attr,
	&dev_attr_card_errors.attr,
	NULL,
};

static const struct attribute_group tel_card_group = {
	.attrs = tel_card_attrs,
};

const struct attribute_group *tel_card_groups[] = {
	&tel_card_group,
	NULL,
};

/* ---- per channel: /sys/class/tel/telN/chM/ ---- */

enum tel_ch_attr { TEL_CH_A_STATE, TEL_CH_A_HOOK, TEL_CH_A_HELD,
		   TEL_CH_A_OWNER, TEL_CH_A_HOLDER, TEL_CH_NR_ATTRS };

static const char * const tel_ch_attr_names[TEL_CH_NR_ATTRS] = {
	"state", "hook", "held", "owner_pid", "holder",
};

struct tel_ch_sysfs {
	struct dev_ext_attribute attrs[TEL_CH_NR_ATTRS];
	struct attribute *ptrs[TEL_CH_NR_ATTRS + 1];
	struct attribute_group group;
	char name[16];
};

static const char *tel_chst_name(u32 chst)
{
	switch (chst) {
	case TEL_CHST_IDLE:
		return "idle";
	case TEL_CHST_DIALING:
		return "dialing";
	case TEL_CHST_RINGBACK:
	case TEL_CHST_OFFERING:
		return "ringing";
	case TEL_CHST_CONNECTED:
		return "connected";
	case TEL_CHST_DISCONNECTED:
		return "disconnected";
	case TEL_CHST_HELD:
		return "held";
	case TEL_CHST_CONF:
		return "conference";
	default:
		return "unknown";	/* not a state: the card is wrong */
	}
}

/* Each channel file's dev_ext_attribute carries (channel << 4 | kind). */
#define TEL_CH_VAR(ch, kind)	((void *)(uintptr_t)((ch) << 4 | (kind)))

static ssize_t tel_ch_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	uintptr_t var = (uintptr_t)container_of(attr, struct dev_ext_attribute,
						attr)->var;
	struct tel_card *card = to_tel_card(dev);
	u32 ch = var >> 4, chst;
	struct tel_call *call;
	ssize_t ret;
	int hook;

	mutex_lock(&card->lock);
	call = card->channels[ch].call;
	if (!card->gone) {
		chst = tel_win_read(card, tel_ch_off(ch, TEL_CH_STATE));
		/* checked, and counted if impossible, by the file that shows it */
		hook = (var & 0xf) == TEL_CH_A_HOOK ? tel_hw_hook(card, ch) : 0;
	} else {
		/* a failed card: what the driver last knew */
		chst = call ? TEL_CHST_DISCONNECTED : TEL_CHST_IDLE;
		hook = 0;
	}
	switch (var & 0xf) {
	case TEL_CH_A_STATE:
		ret = sysfs_emit(buf, "%s\n", tel_chst_name(chst));
		break;
	case TEL_CH_A_HOOK:
		ret = sysfs_emit(buf, "%s\n", hook < 0 ? "unknown" :
						 hook ? "off" : "on");
		break;
	case TEL_CH_A_HELD:
		ret = sysfs_emit(buf, "%d\n", !!call);
		break;
	case TEL_CH_A_HOLDER:
		ret = sysfs_emit(buf, "%s\n",
				 call && call->owner ? call->owner->name : "none");
		break;
	default:
		ret = sysfs_emit(buf, "%d\n",
				 call ? pid_vnr(call->owner_pid) : -1);
		break;
	}
	mutex_unlock(&card->lock);
	return ret;
}

/* Build one chM/ group per channel; card->dev.groups points at them. */
int tel_sysfs_init_channels(struct tel_card *card)
{
	struct tel_ch_sysfs *chs;
	u32 ch;
	int i;

	card->ch_groups = kcalloc(card->nr_channels + 2,
				  sizeof(*card->ch_groups), GFP_KERNEL);
	if (!card->ch_groups)
		return -ENOMEM;
	card->ch_groups[0] = &tel_card_group;
	for (ch = 0; ch < card->nr_channels; ch++) {
		chs = kzalloc(sizeof(*chs), GFP_KERNEL);
		if (!chs) {
			tel_sysfs_free_channels(card);
			return -ENOMEM;
		}
		snprintf(chs->name, sizeof(chs->name), "ch%u", ch);
		for (i = 0; i < TEL_CH_NR_ATTRS; i++) {
			struct device_attribute *da = &chs->attrs[i].attr;

			sysfs_attr_init(&da->attr);
			da->attr.name = tel_ch_attr_names[i];
			da->attr.mode = 0444;
			da->show = tel_ch_show;
			chs->attrs[i].var = TEL_CH_VAR(ch, i);
			chs->ptrs[i] = &da->attr;
		}
		chs->group.name = chs->name;
		chs->group.attrs = chs->ptrs;
		card->ch_groups[ch + 1] = &chs->group;
	}
	card->dev.groups = card->ch_groups;
	return 0;
}

void tel_sysfs_free_channels(struct tel_card *card)
{
	u32 ch;

	if (!card->ch_groups)
		return;
	for (ch = 0; ch < card->nr_channels && card->ch_groups[ch + 1]; ch++)
		kfree(container_of(card->ch_groups[ch + 1],
				   struct tel_ch_sysfs, group));
	kfree(card->ch_groups);
	card->ch_groups = NULL;
}
