// SPDX-License-Identifier: GPL-2.0
/*
 * handoff_test.c - a call handed to another process (TEL_IOC_CALL_EXPORT,
 * SCM_RIGHTS, TEL_IOC_CALL_IMPORT): the call keeps its state and its
 * audio, the record names its new owner, each errno on its own, and
 * whichever side is killed at whichever step, the call is dropped and
 * deallocated exactly once (the far end sees one hangup), nothing left.
 *
 * Card 0 of the VM (card 1 for EXDEV, and unbound and bound again for
 * the card-gone case), driven from the far end by the emulator.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD	0
#define MAXDROP	"/sys/module/tel/parameters/max_dropped"

static long emu_stat(int card, int ch, const char *key)
{
	return emu_num_stat(card, ch, key);
}

static void emu_defaults(int card)
{
	int ch;

	for (ch = 0; ch < 8; ch++) {
		emu_cmd(NULL, 0, "far %d %d answer 20", card, ch);
		emu_cmd(NULL, 0, "audio %d %d pattern", card, ch);
	}
}

static int tel_export(int fd, uint32_t h, uint32_t flags, int *xfd)
{
	struct tel_call_export req = { .handle = h, .flags = flags };
	int ret = ioctl(fd, TEL_IOC_CALL_EXPORT, &req);

	if (!ret && xfd)
		*xfd = req.fd;
	return ret;
}

static int tel_import(int fd, int xfd, uint32_t *h)
{
	struct tel_call_import req = { .fd = xfd };
	int ret = ioctl(fd, TEL_IOC_CALL_IMPORT, &req);

	if (!ret && h)
		*h = req.handle;
	return ret;
}

static int send_fd(int sock, int fd)
{
	char c = 'x';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u = { };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The card's calls by TEL_IOC_CALL_LIST; the one on @ch into @out. */
static int list_calls(int fd, int ch, struct tel_call_list_entry *out)
{
	struct tel_call_list_entry e[16];
	struct tel_call_list req = { .entries = (uintptr_t)e, .capacity = 16 };
	unsigned int i;
	int found = 0;

	if (ioctl(fd, TEL_IOC_CALL_LIST, &req))
		return -1;
	for (i = 0; i < req.count; i++)
		if ((int)e[i].channel == ch && out) {
			*out = e[i];
			found = 1;
		}
	return out ? found : (int)req.count;
}

/*
 * The /proc/driver/tel/calls line of (card, channel): its handle, pid
 * and owner column.  1 found, 0 not, -1 unreadable.
 */
static int proc_chan(int card, int ch, unsigned int *handle, int *pid,
		     char *owner, size_t olen)
{
	FILE *f = fopen("/proc/driver/tel/calls", "r");
	char line[1024];
	int found = 0;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned int c, chan, h;
		char *tok, *save;
		int p, col = 0;

		if (sscanf(line, "%u %u %u %d", &c, &chan, &h, &p) != 4)
			continue;
		if ((int)c != card || (int)chan != ch)
			continue;
		for (tok = strtok_r(line, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save))
			if (++col == 20)
				snprintf(owner, olen, "%s", tok);
		*handle = h;
		*pid = p;
		found = 1;
	}
	fclose(f);
	return found;
}

static int sysfs_holder(int card, int ch, char *buf, size_t len)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/ch%d/holder",
		 card, ch);
	return tel_read_sysfs(path, buf, len);
}

/* Nothing left of any call on the card: the exactly-once checks. */
static int card_empty(int fd, int card)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;

	/* an fd closed by a dying process or socket is released soon after */
	while (tel_test_now_ms() < end) {
		if (list_calls(fd, -1, NULL) == 0 &&
		    tel_sysfs_num(card, "calls") == 0 &&
		    tel_sysfs_num(card, "dma_bytes") == 0)
			return 1;
		usleep(10 * 1000);
	}
	return 0;
}

static uint32_t connect_call(struct __test_metadata *_metadata, int fd, int ch)
{
	uint32_t h = 0;

	EXPECT_EQ(0, tel_alloc(fd, ch, "5551234", &h));
	EXPECT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	return h;
}

