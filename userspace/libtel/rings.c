// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rings.c - a call's audio rings mapped in place (1.5): tel_call_map(),
 * the ring accessors, tel_card_sync_rings()
 *
 * The driver's fields of the control page are read with acquire order,
 * the owner's two written with release order: the ring bytes are in
 * place before the index that covers them.  Nothing here makes a system
 * call but map, unmap and sync.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

struct tel_rings {
	struct tel_call *call;
	void *base;
	size_t length;
	struct tel_map_ctl *ctl;
	uint8_t *rx, *tx;
	uint32_t size;		/* each ring, a power of two */
};

TEL_EXPORT struct tel_rings *tel_call_map(struct tel_call *call)
{
	struct tel_call_map req;
	struct tel_rings *r;
	void *p;

	if (!call) {
		errno = EINVAL;
		return NULL;
	}
	if (call->rings)
		return call->rings;
	if (!(call->card->info.features & TEL_FEAT_MMAP)) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	memset(&req, 0, sizeof(req));
	req.handle = call->handle;
	if (libtel_priv_ioctl(call->card, TEL_IOC_CALL_MAP, &req))
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	p = mmap(NULL, req.length, PROT_READ | PROT_WRITE, MAP_SHARED,
		 call->card->fd, (off_t)req.offset);
	if (p == MAP_FAILED) {
		free(r);
		return NULL;
	}
	r->call = call;
	r->base = p;
	r->length = req.length;
	r->ctl = (struct tel_map_ctl *)((uint8_t *)p + req.ctl_offset);
	r->rx = (uint8_t *)p + req.rx_offset;
	r->tx = (uint8_t *)p + req.tx_offset;
	r->size = req.ring_bytes;
	call->rings = r;
	return r;
}

TEL_EXPORT void tel_call_unmap(struct tel_rings *rings)
{
	if (!rings)
		return;
	rings->call->rings = NULL;
	munmap(rings->base, rings->length);
	free(rings);
}

/* The call's rings went with it (dealloc, export, close). */
void libtel_priv_rings_free(struct tel_call *call)
{
	if (call->rings)
		tel_call_unmap(call->rings);
}

static uint32_t load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

TEL_EXPORT size_t tel_rings_rx_avail(const struct tel_rings *r)
{
	return r ? load(&r->ctl->rx_head) - r->ctl->rx_tail : 0;
}

TEL_EXPORT const void *tel_rings_rx_peek(const struct tel_rings *r,
					 size_t *len)
{
	uint32_t tail, n, first;

	if (!r || !len) {
		errno = EINVAL;
		return NULL;
	}
	tail = r->ctl->rx_tail;
	n = load(&r->ctl->rx_head) - tail;
	first = r->size - (tail & (r->size - 1));
	*len = n < first ? n : first;
	return r->rx + (tail & (r->size - 1));
}

TEL_EXPORT void tel_rings_rx_consume(struct tel_rings *r, size_t n)
{
	if (r)
		__atomic_store_n(&r->ctl->rx_tail, r->ctl->rx_tail + (uint32_t)n,
				 __ATOMIC_RELEASE);
}

TEL_EXPORT size_t tel_rings_tx_room(const struct tel_rings *r)
{
	return r ? r->size - (r->ctl->tx_head - load(&r->ctl->tx_tail)) : 0;
}

TEL_EXPORT void *tel_rings_tx_space(struct tel_rings *r, size_t *len)
{
	uint32_t head, n, first;

	if (!r || !len) {
		errno = EINVAL;
		return NULL;
	}
	head = r->ctl->tx_head;
	n = r->size - (head - load(&r->ctl->tx_tail));
	first = r->size - (head & (r->size - 1));
	*len = n < first ? n : first;
	return r->tx + (head & (r->size - 1));
}

TEL_EXPORT void tel_rings_tx_commit(struct tel_rings *r, size_t n)
{
	if (r)
		__atomic_store_n(&r->ctl->tx_head, r->ctl->tx_head + (uint32_t)n,
				 __ATOMIC_RELEASE);
}

TEL_EXPORT unsigned int tel_rings_refused(const struct tel_rings *r)
{
	return r ? load(&r->ctl->bad) : 0;
}

TEL_EXPORT int tel_rings_on_card(const struct tel_rings *r)
{
	return r ? !!(load(&r->ctl->flags) & TEL_MAP_ON_CARD) : 0;
}

TEL_EXPORT int tel_card_sync_rings(struct tel_card *card)
{
	struct tel_calls_sync req;

	if (!card) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	return libtel_priv_ioctl(card, TEL_IOC_CALLS_SYNC, &req);
}
