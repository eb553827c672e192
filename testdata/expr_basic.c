// Fixture for the expression evaluator: locals, a struct through a
// pointer, arrays, globals, bit fields, floats, strings, and a loop whose
// counter a breakpoint condition tests.
#include <stdio.h>
#include <string.h>

struct point {
	int x;
	int y;
};

struct flags {
	unsigned ready : 1;
	int level : 4;
	unsigned mode : 3;
};

struct shape {
	const char *name;
	struct point corner;
	struct point *origin;
	int sides[4];
};

typedef unsigned int handle_t;

enum color { RED, GREEN = 5, BLUE };

int counter = 7;
handle_t current = 99;
enum color paint = GREEN;
void *opaque; // points to main's origin once main runs
static double ratio = 2.5;
unsigned char bytes[8] = {0x11, 0x22, 0x33, 0x44, 0xde, 0xad, 0xbe, 0xef};
const char *greeting = "hello";
long big = -5000000000L;

int step(int i, int acc) {
	return acc + i; // BP:step
}

int inspect(struct shape *s, int n) {
	struct point p = {3, -4};
	struct flags f = {1, -3, 5};
	char letter = 'Q';
	float half = 0.5f;
	short neg = -2;
	unsigned int mask = 0xf0f0f0f0u;
	int *where = &s->sides[1];
	int total = n + s->corner.x + p.y;
	printf("%s %d %c %f %d %u %d %d %d\n", s->name, total, letter, half, neg, mask, *where, f.level, (int)f.mode); // BP:inspect
	return total;
}

static const unsigned char lanes[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                        0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x80};

// vectors puts known bytes in xmm1 for the register tests.
void vectors(void) {
	__asm__ volatile("movdqu %0, %%xmm1" : : "m"(lanes) : "xmm1");
	counter += 0; // BP:vectors
}

int main(void) {
	struct point origin = {10, 20};
	struct shape sq = {"square", {1, 2}, &origin, {4, 5, 6, 7}};
	int acc = 0;
	opaque = &origin;
	vectors();
	inspect(&sq, 5);
	for (int i = 0; i < 1000000; i++) {
		acc = step(i, acc) & 0xffff;
	}
	printf("%d %d %f %s %ld %d %u\n", acc, counter, ratio, greeting, big, bytes[0], current + paint);
	return 0;
}
