// SPDX-License-Identifier: GPL-2.0
/*
 * telbench - the tel half of `make bench` (run in the VM by tests/bench/run)
 *
 *   telbench ctl    [--card C] [--channel CH] [--cycles K]
 *   telbench audio  --calls N [--seconds S] [--ptime MS] [--threads T]
 *                   [--prefix P] [--map]
 *   telbench mem    --calls N
 *   telbench cycles [--count K] [--threads T]
 *   telbench digits --calls N [--seconds S]
 *   telbench wake   --calls N [--seconds S] [--ptime MS] [--threads 0]
 *   telbench sync   --calls N [--count K]
 *
 * Every figure is printed as "result KEY VALUE"; tests/bench/run collects
 * them over several runs.  Documentation/performance.rst says what each
 * one means and how it is measured.  Any unexpected error exits 1.
 *
 * The far end is set through the emulator's control port ($TEL_EMU_CTL):
 * it answers at once ("far C CH answer 0") and, for audio, echoes.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/tel.h>
#include <spandsp.h>

#include "libtel.h"
#include "tel_test.h"

#define MAX_CARDS	16		/* the emulator's EMU_MAX_CARDS */
#define FRAME		8		/* bytes per 1 ms tick */
#define RING		2048		/* TEL_RING_BYTES */
#define NOOP_IOCTL	_IO('T', 0xff)	/* no such command: ENOTTY */

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("telbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void result(const char *key, double v)
{
	printf("result %s %.6g\n", key, v);
	fflush(stdout);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The @q quantile (0..1) of @n values; sorts them. */
static double quantile(uint64_t *v, size_t n, double q)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[(size_t)(q * (n - 1) + 0.5)];
}

/* ---- the card, sysfs, debugfs -------------------------------------- */

static int nr_cards(void)
{
	int n = 0;
	char path[64];

	for (;;) {
		snprintf(path, sizeof(path), "/sys/class/tel/tel%d", n);
		if (access(path, F_OK))
			return n;
		n++;
	}
}

static long card_channels(int card)
{
	return tel_sysfs_num(card, "channels");
}

/* A numeric field of debugfs tel/telN/perf; it must be there. */
static long long perf_num(int card, const char *key)
{
	long long v = tel_perf_num(card, key);

	if (v < 0)
		die("debugfs tel/tel%d/perf: no %s (debugfs mounted?)", card, key);
	return v;
}

/*
 * The driver's control-path phases (debugfs telN/perf, lines
 * "ctl NAME COUNT NS"), in the order the driver lists them.
 */
#define CTL_PHASES 32
struct ctl_phases {
	int n;
	char name[CTL_PHASES][32];
	long long count[CTL_PHASES], ns[CTL_PHASES];
};

static void perf_ctl(int card, struct ctl_phases *c)
{
	char path[96], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/tel/tel%d/perf", card);
	f = fopen(path, "r");
	if (!f)
		die("%s: %m", path);
	c->n = 0;
	while (fgets(line, sizeof(line), f) && c->n < CTL_PHASES)
		if (sscanf(line, "ctl %31s %lld %lld", c->name[c->n],
			   &c->count[c->n], &c->ns[c->n]) == 3)
			c->n++;
	fclose(f);
}

/* The tel module's ctl_accounting parameter (tel_debugfs.c). */
static void ctl_accounting(bool on)
{
	const char *path = "/sys/module/tel/parameters/ctl_accounting";
	FILE *f = fopen(path, "w");

	if (!f || fputs(on ? "Y" : "N", f) < 0 || fclose(f))
		die("%s: %m", path);
}

#define HIST 81
static void perf_hist(int card, uint64_t *hist)
{
	char path[96], line[2048], *p;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/sys/kernel/debug/tel/tel%d/perf", card);
	f = fopen(path, "r");
	if (!f)
		die("%s: %m", path);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "wake_hist ", 10))
			continue;
		p = line + 10;
		for (i = 0; i < HIST; i++)
			hist[i] = strtoull(p, &p, 10);
	}
	fclose(f);
}

