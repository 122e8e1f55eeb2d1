// SPDX-License-Identifier: GPL-2.0
/*
 * kmod-leave: allocate persistent buffers and exit, so that a following rmmod
 * has to free them. Run as root in the guest:
 *
 *   tests/c/kmod-leave [COUNT]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
/* Relative, so that it builds without -Iinclude/uapi. */
#include "../../include/uapi/linux/cma_mem.h"

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 3;
	int fd = open("/dev/cma_mem", O_RDWR | O_CLOEXEC);
	int i;

	if (fd < 0) {
		perror("/dev/cma_mem");
		return 2;
	}
	for (i = 0; i < count; i++) {
		struct cma_mem_alloc a;

		memset(&a, 0, sizeof(a));
		a.size = 65536 << (i % 4);
		a.flags = CMA_MEM_PERSIST | (i % 3);
		snprintf(a.name, sizeof(a.name), "leave%d", i);
		if (ioctl(fd, CMA_MEM_IOC_ALLOC, &a)) {
			perror("CMA_MEM_IOC_ALLOC");
			return 1;
		}
	}
	close(fd);
	return 0;
}
