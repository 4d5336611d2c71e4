// The system spec: a versioned, checksummed binary description of every kernel
// object, capability and mapping, plus the board. The host tool writes it; the
// kernel validates and instantiates it at boot. Shared verbatim by host and target.
#pragma once

#include <cstddef>
#include <cstdint>

namespace spec {

inline constexpr char kMagic[8] = {'B', 'H', 'D', 'S', 'P', 'E', 'C', '1'};
inline constexpr char kTrailerMagic[8] = {'B', 'H', 'D', 'S', 'P', 'E', 'N', 'D'};
inline constexpr uint32_t kVersion = 3;        // 2: chained notifications; 3: movable mappings
inline constexpr uint32_t kNone = 0xffffffffu; // "no object" in an index field
inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kIpaBits = 39; // each domain's stage-2 input range

// Tables follow the header in this order; each is an array of fixed-size records.
enum class Table : uint32_t {
    Board,
    Domains,
    Threads,
    Endpoints,
    Notifications,
    IrqHandlers,
    Regions,
    Mappings,
    Caps,
    Count
};
inline constexpr uint32_t kTableCount = static_cast<uint32_t>(Table::Count);

struct TableRef {
    uint32_t offset;      // from the start of the spec, 8-byte aligned
    uint32_t count;       // records
    uint32_t record_size; // must equal sizeof(record) for this version
    uint32_t reserved;
};

struct Header {
    char magic[8];
    uint32_t version;
    uint32_t header_size;
    uint32_t total_size; // header + tables + trailer
    uint32_t checksum;   // CRC-32 of the whole spec with this field read as 0
    TableRef tables[kTableCount];
};

// Last 16 bytes of the spec: a truncated spec misses it.
struct Trailer {
    char magic[8];
    uint32_t total_size;
    uint32_t reserved;
};

// Board::flags bits.
enum BoardFlags : uint32_t {
    // Stage-2 tables use 4 KiB leaves only, never 2 MiB blocks: for a CPU (or emulator) on
    // which a block costs more than the table pages it saves. QEMU 7.2 is not one now (its
    // large-page TLB flushes cost less than refilling a leaf table's entry after every guest
    // context switch: docs/ARCHITECTURE.md, "Stage-2 leaf size on qemu-arm-virt"), so no
    // board sets it; real CPUs want the blocks.
    BoardStage2PagesOnly = 1,
    // (2 was BoardRegrowSoftTlb, the kernel's periodic TLB invalidation for QEMU, which the
    // VMM's TLB ballast replaced: vmm/soft_tlb_ballast.hpp.)
};
inline constexpr uint32_t kBoardFlagsAll = BoardStage2PagesOnly;

struct Board {
    char name[32];
    uint64_t ram_base, ram_size;
    uint64_t gicd, gicc, gich, gicv; // GICv2 frames (GICv3: gicd only)
    uint64_t uart_base;              // kernel debug console (PL011)
    uint32_t uart_irq;
    uint32_t hyp_timer_irq;  // CNTHP PPI (INTID)
    uint32_t virt_timer_irq; // CNTV PPI, for guests
    uint32_t cpu_count;
    uint32_t phys_timer_irq; // CNTP PPI: EL0 may use that timer only in the domain
                             // holding the IRQ handler for it
    uint32_t flags;          // BoardFlags
    uint32_t gic_version;    // 2: gicd..gicv; 3: gicd and gicr; the kernel refuses others
    uint32_t uart_kind;      // ConsoleKind of uart_base (boot_info.hpp)
    uint64_t gicr;           // GICv3: the first redistributor; cpu_count of them, 128 KiB each
    // Where the boot loader leaves its DTB when it does not pass it in x0 (QEMU's virt for an
    // ELF: the start of RAM); 0: x0 only. The kernel takes its /chosen/rng-seed (boot_entropy).
    uint64_t boot_dtb;
};

struct Domain {
    char name[16];
    uint32_t cap_first; // slots are Caps[cap_first .. cap_first + cap_count)
    uint32_t cap_count;
};

enum class ThreadFlags : uint32_t {
    None = 0,
    StartSuspended = 1,
    // Invoking a capability the thread does not hold (empty slot, wrong type, missing
    // right) stops it with a fault message instead of only returning the error code.
    CapFaults = 2,
    // A vCPU (spec/vcpu_abi.hpp): runs at EL1h in its domain's stage-2 space (the
    // guest address space), entry = first PC, arg = x0, stack_top = SP_EL1, the fault
    // endpoint + badge receive its exits. A Vcpu capability names it by thread index.
    Vcpu = 4,
};
inline constexpr uint32_t kThreadFlagsAll = 7;

struct Thread {
    char name[16];
    uint32_t domain;
    uint32_t priority; // 0 (lowest) .. 255
    uint64_t entry;    // IPA of the first instruction
    uint64_t stack_top;
    uint64_t arg;            // x0 at start
    uint32_t fault_endpoint; // endpoint index or kNone
    uint32_t bound_notification;
    uint64_t fault_badge;
    uint32_t flags; // ThreadFlags
    uint32_t core;  // the CPU it is pinned to (< Board::cpu_count)
};

struct Endpoint {
    uint64_t reserved;
};

// A chained notification keeps its bits and, whenever signalled, also signals `parent`
// with bit `parent_bit` of its word: more than 64 sources for one bound notification.
struct Notification {
    uint32_t parent;     // kNone, or the notification it chains into (itself not chained)
    uint32_t parent_bit; // < 64
};

struct IrqHandler {
    uint32_t irq; // GIC INTID (SPI or PPI)
    uint32_t notification;
    uint64_t badge;
    uint32_t edge; // 0 level, 1 edge
    uint32_t reserved;
};

enum class RegionKind : uint32_t { Ram = 0, Device = 1 };

// Region::flags bits.
enum RegionFlags : uint32_t {
    // RAM zeroed 2 MiB at a time when a domain first touches it rather than at boot
    // (guest RAM: the untouched part costs nothing at start-up).
    RegionZeroOnFirstTouch = 1,
};

struct Region {
    uint64_t phys;
    uint64_t size;
    uint64_t init_size; // bytes the image loader filled; the kernel zeroes the rest
    uint32_t kind;      // RegionKind
    uint32_t flags;     // RegionFlags
};

enum Rights : uint32_t { RightRead = 1, RightWrite = 2, RightExecute = 4 };
enum class Cacheability : uint32_t { WriteBack = 0, Device = 1, NonCacheable = 2 };

struct Mapping {
    uint32_t domain;
    uint32_t region;
    uint64_t ipa;    // where the domain sees it (its EL0 virtual address)
    uint64_t offset; // into the region
    uint64_t size;
    uint32_t rights; // Rights bits
    uint32_t cacheability;
    // 0: a fixed mapping, made at boot. Otherwise a movable one: it starts unmapped, and
    // the holder of a Mapping capability to it places it (call MappingMove) at any
    // page-aligned IPA inside [ipa, ipa + window_size), moves it, or removes it again. A
    // VMM uses this for memory a guest places itself (a PCI BAR over shared frames). The
    // kernel makes the tables under the window at boot, so a move never allocates.
    uint64_t window_size;
};

enum class CapType : uint32_t {
    Null = 0,
    Endpoint = 1,
    Notification = 2,
    IrqHandler = 3,
    Thread = 4,
    SystemControl = 5, // power off the machine (tests, supervisors)
    Vcpu = 6,          // object = thread index of a ThreadFlags::Vcpu thread
    Firmware = 7,      // SMCCC calls to the secure firmware (arm::smccc::forwardable_to_firmware)
    Mapping = 8,       // object = index of a movable mapping (Mapping::window_size != 0)
    Count
};

// The name a listing shows for a CapType value ("null" for one out of range).
constexpr const char* cap_type_name(uint32_t type) {
    constexpr const char* kNames[] = {"null",        "endpoint", "notification",
                                      "irq-handler", "thread",   "system-control",
                                      "vcpu",        "firmware", "mapping"};
    static_assert(sizeof kNames / sizeof kNames[0] == static_cast<uint32_t>(CapType::Count));
    return type < static_cast<uint32_t>(CapType::Count) ? kNames[type] : "null";
}

enum CapRights : uint32_t {
    CapSend = 1,    // endpoint: send/call; notification: signal
    CapReceive = 2, // endpoint: receive/reply; notification: wait/poll
    CapAll = 3
};

struct Cap {
    uint32_t type; // CapType
    uint32_t object;
    uint64_t badge;
    uint32_t rights; // CapRights
    uint32_t reserved;
};

// Static capacities of the kernel. The host tool checks them at build time and the
// kernel again at boot, so one never builds a system the kernel cannot hold.
struct Limits {
    uint32_t domains = 32;
    uint32_t threads = 64;
    uint32_t endpoints = 64;
    uint32_t notifications = 64;
    uint32_t irq_handlers = 256; // upstream's exynos5422 VM passes ~100 IRQs through
    uint32_t regions = 256;
    uint32_t mappings = 512;
    uint32_t caps = 1024;
};
inline constexpr Limits kKernelLimits{};

template <class T> constexpr uint32_t record_size() {
    return static_cast<uint32_t>(sizeof(T));
}

// Record size of each table, in spec::Table order.
inline constexpr uint32_t kRecordSizes[kTableCount] = {
    record_size<Board>(),    record_size<Domain>(),       record_size<Thread>(),
    record_size<Endpoint>(), record_size<Notification>(), record_size<IrqHandler>(),
    record_size<Region>(),   record_size<Mapping>(),      record_size<Cap>()};

// Compares an 8-byte magic field.
constexpr bool same_magic(const char* a, const char* b) {
    for (int i = 0; i < 8; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

static_assert(sizeof(Header) == 24 + 16 * kTableCount);
static_assert(sizeof(Thread) % 8 == 0 && sizeof(Mapping) % 8 == 0 && sizeof(Board) % 8 == 0);

} // namespace spec
