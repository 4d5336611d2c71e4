// kernel_ipc_pingpong: a client and a server domain joined by one endpoint; the
// client's capability carries a badge the server checks.
#include "components/ipc_slots.hpp"
#include "systems/test_system.hpp"

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 2, [](const test_system::Args& a) {
        image::SystemBuilder sys(test_system::board());
        const auto client = sys.add_domain("client");
        const auto server = sys.add_domain("server");
        const auto ep = sys.add_endpoint("pingpong");
        test_system::expect_slot(
            sys.give_cap(client, image::endpoint_cap(ep, ipc_test::kClientBadge, spec::CapSend)),
            ipc_test::kEndpointSlot);
        test_system::expect_slot(sys.give_cap(client, image::system_control_cap()),
                                 ipc_test::kPowerSlot);
        test_system::expect_slot(sys.give_cap(server, image::endpoint_cap(ep, 0, spec::CapReceive)),
                                 ipc_test::kEndpointSlot);
        sys.add_thread(
            client,
            {.name = "client", .priority = 50, .entry = sys.load_elf(client, a.components[0])});
        sys.add_thread(
            server,
            {.name = "server", .priority = 60, .entry = sys.load_elf(server, a.components[1])});
        sys.pack(a.kernel, a.out);
    });
}
