// SPDX-License-Identifier: GPL-2.0
/*
 * tel_proc.c - /proc/driver/tel/calls: every call that still exists
 *
 * One header line, then one line per call, live or dropped and not yet
 * deallocated, whitespace separated, in a fixed column order
 * (Documentation/proc.rst).  A dropped call keeps its final statistics
 * here until DEALLOC: this is where an administrator reads the statistics
 * of calls that have hung up.
 *
 * Phone numbers are personal data: they are shown to the user who owns the
 * call and to CAP_SYS_ADMIN, as judged by the credentials of whoever
 * opened this file; everyone else sees "*".
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uidgid.h>

#include "tel.h"
#include "tel_names.h"

static struct proc_dir_entry *tel_proc_dir;

/* A name for every value: one the table lacks must not hide the call. */
static const char *tel_name_or(enum tel_name_kind kind, u32 value,
			       const char *fallback)
{
	const char *name = tel_name(kind, value);

	return name ? name : fallback;
}

const char *tel_state_name(u32 state)
{
	return tel_name_or(TEL_NAMES_STATE, state, TEL_NAME_UNKNOWN);
}

static const char *tel_mode_name(u32 mode)
{
	return mode ? tel_name_or(TEL_NAMES_DISC, mode, TEL_NAME_OTHER) :
		      TEL_NAME_NONE;
}

static const char *tel_number(const char *number, bool visible)
{
	if (!visible)
		return "*";
	return number[0] ? number : "-";
}

static void tel_proc_call(struct seq_file *m, struct tel_call *call)
{
	const struct cred *cred = m->file->f_cred;
	struct tel_call_info info;
	bool visible;

	tel_call_fill_info(call, &info);
	visible = uid_eq(cred->fsuid, call->owner_uid) ||
		  file_ns_capable(m->file, &init_user_ns, CAP_SYS_ADMIN);
	seq_printf(m, "%u %u %u %d %u %s %s %s %s %llu %llu %llu %llu %llu %llu %llu %u %s %s\n",
		   info.card, info.channel, info.handle,
		   pid_vnr(call->owner_pid),
		   from_kuid_munged(seq_user_ns(m), call->owner_uid),
		   tel_state_name(info.state),
		   tel_name_or(TEL_NAMES_DIRECTION, info.direction,
			       TEL_NAME_UNKNOWN),
		   tel_name_or(TEL_NAMES_ORIGIN, info.origin, TEL_NAME_UNKNOWN),
		   tel_mode_name(info.disconnect_mode),
		   div_u64(info.duration_ns, NSEC_PER_MSEC),
		   info.rx_frames, info.tx_frames, info.rx_bytes, info.tx_bytes,
		   info.rx_overruns, info.tx_underruns, info.dma_bytes,
		   tel_number(info.called, visible),
		   tel_number(info.calling, visible));
}

static int tel_proc_calls_show(struct seq_file *m, void *v)
{
	struct tel_card *card;
	struct tel_call *call;

	seq_puts(m, "card chan handle pid uid state dir origin mode duration_ms rx_frames tx_frames rx_bytes tx_bytes overruns underruns dma_bytes called calling\n");
	mutex_lock(&tel_cards_lock);
	list_for_each_entry(card, &tel_cards, node) {
		mutex_lock(&card->lock);
		list_for_each_entry(call, &card->calls, node)
			if (call->handle && call->file)
				tel_proc_call(m, call);
		mutex_unlock(&card->lock);
	}
	mutex_unlock(&tel_cards_lock);
	return 0;
}

int tel_proc_init(void)
{
	tel_proc_dir = proc_mkdir("driver/tel", NULL);
	if (!tel_proc_dir)
		return -ENOMEM;
	if (!proc_create_single("calls", 0444, tel_proc_dir,
				tel_proc_calls_show)) {
		proc_remove(tel_proc_dir);
		return -ENOMEM;
	}
	return 0;
}

void tel_proc_exit(void)
{
	proc_remove(tel_proc_dir);
}
