// Lookups and names of the resolved model (see system_model.hpp).
#include "adl/system_model.hpp"

namespace adl::model {

const Attribute* Instance::attribute(std::string_view name) const {
    for (const auto& a : attributes) {
        if (a.name == name) {
            return &a;
        }
    }
    return nullptr;
}

const Instance* System::instance(std::string_view name) const {
    for (const auto& i : instances) {
        if (i.name == name) {
            return &i;
        }
    }
    return nullptr;
}

uint64_t System::event_mask(std::string_view instance, std::string_view interface) const {
    uint64_t mask = 0;
    for (const auto& c : connections) {
        if (c.kind != ConnectionKind::Event) {
            continue;
        }
        for (const auto& t : c.to) {
            if (t.instance != instance || t.interface != interface) {
                continue;
            }
            for (const auto& f : c.from) {
                mask |= f.badge;
            }
        }
    }
    for (const auto& q : irqs) {
        if (q.owner == instance && q.interface == interface) {
            mask |= q.badge; // a hardware interrupt delivered as this event
        }
    }
    return mask;
}

const char* to_string(ConnectionKind kind) {
    switch (kind) {
    case ConnectionKind::Rpc:
        return "rpc";
    case ConnectionKind::Event:
        return "event";
    case ConnectionKind::SharedMemory:
        return "shared-memory";
    case ConnectionKind::DtbPassthrough:
        return "dtb-passthrough";
    case ConnectionKind::DeviceMemory:
        return "device-memory";
    case ConnectionKind::DeviceInterrupt:
        return "device-interrupt";
    }
    return "?";
}

const char* to_string(RegionKind kind) {
    switch (kind) {
    case RegionKind::GuestRam:
        return "guest-ram";
    case RegionKind::Device:
        return "device";
    }
    return "?";
}

} // namespace adl::model
