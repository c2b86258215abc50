/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tel.h - userspace ABI of the tel telephony card driver (/dev/telN)
 *
 * See Documentation/userspace-api.rst for the call-session contract, the
 * state diagram and every errno.  Rules (botching-up-ioctls.rst): fixed
 * size types, pointers in __u64, every struct a multiple of 8 bytes,
 * reserved fields, padding and output fields must be zero on input (else
 * EINVAL).
 *
 * Extension: a struct never changes size (the size is part of the command
 * number, so a changed size would be another command: ENOTTY).  New
 * behaviour comes as a reserved field given a meaning (zero meaning the old
 * behaviour), a new flag bit, a new command, event type or state, each
 * announced by a TEL_FEAT_* bit in tel_card_info.features.
 */
#ifndef _UAPI_LINUX_TEL_H
#define _UAPI_LINUX_TEL_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define TEL_STR_LEN		32	/* model, firmware, serial strings */
#define TEL_NUMBER_LEN		32	/* phone numbers, NUL terminated */
#define TEL_DIGITS_MAX		31	/* digits one TEL_IOC_CALL_DIGITS queues */
#define TEL_NAME_LEN		16	/* calling name, NUL terminated */
#define TEL_DIGITS_LOG_LEN	64	/* digits kept in a call's record */

/**
 * struct tel_card_info - TEL_IOC_CARD_INFO result
 * @model: card model, NUL terminated
 * @firmware: firmware version, NUL terminated
 * @serial: serial number, NUL terminated
 * @index: N of /dev/telN
 * @channels: number of channels, numbered 0..channels-1
 * @frame_samples: samples per frame (one frame per 1 ms tick)
 * @sample_rate: samples per second
 * @flags: TEL_CARD_F_*
 * @abi_version: TEL_ABI_VERSION of the driver
 * @features: TEL_FEAT_*: what this driver and card can do beyond the
 *	commands of ABI version @abi_version
 * @reserved: zero
 *
 * Every field is output: all must be zero on entry.  Works after the card
 * was removed or failed (the identity is kept), with TEL_CARD_F_GONE set.
 */
struct tel_card_info {
	char model[TEL_STR_LEN];
	char firmware[TEL_STR_LEN];
	char serial[TEL_STR_LEN];
	__u32 index;
	__u32 channels;
	__u32 frame_samples;
	__u32 sample_rate;
	__u32 flags;
	__u32 abi_version;
	__u64 features;
	__u32 reserved[4];
};

#define TEL_CARD_F_GONE		0x1	/* card removed or failed */

/*
 * ABI version: 2 since the ioctl magic moved to 0xB9.  A driver reporting a
 * higher version still answers every command of the lower ones.
 */
#define TEL_ABI_VERSION		2

/* tel_card_info.features: what came after ABI version 2's eight commands */
#define TEL_FEAT_CALL_LIST	0x1ULL	/* TEL_IOC_CALL_LIST */
/* TEL_IOC_CALL_DIGITS, TEL_IOC_CALL_MONITOR, TEL_EVENT_DIGIT, _DIGITS_SENT */
#define TEL_FEAT_DIGITS		0x2ULL
/* OFFER events carry the presentation; TEL_IOC_CALL_PARTY has the name */
#define TEL_FEAT_CALLER_ID	0x4ULL
#define TEL_FEAT_FLASH		0x8ULL	/* TEL_IOC_CALL_FLASH, TEL_EVENT_FLASH */
#define TEL_FEAT_CALL_PARTY	0x10ULL	/* TEL_IOC_CALL_PARTY */
/* TEL_IOC_CALL_EXPORT, TEL_IOC_CALL_IMPORT, TEL_OWNER_HANDOFF */
#define TEL_FEAT_HANDOFF	0x20ULL
/*
 * TEL_IOC_CARD_MONITOR, TEL_EVENT_CALL_NEW and _CALL_DEALLOC, the call's
 * card-wide id (tel_call_info.id, tel_call_list_entry.id) and
 * TEL_CALL_F_HIDDEN in tel_call_info.flags and tel_call_party.flags
 */
#define TEL_FEAT_MONITOR	0x40ULL
/* TEL_IOC_CALL_TAP: a privileged monitor reads a call's audio, both ways */
#define TEL_FEAT_TAP		0x80ULL
/* TEL_IOC_CALL_HOLD, TEL_IOC_CALL_UNHOLD, state TEL_CALL_ONHOLD */
#define TEL_FEAT_HOLD		0x100ULL
#define TEL_FEAT_REDIRECT	0x200ULL	/* TEL_IOC_CALL_REDIRECT */
/* TEL_IOC_CALL_TRANSFER, origin TEL_ORIGIN_TRANSFER, TEL_DISC_TRANSFERRED */
#define TEL_FEAT_TRANSFER	0x400ULL
/* TEL_IOC_CALL_WATERMARK, TEL_EVENT_AUDIO_READY */
#define TEL_FEAT_WATERMARK	0x800ULL
/* TEL_IOC_CALL_MAP, TEL_IOC_CALLS_SYNC, mmap() of a call's rings */
#define TEL_FEAT_MMAP		0x4000ULL
/* TEL_IOC_CALL_COMPLETE_TRANSFER: a consultation transfer's end */
#define TEL_FEAT_CONSULT	0x2000ULL
/*
 * TEL_IOC_CONF_SETUP, TEL_IOC_CONF_ADD, TEL_IOC_CONF_REMOVE, state
 * TEL_CALL_CONFERENCED
 */
#define TEL_FEAT_CONFERENCE	0x1000ULL
/*
 * TEL_ALLOC_F_CONF and tel_call_alloc.conf: the application listens and
 * speaks in its own conference, as one party
 */
#define TEL_FEAT_CONF_PARTY	0x8000ULL

