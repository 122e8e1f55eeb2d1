# cmamem: the kernel module, libcmamem, the cmamem CLI, and their tests.
#
#   make                 build the module (against KDIR), the library, the CLI,
#                        the example programs and the host suites' programs
#   make examples        examples/ into build/examples (cmamem(3), cmamem(1))
#   make tests-host      cli-unit and the fake device (tests/host-c), for
#                        bats tests/bats/host
#   make demo            a narrated session in a QEMU guest (installs what it needs)
#   make check           every test: host-side suites, then each guest kernel
#                        and ARM64_SUITES on one arm64 guest;
#                        make check ARCH=arm64: every device suite on arm64 guests
#   make check-ssh       device suites run from the host over ssh into a guest
#                        of the first of KVERS, as against a board:
#                        CMAMEM_SSH_SUITES (default: device buffers); make
#                        check runs it too
#   make check-big       buffers of 4 GiB and more (tests/bats/big.bats) in a
#                        guest with 10G of memory and 5G of CMA, per kernel
#                        (CI runs it after make check; make check runs it
#                        too with CMAMEM_CHECK_BIG=1)
#   make fuzz            the fuzz suite at full size (100k ioctls, trinity) on
#                        each guest kernel
#   make lint            checkpatch, sparse, W=1, -Werror, cppcheck, mandoc
#   make soak            the storm and the unload race at full size in each
#                        guest kernel
#   make vm-shell        an interactive shell in the guest, module loaded
#   make install         module, CLI, library, headers, man pages, udev rule,
#                        examples
#                        (DESTDIR, PREFIX, UDEV_GROUP, KDIR, INSTALL_KMOD=no);
#                        make uninstall
#   make dkms-install    the module through DKMS (make dkms-uninstall)
#
# KDIR selects the kernel tree to build the module against; on a board it is
# the running kernel's. The guest kernels are built by tests/vm/build-kernel.

KDIR ?= /lib/modules/$(shell uname -r)/build
KVERS ?= 6.1 6.12
BUILD := $(CURDIR)/build
PREFIX ?= /usr/local
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
WARNFLAGS := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wpointer-arith -Wvla
export CC CFLAGS WARNFLAGS BUILD

.PHONY: all kmod lib cli examples tests-c tests-host check check-host check-ssh check-big fuzz demo vm-shell lint \
	bench soak install uninstall clean deps kernels

all: kmod lib cli examples tests-host

# The module builds in a per-KDIR copy of src/kmod (symlinks), so one checkout
# can hold modules for several kernels side by side.
KMOD_OUT ?= $(BUILD)/kmod
kmod:
	@scripts/kmod-tree "$(KMOD_OUT)"
	$(MAKE) -C "$(KDIR)" M="$(KMOD_OUT)" $(KMOD_FLAGS) modules

lib:
	$(MAKE) -C src/lib

cli: lib
	$(MAKE) -C src/cli

# cmamem(3)'s example (linked with the tree's libcmamem through pkg-config)
# and cmamem(1)'s v4l2-capture; the guest has build/examples on PATH.
examples: lib
	$(MAKE) -C examples

tests-c: lib
	$(MAKE) -C tests/c

# The host suites' programs: cli-unit and the fake device (tests/host-c).
tests-host: lib cli
	$(MAKE) -C tests/host-c

deps:
	tests/deps

kernels:
	@for v in $(KVERS); do tests/vm/build-kernel --kver $$v >/dev/null || exit 1; done
	@if [ -n "$(ARM64_SUITES)$(filter arm64,$(ARCH))" ]; then \
		tests/vm/build-kernel --kver $(ARM64_KVER) --arch arm64 >/dev/null && \
		tests/vm/build-rootfs --arch arm64 >/dev/null; fi

