// device_fwd's decoder and message format (forwarding.hpp).
#include <device_fwd/forwarding.hpp>

namespace device_fwd {
namespace {

constexpr uint64_t mask_of(unsigned size) {
    return size >= 8 ? ~uint64_t{0} : (uint64_t{1} << (size * 8)) - 1;
}

} // namespace

std::string_view to_string(Fault f) {
    switch (f) {
    case Fault::None:
        return "served";
    case Fault::BadSize:
        return "not 1, 2, 4 or 8 bytes";
    case Fault::Misaligned:
        return "not naturally aligned";
    case Fault::OutsidePage:
        return "outside the forwarded range";
    case Fault::Refused:
        return "refused by the server";
    case Fault::BadReply:
        return "no valid reply from the server";
    }
    return "?";
}

Decoded decode(Op op, uint64_t offset, unsigned size, uint64_t value, uint64_t range_size) {
    Decoded d;
    d.request = {op, offset, size, op == Op::Write ? value & mask_of(size) : 0};
    if (size != 1 && size != 2 && size != 4 && size != 8) {
        d.fault = Fault::BadSize;
    } else if (offset % size != 0) {
        d.fault = Fault::Misaligned;
    } else if (offset >= range_size || size > range_size - offset) {
        d.fault = Fault::OutsidePage;
    }
    return d;
}

void encode(const Request& r, base::RpcMessage& m) {
    m.begin(r.op == Op::Read ? kReadMethod : kWriteMethod);
    m.put(r.offset);
    m.put(static_cast<int32_t>(r.size));
    if (r.op == Op::Write) m.put(r.value);
}

Reply parse_reply(const Request& r, base::RpcMessage& m, bool call_ok) {
    Reply out;
    const uint32_t method = r.op == Op::Read ? kReadMethod : kWriteMethod;
    if (!call_ok || !m.ok() || m.method() != method) {
        out.fault = Fault::BadReply;
        return out;
    }
    out.status = m.get<int32_t>();
    if (r.op == Op::Read) out.value = m.get<uint64_t>();
    if (!m.ok()) {
        out = {Fault::BadReply, 0, 0};
    } else if (out.status != kServed) {
        out.fault = Fault::Refused;
        out.value = 0;
    } else if ((out.value & ~mask_of(r.size)) != 0) {
        // A register of `size` bytes cannot hold more; the server is broken, not the guest.
        out.fault = Fault::BadReply;
        out.value = 0;
    }
    return out;
}

} // namespace device_fwd
