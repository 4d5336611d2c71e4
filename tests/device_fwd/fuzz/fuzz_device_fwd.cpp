// libFuzzer target: guest accesses of any offset, size and value to a forwarded range, each
// answered by a server that replies with anything (any method, status, value and length, or
// a failed call). Invariants (trap on failure): the server is called only for accesses the
// decoder accepts (naturally aligned, 1/2/4/8 bytes, inside the range) and with exactly
// that access; a read the range accepts returns a value that fits the access's size and is
// the server's; every refusal is a refusal on the bus, never a served access.
#include <device_fwd/forwarded_range.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

class NullLog final : public vmm::LogSink {
public:
    void line(std::string_view) override {}
};

struct Input {
    const uint8_t* data;
    size_t size;
    template <class T> T take() {
        T v{};
        const size_t n = size < sizeof v ? size : sizeof v;
        std::memcpy(&v, data, n);
        data += n;
        size -= n;
        return v;
    }
};

// The server's answer comes from the input too.
class Server final : public vmm::BackendPort {
public:
    explicit Server(Input& in) : in_(in) {}
    void call(uint32_t slot, base::RpcMessage& m) override {
        if (slot != 9) __builtin_trap();
        ++calls;
        last_method = m.method();
        last_offset = m.get<uint64_t>();
        last_size = m.get<int32_t>();
        const auto shape = in_.take<uint8_t>();
        const auto method = (shape & 1) != 0 ? in_.take<uint32_t>() : m.method();
        m.begin(method);
        const unsigned words = (shape >> 1) & 3;
        for (unsigned i = 0; i < words; ++i)
            m.put(in_.take<uint64_t>());
        if ((shape & 0x80) != 0) m.put_string("x"); // more words: the first ones count
        last_value = m.length() > 2 ? m.words()[2] : 0;
        if ((shape & 0x40) != 0) m.received(0); // the call failed
    }
    void signal(uint32_t) override { __builtin_trap(); }

    Input& in_;
    uint64_t calls = 0;
    uint32_t last_method = 0;
    uint64_t last_offset = 0;
    int32_t last_size = 0;
    uint64_t last_value = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Input in{data, size};
    NullLog log;
    Server server(in);
    const uint64_t range = (uint64_t{in.take<uint8_t>()} + 1) * 0x100;
    device_fwd::ForwardedRange fwd("fuzz", range, server, 9, log);
    while (in.size > 0) {
        const auto kind = in.take<uint8_t>();
        const bool write = (kind & 1) != 0;
        const unsigned size_in = kind >> 1 & 0xf;
        const uint64_t offset = in.take<uint16_t>() + ((kind & 0x80) != 0 ? ~uint64_t{0xffff} : 0);
        uint64_t value = in.take<uint64_t>();
        const uint64_t before = server.calls;
        const uint64_t served_before = fwd.forwarded();
        const bool ok =
            write ? fwd.write(offset, size_in, 0, value) : fwd.read(offset, size_in, 0, value);
        const bool valid_access = (size_in == 1 || size_in == 2 || size_in == 4 || size_in == 8) &&
                                  offset % size_in == 0 && offset < range &&
                                  size_in <= range - offset;
        if (!valid_access && server.calls != before) __builtin_trap();
        if (server.calls != before &&
            (server.last_offset != offset || server.last_size != static_cast<int32_t>(size_in) ||
             server.last_method != (write ? device_fwd::kWriteMethod : device_fwd::kReadMethod)))
            __builtin_trap();
        if (ok != (fwd.forwarded() == served_before + 1)) __builtin_trap();
        if (ok && !write) {
            if (size_in < 8 && (value >> (size_in * 8)) != 0) __builtin_trap();
            if (value != server.last_value) __builtin_trap();
        }
    }
    return 0;
}