# --- arm64 guests ------------------------------------------------------------
# The library, CLI and test programs cross-built for the arm64 guests, in
# build/arm64 so the host's build/ is untouched. The module is built per
# kernel by tests/vm/run --arch arm64. make check ARCH=arm64 runs every device
# suite on arm64 guests of each of KVERS; plain make check runs ARM64_SUITES
# on one, ARM64_KVER, and make kernels builds its kernel and root (CI's time:
# 310 s for the four before trace, measured cold; trace's tests took 145 s
# on a shared host, regions-arm64's 27-68 s as loaded; ARM64_SUITES= leaves
# arm64 out). The arm64 guests boot with a board's device tree (tests/check).
ARM64_KVER ?= 6.12
ARM64_SUITES ?= device buffers coherency-arm64 teardown-arm64 trace regions-arm64
ARM64_CROSS := CC=aarch64-linux-gnu-gcc AR=aarch64-linux-gnu-ar BUILD=$(BUILD)/arm64
.PHONY: user-arm64
user-arm64:
	$(MAKE) lib cli examples tests-c $(ARM64_CROSS)

check: lib cli examples tests-c tests-host $(if $(ARM64_SUITES)$(filter arm64,$(ARCH)),user-arm64)
	CMAMEM_ARM64_KVER=$(ARM64_KVER) CMAMEM_ARM64_SUITES="$(ARM64_SUITES)" tests/check $(if $(filter arm64,$(ARCH)),--arch arm64) $(KVERS)

check-host: lib cli examples tests-c tests-host
	tests/check --host-only

check-ssh: lib cli tests-c
	tests/vm/check-ssh --kver $(firstword $(KVERS)) $(CMAMEM_SSH_SUITES)

# One guest per kernel, each with 10G: one at a time unless
# CMAMEM_BIG_JOBS=2 (tests/check, 5).
check-big: lib cli tests-c
	tests/check --big-only $(KVERS)

# make check runs tests/bats/fuzz.bats bounded; this is its full size.
FUZZ_ITERATIONS ?= 100000
TRINITY_OPS ?= 5000
fuzz: lib cli tests-c
	@for v in $(KVERS); do \
		echo "== fuzz: guest $$v, $(FUZZ_ITERATIONS) iterations, trinity $(TRINITY_OPS) syscalls"; \
		CMAMEM_FUZZ_ITERATIONS=$(FUZZ_ITERATIONS) CMAMEM_TRINITY_OPS=$(TRINITY_OPS) \
			tests/vm/run --kver $$v -- bats --tap -T tests/bats/fuzz.bats || exit 1; \
	done

demo:
	tests/deps
	$(MAKE) lib cli
	tests/vm/run --kver $(firstword $(KVERS)) -- tests/demo

vm-shell: lib cli examples tests-c
	tests/vm/run --kver $(firstword $(KVERS)) --interactive

lint:
	tests/lint

bench:
	bench/run

# The storm and the unload race at full size, in a debug guest of each
# kernel: SOAK_PROCS processes x SOAK_SECONDS, a new seed each run (it is
# printed; CMAMEM_STORM_SEED=N replays one), and SOAK_RELOADS unloads under
# readers. `make check` runs a shorter storm and 5 unloads (the unload
# order itself is checked every time by teardown-arm64.bats).
SOAK_PROCS ?= 4
SOAK_SECONDS ?= 60
SOAK_RELOADS ?= 20
soak: lib cli tests-c
	@seed=$${CMAMEM_STORM_SEED:-$$(date +%s)}; for v in $(KVERS); do \
		echo "== soak $$v: $(SOAK_PROCS) processes x $(SOAK_SECONDS) s, seed $$seed; $(SOAK_RELOADS) unloads"; \
		CMAMEM_STORM_PROCS=$(SOAK_PROCS) CMAMEM_STORM_SECONDS=$(SOAK_SECONDS) \
		CMAMEM_STORM_SEED=$$seed CMAMEM_TEARDOWN_CYCLES=$(SOAK_RELOADS) tests/vm/run --kver $$v -- \
			bats --tap tests/bats/storm.bats tests/bats/teardown.bats || exit 1; \
	done

