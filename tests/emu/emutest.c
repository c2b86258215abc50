// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * emutest.c - host-only test of telemu: this program plays QEMU (and the
 * guest driver behind it) against a real telemu process.
 *
 * It speaks the ivshmem client side of the protocol on DIR/card<i>.sock,
 * maps the card window it receives, drives the mailbox through the
 * doorbell eventfd, takes "interrupts" from the vector eventfds, and gives
 * the card DMA rings inside a temporary RAM file.  It also plays a QMP
 * server for the unplug command.  Output is TAP-like; the exit status is
 * non-zero if anything failed.
 *
 * usage: emutest [path/to/telemu]
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emutest.h"

static int tests, failures;
static char dir[64];
static pid_t emu_pid;
uint8_t *ram;

void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!ok)
		failures++;
	printf("%s %d - ", ok ? "ok" : "not ok", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	if (emu_pid > 0)
		kill(emu_pid, SIGKILL);
	exit(1);
}

void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint32_t crc32_buf(const uint8_t *p, size_t n)
{
	uint32_t r = 0xffffffffu;
	int j;

	while (n--) {
		r ^= *p++;
		for (j = 0; j < 8; j++)
			r = (r >> 1) ^ (r & 1 ? 0xedb88320u : 0);
	}
	return ~r;
}

/* ---- the QEMU side of a card ---- */

struct card cards[NCARDS];

uint32_t rd(struct card *c, uint32_t off)
{
	return le32toh(__atomic_load_n((uint32_t *)(c->win + off),
				       __ATOMIC_ACQUIRE));
}

void wr(struct card *c, uint32_t off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(c->win + off), htole32(v),
			 __ATOMIC_RELEASE);
}

uint32_t chr(struct card *c, unsigned int ch, uint32_t reg)
{
	return rd(c, TEL_CH_BASE + ch * TEL_CH_STRIDE + reg);
}

void chw(struct card *c, unsigned int ch, uint32_t reg, uint32_t v)
{
	wr(c, TEL_CH_BASE + ch * TEL_CH_STRIDE + reg, v);
}

static int recv_msg(int sock, int64_t *val, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = val, .iov_len = sizeof(*val) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	struct cmsghdr *cm;

	*fd = -1;
	if (poll(&pfd, 1, 2000) != 1)
		return -ETIMEDOUT;
	if (recvmsg(sock, &msg, 0) != sizeof(*val))
		return -EIO;
	*val = le64toh(*val);
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return 0;
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return fd;
}

/* The ivshmem client handshake, checked message by message. */
bool card_attach(struct card *c, unsigned int idx)
{
	char path[128];
	int64_t v;
	int fd, i;
	bool ok = true;

	snprintf(path, sizeof(path), "%s/card%u.sock", dir, idx);
	c->sock = unix_connect(path);
	if (c->sock < 0)
		return false;
	ok &= !recv_msg(c->sock, &v, &fd) && v == 0 && fd < 0;
	ok &= !recv_msg(c->sock, &v, &fd) && v == 1 && fd < 0;
	ok &= !recv_msg(c->sock, &v, &fd) && v == -1 && fd >= 0;
	if (!ok)
		return false;
	c->win = mmap(NULL, TEL_WIN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, 0);
	close(fd);
	if (c->win == MAP_FAILED)
		return false;
	for (i = 0; i < TEL_NR_IRQS; i++) {
		ok &= !recv_msg(c->sock, &v, &c->peer_fd[i]) && v == 0;
		ok &= c->peer_fd[i] >= 0;
	}
	for (i = 0; i < TEL_NR_IRQS; i++) {
		ok &= !recv_msg(c->sock, &v, &c->vec_fd[i]) && v == 1;
		ok &= c->vec_fd[i] >= 0;
	}
	c->seq = rd(c, TEL_CMD_DONE_SEQ);
	c->evq_tail = rd(c, TEL_EVQ_HEAD);
	return ok;
}

void card_detach(struct card *c)
{
	int i;

	for (i = 0; i < TEL_NR_IRQS; i++) {
		close(c->peer_fd[i]);
		close(c->vec_fd[i]);
	}
	munmap(c->win, TEL_WIN_SIZE);
	close(c->sock);
}

void ring_doorbell(struct card *c, unsigned int v)
{
	uint64_t one = 1;

	if (write(c->peer_fd[v], &one, sizeof(one)) != sizeof(one))
		die("doorbell");
}

