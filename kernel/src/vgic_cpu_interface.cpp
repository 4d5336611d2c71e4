// GICH frame access (GICv2 architecture spec, 5.3).
#include "vgic_cpu_interface.hpp"

#include "sysreg.hpp"

namespace kernel::vgic {
namespace {

constexpr uint64_t GICH_HCR = 0x00;
constexpr uint64_t GICH_VTR = 0x04;
constexpr uint64_t GICH_VMCR = 0x08;
constexpr uint64_t GICH_EISR0 = 0x20;
constexpr uint64_t GICH_APR = 0xF0;
constexpr uint64_t GICH_LR0 = 0x100;
constexpr uint32_t kHcrEnable = 1;

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
    g_lrs = (read32(GICH_VTR) & 0x3f) + 1;
    if (g_lrs > kMaxListRegisters) g_lrs = kMaxListRegisters;
    for (unsigned i = 0; i < g_lrs; ++i)
        write32(GICH_LR0 + 4 * i, 0);
    write32(GICH_APR, 0);
    write32(GICH_HCR, kHcrEnable);
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
        s.lr[i] = read32(GICH_LR0 + 4 * i);
    s.vmcr = read32(GICH_VMCR);
    s.apr = read32(GICH_APR);
}

void load(const CpuInterfaceState& s) {
    for (unsigned i = 0; i < g_lrs; ++i)
        write32(GICH_LR0 + 4 * i, s.lr[i]);
    write32(GICH_VMCR, s.vmcr);
    write32(GICH_APR, s.apr);
}

uint32_t read_lr(unsigned i) {
    return read32(GICH_LR0 + 4 * i);
}

void write_lr(unsigned i, uint32_t value) {
    write32(GICH_LR0 + 4 * i, value);
}

uint32_t eoi_status() {
    return read32(GICH_EISR0);
}

} // namespace kernel::vgic
