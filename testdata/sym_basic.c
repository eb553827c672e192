/* sym_basic: functions, a loop, an always-inlined helper used twice, a
 * line without code, and a way to hold still so tests can inspect the
 * running process: with the argument "stop" it stops itself with SIGSTOP
 * (the parent sees that in wait4), then it reads stdin until EOF. Used by
 * symbols tests. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static inline __attribute__((always_inline)) int twice(int x)
{
    return x * 2; // BP:twice_body
}

int add(int a, int b)
{ // BP:add_open
    int s = a + b; // BP:add_body
    return s;
}

int loop_sum(int n)
{
    int total = 0;
    for (int i = 0; i < n; i++) { // BP:for_head
        total += twice(i); // BP:loop_body
    }

    // no code on this line: BP:no_code
    return total; // BP:after_gap
}

int wait_for_input(void)
{
    char buf[16];
    ssize_t n = read(0, buf, sizeof buf); // BP:read_call
    return (int)n;
}

int main(int argc, char **argv)
{
    int r = add(1, 2) + loop_sum(3) + twice(5); // BP:main_call
    printf("ready %d\n", r);
    fflush(stdout);
    if (argc > 1 && strcmp(argv[1], "stop") == 0)
        raise(SIGSTOP); // BP:self_stop
    while (wait_for_input() > 0)
        ;
    return 0;
}
