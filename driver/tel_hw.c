// SPDX-License-Identifier: GPL-2.0
/*
 * tel_hw.c - talking to the card: the command mailbox and the event
 * queue, and the checks of everything the card writes there.
 *
 * The programming interface is in tel_regs.h and Documentation/card.rst.
 * What the card reports goes to the call core only (tel_call_set_state(),
 * tel_call_offered(), tel_card_broadcast()), which tells the owners: the
 * hardware layer knows nothing of who uses the card.
 */
#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/jiffies.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tel.h"

static unsigned int tel_cmd_timeout_ms = 2000;
module_param_named(cmd_timeout_ms, tel_cmd_timeout_ms, uint, 0644);
MODULE_PARM_DESC(cmd_timeout_ms,
		 "ms to wait for the card to complete a command before it is declared failed (default 2000)");

static unsigned int tel_card_error_limit = 16;
module_param_named(card_error_limit, tel_card_error_limit, uint, 0644);
MODULE_PARM_DESC(card_error_limit,
		 "impossible values a card may report before it is declared failed (default 16)");

/**
 * tel_card_error() - the card reported something impossible
 * @card: the card
 * @fatal: the driver can no longer trust what the card says about memory
 *	(a ring or queue index): fail it now
 * @fmt: what it was, for the log
 *
 * The value is never used: the caller drops it.  Every such value is
 * counted in sysfs card_errors; the card is failed (every call
 * DISCONNECTED, origin HARDWARE) when @fatal, or once it has reported
 * card_error_limit of them.  Any context.
 */
void tel_card_error(struct tel_card *card, bool fatal, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;
	long n = atomic_long_inc_return(&card->card_errors);

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	dev_err_ratelimited(&card->dev, "card error %ld: impossible %pV\n", n,
			    &vaf);
	va_end(args);
	if (fatal || n >= READ_ONCE(tel_card_error_limit))
		tel_card_fail(card);
}

static int tel_cmd_errno(struct tel_card *card, u32 op, u32 status)
{
	switch (status) {
	case TEL_CMDST_OK:
		return 0;
	case TEL_CMDST_FULL:
		/*
		 * only DIGITS queues anything, and a conference is full:
		 * FULL from another is a lie
		 */
		if (op == TEL_OP_DIGITS || op == TEL_OP_CONF_JOIN ||
		    op == TEL_OP_CONF_PORT)
			return -EAGAIN;
		tel_card_error(card, true, "command status FULL for op %u", op);
		return -EIO;
	case TEL_CMDST_BUSY:
		return -EBUSY;
	case TEL_CMDST_BADCHAN:
	case TEL_CMDST_INVAL:
		return -EINVAL;
	case TEL_CMDST_BADADDR:
		return -EIO;
	default:
		/*
		 * Did it take the rings or not?  Nobody knows: the card is
		 * cut off from memory before the caller frees them.
		 */
		tel_card_error(card, true, "command status %u", status);
		return -EIO;
	}
}

/*
 * Wait for command @seq without its interrupt (card->cmd_polled): the
 * card completes commands with TEL_CTRL_ENABLE clear, it only raises
 * nothing.  Return: as wait_event_timeout(), 0 on timeout.
 */
static long tel_cmd_poll(struct tel_card *card, u32 seq)
{
	unsigned long end = jiffies + msecs_to_jiffies(tel_cmd_timeout_ms);

	while (tel_win_read(card, TEL_CMD_DONE_SEQ) != seq) {
		if (time_after(jiffies, end))
			return 0;
		usleep_range(50, 100);
	}
	return 1;
}

/**
 * tel_hw_command() - run one command through the card's mailbox
 * @card: the card; the caller holds hw_rwsem (either way)
 * @op: TEL_OP_*
 * @channel: channel the command is for
 * @arg: TEL_CMD_ARG
 * @call: DIAL, ANSWER and CONF_PORT: the call whose rings the card gets,
 *	else NULL
 * @digits: DIAL: the number, else NULL
 *
 * Return: 0, -ENODEV if the card is gone, -ETIMEDOUT if it did not answer
 * (it is then shut down as failed), or the card's refusal as an errno.
 */
