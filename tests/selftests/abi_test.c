// SPDX-License-Identifier: GPL-2.0
/*
 * abi_test.c - the Common rules of Documentation/userspace-api.rst, for
 * every ioctl: output and reserved fields must come in zero, and a failed
 * ioctl changes nothing, also when its result cannot be copied back (the
 * struct is readable but not writable).
 *
 * Card 0 of the VM, driven from the far end by the emulator.
 */
#include <stddef.h>
#include <sys/mman.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD	0

/* A copy of @src in a page that can be read but not written. */
static void *readonly_copy(const void *src, size_t len)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, src, len);
	if (mprotect(p, 4096, PROT_READ)) {
		munmap(p, 4096);
		return NULL;
	}
	return p;
}

FIXTURE(abi) {
	int fd;
};

FIXTURE_SETUP(abi)
{
	emu_cmd(NULL, 0, "far %d 0 answer 20", CARD);
	emu_cmd(NULL, 0, "audio %d 0 pattern", CARD);
	self->fd = tel_open_card(CARD);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(abi)
{
	close(self->fd);
}

static uint32_t connect_call(struct __test_metadata *_metadata, int fd)
{
	uint32_t h = 0;

	EXPECT_EQ(0, tel_alloc(fd, 0, "5551234", &h));
	EXPECT_EQ(0, tel_wait_state(fd, h, TEL_CALL_CONNECTED, TEL_WAIT_MS));
	return h;
}

TEST_F(abi, ioctl_magic_is_0xb9_and_old_one_is_enotty)
{
	struct tel_card_info info = { };
	unsigned long old = _IOC(_IOC_READ | _IOC_WRITE, 0xB7, 0,
				 sizeof(info));

	EXPECT_EQ(0xB9, _IOC_TYPE(TEL_IOC_CARD_INFO));
	EXPECT_EQ(-1, ioctl(self->fd, old, &info));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(abi, card_info_reports_abi_version_and_features)
{
	struct tel_card_info info = { };

	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CARD_INFO, &info));
	EXPECT_EQ(TEL_ABI_VERSION, info.abi_version);
	EXPECT_EQ(0, info.flags);	/* not gone */
	/* TEL_IOC_CALL_LIST is there, and announced */
	EXPECT_EQ(TEL_FEAT_CALL_LIST, info.features & TEL_FEAT_CALL_LIST);
	/* mapped rings, on 4 KiB pages */
	EXPECT_EQ(TEL_FEAT_MMAP, info.features & TEL_FEAT_MMAP);
	ksft_print_msg("abi_version %u features 0x%llx\n", info.abi_version,
		       (unsigned long long)info.features);
}

/* Every field of tel_card_info is output: one byte set anywhere: EINVAL. */
TEST_F(abi, card_info_any_input_byte_is_einval)
{
	struct tel_card_info info;
	size_t i;

	for (i = 0; i < sizeof(info); i++) {
		memset(&info, 0, sizeof(info));
		((uint8_t *)&info)[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CARD_INFO, &info))
			TH_LOG("byte %zu", i);
		EXPECT_EQ(EINVAL, errno);
		/* and nothing was written back */
		EXPECT_EQ(1, ((uint8_t *)&info)[i]);
	}
}

/* Only the handle of tel_call_info is input. */
TEST_F(abi, call_info_any_input_byte_but_handle_is_einval)
{
	struct tel_call_info info;
	uint32_t h;
	size_t i;

	ASSERT_EQ(0, tel_alloc(self->fd, 0, "100", &h));
	for (i = sizeof(info.handle); i < sizeof(info); i++) {
		memset(&info, 0, sizeof(info));
		info.handle = h;
		((uint8_t *)&info)[i] = 0x80;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_INFO, &info))
			TH_LOG("byte %zu", i);
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(h, info.handle);
}

/*
 * Each reserved word of DROP, DIGITS, MONITOR, FLASH and DEALLOC, set:
 * EINVAL, and the call is as it was (still connected, no digit sent, no
 * flash made, still allocated).
 */
#define SET_RESERVED(req, i)	((req).reserved[(i)] = 1u << (i))
#define NR_RESERVED(req)	(sizeof((req).reserved) / sizeof((req).reserved[0]))