static long meminfo_kb(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo: %m");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

static void emu(const char *fmt, int card, int ch, const char *arg)
{
	char reply[256];

	if (emu_cmd(reply, sizeof(reply), fmt, card, ch, arg))
		die("emulator: \"%s\" for %d/%d: %s", fmt, card, ch, reply);
}

/* Far end of card/channel: answers at once; audio @mode. */
static void far_setup(int card, int ch, const char *audio)
{
	emu("far %d %d %s 0", card, ch, "answer");
	emu("audio %d %d %s", card, ch, audio);
}

/* Read events until @handle is CONNECTED; counts the read() calls. */
static void wait_connected(int fd, uint32_t handle, unsigned int *reads)
{
	struct tel_event ev[8];
	ssize_t n;
	int i;

	for (;;) {
		n = read(fd, ev, sizeof(ev));
		if (reads)
			(*reads)++;
		if (n < 0)
			die("read events: %m");
		for (i = 0; i < n / (ssize_t)sizeof(ev[0]); i++) {
			if (ev[i].type != TEL_EVENT_STATE || ev[i].handle != handle)
				continue;
			if (ev[i].state == TEL_CALL_CONNECTED)
				return;
			if (ev[i].state == TEL_CALL_DISCONNECTED ||
			    ev[i].state == TEL_CALL_IDLE)
				die("call %u ended before it connected", handle);
		}
	}
}

/* ---- ctl: one call cycle, raw and through libtel, against the floor - */

#define BATCH 100

static void ctl(int card, int ch, int cycles)
{
	int fd = tel_open_card(card), batches = cycles / BATCH, b, i;
	uint64_t *raw = calloc(batches, sizeof(*raw));
	uint64_t *lib = calloc(batches, sizeof(*lib));
	uint64_t *floor_ns = calloc(batches, sizeof(*floor_ns));
	uint64_t wait_ns = 0, calls_ns = 0, step[4] = { 0 }, t0, t1, cmd0, cmdns0;
	uint64_t cmd1, cmdns1;
	unsigned int reads = 0;
	struct tel_card *lc;
	struct tel_call_record rec;
	struct tel_card_event ev;
	struct tel_call_info info;
	struct ctl_phases ph0, ph1;
	char key[64];

	if (fd < 0 || !raw || !lib || !floor_ns || batches < 1)
		die("ctl set-up: %m");
	far_setup(card, ch, "silence");

	/* the floor: the cheapest round trip into the driver */
	for (b = 0; b < batches; b++) {
		t0 = now_ns();
		for (i = 0; i < BATCH; i++)
			if (ioctl(fd, NOOP_IOCTL) != -1 || errno != ENOTTY)
				die("no-op ioctl did not fail with ENOTTY");
		floor_ns[b] = (now_ns() - t0) / BATCH;
	}

	/* raw ioctls: ALLOC, read() until CONNECTED, DROP, INFO, DEALLOC */
	cmd0 = perf_num(card, "cmds");
	cmdns0 = perf_num(card, "cmd_ns");
	for (b = -1; b < batches; b++) {	/* batch -1 warms up */
		t0 = now_ns();
		for (i = 0; i < BATCH; i++) {
			uint64_t t_alloc, t_wait, t_drop, t_info, t_dealloc, t_end;
			uint32_t h;

			t_alloc = now_ns();
			if (tel_alloc(fd, ch, "100", &h))
				die("ALLOC: %m");
			t_wait = now_ns();
			wait_connected(fd, h, b >= 0 ? &reads : NULL);
			t_drop = now_ns();
			if (tel_drop(fd, h, 0))
				die("DROP: %m");
			t_info = now_ns();
			if (tel_info(fd, h, &info))
				die("INFO: %m");
			t_dealloc = now_ns();
			if (tel_dealloc(fd, h))
				die("DEALLOC: %m");
			t_end = now_ns();
			if (b >= 0) {
				wait_ns += t_drop - t_wait;
				calls_ns += (t_wait - t_alloc) + (t_end - t_drop);
				step[0] += t_wait - t_alloc;
				step[1] += t_info - t_drop;
				step[2] += t_dealloc - t_info;
				step[3] += t_end - t_dealloc;
			}
		}
		t1 = now_ns();
		if (b >= 0)
			raw[b] = (t1 - t0) / BATCH;
	}
	/*
	 * The driver's own breakdown: as many cycles again with the module's
	 * ctl_accounting on (off for the timed ones above: the accounting's
	 * clock reads are not in their figures).
	 */
	cmd1 = perf_num(card, "cmds");	/* the mailbox of the timed ones */
	cmdns1 = perf_num(card, "cmd_ns");
	ctl_accounting(true);
	perf_ctl(card, &ph0);
	for (b = -1; b < batches; b++)
		for (i = 0; i < BATCH; i++) {
			uint32_t h;

			if (tel_alloc(fd, ch, "100", &h))
				die("ALLOC: %m");
			wait_connected(fd, h, NULL);
			if (tel_drop(fd, h, 0) || tel_info(fd, h, &info) ||
			    tel_dealloc(fd, h))
				die("DROP, INFO, DEALLOC: %m");
		}
	perf_ctl(card, &ph1);
	ctl_accounting(false);
	/* the events DROP queued (IDLE) are read by the next wait; drain */
	while (tel_wait_event(fd, 0xffff, (struct tel_event[1]){}, 50) == 0)
		;
	close(fd);
	result("ctl.raw.cycle_ns", quantile(raw, batches, 0.5));
	result("ctl.raw.syscalls", 4.0 + (double)reads / (batches * BATCH));
	result("ctl.raw.wait_connected_ns",
	       (double)wait_ns / (batches * BATCH));
	/* ALLOC, DROP, INFO, DEALLOC: the ioctls that do not wait for the far end */
	result("ctl.raw.ioctls_ns", (double)calls_ns / (batches * BATCH));
	result("ctl.raw.alloc_ns", (double)step[0] / (batches * BATCH));
	result("ctl.raw.drop_ns", (double)step[1] / (batches * BATCH));
	result("ctl.raw.info_ns", (double)step[2] / (batches * BATCH));
	result("ctl.raw.dealloc_ns", (double)step[3] / (batches * BATCH));
	result("ctl.card_cmds_per_cycle",
	       (double)(cmd1 - cmd0) / ((batches + 1) * BATCH));
	result("ctl.card_cmd_ns",
	       (double)(cmdns1 - cmdns0) / (cmd1 - cmd0));
	result("ctl.floor.noop_ns", quantile(floor_ns, batches, 0.5));
	/*
	 * The driver's own breakdown of the accounted cycles, warm-up batch
	 * included: ns and runs per cycle.
	 */
	for (i = 0; i < ph1.n && ph0.n == ph1.n; i++) {
		snprintf(key, sizeof(key), "ctl.phase.%s_ns", ph1.name[i]);
		result(key, (double)(ph1.ns[i] - ph0.ns[i]) /
		       ((batches + 1) * BATCH));
		snprintf(key, sizeof(key), "ctl.phase.%s_runs", ph1.name[i]);
		result(key, (double)(ph1.count[i] - ph0.count[i]) /
		       ((batches + 1) * BATCH));
	}

	/* the same cycle through libtel */
	lc = tel_card_open(card);
	if (!lc)
		die("tel_card_open: %m");
	for (b = -1; b < batches; b++) {
		t0 = now_ns();
		for (i = 0; i < BATCH; i++) {
			struct tel_call *c = tel_call_dial(lc, ch, "100");

			if (!c)
				die("tel_call_dial: %m");
			if (tel_call_wait_state(c, TEL_CALL_CONNECTED, 5000) ||
			    tel_call_drop(c, 0) || tel_call_get_record(c, &rec) ||
			    tel_call_dealloc(c))
				die("libtel cycle: %m");
			/*
			 * Read the events the wait kept, as a program does:
			 * with its queue full, the library would re-read the
			 * record every 10 ms instead of sleeping on events.
			 */
			while (!tel_card_read_event(lc, &ev, 0))
				;
		}
		t1 = now_ns();
		if (b >= 0)
			lib[b] = (t1 - t0) / BATCH;
	}
	tel_card_close(lc);
	result("ctl.libtel.cycle_ns", quantile(lib, batches, 0.5));
	free(raw);
	free(lib);
	free(floor_ns);
}

/* ---- audio: N calls carrying audio both ways ----------------------- */

struct bcall {
	int fd, card, ch;
	uint32_t handle;
	uint64_t tx_pos;	/* pattern bytes written */
	uint64_t rx_pos;	/* pattern bytes seen back */
	uint64_t t_start;	/* first pattern byte written */
	uint64_t seq_errors;
	/* --map: the call's rings in place, and what a period moves */
	volatile struct tel_map_ctl *ctl;
	uint8_t *map_base, *rx, *tx;
	uint32_t ring, map_len;
	uint8_t *txbuf, *rxbuf;
	uint32_t tx_due, rx_got;
};

static __thread uint64_t audio_ioctls;	/* READ and WRITE made by this thread */

static uint8_t pat(uint64_t pos)
{
	return pos % 255;	/* never 0xff, the silence of the echo */
}

/* Write the pattern up to @want bytes ahead of time; false if the call ended */
static bool feed(struct bcall *c, uint64_t want, uint64_t *sys_ns)
{
	uint8_t buf[RING];
	uint32_t n = want > c->tx_pos ? want - c->tx_pos : 0;
	uint64_t t;
	int got;
	uint32_t i;

	if (n > RING)
		n = RING;
	if (!n)
		return true;
	for (i = 0; i < n; i++)
		buf[i] = pat(c->tx_pos + i);
	t = now_ns();
	got = tel_audio(c->fd, TEL_IOC_CALL_WRITE, c->handle, buf, n, 0);
	*sys_ns += now_ns() - t;
	audio_ioctls++;
	if (got < 0)
		return errno == EAGAIN;
	c->tx_pos += got;
	return true;
}

/*
 * The echo of the pattern must come back whole and in order; silence
 * (0xff: before the first frame, or the echo of an underrun) is skipped.
 * A gap is counted and skipped over (modulo the pattern's period).
 */
static void check_rx(struct bcall *c, const uint8_t *buf, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (buf[i] == 0xff)
			continue;
		if (buf[i] != pat(c->rx_pos)) {
			c->seq_errors++;
			c->rx_pos += (buf[i] + 255 - pat(c->rx_pos)) % 255;
		}
		c->rx_pos++;
	}
}

static int drain(struct bcall *c, uint64_t *sys_ns, uint32_t flags)
{
	uint8_t buf[RING];
	uint64_t t = now_ns();
	int n = tel_audio(c->fd, TEL_IOC_CALL_READ, c->handle, buf, sizeof(buf),
			  flags);

	audio_ioctls++;
	if (sys_ns)
		*sys_ns += now_ns() - t;
	if (n > 0)
		check_rx(c, buf, n);
	return n;
}

/*
 * The application: each worker serves its share of the calls every ptime
 * ms, as a media server would: what the clock says is due is written
 * (primed three periods ahead), everything received is read.  No read
 * waits: the CPU phase has no sleeping reader for the tick to wake.
 */
struct worker {
	pthread_t tid;
	struct bcall *calls;
	int n;
	int ptime_ms;
	uint64_t start_ns, end_ns, prime;
	uint64_t sys_ns;	/* inside CALL_READ/CALL_WRITE, until the window ends */
	uint64_t late;		/* periods started more than one period late */
	atomic_bool *handover;	/* calls[0] is to go to the probe */
	atomic_bool handed;	/* it went */
	uint64_t window_end_ns;
	/* --map: one CALLS_SYNC per card file per period, for all its calls */
	bool map;
	const int *fds;
	int nfds;
	uint64_t syscalls;	/* made in the window */
};

/*
 * --map, the timed part of one period: for every call the bytes due
 * copied into its transmit ring and what the last sync said was received
 * copied out of its receive ring, in place, indices moved (what READ and
 * WRITE do in the kernel, without the system calls); then one
 * TEL_IOC_CALLS_SYNC per card file, which takes them to the card and
 * brings the card's indices back for the next period.  Making the
 * pattern and checking the echo are not part of it, as they are not in
 * the ioctl way's timing.
 */
