// The VMM's exit loop: every guest exit and every notification from a backend or a
// passed-through interrupt goes through here. ExitLoop::handle() answers one exit
// (MMIO through the bus, HVC/SMC through the SMCCC dispatcher, trapped system registers,
// EOI maintenance into the vGIC) by changing the vCPU's state and saying what happens
// next; run() is the receive/answer cycle over a VcpuPort, the kernel side that the VM
// component implements (a test replays exits through a fake one).
#pragma once

#include <vmm/device.hpp>
#include <vmm/idle_watch.hpp>
#include <vmm/log.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/smccc.hpp>
#include <vmm/system_register_handler.hpp>
#include <vmm/vcpu.hpp>
#include <vmm/vgic_distributor.hpp>

#include <cstdint>

namespace vmm {

// What follows an exit.
enum class ExitOutcome : uint8_t {
    Resume,   // resume the vCPU with the changes made to it
    Stop,     // leave the vCPU stopped (CPU_OFF, halted, an exit nobody can handle)
    PowerOff, // the guest asked for SYSTEM_OFF
    Reset,    // the guest asked for SYSTEM_RESET
};

// The kernel side of the loop: one exit endpoint with the VMM's notification bound to it.
class VcpuPort {
public:
    struct Event {
        enum class Kind : uint8_t { Exit, Notification, Lost };
        Kind kind = Kind::Lost;
        GuestExit exit{};  // Exit
        uint64_t bits = 0; // Notification: the badge bits that arrived
    };
    // Answers the previous exit first when `resume` (the vCPU resumes with the changes
    // made through vcpu()), then waits and fills `event` (for an exit, the fields its
    // reason uses; the loop reuses one Event, so nothing is copied per exit). Lost: the
    // port cannot receive any more.
    virtual void wait(bool resume, Event& event) = 0;
    // The vCPU of the exit wait() returned last.
    [[nodiscard]] virtual Vcpu& vcpu() = 0;

protected:
    ~VcpuPort() = default;
};

// What only the VM component can do.
class VmControl {
public:
    // PSCI SYSTEM_RESET: reset the VM's devices, reload the images, restart vCPU 0
    // (after which the loop resumes it unchanged). False: the guest cannot run again.
    [[nodiscard]] virtual bool reset_guest() = 0;
    // PSCI CPU_ON, accepted by vPSCI: start vCPU `target` at `entry` (EL1h, MMU off) with
    // x0 = `context_id`. False: it could not be started (the caller gets INTERNAL_FAILURE).
    [[nodiscard]] virtual bool start_vcpu(unsigned target, uint64_t entry, uint64_t context_id) {
        (void)target;
        (void)entry;
        (void)context_id;
        return false;
    }

protected:
    ~VmControl() = default;
};

enum class StopReason : uint8_t { PowerOff, ResetFailed, PortLost };

class ExitLoop {
public:
    ExitLoop(MmioBus& mmio, VgicDistributor& vgic, SmcccDispatcher& smccc,
             NotificationRouter& notifications, LogSink& log)
        : mmio_(mmio), vgic_(vgic), smccc_(smccc), notifications_(notifications), log_(log),
          sysreg_log_(log, "trapped system register accesses"),
          stray_log_(log, "notifications nobody listens to"),
          psci_log_(log, "refused PSCI CPU_ON calls") {}

    // Answers one exit of `vcpu`; `control` starts vCPUs for CPU_ON (none: INTERNAL_FAILURE).
    // When a device asked during it (IdleWatch::request), `vcpu`'s next wait in WFI is
    // armed to come back as an Idle exit, which goes to the watch's listeners.
    [[nodiscard]] ExitOutcome handle(const GuestExit& exit, Vcpu& vcpu,
                                     VmControl* control = nullptr);
    // Where devices ask to hear when the guest waits (DeviceHost::use_idle_watch).
    [[nodiscard]] IdleWatch& idle_watch() { return idle_; }
    // Trapped system registers `handler` answers (the vGICv3's SGI registers). False: full.
    bool add_system_registers(SystemRegisterHandler& handler);
    // Notification bits arrived: each goes to the device or interrupt that owns it.
    void notified(uint64_t bits);
    // Answers exits and notifications until the VM is to stop.
    [[nodiscard]] StopReason run(VcpuPort& port, VmControl& control);

private:
    [[nodiscard]] ExitOutcome dispatch(const GuestExit& exit, Vcpu& vcpu, VmControl* control);
    void arm_idle_exit(Vcpu& vcpu);
    [[nodiscard]] ExitOutcome data_abort(const GuestExit& exit, Vcpu& vcpu);
    [[nodiscard]] ExitOutcome instruction_abort(const GuestExit& exit, Vcpu& vcpu);
    [[nodiscard]] ExitOutcome halt(Vcpu& vcpu);
    [[nodiscard]] ExitOutcome hypercall(const GuestExit& exit, Vcpu& vcpu, VmControl* control);
    void log_refused_cpu_on(const Vcpu& vcpu, const SmcccCall& call, int64_t result);
    [[nodiscard]] ExitOutcome sysreg(const GuestExit& exit, Vcpu& vcpu);

    MmioBus& mmio_;
    VgicDistributor& vgic_;
    SmcccDispatcher& smccc_;
    NotificationRouter& notifications_;
    LogSink& log_;
    static constexpr unsigned kMaxSysRegHandlers = 4;
    SystemRegisterHandler* sysreg_handlers_[kMaxSysRegHandlers] = {};
    unsigned sysreg_handler_count_ = 0;
    GuestEventLimit sysreg_log_;
    GuestEventLimit stray_log_;
    GuestEventLimit psci_log_;
    IdleWatch idle_;
    uint64_t idle_armed_ = 0; // bit i: vCPU i's Idle exit is armed in the kernel
};

} // namespace vmm
