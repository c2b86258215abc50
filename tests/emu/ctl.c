// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ctl.c - the control channel: DIR/ctl.sock, one request line in, one
 * reply line out ("ok ..." or "err <reason>").
 *
 * Clients are host tools and QEMU itself (a virtio-serial port whose
 * guest side may not be open for a long time), so nothing here may block:
 * input is reassembled from arbitrary pieces, output is buffered and
 * written when the socket takes it.  Connections live in a fixed table so
 * that an event already fetched by epoll for a connection closed earlier
 * in the same batch never points at freed memory.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "telemu.h"

#define CTL_MAX_CONNS	32
#define CTL_LINE_MAX	512
#define CTL_OUT_MAX	65536
#define CTL_MAX_ARGS	8
#define CTL_MAX_FLOOD	1000000

struct ctl_conn {
	struct watch w;
	bool used;
	bool eof;		/* peer shut down its write side */
	bool waiting;		/* a reply is owed by qmp.c */
	bool discard;		/* skipping the rest of an overlong line */
	size_t in_len;
	size_t out_len;
	char in[CTL_LINE_MAX];
	char out[CTL_OUT_MAX];
};

static struct ctl_conn conns[CTL_MAX_CONNS];
static struct watch listen_w = { .fd = -1 };

int ctl_listen(const char *dir)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/ctl.sock", dir);
	listen_w.kind = W_CTL_LISTEN;
	listen_w.fd = emu_unix_listen(path);
	if (listen_w.fd < 0)
		return listen_w.fd;
	return emu_watch_add(&listen_w, EPOLLIN);
}

static void ctl_close(struct ctl_conn *cc)
{
	if (!cc->used)
		return;
	qmp_forget_conn(cc);
	emu_watch_del(&cc->w);
	close(cc->w.fd);
	cc->used = false;
	cc->w.fd = -1;
}

void ctl_close_all(void)
{
	unsigned int i;

	for (i = 0; i < CTL_MAX_CONNS; i++)
		ctl_close(&conns[i]);
	if (listen_w.fd >= 0)
		close(listen_w.fd);
}

void ctl_accept(void)
{
	struct ctl_conn *cc = NULL;
	unsigned int i;
	int fd;

	fd = accept4(listen_w.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < CTL_MAX_CONNS && !cc; i++)
		if (!conns[i].used)
			cc = &conns[i];
	if (!cc) {
		emu_err("ctl: too many connections");
		close(fd);
		return;
	}
	memset(cc, 0, offsetof(struct ctl_conn, in));
	cc->used = true;
	cc->w = (struct watch){ W_CTL_CONN, fd, cc, 0 };
	if (emu_watch_add(&cc->w, EPOLLIN)) {
		close(fd);
		cc->used = false;
	}
	emu_dbg("ctl: connection %u", i - 1);
}

/* Re-arm epoll: read only while we may answer, write while owing bytes. */
static void ctl_rearm(struct ctl_conn *cc)
{
	uint32_t ev = 0;

	if (!cc->eof && !cc->waiting)
		ev |= EPOLLIN;
	if (cc->out_len)
		ev |= EPOLLOUT;
	emu_watch_mod(&cc->w, ev);
}

