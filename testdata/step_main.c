// step_main.c: one line per stepping case, each found by its marker: a
// recursive function, a call with line info, a libc call without it, a
// line with two calls f(g(x)), a call inlined even at -O0 (gcc gives its
// argument set-up to the line before, BP:before_inl, so the inlined body
// follows that line directly), and a line that goto can skip.
#include <stdio.h>
#include <string.h>

static int counter;

static int depth(int n) {
	if (n == 0) // BP:depth_base
		return 0;
	int r = depth(n - 1); // BP:depth_call
	return r + 1; // BP:depth_after
}

static int square(int x) {
	int y = x * x; // BP:square_body
	return y; // BP:square_return
}

static int inner(int x) {
	return x + 1; // BP:inner_body
}

static int outer(int x) {
	return x * 3; // BP:outer_body
}

static inline __attribute__((always_inline)) int twice_inl(int v) {
	int d = v * 2; // BP:inl_body
	return d + 1; // BP:inl_return
}

static void goto_demo(void) {
	counter = 1; // BP:goto_from
	counter += 10; // BP:goto_skipped
	printf("counter %d\n", counter); // BP:goto_to
}

int main(int argc, char **argv) {
	int d = depth(5); // BP:main_depth
	int v = square(argc + 2); // BP:call_square
	size_t n = strlen(argv[0]); // BP:call_strlen
	int w = outer(inner(argc)); // BP:nested
	w += argc; // BP:before_inl
	int q = twice_inl(w); // BP:inl_call
	goto_demo(); // BP:call_goto
	printf("d %d v %d n>0 %d w %d q %d\n", d, v, n > 0, w, q); // BP:after_all
	return 0;
}
