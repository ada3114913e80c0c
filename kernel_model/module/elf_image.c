/* elf_image.c — reads a driver module with libelf from a private memory copy: checks it is an ELF
 * shared object for this host (ELF gABI: e_ident class/data, e_machine, e_type ET_DYN), checks
 * every section bound it uses, and extracts .modinfo, the undefined and exported dynamic symbols
 * (.dynsym) and the DT_NEEDED entries (.dynamic). Nothing in the file is executed here. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel_model/module/module.h"

#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#else
#error "vmksim's module loader knows x86-64 and AArch64 hosts only"
#endif
#define HOST_CLASS (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32)
#define HOST_DATA (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB)

/* Modules are small; anything bigger than this is not one (and is not read into memory). */
#define MOD_FILE_MAX ((size_t)256 << 20)

/* Symbols every module defines for the loader itself; they are entry points, not exports. */
static const char *const glue_symbols[] = {"init_module", "cleanup_module", "vmk_ModuleCurrentID"};

typedef struct parse_ctx {
    Elf *elf;
    size_t size;
    const char *path;
    char who[KERN_MOD_NAME_MAX + 1100];
    kern_mod_image *img;
} parse_ctx;

const char *kern_mod_image_who(const kern_mod_image *img, char *buf, size_t len)
{
    if (img->info.name[0])
        snprintf(buf, len, "module %s (%s)", img->info.name, img->path);
    else
        snprintf(buf, len, "module file %s", img->path);
    return buf;
}

bool kern_mod_image_exports(const kern_mod_image *img, const char *symbol)
{
    for (size_t i = 0; i < img->n_exports; i++)
        if (!strcmp(img->exports[i], symbol))
            return true;
    return false;
}

void kern_mod_image_free(kern_mod_image *img)
{
    if (!img)
        return;
    for (size_t i = 0; i < img->n_undefs; i++)
        free(img->undefs[i].name);
    for (size_t i = 0; i < img->n_exports; i++)
        free(img->exports[i]);
    for (size_t i = 0; i < img->n_needed; i++)
        free(img->needed[i]);
    free(img->undefs);
    free(img->exports);
    free(img->needed);
    free(img->path);
    free(img);
}

/* The section's header, after checking its file extent lies inside the image. */
static int section_header(parse_ctx *c, Elf_Scn *scn, GElf_Shdr *sh, sim_err *err)
{
    size_t idx = elf_ndxscn(scn);
    if (!gelf_getshdr(scn, sh))
        return sim_err_set(err, "%s: unreadable section header %zu: %s", c->who, idx,
                           elf_errmsg(-1));
    if (sh->sh_type != SHT_NOBITS &&
        (sh->sh_offset > c->size || sh->sh_size > c->size - sh->sh_offset))
        return sim_err_set(err,
                           "%s: truncated or corrupt: section %zu spans bytes %llu+%llu, file has %zu",
                           c->who, idx, (unsigned long long)sh->sh_offset,
                           (unsigned long long)sh->sh_size, c->size);
    return 0;
}

/* The section's full contents; only for sections that passed section_header. */
static Elf_Data *section_data(parse_ctx *c, Elf_Scn *scn, const GElf_Shdr *sh, sim_err *err)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    if (!d || d->d_size != sh->sh_size || (sh->sh_size && !d->d_buf)) {
        sim_err_set(err, "%s: unreadable section %zu: %s", c->who, elf_ndxscn(scn),
                    elf_errmsg(-1));
        return NULL;
    }
    return d;
}

/* A string-table section index from a sh_link field, validated. */
static int strtab_link(parse_ctx *c, const GElf_Shdr *sh, const char *what, sim_err *err)
{
    size_t shnum;
    if (elf_getshdrnum(c->elf, &shnum) != 0 || sh->sh_link == 0 || sh->sh_link >= shnum)
        return sim_err_set(err, "%s: %s links to bad string table %u", c->who, what, sh->sh_link);
    Elf_Scn *s = elf_getscn(c->elf, sh->sh_link);
    GElf_Shdr ssh;
    if (!s || section_header(c, s, &ssh, err) != 0)
        return -1;
    if (ssh.sh_type != SHT_STRTAB)
        return sim_err_set(err, "%s: %s links to section %u, which is not a string table", c->who,
                           what, sh->sh_link);
    return 0;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();   /* out of host memory: not a module fault */
    return d;
}

