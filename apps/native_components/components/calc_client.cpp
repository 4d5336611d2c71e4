// native_components' client (CalcClient.camkes): calls CalcServer through the generated
// stub and checks every result: its running total (kept per badge, so independent of the
// other client's), inout and out values, error replies for bad arguments and refused
// replies for malformed raw requests, after which the server must still serve. A client
// whose assembly connects `shared` also exchanges text with the server in the dataport;
// one that connects `peer_passed` runs last and prints the example's verdict.
#include "CalcClient_glue.hpp"
#include "calc_service.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>
#include <runtime/rpc_transport.hpp>

#include <cstdint>
#include <cstring>
#include <string_view>

using namespace runtime;

namespace {

namespace glue = bulkhead::glue::CalcClient;
using Self = glue::Instance;
using Client = glue::calc_client<IpcTransport>;
using calc::Signed;

unsigned failures = 0;

// Prints "client <name>: <what> -> <rc>, <label> <value>" and checks both numbers and
// that the call got a whole reply (an error is a reply; a refused request is not).
void result(const Self& self, const Client& server, const char* what, int32_t rc, int32_t want_rc,
            const char* label, int32_t value, int32_t want_value) {
    out() << "client " << self.name() << ": " << what << " -> " << Signed{rc} << ", " << label
          << " " << Signed{value} << "\n";
    if (!server.last_call_ok() || rc != want_rc || value != want_value) {
        ++failures;
        out() << "client " << self.name() << ": FAILED " << what << ": expected " << Signed{want_rc}
              << ", " << Signed{want_value} << "\n";
    }
}

// A request the generated stub would never send, straight through the endpoint: the
// server must refuse it (a reply of length 0, see runtime::serve) and go on serving.
bool refused(const Self& self, uint32_t method, uint64_t words) {
    Message m;
    m.mr[0] = uint64_t{method} | words << 32;
    m.mr[1] = 1;
    const Status s = EndpointCap(Slot{self.calc_slot()}).call(m);
    return s == Status::Ok && (m.mr[0] >> 32) == 0;
}

void calls(const Self& self, Client& server) {
    const int32_t first = self.first();
    out() << "client " << self.name() << ": calling calc with badge " << Dec{self.calc_badge()}
          << "\n";
    // Each call before its check: the order arguments are evaluated in is unspecified.
    int32_t total = -1;
    int32_t rc = server.add(first, total);
    result(self, server, "add(first)", rc, calc::kOk, "total", total, first);
    rc = server.add(10, total);
    result(self, server, "add(10)", rc, calc::kOk, "total", total, first + 10);
    int32_t value = total;
    rc = server.scale(value, 3);
    result(self, server, "scale(total, 3)", rc, calc::kOk, "value", value, total * 3);
    int32_t q = -1;
    rc = server.divide(value, 7, q);
    result(self, server, "divide(value, 7)", rc, calc::kOk, "q", q, value / 7);

    // Bad arguments: an error reply (out values 0, inout values unchanged).
    q = -1;
    rc = server.divide(first, 0, q);
    result(self, server, "divide(first, 0)", rc, calc::kBadArgument, "q", q, 0);
    value = 1 << 20;
    rc = server.scale(value, 1 << 12);
    result(self, server, "scale(2^20, 2^12)", rc, calc::kOverflow, "value", value, 1 << 20);

    const auto add = static_cast<uint32_t>(glue::calc_method::add);
    const bool unknown = refused(self, 7, 1);
    const bool missing = refused(self, add, 1);   // add without its x
    const bool too_long = refused(self, add, 99); // more words than the registers hold
    out() << "client " << self.name() << ": malformed requests refused: unknown method "
          << (unknown ? "yes" : "NO") << ", missing argument " << (missing ? "yes" : "NO")
          << ", too long " << (too_long ? "yes" : "NO") << "\n";
    if (!unknown || !missing || !too_long) {
        ++failures;
        out() << "client " << self.name() << ": FAILED: a malformed request was answered\n";
    }
    // The server still serves, and the refused requests did not touch the total.
    rc = server.add(1, total);
    result(self, server, "add(1)", rc, calc::kOk, "total", total, first + 11);
}

// Leaves text in the dataport, signals `ready`, waits for `done`, and checks that the
// server rewrote the text in place. Returns the notification bits seen meanwhile.
uint64_t exchange_text(const Self& self) {
    constexpr std::string_view kText = "hello from ";
    const std::span<std::byte> port = self.shared_buffer().span();
    auto* text = reinterpret_cast<char*>(port.data());
    std::memcpy(text, kText.data(), kText.size());
    std::memcpy(text + kText.size(), self.name().data(), self.name().size());
    text[kText.size() + self.name().size()] = '\0';
    out() << "client " << self.name() << ": wrote \"" << std::string_view(text)
          << "\" to the dataport, signalling ready\n";
    NotificationCap(Slot{self.ready_slot()}).signal();

    const NotificationCap mine(Slot{self.notification_slot()});
    uint64_t seen = 0;
    while ((seen & self.done_badge()) == 0) {
        uint64_t bits = 0;
        mine.wait(bits);
        seen |= bits;
    }
    uint64_t n = 0;
    while (n < calc::kTextMax && n < port.size() && text[n] != '\0')
        ++n;
    const std::string_view back(text, n);
    out() << "client " << self.name() << ": done event: the dataport reads \"" << back << "\"\n";
    if (!back.starts_with("HELLO FROM ") || !back.ends_with(calc::kRewriteNote)) {
        ++failures;
        out() << "client " << self.name() << ": FAILED: the server did not rewrite the text\n";
    }
    return seen;
}

} // namespace

extern "C" void component_main(uint64_t) {
    const Self self = Self::mapped();
    if (!self.valid() || !self.calc_connected()) {
        out() << "client: FAILED: bad instance page\n";
        exit();
    }
    IpcTransport transport(EndpointCap(Slot{self.calc_slot()}));
    Client server(transport);
    calls(self, server);

    uint64_t seen = 0;
    if (self.shared_connected() && self.ready_connected() && self.done_connected())
        seen = exchange_text(self);
    out() << "client " << self.name() << ": " << Dec{failures} << " failures\n";
    if (self.passed_connected() && failures == 0)
        NotificationCap(Slot{self.passed_slot()}).signal();
    if (!self.peer_passed_connected()) return;

    // The last client: the other one ran before it (higher priority) and signalled
    // `passed` if all its checks passed; the bit is pending in this notification.
    uint64_t bits = 0;
    NotificationCap(Slot{self.notification_slot()}).poll(bits);
    seen |= bits;
    const bool peer = (seen & self.peer_passed_badge()) != 0;
    if (!peer) out() << "client " << self.name() << ": FAILED: the other client did not pass\n";
    out() << "native_components: " << (peer && failures == 0 ? "all checks passed" : "FAILED")
          << "\n";
}
