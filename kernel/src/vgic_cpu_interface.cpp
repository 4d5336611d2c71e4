// The virtual CPU interface's dispatch: the driver of the board's GIC version, picked
// on each core as it starts its share of the vCPU hardware.
#include "vgic_cpu_interface.hpp"

namespace kernel::vgic {
namespace {

const Driver* g_driver = nullptr;
unsigned g_lrs = 0;

} // namespace

void init(const spec::Board& board) {
    const Driver* const drivers[] = {&gich_driver(), &ich_driver()};
    for (const Driver* d : drivers) {
        if (d->version != board.gic_version) continue;
        g_driver = d;
        unsigned lrs = d->init(board);
        g_lrs = lrs > kMaxListRegisters ? kMaxListRegisters : lrs;
        return;
    }
}

bool present() {
    return g_lrs >= 2;
}

unsigned list_register_count() {
    return g_lrs;
}

unsigned timer_list_register() {
    return g_lrs - 1;
}

bool guest_group1() {
    return g_driver != nullptr && g_driver->version >= 3;
}

void save(CpuInterfaceState& s) {
    g_driver->save(s, g_lrs);
}

void load(const CpuInterfaceState& s) {
    g_driver->load(s, g_lrs);
}

uint32_t read_lr(unsigned i) {
    return g_driver->read_lr(i);
}

void write_lr(unsigned i, uint32_t value) {
    g_driver->write_lr(i, value);
}

uint32_t eoi_status() {
    return g_driver->eoi_status();
}

} // namespace kernel::vgic