static void *grow(void *p, size_t n, size_t elem)
{
    void *q = realloc(p, (n + 1) * elem);
    if (!q)
        abort();
    return q;
}

static int read_dynsym(parse_ctx *c, Elf_Scn *scn, const GElf_Shdr *sh, sim_err *err)
{
    if (sh->sh_entsize != sizeof(Elf64_Sym))
        return sim_err_set(err, "%s: .dynsym entry size %llu, expected %zu", c->who,
                           (unsigned long long)sh->sh_entsize, sizeof(Elf64_Sym));
    if (strtab_link(c, sh, ".dynsym", err) != 0)
        return -1;
    Elf_Data *d = section_data(c, scn, sh, err);
    if (!d)
        return -1;
    size_t n = sh->sh_size / sh->sh_entsize;
    kern_mod_image *img = c->img;
    for (size_t i = 1; i < n; i++) {   /* entry 0 is the reserved null symbol (gABI) */
        GElf_Sym sym;
        if (!gelf_getsym(d, (int)i, &sym))
            return sim_err_set(err, "%s: unreadable .dynsym entry %zu", c->who, i);
        const char *name = elf_strptr(c->elf, sh->sh_link, sym.st_name);
        if (!name)
            return sim_err_set(err, "%s: .dynsym entry %zu has a name outside its string table",
                               c->who, i);
        int bind = GELF_ST_BIND(sym.st_info), type = GELF_ST_TYPE(sym.st_info);
        int vis = GELF_ST_VISIBILITY(sym.st_other);
        if (bind == STB_LOCAL || type == STT_SECTION || type == STT_FILE)
            continue;
        if (!name[0])
            return sim_err_set(err, "%s: .dynsym entry %zu is a global symbol without a name",
                               c->who, i);
        if (sym.st_shndx == SHN_UNDEF) {
            img->undefs = grow(img->undefs, img->n_undefs, sizeof *img->undefs);
            img->undefs[img->n_undefs].name = xstrdup(name);
            img->undefs[img->n_undefs].weak = bind == STB_WEAK;
            img->n_undefs++;
            continue;
        }
        if (vis != STV_DEFAULT && vis != STV_PROTECTED)
            continue;
        bool glue = false;
        for (size_t g = 0; g < sizeof glue_symbols / sizeof glue_symbols[0]; g++)
            glue |= !strcmp(name, glue_symbols[g]);
        if (!strcmp(name, "init_module"))
            img->has_init = type == STT_FUNC;
        if (!strcmp(name, "cleanup_module"))
            img->has_cleanup = type == STT_FUNC;
        if (glue)
            continue;
        img->exports = grow(img->exports, img->n_exports, sizeof *img->exports);
        img->exports[img->n_exports++] = xstrdup(name);
    }
    return 0;
}

static int read_dynamic(parse_ctx *c, Elf_Scn *scn, const GElf_Shdr *sh, sim_err *err)
{
    if (sh->sh_entsize != sizeof(Elf64_Dyn))
        return sim_err_set(err, "%s: .dynamic entry size %llu, expected %zu", c->who,
                           (unsigned long long)sh->sh_entsize, sizeof(Elf64_Dyn));
    if (strtab_link(c, sh, ".dynamic", err) != 0)
        return -1;
    Elf_Data *d = section_data(c, scn, sh, err);
    if (!d)
        return -1;
    size_t n = sh->sh_size / sh->sh_entsize;
    kern_mod_image *img = c->img;
    for (size_t i = 0; i < n; i++) {
        GElf_Dyn dyn;
        if (!gelf_getdyn(d, (int)i, &dyn))
            return sim_err_set(err, "%s: unreadable .dynamic entry %zu", c->who, i);
        if (dyn.d_tag == DT_NULL)
            break;
        if (dyn.d_tag != DT_NEEDED)
            continue;
        const char *lib = elf_strptr(c->elf, sh->sh_link, dyn.d_un.d_val);
        if (!lib)
            return sim_err_set(err, "%s: DT_NEEDED entry %zu names a string outside .dynstr",
                               c->who, i);
        img->needed = grow(img->needed, img->n_needed, sizeof *img->needed);
        img->needed[img->n_needed++] = xstrdup(lib);
    }
    return 0;
}

