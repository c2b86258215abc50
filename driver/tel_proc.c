// SPDX-License-Identifier: GPL-2.0
/*
 * tel_proc.c - /proc/driver/tel/calls: every call that still exists
 *
 * One header line, then one line per call, live or dropped and not yet
 * deallocated, whether an open file or the DAHDI bridge owns it
 * (the last column says which), whitespace separated, in a fixed column
 * order (Documentation/proc.rst).  The calls and their fields are those
 * of TEL_IOC_CALL_LIST (tel_list.c); this is the text for people and
 * scripts.  A dropped call keeps its final statistics
 * here until DEALLOC: this is where an administrator reads the statistics
 * of calls that have hung up.
 *
 * Phone numbers, the caller's name and the digits of a call (a PIN a
 * caller typed) are personal data: they are shown to the user who owns
 * the call and to CAP_SYS_ADMIN, as judged by the credentials of whoever
 * opened this file; everyone else sees "*" (tel_list_fill()).
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "tel.h"
#include "tel_list.h"
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

/*
 * A column of personal text (a number, the caller's name, digits): "*" if
 * hidden, "-" if empty; spaces, tabs, newlines and backslashes as octal
 * escapes (\040), as /proc/mounts does, so a column never holds a space
 * and every column unescapes the same way.
 */
static void tel_proc_text(struct seq_file *m,
			  const struct tel_call_list_entry *e,
			  const char *text)
{
	seq_putc(m, ' ');
	if (e->flags & TEL_LIST_F_HIDDEN)
		seq_putc(m, '*');
	else if (!text[0])
		seq_putc(m, '-');
	else
		seq_escape(m, text, " \t\n\\");
}

static void tel_proc_call(struct seq_file *m, struct tel_call *call)
{
	const struct tel_call_party *party = &call->party;
	struct tel_call_list_entry e;

	tel_list_fill(call, m->file, &e);
	seq_printf(m, "%u %u %u %d %u %s %s %s %s %llu %llu %llu %llu %llu %llu %llu %u",
		   e.card, e.channel, e.handle, e.pid, e.uid,
		   tel_state_name(e.state),
		   tel_name_or(TEL_NAMES_DIRECTION, e.direction,
			       TEL_NAME_UNKNOWN),
		   tel_name_or(TEL_NAMES_ORIGIN, e.origin, TEL_NAME_UNKNOWN),
		   tel_mode_name(e.disconnect_mode),
		   div_u64(e.duration_ns, NSEC_PER_MSEC),
		   e.rx_frames, e.tx_frames, e.rx_bytes, e.tx_bytes,
		   e.rx_overruns, e.tx_underruns, e.dma_bytes);
	tel_proc_text(m, &e, e.called);
	tel_proc_text(m, &e, e.calling);
	seq_printf(m, " %s",
		   tel_name_or(TEL_NAMES_OWNER, e.owner, TEL_NAME_UNKNOWN));
	/* the calling party's presentation: inbound calls only */
	seq_printf(m, " %s", e.direction != TEL_DIR_INBOUND ? TEL_NAME_NONE :
		   tel_name_or(TEL_NAMES_PRES, party->presentation,
			       TEL_NAME_UNKNOWN));
	tel_proc_text(m, &e, party->name);
	tel_proc_text(m, &e, party->digits_rx);
	tel_proc_text(m, &e, party->digits_tx);
	seq_printf(m, " %u %u\n", party->flashes, e.id);
}

static int tel_proc_calls_show(struct seq_file *m, void *v)
{
	struct tel_card *card;
	struct tel_call *call;

	seq_puts(m, "card chan handle pid uid state dir origin mode duration_ms rx_frames tx_frames rx_bytes tx_bytes overruns underruns dma_bytes called calling owner pres name digits_rx digits_tx flashes id\n");
	mutex_lock(&tel_cards_lock);
	list_for_each_entry(card, &tel_cards, node) {
		mutex_lock(&card->lock);
		list_for_each_entry(call, &card->calls, node)
			if (tel_list_shows(call))
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
