/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * tel_regs.h - the tel card's programming interface.
 *
 * This header is shared by the kernel driver and the card emulator
 * (tests/emu/), so it holds offsets and constants only: no structs, no
 * kernel types.  Documentation/card.rst is the prose version; keep the two
 * in step.  Every multi-byte field is little-endian and naturally aligned;
 * 64-bit addresses are written as two 32-bit halves, low half first.
 *
 * The card is a PCI function (QEMU's ivshmem-doorbell, 1af4:1110):
 *   BAR0  registers; TEL_BAR0_DOORBELL rings the card
 *   BAR1  MSI-X table; the card raises TEL_IRQ_* vectors
 *   BAR2  the card's memory window, laid out below
 */
#ifndef TEL_REGS_H
#define TEL_REGS_H

/* ---- BAR0 (ivshmem registers) ---- */
#define TEL_BAR0_IVPOSITION	0x08	/* our own peer id (read only) */
#define TEL_BAR0_DOORBELL	0x0c	/* write (peer << 16) | vector */

/* Doorbell vectors (host -> card) */
#define TEL_DB_COMMAND		0	/* a command is in the mailbox */

/* MSI-X vectors (card -> host) */
#define TEL_IRQ_COMMAND		0	/* the mailbox command completed */
#define TEL_IRQ_EVENT		1	/* new entries in the event queue */
#define TEL_IRQ_TICK		2	/* frame tick(s) ran */
#define TEL_NR_IRQS		3

/* ---- BAR2: memory window ---- */
#define TEL_WIN_SIZE		0x100000	/* 1 MiB, a power of two */

/* Identity block: written by the card before it sets TEL_STATUS_READY. */
#define TEL_ID_MAGIC		0x0000	/* 8 bytes, TEL_MAGIC */
#define TEL_ID_VERSION		0x0008	/* u32, interface version */
#define TEL_ID_CHANNELS		0x000c	/* u32, 1..TEL_MAX_CHANNELS */
#define TEL_ID_FRAME_SAMPLES	0x0010	/* u32, samples per frame (8) */
#define TEL_ID_SAMPLE_RATE	0x0014	/* u32, Hz (8000) */
#define TEL_ID_CAPS		0x0018	/* u32, TEL_CAP_* */
#define TEL_ID_DOORBELL_PEER	0x001c	/* u32, peer id to ring */
#define TEL_ID_MODEL		0x0020	/* char[32], NUL padded */
#define TEL_ID_FIRMWARE		0x0040	/* char[32], NUL padded */
#define TEL_ID_SERIAL		0x0060	/* char[32], NUL padded */
#define TEL_ID_STR_LEN		32
/* u32, members one conference takes (TEL_CAP_CONFERENCE): 3..TEL_MAX_CHANNELS */
#define TEL_ID_CONF_MEMBERS	0x0080

#define TEL_MAGIC		"TELCARD\0"
#define TEL_MAGIC_LEN		8
#define TEL_VERSION		1
#define TEL_MAX_CHANNELS	256
#define TEL_CAP_G711		0x1	/* 8-bit G.711 (mu-law) audio */
#define TEL_CAP_DTMF		0x2	/* TEL_OP_DIGITS, TEL_OP_DETECT */
#define TEL_CAP_CALLER_ID	0x4	/* OFFER carries name, presentation */
#define TEL_CAP_FLASH		0x8	/* TEL_OP_FLASH */
#define TEL_CAP_HOLD		0x10	/* TEL_OP_HOLD, TEL_OP_UNHOLD */
#define TEL_CAP_REDIRECT	0x20	/* TEL_OP_REDIRECT */
#define TEL_CAP_TRANSFER	0x40	/* TEL_OP_TRANSFER */
#define TEL_CAP_JOIN		0x100	/* TEL_OP_JOIN */
#define TEL_CAP_CONFERENCE	0x80	/* TEL_OP_CONF_JOIN, TEL_OP_CONF_LEAVE */
#define TEL_CAP_CONF_PORT	0x200	/* TEL_OP_CONF_PORT (with CONFERENCE) */

/* Status block: written by the card. */
#define TEL_STATUS		0x0100	/* u32, TEL_STATUS_* */
#define TEL_STATUS_TICKS	0x0104	/* u32, frame ticks run (heartbeat) */
#define TEL_STATUS_MISSED	0x0108	/* u32, ticks run late, caught up */
#define TEL_STATUS_EVQ_LOST	0x010c	/* u32, events lost: queue full */
#define TEL_STATUS_READY	0x1
#define TEL_STATUS_FAILED	0x2

/* Control block: written by the driver. */
#define TEL_CTRL		0x0200	/* u32, TEL_CTRL_* */
#define TEL_CTRL_TICK_IRQ	0x0204	/* u32, ticks per tick irq, 0 = none */
#define TEL_CTRL_EVQ_TAIL	0x0208	/* u32, event queue consumer index */
#define TEL_CTRL_ENABLE		0x1	/* driver takes events and irqs */
#define TEL_CTRL_TICK_ALWAYS	0x2	/* tick irqs with no call connected */
/*
 * While TEL_CTRL_ENABLE is clear the card does no DMA and raises no
 * interrupt: clearing it is how the driver cuts a card off from memory
 * (an emulated card cannot see the PCI bus-master bit).
 */

/*
 * Command mailbox.  The driver fills OP, CHANNEL, ARG and the addresses,
 * then writes a new SEQ and rings TEL_DB_COMMAND.  The card executes the
 * command, writes STATUS, then DONE_SEQ = SEQ, then raises
 * TEL_IRQ_COMMAND.  One command at a time.
 */
#define TEL_CMD_SEQ		0x1000	/* u32 */
#define TEL_CMD_OP		0x1004	/* u32, TEL_OP_* */
#define TEL_CMD_CHANNEL		0x1008	/* u32 */
#define TEL_CMD_ARG		0x100c	/* u32, op specific */
#define TEL_CMD_RX_ADDR_LO	0x1010	/* u32, bus address of the rx ring */
#define TEL_CMD_RX_ADDR_HI	0x1014
#define TEL_CMD_TX_ADDR_LO	0x1018	/* u32, bus address of the tx ring */
#define TEL_CMD_TX_ADDR_HI	0x101c
#define TEL_CMD_RING_BYTES	0x1020	/* u32, bytes in each ring, 2^n */
#define TEL_CMD_DIGITS		0x1040	/* char[32], NUL padded */
#define TEL_CMD_DONE_SEQ	0x1080	/* u32, written by the card */
#define TEL_CMD_STATUS		0x1084	/* u32, TEL_CMDST_*, by the card */
#define TEL_DIGITS_LEN		32

/*
 * Operations.  After HANGUP or RESET completes the card no longer reads
 * or writes the channel's rings: the driver may free them.  HANGUP does
 * not set TEL_CH_CAUSE (only a far-end clear does); DIAL, ANSWER and a
 * new offer zero it.
 */
#define TEL_OP_NOP		0	/* ping */
#define TEL_OP_RESET		1	/* every channel on hook, rings unbound */
#define TEL_OP_DIAL		2	/* off hook, bind rings, dial DIGITS */
#define TEL_OP_ANSWER		3	/* answer an offered call, bind rings */
#define TEL_OP_HANGUP		4	/* on hook (rejects an offer); ARG=cause */
/*
 * CONNECTED: queue DIGITS (1 to 31 of 0-9 * # A-D) to be sent as DTMF,
 * mixed into the channel's transmit audio after any still queued.  ARG =
 * tone ms | gap ms << 16, each TEL_DTMF_MIN_MS..TEL_DTMF_MAX_MS, 0 for
 * TEL_DTMF_DEFAULT_MS.  FULL if the queue (TEL_DIGITS_LEN - 1 digits)
 * can not take them all: then none is queued.  TEL_HWEV_DIGITS_SENT
 * when the queue has run empty.  Any other state: BUSY.
 */
#define TEL_OP_DIGITS		5
/*
 * ARG = TEL_DETECT_*: DTMF detection in the channel's received audio, on
 * or off (any state; DIAL, ANSWER and HANGUP turn it off).  Each digit
 * detected raises TEL_HWEV_DIGIT when its tone ends.
 */
#define TEL_OP_DETECT		6
/*
 * CONNECTED: on hook for ARG ms (TEL_FLASH_MIN_MS..TEL_FLASH_MAX_MS, 0
 * for TEL_FLASH_DEFAULT_MS), then off hook again: the call goes on.  No
 * audio moves while on hook.  TEL_HWEV_FLASH when off hook again.  Any
 * other state, or a flash already running: BUSY.
 */
#define TEL_OP_FLASH		7
/*
 * CONNECTED, no flash running: the network holds the call.  The channel
 * goes HELD: no audio moves either way (the card takes nothing from the
 * tx ring, writes nothing to the rx ring, counts no frame, underrun or
 * overrun), the far end hears the hold tone instead (card.rst).  The
 * card writes the TEL_HWEV_STATE (HELD) before it completes the command.
 * Any other state, or a flash running: BUSY.
 */
#define TEL_OP_HOLD		8
/*
 * HELD: back to CONNECTED, audio moves again both ways; the STATE event
 * (CONNECTED) is written before the command completes.  Any other state:
 * BUSY.  DIGITS and FLASH are refused (BUSY) while HELD; DETECT is
 * taken and hears the audio once it moves again.
 */
#define TEL_OP_UNHOLD		9
/*
 * OFFERING: the network sends the offered call to the number in
 * TEL_CMD_DIGITS (NUL terminated, not empty, else INVAL) instead of this
 * channel (TAPI's lineRedirect).  The channel goes IDLE, on hook, with
 * CAUSE TEL_DISC_FORWARDED; the card writes the TEL_HWEV_STATE (IDLE,
 * FORWARDED) before it completes the command.  Any other state: BUSY.
 */
#define TEL_OP_REDIRECT		10
/*
 * CONNECTED or HELD, no flash running: a blind transfer (TAPI's
 * lineBlindTransfer).  The card flashes, dials the number in
 * TEL_CMD_DIGITS (NUL terminated, not empty, else INVAL) and hangs up;
 * the network joins the far party to that number.  The channel goes
 * DISCONNECTED, on hook, with CAUSE TEL_DISC_TRANSFERRED; no audio moves
 * from then on.  The card writes the TEL_HWEV_STATE (DISCONNECTED,
 * TRANSFERRED) before it completes the command.  Blind: what the target
 * does (answers, is busy) is the far party's, not the channel's.  Any
 * other state, or a flash running: BUSY.
 */
#define TEL_OP_TRANSFER		11
/*
 * The channel CONNECTED or HELD, ARG (another channel) CONNECTED or
 * RINGBACK, no flash running on either: a consultation transfer's end
 * (TAPI's lineCompleteTransfer).  The network joins the two far parties
 * to each other (one still ringing is joined when it answers) and both
 * channels leave: each goes DISCONNECTED, on hook, with CAUSE
 * TEL_DISC_TRANSFERRED, no audio moves from then on.  The card writes the
 * TEL_HWEV_STATE (DISCONNECTED, TRANSFERRED) of the channel, then of
 * ARG, before it completes the command.  ARG >= TEL_ID_CHANNELS or the
 * channel itself: INVAL.  Any other state, or a flash running: BUSY.
 */
#define TEL_OP_JOIN		15
/*
 * CONNECTED or HELD, no flash running: the channel joins conference ARG
 * (any non-zero number the driver picks; 0: INVAL).  The channel goes
 * CONF: its rings stop moving, as HELD (the card takes nothing from the
 * tx ring, writes nothing to the rx ring, counts nothing); each tick the
 * card sends the far party of every channel in the conference the sum of
 * what the far parties of all the others sent, never its own: G.711
 * decoded to linear, summed, saturated to the largest mu-law magnitude
 * (never wrapped), encoded.  FULL if the conference already has
 * TEL_ID_CONF_MEMBERS channels.  The card writes the TEL_HWEV_STATE
 * (CONF) before it completes the command.  Any other state: BUSY.
 */
#define TEL_OP_CONF_JOIN	12
/*
 * CONF: the channel leaves its conference, back to CONNECTED, its own
 * rings moving again; the STATE event (CONNECTED) is written before the
 * command completes.  Any other state: BUSY.  A far-end clear, HANGUP or
 * RESET takes a channel out of its conference too (DISCONNECTED, IDLE).
 * DIGITS, FLASH, HOLD and TRANSFER are refused (BUSY) while CONF.
 */
#define TEL_OP_CONF_LEAVE	13
/*
 * IDLE: the channel becomes the host's own port in conference ARG (0:
 * INVAL), as a conference port of a mixer takes a timeslot: no line is
 * seized (HOOK stays 0), nothing is dialled.  The rings are bound and
 * the indices and counters zeroed as for DIAL (BADADDR as DIAL).  The
 * channel goes CONF; each tick the port's voice is the frame the card
 * takes from its tx ring (silence and an underrun if there is none) and
 * what it hears, the mix of all the other members of the conference
 * (never itself), is written into its rx ring, both counted as a
 * connected channel's; the far parties of the other members hear the
 * port's voice in their mix.  A port counts as a member towards
 * TEL_ID_CONF_MEMBERS: FULL if the conference already has that many.
 * The card writes the TEL_HWEV_STATE (CONF) before it completes the
 * command.  Any other state: BUSY.  A port has no far end: it leaves only
 * by HANGUP or RESET (IDLE); CONF_LEAVE of a port is BUSY, and so are
 * DIGITS, FLASH, HOLD and TRANSFER.
 */
#define TEL_OP_CONF_PORT	14

#define TEL_DETECT_ON		0x1	/* detect DTMF in the rx audio */
#define TEL_DETECT_MUTE		0x2	/* and replace the tones by silence */
#define TEL_DETECT_MASK		0x3

/* Tone and gap of generated DTMF, ms (ITU-T Q.24: at least 40 each) */
#define TEL_DTMF_MIN_MS		40
#define TEL_DTMF_MAX_MS		1000
#define TEL_DTMF_DEFAULT_MS	80
/* Hook flash, ms (a common CO's range; DAHDI's default is 750) */
#define TEL_FLASH_MIN_MS	50
#define TEL_FLASH_MAX_MS	2000
#define TEL_FLASH_DEFAULT_MS	750

/* Command status */
#define TEL_CMDST_OK		0
#define TEL_CMDST_BADCHAN	1	/* no such channel */
#define TEL_CMDST_BUSY		2	/* channel not in a state for this */
#define TEL_CMDST_BADADDR	3	/* a ring address the card refused */
#define TEL_CMDST_INVAL		4	/* unknown op or bad argument */
#define TEL_CMDST_FULL		5	/* the digit queue can not take them */

/*
 * Event queue: TEL_EVQ_ENTRIES entries of TEL_EVQ_ENTRY_SIZE bytes.  The
 * card writes entry HEAD % ENTRIES, then HEAD + 1 to TEL_EVQ_HEAD, then
 * raises TEL_IRQ_EVENT.  When HEAD - TEL_CTRL_EVQ_TAIL == ENTRIES the
 * queue is full: the card does not wait, it counts the event in
 * TEL_STATUS_EVQ_LOST.
 */
#define TEL_EVQ_HEAD		0x2000	/* u32, free running, by the card */
#define TEL_EVQ_BASE		0x2100
#define TEL_EVQ_ENTRIES		256
#define TEL_EVQ_ENTRY_SIZE	64
#define TEL_EV_TYPE		0x00	/* u32, TEL_HWEV_* */
#define TEL_EV_CHANNEL		0x04	/* u32 */
#define TEL_EV_STATE		0x08	/* u32, TEL_CHST_* after the event */
#define TEL_EV_CAUSE		0x0c	/* u32, TEL_CAUSE_* (DISCONNECTED) */
#define TEL_EV_PRESENTATION	0x0c	/* u32, TEL_PRES_* (OFFER) */
#define TEL_EV_NAME		0x10	/* char[16], calling name (OFFER) */
#define TEL_EV_DIGIT		0x10	/* u32, ASCII digit (DIGIT) */
#define TEL_EV_SENT		0x10	/* u32, digits sent (DIGITS_SENT) */
#define TEL_EV_START		0x14	/* u32, STATUS_TICKS at tone start (DIGIT) */
#define TEL_EV_DURATION		0x18	/* u32, ms: the tone (DIGIT), on hook (FLASH) */
#define TEL_EV_NUMBER		0x20	/* char[32], calling number (OFFER) */
#define TEL_EV_NAME_LEN		16	/* Bell 202 MDMF: 15 characters */

#define TEL_HWEV_STATE		1	/* a channel changed state */
#define TEL_HWEV_OFFER		2	/* inbound call offered on a channel */
#define TEL_HWEV_DIGIT		3	/* a DTMF digit detected, tone ended */
#define TEL_HWEV_DIGITS_SENT	4	/* the digit queue ran empty */
#define TEL_HWEV_FLASH		5	/* a hook flash ended: off hook again */
#define TEL_HWEV_MAX		TEL_HWEV_FLASH

/*
 * Presentation of the calling party (TAPI's LINECALLPARTYID_*): with
 * RESTRICTED (the caller withheld it) and UNAVAILABLE (the network does
 * not have it) the number and name are empty.  The same values as the
 * TEL_PRES_* of tel.h, which the driver includes too: a definition that
 * differed would not build without a warning.
 */
#define TEL_PRES_ALLOWED	0
#define TEL_PRES_RESTRICTED	1
#define TEL_PRES_UNAVAILABLE	2
#define TEL_PRES_MAX		TEL_PRES_UNAVAILABLE

/*
 * Channel blocks: TEL_CH_STRIDE bytes each, channel n at
 * TEL_CH_BASE + n * TEL_CH_STRIDE.  Indices are free-running byte counts
 * (mod 2^32); ring offset = index % RING_BYTES.  DIAL and ANSWER zero the
 * indices and counters.  While CONNECTED, every 1 ms tick the card moves
 * one frame (FRAME_SAMPLES bytes) each way:
 *   tx: if TX_HEAD - TX_TAIL >= frame, it reads the frame and advances
 *       TX_TAIL, else it sends silence and, once the driver has written
 *       anything (TX_HEAD != 0), counts a TX_UNDERRUN;
 *   rx: if RING_BYTES - (RX_HEAD - RX_TAIL) >= frame, it writes the frame
 *       and advances RX_HEAD, else it counts an RX_OVERRUN.
 */
#define TEL_CH_BASE		0x8000
#define TEL_CH_STRIDE		0x40
#define TEL_CH_STATE		0x00	/* u32, TEL_CHST_*, by the card */
#define TEL_CH_HOOK		0x04	/* u32, 1 = off hook, by the card */
#define TEL_CH_RX_HEAD		0x08	/* u32, by the card */
#define TEL_CH_RX_TAIL		0x0c	/* u32, by the driver */
#define TEL_CH_TX_HEAD		0x10	/* u32, by the driver */
#define TEL_CH_TX_TAIL		0x14	/* u32, by the card */
#define TEL_CH_RING_BYTES	0x18	/* u32, bound ring size, 0 = none */
#define TEL_CH_RX_FRAMES	0x1c	/* u32, frames written to rx ring */
#define TEL_CH_TX_FRAMES	0x20	/* u32, frames read from tx ring */
#define TEL_CH_RX_OVERRUNS	0x24	/* u32 */
#define TEL_CH_TX_UNDERRUNS	0x28	/* u32 */
#define TEL_CH_CAUSE		0x2c	/* u32, last disconnect cause */

/* Channel states (card's view) */
#define TEL_CHST_IDLE		0	/* on hook, nothing offered */
#define TEL_CHST_DIALING	1	/* off hook, digits going out */
#define TEL_CHST_RINGBACK	2	/* far end alerted */
#define TEL_CHST_CONNECTED	3
#define TEL_CHST_OFFERING	4	/* inbound call ringing us */
#define TEL_CHST_DISCONNECTED	5	/* far end cleared; still off hook */
#define TEL_CHST_HELD		6	/* TEL_OP_HOLD: connected, no audio */
#define TEL_CHST_CONF		7	/* TEL_OP_CONF_JOIN: in a conference */
#define TEL_CHST_MAX		TEL_CHST_CONF

/* Disconnect causes: the values of enum tel_disconnect_mode in tel.h */

#endif /* TEL_REGS_H */
