// The VM component type's part of the lowering: the VMM's domain and thread, the guest's
// address space (RAM, passed-through devices, the GICV at the guest's GICC), the vCPU and
// its exit endpoint, passed-through IRQs on the VMM's bound notification, and the VM's
// configuration page, written from the instance's resolved attributes and the slots the
// connections gave it: its binary configuration (vmm/vm_config.hpp) in its instance
// page's type blob, next to its interfaces (the FileServer connection, `fs`).
#include <vmm/vm_config_writer.hpp>

#include <crossvm/crossvm_function.hpp>

#include <arch/gic_v2.hpp>
#include <spec/instance_page.hpp>
#include <spec/system_spec.hpp>
#include <vmm/soft_tlb_ballast.hpp>
#include <vmm/vgic_distributor.hpp>
#include <vmm/vgic_redistributors.hpp>
#include <vmm/vgic_v3_distributor.hpp>

#include <lowering/native_component.hpp>

#include <adl/diagnostic.hpp>
#include <adl/nearest_name.hpp>
#include <adl/number_format.hpp>
#include <virtio/ethernet.hpp>
#include <vmm/device.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>

namespace vm_host {
namespace {

using adl::model::Instance;
using lowering::Context;
using lowering::InstanceObjects;

constexpr uint64_t kVmmStack = uint64_t{64} * 1024;
constexpr uint64_t kGiccSize = arm::gicv2::gicc::kFrameSize; // the GICV frame mapped there
constexpr uint32_t kEmulatedIrqs = 96;                       // distributor size (multiple of 32)
// The VMM's devices' register windows (virtio-mmio: 0x200 bytes each) share one 64 KiB
// window, so a guest with 64 KiB pages can map each on its own too.
constexpr uint64_t kDeviceWindowSize = uint64_t{64} * 1024;
// The PCI host bridge's: bus 0's 1 MiB ECAM and a 1 MiB memory window for BARs, below
// 4 GiB (32-bit BARs).
constexpr uint64_t kPciWindowSize = vmm::PciHost::kEcamSize * 2;
constexpr uint64_t kPciWindowLimit = uint64_t{1} << 32;
// Where every VMM maps the system's count of running VMs (next to its instance page).
constexpr uint64_t kRunningVmsAddr = spec::instance::kInstancePageAddr + (uint64_t{1} << 20);
constexpr uint64_t kRunningVmsSize = 4096;
constexpr const char* kRunningVmsRegion = "vms:running";

int64_t integer(const Instance& inst, std::string_view name, int64_t fallback) {
    const adl::model::Attribute* a = inst.attribute(name);
    return a != nullptr && a->value.kind == adl::Value::Kind::Integer ? a->value.integer : fallback;
}

// No initrd when the assembly says so (provide_initrd) or when its address is one the
// resolver only warned about because none is packed: the VMM then checks no initrd.
bool loads_initrd(const adl::model::VmConfig& cfg) {
    return cfg.provide_initrd && cfg.initrd_defect.empty();
}

// CMake's truth: ON, YES, TRUE, Y or a number other than 0 (any case).
bool cmake_true(std::string value) {
    for (char& c : value)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (value == "ON" || value == "YES" || value == "TRUE" || value == "Y") return true;
    char* end = nullptr;
    const double number = std::strtod(value.c_str(), &end);
    return !value.empty() && end == value.c_str() + value.size() && number != 0;
}

// The modules the app's build settings start in a VM that names none: each linked device
// type whose upstream CMake option (DeviceType::upstream_option) is set true, as upstream's
// options link them into every VM of the build.
std::vector<std::string> modules_from_settings(const std::map<std::string, std::string>& settings) {
    std::vector<std::string> names;
    for (const vmm::DeviceType* t : vmm::linked_device_types()) {
        if (t->upstream_option == nullptr) continue;
        const auto it = settings.find(t->upstream_option);
        if (it != settings.end() && cmake_true(it->second)) names.emplace_back(t->name);
    }
    std::sort(names.begin(), names.end()); // link order is the linker's
    return names;
}

// The VMM modules (devices) the VM starts, by name: the `vmm_modules` attribute, or when it
// names none, those the app's build settings turn on (upstream's CMake options such as
// VmVirtioConsole).
std::vector<std::string> vmm_modules(const Instance& inst,
                                     const std::map<std::string, std::string>& settings) {
    std::vector<std::string> names;
    const adl::model::Attribute* a = inst.attribute("vmm_modules");
    if (a == nullptr || a->value.kind != adl::Value::Kind::List || a->value.items.empty())
        return modules_from_settings(settings);
    for (const adl::Value& v : a->value.items) {
        if (v.kind != adl::Value::Kind::String || v.string.empty()) {
            throw adl::Error(v.where, adl::quote(inst.name + ".vmm_modules") +
                                          " has an entry that is not a module name; expected "
                                          "strings such as \"virtio_net\"");
        }
        if (names.size() == vmm::vm_config::kMaxModules) {
            throw adl::Error(v.where, adl::quote(inst.name + ".vmm_modules") + " names more than " +
                                          std::to_string(vmm::vm_config::kMaxModules) +
                                          " modules; expected at most that many");
        }
        // The tool links the same device types as VM.elf (bulkhead_virtio_devices), so a
        // name no type has is caught here rather than when the VM starts.
        if (vmm::find_device_type({v.string, {}, {}}) == nullptr) {
            std::vector<std::string_view> known;
            std::string listed;
            for (const vmm::DeviceType* t : vmm::linked_device_types()) {
                known.emplace_back(t->name);
                listed += (listed.empty() ? "" : ", ") + std::string(t->name);
            }
            const std::string near = adl::nearest_name(v.string, known);
            throw adl::Error(
                v.where, adl::quote(inst.name + ".vmm_modules") + " names " + adl::quote(v.string) +
                             ", which no VMM device type has; expected one of: " + listed +
                             (near.empty() ? "" : " (did you mean " + adl::quote(near) + "?)"));
        }
        names.push_back(v.string);
    }
    return names;
}

std::array<uint8_t, 6> mac_of(const Instance& inst, const adl::Value& v, const std::string& what) {
    const auto mac =
        v.kind == adl::Value::Kind::String ? virtio::ethernet::parse_mac(v.string) : std::nullopt;
    if (!mac) {
        throw adl::Error(v.where, adl::quote(inst.name + "." + what) + " is " +
                                      adl::quote(v.to_adl()) +
                                      "; expected a MAC address such as \"02:00:00:00:AA:01\"");
    }
    return *mac;
}

// The interface of type `type` (VirtQueueDrv, VirtQueueDev) whose <iface>_id is `id`, as
// upstream's vswitch_layout names a VM's virtqueues; it must be connected.
std::string queue_with_id(const Instance& inst, const InstanceObjects& vmm, const adl::Value& id,
                          const std::string& type, const std::string& what) {
    if (id.kind == adl::Value::Kind::Integer) {
        for (const auto& i : inst.component->interfaces) {
            const adl::model::Attribute* a = inst.attribute(i.name + "_id");
            if (i.type != type || a == nullptr || a->value.kind != adl::Value::Kind::Integer ||
                a->value.integer != id.integer) {
                continue;
            }
            if (vmm.interface(i.name) == nullptr) {
                throw adl::Error(id.where, adl::quote(inst.name + "." + what) + " is " +
                                               id.to_adl() + ", " +
                                               adl::quote(inst.name + "." + i.name) +
                                               ", which is not connected; expected a "
                                               "seL4VirtQueues connection to it");
            }
            return i.name;
        }
    }
    throw adl::Error(id.where, adl::quote(inst.name + "." + what) + " is " + id.to_adl() +
                                   "; expected the <iface>_id of one of " + adl::quote(inst.name) +
                                   "'s " + type + " interfaces");
}

// The VM's port on a virtual switch: vswitch_mac_address and vswitch_layout (camkes-vm-
// examples' vm_multi) as the configuration's switch table.
void write_vswitch(const Instance& inst, const InstanceObjects& vmm, vmm::vm_config::Writer& w) {
    namespace config = vmm::vm_config;
    config::Header& h = w.header();
    if (const adl::model::Attribute* a = inst.attribute("vswitch_mac_address");
        a != nullptr && a->value.kind == adl::Value::Kind::String && !a->value.string.empty()) {
        const std::array<uint8_t, 6> mac = mac_of(inst, a->value, "vswitch_mac_address");
        std::copy(mac.begin(), mac.end(), h.vswitch_mac);
        h.has_vswitch_mac = 1;
    }
    const adl::model::Attribute* layout = inst.attribute("vswitch_layout");
    if (layout == nullptr || layout->value.kind != adl::Value::Kind::List) return;
    std::vector<config::SwitchPort> ports;
    for (const adl::Value& entry : layout->value.items) {
        const std::string what = "vswitch_layout[" + std::to_string(ports.size()) + "]";
        if (ports.size() == config::kMaxSwitchPorts) {
            throw adl::Error(entry.where, adl::quote(inst.name + ".vswitch_layout") +
                                              " has more than " +
                                              std::to_string(config::kMaxSwitchPorts) +
                                              " ports; expected at most that many");
        }
        const adl::Value* mac = entry.field("mac_addr");
        const adl::Value* send = entry.field("send_id");
        const adl::Value* recv = entry.field("recv_id");
        if (mac == nullptr || send == nullptr || recv == nullptr) {
            throw adl::Error(entry.where, adl::quote(inst.name + "." + what) +
                                              " lacks a field; expected mac_addr, send_id "
                                              "and recv_id");
        }
        config::SwitchPort port{};
        const std::array<uint8_t, 6> m = mac_of(inst, *mac, what + ".mac_addr");
        std::copy(m.begin(), m.end(), port.mac);
        port.send =
            w.add_string(queue_with_id(inst, vmm, *send, "VirtQueueDrv", what + ".send_id"));
        port.recv =
            w.add_string(queue_with_id(inst, vmm, *recv, "VirtQueueDev", what + ".recv_id"));
        ports.push_back(port);
    }
    h.vswitch_ports = w.add_table(ports);
}

// Where the connection that ends at instance.interface starts or ends elsewhere: true when
// another instance is at one of its ends (a VM's own self-connections are not cross-VM).
bool connects_elsewhere(const Context& context, const Instance& inst, const std::string& iface) {
    for (const auto& c : context.system().connections) {
        bool mine = false;
        bool other = false;
        for (const auto* ends : {&c.from, &c.to}) {
            for (const auto& e : *ends) {
                if (e.instance == inst.name && e.interface == iface) mine = true;
                if (e.instance != inst.name) other = true;
            }
        }
        if (mine && other) return true;
    }
    return false;
}

// The VM's cross-VM links (upstream's crossvm): each of its dataports that a
// seL4SharedDataWithCaps connection shares with it, in declaration order, becomes a PCI
// function of the `crossvm` device, its frames a movable mapping in the guest's PCI memory
// window; the VM's events connected to other instances go with the first link (upstream's
// vm_cross_connector ties them to its first connection in its VM's C source). A dataport an
// attribute (<dataport>_id, <dataport>_size) names that nothing shares this way is an error.
std::vector<vmm::vm_config::CrossvmLink>
crossvm_links(Context& context, const Instance& inst, InstanceObjects& vmm,
              vmm::vm_config::Writer& w, base::GuestPhysRange pci_memory, image::RegionId ram) {
    namespace config = vmm::vm_config;
    std::vector<config::CrossvmLink> links;
    std::string emits;
    std::string consumes;
    for (const auto& i : inst.component->interfaces) {
        const lowering::InterfaceObjects* got = vmm.interface(i.name);
        const bool elsewhere = got != nullptr && connects_elsewhere(context, inst, i.name);
        if (i.kind == adl::ast::InterfaceKind::Emits && elsewhere && emits.empty()) emits = i.name;
        if (i.kind == adl::ast::InterfaceKind::Consumes && elsewhere && consumes.empty())
            consumes = i.name;
        if (i.kind != adl::ast::InterfaceKind::Dataport) continue;
        const adl::model::Attribute* size_attr = inst.attribute(i.name + "_size");
        if (got == nullptr || !got->frames) {
            const adl::model::Attribute* named =
                size_attr != nullptr ? size_attr : inst.attribute(i.name + "_id");
            if (named == nullptr) continue; // an ordinary dataport
            throw adl::Error(named->value.where,
                             adl::quote(inst.name + "." + named->name) + " names " +
                                 adl::quote(inst.name + "." + i.name) +
                                 ", which no component shares with it; expected a "
                                 "seL4SharedDataWithCaps connection to it");
        }
        const lowering::InterfaceObjects::Frames& frames = *got->frames;
        // A window onto this VM's own RAM (upstream's vm_introspect: `<conn>.paddr` at guest
        // RAM): the guest has that memory already; the other end looks into it.
        if (frames.region.index == ram.index) continue;
        if (size_attr != nullptr &&
            (size_attr->value.kind != adl::Value::Kind::Integer ||
             static_cast<uint64_t>(size_attr->value.integer) != frames.size)) {
            throw adl::Error(size_attr->value.where, adl::quote(inst.name + "." + size_attr->name) +
                                                         " is " + size_attr->value.to_adl() +
                                                         "; the connection shares " +
                                                         std::to_string(frames.size) + " bytes");
        }
        if (crossvm::dataport_bar_size(frames.size) == 0) {
            // Not a BAR's worth: the native side keeps its frames, the guest gets no device.
            context.warn(i.where, adl::quote(inst.name + "." + i.name) + " shares " +
                                      std::to_string(frames.size) +
                                      " bytes, more than a cross-VM PCI BAR holds (whole pages, "
                                      "at most " +
                                      std::to_string(crossvm::kMaxDataport) +
                                      " bytes): not offered to the guest");
            continue;
        }
        if (links.size() == config::kMaxCrossvm) {
            throw adl::Error(i.where, adl::quote(inst.name) + " has more than " +
                                          std::to_string(config::kMaxCrossvm) +
                                          " cross-VM dataports; expected at most that many");
        }
        const image::MappingId m = context.builder().map_movable(
            vmm.extra_domains.front(), frames.region,
            {base::VirtAddr{pci_memory.base.raw()}, pci_memory.size}, image::kRead | image::kWrite,
            spec::Cacheability::WriteBack, frames.offset, frames.size);
        config::CrossvmLink link{};
        link.dataport = w.add_string(i.name);
        link.mapping_slot = context.give(vmm, i.name + ":guest", image::mapping_cap(m));
        link.vmm_addr = got->buffers.front().at;
        link.size = frames.size;
        links.push_back(link);
    }
    if (!links.empty()) {
        if (const lowering::InterfaceObjects* e = vmm.interface(emits); e != nullptr && e->slot) {
            links.front().emits = w.add_string(emits);
            links.front().emit_slot = *e->slot;
        }
        if (const lowering::InterfaceObjects* c = vmm.interface(consumes); c != nullptr) {
            links.front().consumes = w.add_string(consumes);
            links.front().consume_bits = c->badge;
        }
    }
    return links;
}

// An error at `where` when `range` (what attribute `attr` places) overlaps a guest-physical
// range in `taken`.
void check_free(const Instance& inst, const adl::SourceLocation& where, const std::string& attr,
                const std::string& what, base::GuestPhysRange range,
                const std::vector<base::GuestPhysRange>& taken) {
    for (const auto& t : taken) {
        if (t.overlaps(range)) {
            std::string text = adl::quote(inst.name + "." + attr);
            text += ": " + what;
            text += " at " + adl::hex(range.base.raw());
            text += " overlap " + adl::hex(t.base.raw());
            text += ".." + adl::hex(t.end().raw());
            text += ", which the guest already uses (RAM, a device, the GIC, the VMM's windows or "
                    "another forwarded device)";
            throw adl::Error(where, text);
        }
    }
}

// map_frame_hack (upstream's module of that name): num_extra_frame_caps pages of the frames
// that seL4SharedDataWithCaps shares with the VM (its dataports in declaration order, as
// upstream's VM got them as its extra frame capabilities) mapped into the guest from
// extra_frame_map_address on, fixed. `taken`: guest-physical ranges already in use.
void map_extra_frames(Context& context, const Instance& inst, InstanceObjects& vmm,
                      const std::vector<base::GuestPhysRange>& taken, image::RegionId ram) {
    const adl::model::Attribute* count = inst.attribute("num_extra_frame_caps");
    const int64_t pages = integer(inst, "num_extra_frame_caps", 0);
    if (pages == 0) return;
    const adl::model::Attribute* at = inst.attribute("extra_frame_map_address");
    const auto address = static_cast<uint64_t>(integer(inst, "extra_frame_map_address", 0));
    const adl::SourceLocation& where = at != nullptr ? at->value.where : count->value.where;
    const uint64_t bytes = static_cast<uint64_t>(pages) * spec::kPageSize;
    if (pages < 0 || address % spec::kPageSize != 0 || address + bytes > (uint64_t{1} << 32)) {
        throw adl::Error(where, adl::quote(inst.name + ".extra_frame_map_address") + " is " +
                                    adl::hex(address) + " for " + std::to_string(pages) +
                                    " page(s); expected a page-aligned guest-physical address "
                                    "with room below 4 GiB");
    }
    const base::GuestPhysRange range{base::GuestPhysAddr{address}, bytes};
    check_free(inst, where, "extra_frame_map_address", std::to_string(pages) + " page(s)", range,
               taken);
    uint64_t next = address;
    uint64_t left = range.size;
    for (const auto& i : inst.component->interfaces) {
        const lowering::InterfaceObjects* got = vmm.interface(i.name);
        if (left == 0 || i.kind != adl::ast::InterfaceKind::Dataport || got == nullptr ||
            !got->frames || got->frames->region.index == ram.index) {
            continue;
        }
        const uint64_t size = std::min(left, got->frames->size);
        context.builder().map(vmm.extra_domains.front(), got->frames->region, base::VirtAddr{next},
                              image::kRead | image::kWrite, spec::Cacheability::WriteBack,
                              got->frames->offset, size);
        next += size;
        left -= size;
    }
    if (left != 0) {
        throw adl::Error(count->value.where,
                         adl::quote(inst.name + ".num_extra_frame_caps") + " is " +
                             std::to_string(pages) + "; the VM is shared only " +
                             std::to_string((range.size - left) / spec::kPageSize) +
                             " page(s) through seL4SharedDataWithCaps");
    }
}

// The procedure a VM's `uses` interface has when it forwards a device (interfaces/
// DeviceFwd.idl4: the VMM device device_fwd makes the calls).
constexpr std::string_view kForwardProcedure = "DeviceFwd";

bool forwards(const InstanceObjects& vmm, const adl::ast::Interface& i) {
    const lowering::InterfaceObjects* got = vmm.interface(i.name);
    return i.kind == adl::ast::InterfaceKind::Uses && i.type == kForwardProcedure &&
           got != nullptr && got->slot.has_value();
}

// device_fwd (upstream's module of that name): each of the VM's `uses DeviceFwd` interfaces
// that is connected forwards the guest-physical range <iface>_address (page aligned, below
// 4 GiB) of <iface>_size bytes (whole pages; default one) to the server at its other end.
// `taken`: guest-physical ranges already in use; the forwarded ones join them.
std::vector<vmm::vm_config::ForwardedDevice>
forwarded_devices(const Instance& inst, const InstanceObjects& vmm, vmm::vm_config::Writer& w,
                  std::vector<base::GuestPhysRange>& taken) {
    namespace config = vmm::vm_config;
    std::vector<config::ForwardedDevice> out;
    for (const auto& i : inst.component->interfaces) {
        if (!forwards(vmm, i)) continue;
        const adl::model::Attribute* at = inst.attribute(i.name + "_address");
        if (at == nullptr || at->value.kind != adl::Value::Kind::Integer) {
            throw adl::Error(at != nullptr ? at->value.where : i.where,
                             adl::quote(inst.name + "." + i.name) +
                                 " forwards a device (DeviceFwd); expected " +
                                 adl::quote(inst.name + "." + i.name + "_address") +
                                 " = its guest-physical address");
        }
        const adl::model::Attribute* size_attr = inst.attribute(i.name + "_size");
        const auto address = static_cast<uint64_t>(at->value.integer);
        const auto size = static_cast<uint64_t>(integer(inst, i.name + "_size", spec::kPageSize));
        const adl::SourceLocation& where =
            size_attr != nullptr ? size_attr->value.where : at->value.where;
        if (address % spec::kPageSize != 0 || size == 0 || size % spec::kPageSize != 0 ||
            size > kPciWindowLimit || address > kPciWindowLimit - size) {
            throw adl::Error(where, adl::quote(inst.name + "." + i.name) + " forwards " +
                                        adl::hex(size) + " bytes at " + adl::hex(address) +
                                        "; expected whole pages at a page-aligned guest-physical "
                                        "address below 4 GiB");
        }
        if (out.size() == config::kMaxForwards) {
            throw adl::Error(i.where, adl::quote(inst.name) + " forwards more than " +
                                          std::to_string(config::kMaxForwards) +
                                          " devices; expected at most that many");
        }
        const base::GuestPhysRange range{base::GuestPhysAddr{address}, size};
        check_free(inst, at->value.where, i.name + "_address", adl::hex(size) + " bytes", range,
                   taken);
        taken.push_back(range);
        out.push_back({w.add_string(i.name), *vmm.interface(i.name)->slot, 0, address, size});
    }
    return out;
}

// The GIC frames the guest sees where the board has its own: GICv2 the distributor
// (emulated) and the GICC (the GICV mapped there); GICv3 the distributor and one
// redistributor per vCPU (both emulated).
struct GuestGic {
    base::GuestPhysRange gicd, gicc;
};
GuestGic guest_gic(const Context& context, const adl::model::VmConfig& cfg) {
    const image::Board& b = context.board();
    if (b.gic_version == 3) {
        return {{base::GuestPhysAddr{b.gicd.raw()}, vmm::VgicV3Distributor::kSize},
                {base::GuestPhysAddr{b.gicr.raw()},
                 vmm::VgicRedistributors::kFrameSize * cfg.num_vcpus}};
    }
    return {{base::GuestPhysAddr{b.gicd.raw()}, vmm::VgicDistributor::kSize},
            {base::GuestPhysAddr{b.gicc.raw()}, kGiccSize}};
}

// A guest-physical window of `size` bytes (aligned to it, ending at or below `limit`)
// for the VMM's devices that nothing of the guest's uses (nor `taken`): the highest free
// one below guest RAM, else the lowest above it. The guest sees only its RAM, its
// passed-through devices and the GIC; the board's own devices there (QEMU's virtio-mmio,
// PCIe) are not in its DTB. nullopt when there is none.
std::optional<base::GuestPhysRange> device_window(const Context& context, const Instance& inst,
                                                  const adl::model::VmConfig& cfg, uint64_t size,
                                                  base::GuestPhysRange taken = {},
                                                  uint64_t limit = uint64_t{1} << spec::kIpaBits) {
    const GuestGic gic = guest_gic(context, cfg);
    std::vector<base::GuestPhysRange> used{taken, cfg.layout.ram, gic.gicd, gic.gicc};
    for (const auto& r : context.system().regions) {
        if (r.owner == inst.name && r.kind == adl::model::RegionKind::Device)
            used.push_back(r.guest);
    }
    const auto is_free = [&](uint64_t at) {
        const base::GuestPhysRange w{base::GuestPhysAddr{at}, size};
        if (at + size > limit) return false;
        for (const auto& u : used)
            if (u.overlaps(w)) return false;
        return true;
    };
    const uint64_t ram = cfg.layout.ram.base.raw() & ~(size - 1);
    for (uint64_t at = ram; at >= size;) {
        at -= size;
        if (is_free(at)) return base::GuestPhysRange{base::GuestPhysAddr{at}, size};
    }
    const uint64_t top = std::min(limit, uint64_t{1} << spec::kIpaBits); // stage 2's reach
    for (uint64_t at = (cfg.layout.ram.end().raw() + size - 1) & ~(size - 1); at + size <= top;
         at += size) {
        if (is_free(at)) return base::GuestPhysRange{base::GuestPhysAddr{at}, size};
    }
    return std::nullopt;
}

// Guest RAM is backed 1:1 by the board's RAM at linux_ram_paddr_base: a range the board
// does not have is an error at the address configuration, naming both ranges.
void check_guest_ram_on_board(lowering::Context& context, const Instance& inst) {
    const vmm::GuestRamLayout& layout = inst.vm->layout;
    const base::PhysRange backing{layout.ram_paddr, layout.ram.size};
    const image::Board& board = context.board();
    if (board.ram.contains(backing)) return;
    const adl::model::Attribute* config = inst.attribute("linux_address_config");
    if (config == nullptr) config = inst.attribute("vm_address_config");
    const auto hex = [](uint64_t v) {
        char text[24];
        std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
        return std::string(text);
    };
    throw adl::Error(
        config != nullptr ? config->value.where : inst.where,
        adl::quote(inst.name + "." +
                   (config != nullptr ? config->name : std::string("linux_address_config"))) +
            ": guest RAM " + hex(backing.base.raw()) + ".." + hex(backing.end().raw()) +
            " is outside " + board.name + "'s RAM " + hex(board.ram.base.raw()) + ".." +
            hex(board.ram.end().raw()));
}

// vCPU i's core: the VM's vcpu_affinity, else upstream's placement (libsel4vm pins vCPU
// i's thread to core i) counted from the VMM's own core (_affinity), wrapping at the
// board's CPU count. So one vCPU stays with its VMM, and four from core 0 take 0..3.
uint32_t vcpu_core(const Context& context, const Instance& inst, uint32_t vmm_core, uint32_t i) {
    const image::Board& board = context.board();
    const adl::model::VmConfig& cfg = *inst.vm;
    if (cfg.vcpu_affinity.empty()) return (vmm_core + i) % board.cpu_count;
    const adl::model::VmConfig::VcpuCore& c = cfg.vcpu_affinity[i];
    if (c.core >= board.cpu_count) {
        throw adl::Error(c.where, adl::quote(inst.name + ".vcpu_affinity") + " puts vCPU " +
                                      std::to_string(i) + " on core " + std::to_string(c.core) +
                                      "; board " + adl::quote(board.name) + " has " +
                                      std::to_string(board.cpu_count) + " CPUs, expected 0 to " +
                                      std::to_string(board.cpu_count - 1));
    }
    return c.core;
}

class VmLowerer final : public lowering::NativeComponent {
    // The page holding the count of running VMs, one per system: made by the first VM
    // lowered, starting at the number of VMs in the system.
    static image::RegionId running_vms(Context& context) {
        const auto& regions = context.builder().description().regions;
        for (uint32_t i = 0; i < regions.size(); ++i)
            if (regions[i].name == kRunningVmsRegion) return image::RegionId{i};
        const auto& all = context.system().instances;
        const auto count = static_cast<uint64_t>(
            std::count_if(all.begin(), all.end(), [](const Instance& i) { return i.vm; }));
        std::vector<uint8_t> word(sizeof count);
        std::memcpy(word.data(), &count, sizeof count);
        return context.builder().add_ram(kRunningVmsRegion, kRunningVmsSize, std::move(word));
    }

public:
    void create(Context& context, const Instance& inst, InstanceObjects& vmm) override {
        const adl::model::VmConfig& cfg = *inst.vm;
        // num_vcpus is 1..vm_config::kMaxVcpus (the resolver checked it).
        static_assert(vmm::vm_config::kMaxVcpus == 8, "vm_layout.cpp's num_vcpus range");
        // upstream: the vCPU runs at base_prio; the VMM thread is placed above it.
        const int64_t base_prio = integer(inst, "base_prio", 100);
        if (base_prio < 0 || base_prio > 235) {
            throw adl::Error(inst.attribute("base_prio")->value.where,
                             adl::quote(inst.name + ".base_prio") + " is " +
                                 std::to_string(base_prio) + "; expected 0 to 235");
        }
        // upstream: vCPUs run at base_prio, the VMM (the component's own thread) at its
        // _priority, which must be above them so that it answers their exits.
        const auto vcpu_prio = static_cast<uint32_t>(base_prio);
        const auto vmm_prio = static_cast<uint32_t>(inst.priority.value_or(base_prio + 20));
        if (vmm_prio <= vcpu_prio) {
            const adl::model::Attribute* p = inst.attribute("_priority");
            throw adl::Error(p != nullptr ? p->value.where : inst.where,
                             adl::quote(inst.name + "._priority") + " is " +
                                 std::to_string(vmm_prio) + "; expected above base_prio (" +
                                 std::to_string(vcpu_prio) + "), where its vCPUs run");
        }
        create_thread(context, inst, vmm, vmm_prio, kVmmStack);

        image::SystemBuilder& b = context.builder();
        check_guest_ram_on_board(context, inst);
        const image::DomainId guest = b.add_domain(inst.name + "-guest");
        vmm.extra_domains.push_back(guest);
        const image::RegionId ram =
            b.add_ram_at(inst.name + ":ram", {cfg.layout.ram_paddr, cfg.layout.ram.size});
        ram_[inst.name] = ram;
        // Guest RAM is hundreds of MiB of which a booting guest touches a fraction.
        b.zero_on_first_touch(ram);
        b.map(guest, ram, base::VirtAddr{cfg.layout.ram.base.raw()},
              image::kRead | image::kWrite | image::kExecute);
        // The VMM sees guest RAM where the guest does.
        b.map(vmm.domain, ram, base::VirtAddr{cfg.layout.ram.base.raw()},
              image::kRead | image::kWrite);
        vmm.mappings.push_back({"guest_ram", cfg.layout.ram.base.raw(), cfg.layout.ram.size});
        b.map(vmm.domain, running_vms(context), base::VirtAddr{kRunningVmsAddr},
              image::kRead | image::kWrite);
        vmm.mappings.push_back({"running_vms", kRunningVmsAddr, kRunningVmsSize});
        for (const auto& r : context.system().regions) {
            if (r.owner != inst.name || r.kind != adl::model::RegionKind::Device) continue;
            // Devices sharing a page became one region named "a, b": the VMM keeps one
            // DTB node per region, so such a region is not lowered yet.
            if (r.source.find(", ") != std::string::npos) {
                throw adl::Error(r.where, "VM " + adl::quote(inst.name) + ": devices " + r.source +
                                              " share a page; expected one node per page");
            }
            const image::RegionId d = b.add_device(inst.name + ":" + r.source, r.phys);
            b.map(guest, d, base::VirtAddr{r.guest.base.raw()}, image::kRead | image::kWrite,
                  spec::Cacheability::Device);
        }
        b.map_gicv(guest, base::GuestPhysAddr{context.board().gicc.raw()});

        // num_vcpus vCPUs, suspended until the VMM has loaded the guest (vCPU 0) or the
        // guest starts them (PSCI CPU_ON); their exits carry their index as the badge.
        // Each on its own core (vcpu_core); the VMM answers all their exits from its own.
        const image::EndpointId exits = b.add_endpoint(inst.name + ":exits");
        const uint32_t vmm_core = core_of(context, inst);
        for (uint32_t i = 0; i < cfg.num_vcpus; ++i) {
            const std::string name = "vcpu" + std::to_string(i);
            const image::VcpuId vcpu =
                b.add_vcpu(guest, {.name = inst.name + ":" + name,
                                   .priority = vcpu_prio,
                                   .exit_endpoint = exits,
                                   .badge = i,
                                   .entry = cfg.layout.ram.base,
                                   .arg = cfg.layout.dtb.base.raw(),
                                   .start_suspended = true,
                                   .core = vcpu_core(context, inst, vmm_core, i)});
            context.give(vmm, name, image::vcpu_cap(vcpu));
        }
        context.give(vmm, "exits", image::endpoint_cap(exits, 0, spec::CapReceive));
        context.give(vmm, "power", image::system_control_cap());
        if (cfg.allow_smc) context.give(vmm, "firmware", image::firmware_cap());

        // Passed-through interrupts signal the VMM's bound notification, or a word chained
        // into it (more IRQs than the bound word holds) that the VMM polls.
        std::vector<image::NotificationId> words;
        for (size_t k = 0; k < inst.irq_words.size(); ++k) {
            const std::string name = "irq_word" + std::to_string(k + 1);
            const image::NotificationId n = b.add_notification(inst.name + "." + name);
            b.chain_notification(n, context.notification(vmm),
                                 static_cast<uint32_t>(std::countr_zero(inst.irq_words[k])));
            context.give(vmm, name, image::notification_cap(n, 0, spec::CapReceive));
            words.push_back(n);
        }
        for (const auto& q : context.system().irqs) {
            if (q.owner != inst.name || !q.interface.empty()) continue; // dtb passthrough only
            const image::NotificationId n =
                q.word == 0 ? context.notification(vmm) : words.at(q.word - 1);
            const image::IrqHandlerId h = b.add_irq_handler(q.number, n, q.badge, !q.level);
            context.give(vmm, "irq" + std::to_string(q.number), image::irq_handler_cap(h));
        }
        if (!context.inputs().describe_only()) {
            const std::string none;
            for (const std::string* file :
                 {&cfg.linux_name, &cfg.dtb_name, loads_initrd(cfg) ? &cfg.initrd_name : &none}) {
                if (!file->empty() && context.inputs().files.count(*file) == 0) {
                    throw adl::Error(inst.where, "VM " + adl::quote(inst.name) + " boots " +
                                                     adl::quote(*file) + "; expected --file " +
                                                     *file + "=<host file>");
                }
            }
        }
    }

