// SPDX-License-Identifier: GPL-2.0
/*
 * The pool sub-allocates with genalloc, which a kernel has only when some
 * option selects CONFIG_GENERIC_ALLOCATOR (it has no prompt of its own):
 * board kernels get it from DMA_DIRECT_REMAP or DMA_COHERENT_POOL,
 * distribution kernels from AMD_MEM_ENCRYPT, but a minimal kernel (the
 * test guests' tinyconfig) may not. Kbuild builds this file only then: it
 * is the kernel's own lib/genalloc.c, compiled into the module, its symbols
 * not exported, so nothing outside cma_mem can come to depend on them.
 */
#include <linux/export.h>

#undef EXPORT_SYMBOL
#define EXPORT_SYMBOL(sym)
#undef EXPORT_SYMBOL_GPL
#define EXPORT_SYMBOL_GPL(sym)

#include "genalloc.c"
