// test_modinfo.cpp — the .modinfo parser: each field rule of docs/modules.md, one test each,
// asserting the message names the module (or its file) and the field.
#include <gtest/gtest.h>

#include <string>

#include "kernel_model/module/module.h"

// A string literal with its embedded NULs (the implicit final NUL excluded).
#define S(lit) std::string(lit, sizeof(lit) - 1)

namespace {

struct Parsed {
    int rc;
    kern_modinfo mi;
    std::string msg;
};

Parsed parse(const std::string &bytes)
{
    Parsed p{};
    sim_err err{};
    p.rc = kern_modinfo_parse(bytes.data(), bytes.size(), "/m/x.so", &p.mi, &err);
    p.msg = err.msg;
    return p;
}

const std::string kGood = S("name=netdrv\0version=1.0\0license=GPL\0api=vmkapi\0depends=\0");

TEST(Modinfo, GoodSectionGivesEveryField)
{
    Parsed p = parse(kGood);
    ASSERT_EQ(p.rc, 0) << p.msg;
    EXPECT_STREQ(p.mi.name, "netdrv");
    EXPECT_STREQ(p.mi.version, "1.0");
    EXPECT_STREQ(p.mi.license, "GPL");
    EXPECT_EQ(p.mi.api, KERN_MOD_API_VMKAPI);
    EXPECT_EQ(p.mi.n_depends, 0u);
}

TEST(Modinfo, DependsIsACommaSeparatedList)
{
    std::string s = S("name=e1000\0version=1\0license=GPL\0api=vmklinux\0depends=vmklinux,libfoo\0");
    Parsed p = parse(s);
    ASSERT_EQ(p.rc, 0) << p.msg;
    EXPECT_EQ(p.mi.api, KERN_MOD_API_VMKLINUX);
    ASSERT_EQ(p.mi.n_depends, 2u);
    EXPECT_STREQ(p.mi.depends[0], "vmklinux");
    EXPECT_STREQ(p.mi.depends[1], "libfoo");
}

TEST(Modinfo, NulPaddingBetweenEntriesIsSkipped)
{
    std::string s = S("name=a\0\0\0version=1\0\0license=GPL\0api=vmkapi\0");
    Parsed p = parse(s);
    EXPECT_EQ(p.rc, 0) << p.msg;
    EXPECT_FALSE(std::string(p.mi.name).compare("a"));
}

TEST(Modinfo, DependsMayBeAbsent)
{
    Parsed p = parse(S("name=a\0version=1\0license=GPL\0api=vmkapi\0"));
    EXPECT_EQ(p.rc, 0) << p.msg;
}

TEST(Modinfo, EntryWithoutEqualsIsRefused)
{
    Parsed p = parse(S("name=netdrv\0version=1.0\0licenseGPL\0api=vmkapi\0"));
    EXPECT_NE(p.rc, 0);
    EXPECT_NE(p.msg.find("module netdrv (/m/x.so)"), std::string::npos) << p.msg;
    EXPECT_NE(p.msg.find("entry 'licenseGPL' has no '='"), std::string::npos) << p.msg;
}

TEST(Modinfo, UnknownKeyIsRefused)
{
    Parsed p = parse(kGood + S("vermagic=6.1\0"));
    EXPECT_NE(p.rc, 0);
    EXPECT_NE(p.msg.find("field 'vermagic': unknown key"), std::string::npos) << p.msg;
}

TEST(Modinfo, EmptyValueIsRefused)
{
    Parsed p = parse(S("name=netdrv\0version=\0license=GPL\0api=vmkapi\0"));
    EXPECT_NE(p.rc, 0);
    EXPECT_NE(p.msg.find("module netdrv (/m/x.so): .modinfo field 'version': empty value"),
              std::string::npos) << p.msg;
}

TEST(Modinfo, DuplicateKeyIsRefused)
{
    Parsed p = parse(kGood + S("license=Proprietary\0"));
    EXPECT_NE(p.rc, 0);
    EXPECT_NE(p.msg.find("field 'license': duplicate key"), std::string::npos) << p.msg;
}

TEST(Modinfo, SectionNotEndingInNulIsRefused)
{
    Parsed p = parse(kGood.substr(0, kGood.size() - 1) + "X");
    EXPECT_NE(p.rc, 0);
    EXPECT_NE(p.msg.find("does not end in NUL (last entry 'depends=X')"), std::string::npos)
        << p.msg;
}

TEST(Modinfo, EmptySectionIsRefused)
{
    Parsed p = parse("");
    EXPECT_NE(p.rc, 0);
    EXPECT_NE(p.msg.find("module file /m/x.so: .modinfo section is empty"), std::string::npos)
        << p.msg;
}

TEST(Modinfo, EachRequiredFieldMustBePresent)
{
    const char *fields[] = {"name=a", "version=1", "license=GPL", "api=vmkapi"};
    const char *keys[] = {"name", "version", "license", "api"};
    for (int skip = 0; skip < 4; skip++) {
        std::string s;
        for (int i = 0; i < 4; i++)
            if (i != skip)
                s += std::string(fields[i]) + '\0';
        Parsed p = parse(s);
        EXPECT_NE(p.rc, 0);
        EXPECT_NE(p.msg.find(std::string("field '") + keys[skip] + "': missing"), std::string::npos)
            << p.msg;
    }
}

TEST(Modinfo, ApiMustBeVmkapiOrVmklinux)
{
    Parsed p = parse(S("name=a\0version=1\0license=GPL\0api=linux\0"));
    EXPECT_NE(p.rc, 0);
    EXPECT_NE(p.msg.find("field 'api': 'linux' is neither 'vmkapi' nor 'vmklinux'"),
              std::string::npos) << p.msg;
}

TEST(Modinfo, BadNameIsRefused)
{
    Parsed p = parse(S("name=a b\0version=1\0license=GPL\0api=vmkapi\0"));
    EXPECT_NE(p.rc, 0);
    EXPECT_NE(p.msg.find("module file /m/x.so: .modinfo field 'name': 'a b'"), std::string::npos)
        << p.msg;
}

TEST(Modinfo, BadDependsListsAreRefused)
{
    const std::string base = S("name=a\0version=1\0license=GPL\0api=vmkapi\0");
    struct { const char *deps; const char *expect; } cases[] = {
        {"depends=b,,c", "bad module name ''"},
        {"depends=b,", "bad module name ''"},
        {"depends=b,b", "'b' listed twice"},
        {"depends=a", "module depends on itself"},
        {"depends=b c", "bad module name 'b c'"},
    };
    for (const auto &c : cases) {
        Parsed p = parse(base + c.deps + '\0');
        EXPECT_NE(p.rc, 0) << c.deps;
        EXPECT_NE(p.msg.find(std::string("field 'depends': ") + c.expect), std::string::npos)
            << c.deps << ": " << p.msg;
    }
}

TEST(Modinfo, NonPrintableValueIsRefused)
{
    Parsed p = parse(S("name=a\0version=1\x01\0license=GPL\0api=vmkapi\0"));
    EXPECT_NE(p.rc, 0);
    EXPECT_NE(p.msg.find("field 'version': value '1\\x01' is not printable"), std::string::npos)
        << p.msg;
}

} // namespace
