// SPDX-License-Identifier: GPL-2.0
/*
 * dahdibench - the DAHDI side of the benchmark (make bench, issue 8), run
 * in the VM as root after tests/bench/dahdi-setup.
 *
 *   dahdibench ctl --chan C --cycles K
 *	The control cycle, K times after K/10 warm-up cycles: open
 *	/dev/dahdi/channel, DAHDI_SPECIFY C, DAHDI_HOOK off hook, DAHDI_HOOK
 *	on hook, DAHDI_GET_PARAMS, close (6 system calls).  Timed in batches
 *	of 100 cycles with CLOCK_MONOTONIC; prints the median of the batches'
 *	per-cycle times.  C must be a signalled channel (DAHDI refuses
 *	DAHDI_HOOK on a clear one): dahdi-setup's ctl_chan.
 *
 *   dahdibench audio --tx BASE --rx BASE --channels N --seconds S
 *		      --blocksize B [--numbufs NB] [--wake-ms W] [--offhook]
 *		      [--emu-setup] [--flow-timeout S] [--settle-ms MS]
 *		      [--drain-ms MS] --prefix P
 *	N channels from tx BASE send, N channels from rx BASE receive (tx
 *	channel BASE+i is expected to arrive on rx channel BASE+i; tx == rx
 *	for a far end that echoes).  Every B/8 ms (one slot; a frame is 8
 *	bytes = 1 ms), one write() of B bytes per tx channel, then one poll()
 *	(timeout 0) over the rx channels and read()s until EAGAIN on those
 *	ready; the loop sleeps (clock_nanosleep, not counted) until the next
 *	slot.  With --wake-ms W (< B/8), it also wakes every W ms between
 *	slots to poll and read (finer latency, more poll() calls counted).
 *	A late loop writes every slot it owes at once (catch-up), so the
 *	stream keeps its length whatever the scheduling.
 *
 * Phases of the audio run:
 *   warm-up  frames marked "warm-up" until every rx channel has received
 *	      one (the line works: on the bridge, off hook has dialled and the
 *	      far end answered; on loc, the spans tick), then --settle-ms more
 *	      (default 500) so the queues reach their steady state;
 *   window   S seconds of frames marked "window", numbered from 0 on each
 *	      channel; the only phase whose system calls are counted;
 *   drain    no more writes; reads until every window frame has arrived or
 *	      --drain-ms (default 2000) has passed.
 *
 * A frame (8 bytes) is: frame number (4 base-127 digits), channel index
 * (2 digits), phase, check digit.  Every byte is 0x00..0x7e, so never one
 * of the two mu-law zeros (0x7f, 0xff) that DAHDI's audio path turns into
 * each other, nor DAHDI's idle fill (0xff on clear channels, mu-law
 * silence 0x7f/0xff on audio channels).  The receiver skips idle bytes
 * between frames; any other byte that does not start a valid frame is
 * counted as corrupt (and the parser resynchronises byte by byte).
 *
 * Results ("result P.<name> <value>"; "# " lines are details):
 *   channels                 N
 *   frames_expected          N x frames per channel in the window (S x 1000
 *			      when B/8 divides 1000)
 *   lost_frames              frames_expected - window frames received, in
 *			      order, by the end of the drain: covers frames a
 *			      write() could not take (EAGAIN: DAHDI's buffers
 *			      full; their numbers are skipped), frames missing
 *			      from the received sequence (gaps) and frames that
 *			      never arrived (tail)
 *   syscall_ns_per_chan_tick wall time inside read(), write() and poll()
 *			      during the window (each call timed with
 *			      CLOCK_MONOTONIC around it; poll never blocks),
 *			      / (N x ms in the window)
 *   loop_ms_p50, loop_ms_p99 for one frame per channel per 100 ms (frame
 *			      numbers 0, 100, 200, ...): from just before the
 *			      write() that carried it to just after the read()
 *			      that returned it.  It includes DAHDI's
 *			      buffering (an rx block is readable once B bytes
 *			      are in), the transport, the tx queue, and up to
 *			      one slot of this loop's pacing (reads happen
 *			      once per slot, or every --wake-ms), so it is
 *			      quantised by B/8 ms (or W).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <dahdi/user.h>

#include "tel_test.h"

#define FRAME		8	/* bytes per channel per 1 ms tick */
#define MARK_EVERY	100	/* frames between latency markers (100 ms) */
#define PH_WARM		1
#define PH_WIN		2
#define RDBUF		8192	/* >= DAHDI_MAX_BLOCKSIZE */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = {
		.tv_sec = (time_t)(t / 1000000000ull),
		.tv_nsec = (long)(t % 1000000000ull),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void __attribute__((format(printf, 1, 2), noreturn)) die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "dahdibench: error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static long num_arg(const char *opt, const char *val, long min, long max)
{
	char *end;
	long v;

	if (!val)
		die("%s needs a value", opt);
	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || *end || end == val || v < min || v > max)
		die("%s: '%s' is not a number in %ld..%ld", opt, val, min, max);
	return v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted @v[@n]. */
