// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * list.c - the calls of a card (TEL_IOC_CALL_LIST) and of every card
 *
 * The kernel hands the calls over as fixed-size records, so nothing here
 * parses text, and a value without a name in this library's tables (a
 * newer driver) is passed on as a number: it cannot fail a listing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Calls that may appear between asking the count and fetching them. */
#define LIST_SLACK	8

static void entry_from_kernel(struct tel_call_entry *e,
			      const struct tel_call_list_entry *k)
{
	memset(e, 0, sizeof(*e));
	e->card = k->card;
	e->channel = k->channel;
	e->handle = k->handle;
	e->pid = k->pid;
	e->uid = k->uid;
	e->state = k->state;
	e->direction = k->direction;
	e->origin = k->origin;
	e->disconnect_mode = k->disconnect_mode;
	e->duration_ms = k->duration_ns / 1000000;
	e->rx_frames = k->rx_frames;
	e->tx_frames = k->tx_frames;
	e->rx_bytes = k->rx_bytes;
	e->tx_bytes = k->tx_bytes;
	e->rx_overruns = k->rx_overruns;
	e->tx_underruns = k->tx_underruns;
	e->dma_bytes = k->dma_bytes;
	e->owner = k->owner;
	e->id = k->id;
	if (k->flags & TEL_LIST_F_HIDDEN) {
		/* as /proc shows them: hidden, not absent */
		e->flags |= TEL_CALL_ENTRY_F_HIDDEN;
		strcpy(e->called, "*");
		strcpy(e->calling, "*");
	} else {
		memcpy(e->called, k->called, sizeof(e->called));
		memcpy(e->calling, k->calling, sizeof(e->calling));
		e->called[sizeof(e->called) - 1] = '\0';
		e->calling[sizeof(e->calling) - 1] = '\0';
	}
}

/*
 * The kernel's records of @card, malloc'ed into *@out (NULL if none).
 * Asks for the count, then for the calls with some room to spare, and
 * again if more calls came meanwhile (ENOSPC changes nothing).
 */
static ssize_t list_kernel(struct tel_card *card,
			   struct tel_call_list_entry **out)
{
	struct tel_call_list_entry *buf;
	struct tel_call_list req;

	*out = NULL;
	for (;;) {
		uint32_t cap;

		memset(&req, 0, sizeof(req));
		if (libtel_priv_ioctl(card, TEL_IOC_CALL_LIST, &req) < 0)
			return -1;
		if (!req.count)
			return 0;
		cap = req.count + LIST_SLACK;
		buf = calloc(cap, sizeof(*buf));
		if (!buf)
			return -1;
		memset(&req, 0, sizeof(req));
		req.entries = (uintptr_t)buf;
		req.capacity = cap;
		if (libtel_priv_ioctl(card, TEL_IOC_CALL_LIST, &req) == 0)
			break;
		free(buf);
		if (errno != ENOSPC)
			return -1;
	}
	if (!req.count) {
		free(buf);
		return 0;
	}
	*out = buf;
	return req.count;
}

/* Append the calls of @card to *@all (*@n of them so far); 0 or -1. */
static int list_append(struct tel_card *card, struct tel_call_entry **all,
		       size_t *n)
{
	struct tel_call_list_entry *k;
	struct tel_call_entry *p;
	ssize_t got, i;

	got = list_kernel(card, &k);
	if (got <= 0)
		return (int)got;
	p = realloc(*all, (*n + got) * sizeof(*p));
	if (!p) {
		free(k);
		return -1;
	}
	for (i = 0; i < got; i++)
		entry_from_kernel(&p[*n + i], &k[i]);
	*all = p;
	*n += got;
	free(k);
	return 0;
}

TEL_EXPORT ssize_t tel_card_list_calls(struct tel_card *card,
				       struct tel_call_entry **entries)
{
	struct tel_call_entry *all = NULL;
	size_t n = 0;

	if (!card || !entries) {
		errno = EINVAL;
		return -1;
	}
	*entries = NULL;
	if (list_append(card, &all, &n) < 0)
		return -1;
	*entries = all;
	return (ssize_t)n;
}

/*
 * Every call of every card, by opening each card in turn.  A card that
 * goes away meanwhile (ENOENT, ENODEV) has no calls to list.
 */
TEL_EXPORT ssize_t tel_call_list(struct tel_call_entry **entries)
{
	struct tel_call_entry *all = NULL;
	unsigned int *idx = NULL;
	int ncards, i, err;
	size_t n = 0;

	if (!entries) {
		errno = EINVAL;
		return -1;
	}
	*entries = NULL;
	ncards = tel_card_list(NULL, 0);
	if (ncards <= 0)
		return ncards;
	idx = calloc(ncards, sizeof(*idx));
	if (!idx)
		return -1;
	i = tel_card_list(idx, ncards);
	if (i < 0)
		goto err;
	if (i < ncards)
		ncards = i;	/* fewer now; more: the ones first asked of */
	for (i = 0; i < ncards; i++) {
		struct tel_card *card = tel_card_open(idx[i]);
		int ret;

		if (!card) {
			if (errno == ENOENT || errno == ENODEV)
				continue;
			goto err;
		}
		ret = list_append(card, &all, &n);
		err = errno;
		tel_card_close(card);
		errno = err;
		if (ret < 0)
			goto err;
	}
	free(idx);
	*entries = all;
	return (ssize_t)n;
err:
	err = errno;
	free(idx);
	free(all);
	errno = err;
	return -1;
}

TEL_EXPORT void tel_call_list_free(struct tel_call_entry *entries)
{
	free(entries);
}
