/* SPDX-License-Identifier: GPL-2.0 */
/*
 * telctl.h - what telctl's subcommands share
 */
#ifndef TELCTL_H
#define TELCTL_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include <libtel.h>

/* Exit codes, Documentation/telctl.rst */
#define EXIT_OK		0
#define EXIT_ERROR	1	/* runtime error: device, card, I/O */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_NOTDONE	3	/* no connection: refused, busy, no answer,
				 * no offer or no event in time */

extern const char *progname;
extern volatile sig_atomic_t stop_signal;

int cmd_cards(int argc, char **argv);
int cmd_channels(int argc, char **argv);
int cmd_calls(int argc, char **argv);
int cmd_dial(int argc, char **argv);
int cmd_answer(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_conference(int argc, char **argv);

/* util.c */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int parse_card(const char *arg, unsigned int *index, unsigned int *channel,
	       bool channel_ok);
int parse_seconds(const char *arg, double *secs);
int parse_uint(const char *arg, unsigned long max, unsigned long *val);
struct tel_card *open_card(unsigned int index);
const char *open_errstr(unsigned int index, int err);
void install_stop_handlers(void);
double mono_now(void);
void sleep_ms(int ms);

/*
 * What telctl says on a call: a file (--play), then G.711 mu-law
 * silence.  audio_out_pump() keeps the call's transmit ring full from it:
 * 0 when the ring is full, -1 with errno on an error.
 */
struct audio_out {
	FILE *file;
	unsigned char buf[1024];
	size_t len, off;
	uint64_t total;
};

int audio_out_pump(struct tel_call *call, struct audio_out *o);
const char *mode_str(uint32_t mode);
const char *or_dash(const char *s);

/* JSON output, enough for flat objects and arrays of them */
void json_str(FILE *f, const char *s);
void json_kv_str(FILE *f, bool *first, const char *key, const char *val);
void json_kv_u64(FILE *f, bool *first, const char *key,
		 unsigned long long val);
void json_kv_i64(FILE *f, bool *first, const char *key, long long val);

/* aligned tables */
struct table;
struct table *table_new(int ncols, const char *const *headers);
void table_add(struct table *t, ...);	/* ncols strings */
void table_print(struct table *t, FILE *f);
void table_free(struct table *t);

/* record.c */
void record_print(const struct tel_call_record *rec,
		  const struct tel_call_party_info *party, FILE *f);
void record_json(const struct tel_call_record *rec,
		 const struct tel_call_party_info *party, const char *gathered,
		 FILE *f);

#endif /* TELCTL_H */