static void map_period(struct worker *w)
{
	struct tel_calls_sync sync = { 0 };
	int i;

	for (i = 0; i < w->n; i++) {
		struct bcall *c = &w->calls[i];
		uint32_t mask = c->ring - 1, head, tail, n, off, first;

		head = c->ctl->tx_head;
		tail = __atomic_load_n(&c->ctl->tx_tail, __ATOMIC_ACQUIRE);
		n = c->ring - (head - tail);
		if (n > c->tx_due)
			n = c->tx_due;
		off = head & mask;
		first = n < c->ring - off ? n : c->ring - off;
		memcpy(c->tx + off, c->txbuf, first);
		memcpy(c->tx, c->txbuf + first, n - first);
		__atomic_store_n(&c->ctl->tx_head, head + n, __ATOMIC_RELEASE);
		c->tx_due = n;		/* what went */

		tail = c->ctl->rx_tail;
		head = __atomic_load_n(&c->ctl->rx_head, __ATOMIC_ACQUIRE);
		n = head - tail;
		if (n > c->ring)
			die("call %u: rx_head %u, rx_tail %u", c->handle, head, tail);
		off = tail & mask;
		first = n < c->ring - off ? n : c->ring - off;
		memcpy(c->rxbuf, c->rx + off, first);
		memcpy(c->rxbuf + first, c->rx, n - first);
		__atomic_store_n(&c->ctl->rx_tail, head, __ATOMIC_RELEASE);
		c->rx_got = n;
	}
	for (i = 0; i < w->nfds; i++)
		if (ioctl(w->fds[i], TEL_IOC_CALLS_SYNC, &sync) < 0)
			die("CALLS_SYNC: %m");
}

/* --map: the bytes due of every call made ready, the period run, the echo checked */
static void map_serve(struct worker *w, uint64_t t, uint64_t *sys)
{
	uint64_t t0;
	int i, k;

	for (i = 0; i < w->n; i++) {
		struct bcall *c = &w->calls[i];
		uint64_t want = (t - c->t_start) / 1000000 * FRAME + w->prime;

		c->tx_due = want > c->tx_pos ? want - c->tx_pos : 0;
		if (c->tx_due > c->ring)
			c->tx_due = c->ring;
		for (k = 0; k < (int)c->tx_due; k++)
			c->txbuf[k] = pat(c->tx_pos + k);
	}
	t0 = now_ns();
	map_period(w);
	*sys += now_ns() - t0;
	for (i = 0; i < w->n; i++) {
		struct bcall *c = &w->calls[i];

		c->tx_pos += c->tx_due;
		check_rx(c, c->rxbuf, c->rx_got);
	}
}

/* --map: map every call (after its set-up audio was read away) */
static void map_calls(struct bcall *calls, int ncalls)
{
	struct tel_card_info info = { 0 };
	int i;

	if (ioctl(calls[0].fd, TEL_IOC_CARD_INFO, &info) ||
	    !(info.features & TEL_FEAT_MMAP))
		die("--map: the driver cannot map rings");
	for (i = 0; i < ncalls; i++) {
		struct bcall *c = &calls[i];
		struct tel_call_map m = { .handle = c->handle };
		uint8_t *p;

		if (ioctl(c->fd, TEL_IOC_CALL_MAP, &m))
			die("MAP: %m");
		p = mmap(NULL, m.length, PROT_READ | PROT_WRITE, MAP_SHARED,
			 c->fd, m.offset);
		if (p == MAP_FAILED)
			die("mmap: %m");
		c->map_base = p;
		c->ctl = (volatile struct tel_map_ctl *)(p + m.ctl_offset);
		c->rx = p + m.rx_offset;
		c->tx = p + m.tx_offset;
		c->ring = m.ring_bytes;
		c->map_len = m.length;
		c->txbuf = malloc(c->ring);
		c->rxbuf = malloc(c->ring);
		if (!c->txbuf || !c->rxbuf || c->ring & (c->ring - 1))
			die("--map set-up");
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t period = (uint64_t)w->ptime_ms * 1000000, next = w->start_ns;
	uint64_t dummy = 0;
	int i;

	while (now_ns() < w->end_ns) {
		uint64_t t = now_ns();

		if (t < next) {
			struct timespec ts = {
				.tv_sec = (next - t) / 1000000000,
				.tv_nsec = (next - t) % 1000000000,
			};
			nanosleep(&ts, NULL);
		} else if (t > next + period && t < w->window_end_ns) {
			w->late++;
		}
		next += period;
		t = now_ns();
		if (w->map) {
			map_serve(w, t, t < w->window_end_ns ? &w->sys_ns : &dummy);
			if (t < w->window_end_ns)
				w->syscalls += w->nfds;
			continue;
		}
		if (t < w->window_end_ns)
			w->syscalls -= audio_ioctls;
		for (i = 0; i < w->n; i++) {
			struct bcall *c = &w->calls[i];
			uint64_t *sys = t < w->window_end_ns ? &w->sys_ns : &dummy;

			if (i == 0 && w->handover && atomic_load(w->handover)) {
				atomic_store(&w->handed, true);
				continue;
			}
			if (!feed(c, (t - c->t_start) / 1000000 * FRAME + w->prime,
				  sys))
				die("WRITE on call %u: %m", c->handle);
			if (drain(c, sys, 0) < 0 && errno != EAGAIN)
				die("READ on call %u: %m", c->handle);
		}
		if (t < w->window_end_ns)
			w->syscalls += audio_ioctls;
	}
	return NULL;
}

/*
 * The probe, after the CPU window: call 0 read with F_WAIT, which returns
 * as soon as the tick brings a frame, and fed as it drains.  Its sleeps
 * are what the driver's wake-up latency histogram counts.
 */
struct probe {
	pthread_t tid;
	struct bcall *c;
	atomic_bool stop;
	uint64_t prime;
};

static void *probe_main(void *arg)
{
	struct probe *p = arg;
	uint64_t dummy = 0;
	int n;

	while (!atomic_load(&p->stop)) {
		n = drain(p->c, NULL, TEL_AUDIO_F_WAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			die("probe READ: %m");
		if (!feed(p->c, p->c->rx_pos + p->prime, &dummy))
			die("probe WRITE: %m");
	}
	return NULL;
}

struct snap {
	long long tick_ns, tick_frames, tick_irqs, missed;
	long long emu_cpu_ns, emu_ticks;	/* the emulated card's own cost */
};

static void snap(int cards, struct snap *s)
{
	char reply[512];
	int c;

	for (c = 0; c < cards; c++) {
		s[c].tick_ns = perf_num(c, "tick_ns");
		s[c].tick_frames = perf_num(c, "tick_frames");
		s[c].tick_irqs = perf_num(c, "tick_irqs");
		s[c].missed = tel_sysfs_num(c, "missed_ticks");
		s[c].emu_cpu_ns = s[c].emu_ticks = -1;
		if (!emu_cmd(reply, sizeof(reply), "card %d", c)) {
			s[c].emu_cpu_ns = emu_num(reply, "tick_cpu_ns");
			s[c].emu_ticks = emu_num(reply, "ticks_run");
		}
	}
}

static void hist_snap(int cards, uint64_t *hist)
{
	uint64_t h[HIST];
	int c, i;

	memset(hist, 0, HIST * sizeof(*hist));
	for (c = 0; c < cards; c++) {
		perf_hist(c, h);
		for (i = 0; i < HIST; i++)
			hist[i] += h[i];
	}
}

/*
 * Frames the card could not move for these calls: overruns + underruns;
 * the underruns alone in @under.
 */
static uint64_t calls_lost(struct bcall *calls, int n, uint64_t *under)
{
	struct tel_call_info info;
	uint64_t lost = 0;
	int i;

	*under = 0;
	for (i = 0; i < n; i++) {
		if (tel_info(calls[i].fd, calls[i].handle, &info))
			die("INFO: %m");
		lost += info.rx_overruns + info.tx_underruns;
		*under += info.tx_underruns;
	}
	return lost;
}

static char pfx[32] = "audio";

static void res(const char *name, double v)
{
	char key[96];

	snprintf(key, sizeof(key), "%s.%s", pfx, name);
	result(key, v);
}

static void audio(int ncalls, int seconds, int ptime, int nthreads, bool map)
{
	int cards = nr_cards(), fds[MAX_CARDS], per_card[MAX_CARDS] = { 0 };
	struct bcall *calls = calloc(ncalls, sizeof(*calls));
	struct worker w[16];
	struct probe probe = { 0 };
	struct snap s0[MAX_CARDS], s1[MAX_CARDS];
	uint64_t prime = 3 * ptime * FRAME, t0, t1, sys = 0, late = 0, errs = 0;
	uint64_t syscalls = 0, under0, under1;
	uint64_t h0[HIST], h1[HIST], hist_n = 0, lost0, lost1, *lat;
	double chan_ticks = 0, tick_ns = 0, missed = 0, ticks = 0, irqs = 0;
	double emu_ns = 0, emu_ticks = 0;
	double window_ms;
	atomic_bool handover = false;
	int i, c, total = 0, nlat = 0;

	if (!calls || cards < 1 || cards > MAX_CARDS)
		die("audio set-up");
	if (nthreads < 1 || nthreads > 16)
		die("--threads 1..16");
	if (nthreads > ncalls)
		nthreads = ncalls;
	if (map)
		nthreads = 1;	/* one sync per card per period, for all calls */
	for (c = 0; c < cards; c++) {
		fds[c] = tel_open_card(c);
		if (fds[c] < 0)
			die("open tel%d: %m", c);
		total += card_channels(c);
	}
	if (ncalls > total)
		die("%d calls, only %d channels", ncalls, total);

	/* calls spread round-robin over the cards */
	for (i = 0; i < ncalls; i++) {
		struct bcall *b = &calls[i];

		b->card = i % cards;
		b->ch = per_card[b->card]++;
		b->fd = fds[b->card];
		far_setup(b->card, b->ch, "echo");
		if (tel_alloc(b->fd, b->ch, "100", &b->handle))
			die("ALLOC %d/%d: %m", b->card, b->ch);
	}
	for (i = 0; i < ncalls; i++)
		if (tel_wait_state(calls[i].fd, calls[i].handle,
				   TEL_CALL_CONNECTED, TEL_WAIT_MS))
			die("call %d did not connect", i);
	/* what arrived while the others were set up is not part of it */
	for (i = 0; i < ncalls; i++) {
		while (drain(&calls[i], NULL, 0) > 0)
			;
		calls[i].rx_pos = 0;
		calls[i].seq_errors = 0;
	}
	if (map)
		map_calls(calls, ncalls);

	/* ---- the window: CPU, lost frames, the application's syscalls ---- */
	snap(cards, s0);
	lost0 = calls_lost(calls, ncalls, &under0);
	/* no underrun counts before a call's first write: prime each, then feed */
	for (i = 0; i < ncalls && !map; i++) {
		calls[i].t_start = now_ns();
		if (!feed(&calls[i], prime, &sys))
			die("prime: %m");
	}
	if (map) {
		/* primed as the ioctl way is, in one period, untimed */
		struct worker pw = {
			.calls = calls, .n = ncalls, .prime = prime, .map = true,
			.fds = fds, .nfds = ncalls < cards ? ncalls : cards,
		};

		t0 = now_ns();
		for (i = 0; i < ncalls; i++)
			calls[i].t_start = t0;
		map_serve(&pw, t0, &sys);
	}
	sys = 0;
	t0 = now_ns();
	for (i = 0; i < nthreads; i++) {
		int lo = ncalls * i / nthreads, hi = ncalls * (i + 1) / nthreads;

		w[i] = (struct worker){
			.calls = calls + lo, .n = hi - lo, .ptime_ms = ptime,
			.start_ns = t0, .prime = prime,
			.window_end_ns = t0 + seconds * 1000000000ull,
			.end_ns = t0 + (seconds + 5) * 1000000000ull,
			.handover = i == 0 && !map ? &handover : NULL,
			.map = map, .fds = fds, .nfds = ncalls < cards ? ncalls : cards,
		};
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]))
			die("pthread_create");
	}
	usleep(seconds * 1000000);
	t1 = now_ns();
	snap(cards, s1);
	lost1 = calls_lost(calls, ncalls, &under1);
	window_ms = (t1 - t0) / 1e6;

	if (map) {
		/* no probe: READ on a mapped call would stale its indices */
		for (i = 0; i < nthreads; i++) {
			pthread_join(w[i].tid, NULL);
			sys += w[i].sys_ns;
			late += w[i].late;
			syscalls += w[i].syscalls;
		}
		goto report;
	}
	/* ---- 4 s more: the probe takes call 0, the others go on ---- */
	atomic_store(&handover, true);
	while (!atomic_load(&w[0].handed))
		usleep(1000);
	hist_snap(cards, h0);
	probe.c = &calls[0];
	probe.prime = prime;
	if (pthread_create(&probe.tid, NULL, probe_main, &probe))
		die("pthread_create");
	sleep(4);
	hist_snap(cards, h1);
	atomic_store(&probe.stop, true);
	pthread_join(probe.tid, NULL);
	for (i = 0; i < nthreads; i++) {
		pthread_join(w[i].tid, NULL);
		sys += w[i].sys_ns;
		late += w[i].late;
		syscalls += w[i].syscalls;
	}

