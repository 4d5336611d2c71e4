// native_components' server (CalcServer.camkes): serves Calc (calc_service.hpp) on its
// one endpoint through the generated dispatch, knowing callers by badge. The `ready`
// event arrives through the same receive (the notification is bound to this thread);
// the server then rewrites the text in the shared dataport and signals `done`.
#include "CalcServer_glue.hpp"
#include "calc_service.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>
#include <runtime/rpc_transport.hpp>

#include <cstdint>

using namespace runtime;

extern "C" void component_main(uint64_t) {
    using Self = bulkhead::glue::CalcServer::Instance;
    const Self self = Self::mapped();
    if (!self.valid() || !self.calc_connected()) {
        out() << "calc: FAILED: bad instance page\n";
        exit();
    }
    out() << "calc: serving Calc\n";
    calc::Service service;
    const NotificationCap done(Slot{self.done_slot()});
    serve(
        EndpointCap(Slot{self.calc_slot()}),
        [&](uint64_t badge, base::RpcMessage& m) {
            return bulkhead::glue::CalcServer::calc_dispatch(service, badge, m);
        },
        [&](uint64_t bits) {
            if ((bits & self.ready_badge()) == 0 || !self.shared_connected()) return;
            const uint64_t n = calc::rewrite(self.shared_buffer().span());
            out() << "calc: ready event: rewrote the " << Dec{n}
                  << " bytes in the dataport in place\n";
            if (self.done_connected()) done.signal();
        });
}
