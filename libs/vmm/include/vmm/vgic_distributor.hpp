// The guest's GICv2 distributor (GICD), emulated: every register a Linux guest
// touches, SGI generation, and delivery of pending interrupts into the vCPUs' list
// registers with a per-vCPU overflow queue when they are all in use. The guest's CPU
// interface is the hardware GICV, so acknowledge/EOI never trap; each injected
// interrupt asks for an EOI maintenance interrupt, and the kernel's report of it (riding
// on the vCPU's next exit, or at once when this asks: ListRegisters) frees its list
// register here and acknowledges passed-through interrupts.
#pragma once

#include <arch/gic_v2.hpp>
#include <vmm/list_registers.hpp>
#include <vmm/log.hpp>
#include <vmm/mmio_bus.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace vmm {

class VgicDistributor final : public MmioDevice {
public:
    static constexpr unsigned kMaxIrqs = 1024; // GICv2: INTIDs 0..1019
    static constexpr unsigned kMaxVcpus = arm::gicv2::kMaxCpus;
    static constexpr unsigned kMaxListRegisters = 64;
    static constexpr uint64_t kSize = arm::gicv2::gicd::kFrameSize;

    // Register offsets: the distributor register map (D::kCtlr, D::kTyper, ...).
    using enum arm::gicv2::gicd::Offset;
    static constexpr uint32_t kIidrValue = 0x0000043b; // implementer Arm, product 0

    // num_irqs: a multiple of 32, at most 1024 (the guest sees 1020 usable INTIDs then).
    // One ListRegisters per vCPU; their count bounds the vCPUs the guest sees.
    VgicDistributor(unsigned num_irqs, std::span<ListRegisters* const> vcpus, LogSink& log);

    // MmioDevice: the guest's accesses to its GICD page.
    [[nodiscard]] bool read(uint64_t offset, unsigned size, unsigned vcpu,
                            uint64_t& value) override;
    [[nodiscard]] bool write(uint64_t offset, unsigned size, unsigned vcpu,
                             uint64_t value) override;

    // A device (or a passed-through interrupt) raises `irq`; for SGIs/PPIs `vcpu` says
    // whose banked copy. False for an INTID out of range.
    bool inject(unsigned irq, unsigned vcpu = 0);
    // An emulated device's level-triggered line (virtio-mmio, ...): while high the interrupt
    // is pending and is delivered again after each EOI; low withdraws it unless it is
    // already in a list register. False for SGIs and INTIDs out of range.
    bool set_level(unsigned irq, bool high, unsigned vcpu = 0);
    // Passed-through interrupt: `ack` is told after the guest's EOI of each delivery.
    bool set_acknowledger(unsigned irq, IrqAcknowledger& ack);
    // The kernel's EOI report: the guest finished the interrupt in list register `lr`.
    void on_eoi(unsigned vcpu, unsigned lr);

    // What the GICv3 frames (VgicV3Distributor, VgicRedistributors) drive the same
    // interrupt state through, where their registers differ from GICD's.
    // GICD_CTLR's enables: delivery on or off.
    void set_enabled(bool on);
    [[nodiscard]] bool enabled() const { return enabled_; }
    // SGI `sgi` from vCPU `from` to every vCPU whose bit is set in `targets`; bits of
    // vCPUs that do not exist are logged (rate-limited) and ignored.
    void send_sgi(unsigned from, uint64_t targets, unsigned sgi);
    // SPI `irq` goes to vCPU `vcpu` (GICD_IROUTER); false for a non-SPI or no such vCPU.
    bool route_spi(unsigned irq, unsigned vcpu);
    [[nodiscard]] unsigned num_irqs() const { return num_irqs_; }

    // Observers for tests and diagnostics.
    [[nodiscard]] bool pending(unsigned irq, unsigned vcpu = 0) const;
    [[nodiscard]] bool enabled(unsigned irq, unsigned vcpu = 0) const;
    [[nodiscard]] uint8_t priority(unsigned irq, unsigned vcpu = 0) const;
    [[nodiscard]] std::size_t queued(unsigned vcpu) const { return queues_[vcpu].count; }
    [[nodiscard]] unsigned num_vcpus() const { return num_vcpus_; }

private:
    struct IrqState {
        bool enabled = false;
        bool pending = false; // SGIs: sgi_sources != 0 instead
        bool active = false;
        bool group1 = false;
        bool edge = false;
        bool in_lr = false;
        bool queued = false;
        bool line_high = false; // set_level() devices
        uint8_t priority = 0;
        uint8_t targets = 0; // SPIs only
        uint8_t sgi_sources = 0;
        IrqAcknowledger* ack = nullptr;
    };
    struct Queue {
        std::array<uint16_t, kMaxIrqs> irqs{};
        std::size_t head = 0;
        std::size_t count = 0;
    };
    struct LrSlot {
        bool used = false;
        uint16_t irq = 0;
    };

    [[nodiscard]] IrqState& state(unsigned vcpu, unsigned irq);
    [[nodiscard]] const IrqState& state(unsigned vcpu, unsigned irq) const;
    [[nodiscard]] bool is_pending(const IrqState& s, unsigned irq) const;
    [[nodiscard]] int target_vcpu(unsigned vcpu, unsigned irq) const;
    void try_deliver(unsigned vcpu, unsigned irq);
    void deliver_all_pending();
    void drain_queue(unsigned vcpu);

    // Register groups: one bit, one byte or two bits per interrupt.
    [[nodiscard]] uint32_t read_bits(uint64_t base_offset, uint64_t offset, unsigned vcpu) const;
    void write_bits(uint64_t base_offset, uint64_t offset, unsigned vcpu, uint32_t value);
    [[nodiscard]] uint8_t read_byte(uint64_t offset, unsigned vcpu) const;
    void write_byte(uint64_t offset, unsigned vcpu, uint8_t value);
    [[nodiscard]] uint32_t read_word(uint64_t offset, unsigned vcpu) const;
    void write_word(uint64_t offset, unsigned vcpu, uint32_t value);
    void generate_sgi(unsigned vcpu, uint32_t sgir);

    unsigned num_irqs_;
    unsigned num_vcpus_;
    LogSink& log_;
    GuestEventLimit sgi_log_{log_, "SGIs to vCPUs that do not exist"};
    bool enabled_ = false;
    std::array<ListRegisters*, kMaxVcpus> lrs_{};
    std::array<std::array<IrqState, 32>, kMaxVcpus> banked_{};
    std::array<IrqState, kMaxIrqs - 32> spis_{};
    std::array<Queue, kMaxVcpus> queues_{};
    std::array<std::array<LrSlot, kMaxListRegisters>, kMaxVcpus> slots_{};
};

} // namespace vmm
