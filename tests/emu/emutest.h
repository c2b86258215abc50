/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * emutest.h - the harness emutest.c gives to emutest_cases.c: a fake
 * QEMU (ivshmem client), a fake driver (mailbox, events, rings in a RAM
 * file) and a control-channel client.
 */
#ifndef EMUTEST_H
#define EMUTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "../../driver/tel_regs.h"
#include "../../uapi/linux/tel.h"

#define NCARDS		2
#define NCH		4
#define RAM_SIZE	(16u << 20)
#define SERIAL_BASE	7

/* One card as QEMU sees it after the ivshmem handshake. */
struct card {
	int sock;
	uint8_t *win;
	int peer_fd[TEL_NR_IRQS];	/* ring the card's doorbell */
	int vec_fd[TEL_NR_IRQS];	/* our MSI-X vectors */
	uint32_t seq;			/* last command SEQ we wrote */
	uint32_t evq_tail;		/* our event queue consumer index */
};

struct cmd {
	uint32_t op, ch, arg;
	uint64_t rx, tx;
	uint32_t ring;
	const char *digits;
};

struct event {
	uint32_t type, ch, state, cause;
	char number[TEL_DIGITS_LEN];
	uint8_t raw[TEL_EVQ_ENTRY_SIZE];	/* the entry, as written */
};

uint32_t ev32(const struct event *e, uint32_t off);

extern struct card cards[NCARDS];
extern uint8_t *ram;		/* the guest RAM file, mapped */
extern int ctl_fd;
extern char reply[1024];	/* last control reply */

void check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void die(const char *what) __attribute__((noreturn));
void msleep(unsigned int ms);
uint64_t now_ms(void);
uint32_t crc32_buf(const uint8_t *p, size_t n);

uint32_t rd(struct card *c, uint32_t off);
void wr(struct card *c, uint32_t off, uint32_t v);
uint32_t chr(struct card *c, unsigned int ch, uint32_t reg);
void chw(struct card *c, unsigned int ch, uint32_t reg, uint32_t v);
bool card_attach(struct card *c, unsigned int idx);
void card_detach(struct card *c);
void ring_doorbell(struct card *c, unsigned int v);
uint64_t wait_irq(struct card *c, unsigned int v, int ms);
int card_cmd_wait(struct card *c, const struct cmd *k, int ms);
int card_cmd(struct card *c, uint32_t op, uint32_t ch, uint32_t arg);
uint64_t rx_ring(unsigned int card, unsigned int ch);
uint64_t tx_ring(unsigned int card, unsigned int ch);
int card_dial(struct card *c, unsigned int card, unsigned int ch,
	      uint32_t ring, const char *digits);
int card_answer(struct card *c, unsigned int card, unsigned int ch,
		uint32_t ring);
bool next_event(struct card *c, struct event *e, int ms);
bool expect_state(struct card *c, uint32_t ch, uint32_t state,
		  uint32_t cause, int ms);
void drain_events(struct card *c);

int unix_connect_path(const char *name);
int unix_connect_ctl(void);
const char *ctl_on(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *ctl_read_reply(void);
bool ctl_is(const char *want, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
unsigned long long kv(const char *key);
unsigned long long stat_of(unsigned int card, unsigned int ch,
			   const char *key);
#define ctl(...) ctl_on(ctl_fd, __VA_ARGS__)

void run_cases(const char *qmp_path);

#endif /* EMUTEST_H */
