// SPDX-License-Identifier: GPL-2.0
/*
 * conf_test.c - a conference mixed by the card (issue 14:
 * lineSetupConference, lineAddToConference, lineRemoveFromConference).
 * Who hears whom is measured at every far party from its samples, not
 * from any state:
 *   - each far party plays its own number in DTMF; the far ends' own
 *     detectors (stats far_digits) must hear exactly the others' numbers,
 *     never their own and never a party outside the conference;
 *   - the mix, sample by sample: each far party sends a known linear
 *     level (audio level N) and the bytes every far party heard (control
 *     conf: heard) must equal the mu-law of the saturated sum of the
 *     others' levels, computed here with this file's own G.711, with
 *     sums past the largest mu-law magnitude both ways;
 *   - the far party's view (conf: with) names exactly the other members.
 * Plus REMOVE, a far end clearing a member, DROP of the conference, ADD
 * of a held call, every errno of the three ioctls, a lying card (one
 * that conferences on its own, one whose TEL_ID_CONF_MEMBERS is not what
 * it mixes), and a card without conferences.
 *
 * The application as a party (TEL_ALLOC_F_CONF, a port on the card),
 * through its audio only: what it READs must be, byte for byte, the
 * saturated sum of the far parties' levels, and each far party must hear
 * the application's WRITE in its mix; the far parties' DTMF numbers must
 * come out of the application's READ (run through this suite's own
 * Goertzel detector, tel_goertzel_dtmf()), and DTMF the test generates
 * and WRITEs must be heard by every far party's own detector.  Plus every
 * errno of ALLOC with the flag, DROP of the port and of its conference,
 * a full conference, and a card without TEL_CAP_CONF_PORT; and the port
 * through its mapped rings, tapped by a monitor that must see exactly
 * what the application read and wrote.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD	0
#define BARE	1	/* stripped of conference, then failed */
#define NPARTY	5	/* channels 1..5: one more than a conference takes */
#define MAXMEM	4	/* the emulator's TEL_ID_CONF_MEMBERS */
/* the emulator's channel states (stats state=, card.rst) */
#define CHST_CONNECTED	3
#define CHST_CONF	7

static int conf_setup(int fd, uint32_t *conf, uint32_t *max)
{
	struct tel_conf_setup req = { };
	int ret = ioctl(fd, TEL_IOC_CONF_SETUP, &req);

	if (!ret) {
		*conf = req.handle;
		if (max)
			*max = req.max_members;
	}
	return ret;
}

static int conf_add(int fd, uint32_t conf, uint32_t h)
{
	struct tel_conf_member req = { .conf = conf, .handle = h };

	return ioctl(fd, TEL_IOC_CONF_ADD, &req);
}

static int conf_remove(int fd, uint32_t conf, uint32_t h)
{
	struct tel_conf_member req = { .conf = conf, .handle = h };

	return ioctl(fd, TEL_IOC_CONF_REMOVE, &req);
}

/* The number party @i dials: its far party's own, which it plays. */
static const char *number(int i)
{
	static const char *const n[NPARTY] = {
		"2011", "2022", "2033", "2044", "2055",
	};

	return n[i];
}

static int chan(int i)
{
	return i + 1;
}

/* One key of the far party's conference view (control conf). */
static int far_conf(int i, const char *key, char *out, size_t len)
{
	char reply[256];

	if (emu_cmd(reply, sizeof(reply), "conf %d %d", CARD, chan(i)))
		return -1;
	return emu_val(reply, key, out, len) ? 0 : -1;
}

static long far_conf_num(int i, const char *key)
{
	char v[64];

	return far_conf(i, key, v, sizeof(v)) ? -1 : strtol(v, NULL, 10);
}

static void far_digits(int i, char *out, size_t len)
{
	char reply[2048];

	out[0] = 0;
	if (!emu_cmd(reply, sizeof(reply), "stats %d %d", CARD, chan(i)))
		emu_val(reply, "far_digits", out, len);
}

/*
 * G.711 mu-law, this file's own (ITU-T G.711, bias 0x84): the test
 * computes what the card should mix without the emulator's code.
 */
static uint8_t ulaw_enc(int x)
{
	int mask = 0xff, seg, v;

	if (x < 0) {
		x = 0x84 - x - 1;
		mask = 0x7f;
	} else {
		x = 0x84 + x;
	}
	if (x > 0x7fff)
		return 0x7f ^ mask;
	for (seg = 0, v = x >> 8; v; v >>= 1)
		seg++;
	return ((seg << 4) | ((x >> (seg + 3)) & 0xf)) ^ mask;
}

static int ulaw_dec(uint8_t u)
{
	int t;

	u = ~u;
	t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
	return (u & 0x80) ? 0x84 - t : t - 0x84;
}

/* What member @self hears: the others' levels, summed, saturated. */
static uint8_t mix_of(const int *level, int n, int self)
{
	int i, sum = 0, top = ulaw_dec(0x80);

	for (i = 0; i < n; i++)
		if (i != self)
			sum += ulaw_dec(ulaw_enc(level[i]));
	if (sum > top)
		sum = top;
	if (sum < -top)
		sum = -top;
	return ulaw_enc(sum);
}

/* The application's own party in @conf: TEL_IOC_CALL_ALLOC, the flag. */
static int conf_self(int fd, uint32_t conf, uint32_t channel, uint32_t *h)
{
	struct tel_call_alloc req = {
		.channel = channel,
		.flags = TEL_ALLOC_F_CONF,
		.conf = conf,
	};
	int ret = ioctl(fd, TEL_IOC_CALL_ALLOC, &req);

	if (!ret && h)
		*h = req.handle;
	return ret;
}

/* The emulator's view of channel @ch of CARD as a conference member. */
static long chan_conf_num(int card, int ch, const char *key)
{
	char reply[256], v[64];

	if (emu_cmd(reply, sizeof(reply), "conf %d %d", card, ch) ||
	    !emu_val(reply, key, v, sizeof(v)))
		return -1;
	return strtol(v, NULL, 10);
}

/*
 * The application's side of its port for @ms: everything that arrives is
 * READ into @in (the first sizeof(@in) bytes kept, @got counting them
 * all), and the tx ring is kept full from @out (@out_len bytes, repeated
 * when @loop, else silence once it is used up; @out_pos: bytes written).
 */
struct port_pump {
	uint8_t in[32768];
	size_t got;
	const uint8_t *out;
	size_t out_len, out_pos;
	bool loop;
};

static uint8_t pump_byte(const struct port_pump *p, size_t k)
{
	if (p->loop && p->out_len)
		return p->out[k % p->out_len];
	return k < p->out_len ? p->out[k] : 0xff;
}

static void pump_port(struct __test_metadata *_metadata, int fd, uint32_t h,
		      struct port_pump *p, unsigned int ms)
{
	uint64_t end = tel_test_now_ms() + ms;
	uint8_t buf[2048];
	int n, i;

	do {
		do {
			for (i = 0; i < (int)sizeof(buf); i++)
				buf[i] = pump_byte(p, p->out_pos + i);
			n = tel_audio(fd, TEL_IOC_CALL_WRITE, h, buf,
				      sizeof(buf), 0);
			if (n > 0)
				p->out_pos += n;
		} while (n == (int)sizeof(buf));
		ASSERT_TRUE(n >= 0 || errno == EAGAIN);
		while ((n = tel_audio(fd, TEL_IOC_CALL_READ, h, buf,
				      sizeof(buf), 0)) > 0)
			for (i = 0; i < n; i++, p->got++)
				if (p->got < sizeof(p->in))
					p->in[p->got] = buf[i];
		ASSERT_TRUE(n >= 0 || errno == EAGAIN);
		usleep(10 * 1000);
	} while (tel_test_now_ms() < end);
}

