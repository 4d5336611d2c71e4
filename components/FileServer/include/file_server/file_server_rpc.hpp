// The FileServer component's ABI besides its generated RPC (FileServerInterface): where
// its lowerer puts the archive, shared by the component and its lowerer.
#pragma once

#include <cstdint>

namespace file_server_rpc {

// Where the archive is: the FileServer type's part of its instance page (the type blob,
// written by its lowerer). Its endpoint and each caller's badge and buffer come from the
// page's fs_ctrl interface, read through the generated glue.
struct ArchiveLocation {
    uint64_t addr;
    uint64_t size;
};

// Where the lowerer maps the archive in the FileServer's own domain.
inline constexpr uint64_t kArchiveAddr = 0x20000000;

} // namespace file_server_rpc
