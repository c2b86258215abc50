// SPDX-License-Identifier: GPL-2.0
/*
 * list.c - telctl cards, channels, calls: what sysfs and the cards'
 * lists of calls (TEL_IOC_CALL_LIST, as /proc/driver/tel/calls) show, as
 * aligned tables or JSON
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "telctl.h"

static const struct option list_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* --json and --help, the only options of the three listings */
static int list_args(const char *cmd, const char *help, int argc,
		     char **argv, bool *json)
{
	int c;

	optind = 1;
	opterr = 0;
	*json = false;
	while ((c = getopt_long(argc, argv, "jh", list_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'h':
			fputs(help, stdout);
			return -EXIT_OK - 1;
		default:
			return -usage_error(cmd, "unknown option '%s'",
					    argv[optind - 1]) - 1;
		}
	}
	return optind;
}

/* the card counters, in the order the table and JSON show them */
static const char *const counters[] = {
	"calls", "active_calls", "dropped_calls", "dma_bytes", "rx_frames",
	"tx_frames", "rx_overruns", "tx_underruns", "interrupts",
	"missed_ticks",
};

#define NCOUNTERS	(sizeof(counters) / sizeof(counters[0]))

static void attr_or_dash(unsigned int idx, const char *name, char *buf,
			 size_t len)
{
	if (tel_card_attr(idx, name, buf, len) < 0)
		snprintf(buf, len, "-");
}

int cmd_cards(int argc, char **argv)
{
	static const char *const hdr[] = {
		"CARD", "MODEL", "FIRMWARE", "SERIAL", "CHANNELS", "STATE",
		"CALLS", "DMA_BYTES",
	};
	static const char help[] =
		"usage: telctl cards [--json]\n"
		"List the tel cards (from /sys/class/tel): model, firmware,\n"
		"serial, channels, state, calls held, DMA bytes held.\n"
		"  --json   one JSON array of objects, every counter sysfs has\n";
	unsigned int idx[256];
	char model[64], fw[64], serial[64], chans[16], state[16], calls[24],
	     dma[24], name[16];
	bool json;
	int n, i, r;
	size_t k;

	r = list_args("cards", help, argc, argv, &json);
	if (r < 0)
		return -r - 1;
	if (r != argc)
		return usage_error("cards", "unexpected argument '%s'",
				   argv[r]);
	n = tel_card_list(idx, 256);
	if (n < 0) {
		errmsg("/sys/class/tel: %s", strerror(errno));
		return EXIT_ERROR;
	}
	if (n > 256)
		n = 256;
	if (json) {
		printf("[");
		for (i = 0; i < n; i++) {
			bool first = true;
			uint64_t v;

			printf("%s\n  {", i ? "," : "");
			snprintf(name, sizeof(name), "tel%u", idx[i]);
			json_kv_u64(stdout, &first, "card", idx[i]);
			json_kv_str(stdout, &first, "name", name);
			attr_or_dash(idx[i], "model", model, sizeof(model));
			json_kv_str(stdout, &first, "model", model);
			attr_or_dash(idx[i], "firmware", fw, sizeof(fw));
			json_kv_str(stdout, &first, "firmware", fw);
			attr_or_dash(idx[i], "serial", serial, sizeof(serial));
			json_kv_str(stdout, &first, "serial", serial);
			if (tel_card_attr_u64(idx[i], "channels", &v) == 0)
				json_kv_u64(stdout, &first, "channels", v);
			else
				json_kv_str(stdout, &first, "channels", NULL);
			json_kv_str(stdout, &first, "state",
				    tel_card_attr(idx[i], "state", state,
						  sizeof(state)) < 0 ?
				    NULL : state);
			for (k = 0; k < NCOUNTERS; k++) {
				if (tel_card_attr_u64(idx[i], counters[k],
						      &v) == 0)
					json_kv_u64(stdout, &first,
						    counters[k], v);
				else
					json_kv_str(stdout, &first,
						    counters[k], NULL);
			}
			printf("}");
		}
		printf("%s]\n", n ? "\n" : "");
		return EXIT_OK;
	}

	struct table *t = table_new(8, hdr);

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "tel%u", idx[i]);
		attr_or_dash(idx[i], "model", model, sizeof(model));
		attr_or_dash(idx[i], "firmware", fw, sizeof(fw));
		attr_or_dash(idx[i], "serial", serial, sizeof(serial));
		attr_or_dash(idx[i], "channels", chans, sizeof(chans));
		attr_or_dash(idx[i], "state", state, sizeof(state));
		attr_or_dash(idx[i], "calls", calls, sizeof(calls));
		attr_or_dash(idx[i], "dma_bytes", dma, sizeof(dma));
		table_add(t, name, model, fw, serial, chans, state, calls, dma);
	}
	if (n)
		table_print(t, stdout);
	else
		printf("no tel cards\n");
	table_free(t);
	return EXIT_OK;
}

