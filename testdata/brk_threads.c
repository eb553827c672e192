/* brk_threads.c: four threads call work(t, k) for k = 0..199 at once, so
 * conditions are evaluated in whichever thread hits. */
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 4
#define ROUNDS 200

static volatile long total;

__attribute__((noinline)) static void work(long t, long k)
{
    __atomic_add_fetch(&total, t * k, __ATOMIC_RELAXED); // BP:work
}

static void *worker(void *arg)
{
    long t = (long)arg;
    for (long k = 0; k < ROUNDS; k++)
        work(t, k);
    return NULL;
}

int main(void)
{
    pthread_t th[NTHREADS];
    for (long t = 0; t < NTHREADS; t++)
        pthread_create(&th[t], NULL, worker, (void *)t);
    for (long t = 0; t < NTHREADS; t++)
        pthread_join(th[t], NULL);
    printf("total %ld\n", (long)total);
    return 0;
}