static int read_audio(int fd, uint32_t h, uint8_t *buf, int len)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;
	int done = 0;

	while (done < len && tel_test_now_ms() < end) {
		int n = tel_audio(fd, TEL_IOC_CALL_READ, h, buf + done,
				  len - done, TEL_AUDIO_F_WAIT);

		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

/*
 * Audio both ways through the far end's echo: what is written comes
 * back byte for byte after the silence and the echo's delay.  0 if so.
 */
static int echo_ok(int fd, uint32_t h)
{
	uint8_t out[400], in[2400];
	int i, n, start;

	for (i = 0; i < (int)sizeof(out); i++)
		out[i] = (uint8_t)(i % 120 + 1);	/* never 0xff */
	/* what was received in flight first: the echo comes after it */
	while (tel_audio(fd, TEL_IOC_CALL_READ, h, in, sizeof(in), 0) > 0)
		;
	if (tel_audio(fd, TEL_IOC_CALL_WRITE, h, out, sizeof(out), 0) !=
	    (int)sizeof(out))
		return 1;
	n = read_audio(fd, h, in, sizeof(in));
	if (n != (int)sizeof(in))
		return 2;
	for (start = 0; start < n && in[start] != out[0]; start++)
		;
	if (start + (int)sizeof(out) > n)
		return 3;
	return memcmp(out, in + start, sizeof(out)) ? 4 : 0;
}

static int write_num(const char *path, long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%ld", v);
	return tel_write_file(path, s);
}

FIXTURE(handoff) {
	int fd;
	long hangups[8];
};

FIXTURE_SETUP(handoff)
{
	int ch;

	emu_defaults(CARD);
	self->fd = tel_open_card(CARD);
	ASSERT_LE(0, self->fd);
	for (ch = 0; ch < 8; ch++)
		self->hangups[ch] = emu_stat(CARD, ch, "hangups");
}

FIXTURE_TEARDOWN(handoff)
{
	close(self->fd);
}

/* The far end hung up exactly once more on @ch, and it is on hook. */
#define EXPECT_ONE_HANGUP(ch) do {					\
	EXPECT_EQ(self->hangups[ch] + 1, emu_stat(CARD, ch, "hangups"));	\
	EXPECT_EQ(0, emu_stat(CARD, ch, "hook"));			\
} while (0)

TEST_F(handoff, feature_is_announced)
{
	struct tel_card_info ci = { };

	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CARD_INFO, &ci));
	EXPECT_NE(0, ci.features & TEL_FEAT_HANDOFF);
}

/*
 * The whole handoff: the parent exports a connected call and sends it to
 * a child, which imports it; the call stays CONNECTED, the audio keeps
 * flowing both ways, the record names the child, the parent's handle is
 * gone.  The child's exit drops and deallocates it, once.
 */
TEST_F(handoff, to_child_keeps_call_audio_and_names_new_owner)
{
	struct tel_call_list_entry e;
	struct tel_call_info info;
	int sv[2], go[2], done[2], xfd, pid, status, ppid;
	char owner[16], holder[16], c;
	unsigned int ph;
	uint32_t h;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "audio %d 1 echo", CARD));
	h = connect_call(_metadata, self->fd, 1);
	ASSERT_EQ(0, echo_ok(self->fd, h));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));

	ASSERT_EQ(0, tel_export(self->fd, h, TEL_EXPORT_F_CLOEXEC, &xfd));
	EXPECT_LE(0, xfd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(xfd, F_GETFD) & FD_CLOEXEC);
	/* in flight: listed with handle 0 and kind HANDOFF, still our pid */
	ASSERT_EQ(1, list_calls(self->fd, 1, &e));
	EXPECT_EQ(TEL_OWNER_HANDOFF, e.owner);
	EXPECT_EQ(0, e.handle);
	EXPECT_EQ(getpid(), e.pid);
	EXPECT_EQ(TEL_CALL_CONNECTED, e.state);
	ASSERT_EQ(1, proc_chan(CARD, 1, &ph, &ppid, owner, sizeof(owner)));
	EXPECT_STREQ("handoff", owner);
	EXPECT_EQ(0, ph);
	ASSERT_EQ(0, sysfs_holder(CARD, 1, holder, sizeof(holder)));
	EXPECT_STREQ("handoff", holder);
	/* the old handle is gone for every operation */
	EXPECT_EQ(-1, tel_info(self->fd, h, &info));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_drop(self->fd, h, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_dealloc(self->fd, h));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_export(self->fd, h, 0, NULL));
	EXPECT_EQ(ENOENT, errno);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct tel_event ev;
		int fd, rfd;
		uint32_t nh;

		close(sv[0]);
		rfd = recv_fd(sv[1]);
		fd = tel_open_card(CARD);
		if (rfd < 0 || fd < 0)
			_exit(10);
		if (tel_import(fd, rfd, &nh))
			_exit(11);
		close(rfd);
		/* the first event: the state the call is in now */
		if (tel_wait_event(fd, TEL_EVENT_STATE, &ev, TEL_WAIT_MS) ||
		    ev.handle != nh || ev.state != TEL_CALL_CONNECTED)
			_exit(12);
		if (tel_info(fd, nh, &info) ||
		    info.state != TEL_CALL_CONNECTED || info.channel != 1)
			_exit(13);
		if (echo_ok(fd, nh))
			_exit(14);
		if (list_calls(fd, 1, &e) != 1 || e.owner != TEL_OWNER_FILE ||
		    e.handle != nh || e.pid != getpid())
			_exit(15);
		if (write(go[1], "x", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(16);
		_exit(0);	/* the close drops and deallocates */
	}
	ASSERT_EQ(0, send_fd(sv[0], xfd));
	close(xfd);
	ASSERT_EQ(1, read(go[0], &c, 1));
	/* now the child's: /proc names it, a file owner, its handle */
	ASSERT_EQ(1, proc_chan(CARD, 1, &ph, &ppid, owner, sizeof(owner)));
	EXPECT_EQ(pid, ppid);
	EXPECT_STREQ("file", owner);
	EXPECT_NE(0, ph);
	ASSERT_EQ(0, sysfs_holder(CARD, 1, holder, sizeof(holder)));
	EXPECT_STREQ("call", holder);
	EXPECT_EQ(1, emu_stat(CARD, 1, "hook"));
	EXPECT_EQ(1, write(done[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(1);
	close(sv[0]);
	close(sv[1]);
}

TEST_F(handoff, export_bad_arguments_are_einval_and_change_nothing)
{
	struct tel_call_export req;
	struct tel_call_info info;
	uint32_t h = connect_call(_metadata, self->fd, 0);
	int i;

	memset(&req, 0, sizeof(req));
	req.handle = h;
	req.flags = 0x2;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_EXPORT, &req));
	EXPECT_EQ(EINVAL, errno);
	req.flags = 0;
	req.fd = 3;	/* an output field */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_EXPORT, &req));
	EXPECT_EQ(EINVAL, errno);
	req.fd = 0;
	for (i = 0; i < 5; i++) {
		req.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_EXPORT, &req));
		EXPECT_EQ(EINVAL, errno) TH_LOG("reserved[%d]", i);
		req.reserved[i] = 0;
	}
	EXPECT_EQ(-1, tel_export(self->fd, h + 1000, 0, NULL));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_EXPORT, NULL));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
}

