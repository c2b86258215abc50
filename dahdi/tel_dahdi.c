// SPDX-License-Identifier: GPL-2.0
/*
 * tel_dahdi.c - the tel card's channels as a DAHDI span.
 *
 * Each card becomes a DAHDI device with one analog span of its channels.
 * The channels behave as FXO ports on a kewlstart line (DAHDI signalling
 * fxsks; fxsls works the same): going off hook seizes the line, which the
 * card does by dialling a fixed number (a ringdown line: the card takes
 * its number with the seizure and has no dial tone), or answers the call
 * ringing on it; going on hook hangs up; a far-end hangup drops loop
 * current (DAHDI_EVENT_ONHOOK to the application, kewlstart disconnect
 * supervision); an answered outbound call reverses polarity
 * (DAHDI_EVENT_POLARITY: Asterisk's answeronpolarityswitch); a call the
 * far end offers rings as a line rings, 2 s on, 4 s off, until answered
 * or given up (DAHDI_RXSIG_RING, which DAHDI makes RINGBEGIN and, once
 * the ring is over, RINGOFFHOOK), with the caller's ID as Bell 202 FSK
 * after the first ring; a hook flash becomes the
 * card's hook flash, of DAHDI's flash time: the call goes on.  DTMF is
 * in-band, or with DAHDI_TONEDETECT the card's own detector's, as
 * DAHDI_EVENT_DTMFDOWN/UP (with muting if asked).
 *
 * A DAHDI open of a channel holds it (a tel.ko "bridge call"), so it is
 * either DAHDI's or a /dev/telN caller's, never both: the loser gets
 * EBUSY.  Audio moves in the card's tick interrupt, DAHDI_CHUNKSIZE bytes
 * each way per channel and tick.  Documentation/dahdi.rst has the details.
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/time.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <dahdi/kernel.h>

#include "tel_bridge.h"

#define TEL_DAHDI_SILENCE	0xff	/* mu-law: the span's law, the card's */

/*
 * DAHDI's transmit state while a hook flash holds the line on hook.  Its
 * enum dahdi_txstate is private to dahdi-base.c, where DAHDI_TXSTATE_FLASH
 * is the seventh value in DAHDI 2.11 (Debian's dahdi-source);
 * tests/dahdi's hook_flash_keeps_the_call fails if that ever changes.
 */
#define TEL_DAHDI_TXSTATE_FLASH	6

/* Caller ID (below): the longest number and name, the card's (NUL excluded) */
#define TEL_DAHDI_CID_NUMBER_MAX	(TEL_BRIDGE_NUMBER_LEN - 1)
#define TEL_DAHDI_CID_NAME_MAX		(TEL_BRIDGE_NAME_LEN - 1)
/* type, length; date/time, number or reason, name or reason: each 2 +; sum */
#define TEL_DAHDI_CID_MSG_MAX	(2 + 2 + 8 + 2 + TEL_DAHDI_CID_NUMBER_MAX + \
				 2 + TEL_DAHDI_CID_NAME_MAX + 1)

/**
 * struct tel_dahdi_cid - one caller ID transmission
 * @msg: the MDMF message, checksum included
 * @len: bytes in @msg
 * @bit: the bit being sent, of the whole transmission (seizure, marks,
 *	the message in 8N1, the marks after)
 * @nbits: bits in the whole transmission
 * @phase: the oscillator's phase (2^32 a cycle): continuous across bits
 * @baud: the bit clock: +1200 a sample, the next bit at 8000
 */
struct tel_dahdi_cid {
	u8 msg[TEL_DAHDI_CID_MSG_MAX];
	u32 len;
	u32 bit;
	u32 nbits;
	u32 phase;
	u32 baud;
};

/*
 * The ring cadence of a North American line (2 s ring, 4 s silence), in
 * span time (ms of the card's clock), and when the caller ID starts in
 * the first silence: GR-30 wants its first bit 500 ms or more after the
 * first ring, its last 200 ms or more before the second.
 */
#define TEL_DAHDI_RING_ON_MS	2000
#define TEL_DAHDI_RING_OFF_MS	4000
#define TEL_DAHDI_CID_DELAY_MS	500

enum tel_dahdi_ring_state {
	TEL_DAHDI_RING_IDLE,	/* no call rings */
	TEL_DAHDI_RING_ON,	/* ringing voltage on the line */
	TEL_DAHDI_RING_OFF,	/* the silence between two rings */
};

/**
 * struct tel_dahdi_ring - a call ringing on a channel (under the card's
 *	ring_lock: the tick runs it, the signal callback and close start
 *	and stop it)
 * @state: enum tel_dahdi_ring_state
 * @ms: into the current ring or silence
 * @cid_pending: the caller ID is still to be sent (in the first silence)
 * @cid_sending: it is being sent, into DAHDI's readchunk
 * @cid: the caller ID transmission
 */