TEST_F(abi, reserved_words_are_einval_and_change_nothing)
{
	struct tel_call_party party = { 0 };
	struct tel_call_info info;
	uint32_t h = connect_call(_metadata, self->fd);
	unsigned int i;

	for (i = 0; i < NR_RESERVED((struct tel_call_drop){ 0 }); i++) {
		struct tel_call_drop d = { .handle = h };

		SET_RESERVED(d, i);
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_DROP, &d));
		EXPECT_EQ(EINVAL, errno) TH_LOG("drop reserved[%u]", i);
	}
	for (i = 0; i < NR_RESERVED((struct tel_call_digits){ 0 }); i++) {
		struct tel_call_digits d = { .handle = h, .digits = "1" };

		SET_RESERVED(d, i);
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_DIGITS, &d));
		EXPECT_EQ(EINVAL, errno) TH_LOG("digits reserved[%u]", i);
	}
	for (i = 0; i < NR_RESERVED((struct tel_call_monitor){ 0 }); i++) {
		struct tel_call_monitor m = {
			.handle = h, .flags = TEL_MONITOR_F_DIGITS,
		};

		SET_RESERVED(m, i);
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_MONITOR, &m));
		EXPECT_EQ(EINVAL, errno) TH_LOG("monitor reserved[%u]", i);
	}
	for (i = 0; i < NR_RESERVED((struct tel_call_flash){ 0 }); i++) {
		struct tel_call_flash f = { .handle = h, .ms = 100 };

		SET_RESERVED(f, i);
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_FLASH, &f));
		EXPECT_EQ(EINVAL, errno) TH_LOG("flash reserved[%u]", i);
	}
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	party.handle = h;
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_PARTY, &party));
	EXPECT_EQ(0u, party.digits_tx_count);
	EXPECT_EQ(0u, party.flashes);
	EXPECT_EQ(0, emu_num_stat(CARD, 0, "flashes"));

	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	ASSERT_EQ(0, tel_wait_state(self->fd, h, TEL_CALL_IDLE, TEL_WAIT_MS));
	for (i = 0; i < NR_RESERVED((struct tel_call_dealloc){ 0 }); i++) {
		struct tel_call_dealloc d = { .handle = h };

		SET_RESERVED(d, i);
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_DEALLOC, &d));
		EXPECT_EQ(EINVAL, errno) TH_LOG("dealloc reserved[%u]", i);
	}
	EXPECT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(0, tel_dealloc(self->fd, h));
}

/*
 * COMPLETE_TRANSFER is 0x1c, written only, 32 bytes; each reserved word
 * and each flag set is EINVAL, and neither call nor far party moves.
 */
TEST_F(abi, complete_transfer_reserved_words_are_einval)
{
	struct tel_call_complete_transfer req = { 0 };
	struct tel_call_info info;
	uint32_t a = connect_call(_metadata, self->fd), b = 0;
	long joins = emu_num_stat(CARD, 0, "joins");
	unsigned int i;

	EXPECT_EQ(0x1c, _IOC_NR(TEL_IOC_CALL_COMPLETE_TRANSFER));
	EXPECT_EQ(_IOC_WRITE, _IOC_DIR(TEL_IOC_CALL_COMPLETE_TRANSFER));
	EXPECT_EQ(32, _IOC_SIZE(TEL_IOC_CALL_COMPLETE_TRANSFER));
	emu_cmd(NULL, 0, "far %d 1 answer 20", CARD);
	ASSERT_EQ(0, tel_alloc(self->fd, 1, "5551235", &b));
	ASSERT_EQ(0, tel_wait_state(self->fd, b, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	req.handle = a;
	req.consult_handle = b;
	for (i = 0; i < NR_RESERVED(req); i++) {
		SET_RESERVED(req, i);
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_COMPLETE_TRANSFER,
				    &req));
		EXPECT_EQ(EINVAL, errno) TH_LOG("reserved[%u]", i);
		req.reserved[i] = 0;
	}
	req.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_COMPLETE_TRANSFER, &req));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, tel_info(self->fd, a, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	ASSERT_EQ(0, tel_info(self->fd, b, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(joins, emu_num_stat(CARD, 0, "joins"));
}

/* Only the handle of tel_call_party is input, as for tel_call_info. */
TEST_F(abi, call_party_any_input_byte_but_handle_is_einval)
{
	struct tel_call_party party;
	uint32_t h;
	size_t i;

	ASSERT_EQ(0, tel_alloc(self->fd, 0, "100", &h));
	for (i = sizeof(party.handle); i < sizeof(party); i++) {
		memset(&party, 0, sizeof(party));
		party.handle = h;
		((uint8_t *)&party)[i] = 0x80;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_PARTY, &party))
			TH_LOG("byte %zu", i);
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(0x80, ((uint8_t *)&party)[i]);
	}
	memset(&party, 0, sizeof(party));
	party.handle = h;
	EXPECT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_PARTY, &party));
}

