// A FileServer connection for native components: the four RPCs over the client's
// endpoint capability, data through its dataport. Implements vmm::FileSource, so the
// VM's loader reads its images through it.
#pragma once

#include <file_server/file_server_rpc.hpp>
#include <vmm/file_source.hpp>

#include <runtime/capabilities.hpp>

namespace file_server_rpc {

class FileServerClient final : public vmm::FileSource {
public:
    FileServerClient(runtime::EndpointCap ep, std::span<std::byte> dataport)
        : ep_(ep), dataport_(dataport) {}

    [[nodiscard]] int64_t open(std::string_view name) override;
    [[nodiscard]] int64_t read(int64_t fd, uint64_t size) override;
    [[nodiscard]] int64_t seek(int64_t fd, int64_t offset, int whence) override;
    [[nodiscard]] int64_t close(int64_t fd) override;
    [[nodiscard]] std::span<const std::byte> dataport() const override { return dataport_; }

private:
    int64_t call(Op op, uint64_t a1, uint64_t a2 = 0, uint64_t a3 = 0);

    runtime::EndpointCap ep_;
    std::span<std::byte> dataport_;
};

} // namespace file_server_rpc
