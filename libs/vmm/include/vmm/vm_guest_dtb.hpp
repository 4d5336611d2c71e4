// The guest DTB settings a VM's configuration implies: what the VM component builds its
// guest's DTB from at boot, and what `bulkhead_image guest-dtb` builds at build time to
// check an image's guest DTB on the host. One reading of the configuration for both.
#pragma once

#include <vmm/guest_dtb.hpp>
#include <vmm/vm_config.hpp>

#include <string_view>

namespace vmm {

struct VmGuestDtb {
    GuestDtbConfig config; // points into the arrays below and into the configuration
    std::string_view passthrough[vm_config::kMaxPassthrough];
    KeptNode keep[vm_config::kMaxKept];
};

// Fills `out` from an opened configuration: bootargs, stdout, the passed-through and kept
// nodes, the guest's GIC view, psci over HVC and the vCPU count. Guest RAM, the initrd and
// the devices' hook are the loader's (they depend on what was loaded and started).
void vm_guest_dtb(const vm_config::View& view, VmGuestDtb& out);

} // namespace vmm
