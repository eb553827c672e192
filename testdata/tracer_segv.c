/* tracer_segv.c: writes through a NULL pointer. */
#include <stdio.h>

int *volatile nowhere;

int main(void)
{
    printf("about to crash\n");
    fflush(stdout);
    *nowhere = 1; // BP:crash
    printf("not reached\n");
    return 0;
}