/* ALLOC with a struct it cannot write back: the card is never told. */
TEST_F(abi, alloc_readonly_struct_is_efault_and_card_never_told)
{
	struct tel_call_alloc req = { .channel = 0 }, *ro;
	long dials = emu_num_stat(CARD, 0, "dials");

	strcpy(req.number, "100");
	ro = readonly_copy(&req, sizeof(req));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(dials, emu_num_stat(CARD, 0, "dials"));
	EXPECT_EQ(0, emu_num_stat(CARD, 0, "hook"));
	EXPECT_EQ(0, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(0, tel_sysfs_num(CARD, "dma_bytes"));
	munmap(ro, 4096);
}

/*
 * The conference commands: their numbers and sizes, every reserved word
 * of ADD and REMOVE, and a SETUP that cannot write its handle back sets
 * up nothing (the handle it took is free again: no DEALLOC finds it).
 */
TEST_F(abi, conf_numbers_reserved_words_and_readonly_setup)
{
	struct tel_conf_setup req = { }, *ro;
	uint32_t h = connect_call(_metadata, self->fd);
	struct tel_call_info info;
	unsigned int i;

	EXPECT_EQ(0x18, _IOC_NR(TEL_IOC_CONF_SETUP));
	EXPECT_EQ(32, _IOC_SIZE(TEL_IOC_CONF_SETUP));
	EXPECT_EQ(0x19, _IOC_NR(TEL_IOC_CONF_ADD));
	EXPECT_EQ(16, _IOC_SIZE(TEL_IOC_CONF_ADD));
	EXPECT_EQ(0x1a, _IOC_NR(TEL_IOC_CONF_REMOVE));
	EXPECT_EQ(16, _IOC_SIZE(TEL_IOC_CONF_REMOVE));

	ro = readonly_copy(&req, sizeof(req));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_SETUP, ro));
	EXPECT_EQ(EFAULT, errno);
	munmap(ro, 4096);
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CONF_SETUP, &req));
	EXPECT_EQ(-1, tel_dealloc(self->fd, req.handle - 1));
	EXPECT_EQ(ENOENT, errno);

	for (i = 0; i < NR_RESERVED((struct tel_conf_member){ 0 }); i++) {
		struct tel_conf_member m = { .conf = req.handle, .handle = h };

		SET_RESERVED(m, i);
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_ADD, &m));
		EXPECT_EQ(EINVAL, errno) TH_LOG("add reserved[%u]", i);
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CONF_REMOVE, &m));
		EXPECT_EQ(EINVAL, errno) TH_LOG("remove reserved[%u]", i);
	}
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(TEL_CALL_CONNECTED, info.state);
	EXPECT_EQ(0, tel_dealloc(self->fd, req.handle));
	ASSERT_EQ(0, tel_drop(self->fd, h, 0));
	EXPECT_EQ(0, tel_dealloc(self->fd, h));
}

/*
 * The application's party in a conference: a flag and a field of ALLOC,
 * taken from reserved[0] with the size and every other offset kept; the
 * conference as a card-less call; each remaining reserved word EINVAL.
 */
TEST_F(abi, alloc_conf_flag_and_field_keep_the_layout)
{
	struct tel_call_alloc req = { .flags = TEL_ALLOC_F_CONF };
	struct tel_card_info ci = { };
	struct tel_conf_setup setup = { };
	unsigned int i;

	EXPECT_EQ(0x1, TEL_ALLOC_F_CONF);
	EXPECT_EQ(0x8000ULL, TEL_FEAT_CONF_PARTY);
	EXPECT_EQ(64, sizeof(struct tel_call_alloc));
	EXPECT_EQ(64, _IOC_SIZE(TEL_IOC_CALL_ALLOC));
	EXPECT_EQ(0, offsetof(struct tel_call_alloc, channel));
	EXPECT_EQ(4, offsetof(struct tel_call_alloc, flags));
	EXPECT_EQ(8, offsetof(struct tel_call_alloc, number));
	EXPECT_EQ(40, offsetof(struct tel_call_alloc, handle));
	EXPECT_EQ(44, offsetof(struct tel_call_alloc, out_channel));
	EXPECT_EQ(48, offsetof(struct tel_call_alloc, conf));
	EXPECT_EQ(52, offsetof(struct tel_call_alloc, reserved));
	EXPECT_EQ(3, NR_RESERVED(req));
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CARD_INFO, &ci));
	EXPECT_EQ(TEL_FEAT_CONF_PARTY, ci.features & TEL_FEAT_CONF_PARTY);

	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CONF_SETUP, &setup));
	req.conf = setup.handle;
	for (i = 0; i < NR_RESERVED(req); i++) {
		SET_RESERVED(req, i);
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
		EXPECT_EQ(EINVAL, errno) TH_LOG("reserved[%u]", i);
		req.reserved[i] = 0;
	}
	/* conf without the flag: EINVAL; a call of 0 bytes came of none */
	req.flags = 0;
	strcpy(req.number, "100");
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ALLOC, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, tel_sysfs_num(CARD, "calls"));
	EXPECT_EQ(0, tel_dealloc(self->fd, setup.handle));
}