/* @n bytes of mu-law DTMF for @digits, @tone_ms on, @gap_ms off, each. */
static size_t dtmf_make(uint8_t *out, size_t size, const char *digits,
			int tone_ms, int gap_ms)
{
	static const char keys[4][5] = { "123A", "456B", "789C", "*0#D" };
	static const float row[4] = { 697, 770, 852, 941 };
	static const float col[4] = { 1209, 1336, 1477, 1633 };
	size_t n = 0;
	int r, c, i;

	for (; *digits; digits++) {
		for (r = 0, c = -1; r < 4 && c < 0; r++)
			for (i = 0; i < 4; i++)
				if (keys[r][i] == *digits)
					c = i;
		if (c < 0)
			break;
		r--;
		/* each tone -10 dBm0: peak 32768 * 10^(-13.14 / 20) */
		for (i = 0; i < tone_ms * 8 && n < size; i++)
			out[n++] = ulaw_enc((int)(7200 *
				(sinf(2 * 3.14159265f * row[r] * i / 8000) +
				 sinf(2 * 3.14159265f * col[c] * i / 8000))));
		for (i = 0; i < gap_ms * 8 && n < size; i++)
			out[n++] = 0xff;
	}
	return n;
}

FIXTURE(party) {
	int fd;
	uint32_t h[NPARTY];	/* CONNECTED on channels 1..NPARTY */
	uint32_t conf;
};

FIXTURE_SETUP(party)
{
	struct tel_event ev;
	int i;

	self->fd = tel_open_card(CARD);
	ASSERT_LE(0, self->fd);
	for (i = 0; i < NPARTY; i++) {
		emu_cmd(NULL, 0, "far %d %d answer 20", CARD, chan(i));
		emu_cmd(NULL, 0, "audio %d %d silence", CARD, chan(i));
		ASSERT_EQ(0, tel_alloc(self->fd, chan(i), number(i),
				       &self->h[i]));
	}
	for (i = 0; i < NPARTY; i++)
		ASSERT_EQ(0, tel_wait_state(self->fd, self->h[i],
					    TEL_CALL_CONNECTED, TEL_WAIT_MS));
	while (!tel_wait_event(self->fd, TEL_EVENT_STATE, &ev, 10))
		;
	ASSERT_EQ(0, conf_setup(self->fd, &self->conf, NULL));
}

FIXTURE_TEARDOWN(party)
{
	int i;

	close(self->fd);
	for (i = 0; i < NPARTY; i++)
		emu_cmd(NULL, 0, "audio %d %d pattern", CARD, chan(i));
}

/* ADD parties [0, n) and wait for each one's STATE event. */
static void add_parties(struct __test_metadata *_metadata,
			FIXTURE_DATA(party) *self, int n)
{
	struct tel_event ev;
	int i;

	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, conf_add(self->fd, self->conf, self->h[i]));
		ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h[i],
						  TEL_CALL_CONFERENCED, &ev,
						  TEL_WAIT_MS));
		EXPECT_EQ(chan(i), ev.channel);
	}
}

/*
 * Each party in @who plays its number in turn; then every party in
 * @listen must have heard exactly the numbers of the others in @who
 * that share its conference (@room[i]: the conference it is in, -1 for
 * none), in order, and nothing else.
 */
static void who_hears_whom(struct __test_metadata *_metadata,
			   const int *who, int nwho, const int *room)
{
	char want[NPARTY][64] = { }, got[64];
	int i, j;

	for (j = 0; j < nwho; j++) {
		ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d %d %s", CARD,
				     chan(who[j]), number(who[j])));
		emu_wait_far_idle(CARD, chan(who[j]));
		usleep(100 * 1000);	/* its last tone's end is heard */
		for (i = 0; i < NPARTY; i++)
			if (i != who[j] && room[i] >= 0 &&
			    room[i] == room[who[j]])
				strcat(want[i], number(who[j]));
	}
	for (i = 0; i < NPARTY; i++) {
		far_digits(i, got, sizeof(got));
		ksft_print_msg("far party %d (%s) heard \"%s\"\n", i,
			       number(i), got);
		EXPECT_STREQ(want[i], got);
	}
}

TEST(features_announced)
{
	struct tel_card_info info = { };
	uint32_t conf, max = 0;
	char buf[160];
	int fd = tel_open_card(CARD);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &info));
	EXPECT_EQ(TEL_FEAT_CONFERENCE, info.features & TEL_FEAT_CONFERENCE);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", CARD);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, " conference"));
	ASSERT_EQ(0, conf_setup(fd, &conf, &max));
	EXPECT_NE(0, conf);
	EXPECT_EQ(MAXMEM, max);
	close(fd);
}

/*
 * The rule, end to end: three far parties in a conference each hear the
 * other two, never themselves, and a party outside hears none of them;
 * the members' own rings move nothing; every far party's view names
 * exactly the other members.
 */
TEST_F(party, each_far_party_hears_the_others_only)
{
	static const int who[] = { 0, 1, 2, 3 };
	static const int room[NPARTY] = { 0, 0, 0, -1, -1 };
	struct tel_call_info before, after;
	char path[64], with[32];
	uint8_t buf[2048];
	int i;

	add_parties(_metadata, self, 3);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(CHST_CONF, emu_num_stat(CARD, chan(i), "state"));
		ASSERT_EQ(0, tel_info(self->fd, self->h[i], &before));
		EXPECT_EQ(TEL_CALL_CONFERENCED, before.state);
	}
	snprintf(path, sizeof(path), "/sys/class/tel/tel%d/ch%d/state", CARD,
		 chan(0));
	ASSERT_EQ(0, tel_read_sysfs(path, path, sizeof(path)));
	EXPECT_STREQ("conference", path);
	ASSERT_EQ(0, far_conf(0, "with", with, sizeof(with)));
	EXPECT_STREQ("2,3", with);
	ASSERT_EQ(0, far_conf(1, "with", with, sizeof(with)));
	EXPECT_STREQ("1,3", with);
	ASSERT_EQ(0, far_conf(2, "with", with, sizeof(with)));
	EXPECT_STREQ("1,2", with);
	ASSERT_EQ(0, far_conf(3, "with", with, sizeof(with)));
	EXPECT_STREQ("", with);
	EXPECT_EQ(0, far_conf_num(3, "conf"));

	/* party 3 is outside: the members hear it not, it hears them not */
	who_hears_whom(_metadata, who, 4, room);

	/* a member's own rings: nothing new to read, no writing, no frames */
	while (tel_audio(self->fd, TEL_IOC_CALL_READ, self->h[0], buf,
			 sizeof(buf), 0) > 0)
		;
	ASSERT_EQ(0, tel_info(self->fd, self->h[0], &before));
	usleep(300 * 1000);
	EXPECT_EQ(-1, tel_audio(self->fd, TEL_IOC_CALL_READ, self->h[0], buf,
				sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, tel_audio(self->fd, TEL_IOC_CALL_WRITE, self->h[0], buf,
				8, 0));
	EXPECT_EQ(EPIPE, errno);
	ASSERT_EQ(0, tel_info(self->fd, self->h[0], &after));
	EXPECT_EQ(before.rx_frames, after.rx_frames);
	EXPECT_EQ(before.tx_frames, after.tx_frames);
	EXPECT_EQ(before.connect_ns, after.connect_ns);
	EXPECT_LT(before.duration_ns, after.duration_ns);
}

/*
 * The mix, sample by sample: known levels in, and every byte each far
 * party heard is the saturated sum of the others', never its own, both
 * ways past the largest mu-law magnitude.
 */
TEST_F(party, mix_is_the_saturated_sum_of_the_others)
{
	static const int levels[][MAXMEM] = {
		{ 20000, 16000, -2000, 0 },	/* 3 hears 36000: clips */
		{ -20000, -16000, 2000, 0 },	/* and -36000 */
		{ 1000, -7000, 12000, 300 },	/* nothing clips */
		{ 32767, 32767, 32767, 32767 },	/* 3 x 32124 each */
	};
	char heard[64], want[64];
	unsigned int s;
	int i, k;

	add_parties(_metadata, self, MAXMEM);
	/* the test tells saturation from a wrap: 36000 wraps to -29536 */
	EXPECT_EQ(0x80, mix_of(levels[0], 3, 2));
	EXPECT_NE(ulaw_enc((int16_t)36000), mix_of(levels[0], 3, 2));
	EXPECT_EQ(0x00, mix_of(levels[1], 3, 2));
	for (s = 0; s < sizeof(levels) / sizeof(levels[0]); s++) {
		for (i = 0; i < MAXMEM; i++)
			ASSERT_EQ(0, emu_cmd(NULL, 0, "audio %d %d level %d",
					     CARD, chan(i), levels[s][i]));
		usleep(100 * 1000);	/* the last 16 bytes are all new */
		for (i = 0; i < MAXMEM; i++) {
			uint8_t b = mix_of(levels[s], MAXMEM, i);

			for (k = 0; k < 16; k++)
				sprintf(want + 2 * k, "%02x", b);
			ASSERT_EQ(0, far_conf(i, "heard", heard,
					      sizeof(heard)));
			EXPECT_STREQ(want, heard) {
				ksft_print_msg("set %u, party %d\n", s, i);
			}
		}
	}
	for (i = 0; i < MAXMEM; i++)
		EXPECT_LE(3200, far_conf_num(i, "heard_bytes"));
}

