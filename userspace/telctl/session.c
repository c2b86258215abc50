// SPDX-License-Identifier: GPL-2.0
/*
 * session.c - telctl dial and telctl answer: one call's whole life, from
 * dial (or offer) through talking to hangup, the post-call record read
 * after the hangup, and deallocation
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "telctl.h"

#define TICK_MS		20	/* how often audio is moved */
#define GATHER_MAX	256	/* most digits --gather takes */

struct session {
	struct tel_card *card;
	struct tel_call *call;
	unsigned int index;
	unsigned int channel;
	FILE *out;		/* narration: stdout, stderr with --json */
	bool json;
	bool keep;
	unsigned int reason;
	FILE *record;
	struct audio_out tx;	/* --play, then silence */
	const char *play_path, *record_path;
	/* zeroed once: valgrind cannot see the kernel fill it by ioctl */
	unsigned char rx[2048];
	uint64_t rx_total;
	/* after the call connects: --digits, --flash, --gather */
	const char *digits;
	unsigned int tone_ms, gap_ms;
	long flash_ms;		/* -1: no --flash; 0: the card's 750 ms */
	unsigned long hold_ms;	/* --hold: on hold this long, 0: none */
	const char *redirect;	/* answer --redirect: send offers there */
	const char *transfer;	/* --transfer: blind transfer there */
	const char *consult;	/* --consult: consultation transfer there */
	bool back;		/* --back: then go back instead of joining */
	unsigned long after_ms;	/* --after: that long after the connect */
	unsigned long gather;	/* digits to gather, 0: none */
	const char *terminators;
	double first_timeout, inter_timeout;
	char gathered[GATHER_MAX + 1];
};

static void note(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct session *s, const char *fmt, ...)
{
	va_list ap;

	fprintf(s->out, "tel%u:%u: ", s->index, s->channel);
	va_start(ap, fmt);
	vfprintf(s->out, fmt, ap);
	va_end(ap);
	fputc('\n', s->out);
	fflush(s->out);
}

/* Queue what the tx ring takes: the --play file, then silence. */
static int pump_tx(struct session *s)
{
	return audio_out_pump(s->call, &s->tx);
}

/* Take what has arrived; 1 at end of stream, 0 if more may come. */
static int pump_rx(struct session *s)
{
	unsigned char *buf = s->rx;

	for (;;) {
		ssize_t n = tel_call_read(s->call, buf, sizeof(s->rx), 0);

		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		if (n == 0)
			return 1;
		s->rx_total += (uint64_t)n;
		if (s->record && fwrite(buf, 1, (size_t)n, s->record) !=
		    (size_t)n) {
			errmsg("%s: %s", s->record_path, strerror(errno));
			fclose(s->record);
			s->record = NULL;
		}
	}
}

/*
 * Talk until @secs pass (0: forever), the call ends, or a signal.  Events
 * are left queued: offers that come meanwhile are answer's next calls.
 */
static void talk(struct session *s, double secs)
{
	double end = mono_now() + secs;

	while (!stop_signal && (secs == 0 || mono_now() < end)) {
		if (tel_call_state(s->call) != TEL_CALL_CONNECTED)
			return;
		if (pump_tx(s) < 0 && errno != EPIPE)
			errmsg("tel%u: write: %s", s->index, strerror(errno));
		pump_rx(s);
		sleep_ms(TICK_MS);
	}
}

/*
 * Wait for an event of @type for our call, moving audio meanwhile; -1
 * with ETIMEDOUT after @secs, EPIPE if the call ended, EINTR on a signal.
 */
static int wait_call_event(struct session *s, unsigned int type,
			   struct tel_card_event *ev, double secs)
{
	double end = mono_now() + secs;

