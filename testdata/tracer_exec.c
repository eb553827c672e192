/* tracer_exec.c: a thread runs alongside main, then main execs /bin/echo;
 * with argument "thread", the second thread execs instead. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void run_echo(void)
{
    execl("/bin/echo", "echo", "after exec", (char *)NULL); // BP:exec
}

static void *idle(void *arg)
{
    if (arg)
        run_echo();
    for (;;)
        pause();
    return NULL;
}

int main(int argc, char **argv)
{
    int from_thread = argc > 1 && strcmp(argv[1], "thread") == 0;
    printf("before exec\n");
    fflush(stdout);
    pthread_t th;
    pthread_create(&th, NULL, idle, from_thread ? "x" : NULL);
    if (from_thread)
        for (;;)
            pause();
    run_echo();
    return 1;
}
