// session_exec.c: replaces itself with the program named by argv[1].
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc < 2)
		return 2;
	printf("exec %s\n", argv[1]);
	fflush(stdout);
	execv(argv[1], argv + 1); // BP:exec
	perror("execv");
	return 1;
}