	while (!stop_signal) {
		if (tel_call_wait_event(s->call, type, ev, TICK_MS) == 0)
			return 0;
		if (errno != ETIMEDOUT && errno != EINTR)
			return -1;
		if (pump_tx(s) < 0 && errno != EPIPE)
			errmsg("tel%u: write: %s", s->index, strerror(errno));
		pump_rx(s);
		if (mono_now() > end) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
	errno = EINTR;
	return -1;
}

/* The cause of a failed digits, monitor or flash command, for people. */
static void feature_error(struct session *s, const char *what, int err)
{
	switch (err) {
	case EOPNOTSUPP:
		errmsg("tel%u: the card cannot %s", s->index, what);
		break;
	case ENOTCONN:
		errmsg("tel%u: %s: the call is not connected", s->index, what);
		break;
	case EAGAIN:
		errmsg("tel%u: %s: the card's digit queue is full", s->index,
		       what);
		break;
	case EBUSY:
		errmsg("tel%u: %s: a hook flash is already running", s->index,
		       what);
		break;
	case EINVAL:
		errmsg("tel%u: %s: invalid request (digits 0-9 * # A-D, at "
		       "most %d; tone and gap 40-1000 ms; flash 50-2000 ms)",
		       s->index, what, TEL_DIGITS_MAX);
		break;
	case ENODEV:
		errmsg("tel%u: card removed or failed", s->index);
		break;
	default:
		errmsg("tel%u: %s: %s", s->index, what, strerror(err));
	}
}

/* --digits: queue them, wait until the card has sent them all. */
static int send_digits(struct session *s)
{
	unsigned int tone = s->tone_ms ? s->tone_ms : 80;
	unsigned int gap = s->gap_ms ? s->gap_ms : 80;
	double secs = strlen(s->digits) * (tone + gap) / 1000.0 + 5;
	struct tel_card_event ev;

	if (tel_call_send_digits(s->call, s->digits, s->tone_ms,
				 s->gap_ms) < 0) {
		feature_error(s, "send digits", errno);
		return -1;
	}
	note(s, "sending digits %s", s->digits);
	if (wait_call_event(s, TEL_EVENT_DIGITS_SENT, &ev, secs) < 0) {
		int err = errno;

		if (err == EPIPE)
			note(s, "the call ended before the digits were sent");
		else if (err == ETIMEDOUT)
			errmsg("tel%u: the digits were not sent within %g s",
			       s->index, secs);
		else if (err != EINTR)
			errmsg("tel%u: waiting for the digits: %s", s->index,
			       strerror(err));
		return err == EPIPE || err == EINTR ? 0 : -1;
	}
	note(s, "sent %" PRIu32 " digits", ev.detail);
	return 0;
}

/* --flash: a timed on-hook; wait until the line is off hook again. */
static int flash(struct session *s)
{
	struct tel_card_event ev;
	double secs = (s->flash_ms ? s->flash_ms : 750) / 1000.0 + 5;

	if (tel_call_flash(s->call, (unsigned int)s->flash_ms) < 0) {
		feature_error(s, "flash", errno);
		return -1;
	}
	if (wait_call_event(s, TEL_EVENT_FLASH, &ev, secs) < 0) {
		int err = errno;

		if (err == EPIPE)
			note(s, "the call ended during the hook flash");
		else if (err == ETIMEDOUT)
			errmsg("tel%u: the hook flash did not end within %g s",
			       s->index, secs);
		else if (err != EINTR)
			errmsg("tel%u: waiting for the flash: %s", s->index,
			       strerror(err));
		return err == EPIPE || err == EINTR ? 0 : -1;
	}
	note(s, "hook flash: %" PRIu32 " ms on hook", ev.duration_ms);
	return 0;
}

/*
 * --hold: on hold for the time asked (no audio moves; the far end hears
 * the network's hold tone), then off hold again.  The far end may hang up
 * meanwhile: that ends the call, not an error.
 */
static int hold_for(struct session *s)
{
	if (tel_call_hold(s->call) < 0) {
		feature_error(s, "hold", errno);
		return -1;
	}
	note(s, "on hold for %lu ms", s->hold_ms);
	if (tel_call_wait_state(s->call, TEL_CALL_DISCONNECTED,
				(int)s->hold_ms) == 0) {
		note(s, "the call ended while on hold");
		return 0;
	}
	if (tel_call_unhold(s->call) < 0) {
		if (errno == ENOTCONN) {
			note(s, "the call ended while on hold");
			return 0;
		}
		feature_error(s, "unhold", errno);
		return -1;
	}
	note(s, "off hold");
	return 0;
}

/*
 * --transfer: after --after ms of the call, a blind transfer: the far
 * party goes on to the number, the call ends (origin transfer).  The far
 * end hanging up first ends the call, not an error.
 */
static int transfer_to(struct session *s)
{
	if (s->after_ms && tel_call_wait_state(s->call, TEL_CALL_DISCONNECTED,
					       (int)s->after_ms) == 0) {
		note(s, "the call ended before the transfer");
		return 0;
	}
	if (tel_call_transfer(s->call, s->transfer) < 0) {
		if (errno == ENOTCONN) {
			note(s, "the call ended before the transfer");
			return 0;
		}
		feature_error(s, "transfer", errno);
		return -1;
	}
	note(s, "transferred to %s", s->transfer);
	return 0;
}

/* --consult without --after: how long the consultation party may ring */
#define CONSULT_WAIT_MS	30000

/* What became of the consultation call: drop and release it. */
static void consult_release(struct session *s, struct tel_call *consult)
{
	if (tel_call_state(consult) != TEL_CALL_IDLE &&
	    tel_call_drop(consult, 0) < 0)
		errmsg("tel%u: drop the consultation call: %s", s->index,
		       strerror(errno));
	if (tel_call_dealloc(consult) < 0)
		errmsg("tel%u: release the consultation call: %s", s->index,
		       strerror(errno));
}

/*
 * --consult: after --after ms of the call, a consultation transfer: the
 * call on hold, the number dialled on a free channel, --after ms with it
 * (the consultation party may answer meanwhile), then its far party
 * joined to ours (or, with --back, or if it did not connect, the
 * consultation call dropped and ours taken off hold).  The far end
 * hanging up first ends the call, not an error.
 */
static int consult_transfer(struct session *s)
{
	struct tel_call *consult;
	unsigned int state;
	double end;

	if (s->after_ms && tel_call_wait_state(s->call, TEL_CALL_DISCONNECTED,
					       (int)s->after_ms) == 0) {
		note(s, "the call ended before the transfer");
		return 0;
	}
	consult = tel_call_setup_transfer(s->call, TEL_CHANNEL_ANY,
					  s->consult);
	if (!consult) {
		if (errno == ENOTCONN) {
			note(s, "the call ended before the transfer");
			return 0;
		}
		feature_error(s, "set up the transfer", errno);
		return -1;
	}
	note(s, "on hold; consulting %s on channel %u", s->consult,
	     tel_call_channel(consult));
	/* talking to it for --after ms, or until it answers or gives up */
	end = mono_now() + (s->after_ms ? s->after_ms : CONSULT_WAIT_MS) / 1e3;
	do {
		state = (unsigned int)tel_call_state(consult);
		if (state != TEL_CALL_DIALING && state != TEL_CALL_RINGBACK &&
		    (state != TEL_CALL_CONNECTED || !s->after_ms))
			break;
		sleep_ms(TICK_MS);
	} while (!stop_signal && mono_now() < end);
	if (!s->back && (state == TEL_CALL_CONNECTED ||
			 state == TEL_CALL_RINGBACK)) {
		if (tel_call_complete_transfer(s->call, consult) == 0) {
			note(s, "transferred: joined to %s (%s)", s->consult,
			     state == TEL_CALL_CONNECTED ? "answered" :
			     "ringing");
			consult_release(s, consult);
			return 0;
		}
		if (errno != ENOTCONN) {
			feature_error(s, "complete the transfer", errno);
			consult_release(s, consult);
			return -1;
		}
	}
	note(s, "back from %s (%s)", s->consult, tel_state_name(state));
	consult_release(s, consult);
	if (tel_call_unhold(s->call) < 0 && errno != ENOTCONN) {
		feature_error(s, "unhold", errno);
		return -1;
	}
	return 0;
}

static const char *gather_reason(unsigned int why)
{
	switch (why) {
	case TEL_GATHER_BUFFERFULL:
		return "all digits";
	case TEL_GATHER_TERMDIGIT:
		return "terminator";
	case TEL_GATHER_FIRSTTIMEOUT:
		return "no first digit in time";
	case TEL_GATHER_INTERTIMEOUT:
		return "no next digit in time";
	case TEL_GATHER_CANCEL:
		return "the call ended";
	}
	return "interrupted";
}

/* --gather N: what the far end types, printed as it ends. */
static int gather(struct session *s)
{
	unsigned int why;
	ssize_t n;

	note(s, "gathering up to %lu digits%s%s", s->gather,
	     s->terminators ? ", terminators " : "",
	     s->terminators ? s->terminators : "");
	n = tel_call_gather_digits(s->call, s->gathered, s->gather,
				   s->terminators,
				   (int)(s->first_timeout * 1000),
				   (int)(s->inter_timeout * 1000), &why);
	if (n < 0 && errno != EINTR) {
		feature_error(s, "gather digits", errno);
		return -1;
	}
	note(s, "gathered \"%s\" (%s)", s->gathered, gather_reason(why));
	if (!s->json) {
		printf("digits: %s\n", s->gathered);
		fflush(stdout);
	}
	return 0;
}

/*
 * Once connected: --digits, then --flash, then --hold, then --gather,
 * then --transfer or --consult.  An exit code.
 */
static int after_connect(struct session *s)
{
	s->gathered[0] = '\0';
	if (s->digits && !stop_signal && send_digits(s) < 0)
		return EXIT_ERROR;
	if (s->flash_ms >= 0 && !stop_signal && flash(s) < 0)
		return EXIT_ERROR;
	if (s->hold_ms && !stop_signal && hold_for(s) < 0)
		return EXIT_ERROR;
	if (s->gather && !stop_signal && gather(s) < 0)
		return EXIT_ERROR;
	if (s->transfer && !stop_signal && transfer_to(s) < 0)
		return EXIT_ERROR;
	if (s->consult && !stop_signal && consult_transfer(s) < 0)
		return EXIT_ERROR;
	return EXIT_OK;
}

/*
 * Hang up (if the far end did not), read the audio still buffered, show
 * the record as it is after the hangup, hold the call with --keep, then
 * deallocate.  Returns an exit code.
 */
static int finish(struct session *s)
{
	struct tel_call_party_info party;
	const struct tel_call_party_info *pp = NULL;
	struct tel_call_record rec;
	uint64_t before;
	int ret = EXIT_OK;

	if (tel_call_get_record(s->call, &rec) < 0) {
		errmsg("tel%u: call info: %s", s->index, strerror(errno));
		return EXIT_ERROR;
	}
	if (rec.state == TEL_CALL_DISCONNECTED) {
		if (rec.origin == TEL_ORIGIN_TRANSFER)
			note(s, "the call is ours no more: transferred");
		else if (rec.origin == TEL_ORIGIN_HARDWARE)
			note(s, "the card went away (%s)",
			     mode_str(rec.disconnect_mode));
		else
			note(s, "the far end hung up: %s",
			     mode_str(rec.disconnect_mode));
	}
	if (rec.state != TEL_CALL_IDLE) {
		if (tel_call_drop(s->call, s->reason) < 0) {
			errmsg("tel%u: drop: %s", s->index, strerror(errno));
			return EXIT_ERROR;
		}
		if (s->reason)
			note(s, "dropped call %" PRIu32 " (reason %u)",
			     rec.handle, s->reason);
		else
			note(s, "dropped call %" PRIu32, rec.handle);
	}

	/* DROP keeps the received audio: read it to the end of stream */
	before = s->rx_total;
	if (pump_rx(s) < 0)
		errmsg("tel%u: read: %s", s->index, strerror(errno));
	if (s->rx_total > before)
		note(s, "read %" PRIu64 " more bytes after the hangup",
		     s->rx_total - before);
	note(s, "audio: %" PRIu64 " bytes queued, %" PRIu64 " bytes received%s%s",
	     s->tx.total, s->rx_total, s->record ? ", recorded to " : "",
	     s->record ? s->record_path : "");
	if (s->record)
		fflush(s->record);

	if (tel_call_get_record(s->call, &rec) < 0) {
		errmsg("tel%u: call info: %s", s->index, strerror(errno));
		return EXIT_ERROR;
	}
	/* caller ID and digits: also kept after the hangup until DEALLOC */
	if (tel_card_has_feature(s->card, TEL_FEAT_CALL_PARTY) == 1) {
		if (tel_call_get_party(s->call, &party) == 0)
			pp = &party;
		else
			errmsg("tel%u: call party: %s", s->index,
			       strerror(errno));
	}
	if (s->json)
		record_json(&rec, pp, s->gather ? s->gathered : NULL, stdout);
	else
		record_print(&rec, pp, stdout);

	if (s->keep) {
		sigset_t block, old;

		note(s, "keeping call %" PRIu32 " (%" PRIu32 " DMA bytes) "
		     "until SIGINT or SIGTERM", rec.handle, rec.dma_bytes);
		sigemptyset(&block);
		sigaddset(&block, SIGINT);
		sigaddset(&block, SIGTERM);
		sigprocmask(SIG_BLOCK, &block, &old);
		while (!stop_signal)
			sigsuspend(&old);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	if (tel_call_dealloc(s->call) < 0) {
		errmsg("tel%u: dealloc: %s", s->index, strerror(errno));
		return EXIT_ERROR;
	}
	note(s, "deallocated call %" PRIu32 ": its buffers are released",
	     rec.handle);
	s->call = NULL;
	return ret;
}

static void dial_error(unsigned int index, unsigned int channel,
		       const char *number, int err)
{
	switch (err) {
	case EBUSY:
		if (channel == TEL_CHANNEL_ANY)
			errmsg("tel%u: every channel is busy", index);
		else
			errmsg("tel%u: channel %u is busy", index, channel);
		break;
	case EINVAL:
		errmsg("tel%u: cannot dial '%s': digits 0-9 * # and a leading "
		       "+, at most %d", index, number, TEL_NUMBER_LEN - 1);
		break;
	case EDQUOT:
		errmsg("tel%u: too many dropped calls awaiting deallocation "
		       "(max_dropped)", index);
		break;
	case EIO:
		errmsg("tel%u: the card refused the call's buffers", index);
		break;
	case ETIMEDOUT:
		errmsg("tel%u: the card did not answer the command (declared "
		       "failed)", index);
		break;
	case ENODEV:
		errmsg("tel%u: card removed or failed", index);
		break;
	default:
		errmsg("tel%u: dial: %s", index, strerror(err));
	}
}

static int open_files(struct session *s, const char *cmd, bool append)
{
	if (s->play_path) {
		s->tx.file = fopen(s->play_path, "rb");
		if (!s->tx.file) {
			errmsg("%s: %s", s->play_path, strerror(errno));
			return -1;
		}
	}
	if (s->record_path) {
		s->record = fopen(s->record_path, append ? "ab" : "wb");
		if (!s->record) {
			errmsg("%s: %s", s->record_path, strerror(errno));
			return -1;
		}
	}
	(void)cmd;
	return 0;
}

static void close_session(struct session *s)
{
	if (s->call)
		tel_call_destroy(s->call);
	if (s->card)
		tel_card_close(s->card);
	if (s->tx.file)
		fclose(s->tx.file);
	if (s->record)
		fclose(s->record);
}

/* Common start of dial and answer: signals, files, the card. */
static int start_session(struct session *s, const char *cmd, bool append)
{
	install_stop_handlers();
	if (open_files(s, cmd, append) < 0)
		goto fail;
	s->card = open_card(s->index);
	if (!s->card)
		goto fail;
	return 0;
fail:
	close_session(s);
	return -1;
}

static const struct option call_opts[] = {
	{ "duration", required_argument, NULL, 'd' },
	{ "play", required_argument, NULL, 'p' },
	{ "record", required_argument, NULL, 'r' },
	{ "reason", required_argument, NULL, 'R' },
	{ "keep", no_argument, NULL, 'k' },
	{ "timeout", required_argument, NULL, 't' },
	{ "count", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'j' },
	{ "digits", required_argument, NULL, 'D' },
	{ "tone", required_argument, NULL, 'T' },
	{ "gap", required_argument, NULL, 'G' },
	{ "flash", optional_argument, NULL, 'F' },
	{ "hold", required_argument, NULL, 'H' },
	{ "redirect", required_argument, NULL, 'W' },
	{ "transfer", required_argument, NULL, 'X' },
	{ "after", required_argument, NULL, 'A' },
	{ "consult", required_argument, NULL, 'C' },
	{ "back", no_argument, NULL, 'B' },
	{ "gather", required_argument, NULL, 'g' },
	{ "terminator", required_argument, NULL, 'e' },
	{ "first-timeout", required_argument, NULL, 'f' },
	{ "inter-timeout", required_argument, NULL, 'i' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char dial_help[] =
	"usage: telctl dial CARD[:CHANNEL] NUMBER [options]\n"
	"Place a call (on CHANNEL, else the lowest free one), wait for it to\n"
	"connect, send audio and record what comes back, hang up after the\n"
	"duration (or when the far end does), print the call's record as it\n"
	"is after the hangup, then deallocate the call.\n"
	"  --duration S   talk for S seconds (default 10; 0: until the far\n"
	"                 end hangs up or SIGINT)\n"
	"  --play FILE    send FILE (raw G.711, 8000 bytes/s), then silence\n"
	"  --record FILE  write the received audio to FILE (raw G.711)\n"
	"  --reason R     drop with application reason R (origin\n"
	"                 'application' instead of 'local')\n"
	"  --keep         hold the dropped call (its record and DMA buffers)\n"
	"                 until SIGINT or SIGTERM, then deallocate it\n"
	"  --timeout S    give up if not connected after S seconds (def. 30)\n"
	"  --json         print the record as one JSON object; narration\n"
	"                 goes to stderr\n"
	"Once connected, before talking (in this order):\n"
	"  --digits D     send DTMF digits D (0-9 * # A-D, at most 31) and\n"
	"                 wait until the card has sent them\n"
	"  --tone MS      each tone MS ms (40-1000, default 80)\n"
	"  --gap MS       silence after each MS ms (40-1000, default 80)\n"
	"  --flash[=MS]   a hook flash, MS ms on hook (50-2000, default 750)\n"
	"  --hold MS      put the call on hold for MS ms (100-3600000; the\n"
	"                 far end hears the hold tone), then take it off\n"
	"  --transfer N   then a blind transfer: the far end goes on to\n"
	"                 number N, the call is ours no more\n"
	"  --after MS     transfer MS ms after those steps (0-3600000, 0)\n"
	"  --consult N    or a consultation transfer: the call on hold, N\n"
	"                 dialled on a free channel, after --after ms more\n"
	"                 the two far ends joined (the call is ours no more)\n"
	"  --back         or then back: N hung up, the call off hold\n"
	"  --gather N     print the digits the far end types: up to N, see\n"
	"                 --terminator, --first-timeout, --inter-timeout\n"
	"  --terminator T stop gathering at any digit of T (it is kept)\n"
	"  --first-timeout S  wait S s for the first digit (default 10)\n"
	"  --inter-timeout S  and S s for each next one (default 5)\n"
	"SIGINT/SIGTERM while talking hangs up early.  Exit status: 0 the\n"
	"call connected, 1 error, 2 usage, 3 it did not connect (busy,\n"
	"rejected, unreachable, no answer, interrupted).\n";

static const char answer_help[] =
	"usage: telctl answer CARD [options]\n"
	"Wait for offered calls and answer them, send silence (or --play),\n"
	"record what comes in, hang up after the duration (or when the far\n"
	"end does), print each call's record after the hangup and\n"
	"deallocate it.\n"
	"  --count N      answer N calls, then exit (default 1)\n"
	"  --duration S   hang up each call after S seconds (default 0:\n"
	"                 when the far end does, or on SIGINT)\n"
	"  --play FILE    send FILE (raw G.711), then silence\n"
	"  --record FILE  append the received audio to FILE\n"
	"  --reason R     drop with application reason R\n"
	"  --keep         hold each dropped call until SIGINT or SIGTERM\n"
	"  --timeout S    give up if no call is offered within S seconds\n"
	"  --json         print each record as one JSON object per line\n"
	"  --digits D, --tone MS, --gap MS, --flash[=MS], --hold MS,\n"
	"  --transfer N, --after MS, --consult N, --back: as for dial, once\n"
	"                 each call is answered\n"
	"  --redirect N   do not answer: send each offered call on to\n"
	"                 number N (the network's redirect), print its record\n"
	"  --gather N     print what the caller types: up to N digits\n"
	"  --terminator T stop gathering at any digit of T (it is kept)\n"
	"  --first-timeout S  wait S s for the first digit (default 10)\n"
	"  --inter-timeout S  and S s for each next one (default 5)\n"
	"The caller's presentation and name are shown if the card has them.\n"
	"Exit status: 0 ok (also when SIGINT stops the wait), 1 error,\n"
	"2 usage, 3 no call offered within --timeout.\n";

struct call_args {
	double duration, timeout;
	unsigned long count;
	int nargs;
	char **args;
};

static int parse_call_args(const char *cmd, int argc, char **argv,
			   struct session *s, struct call_args *a)
{
	unsigned long v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", call_opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_seconds(optarg, &a->duration))
				return usage_error(cmd, "bad --duration '%s'",
						   optarg);
			break;
		case 't':
			if (parse_seconds(optarg, &a->timeout))
				return usage_error(cmd, "bad --timeout '%s'",
						   optarg);
			break;
		case 'c':
			if (parse_uint(optarg, 1000000, &a->count) ||
			    !a->count)
				return usage_error(cmd, "bad --count '%s'",
						   optarg);
			break;
		case 'R':
			if (parse_uint(optarg, 0xffffffffUL, &v))
				return usage_error(cmd, "bad --reason '%s'",
						   optarg);
			s->reason = (unsigned int)v;
			break;
		case 'p':
			s->play_path = optarg;
			break;
		case 'r':
			s->record_path = optarg;
			break;
		case 'k':
			s->keep = true;
			break;
		case 'j':
			s->json = true;
			break;
		case 'D':
			if (!*optarg || strlen(optarg) > TEL_DIGITS_MAX ||
			    strspn(optarg, "0123456789*#ABCD") !=
			    strlen(optarg))
				return usage_error(cmd, "bad --digits '%s': 1 to "
						   "%d of 0-9 * # A-D", optarg,
						   TEL_DIGITS_MAX);
			s->digits = optarg;
			break;
		case 'T':
		case 'G':
			if (parse_uint(optarg, 1000, &v) || (v && v < 40))
				return usage_error(cmd, "bad --%s '%s': 40 to "
						   "1000 ms", c == 'T' ? "tone" :
						   "gap", optarg);
			if (c == 'T')
				s->tone_ms = (unsigned int)v;
			else
				s->gap_ms = (unsigned int)v;
			break;
		case 'F':
			v = 0;
			if (optarg && (parse_uint(optarg, 2000, &v) || v < 50))
				return usage_error(cmd, "bad --flash '%s': 50 to "
						   "2000 ms", optarg);
			s->flash_ms = (long)v;
			break;
		case 'X':
			if (!*optarg || strlen(optarg) >= TEL_NUMBER_LEN ||
			    strspn(optarg, "0123456789*#+") != strlen(optarg))
				return usage_error(cmd, "bad --transfer '%s': "
						   "digits 0-9 * # +, at most "
						   "%d", optarg,
						   TEL_NUMBER_LEN - 1);
			s->transfer = optarg;
			break;
		case 'C':
			if (!*optarg || strlen(optarg) >= TEL_NUMBER_LEN ||
			    strspn(optarg, "0123456789*#+") != strlen(optarg))
				return usage_error(cmd, "bad --consult '%s': "
						   "digits 0-9 * # +, at most "
						   "%d", optarg,
						   TEL_NUMBER_LEN - 1);
			s->consult = optarg;
			break;
		case 'B':
			s->back = true;
			break;
		case 'A':
			if (parse_uint(optarg, 3600000, &v))
				return usage_error(cmd, "bad --after '%s': 0 to "
						   "3600000 ms", optarg);
			s->after_ms = v;
			break;
		case 'W':
			if (strcmp(cmd, "answer"))
				return usage_error(cmd, "--redirect is for "
						   "answer");
			if (!*optarg || strlen(optarg) >= TEL_NUMBER_LEN ||
			    strspn(optarg, "0123456789*#+") != strlen(optarg))
				return usage_error(cmd, "bad --redirect '%s': "
						   "digits 0-9 * # +, at most "
						   "%d", optarg,
						   TEL_NUMBER_LEN - 1);
			s->redirect = optarg;
			break;
		case 'H':
			if (parse_uint(optarg, 3600000, &v) || v < 100)
				return usage_error(cmd, "bad --hold '%s': 100 to "
						   "3600000 ms", optarg);
			s->hold_ms = v;
			break;
		case 'g':
			if (parse_uint(optarg, GATHER_MAX, &v) || !v)
				return usage_error(cmd, "bad --gather '%s': 1 to "
						   "%d digits", optarg,
						   GATHER_MAX);
			s->gather = v;
			break;
		case 'e':
			if (!*optarg || strspn(optarg, "0123456789*#ABCD") !=
			    strlen(optarg))
				return usage_error(cmd, "bad --terminator '%s'",
						   optarg);
			s->terminators = optarg;
			break;
		case 'f':
			if (parse_seconds(optarg, &s->first_timeout))
				return usage_error(cmd, "bad --first-timeout "
						   "'%s'", optarg);
			break;
		case 'i':
			if (parse_seconds(optarg, &s->inter_timeout))
				return usage_error(cmd, "bad --inter-timeout "
						   "'%s'", optarg);
			break;
		case 'h':
			fputs(!strcmp(cmd, "dial") ? dial_help : answer_help,
			      stdout);
			return -1;
		default:
			return usage_error(cmd, "unknown option '%s'",
					   argv[optind - 1]);
		}
		if (c == 'c' && !strcmp(cmd, "dial"))
			return usage_error(cmd, "--count is for answer");
	}
	if (s->terminators && !s->gather)
		return usage_error(cmd, "--terminator is for --gather");
	if (s->consult && s->transfer)
		return usage_error(cmd, "--transfer or --consult, not both");
	if (s->back && !s->consult)
		return usage_error(cmd, "--back is for --consult");
	a->nargs = argc - optind;
	a->args = argv + optind;
	s->out = s->json ? stderr : stdout;
	return 0;
}

/* Options may also follow the positional arguments: move them first. */
static void options_first(int argc, char **argv)
{
	int i, j, k = 1;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			bool takes = strcmp(argv[i], "--keep") &&
				     strcmp(argv[i], "--back") &&
				     strcmp(argv[i], "--json") &&
				     strcmp(argv[i], "--flash") &&
				     strcmp(argv[i], "--help") &&
				     strcmp(argv[i], "-h") &&
				     !strchr(argv[i], '=');
			int n = takes && i + 1 < argc ? 2 : 1;

			for (j = 0; j < n; j++) {
				char *arg = argv[i + j];

				memmove(&argv[k + 1], &argv[k],
					(size_t)(i + j - k) * sizeof(char *));
				argv[k++] = arg;
			}
			i += n - 1;
		}
	}
}

