// Call chains for the symbols unwinder tests: plain calls, deep recursion,
// a signal handler, a thread, a libc system call, a call through a NULL
// function pointer, a call into the vDSO, a smashed stack. argv[1] picks
// one.
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile int sink;

int level3(int n) {
	sink = n * 3; // BP:level3
	return sink;
}

int level2(int n) {
	int r = level3(n + 1); // BP:call3
	return r + 1;
}

int level1(int n) {
	int r = level2(n + 1); // BP:call2
	return r;
}

int recurse(int depth) {
	if (depth == 0) {
		sink = 0; // BP:recurse_bottom
		return 0;
	}
	int r = recurse(depth - 1); // BP:recurse_call
	return r + 1;
}

static void on_segv(int sig) {
	sink = sig; // BP:segv_handler
	_exit(3);
}

void crash(int *p) {
	*p = 42; // BP:crash
}

void sleeper(void) {
	struct timespec ts = {0, 1000};
	nanosleep(&ts, 0); // BP:nanosleep_call
}

void call_null(void (*fn)(void)) {
	fn(); // BP:null_call
}

long timer(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); // BP:vdso_call
	return ts.tv_nsec;
}

// smash overwrites its own saved frame pointer and return address, as a
// buffer overflow would: with garbage, or with a frame pointer that points
// at itself (a loop), then stops at a breakpoint and exits.
void smash(int self_loop) {
	volatile unsigned long *frame = __builtin_frame_address(0);
	if (self_loop) {
		frame[0] = (unsigned long)frame;
	} else {
		frame[0] = 0x4141414141414141UL;
		frame[1] = 0x4242424242424242UL;
	}
	sink = 1; // BP:smashed
	_exit(0);
}

void *worker(void *arg) {
	sink = 7; // BP:worker
	return arg;
}

int main(int argc, char **argv) {
	const char *mode = argc > 1 ? argv[1] : "chain";
	if (strcmp(mode, "chain") == 0) {
		level1(1); // BP:call1
	} else if (strcmp(mode, "recurse") == 0) {
		recurse(25); // BP:recurse_main
	} else if (strcmp(mode, "segv") == 0) {
		signal(SIGSEGV, on_segv);
		crash(0); // BP:crash_call
	} else if (strcmp(mode, "sleep") == 0) {
		sleeper(); // BP:sleeper_call
	} else if (strcmp(mode, "nullcall") == 0) {
		call_null(0); // BP:call_null_main
	} else if (strcmp(mode, "vdso") == 0) {
		timer(); // BP:timer_call
	} else if (strcmp(mode, "smash") == 0) {
		smash(0);
	} else if (strcmp(mode, "selfloop") == 0) {
		smash(1);
	} else if (strcmp(mode, "thread") == 0) {
		pthread_t t;
		pthread_create(&t, 0, worker, 0);
		pthread_join(t, 0);
	}
	return 0;
}
