// Hearing when the guest waits: a device that decides an interrupt late (virtio-console's
// transmit interrupt, which a guest that polls its buffer back never needs) asks while an
// exit is handled; the exit loop arms that vCPU's Idle exit (vcpu_abi::Reg::IdleExit)
// before resuming it, and when the vCPU waits in WFI with nothing pending, every listener
// hears of it and can raise what the guest may be waiting for.
#pragma once

#include <array>
#include <cstddef>

namespace vmm {

class IdleListener {
public:
    // A vCPU waits in WFI with nothing pending (or the VMM cannot hear of that: at once).
    virtual void vcpu_idle() = 0;

protected:
    ~IdleListener() = default;
};

class IdleWatch {
public:
    static constexpr std::size_t kMaxListeners = 8;

    // False when full.
    [[nodiscard]] bool add(IdleListener& listener);
    // During an exit: tell the listeners when the vCPU of this exit next waits.
    void request() { requested_ = true; }
    // The exit loop, before resuming: whether a request came (and forgets it).
    [[nodiscard]] bool take_request() {
        const bool requested = requested_;
        requested_ = false;
        return requested;
    }
    // Every listener's vcpu_idle().
    void idle();

private:
    std::array<IdleListener*, kMaxListeners> listeners_{};
    std::size_t count_ = 0;
    bool requested_ = false;
};

} // namespace vmm
