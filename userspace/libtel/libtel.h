/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libtel.h - userspace library for the tel telephony card (/dev/telN)
 *
 * A thin, typed layer over the ioctl contract of uapi/linux/tel.h
 * (Documentation/userspace-api.rst): a call is dialled or answered, then
 * dropped (it keeps its record, its DMA buffers and its unread audio),
 * then deallocated.  Reference: Documentation/libtel.rst.
 *
 * Conventions: every function returns 0 (or a count, or a pointer) on
 * success and -1 (or NULL) with errno set on failure.  Objects are opaque.
 * The constants below (TEL_CALL_*, TEL_ORIGIN_*, TEL_DISC_*, TEL_DIR_*,
 * TEL_EVENT_*, TEL_OWNER_*, TEL_PRES_*, TEL_MONITOR_F_*, TEL_FEAT_*,
 * TEL_CHANNEL_ANY, TEL_ANSWER_F_ACCEPT, TEL_AUDIO_F_WAIT,
 * TEL_EXPORT_F_CLOEXEC, TEL_NUMBER_LEN,
 * TEL_DIGITS_MAX, TEL_NAME_LEN, TEL_DIGITS_LOG_LEN) have the kernel's
 * values; this header
 * needs no kernel header.  A program that also includes <linux/tel.h>
 * includes it first, and then gets the kernel's own definitions.  The
 * structs below are the library's, so that the kernel may grow its
 * structs without breaking programs linked against libtel.so.1.
 */
#ifndef LIBTEL_H
#define LIBTEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The release: the one place it is written (the Makefile and libtel.pc
 * take it from here).  The soname, libtel.so.1, is apart from it.
 */
#define LIBTEL_VERSION_MAJOR	1
#define LIBTEL_VERSION_MINOR	6
#define LIBTEL_VERSION_PATCH	0

/*
 * The kernel's values (uapi/linux/tel.h, see its kernel-doc), defined here
 * unless <linux/tel.h> came first.  The build checks that they agree.
 */
#ifndef _UAPI_LINUX_TEL_H
#define TEL_NUMBER_LEN		32	/* phone numbers, NUL terminated */
#define TEL_DIGITS_MAX		31	/* digits one tel_call_send_digits() */
#define TEL_NAME_LEN		16	/* calling name, NUL terminated */
#define TEL_DIGITS_LOG_LEN	64	/* digits kept in a call's record */

/* tel_card_has_feature(): what came after ABI version 2 (1.2) */
#define TEL_FEAT_CALL_LIST	0x1ULL	/* tel_card_list_calls() */
#define TEL_FEAT_DIGITS		0x2ULL	/* digits both ways */
#define TEL_FEAT_CALLER_ID	0x4ULL	/* OFFER's presentation, the name */
#define TEL_FEAT_FLASH		0x8ULL	/* tel_call_flash() */
#define TEL_FEAT_CALL_PARTY	0x10ULL	/* tel_call_get_party() */
#define TEL_FEAT_HANDOFF	0x20ULL	/* tel_call_export(), _import (1.3) */
#define TEL_FEAT_MONITOR	0x40ULL	/* tel_card_monitor() (1.3) */
#define TEL_FEAT_TAP		0x80ULL	/* tel_card_tap_read() (1.4) */
#define TEL_FEAT_HOLD		0x100ULL	/* tel_call_hold() (1.3) */
#define TEL_FEAT_REDIRECT	0x200ULL	/* tel_call_redirect() (1.4) */
#define TEL_FEAT_TRANSFER	0x400ULL	/* tel_call_transfer() (1.4) */
#define TEL_FEAT_WATERMARK	0x800ULL	/* tel_call_set_watermark() (1.4) */
#define TEL_FEAT_MMAP		0x4000ULL	/* tel_call_map() (1.5) */
#define TEL_FEAT_CONSULT	0x2000ULL	/* tel_call_complete_transfer() (1.5) */
#define TEL_FEAT_CONFERENCE	0x1000ULL	/* tel_conf_setup() (1.5) */
#define TEL_FEAT_CONF_PARTY	0x8000ULL	/* tel_conf_join_self() (1.6) */