static uint64_t pct(const uint64_t *v, size_t n, unsigned int p)
{
	size_t k = (n * p + 99) / 100;

	return v[k ? k - 1 : 0];
}

/* ---- ctl: the control cycle ---- */

static void ctl_cycle(int chan)
{
	struct dahdi_params par;
	int fd, c = chan, hook;

	fd = open("/dev/dahdi/channel", O_RDWR);
	if (fd < 0)
		die("open /dev/dahdi/channel: %m");
	if (ioctl(fd, DAHDI_SPECIFY, &c))
		die("DAHDI_SPECIFY %d: %m", chan);
	hook = DAHDI_OFFHOOK;
	if (ioctl(fd, DAHDI_HOOK, &hook))
		die("DAHDI_HOOK off hook on channel %d: %m", chan);
	hook = DAHDI_ONHOOK;
	if (ioctl(fd, DAHDI_HOOK, &hook))
		die("DAHDI_HOOK on hook on channel %d: %m", chan);
	memset(&par, 0, sizeof(par));
	par.channo = chan;
	if (ioctl(fd, DAHDI_GET_PARAMS, &par))
		die("DAHDI_GET_PARAMS on channel %d: %m", chan);
	if (par.channo != chan)
		die("DAHDI_GET_PARAMS: channel %d, not %d", par.channo, chan);
	if (close(fd))
		die("close channel %d: %m", chan);
}

static int cmd_ctl(int argc, char **argv)
{
	long chan = -1, cycles = -1;
	uint64_t *per;
	long warm, batches, b, i;

	for (i = 0; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--chan"))
			chan = num_arg(argv[i], v, 1, INT_MAX), i++;
		else if (!strcmp(argv[i], "--cycles"))
			cycles = num_arg(argv[i], v, 1, 100000000), i++;
		else
			die("ctl: unknown argument '%s'", argv[i]);
	}
	if (chan < 0 || cycles < 0)
		die("usage: dahdibench ctl --chan C --cycles K");

	/* K cycles rounded up to whole batches of 100 */
	batches = (cycles + 99) / 100;
	warm = cycles / 10;
	per = calloc((size_t)batches, sizeof(*per));
	if (!per)
		die("out of memory");
	for (i = 0; i < warm; i++)
		ctl_cycle((int)chan);
	for (b = 0; b < batches; b++) {
		uint64_t t0 = now_ns();

		for (i = 0; i < 100; i++)
			ctl_cycle((int)chan);
		per[b] = (now_ns() - t0) / 100;
	}
	qsort(per, (size_t)batches, sizeof(*per), cmp_u64);
	printf("# dahdi.ctl: channel %ld, %ld cycles in %ld batches of 100 after %ld warm-up cycles; per-cycle ns of the batches: min %llu p50 %llu max %llu\n",
	       chan, batches * 100, batches, warm, (unsigned long long)per[0],
	       (unsigned long long)pct(per, (size_t)batches, 50),
	       (unsigned long long)per[batches - 1]);
	printf("result dahdi.ctl.cycle_ns %llu\n",
	       (unsigned long long)pct(per, (size_t)batches, 50));
	printf("result dahdi.ctl.syscalls 6\n");
	free(per);
	return 0;
}

/* The tel card and channel behind DAHDI channel @channo (span "TEL/<card>"). */
static int tel_of_chan(int channo, int *card, int *ch)
{
	char path[128], buf[64];

	for (int s = 1; s <= DAHDI_MAX_SPANS; s++) {
		int base, nch;

		snprintf(path, sizeof(path), "/sys/bus/dahdi_spans/devices/span-%d/basechan", s);
		if (tel_read_sysfs(path, buf, sizeof(buf)))
			continue;
		base = atoi(buf);
		snprintf(path, sizeof(path), "/sys/bus/dahdi_spans/devices/span-%d/channels", s);
		if (tel_read_sysfs(path, buf, sizeof(buf)))
			continue;
		nch = atoi(buf);
		if (channo < base || channo >= base + nch)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/dahdi_spans/devices/span-%d/name", s);
		if (tel_read_sysfs(path, buf, sizeof(buf)) ||
		    sscanf(buf, "TEL/%d", card) != 1)
			return -1;
		*ch = channo - base;
		return 0;
	}
	return -1;
}

