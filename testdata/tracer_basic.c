/* tracer_basic.c: the tracer's basic fixture. It prints its arguments, an
 * environment variable and its working directory, writes to stdout and
 * stderr, calls a function twice, executes a raw syscall instruction and
 * exits with code 3. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile long counter;

__attribute__((noinline)) void bump(long by)
{
    counter += by; // BP:bump
}

__attribute__((noinline)) long raw_getpid(void)
{
    long ret;
    __asm__ volatile("mov $39, %%eax\n\tsyscall" : "=a"(ret) : : "rcx", "r11", "memory"); // BP:syscall
    return ret;
}

int main(int argc, char **argv)
{
    char cwd[4096];
    for (int i = 1; i < argc; i++)
        printf("arg %s\n", argv[i]);
    const char *env = getenv("TRACER_ENV");
    printf("env %s\n", env ? env : "(unset)");
    printf("cwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : "(error)");
    fflush(stdout);
    fprintf(stderr, "to stderr\n");
    bump(1); // BP:first_call
    bump(2);
    long pid = raw_getpid();
    printf("pid ok %d\n", pid == (long)getpid());
    printf("counter %ld\n", counter); // BP:after
    return 3;
}
