/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tel.h - internal interfaces of the tel driver
 *
 * Objects and who keeps them alive:
 *
 *  - struct tel_card: one per bound PCI function.  Its struct device is
 *    the refcount: the PCI binding holds one reference, every open file
 *    holds one (through its cdev and explicitly).  It outlives the PCI
 *    device when files are still open after removal.
 *  - struct tel_file: one per open() of /dev/telN.  Owns a table of
 *    handles (an xarray, cyclic ids) to the calls it created.
 *  - struct tel_call: a call.  Referenced by its owner's handle table
 *    and, temporarily, by an ioctl working on it (kref).  It holds the DMA
 *    ring page until the last reference goes after DEALLOC.
 *
 * Locks, outermost first (see Documentation/driver.rst for the reasoning):
 *
 *  - tel_card.hw_rwsem: readers are ioctls and file release while they
 *    touch the card's registers or a call's DMA memory; the writer is card
 *    shutdown (removal or failure), which turns the card "gone" and moves
 *    every call's rings out of DMA memory.
 *  - tel_handoff.lock (tel_handoff.c): an exported call's fd, which of
 *    two importers takes the call.
 *  - tel_call.op_lock: serialises the operations on one call (drop,
 *    answer, audio read and write) so that each sees a stable state.
 *  - tel_file.lock: the file's handle table and its allocation cursor.
 *  - tel_card.cmd_lock: the command mailbox (one command at a time).
 *  - tel_card.evq_lock: the card's event queue consumer.
 *  - tel_card.lock: channel ownership, offers, every call's state and
 *    record, the list of calls and the list of open files, each file's
 *    dropped-call count, "gone".
 *  - tel_card.wm_lock (spinlock, taken in the tick interrupt): the
 *    watermark wheel and every call's struct tel_watermark
 *    (tel_watermark.c), and the driver's fields of every mapped call's
 *    control page (tel_mmap.c).
 *  - tel_card.bridge_lock (spinlock, taken in the tick interrupt): what
 *    the bridge's tick path may touch (tel_channel.audio, the bridge ops).
 *  - tel_file.ev_lock (spinlock, irq-safe: the tick queues
 *    TEL_EVENT_AUDIO_READY under wm_lock): the file's event fifo.
 *
 * tel_bridge.c's tel_bridge_mutex (bridge registration, card attach and
 * detach) comes before all of these, and tel_cards_lock (the list of
 * cards) before every card's lock.  tel_file.read_lock (one event reader
 * at a time) is taken on its own, with only tel_file.ev_lock inside.
 */
#ifndef TEL_H
#define TEL_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/jump_label.h>
#include <linux/kfifo.h>
#include <linux/kref.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/timekeeping.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/tel.h>

#include "tel_regs.h"

#define TEL_MAX_CARDS		64
#define TEL_RING_BYTES		2048	/* each way: 256 ms of G.711 */
#define TEL_CALL_DMA_BYTES	(2 * TEL_RING_BYTES)
#define TEL_FILE_EVENTS		256	/* events queued per open file */
#define TEL_FRAME_BYTES		8	/* one 1 ms frame of 8 kHz G.711 */
#define TEL_TAP_BYTES		4096	/* a tap's history, each way: 512 ms */
#define TEL_WM_SLOTS		256	/* watermark wheel: one slot a tick */
/* TEL_FEAT_* every card has; the rest follow the card's TEL_CAP_* */
#define TEL_FEATURES		(TEL_FEAT_CALL_LIST | TEL_FEAT_CALL_PARTY | \
				 TEL_FEAT_HANDOFF | TEL_FEAT_MONITOR | \
				 TEL_FEAT_TAP | TEL_FEAT_WATERMARK)

struct pci_dev;
struct tel_bridge_ops;
struct tel_call;
struct tel_file;
struct tel_map;
struct tel_owner;

/**
 * struct tel_owner_ops - what the call core tells an owner of calls
 * @state: one of its calls changed state (tel_call_set_state()), at
 *	@now.  Under card->lock.
 * @offered: the card offers an inbound call on a channel that one of its
 *	calls holds (a bridge line on hook); the offer's party is the
 *	channel's, for tel_call_take_offer().  Return true if the call takes
 *	it (it then rings), false to leave it.  Under card->lock.  NULL: an
 *	owner whose calls never take offers.
 * @card_event: an event for every owner of the card: TEL_EVENT_OFFER on
 *	a free channel, the withdrawal of an offer nobody took,
 *	TEL_EVENT_OVERFLOW, and TEL_EVENT_CARD_GONE, last of all, after
 *	every call of the card went DISCONNECTED.  Under card->lock.
 * @call_event: an event of one of its calls other than a state change:
 *	TEL_EVENT_DIGIT, _DIGITS_SENT, _FLASH (tel_call_event()), with
 *	@ev->handle 0 for the owner to fill in.  Under card->lock.  NULL:
 *	an owner that does not want them.
 * @audio_ready: a call it armed (tel_call_set_watermark()) reached its
 *	watermark: @ev is a complete TEL_EVENT_AUDIO_READY (the handle is
 *	the one the call had when armed).  From the tick interrupt, under
 *	card->wm_lock: may take irq-safe spinlocks only.  NULL: an owner
 *	whose calls cannot be armed.
 *
 * Every callback may take spinlocks and must not sleep on anything the
 * call core holds, nor call back into it except tel_call_set_state().
 */
struct tel_owner_ops {
	void (*state)(struct tel_owner *owner, struct tel_call *call, u64 now);
	bool (*offered)(struct tel_owner *owner, struct tel_call *call);
	void (*card_event)(struct tel_owner *owner, const struct tel_event *ev);
	void (*call_event)(struct tel_owner *owner, struct tel_call *call,
			   const struct tel_event *ev);
	void (*audio_ready)(struct tel_owner *owner,
			    const struct tel_event *ev);
};

