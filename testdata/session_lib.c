// session_lib.c: a shared library that session_dlopen.c loads at run time.
int lib_triple(int x) {
	int r = 3 * x; // BP:lib_body
	return r;
}