/* REMOVE: back to CONNECTED, its own audio again; the rest go on. */
TEST_F(party, remove_gives_the_call_its_own_audio_back)
{
	static const int who[] = { 0, 1, 2 };
	static const int room[NPARTY] = { 0, -1, 0, -1, -1 };
	struct tel_call_info info, later;
	struct tel_event ev;
	char with[32];
	uint8_t buf[256];
	long rx0;

	add_parties(_metadata, self, 3);
	ASSERT_EQ(0, conf_remove(self->fd, self->conf, self->h[1]));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h[1],
					  TEL_CALL_CONNECTED, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(CHST_CONNECTED, emu_num_stat(CARD, chan(1), "state"));
	ASSERT_EQ(0, far_conf(0, "with", with, sizeof(with)));
	EXPECT_STREQ("3", with);
	ASSERT_EQ(0, far_conf(1, "with", with, sizeof(with)));
	EXPECT_STREQ("", with);
	/*
	 * a ring the far end filled before the ADD (on a slow guest, more
	 * than its 256 ms) takes no frame more, only overruns: empty it
	 */
	while (tel_audio(self->fd, TEL_IOC_CALL_READ, self->h[1], buf,
			 sizeof(buf), 0) > 0)
		;
	ASSERT_EQ(0, tel_info(self->fd, self->h[1], &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);

	/* its own rings move again: the host's bytes reach its far party */
	rx0 = emu_num_stat(CARD, chan(1), "far_rx_bytes");
	memset(buf, 0xff, sizeof(buf));
	ASSERT_EQ(sizeof(buf), tel_audio(self->fd, TEL_IOC_CALL_WRITE,
					 self->h[1], buf, sizeof(buf), 0));
	usleep(500 * 1000);
	EXPECT_LE(rx0 + (long)sizeof(buf),
		  emu_num_stat(CARD, chan(1), "far_rx_bytes"));
	ASSERT_EQ(0, tel_info(self->fd, self->h[1], &later));
	EXPECT_LT(info.rx_frames, later.rx_frames);
	EXPECT_EQ(info.connect_ns, later.connect_ns);

	/* 0 and 2 hear each other, 1 (out) neither */
	who_hears_whom(_metadata, who, 3, room);
}

/* A far end that clears: that member DISCONNECTED, the others go on. */
TEST_F(party, far_end_clears_a_member)
{
	static const int who[] = { 0, 1 };
	static const int room[NPARTY] = { 0, 0, -1, -1, -1 };
	struct tel_call_info info;
	struct tel_event ev;
	char with[32];

	add_parties(_metadata, self, 3);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "hangup %d %d busy", CARD, chan(2)));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h[2],
					  TEL_CALL_DISCONNECTED, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(TEL_ORIGIN_REMOTE, ev.origin);
	EXPECT_EQ(TEL_DISC_BUSY, ev.disconnect_mode);
	ASSERT_EQ(0, far_conf(0, "with", with, sizeof(with)));
	EXPECT_STREQ("2", with);
	ASSERT_EQ(0, tel_info(self->fd, self->h[0], &info));
	EXPECT_EQ(TEL_CALL_CONFERENCED, info.state);
	/* not a member any more: REMOVE, ADD have nothing to work on */
	EXPECT_EQ(-1, conf_remove(self->fd, self->conf, self->h[2]));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, conf_add(self->fd, self->conf, self->h[2]));
	EXPECT_EQ(ENOTCONN, errno);
	who_hears_whom(_metadata, who, 2, room);
	ASSERT_EQ(0, tel_drop(self->fd, self->h[2], 0));
	ASSERT_EQ(0, tel_info(self->fd, self->h[2], &info));
	EXPECT_EQ(TEL_ORIGIN_REMOTE, info.origin);
	ASSERT_EQ(0, tel_dealloc(self->fd, self->h[2]));
}

/*
 * DROP of the conference (lineDrop on hConfCall) drops every member;
 * each keeps its record until its own DEALLOC; the conference's DEALLOC
 * waits until it is empty.
 */
TEST_F(party, drop_of_the_conference_drops_its_members)
{
	struct tel_call_info info;
	struct tel_event ev;
	int i;

	add_parties(_metadata, self, 3);
	EXPECT_EQ(-1, tel_dealloc(self->fd, self->conf));
	EXPECT_EQ(EBUSY, errno);
	/* a call ioctl does not take the conference's handle */
	EXPECT_EQ(-1, tel_info(self->fd, self->conf, &info));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, tel_drop(self->fd, self->conf, 77));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h[i],
						  TEL_CALL_IDLE, &ev,
						  TEL_WAIT_MS));
		ASSERT_EQ(0, tel_info(self->fd, self->h[i], &info));
		EXPECT_EQ(TEL_CALL_IDLE, info.state);
		EXPECT_EQ(TEL_ORIGIN_APPLICATION, info.origin);
		EXPECT_EQ(77, info.app_reason);
		EXPECT_NE(0, info.connect_ns);
		EXPECT_EQ(0, emu_num_stat(CARD, chan(i), "state"));
	}
	ASSERT_EQ(0, tel_info(self->fd, self->h[3], &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);	/* not a member */
	EXPECT_EQ(-1, tel_drop(self->fd, self->conf, 0));
	EXPECT_EQ(EALREADY, errno);
	ASSERT_EQ(0, tel_dealloc(self->fd, self->conf));
	EXPECT_EQ(-1, conf_add(self->fd, self->conf, self->h[3]));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_dealloc(self->fd, self->conf));
	EXPECT_EQ(ENOENT, errno);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, tel_dealloc(self->fd, self->h[i]));
}

/* A held call joins: no more hold tone, it hears the others. */
TEST_F(party, a_held_call_joins)
{
	static const int who[] = { 0, 1 };
	static const int room[NPARTY] = { 0, 0, -1, -1, -1 };
	struct tel_call_hold hold = { .handle = self->h[1] };
	struct tel_event ev;
	long tone;

	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_HOLD, &hold));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h[1],
					  TEL_CALL_ONHOLD, &ev, TEL_WAIT_MS));
	ASSERT_EQ(0, conf_add(self->fd, self->conf, self->h[0]));
	ASSERT_EQ(0, conf_add(self->fd, self->conf, self->h[1]));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h[1],
					  TEL_CALL_CONFERENCED, &ev,
					  TEL_WAIT_MS));
	tone = emu_num_stat(CARD, chan(1), "far_tone_ms");
	who_hears_whom(_metadata, who, 2, room);
	EXPECT_GE(tone + 40, emu_num_stat(CARD, chan(1), "far_tone_ms"));
	/* out again: CONNECTED, not back on hold */
	ASSERT_EQ(0, conf_remove(self->fd, self->conf, self->h[1]));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, self->h[1],
					  TEL_CALL_CONNECTED, &ev,
					  TEL_WAIT_MS));
}

/*
 * The application as a party: two far parties and its port.  Its READ
 * is, byte for byte, the saturated sum of the far parties' levels; each
 * far party hears the other and the application's WRITE, summed and
 * saturated the same way; never itself.
 */
