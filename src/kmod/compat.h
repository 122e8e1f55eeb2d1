/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels cma_mem builds on (6.1 and 6.12), and
 * nothing else.
 */
#ifndef _CMAMEM_COMPAT_H
#define _CMAMEM_COMPAT_H

#include <linux/mm.h>
#include <linux/module.h>

/*
 * 6.3 made vma->vm_flags read-only and added vm_flags_set(). Kbuild looks
 * for it in the headers, so a stable backport is found too.
 */
static inline void cmamem_vm_flags_set(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
#ifdef CMAMEM_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * 6.13 made MODULE_IMPORT_NS() take a string literal ("DMA_BUF"); before, it
 * stringified a bare token (DMA_BUF), and a literal would end up quoted
 * twice, an import of no namespace. Kbuild reads the macro's definition in
 * the headers.
 */
#ifdef CMAMEM_HAVE_IMPORT_NS_STRING
#define CMAMEM_IMPORT_NS(ns) MODULE_IMPORT_NS(#ns)
#else
#define CMAMEM_IMPORT_NS(ns) MODULE_IMPORT_NS(ns)
#endif

#endif /* _CMAMEM_COMPAT_H */
