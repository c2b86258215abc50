// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * call.c - a call's life: dial or answer, drop, deallocate; its record
 * and its audio
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* The object of @handle, or a new one linked to the card; locked. */
static struct tel_call *call_get(struct tel_card *card, uint32_t handle,
				 unsigned int channel)
{
	struct tel_call *call;

	for (call = card->calls; call; call = call->next)
		if (call->handle == handle)
			return call;
	call = calloc(1, sizeof(*call));
	if (!call)
		return NULL;
	call->card = card;
	call->handle = handle;
	call->channel = channel;
	call->next = card->calls;
	card->calls = call;
	return call;
}

static void call_unlink(struct tel_call *call);
static void call_abandon(struct tel_card *card, uint32_t handle);

/* A new object for a call just imported (handoff.c); NULL, ENOMEM. */
struct tel_call *libtel_priv_call_new(struct tel_card *card, uint32_t handle,
				      unsigned int channel)
{
	struct tel_call *call;

	pthread_mutex_lock(&card->lock);
	call = call_get(card, handle, channel);
	pthread_mutex_unlock(&card->lock);
	if (!call)
		errno = ENOMEM;
	return call;
}

void libtel_priv_call_unlink(struct tel_call *call)
{
	call_unlink(call);
}

static void call_unlink(struct tel_call *call)
{
	struct tel_card *card = call->card;
	struct tel_call **pp;

	pthread_mutex_lock(&card->lock);
	for (pp = &card->calls; *pp; pp = &(*pp)->next) {
		if (*pp == call) {
			*pp = call->next;
			break;
		}
	}
	pthread_mutex_unlock(&card->lock);
	libtel_priv_rings_free(call);
	free(call);
}

/*
 * The kernel has a call we failed to make an object for: give it back
 * rather than leave it on the line until close.
 */
void libtel_priv_call_abandon(struct tel_card *card, uint32_t handle)
{
	call_abandon(card, handle);
}

static void call_abandon(struct tel_card *card, uint32_t handle)
{
	struct tel_call_drop drop = { .handle = handle };
	struct tel_call_dealloc dealloc = { .handle = handle };
	int err = errno;

	libtel_priv_ioctl(card, TEL_IOC_CALL_DROP, &drop);
	libtel_priv_ioctl(card, TEL_IOC_CALL_DEALLOC, &dealloc);
	errno = err;
}

TEL_EXPORT struct tel_call *tel_call_dial(struct tel_card *card,
					  unsigned int channel,
					  const char *number)
{
	struct tel_call_alloc req;
	struct tel_call *call;

	if (!card || !number) {
		errno = EINVAL;
		return NULL;
	}
	memset(&req, 0, sizeof(req));
	req.channel = channel;
	/* too long is the kernel's EINVAL too: do not truncate silently */
	if (strlen(number) >= sizeof(req.number)) {
		errno = EINVAL;
		return NULL;
	}
	strcpy(req.number, number);
	if (libtel_priv_ioctl(card, TEL_IOC_CALL_ALLOC, &req) < 0)
		return NULL;
	pthread_mutex_lock(&card->lock);
	call = call_get(card, req.handle, req.out_channel);
	pthread_mutex_unlock(&card->lock);
	if (!call)
		call_abandon(card, req.handle);
	return call;
}

/*
 * ANSWER after ANSWER(ACCEPT) returns the same handle: hand back the same
 * object, so the caller never holds two objects for one call.
 */
TEL_EXPORT struct tel_call *tel_call_answer(struct tel_card *card,
					    unsigned int channel,
					    unsigned int flags)
{
	struct tel_call_answer req;
	struct tel_call *call;

	if (!card) {
		errno = EINVAL;
		return NULL;
	}
	memset(&req, 0, sizeof(req));
	req.channel = channel;
	req.flags = flags;
	if (libtel_priv_ioctl(card, TEL_IOC_CALL_ANSWER, &req) < 0)
		return NULL;
	pthread_mutex_lock(&card->lock);
	call = call_get(card, req.handle, channel);
	pthread_mutex_unlock(&card->lock);
	if (!call)
		call_abandon(card, req.handle);
	return call;
}

