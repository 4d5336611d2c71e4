// Lowers a resolved assembly into a bootable image: each instance's domain, threads
// (from the component ELFs of the target build), endpoints, dataports, guest spaces and
// vCPUs through image::SystemBuilder, using the components' own instance descriptions
// (components/<Type>/host), then packs it with the kernel. What `bulkhead --image` does.
#pragma once

#include "adl/system_model.hpp"

#include <map>
#include <string>

namespace adl {

struct SystemImageInputs {
    std::string kernel_elf;                   // the kernel the image boots
    std::string component_dir;                // <target build>/components: <Type>/<Type>.elf
    std::map<std::string, std::string> files; // FileServer archive name -> host file
    std::string out_elf;                      // the image to write
};

// Throws std::runtime_error naming what the model asks for that cannot be lowered
// (an instance type without an image lowering, a missing archive file, ...).
void write_system_image(const model::System& system, const SystemImageInputs& inputs);

} // namespace adl