/* The copy-back of the fd fails: no fd, the call stays in the table. */
TEST_F(handoff, export_efault_on_copy_back_changes_nothing)
{
	void *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tel_call_export *req = ro;
	struct tel_call_list_entry e;
	struct tel_call_info info;
	int probe, xfd;
	uint32_t h = connect_call(_metadata, self->fd, 0);

	ASSERT_NE(MAP_FAILED, ro);
	memset(req, 0, sizeof(*req));
	req->handle = h;
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_EXPORT, req));
	EXPECT_EQ(EFAULT, errno);
	/* the fd reserved was given back: the next one is the lowest free */
	probe = dup(0);
	ASSERT_LE(0, probe);
	close(probe);
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	ASSERT_EQ(1, list_calls(self->fd, 0, &e));
	EXPECT_EQ(TEL_OWNER_FILE, e.owner);
	EXPECT_EQ(h, e.handle);
	/* and it exports normally afterwards, into that fd */
	ASSERT_EQ(0, tel_export(self->fd, h, 0, &xfd));
	EXPECT_EQ(probe, xfd);
	close(xfd);
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(0);
	munmap(ro, 4096);
}

/* The copy-back of the handle fails: the call stays in flight. */
TEST_F(handoff, import_efault_on_copy_back_changes_nothing)
{
	void *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tel_call_import *req = ro;
	struct tel_call_list_entry e;
	struct tel_event ev;
	struct pollfd pfd;
	int xfd, fd2;
	uint32_t h = connect_call(_metadata, self->fd, 0), nh;

	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(0, tel_export(self->fd, h, 0, &xfd));
	fd2 = tel_open_card(CARD);
	ASSERT_LE(0, fd2);
	memset(req, 0, sizeof(*req));
	req->fd = xfd;
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	EXPECT_EQ(-1, ioctl(fd2, TEL_IOC_CALL_IMPORT, req));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(1, list_calls(fd2, 0, &e));
	EXPECT_EQ(TEL_OWNER_HANDOFF, e.owner);
	EXPECT_EQ(0, e.handle);
	/* no event for a handle never returned */
	pfd = (struct pollfd){ .fd = fd2, .events = POLLIN };
	EXPECT_EQ(0, poll(&pfd, 1, 50));
	EXPECT_EQ(-1, ioctl(fd2, TEL_IOC_CALL_IMPORT, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* the import works afterwards */
	ASSERT_EQ(0, tel_import(fd2, xfd, &nh));
	EXPECT_NE(0, nh);
	ASSERT_EQ(0, tel_wait_event(fd2, TEL_EVENT_STATE, &ev, TEL_WAIT_MS));
	EXPECT_EQ(nh, ev.handle);
	EXPECT_EQ(TEL_CALL_CONNECTED, ev.state);
	close(xfd);	/* empty now: closing it changes nothing */
	ASSERT_EQ(1, list_calls(fd2, 0, &e));
	EXPECT_EQ(TEL_OWNER_FILE, e.owner);
	EXPECT_EQ(nh, e.handle);
	close(fd2);
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(0);
	munmap(ro, 4096);
}

TEST_F(handoff, import_of_fd_not_open_is_ebadf)
{
	int fd = dup(0);

	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-1, tel_import(self->fd, fd, NULL));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, tel_import(self->fd, -1, NULL));
	EXPECT_EQ(EBADF, errno);
}

