// Runs the C preprocessor over an ADL file as CAmkES does, keeping cpp's line
// markers so the lexer can map every token back to its original file and line.
#pragma once

#include <string>
#include <vector>

namespace adl {

struct PreprocessorOptions {
    std::string program = "cpp";
    std::vector<std::string> include_dirs;
    std::vector<std::string> defines; // NAME or NAME=VALUE
};

// Preprocessed text of 'path'; throws adl::Error with cpp's message and location.
std::string preprocess(const std::string& path, const PreprocessorOptions& options);

} // namespace adl
