// The VM's side of the FileServer connection: the four RPCs and the shared dataport
// the data arrives in. The component glue implements it over the generated RPC stubs;
// host tests implement it over fileserver::FileServer directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace vmm {

class FileSource {
public:
    // As the FileServer protocol: >= 0 on success, a negative errno value on failure.
    [[nodiscard]] virtual int64_t open(std::string_view name) = 0;
    [[nodiscard]] virtual int64_t read(int64_t fd, uint64_t size) = 0; // into dataport()
    [[nodiscard]] virtual int64_t seek(int64_t fd, int64_t offset, int whence) = 0;
    [[nodiscard]] virtual int64_t close(int64_t fd) = 0;
    [[nodiscard]] virtual std::span<const std::byte> dataport() const = 0;

protected:
    ~FileSource() = default;
};

} // namespace vmm
