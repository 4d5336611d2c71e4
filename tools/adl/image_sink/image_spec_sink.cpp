// SpecSink over image::SystemBuilder (see image_spec_sink.hpp).
#include "image_spec_sink.hpp"

namespace adl {

uint32_t ImageSpecSink::add_domain(const std::string& name) {
    return builder_.add_domain(name).index;
}

uint32_t ImageSpecSink::add_endpoint(const std::string& name) {
    return builder_.add_endpoint(name).index;
}

uint32_t ImageSpecSink::add_notification(const std::string& name) {
    return builder_.add_notification(name).index;
}

uint32_t ImageSpecSink::add_irq_handler(uint32_t irq, uint32_t notification, uint64_t badge,
                                        bool edge) {
    return builder_.add_irq_handler(irq, image::NotificationId{notification}, badge, edge).index;
}

uint32_t ImageSpecSink::add_ram(const std::string& name, uint64_t size,
                                std::optional<base::PhysAddr> fixed) {
    // RAM at a chosen physical address: a unity-mapped guest's RAM.
    if (fixed) return builder_.add_ram_at(name, {*fixed, size}).index;
    return builder_.add_ram(name, size).index;
}

uint32_t ImageSpecSink::add_device(const std::string& name, base::PhysRange range) {
    return builder_.add_device(name, range).index;
}

void ImageSpecSink::map(uint32_t domain, uint32_t region, uint64_t at, uint32_t rights,
                        bool device) {
    builder_.map(image::DomainId{domain}, image::RegionId{region}, base::VirtAddr(at), rights,
                 device ? spec::Cacheability::Device : spec::Cacheability::WriteBack);
}

uint32_t ImageSpecSink::give_cap(uint32_t domain, CapKind kind, uint32_t object, uint64_t badge,
                                 uint32_t rights) {
    spec::Cap cap{};
    switch (kind) {
    case CapKind::Endpoint:
        cap = image::endpoint_cap(image::EndpointId{object}, badge, rights);
        break;
    case CapKind::Notification:
        cap = image::notification_cap(image::NotificationId{object}, badge, rights);
        break;
    case CapKind::IrqHandler:
        cap = image::irq_handler_cap(image::IrqHandlerId{object});
        break;
    }
    return builder_.give_cap(image::DomainId{domain}, cap);
}

} // namespace adl
