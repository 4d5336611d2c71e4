// The GIC interface's dispatch: the driver of the board's GIC version, picked once at
// boot; every call after that goes straight to it.
#include "gic.hpp"

namespace kernel::gic {
namespace {

const Driver* g_driver = nullptr;

} // namespace

bool init(const spec::Board& board) {
    const Driver* const drivers[] = {&v2_driver(), &v3_driver()};
    for (const Driver* d : drivers) {
        if (d->version != board.gic_version) continue;
        g_driver = d;
        d->init(board);
        return true;
    }
    return false;
}

uint32_t version() {
    return g_driver->version;
}

void init_this_core() {
    g_driver->init_this_core();
}

void enable(uint32_t irq, bool edge) {
    g_driver->enable(irq, edge);
}

void disable(uint32_t irq) {
    g_driver->disable(irq);
}

uint32_t acknowledge() {
    return g_driver->acknowledge();
}

void end_of_interrupt(uint32_t iar) {
    g_driver->end_of_interrupt(iar);
}

void send_sgi(uint32_t core, uint32_t sgi) {
    g_driver->send_sgi(core, sgi);
}

} // namespace kernel::gic