/**
 * enum tel_call_state - call states; see the diagram in
 * Documentation/userspace-api.rst
 * @TEL_CALL_IDLE: dropped: on hook, buffers and statistics kept until
 *	TEL_IOC_CALL_DEALLOC
 * @TEL_CALL_DIALING: outbound, digits going out
 * @TEL_CALL_RINGBACK: outbound, the far end is alerted
 * @TEL_CALL_CONNECTED: audio flows both ways
 * @TEL_CALL_OFFERING: inbound, accepted (TEL_ANSWER_F_ACCEPT) not answered
 * @TEL_CALL_DISCONNECTED: the far end or the hardware cleared the call;
 *	the owner still has to drop it
 * @TEL_CALL_ONHOLD: a CONNECTED call held (TEL_IOC_CALL_HOLD): no audio
 *	moves either way, the far end hears the hold tone
 * @TEL_CALL_CONFERENCED: a member of a conference (TEL_IOC_CONF_ADD):
 *	its own rings move no audio, its far party hears the others; or
 *	the application's own party in one (TEL_ALLOC_F_CONF), whose rings
 *	carry the conference's audio
 */
enum tel_call_state {
	TEL_CALL_IDLE		= 0,
	TEL_CALL_DIALING	= 1,
	TEL_CALL_RINGBACK	= 2,
	TEL_CALL_CONNECTED	= 3,
	TEL_CALL_OFFERING	= 4,
	TEL_CALL_DISCONNECTED	= 5,
	TEL_CALL_ONHOLD		= 6,
	TEL_CALL_CONFERENCED	= 7,
};

/**
 * enum tel_call_origin - who ended the call
 * @TEL_ORIGIN_NONE: not ended yet
 * @TEL_ORIGIN_LOCAL: the owner dropped it (or closed the file)
 * @TEL_ORIGIN_APPLICATION: the owner dropped it with an application reason
 * @TEL_ORIGIN_REMOTE: the far end cleared it
 * @TEL_ORIGIN_HARDWARE: the card was removed or stopped answering
 * @TEL_ORIGIN_TRANSFER: the owner transferred it (TEL_IOC_CALL_TRANSFER,
 *	TEL_IOC_CALL_COMPLETE_TRANSFER): the far party went on to another
 *	number or party
 */
enum tel_call_origin {
	TEL_ORIGIN_NONE		= 0,
	TEL_ORIGIN_LOCAL	= 1,
	TEL_ORIGIN_APPLICATION	= 2,
	TEL_ORIGIN_REMOTE	= 3,
	TEL_ORIGIN_HARDWARE	= 4,
	TEL_ORIGIN_TRANSFER	= 5,
};

/*
 * Disconnect modes: Microsoft TAPI's LINEDISCONNECTMODE_* values.  Also the
 * causes the card reports and takes (driver/tel_regs.h).
 */
#define TEL_DISC_NORMAL		0x00000001
#define TEL_DISC_UNKNOWN	0x00000002
#define TEL_DISC_REJECT		0x00000004
#define TEL_DISC_FORWARDED	0x00000010	/* redirected (TEL_FEAT_REDIRECT) */
#define TEL_DISC_BUSY		0x00000020
#define TEL_DISC_NOANSWER	0x00000040
#define TEL_DISC_BADADDRESS	0x00000080
#define TEL_DISC_UNREACHABLE	0x00000100
#define TEL_DISC_CONGESTION	0x00000200
#define TEL_DISC_INCOMPATIBLE	0x00000400
#define TEL_DISC_UNAVAIL	0x00000800
#define TEL_DISC_NODIALTONE	0x00001000
#define TEL_DISC_NUMBERCHANGED	0x00002000
#define TEL_DISC_OUTOFORDER	0x00004000
#define TEL_DISC_TEMPFAILURE	0x00008000
#define TEL_DISC_BLOCKED	0x00020000
#define TEL_DISC_CANCELLED	0x00080000
/* tel's own, not a TAPI value: the owner transferred the call away */
#define TEL_DISC_TRANSFERRED	0x01000000

#define TEL_CHANNEL_ANY		0xffffffffU

/**
 * struct tel_call_alloc - TEL_IOC_CALL_ALLOC: place an outbound call, or
 *	join a conference as the application's own party
 * @channel: channel to use, or TEL_CHANNEL_ANY for the lowest free one
 * @flags: TEL_ALLOC_F_CONF, or 0
 * @number: digits to dial (0-9 * # +), NUL terminated, not empty; with
 *	TEL_ALLOC_F_CONF empty (all zero)
 * @handle: returned: the call's handle (never 0)
 * @out_channel: returned: the channel used
 * @conf: with TEL_ALLOC_F_CONF: the handle of a conference of this file
 *	(TEL_IOC_CONF_SETUP); else must be zero
 * @reserved: must be zero
 *
 * Returns once the card has gone off hook and dialled: the call is in
 * DIALING; progress (RINGBACK, CONNECTED, DISCONNECTED) comes as events.
 * With TEL_ALLOC_F_CONF (TEL_FEAT_CONF_PARTY) nothing is dialled: the
 * call is the application's own party in conference @conf, CONFERENCED
 * at once, and its READ and WRITE move the conference's audio: it hears
 * the mix of the other members and they hear what it writes.
 */
struct tel_call_alloc {
	__u32 channel;
	__u32 flags;
	char number[TEL_NUMBER_LEN];
	__u32 handle;
	__u32 out_channel;
	__u32 conf;
	__u32 reserved[3];
};

/* TEL_IOC_CALL_ALLOC: the application's party in a conference */
#define TEL_ALLOC_F_CONF	0x1

#define TEL_ANSWER_F_ACCEPT	0x1	/* take ownership, keep ringing */