    void finish(Context& context, const Instance& inst, InstanceObjects& vmm) override {
        namespace config = vmm::vm_config;
        const adl::model::VmConfig& cfg = *inst.vm;
        const image::RegionId ram = ram_.at(inst.name);
        config::Writer w;
        config::Header& h = w.header();
        h.address = cfg.address;
        h.map_unity_ram = cfg.unity ? 1 : 0;
        h.halt_on_unhandled_access = integer(inst, "halt_on_unhandled_access", 0) != 0 ? 1 : 0;
        h.log_image_crcs = integer(inst, "log_image_crcs", 0) != 0 ? 1 : 0;
        h.num_irqs = kEmulatedIrqs;
        h.vmm_ram_addr = cfg.layout.ram.base.raw(); // the VMM sees guest RAM where the guest does
        const GuestGic gic = guest_gic(context, cfg);
        h.gic_version = context.board().gic_version;
        h.soft_tlb_ballast_pages =
            context.board().soft_tlb_ballast ? uint32_t{vmm::SoftTlbBallast::kPagesUnderQemu} : 0u;
        h.gicd_base = gic.gicd.base.raw();
        h.gicc_base = gic.gicc.base.raw();
        h.gicc_size = gic.gicc.size;
        std::vector<std::string> modules = vmm_modules(inst, context.inputs().settings);
        // Cross-VM dataports need the crossvm device (upstream links its module from the
        // app's sources; here it comes with them).
        const bool has_crossvm =
            std::any_of(inst.component->interfaces.begin(), inst.component->interfaces.end(),
                        [&](const adl::ast::Interface& i) {
                            const lowering::InterfaceObjects* got = vmm.interface(i.name);
                            return i.kind == adl::ast::InterfaceKind::Dataport && got != nullptr &&
                                   got->frames && got->frames->region.index != ram.index;
                        });
        // Likewise forwarded devices need device_fwd.
        const bool has_forwards =
            std::any_of(inst.component->interfaces.begin(), inst.component->interfaces.end(),
                        [&](const adl::ast::Interface& i) { return forwards(vmm, i); });
        for (const auto& [needed, module] :
             {std::pair{has_crossvm, "crossvm"}, std::pair{has_forwards, "device_fwd"}}) {
            if (!needed || std::find(modules.begin(), modules.end(), module) != modules.end())
                continue;
            if (modules.size() == vmm::vm_config::kMaxModules) {
                throw adl::Error(inst.where, adl::quote(inst.name) + " needs the VMM module " +
                                                 adl::quote(module) +
                                                 " and its vmm_modules list is full; expected "
                                                 "room for it");
            }
            modules.emplace_back(module);
        }
        if (!modules.empty()) {
            const std::optional<base::GuestPhysRange> window =
                device_window(context, inst, cfg, kDeviceWindowSize);
            if (!window) {
                throw adl::Error(inst.where,
                                 "VM " + adl::quote(inst.name) +
                                     ": no free guest-physical window for its VMM devices");
            }
            h.device_window_base = window->base.raw();
            h.device_window_size = window->size;
            // No room below 4 GiB: no PCI in this VM (a PCI device then says so as it starts).
            const std::optional<base::GuestPhysRange> pci =
                device_window(context, inst, cfg, kPciWindowSize, *window, kPciWindowLimit);
            h.pci_window_base = pci ? pci->base.raw() : 0;
            h.pci_window_size = pci ? pci->size : 0;
        }
        h.linux_name = w.add_string(cfg.linux_name);
        h.dtb_name = w.add_string(cfg.dtb_name);
        h.initrd_name = w.add_string(loads_initrd(cfg) ? cfg.initrd_name : std::string());
        h.bootargs = w.add_string(cfg.bootargs);
        h.stdout_path = w.add_string(cfg.stdout_path);

        std::vector<config::StringRef> passthrough;
        for (const auto& r : context.system().regions) {
            if (r.owner != inst.name || r.kind != adl::model::RegionKind::Device) continue;
            if (passthrough.size() == config::kMaxPassthrough) {
                throw adl::Error(r.where, adl::quote(inst.name + ".dtb") +
                                              " passes through more than " +
                                              std::to_string(config::kMaxPassthrough) +
                                              " device regions; expected at most that many");
            }
            passthrough.push_back(w.add_string(r.source));
        }
        h.passthrough = w.add_table(passthrough);
        std::vector<config::PassthroughIrq> irqs;
        for (const auto& q : context.system().irqs) {
            if (q.owner != inst.name || !q.interface.empty()) continue; // dtb passthrough only
            if (irqs.size() == config::kMaxIrqs) {
                throw adl::Error(q.where,
                                 adl::quote(inst.name) + " is given more than " +
                                     std::to_string(config::kMaxIrqs) +
                                     " interrupts (dtb and irqs); expected at most that many");
            }
            irqs.push_back(
                {q.number, *vmm.cap("irq" + std::to_string(q.number)), q.badge, q.word, 0});
        }
        h.irqs = w.add_table(irqs);
        if (inst.irq_words.size() > config::kMaxIrqWords) {
            throw adl::Error(inst.where, adl::quote(inst.name) + " needs " +
                                             std::to_string(inst.irq_words.size()) +
                                             " chained notification words for its IRQs; "
                                             "expected at most " +
                                             std::to_string(config::kMaxIrqWords));
        }
        std::vector<config::IrqWord> irq_words;
        for (size_t k = 0; k < inst.irq_words.size(); ++k) {
            irq_words.push_back(
                {*vmm.cap("irq_word" + std::to_string(k + 1)), 0, inst.irq_words[k]});
        }
        h.irq_words = w.add_table(irq_words);
        std::vector<config::Vcpu> vcpus;
        for (uint32_t i = 0; i < inst.vm->num_vcpus; ++i)
            vcpus.push_back({*vmm.cap("vcpu" + std::to_string(i)), 0});
        h.vcpus = w.add_table(vcpus);
        std::vector<config::StringRef> module_names;
        module_names.reserve(modules.size());
        for (const std::string& m : modules)
            module_names.push_back(w.add_string(m));
        h.modules = w.add_table(module_names);
        std::vector<config::KeptNode> keep;
        for (const auto& k : cfg.keep_nodes) {
            if (keep.size() == config::kMaxKept) {
                throw adl::Error(k.where, adl::quote(inst.name) + " keeps more than " +
                                              std::to_string(config::kMaxKept) +
                                              " device-tree nodes (plat_keep_devices*); "
                                              "expected at most that many");
            }
            keep.push_back({w.add_string(k.path), k.subtree ? 1u : 0u, 0});
        }
        h.keep = w.add_table(keep);
        write_vswitch(inst, vmm, w);
        if (has_crossvm && h.pci_window_size == 0) {
            throw adl::Error(inst.where, "VM " + adl::quote(inst.name) +
                                             ": no guest-physical room below 4 GiB for the PCI "
                                             "window its cross-VM dataports need");
        }
        const base::GuestPhysRange pci_memory{
            base::GuestPhysAddr{h.pci_window_base + vmm::PciHost::kEcamSize},
            h.pci_window_size - std::min(h.pci_window_size, vmm::PciHost::kEcamSize)};
        h.crossvm = w.add_table(crossvm_links(context, inst, vmm, w, pci_memory, ram));
        std::vector<base::GuestPhysRange> taken{
            cfg.layout.ram,
            gic.gicd,
            gic.gicc,
            {base::GuestPhysAddr{h.device_window_base}, h.device_window_size},
            {base::GuestPhysAddr{h.pci_window_base}, h.pci_window_size}};
        for (const auto& r : context.system().regions) {
            if (r.owner == inst.name && r.kind == adl::model::RegionKind::Device)
                taken.push_back(r.guest);
        }
        h.forwards = w.add_table(forwarded_devices(inst, vmm, w, taken));
        map_extra_frames(context, inst, vmm, taken, ram);
        h.running_vms_addr = kRunningVmsAddr;
        h.exit_slot = *vmm.cap("exits");
        h.power_slot = *vmm.cap("power");
        h.firmware_slot = cfg.allow_smc ? *vmm.cap("firmware") : 0;
        h.smc_allowed = w.add_table(cfg.allowed_smc_functions);
        const lowering::InterfaceObjects* fs = vmm.interface("fs");
        if (fs == nullptr || !fs->slot || fs->buffers.empty()) {
            throw adl::Error(inst.where, "VM " + adl::quote(inst.name) +
                                             ": fs is not connected; expected a seL4RPCDataport "
                                             "connection to a FileServer");
        }
        const std::vector<std::byte> bytes = w.finish();
        const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
        add_instance_page(context, inst, vmm, std::vector<uint8_t>(p, p + bytes.size()));
    }

private:
    // Each VM's guest RAM (set by lower(), used by finish() of the same lowering).
    std::map<std::string, image::RegionId> ram_;
};

VmLowerer lowerer;
const lowering::ComponentRegistration registration{"VM", lowerer};

} // namespace
} // namespace vm_host
