// The loader: cpp runs over each file, imports are found ("x" next to the
// importer, <x> on the include path) and read once, and cpp's own errors come back
// as located adl::Errors. A component type the app declares itself is bound to the type's
// own definition (<Type>/<Type>.camkes on the include path) when the app's is part of it.
#include "adl/loader.hpp"
#include "adl/resolver.hpp"
#include "expect_error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;

struct Loader : ::testing::Test {
    fs::path dir;
    void SetUp() override {
        dir = fs::temp_directory_path() /
              ("bulkhead-loader-" +
               std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir / "lib");
    }
    void TearDown() override { fs::remove_all(dir); }
    std::string write(const std::string& name, const std::string& text) {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    }
    adl::LoadedApp load(const std::string& main) {
        adl::PreprocessorOptions cpp;
        cpp.include_dirs = {(dir / "lib").string()};
        return adl::load_app(main, cpp);
    }
};

TEST_F(Loader, ImportsAreFoundAndReadOnce) {
    write("lib/defs.camkes", "procedure P { void f(); };\n");
    write("local.camkes", "import <defs.camkes>;\ncomponent C { uses P p; }\n");
    auto main =
        write("app.camkes", "#define NAME c0\nimport \"local.camkes\";\nimport <defs.camkes>;\n"
                            "assembly { composition { component C NAME; } }\n");
    auto app = load(main);
    EXPECT_EQ(app.files.size(), 3u);
    EXPECT_EQ(app.merged.procedures.size(), 1u);
    ASSERT_EQ(app.merged.assemblies.size(), 1u);
    EXPECT_EQ(app.merged.assemblies[0].instances[0].name, "c0");
    EXPECT_EQ(app.merged.assemblies[0].instances[0].where.file, main);
    EXPECT_EQ(app.merged.assemblies[0].instances[0].where.line, 4u);
    EXPECT_EQ(app.merged.assemblies[0].instances[0].where.column, 38u); // where NAME was written
}

TEST_F(Loader, MissingImportNamesTheSearchedFolders) {
    auto main = write("app.camkes", "\n  import <nowhere.camkes>;\n");
    tool_test::expect_error([&] { load(main); }, main, 2, 3,
                            "cannot find import '<nowhere.camkes>'; expected it in one of: " +
                                (dir / "lib").string(),
                            "");
}

TEST_F(Loader, CppErrorsAreLocated) {
    auto main = write("app.camkes", "assembly {\n#error no board selected\n}\n");
    tool_test::expect_error([&] { load(main); }, main, 2, 2, "the C preprocessor rejected the file",
                            "");
}

TEST_F(Loader, ErrorsInImportedFilesPointThere) {
    auto lib = write("lib/broken.camkes", "component C {\n    uses P;\n}\n");
    auto main = write("app.camkes", "import <broken.camkes>;\n");
    tool_test::expect_error([&] { load(main); }, lib, 2, 11,
                            "expected an interface name after 'uses P', found ';'", "");
}

// The type's own definition: its interfaces and an attribute upstream's local declarations
// leave out (as PingClient's vswitch_mac_address).
constexpr const char* kOwnThing = "procedure P { void f(); };\n"
                                  "component Thing { control; maybe uses P p; emits E e;\n"
                                  "  attribute string mac = \"\"; attribute int n = 3; }\n";

// An app declaring Thing itself (`declaration`), with one setting of instance t.
struct OwnDefinition : Loader {
    std::string app(const std::string& name, const std::string& declaration,
                    const std::string& setting) {
        fs::create_directories(dir / "lib/Thing");
        write("lib/Thing/Thing.camkes", kOwnThing);
        return write(name, "procedure P { void f(); };\ncomponent Thing { control; " + declaration +
                               " }\nassembly { composition { component Thing t; }\n"
                               "  configuration { " +
                               setting + " } }\n");
    }
};

