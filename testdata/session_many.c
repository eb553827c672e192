// session_many.c: 32 threads that all pass the same line over and over,
// so several of them hit a breakpoint there at once.
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 32

static volatile long hits[NTHREADS];

static void *worker(void *arg) {
	long i = (long)arg;
	for (;;) {
		hits[i]++; // BP:many_hit
	}
	return NULL;
}

int main(void) {
	pthread_t th[NTHREADS];
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	printf("started %d\n", NTHREADS);
	fflush(stdout);
	pthread_join(th[0], NULL);
	return 0;
}