/**
 * struct tel_owner - an owner of calls: an open file, the DAHDI bridge, an
 *	exported call's fd (tel_handoff.c)
 * @ops: its callbacks
 * @name: who it is, for sysfs chM/holder ("call" for a file, the
 *	bridge's name, "handoff" for a call in flight)
 * @kind: TEL_OWNER_*, for TEL_IOC_CALL_LIST and /proc
 * @node: in tel_card.owners (under card->lock); an exported call's fd
 *	is not there: it wants no card events
 */
struct tel_owner {
	const struct tel_owner_ops *ops;
	const char *name;
	u32 kind;
	struct list_head node;
};

/**
 * struct tel_monitor - a watcher of every call of a card (an open file
 *	after TEL_IOC_CARD_MONITOR)
 * @event: an event of @call, complete (@ev->handle is the call's id):
 *	TEL_EVENT_CALL_NEW, _STATE, _DIGIT, _DIGITS_SENT, _FLASH,
 *	_CALL_DEALLOC.  Under card->lock; may take spinlocks, must not sleep.
 * @node: in tel_card.monitors (under card->lock)
 *
 * The call core tells monitors in one place (tel_call_notify()), for every
 * call whoever owns it; a monitor owns no call and can change none.
 */
struct tel_monitor {
	void (*event)(struct tel_monitor *mon, const struct tel_call *call,
		      const struct tel_event *ev);
	struct list_head node;
};

/* Why a card stopped: recorded for the log and sysfs. */
enum tel_gone_reason {
	TEL_ALIVE = 0,
	TEL_GONE_REMOVED,	/* the PCI function went away */
	TEL_GONE_FAILED,	/* heartbeat stopped or a command timed out */
};

/* tel_channel.redirect: where a REDIRECT of the channel's offer stands */
enum tel_redirect_step {
	TEL_REDIRECT_NONE,	/* none runs */
	TEL_REDIRECT_RUNNING,	/* the command runs, no event for it yet */
	TEL_REDIRECT_FORWARDED,	/* the card's IDLE (FORWARDED) came */
	TEL_REDIRECT_ENDED,	/* the offer ended otherwise (the caller) */
};

/**
 * struct tel_channel - one channel of a card
 * @call: the call that holds the channel, NULL when free
 * @offered: the card offers an inbound call on this channel
 * @redirect: enum tel_redirect_step: a REDIRECT of this channel's offer
 *	runs (tel_call_redirect()); the card's IDLE (FORWARDED) is believed
 *	only then
 * @offer_number: calling number of that offer
 * @offer_name: calling name of that offer
 * @offer_pres: TEL_PRES_* of that offer
 * @audio: the bridge call whose audio the tick interrupt moves: set while
 *	it is connected (under tel_card.lock and tel_card.bridge_lock, read
 *	under either)
 *
 * All other fields under tel_card.lock.
 */
struct tel_channel {
	struct tel_call *call;
	bool offered;
	u8 redirect;
	char offer_number[TEL_NUMBER_LEN];
	char offer_name[TEL_NAME_LEN];
	u32 offer_pres;
	struct tel_call *audio;
};

/* Audio-path accounting, per card: see tel_debugfs.c. */
#define TEL_PERF_STAMPS		8
#define TEL_PERF_BUCKETS	80		/* 0..4 ms */
#define TEL_PERF_BUCKET_NS	50000

struct tel_perf_stamp {
	u32 gen;
	u64 ns;
};

/*
 * Control-path accounting, per card (debugfs telN/perf, "ctl" lines): the
 * phases of ALLOC, DROP, INFO and DEALLOC, each a count and a total of
 * ktime_get_ns() deltas taken where the phase runs.  tel_ctl_names[] in
 * tel_debugfs.c has them in this order; Documentation/performance.rst
 * says what each covers.
 */
enum tel_ctl_phase {
	TEL_CTL_IOC_ALLOC,	/* tel_ioctl() entry to return, by command */
	TEL_CTL_IOC_DROP,
	TEL_CTL_IOC_INFO,
	TEL_CTL_IOC_DEALLOC,
	TEL_CTL_CALL_ALLOC,	/* struct tel_call from its cache */
	TEL_CTL_RING_ALLOC,	/* dma_alloc_coherent() of its rings */
	TEL_CTL_ID_ALLOC,	/* xa_alloc_cyclic() of card->call_ids */
	TEL_CTL_CALL_INIT,	/* the rest of tel_call_create() */
	TEL_CTL_HANDLE_ALLOC,	/* tel_file_reserve(): the file's handle */
	TEL_CTL_HANDLE_PUBLISH,	/* tel_file_publish() */
	TEL_CTL_NOTIFY_NEW,	/* CALL_NEW told to monitors */
	TEL_CTL_NOTIFY_STATE,	/* a state change told to owner and monitors */
	TEL_CTL_NOTIFY_DEALLOC,	/* CALL_DEALLOC told to monitors */
	TEL_CTL_CMD_SETUP,	/* mailbox written, cmd_lock taken */
	TEL_CTL_CMD_DOORBELL,	/* the doorbell write itself */
	TEL_CTL_CMD_IRQ,	/* after the doorbell to the completion IRQ */
	TEL_CTL_CMD_WAKE,	/* completion IRQ to the waiter running */
	TEL_CTL_CMD_NOIRQ,	/* after the doorbell to done, no IRQ seen */
	TEL_CTL_HANGUP_EVENTS,	/* the events drained after a HANGUP */
	TEL_CTL_UNBIND,		/* tel_call_unbind() after a HANGUP */
	TEL_CTL_DROP_STATE,	/* DROP: IDLE set and told, card->lock held */
	TEL_CTL_DROP_WAKE,	/* DROP: card->lock let go, audio readers woken */
	TEL_CTL_INFO_FILL,	/* tel_call_fill_info() for INFO */
	TEL_CTL_HANDLE_ERASE,	/* DEALLOC: the handle out of the file */
	TEL_CTL_ID_ERASE,	/* xa_erase() of card->call_ids */
	TEL_CTL_RING_FREE,	/* tel_call_release_ring() at release */
	TEL_CTL_CALL_FREE,	/* the rest of tel_call_release() */
	TEL_CTL_PHASES
};

