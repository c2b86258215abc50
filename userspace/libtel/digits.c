// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * digits.c - DTMF digits both ways, the hook flash and caller ID (1.2):
 * TAPI's lineGenerateDigits, lineMonitorDigits, lineGatherDigits and the
 * party part of lineGetCallInfo, over TEL_IOC_CALL_DIGITS, _MONITOR,
 * _FLASH and _PARTY
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define TEL_POLL_MS	100	/* re-read the call's state this often */

TEL_EXPORT int tel_call_send_digits(struct tel_call *call, const char *digits,
				    unsigned int tone_ms, unsigned int gap_ms)
{
	struct tel_call_digits req;

	if (!call || !digits) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	/* too many is the kernel's EINVAL too: never send a truncated string */
	if (strlen(digits) >= sizeof(req.digits)) {
		errno = EINVAL;
		return -1;
	}
	req.handle = call->handle;
	req.tone_ms = tone_ms;
	req.gap_ms = gap_ms;
	strcpy(req.digits, digits);
	return libtel_priv_ioctl(call->card, TEL_IOC_CALL_DIGITS, &req);
}

TEL_EXPORT int tel_call_monitor_digits(struct tel_call *call,
				       unsigned int flags)
{
	struct tel_call_monitor req;

	if (!call) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.handle = call->handle;
	req.flags = flags;
	if (libtel_priv_ioctl(call->card, TEL_IOC_CALL_MONITOR, &req) < 0)
		return -1;
	pthread_mutex_lock(&call->card->lock);
	call->monitor = flags;
	pthread_mutex_unlock(&call->card->lock);
	return 0;
}

TEL_EXPORT int tel_call_flash(struct tel_call *call, unsigned int ms)
{
	struct tel_call_flash req;

	if (!call) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.handle = call->handle;
	req.ms = ms;
	return libtel_priv_ioctl(call->card, TEL_IOC_CALL_FLASH, &req);
}

/* HOLD and UNHOLD (1.3): the same request, one way or the other. */
static int call_hold(struct tel_call *call, unsigned long cmd)
{
	struct tel_call_hold req;

	if (!call) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.handle = call->handle;
	return libtel_priv_ioctl(call->card, cmd, &req);
}

TEL_EXPORT int tel_call_hold(struct tel_call *call)
{
	return call_hold(call, TEL_IOC_CALL_HOLD);
}

TEL_EXPORT int tel_call_unhold(struct tel_call *call)
{
	return call_hold(call, TEL_IOC_CALL_UNHOLD);
}

/* REDIRECT (1.3) of the offer this call accepted: by its channel. */
TEL_EXPORT int tel_call_redirect(struct tel_call *call, const char *number)
{
	struct tel_call_redirect req;

	if (!call || !number || !*number ||
	    strlen(number) >= sizeof(req.number)) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.channel = call->channel;
	memcpy(req.number, number, strlen(number));
	return libtel_priv_ioctl(call->card, TEL_IOC_CALL_REDIRECT, &req);
}

/* TRANSFER (1.3): a blind transfer of a connected or held call. */
TEL_EXPORT int tel_call_transfer(struct tel_call *call, const char *number)
{
	struct tel_call_transfer req;

	if (!call || !number || !*number ||
	    strlen(number) >= sizeof(req.number)) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.handle = call->handle;
	memcpy(req.number, number, strlen(number));
	return libtel_priv_ioctl(call->card, TEL_IOC_CALL_TRANSFER, &req);
}

TEL_EXPORT int tel_call_get_party(struct tel_call *call,
				  struct tel_call_party_info *out)
{
	struct tel_call_party p;

