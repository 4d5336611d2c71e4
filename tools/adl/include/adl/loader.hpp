// Loads an application: preprocesses and parses the main file, follows `import`s
// (each file once, "x" relative to the importing file then the include path, <x>
// on the include path) and merges every declaration and assembly into one ast::File.
// A component the app declares itself whose type has its own definition file
// (`<Type>/<Type>.camkes` on the include path, not imported) gets that definition too, in
// ast::File::own_components: the type knows its own attributes, whatever the app declares.
#pragma once

#include "adl/ast.hpp"
#include "adl/preprocessor.hpp"

#include <string>
#include <vector>

namespace adl {

struct LoadedApp {
    ast::File merged;
    std::vector<std::string> files; // every file read, in load order
};

LoadedApp load_app(const std::string& main_file, const PreprocessorOptions& options);

} // namespace adl
