// SPDX-License-Identifier: GPL-2.0
/*
 * conference.c - telctl conference: dial the parties, put them in one
 * conference the card mixes (each hears the others), hold it, show each
 * party's record, drop the conference.  With --play or --record telctl
 * is a party itself (tel_conf_join_self()): it says the file and keeps
 * what it hears.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "telctl.h"

#define CONF_MAX_PARTIES	32

static void conf_usage(FILE *f)
{
	fprintf(f, "usage: %s conference [--seconds S] [--timeout S] [--play FILE] [--record FILE] CARD NUMBER NUMBER [NUMBER...]\n"
		"  dial every NUMBER, join the calls in a conference the card\n"
		"  mixes, hold it S seconds (default 10), print each call, drop them;\n"
		"  with --play or --record telctl is a party too: it says FILE (raw\n"
		"  G.711 mu-law, then silence) and records what it hears\n",
		progname);
}

/* telctl's own party: its voice and its ears, 8000 bytes a second each */
struct conf_self {
	struct tel_call *call;
	struct audio_out voice;	/* --play, then silence */
	FILE *record;
	const char *play_path, *record_path;
	uint64_t heard;
};

/* Take what the party heard; into the --record file if there is one. */
static int self_hear(struct conf_self *me)
{
	unsigned char buf[1024];

	for (;;) {
		ssize_t n = tel_call_read(me->call, buf, sizeof(buf), 0);

		if (n <= 0)
			return n < 0 && errno != EAGAIN ? -1 : 0;
		me->heard += (uint64_t)n;
		if (me->record &&
		    fwrite(buf, 1, (size_t)n, me->record) != (size_t)n) {
			errmsg("%s: %s", me->record_path, strerror(errno));
			fclose(me->record);
			me->record = NULL;
		}
	}
}

