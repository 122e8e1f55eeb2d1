// SPDX-License-Identifier: GPL-2.0
/*
 * kmod-stress: threads racing every cma_mem operation on shared and private
 * files, for lockdep, KASAN and the reference counts to judge. Run as root in
 * the guest with the module loaded:
 *
 *   tests/c/kmod-stress [SECONDS] [THREADS]
 *
 * Exits 1 if an operation failed in a way no race explains, or if buffers
 * are left over at the end.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
/* Relative, so that it builds without -Iinclude/uapi. */
#include "../../include/uapi/linux/cma_mem.h"

#define DEV "/dev/cma_mem"
#define SYSFS_BUFFERS "/sys/class/misc/cma_mem/buffers"
#define DEBUGFS_BUFFERS "/sys/kernel/debug/cma_mem/buffers"

static int shared_fd;

/* The last address-space changes, for the crash report. */
#define TRACE_LEN 256
static struct {
	const char *what;
	void *addr;
	size_t len;
	long arg;
	int tid;
} trace[TRACE_LEN];
static atomic_uint trace_pos;

static void note(const char *what, void *addr, size_t len, long arg)
{
	unsigned int i = atomic_fetch_add(&trace_pos, 1) % TRACE_LEN;

	trace[i].what = what;
	trace[i].addr = addr;
	trace[i].len = len;
	trace[i].arg = arg;
	trace[i].tid = gettid();
}
static atomic_int stop, errors;
static atomic_uint ops;

