// The fuzz targets' vCPU list registers: trap when a list register is written while it
// still holds an interrupt, beyond count(), or with an INTID no GIC has; the fuzz input
// plays the guest's EOI by clearing `busy`.
#pragma once

#include <vmm/list_registers.hpp>

#include <array>
#include <cstdint>
#include <span>

namespace vmm::fuzz {

class CheckingListRegisters final : public ListRegisters {
public:
    CheckingListRegisters() = default;
    explicit CheckingListRegisters(unsigned n) : n_(n) {}
    unsigned count() const override { return n_; }
    void write(unsigned index, const ListRegisterEntry& entry, EoiReport /*report*/) override {
        if (index >= n_ || busy[index]) __builtin_trap();
        if (entry.virq >= 1020) __builtin_trap(); // INTIDs 1020..1023 are special
        busy[index] = true;
    }
    void want_eoi_at_once() override {}
    std::array<bool, 16> busy{};

private:
    unsigned n_ = 0;
};

// Up to eight vCPUs with `num_lrs` list registers each.
struct CheckingVcpus {
    CheckingVcpus(unsigned num_lrs, unsigned num_vcpus) : count(num_vcpus) {
        for (unsigned i = 0; i < num_vcpus; ++i) {
            lrs[i] = CheckingListRegisters(num_lrs);
            pointers[i] = &lrs[i];
        }
    }
    [[nodiscard]] std::span<ListRegisters* const> span() const {
        return std::span(pointers).first(count);
    }
    std::array<CheckingListRegisters, 8> lrs{};
    std::array<ListRegisters*, 8> pointers{};
    unsigned count;
};

} // namespace vmm::fuzz
