#!/usr/bin/env bats
# Installing cmamem as a distribution or an admin would: the module
# built against Debian's packaged headers (linux-headers-amd64, no CMA), `make
# install DESTDIR=... PREFIX=/usr` and its exact file list, a program and
# cmamem(3)'s example built with the installed pkg-config file, `make
# uninstall`, and DKMS in a throw-away tree (no root side effects: every
# dkms tree, the signing key and the install tree are under the test's
# temporary directory).
#
# The udev rule's effect on the node is a guest test: tests/bats/install-udev.bats.

load host_helper

# Debian's headers for its stock kernel, the tree linux-headers-amd64 pulls in.
distro_kdir() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null | sed 's/[ ,(].*//')
	[ -n "$dep" ] && [ -e "/usr/src/$dep/Makefile" ] && echo "/usr/src/$dep"
}

# The release a kernel tree builds modules for (what its vermagic says).
uts_release() {
	sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$1/include/generated/utsrelease.h"
}

# list_files DIR: every file and link under DIR, with its type and mode or
# target, sorted.
list_files() {
	(cd "$1" && find . ! -type d -printf '%P %y %m %l\n') |
		sed 's/ l 777 / l /; s/ $//' | LC_ALL=C sort
}

# installed_cc SRC OUT: build SRC as a user of the install tree $D would,
# with its pkg-config file (warnings as errors), and check that the program
# needs the shared libcmamem (-lcmamem was not dropped by the linker).
# Sets san, the sanitizer flags it used (the caller declares it local).
installed_cc() {
	export PKG_CONFIG_SYSROOT_DIR=$D PKG_CONFIG_PATH=$D/usr/lib/pkgconfig PKG_CONFIG_LIBDIR=
	# An ASan build tree (BUILD=..., see host_helper.bash) installs an ASan
	# library: the program needs the runtime too.
	san=
	if nm -D "$D/usr/lib/libcmamem.so.$VERSION" | grep -q ' U __asan'; then
		san=-fsanitize=address,undefined
	fi
	# shellcheck disable=SC2046
	cc $san -Wall -Wextra -Werror -o "$2" "$1" $(pkg-config --cflags --libs cmamem)
	run -0 bash -c "readelf -d '$2' | grep NEEDED"
	assert_output --partial "[libcmamem.so.0]"
}

# The same make the user runs, on this checkout and its build tree.
mk() {
	make -s -C "$REPO" BUILD="$BUILD" "$@"
}

setup_file() {
	umask 022
	KD=$(distro_kdir) || true
	export KD
	[ -n "$KD" ] || return 0
	KOUT=$BATS_FILE_TMPDIR/kmod
	export KOUT
	# One module build for the whole file; its log is the first test's.
	make -C "$REPO" BUILD="$BUILD" kmod KDIR="$KD" KMOD_OUT="$KOUT" \
		>"$BATS_FILE_TMPDIR/kmod.log" 2>&1
	echo $? >"$BATS_FILE_TMPDIR/kmod.rc"
	D=$BATS_FILE_TMPDIR/root
	export D
	mk install DESTDIR="$D" PREFIX=/usr KDIR="$KD" KMOD_OUT="$KOUT" \
		>"$BATS_FILE_TMPDIR/install.log" 2>&1
	echo $? >"$BATS_FILE_TMPDIR/install.rc"
}

setup() {
	host_setup
	[ -n "$KD" ] || fail "linux-headers-amd64 is not installed (tests/deps)"
	VERSION=$(sed -n 's/^#define CMAMEM_VERSION[[:space:]]*"\(.*\)"/\1/p' "$REPO/include/cmamem.h")
	KREL=$(uts_release "$KD")
}

@test "the module builds against Debian's headers (no CMA): no error, a notice that CMA is absent" {
	run cat "$BATS_FILE_TMPDIR/kmod.log"
	[ "$(cat "$BATS_FILE_TMPDIR/kmod.rc")" -eq 0 ] || fail "make kmod failed: $output"
	grep -q '^CONFIG_DMA_CMA=y' "$KD/.config" && fail "these headers have CMA: the test needs a kernel without it"
	assert_output --partial "cma_mem: this kernel ($KREL) has no CONFIG_DMA_CMA"
	assert_output --partial "any buffer larger than one page will fail with ENOMEM"
	refute_output --regexp '[Ee]rror|warning:'
	run -0 modinfo -F vermagic "$KOUT/cma_mem.ko"
	assert_output --regexp "^$KREL "
}