report:
	for (c = 0; c < cards; c++) {
		int on_card = (ncalls - c + cards - 1) / cards;

		tick_ns += s1[c].tick_ns - s0[c].tick_ns;
		chan_ticks += (double)on_card * (s1[c].tick_frames - s0[c].tick_frames);
		ticks += s1[c].tick_frames - s0[c].tick_frames;
		irqs += s1[c].tick_irqs - s0[c].tick_irqs;
		missed += s1[c].missed - s0[c].missed;
		emu_ns += s1[c].emu_cpu_ns - s0[c].emu_cpu_ns;
		emu_ticks += s1[c].emu_ticks - s0[c].emu_ticks;
	}
	for (i = 0; i < ncalls; i++)
		errs += calls[i].seq_errors;
	for (i = 0; i < HIST && !map; i++)
		hist_n += h1[i] - h0[i];
	/* median and p99 of the driver-added latency: bucket upper edges */
	if (hist_n && !map) {
		uint64_t acc = 0;
		double p50 = -1, p99 = -1;

		for (i = 0; i < HIST; i++) {
			acc += h1[i] - h0[i];
			if (p50 < 0 && acc * 2 >= hist_n)
				p50 = (i + 1) * 0.05;
			if (p99 < 0 && acc * 100 >= hist_n * 99)
				p99 = (i + 1) * 0.05;
		}
		res("driver_latency_ms_p50", p50);
		res("driver_latency_ms_p99", p99);
	}
	res("calls", ncalls);
	res("window_ms", window_ms);
	res("frames_expected", ncalls * window_ms);
	res("lost_frames", (double)(lost1 - lost0));
	res("tx_underruns", (double)(under1 - under0));
	res("seq_errors", (double)errs);
	res("card_late_ticks", missed);
	res("app_late_periods", (double)late);
	res("tick_irqs_per_s", irqs / (window_ms / 1000) / cards);
	res("tick_ns_per_chan_tick", chan_ticks ? tick_ns / chan_ticks : 0);
	res("tick_ns_per_tick", ticks ? tick_ns / ticks : 0);
	/*
	 * The emulated card runs on the host, one process for all cards: its
	 * CPU per 1 ms of all cards' ticks says whether the host can play the
	 * card at this count (it must stay well under 1 ms)
	 */
	res("emu_tick_us_per_ms", emu_ticks ? emu_ns / 1e3 / (emu_ticks / cards) : 0);
	res("syscall_ns_per_chan_tick", sys / (ncalls * window_ms));
	/* the window's audio system calls: READs and WRITEs, or the syncs */
	res("syscalls_per_s", syscalls / (window_ms / 1000));
	if (map) {
		for (i = 0; i < ncalls; i++) {
			munmap(calls[i].map_base, calls[i].map_len);
			free(calls[i].txbuf);
			free(calls[i].rxbuf);
		}
		goto out;
	}
	res("latency_samples", (double)hist_n);

	/*
	 * Write-to-read loop latency on call 0 alone: one frame into an
	 * empty tx ring, the time until its echo is read back.
	 */
	lat = calloc(200, sizeof(*lat));
	while (drain(&calls[0], NULL, 0) > 0)
		;
	usleep(prime / FRAME * 1000 + 5000);	/* its tx ring runs empty */
	while (drain(&calls[0], NULL, 0) > 0)
		;
	for (i = 0; i < 200; i++) {
		uint8_t f[FRAME], buf[RING];
		uint64_t ts;
		bool seen = false;
		int n, j;

		for (j = 0; j < FRAME; j++)
			f[j] = 0x10 + (i % 8) * 8 + j;	/* no 0xff */
		ts = now_ns();
		if (tel_audio(calls[0].fd, TEL_IOC_CALL_WRITE, calls[0].handle,
			      f, FRAME, 0) != FRAME)
			die("loop WRITE: %m");
		while (!seen) {
			n = tel_audio(calls[0].fd, TEL_IOC_CALL_READ,
				      calls[0].handle, buf, sizeof(buf),
				      TEL_AUDIO_F_WAIT);
			if (n < 0)
				die("loop READ: %m");
			for (j = 0; j + FRAME <= n; j++)
				if (!memcmp(buf + j, f, FRAME))
					seen = true;
			if (now_ns() - ts > 1000000000ull)
				die("loop: frame not echoed in 1 s");
		}
		lat[nlat++] = now_ns() - ts;
		usleep(1000 + rand() % 3000);
	}
	res("loop_ms_p50", quantile(lat, nlat, 0.5) / 1e6);
	res("loop_ms_p99", quantile(lat, nlat, 0.99) / 1e6);
	free(lat);
