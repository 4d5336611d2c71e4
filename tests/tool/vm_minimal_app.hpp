// vm_minimal (and the small test apps) as the tool loads it (through cpp, with the library and
// platform include paths), shared by the tests that look at its model and its lowering.
#pragma once

#include "adl/loader.hpp"
#include "adl/resolver.hpp"

namespace tool_test {

// apps/<name>/<name>.camkes for the reference board, as bulkhead_app() has the tool load it.
inline adl::LoadedApp load_app(const std::string& name) {
    const std::string root = BULKHEAD_ROOT;
    adl::PreprocessorOptions cpp;
    cpp.include_dirs = {root + "/interfaces", root + "/components",
                        root + "/apps/" + name + "/" BULKHEAD_REFERENCE_BOARD,
                        root + "/apps/" + name};
    cpp.defines = {"KERNELARMPLATFORM_QEMU_ARM_VIRT=1"};
    return adl::load_app(root + "/apps/" + name + "/" + name + ".camkes", cpp);
}

inline adl::LoadedApp& vm_minimal_app() {
    static adl::LoadedApp loaded = load_app("vm_minimal");
    return loaded;
}

// An app under tests/tool/data/<name>/<name>.camkes, with the library include paths.
inline adl::LoadedApp load_test_app(const std::string& name) {
    const std::string root = BULKHEAD_ROOT;
    adl::PreprocessorOptions cpp;
    cpp.include_dirs = {root + "/interfaces", root + "/components"};
    return adl::load_app(root + "/tests/tool/data/" + name + "/" + name + ".camkes", cpp);
}

inline adl::model::System vm_minimal_system() {
    return adl::resolve(vm_minimal_app().merged, {BULKHEAD_REFERENCE_BOARD, BULKHEAD_PLATFORM_DTB});
}

} // namespace tool_test
