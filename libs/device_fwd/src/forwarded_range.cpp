// A forwarded device range (forwarded_range.hpp).
#include <device_fwd/forwarded_range.hpp>

namespace device_fwd {

bool ForwardedRange::read(uint64_t offset, unsigned size, unsigned /*vcpu*/, uint64_t& value) {
    return forward(Op::Read, offset, size, value);
}

bool ForwardedRange::write(uint64_t offset, unsigned size, unsigned /*vcpu*/, uint64_t value) {
    return forward(Op::Write, offset, size, value);
}

bool ForwardedRange::forward(Op op, uint64_t offset, unsigned size, uint64_t& value) {
    const Decoded d = decode(op, offset, size, value, size_);
    if (d.fault != Fault::None) {
        refuse(d.request, d.fault, 0);
        return false;
    }
    base::RpcMessage m;
    encode(d.request, m);
    port_.call(slot_, m);
    const Reply reply = parse_reply(d.request, m, m.ok());
    if (reply.fault != Fault::None) {
        refuse(d.request, reply.fault, reply.status);
        return false;
    }
    ++forwarded_;
    if (op == Op::Read) value = reply.value;
    return true;
}

void ForwardedRange::refuse(const Request& r, Fault why, int32_t status) {
    if (!refused_.admit()) return;
    vmm::LogLine line;
    line << "device_fwd: " << name_ << ": guest " << (r.op == Op::Read ? "read" : "write") << " of "
         << vmm::Dec{static_cast<int64_t>(r.size)} << " bytes at offset " << vmm::Hex{r.offset};
    if (r.op == Op::Write) line << " (value " << vmm::Hex{r.value} << ")";
    line << " " << to_string(why);
    if (why == Fault::Refused) line << " (" << vmm::Dec{static_cast<int64_t>(status)} << ")";
    line << ": abort injected";
    line.emit(log_);
}

} // namespace device_fwd