TEST_F(handoff, import_of_fd_not_a_call_is_einval)
{
	int p[2], null = open("/dev/null", O_RDWR), tel = tel_open_card(CARD);

	ASSERT_EQ(0, pipe(p));
	ASSERT_LE(0, null);
	ASSERT_LE(0, tel);
	EXPECT_EQ(-1, tel_import(self->fd, p[0], NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_import(self->fd, null, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_import(self->fd, tel, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tel_import(self->fd, self->fd, NULL));
	EXPECT_EQ(EINVAL, errno);
	close(p[0]);
	close(p[1]);
	close(null);
	close(tel);
}

TEST_F(handoff, import_bad_arguments_are_einval_and_change_nothing)
{
	struct tel_call_import req;
	struct tel_call_list_entry e;
	int xfd, i;
	uint32_t h = connect_call(_metadata, self->fd, 0);

	ASSERT_EQ(0, tel_export(self->fd, h, 0, &xfd));
	memset(&req, 0, sizeof(req));
	req.fd = xfd;
	req.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_IMPORT, &req));
	EXPECT_EQ(EINVAL, errno);
	req.flags = 0;
	req.handle = 1;	/* an output field */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_IMPORT, &req));
	EXPECT_EQ(EINVAL, errno);
	req.handle = 0;
	for (i = 0; i < 5; i++) {
		req.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_IMPORT, &req));
		EXPECT_EQ(EINVAL, errno) TH_LOG("reserved[%d]", i);
		req.reserved[i] = 0;
	}
	ASSERT_EQ(1, list_calls(self->fd, 0, &e));
	EXPECT_EQ(TEL_OWNER_HANDOFF, e.owner);
	close(xfd);
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(0);
}

TEST_F(handoff, second_import_is_enoent)
{
	int xfd, fd2 = tel_open_card(CARD);
	uint32_t h = connect_call(_metadata, self->fd, 0), nh;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, tel_export(self->fd, h, 0, &xfd));
	ASSERT_EQ(0, tel_import(fd2, xfd, &nh));
	EXPECT_EQ(-1, tel_import(fd2, xfd, NULL));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_import(self->fd, xfd, NULL));
	EXPECT_EQ(ENOENT, errno);
	close(xfd);
	EXPECT_EQ(0, tel_wait_state(fd2, nh, TEL_CALL_CONNECTED, 100));
	close(fd2);
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(0);
}

TEST_F(handoff, import_into_other_card_is_exdev)
{
	struct tel_call_list_entry e;
	int xfd, fd1 = tel_open_card(1);
	uint32_t h = connect_call(_metadata, self->fd, 0);

	ASSERT_LE(0, fd1);
	ASSERT_EQ(0, tel_export(self->fd, h, 0, &xfd));
	EXPECT_EQ(-1, tel_import(fd1, xfd, NULL));
	EXPECT_EQ(EXDEV, errno);
	ASSERT_EQ(1, list_calls(self->fd, 0, &e));
	EXPECT_EQ(TEL_OWNER_HANDOFF, e.owner);
	EXPECT_EQ(0, list_calls(fd1, -1, NULL));
	close(fd1);
	close(xfd);
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(0);
}

/*
 * A dropped call counts against the importer's max_dropped, as ALLOC's
 * rule has it; the exporter's count goes down with the export.
 */
