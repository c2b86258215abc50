// SPDX-License-Identifier: GPL-2.0
/*
 * qemu-shim.so - LD_PRELOADed into QEMU by tests/vm/run (with cards).
 *
 * Works around a use-after-free in QEMU 7.2's ivshmem-doorbell hot-unplug
 * without KVM (TCG). When the device is unrealized (device_del, after the
 * guest ejected it), ivshmem_exit() closes the eventfds of its own MSI-X
 * vectors (event_notifier_cleanup) and frees msi_vectors[], but never removes
 * the fd handlers that ivshmem_watch_vector_notifier() installed with
 * qemu_set_fd_handler(). The main loop keeps polling those fd numbers. The
 * next file QEMU opens gets one of the numbers back (a 9p worker opening a
 * guest file, typically), poll() says it is readable, and the stale handler
 * runs on freed memory: SIGSEGV in object_dynamic_cast_assert() from
 * aio_dispatch(), every time.
 *
 * The shim keeps fd numbers of closed eventfds from being reused: close() of
 * an eventfd instead replaces it (dup3) with a fresh eventfd that nothing
 * ever signals, so a stale handler on that number never runs. Cost: one fd
 * per eventfd QEMU closes (a handful per unplug or device reset).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

static int (*real_close)(int);

static int is_eventfd(int fd)
{
	char path[40], target[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return strcmp(target, "anon_inode:[eventfd]") == 0;
}

int close(int fd)
{
	int quiet;

	if (!real_close)
		real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	if (fd > 2 && is_eventfd(fd)) {
		quiet = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (quiet >= 0) {
			int r = dup3(quiet, fd, O_CLOEXEC);

			real_close(quiet);
			if (r == fd)
				return 0;
		}
	}
	return real_close(fd);
}