int tel_hw_command(struct tel_card *card, u32 op, u32 channel, u32 arg,
		   struct tel_call *call, const char *digits)
{
	char buf[TEL_DIGITS_LEN] = { };
	u64 begin, t, irq, done;
	long left;
	u32 seq;
	int ret;

	lockdep_assert_held(&card->hw_rwsem);
	if (card->gone)
		return -ENODEV;

	t = tel_ctl_now();
	mutex_lock(&card->cmd_lock);
	tel_win_write(card, TEL_CMD_OP, op);
	tel_win_write(card, TEL_CMD_CHANNEL, channel);
	tel_win_write(card, TEL_CMD_ARG, arg);
	if (call) {
		dma_addr_t tx = call->ring_dma + TEL_RING_BYTES;

		tel_win_write(card, TEL_CMD_RX_ADDR_LO, lower_32_bits(call->ring_dma));
		tel_win_write(card, TEL_CMD_RX_ADDR_HI, upper_32_bits(call->ring_dma));
		tel_win_write(card, TEL_CMD_TX_ADDR_LO, lower_32_bits(tx));
		tel_win_write(card, TEL_CMD_TX_ADDR_HI, upper_32_bits(tx));
		tel_win_write(card, TEL_CMD_RING_BYTES, TEL_RING_BYTES);
	}
	if (digits)
		strscpy(buf, digits, sizeof(buf));
	memcpy_toio(card->win + TEL_CMD_DIGITS, buf, sizeof(buf));

	seq = ++card->cmd_seq;
	tel_win_write(card, TEL_CMD_SEQ, seq);
	begin = ktime_get_ns();	/* cmd_ns: always counted */
	if (t)
		tel_ctl_add(card, TEL_CTL_CMD_SETUP, begin - t);
	iowrite32(card->doorbell_peer << 16 | TEL_DB_COMMAND,
		  card->regs + TEL_BAR0_DOORBELL);
	t = tel_ctl_account(card, TEL_CTL_CMD_DOORBELL, begin);

	if (card->cmd_polled)
		left = tel_cmd_poll(card, seq);
	else
		left = wait_event_timeout(card->cmd_wq,
					  tel_win_read(card, TEL_CMD_DONE_SEQ) == seq,
					  msecs_to_jiffies(tel_cmd_timeout_ms));
	/*
	 * Split at the command interrupt if this command's raised it: one
	 * stamped before the doorbell was an earlier command's (the wait
	 * then found this one done before its interrupt came, or polled).
	 */
	if (static_branch_unlikely(&tel_ctl_acct_on)) {
		done = ktime_get_ns();
		irq = READ_ONCE(card->perf.cmd_irq_ns);
		if (irq >= t && irq <= done) {
			tel_ctl_add(card, TEL_CTL_CMD_IRQ, irq - t);
			tel_ctl_add(card, TEL_CTL_CMD_WAKE, done - irq);
		} else {
			tel_ctl_add(card, TEL_CTL_CMD_NOIRQ, done - t);
		}
	}
	if (!left) {
		dev_err(&card->dev, "command %u on channel %u timed out\n",
			op, channel);
		tel_card_fail(card);
		ret = -ETIMEDOUT;
	} else {
		ret = tel_cmd_errno(card, op, tel_win_read(card, TEL_CMD_STATUS));
	}
	/* under cmd_lock: one command at a time */
	card->perf.cmds++;
	card->perf.cmd_ns += ktime_get_ns() - begin;
	mutex_unlock(&card->cmd_lock);
	return ret;
}

/* A disconnect cause as the card reports it: a TEL_DISC_* value, or 0. */
static u32 tel_hw_cause(struct tel_card *card, u32 ch, u32 cause)
{
	switch (cause) {
	case 0:
		return TEL_DISC_UNKNOWN;
	case TEL_DISC_NORMAL: case TEL_DISC_UNKNOWN: case TEL_DISC_REJECT:
	case TEL_DISC_BUSY: case TEL_DISC_NOANSWER: case TEL_DISC_BADADDRESS:
	case TEL_DISC_UNREACHABLE: case TEL_DISC_CONGESTION:
	case TEL_DISC_INCOMPATIBLE: case TEL_DISC_UNAVAIL:
	case TEL_DISC_NODIALTONE: case TEL_DISC_NUMBERCHANGED:
	case TEL_DISC_OUTOFORDER: case TEL_DISC_TEMPFAILURE:
	case TEL_DISC_BLOCKED: case TEL_DISC_CANCELLED:
		return cause;
	default:
		tel_card_error(card, false, "cause %#x on channel %u", cause, ch);
		return TEL_DISC_UNKNOWN;
	}
}

