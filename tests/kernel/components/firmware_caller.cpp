// kernel_firmware_call component: makes firmware calls through its Firmware capability
// and prints what came back. Under QEMU (no EL3) PSCI_VERSION reaches QEMU's built-in
// PSCI, a SiP call has no firmware (the SMC is undefined: NOT_SUPPORTED), and PSCI's
// power calls are refused by the kernel (the machine keeps running).
#include "components/firmware_slots.hpp"

#include <arch/psci.hpp>
#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace firmware_test;

namespace {

void report(const char* what, const FirmwareResult& r) {
    out() << "firmware: " << what << " status " << Dec{static_cast<uint64_t>(r.status)} << " x0 "
          << Hex{r.x[0]} << "\n";
}

} // namespace

extern "C" void component_main(uint64_t) {
    const FirmwareCap firmware(Slot{kFirmwareSlot});
    Message none;
    report("psci-version", firmware.call(arm::psci::kVersion, none));
    Message feature;
    feature.mr[0] = arm::psci::kCpuOn64;
    report("psci-features-cpu-on", firmware.call(arm::psci::kFeatures, feature));
    report("sip", firmware.call(0xc2000001, none)); // a ZynqMP PM call: PM_GET_API_VERSION
    report("system-off", firmware.call(arm::psci::kSystemOff, none));
    report("cpu-on", firmware.call(arm::psci::kCpuOn64, none));
    report("smccc-version", firmware.call(0x80000000, none));
    report("yielding-sip", firmware.call(0x02000001, none));
    report("wrong-cap", FirmwareCap(Slot{kNotFirmwareSlot}).call(arm::psci::kVersion, none));
    report("empty-slot", FirmwareCap(Slot{kEmptySlot}).call(arm::psci::kVersion, none));
    out() << "firmware: still running\n";
    SystemControlCap(Slot{kPowerSlot}).power_off();
}
