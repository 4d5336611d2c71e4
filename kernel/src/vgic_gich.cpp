// GICv2 hypervisor interface: the GICH frame (GICv2 architecture spec, 5.3).
#include "sysreg.hpp"
#include "vgic_cpu_interface.hpp"

#include <arch/gic_v2.hpp>

namespace kernel::vgic_gich {
namespace {

namespace gich = arm::gicv2::gich;

uint64_t g_gich = 0;

uint32_t read32(uint64_t off) {
    return kernel::arch::mmio_read<uint32_t>(g_gich + off);
}
void write32(uint64_t off, uint32_t v) {
    kernel::arch::mmio_write<uint32_t>(g_gich + off, v);
}

unsigned init(const spec::Board& board) {
    if (board.gich == 0) return 0;
    g_gich = board.gich; // banked: each core clears its own
    unsigned lrs = gich::vtr_list_registers(read32(gich::kVtr));
    if (lrs > vgic::kMaxListRegisters) lrs = vgic::kMaxListRegisters;
    for (unsigned i = 0; i < lrs; ++i)
        write32(gich::lr_offset(i), 0);
    write32(gich::kApr, 0);
    write32(gich::kHcr, gich::kHcrEn);
    return lrs;
}

void save(vgic::CpuInterfaceState& s, unsigned lrs) {
    for (unsigned i = 0; i < lrs; ++i)
        s.lr[i] = read32(gich::lr_offset(i));
    s.vmcr = read32(gich::kVmcr);
    s.apr = read32(gich::kApr);
}

void load(const vgic::CpuInterfaceState& s, unsigned lrs) {
    for (unsigned i = 0; i < lrs; ++i)
        write32(gich::lr_offset(i), s.lr[i]);
    write32(gich::kVmcr, s.vmcr);
    write32(gich::kApr, s.apr);
}

uint32_t read_lr(unsigned i) {
    return read32(gich::lr_offset(i));
}

void write_lr(unsigned i, uint32_t value) {
    write32(gich::lr_offset(i), value);
}

uint32_t eoi_status() {
    return read32(gich::kEisr0);
}

} // namespace
} // namespace kernel::vgic_gich

namespace kernel::vgic {

const Driver& gich_driver() {
    static constexpr Driver kDriver{.version = 2,
                                    .init = vgic_gich::init,
                                    .save = vgic_gich::save,
                                    .load = vgic_gich::load,
                                    .read_lr = vgic_gich::read_lr,
                                    .write_lr = vgic_gich::write_lr,
                                    .eoi_status = vgic_gich::eoi_status};
    return kDriver;
}

} // namespace kernel::vgic
