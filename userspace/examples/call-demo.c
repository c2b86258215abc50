// SPDX-License-Identifier: GPL-2.0
/*
 * call-demo.c - the smallest complete libtel program: dial, talk for a
 * second, hang up, read the post-call record, deallocate.
 *
 *   cc call-demo.c $(pkg-config --cflags --libs libtel) -o call-demo
 *   ./call-demo [CARD [NUMBER]]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libtel.h>

int main(int argc, char **argv)
{
	unsigned int index = argc > 1 ? (unsigned int)atoi(argv[1]) : 0;
	const char *number = argc > 2 ? argv[2] : "5551234";
	unsigned char silence[160], rx[2048];
	struct tel_call_record rec;
	struct tel_card *card;
	struct tel_call *call;
	size_t got = 0;
	int i;

	card = tel_card_open(index);
	if (!card) {
		fprintf(stderr, "tel%u: %s\n", index, strerror(errno));
		return 1;
	}
	call = tel_call_dial(card, TEL_CHANNEL_ANY, number);
	if (!call || tel_call_wait_state(call, TEL_CALL_CONNECTED, 10000) < 0) {
		fprintf(stderr, "tel%u: dial %s: %s\n", index, number,
			strerror(errno));
		tel_card_close(card);	/* also drops and frees the call */
		return 1;
	}
	printf("connected on channel %u\n", tel_call_channel(call));

	/* one second: 20 ms of silence out, whatever came in */
	memset(silence, 0xff, sizeof(silence));
	for (i = 0; i < 50; i++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		ssize_t n;

		tel_call_write(call, silence, sizeof(silence), 0);
		n = tel_call_read(call, rx, sizeof(rx), 0);
		if (n > 0)
			got += (size_t)n;
		nanosleep(&ts, NULL);
	}

	/* DROP ends the call; the record and the buffers stay until DEALLOC */
	if (tel_call_drop(call, 0) < 0 || tel_call_get_record(call, &rec) < 0) {
		perror("drop");
		tel_card_close(card);
		return 1;
	}
	printf("call %u: %s, ended by %s, %llu ms connected, rx %llu bytes "
	       "(read %zu), tx %llu bytes, %u DMA bytes held\n",
	       rec.handle, tel_state_name(rec.state),
	       tel_origin_name(rec.origin),
	       (unsigned long long)rec.duration_ns / 1000000,
	       (unsigned long long)rec.rx_bytes, got,
	       (unsigned long long)rec.tx_bytes, rec.dma_bytes);

	if (tel_call_dealloc(call) < 0) {
		perror("dealloc");
		tel_card_close(card);
		return 1;
	}
	tel_card_close(card);
	return 0;
}