TEST_F(party, the_application_hears_the_mix_and_is_heard)
{
	/* far party 0, far party 1, the application: [2] */
	static const int levels[][3] = {
		{ 1000, -7000, 12000 },		/* nothing clips */
		{ 20000, 16000, -2000 },	/* the app hears 36000: clips */
		{ -9000, -3000, -30000 },	/* 0 and 1 hear past -32124 */
		{ 0, 0, 32767 },		/* the app alone, heard as is */
	};
	struct tel_call_info info;
	char heard[64], want[64];
	uint8_t level_byte;
	uint32_t port;
	unsigned int set;
	size_t k;
	int i;

	add_parties(_metadata, self, 2);
	ASSERT_EQ(0, conf_self(self->fd, self->conf, TEL_CHANNEL_ANY, &port));
	ASSERT_EQ(0, tel_info(self->fd, port, &info));
	EXPECT_EQ(TEL_CALL_CONFERENCED, info.state);
	EXPECT_EQ(0, info.channel);	/* the lowest free one */
	EXPECT_STREQ("", info.called);
	EXPECT_NE(0, info.connect_ns);
	EXPECT_EQ(CHST_CONF, emu_num_stat(CARD, 0, "state"));
	EXPECT_EQ(0, emu_num_stat(CARD, 0, "hook"));	/* no line seized */
	EXPECT_EQ(1, chan_conf_num(CARD, 0, "port"));
	/* the port is in the far parties' conference on the card */
	EXPECT_EQ(chan_conf_num(CARD, chan(0), "conf"),
		  chan_conf_num(CARD, 0, "conf"));

	for (set = 0; set < sizeof(levels) / sizeof(levels[0]); set++) {
		struct port_pump *p = calloc(1, sizeof(*p));

		ASSERT_NE(NULL, p);
		for (i = 0; i < 2; i++)
			ASSERT_EQ(0, emu_cmd(NULL, 0, "audio %d %d level %d",
					     CARD, chan(i), levels[set][i]));
		level_byte = ulaw_enc(levels[set][2]);
		p->out = &level_byte;
		p->out_len = 1;
		p->loop = true;
		/* the rings hold 256 ms each way: the old level is gone */
		pump_port(_metadata, self->fd, port, p, 700);
		/* the application's last 100 ms: the far parties' sum */
		ASSERT_LE(1600, p->got);
		for (k = p->got - 800; k < p->got; k++)
			if (p->in[k] != mix_of(levels[set], 2, 2))
				break;
		EXPECT_EQ(p->got, k) {
			ksft_print_msg("set %u: read %02x at %zu, want %02x\n",
				       set, p->in[k], k,
				       mix_of(levels[set], 2, 2));
		}
		/* each far party: the other and the application */
		for (i = 0; i < 2; i++) {
			uint8_t b = mix_of(levels[set], 3, i);

			for (k = 0; k < 16; k++)
				sprintf(want + 2 * k, "%02x", b);
			ASSERT_EQ(0, far_conf(i, "heard", heard,
					      sizeof(heard)));
			EXPECT_STREQ(want, heard) {
				ksft_print_msg("set %u, far party %d\n", set,
					       i);
			}
		}
		free(p);
	}
	/* the clipping sets clip, and the test tells that from a wrap */
	EXPECT_EQ(0x80, mix_of(levels[1], 2, 2));
	EXPECT_EQ(0x00, mix_of(levels[2], 3, 0));
	/* its record counts the frames of its rings, as a connected call's */
	ASSERT_EQ(0, tel_info(self->fd, port, &info));
	EXPECT_LE(1000, info.rx_frames);
	EXPECT_LE(1000, info.tx_frames);
	EXPECT_EQ(TEL_CALL_CONFERENCED, info.state);
}

/*
 * The application's party through its mapped rings, with a monitor
 * tapping it: what the application reads in place is the far parties'
 * saturated sum, what it writes in place is heard in each far party's
 * mix, and the tap sees exactly both streams, byte for byte from the
 * position at which the first TAP armed it, nothing lost.
 */
TEST_F(party, the_application_party_mapped_and_tapped)
{
	static const int levels[3] = { 20000, 16000, -2000 };	/* it clips */
	enum { HIST = 4096, WANT = 4000 };
	static uint8_t rx[2 * WANT], trx[2 * WANT + HIST], ttx[2 * WANT + HIST];
	struct tel_card_monitor mreq = { 0 };
	struct tel_call_map m = { };
	volatile struct tel_map_ctl *ctl;
	uint8_t rbuf[HIST], xbuf[HIST], voice = ulaw_enc(levels[2]);
	uint32_t port, head = 0, tail = 0, ring, nrx = 0, ntx = 0, k;
	uint64_t rx0 = ~0ULL, tx0 = 0;
	struct tel_call_info info;
	struct tel_call_tap t;
	char heard[64], want[64];
	uint8_t *base;
	uint64_t end;
	int mon, i;

	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, emu_cmd(NULL, 0, "audio %d %d level %d", CARD,
				     chan(i), levels[i]));
	add_parties(_metadata, self, 2);
	ASSERT_EQ(0, conf_self(self->fd, self->conf, TEL_CHANNEL_ANY, &port));
	ASSERT_EQ(0, tel_info(self->fd, port, &info));
	m.handle = port;
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_MAP, &m));
	base = mmap(NULL, m.length, PROT_READ | PROT_WRITE, MAP_SHARED,
		    self->fd, m.offset);
	ASSERT_NE(MAP_FAILED, base);
	ctl = (volatile struct tel_map_ctl *)(base + m.ctl_offset);
	ring = m.ring_bytes;
	mon = tel_open_card(CARD);
	ASSERT_LE(0, mon);
	ASSERT_EQ(0, ioctl(mon, TEL_IOC_CARD_MONITOR, &mreq));
	memset(&t, 0, sizeof(t));

	end = tel_test_now_ms() + TEL_WAIT_MS;
	while ((tail < WANT || ntx < WANT) && tel_test_now_ms() < end) {
		uint32_t rhead = __atomic_load_n(&ctl->rx_head,
						 __ATOMIC_ACQUIRE);
		uint32_t room = ring - (head - ctl->tx_tail);

		ASSERT_GE(ring, rhead - tail);
		for (; tail != rhead; tail++)
			if (tail < sizeof(rx))
				rx[tail] = base[m.rx_offset + tail % ring];
		__atomic_store_n(&ctl->rx_tail, tail, __ATOMIC_RELEASE);
		for (; room; room--, head++)
			base[m.tx_offset + head % ring] = voice;
		__atomic_store_n(&ctl->tx_head, head, __ATOMIC_RELEASE);
		ASSERT_EQ(1, ioctl(self->fd, TEL_IOC_CALLS_SYNC,
				   &(struct tel_calls_sync){ 0 }));

		memset(&t, 0, sizeof(t));	/* its outputs are 0 on input */
		t.id = info.id;
		t.rx_buf = (uintptr_t)rbuf;
		t.tx_buf = (uintptr_t)xbuf;
		t.rx_len = HIST;
		t.tx_len = HIST;
		ASSERT_EQ(0, ioctl(mon, TEL_IOC_CALL_TAP, &t));
		if (rx0 == ~0ULL) {
			/* the first TAP arms the history: it starts there */
			rx0 = t.rx_pos;
			tx0 = t.tx_pos;
			ASSERT_GE(HIST, rx0);
			ASSERT_GE(HIST, tx0);
		}
		ASSERT_EQ(rx0 + nrx, t.rx_pos);
		ASSERT_EQ(tx0 + ntx, t.tx_pos);
		ASSERT_EQ(0, t.rx_lost);
		ASSERT_EQ(0, t.tx_lost);
		EXPECT_EQ(TEL_CALL_CONFERENCED, t.state);
		ASSERT_GE(sizeof(trx), nrx + t.rx_len);
		ASSERT_GE(sizeof(ttx), ntx + t.tx_len);
		memcpy(trx + nrx, rbuf, t.rx_len);
		memcpy(ttx + ntx, xbuf, t.tx_len);
		nrx += t.rx_len;
		ntx += t.tx_len;
		usleep(10 * 1000);
	}
	ASSERT_LE(WANT, tail);
	ASSERT_LE(WANT, ntx);
	EXPECT_EQ(0, ctl->bad);
	EXPECT_EQ(TEL_MAP_ON_CARD, ctl->flags);
	/* the tap heard what the application read, from where it began */
	ksft_print_msg("the tap began at rx %llu, tx %llu\n",
		       (unsigned long long)rx0, (unsigned long long)tx0);
	ASSERT_LE(WANT, rx0 + nrx);
	EXPECT_EQ(0, memcmp(rx + rx0, trx, WANT - rx0));
	/* and what it said: its voice, nothing else, as far as it went */
	for (k = 0; k < ntx && k < head; k++)
		if (ttx[k] != voice)
			break;
	EXPECT_EQ(ntx, k);
	/* settled (the rings are 256 ms): the far parties' sum, clipped */
	for (k = WANT - 800; k < WANT; k++)
		if (rx[k] != mix_of(levels, 2, 2))
			break;
	EXPECT_EQ(WANT, k) {
		ksft_print_msg("read %02x at %u, want %02x\n", rx[k], k,
			       mix_of(levels, 2, 2));
	}
	/* each far party hears the other and the application's voice */
	for (i = 0; i < 2; i++) {
		uint8_t b = mix_of(levels, 3, i);

		for (k = 0; k < 16; k++)
			sprintf(want + 2 * k, "%02x", b);
		ASSERT_EQ(0, far_conf(i, "heard", heard, sizeof(heard)));
		EXPECT_STREQ(want, heard);
	}
	close(mon);
	munmap(base, m.length);
}

