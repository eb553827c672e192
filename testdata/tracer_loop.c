/* tracer_loop.c: calls hot(i) argv[1] times (default 1000000), for the
 * tracer's benchmarks (the same shape as the shared bench loop target). */
#include <stdio.h>
#include <stdlib.h>

volatile long sink;

__attribute__((noinline)) void hot(long i)
{
    sink += i; // BP:hot
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    for (long i = 0; i < n; i++)
        hot(i);
    printf("done %ld\n", (long)sink);
    return 0;
}