static u32 tel_call_state_of(u32 chst)
{
	switch (chst) {
	case TEL_CHST_DIALING:
		return TEL_CALL_DIALING;
	case TEL_CHST_RINGBACK:
		return TEL_CALL_RINGBACK;
	case TEL_CHST_CONNECTED:
		return TEL_CALL_CONNECTED;
	case TEL_CHST_OFFERING:
		return TEL_CALL_OFFERING;
	case TEL_CHST_HELD:
		return TEL_CALL_ONHOLD;
	case TEL_CHST_CONF:
		return TEL_CALL_CONFERENCED;
	default:
		return TEL_CALL_DISCONNECTED;
	}
}

/*
 * Hold is the owner's, never the card's own idea: a channel goes HELD, or
 * from HELD back to CONNECTED, only while the HOLD or UNHOLD command that
 * asks for it runs (tel_call_hold() drains the events it caused before
 * it clears @call->hold_op).  Any other such change, and HELD from a
 * card without TEL_CAP_HOLD, is a card error and is not applied: the call
 * keeps its state.
 */
static bool tel_hw_hold_ok(struct tel_card *card, struct tel_call *call,
			   u32 state)
{
	u32 now = call->info.state;

	if (state == TEL_CALL_ONHOLD && now != TEL_CALL_ONHOLD &&
	    (!(card->caps & TEL_CAP_HOLD) || call->hold_op != TEL_OP_HOLD ||
	     now != TEL_CALL_CONNECTED))
		goto bad;
	if (now == TEL_CALL_ONHOLD && state != TEL_CALL_ONHOLD &&
	    state != TEL_CALL_DISCONNECTED && state != TEL_CALL_CONFERENCED &&
	    (state != TEL_CALL_CONNECTED || call->hold_op != TEL_OP_UNHOLD))
		goto bad;
	return true;
bad:
	tel_card_error(card, false, "hold state %u of channel %u in call state %u",
		       state, call->channel, now);
	return false;
}

/*
 * A conference is the owner's too: a channel goes CONF (from CONNECTED or
 * HELD) only while the CONF_JOIN that asks for it runs, and from CONF
 * back to CONNECTED only while its CONF_LEAVE runs (tel_conf.c drains
 * the events before it clears @call->conf_op).  The far end may clear a
 * member (DISCONNECTED).  The application's own party (a port,
 * TEL_OP_CONF_PORT) is CONFERENCED from its start and has no far end: it
 * leaves only by the driver's HANGUP, so any other state of it is a lie.
 * Anything else, and CONF from a card without TEL_CAP_CONFERENCE, is a
 * card error and is not applied.
 */
static bool tel_hw_conf_ok(struct tel_card *card, struct tel_call *call,
			   u32 state)
{
	u32 now = call->info.state;

	if (call->conf_port && state != TEL_CALL_CONFERENCED)
		goto bad;
	if (state == TEL_CALL_CONFERENCED && now != TEL_CALL_CONFERENCED &&
	    (!(card->caps & TEL_CAP_CONFERENCE) ||
	     call->conf_op != TEL_OP_CONF_JOIN ||
	     (now != TEL_CALL_CONNECTED && now != TEL_CALL_ONHOLD)))
		goto bad;
	if (now == TEL_CALL_CONFERENCED && state != TEL_CALL_CONFERENCED &&
	    state != TEL_CALL_DISCONNECTED &&
	    (state != TEL_CALL_CONNECTED || call->conf_op != TEL_OP_CONF_LEAVE))
		goto bad;
	return true;
bad:
	tel_card_error(card, false, "conference state %u of channel %u in call state %u",
		       state, call->channel, now);
	return false;
}

