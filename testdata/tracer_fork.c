/* tracer_fork.c: fork and vfork children that run /bin/true, and a line
 * both parent and fork child run (a breakpoint there must not kill the
 * child). Prints each child's status. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

volatile int shared_runs;

__attribute__((noinline)) static void shared(void)
{
    shared_runs++; // BP:shared
}

static void report(const char *what, pid_t child)
{
    int status;
    if (waitpid(child, &status, 0) != child)
        perror("waitpid");
    if (WIFEXITED(status))
        printf("%s child exited %d\n", what, WEXITSTATUS(status));
    else
        printf("%s child killed by %d\n", what, WTERMSIG(status));
}

int main(void)
{
    pid_t child = fork();
    if (child == 0) {
        shared();
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    shared();
    report("fork", child);
    child = vfork();
    if (child == 0) {
        execl("/bin/true", "true", (char *)NULL); // BP:vfork_child
        _exit(127);
    }
    report("vfork", child); // BP:after_vfork
    return 0;
}
