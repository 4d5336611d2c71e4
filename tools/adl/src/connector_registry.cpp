// Registry of implemented connectors (see connector_registry.hpp).
#include "adl/connector_registry.hpp"

#include <algorithm>

namespace adl {

std::vector<ConnectorImplementation>& ConnectorRegistry::all() {
    static std::vector<ConnectorImplementation> registry;
    return registry;
}

ConnectorRegistry::Registration::Registration(ConnectorImplementation implementation) {
    all().push_back(implementation);
}

const ConnectorImplementation* ConnectorRegistry::find(std::string_view name) {
    for (const auto& c : all()) {
        if (c.name == name) {
            return &c;
        }
    }
    return nullptr;
}

std::vector<std::string_view> ConnectorRegistry::names() {
    std::vector<std::string_view> out;
    for (const auto& c : all()) {
        out.push_back(c.name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace adl
