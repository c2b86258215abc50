/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tel_bridge.h - what tel.ko offers a telephony stack living in another
 * module (tel_dahdi.ko, the DAHDI bridge): the card's channels as lines it
 * can hold, take off hook and put back on hook, and the card's frame clock
 * to move their audio.
 *
 * A channel the bridge holds is held by a "bridge call": a struct tel_call
 * with no owner file, created when the bridge claims the channel and kept
 * until it releases it.  So the one-user-per-channel rule, the DMA rings,
 * the record and the removal path are the same as for a /dev/telN call:
 * TEL_IOC_CALL_ALLOC on a bridge-held channel answers EBUSY, and
 * tel_bridge_claim() on a channel that a /dev/telN call holds answers EBUSY.
 *
 * Documentation/driver.rst ("Bridge") has the locking; Documentation/
 * dahdi.rst what the DAHDI side makes of it.
 */
#ifndef TEL_BRIDGE_H
#define TEL_BRIDGE_H

#include <linux/types.h>

struct device;
struct module;
struct tel_card;

/**
 * struct tel_bridge_card_info - what the bridge may know of a card
 * @dev: the card's PCI device, a parent for the bridge's own devices
 *	(DAHDI names its device after the parent's bus); valid until
 *	detach returns
 * @index: N of telN
 * @channels: channels on the card
 * @model: identity strings, NUL terminated
 * @serial: see @model
 */
struct tel_bridge_card_info {
	struct device *dev;
	u32 index;
	u32 channels;
	char model[32];
	char serial[32];
};

/**
 * enum tel_bridge_sig - what happened on a channel the bridge holds
 * @TEL_BRIDGE_RING: the far end offers a call on the (on hook) channel;
 *	tel_bridge_offhook() answers it
 * @TEL_BRIDGE_CANCEL: the far end gave that offer up before it was answered
 * @TEL_BRIDGE_ANSWER: the call is connected (the far end answered, or our
 *	answer was taken): audio flows from the next tick
 * @TEL_BRIDGE_HANGUP: the far end cleared the call, or the card refused or
 *	lost it; the channel stays off hook until tel_bridge_onhook()
 * @TEL_BRIDGE_DIGIT: the card's detector heard a DTMF digit in the far
 *	end's audio (tel_bridge_monitor() turned it on), reported when the
 *	tone ended
 */
enum tel_bridge_sig {
	TEL_BRIDGE_RING,
	TEL_BRIDGE_CANCEL,
	TEL_BRIDGE_ANSWER,
	TEL_BRIDGE_HANGUP,
	TEL_BRIDGE_DIGIT,
};

/* Sizes of struct tel_bridge_caller's strings (uapi's TEL_NUMBER_LEN, ...) */
#define TEL_BRIDGE_NUMBER_LEN	32
#define TEL_BRIDGE_NAME_LEN	16

/**
 * enum tel_bridge_pres - may the calling party be shown (TEL_PRES_*)
 * @TEL_BRIDGE_PRES_ALLOWED: yes: number and name as the card gave them
 *	(either may still be empty: not known)
 * @TEL_BRIDGE_PRES_RESTRICTED: the caller withheld them (private)
 * @TEL_BRIDGE_PRES_UNAVAILABLE: the network does not know them (out of
 *	area)
 */
enum tel_bridge_pres {
	TEL_BRIDGE_PRES_ALLOWED,
	TEL_BRIDGE_PRES_RESTRICTED,
	TEL_BRIDGE_PRES_UNAVAILABLE,
};

/**
 * struct tel_bridge_caller - who calls, with TEL_BRIDGE_RING
 * @number: calling number, NUL terminated; empty unless ALLOWED
 * @name: calling name, NUL terminated; empty unless ALLOWED
 * @presentation: enum tel_bridge_pres
 *
 * As tel.ko checked them from the card (printable, bounded), which does
 * not make them trusted: the bridge bounds what it forwards itself.
 */
struct tel_bridge_caller {
	char number[TEL_BRIDGE_NUMBER_LEN];
	char name[TEL_BRIDGE_NAME_LEN];
	u32 presentation;
};

/**
 * struct tel_bridge_digit - a digit heard, with TEL_BRIDGE_DIGIT
 * @digit: '0'-'9', '*', '#', 'A'-'D' (checked by tel.ko)
 * @duration_ms: how long its tone lasted; it ended just before the signal
 */
struct tel_bridge_digit {
	char digit;
	u32 duration_ms;
};

/**
 * union tel_bridge_sig_data - what comes with a signal
 * @caller: with TEL_BRIDGE_RING: who calls
 * @digit: with TEL_BRIDGE_DIGIT: the digit
 */
union tel_bridge_sig_data {
	struct tel_bridge_caller caller;
	struct tel_bridge_digit digit;
};

/**
 * struct tel_bridge_ops - the bridge module's callbacks
 * @owner: the bridge module
 * @name: who holds a bridged channel, for sysfs chM/holder ("dahdi")
 * @attach: a card is there (at registration, or probed later).  Process
 *	context; may sleep.  Sets *@priv, passed to every other callback.
 *	An error leaves the card without a bridge (and is logged).
 * @detach: the card is being removed, or the bridge unregisters.  Process
 *	context, the card still works: the bridge releases every channel it
 *	holds (tel_bridge_release()) before returning.
 * @tick: @frames frame ticks ran on the card since the last call.  Hard
 *	interrupt context, under the card's bridge_lock: move one frame per
 *	tick and channel with tel_bridge_rx() and tel_bridge_tx(); never
 *	sleep, never call the other tel_bridge_* functions.
 * @signal: something happened on channel @ch (enum tel_bridge_sig), or
 *	with @ch == U32_MAX the card failed or went away (every held call
 *	is then ended; audio stops).  @data (valid during the callback
 *	only) has the caller with TEL_BRIDGE_RING, the digit with
 *	TEL_BRIDGE_DIGIT; NULL with every other signal.  Called under the
 *	card's lock (a mutex, from the event thread or the shutdown); may
 *	take spinlocks, must not call back into tel_bridge_*.
 */
struct tel_bridge_ops {
	struct module *owner;
	const char *name;
	int (*attach)(struct tel_card *card,
		      const struct tel_bridge_card_info *info, void **priv);
	void (*detach)(struct tel_card *card, void *priv);
	void (*tick)(void *priv, unsigned int frames);
	void (*signal)(void *priv, u32 ch, enum tel_bridge_sig sig,
		       const union tel_bridge_sig_data *data);
};

int tel_bridge_register(const struct tel_bridge_ops *ops);
void tel_bridge_unregister(const struct tel_bridge_ops *ops);

int tel_bridge_claim(struct tel_card *card, u32 ch);
void tel_bridge_release(struct tel_card *card, u32 ch);
int tel_bridge_offhook(struct tel_card *card, u32 ch, const char *number);
void tel_bridge_onhook(struct tel_card *card, u32 ch);
int tel_bridge_flash(struct tel_card *card, u32 ch, u32 ms);
int tel_bridge_monitor(struct tel_card *card, u32 ch, bool digits, bool mute);

bool tel_bridge_rx(struct tel_card *card, u32 ch, u8 *frame);
bool tel_bridge_tx(struct tel_card *card, u32 ch, const u8 *frame);

#endif /* TEL_BRIDGE_H */
