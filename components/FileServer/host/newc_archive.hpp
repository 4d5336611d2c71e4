// Host side: writes a newc CPIO archive (what cpio -H newc writes) from named files,
// for the FileServer's read-only archive region.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace file_server_host {

struct ArchiveFile {
    std::string name;
    std::vector<uint8_t> data;
};

[[nodiscard]] std::vector<uint8_t> newc_archive(const std::vector<ArchiveFile>& files);

// Reads a whole file; throws std::runtime_error naming it if it cannot.
[[nodiscard]] std::vector<uint8_t> read_file(const std::string& path);

} // namespace file_server_host