static int check_header(parse_ctx *c, sim_err *err)
{
    if (elf_kind(c->elf) != ELF_K_ELF)
        return sim_err_set(err, "%s: not an ELF file", c->who);
    const char *ident = elf_getident(c->elf, NULL);
    if (!ident)
        return sim_err_set(err, "%s: not an ELF file", c->who);
    if (ident[EI_CLASS] != HOST_CLASS)
        return sim_err_set(err, "%s: ELF class %d, this host loads ELFCLASS%d modules", c->who,
                           ident[EI_CLASS], HOST_CLASS == ELFCLASS64 ? 64 : 32);
    if (ident[EI_DATA] != HOST_DATA)
        return sim_err_set(err, "%s: ELF byte order %d does not match this host's", c->who,
                           ident[EI_DATA]);
    GElf_Ehdr eh;
    if (!gelf_getehdr(c->elf, &eh))
        return sim_err_set(err, "%s: truncated or corrupt ELF header: %s", c->who, elf_errmsg(-1));
    if (eh.e_machine != HOST_MACHINE)
        return sim_err_set(err, "%s: ELF machine %u, this host loads machine %u modules", c->who,
                           eh.e_machine, HOST_MACHINE);
    if (eh.e_type != ET_DYN)
        return sim_err_set(err, "%s: ELF type %u, a module must be a shared object (ET_DYN)",
                           c->who, eh.e_type);
    if (eh.e_shoff == 0)
        return sim_err_set(err, "%s: no section header table", c->who);
    if (eh.e_shentsize != sizeof(Elf64_Shdr))
        return sim_err_set(err, "%s: section header size %u, expected %zu", c->who,
                           eh.e_shentsize, sizeof(Elf64_Shdr));
    /* The raw header's count first (0 means extended numbering, read by libelf below). */
    if (eh.e_shoff > c->size || eh.e_shnum > (c->size - eh.e_shoff) / sizeof(Elf64_Shdr))
        return sim_err_set(err,
                           "%s: truncated: %u section headers at offset %llu, file has %zu bytes",
                           c->who, eh.e_shnum, (unsigned long long)eh.e_shoff, c->size);
    size_t shnum, shstrndx;
    if (elf_getshdrnum(c->elf, &shnum) != 0 || elf_getshdrstrndx(c->elf, &shstrndx) != 0)
        return sim_err_set(err, "%s: truncated or corrupt section header table: %s", c->who,
                           elf_errmsg(-1));
    if (eh.e_shoff > c->size || shnum > (c->size - eh.e_shoff) / sizeof(Elf64_Shdr))
        return sim_err_set(err,
                           "%s: truncated: %zu section headers at offset %llu, file has %zu bytes",
                           c->who, shnum, (unsigned long long)eh.e_shoff, c->size);
    if (shstrndx == SHN_UNDEF || shstrndx >= shnum)
        return sim_err_set(err, "%s: bad section name table index %zu", c->who, shstrndx);
    GElf_Shdr ssh;
    Elf_Scn *s = elf_getscn(c->elf, shstrndx);
    if (!s || section_header(c, s, &ssh, err) != 0)
        return -1;
    if (ssh.sh_type != SHT_STRTAB)
        return sim_err_set(err, "%s: section name table is not a string table", c->who);
    return 0;
}

