// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * export ID|NAME -- CMD [ARGS...]: hand a buffer to any program as a
 * dma-buf. The fd is made without O_CLOEXEC, its number goes into the
 * environment, and cmamem execs CMD in its own place, so CMD's exit status
 * is ours with no process in between. The device fd is close-on-exec: the
 * dma-buf holds its own reference to the buffer, so CMD needs nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int action_export(struct cli *cli)
{
	struct cmamem_info info;
	struct buf_ref ref;
	struct cmamem *dev;
	char num[32];
	int fd, ret, err;

	if (arg_ref(cli->args[0], &ref))
		return EXIT_USAGE;
	ret = cli_open(cli, &dev);
	if (ret)
		return ret;
	ret = cli_attach(dev, &ref, &info);
	if (ret) {
		cmamem_close(dev);
		return ret;
	}
	ret = cmamem_export(dev, info.id, O_RDWR, &fd);
	cmamem_close(dev);
	if (ret)
		return explain_export(ret, ref.text, &info);

	snprintf(num, sizeof(num), "%d", fd);
	setenv("CMAMEM_DMABUF_FD", num, 1);
	snprintf(num, sizeof(num), "%u", info.id);
	setenv("CMAMEM_BUFFER_ID", num, 1);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)info.size);
	setenv("CMAMEM_BUFFER_SIZE", num, 1);
	cli_note(cli, "buffer %u: dma-buf fd %d for %s", info.id, fd,
		 cli->args[1]);
	fflush(stdout);
	execvp(cli->args[1], (char *const *)&cli->args[1]);
	err = errno;
	cli_err("export: cannot run %s: %s", cli->args[1], strerror(err));
	close(fd);
	/* As sh and env: 127 for a command not found, 126 for one that cannot run. */
	return err == ENOENT ? 127 : 126;
}