@test "make install DESTDIR= PREFIX=/usr puts exactly the expected files in place" {
	local want
	[ "$(cat "$BATS_FILE_TMPDIR/install.rc")" -eq 0 ] ||
		fail "make install failed: $(cat "$BATS_FILE_TMPDIR/install.log")"
	want="etc/modprobe.d/cmamem.conf f 644
etc/udev/rules.d/60-cmamem.rules f 644
lib/modules/$KREL/extra/cma_mem.ko f 644
usr/bin/cmamem f 755
usr/include/cmamem.h f 644
usr/include/linux/cma_mem.h f 644
usr/lib/libcmamem.a f 644
usr/lib/libcmamem.so l libcmamem.so.0
usr/lib/libcmamem.so.0 l libcmamem.so.$VERSION
usr/lib/libcmamem.so.$VERSION f 755
usr/lib/pkgconfig/cmamem.pc f 644
usr/libexec/cmamem/v4l2-capture f 755
usr/share/bash-completion/completions/cmamem f 644
usr/share/doc/cmamem/examples/cmamem-example.c f 644
usr/share/doc/cmamem/examples/v4l2-capture.c f 644
usr/share/man/man1/cmamem.1 f 644
usr/share/man/man3/cmamem.3 f 644
usr/share/man/man4/cma_mem.4 f 644"
	# man3: a link to cmamem.3 for each function of the header.
	local f
	for f in $(sed -n 's/^\(int\|void\|const char\) \*\{0,1\}\(cmamem_[a-z_]*\)(.*/\2/p' "$REPO/include/cmamem.h"); do
		want+=$'\n'"usr/share/man/man3/$f.3 l cmamem.3"
	done
	run -0 list_files "$D"
	assert_output "$(LC_ALL=C sort <<<"$want")"
	echo "$output" >"$BATS_FILE_TMPDIR/installed"
	# What they are: the CLI runs, the shared library has its soname.
	run -0 "$D/usr/bin/cmamem" --version
	assert_output --partial "$VERSION"
	run -0 bash -c "objdump -p '$D/usr/lib/libcmamem.so.$VERSION' | awk '/SONAME/ { print \$2 }'"
	assert_output "libcmamem.so.0"
	cmp "$REPO/include/uapi/linux/cma_mem.h" "$D/usr/include/linux/cma_mem.h"
}

@test "the udev rule and the modprobe.d example as installed" {
	# /dev/cma_mem and the dma-heap node, alike.
	run -0 grep -Ev '^(#.*)?$' "$D/etc/udev/rules.d/60-cmamem.rules"
	assert_output 'SUBSYSTEM=="misc", KERNEL=="cma_mem", OWNER="root", GROUP="video", MODE="0660"
SUBSYSTEM=="misc", KERNEL=="cma_mem_heap", OWNER="root", GROUP="video", MODE="0660"'
	# UDEV_GROUP changes the group and nothing else (the commented
	# uaccess example included).
	mk install-udev DESTDIR="$BATS_TEST_TMPDIR/g" UDEV_GROUP=plugdev
	run -0 grep -c 'GROUP="plugdev", MODE="0660"' "$BATS_TEST_TMPDIR/g/etc/udev/rules.d/60-cmamem.rules"
	assert_output 3
	sed 's/plugdev/video/g' "$BATS_TEST_TMPDIR/g/etc/udev/rules.d/60-cmamem.rules" |
		cmp - "$D/etc/udev/rules.d/60-cmamem.rules"
	# The example is inert (comments only) and names every parameter the
	# module has; modprobe reads it without complaint.
	run -1 grep -Ev '^(#.*)?$' "$D/etc/modprobe.d/cmamem.conf"
	local p
	for p in $(modinfo -F parm "$KOUT/cma_mem.ko" | cut -d: -f1); do
		grep -q "^#options cma_mem .*\b$p=" "$D/etc/modprobe.d/cmamem.conf" ||
			fail "the modprobe.d example does not mention the parameter $p"
	done
	run -0 modprobe -C "$D/etc/modprobe.d" --showconfig
}

