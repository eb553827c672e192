// step_threads.c: main steps over a line that releases a waiting worker
// and joins it; the worker passes a line (BP:worker_hit) before main can
// get past the join, so a breakpoint there always ends main's step.
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int fds[2];
static int seen;

static void *worker(void *arg) {
	char c;
	if (read(fds[0], &c, 1) != 1)
		return NULL;
	seen = c; // BP:worker_hit
	return arg;
}

static void release_and_join(pthread_t th) {
	if (write(fds[1], "x", 1) != 1)
		return;
	pthread_join(th, NULL);
}

int main(void) {
	pthread_t th;
	if (pipe(fds) != 0)
		return 1;
	pthread_create(&th, NULL, worker, NULL);
	release_and_join(th); // BP:join
	printf("seen %c\n", seen); // BP:after_join
	return 0;
}
