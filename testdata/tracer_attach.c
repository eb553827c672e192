/* tracer_attach.c: a process to attach to. Two threads and main call tick()
 * in a loop while a third creates and joins short-lived threads without
 * pause, so threads are born while a debugger attaches. SIGUSR1 ends the
 * loops: main prints "quitting", waits for stdin to close, exits 7. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t quit;
volatile unsigned long ticks;

static void on_usr1(int sig)
{
    (void)sig;
    quit = 1;
}

__attribute__((noinline)) void tick(void)
{
    __atomic_add_fetch(&ticks, 1, __ATOMIC_RELAXED); // BP:tick
}

static void *ticker(void *arg)
{
    (void)arg;
    while (!quit)
        tick();
    return NULL;
}

static void *brief(void *arg)
{
    return arg;
}

static void *churn(void *arg)
{
    (void)arg;
    while (!quit) {
        pthread_t th;
        if (pthread_create(&th, NULL, brief, NULL) == 0)
            pthread_join(th, NULL);
    }
    return NULL;
}

int main(void)
{
    signal(SIGUSR1, on_usr1);
    pthread_t th[3];
    pthread_create(&th[0], NULL, ticker, NULL);
    pthread_create(&th[1], NULL, ticker, NULL);
    pthread_create(&th[2], NULL, churn, NULL);
    printf("ready\n");
    fflush(stdout);
    while (!quit)
        tick();
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    printf("quitting\n");
    fflush(stdout);
    char c;
    while (read(0, &c, 1) > 0)
        ;
    return 7;
}
