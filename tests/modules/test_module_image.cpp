// test_module_image.cpp — the loader's read and check stages on real modules built by
// vmksim_add_module() and on broken copies of them: every refusal names the module (or file) and
// the symbol, field or dependency at fault, and no input crashes the reader.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "kernel_model/module/module.h"
#include "module_test_util.h"

namespace {

struct Read {
    kern_mod_image *img = nullptr;
    std::string msg;
    ~Read() { kern_mod_image_free(img); }
};

void read_path(const std::string &path, Read *r)
{
    sim_err err{};
    if (kern_mod_image_read(path.c_str(), &r->img, &err) != 0)
        r->msg = err.msg;
}

void parse_bytes(const std::string &bytes, Read *r, const char *path = "/tmp/copy.so")
{
    sim_err err{};
    if (kern_mod_image_parse(bytes.data(), bytes.size(), path, &r->img, &err) != 0)
        r->msg = err.msg;
}

std::string check(const kern_mod_image *img, std::vector<const kern_mod_image *> deps,
                  std::vector<kern_mod_binding> *bindings = nullptr)
{
    deps.resize(KERN_MOD_MAX_DEPS, nullptr);
    std::vector<kern_mod_binding> b(img->n_undefs + 1);
    sim_err err{};
    int rc = kern_mod_check(img, deps.data(), b.data(), &err);
    if (bindings)
        *bindings = std::vector<kern_mod_binding>(b.begin(), b.begin() + img->n_undefs);
    return rc == 0 ? "" : err.msg;
}

bool has_undef(const kern_mod_image *img, const char *sym)
{
    for (size_t i = 0; i < img->n_undefs; i++)
        if (!strcmp(img->undefs[i].name, sym))
            return true;
    return false;
}

TEST(ModuleImage, GoodModuleCarriesItsModinfoAndSymbols)
{
    Read r;
    read_path(module_path("testmod"), &r);
    ASSERT_NE(r.img, nullptr) << r.msg;
    EXPECT_STREQ(r.img->info.name, "testmod");
    EXPECT_STREQ(r.img->info.version, "1.2.3");
    EXPECT_STREQ(r.img->info.license, "GPL");
    EXPECT_EQ(r.img->info.api, KERN_MOD_API_VMKAPI);
    EXPECT_EQ(r.img->info.n_depends, 0u);
    EXPECT_TRUE(r.img->has_init);
    EXPECT_TRUE(r.img->has_cleanup);
    EXPECT_EQ(r.img->n_needed, 0u) << "modules link no shared library";
    EXPECT_TRUE(has_undef(r.img, "vmk_ModuleRegister"));
    EXPECT_TRUE(has_undef(r.img, "vmk_LogMessage"));
    EXPECT_TRUE(kern_mod_image_exports(r.img, "testmod_hello"));
    EXPECT_FALSE(kern_mod_image_exports(r.img, "init_module")) << "entry points are not exports";
    EXPECT_FALSE(kern_mod_image_exports(r.img, "vmk_ModuleCurrentID"));
    std::vector<kern_mod_binding> b;
    EXPECT_EQ(check(r.img, {}, &b), "");
    for (const auto &x : b) {
        EXPECT_EQ(x.kind, KERN_BIND_KERNEL) << x.symbol;
        EXPECT_STREQ(x.provider, "kernel");
    }
}

TEST(ModuleImage, UnexportedSymbolIsRefusedByName)
{
    Read r;
    read_path(module_path("testmod_missing"), &r);
    ASSERT_NE(r.img, nullptr) << r.msg;
    EXPECT_EQ(check(r.img, {}), "module testmod_missing (" + module_path("testmod_missing") +
                                    "): unresolved symbol 'vmk_NoSuchCall'");
}

TEST(ModuleImage, LibcSymbolIsRefusedEvenThoughTheProcessHasIt)
{
    Read r;
    read_path(module_path("testmod_libc"), &r);
    ASSERT_NE(r.img, nullptr) << r.msg;
    EXPECT_NE(check(r.img, {}).find("module testmod_libc ("), std::string::npos);
    EXPECT_NE(check(r.img, {}).find("unresolved symbol 'malloc'"), std::string::npos);
}

TEST(ModuleImage, VmklinuxModuleWithoutShimIsAnApiMismatch)
{
    Read r;
    read_path(module_path("testmod_noshim"), &r);
    ASSERT_NE(r.img, nullptr) << r.msg;
    EXPECT_EQ(r.img->info.api, KERN_MOD_API_VMKLINUX);
    std::string msg = check(r.img, {});
    EXPECT_NE(msg.find("module testmod_noshim ("), std::string::npos) << msg;
    EXPECT_NE(msg.find("api mismatch: api=vmklinux but 'vmklinux' (the shim) is not in depends"),
              std::string::npos) << msg;
}

TEST(ModuleImage, DependencyMustBeAvailableAndProvidesItsExports)
{
    Read user, dep;
    read_path(module_path("testmod_user"), &user);
    read_path(module_path("testmod_dep"), &dep);
    ASSERT_NE(user.img, nullptr) << user.msg;
    ASSERT_NE(dep.img, nullptr) << dep.msg;
    ASSERT_EQ(user.img->info.n_depends, 1u);
    EXPECT_STREQ(user.img->info.depends[0], "testmod_dep");
    std::string msg = check(user.img, {nullptr});
    EXPECT_NE(msg.find("module testmod_user ("), std::string::npos) << msg;
    EXPECT_NE(msg.find("dependency 'testmod_dep' is not loaded"), std::string::npos) << msg;

    std::vector<kern_mod_binding> b;
    EXPECT_EQ(check(user.img, {dep.img}, &b), "");
    bool saw_add = false, saw_counter = false;
    for (const auto &x : b) {
        if (!strcmp(x.symbol, "testdep_add") || !strcmp(x.symbol, "testdep_calls")) {
            EXPECT_EQ(x.kind, KERN_BIND_MODULE);
            EXPECT_STREQ(x.provider, "testmod_dep");
            saw_add |= !strcmp(x.symbol, "testdep_add");
            saw_counter |= !strcmp(x.symbol, "testdep_calls");
        } else {
            EXPECT_EQ(x.kind, KERN_BIND_KERNEL) << x.symbol;
        }
    }
    EXPECT_TRUE(saw_add && saw_counter);
}

TEST(ModuleImage, HandWrittenDuplicateModinfoKeyIsRefused)
{
    Read r;
    read_path(module_path("testmod_dupkey"), &r);
    EXPECT_EQ(r.img, nullptr);
    EXPECT_EQ(r.msg, "module testmod_dupkey (" + module_path("testmod_dupkey") +
                         "): .modinfo field 'version': duplicate key");
}

// ---- broken copies of a good module ----
class Patched : public ::testing::Test {
  protected:
    void SetUp() override
    {
        good = file_bytes(module_path("testmod"));
        ASSERT_GT(good.size(), 1000u);
        ASSERT_TRUE(section_range(good, ".modinfo", &mi_off, &mi_size));
        ASSERT_LE(mi_off + mi_size, good.size());
        modinfo = good.substr(mi_off, mi_size);
    }
    // Replaces the first occurrence of from (inside .modinfo) by to, same length.
    std::string patch_modinfo(const std::string &from, const std::string &to)
    {
        EXPECT_EQ(from.size(), to.size());
        size_t at = modinfo.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        std::string copy = good;
        copy.replace(mi_off + at, to.size(), to);
        return copy;
    }
    std::string good, modinfo;
    size_t mi_off = 0, mi_size = 0;
};

TEST_F(Patched, ModinfoEntryWithoutEquals)
{
    Read r;
    parse_bytes(patch_modinfo("license=GPL", "license_GPL"), &r);
    EXPECT_EQ(r.msg, "module testmod (/tmp/copy.so): .modinfo entry 'license_GPL' has no '=' "
                     "(expected key=value)");
}

TEST_F(Patched, ModinfoUnknownKey)
{
    Read r;
    parse_bytes(patch_modinfo("api=", "abi="), &r);
    EXPECT_EQ(r.msg, "module testmod (/tmp/copy.so): .modinfo field 'abi': unknown key");
}

TEST_F(Patched, ModinfoEmptyValue)
{
    Read r;
    parse_bytes(patch_modinfo("version=1.2.3", std::string("version=\0\0\0\0\0", 13)), &r);
    EXPECT_EQ(r.msg, "module testmod (/tmp/copy.so): .modinfo field 'version': empty value");
}

TEST_F(Patched, ModinfoNotNulTerminated)
{
    std::string copy = good;
    ASSERT_EQ(copy[mi_off + mi_size - 1], '\0');
    copy[mi_off + mi_size - 1] = 'X';
    Read r;
    parse_bytes(copy, &r);
    EXPECT_NE(r.msg.find("/tmp/copy.so"), std::string::npos) << r.msg;
    EXPECT_NE(r.msg.find(".modinfo section does not end in NUL"), std::string::npos) << r.msg;
}

TEST_F(Patched, ModinfoBadApi)
{
    Read r;
    parse_bytes(patch_modinfo("api=vmkapi", "api=vmkXXX"), &r);
    EXPECT_EQ(r.msg, "module testmod (/tmp/copy.so): .modinfo field 'api': 'vmkXXX' is neither "
                     "'vmkapi' nor 'vmklinux'");
}

TEST_F(Patched, WrongElfClass)
{
    std::string copy = good;
    copy[EI_CLASS] = ELFCLASS32;
    Read r;
    parse_bytes(copy, &r);
    EXPECT_EQ(r.msg, "module file /tmp/copy.so: ELF class 1, this host loads ELFCLASS64 modules");
}

TEST_F(Patched, WrongMachine)
{
    std::string copy = good;
    uint16_t m = EM_RISCV;   // 243
    memcpy(&copy[offsetof(Elf64_Ehdr, e_machine)], &m, 2);
    Read r;
    parse_bytes(copy, &r);
    EXPECT_NE(r.msg.find("module file /tmp/copy.so: ELF machine 243"), std::string::npos) << r.msg;
}

TEST_F(Patched, ExecutableIsNotAModule)
{
    std::string copy = good;
    uint16_t t = ET_EXEC;
    memcpy(&copy[offsetof(Elf64_Ehdr, e_type)], &t, 2);
    Read r;
    parse_bytes(copy, &r);
    EXPECT_NE(r.msg.find("ELF type 2, a module must be a shared object (ET_DYN)"),
              std::string::npos) << r.msg;
}

TEST_F(Patched, SectionHeadersPastTheEnd)
{
    std::string copy = good;
    uint64_t off = good.size() - 10;
    memcpy(&copy[offsetof(Elf64_Ehdr, e_shoff)], &off, 8);
    Read r;
    parse_bytes(copy, &r);
    EXPECT_EQ(r.img, nullptr);
    EXPECT_NE(r.msg.find("module file /tmp/copy.so: truncated"), std::string::npos) << r.msg;
}

TEST_F(Patched, ModinfoSectionPastTheEnd)
{
    // Point the .modinfo section's data beyond the file: the bound check must catch it.
    std::string copy = good;
    Elf64_Ehdr eh;
    memcpy(&eh, copy.data(), sizeof eh);
    size_t shstr_off = eh.e_shoff + (size_t)eh.e_shstrndx * sizeof(Elf64_Shdr);
    Elf64_Shdr shstr;
    memcpy(&shstr, &copy[shstr_off], sizeof shstr);
    bool patched = false;
    for (size_t i = 1; i < eh.e_shnum; i++) {
        size_t at = eh.e_shoff + i * sizeof(Elf64_Shdr);
        Elf64_Shdr sh;
        memcpy(&sh, &copy[at], sizeof sh);
        if (!strcmp(&copy[shstr.sh_offset + sh.sh_name], ".modinfo")) {
            sh.sh_size = copy.size();
            memcpy(&copy[at], &sh, sizeof sh);
            patched = true;
        }
    }
    ASSERT_TRUE(patched);
    Read r;
    parse_bytes(copy, &r);
    EXPECT_EQ(r.img, nullptr);
    EXPECT_NE(r.msg.find("truncated or corrupt: section"), std::string::npos) << r.msg;
}

TEST_F(Patched, EveryTruncationIsRefusedCleanly)
{
    // Cut the module at many lengths; each must be refused (never crash, never accepted).
    std::vector<size_t> cuts = {1, 3, 4, 16, 63, 64, 65, 200};
    for (size_t k = 1; k < 64; k++)
        cuts.push_back(good.size() * k / 64);
    cuts.push_back(good.size() - 1);
    for (size_t cut : cuts) {
        Read r;
        parse_bytes(good.substr(0, cut), &r);
        EXPECT_EQ(r.img, nullptr) << "accepted a file cut at " << cut << " of " << good.size();
        EXPECT_NE(r.msg.find("/tmp/copy.so"), std::string::npos) << cut << ": " << r.msg;
    }
}

TEST(ModuleImage, NonElfAndEmptyFilesAreRefused)
{
    Read text, empty, elfish;
    parse_bytes("#!/bin/sh\necho this is not a module\n", &text, "/tmp/script.so");
    EXPECT_EQ(text.msg, "module file /tmp/script.so: not an ELF file");
    parse_bytes("", &empty, "/tmp/empty.so");
    EXPECT_EQ(empty.msg, "module file /tmp/empty.so: empty file, not an ELF module");
    parse_bytes("\x7f" "ELF", &elfish, "/tmp/magic.so");
    EXPECT_NE(elfish.msg.find("module file /tmp/magic.so:"), std::string::npos) << elfish.msg;
    EXPECT_EQ(elfish.img, nullptr);
}

TEST(ModuleImage, MissingFileIsRefusedWithItsPath)
{
    Read r;
    read_path("/nonexistent/dir/x.so", &r);
    EXPECT_EQ(r.msg, "module file /nonexistent/dir/x.so: cannot open: No such file or directory");
}

// ---- the binding rules on hand-made images ----
struct FakeImage {
    kern_mod_image img{};
    std::vector<std::string> undef_names, export_names;
    std::vector<kern_mod_undef> undefs;
    std::vector<char *> exports;
    FakeImage(const char *name, kern_mod_api api, std::vector<std::string> deps,
              std::vector<std::string> u, std::vector<std::string> e)
        : undef_names(u), export_names(e)
    {
        strcpy(img.info.name, name);
        img.info.api = api;
        for (size_t i = 0; i < deps.size(); i++)
            strcpy(img.info.depends[i], deps[i].c_str());
        img.info.n_depends = deps.size();
        for (auto &s : undef_names)
            undefs.push_back({&s[0], false});
        for (auto &s : export_names)
            exports.push_back(&s[0]);
        img.undefs = undefs.data();
        img.n_undefs = undefs.size();
        img.exports = exports.data();
        img.n_exports = exports.size();
        img.path = const_cast<char *>("/fake.so");
        img.has_init = true;
    }
};

TEST(BindingRules, VmklinuxModuleBindsThroughTheShimOnly)
{
    FakeImage shim("vmklinux", KERN_MOD_API_VMKAPI, {}, {"vmk_LogMessage"}, {"printk"});
    FakeImage drv("e1000", KERN_MOD_API_VMKLINUX, {"vmklinux"}, {"printk", "memcpy"}, {});
    std::vector<kern_mod_binding> b;
    EXPECT_EQ(check(&drv.img, {&shim.img}, &b), "");
    EXPECT_EQ(b[0].kind, KERN_BIND_MODULE);
    EXPECT_STREQ(b[0].provider, "vmklinux");
    EXPECT_EQ(b[1].kind, KERN_BIND_KERNEL) << "compiler-support exports serve every module";

    FakeImage bad("e1000", KERN_MOD_API_VMKLINUX, {"vmklinux"}, {"printk", "vmk_LogMessage"}, {});
    std::string msg = check(&bad.img, {&shim.img}, &b);
    EXPECT_EQ(b[1].kind, KERN_BIND_WRONG_API);
    EXPECT_EQ(msg, "module e1000 (/fake.so): api mismatch: symbol 'vmk_LogMessage' is a vmkapi "
                   "kernel export; an api=vmklinux module reaches the kernel only through the "
                   "vmklinux shim");
}

TEST(BindingRules, VmkapiModuleMayNotDependOnALinuxModule)
{
    FakeImage lin("libata", KERN_MOD_API_VMKLINUX, {"vmklinux"}, {}, {"ata_probe"});
    FakeImage nat("nvme", KERN_MOD_API_VMKAPI, {"libata"}, {"ata_probe"}, {});
    EXPECT_EQ(check(&nat.img, {&lin.img}),
              "module nvme (/fake.so): api mismatch: depends on 'libata' (api=vmklinux); an "
              "api=vmkapi module may depend only on api=vmkapi modules");
}

TEST(BindingRules, VmklinuxModuleMayNotDependOnANativeModuleOtherThanTheShim)
{
    FakeImage shim("vmklinux", KERN_MOD_API_VMKAPI, {}, {}, {"printk"});
    FakeImage nat("helper", KERN_MOD_API_VMKAPI, {}, {}, {"helper_fn"});
    FakeImage drv("e1000", KERN_MOD_API_VMKLINUX, {"vmklinux", "helper"}, {"helper_fn"}, {});
    std::string msg = check(&drv.img, {&shim.img, &nat.img});
    EXPECT_NE(msg.find("api mismatch: depends on 'helper' (api=vmkapi), which is not the vmklinux "
                       "shim"), std::string::npos) << msg;
}

TEST(BindingRules, ShimMustBeNative)
{
    FakeImage shim("vmklinux", KERN_MOD_API_VMKLINUX, {}, {}, {});
    EXPECT_NE(check(&shim.img, {}).find("the vmklinux shim itself must have api=vmkapi"),
              std::string::npos);
}

TEST(BindingRules, ExportClashingWithTheKernelIsRefused)
{
    FakeImage m("clash", KERN_MOD_API_VMKAPI, {}, {}, {"vmk_LogMessage"});
    EXPECT_EQ(check(&m.img, {}),
              "module clash (/fake.so): exports 'vmk_LogMessage', which the kernel already exports");
}

TEST(BindingRules, WeakUndefinedSymbolsFollowTheSameRule)
{
    FakeImage m("weak", KERN_MOD_API_VMKAPI, {}, {"free"}, {});
    m.undefs[0].weak = true;
    EXPECT_EQ(check(&m.img, {}), "module weak (/fake.so): unresolved symbol 'free'");
}

TEST(BindingRules, ModuleWithoutInitIsRefused)
{
    FakeImage m("noinit", KERN_MOD_API_VMKAPI, {}, {}, {});
    m.img.has_init = false;
    EXPECT_EQ(check(&m.img, {}), "module noinit (/fake.so): no init_module function");
}

TEST(BindingRules, SharedLibraryDependencyIsRefused)
{
    FakeImage m("needs", KERN_MOD_API_VMKAPI, {}, {}, {});
    char libc[] = "libc.so.6";
    char *needed[] = {libc};
    m.img.needed = needed;
    m.img.n_needed = 1;
    EXPECT_NE(check(&m.img, {}).find("links against shared library 'libc.so.6' (DT_NEEDED)"),
              std::string::npos);
}

} // namespace
