/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * tel_names.h - the one table of names for the ABI's values
 *
 * The lower-case names that /proc/driver/tel/calls prints, that libtel's
 * tel_*_name() return and parse, and that the card emulator (tests/emu/)
 * takes on its control socket.  Shared the way tel_regs.h is: plain
 * tables and lookups, no kernel types, nothing to link.  Nobody else
 * spells a name.  The values are the uAPI's (<linux/tel.h>, or libtel's
 * private copy of it), which the includer has included first, with NULL
 * (<stddef.h> in userspace).
 *
 * tel_name() returns NULL for a value missing from its table (a newer
 * driver, a bad card); the caller then prints TEL_NAME_UNKNOWN, or
 * TEL_NAME_OTHER for a disconnect mode (since "unknown" is one of those).
 * Such a value never fails a whole listing.
 */
#ifndef TEL_NAMES_H
#define TEL_NAMES_H

#define TEL_NAME_UNKNOWN	"unknown"
#define TEL_NAME_OTHER		"other"
#define TEL_NAME_NONE		"-"	/* no disconnect mode: not ended */

/**
 * struct tel_name - one value and its name
 * @value: the uAPI's value
 * @name: lower case, no spaces
 */
struct tel_name {
	unsigned int value;
	const char *name;
};

/**
 * enum tel_name_kind - the tables
 * @TEL_NAMES_STATE: enum tel_call_state
 * @TEL_NAMES_ORIGIN: enum tel_call_origin
 * @TEL_NAMES_DIRECTION: TEL_DIR_*
 * @TEL_NAMES_DISC: TEL_DISC_* (TAPI's LINEDISCONNECTMODE_* in lower case)
 * @TEL_NAMES_EVENT: TEL_EVENT_*
 * @TEL_NAMES_OWNER: TEL_OWNER_*: who holds a call
 * @TEL_NAMES_PRES: TEL_PRES_*: the calling party's presentation
 */
enum tel_name_kind {
	TEL_NAMES_STATE,
	TEL_NAMES_ORIGIN,
	TEL_NAMES_DIRECTION,
	TEL_NAMES_DISC,
	TEL_NAMES_EVENT,
	TEL_NAMES_OWNER,
	TEL_NAMES_PRES,
};

#define TEL_NAMES_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/**
 * tel_name_table() - a table of names
 * @kind: which
 * @count: returned: its length
 *
 * Return: the table, in the order of the values; NULL (and *@count 0)
 * for an unknown @kind.
 */
static inline const struct tel_name *tel_name_table(enum tel_name_kind kind,
						    unsigned int *count)
{
	static const struct tel_name states[] = {
		{ TEL_CALL_IDLE, "idle" },
		{ TEL_CALL_DIALING, "dialing" },
		{ TEL_CALL_RINGBACK, "ringback" },
		{ TEL_CALL_CONNECTED, "connected" },
		{ TEL_CALL_OFFERING, "offering" },
		{ TEL_CALL_DISCONNECTED, "disconnected" },
		{ TEL_CALL_ONHOLD, "onhold" },
		{ TEL_CALL_CONFERENCED, "conferenced" },
	};
	static const struct tel_name origins[] = {
		{ TEL_ORIGIN_NONE, "none" },
		{ TEL_ORIGIN_LOCAL, "local" },
		{ TEL_ORIGIN_APPLICATION, "application" },
		{ TEL_ORIGIN_REMOTE, "remote" },
		{ TEL_ORIGIN_HARDWARE, "hardware" },
		{ TEL_ORIGIN_TRANSFER, "transfer" },
	};
	static const struct tel_name directions[] = {
		{ TEL_DIR_OUTBOUND, "out" },
		{ TEL_DIR_INBOUND, "in" },
	};
	static const struct tel_name modes[] = {
		{ TEL_DISC_NORMAL, "normal" },
		{ TEL_DISC_UNKNOWN, "unknown" },
		{ TEL_DISC_REJECT, "reject" },
		{ TEL_DISC_FORWARDED, "forwarded" },
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
		{ TEL_DISC_TRANSFERRED, "transferred" },
	};
	static const struct tel_name events[] = {
		{ TEL_EVENT_STATE, "state" },
		{ TEL_EVENT_OFFER, "offer" },
		{ TEL_EVENT_CARD_GONE, "card_gone" },
		{ TEL_EVENT_OVERFLOW, "overflow" },
		{ TEL_EVENT_DIGIT, "digit" },
		{ TEL_EVENT_DIGITS_SENT, "digits_sent" },
		{ TEL_EVENT_FLASH, "flash" },
		{ TEL_EVENT_CALL_NEW, "call_new" },
		{ TEL_EVENT_CALL_DEALLOC, "call_dealloc" },
		{ TEL_EVENT_AUDIO_READY, "audio_ready" },
	};
	static const struct tel_name owners[] = {
		{ TEL_OWNER_FILE, "file" },
		{ TEL_OWNER_BRIDGE, "dahdi" },
		{ TEL_OWNER_HANDOFF, "handoff" },
	};
	static const struct tel_name presentations[] = {
		{ TEL_PRES_ALLOWED, "allowed" },
		{ TEL_PRES_RESTRICTED, "restricted" },
		{ TEL_PRES_UNAVAILABLE, "unavailable" },
	};

	switch (kind) {
	case TEL_NAMES_STATE:
		*count = TEL_NAMES_LEN(states);
		return states;
	case TEL_NAMES_ORIGIN:
		*count = TEL_NAMES_LEN(origins);
		return origins;
	case TEL_NAMES_DIRECTION:
		*count = TEL_NAMES_LEN(directions);
		return directions;
	case TEL_NAMES_DISC:
		*count = TEL_NAMES_LEN(modes);
		return modes;
	case TEL_NAMES_EVENT:
		*count = TEL_NAMES_LEN(events);
		return events;
	case TEL_NAMES_OWNER:
		*count = TEL_NAMES_LEN(owners);
		return owners;
	case TEL_NAMES_PRES:
		*count = TEL_NAMES_LEN(presentations);
		return presentations;
	}
	*count = 0;
	return NULL;
}

/**
 * tel_name() - the name of a value
 * @kind: which table
 * @value: the value
 *
 * Return: its name, or NULL if the table has no such value.
 */
static inline const char *tel_name(enum tel_name_kind kind, unsigned int value)
{
	unsigned int i, n;
	const struct tel_name *t = tel_name_table(kind, &n);

	for (i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return NULL;
}

#endif /* TEL_NAMES_H */