out:
	for (c = 0; c < cards; c++)
		close(fds[c]);	/* drops and deallocates every call */
	free(calls);
}

/* ---- memory --------------------------------------------------------- */

struct mem {
	long long calls, dma, slab;
	long sunreclaim_kb;
};

static void mem_snap(struct mem *m)
{
	int c, cards = nr_cards();

	memset(m, 0, sizeof(*m));
	for (c = 0; c < cards; c++) {
		m->calls += perf_num(c, "calls");
		m->dma += perf_num(c, "dma_bytes");
		m->slab += perf_num(c, "slab_bytes");
	}
	m->sunreclaim_kb = meminfo_kb("SUnreclaim");
}

static void mem_result(const char *what, const struct mem *a,
		       const struct mem *b, int n)
{
	char key[96];

	snprintf(key, sizeof(key), "mem.%s.dma_bytes", what);
	result(key, (double)(b->dma - a->dma) / n);
	snprintf(key, sizeof(key), "mem.%s.driver_slab_bytes", what);
	result(key, (double)(b->slab - a->slab) / n);
	snprintf(key, sizeof(key), "mem.%s.kernel_slab_bytes", what);
	result(key, (double)(b->sunreclaim_kb - a->sunreclaim_kb) * 1024 / n);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) < 0)
		die("%s: %m", path);
	close(fd);
}

static void mem(int ncalls)
{
	int cards = nr_cards(), fds[MAX_CARDS], per_card[MAX_CARDS] = { 0 };
	uint32_t *h = calloc(ncalls, sizeof(*h));
	int *fdof = calloc(ncalls, sizeof(*fdof));
	char addr[MAX_CARDS][64];
	struct mem m0, m1, m2, m3, m4;
	long total = 0;
	int i, c;

	if (!h || !fdof)
		die("mem set-up");
	for (c = 0; c < cards; c++) {
		fds[c] = tel_open_card(c);
		if (fds[c] < 0)
			die("open: %m");
		total += card_channels(c);
	}
	if (ncalls > total)
		die("too many calls");
	sleep(1);
	mem_snap(&m0);
	for (i = 0; i < ncalls; i++) {
		c = i % cards;
		far_setup(c, per_card[c], "silence");
		fdof[i] = fds[c];
		if (tel_alloc(fds[c], per_card[c]++, "100", &h[i]))
			die("ALLOC: %m");
	}
	for (i = 0; i < ncalls; i++)
		if (tel_wait_state(fdof[i], h[i], TEL_CALL_CONNECTED,
				   TEL_WAIT_MS))
			die("no connect");
	sleep(1);
	mem_snap(&m1);
	for (i = 0; i < ncalls; i++)
		if (tel_drop(fdof[i], h[i], 0))
			die("DROP: %m");
	sleep(1);
	mem_snap(&m2);
	for (i = 0; i < ncalls; i++)
		if (tel_dealloc(fdof[i], h[i]))
			die("DEALLOC: %m");
	for (c = 0; c < cards; c++)
		close(fds[c]);
	sleep(1);
	mem_snap(&m3);
	mem_result("active", &m0, &m1, ncalls);
	mem_result("dropped", &m0, &m2, ncalls);
	result("mem.after_dealloc.calls", m3.calls - m0.calls);
	result("mem.after_dealloc.dma_bytes", m3.dma - m0.dma);
	result("mem.after_dealloc.driver_slab_bytes", m3.slab - m0.slab);

	/* an idle channel: what a bound card holds, per channel */
	for (c = 0; c < cards; c++) {
		char link[128], target[256];
		ssize_t n;

		snprintf(link, sizeof(link), "/sys/class/tel/tel%d/device", c);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			die("%s: %m", link);
		target[n] = '\0';
		snprintf(addr[c], sizeof(addr[c]), "%s", strrchr(target, '/') + 1);
	}
	for (c = 0; c < cards; c++)
		write_file("/sys/bus/pci/drivers/tel/unbind", addr[c]);
	sleep(1);
	mem_snap(&m4);
	for (c = 0; c < cards; c++)
		write_file("/sys/bus/pci/drivers/tel/bind", addr[c]);
	sleep(1);
	mem_snap(&m3);
	result("mem.idle_channel.dma_bytes", (double)m3.dma / total);
	result("mem.idle_channel.kernel_slab_bytes",
	       (double)(m3.sunreclaim_kb - m4.sunreclaim_kb) * 1024 / total);
	free(h);
	free(fdof);
}

/* ---- cycles: many call cycles, then back to the baseline ----------- */

struct cyc {
	pthread_t tid;
	int card, ch, count;
};

static void *cyc_main(void *arg)
{
	struct cyc *y = arg;
	int fd = tel_open_card(y->card), i;
	struct tel_call_info info;

	if (fd < 0)
		die("open: %m");
	for (i = 0; i < y->count; i++) {
		uint32_t h;

		if (tel_alloc(fd, y->ch, "100", &h))
			die("ALLOC %d/%d: %m", y->card, y->ch);
		wait_connected(fd, h, NULL);
		if (tel_drop(fd, h, 0) || tel_info(fd, h, &info) ||
		    tel_dealloc(fd, h))
			die("cycle: %m");
	}
	close(fd);
	return NULL;
}

static void cycles(int count, int nthreads)
{
	int cards = nr_cards(), i;
	struct cyc *y = calloc(nthreads, sizeof(*y));
	struct mem m0, m1;
	uint64_t t0;

	if (!y)
		die("calloc");
	for (i = 0; i < nthreads; i++) {
		y[i].card = i % cards;
		y[i].ch = i / cards;
		y[i].count = count / nthreads + (i < count % nthreads);
		far_setup(y[i].card, y[i].ch, "silence");
	}
	sleep(1);
	mem_snap(&m0);
	t0 = now_ns();
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&y[i].tid, NULL, cyc_main, &y[i]))
			die("pthread_create");
	for (i = 0; i < nthreads; i++)
		pthread_join(y[i].tid, NULL);
	result("cycles.count", count);
	result("cycles.per_s", count / ((now_ns() - t0) / 1e9));
	sleep(1);
	mem_snap(&m1);
	result("cycles.before.calls", m0.calls);
	result("cycles.after.calls", m1.calls);
	result("cycles.before.dma_bytes", m0.dma);
	result("cycles.after.dma_bytes", m1.dma);
	result("cycles.before.driver_slab_bytes", m0.slab);
	result("cycles.after.driver_slab_bytes", m1.slab);
	result("cycles.kernel_slab_delta_bytes",
	       (double)(m1.sunreclaim_kb - m0.sunreclaim_kb) * 1024);
	free(y);
}

/* ---- digits: the driver's cost per digit event, and of monitoring ---- */

struct ev_snap {
	long long tick_irqs, tick_ns, ev_runs, events, ev_ns;
};

static void ev_snap(int cards, struct ev_snap *s)
{
	int c;

	memset(s, 0, sizeof(*s));
	for (c = 0; c < cards; c++) {
		s->tick_irqs += perf_num(c, "tick_irqs");
		s->tick_ns += perf_num(c, "tick_ns");
		s->ev_runs += perf_num(c, "ev_runs");
		s->events += perf_num(c, "events");
		s->ev_ns += perf_num(c, "ev_ns");
	}
}

/*
 * The peer: detection in software on the host, as an application does
 * with DAHDI's in-band audio (Asterisk's DSP; here spandsp's detector, the
 * one the emulated card runs): CPU per call-second of mu-law audio
 * carrying the same digits.  Measured on the same guest CPU, in this run.
 */
