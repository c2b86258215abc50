// SPDX-License-Identifier: GPL-2.0
/*
 * tel_debugfs.c - /sys/kernel/debug/tel/ (root only): the driver's own
 * fault points, and what the audio path costs
 *
 * tel/fail_alloc: Debian's kernels have no fault injection (no FAILSLAB,
 * no FAIL_PAGE_ALLOC), yet every allocation on the call path must be
 * shown to fail cleanly there too.  It is a countdown: write N and the
 * Nth allocation from then on fails as if the memory were not there; 0
 * turns it off.
 *
 * tel/telN/perf counts, per card:
 *   - the tick interrupt: how many ran, how many frame ticks they
 *     covered, and the time spent in the handler (total and worst), with
 *     ktime_get_ns() at its entry and exit;
 *   - the latency the driver adds to received audio: for an audio read
 *     that had to sleep, the time from the entry of the tick interrupt
 *     that published the frame it was waiting for to the moment the data
 *     has been copied out, as a histogram in 50 us steps;
 *   - mailbox commands: how many, and the time from the doorbell to the
 *     completion the driver saw (the card's share of a control call);
 *   - slab bytes held by call objects and by rings copied out of DMA
 *     memory, next to dma_bytes (also in sysfs);
 *   - the control path (ALLOC, DROP, INFO, DEALLOC) by phase, one line
 *     "ctl NAME COUNT NS" each (enum tel_ctl_phase): ktime_get_ns()
 *     deltas taken around each phase where it runs, while the module
 *     parameter ctl_accounting is Y (off by default).  The mailbox is split
 *     at the entry of the command interrupt (cmd_irq_ns): doorbell to
 *     interrupt is the card's and the emulator's, interrupt to waiter
 *     running is the guest's wake-up.
 * Everything is a running total: readers take the difference of two
 * snapshots, nothing resets.  The figures and how they are used are in
 * Documentation/performance.rst.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/jump_label.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "tel.h"

/*
 * The control path by phase ("ctl" lines of telN/perf) is counted only
 * while the module parameter ctl_accounting is Y: off, each phase costs
 * a patched-out branch instead of two clock reads and two atomics.
 */
DEFINE_STATIC_KEY_FALSE(tel_ctl_acct_on);

static int tel_ctl_acct_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	if (on)
		static_branch_enable(&tel_ctl_acct_on);
	else
		static_branch_disable(&tel_ctl_acct_on);
	return 0;
}

static int tel_ctl_acct_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n",
			  static_key_enabled(&tel_ctl_acct_on) ? 'Y' : 'N');
}

static const struct kernel_param_ops tel_ctl_acct_ops = {
	.set = tel_ctl_acct_set,
	.get = tel_ctl_acct_get,
};
module_param_cb(ctl_accounting, &tel_ctl_acct_ops, NULL, 0644);
MODULE_PARM_DESC(ctl_accounting,
		 "time ALLOC, DROP, INFO and DEALLOC by phase (debugfs tel/telN/perf); off by default");

static atomic_t tel_fail_alloc = ATOMIC_INIT(0);
static atomic_t tel_fail_copyout = ATOMIC_INIT(0);
static struct dentry *tel_debugfs;

/* Should this allocation fail?  Counts down only while armed. */
bool tel_should_fail(void)
{
	return atomic_dec_if_positive(&tel_fail_alloc) == 0;
}

/*
 * Should the copy of ALLOC's or ANSWER's result to userspace fail, as if
 * another thread had unmapped the struct after it was found writable?
 * The same count-down, on its own counter (tel/fail_copyout).
 */
bool tel_should_fail_copyout(void)
{
	return atomic_dec_if_positive(&tel_fail_copyout) == 0;
}

void tel_debugfs_init(void)
{
	tel_debugfs = debugfs_create_dir("tel", NULL);
	debugfs_create_atomic_t("fail_alloc", 0600, tel_debugfs,
				&tel_fail_alloc);
	debugfs_create_atomic_t("fail_copyout", 0600, tel_debugfs,
				&tel_fail_copyout);
}

void tel_debugfs_exit(void)
{
	debugfs_remove_recursive(tel_debugfs);
}

/* ---- tel/telN/perf ---- */

