// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sysfs.c - what the driver shows to everyone in /sys/class/tel/telN.
 * No open file of the card is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static int read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	if (!buf || !len) {
		errno = EINVAL;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0) {
		errno = err;
		return -1;
	}
	buf[n] = '\0';
	/* one value and a newline: keep the value */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (int)n;
}

/* A card attribute, without its newline; returns its length. */
TEL_EXPORT int tel_card_attr(unsigned int index, const char *name, char *buf,
			     size_t len)
{
	char path[256];

	if (!name || strchr(name, '/') == name || strstr(name, "..")) {
		errno = EINVAL;
		return -1;
	}
	snprintf(path, sizeof(path), TEL_SYSFS_CLASS "/tel%u/%s", index, name);
	return read_text(path, buf, len);
}

static int parse_u64(const char *s, uint64_t *val)
{
	char *end;

	errno = 0;
	*val = strtoull(s, &end, 0);
	if (errno || end == s || *end) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

TEL_EXPORT int tel_card_attr_u64(unsigned int index, const char *name,
				 uint64_t *val)
{
	char buf[64];

	if (!val) {
		errno = EINVAL;
		return -1;
	}
	if (tel_card_attr(index, name, buf, sizeof(buf)) < 0)
		return -1;
	return parse_u64(buf, val);
}

/*
 * Per-channel files came after the first driver release: each one that
 * is missing leaves its field "not known" instead of failing the lot.
 */
TEL_EXPORT int tel_channel_status(unsigned int index, unsigned int channel,
				  struct tel_channel_status *st)
{
	char name[64], buf[32];
	uint64_t chans;
	int known = 0;
	long v;

	if (!st) {
		errno = EINVAL;
		return -1;
	}
	if (tel_card_attr_u64(index, "channels", &chans) < 0)
		return -1;
	if (channel >= chans) {
		errno = ERANGE;
		return -1;
	}
	memset(st, 0, sizeof(*st));
	st->hook = st->held = st->owner_pid = -1;

	snprintf(name, sizeof(name), "ch%u/state", channel);
	if (tel_card_attr(index, name, st->state, sizeof(st->state)) >= 0)
		known++;
	snprintf(name, sizeof(name), "ch%u/hook", channel);
	if (tel_card_attr(index, name, buf, sizeof(buf)) >= 0) {
		st->hook = !strcmp(buf, "off") || !strcmp(buf, "1");
		known++;
	}
	snprintf(name, sizeof(name), "ch%u/held", channel);
	if (tel_card_attr(index, name, buf, sizeof(buf)) >= 0) {
		st->held = atoi(buf) != 0;
		known++;
	}
	snprintf(name, sizeof(name), "ch%u/owner_pid", channel);
	if (tel_card_attr(index, name, buf, sizeof(buf)) >= 0) {
		v = strtol(buf, NULL, 10);
		st->owner_pid = v > 0 ? (int)v : -1;
		known++;
	}
	if (!known) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return 0;
}
