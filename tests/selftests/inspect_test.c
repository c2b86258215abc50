// SPDX-License-Identifier: GPL-2.0
/*
 * inspect_test.c - sysfs and /proc/driver/tel/calls agree with the calls,
 * with TEL_IOC_CALL_INFO and with what the emulator did: while calls run,
 * after a remote hangup, after DROP, after DEALLOC, after close; as root
 * and as unprivileged users; on two cards.  And the audio-path accounting
 * in debugfs (tel/telN/perf).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include "tel_test.h"
#include "kselftest_harness.h"

static int proc_lines_of(int pid)
{
	FILE *f = fopen("/proc/driver/tel/calls", "r");
	char line[512];
	int n = 0, p;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %*u %d", &p) == 1 && p == pid)
			n++;
	fclose(f);
	return n;
}

static const char *sysfs_str(int card, const char *attr, char *buf,
			     size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/%s", card, attr);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return buf;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return buf;
}

static void check_channel(struct __test_metadata *_metadata, int card,
			  int ch, const char *state, const char *hook,
			  int held, int owner)
{
	char attr[32], buf[32];

	snprintf(attr, sizeof(attr), "ch%d/state", ch);
	EXPECT_STREQ(state, sysfs_str(card, attr, buf, sizeof(buf)));
	snprintf(attr, sizeof(attr), "ch%d/hook", ch);
	EXPECT_STREQ(hook, sysfs_str(card, attr, buf, sizeof(buf)));
	snprintf(attr, sizeof(attr), "ch%d/held", ch);
	EXPECT_EQ(held, tel_sysfs_num(card, attr));
	snprintf(attr, sizeof(attr), "ch%d/owner_pid", ch);
	EXPECT_EQ(owner, tel_sysfs_num(card, attr));
}

/* The /proc line says what INFO says. */
static void check_proc_matches_info(struct __test_metadata *_metadata,
				    int fd, uint32_t h)
{
	struct tel_call_info info;
	struct proc_line p;

	ASSERT_EQ(0, tel_info(fd, h, &info));
	ASSERT_EQ(1, proc_find(info.card, h, getpid(), &p));
	EXPECT_EQ(info.channel, p.chan);
	EXPECT_EQ(0, p.uid);
	EXPECT_STREQ(info.direction == TEL_DIR_INBOUND ? "in" : "out", p.dir);
	EXPECT_EQ(info.rx_frames, p.rx_frames);
	EXPECT_EQ(info.tx_frames, p.tx_frames);
	EXPECT_EQ(info.rx_bytes, p.rx_bytes);
	EXPECT_EQ(info.tx_bytes, p.tx_bytes);
	EXPECT_EQ(info.rx_overruns, p.overruns);
	EXPECT_EQ(info.tx_underruns, p.underruns);
	EXPECT_EQ(info.dma_bytes, p.dma_bytes);
	EXPECT_EQ(info.duration_ns / 1000000, p.duration_ms);
	EXPECT_STREQ(info.called[0] ? info.called : "-", p.called);
	EXPECT_STREQ(info.calling[0] ? info.calling : "-", p.calling);
}

FIXTURE(inspect) {
	int fd;
};

FIXTURE_SETUP(inspect)
{
	int ch;

	for (ch = 0; ch < 8; ch++) {
		emu_cmd(NULL, 0, "far 0 %d answer 20", ch);
		emu_cmd(NULL, 0, "far 1 %d answer 20", ch);
	}
	self->fd = tel_open_card(0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(inspect)
{
	close(self->fd);
}

TEST_F(inspect, card_state_and_zero_when_idle)
{
	char buf[32];

	EXPECT_STREQ("running", sysfs_str(0, "state", buf, sizeof(buf)));
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "active_calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dropped_calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dma_bytes"));
	EXPECT_LE(0, tel_sysfs_num(0, "missed_ticks"));
	check_channel(_metadata, 0, 0, "idle", "on", 0, -1);
	EXPECT_EQ(0, proc_lines_of(getpid()));
}