/*
 * Who hears whom, in DTMF: the far parties say their numbers in turn and
 * the application's READ, through the test's own detector, holds exactly
 * both; then the application WRITEs DTMF the test made, and each far
 * party's own detector hears it, and the other far party's number.
 */
TEST_F(party, the_application_hears_and_says_digits)
{
	static const char mine[] = "90#7";
	struct port_pump *p = calloc(1, sizeof(*p));
	char got[64], want[64];
	uint8_t *tones;
	uint32_t port;
	int i;

	ASSERT_NE(NULL, p);
	tones = calloc(1, 8000);
	ASSERT_NE(NULL, tones);
	add_parties(_metadata, self, 2);
	ASSERT_EQ(0, conf_self(self->fd, self->conf, 0, &port));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, emu_cmd(NULL, 0, "digits %d %d %s", CARD,
				     chan(i), number(i)));
		/* 4 digits of 80 ms and 80 ms gaps, with room */
		pump_port(_metadata, self->fd, port, p, 900);
	}
	pump_port(_metadata, self->fd, port, p, 200);
	ASSERT_GT(sizeof(p->in), p->got);
	tel_goertzel_dtmf(p->in, p->got, got, sizeof(got));
	snprintf(want, sizeof(want), "%s%s", number(0), number(1));
	ksft_print_msg("the application heard \"%s\" in %zu bytes\n", got,
		       p->got);
	EXPECT_STREQ(want, got);

	/* its own DTMF, at each far party's detector */
	memset(p, 0, sizeof(*p));
	p->out = tones;
	p->out_len = dtmf_make(tones, 8000, mine, 80, 80);
	pump_port(_metadata, self->fd, port, p, 1200);
	for (i = 0; i < 2; i++) {
		far_digits(i, got, sizeof(got));
		snprintf(want, sizeof(want), "%s%s", number(1 - i), mine);
		ksft_print_msg("far party %d heard \"%s\"\n", i, got);
		EXPECT_STREQ(want, got);
	}
	/* and never a party outside */
	far_digits(2, got, sizeof(got));
	EXPECT_STREQ("", got);
	free(tones);
	free(p);
}

/*
 * Every errno of ALLOC with TEL_ALLOC_F_CONF; nothing of a failure
 * reaches the card (no port made) or the file (no call).
 */
TEST_F(party, the_application_party_errnos)
{
	struct tel_call_alloc req = { .flags = TEL_ALLOC_F_CONF,
				      .conf = self->conf };
	struct tel_conf_member m = { .conf = self->conf };
	long ports = chan_conf_num(CARD, 0, "ports");
	uint32_t conf2, port, port2;
	unsigned int i;
	int other;

	/* EINVAL: a number with the flag; conf without it; unknown flags */
	strcpy(req.number, "100");
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
	EXPECT_EQ(EINVAL, errno);
	memset(req.number, 0, sizeof(req.number));
	req.number[TEL_NUMBER_LEN - 1] = '1';	/* not empty: any byte */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
	EXPECT_EQ(EINVAL, errno);
	memset(&req, 0, sizeof(req));
	strcpy(req.number, "100");
	req.conf = self->conf;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
	EXPECT_EQ(EINVAL, errno);
	memset(&req, 0, sizeof(req));
	req.conf = self->conf;
	for (i = 1; i < 32; i++) {
		req.flags = TEL_ALLOC_F_CONF | 1u << i;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
		EXPECT_EQ(EINVAL, errno);
	}
	req.flags = TEL_ALLOC_F_CONF;
	for (i = 0; i < 3; i++) {
		req.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
		EXPECT_EQ(EINVAL, errno);
		req.reserved[i] = 0;
	}
	/* EINVAL: a channel out of range; conf names a call, as for ADD */
	req.channel = 8;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
	EXPECT_EQ(EINVAL, errno);
	req.channel = 0;
	EXPECT_EQ(-1, conf_self(self->fd, self->h[0], 0, NULL));
	EXPECT_EQ(EINVAL, errno);
	/* ENOENT: no conference 0, none such, another file's */
	EXPECT_EQ(-1, conf_self(self->fd, 0, 0, NULL));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, conf_self(self->fd, 0x7ffffff0, 0, NULL));
	EXPECT_EQ(ENOENT, errno);
	other = tel_open_card(CARD);
	ASSERT_LE(0, other);
	EXPECT_EQ(-1, conf_self(other, self->conf, 0, NULL));
	EXPECT_EQ(ENOENT, errno);
	/* EBUSY: a channel that holds a call */
	EXPECT_EQ(-1, conf_self(self->fd, self->conf, chan(0), NULL));
	EXPECT_EQ(EBUSY, errno);
	/* EFAULT: no struct, or one that cannot be written back */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, NULL));
	EXPECT_EQ(EFAULT, errno);
	{
		struct tel_call_alloc *ro = mmap(NULL, 4096,
						 PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS,
						 -1, 0);

		ASSERT_NE(MAP_FAILED, ro);
		*ro = req;
		ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, ro));
		EXPECT_EQ(EFAULT, errno);
		munmap(ro, 4096);
	}
	/* nothing so far made a port */
	EXPECT_EQ(ports, chan_conf_num(CARD, 0, "ports"));
	EXPECT_EQ(0, emu_num_stat(CARD, 0, "state"));
	EXPECT_EQ(NPARTY, tel_sysfs_num(CARD, "calls"));

	/* EPERM: a monitor */
	{
		struct tel_card_monitor mon = { };
		int fd = tel_open_card(CARD);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_MONITOR, &mon));
		EXPECT_EQ(-1, conf_self(fd, self->conf, 0, NULL));
		EXPECT_EQ(EPERM, errno);
		close(fd);
	}

	/* the port is no far party: REMOVE EINVAL; ADD as for a member */
	ASSERT_EQ(0, conf_self(self->fd, self->conf, 0, &port));
	EXPECT_EQ(ports + 1, chan_conf_num(CARD, 0, "ports"));
	m.handle = port;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_REMOVE, &m));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, conf_add(self->fd, self->conf, port));
	EXPECT_EQ(EALREADY, errno);
	ASSERT_EQ(0, conf_setup(self->fd, &conf2, NULL));
	EXPECT_EQ(-1, conf_add(self->fd, conf2, port));
	EXPECT_EQ(EBUSY, errno);
	/* its far-party ioctls: not connected */
	{
		struct tel_call_hold hold = { .handle = port };

		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_HOLD, &hold));
		EXPECT_EQ(ENOTCONN, errno);
	}
	/* ENOSPC: it counts as a member; the card's limit, then one more */
	for (i = 0; i < MAXMEM - 1; i++)
		ASSERT_EQ(0, conf_add(self->fd, self->conf, self->h[i]));
	EXPECT_EQ(-1, conf_add(self->fd, self->conf, self->h[MAXMEM - 1]));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(-1, conf_self(self->fd, self->conf, TEL_CHANNEL_ANY, NULL));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(ports + 1, chan_conf_num(CARD, 0, "ports"));
	EXPECT_EQ(NPARTY + 1, tel_sysfs_num(CARD, "calls"));
	/* another conference takes a port as well */
	ASSERT_EQ(0, conf_self(self->fd, conf2, TEL_CHANNEL_ANY, &port2));
	EXPECT_EQ(-1, tel_dealloc(self->fd, conf2));
	EXPECT_EQ(EBUSY, errno);	/* the port is a member */
	ASSERT_EQ(0, tel_drop(self->fd, port2, 0));
	ASSERT_EQ(0, tel_dealloc(self->fd, port2));
	ASSERT_EQ(0, tel_dealloc(self->fd, conf2));
	close(other);
}

