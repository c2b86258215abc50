// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * event.c - the card's events: read() on /dev/telN, and a queue of the
 * records read but not yet handed to the application
 *
 * The queue is bounded, its capacity the application's choice (as
 * libgpiod's edge event buffer is): when it is full the library reads no
 * more, so the kernel's own bounded queue fills next and, if it
 * overflows, its TEL_EVENT_OVERFLOW record tells the application how many
 * events it lost, in order.  The library itself never drops a record.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define TEL_EV_BATCH	32

static void event_from_kernel(struct tel_card_event *ev,
			      const struct tel_event *k)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = k->type;
	ev->handle = k->handle;
	ev->channel = k->channel;
	ev->state = k->state;
	ev->origin = k->origin;
	ev->disconnect_mode = k->disconnect_mode;
	ev->lost = k->lost;
	ev->seq = k->seq;
	ev->timestamp_ns = k->timestamp_ns;
	memcpy(ev->number, k->number, sizeof(ev->number));
	ev->number[sizeof(ev->number) - 1] = '\0';
	ev->detail = k->detail;
	ev->duration_ms = k->duration_ms;
}

/*
 * Take out of the queue the oldest event of @type for call @handle, and
 * close the gap: every other record stays, in order, for
 * tel_card_read_event().  1 if one was taken, 0 if none is queued.
 */
int libtel_priv_events_take(struct tel_card *card, uint32_t handle,
			    unsigned int type, struct tel_card_event *ev)
{
	size_t i, j;

	pthread_mutex_lock(&card->lock);
	for (i = 0; i < card->evq_len; i++) {
		struct tel_card_event *e =
			&card->evq[(card->evq_head + i) % card->evq_cap];

		if (e->type != type || e->handle != handle)
			continue;
		*ev = *e;
		for (j = i; j + 1 < card->evq_len; j++)
			card->evq[(card->evq_head + j) % card->evq_cap] =
				card->evq[(card->evq_head + j + 1) %
					  card->evq_cap];
		card->evq_len--;
		pthread_mutex_unlock(&card->lock);
		return 1;
	}
	pthread_mutex_unlock(&card->lock);
	return 0;
}

/* Append to the ring, which has room (the caller checked); locked. */
static void evq_push(struct tel_card *card, const struct tel_event *k)
{
	event_from_kernel(&card->evq[(card->evq_head + card->evq_len) %
				     card->evq_cap], k);
	card->evq_len++;
}

int libtel_priv_events_init(struct tel_card *card)
{
	card->evq = calloc(TEL_EVENT_QUEUE_DEFAULT, sizeof(*card->evq));
	if (!card->evq)
		return -1;
	card->evq_cap = TEL_EVENT_QUEUE_DEFAULT;
	return 0;
}

/*
 * Wait up to @timeout_ms (-1: forever) for events and move into the
 * queue as many as it has room for; the rest stay in the kernel's queue,
 * which reports its own overflow with a TEL_EVENT_OVERFLOW record.  0 if
 * at least one came; else -1 with ENOBUFS (the queue is full), EAGAIN
 * (timeout 0), ETIMEDOUT, EINTR, ENODEV (card gone and nothing left) or
 * another errno.
 */
int libtel_priv_events_fill(struct tel_card *card, int timeout_ms)
{
	struct pollfd pfd = { .fd = card->fd, .events = POLLIN };
	struct tel_event buf[TEL_EV_BATCH];
	size_t room;
	ssize_t n;
	int i, ret;

	pthread_mutex_lock(&card->lock);
	room = card->evq_cap - card->evq_len;
	pthread_mutex_unlock(&card->lock);
	if (!room) {
		errno = ENOBUFS;
		return -1;
	}
	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -1;
	if (ret == 0) {
		errno = timeout_ms ? ETIMEDOUT : EAGAIN;
		return -1;
	}
	/*
	 * The read does not sleep (O_NONBLOCK), so it is done under the
	 * lock: no other thread can take the room it was sized for.
	 */
	pthread_mutex_lock(&card->lock);
	room = card->evq_cap - card->evq_len;
	if (room > TEL_EV_BATCH)
		room = TEL_EV_BATCH;
	if (!room) {
		pthread_mutex_unlock(&card->lock);
		errno = ENOBUFS;
		return -1;
	}
	n = read(card->fd, buf, room * sizeof(buf[0]));
	if (n <= 0) {
		pthread_mutex_unlock(&card->lock);
		if (n == 0)
			errno = ENODEV;
		return -1;	/* EAGAIN: another thread took them */
	}
	for (i = 0; i < n / (ssize_t)sizeof(buf[0]); i++)
		evq_push(card, &buf[i]);
	pthread_mutex_unlock(&card->lock);
	return 0;
}

TEL_EXPORT int tel_card_set_event_queue_capacity(struct tel_card *card,
						 size_t capacity)
{
	struct tel_card_event *q;
	size_t i;

	if (!card || !capacity || capacity > TEL_EVENT_QUEUE_MAX) {
		errno = EINVAL;
		return -1;
	}
	q = calloc(capacity, sizeof(*q));
	if (!q)
		return -1;
	pthread_mutex_lock(&card->lock);
	if (card->evq_len > capacity) {
		pthread_mutex_unlock(&card->lock);
		free(q);
		errno = EBUSY;
		return -1;
	}
	for (i = 0; i < card->evq_len; i++)
		q[i] = card->evq[(card->evq_head + i) % card->evq_cap];
	free(card->evq);
	card->evq = q;
	card->evq_cap = capacity;
	card->evq_head = 0;
	pthread_mutex_unlock(&card->lock);
	return 0;
}

TEL_EXPORT size_t tel_card_event_queue_capacity(struct tel_card *card)
{
	size_t cap;

	pthread_mutex_lock(&card->lock);
	cap = card->evq_cap;
	pthread_mutex_unlock(&card->lock);
	return cap;
}

TEL_EXPORT size_t tel_card_event_queue_len(struct tel_card *card)
{
	size_t len;

	pthread_mutex_lock(&card->lock);
	len = card->evq_len;
	pthread_mutex_unlock(&card->lock);
	return len;
}

TEL_EXPORT int tel_card_read_event(struct tel_card *card,
				   struct tel_card_event *ev, int timeout_ms)
{
	int64_t end = libtel_priv_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

	if (!card || !ev) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		int left;

		pthread_mutex_lock(&card->lock);
		if (card->evq_len) {
			*ev = card->evq[card->evq_head];
			card->evq_head = (card->evq_head + 1) % card->evq_cap;
			card->evq_len--;
			pthread_mutex_unlock(&card->lock);
			return 0;
		}
		pthread_mutex_unlock(&card->lock);

		if (timeout_ms < 0)
			left = -1;
		else if (timeout_ms == 0)
			left = 0;
		else if ((left = (int)(end - libtel_priv_now_ms())) <= 0)
			left = 0;
		if (libtel_priv_events_fill(card, left) < 0) {
			/* full: another thread queued events meanwhile */
			if (errno == ENOBUFS)
				continue;
			/* another thread may have queued what we were woken for */
			if (errno == EAGAIN && left != 0)
				continue;
			if (errno == EAGAIN && timeout_ms > 0)
				errno = ETIMEDOUT;
			if (errno == EAGAIN || errno == ETIMEDOUT) {
				int err = errno;

				pthread_mutex_lock(&card->lock);
				left = card->evq_len;
				pthread_mutex_unlock(&card->lock);
				if (left)
					continue;
				errno = err;
			}
			return -1;
		}
	}
}
