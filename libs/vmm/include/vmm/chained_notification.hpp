// A chained notification word (spec::Notification::parent): the kernel keeps its bits and
// raises one bit of the VMM's bound notification; told of that bit, this handler polls the
// chained word and routes its bits as the bound word's router does. A VM with more
// passed-through IRQs than one word holds gets them in such words.
#pragma once

#include <vmm/device.hpp>

#include <cstdint>

namespace vmm {

// Takes the pending bits of a chained word (the kernel's Poll on it).
class NotificationWordSource {
public:
    virtual uint64_t poll() = 0;

protected:
    ~NotificationWordSource() = default;
};

class ChainedNotification final : public NotificationHandler {
public:
    ChainedNotification() = default;
    explicit ChainedNotification(NotificationWordSource& source) : source_(&source) {}

    // Routes `bits` of the chained word to `handler` (NotificationRouter::add's rules).
    [[nodiscard]] bool add(uint64_t bits, NotificationHandler& handler) {
        return router_.add(bits, handler);
    }
    // The bound word's bit for this word: poll it, route what it holds.
    void notified(uint64_t) override;
    // Bits of the chained word nobody owns, seen so far (logged by the owner).
    [[nodiscard]] uint64_t stray() const { return stray_; }

private:
    NotificationWordSource* source_ = nullptr;
    NotificationRouter router_;
    uint64_t stray_ = 0;
};

} // namespace vmm
