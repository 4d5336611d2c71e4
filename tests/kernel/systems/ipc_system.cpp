// kernel_ipc_pingpong: a client and a server domain joined by one endpoint; the
// client's capability carries a badge the server checks. With an extra argument
// `cross` the client runs on core 1 and the server on core 2: every call and reply
// crosses cores.
#include "components/ipc_slots.hpp"
#include "systems/test_system.hpp"

int main(int argc, char** argv) {
    const bool cross = argc > 5 && std::string(argv[5]) == "cross";
    const uint32_t client_core = cross ? 1 : 0;
    const uint32_t server_core = cross ? 2 : 0;
    return test_system::run(cross ? argc - 1 : argc, argv, 2, [&](const test_system::Args& a) {
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
        sys.add_thread(client, {.name = "client",
                                .priority = 50,
                                .entry = sys.load_elf(client, a.components[0]),
                                .core = client_core});
        sys.add_thread(server, {.name = "server",
                                .priority = 60,
                                .entry = sys.load_elf(server, a.components[1]),
                                .core = server_core});
        sys.pack(a.kernel, a.out);
    });
}
