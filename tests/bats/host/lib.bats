#!/usr/bin/env bats
# libcmamem as a library: what the shared object exports, the pkg-config
# file, and the API driven from C against the fake device (see fake.bats).

load host_helper

setup() {
	host_setup
	LIB=$BUILD/lib
	FAKE=$BUILD/tests/libcmamem-fake.so
	export CMAMEM_FAKE_DIR=$BATS_TEST_TMPDIR/fake
	export CMAMEM_FAKE_DEVICE=/fake/cma_mem
	export CMAMEM_DEVICE=/fake/cma_mem
}

@test "the shared object exports the public API and nothing else" {
	local want got
	want=$(sed -n 's/^\(int\|void\|const char\) \*\{0,1\}\(cmamem_[a-z_]*\)(.*/\2/p' \
		"$REPO/include/cmamem.h" | sort)
	got=$(nm -D --defined-only "$LIB/libcmamem.so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort)
	[ -n "$want" ]
	assert_equal "$got" "$want"
	run -0 bash -c "nm -D --defined-only '$LIB/libcmamem.so' | awk '\$2 != \"T\" && \$2 != \"A\"'"
	assert_output ""
}

@test "cmamem(3) documents exactly the header's functions: NAME, SYNOPSIS prototypes, DESCRIPTION, ERRORS" {
	run -0 "$REPO/tests/man/check-api" "$REPO"
	assert_output --regexp "^cmamem\(3\): [1-9][0-9]* functions, as the header declares them$"
}

@test "soname, symlinks, static library" {
	run -0 bash -c "objdump -p '$LIB/libcmamem.so' | awk '/SONAME/ { print \$2 }'"
	assert_output "libcmamem.so.0"
	[ -L "$LIB/libcmamem.so" ] && [ -L "$LIB/libcmamem.so.0" ]
	[ -f "$LIB/libcmamem.so.0.1.0" ]
	run -0 bash -c "ar t '$LIB/libcmamem.a'"
	assert_output "cmamem.o"
}

@test "pkg-config: version from the header, flags under the prefix" {
	export PKG_CONFIG_PATH=$LIB/pkgconfig
	run -0 pkg-config --modversion cmamem
	assert_output "$(sed -n 's/^#define CMAMEM_VERSION[[:space:]]*"\(.*\)"/\1/p' "$REPO/include/cmamem.h")"
	run -0 pkg-config --define-variable=prefix=/opt/c --cflags --libs cmamem
	assert_equal "${output% }" "-I/opt/c/include -L/opt/c/lib -lcmamem"
}

# A C program against the shared library, run on the fake device.
build_prog() {
	cat > "$BATS_TEST_TMPDIR/t.c" <<-'EOC'
	#include <errno.h>
	#include <fcntl.h>
	#include <stdio.h>
	#include <stdlib.h>
	#include <string.h>
	#include <sys/mman.h>
	#include <unistd.h>
	#include <cmamem.h>

	#define CHECK(x) do { int r_ = (x); if (r_) { \
		fprintf(stderr, "%s:%d: %s = %d\n", __FILE__, __LINE__, #x, r_); \
		exit(1); } } while (0)
	#define EXPECT(x, e) do { int r_ = (x); if (r_ != (e)) { \
		fprintf(stderr, "%s:%d: %s = %d, not %d\n", __FILE__, __LINE__, \
			#x, r_, (e)); exit(1); } } while (0)

	int main(int argc, char **argv)
	{
		struct cmamem *a, *b;
		struct cmamem_info info, got;
		uint32_t *ids;
		size_t n, i;
		void *p;
		int fd, many = argc > 1 ? atoi(argv[1]) : 0;

		CHECK(cmamem_open(NULL, &a));		/* $CMAMEM_DEVICE */
		CHECK(cmamem_open(CMAMEM_DEFAULT_DEVICE "-missing", &b) != -ENOENT);
		CHECK(cmamem_alloc(a, 10000, 0, CMAMEM_PERSIST | CMAMEM_CACHE_CACHED,
				   "lib-test", &info));
		if (info.id == 0 || info.size != 12288 || strcmp(info.name, "lib-test"))
			return 1;
		EXPECT(cmamem_alloc(a, 4096, 0, CMAMEM_PERSIST, "lib-test", &got), -EEXIST);
		EXPECT(cmamem_alloc(a, 4096, 0, 0, "0123456789012345678901234567890123", &got), -EINVAL);

		/* An unaligned partial mapping, written through. */
		CHECK(cmamem_map(a, &info, 5000, 100, PROT_READ | PROT_WRITE, &p));
		memset(p, 0xab, 100);
		CHECK(cmamem_sync_end(a, info.id, 5000, 100));
		CHECK(cmamem_unmap(p, 100));
		EXPECT(cmamem_map(a, &info, 12288, 0, PROT_READ, &p), -EINVAL);
		EXPECT(cmamem_map(a, &info, 4096, 8193, PROT_READ, &p), -EINVAL);

		/* Another handle attaches by name and sees the bytes. */
		CHECK(cmamem_open("/fake/cma_mem", &b));
		EXPECT(cmamem_map(b, &info, 0, 0, PROT_READ, &p), -EACCES);
		CHECK(cmamem_attach_name(b, "lib-test", &got));
		if (got.id != info.id || got.mmap_offset != info.mmap_offset ||
		    (got.flags & CMAMEM_CACHE_MASK) != CMAMEM_CACHE_CACHED)
			return 1;
		CHECK(cmamem_sync_begin(b, got.id, 0, 0));
		CHECK(cmamem_map(b, &got, 0, 0, PROT_READ, &p));
		for (i = 0; i < got.size; i++) {
			unsigned char want = (i >= 5000 && i < 5100) ? 0xab : 0;

			if (((unsigned char *)p)[i] != want)
				return 2;
		}
		CHECK(cmamem_unmap(p, got.size));
		EXPECT(cmamem_attach(b, 0, &got), -ENOENT);
		EXPECT(cmamem_attach(b, 999, &got), -ENOENT);
		EXPECT(cmamem_attach_name(b, "", &got), -EINVAL);
		EXPECT(cmamem_attach_name(b, "nope", &got), -ENOENT);
		EXPECT(cmamem_sync(b, info.id, 0, 0, (enum cmamem_sync_dir)3), -EINVAL);
		EXPECT(cmamem_export(b, info.id, O_ACCMODE, &fd), -EINVAL);
		if (fd != -1)
			return 3;
		CHECK(cmamem_export(b, info.id, O_RDWR | O_CLOEXEC, &fd));
		if (fd < 0 || close(fd))
			return 3;
		CHECK(cmamem_info(b, info.id, &got));
		if (got.size != info.size || !(got.flags & CMAMEM_PERSIST))
			return 4;

		/* LIST over many pages. */
		for (i = 0; i < (size_t)many; i++)
			CHECK(cmamem_alloc(a, 4096, 0, 0, NULL, &got));
		CHECK(cmamem_list(b, &ids, &n));
		if (n != (size_t)many + 1)
			return 5;
		for (i = 1; i < n; i++)
			if (ids[i] <= ids[i - 1])
				return 6;
		free(ids);

		CHECK(cmamem_free(b, info.id));
		EXPECT(cmamem_info(b, info.id, &got), -ENOENT);
		cmamem_close(b);
		cmamem_close(a);
		cmamem_close(NULL);
		/* a's non-persistent buffers went with it. */
		CHECK(cmamem_open(NULL, &a));
		CHECK(cmamem_list(a, &ids, &n));
		if (n != 0 || ids != NULL)
			return 7;
		cmamem_close(a);
		puts(cmamem_version());
		return 0;
	}
	EOC
	cc -Wall -Wextra -Werror -I"$REPO/include" -o "$BATS_TEST_TMPDIR/t" \
		"$BATS_TEST_TMPDIR/t.c" -L"$LIB" -lcmamem -Wl,-rpath,"$LIB"
}

@test "the API on the fake device: alloc, map, attach, sync, info, list, free" {
	[ -f "$FAKE" ] || fail "libcmamem-fake.so not built (make tests-host)"
	build_prog
	run --separate-stderr env LD_PRELOAD="$FAKE" "$BATS_TEST_TMPDIR/t"
	[ "$status" -eq 0 ] || fail "exit $status: $stderr"
	assert_output "0.1.0"
}

@test "cmamem_list walks every page (600 buffers, 256 a page)" {
	[ -f "$FAKE" ] || fail "libcmamem-fake.so not built (make tests-host)"
	build_prog
	run --separate-stderr env LD_PRELOAD="$FAKE" "$BATS_TEST_TMPDIR/t" 600
	[ "$status" -eq 0 ] || fail "exit $status: $stderr"
}

@test "valgrind: the API program" {
	[ -f "$FAKE" ] || fail "libcmamem-fake.so not built (make tests-host)"
	need_valgrind
	build_prog
	run env LD_PRELOAD="$FAKE" valgrind -q --leak-check=full --error-exitcode=99 \
		--errors-for-leak-kinds=definite,possible "$BATS_TEST_TMPDIR/t" 300
	[ "$status" -eq 0 ] || fail "exit $status: $output"
}

@test "regions: cmamem_region_id from sysfs, cmamem_alloc_region, CMAMEM_REGION() of alloc and info" {
	[ -f "$FAKE" ] || fail "libcmamem-fake.so not built (make tests-host)"
	export CMAMEM_SYSFS=$BATS_TEST_TMPDIR/sysfs
	mkdir -p "$CMAMEM_SYSFS/regions/default" "$CMAMEM_SYSFS/regions/vpu"
	echo 0 >"$CMAMEM_SYSFS/regions/default/id"
	echo 1 >"$CMAMEM_SYSFS/regions/vpu/id"
	echo cma >"$CMAMEM_SYSFS/regions/vpu/kind"
	cat > "$BATS_TEST_TMPDIR/r.c" <<-'EOC'
	#include <errno.h>
	#include <stdio.h>
	#include <stdlib.h>
	#include <cmamem.h>

	#define EXPECT(x, e) do { int r_ = (x); if (r_ != (e)) { \
		fprintf(stderr, "%s:%d: %s = %d, not %d\n", __FILE__, __LINE__, \
			#x, r_, (e)); exit(1); } } while (0)
	#define TRUE(x) do { if (!(x)) { \
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #x); exit(1); } } while (0)

	int main(void)
	{
		struct cmamem_info info, got;
		struct cmamem *dev;
		uint32_t id = 99;

		EXPECT(cmamem_region_id(CMAMEM_REGION_DEFAULT_NAME, &id), 0);
		TRUE(id == CMAMEM_REGION_DEFAULT);
		EXPECT(cmamem_region_id("vpu", &id), 0);
		TRUE(id == 1);
		EXPECT(cmamem_region_id("gpu", &id), -ENODEV);
		EXPECT(cmamem_region_id("../vpu", &id), -EINVAL);
		EXPECT(cmamem_region_id("", &id), -EINVAL);
		EXPECT(cmamem_open(NULL, &dev), 0);
		EXPECT(cmamem_alloc_region(dev, 1, 4096, 0, CMAMEM_PERSIST | CMAMEM_CACHE_UNCACHED,
					   "in-vpu", &info), 0);
		TRUE(CMAMEM_REGION(info.flags) == 1);
		TRUE((info.flags & CMAMEM_CACHE_MASK) == CMAMEM_CACHE_UNCACHED);
		EXPECT(cmamem_info(dev, info.id, &got), 0);
		TRUE(CMAMEM_REGION(got.flags) == 1 && (got.flags & CMAMEM_PERSIST));
		EXPECT(cmamem_attach_name(dev, "in-vpu", &got), 0);
		TRUE(CMAMEM_REGION(got.flags) == 1);
		EXPECT(cmamem_alloc_region(dev, 9, 4096, 0, 0, NULL, &got), -ENODEV);
		EXPECT(cmamem_alloc_region(dev, CMAMEM_REGION_MAX + 1, 4096, 0, 0, NULL, &got),
		       -EOVERFLOW);
		/* cmamem_alloc() is the default region's. */
		EXPECT(cmamem_alloc(dev, 4096, 0, 0, NULL, &got), 0);
		TRUE(CMAMEM_REGION(got.flags) == CMAMEM_REGION_DEFAULT);
		EXPECT(cmamem_info(dev, got.id, &got), 0);
		TRUE(CMAMEM_REGION(got.flags) == CMAMEM_REGION_DEFAULT);
		EXPECT(cmamem_free(dev, info.id), 0);
		cmamem_close(dev);
		return 0;
	}
	EOC
	cc -Wall -Wextra -Werror -I"$REPO/include" -o "$BATS_TEST_TMPDIR/r" \
		"$BATS_TEST_TMPDIR/r.c" -L"$LIB" -lcmamem -Wl,-rpath,"$LIB"
	run --separate-stderr env LD_PRELOAD="$FAKE" "$BATS_TEST_TMPDIR/r"
	[ "$status" -eq 0 ] || fail "exit $status: $stderr"
}
