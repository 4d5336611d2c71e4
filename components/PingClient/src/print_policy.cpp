// When PingClient prints its counters line (see print_policy.hpp).
#include <ping_client/print_policy.hpp>

namespace ping_client {

bool PrintPolicy::counters_due(const Counters& c, uint64_t ring_full) {
    const uint64_t losses = c.malformed + c.dropped + ring_full;
    const bool due = packets_ || !printed_ || losses != losses_ ||
                     c.frames / kSummaryFrames != frames_ / kSummaryFrames;
    if (due) {
        printed_ = true;
        frames_ = c.frames;
        losses_ = losses;
    }
    return due;
}

} // namespace ping_client
