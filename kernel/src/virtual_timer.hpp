// The EL1 virtual timer (CNTV_*) of the vCPU whose timer is loaded on this core, and
// its saved copy for the others. The guest programs it directly; the kernel only
// masks it at the source while an injected timer interrupt is in flight.
#pragma once

#include <cstdint>

namespace kernel::vtimer {

inline constexpr uint64_t kCtlEnable = 1;
inline constexpr uint64_t kCtlImask = 2;
inline constexpr uint64_t kCtlIstatus = 4;

struct TimerState {
    uint64_t ctl = 0;
    uint64_t cval = 0;
};

void save(TimerState& s);
void load(const TimerState& s);
void set_hw_mask(bool masked);
// Would this (saved) timer assert its interrupt now?
[[nodiscard]] bool due(const TimerState& s);

} // namespace kernel::vtimer
