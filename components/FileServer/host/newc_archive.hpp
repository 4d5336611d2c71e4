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

} // namespace file_server_host
