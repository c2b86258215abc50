// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * talkoff.c - talk-off: speech, music and noise through the card's DTMF
 * detector, which must not take them for digits (ITU-T Q.24, Bellcore
 * practice), and real digits over speech, which it must take.
 *
 * The detector is the card's own (card_det.c: same setup, same feed),
 * on the path the line gives it: linear audio at a set level, to mu-law
 * (linear_to_ulaw), back (ulaw_to_linear) and into dtmf_rx one sample at
 * a time with the realtime callback.  No emulator and no clock: the
 * audio runs as fast as the CPU goes.  The audio is made by
 * talkoff-audio (espeak-ng, sox synth) into the directory given.
 *
 * Each file starts a fresh detector, as a new call does.  Its level is
 * set by its active level: the power over the 20 ms blocks no more than
 * 40 dB below its loudest block (espeak's pauses are silence, which
 * would otherwise pull the level down), scaled to LEVEL dBm0 with
 * spandsp's 0 dBm0 (a sine of 3.14 dB below full scale).
 *
 * usage: talkoff DIR
 * TAP on stdout, "# N passed, M failed" last; exit 1 on a failure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "card_det.h"

/*
 * Music may hold two notes within Q.24's 1.5% of a DTMF pair: that is
 * a digit, and a Q.24 receiver must take it; none of the detector's
 * parameters (dial-tone filter, twists, threshold) can tell them apart.
 * music-intervals-* holds such dyads on purpose, the tunes have some.
 * The bound is what the card's detector was measured to take on this
 * audio (Documentation/card.rst, "Talk-off"): any detector that takes
 * more fails.
 */
#define MUSIC_MAX_FALSE		62

#define BLOCK			160	/* 20 ms, for the active level */
#define CONTROL_DIGITS		"0123456789*#ABCD"
#define CONTROL_FILES		3	/* speech files the control uses */

static const int speech_levels[] = { -10, -20, -30 };
static const int music_levels[] = { -10, -20 };

static int tests, failures;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	tests++;
	failures += !ok;
	printf("%s %d - ", ok ? "ok" : "not ok", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* One file's audio, at 8 kHz, as the tools wrote it. */
struct clip {
	char name[256];
	int16_t *s;
	size_t n;
	double active;		/* RMS over the active blocks */
};

/* What the detector reported on one pass over a clip. */
struct listen {
	const struct clip *clip;
	int level;
	uint64_t pos;		/* samples fed */
	char got[64];
	size_t ngot;
	bool log;		/* print each digit: a false one */
};

static double seconds(size_t samples)
{
	return samples / 8000.0;
}

static void heard(void *user, int code, int level, int delay)
{
	struct listen *l = user;
	uint64_t start = l->pos > EMU_DTMF_START_LAG ?
			 l->pos - EMU_DTMF_START_LAG : 0;

	(void)level;
	(void)delay;
	if (!code)
		return;
	if (l->ngot < sizeof(l->got) - 1)
		l->got[l->ngot] = code;
	l->ngot++;
	if (l->log)
		printf("# false digit '%c' in %s at %.3f s, %d dBm0\n", code,
		       l->clip->name, seconds(start), l->level);
}

static int16_t sat16(long v)
{
	return v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v;
}

/*
 * Feed a clip at @level dBm0, with @gen's digits (if any) added at their
 * own level, through the card's detector; returns the digits reported.
 */
static size_t listen_clip(struct listen *l, const struct clip *c, int level,
			  dtmf_tx_state_t *gen)
{
	double rms0 = 32768.0 * pow(10.0, -DBM0_MAX_POWER / 20.0);
	double gain = c->active > 0 ?
		      rms0 * pow(10.0, level / 20.0) / c->active : 0;
	dtmf_rx_state_t *det;
	int16_t tone[BLOCK];
	size_t i, k;
	int n = 0;

	memset(l->got, 0, sizeof(l->got));
	l->clip = c;
	l->level = level;
	l->pos = 0;
	l->ngot = 0;
	det = card_det_init(NULL, heard, l);
	if (!det)
		exit(1);
	for (i = 0; i < c->n; i += BLOCK) {
		if (gen)
			n = dtmf_tx(gen, tone, BLOCK);
		for (k = 0; k < BLOCK && i + k < c->n; k++, l->pos++)
			card_det_feed(det, linear_to_ulaw(sat16(
				lrint(c->s[i + k] * gain) +
				((int)k < n ? tone[k] : 0))));
	}
	dtmf_rx_free(det);
	return l->ngot;
}

static bool clip_load(struct clip *c, const char *dir, const char *name)
{
	double peak = 0, sum = 0, p;
	size_t i, k, blocks = 0;
	char path[4096];
	FILE *f;
	long len;

	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0)
		return false;
	rewind(f);
	c->n = len / 2;
	c->s = malloc(c->n * 2 + 1);
	if (!c->s || fread(c->s, 2, c->n, f) != c->n) {
		fclose(f);
		return false;
	}
	fclose(f);
	/* twice over the blocks: the loudest one, then the active ones */
	for (k = 0; k < 2; k++) {
		for (i = 0; i + BLOCK <= c->n; i += BLOCK) {
			size_t j;

			for (p = 0, j = 0; j < BLOCK; j++)
				p += (double)c->s[i + j] * c->s[i + j];
			p /= BLOCK;
			if (!k && p > peak)
				peak = p;
			if (k && p >= peak * 1e-4) {
				sum += p;
				blocks++;
			}
		}
	}
	c->active = blocks ? sqrt(sum / blocks) : 0;
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct clip *)a)->name,
		      ((const struct clip *)b)->name);
}

