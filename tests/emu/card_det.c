// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * card_det.c - the card's DTMF detector setup, shared with the talk-off
 * test (see card_det.h and Documentation/card.rst, "DTMF").
 */
#include "card_det.h"

dtmf_rx_state_t *card_det_init(dtmf_rx_state_t *s, tone_report_func_t report,
			       void *user)
{
	s = dtmf_rx_init(s, NULL, NULL);
	if (!s)
		return NULL;
	dtmf_rx_set_realtime_callback(s, report, user);
	return s;
}
