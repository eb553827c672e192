/* Fixture for arch's decoder tests: a variety of instructions (calls direct,
 * through a pointer and through the PLT, a jump table, loops, floating point,
 * string operations, a raw syscall) for comparison with objdump -d. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*binop)(int, int);

static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }

__attribute__((noinline)) int apply(binop f, int a, int b) {
	return f(a, b); /* indirect call */
}

__attribute__((noinline)) int classify(int x) {
	switch (x) { /* dense cases: a jump table (indirect jmp) */
	case 0: return 10;
	case 1: return 21;
	case 2: return 32;
	case 3: return 43;
	case 4: return 54;
	case 5: return 65;
	case 6: return 76;
	default: return -1;
	}
}

__attribute__((noinline)) double average(const double *v, int n) {
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += v[i];
	return n ? sum / n : 0.0;
}

__attribute__((noinline)) long checksum(const unsigned char *p, size_t n) {
	long h = 5381;
	while (n--)
		h = ((h << 5) + h) ^ *p++;
	return h;
}

__attribute__((noinline)) long raw_getpid(void) {
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(39L) : "rcx", "r11", "memory");
	return ret;
}

__attribute__((noinline)) int fib(int n) {
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int counter;

int main(int argc, char **argv) {
	double v[8];
	char buf[64];
	binop ops[2] = {add, mul};
	for (int i = 0; i < 8; i++)
		v[i] = i * 1.5 + argc;
	memset(buf, argc, sizeof buf);
	counter += classify(argc) + apply(ops[argc & 1], argc, 3);
	printf("%d %g %ld %ld %d\n", counter, average(v, 8), checksum((unsigned char *)buf, sizeof buf),
	       raw_getpid() > 0 ? 1L : 0L, fib(10));
	return argv[0] == NULL ? 1 : 0;
}
