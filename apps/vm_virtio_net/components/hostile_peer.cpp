// HostilePeer (see HostilePeer.camkes): writes garbage into the two rings it shares with the
// VM, signals the VM, then only counts its wake-ups. It uses the rings' one layout rule to
// aim at the fields the VM reads: the used idx of the ring the VM drives (`recv` here), and a
// descriptor and the avail ring of the ring the VM serves (`send` here).
#include "HostilePeer_glue.hpp"

#include <virtio/shared_ring.hpp>
#include <virtio/virtqueue.hpp>

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

#include <cstring>

using namespace runtime;

extern "C" void component_main(uint64_t) {
    using Self = bulkhead::glue::HostilePeer::Instance;
    const Self self = Self::mapped();
    if (!self.valid() || !self.recv_connected() || !self.send_connected()) {
        out() << "hostile_peer: FAILED: bad instance page\n";
        exit();
    }
    const std::span<std::byte> recv = self.recv_buffer().span();
    const std::span<std::byte> send = self.send_buffer().span();
    const auto rl = virtio::SharedRingLayout::for_buffer(recv.size());
    const auto sl = virtio::SharedRingLayout::for_buffer(send.size());
    if (!rl || !sl) {
        out() << "hostile_peer: FAILED: buffers too small\n";
        exit();
    }
    // The VM drives `recv`: claim 200 chains came back although it sent none.
    const uint16_t used_idx = 200;
    std::memcpy(recv.data() + rl->used + virtio::kUsedIdx, &used_idx, sizeof used_idx);
    // The VM serves `send`: offer one chain whose buffer is 4 GiB past the ring's buffer.
    const virtio::RawDesc far{uint64_t{1} << 32, 1514, 0, 0};
    std::memcpy(send.data() + sl->desc, &far, sizeof far);
    const uint16_t head = 0;
    const uint16_t avail_idx = 1;
    std::memcpy(send.data() + sl->avail + virtio::kAvailRing, &head, sizeof head);
    std::memcpy(send.data() + sl->avail + virtio::kAvailIdx, &avail_idx, sizeof avail_idx);
    out() << "hostile_peer: corrupted both rings shared with the VM\n";
    (void)NotificationCap(Slot{self.recv_slot()}).signal();
    (void)NotificationCap(Slot{self.send_slot()}).signal();
    const NotificationCap wake(Slot{self.notification_slot()});
    for (uint64_t n = 1;; ++n) {
        uint64_t bits = 0;
        (void)wake.wait(bits);
        if ((n & (n - 1)) == 0) out() << "hostile_peer: woken " << Dec{n} << " times\n";
    }
}
