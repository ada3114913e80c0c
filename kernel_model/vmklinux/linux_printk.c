/* linux_printk.c — printk and vsnprintf for Linux drivers. vmklinux formats the message itself
 * (a module has no libc) — the C11 §7.21.6.1 conversions a driver uses: d i u x X o c s p %,
 * flags - 0 + space #, width and precision (also *), lengths hh h l ll z t — then writes it to
 * the kernel log under the calling module's name (vmk_LogMessage / vmk_WarningMessage). The
 * level is Linux's KERN_SOH prefix (include/linux/kern_levels.h): 0-4 are warnings. */
#include "kernel_model/vmklinux/vmklinux_internal.h"

#include <linux/kernel.h>

typedef struct out {
    char *buf;
    vmk_ByteCount size, len;
} out;

static void put(out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_pad(out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

static void put_num(out *o, vmk_uint64 v, int neg, unsigned base, int upper, int flags,
                    int width, int prec)
{
    char digits[24];
    int n = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (v) {
        digits[n++] = set[v % base];
        v /= base;
    }
    if (prec < 0 && n == 0)
        digits[n++] = '0';
    const char *prefix = "";
    if (neg)
        prefix = "-";
    else if (flags & F_PLUS)
        prefix = "+";
    else if (flags & F_SPACE)
        prefix = " ";
    if ((flags & F_ALT) && base == 16 && n && !(n == 1 && digits[0] == '0'))
        prefix = upper ? "0X" : "0x";
    if ((flags & F_ALT) && base == 8 && (n == 0 || digits[n - 1] != '0') && prec <= n)
        prec = n + 1;
    int plen = (int)vmk_Strnlen(prefix, 3);
    int zeros = prec > n ? prec - n : 0;
    int pad = width - plen - zeros - n;
    if (!(flags & F_LEFT) && (flags & F_ZERO) && prec < 0) {
        zeros += pad > 0 ? pad : 0;
        pad = 0;
    }
    if (!(flags & F_LEFT))
        put_pad(o, ' ', pad);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    put_pad(o, '0', zeros);
    while (n)
        put(o, digits[--n]);
    if (flags & F_LEFT)
        put_pad(o, ' ', pad);
}

int vmklnx_format(char *buf, vmk_ByteCount size, const char *fmt, va_list ap)
{
    out o = {.buf = buf, .size = size, .len = 0};
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        int flags = 0, width = 0, prec = -1;
        for (;; f++) {
            char c = f[1];
            if (c == '-') flags |= F_LEFT;
            else if (c == '0') flags |= F_ZERO;
            else if (c == '+') flags |= F_PLUS;
            else if (c == ' ') flags |= F_SPACE;
            else if (c == '#') flags |= F_ALT;
            else break;
        }
        f++;
        if (*f == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = -width;
            }
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                width = width * 10 + (*f++ - '0');
        }
        if (*f == '.') {
            f++;
            prec = 0;
            if (*f == '*') {
                prec = va_arg(ap, int);
                f++;
            } else {
                while (*f >= '0' && *f <= '9')
                    prec = prec * 10 + (*f++ - '0');
            }
        }
        int lng = 0;   /* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t/ptrdiff */
        if (*f == 'h') { lng = -1; if (f[1] == 'h') { lng = -2; f++; } f++; }
        else if (*f == 'l') { lng = 1; if (f[1] == 'l') { lng = 2; f++; } f++; }
        else if (*f == 'z' || *f == 't') { lng = 3; f++; }
        char conv = *f;
        if (!conv)
            break;
        switch (conv) {
        case 'd': case 'i': {
            vmk_int64 v = lng == 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long)
                        : lng == 3 ? (vmk_int64)va_arg(ap, ssize_t) : va_arg(ap, int);
            if (lng == -1) v = (short)v;
            if (lng == -2) v = (signed char)v;
            vmk_uint64 mag = v < 0 ? (vmk_uint64)0 - (vmk_uint64)v : (vmk_uint64)v;
            put_num(&o, mag, v < 0, 10, 0, flags, width, prec);
            break;
        }
        case 'u': case 'x': case 'X': case 'o': {
            vmk_uint64 v = lng == 2 ? va_arg(ap, unsigned long long)
                         : lng == 1 ? va_arg(ap, unsigned long)
                         : lng == 3 ? (vmk_uint64)va_arg(ap, size_t) : va_arg(ap, unsigned int);
            if (lng == -1) v = (unsigned short)v;
            if (lng == -2) v = (unsigned char)v;
            unsigned base = conv == 'o' ? 8 : conv == 'u' ? 10 : 16;
            put_num(&o, v, 0, base, conv == 'X', flags & ~(F_PLUS | F_SPACE), width, prec);
            break;
        }
        case 'p': {
            vmk_uint64 v = (vmk_uint64)(vmk_uintptr_t)va_arg(ap, void *);
            put_num(&o, v, 0, 16, 0, F_ALT, width, -1);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!(flags & F_LEFT)) put_pad(&o, ' ', width - 1);
            put(&o, c);
            if (flags & F_LEFT) put_pad(&o, ' ', width - 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int n = (int)vmk_Strnlen(s, prec < 0 ? (vmk_ByteCount)-1 : (vmk_ByteCount)prec);
            if (!(flags & F_LEFT)) put_pad(&o, ' ', width - n);
            for (int i = 0; i < n; i++)
                put(&o, s[i]);
            if (flags & F_LEFT) put_pad(&o, ' ', width - n);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:   /* unknown conversion: printed as written */
            put(&o, '%');
            put(&o, conv);
            break;
        }
    }
    if (o.size)
        o.buf[o.len < o.size ? o.len : o.size - 1] = 0;
    return (int)o.len;
}

int vmklnx_vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    return vmklnx_format(buf, size, fmt, args);
}

int vmklnx_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vmklnx_format(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Longest message printed; longer ones are cut (Linux's own record limit is 1024 bytes). */
#define PRINTK_MAX 512

int vprintk(const char *fmt, va_list args)
{
    int level = 6;   /* KERN_INFO: Linux's default message level */
    if (fmt[0] == KERN_SOH[0] && fmt[1] >= '0' && fmt[1] <= '7') {
        level = fmt[1] - '0';
        fmt += 2;
    }
    char buf[PRINTK_MAX];
    int n = vmklnx_format(buf, sizeof buf, fmt, args);
    vmk_ByteCount len = vmk_Strnlen(buf, sizeof buf);
    if (len && buf[len - 1] == '\n')   /* the kernel log adds its own line ends */
        buf[len - 1] = 0;
    if (level <= 4)
        vmk_WarningMessage("%s", buf);
    else
        vmk_LogMessage("%s", buf);
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}
