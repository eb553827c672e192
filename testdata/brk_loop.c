/* brk_loop.c: the shared benchmark's loop.c (a small non-inlined function
 * hot(i) called N times) with marker comments and a call counter, for the breakpoint tests and
 * the conditional breakpoint benchmark. Usage: brk_loop [N] (default 1000000). */
#include <stdio.h>
#include <stdlib.h>

volatile long sink;
volatile long calls; // how many times hot ran: i, on the marked line of hot

__attribute__((noinline)) void hot(long i)
{
    sink += i; // BP:hot
    calls++;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    for (long i = 0; i < n; i++)
        hot(i);
    printf("done %ld\n", (long)sink); // BP:loop_end
    return 0;
}
