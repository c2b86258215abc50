// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * card.c - the card's memory window: identity, mailbox, event queue,
 * interrupts and the per-card tick.
 *
 * The window is shared with a guest that may write anything anywhere at
 * any time, so every value read from it is treated as untrusted input and
 * every access is a single naturally aligned 32-bit atomic: acquire for
 * what the driver wrote (so the data it published before is visible),
 * release for what we publish (so our data is visible before the index).
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "telemu.h"

uint32_t win_load(struct emu_card *c, uint32_t off)
{
	uint32_t *p = (uint32_t *)(c->win + off);

	return le32toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

void win_store(struct emu_card *c, uint32_t off, uint32_t val)
{
	uint32_t *p = (uint32_t *)(c->win + off);

	__atomic_store_n(p, htole32(val), __ATOMIC_RELEASE);
}

static uint32_t ch_off(struct emu_chan *ch, uint32_t reg)
{
	return TEL_CH_BASE + ch->index * TEL_CH_STRIDE + reg;
}

uint32_t ch_load(struct emu_card *c, struct emu_chan *ch, uint32_t reg)
{
	return win_load(c, ch_off(ch, reg));
}

void ch_store(struct emu_card *c, struct emu_chan *ch, uint32_t reg,
	      uint32_t val)
{
	win_store(c, ch_off(ch, reg), val);
}

/* Copy a string into a zeroed char[32] field, keeping the NUL. */
static void str_field(uint8_t *dst, const char *s)
{
	memcpy(dst, s, strnlen(s, TEL_ID_STR_LEN - 1));
}

static void chan_dsp_reset(struct emu_chan *ch);
static void det_report(void *user, int code, int level, int delay);

static void win_str(struct emu_card *c, uint32_t off, const char *s)
{
	str_field(c->win + off, s);
}

/*
 * Power-on state of the window.  STATUS is stored last so that a driver
 * that sees READY also sees the whole identity block.
 */
void card_init_window(struct emu_card *c)
{
	char buf[TEL_ID_STR_LEN];
	unsigned int i;

	memset(c->win, 0, TEL_WIN_SIZE);
	memcpy(c->win + TEL_ID_MAGIC, TEL_MAGIC, TEL_MAGIC_LEN);
	win_store(c, TEL_ID_VERSION, TEL_VERSION);
	win_store(c, TEL_ID_CHANNELS, c->nch);
	win_store(c, TEL_ID_FRAME_SAMPLES, EMU_FRAME);
	win_store(c, TEL_ID_SAMPLE_RATE, 8000);
	win_store(c, TEL_ID_CAPS, c->caps);
	win_store(c, TEL_ID_DOORBELL_PEER, EMU_PEER_ID);
	win_store(c, TEL_ID_CONF_MEMBERS, c->conf_members_id);
	snprintf(buf, sizeof(buf), EMU_MODEL "%u", c->nch);
	win_str(c, TEL_ID_MODEL, buf);
	win_str(c, TEL_ID_FIRMWARE, EMU_FIRMWARE);
	snprintf(buf, sizeof(buf), EMU_SERIAL, c->serial);
	win_str(c, TEL_ID_SERIAL, buf);

	c->evq_head = 0;
	c->tick_irq_count = 0;
	c->dropped_valid = false;
	for (i = 0; i < c->nch; i++) {
		c->ch[i].state = TEL_CHST_IDLE;
		c->ch[i].step = STEP_NONE;
		c->ch[i].ring_bytes = 0;
		chan_dsp_reset(&c->ch[i]);
	}
	win_store(c, TEL_STATUS, TEL_STATUS_READY);
}

int card_create(struct emu_card *c, unsigned int index, unsigned int nch,
		unsigned int serial)
{
	char name[32];
	unsigned int i;

	c->index = index;
	c->nch = nch;
	c->serial = serial;
	c->caps = EMU_CAPS;
	c->conf_members_id = EMU_CONF_MEMBERS;
	c->conn_fd = -1;
	c->listen_fd = -1;
	for (i = 0; i < TEL_NR_IRQS; i++) {
		c->db_fd[i] = -1;
		c->irq_fd[i] = -1;
	}
	c->ch = calloc(nch, sizeof(*c->ch));
	if (!c->ch)
		return -ENOMEM;
	for (i = 0; i < nch; i++) {
		c->ch[i].card = c;
		c->ch[i].index = i;
		c->ch[i].gen = dtmf_tx_init(NULL);
		c->ch[i].det = card_det_init(NULL, det_report, &c->ch[i]);
		if (!c->ch[i].gen || !c->ch[i].det || far_dsp_init(&c->ch[i]))
			return -ENOMEM;
		c->ch[i].far_mode = FAR_ANSWER;
		c->ch[i].far_delay = EMU_ANSWER_TICKS;
		c->ch[i].audio_mode = AUDIO_PATTERN;
		crc_reset(&c->ch[i].far_rx);
		crc_reset(&c->ch[i].far_tx);
	}

	snprintf(name, sizeof(name), "tel-card%u", index);
	c->memfd = memfd_create(name, MFD_CLOEXEC);
	if (c->memfd < 0)
		return -errno;
	if (ftruncate(c->memfd, TEL_WIN_SIZE) < 0)
		return -errno;
	c->win = mmap(NULL, TEL_WIN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		      c->memfd, 0);
	if (c->win == MAP_FAILED) {
		c->win = NULL;
		return -errno;
	}

	card_init_window(c);
	return 0;
}

/*
 * The card left the bus (QEMU went away, or the device was deleted).
 * Nothing may touch guest memory any more: the guest may have freed the
 * rings, or the RAM file may belong to the next guest.
 */
void card_detach(struct emu_card *c)
{
	unsigned int i;

	c->connected = false;
	for (i = 0; i < c->nch; i++) {
		chan_unbind(c, &c->ch[i]);
		chan_dsp_reset(&c->ch[i]);
		c->ch[i].step = STEP_NONE;
		c->ch[i].state = TEL_CHST_IDLE;
	}
}

static bool card_enabled(struct emu_card *c)
{
	return c->connected && (win_load(c, TEL_CTRL) & TEL_CTRL_ENABLE);
}

void card_raise(struct emu_card *c, unsigned int vector)
{
	uint64_t one = 1;

	if (!card_enabled(c) || c->irq_fd[vector] < 0)
		return;
	/* A full eventfd counter (EAGAIN) still means "pending": fine. */
	if (write(c->irq_fd[vector], &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		emu_err("card%u: irq %u: %m", c->index, vector);
	c->irqs++;
}

void ev_init(uint8_t *e, uint32_t type, uint32_t chan, uint32_t state)
{
	memset(e, 0, TEL_EVQ_ENTRY_SIZE);
	ev_put32(e, TEL_EV_TYPE, type);
	ev_put32(e, TEL_EV_CHANNEL, chan);
	ev_put32(e, TEL_EV_STATE, state);
}

void ev_put32(uint8_t *e, uint32_t off, uint32_t val)
{
	uint32_t le = htole32(val);

	memcpy(e + off, &le, sizeof(le));
}

/*
 * Queue one event entry.  Returns false if it was not queued (disabled
 * or full); the caller raises TEL_IRQ_EVENT, so a burst costs one irq.
 */
static bool evq_push_entry(struct emu_card *c, const uint8_t *entry)
{
	uint32_t tail = win_load(c, TEL_CTRL_EVQ_TAIL);
	uint8_t *e;

	if (!card_enabled(c))
		return false;
	if (c->evq_head - tail >= TEL_EVQ_ENTRIES) {
		win_store(c, TEL_STATUS_EVQ_LOST,
			  win_load(c, TEL_STATUS_EVQ_LOST) + 1);
		return false;
	}
	e = c->win + TEL_EVQ_BASE +
	    (c->evq_head % TEL_EVQ_ENTRIES) * TEL_EVQ_ENTRY_SIZE;
	memcpy(e, entry, TEL_EVQ_ENTRY_SIZE);
	c->evq_head++;
	win_store(c, TEL_EVQ_HEAD, c->evq_head);
	return true;
}

/* @raw: a raw number field (control: lie number), NUL or not */
static bool evq_push(struct emu_card *c, uint32_t type, uint32_t chan,
		     uint32_t state, uint32_t cause, const char *number,
		     const uint8_t *raw)
{
	uint8_t e[TEL_EVQ_ENTRY_SIZE];

	ev_init(e, type, chan, state);
	ev_put32(e, TEL_EV_CAUSE, cause);
	if (number)
		str_field(e + TEL_EV_NUMBER, number);
	if (raw)
		memcpy(e + TEL_EV_NUMBER, raw, TEL_DIGITS_LEN);
	return evq_push_entry(c, e);
}

/* Queue a built entry and raise the event irq. */
bool card_emit_entry(struct emu_card *c, const uint8_t *e)
{
	if (!evq_push_entry(c, e))
		return false;
	card_raise(c, TEL_IRQ_EVENT);
	return true;
}

bool card_emit(struct emu_card *c, uint32_t type, struct emu_chan *ch,
	       uint32_t cause, const char *number)
{
	bool queued;

	queued = evq_push(c, type, ch->index, ch->state, cause, number, NULL);
	if (queued)
		card_raise(c, TEL_IRQ_EVENT);
	return queued;
}

/*
 * An OFFER with caller id.  With a presentation other than ALLOWED the
 * card does not pass the number or the name on (TEL_PRES_*).  A card
 * without TEL_CAP_CALLER_ID passes the number alone: name and
 * presentation stay zero, and a withheld number never reached it.
 */
bool card_emit_offer(struct emu_card *c, struct emu_chan *ch, uint32_t pres,
		     const char *number, const char *name)
{
	bool cid = c->caps & TEL_CAP_CALLER_ID;
	uint8_t e[TEL_EVQ_ENTRY_SIZE];

	ev_init(e, TEL_HWEV_OFFER, ch->index, ch->state);
	if (cid)
		ev_put32(e, TEL_EV_PRESENTATION, pres);
	if (pres == TEL_PRES_ALLOWED) {
		str_field(e + TEL_EV_NUMBER, number);
		if (name && cid)
			memcpy(e + TEL_EV_NAME, name,
			       strnlen(name, TEL_EV_NAME_LEN - 1));
	}
	return card_emit_entry(c, e);
}

/*
 * control: lie.  An event with whatever fields the test asks for, and a
 * raw 32-byte number field (no NUL needed).
 */
bool card_emit_raw(struct emu_card *c, uint32_t type, uint32_t chan,
		   uint32_t state, uint32_t cause, const uint8_t *number)
{
	if (!evq_push(c, type, chan, state, cause, NULL, number))
		return false;
	card_raise(c, TEL_IRQ_EVENT);
	return true;
}

/* control: lie evq-ahead.  The head jumps over @n entries never written. */
void card_evq_skip(struct emu_card *c, uint32_t n)
{
	c->evq_head += n;
	win_store(c, TEL_EVQ_HEAD, c->evq_head);
	card_raise(c, TEL_IRQ_EVENT);
}

/* control: fault evq-flood; one irq for the whole burst */
void card_flood(struct emu_card *c, unsigned long n)
{
	bool any = false;

	while (n--)
		any |= evq_push(c, TEL_HWEV_STATE, 0, c->ch[0].state, 0, NULL,
				NULL);
	if (any)
		card_raise(c, TEL_IRQ_EVENT);
}

/* ---- DSP: DTMF out (TEL_OP_DIGITS), DTMF in (TEL_OP_DETECT) ---- */

bool dtmf_digit_ok(int d)
{
	return d && strchr("0123456789*#ABCD", d);
}

static int16_t sat16(int v)
{
	return v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v;
}

/* Start the next queued digit in the generator, with its own timing. */
static void gen_next(struct emu_chan *ch)
{
	struct emu_digit *d = &ch->dq[ch->dq_head];

	dtmf_tx_set_timing(ch->gen, d->tone_ms, d->gap_ms);
	dtmf_tx_put(ch->gen, &d->digit, 1);
	ch->dq_head = (ch->dq_head + 1) % EMU_DIGITS_Q;
	ch->dq_len--;
	ch->gen_busy = true;
}

/*
 * Host -> line: mix the queued digits into the frame the host wrote (or
 * the silence sent for a missing one): sum of linear samples, saturated.
 * A frame with no tone in it is passed on untouched, byte for byte.
 */
void card_dsp_tx(struct emu_card *c, struct emu_chan *ch, uint8_t *frame)
{
	int16_t amp[EMU_FRAME] = { 0 };
	uint8_t e[TEL_EVQ_ENTRY_SIZE];
	int n = 0, got, i;

	if (!ch->gen_busy && !ch->dq_len)
		return;
	while (n < EMU_FRAME) {
		if (!ch->gen_busy) {
			if (!ch->dq_len)
				break;
			gen_next(ch);
		}
		got = dtmf_tx(ch->gen, amp + n, EMU_FRAME - n);
		n += got > 0 ? got : 0;
		if (n < EMU_FRAME) {	/* short: tone and gap are over */
			ch->gen_busy = false;
			ch->gen_sent++;
			ch->digits_sent++;
		}
	}
	for (i = 0; i < n; i++)
		frame[i] = linear_to_ulaw(sat16(ulaw_to_linear(frame[i]) +
						amp[i]));
	if (ch->gen_busy || ch->dq_len)
		return;
	ev_init(e, TEL_HWEV_DIGITS_SENT, ch->index, ch->state);
	ev_put32(e, TEL_EV_SENT, ch->gen_sent);
	ch->gen_sent = 0;
	card_emit_entry(c, e);
}

/* The tone heard since det_start ended (det_pos: the sample now fed). */
static void det_end(struct emu_card *c, struct emu_chan *ch)
{
	uint8_t e[TEL_EVQ_ENTRY_SIZE];
	uint64_t end = ch->det_pos > EMU_DTMF_END_LAG ?
		       ch->det_pos - EMU_DTMF_END_LAG : 0;
	uint32_t ms = end > ch->det_start ?
		      (end - ch->det_start) / EMU_FRAME : 0;

	ev_init(e, TEL_HWEV_DIGIT, ch->index, ch->state);
	ev_put32(e, TEL_EV_DIGIT, ch->det_digit);
	ev_put32(e, TEL_EV_START, ch->det_start_tick);
	ev_put32(e, TEL_EV_DURATION, ms);
	ch->det_digit = 0;
	ch->digits_detected++;
	card_emit_entry(c, e);
}

/* spandsp's realtime report: a tone began (code) or ended (0). */
static void det_report(void *user, int code, int level, int delay)
{
	struct emu_chan *ch = user;
	struct emu_card *c = ch->card;
	uint64_t back;

	(void)level;
	(void)delay;
	if (ch->det_digit)
		det_end(c, ch);
	if (!code)
		return;
	ch->det_digit = code;
	ch->det_start = ch->det_pos > EMU_DTMF_START_LAG ?
			ch->det_pos - EMU_DTMF_START_LAG : 0;
	/* sample det_base + k was moved in this tick, for k = 0..7 */
	back = ch->det_base + EMU_FRAME - 1 - ch->det_start;
	ch->det_start_tick = win_load(c, TEL_STATUS_TICKS) -
			     (uint32_t)(back / EMU_FRAME);
}

static void det_reset(struct emu_chan *ch)
{
	card_det_init(ch->det, det_report, ch);
	ch->det_pos = 0;
	ch->det_base = 0;
	ch->det_digit = 0;
}

/*
 * Line -> host: detect digits in the frame about to go into the rx ring;
 * with TEL_DETECT_MUTE the samples from the report of a tone to the
 * report of its end become silence.  Sample by sample, so a report is
 * dated to its sample.
 */
void card_dsp_rx(struct emu_card *c, struct emu_chan *ch, uint8_t *frame)
{
	int i;

	(void)c;
	if (!(ch->detect & TEL_DETECT_ON))
		return;
	ch->det_base = ch->det_pos;
	for (i = 0; i < EMU_FRAME; i++, ch->det_pos++) {
		card_det_feed(ch->det, frame[i]);
		if (ch->det_digit && (ch->detect & TEL_DETECT_MUTE))
			frame[i] = 0xff;
	}
}

/* A new call, or none: the card's DSP forgets everything. */
static void chan_dsp_reset(struct emu_chan *ch)
{
	dtmf_tx_init(ch->gen);
	ch->dq_head = 0;
	ch->dq_len = 0;
	ch->gen_busy = false;
	ch->gen_sent = 0;
	ch->detect = 0;
	det_reset(ch);
	ch->flash_left = 0;
}

void chan_set_state(struct emu_card *c, struct emu_chan *ch, uint32_t state)
{
	ch->state = state;
	if (state != TEL_CHST_CONF) {
		ch->conf = 0;	/* out of its conference, however it left */
		ch->conf_port = false;
	}
	ch_store(c, ch, TEL_CH_STATE, state);
}

void chan_unbind(struct emu_card *c, struct emu_chan *ch)
{
	ch->ring_bytes = 0;
	ch->rx_addr = 0;
	ch->tx_addr = 0;
	ch_store(c, ch, TEL_CH_RING_BYTES, 0);
}

/* Back to on hook and idle; the far end forgets the call. */
static void chan_on_hook(struct emu_card *c, struct emu_chan *ch)
{
	chan_unbind(c, ch);
	chan_dsp_reset(ch);	/* a flash running ends without its event */
	ch->far_playing = false;	/* what it heard stays, for stats */
	ch->step = STEP_NONE;
	chan_set_state(c, ch, TEL_CHST_IDLE);
	ch_store(c, ch, TEL_CH_HOOK, 0);
}

static bool ring_ok(uint64_t addr, uint32_t bytes)
{
	return addr != 0 && addr <= emu_ram.size &&
	       bytes <= emu_ram.size - addr;
}

static uint64_t cmd_addr(struct emu_card *c, uint32_t lo)
{
	return win_load(c, lo) | (uint64_t)win_load(c, lo + 4) << 32;
}

/*
 * DIAL and ANSWER: take the rings and start a fresh call on the channel.
 * The driver must not touch the indices until the command completed, so
 * zeroing the driver-owned ones too is safe.
 */
static uint32_t chan_bind(struct emu_card *c, struct emu_chan *ch)
{
	uint32_t bytes = win_load(c, TEL_CMD_RING_BYTES);
	uint64_t rx = cmd_addr(c, TEL_CMD_RX_ADDR_LO);
	uint64_t tx = cmd_addr(c, TEL_CMD_TX_ADDR_LO);
	static const uint32_t zero_regs[] = {
		TEL_CH_RX_HEAD, TEL_CH_RX_TAIL, TEL_CH_TX_HEAD, TEL_CH_TX_TAIL,
		TEL_CH_RX_FRAMES, TEL_CH_TX_FRAMES, TEL_CH_RX_OVERRUNS,
		TEL_CH_TX_UNDERRUNS, TEL_CH_CAUSE,
	};
	unsigned int i;

	if (c->f_badaddr)
		return TEL_CMDST_BADADDR;
	if (bytes < 64 || bytes > 65536 || (bytes & (bytes - 1)))
		return TEL_CMDST_BADADDR;
	if (!ring_ok(rx, bytes) || !ring_ok(tx, bytes))
		return TEL_CMDST_BADADDR;

	for (i = 0; i < sizeof(zero_regs) / sizeof(zero_regs[0]); i++)
		ch_store(c, ch, zero_regs[i], 0);
	ch->rx_addr = rx;
	ch->tx_addr = tx;
	ch->ring_bytes = bytes;
	ch->pattern_k = 0;
	ch->rx_frozen = false;
	ch->tx_frozen = false;
	crc_reset(&ch->far_rx);
	crc_reset(&ch->far_tx);
	chan_dsp_reset(ch);
	far_dsp_reset(ch);
	ch_store(c, ch, TEL_CH_RING_BYTES, bytes);
	ch_store(c, ch, TEL_CH_HOOK, 1);
	return TEL_CMDST_OK;
}

static uint32_t op_dial(struct emu_card *c, struct emu_chan *ch)
{
	char digits[TEL_DIGITS_LEN];
	uint32_t st;

	if (ch->state != TEL_CHST_IDLE)
		return TEL_CMDST_BUSY;
	memcpy(digits, c->win + TEL_CMD_DIGITS, sizeof(digits));
	if (!memchr(digits, 0, sizeof(digits)) || !digits[0])
		return TEL_CMDST_INVAL;
	st = chan_bind(c, ch);
	if (st != TEL_CMDST_OK)
		return st;
	memcpy(ch->digits, digits, sizeof(digits));
	memcpy(ch->party, digits, sizeof(digits));
	ch->dials++;
	chan_set_state(c, ch, TEL_CHST_DIALING);
	far_dialled(c, ch);
	return TEL_CMDST_OK;
}

static uint32_t op_answer(struct emu_card *c, struct emu_chan *ch)
{
	uint32_t st;

	if (ch->state != TEL_CHST_OFFERING)
		return TEL_CMDST_BUSY;
	st = chan_bind(c, ch);
	if (st != TEL_CMDST_OK)
		return st;
	ch->answers++;
	chan_set_state(c, ch, TEL_CHST_CONNECTED);
	card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
	return TEL_CMDST_OK;
}

static uint32_t op_hangup(struct emu_card *c, struct emu_chan *ch)
{
	if (ch->state == TEL_CHST_OFFERING)
		emu_dbg("card%u ch%u: offer rejected", c->index, ch->index);
	ch->hangups++;
	ch->hangup_cause = win_load(c, TEL_CMD_ARG);
	chan_on_hook(c, ch);
	return TEL_CMDST_OK;
}

/* ARG half: 0 is the default, else MIN..MAX; -1 if out of range. */
static int dtmf_ms(uint32_t v)
{
	if (!v)
		return TEL_DTMF_DEFAULT_MS;
	if (v < TEL_DTMF_MIN_MS || v > TEL_DTMF_MAX_MS)
		return -1;
	return v;
}

/* Arguments first (INVAL), then the state (BUSY), then room (FULL). */
static uint32_t op_digits(struct emu_card *c, struct emu_chan *ch)
{
	uint32_t arg = win_load(c, TEL_CMD_ARG);
	int tone = dtmf_ms(arg & 0xffff), gap = dtmf_ms(arg >> 16);
	char digits[TEL_DIGITS_LEN];
	unsigned int i, n, slot;

	memcpy(digits, c->win + TEL_CMD_DIGITS, sizeof(digits));
	if (!memchr(digits, 0, sizeof(digits)) || !digits[0] ||
	    tone < 0 || gap < 0)
		return TEL_CMDST_INVAL;
	n = strlen(digits);
	for (i = 0; i < n; i++)
		if (!dtmf_digit_ok(digits[i]))
			return TEL_CMDST_INVAL;
	if (ch->state != TEL_CHST_CONNECTED)
		return TEL_CMDST_BUSY;
	if (ch->dq_len + n > EMU_DIGITS_Q)
		return TEL_CMDST_FULL;
	for (i = 0; i < n; i++) {
		slot = (ch->dq_head + ch->dq_len++) % EMU_DIGITS_Q;
		ch->dq[slot] = (struct emu_digit){ digits[i], tone, gap };
	}
	return TEL_CMDST_OK;
}

static uint32_t op_detect(struct emu_card *c, struct emu_chan *ch)
{
	uint32_t arg = win_load(c, TEL_CMD_ARG);

	if (arg & ~TEL_DETECT_MASK)
		return TEL_CMDST_INVAL;
	/* MUTE without ON: nothing is detected, so nothing is muted */
	if (!(arg & TEL_DETECT_ON))
		arg = 0;
	if (!(ch->detect & TEL_DETECT_ON))
		det_reset(ch);	/* turned on (or still off): fresh state */
	ch->detect = arg;
	return TEL_CMDST_OK;
}

static uint32_t op_flash(struct emu_card *c, struct emu_chan *ch)
{
	uint32_t ms = win_load(c, TEL_CMD_ARG);

	if (!ms)
		ms = TEL_FLASH_DEFAULT_MS;
	if (ms < TEL_FLASH_MIN_MS || ms > TEL_FLASH_MAX_MS)
		return TEL_CMDST_INVAL;
	if (ch->state != TEL_CHST_CONNECTED || ch->flash_left)
		return TEL_CMDST_BUSY;
	ch->flash_left = ms;
	ch->flash_ms = ms;
	ch_store(c, ch, TEL_CH_HOOK, 0);
	return TEL_CMDST_OK;
}

/* CONNECTED, no flash: HELD, the STATE event before the completion. */
static uint32_t op_hold(struct emu_card *c, struct emu_chan *ch)
{
	if (ch->state != TEL_CHST_CONNECTED || ch->flash_left)
		return TEL_CMDST_BUSY;
	ch->holds++;
	ch->hold_tick = 0;
	chan_set_state(c, ch, TEL_CHST_HELD);
	card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
	return TEL_CMDST_OK;
}

static uint32_t op_unhold(struct emu_card *c, struct emu_chan *ch)
{
	if (ch->state != TEL_CHST_HELD)
		return TEL_CMDST_BUSY;
	chan_set_state(c, ch, TEL_CHST_CONNECTED);
	card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
	return TEL_CMDST_OK;
}

/* Channels in conference @conf now. */
static unsigned int conf_members(struct emu_card *c, uint32_t conf)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->nch; i++)
		n += c->ch[i].state == TEL_CHST_CONF && c->ch[i].conf == conf;
	return n;
}

/*
 * CONNECTED or HELD, no flash: into conference ARG, unless it is full;
 * CONF, the STATE event before the completion.
 */
static uint32_t op_conf_join(struct emu_card *c, struct emu_chan *ch)
{
	uint32_t conf = win_load(c, TEL_CMD_ARG);

	if (!conf)
		return TEL_CMDST_INVAL;
	if ((ch->state != TEL_CHST_CONNECTED && ch->state != TEL_CHST_HELD) ||
	    ch->flash_left)
		return TEL_CMDST_BUSY;
	if (conf_members(c, conf) >= EMU_CONF_MEMBERS)
		return TEL_CMDST_FULL;
	ch->conf_joins++;
	ch->hold_tick = 0;	/* from HELD: no more hold tone */
	chan_set_state(c, ch, TEL_CHST_CONF);
	ch->conf = conf;
	card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
	return TEL_CMDST_OK;
}

/*
 * IDLE: the channel becomes the host's own port in conference ARG: the
 * rings bound as for DIAL, no line seized (on hook), CONF; FULL if the
 * conference is full (a port counts); the STATE event before the
 * completion.
 */
static uint32_t op_conf_port(struct emu_card *c, struct emu_chan *ch)
{
	uint32_t conf = win_load(c, TEL_CMD_ARG);
	uint32_t st;

	if (!conf)
		return TEL_CMDST_INVAL;
	if (ch->state != TEL_CHST_IDLE)
		return TEL_CMDST_BUSY;
	if (conf_members(c, conf) >= EMU_CONF_MEMBERS)
		return TEL_CMDST_FULL;
	st = chan_bind(c, ch);
	if (st != TEL_CMDST_OK)
		return st;
	ch_store(c, ch, TEL_CH_HOOK, 0);	/* a timeslot, not a line */
	ch->party[0] = 0;
	ch->digits[0] = 0;
	ch->conf_ports++;
	chan_set_state(c, ch, TEL_CHST_CONF);
	ch->conf = conf;
	ch->conf_port = true;
	card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
	return TEL_CMDST_OK;
}

/* A port has no CONNECTED to go back to: it leaves by HANGUP only. */
static uint32_t op_conf_leave(struct emu_card *c, struct emu_chan *ch)
{
	if (ch->state != TEL_CHST_CONF || ch->conf_port)
		return TEL_CMDST_BUSY;
	chan_set_state(c, ch, TEL_CHST_CONNECTED);
	card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
	return TEL_CMDST_OK;
}

/*
 * The conference mixer, one tick: every member's far party speaks, then
 * each hears the sum of all the others in its conference, never itself:
 * mu-law decoded to linear, summed in int, clipped to the largest mu-law
 * magnitude (saturation, never a wrap), encoded again.  No DMA for a far
 * party's member: its rings do not move.  A port (the host's own party)
 * is a member whose voice comes from its tx ring and whose mix goes to
 * its rx ring, by DMA only while the driver enabled the card (@dma).
 * Returns true if a port ran: the host needs its tick interrupts then.
 */
static bool card_conf_tick(struct emu_card *c, bool dma)
{
	const int top = ulaw_to_linear(0x80);	/* 32124 */
	unsigned int i, j, k;
	bool port = false;

	for (i = 0; i < c->nch; i++) {
		if (c->ch[i].state != TEL_CHST_CONF)
			continue;
		if (c->ch[i].conf_port)
			port_voice(c, &c->ch[i], dma);
		else
			far_conf_voice(&c->ch[i]);
	}
	for (i = 0; i < c->nch; i++) {
		struct emu_chan *ch = &c->ch[i];
		uint8_t frame[EMU_FRAME];
		int sum[EMU_FRAME] = { 0 };

		if (ch->state != TEL_CHST_CONF)
			continue;
		for (j = 0; j < c->nch; j++) {
			struct emu_chan *o = &c->ch[j];

			if (j == i || o->state != TEL_CHST_CONF ||
			    o->conf != ch->conf)
				continue;
			for (k = 0; k < EMU_FRAME; k++)
				sum[k] += ulaw_to_linear(o->conf_voice[k]);
		}
		for (k = 0; k < EMU_FRAME; k++) {
			int v = sum[k] > top ? top : sum[k] < -top ? -top : sum[k];

			frame[k] = linear_to_ulaw(v);
		}
		if (ch->conf_port) {
			port_hear(c, ch, frame, dma);
			port = true;
		} else {
			far_conf_hear(ch, frame);
		}
	}
	return port;
}

/*
 * OFFERING: the caller's network sends the call to the number given, and
 * keeps where (stats redirected_to); the channel goes IDLE, on hook, cause
 * FORWARDED, its STATE event before the completion.
 */
static uint32_t op_redirect(struct emu_card *c, struct emu_chan *ch)
{
	char digits[TEL_DIGITS_LEN];

	memcpy(digits, c->win + TEL_CMD_DIGITS, sizeof(digits));
	if (!memchr(digits, 0, sizeof(digits)) || !digits[0])
		return TEL_CMDST_INVAL;
	if (ch->state != TEL_CHST_OFFERING)
		return TEL_CMDST_BUSY;
	memcpy(ch->redirected_to, digits, sizeof(digits));
	ch->redirects++;
	emu_dbg("card%u ch%u: offer redirected to %s", c->index, ch->index,
		digits);
	chan_on_hook(c, ch);
	ch_store(c, ch, TEL_CH_CAUSE, TEL_DISC_FORWARDED);
	card_emit(c, TEL_HWEV_STATE, ch, TEL_DISC_FORWARDED, NULL);
	return TEL_CMDST_OK;
}

/*
 * Our side of a transfer: on hook, DISCONNECTED with cause TRANSFERRED,
 * its STATE event; the rings stay bound until HANGUP, unused.
 */
static void chan_transferred(struct emu_card *c, struct emu_chan *ch)
{
	ch->step = STEP_NONE;
	ch_store(c, ch, TEL_CH_HOOK, 0);
	ch_store(c, ch, TEL_CH_CAUSE, TEL_DISC_TRANSFERRED);
	chan_set_state(c, ch, TEL_CHST_DISCONNECTED);
	card_emit(c, TEL_HWEV_STATE, ch, TEL_DISC_TRANSFERRED, NULL);
}

/*
 * CONNECTED or HELD, no flash: flash, dial, hang up, played by the network
 * at once; the far party goes to the target (far_transferred()), the
 * channel to DISCONNECTED, on hook, cause TRANSFERRED, its STATE event
 * before the completion.  The rings stay bound until HANGUP, unused.
 */
static uint32_t op_transfer(struct emu_card *c, struct emu_chan *ch)
{
	char digits[TEL_DIGITS_LEN];

	memcpy(digits, c->win + TEL_CMD_DIGITS, sizeof(digits));
	if (!memchr(digits, 0, sizeof(digits)) || !digits[0])
		return TEL_CMDST_INVAL;
	if ((ch->state != TEL_CHST_CONNECTED && ch->state != TEL_CHST_HELD) ||
	    ch->flash_left)
		return TEL_CMDST_BUSY;
	emu_dbg("card%u ch%u: call transferred to %s", c->index, ch->index,
		digits);
	far_transferred(ch, digits);
	chan_transferred(c, ch);
	return TEL_CMDST_OK;
}

/*
 * The channel CONNECTED or HELD, ARG CONNECTED or RINGBACK, no flash on
 * either: the network joins the two far parties (far_joined()) and both
 * channels leave as a TRANSFER's does, the channel's STATE event first.
 * Lie join-stray ends a third channel too, as if it had been joined.
 */
static uint32_t op_join(struct emu_card *c, struct emu_chan *ch)
{
	uint32_t arg = win_load(c, TEL_CMD_ARG);
	struct emu_chan *b;

	if (arg >= c->nch || arg == ch->index)
		return TEL_CMDST_INVAL;
	b = &c->ch[arg];
	if ((ch->state != TEL_CHST_CONNECTED && ch->state != TEL_CHST_HELD) ||
	    (b->state != TEL_CHST_CONNECTED && b->state != TEL_CHST_RINGBACK) ||
	    ch->flash_left || b->flash_left)
		return TEL_CMDST_BUSY;
	emu_dbg("card%u: far parties of ch%u and ch%u joined", c->index,
		ch->index, b->index);
	far_joined(ch, b);
	chan_transferred(c, ch);
	chan_transferred(c, b);
	if (c->lie_join_stray) {
		struct emu_chan *x = &c->ch[c->lie_join_stray - 1];

		c->lie_join_stray = 0;
		if (x != ch && x != b && x->state != TEL_CHST_IDLE)
			chan_transferred(c, x);
	}
	return TEL_CMDST_OK;
}

/* A tick of a flash: on hook, no audio; off hook again at the end. */
static void flash_tick(struct emu_card *c, struct emu_chan *ch)
{
	uint8_t e[TEL_EVQ_ENTRY_SIZE];

	if (--ch->flash_left)
		return;
	ch_store(c, ch, TEL_CH_HOOK, 1);
	far_saw_flash(ch, ch->flash_ms);
	ev_init(e, TEL_HWEV_FLASH, ch->index, ch->state);
	ev_put32(e, TEL_EV_DURATION, ch->flash_ms);
	card_emit_entry(c, e);
}

/*
 * control: caps.  What TEL_ID_CAPS advertises from now on, power-on and
 * reattach included.  A capability taken away stops at once, without
 * its event: queued digits are dropped, detection goes off, a running
 * flash ends off hook; from then on its ops are not this card's.  A held
 * channel stays held (until the far end clears it or the card resets).
 */
/* What TEL_ID_CONF_MEMBERS says from now on: a lie the driver checks. */
void card_set_conf_members_id(struct emu_card *c, uint32_t n)
{
	c->conf_members_id = n;
	win_store(c, TEL_ID_CONF_MEMBERS, n);
}

void card_set_caps(struct emu_card *c, uint32_t caps)
{
	unsigned int i;

	c->caps = caps;
	win_store(c, TEL_ID_CAPS, caps);
	for (i = 0; i < c->nch; i++) {
		struct emu_chan *ch = &c->ch[i];

		if (!(caps & TEL_CAP_DTMF)) {
			dtmf_tx_init(ch->gen);
			ch->dq_len = 0;
			ch->gen_busy = false;
			ch->gen_sent = 0;
			ch->detect = 0;
			det_reset(ch);
		}
		if (!(caps & TEL_CAP_FLASH) && ch->flash_left) {
			ch->flash_left = 0;
			ch_store(c, ch, TEL_CH_HOOK, 1);
		}
	}
}

/* An op the card does not advertise is unknown to it: INVAL. */
static bool card_has_op(struct emu_card *c, uint32_t op)
{
	if (op == TEL_OP_DIGITS || op == TEL_OP_DETECT)
		return c->caps & TEL_CAP_DTMF;
	if (op == TEL_OP_FLASH)
		return c->caps & TEL_CAP_FLASH;
	if (op == TEL_OP_HOLD || op == TEL_OP_UNHOLD)
		return c->caps & TEL_CAP_HOLD;
	if (op == TEL_OP_REDIRECT)
		return c->caps & TEL_CAP_REDIRECT;
	if (op == TEL_OP_TRANSFER)
		return c->caps & TEL_CAP_TRANSFER;
	if (op == TEL_OP_JOIN)
		return c->caps & TEL_CAP_JOIN;
	if (op == TEL_OP_CONF_JOIN || op == TEL_OP_CONF_LEAVE)
		return c->caps & TEL_CAP_CONFERENCE;
	if (op == TEL_OP_CONF_PORT)
		return (c->caps & TEL_CAP_CONFERENCE) &&
		       (c->caps & TEL_CAP_CONF_PORT);
	return true;
}

static uint32_t card_exec(struct emu_card *c)
{
	uint32_t op = win_load(c, TEL_CMD_OP);
	uint32_t chan = win_load(c, TEL_CMD_CHANNEL);
	struct emu_chan *ch;
	unsigned int i;

	switch (op) {
	case TEL_OP_NOP:
		return TEL_CMDST_OK;
	case TEL_OP_RESET:
		for (i = 0; i < c->nch; i++)
			if (c->ch[i].ring_bytes &&
			    (win_load(c, TEL_CTRL) & TEL_CTRL_ENABLE)) {
				c->late_resets++;
				break;
			}
		for (i = 0; i < c->nch; i++)
			chan_on_hook(c, &c->ch[i]);
		return TEL_CMDST_OK;
	case TEL_OP_DIAL:
	case TEL_OP_ANSWER:
	case TEL_OP_HANGUP:
	case TEL_OP_DIGITS:
	case TEL_OP_DETECT:
	case TEL_OP_FLASH:
	case TEL_OP_HOLD:
	case TEL_OP_UNHOLD:
	case TEL_OP_REDIRECT:
	case TEL_OP_TRANSFER:
	case TEL_OP_JOIN:
	case TEL_OP_CONF_JOIN:
	case TEL_OP_CONF_LEAVE:
	case TEL_OP_CONF_PORT:
		if (!card_has_op(c, op))
			return TEL_CMDST_INVAL;
		break;
	default:
		return TEL_CMDST_INVAL;
	}
	if (chan >= c->nch)
		return TEL_CMDST_BADCHAN;
	ch = &c->ch[chan];
	if (op == TEL_OP_DIAL)
		return op_dial(c, ch);
	if (op == TEL_OP_ANSWER)
		return op_answer(c, ch);
	if (op == TEL_OP_DIGITS)
		return op_digits(c, ch);
	if (op == TEL_OP_DETECT)
		return op_detect(c, ch);
	if (op == TEL_OP_FLASH)
		return op_flash(c, ch);
	if (op == TEL_OP_HOLD)
		return op_hold(c, ch);
	if (op == TEL_OP_UNHOLD)
		return op_unhold(c, ch);
	if (op == TEL_OP_REDIRECT)
		return op_redirect(c, ch);
	if (op == TEL_OP_TRANSFER)
		return op_transfer(c, ch);
	if (op == TEL_OP_JOIN)
		return op_join(c, ch);
	if (op == TEL_OP_CONF_JOIN)
		return op_conf_join(c, ch);
	if (op == TEL_OP_CONF_LEAVE)
		return op_conf_leave(c, ch);
	if (op == TEL_OP_CONF_PORT)
		return op_conf_port(c, ch);
	return op_hangup(c, ch);
}

/*
 * Run the mailbox command if there is a new one.  Called on the command
 * doorbell and, in case a doorbell was lost, on every tick.
 */
void card_poll_mailbox(struct emu_card *c)
{
	uint32_t seq, st;

	if (!c->connected || c->f_stall)
		return;
	seq = win_load(c, TEL_CMD_SEQ);
	if (seq == win_load(c, TEL_CMD_DONE_SEQ))
		return;
	if (c->dropped_valid && seq == c->dropped_seq)
		return;
	if (c->f_cmd_timeout) {
		/* swallowed for good: it must not complete later */
		c->dropped_seq = seq;
		c->dropped_valid = true;
		emu_dbg("card%u: command %u dropped", c->index, seq);
		return;
	}
	st = card_exec(c);
	if (c->lie_cmd_status) {
		st = c->lie_cmd_status;	/* control: lie cmd-status, once */
		c->lie_cmd_status = 0;
	}
	emu_dbg("card%u: seq %u op %u ch %u -> %u", c->index, seq,
		win_load(c, TEL_CMD_OP), win_load(c, TEL_CMD_CHANNEL), st);
	win_store(c, TEL_CMD_STATUS, st);
	win_store(c, TEL_CMD_DONE_SEQ, seq);
	c->commands++;
	card_raise(c, TEL_IRQ_COMMAND);
}

void card_doorbell(struct emu_card *c, unsigned int vector)
{
	c->doorbells++;
	if (vector == TEL_DB_COMMAND)
		card_poll_mailbox(c);
}

/* One 1 ms frame clock tick. */
void card_tick(struct emu_card *c)
{
	uint32_t every = win_load(c, TEL_CTRL_TICK_IRQ);
	bool enabled = win_load(c, TEL_CTRL) & TEL_CTRL_ENABLE;
	bool live = false;
	unsigned int i;

	if (!c->connected || c->f_stall)
		return;
	win_store(c, TEL_STATUS_TICKS, win_load(c, TEL_STATUS_TICKS) + 1);
	card_poll_mailbox(c);
	for (i = 0; i < c->nch; i++) {
		struct emu_chan *ch = &c->ch[i];

		far_step(c, ch);
		if (ch->xfer_live)	/* the far party, with the target */
			far_xfer_tick(ch);
		far_join_tick(ch);	/* the far party, joined to another */
		if (ch->state == TEL_CHST_HELD) {
			far_held(ch);	/* no DMA: nothing moves */
			continue;
		}
		if (ch->state != TEL_CHST_CONNECTED)
			continue;
		live = true;
		if (ch->flash_left) {
			flash_tick(c, ch);
			continue;
		}
		/*
		 * No DMA unless the driver enabled the card: telemu cannot
		 * see the PCI bus-master bit, and a driver that gave up on
		 * the card clears ENABLE before it frees the rings.
		 */
		if (enabled)
			far_audio(c, ch);
	}
	live |= card_conf_tick(c, enabled);
	if (every && (live || (win_load(c, TEL_CTRL) & TEL_CTRL_TICK_ALWAYS)) &&
	    ++c->tick_irq_count >= every) {
		c->tick_irq_count = 0;
		card_raise(c, TEL_IRQ_TICK);
	}
}