/**
 * struct tel_call_answer - TEL_IOC_CALL_ANSWER: take an offered call
 * @channel: the channel a TEL_EVENT_OFFER named
 * @flags: TEL_ANSWER_F_ACCEPT to own the call (state OFFERING) without
 *	answering it yet; a later ANSWER on the same channel answers it and
 *	returns the same handle, a DROP rejects it
 * @handle: returned: the call's handle
 * @reserved: must be zero
 */
struct tel_call_answer {
	__u32 channel;
	__u32 flags;
	__u32 handle;
	__u32 reserved[5];
};

/**
 * struct tel_call_drop - TEL_IOC_CALL_DROP: end a call, keep its record
 * @handle: the call
 * @reason: 0 for a plain drop (origin LOCAL), or an application reason
 *	(origin APPLICATION), kept in the call's record
 * @reserved: must be zero
 */
struct tel_call_drop {
	__u32 handle;
	__u32 reason;
	__u32 reserved[2];
};

/**
 * struct tel_call_dealloc - TEL_IOC_CALL_DEALLOC: release an IDLE call
 * @handle: the call
 * @reserved: must be zero
 */
struct tel_call_dealloc {
	__u32 handle;
	__u32 reserved[3];
};

/**
 * struct tel_call_info - TEL_IOC_CALL_INFO: the call's record
 * @handle: in: the call; every other field is output and must be zero on
 *	entry
 * @state: enum tel_call_state
 * @direction: TEL_DIR_OUTBOUND or TEL_DIR_INBOUND
 * @card: N of /dev/telN
 * @channel: channel on the card
 * @origin: enum tel_call_origin
 * @disconnect_mode: TEL_DISC_*, 0 while not ended
 * @app_reason: the reason given to TEL_IOC_CALL_DROP, else 0
 * @called: called number (outbound: the digits dialled)
 * @calling: calling number (inbound: as the card offered it)
 * @alloc_ns: CLOCK_MONOTONIC ns when the handle was created
 * @connect_ns: when the call connected, 0 if it never did
 * @disconnect_ns: when it was disconnected or dropped, 0 if not yet
 * @idle_ns: when it became IDLE, 0 if not yet
 * @start_realtime_ns: CLOCK_REALTIME ns when the handle was created
 * @duration_ns: connected time: from connect to disconnect (or to now)
 * @rx_frames: frames received from the far end
 * @tx_frames: frames sent to the far end from the owner's audio
 * @rx_bytes: audio bytes received
 * @tx_bytes: audio bytes sent
 * @rx_overruns: received frames lost because the owner did not read
 * @tx_underruns: frames sent as silence because the owner wrote none
 * @dma_bytes: DMA memory the call holds (0 after card removal)
 * @rx_pending: received bytes not yet read by TEL_IOC_CALL_READ
 * @flags: TEL_CALL_F_*: TEL_CALL_F_HIDDEN when @called and @calling are
 *	withheld from this file (a monitor's view of another user's call);
 *	they are then empty
 * @id: the call's card-wide id: what names it to a monitor (the handle of
 *	a monitor's events, TEL_IOC_CALL_LIST's id); never 0
 * @reserved: zero
 */
struct tel_call_info {
	__u32 handle;
	__u32 state;
	__u32 direction;
	__u32 card;
	__u32 channel;
	__u32 origin;
	__u32 disconnect_mode;
	__u32 app_reason;
	char called[TEL_NUMBER_LEN];
	char calling[TEL_NUMBER_LEN];
	__u64 alloc_ns;
	__u64 connect_ns;
	__u64 disconnect_ns;
	__u64 idle_ns;
	__u64 start_realtime_ns;
	__u64 duration_ns;
	__u64 rx_frames;
	__u64 tx_frames;
	__u64 rx_bytes;
	__u64 tx_bytes;
	__u64 rx_overruns;
	__u64 tx_underruns;
	__u32 dma_bytes;
	__u32 rx_pending;
	__u32 flags;
	__u32 id;
	__u32 reserved[2];
};

#define TEL_CALL_F_HIDDEN	0x1	/* personal data withheld (a monitor's) */

#define TEL_DIR_OUTBOUND	0
#define TEL_DIR_INBOUND		1

#define TEL_AUDIO_F_WAIT	0x1	/* block until data or space */

/**
 * struct tel_call_audio - TEL_IOC_CALL_READ / TEL_IOC_CALL_WRITE
 * @handle: the call
 * @flags: TEL_AUDIO_F_WAIT to sleep until at least one byte moves (or the
 *	call can move no more); without it, EAGAIN when nothing can move
 * @buf: user pointer to the G.711 bytes
 * @len: in: bytes wanted / offered; out: bytes moved
 * @reserved: must be zero
 *
 * READ returns received audio, also after the call was dropped, until
 * DEALLOC; when nothing is left and nothing more can arrive it returns
 * 0 bytes (end of stream).  WRITE queues audio for the far end; only a
 * CONNECTED call takes audio (else EPIPE).
 */
struct tel_call_audio {
	__u32 handle;
	__u32 flags;
	__u64 buf;
	__u32 len;
	__u32 reserved[3];
};

/*
 * Presentation of the calling party (TAPI's LINECALLPARTYID_*): with
 * RESTRICTED (the caller withheld it) and UNAVAILABLE (the network does
 * not have it) there is no number and no name.
 */
#define TEL_PRES_ALLOWED	0
#define TEL_PRES_RESTRICTED	1
#define TEL_PRES_UNAVAILABLE	2

