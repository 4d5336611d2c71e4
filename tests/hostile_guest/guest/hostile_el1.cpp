// hostile_el1: a bare-metal guest kernel that attacks its hypervisor from EL1 the way a
// compromised guest could, and checks each answer: floods of unknown hypervisor and
// firmware calls, PSCI misuse, accesses to addresses nothing backs (loads, stores, instruction
// fetches), MMIO the hypervisor must decode without a syndrome, every distributor and
// redistributor register written with ones, SGIs to vCPUs that do not exist, trapped system
// registers, and interrupt storms (a virtual timer that is never quietened, SGIs sent to
// itself from their own handler). It prints one line per case on the passed-through UART,
// then a summary, and powers the system off through PSCI SYSTEM_OFF: the VMM and the kernel
// must still be there to do it. tests/hostile_guest/CMakeLists.txt says what the test expects
// of the hypervisor's log (every kind of complaint rate-limited).
#include <arch/esr.hpp>
#include <arch/gic_compatibles.hpp>
#include <arch/gic_v2.hpp>
#include <arch/gic_v3.hpp>
#include <arch/psci.hpp>
#include <arch/sctlr.hpp>
#include <arch/smccc.hpp>
#include <vmm/vpsci.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" {
uint64_t hvc_call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);
uint64_t smc_call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);
uint64_t hvc_call_imm(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3);
uint64_t hvc_keeps_registers(uint64_t function);
void secondary_entry();
void hostile_main(const uint8_t* dtb);
void hostile_secondary(uint64_t context);
struct Frame;
void hostile_exception(Frame* frame, uint64_t vector);
// The compiler's own calls (structure copies and clears).
void* memset(void* d, int c, size_t n);
void* memcpy(void* d, const void* s, size_t n);
}

void* memset(void* d, int c, size_t n) {
    auto* p = static_cast<volatile uint8_t*>(d);
    for (size_t i = 0; i < n; ++i)
        p[i] = static_cast<uint8_t>(c);
    return d;
}

void* memcpy(void* d, const void* s, size_t n) {
    auto* p = static_cast<volatile uint8_t*>(d);
    const auto* q = static_cast<const uint8_t*>(s);
    for (size_t i = 0; i < n; ++i)
        p[i] = q[i];
    return d;
}

struct Frame {
    uint64_t x[31];
    uint64_t elr;
    uint64_t spsr;
};

