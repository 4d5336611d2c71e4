// Typed capabilities: a slot number with the operations its object supports.
#pragma once

#include "runtime/kernel_call.hpp"

#include <cstddef>
#include <span>

namespace runtime {

using call_abi::Call;
using call_abi::Status;

struct Slot {
    uint32_t value;
};

class EndpointCap {
public:
    constexpr explicit EndpointCap(Slot s) : slot_(s.value) {}
    // Sends `m` and waits for the reply, which replaces `m`.
    Status call(Message& m) const { return kernel_call(Call::Call, slot_, 0, m).status; }
    Status send(Message& m) const { return kernel_call(Call::Send, slot_, 0, m).status; }
    // Receives into `m`; `badge` gets the sender's badge (or notification bits when
    // the result is Status::Notified).
    Status recv(Message& m, uint64_t& badge) const {
        const CallResult r = kernel_call(Call::Recv, slot_, 0, m);
        badge = r.value;
        return r.status;
    }
    // Replies with `m` to the last caller, then receives the next message into `m`.
    Status reply_recv(Message& m, uint64_t& badge) const {
        const CallResult r = kernel_call(Call::ReplyRecv, slot_, 0, m);
        badge = r.value;
        return r.status;
    }
    [[nodiscard]] uint32_t slot() const { return slot_; }

private:
    uint32_t slot_;
};

inline Status reply(Message& m) {
    return kernel_call(Call::Reply, 0, 0, m).status;
}

class NotificationCap {
public:
    constexpr explicit NotificationCap(Slot s) : slot_(s.value) {}
    Status signal() const { return kernel_call(Call::Signal, slot_).status; }
    // Blocks until signalled; returns the OR of the badges since the last wait.
    Status wait(uint64_t& bits) const {
        const CallResult r = kernel_call(Call::Wait, slot_);
        bits = r.value;
        return r.status;
    }
    Status poll(uint64_t& bits) const {
        const CallResult r = kernel_call(Call::Poll, slot_);
        bits = r.value;
        return r.status;
    }

private:
    uint32_t slot_;
};

class IrqHandlerCap {
public:
    constexpr explicit IrqHandlerCap(Slot s) : slot_(s.value) {}
    Status ack() const { return kernel_call(Call::IrqAck, slot_).status; }

private:
    uint32_t slot_;
};

// A movable mapping (spec::Mapping::window_size): placed, moved and removed at run time.
class MappingCap {
public:
    constexpr explicit MappingCap(Slot s) : slot_(s.value) {}
    // Removed from where it was, then placed at `ipa` (page aligned, inside its window).
    Status move(uint64_t ipa) const {
        Message m;
        return kernel_call(Call::MappingMove, slot_, ipa, m).status;
    }
    Status remove() const { return move(call_abi::kMappingRemoved); }

private:
    uint32_t slot_;
};

class ThreadCap {
public:
    constexpr explicit ThreadCap(Slot s) : slot_(s.value) {}
    Status suspend() const { return kernel_call(Call::ThreadSuspend, slot_).status; }
    Status resume() const { return kernel_call(Call::ThreadResume, slot_).status; }

private:
    uint32_t slot_;
};

class SystemControlCap {
public:
    constexpr explicit SystemControlCap(Slot s) : slot_(s.value) {}
    Status power_off() const { return kernel_call(Call::SystemOff, slot_).status; }

private:
    uint32_t slot_;
};

// SMCCC calls to the secure firmware (the kernel forwards only fast SiP, OEM, trusted-OS
// and read-only standard calls: arm::smccc::forwardable_to_firmware).
struct FirmwareResult {
    Status status;
    uint64_t x[4]; // the firmware's x0..x3 (x[0] = -1, NOT_SUPPORTED, without a firmware)
};
class FirmwareCap {
public:
    constexpr explicit FirmwareCap(Slot s) : slot_(s.value) {}
    // `args` are the call's x1..x6.
    FirmwareResult call(uint32_t function, const Message& args) const {
        Message m = args;
        const CallResult r = kernel_call(Call::FirmwareCall, slot_, function, m);
        return FirmwareResult{r.status, {r.value, m.mr[0], m.mr[1], m.mr[2]}};
    }

private:
    uint32_t slot_;
};

inline void yield() {
    kernel_call(Call::Yield);
}
// The next call_abi::kEntropyBytes of this domain's entropy stream (Call::Entropy); false
// (and `out` untouched) when the boot loader gave the kernel no seed.
inline bool take_entropy(std::span<std::byte, call_abi::kEntropyBytes> out) {
    Message m;
    const CallResult r = kernel_call(Call::Entropy, 0, 0, m);
    if (r.status != Status::Ok) return false;
    const uint64_t words[4] = {r.value, m.mr[0], m.mr[1], m.mr[2]}; // x1..x4
    static_assert(sizeof words == call_abi::kEntropyBytes);
    __builtin_memcpy(out.data(), words, sizeof words);
    return true;
}
[[noreturn]] inline void exit() {
    kernel_call(Call::Exit);
    for (;;) {
    }
}

} // namespace runtime