enum tel_call_state {
	TEL_CALL_IDLE		= 0,
	TEL_CALL_DIALING	= 1,
	TEL_CALL_RINGBACK	= 2,
	TEL_CALL_CONNECTED	= 3,
	TEL_CALL_OFFERING	= 4,
	TEL_CALL_DISCONNECTED	= 5,
	TEL_CALL_ONHOLD		= 6,	/* 1.3 */
	TEL_CALL_CONFERENCED	= 7,	/* 1.5 */
};

enum tel_call_origin {
	TEL_ORIGIN_NONE		= 0,
	TEL_ORIGIN_LOCAL	= 1,
	TEL_ORIGIN_APPLICATION	= 2,
	TEL_ORIGIN_REMOTE	= 3,
	TEL_ORIGIN_HARDWARE	= 4,
	TEL_ORIGIN_TRANSFER	= 5,	/* 1.4 */
};

/* disconnect modes: Microsoft TAPI's LINEDISCONNECTMODE_* values */
#define TEL_DISC_NORMAL		0x00000001
#define TEL_DISC_UNKNOWN	0x00000002
#define TEL_DISC_REJECT		0x00000004
#define TEL_DISC_FORWARDED	0x00000010	/* redirected (1.4) */
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
#define TEL_DISC_TRANSFERRED	0x01000000	/* tel's own (1.4) */

#define TEL_CHANNEL_ANY		0xffffffffU
#define TEL_ANSWER_F_ACCEPT	0x1	/* take ownership, keep ringing */
#define TEL_DIR_OUTBOUND	0
#define TEL_DIR_INBOUND		1
#define TEL_AUDIO_F_WAIT	0x1	/* block until data or space */

#define TEL_EVENT_STATE		1	/* a call of this file changed state */
#define TEL_EVENT_OFFER		2	/* inbound call offered on a channel */
#define TEL_EVENT_CARD_GONE	3	/* card removed or stopped answering */
#define TEL_EVENT_OVERFLOW	4	/* events were lost: see lost */
#define TEL_EVENT_DIGIT		5	/* a monitored call heard a digit */
#define TEL_EVENT_DIGITS_SENT	6	/* the digits queued were all sent */
#define TEL_EVENT_FLASH		7	/* a hook flash ended */
#define TEL_EVENT_CALL_NEW	8	/* monitor: a call of the card began */
#define TEL_EVENT_CALL_DEALLOC	9	/* monitor: a call's record is gone */
#define TEL_EVENT_AUDIO_READY	12	/* a call reached its watermark (1.4) */

/* TEL_EVENT_AUDIO_READY's detail: the directions ready (1.3) */
#define TEL_WATERMARK_RX	0x1	/* at least rx_bytes readable */
#define TEL_WATERMARK_TX	0x2	/* at least tx_bytes of room */

/* presentation of the calling party (TAPI's LINECALLPARTYID_*) */
#define TEL_PRES_ALLOWED	0
#define TEL_PRES_RESTRICTED	1
#define TEL_PRES_UNAVAILABLE	2

/* tel_call_monitor_digits() */
#define TEL_MONITOR_F_DIGITS	0x1	/* a TEL_EVENT_DIGIT per digit heard */
#define TEL_MONITOR_F_MUTE	0x2	/* and the tones muted in the audio */

#define TEL_OWNER_FILE		0	/* an open /dev/telN */
#define TEL_OWNER_BRIDGE	1	/* the DAHDI bridge (tel_dahdi.ko) */
#define TEL_OWNER_HANDOFF	2	/* in flight: an exported call's fd */

#define TEL_EXPORT_F_CLOEXEC	0x1	/* tel_call_export(): close-on-exec */

#define TEL_CALL_F_HIDDEN	0x1	/* personal data withheld (1.3) */
#endif /* _UAPI_LINUX_TEL_H */

struct tel_card;
struct tel_call;

/* ---- cards ---------------------------------------------------------- */

int tel_card_list(unsigned int *indices, size_t max);

struct tel_card *tel_card_open(unsigned int index);
struct tel_card *tel_card_open_path(const char *path);
int tel_card_close(struct tel_card *card);