TEST_F(handoff, import_of_dropped_call_over_quota_is_edquot)
{
	struct tel_call_info info;
	char old[32];
	int xfd;
	uint32_t h = connect_call(_metadata, self->fd, 0), h2, nh;

	ASSERT_EQ(0, tel_read_sysfs(MAXDROP, old, sizeof(old)));
	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	ASSERT_EQ(0, tel_export(self->fd, h, 0, &xfd));
	ASSERT_EQ(0, write_num(MAXDROP, 1));
	/* the exporter's dropped call left with the export: room again */
	ASSERT_EQ(0, tel_alloc(self->fd, 1, "100", &h2));
	ASSERT_EQ(0, tel_drop(self->fd, h2, 0));
	/* now the importer holds max_dropped dropped calls */
	EXPECT_EQ(-1, tel_import(self->fd, xfd, NULL));
	EXPECT_EQ(EDQUOT, errno);
	ASSERT_EQ(0, write_num(MAXDROP, 2));
	ASSERT_EQ(0, tel_import(self->fd, xfd, &nh));
	ASSERT_EQ(0, tel_info(self->fd, nh, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_ORIGIN_LOCAL, info.origin);
	/* IDLE: DEALLOC frees it, and the quota with it */
	EXPECT_EQ(0, tel_dealloc(self->fd, nh));
	EXPECT_EQ(0, tel_dealloc(self->fd, h2));
	EXPECT_EQ(0, tel_write_file(MAXDROP, old));
	close(xfd);
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(0);
}

/* A call ringing out, and one accepted but not answered, hand off too. */
TEST_F(handoff, dialing_and_accepted_calls_hand_off_and_progress)
{
	struct tel_call_answer ans = { .channel = 5,
				       .flags = TEL_ANSWER_F_ACCEPT };
	struct tel_call_info info;
	struct tel_event ev;
	int xfd, yfd, fd2 = tel_open_card(CARD);
	uint32_t h, nh, ah, nah;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "far %d 2 answer 300", CARD));
	ASSERT_EQ(0, tel_alloc(self->fd, 2, "100", &h));
	ASSERT_EQ(0, tel_export(self->fd, h, 0, &xfd));
	ASSERT_EQ(0, tel_import(fd2, xfd, &nh));
	close(xfd);
	/* the far end answers while it is the importer's */
	EXPECT_EQ(0, tel_wait_state(fd2, nh, TEL_CALL_CONNECTED, TEL_WAIT_MS));

	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 5 0301234567", CARD));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OFFER, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(5, ev.channel);
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	ah = ans.handle;
	ASSERT_EQ(0, tel_export(self->fd, ah, 0, &yfd));
	/* the exporter can no longer answer it: another's */
	ans.flags = 0;
	ans.handle = 0;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_import(fd2, yfd, &nah));
	close(yfd);
	ASSERT_EQ(0, tel_info(fd2, nah, &info));
	EXPECT_EQ(TEL_CALL_OFFERING, info.state);
	EXPECT_STREQ("0301234567", info.calling);
	ans.handle = 0;
	ASSERT_EQ(0, ioctl(fd2, TEL_IOC_CALL_ANSWER, &ans));
	EXPECT_EQ(nah, ans.handle);
	EXPECT_EQ(0, tel_wait_state(fd2, nah, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	close(fd2);
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(2);
	EXPECT_ONE_HANGUP(5);
}

/* The far end hangs up while the call is in flight: recorded, not lost. */
TEST_F(handoff, state_change_in_flight_is_in_the_record)
{
	struct tel_call_info info;
	struct tel_event ev;
	int xfd, fd2 = tel_open_card(CARD);
	uint32_t h = connect_call(_metadata, self->fd, 3), nh;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, tel_export(self->fd, h, 0, &xfd));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "hangup %d 3 busy", CARD));
	usleep(200 * 1000);
	ASSERT_EQ(0, tel_import(fd2, xfd, &nh));
	close(xfd);
	ASSERT_EQ(0, tel_wait_event(fd2, TEL_EVENT_STATE, &ev, TEL_WAIT_MS));
	EXPECT_EQ(nh, ev.handle);
	EXPECT_EQ(TEL_CALL_DISCONNECTED, ev.state);
	EXPECT_EQ(TEL_ORIGIN_REMOTE, ev.origin);
	EXPECT_EQ(TEL_DISC_BUSY, ev.disconnect_mode);
	ASSERT_EQ(0, tel_info(fd2, nh, &info));
	EXPECT_EQ(TEL_CALL_DISCONNECTED, info.state);
	/* audio kept coming until the hangup: the rings hold it */
	EXPECT_LT(0, info.rx_frames);
	close(fd2);
	EXPECT_TRUE(card_empty(self->fd, CARD));
}

/* The exporter's own close does not touch a call in flight. */
TEST_F(handoff, exporter_close_leaves_the_call_in_flight)
{
	struct tel_call_list_entry e;
	int xfd, fd1 = tel_open_card(CARD);
	uint32_t h = connect_call(_metadata, fd1, 4), nh;

	ASSERT_EQ(0, tel_export(fd1, h, 0, &xfd));
	close(fd1);
	ASSERT_EQ(1, list_calls(self->fd, 4, &e));
	EXPECT_EQ(TEL_OWNER_HANDOFF, e.owner);
	EXPECT_EQ(TEL_CALL_CONNECTED, e.state);
	EXPECT_EQ(1, emu_stat(CARD, 4, "hook"));
	ASSERT_EQ(0, tel_import(self->fd, xfd, &nh));
	close(xfd);
	EXPECT_EQ(0, tel_drop(self->fd, nh, 0));
	EXPECT_EQ(0, tel_dealloc(self->fd, nh));
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(4);
}

/*
 * Kill at each step.  The child sets the call up to step @step, says so
 * on @go, and waits to be killed.  0 sender after export, before send;
 * 1 in flight in the socket (sent, the socket then closed unread); 2
 * receiver holding the fd, before import; 3 receiver after import.
 */
