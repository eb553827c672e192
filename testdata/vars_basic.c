// Variables of every C type for the symbols variable tests.
#include <stdbool.h>
#include <string.h>

struct point {
	int x;
	int y;
};

union number {
	int i;
	float f;
};

enum color { RED, GREEN = 5, BLUE };

typedef struct point point_t;
typedef unsigned long ulong_t;
typedef int (*binop)(int, int);

struct node {
	int value;
	struct node *next;
	char name[8];
};

struct tagged {
	int kind;
	union {
		int as_int;
		float as_float;
	};
};

struct flags {
	unsigned a : 3;
	unsigned b : 5;
	int c : 4;
};

int global_counter = 42;
static double global_ratio = 3.5;
const char *global_greeting = "hello";
static int static_array[4] = {10, 20, 30, 40};

static int add(int a, int b) { return a + b; }

int loop(int n) {
	int total = 0;
	for (int i = 1; i <= n; i++) {
		int sq = i * i;
		total += sq; // BP:loop_body
	}
	return total;
}

int show(int count, const char *label, struct point origin) {
	char c = 'h';
	unsigned char uc = 200;
	short s = -7;
	long l = -1234567890123L;
	unsigned long long ull = 18446744073709551615ULL;
	float f = 2.5f;
	double d = 3.25;
	long double ld = 1.5L;
	bool yes = true;
	enum color col = GREEN;
	enum color odd = (enum color)7;
	union number num;
	num.f = 1.0f;
	point_t pt = {3, -4};
	struct point *ppt = &pt;
	int arr[5] = {1, 2, 3, 4, 5};
	char buf[16] = "world";
	char *null_str = 0;
	const char *bad_str = (const char *)0x10;
	binop op = add;
	ulong_t big = 123456789UL;
	struct node second = {2, 0, "two"};
	struct node first = {1, &second, "one"};
	struct flags fl = {5, 17, -3};
	int matrix[2][3] = {{1, 2, 3}, {4, 5, 6}};
	char long_text[300];
	memset(long_text, 'x', sizeof long_text - 1);
	long_text[299] = 0;
	char *long_str = long_text;
	struct tagged tg = {1, {.as_int = 5}};
	static int calls = 0;
	calls++;
	int sum = count + pt.x + arr[2] + op(1, 2) + c + uc + s + (int)l + (int)ull + (int)f + (int)d + (int)ld; // BP:show
	return sum + yes + col + odd + num.i + ppt->y + buf[0] + (null_str != 0) + (bad_str != 0) + (int)big +
	       first.next->value + fl.a + fl.b + fl.c + matrix[1][2] + calls + origin.x + label[0] + long_str[0] + tg.as_int;
}

int main(void) {
	struct point o = {1, 2};
	show(7, "label", o);
	return loop(5) == 55 ? 0 : 1;
}