/*
 * A channel changed state on the card.  Caller holds card->lock.  An event
 * for a channel whose call was already dropped cannot reach a newer call:
 * DROP drains the queue after its HANGUP completed and before it frees
 * the channel (see tel_file_drop()).
 */
static void tel_hw_channel_state(struct tel_card *card, u32 ch, u32 chst,
				 u32 cause, u64 now)
{
	struct tel_channel *chan = &card->channels[ch];
	struct tel_call *call = chan->call;
	struct tel_event ev = { .type = TEL_EVENT_STATE, .channel = ch };
	u32 state;

	lockdep_assert_held(&card->lock);
	/*
	 * The card's answer to a REDIRECT of this channel's offer, while it
	 * runs: tel_call_redirect() ends the offer.  FORWARDED at any other
	 * time is a lie (tel_hw_cause() counts it).
	 */
	if (chan->redirect == TEL_REDIRECT_RUNNING && chst == TEL_CHST_IDLE) {
		if (cause == TEL_DISC_FORWARDED) {
			chan->redirect = TEL_REDIRECT_FORWARDED;
			return;
		}
		chan->redirect = TEL_REDIRECT_ENDED;
		chan->offered = !call;	/* ended below, as any offer's end */
	}
	if (!call) {
		/* the far end gave up an offer nobody took */
		if (chst == TEL_CHST_IDLE && chan->offered) {
			chan->offered = false;
			ev.state = TEL_CALL_IDLE;
			ev.origin = TEL_ORIGIN_REMOTE;
			ev.disconnect_mode = tel_hw_cause(card, ch, cause);
			ev.timestamp_ns = now;
			tel_card_broadcast(card, &ev);
		}
		return;
	}
	if (call->info.state == TEL_CALL_IDLE ||
	    call->info.state == TEL_CALL_DISCONNECTED)
		return;
	/*
	 * The card reports these only for a call it took, after it zeroed
	 * the channel's indices and counters for it: the event may be
	 * handled before the DIAL or ANSWER that took it has returned.
	 */
	state = tel_call_state_of(chst);
	if (!tel_hw_conf_ok(card, call, state) ||
	    !tel_hw_hold_ok(card, call, state))
		return;
	/*
	 * The card's answer to the TRANSFER that runs: tel_call_transfer()
	 * ends the call.  TRANSFERRED at any other time is a lie
	 * (tel_hw_cause() counts it).
	 */
	if (call->transferring && state == TEL_CALL_DISCONNECTED &&
	    cause == TEL_DISC_TRANSFERRED)
		return;
	if (call->bound && chst != TEL_CHST_IDLE && chst != TEL_CHST_OFFERING)
		call->started = true;
	if (state == TEL_CALL_DISCONNECTED)
		tel_call_set_state(call, state, TEL_ORIGIN_REMOTE,
				   tel_hw_cause(card, ch, cause));
	else if (state != TEL_CALL_OFFERING && state != TEL_CALL_DIALING)
		tel_call_set_state(call, state, TEL_ORIGIN_NONE, 0);
}

/* An offer as the card made it: the calling party, checked. */
struct tel_hw_party {
	char number[TEL_NUMBER_LEN];
	char name[TEL_NAME_LEN];
	u32 pres;
};

static void tel_hw_offer(struct tel_card *card, u32 ch,
			 const struct tel_hw_party *party, u64 now)
{
	struct tel_channel *chan = &card->channels[ch];
	const char *number = party->number;
	struct tel_event ev = {
		.type = TEL_EVENT_OFFER,
		.channel = ch,
		.state = TEL_CALL_OFFERING,
		.timestamp_ns = now,
		.detail = party->pres,
	};

	lockdep_assert_held(&card->lock);
	/* this offer's party, for whichever call takes it */
	strscpy(chan->offer_number, number, sizeof(chan->offer_number));
	strscpy(chan->offer_name, party->name, sizeof(chan->offer_name));
	chan->offer_pres = party->pres;
	/*
	 * The card offers only channels it sees idle: a channel held by
	 * a /dev/telN call is not, one the bridge holds on hook is (and
	 * rings there): its owner decides.
	 */
	if (chan->call) {
		tel_call_offered(chan->call);
		return;
	}
	chan->offered = true;
	strscpy(ev.number, number, sizeof(ev.number));
	tel_card_broadcast(card, &ev);
}

