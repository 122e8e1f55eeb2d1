# Loads bats-support and bats-assert for the device suites, without forks.
#
# Their load.bash files source each of their parts as
#   source "$(dirname "${BASH_SOURCE[0]}")/src/assert.bash"
# a command substitution and an exec of dirname per part: 18 processes
# before every test, since bats sources a suite again for each test. In the
# debug guest under TCG a process costs 0.3-0.6 s, so that was 5-7 s of
# every test (measured: a test with nothing in it took 7.6 s with the
# libraries loaded, 1.0 s without). The first load of a run writes a copy of
# each load.bash with its directory spelled out into BATS_RUN_TMPDIR, and
# puts that first on BATS_LIB_PATH, where bats_load_library finds a file of
# the library's name before a directory. The same files are sourced, in the
# same order.

bats_libs_dir=$BATS_RUN_TMPDIR/cmamem-bats-libs
if [ ! -f "$bats_libs_dir/bats-assert" ]; then
	mkdir -p "$bats_libs_dir"
	for bats_lib in bats-support bats-assert; do
		find_in_bats_lib_path bats_lib_load "$bats_lib" || {
			echo "bats_libs: $bats_lib is not on BATS_LIB_PATH (${BATS_LIB_PATH:-unset}): install it (tests/deps)" >&2
			exit 1
		}
		bats_lib_text=$(<"$bats_lib_load")
		bats_lib_text=${bats_lib_text//'$(dirname "${BASH_SOURCE[0]}")'/${bats_lib_load%/*}}
		printf '%s\n' "$bats_lib_text" >"$bats_libs_dir/$bats_lib.tmp"
		mv "$bats_libs_dir/$bats_lib.tmp" "$bats_libs_dir/$bats_lib"
	done
	unset bats_lib bats_lib_load bats_lib_text
fi
BATS_LIB_PATH=$bats_libs_dir${BATS_LIB_PATH:+:$BATS_LIB_PATH}

bats_load_library bats-support
bats_load_library bats-assert