struct tel_dahdi_ring {
	enum tel_dahdi_ring_state state;
	u32 ms;
	bool cid_pending;
	bool cid_sending;
	struct tel_dahdi_cid cid;
};

static char *tel_dahdi_number = "100";
module_param_named(number, tel_dahdi_number, charp, 0644);
MODULE_PARM_DESC(number,
		 "number the card dials when a DAHDI channel goes off hook with no call ringing (default 100)");

/**
 * struct tel_dahdi_chan - one channel
 * @dchan: DAHDI's channel
 * @tc: the card
 * @ch: the card's channel number (DAHDI's chanpos - 1)
 * @hook_work: carries hook changes out of DAHDI's atomic context
 * @flash_work: the same for a hook flash
 * @want_offhook: what DAHDI last asked (written under dchan.lock)
 * @lock: @offhook, @claimed: the hook work against open and close
 * @offhook: what the card was last told
 * @claimed: tel.ko holds the channel for us (between open and close)
 * @tonedetect: DAHDI_TONEDETECT_* the application last asked for, under
 *	@lock: given to every call on the channel until close
 * @ringing: a call rings on the channel (under the card's lock, from
 *	the signal callback, and @lock)
 * @ring: the ring's cadence and caller ID (under the card's ring_lock)
 */
struct tel_dahdi_chan {
	struct dahdi_chan dchan;
	struct tel_dahdi_card *tc;
	u32 ch;
	struct work_struct hook_work;
	struct work_struct flash_work;
	bool want_offhook;
	struct mutex lock;		/* offhook, claimed */
	bool offhook;
	bool claimed;
	int tonedetect;
	bool ringing;
	struct tel_dahdi_ring ring;
};

/**
 * struct tel_dahdi_card - one card, one DAHDI device, one span
 * @card: tel.ko's card (referenced by tel.ko while attached)
 * @ddev: DAHDI's device
 * @span: the span of all the card's channels
 * @chans: DAHDI's view of @tch
 * @tch: [@nr]
 * @nr: channels
 * @ticks: frame ticks run (tick path only)
 * @rx_missing: frames DAHDI got silence for: none received in time
 * @tx_dropped: frames DAHDI sent that the card's ring had no room for
 * @ring_lock: every channel's @ring: the tick against the signal
 *	callback and close (inside bridge_lock, outside DAHDI's chan lock)
 * @node: in tel_dahdi_dead once detached
 */
struct tel_dahdi_card {
	struct tel_card *card;
	struct dahdi_device *ddev;
	struct dahdi_span span;
	struct dahdi_chan **chans;
	struct tel_dahdi_chan *tch;
	u32 nr;
	u64 ticks;
	u64 rx_missing;
	u64 tx_dropped;
	spinlock_t ring_lock;		/* tch[].ring */
	struct list_head node;
};

static struct workqueue_struct *tel_dahdi_wq;

/*
 * Detached cards are freed only at module unload: DAHDI itself may still
 * look at a span's channels for a moment after dahdi_unregister_device()
 * returns (see the "BIG SLEEP" comment in dahdi_chan_unreg()).
 */
static LIST_HEAD(tel_dahdi_dead);
static DEFINE_MUTEX(tel_dahdi_dead_lock);

static struct tel_dahdi_chan *to_tch(struct dahdi_chan *dchan)
{
	return container_of(dchan, struct tel_dahdi_chan, dchan);
}

/* ---- caller ID: a GR-30 MDMF message as Bell 202 FSK ---- */

/*
 * On-hook caller ID as a real analog line gives it:
 * Telcordia GR-30-CORE (SR-TSV-002476) "Type 1" caller ID, Bell 202 FSK.
 *
 * The transmission: a channel seizure of 300 alternating bits, 180 mark
 * bits, then an MDMF message (type 0x80, length, parameters, checksum),
 * each byte in 8N1 (start bit space, LSB first, stop bit mark), then a
 * few mark bits.  Bell 202: 1200 baud, mark 1200 Hz, space 2200 Hz, one
 * continuous-phase oscillator (integer phase accumulator, quarter-wave
 * sine table: no floating point), 8 kHz, at about -13 dBm0, in the law
 * of the DAHDI channel it goes to (mu-law on a tel span).
 *
 * The MDMF parameters: date and time (0x01, "MMDDHHMM" of the kernel's
 * real-time clock, in UTC: the kernel keeps no local time zone), the
 * calling number (0x02) or why it is absent (0x04), the calling name
 * (0x07) or why it is absent (0x08).  Absence reasons: 'P' (private) for
 * a caller who withheld them, 'O' (out of area) when not known.  A
 * withheld number or name is never sent, only the reason.
 */

#define CID_SEIZURE_BITS	300
#define CID_MARK_BITS		180
#define CID_TRAILER_BITS	10	/* marks after the checksum's stop bit */
#define CID_BAUD		1200
#define CID_RATE		8000

