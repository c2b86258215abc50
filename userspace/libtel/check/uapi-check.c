// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * uapi-check.c - print every constant libtel.h defines for applications,
 * with its value: built once against libtel's private copy of the
 * kernel's uAPI header (-DFROM_UAPI) and once against libtel.h alone.
 * The Makefile fails the build when the two outputs differ.  The names
 * come from driver/tel_names.h's tables, so a value added there is checked
 * too; the few constants outside them are listed here.
 */
#include <stddef.h>
#include <stdio.h>

#ifdef FROM_UAPI
#include "../uapi/linux/tel.h"
#else
#include "../libtel.h"
#endif
#include "../../../driver/tel_names.h"

#define SHOW(c)	printf("%s %#llx\n", #c, (unsigned long long)(c))

int main(void)
{
	static const char *const kinds[] = {
		"state", "origin", "direction", "disc", "event", "owner",
		"presentation",
	};
	unsigned int kind, i, n;

	for (kind = TEL_NAMES_STATE; kind <= TEL_NAMES_PRES; kind++) {
		const struct tel_name *t = tel_name_table(kind, &n);

		for (i = 0; i < n; i++)
			printf("%s %s %#x\n", kinds[kind], t[i].name,
			       t[i].value);
	}
	SHOW(TEL_NUMBER_LEN);
	SHOW(TEL_CHANNEL_ANY);
	SHOW(TEL_ANSWER_F_ACCEPT);
	SHOW(TEL_AUDIO_F_WAIT);
	SHOW(TEL_DIGITS_MAX);
	SHOW(TEL_NAME_LEN);
	SHOW(TEL_DIGITS_LOG_LEN);
	SHOW(TEL_MONITOR_F_DIGITS);
	SHOW(TEL_MONITOR_F_MUTE);
	SHOW(TEL_FEAT_CALL_LIST);
	SHOW(TEL_FEAT_DIGITS);
	SHOW(TEL_FEAT_CALLER_ID);
	SHOW(TEL_FEAT_FLASH);
	SHOW(TEL_FEAT_CALL_PARTY);
	SHOW(TEL_FEAT_HANDOFF);
	SHOW(TEL_FEAT_MONITOR);
	SHOW(TEL_CALL_F_HIDDEN);
	SHOW(TEL_FEAT_HOLD);
	SHOW(TEL_FEAT_TAP);
	SHOW(TEL_FEAT_WATERMARK);
	SHOW(TEL_FEAT_MMAP);
	SHOW(TEL_EVENT_AUDIO_READY);
	SHOW(TEL_WATERMARK_RX);
	SHOW(TEL_WATERMARK_TX);
	SHOW(TEL_FEAT_REDIRECT);
	SHOW(TEL_FEAT_CONFERENCE);
	SHOW(TEL_FEAT_TRANSFER);
	SHOW(TEL_FEAT_CONSULT);
	SHOW(TEL_FEAT_CONF_PARTY);
	return 0;
}
