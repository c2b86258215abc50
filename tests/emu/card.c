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
	win_store(c, TEL_ID_CAPS, TEL_CAP_G711);
	win_store(c, TEL_ID_DOORBELL_PEER, EMU_PEER_ID);
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
		c->ch[i].index = i;
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

/*
 * Queue one event.  Returns false if it was not queued (disabled or
 * full); the caller raises TEL_IRQ_EVENT, so a burst costs one irq.
 */
static bool evq_push_raw(struct emu_card *c, uint32_t type, uint32_t chan,
			 uint32_t state, uint32_t cause, const char *number,
			 const uint8_t *raw);

static bool evq_push(struct emu_card *c, uint32_t type, uint32_t chan,
		     uint32_t state, uint32_t cause, const char *number)
{
	return evq_push_raw(c, type, chan, state, cause, number, NULL);
}

/* @raw: a raw number field (control: lie number), NUL or not */
static bool evq_push_raw(struct emu_card *c, uint32_t type, uint32_t chan,
			 uint32_t state, uint32_t cause, const char *number,
			 const uint8_t *raw)
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
	memset(e, 0, TEL_EVQ_ENTRY_SIZE);
	*(uint32_t *)(e + TEL_EV_TYPE) = htole32(type);
	*(uint32_t *)(e + TEL_EV_CHANNEL) = htole32(chan);
	*(uint32_t *)(e + TEL_EV_STATE) = htole32(state);
	*(uint32_t *)(e + TEL_EV_CAUSE) = htole32(cause);
	if (number)
		str_field(e + TEL_EV_NUMBER, number);
	if (raw)
		memcpy(e + TEL_EV_NUMBER, raw, TEL_DIGITS_LEN);
	c->evq_head++;
	win_store(c, TEL_EVQ_HEAD, c->evq_head);
	return true;
}

bool card_emit(struct emu_card *c, uint32_t type, struct emu_chan *ch,
	       uint32_t cause, const char *number)
{
	bool queued;

	queued = evq_push(c, type, ch->index, ch->state, cause, number);
	if (queued)
		card_raise(c, TEL_IRQ_EVENT);
	return queued;
}

/*
 * control: lie.  An event with whatever fields the test asks for, and a
 * raw 32-byte number field (no NUL needed).
 */
bool card_emit_raw(struct emu_card *c, uint32_t type, uint32_t chan,
		   uint32_t state, uint32_t cause, const uint8_t *number)
{
	if (!evq_push_raw(c, type, chan, state, cause, NULL, number))
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
		any |= evq_push(c, TEL_HWEV_STATE, 0, c->ch[0].state, 0, NULL);
	if (any)
		card_raise(c, TEL_IRQ_EVENT);
}

void chan_set_state(struct emu_card *c, struct emu_chan *ch, uint32_t state)
{
	ch->state = state;
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
	crc_reset(&ch->far_rx);
	crc_reset(&ch->far_tx);
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
			chan_on_hook(c, &c->ch[i]);
		return TEL_CMDST_OK;
	case TEL_OP_DIAL:
	case TEL_OP_ANSWER:
	case TEL_OP_HANGUP:
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
		if (ch->state != TEL_CHST_CONNECTED)
			continue;
		live = true;
		/*
		 * No DMA unless the driver enabled the card: telemu cannot
		 * see the PCI bus-master bit, and a driver that gave up on
		 * the card clears ENABLE before it frees the rings.
		 */
		if (enabled)
			far_audio(c, ch);
	}
	if (every && (live || (win_load(c, TEL_CTRL) & TEL_CTRL_TICK_ALWAYS)) &&
	    ++c->tick_irq_count >= every) {
		c->tick_irq_count = 0;
		card_raise(c, TEL_IRQ_TICK);
	}
}