/*
 * The card lost events (its queue was full).  Tell every file, then bring
 * each channel's view back in line with the channel blocks.
 */
/**
 * tel_hw_hook() - the card's hook state of a channel, checked
 * @card: the card, its window mapped
 * @ch: the channel
 *
 * Return: 1 off hook, 0 on hook; -EIO if the card says anything else (a
 * card error, counted).
 */
int tel_hw_hook(struct tel_card *card, u32 ch)
{
	u32 hook = tel_win_read(card, tel_ch_off(ch, TEL_CH_HOOK));

	if (hook > 1) {
		tel_card_error(card, false, "hook state %u of channel %u",
			       hook, ch);
		return -EIO;
	}
	return hook;
}

static void tel_hw_resync(struct tel_card *card, u32 lost, u64 now)
{
	struct tel_event ev = {
		.type = TEL_EVENT_OVERFLOW,
		.lost = lost,
		.timestamp_ns = now,
	};
	/* an offer whose event was lost: the party is not known */
	struct tel_hw_party lost_party = {
		.pres = card->caps & TEL_CAP_CALLER_ID ? TEL_PRES_UNAVAILABLE :
			TEL_PRES_ALLOWED,
	};
	u32 ch;

	tel_card_broadcast(card, &ev);
	for (ch = 0; ch < card->nr_channels; ch++) {
		u32 chst = tel_win_read(card, tel_ch_off(ch, TEL_CH_STATE));
		u32 cause = tel_win_read(card, tel_ch_off(ch, TEL_CH_CAUSE));
		struct tel_channel *chan = &card->channels[ch];

		if (chst > TEL_CHST_MAX) {
			tel_card_error(card, false, "state %u of channel %u",
				       chst, ch);
			continue;
		}
		/* an offer being redirected is not a new one */
		if (chst == TEL_CHST_OFFERING && !chan->call &&
		    !chan->offered && !chan->redirect)
			tel_hw_offer(card, ch, &lost_party, now);
		else
			tel_hw_channel_state(card, ch, chst, cause, now);
		/* a flash whose end was lost: the hook reads 0 throughout */
		if (chan->call && chan->call->flashing &&
		    tel_call_on_card(chan->call) &&
		    tel_hw_hook(card, ch) == 1)
			WRITE_ONCE(chan->call->flashing, false);
	}
}

/*
 * A calling number as the card wrote it: NUL terminated, printable, no
 * blank (it is shown in /proc's whitespace-separated columns).  Anything
 * else is replaced by "".
 */
static void tel_hw_number(struct tel_card *card, u32 ch, u32 off,
			  char *number)
{
	size_t i, len;

	memcpy_fromio(number, card->win + off, TEL_NUMBER_LEN);
	len = strnlen(number, TEL_NUMBER_LEN);
	for (i = 0; i < len && isgraph(number[i]); i++)
		;
	if (len < TEL_NUMBER_LEN && i == len)
		return;
	tel_card_error(card, false, "calling number on channel %u", ch);
	number[0] = '\0';
}

/*
 * The calling party of an OFFER at @off: the number, and with caller ID
 * the name (NUL terminated, printable) and the presentation (in range; no
 * number and no name unless ALLOWED, as card.rst says).  What is not so
 * is counted and dropped.
 */
static void tel_hw_party(struct tel_card *card, u32 ch, u32 off,
			 struct tel_hw_party *party)
{
	size_t i, len;