/*
 * Called at the entry of the tick interrupt, before readers are woken;
 * @gen is the value audio_gen will have.  Generations are taken as u32:
 * audio_gen wraps (after about 25 days at 1000 ticks a second) and must
 * index the ring the same way on both sides of the wrap.
 */
u64 tel_perf_tick_begin(struct tel_card *card, u32 gen)
{
	struct tel_perf_stamp *s = &card->perf.stamp[gen % TEL_PERF_STAMPS];
	u64 now = ktime_get_ns();

	/* a reader that sees the same gen before and after has a valid ns */
	WRITE_ONCE(s->gen, gen - TEL_PERF_STAMPS);
	smp_wmb();	/* slot marked stale before ns changes; pairs with tel_perf_wake() */
	WRITE_ONCE(s->ns, now);
	smp_wmb();	/* ns written before the slot is marked valid for gen */
	WRITE_ONCE(s->gen, gen);
	return now;
}

/* Called at the exit of the tick interrupt.  One CPU at a time. */
void tel_perf_tick_end(struct tel_card *card, u64 begin)
{
	struct tel_perf *p = &card->perf;
	u32 ticks = tel_win_read(card, TEL_STATUS_TICKS);
	u64 ns = ktime_get_ns() - begin;

	WRITE_ONCE(p->tick_irqs, p->tick_irqs + 1);
	WRITE_ONCE(p->tick_frames, p->tick_frames + (u32)(ticks - p->last_ticks));
	p->last_ticks = ticks;
	WRITE_ONCE(p->tick_ns, p->tick_ns + ns);
	if (ns > p->tick_max_ns)
		WRITE_ONCE(p->tick_max_ns, ns);
}

/*
 * An audio read that slept from generation @gen got data: the data came
 * with tick @gen + 1.  Counts how long it took from that tick's interrupt
 * to here, unless eight more ticks overwrote its stamp meanwhile (then
 * the sample is dropped, and counted as such).
 */
void tel_perf_wake(struct tel_card *card, u32 gen)
{
	struct tel_perf *p = &card->perf;
	struct tel_perf_stamp *s;
	u32 want = gen + 1, g;
	u64 ns, now;

	s = &p->stamp[want % TEL_PERF_STAMPS];
	g = READ_ONCE(s->gen);
	smp_rmb();	/* gen before ns; pairs with tel_perf_tick_begin() */
	ns = READ_ONCE(s->ns);
	smp_rmb();	/* ns before gen is checked again */
	now = ktime_get_ns();
	if (g != want || READ_ONCE(s->gen) != want || now < ns) {
		atomic64_inc(&p->wake_stale);
		return;
	}
	ns = now - ns;
	atomic64_inc(&p->wake_samples);
	atomic64_add(ns, &p->wake_ns);
	atomic_inc(&p->wake_hist[min_t(u64, div_u64(ns, TEL_PERF_BUCKET_NS),
				       TEL_PERF_BUCKETS)]);
}

/* Slab bytes of an object of @size, as kmalloc() rounds it. */
long tel_perf_slab_size(size_t size)
{
	return kmalloc_size_roundup(size);
}

/* enum tel_ctl_phase, in order */
static const char * const tel_ctl_names[TEL_CTL_PHASES] = {
	[TEL_CTL_IOC_ALLOC] = "ioc_alloc",
	[TEL_CTL_IOC_DROP] = "ioc_drop",
	[TEL_CTL_IOC_INFO] = "ioc_info",
	[TEL_CTL_IOC_DEALLOC] = "ioc_dealloc",
	[TEL_CTL_CALL_ALLOC] = "call_alloc",
	[TEL_CTL_RING_ALLOC] = "ring_alloc",
	[TEL_CTL_ID_ALLOC] = "id_alloc",
	[TEL_CTL_CALL_INIT] = "call_init",
	[TEL_CTL_HANDLE_ALLOC] = "handle_alloc",
	[TEL_CTL_HANDLE_PUBLISH] = "handle_publish",
	[TEL_CTL_NOTIFY_NEW] = "notify_new",
	[TEL_CTL_NOTIFY_STATE] = "notify_state",
	[TEL_CTL_NOTIFY_DEALLOC] = "notify_dealloc",
	[TEL_CTL_CMD_SETUP] = "cmd_setup",
	[TEL_CTL_CMD_DOORBELL] = "cmd_doorbell",
	[TEL_CTL_CMD_IRQ] = "cmd_irq",
	[TEL_CTL_CMD_WAKE] = "cmd_wake",
	[TEL_CTL_CMD_NOIRQ] = "cmd_noirq",
	[TEL_CTL_HANGUP_EVENTS] = "hangup_events",
	[TEL_CTL_UNBIND] = "unbind",
	[TEL_CTL_DROP_STATE] = "drop_state",
	[TEL_CTL_DROP_WAKE] = "drop_wake",
	[TEL_CTL_INFO_FILL] = "info_fill",
	[TEL_CTL_HANDLE_ERASE] = "handle_erase",
	[TEL_CTL_ID_ERASE] = "id_erase",
	[TEL_CTL_RING_FREE] = "ring_free",
	[TEL_CTL_CALL_FREE] = "call_free",
};

