/* brk_signals.c: raises SIGUSR1 twice (a handler counts them), then with
 * the argument "crash" writes through a bad pointer. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
    (void)sig;
    usr1++;
}

int main(int argc, char **argv)
{
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1); // BP:raise1
    raise(SIGUSR1); // BP:raise2
    printf("usr1 handled %d\n", (int)usr1);
    fflush(stdout);
    if (argc > 1 && strcmp(argv[1], "crash") == 0) {
        volatile int *bad = (volatile int *)0x10;
        *bad = 1; // BP:crash
    }
    return 0;
}
