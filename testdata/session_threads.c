// session_threads.c: main starts four threads that each pass one line
// once, then joins them.
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 4

static int results[NTHREADS];

static void *worker(void *arg) {
	int i = (int)(long)arg;
	results[i] = i * 10; // BP:worker
	return NULL;
}

int main(void) {
	pthread_t th[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)(long)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	printf("sum %d\n", results[0] + results[1] + results[2] + results[3]); // BP:joined
	return 0;
}
