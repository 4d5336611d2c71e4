// The VMM's device model (after L4Re uvmm's device factories): a device type registers
// itself by being linked in (BULKHEAD_VMM_DEVICE puts a DeviceType pointer in the
// linker section `bulkhead_vmm_devices`; no list to edit, no constructors to run) under
// a name and, where it has one, a device-tree `compatible`. The VM's configuration
// lists the devices to create (DeviceRecord: type, and the backend connections the
// assembly gave it); DeviceHost creates each from a DeviceContext that gives it guest
// memory, the MMIO bus, the vGIC (SPI injection), free SPIs, its connections, and the
// notification bits it listens to. A created Device adds its guest-DTB node while the
// guest DTB is built, hears its backend's notification bits, and is reset with the guest.
//
// A device's object file must be linked into the VM (an OBJECT library, or the
// component's own sources): a static archive member nothing references is left out.
// Devices keep their state in static storage (DeviceStorage): no heap.
#pragma once

#include <vmm/guest_dtb.hpp>
#include <vmm/log.hpp>
#include <vmm/pci_host.hpp>
#include <vmm/smc_forwarder.hpp>
#include <vmm/smccc.hpp>

#include <base/address.hpp>
#include <base/rpc_message.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <span>
#include <string_view>

namespace vmm {

class GuestMemory;
class MmioBus;
class VgicDistributor;
class IdleWatch;

// How a device uses a connection's capability: the VM component makes the kernel calls
// (an RPC in the generated glue's message format, a signal); host tests record them.
class BackendPort {
public:
    // A call on the endpoint in `slot`: the request in `m`, the reply left there (m.ok()
    // false when it failed).
    virtual void call(uint32_t slot, base::RpcMessage& m) = 0;
    virtual void signal(uint32_t slot) = 0;
    // Places the movable mapping the capability in `slot` names at guest-physical `ipa`
    // (call_abi::MappingMove), or removes it (nullopt); false when the kernel refuses.
    [[nodiscard]] virtual bool move_mapping(uint32_t slot, std::optional<uint64_t> ipa) {
        (void)slot, (void)ipa;
        return false;
    }

protected:
    ~BackendPort() = default;
};

// One backend connection of a device, as the VM's configuration gives it.
struct BackendConnection {
    std::string_view name;         // the connection's name in the assembly ("tx", "ctrl", ...)
    uint32_t cap_slot = 0;         // capability slot (endpoint, notification, ...); 0: none
    std::span<std::byte> dataport; // shared memory, as mapped into the VMM; empty: none
    uint64_t badge_bits = 0;       // bits the backend signals on the VMM's notification
    BackendPort* port = nullptr;   // how to use cap_slot; nullptr: not usable
    // A notification capability that wakes the backend without a call (seL4SerialServer:
    // output waits in the dataport), used through port->signal; 0: none.
    uint32_t wake_slot = 0;
};

// A port of the VM's virtual switch (upstream's vswitch_layout): frames for `mac` leave
// through the connection named `send`; frames from that peer arrive through `recv`.
struct SwitchPort {
    std::array<uint8_t, 6> mac{};
    std::string_view send;
    std::string_view recv;
};

// The VM's virtual switch as its configuration gives it (vswitch_mac_address,
// vswitch_layout); no ports: the VM is on no switch.
struct SwitchConfig {
    std::optional<std::array<uint8_t, 6>> mac; // the guest's own
    std::span<const SwitchPort> ports;
};

// A cross-VM link (upstream's crossvm, seL4SharedDataWithCaps): a dataport the VM shares
// with a native component, which the `crossvm` device shows the guest as a PCI function,
// and the events that go with it. Each names one of the device's connections.
struct CrossvmLink {
    std::string_view dataport; // cap_slot: its movable mapping; dataport: the frames (size)
    std::string_view emits;    // what the doorbell signals (cap_slot); empty: none
    std::string_view consumes; // whose events (badge_bits) raise the interrupt; empty: none
};

// A device page forwarded to a native component (upstream's device_fwd): guest accesses to
// `range` become calls on the device's connection named `interface` (the `device_fwd` device).
struct ForwardedDevice {
    std::string_view interface; // cap_slot: the server's endpoint
    base::GuestPhysRange range;
};

// One device the VM's configuration asks for.
struct DeviceRecord {
    std::string_view name;       // the DeviceType's name (and the device's name in logs)
    std::string_view compatible; // when no type has `name`: the type with this compatible
    std::span<const BackendConnection> connections;
    SwitchConfig vswitch{};
    std::span<const CrossvmLink> crossvm{};
    std::span<const ForwardedDevice> forwards{};
};

// Told about the bits of the VMM's bound notification that it registered for.
class NotificationHandler {
public:
    virtual void notified(uint64_t bits) = 0;

protected:
    ~NotificationHandler() = default;
};

// Which notification bits go to whom (devices' backends, passed-through IRQs).
class NotificationRouter {
public:
    static constexpr std::size_t kMaxHandlers = 64;