/* A result that cannot be copied back: the port is undone, as a DIAL. */
TEST_F(party, the_application_party_result_lost_makes_no_port)
{
	long ports = chan_conf_num(CARD, 0, "ports");
	long hangups = emu_num_stat(CARD, 0, "hangups");
	struct tel_call_info info;
	FILE *f = fopen("/sys/kernel/debug/tel/fail_copyout", "w");
	uint32_t h;

	if (!f)
		SKIP(return, "no /sys/kernel/debug/tel/fail_copyout");
	fprintf(f, "1\n");
	fclose(f);
	EXPECT_EQ(-1, conf_self(self->fd, self->conf, 0, &h));
	EXPECT_EQ(EFAULT, errno);
	f = fopen("/sys/kernel/debug/tel/fail_copyout", "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "0\n");
	fclose(f);
	/* the card made it and was told to end it: idle, not a member */
	EXPECT_EQ(ports + 1, chan_conf_num(CARD, 0, "ports"));
	EXPECT_EQ(hangups + 1, emu_num_stat(CARD, 0, "hangups"));
	EXPECT_EQ(0, emu_num_stat(CARD, 0, "state"));
	EXPECT_EQ(NPARTY, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(CARD, "ch0/held"));
	/* the conference still takes every member */
	ASSERT_EQ(0, conf_self(self->fd, self->conf, 0, &h));
	add_parties(_metadata, self, MAXMEM - 1);
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(TEL_CALL_CONFERENCED, info.state);
}

/*
 * DROP of the port: it leaves (the card's HANGUP), IDLE, its record and
 * audio kept until DEALLOC; the far parties go on.  DROP of the
 * conference drops a port with the far parties.
 */
TEST_F(party, drop_of_the_port_and_of_its_conference)
{
	static const int levels[3] = { 3000, -5000, 0 };
	struct port_pump *p = calloc(1, sizeof(*p));
	struct tel_call_info info;
	struct proc_line pl;
	struct tel_event ev;
	char with[32];
	uint8_t buf[64];
	uint32_t port;
	int i;

	ASSERT_NE(NULL, p);
	add_parties(_metadata, self, 2);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, emu_cmd(NULL, 0, "audio %d %d level %d", CARD,
				     chan(i), levels[i]));
	ASSERT_EQ(0, conf_self(self->fd, self->conf, 0, &port));
	ASSERT_EQ(1, proc_find(CARD, port, getpid(), &pl));
	EXPECT_STREQ("conferenced", pl.state);
	ASSERT_EQ(0, far_conf(0, "with", with, sizeof(with)));
	EXPECT_STREQ("0,2", with);
	usleep(100 * 1000);	/* audio waits in its rx ring */
	ASSERT_EQ(0, tel_drop(self->fd, port, 0));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, port, TEL_CALL_IDLE, &ev,
					  TEL_WAIT_MS));
	EXPECT_EQ(0, emu_num_stat(CARD, 0, "state"));
	ASSERT_EQ(0, far_conf(0, "with", with, sizeof(with)));
	EXPECT_STREQ("2", with);
	ASSERT_EQ(0, tel_info(self->fd, port, &info));
	EXPECT_EQ(TEL_CALL_IDLE, info.state);
	EXPECT_EQ(TEL_ORIGIN_LOCAL, info.origin);
	EXPECT_LT(0, info.rx_pending);
	/* what arrived is still readable: the far parties' sum */
	ASSERT_EQ(sizeof(buf), tel_audio(self->fd, TEL_IOC_CALL_READ, port,
					 buf, sizeof(buf), 0));
	EXPECT_EQ(mix_of(levels, 2, 2), buf[sizeof(buf) - 1]);
	EXPECT_EQ(-1, tel_audio(self->fd, TEL_IOC_CALL_WRITE, port, buf, 8,
				0));
	EXPECT_EQ(EPIPE, errno);
	ASSERT_EQ(0, tel_dealloc(self->fd, port));

	/* a new port, then DROP of the conference: it goes with the rest */
	ASSERT_EQ(0, conf_self(self->fd, self->conf, 0, &port));
	pump_port(_metadata, self->fd, port, p, 50);
	ASSERT_EQ(0, tel_drop(self->fd, self->conf, 5));
	ASSERT_EQ(0, tel_wait_state_event(self->fd, port, TEL_CALL_IDLE, &ev,
					  TEL_WAIT_MS));
	ASSERT_EQ(0, tel_info(self->fd, port, &info));
	EXPECT_EQ(TEL_ORIGIN_APPLICATION, info.origin);
	EXPECT_EQ(5, info.app_reason);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, tel_info(self->fd, self->h[i], &info));
		EXPECT_EQ(TEL_CALL_IDLE, info.state);
	}
	EXPECT_EQ(0, emu_num_stat(CARD, 0, "state"));
	ASSERT_EQ(0, tel_dealloc(self->fd, self->conf));
	ASSERT_EQ(0, tel_dealloc(self->fd, port));
	free(p);
}

/* The port's rings are a call's: a receive watermark wakes its owner. */
TEST_F(party, the_application_party_takes_watermarks)
{
	struct tel_call_watermark wm = { .rx_bytes = 160 };
	struct tel_event ev;
	uint8_t buf[2048];
	uint32_t port;

	add_parties(_metadata, self, 2);
	ASSERT_EQ(0, conf_self(self->fd, self->conf, 0, &port));
	while (tel_audio(self->fd, TEL_IOC_CALL_READ, port, buf, sizeof(buf),
			 0) > 0)
		;
	wm.handle = port;
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_WATERMARK, &wm));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_AUDIO_READY, &ev,
				    2000));
	EXPECT_EQ(port, ev.handle);
	EXPECT_EQ(TEL_WATERMARK_RX, ev.detail & TEL_WATERMARK_RX);
	EXPECT_LE(160, tel_audio(self->fd, TEL_IOC_CALL_READ, port, buf,
				 sizeof(buf), 0));
	/* a far party's member cannot be armed: its rings move nothing */
	wm.handle = self->h[0];
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_WATERMARK, &wm));
	EXPECT_EQ(ENOTCONN, errno);
}

