/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * telemu.h - shared state of the tel card emulator.
 *
 * The emulator is one single-threaded epoll loop.  Every object below is
 * touched only from that loop, so nothing here takes a lock; the only
 * memory shared with another party is the card window (with QEMU and the
 * guest) and the guest RAM (DMA), both accessed through the helpers in
 * card.c with explicit atomics.
 */
#ifndef TELEMU_H
#define TELEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <linux/types.h>

#include <spandsp/telephony.h>
#include <spandsp/logging.h>
#include <spandsp/super_tone_rx.h>
#include <spandsp/dtmf.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>

#include "card_det.h"
#include "../../driver/tel_regs.h"
#include "../../uapi/linux/tel.h"

#define EMU_PEER_ID		0	/* our peer id: the doorbell target */
#define EMU_QEMU_ID		1	/* the id of the one QEMU client */
#define EMU_MAX_CARDS		16
#define EMU_FRAME		8	/* bytes per frame (FRAME_SAMPLES) */
#define EMU_MAX_CATCHUP		100	/* most ticks run per timer wakeup */
#define EMU_CLEAR_TICKS		5	/* busy, reject, unreachable delay */
#define EMU_ANSWER_TICKS	20	/* default answer delay */
#define EMU_MODEL		"tel-emu E"	/* + channels */
#define EMU_FIRMWARE		"emu-1.0"
#define EMU_SERIAL		"EMU-%04u"	/* of --serial-base + card */
#define EMU_CAPS		(TEL_CAP_G711 | TEL_CAP_DTMF | \
				 TEL_CAP_CALLER_ID | TEL_CAP_FLASH | \
				 TEL_CAP_HOLD | TEL_CAP_REDIRECT | \
				 TEL_CAP_TRANSFER | TEL_CAP_CONFERENCE | \
				 TEL_CAP_JOIN | TEL_CAP_CONF_PORT)
#define EMU_CONF_MEMBERS	4	/* TEL_ID_CONF_MEMBERS */
#define EMU_CONF_HEARD		64	/* a member's far end: last bytes kept */
/* The hold tone the far end hears: 400 Hz, -20 dBm0, 500 ms on, 500 off */
#define EMU_HOLD_HZ		400
#define EMU_HOLD_DBM0		(-20)
#define EMU_HOLD_ON_MS		500
#define EMU_HOLD_PERIOD_MS	1000
#define EMU_METER_SAMPLES	160	/* far end's tone meter: 20 ms blocks */
#define EMU_DIGITS_Q		(TEL_DIGITS_LEN - 1)	/* OP_DIGITS queue */
#define EMU_FAR_DIGITS		64	/* far end: played / detected, kept */

extern int emu_verbose;

#define emu_err(...)	emu_log(0, __VA_ARGS__)
#define emu_info(...)	emu_log(1, __VA_ARGS__)
#define emu_dbg(...)	emu_log(2, __VA_ARGS__)
void emu_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* How the far end treats an outbound call (control: far). */
enum far_mode {
	FAR_ANSWER,
	FAR_BUSY,
	FAR_REJECT,
	FAR_NOANSWER,
	FAR_UNREACHABLE,
	FAR_SILENT,	/* nothing after the DIAL: the call stays DIALING */
};

/* What the far end sends into the host's rx ring (control: audio). */
enum audio_mode {
	AUDIO_PATTERN,
	AUDIO_ECHO,
	AUDIO_SILENCE,
	AUDIO_LEVEL,	/* every sample the linear value level, in mu-law */
};

/* A pending far-end reaction to a DIAL, run from the tick. */
enum far_step {
	STEP_NONE,
	STEP_RINGBACK,		/* then STEP_CONNECT or STEP_NONE */
	STEP_CONNECT,
	STEP_CLEAR,		/* DISCONNECTED with far_cause */
};

struct emu_crc {
	uint64_t bytes;
	uint32_t crc;		/* running value, not yet inverted */
};

/* One digit of TEL_OP_DIGITS with its own timing. */
struct emu_digit {
	char digit;
	uint16_t tone_ms;
	uint16_t gap_ms;
};

struct emu_card;

struct emu_chan {
	struct emu_card *card;	/* back pointer, for the DSP callbacks */
	unsigned int index;
	uint32_t state;		/* TEL_CHST_*, mirrored in the window */

