// The FileServer's protocol logic, independent of the RPC glue: clients open files of
// a CPIO archive by name, read them through their own shared dataport, seek and close.
// Every call names the caller by its endpoint badge, and every fd is checked against
// it, so no client can use (or learn about) another client's files.
#pragma once

#include <cpio/newc_reader.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace fileserver {

using Badge = uint64_t;

// Results are POSIX-style: >= 0 on success, a negative errno value on failure.
enum Status : int64_t {
    kNoEntry = -2,       // ENOENT: no regular file of that name
    kBadFd = -9,         // EBADF: not an fd this caller has open
    kAccess = -13,       // EACCES: unknown caller, or a write mode on the read-only archive
    kInvalid = -22,      // EINVAL: bad whence, negative or overflowing position
    kTooManyFiles = -24, // EMFILE: the open-file table is full
};

enum Whence : int { kSeekSet = 0, kSeekCur = 1, kSeekEnd = 2 };
constexpr int kOpenAccessMask = 3; // O_ACCMODE; only O_RDONLY (0) is served

class FileServer {
public:
    static constexpr std::size_t kMaxClients = 16;
    static constexpr std::size_t kMaxOpenFiles = 32;

    explicit FileServer(std::span<const std::byte> archive) : archive_(archive) {}

    // The glue registers each connected client's badge and dataport at start-up.
    [[nodiscard]] bool add_client(Badge badge, std::span<std::byte> dataport);

    [[nodiscard]] int64_t open(Badge caller, std::string_view name, int flags);
    // Copies up to `size` bytes (at most the dataport's size) from the fd's position to
    // the start of the caller's dataport; returns the count (0 at end of file).
    [[nodiscard]] int64_t read(Badge caller, int64_t fd, uint64_t size);
    [[nodiscard]] int64_t seek(Badge caller, int64_t fd, int64_t offset, int whence);
    [[nodiscard]] int64_t close(Badge caller, int64_t fd);

    [[nodiscard]] std::size_t open_files() const;

private:
    struct Client {
        Badge badge = 0;
        std::span<std::byte> dataport;
    };
    struct OpenFile {
        bool used = false;
        Badge owner = 0;
        std::span<const std::byte> data;
        uint64_t position = 0;
    };
    [[nodiscard]] const Client* client(Badge badge) const;
    [[nodiscard]] OpenFile* file(Badge caller, int64_t fd);

    std::span<const std::byte> archive_;
    std::array<Client, kMaxClients> clients_{};
    std::size_t client_count_ = 0;
    std::array<OpenFile, kMaxOpenFiles> files_{};
};

} // namespace fileserver
