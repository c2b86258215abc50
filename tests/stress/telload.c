// SPDX-License-Identifier: GPL-2.0
/*
 * telload - several processes cycle calls on every channel of every card
 * while the far end hangs up at random, for a bounded time.
 *
 *   telload [-t SECONDS] [-p PROCS] [-s SEED]
 *
 * Each process loops: ALLOC on any free channel of a card, maybe write
 * audio and wait a little, DROP, INFO, DEALLOC, and adds up the final
 * frame counts of its calls.  A hang-up thread tells the emulator to clear
 * random channels with random causes.  At the end every card must hold no
 * call and no DMA memory, and each card's lifetime frame counters must
 * have grown by exactly the sum of its calls' final counts: the totals in
 * sysfs and the records agree under load.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../selftests/tel_test.h"

#define MAX_CARDS	8
static const char * const causes[] = {
	"normal", "busy", "congestion", "unreachable", "tempfailure",
};

struct sums {
	uint64_t cycles, refused, rx_frames[MAX_CARDS], tx_frames[MAX_CARDS];
};

static void worker(int id, int cards, int seconds, unsigned int seed,
		   int out)
{
	uint64_t end = tel_test_now_ms() + seconds * 1000ULL;
	uint8_t audio[160];
	struct sums sum = { };
	int fds[MAX_CARDS], c;

	srand(seed + id);
	memset(audio, 0x55, sizeof(audio));
	for (c = 0; c < cards; c++)
		fds[c] = tel_open_card(c);
	while (tel_test_now_ms() < end) {
		struct tel_call_info info;
		uint32_t h;

		c = rand() % cards;
		if (tel_alloc(fds[c], TEL_CHANNEL_ANY, "5550000", &h)) {
			sum.refused++;	/* every channel busy: fine */
			usleep(1000);
			continue;
		}
		if (rand() % 2 &&
		    !tel_wait_state(fds[c], h, TEL_CALL_CONNECTED, 200))
			tel_audio(fds[c], TEL_IOC_CALL_WRITE, h, audio,
				  sizeof(audio), 0);
		usleep((rand() % 30) * 1000);
		if (tel_drop(fds[c], h, rand() % 3) && errno != EALREADY)
			_exit(10);
		if (tel_info(fds[c], h, &info) || info.state != TEL_CALL_IDLE)
			_exit(11);
		sum.rx_frames[c] += info.rx_frames;
		sum.tx_frames[c] += info.tx_frames;
		if (tel_dealloc(fds[c], h))
			_exit(12);
		sum.cycles++;
	}
	if (write(out, &sum, sizeof(sum)) != sizeof(sum))
		_exit(13);
	_exit(0);
}

int main(int argc, char **argv)
{
	int seconds = 20, procs = 4, cards, chans, c, i, opt, fail = 0;
	unsigned int seed = (unsigned int)time(NULL);
	long rx0[MAX_CARDS], tx0[MAX_CARDS];
	struct sums total = { };
	uint64_t end, hangups = 0;
	int pipefd[2];

	while ((opt = getopt(argc, argv, "t:p:s:")) != -1) {
		if (opt == 't')
			seconds = atoi(optarg);
		else if (opt == 'p')
			procs = atoi(optarg);
		else if (opt == 's')
			seed = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	cards = atoi(getenv("TEL_CARDS") ?: "1");
	if (cards > MAX_CARDS)
		cards = MAX_CARDS;
	chans = (int)tel_sysfs_num(0, "channels");
	printf("TAP version 13\n1..1\n# telload: seed %u, %d s, %d processes, %d cards of %d channels\n",
	       seed, seconds, procs, cards, chans);
	fflush(stdout);
	for (c = 0; c < cards; c++) {
		rx0[c] = tel_sysfs_num(c, "rx_frames");
		tx0[c] = tel_sysfs_num(c, "tx_frames");
	}
	if (pipe(pipefd))
		return 1;
	for (i = 0; i < procs; i++)
		if (fork() == 0)
			worker(i, cards, seconds, seed, pipefd[1]);

	srand(seed);
	end = tel_test_now_ms() + seconds * 1000ULL;
	while (tel_test_now_ms() < end) {	/* the far end */
		emu_cmd(NULL, 0, "hangup %d %d %s", rand() % cards,
			rand() % chans, causes[rand() % 5]);
		hangups++;
		usleep(5000);
	}
	for (i = 0; i < procs; i++) {
		struct sums s;
		int status;

		if (read(pipefd[0], &s, sizeof(s)) != sizeof(s)) {
			fail = 1;
			continue;
		}
		total.cycles += s.cycles;
		total.refused += s.refused;
		for (c = 0; c < cards; c++) {
			total.rx_frames[c] += s.rx_frames[c];
			total.tx_frames[c] += s.tx_frames[c];
		}
		wait(&status);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("# telload: a worker failed (status %#x)\n",
			       status);
			fail = 1;
		}
	}
	printf("# telload: %llu call cycles, %llu refused (all busy), %llu far-end hangups sent\n",
	       (unsigned long long)total.cycles,
	       (unsigned long long)total.refused,
	       (unsigned long long)hangups);
	for (c = 0; c < cards; c++) {
		long calls = tel_sysfs_num(c, "calls");
		long dma = tel_sysfs_num(c, "dma_bytes");
		long rx = tel_sysfs_num(c, "rx_frames") - rx0[c];
		long tx = tel_sysfs_num(c, "tx_frames") - tx0[c];
		/* the emulator never lies here: any count is a false alarm */
		long errs = tel_sysfs_num(c, "card_errors");

		printf("# telload: tel%d: calls %ld dma_bytes %ld rx_frames +%ld (calls say %llu) tx_frames +%ld (calls say %llu) card_errors %ld\n",
		       c, calls, dma, rx,
		       (unsigned long long)total.rx_frames[c], tx,
		       (unsigned long long)total.tx_frames[c], errs);
		if (calls || dma || rx != (long)total.rx_frames[c] ||
		    tx != (long)total.tx_frames[c] || errs)
			fail = 1;
	}
	if (!total.cycles)
		fail = 1;
	printf("%s 1 telload\n# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       fail ? "not ok" : "ok", !fail, fail);
	return fail;
}
