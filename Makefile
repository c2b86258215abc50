# SPDX-License-Identifier: GPL-2.0
#
# tel: top-level build.  `make run` and `make check` are the two commands a
# new user needs (README.md); everything else is a step of theirs.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

# Kernels under test: series names, each resolved to the newest installed
# Debian kernel of that series (the same rule as tests/vm/run --kernel);
# 6.12-rt: Debian's PREEMPT_RT 6.12; debug: the debug kernel built from
# linux-source-6.1 (KASAN, lockdep, kmemleak, UBSAN); kcsan: the KCSAN kernel
# built from linux-source-6.12 (tests/debugkernel, each built once per machine).
KERNELS ?= 6.1 6.12 6.12-rt debug kcsan
kver_of = $(lastword $(sort $(filter-out %-rt-amd64 %-cloud-amd64,\
	$(notdir $(wildcard /lib/modules/$(1).*-amd64)))))
KVER ?= $(call kver_of,6.1)

# The tree tel.ko is built against: the installed headers of KVER, or another
# tree (the debug kernel's: tests/vm/run passes KDIR=build/debug-kernel/.../src).
KDIR ?= /lib/modules/$(KVER)/build
KSRC_FILES := Kbuild $(wildcard driver/*.c driver/*.h uapi/linux/*.h)

.PHONY: all deps modules emu selftests userspace man install modules_install \
	uninstall uninstall_modules check run bench lint clean

all: modules emu selftests userspace

deps:
	@$(TOP)/tests/vm/deps

# One build directory per kernel: kbuild builds in place, so each kernel
# gets its own copy of the sources (mtimes kept, so rebuilds are minimal).
modules:
	@mkdir -p $(BUILD)/$(KVER)/driver $(BUILD)/$(KVER)/uapi/linux
	@for f in $(KSRC_FILES); do cmp -s $$f $(BUILD)/$(KVER)/$$f || cp -p $$f $(BUILD)/$(KVER)/$$f; done
	$(MAKE) -C $(KDIR) M=$(BUILD)/$(KVER) W=1 modules
	@$(MAKE) -s -C $(TOP)/dahdi KVER=$(KVER) KDIR=$(KDIR)

emu:
	$(MAKE) -C $(TOP)/tests/emu

selftests:
	$(MAKE) -C $(TOP)/tests/selftests
	$(MAKE) -C $(TOP)/tests/stress
	$(MAKE) -C $(TOP)/tests/dahdi
	$(MAKE) -C $(TOP)/tests/libtel

# libtel, telctl and the man pages
userspace:
	$(MAKE) -C $(TOP)/userspace

man:
	$(MAKE) -C $(TOP)/Documentation/man

# Installing, the way out-of-tree drivers are installed
# (Documentation/install.rst).  For kernel KVER (default: the running one)
# under DESTDIR (default: /):
#   make modules_install  tel.ko, and tel_dahdi.ko where DAHDI built
#                         (dahdi/Makefile), in /lib/modules/KVER/updates/,
#                         through kbuild (it signs and compresses as the
#                         kernel's .config says); then depmod, unless
#                         DESTDIR is a staging tree without modules.dep
#   make install          modules_install, then libtel, telctl, the man
#                         pages (PREFIX=/usr/local) and the udev rule
#                         (UDEVDIR=/etc/udev/rules.d); the tel group is
#                         yours to create (groupadd --system tel)
#   make uninstall        removes what install put (uninstall_modules: the
#                         modules only)
#   Debian's kernels sign their modules with a key they do not ship: kbuild
#   signs ours only with MODULE_SIG_ALL=y (a kernel tree with its key;
#   DKMS signs with the machine's MOK key itself).
MODULE_SIG_ALL ?=
INSTALL_KVER = $(if $(filter command line environment,$(origin KVER)),$(KVER),$(shell uname -r))
UDEVDIR ?= /etc/udev/rules.d
MODDIR = $(DESTDIR)/lib/modules/$(INSTALL_KVER)
DAHDI_KO = $(BUILD)/dahdi/$(INSTALL_KVER)/tel_dahdi

modules_install:
	$(MAKE) modules KVER=$(INSTALL_KVER)
	$(MAKE) -C /lib/modules/$(INSTALL_KVER)/build M=$(BUILD)/$(INSTALL_KVER) \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates DEPMOD=true \
		CONFIG_MODULE_SIG_ALL=$(MODULE_SIG_ALL) modules_install
	@if [ -f $(DAHDI_KO)/tel_dahdi.ko ]; then \
		$(MAKE) -C /lib/modules/$(INSTALL_KVER)/build M=$(DAHDI_KO) \
			INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates DEPMOD=true \
			CONFIG_MODULE_SIG_ALL=$(MODULE_SIG_ALL) modules_install; \
	else \
		echo "tel_dahdi: not installed: DAHDI does not build for $(INSTALL_KVER)"; \
	fi
	$(call depmod)

# depmod on a real root, or on a staging tree that holds the kernel's own
# modules.dep (a chroot); not on a bare packaging tree, where the package's
# own scripts run it.
depmod = @if [ -z "$(DESTDIR)" ] || [ -f $(MODDIR)/modules.dep ]; then \
		echo "depmod $(if $(DESTDIR),-b $(DESTDIR) )$(INSTALL_KVER)"; \
		depmod $(if $(DESTDIR),-b $(DESTDIR)) $(INSTALL_KVER); \
	else \
		echo "depmod: skipped ($(MODDIR)/modules.dep missing: run depmod $(INSTALL_KVER) on the target)"; \
	fi

install: modules_install
	$(MAKE) -C $(TOP)/userspace install
	$(MAKE) -C $(TOP)/Documentation/man install
	install -d $(DESTDIR)$(UDEVDIR)
	install -m 0644 $(TOP)/udev/60-tel.rules $(DESTDIR)$(UDEVDIR)/

uninstall_modules:
	rm -f $(MODDIR)/updates/tel.ko $(MODDIR)/updates/tel.ko.xz \
	      $(MODDIR)/updates/tel.ko.zst $(MODDIR)/updates/tel.ko.gz \
	      $(MODDIR)/updates/tel_dahdi.ko $(MODDIR)/updates/tel_dahdi.ko.xz \
	      $(MODDIR)/updates/tel_dahdi.ko.zst $(MODDIR)/updates/tel_dahdi.ko.gz
	-rmdir $(MODDIR)/updates 2>/dev/null
	$(call depmod)

uninstall: uninstall_modules
	$(MAKE) -C $(TOP)/userspace uninstall
	$(MAKE) -C $(TOP)/Documentation/man all uninstall
	rm -f $(DESTDIR)$(UDEVDIR)/60-tel.rules

check: deps
	@$(TOP)/tests/check $(KERNELS)

run: deps
	@$(TOP)/tests/demo

# tel against DAHDI in the same VM kernel: one table, a plot, in build/bench
# (Documentation/performance.rst).  ~40 min with the defaults; BENCH_ARGS=
# --quick is a 3-minute smoke run.  Needs an otherwise idle machine.
bench: deps
	@$(TOP)/tests/bench/run $(BENCH_ARGS)

# The kernel's own reviewers: checkpatch --strict (from linux-source-6.1),
# sparse (C=1, every file rebuilt) and W=1 on every Debian kernel under
# test; cppcheck and -Wall -Wextra -Werror on the userspace C.
lint: deps
	@$(TOP)/tests/lint $(filter-out debug kcsan,$(KERNELS))

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C $(TOP)/tests/emu clean
	-$(MAKE) -C $(TOP)/tests/selftests clean
	-$(MAKE) -C $(TOP)/tests/stress clean
	-$(MAKE) -C $(TOP)/tests/dahdi clean
	-$(MAKE) -C $(TOP)/tests/libtel clean
	-$(MAKE) -C $(TOP)/tests/bench clean
	-$(MAKE) -C $(TOP)/userspace clean
	-$(MAKE) -C $(TOP)/Documentation/man clean
