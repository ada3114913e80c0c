/* tmod_b.c — a second instrumented module, for attribution between owners (tests/timing). */
__attribute__((noinline)) int tmod_b_work(int x)
{
    int s = 1;
    for (int i = 0; i < (x & 7); i++)
        s = s * 3 + i;
    return s;
}