	memset(party, 0, sizeof(*party));
	tel_hw_number(card, ch, off + TEL_EV_NUMBER, party->number);
	if (!(card->caps & TEL_CAP_CALLER_ID))
		return;
	memcpy_fromio(party->name, card->win + off + TEL_EV_NAME,
		      TEL_NAME_LEN);
	len = strnlen(party->name, TEL_NAME_LEN);
	/* ASCII, as Bell 202 and ETSI names are: no Latin-1 */
	for (i = 0; i < len && party->name[i] >= 0x20 && party->name[i] < 0x7f;
	     i++)
		;
	if (len == TEL_NAME_LEN || i != len) {
		tel_card_error(card, false, "calling name on channel %u", ch);
		party->name[0] = '\0';
	}
	party->pres = tel_win_read(card, off + TEL_EV_PRESENTATION);
	if (party->pres > TEL_PRES_MAX) {
		tel_card_error(card, false, "presentation %u on channel %u",
			       party->pres, ch);
		party->pres = TEL_PRES_UNAVAILABLE;
	} else if (party->pres != TEL_PRES_ALLOWED &&
		   (party->number[0] || party->name[0])) {
		tel_card_error(card, false,
			       "calling party withheld but given on channel %u",
			       ch);
	} else {
		return;
	}
	party->number[0] = '\0';
	party->name[0] = '\0';
}

/*
 * The call a digit, digits-sent or flash event of channel @ch is for: the
 * channel's call while it is on the card.  None is not an error: the
 * call may have hung up as the card wrote the event.
 */
static struct tel_call *tel_hw_event_call(struct tel_card *card, u32 ch)
{
	struct tel_call *call = card->channels[ch].call;

	return call && tel_call_on_card(call) ? call : NULL;
}

/* Longest DTMF tone the driver believes: a minute. */
#define TEL_DIGIT_MAX_MS	60000

/*
 * A digit the card's detector heard: a valid digit whose tone began
 * (TEL_EV_START, in the card's ticks) no longer ago than the tick count
 * allows, and not before the call's channel was bound, and lasted at
 * least 1 ms and no longer than since it began.
 */
static void tel_hw_digit(struct tel_card *card, u32 ch, u32 off, u64 now)
{
	u32 digit = tel_win_read(card, off + TEL_EV_DIGIT);
	u32 start = tel_win_read(card, off + TEL_EV_START);
	u32 ms = tel_win_read(card, off + TEL_EV_DURATION);
	u32 ticks = tel_win_read(card, TEL_STATUS_TICKS);
	u32 age = ticks - start;
	struct tel_call *call;
	struct tel_event ev = {
		.type = TEL_EVENT_DIGIT,
		.channel = ch,
		.detail = digit,
		.duration_ms = ms,
	};

	if (digit > 0x7f || !tel_digit_valid(digit)) {
		tel_card_error(card, false, "digit %#x on channel %u", digit,
			       ch);
		return;
	}
	if (!ms || ms > TEL_DIGIT_MAX_MS || age > TEL_DIGIT_MAX_MS + 1000 ||
	    ms > age + 1) {
		tel_card_error(card, false,
			       "digit of %u ms begun %u ticks ago on channel %u",
			       ms, age, ch);
		return;
	}
	call = tel_hw_event_call(card, ch);
	if (!call || !(call->monitor & TEL_MONITOR_F_DIGITS))
		return;
	if (age > ticks - call->bind_ticks) {
		tel_card_error(card, false,
			       "digit begun before the call on channel %u", ch);
		return;
	}
	ev.state = call->info.state;
	ev.timestamp_ns = now - min_t(u64, (u64)age * NSEC_PER_MSEC, now);
	tel_call_digit_heard(call, digit);
	tel_call_event(call, &ev);
}