/* Phase steps a sample, 2^32 a cycle: f * 2^32 / 8000 */
#define CID_MARK_STEP		644245094U	/* 1200 Hz */
#define CID_SPACE_STEP		1181116006U	/* 2200 Hz */

/*
 * Peak of the 16-bit linear sine: -13 dBm0, with 0 dBm0 3.14 dB below a
 * full-scale (32124) mu-law sine, as G.711's digital milliwatt puts it
 * (0 dBm0 peak 22377; -13 dB is x 0.2239).
 */
#define CID_PEAK		5010

#define MDMF_CALLERID		0x80
#define MDMF_DATETIME		0x01
#define MDMF_NUMBER		0x02
#define MDMF_NUMBER_ABSENT	0x04
#define MDMF_NAME		0x07
#define MDMF_NAME_ABSENT	0x08
#define MDMF_PRIVATE		'P'
#define MDMF_OUT_OF_AREA	'O'

/* sin(x) for x in [0, pi/2], 65 steps, Q15 */
static const s16 cid_quarter_sine[65] = {
	0, 804, 1608, 2410, 3212, 4011, 4808, 5602,
	6393, 7179, 7962, 8739, 9512, 10278, 11039, 11793,
	12539, 13279, 14010, 14732, 15446, 16151, 16846, 17530,
	18204, 18868, 19519, 20159, 20787, 21403, 22005, 22594,
	23170, 23731, 24279, 24811, 25329, 25832, 26319, 26790,
	27245, 27683, 28105, 28510, 28898, 29268, 29621, 29956,
	30273, 30571, 30852, 31113, 31356, 31580, 31785, 31971,
	32137, 32285, 32412, 32521, 32609, 32678, 32728, 32757,
	32767,
};

/* The sample at @phase (its top 8 bits: 256 steps a cycle), at CID_PEAK. */
static s16 cid_sine(u32 phase)
{
	unsigned int idx = phase >> 24, k = idx & 63;
	int v;

	switch (idx >> 6) {
	case 0:
		v = cid_quarter_sine[k];
		break;
	case 1:
		v = cid_quarter_sine[64 - k];
		break;
	case 2:
		v = -cid_quarter_sine[k];
		break;
	default:
		v = -cid_quarter_sine[64 - k];
		break;
	}
	return (s16)(v * CID_PEAK / 32767);
}

/*
 * How much of @s (from the card: untrusted) can be sent: all of it if it
 * is 1..@max printable ASCII characters, else none (the field is then
 * sent as absent).  Never a truncated or cleaned-up number.
 */
static unsigned int cid_text_len(const char *s, unsigned int max)
{
	unsigned int len = strnlen(s, max + 1), i;

	if (len > max)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return len;
}

/* @v (0..99) as two ASCII digits: MDMF's date and time */
static void cid_two_digits(char *p, unsigned int v)
{
	p[0] = '0' + v / 10 % 10;
	p[1] = '0' + v % 10;
}

static unsigned int cid_put(u8 *msg, unsigned int pos, u8 type,
			    const void *body, unsigned int len)
{
	msg[pos++] = type;
	msg[pos++] = len;
	memcpy(msg + pos, body, len);
	return pos + len;
}

/* A number or a name, or the reason why it is absent. */
static unsigned int cid_put_text(u8 *msg, unsigned int pos, u8 type,
				 u8 absent, const char *s, unsigned int max,
				 u32 presentation)
{
	unsigned int len = 0;
	char reason;

	if (presentation == TEL_BRIDGE_PRES_ALLOWED)
		len = cid_text_len(s, max);
	if (len)
		return cid_put(msg, pos, type, s, len);
	reason = presentation == TEL_BRIDGE_PRES_RESTRICTED ? MDMF_PRIVATE :
		 MDMF_OUT_OF_AREA;
	return cid_put(msg, pos, absent, &reason, 1);
}

/**
 * tel_dahdi_cid_init() - prepare a caller ID transmission
 * @cid: the transmission, sent from its start by tel_dahdi_cid_fill()
 * @number: calling number (sent only if ALLOWED and printable)
 * @name: calling name (likewise)
 * @presentation: enum tel_bridge_pres
 * @now: the time to send, seconds since the epoch (UTC)
 */
static void tel_dahdi_cid_init(struct tel_dahdi_cid *cid,
			       const char *number, const char *name,
			       u32 presentation, time64_t now)
{
	char datetime[8];
	struct tm tm;
	unsigned int pos = 2, i;
	u8 sum = 0;

	memset(cid, 0, sizeof(*cid));
	time64_to_tm(now, 0, &tm);
	cid_two_digits(datetime, tm.tm_mon + 1);
	cid_two_digits(datetime + 2, tm.tm_mday);
	cid_two_digits(datetime + 4, tm.tm_hour);
	cid_two_digits(datetime + 6, tm.tm_min);
	pos = cid_put(cid->msg, pos, MDMF_DATETIME, datetime, 8);
	pos = cid_put_text(cid->msg, pos, MDMF_NUMBER, MDMF_NUMBER_ABSENT,
			   number, TEL_DAHDI_CID_NUMBER_MAX, presentation);
	pos = cid_put_text(cid->msg, pos, MDMF_NAME, MDMF_NAME_ABSENT,
			   name, TEL_DAHDI_CID_NAME_MAX, presentation);
	cid->msg[0] = MDMF_CALLERID;
	cid->msg[1] = pos - 2;
	for (i = 0; i < pos; i++)
		sum += cid->msg[i];
	/* the sum of every byte, the checksum's too, is 0 mod 256 */
	cid->msg[pos++] = -sum;
	cid->len = pos;
	cid->nbits = CID_SEIZURE_BITS + CID_MARK_BITS + 10 * cid->len +
		     CID_TRAILER_BITS;
}