/* ---- audio ---- */

struct chan {
	int txno, rxno;		/* DAHDI channel numbers */
	int txfd, rxfd;
	uint32_t idx;		/* the channel index in the frames */
	uint32_t tx_seq;	/* next frame number to write (this phase) */
	/* receiver */
	uint8_t pend[FRAME];
	int npend;
	bool warm_seen;
	uint32_t rx_next;	/* next window frame number expected */
	uint64_t rx_frames;	/* window frames received in order */
	uint64_t rx_gap_frames;	/* frames skipped over by received ones */
	uint64_t rx_gaps;
	uint64_t rx_old;	/* window frames at or below one seen */
	uint64_t rx_corrupt;	/* bytes that did not make a valid frame */
	uint64_t rx_wrong_chan;	/* valid frames of another channel */
	uint64_t rx_bytes;
	uint64_t *mark_ns;	/* write time of marker frames, 0: not sent */
};

static struct {
	int n, blocksize, fpb, numbufs;
	uint64_t slot_ns, wake_ns;
	int phase;
	uint64_t frames_per_chan;	/* window */
	struct chan *ch;
	struct pollfd *pfd;
	uint8_t *txbuf;
	/* window counters */
	uint64_t sys_ns;
	uint64_t n_read, n_read_eagain, n_write, n_poll;
	uint64_t tx_unwritten;		/* window frames a write() refused */
	uint64_t events, event_counts[64];
	uint64_t *lat;
	size_t nlat, maxlat;
	uint64_t warm_unwritten;
	uint64_t late_slots, max_lag_ns;	/* window slots written late */
} B;

static uint64_t timed_begin(void)
{
	return now_ns();
}

static void timed_end(uint64_t t0, uint64_t *t1)
{
	*t1 = now_ns();
	if (B.phase == PH_WIN)
		B.sys_ns += *t1 - t0;
}

static uint8_t frame_check(const uint8_t *p)
{
	unsigned int s = 0x2a;

	for (int i = 0; i < FRAME - 1; i++)
		s = (s * 31 + p[i] + 1) % 127;
	return (uint8_t)s;
}

static void frame_put(uint8_t *p, int phase, uint32_t idx, uint32_t seq)
{
	p[0] = seq % 127;
	p[1] = seq / 127 % 127;
	p[2] = seq / (127 * 127) % 127;
	p[3] = seq / (127 * 127 * 127) % 127;
	p[4] = idx % 127;
	p[5] = idx / 127 % 127;
	p[6] = (uint8_t)phase;
	p[7] = frame_check(p);
}

static bool frame_get(const uint8_t *p, int *phase, uint32_t *idx, uint32_t *seq)
{
	for (int i = 0; i < FRAME; i++)
		if (p[i] >= 0x7f)
			return false;
	if ((p[6] != PH_WARM && p[6] != PH_WIN) || p[7] != frame_check(p))
		return false;
	*seq = p[0] + p[1] * 127u + p[2] * 127u * 127u + p[3] * 127u * 127u * 127u;
	*idx = p[4] + p[5] * 127u;
	*phase = p[6];
	return true;
}

static void got_frame(struct chan *c, int phase, uint32_t idx, uint32_t seq,
		      uint64_t t_read)
{
	if (idx != c->idx) {
		c->rx_wrong_chan++;
		return;
	}
	if (phase == PH_WARM) {
		c->warm_seen = true;
		return;
	}
	if (seq < c->rx_next) {
		c->rx_old++;
		return;
	}
	if (seq > c->rx_next) {
		c->rx_gaps++;
		c->rx_gap_frames += seq - c->rx_next;
	}
	c->rx_frames++;
	c->rx_next = seq + 1;
	if (seq % MARK_EVERY == 0 && c->mark_ns[seq / MARK_EVERY] &&
	    B.nlat < B.maxlat)
		B.lat[B.nlat++] = t_read - c->mark_ns[seq / MARK_EVERY];
}

static bool idle_byte(uint8_t x)
{
	return x == 0xff || x == 0x7f;
}