/* Every errno of SETUP, ADD and REMOVE; each failure changes nothing. */
TEST_F(party, errnos)
{
	struct tel_conf_setup setup = { };
	struct tel_conf_member m = { .conf = self->conf, .handle = self->h[0] };
	struct tel_call_info info;
	uint32_t conf2, hd;
	unsigned int i;
	int other;

	/* EFAULT */
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_SETUP, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_ADD, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_REMOVE, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* EINVAL: SETUP's flags, its output fields, reserved */
	for (i = 0; i < 32; i++) {
		setup.flags = 1u << i;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_SETUP, &setup));
		EXPECT_EQ(EINVAL, errno);
	}
	setup.flags = 0;
	setup.handle = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_SETUP, &setup));
	EXPECT_EQ(EINVAL, errno);
	setup.handle = 0;
	setup.max_members = 4;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_SETUP, &setup));
	EXPECT_EQ(EINVAL, errno);
	setup.max_members = 0;
	for (i = 0; i < 5; i++) {
		setup.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_SETUP, &setup));
		EXPECT_EQ(EINVAL, errno);
		setup.reserved[i] = 0;
	}
	/* ADD's and REMOVE's reserved */
	for (i = 0; i < 2; i++) {
		m.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_ADD, &m));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_REMOVE, &m));
		EXPECT_EQ(EINVAL, errno);
		m.reserved[i] = 0;
	}
	/* EINVAL: a call's handle as the conference, a conference as call */
	EXPECT_EQ(-1, conf_add(self->fd, self->h[1], self->h[0]));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, conf_setup(self->fd, &conf2, NULL));
	EXPECT_EQ(-1, conf_add(self->fd, self->conf, conf2));
	EXPECT_EQ(EINVAL, errno);

	/* ENOENT: no such conference, no such call, another file's */
	EXPECT_EQ(-1, conf_add(self->fd, 0, self->h[0]));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, conf_add(self->fd, 0x7ffffff0, self->h[0]));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, conf_add(self->fd, self->conf, 0x7ffffff0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, conf_remove(self->fd, 0x7ffffff0, self->h[0]));
	EXPECT_EQ(ENOENT, errno);
	other = tel_open_card(CARD);
	ASSERT_LE(0, other);
	EXPECT_EQ(-1, conf_add(other, self->conf, self->h[0]));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, tel_drop(other, self->conf, 0));
	EXPECT_EQ(ENOENT, errno);
	close(other);

	/* nothing of the above moved a call */
	for (i = 0; i < NPARTY; i++) {
		ASSERT_EQ(0, tel_info(self->fd, self->h[i], &info));
		EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
		EXPECT_EQ(0, far_conf_num(i, "joins"));
	}

	/* ENOTCONN: REMOVE of a call that is no member */
	EXPECT_EQ(-1, conf_remove(self->fd, self->conf, self->h[0]));
	EXPECT_EQ(ENOTCONN, errno);
	/* EALREADY: the same call twice */
	ASSERT_EQ(0, conf_add(self->fd, self->conf, self->h[0]));
	EXPECT_EQ(-1, conf_add(self->fd, self->conf, self->h[0]));
	EXPECT_EQ(EALREADY, errno);
	EXPECT_EQ(1, far_conf_num(0, "joins"));
	/* EBUSY: a member of another conference, either way */
	EXPECT_EQ(-1, conf_add(self->fd, conf2, self->h[0]));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, conf_remove(self->fd, conf2, self->h[0]));
	EXPECT_EQ(EBUSY, errno);
	/* ENOSPC: the card's limit, then one more */
	for (i = 1; i < MAXMEM; i++)
		ASSERT_EQ(0, conf_add(self->fd, self->conf, self->h[i]));
	EXPECT_EQ(-1, conf_add(self->fd, self->conf, self->h[MAXMEM]));
	EXPECT_EQ(ENOSPC, errno);
	ASSERT_EQ(0, tel_info(self->fd, self->h[MAXMEM], &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(0, far_conf_num(MAXMEM, "joins"));
	/* the other conference still takes it */
	ASSERT_EQ(0, conf_add(self->fd, conf2, self->h[MAXMEM]));

	/* ENOTCONN: a call still dialing, one the far end cleared */
	emu_cmd(NULL, 0, "far %d 6 silent", CARD);
	ASSERT_EQ(0, tel_alloc(self->fd, 6, "2066", &hd));
	EXPECT_EQ(-1, conf_add(self->fd, conf2, hd));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, tel_drop(self->fd, hd, 0));
	EXPECT_EQ(-1, conf_add(self->fd, conf2, hd));
	EXPECT_EQ(ENOTCONN, errno);
	ASSERT_EQ(0, tel_dealloc(self->fd, hd));
	emu_cmd(NULL, 0, "far %d 6 answer 20", CARD);
}

/* A monitor may not set up, add or remove: EPERM, before anything. */
TEST_F(party, monitor_may_not_act)
{
	struct tel_card_monitor req = { };
	struct tel_conf_setup setup = { .flags = 1 };
	struct tel_conf_member m = { .conf = self->conf,
				     .handle = self->h[0] };
	int mon = tel_open_card(CARD);

	ASSERT_LE(0, mon);
	ASSERT_EQ(0, ioctl(mon, TEL_IOC_CARD_MONITOR, &req));
	EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CONF_SETUP, &setup));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CONF_ADD, &m));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CONF_REMOVE, &m));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(mon, TEL_IOC_CONF_ADD, NULL));
	EXPECT_EQ(EPERM, errno);
	close(mon);
	EXPECT_EQ(0, far_conf_num(0, "joins"));
}

/*
 * The card is untrusted: a channel that goes CONF, or back, with no
 * command asking is counted and not believed; a JOIN the card completes
 * with a status JOIN never has answers EIO.  On card BARE, rebound after.
 */
TEST(a_card_that_conferences_on_its_own_is_not_believed)
{
	struct tel_call_info info;
	struct tel_event ev;
	uint32_t conf, h[3];
	long errors;
	int fd, i;

	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	errors = tel_sysfs_num(BARE, "card_errors");
	ASSERT_LE(0, errors);
	ASSERT_EQ(0, conf_setup(fd, &conf, NULL));
	for (i = 0; i < 3; i++) {
		emu_cmd(NULL, 0, "far %d %d answer 20", BARE, i);
		ASSERT_EQ(0, tel_alloc(fd, i, number(i), &h[i]));
		ASSERT_EQ(0, tel_wait_state(fd, h[i], TEL_CALL_CONNECTED,
					    TEL_WAIT_MS));
	}
	ASSERT_EQ(0, emu_cmd(NULL, 0, "lie %d 0 conf", BARE));
	usleep(200 * 1000);
	ASSERT_EQ(0, tel_info(fd, h[0], &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(errors + 1, tel_sysfs_num(BARE, "card_errors"));

	ASSERT_EQ(0, conf_add(fd, conf, h[1]));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "lie %d 1 unconf", BARE));
	usleep(200 * 1000);
	ASSERT_EQ(0, tel_info(fd, h[1], &info));
	EXPECT_EQ(TEL_CALL_CONFERENCED, info.state);
	EXPECT_EQ(errors + 2, tel_sysfs_num(BARE, "card_errors"));

	/*
	 * BADADDR, which JOIN never answers, after the card did join: EIO.
	 * The card's STATE (CONF), written before, is believed if it was
	 * handled while the JOIN ran (the call is then a member, as the
	 * card says), else it is a lie; either way the two agree.
	 */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "lie %d 2 cmd-status 3", BARE));
	EXPECT_EQ(-1, conf_add(fd, conf, h[2]));
	EXPECT_EQ(EIO, errno);
	usleep(200 * 1000);
	while (!tel_wait_event(fd, TEL_EVENT_STATE, &ev, 100))
		;
	ASSERT_EQ(0, tel_info(fd, h[2], &info));
	if (info.state == TEL_CALL_CONFERENCED) {
		EXPECT_EQ(errors + 2, tel_sysfs_num(BARE, "card_errors"));
		EXPECT_EQ(0, conf_remove(fd, conf, h[2]));
	} else {
		EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
		EXPECT_EQ(errors + 3, tel_sysfs_num(BARE, "card_errors"));
		EXPECT_EQ(-1, conf_remove(fd, conf, h[2]));
		EXPECT_EQ(ENOTCONN, errno);
	}
	close(fd);
	EXPECT_EQ(0, tel_rebind(BARE));
}

/*
 * A card without conferences: no feature, EOPNOTSUPP for each ioctl,
 * nothing asked of the card; then a card that is gone: ENODEV.
 */
/* @n CONNECTED calls on BARE's channels 1..@n, into @h. */
static int bare_calls(int fd, int n, uint32_t *h)
{
	int i;

	for (i = 0; i < n; i++) {
		emu_cmd(NULL, 0, "far %d %d answer 20", BARE, i + 1);
		if (tel_alloc(fd, i + 1, "100", &h[i]) ||
		    tel_wait_state(fd, h[i], TEL_CALL_CONNECTED, TEL_WAIT_MS))
			return -1;
	}
	return 0;
}

/*
 * TEL_ID_CONF_MEMBERS is the card's word, checked at probe: a limit that
 * makes no conference (under 3, or more than the channels any card may
 * have) is no conference capability; a smaller one than the card mixes
 * is the driver's limit, enforced without asking the card; a larger one
 * is met by the card's own FULL.  Either way the call that does not fit
 * is left as it was.  On BARE, rebound for each value.
 */
