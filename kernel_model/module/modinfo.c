/* modinfo.c — parses a module's .modinfo section: NUL-terminated "key=value" strings (the layout
 * Linux modules use for their .modinfo), keys name, version, license, api, depends. Every refusal
 * names the module file and the field; the rules are in docs/modules.md. */
#include <stdio.h>
#include <string.h>

#include "kernel_model/module/module.h"

const char *kern_mod_api_name(kern_mod_api api)
{
    return api == KERN_MOD_API_VMKLINUX ? "vmklinux" : "vmkapi";
}

/* Module names: letters, digits, '_' and '-', 1..63 bytes (they become log components and file
 * names, so nothing that needs quoting). */
static bool valid_name(const char *s, size_t len)
{
    if (len == 0 || len >= KERN_MOD_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

static bool printable(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return false;
    return true;
}

/* A short, printable rendering of raw bytes for messages. */
static const char *quote(const char *s, size_t len, char *buf, size_t bufsz)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 5 < bufsz; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i == 40) {
            o += (size_t)snprintf(buf + o, bufsz - o, "...");
            break;
        }
        if (c >= 0x20 && c <= 0x7e && c != '\\')
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, bufsz - o, "\\x%02x", c);
    }
    buf[o < bufsz ? o : bufsz - 1] = '\0';
    return buf;
}

/* How messages name the module: by its name= if that field is readable, else by its file. */
static void describe(const char *data, size_t size, const char *path, char *who, size_t len)
{
    snprintf(who, len, "module file %s", path);
    for (size_t off = 0; off < size;) {
        const char *e = data + off;
        const char *nul = memchr(e, '\0', size - off);
        size_t elen = nul ? (size_t)(nul - e) : size - off;
        if (elen > 5 && !memcmp(e, "name=", 5) && valid_name(e + 5, elen - 5)) {
            snprintf(who, len, "module %.*s (%s)", (int)(elen - 5), e + 5, path);
            return;
        }
        off += elen + 1;
    }
}

enum { K_NAME, K_VERSION, K_LICENSE, K_API, K_DEPENDS, K_COUNT };
static const char *const keys[K_COUNT] = {"name", "version", "license", "api", "depends"};

static int parse_depends(const char *v, size_t vlen, const char *who, kern_modinfo *out,
                         sim_err *err)
{
    out->n_depends = 0;
    if (vlen == 0)
        return 0;   /* "depends=" with no entry: no dependencies */
    size_t start = 0;
    for (size_t i = 0; i <= vlen; i++) {
        if (i < vlen && v[i] != ',')
            continue;
        size_t n = i - start;
        char q[64];
        if (!valid_name(v + start, n))
            return sim_err_set(err, "%s: .modinfo field 'depends': bad module name '%s'", who,
                               quote(v + start, n, q, sizeof q));
        if (out->n_depends == KERN_MOD_MAX_DEPS)
            return sim_err_set(err, "%s: .modinfo field 'depends': more than %d dependencies",
                               who, KERN_MOD_MAX_DEPS);
        char *d = out->depends[out->n_depends];
        memcpy(d, v + start, n);
        d[n] = '\0';
        if (!strcmp(d, out->name))
            return sim_err_set(err, "%s: .modinfo field 'depends': module depends on itself", who);
        for (size_t k = 0; k < out->n_depends; k++)
            if (!strcmp(out->depends[k], d))
                return sim_err_set(err, "%s: .modinfo field 'depends': '%s' listed twice", who, d);
        out->n_depends++;
        start = i + 1;
    }
    return 0;
}

int kern_modinfo_parse(const char *data, size_t size, const char *path, kern_modinfo *out,
                       sim_err *err)
{
    char who[KERN_MOD_NAME_MAX + 1100];
    char q[200];
    memset(out, 0, sizeof *out);
    describe(data, size, path, who, sizeof who);
    if (size == 0)
        return sim_err_set(err, "%s: .modinfo section is empty", who);
    if (data[size - 1] != '\0') {
        size_t s = size;
        while (s > 0 && data[s - 1] != '\0')
            s--;
        return sim_err_set(err, "%s: .modinfo section does not end in NUL (last entry '%s')", who,
                           quote(data + s, size - s, q, sizeof q));
    }

    const char *val[K_COUNT] = {0};
    size_t vlen[K_COUNT] = {0};
    for (size_t off = 0; off < size;) {
        const char *e = data + off;
        size_t elen = strlen(e);   /* bounded: data[size - 1] is NUL */
        off += elen + 1;
        if (elen == 0)
            continue;   /* NUL padding between entries */
        const char *eq = memchr(e, '=', elen);
        if (!eq)
            return sim_err_set(err, "%s: .modinfo entry '%s' has no '=' (expected key=value)", who,
                               quote(e, elen, q, sizeof q));
        size_t klen = (size_t)(eq - e);
        int k = -1;
        for (int i = 0; i < K_COUNT; i++)
            if (strlen(keys[i]) == klen && !memcmp(keys[i], e, klen))
                k = i;
        if (k < 0)
            return sim_err_set(err, "%s: .modinfo field '%s': unknown key", who,
                               quote(e, klen, q, sizeof q));
        if (val[k])
            return sim_err_set(err, "%s: .modinfo field '%s': duplicate key", who, keys[k]);
        val[k] = eq + 1;
        vlen[k] = elen - klen - 1;
        if (vlen[k] == 0 && k != K_DEPENDS)
            return sim_err_set(err, "%s: .modinfo field '%s': empty value", who, keys[k]);
        if (!printable(val[k], vlen[k]))
            return sim_err_set(err, "%s: .modinfo field '%s': value '%s' is not printable ASCII",
                               who, keys[k], quote(val[k], vlen[k], q, sizeof q));
    }
    for (int k = 0; k < K_COUNT; k++)
        if (!val[k] && k != K_DEPENDS)
            return sim_err_set(err, "%s: .modinfo field '%s': missing", who, keys[k]);

    if (!valid_name(val[K_NAME], vlen[K_NAME]))
        return sim_err_set(err,
                           "%s: .modinfo field 'name': '%s' is not 1-%d letters, digits, '_' or '-'",
                           who, quote(val[K_NAME], vlen[K_NAME], q, sizeof q),
                           KERN_MOD_NAME_MAX - 1);
    memcpy(out->name, val[K_NAME], vlen[K_NAME]);
    if (vlen[K_VERSION] >= KERN_MOD_FIELD_MAX || vlen[K_LICENSE] >= KERN_MOD_FIELD_MAX)
        return sim_err_set(err, "%s: .modinfo field '%s': longer than %d bytes", who,
                           vlen[K_VERSION] >= KERN_MOD_FIELD_MAX ? "version" : "license",
                           KERN_MOD_FIELD_MAX - 1);
    memcpy(out->version, val[K_VERSION], vlen[K_VERSION]);
    memcpy(out->license, val[K_LICENSE], vlen[K_LICENSE]);
    if (vlen[K_API] == 6 && !memcmp(val[K_API], "vmkapi", 6))
        out->api = KERN_MOD_API_VMKAPI;
    else if (vlen[K_API] == 8 && !memcmp(val[K_API], "vmklinux", 8))
        out->api = KERN_MOD_API_VMKLINUX;
    else
        return sim_err_set(err, "%s: .modinfo field 'api': '%s' is neither 'vmkapi' nor 'vmklinux'",
                           who, quote(val[K_API], vlen[K_API], q, sizeof q));
    return val[K_DEPENDS] ? parse_depends(val[K_DEPENDS], vlen[K_DEPENDS], who, out, err) : 0;
}