int cmd_dial(int argc, char **argv)
{
	struct call_args a = { .duration = 10, .timeout = 30 };
	struct session s = { .flash_ms = -1, .first_timeout = 10,
			     .inter_timeout = 5 };
	const char *number;
	int ret, extra;

	options_first(argc, argv);
	ret = parse_call_args("dial", argc, argv, &s, &a);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (a.nargs != 2)
		return usage_error("dial", "expected CARD[:CHANNEL] NUMBER");
	if (parse_card(a.args[0], &s.index, &s.channel, true))
		return usage_error("dial", "bad CARD[:CHANNEL] '%s'",
				   a.args[0]);
	number = a.args[1];
	if (start_session(&s, "dial", false) < 0)
		return EXIT_ERROR;
	if (s.channel != TEL_CHANNEL_ANY &&
	    s.channel >= tel_card_channel_count(s.card)) {
		errmsg("tel%u: no channel %u (channels 0-%u)", s.index,
		       s.channel, tel_card_channel_count(s.card) - 1);
		close_session(&s);
		return EXIT_ERROR;
	}
	s.call = tel_call_dial(s.card, s.channel, number);
	if (!s.call) {
		dial_error(s.index, s.channel, number, errno);
		close_session(&s);
		return EXIT_ERROR;
	}
	s.channel = tel_call_channel(s.call);
	note(&s, "dialing %s (call %" PRIu32 ")", number,
	     tel_call_handle(s.call));

	if (tel_call_wait_state(s.call, TEL_CALL_CONNECTED,
				(int)(a.timeout * 1000)) < 0) {
		int err = errno;

		if (err == ETIMEDOUT)
			note(&s, "no answer within %g s", a.timeout);
		else if (err == EINTR)
			note(&s, "interrupted before the call connected");
		else if (err != EPIPE)
			errmsg("tel%u: waiting for the call: %s", s.index,
			       strerror(err));
		ret = finish(&s);
		close_session(&s);
		return ret == EXIT_OK ? EXIT_NOTDONE : ret;
	}
	note(&s, "connected; sending %s%s for %g s", s.tx.file ? "" : "silence",
	     s.tx.file ? s.play_path : "", a.duration);
	extra = after_connect(&s);
	if (extra == EXIT_OK)
		talk(&s, a.duration);
	if (stop_signal && !s.keep)
		note(&s, "interrupted: hanging up");
	if (s.keep)
		stop_signal = 0;	/* the signal that ends --keep is later */
	ret = finish(&s);
	close_session(&s);
	return extra != EXIT_OK ? extra : ret;
}

