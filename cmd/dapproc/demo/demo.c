/* The program `dapproc demo` builds and debugs. */
#include <stdio.h>

static int square(int x) {
    int y = x * x; // BP:square
    return y;
}

int main(void) {
    int sum = 0;
    for (int i = 1; i <= 3; i++) {
        sum += square(i); // BP:call
    }
    printf("sum of squares: %d\n", sum);
    fprintf(stderr, "this line went to stderr\n");
    return 0;
}
