// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * card.c - opening and closing /dev/telN, the card's identity, the list
 * of cards
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

int64_t libtel_priv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ioctl() that retries on EINTR: none of the commands is half-done then. */
int libtel_priv_ioctl(struct tel_card *card, unsigned long cmd, void *arg)
{
	int ret;

	do {
		ret = ioctl(card->fd, cmd, arg);
	} while (ret < 0 && errno == EINTR && cmd != TEL_IOC_CALL_READ &&
		 cmd != TEL_IOC_CALL_WRITE);
	return ret;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/*
 * The cards sysfs knows, sorted.  Returns how many there are, which may be
 * more than @max (only @max are stored), like snprintf().  No class
 * directory (tel.ko not loaded) is zero cards, not an error.
 */
TEL_EXPORT int tel_card_list(unsigned int *indices, size_t max)
{
	unsigned int *all = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *dir;

	if (!indices && max) {
		errno = EINVAL;
		return -1;
	}
	dir = opendir(TEL_SYSFS_CLASS);
	if (!dir)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(dir))) {
		unsigned int idx;
		char end;

		if (sscanf(de->d_name, "tel%u%c", &idx, &end) != 1)
			continue;
		if (n == cap) {
			unsigned int *p;

			cap = cap ? cap * 2 : 16;
			p = realloc(all, cap * sizeof(*all));
			if (!p) {
				free(all);
				closedir(dir);
				errno = ENOMEM;
				return -1;
			}
			all = p;
		}
		all[n++] = idx;
	}
	closedir(dir);
	if (n)
		qsort(all, n, sizeof(*all), cmp_uint);
	for (i = 0; i < n && i < max; i++)
		indices[i] = all[i];
	free(all);
	return (int)n;
}

TEL_EXPORT struct tel_card *tel_card_open_path(const char *path)
{
	struct tel_card *card;
	int err;

	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	card = calloc(1, sizeof(*card));
	if (!card)
		return NULL;
	/* O_NONBLOCK: events are read only after poll() said so */
	card->fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (card->fd < 0)
		goto err_free;
	if (libtel_priv_ioctl(card, TEL_IOC_CARD_INFO, &card->info) < 0) {
		/* not a tel card at all: say so rather than "bad ioctl" */
		if (errno == ENOTTY)
			errno = ENODEV;
		goto err_close;
	}
	if (libtel_priv_events_init(card) < 0)
		goto err_close;
	err = pthread_mutex_init(&card->lock, NULL);
	if (err) {
		errno = err;
		goto err_events;
	}
	return card;

err_events:
	free(card->evq);
err_close:
	err = errno;
	close(card->fd);
	errno = err;
err_free:
	err = errno;
	free(card);
	errno = err;
	return NULL;
}

TEL_EXPORT struct tel_card *tel_card_open(unsigned int index)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/tel%u", index);
	return tel_card_open_path(path);
}

/*
 * Closing the file makes the kernel drop and deallocate every call it
 * still owns; the call objects go with it.
 */
TEL_EXPORT int tel_card_close(struct tel_card *card)
{
	struct tel_call *call, *next;
	int ret;

	if (!card) {
		errno = EINVAL;
		return -1;
	}
	for (call = card->calls; call; call = next) {
		next = call->next;
		libtel_priv_rings_free(call);
		free(call);
	}
	free(card->evq);
	pthread_mutex_destroy(&card->lock);
	ret = close(card->fd);
	free(card);
	return ret;
}

TEL_EXPORT int tel_card_fd(const struct tel_card *card)
{
	return card->fd;
}

TEL_EXPORT unsigned int tel_card_index(const struct tel_card *card)
{
	return card->info.index;
}

TEL_EXPORT unsigned int tel_card_channel_count(const struct tel_card *card)
{
	return card->info.channels;
}

TEL_EXPORT const char *tel_card_model(const struct tel_card *card)
{
	return card->info.model;
}

TEL_EXPORT const char *tel_card_firmware(const struct tel_card *card)
{
	return card->info.firmware;
}

TEL_EXPORT const char *tel_card_serial(const struct tel_card *card)
{
	return card->info.serial;
}

TEL_EXPORT unsigned int tel_card_sample_rate(const struct tel_card *card)
{
	return card->info.sample_rate;
}

TEL_EXPORT unsigned int tel_card_frame_samples(const struct tel_card *card)
{
	return card->info.frame_samples;
}

/* 1 if the card was removed or failed, 0 if not, -1 on error. */
TEL_EXPORT int tel_card_is_gone(struct tel_card *card)
{
	struct tel_card_info info;

	memset(&info, 0, sizeof(info));
	if (libtel_priv_ioctl(card, TEL_IOC_CARD_INFO, &info) < 0)
		return errno == ENODEV ? 1 : -1;
	return !!(info.flags & TEL_CARD_F_GONE);
}

/* TEL_FEAT_*: what the driver and card can do beyond ABI version 2 (1.2) */
TEL_EXPORT uint64_t tel_card_features(const struct tel_card *card)
{
	return card->info.features;
}

/* 1 if the card has every bit of @feature, 0 if not, -1 on error (1.2). */
TEL_EXPORT int tel_card_has_feature(const struct tel_card *card,
				    uint64_t feature)
{
	if (!card || !feature) {
		errno = EINVAL;
		return -1;
	}
	return (card->info.features & feature) == feature;
}
