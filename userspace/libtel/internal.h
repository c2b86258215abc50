/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * internal.h - libtel's private objects; nothing here is exported
 * (-fvisibility=hidden, libtel.map).
 */
#ifndef LIBTEL_INTERNAL_H
#define LIBTEL_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

/*
 * The kernel's uAPI, from the library's own copy (uapi/linux/tel.h, kept
 * identical to the kernel's by the build), first: libtel.h then takes its
 * constants from it.
 */
#include "uapi/linux/tel.h"
#include "libtel.h"

#define TEL_EXPORT	__attribute__((visibility("default")))

#define TEL_SYSFS_CLASS	"/sys/class/tel"

struct tel_call {
	struct tel_card *card;
	struct tel_call *next;		/* card->calls list */
	uint32_t handle;
	unsigned int channel;
	unsigned int monitor;		/* TEL_MONITOR_F_* set; card lock */
	struct tel_rings *rings;	/* tel_call_map(), or NULL */
};

/*
 * The card's lock protects the call list and the event queue; it is never
 * held across a sleep (poll, a WAIT ioctl), so one thread can block in
 * tel_card_read_event() while others dial and drop.
 */
struct tel_card {
	int fd;
	struct tel_card_info info;	/* as read at open */
	pthread_mutex_t lock;
	struct tel_call *calls;

	/*
	 * Events read from the file but not yet handed out: a read() takes
	 * as many records as there is room for, and tel_call_wait_state()
	 * reads events while it waits without taking them from the
	 * application.  A ring of evq_cap records (the application's
	 * choice, tel_card_set_event_queue_capacity()), never grown.
	 */
	struct tel_card_event *evq;
	size_t evq_head, evq_len, evq_cap;
};

int libtel_priv_ioctl(struct tel_card *card, unsigned long cmd, void *arg);
struct tel_call *libtel_priv_call_new(struct tel_card *card, uint32_t handle,
				      unsigned int channel);
void libtel_priv_call_unlink(struct tel_call *call);
void libtel_priv_call_abandon(struct tel_card *card, uint32_t handle);
int libtel_priv_events_init(struct tel_card *card);
int libtel_priv_events_fill(struct tel_card *card, int timeout_ms);
int64_t libtel_priv_now_ms(void);
void libtel_priv_record(struct tel_call_record *rec,
			const struct tel_call_info *info);
void libtel_priv_party(struct tel_call_party_info *out,
		       const struct tel_call_party *p);
void libtel_priv_rings_free(struct tel_call *call);
int libtel_priv_events_take(struct tel_card *card, uint32_t handle,
			    unsigned int type, struct tel_card_event *ev);

#endif /* LIBTEL_INTERNAL_H */
