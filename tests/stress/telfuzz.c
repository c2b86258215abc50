// SPDX-License-Identifier: GPL-2.0
/*
 * telfuzz - a structure-aware fuzzer for the /dev/telN ioctls
 *
 *   telfuzz [-s SEED] [-t SECONDS] [-j THREADS] [-f FILES] [-c CARDS]
 *
 * Several threads share several open files and send random sequences of
 * ioctls: mostly well-formed structs with one field bent (a flag, a
 * reserved word, a channel, a handle from another file or a stale one, a
 * pointer to nowhere, a read-only or half-mapped buffer), sometimes plain
 * garbage, an unknown command, a wrong size, and now and then close() and
 * reopen().  It checks only what must hold for any input: every failure
 * is one of the errnos Documentation/userspace-api.rst lists for that
 * ioctl, nothing crashes, and at the end, with every file closed, the
 * cards hold no call and no DMA memory.  The kernel log is checked by the
 * VM runner.  The seed is printed first, so a failure replays with -s.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/tel.h>

#define MAX_FILES	8
#define MAX_HANDLES	64

static unsigned int nr_files = 4, nr_threads = 4, nr_cards = 1;
static int seconds = 20;
static volatile bool stop;
static uint8_t *guard_page;	/* PROT_NONE: any access faults */
static uint8_t *ro_page;	/* PROT_READ: copy_to_user faults */

static struct {
	pthread_mutex_t lock;	/* fd swaps */
	int fd;
	uint32_t handles[MAX_HANDLES];	/* recent handles, any file's */
} files[MAX_FILES];

static struct {
	unsigned long calls, ok, by_errno[256], bad;
} stats;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

/* A tiny per-thread PRNG (xorshift64*), so the seed replays per thread. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static uint32_t pick(uint64_t *s, uint32_t n)
{
	return n ? rnd(s) % n : 0;
}

/* The errnos each ioctl may answer (userspace-api.rst). */
static bool errno_allowed(unsigned long cmd, int err)
{
	switch (err) {
	case EFAULT: case EINVAL: case ENOTTY: case EBADF:
		return true;
	}
	switch (cmd) {
	case TEL_IOC_CARD_INFO:
		return err == ENODEV;
	case TEL_IOC_CALL_ALLOC:
		/* ENOENT, ENOSPC: TEL_ALLOC_F_CONF, no such or a full conference */
		return err == EBUSY || err == EDQUOT || err == ENOMEM ||
		       err == EIO || err == ETIMEDOUT || err == ENODEV ||
		       err == ENOENT || err == ENOSPC;
	case TEL_IOC_CALL_ANSWER:
		return err == EBUSY || err == EDQUOT || err == ENOMEM ||
		       err == EIO || err == ETIMEDOUT || err == ENODEV ||
		       err == ENOENT || err == EALREADY;
	case TEL_IOC_CALL_DROP:
		return err == ENOENT || err == EALREADY;
	case TEL_IOC_CALL_DEALLOC:
		return err == ENOENT || err == EBUSY;
	case TEL_IOC_CALL_INFO:
		return err == ENOENT;
	case TEL_IOC_CALL_READ:
	case TEL_IOC_CALL_WRITE:
		return err == ENOENT || err == EAGAIN || err == EPIPE ||
		       err == ENODEV || err == EINTR;
	case TEL_IOC_CALL_LIST:
		return err == ENOSPC || err == ENOMEM;
	}
	return false;
}

static uint32_t some_handle(uint64_t *s, unsigned int f)
{
	switch (pick(s, 6)) {
	case 0:
		return (uint32_t)rnd(s);
	case 1:
		return 0;
	case 2:	/* another file's */
		return files[pick(s, nr_files)].handles[pick(s, MAX_HANDLES)];
	default:
		return files[f].handles[pick(s, MAX_HANDLES)];
	}
}

/* Bend one thing about a well-formed request, or not. */
static void *some_pointer(uint64_t *s, void *good, size_t size)
{
	switch (pick(s, 20)) {
	case 0:
		return NULL;
	case 1:
		return guard_page;
	case 2:
		return ro_page;
	case 3:	/* the struct straddles into the guard page */
		return ro_page + 4096 - size / 2;
	default:
		return good;
	}
}

