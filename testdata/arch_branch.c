/* Fixture for arch's BranchTarget test: before each kind of branch an int3
 * stops the program, so the test can predict where the branch goes and then
 * single-step it to see where it really goes. Build with -no-pie so the
 * symbols' addresses are the run-time addresses. */

void t_reg(void), t_mem(void), t_rip(void), t_direct(void), t_ret(void);
void (*table[3])(void) = {0, t_mem, 0};
void (*pointer)(void) = t_rip;

/* Leaf functions that only return; t_ret stops on its ret. */
__asm__(".text\n"
	".globl t_reg\nt_reg: ret\n"
	".globl t_mem\nt_mem: ret\n"
	".globl t_rip\nt_rip: ret\n"
	".globl t_direct\nt_direct: ret\n"
	".globl t_ret\nt_ret: int3\n ret\n");

int main(void) {
	__asm__ volatile(
		"lea t_reg(%%rip), %%rax\n\t"
		"int3\n\t"
		"call *%%rax\n\t" /* register */
		"lea table(%%rip), %%rbx\n\t"
		"mov $1, %%rcx\n\t"
		"int3\n\t"
		"call *(%%rbx,%%rcx,8)\n\t" /* memory: base + index*scale */
		"int3\n\t"
		"call *pointer(%%rip)\n\t" /* memory: RIP-relative */
		"int3\n\t"
		"call t_direct\n\t" /* direct */
		"call t_ret\n\t" /* stops at its ret: the return address */
		"xor %%eax, %%eax\n\t"
		"int3\n\t"
		"je 1f\n\t" /* conditional, taken (ZF set) */
		"nop\n"
		"1:\n\t"
		"int3\n\t"
		"jmp 2f\n\t" /* unconditional */
		"nop\n"
		"2:\n\t"
		:
		:
		: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "cc", "memory");
	return 0;
}
