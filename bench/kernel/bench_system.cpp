// Kernel benchmark system: a client domain and a server domain (so every IPC and
// every wake crosses address spaces), one endpoint and one notification on core 0, and
// a second endpoint whose server runs on core 1 (the cross-core round trip).
#include "bench_slots.hpp"

#include <image/system_builder.hpp>

#include <iostream>

using namespace kernel_bench;

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: " << argv[0] << " <kernel.elf> <out.elf> <bench_component.elf>\n";
        return 2;
    }
    try {
        image::SystemBuilder sys(*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD));
        const auto client = sys.add_domain("bench-client");
        const auto server = sys.add_domain("bench-server");
        const auto ep = sys.add_endpoint("bench");
        const auto cross_ep = sys.add_endpoint("bench-cross");
        const auto n = sys.add_notification("bench");
        const auto shared = sys.add_ram("stamp", 4096);
        sys.map(client, shared, base::VirtAddr{kSharedIpa}, image::kRead | image::kWrite);
        sys.map(server, shared, base::VirtAddr{kSharedIpa}, image::kRead);
        sys.give_cap(client, image::endpoint_cap(ep, 1, spec::CapSend));
        sys.give_cap(client, image::notification_cap(n, 1, spec::CapSend));
        sys.give_cap(server, image::endpoint_cap(ep, 0, spec::CapReceive));
        sys.give_cap(server, image::notification_cap(n, 0, spec::CapReceive));
        sys.give_cap(server, image::system_control_cap());
        sys.give_cap(client, image::endpoint_cap(cross_ep, 2, spec::CapSend));
        sys.give_cap(server, image::endpoint_cap(cross_ep, 0, spec::CapReceive));
        const auto ce = sys.load_elf(client, argv[3]);
        const auto se = sys.load_elf(server, argv[3]);
        sys.add_thread(server, {.name = "server", .priority = 60, .entry = se, .arg = Server});
        sys.add_thread(server, {.name = "waiter", .priority = 70, .entry = se, .arg = Waiter});
        sys.add_thread(client, {.name = "client", .priority = 50, .entry = ce, .arg = Client});
        sys.add_thread(client,
                       {.name = "signaller", .priority = 40, .entry = ce, .arg = Signaller});
        // Lowest on core 0: runs once the same-core figures are printed.
        sys.add_thread(client,
                       {.name = "xclient", .priority = 30, .entry = ce, .arg = CrossClient});
        sys.add_thread(
            server,
            {.name = "xserver", .priority = 60, .entry = se, .arg = CrossServer, .core = 1});
        sys.pack(argv[1], argv[2]);
    } catch (const std::exception& e) {
        std::cerr << argv[0] << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