/* Wait for an offer: its channel, or -1 with EXIT_* in *ret. */
static int wait_offer(struct session *s, double timeout, int *ret)
{
	double end = mono_now() + timeout;
	struct tel_card_event ev;

	for (;;) {
		int left = -1;

		if (stop_signal) {
			*ret = EXIT_OK;
			return -1;
		}
		if (timeout > 0) {
			left = (int)((end - mono_now()) * 1000);
			if (left <= 0) {
				errmsg("tel%u: no call offered within %g s",
				       s->index, timeout);
				*ret = EXIT_NOTDONE;
				return -1;
			}
		}
		if (tel_card_read_event(s->card, &ev, left) < 0) {
			if (errno == EINTR || errno == ETIMEDOUT)
				continue;
			if (errno == ENODEV)
				errmsg("tel%u: card removed or failed",
				       s->index);
			else
				errmsg("tel%u: events: %s", s->index,
				       strerror(errno));
			*ret = EXIT_ERROR;
			return -1;
		}
		if (ev.type == TEL_EVENT_CARD_GONE) {
			errmsg("tel%u: card removed or failed", s->index);
			*ret = EXIT_ERROR;
			return -1;
		}
		if (ev.type == TEL_EVENT_OFFER) {
			const char *pres = NULL;

			if (tel_card_has_feature(s->card,
						 TEL_FEAT_CALLER_ID) == 1)
				pres = tel_presentation_name(ev.detail);
			s->channel = ev.channel;
			if (pres)
				note(s, "incoming call from %s (%s)",
				     or_dash(ev.number), pres);
			else
				note(s, "incoming call from %s",
				     or_dash(ev.number));
			return (int)ev.channel;
		}
	}
}

