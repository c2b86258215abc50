// SPDX-License-Identifier: GPL-2.0
/*
 * digits_test.c - DTMF both ways, caller ID and hook flash, through real
 * audio (issue 13).  Nothing passes between a generator and a detector but
 * samples:
 *   - digits the application sends (TEL_IOC_CALL_DIGITS) are mixed into
 *     the transmit audio by the card; the emulated far end detects them
 *     from that audio alone (its own spandsp detector: stats far_digits);
 *   - the same tones, echoed back by the far end and read by the test as
 *     audio, are decoded by multimon-ng, a decoder neither side wrote;
 *   - DTMF the test synthesises itself and writes as audio is detected by
 *     the far end;
 *   - digits the far end plays as audio are detected by the card's DSP
 *     and raise TEL_EVENT_DIGIT on a monitored call.
 * Plus every errno of the four new ioctls, caller ID with each
 * presentation, a flash that keeps the call, and the record kept after
 * DROP until DEALLOC.
 */
#include <math.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD	0
#define CH	2	/* the connected call's channel */
#define CH_IN	3	/* offers */

static int digits(int fd, uint32_t h, const char *d, uint32_t tone,
		  uint32_t gap)
{
	struct tel_call_digits req = {
		.handle = h, .tone_ms = tone, .gap_ms = gap,
	};

	strncpy(req.digits, d, sizeof(req.digits));
	return ioctl(fd, TEL_IOC_CALL_DIGITS, &req);
}

static int monitor(int fd, uint32_t h, uint32_t flags)
{
	struct tel_call_monitor req = { .handle = h, .flags = flags };

	return ioctl(fd, TEL_IOC_CALL_MONITOR, &req);
}

static int flash(int fd, uint32_t h, uint32_t ms)
{
	struct tel_call_flash req = { .handle = h, .ms = ms };

	return ioctl(fd, TEL_IOC_CALL_FLASH, &req);
}

static int party(int fd, uint32_t h, struct tel_call_party *p)
{
	memset(p, 0, sizeof(*p));
	p->handle = h;
	return ioctl(fd, TEL_IOC_CALL_PARTY, p);
}

/* The stats key @key (a string) of card/@ch's far end into @out. */
static const char *far_str_card(int card, int ch, const char *key, char *out,
				size_t len)
{
	char reply[1024];

	out[0] = '\0';
	if (emu_cmd(reply, sizeof(reply), "stats %d %d", card, ch))
		return out;
	emu_val(reply, key, out, len);
	return out;
}

static const char *far_str(int ch, const char *key, char *out, size_t len)
{
	return far_str_card(CARD, ch, key, out, len);
}

/* Wait until the far end has detected @want (a suffix of what it heard). */
static bool far_heard(int ch, const char *want, char *got, size_t len)
{
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;
	size_t n = strlen(want), g;

	do {
		far_str(ch, "far_digits", got, len);
		g = strlen(got);
		if (g >= n && !strcmp(got + g - n, want))
			return true;
		usleep(20000);
	} while (tel_test_now_ms() < end);
	return false;
}

/* G.711 mu-law of a 16-bit sample (ITU-T G.711; as spandsp's). */
static uint8_t ulaw(int pcm)
{
	int sign = 0, exp, mant;

	if (pcm < 0) {
		pcm = -pcm;
		sign = 0x80;
	}
	if (pcm > 32635)
		pcm = 32635;
	pcm += 0x84;
	for (exp = 7; exp > 0 && !(pcm & (0x4000 >> (7 - exp))); exp--)
		;
	mant = (pcm >> (exp + 3)) & 0x0f;
	return ~(sign | exp << 4 | mant);
}

/* Write all of @buf as audio, waiting for room. */
static int write_all(int fd, uint32_t h, const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		int n = tel_audio(fd, TEL_IOC_CALL_WRITE, h, (void *)(buf + off),
				  len - off, TEL_AUDIO_F_WAIT);

		if (n <= 0)
			return -1;
		off += n;
	}
	return 0;
}