static void ctl_flush(struct ctl_conn *cc)
{
	ssize_t n;

	while (cc->out_len) {
		n = send(cc->w.fd, cc->out, cc->out_len,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			break;
		memmove(cc->out, cc->out + n, cc->out_len - n);
		cc->out_len -= n;
	}
}

void ctl_reply(void *conn, const char *fmt, ...)
{
	struct ctl_conn *cc = conn;
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	emu_dbg("ctl: -> %.*s", n - 1, line);
	/* nobody reads this connection: drop rather than stall the loop */
	if (cc->out_len + n > CTL_OUT_MAX) {
		emu_err("ctl: reply dropped, client not reading");
		return;
	}
	memcpy(cc->out + cc->out_len, line, n);
	cc->out_len += n;
	ctl_flush(cc);
}

static int parse_index(const char *s, unsigned int limit, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno || v >= limit)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Parsed request: argv plus the card and channel it names. */
struct req {
	struct ctl_conn *cc;
	int argc;
	char *argv[CTL_MAX_ARGS];
	struct emu_card *card;
	struct emu_chan *ch;
};

static const char *const far_names[] = {
	[FAR_ANSWER] = "answer", [FAR_BUSY] = "busy",
	[FAR_REJECT] = "reject", [FAR_NOANSWER] = "noanswer",
	[FAR_UNREACHABLE] = "unreachable", [FAR_SILENT] = "silent",
};

static const char *const audio_names[] = {
	[AUDIO_PATTERN] = "pattern", [AUDIO_ECHO] = "echo",
	[AUDIO_SILENCE] = "silence", [AUDIO_LEVEL] = "level",
};

static int name_index(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static void cmd_far(struct req *r)
{
	int mode = name_index(r->argv[3], far_names,
			      sizeof(far_names) / sizeof(far_names[0]));
	unsigned int delay;

	if (mode < 0 || r->argc > 5 ||
	    (r->argc == 5 && parse_index(r->argv[4], 3600000, &delay))) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	if (r->argc < 5)
		delay = mode == FAR_ANSWER ? EMU_ANSWER_TICKS : EMU_CLEAR_TICKS;
	r->ch->far_mode = mode;
	r->ch->far_delay = delay;
	ctl_reply(r->cc, "ok");
}

/* target CARD CH MODE: what the target of the channel's next transfer does */
static void cmd_target(struct req *r)
{
	int mode = name_index(r->argv[3], far_names,
			      sizeof(far_names) / sizeof(far_names[0]));

	if (mode < 0 || r->argc != 4) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	r->ch->target_mode = mode;
	ctl_reply(r->cc, "ok");
}

/* audio CARD CH MODE, or audio CARD CH level N: N from -32768 to 32767 */
static void cmd_audio(struct req *r)
{
	int mode = name_index(r->argv[3], audio_names, 4);
	long level = 0;
	char *end;

	if (mode < 0 || r->argc != 4 + (mode == AUDIO_LEVEL)) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	if (mode == AUDIO_LEVEL) {
		errno = 0;
		level = strtol(r->argv[4], &end, 10);
		if (errno || *end || end == r->argv[4] || level < -32768 ||
		    level > 32767) {
			ctl_reply(r->cc, "err usage");
			return;
		}
	}
	r->ch->audio_mode = mode;
	r->ch->level = (int)level;
	ctl_reply(r->cc, "ok");
}

static void cmd_hangup(struct req *r)
{
	uint32_t cause, st = r->ch->state;

	if (r->argc != 4 || cause_parse(r->argv[3], &cause)) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	/* a conference port has no far end to clear it */
	if ((st != TEL_CHST_DIALING && st != TEL_CHST_RINGBACK &&
	     st != TEL_CHST_CONNECTED && st != TEL_CHST_HELD &&
	     st != TEL_CHST_CONF) || r->ch->conf_port) {
		ctl_reply(r->cc, "err state");
		return;
	}
	far_clear(r->card, r->ch, cause);
	ctl_reply(r->cc, "ok");
}

static bool number_ok(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= TEL_DIGITS_LEN)
		return false;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s) || *s == '"' || *s == '\\')
			return false;
	return true;
}

static const char *const pres_names[] = {
	[TEL_PRES_ALLOWED] = "allowed", [TEL_PRES_RESTRICTED] = "restricted",
	[TEL_PRES_UNAVAILABLE] = "unavailable",
};

/*
 * A calling name: 1 to TEL_EV_NAME_LEN - 1 printable characters, '_' for a
 * space (the control line splits at blanks); no '"' or '\'.
 */
static bool name_parse(const char *s, char *name)
{
	size_t i, len = strlen(s);

	if (!len || len >= TEL_EV_NAME_LEN)
		return false;
	for (i = 0; i < len; i++) {
		if (!isgraph((unsigned char)s[i]) || s[i] == '"' ||
		    s[i] == '\\')
			return false;
		name[i] = s[i] == '_' ? ' ' : s[i];
	}
	name[len] = 0;
	return true;
}

/* offer CARD CH NUMBER [name NAME] [pres allowed|restricted|unavailable] */
static void cmd_offer(struct req *r)
{
	char name[TEL_EV_NAME_LEN] = "";
	int pres = TEL_PRES_ALLOWED, i;

	if (!number_ok(r->argv[3]) || r->argc % 2)
		goto usage;
	for (i = 4; i < r->argc; i += 2) {
		if (!strcmp(r->argv[i], "name")) {
			if (!name_parse(r->argv[i + 1], name))
				goto usage;
		} else if (!strcmp(r->argv[i], "pres")) {
			pres = name_index(r->argv[i + 1], pres_names,
					  TEL_PRES_MAX + 1);
			if (pres < 0)
				goto usage;
		} else {
			goto usage;
		}
	}
	if (r->ch->state != TEL_CHST_IDLE) {
		ctl_reply(r->cc, "err busy");
		return;
	}
	ch_store(r->card, r->ch, TEL_CH_CAUSE, 0);
	r->ch->redirected_to[0] = 0;	/* a new offer, not yet sent on */
	snprintf(r->ch->party, sizeof(r->ch->party), "%s", r->argv[3]);
	chan_set_state(r->card, r->ch, TEL_CHST_OFFERING);
	card_emit_offer(r->card, r->ch, pres, r->argv[3], name);
	ctl_reply(r->cc, "ok");
	return;
usage:
	ctl_reply(r->cc, "err usage");
}

