// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - messages, argument parsing, signals, JSON and tables
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "telctl.h"

volatile sig_atomic_t stop_signal;

/* narration goes to stdout, one flushed line each (a transcript) */
void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void errmsg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", progname, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s --help'.\n", progname, cmd);
	return EXIT_USAGE;
}

int parse_uint(const char *arg, unsigned long max, unsigned long *val)
{
	char *end;

	if (!arg || !*arg || *arg == '-' || *arg == '+')
		return -1;
	errno = 0;
	*val = strtoul(arg, &end, 10);
	if (errno || *end || *val > max)
		return -1;
	return 0;
}

/* CARD is N, telN or /dev/telN; with @channel_ok, CARD:CHANNEL too. */
int parse_card(const char *arg, unsigned int *index, unsigned int *channel,
	       bool channel_ok)
{
	char buf[64], *colon;
	unsigned long v;
	const char *p;

	if (channel)
		*channel = TEL_CHANNEL_ANY;
	if (!arg || strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	colon = strchr(buf, ':');
	if (colon) {
		if (!channel_ok || parse_uint(colon + 1, 0xfffffffe, &v))
			return -1;
		*channel = (unsigned int)v;
		*colon = '\0';
	}
	p = buf;
	if (!strncmp(p, "/dev/", 5))
		p += 5;
	if (!strncmp(p, "tel", 3))
		p += 3;
	if (parse_uint(p, INT_MAX, &v))
		return -1;
	*index = (unsigned int)v;
	return 0;
}

int parse_seconds(const char *arg, double *secs)
{
	char *end;

	if (!arg || !*arg)
		return -1;
	errno = 0;
	*secs = strtod(arg, &end);
	if (errno || *end || *secs < 0 || *secs > 86400 * 365)
		return -1;
	return 0;
}

const char *open_errstr(unsigned int index, int err)
{
	static char msg[128];

	switch (err) {
	case ENOENT:
	case ENXIO:
		snprintf(msg, sizeof(msg), "tel%u: no such card", index);
		break;
	case ENODEV:
		snprintf(msg, sizeof(msg), "tel%u: card removed or failed",
			 index);
		break;
	case EACCES:
	case EPERM:
		snprintf(msg, sizeof(msg),
			 "tel%u: permission denied (/dev/tel%u)", index, index);
		break;
	default:
		snprintf(msg, sizeof(msg), "tel%u: %s", index, strerror(err));
	}
	return msg;
}

struct tel_card *open_card(unsigned int index)
{
	struct tel_card *card = tel_card_open(index);

	if (!card)
		errmsg("%s", open_errstr(index, errno));
	return card;
}

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* No SA_RESTART: a blocking wait returns EINTR and sees stop_signal. */
void install_stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int audio_out_pump(struct tel_call *call, struct audio_out *o)
{
	for (;;) {
		ssize_t n;

		if (o->off == o->len) {
			size_t got = o->file ?
				fread(o->buf, 1, sizeof(o->buf), o->file) : 0;

			if (!got) {
				memset(o->buf, 0xff, sizeof(o->buf));
				got = sizeof(o->buf);
			}
			o->len = got;
			o->off = 0;
		}
		n = tel_call_write(call, o->buf + o->off, o->len - o->off, 0);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		o->off += (size_t)n;
		o->total += (uint64_t)n;
	}
}

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

const char *mode_str(uint32_t mode)
{
	static char buf[16];
	const char *name;

	if (!mode)
		return "-";
	name = tel_disconnect_mode_name(mode);
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "0x%x", mode);
	return buf;
}

const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_key(FILE *f, bool *first, const char *key)
{
	if (!*first)
		fputs(", ", f);
	*first = false;
	json_str(f, key);
	fputs(": ", f);
}

void json_kv_str(FILE *f, bool *first, const char *key, const char *val)
{
	json_key(f, first, key);
	if (val)
		json_str(f, val);
	else
		fputs("null", f);
}

void json_kv_u64(FILE *f, bool *first, const char *key,
		 unsigned long long val)
{
	json_key(f, first, key);
	fprintf(f, "%llu", val);
}

void json_kv_i64(FILE *f, bool *first, const char *key, long long val)
{
	json_key(f, first, key);
	fprintf(f, "%lld", val);
}

struct table {
	int ncols;
	size_t nrows, cap;
	char **cells;		/* row-major, row 0 is the header */
};

struct table *table_new(int ncols, const char *const *headers)
{
	struct table *t = calloc(1, sizeof(*t));
	int i;

	if (!t)
		abort();
	t->ncols = ncols;
	t->cap = 16;
	t->cells = calloc(t->cap * ncols, sizeof(char *));
	if (!t->cells)
		abort();
	for (i = 0; i < ncols; i++)
		t->cells[i] = strdup(headers[i]);
	t->nrows = 1;
	return t;
}

void table_add(struct table *t, ...)
{
	va_list ap;
	int i;

	if (t->nrows == t->cap) {
		t->cap *= 2;
		t->cells = realloc(t->cells, t->cap * t->ncols * sizeof(char *));
		if (!t->cells)
			abort();
	}
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);

		t->cells[t->nrows * t->ncols + i] = strdup(s ? s : "-");
	}
	va_end(ap);
	t->nrows++;
}

void table_print(struct table *t, FILE *f)
{
	size_t r, w[32] = { 0 };
	int c;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols && c < 32; c++) {
			size_t l = strlen(t->cells[r * t->ncols + c]);

			if (l > w[c])
				w[c] = l;
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			if (c == t->ncols - 1)
				fprintf(f, "%s\n", s);
			else
				fprintf(f, "%-*s  ", (int)w[c], s);
		}
	}
	fflush(f);
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
