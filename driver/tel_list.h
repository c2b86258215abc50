/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tel_list.h - the calls of a card as TEL_IOC_CALL_LIST and
 * /proc/driver/tel/calls both show them (tel_list.c)
 */
#ifndef TEL_LIST_H
#define TEL_LIST_H

#include <linux/fs.h>
#include <linux/tel.h>

struct cred;
struct tel_call;

bool tel_may_see(const struct cred *cred, bool admin,
		 const struct tel_call *call);
bool tel_viewer_is_admin(const struct file *opener);
bool tel_list_shows(struct tel_call *call);
void tel_list_fill(struct tel_call *call, const struct file *opener,
		   struct tel_call_list_entry *e);

#endif /* TEL_LIST_H */
