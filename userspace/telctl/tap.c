// SPDX-License-Identifier: GPL-2.0
/*
 * tap.c - telctl record --tap: record a call's audio, both ways, as a
 * privileged monitor (tel_card_tap_read()) into a stereo WAV file
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "telctl.h"

#define TAP_CHUNK	4096		/* the most one tap returns */
#define TAP_SKEW	8000		/* one second: then the other is silent */
#define TAP_QUEUE	(TAP_SKEW + 2 * TAP_CHUNK)

static const char help[] =
	"usage: telctl record --tap ID [--seconds N] CARD FILE\n"
	"\n"
	"Record call ID of CARD (its card-wide id: telctl calls, telctl\n"
	"monitor --all) as a 16-bit stereo WAV at 8000 Hz: left what the far\n"
	"party sent, right what the owner sent.  Needs CAP_SYS_ADMIN or the\n"
	"tel module's tap_gid group.  Ends when the call is deallocated, after\n"
	"--seconds N, or on SIGINT/SIGTERM; reports the bytes it lost.\n";

/* G.711 mu-law to 16-bit linear (ITU-T G.711) */
static int16_t ulaw_to_linear(uint8_t u)
{
	int t;

	u = ~u;
	t = ((u & 0x0f) << 3) + 0x84;
	t <<= (u & 0x70) >> 4;
	return (int16_t)((u & 0x80) ? 0x84 - t : t - 0x84);
}

struct tap_chan {
	int16_t q[TAP_QUEUE];
	size_t n;
	uint64_t lost;
	uint64_t bytes;
};

/* Queue @len bytes; emit() keeps room for TAP_CHUNK. */
static void chan_add(struct tap_chan *c, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len && c->n < TAP_QUEUE; i++)
		c->q[c->n++] = ulaw_to_linear(p[i]);
	c->bytes += len;
}

/* Queue silence for lost bytes, as much as fits; returns what is left. */
static uint64_t chan_lost(struct tap_chan *c, uint64_t lost)
{
	for (; lost && c->n < TAP_SKEW; lost--)
		c->q[c->n++] = 0;
	return lost;
}