static int self_open(struct conf_self *me)
{
	if (me->play_path) {
		me->voice.file = fopen(me->play_path, "rb");
		if (!me->voice.file) {
			errmsg("%s: %s", me->play_path, strerror(errno));
			return -1;
		}
	}
	if (me->record_path) {
		me->record = fopen(me->record_path, "wb");
		if (!me->record) {
			errmsg("%s: %s", me->record_path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int self_close(struct conf_self *me)
{
	int ret = 0;

	if (me->voice.file)
		fclose(me->voice.file);
	if (me->record && fclose(me->record)) {
		errmsg("%s: %s", me->record_path, strerror(errno));
		ret = -1;
	}
	me->voice.file = NULL;
	me->record = NULL;
	return ret;
}

/* One line per party: the call's own record, as the kernel keeps it. */
static void conf_show(struct tel_call **calls, int n, const char *when)
{
	struct tel_call_record rec;
	int i;

	for (i = 0; i < n; i++) {
		if (!calls[i] || tel_call_get_record(calls[i], &rec) < 0)
			continue;
		say("%s: call %" PRIu32 " channel %" PRIu32 " %s %s, %" PRIu64
		    " frames in", when, rec.handle, rec.channel, rec.called,
		    tel_state_name(rec.state), rec.rx_frames);
	}
}

int cmd_conference(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "play", required_argument, NULL, 'p' },
		{ "record", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ },
	};
	struct tel_call *calls[CONF_MAX_PARTIES] = { };
	struct conf_self me = { };
	bool join;
	double secs = 10, timeout = 30;
	int ret = EXIT_ERROR, n, i, c;
	unsigned int index, channel, max = 0;
	struct tel_card *card;
	uint32_t conf;

	while ((c = getopt_long(argc, argv, "s:t:p:r:h", opts, NULL)) != -1) {
		if (c == 'h') {
			conf_usage(stdout);
			return EXIT_OK;
		}
		if (c == 'p' || c == 'r') {
			*(c == 'p' ? &me.play_path : &me.record_path) = optarg;
			continue;
		}
		if ((c == 's' && parse_seconds(optarg, &secs)) ||
		    (c == 't' && parse_seconds(optarg, &timeout)) ||
		    (c != 's' && c != 't')) {
			conf_usage(stderr);
			return EXIT_USAGE;
		}
	}
	n = argc - optind - 1;
	if (n < 2 || n > CONF_MAX_PARTIES)
		return usage_error("conference",
				   "expected CARD and 2 to %d NUMBERs",
				   CONF_MAX_PARTIES);
	if (parse_card(argv[optind], &index, &channel, false))
		return usage_error("conference", "bad CARD '%s'",
				   argv[optind]);
	/* with either, telctl is a party of its own conference */
	join = me.play_path || me.record_path;
	if (self_open(&me)) {
		self_close(&me);
		return EXIT_ERROR;
	}
	card = open_card(index);
	if (!card) {
		self_close(&me);
		return EXIT_ERROR;
	}
	install_stop_handlers();
	if (tel_conf_setup(card, &conf, &max) < 0) {
		errmsg("tel%u: conference: %s", index, strerror(errno));
		goto out_close;
	}
	/* telctl's own party counts as a member */
	if ((unsigned int)n + join > max) {
		errmsg("tel%u: a conference takes at most %u calls%s", index,
		       max, join ? ", telctl's own party one of them" : "");
		goto out_conf;
	}
	for (i = 0; i < n; i++) {
		const char *number = argv[optind + 1 + i];

		calls[i] = tel_call_dial(card, TEL_CHANNEL_ANY, number);
		if (!calls[i]) {
			errmsg("tel%u: dial %s: %s", index, number,
			       strerror(errno));
			goto out_drop;
		}
		say("dialing %s (call %" PRIu32 ")", number,
		    tel_call_handle(calls[i]));
	}
	for (i = 0; i < n; i++) {
		if (tel_call_wait_state(calls[i], TEL_CALL_CONNECTED,
					(int)(timeout * 1000)) < 0) {
			errmsg("tel%u: call %" PRIu32 " did not connect: %s",
			       index, tel_call_handle(calls[i]),
			       strerror(errno));
			ret = EXIT_NOTDONE;
			goto out_drop;
		}
		if (tel_conf_add(conf, calls[i]) < 0) {
			errmsg("tel%u: add call %" PRIu32 ": %s", index,
			       tel_call_handle(calls[i]), strerror(errno));
			goto out_drop;
		}
	}
	if (join) {
		me.call = tel_conf_join_self(card, conf, TEL_CHANNEL_ANY);
		if (!me.call) {
			errmsg("tel%u: join conference %" PRIu32 ": %s", index,
			       conf, strerror(errno));
			goto out_drop;
		}
		say("telctl joins as a party (call %" PRIu32 " channel %u)",
		    tel_call_handle(me.call), tel_call_channel(me.call));
	}
	say("conference %" PRIu32 ": %d parties, each hears the others, for %g s",
	    conf, n + !!me.call, secs);
	conf_show(calls, n, "joined");
	for (i = 0; i < (int)(secs * 50) && !stop_signal; i++) {
		if (me.call && (audio_out_pump(me.call, &me.voice) < 0 ||
				self_hear(&me) < 0)) {
			errmsg("tel%u: conference audio: %s", index,
			       strerror(errno));
			goto out_drop;
		}
		sleep_ms(20);
	}
	conf_show(calls, n, "after");
	if (me.call)
		say("telctl said %" PRIu64 " bytes, heard %" PRIu64 " bytes",
		    me.voice.total, me.heard);
	ret = EXIT_OK;
out_drop:
	/* lineDrop of hConfCall: its members; then the rest one by one */
	tel_conf_drop(card, conf, 0);
	for (i = 0; i < n; i++) {
		if (!calls[i])
			continue;
		tel_call_drop(calls[i], 0);
		tel_call_dealloc(calls[i]);
	}
	if (me.call) {
		/* the conference's DROP ended it: what was left to hear stays */
		self_hear(&me);
		tel_call_drop(me.call, 0);
		tel_call_dealloc(me.call);
	}
out_conf:
	tel_conf_dealloc(card, conf);
out_close:
	tel_card_close(card);
	if (self_close(&me) && ret == EXIT_OK)
		ret = EXIT_ERROR;
	return ret;
}
