// Idle listeners (see idle_watch.hpp).
#include <vmm/idle_watch.hpp>

namespace vmm {

bool IdleWatch::add(IdleListener& listener) {
    if (count_ == listeners_.size()) return false;
    listeners_[count_++] = &listener;
    return true;
}

void IdleWatch::idle() {
    for (std::size_t i = 0; i < count_; ++i)
        listeners_[i]->vcpu_idle();
}

} // namespace vmm