static void bend(uint64_t *s, void *p, size_t size)
{
	uint8_t *b = p;

	if (pick(s, 4))
		return;
	switch (pick(s, 3)) {
	case 0:	/* a random byte anywhere: flags, reserved, padding */
		b[pick(s, size)] = (uint8_t)rnd(s);
		break;
	case 1:	/* all garbage */
		for (size_t i = 0; i < size; i++)
			b[i] = (uint8_t)rnd(s);
		break;
	default: /* the last words: reserved in every struct */
		b[size - 1 - pick(s, 8)] |= 1;
		break;
	}
}

static void remember(unsigned int f, uint32_t h, uint64_t *s)
{
	files[f].handles[pick(s, MAX_HANDLES)] = h;
}

static void one_op(uint64_t *s, unsigned int f)
{
	union {
		struct tel_card_info ci;
		struct tel_call_alloc al;
		struct tel_call_answer an;
		struct tel_call_drop dr;
		struct tel_call_dealloc de;
		struct tel_call_info in;
		struct tel_call_audio au;
		struct tel_call_list li;
		uint8_t raw[512];
	} u;
	static const unsigned long cmds[] = {
		TEL_IOC_CARD_INFO, TEL_IOC_CALL_ALLOC, TEL_IOC_CALL_ANSWER,
		TEL_IOC_CALL_DROP, TEL_IOC_CALL_DEALLOC, TEL_IOC_CALL_INFO,
		TEL_IOC_CALL_READ, TEL_IOC_CALL_WRITE, TEL_IOC_CALL_LIST,
	};
	uint8_t audio[4096];	/* more than a ring holds */
	struct tel_call_list_entry list[16];
	unsigned long cmd = cmds[pick(s, 9)];
	size_t size = _IOC_SIZE(cmd);
	void *arg;
	int fd, ret, err;

	memset(&u, 0, sizeof(u));
	switch (cmd) {
	case TEL_IOC_CALL_ALLOC:
		u.al.channel = pick(s, 3) ? TEL_CHANNEL_ANY : pick(s, 12);
		snprintf(u.al.number, sizeof(u.al.number), "%u",
			 (unsigned int)pick(s, 100000));
		break;
	case TEL_IOC_CALL_ANSWER:
		u.an.channel = pick(s, 10);
		u.an.flags = pick(s, 3) == 0 ? TEL_ANSWER_F_ACCEPT : 0;
		break;
	case TEL_IOC_CALL_DROP:
		u.dr.handle = some_handle(s, f);
		u.dr.reason = pick(s, 2) ? 0 : (uint32_t)rnd(s);
		break;
	case TEL_IOC_CALL_DEALLOC:
		u.de.handle = some_handle(s, f);
		break;
	case TEL_IOC_CALL_INFO:
		u.in.handle = some_handle(s, f);
		break;
	case TEL_IOC_CALL_READ:
	case TEL_IOC_CALL_WRITE:
		u.au.handle = some_handle(s, f);
		u.au.len = pick(s, sizeof(audio) + 1);
		u.au.buf = (uintptr_t)some_pointer(s, audio, 64);
		u.au.flags = 0;	/* WAIT would only slow the fuzzing down */
		break;
	case TEL_IOC_CALL_LIST:
		u.li.capacity = pick(s, 17);
		u.li.entries = (uintptr_t)some_pointer(s, list, 64);
		break;
	}
	bend(s, &u, size);
	/*
	 * A bent audio pointer must not land in our own memory (the kernel
	 * would rightly write there): send it somewhere that faults instead.
	 */
	if ((cmd == TEL_IOC_CALL_READ || cmd == TEL_IOC_CALL_WRITE) &&
	    u.au.buf != (uintptr_t)audio && u.au.buf != (uintptr_t)ro_page &&
	    u.au.buf != (uintptr_t)guard_page && u.au.buf)
		u.au.buf = (uintptr_t)guard_page;
	/* likewise the list's entries, which only hold 16 */
	if (cmd == TEL_IOC_CALL_LIST &&
	    ((u.li.entries != (uintptr_t)list &&
	      u.li.entries != (uintptr_t)ro_page &&
	      u.li.entries != (uintptr_t)guard_page && u.li.entries) ||
	     (u.li.entries == (uintptr_t)list && u.li.capacity > 16)))
		u.li.entries = (uintptr_t)guard_page;
	switch (pick(s, 40)) {
	case 0:	/* an unknown command */
		cmd = _IOWR(TEL_IOC_MAGIC, 0x20 + pick(s, 200), u.raw);
		break;
	case 1:	/* a known number with a wrong size */
		cmd = _IOC(_IOC_READ | _IOC_WRITE, TEL_IOC_MAGIC, pick(s, 9),
			   pick(s, 300));
		break;
	}
	arg = some_pointer(s, &u, size);

	pthread_mutex_lock(&files[f].lock);
	fd = files[f].fd;
	if (!pick(s, 500)) {	/* close and reopen: frees its calls */
		close(fd);
		files[f].fd = open(pick(s, 2) || nr_cards < 2 ? "/dev/tel0" :
				   "/dev/tel1", O_RDWR);
		pthread_mutex_unlock(&files[f].lock);
		return;
	}
	ret = ioctl(fd, cmd, arg);
	err = errno;
	pthread_mutex_unlock(&files[f].lock);

	pthread_mutex_lock(&stats_lock);
	stats.calls++;
	if (!ret) {
		stats.ok++;
	} else if (!errno_allowed(cmd, err)) {
		stats.bad++;
		fprintf(stderr, "telfuzz: ioctl %#lx: unexpected errno %d (%s)\n",
			cmd, err, strerror(err));
	} else {
		stats.by_errno[err & 255]++;
	}
	pthread_mutex_unlock(&stats_lock);

	if (!ret && arg == &u) {
		if (cmd == TEL_IOC_CALL_ALLOC)
			remember(f, u.al.handle, s);
		else if (cmd == TEL_IOC_CALL_ANSWER)
			remember(f, u.an.handle, s);
	}
}

