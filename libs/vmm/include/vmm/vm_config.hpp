// The VM component's configuration: the one binary form of a VM the VMM reads. The VM
// type's lowerer (components/VM/host) writes it, from the tool's model of the VM, into
// the type blob of the VM's instance page; the VMM opens it with VmConfigView, which
// checks the magic, the version and that every string and table lies inside it.
// Versioned, with variable-length tables: no fixed maximum of devices or IRQs here.
#pragma once

#include <vmm/guest_ram_layout.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace vmm::vm_config {

inline constexpr char kMagic[8] = {'B', 'H', 'V', 'M', 'C', 'F', 'G', 'A'};
inline constexpr uint32_t kVersion = 11; // 9: firmware calls, chained IRQ words, crossvm;
                                         // 10: forwarded devices; 11: TLB ballast

struct StringRef {
    uint32_t offset; // from the start of the configuration
    uint32_t length;
};
struct TableRef {
    uint32_t offset;
    uint32_t count;
};

struct PassthroughIrq {
    uint32_t irq;      // INTID, the same for guest and machine
    uint32_t ack_slot; // IrqHandler capability (IrqAck after the guest's EOI)
    uint64_t badge;    // the bit it sets in the VMM's bound notification, or in word `word`
    uint32_t word;     // 0: the bound notification; k: the chained word irq_words[k - 1]
    uint32_t reserved;
};

// A chained notification word (more passed-through IRQs than the bound word holds): the
// kernel raises `badge` in the bound notification; the VMM polls the word through `slot`.
struct IrqWord {
    uint32_t slot; // Notification capability (receive: Poll)
    uint32_t reserved;
    uint64_t badge;
};

// A device-tree node the guest DTB keeps without a device (plat_keep_devices*).
struct KeptNode {
    StringRef path;
    uint32_t subtree; // 1: with everything below it
    uint32_t reserved;
};

struct Vcpu {
    uint32_t slot; // Vcpu capability
    uint32_t reserved;
};

// A port of the VM's virtual switch (vswitch_layout): frames for `mac` leave through the
// VM's connection `send` and frames from there arrive through `recv`.
struct SwitchPort {
    uint8_t mac[6];
    uint8_t reserved[2];
    StringRef send;
    StringRef recv;
};

// A cross-VM link (seL4SharedDataWithCaps to a dataport of the VM; the `crossvm` device):
// the dataport's frames, which the VMM also maps at vmm_addr, a movable mapping of them into
// the guest (its Mapping capability), and the VM's events that go with it.
struct CrossvmLink {
    StringRef dataport;    // the VM's dataport interface
    StringRef emits;       // the event the guest's doorbell emits; empty: none
    StringRef consumes;    // the event that raises the function's interrupt; empty: none
    uint32_t mapping_slot; // Mapping capability (MappingMove)
    uint32_t emit_slot;    // notification capability the doorbell signals; 0: none
    uint64_t vmm_addr;     // the frames in the VMM's address space
    uint64_t size;         // bytes of frames
    uint64_t consume_bits; // bits of the VMM's notification that mean the event arrived
};

// A device page forwarded to a native component (device_fwd): guest accesses to
// [guest_base, guest_base + size) become calls on the VM's interface `interface`.
struct ForwardedDevice {
    StringRef interface;
    uint32_t slot; // the server's endpoint (call)
    uint32_t reserved;
    uint64_t guest_base;
    uint64_t size;
};

