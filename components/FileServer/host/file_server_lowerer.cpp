// The FileServer component type's part of the lowering: its domain and thread, the CPIO
// archive of every file given to the tool (as upstream's AddToFileServer puts them all in
// one archive) mapped read-only, and its instance page, whose type blob says where the
// archive is (its endpoint and callers are the page's fs_ctrl interface).
#include "newc_archive.hpp"

#include <file_server/file_server_rpc.hpp>
#include <fileserver/file_server.hpp>
#include <lowering/native_component.hpp>

#include <adl/diagnostic.hpp>
#include <image/file_bytes.hpp>

#include <cstring>

namespace file_server_host {
namespace {

class FileServerLowerer final : public lowering::NativeComponent {
public:
    // Above the VMs' VMM threads, which wait on it at boot.
    static constexpr uint32_t kDefaultPriority = 150;
    static constexpr std::size_t kMaxClients = fileserver::FileServer::kMaxClients;

    void create(lowering::Context& context, const adl::model::Instance& instance,
                lowering::InstanceObjects& objects) override {
        create_thread(context, instance, objects,
                      static_cast<uint32_t>(instance.priority.value_or(kDefaultPriority)),
                      kStackSize);
    }

    void finish(lowering::Context& context, const adl::model::Instance& instance,
                lowering::InstanceObjects& objects) override {
        const lowering::InterfaceObjects* fs_ctrl = objects.interface("fs_ctrl");
        if (fs_ctrl == nullptr || !fs_ctrl->slot) {
            throw adl::Error(instance.where, "FileServer " + adl::quote(instance.name) +
                                                 ": fs_ctrl is not connected; expected a "
                                                 "seL4RPCDataport connection to it");
        }
        std::vector<ArchiveFile> files;
        for (const auto& [name, path] : context.inputs().files)
            files.push_back({name, image::file_bytes(path)});
        std::vector<uint8_t> archive = newc_archive(files);
        const uint64_t archive_size = archive.size();
        image::SystemBuilder& b = context.builder();
        const image::RegionId region =
            b.add_ram(instance.name + ":archive", archive_size, std::move(archive));
        b.map(objects.domain, region, base::VirtAddr{file_server_rpc::kArchiveAddr}, image::kRead);
        objects.mappings.push_back({"archive", file_server_rpc::kArchiveAddr, archive_size});

        if (fs_ctrl->buffers.size() > kMaxClients) {
            throw adl::Error(instance.where, "FileServer " + adl::quote(instance.name) + " has " +
                                                 std::to_string(fs_ctrl->buffers.size()) +
                                                 " clients; expected at most " +
                                                 std::to_string(kMaxClients));
        }
        const file_server_rpc::ArchiveLocation where{file_server_rpc::kArchiveAddr, archive_size};
        std::vector<uint8_t> blob(sizeof where);
        std::memcpy(blob.data(), &where, sizeof where);
        add_instance_page(context, instance, objects, blob);
    }
};

FileServerLowerer lowerer;
const lowering::ComponentRegistration registration{"FileServer", lowerer};

} // namespace
} // namespace file_server_host