FIXTURE(call) {
	int fd;
	uint32_t h;	/* CONNECTED on CH */
};

FIXTURE_SETUP(call)
{
	struct tel_event ev;

	emu_cmd(NULL, 0, "far %d %d answer 20", CARD, CH);
	emu_cmd(NULL, 0, "audio %d %d silence", CARD, CH);
	self->fd = tel_open_card(CARD);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, tel_alloc(self->fd, CH, "100", &self->h));
	ASSERT_EQ(0, tel_wait_state(self->fd, self->h, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	while (!tel_wait_event(self->fd, TEL_EVENT_STATE, &ev, 10))
		;
}

FIXTURE_TEARDOWN(call)
{
	close(self->fd);
}

TEST(features_announced)
{
	struct tel_card_info info = { };
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &info));
	EXPECT_EQ(TEL_FEAT_DIGITS | TEL_FEAT_CALLER_ID | TEL_FEAT_FLASH |
		  TEL_FEAT_CALL_PARTY,
		  info.features & (TEL_FEAT_DIGITS | TEL_FEAT_CALLER_ID |
				   TEL_FEAT_FLASH | TEL_FEAT_CALL_PARTY));
	close(fd);
}

/* Sent by the card, heard by the far end from the audio alone. */
TEST_F(call, sent_digits_heard_by_far_end)
{
	struct tel_call_party p;
	struct tel_event ev;
	char got[128];

	ASSERT_EQ(0, digits(self->fd, self->h, "1234567890*#ABCD", 0, 0));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_DIGITS_SENT, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(self->h, ev.handle);
	EXPECT_EQ(16, ev.detail);
	EXPECT_TRUE(far_heard(CH, "1234567890*#ABCD", got, sizeof(got)))
		TH_LOG("far end heard \"%s\"", got);
	ASSERT_EQ(0, party(self->fd, self->h, &p));
	EXPECT_STREQ("1234567890*#ABCD", p.digits_tx);
	EXPECT_EQ(16, p.digits_tx_count);
	EXPECT_EQ(0, p.digits_rx_count);
}

/* The shortest tones and gaps Q.24 allows are still heard. */
TEST_F(call, shortest_q24_digits_heard)
{
	struct tel_event ev;
	char got[128];

	ASSERT_EQ(0, digits(self->fd, self->h, "9876", 40, 40));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_DIGITS_SENT, &ev,
				    TEL_WAIT_MS));
	EXPECT_TRUE(far_heard(CH, "9876", got, sizeof(got)))
		TH_LOG("far end heard \"%s\"", got);
}

/*
 * The card's tones, echoed by the far end and read back as audio, decoded
 * by multimon-ng (tel_dtmf_decode()).
 */
TEST_F(call, sent_digits_decoded_by_multimon_ng)
{
	static uint8_t audio[8000 * 2];
	char heard[64];
	size_t got = 0;
	struct tel_event ev;

	if (!tel_have_dtmf_decoder())
		SKIP(return, "multimon-ng or sox not installed");
	ASSERT_EQ(0, emu_cmd(NULL, 0, "audio %d %d echo", CARD, CH));
	while (tel_audio(self->fd, TEL_IOC_CALL_READ, self->h, audio,
			 sizeof(audio), 0) > 0)
		;	/* drained: the ring holds 256 ms, read as it comes */
	ASSERT_EQ(0, digits(self->fd, self->h, "159#", 100, 100));
	/* 800 ms of tones and gaps within the 1.2 s read */
	while (got < 9600) {
		int r = tel_audio(self->fd, TEL_IOC_CALL_READ, self->h,
				  audio + got, 9600 - got, TEL_AUDIO_F_WAIT);

		if (r <= 0)
			break;
		got += r;
	}
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_DIGITS_SENT, &ev,
				    TEL_WAIT_MS));
	ASSERT_EQ(9600, got);
	ASSERT_EQ(0, tel_dtmf_decode(audio, got, heard, sizeof(heard)));
	EXPECT_STREQ("159#", heard);
	emu_cmd(NULL, 0, "audio %d %d silence", CARD, CH);
}

