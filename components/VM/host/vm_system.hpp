// Host side: adds a VM instance to a system through the image API — the VMM's domain
// and thread, the guest domain (RAM mapped unity into it and into the VMM, passthrough
// devices, the GICV at the guest's GICC), the vCPU, its exit endpoint, passthrough IRQ
// handlers, the FileServer connection and the configuration page — from the values of
// the VM's CAmkES attributes. The bulkhead tool calls it for every VM instance.
#pragma once

#include <file_server_system.hpp>
#include <image/system_builder.hpp>

#include <string>
#include <vector>

namespace vm_host {

struct PassthroughDevice {
    std::string dtb_path;  // node the guest DTB keeps, e.g. "/pl011@9000000"
    base::PhysRange frame; // mapped 1:1 into the guest
};

// The attributes of one VM instance (upstream names where there are some).
struct VmDescription {
    std::string name = "vm0";
    // linux_address_config
    uint64_t linux_ram_base = 0, linux_ram_paddr_base = 0, linux_ram_size = 0;
    uint64_t linux_ram_offset = 0, dtb_addr = 0, initrd_max_size = 0, initrd_addr = 0;
    bool map_unity_ram = true;
    // linux_image_config
    std::string linux_name = "linux", dtb_name = "linux-dtb", initrd_name = "linux-initrd";
    std::string bootcmdline, stdout_path;
    std::vector<PassthroughDevice> passthrough; // dtb
    std::vector<uint32_t> irqs;                 // passed-through SPIs
    uint64_t gicd = 0x8000000, gicc = 0x8010000;
    uint32_t num_irqs = 96;
    uint32_t base_prio = 120; // VMM thread; its vCPU runs below it
    std::vector<std::string> modules;
    bool halt_on_unhandled_access = false;
    bool log_image_crcs = false; // test images: the VM logs each loaded image's CRC
};

// Adds the instance; the FileServer must not be finished yet.
void add_vm(image::SystemBuilder& sys, file_server_host::FileServerSystem& fs,
            const std::string& vm_elf, const VmDescription& vm);

} // namespace vm_host