/* Feed received bytes to @c's frame parser. */
static void parse(struct chan *c, const uint8_t *buf, size_t len, uint64_t t_read)
{
	c->rx_bytes += len;
	for (size_t i = 0; i < len; i++) {
		int phase;
		uint32_t idx, seq;

		if (!c->npend && idle_byte(buf[i]))
			continue;
		c->pend[c->npend++] = buf[i];
		if (c->npend < FRAME)
			continue;
		if (frame_get(c->pend, &phase, &idx, &seq)) {
			got_frame(c, phase, idx, seq, t_read);
			c->npend = 0;
			continue;
		}
		/* not a frame: drop a byte, then any idle bytes, and retry */
		c->rx_corrupt++;
		memmove(c->pend, c->pend + 1, FRAME - 1);
		c->npend = FRAME - 1;
		while (c->npend && idle_byte(c->pend[0])) {
			memmove(c->pend, c->pend + 1, (size_t)c->npend - 1);
			c->npend--;
		}
	}
}

/* Where event @ev is counted: its number, or 61..63 for the digit events. */
static int event_slot(int ev)
{
	if (ev & DAHDI_EVENT_PULSEDIGIT)
		return 61;
	if (ev & DAHDI_EVENT_DTMFDOWN)
		return 62;
	if (ev & DAHDI_EVENT_DTMFUP)
		return 63;
	return ev & 63;
}

static void drain_events(int fd, int channo)
{
	for (;;) {
		int ev = 0;

		if (ioctl(fd, DAHDI_GETEVENT, &ev))
			die("DAHDI_GETEVENT on channel %d: %m", channo);
		if (ev == DAHDI_EVENT_NONE)
			return;
		B.events++;
		B.event_counts[event_slot(ev)]++;
	}
}

/* Write one block of frames on @c's tx channel; false if DAHDI refused it. */
static bool write_block(struct chan *c, int phase)
{
	uint64_t t0, t1;
	ssize_t r;

	for (int f = 0; f < B.fpb; f++)
		frame_put(B.txbuf + f * FRAME, phase, c->idx, c->tx_seq + (uint32_t)f);
	for (int tries = 0;; tries++) {
		t0 = timed_begin();
		r = write(c->txfd, B.txbuf, (size_t)B.blocksize);
		timed_end(t0, &t1);
		if (B.phase == PH_WIN)
			B.n_write++;
		if (r >= 0 || errno != ELAST || tries >= 10)
			break;
		drain_events(c->txfd, c->txno);
	}
	if (r == B.blocksize) {
		if (phase == PH_WIN) {
			for (uint32_t s = c->tx_seq; s < c->tx_seq + (uint32_t)B.fpb; s++)
				if (s % MARK_EVERY == 0)
					c->mark_ns[s / MARK_EVERY] = t0;
		}
		c->tx_seq += (uint32_t)B.fpb;
		return true;
	}
	if (r < 0 && errno != EAGAIN)
		die("write channel %d: %m", c->txno);
	if (r >= 0)
		die("write channel %d: %zd of %d bytes", c->txno, r, B.blocksize);
	/* DAHDI's buffers are full: these frames are lost, their numbers too */
	c->tx_seq += (uint32_t)B.fpb;
	if (phase == PH_WIN)
		B.tx_unwritten += (uint64_t)B.fpb;
	else
		B.warm_unwritten += (uint64_t)B.fpb;
	return false;
}

static void write_slot(int phase)
{
	for (int i = 0; i < B.n; i++)
		write_block(&B.ch[i], phase);
}

/* One poll() over the rx channels, then read what they have. */
static void poll_and_read(void)
{
	static uint8_t buf[RDBUF];
	uint64_t t0, t1;
	int r;

	t0 = timed_begin();
	r = poll(B.pfd, (nfds_t)B.n, 0);
	timed_end(t0, &t1);
	if (B.phase == PH_WIN)
		B.n_poll++;
	if (r < 0)
		die("poll: %m");
	if (!r)
		return;
	for (int i = 0; i < B.n; i++) {
		struct chan *c = &B.ch[i];
		short re = B.pfd[i].revents;

		if (!re)
			continue;
		if (re & (POLLERR | POLLHUP | POLLNVAL))
			die("poll: channel %d: revents 0x%x", c->rxno, re);
		if (re & POLLPRI)
			drain_events(c->rxfd, c->rxno);
		if (!(re & POLLIN))
			continue;
		/* DAHDI returns one block per read(): read until EAGAIN */
		for (int k = 0; k < 4 * DAHDI_MAX_NUM_BUFS; k++) {
			ssize_t n;

			t0 = timed_begin();
			n = read(c->rxfd, buf, sizeof(buf));
			timed_end(t0, &t1);
			if (n > 0) {
				if (B.phase == PH_WIN)
					B.n_read++;
				parse(c, buf, (size_t)n, t1);
				continue;
			}
			if (B.phase == PH_WIN)
				B.n_read_eagain++;
			if (n == 0 || errno == EAGAIN)
				break;
			if (errno == ELAST) {
				drain_events(c->rxfd, c->rxno);
				continue;
			}
			die("read channel %d: %m", c->rxno);
		}
	}
}

