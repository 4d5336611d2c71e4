// Threads: saved register context (first, the exception vectors write into it),
// scheduling state and IPC bookkeeping. All threads exist from boot (see the spec).
#pragma once

#include "debug_line.hpp"

#include <cstddef>
#include <cstdint>

namespace kernel {

struct Domain;
struct Endpoint;
struct Notification;
struct VcpuState;

struct Context {
    uint64_t x[31];
    uint64_t sp_el0;
    uint64_t elr;
    uint64_t spsr;
};
static_assert(offsetof(Context, sp_el0) == 248 && offsetof(Context, elr) == 256 &&
              offsetof(Context, spsr) == 264);

// The FP/SIMD register file, saved only when another thread needs it (fp_switch).
struct alignas(16) FpState {
    uint64_t q[64]; // q0..q31
    uint64_t fpsr;
    uint64_t fpcr;
};
static_assert(offsetof(FpState, fpsr) == 512);

enum class ThreadState : uint8_t {
    Inactive,       // suspended, or stopped by a fault with nobody to tell
    Ready,          // in its core's run queue, or running there (then in no queue)
    BlockedOnSend,  // in an endpoint's send queue (Send, Call, or a fault message)
    BlockedOnRecv,  // in an endpoint's receive queue
    BlockedOnReply, // its call was received; waits for the reply
    BlockedOnNotification,
    BlockedOnVirq, // a vCPU in WFI: waits until a list register is pending
};

struct Thread {
    Context context; // must stay first: TPIDR_EL2 points here
    ThreadState state = ThreadState::Inactive;
    uint8_t priority = 0;
    bool is_call = false;    // queued sender expects a reply
    bool in_fault = false;   // blocked delivering a fault message (fault_message holds it)
    bool cap_faults = false; // capability errors are faults (spec::ThreadFlags::CapFaults)
    bool queued = false;     // in its core's run queue (the running thread is not: Scheduler)
    uint32_t index = 0;
    uint32_t core = 0; // SMP: the core it is pinned to
    Domain* domain = nullptr;
    // One intrusive link: a thread is in at most one queue at a time (ready, an
    // endpoint's send or receive queue, or a notification's wait queue).
    Thread* next = nullptr;
    Thread* prev = nullptr;
    Endpoint* blocked_endpoint = nullptr;
    Notification* blocked_notification = nullptr;
    uint64_t send_badge = 0;
    Thread* reply_to = nullptr; // server side: the caller this thread owes a reply
    Thread* replier = nullptr;  // caller side: the thread holding our reply
    Endpoint* fault_endpoint = nullptr;
    uint64_t fault_badge = 0;
    uint64_t fault_message[6] = {}; // MR0..MR5 of a fault or vCPU exit message
    Notification* bound_notification = nullptr;
    VcpuState* vcpu = nullptr; // set for vCPUs (spec::ThreadFlags::Vcpu): the guest state
    char name[16] = {};
    FpState fp = {};
    // EL0's software thread register, this thread's alone (kept here while another runs;
    // switch_thread_register in kernel_objects.cpp). A vCPU's is its guest's.
    uint64_t tpidr_el0 = 0;
    // The top of the kernel stack of its core (kernel_stack_top), where the vectors move
    // sp once its registers are saved.
    uint64_t kernel_stack = 0;
#if !defined(BULKHEAD_RELEASE)
    DebugLine debug_line; // its debug-console line so far (DebugWrite with kDebugWriteMore)
#endif
};

// The exception vectors read it (THREAD_KERNEL_STACK in arch/aarch64/kernel_stack.h).
static_assert(offsetof(Thread, kernel_stack) == 984);

// Doubly linked FIFO of threads through Thread::next/prev.
class ThreadQueue {
public:
    [[nodiscard]] bool empty() const { return head_ == nullptr; }
    [[nodiscard]] Thread* front() const { return head_; }
    void push_back(Thread* t) {
        t->next = nullptr;
        t->prev = tail_;
        if (tail_ != nullptr) {
            tail_->next = t;
        } else {
            head_ = t;
        }
        tail_ = t;
    }
    Thread* pop_front() {
        Thread* t = head_;
        if (t == nullptr) return nullptr;
        head_ = t->next; // remove(t) knowing t->prev is null
        if (head_ != nullptr) {
            head_->prev = nullptr;
        } else {
            tail_ = nullptr;
        }
        t->next = nullptr;
        return t;
    }
    void push_front(Thread* t) {
        t->prev = nullptr;
        t->next = head_;
        if (head_ != nullptr) {
            head_->prev = t;
        } else {
            tail_ = t;
        }
        head_ = t;
    }
    void remove(Thread* t) {
        if (t->prev != nullptr) {
            t->prev->next = t->next;
        } else {
            head_ = t->next;
        }
        if (t->next != nullptr) {
            t->next->prev = t->prev;
        } else {
            tail_ = t->prev;
        }
        t->next = t->prev = nullptr;
    }

private:
    Thread* head_ = nullptr;
    Thread* tail_ = nullptr;
};

} // namespace kernel
