// Typed, read-only access to a spec in memory after it has been validated:
// each table as a std::span of its records.
#pragma once

#include "spec/system_spec.hpp"

#include <span>

namespace spec {

class SpecView {
public:
    SpecView() = default;
    explicit SpecView(const uint8_t* data) : data_(data) {}

    [[nodiscard]] const Header& header() const { return *reinterpret_cast<const Header*>(data_); }
    [[nodiscard]] const Board& board() const { return table<Board>(Table::Board)[0]; }
    [[nodiscard]] std::span<const Domain> domains() const { return table<Domain>(Table::Domains); }
    [[nodiscard]] std::span<const Thread> threads() const { return table<Thread>(Table::Threads); }
    [[nodiscard]] std::span<const Endpoint> endpoints() const {
        return table<Endpoint>(Table::Endpoints);
    }
    [[nodiscard]] std::span<const Notification> notifications() const {
        return table<Notification>(Table::Notifications);
    }
    [[nodiscard]] std::span<const IrqHandler> irq_handlers() const {
        return table<IrqHandler>(Table::IrqHandlers);
    }
    [[nodiscard]] std::span<const Region> regions() const { return table<Region>(Table::Regions); }
    [[nodiscard]] std::span<const Mapping> mappings() const {
        return table<Mapping>(Table::Mappings);
    }
    [[nodiscard]] std::span<const Cap> caps() const { return table<Cap>(Table::Caps); }

    template <class T> [[nodiscard]] std::span<const T> table(Table t) const {
        const TableRef& ref = header().tables[static_cast<uint32_t>(t)];
        return {reinterpret_cast<const T*>(data_ + ref.offset), ref.count};
    }

private:
    const uint8_t* data_ = nullptr;
};

} // namespace spec
