// module_test_util.h — helpers shared by the module tests: module paths, file bytes, and finding
// a section's file range so a test can patch a copy of a good module.
#ifndef MODULE_TEST_UTIL_H
#define MODULE_TEST_UTIL_H

#include <gelf.h>
#include <libelf.h>

#include <fstream>
#include <iterator>
#include <string>

inline std::string module_path(const std::string &name)
{
    return std::string(VMKSIM_BINARY_DIR) + "/modules/" + name + ".so";
}

inline std::string file_bytes(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

inline void write_file(const std::string &path, const std::string &bytes)
{
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), (std::streamsize)bytes.size());
}

// File offset and size of the named section of an ELF image; false if absent.
inline bool section_range(std::string &image, const char *name, size_t *off, size_t *size)
{
    elf_version(EV_CURRENT);
    Elf *e = elf_memory(&image[0], image.size());
    bool found = false;
    size_t shstrndx;
    if (e && elf_getshdrstrndx(e, &shstrndx) == 0) {
        for (Elf_Scn *s = elf_nextscn(e, nullptr); s && !found; s = elf_nextscn(e, s)) {
            GElf_Shdr sh;
            const char *n = gelf_getshdr(s, &sh) ? elf_strptr(e, shstrndx, sh.sh_name) : nullptr;
            if (n && std::string(n) == name) {
                *off = sh.sh_offset;
                *size = sh.sh_size;
                found = true;
            }
        }
    }
    if (e)
        elf_end(e);
    return found;
}

#endif
