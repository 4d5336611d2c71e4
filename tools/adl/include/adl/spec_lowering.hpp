// Lowers the resolved system to the kernel's static objects: one protection
// domain per instance (plus a guest address space per VM), an endpoint per RPC
// connection, one bound notification per instance that receives events or IRQs,
// IRQ handlers for passed-through interrupts, RAM and device regions and their
// mappings, and every capability in its slot.
//
// The calls go to a SpecSink, whose vocabulary is that of the image tool's
// SystemBuilder (tools/image on the kernel branch): an adapter over it is all the
// image tool needs. Until it lands, tests drive the lowering with a recording sink.
#pragma once

#include "adl/system_model.hpp"

#include <base/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace adl {

enum class CapKind { Endpoint, Notification, IrqHandler };

inline constexpr uint32_t map_read = 1, map_write = 2, map_execute = 4; // spec::Rights
inline constexpr uint32_t cap_send = 1, cap_receive = 2;                // spec::CapRights

class SpecSink {
public:
    virtual ~SpecSink() = default;
    virtual uint32_t add_domain(const std::string& name) = 0;
    virtual uint32_t add_endpoint(const std::string& name) = 0;
    virtual uint32_t add_notification(const std::string& name) = 0;
    virtual uint32_t add_irq_handler(uint32_t irq, uint32_t notification, uint64_t badge,
                                     bool edge) = 0;
    // RAM at a fixed physical address when 'fixed' is set (guest RAM mapped 1:1).
    virtual uint32_t add_ram(const std::string& name, uint64_t size,
                             std::optional<base::PhysAddr> fixed) = 0;
    virtual uint32_t add_device(const std::string& name, base::PhysRange range) = 0;
    virtual void map(uint32_t domain, uint32_t region, uint64_t at, uint32_t rights,
                     bool device) = 0;
    // Puts the capability in the domain's next free slot; returns the slot.
    virtual uint32_t give_cap(uint32_t domain, CapKind kind, uint32_t object, uint64_t badge,
                              uint32_t rights) = 0;
};

// Where things ended up for one instance: what its glue and runtime need.
struct LoweredInstance {
    std::string name;
    uint32_t domain = 0;
    std::optional<uint32_t> guest_space; // VMs: the domain holding the guest's stage-2 space
    uint32_t priority = 0;
    struct Slot {
        std::string name; // "<interface>" for endpoints, "notification", "irq<N>"
        uint32_t slot = 0;
    };
    std::vector<Slot> caps;
    struct Mapping {
        std::string name; // "<interface>_buffer", "guest_ram", device node
        uint64_t at = 0;
        uint64_t size = 0;
    };
    std::vector<Mapping> mappings;
};

// Component address-space window the lowering places shared buffers in.
inline constexpr uint64_t shared_buffer_base = 0x10'0000'0000;

std::vector<LoweredInstance> lower_to_spec(const model::System& system, SpecSink& sink);

// A sink that only numbers objects and slots the way the image tool's builder does
// (objects from 0, capability slots per domain from 1; slot 0 stays empty), so the
// glue can name capability slots before the image is packed.
class NumberingSpecSink : public SpecSink {
public:
    uint32_t add_domain(const std::string&) override;
    uint32_t add_endpoint(const std::string&) override { return endpoints_++; }
    uint32_t add_notification(const std::string&) override { return notifications_++; }
    uint32_t add_irq_handler(uint32_t, uint32_t, uint64_t, bool) override {
        return irq_handlers_++;
    }
    uint32_t add_ram(const std::string&, uint64_t, std::optional<base::PhysAddr>) override {
        return regions_++;
    }
    uint32_t add_device(const std::string&, base::PhysRange) override { return regions_++; }
    void map(uint32_t, uint32_t, uint64_t, uint32_t, bool) override {}
    uint32_t give_cap(uint32_t domain, CapKind, uint32_t, uint64_t, uint32_t) override;

private:
    uint32_t endpoints_ = 0, notifications_ = 0, irq_handlers_ = 0, regions_ = 0;
    std::vector<uint32_t> next_slot_;
};

} // namespace adl
