// SPDX-License-Identifier: GPL-2.0
/*
 * monitor.c - telctl monitor: a card's events as they happen; with --all
 * every call's, as a monitor of the card (tel_card_monitor())
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "telctl.h"

#define TEL_UNKNOWN	"unknown"

static const char help[] =
	"usage: telctl monitor CARD [--all] [--count N] [--timeout S] [--json]\n"
	"Print the card's events, one line each, as they happen: offers\n"
	"(to every open file of the card), withdrawn offers, card removal,\n"
	"lost events; an offer's presentation if the card has caller ID.\n"
	"State changes, digits and flashes of calls are sent only to the\n"
	"file that owns them, unless:\n"
	"  --all         watch every call of the card, whoever owns it, from\n"
	"                its start (call_new) to its release (call_dealloc),\n"
	"                by its card-wide id; numbers and digits of other\n"
	"                users' calls are withheld (\"*\") unless run as root\n"
	"Stops on SIGINT/SIGTERM, when the card goes away, or:\n"
	"  --count N     after N events\n"
	"  --timeout S   after S seconds without reaching --count (exit 3)\n"
	"  --json        one JSON object per line\n";

/*
 * The number of a call a monitor was told of: the called one (outbound) or
 * the calling one; "*" if withheld, "" if none or the record is gone.
 */
static const char *call_number(struct tel_card *card, uint32_t id,
			       struct tel_call_record *rec)
{
	if (tel_card_get_call_record(card, id, rec) < 0)
		return "";
	return rec->direction == TEL_DIR_OUTBOUND ? rec->called : rec->calling;
}

