/* tracer_barrier.c: 8 threads released at once by a barrier onto one line,
 * argv[1] rounds. Each thread records each round it passed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 8

static pthread_barrier_t start, end;
static int rounds;
long passed[THREADS];

static void *body(void *arg)
{
    long me = (long)arg;
    for (int r = 0; r < rounds; r++) {
        pthread_barrier_wait(&start);
        passed[me]++; // BP:released
        pthread_barrier_wait(&end);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    rounds = argc > 1 ? atoi(argv[1]) : 10;
    pthread_barrier_init(&start, NULL, THREADS);
    pthread_barrier_init(&end, NULL, THREADS);
    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, body, (void *)i);
    long sum = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        sum += passed[i];
    }
    printf("passed %ld\n", sum);
    return 0;
}