int tel_card_fd(const struct tel_card *card);
unsigned int tel_card_index(const struct tel_card *card);
unsigned int tel_card_channel_count(const struct tel_card *card);
const char *tel_card_model(const struct tel_card *card);
const char *tel_card_firmware(const struct tel_card *card);
const char *tel_card_serial(const struct tel_card *card);
unsigned int tel_card_sample_rate(const struct tel_card *card);
unsigned int tel_card_frame_samples(const struct tel_card *card);
int tel_card_is_gone(struct tel_card *card);
uint64_t tel_card_features(const struct tel_card *card);		/* 1.2 */
int tel_card_has_feature(const struct tel_card *card, uint64_t feature);	/* 1.2 */

/* sysfs, by card index: no open file needed */
int tel_card_attr(unsigned int index, const char *name, char *buf,
		  size_t len);
int tel_card_attr_u64(unsigned int index, const char *name, uint64_t *val);

/**
 * struct tel_channel_status - a channel as sysfs shows it
 * @state: the card's view of the line as sysfs spells it: "idle",
 *	"dialing", "ringing", "connected", "disconnected"; "" if not known
 * @hook: 1 off hook, 0 on hook, -1 if not known
 * @held: 1 if a live call holds the channel, 0 if not, -1 if not known
 * @owner_pid: pid of the process owning that call, -1 if none or not known
 */
struct tel_channel_status {
	char state[16];
	int hook;
	int held;
	int owner_pid;
	uint32_t reserved[5];
};

int tel_channel_status(unsigned int index, unsigned int channel,
		       struct tel_channel_status *st);

/* ---- calls ---------------------------------------------------------- */

struct tel_call *tel_call_dial(struct tel_card *card, unsigned int channel,
			       const char *number);
struct tel_call *tel_call_answer(struct tel_card *card, unsigned int channel,
				 unsigned int flags);
int tel_call_drop(struct tel_call *call, unsigned int reason);
int tel_call_dealloc(struct tel_call *call);
int tel_call_destroy(struct tel_call *call);

struct tel_card *tel_call_card(const struct tel_call *call);
uint32_t tel_call_handle(const struct tel_call *call);
unsigned int tel_call_channel(const struct tel_call *call);
struct tel_call *tel_card_find_call(struct tel_card *card, uint32_t handle);

/* ---- handing a call to another process (1.3) ------------------------ */

int tel_call_export(struct tel_call *call, int flags);
struct tel_call *tel_card_import_call(struct tel_card *card, int fd);
int tel_call_handoff(struct tel_call *call, int sock);
struct tel_call *tel_card_receive_call(struct tel_card *card, int sock);

/**
 * struct tel_call_record - a call's record (TEL_IOC_CALL_INFO)
 *
 * Field for field the kernel's struct tel_call_info, see its kernel-doc;
 * times are CLOCK_MONOTONIC ns (0 while not reached) except
 * start_realtime_ns.  The reserved tail lets later versions add fields
 * without changing the size.  New in 1.3 (they were reserved, zero):
 * @flags (TEL_CALL_F_HIDDEN: a monitor's view of another user's call,
 * @called and @calling are then "*", as /proc shows them) and @id, the
 * call's card-wide id (0 from a driver without TEL_FEAT_MONITOR).
 */
struct tel_call_record {
	uint32_t handle;
	uint32_t state;
	uint32_t direction;
	uint32_t card;
	uint32_t channel;
	uint32_t origin;
	uint32_t disconnect_mode;
	uint32_t app_reason;
	char called[TEL_NUMBER_LEN];
	char calling[TEL_NUMBER_LEN];
	uint64_t alloc_ns;
	uint64_t connect_ns;
	uint64_t disconnect_ns;
	uint64_t idle_ns;
	uint64_t start_realtime_ns;
	uint64_t duration_ns;
	uint64_t rx_frames;
	uint64_t tx_frames;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	uint64_t rx_overruns;
	uint64_t tx_underruns;
	uint32_t dma_bytes;
	uint32_t rx_pending;
	uint32_t flags;
	uint32_t id;
	uint64_t reserved[7];
};

