// step_threads.c: main releases a worker blocked on a pipe. Over the line
// that releases and joins it, main cannot finish before the worker has
// passed its marked line, so a breakpoint there always ends main's step.
// With an argument, main first releases it on the line before and waits
// at most 2 s for its answer: "answered 0" in the output shows the worker
// did not run during that line (a singleThread step).
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int fds[2], back[2];
static int seen;

static void *worker(void *arg) {
	char c;
	if (read(fds[0], &c, 1) != 1)
		return NULL;
	seen = c; // BP:worker_hit
	if (write(back[1], "y", 1) != 1)
		return NULL;
	return arg;
}

static int release_and_poll(void) {
	struct pollfd p = {.fd = back[0], .events = POLLIN};
	if (write(fds[1], "x", 1) != 1)
		return -1;
	return poll(&p, 1, 2000);
}

static void release_and_join(pthread_t th) {
	if (write(fds[1], "x", 1) != 1)
		return;
	pthread_join(th, NULL);
}

int main(int argc, char **argv) {
	(void)argv;
	pthread_t th;
	if (pipe(fds) != 0 || pipe(back) != 0)
		return 1;
	pthread_create(&th, NULL, worker, NULL);
	int answered = argc > 1 ? release_and_poll() : -1; // BP:poll
	release_and_join(th); // BP:join
	printf("seen %c answered %d\n", seen, answered); // BP:after_join
	return 0;
}
