// step_tty.c: reports whether its standard output is a terminal, in its
// output and in its exit code (0 for a tty, 3 otherwise).
#include <stdio.h>
#include <unistd.h>

int main(void) {
	int tty = isatty(1); // BP:tty_check
	printf("isatty %d\n", tty); // BP:tty_print
	return tty ? 0 : 3;
}
