/* tracer_regs.c: loads a known pattern into ymm1 and stops on a marker
 * line with it in place, then prints a value passed in a register. It also
 * maps two pages, the second PROT_NONE, each filled with its number. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

unsigned char *guarded;

static const unsigned char pattern[32] = {
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

__attribute__((noinline)) void show(long v)
{
    printf("value %ld\n", v); // BP:show
}

int main(void)
{
    guarded = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(guarded, 1, 4096);
    memset(guarded + 4096, 2, 4096);
    mprotect(guarded + 4096, 4096, PROT_NONE);
    __asm__ volatile("vmovdqu %0, %%ymm1" : : "m"(pattern) : "xmm1");
    __asm__ volatile("nop"); // BP:loaded
    show(1);
    return 0;
}
