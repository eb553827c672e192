/* sym_lib: a shared library that sym_dlopen loads at run time. */
int sym_lib_triple(int v)
{
    return v * 3; // BP:lib_body
}