struct Header {
    char magic[8];
    uint32_t version;
    uint32_t size; // of the whole configuration
    LinuxAddressConfig address;
    uint32_t map_unity_ram;            // 1: guest RAM IPA == PA
    uint32_t halt_on_unhandled_access; // 0: inject a data abort (the default)
    uint32_t log_image_crcs;           // 1: log size + CRC of each image read back (tests)
    uint32_t num_irqs;                 // emulated distributor size (multiple of 32)
    uint64_t vmm_ram_addr;             // where guest RAM is mapped in the VMM's domain
    uint64_t gicd_base;                // the guest's GIC view
    uint64_t gicc_base;                // GICv2: its GICC (the GICV); GICv3: the redistributors
    uint64_t gicc_size;
    // Guest-physical range the VMM's devices take their register windows from: free of
    // guest RAM, passed-through devices and the GIC frames (chosen by the lowerer).
    uint64_t device_window_base;
    uint64_t device_window_size;
    // The virtual PCI host bridge's ECAM and memory window (vmm::PciHost), below 4 GiB and
    // clear of the device window too; chosen with it.
    uint64_t pci_window_base;
    uint64_t pci_window_size;
    StringRef linux_name, dtb_name, initrd_name, bootargs, stdout_path; // linux_image_config
    TableRef passthrough;    // StringRef: device-tree paths the guest DTB keeps
    TableRef irqs;           // PassthroughIrq
    TableRef vcpus;          // Vcpu
    TableRef modules;        // StringRef: VMM modules to start, by name
    uint32_t exit_slot;      // the vCPUs' exit endpoint (receive); the notification is bound
    uint32_t power_slot;     // SystemControl
    uint32_t gic_version;    // 2 or 3: the vGIC the guest gets (the board's GIC)
    uint32_t firmware_slot;  // Firmware (allow_smc); 0: the VM has no way to the firmware
    TableRef keep;           // KeptNode
    uint8_t vswitch_mac[6];  // the guest's MAC on the switch (vswitch_mac_address) ...
    uint8_t has_vswitch_mac; // ... when 1
    uint8_t vswitch_reserved;
    TableRef vswitch_ports; // SwitchPort
    // Where the VMM sees a word every VM of the system shares: how many VMs still run. A VM
    // whose guest powers off takes itself off; the last one powers the system off.
    uint64_t running_vms_addr;
    TableRef smc_allowed; // uint32_t SMCCC function IDs passed to the firmware
    TableRef irq_words;   // IrqWord
    TableRef crossvm;     // CrossvmLink
    TableRef forwards;    // ForwardedDevice
    // Pages of guest RAM (from its start) the VMM reads before it blocks, for QEMU's TLB
    // (vmm::SoftTlbBallast; boards with image::Board::soft_tlb_ballast); 0: none.
    uint32_t soft_tlb_ballast_pages;
    uint32_t reserved_end;
};

// What the VMM holds at most (arrays in static storage); the VM's lowerer refuses more
// at build time, naming the attribute.
inline constexpr unsigned kMaxPassthrough = 128; // upstream's exynos5422 files list ~70 nodes
inline constexpr unsigned kMaxIrqs = 256;        // the kernel's IRQ handler table
inline constexpr unsigned kMaxIrqWords = 4;      // chained notification words of 64 IRQs
inline constexpr unsigned kMaxVcpus = 8;         // the GICv2 target list; vPSCI and the vGIC too
inline constexpr unsigned kMaxModules = 8;
inline constexpr unsigned kMaxKept = 64;       // upstream's zcu102 files keep 12
inline constexpr unsigned kMaxSwitchPorts = 4; // each port holds a frame buffer (64 KiB)
inline constexpr unsigned kMaxSmcAllowed = 64; // upstream's zcu102 files allow 28
inline constexpr unsigned kMaxCrossvm = 8;     // one PCI function each on the host bridge
inline constexpr unsigned kMaxForwards = 8;    // forwarded device ranges

class View {
public:
    // False if `bytes` is not a configuration of this version or anything in it points
    // outside it.
    [[nodiscard]] bool open(std::span<const std::byte> bytes);

    [[nodiscard]] const Header& header() const { return header_; }
    [[nodiscard]] std::string_view string(StringRef s) const;
    [[nodiscard]] std::string_view passthrough(uint32_t i) const;
    [[nodiscard]] PassthroughIrq irq(uint32_t i) const;
    [[nodiscard]] Vcpu vcpu(uint32_t i) const;
    [[nodiscard]] std::string_view module(uint32_t i) const;
    [[nodiscard]] KeptNode kept(uint32_t i) const;
    [[nodiscard]] SwitchPort switch_port(uint32_t i) const;
    [[nodiscard]] uint32_t smc_allowed(uint32_t i) const;
    [[nodiscard]] IrqWord irq_word(uint32_t i) const;
    [[nodiscard]] CrossvmLink crossvm(uint32_t i) const;
    [[nodiscard]] ForwardedDevice forward(uint32_t i) const;

private:
    [[nodiscard]] bool fits(uint32_t offset, uint64_t bytes) const;
    template <class T> [[nodiscard]] T record(TableRef t, uint32_t i) const;

    std::span<const std::byte> bytes_;
    Header header_{};
};

} // namespace vmm::vm_config
