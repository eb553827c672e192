// session_recurse.c: a recursive function, to check that stepping over a
// recursive call stays in the caller's frame.
#include <stdio.h>

static int fact(int n) {
	if (n <= 1) // BP:fact_base
		return 1;
	int r = n * fact(n - 1); // BP:fact_call
	return r; // BP:fact_return
}

int main(void) {
	printf("%d\n", fact(5)); // BP:main_call
	return 0;
}
