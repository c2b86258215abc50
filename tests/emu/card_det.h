/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * card_det.h - the card's DTMF detector (TEL_OP_DETECT): how it is set up
 * and how it is fed.  card.c and the talk-off test (talkoff.c) both use
 * these and nothing else, so the test measures exactly the detector the
 * emulated card runs and cannot drift from it.
 */
#ifndef CARD_DET_H
#define CARD_DET_H

#include <stddef.h>
#include <stdint.h>

#include <spandsp/telephony.h>
#include <spandsp/logging.h>
#include <spandsp/super_tone_rx.h>
#include <spandsp/dtmf.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>

/*
 * spandsp's dtmf_rx decides per block of 102 samples and confirms a
 * change over two blocks: it reports a tone 204..306 samples after it
 * began and its end 102..204 samples after it ended.  The card takes the
 * middle of each range to date the tone.
 */
#define EMU_DTMF_START_LAG	255	/* samples */
#define EMU_DTMF_END_LAG	153

/*
 * (Re)start a detector with the card's acceptance parameters; @s NULL
 * allocates one.  @report is spandsp's realtime callback: a tone began
 * (its digit) or ended (0).  dtmf_rx_init() resets the parameters to
 * spandsp's defaults, so every reset goes through here.
 */
dtmf_rx_state_t *card_det_init(dtmf_rx_state_t *s, tone_report_func_t report,
			       void *user);

/*
 * One sample from the line, as the card gets it: mu-law, made linear by
 * spandsp, fed alone so that a report is dated to its sample.
 */
static inline void card_det_feed(dtmf_rx_state_t *s, uint8_t ulaw)
{
	int16_t amp = ulaw_to_linear(ulaw);

	dtmf_rx(s, &amp, 1);
}

#endif /* CARD_DET_H */
