// Boot sequence: find the spec through the boot info, validate it, switch on the
// EL2 MMU, bring up the GIC, instantiate the system, start the tick, run.
#include "boot_entropy.hpp"
#include "console.hpp"
#include "el2_config.hpp"
#include "el2_mmu.hpp"
#include "gic.hpp"
#include "hyp_timer.hpp"
#include "kernel_lock.hpp"
#include "kernel_objects.hpp"
#include "psci.hpp"
#include "ram_scrub.hpp"
#include "smp.hpp"
#include "stage2_space.hpp"
#include "sysreg.hpp"
#include "system_loader.hpp"
#include "vcpu.hpp"

#include <arch/cptr.hpp>
#include <arch/sctlr.hpp>
#include <spec/boot_info.hpp>
#include <spec/core_use.hpp>
#include <spec/spec_validator.hpp>

extern "C" spec::BootInfo bulkhead_boot_info;
extern "C" char _start[];
extern "C" char __kernel_end[];
extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();
extern "C" void idle_loop();

namespace kernel {
namespace {

constexpr uint32_t kTimesliceUs = 5000;

void configure_el2() {
    BH_WRITE_SYSREG(hcr_el2, el2_config::kHcrNative);
    BH_WRITE_SYSREG(vtcr_el2, objects().stage2.vtcr()); // chosen by load_system
    // FP/SIMD trapped until a thread owns it (CoreState::fp_trapped starts true).
    BH_WRITE_SYSREG(cptr_el2, arm::cptr::kRes1 | arm::cptr::kTfp);
    BH_WRITE_SYSREG(cnthctl_el2, el2_config::kCnthctlNative);
    BH_WRITE_SYSREG(cntvoff_el2, 0);
    // Debug hardware: the kernel's (el2_config.hpp), and nothing left armed by firmware.
    BH_WRITE_SYSREG(mdcr_el2,
                    (BH_READ_SYSREG(mdcr_el2) & arm::mdcr::kHpmnMask) | el2_config::kMdcrTraps);
    BH_WRITE_SYSREG(mdscr_el1, 0);
    BH_WRITE_SYSREG(sctlr_el1, el2_config::kSctlrNative);
    BH_WRITE_SYSREG(cpacr_el1, el2_config::kCpacrNative);
    // Cycle counter on, counting at EL2 too (NSH). Debug builds let EL0 read it for
    // the benchmarks; release builds keep the PMU away from components (it would
    // be a fine timing channel and EL0 could reprogram it).
    BH_WRITE_SYSREG(pmcr_el0, BH_READ_SYSREG(pmcr_el0) | 1);
    BH_WRITE_SYSREG(pmccfiltr_el0, 1ull << 27);
    BH_WRITE_SYSREG(pmcntenset_el0, 1ull << 31);
#if defined(BULKHEAD_RELEASE)
    BH_WRITE_SYSREG(pmuserenr_el0, 0);
#else
    BH_WRITE_SYSREG(pmuserenr_el0, 0b101); // EN, CR
#endif
    arch::isb();
    asm volatile("tlbi alle1" ::: "memory");
    arch::dsb_sy();
    arch::isb();
}

void report_refusal(const spec::Verdict& v) {
    log() << "spec refused: " << v.what;
    if (v.where[0] != '\0') {
        log() << " [" << v.where;
        if (v.index != spec::kNone) log() << " record " << Dec{v.index};
        log() << "]";
    }
    log() << " (value " << Hex{v.value};
    if (v.expected != 0) log() << ", expected " << Hex{v.expected};
    log() << ")\n";
}

// Each core's idle thread, and TPIDR_EL2 pointing at it: from here on
// smp::this_core() and core() work on this core.
void init_idle(uint32_t index) {
    Thread& idle = core(index).idle;
    idle.core = index;
    idle.kernel_stack = kernel_stack_top(index);
    BH_WRITE_SYSREG(tpidr_el2, reinterpret_cast<uint64_t>(&idle.context));
    idle.context.elr = reinterpret_cast<uint64_t>(&idle_loop);
    idle.context.spsr = 0x9; // EL2h, interrupts unmasked
    constexpr char kName[] = "idle";
    for (unsigned i = 0; i < sizeof kName; ++i)
        idle.name[i] = kName[i];
}

const spec::Board* g_board = nullptr; // in the spec, for the secondary cores

// What every core sets up for itself once the system is loaded: its EL2 registers,
// its share of the vCPU hardware, its tick.
void start_this_core(const spec::Board& board) {
    configure_el2();
    vcpu::init_hardware(board);
    gic::enable(board.hyp_timer_irq, false); // a PPI: banked, enabled per core
    hyp_timer::start(kTimesliceUs);
}

} // namespace
} // namespace kernel