/* Wait for an interrupt on vector v; returns the coalesced count. */
uint64_t wait_irq(struct card *c, unsigned int v, int ms)
{
	struct pollfd pfd = { .fd = c->vec_fd[v], .events = POLLIN };
	uint64_t n = 0;

	if (poll(&pfd, 1, ms) == 1 &&
	    read(c->vec_fd[v], &n, sizeof(n)) != sizeof(n))
		n = 0;
	return n;
}

/* Post a command, ring, wait for its irq; returns status or -1. */
int card_cmd_wait(struct card *c, const struct cmd *k, int ms)
{
	uint64_t deadline = now_ms() + ms;

	wr(c, TEL_CMD_OP, k->op);
	wr(c, TEL_CMD_CHANNEL, k->ch);
	wr(c, TEL_CMD_ARG, k->arg);
	wr(c, TEL_CMD_RX_ADDR_LO, (uint32_t)k->rx);
	wr(c, TEL_CMD_RX_ADDR_HI, k->rx >> 32);
	wr(c, TEL_CMD_TX_ADDR_LO, (uint32_t)k->tx);
	wr(c, TEL_CMD_TX_ADDR_HI, k->tx >> 32);
	wr(c, TEL_CMD_RING_BYTES, k->ring);
	memset(c->win + TEL_CMD_DIGITS, 0, TEL_DIGITS_LEN);
	if (k->digits)
		memcpy(c->win + TEL_CMD_DIGITS, k->digits,
		       strlen(k->digits));
	wr(c, TEL_CMD_SEQ, ++c->seq);
	ring_doorbell(c, TEL_DB_COMMAND);
	while (now_ms() < deadline) {
		wait_irq(c, TEL_IRQ_COMMAND, 20);
		if (rd(c, TEL_CMD_DONE_SEQ) == c->seq)
			return rd(c, TEL_CMD_STATUS);
	}
	return -1;
}

int card_cmd(struct card *c, uint32_t op, uint32_t ch, uint32_t arg)
{
	struct cmd k = { .op = op, .ch = ch, .arg = arg };

	return card_cmd_wait(c, &k, 1000);
}

/* Per channel rings in the RAM file: 64 KiB apart. */
uint64_t rx_ring(unsigned int card, unsigned int ch)
{
	return 0x100000 + (card * NCH + ch) * 0x20000;
}

uint64_t tx_ring(unsigned int card, unsigned int ch)
{
	return rx_ring(card, ch) + 0x10000;
}

int card_dial(struct card *c, unsigned int card, unsigned int ch,
		     uint32_t ring, const char *digits)
{
	struct cmd k = {
		.op = TEL_OP_DIAL, .ch = ch, .rx = rx_ring(card, ch),
		.tx = tx_ring(card, ch), .ring = ring, .digits = digits,
	};

	return card_cmd_wait(c, &k, 1000);
}

int card_answer(struct card *c, unsigned int card, unsigned int ch,
		       uint32_t ring)
{
	struct cmd k = {
		.op = TEL_OP_ANSWER, .ch = ch, .rx = rx_ring(card, ch),
		.tx = tx_ring(card, ch), .ring = ring,
	};

	return card_cmd_wait(c, &k, 1000);
}

/* Next event within ms; false if none. */
bool next_event(struct card *c, struct event *e, int ms)
{
	uint64_t deadline = now_ms() + ms;
	uint8_t *p;

	while (rd(c, TEL_EVQ_HEAD) == c->evq_tail) {
		if (now_ms() >= deadline)
			return false;
		wait_irq(c, TEL_IRQ_EVENT, 5);
	}
	p = c->win + TEL_EVQ_BASE +
	    (c->evq_tail % TEL_EVQ_ENTRIES) * TEL_EVQ_ENTRY_SIZE;
	e->type = le32toh(*(uint32_t *)(p + TEL_EV_TYPE));
	e->ch = le32toh(*(uint32_t *)(p + TEL_EV_CHANNEL));
	e->state = le32toh(*(uint32_t *)(p + TEL_EV_STATE));
	e->cause = le32toh(*(uint32_t *)(p + TEL_EV_CAUSE));
	memcpy(e->number, p + TEL_EV_NUMBER, sizeof(e->number));
	e->number[sizeof(e->number) - 1] = 0;
	memcpy(e->raw, p, sizeof(e->raw));
	wr(c, TEL_CTRL_EVQ_TAIL, ++c->evq_tail);
	return true;
}

uint32_t ev32(const struct event *e, uint32_t off)
{
	uint32_t v;

	memcpy(&v, e->raw + off, sizeof(v));
	return le32toh(v);
}

bool expect_state(struct card *c, uint32_t ch, uint32_t state,
			 uint32_t cause, int ms)
{
	struct event e;

	return next_event(c, &e, ms) && e.type == TEL_HWEV_STATE &&
	       e.ch == ch && e.state == state && e.cause == cause;
}