TEST(a_card_that_lies_about_its_members)
{
	static const unsigned long none[] = { 0, 2, 0xffffffffUL };
	struct tel_card_info ci = { };
	uint32_t conf, max, h[MAXMEM + 1];
	struct tel_call_info info;
	char reply[512];
	unsigned int v;
	long cmds;
	int fd, i;

	for (v = 0; v < sizeof(none) / sizeof(none[0]); v++) {
		ASSERT_EQ(0, emu_cmd(NULL, 0, "members %d %lu", BARE, none[v]));
		ASSERT_EQ(0, tel_rebind(BARE));
		fd = tel_open_card(BARE);
		ASSERT_LE(0, fd);
		memset(&ci, 0, sizeof(ci));
		ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &ci)) {
			ksft_print_msg("members %lu: %s\n", none[v],
				       strerror(errno));
		}
		EXPECT_EQ(0, ci.features & TEL_FEAT_CONFERENCE);
		EXPECT_EQ(0, ci.features & TEL_FEAT_CONF_PARTY);
		EXPECT_EQ(-1, conf_setup(fd, &conf, NULL));
		EXPECT_EQ(EOPNOTSUPP, errno);
		close(fd);
	}

	/* 3 said, 4 mixed: the driver's count refuses the 4th, unasked */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "members %d 3", BARE));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, conf_setup(fd, &conf, &max));
	EXPECT_EQ(3, max);
	ASSERT_EQ(0, bare_calls(fd, MAXMEM, h));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, conf_add(fd, conf, h[i]));
	ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "card %d", BARE));
	cmds = emu_num(reply, "commands");
	EXPECT_EQ(-1, conf_add(fd, conf, h[3]));
	EXPECT_EQ(ENOSPC, errno);
	ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "card %d", BARE));
	EXPECT_EQ(cmds, emu_num(reply, "commands"));	/* never asked */
	EXPECT_EQ(CHST_CONNECTED, emu_num_stat(BARE, 4, "state"));
	ASSERT_EQ(0, tel_info(fd, h[3], &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	close(fd);

	/* 8 said, 4 mixed: the card's FULL refuses the 5th */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "members %d 8", BARE));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, conf_setup(fd, &conf, &max));
	EXPECT_EQ(8, max);
	ASSERT_EQ(0, bare_calls(fd, MAXMEM + 1, h));
	for (i = 0; i < MAXMEM; i++)
		ASSERT_EQ(0, conf_add(fd, conf, h[i]));
	EXPECT_EQ(-1, conf_add(fd, conf, h[MAXMEM]));
	EXPECT_EQ(ENOSPC, errno);
	ASSERT_EQ(0, tel_info(fd, h[MAXMEM], &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(CHST_CONNECTED, emu_num_stat(BARE, MAXMEM + 1, "state"));
	close(fd);

	ASSERT_EQ(0, emu_cmd(NULL, 0, "members %d 4", BARE));
	ASSERT_EQ(0, tel_rebind(BARE));
}

TEST(card_without_conference_then_gone)
{
	struct tel_card_info ci = { };
	struct tel_event ev;
	char info[256];
	uint32_t conf, h;
	unsigned long caps;
	int fd;

	ASSERT_EQ(0, emu_cmd(info, sizeof(info), "info %d", BARE));
	caps = emu_hex(info, "caps");
	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x%lx", BARE,
			     caps & ~0x80UL));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &ci));
	EXPECT_EQ(0, ci.features & TEL_FEAT_CONFERENCE);
	/* a port without conferences is none: the driver drops the cap */
	EXPECT_EQ(0, ci.features & TEL_FEAT_CONF_PARTY);
	EXPECT_EQ(-1, conf_setup(fd, &conf, NULL));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, conf_self(fd, 1, 0, NULL));
	EXPECT_EQ(EOPNOTSUPP, errno);
	emu_cmd(NULL, 0, "far %d 2 answer 20", BARE);
	ASSERT_EQ(0, tel_alloc(fd, 2, "100", &h));
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	EXPECT_EQ(-1, conf_add(fd, 1, h));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, conf_remove(fd, 1, h));
	EXPECT_EQ(EOPNOTSUPP, errno);
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));
	close(fd);

	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x%lx", BARE, caps | 0x80UL));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, conf_setup(fd, &conf, NULL));
	ASSERT_EQ(0, tel_alloc(fd, 2, "100", &h));
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	ASSERT_EQ(0, conf_add(fd, conf, h));
	/* a status that does not exist: EIO, and the card is failed */
	ASSERT_EQ(0, emu_cmd(NULL, 0, "lie %d 2 cmd-status 99", BARE));
	EXPECT_EQ(-1, conf_remove(fd, conf, h));
	EXPECT_EQ(EIO, errno);
	ASSERT_EQ(0, tel_wait_event(fd, TEL_EVENT_CARD_GONE, &ev,
				    TEL_WAIT_MS));
	EXPECT_EQ(-1, conf_remove(fd, conf, h));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, conf_add(fd, conf, h));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, conf_setup(fd, &conf, NULL));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, conf_self(fd, conf, TEL_CHANNEL_ANY, NULL));
	EXPECT_EQ(ENODEV, errno);
	/* the member was DISCONNECTED with the card, out of the conference */
	ASSERT_EQ(0, tel_wait_state(fd, h, TEL_CALL_DISCONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_drop(fd, h, 0));
	ASSERT_EQ(0, tel_dealloc(fd, h));
	ASSERT_EQ(0, tel_dealloc(fd, conf));
	close(fd);
	ASSERT_EQ(0, tel_rebind(BARE));
}

/*
 * A card without TEL_CAP_CONF_PORT: conferences, but no feature bit, no
 * "conf_party" in sysfs, ALLOC with the flag EOPNOTSUPP and nothing asked
 * of the card.  Then with it again, on card BARE: a card that takes the
 * port out of its conference on its own is not believed.
 */
TEST(card_without_conference_port)
{
	struct tel_card_info ci = { };
	struct tel_call_info info;
	char info_reply[256], buf[256];
	uint32_t conf, port;
	unsigned long caps;
	long errors, ports;
	int fd;

	ASSERT_EQ(0, emu_cmd(info_reply, sizeof(info_reply), "info %d", BARE));
	caps = emu_hex(info_reply, "caps");
	ASSERT_EQ(0x200UL, caps & 0x200UL);
	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x%lx", BARE, caps & ~0x200UL));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &ci));
	EXPECT_EQ(0, ci.features & TEL_FEAT_CONF_PARTY);
	EXPECT_EQ(TEL_FEAT_CONFERENCE, ci.features & TEL_FEAT_CONFERENCE);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", BARE);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_EQ(NULL, strstr(buf, "conf_party"));
	ports = chan_conf_num(BARE, 0, "ports");
	ASSERT_EQ(0, conf_setup(fd, &conf, NULL));
	EXPECT_EQ(-1, conf_self(fd, conf, 0, NULL));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(ports, chan_conf_num(BARE, 0, "ports"));
	EXPECT_EQ(0, emu_num_stat(BARE, 0, "state"));
	close(fd);

	ASSERT_EQ(0, emu_cmd(NULL, 0, "caps %d 0x%lx", BARE, caps));
	ASSERT_EQ(0, tel_rebind(BARE));
	fd = tel_open_card(BARE);
	ASSERT_LE(0, fd);
	memset(&ci, 0, sizeof(ci));	/* every field is output */
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &ci));
	EXPECT_EQ(TEL_FEAT_CONF_PARTY, ci.features & TEL_FEAT_CONF_PARTY);
	snprintf(buf, sizeof(buf), "/sys/class/tel/tel%d/features", BARE);
	ASSERT_EQ(0, tel_read_sysfs(buf, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, " conf_party"));
	errors = tel_sysfs_num(BARE, "card_errors");
	ASSERT_EQ(0, conf_setup(fd, &conf, NULL));
	ASSERT_EQ(0, conf_self(fd, conf, 0, &port));
	ASSERT_EQ(0, emu_cmd(NULL, 0, "lie %d 0 unconf", BARE));
	usleep(200 * 1000);
	ASSERT_EQ(0, tel_info(fd, port, &info));
	EXPECT_EQ(TEL_CALL_CONFERENCED, info.state);
	EXPECT_EQ(errors + 1, tel_sysfs_num(BARE, "card_errors"));
	ASSERT_EQ(0, tel_drop(fd, port, 0));
	ASSERT_EQ(0, tel_dealloc(fd, port));
	close(fd);
	EXPECT_EQ(0, tel_rebind(BARE));
}

/* /proc names the new state. */
TEST_F(party, proc_shows_conferenced)
{
	struct proc_line pl;

	add_parties(_metadata, self, 2);
	ASSERT_EQ(1, proc_find(CARD, self->h[0], getpid(), &pl));
	EXPECT_STREQ("conferenced", pl.state);
}

TEST_HARNESS_MAIN