static int parse_int(const char *s, long min, long max, int *out)
{
	long v;
	char *end;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * digits CARD CH STRING [tone_ms gap_ms [level_dbm0 [twist_db]]]: the far
 * end plays DTMF towards the host, in place of its normal audio.  Timing
 * and level are free well past ITU-T Q.24, so that tests can probe the
 * card's detector at and beyond its limits.
 */
static void cmd_digits(struct req *r)
{
	int tone = TEL_DTMF_DEFAULT_MS, gap = TEL_DTMF_DEFAULT_MS;
	int level = -10, twist = 0, err;
	const char *s = r->argv[3];
	size_t i, len = strlen(s);

	if (r->argc == 5 || !len || len > EMU_FAR_DIGITS)
		goto usage;
	for (i = 0; i < len; i++)
		if (!dtmf_digit_ok(s[i]))
			goto usage;
	if (r->argc > 5 && (parse_int(r->argv[4], 1, 10000, &tone) ||
			    parse_int(r->argv[5], 1, 10000, &gap)))
		goto usage;
	if (r->argc > 6 && parse_int(r->argv[6], -60, 3, &level))
		goto usage;
	if (r->argc > 7 && parse_int(r->argv[7], -20, 20, &twist))
		goto usage;
	if (r->ch->joined && r->ch->join_live) {	/* to the other party */
		err = far_join_play(r->ch, s, tone, gap, level, twist);
		goto out;
	}
	/* in a conference the other members' far parties hear them */
	if ((r->ch->state != TEL_CHST_CONNECTED &&
	     r->ch->state != TEL_CHST_CONF) || r->ch->conf_port) {
		ctl_reply(r->cc, "err state");
		return;
	}
	err = far_play(r->ch, s, tone, gap, level, twist);
out:
	ctl_reply(r->cc, !err ? "ok" : err == -EBUSY ? "err busy" :
		  "err queue");
	return;
usage:
	ctl_reply(r->cc, "err usage");
}

static void cmd_cancel(struct req *r)
{
	if (r->argc != 3) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	if (r->ch->state != TEL_CHST_OFFERING) {
		ctl_reply(r->cc, "err state");
		return;
	}
	ch_store(r->card, r->ch, TEL_CH_CAUSE, TEL_DISC_CANCELLED);
	chan_set_state(r->card, r->ch, TEL_CHST_IDLE);
	card_emit(r->card, TEL_HWEV_STATE, r->ch, TEL_DISC_CANCELLED, NULL);
	ctl_reply(r->cc, "ok");
}

/* A number the driver wrote, fit for a quoted stats field. */
static void stats_number(char *out, const char *in)
{
	size_t i;

	for (i = 0; i < TEL_DIGITS_LEN - 1 && in[i]; i++)
		out[i] = isgraph((unsigned char)in[i]) && in[i] != '"' &&
			 in[i] != '\\' ? in[i] : '?';
	out[i] = 0;
}

/*
 * A conference member's far party's view: the other channels of its
 * conference ("2,5", "" if none) and, in hex, the last
 * EMU_CONF_HEARD / 4 bytes it heard there (the card's mix).
 */
static void stats_conf(struct emu_card *c, struct emu_chan *ch, char *with,
		       size_t wlen, char *heard)
{
	unsigned int i, n = 0;

	with[0] = 0;
	for (i = 0; ch->state == TEL_CHST_CONF && i < c->nch; i++) {
		if (i == ch->index || c->ch[i].state != TEL_CHST_CONF ||
		    c->ch[i].conf != ch->conf)
			continue;
		n += snprintf(with + n, wlen - n, "%s%u", n ? "," : "", i);
		if (n >= wlen)
			break;
	}
	for (i = 0; i < EMU_CONF_HEARD / 4; i++)
		sprintf(heard + 2 * i, "%02x",
			ch->conf_heard[EMU_CONF_HEARD - EMU_CONF_HEARD / 4 + i]);
}

/*
 * conf CARD CH: the far party's view of its conference; for a port (the
 * host's own party, port=1) heard is what the card wrote to its rx ring
 */
static void cmd_conf(struct req *r)
{
	char with[4 * TEL_MAX_CHANNELS], heard[EMU_CONF_HEARD / 2 + 1];
	struct emu_chan *ch = r->ch;

	if (r->argc != 3) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	stats_conf(r->card, ch, with, sizeof(with), heard);
	ctl_reply(r->cc, "ok conf=%u port=%d joins=%llu ports=%llu ms=%llu "
		  "heard_bytes=%llu with=\"%s\" heard=%s", ch->conf,
		  ch->conf_port, (unsigned long long)ch->conf_joins,
		  (unsigned long long)ch->conf_ports,
		  (unsigned long long)ch->conf_ms,
		  (unsigned long long)ch->conf_heard_bytes, with, heard);
}

static void cmd_stats(struct req *r)
{
	struct emu_chan *ch = r->ch;
	struct emu_card *c = r->card;
	char digits[TEL_DIGITS_LEN], redirected[TEL_DIGITS_LEN];
	char transfer_to[TEL_DIGITS_LEN], connected_to[TEL_DIGITS_LEN];

	if (r->argc != 3) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	stats_number(digits, ch->digits);
	stats_number(redirected, ch->redirected_to);
	stats_number(transfer_to, ch->transfer_to);
	stats_number(connected_to, ch->connected_to);
	ctl_reply(r->cc, "ok state=%u hook=%u dials=%llu digits=\"%s\" "
		  "answers=%llu hangups=%llu hangup_cause=%u "
		  "far_rx_bytes=%llu far_rx_crc=%08x "
		  "far_tx_bytes=%llu far_tx_crc=%08x "
		  "rx_overruns=%u tx_underruns=%u "
		  "far_digits=\"%s\" far_playing=%d flashes=%llu "
		  "flash_ms=%u detect=%u queued=%u sent=%llu detected=%llu "
		  "holds=%llu held_ms=%llu far_tone_ms=%llu "
		  "redirects=%llu redirected_to=\"%s\" "
		  "transfers=%llu transfer_to=\"%s\" transfer_result=%s "
		  "connected_to=\"%s\" joins=%llu",
		  ch->state, ch_load(c, ch, TEL_CH_HOOK),
		  (unsigned long long)ch->dials, digits,
		  (unsigned long long)ch->answers,
		  (unsigned long long)ch->hangups, ch->hangup_cause,
		  (unsigned long long)ch->far_rx.bytes, crc_value(&ch->far_rx),
		  (unsigned long long)ch->far_tx.bytes, crc_value(&ch->far_tx),
		  ch_load(c, ch, TEL_CH_RX_OVERRUNS),
		  ch_load(c, ch, TEL_CH_TX_UNDERRUNS),
		  ch->far_digits, ch->far_playing,
		  (unsigned long long)ch->far_flashes, ch->far_flash_ms,
		  ch->detect, ch->dq_len + ch->gen_busy,
		  (unsigned long long)ch->digits_sent,
		  (unsigned long long)ch->digits_detected,
		  (unsigned long long)ch->holds,
		  (unsigned long long)ch->held_ms,
		  (unsigned long long)ch->far_tone_ms,
		  (unsigned long long)ch->redirects, redirected,
		  (unsigned long long)ch->transfers, transfer_to,
		  ch->transfer_result, connected_to,
		  (unsigned long long)ch->joins);
}

static void cmd_info(struct req *r)
{
	struct emu_card *c = r->card;

	/* from our own state: the guest may have scribbled the window */
	ctl_reply(r->cc, "ok model=\"" EMU_MODEL "%u\" firmware=\""
		  EMU_FIRMWARE "\" serial=\"" EMU_SERIAL "\" channels=%u "
		  "caps=0x%x", c->nch, c->serial, c->nch, c->caps);
}

/*
 * caps CARD MASK: what TEL_ID_CAPS advertises from now on (a driver
 * reads it at probe: rebind it).  MASK is decimal or 0x hex, TEL_CAP_*
 * bits only, G711 always: a card without audio is no card.
 */
static void cmd_caps(struct req *r)
{
	const char *s = r->argv[2];
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, strncasecmp(s, "0x", 2) ? 10 : 16);
	if (!isdigit((unsigned char)*s) || *end || errno ||
	    (v & ~(unsigned long)EMU_CAPS) || !(v & TEL_CAP_G711)) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	card_set_caps(r->card, v);
	ctl_reply(r->cc, "ok");
}