static int tel_perf_show(struct seq_file *m, void *unused)
{
	struct tel_card *card = m->private;
	struct tel_perf *p = &card->perf;
	u64 wm_checks, wm_events;
	unsigned int wm_armed;
	int i;

	seq_printf(m, "tick_irqs %llu\n", READ_ONCE(p->tick_irqs));
	seq_printf(m, "tick_frames %llu\n", READ_ONCE(p->tick_frames));
	seq_printf(m, "tick_ns %llu\n", READ_ONCE(p->tick_ns));
	seq_printf(m, "tick_max_ns %llu\n", READ_ONCE(p->tick_max_ns));
	seq_printf(m, "wake_samples %lld\n",
		   (long long)atomic64_read(&p->wake_samples));
	seq_printf(m, "wake_stale %lld\n",
		   (long long)atomic64_read(&p->wake_stale));
	seq_printf(m, "wake_ns %lld\n", (long long)atomic64_read(&p->wake_ns));
	seq_printf(m, "wake_hist_step_ns %u\n", TEL_PERF_BUCKET_NS);
	seq_puts(m, "wake_hist");
	for (i = 0; i <= TEL_PERF_BUCKETS; i++)
		seq_printf(m, " %d", atomic_read(&p->wake_hist[i]));
	seq_putc(m, '\n');
	mutex_lock(&card->cmd_lock);
	seq_printf(m, "cmds %llu\n", p->cmds);
	seq_printf(m, "cmd_ns %llu\n", p->cmd_ns);
	mutex_unlock(&card->cmd_lock);
	mutex_lock(&card->evq_lock);
	seq_printf(m, "ev_runs %llu\n", p->ev_runs);
	seq_printf(m, "events %llu\n", p->events);
	seq_printf(m, "ev_ns %llu\n", p->ev_ns);
	mutex_unlock(&card->evq_lock);
	mutex_lock(&card->lock);
	spin_lock_irq(&card->wm_lock);
	wm_armed = card->wm_armed;
	wm_checks = card->wm_checks;
	wm_events = card->wm_events;
	spin_unlock_irq(&card->wm_lock);
	seq_printf(m, "wm_armed %u\n", wm_armed);
	seq_printf(m, "wm_checks %llu\n", wm_checks);
	seq_printf(m, "wm_events %llu\n", wm_events);
	seq_printf(m, "calls %u\n", card->nr_calls);
	seq_printf(m, "dma_bytes %lu\n", card->dma_bytes);
	seq_printf(m, "slab_bytes %lu\n", card->slab_bytes);
	mutex_unlock(&card->lock);
	for (i = 0; i < TEL_CTL_PHASES; i++)
		seq_printf(m, "ctl %s %lld %lld\n", tel_ctl_names[i],
			   (long long)atomic64_read(&p->ctl[i].n),
			   (long long)atomic64_read(&p->ctl[i].ns));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tel_perf);

void tel_perf_card_add(struct tel_card *card)
{
	card->perf.last_ticks = tel_win_read(card, TEL_STATUS_TICKS);
	card->perf.dir = debugfs_create_dir(dev_name(&card->dev),
					    tel_debugfs);
	debugfs_create_file("perf", 0400, card->perf.dir, card,
			    &tel_perf_fops);
}

/* Before the card's name can be given to another card. */
void tel_perf_card_remove(struct tel_card *card)
{
	debugfs_remove_recursive(card->perf.dir);
	card->perf.dir = NULL;
}
