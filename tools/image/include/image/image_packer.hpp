// The image packer: kernel ELF + spec + initial contents of every RAM region, as
// one ELF whose segments sit at their physical addresses (QEMU -kernel loads it).
#pragma once

#include "image/system_builder.hpp"

#include <string>

namespace image {

void pack_image(const SystemDescription& system, const std::string& kernel_elf,
                const std::string& out_elf, const PackOptions& options);

} // namespace image
