// Connectors plug into the lowering here: each connector name the front end accepts
// (adl::ConnectorRegistry) has one lowerer registered under the same name, which turns a
// connection into kernel objects: endpoints, notification capabilities and badges, shared
// regions. A connection whose connector has no lowerer is an error naming it.
#pragma once

#include "lowering/lowering.hpp"

#include <string_view>
#include <vector>

namespace lowering {

class ConnectorLowerer {
public:
    virtual ~ConnectorLowerer() = default;
    virtual void lower(Context& context, const adl::model::Connection& connection) = 0;
};

class ConnectorLowerers {
public:
    static ConnectorLowerer* find(std::string_view connector);
    static std::vector<std::string_view> names();
    static void add(std::string_view connector, ConnectorLowerer& lowerer);
};

struct ConnectorRegistration {
    ConnectorRegistration(std::string_view connector, ConnectorLowerer& lowerer) {
        ConnectorLowerers::add(connector, lowerer);
    }
};

} // namespace lowering
