// serial_lines' LineTalker (LineTalker.camkes): `lines` lines of 120 bytes into its Batch
// ring, numbered, calling batch() whenever the next one does not fit (the server then
// writes the complete lines: a client with a wake-up bit is in the middle of a write when
// it calls, so nothing unfinished goes out), then "serial-lines: done", and signals `done`.
#include "LineTalker_glue.hpp"

#include <serial/char_ring.hpp>

#include <runtime/debug_print.hpp>
#include <runtime/rpc_transport.hpp>

using namespace runtime;
using Self = bulkhead::glue::LineTalker::Instance;

namespace {

class Talker {
public:
    Talker(serial::CharRing ring, bulkhead::glue::LineTalker::batch_client<IpcTransport>& server)
        : ring_(ring), server_(server) {}

    void say(std::span<const char> line) {
        if (ring_.free_space() < line.size()) server_.batch();
        (void)ring_.write(line);
    }

    void finish() { server_.batch(); }

private:
    serial::CharRing ring_;
    bulkhead::glue::LineTalker::batch_client<IpcTransport>& server_;
};

} // namespace

extern "C" void component_main(uint64_t) {
    const Self self = Self::mapped();
    if (!self.valid() || !self.batch_connected() || !self.done_connected()) {
        out() << "serial-lines: bad instance page\n";
        exit();
    }
    IpcTransport transport(self.batch_cap(), {});
    bulkhead::glue::LineTalker::batch_client<IpcTransport> server(transport);
    Talker talker(serial::CharRing(self.batch_buffer().span()), server);
    // "serial-lines: line NNNNN " + 90 letters + " end\n"
    char line[] = "serial-lines: line 00000 "
                  "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"
                  "pppppppppppp end\n";
    constexpr std::size_t kDigits = 19;
    for (int64_t n = 0; n < self.lines(); ++n) {
        for (int64_t d = 4, v = n; d >= 0; --d, v /= 10)
            line[kDigits + d] = static_cast<char>('0' + v % 10);
        talker.say({line, sizeof line - 1});
    }
    const char done[] = "serial-lines: done\n";
    talker.say({done, sizeof done - 1});
    talker.finish();
    (void)NotificationCap(Slot{self.done_slot()}).signal();
}
