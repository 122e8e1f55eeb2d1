/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cma_mem's trace events, system cma_mem (cma_mem(4), TRACING): each is
 * emitted where the thing happens, and costs a static branch while it is
 * disabled. Anything that costs to compute is computed in TP_fast_assign,
 * which runs only for an enabled event, or behind trace_*_enabled().
 *
 * The fields are the ones a person filters on, as numbers (ids, sizes,
 * uids, results as -errno); cache modes, sources, flags and directions
 * print as words. No __string(): __assign_str() changed its arguments in
 * 6.10, and fixed arrays filled with strscpy() work on 6.1 and 6.12 alike.
 * The constants are macros of the uapi header, or enums declared to the
 * tracing core with TRACE_DEFINE_ENUM(), so that perf and trace-cmd, which
 * read the format files, print the words too.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM cma_mem

#if !defined(_CMAMEM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CMAMEM_TRACE_H

#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-direction.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>

#include "buffer.h"
#include "cmamem_internal.h"

/* An importer's device name, cut to fit. */
#define CMAMEM_TRACE_DEV_LEN	32

TRACE_DEFINE_ENUM(DMA_BIDIRECTIONAL);
TRACE_DEFINE_ENUM(DMA_TO_DEVICE);
TRACE_DEFINE_ENUM(DMA_FROM_DEVICE);

#define show_cmamem_cache(cache)					\
	__print_symbolic(cache,						\
			 { CMA_MEM_CACHE_WC, "wc" },			\
			 { CMA_MEM_CACHE_UNCACHED, "uncached" },	\
			 { CMA_MEM_CACHE_CACHED, "cached" })

/* Asked for neither (auto), or where the memory came from. */
#define show_cmamem_source(source)					\
	__print_symbolic(source,					\
			 { 0, "auto" },					\
			 { CMA_MEM_FROM_POOL, "pool" },			\
			 { CMA_MEM_FROM_CMA, "cma" })

#define show_cmamem_flags(flags)					\
	__print_flags(flags, "|",					\
		      { CMA_MEM_PERSIST, "persist" },			\
		      { CMA_MEM_HEAP, "heap" })

#define CMAMEM_TRACE_SOURCES	(CMA_MEM_FROM_POOL | CMA_MEM_FROM_CMA)
#define CMAMEM_TRACE_FLAGS	(CMA_MEM_PERSIST | CMA_MEM_HEAP)

/*
 * An ALLOC, legacy CMEM_ALLOCATE or dma-heap allocation, made or refused:
 * @id is 0 and @refused says why on failure; @latency_ns is the time CMA or
 * the pool took (the stats file's histogram), 0 if it was not asked;
 * @region is the region's name, NULL when none was found.
 */
TRACE_EVENT(cma_mem_alloc,
	    TP_PROTO(u32 id, u64 size, u32 flags, kuid_t uid, u64 latency_ns,
		     int result, enum cmamem_refusal refused,
		     dma_addr_t dma_addr, const char *region),
	    TP_ARGS(id, size, flags, uid, latency_ns, result, refused,
		    dma_addr, region),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u64, size)
			     __field(u32, cache)
			     __field(u32, source)
			     __field(u32, flags)
			     __field(u32, uid)
			     __field(u64, latency_ns)
			     __field(int, result)
			     __array(char, refused, CMAMEM_REFUSAL_NAME_LEN)
			     __field(u64, dma_addr)
			     __array(char, region, CMA_MEM_NAME_LEN)),
	    TP_fast_assign(__entry->id = id;
			   __entry->size = size;
			   __entry->cache = flags & CMA_MEM_CACHE_MASK;
			   __entry->source = flags & CMAMEM_TRACE_SOURCES;
			   __entry->flags = flags & CMAMEM_TRACE_FLAGS;
			   __entry->uid = from_kuid(&init_user_ns, uid);
			   __entry->latency_ns = latency_ns;
			   __entry->result = result;
			   strscpy(__entry->refused,
				   cmamem_refusal_names[refused],
				   sizeof(__entry->refused));
			   __entry->dma_addr = dma_addr;
			   strscpy(__entry->region, region ?: "-",
				   sizeof(__entry->region));),
	    TP_printk("id=%u size=%llu cache=%s source=%s flags=%s uid=%u latency_ns=%llu result=%d refused=%s dma_addr=0x%llx region=%s",
		      __entry->id, __entry->size,
		      show_cmamem_cache(__entry->cache),
		      show_cmamem_source(__entry->source),
		      show_cmamem_flags(__entry->flags), __entry->uid,
		      __entry->latency_ns, __entry->result, __entry->refused,
		      __entry->dma_addr, __entry->region)
);

