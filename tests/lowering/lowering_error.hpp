// The lowering tests' way to see a lowering refuse a system: the rendered error (file:line:
// column and text), or "no error".
#pragma once

#include <adl/diagnostic.hpp>
#include <image/board.hpp>
#include <lowering/lowering.hpp>

#include <string>

namespace tool_test {

inline std::string lowering_error(const adl::model::System& system) {
    image::SystemBuilder b(*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD));
    try {
        (void)lowering::lower_system(system, b, {});
    } catch (const adl::Error& e) {
        return adl::render(e);
    }
    return "no error";
}

} // namespace tool_test
