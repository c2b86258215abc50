// SPDX-License-Identifier: GPL-2.0
/*
 * telctl - look at tel cards and their calls, place and answer calls
 */
#include <stdlib.h>
#include <string.h>

#include "telctl.h"

const char *progname = "telctl";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "cards", cmd_cards, "list the cards" },
	{ "channels", cmd_channels, "the channels of a card" },
	{ "calls", cmd_calls, "every call, live or dropped, of every card" },
	{ "dial", cmd_dial, "place a call, talk, hang up, show its record" },
	{ "answer", cmd_answer, "answer offered calls" },
	{ "monitor", cmd_monitor, "print a card's events as they happen" },
	{ "record", cmd_record, "record a call's audio as a monitor (--tap)" },
	{ "conference", cmd_conference, "dial parties, mix them in a conference" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s COMMAND [ARGS...]\n\ncommands:\n", progname);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'%s COMMAND --help' for a command's options.\n"
		"CARD is N, telN or /dev/telN.  Exit status: 0 ok, 1 error, "
		"2 usage,\n3 not completed (refused, busy, no answer, "
		"timed out).\n", progname);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("telctl (libtel %s)\n", tel_version());
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n", progname, argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
