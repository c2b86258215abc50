// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * handoff.c - a call handed to another process (TAPI's lineHandoff):
 * exported as a file descriptor, sent with SCM_RIGHTS, imported into the
 * receiver's card (TEL_IOC_CALL_EXPORT, TEL_IOC_CALL_IMPORT)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"

/* TEL_IOC_CALL_EXPORT on @call; the new fd, or -1. */
static int call_export_fd(struct tel_call *call, int flags)
{
	struct tel_call_export req;

	memset(&req, 0, sizeof(req));
	req.handle = call->handle;
	req.flags = flags;
	if (libtel_priv_ioctl(call->card, TEL_IOC_CALL_EXPORT, &req) < 0)
		return -1;
	return req.fd;
}

/* TEL_IOC_CALL_IMPORT of @fd into @card; 0 and *@handle, or -1. */
static int call_import_fd(struct tel_card *card, int fd, uint32_t *handle)
{
	struct tel_call_import req;

	memset(&req, 0, sizeof(req));
	req.fd = fd;
	if (libtel_priv_ioctl(card, TEL_IOC_CALL_IMPORT, &req) < 0)
		return -1;
	*handle = req.handle;
	return 0;
}

/* On success the object is freed (its handle is gone), as after DEALLOC. */
TEL_EXPORT int tel_call_export(struct tel_call *call, int flags)
{
	int fd;

	if (!call || (flags & ~TEL_EXPORT_F_CLOEXEC)) {
		errno = EINVAL;
		return -1;
	}
	fd = call_export_fd(call, flags);
	if (fd < 0)
		return -1;
	libtel_priv_call_unlink(call);
	return fd;
}

TEL_EXPORT struct tel_call *tel_card_import_call(struct tel_card *card, int fd)
{
	struct tel_call *call;
	struct tel_call_info info;
	uint32_t handle;

	if (!card) {
		errno = EINVAL;
		return NULL;
	}
	if (call_import_fd(card, fd, &handle) < 0)
		return NULL;
	memset(&info, 0, sizeof(info));
	info.handle = handle;
	if (libtel_priv_ioctl(card, TEL_IOC_CALL_INFO, &info) < 0)
		info.channel = 0;	/* the card went meanwhile: keep it */
	call = libtel_priv_call_new(card, handle, info.channel);
	if (!call)
		libtel_priv_call_abandon(card, handle);
	return call;
}

static int send_fd(int sock, int fd)
{
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg;
	struct cmsghdr *cm;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

/*
 * Export, send, close.  If the send fails the call is imported back into
 * its card under a new handle, the same object: the caller still has it.
 */
TEL_EXPORT int tel_call_handoff(struct tel_call *call, int sock)
{
	struct tel_card *card;
	uint32_t handle;
	int fd, err;

	if (!call) {
		errno = EINVAL;
		return -1;
	}
	card = call->card;
	fd = call_export_fd(call, TEL_EXPORT_F_CLOEXEC);
	if (fd < 0)
		return -1;
	/* the export revoked the mapping, whatever the send does */
	libtel_priv_rings_free(call);
	if (!send_fd(sock, fd)) {
		close(fd);		/* the socket holds the call now */
		libtel_priv_call_unlink(call);
		return 0;
	}
	err = errno;
	if (!call_import_fd(card, fd, &handle)) {
		pthread_mutex_lock(&card->lock);
		call->handle = handle;
		pthread_mutex_unlock(&card->lock);
	}
	/* else the card is gone: closing the fd ends the call */
	close(fd);
	errno = err;
	return -1;
}

/* The one fd of an SCM_RIGHTS message on @sock, or -1. */
static int recv_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} u;
	struct msghdr msg;
	struct cmsghdr *cm;
	int fd = -1, i, n, fds[4];
	ssize_t got;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	do
		got = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
		for (i = 0; i < n; i++) {
			if (fd < 0)
				fd = fds[i];
			else
				close(fds[i]);	/* not ours to keep */
		}
	}
	if (fd < 0)
		errno = got ? EBADMSG : ECONNRESET;
	return fd;
}

TEL_EXPORT struct tel_call *tel_card_receive_call(struct tel_card *card,
						  int sock)
{
	struct tel_call *call;
	int fd, err;

	if (!card) {
		errno = EINVAL;
		return NULL;
	}
	fd = recv_fd(sock);
	if (fd < 0)
		return NULL;
	call = tel_card_import_call(card, fd);
	err = errno;
	close(fd);		/* empty once imported; else the call ends */
	errno = err;
	return call;
}