enum { KILL_SENDER, KILL_IN_SOCKET, KILL_RECEIVER, KILL_IMPORTER };

static void kill_at(struct __test_metadata *_metadata, int step, int ch)
{
	int sv[2], go[2], pid, status, xfd = -1;
	uint32_t h;
	char c;
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	ASSERT_EQ(0, pipe(go));
	if (step >= KILL_RECEIVER) {
		/* the parent sends, the child receives */
		h = connect_call(_metadata, fd, ch);
		ASSERT_EQ(0, tel_export(fd, h, 0, &xfd));
	}
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int cfd, rfd;
		uint32_t ch_h;

		if (step <= KILL_IN_SOCKET) {
			cfd = tel_open_card(CARD);
			if (cfd < 0 || tel_alloc(cfd, ch, "5551234", &ch_h) ||
			    tel_wait_state(cfd, ch_h, TEL_CALL_CONNECTED,
					   TEL_WAIT_MS) ||
			    tel_export(cfd, ch_h, 0, &rfd))
				_exit(10);
			if (step == KILL_IN_SOCKET) {
				if (send_fd(sv[1], rfd))
					_exit(11);
				close(rfd);
			}
		} else {
			rfd = recv_fd(sv[1]);
			if (rfd < 0)
				_exit(12);
			if (step == KILL_IMPORTER) {
				cfd = tel_open_card(CARD);
				if (cfd < 0 || tel_import(cfd, rfd, &ch_h))
					_exit(13);
				close(rfd);
			}
		}
		if (write(go[1], "x", 1) != 1)
			_exit(14);
		pause();
		_exit(15);
	}
	if (step >= KILL_RECEIVER) {
		ASSERT_EQ(0, send_fd(sv[0], xfd));
		close(xfd);
		close(fd);	/* the exporter's file: not the call's owner */
		fd = tel_open_card(CARD);
		ASSERT_LE(0, fd);
	}
	ASSERT_EQ(1, read(go[0], &c, 1));
	/* the call lives on, somewhere */
	EXPECT_EQ(1, list_calls(fd, -1, NULL));
	EXPECT_EQ(1, emu_stat(CARD, ch, "hook"));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	/* in the socket: the message is never read, both ends go */
	close(sv[0]);
	close(sv[1]);
	close(go[0]);
	close(go[1]);
	EXPECT_TRUE(card_empty(fd, CARD));
	close(fd);
}

/*
 * A conference member is not handed off (EBUSY): the conference is its
 * file's, and a member that left with the call would name it after that
 * file freed it.  A child sets up a conference of two far parties and
 * its own party, finds EXPORT of each refused with the call unchanged,
 * REMOVEs one, exports that, sends it, and is killed.  The imported call
 * lives on, CONNECTED, its audio intact, while the child's close drops
 * the other member and the party; each far end hangs up once.
 */