@test "the installed pkg-config file builds and links a program that runs" {
	cat >"$BATS_TEST_TMPDIR/t.c" <<-'EOC'
	#include <errno.h>
	#include <stdio.h>
	#include <cmamem.h>
	#include <linux/cma_mem.h>

	int main(void)
	{
		struct cmamem *c;
		int r = cmamem_open("/nonexistent/cma_mem", &c);

		printf("%s %s %#x\n", cmamem_version(), r == -ENOENT ? "ENOENT" : "?",
		       (unsigned int)CMA_MEM_IOC_MAGIC);
		return r == -ENOENT ? 0 : 1;
	}
	EOC
	export PKG_CONFIG_SYSROOT_DIR=$D PKG_CONFIG_PATH=$D/usr/lib/pkgconfig PKG_CONFIG_LIBDIR=
	run -0 sed -n 's/^prefix=//p' "$D/usr/lib/pkgconfig/cmamem.pc"
	assert_output /usr
	run -0 pkg-config --modversion cmamem
	assert_output "$VERSION"
	run -0 pkg-config --cflags --libs cmamem
	assert_output "-I$D/usr/include -L$D/usr/lib -lcmamem "
	local san
	installed_cc "$BATS_TEST_TMPDIR/t.c" "$BATS_TEST_TMPDIR/t"
	run -0 env LD_LIBRARY_PATH="$D/usr/lib" "$BATS_TEST_TMPDIR/t"
	assert_output "$VERSION ENOENT 0xc7"
	# The static library links the same program on its own.
	cc $san -o "$BATS_TEST_TMPDIR/ts" "$BATS_TEST_TMPDIR/t.c" -I"$D/usr/include" "$D/usr/lib/libcmamem.a"
	run -0 "$BATS_TEST_TMPDIR/ts"
	assert_output "$VERSION ENOENT 0xc7"
}

@test "the installed example (cmamem(3)) builds with the installed pkg-config file and calls libcmamem" {
	local ex=$D/usr/share/doc/cmamem/examples san
	# The page's command line, with warnings as errors.
	installed_cc "$ex/cmamem-example.c" "$BATS_TEST_TMPDIR/ex"
	# It takes every call of the buffer's life from the shared object.
	run -0 bash -c "nm -D --undefined-only '$BATS_TEST_TMPDIR/ex' | sed -n 's/.* U \(cmamem_[a-z_]*\)@.*/\1/p' | sort | tr '\n' ' '"
	assert_output "cmamem_alloc cmamem_close cmamem_export cmamem_free cmamem_info cmamem_map cmamem_open cmamem_sync_begin cmamem_sync_end cmamem_unmap "
	# No device here: it fails as the page shows, naming the step.
	run -1 env LD_LIBRARY_PATH="$D/usr/lib" CMAMEM_DEVICE=/nonexistent "$BATS_TEST_TMPDIR/ex"
	assert_output "cmamem-example: open: No such file or directory"
	# The sources are the tree's, and v4l2-capture is the one make built.
	cmp "$REPO/examples/cmamem-example.c" "$ex/cmamem-example.c"
	cmp "$REPO/examples/v4l2-capture.c" "$ex/v4l2-capture.c"
	cmp "$BUILD/examples/v4l2-capture" "$D/usr/libexec/cmamem/v4l2-capture"
	# v4l2-capture outside `cmamem export` says how to run it.
	run -2 "$D/usr/libexec/cmamem/v4l2-capture"
	assert_output --partial "run me under \`cmamem export\`"
}

@test "make uninstall removes every file make install put in place" {
	local d=$BATS_TEST_TMPDIR/root
	mk install DESTDIR="$d" KDIR="$KD" KMOD_OUT="$KOUT" >"$BATS_TEST_TMPDIR/log" 2>&1 ||
		fail "make install: $(cat "$BATS_TEST_TMPDIR/log")"
	run -0 bash -c "find '$d' ! -type d | wc -l"
	[ "$output" -ge 12 ] || fail "only $output files installed"
	mk uninstall DESTDIR="$d" KDIR="$KD" >"$BATS_TEST_TMPDIR/log" 2>&1 ||
		fail "make uninstall: $(cat "$BATS_TEST_TMPDIR/log")"
	run -0 find "$d" ! -type d
	assert_output ''
}