/* Bit @n of the transmission: 1 mark, 0 space. */
static bool cid_bit(const struct tel_dahdi_cid *cid, u32 n)
{
	u32 byte, k;

	if (n < CID_SEIZURE_BITS)
		return n & 1;	/* 0101...: starts with a space */
	n -= CID_SEIZURE_BITS;
	if (n < CID_MARK_BITS)
		return true;
	n -= CID_MARK_BITS;
	byte = n / 10;
	k = n % 10;
	if (byte >= cid->len || k == 9)
		return true;	/* the trailer, a stop bit */
	if (k == 0)
		return false;	/* a start bit */
	return (cid->msg[byte] >> (k - 1)) & 1;
}

/**
 * tel_dahdi_cid_fill() - the next samples of a caller ID transmission
 * @cid: from tel_dahdi_cid_init()
 * @dchan: the channel, for its law (DAHDI_LIN2X)
 * @buf: @samples bytes of @dchan's law; after the end, silence
 * @samples: how many
 *
 * Any context; runs in the tick interrupt.
 *
 * Return: true while the transmission goes on after these samples.
 */
static bool tel_dahdi_cid_fill(struct tel_dahdi_cid *cid,
			       const struct dahdi_chan *dchan, u8 *buf,
			       unsigned int samples)
{
	unsigned int i;

	for (i = 0; i < samples; i++) {
		if (cid->bit >= cid->nbits) {
			buf[i] = DAHDI_LIN2X(0, dchan);
			continue;
		}
		buf[i] = DAHDI_LIN2X(cid_sine(cid->phase), dchan);
		cid->phase += cid_bit(cid, cid->bit) ? CID_MARK_STEP :
			      CID_SPACE_STEP;
		cid->baud += CID_BAUD;
		if (cid->baud >= CID_RATE) {
			cid->baud -= CID_RATE;
			cid->bit++;
		}
	}
	return cid->bit < cid->nbits;
}

/* ---- the ring: cadence and caller ID ---- */

/*
 * Ringing voltage on or off, as an FXO port's ring detector reports it:
 * DAHDI_RXSIG_RING at the start of a ring (DAHDI queues RINGBEGIN), the
 * idle line's loop current at its end (DAHDI queues RINGOFFHOOK once the
 * ring has been gone for its ring trailer, 50 ms).  Under ring_lock.
 */
/* The ring's state alone, with no signal to DAHDI.  Under ring_lock. */
static void tel_dahdi_ring_enter(struct tel_dahdi_ring *ring,
				 enum tel_dahdi_ring_state state)
{
	ring->state = state;
	ring->ms = 0;
	if (state != TEL_DAHDI_RING_OFF)
		ring->cid_sending = false;
	if (state == TEL_DAHDI_RING_IDLE)
		ring->cid_pending = false;
}

static void tel_dahdi_ring_set(struct tel_dahdi_chan *tch,
			       enum tel_dahdi_ring_state state)
{
	bool was_on = tch->ring.state == TEL_DAHDI_RING_ON;
	bool on = state == TEL_DAHDI_RING_ON;

	lockdep_assert_held(&tch->tc->ring_lock);
	if (on != was_on)
		dahdi_hooksig(&tch->dchan, on ? DAHDI_RXSIG_RING :
			      DAHDI_RXSIG_OFFHOOK);
	tel_dahdi_ring_enter(&tch->ring, state);
}

/*
 * A call rings: first ring now, the caller ID in the first silence.
 * Under the card's lock (the signal callback).
 */
static void tel_dahdi_ring_start(struct tel_dahdi_chan *tch,
				 const struct tel_bridge_caller *caller)
{
	struct tel_dahdi_ring *ring = &tch->ring;
	unsigned long flags;

	spin_lock_irqsave(&tch->tc->ring_lock, flags);
	tel_dahdi_cid_init(&ring->cid, caller->number, caller->name,
			   caller->presentation, ktime_get_real_seconds());
	ring->cid_pending = true;
	tel_dahdi_ring_set(tch, TEL_DAHDI_RING_ON);
	spin_unlock_irqrestore(&tch->tc->ring_lock, flags);
}

