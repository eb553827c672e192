// Values to inspect through the adapter: scopes, variables, setVariable,
// registers, readMemory, writeMemory and disassemble.
#include <stdio.h>
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

int counter = 7;
int table[8] = {11, 22, 33, 44, 55, 66, 77, 88};
char message[16] = "before";
int big[1000];
short huge[20000];

static int twice(int v) { return v * 2; }

int inspect(int n, const char *label, struct point *pp) { // BP:inspect_decl
	int count = n * 2;
	double ratio = 2.5;
	float half = 0.5f;
	const char *name = "dapproc";
	struct point pt = {3, -4};
	int arr[4] = {1, 2, 3, 4};
	enum color col = BLUE;
	union number num;
	num.i = 0x3f800000; // 1.0f
	int shadow = 1;
	{
		int shadow = 2;
		count += shadow + pt.x + arr[3] + (int)ratio + (int)half + col + pp->y + (int)strlen(name) + (int)strlen(label); // BP:inspect
	}
	count += shadow + (num.f == 1.0f ? 0 : 1000);
	return twice(count) / 2; // BP:after
}

int main(void) {
	for (int i = 0; i < 1000; i++)
		big[i] = i * 3;
	struct point origin = {10, 20};
	int r = inspect(5, "label", &origin);
	printf("counter=%d message=%s r=%d\n", counter, message, r); // BP:print
	return 0;
}