struct tel_ctl_acct {
	atomic64_t n;
	atomic64_t ns;
};

/**
 * struct tel_perf - running totals of the audio path's cost
 * @tick_irqs: tick interrupts handled
 * @tick_frames: frame ticks they covered (TEL_STATUS_TICKS)
 * @tick_ns: time spent in the tick interrupt handler
 * @tick_max_ns: the longest run of it
 * @last_ticks: TEL_STATUS_TICKS at the last tick interrupt
 * @stamp: entry time of the last TEL_PERF_STAMPS tick interrupts, by
 *	audio_gen
 * @wake_samples: audio reads that slept and were timed
 * @wake_stale: ones whose tick stamp was overwritten before they ran
 * @wake_ns: their total tick-to-data time
 * @wake_hist: the same in TEL_PERF_BUCKET_NS steps, the last open ended
 * @cmds: mailbox commands completed or timed out (under cmd_lock)
 * @cmd_ns: their total time from the doorbell to the completion seen
 *	(under cmd_lock)
 * @ev_runs: runs of the event-queue handler (under evq_lock)
 * @events: event-queue entries it consumed (under evq_lock)
 * @ev_ns: its total time, locks taken included (under evq_lock)
 * @ctl: control-path phases (enum tel_ctl_phase), atomic: they run under
 *	different locks, or none
 * @cmd_irq_ns: ktime_get_ns() at the entry of the last command interrupt
 * @dir: debugfs tel/telN
 *
 * The tick fields are written by the tick interrupt only (one CPU at a
 * time) and read without a lock.
 */
struct tel_perf {
	u64 tick_irqs;
	u64 tick_frames;
	u64 tick_ns;
	u64 tick_max_ns;
	u32 last_ticks;
	struct tel_perf_stamp stamp[TEL_PERF_STAMPS];
	atomic64_t wake_samples;
	atomic64_t wake_stale;
	atomic64_t wake_ns;
	atomic_t wake_hist[TEL_PERF_BUCKETS + 1];
	u64 cmds;
	u64 cmd_ns;
	u64 ev_runs;
	u64 events;
	u64 ev_ns;
	struct tel_ctl_acct ctl[TEL_CTL_PHASES];
	u64 cmd_irq_ns;
	struct dentry *dir;
};

/**
 * struct tel_conf - a conference of an open file (tel_conf.c)
 * @handle: its handle, reserved in the file's call table (so that no call
 *	gets it) and stored in tel_file.confs
 * @number: its number on the card (TEL_OP_CONF_JOIN's ARG), card-wide
 *	unique, never 0
 *
 * Its members are the calls whose @conf points here (under card->lock).
 */
struct tel_conf {
	u32 handle;
	u32 number;
};

