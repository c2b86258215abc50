/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tel_test.h - helpers shared by the tel selftests (run in the VM)
 *
 * The emulator's control port is the virtio-serial device named in
 * $TEL_EMU_CTL (tests/vm/run sets it).  One request line, one reply line;
 * see Documentation/card.rst for the commands.
 */
#ifndef TEL_TEST_H
#define TEL_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/tel.h>

#define TEL_WAIT_MS	10000	/* upper bound for things that take ms */

/* multimon-ng and sox are there: tel_dtmf_decode() can run. */
static inline bool tel_have_dtmf_decoder(void)
{
	return !system("command -v multimon-ng >/dev/null && command -v sox >/dev/null");
}

/*
 * The DTMF digits in @len bytes of 8 kHz mu-law audio, as multimon-ng
 * (fed 22,050 Hz s16 by sox) hears them: a decoder neither the card nor
 * the emulated far end is built on.  @heard gets them, NUL terminated.
 * 0, or -1 if the tools could not be run.
 */
static inline int tel_dtmf_decode(const uint8_t *audio, size_t len,
				  char *heard, size_t size)
{
	char ul[] = "/tmp/tel_dtmf_XXXXXX", raw[sizeof(ul) + 4], cmd[512];
	char line[256];
	size_t n = 0;
	FILE *f;
	int fd = mkstemp(ul);

	heard[0] = '\0';
	if (fd < 0)
		return -1;
	if (write(fd, audio, len) != (ssize_t)len) {
		close(fd);
		unlink(ul);
		return -1;
	}
	close(fd);
	snprintf(raw, sizeof(raw), "%s.raw", ul);
	snprintf(cmd, sizeof(cmd),
		 "sox -t ul -r 8000 -c 1 %s -t raw -e signed -b 16 -r 22050 %s && "
		 "multimon-ng -q -c -a DTMF -t raw %s 2>/dev/null", ul, raw, raw);
	f = popen(cmd, "r");
	if (f) {
		while (fgets(line, sizeof(line), f) && n < size - 1)
			if (!strncmp(line, "DTMF: ", 6))
				heard[n++] = line[6];
		heard[n] = '\0';
		pclose(f);
	}
	unlink(ul);
	unlink(raw);
	return f ? 0 : -1;
}

/* G.711 mu-law to linear (ITU-T G.711, bias 0x84): the tests' own. */
static inline int tel_ulaw_to_linear(uint8_t u)
{
	int t;

	u = ~u;
	t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
	return (u & 0x80) ? 0x84 - t : t - 0x84;
}

/*
 * A small DTMF detector of the tests' own, run in the guest on audio an
 * application read: Goertzel filters at the eight Q.23 frequencies over
 * blocks of 205 samples (25.6 ms, the classic choice at 8 kHz).  A block
 * holds a digit when its strongest row and column tone carry most of its
 * energy, each stands 8 dB above the others of its group, the twist is
 * within 8 dB and it is louder than about -40 dBm0; a digit is reported
 * once, after two such blocks in a row, and again only after a block
 * without it (Q.24: tones of 40 ms and more, pauses of 40 ms and more).
 * @heard gets the digits, NUL terminated.  Returns how many.
 */
