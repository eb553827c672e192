// Optimised code for the symbols tests (built with -O2): an inlined call,
// and a parameter that dies across a call so that only DW_OP_entry_value
// could describe it.
volatile int sink;

static inline __attribute__((always_inline)) int square(int v) {
	int sq = v * v;
	sink = sq; // BP:opt_inlined
	return sq;
}

__attribute__((noinline)) int compute(int a, int b) {
	int s = square(a + 1); // BP:opt_call_square
	return s + b;
}

__attribute__((noinline)) void consume(int x) { sink = x; }

__attribute__((noinline)) int after_call(int k) {
	consume(k * 2);
	sink = 1; // BP:opt_after_call
	return 0;
}

int main(int argc, char **argv) {
	(void)argv;
	int r = compute(argc + 2, 10); // BP:opt_call_compute
	after_call(argc + 4);
	return r == 26 ? 0 : 1;
}
