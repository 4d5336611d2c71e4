// kernel_thread_control: a controller domain holding thread caps for threads of a
// worker domain, one of them created suspended, with the controller as its fault
// handler.
#include "components/thread_control_slots.hpp"
#include "systems/test_system.hpp"

using namespace thread_control_test;

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 2, [](const test_system::Args& a) {
        image::SystemBuilder sys(test_system::board());
        const auto ctl = sys.add_domain("ctl");
        const auto work = sys.add_domain("work");
        const auto faults = sys.add_endpoint("faults");
        const auto done = sys.add_notification("done");
        const auto shared = sys.add_ram("shared", 4096);
        sys.map(ctl, shared, base::VirtAddr{kSharedIpa}, image::kRead);
        sys.map(work, shared, base::VirtAddr{kSharedIpa}, image::kRead | image::kWrite);
        const auto work_entry = sys.load_elf(work, a.components[1]);
        sys.add_thread(
            ctl, {.name = "ctl", .priority = 50, .entry = sys.load_elf(ctl, a.components[0])});
        const auto worker = sys.add_thread(
            work, {.name = "worker", .priority = 50, .entry = work_entry, .arg = Worker});
        const auto faulter = sys.add_thread(work, {.name = "faulter",
                                                   .priority = 60,
                                                   .entry = work_entry,
                                                   .arg = Faulter,
                                                   .start_suspended = true});
        sys.set_fault_endpoint(faulter, faults, 1);
        sys.add_thread(work,
                       {.name = "yield-a", .priority = 40, .entry = work_entry, .arg = YielderA});
        sys.add_thread(work,
                       {.name = "yield-b", .priority = 40, .entry = work_entry, .arg = YielderB});
        using test_system::expect_slot;
        expect_slot(sys.give_cap(ctl, image::thread_cap(worker)), kWorkerSlot);
        expect_slot(sys.give_cap(ctl, image::thread_cap(faulter)), kFaulterSlot);
        expect_slot(sys.give_cap(ctl, image::endpoint_cap(faults, 0, spec::CapReceive)),
                    kFaultSlot);
        expect_slot(sys.give_cap(ctl, image::notification_cap(done, 0, spec::CapReceive)),
                    kDoneSlot);
        expect_slot(sys.give_cap(ctl, image::system_control_cap()), kPowerSlot);
        expect_slot(sys.give_cap(work, image::notification_cap(done, 1, spec::CapSend)),
                    kSignalDoneSlot);
        sys.pack(a.kernel, a.out);
    });
}
