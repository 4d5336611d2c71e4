// Bounds-checked guest-physical memory over regions mapped into the VMM.
#include <vmm/guest_memory.hpp>

namespace vmm {

bool MappedGuestMemory::add_region(GuestPhysRange range, std::span<std::byte> backing) {
    if (count_ == kMaxRegions || backing.size() != range.size || range.size == 0) return false;
    if (range.base.raw() + range.size < range.base.raw()) return false; // wraps
    for (std::size_t i = 0; i < count_; ++i) {
        if (regions_[i].range.overlaps(range)) return false;
    }
    regions_[count_++] = Region{range, backing.data()};
    return true;
}

const MappedGuestMemory::Region* MappedGuestMemory::find(GuestPhysRange range) const {
    // An access that wraps around the address space is never backed.
    if (range.base.raw() + range.size < range.base.raw()) return nullptr;
    for (std::size_t i = 0; i < count_; ++i) {
        if (regions_[i].range.contains(range)) return &regions_[i];
    }
    return nullptr;
}

bool MappedGuestMemory::read(GuestPhysAddr addr, std::span<std::byte> out) const {
    const Region* r = find({addr, out.size()});
    if (r == nullptr) return false;
    if (!out.empty()) std::memcpy(out.data(), r->host + (addr - r->range.base), out.size());
    return true;
}

bool MappedGuestMemory::write(GuestPhysAddr addr, std::span<const std::byte> in) {
    const Region* r = find({addr, in.size()});
    if (r == nullptr) return false;
    if (!in.empty()) std::memcpy(r->host + (addr - r->range.base), in.data(), in.size());
    return true;
}

std::span<std::byte> MappedGuestMemory::window(GuestPhysRange range) {
    const Region* r = find(range);
    if (r == nullptr) return {};
    return {r->host + (range.base - r->range.base), range.size};
}

} // namespace vmm
