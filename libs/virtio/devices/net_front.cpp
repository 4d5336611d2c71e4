// The front of the VMM's virtio-net devices (see net_front.hpp).
#include "net_front.hpp"

namespace virtio {

MacAddress net_mac(MacAddress prefix, std::size_t index) {
    prefix[5] = static_cast<uint8_t>(index + 1);
    return prefix;
}

NetFront::NetFront(vmm::DeviceContext& ctx, MacAddress mac, NetBackend& backend)
    : log_(ctx.log()), name_(ctx.name()), mac_(mac), net_(ctx.memory(), backend, events_, mac) {}

bool NetFront::add_dtb_nodes(vmm::GuestDtbWriter& dtb) {
    return front_ == nullptr || front_->add_dtb_nodes(dtb);
}

void NetFront::notified(uint64_t bits) {
    (void)bits;
    pump();
}

void NetFront::reset() {
    if (front_ != nullptr) front_->transport().reset();
    backend_reset();
}

bool NetFront::install(vmm::DeviceContext& ctx, TransportKind kind, std::string_view what) {
    front_ = slot_.make(ctx, kind, net_, events_, *this);
    if (front_ == nullptr) return false;
    vmm::LogLine line;
    line << "vmm: " << name_ << ": virtio-net over ";
    front_->describe(line);
    line << ", MAC ";
    for (std::size_t i = 0; i < mac_.size(); ++i) {
        const unsigned b = mac_[i];
        constexpr std::string_view kDigits = "0123456789abcdef";
        if (i != 0) line << ':';
        line << kDigits[b >> 4] << kDigits[b & 15];
    }
    line << ", " << what;
    line.emit(log_);
    return true;
}

} // namespace virtio