static int parse_sections(parse_ctx *c, sim_err *err)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(c->elf, &shstrndx) != 0)
        return sim_err_set(err, "%s: %s", c->who, elf_errmsg(-1));
    Elf_Scn *modinfo = NULL, *dynsym = NULL, *dynamic = NULL;
    for (Elf_Scn *scn = elf_nextscn(c->elf, NULL); scn; scn = elf_nextscn(c->elf, scn)) {
        GElf_Shdr sh;
        if (section_header(c, scn, &sh, err) != 0)
            return -1;
        const char *name = elf_strptr(c->elf, shstrndx, sh.sh_name);
        if (!name)
            return sim_err_set(err, "%s: section %zu has a name outside the name table", c->who,
                               elf_ndxscn(scn));
        Elf_Scn **slot = NULL;
        if (!strcmp(name, ".modinfo"))
            slot = &modinfo;
        else if (sh.sh_type == SHT_DYNSYM)
            slot = &dynsym;
        else if (sh.sh_type == SHT_DYNAMIC)
            slot = &dynamic;
        if (!slot)
            continue;
        if (*slot)
            return sim_err_set(err, "%s: more than one %s section", c->who,
                               slot == &modinfo ? ".modinfo" : slot == &dynsym ? "SHT_DYNSYM"
                                                                                : "SHT_DYNAMIC");
        *slot = scn;
    }
    if (!modinfo)
        return sim_err_set(err, "%s: no .modinfo section (build it with vmksim_add_module)",
                           c->who);
    GElf_Shdr sh;
    if (section_header(c, modinfo, &sh, err) != 0)
        return -1;
    if (sh.sh_type != SHT_PROGBITS)
        return sim_err_set(err, "%s: .modinfo section has type %u, expected SHT_PROGBITS", c->who,
                           sh.sh_type);
    Elf_Data *d = section_data(c, modinfo, &sh, err);
    if (!d || kern_modinfo_parse(d->d_buf, d->d_size, c->path, &c->img->info, err) != 0)
        return -1;
    kern_mod_image_who(c->img, c->who, sizeof c->who);
    if (!dynsym)
        return sim_err_set(err, "%s: no dynamic symbol table (.dynsym)", c->who);
    if (section_header(c, dynsym, &sh, err) != 0 || read_dynsym(c, dynsym, &sh, err) != 0)
        return -1;
    if (dynamic &&
        (section_header(c, dynamic, &sh, err) != 0 || read_dynamic(c, dynamic, &sh, err) != 0))
        return -1;
    return 0;
}

int kern_mod_image_parse(const void *data, size_t size, const char *path, kern_mod_image **out,
                         sim_err *err)
{
    *out = NULL;
    parse_ctx c = {.size = size, .path = path};
    snprintf(c.who, sizeof c.who, "module file %s", path);
    if (size == 0)
        return sim_err_set(err, "%s: empty file, not an ELF module", c.who);
    if (elf_version(EV_CURRENT) == EV_NONE)
        return sim_err_set(err, "%s: libelf initialisation failed: %s", c.who, elf_errmsg(-1));
    char *copy = malloc(size);
    c.img = calloc(1, sizeof *c.img);
    if (!copy || !c.img)
        abort();
    memcpy(copy, data, size);
    c.img->path = xstrdup(path);
    c.elf = elf_memory(copy, size);
    int rc;
    if (!c.elf && size >= SELFMAG && !memcmp(data, ELFMAG, SELFMAG))
        rc = sim_err_set(err, "%s: truncated or corrupt ELF file (%s)", c.who, elf_errmsg(-1));
    else if (!c.elf)
        rc = sim_err_set(err, "%s: not an ELF file", c.who);
    else
        rc = check_header(&c, err) == 0 && parse_sections(&c, err) == 0 ? 0 : -1;
    if (c.elf)
        elf_end(c.elf);
    free(copy);
    if (rc != 0) {
        kern_mod_image_free(c.img);
        return -1;
    }
    *out = c.img;
    return 0;
}

int kern_mod_image_read(const char *path, kern_mod_image **out, sim_err *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sim_err_set(err, "module file %s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return sim_err_set(err, "module file %s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size > MOD_FILE_MAX) {
        close(fd);
        return sim_err_set(err, "module file %s: %lld bytes, larger than any module (%zu)", path,
                           (long long)st.st_size, MOD_FILE_MAX);
    }
    size_t size = (size_t)st.st_size, got = 0;
    char *buf = malloc(size ? size : 1);
    if (!buf)
        abort();
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    int rc = got == size ? kern_mod_image_parse(buf, size, path, out, err)
                         : sim_err_set(err, "module file %s: short read", path);
    free(buf);
    return rc;
}
