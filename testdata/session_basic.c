// session_basic.c: a small program for the session and adapter tests.
// Lines the tests stop at carry BP: markers.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int add(int a, int b) {
	int sum = a + b; // BP:add_body
	return sum; // BP:add_return
} // BP:add_end

static int twice(int x) {
	return add(x, x); // BP:twice_call
} // BP:twice_end

int main(int argc, char **argv) {
	int total = 0;
	const char *who = getenv("SESSION_WHO");
	char cwd[4096];
	printf("hello %s argc=%d cwd=%s\n", who ? who : "nobody", argc, getcwd(cwd, sizeof cwd) ? cwd : "?");
	fflush(stdout);
	fprintf(stderr, "to stderr\n");
	for (int i = 0; i < 3; i++) { // BP:loop_head
		total += twice(i); // BP:loop_call
		// BP:no_code
		total += 1; // BP:after_call
	}
	printf("total %d\n", total);
	return total % 7; // BP:exit
}
