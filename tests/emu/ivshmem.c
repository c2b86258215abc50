// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ivshmem.c - the ivshmem server side of each card.
 *
 * Protocol (QEMU docs/specs/ivshmem-spec.txt): the server sends 8-byte
 * little-endian signed integers, some with one fd by SCM_RIGHTS:
 *
 *   0                      protocol version
 *   EMU_QEMU_ID            the client's id
 *   -1 + memfd             the shared memory (the card window)
 *   EMU_PEER_ID + efd x N  peer 0 (us): QEMU writes efd[v] when the
 *                          guest writes (0 << 16) | v to the Doorbell
 *   EMU_QEMU_ID + efd x N  the client's own vectors: we write efd[v] to
 *                          raise MSI-X vector v in the guest
 *
 * QEMU reads the first three messages synchronously while it realizes the
 * device, so they must be sent at once on accept.  QEMU never sends
 * anything back; the connection closing means QEMU (or the chardev) went.
 * One QEMU per card: a second connection is refused while one is live.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "telemu.h"

static struct watch card_listen_w[EMU_MAX_CARDS];
static struct watch card_conn_w[EMU_MAX_CARDS];
static struct watch db_w[EMU_MAX_CARDS][TEL_NR_IRQS];

static int ivs_send(int sock, int64_t val, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	int64_t le = htole64(val);
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t n;

	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	if (n != sizeof(le))
		return n < 0 ? -errno : -EIO;
	return 0;
}

/* Create a unix stream listener at path, replacing a stale socket. */
int emu_unix_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		emu_err("%s: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	if (!lstat(path, &st) && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 16) < 0) {
		int err = -errno;

		emu_err("%s: %m", path);
		close(fd);
		return err;
	}
	return fd;
}

int ivs_listen(struct emu_card *c, const char *dir)
{
	struct watch *w = &card_listen_w[c->index];
	int n;

	n = snprintf(c->sock_path, sizeof(c->sock_path), "%s/card%u.sock",
		     dir, c->index);
	if (n >= (int)sizeof(c->sock_path)) {
		emu_err("%s: directory path too long", dir);
		return -ENAMETOOLONG;
	}
	c->listen_fd = emu_unix_listen(c->sock_path);
	if (c->listen_fd < 0)
		return c->listen_fd;
	*w = (struct watch){ W_CARD_LISTEN, c->listen_fd, c, 0 };
	return emu_watch_add(w, EPOLLIN);
}

static void ivs_close_fds(struct emu_card *c)
{
	unsigned int v;

	for (v = 0; v < TEL_NR_IRQS; v++) {
		if (c->db_fd[v] >= 0) {
			emu_watch_del(&db_w[c->index][v]);
			close(c->db_fd[v]);
		}
		if (c->irq_fd[v] >= 0)
			close(c->irq_fd[v]);
		c->db_fd[v] = -1;
		c->irq_fd[v] = -1;
	}
	if (c->conn_fd >= 0) {
		emu_watch_del(&card_conn_w[c->index]);
		close(c->conn_fd);
		c->conn_fd = -1;
	}
}

static int ivs_make_eventfds(struct emu_card *c)
{
	unsigned int v;

	for (v = 0; v < TEL_NR_IRQS; v++) {
		c->db_fd[v] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		c->irq_fd[v] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (c->db_fd[v] < 0 || c->irq_fd[v] < 0)
			return -errno;
	}
	return 0;
}

static int ivs_handshake(struct emu_card *c, int sock)
{
	unsigned int v;
	int err;

	err = ivs_send(sock, 0, -1);
	if (!err)
		err = ivs_send(sock, EMU_QEMU_ID, -1);
	if (!err)
		err = ivs_send(sock, -1, c->memfd);
	for (v = 0; !err && v < TEL_NR_IRQS; v++)
		err = ivs_send(sock, EMU_PEER_ID, c->db_fd[v]);
	for (v = 0; !err && v < TEL_NR_IRQS; v++)
		err = ivs_send(sock, EMU_QEMU_ID, c->irq_fd[v]);
	return err;
}

void ivs_accept(struct emu_card *c)
{
	unsigned int v;
	int sock, err;

	sock = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (sock < 0) {
		if (errno != EAGAIN && errno != EINTR)
			emu_err("card%u: accept: %m", c->index);
		return;
	}
	if (c->conn_fd >= 0) {
		emu_err("card%u: refusing a second QEMU", c->index);
		close(sock);
		return;
	}
	/* A new QEMU sees a card fresh from power-on. */
	if (c->used)
		card_init_window(c);
	c->conn_fd = sock;
	err = ivs_make_eventfds(c);
	if (!err)
		err = ivs_handshake(c, sock);
	for (v = 0; !err && v < TEL_NR_IRQS; v++) {
		db_w[c->index][v] = (struct watch){ W_DOORBELL, c->db_fd[v],
						    c, v };
		err = emu_watch_add(&db_w[c->index][v], EPOLLIN);
	}
	if (!err) {
		card_conn_w[c->index] = (struct watch){ W_CARD_CONN, sock,
							c, 0 };
		err = emu_watch_add(&card_conn_w[c->index],
				    EPOLLIN | EPOLLRDHUP);
	}
	if (err) {
		emu_err("card%u: handshake failed: %s", c->index,
			strerror(-err));
		ivs_close_fds(c);
		return;
	}
	c->used = true;
	c->connected = true;
	emu_info("card%u: QEMU connected", c->index);
}

/* Tear down the QEMU side; the card stops touching guest memory. */
void ivs_close(struct emu_card *c)
{
	if (c->conn_fd < 0)
		return;
	card_detach(c);
	ivs_close_fds(c);
}

void ivs_conn_event(struct emu_card *c)
{
	char buf[64];
	ssize_t n;

	n = recv(c->conn_fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)))
		return;		/* QEMU has nothing to say; ignore it */
	emu_info("card%u: QEMU disconnected", c->index);
	ivs_close(c);
}

void ivs_doorbell(struct emu_card *c, unsigned int v)
{
	uint64_t cnt;

	/* one read drains the counter: coalesced doorbells, one poll */
	if (read(c->db_fd[v], &cnt, sizeof(cnt)) != sizeof(cnt))
		return;
	card_doorbell(c, v);
}
