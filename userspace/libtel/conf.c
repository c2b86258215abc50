// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * conf.c - conferences mixed by the card (1.5): TAPI's
 * lineSetupConference, lineAddToConference and lineRemoveFromConference
 * over TEL_IOC_CONF_SETUP, _ADD and _REMOVE, and the conference's drop
 * and release over TEL_IOC_CALL_DROP and _DEALLOC, which take its handle;
 * the application's own party in it (1.6) over TEL_IOC_CALL_ALLOC with
 * TEL_ALLOC_F_CONF: an ordinary struct tel_call
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

TEL_EXPORT int tel_conf_setup(struct tel_card *card, uint32_t *conf,
			      unsigned int *max_members)
{
	struct tel_conf_setup req;

	if (!card || !conf) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	if (libtel_priv_ioctl(card, TEL_IOC_CONF_SETUP, &req) < 0)
		return -1;
	*conf = req.handle;
	if (max_members)
		*max_members = req.max_members;
	return 0;
}

/* ADD and REMOVE: the same request, one way or the other */
static int conf_member(uint32_t conf, struct tel_call *call,
		       unsigned long cmd)
{
	struct tel_conf_member req;

	if (!call || !conf) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.conf = conf;
	req.handle = call->handle;
	return libtel_priv_ioctl(call->card, cmd, &req);
}

TEL_EXPORT int tel_conf_add(uint32_t conf, struct tel_call *call)
{
	return conf_member(conf, call, TEL_IOC_CONF_ADD);
}

TEL_EXPORT int tel_conf_remove(uint32_t conf, struct tel_call *call)
{
	return conf_member(conf, call, TEL_IOC_CONF_REMOVE);
}

TEL_EXPORT int tel_conf_drop(struct tel_card *card, uint32_t conf,
			     uint32_t reason)
{
	struct tel_call_drop req;

	if (!card || !conf) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.handle = conf;
	req.reason = reason;
	return libtel_priv_ioctl(card, TEL_IOC_CALL_DROP, &req);
}

TEL_EXPORT struct tel_call *tel_conf_join_self(struct tel_card *card,
					       uint32_t conf,
					       unsigned int channel)
{
	struct tel_call_alloc req;
	struct tel_call *call;

	if (!card || !conf) {
		errno = EINVAL;
		return NULL;
	}
	memset(&req, 0, sizeof(req));
	req.channel = channel;
	req.flags = TEL_ALLOC_F_CONF;
	req.conf = conf;
	if (libtel_priv_ioctl(card, TEL_IOC_CALL_ALLOC, &req) < 0)
		return NULL;
	call = libtel_priv_call_new(card, req.handle, req.out_channel);
	if (!call)
		libtel_priv_call_abandon(card, req.handle);
	return call;
}

TEL_EXPORT int tel_conf_dealloc(struct tel_card *card, uint32_t conf)
{
	struct tel_call_dealloc req;

	if (!card || !conf) {
		errno = EINVAL;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.handle = conf;
	return libtel_priv_ioctl(card, TEL_IOC_CALL_DEALLOC, &req);
}
