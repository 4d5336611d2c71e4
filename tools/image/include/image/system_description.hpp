// A system as the image tool holds it before layout: plain data built through
// SystemBuilder, consumed by the layout, the spec writer and the packer.
#pragma once

#include "image/board.hpp"

#include <spec/system_spec.hpp>

#include <optional>
#include <string>
#include <vector>

namespace image {

struct DomainDesc {
    std::string name;
    std::vector<spec::Cap> caps; // slot i = caps[i]; slot 0 stays empty
    uint32_t threads = 0;
};

struct ThreadDesc {
    std::string name;
    uint32_t domain = 0;
    uint32_t priority = 0;
    uint64_t entry = 0;
    std::string program; // ELF loaded into the domain at pack time; entry is its entry
    uint64_t stack_top = 0;
    uint64_t arg = 0;
    uint32_t fault_endpoint = spec::kNone;
    uint64_t fault_badge = 0;
    uint32_t bound_notification = spec::kNone;
    bool start_suspended = false;
    bool cap_faults = false;
    bool vcpu = false; // spec::ThreadFlags::Vcpu
    uint32_t core = 0;
};

struct RegionDesc {
    std::string name;
    spec::RegionKind kind = spec::RegionKind::Ram;
    uint64_t size = 0;
    std::optional<base::PhysAddr> fixed; // devices, and RAM that must sit at one place
    std::vector<uint8_t> contents;       // RAM: initial bytes (the rest is zero)
    bool zero_on_first_touch = false;    // RAM: zeroed when first touched, not at boot
};

struct MappingDesc {
    uint32_t domain = 0;
    uint32_t region = 0;
    base::VirtAddr at;
    uint64_t offset = 0;
    uint64_t size = 0;
    uint32_t rights = 0;
    spec::Cacheability cacheability = spec::Cacheability::WriteBack;
    uint64_t window_size = 0; // movable (spec::Mapping::window_size): `at` is the window's base
};

struct IrqHandlerDesc {
    uint32_t irq = 0;
    uint32_t notification = 0;
    uint64_t badge = 0;
    bool edge = false;
};

// Notification `notification` chains into `parent` with `bit` (spec::Notification).
struct NotificationChain {
    uint32_t notification = 0;
    uint32_t parent = 0;
    uint32_t bit = 0;
};

struct SystemDescription {
    Board board;
    std::vector<DomainDesc> domains;
    std::vector<ThreadDesc> threads;
    std::vector<std::string> endpoints;
    std::vector<std::string> notifications;
    std::vector<NotificationChain> chains;
    std::vector<IrqHandlerDesc> irq_handlers;
    std::vector<RegionDesc> regions;
    std::vector<MappingDesc> mappings;
};

} // namespace image
