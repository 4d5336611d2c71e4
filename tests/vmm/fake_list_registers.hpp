// Test fake for a vCPU's GIC list registers: records every write and keeps the
// current contents so tests can play the guest's EOI.
#pragma once

#include <vmm/list_registers.hpp>

#include <optional>
#include <utility>
#include <vector>

namespace vmm::test {

class FakeListRegisters final : public ListRegisters {
public:
    explicit FakeListRegisters(unsigned n) : lrs(n) {}

    std::vector<std::optional<ListRegisterEntry>> lrs;
    std::vector<std::pair<unsigned, ListRegisterEntry>> writes;

    unsigned count() const override { return static_cast<unsigned>(lrs.size()); }
    void write(unsigned index, const ListRegisterEntry& entry, EoiReport report) override {
        lrs.at(index) = entry;
        writes.emplace_back(index, entry);
        reports.push_back(report);
    }
    void want_eoi_at_once() override { ++eoi_at_once_requests; }
    // How each write asked for its EOI to be reported (in the order of `writes`).
    std::vector<EoiReport> reports;
    unsigned eoi_at_once_requests = 0;
    // The guest EOIs the interrupt in list register `index` (the hardware empties it).
    void guest_eoi(unsigned index) { lrs.at(index).reset(); }
    [[nodiscard]] unsigned in_use() const {
        unsigned n = 0;
        for (const auto& lr : lrs)
            n += lr.has_value() ? 1 : 0;
        return n;
    }
};

} // namespace vmm::test
