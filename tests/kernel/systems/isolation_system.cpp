// kernel_isolation: attackers (one thread per act) whose faults go to a supervisor
// through a fault endpoint; an echo server in a third domain keeps answering.
#include "components/isolation_slots.hpp"
#include "systems/test_system.hpp"

using namespace isolation_test;

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 3, [](const test_system::Args& a) {
        image::SystemBuilder sys(test_system::board());
        const auto attacker = sys.add_domain("attacker");
        const auto supervisor = sys.add_domain("supervisor");
        const auto echo = sys.add_domain("echo");
        const auto fault_ep = sys.add_endpoint("faults");
        const auto echo_ep = sys.add_endpoint("echo");
        const auto n = sys.add_notification("attacker-own");
        test_system::expect_slot(
            sys.give_cap(attacker, image::notification_cap(n, 1, spec::CapAll)),
            kAttackerNotificationSlot);
        test_system::expect_slot(
            sys.give_cap(attacker, image::endpoint_cap(echo_ep, 3, spec::CapSend)),
            kAttackerSendOnlySlot);
        test_system::expect_slot(
            sys.give_cap(supervisor, image::endpoint_cap(fault_ep, 0, spec::CapReceive)),
            kFaultEndpointSlot);
        test_system::expect_slot(
            sys.give_cap(supervisor, image::endpoint_cap(echo_ep, 0, spec::CapSend)), kEchoSlot);
        test_system::expect_slot(sys.give_cap(supervisor, image::system_control_cap()), kPowerSlot);
        test_system::expect_slot(
            sys.give_cap(echo, image::endpoint_cap(echo_ep, 0, spec::CapReceive)), kEchoServeSlot);
        // A RAM region of the echo domain at the physical address the attacker probes
        // would be ideal, but the layout decides addresses; the probe address is an IPA
        // the attacker's stage-2 table simply does not map.
        const auto attacker_entry = sys.load_elf(attacker, a.components[0]);
        sys.add_thread(supervisor, {.name = "supervisor",
                                    .priority = 150,
                                    .entry = sys.load_elf(supervisor, a.components[1])});
        sys.add_thread(
            echo, {.name = "echo", .priority = 100, .entry = sys.load_elf(echo, a.components[2])});
        // Highest first: the handler-less fault, then the cap probes, then the faults.
        sys.add_thread(attacker, {.name = "nohandler",
                                  .priority = 60,
                                  .entry = attacker_entry,
                                  .arg = FaultWithoutHandler});
        sys.add_thread(
            attacker,
            {.name = "caps", .priority = 55, .entry = attacker_entry, .arg = InvokeCapsNotHeld});
        for (unsigned long act = ReadForeignMemory; act <= CapNotHeldFaults; ++act) {
            // Descending priorities keep the fault order fixed whatever the tick does.
            const auto t = sys.add_thread(attacker, {.name = "act" + std::to_string(act),
                                                     .priority = static_cast<uint32_t>(50 - act),
                                                     .entry = attacker_entry,
                                                     .arg = act,
                                                     .cap_faults = act == CapNotHeldFaults});
            sys.set_fault_endpoint(t, fault_ep, act);
        }
        sys.pack(a.kernel, a.out);
    });
}
