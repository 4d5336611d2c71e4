// Test fake for the vCPU's register file: plain arrays the tests inspect.
#pragma once

#include <vmm/vcpu_registers.hpp>

#include <array>
#include <cstdint>

namespace vmm::test {

class FakeVcpu final : public VcpuRegisters {
public:
    std::array<uint64_t, 31> x{};
    uint64_t stack = 0;
    uint64_t program_counter = 0x1000;

    uint64_t gpr(unsigned n) const override { return x.at(n); }
    void set_gpr(unsigned n, uint64_t value) override { x.at(n) = value; }
    uint64_t sp() const override { return stack; }
    void set_sp(uint64_t value) override { stack = value; }
    uint64_t pc() const override { return program_counter; }
    void set_pc(uint64_t value) override { program_counter = value; }
};

} // namespace vmm::test