/* DTMF the application synthesises and writes as plain audio. */
TEST_F(call, written_dtmf_heard_by_far_end)
{
	static const double lo[] = { 697, 770, 852, 941 };
	static const double hi[] = { 1209, 1336, 1477, 1633 };
	static const char keys[] = "123A456B789C*0#D";
	static uint8_t buf[8000 * 2];
	const char *send = "5#0";
	size_t len = 0;
	char got[128];

	for (const char *d = send; *d; d++) {
		int k = strchr(keys, *d) - keys;

		for (int i = 0; i < 800; i++)	/* 100 ms tone, -10 dBm0 each */
			buf[len++] = ulaw(5000 * (sin(2 * M_PI * lo[k / 4] * i / 8000) +
						  sin(2 * M_PI * hi[k % 4] * i / 8000)));
		for (int i = 0; i < 800; i++)	/* 100 ms silence */
			buf[len++] = 0xff;
	}
	ASSERT_EQ(0, write_all(self->fd, self->h, buf, len));
	EXPECT_TRUE(far_heard(CH, send, got, sizeof(got)))
		TH_LOG("far end heard \"%s\"", got);
}

/* Played by the far end, detected by the card, kept after DROP. */
TEST_F(call, far_digits_raise_events)
{
	const char *sent = "5678*";
	struct tel_call_party p;
	struct tel_event ev;
	uint64_t last = 0, before = 0;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	before = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	ASSERT_EQ(0, monitor(self->fd, self->h, TEL_MONITOR_F_DIGITS));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d %d %s 100 100", CARD, CH,
			     sent));
	for (const char *d = sent; *d; d++) {
		ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_DIGIT, &ev,
					    TEL_WAIT_MS));
		EXPECT_EQ(self->h, ev.handle);
		EXPECT_EQ(CH, ev.channel);
		EXPECT_EQ((uint32_t)*d, ev.detail);
		/* a 100 ms tone: the detector's view within 30 ms of it */
		EXPECT_LE(70, ev.duration_ms);
		EXPECT_GE(130, ev.duration_ms);
		EXPECT_LT(before, ev.timestamp_ns);
		EXPECT_LT(last, ev.timestamp_ns);
		if (last)	/* tone + gap apart: 200 ms, give or take */
			EXPECT_LE(150000000ULL, ev.timestamp_ns - last);
		last = ev.timestamp_ns;
	}
	ASSERT_EQ(0, tel_drop(self->fd, self->h, 0));
	ASSERT_EQ(0, party(self->fd, self->h, &p));
	EXPECT_STREQ(sent, p.digits_rx);
	EXPECT_EQ(5, p.digits_rx_count);
	ASSERT_EQ(0, tel_dealloc(self->fd, self->h));
	EXPECT_EQ(-1, party(self->fd, self->h, &p));
	EXPECT_EQ(ENOENT, errno);
}

/*
 * Digits at ITU-T Q.24's edges, played as audio by the far end and judged
 * by the card's detector: each line is taken (the digit's event) or refused
 * (no event) as Q.24 asks.  emutest tries the same edges on the card
 * alone; here they go through the driver to the application.
 */
TEST_F(call, far_digits_at_q24_edges)
{
	static const struct {
		const char *args;	/* digit tone gap [level [twist]] */
		bool taken;
	} edges[] = {
		{ "1 40 40", true },		/* shortest tone Q.24 takes */
		{ "2 20 60", false },		/* too short: refused */
		{ "3 80 80 -40", true },	/* low level */
		{ "4 80 80 -50", false },	/* below the threshold */
		{ "5 80 80 -10 -6", true },	/* 6 dB normal twist */
		{ "6 80 80 -10 8", false },	/* 8 dB reverse twist */
	};
	struct tel_event ev;
	size_t i;

	ASSERT_EQ(0, monitor(self->fd, self->h, TEL_MONITOR_F_DIGITS));
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d %d %s", CARD, CH,
				     edges[i].args));
		emu_wait_far_idle(CARD, CH);
		if (edges[i].taken) {
			ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_DIGIT,
						    &ev, TEL_WAIT_MS))
				TH_LOG("digits %s: no event", edges[i].args);
			EXPECT_EQ((uint32_t)edges[i].args[0], ev.detail);
		} else {
			/* the tone is over; an event would be queued by now */
			EXPECT_NE(0, tel_wait_event(self->fd, TEL_EVENT_DIGIT,
						    &ev, 300))
				TH_LOG("digits %s: detected '%c'",
				       edges[i].args, (char)ev.detail);
		}
	}
}

