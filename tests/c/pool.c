// SPDX-License-Identifier: GPL-2.0
/*
 * pool: the pool under concurrent allocations.
 *
 *   pool concurrent ROUNDS TOTAL EACH
 *
 * concurrent: the pool is TOTAL bytes and its background zeroing is paused
 * (debugfs pool_zero_paused, set by the caller). Each round allocates all
 * TOTAL bytes FROM_POOL and frees them, so the whole pool is one dirty
 * extent; then two threads, released together by a barrier, each allocate
 * EACH bytes FROM_POOL. One of them must zero the dirty extent inline; the
 * other must wait for it rather than find nothing clean and fail with
 * ENOMEM. Both buffers are freed before the next round. Prints one line:
 * "concurrent: R rounds, A allocations from a dirty pool, F failed", after
 * the first five failures.
 *
 * See helper.h for the exit status.
 */
#include <pthread.h>

#include "helper.h"

struct racer {
	pthread_t thread;
	pthread_barrier_t *start;
	int fd;
	uint64_t size;
	struct cma_mem_alloc a;
	int err;
};

static void *racer_run(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->start);
	r->err = t_alloc(r->fd, r->size, CMA_MEM_FROM_POOL, NULL, &r->a);
	return NULL;
}

static void t_concurrent(int argc, char **argv)
{
	long rounds = strtol(argv[0], NULL, 0), round;
	uint64_t total = strtoull(argv[1], NULL, 0);
	uint64_t each = strtoull(argv[2], NULL, 0);
	long allocs = 0, failed = 0;
	pthread_barrier_t start;
	struct cma_mem_alloc all;
	struct racer r[2];
	int fd = t_open(), i;

	(void)argc;
	if (rounds <= 0 || !total || !each || 2 * each > total)
		DIE("bad arguments: ROUNDS > 0, 0 < 2 * EACH <= TOTAL");
	if (pthread_barrier_init(&start, NULL, 3))
		DIE("pthread_barrier_init failed");
	for (round = 0; round < rounds; round++) {
		/* The whole pool, freed: one dirty extent, nothing clean. */
		ALLOC(fd, total, CMA_MEM_FROM_POOL, NULL, &all);
		REQUIRE_OK(t_free(fd, all.id));
		for (i = 0; i < 2; i++) {
			r[i] = (struct racer){ .start = &start, .fd = fd,
					       .size = each };
			if (pthread_create(&r[i].thread, NULL, racer_run,
					   &r[i]))
				DIE("pthread_create failed");
		}
		pthread_barrier_wait(&start);
		for (i = 0; i < 2; i++) {
			pthread_join(r[i].thread, NULL);
			allocs++;
			if (r[i].err) {
				/* The first few say how; the count says all. */
				if (++failed <= 5)
					FAIL("round %ld, thread %d: ALLOC %" PRIu64
					     " FROM_POOL: %s", round, i, each,
					     t_errname(r[i].err));
				else
					t_failures++;
				continue;
			}
			REQUIRE_OK(t_free(fd, r[i].a.id));
		}
	}
	pthread_barrier_destroy(&start);
	close(fd);
	printf("concurrent: %ld rounds, %ld allocations from a dirty pool, %ld failed\n",
	       rounds, allocs, failed);
}

static const struct t_subtest tests[] = {
	{ "concurrent", t_concurrent, 3, "ROUNDS TOTAL EACH" },
};

T_MAIN(tests)