/*
 * A holder lets go: FREE (also of a buffer's persistence), or a file's
 * handle when the file is released, under cmamem.lock, before the caller
 * drops the @dropping references it held. The event's refs is what is
 * left then: the memory goes back (cma_mem_release) when it reaches 0.
 */
TRACE_EVENT(cma_mem_free,
	    TP_PROTO(const struct cmamem_buf *buf, unsigned int dropping,
		     bool closed),
	    TP_ARGS(buf, dropping, closed),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u64, size)
			     __field(unsigned int, refs)
			     __field(bool, closed)),
	    TP_fast_assign(__entry->id = buf->id;
			   __entry->size = buf->size;
			   __entry->refs = kref_read(&buf->ref) - dropping;
			   __entry->closed = closed;),
	    TP_printk("id=%u size=%llu refs=%u by=%s", __entry->id,
		      __entry->size, __entry->refs,
		      __print_symbolic(__entry->closed, { 0, "free" },
				       { 1, "close" }))
);

/* The memory went back, to the pool (to be zeroed) or to CMA. */
TRACE_EVENT(cma_mem_release,
	    TP_PROTO(const struct cmamem_buf *buf),
	    TP_ARGS(buf),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u64, size)
			     __field(u32, source)
			     __field(u64, age_ms)),
	    TP_fast_assign(__entry->id = buf->id;
			   __entry->size = buf->size;
			   __entry->source = buf->flags & CMAMEM_TRACE_SOURCES;
			   __entry->age_ms = div_u64(ktime_get_boottime_ns() -
						     buf->created_ns,
						     NSEC_PER_MSEC);),
	    TP_printk("id=%u size=%llu to=%s age_ms=%llu", __entry->id,
		      __entry->size, show_cmamem_source(__entry->source),
		      __entry->age_ms)
);

/*
 * A VMA of the buffer comes or goes: mmap() of /dev/cma_mem or of a
 * dma-buf, and the copies fork(), a partial munmap() or mremap() make;
 * each is unmapped once. @offset is in the buffer, @cache the mode the
 * mapping really has.
 */
DECLARE_EVENT_CLASS(cma_mem_vma,
		    TP_PROTO(const struct cmamem_buf *buf,
			     struct vm_area_struct *vma),
		    TP_ARGS(buf, vma),
		    TP_STRUCT__entry(__field(u32, id)
				     __field(u64, offset)
				     __field(u64, length)
				     __field(u32, cache)
				     __field(unsigned long, start)),
		    TP_fast_assign(__entry->id = buf->id;
				   __entry->offset =
					(u64)(vma->vm_pgoff -
					      cmamem_vma_base(vma, buf)) <<
					PAGE_SHIFT;
				   __entry->length = vma->vm_end - vma->vm_start;
				   __entry->cache = cmamem_cache_effective(buf);
				   __entry->start = vma->vm_start;),
		    TP_printk("id=%u offset=%llu length=%llu cache=%s start=0x%lx",
			      __entry->id, __entry->offset, __entry->length,
			      show_cmamem_cache(__entry->cache),
			      __entry->start)
);

