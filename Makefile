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

.PHONY: all deps modules emu selftests userspace install check run bench lint clean

all: modules emu selftests userspace

deps:
	@$(TOP)/tests/vm/deps

# One build directory per kernel: kbuild builds in place, so each kernel
# gets its own copy of the sources (mtimes kept, so rebuilds are minimal).
modules:
	@mkdir -p $(BUILD)/$(KVER)/driver $(BUILD)/$(KVER)/uapi/linux
	@for f in $(KSRC_FILES); do cmp -s $$f $(BUILD)/$(KVER)/$$f || cp -p $$f $(BUILD)/$(KVER)/$$f; done
	$(MAKE) -C $(KDIR) M=$(BUILD)/$(KVER) W=1 modules
	@$(MAKE) -s -C $(TOP)/dahdi KVER=$(KVER)

emu:
	$(MAKE) -C $(TOP)/tests/emu

selftests:
	$(MAKE) -C $(TOP)/tests/selftests
	$(MAKE) -C $(TOP)/tests/stress
	$(MAKE) -C $(TOP)/tests/dahdi
	$(MAKE) -C $(TOP)/tests/libtel

# libtel and telctl; make install PREFIX=... DESTDIR=...
userspace:
	$(MAKE) -C $(TOP)/userspace

install:
	$(MAKE) -C $(TOP)/userspace install

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
