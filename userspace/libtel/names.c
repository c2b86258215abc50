// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * names.c - the lower-case names of states, origins, directions, TAPI
 * disconnect modes, event types, owners and presentations: driver/tel_names.h's tables, the
 * ones /proc/driver/tel/calls and the emulator use
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "../../driver/tel_names.h"

/* A name of @kind, or NULL with EINVAL: the library's rule for lookups. */
static const char *lookup(enum tel_name_kind kind, unsigned int value)
{
	const char *name = tel_name(kind, value);

	if (!name)
		errno = EINVAL;
	return name;
}

static int64_t rlookup(enum tel_name_kind kind, const char *name)
{
	const struct tel_name *t;
	unsigned int i, n;

	t = tel_name_table(kind, &n);
	for (i = 0; name && i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].value;
	errno = EINVAL;
	return -1;
}

TEL_EXPORT const char *tel_state_name(unsigned int state)
{
	return lookup(TEL_NAMES_STATE, state);
}

TEL_EXPORT const char *tel_origin_name(unsigned int origin)
{
	return lookup(TEL_NAMES_ORIGIN, origin);
}

TEL_EXPORT const char *tel_direction_name(unsigned int direction)
{
	return lookup(TEL_NAMES_DIRECTION, direction);
}

TEL_EXPORT const char *tel_event_type_name(unsigned int type)
{
	return lookup(TEL_NAMES_EVENT, type);
}

TEL_EXPORT const char *tel_owner_name(unsigned int owner)
{
	return lookup(TEL_NAMES_OWNER, owner);
}

TEL_EXPORT const char *tel_presentation_name(unsigned int presentation)
{
	return lookup(TEL_NAMES_PRES, presentation);
}

TEL_EXPORT const char *tel_disconnect_mode_name(uint32_t mode)
{
	return lookup(TEL_NAMES_DISC, mode);
}

TEL_EXPORT int tel_state_from_name(const char *name)
{
	return (int)rlookup(TEL_NAMES_STATE, name);
}

TEL_EXPORT int tel_origin_from_name(const char *name)
{
	return (int)rlookup(TEL_NAMES_ORIGIN, name);
}

TEL_EXPORT int tel_direction_from_name(const char *name)
{
	return (int)rlookup(TEL_NAMES_DIRECTION, name);
}

TEL_EXPORT int64_t tel_disconnect_mode_from_name(const char *name)
{
	return rlookup(TEL_NAMES_DISC, name);
}

#define STR_(x)	#x
#define STR(x)	STR_(x)

TEL_EXPORT const char *tel_version(void)
{
	return STR(LIBTEL_VERSION_MAJOR) "." STR(LIBTEL_VERSION_MINOR) "."
	       STR(LIBTEL_VERSION_PATCH);
}