/* ANSWER with a struct it cannot write back: the offer stays offered. */
TEST_F(abi, answer_readonly_struct_is_efault_and_offer_kept)
{
	struct tel_call_answer req = { .channel = 3 }, *ro;
	struct tel_event ev;
	long answers;

	ASSERT_EQ(0, emu_cmd(NULL, 0, "offer %d 3 4711", CARD));
	ASSERT_EQ(0, tel_wait_event(self->fd, TEL_EVENT_OFFER, &ev,
				    TEL_WAIT_MS));
	answers = emu_num_stat(CARD, 3, "answers");
	ro = readonly_copy(&req, sizeof(req));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_ANSWER, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(answers, emu_num_stat(CARD, 3, "answers"));
	EXPECT_EQ(4, emu_num_stat(CARD, 3, "state"));	/* still offering */
	EXPECT_EQ(0, tel_sysfs_num(CARD, "calls"));
	/* the offer is still there for a good ANSWER */
	EXPECT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_ANSWER, &req));
	EXPECT_NE(0, req.handle);
	munmap(ro, 4096);
}

/*
 * READ with a struct it cannot write back: the bytes reach the buffer,
 * but they are not consumed: the next READ returns the same bytes.
 */
TEST_F(abi, read_readonly_struct_is_efault_and_consumes_nothing)
{
	uint8_t failed[64], again[64];
	struct tel_call_audio req, *ro;
	struct tel_call_info info;
	uint32_t h = connect_call(_metadata, self->fd);
	uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;

	do {
		ASSERT_EQ(0, tel_info(self->fd, h, &info));
	} while (info.rx_pending < sizeof(failed) && tel_test_now_ms() < end);
	ASSERT_LE(sizeof(failed), info.rx_pending);

	memset(failed, 0, sizeof(failed));
	req = (struct tel_call_audio){
		.handle = h, .buf = (uintptr_t)failed, .len = sizeof(failed),
	};
	ro = readonly_copy(&req, sizeof(req));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_READ, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(sizeof(failed), ro->len);	/* not written */

	EXPECT_EQ((int)sizeof(again), tel_audio(self->fd, TEL_IOC_CALL_READ,
						h, again, sizeof(again), 0));
	EXPECT_EQ(0, memcmp(failed, again, sizeof(again)));
	munmap(ro, 4096);
}

/* WRITE with a struct it cannot write back: nothing is queued. */
TEST_F(abi, write_readonly_struct_is_efault_and_queues_nothing)
{
	struct tel_call_audio req, *ro;
	struct tel_call_info info;
	uint32_t h = connect_call(_metadata, self->fd);
	uint8_t buf[256];

	memset(buf, 0x55, sizeof(buf));
	req = (struct tel_call_audio){
		.handle = h, .buf = (uintptr_t)buf, .len = sizeof(buf),
	};
	ro = readonly_copy(&req, sizeof(req));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_WRITE, ro));
	EXPECT_EQ(EFAULT, errno);
	usleep(100 * 1000);	/* 100 frame ticks: room to send it */
	EXPECT_EQ(0, emu_num_stat(CARD, 0, "far_rx_bytes"));
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_EQ(0, info.tx_frames);
	/* a retry sends it exactly once */
	EXPECT_EQ((int)sizeof(buf), tel_audio(self->fd, TEL_IOC_CALL_WRITE,
					      h, buf, sizeof(buf), 0));
	{
		uint64_t end = tel_test_now_ms() + TEL_WAIT_MS;

		while (emu_num_stat(CARD, 0, "far_rx_bytes") < (long)sizeof(buf) &&
		       tel_test_now_ms() < end)
			usleep(10 * 1000);
	}
	EXPECT_EQ((long)sizeof(buf), emu_num_stat(CARD, 0, "far_rx_bytes"));
	munmap(ro, 4096);
}

/*
 * MAP whose offset cannot be copied back: EFAULT, and the offset it made
 * is revoked at once (the next MAP hands out the one after it).
 */
TEST_F(abi, map_readonly_struct_is_efault_and_maps_nothing)
{
	struct tel_call_map req, *ro;
	uint32_t h = connect_call(_metadata, self->fd);
	void *p;

	req = (struct tel_call_map){ .handle = h };
	ro = readonly_copy(&req, sizeof(req));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_MAP, ro));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_MAP, &req));
	ASSERT_LE(req.length, req.offset);
	p = mmap(NULL, req.length, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, req.offset - req.length);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, req.length, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, req.offset);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, req.length);
	munmap(ro, 4096);
}

TEST_HARNESS_MAIN
