// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * qmp.c - hot-unplug of a card through QEMU's QMP socket (--qmp).
 *
 * "unplug CARD" sends device_del for the device id "tel<CARD>" and answers
 * the control client as soon as QEMU accepted the request.  The removal
 * itself completes later, when the guest has let go of the device (ACPI
 * hotplug), and QEMU reports it as a DEVICE_DELETED event.  QEMU keeps the
 * ivshmem chardev connected after device_del, so that event is our only
 * way to learn the card left the bus: we keep the QMP connection open
 * until it arrives (or EMU_DELETE_WAIT_MS passes) and detach the card
 * then.  Until that moment the card keeps working, as a real card does
 * while its driver's remove() runs.
 *
 * All of it is non-blocking and driven by the epoll loop; QEMU serves one
 * QMP client per socket at a time, so telemu wants a QMP socket of its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "telemu.h"

#define QMP_TIMEOUT_MS		5000
#define EMU_DELETE_WAIT_MS	30000
#define QMP_BUF			16384

enum qmp_state {
	Q_IDLE,
	Q_GREETING,		/* connected, waiting for the banner */
	Q_CAPS,			/* qmp_capabilities sent */
	Q_DEL,			/* device_del sent, a ctl client waits */
	Q_WAIT_DELETED,		/* only DEVICE_DELETED events awaited */
};

const char *emu_qmp_path;

static struct {
	enum qmp_state st;
	struct watch w;
	void *conn;		/* ctl client owed the reply, or NULL */
	unsigned int card;	/* card of the device_del in flight */
	uint32_t awaiting;	/* cards whose DEVICE_DELETED is awaited */
	uint64_t deadline;
	size_t len;
	char buf[QMP_BUF];
} q = { .w = { .fd = -1 } };

void qmp_close(void)
{
	if (q.w.fd >= 0) {
		emu_watch_del(&q.w);
		close(q.w.fd);
	}
	q.w.fd = -1;
	q.st = Q_IDLE;
	q.len = 0;
	if (q.awaiting)
		emu_err("qmp: gave up waiting for DEVICE_DELETED (0x%x)",
			q.awaiting);
	q.awaiting = 0;
}

/* Answer the waiting ctl client, if it is still there. */
static void qmp_finish(const char *reply)
{
	void *conn = q.conn;

	q.conn = NULL;
	if (!conn)
		return;
	ctl_reply(conn, "%s", reply);
	ctl_resume(conn);
}

static void qmp_fail(const char *why)
{
	char reply[256];

	snprintf(reply, sizeof(reply), "err qmp %s", why);
	emu_err("qmp: %s", why);
	qmp_close();
	qmp_finish(reply);
}

void qmp_forget_conn(void *conn)
{
	if (q.conn == conn)
		q.conn = NULL;
}

static int qmp_send(const char *s)
{
	size_t len = strlen(s);

	emu_dbg("qmp: -> %s", s);
	return send(q.w.fd, s, len, MSG_NOSIGNAL | MSG_DONTWAIT) ==
	       (ssize_t)len ? 0 : -EIO;
}

static int qmp_send_del(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "{\"execute\":\"device_del\","
		 "\"arguments\":{\"id\":\"tel%u\"}}\r\n", q.card);
	q.st = Q_DEL;
	q.deadline = emu_now_ms() + QMP_TIMEOUT_MS;
	return qmp_send(cmd);
}

static int qmp_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(emu_qmp_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, emu_qmp_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	q.w = (struct watch){ W_QMP, fd, NULL, 0 };
	if (emu_watch_add(&q.w, EPOLLIN)) {
		close(fd);
		q.w.fd = -1;
		return -EIO;
	}
	q.st = Q_GREETING;
	q.deadline = emu_now_ms() + QMP_TIMEOUT_MS;
	return 0;
}

