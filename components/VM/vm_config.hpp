// The VM component's configuration page: the values of its CAmkES attributes
// (linux_address_config, linux_image_config, dtb passthrough, irqs, ...) plus the
// capability slots and addresses the system description gave it. The host program
// writes it into the VM's domain at kConfigAddr (read-only); the ADL tool's glue will
// write the same page from the assembly.
#pragma once

#include <cstdint>

namespace vm_config {

inline constexpr uint64_t kConfigAddr = 0x10000000;
inline constexpr uint64_t kFsDataportAddr = 0x20000000;

struct PassthroughIrq {
    uint32_t irq;      // INTID, the same for guest and machine
    uint32_t ack_slot; // IrqHandler capability (IrqAck after the guest's EOI)
    uint64_t badge;    // notification bit it signals on the VMM's bound notification
};

struct Config {
    static constexpr uint64_t kMagic = 0x31474643'4d564842ull; // "BHVMCFG1"
    static constexpr unsigned kMaxPassthrough = 4;
    static constexpr unsigned kMaxIrqs = 8;
    static constexpr unsigned kMaxModules = 8;

    uint64_t magic;
    // linux_address_config (upstream's seven fields).
    uint64_t linux_ram_base;
    uint64_t linux_ram_paddr_base;
    uint64_t linux_ram_size;
    uint64_t linux_ram_offset;
    uint64_t dtb_addr;
    uint64_t initrd_max_size;
    uint64_t initrd_addr;
    uint32_t map_unity_ram;            // 1: guest RAM IPA == PA
    uint32_t halt_on_unhandled_access; // 0: inject a data abort (the default)
    uint32_t log_image_crcs;           // 1: log size + CRC of each image read back (tests)
    uint32_t reserved0;
    uint64_t vmm_ram_addr; // where guest RAM is mapped in the VMM's own domain
    // linux_image_config.
    char linux_name[32];
    char dtb_name[32];
    char initrd_name[32];
    char bootargs[256];
    char stdout_path[64];
    // dtb passthrough paths.
    uint32_t passthrough_count;
    uint32_t num_irqs; // emulated distributor size (multiple of 32)
    char passthrough[kMaxPassthrough][64];
    // The guest's GIC view.
    uint64_t gicd_base;
    uint64_t gicc_base;
    uint64_t gicc_size;
    // Modules to start (by name), and passed-through interrupts.
    uint32_t module_count;
    uint32_t irq_count;
    char modules[kMaxModules][32];
    PassthroughIrq irqs[kMaxIrqs];
    // Capability slots and the FileServer connection.
    uint32_t fs_slot;
    uint32_t power_slot;
    uint32_t vcpu_slot;
    uint32_t exit_slot; // the exit endpoint (receive); the IRQ notification is bound
    uint64_t fs_dataport_addr;
    uint64_t fs_dataport_size;
};

} // namespace vm_config
