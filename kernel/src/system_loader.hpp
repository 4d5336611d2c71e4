// Instantiates a validated spec: domains and their stage-2 tables, capabilities,
// threads, IRQ handlers. Checks what only the kernel can know (its own footprint,
// the page-table pool) and refuses the spec with a message if they do not hold.
#pragma once

#include <spec/spec_view.hpp>

namespace kernel {

struct KernelFootprint {
    uint64_t base, end;           // the kernel image
    uint64_t spec_base, spec_end; // the spec
};

bool load_system(const spec::SpecView& spec, const KernelFootprint& footprint);

} // namespace kernel
