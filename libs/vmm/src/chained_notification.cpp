// Routing a chained notification word's bits (see chained_notification.hpp).
#include <vmm/chained_notification.hpp>

namespace vmm {

void ChainedNotification::notified(uint64_t) {
    if (source_ == nullptr) return;
    stray_ |= router_.dispatch(source_->poll());
}

} // namespace vmm
