// kernel_vcpu_linux: Debian's Linux 6.1 on one vCPU. Guest RAM 0x40000000..0x60000000
// unity-mapped, with the Image (0x40200000), initrd and guest DTB put there by the
// image itself; the PL011 and its IRQ passed through; GICV at the guest's GICC; a
// minimal VMM (vcpu_linux_vmm.cpp) emulates the GICD and answers PSCI.
// Arguments after the VMM: <Image> <initrd> <guest.dtb>.
#include "components/vcpu_linux_slots.hpp"
#include "systems/test_system.hpp"

#include <fstream>
#include <iterator>

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 4, [&](const test_system::Args& a) {
        using namespace vcpu_linux;
        image::SystemBuilder sys(test_system::board());
        const auto guest = sys.add_domain("linux");
        // Pieces with contents start where the contents do (QEMU keeps its own DTB at
        // the RAM base, so no image segment may start there); the rest is plain RAM.
        struct Piece {
            const char* name;
            uint64_t base;
            uint64_t end;
            std::vector<uint8_t> contents;
        };
        Piece pieces[] = {
            {"linux-low", kRamBase, kImage, {}},
            {"linux-image", kImage, kInitrd, read_file(a.components[1])},
            {"linux-initrd", kInitrd, kDtb, read_file(a.components[2])},
            {"linux-dtb", kDtb, kRamBase + kRamSize, read_file(a.components[3])},
        };
        for (Piece& p : pieces) {
            const auto r = sys.add_ram_at(p.name, {base::PhysAddr{p.base}, p.end - p.base},
                                          std::move(p.contents));
            sys.map(guest, r, base::VirtAddr{p.base},
                    image::kRead | image::kWrite | image::kExecute);
        }
        const auto uart = sys.add_device("pl011", {base::PhysAddr{kUart}, 0x1000});
        sys.map(guest, uart, base::VirtAddr{kUart}, image::kRead | image::kWrite);
        sys.map_gicv(guest, base::GuestPhysAddr{kGicc});
        const auto exits = sys.add_endpoint("exits");
        const auto v = sys.add_vcpu(guest, {.name = "linux-vcpu0",
                                            .priority = 100,
                                            .exit_endpoint = exits,
                                            .entry = base::GuestPhysAddr{kImage},
                                            .arg = kDtb});
        const auto vmm = sys.add_domain("vmm");
        const auto vmm_entry = sys.load_elf(vmm, a.components[0]);
        const auto uart_note = sys.add_notification("uart");
        const auto uart_irq = sys.add_irq_handler(kUartIrq, uart_note, kUartBadge);
        test_system::expect_slot(sys.give_cap(vmm, image::endpoint_cap(exits, 0, spec::CapReceive)),
                                 kExitSlot);
        test_system::expect_slot(sys.give_cap(vmm, image::vcpu_cap(v)), kVcpuSlot);
        test_system::expect_slot(sys.give_cap(vmm, image::system_control_cap()), kPowerSlot);
        test_system::expect_slot(sys.give_cap(vmm, image::irq_handler_cap(uart_irq)), kUartIrqSlot);
        const auto t = sys.add_thread(
            vmm, {.name = "vmm", .priority = 150, .entry = vmm_entry, .stack_size = 64 * 1024});
        sys.bind_notification(t, uart_note);
        sys.pack(a.kernel, a.out);
    });
}