int tel_call_get_record(struct tel_call *call, struct tel_call_record *rec);
int tel_call_state(struct tel_call *call);
int tel_call_wait_state(struct tel_call *call, unsigned int state,
			int timeout_ms);

ssize_t tel_call_read(struct tel_call *call, void *buf, size_t len,
		      unsigned int flags);
ssize_t tel_call_write(struct tel_call *call, const void *buf, size_t len,
		       unsigned int flags);

/* ---- digits, hook flash, caller ID (1.2) ---------------------------- */

int tel_call_send_digits(struct tel_call *call, const char *digits,
			 unsigned int tone_ms, unsigned int gap_ms);
int tel_call_monitor_digits(struct tel_call *call, unsigned int flags);
int tel_call_flash(struct tel_call *call, unsigned int ms);

/* ---- hold (1.3) ----------------------------------------------------- */

int tel_call_hold(struct tel_call *call);				/* 1.3 */
int tel_call_unhold(struct tel_call *call);				/* 1.3 */

/* ---- watermarks: one wake-up per block for all calls (1.4) ---------- */

/*
 * Reached marks come as TEL_EVENT_AUDIO_READY events (tel_card_read_event()):
 * tel_card_find_call(card, ev.handle) is the call, ev.detail the
 * TEL_WATERMARK_* directions ready.
 */
int tel_call_set_watermark(struct tel_call *call, unsigned int rx_bytes,
			   unsigned int tx_bytes);			/* 1.4 */
/* ---- mapped rings (1.5): audio in place, one sync for all calls ---- */

/*
 * A call's rings mapped into this process (Documentation/libtel.rst,
 * "Mapped rings").  The object is the call's: tel_call_map() again gives
 * the same one; it goes with tel_call_unmap(), or with the call
 * (tel_call_dealloc(), tel_call_export(), tel_call_handoff(),
 * tel_card_close()).  Touching the rings after the call was deallocated
 * or handed off by any other means is SIGBUS.
 */
struct tel_rings;

struct tel_rings *tel_call_map(struct tel_call *call);		/* 1.5 */
void tel_call_unmap(struct tel_rings *rings);			/* 1.5 */
/* received bytes to read, and the first contiguous run of them */
size_t tel_rings_rx_avail(const struct tel_rings *rings);	/* 1.5 */
const void *tel_rings_rx_peek(const struct tel_rings *rings,
			      size_t *len);				/* 1.5 */
void tel_rings_rx_consume(struct tel_rings *rings, size_t n);	/* 1.5 */
/* room to send, and the first contiguous run of it */
size_t tel_rings_tx_room(const struct tel_rings *rings);		/* 1.5 */
void *tel_rings_tx_space(struct tel_rings *rings, size_t *len);	/* 1.5 */
void tel_rings_tx_commit(struct tel_rings *rings, size_t n);	/* 1.5 */
unsigned int tel_rings_refused(const struct tel_rings *rings);	/* 1.5 */
int tel_rings_on_card(const struct tel_rings *rings);		/* 1.5 */
/* consumption and commits of every mapped call to the card, and back */
int tel_card_sync_rings(struct tel_card *card);			/* 1.5 */

/* ---- redirect (1.4): an accepted offer sent on to another number ---- */

int tel_call_redirect(struct tel_call *call, const char *number);	/* 1.4 */

/* ---- blind transfer (1.4): the far party sent on to another number -- */

int tel_call_transfer(struct tel_call *call, const char *number);	/* 1.4 */

/* ---- consultation transfer (1.5): hold, consult, join or go back ---- */

struct tel_call *tel_call_setup_transfer(struct tel_call *call,
					 unsigned int channel,
					 const char *number);		/* 1.5 */
int tel_call_complete_transfer(struct tel_call *call,
			       struct tel_call *consult);		/* 1.5 */
int tel_call_swap_hold(struct tel_call *active, struct tel_call *held);	/* 1.5 */
/* ---- conferences mixed by the card (1.5): a conference is a handle -- */

int tel_conf_setup(struct tel_card *card, uint32_t *conf,
		   unsigned int *max_members);			/* 1.5 */
