// newc CPIO writing: 110-byte ASCII header, NUL-terminated name, data, each padded to 4.
#include "newc_archive.hpp"

#include <cstdio>
#include <stdexcept>

namespace file_server_host {
namespace {

void append(std::vector<uint8_t>& out, uint32_t ino, const std::string& name,
            const std::vector<uint8_t>& data, uint32_t mode) {
    if (data.size() > 0xffffffffu) throw std::runtime_error(name + ": too large for newc");
    char header[111];
    std::snprintf(header, sizeof header,
                  "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode, 0u, 0u,
                  1u, 0u, static_cast<unsigned>(data.size()), 0u, 0u, 0u, 0u,
                  static_cast<unsigned>(name.size() + 1), 0u);
    const auto pad = [&] { out.resize((out.size() + 3) & ~std::size_t{3}, 0); };
    out.insert(out.end(), header, header + 110);
    out.insert(out.end(), name.begin(), name.end());
    out.push_back(0);
    pad();
    out.insert(out.end(), data.begin(), data.end());
    pad();
}

// Where a file's data would start if its entry were appended now.
std::size_t data_offset(std::size_t at, const std::string& name) {
    return (at + 110 + name.size() + 1 + 3) & ~std::size_t{3};
}

} // namespace

std::vector<uint8_t> newc_archive(const std::vector<ArchiveFile>& files) {
    std::vector<uint8_t> out;
    uint32_t ino = 1;
    for (const ArchiveFile& f : files) {
        // newc aligns data to 4 bytes only; an empty directory entry of 116 bytes
        // moves it to 8, so the FileServer's copies of it run a word at a time.
        if (data_offset(out.size(), f.name) % 8 != 0) append(out, ino++, "._pad", {}, 040555);
        append(out, ino++, f.name, f.data, 0100444);
    }
    append(out, 0, "TRAILER!!!", {}, 0);
    return out;
}

} // namespace file_server_host
