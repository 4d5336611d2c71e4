// Generated-glue RPC over kernel IPC: a base::RpcMessage travels in the message
// registers, MR0 = method | word count << 32, MR1.. = its argument words. A request too
// long for the registers travels in the caller's buffer of the connection instead
// (seL4RPCDataport gives each caller one; MR0's top bit says so), which the server copies
// out before it looks at it. A request that fits neither is not sent: the caller sees a
// failed reply (ok() false), the way a reply to a request the server refused looks.
#pragma once

#include <runtime/capabilities.hpp>

#include <base/rpc_message.hpp>

#include <cstddef>
#include <cstring>
#include <span>

namespace runtime {

inline constexpr unsigned kRpcMaxWords = call_abi::kMessageRegisters;
inline constexpr uint64_t kRpcInBuffer = uint64_t{1} << 63;

// Packs `m` into `regs`, or into `buffer` when the registers are too few; false if it
// fits neither.
inline bool pack(const base::RpcMessage& m, Message& regs, std::span<std::byte> buffer = {}) {
    if (!m.ok() || m.length() == 0) return false;
    regs = Message{};
    regs.mr[0] = uint64_t{m.method()} | (uint64_t{m.length()} << 32);
    if (m.length() <= kRpcMaxWords) {
        for (unsigned i = 1; i < m.length(); ++i)
            regs.mr[i] = m.words()[i];
        return true;
    }
    if (m.length() * sizeof(uint64_t) > buffer.size()) return false;
    std::memcpy(buffer.data(), m.words(), m.length() * sizeof(uint64_t));
    regs.mr[0] |= kRpcInBuffer;
    return true;
}

// Unpacks what arrived into `m` (an empty message, ok() false, if it claims too much or
// says it is in a buffer the receiver was not given).
inline void unpack(const Message& regs, base::RpcMessage& m,
                   std::span<const std::byte> buffer = {}) {
    const uint64_t length = (regs.mr[0] & ~kRpcInBuffer) >> 32;
    if ((regs.mr[0] & kRpcInBuffer) != 0) {
        if (length <= kRpcMaxWords || length > base::RpcMessage::capacity_words ||
            length * sizeof(uint64_t) > buffer.size()) {
            m.received(0);
            return;
        }
        // One copy: what the caller writes into the buffer afterwards changes nothing here.
        std::memcpy(m.words(), buffer.data(), length * sizeof(uint64_t));
    } else {
        if (length == 0 || length > kRpcMaxWords) {
            m.received(0);
            return;
        }
        for (unsigned i = 1; i < length; ++i)
            m.words()[i] = regs.mr[i];
    }
    m.words()[0] = regs.mr[0] & 0xffffffffu; // the method is the register's, never the buffer's
    m.received(length);
}

// The client side: what the glue's <interface>_client<Transport> calls through. `buffer`
// is the caller's buffer of the connection, if it has one (long requests go there).
class IpcTransport {
public:
    explicit IpcTransport(EndpointCap ep, std::span<std::byte> buffer = {})
        : ep_(ep), buffer_(buffer) {}
    void call(base::RpcMessage& m) {
        Message regs;
        if (!pack(m, regs, buffer_) || ep_.call(regs) != Status::Ok) {
            m.received(0);
            return;
        }
        unpack(regs, m);
    }

private:
    EndpointCap ep_;
    std::span<std::byte> buffer_;
};

// The server side: receives on `ep` forever; `dispatch(badge, message)` is the glue's
// <interface>_dispatch bound to the implementation. A request it refuses (unknown method,
// missing arguments, reply too long) gets an empty reply, and the server goes on.
// `on_notification(bits)`, if the server's thread has a bound notification, gets its bits;
// `buffer_of(badge)` is the caller's buffer (the glue's <interface>_buffer_of), where a
// long request is.
template <class Dispatch, class OnNotification, class BufferOf>
[[noreturn]] void serve(EndpointCap ep, Dispatch&& dispatch, OnNotification&& on_notification,
                        BufferOf&& buffer_of) {
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
            // The caller's buffer is looked up only for a request that says it is there.
            const bool in_buffer = (regs.mr[0] & kRpcInBuffer) != 0;
            unpack(regs, m, in_buffer ? buffer_of(badge) : std::span<const std::byte>());
            answered = m.ok() && dispatch(badge, m) && pack(m, regs);
        }
        if (!answered) regs = Message{}; // length 0: refused
        s = ep.reply_recv(regs, badge);
    }
}

template <class Dispatch, class OnNotification>
[[noreturn]] void serve(EndpointCap ep, Dispatch&& dispatch, OnNotification&& on_notification) {
    serve(ep, static_cast<Dispatch&&>(dispatch), static_cast<OnNotification&&>(on_notification),
          [](uint64_t) { return std::span<const std::byte>(); });
}

template <class Dispatch> [[noreturn]] void serve(EndpointCap ep, Dispatch&& dispatch) {
    serve(ep, static_cast<Dispatch&&>(dispatch), [](uint64_t) {});
}

} // namespace runtime