static void sw_detector(void)
{
	enum { SECS = 4, N = SECS * 8000 };
	static int16_t lin[N];
	static uint8_t law[N];
	dtmf_tx_state_t *gen = dtmf_tx_init(NULL);
	dtmf_rx_state_t *det;
	uint64_t t0, best = UINT64_MAX;
	int i, k, rep;

	if (!gen)
		die("dtmf_tx_init");
	dtmf_tx_set_timing(gen, 40, 40);
	for (i = 0; i < N; ) {
		k = dtmf_tx(gen, lin + i, N - i);
		if (k <= 0 && dtmf_tx_put(gen, "0123456789*#ABCD", -1))
			die("dtmf_tx_put");
		i += k > 0 ? k : 0;
	}
	for (i = 0; i < N; i++)
		law[i] = linear_to_ulaw(lin[i]);
	for (rep = 0; rep < 5; rep++) {
		det = dtmf_rx_init(NULL, NULL, NULL);
		t0 = now_ns();
		for (i = 0; i < N; i += 160) {	/* 20 ms blocks */
			int16_t blk[160];

			for (k = 0; k < 160; k++)
				blk[k] = ulaw_to_linear(law[i + k]);
			dtmf_rx(det, blk, 160);
		}
		t0 = now_ns() - t0;
		if (t0 < best)
			best = t0;
		dtmf_rx_free(det);
	}
	dtmf_tx_free(gen);
	result("digits.sw_ns_per_call_s", (double)best / SECS);
}

/*
 * N connected calls whose far ends play digits back to back (40 ms tones,
 * 40 ms gaps: Q.24's fastest, 12.5 a second per call).  The card's DSP
 * detects them; the driver's share is its event path (debugfs ev_ns over
 * events) and its tick, which monitoring must not change (tick_ns per
 * tick, the same seconds with monitoring off, then on).  Every DIGIT event
 * is read by the application, as an IVR would.
 */
static void digits_bench(int ncalls, int seconds)
{
	int cards = nr_cards(), fds[MAX_CARDS], i, c;
	struct { int card, ch; uint32_t h; } *calls = calloc(ncalls, sizeof(*calls));
	struct ev_snap a, b, d;
	long long got = 0;
	uint64_t end;

	if (!calls || cards <= 0 || cards > MAX_CARDS)
		die("digits: %d cards, or no memory", cards);
	for (c = 0; c < cards; c++) {
		fds[c] = tel_open_card(c);
		if (fds[c] < 0)
			die("open tel%d: %m", c);
	}
	for (i = 0; i < ncalls; i++) {
		calls[i].card = i % cards;
		calls[i].ch = i / cards;
		if (calls[i].ch >= card_channels(calls[i].card))
			die("digits: %d calls need more channels", ncalls);
		far_setup(calls[i].card, calls[i].ch, "silence");
		if (tel_alloc(fds[calls[i].card], calls[i].ch, "100", &calls[i].h))
			die("alloc: %m");
	}
	for (i = 0; i < ncalls; i++)	/* by INFO: the events are mixed */
		if (tel_wait_state(fds[calls[i].card], calls[i].h,
				   TEL_CALL_CONNECTED, TEL_WAIT_MS))
			die("call %u did not connect", calls[i].h);

	/* monitoring off: the tick alone */
	ev_snap(cards, &a);
	sleep(seconds);
	ev_snap(cards, &b);
	result("digits.calls", ncalls);
	result("digits.off_tick_ns", (double)(b.tick_ns - a.tick_ns) /
	       (b.tick_irqs - a.tick_irqs));

	for (i = 0; i < ncalls; i++) {
		struct tel_call_monitor m = {
			.handle = calls[i].h, .flags = TEL_MONITOR_F_DIGITS,
		};

		if (ioctl(fds[calls[i].card], TEL_IOC_CALL_MONITOR, &m))
			die("monitor: %m");
	}
	ev_snap(cards, &a);
	end = now_ns() + (uint64_t)seconds * 1000000000ull;
	while (now_ns() < end) {
		struct pollfd pfd[MAX_CARDS];
		struct tel_event ev[32];

		for (i = 0; i < ncalls; i++)	/* "err busy" while playing */
			emu_cmd(NULL, 0, "digits %d %d 0123456789*#ABCD 40 40",
				calls[i].card, calls[i].ch);
		for (c = 0; c < cards; c++)
			pfd[c] = (struct pollfd){ .fd = fds[c], .events = POLLIN };
		if (poll(pfd, (nfds_t)cards, 100) < 0)
			die("poll: %m");
		for (c = 0; c < cards; c++) {
			ssize_t n;

			if (!(pfd[c].revents & POLLIN))
				continue;
			n = read(fds[c], ev, sizeof(ev));
			if (n < 0)
				die("read events: %m");
			for (i = 0; i < n / (ssize_t)sizeof(ev[0]); i++)
				got += ev[i].type == TEL_EVENT_DIGIT;
		}
	}
	ev_snap(cards, &b);
	d.tick_irqs = b.tick_irqs - a.tick_irqs;
	sw_detector();
	d.events = b.events - a.events;
	result("digits.events", got);
	result("digits.per_s", got / (double)seconds);
	result("digits.card_events", d.events);
	result("digits.ev_ns", d.events ? (double)(b.ev_ns - a.ev_ns) / d.events : 0);
	result("digits.ev_runs", b.ev_runs - a.ev_runs);
	result("digits.on_tick_ns", (double)(b.tick_ns - a.tick_ns) / d.tick_irqs);
	for (c = 0; c < cards; c++)
		close(fds[c]);
	free(calls);
}

/* ---- wake: one wake-up per block (watermarks) against F_WAIT -------- */

/*
 * N calls, each read a block (ptime ms) at a time, two ways measured one
 * after the other on the same calls:
 *   wm:   each call armed with a one-block rx watermark, one thread
 *         polling the card files and reading each call it is told of;
 *   map:  the same watermarks and poll loop, the calls' rings mapped
 *         (TEL_IOC_CALL_MAP): each ready call's audio consumed in place,
 *         then one TEL_IOC_CALLS_SYNC per card that woke, for all its
 *         calls (skipped on a driver without TEL_FEAT_MMAP);
 *   wait: today's way, a thread per call in READ with TEL_AUDIO_F_WAIT,
 *         which returns as soon as the tick brings a frame.
 * Reported per second: wake-ups (voluntary context switches of the
 * process, getrusage(): every sleep that ended), system calls (counted
 * as made), bytes read (the audio kept up: 8000 per call).
 */
struct wcall {
	int fd;
	uint32_t handle;
	struct tel_call_map map;
	volatile struct tel_map_ctl *ctl;
	bool ready;
	uint64_t bytes;
	uint64_t syscalls;
	atomic_bool *stop;
	pthread_t tid;
};

static long nvcsw(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_nvcsw;
}

static int wread(struct wcall *c, uint32_t flags)
{
	uint8_t buf[RING];
	int n = tel_audio(c->fd, TEL_IOC_CALL_READ, c->handle, buf,
			  sizeof(buf), flags);

	c->syscalls++;
	if (n > 0)
		c->bytes += n;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		die("READ on call %u: %m", c->handle);
	return n;
}

/* Map every call and arm it again; false if the driver cannot map. */
static bool wmap_all(struct wcall *calls, int ncalls, int ptime)
{
	struct tel_card_info info = { 0 };
	void *p;
	int i;

	if (ioctl(calls[0].fd, TEL_IOC_CARD_INFO, &info) ||
	    !(info.features & TEL_FEAT_MMAP))
		return false;
	for (i = 0; i < ncalls; i++) {
		struct wcall *c = &calls[i];
		struct tel_call_watermark req = {
			.handle = c->handle, .rx_bytes = ptime * FRAME,
		};

		while (wread(c, 0) > 0)
			;
		memset(&c->map, 0, sizeof(c->map));
		c->map.handle = c->handle;
		if (ioctl(c->fd, TEL_IOC_CALL_MAP, &c->map))
			die("MAP: %m");
		p = mmap(NULL, c->map.length, PROT_READ | PROT_WRITE,
			 MAP_SHARED, c->fd, c->map.offset);
		if (p == MAP_FAILED)
			die("mmap: %m");
		c->ctl = p;
		if (ioctl(c->fd, TEL_IOC_CALL_WATERMARK, &req))
			die("WATERMARK: %m");
		c->bytes = c->syscalls = 0;
	}
	return true;
}

/* A ready mapped call: take what came, in place (no system call). */
static void wmap_consume(struct wcall *c)
{
	uint32_t head = __atomic_load_n(&c->ctl->rx_head, __ATOMIC_ACQUIRE);
	uint32_t tail = c->ctl->rx_tail;

	c->bytes += head - tail;
	__atomic_store_n(&c->ctl->rx_tail, head, __ATOMIC_RELEASE);
}

static void *wait_main(void *arg)
{
	struct wcall *c = arg;

	while (!atomic_load(c->stop))
		wread(c, TEL_AUDIO_F_WAIT);
	return NULL;
}

