// Reader for "newc" CPIO archives (magic 070701/070702, the format of Linux initramfs and
// of the FileServer's archive). Every header field is checked against the archive's
// bounds, so truncated, corrupt or hostile archives end the walk with an error instead
// of a read outside the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace cpio {

struct Entry {
    std::string_view name;           // as stored, without the terminating NUL
    std::span<const std::byte> data; // the file's bytes inside the archive
    uint32_t mode = 0;

    [[nodiscard]] bool is_regular_file() const { return (mode & 0170000) == 0100000; }
};

enum class Error : uint8_t {
    Ok,
    End,       // the TRAILER!!! entry: a well-formed end
    Truncated, // the archive ends inside a header, name or file, or has no trailer
    BadMagic,  // not 070701/070702
    BadNumber, // a header field is not 8 hex digits
    BadName,   // empty, not NUL-terminated, NUL inside, or longer than kMaxName
};
[[nodiscard]] const char* to_string(Error error);

class NewcReader {
public:
    static constexpr std::size_t kHeaderSize = 110;
    static constexpr std::size_t kMaxName = 4096;

    explicit NewcReader(std::span<const std::byte> archive) : archive_(archive) {}

    // The next entry; once End or an error is returned, every later call returns it too.
    [[nodiscard]] Error next(Entry& out);

private:
    std::span<const std::byte> archive_;
    std::size_t offset_ = 0;
    Error state_ = Error::Ok;
};

// Looks `name` up (a leading "./" in the archive's names is ignored). Returns Ok and
// fills `out`, End when the name is not there, or the archive's error.
[[nodiscard]] Error find(std::span<const std::byte> archive, std::string_view name, Entry& out);

} // namespace cpio