/* Without monitoring, no event and nothing in the record. */
TEST_F(call, unmonitored_digits_give_no_event)
{
	struct tel_call_party p;
	struct tel_event ev;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d %d 42 80 80", CARD, CH));
	emu_wait_far_idle(CARD, CH);
	EXPECT_EQ(-1, tel_wait_event(self->fd, TEL_EVENT_DIGIT, &ev, 300));
	ASSERT_EQ(0, party(self->fd, self->h, &p));
	EXPECT_EQ(0, p.digits_rx_count);
	/* on, then off again: nothing either */
	ASSERT_EQ(0, monitor(self->fd, self->h, TEL_MONITOR_F_DIGITS));
	ASSERT_EQ(0, monitor(self->fd, self->h, 0));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d %d 7 80 80", CARD, CH));
	emu_wait_far_idle(CARD, CH);
	EXPECT_EQ(-1, tel_wait_event(self->fd, TEL_EVENT_DIGIT, &ev, 300));
}

/* Muting: the digit is reported, most of its tone is gone from the audio. */
TEST_F(call, muted_digits_leave_the_audio)
{
	static uint8_t buf[8000];
	struct tel_event ev;
	size_t got = 0, loud = 0;

	ASSERT_EQ(0, monitor(self->fd, self->h,
			     TEL_MONITOR_F_DIGITS | TEL_MONITOR_F_MUTE));
	/* drain, then a 200 ms digit */
	while (tel_audio(self->fd, TEL_IOC_CALL_READ, self->h, buf,
			 sizeof(buf), 0) > 0)
		;
	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d %d 3 200 100", CARD, CH));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_DIGIT, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ('3', ev.detail);
	while (got < 2400) {	/* the 300 ms around it */
		int r = tel_audio(self->fd, TEL_IOC_CALL_READ, self->h,
				  buf + got, sizeof(buf) - got, TEL_AUDIO_F_WAIT);

		if (r <= 0)
			break;
		got += r;
	}
	for (size_t i = 0; i < got; i++)
		loud += buf[i] != 0xff && buf[i] != 0x7f;
	TH_LOG("%zu of %zu samples not silence", loud, got);
	/* of a 200 ms tone (1600 samples), what leaks is the detector's delay */
	EXPECT_GT(800, loud);
}

