// The loader: cpp runs over each file, imports are found ("x" next to the
// importer, <x> on the include path) and read once, and cpp's own errors come back
// as located adl::Errors.
#include "adl/loader.hpp"
#include "expect_error.hpp"

#include <gtest/gtest.h>

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

} // namespace
