/* format.c — numbers for result.json and the table, in integer arithmetic: the same text on every
 * host and under every C locale (a scenario may call os.setlocale), so outputs compare byte for byte. */
#include "sim/result/result_internal.h"

#include <assert.h>

static size_t fmt_u128(char *out, unsigned __int128 v)   /* out: 40 bytes at least */
{
    char tmp[RESULT_NUM_MAX];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + (unsigned)(v % 10u));
        v /= 10u;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    return n;
}

void result_fmt_fixed(char out[RESULT_NUM_MAX], unsigned __int128 num, unsigned __int128 den,
                      unsigned decimals)
{
    assert(den > 0 && decimals <= 9);
    unsigned __int128 scale = 1;
    for (unsigned i = 0; i < decimals; i++)
        scale *= 10u;
    assert(num <= ~(unsigned __int128)0 / scale);
    unsigned __int128 scaled = num * scale;
    unsigned __int128 q = scaled / den, r = scaled % den;
    if (r >= den - r)            /* half up: r / den >= 1/2 */
        q++;
    size_t n = fmt_u128(out, q / scale);
    if (decimals) {
        out[n++] = '.';
        unsigned __int128 frac = q % scale;
        for (unsigned i = decimals; i-- > 0;) {
            out[n + i] = (char)('0' + (unsigned)(frac % 10u));
            frac /= 10u;
        }
        out[n + decimals] = '\0';
    }
}

void result_fmt_u64(char out[RESULT_NUM_MAX], uint64_t v)
{
    fmt_u128(out, v);
}

void result_fmt_i64(char out[RESULT_NUM_MAX], int64_t v)
{
    if (v < 0) {
        out[0] = '-';
        fmt_u128(out + 1, (unsigned __int128)(-(v + 1)) + 1u);   /* INT64_MIN safe */
    } else {
        fmt_u128(out, (unsigned __int128)v);
    }
}
