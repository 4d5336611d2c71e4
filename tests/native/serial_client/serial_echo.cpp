// serial_client's SerialEcho (SerialEcho.camkes): says hello through PutChar, then for each
// line it reads from its GetChar ring (after the server's signal on its notification)
// writes "echo: <line>", `lines` times. Everything it uses comes from its glue.
#include "SerialEcho_glue.hpp"

#include <serial/char_ring.hpp>

#include <runtime/debug_print.hpp>
#include <runtime/rpc_transport.hpp>

#include <string_view>

using namespace runtime;
using Self = bulkhead::glue::SerialEcho::Instance;

namespace {

void say(bulkhead::glue::SerialEcho::putchar_client<IpcTransport>& out, std::string_view text) {
    for (const char c : text)
        out.putchar(static_cast<unsigned char>(c));
}

} // namespace

extern "C" void component_main(uint64_t) {
    const Self self = Self::mapped();
    if (!self.valid() || !self.putchar_connected() || !self.getchar_connected()) {
        out() << "echo: bad instance page\n";
        exit();
    }
    IpcTransport transport = self.putchar_transport();
    bulkhead::glue::SerialEcho::putchar_client<IpcTransport> console(transport);
    serial::CharRing input(self.getchar_buffer().span());
    say(console, "echo: ready, type a line\n");
    char line[80];
    std::size_t length = 0;
    int64_t done = 0;
    while (done < self.lines()) {
        uint64_t bits = 0;
        (void)self.notification().wait(bits);
        if ((bits & self.getchar_badge()) == 0) continue;
        char c = 0;
        while (done < self.lines() && input.read({&c, 1}) == 1) {
            if (c != '\r' && c != '\n') {
                if (length + 1 < sizeof line) line[length++] = c;
                continue;
            }
            if (length == 0) continue;
            say(console, "echo: ");
            say(console, {line, length});
            say(console, "\n");
            length = 0;
            ++done;
        }
    }
    say(console, "echo: done\n");
}
