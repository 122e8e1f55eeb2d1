// SPDX-License-Identifier: GPL-2.0
/*
 * holders: processes that hold buffers in each of the ways the debugfs
 * holders file, the buffers table and `cmamem holders` report (handle, map,
 * export), held until the test says to let go. tests/bats/holders.bats does
 * the checking.
 *
 * Each subtest sets its holders up and prints "stage N key=value..." (the
 * buffer ids and the pids that hold them), then waits for SIGUSR1 before
 * its next step; after the last one it prints "done" and exits. No sleeps:
 * the test reads a line, checks, and signals. The program leads its own
 * process group, so a test that fails midway kills it and its children with
 * one kill(-pgid).
 *
 *   fork-map      P maps a 1M buffer, closes its file and forks C, which
 *                 inherits the mapping. 1: C unmaps. 2: P unmaps (the
 *                 buffer goes).
 *   fork-handle   P allocates 1M and forks C, which shares the file (a
 *                 handle for both). 1: C closes its fd.
 *   scm-export    P allocates 2M and exports it; the dma-buf goes to R
 *                 (forked before) over SCM_RIGHTS, P closes its copy, R maps
 *                 the dma-buf. 1: R unmaps. 2: R closes the dma-buf.
 *   attach NAME   P attaches the persistent buffer NAME and maps it.
 *                 1: P unmaps and closes the file.
 *   most          P allocates 1M and forks C ("big holder"), which shares
 *                 that file and maps a 4M buffer of its own file: C holds
 *                 the most.
 *   top A B       P allocates A (1M) and B (3M) on one file, maps A and
 *                 exports B, keeping the dma-buf: cmamem top's row for P
 *                 is 2 buffers, 4M, 1M mapped, 1 export. 1: P lets go of
 *                 both, and they are gone.
 */
#include <signal.h>
#include <sys/prctl.h>

#include "helper.h"

#define MIB (1UL << 20)

/* Print the state, then wait for the test's SIGUSR1. */
static void __attribute__((format(printf, 2, 3))) stage(int n, const char *fmt,
							 ...)
{
	sigset_t set;
	va_list ap;

	printf("stage %d ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	while (sigwaitinfo(&set, NULL) < 0)
		if (errno != EINTR)
			DIE("sigwaitinfo: %s", strerror(errno));
}

static void start(void)
{
	sigset_t set;

	/* Blocked before any child exists, so no SIGUSR1 can be lost. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		DIE("sigprocmask: %s", strerror(errno));
	if (setpgid(0, 0))
		DIE("setpgid: %s", strerror(errno));
}

static void done(void)
{
	printf("done\n");
	fflush(stdout);
}

/* A child that runs @fn(@arg) each time the parent sends a byte on @cmd. */
struct child {
	pid_t pid;
	int cmd;	/* parent -> child */
	int ack;	/* child -> parent */
};

static void child_start(struct child *c, void (*fn)(char, void *), void *arg)
{
	int to[2], from[2];

	if (pipe(to) || pipe(from))
		DIE("pipe: %s", strerror(errno));
	fflush(stdout);
	c->pid = fork();
	if (c->pid < 0)
		DIE("fork: %s", strerror(errno));
	if (!c->pid) {
		char op;

		close(to[1]);
		close(from[0]);
		/* 'x' (or the parent gone): exit. */
		while (read(to[0], &op, 1) == 1 && op != 'x') {
			fn(op, arg);
			t_send(from[1], op);
		}
		_exit(t_failures ? 1 : 0);
	}
	close(to[0]);
	close(from[1]);
	c->cmd = to[1];
	c->ack = from[0];
}

/* Have the child do @op, and wait until it has. */
static void child_do(struct child *c, char op)
{
	t_send(c->cmd, op);
	if (t_recv(c->ack) != op)
		DIE("child %d did not do '%c'", c->pid, op);
}

static void child_end(struct child *c)
{
	t_send(c->cmd, 'x');
	close(c->cmd);
	close(c->ack);
	t_reap(c->pid, "child");
}

/* --- fork-map --- */

static void *map_addr;

static void unmap_op(char op, void *arg)
{
	(void)arg;
	if (op == 'u' && munmap(map_addr, MIB))
		FAIL("munmap: %s", strerror(errno));
}

static void t_fork_map(int argc, char **argv)
{
	struct cma_mem_alloc a;
	struct child c;
	int fd;

	(void)argc;
	(void)argv;
	start();
	fd = t_open();
	ALLOC(fd, MIB, 0, NULL, &a);
	MAP(fd, MIB, a.mmap_offset, &map_addr);
	/* The mapping keeps the file: no fd, so no handle, in either. */
	close(fd);
	child_start(&c, unmap_op, NULL);
	stage(0, "id=%u parent=%d child=%d", a.id, getpid(), c.pid);
	child_do(&c, 'u');
	stage(1, "id=%u parent=%d child=%d", a.id, getpid(), c.pid);
	if (munmap(map_addr, MIB))
		FAIL("munmap: %s", strerror(errno));
	stage(2, "id=%u parent=%d child=%d", a.id, getpid(), c.pid);
	child_end(&c);
	done();
}

/* --- fork-handle --- */

static int shared_fd = -1;

static void close_op(char op, void *arg)
{
	(void)arg;
	if (op == 'c' && close(shared_fd))
		FAIL("close: %s", strerror(errno));
}

static void t_fork_handle(int argc, char **argv)
{
	struct cma_mem_alloc a;
	struct child c;

	(void)argc;
	(void)argv;
	start();
	shared_fd = t_open();
	ALLOC(shared_fd, MIB, 0, NULL, &a);
	child_start(&c, close_op, NULL);
	stage(0, "id=%u parent=%d child=%d", a.id, getpid(), c.pid);
	child_do(&c, 'c');
	stage(1, "id=%u parent=%d child=%d", a.id, getpid(), c.pid);
	child_end(&c);
	close(shared_fd);
	done();
}

/* --- scm-export --- */

static int sock[2];
static int dmabuf_fd = -1;

/* r: receive the dma-buf and map it; u: unmap; c: close it. */
static void receiver_op(char op, void *arg)
{
	(void)arg;
	switch (op) {
	case 'r':
		dmabuf_fd = t_recv_fd(sock[1]);
		map_addr = mmap(NULL, 2 * MIB, PROT_READ | PROT_WRITE,
				MAP_SHARED, dmabuf_fd, 0);
		if (map_addr == MAP_FAILED)
			FAIL("mmap of the dma-buf: %s", strerror(errno));
		break;
	case 'u':
		if (munmap(map_addr, 2 * MIB))
			FAIL("munmap: %s", strerror(errno));
		break;
	case 'c':
		if (close(dmabuf_fd))
			FAIL("close: %s", strerror(errno));
		break;
	}
}

static void t_scm_export(int argc, char **argv)
{
	struct cma_mem_alloc a;
	struct child r;
	int fd, dfd;

	(void)argc;
	(void)argv;
	start();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sock))
		DIE("socketpair: %s", strerror(errno));
	child_start(&r, receiver_op, NULL);
	fd = t_open();
	ALLOC(fd, 2 * MIB, 0, NULL, &a);
	dfd = t_export(fd, a.id, O_RDWR | O_CLOEXEC);
	if (dfd < 0)
		DIE("EXPORT: %s", t_errname(-dfd));
	t_send_fd(sock[0], dfd);
	close(dfd);
	child_do(&r, 'r');
	stage(0, "id=%u parent=%d receiver=%d", a.id, getpid(), r.pid);
	child_do(&r, 'u');
	stage(1, "id=%u parent=%d receiver=%d", a.id, getpid(), r.pid);
	child_do(&r, 'c');
	stage(2, "id=%u parent=%d receiver=%d", a.id, getpid(), r.pid);
	child_end(&r);
	close(fd);
	done();
}