/**
 * struct tel_call_digits - TEL_IOC_CALL_DIGITS: send DTMF digits
 * @handle: the call, CONNECTED
 * @flags: none defined, must be zero
 * @tone_ms: each tone, 40 to 1000 ms (ITU-T Q.24: at least 40), 0 for 80
 * @gap_ms: the silence after each, 40 to 1000 ms, 0 for 80
 * @digits: 1 to TEL_DIGITS_MAX of 0-9 * # A-D, NUL terminated
 * @reserved: must be zero
 *
 * Queues the digits on the card after any still queued and returns: the
 * card mixes the tones into the call's transmit audio.  A
 * TEL_EVENT_DIGITS_SENT follows when the card's queue has run empty.  The
 * digits are added to the call's record (TEL_IOC_CALL_PARTY).
 */
struct tel_call_digits {
	__u32 handle;
	__u32 flags;
	__u32 tone_ms;
	__u32 gap_ms;
	char digits[TEL_NUMBER_LEN];
	__u32 reserved[4];
};

#define TEL_MONITOR_F_DIGITS	0x1	/* a TEL_EVENT_DIGIT per digit heard */
#define TEL_MONITOR_F_MUTE	0x2	/* and the tones muted in the audio */

/**
 * struct tel_call_monitor - TEL_IOC_CALL_MONITOR: digit monitoring
 * @handle: the call: DIALING, RINGBACK or CONNECTED
 * @flags: TEL_MONITOR_F_*; 0 turns monitoring off.  MUTE only with DIGITS
 * @reserved: must be zero
 *
 * TAPI's lineMonitorDigits: the card detects DTMF in the audio the far
 * end sends (from the samples) and each digit raises a TEL_EVENT_DIGIT
 * when its tone ends; every digit heard is added to the call's record.
 * Monitoring ends with the call.
 */
struct tel_call_monitor {
	__u32 handle;
	__u32 flags;
	__u32 reserved[2];
};

/**
 * struct tel_call_flash - TEL_IOC_CALL_FLASH: a hook flash
 * @handle: the call, CONNECTED
 * @ms: on hook for 50 to 2000 ms, 0 for 750
 * @reserved: must be zero
 *
 * A timed on-hook that does not end the call (the call stays CONNECTED;
 * no audio moves meanwhile).  Returns once the card started it; a
 * TEL_EVENT_FLASH follows when the line is off hook again.
 */
struct tel_call_flash {
	__u32 handle;
	__u32 ms;
	__u32 reserved[2];
};

/**
 * struct tel_call_hold - TEL_IOC_CALL_HOLD and TEL_IOC_CALL_UNHOLD
 * @handle: the call: CONNECTED to hold, ONHOLD to unhold
 * @reserved: must be zero
 *
 * HOLD (TAPI's lineHold) moves a CONNECTED call to ONHOLD: the card stops
 * moving audio both ways and the far end hears the hold tone; UNHOLD
 * (lineUnhold) brings it back to CONNECTED.  Each returns once the call
 * is in its new state, with a TEL_EVENT_STATE queued for it.
 */
struct tel_call_hold {
	__u32 handle;
	__u32 reserved[3];
};

/**
 * struct tel_call_watermark - TEL_IOC_CALL_WATERMARK: wake me per block
 * @handle: the call, CONNECTED or ONHOLD (any state to disarm)
 * @rx_bytes: report the call once at least this many received bytes are
 *	readable; 0: no rx mark.  At most the ring (2048 bytes).
 * @tx_bytes: report the call once at least this many bytes of transmit
 *	space are free; 0: no tx mark.  At most the ring.
 * @flags: none defined, must be zero
 * @reserved: must be zero
 *
 * Arms (or with both marks 0, disarms) the call's watermarks, replacing
 * the ones set before.  When a mark is reached the file gets one
 * TEL_EVENT_AUDIO_READY naming the call, with TEL_WATERMARK_RX and/or
 * TEL_WATERMARK_TX in its detail, and poll() on the file reports EPOLLIN.
 * A direction reported is not reported again until it is re-armed: by a
 * TEL_IOC_CALL_READ (rx) or TEL_IOC_CALL_WRITE (tx) of the call that moves
 * at least one byte, or by this ioctl.  The marks are disarmed when the
 * call leaves CONNECTED and ONHOLD, is handed off, or the card goes.
 */
struct tel_call_watermark {
	__u32 handle;
	__u32 rx_bytes;
	__u32 tx_bytes;
	__u32 flags;
	__u32 reserved[4];
};

/* tel_event.detail of TEL_EVENT_AUDIO_READY: the directions ready */
#define TEL_WATERMARK_RX	0x1
#define TEL_WATERMARK_TX	0x2

/**
 * struct tel_call_map - TEL_IOC_CALL_MAP: where to mmap() a call's rings
 * @handle: the call, in any state
 * @flags: none defined, must be zero
 * @offset: out: the mmap() offset of the call, page aligned, unique on
 *	the card and never handed out again
 * @length: out: the mapping's length: exactly this, at @offset, with
 *	PROT_READ | PROT_WRITE and MAP_SHARED
 * @ring_bytes: out: the length of each ring (a power of two)
 * @ctl_offset: out: where struct tel_map_ctl is in the mapping (0)
 * @rx_offset: out: where the receive ring is in the mapping
 * @tx_offset: out: where the transmit ring is in the mapping
 * @reserved: must be zero
 *
 * The mapping is one control page (struct tel_map_ctl, ordinary memory)
 * and the call's two rings, in place: the same memory the card moves
 * audio in.  Stream position p of a ring is at byte p % @ring_bytes of
 * it.  Asking again for a call already mapped gives the same offset.
 * The offset stops working (and every mapping of it gets SIGBUS) when
 * the call is deallocated, handed off, or its file released.
 */
struct tel_call_map {
	__u32 handle;
	__u32 flags;
	__u64 offset;
	__u32 length;
	__u32 ring_bytes;
	__u32 ctl_offset;
	__u32 rx_offset;
	__u32 tx_offset;
	__u32 reserved[3];
};