int tel_conf_add(uint32_t conf, struct tel_call *call);		/* 1.5 */
int tel_conf_remove(uint32_t conf, struct tel_call *call);	/* 1.5 */
int tel_conf_drop(struct tel_card *card, uint32_t conf,
		  uint32_t reason);				/* 1.5 */
int tel_conf_dealloc(struct tel_card *card, uint32_t conf);	/* 1.5 */
/*
 * The application's own party in conference @conf (1.6,
 * TEL_FEAT_CONF_PARTY): a call whose tel_call_read() is the mix of the
 * others and whose tel_call_write() they hear; NULL and errno on error.
 */
struct tel_call *tel_conf_join_self(struct tel_card *card, uint32_t conf,
				    unsigned int channel);		/* 1.6 */

/*
 * Why tel_call_gather_digits() stopped: TAPI's LINEGATHERTERM_* values.
 */
#define TEL_GATHER_BUFFERFULL	0x1	/* @max digits gathered */
#define TEL_GATHER_TERMDIGIT	0x2	/* a terminator (the last digit) */
#define TEL_GATHER_FIRSTTIMEOUT	0x4	/* no first digit in time */
#define TEL_GATHER_INTERTIMEOUT	0x8	/* no next digit in time */
#define TEL_GATHER_CANCEL	0x10	/* the call ended (or cannot hear) */

ssize_t tel_call_gather_digits(struct tel_call *call, char *buf, size_t max,
			       const char *terminators, int first_timeout_ms,
			       int inter_timeout_ms, unsigned int *reason);

/**
 * struct tel_call_party_info - caller ID and digits (TEL_IOC_CALL_PARTY)
 *
 * Field for field the kernel's struct tel_call_party, see its
 * kernel-doc: @presentation is TEL_PRES_*; @name the calling name ("" if
 * none); @digits_rx and @digits_tx the first digits heard and sent (the
 * counts may exceed what they hold); @flashes the hook flashes made.
 * @flags is new in 1.3: TEL_CALL_F_HIDDEN when a monitor may not see
 * the name and the digits (they are then "*").
 */
struct tel_call_party_info {
	uint32_t presentation;
	uint32_t flashes;
	uint32_t digits_rx_count;
	uint32_t digits_tx_count;
	char name[TEL_NAME_LEN];
	char digits_rx[TEL_DIGITS_LOG_LEN];
	char digits_tx[TEL_DIGITS_LOG_LEN];
	uint32_t flags;
	uint32_t reserved32;
	uint64_t reserved[7];
};

int tel_call_get_party(struct tel_call *call, struct tel_call_party_info *out);

/* ---- monitors (1.3) ------------------------------------------------- */

int tel_card_monitor(struct tel_card *card, unsigned int flags);
int tel_card_get_call_record(struct tel_card *card, uint32_t id,
			     struct tel_call_record *rec);
int tel_card_get_call_party(struct tel_card *card, uint32_t id,
			    struct tel_call_party_info *out);

/*
 * tel_card_tap_read(): a privileged monitor's read of a call's audio
 * (1.4).  rx is what the far party sent, tx what the owner sent; the
 * positions are byte counts of each stream, lost the bytes skipped before
 * them because this monitor read too late.
 */
struct tel_tap_result {
	size_t rx_len;
	size_t tx_len;
	uint64_t rx_pos;
	uint64_t tx_pos;
	uint64_t rx_lost;
	uint64_t tx_lost;
	enum tel_call_state state;
	uint32_t reserved32;
	uint64_t reserved[4];
};

int tel_card_tap_read(struct tel_card *card, uint32_t id, void *rx,
		      size_t rx_len, void *tx, size_t tx_len,
		      struct tel_tap_result *res);

/* ---- events --------------------------------------------------------- */

/**
 * struct tel_card_event - one event of a card (read() on /dev/telN)
 *
 * Field for field the kernel's struct tel_event, see its kernel-doc.
 * @detail and @duration_ms are new in 1.2 (they were reserved, zero):
 * OFFER: @detail is the TEL_PRES_* presentation; DIGIT: @detail is the
 * digit (ASCII), @duration_ms the tone's length, @timestamp_ns its start;
 * DIGITS_SENT: @detail is how many digits were sent; FLASH: @duration_ms
 * is the time on hook.
 */