@test "make install INSTALL_KMOD=no: all but the module, and no kernel tree needed" {
	local d=$BATS_TEST_TMPDIR/root
	[ -e "$BATS_FILE_TMPDIR/installed" ] || fail "the full install's list is missing"
	mk install INSTALL_KMOD=no DESTDIR="$d" PREFIX=/usr KDIR=/nonexistent \
		>"$BATS_TEST_TMPDIR/log" 2>&1 || fail "make install: $(cat "$BATS_TEST_TMPDIR/log")"
	run -0 list_files "$d"
	assert_output "$(grep -v '^lib/modules/' "$BATS_FILE_TMPDIR/installed")"
	mk uninstall INSTALL_KMOD=no DESTDIR="$d" PREFIX=/usr KDIR=/nonexistent
	run -0 find "$d" ! -type d
	assert_output ''
}

@test "dkms refuses Debian's kernel (no CONFIG_DMA_CMA) and says why" {
	command -v dkms >/dev/null || fail "no dkms (tests/deps installs it)"
	local t=$BATS_TEST_TMPDIR/dkms i
	export mok_signing_key=$t/mok.key mok_certificate=$t/mok.pub
	mkdir -p "$t/var" "$t/modules/$KREL"
	# Twice: the second run finds the first one's registration and redoes it.
	for i in 1 2; do
		run mk dkms-install DKMS_SRC="$t/src/cmamem-$VERSION" DKMS_KERNEL="$KREL" \
			DKMS_FLAGS="--sourcetree $t/src --dkmstree $t/var --installtree $t/modules --kernelsourcedir $KD --no-depmod"
		assert_failure
		assert_output --partial "cmamem: kernel $KREL is built without CONFIG_DMA_CMA, so cma_mem is not built for it."
		assert_output --partial "BUILD_EXCLUSIVE directive which does not match"
	done
	[ -e "$t/src/cmamem-$VERSION/include/uapi/linux/cma_mem.h" ]
	run -0 grep -c "PACKAGE_VERSION=\"$VERSION\"" "$t/src/cmamem-$VERSION/dkms.conf"
	run -0 dkms status -m cmamem --sourcetree "$t/src" --dkmstree "$t/var" --installtree "$t/modules"
	assert_output "cmamem/$VERSION: added"
	[ ! -e "$t/modules/$KREL/updates" ]
}

@test "make dkms-install adds, builds and installs for a CMA kernel (the guest's)" {
	command -v dkms >/dev/null || fail "no dkms (tests/deps installs it)"
	local kd krel t=$BATS_TEST_TMPDIR/dkms
	local trees="--sourcetree $t/src --dkmstree $t/var --installtree $t/modules"
	# The test guest's kernel: CMA, and built already by `make check`.
	kd=$("$REPO/tests/vm/build-kernel" --kver 6.1) || fail "no guest kernel"
	krel=$(uts_release "$kd")
	export mok_signing_key=$t/mok.key mok_certificate=$t/mok.pub
	mkdir -p "$t/var" "$t/modules/$krel"
	run mk dkms-install DKMS_SRC="$t/src/cmamem-$VERSION" DKMS_KERNEL="$krel" \
		DKMS_FLAGS="$trees --kernelsourcedir $kd --no-depmod"
	[ "$status" -eq 0 ] || fail "make dkms-install: $output"
	run -0 modinfo -F vermagic "$t/modules/$krel/updates/dkms/cma_mem.ko"
	assert_output --regexp "^$krel "
	# shellcheck disable=SC2086
	run -0 dkms status -m cmamem $trees
	assert_output "cmamem/$VERSION, $krel, $(uname -m): installed"
	run -0 mk dkms-uninstall DKMS_SRC="$t/src/cmamem-$VERSION" DKMS_FLAGS="$trees --no-depmod"
	[ ! -e "$t/modules/$krel/updates/dkms/cma_mem.ko" ]
	[ ! -e "$t/src/cmamem-$VERSION" ]
	# shellcheck disable=SC2086
	run -0 dkms status -m cmamem $trees
	assert_output ''
}
