// SPDX-License-Identifier: GPL-2.0
/*
 * list_test.c - TEL_IOC_CALL_LIST: the calls of a card as fixed-size
 * records, each errno on its own, the count query, and who may see the
 * numbers (the opener's credentials, as /proc/driver/tel/calls).
 *
 * Card 0 of the VM, with the emulator playing the far end.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include "tel_test.h"
#include "kselftest_harness.h"

#define CARD		0
#define NOBODY		65534
#define SENTINEL	0xdeadbeefU	/* an output field set on input */

static int tel_list(int fd, struct tel_call_list_entry *e, uint32_t cap,
		    uint32_t *count)
{
	struct tel_call_list req = {
		.entries = (uintptr_t)e,
		.capacity = cap,
	};
	int ret = ioctl(fd, TEL_IOC_CALL_LIST, &req);

	if (count)
		*count = req.count;
	return ret;
}

/* The entry of (channel, handle): handles are per file, channels not. */
static const struct tel_call_list_entry *
find(const struct tel_call_list_entry *e, uint32_t n, uint32_t channel,
     uint32_t handle)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (e[i].channel == channel && e[i].handle == handle &&
		    e[i].owner == TEL_OWNER_FILE)
			return &e[i];
	return NULL;
}

FIXTURE(list) {
	int fd;
};

FIXTURE_SETUP(list)
{
	int ch;

	for (ch = 0; ch < 8; ch++)
		emu_cmd(NULL, 0, "far %d %d answer 20", CARD, ch);
	self->fd = tel_open_card(CARD);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(list)
{
	close(self->fd);
}

/* No calls: count 0, and nothing written. */
TEST_F(list, empty_card_lists_nothing)
{
	uint32_t count;

	ASSERT_EQ(0, tel_list(self->fd, NULL, 0, &count));
	EXPECT_EQ(0u, count);
	ASSERT_EQ(0, tel_list(self->fd, NULL, 4, &count));
	EXPECT_EQ(0u, count);
}

/* The fields of a live call and of a dropped one, as CALL_INFO has them. */
TEST_F(list, lists_live_and_dropped_calls)
{
	struct tel_call_list_entry e[8];
	const struct tel_call_list_entry *a, *b;
	struct tel_call_info info;
	uint32_t ha, hb, count;

	ASSERT_EQ(0, tel_alloc(self->fd, 0, "5550100", &ha));
	ASSERT_EQ(0, tel_wait_state(self->fd, ha, TEL_CALL_CONNECTED,
				    TEL_WAIT_MS));
	ASSERT_EQ(0, tel_alloc(self->fd, 1, "5550101", &hb));
	ASSERT_EQ(0, tel_drop(self->fd, hb, 0));

	ASSERT_EQ(0, tel_list(self->fd, NULL, 0, &count));
	EXPECT_EQ(2u, count);
	EXPECT_EQ(tel_sysfs_num(CARD, "calls"), (long)count);
	memset(e, 0xaa, sizeof(e));
	ASSERT_EQ(0, tel_list(self->fd, e, 8, &count));
	ASSERT_EQ(2u, count);

	a = find(e, count, 0, ha);
	b = find(e, count, 1, hb);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(0u, a->card);
	EXPECT_EQ(0u, a->channel);
	EXPECT_EQ(getpid(), a->pid);
	EXPECT_EQ(getuid(), a->uid);
	EXPECT_EQ(TEL_CALL_CONNECTED, a->state);
	EXPECT_EQ(TEL_DIR_OUTBOUND, a->direction);
	EXPECT_EQ(TEL_ORIGIN_NONE, a->origin);
	EXPECT_EQ(0u, a->disconnect_mode);
	EXPECT_EQ(TEL_OWNER_FILE, a->owner);
	EXPECT_EQ(0u, a->flags);
	EXPECT_EQ(4096u, a->dma_bytes);
	EXPECT_STREQ("5550100", a->called);
	EXPECT_STREQ("", a->calling);
	EXPECT_EQ(0u, a->reserved[0] | a->reserved[1] | a->reserved[2]);
	EXPECT_NE(0u, a->id);	/* the card-wide id (TEL_FEAT_MONITOR) */
	EXPECT_NE(a->id, b->id);

	EXPECT_EQ(1u, b->channel);
	EXPECT_EQ(TEL_CALL_IDLE, b->state);
	EXPECT_EQ(TEL_ORIGIN_LOCAL, b->origin);
	EXPECT_EQ(TEL_DISC_NORMAL, b->disconnect_mode);
	EXPECT_STREQ("5550101", b->called);

	/* frozen counters of the dropped call agree with its record */
	ASSERT_EQ(0, tel_info(self->fd, hb, &info));
	EXPECT_EQ(info.rx_frames, b->rx_frames);
	EXPECT_EQ(info.tx_frames, b->tx_frames);
	EXPECT_EQ(info.rx_bytes, b->rx_bytes);
	EXPECT_EQ(info.rx_overruns, b->rx_overruns);
	EXPECT_EQ(info.duration_ns, b->duration_ns);

	/* after DEALLOC the call is gone from the list */
	ASSERT_EQ(0, tel_dealloc(self->fd, hb));
	ASSERT_EQ(0, tel_list(self->fd, e, 8, &count));
	EXPECT_EQ(1u, count);
	EXPECT_EQ(NULL, find(e, count, 1, hb));
}

/* Another file's calls are listed too: the listing is the card's. */
TEST_F(list, lists_calls_of_other_files)
{
	struct tel_call_list_entry e[4];
	int other = tel_open_card(CARD);
	uint32_t h, count;

	ASSERT_LE(0, other);
	ASSERT_EQ(0, tel_alloc(other, 2, "5550102", &h));
	ASSERT_EQ(0, tel_list(self->fd, e, 4, &count));
	ASSERT_EQ(1u, count);
	EXPECT_EQ(h, e[0].handle);
	EXPECT_EQ(2u, e[0].channel);
	close(other);	/* drops and deallocates it */
	ASSERT_EQ(0, tel_list(self->fd, NULL, 0, &count));
	EXPECT_EQ(0u, count);
}

TEST_F(list, unknown_flags_are_einval)
{
	struct tel_call_list req = { .flags = 1 };
	uint32_t h;

	ASSERT_EQ(0, tel_alloc(self->fd, 1, "5550101", &h));
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_LIST, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0u, req.count);	/* not written: 1 otherwise */
}

