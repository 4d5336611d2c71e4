// kernel_mapping_move: a mover places, moves and removes movable mappings of frames it
// shares with a supervisor (which maps them fixed), reads and writes through each place,
// is refused the moves the kernel must refuse, and finally touches a place it removed:
// the supervisor gets that stage-2 fault and powers off.
#include "components/mapping_move_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace mapping_move_test;

namespace {

volatile uint64_t* word(uint64_t addr) {
    return reinterpret_cast<volatile uint64_t*>(addr); // NOLINT(performance-no-int-to-ptr)
}

bool same_text(uint64_t addr, const char* text) {
    const auto* p =
        reinterpret_cast<const volatile char*>(addr); // NOLINT(performance-no-int-to-ptr)
    for (unsigned i = 0; text[i] != 0; ++i)
        if (p[i] != text[i]) return false;
    return true;
}

void expect(bool ok, const char* what) {
    out() << "mapping: " << what << (ok ? " ok" : " FAILED") << "\n";
}

void mover() {
    const MappingCap shared(Slot{kSharedMappingSlot});
    const MappingCap other(Slot{kOtherMappingSlot});
    const uint64_t first = kWindowBase + 0x3000;
    expect(shared.move(first) == Status::Ok && same_text(first, kBootText),
           "placed at 0x20003000, boot contents there");
    *word(first + 0x1008) = 0xfeed0001;
    const uint64_t second = kWindowBase + 0xa000;
    expect(shared.move(second) == Status::Ok && *word(second + 0x1008) == 0xfeed0001 &&
               same_text(second, kBootText),
           "moved to 0x2000a000, same frames");
    expect(shared.move(second + 0x800) == Status::InvalidArgument, "misaligned refused");
    expect(shared.move(kWindowBase + kWindowSize - 0x1000) == Status::InvalidArgument,
           "past the window's end refused");
    expect(shared.move(kWindowBase - 0x1000) == Status::InvalidArgument,
           "below the window refused");
    expect(other.move(second + 0x1000) == Status::InvalidArgument, "onto another mapping refused");
    expect(other.move(second + 0x2000) == Status::Ok, "the other beside it");
    *word(second + 0x2000) = 0xfeed0002;
    expect(MappingCap(Slot{kPeerWakeSlot}).move(first) == Status::WrongType,
           "a notification is no mapping");
    (void)NotificationCap(Slot{kPeerWakeSlot}).signal();
    expect(shared.remove() == Status::Ok && shared.remove() == Status::Ok, "removed (twice)");
    out() << "mapping: touching the removed place\n";
    (void)*word(second);
    out() << "mapping: removed place still readable: FAILED\n";
}

void supervisor() {
    uint64_t bits = 0;
    (void)NotificationCap(Slot{kWakeSlot}).wait(bits);
    expect(*word(kPeerAt + 0x1008) == 0xfeed0001 && same_text(kPeerAt, kBootText),
           "the peer sees the mover's write");
    Message m;
    uint64_t badge = 0;
    const Status s = EndpointCap(Slot{kFaultSlot}).recv(m, badge);
    out() << "mapping: fault kind " << Dec{m.mr[0]} << " at " << Hex{m.mr[1]} << " (status "
          << Dec{static_cast<uint64_t>(s)} << ")\n";
    (void)SystemControlCap(Slot{kPowerSlot}).power_off();
}

} // namespace

extern "C" void component_main(uint64_t role) {
    if (role == Mover) mover();
    if (role == Supervisor) supervisor();
}