/*
 * members CARD N: what TEL_ID_CONF_MEMBERS advertises from now on (any
 * 32-bit value, decimal or 0x hex: the driver must check it).  The card
 * goes on mixing EMU_CONF_MEMBERS, whatever it advertises.
 */
static void cmd_members(struct req *r)
{
	const char *s = r->argv[2];
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, strncasecmp(s, "0x", 2) ? 10 : 16);
	if (!isdigit((unsigned char)*s) || *end || errno || v > UINT32_MAX) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	card_set_conf_members_id(r->card, (uint32_t)v);
	ctl_reply(r->cc, "ok");
}

static void cmd_card(struct req *r)
{
	struct emu_card *c = r->card;

	ctl_reply(r->cc, "ok ticks=%u missed=%u evq_lost=%u connected=%d "
		  "commands=%llu doorbells=%llu irqs=%llu late_resets=%llu "
		  "ticks_run=%llu tick_cpu_ns=%llu",
		  win_load(c, TEL_STATUS_TICKS), win_load(c, TEL_STATUS_MISSED),
		  win_load(c, TEL_STATUS_EVQ_LOST), c->connected,
		  (unsigned long long)c->commands,
		  (unsigned long long)c->doorbells,
		  (unsigned long long)c->irqs,
		  (unsigned long long)c->late_resets,
		  (unsigned long long)c->ticks_run,
		  (unsigned long long)c->tick_cpu_ns);
}

