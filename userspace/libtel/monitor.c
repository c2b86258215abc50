// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * monitor.c - a card opened as a monitor of all its calls (1.3,
 * TEL_IOC_CARD_MONITOR): TAPI's LINECALLPRIVILEGE_MONITOR.  The events of
 * every call then come through tel_card_read_event(), each naming its call
 * by the card-wide id; the records are read by that id.  A monitor owns no
 * struct tel_call: every function that acts on one fails with EPERM.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

TEL_EXPORT int tel_card_monitor(struct tel_card *card, unsigned int flags)
{
	struct tel_card_monitor req;

	if (!card) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.flags = flags;
	return libtel_priv_ioctl(card, TEL_IOC_CARD_MONITOR, &req);
}

TEL_EXPORT int tel_card_get_call_record(struct tel_card *card, uint32_t id,
					struct tel_call_record *rec)
{
	struct tel_call_info info;

	if (!card || !rec) {
		errno = EINVAL;
		return -1;
	}
	memset(&info, 0, sizeof(info));
	info.handle = id;
	if (libtel_priv_ioctl(card, TEL_IOC_CALL_INFO, &info) < 0)
		return -1;
	libtel_priv_record(rec, &info);
	return 0;
}

TEL_EXPORT int tel_card_tap_read(struct tel_card *card, uint32_t id,
				  void *rx, size_t rx_len, void *tx,
				  size_t tx_len, struct tel_tap_result *res)
{
	struct tel_call_tap req;

	if (!card || !res || (!rx && rx_len) || (!tx && tx_len) ||
	    (!rx_len && !tx_len)) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.id = id;
	req.rx_buf = (uintptr_t)rx;
	req.tx_buf = (uintptr_t)tx;
	/* the kernel copies at most 4096 a call: more is no error */
	req.rx_len = rx_len > UINT32_MAX ? UINT32_MAX : (uint32_t)rx_len;
	req.tx_len = tx_len > UINT32_MAX ? UINT32_MAX : (uint32_t)tx_len;
	if (libtel_priv_ioctl(card, TEL_IOC_CALL_TAP, &req) < 0) {
		/* a tel.ko without taps */
		if (errno == ENOTTY)
			errno = EOPNOTSUPP;
		return -1;
	}
	memset(res, 0, sizeof(*res));
	res->rx_len = req.rx_len;
	res->tx_len = req.tx_len;
	res->rx_pos = req.rx_pos;
	res->tx_pos = req.tx_pos;
	res->rx_lost = req.rx_lost;
	res->tx_lost = req.tx_lost;
	res->state = (enum tel_call_state)req.state;
	return 0;
}

TEL_EXPORT int tel_card_get_call_party(struct tel_card *card, uint32_t id,
				       struct tel_call_party_info *out)
{
	struct tel_call_party p;

	if (!card || !out) {
		errno = EINVAL;
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.handle = id;
	if (libtel_priv_ioctl(card, TEL_IOC_CALL_PARTY, &p) < 0)
		return -1;
	libtel_priv_party(out, &p);
	return 0;
}