static const char *or_unknown(const char *name)
{
	return name ? name : "unknown";
}

/*
 * Answer the offer on @ch.  With caller ID, first only accept it (the
 * call is ours, still ringing), read the calling name and presentation
 * (TAPI's lineGetCallInfo while OFFERING), then answer: the same call.
 */
static struct tel_call *take_offer(struct session *s, unsigned int ch)
{
	struct tel_call_party_info party;
	struct tel_call *call, *again;
	int err;

	if (tel_card_has_feature(s->card, TEL_FEAT_CALL_PARTY) != 1)
		return tel_call_answer(s->card, ch, 0);
	call = tel_call_answer(s->card, ch, TEL_ANSWER_F_ACCEPT);
	if (!call)
		return NULL;
	if (tel_call_get_party(call, &party) == 0)
		note(s, "caller: name %s, presentation %s",
		     party.name[0] ? party.name : "-",
		     or_unknown(tel_presentation_name(party.presentation)));
	else
		errmsg("tel%u: call party: %s", s->index, strerror(errno));
	again = tel_call_answer(s->card, ch, 0);
	if (again)
		return again;
	err = errno;
	tel_call_destroy(call);
	errno = err;
	return NULL;
}

/*
 * answer --redirect: accept the offer on @ch (the call is ours, still
 * ringing) and have the network send it on; the call is then IDLE, mode
 * FORWARDED.  NULL (errno) if the offer went first or the card cannot.
 */