TEST_F(call, flash_keeps_the_call)
{
	struct tel_call_info info = { };
	struct tel_call_party p;
	struct tel_event ev;

	ASSERT_EQ(0, flash(self->fd, self->h, 300));
	EXPECT_EQ(-1, flash(self->fd, self->h, 300));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_FLASH, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(self->h, ev.handle);
	EXPECT_EQ(300, ev.duration_ms);
	ASSERT_EQ(0, tel_info(self->fd, self->h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(1, emu_num_stat(CARD, CH, "flashes"));
	ASSERT_EQ(0, party(self->fd, self->h, &p));
	EXPECT_EQ(1, p.flashes);
	/* and again, with the default time */
	ASSERT_EQ(0, flash(self->fd, self->h, 0));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_FLASH, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(750, ev.duration_ms);
}

/* The far end clears the call during a flash: it ends, without its event. */
TEST_F(call, far_clear_during_flash)
{
	struct tel_event ev;

	ASSERT_EQ(0, flash(self->fd, self->h, 2000));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "hangup %d %d normal", CARD, CH));
	ASSERT_EQ(0, tel_wait_state(self->fd, self->h, TEL_CALL_DISCONNECTED,
				    TEL_WAIT_MS));
	/* not connected, and no flash is left running */
	EXPECT_EQ(-1, flash(self->fd, self->h, 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, tel_wait_event(self->fd, TEL_EVENT_FLASH, &ev, 2500));
}

TEST_F(call, errnos)
{
	struct tel_call_digits d = { .handle = self->h };
	struct tel_call_party p;
	char many[TEL_DIGITS_MAX + 1];

	/* digits */
	EXPECT_EQ(-1, digits(self->fd, self->h, "12E", 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, digits(self->fd, self->h, "", 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, digits(self->fd, self->h, "1", 39, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, digits(self->fd, self->h, "1", 0, 1001));
	EXPECT_EQ(EINVAL, errno);
	memset(d.digits, '1', sizeof(d.digits));	/* no NUL */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_DIGITS, &d));
	EXPECT_EQ(EINVAL, errno);
	memset(&d.digits, 0, sizeof(d.digits));
	d.digits[0] = '1';
	d.digits[2] = '2';				/* after the NUL */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_DIGITS, &d));
	EXPECT_EQ(EINVAL, errno);
	d.digits[2] = '\0';
	d.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_DIGITS, &d));
	EXPECT_EQ(EINVAL, errno);
	d.flags = 0;
	d.reserved[3] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_DIGITS, &d));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, digits(self->fd, self->h + 1000, "1", 0, 0));
	EXPECT_EQ(ENOENT, errno);
	/*
	 * The card's queue: 31 digits take ~5 s to play; 31 more do not fit
	 * beside the 30 or so still queued, and none of them is queued.
	 */
	memset(many, '0', TEL_DIGITS_MAX);
	many[TEL_DIGITS_MAX] = '\0';
	EXPECT_EQ(0, digits(self->fd, self->h, many, 0, 0));
	EXPECT_EQ(-1, digits(self->fd, self->h, many, 0, 0));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, party(self->fd, self->h, &p));
	EXPECT_EQ(TEL_DIGITS_MAX, p.digits_tx_count);	/* the refused: not */

	/* monitor, flash */
	EXPECT_EQ(-1, monitor(self->fd, self->h, TEL_MONITOR_F_MUTE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, monitor(self->fd, self->h, 0x4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, flash(self->fd, self->h, 49));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, flash(self->fd, self->h, 2001));
	EXPECT_EQ(EINVAL, errno);

	/* a struct that cannot be read (or, for PARTY, written) */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_DIGITS, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_MONITOR, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_FLASH, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_PARTY, (void *)8));
	EXPECT_EQ(EFAULT, errno);

	/* party: only the handle is input */
	memset(&p, 0, sizeof(p));
	p.handle = self->h;
	p.flashes = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_PARTY, &p));
	EXPECT_EQ(EINVAL, errno);

	/* a dropped call: not connected; its record stays */
	ASSERT_EQ(0, tel_drop(self->fd, self->h, 0));
	EXPECT_EQ(-1, digits(self->fd, self->h, "1", 0, 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, monitor(self->fd, self->h, TEL_MONITOR_F_DIGITS));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, flash(self->fd, self->h, 0));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, party(self->fd, self->h, &p));
	EXPECT_EQ(TEL_DIGITS_MAX, p.digits_tx_count);
}

