// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * names.c - the lower-case names of states, origins, directions, TAPI
 * disconnect modes and event types, the same as /proc/driver/tel/calls
 * and the emulator use
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

static const char *const state_names[] = {
	[TEL_CALL_IDLE] = "idle",
	[TEL_CALL_DIALING] = "dialing",
	[TEL_CALL_RINGBACK] = "ringback",
	[TEL_CALL_CONNECTED] = "connected",
	[TEL_CALL_OFFERING] = "offering",
	[TEL_CALL_DISCONNECTED] = "disconnected",
};

static const char *const origin_names[] = {
	[TEL_ORIGIN_NONE] = "none",
	[TEL_ORIGIN_LOCAL] = "local",
	[TEL_ORIGIN_APPLICATION] = "application",
	[TEL_ORIGIN_REMOTE] = "remote",
	[TEL_ORIGIN_HARDWARE] = "hardware",
};

static const char *const direction_names[] = {
	[TEL_DIR_OUTBOUND] = "out",
	[TEL_DIR_INBOUND] = "in",
};

static const char *const event_names[] = {
	[TEL_EVENT_STATE] = "state",
	[TEL_EVENT_OFFER] = "offer",
	[TEL_EVENT_CARD_GONE] = "card_gone",
	[TEL_EVENT_OVERFLOW] = "overflow",
};

static const struct {
	uint32_t mode;
	const char *name;
} mode_names[] = {
	{ TEL_DISC_NORMAL, "normal" },
	{ TEL_DISC_UNKNOWN, "unknown" },
	{ TEL_DISC_REJECT, "reject" },
	{ TEL_DISC_BUSY, "busy" },
	{ TEL_DISC_NOANSWER, "noanswer" },
	{ TEL_DISC_BADADDRESS, "badaddress" },
	{ TEL_DISC_UNREACHABLE, "unreachable" },
	{ TEL_DISC_CONGESTION, "congestion" },
	{ TEL_DISC_INCOMPATIBLE, "incompatible" },
	{ TEL_DISC_UNAVAIL, "unavail" },
	{ TEL_DISC_NODIALTONE, "nodialtone" },
	{ TEL_DISC_NUMBERCHANGED, "numberchanged" },
	{ TEL_DISC_OUTOFORDER, "outoforder" },
	{ TEL_DISC_TEMPFAILURE, "tempfailure" },
	{ TEL_DISC_BLOCKED, "blocked" },
	{ TEL_DISC_CANCELLED, "cancelled" },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *lookup(const char *const *names, size_t n, unsigned int v)
{
	if (v >= n || !names[v]) {
		errno = EINVAL;
		return NULL;
	}
	return names[v];
}

static int rlookup(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name && i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return (int)i;
	errno = EINVAL;
	return -1;
}

TEL_EXPORT const char *tel_state_name(unsigned int state)
{
	return lookup(state_names, ARRAY_SIZE(state_names), state);
}

TEL_EXPORT const char *tel_origin_name(unsigned int origin)
{
	return lookup(origin_names, ARRAY_SIZE(origin_names), origin);
}

TEL_EXPORT const char *tel_direction_name(unsigned int direction)
{
	return lookup(direction_names, ARRAY_SIZE(direction_names), direction);
}

TEL_EXPORT const char *tel_event_type_name(unsigned int type)
{
	return lookup(event_names, ARRAY_SIZE(event_names), type);
}

TEL_EXPORT const char *tel_disconnect_mode_name(uint32_t mode)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mode_names); i++)
		if (mode_names[i].mode == mode)
			return mode_names[i].name;
	errno = EINVAL;
	return NULL;
}

TEL_EXPORT int tel_state_from_name(const char *name)
{
	return rlookup(state_names, ARRAY_SIZE(state_names), name);
}

TEL_EXPORT int tel_origin_from_name(const char *name)
{
	return rlookup(origin_names, ARRAY_SIZE(origin_names), name);
}

TEL_EXPORT int tel_direction_from_name(const char *name)
{
	return rlookup(direction_names, ARRAY_SIZE(direction_names), name);
}

TEL_EXPORT int64_t tel_disconnect_mode_from_name(const char *name)
{
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(mode_names); i++)
		if (!strcmp(mode_names[i].name, name))
			return mode_names[i].mode;
	errno = EINVAL;
	return -1;
}

TEL_EXPORT const char *tel_version(void)
{
	return LIBTEL_VERSION;
}
