// vm_device_fwd's native component (FwdRegisters.camkes): serves the VM's forwarded
// accesses to its register file (register_file.hpp), printing each one in the order it
// arrives; refusals are printed rate-limited (a guest can make as many as it likes).
#include "FwdRegisters_glue.hpp"
#include "register_file.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>
#include <runtime/rpc_transport.hpp>

#include <cstdint>

using namespace runtime;

namespace {

class Service {
public:
    int32_t read(uint64_t, uint64_t offset, int32_t size, uint64_t& value) {
        const int32_t r = file_.read(offset, size, value);
        if (r == 0) {
            out() << "fwd_registers: #" << Dec{file_.count()} << " read " << Hex{offset} << " -> "
                  << Hex{value} << "\n";
        } else {
            refused("read", offset, size, r);
        }
        return r;
    }
    int32_t write(uint64_t, uint64_t offset, int32_t size, uint64_t value) {
        const int32_t r = file_.write(offset, size, value);
        if (r == 0) {
            out() << "fwd_registers: #" << Dec{file_.count()} << " write " << Hex{offset} << " <- "
                  << Hex{value} << "\n";
        } else {
            refused("write", offset, size, r);
        }
        return r;
    }

private:
    // The first five, then at powers of two.
    void refused(const char* what, uint64_t offset, int32_t size, int32_t errno_value) {
        ++refusals_;
        if (refusals_ > 5 && (refusals_ & (refusals_ - 1)) != 0) return;
        out() << "fwd_registers: refused " << what << " of " << Dec{static_cast<uint64_t>(size)}
              << " bytes at " << Hex{offset} << " (errno "
              << Dec{static_cast<uint64_t>(-errno_value)} << ", " << Dec{refusals_}
              << " refused in all)\n";
    }

    fwd_registers::RegisterFile file_;
    uint64_t refusals_ = 0;
};

} // namespace

extern "C" void component_main(uint64_t) {
    using Self = bulkhead::glue::FwdRegisters::Instance;
    const Self self = Self::mapped();
    if (!self.valid() || !self.regs_connected()) {
        out() << "fwd_registers: FAILED: bad instance page\n";
        exit();
    }
    out() << "fwd_registers: serving the forwarded register file\n";
    Service service;
    serve(EndpointCap(Slot{self.regs_slot()}), [&](uint64_t badge, base::RpcMessage& m) {
        return bulkhead::glue::FwdRegisters::regs_dispatch(service, badge, m);
    });
}
