// The FileServer component's RPC and configuration ABI, shared by the component, its
// clients (VM, test client) and the host program that describes the system. One
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

// A read-only page the host program writes into the FileServer's domain at kConfigAddr:
// where the archive and each client's dataport are mapped, and the clients' badges.
struct ServerConfig {
    static constexpr uint64_t kMagic = 0x31474643'53464842ull; // "BHFSCFG1"
    static constexpr uint32_t kMaxClients = 16;
    struct Client {
        uint64_t badge;
        uint64_t dataport_addr;
        uint64_t dataport_size;
    };
    uint64_t magic;
    uint64_t archive_addr;
    uint64_t archive_size;
    uint32_t endpoint_slot; // receive capability
    uint32_t client_count;
    Client clients[kMaxClients];
};

// Fixed addresses in the FileServer's own domain (components link at 0x400000).
inline constexpr uint64_t kConfigAddr = 0x10000000;
inline constexpr uint64_t kArchiveAddr = 0x20000000;
inline constexpr uint64_t kDataportsAddr = 0x30000000; // client i at + i * kDataportStride
inline constexpr uint64_t kDataportStride = 0x100000;
inline constexpr uint64_t kDefaultDataportSize = 0x40000; // 256 KiB per read

} // namespace file_server_rpc