    // False when `bits` is 0, overlaps bits already routed, or the table is full.
    [[nodiscard]] bool add(uint64_t bits, NotificationHandler& handler);
    // Calls every handler with its share of `bits`; returns the bits nobody owns.
    uint64_t dispatch(uint64_t bits);
    [[nodiscard]] uint64_t routed() const { return routed_; }

private:
    struct Entry {
        uint64_t bits = 0;
        NotificationHandler* handler = nullptr;
    };
    std::array<Entry, kMaxHandlers> entries_{};
    std::size_t count_ = 0;
    uint64_t routed_ = 0;
};

// The vGIC's SPIs (32 .. num_irqs - 1) that nothing uses yet.
class SpiAllocator {
public:
    explicit SpiAllocator(unsigned num_irqs);
    // Takes a given SPI (a passed-through interrupt); false if out of range or taken.
    [[nodiscard]] bool reserve(unsigned irq);
    // The lowest free SPI, now taken; nullopt when none is left.
    [[nodiscard]] std::optional<unsigned> allocate();
    [[nodiscard]] bool in_use(unsigned irq) const;

private:
    unsigned num_irqs_;
    std::array<uint32_t, 1024 / 32> used_{};
};

// The guest-physical window the VM's configuration gives its devices for their registers
// (chosen at build time clear of RAM, passed-through devices and the GIC), handed out front
// to back, each range aligned to its size.
class MmioAllocator {
public:
    MmioAllocator() = default;
    explicit MmioAllocator(base::GuestPhysRange window)
        : window_(window), next_(window.base.raw()) {}
    // `size` bytes (a power of two), now taken; nullopt when the window has no room.
    [[nodiscard]] std::optional<base::GuestPhysRange> allocate(uint64_t size);
    [[nodiscard]] base::GuestPhysRange window() const { return window_; }

private:
    base::GuestPhysRange window_{};
    uint64_t next_ = 0;
};

class DeviceContext;

// A created device. Every hook is optional.
class Device : public NotificationHandler {
public:
    // Adds this device's node(s) while the guest DTB is built (every guest boot).
    [[nodiscard]] virtual bool add_dtb_nodes(GuestDtbWriter& dtb) {
        (void)dtb;
        return true;
    }
    // Bits it listens to (DeviceContext::listen) arrived from its backend.
    void notified(uint64_t bits) override { (void)bits; }
    // The guest was reset (PSCI SYSTEM_RESET): back to the power-on state. Its MMIO
    // ranges, SPIs and notification bits stay.
    virtual void reset() {}
    // Its DeviceHost is gone (a VM's never is; host tests make one per test, many per
    // process): a device kept in DeviceStorage gives its slot back here.
    virtual void release() {}

protected:
    ~Device() = default;
};

struct DeviceType {
    const char* name;
    const char* compatible; // nullptr: none
    // Builds the device (registering its MMIO ranges, taking SPIs, ...); nullptr when it
    // cannot (after logging why).
    Device* (*create)(DeviceContext& context);
    // The upstream CMake option (camkes-vm's VM_Arm) that links this module into every VM
    // of a build, e.g. "VmVirtioConsole"; nullptr: none. An app's build settings naming it
    // ON start the module in each VM whose assembly names no vmm_modules (docs/VM.md).
    const char* upstream_option = nullptr;
};

// What a device gets while it is created.
class DeviceContext {
public:
    DeviceContext(const DeviceRecord& record, GuestMemory& memory, MmioBus& mmio,
                  VgicDistributor& vgic, SpiAllocator& spis, MmioAllocator& windows, LogSink& log,
                  SmcccDispatcher* smccc = nullptr, PciHost* pci = nullptr,
                  FirmwareConduit* firmware = nullptr, IdleWatch* idle = nullptr)
        : record_(record), memory_(memory), mmio_(mmio), vgic_(vgic), spis_(spis),
          windows_(windows), log_(log), smccc_(smccc), pci_(pci), firmware_(firmware), idle_(idle) {
    }