/* count is output only: set on input, EINVAL and nothing written */
TEST_F(list, output_count_set_is_einval)
{
	struct tel_call_list_entry e[2];
	struct tel_call_list req = {
		.entries = (uintptr_t)e,
		.capacity = 2,
		.count = SENTINEL,
	};
	uint32_t h;

	memset(e, 0xaa, sizeof(e));
	ASSERT_EQ(0, tel_alloc(self->fd, 1, "5550101", &h));
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_LIST, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(SENTINEL, req.count);
	EXPECT_EQ(0xaaaaaaaaU, e[0].handle);
	req.count = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_LIST, &req));
	EXPECT_EQ(EINVAL, errno);
	req.count = 0;
	ASSERT_EQ(0, ioctl(self->fd, TEL_IOC_CALL_LIST, &req));
	EXPECT_EQ(1u, req.count);
	EXPECT_EQ(h, e[0].handle);
}

TEST_F(list, reserved_fields_are_einval)
{
	unsigned int i;

	for (i = 0; i < 5; i++) {
		struct tel_call_list req = { 0 };

		req.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_LIST, &req));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(0u, req.count);
	}
}

TEST_F(list, unreadable_struct_is_efault)
{
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CALL_LIST, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/* A bad entries pointer: EFAULT, count untouched, the calls unchanged. */
TEST_F(list, unwritable_entries_are_efault)
{
	struct tel_call_list_entry e[2];
	struct tel_call_info info;
	uint32_t h, count;

	ASSERT_EQ(0, tel_alloc(self->fd, 3, "5550103", &h));
	EXPECT_EQ(-1, tel_list(self->fd, (void *)8, 2, &count));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0u, count);	/* not written: 1 otherwise */
	ASSERT_EQ(0, tel_info(self->fd, h, &info));
	EXPECT_NE(TEL_CALL_IDLE, info.state);
	ASSERT_EQ(0, tel_list(self->fd, e, 2, &count));
	EXPECT_EQ(1u, count);
	EXPECT_EQ(h, e[0].handle);
}

/* Too small: ENOSPC, nothing written; the count query sizes the retry. */
TEST_F(list, small_capacity_is_enospc)
{
	struct tel_call_list_entry e[3], pad;
	uint32_t h1, h2, count;

	ASSERT_EQ(0, tel_alloc(self->fd, 4, "5550104", &h1));
	ASSERT_EQ(0, tel_alloc(self->fd, 5, "5550105", &h2));
	memset(e, 0xaa, sizeof(e));
	memset(&pad, 0xaa, sizeof(pad));
	EXPECT_EQ(-1, tel_list(self->fd, e, 1, &count));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(0u, count);	/* not written: 2 otherwise */
	EXPECT_EQ(0, memcmp(&e[0], &pad, sizeof(pad)));

	ASSERT_EQ(0, tel_list(self->fd, NULL, 0, &count));
	EXPECT_EQ(2u, count);
	ASSERT_EQ(0, tel_list(self->fd, e, count, &count));
	EXPECT_EQ(2u, count);
	EXPECT_EQ(0, memcmp(&e[2], &pad, sizeof(pad)));	/* past count */
}

/*
 * In a child that is nobody: root's call shows no numbers to a file
 * nobody opened, but does to the file root opened (the opener's
 * credentials count, not the caller's); nobody's own call shows them.
 * Returns a bit per failed check.
 */
static int nobody_child(int root_fd, uint32_t root_handle)
{
	struct tel_call_list_entry e[8];
	const struct tel_call_list_entry *c;
	uint32_t count, h;
	int fd, bad = 0;

	if (setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return 0x80;
	if (tel_list(root_fd, e, 8, &count) ||
	    !(c = find(e, count, 6, root_handle)) ||
	    strcmp(c->called, "5550106") || c->flags)
		bad |= 0x1;
	fd = tel_open_card(CARD);
	if (fd < 0)
		return 0x40;
	if (tel_list(fd, e, 8, &count) ||
	    !(c = find(e, count, 6, root_handle)) ||
	    c->called[0] || c->calling[0] ||
	    !(c->flags & TEL_LIST_F_HIDDEN) || c->uid != 0)
		bad |= 0x2;
	if (tel_alloc(fd, 7, "5550107", &h) ||
	    tel_list(fd, e, 8, &count) || !(c = find(e, count, 7, h)) ||
	    strcmp(c->called, "5550107") || c->flags || c->uid != NOBODY)
		bad |= 0x4;
	close(fd);
	return bad;
}

TEST_F(list, numbers_only_to_owner_by_opener_credentials)
{
	struct stat st;
	uint32_t h;
	pid_t pid;
	int status;

	ASSERT_EQ(0, tel_alloc(self->fd, 6, "5550106", &h));
	ASSERT_EQ(0, stat("/dev/tel0", &st));
	ASSERT_EQ(0, chmod("/dev/tel0", 0666));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(nobody_child(self->fd, h));
	waitpid(pid, &status, 0);
	chmod("/dev/tel0", st.st_mode & 07777);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
