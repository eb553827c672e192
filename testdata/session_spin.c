// session_spin.c: runs until killed, calling tick() in a loop, so tests can
// pause it, attach to it, and set breakpoints while it runs.
#include <stdio.h>
#include <unistd.h>

static volatile unsigned long ticks, spins;

static void tick(void) {
	ticks++; // BP:tick
}

int main(void) {
	printf("spinning %d\n", (int)getpid());
	fflush(stdout);
	for (;;) {
		tick(); // BP:loop
		spins++; // BP:spin
	}
}