int qmp_unplug(void *conn, unsigned int card)
{
	char why[128];
	int err;

	if (!emu_qmp_path) {
		ctl_reply(conn, "err qmp no --qmp socket");
		return -EINVAL;
	}
	if (q.st != Q_IDLE && q.st != Q_WAIT_DELETED) {
		ctl_reply(conn, "err qmp busy");
		return -EBUSY;
	}
	q.card = card;
	q.conn = conn;
	if (q.st == Q_WAIT_DELETED)
		err = qmp_send_del();	/* reuse the negotiated session */
	else
		err = qmp_connect();
	if (err) {
		q.conn = NULL;
		snprintf(why, sizeof(why), "err qmp %s", strerror(-err));
		qmp_close();
		ctl_reply(conn, "%s", why);
		return err;
	}
	return 0;
}

/* "err qmp <desc>" from {"error": {"class": ..., "desc": "..."}} */
static void qmp_error(const char *line)
{
	const char *d = strstr(line, "\"desc\"");
	char why[200] = "error";
	size_t n;

	if (d && (d = strchr(d + 6, '"'))) {
		d++;
		n = strcspn(d, "\"");
		if (n >= sizeof(why))
			n = sizeof(why) - 1;
		memcpy(why, d, n);
		why[n] = 0;
	}
	if (q.st == Q_DEL && q.awaiting) {
		char reply[256];

		/* the earlier unplugs are still to be seen through */
		q.st = Q_WAIT_DELETED;
		q.deadline = emu_now_ms() + EMU_DELETE_WAIT_MS;
		snprintf(reply, sizeof(reply), "err qmp %s", why);
		qmp_finish(reply);
		return;
	}
	qmp_fail(why);
}

static void qmp_deleted(const char *line)
{
	char id[32];
	unsigned int i;

	for (i = 0; i < emu_ncards; i++) {
		if (!(q.awaiting & (1u << i)))
			continue;
		snprintf(id, sizeof(id), "\"tel%u\"", i);
		if (!strstr(line, id))
			continue;
		q.awaiting &= ~(1u << i);
		emu_info("card%u: device deleted", i);
		card_detach(&emu_cards[i]);
	}
	if (q.st == Q_WAIT_DELETED && !q.awaiting)
		qmp_close();
}

static void qmp_line(const char *line)
{
	emu_dbg("qmp: <- %s", line);
	if (strstr(line, "\"event\"")) {
		if (strstr(line, "DEVICE_DELETED"))
			qmp_deleted(line);
		return;
	}
	if (strstr(line, "\"error\"")) {
		qmp_error(line);
		return;
	}
	switch (q.st) {
	case Q_GREETING:
		if (!strstr(line, "\"QMP\""))
			break;
		q.st = Q_CAPS;
		if (qmp_send("{\"execute\":\"qmp_capabilities\"}\r\n"))
			qmp_fail("write failed");
		break;
	case Q_CAPS:
		if (strstr(line, "\"return\"") && qmp_send_del())
			qmp_fail("write failed");
		break;
	case Q_DEL:
		if (!strstr(line, "\"return\""))
			break;
		q.awaiting |= 1u << q.card;
		q.st = Q_WAIT_DELETED;
		q.deadline = emu_now_ms() + EMU_DELETE_WAIT_MS;
		qmp_finish("ok");
		break;
	default:
		break;
	}
}

void qmp_event(uint32_t events)
{
	ssize_t n;
	char *nl;

	(void)events;
	for (;;) {
		if (q.w.fd < 0)
			return;
		if (q.len == sizeof(q.buf) - 1) {
			qmp_fail("reply too long");
			return;
		}
		n = recv(q.w.fd, q.buf + q.len, sizeof(q.buf) - 1 - q.len,
			 MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			qmp_fail("connection closed");
			return;
		}
		if (n < 0)
			return;
		q.len += n;
		q.buf[q.len] = 0;
		/* q.buf may be reset by a line handler: rescan each time */
		while (q.w.fd >= 0 && (nl = strchr(q.buf, '\n'))) {
			char line[QMP_BUF];
			size_t len = nl - q.buf + 1;

			memcpy(line, q.buf, len - 1);
			line[len - 1] = 0;
			memmove(q.buf, q.buf + len, q.len - len + 1);
			q.len -= len;
			qmp_line(line);
		}
	}
}

void qmp_check_timeout(void)
{
	if (q.st == Q_IDLE || emu_now_ms() < q.deadline)
		return;
	if (q.st == Q_WAIT_DELETED)
		qmp_close();
	else
		qmp_fail("timeout");
}
