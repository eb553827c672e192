/* tracer_selfstop.c: sends itself SIGSTOP, then goes on and exits 0. */
#include <signal.h>
#include <stdio.h>

int main(void)
{
    printf("stopping\n");
    fflush(stdout);
    raise(SIGSTOP); // BP:raise
    printf("resumed\n"); // BP:resumed
    return 0;
}
