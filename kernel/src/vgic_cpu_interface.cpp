// GICH frame access (GICv2 architecture spec, 5.3).
#include "vgic_cpu_interface.hpp"

#include "sysreg.hpp"

#include <arch/gic_v2.hpp>

namespace kernel::vgic {
namespace {

namespace gich = arm::gicv2::gich;

uint64_t g_gich = 0;
unsigned g_lrs = 0;

uint32_t read32(uint64_t off) {
    return arch::mmio_read<uint32_t>(g_gich + off);
}
void write32(uint64_t off, uint32_t v) {
    arch::mmio_write<uint32_t>(g_gich + off, v);
}

} // namespace

void init(uint64_t gich) {
    if (gich == 0) return;
    g_gich = gich;
    g_lrs = gich::vtr_list_registers(read32(gich::kVtr));
    if (g_lrs > kMaxListRegisters) g_lrs = kMaxListRegisters;
    for (unsigned i = 0; i < g_lrs; ++i)
        write32(gich::lr_offset(i), 0);
    write32(gich::kApr, 0);
    write32(gich::kHcr, gich::kHcrEn);
}

bool present() {
    return g_gich != 0 && g_lrs >= 2;
}

unsigned list_register_count() {
    return g_lrs;
}

unsigned timer_list_register() {
    return g_lrs - 1;
}

void save(CpuInterfaceState& s) {
    for (unsigned i = 0; i < g_lrs; ++i)
        s.lr[i] = read32(gich::lr_offset(i));
    s.vmcr = read32(gich::kVmcr);
    s.apr = read32(gich::kApr);
}

void load(const CpuInterfaceState& s) {
    for (unsigned i = 0; i < g_lrs; ++i)
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

} // namespace kernel::vgic
