// Host helper for the guest-DTB system test: writes the guest DTB that build_guest_dtb
// makes from a platform DTB (qemu-arm-virt: RAM 0x40000000/512 MiB, PL011 passed
// through, GICD 0x8000000, GICC 0x8010000), so QEMU can boot Linux on it directly.
// Usage: make_guest_dtb <platform.dtb> <out.dtb> <hvc|smc> <bootargs>
#include <vmm/guest_dtb.hpp>

#include <arch/gic_v2.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s platform.dtb out.dtb hvc|smc bootargs\n", argv[0]);
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary | std::ios::ate);
    std::vector<std::byte> platform(in ? static_cast<std::size_t>(in.tellg()) : 0);
    in.seekg(0);
    in.read(reinterpret_cast<char*>(platform.data()),
            static_cast<std::streamsize>(platform.size()));
    const std::string bootargs = argv[4];
    const std::string_view passthrough[] = {"/pl011@9000000"};
    vmm::GuestDtbConfig config;
    config.ram = {base::GuestPhysAddr(0x40000000), 0x20000000};
    config.bootargs = bootargs;
    config.stdout_path = "/pl011@9000000";
    config.passthrough = passthrough;
    config.gicd = {base::GuestPhysAddr(0x8000000), arm::gicv2::gicd::kFrameSize};
    config.gicc = {base::GuestPhysAddr(0x8010000), arm::gicv2::gicc::kFrameSize};
    config.psci = std::string(argv[3]) == "smc" ? vmm::PsciConduit::Smc : vmm::PsciConduit::Hvc;
    std::vector<std::byte> out(64 * 1024);
    std::size_t size = 0;
    const vmm::DtbError e = vmm::build_guest_dtb(platform, config, out, size);
    if (e != vmm::DtbError::Ok) {
        std::fprintf(stderr, "make_guest_dtb: %s\n", vmm::to_string(e));
        return 1;
    }
    std::ofstream(argv[2], std::ios::binary)
        .write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(size));
    return 0;
}
