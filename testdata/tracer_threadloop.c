/* tracer_threadloop.c: creates and joins threads in a tight loop, argv[1]
 * rounds of 4 threads, each passing once through work(). Prints the total. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

long total;

__attribute__((noinline)) static void work(void)
{
    __atomic_add_fetch(&total, 1, __ATOMIC_SEQ_CST); // BP:work
}

static void *body(void *arg)
{
    (void)arg;
    work();
    return NULL;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 2500;
    for (int r = 0; r < rounds; r++) {
        pthread_t th[4];
        for (int i = 0; i < 4; i++)
            pthread_create(&th[i], NULL, body, NULL);
        for (int i = 0; i < 4; i++)
            pthread_join(th[i], NULL);
    }
    printf("total %ld\n", total);
    return 0;
}