# --- install, uninstall, DKMS ------------------------------------------------
#
#   make install [DESTDIR=...] [PREFIX=/usr/local] [UDEV_GROUP=video] [KDIR=...]
#
# The module goes in through Kbuild's modules_install (INSTALL_MOD_PATH is
# DESTDIR), under /lib/modules/KERNELRELEASE/$(INSTALL_MOD_DIR); the library,
# its headers and pkg-config file, and the CLI through their own Makefiles;
# the udev rule and the modprobe.d example under SYSCONFDIR, which does not
# follow PREFIX (udev and modprobe look in fixed places). With an empty
# DESTDIR it also runs depmod and reloads the udev rules.
VERSION := $(shell sed -n 's/^\#define CMAMEM_VERSION[[:space:]]*"\(.*\)"/\1/p' include/cmamem.h)
SYSCONFDIR ?= /etc
UDEVRULESDIR ?= $(SYSCONFDIR)/udev/rules.d
MODPROBEDIR ?= $(SYSCONFDIR)/modprobe.d
UDEV_GROUP ?= video
MANDIR ?= $(PREFIX)/share/man
INSTALL_MOD_DIR ?= extra
INSTALL ?= install
# The release modules_install installs under: the headers' UTS_RELEASE (Debian's
# include/config/kernel.release says 6.1.192 where its kernels are 6.1.0-N-amd64).
KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' "$(KDIR)/include/generated/utsrelease.h" 2>/dev/null)
# Kbuild signs modules on install when the kernel has CONFIG_MODULE_SIG_ALL,
# with the key it was built with. Distribution headers ship no key: install
# unsigned then, rather than let sign-file fail on every install.
MODSIG_KEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"/\1/p' "$(KDIR)/.config" 2>/dev/null)
MODSIG_ALL = $(shell sed -n 's/^CONFIG_MODULE_SIG_ALL=//p' "$(KDIR)/.config" 2>/dev/null)
MODSIG_FLAGS = $(if $(filter y,$(MODSIG_ALL)),$(if $(wildcard $(MODSIG_KEY) $(KDIR)/$(MODSIG_KEY)),,CONFIG_MODULE_SIG_ALL=))
SUBMAKE_INSTALL = PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" INSTALL="$(INSTALL)" MANDIR="$(MANDIR)"
UDEV_RULE := 60-cmamem.rules
MODPROBE_CONF := cmamem.conf

.PHONY: install-kmod uninstall-kmod install-udev install-modprobe dkms-src dkms-install \
	dkms-uninstall

# INSTALL_KMOD=no leaves the module out (DKMS installs it, or another tree).
INSTALL_KMOD ?= yes
KMOD_INSTALL_TARGETS = $(if $(filter yes,$(INSTALL_KMOD)),install-kmod)

install: lib cli examples $(KMOD_INSTALL_TARGETS) install-udev install-modprobe
	$(MAKE) -C src/lib install $(SUBMAKE_INSTALL)
	$(MAKE) -C src/cli install $(SUBMAKE_INSTALL)
	$(MAKE) -C examples install $(SUBMAKE_INSTALL)
	$(INSTALL) -D -m 0644 cma_mem.4 "$(DESTDIR)$(MANDIR)/man4/cma_mem.4"

# The udev rule alone builds nothing, so the guest's udev test runs it from
# the read-only tree: make install-udev UDEVRULESDIR=/run/udev/rules.d
install-udev:
	$(INSTALL) -d "$(DESTDIR)$(UDEVRULESDIR)"
	sed 's|@GROUP@|$(UDEV_GROUP)|g' packaging/$(UDEV_RULE).in >"$(DESTDIR)$(UDEVRULESDIR)/$(UDEV_RULE)"
	chmod 0644 "$(DESTDIR)$(UDEVRULESDIR)/$(UDEV_RULE)"
ifeq ($(DESTDIR),)
	@getent group "$(UDEV_GROUP)" >/dev/null || \
		echo "install: warning: group '$(UDEV_GROUP)' does not exist; /dev/cma_mem stays root's" >&2
	@if udevadm control --reload-rules 2>/dev/null; then \
		udevadm trigger --action=add --subsystem-match=misc --sysname-match=cma_mem; fi
