// One forwarded device range on the VM's MMIO bus: each guest access to it is decoded
// (forwarding.hpp), sent to the native component that owns the device through the
// connection's endpoint, and answered with what that component returned. An access the
// decoder or the server refuses is logged (rate-limited: a guest can make as many as it
// likes) and refused on the bus, which injects a synchronous external abort: what a
// device that answers with a slave error makes the architecture do.
#pragma once

#include <device_fwd/forwarding.hpp>

#include <vmm/device.hpp>
#include <vmm/log.hpp>
#include <vmm/mmio_bus.hpp>

#include <cstdint>
#include <string_view>

namespace device_fwd {

class ForwardedRange final : public vmm::MmioDevice {
public:
    // `name`: the VM's interface (logs); `slot` on `port`: the server's endpoint.
    ForwardedRange(std::string_view name, uint64_t size, vmm::BackendPort& port, uint32_t slot,
                   vmm::LogSink& log)
        : name_(name), size_(size), port_(port), slot_(slot), log_(log),
          refused_(log, "refused forwarded accesses") {}

    [[nodiscard]] bool read(uint64_t offset, unsigned size, unsigned vcpu,
                            uint64_t& value) override;
    [[nodiscard]] bool write(uint64_t offset, unsigned size, unsigned vcpu,
                             uint64_t value) override;

    [[nodiscard]] uint64_t forwarded() const { return forwarded_; }
    [[nodiscard]] uint64_t refused() const { return refused_.count(); }

private:
    [[nodiscard]] bool forward(Op op, uint64_t offset, unsigned size, uint64_t& value);
    void refuse(const Request& r, Fault why, int32_t status);

    std::string_view name_;
    uint64_t size_;
    vmm::BackendPort& port_;
    uint32_t slot_;
    vmm::LogSink& log_;
    vmm::GuestEventLimit refused_;
    uint64_t forwarded_ = 0;
};

} // namespace device_fwd