/* The live call on @ch of @card in the list of calls, if any. */
static const struct tel_call_entry *live_call(const struct tel_call_entry *e,
					      ssize_t n, unsigned int card,
					      unsigned int ch)
{
	ssize_t i;

	for (i = 0; i < n; i++)
		if (e[i].card == card && e[i].channel == ch &&
		    e[i].state != TEL_CALL_IDLE)
			return &e[i];
	return NULL;
}

int cmd_channels(int argc, char **argv)
{
	static const char *const hdr[] = {
		"CH", "STATE", "HOOK", "HELD", "PID", "CALL", "NUMBER",
	};
	static const char help[] =
		"usage: telctl channels CARD [--json]\n"
		"The channels of a card (from /sys/class/tel/telN/chM): the\n"
		"line state as the card sees it, hook, whether a call holds it\n"
		"and its owner's pid; from the card's list of calls, the call's\n"
		"state and number.\n"
		"  --json   one JSON array of objects\n";
	struct tel_call_entry *calls = NULL;
	unsigned int index, ch;
	uint64_t nch;
	ssize_t ncalls;
	bool json, warned = false;
	int r;

	r = list_args("channels", help, argc, argv, &json);
	if (r < 0)
		return -r - 1;
	if (r != argc - 1)
		return usage_error("channels", "expected one CARD");
	if (parse_card(argv[r], &index, NULL, false))
		return usage_error("channels", "bad CARD '%s'", argv[r]);
	if (tel_card_attr_u64(index, "channels", &nch) < 0) {
		errmsg("%s", open_errstr(index, errno));
		return EXIT_ERROR;
	}
	ncalls = tel_call_list(&calls);
	if (ncalls < 0)
		ncalls = 0;

	struct table *t = table_new(7, hdr);

	if (json)
		printf("[");
	for (ch = 0; ch < nch; ch++) {
		const struct tel_call_entry *e = live_call(calls, ncalls,
							   index, ch);
		struct tel_channel_status st;
		char chs[16], pid[16], handle[16], held[8], hook[8];
		const char *state, *number = NULL, *cstate = NULL;

		if (tel_channel_status(index, ch, &st) < 0) {
			/* an older tel.ko: say so once, use the call list */
			if (!warned && !json)
				fprintf(stderr, "%s: tel%u: no per-channel "
					"sysfs files; showing calls only\n",
					progname, index);
			warned = true;
			memset(&st, 0, sizeof(st));
			st.hook = -1;
			st.held = e ? 1 : (ncalls >= 0 ? 0 : -1);
			st.owner_pid = e ? e->pid : -1;
		}
		state = st.state[0] ? st.state : NULL;
		if (e) {
			cstate = tel_state_name(e->state);
			number = e->direction == TEL_DIR_OUTBOUND ?
				 e->called : e->calling;
		}
		if (json) {
			bool first = true;

			printf("%s\n  {", ch ? "," : "");
			json_kv_u64(stdout, &first, "channel", ch);
			json_kv_str(stdout, &first, "state", state);
			if (st.hook >= 0)
				json_kv_str(stdout, &first, "hook",
					    st.hook ? "off" : "on");
			else
				json_kv_str(stdout, &first, "hook", NULL);
			if (st.held >= 0)
				json_kv_u64(stdout, &first, "held", st.held);
			else
				json_kv_str(stdout, &first, "held", NULL);
			json_kv_i64(stdout, &first, "owner_pid", st.owner_pid);
			json_kv_str(stdout, &first, "call_state", cstate);
			json_kv_str(stdout, &first, "number",
				    number && *number ? number : NULL);
			printf("}");
			continue;
		}
		snprintf(chs, sizeof(chs), "%u", ch);
		snprintf(hook, sizeof(hook), "%s",
			 st.hook < 0 ? "-" : st.hook ? "off" : "on");
		snprintf(held, sizeof(held), "%s",
			 st.held < 0 ? "-" : st.held ? "yes" : "no");
		snprintf(pid, sizeof(pid), "%d", st.owner_pid);
		if (st.owner_pid < 0)
			strcpy(pid, "-");
		snprintf(handle, sizeof(handle), "%s", or_dash(cstate));
		table_add(t, chs, or_dash(state), hook, held, pid, handle,
			  or_dash(number));
	}
	if (json)
		printf("%s]\n", nch ? "\n" : "");
	else
		table_print(t, stdout);
	table_free(t);
	tel_call_list_free(calls);
	return EXIT_OK;
}

/* A value newer than this libtel's names still gets a cell. */
static const char *known(const char *name)
{
	return name ? name : "unknown";
}

