// SPDX-License-Identifier: GPL-2.0
/*
 * conference.c - telctl conference: dial the parties, put them in one
 * conference the card mixes (each hears the others), hold it, show each
 * party's record, drop the conference
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "telctl.h"

#define CONF_MAX_PARTIES	32

static void conf_usage(FILE *f)
{
	fprintf(f, "usage: %s conference [--seconds S] [--timeout S] CARD NUMBER NUMBER [NUMBER...]\n"
		"  dial every NUMBER, join the calls in a conference the card\n"
		"  mixes, hold it S seconds (default 10), print each call, drop them\n",
		progname);
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
		{ "help", no_argument, NULL, 'h' },
		{ },
	};
	struct tel_call *calls[CONF_MAX_PARTIES] = { };
	double secs = 10, timeout = 30;
	int ret = EXIT_ERROR, n, i, c;
	unsigned int index, channel, max = 0;
	struct tel_card *card;
	uint32_t conf;

	while ((c = getopt_long(argc, argv, "s:t:h", opts, NULL)) != -1) {
		if (c == 'h') {
			conf_usage(stdout);
			return EXIT_OK;
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
	card = open_card(index);
	if (!card)
		return EXIT_ERROR;
	install_stop_handlers();
	if (tel_conf_setup(card, &conf, &max) < 0) {
		errmsg("tel%u: conference: %s", index, strerror(errno));
		goto out_close;
	}
	if ((unsigned int)n > max) {
		errmsg("tel%u: a conference takes at most %u calls", index,
		       max);
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
	say("conference %" PRIu32 ": %d parties, each hears the others, for %g s",
	    conf, n, secs);
	conf_show(calls, n, "joined");
	for (i = 0; i < (int)(secs * 10) && !stop_signal; i++)
		sleep_ms(100);
	conf_show(calls, n, "after");
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
out_conf:
	tel_conf_dealloc(card, conf);
out_close:
	tel_card_close(card);
	return ret;
}