endif

install-modprobe:
	$(INSTALL) -D -m 0644 packaging/cmamem-modprobe.conf "$(DESTDIR)$(MODPROBEDIR)/$(MODPROBE_CONF)"

install-kmod: kmod
	$(MAKE) -C "$(KDIR)" M="$(KMOD_OUT)" INSTALL_MOD_PATH="$(DESTDIR)" \
		INSTALL_MOD_DIR="$(INSTALL_MOD_DIR)" $(MODSIG_FLAGS) modules_install
ifeq ($(DESTDIR),)
	depmod -a "$(KREL)"
endif

uninstall: $(KMOD_INSTALL_TARGETS:install-%=uninstall-%)
	$(MAKE) -C src/lib uninstall $(SUBMAKE_INSTALL)
	$(MAKE) -C src/cli uninstall $(SUBMAKE_INSTALL)
	$(MAKE) -C examples uninstall $(SUBMAKE_INSTALL)
	rm -f "$(DESTDIR)$(MANDIR)/man4/cma_mem.4" \
		"$(DESTDIR)$(UDEVRULESDIR)/$(UDEV_RULE)" "$(DESTDIR)$(MODPROBEDIR)/$(MODPROBE_CONF)"

uninstall-kmod:
	@[ -n "$(KREL)" ] || { echo "uninstall: no kernel release in $(KDIR) (set KDIR, or INSTALL_KMOD=no)" >&2; exit 1; }
	rm -f "$(DESTDIR)/lib/modules/$(KREL)/$(INSTALL_MOD_DIR)/cma_mem.ko"*
ifeq ($(DESTDIR),)
	depmod -a "$(KREL)"
endif

# DKMS: the module's sources, its Kbuild and the uapi header, laid out as DKMS
# wants them in /usr/src/cmamem-VERSION, then added, built and installed for
# DKMS_KERNEL (default: the running kernel). DKMS_FLAGS passes more options
# (e.g. --kernelsourcedir). dkms refuses kernels without CONFIG_DMA_CMA.
DKMS_SRC ?= /usr/src/cmamem-$(VERSION)
DKMS_KERNEL ?= $(shell uname -r)
DKMS_FLAGS ?=
dkms-src:
	rm -rf "$(DESTDIR)$(DKMS_SRC)"
	$(INSTALL) -d "$(DESTDIR)$(DKMS_SRC)/include/uapi/linux"
	$(INSTALL) -m 0644 src/kmod/Kbuild $(wildcard src/kmod/*.c src/kmod/*.h) "$(DESTDIR)$(DKMS_SRC)"
	$(INSTALL) -m 0644 include/uapi/linux/cma_mem.h "$(DESTDIR)$(DKMS_SRC)/include/uapi/linux"
	sed 's|@VERSION@|$(VERSION)|g' packaging/dkms.conf.in >"$(DESTDIR)$(DKMS_SRC)/dkms.conf"

dkms-install: dkms-src
	! dkms status -m cmamem -v $(VERSION) $(DKMS_FLAGS) | grep -q . || \
		dkms remove -m cmamem -v $(VERSION) --all $(DKMS_FLAGS)
	dkms add -m cmamem -v $(VERSION) $(DKMS_FLAGS)
	dkms build -m cmamem -v $(VERSION) -k "$(DKMS_KERNEL)" $(DKMS_FLAGS)
	dkms install -m cmamem -v $(VERSION) -k "$(DKMS_KERNEL)" $(DKMS_FLAGS)

dkms-uninstall:
	-dkms remove -m cmamem -v $(VERSION) --all $(DKMS_FLAGS)
	rm -rf "$(DESTDIR)$(DKMS_SRC)"

clean:
	rm -rf $(BUILD)
	$(MAKE) -C src/lib clean
	$(MAKE) -C src/cli clean
	$(MAKE) -C examples clean
	$(MAKE) -C tests/c clean
	$(MAKE) -C tests/host-c clean
