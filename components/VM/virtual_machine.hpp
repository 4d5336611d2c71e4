// One Linux VM as the VM component runs it: guest RAM, the emulated GIC distributor on
// the MMIO bus, vPSCI behind the SMCCC dispatcher, the VMM devices the configuration
// names, the passed-through interrupts, the images loaded through the FileServer, and
// the library's exit loop (vmm::ExitLoop) over the vCPUs' exit endpoint. vCPU 0 starts
// the guest; the others start when it asks (PSCI CPU_ON).
#pragma once

#include "VM_glue.hpp"
#include "console_log.hpp"
#include "exit_counts.hpp"
#include "kernel_firmware.hpp"
#include "kernel_vcpu.hpp"
#include "passthrough_irq.hpp"

#include <file_server/file_server_client.hpp>
#include <vmm/chained_notification.hpp>
#include <vmm/debug_registers.hpp>
#include <vmm/device.hpp>
#include <vmm/exit_loop.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/guest_ram_layout.hpp>
#include <vmm/linux_loader.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/smccc.hpp>
#include <vmm/soft_tlb_ballast.hpp>
#include <vmm/vgic_distributor.hpp>
#include <vmm/vgic_redistributors.hpp>
#include <vmm/vgic_v3_distributor.hpp>
#include <vmm/vm_config.hpp>
#include <vmm/vpsci.hpp>

#include <runtime/rpc_transport.hpp>
#include <runtime/vcpu.hpp>

// A device's use of its connections' capabilities, as kernel calls.
class KernelBackendPort final : public vmm::BackendPort {
public:
    void call(uint32_t slot, base::RpcMessage& m) override {
        runtime::IpcTransport(runtime::EndpointCap(runtime::Slot{slot})).call(m);
    }
    void signal(uint32_t slot) override {
        (void)runtime::NotificationCap(runtime::Slot{slot}).signal();
    }
    bool move_mapping(uint32_t slot, std::optional<uint64_t> ipa) override {
        const runtime::MappingCap m(runtime::Slot{slot});
        return (ipa ? m.move(*ipa) : m.remove()) == runtime::Status::Ok;
    }
};

class VirtualMachine final : public vmm::VmControl {
public:
    // `config` is the VM's binary configuration (opened), `fs` its FileServer connection.
    VirtualMachine(const vmm::vm_config::View& config, runtime::EndpointCap fs,
                   std::span<std::byte> fs_buffer);

    // Guest RAM, vGIC, vPSCI, devices, passthrough routing, images, vCPU registers.
    // False (after logging why) when the guest cannot be started.
    bool set_up();
    // Starts the vCPU and answers its exits until the VM stops.
    [[noreturn]] void run();

    // vmm::VmControl: PSCI SYSTEM_RESET and CPU_ON.
    [[nodiscard]] bool reset_guest() override;
    [[nodiscard]] bool start_vcpu(unsigned target, uint64_t entry, uint64_t context_id) override;

private:
    // The connections the VMM's devices may use (vmm::BackendConnection), from the glue.
    void collect_backends();
    vmm::SwitchConfig collect_switch();
    bool load_guest();
    // The vCPUs' list registers, for the distributor (filled on first use).
    std::span<vmm::ListRegisters* const> list_registers();
    // Every vCPU: its MPIDR (Aff0 = its index, as the guest DTB's cpu nodes say), and all
    // but vCPU 0 stopped with their list registers cleared (set-up and reset).
    bool prepare_vcpus();
    bool create_devices();
    // allow_smc: board modules reach the firmware; allowed_smc_functions: those calls do.
    bool install_firmware_calls();
    // The guest's GIC: its distributor (and on GICv3 its redistributors and SGI registers).
    bool install_vgic();
    void attach_passthrough_irqs();
    void set_up_tlb_ballast(std::span<const std::byte> ram);
    [[noreturn]] void stop(const char* why);
    [[noreturn]] void power_off(const char* why);

    const vmm::vm_config::View& config_;
    const vmm::vm_config::Header& c_; // config_.header()
    ConsoleLog log_;
    vmm::GuestRamLayout layout_{};
    vmm::MappedGuestMemory memory_;
    unsigned num_vcpus_;
    KernelVcpu vcpus_[vmm::vm_config::kMaxVcpus];
    vmm::ListRegisters* list_registers_[vmm::vm_config::kMaxVcpus] = {};
    vmm::MmioBus bus_;
    vmm::VgicDistributor vgic_;
    // GICv3 guests (gic_version 3): the register frames over vgic_'s interrupt state.
    vmm::VgicV3Distributor vgic_v3_{vgic_};
    vmm::VgicRedistributors redistributors_{vgic_, log_};
    vmm::DebugRegisters debug_registers_{log_};
    vmm::Vpsci psci_;
    vmm::SmcccDispatcher smccc_{log_};
    ExitCountService exit_counts_{{vcpus_, num_vcpus_}, log_};
    // allow_smc: the way to the firmware, for allowed_smc_functions and board modules.
    KernelFirmware firmware_{c_.firmware_slot};
    uint32_t smc_allowed_[vmm::vm_config::kMaxSmcAllowed] = {};
    vmm::SmcForwarder firmware_calls_{
        log_, "allowed_smc_functions", {smc_allowed_, c_.smc_allowed.count}, &firmware_};
    vmm::NotificationRouter notifications_;
    vmm::DeviceHost devices_;
    vmm::ExitLoop loop_;
    file_server_rpc::FileServerClient<bulkhead::glue::VM::fs_client> files_;
    PassthroughIrq irqs_[vmm::vm_config::kMaxIrqs];
    unsigned irq_count_ = 0;
    // Chained notification words holding passed-through IRQs beyond the bound word's bits.
    class KernelNotificationWord final : public vmm::NotificationWordSource {
    public:
        KernelNotificationWord() = default;
        explicit KernelNotificationWord(runtime::Slot slot) : cap_(slot) {}
        uint64_t poll() override {
            uint64_t bits = 0;
            return cap_.poll(bits) == runtime::Status::Ok ? bits : 0;
        }

    private:
        runtime::NotificationCap cap_{runtime::Slot{0}};
    };
    KernelNotificationWord irq_word_sources_[vmm::vm_config::kMaxIrqWords];
    vmm::ChainedNotification irq_words_[vmm::vm_config::kMaxIrqWords];
    vmm::DeviceRecord device_records_[vmm::vm_config::kMaxModules];
    // The VM's connections the VMM's devices may use, offered to every module (a module
    // takes the ones it names): the SerialServer's batch, putchar, serial_getchar and the
    // virtqueue ends send, recv (and send1, recv1, send2, recv2), when the assembly connects
    // them.
    // And each cross-VM link's dataport, emitted and consumed event (vm_config::CrossvmLink),
    // and each forwarded device's server (vm_config::ForwardedDevice).
    static constexpr unsigned kMaxBackends =
        9 + 3 * vmm::vm_config::kMaxCrossvm + vmm::vm_config::kMaxForwards;
    KernelBackendPort backend_port_;
    vmm::BackendConnection backends_[kMaxBackends];
    unsigned backend_count_ = 0;
    vmm::CrossvmLink crossvm_[vmm::vm_config::kMaxCrossvm];
    unsigned crossvm_count_ = 0;
    vmm::ForwardedDevice forwards_[vmm::vm_config::kMaxForwards];
    unsigned forward_count_ = 0;
    vmm::SwitchPort switch_ports_[vmm::vm_config::kMaxSwitchPorts];
    vmm::LinuxBoot boot_{};
    vmm::SoftTlbBallast ballast_; // off unless the board runs under QEMU
    unsigned resets_ = 0;
};
