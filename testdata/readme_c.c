/* The C program the README's Neovim configurations debug (e2e/readme_test.go).
 * It prints its working directory, calls started() once, then answers each
 * line of stdin and exits with 3 + the number of lines. Launched, its stdin
 * is /dev/null: it exits with 3. Attached to, the test writes the lines.
 */
#include <stdio.h>
#include <unistd.h>

static void started(const char *cwd) {
    printf("cwd=%s\n", cwd); // BP:started
    fflush(stdout);
}

static int answer(int n, const char *line) {
    printf("answer %d: %s", n, line); // BP:answer
    fflush(stdout);
    return n + 1;
}

int main(void) {
    char buf[4096];
    int n = 0;
    started(getcwd(buf, sizeof buf) ? buf : "?");
    while (fgets(buf, sizeof buf, stdin))
        n = answer(n, buf);
    return 3 + n;
}