/* sysfs features: TEL_IOC_CARD_INFO's mask, bit by bit, as names */
TEST_F(inspect, features_named)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ TEL_FEAT_CALL_LIST, "call_list" },
		{ TEL_FEAT_DIGITS, "digits" },
		{ TEL_FEAT_CALLER_ID, "caller_id" },
		{ TEL_FEAT_FLASH, "flash" },
		{ TEL_FEAT_CALL_PARTY, "call_party" },
		{ TEL_FEAT_HANDOFF, "handoff" },
		{ TEL_FEAT_MONITOR, "monitor" },
		{ TEL_FEAT_TAP, "tap" },
		{ TEL_FEAT_HOLD, "hold" },
		{ TEL_FEAT_REDIRECT, "redirect" },
		{ TEL_FEAT_TRANSFER, "transfer" },
		{ TEL_FEAT_WATERMARK, "watermark" },
		{ TEL_FEAT_CONFERENCE, "conference" },
		{ TEL_FEAT_CONSULT, "consult" },
		{ TEL_FEAT_MMAP, "mmap" },
		{ TEL_FEAT_CONF_PARTY, "conf_party" },
	};
	struct tel_card_info info = { };
	char buf[192], want[192] = "";
	size_t i;

	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CARD_INFO, &info));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (info.features & names[i].bit)
			snprintf(want + strlen(want), sizeof(want) - strlen(want),
				 "%s%s", want[0] ? " " : "", names[i].name);
	EXPECT_STREQ(want, sysfs_str(0, "features", buf, sizeof(buf)));
	/* the emulated card has every function */
	EXPECT_STREQ("call_list digits caller_id flash call_party handoff monitor tap hold redirect transfer watermark conference consult mmap conf_party", buf);
}

TEST_F(inspect, while_call_runs)
{
	long irqs = tel_sysfs_num(0, "interrupts");
	struct proc_line p;
	uint32_t h;

	ASSERT_EQ(0, tel_alloc(self->fd, 0, "5550100", &h));
	ASSERT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	usleep(50 * 1000);
	EXPECT_EQ(1, tel_sysfs_num(0, "calls"));
	EXPECT_EQ(1, tel_sysfs_num(0, "active_calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dropped_calls"));
	EXPECT_EQ(4096, tel_sysfs_num(0, "dma_bytes"));
	EXPECT_LT(irqs, tel_sysfs_num(0, "interrupts"));
	check_channel(_metadata, 0, 0, "connected", "off", 1, getpid());

	ASSERT_EQ(1, proc_find(0, h, getpid(), &p));
	EXPECT_STREQ("connected", p.state);
	EXPECT_STREQ("none", p.origin);
	EXPECT_STREQ("-", p.mode);
	EXPECT_STREQ("5550100", p.called);
	EXPECT_EQ(4096, p.dma_bytes);
	EXPECT_LT(0, p.rx_frames);
}

TEST_F(inspect, after_remote_hangup)
{
	struct proc_line p;
	uint32_t h;

	ASSERT_EQ(0, tel_alloc(self->fd, 2, "5550102", &h));
	ASSERT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "hangup 0 2 busy"));
	ASSERT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_DISCONNECTED,
				    TEL_WAIT_MS));
	check_channel(_metadata, 0, 2, "disconnected", "off", 1, getpid());
	EXPECT_EQ(1, tel_sysfs_num(0, "active_calls"));
	ASSERT_EQ(1, proc_find(0, h, getpid(), &p));
	EXPECT_STREQ("disconnected", p.state);
	EXPECT_STREQ("remote", p.origin);
	EXPECT_STREQ("busy", p.mode);
	check_proc_matches_info(_metadata, self->fd, h);
}

