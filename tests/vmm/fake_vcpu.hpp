// Test fake for a vCPU: plain fields the tests set and inspect.
#pragma once

#include <vmm/vcpu.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace vmm::test {

class FakeVcpu final : public Vcpu {
public:
    std::array<uint64_t, 31> x{};
    uint64_t stack = 0;
    uint64_t program_counter = 0x1000;
    uint64_t guest_pstate = 0x3c5; // EL1h, DAIF masked
    uint64_t vbar = 0xffff800008010000;
    std::optional<El1ExceptionEntry> exception; // the last one entered
    bool suspended = false;
    unsigned index = 0;
    unsigned idle_requests = 0;       // request_idle_exit() calls
    bool idle_exits_available = true; // what request_idle_exit() answers
    std::vector<uint32_t> prefetched; // each prefetch() call's mask

    uint64_t gpr(unsigned n) const override { return x.at(n); }
    void set_gpr(unsigned n, uint64_t value) override { x.at(n) = value; }
    uint64_t sp() const override { return stack; }
    void set_sp(uint64_t value) override { stack = value; }
    uint64_t pc() const override { return program_counter; }
    void set_pc(uint64_t value) override { program_counter = value; }
    unsigned id() const override { return index; }
    uint64_t pstate() const override { return guest_pstate; }
    uint64_t vbar_el1() const override { return vbar; }
    void enter_exception(const El1ExceptionEntry& entry) override {
        exception = entry;
        guest_pstate = entry.pstate;
        program_counter = entry.pc;
    }
    void suspend() override { suspended = true; }
    bool request_idle_exit() override {
        ++idle_requests;
        return idle_exits_available;
    }
    void prefetch(uint32_t registers) override { prefetched.push_back(registers); }
};

} // namespace vmm::test