static int parse_onoff(const char *s, bool *out)
{
	if (!strcmp(s, "on"))
		*out = true;
	else if (!strcmp(s, "off"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static void cmd_fault(struct req *r)
{
	struct emu_card *c = r->card;
	const char *what = r->argv[2];
	unsigned int n;
	bool on;

	if (r->argc != 4)
		goto usage;
	if (!strcmp(what, "die") && !strcmp(r->argv[3], "now")) {
		/* the emulator killed outright: every card stops at once */
		ctl_reply(r->cc, "ok");
		emu_err("ctl: told to die: exiting");
		_exit(0);
	}
	if (!strcmp(what, "evq-flood")) {
		if (parse_index(r->argv[3], CTL_MAX_FLOOD + 1, &n))
			goto usage;
		card_flood(c, n);
		ctl_reply(r->cc, "ok");
		return;
	}
	if (parse_onoff(r->argv[3], &on))
		goto usage;
	if (!strcmp(what, "badaddr"))
		c->f_badaddr = on;
	else if (!strcmp(what, "cmd-timeout"))
		c->f_cmd_timeout = on;
	else if (!strcmp(what, "stall"))
		c->f_stall = on;
	else
		goto usage;
	ctl_reply(r->cc, "ok");
	return;
usage:
	ctl_reply(r->cc, "err usage");
}

/* lie digit*: a DIGIT event now, its tone ended this tick. */
static bool lie_digit(struct emu_card *c, struct emu_chan *ch, uint32_t d,
		      uint32_t ms, uint32_t ahead)
{
	uint8_t e[TEL_EVQ_ENTRY_SIZE];
	uint32_t now = win_load(c, TEL_STATUS_TICKS);

	ev_init(e, TEL_HWEV_DIGIT, ch->index, ch->state);
	ev_put32(e, TEL_EV_DIGIT, d);
	ev_put32(e, TEL_EV_START, ahead ? now + ahead : now - 80);
	ev_put32(e, TEL_EV_DURATION, ms);
	return card_emit_entry(c, e);
}

/*
 * lie offer-*: an OFFER whose caller id breaks a rule.  pres: presentation
 * N; name: 16 name bytes, no NUL; name-ctrl: a control character in the
 * name; withheld: RESTRICTED, yet number and name are there.
 */
static bool lie_offer(uint8_t *e, struct emu_chan *ch, const char *how,
		      uint32_t n)
{
	uint32_t pres = TEL_PRES_ALLOWED;

	ev_init(e, TEL_HWEV_OFFER, ch->index, TEL_CHST_OFFERING);
	memcpy(e + TEL_EV_NUMBER, "5551234", 7);
	memcpy(e + TEL_EV_NAME, "Alice", 5);
	if (!strcmp(how, "pres"))
		pres = n;
	else if (!strcmp(how, "name"))
		memset(e + TEL_EV_NAME, 'N', TEL_EV_NAME_LEN);
	else if (!strcmp(how, "name-ctrl"))
		memcpy(e + TEL_EV_NAME, "Al\a" "ce", 5);
	else if (!strcmp(how, "withheld"))
		pres = TEL_PRES_RESTRICTED;
	else
		return false;
	ev_put32(e, TEL_EV_PRESENTATION, pres);
	return true;
}

/*
 * lie CARD CH WHAT [N]: the card reports something impossible, once, so
 * that the driver's checks of everything it reads from the window can be
 * tried (Documentation/card.rst, "Fault modes").
 */
static void cmd_lie(struct req *r)
{
	struct emu_card *c = r->card;
	struct emu_chan *ch = r->ch;
	const char *what = r->argv[3];
	uint8_t raw[TEL_DIGITS_LEN], e[TEL_EVQ_ENTRY_SIZE];
	unsigned int n = 0;
	bool ok = true;

	if (r->argc > 5 ||
	    (r->argc == 5 && parse_index(r->argv[4], UINT32_MAX, &n))) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	if (!strcmp(what, "rx-ahead")) {	/* RX_HEAD = RX_TAIL + N */
		ch_store(c, ch, TEL_CH_RX_HEAD,
			 ch_load(c, ch, TEL_CH_RX_TAIL) + n);
	} else if (!strcmp(what, "rx-back")) {	/* RX_HEAD runs back by N */
		ch->rx_frozen = true;	/* and stays there: no frame heals it */
		ch_store(c, ch, TEL_CH_RX_HEAD,
			 ch_load(c, ch, TEL_CH_RX_HEAD) - n);
	} else if (!strcmp(what, "tx-ahead")) {	/* TX_TAIL = TX_HEAD + N */
		ch_store(c, ch, TEL_CH_TX_TAIL,
			 ch_load(c, ch, TEL_CH_TX_HEAD) + n);
	} else if (!strcmp(what, "tx-back")) {	/* TX_TAIL runs back by N */
		ch->tx_frozen = true;	/* and stays there: no frame heals it */
		ch_store(c, ch, TEL_CH_TX_TAIL,
			 ch_load(c, ch, TEL_CH_TX_TAIL) - n);
	} else if (!strcmp(what, "ticks-ahead")) {	/* TICKS jumps by N */
		win_store(c, TEL_STATUS_TICKS,
			  win_load(c, TEL_STATUS_TICKS) + n);
	} else if (!strcmp(what, "ticks-back")) {	/* TICKS runs back by N */
		win_store(c, TEL_STATUS_TICKS,
			  win_load(c, TEL_STATUS_TICKS) - n);
	} else if (!strcmp(what, "evq-lost-back")) {	/* EVQ_LOST - N */
		win_store(c, TEL_STATUS_EVQ_LOST,
			  win_load(c, TEL_STATUS_EVQ_LOST) - n);
		/* and an event, its channel's state again, so it is read */
		ok = card_emit_raw(c, TEL_HWEV_STATE, ch->index, ch->state, 0,
				   NULL);
	} else if (!strcmp(what, "hook")) {	/* HOOK reads N, not 0 or 1 */
		ch_store(c, ch, TEL_CH_HOOK, n);
	} else if (!strcmp(what, "counter")) {	/* RX_OVERRUNS jumps by N */
		ch_store(c, ch, TEL_CH_RX_OVERRUNS,
			 ch_load(c, ch, TEL_CH_RX_OVERRUNS) + n);
	} else if (!strcmp(what, "state")) {	/* a state that is none */
		ch_store(c, ch, TEL_CH_STATE, n);
		ok = card_emit_raw(c, TEL_HWEV_STATE, ch->index, n, 0, NULL);
	} else if (!strcmp(what, "event-channel")) {	/* channel nch + N */
		ok = card_emit_raw(c, TEL_HWEV_STATE, c->nch + n, ch->state, 0,
				   NULL);
	} else if (!strcmp(what, "event-type")) {
		ok = card_emit_raw(c, n, ch->index, ch->state, 0, NULL);
	} else if (!strcmp(what, "cause")) {	/* far end clears, cause N */
		if (ch->state != TEL_CHST_CONNECTED) {
			ctl_reply(r->cc, "err state");
			return;
		}
		far_clear(c, ch, n);
	} else if (!strcmp(what, "number")) {	/* an offer, number unended */
		if (ch->state != TEL_CHST_IDLE) {
			ctl_reply(r->cc, "err busy");
			return;
		}
		memset(raw, '7', sizeof(raw));
		raw[3] = '\n';
		chan_set_state(c, ch, TEL_CHST_OFFERING);
		ok = card_emit_raw(c, TEL_HWEV_OFFER, ch->index, ch->state, 0,
				   raw);
	} else if (!strcmp(what, "digit")) {	/* DIGIT event, character N */
		ok = lie_digit(c, ch, n, 80, 0);
	} else if (!strcmp(what, "digit-duration")) {	/* '5' lasting N ms */
		ok = lie_digit(c, ch, '5', n, 0);
	} else if (!strcmp(what, "digit-start")) {	/* N ticks ahead */
		ok = lie_digit(c, ch, '5', 80, n);
	} else if (!strcmp(what, "sent")) {	/* DIGITS_SENT, N sent */
		ev_init(e, TEL_HWEV_DIGITS_SENT, ch->index, ch->state);
		ev_put32(e, TEL_EV_SENT, n);
		ok = card_emit_entry(c, e);
	} else if (!strcmp(what, "held")) {	/* HELD, no HOLD asked */
		if (ch->state != TEL_CHST_CONNECTED) {
			ctl_reply(r->cc, "err state");
			return;
		}
		chan_set_state(c, ch, TEL_CHST_HELD);
		ch->hold_tick = 0;
		ok = card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
	} else if (!strcmp(what, "unheld")) {	/* CONNECTED, no UNHOLD */
		if (ch->state != TEL_CHST_HELD) {
			ctl_reply(r->cc, "err state");
			return;
		}
		chan_set_state(c, ch, TEL_CHST_CONNECTED);
		ok = card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
	} else if (!strcmp(what, "conf")) {	/* CONF (N), no JOIN asked */
		if (ch->state != TEL_CHST_CONNECTED) {
			ctl_reply(r->cc, "err state");
			return;
		}
		chan_set_state(c, ch, TEL_CHST_CONF);
		ch->conf = n ? n : 0xffff;
		ok = card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
	} else if (!strcmp(what, "unconf")) {	/* CONNECTED, no LEAVE */
		if (ch->state != TEL_CHST_CONF) {
			ctl_reply(r->cc, "err state");
			return;
		}
		chan_set_state(c, ch, TEL_CHST_CONNECTED);
		ok = card_emit(c, TEL_HWEV_STATE, ch, 0, NULL);
	} else if (!strcmp(what, "forwarded")) {	/* no REDIRECT asked */
		if (ch->state != TEL_CHST_OFFERING) {
			ctl_reply(r->cc, "err state");
			return;
		}
		ch_store(c, ch, TEL_CH_CAUSE, TEL_DISC_FORWARDED);
		chan_set_state(c, ch, TEL_CHST_IDLE);
		ok = card_emit(c, TEL_HWEV_STATE, ch, TEL_DISC_FORWARDED, NULL);
	} else if (!strcmp(what, "transferred")) {	/* no TRANSFER asked */
		if (ch->state != TEL_CHST_CONNECTED &&
		    ch->state != TEL_CHST_HELD) {
			ctl_reply(r->cc, "err state");
			return;
		}
		ch_store(c, ch, TEL_CH_CAUSE, TEL_DISC_TRANSFERRED);
		chan_set_state(c, ch, TEL_CHST_DISCONNECTED);
		ok = card_emit(c, TEL_HWEV_STATE, ch, TEL_DISC_TRANSFERRED,
			       NULL);
	} else if (!strcmp(what, "join-stray")) {	/* the next JOIN: CH too */
		c->lie_join_stray = ch->index + 1;
	} else if (!strcmp(what, "flash")) {	/* FLASH of N ms, none ran */
		ev_init(e, TEL_HWEV_FLASH, ch->index, ch->state);
		ev_put32(e, TEL_EV_DURATION, n);
		ok = card_emit_entry(c, e);
	} else if (!strncmp(what, "offer-", 6)) {	/* a bad caller id */
		if (ch->state != TEL_CHST_IDLE) {
			ctl_reply(r->cc, "err busy");
			return;
		}
		if (!lie_offer(e, ch, what + 6, n)) {
			ctl_reply(r->cc, "err usage");
			return;
		}
		chan_set_state(c, ch, TEL_CHST_OFFERING);
		ev_put32(e, TEL_EV_STATE, ch->state);
		ok = card_emit_entry(c, e);
	} else if (!strcmp(what, "evq-ahead")) {	/* head skips N entries */
		card_evq_skip(c, n);
	} else if (!strcmp(what, "cmd-status")) {	/* next command's status */
		c->lie_cmd_status = n;
	} else {
		ctl_reply(r->cc, "err usage");
		return;
	}
	ctl_reply(r->cc, ok ? "ok" : "err queue");
}

static void cmd_unplug(struct req *r)
{
	int err;

	if (r->argc != 2) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	err = qmp_unplug(r->cc, r->card->index);
	if (err)
		return;		/* qmp.c replied */
	r->cc->waiting = true;
}

static const struct ctl_cmd {
	const char *name;
	int min_args;		/* including the name */
	bool has_chan;
	bool needs_qemu;	/* changes call state: only on a live card */
	void (*fn)(struct req *r);
} ctl_cmds[] = {
	{ "info", 2, false, false, cmd_info },
	{ "card", 2, false, false, cmd_card },
	{ "caps", 3, false, false, cmd_caps },
	{ "members", 3, false, false, cmd_members },
	{ "unplug", 2, false, false, cmd_unplug },
	{ "fault", 4, false, false, cmd_fault },
	{ "far", 4, true, false, cmd_far },
	{ "audio", 4, true, false, cmd_audio },
	{ "target", 4, true, false, cmd_target },
	{ "stats", 3, true, false, cmd_stats },
	{ "conf", 3, true, false, cmd_conf },
	{ "hangup", 4, true, true, cmd_hangup },
	{ "offer", 4, true, true, cmd_offer },
	{ "digits", 4, true, true, cmd_digits },
	{ "cancel", 3, true, true, cmd_cancel },
	{ "lie", 4, true, true, cmd_lie },
};

static void ctl_dispatch(struct req *r)
{
	const struct ctl_cmd *cmd = NULL;
	unsigned int i, card, chan;
	int err;

	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		if (!strcmp(r->argv[0], ctl_cmds[i].name))
			cmd = &ctl_cmds[i];
	if (!cmd || r->argc < cmd->min_args) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	if (!cmd->has_chan && strcmp(cmd->name, "fault") &&
	    r->argc != cmd->min_args) {
		ctl_reply(r->cc, "err usage");
		return;
	}
	err = parse_index(r->argv[1], emu_ncards, &card);
	if (!err && cmd->has_chan)
		err = parse_index(r->argv[2], emu_cards[card].nch, &chan);
	if (err) {
		ctl_reply(r->cc, err == -ERANGE ? "err range" : "err usage");
		return;
	}
	r->card = &emu_cards[card];
	if (cmd->has_chan)
		r->ch = &r->card->ch[chan];
	if (cmd->needs_qemu && !r->card->connected) {
		ctl_reply(r->cc, "err gone");
		return;
	}
	cmd->fn(r);
}

static void ctl_line(struct ctl_conn *cc, char *line)
{
	struct req r = { .cc = cc };
	char *save, *tok;

	emu_dbg("ctl: <- %s", line);
	for (tok = strtok_r(line, " \t\r", &save); tok;
	     tok = strtok_r(NULL, " \t\r", &save)) {
		if (r.argc == CTL_MAX_ARGS) {
			ctl_reply(cc, "err usage");
			return;
		}
		r.argv[r.argc++] = tok;
	}
	if (!r.argc)
		ctl_reply(cc, "err usage");
	else if (!strcmp(r.argv[0], "ping"))
		ctl_reply(cc, r.argc == 1 ? "ok" : "err usage");
	else
		ctl_dispatch(&r);
}

/* Run every complete line in the buffer, stopping while a reply is owed. */
static void ctl_process(struct ctl_conn *cc)
{
	char *nl;
	size_t len;

	while (!cc->waiting && (nl = memchr(cc->in, '\n', cc->in_len))) {
		*nl = 0;
		len = nl - cc->in + 1;
		if (!cc->discard)
			ctl_line(cc, cc->in);
		cc->discard = false;
		memmove(cc->in, cc->in + len, cc->in_len - len);
		cc->in_len -= len;
	}
	if (cc->in_len == CTL_LINE_MAX) {
		/* no newline in a full buffer: answer once, skip the rest */
		if (!cc->discard)
			ctl_reply(cc, "err usage");
		cc->discard = true;
		cc->in_len = 0;
	}
}

static void ctl_read(struct ctl_conn *cc)
{
	ssize_t n;

	while (!cc->waiting && !cc->eof) {
		n = recv(cc->w.fd, cc->in + cc->in_len,
			 CTL_LINE_MAX - cc->in_len, MSG_DONTWAIT);
		if (n == 0)
			cc->eof = true;
		if (n <= 0)
			break;
		cc->in_len += n;
		ctl_process(cc);
	}
}

void ctl_conn_event(void *conn, uint32_t events)
{
	struct ctl_conn *cc = conn;

	if (!cc->used)
		return;		/* closed earlier in this epoll batch */
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		ctl_read(cc);
	if (cc->out_len)
		ctl_flush(cc);
	/* HUP: the peer can read nothing more from us either */
	if ((events & (EPOLLHUP | EPOLLERR)) ||
	    (cc->eof && !cc->waiting && !cc->out_len)) {
		ctl_close(cc);
		return;
	}
	ctl_rearm(cc);
}

/* qmp.c delivered the owed reply: go on with queued requests. */
void ctl_resume(void *conn)
{
	struct ctl_conn *cc = conn;

	cc->waiting = false;
	ctl_process(cc);
	if (!cc->waiting)
		ctl_read(cc);
	if (cc->eof && !cc->waiting && !cc->out_len)
		ctl_close(cc);
	else
		ctl_rearm(cc);
}