/**
 * struct tel_map_ctl - the control page of a mapped call
 * @rx_head: driver: bytes received (the card's RX_HEAD, checked)
 * @tx_tail: driver: bytes the card took from the transmit ring
 * @seq: driver: bumped each time the driver wrote this page
 * @flags: driver: TEL_MAP_*
 * @bad: driver: values of @rx_tail or @tx_head refused (out of range)
 * @driver_reserved: zero
 * @rx_tail: owner: bytes it consumed from the receive ring
 * @tx_head: owner: bytes it wrote into the transmit ring
 * @owner_reserved: unused
 *
 * Indices run free (mod 2^32).  The owner reads the driver's fields and
 * writes its own two; TEL_IOC_CALLS_SYNC takes them to the card (each
 * checked: @rx_tail may not pass @rx_head nor go back, @tx_head may not
 * fill more than the ring nor go back; a value out of range is not
 * taken and is counted in @bad) and writes the driver's fields.  A call
 * armed with TEL_IOC_CALL_WATERMARK also has the driver's fields written
 * when its TEL_EVENT_AUDIO_READY is queued, so the event's reader finds
 * the new audio without another call.
 */
struct tel_map_ctl {
	__u32 rx_head;
	__u32 tx_tail;
	__u32 seq;
	__u32 flags;
	__u32 bad;
	__u32 driver_reserved[11];
	__u32 rx_tail;
	__u32 tx_head;
	__u32 owner_reserved[14];
};

/* tel_map_ctl.flags */
#define TEL_MAP_ON_CARD		0x1	/* the card moves the call's audio */

/**
 * struct tel_calls_sync - TEL_IOC_CALLS_SYNC: sync every mapped call
 * @flags: none defined, must be zero
 * @reserved: must be zero
 *
 * For every call of the file that is mapped: the owner's indices of its
 * control page go to the card, the card's come back.  Returns the number
 * of mapped calls synced.
 */
struct tel_calls_sync {
	__u32 flags;
	__u32 reserved[3];
};

/**
 * struct tel_call_redirect - TEL_IOC_CALL_REDIRECT: send an offered call
 *	to another number
 * @channel: the channel a TEL_EVENT_OFFER named: an offer no call took,
 *	or the call this file accepted there (TEL_ANSWER_F_ACCEPT)
 * @flags: none defined, must be zero
 * @number: where the network sends the call (as TEL_IOC_CALL_ALLOC's),
 *	NUL terminated, not empty
 * @reserved: must be zero
 *
 * TAPI's lineRedirect: the network sends the call on before it is
 * answered.  The offer ends (a TEL_EVENT_STATE IDLE, origin LOCAL, mode
 * TEL_DISC_FORWARDED, to every file for an offer no call took); an
 * accepted call goes IDLE with that origin and mode, its record kept
 * until TEL_IOC_CALL_DEALLOC.
 */
struct tel_call_redirect {
	__u32 channel;
	__u32 flags;
	char number[TEL_NUMBER_LEN];
	__u32 reserved[4];
};

/**
 * struct tel_call_transfer - TEL_IOC_CALL_TRANSFER: a blind transfer
 * @handle: the call: CONNECTED or ONHOLD
 * @flags: none defined, must be zero
 * @number: where the network sends the far party (as TEL_IOC_CALL_ALLOC's),
 *	NUL terminated, not empty
 * @reserved: must be zero
 *
 * TAPI's lineBlindTransfer: the card flashes, dials @number and hangs up;
 * the network joins the far party to @number.  Returns once done: the
 * call is DISCONNECTED, origin TEL_ORIGIN_TRANSFER, mode
 * TEL_DISC_TRANSFERRED, no audio moves any more; DROP and DEALLOC it as
 * any ended call.  Blind: what the target does is the far party's.
 */
struct tel_call_transfer {
	__u32 handle;
	__u32 flags;
	char number[TEL_NUMBER_LEN];
	__u32 reserved[4];
};

/**
 * struct tel_call_complete_transfer - TEL_IOC_CALL_COMPLETE_TRANSFER: the
 *	end of a consultation transfer
 * @handle: the first call: ONHOLD (or CONNECTED)
 * @consult_handle: the consultation call, another call of this file:
 *	CONNECTED, or RINGBACK (not answered yet)
 * @flags: none defined, must be zero
 * @reserved: must be zero
 *
 * TAPI's lineCompleteTransfer (LINETRANSFERMODE_TRANSFER): the card joins
 * the two far parties to each other and leaves.  Set up with
 * TEL_IOC_CALL_HOLD of the first call and TEL_IOC_CALL_ALLOC of the
 * consultation call; gone back from with TEL_IOC_CALL_DROP of the
 * consultation call and TEL_IOC_CALL_UNHOLD.  Returns once done: both
 * calls are DISCONNECTED, origin TEL_ORIGIN_TRANSFER, mode
 * TEL_DISC_TRANSFERRED, no audio moves on either any more; DROP and
 * DEALLOC each as any ended call.  A consultation call still ringing is
 * the network's from then on: the far parties talk once it answers.
 */
struct tel_call_complete_transfer {
	__u32 handle;
	__u32 consult_handle;
	__u32 flags;
	__u32 reserved[5];
};

/**
 * struct tel_conf_setup - TEL_IOC_CONF_SETUP: a new, empty conference
 * @flags: none defined, must be zero
 * @handle: out: the conference's handle (never 0, never a call's);
 *	must be zero on entry
 * @max_members: out: the calls one conference takes on this card (the
 *	card's limit, at least 3); must be zero on entry
 * @reserved: must be zero
 *
 * TAPI's lineSetupConference: the conference is mixed by the card.  Its
 * handle names it to TEL_IOC_CONF_ADD and _REMOVE, to TEL_IOC_CALL_DROP
 * (which drops every member: each goes IDLE, its record kept until its
 * own DEALLOC) and to TEL_IOC_CALL_DEALLOC (which releases an empty
 * conference's handle); every other command answers ENOENT for it.
 */
