// The system description API: what the ADL front end and the kernel system tests
// use to declare domains, threads, endpoints, notifications, IRQ handlers, memory,
// mappings and capabilities, and to pack the result into a bootable image.
//
//   image::SystemBuilder sys(*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD));
//   auto server = sys.add_domain("server");
//   auto entry = sys.load_elf(server, "server.elf");
//   auto ep = sys.add_endpoint("echo");
//   sys.give_cap(server, image::endpoint_cap(ep, 0, spec::CapReceive));   // slot 1
//   sys.add_thread(server, {.name = "server", .priority = 100, .entry = entry});
//   sys.pack("bulkhead_kernel.elf", "image.elf");
#pragma once

#include "image/system_description.hpp"

#include <base/address.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace image {

struct DomainId {
    uint32_t index;
};
struct ThreadId {
    uint32_t index;
};
struct EndpointId {
    uint32_t index;
};
struct NotificationId {
    uint32_t index;
};
struct IrqHandlerId {
    uint32_t index;
};
struct RegionId {
    uint32_t index;
};
struct MappingId {
    uint32_t index;
};
// A vCPU is a thread of the guest's domain (its index is a thread index).
struct VcpuId {
    uint32_t index;
};

inline constexpr uint32_t kRead = spec::RightRead;
inline constexpr uint32_t kWrite = spec::RightWrite;
inline constexpr uint32_t kExecute = spec::RightExecute;

struct ThreadOptions {
    std::string name;
    uint32_t priority = 100;
    base::VirtAddr entry;
    uint64_t stack_size = uint64_t{16} * 1024;
    uint64_t arg = 0;
    bool start_suspended = false;
    // Capability errors stop the thread with a fault message (seL4's cap faults)
    // instead of only returning an error code.
    bool cap_faults = false;
    uint32_t core = 0; // CPU to pin the thread to (one core today)
    // Or: the component ELF the thread runs, loaded into its domain by pack() (entry =
    // the ELF's). A system can then be described, numbered and reported on before the
    // target build has made its binaries.
    std::string program{};
};

// A vCPU (spec::ThreadFlags::Vcpu, spec/vcpu_abi.hpp) in a guest domain: a domain
// with no threads of its own whose mappings are the guest's physical address space.
struct VcpuOptions {
    std::string name;
    uint32_t priority = 100;
    EndpointId exit_endpoint{}; // where its exits go (the VMM receives there)
    uint64_t badge = 0;         // tells the VMM which vCPU exited
    base::GuestPhysAddr entry{0};
    uint64_t arg = 0;            // x0
    bool start_suspended = true; // the VMM loads the guest, then resumes it
    uint32_t core = 0;
};

spec::Cap endpoint_cap(EndpointId ep, uint64_t badge, uint32_t rights);
spec::Cap notification_cap(NotificationId n, uint64_t badge, uint32_t rights);
spec::Cap irq_handler_cap(IrqHandlerId h);
spec::Cap thread_cap(ThreadId t);
spec::Cap system_control_cap();
// Lets the holder make firmware calls (call_abi::Call::FirmwareCall).
spec::Cap firmware_cap();
spec::Cap vcpu_cap(VcpuId v);
// Lets its holder place, move and remove a movable mapping (call MappingMove).
spec::Cap mapping_cap(MappingId m);

// Options for pack(): a test can damage the spec on purpose.
struct PackOptions {
    std::function<void(std::vector<uint8_t>& spec)> tamper_spec;
};

class SystemBuilder {
public:
    explicit SystemBuilder(const Board& board);

    DomainId add_domain(const std::string& name);
    EndpointId add_endpoint(const std::string& name);
    NotificationId add_notification(const std::string& name);
    // Every signal of `n` also signals `parent` with `bit` of its word (one level: the
    // parent is not chained itself); the one waiting on `parent` polls `n`.
    void chain_notification(NotificationId n, NotificationId parent, uint32_t bit);
    IrqHandlerId add_irq_handler(uint32_t irq, NotificationId n, uint64_t badge, bool edge = false);

    RegionId add_ram(const std::string& name, uint64_t size, std::vector<uint8_t> contents = {});
    // RAM at a fixed physical range (e.g. guest RAM mapped IPA == PA); the rest of
    // RAM is placed by the layout.
    RegionId add_ram_at(const std::string& name, base::PhysRange range,
                        std::vector<uint8_t> contents = {});
    RegionId add_device(const std::string& name, base::PhysRange range);
    // The kernel zeroes this RAM region 2 MiB at a time when a domain first touches it
    // instead of all of it at boot (guest RAM: boot time does not grow with its size).
    void zero_on_first_touch(RegionId r);
    // Maps [offset, offset+size) of the region (all of it when size is 0) at `at`.
    void map(DomainId d, RegionId r, base::VirtAddr at, uint32_t rights,
             spec::Cacheability cache = spec::Cacheability::WriteBack, uint64_t offset = 0,
             uint64_t size = 0);
    // A movable mapping of [offset, offset+size) of the region (all of it when size is 0):
    // not mapped at boot; a holder of mapping_cap() places it anywhere inside `window`
    // (spec::Mapping::window_size). 4 KiB leaves.
    MappingId map_movable(DomainId d, RegionId r, base::Range<base::VirtAddr> window,
                          uint32_t rights, spec::Cacheability cache = spec::Cacheability::WriteBack,
                          uint64_t offset = 0, uint64_t size = 0);
    // Loads a component ELF into the domain (one region per segment, mapped at its
    // link address with its segment's rights); returns its entry point.
    base::VirtAddr load_elf(DomainId d, const std::string& path);
    // The description with every ThreadOptions::program loaded (what pack() packs).
    [[nodiscard]] SystemDescription with_programs() const;

    // A thread with its own stack region, mapped in its domain's stack area.
    ThreadId add_thread(DomainId d, const ThreadOptions& options);
    void set_fault_endpoint(ThreadId t, EndpointId ep, uint64_t badge);
    void bind_notification(ThreadId t, NotificationId n);

    // A vCPU running in guest domain `guest`, exiting to options.exit_endpoint.
    VcpuId add_vcpu(DomainId guest, const VcpuOptions& options);
    // Maps the board's GICV frame (two pages: GICV_DIR is at +0x1000) at the guest's
    // GICC address, so the guest's CPU interface is the hardware's virtual one. Nothing
    // on a GICv3 board: the guest's interface is its ICC_* system registers.
    void map_gicv(DomainId guest, base::GuestPhysAddr gicc);

    // Puts a capability in the domain's next free slot and returns the slot.
    uint32_t give_cap(DomainId d, const spec::Cap& cap);

    [[nodiscard]] const SystemDescription& description() const { return system_; }

    // Lays out memory, writes the spec and packs kernel + spec + contents into one
    // ELF. Throws std::runtime_error with a message on any inconsistency.
    void pack(const std::string& kernel_elf, const std::string& out_elf,
              const PackOptions& options = {}) const;

private:
    SystemDescription system_;
};

} // namespace image