static void tel_dahdi_ring_stop(struct tel_dahdi_chan *tch)
{
	unsigned long flags;

	spin_lock_irqsave(&tch->tc->ring_lock, flags);
	tel_dahdi_ring_set(tch, TEL_DAHDI_RING_IDLE);
	spin_unlock_irqrestore(&tch->tc->ring_lock, flags);
}

/*
 * One ms of a ringing line, before DAHDI receives the tick's chunk: the
 * cadence, and the caller ID's samples in place of the on-hook line's
 * silence.  Tick path, under ring_lock.
 */
static void tel_dahdi_ring_tick(struct tel_dahdi_chan *tch)
{
	struct tel_dahdi_ring *ring = &tch->ring;

	lockdep_assert_held(&tch->tc->ring_lock);
	if (ring->state == TEL_DAHDI_RING_IDLE)
		return;
	/* off hook: the ring is tripped (answered), caller ID or not */
	if (READ_ONCE(tch->want_offhook)) {
		tel_dahdi_ring_set(tch, TEL_DAHDI_RING_IDLE);
		return;
	}
	ring->ms++;
	if (ring->state == TEL_DAHDI_RING_ON) {
		if (ring->ms >= TEL_DAHDI_RING_ON_MS)
			tel_dahdi_ring_set(tch, TEL_DAHDI_RING_OFF);
		return;
	}
	if (ring->cid_pending && ring->ms >= TEL_DAHDI_CID_DELAY_MS) {
		ring->cid_pending = false;
		ring->cid_sending = true;
	}
	if (ring->cid_sending)
		ring->cid_sending = tel_dahdi_cid_fill(&ring->cid, &tch->dchan,
						       tch->dchan.readchunk,
						       DAHDI_CHUNKSIZE);
	if (ring->ms >= TEL_DAHDI_RING_OFF_MS)
		tel_dahdi_ring_set(tch, TEL_DAHDI_RING_ON);
}

/* ---- DAHDI's span operations ---- */

static int tel_dahdi_open(struct dahdi_chan *dchan)
{
	struct tel_dahdi_chan *tch = to_tch(dchan);
	int ret;

	mutex_lock(&tch->lock);
	tel_dahdi_ring_stop(tch);	/* whatever the last holder left */
	ret = tel_bridge_claim(tch->tc->card, tch->ch);
	if (!ret) {
		tch->claimed = true;
		tch->offhook = false;
	}
	mutex_unlock(&tch->lock);
	return ret;
}

static int tel_dahdi_close(struct dahdi_chan *dchan)
{
	struct tel_dahdi_chan *tch = to_tch(dchan);

	cancel_work_sync(&tch->hook_work);
	cancel_work_sync(&tch->flash_work);
	mutex_lock(&tch->lock);
	if (tch->claimed)
		tel_bridge_release(tch->tc->card, tch->ch);
	/*
	 * Once released no offer can ring the line; before it, one could
	 * (the bridge rings an offer on a held idle line), and a ring
	 * stopped earlier would start again for a call nobody holds.
	 */
	tel_dahdi_ring_stop(tch);
	tch->claimed = false;
	tch->offhook = false;
	/* a new open starts in-band, as DAHDI channels do */
	tch->tonedetect = 0;
	tch->ringing = false;
	mutex_unlock(&tch->lock);
	/* the line is idle again: loop current, as on a fresh open */
	dahdi_hooksig(dchan, DAHDI_RXSIG_OFFHOOK);
	return 0;
}

/*
 * DAHDI holds dchan->lock (a spinlock, interrupts off): defer the work.
 *
 * A hook flash (DAHDI_HOOK DAHDI_FLASH) reaches us as on hook, then off
 * hook once DAHDI's flash time is over; DAHDI sets txstate to
 * DAHDI_TXSTATE_FLASH before it asks for the on-hook half, and to
 * DAHDI_TXSTATE_ONHOOK for a real one.  Hanging up would end the call and
 * dial again: the on-hook half becomes the card's own hook flash, of
 * DAHDI's flash time, the off-hook half then changes nothing, and the
 * call goes on.
 */
static int tel_dahdi_hooksig(struct dahdi_chan *dchan, enum dahdi_txsig txsig)
{
	struct tel_dahdi_chan *tch = to_tch(dchan);
	bool offhook = txsig == DAHDI_TXSIG_OFFHOOK ||
		       txsig == DAHDI_TXSIG_START;

	if (!offhook && dchan->txstate == TEL_DAHDI_TXSTATE_FLASH) {
		queue_work(tel_dahdi_wq, &tch->flash_work);
		return 0;
	}
	WRITE_ONCE(tch->want_offhook, offhook);
	queue_work(tel_dahdi_wq, &tch->hook_work);
	return 0;
}

