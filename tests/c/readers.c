// SPDX-License-Identifier: GPL-2.0
/*
 * readers: read files over and over, for tests that unload the module
 * under its readers (tests/bats/teardown.bats).
 *
 *   readers loop STOPFILE FILE...
 *
 * loop: open, read to the end and close each FILE in turn, round after
 * round, until STOPFILE exists (checked once a round), then print
 * "loop: R rounds, S reads, F failed". A read that fails is counted and
 * not reported: while the module is away its files do not exist, and
 * some (debugfs for another uid) are never readable. Whether the kernel
 * coped is for the kernel log (the suite's gate) to say.
 *
 * See helper.h for the exit status.
 */
#include "helper.h"

static bool read_whole(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	do
		n = read(fd, buf, sizeof(buf));
	while (n > 0);
	close(fd);
	return n == 0;
}

static void t_loop(int argc, char **argv)
{
	long rounds = 0, ok = 0, failed = 0;
	int i;

	while (access(argv[0], F_OK)) {
		for (i = 1; i < argc; i++) {
			if (read_whole(argv[i]))
				ok++;
			else
				failed++;
		}
		rounds++;
	}
	printf("loop: %ld rounds, %ld reads, %ld failed\n", rounds, ok,
	       failed);
}

static const struct t_subtest tests[] = {
	{ "loop", t_loop, 2, "STOPFILE FILE..." },
};

T_MAIN(tests)