TEST_F(handoff, conference_member_is_ebusy_until_removed)
{
	int sv[2], go[2], pid, status, rfd;
	struct tel_call_info info;
	uint32_t nh;
	char c;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct tel_conf_setup cs = { };
		struct tel_call_alloc pa = { .channel = TEL_CHANNEL_ANY,
					     .flags = TEL_ALLOC_F_CONF };
		struct tel_call_export ex = { };
		struct tel_conf_member m = { };
		struct tel_call_info ci;
		uint32_t h[2];
		int cfd = tel_open_card(CARD), i, xfd;

		if (cfd < 0 || ioctl(cfd, TEL_IOC_CONF_SETUP, &cs))
			_exit(10);
		for (i = 0; i < 2; i++)
			if (tel_alloc(cfd, 5 + i, "5551234", &h[i]) ||
			    tel_wait_state(cfd, h[i], TEL_CALL_CONNECTED,
					   TEL_WAIT_MS))
				_exit(11);
		m.conf = cs.handle;
		for (i = 0; i < 2; i++) {
			m.handle = h[i];
			if (ioctl(cfd, TEL_IOC_CONF_ADD, &m))
				_exit(12);
		}
		pa.conf = cs.handle;
		if (ioctl(cfd, TEL_IOC_CALL_ALLOC, &pa))
			_exit(13);
		/* refused, nothing written back, the call as it was */
		for (i = 0; i < 3; i++) {
			ex.handle = i < 2 ? h[i] : pa.handle;
			if (ioctl(cfd, TEL_IOC_CALL_EXPORT, &ex) != -1 ||
			    errno != EBUSY || ex.fd)
				_exit(14);
			if (tel_info(cfd, ex.handle, &ci) ||
			    ci.state != TEL_CALL_CONFERENCED)
				_exit(15);
		}
		m.handle = h[0];
		if (ioctl(cfd, TEL_IOC_CONF_REMOVE, &m) ||
		    tel_wait_state(cfd, h[0], TEL_CALL_CONNECTED, TEL_WAIT_MS))
			_exit(16);
		if (tel_export(cfd, h[0], 0, &xfd) || send_fd(sv[1], xfd))
			_exit(17);
		close(xfd);
		if (write(go[1], "x", 1) != 1)
			_exit(18);
		pause();
		_exit(19);
	}
	close(go[1]);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "audio %d 5 echo", CARD));
	if (read(go[0], &c, 1) != 1) {
		/* the child gave up: its exit code says where */
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(0) {
			ksft_print_msg("child exit %d\n", WEXITSTATUS(status));
		}
	}
	rfd = recv_fd(sv[0]);	/* sent before the child wrote go */
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, tel_import(self->fd, rfd, &nh));
	close(rfd);
	/* the conference's file goes: the others with it, not this call */
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(0, tel_info(self->fd, nh, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(5, info.channel);
	EXPECT_EQ(0, echo_ok(self->fd, nh));
	EXPECT_EQ(self->hangups[5], emu_stat(CARD, 5, "hangups"));
	EXPECT_EQ(1, emu_stat(CARD, 5, "hook"));
	EXPECT_EQ(1, list_calls(self->fd, -1, NULL));
	EXPECT_EQ(0, tel_drop(self->fd, nh, 0));
	EXPECT_EQ(0, tel_dealloc(self->fd, nh));
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(5);
	EXPECT_ONE_HANGUP(6);
	close(sv[0]);
	close(sv[1]);
	close(go[0]);
}

TEST_F(handoff, sender_killed_after_export_before_send)
{
	kill_at(_metadata, KILL_SENDER, 6);
	EXPECT_ONE_HANGUP(6);
}

TEST_F(handoff, killed_while_in_flight_in_socket)
{
	kill_at(_metadata, KILL_IN_SOCKET, 6);
	EXPECT_ONE_HANGUP(6);
}

TEST_F(handoff, receiver_killed_before_import)
{
	kill_at(_metadata, KILL_RECEIVER, 7);
	EXPECT_ONE_HANGUP(7);
}

TEST_F(handoff, receiver_killed_after_import)
{
	kill_at(_metadata, KILL_IMPORTER, 7);
	EXPECT_ONE_HANGUP(7);
}

struct importer {
	int fd, xfd, ret, err;
	uint32_t handle;
	pthread_barrier_t *start;
};

static void *import_thread(void *arg)
{
	struct importer *im = arg;

	pthread_barrier_wait(im->start);
	im->ret = tel_import(im->fd, im->xfd, &im->handle);
	im->err = errno;
	return NULL;
}

/* Two threads, two files, one fd: exactly one gets the call. */
TEST_F(handoff, two_importers_exactly_one_wins)
{
	struct importer im[2];
	pthread_barrier_t start;
	pthread_t t[2];
	int round, i, wins, xfd;
	uint32_t h;

	for (round = 0; round < 20; round++) {
		h = connect_call(_metadata, self->fd, 0);
		ASSERT_EQ(0, tel_export(self->fd, h, 0, &xfd));
		pthread_barrier_init(&start, NULL, 2);
		for (i = 0; i < 2; i++) {
			im[i] = (struct importer){ .fd = tel_open_card(CARD),
						   .xfd = xfd,
						   .start = &start };
			ASSERT_LE(0, im[i].fd);
			pthread_create(&t[i], NULL, import_thread, &im[i]);
		}
		wins = 0;
		for (i = 0; i < 2; i++) {
			pthread_join(t[i], NULL);
			if (!im[i].ret)
				wins++;
			else
				EXPECT_EQ(ENOENT, im[i].err);
		}
		EXPECT_EQ(1, wins);
		pthread_barrier_destroy(&start);
		close(xfd);
		for (i = 0; i < 2; i++) {
			if (!im[i].ret)
				EXPECT_EQ(0, tel_wait_state(im[i].fd,
							    im[i].handle,
							    TEL_CALL_CONNECTED,
							    100));
			close(im[i].fd);
		}
		ASSERT_TRUE(card_empty(self->fd, CARD));
		emu_wait_far_idle(CARD, 0);
	}
	EXPECT_EQ(self->hangups[0] + 20, emu_stat(CARD, 0, "hangups"));
}

struct hammer {
	int fd;
	uint32_t handle;
	volatile int stop;
	int errs, enoent;
};

/* READ and INFO on the handle until it is gone. */
static void *hammer_thread(void *arg)
{
	struct hammer *hm = arg;
	struct tel_call_info info;
	uint8_t buf[64];

	while (!hm->stop) {
		if (tel_audio(hm->fd, TEL_IOC_CALL_READ, hm->handle, buf,
			      sizeof(buf), TEL_AUDIO_F_WAIT) < 0) {
			if (errno == ENOENT)
				hm->enoent++;
			else
				hm->errs++;
		}
		if (tel_info(hm->fd, hm->handle, &info) && errno != ENOENT)
			hm->errs++;
	}
	return NULL;
}

/*
 * The exporter's other thread works on the handle while it is exported:
 * it gets ENOENT from then on, and the call moves intact.
 */
TEST_F(handoff, export_while_another_thread_uses_the_handle)
{
	struct hammer hm = { .fd = self->fd };
	struct tel_call_info info;
	pthread_t t;
	int xfd, fd2 = tel_open_card(CARD);
	uint32_t nh;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "audio %d 1 echo", CARD));
	hm.handle = connect_call(_metadata, self->fd, 1);
	pthread_create(&t, NULL, hammer_thread, &hm);
	usleep(50 * 1000);
	ASSERT_EQ(0, tel_export(self->fd, hm.handle, 0, &xfd));
	usleep(300 * 1000);
	hm.stop = 1;
	pthread_join(t, NULL);
	EXPECT_EQ(0, hm.errs);
	EXPECT_LT(0, hm.enoent);
	ASSERT_EQ(0, tel_import(fd2, xfd, &nh));
	close(xfd);
	ASSERT_EQ(0, tel_info(fd2, nh, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(0, echo_ok(fd2, nh));
	close(fd2);
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(1);
}

/*
 * What a handoff costs the kernel: export and import, one process, two
 * files, 500 times the same connected call.  The call must come out
 * CONNECTED on the far side; the time is logged, not judged.
 */
TEST_F(handoff, export_import_round_trip_cost)
{
	struct tel_call_info info;
	int fd2 = tel_open_card(CARD), from, to, i, xfd;
	uint64_t t0;
	uint32_t h = connect_call(_metadata, self->fd, 0);

	ASSERT_LE(0, fd2);
	from = self->fd;
	to = fd2;
	t0 = tel_test_now_ms();
	for (i = 0; i < 500; i++) {
		int tmp;

		ASSERT_EQ(0, tel_export(from, h, 0, &xfd));
		ASSERT_EQ(0, tel_import(to, xfd, &h));
		close(xfd);
		tmp = from;
		from = to;
		to = tmp;
	}
	TH_LOG("500 export+import+close: %llu ms",
	       (unsigned long long)(tel_test_now_ms() - t0));
	ASSERT_EQ(0, tel_info(from, h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(0, tel_drop(from, h, 0));
	EXPECT_EQ(0, tel_dealloc(from, h));
	close(fd2);
	EXPECT_TRUE(card_empty(self->fd, CARD));
	EXPECT_ONE_HANGUP(0);
}

static int pci_driver_write(int card, const char *what, char *bdf,
			    size_t len)
{
	char link[PATH_MAX], path[96];
	const char *p;
	ssize_t n;

	if (!bdf[0]) {
		snprintf(path, sizeof(path), "/sys/class/tel/tel%d/device",
			 card);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			return -1;
		link[n] = '\0';
		p = strrchr(link, '/');
		p = p ? p + 1 : link;
		if (strlen(p) >= len)
			return -1;
		memcpy(bdf, p, strlen(p) + 1);
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/tel/%s", what);
	return tel_write_file(path, bdf);
}

/*
 * The card goes while the call is in flight: the call goes DISCONNECTED
 * like every call of the card, an import answers ENODEV (everything but
 * the handles' own post-call operations does, on a card gone), and the
 * close of the fd frees everything.  Card 1, bound again at the end.
 */
TEST(card_gone_while_in_flight)
{
	struct tel_call_list_entry e;
	char bdf[64] = "";
	int fd = tel_open_card(1), fd2 = tel_open_card(1), xfd;
	uint32_t h;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, fd2);
	emu_defaults(1);
	ASSERT_EQ(0, tel_alloc(fd, 0, "100", &h));
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	ASSERT_EQ(0, tel_export(fd, h, 0, &xfd));
	ASSERT_EQ(0, pci_driver_write(1, "unbind", bdf, sizeof(bdf)));
	ASSERT_EQ(1, list_calls(fd2, 0, &e));
	EXPECT_EQ(TEL_OWNER_HANDOFF, e.owner);
	EXPECT_EQ(TEL_CALL_DISCONNECTED, e.state);
	EXPECT_EQ(TEL_ORIGIN_HARDWARE, e.origin);
	EXPECT_EQ(TEL_DISC_OUTOFORDER, e.disconnect_mode);
	EXPECT_EQ(0, e.dma_bytes);
	EXPECT_EQ(-1, tel_import(fd2, xfd, NULL));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(1, list_calls(fd2, -1, NULL));
	close(xfd);
	EXPECT_EQ(0, list_calls(fd2, -1, NULL));
	close(fd);
	close(fd2);
	ASSERT_EQ(0, pci_driver_write(1, "bind", bdf, sizeof(bdf)));
	EXPECT_EQ(0, tel_rebind(1));	/* and it works again */
}

TEST_HARNESS_MAIN