DEFINE_EVENT(cma_mem_vma, cma_mem_map,
	     TP_PROTO(const struct cmamem_buf *buf,
		      struct vm_area_struct *vma),
	     TP_ARGS(buf, vma));

DEFINE_EVENT(cma_mem_vma, cma_mem_unmap,
	     TP_PROTO(const struct cmamem_buf *buf,
		      struct vm_area_struct *vma),
	     TP_ARGS(buf, vma));

/*
 * A page mapped again after the core zapped it (MADV_DONTNEED): @result is
 * 0, -ENOMEM, or -EFAULT where the process gets SIGBUS (vm_fault_t, whose
 * sparse type the tracing macros cannot take, as an errno).
 */
TRACE_EVENT(cma_mem_fault,
	    TP_PROTO(const struct cmamem_buf *buf, unsigned long page,
		     unsigned long address, vm_fault_t result),
	    TP_ARGS(buf, page, address, result),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(unsigned long, page)
			     __field(unsigned long, address)
			     __field(int, result)),
	    TP_fast_assign(__entry->id = buf->id;
			   __entry->page = page;
			   __entry->address = address;
			   __entry->result = vm_fault_to_errno(result, 0);),
	    TP_printk("id=%u page=%lu address=0x%lx result=%d", __entry->id,
		      __entry->page, __entry->address, __entry->result)
);

/*
 * Cache maintenance asked for: CMA_MEM_IOC_SYNC (@dir bidirectional), or
 * DMA_BUF_IOCTL_SYNC's start (for_cpu) and end (for_device) on an export,
 * whose read and write are @dir.
 */
TRACE_EVENT(cma_mem_sync,
	    TP_PROTO(const struct cmamem_buf *buf, u64 offset, u64 length,
		     u32 sync, enum dma_data_direction dir, bool dmabuf),
	    TP_ARGS(buf, offset, length, sync, dir, dmabuf),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u64, offset)
			     __field(u64, length)
			     __field(u32, sync)
			     __field(int, dir)
			     __field(bool, dmabuf)),
	    TP_fast_assign(__entry->id = buf->id;
			   __entry->offset = offset;
			   __entry->length = length;
			   __entry->sync = sync;
			   __entry->dir = dir;
			   __entry->dmabuf = dmabuf;),
	    TP_printk("id=%u offset=%llu length=%llu sync=%s dir=%s via=%s",
		      __entry->id, __entry->offset, __entry->length,
		      __print_symbolic(__entry->sync,
				       { CMA_MEM_SYNC_FOR_CPU, "for_cpu" },
				       { CMA_MEM_SYNC_FOR_DEVICE,
					 "for_device" }),
		      __print_symbolic(__entry->dir,
				       { DMA_BIDIRECTIONAL, "bidirectional" },
				       { DMA_TO_DEVICE, "to_device" },
				       { DMA_FROM_DEVICE, "from_device" }),
		      __print_symbolic(__entry->dmabuf, { 0, "ioctl" },
				       { 1, "dma_buf" }))
);

/*
 * A dma-buf made from buffer @id (EXPORT, or the dma-heap node's), with
 * the fd reserved for it in @p, or not (@result).
 */
TRACE_EVENT(cma_mem_export,
	    TP_PROTO(u32 id, const struct cmamem_pending *p, int result),
	    TP_ARGS(id, p, result),
	    TP_STRUCT__entry(__field(u32, id)
			     __field(u64, size)
			     __field(int, fd)
			     __field(int, result)),
	    TP_fast_assign(__entry->id = id;
			   __entry->size = result ? 0 : p->dmabuf->size;
			   __entry->fd = result ? -1 : p->fd;
			   __entry->result = result;),
	    TP_printk("id=%u size=%llu fd=%d result=%d", __entry->id,
		      __entry->size, __entry->fd, __entry->result)
);

