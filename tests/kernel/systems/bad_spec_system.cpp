// kernel_bad_spec_*: the hello system with its spec damaged on the way into the
// image (argument: truncate | corrupt | dangling). The kernel must refuse it at boot,
// say what is wrong, and never start a thread.
#include "components/hello_slots.hpp"
#include "systems/test_system.hpp"

#include <spec/crc32.hpp>
#include <spec/spec_view.hpp>

#include <cstring>

namespace {

void damage(std::vector<uint8_t>& bytes, const std::string& how) {
    if (how == "truncate") {
        bytes.resize(bytes.size() - 64);
    } else if (how == "corrupt") {
        bytes[bytes.size() / 2] ^= 0x5a;
    } else if (how == "dangling") {
        // A thread naming a domain that does not exist, with a correct checksum:
        // only the reference checks can catch it.
        const spec::SpecView view(bytes.data());
        const auto& ref = view.header().tables[static_cast<uint32_t>(spec::Table::Threads)];
        const uint32_t domain = 9;
        std::memcpy(bytes.data() + ref.offset + offsetof(spec::Thread, domain), &domain, 4);
        const uint32_t crc = spec::spec_checksum(bytes.data(), bytes.size());
        std::memcpy(bytes.data() + offsetof(spec::Header, checksum), &crc, 4);
    } else {
        throw std::runtime_error("unknown damage '" + how + "'");
    }
}

} // namespace

int main(int argc, char** argv) {
    const std::string how = argc > 4 ? argv[4] : "";
    return test_system::run(argc - 1, argv, 1, [&](const test_system::Args& a) {
        image::SystemBuilder sys(test_system::board());
        const auto d = sys.add_domain("hello");
        const auto entry = sys.load_elf(d, a.components[0]);
        sys.give_cap(d, image::system_control_cap());
        sys.add_thread(d, {.name = "hello", .priority = 10, .entry = entry, .arg = 42});
        image::PackOptions options;
        options.tamper_spec = [&](std::vector<uint8_t>& bytes) { damage(bytes, how); };
        sys.pack(a.kernel, a.out, options);
    });
}