	/* test configuration, taken at each DIAL */
	enum far_mode far_mode;
	uint32_t far_delay;	/* ticks (ms) */
	enum audio_mode audio_mode;
	int level;		/* AUDIO_LEVEL's linear value */

	/* far end progress of the current outbound call */
	enum far_step step;
	uint32_t step_ticks;	/* ticks left until step runs */
	uint32_t far_cause;

	/* bound rings; valid while ring_bytes != 0 */
	uint64_t rx_addr;
	uint64_t tx_addr;
	uint32_t ring_bytes;
	uint32_t pattern_k;	/* next pattern byte index since connect */
	bool rx_frozen;		/* control: lie rx-back: rx stops, to the next bind */
	bool tx_frozen;		/* control: lie tx-back: tx stops, to the next bind */

	/* statistics (control: stats) */
	uint64_t dials;
	uint64_t answers;
	uint64_t hangups;
	uint32_t hangup_cause;
	char digits[TEL_DIGITS_LEN];
	struct emu_crc far_rx;	/* bytes the far end got from the host */
	struct emu_crc far_tx;	/* bytes the card put in the rx ring */

	/* card: DTMF generator, mixed into the tx audio (TEL_OP_DIGITS) */
	dtmf_tx_state_t *gen;
	struct emu_digit dq[EMU_DIGITS_Q];
	unsigned int dq_head;
	unsigned int dq_len;
	bool gen_busy;		/* a digit (tone + gap) is in gen */
	uint32_t gen_sent;	/* digits done since the last DIGITS_SENT */

	/* card: DTMF detector on the rx audio (TEL_OP_DETECT) */
	dtmf_rx_state_t *det;
	uint32_t detect;	/* TEL_DETECT_* */
	uint64_t det_pos;	/* samples fed since the reset */
	uint64_t det_base;	/* det_pos at the start of this tick */
	uint64_t det_start;	/* estimated first sample of the tone */
	uint32_t det_start_tick;
	int det_digit;		/* the tone being heard, 0: none */

	/* card: hook flash (TEL_OP_FLASH) */
	uint32_t flash_left;	/* ticks still on hook, 0: no flash */
	uint32_t flash_ms;

	/* far end: digits it plays (control: digits) and hears */
	dtmf_tx_state_t *far_gen;
	bool far_playing;
	dtmf_rx_state_t *far_det;
	char far_digits[EMU_FAR_DIGITS + 1];
	uint64_t far_flashes;
	uint32_t far_flash_ms;	/* the last one */
	/* card: hold (TEL_OP_HOLD); the far end hears the hold tone */
	uint64_t holds;		/* HOLD commands done */
	uint64_t held_ms;	/* ticks spent HELD */
	uint32_t hold_tick;	/* ticks since this hold began */

	/* far end: its 400 Hz meter over all it hears, per 20 ms block */
	float meter_s1, meter_s2, meter_energy;
	unsigned int meter_n;
	uint64_t far_tone_ms;	/* ms of blocks that were the hold tone */
	/* the caller's network: where a REDIRECT sent its offer */
	uint64_t redirects;	/* REDIRECT commands done, since telemu started */
	char redirected_to[TEL_DIGITS_LEN];	/* of this offer; "" if none */
	/*
	 * the far party after a blind transfer (TEL_OP_TRANSFER): the
	 * network joined it to the target, which plays its own number in
	 * DTMF once it answers (control target sets what it does)
	 */
	enum far_mode target_mode;	/* answer, busy, ...: the next target */
	uint64_t transfers;	/* TRANSFER commands done, since telemu started */
	char transfer_to[TEL_DIGITS_LEN];	/* this call's target, or "" */
	const char *transfer_result;	/* what the target did, or "none" */
	char connected_to[TEL_DIGITS_LEN];	/* the target that answered */
	bool xfer_live;		/* the target's audio reaches the far party */
	dtmf_tx_state_t *xfer_gen;	/* the target's voice: its number */
	/*
	 * the far party after a consultation transfer (TEL_OP_JOIN): the
	 * network joined it to the far party of another channel; once both
	 * talk, what one plays (its own number in DTMF, then control
	 * digits) is what the other hears, and nothing of the host
	 */
	char party[TEL_DIGITS_LEN];	/* its own number: dialled or offered */
	uint64_t joins;		/* JOIN commands done, since telemu started */
	struct emu_chan *joined;	/* the far party it is joined to */
	bool join_live;		/* both answered: audio flows between them */
	uint32_t join_ticks;	/* ticks until this ringing one answers */
	dtmf_tx_state_t *join_gen;	/* its voice to the other: DTMF */
	bool join_playing;
	/*
	 * card: the conference the channel is in (TEL_OP_CONF_JOIN), 0 for
	 * none; its far party's voice this tick, and the last of what it
	 * heard from the others (the card's mix), for stats
	 */
	uint32_t conf;
	bool conf_port;		/* the host's own party (TEL_OP_CONF_PORT) */
	uint64_t conf_joins;	/* CONF_JOIN commands done */
	uint64_t conf_ports;	/* CONF_PORT commands done */
	uint64_t conf_ms;	/* ticks spent in a conference */
	uint8_t conf_voice[EMU_FRAME];
	uint8_t conf_heard[EMU_CONF_HEARD];
	uint64_t conf_heard_bytes;	/* in all its conferences */
	uint64_t digits_sent;	/* card: total TEL_OP_DIGITS digits sent */
	uint64_t digits_detected;	/* card: DIGIT events raised */
};

