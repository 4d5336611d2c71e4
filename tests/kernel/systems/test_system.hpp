// Shared by the kernel system tests' host programs: argument handling
// (<kernel.elf> <out.elf> <component.elf>...) and error reporting around the
// image API.
#pragma once

#include <image/system_builder.hpp>

#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace test_system {

struct Args {
    std::string kernel;
    std::string out;
    std::vector<std::string> components;
};

// The reference board; run with the GIC version BULKHEAD_GIC_VERSION names when it is
// set (the build's GICv3 twins of the test images, bulkhead_kernel_system_image).
inline const image::Board& board() {
    static const image::Board b = [] {
        const char* v = std::getenv("BULKHEAD_GIC_VERSION");
        return image::BoardRegistry::checked(BULKHEAD_REFERENCE_BOARD,
                                             v == nullptr ? 0 : std::stoul(v));
    }();
    return b;
}

// The slot a capability landed in must be the one the component was built for.
inline void expect_slot(uint32_t got, uint32_t want) {
    if (got != want)
        throw std::runtime_error("capability landed in slot " + std::to_string(got) +
                                 ", component expects " + std::to_string(want));
}

// Runs `build` with the parsed arguments; prints errors; returns main's status.
inline int run(int argc, char** argv, size_t components,
               const std::function<void(const Args&)>& build) {
    if (argc < 3 + static_cast<int>(components)) {
        std::cerr << "usage: " << argv[0] << " <kernel.elf> <out.elf> <component.elf> x"
                  << components << "\n";
        return 2;
    }
    Args args{argv[1], argv[2], {}};
    for (int i = 3; i < argc; ++i)
        args.components.emplace_back(argv[i]);
    try {
        build(args);
    } catch (const std::exception& e) {
        std::cerr << argv[0] << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}

} // namespace test_system