static inline int tel_goertzel_dtmf(const uint8_t *audio, size_t len,
				    char *heard, size_t size)
{
	static const float freq[8] = { 697, 770, 852, 941,
				       1209, 1336, 1477, 1633 };
	static const char keys[4][5] = { "123A", "456B", "789C", "*0#D" };
	const int n = 205;
	char last = 0, cand = 0;
	size_t got = 0, pos;
	int run = 0;

	heard[0] = '\0';
	for (pos = 0; pos + n <= len; pos += n) {
		float s1[8] = { 0 }, s2[8] = { 0 }, pw[8], energy = 0;
		int i, k, r = 0, c = 4;
		char key = 0;

		for (i = 0; i < n; i++) {
			float x = tel_ulaw_to_linear(audio[pos + i]);

			energy += x * x;
			for (k = 0; k < 8; k++) {
				float co = 2.0f * cosf(2.0f * 3.14159265f *
						       freq[k] / 8000.0f);
				float s0 = x + co * s1[k] - s2[k];

				s2[k] = s1[k];
				s1[k] = s0;
			}
		}
		for (k = 0; k < 8; k++) {
			float co = 2.0f * cosf(2.0f * 3.14159265f * freq[k] /
					       8000.0f);

			pw[k] = s1[k] * s1[k] + s2[k] * s2[k] -
				co * s1[k] * s2[k];
		}
		for (k = 1; k < 4; k++) {
			if (pw[k] > pw[r])
				r = k;
			if (pw[k + 4] > pw[c])
				c = k + 4;
		}
		/* a tone of amplitude A: power (A n / 2)^2, energy n A^2 / 2 */
		if (energy > n * 2.0e4f &&
		    pw[r] + pw[c] > 0.6f * energy * n / 2 &&
		    pw[c] < 6.3f * pw[r] && pw[r] < 6.3f * pw[c]) {
			key = keys[r][c - 4];
			for (k = 0; k < 4; k++)
				if ((k != r && pw[k] * 6.3f > pw[r]) ||
				    (k + 4 != c && pw[k + 4] * 6.3f > pw[c]))
					key = 0;
		}
		if (key && key == cand) {
			run++;
		} else {
			cand = key;
			run = key ? 1 : 0;
		}
		if (!key)
			last = 0;
		if (run == 2 && key != last && got + 1 < size) {
			heard[got++] = key;
			heard[got] = '\0';
			last = key;
		}
	}
	return (int)got;
}

static inline uint64_t tel_test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Send one command to the emulator, read its one-line reply into @reply.
 * Returns 0 when the reply starts with "ok", -1 otherwise.
 */
static inline int emu_cmd(char *reply, size_t len, const char *fmt, ...)
{
	const char *path = getenv("TEL_EMU_CTL");
	char line[256], dummy[256];
	size_t got = 0;
	va_list ap;
	int fd, n, tries;

	if (!reply) {
		reply = dummy;
		len = sizeof(dummy);
	}
	reply[0] = '\0';
	if (!path)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';

	/* a virtio console port takes one opener at a time: wait our turn */
	for (tries = 0; (fd = open(path, O_RDWR | O_NOCTTY)) < 0; tries++) {
		if (errno != EBUSY || tries >= 2000)
			return -1;
		usleep(1000);
	}
	if (write(fd, line, n) != n) {
		close(fd);
		return -1;
	}
	while (got < len - 1) {
		ssize_t r = read(fd, reply + got, 1);

		if (r <= 0)
			break;
		if (reply[got] == '\n')
			break;
		got++;
	}
	reply[got] = '\0';
	close(fd);
	return strncmp(reply, "ok", 2) ? -1 : 0;
}

/* The value of key=value (or key="value") in an emulator reply. */
static inline const char *emu_val(const char *reply, const char *key,
				  char *out, size_t len)
{
	size_t klen = strlen(key);
	const char *p = reply;

	out[0] = '\0';
	while ((p = strstr(p, key))) {
		if ((p == reply || p[-1] == ' ') && p[klen] == '=') {
			const char *v = p + klen + 1;
			char end = ' ';
			size_t i = 0;

			if (*v == '"') {
				end = '"';
				v++;
			}
			while (v[i] && v[i] != end && v[i] != '\n' &&
			       i < len - 1) {
				out[i] = v[i];
				i++;
			}
			out[i] = '\0';
			return out;
		}
		p += klen;
	}
	return NULL;
}

static inline long emu_num(const char *reply, const char *key)
{
	char v[64];

	if (!emu_val(reply, key, v, sizeof(v)))
		return -1;
	return strtol(v, NULL, 0);
}

/* A hexadecimal value (CRCs) of an emulator reply. */
static inline unsigned long emu_hex(const char *reply, const char *key)
{
	char v[64];

	if (!emu_val(reply, key, v, sizeof(v)))
		return 0;
	return strtoul(v, NULL, 16);
}