static void print_event(struct tel_card *card, unsigned int index,
			const struct tel_card_event *ev, bool json,
			bool caller_id)
{
	const char *type = tel_event_type_name(ev->type);
	const char *pres = caller_id ? tel_presentation_name(ev->detail) : NULL;
	/* a monitor gets digit 0 for a digit it may not see */
	char digit[2] = { ev->detail ? (char)ev->detail : '*', '\0' };
	const char *number = NULL;
	struct tel_call_record rec;

	if (ev->type == TEL_EVENT_CALL_NEW)
		number = call_number(card, ev->handle, &rec);

	if (json) {
		bool first = true;

		putchar('{');
		json_kv_str(stdout, &first, "type", type);
		json_kv_u64(stdout, &first, "card", index);
		json_kv_u64(stdout, &first, "seq", ev->seq);
		json_kv_u64(stdout, &first, "timestamp_ns", ev->timestamp_ns);
		json_kv_u64(stdout, &first, "channel", ev->channel);
		json_kv_u64(stdout, &first, "handle", ev->handle);
		if (ev->type == TEL_EVENT_CALL_NEW) {
			json_kv_str(stdout, &first, "direction",
				    tel_direction_name(ev->detail));
			json_kv_str(stdout, &first, "state",
				    tel_state_name(ev->state));
			json_kv_str(stdout, &first, "number", number);
		}
		if (ev->type == TEL_EVENT_STATE ||
		    ev->type == TEL_EVENT_CALL_DEALLOC) {
			json_kv_str(stdout, &first, "state",
				    tel_state_name(ev->state));
			json_kv_str(stdout, &first, "origin",
				    tel_origin_name(ev->origin));
			json_kv_str(stdout, &first, "disconnect_mode",
				    ev->disconnect_mode ?
				    mode_str(ev->disconnect_mode) : NULL);
		}
		if (ev->type == TEL_EVENT_OFFER) {
			json_kv_str(stdout, &first, "number", ev->number);
			if (caller_id)
				json_kv_str(stdout, &first, "presentation",
					    pres ? pres : TEL_UNKNOWN);
		}
		if (ev->type == TEL_EVENT_DIGIT) {
			json_kv_str(stdout, &first, "digit", digit);
			json_kv_u64(stdout, &first, "duration_ms",
				    ev->duration_ms);
		}
		if (ev->type == TEL_EVENT_DIGITS_SENT)
			json_kv_u64(stdout, &first, "count", ev->detail);
		if (ev->type == TEL_EVENT_FLASH)
			json_kv_u64(stdout, &first, "duration_ms",
				    ev->duration_ms);
		if (ev->type == TEL_EVENT_OVERFLOW)
			json_kv_u64(stdout, &first, "lost", ev->lost);
		puts("}");
		fflush(stdout);
		return;
	}
	printf("%llu.%06llu tel%u:%u ",
	       (unsigned long long)(ev->timestamp_ns / 1000000000ull),
	       (unsigned long long)(ev->timestamp_ns / 1000ull % 1000000ull),
	       index, ev->channel);
	switch (ev->type) {
	case TEL_EVENT_OFFER:
		if (caller_id)
			printf("offer from %s (%s)\n", or_dash(ev->number),
			       pres ? pres : TEL_UNKNOWN);
		else
			printf("offer from %s\n", or_dash(ev->number));
		break;
	case TEL_EVENT_DIGIT:
		printf("call %" PRIu32 " digit %s (%" PRIu32 " ms)\n",
		       ev->handle, digit, ev->duration_ms);
		break;
	case TEL_EVENT_DIGITS_SENT:
		printf("call %" PRIu32 " digits sent: %" PRIu32 "\n",
		       ev->handle, ev->detail);
		break;
	case TEL_EVENT_FLASH:
		printf("call %" PRIu32 " flash (%" PRIu32 " ms)\n",
		       ev->handle, ev->duration_ms);
		break;
	case TEL_EVENT_STATE:
		if (!ev->handle)
			printf("offer withdrawn (%s)\n",
			       mode_str(ev->disconnect_mode));
		else
			printf("call %" PRIu32 " %s (%s, %s)\n", ev->handle,
			       tel_state_name(ev->state),
			       tel_origin_name(ev->origin),
			       mode_str(ev->disconnect_mode));
		break;
	case TEL_EVENT_CARD_GONE:
		printf("card gone\n");
		break;
	case TEL_EVENT_OVERFLOW:
		printf("overflow: %" PRIu32 " events lost\n", ev->lost);
		break;
	case TEL_EVENT_CALL_NEW:
		printf("call %" PRIu32 " new, %s %s %s\n", ev->handle,
		       ev->detail == TEL_DIR_INBOUND ? "from" : "to",
		       or_dash(number), tel_state_name(ev->state));
		break;
	case TEL_EVENT_CALL_DEALLOC:
		printf("call %" PRIu32 " deallocated (%s, %s, %s)\n",
		       ev->handle, tel_state_name(ev->state),
		       tel_origin_name(ev->origin),
		       mode_str(ev->disconnect_mode));
		break;
	default:
		printf("event type %" PRIu32 "\n", ev->type);
	}
	fflush(stdout);
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long count = 0, seen = 0;
	struct tel_card_event ev;
	struct tel_card *card;
	unsigned int index;
	double timeout = 0, end;
	bool json = false, all = false, caller_id;
	int c, ret = EXIT_OK;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_uint(optarg, 1UL << 31, &count) || !count)
				return usage_error("monitor",
						   "bad --count '%s'", optarg);
			break;
		case 't':
			if (parse_seconds(optarg, &timeout))
				return usage_error("monitor",
						   "bad --timeout '%s'",
						   optarg);
			break;
		case 'j':
			json = true;
			break;
		case 'a':
			all = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		default:
			return usage_error("monitor", "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_error("monitor", "expected one CARD");
	if (parse_card(argv[optind], &index, NULL, false))
		return usage_error("monitor", "bad CARD '%s'", argv[optind]);
	install_stop_handlers();
	card = open_card(index);
	if (!card)
		return EXIT_ERROR;
	caller_id = tel_card_has_feature(card, TEL_FEAT_CALLER_ID) == 1;
	if (all && tel_card_monitor(card, 0) < 0) {
		errmsg("tel%u: monitor --all: %s", index,
		       tel_card_has_feature(card, TEL_FEAT_MONITOR) == 1 ?
		       strerror(errno) : "the driver has no monitors");
		tel_card_close(card);
		return EXIT_ERROR;
	}
	if (!json) {
		printf("tel%u: monitoring%s (%s)\n", index,
		       all ? " every call" : "",
		       count ? "until --count" : "Ctrl-C to stop");
		fflush(stdout);
	}
	end = mono_now() + timeout;
	while (!stop_signal && (!count || seen < count)) {
		int left = -1;

		if (timeout > 0) {
			left = (int)((end - mono_now()) * 1000);
			if (left <= 0) {
				ret = EXIT_NOTDONE;
				break;
			}
		}
		if (tel_card_read_event(card, &ev, left) < 0) {
			if (errno == EINTR || errno == ETIMEDOUT)
				continue;
			if (errno == ENODEV)
				break;	/* gone, and its CARD_GONE was read */
			errmsg("tel%u: events: %s", index, strerror(errno));
			ret = EXIT_ERROR;
			break;
		}
		print_event(card, index, &ev, json, caller_id);
		seen++;
		if (ev.type == TEL_EVENT_CARD_GONE)
			break;
	}
	tel_card_close(card);
	return ret;
}
