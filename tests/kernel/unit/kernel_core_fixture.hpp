// Host fixture for the kernel's portable core: threads with plain register
// contexts, and cleanup of the (global, per-core) schedulers after each test; core 0 executes.
#pragma once

#include "endpoint.hpp"
#include "fake_smp.hpp"
#include "notification.hpp"
#include "scheduler.hpp"

#include <spec/call_abi.hpp>

#include <gtest/gtest.h>

#include <deque>

namespace kernel_test {

class KernelCore : public ::testing::Test {
protected:
    kernel::Thread* thread(uint8_t priority, uint32_t core = 0) {
        kernel::Thread& t = threads_.emplace_back();
        t.priority = priority;
        t.core = core;
        t.index = static_cast<uint32_t>(threads_.size() - 1);
        kernel::scheduler_of(&t).make_ready(&t);
        return &t;
    }
    // Core 0's choice, as schedule_and_return makes it: the thread that ran (current_)
    // goes on or goes back to a queue, the chosen one leaves its queue and runs.
    kernel::Thread* run() {
        current_ = kernel::scheduler().pick(current_, &idle_);
        return current_;
    }
    // A fast path switched to `t` directly (it is in no queue); then the scheduler's choice.
    kernel::Thread* switched(kernel::Thread* t) {
        current_ = t;
        return run();
    }
    static void set_mrs(kernel::Thread* t, uint64_t base) {
        for (unsigned i = 0; i < call_abi::kMessageRegisters; ++i)
            t->context.x[2 + i] = base + i;
    }
    static call_abi::Status status(const kernel::Thread* t) {
        return static_cast<call_abi::Status>(t->context.x[0]);
    }
    void SetUp() override {
        fake_smp::executing_core = 0;
        fake_smp::kicks.clear();
    }
    void TearDown() override {
        for (auto& t : threads_)
            kernel::scheduler_of(&t).remove(&t);
    }

    std::deque<kernel::Thread> threads_; // stable addresses
    kernel::Thread idle_;
    kernel::Thread* current_ = nullptr; // running on core 0 (in no run queue)
};

} // namespace kernel_test
