// A VM configuration's guest DTB settings (see vm_guest_dtb.hpp).
#include <vmm/vgic_distributor.hpp>
#include <vmm/vgic_v3_distributor.hpp>
#include <vmm/vm_guest_dtb.hpp>

namespace vmm {

void vm_guest_dtb(const vm_config::View& view, VmGuestDtb& out) {
    const vm_config::Header& h = view.header();
    const unsigned count = h.passthrough.count; // View::open checked the maxima
    for (unsigned i = 0; i < count; ++i)
        out.passthrough[i] = view.passthrough(i);
    const unsigned kept = h.keep.count;
    for (unsigned i = 0; i < kept; ++i) {
        const vm_config::KeptNode k = view.kept(i);
        out.keep[i] = {view.string(k.path), k.subtree != 0};
    }
    GuestDtbConfig& c = out.config;
    c = GuestDtbConfig{};
    c.bootargs = view.string(h.bootargs);
    c.stdout_path = view.string(h.stdout_path);
    c.passthrough = {out.passthrough, count};
    c.keep = {out.keep, kept};
    c.gicd = {base::GuestPhysAddr{h.gicd_base},
              h.gic_version == 3 ? VgicV3Distributor::kSize : VgicDistributor::kSize};
    c.gicc = {base::GuestPhysAddr{h.gicc_base}, h.gicc_size};
    c.psci = PsciConduit::Hvc;
    c.num_vcpus = h.vcpus.count;
}

} // namespace vmm
