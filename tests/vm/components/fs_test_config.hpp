// file_server_reads: the test client's configuration page (written by the host program
// into each client's domain at kConfigAddr): its connection, its role and the files
// with the sizes and CRCs the host computed.
#pragma once

#include <cstdint>

namespace fs_test {

inline constexpr uint64_t kConfigAddr = 0x10000000;
inline constexpr uint64_t kDataportAddr = 0x20000000;

enum class Role : uint32_t {
    Holder = 1,  // opens the first file, keeps it open and exits
    Checker = 2, // foreign/bad fds, then every file's size and CRC, then powers off
};

struct Config {
    static constexpr uint64_t kMagic = 0x31545354'53464842ull; // "BHFSTST1"
    static constexpr uint32_t kMaxFiles = 4;
    struct File {
        char name[32];
        uint64_t size;
        uint32_t crc;
        uint32_t pad;
    };
    uint64_t magic;
    uint32_t role;
    uint32_t fs_slot;
    uint32_t power_slot; // checker only
    uint32_t file_count;
    uint64_t dataport_addr;
    uint64_t dataport_size;
    File files[kMaxFiles];
};

} // namespace fs_test
