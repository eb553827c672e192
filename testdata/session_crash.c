// session_crash.c: writes through a null pointer.
#include <stdio.h>

static void crash(int *p) {
	*p = 42; // BP:crash
}

int main(void) {
	printf("about to crash\n");
	fflush(stdout);
	crash(NULL);
	return 0;
}
