# cmamem: the kernel module, libcmamem, the cmamem CLI, and their tests.
#
#   make                 build the module (against KDIR), the library and the CLI
#   make demo            a narrated session in a QEMU guest (installs what it needs)
#   make check           every test: host-side suites, then each guest kernel
#   make check-ssh       one suite driven over ssh into the guest
#   make lint            checkpatch, sparse, W=1, -Werror, cppcheck, mandoc
#   make vm-shell        an interactive shell in the guest, module loaded
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

.PHONY: all kmod lib cli tests-c check check-host check-ssh demo vm-shell lint \
	bench install uninstall clean deps kernels

all: kmod lib cli

# The module builds in a per-KDIR copy of src/kmod (symlinks), so one checkout
# can hold modules for several kernels side by side.
KMOD_OUT ?= $(BUILD)/kmod
kmod:
	@tests/vm/kmod-tree "$(KMOD_OUT)"
	$(MAKE) -C "$(KDIR)" M="$(KMOD_OUT)" $(KMOD_FLAGS) modules

lib:
	$(MAKE) -C src/lib

cli: lib
	$(MAKE) -C src/cli

tests-c: lib
	$(MAKE) -C tests/c

deps:
	tests/deps

kernels:
	@for v in $(KVERS); do tests/vm/build-kernel --kver $$v >/dev/null || exit 1; done

check: lib cli tests-c
	tests/check $(KVERS)

check-host: lib cli tests-c
	tests/check --host-only

check-ssh: lib cli tests-c
	tests/vm/check-ssh $(CMAMEM_SSH_SUITES)

demo:
	tests/deps
	$(MAKE) lib cli
	tests/vm/run --kver $(firstword $(KVERS)) -- tests/demo

vm-shell: lib cli tests-c
	tests/vm/run --kver $(firstword $(KVERS)) --interactive

lint:
	tests/lint

bench:
	bench/run

install: all
	@echo "install: not yet (see issue 9)"

clean:
	rm -rf $(BUILD)
	$(MAKE) -C src/lib clean
	$(MAKE) -C src/cli clean
	$(MAKE) -C tests/c clean
