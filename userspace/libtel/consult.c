// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * consult.c - consultation transfer (1.5): TAPI's lineSetupTransfer,
 * lineCompleteTransfer and lineSwapHold.  The consultation call is an
 * ordinary call on another channel of the same card: setting up is HOLD
 * and ALLOC, swapping is HOLD and UNHOLD, and only the end is the
 * kernel's own (TEL_IOC_CALL_COMPLETE_TRANSFER).  Each undoes what it did
 * before it fails, so that a failed call leaves both calls in their
 * states; what the far end heard meanwhile (the hold tone) it heard.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

TEL_EXPORT struct tel_call *tel_call_setup_transfer(struct tel_call *call,
						    unsigned int channel,
						    const char *number)
{
	struct tel_call *consult;
	int err;

	if (!call || !number) {
		errno = EINVAL;
		return NULL;
	}
	if (tel_call_hold(call) < 0)
		return NULL;
	consult = tel_call_dial(call->card, channel, number);
	if (consult)
		return consult;
	err = errno;
	tel_call_unhold(call);	/* best effort: the dial's errno is the answer */
	errno = err;
	return NULL;
}

TEL_EXPORT int tel_call_complete_transfer(struct tel_call *call,
					  struct tel_call *consult)
{
	struct tel_call_complete_transfer req;

	if (!call || !consult || call->card != consult->card) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.handle = call->handle;
	req.consult_handle = consult->handle;
	return libtel_priv_ioctl(call->card, TEL_IOC_CALL_COMPLETE_TRANSFER,
				 &req);
}

TEL_EXPORT int tel_call_swap_hold(struct tel_call *active,
				  struct tel_call *held)
{
	int err;

	if (!active || !held || active == held ||
	    active->card != held->card) {
		errno = EINVAL;
		return -1;
	}
	if (tel_call_hold(active) < 0)
		return -1;
	if (tel_call_unhold(held) == 0)
		return 0;
	err = errno;
	tel_call_unhold(active);	/* back as it was, as far as it can be */
	errno = err;
	return -1;
}