namespace {

namespace psci = vmm::psci;

// ---- What the guest found in its DTB -------------------------------------------------

struct Platform {
    uint64_t uart = 0;
    uint64_t gicd = 0;
    uint64_t gicc_or_gicr = 0; // GICv2: the CPU interface; GICv3: the redistributors
    uint64_t gicr_size = 0;
    bool gic_v3 = false;
};

Platform g_platform;

uint32_t be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

bool equal(const char* a, const char* b) {
    while (*a != 0 && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

// Whether the compatible list (NUL-separated strings, `len` bytes) holds `want`.
bool lists(const uint8_t* value, uint32_t len, const char* want) {
    uint32_t at = 0;
    while (at < len) {
        const char* s = reinterpret_cast<const char*>(value + at);
        if (equal(s, want)) return true;
        while (at < len && value[at] != 0)
            ++at;
        ++at;
    }
    return false;
}

uint64_t cells(const uint8_t* p, uint32_t n) {
    uint64_t v = 0;
    for (uint32_t i = 0; i < n; ++i)
        v = (v << 32) | be32(p + 4 * i);
    return v;
}

// The root's children only (the UART and the GIC are there on the boards this runs on);
// #address-cells and #size-cells are the root's.
void scan_dtb(const uint8_t* dtb) {
    constexpr uint32_t kMagic = 0xd00dfeed;
    if (be32(dtb) != kMagic) return;
    const uint8_t* structs = dtb + be32(dtb + 8);
    const char* strings = reinterpret_cast<const char*>(dtb + be32(dtb + 12));
    uint32_t address_cells = 2;
    uint32_t size_cells = 1;
    int depth = 0;
    const uint8_t* reg = nullptr;
    uint32_t reg_len = 0;
    int kind = 0; // 1 UART, 2 GICv2, 3 GICv3
    for (const uint8_t* p = structs;;) {
        const uint32_t token = be32(p);
        p += 4;
        if (token == 1) { // FDT_BEGIN_NODE
            ++depth;
            while (*p != 0)
                ++p;
            p = reinterpret_cast<const uint8_t*>((reinterpret_cast<uintptr_t>(p) + 4) &
                                                 ~uintptr_t{3});
            reg = nullptr;
            kind = 0;
        } else if (token == 2) { // FDT_END_NODE
            if (depth == 2 && reg != nullptr) {
                const uint32_t stride = 4 * (address_cells + size_cells);
                const uint64_t base = cells(reg, address_cells);
                if (kind == 1 && g_platform.uart == 0) g_platform.uart = base;
                if ((kind == 2 || kind == 3) && reg_len >= 2 * stride) {
                    g_platform.gicd = base;
                    g_platform.gicc_or_gicr = cells(reg + stride, address_cells);
                    g_platform.gicr_size = cells(reg + stride + 4 * address_cells, size_cells);
                    g_platform.gic_v3 = kind == 3;
                }
            }
            --depth;
            kind = 0;
            reg = nullptr;
        } else if (token == 3) { // FDT_PROP
            const uint32_t len = be32(p);
            const char* name = strings + be32(p + 4);
            const uint8_t* value = p + 8;
            if (depth == 1 && equal(name, "#address-cells")) address_cells = be32(value);
            if (depth == 1 && equal(name, "#size-cells")) size_cells = be32(value);
            if (depth == 2 && equal(name, "reg")) {
                reg = value;
                reg_len = len;
            }
            if (depth == 2 && equal(name, "compatible")) {
                if (lists(value, len, "arm,pl011")) kind = 1;
                for (const arm::GicCompatibles& gic : arm::kGicCompatibles) {
                    for (std::string_view c : gic.compatible) {
                        if (!c.empty() && lists(value, len, c.data()))
                            kind = static_cast<int>(gic.version);
                    }
                }
            }
            p += 8 + ((len + 3) & ~3u);
        } else if (token == 4) { // FDT_NOP
        } else {
            return; // FDT_END or garbage
        }
    }
}

// ---- Output ---------------------------------------------------------------------------

volatile uint32_t& reg32(uint64_t address) {
    return *reinterpret_cast<volatile uint32_t*>(address);
}

void putc(char c) {
    if (g_platform.uart == 0) return;
    constexpr uint64_t kDr = 0x00, kFr = 0x18;
    constexpr uint32_t kTxFull = 1u << 5;
    while ((reg32(g_platform.uart + kFr) & kTxFull) != 0) {
    }
    reg32(g_platform.uart + kDr) = static_cast<uint8_t>(c);
}

void puts(const char* s) {
    for (; *s != 0; ++s) {
        if (*s == '\n') putc('\r');
        putc(*s);
    }
}

void putn(uint64_t v, unsigned base = 10) {
    char digits[24];
    int n = 0;
    if (base == 16) puts("0x");
    do {
        const unsigned d = static_cast<unsigned>(v % base);
        digits[n++] = static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0);
    while (n > 0)
        putc(digits[--n]);
}

// ---- Exceptions -----------------------------------------------------------------------

constexpr uint64_t kVectorSyncSpx = 4, kVectorIrqSpx = 5;
constexpr uint32_t kTimerIntid = 27; // the virtual timer's PPI
constexpr uint32_t kStormSgi = 5;

struct Counters {
    uint64_t data_aborts = 0;
    uint64_t external_aborts = 0; // of which DFSC/IFSC says synchronous external abort
    uint64_t instruction_aborts = 0;
    uint64_t undefined = 0;
    uint64_t unexpected = 0;
    uint64_t timer_irqs = 0;
    uint64_t sgis = 0;
    uint64_t other_irqs = 0;
    uint64_t spurious = 0;
};
volatile Counters g_counts;
volatile uint64_t g_timer_storm_left = 0; // the timer stays asserted while this is > 0
volatile uint64_t g_sgi_storm_left = 0;   // each storm SGI sends the next while > 0
volatile uint64_t g_secondary_runs = 0;
volatile uint64_t g_secondary_context = 0;
volatile uint64_t g_secondary_release = 0; // run n may stop once this is n

uint64_t read_esr() {
    uint64_t v;
    asm volatile("mrs %0, esr_el1" : "=r"(v));
    return v;
}

void timer_off() {
    asm volatile("msr cntv_ctl_el0, %0; isb" ::"r"(uint64_t{0}));
}

// GICv2: GICC_IAR answers kGroup1PendingIntid when what is pending is group 1 (which the
// abuse makes every interrupt for a while); that one is taken through the aliased registers.
bool g_aliased = false;

uint32_t gic_ack() {
    if (g_platform.gic_v3) {
        uint64_t v;
        asm volatile("mrs %0, S3_0_C12_C12_0" : "=r"(v)); // ICC_IAR1_EL1
        return static_cast<uint32_t>(v);
    }
    const uint32_t iar = reg32(g_platform.gicc_or_gicr + arm::gicv2::gicc::kIar);
    g_aliased = arm::gicv2::iar_intid(iar) == arm::gicv2::kGroup1PendingIntid;
    return g_aliased ? reg32(g_platform.gicc_or_gicr + arm::gicv2::gicc::kAiar) : iar;
}

void gic_eoi(uint32_t iar) {
    if (g_platform.gic_v3) {
        asm volatile("msr S3_0_C12_C12_1, %0; isb" ::"r"(uint64_t{iar})); // ICC_EOIR1_EL1
        return;
    }
    reg32(g_platform.gicc_or_gicr +
          (g_aliased ? arm::gicv2::gicc::kAeoir : arm::gicv2::gicc::kEoir)) = iar;
}

// An SGI to this vCPU only.
void sgi_to_self(uint32_t intid) {
    if (g_platform.gic_v3) {
        // ICC_SGI1R_EL1: TargetList [15:0] = vCPU 0 (Aff0 0), INTID [27:24].
        const uint64_t v = (uint64_t{intid} << 24) | 1u;
        asm volatile("msr S3_0_C12_C11_5, %0; isb" ::"r"(v));
        return;
    }
    reg32(g_platform.gicd + arm::gicv2::gicd::kSgir) = (2u << 24) | intid; // SelfOnly
}

void on_irq() {
    const uint32_t iar = gic_ack();
    // GICv2's IAR also names an SGI's source CPU ([12:10]); the EOI gives it back whole.
    const uint32_t intid = g_platform.gic_v3 ? iar & 0xffffff : arm::gicv2::iar_intid(iar);
    if (intid >= 1020) {
        g_counts.spurious = g_counts.spurious + 1;
        return;
    }
    if (intid == kTimerIntid) {
        g_counts.timer_irqs = g_counts.timer_irqs + 1;
        // The storm: leave the timer firing (its condition met, unmasked), EOI only.
        if (g_timer_storm_left > 0) {
            g_timer_storm_left = g_timer_storm_left - 1;
        } else {
            timer_off();
        }
    } else if (intid < 16) {
        g_counts.sgis = g_counts.sgis + 1;
        if (intid == kStormSgi && g_sgi_storm_left > 0) {
            g_sgi_storm_left = g_sgi_storm_left - 1;
            sgi_to_self(kStormSgi);
        }
    } else {
        g_counts.other_irqs = g_counts.other_irqs + 1;
    }
    gic_eoi(iar);
}

void on_sync(Frame* f) {
    const arm::Esr esr{read_esr()};
    const arm::ExceptionClass ec = esr.ec();
    const bool external = (esr.iss() & 0x3f) == arm::fsc::kSyncExternal; // DFSC/IFSC
    if (ec == arm::ExceptionClass::DataAbortSame) {
        g_counts.data_aborts = g_counts.data_aborts + 1;
        if (external) g_counts.external_aborts = g_counts.external_aborts + 1;
        f->elr += 4;
    } else if (ec == arm::ExceptionClass::InstructionAbortSame) {
        g_counts.instruction_aborts = g_counts.instruction_aborts + 1;
        if (external) g_counts.external_aborts = g_counts.external_aborts + 1;
        f->elr = f->x[30]; // the fetch came from a call: back to its caller
    } else if (ec == arm::ExceptionClass::Unknown) {
        g_counts.undefined = g_counts.undefined + 1;
        f->elr += 4;
    } else {
        g_counts.unexpected = g_counts.unexpected + 1;
        puts("hostile: unexpected synchronous exception, ESR ");
        putn(esr.value, 16);
        puts(" at ");
        putn(f->elr, 16);
        puts("\n");
        f->elr += 4;
    }
}

// ---- Helpers for the cases ------------------------------------------------------------

uint64_t counter() {
    uint64_t v;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

uint64_t counter_hz() {
    uint64_t v;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

void irqs_on() {
    asm volatile("msr daifclr, #2; isb" ::: "memory");
}

void irqs_off() {
    asm volatile("msr daifset, #2; isb" ::: "memory");
}

// Spins with interrupts on until `done` or `seconds` pass; returns done(). (No WFI: a
// vCPU waiting for another's progress has no interrupt coming.)
template <class Done> bool wait_until(Done done, uint64_t seconds) {
    const uint64_t until = counter() + seconds * counter_hz();
    irqs_on();
    while (!done() && counter() < until) {
    }
    irqs_off();
    return done();
}

unsigned g_cases = 0;
unsigned g_failures = 0;

void verdict(const char* name, bool ok) {
    ++g_cases;
    if (!ok) ++g_failures;
    puts(ok ? " (as expected)\n" : " (FAILED)\n");
    (void)name;
}

void begin(const char* name) {
    puts("hostile: ");
    puts(name);
    puts(": ");
}

bool not_supported(uint64_t x0) {
    return static_cast<uint32_t>(x0) == static_cast<uint32_t>(arm::smccc::kNotSupported);
}

// Function IDs no hypervisor here answers: standard hypervisor service, OEM and trusted-OS
// fast calls, PSCI numbers past its range, yielding calls.
uint64_t unknown_function(unsigned i) {
    switch (i % 5) {
    case 0:
        return 0xc5000000u | (i & 0xffff); // standard hypervisor service, SMC64
    case 1:
        return 0x83000000u | (i & 0xffff); // OEM service, SMC32
    case 2:
        return 0xf2000000u | (i & 0xffff); // trusted OS, SMC64
    case 3:
        return 0x84000020u + (i & 0x1f); // past PSCI's functions (they end at 0x1f)
    default:
        return 0x05000000u | (i & 0xffff); // a yielding call
    }
}

// ---- The cases ------------------------------------------------------------------------

constexpr unsigned kCallFlood = 5000;

void case_hvc_flood() {
    begin("hvc-flood");
    unsigned wrong = 0;
    for (unsigned i = 0; i < kCallFlood; ++i) {
        if (!not_supported(hvc_call(unknown_function(i), i, ~uint64_t{i}, 0))) ++wrong;
    }
    for (unsigned i = 0; i < 100; ++i) {
        if (!not_supported(hvc_call_imm(unknown_function(i), 0, 0, 0))) ++wrong;
    }
    unsigned clobbered = 0;
    for (unsigned i = 0; i < 100; ++i)
        clobbered += static_cast<unsigned>(hvc_keeps_registers(unknown_function(i)));
    clobbered += static_cast<unsigned>(hvc_keeps_registers(arm::psci::kVersion));
    putn(kCallFlood + 100);
    puts(" unknown HVCs, ");
    putn(wrong);
    puts(" not answered NOT_SUPPORTED, ");
    putn(clobbered);
    puts(" of x4..x17 changed");
    verdict("hvc-flood", wrong == 0 && clobbered == 0);
}

void case_smc_flood() {
    begin("smc-flood");
    unsigned wrong = 0;
    for (unsigned i = 0; i < kCallFlood; ++i) {
        if (!not_supported(smc_call(unknown_function(i), i, 0, 0))) ++wrong;
    }
    putn(kCallFlood);
    puts(" unknown SMCs, ");
    putn(wrong);
    puts(" not answered NOT_SUPPORTED");
    verdict("smc-flood", wrong == 0);
}

int64_t cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context) {
    return static_cast<int64_t>(hvc_call(arm::psci::kCpuOn64, mpidr, entry, context));
}

int64_t affinity_info(uint64_t mpidr) {
    return static_cast<int64_t>(hvc_call(arm::psci::kAffinityInfo64, mpidr, 0, 0));
}

bool expect_result(const char* what, int64_t got, int64_t want) {
    if (got == want) return true;
    puts("[");
    puts(what);
    puts(" gave ");
    putn(static_cast<uint64_t>(got), 16);
    puts("] ");
    return false;
}

void case_psci() {
    begin("psci");
    const auto entry = reinterpret_cast<uint64_t>(&secondary_entry);
    bool ok = true;
    ok &= expect_result("CPU_ON of MPIDR 7", cpu_on(7, entry, 0), psci::kInvalidParameters);
    ok &= expect_result("CPU_ON of MPIDR 0xff00ff", cpu_on(0xff00ff, entry, 0),
                        psci::kInvalidParameters);
    ok &= expect_result("CPU_ON at 0x10", cpu_on(1, 0x10, 0), psci::kInvalidAddress);
    ok &= expect_result("CPU_ON unaligned", cpu_on(1, entry + 2, 0), psci::kInvalidAddress);
    ok &= expect_result("CPU_ON of itself", cpu_on(0, entry, 0), psci::kAlreadyOn);
    ok &= expect_result("AFFINITY_INFO of MPIDR 7", affinity_info(7), psci::kInvalidParameters);
    // Start vCPU 1 twice over: each run counts itself, waits to be released and calls
    // CPU_OFF; while it runs, starting it again is refused.
    for (uint64_t run = 1; run <= 2; ++run) {
        ok &= expect_result("CPU_ON of vCPU 1", cpu_on(1, entry, 0x5eed0000 + run), psci::kSuccess);
        ok &= wait_until([run] { return g_secondary_runs == run; }, 10);
        ok &= expect_result("CPU_ON of vCPU 1 again", cpu_on(1, entry, 0), psci::kAlreadyOn);
        ok &= expect_result("AFFINITY_INFO of vCPU 1", affinity_info(1), psci::kAffinityOn);
        g_secondary_release = run;
        ok &= wait_until([] { return affinity_info(1) == psci::kAffinityOff; }, 10);
    }
    ok &= g_secondary_runs == 2 && g_secondary_context == 0x5eed0002;
    // A storm of refused starts: one log line each at first, then the VMM's rate limit.
    unsigned wrong = 0;
    for (unsigned i = 0; i < 1000; ++i) {
        if (cpu_on(8 + (i % 200), entry, 0) != psci::kInvalidParameters) ++wrong;
    }
    puts("vCPU 1 started twice, ran ");
    putn(g_secondary_runs);
    puts(" times, refusals right, 1000 bad CPU_ONs: ");
    putn(wrong);
    puts(" wrong");
    verdict("psci", ok && wrong == 0);
}

// Addresses nothing backs: below guest RAM, just above it, far above, and the top of the
// address space.
constexpr uint64_t kWild[] = {0x0,        0x20000000,   0x3ffff000,
                              0x60000000, 0x4000000000, 0xfffffffff000};
constexpr unsigned kWildAccesses = 4000;

void case_wild_mmio() {
    begin("wild-mmio");
    const uint64_t before = g_counts.data_aborts;
    for (unsigned i = 0; i < kWildAccesses; ++i) {
        const uint64_t a = kWild[i % 6] + 8 * (i / 6 % 64);
        switch (i % 8) {
        case 0:
            asm volatile("ldrb w9, [%0]" ::"r"(a) : "x9", "memory");
            break;
        case 1:
            asm volatile("ldrh w9, [%0]" ::"r"(a) : "x9", "memory");
            break;
        case 2:
            asm volatile("ldr w9, [%0]" ::"r"(a) : "x9", "memory");
            break;
        case 3:
            asm volatile("ldr x9, [%0]" ::"r"(a) : "x9", "memory");
            break;
        case 4:
            asm volatile("strb %w1, [%0]" ::"r"(a), "r"(i) : "memory");
            break;
        case 5:
            asm volatile("strh %w1, [%0]" ::"r"(a), "r"(i) : "memory");
            break;
        case 6:
            asm volatile("str %w1, [%0]" ::"r"(a), "r"(i) : "memory");
            break;
        default:
            asm volatile("str %1, [%0]" ::"r"(a), "r"(uint64_t{i}) : "memory");
            break;
        }
    }
    const uint64_t aborts = g_counts.data_aborts - before;
    putn(kWildAccesses);
    puts(" loads and stores, ");
    putn(aborts);
    puts(" data aborts");
    verdict("wild-mmio", aborts == kWildAccesses);
}

void case_wild_fetch() {
    begin("wild-fetch");
    const uint64_t before = g_counts.instruction_aborts;
    const uint64_t external_before = g_counts.external_aborts;
    for (unsigned i = 0; i < 200; ++i) {
        const uint64_t target = kWild[1 + i % 3] + 4 * i;
        asm volatile("blr %0" ::"r"(target)
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
                       "x12", "x13", "x14", "x15", "x16", "x17", "x30", "memory");
    }
    const uint64_t aborts = g_counts.instruction_aborts - before;
    puts("200 calls into nothing, ");
    putn(aborts);
    puts(" instruction aborts");
    // Each is the VMM's injected abort (IFSC synchronous external), not one of EL1's own.
    verdict("wild-fetch", aborts == 200 && g_counts.external_aborts - external_before == 200);
}

// Accesses the hypervisor must decode from the instruction (no syndrome) or refuse: each
// either gives what a plain read gives or an abort, never anything else.
void case_no_syndrome() {
    begin("no-syndrome-mmio");
    const uint64_t typer = g_platform.gicd + arm::gicv2::gicd::kTyper;
    const uint32_t plain = reg32(typer);
    bool ok = true;
    unsigned emulated = 0;
    unsigned refused = 0;
    auto outcome = [&](uint64_t aborts_before, bool right) {
        if (g_counts.data_aborts != aborts_before) {
            ++refused;
        } else if (right) {
            ++emulated;
        } else {
            ok = false;
        }
    };
    {
        uint64_t a = typer;
        uint32_t v = 0xdead;
        const uint64_t before = g_counts.data_aborts;
        asm volatile("ldr %w1, [%0], #4" : "+r"(a), "+r"(v)::"memory"); // post-index
        outcome(before, v == plain && a == typer + 4);
    }
    {
        uint64_t a = typer - 4;
        uint32_t v = 0xdead;
        const uint64_t before = g_counts.data_aborts;
        asm volatile("ldr %w1, [%0, #4]!" : "+r"(a), "+r"(v)::"memory"); // pre-index
        outcome(before, v == plain && a == typer);
    }
    {
        uint32_t v1 = 0xdead, v2 = 0xdead;
        const uint64_t before = g_counts.data_aborts;
        asm volatile("ldp %w0, %w1, [%2]" : "+r"(v1), "+r"(v2) : "r"(typer - 4) : "memory");
        outcome(before, v2 == plain);
    }
    {
        const uint64_t before = g_counts.data_aborts;
        asm volatile("stp wzr, wzr, [%0]" ::"r"(g_platform.gicd + 0x0ff8) : "memory");
        outcome(before, true);
    }
    {
        uint32_t v = 0xdead;
        const uint64_t before = g_counts.data_aborts;
        asm volatile("ldxr %w0, [%1]" : "+r"(v) : "r"(typer) : "memory"); // exclusive
        asm volatile("clrex");
        outcome(before, v == plain);
    }
    {
        uint32_t v = 0xdead;
        const uint64_t before = g_counts.data_aborts;
        asm volatile("ldar %w0, [%1]" : "+r"(v) : "r"(typer) : "memory"); // acquire
        outcome(before, v == plain);
    }
    putn(emulated);
    puts(" emulated right, ");
    putn(refused);
    puts(" refused with an abort");
    verdict("no-syndrome-mmio", ok && emulated + refused == 6);
}

// One plain access per word (never a writeback form the compiler might choose: an aborted
// access does not write its base register back, and the handler skips the instruction).
void write_all(uint64_t base, uint64_t from, uint64_t to, uint32_t value) {
    for (uint64_t o = from; o < to; o += 4)
        asm volatile("str %w1, [%0]" ::"r"(base + o), "r"(value) : "memory");
}

uint64_t read_all(uint64_t base, uint64_t from, uint64_t to) {
    uint64_t sum = 0;
    for (uint64_t o = from; o < to; o += 4) {
        uint32_t v = 0;
        asm volatile("ldr %w0, [%1]" : "+r"(v) : "r"(base + o) : "memory");
        sum += v;
    }
    return sum;
}

// Puts the distributor back into a state the storms need: everything off and idle,
// then the timer's PPI and the SGIs enabled at a priority the CPU interface lets in.
void gic_sane() {
    using namespace arm;
    const uint64_t d = g_platform.gicd;
    if (!g_platform.gic_v3) {
        for (uint64_t o = 0; o < 0x80; o += 4) {
            reg32(d + gicv2::gicd::kIcenabler + o) = ~0u;
            reg32(d + gicv2::gicd::kIcpendr + o) = ~0u;
            reg32(d + gicv2::gicd::kIcactiver + o) = ~0u;
        }
        for (uint64_t o = 0; o < 0x80; o += 4)
            reg32(d + gicv2::gicd::kIgroupr + o) = 0;
        for (uint64_t o = 0; o < 32; o += 4)
            reg32(d + gicv2::gicd::kIpriorityr + o) = 0xa0a0a0a0;
        reg32(d + gicv2::gicd::kIsenabler) = (1u << kTimerIntid) | 0xffff;
        reg32(d + gicv2::gicd::kCtlr) = gicv2::gicd::kCtlrEnable;
        // The lowest mask: what the abuse put in list registers at priority 0xf8 stays
        // there with it (the vGIC does not rewrite a queued interrupt's priority).
        reg32(g_platform.gicc_or_gicr + gicv2::gicc::kPmr) = 0xff;
        // Both groups (GICV_CTLR EnableGrp0 and EnableGrp1), whichever the vGIC uses.
        reg32(g_platform.gicc_or_gicr + gicv2::gicc::kCtlr) = 3;
        return;
    }
    for (uint64_t o = 0; o < 0x80; o += 4) {
        reg32(d + gicv3::gicd::kIcenabler + o) = ~0u;
        reg32(d + gicv3::gicd::kIcpendr + o) = ~0u;
        reg32(d + gicv3::gicd::kIcactiver + o) = ~0u;
    }
    reg32(d + gicv3::gicd::kCtlr) = gicv3::gicd::kCtlrAre | gicv3::gicd::kCtlrEnableGrp1;
    const uint64_t sgi = g_platform.gicc_or_gicr + gicv3::gicr::kSgiBase; // vCPU 0's
    reg32(g_platform.gicc_or_gicr + gicv3::gicr::kWaker) = 0;
    reg32(sgi + gicv3::gicr::kIcenabler0) = ~0u;
    reg32(sgi + gicv3::gicr::kIcpendr0) = ~0u;
    reg32(sgi + gicv3::gicr::kIcactiver0) = ~0u;
    reg32(sgi + gicv3::gicr::kIgroupr0) = ~0u;
    for (uint64_t o = 0; o < 32; o += 4)
        reg32(sgi + gicv3::gicr::kIpriorityr + o) = 0xa0a0a0a0;
    reg32(sgi + gicv3::gicr::kIsenabler0) = (1u << kTimerIntid) | 0xffff;
    asm volatile("msr S3_0_C12_C12_5, %0; isb" ::"r"(uint64_t{7})); // ICC_SRE_EL1: SRE
    asm volatile("msr S3_0_C4_C6_0, %0" ::"r"(uint64_t{0xff}));     // ICC_PMR_EL1, as for v2
    asm volatile("msr S3_0_C12_C12_4, %0" ::"r"(uint64_t{0}));      // ICC_CTLR_EL1: EOImode 0
    asm volatile("msr S3_0_C12_C12_7, %0; isb" ::"r"(uint64_t{1})); // ICC_IGRPEN1_EL1
}

// Takes whatever the abuse left pending (with interrupts on for a moment).
void drain_interrupts() {
    const uint64_t until = counter() + counter_hz() / 20;
    irqs_on();
    while (counter() < until) {
    }
    irqs_off();
}

constexpr unsigned kSgiFlood = 5000;

void case_gic_abuse() {
    begin("gic-abuse");
    using namespace arm;
    const uint64_t d = g_platform.gicd;
    const uint64_t aborts_before = g_counts.data_aborts;
    uint64_t sum = 0;
    uint64_t outside = 0; // accesses outside every frame the guest was given: each must abort
    if (!g_platform.gic_v3) {
        // Every distributor word written with ones, SGIR included (a reserved filter).
        write_all(d, 0, gicv2::gicd::kFrameSize, ~0u);
        sum += read_all(d, 0, 4 * gicv2::gicd::kFrameSize);
        outside = 3 * gicv2::gicd::kFrameSize / 4; // the reads past the distributor's frame
        // SGIs for CPUs 2..7 (there are two vCPUs) and for the other vCPU, which is off.
        for (unsigned i = 0; i < kSgiFlood; ++i) {
            const uint32_t targets = i % 2 == 0 ? 0xfcu : 0x02u;
            reg32(d + gicv2::gicd::kSgir) = (targets << 16) | (i % 16);
        }
    } else {
        write_all(d, 0, gicv3::gicd::kFrameSize, ~0u);
        sum += read_all(d, 0, gicv3::gicd::kFrameSize);
        const uint64_t r = g_platform.gicc_or_gicr;
        // Each redistributor the DTB gives (RD and SGI frames), then past the last one.
        for (uint64_t at = 0; at < g_platform.gicr_size; at += gicv3::gicr::kStride) {
            write_all(r + at, 0, 0x100, ~0u);
            write_all(r + at + gicv3::gicr::kSgiBase, 0, 0x1000, ~0u);
            sum += read_all(r + at, 0, 0x100);
        }
        sum += read_all(r + g_platform.gicr_size, 0, 0x100);
        write_all(r + g_platform.gicr_size, 0, 0x100, ~0u);
        outside = 2 * 0x100 / 4; // past the last redistributor
        for (unsigned i = 0; i < kSgiFlood; ++i) {
            // TargetList all 16, in cluster 0 and in cluster 0x55 (neither has that many);
            // every other one to all but itself (IRM).
            const uint64_t aff1 = i % 4 == 1 ? (0x55ull << 16) : 0;
            const uint64_t irm = i % 4 == 3 ? (1ull << 40) : 0;
            const uint64_t v = irm | aff1 | (uint64_t{i % 16} << 24) | 0xffff;
            asm volatile("msr S3_0_C12_C11_5, %0" ::"r"(v)); // ICC_SGI1R_EL1
        }
        asm volatile("isb");
    }
    const uint64_t aborts = g_counts.data_aborts - aborts_before;
    gic_sane();
    drain_interrupts();
    puts("every register written with ones, ");
    putn(kSgiFlood);
    puts(" SGIs to absent or stopped vCPUs, ");
    putn(aborts);
    puts(" aborts, register sum ");
    putn(sum, 16);
    // Inside the frames every access is emulated (read-only registers ignore the ones).
    verdict("gic-abuse", aborts == outside);
}

constexpr unsigned kIrqStorm = 5000;

void case_timer_storm() {
    begin("timer-storm");
    const uint64_t before = g_counts.timer_irqs;
    g_timer_storm_left = kIrqStorm;
    asm volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(uint64_t{0}),
                 "r"(uint64_t{1}));
    const bool done = wait_until([] { return g_timer_storm_left == 0; }, 30);
    timer_off();
    const uint64_t got = g_counts.timer_irqs - before;
    putn(got);
    puts(" timer interrupts never quietened at the source");
    verdict("timer-storm", done && got >= kIrqStorm);
}

void case_sgi_storm() {
    begin("sgi-storm");
    const uint64_t before = g_counts.sgis;
    g_sgi_storm_left = kIrqStorm;
    sgi_to_self(kStormSgi);
    const bool done = wait_until([] { return g_sgi_storm_left == 0; }, 30);
    const uint64_t got = g_counts.sgis - before;
    putn(got);
    puts(" SGIs, each sent by the last one's handler");
    verdict("sgi-storm", done && got >= kIrqStorm);
}

void case_sysregs() {
    begin("trapped-sysregs");
    const uint64_t undef_before = g_counts.undefined;
    uint64_t sum = 0;
    for (unsigned i = 0; i < 2000; ++i) {
        uint64_t v;
        // The EL1 physical timer belongs to native domains: trapped, reads 0.
        asm volatile("mrs %0, cntp_ctl_el0" : "=r"(v));
        sum += v;
        asm volatile("msr cntp_cval_el0, %0" ::"r"(~uint64_t{0}));
        asm volatile("msr cntp_ctl_el0, %0" ::"r"(uint64_t{1}));
    }
    puts("6000 EL1 physical timer accesses, reads sum ");
    putn(sum);
    puts(", ");
    putn(g_counts.undefined - undef_before);
    puts(" undefined");
    verdict("trapped-sysregs", sum == 0);
}

// Debug hardware is the hypervisor's, not the guest's: a watchpoint on EL0 accesses armed
// here would fire in the hypervisor's own EL0 threads (the VMM among them: it stopped with a
// watchpoint fault before the kernel trapped the debug registers). Armed over the low 2 GiB,
// then the VMM is made to run (an HVC) and must answer; the register reads back as 0.
void case_debug_registers() {
    begin("debug-registers");
    const uint64_t undef_before = g_counts.undefined;
    asm volatile("msr oslar_el1, xzr; isb"); // OS lock off
    asm volatile("msr dbgwvr0_el1, xzr");    // from address 0
    const uint64_t wcr = (31ull << 24) | (0xffull << 5) | (3ull << 3) | (2ull << 1) | 1;
    asm volatile("msr dbgwcr0_el1, %0" ::"r"(wcr)); // 2 GiB, loads+stores, EL0
    uint64_t mdscr;
    asm volatile("mrs %0, mdscr_el1" : "=r"(mdscr));
    asm volatile("msr mdscr_el1, %0; isb" ::"r"(mdscr | (1u << 15))); // MDE
    uint64_t readback;
    asm volatile("mrs %0, dbgwcr0_el1" : "=r"(readback));
    const bool answered = not_supported(hvc_call(unknown_function(0), 0, 0, 0));
    asm volatile("msr dbgwcr0_el1, xzr; isb");
    puts("watchpoint over EL0 armed (reads back ");
    putn(readback, 16);
    puts("), the VMM ");
    puts(answered ? "answered" : "did not answer");
    puts(", ");
    putn(g_counts.undefined - undef_before);
    puts(" undefined");
    verdict("debug-registers", answered && readback == 0);
}

// SCTLR_EL1's EL0 controls still apply at EL0 while the hypervisor's native threads run
// there (HCR_EL2.TGE without E2H): big-endian EL0 data (E0E) and alignment checks (A) set
// here would make the VMM misread its own memory. Set, then the VMM is made to run (an HVC
// and an emulated distributor read, compared with the value read before) and must answer;
// the guest's own SCTLR_EL1 must come back unchanged.
void case_sctlr_el0() {
    begin("sctlr-el0");
    static_assert(arm::gicv2::gicd::kTyper == arm::gicv3::gicd::kTyper);
    const uint32_t typer = reg32(g_platform.gicd + arm::gicv2::gicd::kTyper);
    uint64_t sctlr;
    asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    const uint64_t hostile = sctlr | arm::sctlr::kE0e | arm::sctlr::kA;
    asm volatile("msr sctlr_el1, %0; isb" ::"r"(hostile));
    unsigned answered = 0, read_right = 0;
    for (unsigned i = 0; i < 100; ++i) {
        answered += static_cast<unsigned>(not_supported(hvc_call(unknown_function(i), 0, 0, 0)));
        read_right +=
            static_cast<unsigned>(reg32(g_platform.gicd + arm::gicv2::gicd::kTyper) == typer);
    }
    uint64_t kept;
    asm volatile("mrs %0, sctlr_el1" : "=r"(kept));
    asm volatile("msr sctlr_el1, %0; isb" ::"r"(sctlr));
    puts("EL0 big-endian and alignment-checked: ");
    putn(answered);
    puts(" of 100 HVCs answered, ");
    putn(read_right);
    puts(" of 100 distributor reads right, SCTLR_EL1 ");
    puts(kept == hostile ? "kept" : "changed");
    verdict("sctlr-el0", answered == 100 && read_right == 100 && kept == hostile);
}

} // namespace

void hostile_exception(Frame* frame, uint64_t vector) {
    if (vector == kVectorSyncSpx) {
        on_sync(frame);
    } else if (vector == kVectorIrqSpx) {
        on_irq();
    } else {
        g_counts.unexpected = g_counts.unexpected + 1;
        puts("hostile: unexpected exception vector ");
        putn(vector);
        puts("\n");
    }
}

void hostile_secondary(uint64_t context) {
    g_secondary_context = context;
    const uint64_t run = g_secondary_runs + 1;
    g_secondary_runs = run;
    while (g_secondary_release != run) {
    }
    (void)hvc_call(arm::psci::kCpuOff, 0, 0, 0);
    puts("hostile: FAILED: CPU_OFF returned\n");
}

void hostile_main(const uint8_t* dtb) {
    scan_dtb(dtb);
    puts("hostile: bare-metal guest at EL1, GICv");
    putn(g_platform.gic_v3 ? 3 : 2);
    puts(", distributor ");
    putn(g_platform.gicd, 16);
    puts("\n");
    gic_sane();
    case_hvc_flood();
    case_smc_flood();
    case_psci();
    case_wild_fetch(); // first: its log line is not yet behind the data aborts' rate limit
    case_wild_mmio();
    case_no_syndrome();
    case_sysregs();
    case_debug_registers();
    case_sctlr_el0();
    case_timer_storm();
    case_sgi_storm();
    // Last: the distributor is left in a state no guest could fully undo (interrupts
    // queued in list registers keep the priority they had there).
    case_gic_abuse();
    puts("hostile: ");
    putn(g_cases - g_failures);
    puts(" of ");
    putn(g_cases);
    puts(" cases as expected; ");
    putn(g_counts.unexpected);
    puts(" unexpected exceptions; powering off\n");
    (void)hvc_call(arm::psci::kSystemOff, 0, 0, 0);
    puts("hostile: FAILED: SYSTEM_OFF returned\n");
}