TEST_F(inspect, after_drop_record_stays_until_dealloc)
{
	struct proc_line p;
	uint32_t h;
	uint8_t buf[400] = { };

	ASSERT_EQ(0, tel_alloc(self->fd, 1, "5550101", &h));
	ASSERT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ((int)sizeof(buf), tel_audio(self->fd, TEL_IOC_CALL_WRITE, h,
					      buf, sizeof(buf), 0));
	usleep(100 * 1000);
	ASSERT_EQ(0, tel_drop(self->fd, h, 7));

	EXPECT_EQ(1, tel_sysfs_num(0, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "active_calls"));
	EXPECT_EQ(1, tel_sysfs_num(0, "dropped_calls"));
	EXPECT_EQ(4096, tel_sysfs_num(0, "dma_bytes"));
	check_channel(_metadata, 0, 1, "idle", "on", 0, -1);

	ASSERT_EQ(1, proc_find(0, h, getpid(), &p));
	EXPECT_STREQ("idle", p.state);
	EXPECT_STREQ("application", p.origin);
	EXPECT_STREQ("normal", p.mode);
	EXPECT_EQ(50, p.tx_frames);	/* 400 bytes written = 50 frames */
	check_proc_matches_info(_metadata, self->fd, h);

	ASSERT_EQ(0, tel_dealloc(self->fd, h));
	EXPECT_EQ(0, proc_find(0, h, getpid(), &p));
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dropped_calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dma_bytes"));
}

TEST_F(inspect, offered_channel)
{
	struct tel_event ev;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer 0 6 5550199"));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OFFER, &ev,
				    TEL_WAIT_MS));
	check_channel(_metadata, 0, 6, "ringing", "on", 0, -1);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "cancel 0 6"));
}

TEST_F(inspect, after_close_everything_returns_to_zero)
{
	int fd = tel_open_card(0);
	struct tel_call_answer ans = { .channel = 5 };
	struct tel_event ev;
	uint32_t h;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tel_alloc(fd, 0, "1", &h));		/* live */
	ASSERT_EQ(0, tel_alloc(fd, 1, "2", &h));
	ASSERT_EQ(0, tel_drop(fd, h, 0));			/* dropped */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer 0 5 3"));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));	/* inbound */
	EXPECT_EQ(3, proc_lines_of(getpid()));
	EXPECT_EQ(2, tel_sysfs_num(0, "active_calls"));
	EXPECT_EQ(1, tel_sysfs_num(0, "dropped_calls"));
	close(fd);
	EXPECT_EQ(0, proc_lines_of(getpid()));
	EXPECT_EQ(0, tel_sysfs_num(0, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "active_calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dropped_calls"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dma_bytes"));
	check_channel(_metadata, 0, 5, "idle", "on", 0, -1);
}

/* The sum of the wake-up latency histogram's buckets. */
static long long perf_hist_sum(int card)
{
	char path[64], line[2048], *p, *end;
	long long sum = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/tel/tel%d/perf", card);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "wake_hist ", 10))
			continue;
		sum = 0;
		for (p = line + 10;; p = end) {
			long long v = strtoll(p, &end, 10);

			if (end == p)
				break;
			sum += v;
		}
	}
	fclose(f);
	return sum;
}