/* One number from the emulator's "stats CARD CH" reply, -1 on error. */
static inline long emu_num_stat(int card, int ch, const char *key)
{
	/* the whole line: what a short read leaves, the next opener reads */
	char reply[2048];

	if (emu_cmd(reply, sizeof(reply), "stats %d %d", card, ch))
		return -1;
	return emu_num(reply, key);
}

/*
 * Wait until the emulated far end has played all its digits (one string
 * at a time: it answers busy meanwhile).
 */
static inline void emu_wait_far_idle(int card, int ch)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;

	while (emu_num_stat(card, ch, "far_playing") > 0 &&
	       tel_test_now_ms() < end)
		usleep(20000);
}

static inline int tel_open_card(int index)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/tel%d", index);
	return open(path, O_RDWR | O_CLOEXEC);
}

/* Wait for the next event of @type (others are skipped); 0 or -1. */
static inline int tel_wait_event(int fd, uint32_t type, struct tel_event *ev,
				 int timeout_ms)
{
	uint64_t end = tel_test_now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	for (;;) {
		int left = (int)(end - tel_test_now_ms());

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return -1;
		if (read(fd, ev, sizeof(*ev)) != sizeof(*ev))
			return -1;
		if (ev->type == type)
			return 0;
	}
}

/* Wait for STATE event of @handle reaching @state. */
static inline int tel_wait_state_event(int fd, uint32_t handle,
				       uint32_t state, struct tel_event *ev,
				       int timeout_ms)
{
	uint64_t end = tel_test_now_ms() + timeout_ms;

	while (tel_test_now_ms() < end) {
		if (tel_wait_event(fd, TEL_EVENT_STATE, ev,
				   (int)(end - tel_test_now_ms())))
			return -1;
		if (ev->handle == handle && ev->state == state)
			return 0;
	}
	return -1;
}

static inline int tel_info(int fd, uint32_t handle, struct tel_call_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return ioctl(fd, TEL_IOC_CALL_INFO, info);
}

/* Poll INFO until the call is in @state; 0 or -1. */
static inline int tel_wait_state(int fd, uint32_t handle, uint32_t state,
				 int timeout_ms)
{
	uint64_t end = tel_test_now_ms() + timeout_ms;
	struct tel_call_info info;

	while (tel_test_now_ms() < end) {
		if (tel_info(fd, handle, &info))
			return -1;
		if (info.state == state)
			return 0;
		usleep(2000);
	}
	return -1;
}

static inline int tel_alloc(int fd, uint32_t channel, const char *number,
			    uint32_t *handle)
{
	struct tel_call_alloc req = { .channel = channel };
	int ret;

	strncpy(req.number, number, sizeof(req.number) - 1);
	ret = ioctl(fd, TEL_IOC_CALL_ALLOC, &req);
	if (!ret && handle)
		*handle = req.handle;
	return ret;
}

static inline int tel_drop(int fd, uint32_t handle, uint32_t reason)
{
	struct tel_call_drop req = { .handle = handle, .reason = reason };

	return ioctl(fd, TEL_IOC_CALL_DROP, &req);
}

static inline int tel_dealloc(int fd, uint32_t handle)
{
	struct tel_call_dealloc req = { .handle = handle };

	return ioctl(fd, TEL_IOC_CALL_DEALLOC, &req);
}

static inline int tel_audio(int fd, unsigned long cmd, uint32_t handle,
			    void *buf, uint32_t len, uint32_t flags)
{
	struct tel_call_audio req = {
		.handle = handle,
		.flags = flags,
		.buf = (uintptr_t)buf,
		.len = len,
	};

	if (ioctl(fd, cmd, &req))
		return -1;
	return (int)req.len;
}

/* A sysfs file's text, trailing newlines cut; 0, or -1 if unreadable. */
/*
 * One line of /proc/driver/tel/calls (Documentation/proc.rst), the
 * columns up to "owner" and those appended after it.
 */
