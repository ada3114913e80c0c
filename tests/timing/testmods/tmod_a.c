/* tmod_a.c — code with known control flow for the instruction-counting tests (tests/timing):
 * built with -fsanitize-coverage=trace-pc like a driver module, no libc. */
#define NOINLINE __attribute__((noinline))

NOINLINE int tmod_straight(int a, int b)
{
    return a * b + 7;
}

NOINLINE int tmod_loop(int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += (i * 3) ^ (s >> 1);
    return s;
}

NOINLINE int tmod_branchy(int x)
{
    if (x > 5)
        return x * 2;
    if (x < 0)
        return -x;
    return x + 1;
}

/* An early return on a null pointer: the compiler's return path carries no hook of its own. */
NOINLINE int tmod_early(const int *p)
{
    if (!p)
        return -1;
    int v = *p;
    return v > 100 ? v - 100 : v * 3;
}

static NOINLINE int helper(int x)
{
    return x * x + 1;
}

NOINLINE int tmod_calls(int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += helper(i);
    return s;
}

/* Calls code it does not own (another module's, or the kernel's). */
NOINLINE int tmod_apply(int (*f)(int), int x)
{
    int r = f(x);
    return r > 0 ? r + 1 : r;
}

NOINLINE int tmod_switch(int x)
{
    switch (x) {
    case 0: return 11;
    case 1: return x * 7;
    case 2: return x + 40;
    case 3: return x << 3;
    case 4: return 99 - x;
    case 5: return x ^ 0x55;
    default: return -1;
    }
}