/* A device imports an export, or lets it go. */
DECLARE_EVENT_CLASS(cma_mem_importer,
		    TP_PROTO(const struct cmamem_buf *buf, struct device *dev),
		    TP_ARGS(buf, dev),
		    TP_STRUCT__entry(__field(u32, id)
				     __array(char, dev, CMAMEM_TRACE_DEV_LEN)),
		    TP_fast_assign(__entry->id = buf->id;
				   strscpy(__entry->dev, dev_name(dev),
					   sizeof(__entry->dev));),
		    TP_printk("id=%u dev=%s", __entry->id, __entry->dev)
);

DEFINE_EVENT(cma_mem_importer, cma_mem_attach,
	     TP_PROTO(const struct cmamem_buf *buf, struct device *dev),
	     TP_ARGS(buf, dev));

DEFINE_EVENT(cma_mem_importer, cma_mem_detach,
	     TP_PROTO(const struct cmamem_buf *buf, struct device *dev),
	     TP_ARGS(buf, dev));

/* A pool chunk taken from CMA, or given back to it. */
DECLARE_EVENT_CLASS(cma_mem_pool_chunk,
		    TP_PROTO(size_t bytes, dma_addr_t dma_addr),
		    TP_ARGS(bytes, dma_addr),
		    TP_STRUCT__entry(__field(u64, bytes)
				     __field(u64, dma_addr)),
		    TP_fast_assign(__entry->bytes = bytes;
				   __entry->dma_addr = dma_addr;),
		    TP_printk("bytes=%llu dma_addr=0x%llx", __entry->bytes,
			      __entry->dma_addr)
);

DEFINE_EVENT(cma_mem_pool_chunk, cma_mem_pool_grow,
	     TP_PROTO(size_t bytes, dma_addr_t dma_addr),
	     TP_ARGS(bytes, dma_addr));

DEFINE_EVENT(cma_mem_pool_chunk, cma_mem_pool_shrink,
	     TP_PROTO(size_t bytes, dma_addr_t dma_addr),
	     TP_ARGS(bytes, dma_addr));

/*
 * A freed pool extent zeroed, by the background work or by an allocation
 * that found no clean space (inline); @start_ns is when it began, on
 * ktime_get_ns(), read only while the event is enabled (0 if it was
 * enabled meanwhile: no latency then).
 */
TRACE_EVENT(cma_mem_pool_zero,
	    TP_PROTO(size_t bytes, dma_addr_t dma_addr, bool inline_zero,
		     u64 start_ns),
	    TP_ARGS(bytes, dma_addr, inline_zero, start_ns),
	    TP_STRUCT__entry(__field(u64, bytes)
			     __field(u64, dma_addr)
			     __field(bool, inline_zero)
			     __field(u64, latency_ns)),
	    TP_fast_assign(__entry->bytes = bytes;
			   __entry->dma_addr = dma_addr;
			   __entry->inline_zero = inline_zero;
			   __entry->latency_ns =
				start_ns ? ktime_get_ns() - start_ns : 0;),
	    TP_printk("bytes=%llu dma_addr=0x%llx by=%s latency_ns=%llu",
		      __entry->bytes, __entry->dma_addr,
		      __print_symbolic(__entry->inline_zero,
				       { 0, "background" }, { 1, "inline" }),
		      __entry->latency_ns)
);

/* DMA_HEAP_IOCTL_ALLOC on the dma-heap node: the fd in @p on success. */
TRACE_EVENT(cma_mem_heap_alloc,
	    TP_PROTO(u64 size, const struct cmamem_pending *p, int result),
	    TP_ARGS(size, p, result),
	    TP_STRUCT__entry(__field(u64, size)
			     __field(int, fd)
			     __field(int, result)),
	    TP_fast_assign(__entry->size = size;
			   __entry->fd = result ? -1 : p->fd;
			   __entry->result = result;),
	    TP_printk("size=%llu fd=%d result=%d", __entry->size, __entry->fd,
		      __entry->result)
);

#endif /* _CMAMEM_TRACE_H */

/* An out-of-tree module: Kbuild puts src/kmod on trace.o's include path. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
