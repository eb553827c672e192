/* Fixture for arch's XSAVE and register tests: loads known values into
 * ymm0-ymm15, the x87 stack, MXCSR and some general-purpose registers, then
 * stops at an int3 with all of them live. The test computes the same values:
 * keep the two in step.
 *   ymm r, byte i: (r * 32 + i * 7 + 1) & 0xff, except the low 16 bytes of
 *   ymm0 (float32 1.5 -2 3.25 1e10) and ymm1 (float64 0.1 -1e300).
 *   x87: fninit; fld1; fldpi; fldt -2.5  => st0 -2.5, st1 pi, st2 1.
 *   mxcsr 0x9fc0. rax 0x1122334455667788, r12 0xfedcba9876543210,
 *   r13 0x0123456789abcdef, then cmp sets ZF and PF (CF SF OF AF clear). */
#include <string.h>

static unsigned char ymm[16][32] __attribute__((aligned(32)));
static long double minus_two_and_a_half = -2.5L;
static unsigned int mxcsr = 0x9fc0;

int main(void) {
	for (int r = 0; r < 16; r++)
		for (int i = 0; i < 32; i++)
			ymm[r][i] = (unsigned char)(r * 32 + i * 7 + 1);
	float f[4] = {1.5f, -2.0f, 3.25f, 1e10f};
	double d[2] = {0.1, -1e300};
	memcpy(ymm[0], f, sizeof f);
	memcpy(ymm[1], d, sizeof d);
	__asm__ volatile(
		"vmovdqa 0(%0), %%ymm0\n\t"
		"vmovdqa 32(%0), %%ymm1\n\t"
		"vmovdqa 64(%0), %%ymm2\n\t"
		"vmovdqa 96(%0), %%ymm3\n\t"
		"vmovdqa 128(%0), %%ymm4\n\t"
		"vmovdqa 160(%0), %%ymm5\n\t"
		"vmovdqa 192(%0), %%ymm6\n\t"
		"vmovdqa 224(%0), %%ymm7\n\t"
		"vmovdqa 256(%0), %%ymm8\n\t"
		"vmovdqa 288(%0), %%ymm9\n\t"
		"vmovdqa 320(%0), %%ymm10\n\t"
		"vmovdqa 352(%0), %%ymm11\n\t"
		"vmovdqa 384(%0), %%ymm12\n\t"
		"vmovdqa 416(%0), %%ymm13\n\t"
		"vmovdqa 448(%0), %%ymm14\n\t"
		"vmovdqa 480(%0), %%ymm15\n\t"
		"fninit\n\t"
		"fld1\n\t"
		"fldpi\n\t"
		"fldt (%1)\n\t"
		"ldmxcsr (%2)\n\t"
		"movabs $0x1122334455667788, %%rax\n\t"
		"movabs $0xfedcba9876543210, %%r12\n\t"
		"movabs $0x0123456789abcdef, %%r13\n\t"
		"cmp %%rax, %%rax\n\t"
		"int3\n\t"
		"fninit\n\t"
		"vzeroupper\n\t"
		:
		: "r"(ymm), "r"(&minus_two_and_a_half), "r"(&mxcsr)
		: "rax", "r12", "r13", "cc", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
		  "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "st", "st(1)", "st(2)");
	return 0;
}