struct proc_line {
	unsigned int card, chan, handle;
	int pid, uid;
	char state[16], dir[8], origin[16], mode[16];
	unsigned long long duration_ms, rx_frames, tx_frames, rx_bytes,
			   tx_bytes, overruns, underruns;
	unsigned int dma_bytes, flashes, id;
	char called[40], calling[40], owner[16], pres[16];
	char name[80], digits_rx[80], digits_tx[80];
};

#define PROC_HEADER "card chan handle pid uid state dir origin mode duration_ms rx_frames tx_frames rx_bytes tx_bytes overruns underruns dma_bytes called calling owner pres name digits_rx digits_tx flashes id"

/*
 * Find the line of (card, handle) owned by @pid: 1 found, 0 not, -1 an
 * error (no file, another header, a line that does not parse).
 */
static inline int proc_find(int card, uint32_t handle, int pid,
			    struct proc_line *out)
{
	FILE *f = fopen("/proc/driver/tel/calls", "r");
	char line[1024];
	int found = 0;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) ||
	    strncmp(line, PROC_HEADER "\n", sizeof(PROC_HEADER))) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct proc_line p;

		if (sscanf(line, "%u %u %u %d %d %15s %7s %15s %15s %llu %llu %llu %llu %llu %llu %llu %u %39s %39s %15s %15s %79s %79s %79s %u %u",
			   &p.card, &p.chan, &p.handle, &p.pid, &p.uid,
			   p.state, p.dir, p.origin, p.mode, &p.duration_ms,
			   &p.rx_frames, &p.tx_frames, &p.rx_bytes,
			   &p.tx_bytes, &p.overruns, &p.underruns,
			   &p.dma_bytes, p.called, p.calling, p.owner,
			   p.pres, p.name, p.digits_rx, p.digits_tx,
			   &p.flashes, &p.id) != 26 ||
		    strcmp(p.owner, "file")) {
			found = -1;
			break;
		}
		if ((int)p.card == card && p.handle == handle && p.pid == pid) {
			*out = p;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

/* Run @fn as @uid (no capabilities) in a child; its exit status. */
static inline int as_user(uid_t uid, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(100);
		_exit(fn(arg));
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static inline int tel_read_sysfs(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

/* A sysfs attribute of /sys/class/tel/telN as a number, -1 if absent. */
static inline int tel_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/*
 * Unbind /dev/tel@card from tel and bind it again: a fresh card, which
 * reads the card's identity (its capabilities) anew.  0 once it runs.
 */
static inline int tel_rebind(int card)
{
	char link[PATH_MAX], path[64], state[32];
	const char *bdf;
	uint64_t end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/device", card);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = '\0';
	bdf = strrchr(link, '/');
	bdf = bdf ? bdf + 1 : link;
	if (tel_write_file("/sys/bus/pci/drivers/tel/unbind", bdf) ||
	    tel_write_file("/sys/bus/pci/drivers/tel/bind", bdf))
		return -1;
	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/state", card);
	end = tel_test_now_ms() + TEL_WAIT_MS;
	while (tel_test_now_ms() < end) {
		if (tel_read_sysfs(path, state, sizeof(state)))
			state[0] = '\0';
		fd = tel_open_card(card);
		if (fd >= 0) {
			close(fd);
			if (!strcmp(state, "running"))
				return 0;
		}
		usleep(10 * 1000);
	}
	return -1;
}

static inline long tel_sysfs_num(int card, const char *attr)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/%s", card, attr);
	if (tel_read_sysfs(path, buf, sizeof(buf)) || !buf[0])
		return -1;
	return strtol(buf, NULL, 0);
}

/* A "key value" line of debugfs tel/telN/perf as a number, -1 if absent. */
static inline long long tel_perf_num(int card, const char *key)
{
	char path[64], line[1024];
	size_t klen = strlen(key);
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/tel/tel%d/perf", card);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			v = strtoll(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

#endif /* TEL_TEST_H */