struct tel_card_event {
	uint32_t type;
	uint32_t handle;
	uint32_t channel;
	uint32_t state;
	uint32_t origin;
	uint32_t disconnect_mode;
	uint32_t lost;
	uint32_t seq;
	uint64_t timestamp_ns;
	char number[TEL_NUMBER_LEN];
	uint32_t detail;
	uint32_t duration_ms;
	uint64_t reserved[3];
};

int tel_card_read_event(struct tel_card *card, struct tel_card_event *ev,
			int timeout_ms);
int tel_call_wait_event(struct tel_call *call, unsigned int type,
			struct tel_card_event *ev, int timeout_ms);	/* 1.2 */

/*
 * The card's queue of events read from the kernel and not yet returned
 * by tel_card_read_event(): at most this many records (1.1).  When it is
 * full, events wait in the kernel's queue, whose overflow is reported by
 * a TEL_EVENT_OVERFLOW event.
 */
#define TEL_EVENT_QUEUE_DEFAULT	64
#define TEL_EVENT_QUEUE_MAX	65536

int tel_card_set_event_queue_capacity(struct tel_card *card, size_t capacity);
size_t tel_card_event_queue_capacity(struct tel_card *card);
size_t tel_card_event_queue_len(struct tel_card *card);

/* ---- the calls of a card, and of every card ------------------------ */

/**
 * struct tel_call_entry - one call as /proc/driver/tel/calls shows it
 *
 * From TEL_IOC_CALL_LIST (no text is parsed).  Numbers that are absent
 * are empty strings; hidden ones (TEL_CALL_ENTRY_F_HIDDEN in @flags:
 * numbers go to their owner's uid and CAP_SYS_ADMIN only) are "*".
 * state, direction, origin are TEL_CALL_*, TEL_DIR_*, TEL_ORIGIN_*;
 * disconnect_mode is TEL_DISC_* or 0; owner is TEL_OWNER_FILE (an open
 * /dev/telN) or TEL_OWNER_BRIDGE (the DAHDI bridge; handle 0).  Values
 * are passed on as the kernel gives them, named or not.  @owner and
 * @flags are new in 1.1 (they were reserved, zero), @id (the call's
 * card-wide id, what a monitor's events name it by) in 1.3.
 */
struct tel_call_entry {
	unsigned int card;
	unsigned int channel;
	uint32_t handle;
	int pid;
	unsigned int uid;
	uint32_t state;
	uint32_t direction;
	uint32_t origin;
	uint32_t disconnect_mode;
	uint64_t duration_ms;
	uint64_t rx_frames;
	uint64_t tx_frames;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	uint64_t rx_overruns;
	uint64_t tx_underruns;
	uint64_t dma_bytes;
	char called[TEL_NUMBER_LEN];
	char calling[TEL_NUMBER_LEN];
	uint32_t owner;
	uint32_t flags;
	uint32_t id;
	uint32_t reserved32;
	uint64_t reserved[2];
};

#define TEL_CALL_ENTRY_F_HIDDEN	0x1	/* numbers withheld from us */

ssize_t tel_call_list(struct tel_call_entry **entries);
ssize_t tel_card_list_calls(struct tel_card *card,
			    struct tel_call_entry **entries);
void tel_call_list_free(struct tel_call_entry *entries);

/* ---- names ---------------------------------------------------------- */

const char *tel_state_name(unsigned int state);
const char *tel_origin_name(unsigned int origin);
const char *tel_direction_name(unsigned int direction);
const char *tel_disconnect_mode_name(uint32_t mode);
const char *tel_event_type_name(unsigned int type);
const char *tel_owner_name(unsigned int owner);
const char *tel_presentation_name(unsigned int presentation);	/* 1.2 */
int tel_state_from_name(const char *name);
int tel_origin_from_name(const char *name);
int tel_direction_from_name(const char *name);
int64_t tel_disconnect_mode_from_name(const char *name);

const char *tel_version(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBTEL_H */
