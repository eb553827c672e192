/* The end-to-end tests' program (e2e/). Its first argument picks what it does:
 *   add [CODE]  print to stdout and stderr, call add(), exit with CODE
 *   spin        print "spinning", then loop forever without a system call
 *   env         print $GREETING, the working directory and the other arguments
 *   threads N   start N threads that meet at a barrier, then each call worker()
 *   crash       write through a NULL pointer
 *   echo        answer each line of stdin with "echo N: LINE" (to be attached to)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int add(int a, int b) {
    int r = a + b; // BP:add
    return r;
}

static void spin(void) {
    volatile unsigned long n = 0;
    printf("spinning\n");
    fflush(stdout);
    for (;;) {
        n++; // BP:spin
    }
}

static void echo(void) {
    char line[256];
    for (int i = 0; fgets(line, sizeof line, stdin); i++) {
        printf("echo %d: %s", i, line); // BP:echo
        fflush(stdout);
    }
    exit(0);
}

static void env(int argc, char **argv) {
    char cwd[4096];
    const char *greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
    for (int i = 2; i < argc; i++)
        printf("arg=%s\n", argv[i]);
    exit(0);
}

static void crash(void) {
    volatile int *p = NULL;
    *p = 42; // BP:crash
}

static pthread_barrier_t barrier;

static int worker(int n) {
    return n * 2; // BP:worker
}

static void *thread_main(void *arg) {
    pthread_barrier_wait(&barrier);
    worker((int)(long)arg);
    return NULL;
}

static void threads(int n) {
    pthread_t t[256];
    if (n > 256)
        n = 256;
    pthread_barrier_init(&barrier, NULL, n);
    for (int i = 0; i < n; i++)
        pthread_create(&t[i], NULL, thread_main, (void *)(long)i);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    printf("%d threads done\n", n);
    exit(0);
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "add";
    if (strcmp(mode, "threads") == 0)
        threads(argc > 2 ? atoi(argv[2]) : 32);
    if (strcmp(mode, "crash") == 0)
        crash();
    if (strcmp(mode, "env") == 0)
        env(argc, argv);
    if (strcmp(mode, "spin") == 0)
        spin();
    if (strcmp(mode, "echo") == 0)
        echo();
    int code = argc > 2 ? atoi(argv[2]) : 0;
    printf("hello from stdout\n");
    fflush(stdout);
    fprintf(stderr, "hello from stderr\n");
    int sum = add(2, 3); // BP:call
    printf("sum %d\n", sum);
    return code;
}
