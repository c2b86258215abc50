// SPDX-License-Identifier: GPL-2.0
/*
 * card_test.c - the card is found, identified and its ioctl ABI is strict
 *
 * Run in the VM with two emulated cards and one plain ivshmem device
 * (tests/vm/run --cards 2 --plain-ivshmem).
 */
#include <dirent.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "tel_test.h"
#include "kselftest_harness.h"

FIXTURE(card) {
	int fd;
};

FIXTURE_SETUP(card)
{
	self->fd = tel_open_card(0);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/tel0: %s", strerror(errno));
}

FIXTURE_TEARDOWN(card)
{
	close(self->fd);
}

TEST(module_loaded)
{
	struct stat st;

	ASSERT_EQ(0, stat("/sys/module/tel", &st));
	ASSERT_EQ(0, stat("/sys/bus/pci/drivers/tel", &st));
}

TEST(dev_node_is_char_device_of_class_device)
{
	char buf[32] = "";
	struct stat st;
	unsigned int maj, min;
	FILE *f;

	ASSERT_EQ(0, stat("/dev/tel0", &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	f = fopen("/sys/class/tel/tel0/dev", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	ASSERT_EQ(2, sscanf(buf, "%u:%u", &maj, &min));
	EXPECT_EQ(maj, major(st.st_rdev));
	EXPECT_EQ(min, minor(st.st_rdev));
}

/* CARD_INFO reports exactly what the emulator was started with. */
static void check_card_info(struct __test_metadata *_metadata, int index)
{
	struct tel_card_info info;
	char reply[256], v[64];
	int fd;

	ASSERT_EQ(0, emu_cmd(reply, sizeof(reply), "info %d", index))
		TH_LOG("emulator: %s", reply);
	fd = tel_open_card(index);
	ASSERT_LE(0, fd);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &info));
	close(fd);

	EXPECT_STREQ(emu_val(reply, "model", v, sizeof(v)), info.model);
	EXPECT_STREQ(emu_val(reply, "firmware", v, sizeof(v)), info.firmware);
	EXPECT_STREQ(emu_val(reply, "serial", v, sizeof(v)), info.serial);
	EXPECT_EQ(emu_num(reply, "channels"), info.channels);
	EXPECT_EQ(atoi(getenv("TEL_CHANNELS") ?: "0"), info.channels);
	EXPECT_EQ(index, info.index);
	EXPECT_EQ(8, info.frame_samples);
	EXPECT_EQ(8000, info.sample_rate);
	EXPECT_EQ(0, info.flags);
}

TEST(card_info_matches_emulator)
{
	check_card_info(_metadata, 0);
}

TEST(second_card_is_tel1)
{
	struct stat st;

	ASSERT_EQ(0, stat("/dev/tel1", &st)) TH_LOG("TEL_CARDS=%s",
						     getenv("TEL_CARDS"));
	check_card_info(_metadata, 1);
}

TEST(sysfs_identity_matches_card_info)
{
	struct tel_card_info info = { };
	char path[64], buf[64];
	const char *attrs[] = { "model", "firmware", "serial" };
	const char *want[3];
	int fd, i;

	fd = tel_open_card(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TEL_IOC_CARD_INFO, &info));
	close(fd);
	want[0] = info.model;
	want[1] = info.firmware;
	want[2] = info.serial;
	for (i = 0; i < 3; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/class/tel/tel0/%s",
			 attrs[i]);
		f = fopen(path, "r");
		ASSERT_NE(NULL, f) TH_LOG("%s", path);
		ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
		EXPECT_STREQ(want[i], buf);
	}
	EXPECT_EQ(info.channels, tel_sysfs_num(0, "channels"));
}

TEST_F(card, unknown_ioctl_is_enotty)
{
	char buf[64] = { };

	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(TEL_IOC_MAGIC, 0x7f, buf), buf));
	EXPECT_EQ(ENOTTY, errno);
	/* right number, wrong size: a different command */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(TEL_IOC_MAGIC, 0x00, buf), buf));
	EXPECT_EQ(ENOTTY, errno);
	/* another driver's magic */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR('T', 0x00, struct tel_card_info),
			    buf));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(card, card_info_bad_pointer_is_efault)
{
	void *unmapped = mmap(NULL, 4096, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, unmapped);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CARD_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CARD_INFO, unmapped));
	EXPECT_EQ(EFAULT, errno);
	munmap(unmapped, 4096);
}

TEST_F(card, card_info_reserved_nonzero_is_einval)
{
	struct tel_card_info info;
	size_t i;

	for (i = 0; i < sizeof(info.reserved) / sizeof(info.reserved[0]);
	     i++) {
		memset(&info, 0, sizeof(info));
		info.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, TEL_IOC_CARD_INFO, &info));
		EXPECT_EQ(EINVAL, errno);
	}
}

static int read_hex(const char *path)
{
	char buf[16] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return (int)strtol(buf, NULL, 16);
}

/* Every 1af4:1110 function: ours are bound to tel, the plain one is not. */
TEST(ivshmem_without_magic_is_not_bound)
{
	int ours = 0, others = 0;
	struct dirent *de;
	DIR *d = opendir("/sys/bus/pci/devices");

	ASSERT_NE(NULL, d);
	while ((de = readdir(d))) {
		char path[512], link[512];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 de->d_name);
		if (read_hex(path) != 0x1af4)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 de->d_name);
		if (read_hex(path) != 0x1110)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver",
			 de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			EXPECT_STREQ("tel", strrchr(link, '/') + 1);
			ours++;
		} else {
			others++;
		}
	}
	closedir(d);
	EXPECT_EQ(atoi(getenv("TEL_CARDS") ?: "0"), ours);
	if (!others)
		SKIP(return, "no plain ivshmem device (tests/vm/run --plain-ivshmem)");
}

TEST_HARNESS_MAIN