static void tel_dahdi_flash_work(struct work_struct *work)
{
	struct tel_dahdi_chan *tch = container_of(work, struct tel_dahdi_chan,
						  flash_work);
	int ret;

	mutex_lock(&tch->lock);
	if (tch->claimed && tch->offhook) {
		ret = tel_bridge_flash(tch->tc->card, tch->ch,
				       READ_ONCE(tch->dchan.flashtime));
		if (ret)
			dev_dbg(&tch->tc->ddev->dev, "channel %u: flash: %d\n",
				tch->ch, ret);
	}
	mutex_unlock(&tch->lock);
}

/*
 * Give the call on the line the card's detector as DAHDI_TONEDETECT asked
 * (@tonedetect: DAHDI_TONEDETECT_*; MUTE alone mutes nothing, for nothing
 * is detected).  Under tch->lock, process context: tel_bridge_monitor()
 * sleeps on the card's mailbox.
 */
static int tel_dahdi_detect(struct tel_dahdi_chan *tch, int tonedetect)
{
	bool on = tonedetect & DAHDI_TONEDETECT_ON;

	lockdep_assert_held(&tch->lock);
	return tel_bridge_monitor(tch->tc->card, tch->ch, on,
				  on && (tonedetect & DAHDI_TONEDETECT_MUTE));
}

static void tel_dahdi_hook_work(struct work_struct *work)
{
	struct tel_dahdi_chan *tch = container_of(work, struct tel_dahdi_chan,
						  hook_work);
	struct tel_card *card = tch->tc->card;
	bool want;
	int ret;

	mutex_lock(&tch->lock);
	while (tch->claimed && (want = READ_ONCE(tch->want_offhook)) !=
	       tch->offhook) {
		WRITE_ONCE(tch->offhook, want);
		if (!want) {
			tel_bridge_onhook(card, tch->ch);
			tch->ringing = false;
			/* loop current back: the next disconnect is an edge */
			dahdi_hooksig(&tch->dchan, DAHDI_RXSIG_OFFHOOK);
			continue;
		}
		ret = tel_bridge_offhook(card, tch->ch,
					 READ_ONCE(tel_dahdi_number));
		if (ret) {
			/* a dead line: the application hears a disconnect */
			dev_dbg(&tch->tc->ddev->dev, "channel %u: off hook: %d\n",
				tch->ch, ret);
			dahdi_hooksig(&tch->dchan, DAHDI_RXSIG_ONHOOK);
			continue;
		}
		/*
		 * The card's DIAL and ANSWER turn its detector off: a new
		 * call gets it again (a far end that hung up already:
		 * -ENOTCONN, nothing to detect).
		 */
		if (tch->tonedetect) {
			ret = tel_dahdi_detect(tch, tch->tonedetect);
			if (ret)
				dev_dbg(&tch->tc->ddev->dev,
					"channel %u: tone detection: %d\n",
					tch->ch, ret);
		}
	}
	mutex_unlock(&tch->lock);
}

/*
 * DAHDI_TONEDETECT: hardware DTMF, the card's detector.  The setting is
 * kept for the channel's later calls until close; on an off-hook line it
 * applies at once (tel_bridge_monitor(), the call core's one path).  A
 * card without a detector answers -ENOTTY, what DAHDI answers for a span
 * without the ioctl (and xpp's FXO ports for this one; wctdm24xxp and
 * wcaxx say -ENOSYS): chan_dahdi takes any error as "no hardware DTMF"
 * and detects in-band.  Process context (the channel's ioctl, no DAHDI
 * lock held): may sleep.
 */
static int tel_dahdi_tonedetect(struct tel_dahdi_chan *tch, int tonedetect)
{
	int ret;

	if (tonedetect & ~(DAHDI_TONEDETECT_ON | DAHDI_TONEDETECT_MUTE))
		return -EINVAL;
	mutex_lock(&tch->lock);
	if (!tch->claimed) {
		ret = -ENODEV;
		goto out;
	}
	ret = tel_dahdi_detect(tch, tonedetect);
	/* on hook, or the call is over: the next call gets it */
	if (ret == -ENOTCONN)
		ret = 0;
	if (!ret)
		tch->tonedetect = tonedetect;
	else if (ret == -EOPNOTSUPP)
		ret = -ENOTTY;
out:
	mutex_unlock(&tch->lock);
	return ret;
}

static int tel_dahdi_ioctl(struct dahdi_chan *dchan, unsigned int cmd,
			   unsigned long data)
{
	int val;

	switch (cmd) {
	case DAHDI_TONEDETECT:
		if (get_user(val, (int __user *)data))
			return -EFAULT;
		return tel_dahdi_tonedetect(to_tch(dchan), val);
	default:
		return -ENOTTY;
	}
}

static const struct dahdi_span_ops tel_dahdi_span_ops = {
	.owner = THIS_MODULE,
	.open = tel_dahdi_open,
	.close = tel_dahdi_close,
	.hooksig = tel_dahdi_hooksig,
	.ioctl = tel_dahdi_ioctl,
};

/* ---- tel.ko's bridge callbacks ---- */

