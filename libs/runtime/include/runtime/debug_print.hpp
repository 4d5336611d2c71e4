// Debug output through the kernel's debug console call (debug builds only; in a
// release kernel the call fails and nothing is printed).
#pragma once

#include <base/text_writer.hpp>

namespace runtime {

using base::Dec;
using base::Hex;

base::TextWriter& out();

} // namespace runtime
