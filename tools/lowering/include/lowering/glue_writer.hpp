// The C++ glue of a component type, generated from its definition: the RPC client stubs
// and server dispatch of its procedure interfaces, and `Instance`, the typed view of the
// instance page the lowering writes into each instance's domain (capability slots,
// badges and buffers per interface, attribute values). It depends only on libs/base and
// libs/spec, so it compiles freestanding (components) and on the host (tests).
#pragma once

#include <adl/ast.hpp>

#include <string>
#include <vector>

namespace lowering {

// Throws adl::Error (at the parameter or field) for a type the glue cannot carry.
std::string write_glue(const adl::ast::Component& component,
                       const std::vector<adl::ast::Procedure>& procedures);

} // namespace lowering
