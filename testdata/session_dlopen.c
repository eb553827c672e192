// session_dlopen.c: loads the library named by argv[1] with dlopen and
// calls its lib_triple.
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: %s library\n", argv[0]);
		return 2;
	}
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	int (*triple)(int) = (int (*)(int))dlsym(h, "lib_triple");
	printf("triple %d\n", triple(14)); // BP:call_lib
	return 0;
}