struct tel_conf_setup {
	__u32 flags;
	__u32 handle;
	__u32 max_members;
	__u32 reserved[5];
};

/**
 * struct tel_conf_member - TEL_IOC_CONF_ADD and TEL_IOC_CONF_REMOVE
 * @conf: the conference's handle (TEL_IOC_CONF_SETUP)
 * @handle: the call
 * @reserved: must be zero
 *
 * ADD (lineAddToConference) takes a CONNECTED or ONHOLD call into the
 * conference: it goes CONFERENCED, its far party hears the far parties of
 * all the other members, summed by the card (and they hear it); its own
 * rings move nothing.  REMOVE (lineRemoveFromConference) takes a member
 * out, back to CONNECTED with its own audio.  Each returns once the call
 * is in its new state, with a TEL_EVENT_STATE queued for it.  A member
 * the far end clears goes DISCONNECTED and out; the conference goes on.
 */
struct tel_conf_member {
	__u32 conf;
	__u32 handle;
	__u32 reserved[2];
};

/**
 * struct tel_call_party - TEL_IOC_CALL_PARTY: caller ID and digits
 * @handle: in: the call; every other field is output and must be zero on
 *	entry
 * @presentation: TEL_PRES_* of the calling party (inbound calls)
 * @flashes: hook flashes made on the call
 * @digits_rx_count: digits heard while monitoring (may exceed what
 *	@digits_rx holds)
 * @digits_tx_count: digits queued with TEL_IOC_CALL_DIGITS
 * @name: calling name (inbound), NUL terminated; empty if none
 * @digits_rx: the first digits heard, NUL terminated
 * @digits_tx: the first digits sent, NUL terminated
 * @reserved: zero
 *
 * Like TEL_IOC_CALL_INFO, readable after DROP until DEALLOC (TAPI's
 * post-connection data).
 */
struct tel_call_party {
	__u32 handle;
	__u32 presentation;
	__u32 flashes;
	__u32 digits_rx_count;
	__u32 digits_tx_count;
	__u32 flags;
	char name[TEL_NAME_LEN];
	char digits_rx[TEL_DIGITS_LOG_LEN];
	char digits_tx[TEL_DIGITS_LOG_LEN];
	__u32 reserved[4];
};

/**
 * struct tel_call_list_entry - one call in a TEL_IOC_CALL_LIST result
 * @card: N of /dev/telN
 * @channel: channel on the card
 * @handle: the owner's handle for the call; 0 for a bridge call
 * @pid: the process that created the call, in the caller's pid
 *	namespace (0 if it has none there)
 * @uid: the user that created the call, in the opener's user namespace
 * @state: enum tel_call_state
 * @direction: TEL_DIR_OUTBOUND or TEL_DIR_INBOUND
 * @origin: enum tel_call_origin
 * @disconnect_mode: TEL_DISC_*, 0 while not ended
 * @owner: TEL_OWNER_*: who holds the call
 * @flags: TEL_LIST_F_*
 * @dma_bytes: DMA memory the call holds (0 after card removal)
 * @duration_ns: connected time: from connect to disconnect (or to now)
 * @rx_frames: frames received from the far end
 * @tx_frames: frames sent to the far end from the owner's audio
 * @rx_bytes: audio bytes received
 * @tx_bytes: audio bytes sent
 * @rx_overruns: received frames lost because the owner did not read
 * @tx_underruns: frames sent as silence because the owner wrote none
 * @called: called number, NUL terminated; empty if hidden (TEL_LIST_F_HIDDEN)
 * @calling: calling number, NUL terminated; empty if hidden
 * @id: the call's card-wide id (TEL_FEAT_MONITOR), never 0
 * @reserved: zero
 *
 * The same fields, and the same rule for numbers, as a line of
 * /proc/driver/tel/calls (Documentation/proc.rst).
 */
struct tel_call_list_entry {
	__u32 card;
	__u32 channel;
	__u32 handle;
	__s32 pid;
	__u32 uid;
	__u32 state;
	__u32 direction;
	__u32 origin;
	__u32 disconnect_mode;
	__u32 owner;
	__u32 flags;
	__u32 dma_bytes;
	__u64 duration_ns;
	__u64 rx_frames;
	__u64 tx_frames;
	__u64 rx_bytes;
	__u64 tx_bytes;
	__u64 rx_overruns;
	__u64 tx_underruns;
	char called[TEL_NUMBER_LEN];
	char calling[TEL_NUMBER_LEN];
	__u32 id;
	__u32 reserved[3];
};

#define TEL_OWNER_FILE		0	/* an open /dev/telN */
#define TEL_OWNER_BRIDGE	1	/* the DAHDI bridge (tel_dahdi.ko) */
#define TEL_OWNER_HANDOFF	2	/* in flight: an exported call's fd */

#define TEL_LIST_F_HIDDEN	0x1	/* numbers withheld from this caller */

/**
 * struct tel_call_list - TEL_IOC_CALL_LIST: the calls of this card
 * @entries: user pointer to @capacity struct tel_call_list_entry
 * @capacity: in: entries there is room for; 0 asks only for @count
 * @count: out: the calls there are (written only on success); must be
 *	zero on input
 * @flags: none defined, must be zero
 * @reserved: must be zero
 *
 * Lists every call of the card that /proc/driver/tel/calls shows: those
 * of every open file, live or dropped and not yet deallocated, and those
 * the DAHDI bridge holds.  With @capacity 0, only @count is returned.  A
 * @capacity smaller than the calls there are fails with ENOSPC and
 * changes nothing: ask again with at least @count entries.
 */
struct tel_call_list {
	__u64 entries;
	__u32 capacity;
	__u32 count;
	__u32 flags;
	__u32 reserved[5];
};

