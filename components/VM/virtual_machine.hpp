// One Linux VM as the VM component runs it: guest RAM, the emulated GIC distributor on
// the MMIO bus, vPSCI, the passed-through interrupts, the images loaded through the
// FileServer, and the exit loop that answers the vCPU's exits.
#pragma once

#include "console_log.hpp"
#include "kernel_vcpu.hpp"
#include "passthrough_irq.hpp"

#include <file_server/file_server_client.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/guest_ram_layout.hpp>
#include <vmm/linux_loader.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>
#include <vmm/vm_config.hpp>
#include <vmm/vpsci.hpp>

#include <runtime/vcpu.hpp>

class VirtualMachine {
public:
    // `config` is the VM's binary configuration (opened), `fs` its FileServer connection.
    VirtualMachine(const vmm::vm_config::View& config, runtime::EndpointCap fs,
                   std::span<std::byte> fs_buffer);

    // Guest RAM, vGIC, modules, passthrough routing, images, vCPU registers. False
    // (after logging why) when the guest cannot be started.
    bool set_up();
    // Starts the vCPU and answers its exits until the VM stops.
    void run();

private:
    bool load_guest();
    void route_passthrough_irqs();
    // Each returns true when the vCPU is to be resumed with `reply`.
    bool on_exit(const runtime::VcpuExit& exit, runtime::Message& reply);
    bool on_data_abort(const runtime::VcpuExit& exit, runtime::Message& reply);
    bool on_psci(const runtime::VcpuExit& exit, runtime::Message& reply);
    bool on_sysreg(const runtime::VcpuExit& exit, runtime::Message& reply);
    void on_interrupts(uint64_t bits);
    void inject_abort(const runtime::VcpuExit& exit);
    bool reset_guest();
    [[noreturn]] void power_off(const char* why);

    const vmm::vm_config::View& config_;
    const vmm::vm_config::Header& c_; // config_.header()
    ConsoleLog log_;
    vmm::GuestRamLayout layout_{};
    vmm::MappedGuestMemory memory_;
    KernelVcpu vcpu_;
    vmm::ListRegisters* list_registers_[1] = {&vcpu_};
    vmm::MmioBus bus_;
    vmm::VgicDistributor vgic_;
    vmm::Vpsci psci_{1};
    file_server_rpc::FileServerClient files_;
    PassthroughIrq irqs_[vmm::vm_config::kMaxIrqs];
    unsigned irq_count_ = 0;
    vmm::LinuxBoot boot_{};
    unsigned resets_ = 0;
    unsigned sysreg_logs_ = 0;
};
