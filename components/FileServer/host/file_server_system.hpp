// Host side of the FileServer: its configuration page (used by the lowerer the bulkhead
// tool runs for every FileServer instance, file_server_lowerer.cpp), and FileServerSystem,
// which builds a FileServer with hand-connected clients through the image API for the
// system tests that describe their systems in C++ (tests/vm).
#pragma once

#include "newc_archive.hpp"

#include <image/system_builder.hpp>

#include <string>
#include <vector>

namespace file_server_host {

// One caller as the server's configuration page lists it.
struct ServerClient {
    uint64_t badge;
    uint64_t dataport_addr; // in the server's domain
    uint64_t dataport_size;
};

// Writes the configuration page (file_server_rpc::ServerConfig) into `server`'s domain at
// kConfigAddr; the archive is expected at kArchiveAddr.
void add_config_page(image::SystemBuilder& sys, image::DomainId server, const std::string& name,
                     uint64_t archive_size, uint32_t endpoint_slot,
                     const std::vector<ServerClient>& clients);

struct ClientPort {
    uint32_t slot;          // the client's endpoint capability
    uint64_t badge;         // what the server sees
    uint64_t dataport_addr; // in the client's domain
    uint64_t dataport_size;
};

class FileServerSystem {
public:
    FileServerSystem(image::SystemBuilder& sys, const std::string& elf,
                     const std::vector<ArchiveFile>& files, uint32_t priority = 150);

    // Gives `client` a send capability (next free slot) with a fresh badge and a
    // dataport mapped read-write at `dataport_addr` in its domain.
    ClientPort connect(image::DomainId client, base::VirtAddr dataport_addr,
                       uint64_t dataport_size = 0x40000);

    // Writes the configuration page; call once, after the last connect().
    void finish();

    [[nodiscard]] image::DomainId domain() const { return domain_; }
    [[nodiscard]] uint64_t archive_size() const { return archive_size_; }

private:
    image::SystemBuilder& sys_;
    image::DomainId domain_;
    image::EndpointId endpoint_;
    uint32_t endpoint_slot_ = 0;
    uint64_t archive_size_ = 0;
    std::vector<ServerClient> server_side_;
    bool finished_ = false;
};

} // namespace file_server_host