/**
 * struct tel_call_export - TEL_IOC_CALL_EXPORT: hand a call to an fd
 * @handle: in: the call, in any state
 * @flags: in: TEL_EXPORT_F_*
 * @fd: out: a new file descriptor that owns the call; must be zero on
 *	entry
 * @reserved: must be zero
 *
 * The call leaves this file's handles (the handle answers ENOENT from
 * now on) and is owned by the new fd ("in flight", TEL_OWNER_HANDOFF)
 * until a TEL_IOC_CALL_IMPORT takes it, on a file of the same card, in
 * any process the fd reaches (SCM_RIGHTS).  Closing the last reference
 * of the fd before that drops and deallocates the call.
 */
struct tel_call_export {
	__u32 handle;
	__u32 flags;
	__s32 fd;
	__u32 reserved[5];
};

#define TEL_EXPORT_F_CLOEXEC	0x1	/* the new fd is close-on-exec */

/**
 * struct tel_call_import - TEL_IOC_CALL_IMPORT: take a call from an fd
 * @fd: in: a file descriptor made by TEL_IOC_CALL_EXPORT
 * @flags: in: none defined, must be zero
 * @handle: out: the call's handle in this file; must be zero on entry
 * @reserved: must be zero
 *
 * The call moves into this file's handles with a new handle; the fd is
 * then empty (a second import answers ENOENT) and may be closed.  The
 * file gets a TEL_EVENT_STATE with the call's current state.
 */
struct tel_call_import {
	__s32 fd;
	__u32 flags;
	__u32 handle;
	__u32 reserved[5];
};

/**
 * struct tel_event - one record returned by read() on /dev/telN
 * @type: TEL_EVENT_*
 * @handle: the call concerned, 0 for OFFER, CARD_GONE and OVERFLOW; on a
 *	monitor (TEL_IOC_CARD_MONITOR) the call's card-wide id
 * @channel: channel concerned
 * @state: enum tel_call_state after the event (STATE); CALL_NEW: the
 *	call's first state; CALL_DEALLOC: its last
 * @origin: enum tel_call_origin (STATE to DISCONNECTED or IDLE,
 *	CALL_DEALLOC)
 * @disconnect_mode: TEL_DISC_* (STATE to DISCONNECTED or IDLE,
 *	CALL_DEALLOC)
 * @lost: OVERFLOW: events this file lost since the last OVERFLOW
 * @seq: per-file sequence number, counts lost events too
 * @timestamp_ns: CLOCK_MONOTONIC ns; DIGIT: when the tone began
 * @number: OFFER: the calling number
 * @detail: OFFER: TEL_PRES_*; DIGIT: the digit (ASCII), 0 on a monitor
 *	the digit is withheld from; DIGITS_SENT: the digits sent since the
 *	last DIGITS_SENT; CALL_NEW: TEL_DIR_*; CALL_DEALLOC: TEL_OWNER_* of
 *	the owner that let it go; AUDIO_READY: TEL_WATERMARK_RX and/or
 *	TEL_WATERMARK_TX; else 0
 * @duration_ms: DIGIT: how long the tone lasted; FLASH: the time on hook
 */
struct tel_event {
	__u32 type;
	__u32 handle;
	__u32 channel;
	__u32 state;
	__u32 origin;
	__u32 disconnect_mode;
	__u32 lost;
	__u32 seq;
	__u64 timestamp_ns;
	char number[TEL_NUMBER_LEN];
	union {
		__u32 reserved[2];	/* their old name */
		struct {
			__u32 detail;
			__u32 duration_ms;
		};
	};
};

#define TEL_EVENT_STATE		1	/* a call of this file changed state */
#define TEL_EVENT_OFFER		2	/* inbound call offered on a channel */
#define TEL_EVENT_CARD_GONE	3	/* card removed or stopped answering */
#define TEL_EVENT_OVERFLOW	4	/* this file's queue was full */
#define TEL_EVENT_DIGIT		5	/* a monitored call heard a digit */
#define TEL_EVENT_DIGITS_SENT	6	/* the digits queued were all sent */
#define TEL_EVENT_FLASH		7	/* a hook flash ended */
#define TEL_EVENT_CALL_NEW	8	/* monitor: a call of the card began */
#define TEL_EVENT_CALL_DEALLOC	9	/* monitor: a call's record is gone */
#define TEL_EVENT_AUDIO_READY	12	/* a call reached its watermark */

/**
 * struct tel_card_monitor - TEL_IOC_CARD_MONITOR: make this file a monitor
 * @flags: none defined, must be zero
 * @reserved: must be zero
 *
 * TAPI's LINECALLPRIVILEGE_MONITOR: from now until it is closed, the file
 * sees every call of the card (TEL_EVENT_CALL_NEW, STATE, DIGIT,
 * DIGITS_SENT, FLASH, TEL_EVENT_CALL_DEALLOC, each naming the call by its
 * card-wide id) and reads their records (TEL_IOC_CALL_INFO and
 * TEL_IOC_CALL_PARTY take that id), but owns none and changes none: every
 * command that acts on a call or the card answers EPERM.  A file that owns
 * or owned a call can not become a monitor (EBUSY).  Numbers, names and
 * digits of a call follow the rule of /proc/driver/tel/calls: shown to a
 * monitor opened by CAP_SYS_ADMIN or by the call's owner's user, else
 * withheld (TEL_CALL_F_HIDDEN).
 */
struct tel_card_monitor {
	__u32 flags;
	__u32 reserved[3];
};