    [[nodiscard]] const DeviceRecord& record() const { return record_; }
    [[nodiscard]] std::string_view name() const { return record_.name; }
    [[nodiscard]] GuestMemory& memory() const { return memory_; }
    // Register the device's guest-physical ranges here (MmioBus::add).
    [[nodiscard]] MmioBus& mmio() const { return mmio_; }
    // Raise its interrupts here (inject, or set_level for a level-triggered line).
    [[nodiscard]] VgicDistributor& vgic() const { return vgic_; }
    [[nodiscard]] LogSink& log() const { return log_; }

    // A free SPI of the vGIC (not passed through, not another device's).
    [[nodiscard]] std::optional<unsigned> allocate_spi() { return spis_.allocate(); }
    // A free guest-physical range of `size` bytes (a power of two) for its registers, from
    // the VM's device window; nullopt when it has no room.
    [[nodiscard]] std::optional<base::GuestPhysRange> allocate_mmio(uint64_t size) {
        return windows_.allocate(size);
    }
    // Its backend connection of that name; nullptr if the configuration has none.
    [[nodiscard]] const BackendConnection* connection(std::string_view name) const;
    // The VM's virtual PCI host bridge, where PCI functions plug in (PciHost::add);
    // nullptr when the VM has none.
    [[nodiscard]] PciHost* pci() const { return pci_; }
    // The guest's HVC/SMC calls with function IDs first..last go to `handler` (a board's
    // firmware-call rules, say); false without a dispatcher or when SmcccDispatcher::add
    // refuses the range.
    [[nodiscard]] bool add_smccc(std::string_view name, uint32_t first, uint32_t last,
                                 SmcccHandler& handler) {
        return smccc_ != nullptr && smccc_->add(name, first, last, handler);
    }
    // The same for a firmware-call forwarder over its ranges (logs which one is taken).
    [[nodiscard]] bool add_smccc(SmcForwarder& forwarder,
                                 std::span<const SmcForwarder::Range> ranges) {
        return smccc_ != nullptr && forwarder.install(*smccc_, ranges, log_);
    }
    // The way to the board's secure firmware (the VM's `allow_smc`); nullptr: none.
    [[nodiscard]] FirmwareConduit* firmware() const { return firmware_; }
    // Where to ask to hear when the guest waits (the exit loop's); nullptr: nobody tells.
    [[nodiscard]] IdleWatch* idle_watch() const { return idle_; }
    // The device hears these notification bits (notified()). They must be badge bits of
    // its own connections; false otherwise.
    [[nodiscard]] bool listen(uint64_t bits);
    [[nodiscard]] uint64_t listened() const { return listened_; }

private:
    const DeviceRecord& record_;
    GuestMemory& memory_;
    MmioBus& mmio_;
    VgicDistributor& vgic_;
    SpiAllocator& spis_;
    MmioAllocator& windows_;
    LogSink& log_;
    SmcccDispatcher* smccc_;
    PciHost* pci_;
    FirmwareConduit* firmware_;
    IdleWatch* idle_;
    uint64_t listened_ = 0;
};

// Every device type linked into this program.
[[nodiscard]] std::span<const DeviceType* const> linked_device_types();
// The type a record names: by name, else by compatible; nullptr if none.
[[nodiscard]] const DeviceType* find_device_type(const DeviceRecord& record);

enum class DeviceError : uint8_t { Ok, UnknownType, CreateFailed, TooMany, BadNotification };
[[nodiscard]] const char* to_string(DeviceError error);

// The VM's devices: creates them from the configuration's records and forwards the
// guest-DTB hook, notifications and resets to them.
class DeviceHost final : public GuestDtbHook {
public:
    static constexpr std::size_t kMaxDevices = 32;