/**
 * struct tel_card - a bound card, alive until its last file closes
 * @dev: class device /sys/class/tel/telN; its refcount is the card's
 * @cdev: /dev/telN
 * @pdev: the PCI function; set at probe and never cleared: after removal
 *	it is only used by paths that first check @gone (release of DMA
 *	memory happens before removal completes)
 * @regs: BAR0 mapping (doorbell)
 * @win: BAR2 mapping, the card's memory window
 * @index: N of telN
 * @nr_channels: from the identity block
 * @caps: TEL_CAP_*, from the identity block
 * @conf_members: with TEL_CAP_CONFERENCE, the calls one conference takes
 *	(TEL_ID_CONF_MEMBERS, checked at probe)
 * @model: identity strings, NUL terminated, immutable after probe
 * @firmware: see @model
 * @serial: see @model
 * @doorbell_peer: ivshmem peer id the doorbell is addressed to
 * @hw_rwsem: see the lock list at the top of this file
 * @gone: why the card stopped; TEL_ALIVE while it works.  Written under
 *	hw_rwsem (write) and lock; read under either, or with READ_ONCE()
 *	where neither is held (the bridge's tick, under bridge_lock: a
 *	stale TEL_ALIVE there is harmless: the window stays mapped until
 *	the tick interrupt is freed)
 * @cmd_lock: serialises the mailbox
 * @cmd_wq: woken by the command-completion interrupt
 * @cmd_seq: sequence number of the last command posted (under cmd_lock)
 * @cmd_polled: commands are polled for, not woken: TEL_CTRL_ENABLE is
 *	clear, so no command interrupt comes (tel_card_start()'s RESET)
 * @evq_lock: serialises the event-queue consumer
 * @evq_tail: next event queue entry to consume (under evq_lock)
 * @evq_lost: last value of TEL_STATUS_EVQ_LOST seen (under evq_lock)
 * @audio_wq: woken by every tick interrupt and every call state change
 * @audio_gen: bumped before every wake-up of @audio_wq
 * @lock: see the lock list at the top of this file
 * @channels: [nr_channels]
 * @calls: every call of this card that still exists (under lock)
 * @owners: every owner of calls on this card: its open files, and the
 *	bridge while attached (under lock)
 * @monitors: every struct tel_monitor of this card (under lock)
 * @call_ids: card-wide id -> every call that still exists (its own
 *	lock; stored and erased under lock too)
 * @next_call_id: cyclic allocation cursor of @call_ids (its xa_lock, and
 *	@lock: tel_id_alloc() runs under it for @call_id_held)
 * @call_id_held: the last id freed, still reserved (tel_id_free(); under
 *	@lock)
 * @fail_work: shuts a failed card down outside the context that saw it
 * @watchdog: checks the heartbeat (TEL_STATUS_TICKS)
 * @last_ticks: heartbeat at the previous watchdog run
 * @stalled_ms: how long the heartbeat has not moved
 * @nr_calls: calls that exist (under lock)
 * @dma_bytes: DMA memory held by calls (under lock)
 * @done: frame counters of calls no longer bound, summed (under lock);
 *	the card's totals are these plus the live counters of bound calls
 * @irqs: interrupts taken, all vectors
 * @node: in tel_cards, for /proc/driver/tel/calls (under tel_cards_lock)
 * @ch_groups: sysfs attribute groups, one chN/ directory per channel
 * @bridge_lock: the tick interrupt's bridge path against everything that
 *	changes what it may touch (see tel_bridge.c)
 * @bridge_ops: the bridge module attached to this card, or NULL (written
 *	under lock and bridge_lock, read under either)
 * @bridge_priv: its cookie for this card (as @bridge_ops)
 * @bridge_ticks: TEL_STATUS_TICKS at the last tick interrupt (bridge_lock)
 * @bridge_owner: the bridge as the owner of the calls it holds
 * @bridge_removed: the card is being removed: attach no bridge (under
 *	tel_bridge_mutex)
 * @slab_bytes: slab memory held by its calls (their cache's object size)
 *	and their ring copies (as kmalloc() rounds them; under lock)
 * @perf: audio-path accounting (tel_debugfs.c)
 * @wm_lock: see the lock list at the top of this file
 * @wm_tick: TEL_STATUS_TICKS at the last tick interrupt (wm_lock)
 * @wm_armed: calls in the wheel (wm_lock)
 * @wm_checks: due calls the tick looked at (wm_lock)
 * @wm_events: TEL_EVENT_AUDIO_READY sent (wm_lock)
 * @wm_slot: the wheel: armed calls by due tick (wm_lock)
 * @card_errors: impossible values the card reported (tel_card_error())
 * @maps: map number -> struct tel_map of every mapped call (under lock)
 * @next_map: the last map number handed out; never reused (under lock)
 */
struct tel_card {
	struct device dev;
	struct cdev cdev;
	struct pci_dev *pdev;
	void __iomem *regs;
	void __iomem *win;
	int index;
	u32 nr_channels;
	u32 caps;
	u32 conf_members;
	char model[TEL_STR_LEN];
	char firmware[TEL_STR_LEN];
	char serial[TEL_STR_LEN];
	u32 doorbell_peer;

	struct rw_semaphore hw_rwsem;	/* the card vs shutdown */
	enum tel_gone_reason gone;

	struct mutex cmd_lock;		/* the mailbox */
	wait_queue_head_t cmd_wq;
	u32 cmd_seq;
	bool cmd_polled;

	struct mutex evq_lock;		/* evq_tail, evq_lost */
	u32 evq_tail;
	u32 evq_lost;

	wait_queue_head_t audio_wq;
	atomic_t audio_gen;

	struct mutex lock;		/* channels, calls, states */
	struct tel_channel *channels;
	struct list_head calls;
	struct list_head owners;
	struct list_head monitors;
	struct xarray call_ids;
	u32 next_call_id;
	u32 call_id_held;

	struct work_struct fail_work;
	struct delayed_work watchdog;
	u32 last_ticks;
	unsigned int stalled_ms;

	unsigned int nr_calls;
	unsigned long dma_bytes;
	struct tel_counters {
		u64 rx_frames, tx_frames, rx_overruns, tx_underruns;
	} done;
	atomic_long_t irqs;
	struct list_head node;
	const struct attribute_group **ch_groups;

	spinlock_t bridge_lock;		/* the tick path vs the rest */
	const struct tel_bridge_ops *bridge_ops;
	void *bridge_priv;
	u32 bridge_ticks;
	struct tel_owner bridge_owner;
	bool bridge_removed;

	unsigned long slab_bytes;
	struct tel_perf perf;

	spinlock_t wm_lock;		/* the watermark wheel */
	u32 wm_tick;
	unsigned int wm_armed;
	u64 wm_checks;
	u64 wm_events;
	struct list_head wm_slot[TEL_WM_SLOTS];

	atomic_long_t card_errors;
	struct xarray maps;
	unsigned long next_map;
};

/**
 * struct tel_ring_state - where a call's rings stand
 * @rx_head: bytes the card wrote into the rx ring
 * @rx_tail: bytes the owner read from it
 * @tx_head: bytes the owner wrote into the tx ring
 * @tx_tail: bytes the card took from it
 */
struct tel_ring_state {
	u32 rx_head;
	u32 rx_tail;
	u32 tx_head;
	u32 tx_tail;
};

/**
 * struct tel_tap_hist - the last TEL_TAP_BYTES of one direction of a call
 * @buf: the bytes, stream position p at p % TEL_TAP_BYTES
 * @head: stream position after the newest byte (bytes since the rings
 *	were bound)
 * @fill: bytes held, those before @head
 */
struct tel_tap_hist {
	u8 *buf;
	u64 head;
	u32 fill;
};