TEL_EXPORT int tel_call_drop(struct tel_call *call, unsigned int reason)
{
	struct tel_call_drop req;

	if (!call) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.handle = call->handle;
	req.reason = reason;
	return libtel_priv_ioctl(call->card, TEL_IOC_CALL_DROP, &req);
}

/* On success the object is freed; on failure it is still valid. */
TEL_EXPORT int tel_call_dealloc(struct tel_call *call)
{
	struct tel_call_dealloc req;

	if (!call) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.handle = call->handle;
	if (libtel_priv_ioctl(call->card, TEL_IOC_CALL_DEALLOC, &req) < 0)
		return -1;
	call_unlink(call);
	return 0;
}

/*
 * Drop if need be, then deallocate, and free the object whatever the
 * kernel said: the clean-up path of a program that is done with a call.
 */
TEL_EXPORT int tel_call_destroy(struct tel_call *call)
{
	struct tel_call_dealloc dealloc;
	struct tel_call_drop drop;
	int ret, err;

	if (!call) {
		errno = EINVAL;
		return -1;
	}
	memset(&drop, 0, sizeof(drop));
	drop.handle = call->handle;
	if (libtel_priv_ioctl(call->card, TEL_IOC_CALL_DROP, &drop) < 0 &&
	    errno != EALREADY) {
		ret = -1;
		goto out;
	}
	memset(&dealloc, 0, sizeof(dealloc));
	dealloc.handle = call->handle;
	ret = libtel_priv_ioctl(call->card, TEL_IOC_CALL_DEALLOC, &dealloc);
out:
	err = errno;
	call_unlink(call);
	errno = err;
	return ret;
}

TEL_EXPORT struct tel_card *tel_call_card(const struct tel_call *call)
{
	return call->card;
}

TEL_EXPORT uint32_t tel_call_handle(const struct tel_call *call)
{
	return call->handle;
}

TEL_EXPORT unsigned int tel_call_channel(const struct tel_call *call)
{
	return call->channel;
}

TEL_EXPORT struct tel_call *tel_card_find_call(struct tel_card *card,
					       uint32_t handle)
{
	struct tel_call *call;

	if (!card) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&card->lock);
	for (call = card->calls; call; call = call->next)
		if (call->handle == handle)
			break;
	pthread_mutex_unlock(&card->lock);
	if (!call)
		errno = ENOENT;
	return call;
}

TEL_EXPORT int tel_call_get_record(struct tel_call *call,
				   struct tel_call_record *rec)
{
	struct tel_call_info info;

	if (!call || !rec) {
		errno = EINVAL;
		return -1;
	}
	memset(&info, 0, sizeof(info));
	info.handle = call->handle;
	if (libtel_priv_ioctl(call->card, TEL_IOC_CALL_INFO, &info) < 0)
		return -1;
	libtel_priv_record(rec, &info);
	return 0;
}

/* The library's record of the kernel's; hidden numbers as /proc: "*". */
void libtel_priv_record(struct tel_call_record *rec,
			const struct tel_call_info *info_k)
{
	const struct tel_call_info info = *info_k;

	memset(rec, 0, sizeof(*rec));
	rec->handle = info.handle;
	rec->state = info.state;
	rec->direction = info.direction;
	rec->card = info.card;
	rec->channel = info.channel;
	rec->origin = info.origin;
	rec->disconnect_mode = info.disconnect_mode;
	rec->app_reason = info.app_reason;
	memcpy(rec->called, info.called, sizeof(rec->called));
	memcpy(rec->calling, info.calling, sizeof(rec->calling));
	rec->called[sizeof(rec->called) - 1] = '\0';
	rec->calling[sizeof(rec->calling) - 1] = '\0';
	rec->alloc_ns = info.alloc_ns;
	rec->connect_ns = info.connect_ns;
	rec->disconnect_ns = info.disconnect_ns;
	rec->idle_ns = info.idle_ns;
	rec->start_realtime_ns = info.start_realtime_ns;
	rec->duration_ns = info.duration_ns;
	rec->rx_frames = info.rx_frames;
	rec->tx_frames = info.tx_frames;
	rec->rx_bytes = info.rx_bytes;
	rec->tx_bytes = info.tx_bytes;
	rec->rx_overruns = info.rx_overruns;
	rec->tx_underruns = info.tx_underruns;
	rec->dma_bytes = info.dma_bytes;
	rec->rx_pending = info.rx_pending;
	rec->flags = info.flags;
	rec->id = info.id;
	if (info.flags & TEL_CALL_F_HIDDEN) {
		strcpy(rec->called, "*");
		strcpy(rec->calling, "*");
	}
}

