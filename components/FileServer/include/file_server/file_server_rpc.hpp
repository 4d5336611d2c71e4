// The FileServer component's RPC ABI, shared by the component, its clients (VM, test
// client) and its lowerer. One
// endpoint; the caller's badge names the client; bulk data (and open's name) travel
// through the client's dataport, a RAM region both domains map.
#pragma once

#include <cstdint>

namespace file_server_rpc {

// Request: MR0 = operation, MR1.. = arguments. Reply: MR0 = result (int64_t, >= 0 or
// a negative errno as fileserver::Status).
enum class Op : uint64_t {
    Open = 1,  // MR1 = name length (name at the start of the dataport), MR2 = flags
    Read = 2,  // MR1 = fd, MR2 = size; data at the start of the dataport
    Seek = 3,  // MR1 = fd, MR2 = offset, MR3 = whence
    Close = 4, // MR1 = fd
};

inline constexpr uint64_t kMaxNameLength = 4096;

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