/* Hard interrupt, under the card's bridge_lock: one DAHDI chunk per tick. */
static void tel_dahdi_tick(void *priv, unsigned int frames)
{
	struct tel_dahdi_card *tc = priv;
	u32 ch;

	while (frames--) {
		for (ch = 0; ch < tc->nr; ch++) {
			struct dahdi_chan *dchan = &tc->tch[ch].dchan;

			if (!tel_bridge_rx(tc->card, ch, dchan->readchunk)) {
				memset(dchan->readchunk, TEL_DAHDI_SILENCE,
				       DAHDI_CHUNKSIZE);
				if (READ_ONCE(tc->tch[ch].offhook))
					tc->rx_missing++;
			}
		}
		/* the rings, and caller ID over the chunks just received */
		spin_lock(&tc->ring_lock);
		for (ch = 0; ch < tc->nr; ch++)
			tel_dahdi_ring_tick(&tc->tch[ch]);
		spin_unlock(&tc->ring_lock);
		dahdi_ec_span(&tc->span);
		dahdi_receive(&tc->span);
		dahdi_transmit(&tc->span);
		for (ch = 0; ch < tc->nr; ch++)
			if (!tel_bridge_tx(tc->card, ch,
					   tc->tch[ch].dchan.writechunk) &&
			    READ_ONCE(tc->tch[ch].offhook))
				tc->tx_dropped++;
		tc->ticks++;
	}
}

/* Under the card's lock (a mutex): DAHDI's signalling calls only. */
static void tel_dahdi_signal(void *priv, u32 ch, enum tel_bridge_sig sig,
			     const union tel_bridge_sig_data *data)
{
	struct tel_dahdi_card *tc = priv;
	struct tel_dahdi_chan *tch;
	unsigned long flags;

	if (ch == U32_MAX) {
		/* the card failed or went: red alarm, every line dead */
		tc->span.alarms = DAHDI_ALARM_RED;
		dahdi_alarm_notify(&tc->span);
		spin_lock_irqsave(&tc->ring_lock, flags);
		for (ch = 0; ch < tc->nr; ch++) {
			/* no loop current to restore: the line is dead */
			tel_dahdi_ring_enter(&tc->tch[ch].ring,
					     TEL_DAHDI_RING_IDLE);
			dahdi_hooksig(&tc->tch[ch].dchan, DAHDI_RXSIG_ONHOOK);
		}
		spin_unlock_irqrestore(&tc->ring_lock, flags);
		return;
	}
	if (ch >= tc->nr)
		return;
	tch = &tc->tch[ch];
	switch (sig) {
	case TEL_BRIDGE_RING: {
		/* no caller given: a line with caller ID, caller unknown */
		static const struct tel_bridge_caller unknown = {
			.presentation = TEL_BRIDGE_PRES_UNAVAILABLE,
		};

		WRITE_ONCE(tch->ringing, true);
		tel_dahdi_ring_start(tch, data ? &data->caller : &unknown);
		break;
	}
	case TEL_BRIDGE_CANCEL:
		WRITE_ONCE(tch->ringing, false);
		tel_dahdi_ring_stop(tch);
		break;
	case TEL_BRIDGE_ANSWER:
		/* answer supervision of an outbound call: polarity reversal */
		if (!READ_ONCE(tch->ringing))
			dahdi_qevent_lock(&tch->dchan, DAHDI_EVENT_POLARITY);
		break;
	case TEL_BRIDGE_HANGUP:
		tel_dahdi_ring_stop(tch);
		dahdi_hooksig(&tch->dchan, DAHDI_RXSIG_ONHOOK);
		break;
	case TEL_BRIDGE_DIGIT:
		/*
		 * The card reports a digit when its tone ends: key down and
		 * key up come together, the digit's duration after it began.
		 */
		if (!data)
			break;
		dahdi_qevent_lock(&tch->dchan,
				  DAHDI_EVENT_DTMFDOWN | data->digit.digit);
		dahdi_qevent_lock(&tch->dchan,
				  DAHDI_EVENT_DTMFUP | data->digit.digit);
		break;
	}
}

static void tel_dahdi_free(struct tel_dahdi_card *tc)
{
	if (tc->ddev) {
		kfree(tc->ddev->location);
		kfree(tc->ddev->hardware_id);
		tc->ddev->location = NULL;
		tc->ddev->hardware_id = NULL;
		dahdi_free_device(tc->ddev);
	}
	kfree(tc->chans);
	kfree(tc->tch);
	kfree(tc);
}