/* debugfs tel/telN/perf counts ticks, commands, wake-ups and memory. */
TEST_F(inspect, perf_accounting)
{
	long long irqs, frames, ns, cmds, woken, calls, dma, slab;
	uint8_t buf[64];
	uint32_t h;
	int n, tries;

	irqs = tel_perf_num(0, "tick_irqs");
	frames = tel_perf_num(0, "tick_frames");
	ns = tel_perf_num(0, "tick_ns");
	cmds = tel_perf_num(0, "cmds");
	calls = tel_perf_num(0, "calls");
	dma = tel_perf_num(0, "dma_bytes");
	slab = tel_perf_num(0, "slab_bytes");
	ASSERT_LE(0, irqs);
	ASSERT_LE(0, slab);
	EXPECT_EQ(tel_perf_num(0, "wake_samples"), perf_hist_sum(0));
	EXPECT_EQ(50000, tel_perf_num(0, "wake_hist_step_ns"));

	ASSERT_EQ(0, tel_alloc(self->fd, 0, "5550100", &h));
	ASSERT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	EXPECT_EQ(calls + 1, tel_perf_num(0, "calls"));
	EXPECT_EQ(dma + 4096, tel_perf_num(0, "dma_bytes"));
	EXPECT_LT(slab, tel_perf_num(0, "slab_bytes"));
	EXPECT_LE(cmds + 1, tel_perf_num(0, "cmds"));	/* DIAL */

	/* an audio read that sleeps until the next tick is timed */
	woken = tel_perf_num(0, "wake_samples") + tel_perf_num(0, "wake_stale");
	for (tries = 0; tries < 100; tries++) {	/* a tick may come first */
		while (tel_audio(self->fd, TEL_IOC_CALL_READ, h, buf,
				 sizeof(buf), 0) > 0)
			;
		n = tel_audio(self->fd, TEL_IOC_CALL_READ, h, buf, sizeof(buf),
			      TEL_AUDIO_F_WAIT);
		ASSERT_LT(0, n);
		if (tel_perf_num(0, "wake_samples") + tel_perf_num(0, "wake_stale") > woken)
			break;
	}
	EXPECT_GT(100, tries);
	EXPECT_EQ(tel_perf_num(0, "wake_samples"), perf_hist_sum(0));

	usleep(100 * 1000);
	EXPECT_LT(irqs, tel_perf_num(0, "tick_irqs"));
	EXPECT_LE(tel_perf_num(0, "tick_irqs") - irqs,
		  tel_perf_num(0, "tick_frames") - frames);
	EXPECT_LT(ns, tel_perf_num(0, "tick_ns"));
	EXPECT_LT(0, tel_perf_num(0, "tick_max_ns"));

	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	EXPECT_EQ(dma + 4096, tel_perf_num(0, "dma_bytes"));	/* until DEALLOC */
	ASSERT_EQ(0, tel_dealloc(self->fd, h));
	EXPECT_EQ(calls, tel_perf_num(0, "calls"));
	EXPECT_EQ(dma, tel_perf_num(0, "dma_bytes"));
	EXPECT_EQ(slab, tel_perf_num(0, "slab_bytes"));
}

/* Card totals = what they were + the final counts of the calls since. */
TEST_F(inspect, card_totals_equal_sum_over_calls)
{
	long long rx0 = tel_sysfs_num(0, "rx_frames");
	long long tx0 = tel_sysfs_num(0, "tx_frames");
	long long ov0 = tel_sysfs_num(0, "rx_overruns");
	long long un0 = tel_sysfs_num(0, "tx_underruns");
	unsigned long long rx = 0, tx = 0, ov = 0, un = 0;
	uint8_t buf[160] = { };
	int i;

	for (i = 0; i < 3; i++) {
		struct tel_call_info info;
		uint32_t h;

		ASSERT_EQ(0, tel_alloc(self->fd, i, "100", &h));
		ASSERT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_CONNECTED,
					    TEL_WAIT_MS));
		ASSERT_LT(0, tel_audio(self->fd, TEL_IOC_CALL_WRITE, h, buf,
				       sizeof(buf), 0));
		usleep((i + 1) * 100 * 1000);	/* underruns, overruns */
		ASSERT_EQ(0, tel_drop(self->fd, h, 0));
		ASSERT_EQ(0, tel_info(self->fd, h, &info));
		rx += info.rx_frames;
		tx += info.tx_frames;
		ov += info.rx_overruns;
		un += info.tx_underruns;
		ASSERT_EQ(0, tel_dealloc(self->fd, h));
	}
	EXPECT_LT(0, un);
	EXPECT_EQ(rx0 + rx, tel_sysfs_num(0, "rx_frames"));
	EXPECT_EQ(tx0 + tx, tel_sysfs_num(0, "tx_frames"));
	EXPECT_EQ(ov0 + ov, tel_sysfs_num(0, "rx_overruns"));
	EXPECT_EQ(un0 + un, tel_sysfs_num(0, "tx_underruns"));
	EXPECT_EQ(0, tel_sysfs_num(0, "dma_bytes"));
}