static struct tel_call *redirect_offer(struct session *s, unsigned int ch)
{
	struct tel_call *call = tel_call_answer(s->card, ch,
						TEL_ANSWER_F_ACCEPT);
	int err;

	if (!call)
		return NULL;
	if (tel_call_redirect(call, s->redirect) == 0) {
		note(s, "redirected call %" PRIu32 " to %s",
		     tel_call_handle(call), s->redirect);
		return call;
	}
	err = errno;
	if (err == EOPNOTSUPP)
		errmsg("tel%u: the card cannot redirect", s->index);
	else if (err != EBUSY && err != ENOENT)
		errmsg("tel%u: channel %u: redirect: %s", s->index, ch,
		       strerror(err));
	/* ours, still offering or given up: drop (reject) and release it */
	tel_call_drop(call, 0);
	tel_call_dealloc(call);
	errno = err;
	return NULL;
}

int cmd_answer(int argc, char **argv)
{
	struct call_args a = { .duration = 0, .timeout = 0, .count = 1 };
	struct session s = { .flash_ms = -1, .first_timeout = 10,
			     .inter_timeout = 5 };
	unsigned long answered = 0;
	int ret, extra;

	options_first(argc, argv);
	ret = parse_call_args("answer", argc, argv, &s, &a);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (a.nargs != 1)
		return usage_error("answer", "expected CARD");
	if (parse_card(a.args[0], &s.index, NULL, false))
		return usage_error("answer", "bad CARD '%s'", a.args[0]);
	if (start_session(&s, "answer", true) < 0)
		return EXIT_ERROR;
	if (!s.json)
		say("tel%u: waiting for %lu call%s", s.index, a.count,
		    a.count == 1 ? "" : "s");
	ret = EXIT_OK;
	while (answered < a.count) {
		int ch = wait_offer(&s, a.timeout, &ret);

		if (ch < 0)
			break;
		s.call = s.redirect ? redirect_offer(&s, (unsigned int)ch) :
			 take_offer(&s, (unsigned int)ch);
		if (!s.call && s.redirect && errno == EOPNOTSUPP) {
			ret = EXIT_ERROR;
			break;
		}
		if (!s.call) {
			if (errno == EBUSY || errno == ENOENT) {
				note(&s, "the offer was withdrawn or taken by "
				     "someone else");
				continue;
			}
			errmsg("tel%u: channel %d: answer: %s", s.index, ch,
			       strerror(errno));
			ret = EXIT_ERROR;
			break;
		}
		answered++;
		if (s.redirect) {
			ret = finish(&s);	/* IDLE already: no drop */
			if (ret != EXIT_OK || stop_signal)
				break;
			continue;
		}
		note(&s, "answered (call %" PRIu32 "); sending %s%s%s",
		     tel_call_handle(s.call), s.tx.file ? "" : "silence",
		     s.tx.file ? s.play_path : "",
		     a.duration > 0 ? "" : " until the far end hangs up");
		extra = after_connect(&s);
		if (extra == EXIT_OK)
			talk(&s, a.duration);
		if (stop_signal && !s.keep)
			note(&s, "interrupted: hanging up");
		if (s.keep)
			stop_signal = 0;
		ret = finish(&s);
		if (ret == EXIT_OK)
			ret = extra;
		if (ret != EXIT_OK || stop_signal)
			break;
		if (s.tx.file)
			rewind(s.tx.file);
	}
	close_session(&s);
	return ret;
}
