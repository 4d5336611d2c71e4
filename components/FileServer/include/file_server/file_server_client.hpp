// A FileServer connection for native components: the generated client of the component's
// FileServerInterface `uses` end (its glue's <iface>_client) over the runtime's IPC
// transport, with data in the connection's buffer. Implements vmm::FileSource, so the VM's
// loader reads its images through it. A call the server refused (or that never reached
// it) reads as "no such file" / a bad fd, never as success.
#pragma once

#include <fileserver/file_server.hpp>
#include <vmm/file_source.hpp>

#include <runtime/rpc_transport.hpp>

namespace file_server_rpc {

// GlueClient: the glue's fs_client<runtime::IpcTransport> of the using component.
template <template <class> class GlueClient> class FileServerClient final : public vmm::FileSource {
public:
    FileServerClient(runtime::EndpointCap ep, std::span<std::byte> buffer)
        : transport_(ep, buffer), client_(transport_), buffer_(buffer) {}

    [[nodiscard]] int64_t open(std::string_view name) override {
        return checked(client_.open(name, 0), fileserver::kNoEntry);
    }
    [[nodiscard]] int64_t read(int64_t fd, uint64_t size) override {
        return checked(client_.read(fd, size), fileserver::kBadFd);
    }
    [[nodiscard]] int64_t seek(int64_t fd, int64_t offset, int whence) override {
        return checked(client_.seek(fd, offset, whence), fileserver::kBadFd);
    }
    [[nodiscard]] int64_t close(int64_t fd) override {
        return checked(client_.close(fd), fileserver::kBadFd);
    }
    [[nodiscard]] std::span<const std::byte> dataport() const override { return buffer_; }

private:
    int64_t checked(int64_t result, int64_t refused) const {
        return client_.last_call_ok() ? result : refused;
    }

    runtime::IpcTransport transport_;
    GlueClient<runtime::IpcTransport> client_;
    std::span<std::byte> buffer_;
};

} // namespace file_server_rpc
