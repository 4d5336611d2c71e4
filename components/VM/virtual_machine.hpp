// One Linux VM as the VM component runs it: guest RAM, the emulated GIC distributor on
// the MMIO bus, vPSCI behind the SMCCC dispatcher, the VMM devices the configuration
// names, the passed-through interrupts, the images loaded through the FileServer, and
// the library's exit loop (vmm::ExitLoop) over the vCPU's exit endpoint.
#pragma once

#include "console_log.hpp"
#include "kernel_vcpu.hpp"
#include "passthrough_irq.hpp"
#include "vm_config.hpp"

#include <file_server/file_server_client.hpp>
#include <vmm/device.hpp>
#include <vmm/exit_loop.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/guest_ram_layout.hpp>
#include <vmm/linux_loader.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/smccc.hpp>
#include <vmm/vgic_distributor.hpp>
#include <vmm/vpsci.hpp>

#include <runtime/vcpu.hpp>

class VirtualMachine final : public vmm::VmControl {
public:
    explicit VirtualMachine(const vm_config::Config& config);

    // Guest RAM, vGIC, vPSCI, devices, passthrough routing, images, vCPU registers.
    // False (after logging why) when the guest cannot be started.
    bool set_up();
    // Starts the vCPU and answers its exits until the VM stops.
    [[noreturn]] void run();

    // vmm::VmControl: PSCI SYSTEM_RESET.
    [[nodiscard]] bool reset_guest() override;

private:
    bool load_guest();
    bool create_devices();
    void attach_passthrough_irqs();
    [[noreturn]] void power_off(const char* why);

    const vm_config::Config& config_;
    ConsoleLog log_;
    vmm::GuestRamLayout layout_{};
    vmm::MappedGuestMemory memory_;
    KernelVcpu vcpu_;
    vmm::ListRegisters* list_registers_[1] = {&vcpu_};
    vmm::MmioBus bus_;
    vmm::VgicDistributor vgic_;
    vmm::Vpsci psci_{1};
    vmm::SmcccDispatcher smccc_{log_};
    vmm::NotificationRouter notifications_;
    vmm::DeviceHost devices_;
    vmm::ExitLoop loop_;
    file_server_rpc::FileServerClient files_;
    PassthroughIrq irqs_[vm_config::Config::kMaxIrqs];
    unsigned irq_count_ = 0;
    vmm::DeviceRecord device_records_[vm_config::Config::kMaxModules];
    vmm::LinuxBoot boot_{};
    unsigned resets_ = 0;
};