static void wake_result(const char *how, int ncalls, double secs,
			double wakeups, double syscalls, double bytes,
			double extra)
{
	char key[96];

	snprintf(key, sizeof(key), "wake.%s.%d.wakeups_per_s", how, ncalls);
	result(key, wakeups / secs);
	snprintf(key, sizeof(key), "wake.%s.%d.syscalls_per_s", how, ncalls);
	result(key, syscalls / secs);
	snprintf(key, sizeof(key), "wake.%s.%d.bytes_per_call_s", how, ncalls);
	result(key, bytes / secs / ncalls);
	if (extra >= 0) {
		snprintf(key, sizeof(key), "wake.%s.%d.tick_checks_per_s", how,
			 ncalls);
		result(key, extra / secs);
	}
}

/* The tick handler's ns per frame tick, all cards, between two snaps. */
static double tick_cost(int cards, const struct snap *a, const struct snap *b)
{
	double ns = 0, ticks = 0;
	int c;

	for (c = 0; c < cards; c++) {
		ns += b[c].tick_ns - a[c].tick_ns;
		ticks += b[c].tick_frames - a[c].tick_frames;
	}
	return ticks ? ns / ticks : 0;
}

static void wake_tick_result(const char *how, int ncalls, double v)
{
	char key[96];

	snprintf(key, sizeof(key), "wake.%s.%d.tick_ns_per_tick", how, ncalls);
	result(key, v);
}

static void wake_bench(int ncalls, int seconds, int ptime, int nthreads)
{
	struct snap s0[MAX_CARDS], s1[MAX_CARDS];
	int cards = nr_cards(), fds[MAX_CARDS], per_card[MAX_CARDS] = { 0 };
	struct wcall *calls = calloc(ncalls, sizeof(*calls));
	struct wcall **by_handle[MAX_CARDS] = { NULL };
	uint32_t max_handle[MAX_CARDS] = { 0 };
	struct pollfd pfd[MAX_CARDS];
	struct tel_event ev[64];
	atomic_bool stop = false;
	uint64_t t0, end, sys = 0, bytes = 0;
	long w0, w1;
	long long ck0 = 0, ck1 = 0;
	double secs;
	int i, c, k, total = 0;
	ssize_t n;

	if (!calls || cards < 1 || cards > MAX_CARDS)
		die("wake set-up");
	for (c = 0; c < cards; c++) {
		fds[c] = tel_open_card(c);
		if (fds[c] < 0)
			die("open tel%d: %m", c);
		total += card_channels(c);
		pfd[c] = (struct pollfd){ .fd = fds[c], .events = POLLIN };
	}
	if (ncalls > total)
		die("%d calls, only %d channels", ncalls, total);
	for (i = 0; i < ncalls; i++) {
		struct wcall *w = &calls[i];
		int card = i % cards, ch = per_card[card]++;

		w->fd = fds[card];
		w->stop = &stop;
		far_setup(card, ch, "pattern");
		if (tel_alloc(w->fd, ch, "100", &w->handle))
			die("ALLOC %d/%d: %m", card, ch);
		if (w->handle > max_handle[card])
			max_handle[card] = w->handle;
	}
	for (c = 0; c < cards; c++) {
		by_handle[c] = calloc(max_handle[c] + 1, sizeof(*by_handle[c]));
		if (!by_handle[c])
			die("calloc");
	}
	for (i = 0; i < ncalls; i++) {
		if (tel_wait_state(calls[i].fd, calls[i].handle,
				   TEL_CALL_CONNECTED, TEL_WAIT_MS))
			die("call %d did not connect", i);
		by_handle[i % cards][calls[i].handle] = &calls[i];
	}
	/* the set-up's events and audio are not part of it */
	for (c = 0; c < cards; c++) {
		int fl = fcntl(fds[c], F_GETFL);

		fcntl(fds[c], F_SETFL, fl | O_NONBLOCK);
		while (read(fds[c], ev, sizeof(ev)) > 0)
			;
	}

	/* ---- idle: the tick with these calls, none armed, nobody reading ---- */
	snap(cards, s0);
	sleep(seconds);
	snap(cards, s1);
	wake_tick_result("idle", ncalls, tick_cost(cards, s0, s1));

	/* ---- wm: one thread, poll on the files, read who is ready ---- */
	for (i = 0; i < ncalls; i++) {
		struct tel_call_watermark req = {
			.handle = calls[i].handle,
			.rx_bytes = ptime * FRAME,
		};

		while (wread(&calls[i], 0) > 0)
			;
		if (ioctl(calls[i].fd, TEL_IOC_CALL_WATERMARK, &req))
			die("WATERMARK: %m");
		calls[i].bytes = calls[i].syscalls = 0;
	}
	for (c = 0; c < cards; c++)
		ck0 += perf_num(c, "wm_checks");
	snap(cards, s0);
	w0 = nvcsw();
	t0 = now_ns();
	end = t0 + seconds * 1000000000ull;
	while (now_ns() < end) {
		int left = (int)((end - now_ns()) / 1000000) + 1;

		sys++;
		if (poll(pfd, cards, left) <= 0)
			continue;
		for (c = 0; c < cards; c++) {
			if (!(pfd[c].revents & POLLIN))
				continue;
			for (;;) {
				sys++;
				n = read(fds[c], ev, sizeof(ev));
				if (n <= 0)
					break;
				for (k = 0; k < n / (ssize_t)sizeof(ev[0]); k++) {
					uint32_t h = ev[k].handle;

					if (ev[k].type == TEL_EVENT_OVERFLOW) {
						/* reports lost: read every call once */
						for (i = 0; i < ncalls; i++)
							wread(&calls[i], 0);
						continue;
					}
					if (ev[k].type != TEL_EVENT_AUDIO_READY ||
					    h > max_handle[c] || !by_handle[c][h])
						continue;
					wread(by_handle[c][h], 0);
				}
				if (n < (ssize_t)sizeof(ev))
					break;
			}
		}
	}
	secs = (now_ns() - t0) / 1e9;
	w1 = nvcsw();
	snap(cards, s1);
	wake_tick_result("wm", ncalls, tick_cost(cards, s0, s1));
	for (c = 0; c < cards; c++)
		ck1 += perf_num(c, "wm_checks");
	for (i = 0; i < ncalls; i++) {
		struct tel_call_watermark req = { .handle = calls[i].handle };

		sys += calls[i].syscalls;
		bytes += calls[i].bytes;
		if (ioctl(calls[i].fd, TEL_IOC_CALL_WATERMARK, &req))
			die("WATERMARK off: %m");
	}
	wake_result("wm", ncalls, secs, w1 - w0, sys, bytes,
		    ck0 >= 0 ? ck1 - ck0 : -1);

	/* ---- map: the same loop, audio in place, one sync per card ---- */
	if (!wmap_all(calls, ncalls, ptime))
		goto wait;
	for (c = 0, ck0 = 0; c < cards; c++)
		ck0 += perf_num(c, "wm_checks");
	snap(cards, s0);
	w0 = nvcsw();
	t0 = now_ns();
	sys = 0;
	end = t0 + seconds * 1000000000ull;
	while (now_ns() < end) {
		int left = (int)((end - now_ns()) / 1000000) + 1;
		struct tel_calls_sync sync = { 0 };

		sys++;
		if (poll(pfd, cards, left) <= 0)
			continue;
		for (c = 0; c < cards; c++) {
			if (!(pfd[c].revents & POLLIN))
				continue;
			for (;;) {
				sys++;
				n = read(fds[c], ev, sizeof(ev));
				if (n <= 0)
					break;
				for (k = 0; k < n / (ssize_t)sizeof(ev[0]); k++) {
					uint32_t h = ev[k].handle;

					if (ev[k].type == TEL_EVENT_OVERFLOW) {
						for (i = 0; i < ncalls; i++)
							calls[i].ready = true;
						continue;
					}
					if (ev[k].type == TEL_EVENT_AUDIO_READY &&
					    h <= max_handle[c] && by_handle[c][h])
						by_handle[c][h]->ready = true;
				}
				if (n < (ssize_t)sizeof(ev))
					break;
			}
			for (i = 0; i < ncalls; i++)
				if (calls[i].fd == fds[c] && calls[i].ready) {
					calls[i].ready = false;
					wmap_consume(&calls[i]);
				}
			sys++;
			if (ioctl(fds[c], TEL_IOC_CALLS_SYNC, &sync) < 0)
				die("CALLS_SYNC: %m");
		}
	}
	secs = (now_ns() - t0) / 1e9;
	w1 = nvcsw();
	snap(cards, s1);
	wake_tick_result("map", ncalls, tick_cost(cards, s0, s1));
	for (c = 0, ck1 = 0; c < cards; c++)
		ck1 += perf_num(c, "wm_checks");
	bytes = 0;
	for (i = 0; i < ncalls; i++) {
		struct tel_call_watermark req = { .handle = calls[i].handle };

		bytes += calls[i].bytes;
		calls[i].bytes = 0;
		if (ioctl(calls[i].fd, TEL_IOC_CALL_WATERMARK, &req))
			die("WATERMARK off: %m");
		munmap((void *)calls[i].ctl, calls[i].map.length);
	}
	wake_result("map", ncalls, secs, w1 - w0, sys, bytes,
		    ck0 >= 0 ? ck1 - ck0 : -1);
wait:

	/* ---- wait: a thread per call in READ with F_WAIT (today) ---- */
	if (!nthreads)
		goto out;	/* --threads 0: the watermark way only */
	for (i = 0; i < ncalls; i++) {
		while (wread(&calls[i], 0) > 0)
			;
		calls[i].bytes = calls[i].syscalls = 0;
	}
	snap(cards, s0);
	w0 = nvcsw();
	t0 = now_ns();
	for (i = 0; i < ncalls; i++) {
		pthread_attr_t attr;

		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 64 * 1024);
		if (pthread_create(&calls[i].tid, &attr, wait_main, &calls[i]))
			die("pthread_create: %m");
		pthread_attr_destroy(&attr);
	}
	usleep(seconds * 1000000);
	atomic_store(&stop, true);
	secs = (now_ns() - t0) / 1e9;
	w1 = nvcsw();
	snap(cards, s1);
	wake_tick_result("wait", ncalls, tick_cost(cards, s0, s1));
	sys = bytes = 0;
	for (i = 0; i < ncalls; i++) {
		pthread_join(calls[i].tid, NULL);
		sys += calls[i].syscalls;
		bytes += calls[i].bytes;
	}
	wake_result("wait", ncalls, secs, w1 - w0, sys, bytes, -1);