/* --- attach NAME --- */

static void t_attach_name(int argc, char **argv)
{
	struct cma_mem_info info;
	void *p;
	int fd;

	(void)argc;
	start();
	fd = t_open();
	REQUIRE_OK(t_attach(fd, 0, argv[0], &info));
	MAP(fd, info.size, info.mmap_offset, &p);
	stage(0, "id=%u pid=%d", info.id, getpid());
	if (munmap(p, info.size))
		FAIL("munmap: %s", strerror(errno));
	close(fd);
	stage(1, "id=%u pid=%d", info.id, getpid());
	done();
}

/* --- most --- */

static struct cma_mem_alloc big;

/* m: allocate 4M on a file of its own, map it, close that file. */
static void big_op(char op, void *arg)
{
	int fd;

	(void)arg;
	if (op != 'm')
		return;
	/* A comm with a space: one word, big_holder, in the tables. */
	if (prctl(PR_SET_NAME, "big holder"))
		FAIL("PR_SET_NAME: %s", strerror(errno));
	fd = t_open();
	ALLOC(fd, 4 * MIB, 0, NULL, &big);
	MAP(fd, 4 * MIB, big.mmap_offset, &map_addr);
	close(fd);
	/* The parent learns the id from the ack's pipe neighbour: stdout. */
	printf("big=%u\n", big.id);
	fflush(stdout);
}

static void t_most(int argc, char **argv)
{
	struct cma_mem_alloc a;
	struct child c;
	int fd;

	(void)argc;
	(void)argv;
	start();
	fd = t_open();
	ALLOC(fd, MIB, 0, NULL, &a);
	child_start(&c, big_op, NULL);
	child_do(&c, 'm');
	stage(0, "small=%u parent=%d child=%d", a.id, getpid(), c.pid);
	child_end(&c);
	close(fd);
	done();
}

/* --- top A B --- */

static void t_top(int argc, char **argv)
{
	struct cma_mem_alloc a, b;
	void *p;
	int fd, dfd;

	(void)argc;
	start();
	fd = t_open();
	ALLOC(fd, MIB, 0, argv[0], &a);
	ALLOC(fd, 3 * MIB, 0, argv[1], &b);
	MAP(fd, MIB, a.mmap_offset, &p);
	dfd = t_export(fd, b.id, O_RDWR | O_CLOEXEC);
	if (dfd < 0)
		DIE("EXPORT: %s", t_errname(-dfd));
	stage(0, "mapped=%u exported=%u pid=%d", a.id, b.id, getpid());
	if (munmap(p, MIB))
		FAIL("munmap: %s", strerror(errno));
	close(dfd);
	close(fd);
	stage(1, "pid=%d", getpid());
	done();
}

static const struct t_subtest tests[] = {
	{ "fork-map", t_fork_map, 0, "" },
	{ "fork-handle", t_fork_handle, 0, "" },
	{ "scm-export", t_scm_export, 0, "" },
	{ "attach", t_attach_name, 1, "NAME" },
	{ "most", t_most, 0, "" },
	{ "top", t_top, 2, "A B" },
};

T_MAIN(tests)
