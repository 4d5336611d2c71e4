// A host file read whole (see file_bytes.hpp).
#include "image/file_bytes.hpp"

#include <fstream>
#include <stdexcept>

namespace image {

std::vector<uint8_t> file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error(path + ": cannot open");
    const std::streamoff size = in.tellg();
    if (size < 0) throw std::runtime_error(path + ": cannot read");
    std::vector<uint8_t> bytes(static_cast<std::size_t>(size));
    in.seekg(0);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
        throw std::runtime_error(path + ": cannot read");
    return bytes;
}

} // namespace image
