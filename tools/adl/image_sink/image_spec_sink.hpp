// The SpecSink over the image tool's SystemBuilder (tools/image): how the ADL
// tool's lowering becomes the kernel's system spec. Built only when tools/image is
// in the tree.
#pragma once

#include "adl/spec_lowering.hpp"

#include <image/system_builder.hpp>

namespace adl {

class ImageSpecSink : public SpecSink {
public:
    explicit ImageSpecSink(image::SystemBuilder& builder) : builder_(builder) {}

    uint32_t add_domain(const std::string& name) override;
    uint32_t add_endpoint(const std::string& name) override;
    uint32_t add_notification(const std::string& name) override;
    uint32_t add_irq_handler(uint32_t irq, uint32_t notification, uint64_t badge,
                             bool edge) override;
    uint32_t add_ram(const std::string& name, uint64_t size,
                     std::optional<base::PhysAddr> fixed) override;
    uint32_t add_device(const std::string& name, base::PhysRange range) override;
    void map(uint32_t domain, uint32_t region, uint64_t at, uint32_t rights, bool device) override;
    uint32_t give_cap(uint32_t domain, CapKind kind, uint32_t object, uint64_t badge,
                      uint32_t rights) override;

private:
    image::SystemBuilder& builder_;
};

} // namespace adl
