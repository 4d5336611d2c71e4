// FileServer instance description (see file_server_system.hpp).
#include "file_server_system.hpp"

#include <file_server/file_server_rpc.hpp>

#include <cstring>
#include <stdexcept>

namespace file_server_host {

using file_server_rpc::ServerConfig;

FileServerSystem::FileServerSystem(image::SystemBuilder& sys, const std::string& elf,
                                   const std::vector<ArchiveFile>& files, uint32_t priority)
    : sys_(sys), domain_(sys.add_domain("fileserver")), endpoint_(sys.add_endpoint("fs_ctrl")) {
    std::vector<uint8_t> archive = newc_archive(files);
    archive_size_ = archive.size();
    const uint64_t region_size = archive.size();
    const image::RegionId region =
        sys.add_ram("fileserver:archive", region_size, std::move(archive));
    sys.map(domain_, region, base::VirtAddr{file_server_rpc::kArchiveAddr}, image::kRead);
    endpoint_slot_ = sys.give_cap(domain_, image::endpoint_cap(endpoint_, 0, spec::CapReceive));
    sys.add_thread(
        domain_, {.name = "fileserver", .priority = priority, .entry = sys.load_elf(domain_, elf)});
}

ClientPort FileServerSystem::connect(image::DomainId client, base::VirtAddr dataport_addr,
                                     uint64_t dataport_size) {
    if (finished_) throw std::runtime_error("FileServer: connect() after finish()");
    const auto index = static_cast<uint32_t>(server_side_.size());
    if (index >= ServerConfig::kMaxClients)
        throw std::runtime_error("FileServer: too many clients");
    const uint64_t badge = index + 1; // 0 would be indistinguishable from an unbadged cap
    const uint64_t server_addr =
        file_server_rpc::kDataportsAddr + index * file_server_rpc::kDataportStride;
    if (dataport_size == 0 || dataport_size > file_server_rpc::kDataportStride)
        throw std::runtime_error("FileServer: dataport size out of range");
    const image::RegionId port =
        sys_.add_ram("fileserver:dataport" + std::to_string(index), dataport_size);
    sys_.map(domain_, port, base::VirtAddr{server_addr}, image::kRead | image::kWrite);
    sys_.map(client, port, dataport_addr, image::kRead | image::kWrite);
    const uint32_t slot =
        sys_.give_cap(client, image::endpoint_cap(endpoint_, badge, spec::CapSend));
    server_side_.push_back({badge, server_addr, dataport_size});
    return {slot, badge, dataport_addr.raw(), dataport_size};
}

void add_config_page(image::SystemBuilder& sys, image::DomainId server, const std::string& name,
                     uint64_t archive_size, uint32_t endpoint_slot,
                     const std::vector<ServerClient>& clients) {
    if (clients.size() > ServerConfig::kMaxClients)
        throw std::runtime_error("FileServer " + name + ": too many clients");
    ServerConfig config{};
    config.magic = ServerConfig::kMagic;
    config.archive_addr = file_server_rpc::kArchiveAddr;
    config.archive_size = archive_size;
    config.endpoint_slot = endpoint_slot;
    config.client_count = static_cast<uint32_t>(clients.size());
    for (std::size_t i = 0; i < clients.size(); ++i)
        config.clients[i] = {clients[i].badge, clients[i].dataport_addr, clients[i].dataport_size};
    std::vector<uint8_t> page(sizeof config);
    std::memcpy(page.data(), &config, sizeof config);
    const image::RegionId r = sys.add_ram(name + ":config", sizeof config, std::move(page));
    sys.map(server, r, base::VirtAddr{file_server_rpc::kConfigAddr}, image::kRead);
}

void FileServerSystem::finish() {
    if (finished_) throw std::runtime_error("FileServer: finish() twice");
    finished_ = true;
    add_config_page(sys_, domain_, "fileserver", archive_size_, endpoint_slot_, server_side_);
}

} // namespace file_server_host