TEST_F(OwnDefinition, ATypeDeclaredByTheAppKnowsItsOwnAttributes) {
    auto main = app("app.camkes", "maybe uses P p;", "t.mac = \"02:00:00:00:AA:02\";");
    auto loaded = load(main);
    const std::string own = (dir / "lib/Thing/Thing.camkes").string();
    ASSERT_EQ(loaded.merged.own_components.size(), 1u);
    EXPECT_EQ(loaded.merged.own_components[0].where.file, own);
    const auto s = adl::resolve(loaded.merged, {});
    const auto* t = s.instance("t");
    ASSERT_NE(t, nullptr);
    // Bound to the own definition: its page is written for the program built from it.
    EXPECT_EQ(t->component->where.file, own);
    ASSERT_NE(t->attribute("mac"), nullptr);
    EXPECT_EQ(t->attribute("mac")->value.string, "02:00:00:00:AA:02");
}

TEST_F(OwnDefinition, AnAppsOwnVariantOfATypeIsUsedAsWritten) {
    // An interface the type does not have: the app's own variant, not the type's.
    auto main = app("app.camkes", "maybe uses P p; provides P extra;", "t.mac = \"x\";");
    auto loaded = load(main);
    tool_test::expect_error([&] { (void)adl::resolve(loaded.merged, {}); }, main, 4, 19,
                            "unknown attribute 'mac' of instance 't' (component 'Thing')", "");
    // A different attribute type is a different variant too.
    auto typed = app("typed.camkes", "attribute int mac;", "t.n = 4;");
    auto other = load(typed);
    tool_test::expect_error([&] { (void)adl::resolve(other.merged, {}); }, typed, 4, 19,
                            "unknown attribute 'n' of instance 't'", "");
}

TEST_F(Loader, AnImportedDefinitionIsNotLoadedTwice) {
    fs::create_directories(dir / "lib/Thing");
    write("lib/Thing/Thing.camkes", kOwnThing);
    auto main = write("app.camkes", "import <Thing/Thing.camkes>;\n"
                                    "assembly { composition { component Thing t; } }\n");
    auto app = load(main);
    EXPECT_TRUE(app.merged.own_components.empty());
    EXPECT_EQ(adl::resolve(app.merged, {}).instance("t")->attribute("n")->value.integer, 3);
}

// Upstream's odroid_vm (an Odroid-XU app: its CMake adds -DKERNELARMPLATFORM_EXYNOS5410)
// connects the VM's clock, GPIO and PWM interfaces, which the VM declares on that board only.
TEST_F(Loader, TheVmHasTheExynos5410InterfacesOnThatBoardOnly) {
    auto main = write("app.camkes", "import <VM/VM.camkes>;\n");
    const auto interfaces = [&](std::vector<std::string> defines) {
        const std::string root = BULKHEAD_ROOT;
        adl::PreprocessorOptions cpp;
        cpp.include_dirs = {root + "/interfaces", root + "/components"};
        cpp.defines = std::move(defines);
        const auto app = adl::load_app(main, cpp);
        std::vector<std::string> names;
        for (const auto& c : app.merged.components) {
            if (c.name != "VM") continue;
            for (const auto& i : c.interfaces) {
                names.push_back(std::string(adl::ast::to_string(i.kind)) + " " + i.type + " " +
                                i.name);
            }
        }
        return names;
    };
    const auto has = [](const std::vector<std::string>& names, const std::string& name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    const auto odroid = interfaces({"KERNELARMPLATFORM_EXYNOS5410=1"});
    for (const char* i : {"uses pwm_inf pwm", "dataport Buf cmu_cpu", "dataport Buf cmu_top",
                          "dataport Buf gpio_right", "dataport Buf cmu_core"}) {
        EXPECT_TRUE(has(odroid, i)) << i;
    }
    const auto other = interfaces({"KERNELARMPLATFORM_EXYNOS5422=1"});
    EXPECT_FALSE(has(other, "dataport Buf cmu_cpu"));
    EXPECT_EQ(odroid.size(), other.size() + 5);
}

} // namespace
