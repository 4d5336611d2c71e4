// The guest-DTB node of a virtio-mmio device (mmio.hpp), apart from the transport so that
// users of the registers alone (the fuzzers) need no DTB writer.
#include <virtio/mmio.hpp>

namespace virtio {

bool mmio::add_dtb_node(vmm::GuestDtbWriter& dtb, GuestPhysRange window, unsigned spi) {
    const int node = dtb.add_node("virtio_mmio", window.base.raw());
    return node >= 0 && dtb.set_string(node, "compatible", "virtio,mmio") &&
           dtb.set_reg(node, window) && dtb.set_spi(node, spi, true) &&
           dtb.set_empty(node, "dma-coherent");
}

} // namespace virtio