TEST_F(inspect, two_cards_counted_apart)
{
	int fd1 = tel_open_card(1);
	struct proc_line p;
	uint32_t h0, h1;

	ASSERT_LE(0, fd1);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "far 1 3 noanswer"));
	ASSERT_EQ(0, tel_alloc(self->fd, 2, "200", &h0));
	ASSERT_EQ(0, tel_alloc(fd1, 3, "201", &h1));
	EXPECT_EQ(1, tel_sysfs_num(0, "calls"));
	EXPECT_EQ(1, tel_sysfs_num(1, "calls"));
	EXPECT_EQ(4096, tel_sysfs_num(1, "dma_bytes"));
	ASSERT_EQ(0, tel_wait_state(fd1, h1, TEL_CALL_RINGBACK, TEL_WAIT_MS));
	check_channel(_metadata, 1, 3, "ringing", "off", 1, getpid());
	ASSERT_EQ(1, proc_find(1, h1, getpid(), &p));
	EXPECT_EQ(3, p.chan);
	EXPECT_STREQ("201", p.called);
	ASSERT_EQ(1, proc_find(0, h0, getpid(), &p));
	EXPECT_EQ(2, p.chan);
	close(fd1);
	EXPECT_EQ(0, tel_sysfs_num(1, "calls"));
	EXPECT_EQ(1, tel_sysfs_num(0, "calls"));
}

struct seen {
	int card;
	uint32_t handle;
	int pid;
	const char *want;
};

static int sees_number(void *arg)
{
	struct seen *s = arg;
	struct proc_line p;

	if (proc_find(s->card, s->handle, s->pid, &p) != 1)
		return 2;
	return strcmp(p.called, s->want) ? 1 : 0;
}

TEST_F(inspect, numbers_hidden_from_other_users)
{
	struct seen s = { .card = 0, .pid = getpid() };
	struct proc_line p;

	ASSERT_EQ(0, tel_alloc(self->fd, 4, "5550104", &s.handle));
	ASSERT_EQ(1, proc_find(0, s.handle, getpid(), &p));
	EXPECT_STREQ("5550104", p.called);	/* root: CAP_SYS_ADMIN */
	s.want = "*";
	EXPECT_EQ(0, as_user(65534, sees_number, &s));	/* not the owner */
}

struct owner_ctx {
	int pipe_ready[2], pipe_done[2];
};

static int owner_child(void *arg)
{
	struct owner_ctx *o = arg;
	struct seen s = { .card = 0, .pid = getpid(), .want = "5550105" };
	char c = 0;
	int fd = tel_open_card(0);

	if (fd < 0 || tel_alloc(fd, 5, "5550105", &s.handle))
		return 10;
	if (sees_number(&s))			/* the owner sees its number */
		return 11;
	if (write(o->pipe_ready[1], &s.handle, sizeof(s.handle)) !=
	    sizeof(s.handle))
		return 12;
	if (read(o->pipe_done[0], &c, 1) != 1)
		return 13;
	close(fd);
	return 0;
}

TEST_F(inspect, numbers_shown_to_owning_user)
{
	struct owner_ctx o;
	struct proc_line p;
	struct seen s = { .card = 0 };
	struct stat st;
	pid_t pid;
	int status;

	ASSERT_EQ(0, stat("/dev/tel0", &st));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "far 0 5 noanswer"));
	ASSERT_EQ(0, chmod("/dev/tel0", 0666));
	ASSERT_EQ(0, pipe(o.pipe_ready));
	ASSERT_EQ(0, pipe(o.pipe_done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(100);
		_exit(owner_child(&o));
	}
	ASSERT_EQ(sizeof(s.handle), read(o.pipe_ready[0], &s.handle,
					  sizeof(s.handle)));
	s.pid = pid;
	ASSERT_EQ(1, proc_find(0, s.handle, pid, &p));
	EXPECT_EQ(65534, p.uid);
	EXPECT_STREQ("5550105", p.called);	/* root sees it */
	s.want = "*";
	EXPECT_EQ(0, as_user(65533, sees_number, &s));	/* another user */
	usleep(50 * 1000);	/* the far end rings within a tick */
	check_channel(_metadata, 0, 5, "ringing", "off", 1, pid);

	ASSERT_EQ(1, write(o.pipe_done[1], "x", 1));
	waitpid(pid, &status, 0);
	chmod("/dev/tel0", st.st_mode & 07777);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, proc_lines_of(pid));
}

TEST_HARNESS_MAIN
