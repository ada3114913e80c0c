/* bench_mod.c — instrumented code for the hook benchmark: a loop whose body is one block. */
__attribute__((noinline)) int bench_loop(int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += (i * 3) ^ (s >> 1);
    return s;
}