/**
 * struct tel_tap - a tapped call's audio history (tel_tap.c)
 * @dir: [0] rx, [1] tx; written by tel_tap_feed() under the lock that
 *	guards the call's indices (card->lock, or bridge_lock for a call the
 *	bridge's tick moves audio for), read under both
 * @readers: struct tel_tap_reader of every monitor file that tapped the
 *	call (under card->lock)
 */
struct tel_tap {
	struct tel_tap_hist dir[2];
	struct list_head readers;
};

/**
 * struct tel_watermark - a call's audio watermarks (tel_watermark.c); all
 *	under card->wm_lock
 * @owner: who armed it and is told; NULL: disarmed
 * @handle: its handle for the call, for the event
 * @channel: the call's channel
 * @rx_bytes: receive mark, 0 for none
 * @tx_bytes: transmit mark, 0 for none
 * @pending: TEL_WATERMARK_* armed and not yet reported
 * @rx_head: the card's rx index, as last read and checked
 * @rx_tail: the owner's rx index when it last read (or armed)
 * @tx_head: the owner's tx index when it last wrote (or armed)
 * @tx_tail: the card's tx index, as last read and checked
 * @due: the tick at which the pending directions can be ready
 * @node: in card->wm_slot[@due % TEL_WM_SLOTS] while queued, else empty;
 *	stays last: disarming clears what comes before it
 */
struct tel_watermark {
	struct tel_owner *owner;
	u32 handle;
	u32 channel;
	u32 rx_bytes;
	u32 tx_bytes;
	u32 pending;
	u32 rx_head;
	u32 rx_tail;
	u32 tx_head;
	u32 tx_tail;
	u32 due;
	struct list_head node;
};

/**
 * struct tel_call - a call; see the contract in Documentation/
 * @ref: handle table + ioctls in flight
 * @card: the card (the owner keeps it alive)
 * @owner: who owns it: a file, the bridge, or an exported call's fd while
 *	in flight (under card->lock, and call->op_lock for a handoff; NULL
 *	once the owner let go: released, or a call abandoned)
 * @node: in card->calls (under card->lock)
 * @handle: the owner's handle for it
 * @id: its card-wide id, for monitors, TEL_IOC_CALL_LIST and /proc
 * @announced: monitors were told TEL_EVENT_CALL_NEW and not yet
 *	TEL_EVENT_CALL_DEALLOC: they see its events and its record (under
 *	card->lock)
 * @channel: channel on the card
 * @op_lock: serialises operations on this call
 * @bound: the card may DMA into the rings (under card->lock)
 * @started: the card has taken this call: the indices and counters of its
 *	channel block are this call's, not the last one's (DIAL or ANSWER
 *	completed, or an event of the call said so; under card->lock)
 * @ring: DMA ring page (rx at 0, tx at TEL_RING_BYTES), or after the
 *	card is gone a kmalloc'd copy of it; NULL after DEALLOC
 * @ring_dma: bus address of @ring while it is DMA memory
 * @ring_is_dma: @ring came from dma_alloc_coherent
 * @pos: ring indices; rx_tail and tx_head are ours, the card's are
 *	copied here when the rings are unbound (under card->lock; for a
 *	call published to the bridge's tick, under bridge_lock, which the
 *	tick holds)
 * @hw: the card's frame counters of this call, as last read and checked
 *	(tel_call_sync_counters(); under card->lock); final once unbound
 * @hw_ticks: TEL_STATUS_TICKS when @hw was last read (under card->lock)
 * @hw_ns: ktime_get_ns() then: the ticks since may not outrun the clock
 * @info: the record returned by TEL_IOC_CALL_INFO (under card->lock);
 *	counters in it are filled at read time while bound
 * @party: the record returned by TEL_IOC_CALL_PARTY (under card->lock)
 * @monitor: TEL_MONITOR_F_* the card was told (under card->lock)
 * @flashing: a hook flash runs (under card->lock; WRITE_ONCE, as the
 *	bridge's tick reads it)
 * @flash_ms: how long it runs (under card->lock)
 * @hold_op: TEL_OP_HOLD or TEL_OP_UNHOLD while that command runs, else 0:
 *	the card's STATE event for it is expected (under card->lock)
 * @transferring: a TRANSFER or JOIN (tel_consult.c) of the call runs: the
 *	card's DISCONNECTED (TRANSFERRED) is expected (under card->lock)
 * @conf_op: TEL_OP_CONF_JOIN, _CONF_LEAVE or _CONF_PORT while that
 *	command runs, else 0: the card's STATE event for it is expected
 *	(under card->lock)
 * @conf: the conference it is a member of while CONFERENCED, else NULL
 *	(under card->lock)
 * @conf_port: the application's own party in a conference
 *	(TEL_ALLOC_F_CONF, TEL_OP_CONF_PORT): its rings carry the
 *	conference's audio; set before the call is published, never changed
 * @digits_queued: digits given to the card (under card->lock)
 * @digits_sent: of those, reported sent (under card->lock)
 * @bind_ticks: TEL_STATUS_TICKS when the rings were bound (under card->lock)
 * @owner_pid: the process that created the call, or imported it last
 *	(for /proc; under card->lock)
 * @owner_uid: the user of the file that owns it: may see its numbers
 *	(the same)
 * @tap: its audio history once a monitor tapped it, else NULL (set under
 *	card->lock and bridge_lock, read under either; freed with the call)
 * @wm: its watermarks (under card->wm_lock)
 * @map: its mapping for its owner file (tel_mmap.c), or NULL (set and
 *	cleared under card->lock and card->wm_lock, read under either)
 */
