/* tracer_busy.c: spins, to be interrupted. argv[1] extra threads spin in
 * spin(); main spins too and polls stdin: 'k' makes it print "tick", 'q'
 * makes the process exit with code 7. It prints "ready" once every thread
 * spins. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

volatile unsigned long spins;
int started;

static void *spin(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    for (;;)
        spins++; // BP:spin
    return NULL;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 0;
    for (int i = 0; i < n; i++) {
        pthread_t th;
        pthread_create(&th, NULL, spin, NULL);
    }
    while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < n)
        ;
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    printf("ready\n");
    fflush(stdout);
    for (unsigned long i = 0;; i++) {
        char c;
        if ((i & 0xfff) == 0 && read(0, &c, 1) == 1) {
            if (c == 'q')
                exit(7);
            printf("tick\n");
            fflush(stdout);
        }
    }
}
