// Connectors Bulkhead implements, by upstream name. Each family registers itself
// from its own file; the resolver looks connectors up here after checking the
// .camkes declaration of their sides.
#pragma once

#include "adl/system_model.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace adl {

struct ConnectorImplementation {
    std::string_view name;
    model::ConnectionKind kind;
    bool ends_share_type = true; // all ends speak the same procedure / event type
    bool shared_buffer = false;  // carries a buffer sized by <from-interface>_shmem_size
    uint64_t default_buffer = 0;
    std::string_view description;
    // Each `from` end gets a bit of its own instance's bound notification, which the
    // other ends signal (virtqueues: each side wakes the other).
    bool signals_ends = false;
    // The server signals the bound notification of each caller of this procedure
    // (seL4SerialServer: GetChar, "input has arrived"), with a bit the resolver takes from
    // the caller's bits (End::signal). Callers of other procedures get no bit: a caller's
    // notification word is shared with its events and IRQs.
    std::string_view signals_callers_of;
    // Each caller of this procedure may also signal the server's bound notification, with
    // a bit the resolver takes from the server's bits (End::wake): seL4SerialServer's Batch,
    // "output is waiting in my buffer", an asynchronous batch().
    std::string_view wakes_server_from;
};

class ConnectorRegistry {
public:
    static const ConnectorImplementation* find(std::string_view name);
    static std::vector<std::string_view> names();

    struct Registration {
        explicit Registration(ConnectorImplementation implementation);
    };

private:
    static std::vector<ConnectorImplementation>& all();
};

} // namespace adl