struct tel_call {
	struct kref ref;
	struct tel_card *card;
	struct tel_owner *owner;
	struct list_head node;
	u32 handle;
	u32 id;
	bool announced;
	u32 channel;
	struct mutex op_lock;		/* one operation at a time */
	bool bound;
	bool started;
	void *ring;
	dma_addr_t ring_dma;
	bool ring_is_dma;
	struct tel_ring_state pos;
	struct {
		u32 rx_frames, tx_frames, rx_overruns, tx_underruns;
	} hw;
	u32 hw_ticks;
	u64 hw_ns;
	struct tel_call_info info;
	struct tel_call_party party;
	u32 monitor;
	bool flashing;
	u32 flash_ms;
	u32 hold_op;
	bool transferring;
	u32 conf_op;
	struct tel_conf *conf;
	bool conf_port;
	u32 digits_queued;
	u32 digits_sent;
	u32 bind_ticks;
	struct pid *owner_pid;
	kuid_t owner_uid;
	struct tel_tap *tap;
	struct tel_watermark wm;
	struct tel_map *map;
};

/**
 * struct tel_file - one open /dev/telN
 * @card: the card, referenced for the file's lifetime
 * @owner: the file as the owner of its calls (in card->owners)
 * @lock: guards @calls and @next_handle
 * @calls: handle -> struct tel_call
 * @next_handle: cyclic allocation cursor
 * @handle_held: the last handle DEALLOC freed, still reserved
 *	(tel_id_free(); under @lock)
 * @nr_dropped: calls in IDLE awaiting DEALLOC (under card->lock)
 * @ev_lock: guards @events, @ev_lost, @ev_seq
 * @events: queued events
 * @ev_lost: events lost since the last OVERFLOW record was queued
 * @ev_seq: sequence number of the next event
 * @ev_wq: readers and pollers
 * @gone: TEL_EVENT_CARD_GONE was queued (or counted lost) for this file:
 *	only then do read() and poll() report the card gone, so no reader
 *	can miss that record (under ev_lock)
 * @read_lock: one reader at a time, so a record is removed only once
 *	it reached userspace
 * @owned: a call of this file was published: it can never be a monitor
 *	(under @lock)
 * @is_monitor: TEL_IOC_CARD_MONITOR made it a monitor, for good (written
 *	under @lock, read with READ_ONCE: tel_file_may_act())
 * @monitor: the file as a monitor (in card->monitors while @is_monitor)
 * @monitor_admin: its opener had CAP_SYS_ADMIN when it became a monitor
 * @monitor_cred: its opener's credentials (referenced while a monitor)
 * @tap_lock: one TEL_IOC_CALL_TAP at a time: guards the file's tap
 *	positions (struct tel_tap_reader.pos) and @tap_buf; taken before
 *	hw_rwsem
 * @tap_buf: bounce buffer of TEL_IOC_CALL_TAP, 2 * TEL_TAP_BYTES
 * @conf_lock: one conference command at a time: guards @confs and keeps
 *	a conference alive while a command works on it; taken before
 *	hw_rwsem
 * @confs: handle -> struct tel_conf
 */
struct tel_file {
	struct tel_card *card;
	struct tel_owner owner;
	struct mutex lock;		/* calls, next_handle, handle_held */
	struct xarray calls;
	u32 next_handle;
	u32 handle_held;
	unsigned int nr_dropped;
	spinlock_t ev_lock;		/* events, ev_lost, ev_seq */
	DECLARE_KFIFO(events, struct tel_event, TEL_FILE_EVENTS);
	u32 ev_lost;
	u32 ev_seq;
	bool gone;
	wait_queue_head_t ev_wq;
	struct mutex read_lock;		/* one reader at a time */
	bool owned;
	bool is_monitor;
	struct tel_monitor monitor;
	bool monitor_admin;
	const struct cred *monitor_cred;
	struct mutex tap_lock;		/* tap positions, tap_buf */
	u8 *tap_buf;
	struct mutex conf_lock;		/* confs */
	struct xarray confs;
};

extern unsigned int tel_max_dropped;
extern struct list_head tel_cards;
extern struct mutex tel_cards_lock;
extern const struct file_operations tel_fops;
extern const struct attribute_group *tel_card_groups[];

extern struct pci_driver tel_pci_driver;

/* tel_card.c: a card's life */
int tel_cards_init(void);
void tel_cards_exit(void);
struct tel_card *tel_card_alloc(struct pci_dev *pdev);
int tel_card_register(struct tel_card *card);
void tel_card_unregister(struct tel_card *card);
int tel_card_start(struct tel_card *card);
void tel_card_stop(struct tel_card *card);
void tel_card_added(struct tel_card *card);
void tel_card_removing(struct tel_card *card);
void tel_card_tick(struct tel_card *card);
void tel_card_shutdown(struct tel_card *card, enum tel_gone_reason why);
void tel_card_fail(struct tel_card *card);
void tel_card_broadcast(struct tel_card *card, const struct tel_event *ev);

/* tel_bridge.c: tel.ko's side of the bridge (tel_bridge.h is its API) */
void tel_bridge_card_init(struct tel_card *card);
void tel_bridge_card_added(struct tel_card *card);
void tel_bridge_card_removed(struct tel_card *card);
void tel_bridge_tick(struct tel_card *card);

/* tel_hw.c: the card's mailbox, event queue and heartbeat */
int tel_hw_command(struct tel_card *card, u32 op, u32 channel, u32 arg,
		   struct tel_call *call, const char *digits);
void tel_hw_events(struct tel_card *card);
int tel_hw_hook(struct tel_card *card, u32 ch);
__printf(3, 4)
void tel_card_error(struct tel_card *card, bool fatal, const char *fmt, ...);

