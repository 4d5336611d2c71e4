// Semantic checks: binds instances to components, connections to interfaces and
// connectors, settings to attribute declarations (with defaults), evaluates dtb()
// queries and checks guest memory layouts and physical ownership.
#pragma once

#include "adl/ast.hpp"
#include "adl/system_model.hpp"

#include <string>

namespace adl {

struct ResolveOptions {
    std::string platform;
    std::string dtb_path; // platform DTB for dtb() queries; empty: a query is an error
    // The FileServer archive's names when an image is packed (--file); empty when only
    // checking. A VM's initrd address outside its RAM is an error only if one is packed.
    std::vector<std::string> packed_files;
};

// 'file' must outlive the returned model (the model points into it).
model::System resolve(const ast::File& file, const ResolveOptions& options);

} // namespace adl
