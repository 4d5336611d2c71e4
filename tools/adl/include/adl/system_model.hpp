// The resolved system: what the assembly means once every name is bound, every
// attribute typed and defaulted, every dtb() query evaluated and every address
// checked. Outputs (report, picture, glue, kernel spec) are written from this alone.
#pragma once

#include "adl/ast.hpp"
#include "adl/value.hpp"

#include <base/address.hpp>
#include <vmm/guest_ram_layout.hpp>

#include <optional>
#include <string>
#include <vector>

namespace adl::model {

struct Attribute {
    std::string name;
    Value value;
    const ast::AttributeDecl* declaration = nullptr; // null for built-in attributes
    bool from_default = false;
};

// A setting accepted for compatibility that changes nothing in Bulkhead.
struct NoEffectAttribute {
    std::string instance;
    std::string attribute;
    Value value;
    std::string reason;
};

// A VM, from linux_address_config / linux_image_config / num_vcpus: the tool's one model
// of it. The VM type's lowerer writes it into the VM's binary configuration
// (vmm/vm_config.hpp); the layout is the VMM's own rule (vmm/guest_ram_layout.hpp).
struct VmConfig {
    vmm::LinuxAddressConfig address; // the numbers (initrd_max_size 0: unbounded)
    vmm::GuestRamLayout layout;      // what guest_ram_layout() made of them
    bool unity = false;              // guest-physical == physical (map_unity_ram)
    std::string linux_name, dtb_name, initrd_name;
    std::string bootargs;
    std::string stdout_path;
    uint32_t num_vcpus = 1;
    // vcpu_affinity (Bulkhead's): the core of each vCPU, num_vcpus of them, each with
    // where it was written (the lowering checks them against the board). Empty: vCPU i
    // on core (_affinity + i) mod the board's CPU count (vm_lowerer.cpp).
    struct VcpuCore {
        uint32_t core = 0;
        SourceLocation where;
    };
    std::vector<VcpuCore> vcpu_affinity;
    bool provide_initrd = true; // vm_image_config.provide_initrd (the current dialect)
    // plat_keep_devices / plat_keep_devices_and_subtree: nodes the guest DTB keeps with
    // no device behind them (clocks, firmware); where each was written.
    struct KeptNode {
        std::string path;
        bool subtree = false;
        SourceLocation where;
    };
    std::vector<KeptNode> keep_nodes;
    // allow_smc: the VMM may pass the guest's firmware calls to the secure firmware (its
    // VMM gets a Firmware capability); allowed_smc_functions: the function IDs it passes
    // (without a list, a board module such as zynqmp_smc brings its own).
    bool allow_smc = false;
    std::vector<uint32_t> allowed_smc_functions;
    // The layout rule's complaint about the initrd alone (address outside RAM, ...), with
    // where it points; the resolver makes it an error if an initrd is packed, else a warning.
    std::string initrd_defect;
    SourceLocation initrd_where;
    // Settings of the VM's configuration read and given no effect (kernel_entry_addr), for
    // the report's list.
    std::vector<NoEffectAttribute> no_effect;
};

struct Instance {
    std::string name;
    const ast::Component* component = nullptr;
    std::vector<Attribute> attributes;
    std::optional<VmConfig> vm;
    std::optional<int64_t> priority;
    std::optional<int64_t> affinity; // <instance>._affinity: the CPU its threads run on
    std::optional<uint64_t> heap_size;
    // A VM with more sources than its bound notification's 64 bits: its passed-through
    // IRQs go to chained words, each raising this bit of the bound one (word k: [k - 1]).
    std::vector<uint64_t> irq_words;
    SourceLocation where;

    [[nodiscard]] const Attribute* attribute(std::string_view name) const;
};

enum class ConnectionKind {
    Rpc,
    Event,
    SharedMemory,
    DtbPassthrough,
    DeviceMemory,
    DeviceInterrupt
};

struct End {
    std::string instance;
    std::string interface;
    const ast::Interface* declaration = nullptr;
    // From-ends only. RPC: the caller's badge (1, 2, ... per connection), so a server
    // tells its clients apart. Events: the bit this sender sets in the receiving
    // instance's one bound notification (unique per receiving instance). Virtqueues: the
    // bit of this end's own instance that the other end signals.
    uint64_t badge = 0;
    // From-ends of a connector whose server signals its callers (signals_callers_of): the bit
    // in this caller's bound notification the server sets.
    uint64_t signal = 0;
    // From-ends of a connector whose callers wake the server (wakes_server_from): the bit in the
    // server's bound notification this caller sets.
    uint64_t wake = 0;
};

struct Connection {
    std::string name;
    std::string connector;
    ConnectionKind kind = ConnectionKind::Rpc;
    std::vector<End> from;
    std::vector<End> to;
    std::string type;          // procedure or event type shared by the ends
    uint64_t shared_bytes = 0; // the buffer of seL4RPCDataport / seL4SharedData / virtqueues
    // `<connection>.paddr`: the buffer is this physical memory rather than fresh RAM.
    std::optional<uint64_t> paddr;
    SourceLocation paddr_where;
    SourceLocation where;
};

enum class RegionKind { GuestRam, Device };

struct MemoryRegion {
    std::string owner; // instance
    RegionKind kind = RegionKind::Device;
    base::PhysRange phys;
    base::GuestPhysRange guest;
    std::string source; // the device-tree node or attribute it comes from
    SourceLocation where;
};

struct Irq {
    std::string owner;
    uint32_t number = 0; // GIC interrupt ID (SPI + 32, PPI + 16)
    bool level = true;
    // Bit in the owner's bound notification (word 0), or in its chained word `word` (1, 2,
    // ...: Instance::irq_words) when the owner receives more than one word holds.
    uint64_t badge = 0;
    std::string source;
    SourceLocation where;
    std::string interface; // seL4HardwareInterrupt: the owner's `consumes` end; else empty
    uint32_t word = 0;
};

struct System {
    std::string platform;
    const ast::File* definitions = nullptr; // procedures and components, for glue
    std::vector<Instance> instances;
    std::vector<Connection> connections;
    std::vector<MemoryRegion> regions;
    std::vector<Irq> irqs;
    std::vector<NoEffectAttribute> no_effect;
    std::vector<std::string> warnings;

    [[nodiscard]] const Instance* instance(std::string_view name) const;
    // Badge bits that mean an event arrived on 'instance'.'interface' (a consumes end).
    [[nodiscard]] uint64_t event_mask(std::string_view instance, std::string_view interface) const;
};

const char* to_string(ConnectionKind kind);
const char* to_string(RegionKind kind);

} // namespace adl::model