/* tel_ring.c: a call's audio rings and the card's indices into them */
bool tel_ring_rx_head_ok(const struct tel_ring_state *pos, u32 head);
bool tel_ring_tx_tail_ok(const struct tel_ring_state *pos, u32 tail);
int tel_ring_sync(struct tel_card *card, struct tel_call *call, bool rx,
		  bool tx);
u32 tel_ring_rx_fill(const struct tel_call *call);
u32 tel_ring_tx_room(const struct tel_call *call);
void tel_ring_read(const struct tel_call *call, void *dst, u32 len);
int tel_ring_read_user(const struct tel_call *call, u8 __user *dst, u32 len);
void tel_ring_write(struct tel_call *call, const void *src, u32 len);
int tel_ring_write_user(struct tel_call *call, const u8 __user *src, u32 len);
void tel_ring_rx_consume(struct tel_card *card, struct tel_call *call,
			 u32 len, bool tell_card);
void tel_ring_tx_commit(struct tel_card *card, struct tel_call *call, u32 len,
			bool tell_card);

/* tel_call.c: the call object and its state machine */
int tel_call_cache_init(void);
void tel_call_cache_exit(void);
struct tel_call *tel_call_create(struct tel_card *card, u32 channel,
				 u32 direction);
void tel_call_put(struct tel_call *call);
void tel_call_begin(struct tel_call *call, u32 state);
void tel_call_set_state(struct tel_call *call, u32 state, u32 origin,
			u32 mode);
bool tel_call_offered(struct tel_call *call);
void tel_call_take_offer(struct tel_call *call);
void tel_call_event(struct tel_call *call, const struct tel_event *ev);
void tel_call_disown(struct tel_call *call);
void tel_call_digit_heard(struct tel_call *call, char digit);
int tel_call_send_digits(struct tel_call *call, const char *digits,
			 u32 tone_ms, u32 gap_ms);
int tel_call_detect_digits(struct tel_call *call, u32 flags);
int tel_call_hook_flash(struct tel_call *call, u32 ms);
int tel_call_hold(struct tel_call *call, bool hold);
int tel_call_redirect(struct tel_card *card, u32 ch, struct tel_call *call,
		      const char *number, unsigned int *nr_dropped);
int tel_call_transfer(struct tel_call *call, const char *number);
int tel_call_complete_transfer(struct tel_call *call, struct tel_call *consult);
int tel_call_command(struct tel_call *call, u32 states, u32 op, u32 arg,
		     const char *digits);
bool tel_digit_valid(int c);
u64 tel_card_features(const struct tel_card *card);
int tel_call_dial(struct tel_call *call, const char *number);
int tel_call_answer_offer(struct tel_call *call);
int tel_call_hangup(struct tel_call *call, u32 mode);
int tel_call_drop(struct tel_call *call, u32 reason, unsigned int *nr_dropped);
void tel_call_let_go(struct tel_call *call);
void tel_call_set_owner(struct tel_call *call, struct tel_owner *owner,
			u32 handle);
void tel_call_bind(struct tel_call *call);
bool tel_call_on_card(const struct tel_call *call);
bool tel_call_takes_audio(const struct tel_call *call);
void tel_call_unbind(struct tel_call *call);
void tel_call_release_ring(struct tel_call *call);
void tel_call_fill_info(struct tel_call *call, struct tel_call_info *info);
bool tel_number_valid(const char *number);
u64 tel_now_ns(void);
int tel_id_alloc(struct xarray *xa, u32 *id, void *entry,
		 struct xa_limit limit, u32 *next, u32 *held);
void tel_id_free(struct xarray *xa, u32 id, u32 *held);

/* tel_watermark.c: one wake-up per block */
void tel_card_wm_init(struct tel_card *card);
int tel_call_set_watermark(struct tel_call *call, u32 rx_bytes, u32 tx_bytes);
void tel_call_wm_moved(struct tel_call *call, bool write);
void tel_call_wm_moved_locked(struct tel_call *call, u32 dirs);
void tel_call_wm_disarm(struct tel_call *call);
void tel_card_wm_tick(struct tel_card *card);

/* tel_mmap.c: a call's rings mapped into its owner's address space */
void tel_card_map_init(struct tel_card *card);
int tel_file_mmap(struct file *filp, struct vm_area_struct *vma);
int tel_ioctl_call_map(struct file *filp, void __user *uarg);
int tel_ioctl_calls_sync(struct tel_file *tf, void __user *uarg);
void tel_call_unmap(struct tel_call *call);
void tel_call_unmap_ring(struct tel_call *call);
void tel_map_publish_wm(struct tel_call *call);

/* tel_sysfs.c, tel_proc.c: inspection */
int tel_sysfs_init_channels(struct tel_card *card);
void tel_sysfs_free_channels(struct tel_card *card);
void tel_card_counters(struct tel_card *card, struct tel_counters *sum);
int tel_proc_init(void);
void tel_proc_exit(void);
const char *tel_state_name(u32 state);

/*
 * tel_debugfs.c: fault points (tel/fail_alloc, tel/fail_copyout),
 * audio-path cost (telN/perf)
 */
bool tel_should_fail(void);
bool tel_should_fail_copyout(void);
void tel_debugfs_init(void);
void tel_debugfs_exit(void);
u64 tel_perf_tick_begin(struct tel_card *card, u32 gen);
void tel_perf_tick_end(struct tel_card *card, u64 begin);
void tel_perf_wake(struct tel_card *card, u32 gen);
long tel_perf_slab_size(size_t size);
void tel_perf_card_add(struct tel_card *card);
void tel_perf_card_remove(struct tel_card *card);