using namespace kernel;

// A secondary core (smp::start_secondaries), index >= 1, on its own stack.
extern "C" [[noreturn]] void secondary_main(uint32_t index) {
    init_idle(index);
    el2_mmu::enable_this_core();
    gic::init_this_core();
    start_this_core(*g_board);
    smp::core_online(index);
    kernel_lock::acquire();
    schedule_and_return();
}

// boot_x0: what the boot loader passed in x0 (Linux's boot protocol: the DTB; QEMU: 0).
extern "C" [[noreturn]] void kernel_main(uint64_t boot_x0) {
    for (auto* f = __init_array_start; f != __init_array_end; ++f)
        (*f)();
    init_idle(0);
    const spec::BootInfo& bi = bulkhead_boot_info;
    if (!spec::same_magic(bi.magic, spec::kBootInfoMagic)) psci::system_off(); // no console either
    console::init(static_cast<spec::ConsoleKind>(bi.console_kind), bi.console_base,
                  bi.console_reg_shift);
#if defined(BULKHEAD_RELEASE)
    log() << "\nBulkhead separation kernel (EL2, release)\n";
#else
    log() << "\nBulkhead separation kernel (EL2, debug) at "
          << Hex{reinterpret_cast<uint64_t>(_start)} << " midr=" << Hex{BH_READ_SYSREG(midr_el1)}
          << "\n";
#endif
    const auto* spec_bytes = reinterpret_cast<const uint8_t*>(bi.spec_phys);
    const spec::Verdict verdict = spec::validate(spec_bytes, bi.spec_bytes);
    if (!verdict.ok) {
        report_refusal(verdict);
        psci::system_off();
    }
    const spec::SpecView view(spec_bytes);
    const spec::Board& board = view.board();
    log() << "spec: board " << board.name << ", " << Dec{view.domains().size()} << " domains, "
          << Dec{view.threads().size()} << " threads, " << Dec{view.endpoints().size()}
          << " endpoints, " << Dec{view.notifications().size()} << " notifications\n";

    if (board.cpu_count > smp::kMaxCores) {
        log() << "spec refused: the board has " << Dec{board.cpu_count}
              << " CPUs; this kernel supports " << Dec{smp::kMaxCores} << "\n";
        psci::system_off();
    }
    g_board = &board;
    el2_mmu::enable(board.ram_base, board.ram_size);
    boot_entropy::init(boot_x0, board); // before load_system zeroes RAM
    if (!gic::init(board)) {
        log() << "spec refused: GIC version " << Dec{board.gic_version} << " has no driver\n";
        psci::system_off();
    }
    const KernelFootprint footprint{reinterpret_cast<uint64_t>(_start),
                                    reinterpret_cast<uint64_t>(__kernel_end), bi.spec_phys,
                                    bi.spec_phys + view.header().total_size};
    if (!load_system(view, footprint)) psci::system_off();
    objects().hyp_timer_irq = board.hyp_timer_irq;
    start_this_core(board);
    log() << "kernel: " << Dec{Stage2Space::tables_used()} << " stage-2 table pages"
          << ((board.flags & spec::BoardStage2PagesOnly) != 0
                  ? " (4 KiB leaves only, as the board asks), "
                  : ", ")
          << "walked from level " << Dec{objects().stage2.start_level} << " ("
          << Dec{objects().stage2.ipa_bits} << "-bit IPAs), "
          << Dec{ram_scrub::stats().zeroed_at_boot >> 10} << " KiB of RAM zeroed at boot, "
          << Dec{ram_scrub::stats().deferred >> 20}
          << " MiB left to zero on first touch; starting threads on " << Dec{board.cpu_count}
          << (board.cpu_count == 1 ? " core\n" : " cores\n");
    smp::start_secondaries(board.cpu_count,
                           spec::core_use::cores_to_start(view.threads(), board.cpu_count));
    kernel_lock::acquire();
    schedule_and_return();
}