TEL_EXPORT int tel_call_state(struct tel_call *call)
{
	struct tel_call_record rec;

	if (tel_call_get_record(call, &rec) < 0)
		return -1;
	return (int)rec.state;
}

/* Can a call now in @now still get to @want? */
static int state_reachable(unsigned int now, unsigned int want)
{
	switch (now) {
	case TEL_CALL_IDLE:
		return 0;
	case TEL_CALL_DISCONNECTED:
		return want == TEL_CALL_IDLE;
	case TEL_CALL_CONNECTED:
	case TEL_CALL_ONHOLD:
	case TEL_CALL_CONFERENCED:
		return want == TEL_CALL_DISCONNECTED || want == TEL_CALL_IDLE ||
		       want == TEL_CALL_ONHOLD || want == TEL_CALL_CONNECTED ||
		       want == TEL_CALL_CONFERENCED;
	default:
		return 1;
	}
}

/*
 * The record is the truth and events are the wake-up: check the state,
 * then sleep until the card has an event (kept for the application in
 * the card's queue) or the time is up.  A short poll interval also
 * catches a DROP made by another thread, which sends no event.  When the
 * application's queue is full, events stay in the kernel (which reports
 * any it loses with TEL_EVENT_OVERFLOW) and this polls the record.
 */
TEL_EXPORT int tel_call_wait_state(struct tel_call *call, unsigned int state,
				   int timeout_ms)
{
	int64_t end = libtel_priv_now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);

	if (!call || state > TEL_CALL_CONFERENCED) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		int now = tel_call_state(call), left;

		if (now < 0)
			return -1;
		if ((unsigned int)now == state)
			return 0;
		if (!state_reachable(now, state)) {
			errno = EPIPE;
			return -1;
		}
		left = timeout_ms < 0 ? 100 : (int)(end - libtel_priv_now_ms());
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (libtel_priv_events_fill(call->card, left > 100 ? 100 : left) == 0)
			continue;
		if (errno == ENODEV || errno == ENOBUFS) {
			/* nothing to sleep on: poll() would not sleep */
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		} else if (errno != EAGAIN && errno != ETIMEDOUT) {
			return -1;
		}
	}
}

static ssize_t call_audio(struct tel_call *call, unsigned long cmd,
			  const void *buf, size_t len, unsigned int flags)
{
	struct tel_call_audio req;

	if (!call || (!buf && len)) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.handle = call->handle;
	req.flags = flags;
	req.buf = (uintptr_t)buf;
	req.len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	if (libtel_priv_ioctl(call->card, cmd, &req) < 0)
		return -1;
	return req.len;
}

TEL_EXPORT ssize_t tel_call_read(struct tel_call *call, void *buf, size_t len,
				 unsigned int flags)
{
	return call_audio(call, TEL_IOC_CALL_READ, buf, len, flags);
}

TEL_EXPORT ssize_t tel_call_write(struct tel_call *call, const void *buf,
				  size_t len, unsigned int flags)
{
	return call_audio(call, TEL_IOC_CALL_WRITE, buf, len, flags);
}

/*
 * Arm the call's watermarks (1.3): one TEL_EVENT_AUDIO_READY when
 * @rx_bytes are readable or @tx_bytes of room are free, 0 for none;
 * both 0 disarms.
 */
TEL_EXPORT int tel_call_set_watermark(struct tel_call *call,
				      unsigned int rx_bytes,
				      unsigned int tx_bytes)
{
	struct tel_call_watermark req;

	if (!call) {
		errno = EINVAL;
		return -1;
	}
	/* an older driver has no such command */
	if (!(call->card->info.features & TEL_FEAT_WATERMARK)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.handle = call->handle;
	req.rx_bytes = rx_bytes;
	req.tx_bytes = tx_bytes;
	return libtel_priv_ioctl(call->card, TEL_IOC_CALL_WATERMARK, &req);
}
