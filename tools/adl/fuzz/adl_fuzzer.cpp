// libFuzzer target for the ADL front end: arbitrary text through the lexer, the
// parser and the semantic checks (dtb() queries against QEMU virt's DTB). Build
// errors (adl::Error) are the expected outcome for most inputs; any other
// exception, crash, hang or sanitizer report is a bug.
#include "adl/diagnostic.hpp"
#include "adl/parser.hpp"
#include "adl/resolver.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        adl::ast::File file = adl::parse_text(text, "fuzz.camkes");
        adl::resolve(file, {BULKHEAD_REFERENCE_BOARD, BULKHEAD_FUZZ_DTB});
    } catch (const adl::Error& e) {
        (void)adl::render(e);
    }
    return 0;
}