static int tel_dahdi_attach(struct tel_card *card,
			    const struct tel_bridge_card_info *info, void **priv)
{
	struct tel_dahdi_card *tc;
	struct dahdi_span *span;
	u32 ch;
	int ret = -ENOMEM;

	tc = kzalloc(sizeof(*tc), GFP_KERNEL);
	if (!tc)
		return -ENOMEM;
	tc->card = card;
	tc->nr = info->channels;
	spin_lock_init(&tc->ring_lock);
	tc->tch = kcalloc(tc->nr, sizeof(*tc->tch), GFP_KERNEL);
	tc->chans = kcalloc(tc->nr, sizeof(*tc->chans), GFP_KERNEL);
	tc->ddev = dahdi_create_device();
	if (!tc->tch || !tc->chans || !tc->ddev)
		goto err_free;
	tc->ddev->manufacturer = "tel";
	tc->ddev->devicetype = "tel telephony card";
	tc->ddev->location = kasprintf(GFP_KERNEL, "tel%u", info->index);
	tc->ddev->hardware_id = kasprintf(GFP_KERNEL, "tel:%s", info->serial);
	if (!tc->ddev->location || !tc->ddev->hardware_id)
		goto err_free;

	span = &tc->span;
	snprintf(span->name, sizeof(span->name), "TEL/%u", info->index);
	snprintf(span->desc, sizeof(span->desc), "%s card %u serial %s",
		 info->model, info->index, info->serial);
	span->spantype = SPANTYPE_ANALOG_FXO;
	span->deflaw = DAHDI_LAW_MULAW;
	span->flags = DAHDI_FLAG_RBS;
	span->channels = tc->nr;
	span->chans = tc->chans;
	span->ops = &tel_dahdi_span_ops;
	for (ch = 0; ch < tc->nr; ch++) {
		struct tel_dahdi_chan *tch = &tc->tch[ch];

		tch->tc = tc;
		tch->ch = ch;
		mutex_init(&tch->lock);
		INIT_WORK(&tch->hook_work, tel_dahdi_hook_work);
		INIT_WORK(&tch->flash_work, tel_dahdi_flash_work);
		snprintf(tch->dchan.name, sizeof(tch->dchan.name),
			 "TEL/%u/%u", info->index, ch + 1);
		tch->dchan.sigcap = DAHDI_SIG_FXSKS | DAHDI_SIG_FXSLS;
		tch->dchan.chanpos = ch + 1;
		tch->dchan.pvt = tch;
		tc->chans[ch] = &tch->dchan;
	}
	list_add_tail(&span->device_node, &tc->ddev->spans);
	ret = dahdi_register_device(tc->ddev, info->dev);
	if (ret)
		goto err_free;
	/* an idle line has loop current */
	for (ch = 0; ch < tc->nr; ch++)
		dahdi_hooksig(&tc->tch[ch].dchan, DAHDI_RXSIG_OFFHOOK);
	dev_info(info->dev, "DAHDI span %d (%s): %u channels from %d\n",
		 span->spanno, span->name, tc->nr,
		 tc->nr ? tc->chans[0]->channo : 0);
	*priv = tc;
	return 0;

err_free:
	tel_dahdi_free(tc);
	return ret;
}

static void tel_dahdi_detach(struct tel_card *card, void *priv)
{
	struct tel_dahdi_card *tc = priv;
	u32 ch;

	/* DAHDI closes the channels still open (tel_dahdi_close()) */
	dahdi_unregister_device(tc->ddev);
	for (ch = 0; ch < tc->nr; ch++) {
		cancel_work_sync(&tc->tch[ch].hook_work);
		cancel_work_sync(&tc->tch[ch].flash_work);
	}
	pr_info("tel_dahdi: %s: %llu ticks, %llu rx frames missing, %llu tx frames dropped\n",
		tc->span.name, tc->ticks, tc->rx_missing, tc->tx_dropped);
	mutex_lock(&tel_dahdi_dead_lock);
	list_add_tail(&tc->node, &tel_dahdi_dead);
	mutex_unlock(&tel_dahdi_dead_lock);
}

static const struct tel_bridge_ops tel_dahdi_bridge_ops = {
	.owner = THIS_MODULE,
	.name = "dahdi",
	.attach = tel_dahdi_attach,
	.detach = tel_dahdi_detach,
	.tick = tel_dahdi_tick,
	.signal = tel_dahdi_signal,
};

static int __init tel_dahdi_init(void)
{
	int ret;

	tel_dahdi_wq = alloc_workqueue("tel_dahdi", WQ_UNBOUND, 0);
	if (!tel_dahdi_wq)
		return -ENOMEM;
	ret = tel_bridge_register(&tel_dahdi_bridge_ops);
	if (ret)
		destroy_workqueue(tel_dahdi_wq);
	return ret;
}

static void __exit tel_dahdi_exit(void)
{
	struct tel_dahdi_card *tc, *next;

	tel_bridge_unregister(&tel_dahdi_bridge_ops);
	destroy_workqueue(tel_dahdi_wq);
	list_for_each_entry_safe(tc, next, &tel_dahdi_dead, node) {
		list_del(&tc->node);
		tel_dahdi_free(tc);
	}
}

module_init(tel_dahdi_init);
module_exit(tel_dahdi_exit);

MODULE_DESCRIPTION("DAHDI bridge for the tel telephony card");
MODULE_LICENSE("GPL");
