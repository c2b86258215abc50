// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sysfs.c - what the driver shows to everyone: /sys/class/tel/telN and
 * /proc/driver/tel/calls.  No open file of the card is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

static int parse_entry(char *line, struct tel_call_entry *e)
{
	char state[16], dir[8], origin[16], mode[20];
	int64_t m;
	int n, v;

	memset(e, 0, sizeof(*e));
	n = sscanf(line,
		   "%u %u %" SCNu32 " %d %u %15s %7s %15s %19s %" SCNu64
		   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %31s %31s",
		   &e->card, &e->channel, &e->handle, &e->pid, &e->uid, state,
		   dir, origin, mode, &e->duration_ms, &e->rx_frames,
		   &e->tx_frames, &e->rx_bytes, &e->tx_bytes, &e->rx_overruns,
		   &e->tx_underruns, &e->dma_bytes, e->called, e->calling);
	if (n != 19)
		return -1;
	if ((v = tel_state_from_name(state)) < 0)
		return -1;
	e->state = v;
	if ((v = tel_direction_from_name(dir)) < 0)
		return -1;
	e->direction = v;
	if ((v = tel_origin_from_name(origin)) < 0)
		return -1;
	e->origin = v;
	if (strcmp(mode, "-")) {
		if ((m = tel_disconnect_mode_from_name(mode)) < 0)
			return -1;
		e->disconnect_mode = (uint32_t)m;
	}
	if (!strcmp(e->called, "-"))
		e->called[0] = '\0';
	if (!strcmp(e->calling, "-"))
		e->calling[0] = '\0';
	return 0;
}

/*
 * Every call of every card, from /proc/driver/tel/calls.  *@entries is
 * malloc'ed (free with tel_call_list_free()), NULL when there are none.
 */
TEL_EXPORT ssize_t tel_call_list(struct tel_call_entry **entries)
{
	struct tel_call_entry *all = NULL, *p;
	size_t n = 0, cap = 0, len = 0;
	char *line = NULL;
	int lineno = 0, err;
	FILE *f;

	if (!entries) {
		errno = EINVAL;
		return -1;
	}
	*entries = NULL;
	f = fopen(TEL_PROC_CALLS, "re");
	if (!f)
		return -1;
	while (getline(&line, &len, f) > 0) {
		if (lineno++ == 0)
			continue;	/* the header */
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			p = realloc(all, cap * sizeof(*all));
			if (!p)
				goto err;
			all = p;
		}
		if (parse_entry(line, &all[n]) < 0) {
			errno = EPROTO;	/* a format this library does not know */
			goto err;
		}
		n++;
	}
	free(line);
	fclose(f);
	*entries = all;
	return (ssize_t)n;
err:
	err = errno;
	free(line);
	free(all);
	fclose(f);
	errno = err;
	return -1;
}

TEL_EXPORT void tel_call_list_free(struct tel_call_entry *entries)
{
	free(entries);
}