/* The clips whose name starts with @kind, sorted. */
static size_t clips_load(const char *dir, const char *kind,
			 struct clip **out)
{
	struct clip *v = NULL;
	struct dirent *de;
	size_t n = 0, len;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		struct clip *nv;

		len = strlen(de->d_name);
		if (strncmp(de->d_name, kind, strlen(kind)) || len < 5 ||
		    strcmp(de->d_name + len - 4, ".raw"))
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv || !clip_load(&nv[n], dir, de->d_name)) {
			printf("Bail out! %s/%s: cannot read\n", dir,
			       de->d_name);
			exit(1);
		}
		v = nv;
		n++;
	}
	if (d)
		closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), by_name);
	*out = v;
	return n;
}

/* Every clip of a kind at every level: the false digits reported. */
static unsigned int talkoff(const char *kind, struct clip *v, size_t n,
			    const int *levels, size_t nlevels,
			    double *fed)
{
	struct listen l = { .log = true };
	unsigned int falses = 0;
	size_t i, j, len = 0;

	for (i = 0; i < n; i++) {
		len += v[i].n;
		for (j = 0; j < nlevels; j++)
			falses += listen_clip(&l, &v[i], levels[j], NULL);
	}
	*fed = seconds(len) * nlevels;
	printf("# %s: %zu files, %.1f s of audio at %zu levels (%.1f s fed), "
	       "%u false digits\n", kind, n, seconds(len), nlevels, *fed,
	       falses);
	return falses;
}

/*
 * The positive control: the same path must take real digits, at the
 * card's own DTMF level (-10 dBm0) over speech at -20 dBm0, one every
 * 0.8 s, or a detector that heard nothing would pass.
 */
static void control(struct clip *v, size_t n)
{
	struct listen l = { .log = false };
	dtmf_tx_state_t *gen;
	size_t i, step = n / CONTROL_FILES;

	for (i = 0; i < CONTROL_FILES && n; i++) {
		const struct clip *c = &v[i * step];

		gen = dtmf_tx_init(NULL);
		dtmf_tx_set_timing(gen, 80, 720);
		dtmf_tx_put(gen, CONTROL_DIGITS, -1);
		listen_clip(&l, c, -20, gen);
		dtmf_tx_free(gen);
		check(!strcmp(l.got, CONTROL_DIGITS) &&
		      seconds(c->n) >= 0.8 * strlen(CONTROL_DIGITS),
		      "control: %s digits at -10 dBm0 over %s at -20: "
		      "heard \"%s\"", CONTROL_DIGITS, c->name, l.got);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct clip *speech, *music, *noise;
	size_t ns, nm, nn;
	double t0 = now_s(), fs, fm, fn;
	unsigned int f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: talkoff DIR\n");
		return 2;
	}
	ns = clips_load(argv[1], "speech-", &speech);
	nm = clips_load(argv[1], "music-", &music);
	nn = clips_load(argv[1], "noise-", &noise);
	check(nm && nn, "audio in %s: %zu speech, %zu music, %zu noise files",
	      argv[1], ns, nm, nn);

	if (ns) {
		f = talkoff("speech", speech, ns, speech_levels, 3, &fs);
		check(f == 0, "speech: no false digits (%u in %.0f s)", f, fs);
		control(speech, ns);
	} else {
		check(true, "# SKIP no speech (espeak-ng not installed)");
	}
	f = talkoff("noise", noise, nn, music_levels, 2, &fn);
	check(f == 0, "noise: no false digits (%u in %.0f s)", f, fn);
	f = talkoff("music", music, nm, music_levels, 2, &fm);
	check(f <= MUSIC_MAX_FALSE, "music: %u false digits in %.0f s, "
	      "at most %d", f, fm, MUSIC_MAX_FALSE);

	printf("# talkoff: %.2f s run time\n", now_s() - t0);
	printf("1..%d\n# %d passed, %d failed\n", tests, tests - failures,
	       failures);
	return failures ? 1 : 0;
}