/* A call still ringing the far end is not connected. */
TEST(digits_before_connect)
{
	int fd = tel_open_card(CARD);
	uint32_t h;

	ASSERT_LE(0, fd);
	emu_cmd(NULL, 0, "far %d %d noanswer", CARD, CH);
	ASSERT_EQ(0, tel_alloc(fd, CH, "100", &h));
	EXPECT_EQ(-1, digits(fd, h, "1", 0, 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, flash(fd, h, 0));
	EXPECT_EQ(ENOTCONN, errno);
	/* monitoring may start before the answer */
	EXPECT_EQ(0, monitor(fd, h, TEL_MONITOR_F_DIGITS));
	close(fd);
	emu_cmd(NULL, 0, "far %d %d answer 20", CARD, CH);
}

/* Caller ID: the presentation in the OFFER, the name in the record. */
static void offer_and_check(struct __test_metadata *_metadata,
			    const char *args, const char *number,
			    const char *name, uint32_t pres)
{
	struct tel_call_answer ans = {
		.channel = CH_IN, .flags = TEL_ANSWER_F_ACCEPT,
	};
	struct tel_call_info info = { };
	struct tel_call_party p;
	struct tel_event ev;
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d %d %s", CARD, CH_IN, args));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	EXPECT_EQ(CH_IN, ev.channel);
	EXPECT_STREQ(number, ev.number);
	EXPECT_EQ(pres, ev.detail);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	ASSERT_EQ(0, party(fd, ans.handle, &p));
	EXPECT_EQ(pres, p.presentation);
	EXPECT_STREQ(name, p.name);
	info.handle = ans.handle;
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_INFO, &info));
	EXPECT_STREQ(number, info.calling);
	ASSERT_EQ(0, tel_drop(fd, ans.handle, 0));
	ASSERT_EQ(0, party(fd, ans.handle, &p));	/* kept after DROP */
	EXPECT_STREQ(name, p.name);
	ASSERT_EQ(0, tel_dealloc(fd, ans.handle));
	close(fd);
}

TEST(caller_id_allowed)
{
	offer_and_check(_metadata, "5551234 name JOHN_Q_SMITH pres allowed",
			"5551234", "JOHN Q SMITH", TEL_PRES_ALLOWED);
}

TEST(caller_id_restricted)
{
	offer_and_check(_metadata, "5551234 name HIDDEN pres restricted", "",
			"", TEL_PRES_RESTRICTED);
}

TEST(caller_id_unavailable)
{
	offer_and_check(_metadata, "5551234 pres unavailable", "", "",
			TEL_PRES_UNAVAILABLE);
}

TEST(caller_id_number_only)
{
	offer_and_check(_metadata, "5550000", "5550000", "", TEL_PRES_ALLOWED);
}

/*
 * The record in /proc/driver/tel/calls: the caller's name, the digits both
 * ways and the flashes, after DROP until DEALLOC; name and digits (a PIN a
 * caller typed) under the numbers' rule: "*" to another user.
 */
struct proc_seen {
	uint32_t handle;
	int pid;
};

static int proc_hidden(void *arg)
{
	struct proc_seen *s = arg;
	struct proc_line p;

	if (proc_find(CARD, s->handle, s->pid, &p) != 1)
		return 2;
	if (strcmp(p.calling, "*") || strcmp(p.name, "*") ||
	    strcmp(p.digits_rx, "*") || strcmp(p.digits_tx, "*"))
		return 1;
	/* not personal: the presentation and the count of flashes */
	return strcmp(p.pres, "allowed") || p.flashes != 1 ? 3 : 0;
}

TEST(record_in_proc_private)
{
	struct tel_call_answer ans = { .channel = CH_IN };
	struct proc_seen s = { .pid = getpid() };
	struct proc_line p;
	struct tel_event ev;
	int fd = tel_open_card(CARD), i;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, emu_cmd(NULL, 0,
			     "offer %d %d 5551234 name ALICE_SMITH pres allowed",
			     CARD, CH_IN));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	s.handle = ans.handle;
	ASSERT_EQ(0, tel_wait_state(fd, ans.handle, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, monitor(fd, ans.handle, TEL_MONITOR_F_DIGITS));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d %d 1234#", CARD, CH_IN));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_DIGIT, &ev,
					    TEL_WAIT_MS));
	ASSERT_EQ(0, digits(fd, ans.handle, "42", 0, 0));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_DIGITS_SENT, &ev,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, flash(fd, ans.handle, 100));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_FLASH, &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, tel_drop(fd, ans.handle, 0));

	/* root (CAP_SYS_ADMIN) sees all; spaces as \040 */
	ASSERT_EQ(1, proc_find(CARD, ans.handle, getpid(), &p));
	EXPECT_STREQ("in", p.dir);
	EXPECT_STREQ("5551234", p.calling);
	EXPECT_STREQ("allowed", p.pres);
	EXPECT_STREQ("ALICE\\040SMITH", p.name);
	EXPECT_STREQ("1234#", p.digits_rx);
	EXPECT_STREQ("42", p.digits_tx);
	EXPECT_EQ(1, p.flashes);
	EXPECT_EQ(0, as_user(65534, proc_hidden, &s));	/* another user */

	ASSERT_EQ(0, tel_dealloc(fd, ans.handle));
	EXPECT_EQ(0, proc_find(CARD, ans.handle, getpid(), &p));
	close(fd);
}