struct emu_card {
	unsigned int index;
	unsigned int nch;
	unsigned int serial;
	struct emu_chan *ch;

	int memfd;
	uint8_t *win;

	/* ivshmem server side */
	int listen_fd;
	char sock_path[108];
	int conn_fd;		/* the QEMU connection, -1 if none */
	bool connected;		/* QEMU attached, device present */
	bool used;		/* had a QEMU: re-init for the next */
	int db_fd[TEL_NR_IRQS];	 /* ours: QEMU writes on a doorbell */
	int irq_fd[TEL_NR_IRQS]; /* QEMU's: we write to raise MSI-X */

	/* TEL_ID_CAPS advertised (control: caps); kept across resets */
	uint32_t caps;
	/*
	 * TEL_ID_CONF_MEMBERS advertised (control: members), kept the same
	 * way; the card mixes EMU_CONF_MEMBERS whatever it says
	 */
	uint32_t conf_members_id;

	uint32_t evq_head;
	uint32_t tick_irq_count;
	uint32_t dropped_seq;	/* command swallowed by cmd-timeout */
	bool dropped_valid;

	/* faults (control: fault) */
	bool f_badaddr;
	bool f_cmd_timeout;
	bool f_stall;
	uint32_t lie_cmd_status;	/* next command's status, 0: none */
	uint32_t lie_join_stray;	/* next JOIN also ends channel N - 1 */

	uint64_t commands;
	/*
	 * RESETs that came with TEL_CTRL_ENABLE already set while a channel
	 * still had rings bound: until it ran, each tick could move frames
	 * into rings the driver may have freed (a driver must RESET first)
	 */
	uint64_t late_resets;
	uint64_t doorbells;
	uint64_t irqs;
	/* the emulator's own CPU time in this card's ticks (make bench) */
	uint64_t tick_cpu_ns;
	uint64_t ticks_run;
};

struct emu_ram {
	uint8_t *base;
	uint64_t size;
};

extern struct emu_card emu_cards[EMU_MAX_CARDS];
extern unsigned int emu_ncards;
extern struct emu_ram emu_ram;

/* main.c: epoll registration; tag identifies the callback */
enum watch_kind {
	W_TIMER,
	W_SIGNAL,
	W_CARD_LISTEN,
	W_CARD_CONN,
	W_DOORBELL,
	W_CTL_LISTEN,
	W_CTL_CONN,
	W_QMP,
};

struct watch {
	enum watch_kind kind;
	int fd;
	void *obj;
	unsigned int idx;
};

int emu_watch_add(struct watch *w, uint32_t events);
int emu_watch_mod(struct watch *w, uint32_t events);
void emu_watch_del(struct watch *w);
uint64_t emu_now_ms(void);

/* card.c: the window, the mailbox, events and interrupts */
uint32_t win_load(struct emu_card *c, uint32_t off);
void win_store(struct emu_card *c, uint32_t off, uint32_t val);
uint32_t ch_load(struct emu_card *c, struct emu_chan *ch, uint32_t reg);
void ch_store(struct emu_card *c, struct emu_chan *ch, uint32_t reg,
	      uint32_t val);