	if (!call || !out) {
		errno = EINVAL;
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.handle = call->handle;
	if (libtel_priv_ioctl(call->card, TEL_IOC_CALL_PARTY, &p) < 0)
		return -1;
	libtel_priv_party(out, &p);
	return 0;
}

/* The library's party record of the kernel's; hidden text as /proc: "*". */
void libtel_priv_party(struct tel_call_party_info *out,
		       const struct tel_call_party *k)
{
	const struct tel_call_party p = *k;

	memset(out, 0, sizeof(*out));
	out->presentation = p.presentation;
	out->flashes = p.flashes;
	out->digits_rx_count = p.digits_rx_count;
	out->digits_tx_count = p.digits_tx_count;
	memcpy(out->name, p.name, sizeof(out->name));
	memcpy(out->digits_rx, p.digits_rx, sizeof(out->digits_rx));
	memcpy(out->digits_tx, p.digits_tx, sizeof(out->digits_tx));
	out->name[sizeof(out->name) - 1] = '\0';
	out->digits_rx[sizeof(out->digits_rx) - 1] = '\0';
	out->digits_tx[sizeof(out->digits_tx) - 1] = '\0';
	out->flags = p.flags;
	if (p.flags & TEL_CALL_F_HIDDEN) {
		strcpy(out->name, "*");
		strcpy(out->digits_rx, "*");
		strcpy(out->digits_tx, "*");
	}
}

/* Move into the queue whatever the kernel has now, without sleeping. */
static int drain_kernel(struct tel_card *card)
{
	while (libtel_priv_events_fill(card, 0) == 0)
		;
	return errno == EAGAIN ? 0 : -1;
}

/*
 * Wait until @end (ms of libtel_priv_now_ms(), -1 for ever) for an event
 * of @type for @call and take it out of the card's queue; every other
 * event stays queued, in order.  Events of other calls and types read
 * meanwhile are queued for tel_card_read_event(), never more than the
 * queue holds: with the queue full, this re-checks every 10 ms for
 * another thread to have made room.  -1 with ETIMEDOUT, EPIPE (the call
 * is DISCONNECTED or IDLE and no such event is queued), EINTR, ENODEV or
 * the errno of TEL_IOC_CALL_INFO.
 */
static int wait_call_event(struct tel_call *call, unsigned int type,
			   struct tel_card_event *ev, int64_t end)
{
	struct tel_card *card = call->card;

	for (;;) {
		int state, left;

		if (libtel_priv_events_take(card, call->handle, type, ev))
			return 0;
		/* the state first: an event sent before the end is queued */
		state = tel_call_state(call);
		if (state < 0)
			return -1;
		if (drain_kernel(card) < 0 && errno != ENOBUFS &&
		    errno != ENODEV)
			return -1;
		if (libtel_priv_events_take(card, call->handle, type, ev))
			return 0;
		if (state == TEL_CALL_IDLE || state == TEL_CALL_DISCONNECTED) {
			errno = EPIPE;
			return -1;
		}
		if (end < 0) {
			left = TEL_POLL_MS;
		} else {
			int64_t l = end - libtel_priv_now_ms();

			if (l <= 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			left = l > TEL_POLL_MS ? TEL_POLL_MS : (int)l;
		}
		if (libtel_priv_events_fill(card, left) == 0)
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

static int64_t deadline(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : libtel_priv_now_ms() + timeout_ms;
}

TEL_EXPORT int tel_call_wait_event(struct tel_call *call, unsigned int type,
				   struct tel_card_event *ev, int timeout_ms)
{
	struct tel_card_event dummy;

	if (!call || !type) {
		errno = EINVAL;
		return -1;
	}
	return wait_call_event(call, type, ev ? ev : &dummy,
			       deadline(timeout_ms));
}

TEL_EXPORT ssize_t tel_call_gather_digits(struct tel_call *call, char *buf,
					  size_t max, const char *terminators,
					  int first_timeout_ms,
					  int inter_timeout_ms,
					  unsigned int *reason)
{
	struct tel_card_event ev;
	unsigned int why = 0, mon;
	bool turned_on = false;
	int64_t end;
	ssize_t ret;
	size_t n = 0;
	int err = 0;

	if (reason)
		*reason = 0;
	if (!call || !buf || !max || max > SSIZE_MAX) {
		errno = EINVAL;
		return -1;
	}
	buf[0] = '\0';
	pthread_mutex_lock(&call->card->lock);
	mon = call->monitor;
	pthread_mutex_unlock(&call->card->lock);
	if (!(mon & TEL_MONITOR_F_DIGITS)) {
		if (tel_call_monitor_digits(call, TEL_MONITOR_F_DIGITS) < 0)
			return -1;
		turned_on = true;
	}
	end = deadline(first_timeout_ms);
	while (n < max) {
		char d;

		if (wait_call_event(call, TEL_EVENT_DIGIT, &ev, end) < 0) {
			if (errno == ETIMEDOUT)
				why = n ? TEL_GATHER_INTERTIMEOUT :
					  TEL_GATHER_FIRSTTIMEOUT;
			else if (errno == EPIPE)
				why = TEL_GATHER_CANCEL;
			else
				err = errno;
			break;
		}
		d = (char)ev.detail;
		buf[n++] = d;
		buf[n] = '\0';
		if (d && terminators && strchr(terminators, d)) {
			why = TEL_GATHER_TERMDIGIT;
			break;
		}
		end = deadline(inter_timeout_ms);
	}
	if (!why && !err)
		why = TEL_GATHER_BUFFERFULL;
	/* as it was: a call that ended meanwhile has no monitoring anyway */
	if (turned_on) {
		int e = errno;

		tel_call_monitor_digits(call, 0);
		errno = e;
	}
	if (reason)
		*reason = why;
	ret = (ssize_t)n;
	if (err) {
		errno = err;
		ret = -1;
	}
	return ret;
}
