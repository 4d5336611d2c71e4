// file_server_reads: the FileServer component serving the build's guest images to two
// native test clients (holder, checker); the host computes each file's size and CRC
// and hands them to the checker through its configuration page.
// Arguments: <kernel.elf> <out.elf> <fs_test_client.elf> <FileServer.elf>
//            <linux> <linux-dtb> <linux-initrd>
#include "components/fs_test_config.hpp"

#include <file_server_system.hpp>
#include <spec/crc32.hpp>

#include <cstring>
#include <iostream>

namespace {

const image::Board& board() {
    const image::Board* b = image::BoardRegistry::find("qemu-arm-virt");
    if (b == nullptr) throw std::runtime_error("board qemu-arm-virt not registered");
    return *b;
}

image::DomainId add_client(image::SystemBuilder& sys, file_server_host::FileServerSystem& fs,
                           const std::string& elf, fs_test::Role role, uint32_t priority,
                           const std::vector<file_server_host::ArchiveFile>& files) {
    const char* name = role == fs_test::Role::Holder ? "holder" : "checker";
    const image::DomainId d = sys.add_domain(name);
    const auto port = fs.connect(d, base::VirtAddr{fs_test::kDataportAddr});
    fs_test::Config c{};
    c.magic = fs_test::Config::kMagic;
    c.role = static_cast<uint32_t>(role);
    c.fs_slot = port.slot;
    c.dataport_addr = port.dataport_addr;
    c.dataport_size = port.dataport_size;
    if (role == fs_test::Role::Checker) c.power_slot = sys.give_cap(d, image::system_control_cap());
    c.file_count = static_cast<uint32_t>(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::strncpy(c.files[i].name, files[i].name.c_str(), sizeof c.files[i].name - 1);
        c.files[i].size = files[i].data.size();
        spec::Crc32 crc;
        crc.add(files[i].data.data(), files[i].data.size());
        c.files[i].crc = crc.value();
    }
    std::vector<uint8_t> page(sizeof c);
    std::memcpy(page.data(), &c, sizeof c);
    const auto r = sys.add_ram(std::string(name) + ":config", sizeof c, std::move(page));
    sys.map(d, r, base::VirtAddr{fs_test::kConfigAddr}, image::kRead);
    sys.add_thread(d, {.name = name, .priority = priority, .entry = sys.load_elf(d, elf)});
    return d;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 8) {
        std::cerr
            << "usage: " << argv[0]
            << " <kernel.elf> <out.elf> <client.elf> <FileServer.elf> <linux> <dtb> <initrd>\n";
        return 2;
    }
    try {
        const std::vector<file_server_host::ArchiveFile> files = {
            {"linux", file_server_host::read_file(argv[5])},
            {"linux-dtb", file_server_host::read_file(argv[6])},
            {"linux-initrd", file_server_host::read_file(argv[7])},
        };
        image::SystemBuilder sys(board());
        file_server_host::FileServerSystem fs(sys, argv[4], files);
        add_client(sys, fs, argv[3], fs_test::Role::Holder, 60, files);
        add_client(sys, fs, argv[3], fs_test::Role::Checker, 50, files);
        fs.finish();
        sys.pack(argv[1], argv[2]);
    } catch (const std::exception& e) {
        std::cerr << argv[0] << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
