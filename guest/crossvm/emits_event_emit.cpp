// emits_event_emit /dev/uioN: rings the link's doorbell, emitting the VM's event to the
// native component, as upstream's program of that name does.
#include "crossvm_uio.hpp"

int main(int argc, char** argv) {
    if (argc < 2) guest::fail("emits_event_emit", "usage: emits_event_emit /dev/uioN");
    const guest::CrossvmLink link = guest::open_link(argv[1], false);
    guest::set_reg(link, crossvm::reg::kDoorbell, 1);
    return 0;
}
