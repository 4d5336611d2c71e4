// A host file's bytes, read whole in one call: the build and the tools read system images
// and guest kernels of tens of MB (byte by byte, 35 MB took 2 s in a debug build).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace image {

// Throws std::runtime_error naming the file when it cannot be opened or read.
std::vector<uint8_t> file_bytes(const std::string& path);

} // namespace image