static int nr_buffers(void)
{
	FILE *f = fopen(SYSFS_BUFFERS, "r");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

static void unexpected(const char *what, int err)
{
	atomic_fetch_add(&errors, 1);
	fprintf(stderr, "unexpected: %s: %s\n", what, strerror(err));
}

/* Races can make a buffer vanish between two calls: ENOENT, EBUSY, ... */
static void expect(const char *what, int ret, int ok1, int ok2)
{
	if (ret && errno != ok1 && errno != ok2)
		unexpected(what, errno);
}

static void one_op(int fd, unsigned int *seed, uint32_t *ids, int n)
{
	uint32_t id = ids[rand_r(seed) % n];
	struct cma_mem_alloc a = { 0 };
	struct cma_mem_info i = { 0 };
	struct cma_mem_free f = { 0 };
	struct cma_mem_sync s = { 0 };
	struct cma_mem_export e = { 0 };
	struct cma_mem_list l = { 0 };
	uint32_t list[16] = { 0 };
	unsigned char *p;
	int ret;

	switch (rand_r(seed) % 9) {
	case 0:
	case 1:
		a.size = 4096 << (rand_r(seed) % 6);
		a.flags = rand_r(seed) % 3;
		if (rand_r(seed) % 4 == 0) {
			a.flags |= CMA_MEM_PERSIST;
			snprintf(a.name, sizeof(a.name), "s%u",
				 rand_r(seed) % 16);
		}
		ret = ioctl(fd, CMA_MEM_IOC_ALLOC, &a);
		expect("alloc", ret, EEXIST, ENOMEM);
		if (!ret)
			ids[rand_r(seed) % n] = a.id;
		break;
	case 2:
		f.id = id;
		ret = ioctl(fd, CMA_MEM_IOC_FREE, &f);
		expect("free", ret, ENOENT, EBUSY);
		break;
	case 3:
		if (rand_r(seed) % 2)
			i.id = id;
		else
			snprintf(i.name, sizeof(i.name), "s%u",
				 rand_r(seed) % 16);
		ret = ioctl(fd, CMA_MEM_IOC_ATTACH, &i);
		expect("attach", ret, ENOENT, EINVAL);
		break;
	case 4:
		i.id = id;
		ret = ioctl(fd, CMA_MEM_IOC_INFO, &i);
		expect("info", ret, ENOENT, ENOENT);
		if (ret)
			break;
		p = mmap(NULL, i.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 i.mmap_offset);
		note("mmap", p, i.size, i.id);
		if (p == MAP_FAILED) {
			/* Not held by this file, or freed meanwhile. */
			expect("mmap", -1, EACCES, EINVAL);
			break;
		}
		memset(p, 0x5a, i.size);
		/*
		 * A hole in the middle, then the rest piece by piece: another
		 * thread may have mapped something into the hole meanwhile.
		 */
		if (i.size > 8192 && rand_r(seed) % 2) {
			note("munmap hole", p + 4096, 4096, i.id);
			munmap(p + 4096, 4096);
			note("munmap head", p, 4096, i.id);
			munmap(p, 4096);
			note("munmap tail", p + 8192, i.size - 8192, i.id);
			munmap(p + 8192, i.size - 8192);
			break;
		}
		note("munmap", p, i.size, i.id);
		munmap(p, i.size);
		break;
	case 5:
		s.id = id;
		s.flags = rand_r(seed) % 2 ? CMA_MEM_SYNC_FOR_CPU :
					     CMA_MEM_SYNC_FOR_DEVICE;
		ret = ioctl(fd, CMA_MEM_IOC_SYNC, &s);
		expect("sync", ret, ENOENT, ENOENT);
		break;
	case 6:
		e.id = id;
		e.flags = O_RDWR | O_CLOEXEC;
		ret = ioctl(fd, CMA_MEM_IOC_EXPORT, &e);
		expect("export", ret, ENOENT, EACCES);
		if (ret)
			break;
		i.id = id;
		if (rand_r(seed) % 2 && !ioctl(fd, CMA_MEM_IOC_INFO, &i)) {
			p = mmap(NULL, i.size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, e.fd, 0);
			note("dmabuf mmap", p, i.size, e.fd);
			if (p != MAP_FAILED) {
				p[0] = 1;
				note("dmabuf munmap", p, i.size, e.fd);
				munmap(p, i.size);
			}
		}
		close(e.fd);
		break;
	case 7:
		l.ids = (uintptr_t)list;
		l.capacity = 16;
		do {
			ret = ioctl(fd, CMA_MEM_IOC_LIST, &l);
			expect("list", ret, 0, 0);
			l.start = l.next;
		} while (!ret && l.next);
		break;
	case 8: {
		char buf[4096];
		int dfd = open(DEBUGFS_BUFFERS, O_RDONLY);

		if (dfd < 0)
			break;
		while (read(dfd, buf, sizeof(buf)) > 0)
			;
		close(dfd);
		break;
	}
	}
	atomic_fetch_add(&ops, 1);
}

static void *worker(void *arg)
{
	unsigned int seed = (uintptr_t)arg;
	uint32_t ids[8] = { 0 };
	int own = open(DEV, O_RDWR | O_CLOEXEC);

	if (own < 0) {
		unexpected("open", errno);
		return NULL;
	}
	while (!atomic_load(&stop)) {
		one_op(rand_r(&seed) % 2 ? own : shared_fd, &seed, ids, 8);
		/* Now and then, start over with a fresh file. */
		if (rand_r(&seed) % 200 == 0) {
			close(own);
			own = open(DEV, O_RDWR | O_CLOEXEC);
			if (own < 0) {
				unexpected("reopen", errno);
				return NULL;
			}
		}
	}
	close(own);
	return NULL;
}

/* fork with mappings alive: the child touches, then exits or unmaps. */
static void *forker(void *arg)
{
	unsigned int seed = (uintptr_t)arg;

	while (!atomic_load(&stop)) {
		struct cma_mem_alloc a = { .size = 65536 };
		unsigned char *p;
		int status;
		pid_t pid;

		if (ioctl(shared_fd, CMA_MEM_IOC_ALLOC, &a))
			continue;
		p = mmap(NULL, a.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 shared_fd, a.mmap_offset);
		note("fork mmap", p, a.size, a.id);
		pid = fork();
		if (!pid) {
			if (p != MAP_FAILED)
				p[rand_r(&seed) % 65536] = 1;
			_exit(0);
		}
		struct cma_mem_free f = { .id = a.id };

		if (ioctl(shared_fd, CMA_MEM_IOC_FREE, &f))
			expect("fork free", -1, ENOENT, ENOENT);
		if (p != MAP_FAILED) {
			note("fork munmap", p, a.size, a.id);
			munmap(p, a.size);
		}
		waitpid(pid, &status, 0);
	}
	return NULL;
}

/* A crash here is a kernel bug more often than a test bug: say where. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	char cmd[64];

	unsigned int i, end = atomic_load(&trace_pos);

	(void)uc;
	fprintf(stderr, "signal %d code %d at %p in %d\n", sig, si->si_code,
		si->si_addr, gettid());
	for (i = end > 64 ? end - 64 : 0; i < end; i++)
		fprintf(stderr, "%d %s %p+%zx (%ld)\n", trace[i % TRACE_LEN].tid,
			trace[i % TRACE_LEN].what, trace[i % TRACE_LEN].addr,
			trace[i % TRACE_LEN].len, trace[i % TRACE_LEN].arg);
	snprintf(cmd, sizeof(cmd), "cat /proc/%d/maps >&2", getpid());
	if (system(cmd))
		fprintf(stderr, "no maps\n");
	_exit(3);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO };
	int seconds = argc > 1 ? atoi(argv[1]) : 10;
	int nthreads = argc > 2 ? atoi(argv[2]) : 6;
	pthread_t threads[64], fork_thread;
	struct cma_mem_free f = { 0 };
	int base = nr_buffers(), left, i;
	struct cma_mem_list l = { 0 };
	uint32_t ids[64] = { 0 };

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	if (nthreads < 1 || nthreads > 64)
		nthreads = 6;
	shared_fd = open(DEV, O_RDWR | O_CLOEXEC);
	if (shared_fd < 0) {
		perror(DEV);
		return 2;
	}
	for (i = 0; i < nthreads; i++)
		pthread_create(&threads[i], NULL, worker,
			       (void *)(uintptr_t)(i + 1));
	pthread_create(&fork_thread, NULL, forker, (void *)(uintptr_t)99);
	sleep(seconds);
	atomic_store(&stop, 1);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	pthread_join(fork_thread, NULL);
	close(shared_fd);

	/* Persistent buffers outlive their files: free them through a new one. */
	shared_fd = open(DEV, O_RDWR | O_CLOEXEC);
	l.ids = (uintptr_t)ids;
	l.capacity = 64;
	while (!ioctl(shared_fd, CMA_MEM_IOC_LIST, &l) && l.count) {
		for (i = 0; i < (int)l.count; i++) {
			f.id = ids[i];
			ioctl(shared_fd, CMA_MEM_IOC_FREE, &f);
		}
	}
	close(shared_fd);
	left = nr_buffers() - base;
	printf("%s: %u operations, %d unexpected errors, %d buffers left\n",
	       argv[0], atomic_load(&ops), atomic_load(&errors), left);
	return atomic_load(&errors) || left ? 1 : 0;
}
