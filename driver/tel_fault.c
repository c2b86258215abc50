// SPDX-License-Identifier: GPL-2.0
/*
 * tel_fault.c - the driver's own allocation fault points
 *
 * Debian's kernels have no fault injection (no FAILSLAB, no
 * FAIL_PAGE_ALLOC), yet every allocation on the call path must be shown
 * to fail cleanly there too.  /sys/kernel/debug/tel/fail_alloc (root
 * only) is a countdown: write N and the Nth allocation from then on fails
 * as if the memory were not there; 0 turns it off.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>

#include "tel.h"

static atomic_t tel_fail_alloc = ATOMIC_INIT(0);
static struct dentry *tel_debugfs;

/* Should this allocation fail?  Counts down only while armed. */
bool tel_should_fail(void)
{
	return atomic_dec_if_positive(&tel_fail_alloc) == 0;
}

void tel_fault_init(void)
{
	tel_debugfs = debugfs_create_dir("tel", NULL);
	debugfs_create_atomic_t("fail_alloc", 0600, tel_debugfs,
				&tel_fail_alloc);
}

/* debugfs tel/: fail_alloc here, telN/ from tel_perf.c */
struct dentry *tel_debugfs_root(void)
{
	return tel_debugfs;
}

void tel_fault_exit(void)
{
	debugfs_remove_recursive(tel_debugfs);
}