static void put_le(uint8_t *p, uint32_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int wav_header(FILE *f, uint32_t frames)
{
	uint8_t h[44];

	memcpy(h, "RIFF", 4);
	put_le(h + 4, 36 + frames * 4, 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le(h + 16, 16, 4);
	put_le(h + 20, 1, 2);		/* PCM */
	put_le(h + 22, 2, 2);		/* stereo */
	put_le(h + 24, 8000, 4);
	put_le(h + 28, 8000 * 4, 4);
	put_le(h + 32, 4, 2);
	put_le(h + 34, 16, 2);
	memcpy(h + 36, "data", 4);
	put_le(h + 40, frames * 4, 4);
	if (fseek(f, 0, SEEK_SET) || fwrite(h, sizeof(h), 1, f) != 1)
		return -1;
	return fseek(f, 0, SEEK_END);
}

/* Write the samples both channels have; with @flush, pad the shorter. */
static int emit(FILE *f, struct tap_chan *c, uint32_t *frames, bool flush)
{
	size_t n = c[0].n < c[1].n ? c[0].n : c[1].n, i;
	int k;

	if (flush || c[0].n >= n + TAP_SKEW || c[1].n >= n + TAP_SKEW) {
		/* the late side is silent (an owner that writes nothing) */
		for (k = 0; k < 2; k++)
			while (c[k].n < c[!k].n)
				c[k].q[c[k].n++] = 0;
		n = c[0].n;
	}
	for (i = 0; i < n; i++) {
		uint8_t s[4];

		put_le(s, (uint16_t)c[0].q[i], 2);
		put_le(s + 2, (uint16_t)c[1].q[i], 2);
		if (fwrite(s, sizeof(s), 1, f) != 1)
			return -1;
	}
	for (k = 0; k < 2; k++) {
		memmove(c[k].q, c[k].q + n, (c[k].n - n) * sizeof(c[k].q[0]));
		c[k].n -= n;
	}
	*frames += n;
	return 0;
}

static int emit(FILE *f, struct tap_chan *c, uint32_t *frames, bool flush);

/* The bytes lost as silence, so that the recording keeps its time. */
static int add_lost(FILE *f, struct tap_chan *c, int k, uint64_t lost,
		    uint32_t *frames)
{
	c[k].lost += lost;
	while ((lost = chan_lost(&c[k], lost)))
		if (emit(f, c, frames, false))
			return -1;
	return 0;
}

static int record_tap(struct tel_card *card, uint32_t id, double secs,
		      const char *path)
{
	static struct tap_chan c[2];
	uint8_t rx[TAP_CHUNK], tx[TAP_CHUNK];
	double end = secs > 0 ? mono_now() + secs : 0;
	struct tel_tap_result res;
	uint32_t frames = 0;
	bool tapped = false;
	int ret = EXIT_OK;
	FILE *f;

	f = fopen(path, "w+b");
	if (!f) {
		errmsg("%s: %s", path, strerror(errno));
		return EXIT_ERROR;
	}
	if (wav_header(f, 0)) {
		errmsg("%s: %s", path, strerror(errno));
		fclose(f);
		return EXIT_ERROR;
	}
	while (!stop_signal && (!end || mono_now() < end)) {
		if (tel_card_tap_read(card, id, rx, sizeof(rx), tx, sizeof(tx),
				      &res) < 0) {
			if (errno == ENOENT && tapped)
				break;	/* deallocated: the record is over */
			errmsg("call %" PRIu32 ": %s", id,
			       errno == EPERM ? "not permitted (needs "
			       "CAP_SYS_ADMIN or the tap_gid group)" :
			       errno == ENOENT ? "no such call" :
			       strerror(errno));
			ret = EXIT_ERROR;
			break;
		}
		tapped = true;
		if (add_lost(f, c, 0, res.rx_lost, &frames) ||
		    add_lost(f, c, 1, res.tx_lost, &frames) ||
		    emit(f, c, &frames, false)) {
			errmsg("%s: %s", path, strerror(errno));
			ret = EXIT_ERROR;
			break;
		}
		chan_add(&c[0], rx, res.rx_len);
		chan_add(&c[1], tx, res.tx_len);
		if (emit(f, c, &frames, false)) {
			errmsg("%s: %s", path, strerror(errno));
			ret = EXIT_ERROR;
			break;
		}
		if (!res.rx_len && !res.tx_len)
			sleep_ms(20);
	}
	if (emit(f, c, &frames, true) || wav_header(f, frames) ||
	    fclose(f)) {
		errmsg("%s: %s", path, strerror(errno));
		return EXIT_ERROR;
	}
	say("call %" PRIu32 ": %.3f s recorded to %s; far party %" PRIu64
	    " bytes, %" PRIu64 " lost; owner %" PRIu64 " bytes, %" PRIu64
	    " lost", id, frames / 8000.0, path, c[0].bytes, c[0].lost,
	    c[1].bytes, c[1].lost);
	return ret;
}

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tap", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long id = 0;
	struct tel_card *card;
	unsigned int index;
	double secs = 0;
	int c, ret;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_uint(optarg, UINT32_MAX, &id) || !id)
				return usage_error("record", "bad --tap '%s'",
						   optarg);
			break;
		case 's':
			if (parse_seconds(optarg, &secs))
				return usage_error("record",
						   "bad --seconds '%s'",
						   optarg);
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return usage_error("record", "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (!id)
		return usage_error("record", "--tap ID is required");
	if (optind != argc - 2)
		return usage_error("record", "expected CARD and FILE");
	if (parse_card(argv[optind], &index, NULL, false))
		return usage_error("record", "bad CARD '%s'", argv[optind]);
	install_stop_handlers();
	card = open_card(index);
	if (!card)
		return EXIT_ERROR;
	if (tel_card_has_feature(card, TEL_FEAT_TAP) != 1) {
		errmsg("tel%u: the driver has no taps", index);
		tel_card_close(card);
		return EXIT_ERROR;
	}
	if (tel_card_monitor(card, 0) < 0) {
		errmsg("tel%u: monitor: %s", index, strerror(errno));
		tel_card_close(card);
		return EXIT_ERROR;
	}
	ret = record_tap(card, (uint32_t)id, secs, argv[optind + 1]);
	tel_card_close(card);
	return ret;
}