    // `mmio_window`: where devices place their registers (DeviceContext::allocate_mmio).
    // `smccc`: where devices register HVC/SMC handlers (DeviceContext::add_smccc).
    // `pci_window`: the PCI host bridge's ECAM and memory window (PciHost), empty: none.
    DeviceHost(GuestMemory& memory, MmioBus& mmio, VgicDistributor& vgic, unsigned num_irqs,
               NotificationRouter& notifications, LogSink& log,
               base::GuestPhysRange mmio_window = {}, SmcccDispatcher* smccc = nullptr,
               base::GuestPhysRange pci_window = {})
        : memory_(memory), mmio_(mmio), vgic_(vgic), spis_(num_irqs), windows_(mmio_window),
          notifications_(notifications), log_(log), smccc_(smccc),
          pci_(pci_window, mmio, vgic, log) {}
    DeviceHost(const DeviceHost&) = delete;
    DeviceHost& operator=(const DeviceHost&) = delete;
    ~DeviceHost();

    // SPIs taken before devices are created (passed-through interrupts): reserve here.
    [[nodiscard]] SpiAllocator& spis() { return spis_; }

    // Creates the devices in record order, logging "vmm: device <name> created" for
    // each; an unknown type is reported before any device is created, and the first
    // failure stops the rest.
    [[nodiscard]] DeviceError create(std::span<const DeviceRecord> records);

    [[nodiscard]] PciHost& pci() { return pci_; }
    // Devices created after this reach the firmware through `firmware` (DeviceContext).
    void use_firmware(FirmwareConduit* firmware) { firmware_ = firmware; }
    // Devices created after this ask `idle` to hear when the guest waits (DeviceContext).
    void use_idle_watch(IdleWatch* idle) { idle_ = idle; }
    // GuestDtbHook: every device's nodes, in creation order, then the PCI host bridge's.
    [[nodiscard]] bool add_nodes(GuestDtbWriter& dtb) override;
    // Guest reset: every device's reset().
    void reset();
    [[nodiscard]] std::size_t size() const { return count_; }

private:
    GuestMemory& memory_;
    MmioBus& mmio_;
    VgicDistributor& vgic_;
    SpiAllocator spis_;
    MmioAllocator windows_;
    NotificationRouter& notifications_;
    LogSink& log_;
    SmcccDispatcher* smccc_;
    FirmwareConduit* firmware_ = nullptr;
    IdleWatch* idle_ = nullptr;
    PciHost pci_;
    std::array<Device*, kMaxDevices> devices_{};
    std::size_t count_ = 0;
};

// Static storage for up to N devices of one type: make() constructs one in a free slot,
// nullptr when all N are in use; release() (from the device's Device::release) ends it
// and frees its slot.
template <class T, std::size_t N> class DeviceStorage {
public:
    template <class... Args> T* make(Args&&... args) {
        for (std::size_t i = 0; i < N; ++i) {
            if (taken_[i]) continue;
            taken_[i] = true;
            ++used_;
            return new (&slots_[i]) T(static_cast<Args&&>(args)...);
        }
        return nullptr;
    }
    void release(T* device) {
        for (std::size_t i = 0; i < N; ++i) {
            if (!taken_[i] || static_cast<void*>(&slots_[i]) != static_cast<void*>(device))
                continue;
            device->~T();
            taken_[i] = false;
            --used_;
        }
    }
    [[nodiscard]] std::size_t used() const { return used_; }

private:
    struct alignas(T) Slot {
        std::byte bytes[sizeof(T)];
    };
    Slot slots_[N];
    bool taken_[N] = {};
    std::size_t used_ = 0;
};

} // namespace vmm

#define BULKHEAD_VMM_DEVICE_CAT2(a, b) a##b
#define BULKHEAD_VMM_DEVICE_CAT(a, b) BULKHEAD_VMM_DEVICE_CAT2(a, b)
// BULKHEAD_VMM_DEVICE("virtio_net", "virtio,mmio", create_virtio_net[, "VmVirtioNetArping"]);
// (compatible may be nullptr; the last, optional, is DeviceType::upstream_option).
#define BULKHEAD_VMM_DEVICE(name, compatible, ...)                                                 \
    static const ::vmm::DeviceType BULKHEAD_VMM_DEVICE_CAT(bulkhead_vmm_device_, __LINE__){        \
        name, compatible, __VA_ARGS__};                                                            \
    [[gnu::used, gnu::retain,                                                                      \
      gnu::section("bulkhead_vmm_devices")]] static const ::vmm::DeviceType* const                 \
    BULKHEAD_VMM_DEVICE_CAT(bulkhead_vmm_device_ptr_, __LINE__) =                                  \
        &BULKHEAD_VMM_DEVICE_CAT(bulkhead_vmm_device_, __LINE__)
