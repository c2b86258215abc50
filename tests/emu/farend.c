// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * farend.c - the other end of every line: how it reacts to a dial, and
 * the audio it sends and receives once a call is connected.
 *
 * Everything is timed by the card's frame tick (1 tick = 1 ms), never by
 * the wall clock, so a slow or stalled emulator keeps its call timing
 * consistent with TEL_STATUS_TICKS.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <math.h>
#include <stdio.h>

#include "telemu.h"
#include "../../driver/tel_names.h"

const char *cause_name(uint32_t cause)
{
	return tel_name(TEL_NAMES_DISC, cause);
}

/* A TEL_DISC_* name in any case, or a number (decimal or 0x hex). */
int cause_parse(const char *s, uint32_t *cause)
{
	const struct tel_name *causes;
	unsigned long v;
	unsigned int i, n;
	char *end;

	causes = tel_name_table(TEL_NAMES_DISC, &n);
	for (i = 0; i < n; i++) {
		if (!strcasecmp(s, causes[i].name)) {
			*cause = causes[i].value;
			return 0;
		}
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*cause = v;
	return 0;
}

/* ---- CRC-32 (IEEE 802.3, as zlib's crc32()) ---- */

static uint32_t crc_table[256];

static void crc_init_table(void)
{
	uint32_t i, j, r;

	for (i = 0; i < 256; i++) {
		r = i;
		for (j = 0; j < 8; j++)
			r = (r >> 1) ^ (r & 1 ? 0xedb88320u : 0);
		crc_table[i] = r;
	}
}

void crc_reset(struct emu_crc *s)
{
	if (!crc_table[1])
		crc_init_table();
	s->bytes = 0;
	s->crc = 0xffffffffu;
}

void crc_add(struct emu_crc *s, const uint8_t *buf, size_t len)
{
	uint32_t r = s->crc;

	s->bytes += len;
	while (len--)
		r = crc_table[(r ^ *buf++) & 0xff] ^ (r >> 8);
	s->crc = r;
}

uint32_t crc_value(const struct emu_crc *s)
{
	return s->crc ^ 0xffffffffu;
}

/* ---- call progress ---- */

void far_clear(struct emu_card *c, struct emu_chan *ch, uint32_t cause)
{
	ch->step = STEP_NONE;
	ch->far_playing = false;	/* it stops playing digits too */
	ch->hold_tick = 0;		/* a held call cleared: no more tone */
	if (ch->flash_left) {	/* cleared during a flash: no FLASH event */
		ch->flash_left = 0;
		ch_store(c, ch, TEL_CH_HOOK, 1);
	}
	ch_store(c, ch, TEL_CH_CAUSE, cause);
	chan_set_state(c, ch, TEL_CHST_DISCONNECTED);
	card_emit(c, TEL_HWEV_STATE, ch, cause, NULL);
}

/*
 * A DIAL just completed: plan what the far end does.  The first step is
 * never earlier than the next tick, so the driver always sees the DIAL
 * complete before any event of the call.
 */
void far_dialled(struct emu_card *c, struct emu_chan *ch)
{
	(void)c;
	ch->step_ticks = 1;
	switch (ch->far_mode) {
	case FAR_ANSWER:
	case FAR_NOANSWER:
		ch->step = STEP_RINGBACK;
		break;
	case FAR_BUSY:
		ch->far_cause = TEL_DISC_BUSY;
		goto clear;
	case FAR_REJECT:
		ch->far_cause = TEL_DISC_REJECT;
		goto clear;
	case FAR_UNREACHABLE:
		ch->far_cause = TEL_DISC_UNREACHABLE;
clear:
		ch->step = STEP_CLEAR;
		ch->step_ticks = ch->far_delay ? ch->far_delay : 1;
		break;
	case FAR_SILENT:
		ch->step = STEP_NONE;	/* digits out, nothing comes back */
		break;
	}
}

static void far_run_step(struct emu_card *c, struct emu_chan *ch)
{
	switch (ch->step) {
	case STEP_RINGBACK:
		chan_set_state(c, ch, TEL_CHST_RINGBACK);
		card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
		ch->step = STEP_NONE;
		if (ch->far_mode == FAR_ANSWER) {
			/* CONNECTED far_delay ticks after the DIAL */
			ch->step = STEP_CONNECT;
			ch->step_ticks = ch->far_delay > 1 ?
					 ch->far_delay - 1 : 0;
		}
		break;
	case STEP_CONNECT:
		ch->step = STEP_NONE;
		chan_set_state(c, ch, TEL_CHST_CONNECTED);
		card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
		break;
	case STEP_CLEAR:
		far_clear(c, ch, ch->far_cause);
		break;
	case STEP_NONE:
		break;
	}
}

void far_step(struct emu_card *c, struct emu_chan *ch)
{
	if (ch->step == STEP_NONE)
		return;
	if (ch->step_ticks)
		ch->step_ticks--;
	while (ch->step != STEP_NONE && !ch->step_ticks)
		far_run_step(c, ch);
}

/* ---- audio ---- */

/* Copy between a bound ring in guest RAM and buf, wrapping at the end. */
static void ring_copy(uint64_t ring, uint32_t bytes, uint32_t index,
		      uint8_t *buf, uint32_t len, bool to_ring)
{
	uint32_t off = index & (bytes - 1);
	uint32_t first = bytes - off < len ? bytes - off : len;
	uint8_t *p = emu_ram.base + ring;

	if (to_ring) {
		memcpy(p + off, buf, first);
		memcpy(p, buf + first, len - first);
	} else {
		memcpy(buf, p + off, first);
		memcpy(buf + first, p, len - first);
	}
}

static void ch_inc(struct emu_card *c, struct emu_chan *ch, uint32_t reg)
{
	ch_store(c, ch, reg, ch_load(c, ch, reg) + 1);
}

/*
 * Host -> far end, with the card's digits mixed in.  Returns true if a
 * frame was taken from the tx ring.
 */
static bool far_take_tx(struct emu_card *c, struct emu_chan *ch,
			uint8_t *frame)
{
	uint32_t head = ch_load(c, ch, TEL_CH_TX_HEAD);
	uint32_t tail = ch_load(c, ch, TEL_CH_TX_TAIL);
	uint32_t avail = head - tail;

	/* avail > ring is a driver bug: never read data that is not there */
	if (avail >= EMU_FRAME && avail <= ch->ring_bytes && !ch->tx_frozen) {
		ring_copy(ch->tx_addr, ch->ring_bytes, tail, frame, EMU_FRAME,
			  false);
		ch_store(c, ch, TEL_CH_TX_TAIL, tail + EMU_FRAME);
		ch_inc(c, ch, TEL_CH_TX_FRAMES);
		card_dsp_tx(c, ch, frame);
		crc_add(&ch->far_rx, frame, EMU_FRAME);
		return true;
	}
	memset(frame, 0xff, EMU_FRAME);
	if (head != 0)
		ch_inc(c, ch, TEL_CH_TX_UNDERRUNS);
	card_dsp_tx(c, ch, frame);	/* digits go out over silence too */
	return false;
}

/* Far end -> host. */
static void far_put_rx(struct emu_card *c, struct emu_chan *ch,
		       uint8_t *frame)
{
	uint32_t head = ch_load(c, ch, TEL_CH_RX_HEAD);
	uint32_t tail = ch_load(c, ch, TEL_CH_RX_TAIL);
	uint32_t used = head - tail;

	if (ch->rx_frozen)
		return;
	if (used > ch->ring_bytes || ch->ring_bytes - used < EMU_FRAME) {
		ch_inc(c, ch, TEL_CH_RX_OVERRUNS);
		return;
	}
	ring_copy(ch->rx_addr, ch->ring_bytes, head, frame, EMU_FRAME, true);
	/* release: the bytes are in RAM before the driver sees the index */
	ch_store(c, ch, TEL_CH_RX_HEAD, head + EMU_FRAME);
	ch_inc(c, ch, TEL_CH_RX_FRAMES);
	crc_add(&ch->far_tx, frame, EMU_FRAME);
}

/* ---- far-end DSP: digits it plays, digits it hears ---- */

/* The far end's detector: from the audio the host sent, nothing else. */
static void far_heard(void *user, const char *digits, int len)
{
	struct emu_chan *ch = user;
	size_t have = strlen(ch->far_digits);
	int i;

	for (i = 0; i < len && have < EMU_FAR_DIGITS; i++)
		ch->far_digits[have++] = digits[i];
	ch->far_digits[have] = 0;
}

int far_dsp_init(struct emu_chan *ch)
{
	ch->far_gen = dtmf_tx_init(NULL);
	ch->far_det = dtmf_rx_init(NULL, far_heard, ch);
	ch->xfer_gen = dtmf_tx_init(NULL);
	ch->join_gen = dtmf_tx_init(NULL);
	if (!ch->far_gen || !ch->far_det || !ch->xfer_gen || !ch->join_gen)
		return -ENOMEM;
	far_dsp_reset(ch);
	return 0;
}

/* A new call (DIAL, ANSWER): nothing played, heard or seen yet. */
void far_dsp_reset(struct emu_chan *ch)
{
	dtmf_tx_init(ch->far_gen);
	ch->far_playing = false;
	dtmf_rx_init(ch->far_det, far_heard, ch);
	ch->far_digits[0] = 0;
	ch->far_flashes = 0;
	ch->far_flash_ms = 0;
	ch->meter_s1 = ch->meter_s2 = ch->meter_energy = 0;
	ch->meter_n = 0;
	ch->far_tone_ms = 0;
	ch->holds = 0;
	ch->held_ms = 0;
	ch->conf_joins = 0;
	ch->conf_ms = 0;
	ch->conf_heard_bytes = 0;
	memset(ch->conf_heard, 0xff, sizeof(ch->conf_heard));
	ch->transfer_to[0] = 0;
	ch->transfer_result = "none";
	ch->connected_to[0] = 0;
	ch->xfer_live = false;
	if (ch->joined)		/* that far party is no longer on our channel */
		ch->joined->joined = NULL;
	ch->joined = NULL;
	ch->join_live = false;
	ch->join_ticks = 0;
	ch->join_playing = false;
}

/* control: digits.  -EBUSY while still playing, -ENOSPC if too many. */
int far_play(struct emu_chan *ch, const char *digits, int tone_ms,
	     int gap_ms, int level, int twist)
{
	if (ch->far_playing)
		return -EBUSY;
	dtmf_tx_init(ch->far_gen);
	dtmf_tx_set_level(ch->far_gen, level, twist);
	dtmf_tx_set_timing(ch->far_gen, tone_ms, gap_ms);
	/* returns how many did not fit (its header says otherwise) */
	if (dtmf_tx_put(ch->far_gen, digits, -1) != 0)
		return -ENOSPC;
	ch->far_playing = true;
	return 0;
}

void far_saw_flash(struct emu_chan *ch, uint32_t ms)
{
	ch->far_flashes++;
	ch->far_flash_ms = ms;
}

/*
 * The far end's tone meter: a Goertzel filter at EMU_HOLD_HZ over blocks
 * of EMU_METER_SAMPLES of what it heard.  A block counts as hold tone
 * when at least half its energy is at 400 Hz and it is louder than
 * -30 dBm0 (the tone is -20): the host's audio, silence and DTMF are not.
 * Measured from the samples, not from the card's state.
 */
static void far_meter(struct emu_chan *ch, const int16_t *amp, int n)
{
	/* 2 cos(2 pi 400 / 8000) */
	const float coeff = 1.9021130f;
	/* mean square of a -30 dBm0 sine (0 dBm0: 3.14 dB below 32768) */
	const float floor_ms = 0.5f * 32768.0f * 32768.0f * 0.000485f;
	float power;
	int i;

	for (i = 0; i < n; i++) {
		float x = amp[i], s0;

		s0 = x + coeff * ch->meter_s1 - ch->meter_s2;
		ch->meter_s2 = ch->meter_s1;
		ch->meter_s1 = s0;
		ch->meter_energy += x * x;
		if (++ch->meter_n < EMU_METER_SAMPLES)
			continue;
		power = ch->meter_s1 * ch->meter_s1 +
			ch->meter_s2 * ch->meter_s2 -
			coeff * ch->meter_s1 * ch->meter_s2;
		/* a pure tone: power = energy * N / 2 */
		if (ch->meter_energy > floor_ms * EMU_METER_SAMPLES &&
		    power > 0.5f * ch->meter_energy * EMU_METER_SAMPLES / 2)
			ch->far_tone_ms += EMU_METER_SAMPLES / 8;
		ch->meter_s1 = ch->meter_s2 = ch->meter_energy = 0;
		ch->meter_n = 0;
	}
}

/* The far end listens to what reached it (after the card's mixing). */
static void far_listen(struct emu_chan *ch, const uint8_t *frame)
{
	int16_t amp[EMU_FRAME];
	int i;

	for (i = 0; i < EMU_FRAME; i++)
		amp[i] = ulaw_to_linear(frame[i]);
	dtmf_rx(ch->far_det, amp, EMU_FRAME);
	far_meter(ch, amp, EMU_FRAME);
}

/*
 * One tick of a HELD channel: nothing moves between the rings and the far
 * end; the network plays the hold tone to the far end instead, 400 Hz at
 * -20 dBm0, EMU_HOLD_ON_MS on in every EMU_HOLD_PERIOD_MS.
 */
void far_held(struct emu_chan *ch)
{
	/* peak of a -20 dBm0 sine: 32768 * 10^((-20 - 3.14) / 20) */
	const float peak = 32768.0f * 0.06958f;
	uint8_t frame[EMU_FRAME];
	unsigned int i;
	uint32_t t = ch->hold_tick++;

	ch->held_ms++;
	for (i = 0; i < EMU_FRAME; i++) {
		uint64_t n = (uint64_t)t * EMU_FRAME + i;

		if (t % EMU_HOLD_PERIOD_MS < EMU_HOLD_ON_MS)
			frame[i] = linear_to_ulaw((int)(peak *
				sinf(2.0f * 3.14159265f * EMU_HOLD_HZ *
				     (float)(n % 8000) / 8000.0f)));
		else
			frame[i] = 0xff;	/* mu-law silence */
	}
	far_listen(ch, frame);
}

/*
 * TEL_OP_TRANSFER: the network joins the far party to @number and our
 * channel leaves the call.  From now on the far party hears the target
 * only (nothing of the host: the channel moves no audio): a target that
 * answers plays its own number in DTMF, which the far party's detector
 * finds in its samples (far_digits, begun anew here).  A target that is
 * busy or does not answer is the far party's problem: blind transfer.
 */
void far_transferred(struct emu_chan *ch, const char *number)
{
	char dtmf[TEL_DIGITS_LEN];
	size_t i, n = 0;

	ch->transfers++;
	snprintf(ch->transfer_to, sizeof(ch->transfer_to), "%s", number);
	ch->far_playing = false;
	dtmf_rx_init(ch->far_det, far_heard, ch);
	ch->far_digits[0] = 0;
	ch->hold_tick = 0;
	switch (ch->target_mode) {
	case FAR_ANSWER:
		ch->transfer_result = "answer";
		snprintf(ch->connected_to, sizeof(ch->connected_to), "%s",
			 number);
		for (i = 0; number[i] && n < sizeof(dtmf) - 1; i++)
			if (dtmf_digit_ok(number[i]))
				dtmf[n++] = number[i];
		dtmf[n] = 0;
		dtmf_tx_init(ch->xfer_gen);
		dtmf_tx_put(ch->xfer_gen, dtmf, -1);
		ch->xfer_live = true;
		break;
	case FAR_BUSY:
		ch->transfer_result = "busy";
		break;
	case FAR_REJECT:
		ch->transfer_result = "reject";
		break;
	case FAR_UNREACHABLE:
		ch->transfer_result = "unreachable";
		break;
	default:
		ch->transfer_result = "noanswer";
		break;
	}
}

/* One tick of the far party's call with the target that answered. */
void far_xfer_tick(struct emu_chan *ch)
{
	uint8_t frame[EMU_FRAME];
	int16_t amp[EMU_FRAME];
	int n, i;

	memset(frame, 0xff, sizeof(frame));
	n = dtmf_tx(ch->xfer_gen, amp, EMU_FRAME);
	for (i = 0; i < n; i++)
		frame[i] = linear_to_ulaw(amp[i]);
	far_listen(ch, frame);
}

/*
 * Digits a joined far party plays to the other one (its own number when
 * the join goes live, then control digits): as far_play(), with a
 * generator of its own, so that our HANGUP of the channel, which stops
 * far_gen, does not silence a call that is no longer ours.
 */
int far_join_play(struct emu_chan *ch, const char *digits, int tone_ms,
		  int gap_ms, int level, int twist)
{
	if (ch->join_playing)
		return -EBUSY;
	dtmf_tx_init(ch->join_gen);
	dtmf_tx_set_level(ch->join_gen, level, twist);
	dtmf_tx_set_timing(ch->join_gen, tone_ms, gap_ms);
	if (dtmf_tx_put(ch->join_gen, digits, -1) != 0)
		return -ENOSPC;
	ch->join_playing = true;
	return 0;
}

/* Both far parties talk: each knows the other and says its own number. */
static void far_join_live(struct emu_chan *a, struct emu_chan *b)
{
	struct emu_chan *p[2] = { a, b };
	char dtmf[TEL_DIGITS_LEN];
	size_t i, k, n;

	for (k = 0; k < 2; k++) {
		struct emu_chan *me = p[k], *other = p[1 - k];

		me->join_live = true;
		snprintf(me->connected_to, sizeof(me->connected_to), "%s",
			 other->party);
		for (i = 0, n = 0; me->party[i] && n < sizeof(dtmf) - 1; i++)
			if (dtmf_digit_ok(me->party[i]))
				dtmf[n++] = me->party[i];
		dtmf[n] = 0;
		if (n)
			far_join_play(me, dtmf, 80, 80, -10, 0);
	}
}

/*
 * TEL_OP_JOIN: the network joins far party @a (of the channel that held
 * or talked to it) to far party @b (of the consultation call), and both
 * our channels leave.  From now on each hears the other only: nothing of
 * the host (neither channel moves audio), no hold tone.  Their detectors
 * begin anew here, so far_digits holds what each heard of the other.  A
 * @b still ringing is joined when it would have answered (@a hears
 * silence until then: the network plays no ringback), never if it was
 * not going to answer.
 */
void far_joined(struct emu_chan *a, struct emu_chan *b)
{
	struct emu_chan *p[2] = { a, b };
	size_t k;

	for (k = 0; k < 2; k++) {
		struct emu_chan *me = p[k];

		me->joins++;
		me->joined = p[1 - k];
		me->join_live = false;
		me->join_playing = false;
		me->far_playing = false;
		dtmf_rx_init(me->far_det, far_heard, me);
		me->far_digits[0] = 0;
		me->hold_tick = 0;
		me->connected_to[0] = 0;
	}
	if (b->state != TEL_CHST_RINGBACK) {
		far_join_live(a, b);
		return;
	}
	/* it answers when STEP_CONNECT would have run; not at all if none */
	b->join_ticks = b->step == STEP_CONNECT ? b->step_ticks + 1 : 0;
}

/* One tick of a joined far party: what it says reaches the other. */
void far_join_tick(struct emu_chan *ch)
{
	uint8_t frame[EMU_FRAME];
	int16_t amp[EMU_FRAME];
	int n, i;

	if (!ch->joined)
		return;
	if (!ch->join_live) {
		if (ch->join_ticks && !--ch->join_ticks)
			far_join_live(ch->joined, ch);
		return;
	}
	memset(frame, 0xff, sizeof(frame));
	if (ch->join_playing) {
		n = dtmf_tx(ch->join_gen, amp, EMU_FRAME);
		if (n < 0)
			n = 0;
		for (i = 0; i < n; i++)
			frame[i] = linear_to_ulaw(amp[i]);
		if (n < EMU_FRAME)
			ch->join_playing = false;
	}
	far_listen(ch->joined, frame);
}

/* While it plays digits, they replace the far end's normal audio. */
static void far_speak(struct emu_chan *ch, uint8_t *frame)
{
	int16_t amp[EMU_FRAME];
	int n, i;

	if (!ch->far_playing)
		return;
	n = dtmf_tx(ch->far_gen, amp, EMU_FRAME);
	if (n < 0)
		n = 0;
	for (i = 0; i < n; i++)
		frame[i] = linear_to_ulaw(amp[i]);
	if (n < EMU_FRAME)
		ch->far_playing = false;
}

/* What the far party says this tick, by its audio mode, DTMF over it. */
static void far_voice(struct emu_chan *ch, const uint8_t *tx, uint8_t *rx)
{
	unsigned int i;

	switch (ch->audio_mode) {
	case AUDIO_PATTERN:
		for (i = 0; i < EMU_FRAME; i++)
			rx[i] = (ch->pattern_k + i + ch->index) & 0xff;
		break;
	case AUDIO_ECHO:
		memcpy(rx, tx, EMU_FRAME);
		break;
	case AUDIO_SILENCE:
		memset(rx, 0xff, EMU_FRAME);
		break;
	case AUDIO_LEVEL:
		memset(rx, linear_to_ulaw(ch->level), EMU_FRAME);
		break;
	}
	far_speak(ch, rx);
	/* the stream position advances even if the frame is lost */
	ch->pattern_k += EMU_FRAME;
}

/*
 * A conference member's far party speaks (into ch->conf_voice, for the
 * card's mixer): as on a connected call, except that an echo has nothing
 * of the host's to echo and is silence.
 */
void far_conf_voice(struct emu_chan *ch)
{
	uint8_t silence[EMU_FRAME];

	memset(silence, 0xff, sizeof(silence));
	far_voice(ch, silence, ch->conf_voice);
}

/* ... and hears the others, mixed by the card: kept for stats conf_heard */
void far_conf_hear(struct emu_chan *ch, const uint8_t *frame)
{
	memmove(ch->conf_heard, ch->conf_heard + EMU_FRAME,
		EMU_CONF_HEARD - EMU_FRAME);
	memcpy(ch->conf_heard + EMU_CONF_HEARD - EMU_FRAME, frame, EMU_FRAME);
	ch->conf_heard_bytes += EMU_FRAME;
	ch->conf_ms++;
	far_listen(ch, frame);
}

/*
 * The host's own party in a conference (TEL_OP_CONF_PORT) has no far
 * end: its voice is the frame the card takes from its tx ring, by the
 * same DMA as a connected channel's (silence, and an underrun counted,
 * when the host wrote none) ...
 */
void port_voice(struct emu_card *c, struct emu_chan *ch, bool dma)
{
	if (dma && ch->ring_bytes)
		far_take_tx(c, ch, ch->conf_voice);
	else
		memset(ch->conf_voice, 0xff, EMU_FRAME);
}

/*
 * ... and what it hears, the card's mix, goes into its rx ring (through
 * the card's detector, as a line's audio); kept for stats conf_heard too.
 */
void port_hear(struct emu_card *c, struct emu_chan *ch, const uint8_t *frame,
	       bool dma)
{
	uint8_t rx[EMU_FRAME];

	memmove(ch->conf_heard, ch->conf_heard + EMU_FRAME,
		EMU_CONF_HEARD - EMU_FRAME);
	memcpy(ch->conf_heard + EMU_CONF_HEARD - EMU_FRAME, frame, EMU_FRAME);
	ch->conf_heard_bytes += EMU_FRAME;
	ch->conf_ms++;
	if (!dma || !ch->ring_bytes)
		return;
	memcpy(rx, frame, EMU_FRAME);
	card_dsp_rx(c, ch, rx);
	far_put_rx(c, ch, rx);
}

/* One frame each way on a CONNECTED channel. */
void far_audio(struct emu_card *c, struct emu_chan *ch)
{
	uint8_t tx[EMU_FRAME], rx[EMU_FRAME];

	if (!ch->ring_bytes)
		return;
	far_take_tx(c, ch, tx);
	far_listen(ch, tx);
	far_voice(ch, tx, rx);
	card_dsp_rx(c, ch, rx);
	far_put_rx(c, ch, rx);
}