/* An outbound call has no presentation, name or digits: "-" for each. */
TEST_F(call, outbound_record_in_proc)
{
	struct proc_line p;

	ASSERT_EQ(1, proc_find(CARD, self->h, getpid(), &p));
	EXPECT_STREQ("out", p.dir);
	EXPECT_STREQ("-", p.pres);
	EXPECT_STREQ("-", p.name);
	EXPECT_STREQ("-", p.digits_rx);
	EXPECT_STREQ("-", p.digits_tx);
	EXPECT_EQ(0, p.flashes);
}

/*
 * A card that lacks DTMF, caller ID and flash (the emulator's caps
 * command; the driver reads them at probe, hence the rebind): the feature
 * bits and their sysfs names go, the three ioctls fail with EOPNOTSUPP and
 * change nothing, an offer still comes with its number, and the record
 * stays readable.  The card gets its functions back at the end.
 */
#define BARE	1	/* the card stripped */

TEST(card_without_functions)
{
	struct tel_call_answer ans = { .channel = CH_IN };
	struct tel_card_info ci = { };
	struct tel_call_party p;
	struct tel_event ev;
	char buf[192];
	uint32_t h;
	int fd;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x1", BARE));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &ci));
	EXPECT_EQ(0, ci.features & (TEL_FEAT_DIGITS | TEL_FEAT_CALLER_ID |
				    TEL_FEAT_FLASH));
	EXPECT_NE(0, ci.features & TEL_FEAT_CALL_PARTY);
	EXPECT_NE(0, ci.features & TEL_FEAT_HANDOFF);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", BARE);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_STREQ("call_list call_party handoff monitor tap watermark mmap", buf);

	emu_cmd(NULL, 0, "far %d %d answer 20", BARE, CH);
	ASSERT_EQ(0, tel_alloc(fd, CH, "100", &h));
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	EXPECT_EQ(-1, digits(fd, h, "1", 0, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, monitor(fd, h, TEL_MONITOR_F_DIGITS));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, flash(fd, h, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, monitor(fd, h, 0));	/* not even to turn it off */
	EXPECT_EQ(EOPNOTSUPP, errno);
	ASSERT_EQ(0, party(fd, h, &p));
	EXPECT_EQ(0, p.flashes);
	EXPECT_EQ(0, p.digits_tx_count);
	EXPECT_EQ(0, emu_num_stat(BARE, CH, "flashes"));
	EXPECT_STREQ("", far_str_card(BARE, CH, "far_digits", buf,
				      sizeof(buf)));
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));

	/* an offer: the number, no name, presentation allowed */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d %d 5551234 name ALICE",
			     BARE, CH_IN));
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_OFFER, &ev, TEL_WAIT_MS));
	EXPECT_STREQ("5551234", ev.number);
	EXPECT_EQ(TEL_PRES_ALLOWED, ev.detail);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CALL_ANSWER, &ans));
	ASSERT_EQ(0, party(fd, ans.handle, &p));
	EXPECT_STREQ("", p.name);
	ASSERT_EQ(0, tel_drop(fd, ans.handle, 0));
	ASSERT_EQ(0, tel_dealloc(fd, ans.handle));
	close(fd);

	EXPECT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x3ff", BARE));
	ASSERT_EQ(0, tel_rebind(BARE));
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", BARE);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_STREQ("call_list digits caller_id flash call_party handoff monitor tap hold redirect transfer watermark conference consult mmap conf_party", buf);
}

TEST_HARNESS_MAIN
