// Host side: adds a FileServer instance to a system through the image API — its
// domain, thread, endpoint, archive region, configuration page — and connects clients
// (badged send capability + a dataport both domains map). The bulkhead tool calls it
// for every FileServer instance of an assembly.
#pragma once

#include "newc_archive.hpp"

#include <image/system_builder.hpp>

#include <string>
#include <vector>

namespace file_server_host {

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
    std::vector<ClientPort> server_side_; // dataport addresses in the server's domain
    bool finished_ = false;
};

} // namespace file_server_host