/**
 * struct tel_call_tap - TEL_IOC_CALL_TAP: a monitor reads a call's audio
 * @id: the call's card-wide id (as a monitor's events name it)
 * @flags: none defined, must be zero
 * @rx_buf: user pointer for what the far party sent (the call's rx), or 0
 * @tx_buf: user pointer for what the owner sent (the call's tx), or 0
 * @rx_len: in: room at @rx_buf (0: rx not read); out: bytes copied there
 * @tx_len: in: room at @tx_buf (0: tx not read); out: bytes copied there
 * @rx_pos: out: position in the call's rx stream (bytes from its first)
 *	of the first byte copied to @rx_buf; must be zero on input
 * @tx_pos: out: the same for @tx_buf; must be zero on input
 * @rx_lost: out: rx bytes this file's tap missed just before @rx_pos
 *	(overwritten before it read them); must be zero on input
 * @tx_lost: out: the same for tx; must be zero on input
 * @state: out: the call's state (TEL_CALL_*); must be zero on input
 * @reserved: must be zero
 *
 * For a monitor (TEL_IOC_CARD_MONITOR) opened by CAP_SYS_ADMIN or by a
 * member of the group the tel module's tap_gid parameter names (else
 * EPERM).  Each monitor file has its own read position per call and
 * direction, independent of the owner's: the owner reads and the far end
 * hears exactly what they would without the tap.  Returns at once (0
 * bytes when nothing is new); see Documentation/userspace-api.rst.
 */
struct tel_call_tap {
	__u32 id;
	__u32 flags;
	__u64 rx_buf;
	__u64 tx_buf;
	__u32 rx_len;
	__u32 tx_len;
	__u64 rx_pos;
	__u64 tx_pos;
	__u64 rx_lost;
	__u64 tx_lost;
	__u32 state;
	__u32 reserved[3];
};

/*
 * 0xB9: free in Documentation/userspace-api/ioctl/ioctl-number.rst of both
 * 6.1 and 6.12 (0xB7, used before, belongs to nsfs and remoteproc).
 */
#define TEL_IOC_MAGIC		0xB9

#define TEL_IOC_CARD_INFO	_IOWR(TEL_IOC_MAGIC, 0x00, struct tel_card_info)
#define TEL_IOC_CALL_ALLOC	_IOWR(TEL_IOC_MAGIC, 0x01, struct tel_call_alloc)
#define TEL_IOC_CALL_ANSWER	_IOWR(TEL_IOC_MAGIC, 0x02, struct tel_call_answer)
#define TEL_IOC_CALL_DROP	_IOW(TEL_IOC_MAGIC, 0x03, struct tel_call_drop)
#define TEL_IOC_CALL_DEALLOC	_IOW(TEL_IOC_MAGIC, 0x04, struct tel_call_dealloc)
#define TEL_IOC_CALL_INFO	_IOWR(TEL_IOC_MAGIC, 0x05, struct tel_call_info)
#define TEL_IOC_CALL_READ	_IOWR(TEL_IOC_MAGIC, 0x06, struct tel_call_audio)
#define TEL_IOC_CALL_WRITE	_IOWR(TEL_IOC_MAGIC, 0x07, struct tel_call_audio)
#define TEL_IOC_CALL_LIST	_IOWR(TEL_IOC_MAGIC, 0x08, struct tel_call_list)
#define TEL_IOC_CALL_DIGITS	_IOW(TEL_IOC_MAGIC, 0x09, struct tel_call_digits)
#define TEL_IOC_CALL_MONITOR	_IOW(TEL_IOC_MAGIC, 0x0a, struct tel_call_monitor)
#define TEL_IOC_CALL_FLASH	_IOW(TEL_IOC_MAGIC, 0x0b, struct tel_call_flash)
#define TEL_IOC_CALL_PARTY	_IOWR(TEL_IOC_MAGIC, 0x0c, struct tel_call_party)
#define TEL_IOC_CALL_EXPORT	_IOWR(TEL_IOC_MAGIC, 0x0d, struct tel_call_export)
#define TEL_IOC_CALL_IMPORT	_IOWR(TEL_IOC_MAGIC, 0x0e, struct tel_call_import)
#define TEL_IOC_CARD_MONITOR	_IOW(TEL_IOC_MAGIC, 0x0f, struct tel_card_monitor)
#define TEL_IOC_CALL_TAP	_IOWR(TEL_IOC_MAGIC, 0x10, struct tel_call_tap)
#define TEL_IOC_CALL_WATERMARK	_IOW(TEL_IOC_MAGIC, 0x11, struct tel_call_watermark)
#define TEL_IOC_CALL_MAP	_IOWR(TEL_IOC_MAGIC, 0x12, struct tel_call_map)
#define TEL_IOC_CALLS_SYNC	_IOW(TEL_IOC_MAGIC, 0x13, struct tel_calls_sync)
#define TEL_IOC_CALL_HOLD	_IOW(TEL_IOC_MAGIC, 0x14, struct tel_call_hold)
#define TEL_IOC_CALL_UNHOLD	_IOW(TEL_IOC_MAGIC, 0x15, struct tel_call_hold)
#define TEL_IOC_CALL_REDIRECT	_IOW(TEL_IOC_MAGIC, 0x16, struct tel_call_redirect)
#define TEL_IOC_CALL_TRANSFER	_IOW(TEL_IOC_MAGIC, 0x17, struct tel_call_transfer)
#define TEL_IOC_CALL_COMPLETE_TRANSFER \
	_IOW(TEL_IOC_MAGIC, 0x1c, struct tel_call_complete_transfer)
#define TEL_IOC_CONF_SETUP	_IOWR(TEL_IOC_MAGIC, 0x18, struct tel_conf_setup)
#define TEL_IOC_CONF_ADD	_IOW(TEL_IOC_MAGIC, 0x19, struct tel_conf_member)
#define TEL_IOC_CONF_REMOVE	_IOW(TEL_IOC_MAGIC, 0x1a, struct tel_conf_member)

#endif /* _UAPI_LINUX_TEL_H */
