// GICv2 distributor emulation and list-register delivery (register semantics from
// the Arm GIC architecture specification v2, chapter 4.3 "Distributor register descriptions").
#include <vmm/vgic_distributor.hpp>

namespace vmm {
namespace {

using arm::gicv2::kSgiCount;
constexpr unsigned kBankedCount = arm::gicv2::kPrivateCount;

// GICD_PIDR4..7, PIDR0..3, CIDR0..3 in address order: a GICv2 (ArchRev 2) part.
constexpr uint8_t kIdRegisters[12] = {0x04, 0x00, 0x00, 0x00, 0x90, 0xb4,
                                      0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

bool in_block(uint64_t offset, uint64_t base, uint64_t size) {
    return offset >= base && offset < base + size;
}

// The registers that are byte-accessible as well as word-accessible: IPRIORITYR and
// ITARGETSR (one block), CPENDSGIR and SPENDSGIR.
static_assert(VgicDistributor::kItargetsr == VgicDistributor::kIpriorityr + 0x400);
bool byte_accessible(uint64_t offset) {
    return in_block(offset, VgicDistributor::kIpriorityr, 0x800) ||
           in_block(offset, VgicDistributor::kCpendsgir, 0x20);
}

} // namespace

VgicDistributor::VgicDistributor(unsigned num_irqs, std::span<ListRegisters* const> vcpus,
                                 LogSink& log)
    : num_irqs_(num_irqs), num_vcpus_(0), log_(log) {
    if (num_irqs_ > kMaxIrqs) num_irqs_ = kMaxIrqs;
    num_irqs_ = num_irqs_ < kBankedCount ? kBankedCount : (num_irqs_ + 31) / 32 * 32;
    for (ListRegisters* lr : vcpus) {
        if (num_vcpus_ == kMaxVcpus || lr == nullptr) break;
        lrs_[num_vcpus_++] = lr;
    }
    for (auto& bank : banked_) {
        // SGIs are always enabled and edge-triggered in this implementation.
        for (unsigned i = 0; i < kSgiCount; ++i) {
            bank[i].enabled = true;
            bank[i].edge = true;
        }
    }
}

VgicDistributor::IrqState& VgicDistributor::state(unsigned vcpu, unsigned irq) {
    return irq < kBankedCount ? banked_[vcpu][irq] : spis_[irq - kBankedCount];
}

const VgicDistributor::IrqState& VgicDistributor::state(unsigned vcpu, unsigned irq) const {
    return irq < kBankedCount ? banked_[vcpu][irq] : spis_[irq - kBankedCount];
}

bool VgicDistributor::is_pending(const IrqState& s, unsigned irq) const {
    return irq < kSgiCount ? s.sgi_sources != 0 : s.pending;
}

int VgicDistributor::target_vcpu(unsigned vcpu, unsigned irq) const {
    if (irq < kBankedCount) return static_cast<int>(vcpu);
    const uint8_t targets = spis_[irq - kBankedCount].targets;
    for (unsigned v = 0; v < num_vcpus_; ++v) {
        if ((targets >> v) & 1) return static_cast<int>(v);
    }
    return -1;
}

void VgicDistributor::try_deliver(unsigned vcpu, unsigned irq) {
    IrqState& s = state(vcpu, irq);
    if (!enabled_ || !s.enabled || !is_pending(s, irq)) return;
    const int target = target_vcpu(vcpu, irq);
    if (target < 0) return;
    const unsigned t = static_cast<unsigned>(target);
    // Pending again while still in a list register, or (below) waiting for a free one: it
    // goes in after an EOI, which the kernel then reports at once, not with the next exit.
    if (s.in_lr) {
        lrs_[t]->want_eoi_at_once();
        return;
    }
    const unsigned count =
        lrs_[t]->count() < kMaxListRegisters ? lrs_[t]->count() : kMaxListRegisters;
    for (unsigned i = 0; i < count; ++i) {
        LrSlot& slot = slots_[t][i];
        if (slot.used) continue;
        ListRegisterEntry entry;
        entry.virq = static_cast<uint16_t>(irq);
        entry.state = ListRegisterEntry::State::Pending;
        // The EOI maintenance interrupt is how a list register is known to be free again.
        entry.eoi_maintenance = true;
        entry.priority = s.priority;
        entry.group1 = s.group1;
        if (irq < kSgiCount) {
            // One source at a time: the list register names the requesting vCPU.
            unsigned source = 0;
            while (((s.sgi_sources >> source) & 1) == 0)
                ++source;
            s.sgi_sources = static_cast<uint8_t>(s.sgi_sources & ~(1u << source));
            entry.source_cpu = static_cast<uint8_t>(source);
        } else {
            s.pending = false; // the list register holds the pending state now
        }
        slot = LrSlot{true, static_cast<uint16_t>(irq)};
        s.in_lr = true;
        // Its EOI is wanted at once when something waits for it: a passed-through interrupt
        // (the physical one stays masked until acknowledged), another sender of the SGI,
        // interrupts queued for a list register.
        const bool at_once =
            s.ack != nullptr || (irq < kSgiCount && s.sgi_sources != 0) || queues_[t].count != 0;
        lrs_[t]->write(i, entry, at_once ? EoiReport::AtOnce : EoiReport::WithNextExit);
        return;
    }
    lrs_[t]->want_eoi_at_once();
    if (!s.queued) {
        Queue& q = queues_[t];
        q.irqs[(q.head + q.count) % q.irqs.size()] = static_cast<uint16_t>(irq);
        ++q.count;
        s.queued = true;
    }
}

void VgicDistributor::drain_queue(unsigned vcpu) {
    Queue& q = queues_[vcpu];
    auto free_lr = [&] {
        for (unsigned i = 0; i < lrs_[vcpu]->count() && i < kMaxListRegisters; ++i) {
            if (!slots_[vcpu][i].used) return true;
        }
        return false;
    };
    while (q.count != 0 && free_lr()) {
        const unsigned irq = q.irqs[q.head];
        q.head = (q.head + 1) % q.irqs.size();
        --q.count;
        // Queued SPIs live in the SPI state; banked ones in this vCPU's bank.
        state(vcpu, irq).queued = false;
        try_deliver(vcpu, irq); // re-checks enable, pending and target
    }
}

void VgicDistributor::deliver_all_pending() {
    for (unsigned v = 0; v < num_vcpus_; ++v) {
        for (unsigned irq = 0; irq < kBankedCount; ++irq)
            try_deliver(v, irq);
    }
    for (unsigned irq = kBankedCount; irq < num_irqs_; ++irq)
        try_deliver(0, irq);
}

bool VgicDistributor::inject(unsigned irq, unsigned vcpu) {
    if (irq >= num_irqs_ || vcpu >= num_vcpus_) return false;
    IrqState& s = state(vcpu, irq);
    if (irq < kSgiCount) {
        s.sgi_sources = static_cast<uint8_t>(s.sgi_sources | (1u << vcpu));
    } else {
        s.pending = true;
    }
    try_deliver(vcpu, irq);
    return true;
}

bool VgicDistributor::set_level(unsigned irq, bool high, unsigned vcpu) {
    if (irq < kSgiCount || irq >= num_irqs_ || vcpu >= num_vcpus_) return false;
    IrqState& s = state(vcpu, irq);
    // Raising a line already high is no new event: the interrupt is pending or in a list
    // register already, and on_eoi() delivers it again while the line stays high.
    if (high && s.line_high) return true;
    s.line_high = high;
    s.pending = high;
    if (high) try_deliver(vcpu, irq);
    return true;
}

bool VgicDistributor::set_acknowledger(unsigned irq, IrqAcknowledger& ack) {
    if (irq < kBankedCount || irq >= num_irqs_) return false; // passthrough is for SPIs
    spis_[irq - kBankedCount].ack = &ack;
    return true;
}

void VgicDistributor::on_eoi(unsigned vcpu, unsigned lr) {
    if (vcpu >= num_vcpus_ || lr >= kMaxListRegisters || !slots_[vcpu][lr].used) {
        LogLine line;
        line << "vgic: maintenance for unused list register " << Dec{lr} << " on vcpu "
             << Dec{vcpu};
        line.emit(log_);
        return;
    }
    const unsigned irq = slots_[vcpu][lr].irq;
    slots_[vcpu][lr].used = false;
    IrqState& s = state(vcpu, irq);
    s.in_lr = false;
    s.active = false;
    if (s.ack != nullptr) s.ack->acknowledge(irq);
    if (s.line_high) s.pending = true; // a level line still asserted fires again
    drain_queue(vcpu);
    try_deliver(vcpu, irq); // raised again meanwhile (edge, another SGI source)
}

bool VgicDistributor::pending(unsigned irq, unsigned vcpu) const {
    if (irq >= num_irqs_ || vcpu >= num_vcpus_) return false;
    const IrqState& s = state(vcpu, irq);
    return is_pending(s, irq) || s.in_lr;
}

bool VgicDistributor::enabled(unsigned irq, unsigned vcpu) const {
    return irq < num_irqs_ && vcpu < num_vcpus_ && state(vcpu, irq).enabled;
}

uint8_t VgicDistributor::priority(unsigned irq, unsigned vcpu) const {
    return irq < num_irqs_ && vcpu < num_vcpus_ ? state(vcpu, irq).priority : 0;
}

// --- Register access ---------------------------------------------------------------

bool VgicDistributor::read(uint64_t offset, unsigned size, unsigned vcpu, uint64_t& value) {
    if (vcpu >= num_vcpus_ || offset >= kSize) return false;
    // Word registers first: what a guest reads most (CTLR, TYPER, the bit registers).
    if (size == 4 && (offset & 3) == 0 && !byte_accessible(offset)) {
        value = read_word(offset, vcpu);
        return true;
    }
    if (size == 1 && byte_accessible(offset)) {
        value = read_byte(offset, vcpu);
        return true;
    }
    if (size != 4 || (offset & 3) != 0) return false;
    uint32_t word = 0; // a byte-accessible register read as a word
    for (unsigned i = 0; i < 4; ++i)
        word |= uint32_t{read_byte(offset + i, vcpu)} << (8 * i);
    value = word;
    return true;
}

bool VgicDistributor::write(uint64_t offset, unsigned size, unsigned vcpu, uint64_t value) {
    if (vcpu >= num_vcpus_ || offset >= kSize) return false;
    if (size == 1 && byte_accessible(offset)) {
        write_byte(offset, vcpu, static_cast<uint8_t>(value));
        return true;
    }
    if (size != 4 || (offset & 3) != 0) return false;
    if (byte_accessible(offset)) {
        for (unsigned i = 0; i < 4; ++i) {
            write_byte(offset + i, vcpu, static_cast<uint8_t>(value >> (8 * i)));
        }
    } else {
        write_word(offset, vcpu, static_cast<uint32_t>(value));
    }
    return true;
}

uint32_t VgicDistributor::read_word(uint64_t offset, unsigned vcpu) const {
    if (offset == kCtlr) return enabled_ ? 1 : 0;
    if (offset == kTyper) return arm::gicv2::gicd::make_typer(num_irqs_, num_vcpus_);
    if (offset == kIidr) return kIidrValue;
    if (in_block(offset, kIgroupr, 0x80)) return read_bits(kIgroupr, offset, vcpu);
    if (in_block(offset, kIsenabler, 0x100)) return read_bits(kIsenabler, offset, vcpu);
    if (in_block(offset, kIspendr, 0x100)) return read_bits(kIspendr, offset, vcpu);
    if (in_block(offset, kIsactiver, 0x100)) return read_bits(kIsactiver, offset, vcpu);
    if (in_block(offset, kIcfgr, 0x100)) {
        const unsigned first = static_cast<unsigned>((offset - kIcfgr) / 4 * 16);
        uint32_t word = 0;
        for (unsigned i = 0; i < 16 && first + i < num_irqs_; ++i) {
            if (state(vcpu, first + i).edge) word |= arm::gicv2::gicd::icfgr_edge_bit(first + i);
        }
        return word;
    }
    if (offset >= kPidr4) return kIdRegisters[(offset - kPidr4) / 4];
    return 0; // GICD_SGIR is write-only; reserved space reads as zero
}

void VgicDistributor::write_word(uint64_t offset, unsigned vcpu, uint32_t value) {
    if (offset == kCtlr) {
        set_enabled((value & 1) != 0);
    } else if (in_block(offset, kIgroupr, 0x400) && offset < kIpriorityr) {
        // IGROUPR, ISENABLER..ICACTIVER: one bit per interrupt, 0x80 bytes each.
        write_bits(offset & ~uint64_t{0x7f}, offset, vcpu, value);
    } else if (in_block(offset, kIcfgr, 0x100)) {
        const unsigned first = static_cast<unsigned>((offset - kIcfgr) / 4 * 16);
        for (unsigned i = 0; i < 16 && first + i < num_irqs_; ++i) {
            if (first + i < kSgiCount) continue; // SGIs: fixed edge-triggered
            state(vcpu, first + i).edge =
                (value & arm::gicv2::gicd::icfgr_edge_bit(first + i)) != 0;
        }
    } else if (offset == kSgir) {
        generate_sgi(vcpu, value);
    }
    // TYPER, IIDR and the ID registers are read-only; reserved space ignores writes.
}

uint32_t VgicDistributor::read_bits(uint64_t base_offset, uint64_t offset, unsigned vcpu) const {
    const unsigned first = static_cast<unsigned>((offset - base_offset) % 0x80 / 4 * 32);
    uint32_t word = 0;
    for (unsigned i = 0; i < 32 && first + i < num_irqs_; ++i) {
        const unsigned irq = first + i;
        const IrqState& s = state(vcpu, irq);
        bool bit = false;
        switch (base_offset) {
        case kIgroupr:
            bit = s.group1;
            break;
        case kIsenabler:
            bit = s.enabled;
            break;
        case kIspendr:
            bit = is_pending(s, irq) || s.in_lr;
            break;
        default:
            bit = s.active;
            break;
        }
        if (bit) word |= 1u << i;
    }
    return word;
}

void VgicDistributor::write_bits(uint64_t base_offset, uint64_t offset, unsigned vcpu,
                                 uint32_t value) {
    const unsigned first = static_cast<unsigned>((offset - base_offset) / 4 * 32);
    for (unsigned i = 0; i < 32 && first + i < num_irqs_; ++i) {
        const unsigned irq = first + i;
        const bool bit = ((value >> i) & 1) != 0;
        IrqState& s = state(vcpu, irq);
        if (base_offset == kIgroupr) {
            s.group1 = bit;
            continue;
        }
        if (!bit) continue; // set/clear registers: zeros have no effect
        switch (base_offset) {
        case kIsenabler:
            s.enabled = true;
            try_deliver(vcpu, irq);
            break;
        case kIcenabler:
            if (irq >= kSgiCount) s.enabled = false;
            break;
        case kIspendr: // SGI pending state is set through GICD_SPENDSGIR instead
            if (irq >= kSgiCount) {
                s.pending = true;
                try_deliver(vcpu, irq);
            }
            break;
        case kIcpendr:
            if (irq >= kSgiCount) s.pending = false;
            break;
        case kIsactiver:
            s.active = true;
            break;
        case kIcactiver:
            s.active = false;
            break;
        default:
            break;
        }
    }
}

uint8_t VgicDistributor::read_byte(uint64_t offset, unsigned vcpu) const {
    if (in_block(offset, kIpriorityr, 0x400)) {
        const unsigned irq = static_cast<unsigned>(offset - kIpriorityr);
        return irq < num_irqs_ ? state(vcpu, irq).priority : 0;
    }
    if (in_block(offset, kItargetsr, 0x400)) {
        const unsigned irq = static_cast<unsigned>(offset - kItargetsr);
        if (irq < kBankedCount) return static_cast<uint8_t>(1u << vcpu); // banked, read-only
        return irq < num_irqs_ ? spis_[irq - kBankedCount].targets : 0;
    }
    // GICD_CPENDSGIR / GICD_SPENDSGIR: per SGI, the sources pending on this vCPU.
    const unsigned sgi = static_cast<unsigned>(offset - kCpendsgir) % kSgiCount;
    return banked_[vcpu][sgi].sgi_sources;
}

void VgicDistributor::write_byte(uint64_t offset, unsigned vcpu, uint8_t value) {
    if (in_block(offset, kIpriorityr, 0x400)) {
        const unsigned irq = static_cast<unsigned>(offset - kIpriorityr);
        // 32 priority levels, as the list registers carry (GICH_LR Priority = [7:3]).
        if (irq < num_irqs_) state(vcpu, irq).priority = static_cast<uint8_t>(value & 0xf8);
        return;
    }
    if (in_block(offset, kItargetsr, 0x400)) {
        const unsigned irq = static_cast<unsigned>(offset - kItargetsr);
        if (irq < kBankedCount || irq >= num_irqs_) return;
        spis_[irq - kBankedCount].targets = static_cast<uint8_t>(value & ((1u << num_vcpus_) - 1));
        try_deliver(vcpu, irq); // a pending SPI with no target may have one now
        return;
    }
    const uint8_t valid = static_cast<uint8_t>((1u << num_vcpus_) - 1);
    const unsigned sgi = static_cast<unsigned>(offset - kCpendsgir) % kSgiCount;
    IrqState& s = banked_[vcpu][sgi];
    if (offset < kSpendsgir) {
        s.sgi_sources = static_cast<uint8_t>(s.sgi_sources & ~value);
    } else {
        s.sgi_sources = static_cast<uint8_t>(s.sgi_sources | (value & valid));
        try_deliver(vcpu, sgi);
    }
}

void VgicDistributor::set_enabled(bool on) {
    const bool was = enabled_;
    enabled_ = on;
    if (enabled_ && !was) deliver_all_pending();
}

bool VgicDistributor::route_spi(unsigned irq, unsigned vcpu) {
    if (irq < kBankedCount || irq >= num_irqs_ || vcpu >= num_vcpus_) return false;
    spis_[irq - kBankedCount].targets = static_cast<uint8_t>(1u << vcpu);
    try_deliver(vcpu, irq); // a pending SPI with no target may have one now
    return true;
}

void VgicDistributor::send_sgi(unsigned from, uint64_t targets, unsigned sgi) {
    const uint64_t all = (uint64_t{1} << num_vcpus_) - 1;
    // The GIC ignores targets that do not exist (IHI 0048B 4.3.15, IHI 0069H 12.2.23);
    // the guest is told nothing, the VMM log says what it asked for.
    if ((targets & ~all) != 0 && sgi_log_.admit()) {
        LogLine line;
        line << "vgic: vCPU " << Dec{from} << " sent SGI " << Dec{sgi} << " to CPU targets "
             << Hex{targets} << "; only " << Dec{num_vcpus_} << " vCPUs exist: ignored for "
             << Hex{targets & ~all};
        line.emit(log_);
    }
    if (from >= num_vcpus_ || sgi >= kSgiCount) return;
    for (unsigned t = 0; t < num_vcpus_; ++t) {
        if (((targets >> t) & 1) == 0) continue;
        IrqState& s = banked_[t][sgi];
        s.sgi_sources = static_cast<uint8_t>(s.sgi_sources | (1u << from));
        try_deliver(t, sgi);
    }
}

void VgicDistributor::generate_sgi(unsigned vcpu, uint32_t sgir) {
    namespace gicd = arm::gicv2::gicd;
    const unsigned sgi = gicd::sgir_intid(sgir);
    const unsigned all = (1u << num_vcpus_) - 1;
    unsigned targets = 0;
    switch (gicd::sgir_filter(sgir)) {
    case gicd::SgiFilter::TargetList:
        targets = gicd::sgir_targets(sgir);
        break;
    case gicd::SgiFilter::AllButSelf:
        targets = all & ~(1u << vcpu);
        break;
    case gicd::SgiFilter::SelfOnly:
        targets = 1u << vcpu;
        break;
    case gicd::SgiFilter::Reserved:
        return;
    }
    send_sgi(vcpu, targets, sgi);
}

} // namespace vmm