int cmd_calls(int argc, char **argv)
{
	static const char *const hdr[] = {
		"CARD", "CH", "HANDLE", "PID", "OWNER", "STATE", "DIR", "ORIGIN",
		"MODE", "DURATION", "RX_BYTES", "TX_BYTES", "DMA_BYTES", "NUMBER",
	};
	static const char help[] =
		"usage: telctl calls [CARD] [--json]\n"
		"Every call of every card (or of CARD), live or dropped and\n"
		"awaiting deallocation, owned by a /dev/telN file or by the\n"
		"DAHDI bridge.  Numbers are shown only to their owner and to\n"
		"root ('*' otherwise).\n"
		"  --json   one JSON array of objects, every column of\n"
		"           /proc/driver/tel/calls\n";
	struct tel_call_entry *e = NULL;
	unsigned int only = 0;
	bool json, have_card = false;
	ssize_t n, i;
	int r;

	r = list_args("calls", help, argc, argv, &json);
	if (r < 0)
		return -r - 1;
	if (r < argc - 1)
		return usage_error("calls", "too many arguments");
	if (r == argc - 1) {
		if (parse_card(argv[r], &only, NULL, false))
			return usage_error("calls", "bad CARD '%s'", argv[r]);
		have_card = true;
	}
	n = tel_call_list(&e);
	if (n < 0) {
		if (errno == ENOTTY)
			errmsg("listing calls: tel.ko too old to list them");
		else
			errmsg("listing calls: %s", strerror(errno));
		return EXIT_ERROR;
	}

	struct table *t = table_new(14, hdr);
	bool first_obj = true;
	int shown = 0;

	if (json)
		printf("[");
	for (i = 0; i < n; i++) {
		const struct tel_call_entry *c = &e[i];
		char card[16], ch[16], handle[16], pid[16], dur[32], rx[24],
		     tx[24], dma[24];
		const char *number = c->direction == TEL_DIR_OUTBOUND ?
				     c->called : c->calling;

		if (have_card && c->card != only)
			continue;
		shown++;
		if (json) {
			bool first = true;

			printf("%s\n  {", first_obj ? "" : ",");
			first_obj = false;
			json_kv_u64(stdout, &first, "card", c->card);
			json_kv_u64(stdout, &first, "channel", c->channel);
			json_kv_u64(stdout, &first, "handle", c->handle);
			json_kv_i64(stdout, &first, "pid", c->pid);
			json_kv_u64(stdout, &first, "uid", c->uid);
			json_kv_str(stdout, &first, "state",
				    tel_state_name(c->state));
			json_kv_str(stdout, &first, "direction",
				    tel_direction_name(c->direction));
			json_kv_str(stdout, &first, "origin",
				    tel_origin_name(c->origin));
			json_kv_str(stdout, &first, "disconnect_mode",
				    c->disconnect_mode ?
				    mode_str(c->disconnect_mode) : NULL);
			json_kv_u64(stdout, &first, "duration_ms",
				    c->duration_ms);
			json_kv_u64(stdout, &first, "rx_frames", c->rx_frames);
			json_kv_u64(stdout, &first, "tx_frames", c->tx_frames);
			json_kv_u64(stdout, &first, "rx_bytes", c->rx_bytes);
			json_kv_u64(stdout, &first, "tx_bytes", c->tx_bytes);
			json_kv_u64(stdout, &first, "rx_overruns",
				    c->rx_overruns);
			json_kv_u64(stdout, &first, "tx_underruns",
				    c->tx_underruns);
			json_kv_u64(stdout, &first, "dma_bytes", c->dma_bytes);
			json_kv_str(stdout, &first, "called",
				    c->called[0] ? c->called : NULL);
			json_kv_str(stdout, &first, "calling",
				    c->calling[0] ? c->calling : NULL);
			json_kv_str(stdout, &first, "owner",
				    tel_owner_name(c->owner));
			printf("}");
			continue;
		}
		snprintf(card, sizeof(card), "tel%u", c->card);
		snprintf(ch, sizeof(ch), "%u", c->channel);
		snprintf(handle, sizeof(handle), "%" PRIu32, c->handle);
		snprintf(pid, sizeof(pid), "%d", c->pid);
		snprintf(dur, sizeof(dur), "%.3fs", c->duration_ms / 1000.0);
		snprintf(rx, sizeof(rx), "%" PRIu64, c->rx_bytes);
		snprintf(tx, sizeof(tx), "%" PRIu64, c->tx_bytes);
		snprintf(dma, sizeof(dma), "%" PRIu64, c->dma_bytes);
		table_add(t, card, ch, handle, pid, known(tel_owner_name(c->owner)),
			  known(tel_state_name(c->state)),
			  known(tel_direction_name(c->direction)),
			  known(tel_origin_name(c->origin)),
			  mode_str(c->disconnect_mode), dur, rx, tx, dma,
			  or_dash(number));
	}
	if (json)
		printf("%s]\n", first_obj ? "" : "\n");
	else if (shown)
		table_print(t, stdout);
	else
		printf("no calls\n");
	table_free(t);
	tel_call_list_free(e);
	return EXIT_OK;
}