int card_create(struct emu_card *c, unsigned int index, unsigned int nch,
		unsigned int serial);
void card_init_window(struct emu_card *c);
void card_set_caps(struct emu_card *c, uint32_t caps);
void card_set_conf_members_id(struct emu_card *c, uint32_t n);
void card_detach(struct emu_card *c);
void card_poll_mailbox(struct emu_card *c);
void card_doorbell(struct emu_card *c, unsigned int vector);
void card_tick(struct emu_card *c);
void card_raise(struct emu_card *c, unsigned int vector);
bool card_emit(struct emu_card *c, uint32_t type, struct emu_chan *ch,
	       uint32_t cause, const char *number);
void card_flood(struct emu_card *c, unsigned long n);
bool card_emit_raw(struct emu_card *c, uint32_t type, uint32_t chan,
		   uint32_t state, uint32_t cause, const uint8_t *number);
void card_evq_skip(struct emu_card *c, uint32_t n);
void ev_init(uint8_t *e, uint32_t type, uint32_t chan, uint32_t state);
void ev_put32(uint8_t *e, uint32_t off, uint32_t val);
bool card_emit_entry(struct emu_card *c, const uint8_t *e);
bool card_emit_offer(struct emu_card *c, struct emu_chan *ch, uint32_t pres,
		     const char *number, const char *name);
void card_dsp_tx(struct emu_card *c, struct emu_chan *ch, uint8_t *frame);
void card_dsp_rx(struct emu_card *c, struct emu_chan *ch, uint8_t *frame);
void chan_set_state(struct emu_card *c, struct emu_chan *ch, uint32_t state);
void chan_unbind(struct emu_card *c, struct emu_chan *ch);

/* farend.c: far-end behaviour and audio */
void far_dialled(struct emu_card *c, struct emu_chan *ch);
void far_step(struct emu_card *c, struct emu_chan *ch);
void far_clear(struct emu_card *c, struct emu_chan *ch, uint32_t cause);
void far_audio(struct emu_card *c, struct emu_chan *ch);
int far_dsp_init(struct emu_chan *ch);
void far_dsp_reset(struct emu_chan *ch);
int far_play(struct emu_chan *ch, const char *digits, int tone_ms,
	     int gap_ms, int level, int twist);
void far_saw_flash(struct emu_chan *ch, uint32_t ms);
void far_held(struct emu_chan *ch);
void far_conf_voice(struct emu_chan *ch);
void far_conf_hear(struct emu_chan *ch, const uint8_t *frame);
void port_voice(struct emu_card *c, struct emu_chan *ch, bool dma);
void port_hear(struct emu_card *c, struct emu_chan *ch, const uint8_t *frame,
	       bool dma);
void far_transferred(struct emu_chan *ch, const char *number);
void far_xfer_tick(struct emu_chan *ch);
void far_joined(struct emu_chan *a, struct emu_chan *b);
int far_join_play(struct emu_chan *ch, const char *digits, int tone_ms,
		  int gap_ms, int level, int twist);
void far_join_tick(struct emu_chan *ch);
bool dtmf_digit_ok(int d);
void crc_reset(struct emu_crc *s);
void crc_add(struct emu_crc *s, const uint8_t *buf, size_t len);
uint32_t crc_value(const struct emu_crc *s);
const char *cause_name(uint32_t cause);
int cause_parse(const char *s, uint32_t *cause);

/* ivshmem.c: the ivshmem server, one listening socket per card */
int emu_unix_listen(const char *path);
int ivs_listen(struct emu_card *c, const char *dir);
void ivs_accept(struct emu_card *c);
void ivs_conn_event(struct emu_card *c);
void ivs_close(struct emu_card *c);
void ivs_doorbell(struct emu_card *c, unsigned int v);

/* ctl.c: the control channel */
int ctl_listen(const char *dir);
void ctl_accept(void);
void ctl_conn_event(void *conn, uint32_t events);
void ctl_reply(void *conn, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ctl_resume(void *conn);
void ctl_close_all(void);

/* qmp.c: hot-unplug through QEMU's QMP socket */
extern const char *emu_qmp_path;
int qmp_unplug(void *conn, unsigned int card);
void qmp_event(uint32_t events);
void qmp_check_timeout(void);
void qmp_forget_conn(void *conn);
void qmp_close(void);

#endif /* TELEMU_H */
