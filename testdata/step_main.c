// step_main.c: one line per stepping case, each found by its marker: a
// recursive function, a call with line info, a libc call without it, a
// line with two calls f(g(x)), a call inlined even at -O0 (gcc gives its
// argument set-up to the line before, BP:before_inl, so the inlined body
// follows that line directly), a line that goto can skip, and a function
// without line info of our own.
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

// nolines_twice is assembly outside any C function, in a section of its
// own so that no line-table sequence covers it: it has a symbol and no
// line info or DWARF.
__asm__(".pushsection .text.nolines, \"ax\", @progbits\n"
	".globl nolines_twice\n"
	".type nolines_twice, @function\n"
	"nolines_twice:\n"
	"\t.cfi_startproc\n" /* unwind info, as libraries without DWARF have */
	"\tlea (%rdi,%rdi), %eax\n"
	"\tret\n"
	"\t.cfi_endproc\n"
	".size nolines_twice, .-nolines_twice\n"
	".popsection\n");
int nolines_twice(int x);

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
	int t = nolines_twice(argc); // BP:call_nolines
	printf("d %d v %d n>0 %d w %d q %d t %d\n", d, v, n > 0, w, q, t); // BP:after_all
	return 0;
}
