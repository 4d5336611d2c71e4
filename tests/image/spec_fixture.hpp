// A small valid system for the image tests: two domains, an endpoint, a
// notification with an IRQ handler, RAM and a device region.
#pragma once

#include <image/system_builder.hpp>

#include <stdexcept>

namespace image_test {

inline const image::Board& board() {
    const image::Board* b = image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD);
    if (b == nullptr) throw std::runtime_error(BULKHEAD_REFERENCE_BOARD " not registered");
    return *b;
}

inline image::SystemBuilder small_system() {
    image::SystemBuilder sys(board());
    const auto a = sys.add_domain("client");
    const auto b = sys.add_domain("server");
    const auto ep = sys.add_endpoint("ep");
    const auto n = sys.add_notification("n");
    sys.add_irq_handler(33, n, 1);
    const auto code = sys.add_ram("code", 8192, {0xaa, 0xbb});
    sys.map(a, code, base::VirtAddr{0x400000}, image::kRead | image::kExecute);
    sys.map(b, code, base::VirtAddr{0x400000}, image::kRead | image::kExecute);
    const auto shared = sys.add_ram("shared", 4 << 20);
    sys.map(a, shared, base::VirtAddr{0x1000000}, image::kRead | image::kWrite);
    sys.map(b, shared, base::VirtAddr{0x2000000}, image::kRead);
    const auto uart = sys.add_device("uart", base::PhysRange{base::PhysAddr{0x9000000}, 0x1000});
    sys.map(b, uart, base::VirtAddr{0x3000000}, image::kRead | image::kWrite);
    sys.give_cap(a, image::endpoint_cap(ep, 7, spec::CapSend));
    sys.give_cap(b, image::endpoint_cap(ep, 0, spec::CapReceive));
    sys.give_cap(b, image::notification_cap(n, 0, spec::CapReceive));
    const auto t =
        sys.add_thread(a, {.name = "client", .priority = 50, .entry = base::VirtAddr{0x400000}});
    const auto s =
        sys.add_thread(b, {.name = "server", .priority = 60, .entry = base::VirtAddr{0x400000}});
    sys.set_fault_endpoint(t, ep, 99);
    sys.bind_notification(s, n);
    return sys;
}

} // namespace image_test
