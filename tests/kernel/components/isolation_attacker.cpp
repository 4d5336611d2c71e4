// kernel_isolation attacker: each thread commits one act (its argument).
#include "components/isolation_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace isolation_test;

namespace {
// Not code: "executing" it must fault on the execute-never data mapping.
volatile uint32_t g_garbage[4] = {0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0xdeadbeef};
} // namespace

extern "C" void component_main(uint64_t act) {
    switch (act) {
    case ReadForeignMemory:
    case FaultWithoutHandler: {
        const uint64_t v = *reinterpret_cast<volatile uint64_t*>(kForeignAddress);
        out() << "attacker: read foreign memory " << Hex{v} << " (isolation broken)\n";
        break;
    }
    case ExecuteData: {
        auto fn = reinterpret_cast<void (*)()>(reinterpret_cast<uintptr_t>(&g_garbage[0]));
        fn();
        out() << "attacker: executed data (isolation broken)\n";
        break;
    }
    case UndefinedInstruction:
        asm volatile(".inst 0x00000000"); // UDF #0
        out() << "attacker: survived an undefined instruction\n";
        break;
    case WriteOwnCode:
        *reinterpret_cast<volatile uint32_t*>(reinterpret_cast<uintptr_t>(&component_main)) = 0;
        out() << "attacker: wrote its own code (isolation broken)\n";
        break;
    case CapNotHeldFaults: {
        Message m;
        const Status s = EndpointCap(Slot{7}).call(m); // stops here until the handler replies
        out() << "attacker: resumed after its capability fault with status "
              << Dec{static_cast<uint64_t>(s)} << " (isolation broken)\n";
        break;
    }
    case InvokeCapsNotHeld: {
        Message m;
        const Status empty = EndpointCap(Slot{7}).call(m);
        const Status wrong = EndpointCap(Slot{kAttackerNotificationSlot}).call(m);
        const Status huge = NotificationCap(Slot{0xffffffffu}).signal();
        const Status bad_call = kernel_call(static_cast<call_abi::Call>(999)).status;
        uint64_t badge;
        const Status no_rights = EndpointCap(Slot{kAttackerSendOnlySlot}).recv(m, badge);
        out() << "attacker: caps not held -> " << Dec{static_cast<uint64_t>(empty)} << " "
              << Dec{static_cast<uint64_t>(wrong)} << " " << Dec{static_cast<uint64_t>(huge)} << " "
              << Dec{static_cast<uint64_t>(bad_call)} << " "
              << Dec{static_cast<uint64_t>(no_rights)} << "\n";
        break;
    }
    default:
        break;
    }
}
