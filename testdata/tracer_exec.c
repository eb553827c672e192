/* tracer_exec.c: a thread runs alongside main, then main execs /bin/echo. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *idle(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

int main(void)
{
    pthread_t th;
    pthread_create(&th, NULL, idle, NULL);
    printf("before exec\n");
    fflush(stdout);
    execl("/bin/echo", "echo", "after exec", (char *)NULL); // BP:exec
    return 1;
}
