// device_fwd (upstream's generic forward device): a guest access to a forwarded device page
// becomes a `read(offset, size)` or `write(offset, size, value)` call to the native
// component that owns the device (interfaces/DeviceFwd.idl4). This is the VMM's half: the
// trapped access checked against the page and turned into a request, the request into the
// glue's RPC message, and the server's reply, which a peer wrote, checked before the guest
// sees anything of it.
#pragma once

#include <base/rpc_message.hpp>

#include <cstdint>
#include <string_view>

namespace device_fwd {

// DeviceFwd's methods as the generated glue numbers them (declaration order).
inline constexpr uint32_t kReadMethod = 0;
inline constexpr uint32_t kWriteMethod = 1;
// What the server answers for an access it serves; anything else is a refusal (a
// negative errno by the protocol's convention).
inline constexpr int32_t kServed = 0;

enum class Op : uint8_t { Read, Write };

struct Request {
    Op op = Op::Read;
    uint64_t offset = 0; // from the page's start
    unsigned size = 0;   // 1, 2, 4 or 8 bytes
    uint64_t value = 0;  // writes: the value, only its low `size` bytes
};

// Why an access or a reply is not passed on.
enum class Fault : uint8_t {
    None,
    BadSize,     // not 1, 2, 4 or 8 bytes
    Misaligned,  // not naturally aligned (a device register never is)
    OutsidePage, // not wholly inside the forwarded range
    Refused,     // the server answered with an error
    BadReply,    // the call failed, or the reply was short or carried too wide a value
};
[[nodiscard]] std::string_view to_string(Fault f);

struct Decoded {
    Request request{};
    Fault fault = Fault::None;
};

// The access the MMIO bus routed to a forwarded range of `range_size` bytes, checked.
[[nodiscard]] Decoded decode(Op op, uint64_t offset, unsigned size, uint64_t value,
                             uint64_t range_size);

// The request as DeviceFwd's glue sends it.
void encode(const Request& r, base::RpcMessage& m);

struct Reply {
    Fault fault = Fault::None;
    int32_t status = 0; // what the server said (Refused: its errno)
    uint64_t value = 0; // reads: what the guest's register gets
};

// The server's answer to `r`, left in `m` by the call. `call_ok` false: the call failed.
[[nodiscard]] Reply parse_reply(const Request& r, base::RpcMessage& m, bool call_ok);

} // namespace device_fwd
