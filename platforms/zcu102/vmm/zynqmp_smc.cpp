// zcu102's firmware-call rules (zynqmp_smc.hpp): the allow list is upstream's, the IDs come
// from the board's plat/smc.h, the same header the board's assemblies include.
#include "zynqmp_smc.hpp"

#include "../include/plat/smc.h"

namespace zcu102 {
namespace {

constexpr uint32_t kAllowed[] = {
    SMC_PM_GET_API_VERSION,
    SMC_PM_REQUEST_NODE,
    SMC_PM_RELEASE_NODE,
    SMC_PM_SET_REQUIREMENT,
    SMC_PM_INIT_FINALIZE,
    SMC_PM_FPGA_GET_STATUS,
    SMC_PM_RESET_ASSERT,
    SMC_PM_RESET_GET_STATUS,
    SMC_PM_MMIO_WRITE,
    SMC_PM_MMIO_READ,
    SMC_PM_GET_CHIPID,
    SMC_PM_PINCTRL_REQUEST,
    SMC_PM_PINCTRL_RELEASE,
    SMC_PM_PINCTRL_SET_FUNCTION,
    SMC_PM_PINCTRL_CONFIG_PARAM_GET,
    SMC_PM_PINCTRL_CONFIG_PARAM_SET,
    SMC_PM_IOCTL,
    SMC_PM_QUERY_DATA,
    SMC_PM_CLOCK_ENABLE,
    SMC_PM_CLOCK_DISABLE,
    SMC_PM_CLOCK_GETSTATE,
    SMC_PM_CLOCK_SETDIVIDER,
    SMC_PM_CLOCK_GETDIVIDER,
    SMC_PM_CLOCK_GETPARENT,
    SMC_PM_GET_TRUSTZONE_VERSION,
    SMC_IPI_MAILBOX_OPEN,
    SMC_IPI_MAILBOX_RELEASE,
    SMC_IPI_MAILBOX_ENABLE_IRQ,
};

vmm::DeviceStorage<ZynqmpSmc, 1> g_storage;

} // namespace

std::span<const uint32_t> allowed_functions() {
    return kAllowed;
}

vmm::Device* ZynqmpSmc::create(vmm::DeviceContext& context) {
    ZynqmpSmc* module = g_storage.make(context.log(), context.firmware());
    if (module == nullptr) return nullptr;
    if (!context.add_smccc(module->forwarder(), kRanges)) return nullptr;
    vmm::LogLine line;
    line << "vmm: zynqmp_smc: " << vmm::Dec{static_cast<int64_t>(std::size(kAllowed))}
         << " firmware calls allowed, "
         << (module->forwarder().reaches_firmware()
                 ? "forwarded to the firmware"
                 : "no firmware to reach (allow_smc is not set)");
    line.emit(context.log());
    return module;
}

BULKHEAD_VMM_DEVICE("zynqmp_smc", nullptr, ZynqmpSmc::create);

} // namespace zcu102