static int open_chan(int channo, int nb)
{
	struct dahdi_bufferinfo bi;
	int fd, c = channo, bs = B.blocksize;

	fd = open("/dev/dahdi/channel", O_RDWR | O_NONBLOCK);
	if (fd < 0)
		die("open /dev/dahdi/channel: %m");
	if (ioctl(fd, DAHDI_SPECIFY, &c))
		die("DAHDI_SPECIFY %d: %m", channo);
	if (ioctl(fd, DAHDI_SET_BLOCKSIZE, &bs))
		die("DAHDI_SET_BLOCKSIZE %d on channel %d: %m", B.blocksize, channo);
	/*
	 * Transmit as soon as a block is queued (no pre-fill: the latency is
	 * what the jitter of this loop makes it); DAHDI's receive side is
	 * always "immediate" (a block is readable as soon as it is full).
	 */
	memset(&bi, 0, sizeof(bi));
	bi.txbufpolicy = DAHDI_POLICY_IMMEDIATE;
	bi.rxbufpolicy = DAHDI_POLICY_IMMEDIATE;
	bi.numbufs = nb;
	bi.bufsize = B.blocksize;
	if (ioctl(fd, DAHDI_SET_BUFINFO, &bi))
		die("DAHDI_SET_BUFINFO %d x %d on channel %d: %m", nb,
		    B.blocksize, channo);
	bs = 0;
	if (ioctl(fd, DAHDI_GET_BLOCKSIZE, &bs) || bs != B.blocksize)
		die("channel %d: blocksize %d, not %d", channo, bs, B.blocksize);
	return fd;
}

/* The next slot of the grid from @t0 (slot @wslot), or an earlier wake-up. */
static uint64_t next_wake(uint64_t t0, uint64_t now, uint64_t wslot)
{
	uint64_t slot = t0 + wslot * B.slot_ns, w;

	if (B.wake_ns >= B.slot_ns || now < t0)
		return slot;
	w = t0 + ((now - t0) / B.wake_ns + 1) * B.wake_ns;
	return w < slot ? w : slot;
}

static void raise_nofile(int need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit: %m");
	if (rl.rlim_cur >= (rlim_t)need)
		return;
	rl.rlim_cur = (rlim_t)need;
	if (rl.rlim_max < rl.rlim_cur)
		rl.rlim_max = rl.rlim_cur;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit(RLIMIT_NOFILE, %d): %m", need);
}

static const char *event_name(int ev)
{
	switch (ev) {
	case DAHDI_EVENT_ONHOOK: return "ONHOOK";
	case DAHDI_EVENT_RINGOFFHOOK: return "RINGOFFHOOK";
	case DAHDI_EVENT_WINKFLASH: return "WINKFLASH";
	case DAHDI_EVENT_ALARM: return "ALARM";
	case DAHDI_EVENT_NOALARM: return "NOALARM";
	case DAHDI_EVENT_HOOKCOMPLETE: return "HOOKCOMPLETE";
	case DAHDI_EVENT_RINGERON: return "RINGERON";
	case DAHDI_EVENT_RINGEROFF: return "RINGEROFF";
	case DAHDI_EVENT_POLARITY: return "POLARITY";
	case DAHDI_EVENT_RINGBEGIN: return "RINGBEGIN";
	case DAHDI_EVENT_REMOVED: return "REMOVED";
	case 61: return "PULSEDIGIT";
	case 62: return "DTMFDOWN";
	case 63: return "DTMFUP";
	default: return "?";
	}
}

