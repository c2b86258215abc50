// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * main.c - telemu: command line, guest RAM, and the event loop.
 *
 * One thread, one epoll set: the card listeners and QEMU connections, the
 * doorbell eventfds, the control channel, the QMP client, a signalfd and
 * a 1 ms timerfd that is the cards' frame clock.  Nothing in the loop
 * blocks, so a stuck peer can only ever cost us its own connection.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "telemu.h"

int emu_verbose;
struct emu_card emu_cards[EMU_MAX_CARDS];
unsigned int emu_ncards;
struct emu_ram emu_ram;

static int epfd = -1;
static bool quit;

void emu_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > emu_verbose + 1)
		return;
	fputs("telemu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t emu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int emu_watch_add(struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, w->fd, &ev) < 0) {
		emu_err("epoll add: %m");
		return -errno;
	}
	return 0;
}

int emu_watch_mod(struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
		return -errno;
	return 0;
}

void emu_watch_del(struct watch *w)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: telemu --cards N --channels M --dir DIR --ram PATH\n"
		"              [--ram-size BYTES] [--qmp PATH]"
		" [--serial-base S] [-v]\n"
		"Emulates N tel cards (0..%d) of M channels (1..%d) behind\n"
		"QEMU ivshmem-doorbell; sockets DIR/card<i>.sock and"
		" DIR/ctl.sock.\n",
		EMU_MAX_CARDS, TEL_MAX_CHANNELS);
}

static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

struct options {
	unsigned long long cards, channels, ram_size, serial_base;
	const char *dir, *ram;
};

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option lopts[] = {
		{ "cards", required_argument, NULL, 'n' },
		{ "channels", required_argument, NULL, 'm' },
		{ "dir", required_argument, NULL, 'd' },
		{ "ram", required_argument, NULL, 'r' },
		{ "ram-size", required_argument, NULL, 's' },
		{ "qmp", required_argument, NULL, 'q' },
		{ "serial-base", required_argument, NULL, 'b' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	int opt, err = 0;

	o->cards = 1;
	o->channels = 8;
	o->serial_base = 1;
	while ((opt = getopt_long(argc, argv, "vh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			err |= parse_uint(optarg, EMU_MAX_CARDS, &o->cards);
			break;
		case 'm':
			err |= parse_uint(optarg, TEL_MAX_CHANNELS,
					  &o->channels);
			err |= o->channels ? 0 : -EINVAL;
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'r':
			o->ram = optarg;
			break;
		case 's':
			err |= parse_uint(optarg, ~0ULL, &o->ram_size);
			break;
		case 'q':
			emu_qmp_path = optarg;
			break;
		case 'b':
			err |= parse_uint(optarg, 9999999, &o->serial_base);
			break;
		case 'v':
			emu_verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			err = -EINVAL;
		}
	}
	if (err || optind != argc || !o->dir || (o->cards && !o->ram)) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/*
 * The guest's RAM, shared with QEMU (memory-backend-file share=on): bus
 * address == guest physical address == offset in the file.
 */
static int map_ram(const char *path, unsigned long long size)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		emu_err("%s: %m", path);
		return -errno;
	}
	if (!size)
		size = st.st_size;
	/* touching a page past the end of the file would be SIGBUS */
	if (!size || (unsigned long long)st.st_size < size) {
		emu_err("%s: %lld bytes, need %llu", path,
			(long long)st.st_size, size);
		close(fd);
		return -EINVAL;
	}
	emu_ram.base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    fd, 0);
	close(fd);
	if (emu_ram.base == MAP_FAILED) {
		emu_err("%s: mmap: %m", path);
		return -errno;
	}
	emu_ram.size = size;
	return 0;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void run_ticks(uint64_t n)
{
	unsigned int i;
	uint64_t t, t0;

	for (i = 0; i < emu_ncards; i++) {
		struct emu_card *c = &emu_cards[i];

		if (!c->connected || c->f_stall)
			continue;
		if (n > 1)
			win_store(c, TEL_STATUS_MISSED,
				  win_load(c, TEL_STATUS_MISSED) + n - 1);
		t0 = cpu_ns();
		for (t = 0; t < n && t < EMU_MAX_CATCHUP; t++)
			card_tick(c);
		c->tick_cpu_ns += cpu_ns() - t0;
		c->ticks_run += t;
	}
}

static void dispatch(struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;
	uint64_t n;

	switch (w->kind) {
	case W_TIMER:
		if (read(w->fd, &n, sizeof(n)) == sizeof(n))
			run_ticks(n);
		qmp_check_timeout();
		break;
	case W_SIGNAL:
		if (read(w->fd, &si, sizeof(si)) == sizeof(si))
			quit = true;
		break;
	case W_CARD_LISTEN:
		ivs_accept(w->obj);
		break;
	case W_CARD_CONN:
		ivs_conn_event(w->obj);
		break;
	case W_DOORBELL:
		ivs_doorbell(w->obj, w->idx);
		break;
	case W_CTL_LISTEN:
		ctl_accept();
		break;
	case W_CTL_CONN:
		ctl_conn_event(w->obj, events);
		break;
	case W_QMP:
		qmp_event(events);
		break;
	}
}

static int setup_clock_and_signals(struct watch *tw, struct watch *sw)
{
	struct itimerspec its = {
		.it_interval = { 0, 1000000 },
		.it_value = { 0, 1000000 },
	};
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	*sw = (struct watch){ W_SIGNAL, fd, NULL, 0 };
	if (emu_watch_add(sw, EPOLLIN))
		return -EIO;

	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0)
		return -errno;
	*tw = (struct watch){ W_TIMER, fd, NULL, 0 };
	return emu_watch_add(tw, EPOLLIN);
}

static void cleanup(const char *dir)
{
	char path[4200];
	unsigned int i;

	qmp_close();
	ctl_close_all();
	for (i = 0; i < emu_ncards; i++) {
		ivs_close(&emu_cards[i]);
		if (emu_cards[i].listen_fd >= 0) {
			close(emu_cards[i].listen_fd);
			unlink(emu_cards[i].sock_path);
		}
	}
	snprintf(path, sizeof(path), "%s/ctl.sock", dir);
	unlink(path);
}

int main(int argc, char **argv)
{
	struct epoll_event evs[64];
	struct watch timer_w, sig_w;
	struct options o = { 0 };
	unsigned int i;
	int n, err;

	if (parse_args(argc, argv, &o))
		return 2;
	if (o.cards && map_ram(o.ram, o.ram_size))
		return 1;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0 || setup_clock_and_signals(&timer_w, &sig_w)) {
		emu_err("setup: %m");
		return 1;
	}
	emu_ncards = o.cards;
	for (i = 0; i < emu_ncards; i++) {
		err = card_create(&emu_cards[i], i, o.channels,
				  o.serial_base + i);
		if (!err)
			err = ivs_listen(&emu_cards[i], o.dir);
		if (err) {
			emu_err("card%u: %s", i, strerror(-err));
			cleanup(o.dir);
			return 1;
		}
	}
	if (ctl_listen(o.dir) < 0) {
		cleanup(o.dir);
		return 1;
	}
	printf("telemu: ready\n");
	fflush(stdout);

	while (!quit) {
		n = epoll_wait(epfd, evs, 64, -1);
		if (n < 0 && errno != EINTR) {
			emu_err("epoll_wait: %m");
			break;
		}
		for (i = 0; (int)i < n; i++)
			dispatch(evs[i].data.ptr, evs[i].events);
	}
	cleanup(o.dir);
	return 0;
}