void drain_events(struct card *c)
{
	struct event e;

	while (next_event(c, &e, 0))
		;
}

/* ---- the control channel ---- */

int ctl_fd = -1;
char reply[1024];

/* Read one reply line from fd (8 s timeout). */
const char *ctl_read_reply_on(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = 0;

	while (len < sizeof(reply) - 1) {
		if (poll(&pfd, 1, 8000) != 1 ||
		    read(fd, reply + len, 1) != 1) {
			strcpy(reply, "no reply");
			return reply;
		}
		if (reply[len] == '\n')
			break;
		len++;
	}
	reply[len] = 0;
	return reply;
}

const char *ctl_read_reply(void)
{
	return ctl_read_reply_on(ctl_fd);
}

const char *ctl_on(int fd, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	if (write(fd, line, n) != n)
		return "write failed";
	return ctl_read_reply_on(fd);
}

int unix_connect_path(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return unix_connect(path);
}

int unix_connect_ctl(void)
{
	return unix_connect_path("ctl.sock");
}

bool ctl_is(const char *want, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ctl("%s", line);
	if (strcmp(reply, want))
		printf("# '%s' -> '%s' (want '%s')\n", line, reply, want);
	return !strcmp(reply, want);
}

/* Value of key=... in the last reply (numbers: decimal, crcs: hex). */
unsigned long long kv(const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(reply, pat);
	if (!p)
		return ~0ULL;
	p += strlen(pat);
	return strtoull(p, NULL, strstr(key, "crc") ? 16 : 10);
}

unsigned long long stat_of(unsigned int card, unsigned int ch,
				  const char *key)
{
	ctl("stats %u %u", card, ch);
	return kv(key);
}

/* ---- telemu process ---- */

static void start_emu(const char *bin, const char *qmp)
{
	char cards[8], chans[8], size[16], base[8], ramp[96];
	char line[64] = "";
	int pfd[2];
	FILE *f;

	snprintf(cards, sizeof(cards), "%d", NCARDS);
	snprintf(chans, sizeof(chans), "%d", NCH);
	snprintf(size, sizeof(size), "%u", RAM_SIZE);
	snprintf(base, sizeof(base), "%d", SERIAL_BASE);
	snprintf(ramp, sizeof(ramp), "%s/ram", dir);
	if (pipe(pfd) < 0)
		die("pipe");
	emu_pid = fork();
	if (emu_pid < 0)
		die("fork");
	if (!emu_pid) {
		char log[96];
		int lfd;

		/* stderr to a log: printed as TAP comments at the end */
		snprintf(log, sizeof(log), "%s/telemu.log", dir);
		lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (lfd >= 0)
			dup2(lfd, 2);
		dup2(pfd[1], 1);
		close(pfd[0]);
		execl(bin, bin, "--cards", cards, "--channels", chans,
		      "--dir", dir, "--ram", ramp, "--ram-size", size,
		      "--serial-base", base, "--qmp", qmp, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	if (!f || !fgets(line, sizeof(line), f))
		die("telemu did not start");
	check(!strcmp(line, "telemu: ready\n"), "telemu prints ready");
}

static void make_ram(void)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "%s/ram", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	if (fd < 0 || ftruncate(fd, RAM_SIZE) < 0)
		die("ram");
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ram == MAP_FAILED)
		die("mmap ram");
	close(fd);
}

static void dump_log(void)
{
	char path[96], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/telemu.log", dir);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("# %s", line);
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *bin = argc > 1 ? argv[1] : "./telemu";
	char qmp[96];
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "/tmp/emutest.XXXXXX");
	if (!mkdtemp(dir))
		die("mkdtemp");
	make_ram();
	snprintf(qmp, sizeof(qmp), "%s/qmp.sock", dir);
	start_emu(bin, qmp);
	run_cases(qmp);

	kill(emu_pid, SIGTERM);
	check(waitpid(emu_pid, &status, 0) == emu_pid && WIFEXITED(status) &&
	      !WEXITSTATUS(status), "telemu exits 0 on SIGTERM");
	snprintf(qmp, sizeof(qmp), "%s/ctl.sock", dir);
	check(access(qmp, F_OK) < 0, "telemu removed its sockets");
	dump_log();
	snprintf(qmp, sizeof(qmp), "rm -rf %s", dir);
	if (system(qmp))
		printf("# could not remove %s\n", dir);
	printf("1..%d\n# %d passed, %d failed\n", tests, tests - failures,
	       failures);
	return failures ? 1 : 0;
}
