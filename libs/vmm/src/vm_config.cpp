// Opening and reading the VM's binary configuration (see vm_config.hpp).
#include <vmm/vm_config.hpp>

#include <cstring>

namespace vmm::vm_config {

bool View::fits(uint32_t offset, uint64_t bytes) const {
    return offset <= bytes_.size() && bytes <= bytes_.size() - offset;
}

template <class T> T View::record(TableRef t, uint32_t i) const {
    T out{};
    if (i < t.count) std::memcpy(&out, bytes_.data() + t.offset + i * sizeof(T), sizeof(T));
    return out;
}

bool View::open(std::span<const std::byte> bytes) {
    bytes_ = bytes;
    if (bytes.size() < sizeof(Header)) return false;
    std::memcpy(&header_, bytes.data(), sizeof header_);
    const Header& h = header_;
    if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.version != kVersion ||
        h.size != bytes.size()) {
        return false;
    }
    for (const StringRef s : {h.linux_name, h.dtb_name, h.initrd_name, h.bootargs, h.stdout_path})
        if (!fits(s.offset, s.length)) return false;
    if (!fits(h.passthrough.offset, uint64_t{h.passthrough.count} * sizeof(StringRef)) ||
        !fits(h.irqs.offset, uint64_t{h.irqs.count} * sizeof(PassthroughIrq)) ||
        !fits(h.vcpus.offset, uint64_t{h.vcpus.count} * sizeof(Vcpu)) ||
        !fits(h.modules.offset, uint64_t{h.modules.count} * sizeof(StringRef)) ||
        !fits(h.keep.offset, uint64_t{h.keep.count} * sizeof(KeptNode)) ||
        !fits(h.vswitch_ports.offset, uint64_t{h.vswitch_ports.count} * sizeof(SwitchPort)) ||
        !fits(h.smc_allowed.offset, uint64_t{h.smc_allowed.count} * sizeof(uint32_t)) ||
        !fits(h.irq_words.offset, uint64_t{h.irq_words.count} * sizeof(IrqWord)) ||
        !fits(h.crossvm.offset, uint64_t{h.crossvm.count} * sizeof(CrossvmLink)) ||
        !fits(h.forwards.offset, uint64_t{h.forwards.count} * sizeof(ForwardedDevice)) ||
        h.forwards.count > kMaxForwards || h.smc_allowed.count > kMaxSmcAllowed ||
        h.irq_words.count > kMaxIrqWords || h.crossvm.count > kMaxCrossvm ||
        h.keep.count > kMaxKept || h.vswitch_ports.count > kMaxSwitchPorts ||
        h.passthrough.count > kMaxPassthrough || h.irqs.count > kMaxIrqs || h.vcpus.count == 0 ||
        h.vcpus.count > kMaxVcpus || h.modules.count > kMaxModules ||
        h.device_window_size > ~uint64_t{0} - h.device_window_base ||
        h.pci_window_size > ~uint64_t{0} - h.pci_window_base) {
        return false;
    }
    for (uint32_t i = 0; i < h.passthrough.count; ++i) {
        const StringRef s = record<StringRef>(h.passthrough, i);
        if (!fits(s.offset, s.length)) return false;
    }
    for (uint32_t i = 0; i < h.modules.count; ++i) {
        const StringRef s = record<StringRef>(h.modules, i);
        if (!fits(s.offset, s.length)) return false;
    }
    for (uint32_t i = 0; i < h.irqs.count; ++i) {
        if (record<PassthroughIrq>(h.irqs, i).word > h.irq_words.count) return false;
    }
    for (uint32_t i = 0; i < h.keep.count; ++i) {
        const KeptNode k = record<KeptNode>(h.keep, i);
        if (!fits(k.path.offset, k.path.length)) return false;
    }
    for (uint32_t i = 0; i < h.vswitch_ports.count; ++i) {
        const SwitchPort p = record<SwitchPort>(h.vswitch_ports, i);
        if (!fits(p.send.offset, p.send.length) || !fits(p.recv.offset, p.recv.length))
            return false;
    }
    for (uint32_t i = 0; i < h.crossvm.count; ++i) {
        const CrossvmLink l = record<CrossvmLink>(h.crossvm, i);
        for (const StringRef r : {l.dataport, l.emits, l.consumes})
            if (!fits(r.offset, r.length)) return false;
    }
    for (uint32_t i = 0; i < h.forwards.count; ++i) {
        const ForwardedDevice f = record<ForwardedDevice>(h.forwards, i);
        if (!fits(f.interface.offset, f.interface.length) || f.size > ~uint64_t{0} - f.guest_base) {
            return false;
        }
    }
    return true;
}

std::string_view View::string(StringRef s) const {
    if (!fits(s.offset, s.length)) return {};
    return {reinterpret_cast<const char*>(bytes_.data()) + s.offset, s.length};
}

std::string_view View::passthrough(uint32_t i) const {
    return string(record<StringRef>(header_.passthrough, i));
}

PassthroughIrq View::irq(uint32_t i) const {
    return record<PassthroughIrq>(header_.irqs, i);
}

Vcpu View::vcpu(uint32_t i) const {
    return record<Vcpu>(header_.vcpus, i);
}

std::string_view View::module(uint32_t i) const {
    return string(record<StringRef>(header_.modules, i));
}

KeptNode View::kept(uint32_t i) const {
    return record<KeptNode>(header_.keep, i);
}

SwitchPort View::switch_port(uint32_t i) const {
    return record<SwitchPort>(header_.vswitch_ports, i);
}

uint32_t View::smc_allowed(uint32_t i) const {
    return record<uint32_t>(header_.smc_allowed, i);
}

IrqWord View::irq_word(uint32_t i) const {
    return record<IrqWord>(header_.irq_words, i);
}

CrossvmLink View::crossvm(uint32_t i) const {
    return record<CrossvmLink>(header_.crossvm, i);
}

ForwardedDevice View::forward(uint32_t i) const {
    return record<ForwardedDevice>(header_.forwards, i);
}

} // namespace vmm::vm_config