/* One entry of the card's event queue at @off, checked field by field. */
static void tel_hw_event(struct tel_card *card, u32 off, u64 now)
{
	u32 type = tel_win_read(card, off + TEL_EV_TYPE);
	u32 ch = tel_win_read(card, off + TEL_EV_CHANNEL);
	struct tel_hw_party party;
	struct tel_call *call;
	struct tel_event ev = {
		.channel = ch,
		.timestamp_ns = now,
	};
	u32 chst, n;

	lockdep_assert_held(&card->lock);
	if (ch >= card->nr_channels) {
		tel_card_error(card, false, "event %u for channel %u", type, ch);
		return;
	}
	switch (type) {
	case TEL_HWEV_STATE:
		chst = tel_win_read(card, off + TEL_EV_STATE);
		if (chst > TEL_CHST_MAX) {
			tel_card_error(card, false, "state %u of channel %u",
				       chst, ch);
			return;
		}
		tel_hw_channel_state(card, ch, chst,
				     tel_win_read(card, off + TEL_EV_CAUSE),
				     now);
		break;
	case TEL_HWEV_OFFER:
		tel_hw_party(card, ch, off, &party);
		tel_hw_offer(card, ch, &party, now);
		break;
	case TEL_HWEV_DIGIT:
		if (!(card->caps & TEL_CAP_DTMF))
			goto bad_type;
		tel_hw_digit(card, ch, off, now);
		break;
	case TEL_HWEV_DIGITS_SENT:
		if (!(card->caps & TEL_CAP_DTMF))
			goto bad_type;
		n = tel_win_read(card, off + TEL_EV_SENT);
		call = tel_hw_event_call(card, ch);
		if (!call)
			return;
		/* no more than were queued and not reported sent yet */
		if (!n || n > call->digits_queued - call->digits_sent) {
			tel_card_error(card, false, "%u digits sent on channel %u",
				       n, ch);
			return;
		}
		call->digits_sent += n;
		ev.type = TEL_EVENT_DIGITS_SENT;
		ev.state = call->info.state;
		ev.detail = n;
		tel_call_event(call, &ev);
		break;
	case TEL_HWEV_FLASH:
		if (!(card->caps & TEL_CAP_FLASH))
			goto bad_type;
		n = tel_win_read(card, off + TEL_EV_DURATION);
		if (n > TEL_FLASH_MAX_MS) {
			tel_card_error(card, false, "flash of %u ms on channel %u",
				       n, ch);
			return;
		}
		call = tel_hw_event_call(card, ch);
		if (!call)
			return;
		if (!call->flashing || n != call->flash_ms) {
			/* none was asked for, or not this long */
			tel_card_error(card, false,
				       "flash of %u ms on channel %u", n, ch);
			return;
		}
		WRITE_ONCE(call->flashing, false);
		ev.type = TEL_EVENT_FLASH;
		ev.state = call->info.state;
		ev.duration_ms = n;
		tel_call_event(call, &ev);
		break;
	default:
bad_type:
		tel_card_error(card, false, "event type %u", type);
		break;
	}
}

/**
 * tel_hw_events() - consume the card's event queue
 * @card: the card
 *
 * Called from the event interrupt thread, and by DROP to make sure the
 * events the card wrote before completing a HANGUP are handled first.
 */
void tel_hw_events(struct tel_card *card)
{
	u64 begin, now;
	u32 head, lost, tail0;

	mutex_lock(&card->evq_lock);
	/* timed from here: a DROP waiting for the IRQ thread's run is not */
	begin = tel_now_ns();
	now = begin;
	mutex_lock(&card->lock);
	tail0 = card->evq_tail;
	if (card->gone)
		goto out;

	head = tel_win_read(card, TEL_EVQ_HEAD);
	if (head - card->evq_tail > TEL_EVQ_ENTRIES) {
		/* ahead by more than the queue, or behind what we took */
		tel_card_error(card, true, "event queue head %u (tail %u)", head,
			       card->evq_tail);
		goto out;
	}
	rmb();	/* entries were written before the head */
	while (card->evq_tail != head) {
		u32 off = TEL_EVQ_BASE +
			(card->evq_tail % TEL_EVQ_ENTRIES) * TEL_EVQ_ENTRY_SIZE;

		card->evq_tail++;
		tel_hw_event(card, off, now);
	}
	tel_win_write(card, TEL_CTRL_EVQ_TAIL, card->evq_tail);

	lost = tel_win_read(card, TEL_STATUS_EVQ_LOST);
	if (lost - card->evq_lost > S32_MAX) {
		tel_card_error(card, false, "lost event count %u (was %u)",
			       lost, card->evq_lost);
		card->evq_lost = lost;
	} else if (lost != card->evq_lost) {
		tel_hw_resync(card, lost - card->evq_lost, now);
		card->evq_lost = lost;
	}
out:
	mutex_unlock(&card->lock);
	/* the cost of the event path, per event (debugfs telN/perf) */
	card->perf.ev_runs++;
	card->perf.events += card->evq_tail - tail0;
	card->perf.ev_ns += tel_now_ns() - begin;
	mutex_unlock(&card->evq_lock);
	atomic_inc(&card->audio_gen);
	wake_up_interruptible(&card->audio_wq);
}