/*
 * Control-path accounting is off unless the module parameter
 * ctl_accounting is set (tel_debugfs.c): a static key, so that the
 * thirty-odd clock reads of a call cycle cost nothing when nobody is
 * measuring.  Switch it while no control call runs, as telbench does: a
 * phase begun with it off is not counted, and one that straddles the
 * switch may be counted wrong.
 */
DECLARE_STATIC_KEY_FALSE(tel_ctl_acct_on);

/* The start of a phase: now, or 0 when the accounting is off. */
static inline u64 tel_ctl_now(void)
{
	return static_branch_unlikely(&tel_ctl_acct_on) ? ktime_get_ns() : 0;
}

/* One run of phase @ph of the control path (tel_debugfs.c), @ns long. */
static inline void tel_ctl_add(struct tel_card *card, enum tel_ctl_phase ph,
			       u64 ns)
{
	if (!static_branch_unlikely(&tel_ctl_acct_on))
		return;
	atomic64_inc(&card->perf.ctl[ph].n);
	atomic64_add(ns, &card->perf.ctl[ph].ns);
}

/*
 * The same for a phase begun at @begin (tel_ctl_now()); returns now, the
 * next phase's start.  Off, or begun while off (@begin 0): @begin.
 */
static inline u64 tel_ctl_account(struct tel_card *card,
				  enum tel_ctl_phase ph, u64 begin)
{
	u64 now;

	if (!static_branch_unlikely(&tel_ctl_acct_on) || !begin)
		return begin;
	now = ktime_get_ns();
	tel_ctl_add(card, ph, now - begin);
	return now;
}

/* tel_file.c: an open /dev/telN, its handle table and event queue */
extern const struct tel_owner_ops tel_file_owner_ops;
struct tel_call *tel_file_lookup(struct tel_file *tf, u32 handle);
int tel_file_reserve_handle(struct tel_file *tf, u32 *handle);
void tel_file_unreserve_handle(struct tel_file *tf, u32 handle);
bool tel_file_owns(struct tel_file *tf, struct tel_call *call);
int tel_file_reserve(struct tel_file *tf, struct tel_call *call);
void tel_file_publish(struct tel_file *tf, struct tel_call *call);
void tel_file_abandon(struct tel_file *tf, struct tel_call *call);
int tel_file_check_quota(struct tel_file *tf);
int tel_file_drop(struct tel_file *tf, struct tel_call *call, u32 reason);
int tel_file_forget(struct tel_file *tf, struct tel_call *call);
void tel_file_event(struct tel_file *file, const struct tel_event *ev);

/* tel_handoff.c: a call handed between files as an fd */
int tel_ioctl_call_export(struct tel_file *tf, void __user *uarg);
int tel_ioctl_call_import(struct tel_file *tf, void __user *uarg);

/* tel_monitor.c: an open file as a monitor of its card's calls */
static inline bool tel_file_may_act(const struct tel_file *tf)
{
	/* the one test of "may this file act on calls": monitors may not */
	return !READ_ONCE(tf->is_monitor);
}

int tel_ioctl_card_monitor(struct file *filp, void __user *uarg);
int tel_monitor_info(struct tel_file *tf, struct tel_call_info *info);
int tel_monitor_party(struct tel_file *tf, struct tel_call_party *party);
void tel_monitor_release(struct tel_file *tf);
struct tel_call *tel_monitor_find(struct tel_card *card, u32 id);

/* tel_tap.c: a privileged monitor's tap on a call's audio */
void tel_tap_feed(struct tel_call *call, bool tx, u32 from, u32 len);
void tel_tap_free(struct tel_call *call);
void tel_tap_restart(struct tel_call *call);
void tel_tap_release(struct tel_file *tf);
int tel_ioctl_call_tap(struct tel_file *tf, void __user *uarg);

/* tel_consult.c: consultation transfer, the far parties joined */
int tel_ioctl_complete_transfer(struct tel_file *tf, void __user *uarg);
/* tel_conf.c: conferences mixed by the card */
int tel_ioctl_conf_setup(struct tel_file *tf, void __user *uarg);
int tel_ioctl_conf_member(struct tel_file *tf, void __user *uarg, bool add);
int tel_conf_drop(struct tel_file *tf, u32 handle, u32 reason);
struct tel_conf *tel_conf_lookup(struct tel_file *tf, u32 handle, int *err);
int tel_conf_port(struct tel_conf *conf, struct tel_call *call);
int tel_conf_dealloc(struct tel_file *tf, u32 handle);
void tel_conf_release(struct tel_file *tf);

/* tel_ioctl.c */
long tel_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);
int tel_ioctl_call_list(struct file *filp, void __user *uarg); /* tel_list.c */

/*
 * Ring arithmetic.  Indices run free (mod 2^32) and rings are a power of
 * two long, so fill = head - tail always, and a transfer of @len bytes at
 * index @pos is at most two pieces: this is the first one's length.
 */
static inline u32 tel_ring_first(u32 pos, u32 len)
{
	return min(len, TEL_RING_BYTES - (pos & (TEL_RING_BYTES - 1)));
}

/* Handles: cyclic ids from 1, never 0 (DRM GEM's rule). */
#define TEL_HANDLE_LIMIT	XA_LIMIT(1, INT_MAX)

static inline struct tel_card *to_tel_card(struct device *dev)
{
	return container_of(dev, struct tel_card, dev);
}

static inline u32 tel_win_read(struct tel_card *card, u32 off)
{
	return ioread32(card->win + off);
}

static inline void tel_win_write(struct tel_card *card, u32 off, u32 val)
{
	iowrite32(val, card->win + off);
}

static inline u32 tel_ch_off(u32 channel, u32 field)
{
	return TEL_CH_BASE + channel * TEL_CH_STRIDE + field;
}

#endif /* TEL_H */
