// Generated-glue RPC over kernel IPC: a base::RpcMessage travels in the message
// registers, MR0 = method | word count << 32, MR1.. = its argument words. A message longer
// than the registers hold is not sent: the caller sees a failed reply (ok() false), the
// way a reply to a request the server refused looks.
#pragma once

#include <runtime/capabilities.hpp>

#include <base/rpc_message.hpp>

namespace runtime {

inline constexpr unsigned kRpcMaxWords = call_abi::kMessageRegisters;

// Packs `m` into `regs`; false if it does not fit.
inline bool pack(const base::RpcMessage& m, Message& regs) {
    if (!m.ok() || m.length() == 0 || m.length() > kRpcMaxWords) return false;
    regs = Message{};
    regs.mr[0] = uint64_t{m.method()} | (uint64_t{m.length()} << 32);
    for (unsigned i = 1; i < m.length(); ++i)
        regs.mr[i] = m.words()[i];
    return true;
}

// Unpacks what arrived into `m` (an empty message, ok() false, if it claims too much).
inline void unpack(const Message& regs, base::RpcMessage& m) {
    const uint64_t length = regs.mr[0] >> 32;
    if (length == 0 || length > kRpcMaxWords) {
        m.received(0);
        return;
    }
    m.words()[0] = regs.mr[0] & 0xffffffffu;
    for (unsigned i = 1; i < length; ++i)
        m.words()[i] = regs.mr[i];
    m.received(length);
}

// The client side: what the glue's <interface>_client<Transport> calls through.
class IpcTransport {
public:
    explicit IpcTransport(EndpointCap ep) : ep_(ep) {}
    void call(base::RpcMessage& m) {
        Message regs;
        if (!pack(m, regs) || ep_.call(regs) != Status::Ok) {
            m.received(0);
            return;
        }
        unpack(regs, m);
    }

private:
    EndpointCap ep_;
};

// The server side: receives on `ep` forever; `dispatch(badge, message)` is the glue's
// <interface>_dispatch bound to the implementation. A request it refuses (unknown method,
// missing arguments, reply too long) gets an empty reply, and the server goes on.
// `on_notification(bits)`, if the server's thread has a bound notification, gets its bits.
template <class Dispatch, class OnNotification>
[[noreturn]] void serve(EndpointCap ep, Dispatch&& dispatch, OnNotification&& on_notification) {
    Message regs;
    uint64_t badge = 0;
    Status s = ep.recv(regs, badge);
    for (;;) {
        if (s == Status::Notified) {
            on_notification(badge);
            s = ep.recv(regs, badge);
            continue;
        }
        base::RpcMessage m;
        bool answered = false;
        if (s == Status::Ok) {
            unpack(regs, m);
            answered = m.ok() && dispatch(badge, m) && pack(m, regs);
        }
        if (!answered) regs = Message{}; // length 0: refused
        s = ep.reply_recv(regs, badge);
    }
}

template <class Dispatch> [[noreturn]] void serve(EndpointCap ep, Dispatch&& dispatch) {
    serve(ep, static_cast<Dispatch&&>(dispatch), [](uint64_t) {});
}

} // namespace runtime
