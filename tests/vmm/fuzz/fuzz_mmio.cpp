// libFuzzer target: what a guest controls on a data abort. The syndrome, addresses and
// the faulting instruction come from the input; the decoded access is dispatched to a
// vGIC distributor and a scratch device and completed on a fake vCPU.
#include <vmm/mmio_bus.hpp>
#include <vmm/mmio_decode.hpp>
#include <vmm/vgic_distributor.hpp>

#include "../fake_list_registers.hpp"
#include "../fake_vcpu.hpp"
#include "fuzz_support.hpp"

#include <array>

namespace {

class Fetcher final : public vmm::InstructionFetcher {
public:
    explicit Fetcher(uint32_t insn) : insn_(insn) {}
    std::optional<uint32_t> fetch() override { return insn_; }

private:
    uint32_t insn_;
};

class Scratch final : public vmm::MmioDevice {
public:
    std::array<uint8_t, 0x1000> bytes{};
    bool read(uint64_t offset, unsigned size, unsigned, uint64_t& value) override {
        if (offset + size > bytes.size()) __builtin_trap(); // the bus must keep us in range
        value = 0;
        for (unsigned i = 0; i < size; ++i)
            value |= uint64_t{bytes[offset + i]} << (8 * i);
        return true;
    }
    bool write(uint64_t offset, unsigned size, unsigned, uint64_t value) override {
        if (offset + size > bytes.size()) __builtin_trap();
        for (unsigned i = 0; i < size; ++i)
            bytes[offset + i] = static_cast<uint8_t>(value >> (8 * i));
        return true;
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vmm::fuzz::InputReader in(data, size);
    vmm::DataAbortFault fault;
    fault.esr = in.take<uint64_t>();
    fault.far = in.take<uint64_t>();
    fault.hpfar = in.take<uint64_t>();
    Fetcher fetcher(in.take<uint32_t>());
    const uint64_t fill = in.take<uint64_t>();

    vmm::fuzz::NullLog log;
    vmm::test::FakeListRegisters lrs(4);
    std::array<vmm::ListRegisters*, 1> vcpus{&lrs};
    vmm::VgicDistributor gicd(288, vcpus, log);
    Scratch scratch;
    vmm::MmioBus bus(vmm::UnhandledAccessPolicy::InjectAbort, log);
    if (!bus.add("gicd", {base::GuestPhysAddr(0x8000000), vmm::VgicDistributor::kSize}, gicd) ||
        !bus.add("scratch", {base::GuestPhysAddr(0x9000000), 0x1000}, scratch)) {
        __builtin_trap();
    }
    vmm::test::FakeVcpu vcpu;
    for (unsigned i = 0; i < 31; ++i)
        vcpu.x[i] = fill * (i + 1);
    vcpu.stack = fill;

    vmm::MmioAccess access;
    if (vmm::decode_data_abort(fault, &fetcher, access) != vmm::DecodeStatus::Ok) return 0;
    if (access.size == 0 || access.size > 8 || access.rt > 31) __builtin_trap();
    if (access.is_pair() && access.rt2 > 31) __builtin_trap();
    (void)bus.handle(access, 0, vcpu);
    return 0;
}