out:
	for (c = 0; c < cards; c++) {
		close(fds[c]);	/* drops and deallocates every call */
		free(by_handle[c]);
	}
	free(calls);
}

/* ---- sync: what one TEL_IOC_CALLS_SYNC costs, per mapped call ------ */

/*
 * N connected, mapped calls on card 0 (far ends sending a pattern, so
 * every sync finds audio): K syncs timed in batches of 100 (one clock
 * read per batch: under TCG a clock read is not cheap), each sync
 * preceded by moving every call's rx_tail up to its rx_head and its
 * tx_head by a frame (so each sync takes both to the card, as in steady
 * state); the figure is the median batch's time per sync.  A READ of one
 * call is timed the same way, as the ioctl way's unit, and a no-op ioctl
 * as the floor.
 */
static void sync_bench(int ncalls, int count)
{
	int fd = tel_open_card(0), i, b, batches = count / 100;
	struct bcall *calls = calloc(ncalls, sizeof(*calls));
	uint64_t *sy = calloc(batches, sizeof(*sy)), *rd = calloc(batches, sizeof(*rd));
	uint64_t *nop = calloc(batches, sizeof(*nop));
	struct tel_calls_sync sync = { 0 };
	char key[64];

	if (fd < 0 || !calls || !sy || !rd || !nop || batches < 1 ||
	    ncalls > card_channels(0))
		die("sync set-up");
	for (i = 0; i < ncalls; i++) {
		calls[i].fd = fd;
		far_setup(0, i, "pattern");
		if (tel_alloc(fd, i, "100", &calls[i].handle))
			die("ALLOC %d: %m", i);
	}
	for (i = 0; i < ncalls; i++)
		if (tel_wait_state(fd, calls[i].handle, TEL_CALL_CONNECTED,
				   TEL_WAIT_MS))
			die("call %d did not connect", i);
	for (i = 0; i < ncalls; i++)
		while (drain(&calls[i], NULL, 0) > 0)
			;
	map_calls(calls, ncalls);
	for (b = 0; b < batches; b++) {
		uint64_t t0, t1;
		int k;

		/* the index moves are timed too: a few stores per call */
		t0 = now_ns();
		for (k = 0; k < 100; k++) {
			for (i = 0; i < ncalls; i++) {
				volatile struct tel_map_ctl *ctl = calls[i].ctl;
				uint32_t room = calls[i].ring -
					(ctl->tx_head - ctl->tx_tail);

				ctl->rx_tail = ctl->rx_head;
				if (room >= FRAME)
					ctl->tx_head += FRAME;
			}
			if (ioctl(fd, TEL_IOC_CALLS_SYNC, &sync) != ncalls)
				die("CALLS_SYNC: %m");
		}
		t1 = now_ns();
		sy[b] = (t1 - t0) / 100;
		t0 = now_ns();
		for (k = 0; k < 100; k++)
			ioctl(fd, NOOP_IOCTL);
		nop[b] = (now_ns() - t0) / 100;
	}
	snprintf(key, sizeof(key), "sync.%d.sync_ns", ncalls);
	result(key, quantile(sy, batches, 0.5));
	snprintf(key, sizeof(key), "sync.%d.sync_ns_per_call", ncalls);
	result(key, quantile(sy, batches, 0.5) / ncalls);
	snprintf(key, sizeof(key), "sync.%d.noop_ns", ncalls);
	result(key, quantile(nop, batches, 0.5));
	for (i = 0; i < ncalls; i++)
		munmap(calls[i].map_base, calls[i].map_len);
	/* the ioctl way's unit, on unmapped calls: one READ */
	close(fd);
	fd = tel_open_card(0);
	for (i = 0; i < ncalls; i++) {
		calls[i].fd = fd;
		if (tel_alloc(fd, i, "100", &calls[i].handle))
			die("ALLOC %d: %m", i);
	}
	for (i = 0; i < ncalls; i++)
		if (tel_wait_state(fd, calls[i].handle, TEL_CALL_CONNECTED,
				   TEL_WAIT_MS))
			die("call %d did not connect", i);
	for (b = 0; b < batches; b++) {
		uint8_t buf[RING];
		uint64_t t0 = now_ns();
		int k;

		for (k = 0; k < 100; k++)
			tel_audio(fd, TEL_IOC_CALL_READ, calls[k % ncalls].handle,
				  buf, sizeof(buf), 0);
		rd[b] = (now_ns() - t0) / 100;
	}
	snprintf(key, sizeof(key), "sync.%d.read_ns", ncalls);
	result(key, quantile(rd, batches, 0.5));
	close(fd);
	free(calls);
	free(sy);
	free(rd);
	free(nop);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "card", required_argument, NULL, 'C' },
		{ "channel", required_argument, NULL, 'h' },
		{ "cycles", required_argument, NULL, 'k' },
		{ "calls", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "ptime", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'c' },
		{ "prefix", required_argument, NULL, 'P' },
		{ "map", no_argument, NULL, 'm' },
		{ }
	};
	int card = 0, ch = 0, k = 2000, n = 1, secs = 30, ptime = 20;
	int threads = 2, count = 100000, o;
	bool map = false;
	const char *cmd;

	if (argc < 2)
		die("usage: telbench ctl|audio|mem|cycles|digits|wake|sync [options]");
	cmd = argv[1];
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'C': card = atoi(optarg); break;
		case 'h': ch = atoi(optarg); break;
		case 'k': k = atoi(optarg); break;
		case 'n': n = atoi(optarg); break;
		case 's': secs = atoi(optarg); break;
		case 'p': ptime = atoi(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 'c': count = atoi(optarg); break;
		case 'P': snprintf(pfx, sizeof(pfx), "%s", optarg); break;
		case 'm': map = true; break;
		default: die("bad option");
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "ctl"))
		ctl(card, ch, k);
	else if (!strcmp(cmd, "audio"))
		audio(n, secs, ptime, threads, map);
	else if (!strcmp(cmd, "mem"))
		mem(n);
	else if (!strcmp(cmd, "cycles"))
		cycles(count, threads);
	else if (!strcmp(cmd, "digits"))
		digits_bench(n, secs);
	else if (!strcmp(cmd, "wake"))
		wake_bench(n, secs, ptime, threads);
	else if (!strcmp(cmd, "sync"))
		sync_bench(n, count);
	else
		die("unknown command %s", cmd);
	return 0;
}
