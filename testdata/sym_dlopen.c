/* sym_dlopen: loads the library named by argv[1] with dlopen, calls it,
 * and unloads it, stopping itself with SIGSTOP before, between and after,
 * so a test can read the dynamic linker's list at each point. */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    raise(SIGSTOP); // BP:before_dlopen
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) {
        fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
    int (*triple)(int) = (int (*)(int))dlsym(h, "sym_lib_triple");
    printf("loaded %d\n", triple(14));
    fflush(stdout);
    raise(SIGSTOP); // BP:after_dlopen
    dlclose(h);
    printf("closed\n");
    fflush(stdout);
    raise(SIGSTOP); // BP:after_dlclose
    return 0;
}