static int cmd_audio(int argc, char **argv)
{
	long tx = -1, rx = -1, n = -1, secs = -1, bs = -1, nb = 0;
	long flow_timeout = 20, settle_ms = 500, drain_ms = 2000, wake_ms = 0;
	bool offhook = false, emu_setup = false;
	const char *prefix = NULL;
	uint64_t t, ph_t0, t_win0 = 0, t_end = 0, flow_at = 0, deadline;
	uint64_t slots, wslot = 0, ms_window, expected, received = 0;
	uint64_t gap_frames = 0, gaps = 0, old = 0, corrupt = 0, wrong = 0;
	uint64_t tail = 0, markers;
	long i;

	for (i = 0; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--tx"))
			tx = num_arg(o, v, 1, INT_MAX), i++;
		else if (!strcmp(o, "--rx"))
			rx = num_arg(o, v, 1, INT_MAX), i++;
		else if (!strcmp(o, "--channels"))
			n = num_arg(o, v, 1, 16000), i++;
		else if (!strcmp(o, "--seconds"))
			secs = num_arg(o, v, 1, 3600), i++;
		else if (!strcmp(o, "--blocksize"))
			bs = num_arg(o, v, 16, DAHDI_MAX_BLOCKSIZE), i++;
		else if (!strcmp(o, "--numbufs"))
			nb = num_arg(o, v, 2, DAHDI_MAX_NUM_BUFS), i++;
		else if (!strcmp(o, "--flow-timeout"))
			flow_timeout = num_arg(o, v, 1, 3600), i++;
		else if (!strcmp(o, "--settle-ms"))
			settle_ms = num_arg(o, v, 0, 600000), i++;
		else if (!strcmp(o, "--wake-ms"))
			wake_ms = num_arg(o, v, 1, 1000), i++;
		else if (!strcmp(o, "--drain-ms"))
			drain_ms = num_arg(o, v, 0, 600000), i++;
		else if (!strcmp(o, "--prefix") && v)
			prefix = v, i++;
		else if (!strcmp(o, "--offhook"))
			offhook = true;
		else if (!strcmp(o, "--emu-setup"))
			emu_setup = true;
		else
			die("audio: unknown argument '%s'", o);
	}
	if (tx < 0 || rx < 0 || n < 0 || secs < 0 || bs < 0 || !prefix)
		die("usage: dahdibench audio --tx BASE --rx BASE --channels N --seconds S --blocksize B [--numbufs NB] [--wake-ms W] [--offhook] [--emu-setup] --prefix P");
	if (bs % FRAME)
		die("--blocksize %ld: not a multiple of %d (whole 1 ms frames)", bs, FRAME);
	if (tx != rx && ((tx < rx && tx + n > rx) || (rx < tx && rx + n > tx)))
		die("the tx and rx channel ranges overlap");
	/* as many buffers as DAHDI allows (32, and 32 KiB per direction) */
	if (!nb)
		nb = DAHDI_MAX_BUF_SPACE / bs < DAHDI_MAX_NUM_BUFS ?
		     DAHDI_MAX_BUF_SPACE / bs : DAHDI_MAX_NUM_BUFS;
	if (nb < 2)
		die("--blocksize %ld: fewer than 2 buffers fit in DAHDI's %d bytes",
		    bs, DAHDI_MAX_BUF_SPACE);

	B.n = (int)n;
	B.blocksize = (int)bs;
	B.fpb = (int)bs / FRAME;
	B.numbufs = (int)nb;
	B.slot_ns = (uint64_t)B.fpb * 1000000ull;
	B.wake_ns = wake_ms && (uint64_t)wake_ms * 1000000ull < B.slot_ns ?
		    (uint64_t)wake_ms * 1000000ull : B.slot_ns;
	slots = (uint64_t)secs * 1000000000ull / B.slot_ns;
	if (!slots)
		die("--seconds %ld is shorter than one block", secs);
	B.frames_per_chan = slots * (uint64_t)B.fpb;
	markers = B.frames_per_chan / MARK_EVERY + 1;
	B.ch = calloc((size_t)n, sizeof(*B.ch));
	B.pfd = calloc((size_t)n, sizeof(*B.pfd));
	B.txbuf = malloc((size_t)bs);
	B.maxlat = (size_t)n * markers;
	B.lat = calloc(B.maxlat, sizeof(*B.lat));
	if (!B.ch || !B.pfd || !B.txbuf || !B.lat)
		die("out of memory");
	raise_nofile(2 * (int)n + 64);

	printf("# %s: dahdibench audio: %ld channels, tx %ld-%ld, rx %ld-%ld, blocksize %ld (a write every %ld ms, reads every %.0f ms), %ld buffers, tx policy immediate, %ld s window%s\n",
	       prefix, n, tx, tx + n - 1, rx, rx + n - 1, bs, bs / FRAME,
	       B.wake_ns / 1e6, nb, secs, offhook ? ", off hook first" : "");
	fflush(stdout);

	if (emu_setup) {
		char reply[256];

		if (!getenv("TEL_EMU_CTL"))
			die("--emu-setup: TEL_EMU_CTL is not set (not in tests/vm/run?)");
		for (i = 0; i < n; i++) {
			int card, ch;

			if (tel_of_chan((int)(tx + i), &card, &ch))
				die("--emu-setup: DAHDI channel %ld is not on a TEL span", tx + i);
			if (emu_cmd(reply, sizeof(reply), "far %d %d answer", card, ch) ||
			    emu_cmd(reply, sizeof(reply), "audio %d %d echo", card, ch))
				die("--emu-setup: the emulator refused card %d channel %d: '%s'",
				    card, ch, reply);
		}
	}

	for (i = 0; i < n; i++) {
		struct chan *c = &B.ch[i];

		c->idx = (uint32_t)i;
		c->txno = (int)(tx + i);
		c->rxno = (int)(rx + i);
		c->mark_ns = calloc(markers, sizeof(*c->mark_ns));
		if (!c->mark_ns)
			die("out of memory");
		c->txfd = open_chan(c->txno, (int)nb);
		c->rxfd = tx == rx ? c->txfd : open_chan(c->rxno, (int)nb);
		B.pfd[i].fd = c->rxfd;
		B.pfd[i].events = POLLIN | POLLPRI;
	}
	if (offhook) {
		for (i = 0; i < n; i++) {
			int hook = DAHDI_OFFHOOK;

			if (ioctl(B.ch[i].txfd, DAHDI_HOOK, &hook))
				die("DAHDI_HOOK off hook on channel %d: %m", B.ch[i].txno);
		}
	}

	/* warm-up: until every channel carries frames, then settle */
	B.phase = PH_WARM;
	ph_t0 = now_ns();
	deadline = ph_t0 + (uint64_t)flow_timeout * 1000000000ull;
	for (;;) {
		uint64_t due;
		bool all = true;

		t = now_ns();
		due = (t - ph_t0) / B.slot_ns + 1;
		/* warm-up frames do not count: do not pile up a backlog */
		if (due > wslot + (uint64_t)nb)
			wslot = due - 1;
		while (wslot < due) {
			write_slot(PH_WARM);
			wslot++;
		}
		poll_and_read();
		for (i = 0; i < n && all; i++)
			all = B.ch[i].warm_seen;
		t = now_ns();
		if (all && !flow_at)
			flow_at = t;
		if (flow_at && t - flow_at >= (uint64_t)settle_ms * 1000000ull)
			break;
		if (t > deadline) {
			long missing = 0, first = -1;

			for (i = 0; i < n; i++)
				if (!B.ch[i].warm_seen && !missing++)
					first = B.ch[i].rxno;
			die("no audio after %ld s on %ld of %ld rx channels (first: %ld)",
			    flow_timeout, missing, n, first);
		}
		sleep_until(next_wake(ph_t0, t, wslot));
	}
	printf("# %s: audio flows on every channel %.1f ms after the start; %.0f ms of settling\n",
	       prefix, (flow_at - ph_t0) / 1e6, (t - flow_at) / 1e6);

	/* the window: continues the warm-up's slot grid */
	t_win0 = ph_t0 + wslot * B.slot_ns;
	for (i = 0; i < n; i++)
		B.ch[i].tx_seq = 0;
	wslot = 0;
	sleep_until(t_win0);
	B.phase = PH_WIN;
	for (;;) {
		uint64_t due;

		t = now_ns();
		due = (t - t_win0) / B.slot_ns + 1;
		if (due > slots)
			due = slots;
		while (wslot < due) {
			/* a slot written after the next one was due is late */
			uint64_t lag = t - (t_win0 + wslot * B.slot_ns);

			if (lag >= B.slot_ns)
				B.late_slots++;
			if (lag > B.max_lag_ns)
				B.max_lag_ns = lag;
			write_slot(PH_WIN);
			wslot++;
		}
		poll_and_read();
		t = now_ns();
		if (wslot == slots && t >= t_win0 + slots * B.slot_ns)
			break;
		sleep_until(next_wake(t_win0, t, wslot < slots ? wslot : slots));
	}
	t_end = t;
	B.phase = 0;

	/* drain: what is still on its way */
	deadline = t_end + (uint64_t)drain_ms * 1000000ull;
	for (;;) {
		bool all = true;

		poll_and_read();
		for (i = 0; i < n && all; i++)
			all = B.ch[i].rx_next >= B.frames_per_chan;
		t = now_ns();
		if (all || t >= deadline)
			break;
		sleep_until(t + B.wake_ns);
	}

	for (i = 0; i < n; i++) {
		struct chan *c = &B.ch[i];

		received += c->rx_frames;
		gap_frames += c->rx_gap_frames;
		gaps += c->rx_gaps;
		old += c->rx_old;
		corrupt += c->rx_corrupt;
		wrong += c->rx_wrong_chan;
		tail += B.frames_per_chan - c->rx_next;
	}
	if (offhook) {
		for (i = 0; i < n; i++) {
			int hook = DAHDI_ONHOOK;

			if (ioctl(B.ch[i].txfd, DAHDI_HOOK, &hook))
				die("DAHDI_HOOK on hook on channel %d: %m", B.ch[i].txno);
		}
	}
	for (i = 0; i < n; i++) {
		if (close(B.ch[i].txfd))
			die("close channel %d: %m", B.ch[i].txno);
		if (B.ch[i].rxfd != B.ch[i].txfd && close(B.ch[i].rxfd))
			die("close channel %d: %m", B.ch[i].rxno);
	}

	ms_window = slots * (uint64_t)B.fpb;
	expected = (uint64_t)n * B.frames_per_chan;
	qsort(B.lat, B.nlat, sizeof(*B.lat), cmp_u64);

	printf("# %s: window %.3f s (%llu slots of %d ms; the last slot ended %.1f ms late), drain %.1f ms\n",
	       prefix, (t_end - t_win0) / 1e9, (unsigned long long)slots, B.fpb,
	       (t_end - (t_win0 + slots * B.slot_ns)) / 1e6, (t - t_end) / 1e6);
	printf("# %s: slots written a slot or more late (catch-up): %llu of %llu; largest lag %.1f ms\n",
	       prefix, (unsigned long long)B.late_slots, (unsigned long long)slots,
	       B.max_lag_ns / 1e6);
	printf("# %s: frames received %llu of %llu; tx refused (EAGAIN) %llu; rx gaps %llu (%llu frames); never arrived %llu; out of order %llu; corrupt bytes %llu; wrong channel %llu; warm-up frames refused %llu\n",
	       prefix, (unsigned long long)received, (unsigned long long)expected,
	       (unsigned long long)B.tx_unwritten, (unsigned long long)gaps,
	       (unsigned long long)gap_frames, (unsigned long long)tail,
	       (unsigned long long)old, (unsigned long long)corrupt,
	       (unsigned long long)wrong, (unsigned long long)B.warm_unwritten);
	printf("# %s: window syscalls: %llu write, %llu read with data, %llu read without (EAGAIN), %llu poll; %.3f s inside them\n",
	       prefix, (unsigned long long)B.n_write, (unsigned long long)B.n_read,
	       (unsigned long long)B.n_read_eagain, (unsigned long long)B.n_poll,
	       B.sys_ns / 1e9);
	if (B.events) {
		printf("# %s: DAHDI events:", prefix);
		for (i = 0; i < 64; i++)
			if (B.event_counts[i])
				printf(" %s(%ld) x%llu", event_name((int)i), i,
				       (unsigned long long)B.event_counts[i]);
		printf("\n");
	}
	if (B.nlat)
		printf("# %s: latency samples %zu: min %.3f p50 %.3f p90 %.3f p99 %.3f max %.3f ms\n",
		       prefix, B.nlat, B.lat[0] / 1e6, pct(B.lat, B.nlat, 50) / 1e6,
		       pct(B.lat, B.nlat, 90) / 1e6, pct(B.lat, B.nlat, 99) / 1e6,
		       B.lat[B.nlat - 1] / 1e6);

	printf("result %s.channels %ld\n", prefix, n);
	printf("result %s.frames_expected %llu\n", prefix, (unsigned long long)expected);
	printf("result %s.lost_frames %llu\n", prefix,
	       (unsigned long long)(expected - received));
	printf("result %s.syscall_ns_per_chan_tick %.1f\n", prefix,
	       (double)B.sys_ns / ((double)n * (double)ms_window));
	if (B.nlat) {
		printf("result %s.loop_ms_p50 %.3f\n", prefix, pct(B.lat, B.nlat, 50) / 1e6);
		printf("result %s.loop_ms_p99 %.3f\n", prefix, pct(B.lat, B.nlat, 99) / 1e6);
	} else {
		printf("# %s: no latency sample arrived: loop_ms_p50/p99 not reported\n", prefix);
	}
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "ctl"))
		return cmd_ctl(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "audio"))
		return cmd_audio(argc - 2, argv + 2);
	fprintf(stderr,
		"usage: dahdibench ctl --chan C --cycles K\n"
		"       dahdibench audio --tx BASE --rx BASE --channels N --seconds S\n"
		"                        --blocksize B [--numbufs NB] [--offhook] [--emu-setup]\n"
		"                        [--flow-timeout S] [--settle-ms MS] [--drain-ms MS]\n"
		"                        --prefix P\n");
	return 1;
}
