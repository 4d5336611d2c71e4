// vm_uart_fwd's native driver (Pl011Fwd.camkes): performs each forwarded access on the
// PL011's registers, mapped here as device memory. Only naturally aligned 1, 2 and 4-byte
// accesses inside the 4 KiB register page are performed (the VMM has checked that already;
// a driver owning a device checks again); others are refused. It counts what it served and
// says so once, at the 4096th (more lines would cut into the guest's on the same UART).
#include "Pl011Fwd_glue.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>
#include <runtime/rpc_transport.hpp>

#include <cstdint>
#include <span>

using namespace runtime;

namespace {

constexpr int32_t kBadAccess = -22; // EINVAL

class Driver {
public:
    explicit Driver(std::span<std::byte> regs) : regs_(regs) {}

    int32_t read(uint64_t, uint64_t offset, int32_t size, uint64_t& value) {
        if (!valid(offset, size)) return kBadAccess;
        std::byte* at = regs_.data() + offset;
        // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast): device registers
        value = size == 4   ? *reinterpret_cast<volatile uint32_t*>(at)
                : size == 2 ? *reinterpret_cast<volatile uint16_t*>(at)
                            : *reinterpret_cast<volatile uint8_t*>(at);
        // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
        served();
        return 0;
    }
    int32_t write(uint64_t, uint64_t offset, int32_t size, uint64_t value) {
        if (!valid(offset, size)) return kBadAccess;
        std::byte* at = regs_.data() + offset;
        // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast): device registers
        if (size == 4) {
            *reinterpret_cast<volatile uint32_t*>(at) = static_cast<uint32_t>(value);
        } else if (size == 2) {
            *reinterpret_cast<volatile uint16_t*>(at) = static_cast<uint16_t>(value);
        } else {
            *reinterpret_cast<volatile uint8_t*>(at) = static_cast<uint8_t>(value);
        }
        // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
        served();
        return 0;
    }

private:
    [[nodiscard]] bool valid(uint64_t offset, int32_t size) const {
        return (size == 1 || size == 2 || size == 4) && offset % static_cast<uint64_t>(size) == 0 &&
               offset < regs_.size() && static_cast<uint64_t>(size) <= regs_.size() - offset;
    }
    void served() {
        if (++count_ == 4096) out() << "pl011_fwd: " << Dec{count_} << " accesses served\n";
    }

    std::span<std::byte> regs_;
    uint64_t count_ = 0;
};

} // namespace

extern "C" void component_main(uint64_t) {
    using Self = bulkhead::glue::Pl011Fwd::Instance;
    const Self self = Self::mapped();
    if (!self.valid() || !self.uartfwd_connected() || !self.uart_connected()) {
        out() << "pl011_fwd: FAILED: bad instance page\n";
        exit();
    }
    out() << "pl011_fwd: driving the PL011 for the VM\n";
    Driver driver(self.uart_buffer().span());
    serve(EndpointCap(Slot{self.uartfwd_slot()}), [&](uint64_t badge, base::RpcMessage& m) {
        return bulkhead::glue::Pl011Fwd::uartfwd_dispatch(driver, badge, m);
    });
}
