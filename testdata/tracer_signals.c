/* tracer_signals.c: a SIGUSR1 handler that must run, and a SIGCHLD handler
 * that must see its child's exit. Exits 0 and prints what it saw. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, chld;

static void on_usr1(int sig)
{
    (void)sig;
    usr1++; // BP:on_usr1
}

static void on_chld(int sig)
{
    (void)sig;
    chld++;
}

int main(void)
{
    signal(SIGUSR1, on_usr1);
    signal(SIGCHLD, on_chld);
    kill(getpid(), SIGUSR1); // BP:kill
    pid_t child = fork();
    if (child == 0)
        _exit(5);
    int status;
    while (waitpid(child, &status, 0) < 0)
        ;
    while (!chld)
        pause();
    printf("usr1 %d chld %d child status %d\n", (int)usr1, (int)chld, WEXITSTATUS(status));
    return 0;
}
