# Sourced by bench/run, bench/profile and bench/pfn-compare: where the tree
# is, the bench guest's settings, and the builds every one of them needs.
#
#   BENCH_KVER   guest kernel (default 6.1, the bench flavour: no debug
#                options)
#   BENCH_CMA    the guest's CMA area (default 384M: the pool, and room for
#                the largest CMA and heap buffers besides)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
kver=${BENCH_KVER:-6.1}
cma=${BENCH_CMA:-384M}

# The library, the CLI and cmabench, built on the host.
bench_build() {
	make -s -C "$repo" lib cli >&2
	make -s -C "$here" BUILD="$repo/build" >&2
}

# The bench kernel's build tree (cached; the first build takes a few
# minutes).
bench_kdir() {
	"$repo/tests/vm/build-kernel" --kver "$kver" --flavor bench
}