struct thread_arg {
	uint64_t seed;
};

static void *fuzz_thread(void *p)
{
	struct thread_arg *t = p;
	uint64_t s = t->seed | 1;

	while (!stop)
		one_op(&s, pick(&s, nr_files));
	return NULL;
}

static long sysfs_num(int card, const char *attr)
{
	char path[96];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/%s", card, attr);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	struct thread_arg targ[16];
	pthread_t th[16];
	unsigned int i;
	int opt, c, rc = 0;

	while ((opt = getopt(argc, argv, "s:t:j:f:c:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'j': nr_threads = atoi(optarg); break;
		case 'f': nr_files = atoi(optarg); break;
		case 'c': nr_cards = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: telfuzz [-s SEED] [-t SECONDS] [-j THREADS] [-f FILES] [-c CARDS]\n");
			return 2;
		}
	}
	if (nr_threads < 1 || nr_threads > 16 || nr_files < 1 ||
	    nr_files > MAX_FILES)
		return 2;
	printf("TAP version 13\n1..1\n");
	printf("# telfuzz: seed %#llx, %d s, %u threads, %u files, %u cards\n",
	       (unsigned long long)seed, seconds, nr_threads, nr_files,
	       nr_cards);
	fflush(stdout);

	guard_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	ro_page = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (guard_page == MAP_FAILED || ro_page == MAP_FAILED ||
	    mprotect(ro_page + 4096, 4096, PROT_NONE))
		return 1;
	for (i = 0; i < nr_files; i++) {
		pthread_mutex_init(&files[i].lock, NULL);
		files[i].fd = open(i % 2 && nr_cards > 1 ? "/dev/tel1" :
				   "/dev/tel0", O_RDWR);
		if (files[i].fd < 0) {
			perror("telfuzz: open");
			return 1;
		}
	}
	for (i = 0; i < nr_threads; i++) {
		targ[i].seed = seed + 0x9e3779b97f4a7c15ULL * (i + 1);
		pthread_create(&th[i], NULL, fuzz_thread, &targ[i]);
	}
	sleep(seconds);
	stop = true;
	for (i = 0; i < nr_threads; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < nr_files; i++)
		close(files[i].fd);

	printf("# telfuzz: %lu ioctls, %lu succeeded, %lu unexpected errnos\n",
	       stats.calls, stats.ok, stats.bad);
	for (i = 0; i < 256; i++)
		if (stats.by_errno[i])
			printf("#   %-10s %lu\n", strerrorname_np(i) ?: "?",
			       stats.by_errno[i]);
	for (c = 0; c < (int)nr_cards; c++) {
		long calls = sysfs_num(c, "calls");
		long dma = sysfs_num(c, "dma_bytes");
		/* the emulator never lies here: any count is a false alarm */
		long errs = sysfs_num(c, "card_errors");

		printf("# telfuzz: tel%d after close: calls %ld, dma_bytes %ld, card_errors %ld\n",
		       c, calls, dma, errs);
		if (calls || dma || errs)
			rc = 1;
	}
	if (stats.bad)
		rc = 1;
	printf("%s 1 telfuzz seed %#llx\n", rc ? "not ok" : "ok",
	       (unsigned long long)seed);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       !rc, !!rc);
	return rc;
}
